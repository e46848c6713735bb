//! Libreswan's ipsec.conf (`config setup`, `conn` sections with `also=` and `%default`) and
//! ipsec.secrets (`ids : PSK "..."`) into the peer model, with Libreswan's defaults. `left`
//! is taken as this host unless `right` is `%defaultroute` or `left` is `%any` (Libreswan
//! decides by its interfaces, which a file does not show).
use crate::defaults;
use crate::model::{
    fingerprint, seconds, AuthMethod, AuthRound, ChildConfig, ConfigSet, IkeVersions,
    Implementation, Line, PeerConfig, Secret, SecretKind, Setting, TrafficSelector,
};
use crate::proposal::Proposal;
use crate::settings::{cut, strip_comment};

/// Files an `include` chain may nest.
const MAX_DEPTH: usize = 8;

/// One `conn` as written: its keys in order.
#[derive(Debug, Clone, Default)]
struct Conn {
    name: String,
    at: Option<Line>,
    values: Vec<(String, String, Line)>,
}

impl Conn {
    fn get(&self, key: &str) -> Option<(&str, Line)> {
        self.values
            .iter()
            .rev()
            .find(|(k, _, _)| k == key)
            .map(|(_, v, at)| (v.as_str(), *at))
    }
}

/// How `include` reaches other files (see [`crate::settings::Includes`]).
pub use crate::settings::Includes;

/// Reads one ipsec.conf (and what it includes) into `set`.
pub fn read_conf(text: &str, file: usize, includes: &mut dyn Includes, set: &mut ConfigSet) {
    let mut conns: Vec<Conn> = Vec::new();
    collect(text, file, includes, set, &mut conns, 0);
    let default = conns.iter().find(|c| c.name == "%default").cloned();
    for conn in conns.iter().filter(|c| c.name != "%default") {
        let mut values = default
            .as_ref()
            .map(|d| d.values.clone())
            .unwrap_or_default();
        expand_also(conn, &conns, &mut values, 0);
        let merged = Conn {
            name: conn.name.clone(),
            at: conn.at,
            values,
        };
        let left_is_local = !(merged.get("left").is_some_and(|(v, _)| v == "%any")
            || merged
                .get("right")
                .is_some_and(|(v, _)| v == "%defaultroute"));
        let reading = peer(&merged, file, set, left_is_local);
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
            let mut mirrored = peer(&merged, file, set, !left_is_local);
            mirrored.alternative = true;
            mirrored.name = format!(
                "{} (this host as {})",
                merged.name,
                if left_is_local { "right" } else { "left" }
            );
            set.peers.push(mirrored);
        }
    }
}

fn collect(
    text: &str,
    file: usize,
    includes: &mut dyn Includes,
    set: &mut ConfigSet,
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
                    if depth < MAX_DEPTH {
                        let found = includes.include(argument, file);
                        if found.is_empty() {
                            set.note(
                                file,
                                Some(at.line),
                                format!(
                                    "include `{}`: no such file here; not followed",
                                    cut(argument)
                                ),
                            );
                        }
                        for (child, child_text) in found {
                            collect(&child_text, child, includes, set, conns, depth + 1);
                        }
                    }
                }
                "config" | "version" => {}
                _ => set.note(
                    file,
                    Some(at.line),
                    format!("not a section: `{}`", cut(trimmed)),
                ),
            }
            continue;
        }
        let Some((key, value)) = trimmed.split_once('=') else {
            set.note(
                file,
                Some(at.line),
                format!("not a `key=value` line: `{}`", cut(trimmed)),
            );
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

/// `also=` pulls another conn's keys in before this conn's own (which win).
fn expand_also(conn: &Conn, all: &[Conn], out: &mut Vec<(String, String, Line)>, depth: usize) {
    for (k, v, _) in &conn.values {
        if k == "also" && depth < MAX_DEPTH {
            for name in v.split_whitespace() {
                if let Some(other) = all.iter().find(|c| c.name == name) {
                    expand_also(other, all, out, depth + 1);
                }
            }
        }
    }
    out.extend(conn.values.iter().filter(|(k, _, _)| k != "also").cloned());
}

fn unquote(v: &str) -> String {
    v.strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(v)
        .to_owned()
}

/// An identity as Libreswan writes it, as the other implementations compare it: `@fqdn` is
/// the FQDN, `%any`/`%fromcert` say the identity is open or the certificate's.
fn id_of(v: &str) -> Option<String> {
    let v = v.trim();
    match v {
        "%any" | "" => Some("%any".to_owned()),
        "%fromcert" => None,
        _ => Some(v.trim_start_matches('@').trim_start_matches('@').to_owned()),
    }
}

fn is_address(v: &str) -> bool {
    v.parse::<std::net::IpAddr>().is_ok()
}

fn peer(conn: &Conn, file: usize, set: &mut ConfigSet, left_is_local: bool) -> PeerConfig {
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
                v.split([',', ' '])
                    .filter(|s| !s.trim().is_empty())
                    .filter_map(TrafficSelector::parse)
                    .collect(),
                at,
            ),
            None => Setting::default_value(vec![TrafficSelector::Dynamic]),
        }
    };
    let proposals = |k: &str, protocol: &str, set: &mut ConfigSet| -> Setting<Vec<Proposal>> {
        match conn.get(k) {
            Some((v, at)) => {
                let mut out = Vec::new();
                for item in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    match Proposal::from_libreswan(protocol, item) {
                        Ok(p) => out.push(p),
                        Err(e) => {
                            set.note(at.file, Some(at.line), format!("proposal `{item}`: {e}"))
                        }
                    }
                }
                Setting::written(out, at)
            }
            None => Setting::default_value(if protocol == "IKE" {
                defaults::libreswan_ike()
            } else {
                defaults::libreswan_esp()
            }),
        }
    };
    let ike_proposals = proposals("ike", "IKE", set);
    let esp_key = if conn.get("esp").is_some() {
        "esp"
    } else {
        "phase2alg"
    };
    let esp_proposals = proposals(esp_key, "ESP", set);
    let pfs = conn.get("pfs").is_none_or(|(v, _)| v.trim() != "no");
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
        narrowing: conn
            .get("narrowing")
            .is_some_and(|(v, _)| v.trim() == "yes"),
        alternative: false,
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
        if let Some(pattern) = entry.strip_prefix("include ") {
            if depth < MAX_DEPTH {
                for (child, child_text) in includes.include(pattern.trim(), file) {
                    read_secrets_at(&child_text, child, includes, set, depth + 1);
                }
            }
            continue;
        }
        let Some((ids, rest)) = entry.split_once(':') else {
            set.note(file, Some(line), "not an `IDs : TYPE secret` entry");
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
        let secret = unquote(secret.trim());
        set.secrets.push(Secret {
            kind,
            ids: ids.split_whitespace().filter_map(id_of).collect(),
            fingerprint: fingerprint(&crate::swanctl::secret_bytes(&secret)),
            length: secret.chars().count(),
            at: Line { file, line },
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::NoIncludes;

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
