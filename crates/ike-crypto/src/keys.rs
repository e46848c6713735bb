//! SKEYSEED and the SK_* keys (RFC 7296 2.14, 2.17, 2.18).

use zeroize::Zeroize;

use crate::encr::Encryption;
use crate::integ::Integrity;
use crate::prf::{prf_plus, Prf};
use crate::sk::SkCipher;
use crate::CryptoError;

/// The transforms of an IKE SA that the key derivation and SK payload need.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IkeSuite {
    pub encryption: Encryption,
    /// `None` with an AEAD cipher.
    pub integrity: Option<Integrity>,
    pub prf: Prf,
}

impl IkeSuite {
    /// The suite for IANA transform IDs (the Key Length attribute in bits for AES). Fails on an
    /// unknown transform, on a non-AEAD cipher without integrity algorithm, and on an AEAD
    /// cipher with one.
    pub fn from_transform_ids(
        encryption_id: u16,
        key_bits: Option<u16>,
        integrity_id: Option<u16>,
        prf_id: u16,
    ) -> Result<IkeSuite, CryptoError> {
        let encryption = Encryption::from_transform_id(encryption_id, key_bits).ok_or(
            CryptoError::UnsupportedTransform {
                kind: "encryption",
                id: encryption_id,
            },
        )?;
        let integrity = match integrity_id.filter(|&id| id != 0) {
            None => None,
            Some(id) => Some(Integrity::from_transform_id(id).ok_or(
                CryptoError::UnsupportedTransform {
                    kind: "integrity",
                    id,
                },
            )?),
        };
        let prf = Prf::from_transform_id(prf_id).ok_or(CryptoError::UnsupportedTransform {
            kind: "prf",
            id: prf_id,
        })?;
        let suite = IkeSuite {
            encryption,
            integrity,
            prf,
        };
        suite.check()?;
        Ok(suite)
    }

    /// Checks that integrity is present exactly when the cipher is not AEAD.
    pub fn check(&self) -> Result<(), CryptoError> {
        match (self.encryption.is_aead(), self.integrity) {
            (true, Some(_)) => Err(CryptoError::InconsistentSuite(
                "AEAD cipher with an integrity algorithm",
            )),
            (false, None) => Err(CryptoError::InconsistentSuite(
                "non-AEAD cipher without an integrity algorithm",
            )),
            _ => Ok(()),
        }
    }

    /// Length of SK_ai/SK_ar (0 with AEAD).
    pub fn integrity_key_len(&self) -> usize {
        self.integrity.map_or(0, Integrity::key_len)
    }

    /// Total length of `SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr`.
    pub fn key_material_len(&self) -> usize {
        3 * self.prf.key_len()
            + 2 * self.integrity_key_len()
            + 2 * self.encryption.key_material_len()
    }
}

/// The seven keys of an IKE SA. Zeroed on drop; `Debug` shows lengths only.
#[derive(Clone, PartialEq, Eq)]
pub struct IkeSaKeys {
    pub sk_d: Vec<u8>,
    pub sk_ai: Vec<u8>,
    pub sk_ar: Vec<u8>,
    pub sk_ei: Vec<u8>,
    pub sk_er: Vec<u8>,
    pub sk_pi: Vec<u8>,
    pub sk_pr: Vec<u8>,
}

impl Drop for IkeSaKeys {
    fn drop(&mut self) {
        for key in [
            &mut self.sk_d,
            &mut self.sk_ai,
            &mut self.sk_ar,
            &mut self.sk_ei,
            &mut self.sk_er,
            &mut self.sk_pi,
            &mut self.sk_pr,
        ] {
            key.zeroize();
        }
    }
}

impl std::fmt::Debug for IkeSaKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "IkeSaKeys {{ sk_d: {} bytes, sk_ai/ar: {} bytes, sk_ei/er: {} bytes, sk_pi/pr: {} bytes }}",
            self.sk_d.len(),
            self.sk_ai.len(),
            self.sk_ei.len(),
            self.sk_pi.len()
        )
    }
}

impl IkeSaKeys {
    /// Splits `SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr` as laid out for `suite`.
    pub fn split(suite: &IkeSuite, material: &[u8]) -> Result<IkeSaKeys, CryptoError> {
        if material.len() != suite.key_material_len() {
            return Err(CryptoError::BadKeyLength {
                what: "key material",
                expected: suite.key_material_len(),
                got: material.len(),
            });
        }
        let prf_len = suite.prf.key_len();
        let integ_len = suite.integrity_key_len();
        let encr_len = suite.encryption.key_material_len();
        let mut rest = material;
        let mut take = |n: usize| {
            let (head, tail) = rest.split_at(n.min(rest.len()));
            rest = tail;
            head.to_vec()
        };
        Ok(IkeSaKeys {
            sk_d: take(prf_len),
            sk_ai: take(integ_len),
            sk_ar: take(integ_len),
            sk_ei: take(encr_len),
            sk_er: take(encr_len),
            sk_pi: take(prf_len),
            sk_pr: take(prf_len),
        })
    }

    /// The SK payload cipher for messages sent by the original initiator (SK_ei, SK_ai).
    pub fn initiator_cipher(&self, suite: &IkeSuite) -> Result<SkCipher, CryptoError> {
        SkCipher::new(suite, &self.sk_ei, &self.sk_ai)
    }

    /// The SK payload cipher for messages sent by the original responder (SK_er, SK_ar).
    pub fn responder_cipher(&self, suite: &IkeSuite) -> Result<SkCipher, CryptoError> {
        SkCipher::new(suite, &self.sk_er, &self.sk_ar)
    }
}

/// `SKEYSEED = prf(Ni | Nr, g^ir)` (RFC 7296 2.14). With the AES-XCBC and AES-CMAC PRFs only
/// the first 64 bits of each nonce form the key.
pub fn skeyseed(prf: Prf, nonce_i: &[u8], nonce_r: &[u8], shared_secret: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(nonce_i.len() + nonce_r.len());
    match prf {
        Prf::Aes128Xcbc | Prf::Aes128Cmac => {
            key.extend_from_slice(&nonce_i[..nonce_i.len().min(8)]);
            key.extend_from_slice(&nonce_r[..nonce_r.len().min(8)]);
        }
        _ => {
            key.extend_from_slice(nonce_i);
            key.extend_from_slice(nonce_r);
        }
    }
    let out = prf.compute(&key, shared_secret);
    key.zeroize();
    out
}

/// `SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr)` for a rekeyed IKE SA (RFC 7296 2.18),
/// with the PRF of the old IKE SA. `shared_secret` is empty when the rekey had no KE.
pub fn rekey_skeyseed(
    old_prf: Prf,
    old_sk_d: &[u8],
    shared_secret: &[u8],
    nonce_i: &[u8],
    nonce_r: &[u8],
) -> Vec<u8> {
    let mut data = [shared_secret, nonce_i, nonce_r].concat();
    let out = old_prf.compute(old_sk_d, &data);
    data.zeroize();
    out
}

/// `{SK_d | SK_ai | ... | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)` (RFC 7296 2.14).
pub fn derive_from_skeyseed(
    suite: &IkeSuite,
    skeyseed: &[u8],
    nonce_i: &[u8],
    nonce_r: &[u8],
    spi_i: u64,
    spi_r: u64,
) -> Result<IkeSaKeys, CryptoError> {
    suite.check()?;
    let seed = [nonce_i, nonce_r, &spi_i.to_be_bytes(), &spi_r.to_be_bytes()].concat();
    let mut material = prf_plus(suite.prf, skeyseed, &seed, suite.key_material_len())?;
    let keys = IkeSaKeys::split(suite, &material);
    material.zeroize();
    keys
}

/// SKEYSEED then the SK_* keys of a new IKE SA from its IKE_SA_INIT exchange.
pub fn derive_ike_sa_keys(
    suite: &IkeSuite,
    nonce_i: &[u8],
    nonce_r: &[u8],
    shared_secret: &[u8],
    spi_i: u64,
    spi_r: u64,
) -> Result<IkeSaKeys, CryptoError> {
    let mut seed_key = skeyseed(suite.prf, nonce_i, nonce_r, shared_secret);
    let keys = derive_from_skeyseed(suite, &seed_key, nonce_i, nonce_r, spi_i, spi_r);
    seed_key.zeroize();
    keys
}

/// `KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr)` for a CHILD_SA (RFC 7296 2.17), `len` bytes.
pub fn child_sa_keymat(
    prf: Prf,
    sk_d: &[u8],
    shared_secret: Option<&[u8]>,
    nonce_i: &[u8],
    nonce_r: &[u8],
    len: usize,
) -> Result<Vec<u8>, CryptoError> {
    let mut seed = [shared_secret.unwrap_or(&[]), nonce_i, nonce_r].concat();
    let out = prf_plus(prf, sk_d, &seed, len);
    seed.zeroize();
    out
}
