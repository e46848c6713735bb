//! What each implementation proposes when a configuration names no proposals, written in the
//! implementation's own keywords (so a reader can compare them with its documentation) and
//! parsed by the same code as a configuration line. Sources are named per list.
use crate::proposal::Proposal;

/// strongSwan 5.9 and 6.0 `default` IKE proposals with the openssl, xcbc and cmac plugins:
/// classic ciphers first, then AEAD (src/libstrongswan/crypto/proposal/proposal.c,
/// `proposal_add_supported_ike`; docs.strongswan.org config/proposals "Default Proposals").
/// Within a round the order follows the plugins' registration; the set is what matters here.
const KE: &str = "ecp256-ecp384-ecp521-ecp256bp-ecp384bp-ecp512bp-curve25519-curve448-modp3072-modp4096-modp6144-modp8192-modp2048";
const STRONGSWAN_IKE: &[(&str, &str)] = &[
    ("aes128-aes192-aes256-aes128ctr-aes192ctr-aes256ctr-camellia128-camellia192-camellia256-3des-sha256-sha384-sha512-sha1-aesxcbc-aescmac-prfsha256-prfsha384-prfsha512-prfaesxcbc-prfaescmac-prfsha1", KE),
    ("aes128gcm16-aes192gcm16-aes256gcm16-aes128ccm16-aes192ccm16-aes256ccm16-chacha20poly1305-aes128gcm12-aes192gcm12-aes256gcm12-aes128gcm8-aes192gcm8-aes256gcm8-prfsha256-prfsha384-prfsha512-prfaesxcbc-prfaescmac-prfsha1", KE),
];

/// strongSwan 5.9 to 6.0.1 `default` ESP proposals (proposal.c, hard-coded): no DH group, so
/// no PFS. 6.0.2 adds every KE method and `none` (PFS optional); not assumed here.
const STRONGSWAN_ESP: &[&str] = &[
    "aes128gcm16-aes192gcm16-aes256gcm16-noesn",
    "aes128-aes192-aes256-sha256-sha384-sha512-sha1-aesxcbc-noesn",
];

/// Libreswan 5 default IKEv2 `ike=` (lib/libswan/ike_info.c `default_fips_off_ikev2_ike_proposals`,
/// `default_ikev2_groups`); Libreswan 4 has the same without ChaCha20-Poly1305 (libreswan
/// issue #1558). For CBC the PRFs are derived from the integrity algorithms.
const LIBRESWAN_IKE: &[&str] = &[
    "aes_gcm256-sha2_512+sha2_256;dh19+dh20+dh21+dh31+modp4096+modp3072+modp2048+modp8192",
    "aes_gcm128-sha2_512+sha2_256;dh19+dh20+dh21+dh31+modp4096+modp3072+modp2048+modp8192",
    "chacha20_poly1305-sha2_512+sha2_256;dh19+dh20+dh21+dh31+modp4096+modp3072+modp2048+modp8192",
    "aes256-sha2_512+sha2_256;dh19+dh20+dh21+dh31+modp4096+modp3072+modp2048+modp8192",
    "aes128-sha2_512+sha2_256;dh19+dh20+dh21+dh31+modp4096+modp3072+modp2048+modp8192",
];

/// Libreswan 5 default `esp=` (lib/libswan/esp_info.c); 4 the same without ChaCha20-Poly1305.
/// No DH group: with `pfs=yes` (the default) a rekey adds the IKE SA's group.
const LIBRESWAN_ESP: &[&str] = &[
    "aes_gcm256",
    "aes_gcm128",
    "chacha20_poly1305",
    "aes256-sha2_512+sha2_256",
    "aes128-sha2_512+sha2_256",
];

type Parse = fn(&str, &str) -> Result<Proposal, crate::proposal::ProposalError>;

fn parse_all(lines: &[&str], parse: Parse, protocol: &str) -> Vec<Proposal> {
    lines
        .iter()
        .filter_map(|l| parse(protocol, l).ok())
        .collect()
}

pub fn strongswan_ike() -> Vec<Proposal> {
    STRONGSWAN_IKE
        .iter()
        .filter_map(|(algorithms, ke)| {
            Proposal::from_strongswan("IKE", &format!("{algorithms}-{ke}")).ok()
        })
        .collect()
}

pub fn strongswan_esp() -> Vec<Proposal> {
    parse_all(STRONGSWAN_ESP, Proposal::from_strongswan, "ESP")
}

pub fn libreswan_ike() -> Vec<Proposal> {
    parse_all(LIBRESWAN_IKE, Proposal::from_libreswan, "IKE")
}

pub fn libreswan_esp() -> Vec<Proposal> {
    parse_all(LIBRESWAN_ESP, Proposal::from_libreswan, "ESP")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every default list parses whole: a keyword the parser does not know would silently
    /// shrink a default.
    #[test]
    fn every_default_parses() {
        for (algorithms, ke) in STRONGSWAN_IKE {
            Proposal::from_strongswan("IKE", &format!("{algorithms}-{ke}")).unwrap();
        }
        for line in STRONGSWAN_ESP {
            Proposal::from_strongswan("ESP", line).unwrap();
        }
        for line in LIBRESWAN_IKE {
            Proposal::from_libreswan("IKE", line).unwrap();
        }
        for line in LIBRESWAN_ESP {
            Proposal::from_libreswan("ESP", line).unwrap();
        }
        assert_eq!(strongswan_ike().len(), 2);
        assert_eq!(libreswan_esp().len(), 5);
    }
}
