//! Diffie-Hellman for IKEv2, in the encodings the KE payload carries.
//!
//! Supported key exchange methods (transform type 4):
//!
//! | group | method | KE payload data | shared secret g^ir |
//! |---|---|---|---|
//! | 2, 5, 14..18 | MODP (RFC 2409 section 6.2, RFC 3526), generator 2 | g^x mod p, big-endian, padded to the prime's length | padded to the prime's length |
//! | 19, 20, 21 | ECP P-256/P-384/P-521 (RFC 5903) | x ‖ y, each padded to the field length (no 0x04 prefix) | the x coordinate |
//! | 31, 32 | Curve25519/Curve448 (RFC 8031) | the 32/56-byte u-coordinate | the 32/56-byte result; all-zero is refused |
//!
//! Peer values are validated before use: MODP values must lie in [2, p-2] (RFC 7296 section
//! 2.12 / NIST SP 800-56A partial validation), ECP points must be on the curve, and a Montgomery
//! result of all zeros (a small-order peer point) is an error.
//!
//! MODP private exponents are short (twice the group's security strength, as NIST SP 800-56A
//! and RFC 3526 section 8 suggest): the probe only needs fresh key pairs quickly, and a full-size
//! exponent would make an 8192-bit key pair cost seconds without adding security.
//!
//! The MODP arithmetic uses `num-bigint-dig`, which is not constant-time. ike-doctor uses these
//! keys for short-lived probe exchanges that never protect user traffic; do not reuse this crate
//! for long-term keys.

mod primes;

use core::fmt;

use ike_wire::DhGroup;
use num_bigint_dig::BigUint;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use rand_core::{OsRng, RngCore};
use zeroize::Zeroizing;

/// Why a key exchange could not be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DhError {
    /// This crate does not implement the method.
    Unsupported(DhGroup),
    /// The peer's KE data has the wrong length for the method.
    BadLength { expected: usize, got: usize },
    /// The peer's value is not a valid public value (out of range, not on the curve...).
    InvalidPublicValue,
    /// A private value given for tests is not usable for the method.
    InvalidPrivateValue,
}

impl fmt::Display for DhError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DhError::Unsupported(group) => write!(f, "key exchange method {group} not supported"),
            DhError::BadLength { expected, got } => {
                write!(f, "KE data of {got} bytes, {expected} expected")
            }
            DhError::InvalidPublicValue => f.write_str("invalid peer public value"),
            DhError::InvalidPrivateValue => f.write_str("invalid private value"),
        }
    }
}

impl std::error::Error for DhError {}

/// Every method this crate implements, in IANA order.
pub const SUPPORTED: [DhGroup; 12] = [
    DhGroup::MODP_1024,
    DhGroup::MODP_1536,
    DhGroup::MODP_2048,
    DhGroup::MODP_3072,
    DhGroup::MODP_4096,
    DhGroup::MODP_6144,
    DhGroup::MODP_8192,
    DhGroup::ECP_256,
    DhGroup::ECP_384,
    DhGroup::ECP_521,
    DhGroup::CURVE_25519,
    DhGroup::CURVE_448,
];

/// True when [`KeyPair::generate`] works for `group`.
pub fn is_supported(group: DhGroup) -> bool {
    SUPPORTED.contains(&group)
}

/// Length in bytes of the KE payload data for `group`, `None` when unsupported.
pub fn public_len(group: DhGroup) -> Option<usize> {
    Some(match group {
        DhGroup::ECP_256 => 64,
        DhGroup::ECP_384 => 96,
        DhGroup::ECP_521 => 132,
        DhGroup::CURVE_25519 => 32,
        DhGroup::CURVE_448 => 56,
        g => modp_params(g)?.0 / 8,
    })
}

/// (prime bits, private exponent bits, prime hex).
fn modp_params(group: DhGroup) -> Option<(usize, usize, &'static str)> {
    Some(match group {
        DhGroup::MODP_1024 => (1024, 160, primes::MODP_1024),
        DhGroup::MODP_1536 => (1536, 200, primes::MODP_1536),
        DhGroup::MODP_2048 => (2048, 224, primes::MODP_2048),
        DhGroup::MODP_3072 => (3072, 256, primes::MODP_3072),
        DhGroup::MODP_4096 => (4096, 304, primes::MODP_4096),
        DhGroup::MODP_6144 => (6144, 352, primes::MODP_6144),
        DhGroup::MODP_8192 => (8192, 400, primes::MODP_8192),
        _ => return None,
    })
}

fn modp_prime(hex: &str) -> BigUint {
    // The constants are valid hex (checked by the unit tests), so this cannot fail at run time;
    // an empty value would only make every peer value invalid.
    BigUint::parse_bytes(hex.as_bytes(), 16).unwrap_or_default()
}

/// Big-endian bytes of `n`, left-padded with zeros to `len`.
fn to_padded(n: &BigUint, len: usize) -> Vec<u8> {
    let bytes = n.to_bytes_be();
    let mut out = vec![0u8; len.saturating_sub(bytes.len())];
    out.extend_from_slice(&bytes);
    out
}

enum Secret {
    Modp {
        prime: BigUint,
        len: usize,
        exponent: Zeroizing<Vec<u8>>,
    },
    P256(p256::SecretKey),
    P384(p384::SecretKey),
    P521(p521::SecretKey),
    X25519(x25519_dalek::StaticSecret),
    X448(Zeroizing<[u8; 56]>),
}

/// An ephemeral key pair of one method.
pub struct KeyPair {
    group: DhGroup,
    secret: Secret,
    public: Vec<u8>,
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyPair")
            .field("group", &self.group)
            .field("public_len", &self.public.len())
            .finish_non_exhaustive()
    }
}

impl KeyPair {
    /// A fresh key pair from the operating system's random source.
    pub fn generate(group: DhGroup) -> Result<KeyPair, DhError> {
        match group {
            DhGroup::ECP_256 => Ok(Self::p256(p256::SecretKey::random(&mut OsRng))),
            DhGroup::ECP_384 => Ok(Self::p384(p384::SecretKey::random(&mut OsRng))),
            DhGroup::ECP_521 => Ok(Self::p521(p521::SecretKey::random(&mut OsRng))),
            DhGroup::CURVE_25519 => Ok(Self::x25519(x25519_dalek::StaticSecret::random_from_rng(
                OsRng,
            ))),
            DhGroup::CURVE_448 => {
                let mut bytes = Zeroizing::new([0u8; 56]);
                OsRng.fill_bytes(&mut bytes[..]);
                Self::x448(bytes)
            }
            g => {
                let (_, exponent_bits, _) = modp_params(g).ok_or(DhError::Unsupported(g))?;
                let mut exponent = Zeroizing::new(vec![0u8; exponent_bits / 8]);
                OsRng.fill_bytes(&mut exponent);
                // Top bit set: the exponent has its full length and is never 0 or 1.
                if let Some(first) = exponent.first_mut() {
                    *first |= 0x80;
                }
                Self::from_private(g, &exponent)
            }
        }
    }

    /// The key pair of a given private value (big-endian exponent for MODP, big-endian scalar
    /// for ECP, the RFC 7748 scalar bytes for Curve25519/448). For known-answer tests.
    pub fn from_private(group: DhGroup, private: &[u8]) -> Result<KeyPair, DhError> {
        match group {
            DhGroup::ECP_256 => p256::SecretKey::from_slice(private)
                .map(Self::p256)
                .map_err(|_| DhError::InvalidPrivateValue),
            DhGroup::ECP_384 => p384::SecretKey::from_slice(private)
                .map(Self::p384)
                .map_err(|_| DhError::InvalidPrivateValue),
            DhGroup::ECP_521 => p521::SecretKey::from_slice(private)
                .map(Self::p521)
                .map_err(|_| DhError::InvalidPrivateValue),
            DhGroup::CURVE_25519 => {
                let bytes: [u8; 32] = private
                    .try_into()
                    .map_err(|_| DhError::InvalidPrivateValue)?;
                Ok(Self::x25519(x25519_dalek::StaticSecret::from(bytes)))
            }
            DhGroup::CURVE_448 => {
                let bytes: [u8; 56] = private
                    .try_into()
                    .map_err(|_| DhError::InvalidPrivateValue)?;
                Self::x448(Zeroizing::new(bytes))
            }
            g => {
                let (bits, _, hex) = modp_params(g).ok_or(DhError::Unsupported(g))?;
                let prime = modp_prime(hex);
                let x = BigUint::from_bytes_be(private);
                if x < BigUint::from(2u8) || x >= prime {
                    return Err(DhError::InvalidPrivateValue);
                }
                let public = BigUint::from(2u8).modpow(&x, &prime);
                let len = bits / 8;
                Ok(KeyPair {
                    group: g,
                    public: to_padded(&public, len),
                    secret: Secret::Modp {
                        prime,
                        len,
                        exponent: Zeroizing::new(private.to_vec()),
                    },
                })
            }
        }
    }

    fn p256(secret: p256::SecretKey) -> KeyPair {
        let point = secret.public_key().to_encoded_point(false);
        KeyPair {
            group: DhGroup::ECP_256,
            public: point.as_bytes().get(1..).unwrap_or_default().to_vec(),
            secret: Secret::P256(secret),
        }
    }

    fn p384(secret: p384::SecretKey) -> KeyPair {
        let point = secret.public_key().to_encoded_point(false);
        KeyPair {
            group: DhGroup::ECP_384,
            public: point.as_bytes().get(1..).unwrap_or_default().to_vec(),
            secret: Secret::P384(secret),
        }
    }

    fn p521(secret: p521::SecretKey) -> KeyPair {
        let point = secret.public_key().to_encoded_point(false);
        KeyPair {
            group: DhGroup::ECP_521,
            public: point.as_bytes().get(1..).unwrap_or_default().to_vec(),
            secret: Secret::P521(secret),
        }
    }

    fn x25519(secret: x25519_dalek::StaticSecret) -> KeyPair {
        let public = x25519_dalek::PublicKey::from(&secret);
        KeyPair {
            group: DhGroup::CURVE_25519,
            public: public.as_bytes().to_vec(),
            secret: Secret::X25519(secret),
        }
    }

    fn x448(bytes: Zeroizing<[u8; 56]>) -> Result<KeyPair, DhError> {
        let secret = x448::Secret::from_bytes(&bytes[..]).ok_or(DhError::InvalidPrivateValue)?;
        let public = x448::PublicKey::from(&secret);
        Ok(KeyPair {
            group: DhGroup::CURVE_448,
            public: public.as_bytes().to_vec(),
            secret: Secret::X448(bytes),
        })
    }

    pub fn group(&self) -> DhGroup {
        self.group
    }

    /// The KE payload's key exchange data.
    pub fn public(&self) -> &[u8] {
        &self.public
    }

    /// g^ir from the peer's KE payload data, in the encoding RFC 7296 section 2.14 feeds to
    /// SKEYSEED.
    pub fn shared_secret(&self, peer: &[u8]) -> Result<Zeroizing<Vec<u8>>, DhError> {
        let expected = self.public.len();
        if peer.len() != expected {
            return Err(DhError::BadLength {
                expected,
                got: peer.len(),
            });
        }
        let sec1 = || {
            let mut point = Vec::with_capacity(peer.len() + 1);
            point.push(0x04);
            point.extend_from_slice(peer);
            point
        };
        let out = match &self.secret {
            Secret::Modp {
                prime,
                len,
                exponent,
            } => {
                let y = BigUint::from_bytes_be(peer);
                let two = BigUint::from(2u8);
                if y < two || y > prime - &two {
                    return Err(DhError::InvalidPublicValue);
                }
                let x = BigUint::from_bytes_be(exponent);
                to_padded(&y.modpow(&x, prime), *len)
            }
            Secret::P256(secret) => {
                let public = p256::PublicKey::from_sec1_bytes(&sec1())
                    .map_err(|_| DhError::InvalidPublicValue)?;
                p256::ecdh::diffie_hellman(secret.to_nonzero_scalar(), public.as_affine())
                    .raw_secret_bytes()
                    .to_vec()
            }
            Secret::P384(secret) => {
                let public = p384::PublicKey::from_sec1_bytes(&sec1())
                    .map_err(|_| DhError::InvalidPublicValue)?;
                p384::ecdh::diffie_hellman(secret.to_nonzero_scalar(), public.as_affine())
                    .raw_secret_bytes()
                    .to_vec()
            }
            Secret::P521(secret) => {
                let public = p521::PublicKey::from_sec1_bytes(&sec1())
                    .map_err(|_| DhError::InvalidPublicValue)?;
                p521::ecdh::diffie_hellman(secret.to_nonzero_scalar(), public.as_affine())
                    .raw_secret_bytes()
                    .to_vec()
            }
            Secret::X25519(secret) => {
                let bytes: [u8; 32] = peer.try_into().map_err(|_| DhError::InvalidPublicValue)?;
                let shared = secret.diffie_hellman(&x25519_dalek::PublicKey::from(bytes));
                if !shared.was_contributory() {
                    return Err(DhError::InvalidPublicValue);
                }
                shared.as_bytes().to_vec()
            }
            Secret::X448(bytes) => {
                let secret =
                    x448::Secret::from_bytes(&bytes[..]).ok_or(DhError::InvalidPrivateValue)?;
                let public =
                    x448::PublicKey::from_bytes(peer).ok_or(DhError::InvalidPublicValue)?;
                let shared = secret
                    .as_diffie_hellman(&public)
                    .ok_or(DhError::InvalidPublicValue)?;
                shared.as_bytes().to_vec()
            }
        };
        Ok(Zeroizing::new(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modp_primes_have_the_rfc_shape() {
        for group in &SUPPORTED[..7] {
            let (bits, _, hex) = modp_params(*group).unwrap();
            let p = BigUint::parse_bytes(hex.as_bytes(), 16).unwrap();
            assert_eq!(p.bits(), bits, "{group}");
            let bytes = p.to_bytes_be();
            assert!(bytes[..8].iter().all(|&b| b == 0xff), "{group} top 64 bits");
            assert!(bytes[bytes.len() - 8..].iter().all(|&b| b == 0xff));
            // The next 64 bits start with pi's binary expansion (0xC90FDAA2...).
            assert_eq!(&bytes[8..12], &[0xc9, 0x0f, 0xda, 0xa2], "{group}");
        }
    }

    #[test]
    fn every_supported_group_agrees_with_itself() {
        for group in SUPPORTED {
            let a = KeyPair::generate(group).unwrap();
            let b = KeyPair::generate(group).unwrap();
            assert_eq!(a.public().len(), public_len(group).unwrap(), "{group}");
            let ab = a.shared_secret(b.public()).unwrap();
            let ba = b.shared_secret(a.public()).unwrap();
            assert_eq!(*ab, *ba, "{group}");
        }
    }

    #[test]
    fn bad_peer_values_are_errors_not_panics() {
        for group in SUPPORTED {
            let a = KeyPair::generate(group).unwrap();
            let len = a.public().len();
            assert!(matches!(
                a.shared_secret(&[1, 2, 3]),
                Err(DhError::BadLength { .. })
            ));
            // All zeros: 0 for MODP, not a point for ECP, a small-order point for X25519/X448.
            assert!(
                a.shared_secret(&vec![0u8; len]).is_err(),
                "{group} accepted zeros"
            );
            if group.0 <= 18 {
                assert!(a.shared_secret(&vec![0xffu8; len]).is_err(), "{group} >= p");
                let mut one = vec![0u8; len];
                *one.last_mut().unwrap() = 1;
                assert!(a.shared_secret(&one).is_err(), "{group} accepted 1");
            }
        }
        assert_eq!(
            KeyPair::generate(DhGroup::MODP_768).unwrap_err(),
            DhError::Unsupported(DhGroup::MODP_768)
        );
        assert!(!is_supported(DhGroup::ECP_256_BP));
    }
}
