//! Built-in client profiles: the clients people cannot configure (or rarely do), as they
//! propose when left alone, each from a public source. `config check --client NAME` pairs one
//! with the gateway's configuration. The lists are in strongSwan's keywords, parsed by the same
//! code as a configuration line.
use crate::model::{
    AuthRound, ChildConfig, ConfigSet, IkeVersions, Implementation, Line, PeerConfig, Setting,
    TrafficSelector,
};
use crate::proposal::Proposal;

/// One client as it behaves without configuration.
pub struct Profile {
    pub name: &'static str,
    pub implementation: Implementation,
    pub description: &'static str,
    /// Where the lists come from.
    pub source: &'static str,
    pub ike: &'static [&'static str],
    /// ESP proposals; a DH group (or `none`) in them is what a rekey offers (PFS).
    pub esp: &'static [&'static str],
    /// Asks for a virtual IP and for all traffic (TSi and TSr 0.0.0.0/0), as the built-in
    /// road-warrior clients do.
    pub road_warrior: bool,
}

/// The remote address of a profile's connection: whichever gateway it is paired with.
pub const ANY_GATEWAY: &str = "%gateway";

/// Every built-in profile.
pub const PROFILES: &[Profile] = &[
    Profile {
        name: "windows-10",
        implementation: Implementation::Windows,
        description: "Windows 10 built-in IKEv2 client (Agile VPN) without a custom IPsec policy",
        source: "https://docs.strongswan.org/docs/latest/interop/windowsClients.html",
        ike: &["3des-aes128-aes192-aes256-sha1-sha256-sha384-modp1024"],
        esp: &["aes256-aes128-3des-sha1"],
        road_warrior: true,
    },
    Profile {
        name: "windows-11",
        implementation: Implementation::Windows,
        description: "Windows 11 built-in IKEv2 client without a custom IPsec policy",
        source: "https://docs.strongswan.org/docs/latest/interop/windowsClients.html",
        ike: &[
            "3des-aes128-aes192-aes256-sha1-sha256-sha384-modp1024",
            "aes128gcm16-aes256gcm16-prfsha1-prfsha256-prfsha384-modp1024",
        ],
        esp: &["aes256-aes128-3des-sha1"],
        road_warrior: true,
    },
    Profile {
        name: "windows-11-dh2048",
        implementation: Implementation::Windows,
        description: "Windows 11 with the registry value RasMan\\Parameters\\NegotiateDH2048_AES256 = 2",
        source: "https://docs.strongswan.org/docs/latest/interop/windowsClients.html",
        ike: &["aes256-sha1-sha256-sha384-modp2048"],
        esp: &["aes256-aes128-3des-sha1"],
        road_warrior: true,
    },
    Profile {
        name: "macos",
        implementation: Implementation::Apple,
        description: "macOS (13) built-in IKEv2 client set up by hand, without a profile",
        source: "https://docs.strongswan.org/docs/latest/interop/ios.html",
        ike: &["aes256-sha256-modp2048"],
        esp: &["aes256-sha256"],
        road_warrior: true,
    },
    Profile {
        name: "ios",
        implementation: Implementation::Apple,
        description: "iOS (16) built-in IKEv2 client set up by hand, without a profile",
        source: "https://docs.strongswan.org/docs/latest/interop/ios.html",
        ike: &[
            "aes256-sha256-modp2048",
            "aes256-sha256-ecp256",
            "aes256-sha256-modp1536",
            "aes128-sha1-modp1024",
            "3des-sha1-modp1024",
        ],
        // At a rekey iOS offers the IKE group and a proposal without: PFS optional.
        esp: &["aes256-sha256-modp2048-none", "aes128-sha1", "3des-sha1"],
        road_warrior: true,
    },
    Profile {
        name: "android",
        implementation: Implementation::Android,
        description: "Android 11+ built-in IKEv2 client (Ikev2VpnProfile)",
        source: "https://android.googlesource.com/platform/frameworks/base/+/refs/heads/main/services/core/java/com/android/server/connectivity/VpnIkev2Utils.java",
        ike: &[
            "aes256ctr-aes256-aes192ctr-aes192-aes128ctr-aes128-sha512-sha384-sha256-aesxcbc-aescmac-prfsha512-prfsha384-prfsha256-prfaesxcbc-prfaescmac-prfsha1-modp4096-curve25519-modp3072-modp2048",
            "chacha20poly1305-aes256gcm16-aes256gcm12-aes256gcm8-aes192gcm16-aes192gcm12-aes192gcm8-aes128gcm16-aes128gcm12-aes128gcm8-prfsha512-prfsha384-prfsha256-prfaesxcbc-prfaescmac-prfsha1-modp4096-curve25519-modp3072-modp2048",
        ],
        esp: &[
            "aes256ctr-aes256-aes192ctr-aes192-aes128ctr-aes128-sha512-sha384-sha256-aesxcbc-aescmac",
            "chacha20poly1305-aes256gcm16-aes256gcm12-aes256gcm8-aes192gcm16-aes192gcm12-aes192gcm8-aes128gcm16-aes128gcm12-aes128gcm8",
        ],
        road_warrior: true,
    },
    Profile {
        name: "strongswan",
        implementation: Implementation::StrongSwan,
        description: "a strongSwan client with every proposal left at its default",
        source: "https://docs.strongswan.org/docs/latest/config/proposals.html",
        ike: &[],
        esp: &[],
        road_warrior: true,
    },
    Profile {
        name: "libreswan",
        implementation: Implementation::Libreswan,
        description: "a Libreswan client with every proposal left at its default",
        source: "https://libreswan.org/man/ipsec.conf.5.html",
        ike: &[],
        esp: &[],
        road_warrior: true,
    },
];

/// The profile named `name`.
pub fn find(name: &str) -> Option<&'static Profile> {
    PROFILES.iter().find(|p| p.name == name)
}

/// The names of every profile, for a usage message.
pub fn names() -> Vec<&'static str> {
    PROFILES.iter().map(|p| p.name).collect()
}

impl Profile {
    /// The profile as one end: a connection that initiates toward any gateway, with no line
    /// in any file (every value is the client's own default, cited as such).
    pub fn end(&self) -> ConfigSet {
        let mut set = ConfigSet::default();
        let file = set.add_file(format!(
            "built-in profile `{}` ({})",
            self.name, self.source
        ));
        let at = Line { file, line: 0 };
        let parse = |protocol: &str, list: &[&str]| -> Vec<Proposal> {
            list.iter()
                .filter_map(|l| Proposal::from_strongswan(protocol, l).ok())
                .collect()
        };
        let (ike, esp) = match self.implementation {
            Implementation::StrongSwan if self.ike.is_empty() => (
                crate::defaults::strongswan_ike(),
                crate::defaults::strongswan_esp(),
            ),
            Implementation::Libreswan if self.ike.is_empty() => (
                crate::defaults::libreswan_ike(),
                crate::defaults::libreswan_esp(),
            ),
            _ => (parse("IKE", self.ike), parse("ESP", self.esp)),
        };
        let everything =
            || vec![TrafficSelector::parse("0.0.0.0/0").unwrap_or(TrafficSelector::Dynamic)];
        set.peers.push(PeerConfig {
            file,
            name: self.name.to_owned(),
            at,
            implementation: self.implementation,
            version: Setting::default_value(IkeVersions::V2),
            local_addrs: Setting::default_value(Vec::new()),
            remote_addrs: Setting::default_value(vec![ANY_GATEWAY.to_owned()]),
            ike_proposals: Setting::default_value(ike),
            // How the user authenticates is set per connection: not part of the profile.
            local_auth: Vec::<AuthRound>::new(),
            remote_auth: Vec::new(),
            children: vec![ChildConfig {
                name: self.name.to_owned(),
                at,
                local_ts: Setting::default_value(vec![TrafficSelector::Dynamic]),
                remote_ts: Setting::default_value(if self.road_warrior {
                    everything()
                } else {
                    vec![TrafficSelector::Dynamic]
                }),
                esp_proposals: Setting::default_value(esp),
                pfs_from_ike: self.implementation == Implementation::Libreswan,
                rekey_seconds: Setting::default_value(None),
            }],
            vips: Setting::default_value(if self.road_warrior {
                vec!["0.0.0.0".to_owned()]
            } else {
                Vec::new()
            }),
            pools: Setting::default_value(Vec::new()),
            fragmentation: Setting::default_value("yes".to_owned()),
            dpd_delay_seconds: Setting::default_value(None),
            rekey_seconds: Setting::default_value(None),
            nat_keepalive_seconds: Setting::default_value(None),
            narrowing: true,
            alternative: false,
            rekey_randomized: Setting::default_value(true),
            front_end: None,
            initiator_only: self.road_warrior,
            local_port: Setting::default_value(500),
            remote_port: Setting::default_value(500),
            mobike: Setting::default_value(true),
        });
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every list of every profile parses whole: a keyword the parser does not know would
    /// silently shrink what a client proposes.
    #[test]
    fn every_profile_parses() {
        for p in PROFILES {
            for l in p.ike {
                Proposal::from_strongswan("IKE", l)
                    .unwrap_or_else(|e| panic!("{}: {l}: {e}", p.name));
            }
            for l in p.esp {
                Proposal::from_strongswan("ESP", l)
                    .unwrap_or_else(|e| panic!("{}: {l}: {e}", p.name));
            }
            let end = p.end();
            assert!(!end.peers[0].ike_proposals.value.is_empty(), "{}", p.name);
            assert!(
                !end.peers[0].children[0].esp_proposals.value.is_empty(),
                "{}",
                p.name
            );
        }
        assert!(find("windows-11-dh2048").is_some());
        assert_eq!(names().len(), 8);
    }
}
