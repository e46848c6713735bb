//! Cloud VPN gateways' tunnel settings as their APIs and CLIs export them, read into the peer
//! model with the cloud's end as the peer described:
//!
//! - AWS Site-to-Site VPN: `aws ec2 describe-vpn-connections` (`VpnConnections[]`), and the
//!   `VpnConnection` object `create-vpn-connection` and `modify-vpn-tunnel-options` print. One
//!   peer per tunnel of `Options.TunnelOptions[]` ("vpn-0123 tunnel 1"), the AWS end as the
//!   gateway; the customer gateway's outside address comes from the `CustomerGatewayConfiguration`
//!   XML when it holds one. An absent or empty algorithm list means AWS allows all its values.
//! - Azure VPN Gateway: a `Microsoft.Network/connections` resource as `az network vpn-connection
//!   show`, the REST API, an ARM template or `Get-AzVirtualNetworkGatewayConnection |
//!   ConvertTo-Json` write it (keys compared without case: `ipsecPolicies` or `IpsecPolicies`).
//!   `az network vpn-connection ipsec-policy list` (the policies alone) is read as a connection
//!   without addresses. Without a custom IPsec/IKE policy, Azure's documented default offers
//!   apply. `connectionMode` `ResponderOnly` makes the connection one that only answers,
//!   `InitiatorOnly` one that only starts (with a note), whose default quick mode offers are
//!   the ones Azure starts with.
//! - Google Cloud VPN: a `compute#vpnTunnel` (`gcloud compute vpn-tunnels describe`, in JSON or in
//!   gcloud's default YAML). The YAML read here is only the shape gcloud prints for a tunnel: flat
//!   `key: value` lines, `- item` lists under a `key:` line, documents split by `---`; nested
//!   maps (`labels`) are skipped. That bounded reader is enough for these exports, so no YAML
//!   library is pulled in. A tunnel carries `sharedSecretHash`, a hash of its secret: there is
//!   no secret to compare, and a note says so. Google's supported ciphers are its proposals.
//!
//! Each cloud's spellings (`AES128-GCM-16`, `GCMAES256`, `DHGroup14`, `PFS24`, DH group
//! numbers) are mapped to strongSwan keywords (Microsoft's through the tables of
//! [`crate::proposal`] Windows uses too) and parsed as a swanctl proposal line would be. A
//! tunnel, policy or cipher suite whose proposals cannot be built completely from known values
//! is not compared: the peer is left out with a note naming what was not understood (a shorter
//! list would read as a proposal mismatch, the cloud's default list as "takes everything").
//! The clouds are taken to narrow traffic selectors, and to expect no particular identity of
//! the other side, where they document no such check (AWS and Google expect the customer
//! gateway's address, as their guides say).
//!
//! JSON has no line per value: each value cites the line where its key appears inside the
//! element it belongs to, found within that element's own text (one pass per object, so a
//! large export costs time in proportion to its size). Secrets are kept as fingerprints, never
//! as text. Input is untrusted: every list is bounded and what is cut or not understood becomes
//! a note.
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use serde_json::{Map, Value};

use crate::model::{
    fingerprint, AuthMethod, AuthRound, ChildConfig, ConfigSet, IkeVersions, Implementation, Line,
    PeerConfig, Secret, SecretKind, Setting, TrafficSelector,
};
use crate::proposal::{self, group_keyword_of_number, Proposal};
use crate::settings::{clip, floor_char_boundary};

/// Most tunnels (AWS, Google) or connections (Azure) read from one file.
const MAX_TUNNELS: usize = 500;
/// Most IPsec policies read per Azure connection (Azure takes one; a few spare).
const MAX_POLICIES: usize = 16;
/// Most items read from one list (algorithms, DH groups, traffic selectors).
const MAX_ITEMS: usize = 64;
/// Deepest nesting searched for Azure connections (an ARM template's `resources`, a REST
/// example's `responses.200.body`).
const MAX_DEPTH: usize = 8;
/// Most YAML lines read (a tunnel is some thirty).
const MAX_YAML_LINES: usize = 20_000;
/// Bytes [`looks_like`] looks at.
const LOOK_BYTES: usize = 256 * 1024;
/// Keys holding an object or a list searched per JSON object for Azure connections (a resource
/// has a few dozen).
const MAX_KEYS: usize = 1024;
/// Characters kept of a name or a value quoted in a note.
const MAX_NAME: usize = 80;

/// AWS Site-to-Site VPN tunnel options: what an absent or empty list allows (every valid
/// value), in AWS's spellings. <https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNTunnels.html>
/// (and the EC2 API's `VpnTunnelOptionsSpecification`).
const AWS_ENCRYPTION: &[&str] = &["AES128", "AES256", "AES128-GCM-16", "AES256-GCM-16"];
const AWS_INTEGRITY: &[&str] = &["SHA1", "SHA2-256", "SHA2-384", "SHA2-512"];
const AWS_PHASE1_DH: &[u64] = &[2, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24];
const AWS_PHASE2_DH: &[u64] = &[2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24];
/// Phase 1 and phase 2 lifetimes (seconds) and the traffic selectors without `*NetworkCidr`.
const AWS_PHASE1_LIFETIME: u64 = 28_800;
const AWS_PHASE2_LIFETIME: u64 = 3_600;

/// Azure VPN Gateway (route-based) without a custom IPsec/IKE policy: the IKE phase 1 offers
/// (DH group 2 only) and the 26 quick mode offers it accepts as responder (the first
/// [`AZURE_ESP_AS_INITIATOR`], without PFS, are the ones it initiates with: "Azure Gateway as
/// initiator"), in strongSwan keywords, in Azure's order. "Default
/// IPsec/IKE parameters",
/// <https://learn.microsoft.com/en-us/azure/vpn-gateway/vpn-gateway-about-vpn-devices#ipsec>.
const AZURE_IKE: &[&str] = &[
    "aes256-sha1-modp1024",
    "aes256-sha256-modp1024",
    "aes128-sha1-modp1024",
    "aes128-sha256-modp1024",
    "3des-sha1-modp1024",
    "3des-sha256-modp1024",
];
const AZURE_ESP: &[&str] = &[
    "aes256gcm16",
    "aes256-sha1",
    "3des-sha1",
    "aes256-sha256",
    "aes128-sha1",
    "3des-sha256",
    "des-sha1",
    "aes256-sha1-modp768",
    "aes256-sha1-modp1024",
    "aes256-sha1-modp2048",
    "aes128-sha1-modp768",
    "aes128-sha1-modp1024",
    "aes128-sha1-modp2048",
    "3des-sha1-modp768",
    "3des-sha1-modp1024",
    "3des-sha256-modp1024",
    "aes256-sha256-modp768",
    "aes256-sha256-modp1024",
    "aes256-sha256-modp2048",
    "aes256-sha1-modp2048s256",
    "aes256-sha256-modp2048s256",
    "aes128-sha256",
    "aes128-sha256-modp768",
    "aes128-sha256-modp1024",
    "aes128-sha256-modp2048",
    "3des-sha1-modp2048",
];
/// How many of [`AZURE_ESP`] Azure offers when it starts the SA.
const AZURE_ESP_AS_INITIATOR: usize = 6;
/// Azure's IKE SA lifetime (fixed) and its default quick mode SA lifetime.
const AZURE_IKE_LIFETIME: u64 = 28_800;
const AZURE_CHILD_LIFETIME: u64 = 27_000;

/// Google Cloud VPN's supported IKEv2 ciphers, each cipher role's list as one proposal, in
/// strongSwan keywords; phase 2 takes PFS with any of the groups, or none.
/// <https://cloud.google.com/network-connectivity/docs/vpn/concepts/supported-ike-ciphers>
/// (DH groups as ordered since the cipher changes, group 22 dropped:
/// <https://cloud.google.com/network-connectivity/docs/vpn/deprecations/cipher-changes>). The
/// encryption, integrity and PRF lists are the page's tables as known when this was written
/// (no stored copy of them was at hand): check them against the page when it changes.
const GOOGLE_GROUPS: &str = "curve25519-ecp256-ecp384-ecp521-modp3072-modp4096-modp6144-modp8192-modp2048-modp2048s224-modp2048s256-modp1536-modp1024";
const GOOGLE_IKE: &[&str] = &[
    "aes128-aes192-aes256-sha256-sha384-sha512-sha1-md5-aesxcbc-aescmac-prfsha256-prfsha384-prfsha512-prfsha1-prfaesxcbc-prfaescmac-prfmd5",
    "aes128gcm16-aes192gcm16-aes256gcm16-aes128gcm12-aes192gcm12-aes256gcm12-aes128gcm8-aes192gcm8-aes256gcm8-prfsha256-prfsha384-prfsha512-prfsha1-prfaesxcbc-prfaescmac-prfmd5",
];
const GOOGLE_ESP: &[&str] = &[
    "aes128-aes192-aes256-sha256-sha384-sha512-sha1-md5",
    "aes128gcm16-aes192gcm16-aes256gcm16-aes128gcm12-aes192gcm12-aes256gcm12-aes128gcm8-aes192gcm8-aes256gcm8",
];
/// Google's phase 1 and phase 2 lifetimes (seconds).
const GOOGLE_PHASE1_LIFETIME: u64 = 36_000;
const GOOGLE_PHASE2_LIFETIME: u64 = 10_800;

/// Which cloud's export a text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloudKind {
    Aws,
    Azure,
    GoogleCloud,
}

/// The cloud whose export `text` is, from its first bytes' keys.
pub fn looks_like(text: &str) -> Option<CloudKind> {
    let head = &text[..floor_char_boundary(text, LOOK_BYTES)];
    let lower = head.to_ascii_lowercase();
    let json = head.trim_start().starts_with(['{', '[']);
    if json
        && lower.contains("\"vpnconnection")
        && (lower.contains("\"tunneloptions\"") || lower.contains("\"vpnconnectionid\""))
    {
        return Some(CloudKind::Aws);
    }
    if json
        && (lower.contains("\"ipsecpolicies\"")
            || lower.contains("microsoft.network/connections")
            || lower.contains("\"connectionprotocol\"")
            || lower.contains("\"ikeencryption\"") && lower.contains("\"pfsgroup\""))
    {
        return Some(CloudKind::Azure);
    }
    if lower.contains("compute#vpntunnel")
        || lower.contains("peerip")
            && (lower.contains("sharedsecrethash") || lower.contains("ikeversion"))
    {
        return Some(CloudKind::GoogleCloud);
    }
    None
}

/// Reads the export `text` (of the file `file`) into `set`.
pub fn read(text: &str, kind: CloudKind, file: usize, set: &mut ConfigSet) {
    let locate = Locator::new(text, file);
    if kind == CloudKind::GoogleCloud && !text.trim_start().starts_with(['{', '[']) {
        google_yaml(text, &locate, set);
        return;
    }
    let root: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            set.note(
                file,
                Some(u32::try_from(e.line()).unwrap_or(0)),
                "not valid JSON; the export is not read",
            );
            return;
        }
    };
    match kind {
        CloudKind::Aws => aws(&root, &locate, set),
        CloudKind::Azure => azure(&root, &locate, set),
        CloudKind::GoogleCloud => google_json(&root, &locate, set),
    }
}

// ---------------------------------------------------------------------------------------------
// Citations: where a key appears in the text, within the element it belongs to.

/// Byte range of one JSON element in the text.
type Span = (usize, usize);

/// Finds keys and array elements in the text (ASCII-lowercased, so offsets are the text's).
struct Locator {
    lower: String,
    line_starts: Vec<usize>,
    file: usize,
}

impl Locator {
    fn new(text: &str, file: usize) -> Locator {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Locator {
            lower: text.to_ascii_lowercase(),
            line_starts,
            file,
        }
    }

    fn whole(&self) -> Span {
        (0, self.lower.len())
    }

    fn line(&self, offset: usize) -> Line {
        let index = self.line_starts.partition_point(|&s| s <= offset);
        Line {
            file: self.file,
            line: u32::try_from(index.max(1)).unwrap_or(u32::MAX),
        }
    }

    /// Offset of the first `"key"` (any case) inside `span`.
    fn key(&self, key: &str, span: Span) -> Option<usize> {
        let needle = format!("\"{}\"", key.to_ascii_lowercase());
        let hay = self.lower.get(span.0..span.1)?;
        hay.find(&needle).map(|i| span.0 + i)
    }

    fn key_line(&self, key: &str, span: Span) -> Option<Line> {
        self.key(key, span).map(|o| self.line(o))
    }

    /// The elements of the array that is the value of the first `"key"` inside `span`.
    fn items_of(&self, key: &str, span: Span) -> Vec<Span> {
        let Some(at) = self.key(key, span) else {
            return Vec::new();
        };
        let bytes = self.lower.as_bytes();
        let mut i = at + key.len() + 2;
        while i < span.1 && matches!(bytes.get(i), Some(b' ' | b'\t' | b'\r' | b'\n' | b':')) {
            i += 1;
        }
        if bytes.get(i) != Some(&b'[') {
            return Vec::new();
        }
        self.items_at(i, span.1)
    }

    /// Where the first `open` byte (`{` or `[`) inside `span` is: the start of the value the
    /// span holds (a member's span starts there; a REST example's response a key before it).
    fn opening(&self, span: Span, open: u8) -> Option<usize> {
        let hay = self.lower.get(span.0..span.1.min(self.lower.len()))?;
        hay.find(char::from(open)).map(|i| span.0 + i)
    }

    /// Where the JSON value starting at `start` ends (the `,`, `}` or `]` after it, or
    /// `limit`).
    fn value_end(&self, start: usize, limit: usize) -> usize {
        let bytes = self.lower.as_bytes();
        let limit = limit.min(bytes.len());
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        let mut i = start;
        while i < limit {
            let c = bytes[i];
            if in_string {
                if escaped {
                    escaped = false;
                } else if c == b'\\' {
                    escaped = true;
                } else if c == b'"' {
                    in_string = false;
                }
            } else {
                match c {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' if depth == 0 => return i,
                    b'}' | b']' => depth -= 1,
                    b',' if depth == 0 => return i,
                    _ => {}
                }
            }
            i += 1;
        }
        limit
    }

    /// The value spans of the members of the object opening at `open` (a `{`) whose keys
    /// (ASCII-lowercased, escapes decoded) are in `wanted`, in one pass over the object. A
    /// key written twice keeps its last value, as the JSON parser does.
    fn members_at(
        &self,
        open: usize,
        limit: usize,
        wanted: &HashSet<String>,
    ) -> HashMap<String, Span> {
        let bytes = self.lower.as_bytes();
        let limit = limit.min(bytes.len());
        let skip_space = |mut i: usize| {
            while i < limit && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            i
        };
        let mut members = HashMap::new();
        let mut i = open + 1;
        loop {
            i = skip_space(i);
            if i >= limit || bytes[i] != b'"' {
                // `}` (the end), or not an object's member.
                break;
            }
            let key_start = i + 1;
            let mut j = key_start;
            let mut escaped = false;
            while j < limit && (escaped || bytes[j] != b'"') {
                escaped = !escaped && bytes[j] == b'\\';
                j += 1;
            }
            let raw = self.lower.get(key_start..j).unwrap_or_default();
            i = skip_space(j + 1);
            if i >= limit || bytes[i] != b':' {
                break;
            }
            let value_start = skip_space(i + 1);
            let value_end = self.value_end(value_start, limit);
            let key = if raw.contains('\\') {
                serde_json::from_str::<String>(&format!("\"{raw}\""))
                    .map(|k| k.to_ascii_lowercase())
                    .unwrap_or_default()
            } else {
                raw.to_owned()
            };
            if wanted.contains(&key) {
                members.insert(key, (value_start, value_end));
            }
            if value_end >= limit || bytes[value_end] != b',' {
                break;
            }
            i = value_end + 1;
        }
        members
    }

    /// The elements of the array opening at `open` (a `[`), each up to the next one's start.
    fn items_at(&self, open: usize, limit: usize) -> Vec<Span> {
        let bytes = self.lower.as_bytes();
        let limit = limit.min(bytes.len());
        let mut starts = Vec::new();
        let (mut depth, mut in_string, mut escaped, mut expecting) = (0usize, false, false, true);
        let mut end = limit;
        let mut i = open + 1;
        while i < limit {
            let c = bytes[i];
            if in_string {
                if escaped {
                    escaped = false;
                } else if c == b'\\' {
                    escaped = true;
                } else if c == b'"' {
                    in_string = false;
                }
                i += 1;
                continue;
            }
            match c {
                b'}' | b']' if depth == 0 => {
                    end = i;
                    break;
                }
                b'}' | b']' => depth -= 1,
                b',' if depth == 0 => expecting = true,
                c if c.is_ascii_whitespace() => {}
                c => {
                    if depth == 0 && expecting {
                        starts.push(i);
                        expecting = false;
                    }
                    match c {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth += 1,
                        _ => {}
                    }
                }
            }
            i += 1;
        }
        starts
            .iter()
            .enumerate()
            .map(|(n, &s)| (s, starts.get(n + 1).copied().unwrap_or(end)))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// JSON helpers.

/// The value of `key` in an object, matched exactly, else without ASCII case.
fn get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    let map = v.as_object()?;
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

fn get_str<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    get(v, key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn get_u64(v: &Value, key: &str) -> Option<u64> {
    match get(v, key)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn get_bool(v: &Value, key: &str) -> Option<bool> {
    match get(v, key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => s.trim().to_ascii_lowercase().parse().ok(),
        _ => None,
    }
}

/// A list's items as text: strings, numbers, and AWS's `{"Value": x}` wrappers; `None` when the
/// list is absent or empty.
fn texts(v: &Value, key: &str) -> Option<Vec<String>> {
    let items = get(v, key)?.as_array()?;
    let out: Vec<String> = items
        .iter()
        .take(MAX_ITEMS)
        .filter_map(|item| match item {
            Value::Object(_) => get(item, "Value").and_then(scalar_text),
            other => scalar_text(other),
        })
        .collect();
    (!out.is_empty()).then_some(out)
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A secret as a cloud export shows it: masked values (`***`, `**hidden**`) and ARM template
/// expressions (`[parameters('key')]`) are no secret to compare.
fn real_secret(text: &str) -> bool {
    let masked = text.chars().all(|c| c == '*') || text.eq_ignore_ascii_case("**hidden**");
    !(text.is_empty() || masked || is_expression(text))
}

/// An ARM template expression, not a value.
fn is_expression(text: &str) -> bool {
    text.starts_with('[') && text.ends_with(']')
}

fn secret(ids: Vec<String>, text: &str, at: Line) -> Secret {
    Secret {
        kind: SecretKind::Ike,
        ids,
        fingerprint: fingerprint(text.as_bytes()),
        length: text.len(),
        at,
    }
}

/// What of a peer's proposals was not understood (an algorithm name, a DH group, a policy
/// field). One rule for every cloud: a list that cannot be built completely from known values
/// is not compared at all, and the peer is left out with a note, as [`crate::windows::finish`]
/// does for a policy it cannot decode. A shorter list would be compared as if the cloud
/// proposed less than it does ("no common proposal"), the cloud's default list as if it took
/// everything.
#[derive(Debug, Default)]
struct NotUnderstood(Vec<String>);

impl NotUnderstood {
    fn add(&mut self, what: String) {
        if self.0.len() < MAX_ITEMS && !self.0.contains(&what) {
            self.0.push(what);
        }
    }

    /// Notes that the peer `name` is not compared, when something was not understood; `true`
    /// then (the caller leaves the peer out).
    fn leave_out(self, name: &str, at: Line, set: &mut ConfigSet) -> bool {
        if self.0.is_empty() {
            return false;
        }
        set.note(
            at.file,
            Some(at.line),
            format!(
                "{name}: {} not understood, so what it proposes is not known: the connection is \
                 not compared",
                self.0.join(", ")
            ),
        );
        true
    }
}

/// Proposals from strongSwan keyword lines built here; a line that does not parse is
/// something not understood.
fn build(protocol: &str, lines: &[String], unknown: &mut NotUnderstood) -> Vec<Proposal> {
    let mut out = Vec::new();
    for line in lines {
        match Proposal::from_strongswan(protocol, line) {
            Ok(p) => out.push(p),
            Err(e) => unknown.add(format!("{protocol} proposal `{line}` ({e})")),
        }
    }
    out
}

fn fixed_proposals(protocol: &str, lines: &[&str]) -> Vec<Proposal> {
    lines
        .iter()
        .filter_map(|l| Proposal::from_strongswan(protocol, l).ok())
        .collect()
}

fn selectors(items: &[String]) -> Vec<TrafficSelector> {
    items
        .iter()
        .take(MAX_ITEMS)
        .map(|s| TrafficSelector::parse_or_unknown(s))
        .collect()
}

fn any_selectors() -> Vec<TrafficSelector> {
    vec![TrafficSelector::parse_or_unknown("0.0.0.0/0")]
}

/// The parts of a peer all three clouds fill the same way.
struct Tunnel {
    name: String,
    at: Line,
    implementation: Implementation,
    version: Setting<IkeVersions>,
    local_addrs: Setting<Vec<String>>,
    remote_addrs: Setting<Vec<String>>,
    ike_proposals: Setting<Vec<Proposal>>,
    method: Setting<AuthMethod>,
    local_id: Setting<Option<String>>,
    remote_id: Setting<Option<String>>,
    local_ts: Setting<Vec<TrafficSelector>>,
    remote_ts: Setting<Vec<TrafficSelector>>,
    esp_proposals: Setting<Vec<Proposal>>,
    pfs_from_ike: bool,
    ike_rekey: Setting<Option<u64>>,
    child_rekey: Setting<Option<u64>>,
    /// Starts the SA and never answers one (Azure's `InitiatorOnly`).
    initiator_only: bool,
}

impl Tunnel {
    fn into_peer(self) -> PeerConfig {
        let round = |id: Setting<Option<String>>| AuthRound {
            method: self.method.clone(),
            id,
            eap_id: None,
            certs: Vec::new(),
        };
        PeerConfig {
            file: self.at.file,
            name: self.name,
            at: self.at,
            implementation: self.implementation,
            version: self.version,
            local_addrs: self.local_addrs,
            remote_addrs: self.remote_addrs,
            ike_proposals: self.ike_proposals,
            local_auth: vec![round(self.local_id)],
            remote_auth: vec![round(self.remote_id)],
            children: vec![ChildConfig {
                name: "tunnel".into(),
                at: self.at,
                local_ts: self.local_ts,
                remote_ts: self.remote_ts,
                esp_proposals: self.esp_proposals,
                pfs_from_ike: self.pfs_from_ike,
                rekey_seconds: self.child_rekey,
            }],
            vips: Setting::default_value(Vec::new()),
            pools: Setting::default_value(Vec::new()),
            fragmentation: Setting::default_value("yes".into()),
            dpd_delay_seconds: Setting::default_value(None),
            nat_keepalive_seconds: Setting::default_value(None),
            rekey_seconds: self.ike_rekey,
            // The clouds document one SA pair per tunnel, not that the selectors must equal
            // theirs: a route-based gateway (0.0.0.0/0 both ways) takes a customer gateway's
            // narrower `10.0.0.0/16 <=> 172.31.0.0/16`, the usual policy-based setup against
            // AWS, Azure and Google, and it works. No source says they refuse to narrow, so
            // narrowing is assumed: requiring equality would predict failures that do not
            // happen.
            narrowing: true,
            alternative: false,
            rekey_randomized: Setting::default_value(true),
            front_end: None,
            initiator_only: self.initiator_only,
            local_port: Setting::default_value(500),
            remote_port: Setting::default_value(500),
            mobike: Setting::default_value(false),
        }
    }
}

fn seconds_setting(value: Option<u64>, at: Option<Line>, default: u64) -> Setting<Option<u64>> {
    match (value, at) {
        (Some(v), Some(at)) => Setting::written(Some(v), at),
        _ => Setting::default_value(Some(default)),
    }
}

// ---------------------------------------------------------------------------------------------
// AWS.

fn aws(root: &Value, locate: &Locator, set: &mut ConfigSet) {
    let file = locate.file;
    // `describe-vpn-connections` lists them; `create-`/`modify-` print one `VpnConnection`.
    let (connections, spans): (Vec<&Value>, Vec<Span>) = match get(root, "VpnConnections") {
        Some(Value::Array(list)) => (
            list.iter().collect(),
            locate.items_of("VpnConnections", locate.whole()),
        ),
        Some(one @ Value::Object(_)) => (vec![one], vec![locate.whole()]),
        _ => match get(root, "VpnConnection") {
            Some(one @ Value::Object(_)) => (vec![one], vec![locate.whole()]),
            _ => {
                set.note(file, None, "no VpnConnections in this AWS export");
                return;
            }
        },
    };
    let mut read = 0;
    for (n, conn) in connections.iter().enumerate() {
        let span = spans.get(n).copied().unwrap_or(locate.whole());
        let id = get_str(conn, "VpnConnectionId").unwrap_or("vpn");
        let options = get(conn, "Options");
        let tunnels = options.and_then(|o| get(o, "TunnelOptions"));
        let Some(Value::Array(tunnels)) = tunnels else {
            set.note(
                file,
                Some(locate.line(span.0).line),
                format!(
                    "{}: no Options.TunnelOptions in this output; its tunnels are not read",
                    clip(id, MAX_NAME)
                ),
            );
            continue;
        };
        let tunnel_spans = locate.items_of("TunnelOptions", span);
        let customer = get_str(conn, "CustomerGatewayConfiguration")
            .map(customer_gateway_addresses)
            .unwrap_or_default();
        // What the connection says for all its tunnels, looked up once (each lookup scans the
        // connection's text).
        let options = options.unwrap_or(&Value::Null);
        let shared = AwsConnection {
            cgw_line: locate.key_line("CustomerGatewayConfiguration", span),
            // "Local" is the customer's side and "Remote" AWS's: from AWS's end, the other way
            // round.
            local_ts: aws_cidr(options, "Remote", span, locate),
            remote_ts: aws_cidr(options, "Local", span, locate),
        };
        for (t, tunnel) in tunnels.iter().enumerate() {
            if read == MAX_TUNNELS {
                set.note(
                    file,
                    None,
                    format!("more than {MAX_TUNNELS} tunnels; the rest not read"),
                );
                return;
            }
            read += 1;
            let tunnel_span = tunnel_spans.get(t).copied().unwrap_or(span);
            let outside = get_str(tunnel, "OutsideIpAddress").unwrap_or_default();
            // The XML lists the tunnels in the same order; matched by AWS's address first.
            let cgw = customer
                .iter()
                .find(|(aws, _)| aws == outside)
                .or_else(|| customer.get(t))
                .map(|(_, cgw)| cgw.clone());
            let context = AwsTunnel {
                connection: &shared,
                tunnel,
                name: format!("{} tunnel {}", clip(id, MAX_NAME), t + 1),
                outside,
                cgw,
                tunnel_span,
            };
            aws_tunnel(&context, locate, set);
        }
    }
}

/// A connection's `{Local,Remote}Ipv{4,6}NetworkCidr` (`side`) as traffic selectors, or any.
fn aws_cidr(
    options: &Value,
    side: &str,
    span: Span,
    locate: &Locator,
) -> Setting<Vec<TrafficSelector>> {
    let ipv6 =
        get_str(options, "TunnelInsideIpVersion").is_some_and(|v| v.eq_ignore_ascii_case("ipv6"));
    let family = if ipv6 { "Ipv6" } else { "Ipv4" };
    let key = format!("{side}{family}NetworkCidr");
    match get_str(options, &key) {
        Some(cidr) => match locate.key_line(&key, span) {
            Some(line) => Setting::written(selectors(&[cidr.to_owned()]), line),
            None => Setting::default_value(selectors(&[cidr.to_owned()])),
        },
        None => Setting::default_value(vec![TrafficSelector::parse_or_unknown(if ipv6 {
            "::/0"
        } else {
            "0.0.0.0/0"
        })]),
    }
}

/// The (AWS, customer gateway) outside addresses of each `<ipsec_tunnel>` of the customer
/// gateway configuration XML AWS generates; a tunnel without both is skipped.
fn customer_gateway_addresses(xml: &str) -> Vec<(String, String)> {
    fn inner<'a>(text: &'a str, tag: &str) -> Option<&'a str> {
        let open = format!("<{tag}>");
        let close = format!("</{tag}>");
        let start = text.find(&open)? + open.len();
        let end = text.get(start..)?.find(&close)? + start;
        text.get(start..end)
    }
    let outside = |block: &str, side: &str| {
        inner(block, side)
            .and_then(|s| inner(s, "tunnel_outside_address"))
            .and_then(|s| inner(s, "ip_address"))
            .map(str::trim)
            .filter(|a| a.parse::<IpAddr>().is_ok())
            .map(str::to_owned)
    };
    xml.split("<ipsec_tunnel>")
        .skip(1)
        .take(MAX_TUNNELS)
        .filter_map(|block| {
            Some((
                outside(block, "vpn_gateway")?,
                outside(block, "customer_gateway")?,
            ))
        })
        .collect()
}

/// What a VPN connection says for each of its tunnels.
struct AwsConnection {
    /// Where the customer gateway's address is (the configuration XML).
    cgw_line: Option<Line>,
    local_ts: Setting<Vec<TrafficSelector>>,
    remote_ts: Setting<Vec<TrafficSelector>>,
}

struct AwsTunnel<'a> {
    connection: &'a AwsConnection,
    tunnel: &'a Value,
    name: String,
    outside: &'a str,
    cgw: Option<String>,
    tunnel_span: Span,
}

/// AWS's encryption names as strongSwan keywords.
fn aws_encryption(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_uppercase().as_str() {
        "AES128" => "aes128",
        "AES256" => "aes256",
        "AES128-GCM-16" => "aes128gcm16",
        "AES256-GCM-16" => "aes256gcm16",
        _ => return None,
    })
}

/// AWS's integrity names as strongSwan's integrity and PRF keywords.
fn aws_integrity(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name.to_ascii_uppercase().as_str() {
        "SHA1" => ("sha1", "prfsha1"),
        "SHA2-256" => ("sha256", "prfsha256"),
        "SHA2-384" => ("sha384", "prfsha384"),
        "SHA2-512" => ("sha512", "prfsha512"),
        _ => return None,
    })
}

/// One phase's lists, each as written or AWS's default (every allowed value).
struct AwsPhase {
    encryption: Vec<&'static str>,
    integrity: Vec<(&'static str, &'static str)>,
    groups: Vec<&'static str>,
    at: Option<Line>,
}

/// A phase's lists; what is not an AWS value read here goes to `unknown` (the tunnel is then
/// not compared).
fn aws_phase(
    ctx: &AwsTunnel,
    phase: u8,
    locate: &Locator,
    unknown: &mut NotUnderstood,
) -> AwsPhase {
    let key = |what: &str| format!("Phase{phase}{what}");
    let mut at = None;
    let mut list = |what: &str, unknown: &mut NotUnderstood| -> Option<Vec<String>> {
        let k = key(what);
        let items = texts(ctx.tunnel, &k)?;
        // An item that is neither a name nor `{"Value": name}` is not understood either.
        let written = get(ctx.tunnel, &k)
            .and_then(Value::as_array)
            .map_or(0, |l| l.len().min(MAX_ITEMS));
        if items.len() < written {
            unknown.add(format!("{k}: an item that is not a name"));
        }
        at = at.or(locate.key_line(&k, ctx.tunnel_span));
        Some(items)
    };
    let encryption = match list("EncryptionAlgorithms", unknown) {
        Some(items) => known(
            &items,
            aws_encryption,
            &key("EncryptionAlgorithms"),
            unknown,
        ),
        None => AWS_ENCRYPTION
            .iter()
            .filter_map(|e| aws_encryption(e))
            .collect(),
    };
    let integrity = match list("IntegrityAlgorithms", unknown) {
        Some(items) => known(&items, aws_integrity, &key("IntegrityAlgorithms"), unknown),
        None => AWS_INTEGRITY
            .iter()
            .filter_map(|i| aws_integrity(i))
            .collect(),
    };
    let defaults = if phase == 1 {
        AWS_PHASE1_DH
    } else {
        AWS_PHASE2_DH
    };
    let groups = match list("DHGroupNumbers", unknown) {
        Some(items) => known(
            &items,
            group_keyword_of_number,
            &key("DHGroupNumbers"),
            unknown,
        ),
        None => defaults
            .iter()
            .filter_map(|n| group_keyword_of_number(&n.to_string()))
            .collect(),
    };
    AwsPhase {
        encryption,
        integrity,
        groups,
        at,
    }
}

/// `items` read by `read`; each one it does not know goes to `unknown`, named with `key`.
fn known<T>(
    items: &[String],
    read: impl Fn(&str) -> Option<T>,
    key: &str,
    unknown: &mut NotUnderstood,
) -> Vec<T> {
    items
        .iter()
        .filter_map(|item| {
            let value = read(item);
            if value.is_none() {
                unknown.add(format!("{key} `{}`", clip(item, MAX_NAME)));
            }
            value
        })
        .collect()
}

/// A phase's lists as proposals: AEAD and classic ciphers cannot share one proposal.
fn aws_proposal_lines(protocol: &str, phase: &AwsPhase) -> Vec<String> {
    let (aead, classic): (Vec<&str>, Vec<&str>) =
        phase.encryption.iter().partition(|e| e.contains("gcm"));
    let groups = phase.groups.join("-");
    let join = |parts: Vec<&str>| -> String {
        parts
            .into_iter()
            .chain((!groups.is_empty()).then_some(groups.as_str()))
            .collect::<Vec<_>>()
            .join("-")
    };
    let mut lines = Vec::new();
    if !classic.is_empty() {
        let integrity = phase.integrity.iter().map(|(i, _)| *i);
        lines.push(join(classic.into_iter().chain(integrity).collect()));
    }
    if !aead.is_empty() {
        // In IKE the integrity list gives an AEAD cipher's PRFs; ESP takes none.
        let prfs = phase
            .integrity
            .iter()
            .map(|(_, p)| *p)
            .filter(|_| protocol == "IKE");
        lines.push(join(aead.into_iter().chain(prfs).collect()));
    }
    lines
}

fn aws_tunnel(ctx: &AwsTunnel, locate: &Locator, set: &mut ConfigSet) {
    let at = locate.line(ctx.tunnel_span.0);
    let tunnel_line = |key: &str| locate.key_line(key, ctx.tunnel_span);
    let mut unknown = NotUnderstood::default();
    let phase1 = aws_phase(ctx, 1, locate, &mut unknown);
    let phase2 = aws_phase(ctx, 2, locate, &mut unknown);
    let ike = build("IKE", &aws_proposal_lines("IKE", &phase1), &mut unknown);
    let esp = build("ESP", &aws_proposal_lines("ESP", &phase2), &mut unknown);
    if unknown.leave_out(&ctx.name, at, set) {
        return;
    }
    let setting = |value: Vec<Proposal>, at: Option<Line>| match at {
        Some(at) => Setting::written(value, at),
        None => Setting::default_value(value),
    };
    let version = match texts(ctx.tunnel, "IkeVersions") {
        Some(items) => {
            let v1 = items.iter().any(|v| v.eq_ignore_ascii_case("ikev1"));
            let v2 = items.iter().any(|v| v.eq_ignore_ascii_case("ikev2"));
            let version = match (v1, v2) {
                (true, false) => IkeVersions::V1,
                (false, true) => IkeVersions::V2,
                _ => IkeVersions::Any,
            };
            match tunnel_line("IkeVersions") {
                Some(line) => Setting::written(version, line),
                None => Setting::default_value(version),
            }
        }
        None => Setting::default_value(IkeVersions::Any),
    };
    // AWS only answers unless told to start; it answers the customer gateway's address alone,
    // which a /32 says without making it an address to start toward.
    let starts =
        get_str(ctx.tunnel, "StartupAction").is_some_and(|a| a.eq_ignore_ascii_case("start"));
    let remote_addrs = match &ctx.cgw {
        Some(cgw) => {
            // The XML's address is an IP address (checked when read).
            let written = match answered_only(cgw) {
                Some(subnet) if !starts => subnet,
                _ => cgw.clone(),
            };
            match ctx.connection.cgw_line {
                Some(line) => Setting::written(vec![written], line),
                None => Setting::default_value(vec![written]),
            }
        }
        None => Setting::default_value(Vec::new()),
    };
    let local_addrs = match tunnel_line("OutsideIpAddress") {
        Some(line) if !ctx.outside.is_empty() => {
            Setting::written(vec![ctx.outside.to_owned()], line)
        }
        _ => Setting::default_value(Vec::new()),
    };
    let psk_line = tunnel_line("PreSharedKey");
    if let Some(psk) = get_str(ctx.tunnel, "PreSharedKey") {
        if real_secret(psk) {
            let mut ids = vec![ctx.outside.to_owned()];
            ids.extend(ctx.cgw.clone());
            set.secrets.push(secret(ids, psk, psk_line.unwrap_or(at)));
        }
    }
    let tunnel = Tunnel {
        name: ctx.name.clone(),
        at,
        implementation: Implementation::Aws,
        version,
        local_addrs,
        remote_addrs,
        ike_proposals: setting(ike, phase1.at),
        method: match psk_line {
            Some(line) => Setting::written(AuthMethod::Psk, line),
            None => Setting::default_value(AuthMethod::Psk),
        },
        local_id: Setting::default_value((!ctx.outside.is_empty()).then(|| ctx.outside.to_owned())),
        remote_id: Setting::default_value(ctx.cgw.clone()),
        local_ts: ctx.connection.local_ts.clone(),
        remote_ts: ctx.connection.remote_ts.clone(),
        esp_proposals: setting(esp, phase2.at),
        pfs_from_ike: false,
        ike_rekey: seconds_setting(
            get_u64(ctx.tunnel, "Phase1LifetimeSeconds"),
            tunnel_line("Phase1LifetimeSeconds"),
            AWS_PHASE1_LIFETIME,
        ),
        child_rekey: seconds_setting(
            get_u64(ctx.tunnel, "Phase2LifetimeSeconds"),
            tunnel_line("Phase2LifetimeSeconds"),
            AWS_PHASE2_LIFETIME,
        ),
        initiator_only: false,
    };
    set.peers.push(tunnel.into_peer());
}

/// An address a cloud answers and never starts toward: as a one-address subnet, which the
/// model reads as "responder only" and still matches the address; `None` for a host name,
/// which has no such form.
fn answered_only(address: &str) -> Option<String> {
    match address.parse::<IpAddr>().ok()? {
        IpAddr::V4(_) => Some(format!("{address}/32")),
        IpAddr::V6(_) => Some(format!("{address}/128")),
    }
}

// ---------------------------------------------------------------------------------------------
// Azure.

/// The connection resources in an export, each with its text: the root, a list of them, an ARM
/// template's `resources`, or deeper (a REST example's `responses`); searched to [`MAX_DEPTH`].
/// Each member is searched within its own text, found in one pass over its object, so the
/// search is linear in the input; at most [`MAX_KEYS`] members of an object are searched
/// (`capped` says some were not).
fn azure_connections<'a>(
    v: &'a Value,
    span: Span,
    depth: usize,
    locate: &Locator,
    out: &mut Vec<(&'a Value, Span)>,
    capped: &mut bool,
) {
    if depth > MAX_DEPTH || out.len() > MAX_TUNNELS {
        return;
    }
    // A value whose text was not found is searched without one (an empty span at its parent's
    // start): never with its parent's, which would scan the parent again for each.
    let unknown_span = (span.0, span.0);
    let items = |items: &'a [Value],
                 spans: Vec<Span>,
                 out: &mut Vec<(&'a Value, Span)>,
                 capped: &mut bool| {
        for (n, item) in items.iter().take(MAX_TUNNELS + 1).enumerate() {
            let item_span = spans.get(n).copied().unwrap_or(unknown_span);
            azure_connections(item, item_span, depth + 1, locate, out, capped);
        }
    };
    match v {
        Value::Array(list) => {
            let spans = locate
                .opening(span, b'[')
                .map_or_else(Vec::new, |o| locate.items_at(o, span.1));
            items(list, spans, out, capped);
        }
        Value::Object(map) => {
            if is_azure_connection(v) {
                out.push((v, span));
                return;
            }
            let nested: Vec<(&String, &Value)> = map
                .iter()
                .filter(|(_, value)| value.is_object() || value.is_array())
                .collect();
            if nested.len() > MAX_KEYS {
                *capped = true;
            }
            let nested = &nested[..nested.len().min(MAX_KEYS)];
            if nested.is_empty() {
                return;
            }
            let wanted: HashSet<String> =
                nested.iter().map(|(k, _)| k.to_ascii_lowercase()).collect();
            let members = locate
                .opening(span, b'{')
                .map(|o| locate.members_at(o, span.1, &wanted))
                .unwrap_or_default();
            for (key, value) in nested {
                let member = members
                    .get(&key.to_ascii_lowercase())
                    .copied()
                    .unwrap_or(unknown_span);
                match value {
                    Value::Array(list) => {
                        let spans = locate
                            .opening(member, b'[')
                            .map_or_else(Vec::new, |o| locate.items_at(o, member.1));
                        items(list, spans, out, capped);
                    }
                    _ => azure_connections(value, member, depth + 1, locate, out, capped),
                }
            }
        }
        _ => {}
    }
}

fn is_azure_connection(v: &Value) -> bool {
    let typed =
        get_str(v, "type").is_some_and(|t| t.eq_ignore_ascii_case("Microsoft.Network/connections"));
    let props = get(v, "properties").filter(|p| p.is_object()).unwrap_or(v);
    typed
        || ["ipsecPolicies", "connectionProtocol", "connectionType"]
            .iter()
            .any(|k| get(props, k).is_some())
            && (get(props, "sharedKey").is_some()
                || get(props, "ipsecPolicies").is_some()
                || get(props, "virtualNetworkGateway1").is_some())
}

fn azure(root: &Value, locate: &Locator, set: &mut ConfigSet) {
    let file = locate.file;
    let mut connections = Vec::new();
    let mut capped = false;
    // A REST API example holds the connection in its request and in each response: the
    // response of a GET (200), else the first, is the one read.
    let responses = get(root, "responses")
        .filter(|_| get(root, "parameters").is_some())
        .and_then(Value::as_object);
    let response = responses.and_then(|r| {
        r.get_key_value("200")
            .or_else(|| r.iter().next())
            .map(|(status, body)| (status.clone(), body))
    });
    match response {
        Some((status, body)) => {
            let from = locate.key("responses", locate.whole()).unwrap_or(0);
            let from = locate
                .key(&status, (from, locate.lower.len()))
                .unwrap_or(from);
            azure_connections(
                body,
                (from, locate.lower.len()),
                0,
                locate,
                &mut connections,
                &mut capped,
            );
        }
        None => azure_connections(
            root,
            locate.whole(),
            0,
            locate,
            &mut connections,
            &mut capped,
        ),
    }
    if capped {
        set.note(
            file,
            None,
            format!(
                "an object with more than {MAX_KEYS} members holding objects or lists: the rest \
                 not searched for connections"
            ),
        );
    }
    // `az network vpn-connection ipsec-policy list`: the policies without their connection.
    let policies_only;
    if connections.is_empty() {
        if let Some(list) = root
            .as_array()
            .filter(|l| l.iter().any(|p| get(p, "ikeEncryption").is_some()))
        {
            let mut map = Map::new();
            map.insert("name".into(), Value::from("ipsec-policy list"));
            map.insert("ipsecPolicies".into(), Value::Array(list.clone()));
            policies_only = Value::Object(map);
            connections.push((&policies_only, locate.whole()));
        }
    }
    if connections.is_empty() {
        set.note(
            file,
            None,
            "no Azure connection (Microsoft.Network/connections) in this export",
        );
        return;
    }
    if connections.len() > MAX_TUNNELS {
        connections.truncate(MAX_TUNNELS);
        set.note(
            file,
            None,
            format!("more than {MAX_TUNNELS} connections; the rest not read"),
        );
    }
    for (n, (conn, span)) in connections.into_iter().enumerate() {
        azure_connection(conn, n, span, locate, set);
    }
}

/// Azure's `connectionMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AzureMode {
    /// Starts and answers.
    Default,
    ResponderOnly,
    InitiatorOnly,
}

fn azure_connection(conn: &Value, index: usize, span: Span, locate: &Locator, set: &mut ConfigSet) {
    let file = locate.file;
    let props = get(conn, "properties")
        .filter(|p| p.is_object())
        .unwrap_or(conn);
    let name = get_str(conn, "name")
        .map(|s| clip(s, MAX_NAME))
        .unwrap_or_else(|| format!("azure connection {}", index + 1));
    let at = locate
        .key_line("name", span)
        .or_else(|| locate.key_line("connectionType", span))
        .unwrap_or(locate.line(span.0));
    let line = |key: &str| locate.key_line(key, span);
    let note_at = |key: &str| line(key).map(|l| l.line).or(Some(at.line));
    if let Some(kind) = get_str(props, "connectionType") {
        if kind.eq_ignore_ascii_case("ExpressRoute") || kind.eq_ignore_ascii_case("VPNClient") {
            set.note(
                file,
                note_at("connectionType"),
                format!(
                    "{name}: a {} connection has no IKE peer; not read",
                    clip(kind, MAX_NAME)
                ),
            );
            return;
        }
    }
    let version = match (
        get_str(props, "connectionProtocol"),
        line("connectionProtocol"),
    ) {
        (Some(p), Some(l)) if p.eq_ignore_ascii_case("IKEv1") => {
            Setting::written(IkeVersions::V1, l)
        }
        (Some(p), Some(l)) if p.eq_ignore_ascii_case("IKEv2") => {
            Setting::written(IkeVersions::V2, l)
        }
        (Some(p), _) if !is_expression(p) => {
            set.note(
                file,
                note_at("connectionProtocol"),
                format!(
                    "{name}: connectionProtocol `{}` not read; IKEv2 assumed",
                    clip(p, MAX_NAME)
                ),
            );
            Setting::default_value(IkeVersions::V2)
        }
        _ => Setting::default_value(IkeVersions::V2),
    };
    // `connectionMode` (Microsoft.Network/connections): `ResponderOnly` never starts the SA,
    // `InitiatorOnly` does not answer one the on-premises side starts.
    let mode = match get_str(props, "connectionMode") {
        Some(m) if m.eq_ignore_ascii_case("ResponderOnly") => AzureMode::ResponderOnly,
        Some(m) if m.eq_ignore_ascii_case("InitiatorOnly") => AzureMode::InitiatorOnly,
        Some(m) if m.eq_ignore_ascii_case("Default") || is_expression(m) => AzureMode::Default,
        Some(m) => {
            set.note(
                file,
                note_at("connectionMode"),
                format!(
                    "{name}: connectionMode `{}` not read; Default (starts and answers) assumed",
                    clip(m, MAX_NAME)
                ),
            );
            AzureMode::Default
        }
        None => AzureMode::Default,
    };
    let mut unknown = NotUnderstood::default();
    let policies = azure_policies(props, &name, span, at, mode, locate, &mut unknown, set);
    if unknown.leave_out(&name, at, set) {
        return;
    }
    if mode == AzureMode::InitiatorOnly {
        // Kept as a peer that only starts (`initiator_only`); said too, as the on-premises
        // side's attempts fail however well the two agree.
        set.note(
            file,
            note_at("connectionMode"),
            format!(
                "{name}: connectionMode InitiatorOnly: Azure does not answer an SA the \
                 on-premises side starts, so only Azure starting it is compared"
            ),
        );
    }
    let certificate =
        get_str(props, "authenticationType").is_some_and(|t| t.eq_ignore_ascii_case("Certificate"));
    let method = match line("authenticationType") {
        Some(l) if certificate => Setting::written(AuthMethod::PublicKey, l),
        _ => match line("sharedKey") {
            Some(l) => Setting::written(AuthMethod::Psk, l),
            None => Setting::default_value(AuthMethod::Psk),
        },
    };
    // The on-premises end: the local network gateway, when the export expands it.
    let local_gateway = get(props, "localNetworkGateway2");
    let local_gateway_props =
        local_gateway.and_then(|g| get(g, "properties").filter(|p| p.is_object()).or(Some(g)));
    let peer_address = local_gateway_props
        .and_then(|g| get_str(g, "gatewayIpAddress").or_else(|| get_str(g, "fqdn")))
        .filter(|a| !is_expression(a))
        .map(|s| clip(s, MAX_NAME));
    let remote_addrs = match (&peer_address, line("gatewayIpAddress").or(line("fqdn"))) {
        // Azure never starts toward it: the address alone as whom it answers (as AWS's
        // tunnels that do not start); a host name has no such form, and no address answers
        // anyone (a host name matches any address here anyway).
        (Some(a), Some(l)) if mode == AzureMode::ResponderOnly => {
            Setting::written(answered_only(a).into_iter().collect(), l)
        }
        (Some(a), Some(l)) => Setting::written(vec![a.clone()], l),
        _ => Setting::default_value(Vec::new()),
    };
    if let Some(key) = get_str(props, "sharedKey") {
        if !certificate && real_secret(key) {
            let ids = peer_address.iter().cloned().collect();
            set.secrets
                .push(secret(ids, key, line("sharedKey").unwrap_or(at)));
        }
    }
    let (local_ts, remote_ts) =
        azure_selectors(props, local_gateway_props, &name, span, at, locate, set);
    let tunnel = Tunnel {
        name,
        at,
        implementation: Implementation::Azure,
        version,
        local_addrs: Setting::default_value(Vec::new()),
        remote_addrs,
        ike_proposals: policies.ike,
        method,
        local_id: Setting::default_value(None),
        // Azure documents no check of the on-premises side's IKE identity (and with a local
        // network gateway given by `fqdn`, a PSK peer still sends its address by default):
        // none is expected.
        remote_id: Setting::default_value(None),
        local_ts,
        remote_ts,
        esp_proposals: policies.esp,
        pfs_from_ike: policies.pfs_from_ike,
        ike_rekey: Setting::default_value(Some(AZURE_IKE_LIFETIME)),
        child_rekey: policies.child_rekey,
        initiator_only: mode == AzureMode::InitiatorOnly,
    };
    set.peers.push(tunnel.into_peer());
}

/// A connection's proposals and quick mode lifetime.
struct Policies {
    ike: Setting<Vec<Proposal>>,
    esp: Setting<Vec<Proposal>>,
    /// `pfsGroup PFSMM`: a rekey takes the IKE SA's group.
    pfs_from_ike: bool,
    child_rekey: Setting<Option<u64>>,
}

/// The six fields of one IPsec policy as strongSwan keyword lines, or what of it is not
/// understood (into `unknown`).
fn azure_policy(policy: &Value, n: usize, unknown: &mut NotUnderstood) -> Option<(String, String)> {
    let mut value = |key: &str| -> Option<String> {
        let v = get_str(policy, key).map(str::to_owned);
        if v.is_none() {
            unknown.add(format!("IPsec policy {}: no {key}", n + 1));
        }
        v
    };
    let fields = [
        value("ikeEncryption"),
        value("ikeIntegrity"),
        value("dhGroup"),
        value("ipsecEncryption"),
        value("ipsecIntegrity"),
        value("pfsGroup"),
    ];
    let [Some(ike_enc), Some(ike_int), Some(dh), Some(ipsec_enc), Some(ipsec_int), Some(pfs)] =
        fields
    else {
        return None;
    };
    let mut not_read = |key: &str, v: &str, why: &str| {
        unknown.add(format!("{key} `{}`{why}", clip(v, MAX_NAME)));
    };
    // IKE: the cipher, its integrity (for AES-GCM the PRF of that hash), the group.
    let encryption = proposal::microsoft_ike_encryption(&ike_enc);
    let hash = proposal::microsoft_ike_integrity(&ike_int);
    let group = proposal::azure_dh_group(&dh).filter(|g| *g != "none");
    if encryption.is_none() {
        not_read("ikeEncryption", &ike_enc, "");
    }
    if hash.is_none() {
        let why = if ike_int.to_ascii_uppercase().starts_with("GCMAES") {
            " (Microsoft documents no PRF for it)"
        } else {
            ""
        };
        not_read("ikeIntegrity", &ike_int, why);
    }
    if group.is_none() {
        not_read("dhGroup", &dh, "");
    }
    // ESP: the cipher, its integrity unless AES-GCM (the same GCM for both, as Azure requires),
    // the PFS group; PFSMM is the IKE SA's (`pfs_from_ike`).
    let cipher = proposal::microsoft_esp_encryption(&ipsec_enc);
    let integrity = proposal::azure_esp_integrity(&ipsec_int);
    let pfs_group = if pfs.eq_ignore_ascii_case("PFSMM") {
        Some("none")
    } else {
        proposal::microsoft_pfs_group(&pfs)
    };
    if cipher.is_none() {
        not_read("ipsecEncryption", &ipsec_enc, "");
    }
    if integrity.is_none() {
        not_read("ipsecIntegrity", &ipsec_int, "");
    }
    if pfs_group.is_none() {
        not_read("pfsGroup", &pfs, "");
    }
    let (encryption, hash, group, cipher, integrity, pfs_group) =
        (encryption?, hash?, group?, cipher?, integrity?, pfs_group?);
    let ike = if encryption.contains("gcm") {
        format!("{encryption}-prf{hash}-{group}")
    } else {
        format!("{encryption}-{hash}-{group}")
    };
    let mut esp = match (cipher.contains("gcm"), integrity.contains("gcm")) {
        (true, true) if cipher == integrity => cipher.to_owned(),
        (false, false) => format!("{cipher}-{integrity}"),
        _ => {
            unknown.add(format!(
                "ipsecEncryption `{}` with ipsecIntegrity `{}` (Azure takes the same AES-GCM for \
                 both or for neither)",
                clip(&ipsec_enc, MAX_NAME),
                clip(&ipsec_int, MAX_NAME)
            ));
            return None;
        }
    };
    if pfs_group != "none" {
        esp = format!("{esp}-{pfs_group}");
    }
    Some((ike, esp))
}

#[allow(clippy::too_many_arguments)]
fn azure_policies(
    props: &Value,
    name: &str,
    span: Span,
    at: Line,
    mode: AzureMode,
    locate: &Locator,
    unknown: &mut NotUnderstood,
    set: &mut ConfigSet,
) -> Policies {
    let file = locate.file;
    let policies: Vec<&Value> = get(props, "ipsecPolicies")
        .and_then(Value::as_array)
        .map(|p| p.iter().collect())
        .unwrap_or_default();
    let list_line = locate.key_line("ipsecPolicies", span).unwrap_or(at);
    if policies.is_empty() {
        // Azure's default offers. As initiator it offers only the first six quick mode
        // proposals (no PFS); as responder it takes all 26. The model has one list per peer:
        // an Azure that only starts gets the six; one that also answers gets the 26. That
        // assumes the other side starts the rekeys: a rekey Azure starts toward a peer that
        // requires PFS is compared with offers Azure makes only as responder.
        let esp = if mode == AzureMode::InitiatorOnly {
            &AZURE_ESP[..AZURE_ESP_AS_INITIATOR]
        } else {
            AZURE_ESP
        };
        return Policies {
            ike: Setting::default_value(fixed_proposals("IKE", AZURE_IKE)),
            esp: Setting::default_value(fixed_proposals("ESP", esp)),
            pfs_from_ike: false,
            child_rekey: Setting::default_value(Some(AZURE_CHILD_LIFETIME)),
        };
    }
    if policies.len() > MAX_POLICIES {
        set.note(
            file,
            Some(list_line.line),
            format!("{name}: more than {MAX_POLICIES} IPsec policies; the rest not read"),
        );
    }
    let spans = locate.items_of("ipsecPolicies", span);
    let (mut ike_lines, mut esp_lines) = (Vec::new(), Vec::new());
    let mut pfs_from_ike = false;
    let mut lifetime = None;
    for (n, policy) in policies.iter().take(MAX_POLICIES).enumerate() {
        let policy_span = spans.get(n).copied().unwrap_or(span);
        lifetime = lifetime.or(get_u64(policy, "saLifeTimeSeconds")
            .zip(locate.key_line("saLifeTimeSeconds", policy_span)));
        pfs_from_ike |=
            get_str(policy, "pfsGroup").is_some_and(|p| p.eq_ignore_ascii_case("PFSMM"));
        if let Some((ike, esp)) = azure_policy(policy, n, unknown) {
            ike_lines.push(ike);
            esp_lines.push(esp);
        }
    }
    let ike = build("IKE", &ike_lines, unknown);
    let esp = build("ESP", &esp_lines, unknown);
    let child_rekey = match lifetime {
        Some((seconds, line)) => Setting::written(Some(seconds), line),
        None => Setting::default_value(Some(AZURE_CHILD_LIFETIME)),
    };
    Policies {
        ike: Setting::written(ike, list_line),
        esp: Setting::written(esp, list_line),
        pfs_from_ike,
        child_rekey,
    }
}

/// Azure's traffic selectors: a route-based connection negotiates any to any; a policy-based
/// one its `trafficSelectorPolicies`, else the two sides' address spaces.
fn azure_selectors(
    props: &Value,
    local_gateway: Option<&Value>,
    name: &str,
    span: Span,
    at: Line,
    locate: &Locator,
    set: &mut ConfigSet,
) -> (Setting<Vec<TrafficSelector>>, Setting<Vec<TrafficSelector>>) {
    let file = locate.file;
    let any = || Setting::default_value(any_selectors());
    if !get_bool(props, "usePolicyBasedTrafficSelectors").unwrap_or(false) {
        return (any(), any());
    }
    let policy_line = locate
        .key_line("usePolicyBasedTrafficSelectors", span)
        .unwrap_or(at);
    let policies: Vec<&Value> = get(props, "trafficSelectorPolicies")
        .and_then(Value::as_array)
        .map(|p| p.iter().take(MAX_POLICIES).collect())
        .unwrap_or_default();
    if !policies.is_empty() {
        let line = locate
            .key_line("trafficSelectorPolicies", span)
            .unwrap_or(policy_line);
        let gather = |key: &str| -> Vec<TrafficSelector> {
            let items: Vec<String> = policies
                .iter()
                .filter_map(|p| texts(p, key))
                .flatten()
                .take(MAX_ITEMS)
                .collect();
            selectors(&items)
        };
        return (
            Setting::written(gather("localAddressRanges"), line),
            Setting::written(gather("remoteAddressRanges"), line),
        );
    }
    // Without explicit selectors: the virtual network's prefixes (not in a connection) and the
    // local network gateway's.
    set.note(
        file,
        Some(policy_line.line),
        format!(
            "{name}: policy-based traffic selectors without trafficSelectorPolicies take the virtual network's address space, which a connection does not hold"
        ),
    );
    let local = Setting::written(
        vec![TrafficSelector::Unknown(
            "the virtual network's address space".into(),
        )],
        policy_line,
    );
    let prefixes = local_gateway
        .and_then(|g| get(g, "localNetworkAddressSpace"))
        .and_then(|s| texts(s, "addressPrefixes"));
    let remote = match (prefixes, locate.key_line("addressPrefixes", span)) {
        (Some(p), Some(line)) => Setting::written(selectors(&p), line),
        _ => Setting::written(
            vec![TrafficSelector::Unknown(
                "the local network gateway's address space".into(),
            )],
            policy_line,
        ),
    };
    (local, remote)
}

// ---------------------------------------------------------------------------------------------
// Google Cloud.

/// Where a Google tunnel's keys are: a JSON element, or a YAML document's lines.
enum Cite<'a> {
    Json(&'a Locator, Span),
    Yaml(usize, HashMap<String, u32>),
}

impl Cite<'_> {
    fn at(&self, key: &str) -> Option<Line> {
        match self {
            Cite::Json(locate, span) => locate.key_line(key, *span),
            Cite::Yaml(file, lines) => lines.get(key).map(|&line| Line { file: *file, line }),
        }
    }
}

fn google_json(root: &Value, locate: &Locator, set: &mut ConfigSet) {
    let file = locate.file;
    // `describe` prints one tunnel; `list --format=json` an array; the REST list `items`.
    let (tunnels, spans): (Vec<&Value>, Vec<Span>) = match root {
        Value::Array(items) => {
            let open = locate.lower.find('[').unwrap_or(0);
            (
                items.iter().collect(),
                locate.items_at(open, locate.lower.len()),
            )
        }
        Value::Object(_) => match get(root, "items") {
            Some(Value::Array(items)) => (
                items.iter().collect(),
                locate.items_of("items", locate.whole()),
            ),
            _ => (vec![root], vec![locate.whole()]),
        },
        _ => (Vec::new(), Vec::new()),
    };
    let tunnels: Vec<(&Value, Span)> = tunnels
        .into_iter()
        .enumerate()
        .filter(|(_, t)| {
            get(t, "peerIp").is_some() || get_str(t, "kind") == Some("compute#vpnTunnel")
        })
        .map(|(n, t)| (t, spans.get(n).copied().unwrap_or(locate.whole())))
        .collect();
    if tunnels.is_empty() {
        set.note(
            file,
            None,
            "no Cloud VPN tunnel (compute#vpnTunnel) in this export",
        );
        return;
    }
    for (n, (tunnel, span)) in tunnels.into_iter().enumerate() {
        if n == MAX_TUNNELS {
            set.note(
                file,
                None,
                format!("more than {MAX_TUNNELS} tunnels; the rest not read"),
            );
            break;
        }
        google_tunnel(tunnel, &Cite::Json(locate, span), locate.line(span.0), set);
    }
}

/// One YAML document: its values, each key's line, and its first line.
type YamlDoc = (Map<String, Value>, HashMap<String, u32>, u32);

/// gcloud's YAML for tunnels, as JSON values with each key's line.
fn google_yaml(text: &str, locate: &Locator, set: &mut ConfigSet) {
    let file = locate.file;
    let mut docs: Vec<YamlDoc> = Vec::new();
    let mut current: Option<YamlDoc> = None;
    let mut list_key: Option<String> = None;
    for (n, raw) in text.lines().enumerate() {
        if n == MAX_YAML_LINES {
            set.note(
                file,
                Some(n as u32),
                format!("more than {MAX_YAML_LINES} lines; the rest not read"),
            );
            break;
        }
        let line_no = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let line = raw.trim_end();
        if line.trim() == "---" {
            docs.extend(current.take());
            list_key = None;
            continue;
        }
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let doc = current.get_or_insert_with(|| (Map::new(), HashMap::new(), line_no));
        let indented = line.starts_with([' ', '\t']);
        let trimmed = line.trim_start();
        if let Some(item) = trimmed
            .strip_prefix("- ")
            .or_else(|| (trimmed == "-").then_some(""))
        {
            // A list item belongs to the last `key:` at the top level.
            if let Some(key) = &list_key {
                if let Some(Value::Array(items)) = doc.0.get_mut(key) {
                    if items.len() < MAX_ITEMS {
                        items.push(Value::String(unquote(item)));
                    }
                }
            }
            continue;
        }
        if indented {
            // A nested map's line (`labels:`, `cipherSuite:`): not a tunnel field read here.
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim().to_owned();
        let value = value.trim();
        if doc.0.len() >= 200 {
            continue;
        }
        doc.1.insert(key.clone(), line_no);
        if value.is_empty() {
            doc.0.insert(key.clone(), Value::Array(Vec::new()));
            list_key = Some(key);
        } else {
            list_key = None;
            let value = unquote(value);
            let json = match value.parse::<u64>() {
                Ok(n) => Value::from(n),
                Err(_) => Value::String(value),
            };
            doc.0.insert(key, json);
        }
    }
    docs.extend(current);
    let mut read = 0;
    for (map, lines, start) in docs {
        let tunnel = Value::Object(map);
        if get(&tunnel, "peerIp").is_none() {
            continue;
        }
        if read == MAX_TUNNELS {
            set.note(
                file,
                None,
                format!("more than {MAX_TUNNELS} tunnels; the rest not read"),
            );
            break;
        }
        read += 1;
        google_tunnel(
            &tunnel,
            &Cite::Yaml(file, lines),
            Line { file, line: start },
            set,
        );
    }
    if read == 0 {
        set.note(file, None, "no Cloud VPN tunnel (peerIp) in this export");
    }
}

fn unquote(text: &str) -> String {
    let t = text.trim();
    let inner = t
        .strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .or_else(|| t.strip_prefix('"').and_then(|s| s.strip_suffix('"')))
        .unwrap_or(t);
    inner.chars().take(256).collect()
}

/// Google's cipher names (`AES-CBC-256`, `AES-GCM-16-128`, `HMAC-SHA2-256-128`,
/// `PRF-HMAC-SHA2-256`, `MODP_2048`, `Group-14`) as strongSwan keywords.
fn google_keyword(name: &str) -> Option<String> {
    let n = name.trim().to_ascii_uppercase().replace('_', "-");
    let fixed = match n.as_str() {
        "3DES-CBC" | "3DES" => Some("3des"),
        "HMAC-SHA1-96" | "SHA1" => Some("sha1"),
        "HMAC-MD5-96" | "MD5" => Some("md5"),
        "HMAC-SHA2-256-128" | "SHA2-256" | "SHA256" => Some("sha256"),
        "HMAC-SHA2-384-192" | "SHA2-384" | "SHA384" => Some("sha384"),
        "HMAC-SHA2-512-256" | "SHA2-512" | "SHA512" => Some("sha512"),
        "AES-XCBC-96" => Some("aesxcbc"),
        "AES-CMAC-96" => Some("aescmac"),
        "PRF-HMAC-SHA1" => Some("prfsha1"),
        "PRF-HMAC-MD5" => Some("prfmd5"),
        "PRF-HMAC-SHA2-256" => Some("prfsha256"),
        "PRF-HMAC-SHA2-384" => Some("prfsha384"),
        "PRF-HMAC-SHA2-512" => Some("prfsha512"),
        "PRF-AES128-XCBC" => Some("prfaesxcbc"),
        "PRF-AES128-CMAC" => Some("prfaescmac"),
        "MODP-2048-224" => Some("modp2048s224"),
        "MODP-2048-256" => Some("modp2048s256"),
        "MODP-1024-160" => Some("modp1024s160"),
        _ => None,
    };
    if let Some(k) = fixed {
        return Some(k.to_owned());
    }
    let parts: Vec<&str> = n.split('-').collect();
    match parts.as_slice() {
        ["AES", "CBC", bits] => Some(format!("aes{bits}")),
        ["AES", "GCM", icv, bits] => Some(format!("aes{bits}gcm{icv}")),
        ["GROUP", number] => group_keyword_of_number(number).map(str::to_owned),
        ["MODP", bits] | ["MODP", bits, "BIT"] => Some(format!("modp{bits}")),
        ["ECP", bits] | ["ECP", bits, "BIT"] => Some(format!("ecp{bits}")),
        ["CURVE", bits] => Some(format!("curve{bits}")),
        _ => None,
    }
}

/// A `cipherSuite` phase's roles as the proposals of one line, in the roles' order; what is
/// not read goes to `unknown`.
fn google_phase(
    suite: &Value,
    key: &str,
    roles: &[&str],
    protocol: &str,
    unknown: &mut NotUnderstood,
) -> Vec<Proposal> {
    let Some(phase) = get(suite, key).filter(|p| p.is_object()) else {
        // What Google takes for a phase the suite leaves out is not documented here: not
        // Google's whole list, which would read as "takes everything".
        unknown.add(format!("cipherSuite without {key}"));
        return Vec::new();
    };
    let mut parts = Vec::new();
    for role in roles {
        // Lists of names; a request body joins them with commas in one string.
        let values = texts(phase, role).or_else(|| {
            get_str(phase, role).map(|s| s.split(',').map(|v| v.trim().to_owned()).collect())
        });
        let Some(values) = values else {
            if get(phase, role)
                .is_some_and(|v| !v.is_null() && v.as_array().is_none_or(|l| !l.is_empty()))
            {
                unknown.add(format!("cipherSuite {key} {role}"));
            }
            continue;
        };
        for value in values.into_iter().take(MAX_ITEMS) {
            match google_keyword(&value) {
                Some(k) => parts.push(k),
                None => unknown.add(format!(
                    "cipherSuite {key} {role} `{}`",
                    clip(&value, MAX_NAME)
                )),
            }
        }
    }
    if parts.is_empty() {
        unknown.add(format!("cipherSuite {key} without an algorithm"));
        return Vec::new();
    }
    build(protocol, &[parts.join("-")], unknown)
}

fn google_tunnel(tunnel: &Value, cite: &Cite, start: Line, set: &mut ConfigSet) {
    let file = start.file;
    let name = get_str(tunnel, "name")
        .map(|s| clip(s, MAX_NAME))
        .unwrap_or_else(|| "cloud vpn tunnel".into());
    let at = cite.at("name").unwrap_or(start);
    let peer = get_str(tunnel, "peerIp").map(|s| clip(s, MAX_NAME));
    let remote_addrs = match (&peer, cite.at("peerIp")) {
        (Some(p), Some(l)) => Setting::written(vec![p.clone()], l),
        _ => Setting::default_value(Vec::new()),
    };
    let version = match (get_u64(tunnel, "ikeVersion"), cite.at("ikeVersion")) {
        (Some(1), Some(l)) => Setting::written(IkeVersions::V1, l),
        (Some(2), Some(l)) => Setting::written(IkeVersions::V2, l),
        _ => Setting::default_value(IkeVersions::V2),
    };
    let ts = |key: &str| match (texts(tunnel, key), cite.at(key)) {
        (Some(items), Some(l)) => Setting::written(selectors(&items), l),
        // Route-based and HA VPN tunnels negotiate 0.0.0.0/0 both ways.
        _ => Setting::default_value(any_selectors()),
    };
    if get(tunnel, "sharedSecretHash").is_some() {
        set.note(
            file,
            cite.at("sharedSecretHash").map(|l| l.line),
            format!("{name}: sharedSecretHash is a hash of the shared secret, not the secret: the pre-shared key is not compared"),
        );
    }
    let mut unknown = NotUnderstood::default();
    let (ike_proposals, esp_proposals) = match get(tunnel, "cipherSuite").filter(|s| !s.is_null()) {
        // No suite: Google's supported ciphers.
        None => (
            Setting::default_value(
                GOOGLE_IKE
                    .iter()
                    .filter_map(|l| {
                        Proposal::from_strongswan("IKE", &format!("{l}-{GOOGLE_GROUPS}")).ok()
                    })
                    .collect(),
            ),
            Setting::default_value(
                GOOGLE_ESP
                    .iter()
                    .filter_map(|l| {
                        Proposal::from_strongswan("ESP", &format!("{l}-{GOOGLE_GROUPS}-none")).ok()
                    })
                    .collect(),
            ),
        ),
        Some(suite) if !suite.is_object() => {
            unknown.add(match cite {
                Cite::Yaml(..) => "cipherSuite (nested YAML, not read here: give `--format=json` \
                                   for it)"
                    .to_owned(),
                Cite::Json(..) => "cipherSuite (not an object)".to_owned(),
            });
            (
                Setting::default_value(Vec::new()),
                Setting::default_value(Vec::new()),
            )
        }
        Some(suite) => {
            let suite_at = cite.at("cipherSuite").unwrap_or(at);
            let ike = google_phase(
                suite,
                "phase1",
                &["encryption", "integrity", "prf", "dh"],
                "IKE",
                &mut unknown,
            );
            let esp = google_phase(
                suite,
                "phase2",
                &["encryption", "integrity", "pfs"],
                "ESP",
                &mut unknown,
            );
            (
                Setting::written(ike, suite_at),
                Setting::written(esp, suite_at),
            )
        }
    };
    if unknown.leave_out(&name, at, set) {
        return;
    }
    let tunnel = Tunnel {
        name,
        at,
        implementation: Implementation::GoogleCloud,
        version,
        local_addrs: Setting::default_value(Vec::new()),
        remote_addrs,
        ike_proposals,
        method: Setting::default_value(AuthMethod::Psk),
        local_id: Setting::default_value(None),
        remote_id: Setting::default_value(peer),
        local_ts: ts("localTrafficSelector"),
        remote_ts: ts("remoteTrafficSelector"),
        esp_proposals,
        pfs_from_ike: false,
        ike_rekey: Setting::default_value(Some(GOOGLE_PHASE1_LIFETIME)),
        child_rekey: Setting::default_value(Some(GOOGLE_PHASE2_LIFETIME)),
        initiator_only: false,
    };
    set.peers.push(tunnel.into_peer());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// batfish/batfish `projects/batfish/src/test/resources/org/batfish/representation/aws/VpnConnectionWithTunnelOptions.json`
    /// @ 940c53441e9f (a real 2017 `describe-vpn-connections` capture; PSKs replaced by
    /// same-length placeholders): https://github.com/batfish/batfish
    const AWS_DESCRIBE: &str = include_str!(
        "../../../tests/fixtures/configs/published/cloud/aws-describe-vpn-connections.json"
    );
    /// aws/aws-cli `awscli/examples/ec2/modify-vpn-tunnel-options.rst` @ d8c0f81f1147 (the
    /// output of the example): https://github.com/aws/aws-cli
    const AWS_MODIFY: &str = include_str!(
        "../../../tests/fixtures/configs/published/cloud/aws-modify-vpn-tunnel-options.json"
    );
    /// aws/aws-cli `awscli/examples/ec2/describe-vpn-connections.rst` @ 987e2bbf9881 (2013
    /// output, without tunnel options): https://github.com/aws/aws-cli
    const AWS_NO_TUNNEL_OPTIONS: &str = include_str!(
        "../../../tests/fixtures/configs/published/cloud/aws-describe-vpn-connections-no-tunnel-options.json"
    );
    /// aws/aws-cli `awscli/examples/ec2/create-vpn-connection.rst`, example 4 (IPv6 inside the
    /// tunnels, `StartupAction: start`): https://github.com/aws/aws-cli
    const AWS_CREATE_IPV6: &str = include_str!(
        "../../../tests/fixtures/configs/published/cloud/aws-create-vpn-connection-ipv6-start.json"
    );
    /// Azure/azure-cli `src/azure-cli/azure/cli/command_modules/network/tests/latest/recordings/test_network_vpn_connection_ipsec.yaml`
    /// @ 02652b64bd9d (the recorded GET of the connection): https://github.com/Azure/azure-cli
    const AZURE_SHOW: &str = include_str!(
        "../../../tests/fixtures/configs/published/cloud/azure-vpn-connection-show.json"
    );
    /// The same recording after `az network vpn-connection ipsec-policy clear`.
    const AZURE_SHOW_DEFAULT: &str = include_str!(
        "../../../tests/fixtures/configs/published/cloud/azure-vpn-connection-show-default-policy.json"
    );
    /// Azure/azure-rest-api-specs `specification/network/resource-manager/Microsoft.Network/stable/2023-09-01/examples/VirtualNetworkGatewayConnectionCreate.json`
    /// @ e86d0248ef1f: https://github.com/Azure/azure-rest-api-specs
    const AZURE_REST: &str = include_str!(
        "../../../tests/fixtures/configs/published/cloud/azure-rest-connection-create-example.json"
    );
    /// Google Cloud's how-to "Create HA VPN connections between Google Cloud and Azure": the
    /// expected `gcloud compute vpn-tunnels describe` output (public GitHub index id
    /// 59901647532; the repository was not reported).
    const GCP_YAML: &str = include_str!(
        "../../../tests/fixtures/configs/published/cloud/gcp-vpn-tunnels-describe.yaml"
    );
    /// A `vpnTunnels.get` response published in someone's notes (public GitHub index; the
    /// repository was not reported): the JSON gcloud's `--format=json` prints.
    const GCP_JSON: &str = include_str!(
        "../../../tests/fixtures/configs/published/cloud/gcp-vpn-tunnel-rest-get.json"
    );

    fn read_as(text: &str, name: &str) -> ConfigSet {
        let mut set = ConfigSet::default();
        let file = set.add_file(name);
        let kind = looks_like(text).expect("a cloud export");
        read(text, kind, file, &mut set);
        set
    }

    fn charon(list: &[Proposal]) -> Vec<String> {
        list.iter().map(Proposal::charon).collect()
    }

    fn described(list: &[TrafficSelector]) -> Vec<String> {
        list.iter().map(TrafficSelector::describe).collect()
    }

    #[test]
    fn kinds_from_content() {
        assert_eq!(looks_like(AWS_DESCRIBE), Some(CloudKind::Aws));
        assert_eq!(looks_like(AWS_MODIFY), Some(CloudKind::Aws));
        assert_eq!(looks_like(AZURE_SHOW), Some(CloudKind::Azure));
        assert_eq!(looks_like(AZURE_REST), Some(CloudKind::Azure));
        assert_eq!(looks_like(GCP_YAML), Some(CloudKind::GoogleCloud));
        assert_eq!(looks_like(GCP_JSON), Some(CloudKind::GoogleCloud));
        assert_eq!(looks_like("connections {\n}\n"), None);
        assert_eq!(looks_like("{\"uuid\": \"x\"}"), None);
    }

    #[test]
    fn aws_describe_with_tunnel_options() {
        let set = read_as(AWS_DESCRIBE, "vpn.json");
        assert!(set.notes.is_empty(), "{:?}", set.notes);
        assert_eq!(set.peers.len(), 2);
        let p = &set.peers[0];
        assert_eq!(p.name, "vpn-ba2e34a8 tunnel 1");
        assert_eq!(p.implementation, Implementation::Aws);
        assert_eq!(p.local_addrs.value, vec!["52.27.166.152"]);
        // The customer gateway from the XML; AWS only answers it (no StartupAction).
        assert_eq!(p.remote_addrs.value, vec!["147.75.69.27/32"]);
        assert!(p.responder_only());
        assert_eq!(p.version.value, IkeVersions::Any);
        assert_eq!(p.local_auth[0].method.value, AuthMethod::Psk);
        assert_eq!(p.local_auth[0].id.value.as_deref(), Some("52.27.166.152"));
        assert_eq!(p.remote_auth[0].id.value.as_deref(), Some("147.75.69.27"));
        assert_eq!(
            charon(&p.ike_proposals.value),
            vec![
                "IKE:AES_CBC_128/HMAC_SHA1_96/HMAC_SHA2_512_256/PRF_HMAC_SHA1/PRF_HMAC_SHA2_512/MODP_1024",
                "IKE:AES_GCM_16_128/PRF_HMAC_SHA1/PRF_HMAC_SHA2_512/MODP_1024",
            ]
        );
        assert!(p.ike_proposals.at.is_some());
        let child = &p.children[0];
        assert_eq!(
            charon(&child.esp_proposals.value),
            vec![
                "ESP:AES_CBC_128/HMAC_SHA2_512_256/MODP_3072/MODP_4096",
                "ESP:AES_GCM_16_128/MODP_3072/MODP_4096",
            ]
        );
        assert_eq!(described(&child.local_ts.value), vec!["0.0.0.0/0"]);
        assert_eq!(child.local_ts.at, None);
        assert_eq!(p.rekey_seconds.value, Some(28_800));
        assert_eq!(child.rekey_seconds.value, Some(3_600));
        // Each tunnel's key, as a fingerprint and a length only.
        assert_eq!(set.secrets.len(), 2);
        let s = &set.secrets[0];
        assert_eq!(s.kind, SecretKind::Ike);
        assert_eq!(s.length, 32);
        assert_eq!(
            s.fingerprint,
            fingerprint(b"PSK_PLACEHOLDER_TUNNEL1_32CHARSX")
        );
        assert_eq!(s.ids, vec!["52.27.166.152", "147.75.69.27"]);
        let psk_line = AWS_DESCRIBE
            .lines()
            .position(|l| l.contains("PSK_PLACEHOLDER_TUNNEL1_32CHARSX\","))
            .map(|i| i as u32 + 1);
        assert_eq!(Some(s.at.line), psk_line);
        // The second tunnel cites its own lines.
        let q = &set.peers[1];
        assert_eq!(q.local_addrs.value, vec!["52.39.121.126"]);
        assert_eq!(
            charon(&q.ike_proposals.value)[0],
            "IKE:AES_CBC_256/HMAC_SHA1_96/HMAC_SHA2_512_256/PRF_HMAC_SHA1/PRF_HMAC_SHA2_512/MODP_1024_160/MODP_2048_224"
        );
        assert!(q.ike_proposals.at.map(|l| l.line) > p.ike_proposals.at.map(|l| l.line));
        assert_eq!(
            set.secrets[1].fingerprint,
            fingerprint(b"PSK_PLACEHOLDER_TUNNEL2_32CHARSX")
        );
    }

    #[test]
    fn aws_absent_lists_take_the_documented_defaults() {
        let set = read_as(AWS_MODIFY, "modify.json");
        assert!(set.notes.is_empty(), "{:?}", set.notes);
        assert_eq!(set.peers.len(), 2);
        let p = &set.peers[0];
        assert_eq!(p.name, "vpn-12345678901234567 tunnel 1");
        // Only the DH groups are written; the ciphers are AWS's defaults.
        assert!(p.ike_proposals.at.is_some());
        assert_eq!(
            charon(&p.ike_proposals.value)[0],
            "IKE:AES_CBC_128/AES_CBC_256/HMAC_SHA1_96/HMAC_SHA2_256_128/HMAC_SHA2_384_192/HMAC_SHA2_512_256/PRF_HMAC_SHA1/PRF_HMAC_SHA2_256/PRF_HMAC_SHA2_384/PRF_HMAC_SHA2_512/MODP_2048/MODP_3072/MODP_4096/MODP_6144/MODP_8192"
        );
        let q = &set.peers[1];
        assert_eq!(q.local_addrs.value, vec!["203.0.114.19"]);
        assert_eq!(q.ike_proposals.at, None);
        assert_eq!(q.ike_proposals.value.len(), 2);
        assert_eq!(q.ike_proposals.value[0].groups.len(), AWS_PHASE1_DH.len());
        assert_eq!(
            q.children[0].esp_proposals.value[1].groups.len(),
            AWS_PHASE2_DH.len()
        );
        assert_eq!(
            charon(&q.ike_proposals.value)[1],
            "IKE:AES_GCM_16_128/AES_GCM_16_256/PRF_HMAC_SHA1/PRF_HMAC_SHA2_256/PRF_HMAC_SHA2_384/PRF_HMAC_SHA2_512/MODP_1024/MODP_2048/MODP_3072/MODP_4096/MODP_6144/MODP_8192/ECP_256/ECP_384/ECP_521/MODP_1024_160/MODP_2048_224/MODP_2048_256"
        );
        // No key and no customer gateway address in this output.
        assert!(set.secrets.is_empty());
        assert!(q.remote_addrs.value.is_empty());
        assert_eq!(q.remote_addrs.value.len(), 0);
    }

    #[test]
    fn aws_ipv6_tunnels_that_start() {
        let set = read_as(AWS_CREATE_IPV6, "create.json");
        assert!(set.notes.is_empty(), "{:?}", set.notes);
        let p = &set.peers[0];
        assert_eq!(described(&p.children[0].local_ts.value), vec!["::/0"]);
        assert!(p.children[0].local_ts.at.is_some());
        assert_eq!(described(&p.children[0].remote_ts.value), vec!["::/0"]);
    }

    #[test]
    fn aws_output_without_tunnel_options_is_noted() {
        let set = read_as(AWS_NO_TUNNEL_OPTIONS, "old.json");
        assert!(set.peers.is_empty());
        assert_eq!(set.notes.len(), 1);
        assert!(
            set.notes[0].message.contains("vpn-40f41529"),
            "{:?}",
            set.notes
        );
    }

    #[test]
    fn azure_connection_with_a_custom_policy() {
        let set = read_as(AZURE_SHOW, "conn1.json");
        assert!(set.notes.is_empty(), "{:?}", set.notes);
        assert_eq!(set.peers.len(), 1);
        let p = &set.peers[0];
        assert_eq!(p.name, "conn1");
        assert_eq!(p.implementation, Implementation::Azure);
        assert_eq!(p.version.value, IkeVersions::V2);
        assert!(p.version.at.is_some());
        assert_eq!(
            charon(&p.ike_proposals.value),
            vec!["IKE:AES_CBC_256/HMAC_SHA2_384_192/PRF_HMAC_SHA2_384/MODP_2048_256"]
        );
        let child = &p.children[0];
        assert_eq!(
            charon(&child.esp_proposals.value),
            vec!["ESP:AES_GCM_16_256/MODP_2048_256"]
        );
        assert_eq!(child.rekey_seconds.value, Some(7200));
        // Route-based: any to any.
        assert_eq!(described(&child.local_ts.value), vec!["0.0.0.0/0"]);
        assert_eq!(set.secrets.len(), 1);
        assert_eq!(set.secrets[0].length, "AzureA1b2C3".len());
        assert_eq!(set.secrets[0].fingerprint, fingerprint(b"AzureA1b2C3"));
        let key_line = AZURE_SHOW.lines().position(|l| l.contains("\"sharedKey\""));
        assert_eq!(
            Some(set.secrets[0].at.line as usize),
            key_line.map(|i| i + 1)
        );
    }

    #[test]
    fn azure_connection_without_a_policy_takes_the_documented_offers() {
        let set = read_as(AZURE_SHOW_DEFAULT, "conn1.json");
        assert!(set.notes.is_empty(), "{:?}", set.notes);
        let p = &set.peers[0];
        assert_eq!(p.ike_proposals.at, None);
        assert_eq!(p.ike_proposals.value.len(), AZURE_IKE.len());
        assert_eq!(
            p.ike_proposals.value[0].charon(),
            "IKE:AES_CBC_256/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024"
        );
        assert_eq!(p.children[0].esp_proposals.value.len(), AZURE_ESP.len());
        assert_eq!(p.children[0].rekey_seconds.value, Some(27_000));
    }

    #[test]
    fn azure_rest_example_reads_the_response_once() {
        let set = read_as(AZURE_REST, "create.json");
        assert!(set.notes.is_empty(), "{:?}", set.notes);
        assert_eq!(set.peers.len(), 1);
        let p = &set.peers[0];
        assert_eq!(p.name, "connS2S");
        assert_eq!(p.local_auth[0].method.value, AuthMethod::Psk);
        // The 200 response's key (the spec's placeholder), cited there.
        assert_eq!(set.secrets.len(), 1);
        assert_eq!(set.secrets[0].length, 6);
        let last_key = AZURE_REST
            .lines()
            .enumerate()
            .filter(|(_, l)| l.contains("\"sharedKey\""))
            .map(|(i, _)| i)
            .last();
        assert_eq!(
            Some(set.secrets[0].at.line as usize),
            last_key.map(|i| i + 1)
        );
        // No custom policy: Azure's default offers.
        assert_eq!(p.ike_proposals.at, None);
        assert_eq!(p.ike_proposals.value.len(), AZURE_IKE.len());
        let certificate = AZURE_REST.replace(
            "\"connectionMode\"",
            "\"authenticationType\": \"Certificate\", \"connectionMode\"",
        );
        let set = read_as(&certificate, "create.json");
        assert_eq!(
            set.peers[0].local_auth[0].method.value,
            AuthMethod::PublicKey
        );
        assert!(set.secrets.is_empty());
    }

    #[test]
    fn azure_value_spellings() {
        let text = r#"{"name": "c", "properties": {"connectionType": "IPsec", "sharedKey": "k",
            "ipsecPolicies": [{"ikeEncryption": "GCMAES256", "ikeIntegrity": "SHA384",
            "dhGroup": "ECP384", "ipsecEncryption": "AES256", "ipsecIntegrity": "SHA256",
            "pfsGroup": "PFS2048", "saLifeTimeSeconds": 3600}],
            "usePolicyBasedTrafficSelectors": true,
            "trafficSelectorPolicies": [{"localAddressRanges": ["10.1.0.0/16"],
              "remoteAddressRanges": ["192.168.0.0/24"]}]}}"#;
        let set = read_as(text, "c.json");
        assert!(set.notes.is_empty(), "{:?}", set.notes);
        let p = &set.peers[0];
        assert_eq!(
            charon(&p.ike_proposals.value),
            vec!["IKE:AES_GCM_16_256/PRF_HMAC_SHA2_384/ECP_384"]
        );
        let child = &p.children[0];
        assert_eq!(
            charon(&child.esp_proposals.value),
            vec!["ESP:AES_CBC_256/HMAC_SHA2_256_128/MODP_2048"]
        );
        assert_eq!(described(&child.local_ts.value), vec!["10.1.0.0/16"]);
        assert_eq!(described(&child.remote_ts.value), vec!["192.168.0.0/24"]);
        let mm = read_as(&text.replace("PFS2048", "PFSMM"), "c.json");
        assert!(mm.notes.is_empty(), "{:?}", mm.notes);
        assert!(mm.peers[0].children[0].pfs_from_ike);
        assert_eq!(
            charon(&mm.peers[0].children[0].esp_proposals.value),
            vec!["ESP:AES_CBC_256/HMAC_SHA2_256_128"]
        );
        // A value not understood: the connection is left out (it used to be kept with an
        // empty IKE list, a definite "no common proposal").
        let set = read_as(&text.replace("ECP384", "DHGroup99"), "c.json");
        assert!(set.peers.is_empty());
        assert_eq!(set.notes.len(), 1, "{:?}", set.notes);
        assert!(set.notes[0].message.contains("dhGroup `DHGroup99`"));
        assert!(set.notes[0].message.contains("not compared"));
    }

    /// One rule for what is not understood: the tunnel, policy or suite is not compared (the
    /// peer is left out with a note naming the value), never compared as a shorter list or as
    /// the cloud's whole default list.
    #[test]
    fn values_not_understood_leave_the_peer_out() {
        // AWS: an unknown cipher, an unknown DH number, one unknown among known names.
        let aws = r#"{"VpnConnection": {"VpnConnectionId": "vpn-1", "Options": {"TunnelOptions": [
            {"OutsideIpAddress": "192.0.2.1", "Phase1EncryptionAlgorithms": [{"Value": "AES512"}]},
            {"OutsideIpAddress": "192.0.2.2", "Phase1DHGroupNumbers": [{"Value": 99}]},
            {"OutsideIpAddress": "192.0.2.3", "Phase2EncryptionAlgorithms": [{"Value": "AES128"}, {"Value": "CHACHA"}]},
            {"OutsideIpAddress": "192.0.2.4", "Phase2DHGroupNumbers": [{"Value": 14}]}]}}}"#;
        let set = read_as(aws, "aws.json");
        let names: Vec<&str> = set.peers.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["vpn-1 tunnel 4"]);
        let notes: Vec<&str> = set.notes.iter().map(|n| n.message.as_str()).collect();
        assert_eq!(notes.len(), 3, "{notes:?}");
        for (note, what) in notes.iter().zip([
            "Phase1EncryptionAlgorithms `AES512`",
            "Phase1DHGroupNumbers `99`",
            "Phase2EncryptionAlgorithms `CHACHA`",
        ]) {
            assert!(
                note.contains(what) && note.contains("not compared"),
                "{note}"
            );
        }

        // Azure: AES-GCM as IKE integrity names no PRF Microsoft documents; a policy without
        // one of its six fields.
        let azure = r#"{"name": "c", "properties": {"connectionType": "IPsec", "sharedKey": "k",
            "ipsecPolicies": [{"ikeEncryption": "GCMAES256", "ikeIntegrity": "GCMAES256",
            "dhGroup": "DHGroup14", "ipsecEncryption": "GCMAES256", "ipsecIntegrity": "GCMAES256",
            "pfsGroup": "None"}]}}"#;
        let set = read_as(azure, "c.json");
        assert!(set.peers.is_empty());
        assert!(set.secrets.is_empty());
        assert_eq!(set.notes.len(), 1, "{:?}", set.notes);
        assert!(set.notes[0].message.contains("ikeIntegrity `GCMAES256`"));
        assert!(set.notes[0].message.contains("not compared"));
        let set = read_as(
            &azure
                .replace(
                    "\"ikeIntegrity\": \"GCMAES256\"",
                    "\"ikeIntegrity\": \"SHA384\"",
                )
                .replace("\"pfsGroup\"", "\"pfs\""),
            "c.json",
        );
        assert!(set.peers.is_empty());
        assert!(
            set.notes[0].message.contains("no pfsGroup"),
            "{:?}",
            set.notes
        );
        // Mixed AES-GCM and HMAC in ESP: Azure refuses that policy; not guessed either.
        let set = read_as(
            &azure
                .replace(
                    "\"ikeIntegrity\": \"GCMAES256\"",
                    "\"ikeIntegrity\": \"SHA384\"",
                )
                .replace(
                    "\"ipsecIntegrity\": \"GCMAES256\"",
                    "\"ipsecIntegrity\": \"SHA256\"",
                ),
            "c.json",
        );
        assert!(set.peers.is_empty());
        // The same policy with known values is read.
        let set = read_as(
            &azure.replace(
                "\"ikeIntegrity\": \"GCMAES256\"",
                "\"ikeIntegrity\": \"SHA384\"",
            ),
            "c.json",
        );
        assert!(set.notes.is_empty(), "{:?}", set.notes);
        assert_eq!(
            charon(&set.peers[0].ike_proposals.value),
            vec!["IKE:AES_GCM_16_256/PRF_HMAC_SHA2_384/MODP_2048"]
        );
        assert_eq!(
            charon(&set.peers[0].children[0].esp_proposals.value),
            vec!["ESP:AES_GCM_16_256"]
        );

        // Google: an unknown group in a suite; a suite without its phase 2.
        let google = r#"{"kind": "compute#vpnTunnel", "name": "t", "peerIp": "198.51.100.7",
            "ikeVersion": 2, "cipherSuite": {
              "phase1": {"encryption": ["AES-GCM-16-256"], "prf": ["PRF-HMAC-SHA2-256"], "dh": ["Group-99"]},
              "phase2": {"encryption": ["AES-CBC-128"], "integrity": ["HMAC-SHA2-256-128"], "pfs": ["Group-19"]}}}"#;
        let set = read_as(google, "t.json");
        assert!(set.peers.is_empty());
        assert!(
            set.notes[0].message.contains("dh `Group-99`"),
            "{:?}",
            set.notes
        );
        let phase1_only = r#"{"kind": "compute#vpnTunnel", "name": "t", "peerIp": "198.51.100.7",
            "cipherSuite": {"phase1": {"encryption": ["AES-GCM-16-256"], "prf": ["PRF-HMAC-SHA2-256"], "dh": ["Group-14"]}}}"#;
        let set = read_as(phase1_only, "t.json");
        assert!(set.peers.is_empty());
        assert!(
            set.notes[0].message.contains("without phase2"),
            "{:?}",
            set.notes
        );
        // gcloud's YAML nests the suite: present, not read, so not compared (it used to be
        // compared as Google's every cipher).
        let yaml = GCP_YAML.replace(
            "ikeVersion: 2\n",
            "cipherSuite:\n  phase1:\n    dh:\n    - Group-14\n    encryption:\n    - AES-GCM-16-256\nikeVersion: 2\n",
        );
        let set = read_as(&yaml, "tunnel.yaml");
        assert!(set.peers.is_empty());
        assert!(
            set.notes
                .iter()
                .any(|n| n.message.contains("--format=json") && n.message.contains("not compared")),
            "{:?}",
            set.notes
        );
    }

    /// The clouds' selectors are not required to equal a narrower proposal: no source says
    /// they refuse to narrow, and the usual policy-based customer gateway works against them.
    #[test]
    fn cloud_peers_narrow() {
        for (text, name) in [
            (AWS_DESCRIBE, "aws.json"),
            (AZURE_SHOW, "azure.json"),
            (GCP_JSON, "gcp.json"),
        ] {
            let set = read_as(text, name);
            assert!(!set.peers.is_empty());
            assert!(set.peers.iter().all(|p| p.narrowing), "{name}");
        }
    }

    /// Azure documents no check of the on-premises side's IKE identity: none is expected,
    /// neither its address nor the local network gateway's FQDN.
    #[test]
    fn azure_expects_no_identity_of_the_on_premises_side() {
        for key in ["gatewayIpAddress", "fqdn"] {
            let text = AZURE_SHOW_DEFAULT.replace(
                "\"localNetworkGateway2\": {",
                &format!("\"localNetworkGateway2\": {{\"{key}\": \"vpn.example.org\","),
            );
            let set = read_as(&text, "conn1.json");
            let p = &set.peers[0];
            assert_eq!(p.remote_addrs.value, ["vpn.example.org"]);
            assert_eq!(p.remote_auth[0].id.value, None, "{key}");
        }
    }

    /// `connectionMode`: ResponderOnly never starts (the peer answers its address alone),
    /// InitiatorOnly is said in a note and offers only what Azure initiates with.
    #[test]
    fn azure_connection_modes() {
        let with_address = AZURE_SHOW_DEFAULT.replace(
            "\"localNetworkGateway2\": {",
            "\"localNetworkGateway2\": {\"gatewayIpAddress\": \"198.51.100.9\",",
        );
        let set = read_as(&with_address, "conn1.json");
        let p = &set.peers[0];
        assert!(!p.responder_only());
        assert_eq!(p.children[0].esp_proposals.value.len(), AZURE_ESP.len());
        assert!(set.notes.is_empty(), "{:?}", set.notes);

        let responder = with_address.replace("\"Default\"", "\"ResponderOnly\"");
        let set = read_as(&responder, "conn1.json");
        let p = &set.peers[0];
        assert!(p.responder_only());
        assert!(!p.initiator_only);
        assert_eq!(p.remote_addrs.value, ["198.51.100.9/32"]);
        assert!(set.notes.is_empty(), "{:?}", set.notes);

        let initiator = with_address.replace("\"Default\"", "\"InitiatorOnly\"");
        let set = read_as(&initiator, "conn1.json");
        let p = &set.peers[0];
        assert!(!p.responder_only());
        let esp = &p.children[0].esp_proposals.value;
        assert_eq!(esp.len(), 6);
        // The initiator's offers carry no PFS group.
        assert!(esp.iter().all(|e| e.real_groups().next().is_none()));
        assert!(p.initiator_only);
        assert_eq!(set.notes.len(), 1, "{:?}", set.notes);
        assert!(set.notes[0].message.contains("InitiatorOnly"));
    }

    /// An object of some 300,000 keys (about 3.5 MB): the connection search visits each
    /// member's own text once, not the object's text per key. Before, this took minutes.
    #[test]
    fn a_huge_object_is_searched_in_linear_time() {
        let mut text = String::from("{\n");
        for n in 0..300_000 {
            text.push_str(&format!("\"k{n:06}\": {{}},\n"));
        }
        text.push_str("\"a\": {\"name\": \"c\", \"properties\": {\"connectionType\": \"IPsec\",\n\"sharedKey\": \"secretkey\"}}\n}\n");
        assert!(text.len() > 3_000_000);
        let started = std::time::Instant::now();
        let mut set = ConfigSet::default();
        read(&text, CloudKind::Azure, 0, &mut set);
        let elapsed = started.elapsed();
        assert!(
            elapsed < std::time::Duration::from_secs(3),
            "took {elapsed:?}"
        );
        assert_eq!(set.peers.len(), 1, "{:?}", set.notes);
        // Cited in its own text, at the end of the file.
        assert_eq!(set.peers[0].at.line, 300_002);
        assert_eq!(set.secrets[0].at.line, 300_003);
        assert!(set.notes.iter().any(|n| n.message.contains("not searched")));
    }

    #[test]
    fn google_yaml_describe() {
        let set = read_as(GCP_YAML, "tunnel.yaml");
        assert_eq!(set.peers.len(), 1);
        // The secret is only a hash: said once, never compared.
        assert_eq!(set.notes.len(), 1, "{:?}", set.notes);
        assert!(set.notes[0].message.contains("sharedSecretHash"));
        assert!(set.secrets.is_empty());
        let p = &set.peers[0];
        assert_eq!(p.name, "azure-tunnel-1");
        assert_eq!(p.implementation, Implementation::GoogleCloud);
        assert_eq!(p.remote_addrs.value, vec!["203.0.113.1"]);
        assert!(!p.responder_only());
        assert_eq!(p.remote_addrs.at.map(|l| l.line), Some(12));
        assert_eq!(p.version.value, IkeVersions::V2);
        assert_eq!(p.version.at.map(|l| l.line), Some(5));
        let child = &p.children[0];
        assert_eq!(described(&child.local_ts.value), vec!["0.0.0.0/0"]);
        assert_eq!(child.local_ts.at.map(|l| l.line), Some(7));
        assert_eq!(described(&child.remote_ts.value), vec!["0.0.0.0/0"]);
        // Google's supported ciphers, as documented.
        assert_eq!(p.ike_proposals.at, None);
        assert_eq!(p.ike_proposals.value.len(), 2);
        assert!(p.ike_proposals.value[1]
            .encryption
            .contains(&"AES_GCM_16_256".to_owned()));
        assert!(p.ike_proposals.value[0]
            .groups
            .contains(&"CURVE_25519".to_owned()));
        // PFS is optional in phase 2.
        assert!(child.esp_proposals.value[0]
            .groups
            .contains(&"NONE".to_owned()));
    }

    #[test]
    fn google_json_get() {
        let set = read_as(GCP_JSON, "tunnel.json");
        assert_eq!(set.peers.len(), 1);
        assert_eq!(set.notes.len(), 1, "{:?}", set.notes);
        let p = &set.peers[0];
        assert_eq!(p.name, "on-prem-tunnel0");
        assert_eq!(p.remote_addrs.value, vec!["34.157.117.141"]);
        let peer_line = GCP_JSON.lines().position(|l| l.contains("\"peerIp\""));
        assert_eq!(
            p.remote_addrs.at.map(|l| l.line as usize),
            peer_line.map(|i| i + 1)
        );
        assert_eq!(described(&p.children[0].remote_ts.value), vec!["0.0.0.0/0"]);
    }

    #[test]
    fn google_cipher_suite() {
        let text = r#"{"kind": "compute#vpnTunnel", "name": "t", "peerIp": "198.51.100.7",
            "ikeVersion": 2, "cipherSuite": {
              "phase1": {"encryption": ["AES-GCM-16-256"], "prf": ["PRF-HMAC-SHA2-256"], "dh": ["Group-14"]},
              "phase2": {"encryption": ["AES-CBC-128"], "integrity": ["HMAC-SHA2-256-128"], "pfs": ["Group-19"]}}}"#;
        let set = read_as(text, "t.json");
        assert!(set.notes.is_empty(), "{:?}", set.notes);
        let p = &set.peers[0];
        assert_eq!(
            charon(&p.ike_proposals.value),
            vec!["IKE:AES_GCM_16_256/PRF_HMAC_SHA2_256/MODP_2048"]
        );
        assert_eq!(
            charon(&p.children[0].esp_proposals.value),
            vec!["ESP:AES_CBC_128/HMAC_SHA2_256_128/ECP_256"]
        );
    }

    #[test]
    fn every_default_parses() {
        assert_eq!(fixed_proposals("IKE", AZURE_IKE).len(), AZURE_IKE.len());
        assert_eq!(fixed_proposals("ESP", AZURE_ESP).len(), AZURE_ESP.len());
        for line in GOOGLE_IKE {
            Proposal::from_strongswan("IKE", &format!("{line}-{GOOGLE_GROUPS}")).unwrap();
        }
        for line in GOOGLE_ESP {
            Proposal::from_strongswan("ESP", &format!("{line}-{GOOGLE_GROUPS}-none")).unwrap();
        }
        for e in AWS_ENCRYPTION {
            assert!(aws_encryption(e).is_some());
        }
        for i in AWS_INTEGRITY {
            assert!(aws_integrity(i).is_some());
        }
        for &g in AWS_PHASE1_DH.iter().chain(AWS_PHASE2_DH) {
            assert!(group_keyword_of_number(&g.to_string()).is_some());
        }
    }

    /// Every example, cut at every few bytes and with bytes flipped, read as each cloud's
    /// export: notes, never a panic.
    #[test]
    fn cut_and_damaged_exports_do_not_panic() {
        for text in [
            AWS_DESCRIBE,
            AWS_MODIFY,
            AZURE_SHOW,
            AZURE_REST,
            GCP_YAML,
            GCP_JSON,
        ] {
            let bytes = text.as_bytes();
            for cut in (0..bytes.len()).step_by(97) {
                let mut damaged = String::from_utf8_lossy(&bytes[..cut]).into_owned();
                damaged.push_str("[{\"\\\":}]\n- x\n");
                damaged.push_str(&String::from_utf8_lossy(&bytes[cut..]).replace('"', "'"));
                for kind in [CloudKind::Aws, CloudKind::Azure, CloudKind::GoogleCloud] {
                    let mut set = ConfigSet::default();
                    read(&damaged, kind, 0, &mut set);
                    read(&text[..text.len() / 2], kind, 0, &mut set);
                }
            }
        }
        // Deep nesting and long lists stay bounded.
        let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        let mut set = ConfigSet::default();
        read(&deep, CloudKind::Azure, 0, &mut set);
        let many = format!(
            "{{\"VpnConnections\": [{{\"VpnConnectionId\": \"v\", \"Options\": {{\"TunnelOptions\": [{}]}}}}]}}",
            vec!["{\"OutsideIpAddress\": \"192.0.2.1\"}"; 600].join(",")
        );
        let mut set = ConfigSet::default();
        read(&many, CloudKind::Aws, 0, &mut set);
        assert_eq!(set.peers.len(), MAX_TUNNELS);
        assert_eq!(set.notes.len(), 1);
    }
}
