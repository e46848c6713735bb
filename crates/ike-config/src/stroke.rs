//! strongSwan's legacy ipsec.conf (read by its `starter` and the stroke plugin): the same
//! `conn`/`also=`/`%default` file shape as Libreswan's, so [`crate::libreswan`] collects the
//! conns, but other keys and other defaults (ipsec.conf(5) of strongSwan 5.9):
//! - `keyexchange=ike` (the default) starts IKEv2 and answers both versions;
//! - `ike=`/`esp=` are strongSwan keywords; without a closing `!` the daemon appends its own
//!   default proposals to the list, with `!` the list is all;
//! - `authby` (`pubkey` by default, `psk`/`secret`, `xauthpsk`...), or `leftauth`/`rightauth`
//!   (`pubkey`, `psk`, `eap-mschapv2`...); `eap_identity`;
//! - `leftsourceip=%config` asks for a virtual IP, `rightsourceip=` is the pool handed out;
//! - an `esp=` group is PFS; no group, no PFS (no Libreswan-style `pfs=`).
//!
//! Which of the two a file is comes from keys only one of them has ([`is_strongswan`]).
use crate::defaults;
use crate::libreswan::{id_of, is_address, Merged};
use crate::model::{
    seconds, AuthMethod, AuthRound, ChildConfig, ConfigSet, IkeVersions, Implementation, Line,
    PeerConfig, Setting, TrafficSelector,
};
use crate::proposal::{parse_list, Proposal};

/// Keys and values only strongSwan's ipsec.conf has.
const STRONGSWAN_ONLY: &[&str] = &[
    "charondebug",
    "charonstart",
    "plutostart",
    "crlcheckinterval",
    "leftsourceip",
    "rightsourceip",
    "eap_identity",
    "aaa_identity",
    "leftfirewall",
    "rightfirewall",
    "strictcrlpolicy",
    "uniqueids",
    "leftauth2",
    "rightauth2",
    "mediation",
    "closeaction",
    "reauth",
    "leftgroups",
    "rightgroups",
];

/// Keys only Libreswan's ipsec.conf has.
const LIBRESWAN_ONLY: &[&str] = &[
    "protostack",
    "virtual-private",
    "virtual_private",
    "leftmodecfgclient",
    "rightmodecfgclient",
    "leftaddresspool",
    "rightaddresspool",
    "ikev2",
    "phase2alg",
    "ipsec-interface",
    "narrowing",
    "leftxauthclient",
    "rightxauthserver",
    "nm-configured",
    "pfs",
];

/// Whether an ipsec.conf is strongSwan's: more of its keys (or a proposal closed by `!`) than
/// Libreswan's, a comment naming the project counting double (both packages' files start
/// with one). A file with neither is Libreswan's, as before this reader existed.
pub fn is_strongswan(text: &str) -> bool {
    let (mut strongswan, mut libreswan) = (0usize, 0usize);
    for line in text.lines().take(20_000) {
        if let Some((_, comment)) = line.split_once('#') {
            strongswan += 2 * usize::from(comment.contains("strongSwan"));
            libreswan += 2 * usize::from(comment.contains("Libreswan"));
        }
        let line = line.split('#').next().unwrap_or_default().trim();
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        if STRONGSWAN_ONLY.contains(&key)
            || (matches!(key, "ike" | "esp") && value.trim().ends_with('!'))
            || (matches!(key, "leftauth" | "rightauth") && value.trim().starts_with("eap-"))
        {
            strongswan += 1;
        } else if LIBRESWAN_ONLY.contains(&key) {
            libreswan += 1;
        }
    }
    strongswan > libreswan
}

/// The peer of one merged conn, `left` this host when `left_is_local`.
pub(crate) fn peer(
    conn: &Merged,
    file: usize,
    set: &mut ConfigSet,
    left_is_local: bool,
    refused: &mut bool,
) -> PeerConfig {
    let at = conn.at.unwrap_or(Line { file, line: 0 });
    let (me, them) = if left_is_local {
        ("left", "right")
    } else {
        ("right", "left")
    };
    let key = |side: &str, k: &str| format!("{side}{k}");
    let addrs = |side: &str| match conn.get(side) {
        Some((v, at)) => Setting::written(
            if v.trim().starts_with('%') {
                Vec::new()
            } else {
                v.split(',').map(|a| a.trim().to_owned()).collect()
            },
            at,
        ),
        None => Setting::default_value(Vec::new()),
    };
    let version = match conn.get("keyexchange") {
        Some((v, at)) => Setting::written(
            match v.trim() {
                "ikev1" => IkeVersions::V1,
                "ikev2" => IkeVersions::V2,
                _ => IkeVersions::Any,
            },
            at,
        ),
        None => Setting::default_value(IkeVersions::Any),
    };
    let authby = conn.get("authby");
    let method_of = |side: &str| -> Setting<AuthMethod> {
        if let Some((v, at)) = conn.get(&key(side, "auth")) {
            let v = v.trim();
            return Setting::written(
                match v {
                    "psk" | "secret" => AuthMethod::Psk,
                    "pubkey" | "rsasig" | "ecdsasig" => AuthMethod::PublicKey,
                    "xauth" => AuthMethod::Xauth,
                    "eap" => AuthMethod::Eap(None),
                    _ => match v.strip_prefix("eap-") {
                        Some(m) => AuthMethod::Eap(Some(m.to_owned())),
                        None => AuthMethod::Other(v.chars().take(30).collect()),
                    },
                },
                at,
            );
        }
        match authby {
            Some((v, at)) => Setting::written(
                match v.trim() {
                    "psk" | "secret" | "xauthpsk" => AuthMethod::Psk,
                    "never" => AuthMethod::Other("never".into()),
                    _ => AuthMethod::PublicKey,
                },
                at,
            ),
            None => Setting::default_value(AuthMethod::PublicKey),
        }
    };
    let round = |side: &str| -> AuthRound {
        let id = match conn.get(&key(side, "id")) {
            Some((v, at)) => Setting::written(id_of(v), at),
            // strongSwan's default identity: the side's address, or its certificate's subject.
            None => match conn.get(side) {
                _ if conn.get(&key(side, "cert")).is_some() => Setting::default_value(None),
                Some((v, _)) if is_address(v) => Setting::default_value(Some(v.trim().to_owned())),
                Some((v, _)) if v.trim() == "%any" => {
                    Setting::default_value(Some("%any".to_owned()))
                }
                _ => Setting::default_value(None),
            },
        };
        let method = method_of(side);
        let eap_id = match (&method.value, conn.get("eap_identity")) {
            (AuthMethod::Eap(_), Some((v, at))) if side == me => {
                Some(Setting::written(v.trim().to_owned(), at))
            }
            _ => None,
        };
        AuthRound {
            method,
            id,
            eap_id,
            certs: conn
                .get(&key(side, "cert"))
                .map(|(v, at)| vec![Setting::written(v.trim().to_owned(), at)])
                .unwrap_or_default(),
        }
    };
    let subnets = |side: &str| -> Setting<Vec<TrafficSelector>> {
        match conn.get(&key(side, "subnet")) {
            Some((v, at)) => Setting::written(
                v.split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(TrafficSelector::parse_or_unknown)
                    .collect(),
                at,
            ),
            None => Setting::default_value(vec![TrafficSelector::Dynamic]),
        }
    };
    let mut proposals = |k: &str, protocol: &str, set: &mut ConfigSet| -> Setting<Vec<Proposal>> {
        let defaults = || {
            if protocol == "IKE" {
                defaults::strongswan_ike()
            } else {
                defaults::strongswan_esp()
            }
        };
        match conn.get(k) {
            Some((v, at)) => {
                let strict = v.trim().ends_with('!');
                let mut list = parse_list(
                    v.trim().trim_end_matches('!'),
                    |item| Proposal::from_strongswan(protocol, item).map(|p| vec![p]),
                    |why| {
                        *refused = true;
                        set.note(at.file, Some(at.line), why)
                    },
                );
                // Without `!` the daemon appends its default proposals.
                if !strict {
                    list.extend(defaults());
                }
                Setting::written(list, at)
            }
            None => Setting::default_value(defaults()),
        }
    };
    let ike_proposals = proposals("ike", "IKE", set);
    let esp_proposals = proposals("esp", "ESP", set);
    let source_ip = |side: &str| conn.get(&key(side, "sourceip"));
    // This host asks for a virtual IP with `%config`; the peer's `sourceip` is what it hands
    // out (an address range or a pool's name).
    let vips = match source_ip(me) {
        Some((v, at)) if v.trim().starts_with("%config") || v.trim().starts_with("%cfg") => {
            Setting::written(vec!["0.0.0.0".to_owned()], at)
        }
        _ => Setting::default_value(Vec::new()),
    };
    let pools = match source_ip(them) {
        Some((v, at)) if !v.trim().starts_with("%config") => {
            Setting::written(vec![v.trim().trim_start_matches('%').to_owned()], at)
        }
        _ => Setting::default_value(Vec::new()),
    };
    let remote_ts = if !pools.value.is_empty() && conn.get(&key(them, "subnet")).is_none() {
        Setting::default_value(vec![TrafficSelector::Dynamic])
    } else {
        subnets(them)
    };
    let seconds_of = |keys: &[&str], default: u64| match keys.iter().find_map(|k| conn.get(k)) {
        Some((v, at)) => Setting::written(seconds(v), at),
        None => Setting::default_value(Some(default)),
    };
    let dpd_on = conn
        .get("dpdaction")
        .is_some_and(|(v, _)| !matches!(v.trim(), "none" | ""));
    PeerConfig {
        file: at.file,
        name: conn.name.clone(),
        at,
        implementation: Implementation::StrongSwan,
        version,
        local_addrs: addrs(me),
        remote_addrs: match conn.get(them) {
            Some((v, at)) if v.trim() == "%any" => Setting::written(vec!["%any".to_owned()], at),
            _ => addrs(them),
        },
        ike_proposals,
        local_auth: vec![round(me)],
        remote_auth: vec![round(them)],
        children: vec![ChildConfig {
            name: conn.name.clone(),
            at,
            local_ts: subnets(me),
            remote_ts,
            esp_proposals,
            pfs_from_ike: false,
            rekey_seconds: seconds_of(&["lifetime", "keylife"], 3600),
        }],
        vips,
        pools,
        fragmentation: match conn.get("fragmentation") {
            Some((v, at)) => Setting::written(v.trim().to_owned(), at),
            None => Setting::default_value("yes".to_owned()),
        },
        dpd_delay_seconds: match conn.get("dpddelay") {
            Some((v, at)) if dpd_on => Setting::written(seconds(v), at),
            _ if dpd_on => Setting::default_value(Some(30)),
            _ => Setting::default_value(None),
        },
        rekey_seconds: seconds_of(&["ikelifetime", "ikelife"], 3 * 3600),
        nat_keepalive_seconds: Setting::default_value(Some(20)),
        narrowing: true,
        alternative: false,
        rekey_randomized: crate::libreswan::fuzz_of(conn),
        front_end: None,
        initiator_only: false,
        local_port: Setting::default_value(500),
        remote_port: Setting::default_value(500),
        mobike: crate::libreswan::mobike_of(conn, true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ConfigSet;
    use crate::settings::NoIncludes;

    #[test]
    fn dialects_from_keys() {
        assert!(is_strongswan(
            "conn rw\n  left=%any\n  leftsourceip=%config\n  keyexchange=ikev2\n"
        ));
        assert!(is_strongswan("conn a\n  ike=aes256-sha256-modp2048!\n"));
        assert!(!is_strongswan(
            "conn a\n  ikev2=insist\n  leftmodecfgclient=yes\n"
        ));
        assert!(!is_strongswan("conn a\n  left=1.2.3.4\n  right=5.6.7.8\n"));
        // strongSwan 4's files name the project and start pluto or charon.
        assert!(is_strongswan(
            "# /etc/ipsec.conf - strongSwan IPsec configuration file\nconfig setup\n\tplutodebug=control\n\tcharonstart=no\n"
        ));
        assert!(!is_strongswan(
            "# /etc/ipsec.conf - Libreswan IPsec configuration file\nconfig setup\n\tplutodebug=all\n"
        ));
    }

    #[test]
    fn road_warrior_client_and_gateway() {
        let client = "conn home\n  keyexchange=ikev2\n  left=%defaultroute\n  leftsourceip=%config\n  leftauth=eap-mschapv2\n  eap_identity=alice\n  right=vpn.example.org\n  rightid=@vpn.example.org\n  rightsubnet=0.0.0.0/0\n  ike=aes256-sha256-modp2048!\n  esp=aes256-sha256\n  auto=start\n";
        let mut set = ConfigSet::default();
        let file = set.add_file("ipsec.conf");
        crate::libreswan::read_conf(client, file, &mut NoIncludes, &mut set);
        assert!(set.notes.is_empty(), "{:?}", set.notes);
        let p = &set.peers[0];
        assert_eq!(p.implementation, Implementation::StrongSwan);
        assert_eq!(p.version.value, IkeVersions::V2);
        assert_eq!(p.ike_proposals.value.len(), 1, "`!`: the list is all");
        // No `!`: strongSwan's defaults follow the configured proposal.
        assert!(p.children[0].esp_proposals.value.len() > 1);
        assert_eq!(
            p.local_auth[0].method.value,
            AuthMethod::Eap(Some("mschapv2".into()))
        );
        assert_eq!(
            p.local_auth[0].eap_id.as_ref().map(|e| e.value.as_str()),
            Some("alice")
        );
        assert_eq!(p.vips.value, vec!["0.0.0.0"]);
        assert_eq!(
            p.remote_auth[0].id.value.as_deref(),
            Some("vpn.example.org")
        );
        assert!(!p.responder_only());

        let gateway = "config setup\n  uniqueids=never\nconn rw\n  left=%any\n  leftid=@vpn.example.org\n  leftcert=server.pem\n  leftsubnet=0.0.0.0/0\n  right=%any\n  rightauth=eap-mschapv2\n  rightsourceip=10.10.10.0/24\n  auto=add\n";
        let mut set = ConfigSet::default();
        let file = set.add_file("ipsec.conf");
        crate::libreswan::read_conf(gateway, file, &mut NoIncludes, &mut set);
        let g = &set.peers[0];
        assert_eq!(g.implementation, Implementation::StrongSwan);
        assert!(g.responder_only());
        assert_eq!(g.pools.value, vec!["10.10.10.0/24"]);
        assert_eq!(g.version.value, IkeVersions::Any);
        assert_eq!(g.local_auth[0].id.value.as_deref(), Some("vpn.example.org"));
    }
}
