//! Pseudo-random functions (RFC 7296 3.3.2 transform type 2), `prf+` (RFC 7296 2.13) and the
//! AES-XCBC (RFC 3566, RFC 4434) and AES-CMAC (RFC 4493, RFC 4615) constructions they need.

use aes::cipher::{BlockEncrypt, KeyInit};
use aes::Aes128;
use hmac::Mac;

use crate::CryptoError;

/// A PRF transform (IANA "Transform Type 2 - Pseudorandom Function Transform IDs").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Prf {
    /// PRF_HMAC_MD5 (1), RFC 2104.
    HmacMd5,
    /// PRF_HMAC_SHA1 (2), RFC 2104.
    HmacSha1,
    /// PRF_AES128_XCBC (4), RFC 4434.
    Aes128Xcbc,
    /// PRF_HMAC_SHA2_256 (5), RFC 4868.
    HmacSha256,
    /// PRF_HMAC_SHA2_384 (6), RFC 4868.
    HmacSha384,
    /// PRF_HMAC_SHA2_512 (7), RFC 4868.
    HmacSha512,
    /// PRF_AES128_CMAC (8), RFC 4615.
    Aes128Cmac,
}

impl Prf {
    /// The PRF for an IANA transform ID, `None` for one this crate does not implement.
    pub fn from_transform_id(id: u16) -> Option<Prf> {
        Some(match id {
            1 => Prf::HmacMd5,
            2 => Prf::HmacSha1,
            4 => Prf::Aes128Xcbc,
            5 => Prf::HmacSha256,
            6 => Prf::HmacSha384,
            7 => Prf::HmacSha512,
            8 => Prf::Aes128Cmac,
            _ => return None,
        })
    }

    /// The IANA transform ID.
    pub fn transform_id(self) -> u16 {
        match self {
            Prf::HmacMd5 => 1,
            Prf::HmacSha1 => 2,
            Prf::Aes128Xcbc => 4,
            Prf::HmacSha256 => 5,
            Prf::HmacSha384 => 6,
            Prf::HmacSha512 => 7,
            Prf::Aes128Cmac => 8,
        }
    }

    /// Length of one output block in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Prf::HmacMd5 | Prf::Aes128Xcbc | Prf::Aes128Cmac => 16,
            Prf::HmacSha1 => 20,
            Prf::HmacSha256 => 32,
            Prf::HmacSha384 => 48,
            Prf::HmacSha512 => 64,
        }
    }

    /// The preferred key length, which is the length of SK_d, SK_pi and SK_pr (RFC 7296 2.14).
    pub fn key_len(self) -> usize {
        self.output_len()
    }

    /// Computes `prf(key, data)`. Every key length is accepted: HMAC takes any, and the AES
    /// PRFs derive a 128-bit key from other lengths as RFC 4434 and RFC 4615 say.
    pub fn compute(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        match self {
            Prf::HmacMd5 => hmac_bytes!(md5::Md5, key, [data]),
            Prf::HmacSha1 => hmac_bytes!(sha1::Sha1, key, [data]),
            Prf::HmacSha256 => hmac_bytes!(sha2::Sha256, key, [data]),
            Prf::HmacSha384 => hmac_bytes!(sha2::Sha384, key, [data]),
            Prf::HmacSha512 => hmac_bytes!(sha2::Sha512, key, [data]),
            Prf::Aes128Xcbc => {
                let key = xcbc_prf_key(key);
                aes_xcbc_mac(&key, data).to_vec()
            }
            Prf::Aes128Cmac => {
                let key = cmac_prf_key(key);
                aes_cmac(&key, data).to_vec()
            }
        }
    }
}

/// Upper bound on what `prf+` may produce: RFC 7296 2.13 limits the counter to 255 blocks.
pub fn prf_plus_max_len(prf: Prf) -> usize {
    prf.output_len() * 255
}

/// `prf+(K, S) = T1 | T2 | ...` with `T1 = prf(K, S | 0x01)` and `Tn = prf(K, Tn-1 | S | n)`
/// (RFC 7296 2.13), truncated to `len` bytes. Fails when `len` needs more than 255 blocks.
pub fn prf_plus(prf: Prf, key: &[u8], seed: &[u8], len: usize) -> Result<Vec<u8>, CryptoError> {
    if len > prf_plus_max_len(prf) {
        return Err(CryptoError::KeyMaterialTooLong {
            requested: len,
            max: prf_plus_max_len(prf),
        });
    }
    let mut out = Vec::with_capacity(len + prf.output_len());
    let mut previous: Vec<u8> = Vec::new();
    let mut counter: u8 = 1;
    while out.len() < len {
        let mut input = Vec::with_capacity(previous.len() + seed.len() + 1);
        input.extend_from_slice(&previous);
        input.extend_from_slice(seed);
        input.push(counter);
        previous = prf.compute(key, &input);
        out.extend_from_slice(&previous);
        counter = counter.wrapping_add(1);
    }
    out.truncate(len);
    Ok(out)
}

fn encrypt_block(cipher: &Aes128, block: [u8; 16]) -> [u8; 16] {
    let mut b = aes::Block::from(block);
    cipher.encrypt_block(&mut b);
    b.into()
}

/// AES-XCBC-MAC (RFC 3566) with a 128-bit key, full 128-bit output.
pub fn aes_xcbc_mac(key: &[u8; 16], message: &[u8]) -> [u8; 16] {
    let k = Aes128::new(&(*key).into());
    let k1 = encrypt_block(&k, [0x01; 16]);
    let k2 = encrypt_block(&k, [0x02; 16]);
    let k3 = encrypt_block(&k, [0x03; 16]);
    let c1 = Aes128::new(&k1.into());
    let mut state = [0u8; 16];
    let block_count = message.len().div_ceil(16).max(1);
    let mut chunks = message.chunks(16);
    for _ in 0..block_count - 1 {
        if let Some(chunk) = chunks.next() {
            for (s, m) in state.iter_mut().zip(chunk) {
                *s ^= m;
            }
            state = encrypt_block(&c1, state);
        }
    }
    let last = chunks.next().unwrap_or(&[]);
    let mut padded = [0u8; 16];
    padded[..last.len()].copy_from_slice(last);
    let tweak = if last.len() == 16 {
        k2
    } else {
        padded[last.len()] = 0x80;
        k3
    };
    for i in 0..16 {
        state[i] ^= padded[i] ^ tweak[i];
    }
    encrypt_block(&c1, state)
}

/// AES-CMAC (RFC 4493) with a 128-bit key.
pub fn aes_cmac(key: &[u8; 16], message: &[u8]) -> [u8; 16] {
    let mut mac = <cmac::Cmac<Aes128> as Mac>::new(&(*key).into());
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// The 128-bit key AES-XCBC-PRF-128 uses for a key of any length (RFC 4434 2).
fn xcbc_prf_key(key: &[u8]) -> [u8; 16] {
    let mut k = [0u8; 16];
    if key.len() <= 16 {
        k[..key.len()].copy_from_slice(key);
        k
    } else {
        aes_xcbc_mac(&k, key)
    }
}

/// The 128-bit key AES-CMAC-PRF-128 uses for a key of any length (RFC 4615 3).
fn cmac_prf_key(key: &[u8]) -> [u8; 16] {
    match <[u8; 16]>::try_from(key) {
        Ok(k) => k,
        Err(_) => aes_cmac(&[0u8; 16], key),
    }
}
