//! NetworkManager VPN connections of the strongSwan and Libreswan plugins, in the three forms
//! people have: the keyfile (`/etc/NetworkManager/system-connections/NAME.nmconnection`, its
//! `[vpn]` and `[vpn-secrets]` sections), `nmcli connection show NAME` (`vpn.data: k = v, ...`)
//! and the `nmcli connection add ... vpn.data 'k = v, ...'` command that made it.
//!
//! Each plugin is read the way its service uses the keys:
//! - strongSwan's `charon-nm` (strongSwan `src/charon-nm/nm/nm_service.c`): IKEv2 to `address`;
//!   `ike`/`esp` lists (`;`-separated) only with `proposal=yes`, else strongSwan's defaults;
//!   `method` `cert`/`key`/`agent`/`smartcard` (certificate), `eap-tls`, `eap`, `psk`; the local
//!   identity is `local-identity`, else `user` (EAP, PSK) or the certificate's subject; the
//!   gateway's is `remote-identity`, else its address (with certificates a loose match: any
//!   identity whose certificate holds the address); the gateway authenticates with a
//!   certificate unless `psk`; `virtual=yes` asks for an IPv4 and an IPv6 address; the remote
//!   selector is `remote-ts` or everything.
//! - NetworkManager-libreswan writes an ipsec.conf conn for pluto (its `nm_libreswan_config_write`,
//!   whose own test shows the lines it adds: `left=%defaultroute`, `leftmodecfgclient=yes`,
//!   `rightsubnet=0.0.0.0/0`, `authby=secret` unless `leftcert` (then RSA signatures both ways),
//!   `ikev2=never` unless set, lifetimes of 24h). The same conn is written here and read by the
//!   Libreswan reader; values keep the line of their key, what the plugin adds is a default.
//!
//! Secrets (`[vpn-secrets]` `password`, `pskvalue`) are kept as a fingerprint and length only.
use crate::defaults;
use crate::model::{
    fingerprint, AuthMethod, AuthRound, ChildConfig, ConfigSet, FrontEnd, IkeVersions,
    Implementation, Line, PeerConfig, Secret, SecretKind, Setting, TrafficSelector,
};
use crate::proposal::{parse_list, Proposal};
use crate::settings::NoIncludes;

const STRONGSWAN: &str = "org.freedesktop.NetworkManager.strongswan";
const LIBRESWAN: &str = "org.freedesktop.NetworkManager.libreswan";
/// Most `vpn.data` items read from one file (a connection has a few dozen).
const MAX_ITEMS: usize = 500;

/// Which plugin a connection is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plugin {
    StrongSwan,
    Libreswan,
}

/// Whether `text` is a NetworkManager connection of one of the two plugins.
pub fn looks_like(text: &str) -> bool {
    let head = &text[..crate::settings::floor_char_boundary(text, 256 << 10)];
    let vpn_section = head.lines().any(|l| l.trim() == "[vpn]");
    let vpn_data = head.contains("vpn.data");
    // `vpn.data` is NetworkManager's alone; its keys tell the plugin when nothing else does.
    (vpn_data && (head.contains("right") || head.contains("address")))
        || (vpn_section || vpn_data)
            && (head.contains(STRONGSWAN)
                || head.contains(LIBRESWAN)
                || head.contains("vpn-type strongswan")
                || head.contains("vpn-type libreswan")
                || (vpn_section && head.contains("service-type=org.freedesktop.NetworkM")))
}

/// One `key = value` of the connection and its line.
#[derive(Debug, Clone)]
struct Item {
    key: String,
    value: String,
    line: u32,
}

/// What a file says about one connection.
#[derive(Debug, Default)]
struct Connection {
    name: Option<(String, u32)>,
    plugin: Option<Plugin>,
    vpn_line: Option<u32>,
    data: Vec<Item>,
    secrets: Vec<Item>,
}

impl Connection {
    fn get(&self, key: &str) -> Option<&Item> {
        // The last of a key wins, as NetworkManager keeps one value per key.
        self.data.iter().rev().find(|i| i.key == key)
    }
}

fn line_number(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

/// `k = v, k = v` as nmcli prints and takes it; `\,` is a comma inside a value.
fn split_items(text: &str, line: u32, out: &mut Vec<Item>) {
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    let push = |item: &str, out: &mut Vec<Item>| {
        if let Some((k, v)) = item.split_once('=') {
            if !k.trim().is_empty() && out.len() < MAX_ITEMS {
                out.push(Item {
                    key: k.trim().to_owned(),
                    value: v.trim().to_owned(),
                    line,
                });
            }
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&',') => {
                current.push(',');
                chars.next();
            }
            ',' => {
                push(&current, out);
                current.clear();
            }
            _ => current.push(c),
        }
    }
    push(&current, out);
}

fn parse(text: &str) -> Connection {
    let mut c = Connection::default();
    let mut section = String::new();
    let mut in_vpn_data = false;
    for (i, raw) in text.lines().enumerate() {
        let line = line_number(i);
        let trimmed = raw.trim();
        if trimmed.starts_with('[') && trimmed.ends_with(']') {
            section = trimmed[1..trimmed.len() - 1].to_owned();
            if section == "vpn" {
                c.vpn_line = Some(line);
            }
            in_vpn_data = false;
            continue;
        }
        // nmcli show: `vpn.data:` then items, on the line or on indented lines after it.
        if let Some(rest) = trimmed.strip_prefix("vpn.data:") {
            in_vpn_data = true;
            c.vpn_line.get_or_insert(line);
            split_items(rest, line, &mut c.data);
            continue;
        }
        if in_vpn_data && raw.starts_with(char::is_whitespace) && trimmed.contains('=') {
            split_items(trimmed, line, &mut c.data);
            continue;
        }
        in_vpn_data = false;
        // nmcli add / modify: `vpn.data 'k = v, ...'` (also `+vpn.data`).
        if let Some(pos) = trimmed.find("vpn.data ") {
            let rest = trimmed[pos + "vpn.data ".len()..].trim_start();
            let quote = rest.chars().next().filter(|q| *q == '\'' || *q == '"');
            let body = match quote {
                Some(q) => rest[1..].split(q).next().unwrap_or_default(),
                None => rest.split_whitespace().next().unwrap_or_default(),
            };
            c.vpn_line.get_or_insert(line);
            split_items(body, line, &mut c.data);
        }
        for (marker, plugin) in [
            ("strongswan", Plugin::StrongSwan),
            ("libreswan", Plugin::Libreswan),
        ] {
            if trimmed.contains(&format!("org.freedesktop.NetworkManager.{marker}"))
                || trimmed.contains(&format!("vpn-type {marker}"))
            {
                c.plugin.get_or_insert(plugin);
            }
        }
        let name_of = |rest: &str| rest.trim().trim_matches(['\'', '"']).to_owned();
        if let Some(rest) = trimmed.strip_prefix("connection.id:") {
            c.name.get_or_insert((name_of(rest), line));
        } else if let Some(pos) = trimmed.find("connection.id ") {
            let rest = &trimmed[pos + "connection.id ".len()..];
            let name = match rest.chars().next() {
                Some(q @ ('\'' | '"')) => rest[1..].split(q).next().unwrap_or_default(),
                // A published command's placeholder (`<insert connection name>`) is one name.
                Some('<') => rest.split_inclusive('>').next().unwrap_or_default(),
                _ => rest.split_whitespace().next().unwrap_or_default(),
            };
            c.name.get_or_insert((name.to_owned(), line));
        }
        if let Some((k, v)) = trimmed.split_once('=') {
            let item = Item {
                key: k.trim().to_owned(),
                value: v.trim().to_owned(),
                line,
            };
            match section.as_str() {
                "connection" if item.key == "id" => {
                    c.name.get_or_insert((item.value, line));
                }
                "vpn" if item.key != "service-type" && c.data.len() < MAX_ITEMS => {
                    c.data.push(item)
                }
                "vpn-secrets" if c.secrets.len() < MAX_ITEMS => c.secrets.push(item),
                _ => {}
            }
        }
    }
    if c.plugin.is_none() {
        // A paste cut inside `service-type`: the keys tell the plugin.
        if c.get("address").is_some() || c.get("method").is_some() {
            c.plugin = Some(Plugin::StrongSwan);
        } else if c.get("right").is_some() {
            c.plugin = Some(Plugin::Libreswan);
        }
    }
    c
}

/// Reads one connection into `set`.
pub fn read(text: &str, file: usize, set: &mut ConfigSet) {
    let c = parse(text);
    let at = Line {
        file,
        line: c.vpn_line.unwrap_or(1),
    };
    let name = c
        .name
        .as_ref()
        .map(|(n, _)| n.chars().take(80).collect())
        .unwrap_or_else(|| "NetworkManager VPN".to_owned());
    match c.plugin {
        Some(Plugin::StrongSwan) => read_strongswan(&c, name, at, set),
        Some(Plugin::Libreswan) => read_libreswan(&c, name, at, set),
        None => set.note(
            file,
            None,
            "a NetworkManager VPN connection of neither the strongSwan nor the Libreswan plugin: not read",
        ),
    }
}

fn written<T>(value: T, item: Option<&Item>, file: usize) -> Setting<T> {
    match item {
        Some(i) => Setting::written(value, Line { file, line: i.line }),
        None => Setting::default_value(value),
    }
}

fn read_strongswan(c: &Connection, name: String, at: Line, set: &mut ConfigSet) {
    let file = at.file;
    let value = |key: &str| {
        c.get(key)
            .map(|i| i.value.as_str())
            .filter(|v| !v.is_empty())
    };
    let Some(address) = value("address") else {
        set.note(
            file,
            Some(at.line),
            "no `address`: charon-nm refuses the connection (\"Gateway address missing.\")",
        );
        return;
    };
    let proposal_on = value("proposal") == Some("yes");
    // charon-nm refuses the whole connection over one proposal it cannot parse ("Invalid IKE
    // proposal."): so is it here, with the reason, rather than compared without it.
    let proposals = |key: &str,
                     protocol: &str,
                     set: &mut ConfigSet|
     -> Option<Setting<Vec<Proposal>>> {
        match c.get(key).filter(|i| proposal_on && !i.value.is_empty()) {
            Some(item) => {
                let mut refused = None;
                let list = parse_list(
                    &item.value.replace(';', ","),
                    |p| Proposal::from_strongswan(protocol, p).map(|p| vec![p]),
                    |why| {
                        refused.get_or_insert(why);
                    },
                );
                if let Some(why) = refused {
                    set.note(
                            file,
                            Some(item.line),
                            format!("{why}: charon-nm refuses the connection (\"Invalid {protocol} proposal.\")"),
                        );
                    return None;
                }
                Some(Setting::written(
                    list,
                    Line {
                        file,
                        line: item.line,
                    },
                ))
            }
            None => Some(Setting::default_value(if protocol == "IKE" {
                defaults::strongswan_ike()
            } else {
                defaults::strongswan_esp()
            })),
        }
    };
    let Some(ike_proposals) = proposals("ike", "IKE", set) else {
        return;
    };
    let Some(esp_proposals) = proposals("esp", "ESP", set) else {
        return;
    };
    let method_item = c.get("method");
    let method_text = value("method").unwrap_or_default();
    let method = match method_text {
        "cert" | "key" | "agent" | "smartcard" => AuthMethod::PublicKey,
        "eap-tls" => AuthMethod::Eap(Some("tls".to_owned())),
        "eap" => AuthMethod::Eap(None),
        "psk" => AuthMethod::Psk,
        _ => {
            set.note(
                file,
                method_item.map(|i| i.line).or(Some(at.line)),
                "`method` is none of cert, key, agent, smartcard, eap-tls, eap, psk: charon-nm refuses the connection (\"Configuration parameters missing.\")",
            );
            return;
        }
    };
    let password = c.secrets.iter().rev().find(|s| s.key == "password");
    if let (AuthMethod::Psk, Some(p)) = (&method, password) {
        if p.value.len() < 20 {
            set.note(
                file,
                Some(p.line),
                format!(
                    "a pre-shared key of {} bytes: charon-nm refuses keys under 20 (\"Pre-shared key is too short.\")",
                    p.value.len()
                ),
            );
            return;
        }
    }
    let password_method = matches!(method_text, "eap" | "psk");
    let user = c.get("user").filter(|i| !i.value.is_empty());
    let local_id = match (c.get("local-identity"), user) {
        (Some(i), _) => written(Some(i.value.clone()), Some(i), file),
        (None, Some(u)) if password_method => written(Some(u.value.clone()), Some(u), file),
        // The certificate's subject.
        _ => Setting::default_value(None),
    };
    let local_round = AuthRound {
        method: written(method.clone(), method_item, file),
        id: local_id.clone(),
        eap_id: match (&method, user) {
            (AuthMethod::Eap(None), Some(u)) => Some(Setting::written(
                u.value.clone(),
                Line { file, line: u.line },
            )),
            _ => None,
        },
        certs: c
            .get("usercert")
            .map(|i| {
                vec![Setting::written(
                    i.value.clone(),
                    Line { file, line: i.line },
                )]
            })
            .unwrap_or_default(),
    };
    let remote_round = AuthRound {
        method: written(
            if method == AuthMethod::Psk {
                AuthMethod::Psk
            } else {
                AuthMethod::PublicKey
            },
            method_item,
            file,
        ),
        id: match c.get("remote-identity") {
            Some(i) => written(Some(i.value.clone()), Some(i), file),
            // With a PSK the gateway must present its address or host name.
            None if method == AuthMethod::Psk => Setting::default_value(Some(address.to_owned())),
            // With certificates charon-nm accepts any identity whose certificate holds the
            // address or host name (a loose identity): the certificate decides, not this file.
            None => Setting::default_value(None),
        },
        eap_id: None,
        certs: c
            .get("certificate")
            .map(|i| {
                vec![Setting::written(
                    i.value.clone(),
                    Line { file, line: i.line },
                )]
            })
            .unwrap_or_default(),
    };
    let remote_ts = match c.get("remote-ts").filter(|i| !i.value.is_empty()) {
        Some(i) => written(
            i.value
                .split(';')
                .filter(|s| !s.trim().is_empty())
                .map(TrafficSelector::parse_or_unknown)
                .collect(),
            Some(i),
            file,
        ),
        None => Setting::default_value(vec![
            TrafficSelector::parse_or_unknown("0.0.0.0/0"),
            TrafficSelector::parse_or_unknown("::/0"),
        ]),
    };
    let virtual_item = c.get("virtual");
    let vips = match virtual_item {
        Some(i) if i.value == "yes" => {
            written(vec!["0.0.0.0".to_owned(), "::".to_owned()], Some(i), file)
        }
        Some(i) => written(Vec::new(), Some(i), file),
        None => Setting::default_value(Vec::new()),
    };
    if method == AuthMethod::Psk {
        if let Some(secret) = password {
            set.secrets.push(Secret {
                kind: SecretKind::Ike,
                ids: local_id.value.iter().cloned().collect(),
                fingerprint: fingerprint(secret.value.as_bytes()),
                length: secret.value.len(),
                at: Line {
                    file,
                    line: secret.line,
                },
            });
        }
    }
    set.peers.push(PeerConfig {
        file,
        name: name.clone(),
        at,
        implementation: Implementation::StrongSwan,
        version: Setting::default_value(IkeVersions::V2),
        local_addrs: Setting::default_value(Vec::new()),
        remote_addrs: written(vec![address.to_owned()], c.get("address"), file),
        ike_proposals,
        local_auth: vec![local_round],
        remote_auth: vec![remote_round],
        children: vec![ChildConfig {
            name,
            at,
            local_ts: Setting::default_value(vec![TrafficSelector::Dynamic]),
            remote_ts,
            esp_proposals,
            pfs_from_ike: false,
            // charon-nm: CHILD_SA rekeyed after 2h50min, the IKE SA after 10h.
            rekey_seconds: Setting::default_value(Some(10_200)),
        }],
        vips,
        pools: Setting::default_value(Vec::new()),
        fragmentation: Setting::default_value("yes".to_owned()),
        dpd_delay_seconds: Setting::default_value(None),
        nat_keepalive_seconds: Setting::default_value(Some(20)),
        rekey_seconds: Setting::default_value(Some(36_000)),
        narrowing: true,
        alternative: false,
        rekey_randomized: Setting::default_value(true),
        front_end: Some(FrontEnd::NetworkManager),
        initiator_only: true,
        local_port: Setting::default_value(500),
        remote_port: nm_port(c, file),
        mobike: Setting::default_value(true),
    });
}

/// charon-nm's `server-port` (500 by default).
fn nm_port(c: &Connection, file: usize) -> Setting<u16> {
    match c
        .get("server-port")
        .and_then(|i| Some((crate::model::port(&i.value)?, i.line)))
    {
        Some((p, line)) => Setting::written(p, Line { file, line }),
        None => Setting::default_value(500),
    }
}

/// Keys NetworkManager-libreswan passes to pluto unchanged (its nm-settings-libreswan(5)).
const LIBRESWAN_KEYS: &[&str] = &[
    "right",
    "rightid",
    "rightrsasigkey",
    "rightcert",
    "rightca",
    "rightsubnet",
    "rightprotoport",
    "left",
    "leftid",
    "leftrsasigkey",
    "leftcert",
    "leftsubnet",
    "leftprotoport",
    "leftsendcert",
    "leftmodecfgclient",
    "authby",
    "ike",
    "esp",
    "phase2alg",
    "pfs",
    "ikelifetime",
    "salifetime",
    "ikev2",
    "narrowing",
    "rekey",
    "fragmentation",
    "mobike",
    "dpddelay",
    "dpdtimeout",
    "dpdaction",
];

fn read_libreswan(c: &Connection, name: String, at: Line, set: &mut ConfigSet) {
    let file = at.file;
    if c.get("right").is_none_or(|i| i.value.is_empty()) {
        set.note(
            file,
            Some(at.line),
            "no `right`: NetworkManager-libreswan refuses the connection (the gateway is required)",
        );
        return;
    }
    // The conn the plugin writes, one key per line; `origin[n]` is the line in the file that
    // line n+1 of the conn comes from (none for what the plugin adds).
    let mut conn = vec![format!("conn {}", sanitize(&name))];
    let mut origin: Vec<Option<u32>> = vec![Some(at.line)];
    let mut emit = |key: &str, value: &str, from: Option<u32>, conn: &mut Vec<String>| {
        conn.push(format!("  {key}={}", sanitize(value)));
        origin.push(from);
    };
    let mut written_keys: Vec<&str> = Vec::new();
    for key in LIBRESWAN_KEYS {
        if let Some(item) = c.get(key) {
            emit(key, &item.value, Some(item.line), &mut conn);
            written_keys.push(key);
        }
    }
    let has = |k: &str| written_keys.contains(&k);
    let ikev2 = c
        .get("ikev2")
        .is_some_and(|i| !matches!(i.value.as_str(), "no" | "never"));
    if !has("ikev2") {
        emit("ikev2", "never", None, &mut conn);
    }
    if !has("left") {
        emit("left", "%defaultroute", None, &mut conn);
    }
    if !has("leftmodecfgclient") {
        emit("leftmodecfgclient", "yes", None, &mut conn);
    }
    if !has("rightsubnet") {
        emit("rightsubnet", "0.0.0.0/0", None, &mut conn);
    }
    if has("leftcert") {
        if !has("leftrsasigkey") {
            emit("leftrsasigkey", "%cert", None, &mut conn);
        }
        if !has("rightrsasigkey") {
            emit("rightrsasigkey", "%cert", None, &mut conn);
        }
    } else if !has("authby") {
        emit("authby", "secret", None, &mut conn);
    }
    if !has("ikelifetime") {
        emit("ikelifetime", "24h", None, &mut conn);
    }
    if !has("salifetime") {
        emit("salifetime", "24h", None, &mut conn);
    }
    // IKEv1 aggressive mode (a `leftid`) forces these defaults (nm-settings-libreswan(5)).
    if !ikev2 && has("leftid") {
        if !has("ike") {
            emit("ike", "aes256-sha1;modp1536", None, &mut conn);
        }
        if !has("esp") {
            emit("esp", "aes256-sha1", None, &mut conn);
        }
    }
    let text = conn.join("\n") + "\n";
    let mut translated = ConfigSet::default();
    let inner = translated.add_file("conn");
    crate::libreswan::read_conf(&text, inner, &mut NoIncludes, &mut translated);
    let to_file = |l: Line| -> Option<Line> {
        let from = origin
            .get(usize::try_from(l.line).ok()?.checked_sub(1)?)
            .copied()??;
        Some(Line { file, line: from })
    };
    for mut peer in translated.peers {
        peer.map_lines(to_file);
        peer.front_end = Some(FrontEnd::NetworkManager);
        peer.file = file;
        peer.name = name.clone();
        set.peers.push(peer);
    }
    for note in translated.notes {
        let line = note
            .line
            .and_then(|l| to_file(Line { file, line: l }))
            .map(|l| l.line);
        set.note(file, line, note.message);
    }
    if !has("leftcert") {
        if let Some(secret) = c.secrets.iter().rev().find(|s| s.key == "pskvalue") {
            let ids = ["leftid", "rightid"]
                .iter()
                .filter_map(|k| c.get(k))
                .map(|i| i.value.trim_start_matches('@').to_owned())
                .collect();
            set.secrets.push(Secret {
                kind: SecretKind::Ike,
                ids,
                fingerprint: fingerprint(secret.value.as_bytes()),
                length: secret.value.len(),
                at: Line {
                    file,
                    line: secret.line,
                },
            });
        }
    }
}

/// A value as one ipsec.conf token: no line breaks, no comment start.
fn sanitize(value: &str) -> String {
    value
        .chars()
        .take(300)
        .map(|c| {
            if c == '\n' || c == '\r' || c == '#' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_one(text: &str) -> ConfigSet {
        assert!(looks_like(text), "{text}");
        let mut set = ConfigSet::default();
        let file = set.add_file("x");
        read(text, file, &mut set);
        set
    }

    const STRONGSWAN_KEYFILE: &str = include_str!(
        "../../../tests/fixtures/configs/published/networkmanager/hwdsl2-issue1497.nmconnection"
    );
    const STRONGSWAN_NMCLI_ADD: &str = include_str!(
        "../../../tests/fixtures/configs/published/networkmanager/hwdsl2-issue1007-nmcli-add.txt"
    );
    const LIBRESWAN_NMCLI_SHOW: &str =
        include_str!("../../../tests/fixtures/configs/published/networkmanager/libreswan-issue388-nmcli-show.txt");

    #[test]
    fn strongswan_keyfile_with_eap() {
        let set = read_one(STRONGSWAN_KEYFILE);
        assert!(set.notes.is_empty(), "{:?}", set.notes);
        let p = &set.peers[0];
        assert_eq!(p.implementation, Implementation::StrongSwan);
        assert_eq!(p.local_auth[0].method.value, AuthMethod::Eap(None));
        assert_eq!(
            p.local_auth[0].eap_id.as_ref().map(|e| e.value.as_str()),
            Some("<username>")
        );
        // proposal=no: strongSwan's defaults, cited as such.
        assert_eq!(p.ike_proposals.at, None);
        assert_eq!(p.vips.value.len(), 2);
        assert_eq!(p.children[0].remote_ts.value.len(), 2);
        // Password flags, not a PSK: no secret.
        assert!(set.secrets.is_empty());
    }

    #[test]
    fn strongswan_nmcli_add_with_proposals() {
        let set = read_one(STRONGSWAN_NMCLI_ADD);
        assert!(set.notes.is_empty(), "{:?}", set.notes);
        let p = &set.peers[0];
        assert_eq!(p.name, "<insert connection name>");
        assert_eq!(p.local_auth[0].method.value, AuthMethod::PublicKey);
        assert_eq!(
            p.children[0].esp_proposals.value[0].charon(),
            "ESP:AES_GCM_16_128"
        );
        assert_eq!(p.children[0].esp_proposals.at.map(|l| l.line), Some(1));
        assert_eq!(p.ike_proposals.at, None);
    }

    #[test]
    fn libreswan_nmcli_show_is_ikev1_aggressive_with_xauth() {
        let set = read_one(LIBRESWAN_NMCLI_SHOW);
        assert!(set.notes.is_empty(), "{:?}", set.notes);
        let p = &set.peers[0];
        assert_eq!(p.implementation, Implementation::Libreswan);
        assert_eq!(p.version.value, IkeVersions::V1);
        assert_eq!(p.version.at, None);
        assert_eq!(p.remote_addrs.value, vec!["0.0.0.0"]);
        assert_eq!(p.ike_proposals.value.len(), 2);
        let ike_line = p.ike_proposals.at.expect("written").line as usize;
        assert!(LIBRESWAN_NMCLI_SHOW
            .lines()
            .nth(ike_line - 1)
            .is_some_and(|l| l.trim_start().starts_with("ike =")));
        assert_eq!(p.local_auth[0].method.value, AuthMethod::Psk);
        assert!(!p.vips.value.is_empty());
    }

    #[test]
    fn libreswan_ikev2_certificate_keyfile() {
        let text = "[connection]\nid=office\ntype=vpn\n\n[vpn]\nikev2=insist\nleftcert=LibreswanClient\nleftid=%fromcert\nright=11.12.13.14\nrightid=@gw.example.org\nservice-type=org.freedesktop.NetworkManager.libreswan\n";
        let set = read_one(text);
        assert!(set.notes.is_empty(), "{:?}", set.notes);
        let p = &set.peers[0];
        assert_eq!(p.name, "office");
        assert_eq!(p.version.value, IkeVersions::V2);
        assert_eq!(p.version.at.map(|l| l.line), Some(6));
        assert_eq!(p.local_auth[0].method.value, AuthMethod::PublicKey);
        assert_eq!(p.remote_auth[0].id.value.as_deref(), Some("gw.example.org"));
        assert_eq!(p.remote_auth[0].id.at.map(|l| l.line), Some(10));
        assert_eq!(p.children[0].remote_ts.at, None);
        assert_eq!(p.ike_proposals.at, None);
    }

    #[test]
    fn strongswan_psk_secret_and_refusals() {
        let text = "[connection]\nid=psk\n[vpn]\naddress=192.0.2.1\nmethod=psk\nuser=alice\nservice-type=org.freedesktop.NetworkManager.strongswan\n[vpn-secrets]\npassword=0123456789abcdefghijkl\n";
        let set = read_one(text);
        assert_eq!(set.secrets.len(), 1);
        assert_eq!(set.secrets[0].length, 22);
        assert_eq!(set.secrets[0].ids, vec!["alice"]);
        let set =
            read_one("[vpn]\nmethod=psk\nservice-type=org.freedesktop.NetworkManager.strongswan\n");
        assert!(set.peers.is_empty());
        assert!(set.notes[0].message.contains("Gateway address missing"));
        // What charon-nm refuses is not compared: a short key, an unknown method, a proposal.
        for (text, why) in [
            ("[vpn]\naddress=192.0.2.1\nmethod=psk\nservice-type=org.freedesktop.NetworkManager.strongswan\n[vpn-secrets]\npassword=short\n", "Pre-shared key is too short"),
            ("[vpn]\naddress=192.0.2.1\nmethod=magic\nservice-type=org.freedesktop.NetworkManager.strongswan\n", "Configuration parameters missing"),
            ("[vpn]\naddress=192.0.2.1\nmethod=eap\nproposal=yes\nike=aes256-sha3-modp2048\nservice-type=org.freedesktop.NetworkManager.strongswan\n", "Invalid IKE proposal"),
        ] {
            let set = read_one(text);
            assert!(set.peers.is_empty(), "{text}");
            assert!(set.notes.iter().any(|n| n.message.contains(why)), "{:?}", set.notes);
        }
    }
}
