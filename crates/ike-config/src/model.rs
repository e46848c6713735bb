//! One typed model of an IKE peer, whatever file it was read from: what the daemon will do, with
//! the line that says so (or none when an implementation's default applies).
use std::net::IpAddr;

use crate::proposal::Proposal;

/// Where a value is written: the file (index into [`ConfigSet::files`]) and its 1-based line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub file: usize,
    pub line: u32,
}

/// A value and the line it comes from; `at` is `None` when it is the implementation's default.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting<T> {
    pub value: T,
    pub at: Option<Line>,
}

impl<T> Setting<T> {
    pub fn default_value(value: T) -> Setting<T> {
        Setting { value, at: None }
    }

    pub fn written(value: T, at: Line) -> Setting<T> {
        Setting {
            value,
            at: Some(at),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Implementation {
    StrongSwan,
    Libreswan,
    /// Windows' built-in IKEv2 client (built-in profiles only).
    Windows,
    /// macOS' and iOS' built-in IKEv2 client (built-in profiles only).
    Apple,
    /// Android's built-in IKEv2 client (built-in profiles only).
    Android,
    /// AWS Site-to-Site VPN (a tunnel of `aws ec2 describe-vpn-connections`).
    Aws,
    /// Azure VPN Gateway (a `Microsoft.Network/connections` resource).
    Azure,
    /// Google Cloud VPN (a `compute#vpnTunnel`).
    GoogleCloud,
}

impl Implementation {
    pub fn as_str(self) -> &'static str {
        match self {
            Implementation::StrongSwan => "strongSwan",
            Implementation::Libreswan => "Libreswan",
            Implementation::Windows => "Windows",
            Implementation::Apple => "Apple",
            Implementation::Android => "Android",
            Implementation::Aws => "AWS Site-to-Site VPN",
            Implementation::Azure => "Azure VPN Gateway",
            Implementation::GoogleCloud => "Google Cloud VPN",
        }
    }

    /// The versions whose defaults fill what a file leaves out.
    pub fn defaults_assumed(self) -> &'static str {
        match self {
            Implementation::StrongSwan => "strongSwan 5.9 to 6.0.1 default",
            Implementation::Libreswan => "Libreswan 4 and 5 default",
            Implementation::Windows | Implementation::Apple | Implementation::Android => {
                "the client's built-in behaviour"
            }
            Implementation::Aws => "AWS Site-to-Site VPN documented defaults",
            Implementation::Azure => "Azure VPN Gateway documented defaults",
            Implementation::GoogleCloud => "Google Cloud VPN documented ciphers",
        }
    }
}

/// A format that configures a daemon or client through keys of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrontEnd {
    /// A NetworkManager connection of the strongSwan or Libreswan plugin.
    NetworkManager,
    /// An Apple configuration profile's IKEv2 payload.
    AppleProfile,
}

/// The IKE versions a connection speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IkeVersions {
    V1,
    V2,
    /// Either (strongSwan's `version = 0`).
    Any,
}

impl IkeVersions {
    /// Whether an initiator speaking `self` reaches a responder speaking `responder`: an
    /// initiator open to both starts with IKEv2 (swanctl's `version = 0`).
    pub fn meets(self, responder: IkeVersions) -> bool {
        let starts_with = if self == IkeVersions::Any {
            IkeVersions::V2
        } else {
            self
        };
        responder == IkeVersions::Any || starts_with == responder
    }

    pub fn as_str(self) -> &'static str {
        match self {
            IkeVersions::V1 => "IKEv1",
            IkeVersions::V2 => "IKEv2",
            IkeVersions::Any => "IKEv1 or IKEv2",
        }
    }
}

/// How one authentication round proves an identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthMethod {
    Psk,
    /// Certificates or raw public keys (RSA, ECDSA, EdDSA).
    PublicKey,
    /// EAP, with the method when named (`mschapv2`, `tls`, `radius`).
    Eap(Option<String>),
    Xauth,
    Null,
    Other(String),
}

impl AuthMethod {
    pub fn describe(&self) -> String {
        match self {
            AuthMethod::Psk => "a pre-shared key".into(),
            AuthMethod::PublicKey => "a certificate (public key)".into(),
            AuthMethod::Eap(Some(m)) => format!("EAP-{}", m.to_ascii_uppercase()),
            AuthMethod::Eap(None) => "EAP".into(),
            AuthMethod::Xauth => "XAuth".into(),
            AuthMethod::Null => "NULL authentication".into(),
            AuthMethod::Other(o) => o.clone(),
        }
    }
}

/// One authentication round of one side (`local`/`remote`, `local-2`...).
#[derive(Debug, Clone, PartialEq)]
pub struct AuthRound {
    pub method: Setting<AuthMethod>,
    /// The IKE identity; `None` value: the implementation's default (an address, or a
    /// certificate's subject).
    pub id: Setting<Option<String>>,
    /// The EAP identity, when it differs from the IKE identity.
    pub eap_id: Option<Setting<String>>,
    /// Certificate files the round names.
    pub certs: Vec<Setting<String>>,
}

/// A traffic selector as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrafficSelector {
    /// The peer's own address (or virtual IP): strongSwan's `dynamic`, Libreswan's default.
    Dynamic,
    /// An address range, first to last.
    Range(IpAddr, IpAddr),
    /// Written in a form not read here (a host name, a protocol-only selector): not checked.
    Unknown(String),
}

impl TrafficSelector {
    /// Parses `10.1.0.0/16`, `10.1.0.1`, `10.1.0.1-10.1.0.9`, `dynamic`; protocol and port
    /// restrictions (`[tcp/80]`) are left out (they narrow, never widen).
    pub fn parse(text: &str) -> Option<TrafficSelector> {
        let text = text.trim();
        let text = text.split('[').next().unwrap_or(text).trim();
        if text.eq_ignore_ascii_case("dynamic") || text == "%dynamic" {
            return Some(TrafficSelector::Dynamic);
        }
        if let Some((a, b)) = text.split_once('-') {
            return Some(TrafficSelector::Range(
                a.trim().parse().ok()?,
                b.trim().parse().ok()?,
            ));
        }
        let (address, prefix) = match text.split_once('/') {
            Some((a, p)) => (
                a.trim().parse::<IpAddr>().ok()?,
                p.trim().parse::<u8>().ok()?,
            ),
            None => {
                let a: IpAddr = text.parse().ok()?;
                (a, if a.is_ipv4() { 32 } else { 128 })
            }
        };
        subnet(address, prefix)
    }

    /// As [`TrafficSelector::parse`], keeping what does not parse as unknown (never as
    /// nothing: an empty list would read as a selector that allows nothing).
    pub fn parse_or_unknown(text: &str) -> TrafficSelector {
        TrafficSelector::parse(text)
            .unwrap_or_else(|| TrafficSelector::Unknown(text.trim().chars().take(60).collect()))
    }

    pub fn describe(&self) -> String {
        match self {
            TrafficSelector::Dynamic => "dynamic".into(),
            TrafficSelector::Unknown(text) => text.clone(),
            TrafficSelector::Range(a, b) => match prefix_of(*a, *b) {
                Some(p) => format!("{a}/{p}"),
                None => format!("{a}-{b}"),
            },
        }
    }
}

/// The range of `address/prefix`.
pub fn subnet(address: IpAddr, prefix: u8) -> Option<TrafficSelector> {
    match address {
        IpAddr::V4(a) if prefix <= 32 => {
            let mask = if prefix == 0 {
                0
            } else {
                u32::MAX << (32 - prefix)
            };
            let first = u32::from(a) & mask;
            Some(TrafficSelector::Range(
                IpAddr::V4(first.into()),
                IpAddr::V4((first | !mask).into()),
            ))
        }
        IpAddr::V6(a) if prefix <= 128 => {
            let mask = if prefix == 0 {
                0
            } else {
                u128::MAX << (128 - prefix)
            };
            let first = u128::from(a) & mask;
            Some(TrafficSelector::Range(
                IpAddr::V6(first.into()),
                IpAddr::V6((first | !mask).into()),
            ))
        }
        _ => None,
    }
}

/// A range as numbers and its family's address width: `None` across families.
pub fn range_bounds(first: IpAddr, last: IpAddr) -> Option<(u128, u128, u32)> {
    match (first, last) {
        (IpAddr::V4(f), IpAddr::V4(l)) => {
            Some((u128::from(u32::from(f)), u128::from(u32::from(l)), 32))
        }
        (IpAddr::V6(f), IpAddr::V6(l)) => Some((u128::from(f), u128::from(l), 128)),
        _ => None,
    }
}

fn prefix_of(first: IpAddr, last: IpAddr) -> Option<u8> {
    let (f, l, bits) = range_bounds(first, last)?;
    let size = l.checked_sub(f)?.checked_add(1);
    let hosts = match size {
        Some(s) if s.is_power_of_two() && f % s == 0 => s.trailing_zeros(),
        None if f == 0 && bits == 128 => 128,
        _ => return None,
    };
    Some((bits - hosts) as u8)
}

/// A CHILD_SA as configured.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildConfig {
    pub name: String,
    pub at: Line,
    pub local_ts: Setting<Vec<TrafficSelector>>,
    pub remote_ts: Setting<Vec<TrafficSelector>>,
    /// ESP proposals, with DH groups when PFS is configured.
    pub esp_proposals: Setting<Vec<Proposal>>,
    /// Libreswan's `pfs=yes` without a group in `esp=`: a rekey uses the IKE SA's group.
    pub pfs_from_ike: bool,
    pub rekey_seconds: Setting<Option<u64>>,
}

/// One connection: an IKE SA configuration and its CHILD_SAs.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerConfig {
    /// File of the connection (index into [`ConfigSet::files`]).
    pub file: usize,
    pub name: String,
    pub at: Line,
    pub implementation: Implementation,
    pub version: Setting<IkeVersions>,
    /// Own addresses (empty: any).
    pub local_addrs: Setting<Vec<String>>,
    /// The peer's addresses (empty or `%any`: any, the connection only responds).
    pub remote_addrs: Setting<Vec<String>>,
    pub ike_proposals: Setting<Vec<Proposal>>,
    pub local_auth: Vec<AuthRound>,
    pub remote_auth: Vec<AuthRound>,
    pub children: Vec<ChildConfig>,
    /// Virtual IPs requested (`0.0.0.0`, `::`: any).
    pub vips: Setting<Vec<String>>,
    /// Address pools handed out to peers: names (strongSwan) or the range itself (Libreswan).
    pub pools: Setting<Vec<String>>,
    /// IKEv2 fragmentation: `yes`, `accept`, `force`, `no`.
    pub fragmentation: Setting<String>,
    pub dpd_delay_seconds: Setting<Option<u64>>,
    /// Seconds between NAT-T keepalives (charon's and pluto's default: 20).
    pub nat_keepalive_seconds: Setting<Option<u64>>,
    pub rekey_seconds: Setting<Option<u64>>,
    /// Whether rekey times are randomized (strongSwan's `rand_time`, Libreswan's `rekeyfuzz`,
    /// both on by default): without, two ends with the same lifetimes rekey at once.
    pub rekey_randomized: Setting<bool>,
    /// Libreswan's `narrowing`: whether a responder narrows wider traffic selectors.
    pub narrowing: bool,
    /// The second reading of a Libreswan conn with two fixed ends: this host as the other
    /// side (a file does not say which side its host is).
    pub alternative: bool,
    /// The format the connection was read from when fixes must be written in it rather than
    /// in the daemon's own syntax (a NetworkManager connection drives charon or pluto).
    pub front_end: Option<FrontEnd>,
    /// A client that only starts connections and never answers one (the phone and desktop
    /// clients, charon-nm): never taken as the responder of a pair.
    pub initiator_only: bool,
    /// The UDP port IKE is sent from and to (500 unless set; NAT-T moves to 4500).
    pub local_port: Setting<u16>,
    pub remote_port: Setting<u16>,
    /// Whether MOBIKE (RFC 4555) is offered: a mismatch only turns it off, never a failure.
    pub mobike: Setting<bool>,
}

impl PeerConfig {
    /// Moves every cited line through `to` (`None`: the value becomes a default): for readers
    /// that translate a file into another syntax first and read that, as a daemon's front end
    /// does (NetworkManager-libreswan writes an ipsec.conf conn).
    pub fn map_lines(&mut self, to: impl Fn(Line) -> Option<Line>) {
        fn map<T>(s: &mut Setting<T>, to: &impl Fn(Line) -> Option<Line>) {
            s.at = s.at.and_then(to);
        }
        let whole = |l: Line| to(l).unwrap_or(Line { line: 0, ..l });
        self.at = whole(self.at);
        map(&mut self.version, &to);
        map(&mut self.local_addrs, &to);
        map(&mut self.remote_addrs, &to);
        map(&mut self.ike_proposals, &to);
        for round in self
            .local_auth
            .iter_mut()
            .chain(self.remote_auth.iter_mut())
        {
            map(&mut round.method, &to);
            map(&mut round.id, &to);
            if let Some(e) = &mut round.eap_id {
                map(e, &to);
            }
            for c in &mut round.certs {
                map(c, &to);
            }
        }
        for child in &mut self.children {
            child.at = whole(child.at);
            map(&mut child.local_ts, &to);
            map(&mut child.remote_ts, &to);
            map(&mut child.esp_proposals, &to);
            map(&mut child.rekey_seconds, &to);
        }
        map(&mut self.vips, &to);
        map(&mut self.pools, &to);
        map(&mut self.fragmentation, &to);
        map(&mut self.dpd_delay_seconds, &to);
        map(&mut self.nat_keepalive_seconds, &to);
        map(&mut self.rekey_seconds, &to);
    }

    /// Whether the connection only answers: no single peer address or host name to start
    /// toward (`%any`, subnets and ranges only select whom it answers).
    pub fn responder_only(&self) -> bool {
        self.remote_addrs.value.iter().all(|a| {
            a.is_empty()
                || a.starts_with('%') && a != crate::profiles::ANY_GATEWAY
                || a.contains('/')
                || a.contains('-')
                    && a.parse::<IpAddr>().is_err()
                    && TrafficSelector::parse(a).is_some()
        })
    }
}

/// Whether an address list entry (`%any`, an address, a subnet, a range, a host name) takes
/// `address` (an address or a host name as another file writes it). A host name is taken as
/// matching: resolving it is not for a file reader.
pub fn address_matches(spec: &str, address: &str) -> bool {
    let spec = spec.trim();
    if spec.is_empty() || spec == "%any" || spec == crate::profiles::ANY_GATEWAY || spec == address
    {
        return true;
    }
    let Ok(ip) = address.trim().parse::<IpAddr>() else {
        return true;
    };
    match TrafficSelector::parse(spec) {
        Some(TrafficSelector::Range(first, last)) => in_range(ip, first, last),
        // Neither an address nor a range: a host name.
        _ => spec.parse::<IpAddr>().is_err() && !spec.starts_with('%'),
    }
}

fn in_range(ip: IpAddr, first: IpAddr, last: IpAddr) -> bool {
    match (range_bounds(ip, first), range_bounds(first, last)) {
        (Some((a, f, _)), Some((_, l, _))) => f <= a && a <= l,
        _ => false,
    }
}

/// What kind of secret a secret entry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    Ike,
    Eap,
    Xauth,
    /// Private keys and other kinds, listed but never compared.
    Other,
}

/// A secret, never its text: a fingerprint to compare two ends' secrets, and its length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    pub kind: SecretKind,
    /// The identities it is for (empty: any).
    pub ids: Vec<String>,
    pub fingerprint: u64,
    pub length: usize,
    pub at: Line,
}

/// An address pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    pub name: String,
    /// Addresses it can hand out.
    pub size: u128,
    pub at: Line,
}

/// A problem reading a file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigNote {
    pub file: usize,
    pub line: Option<u32>,
    pub message: String,
}

/// What the configuration files of one end say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConfigSet {
    /// Paths as given, or as an include found them.
    pub files: Vec<String>,
    pub peers: Vec<PeerConfig>,
    pub secrets: Vec<Secret>,
    pub pools: Vec<Pool>,
    pub notes: Vec<ConfigNote>,
    /// Files `include` lines opened for this end (bounded in all, see `MAX_INCLUDED_FILES`).
    pub included_files: usize,
    /// Windows' registry value `RasMan\Parameters\NegotiateDH2048_AES256` (0, 1 or 2), kept
    /// apart because it changes connections read from other files of the end
    /// (`windows::finish` applies it).
    pub windows_dh2048: Option<Setting<u32>>,
}

impl ConfigSet {
    pub fn add_file(&mut self, path: impl Into<String>) -> usize {
        self.files.push(path.into());
        self.files.len() - 1
    }

    pub fn note(&mut self, file: usize, line: Option<u32>, message: impl Into<String>) {
        const MAX_NOTES: usize = 200;
        if self.notes.len() < MAX_NOTES {
            self.notes.push(ConfigNote {
                file,
                line,
                message: message.into(),
            });
        }
    }
}

/// A port number as written (`4500`), or `None` for anything else.
pub fn port(text: &str) -> Option<u16> {
    text.trim().parse().ok().filter(|p| *p != 0)
}

/// A yes/no value as the daemons write it (`yes`/`no`, `true`/`false`, `1`/`0`).
pub fn yes_no(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" | "1" | "on" => Some(true),
        "no" | "false" | "0" | "off" => Some(false),
        _ => None,
    }
}

/// The fingerprint of a secret: equal secrets give equal fingerprints; the text is not kept.
pub fn fingerprint(secret: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    secret.hash(&mut h);
    h.finish()
}

/// A secret's bytes as the daemon uses them: `0x` hex and `0s` base64 decoded, anything else
/// as written.
pub fn secret_bytes(text: &str) -> Vec<u8> {
    if let Some(hex) = text.strip_prefix("0x") {
        let bytes: Option<Vec<u8>> = (0..hex.len())
            .step_by(2)
            .map(|i| {
                hex.get(i..i + 2)
                    .and_then(|b| u8::from_str_radix(b, 16).ok())
            })
            .collect();
        if let Some(bytes) = bytes {
            return bytes;
        }
    }
    if let Some(b64) = text.strip_prefix("0s") {
        use base64ct::Encoding;
        if let Ok(bytes) = base64ct::Base64::decode_vec(b64.trim()) {
            return bytes;
        }
    }
    text.as_bytes().to_vec()
}

/// Seconds of a duration written `4h`, `30m`, `90s`, `1d` or `3600`.
pub fn seconds(text: &str) -> Option<u64> {
    let text = text.trim();
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let (number, unit) = text.split_at(digits);
    let n: u64 = number.parse().ok()?;
    let factor = match unit.trim() {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => return None,
    };
    n.checked_mul(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traffic_selectors() {
        assert_eq!(
            TrafficSelector::parse("10.99.100.0/24").map(|t| t.describe()),
            Some("10.99.100.0/24".into())
        );
        assert_eq!(
            TrafficSelector::parse("10.99.2.3").map(|t| t.describe()),
            Some("10.99.2.3/32".into())
        );
        assert_eq!(
            TrafficSelector::parse("0.0.0.0/0[tcp/80]").map(|t| t.describe()),
            Some("0.0.0.0/0".into())
        );
        assert_eq!(
            TrafficSelector::parse("dynamic"),
            Some(TrafficSelector::Dynamic)
        );
        assert_eq!(
            TrafficSelector::parse("10.0.0.1-10.0.0.5").map(|t| t.describe()),
            Some("10.0.0.1-10.0.0.5".into())
        );
        assert_eq!(TrafficSelector::parse("10.0.0.0/33"), None);
        assert_eq!(
            TrafficSelector::parse("::/0").map(|t| t.describe()),
            Some("::/0".into())
        );
    }

    #[test]
    fn address_lists() {
        assert!(address_matches("192.168.0.96/28", "192.168.0.100"));
        assert!(!address_matches("192.168.0.192/28", "192.168.0.100"));
        assert!(address_matches("10.0.0.1-10.0.0.9", "10.0.0.5"));
        assert!(address_matches("%any", "10.0.0.5"));
        assert!(address_matches("vpn.example.com", "10.0.0.5"));
        assert!(!address_matches("10.0.0.1", "10.0.0.2"));
    }

    #[test]
    fn secrets_compare_by_bytes() {
        assert_eq!(secret_bytes("0x6162"), b"ab");
        assert_eq!(secret_bytes("0sYWI="), b"ab");
        assert_eq!(secret_bytes("ab"), b"ab");
    }

    #[test]
    fn durations() {
        assert_eq!(seconds("4h"), Some(14400));
        assert_eq!(seconds("90"), Some(90));
        assert_eq!(seconds("1d"), Some(86400));
        assert_eq!(seconds("x"), None);
    }
}
