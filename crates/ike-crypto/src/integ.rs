//! Integrity algorithms (transform type 3) used with the non-AEAD ciphers of the SK payload.

use crate::prf::{aes_cmac, aes_xcbc_mac};

/// An integrity transform (IANA "Transform Type 3 - Integrity Algorithm Transform IDs").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Integrity {
    /// AUTH_HMAC_MD5_96 (1), RFC 2403.
    HmacMd5_96,
    /// AUTH_HMAC_SHA1_96 (2), RFC 2404.
    HmacSha1_96,
    /// AUTH_AES_XCBC_96 (5), RFC 3566.
    AesXcbc96,
    /// AUTH_AES_CMAC_96 (8), RFC 4494.
    AesCmac96,
    /// AUTH_HMAC_SHA2_256_128 (12), RFC 4868.
    HmacSha256_128,
    /// AUTH_HMAC_SHA2_384_192 (13), RFC 4868.
    HmacSha384_192,
    /// AUTH_HMAC_SHA2_512_256 (14), RFC 4868.
    HmacSha512_256,
}

impl Integrity {
    /// The algorithm for an IANA transform ID, `None` for NONE (0) or one not implemented.
    pub fn from_transform_id(id: u16) -> Option<Integrity> {
        Some(match id {
            1 => Integrity::HmacMd5_96,
            2 => Integrity::HmacSha1_96,
            5 => Integrity::AesXcbc96,
            8 => Integrity::AesCmac96,
            12 => Integrity::HmacSha256_128,
            13 => Integrity::HmacSha384_192,
            14 => Integrity::HmacSha512_256,
            _ => return None,
        })
    }

    /// The IANA transform ID.
    pub fn transform_id(self) -> u16 {
        match self {
            Integrity::HmacMd5_96 => 1,
            Integrity::HmacSha1_96 => 2,
            Integrity::AesXcbc96 => 5,
            Integrity::AesCmac96 => 8,
            Integrity::HmacSha256_128 => 12,
            Integrity::HmacSha384_192 => 13,
            Integrity::HmacSha512_256 => 14,
        }
    }

    /// Key length in bytes (the length of SK_ai and SK_ar).
    pub fn key_len(self) -> usize {
        match self {
            Integrity::HmacMd5_96 | Integrity::AesXcbc96 | Integrity::AesCmac96 => 16,
            Integrity::HmacSha1_96 => 20,
            Integrity::HmacSha256_128 => 32,
            Integrity::HmacSha384_192 => 48,
            Integrity::HmacSha512_256 => 64,
        }
    }

    /// Length of the truncated ICV in bytes.
    pub fn icv_len(self) -> usize {
        match self {
            Integrity::HmacMd5_96
            | Integrity::HmacSha1_96
            | Integrity::AesXcbc96
            | Integrity::AesCmac96 => 12,
            Integrity::HmacSha256_128 => 16,
            Integrity::HmacSha384_192 => 24,
            Integrity::HmacSha512_256 => 32,
        }
    }

    /// The truncated ICV of `parts` concatenated. `None` when the key has the wrong length
    /// for an AES MAC (HMAC takes any key).
    pub fn compute(self, key: &[u8], parts: &[&[u8]]) -> Option<Vec<u8>> {
        let mut full = match self {
            Integrity::HmacMd5_96 => hmac_bytes!(md5::Md5, key, parts),
            Integrity::HmacSha1_96 => hmac_bytes!(sha1::Sha1, key, parts),
            Integrity::HmacSha256_128 => hmac_bytes!(sha2::Sha256, key, parts),
            Integrity::HmacSha384_192 => hmac_bytes!(sha2::Sha384, key, parts),
            Integrity::HmacSha512_256 => hmac_bytes!(sha2::Sha512, key, parts),
            Integrity::AesXcbc96 | Integrity::AesCmac96 => {
                let key: [u8; 16] = key.try_into().ok()?;
                let message = parts.concat();
                if self == Integrity::AesXcbc96 {
                    aes_xcbc_mac(&key, &message).to_vec()
                } else {
                    aes_cmac(&key, &message).to_vec()
                }
            }
        };
        full.truncate(self.icv_len());
        Some(full)
    }
}
