//! The strongSwan Android app's `.sswan` profiles (JSON: `uuid`, `name`, `type`, `remote`,
//! `local`, `ike-proposal`, `esp-proposal`, `split-tunneling`, `nat-keepalive`, as the app's
//! VpnProfileImportActivity reads them) into the peer model. The app is charon: what a profile
//! leaves out takes strongSwan's defaults; it always asks for a virtual IP. Passwords are never
//! in a profile; embedded certificates and PKCS#12 files are not read.
use serde_json::Value;

use crate::defaults;
use crate::model::{
    AuthMethod, AuthRound, ChildConfig, ConfigSet, IkeVersions, Implementation, Line, PeerConfig,
    Setting, TrafficSelector,
};
use crate::proposal::{parse_list, Proposal};

/// Whether `text` is a `.sswan` profile (a JSON object with the app's keys).
pub fn looks_like(text: &str) -> bool {
    let head = text.trim_start();
    head.starts_with('{')
        && head.contains("\"uuid\"")
        && head.contains("\"remote\"")
        && head.contains("\"ikev2")
}

/// Line of the first occurrence of `"key"` in the text, for citations (JSON carries none).
fn line_of(text: &str, file: usize, key: &str) -> Option<Line> {
    let needle = format!("\"{key}\"");
    text.lines()
        .position(|l| l.contains(&needle))
        .map(|i| Line {
            file,
            line: u32::try_from(i + 1).unwrap_or(u32::MAX),
        })
}

/// Reads one profile into `set`; a profile that is not valid JSON is noted.
pub fn read(text: &str, file: usize, set: &mut ConfigSet) {
    let profile: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            set.note(
                file,
                Some(u32::try_from(e.line()).unwrap_or(0)),
                "not valid JSON; the profile is not read",
            );
            return;
        }
    };
    let at = |key: &str| line_of(text, file, key);
    let str_of = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    let kind = str_of(&profile, "type").unwrap_or_default();
    let remote = profile.get("remote").cloned().unwrap_or(Value::Null);
    let local = profile.get("local").cloned().unwrap_or(Value::Null);
    let gateway = str_of(&remote, "addr").unwrap_or_default();
    let name = str_of(&profile, "name").unwrap_or_else(|| gateway.clone());
    let start = at("uuid").unwrap_or(Line { file, line: 1 });
    let proposals = |key: &str, protocol: &str, set: &mut ConfigSet| -> Setting<Vec<Proposal>> {
        match (profile.get(key).and_then(Value::as_str), at(key)) {
            (Some(text), Some(line)) if !text.trim().is_empty() => Setting::written(
                parse_list(
                    text,
                    |item| Proposal::from_strongswan(protocol, item).map(|p| vec![p]),
                    |why| set.note(file, Some(line.line), why),
                ),
                line,
            ),
            _ => Setting::default_value(if protocol == "IKE" {
                defaults::strongswan_ike()
            } else {
                defaults::strongswan_esp()
            }),
        }
    };
    let ike_proposals = proposals("ike-proposal", "IKE", set);
    let esp_proposals = proposals("esp-proposal", "ESP", set);
    // The app's types: ikev2-eap, ikev2-cert, ikev2-cert-eap, ikev2-eap-tls, ikev2-byod-eap.
    let eap = kind.contains("eap");
    let method = if kind == "ikev2-eap-tls" {
        AuthMethod::Eap(Some("tls".into()))
    } else if kind.contains("cert") {
        AuthMethod::PublicKey
    } else if eap {
        AuthMethod::Eap(None)
    } else {
        AuthMethod::Other(kind.clone())
    };
    let eap_id = eap.then(|| str_of(&local, "eap_id")).flatten();
    let local_id = str_of(&local, "id").or_else(|| eap_id.clone());
    let local_round = AuthRound {
        method: Setting::written(method, at("type").unwrap_or(start)),
        id: match local_id {
            // JSON has no line per value: the `local` object's line is cited.
            Some(id) => Setting::written(Some(id), at("local").unwrap_or(start)),
            None => Setting::default_value(None),
        },
        eap_id: eap_id.map(|id| Setting::written(id, at("local").unwrap_or(start))),
        certs: Vec::new(),
    };
    // The gateway proves itself with a certificate; its identity defaults to its address.
    let remote_round = AuthRound {
        method: Setting::default_value(AuthMethod::PublicKey),
        id: match str_of(&remote, "id") {
            Some(id) => Setting::written(Some(id), at("remote").unwrap_or(start)),
            None => Setting::default_value(Some(gateway.clone())),
        },
        eap_id: None,
        certs: Vec::new(),
    };
    let split = profile.get("split-tunneling");
    let subnets: Vec<TrafficSelector> = match split.and_then(|s| s.get("subnets")) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(|s| TrafficSelector::parse_or_unknown(&s.replace(' ', "")))
            .collect(),
        Some(Value::String(list)) => list
            .split_whitespace()
            .map(TrafficSelector::parse_or_unknown)
            .collect(),
        _ => Vec::new(),
    };
    let remote_ts = if subnets.is_empty() {
        Setting::default_value(vec![
            TrafficSelector::parse_or_unknown("0.0.0.0/0"),
            TrafficSelector::parse_or_unknown("::/0"),
        ])
    } else {
        Setting::written(subnets, at("subnets").unwrap_or(start))
    };
    let keepalive = profile
        .get("nat-keepalive")
        .and_then(Value::as_u64)
        .filter(|s| (10..=120).contains(s));
    set.peers.push(PeerConfig {
        file,
        name,
        at: start,
        implementation: Implementation::StrongSwan,
        version: Setting::default_value(IkeVersions::V2),
        local_addrs: Setting::default_value(Vec::new()),
        remote_addrs: Setting::written(vec![gateway], at("addr").unwrap_or(start)),
        ike_proposals,
        local_auth: vec![local_round],
        remote_auth: vec![remote_round],
        children: vec![ChildConfig {
            name: "android".into(),
            at: start,
            local_ts: Setting::default_value(vec![TrafficSelector::Dynamic]),
            remote_ts,
            esp_proposals,
            pfs_from_ike: false,
            rekey_seconds: Setting::default_value(None),
        }],
        // The app always asks for a virtual IP (IPv4 and IPv6).
        vips: Setting::default_value(vec!["0.0.0.0".into(), "::".into()]),
        pools: Setting::default_value(Vec::new()),
        fragmentation: Setting::default_value("yes".into()),
        dpd_delay_seconds: Setting::default_value(None),
        nat_keepalive_seconds: match keepalive {
            Some(s) => Setting::written(Some(s), at("nat-keepalive").unwrap_or(start)),
            None => Setting::default_value(Some(20)),
        },
        rekey_seconds: Setting::default_value(None),
        narrowing: true,
        alternative: false,
        rekey_randomized: Setting::default_value(true),
        front_end: None,
        initiator_only: true,
        local_port: Setting::default_value(500),
        remote_port: sswan_port(&remote, text, file),
        mobike: Setting::default_value(true),
    });
}

/// The profile's `remote.port` (the app's default is 500).
fn sswan_port(remote: &Value, text: &str, file: usize) -> Setting<u16> {
    match remote
        .get("port")
        .and_then(Value::as_u64)
        .and_then(|p| u16::try_from(p).ok())
    {
        Some(p) if p > 0 => match line_of(text, file, "port") {
            Some(at) => Setting::written(p, at),
            None => Setting::default_value(p),
        },
        _ => Setting::default_value(500),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROFILE: &str = r#"{
  "uuid": "d8d2e1a6-1c6c-4f3b-9c7a-3e0d5b1f2a11",
  "name": "Office",
  "type": "ikev2-eap",
  "remote": {
    "addr": "vpn.example.org",
    "id": "vpn.example.org"
  },
  "local": {
    "eap_id": "alice"
  },
  "ike-proposal": "aes256-sha256-ecp256",
  "esp-proposal": "aes256gcm16",
  "nat-keepalive": 45,
  "split-tunneling": {
    "subnets": ["10.0.0.0/8", "192.168.1.1 - 192.168.1.10"]
  }
}"#;

    #[test]
    fn a_profile_with_eap_and_split_tunneling() {
        assert!(looks_like(PROFILE));
        let mut set = ConfigSet::default();
        let file = set.add_file("office.sswan");
        read(PROFILE, file, &mut set);
        assert!(set.notes.is_empty(), "{:?}", set.notes);
        let p = &set.peers[0];
        assert_eq!(p.remote_addrs.value, vec!["vpn.example.org"]);
        assert!(!p.responder_only());
        assert_eq!(p.local_auth[0].method.value, AuthMethod::Eap(None));
        assert_eq!(p.local_auth[0].id.value.as_deref(), Some("alice"));
        assert_eq!(
            p.ike_proposals.value[0].charon(),
            "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256"
        );
        assert_eq!(p.ike_proposals.at.map(|l| l.line), Some(12));
        assert_eq!(p.children[0].remote_ts.value.len(), 2);
        assert_eq!(
            p.children[0].remote_ts.value[1].describe(),
            "192.168.1.1-192.168.1.10"
        );
        assert_eq!(p.nat_keepalive_seconds.value, Some(45));
        assert!(!p.vips.value.is_empty());
    }

    #[test]
    fn broken_json_is_noted() {
        let mut set = ConfigSet::default();
        let file = set.add_file("x.sswan");
        read(
            "{\"uuid\": \"x\", \"remote\": {\"addr\": \"ikev2",
            file,
            &mut set,
        );
        assert!(set.peers.is_empty());
        assert_eq!(set.notes.len(), 1);
    }
}
