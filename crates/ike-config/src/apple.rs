//! Apple configuration profiles (`.mobileconfig`): the `com.apple.vpn.managed` payloads whose
//! `VPNType` is `IKEv2`, read with the `plist` crate into the peer model. A signed profile is
//! a CMS (PKCS#7) envelope around the same XML: the XML is taken out of it as it stands (the
//! signature is not verified, which the reading does not need). Binary property lists are not
//! read (`plutil -convert xml1` makes one XML).
//!
//! What the keys mean and their defaults are Apple's, from its device-management reference
//! (github.com/apple/device-management, `mdm/profiles/com.apple.vpn.managed.yaml`): one IKE
//! proposal and one CHILD_SA proposal are sent, each from its dictionary (AES-256, SHA2-256,
//! group 14 when left out); the child takes the IKE dictionary's values when it has none of its
//! own; a rekey offers the child's group only with `EnablePFS`; `AuthenticationMethod` `None`
//! with `ExtendedAuthEnabled` is EAP only, and `None` alone falls back to `SharedSecret`.
//! The shared secret is kept as a fingerprint and a length only; EAP passwords (`AuthPassword`)
//! are not read. A payload with a value Apple does not document is not compared (a note says
//! which).
use plist::{Dictionary, Value};

use crate::model::{
    fingerprint, AuthMethod, AuthRound, ChildConfig, ConfigSet, FrontEnd, IkeVersions,
    Implementation, Line, PeerConfig, Secret, SecretKind, Setting, TrafficSelector,
};
use crate::proposal::{group_keyword_of_number, Proposal};
use crate::settings::clip;

/// Deepest nesting of dictionaries and arrays read: profiles nest four or five levels; a
/// property-list value is dropped recursively, so a hostile file's nesting must not reach it.
const MAX_DEPTH: usize = 32;
/// Most VPN payloads read from one profile.
const MAX_PAYLOADS: usize = 64;

/// Whether `bytes` are a configuration profile with a VPN payload (signed or not).
pub fn looks_like(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(256 << 10)];
    find(head, b"<plist").is_some() && find(head, b"com.apple.vpn.managed").is_some()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// The XML document inside `bytes`: the whole file, or what a CMS signature wraps.
fn xml_of(bytes: &[u8]) -> Option<(&[u8], bool)> {
    let start = [&b"<?xml"[..], b"<!DOCTYPE plist", b"<plist"]
        .iter()
        .filter_map(|marker| find(bytes, marker))
        .min()?;
    let end = memchr::memmem::rfind(bytes, b"</plist>")? + b"</plist>".len();
    let signed = bytes[..start].iter().any(|b| !b.is_ascii_whitespace());
    (start < end).then(|| (&bytes[start..end], signed))
}

/// Deepest nesting of `dict` and `array` elements in `xml`, counted on the tags' names (XML
/// allows `<array >` and attributes), empty elements (`<array/>`) not counted.
fn depth_of(xml: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut at = 0;
    while let Some(i) = memchr::memchr(b'<', &xml[at..]) {
        let tag = &xml[at + i + 1..];
        let end = memchr::memchr(b'>', tag).unwrap_or(tag.len());
        let (closing, name_start) = match tag.first() {
            Some(b'/') => (true, 1),
            _ => (false, 0),
        };
        let name_end = tag[name_start..end]
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'/')
            .map_or(end, |p| name_start + p);
        let name = &tag[name_start..name_end];
        if name == b"dict" || name == b"array" {
            if closing {
                depth = depth.saturating_sub(1);
            } else if !tag[..end].ends_with(b"/") {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
        at += i + 1;
    }
    deepest
}

/// `xml` with the contents of every `<data>` element left out (its line breaks kept, so lines
/// still count the same): certificates and PKCS#12 files are not read here, and published
/// profiles often shorten them to text that is not base64.
fn without_data(xml: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(start) = find(rest, b"<data>") {
        let open_end = start + b"<data>".len();
        out.extend_from_slice(&rest[..open_end]);
        let Some(len) = find(&rest[open_end..], b"</data>") else {
            rest = &rest[open_end..];
            break;
        };
        out.extend(
            rest[open_end..open_end + len]
                .iter()
                .filter(|b| **b == b'\n'),
        );
        rest = &rest[open_end + len..];
    }
    out.extend_from_slice(rest);
    out
}

/// Every `<key>` outside comments, in document order, with its 1-based line: property lists
/// carry no positions, so a value is cited at the line of its key.
struct KeyLines {
    keys: Vec<(String, u32)>,
}

impl KeyLines {
    fn new(xml: &str) -> KeyLines {
        let mut keys = Vec::new();
        let mut line = 1u32;
        let mut rest = xml;
        while let Some(i) = rest.find('<') {
            line += count_lines(&rest[..i]);
            rest = &rest[i..];
            if let Some(after) = rest.strip_prefix("<!--") {
                let end = after.find("-->").map_or(after.len(), |e| e + 3);
                line += count_lines(&after[..end]);
                rest = &after[end..];
            } else if let Some(after) = rest.strip_prefix("<key>") {
                let end = after.find("</key>").unwrap_or(after.len());
                keys.push((after[..end].trim().to_owned(), line));
                line += count_lines(&after[..end]);
                rest = &after[end..];
            } else {
                rest = &rest[1..];
            }
        }
        KeyLines { keys }
    }

    /// Index and line of the first key `name` at or after index `from` and before `until`.
    fn after(&self, from: usize, until: usize, name: &str) -> Option<(usize, u32)> {
        self.keys
            .iter()
            .enumerate()
            .take(until)
            .skip(from)
            .find(|(_, (k, _))| k == name)
            .map(|(i, (_, line))| (i, *line))
    }
}

fn count_lines(text: &str) -> u32 {
    u32::try_from(memchr::memchr_iter(b'\n', text.as_bytes()).count()).unwrap_or(u32::MAX)
}

/// Reads the IKEv2 VPN payloads of a profile into `set`.
pub fn read(bytes: &[u8], file: usize, set: &mut ConfigSet) {
    if bytes.starts_with(b"bplist") {
        set.note(
            file,
            None,
            "a binary property list: not read (convert it with `plutil -convert xml1`)",
        );
        return;
    }
    let Some((xml, signed)) = xml_of(bytes) else {
        set.note(
            file,
            None,
            "no XML property list found; the profile is not read",
        );
        return;
    };
    if depth_of(xml) > MAX_DEPTH {
        set.note(
            file,
            None,
            format!("dictionaries nested deeper than {MAX_DEPTH}: not a profile; not read"),
        );
        return;
    }
    let xml = without_data(xml);
    let xml = xml.as_slice();
    let root = match Value::from_reader_xml(std::io::Cursor::new(xml)) {
        Ok(v) => v,
        Err(e) => {
            set.note(
                file,
                None,
                format!("not a valid property list ({e}); the profile is not read"),
            );
            return;
        }
    };
    if signed {
        set.note(
            file,
            None,
            "a signed profile: its XML is read, the signature is not checked; lines are counted in the XML",
        );
    }
    let text = String::from_utf8_lossy(xml);
    let lines = KeyLines::new(&text);
    let payloads: Vec<&Dictionary> = match root.as_dictionary() {
        Some(top) => match top.get("PayloadContent").and_then(Value::as_array) {
            Some(items) => items.iter().filter_map(Value::as_dictionary).collect(),
            // A payload given alone, outside a profile.
            None => vec![top],
        },
        None => Vec::new(),
    };
    // The n-th `IKEv2` key of the document belongs to the n-th VPN payload with one.
    let ikev2_keys: Vec<usize> = lines
        .keys
        .iter()
        .enumerate()
        .filter(|(_, (k, _))| k == "IKEv2")
        .map(|(i, _)| i)
        .collect();
    let mut seen = 0usize;
    for payload in payloads.into_iter().take(MAX_PAYLOADS) {
        let vpn_type = payload.get("VPNType").and_then(Value::as_string);
        let is_vpn = payload
            .get("PayloadType")
            .and_then(Value::as_string)
            .is_some_and(|t| t.starts_with("com.apple.vpn.managed"));
        let Some(ikev2) = payload.get("IKEv2").and_then(Value::as_dictionary) else {
            if is_vpn && vpn_type.is_some_and(|t| t != "IKEv2") {
                set.note(
                    file,
                    None,
                    format!(
                        "a VPN payload of type {}: not IKEv2, not read",
                        vpn_type
                            .unwrap_or_default()
                            .chars()
                            .take(20)
                            .collect::<String>()
                    ),
                );
            }
            continue;
        };
        let from = ikev2_keys.get(seen).copied().unwrap_or(0);
        let until = ikev2_keys
            .get(seen + 1)
            .copied()
            .unwrap_or(lines.keys.len());
        seen += 1;
        let name = payload
            .get("UserDefinedName")
            .and_then(Value::as_string)
            .unwrap_or("IKEv2")
            .to_owned();
        let payload_line = Line {
            file,
            line: lines.keys.get(from).map_or(1, |(_, l)| *l),
        };
        let reading = Reading {
            lines: &lines,
            from,
            until,
            file,
        };
        let Some(peer) = reading.peer(ikev2, name, payload_line, set) else {
            continue;
        };
        set.peers.push(peer);
        if let Some(secret) = reading.secret(ikev2) {
            set.secrets.push(secret);
        }
    }
    if seen == 0 {
        set.note(file, None, "no IKEv2 VPN payload in the profile");
    }
}

/// One IKEv2 dictionary being read: where its keys are in the document.
struct Reading<'a> {
    lines: &'a KeyLines,
    from: usize,
    until: usize,
    file: usize,
}

impl Reading<'_> {
    fn line(&self, key: &str) -> Option<Line> {
        self.lines
            .after(self.from, self.until, key)
            .map(|(_, line)| Line {
                file: self.file,
                line,
            })
    }

    /// The line of `key` inside the sub-dictionary `section`.
    fn line_in(&self, section: &str, key: &str) -> Option<Line> {
        let (start, _) = self.lines.after(self.from, self.until, section)?;
        self.lines
            .after(start + 1, self.until, key)
            .map(|(_, line)| Line {
                file: self.file,
                line,
            })
    }

    fn secret(&self, ikev2: &Dictionary) -> Option<Secret> {
        let method = ikev2.get("AuthenticationMethod").and_then(Value::as_string);
        let psk = ikev2.get("SharedSecret").and_then(Value::as_string)?;
        if method == Some("Certificate") {
            return None;
        }
        let ids = [ikev2.get("LocalIdentifier"), ikev2.get("RemoteIdentifier")]
            .into_iter()
            .flatten()
            .filter_map(Value::as_string)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        Some(Secret {
            kind: SecretKind::Ike,
            ids,
            fingerprint: fingerprint(psk.as_bytes()),
            length: psk.len(),
            at: self.line("SharedSecret").unwrap_or(Line {
                file: self.file,
                line: 1,
            }),
        })
    }

    fn peer(
        &self,
        ikev2: &Dictionary,
        name: String,
        at: Line,
        set: &mut ConfigSet,
    ) -> Option<PeerConfig> {
        let string = |key: &str| ikev2.get(key).and_then(Value::as_string);
        let integer = |key: &str| ikev2.get(key).and_then(integer_of);
        let remote = string("RemoteAddress").unwrap_or_default().to_owned();
        let eap = integer("ExtendedAuthEnabled") == Some(1);
        let method = string("AuthenticationMethod").unwrap_or("None");
        // Apple: `None` with EAP is EAP only; `None` alone is a shared secret.
        let (local_method, remote_method) = match (method, eap) {
            ("Certificate", false) => (AuthMethod::PublicKey, AuthMethod::PublicKey),
            ("Certificate", true) | ("None", true) => {
                (AuthMethod::Eap(None), AuthMethod::PublicKey)
            }
            ("SharedSecret", true) => (AuthMethod::Eap(None), AuthMethod::Psk),
            ("SharedSecret" | "None", false) => (AuthMethod::Psk, AuthMethod::Psk),
            (other, _) => {
                set.note(
                    self.file,
                    self.line("AuthenticationMethod").map(|l| l.line),
                    format!(
                        "AuthenticationMethod `{}` is none of None, SharedSecret, Certificate",
                        clip(other, 30)
                    ),
                );
                (
                    AuthMethod::Other(other.chars().take(30).collect()),
                    AuthMethod::PublicKey,
                )
            }
        };
        let method_at = self.line("AuthenticationMethod");
        let written = |value: AuthMethod, line: Option<Line>| match line {
            Some(l) => Setting::written(value, l),
            None => Setting::default_value(value),
        };
        let id_of = |key: &str| match (string(key), self.line(key)) {
            // An empty LocalIdentifier: the client's address is sent.
            (Some(id), Some(l)) if !id.is_empty() => Setting::written(Some(id.to_owned()), l),
            _ => Setting::default_value(None),
        };
        let local_round = AuthRound {
            method: written(
                local_method.clone(),
                method_at.or(self.line("ExtendedAuthEnabled")),
            ),
            id: id_of("LocalIdentifier"),
            eap_id: match (eap, string("AuthName"), self.line("AuthName")) {
                (true, Some(user), Some(l)) if !user.is_empty() => {
                    Some(Setting::written(user.to_owned(), l))
                }
                _ => None,
            },
            certs: Vec::new(),
        };
        let remote_round = AuthRound {
            method: written(remote_method, method_at),
            id: match id_of("RemoteIdentifier") {
                Setting { value: None, .. } => Setting::default_value(Some(remote.clone())),
                id => id,
            },
            eap_id: None,
            certs: Vec::new(),
        };
        let ike_dict = ikev2
            .get("IKESecurityAssociationParameters")
            .and_then(Value::as_dictionary);
        let child_dict = ikev2
            .get("ChildSecurityAssociationParameters")
            .and_then(Value::as_dictionary);
        let ike = self.proposal(ike_dict, "IKESecurityAssociationParameters", "IKE", true);
        let pfs = integer("EnablePFS") == Some(1);
        // The child takes the IKE dictionary's values when it has none of its own.
        let (child_source, child_key) = match child_dict {
            Some(d) => (Some(d), "ChildSecurityAssociationParameters"),
            None => (ike_dict, "IKESecurityAssociationParameters"),
        };
        let esp = self.proposal(child_source, child_key, "ESP", pfs);
        let ((ike, ike_at), (esp, esp_at)) = match (ike, esp) {
            (Ok(ike), Ok(esp)) => (ike, esp),
            (Err((at, why)), _) | (_, Err((at, why))) => {
                set.note(
                    self.file,
                    at.map(|l| l.line),
                    format!("{why}: the payload `{name}` is not compared"),
                );
                return None;
            }
        };
        let lifetime = |dict: Option<&Dictionary>, section: &str| -> Setting<Option<u64>> {
            match (
                dict.and_then(|d| d.get("LifeTimeInMinutes"))
                    .and_then(integer_of),
                self.line_in(section, "LifeTimeInMinutes"),
            ) {
                (Some(m), Some(l)) => Setting::written(Some(m.saturating_mul(60)), l),
                _ => Setting::default_value(Some(1440 * 60)),
            }
        };
        let dpd = match (
            string("DeadPeerDetectionRate"),
            self.line("DeadPeerDetectionRate"),
        ) {
            (Some(rate), Some(l)) => Setting::written(
                match rate {
                    "None" => None,
                    "Low" => Some(1800),
                    "High" => Some(60),
                    _ => Some(600),
                },
                l,
            ),
            _ => Setting::default_value(Some(600)),
        };
        let keepalive = match (
            integer("NATKeepAliveInterval"),
            self.line("NATKeepAliveInterval"),
        ) {
            (Some(s), Some(l)) => Setting::written(Some(s.max(20)), l),
            _ => Setting::default_value(Some(20)),
        };
        Some(PeerConfig {
            file: self.file,
            name: name.clone(),
            at,
            implementation: Implementation::Apple,
            version: Setting::default_value(IkeVersions::V2),
            local_addrs: Setting::default_value(Vec::new()),
            remote_addrs: match self.line("RemoteAddress") {
                Some(l) if !remote.is_empty() => Setting::written(vec![remote.clone()], l),
                _ => Setting::default_value(Vec::new()),
            },
            ike_proposals: at_or_default(vec![ike], ike_at),
            local_auth: vec![local_round],
            remote_auth: vec![remote_round],
            children: vec![ChildConfig {
                name,
                at,
                local_ts: Setting::default_value(vec![TrafficSelector::Dynamic]),
                // The client asks for everything and takes what the gateway narrows it to.
                remote_ts: Setting::default_value(vec![TrafficSelector::parse_or_unknown(
                    "0.0.0.0/0",
                )]),
                esp_proposals: at_or_default(vec![esp], esp_at),
                pfs_from_ike: false,
                rekey_seconds: lifetime(child_source, child_key),
            }],
            vips: Setting::default_value(vec!["0.0.0.0".to_owned()]),
            pools: Setting::default_value(Vec::new()),
            fragmentation: Setting::default_value("yes".to_owned()),
            dpd_delay_seconds: dpd,
            nat_keepalive_seconds: keepalive,
            rekey_seconds: lifetime(ike_dict, "IKESecurityAssociationParameters"),
            narrowing: true,
            alternative: false,
            rekey_randomized: Setting::default_value(true),
            front_end: Some(FrontEnd::AppleProfile),
            initiator_only: true,
            local_port: Setting::default_value(500),
            remote_port: Setting::default_value(500),
            mobike: apple_mobike(ikev2, self),
        })
    }

    /// The one proposal a security-association dictionary makes, in strongSwan's keywords;
    /// with `with_group` false (a CHILD_SA without PFS) no DH group. A value Apple does not
    /// document is `Err` with the note to make: the payload is then not compared (iOS refuses
    /// such a profile; guessing a value would make a definite match or mismatch of it).
    fn proposal(
        &self,
        dict: Option<&Dictionary>,
        section: &str,
        protocol: &str,
        with_group: bool,
    ) -> Result<(Proposal, Option<Line>), (Option<Line>, String)> {
        let get = |key: &str| dict.and_then(|d| d.get(key));
        let unknown = |key: &str, value: String| {
            (
                self.line_in(section, key),
                format!("{section}.{key} `{value}` is not a value Apple documents"),
            )
        };
        let encryption = get("EncryptionAlgorithm")
            .map(|v| v.as_string().unwrap_or("?"))
            .unwrap_or("AES-256");
        let encryption_keyword = match encryption {
            "DES" => "des",
            "3DES" => "3des",
            "AES-128" => "aes128",
            "AES-256" => "aes256",
            "AES-128-GCM" => "aes128gcm16",
            "AES-256-GCM" => "aes256gcm16",
            "ChaCha20Poly1305" => "chacha20poly1305",
            other => return Err(unknown("EncryptionAlgorithm", clip(other, 30))),
        };
        let integrity = get("IntegrityAlgorithm")
            .map(|v| v.as_string().unwrap_or("?"))
            .unwrap_or("SHA2-256");
        let hash = match integrity {
            "SHA1-96" => "sha1",
            "SHA1-160" => "sha1_160",
            "SHA2-256" => "sha256",
            "SHA2-384" => "sha384",
            "SHA2-512" => "sha512",
            other => return Err(unknown("IntegrityAlgorithm", clip(other, 30))),
        };
        let aead = encryption_keyword.contains("gcm") || encryption_keyword.starts_with("chacha");
        let mut keywords = vec![encryption_keyword.to_owned()];
        match (protocol, aead) {
            // An AEAD IKE SA still needs a PRF: Apple takes it from the integrity algorithm.
            ("IKE", true) => keywords.push(format!("prf{}", hash.trim_end_matches("_160"))),
            (_, true) => {}
            _ => keywords.push(hash.to_owned()),
        }
        if with_group {
            let number = match get("DiffieHellmanGroup") {
                Some(v) => integer_of(v).map_or_else(|| "?".to_owned(), |n| n.to_string()),
                None => "14".to_owned(),
            };
            match group_keyword_of_number(&number) {
                Some(group) => keywords.push(group.to_owned()),
                None => return Err(unknown("DiffieHellmanGroup", number)),
            }
        }
        let text = keywords.join("-");
        let proposal = Proposal::from_strongswan(protocol, &text).map_err(|e| {
            (
                self.line_in(section, "EncryptionAlgorithm"),
                format!("{text}: {e}"),
            )
        })?;
        let written = self
            .line_in(section, "EncryptionAlgorithm")
            .or_else(|| self.line(section));
        Ok((proposal, written))
    }
}

/// `DisableMOBIKE` (MOBIKE is on unless it is 1).
fn apple_mobike(ikev2: &Dictionary, reading: &Reading) -> Setting<bool> {
    match (
        ikev2.get("DisableMOBIKE").and_then(integer_of),
        reading.line("DisableMOBIKE"),
    ) {
        (Some(v), Some(at)) => Setting::written(v != 1, at),
        _ => Setting::default_value(true),
    }
}

fn at_or_default<T>(value: T, at: Option<Line>) -> Setting<T> {
    match at {
        Some(l) => Setting::written(value, l),
        None => Setting::default_value(value),
    }
}

/// Integers are written `<integer>1</integer>`, sometimes `<string>1</string>` or `<true/>`.
fn integer_of(v: &Value) -> Option<u64> {
    match v {
        Value::Integer(i) => i.as_unsigned(),
        Value::Boolean(b) => Some(u64::from(*b)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EAP_PROFILE: &str = include_str!(
        "../../../tests/fixtures/configs/published/apple/strongswan-wiki-eap.mobileconfig"
    );

    #[test]
    fn strongswan_wiki_eap_template() {
        assert!(looks_like(EAP_PROFILE.as_bytes()));
        let mut set = ConfigSet::default();
        let file = set.add_file("eap.mobileconfig");
        read(EAP_PROFILE.as_bytes(), file, &mut set);
        assert!(set.notes.is_empty(), "{:?}", set.notes);
        assert_eq!(set.peers.len(), 1);
        let p = &set.peers[0];
        assert_eq!(p.name, "VPN Name");
        assert_eq!(p.remote_addrs.value, vec!["vpn.example.org"]);
        assert_eq!(p.local_auth[0].method.value, AuthMethod::Eap(None));
        assert_eq!(p.remote_auth[0].method.value, AuthMethod::PublicKey);
        // An empty LocalIdentifier: the address is sent.
        assert_eq!(p.local_auth[0].id.value, None);
        assert_eq!(
            p.remote_auth[0].id.value.as_deref(),
            Some("vpn.example.org")
        );
        assert_eq!(
            p.ike_proposals.value[0].charon(),
            "IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048"
        );
        // No EnablePFS: the child's group is not offered.
        assert_eq!(
            p.children[0].esp_proposals.value[0].charon(),
            "ESP:AES_CBC_128/HMAC_SHA1_96"
        );
        // Cited at the key's line in the file (comments are skipped).
        let at = p.ike_proposals.at.expect("written");
        assert_eq!(
            EAP_PROFILE.lines().nth(at.line as usize - 1).map(str::trim),
            Some("<key>EncryptionAlgorithm</key>")
        );
        assert!(set.secrets.is_empty());
    }

    #[test]
    fn defaults_shared_secret_and_pfs() {
        let profile = "<?xml version=\"1.0\"?>\n<plist version=\"1.0\"><dict>\n<key>PayloadContent</key><array><dict>\n<key>PayloadType</key><string>com.apple.vpn.managed</string>\n<key>VPNType</key><string>IKEv2</string>\n<key>IKEv2</key><dict>\n<key>RemoteAddress</key><string>192.0.2.1</string>\n<key>RemoteIdentifier</key><string>gw</string>\n<key>LocalIdentifier</key><string>phone</string>\n<key>AuthenticationMethod</key><string>None</string>\n<key>SharedSecret</key><string>0123456789abcdefghij0123</string>\n<key>EnablePFS</key><integer>1</integer>\n<key>ChildSecurityAssociationParameters</key><dict><key>EncryptionAlgorithm</key><string>AES-256-GCM</string><key>DiffieHellmanGroup</key><integer>19</integer></dict>\n</dict></dict></array></dict></plist>\n";
        let mut set = ConfigSet::default();
        let file = set.add_file("psk.mobileconfig");
        read(profile.as_bytes(), file, &mut set);
        assert!(set.notes.is_empty(), "{:?}", set.notes);
        let p = &set.peers[0];
        assert_eq!(p.local_auth[0].method.value, AuthMethod::Psk);
        assert_eq!(
            p.ike_proposals.value[0].charon(),
            "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048"
        );
        assert_eq!(p.ike_proposals.at, None);
        assert_eq!(
            p.children[0].esp_proposals.value[0].charon(),
            "ESP:AES_GCM_16_256/ECP_256"
        );
        assert_eq!(set.secrets.len(), 1);
        assert_eq!(set.secrets[0].length, 24);
        assert_eq!(set.secrets[0].ids, vec!["phone", "gw"]);
    }

    #[test]
    fn an_undocumented_value_leaves_the_payload_out() {
        let profile = EAP_PROFILE.replace("<string>SHA1-96</string>", "<string>SHA3-256</string>");
        let mut set = ConfigSet::default();
        let file = set.add_file("x.mobileconfig");
        read(profile.as_bytes(), file, &mut set);
        assert!(set.peers.is_empty());
        assert!(
            set.notes[0]
                .message
                .contains("IntegrityAlgorithm `SHA3-256`")
                && set.notes[0].message.contains("not compared"),
            "{:?}",
            set.notes
        );
    }

    #[test]
    fn signed_profiles_are_unwrapped_and_hostile_ones_refused() {
        let mut signed = vec![0x30, 0x82, 0x0b, 0x2d, 0x06, 0x09];
        signed.extend_from_slice(EAP_PROFILE.as_bytes());
        signed.extend_from_slice(&[0xa0, 0x82, 0x01, 0x00]);
        assert!(looks_like(&signed));
        let mut set = ConfigSet::default();
        let file = set.add_file("signed.mobileconfig");
        read(&signed, file, &mut set);
        assert_eq!(set.peers.len(), 1);
        assert!(set.notes[0].message.contains("signed"));

        let deep = format!(
            "<plist>{}com.apple.vpn.managed{}</plist>",
            "<array>".repeat(5000),
            "</array>".repeat(5000)
        );
        let mut set = ConfigSet::default();
        read(deep.as_bytes(), 0, &mut set);
        assert!(set.peers.is_empty());
        assert!(set.notes[0].message.contains("nested"));
        // Spaces and attributes in the tags do not get past the count.
        let spaced = format!(
            "<plist>{}com.apple.vpn.managed{}</plist>",
            "<array >\n<dict a=\"1\"><key>k</key>".repeat(3000),
            "</dict></array >".repeat(3000)
        );
        let mut set = ConfigSet::default();
        read(spaced.as_bytes(), 0, &mut set);
        assert!(set.notes[0].message.contains("nested"), "{:?}", set.notes);
        assert_eq!(depth_of(b"<array/><dict><array></array></dict>"), 2);
    }
}
