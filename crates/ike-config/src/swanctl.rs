//! strongSwan's swanctl.conf (`connections`, `secrets`, `pools`) into the peer model, with
//! strongSwan's defaults for what a connection leaves out.
use crate::defaults;
use crate::model::{
    fingerprint, seconds, secret_bytes, AuthMethod, AuthRound, ChildConfig, ConfigSet, IkeVersions,
    Implementation, Line, PeerConfig, Pool, Secret, SecretKind, Setting, TrafficSelector,
};
use crate::proposal::Proposal;
use crate::settings::Section;

/// Most connections read from one file (pairing compares every connection of one end with
/// every one of the other).
const MAX_CONNECTIONS: usize = 2_000;
/// Most CHILD_SAs read per connection.
const MAX_CHILDREN: usize = 64;

/// Reads the parsed tree of one swanctl.conf (with its includes) into `set`.
pub fn read(root: &Section, file: usize, set: &mut ConfigSet) {
    if let Some(connections) = root.section("connections") {
        for (n, conn) in connections.sections.iter().enumerate() {
            if n == MAX_CONNECTIONS {
                set.note(
                    file,
                    None,
                    format!("more than {MAX_CONNECTIONS} connections; the rest not read"),
                );
                break;
            }
            // swanctl discards a connection with a value it cannot parse ("invalid value for:
            // proposals, config discarded"): it is not loaded, so it is not compared.
            let mut refused = false;
            let peer = connection(conn, file, set, &mut refused);
            if refused {
                set.note(
                    file,
                    Some(peer.at.line),
                    format!(
                        "connection `{}` has a proposal charon cannot parse: swanctl does not load it (\"config discarded\"), so it is not compared",
                        crate::settings::clip(&peer.name, 60)
                    ),
                );
                continue;
            }
            set.peers.push(peer);
        }
    }
    if let Some(secrets) = root.section("secrets") {
        for s in &secrets.sections {
            if let Some(secret) = secret(s) {
                set.secrets.push(secret);
            }
        }
    }
    if let Some(pools) = root.section("pools") {
        for p in &pools.sections {
            let Some((addrs, at)) = p.value("addrs") else {
                continue;
            };
            set.pools.push(Pool {
                name: p.name.clone(),
                size: pool_size_of(addrs),
                at,
            });
        }
    }
}

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

fn section_line(s: &Section, file: usize) -> Line {
    s.at.unwrap_or(Line { file, line: 0 })
}

fn connection(conn: &Section, file: usize, set: &mut ConfigSet, refused: &mut bool) -> PeerConfig {
    let at = section_line(conn, file);
    let version = match conn.value("version") {
        Some((v, at)) => Setting::written(
            match v.trim() {
                "1" => IkeVersions::V1,
                "2" => IkeVersions::V2,
                _ => IkeVersions::Any,
            },
            at,
        ),
        None => Setting::default_value(IkeVersions::Any),
    };
    let addrs = |key: &str| match conn.value(key) {
        Some((v, at)) => Setting::written(list(v), at),
        None => Setting::default_value(Vec::new()),
    };
    let ike_proposals = proposals(conn.value("proposals"), "IKE", set, refused);
    let mut local_auth = Vec::new();
    let mut remote_auth = Vec::new();
    for s in &conn.sections {
        if s.name.starts_with("local") {
            local_auth.push(auth_round(s));
        } else if s.name.starts_with("remote") {
            remote_auth.push(auth_round(s));
        }
    }
    // A side without a round authenticates with a public key (swanctl's default `auth`).
    for rounds in [&mut local_auth, &mut remote_auth] {
        if rounds.is_empty() {
            rounds.push(AuthRound {
                method: Setting::default_value(AuthMethod::PublicKey),
                id: Setting::default_value(None),
                eap_id: None,
                certs: Vec::new(),
            });
        }
    }
    let children = conn
        .section("children")
        .map(|c| {
            c.sections
                .iter()
                .take(MAX_CHILDREN)
                .map(|s| child(s, file, set, refused))
                .collect()
        })
        .unwrap_or_default();
    // `rand_time = 0` on the connection or any child turns the randomized rekey off.
    let no_jitter = |v: &str| seconds(v) == Some(0);
    let rand_time = conn
        .value("rand_time")
        .filter(|(v, _)| no_jitter(v))
        .or_else(|| {
            conn.section("children").and_then(|c| {
                c.sections
                    .iter()
                    .take(MAX_CHILDREN)
                    .find_map(|s| s.value("rand_time").filter(|(v, _)| no_jitter(v)))
            })
        })
        .map_or(Setting::default_value(true), |(_, at)| {
            Setting::written(false, at)
        });
    let optional_seconds = |key: &str, default: Option<u64>| match conn.value(key) {
        Some((v, at)) => Setting::written(seconds(v), at),
        None => Setting::default_value(default),
    };
    PeerConfig {
        file,
        name: conn.name.clone(),
        at,
        implementation: Implementation::StrongSwan,
        version,
        local_addrs: addrs("local_addrs"),
        remote_addrs: addrs("remote_addrs"),
        ike_proposals,
        local_auth,
        remote_auth,
        children,
        vips: addrs("vips"),
        pools: addrs("pools"),
        fragmentation: match conn.value("fragmentation") {
            Some((v, at)) => Setting::written(v.trim().to_owned(), at),
            None => Setting::default_value("yes".to_owned()),
        },
        dpd_delay_seconds: optional_seconds("dpd_delay", Some(0)),
        rekey_seconds: optional_seconds("rekey_time", Some(4 * 3600)),
        nat_keepalive_seconds: Setting::default_value(Some(20)),
        narrowing: true,
        alternative: false,
        rekey_randomized: rand_time,
        front_end: None,
        initiator_only: false,
        local_port: port_of(conn, "local_port"),
        remote_port: port_of(conn, "remote_port"),
        mobike: bool_of(conn, "mobike", true),
    }
}

/// A proposals value (`default` expands to strongSwan's defaults); an unknown keyword is
/// noted and sets `refused` (swanctl then does not load the connection).
fn proposals(
    value: Option<(&str, Line)>,
    protocol: &str,
    set: &mut ConfigSet,
    refused: &mut bool,
) -> Setting<Vec<Proposal>> {
    let default = || {
        if protocol == "IKE" {
            defaults::strongswan_ike()
        } else {
            defaults::strongswan_esp()
        }
    };
    let Some((text, at)) = value else {
        return Setting::default_value(default());
    };
    let out = crate::proposal::parse_list(
        text,
        |item| {
            if item.eq_ignore_ascii_case("default") {
                Ok(default())
            } else {
                Proposal::from_strongswan(protocol, item).map(|p| vec![p])
            }
        },
        |why| {
            *refused = true;
            set.note(at.file, Some(at.line), why)
        },
    );
    Setting::written(out, at)
}

fn auth_round(s: &Section) -> AuthRound {
    let method = match s.value("auth") {
        Some((v, at)) => Setting::written(auth_method(v), at),
        None => Setting::default_value(AuthMethod::PublicKey),
    };
    let id = match s.value("id") {
        Some((v, at)) => Setting::written(Some(v.trim().to_owned()), at),
        None => Setting::default_value(None),
    };
    AuthRound {
        method,
        id,
        eap_id: s
            .value("eap_id")
            .map(|(v, at)| Setting::written(v.trim().to_owned(), at)),
        certs: s
            .value("certs")
            .map(|(v, at)| {
                list(v)
                    .into_iter()
                    .map(|c| Setting::written(c, at))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn auth_method(v: &str) -> AuthMethod {
    let v = v.trim().to_ascii_lowercase();
    if v == "psk" {
        AuthMethod::Psk
    } else if v == "pubkey"
        || v.starts_with("rsa")
        || v.starts_with("ecdsa")
        || v.starts_with("ed25519")
        || v.starts_with("pubkey-")
    {
        AuthMethod::PublicKey
    } else if let Some(rest) = v.strip_prefix("eap") {
        let method = rest.trim_start_matches('-');
        AuthMethod::Eap((!method.is_empty()).then(|| method.to_owned()))
    } else if v.starts_with("xauth") {
        AuthMethod::Xauth
    } else if v == "null" {
        AuthMethod::Null
    } else {
        AuthMethod::Other(v)
    }
}

fn child(s: &Section, file: usize, set: &mut ConfigSet, refused: &mut bool) -> ChildConfig {
    let ts = |key: &str| match s.value(key) {
        Some((v, at)) => Setting::written(
            list(v)
                .iter()
                .map(|t| TrafficSelector::parse_or_unknown(t))
                .collect(),
            at,
        ),
        None => Setting::default_value(vec![TrafficSelector::Dynamic]),
    };
    ChildConfig {
        name: s.name.clone(),
        at: section_line(s, file),
        local_ts: ts("local_ts"),
        remote_ts: ts("remote_ts"),
        esp_proposals: proposals(s.value("esp_proposals"), "ESP", set, refused),
        pfs_from_ike: false,
        rekey_seconds: match s.value("rekey_time") {
            Some((v, at)) => Setting::written(seconds(v), at),
            None => Setting::default_value(Some(3600)),
        },
    }
}

/// `local_port`/`remote_port` (500 by default; charon floats to 4500 for NAT-T).
fn port_of(conn: &Section, key: &str) -> Setting<u16> {
    match conn
        .value(key)
        .and_then(|(v, at)| Some((crate::model::port(v)?, at)))
    {
        Some((p, at)) => Setting::written(p, at),
        None => Setting::default_value(500),
    }
}

/// A yes/no key of a connection, `default` when absent or not a yes/no.
fn bool_of(conn: &Section, key: &str, default: bool) -> Setting<bool> {
    match conn
        .value(key)
        .and_then(|(v, at)| Some((crate::model::yes_no(v)?, at)))
    {
        Some((b, at)) => Setting::written(b, at),
        None => Setting::default_value(default),
    }
}

fn secret(s: &Section) -> Option<Secret> {
    let kind = if s.name.starts_with("ike") {
        SecretKind::Ike
    } else if s.name.starts_with("eap") {
        SecretKind::Eap
    } else if s.name.starts_with("xauth") {
        SecretKind::Xauth
    } else {
        SecretKind::Other
    };
    let (text, at) = s.value("secret").or_else(|| s.value("file"))?;
    let bytes = secret_bytes(text);
    let ids = s
        .values
        .iter()
        .filter(|(k, _, _)| k.starts_with("id"))
        .map(|(_, v, _)| v.trim().to_owned())
        .collect();
    Some(Secret {
        kind,
        ids,
        fingerprint: fingerprint(&bytes),
        length: bytes.len(),
        at,
    })
}

/// Addresses a pool hands out: a subnet's hosts (without network and broadcast address from
/// /30 and wider), a range's size; `dhcp` and `radius` pools are not counted (unbounded here).
pub fn pool_size_of(addrs: &str) -> u128 {
    let mut total: u128 = 0;
    for item in list(addrs) {
        if item == "dhcp" || item == "radius" {
            return u128::MAX;
        }
        let prefix = item.split_once('/').and_then(|(_, p)| p.parse::<u8>().ok());
        if let Some(TrafficSelector::Range(first, last)) = TrafficSelector::parse(&item) {
            let Some((f, l, bits)) = crate::model::range_bounds(first, last) else {
                continue;
            };
            let mut size = l.saturating_sub(f).saturating_add(1);
            if prefix.is_some_and(|p| u32::from(p) < bits - 1) {
                size = size.saturating_sub(2);
            }
            total = total.saturating_add(size);
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    /// swanctl discards a connection with an unknown proposal keyword (its child's too): it is
    /// not compared; the other connections are.
    #[test]
    fn a_connection_swanctl_discards_is_not_compared() {
        let text = "connections {\n bad {\n  remote_addrs = 192.0.2.1\n  proposals = aes256-sha3-modp2048\n }\n badchild {\n  remote_addrs = 192.0.2.2\n  children {\n   net {\n    esp_proposals = aes256-whirlpool\n   }\n  }\n }\n good {\n  remote_addrs = 192.0.2.3\n }\n}\n";
        let mut notes = crate::settings::Notes::default();
        let root = crate::settings::parse(text, 0, &mut crate::settings::NoIncludes, &mut notes);
        let mut set = ConfigSet::default();
        set.add_file("swanctl.conf");
        read(&root, 0, &mut set);
        assert_eq!(set.peers.len(), 1);
        assert_eq!(set.peers[0].name, "good");
        let said = set
            .notes
            .iter()
            .filter(|n| n.message.contains("does not load it"))
            .count();
        assert_eq!(said, 2, "{:?}", set.notes);
    }

    #[test]
    fn pools_count_hosts() {
        assert_eq!(pool_size_of("10.99.200.1/32"), 1);
        assert_eq!(pool_size_of("10.99.200.0/28"), 14);
        assert_eq!(pool_size_of("10.0.0.1-10.0.0.5, 10.1.0.0/31"), 7);
        assert_eq!(pool_size_of("dhcp"), u128::MAX);
    }
}
