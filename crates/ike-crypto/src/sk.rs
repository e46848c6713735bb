//! The body of an Encrypted (SK, RFC 7296 3.14) or Encrypted Fragment (SKF, RFC 7383 2.5)
//! payload: `IV | ciphertext | ICV`, where the plaintext is `inner payloads | padding | pad
//! length`.
//!
//! `header` is always the bytes of the IKE message from its first octet up to and including the
//! SK/SKF generic payload header (for SKF, with the Fragment Number and Total Fragments fields),
//! with final length fields. It is the AAD of AEAD ciphers (RFC 5282 5.1, RFC 7634 4) and the
//! start of what the ICV of the other ciphers covers (RFC 7296 3.14).

use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyInit, KeyIvInit, StreamCipher};
use aes::{Aes128, Aes192, Aes256};
use aes_gcm::aead::AeadInPlace;
use zeroize::Zeroize;

use crate::encr::Encryption;
use crate::integ::Integrity;
use crate::keys::IkeSuite;
use crate::CryptoError;

/// One direction's cipher for SK payload bodies: encryption key (with salt) and, for non-AEAD
/// ciphers, the integrity key. Zeroes its keys on drop.
#[derive(Clone)]
pub struct SkCipher {
    encryption: Encryption,
    integrity: Option<Integrity>,
    encryption_key: Vec<u8>,
    integrity_key: Vec<u8>,
}

impl Drop for SkCipher {
    fn drop(&mut self) {
        self.encryption_key.zeroize();
        self.integrity_key.zeroize();
    }
}

impl std::fmt::Debug for SkCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SkCipher")
            .field("encryption", &self.encryption)
            .field("integrity", &self.integrity)
            .finish_non_exhaustive()
    }
}

impl SkCipher {
    /// A cipher from SK_e (key and salt) and SK_a (empty with AEAD), checking their lengths.
    pub fn new(
        suite: &IkeSuite,
        encryption_key: &[u8],
        integrity_key: &[u8],
    ) -> Result<SkCipher, CryptoError> {
        suite.check()?;
        let expected = suite.encryption.key_material_len();
        if encryption_key.len() != expected {
            return Err(CryptoError::BadKeyLength {
                what: "SK_e",
                expected,
                got: encryption_key.len(),
            });
        }
        let expected = suite.integrity_key_len();
        if integrity_key.len() != expected {
            return Err(CryptoError::BadKeyLength {
                what: "SK_a",
                expected,
                got: integrity_key.len(),
            });
        }
        Ok(SkCipher {
            encryption: suite.encryption,
            integrity: suite.integrity,
            encryption_key: encryption_key.to_vec(),
            integrity_key: integrity_key.to_vec(),
        })
    }

    /// The cipher's encryption transform.
    pub fn encryption(&self) -> Encryption {
        self.encryption
    }

    /// The cipher's integrity transform (`None` with AEAD).
    pub fn integrity(&self) -> Option<Integrity> {
        self.integrity
    }

    /// Length of the ICV at the end of each body.
    pub fn icv_len(&self) -> usize {
        match self.integrity {
            Some(integrity) => integrity.icv_len(),
            None => self.encryption.aead_icv_len(),
        }
    }

    /// Length of the padding [`SkCipher::seal`] adds to `inner_len` bytes (the pad length octet
    /// excluded).
    pub fn padding_len(&self, inner_len: usize) -> usize {
        let block = self.encryption.block_len();
        (block - (inner_len + 1) % block) % block
    }

    /// Length of the body [`SkCipher::seal`] makes of `inner_len` bytes of inner payloads, so the
    /// caller can write final length fields into `header` first.
    pub fn sealed_len(&self, inner_len: usize) -> usize {
        self.encryption.iv_len() + inner_len + self.padding_len(inner_len) + 1 + self.icv_len()
    }

    /// Builds the body `IV | ciphertext | ICV` of `inner` (the inner payloads) with the given IV
    /// (random for CBC, unique for the others: the caller chooses). Padding octets are zero.
    pub fn seal(&self, header: &[u8], inner: &[u8], iv: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if iv.len() != self.encryption.iv_len() {
            return Err(CryptoError::BadKeyLength {
                what: "IV",
                expected: self.encryption.iv_len(),
                got: iv.len(),
            });
        }
        let pad = self.padding_len(inner.len());
        let mut text = Vec::with_capacity(inner.len() + pad + 1 + self.icv_len());
        text.extend_from_slice(inner);
        text.resize(inner.len() + pad, 0);
        // pad < block length <= 16, so it fits an octet.
        text.push(pad as u8);
        let mut body = iv.to_vec();
        if self.encryption.is_aead() {
            let tag = self.aead_seal(header, iv, &mut text)?;
            body.extend_from_slice(&text);
            body.extend_from_slice(&tag);
        } else {
            self.cipher_apply(iv, &mut text, true)?;
            body.extend_from_slice(&text);
            let icv = self.icv(header, &body)?;
            body.extend_from_slice(&icv);
        }
        Ok(body)
    }

    /// Checks the ICV of `body` and decrypts it; returns the inner payloads without padding.
    /// A wrong key shows as [`CryptoError::IntegrityCheckFailed`].
    pub fn open(&self, header: &[u8], body: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let iv_len = self.encryption.iv_len();
        let icv_len = self.icv_len();
        if body.len() < iv_len + icv_len + 1 {
            return Err(CryptoError::Truncated);
        }
        let (iv, rest) = body.split_at(iv_len);
        let (ciphertext, icv) = rest.split_at(rest.len() - icv_len);
        let mut text = ciphertext.to_vec();
        if self.encryption.is_aead() {
            self.aead_open(header, iv, &mut text, icv)?;
        } else {
            let expected = self.icv(header, &body[..body.len() - icv_len])?;
            if !constant_time_eq(&expected, icv) {
                return Err(CryptoError::IntegrityCheckFailed);
            }
            if text.len() % self.encryption.block_len() != 0 {
                return Err(CryptoError::BadPadding);
            }
            self.cipher_apply(iv, &mut text, false)?;
        }
        let pad_len = usize::from(*text.last().ok_or(CryptoError::Truncated)?);
        if pad_len + 1 > text.len() {
            text.zeroize();
            return Err(CryptoError::BadPadding);
        }
        text.truncate(text.len() - pad_len - 1);
        Ok(text)
    }

    fn icv(&self, header: &[u8], body_without_icv: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let integrity = self
            .integrity
            .ok_or(CryptoError::InconsistentSuite("no integrity algorithm"))?;
        integrity
            .compute(&self.integrity_key, &[header, body_without_icv])
            .ok_or(CryptoError::BadKeyLength {
                what: "SK_a",
                expected: integrity.key_len(),
                got: self.integrity_key.len(),
            })
    }

    fn split_key(&self) -> (&[u8], &[u8]) {
        self.encryption_key.split_at(
            self.encryption
                .cipher_key_len()
                .min(self.encryption_key.len()),
        )
    }

    /// CBC (no padding: the caller pads) or CTR over `text` in place.
    pub(crate) fn cipher_apply(
        &self,
        iv: &[u8],
        text: &mut [u8],
        encrypt: bool,
    ) -> Result<(), CryptoError> {
        let (key, salt) = self.split_key();
        let bad = || CryptoError::BadKeyLength {
            what: "SK_e",
            expected: self.encryption.key_material_len(),
            got: self.encryption_key.len(),
        };
        macro_rules! cbc {
            ($cipher:ty) => {{
                if encrypt {
                    let mut c =
                        cbc::Encryptor::<$cipher>::new_from_slices(key, iv).map_err(|_| bad())?;
                    for block in text.chunks_exact_mut(self.encryption.block_len()) {
                        c.encrypt_block_mut(block.into());
                    }
                } else {
                    let mut c =
                        cbc::Decryptor::<$cipher>::new_from_slices(key, iv).map_err(|_| bad())?;
                    for block in text.chunks_exact_mut(self.encryption.block_len()) {
                        c.decrypt_block_mut(block.into());
                    }
                }
            }};
        }
        macro_rules! ctr {
            ($cipher:ty) => {{
                // RFC 3686 counter block: nonce (4) | IV (8) | block counter starting at 1.
                let counter_block = [salt, iv, &[0, 0, 0, 1]].concat();
                let mut c = ctr::Ctr32BE::<$cipher>::new_from_slices(key, &counter_block)
                    .map_err(|_| bad())?;
                c.apply_keystream(text);
            }};
        }
        match self.encryption {
            Encryption::TripleDesCbc => cbc!(des::TdesEde3),
            Encryption::AesCbc { key_bits: 128 } => cbc!(Aes128),
            Encryption::AesCbc { key_bits: 192 } => cbc!(Aes192),
            Encryption::AesCbc { .. } => cbc!(Aes256),
            Encryption::AesCtr { key_bits: 128 } => ctr!(Aes128),
            Encryption::AesCtr { key_bits: 192 } => ctr!(Aes192),
            Encryption::AesCtr { .. } => ctr!(Aes256),
            _ => {
                return Err(CryptoError::InconsistentSuite(
                    "AEAD cipher used without AEAD",
                ))
            }
        }
        Ok(())
    }

    /// Encrypts `text` in place and returns the ICV.
    pub(crate) fn aead_seal(
        &self,
        aad: &[u8],
        iv: &[u8],
        text: &mut [u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let (key, salt) = self.split_key();
        let nonce = [salt, iv].concat();
        match self.encryption {
            Encryption::AesGcm { key_bits, icv_len } => {
                let mut tag = gcm_seal(key_bits, key, &nonce, aad, text)?;
                tag.truncate(usize::from(icv_len));
                Ok(tag)
            }
            Encryption::AesCcm { key_bits, icv_len } => {
                ccm_apply(key_bits, icv_len, key, &nonce, aad, text, None)
            }
            Encryption::ChaCha20Poly1305 => {
                let cipher = chacha20poly1305::ChaCha20Poly1305::new_from_slice(key)
                    .map_err(|_| CryptoError::Malformed("ChaCha20 key"))?;
                let tag = cipher
                    .encrypt_in_place_detached(nonce.as_slice().into(), aad, text)
                    .map_err(|_| CryptoError::Malformed("ChaCha20-Poly1305 input too long"))?;
                Ok(tag.to_vec())
            }
            _ => Err(CryptoError::InconsistentSuite("not an AEAD cipher")),
        }
    }

    /// Checks `icv` and decrypts `text` in place.
    fn aead_open(
        &self,
        aad: &[u8],
        iv: &[u8],
        text: &mut [u8],
        icv: &[u8],
    ) -> Result<(), CryptoError> {
        let (key, salt) = self.split_key();
        let nonce = [salt, iv].concat();
        match self.encryption {
            Encryption::AesGcm { key_bits, .. } => {
                // aes-gcm checks only 12..16-byte tags, and ENCR_AES_GCM_8 has an 8-byte ICV:
                // decrypt with the GCM keystream (CTR from counter 2), then recompute the full tag
                // by encrypting again and compare its prefix.
                let ciphertext = text.to_vec();
                gcm_keystream(key_bits, key, &nonce, text)?;
                let mut check = text.to_vec();
                let tag = gcm_seal(key_bits, key, &nonce, aad, &mut check)?;
                let ok = check == ciphertext
                    && tag
                        .get(..icv.len())
                        .is_some_and(|t| constant_time_eq(t, icv));
                check.zeroize();
                if !ok {
                    text.zeroize();
                    return Err(CryptoError::IntegrityCheckFailed);
                }
                Ok(())
            }
            Encryption::AesCcm { key_bits, icv_len } => {
                ccm_apply(key_bits, icv_len, key, &nonce, aad, text, Some(icv)).map(|_| ())
            }
            Encryption::ChaCha20Poly1305 => {
                let cipher = chacha20poly1305::ChaCha20Poly1305::new_from_slice(key)
                    .map_err(|_| CryptoError::Malformed("ChaCha20 key"))?;
                let tag: [u8; 16] = icv.try_into().map_err(|_| CryptoError::Truncated)?;
                cipher
                    .decrypt_in_place_detached(nonce.as_slice().into(), aad, text, &tag.into())
                    .map_err(|_| CryptoError::IntegrityCheckFailed)
            }
            _ => Err(CryptoError::InconsistentSuite("not an AEAD cipher")),
        }
    }
}

/// AES-GCM with a 12-byte nonce: encrypts in place, returns the full 16-byte tag.
fn gcm_seal(
    key_bits: u16,
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    text: &mut [u8],
) -> Result<Vec<u8>, CryptoError> {
    macro_rules! seal {
        ($gcm:ty) => {{
            let cipher =
                <$gcm>::new_from_slice(key).map_err(|_| CryptoError::Malformed("AES-GCM key"))?;
            cipher
                .encrypt_in_place_detached(nonce.into(), aad, text)
                .map(|tag| tag.to_vec())
                .map_err(|_| CryptoError::Malformed("AES-GCM input too long"))
        }};
    }
    if nonce.len() != 12 {
        return Err(CryptoError::Malformed("AES-GCM nonce"));
    }
    match key_bits {
        128 => seal!(aes_gcm::Aes128Gcm),
        192 => seal!(aes_gcm::AesGcm<Aes192, aes_gcm::aead::consts::U12>),
        _ => seal!(aes_gcm::Aes256Gcm),
    }
}

/// XORs `text` with the GCM keystream for a 12-byte nonce (counter starts at 2 for data).
fn gcm_keystream(
    key_bits: u16,
    key: &[u8],
    nonce: &[u8],
    text: &mut [u8],
) -> Result<(), CryptoError> {
    let counter_block = [nonce, &[0, 0, 0, 2]].concat();
    macro_rules! apply {
        ($cipher:ty) => {{
            let mut c = ctr::Ctr32BE::<$cipher>::new_from_slices(key, &counter_block)
                .map_err(|_| CryptoError::Malformed("AES-GCM key"))?;
            c.apply_keystream(text);
        }};
    }
    match key_bits {
        128 => apply!(Aes128),
        192 => apply!(Aes192),
        _ => apply!(Aes256),
    }
    Ok(())
}

/// AES-CCM with an 11-byte nonce (RFC 4309: 3-byte salt and 8-byte IV). Encrypts and returns the
/// tag when `icv` is `None`; checks `icv` and decrypts otherwise.
fn ccm_apply(
    key_bits: u16,
    icv_len: u8,
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    text: &mut [u8],
    icv: Option<&[u8]>,
) -> Result<Vec<u8>, CryptoError> {
    use ccm::consts::{U11, U12, U16, U8};
    macro_rules! run {
        ($aes:ty, $tag:ty) => {{
            let cipher = ccm::Ccm::<$aes, $tag, U11>::new_from_slice(key)
                .map_err(|_| CryptoError::Malformed("AES-CCM key"))?;
            if nonce.len() != 11 {
                return Err(CryptoError::Malformed("AES-CCM nonce"));
            }
            match icv {
                None => cipher
                    .encrypt_in_place_detached(nonce.into(), aad, text)
                    .map(|tag| tag.to_vec())
                    .map_err(|_| CryptoError::Malformed("AES-CCM input too long")),
                Some(icv) => {
                    if icv.len() != usize::from(icv_len) {
                        return Err(CryptoError::Truncated);
                    }
                    cipher
                        .decrypt_in_place_detached(nonce.into(), aad, text, icv.into())
                        .map(|()| Vec::new())
                        .map_err(|_| CryptoError::IntegrityCheckFailed)
                }
            }
        }};
    }
    match (key_bits, icv_len) {
        (128, 8) => run!(Aes128, U8),
        (128, 12) => run!(Aes128, U12),
        (128, _) => run!(Aes128, U16),
        (192, 8) => run!(Aes192, U8),
        (192, 12) => run!(Aes192, U12),
        (192, _) => run!(Aes192, U16),
        (_, 8) => run!(Aes256, U8),
        (_, 12) => run!(Aes256, U12),
        (_, _) => run!(Aes256, U16),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
