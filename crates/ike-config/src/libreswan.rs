//! Libreswan's ipsec.conf (`config setup`, `conn` sections with `also=` and `%default`) and
//! ipsec.secrets (`ids : PSK "..."`) into the peer model, with Libreswan's defaults; a file
//! with strongSwan's keys is strongSwan's legacy ipsec.conf, whose conns [`crate::stroke`]
//! reads. `left`
//! is taken as this host unless `right` is `%defaultroute` or `left` is `%any` (Libreswan
//! decides by its interfaces, which a file does not show).
use crate::defaults;
use crate::model::{
    fingerprint, seconds, AuthMethod, AuthRound, ChildConfig, ConfigSet, IkeVersions,
    Implementation, Line, PeerConfig, Secret, SecretKind, Setting, TrafficSelector,
};
use crate::proposal::Proposal;

use crate::settings::{follow_include, strip_comment, Notes};

/// One `conn` as written: its keys in order.
#[derive(Debug, Clone, Default)]
struct Conn {
    name: String,
    at: Option<Line>,
    values: Vec<(String, String, Line)>,
}

/// A conn with `%default` and `also=` applied: each key's last value, found in one lookup.
pub(crate) struct Merged {
    pub(crate) name: String,
    pub(crate) at: Option<Line>,
    keys: std::collections::HashMap<String, (String, Line)>,
}

impl Merged {
    pub(crate) fn get(&self, key: &str) -> Option<(&str, Line)> {
        self.keys.get(key).map(|(v, at)| (v.as_str(), *at))
    }
}

/// How `include` reaches other files (see [`crate::settings::Includes`]).
pub use crate::settings::Includes;

/// Keys `%default` and `also=` may copy into the conns of one file: far beyond any real
/// configuration, and a bound on chains that fan out.
const MAX_COPIED_KEYS: usize = 200_000;
/// Most conns read from one file (each read twice when both its ends are fixed).
const MAX_CONNS: usize = 2_000;

/// Reads one ipsec.conf (and what it includes) into `set`.
pub fn read_conf(text: &str, file: usize, includes: &mut dyn Includes, set: &mut ConfigSet) {
    let mut conns: Vec<Conn> = Vec::new();
    let mut notes = Notes::default();
    collect(text, file, includes, &mut notes, &mut conns, 0);
    let default = conns.iter().rev().find(|c| c.name == "%default").cloned();
    // The last conn of a name is the one `also=` finds, as in pluto.
    let by_name: std::collections::HashMap<&str, &Conn> =
        conns.iter().map(|c| (c.name.as_str(), c)).collect();
    // strongSwan's legacy ipsec.conf shares the file shape, not the keys or the defaults.
    let strongswan = crate::stroke::is_strongswan(text);
    let peer = if strongswan {
        crate::stroke::peer
    } else {
        peer
    };
    let mut budget = MAX_COPIED_KEYS;
    for (read, conn) in conns.iter().filter(|c| c.name != "%default").enumerate() {
        if read == MAX_CONNS {
            notes.push(
                conn.at.unwrap_or(Line { file, line: 0 }),
                format!("more than {MAX_CONNS} conns; the rest not read"),
            );
            break;
        }
        let mut keys = std::collections::HashMap::new();
        for (k, v, at) in default.iter().flat_map(|d| d.values.iter()) {
            if budget == 0 {
                break;
            }
            budget -= 1;
            keys.insert(k.clone(), (v.clone(), *at));
        }
        let mut visited = std::collections::HashSet::new();
        expand_also(conn, &by_name, &mut keys, 0, &mut budget, &mut visited);
        let merged = Merged {
            name: conn.name.clone(),
            at: conn.at,
            keys,
        };
        // strongSwan's examples write `left=%any` for this host; Libreswan's for the peer.
        let left_is_local = !((!strongswan
            && merged.get("left").is_some_and(|(v, _)| v == "%any"))
            || merged
                .get("right")
                .is_some_and(|(v, _)| v == "%defaultroute"));
        // pluto and starter refuse a conn whose proposals they cannot parse: not loaded, not
        // compared.
        let mut refused = false;
        let reading = peer(&merged, file, set, left_is_local, &mut refused);
        if refused {
            notes.push(
                conn.at.unwrap_or(Line { file, line: 0 }),
                format!(
                    "conn `{}` has a proposal the daemon cannot parse: it is not loaded, so it is not compared",
                    crate::settings::clip(&conn.name, 60)
                ),
            );
            continue;
        }
        set.peers.push(reading);
        // With two fixed ends the same conn serves both hosts, each finding itself by its
        // interfaces (which a file does not show): both readings are kept, and the pairing
        // keeps the one the other end's addresses fit.
        let fixed = |side: &str| {
            merged
                .get(side)
                .is_some_and(|(v, _)| !v.trim().is_empty() && !v.trim().starts_with('%'))
        };
        if fixed("left") && fixed("right") {
            let mut mirrored = peer(&merged, file, set, !left_is_local, &mut refused);
            mirrored.alternative = true;
            mirrored.name = format!(
                "{} (this host as {})",
                merged.name,
                if left_is_local { "right" } else { "left" }
            );
            set.peers.push(mirrored);
        }
    }
    if budget == 0 {
        notes.push(
            Line { file, line: 1 },
            "`%default` and `also=` copy too many keys; the rest not read",
        );
    }
    notes.flush_into(set, file);
}

fn collect(
    text: &str,
    file: usize,
    includes: &mut dyn Includes,
    notes: &mut Notes,
    conns: &mut Vec<Conn>,
    depth: usize,
) {
    let mut current: Option<Conn> = None;
    for (i, raw) in text.lines().enumerate() {
        let at = Line {
            file,
            line: u32::try_from(i + 1).unwrap_or(u32::MAX),
        };
        let line = strip_comment(raw);
        if line.trim().is_empty() {
            continue;
        }
        let indented = line.starts_with(char::is_whitespace);
        let trimmed = line.trim();
        if !indented {
            if let Some(c) = current.take() {
                conns.push(c);
            }
            // Keywords and their argument are separated by spaces or tabs.
            let mut words = trimmed.splitn(2, char::is_whitespace);
            let keyword = words.next().unwrap_or_default();
            let argument = words.next().unwrap_or_default().trim();
            match keyword {
                "conn" if !argument.is_empty() => {
                    current = Some(Conn {
                        name: argument.to_owned(),
                        at: Some(at),
                        values: Vec::new(),
                    })
                }
                "include" => {
                    for (child, child_text) in follow_include(includes, argument, at, depth, notes)
                    {
                        collect(&child_text, child, includes, notes, conns, depth + 1);
                    }
                }
                "config" | "version" => {}
                // The line is not quoted: it may be a mistyped secret.
                _ => notes.push(at, "not a section (`conn`, `config setup`, `include`)"),
            }
            continue;
        }
        let Some((key, value)) = trimmed.split_once('=') else {
            notes.push(at, "not a `key=value` line");
            continue;
        };
        if let Some(c) = &mut current {
            c.values
                .push((key.trim().to_owned(), unquote(value.trim()), at));
        }
    }
    if let Some(c) = current {
        conns.push(c);
    }
}

/// `also=` pulls other conns' keys in before this conn's own (which win). A conn is pulled in
/// once (pluto refuses loops); every call and key copied is taken from `budget`.
fn expand_also(
    conn: &Conn,
    all: &std::collections::HashMap<&str, &Conn>,
    out: &mut std::collections::HashMap<String, (String, Line)>,
    depth: usize,
    budget: &mut usize,
    visited: &mut std::collections::HashSet<String>,
) {
    if *budget == 0 || !visited.insert(conn.name.clone()) {
        return;
    }
    *budget -= 1;
    for (k, v, _) in &conn.values {
        if k == "also" && depth < crate::settings::MAX_INCLUDE_DEPTH {
            for name in v.split_whitespace() {
                if let Some(other) = all.get(name) {
                    expand_also(other, all, out, depth + 1, budget, visited);
                }
            }
        }
    }
    for (k, v, at) in conn.values.iter().filter(|(k, _, _)| k != "also") {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        out.insert(k.clone(), (v.clone(), *at));
    }
}

fn unquote(v: &str) -> String {
    v.strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(v)
        .to_owned()
}

/// An identity as Libreswan writes it, as the other implementations compare it: `@fqdn` is
/// the FQDN, `%any`/`%fromcert` say the identity is open or the certificate's.
pub(crate) fn id_of(v: &str) -> Option<String> {
    let v = v.trim();
    match v {
        "%any" | "" => Some("%any".to_owned()),
        "%fromcert" => None,
        // `@#hex` (key ID) and `@~DN` keep their form; `@fqdn` is the FQDN.
        _ if v.starts_with("@#") || v.starts_with("@~") => Some(v.to_owned()),
        _ => Some(v.strip_prefix('@').unwrap_or(v).to_owned()),
    }
}

pub(crate) fn is_address(v: &str) -> bool {
    v.parse::<std::net::IpAddr>().is_ok()
}

fn peer(
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
    let addr_setting = |side: &str| match conn.get(side) {
        Some((v, at)) => Setting::written(
            if v.starts_with('%') {
                Vec::new()
            } else {
                vec![v.trim().to_owned()]
            },
            at,
        ),
        None => Setting::default_value(Vec::new()),
    };
    let version = if let Some((v, at)) = conn.get("keyexchange") {
        Setting::written(
            if v.contains("ikev1") {
                IkeVersions::V1
            } else {
                IkeVersions::V2
            },
            at,
        )
    } else if let Some((v, at)) = conn.get("ikev2") {
        Setting::written(
            if matches!(v.trim(), "no" | "never") {
                IkeVersions::V1
            } else {
                IkeVersions::V2
            },
            at,
        )
    } else {
        Setting::default_value(IkeVersions::V2)
    };
    let authby = conn.get("authby");
    let method_of = |side: &str| -> Setting<AuthMethod> {
        if let Some((v, at)) = conn.get(&key(side, "auth")) {
            return Setting::written(
                match v.trim() {
                    "secret" | "psk" => AuthMethod::Psk,
                    "eaponly" | "eap" => AuthMethod::Eap(Some("tls".to_owned())),
                    "null" => AuthMethod::Null,
                    _ => AuthMethod::PublicKey,
                },
                at,
            );
        }
        match authby {
            Some((v, at)) => Setting::written(
                match v.split(',').next().unwrap_or_default().trim() {
                    "secret" | "psk" => AuthMethod::Psk,
                    "null" => AuthMethod::Null,
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
            // Libreswan's default identity is the side's address.
            None => match conn.get(side) {
                Some((v, _)) if is_address(v) => Setting::default_value(Some(v.trim().to_owned())),
                Some((v, _)) if v.trim() == "%any" => {
                    Setting::default_value(Some("%any".to_owned()))
                }
                _ => Setting::default_value(None),
            },
        };
        AuthRound {
            method: method_of(side),
            id,
            eap_id: None,
            certs: conn
                .get(&key(side, "cert"))
                .map(|(v, at)| vec![Setting::written(v.trim().to_owned(), at)])
                .unwrap_or_default(),
        }
    };
    let subnets = |side: &str| -> Setting<Vec<TrafficSelector>> {
        let written = conn
            .get(&key(side, "subnet"))
            .or_else(|| conn.get(&key(side, "subnets")));
        match written {
            Some((v, at)) => Setting::written(
                // `leftsubnets={10.1.0.0/16 10.2.0.0/16}`: braces, commas or spaces.
                v.trim_matches(|c| c == '{' || c == '}')
                    .split([',', ' '])
                    .filter(|s| !s.trim().is_empty())
                    .map(TrafficSelector::parse_or_unknown)
                    .collect(),
                at,
            ),
            None => Setting::default_value(vec![TrafficSelector::Dynamic]),
        }
    };
    let mut proposals = |k: &str, protocol: &str, set: &mut ConfigSet| -> Setting<Vec<Proposal>> {
        match conn.get(k) {
            Some((v, at)) => Setting::written(
                crate::proposal::parse_list(
                    v,
                    |item| Proposal::from_libreswan(protocol, item).map(|p| vec![p]),
                    |why| {
                        *refused = true;
                        set.note(at.file, Some(at.line), why)
                    },
                ),
                at,
            ),
            None => Setting::default_value(if protocol == "IKE" {
                defaults::libreswan_ike()
            } else {
                defaults::libreswan_esp()
            }),
        }
    };
    let mut ike_proposals = proposals("ike", "IKE", set);
    // An `ike=` proposal without a DH group takes pluto's default groups (ike_info.c).
    let default_groups = defaults::libreswan_ike()
        .first()
        .map(|p| p.groups.clone())
        .unwrap_or_default();
    for p in &mut ike_proposals.value {
        if p.groups.is_empty() {
            p.groups.clone_from(&default_groups);
        }
    }
    let esp_key = if conn.get("esp").is_some() {
        "esp"
    } else {
        "phase2alg"
    };
    let mut esp_proposals = proposals(esp_key, "ESP", set);
    let pfs = conn.get("pfs").is_none_or(|(v, _)| v.trim() != "no");
    if !pfs {
        // pluto leaves any DH group in `esp=` out when PFS is off (proposals.c).
        for p in &mut esp_proposals.value {
            p.groups.clear();
        }
    }
    let pfs_from_ike = pfs
        && esp_proposals
            .value
            .iter()
            .all(|p| p.real_groups().next().is_none());
    let pool_of_peer = conn.get(&key(them, "addresspool"));
    let remote_ts = if pool_of_peer.is_some() && conn.get(&key(them, "subnet")).is_none() {
        Setting::default_value(vec![TrafficSelector::Dynamic])
    } else {
        subnets(them)
    };
    let requests_vip = conn
        .get(&key(me, "modecfgclient"))
        .is_some_and(|(v, _)| v.trim() == "yes");
    let seconds_of = |k: &str, default: u64| match conn.get(k) {
        Some((v, at)) => Setting::written(seconds(v), at),
        None => Setting::default_value(Some(default)),
    };
    PeerConfig {
        file: at.file,
        name: conn.name.clone(),
        at,
        implementation: Implementation::Libreswan,
        version,
        local_addrs: addr_setting(me),
        remote_addrs: match conn.get(them) {
            Some((v, at)) if v.trim() == "%any" => Setting::written(vec!["%any".to_owned()], at),
            _ => addr_setting(them),
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
            pfs_from_ike,
            rekey_seconds: seconds_of("salifetime", 8 * 3600),
        }],
        vips: match conn.get(&key(me, "modecfgclient")) {
            Some((_, at)) if requests_vip => Setting::written(vec!["0.0.0.0".to_owned()], at),
            _ => Setting::default_value(Vec::new()),
        },
        pools: match pool_of_peer {
            Some((v, at)) => Setting::written(vec![v.trim().to_owned()], at),
            None => Setting::default_value(Vec::new()),
        },
        fragmentation: match conn.get("fragmentation") {
            Some((v, at)) => Setting::written(v.trim().to_owned(), at),
            None => Setting::default_value("yes".to_owned()),
        },
        dpd_delay_seconds: match conn.get("dpddelay") {
            Some((v, at)) => Setting::written(seconds(v), at),
            None => Setting::default_value(Some(0)),
        },
        rekey_seconds: seconds_of("ikelifetime", 8 * 3600),
        nat_keepalive_seconds: Setting::default_value(Some(20)),
        narrowing: conn
            .get("narrowing")
            .is_some_and(|(v, _)| v.trim() == "yes"),
        alternative: false,
        rekey_randomized: fuzz_of(conn),
        front_end: None,
        initiator_only: false,
        local_port: port_of(conn, &key(me, "ikeport")),
        remote_port: port_of(conn, &key(them, "ikeport")),
        mobike: mobike_of(conn, false),
    }
}

/// `leftikeport`/`rightikeport` (500 by default).
fn port_of(conn: &Merged, key: &str) -> Setting<u16> {
    match conn
        .get(key)
        .and_then(|(v, at)| Some((crate::model::port(v)?, at)))
    {
        Some((p, at)) => Setting::written(p, at),
        None => Setting::default_value(500),
    }
}

/// `mobike=` (off by default in pluto, on in strongSwan's starter).
pub(crate) fn mobike_of(conn: &Merged, default: bool) -> Setting<bool> {
    match conn
        .get("mobike")
        .and_then(|(v, at)| Some((crate::model::yes_no(v)?, at)))
    {
        Some((b, at)) => Setting::written(b, at),
        None => Setting::default_value(default),
    }
}

/// `rekeyfuzz=0%` turns the randomized rekey off (both ipsec.conf dialects; 100% by default).
pub(crate) fn fuzz_of(conn: &Merged) -> Setting<bool> {
    match conn.get("rekeyfuzz") {
        Some((v, at)) => Setting::written(v.trim().trim_end_matches('%').trim() != "0", at),
        None => Setting::default_value(true),
    }
}

/// Reads ipsec.secrets: `ID ID : PSK "secret"`, `: PSK "secret"` (any identities),
/// continuation lines indented, `include`. Only PSK and XAUTH/EAP secrets are compared;
/// private keys are listed as other secrets. Secret texts are never kept.
pub fn read_secrets(text: &str, file: usize, includes: &mut dyn Includes, set: &mut ConfigSet) {
    read_secrets_at(text, file, includes, set, 0);
}

fn read_secrets_at(
    text: &str,
    file: usize,
    includes: &mut dyn Includes,
    set: &mut ConfigSet,
    depth: usize,
) {
    let mut notes = Notes::default();
    read_secrets_into(text, file, includes, set, &mut notes, depth);
    notes.flush_into(set, file);
}

fn read_secrets_into(
    text: &str,
    file: usize,
    includes: &mut dyn Includes,
    set: &mut ConfigSet,
    notes: &mut Notes,
    depth: usize,
) {
    // Entries may run over indented continuation lines: join them first.
    let mut entries: Vec<(String, u32)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = strip_comment(raw);
        if line.trim().is_empty() {
            continue;
        }
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        match entries.last_mut() {
            Some((entry, _)) if line.starts_with(char::is_whitespace) => {
                entry.push(' ');
                entry.push_str(line.trim());
            }
            _ => entries.push((line.trim().to_owned(), number)),
        }
    }
    for (entry, line) in entries {
        let at = Line { file, line };
        if let Some(pattern) = entry.strip_prefix("include") {
            for (child, child_text) in follow_include(includes, pattern.trim(), at, depth, notes) {
                read_secrets_into(&child_text, child, includes, set, notes, depth + 1);
            }
            continue;
        }
        let Some((ids, rest)) = entry.split_once(':') else {
            notes.push(at, "not an `IDs : TYPE secret` entry");
            continue;
        };
        let rest = rest.trim();
        let (kind_word, secret) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let kind = match kind_word.to_ascii_uppercase().as_str() {
            "PSK" => SecretKind::Ike,
            "XAUTH" => SecretKind::Xauth,
            "EAP" => SecretKind::Eap,
            _ => SecretKind::Other,
        };
        // A quoted secret is taken as written; only an unquoted one is `0x` hex or `0s`
        // base64 (pluto's ttodata).
        let secret = secret.trim();
        let bytes = match secret.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
            Some(literal) => literal.as_bytes().to_vec(),
            None => crate::model::secret_bytes(secret),
        };
        set.secrets.push(Secret {
            kind,
            ids: ids.split_whitespace().filter_map(id_of).collect(),
            fingerprint: fingerprint(&bytes),
            length: bytes.len(),
            at,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::NoIncludes;

    #[test]
    fn an_ike_proposal_without_a_group_takes_the_default_groups() {
        let mut set = ConfigSet::default();
        let file = set.add_file("ikev2.conf");
        read_conf(
            "conn c\n  right=%any\n  ike=aes256-sha2\n  rightikeport=4500\n  mobike=yes\n",
            file,
            &mut NoIncludes,
            &mut set,
        );
        assert_eq!(set.peers[0].remote_port.value, 4500);
        assert_eq!(set.peers[0].local_port.value, 500);
        assert!(set.peers[0].mobike.value);
        let groups = &set.peers[0].ike_proposals.value[0].groups;
        assert!(
            groups.iter().any(|g| g == "MODP_2048") && groups.iter().any(|g| g == "ECP_256"),
            "{groups:?}"
        );
    }

    #[test]
    fn a_conn_with_an_unparsable_proposal_is_not_compared() {
        let text =
            "conn bad\n  right=192.0.2.1\n  ike=aes256-sha3;dh14\nconn good\n  right=192.0.2.2\n";
        let mut set = ConfigSet::default();
        let file = set.add_file("ipsec.conf");
        read_conf(text, file, &mut NoIncludes, &mut set);
        assert!(set.peers.iter().all(|p| p.name.starts_with("good")));
        assert!(
            set.notes
                .iter()
                .any(|n| n.message.contains("it is not loaded")),
            "{:?}",
            set.notes
        );
    }

    #[test]
    fn gateway_conn_with_default_and_also() {
        let text = "config setup\n    logtime=yes\n\nconn %default\n    ikelifetime=1h\n\nconn base\n    authby=secret\n    ike=aes256-sha2_256;modp2048\n\nconn rw\n    also=base\n    left=10.99.2.2\n    leftid=@gateway.test\n    leftsubnet=10.99.100.0/24\n    right=%any\n    rightid=@client.test\n    rightaddresspool=10.99.200.1-10.99.200.14\n    esp=aes256-sha2_256\n";
        let mut set = ConfigSet::default();
        let file = set.add_file("ipsec.conf");
        read_conf(text, file, &mut NoIncludes, &mut set);
        assert!(set.notes.is_empty(), "{:?}", set.notes);
        let rw = set.peers.iter().find(|p| p.name == "rw").unwrap();
        assert_eq!(rw.local_auth[0].method.value, AuthMethod::Psk);
        assert_eq!(rw.local_auth[0].id.value.as_deref(), Some("gateway.test"));
        assert_eq!(rw.remote_auth[0].id.value.as_deref(), Some("client.test"));
        assert!(rw.responder_only());
        assert_eq!(
            rw.ike_proposals.value[0].charon(),
            "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048"
        );
        assert_eq!(rw.rekey_seconds.value, Some(3600));
        assert!(rw.children[0].pfs_from_ike);
        assert_eq!(rw.pools.value, vec!["10.99.200.1-10.99.200.14".to_owned()]);
    }

    #[test]
    fn secrets_with_ids_and_continuations() {
        let text = "@gw @client : PSK \"one two\"\n: PSK\n    \"any\"\n@gw : RSA {\n";
        let mut set = ConfigSet::default();
        let file = set.add_file("ipsec.secrets");
        read_secrets(text, file, &mut NoIncludes, &mut set);
        assert_eq!(set.secrets.len(), 3);
        assert_eq!(set.secrets[0].ids, vec!["gw", "client"]);
        assert_eq!(set.secrets[0].length, 7);
        assert_eq!(set.secrets[1].ids, Vec::<String>::new());
        assert_eq!(set.secrets[1].fingerprint, fingerprint(b"any"));
        assert_eq!(set.secrets[2].kind, SecretKind::Other);
    }
}
