//! IKEv2 cryptography for ike-doctor: the PRFs, `prf+`, SKEYSEED and SK_* key derivation
//! (RFC 7296 2.13, 2.14, 2.17, 2.18), and the body of SK and SKF payloads, sealed and opened.
//!
//! Two users: the diagnosis decrypts IKE_AUTH, CREATE_CHILD_SA and INFORMATIONAL messages of a
//! capture with keys the user supplies (to see AUTH, CERT, notifies and traffic selectors), and
//! the active probe derives keys and builds encrypted messages of its own.
//!
//! # API (stable)
//!
//! - [`Prf`] (transform type 2): [`Prf::from_transform_id`], [`Prf::compute`]`(key, data)`,
//!   [`Prf::output_len`], [`Prf::key_len`]; [`prf_plus`]`(prf, key, seed, len)`.
//! - [`Integrity`] (type 3): [`Integrity::compute`]`(key, parts)` gives the truncated ICV.
//! - [`Encryption`] (type 1): key, salt, IV, ICV and block lengths of each cipher.
//! - [`IkeSuite`] `{ encryption, integrity, prf }`, built with
//!   [`IkeSuite::from_transform_ids`]`(encr_id, key_bits, integ_id, prf_id)`.
//! - Keys: [`skeyseed`], [`derive_from_skeyseed`], [`derive_ike_sa_keys`]`(suite, Ni, Nr,
//!   g^ir, SPIi, SPIr)` -> [`IkeSaKeys`] `{ sk_d, sk_ai, sk_ar, sk_ei, sk_er, sk_pi, sk_pr }`;
//!   [`rekey_skeyseed`] for a rekeyed IKE SA and [`child_sa_keymat`] for a CHILD_SA.
//! - SK payload: [`SkCipher`] for one direction ([`IkeSaKeys::initiator_cipher`] uses SK_ei and
//!   SK_ai, [`IkeSaKeys::responder_cipher`] SK_er and SK_ar, or [`SkCipher::new`] from raw keys).
//!   [`SkCipher::seal`]`(header, inner, iv)` returns `IV | ciphertext | ICV`;
//!   [`SkCipher::open`]`(header, body)` checks the ICV and returns the inner payloads.
//!   `header` is the message from its first octet through the SK/SKF generic payload header
//!   (for SKF including Fragment Number and Total Fragments), with final lengths:
//!   [`SkCipher::sealed_len`] tells the body length before sealing.
//!
//! Ciphers: 3DES-CBC, AES-CBC, AES-CTR (128/192/256), AES-GCM and AES-CCM with 8, 12 and 16-byte
//! ICVs (RFC 5282), ChaCha20-Poly1305 (RFC 7634). Integrity: HMAC-MD5-96, HMAC-SHA1-96,
//! AES-XCBC-96, AES-CMAC-96, HMAC-SHA2-256-128/384-192/512-256. PRFs: HMAC-MD5, HMAC-SHA1,
//! HMAC-SHA2-256/384/512, AES128-XCBC (RFC 4434), AES128-CMAC (RFC 4615). The primitives come from
//! the RustCrypto crates; AES-XCBC is built here on the AES block cipher because no maintained
//! crate provides it.
//!
//! Nothing here panics on input: wrong lengths and failed checks are [`CryptoError`]s, and a
//! wrong key shows as [`CryptoError::IntegrityCheckFailed`]. Key holders zero their keys on drop
//! and never print them in `Debug`.

/// HMAC over the concatenation of `parts` with the digest `$digest`, as bytes.
macro_rules! hmac_bytes {
    ($digest:ty, $key:expr, $parts:expr) => {{
        // HMAC accepts keys of any length, so new_from_slice cannot fail.
        match <hmac::Hmac<$digest> as hmac::Mac>::new_from_slice($key) {
            Ok(mut mac) => {
                for part in $parts {
                    hmac::Mac::update(&mut mac, part);
                }
                hmac::Mac::finalize(mac).into_bytes().to_vec()
            }
            Err(_) => Vec::new(),
        }
    }};
}

mod encr;
mod integ;
mod keys;
mod prf;
mod sk;

pub use encr::Encryption;
pub use integ::Integrity;
pub use keys::{
    child_sa_keymat, derive_from_skeyseed, derive_ike_sa_keys, rekey_skeyseed, skeyseed, IkeSaKeys,
    IkeSuite,
};
pub use prf::{aes_cmac, aes_xcbc_mac, prf_plus, prf_plus_max_len, Prf};
pub use sk::SkCipher;

/// Why a cryptographic operation could not be done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CryptoError {
    /// A transform ID this crate does not implement.
    UnsupportedTransform { kind: &'static str, id: u16 },
    /// An AEAD cipher with integrity, or a non-AEAD cipher without.
    InconsistentSuite(&'static str),
    /// A key, IV or key material of the wrong length.
    BadKeyLength {
        what: &'static str,
        expected: usize,
        got: usize,
    },
    /// More `prf+` output asked for than 255 blocks give.
    KeyMaterialTooLong { requested: usize, max: usize },
    /// The body is shorter than IV, pad length and ICV.
    Truncated,
    /// The ICV does not match: wrong keys, or a corrupted message.
    IntegrityCheckFailed,
    /// The decrypted padding is inconsistent (wrong key with a cipher that cannot tell, or bad data).
    BadPadding,
    /// Another malformation, named.
    Malformed(&'static str),
}

impl std::fmt::Display for CryptoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CryptoError::UnsupportedTransform { kind, id } => {
                write!(f, "unsupported {kind} transform {id}")
            }
            CryptoError::InconsistentSuite(why) => write!(f, "inconsistent transforms: {why}"),
            CryptoError::BadKeyLength {
                what,
                expected,
                got,
            } => {
                write!(f, "{what} has {got} bytes, {expected} expected")
            }
            CryptoError::KeyMaterialTooLong { requested, max } => {
                write!(
                    f,
                    "{requested} bytes of key material requested, prf+ gives at most {max}"
                )
            }
            CryptoError::Truncated => write!(f, "encrypted payload too short"),
            CryptoError::IntegrityCheckFailed => {
                write!(f, "integrity check failed (wrong key or corrupted message)")
            }
            CryptoError::BadPadding => write!(f, "inconsistent padding after decryption"),
            CryptoError::Malformed(what) => write!(f, "malformed {what}"),
        }
    }
}

impl std::error::Error for CryptoError {}

#[cfg(test)]
mod tests;
