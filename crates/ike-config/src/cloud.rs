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
//!   apply.
//! - Google Cloud VPN: a `compute#vpnTunnel` (`gcloud compute vpn-tunnels describe`, in JSON or in
//!   gcloud's default YAML). The YAML read here is only the shape gcloud prints for a tunnel: flat
//!   `key: value` lines, `- item` lists under a `key:` line, documents split by `---`; nested
//!   maps (`labels`) are skipped. That bounded reader is enough for these exports, so no YAML
//!   library is pulled in. A tunnel carries `sharedSecretHash`, a hash of its secret: there is
//!   no secret to compare, and a note says so. Google's supported ciphers are its proposals.
//!
//! Each cloud's spellings (`AES128-GCM-16`, `GCMAES256`, `DHGroup14`, `PFS24`, DH group
//! numbers) are mapped to strongSwan keywords and parsed as a swanctl proposal line would be.
//! JSON has no line per value: each value cites the line where its key appears inside the
//! element it belongs to. Secrets are kept as fingerprints, never as text. Input is untrusted:
//! every list is bounded and what is cut or not understood becomes a note.
use std::collections::HashMap;
use std::net::IpAddr;

use serde_json::{Map, Value};

use crate::model::{
    fingerprint, AuthMethod, AuthRound, ChildConfig, ConfigSet, IkeVersions, Implementation, Line,
    PeerConfig, Secret, SecretKind, Setting, TrafficSelector,
};
use crate::proposal::Proposal;

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
/// (DH group 2 only) and the 26 quick mode offers it accepts as responder (the first six, without
/// PFS, are the ones it initiates with), in strongSwan keywords, in Azure's order. "Default
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
    let mut end = text.len().min(LOOK_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
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

/// Proposals from strongSwan keyword lines built here (an error is this module's, noted).
fn proposals(
    protocol: &str,
    lines: &[String],
    set: &mut ConfigSet,
    at: Option<Line>,
    file: usize,
) -> Vec<Proposal> {
    let mut out = Vec::new();
    for line in lines {
        match Proposal::from_strongswan(protocol, line) {
            Ok(p) => out.push(p),
            Err(e) => set.note(
                file,
                at.map(|l| l.line),
                format!("{protocol} proposal: {e}"),
            ),
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
            narrowing: false,
            alternative: false,
            rekey_randomized: Setting::default_value(true),
            front_end: None,
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
                    short(id)
                ),
            );
            continue;
        };
        let tunnel_spans = locate.items_of("TunnelOptions", span);
        let customer = get_str(conn, "CustomerGatewayConfiguration")
            .map(customer_gateway_addresses)
            .unwrap_or_default();
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
                options: options.unwrap_or(&Value::Null),
                tunnel,
                name: format!("{} tunnel {}", short(id), t + 1),
                outside,
                cgw,
                span,
                tunnel_span,
            };
            aws_tunnel(&context, locate, set);
        }
    }
}

fn short(text: &str) -> String {
    text.chars().take(80).collect()
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

struct AwsTunnel<'a> {
    options: &'a Value,
    tunnel: &'a Value,
    name: String,
    outside: &'a str,
    cgw: Option<String>,
    span: Span,
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

/// IANA DH group numbers as strongSwan keywords.
fn dh_group(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "modp768",
        2 => "modp1024",
        5 => "modp1536",
        14 => "modp2048",
        15 => "modp3072",
        16 => "modp4096",
        17 => "modp6144",
        18 => "modp8192",
        19 => "ecp256",
        20 => "ecp384",
        21 => "ecp521",
        22 => "modp1024s160",
        23 => "modp2048s224",
        24 => "modp2048s256",
        31 => "curve25519",
        32 => "curve448",
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

fn aws_phase(ctx: &AwsTunnel, phase: u8, locate: &Locator, set: &mut ConfigSet) -> AwsPhase {
    let file = locate.file;
    let key = |what: &str| format!("Phase{phase}{what}");
    let mut at = None;
    let mut list = |what: &str| -> Option<(Vec<String>, Option<Line>)> {
        let k = key(what);
        let items = texts(ctx.tunnel, &k)?;
        let line = locate.key_line(&k, ctx.tunnel_span);
        at = at.or(line);
        Some((items, line))
    };
    let unknown = |what: &str, value: &str, line: Option<Line>, set: &mut ConfigSet| {
        set.note(
            file,
            line.map(|l| l.line),
            format!(
                "{}: {} `{}` is not an AWS value read here",
                ctx.name,
                key(what),
                short(value)
            ),
        );
    };
    let encryption = match list("EncryptionAlgorithms") {
        Some((items, line)) => items
            .iter()
            .filter_map(|i| {
                let k = aws_encryption(i);
                if k.is_none() {
                    unknown("EncryptionAlgorithms", i, line, set);
                }
                k
            })
            .collect(),
        None => AWS_ENCRYPTION
            .iter()
            .filter_map(|e| aws_encryption(e))
            .collect(),
    };
    let integrity = match list("IntegrityAlgorithms") {
        Some((items, line)) => items
            .iter()
            .filter_map(|i| {
                let k = aws_integrity(i);
                if k.is_none() {
                    unknown("IntegrityAlgorithms", i, line, set);
                }
                k
            })
            .collect(),
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
    let groups = match list("DHGroupNumbers") {
        Some((items, line)) => items
            .iter()
            .filter_map(|i| {
                let k = i.parse().ok().and_then(dh_group);
                if k.is_none() {
                    unknown("DHGroupNumbers", i, line, set);
                }
                k
            })
            .collect(),
        None => defaults.iter().filter_map(|&n| dh_group(n)).collect(),
    };
    AwsPhase {
        encryption,
        integrity,
        groups,
        at,
    }
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
    let file = locate.file;
    let at = locate.line(ctx.tunnel_span.0);
    let tunnel_line = |key: &str| locate.key_line(key, ctx.tunnel_span);
    let phase1 = aws_phase(ctx, 1, locate, set);
    let phase2 = aws_phase(ctx, 2, locate, set);
    let setting = |value: Vec<Proposal>, at: Option<Line>| match at {
        Some(at) => Setting::written(value, at),
        None => Setting::default_value(value),
    };
    let ike = proposals(
        "IKE",
        &aws_proposal_lines("IKE", &phase1),
        set,
        phase1.at,
        file,
    );
    let esp = proposals(
        "ESP",
        &aws_proposal_lines("ESP", &phase2),
        set,
        phase2.at,
        file,
    );
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
            let written = if starts {
                cgw.clone()
            } else if cgw.contains(':') {
                format!("{cgw}/128")
            } else {
                format!("{cgw}/32")
            };
            match locate.key_line("CustomerGatewayConfiguration", ctx.span) {
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
    // "Local" is the customer's side and "Remote" AWS's: from AWS's end, the other way round.
    let ipv6 = get_str(ctx.options, "TunnelInsideIpVersion")
        .is_some_and(|v| v.eq_ignore_ascii_case("ipv6"));
    let family = if ipv6 { "Ipv6" } else { "Ipv4" };
    let cidr = |side: &str| {
        let key = format!("{side}{family}NetworkCidr");
        match (get_str(ctx.options, &key), locate.key_line(&key, ctx.span)) {
            (Some(cidr), Some(line)) => Setting::written(selectors(&[cidr.to_owned()]), line),
            _ => Setting::default_value(vec![TrafficSelector::parse_or_unknown(if ipv6 {
                "::/0"
            } else {
                "0.0.0.0/0"
            })]),
        }
    };
    let psk = get_str(ctx.tunnel, "PreSharedKey");
    let mut ids = vec![ctx.outside.to_owned()];
    ids.extend(ctx.cgw.clone());
    if let Some(psk) = psk {
        if real_secret(psk) {
            let line = tunnel_line("PreSharedKey").unwrap_or(at);
            set.secrets.push(secret(ids, psk, line));
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
        method: match tunnel_line("PreSharedKey") {
            Some(line) => Setting::written(AuthMethod::Psk, line),
            None => Setting::default_value(AuthMethod::Psk),
        },
        local_id: Setting::default_value((!ctx.outside.is_empty()).then(|| ctx.outside.to_owned())),
        remote_id: Setting::default_value(ctx.cgw.clone()),
        local_ts: cidr("Remote"),
        remote_ts: cidr("Local"),
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
    };
    set.peers.push(tunnel.into_peer());
}

// ---------------------------------------------------------------------------------------------
// Azure.

/// The connection resources in an export, each with its text: the root, a list of them, an ARM
/// template's `resources`, or deeper (a REST example's `responses`); searched to [`MAX_DEPTH`].
fn azure_connections<'a>(
    v: &'a Value,
    span: Span,
    depth: usize,
    locate: &Locator,
    out: &mut Vec<(&'a Value, Span)>,
) {
    if depth > MAX_DEPTH || out.len() > MAX_TUNNELS {
        return;
    }
    let items = |items: &'a [Value], spans: Vec<Span>, out: &mut Vec<(&'a Value, Span)>| {
        for (n, item) in items.iter().take(MAX_TUNNELS + 1).enumerate() {
            let item_span = spans.get(n).copied().unwrap_or(span);
            azure_connections(item, item_span, depth + 1, locate, out);
        }
    };
    match v {
        Value::Array(list) => {
            let open = locate.lower.get(span.0..span.1).and_then(|t| t.find('['));
            let spans = open.map_or_else(Vec::new, |o| locate.items_at(span.0 + o, span.1));
            items(list, spans, out);
        }
        Value::Object(map) => {
            if is_azure_connection(v) {
                out.push((v, span));
                return;
            }
            for (key, value) in map {
                match value {
                    Value::Array(list) => items(list, locate.items_of(key, span), out),
                    Value::Object(_) => {
                        let from = locate.key(key, span).unwrap_or(span.0);
                        azure_connections(value, (from, span.1), depth + 1, locate, out);
                    }
                    _ => {}
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
            );
        }
        None => azure_connections(root, locate.whole(), 0, locate, &mut connections),
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

/// Azure's IKE encryption names (`ikeEncryption`) as strongSwan keywords.
fn azure_encryption(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_uppercase().as_str() {
        "DES" => "des",
        "DES3" => "3des",
        "AES128" => "aes128",
        "AES192" => "aes192",
        "AES256" => "aes256",
        "GCMAES128" => "aes128gcm16",
        "GCMAES192" => "aes192gcm16",
        "GCMAES256" => "aes256gcm16",
        // `ipsecEncryption` only: ESP without encryption.
        "NONE" => "null",
        _ => return None,
    })
}

/// Azure's integrity names: strongSwan's integrity and PRF keywords; `None` inside for the GCM
/// names (the cipher's own integrity).
fn azure_integrity(name: &str) -> Option<Option<(&'static str, &'static str)>> {
    Some(match name.to_ascii_uppercase().as_str() {
        "MD5" => Some(("md5", "prfmd5")),
        "SHA1" => Some(("sha1", "prfsha1")),
        "SHA256" => Some(("sha256", "prfsha256")),
        "SHA384" => Some(("sha384", "prfsha384")),
        "GCMAES128" | "GCMAES192" | "GCMAES256" => None,
        _ => return None,
    })
}

/// Azure's `dhGroup` and `pfsGroup` names: a group keyword, or none (`None`, no PFS).
fn azure_group(name: &str) -> Option<Option<&'static str>> {
    Some(match name.to_ascii_uppercase().as_str() {
        "NONE" => None,
        "DHGROUP1" | "PFS1" => Some("modp768"),
        "DHGROUP2" | "PFS2" => Some("modp1024"),
        "DHGROUP14" | "DHGROUP2048" | "PFS14" | "PFS2048" => Some("modp2048"),
        "ECP256" => Some("ecp256"),
        "ECP384" => Some("ecp384"),
        "DHGROUP24" | "PFS24" => Some("modp2048s256"),
        _ => return None,
    })
}

fn azure_connection(conn: &Value, index: usize, span: Span, locate: &Locator, set: &mut ConfigSet) {
    let file = locate.file;
    let props = get(conn, "properties")
        .filter(|p| p.is_object())
        .unwrap_or(conn);
    let name = get_str(conn, "name")
        .map(short)
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
                    short(kind)
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
                    short(p)
                ),
            );
            Setting::default_value(IkeVersions::V2)
        }
        _ => Setting::default_value(IkeVersions::V2),
    };
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
        .map(short);
    let remote_addrs = match (&peer_address, line("gatewayIpAddress").or(line("fqdn"))) {
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
    let (ike_proposals, esp_proposals, pfs_from_ike, child_rekey) =
        azure_policies(props, &name, span, at, locate, set);
    let (local_ts, remote_ts) =
        azure_selectors(props, local_gateway_props, &name, span, at, locate, set);
    let tunnel = Tunnel {
        name,
        at,
        implementation: Implementation::Azure,
        version,
        local_addrs: Setting::default_value(Vec::new()),
        remote_addrs,
        ike_proposals,
        method,
        local_id: Setting::default_value(None),
        remote_id: Setting::default_value(peer_address),
        local_ts,
        remote_ts,
        esp_proposals,
        pfs_from_ike,
        ike_rekey: Setting::default_value(Some(AZURE_IKE_LIFETIME)),
        child_rekey,
    };
    set.peers.push(tunnel.into_peer());
}

type Policies = (
    Setting<Vec<Proposal>>,
    Setting<Vec<Proposal>>,
    bool,
    Setting<Option<u64>>,
);

fn azure_policies(
    props: &Value,
    name: &str,
    span: Span,
    at: Line,
    locate: &Locator,
    set: &mut ConfigSet,
) -> Policies {
    let file = locate.file;
    let policies: Vec<&Value> = get(props, "ipsecPolicies")
        .and_then(Value::as_array)
        .map(|p| p.iter().collect())
        .unwrap_or_default();
    let list_line = locate.key_line("ipsecPolicies", span).unwrap_or(at);
    if policies.is_empty() {
        return (
            Setting::default_value(fixed_proposals("IKE", AZURE_IKE)),
            Setting::default_value(fixed_proposals("ESP", AZURE_ESP)),
            false,
            Setting::default_value(Some(AZURE_CHILD_LIFETIME)),
        );
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
        let policy_line = locate.line(policy_span.0).line;
        let value = |key: &str, set: &mut ConfigSet| -> Option<String> {
            let v = get_str(policy, key).map(str::to_owned);
            if v.is_none() {
                set.note(
                    file,
                    Some(policy_line),
                    format!("{name}: IPsec policy {} has no {key}", n + 1),
                );
            }
            v
        };
        let unknown = |key: &str, v: &str, set: &mut ConfigSet| {
            set.note(
                file,
                locate
                    .key_line(key, policy_span)
                    .map(|l| l.line)
                    .or(Some(policy_line)),
                format!(
                    "{name}: {key} `{}` is not an Azure value read here",
                    short(v)
                ),
            );
        };
        let (Some(ike_enc), Some(ike_int), Some(dh)) = (
            value("ikeEncryption", set),
            value("ikeIntegrity", set),
            value("dhGroup", set),
        ) else {
            continue;
        };
        let (Some(ipsec_enc), Some(ipsec_int), Some(pfs)) = (
            value("ipsecEncryption", set),
            value("ipsecIntegrity", set),
            value("pfsGroup", set),
        ) else {
            continue;
        };
        lifetime = lifetime.or(get_u64(policy, "saLifeTimeSeconds")
            .zip(locate.key_line("saLifeTimeSeconds", policy_span)));
        // IKE: the cipher, its integrity (or for GCM the PRF), the group.
        match (
            azure_encryption(&ike_enc),
            azure_integrity(&ike_int),
            azure_group(&dh),
        ) {
            (Some(enc), Some(integrity), Some(Some(group))) if enc != "null" => {
                let aead = enc.contains("gcm");
                match integrity {
                    Some((integ, prf)) => {
                        let middle = if aead { prf } else { integ };
                        ike_lines.push(format!("{enc}-{middle}-{group}"));
                    }
                    None => set.note(
                        file,
                        locate.key_line("ikeIntegrity", policy_span).map(|l| l.line),
                        format!(
                            "{name}: ikeIntegrity {} names no PRF Azure documents for IKE; the IKE proposal is not read",
                            short(&ike_int)
                        ),
                    ),
                }
            }
            (enc, integrity, group) => {
                if enc.is_none_or(|e| e == "null") {
                    unknown("ikeEncryption", &ike_enc, set);
                }
                if integrity.is_none() {
                    unknown("ikeIntegrity", &ike_int, set);
                }
                if group.is_none_or(|g| g.is_none()) {
                    unknown("dhGroup", &dh, set);
                }
            }
        }
        // ESP: the cipher, its integrity unless GCM, the PFS group; PFSMM is the IKE group.
        let mm = pfs.eq_ignore_ascii_case("PFSMM");
        pfs_from_ike |= mm;
        let group = if mm { Some(None) } else { azure_group(&pfs) };
        match (
            azure_encryption(&ipsec_enc),
            azure_integrity(&ipsec_int),
            group,
        ) {
            (Some(enc), Some(integrity), Some(group)) => {
                let aead = enc.contains("gcm");
                let mut parts = vec![enc];
                match integrity {
                    Some((integ, _)) if !aead => parts.push(integ),
                    None if !aead => {
                        unknown("ipsecIntegrity", &ipsec_int, set);
                        continue;
                    }
                    _ => {}
                }
                parts.extend(group);
                esp_lines.push(parts.join("-"));
            }
            (enc, integrity, group) => {
                if enc.is_none() {
                    unknown("ipsecEncryption", &ipsec_enc, set);
                }
                if integrity.is_none() {
                    unknown("ipsecIntegrity", &ipsec_int, set);
                }
                if group.is_none() {
                    unknown("pfsGroup", &pfs, set);
                }
            }
        }
    }
    let ike = proposals("IKE", &ike_lines, set, Some(list_line), file);
    let esp = proposals("ESP", &esp_lines, set, Some(list_line), file);
    let child_rekey = match lifetime {
        Some((seconds, line)) => Setting::written(Some(seconds), line),
        None => Setting::default_value(Some(AZURE_CHILD_LIFETIME)),
    };
    (
        Setting::written(ike, list_line),
        Setting::written(esp, list_line),
        pfs_from_ike,
        child_rekey,
    )
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
        if lines.contains_key("cipherSuite") {
            set.note(
                file,
                lines.get("cipherSuite").copied(),
                "cipherSuite is nested YAML, not read here: give `--format=json` for it",
            );
        }
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
        ["GROUP", number] => number.parse().ok().and_then(dh_group).map(str::to_owned),
        ["MODP", bits] | ["MODP", bits, "BIT"] => Some(format!("modp{bits}")),
        ["ECP", bits] | ["ECP", bits, "BIT"] => Some(format!("ecp{bits}")),
        ["CURVE", bits] => Some(format!("curve{bits}")),
        _ => None,
    }
}

/// A `cipherSuite` phase's roles as one proposal line, in the roles' order.
fn google_suite_line(
    phase: &Value,
    roles: &[&str],
    name: &str,
    at: Option<Line>,
    file: usize,
    set: &mut ConfigSet,
) -> Option<String> {
    let mut parts = Vec::new();
    for role in roles {
        // Lists of names; a request body joins them with commas in one string.
        let values = texts(phase, role).or_else(|| {
            get_str(phase, role).map(|s| s.split(',').map(|v| v.trim().to_owned()).collect())
        });
        for value in values.unwrap_or_default().into_iter().take(MAX_ITEMS) {
            match google_keyword(&value) {
                Some(k) => parts.push(k),
                None => set.note(
                    file,
                    at.map(|l| l.line),
                    format!(
                        "{name}: cipherSuite {role} `{}` is not a Google value read here",
                        short(&value)
                    ),
                ),
            }
        }
    }
    (!parts.is_empty()).then(|| parts.join("-"))
}

fn google_tunnel(tunnel: &Value, cite: &Cite, start: Line, set: &mut ConfigSet) {
    let file = start.file;
    let name = get_str(tunnel, "name")
        .map(short)
        .unwrap_or_else(|| "cloud vpn tunnel".into());
    let at = cite.at("name").unwrap_or(start);
    let peer = get_str(tunnel, "peerIp").map(short);
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
    let suite = get(tunnel, "cipherSuite");
    let suite_at = cite.at("cipherSuite");
    let phase = |key: &str| suite.and_then(|s| get(s, key));
    let ike_line = phase("phase1").and_then(|p| {
        google_suite_line(
            p,
            &["encryption", "integrity", "prf", "dh"],
            &name,
            suite_at,
            file,
            set,
        )
    });
    let esp_line = phase("phase2").and_then(|p| {
        google_suite_line(
            p,
            &["encryption", "integrity", "pfs"],
            &name,
            suite_at,
            file,
            set,
        )
    });
    let ike_proposals = match (ike_line, suite_at) {
        (Some(line), Some(l)) => Setting::written(proposals("IKE", &[line], set, Some(l), file), l),
        _ => Setting::default_value(
            GOOGLE_IKE
                .iter()
                .filter_map(|l| {
                    Proposal::from_strongswan("IKE", &format!("{l}-{GOOGLE_GROUPS}")).ok()
                })
                .collect(),
        ),
    };
    let esp_proposals = match (esp_line, suite_at) {
        (Some(line), Some(l)) => Setting::written(proposals("ESP", &[line], set, Some(l), file), l),
        _ => Setting::default_value(
            GOOGLE_ESP
                .iter()
                .filter_map(|l| {
                    Proposal::from_strongswan("ESP", &format!("{l}-{GOOGLE_GROUPS}-none")).ok()
                })
                .collect(),
        ),
    };
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
        let odd = text
            .replace("ECP384", "DHGroup99")
            .replace("PFS2048", "PFSMM");
        let set = read_as(&odd, "c.json");
        assert_eq!(set.notes.len(), 1, "{:?}", set.notes);
        assert!(set.notes[0].message.contains("DHGroup99"));
        assert!(set.peers[0].children[0].pfs_from_ike);
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
            assert!(dh_group(g).is_some());
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
