//! Encryption algorithms (transform type 1) of the SK payload.

/// An encryption transform (IANA "Transform Type 1 - Encryption Algorithm Transform IDs") with
/// its key length and, for AEAD ciphers, its ICV length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encryption {
    /// ENCR_3DES (3), RFC 2451: 24-byte key, 8-byte IV, CBC.
    TripleDesCbc,
    /// ENCR_AES_CBC (12), RFC 3602.
    AesCbc { key_bits: u16 },
    /// ENCR_AES_CTR (13), RFC 5930: key material is the AES key and a 4-byte nonce.
    AesCtr { key_bits: u16 },
    /// ENCR_AES_CCM_8/12/16 (14/15/16), RFC 5282: key material is the AES key and a 3-byte salt.
    AesCcm { key_bits: u16, icv_len: u8 },
    /// ENCR_AES_GCM_8/12/16 (18/19/20), RFC 5282: key material is the AES key and a 4-byte salt.
    AesGcm { key_bits: u16, icv_len: u8 },
    /// ENCR_CHACHA20_POLY1305 (28), RFC 7634: 32-byte key and a 4-byte salt.
    ChaCha20Poly1305,
}

impl Encryption {
    /// The cipher for an IANA transform ID and its Key Length attribute in bits (required for
    /// AES, ignored otherwise). `None` for a transform not implemented or a bad key length.
    pub fn from_transform_id(id: u16, key_bits: Option<u16>) -> Option<Encryption> {
        let aes_bits = || match key_bits {
            Some(bits @ (128 | 192 | 256)) => Some(bits),
            _ => None,
        };
        Some(match id {
            3 => Encryption::TripleDesCbc,
            12 => Encryption::AesCbc {
                key_bits: aes_bits()?,
            },
            13 => Encryption::AesCtr {
                key_bits: aes_bits()?,
            },
            14..=16 => Encryption::AesCcm {
                key_bits: aes_bits()?,
                icv_len: [8, 12, 16][usize::from(id - 14)],
            },
            18..=20 => Encryption::AesGcm {
                key_bits: aes_bits()?,
                icv_len: [8, 12, 16][usize::from(id - 18)],
            },
            28 => Encryption::ChaCha20Poly1305,
            _ => return None,
        })
    }

    /// The IANA transform ID.
    pub fn transform_id(self) -> u16 {
        match self {
            Encryption::TripleDesCbc => 3,
            Encryption::AesCbc { .. } => 12,
            Encryption::AesCtr { .. } => 13,
            Encryption::AesCcm { icv_len, .. } => 14 + u16::from(icv_len / 4 - 2),
            Encryption::AesGcm { icv_len, .. } => 18 + u16::from(icv_len / 4 - 2),
            Encryption::ChaCha20Poly1305 => 28,
        }
    }

    /// The Key Length attribute in bits, `None` for ciphers that have none.
    pub fn key_bits(self) -> Option<u16> {
        match self {
            Encryption::AesCbc { key_bits }
            | Encryption::AesCtr { key_bits }
            | Encryption::AesCcm { key_bits, .. }
            | Encryption::AesGcm { key_bits, .. } => Some(key_bits),
            Encryption::TripleDesCbc | Encryption::ChaCha20Poly1305 => None,
        }
    }

    /// Whether the cipher authenticates (then no integrity transform is negotiated).
    pub fn is_aead(self) -> bool {
        matches!(
            self,
            Encryption::AesCcm { .. } | Encryption::AesGcm { .. } | Encryption::ChaCha20Poly1305
        )
    }

    /// Length of the cipher key proper in bytes.
    pub fn cipher_key_len(self) -> usize {
        match self {
            Encryption::TripleDesCbc => 24,
            Encryption::ChaCha20Poly1305 => 32,
            other => usize::from(other.key_bits().unwrap_or(128) / 8),
        }
    }

    /// Length of the salt or nonce taken from the key material after the key.
    pub fn salt_len(self) -> usize {
        match self {
            Encryption::TripleDesCbc | Encryption::AesCbc { .. } => 0,
            Encryption::AesCcm { .. } => 3,
            Encryption::AesCtr { .. }
            | Encryption::AesGcm { .. }
            | Encryption::ChaCha20Poly1305 => 4,
        }
    }

    /// Length of SK_ei and SK_er: the cipher key followed by the salt.
    pub fn key_material_len(self) -> usize {
        self.cipher_key_len() + self.salt_len()
    }

    /// Length of the IV carried in each SK payload.
    pub fn iv_len(self) -> usize {
        match self {
            Encryption::AesCbc { .. } => 16,
            _ => 8,
        }
    }

    /// The ICV length of an AEAD cipher, 0 otherwise.
    pub fn aead_icv_len(self) -> usize {
        match self {
            Encryption::AesCcm { icv_len, .. } | Encryption::AesGcm { icv_len, .. } => {
                usize::from(icv_len)
            }
            Encryption::ChaCha20Poly1305 => 16,
            _ => 0,
        }
    }

    /// The block size the plaintext is padded to (1 for stream and AEAD modes).
    pub fn block_len(self) -> usize {
        match self {
            Encryption::TripleDesCbc => 8,
            Encryption::AesCbc { .. } => 16,
            _ => 1,
        }
    }
}
