//! What a cloud provider's firewall, exported to a file, does with the packets IKE needs
//! between this gateway and a peer: UDP 500, UDP 4500 and ESP (IP protocol 50), inbound from
//! the peer's address and outbound to it. The provider filters before the host sees a packet,
//! so a deny here is invisible to everything else `ike-doctor host` reads.
//!
//! Read (JSON, the format detected from content by [`detect`]):
//!
//! - AWS security groups, `aws ec2 describe-security-groups`: `SecurityGroups[]` with
//!   `IpPermissions` (inbound) and `IpPermissionsEgress` (outbound). Security groups are
//!   stateful allow-lists: a packet passes if any rule of any group allows it, nothing is
//!   denied explicitly, and replies to an allowed flow pass whatever the rules of the other
//!   direction say. `IpProtocol` `-1` or a protocol number other than tcp/udp/icmp allows
//!   every port (API reference, IpPermission:
//!   <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html>; rules:
//!   <https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html>). All groups
//!   in the file are taken as attached to the gateway's interface: export just those
//!   (`--group-ids`).
//! - AWS network ACLs, `aws ec2 describe-network-acls`: `NetworkAcls[].Entries[]`, stateless,
//!   "processed in ascending order by rule number", first match wins, and the `*` rules
//!   (32767, 32768 for IPv6) deny what nothing matched (API reference, NetworkAclEntry:
//!   <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkAclEntry.html>; NACLs:
//!   <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html>). An ACL whose
//!   `Associations` list is empty filters no subnet and is skipped; if several associated
//!   ACLs remain and disagree, which one is the gateway's subnet's is not in the file.
//! - Azure network security groups, `az network nsg show` (rules flattened) or the ARM / REST
//!   resource (rules under `properties`): `securityRules[]` and `defaultSecurityRules[]`,
//!   "processed in priority order, with lower numbers processed before higher numbers ...
//!   Once traffic matches a rule, processing stops"
//!   (<https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview>).
//!   The default rules (AllowVnetInBound 65000, AllowAzureLoadBalancerInBound 65001,
//!   DenyAllInBound 65500, AllowVnetOutBound 65000, AllowInternetOutBound 65001,
//!   DenyAllOutBound 65500) are used from the export, or implied when it has none (the
//!   verdict then says "implied"). Service tags: `*`/`Any` match everything;
//!   `AzureLoadBalancer` is the host address 168.63.129.16; `Internet` and `VirtualNetwork`
//!   depend on the virtual network's address spaces, which are not in the file: for a peer in
//!   private-use space (RFC 1918, 100.64/10, fc00::/7, link-local) they cannot be evaluated,
//!   for any other peer `Internet` matches and `VirtualNetwork` does not (taken: a VNet and
//!   the on-premises networks it connects use private-use space). Any other tag, and
//!   application security groups, cannot be evaluated.
//! - Google Cloud VPC firewall rules, `gcloud compute firewall-rules list --format=json` (an
//!   array), the REST `firewalls.list` response (`items`) or `networks.getEffectiveFirewalls`
//!   (`firewalls`): lowest priority number first, a deny wins over an allow of the same
//!   priority, and the implied rules (priority 65535) deny all ingress and allow all egress
//!   (<https://cloud.google.com/firewall/docs/firewalls>,
//!   <https://cloud.google.com/compute/docs/reference/rest/v1/firewalls>). Disabled rules are
//!   skipped. Hierarchical firewall policies (`firewallPolicys` of getEffectiveFirewalls) are
//!   evaluated before VPC rules and are not evaluated here: a direction they have rules for
//!   cannot be evaluated.
//!
//! A rule whose match depends on data not in the file (a security-group reference, a prefix
//! list, a service tag, target tags or service accounts, the gateway's own address) makes
//! the verdict "cannot evaluate" when it comes before the deciding rule and would decide
//! otherwise; when it would decide the same, the verdict stands. Nothing is guessed.
//!
//! Packets are modelled without NAT: UDP from and to the same IKE port, the peer's address
//! as given. Verdicts for outbound packets are for flows this gateway starts; a stateful
//! firewall (security groups, NSGs, Google Cloud) still passes replies to flows the peer
//! starts.
use std::net::IpAddr;

use serde::Serialize;
use serde_json::Value;

/// Largest export read: real ones are kilobytes to a few megabytes.
const MAX_TEXT_BYTES: usize = 32 << 20;
/// Most rules (permissions, entries, security rules, firewall rules) in one file.
const MAX_RULES: usize = 5_000;
/// Most elements in any one list of the file (ranges, prefixes, ports, groups).
const MAX_LIST: usize = 5_000;

const UDP: u8 = 17;
const ESP: u8 = 50;
const IKE_PORT: u16 = 500;
const NAT_T_PORT: u16 = 4500;
/// The Azure host address the `AzureLoadBalancer` service tag stands for.
const AZURE_HOST_ADDRESS: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(168, 63, 129, 16));

/// The formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CloudFirewallKind {
    AwsSecurityGroups,
    AwsNetworkAcls,
    AzureNsg,
    GoogleFirewall,
}

impl CloudFirewallKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CloudFirewallKind::AwsSecurityGroups => "AWS security groups",
            CloudFirewallKind::AwsNetworkAcls => "AWS network ACLs",
            CloudFirewallKind::AzureNsg => "Azure network security group",
            CloudFirewallKind::GoogleFirewall => "Google Cloud firewall rules",
        }
    }
}

/// What the exported firewall does with one packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum CloudDecision {
    Allowed {
        /// The rule that allows it.
        by: String,
    },
    Denied {
        /// The rule that denies it, or the default that does.
        by: String,
    },
    /// The decision depends on data the file does not have.
    CannotEvaluate { why: String },
}

/// One IKE packet and its verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CloudVerdict {
    /// `UDP 500 from 203.0.113.7`, `ESP to 203.0.113.7`.
    pub packet: String,
    /// From the peer to this gateway (else from this gateway to the peer).
    pub inbound: bool,
    /// IP protocol: 17 (UDP) or 50 (ESP).
    pub protocol: u8,
    /// Destination port (UDP only).
    pub port: Option<u16>,
    #[serde(flatten)]
    pub verdict: CloudDecision,
}

/// Which format `text` is, from its content; `None`: none of them (or not JSON).
pub fn detect(text: &str) -> Option<CloudFirewallKind> {
    if text.len() > MAX_TEXT_BYTES {
        return None;
    }
    let value: Value = serde_json::from_str(text).ok()?;
    detect_value(&value)
}

/// The verdicts for the IKE packets between this gateway and `peer`, in the order inbound
/// UDP 500, UDP 4500, ESP, then outbound UDP 500, UDP 4500, ESP.
pub fn evaluate(
    text: &str,
    kind: CloudFirewallKind,
    peer: IpAddr,
) -> Result<Vec<CloudVerdict>, String> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(format!(
            "the file has {} bytes, more than the {MAX_TEXT_BYTES} read",
            text.len()
        ));
    }
    let value: Value = serde_json::from_str(text)
        .map_err(|e| format!("not JSON ({e}), so not {}", kind.as_str()))?;
    if detect_value(&value) != Some(kind) {
        return Err(format!(
            "not {}: {}",
            kind.as_str(),
            match detect_value(&value) {
                Some(other) => format!("the file looks like {}", other.as_str()),
                None => "none of the expected fields are there".into(),
            }
        ));
    }
    let peer = peer.to_canonical();
    let packets = ike_packets(peer);
    let decisions: Vec<CloudDecision> = match kind {
        CloudFirewallKind::AwsSecurityGroups => {
            let groups = aws_sg::parse(&value)?;
            packets.iter().map(|p| aws_sg::decide(&groups, p)).collect()
        }
        CloudFirewallKind::AwsNetworkAcls => {
            let acls = aws_nacl::parse(&value)?;
            packets.iter().map(|p| aws_nacl::decide(&acls, p)).collect()
        }
        CloudFirewallKind::AzureNsg => {
            let nsg = azure::parse(&value)?;
            packets.iter().map(|p| azure::decide(&nsg, p)).collect()
        }
        CloudFirewallKind::GoogleFirewall => {
            let firewall = google::parse(&value)?;
            packets
                .iter()
                .map(|p| google::decide(&firewall, p))
                .collect()
        }
    };
    Ok(packets
        .iter()
        .zip(decisions)
        .map(|(p, verdict)| CloudVerdict {
            packet: p.describe(),
            inbound: p.inbound,
            protocol: p.protocol,
            port: p.port,
            verdict,
        })
        .collect())
}

fn detect_value(value: &Value) -> Option<CloudFirewallKind> {
    if value.get("SecurityGroups").is_some_and(Value::is_array) {
        return Some(CloudFirewallKind::AwsSecurityGroups);
    }
    if value.get("NetworkAcls").is_some_and(Value::is_array) {
        return Some(CloudFirewallKind::AwsNetworkAcls);
    }
    if azure::find_nsg(value).is_some() {
        return Some(CloudFirewallKind::AzureNsg);
    }
    if google::rule_list(value).is_some() {
        return Some(CloudFirewallKind::GoogleFirewall);
    }
    None
}

/// One packet between this gateway and the peer.
#[derive(Debug, Clone, Copy)]
struct Packet {
    inbound: bool,
    protocol: u8,
    port: Option<u16>,
    peer: IpAddr,
}

impl Packet {
    fn describe(&self) -> String {
        let what = match self.port {
            Some(port) => format!("UDP {port}"),
            None => "ESP".into(),
        };
        let way = if self.inbound { "from" } else { "to" };
        format!("{what} {way} {}", self.peer)
    }
}

fn ike_packets(peer: IpAddr) -> Vec<Packet> {
    let mut packets = Vec::with_capacity(6);
    for inbound in [true, false] {
        for (protocol, port) in [(UDP, Some(IKE_PORT)), (UDP, Some(NAT_T_PORT)), (ESP, None)] {
            packets.push(Packet {
                inbound,
                protocol,
                port,
                peer,
            });
        }
    }
    packets
}

/// Whether a rule (or one of its parts) matches a packet.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Match {
    Yes,
    No,
    /// It depends on data not in the file; the text says which.
    Unknown(String),
}

impl Match {
    /// Both parts must match: a sure "no" decides.
    fn and(self, next: Match) -> Match {
        match (self, next) {
            (Match::No, _) | (_, Match::No) => Match::No,
            (Match::Unknown(why), _) | (_, Match::Unknown(why)) => Match::Unknown(why),
            (Match::Yes, Match::Yes) => Match::Yes,
        }
    }

    /// Either part may match: a sure "yes" decides.
    fn or(self, next: Match) -> Match {
        match (self, next) {
            (Match::Yes, _) | (_, Match::Yes) => Match::Yes,
            (Match::Unknown(why), _) | (_, Match::Unknown(why)) => Match::Unknown(why),
            (Match::No, Match::No) => Match::No,
        }
    }

    fn from_bool(yes: bool) -> Match {
        if yes {
            Match::Yes
        } else {
            Match::No
        }
    }
}

/// One rule of an ordered, first-match list as it applies to one packet.
struct Candidate {
    label: String,
    /// `None`: the rule's action is not understood (it could decide either way).
    allow: Option<bool>,
    matched: Match,
}

/// First match wins; a rule that may match before the deciding one makes the verdict
/// unknown only if it would decide the other way.
fn first_match(
    candidates: impl IntoIterator<Item = Candidate>,
    default_label: String,
    default_allows: bool,
) -> CloudDecision {
    // The first rule that may allow, and the first that may deny, before the decision.
    let mut unsure_allow: Option<(String, String)> = None;
    let mut unsure_deny: Option<(String, String)> = None;
    let mut decided = None;
    for candidate in candidates {
        match candidate.matched {
            Match::No => {}
            Match::Unknown(why) => {
                if candidate.allow != Some(false) && unsure_allow.is_none() {
                    unsure_allow = Some((candidate.label.clone(), why.clone()));
                }
                if candidate.allow != Some(true) && unsure_deny.is_none() {
                    unsure_deny = Some((candidate.label, why));
                }
            }
            Match::Yes => match candidate.allow {
                Some(allow) => {
                    decided = Some((candidate.label, allow));
                    break;
                }
                None => {
                    return CloudDecision::CannotEvaluate {
                        why: format!("{}: its action is not understood", candidate.label),
                    }
                }
            },
        }
    }
    let (label, allow) = decided.unwrap_or((default_label, default_allows));
    let contrary = if allow { unsure_deny } else { unsure_allow };
    match contrary {
        Some((other, why)) => CloudDecision::CannotEvaluate {
            why: format!(
                "{other} comes before {label} and would {} it if it matched: {why}",
                if allow { "deny" } else { "allow" }
            ),
        },
        None if allow => CloudDecision::Allowed { by: label },
        None => CloudDecision::Denied { by: label },
    }
}

/// An address range: `10.0.0.0/8`, `2001:db8::/32`, or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cidr {
    network: IpAddr,
    prefix_len: u8,
}

impl Cidr {
    fn parse(text: &str) -> Option<Cidr> {
        let text = text.trim();
        let (address, prefix_len) = match text.split_once('/') {
            Some((address, len)) => (address, Some(len.parse::<u8>().ok()?)),
            None => (text, None),
        };
        let network: IpAddr = address.parse().ok()?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix_len = prefix_len.unwrap_or(max);
        (prefix_len <= max).then_some(Cidr {
            network,
            prefix_len,
        })
    }

    fn contains(&self, address: IpAddr) -> bool {
        match (self.network, address) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix_len))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix_len))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// Whether `text` is a range holding every address of `address`'s family.
fn is_everything_for(text: &str, address: IpAddr) -> bool {
    Cidr::parse(text).is_some_and(|c| c.prefix_len == 0 && c.contains(address))
}

/// Private-use space, where an Azure virtual network (or what it connects) may be.
fn is_private_use(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(a) => {
            let o = a.octets();
            a.is_private()
                || a.is_loopback()
                || a.is_link_local()
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
        }
        IpAddr::V6(a) => {
            let first = a.segments()[0];
            a.is_loopback() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
        }
    }
}

/// An inclusive port range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PortRange {
    from: u16,
    to: u16,
}

impl PortRange {
    const ALL: PortRange = PortRange {
        from: 0,
        to: u16::MAX,
    };

    /// `*`, `500`, `400-600`.
    fn parse(text: &str) -> Option<PortRange> {
        let text = text.trim();
        if text == "*" {
            return Some(PortRange::ALL);
        }
        let (from, to) = match text.split_once('-') {
            Some((from, to)) => (from.trim().parse().ok()?, to.trim().parse().ok()?),
            None => {
                let port = text.parse().ok()?;
                (port, port)
            }
        };
        (from <= to).then_some(PortRange { from, to })
    }

    fn from_numbers(from: &Value, to: &Value) -> Option<PortRange> {
        let from = u16::try_from(from.as_i64()?).ok()?;
        let to = u16::try_from(to.as_i64()?).ok()?;
        (from <= to).then_some(PortRange { from, to })
    }

    fn contains(&self, port: u16) -> bool {
        (self.from..=self.to).contains(&port)
    }
}

/// A protocol field: every protocol, or one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    All,
    Number(u8),
}

impl Protocol {
    /// Names as AWS, Azure and Google Cloud spell them, `-1`/`*`/`all`/`any`, or a number.
    fn parse(text: &str) -> Option<Protocol> {
        let text = text.trim().to_ascii_lowercase();
        let number = match text.as_str() {
            "-1" | "*" | "all" | "any" => return Some(Protocol::All),
            "icmp" => 1,
            "ipip" => 4,
            "tcp" => 6,
            "udp" => UDP,
            "esp" => ESP,
            "ah" => 51,
            "icmpv6" => 58,
            "sctp" => 132,
            other => other.parse().ok()?,
        };
        Some(Protocol::Number(number))
    }

    fn matches(self, protocol: u8) -> bool {
        match self {
            Protocol::All => true,
            Protocol::Number(n) => n == protocol,
        }
    }
}

/// The array at `key` (absent: empty), bounded.
fn list<'a>(value: &'a Value, key: &str) -> Result<&'a [Value], String> {
    match value.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) if items.len() <= MAX_LIST => Ok(items),
        Some(Value::Array(items)) => Err(format!(
            "`{key}` has {} elements, more than the {MAX_LIST} read",
            items.len()
        )),
        Some(_) => Err(format!("`{key}` is not a list")),
    }
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// Counts rules against [`MAX_RULES`].
struct RuleBudget(usize);

impl RuleBudget {
    fn take(&mut self, n: usize) -> Result<(), String> {
        self.0 = self.0.saturating_add(n);
        if self.0 > MAX_RULES {
            Err(format!(
                "more than {MAX_RULES} rules in the file; not evaluated"
            ))
        } else {
            Ok(())
        }
    }
}

/// AWS security groups: stateful allow-lists.
mod aws_sg {
    use super::*;

    pub(super) struct Group {
        name: String,
        inbound: Vec<Permission>,
        outbound: Vec<Permission>,
    }

    struct Permission {
        protocol: Result<Protocol, String>,
        ports: Result<PortRange, String>,
        /// `IpRanges[].CidrIp` and `Ipv6Ranges[].CidrIpv6`, as written.
        ranges: Vec<String>,
        /// Security-group references and prefix lists: contents not in the file.
        opaque: Vec<String>,
    }

    pub(super) fn parse(value: &Value) -> Result<Vec<Group>, String> {
        let groups = list(value, "SecurityGroups")?;
        if groups.is_empty() {
            return Err("`SecurityGroups` is empty: no group to evaluate".into());
        }
        let mut budget = RuleBudget(0);
        groups
            .iter()
            .map(|group| {
                let id = text(group, "GroupId").unwrap_or("?");
                let name = match text(group, "GroupName") {
                    Some(name) => format!("{id} ({name})"),
                    None => id.to_string(),
                };
                let inbound = permissions(group, "IpPermissions", &mut budget)?;
                let outbound = permissions(group, "IpPermissionsEgress", &mut budget)?;
                Ok(Group {
                    name,
                    inbound,
                    outbound,
                })
            })
            .collect()
    }

    fn permissions(
        group: &Value,
        key: &str,
        budget: &mut RuleBudget,
    ) -> Result<Vec<Permission>, String> {
        let items = list(group, key)?;
        budget.take(items.len())?;
        items.iter().map(permission).collect()
    }

    fn permission(item: &Value) -> Result<Permission, String> {
        let protocol_text = match item.get("IpProtocol") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let protocol = Protocol::parse(&protocol_text)
            .ok_or_else(|| format!("protocol `{protocol_text}` is not understood"));
        // Ports restrict only TCP and UDP (and ICMP types); absent means every port.
        let ports = match (item.get("FromPort"), item.get("ToPort")) {
            (None | Some(Value::Null), None | Some(Value::Null)) => Ok(PortRange::ALL),
            (Some(from), Some(to)) => PortRange::from_numbers(from, to)
                .ok_or_else(|| format!("port range {from}-{to} is not understood")),
            _ => Err("the rule has only one end of its port range".into()),
        };
        let mut ranges = Vec::new();
        for range in list(item, "IpRanges")? {
            ranges.extend(text(range, "CidrIp").map(str::to_string));
        }
        for range in list(item, "Ipv6Ranges")? {
            ranges.extend(text(range, "CidrIpv6").map(str::to_string));
        }
        let mut opaque = Vec::new();
        for pair in list(item, "UserIdGroupPairs")? {
            let group = text(pair, "GroupId").unwrap_or("?");
            opaque.push(format!(
                "security group {group}: whether the peer is a member is not in the file"
            ));
        }
        for prefix_list in list(item, "PrefixListIds")? {
            let id = text(prefix_list, "PrefixListId").unwrap_or("?");
            opaque.push(format!("prefix list {id}: its entries are not in the file"));
        }
        Ok(Permission {
            protocol,
            ports,
            ranges,
            opaque,
        })
    }

    fn describe(p: &Permission) -> String {
        match (&p.protocol, &p.ports) {
            (Ok(Protocol::All), _) => "all traffic".into(),
            (Ok(Protocol::Number(UDP)), Ok(ports)) => format!("UDP {}-{}", ports.from, ports.to),
            (Ok(Protocol::Number(n)), _) => format!("protocol {n}"),
            (Err(_), _) => "an unknown protocol".into(),
        }
    }

    /// What `p` does with `packet`, and the range that matched.
    fn matches(p: &Permission, packet: &Packet) -> (Match, Option<String>) {
        let protocol = match p.protocol {
            Ok(protocol) => Match::from_bool(protocol.matches(packet.protocol)),
            Err(ref why) => Match::Unknown(why.clone()),
        };
        // "-1 or a protocol number other than tcp, udp, icmp ... allows all ports".
        let port = match (&p.protocol, packet.port) {
            (Ok(Protocol::Number(UDP)), Some(port)) => match p.ports {
                Ok(range) => Match::from_bool(range.contains(port)),
                Err(ref why) => Match::Unknown(why.clone()),
            },
            _ => Match::Yes,
        };
        let head = protocol.and(port);
        if head == Match::No {
            return (Match::No, None);
        }
        if let Some(range) = p
            .ranges
            .iter()
            .find(|r| Cidr::parse(r).is_some_and(|c| c.contains(packet.peer)))
        {
            return (head, Some(range.clone()));
        }
        match p.opaque.first() {
            Some(why) => (head.and(Match::Unknown(why.clone())), None),
            None => (Match::No, None),
        }
    }

    pub(super) fn decide(groups: &[Group], packet: &Packet) -> CloudDecision {
        let mut unsure = None;
        for group in groups {
            let permissions = if packet.inbound {
                &group.inbound
            } else {
                &group.outbound
            };
            for p in permissions {
                match matches(p, packet) {
                    (Match::Yes, range) => {
                        let way = if packet.inbound {
                            "inbound"
                        } else {
                            "outbound"
                        };
                        let dir = if packet.inbound { "from" } else { "to" };
                        return CloudDecision::Allowed {
                            by: format!(
                                "{}: {way} rule {} {dir} {}",
                                group.name,
                                describe(p),
                                range.unwrap_or_default()
                            ),
                        };
                    }
                    (Match::Unknown(why), _) if unsure.is_none() => {
                        unsure = Some(format!("{}: {why}", group.name));
                    }
                    _ => {}
                }
            }
        }
        match unsure {
            Some(why) => CloudDecision::CannotEvaluate { why },
            None if packet.inbound => CloudDecision::Denied {
                by: "no rule allows it (default deny)".into(),
            },
            None => CloudDecision::Denied {
                by: "no rule allows it (default deny); replies to flows the peer starts \
                     still pass (security groups are stateful)"
                    .into(),
            },
        }
    }
}

/// AWS network ACLs: stateless, ordered by rule number.
mod aws_nacl {
    use super::*;

    pub(super) struct Acl {
        id: String,
        entries: Vec<Entry>,
    }

    struct Entry {
        number: i64,
        egress: bool,
        allow: Result<bool, String>,
        protocol: Result<Protocol, String>,
        ports: Result<PortRange, String>,
        range: Option<String>,
    }

    pub(super) fn parse(value: &Value) -> Result<Vec<Acl>, String> {
        let acls = list(value, "NetworkAcls")?;
        // An ACL with an empty association list filters no subnet.
        let associated: Vec<&Value> = acls
            .iter()
            .filter(|acl| {
                !acl.get("Associations")
                    .is_some_and(|a| a.as_array().is_some_and(Vec::is_empty))
            })
            .collect();
        let chosen: Vec<&Value> = if associated.is_empty() {
            acls.iter().collect()
        } else {
            associated
        };
        if chosen.is_empty() {
            return Err("`NetworkAcls` is empty: no ACL to evaluate".into());
        }
        let mut budget = RuleBudget(0);
        chosen
            .into_iter()
            .map(|acl| {
                let entries = list(acl, "Entries")?;
                budget.take(entries.len())?;
                let mut entries: Vec<Entry> =
                    entries.iter().map(entry).collect::<Result<_, _>>()?;
                entries.sort_by_key(|e| e.number);
                Ok(Acl {
                    id: text(acl, "NetworkAclId").unwrap_or("?").to_string(),
                    entries,
                })
            })
            .collect()
    }

    fn entry(item: &Value) -> Result<Entry, String> {
        let number = item
            .get("RuleNumber")
            .and_then(Value::as_i64)
            .ok_or("an ACL entry has no rule number")?;
        let egress = item
            .get("Egress")
            .and_then(Value::as_bool)
            .ok_or_else(|| format!("ACL rule {number} does not say whether it is egress"))?;
        let allow = match text(item, "RuleAction")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("allow") => Ok(true),
            Some("deny") => Ok(false),
            other => Err(format!("rule action {other:?} is not understood")),
        };
        let protocol_text = text(item, "Protocol").unwrap_or("");
        let protocol = Protocol::parse(protocol_text)
            .ok_or_else(|| format!("protocol `{protocol_text}` is not understood"));
        let ports = match item.get("PortRange") {
            None | Some(Value::Null) => Ok(PortRange::ALL),
            Some(range) => PortRange::from_numbers(
                range.get("From").unwrap_or(&Value::Null),
                range.get("To").unwrap_or(&Value::Null),
            )
            .ok_or_else(|| format!("port range {range} is not understood")),
        };
        let range = text(item, "CidrBlock")
            .or_else(|| text(item, "Ipv6CidrBlock"))
            .map(str::to_string);
        Ok(Entry {
            number,
            egress,
            allow,
            protocol,
            ports,
            range,
        })
    }

    fn matches(e: &Entry, packet: &Packet) -> Match {
        let protocol = match e.protocol {
            Ok(p) => Match::from_bool(p.matches(packet.protocol)),
            Err(ref why) => Match::Unknown(why.clone()),
        };
        let port = match (&e.protocol, packet.port) {
            (Ok(Protocol::Number(UDP)), Some(port)) => match e.ports {
                Ok(range) => Match::from_bool(range.contains(port)),
                Err(ref why) => Match::Unknown(why.clone()),
            },
            _ => Match::Yes,
        };
        let address = match e.range.as_deref().map(Cidr::parse) {
            Some(Some(cidr)) => Match::from_bool(cidr.contains(packet.peer)),
            Some(None) => Match::Unknown(format!(
                "address range {:?} is not understood",
                e.range.as_deref().unwrap_or("")
            )),
            None => Match::Unknown("the entry has no address range".into()),
        };
        let action = match e.allow {
            Ok(_) => Match::Yes,
            Err(ref why) => Match::Unknown(why.clone()),
        };
        protocol.and(port).and(address).and(action)
    }

    fn decide_one(acl: &Acl, packet: &Packet) -> CloudDecision {
        let candidates = acl
            .entries
            .iter()
            .filter(|e| e.egress != packet.inbound)
            .map(|e| Candidate {
                label: format!("{} rule {}", acl.id, e.number),
                // An entry whose action is not understood is unsure either way.
                allow: e.allow.clone().ok(),
                matched: matches(e, packet),
            });
        first_match(
            candidates,
            format!("{}: no rule matches (default deny, rule *)", acl.id),
            false,
        )
    }

    pub(super) fn decide(acls: &[Acl], packet: &Packet) -> CloudDecision {
        let decisions: Vec<CloudDecision> = acls.iter().map(|a| decide_one(a, packet)).collect();
        if let [only] = decisions.as_slice() {
            return with_stateless_note(only.clone(), packet);
        }
        let all_allowed = decisions
            .iter()
            .all(|d| matches!(d, CloudDecision::Allowed { .. }));
        let all_denied = decisions
            .iter()
            .all(|d| matches!(d, CloudDecision::Denied { .. }));
        let labels = || {
            decisions
                .iter()
                .map(|d| match d {
                    CloudDecision::Allowed { by } | CloudDecision::Denied { by } => by.clone(),
                    CloudDecision::CannotEvaluate { why } => why.clone(),
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        let decision = if all_allowed {
            CloudDecision::Allowed { by: labels() }
        } else if all_denied {
            CloudDecision::Denied { by: labels() }
        } else {
            CloudDecision::CannotEvaluate {
                why: format!(
                    "the file has {} network ACLs in use and they disagree ({}); which one is \
                     the gateway subnet's is not in the file: export that one \
                     (--filters Name=association.subnet-id,Values=SUBNET)",
                    acls.len(),
                    labels()
                ),
            }
        };
        with_stateless_note(decision, packet)
    }

    /// Network ACLs are stateless: a denied outbound packet is denied even as a reply.
    fn with_stateless_note(decision: CloudDecision, packet: &Packet) -> CloudDecision {
        match decision {
            CloudDecision::Denied { by } if !packet.inbound => CloudDecision::Denied {
                by: format!("{by} (network ACLs are stateless: replies are denied too)"),
            },
            other => other,
        }
    }
}

/// Azure network security groups: priority order, first match.
mod azure {
    use super::*;

    pub(super) struct Nsg {
        rules: Vec<Rule>,
    }

    struct Rule {
        label: String,
        priority: u64,
        inbound: Result<bool, String>,
        allow: Result<bool, String>,
        protocol: Result<Protocol, String>,
        source_ports: Vec<String>,
        destination_ports: Vec<String>,
        source_prefixes: Vec<String>,
        destination_prefixes: Vec<String>,
        /// Application security groups named on the source or destination side.
        source_groups: bool,
        destination_groups: bool,
    }

    /// The NSG object in an `az` output, an ARM/REST resource, a one-element list of either,
    /// or an ARM template with one NSG resource.
    pub(super) fn find_nsg(value: &Value) -> Option<&Value> {
        let has_rules = |v: &Value| {
            v.get("securityRules").is_some_and(Value::is_array)
                || v.get("defaultSecurityRules").is_some_and(Value::is_array)
        };
        match value {
            Value::Array(items) if items.len() == 1 => find_nsg(&items[0]),
            Value::Object(_) if has_rules(value) => Some(value),
            Value::Object(_) => {
                if let Some(properties) = value.get("properties").filter(|p| has_rules(p)) {
                    return Some(properties);
                }
                let resources = value.get("resources")?.as_array()?;
                let mut nsgs = resources.iter().take(MAX_LIST).filter(|r| {
                    text(r, "type").is_some_and(|t| {
                        t.eq_ignore_ascii_case("Microsoft.Network/networkSecurityGroups")
                    })
                });
                let first = nsgs.next()?;
                if nsgs.next().is_some() {
                    return None;
                }
                first.get("properties")
            }
            _ => None,
        }
    }

    pub(super) fn parse(value: &Value) -> Result<Nsg, String> {
        let nsg = find_nsg(value).ok_or(
            "no single network security group found (one NSG object, or an ARM template with one)",
        )?;
        let custom = list(nsg, "securityRules")?;
        let defaults = list(nsg, "defaultSecurityRules")?;
        let mut budget = RuleBudget(0);
        budget.take(custom.len() + defaults.len())?;
        let mut rules = Vec::with_capacity(custom.len() + defaults.len() + 6);
        for item in custom {
            rules.push(rule(item, "")?);
        }
        for item in defaults {
            rules.push(rule(item, ", default rule")?);
        }
        if defaults.is_empty() {
            rules.extend(implied_defaults());
        }
        // Priorities are unique within an NSG; a stable sort keeps the file's order anyway.
        rules.sort_by_key(|r| r.priority);
        Ok(Nsg { rules })
    }

    fn strings(value: &Value, single: &str, plural: &str) -> Result<Vec<String>, String> {
        let many: Vec<String> = list(value, plural)?
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        if !many.is_empty() {
            return Ok(many);
        }
        Ok(text(value, single)
            .map(str::to_string)
            .into_iter()
            .collect())
    }

    fn rule(item: &Value, default_note: &str) -> Result<Rule, String> {
        // `az` flattens a rule's properties; ARM and REST keep them under `properties`.
        let fields = item
            .get("properties")
            .filter(|p| p.is_object())
            .unwrap_or(item);
        let name = text(item, "name").unwrap_or("?");
        let priority = fields
            .get("priority")
            .and_then(Value::as_u64)
            .ok_or_else(|| format!("security rule {name} has no priority"))?;
        let inbound = match text(fields, "direction")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("inbound") => Ok(true),
            Some("outbound") => Ok(false),
            other => Err(format!("direction {other:?} is not understood")),
        };
        let allow = match text(fields, "access")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("allow") => Ok(true),
            Some("deny") => Ok(false),
            other => Err(format!("access {other:?} is not understood")),
        };
        let protocol_text = text(fields, "protocol").unwrap_or("");
        let protocol = Protocol::parse(protocol_text)
            .ok_or_else(|| format!("protocol `{protocol_text}` is not understood"));
        let has_groups = |key: &str| -> Result<bool, String> { Ok(!list(fields, key)?.is_empty()) };
        Ok(Rule {
            label: format!("{name} (priority {priority}{default_note})"),
            priority,
            inbound,
            allow,
            protocol,
            source_ports: strings(fields, "sourcePortRange", "sourcePortRanges")?,
            destination_ports: strings(fields, "destinationPortRange", "destinationPortRanges")?,
            source_prefixes: strings(fields, "sourceAddressPrefix", "sourceAddressPrefixes")?,
            destination_prefixes: strings(
                fields,
                "destinationAddressPrefix",
                "destinationAddressPrefixes",
            )?,
            source_groups: has_groups("sourceApplicationSecurityGroups")?,
            destination_groups: has_groups("destinationApplicationSecurityGroups")?,
        })
    }

    /// The default rules every NSG has, for an export that leaves them out.
    fn implied_defaults() -> Vec<Rule> {
        [
            (
                "AllowVnetInBound",
                65000,
                true,
                true,
                "VirtualNetwork",
                "VirtualNetwork",
            ),
            (
                "AllowAzureLoadBalancerInBound",
                65001,
                true,
                true,
                "AzureLoadBalancer",
                "*",
            ),
            ("DenyAllInBound", 65500, true, false, "*", "*"),
            (
                "AllowVnetOutBound",
                65000,
                false,
                true,
                "VirtualNetwork",
                "VirtualNetwork",
            ),
            ("AllowInternetOutBound", 65001, false, true, "*", "Internet"),
            ("DenyAllOutBound", 65500, false, false, "*", "*"),
        ]
        .into_iter()
        .map(
            |(name, priority, inbound, allow, source, destination)| Rule {
                label: format!(
                    "{name} (priority {priority}, default rule implied: not in the export)"
                ),
                priority,
                inbound: Ok(inbound),
                allow: Ok(allow),
                protocol: Ok(Protocol::All),
                source_ports: vec!["*".into()],
                destination_ports: vec!["*".into()],
                source_prefixes: vec![source.into()],
                destination_prefixes: vec![destination.into()],
                source_groups: false,
                destination_groups: false,
            },
        )
        .collect()
    }

    fn ports_match(ranges: &[String], port: u16) -> Match {
        ranges.iter().fold(Match::No, |acc, r| {
            acc.or(match PortRange::parse(r) {
                Some(range) => Match::from_bool(range.contains(port)),
                None => Match::Unknown(format!("port range `{r}` is not understood")),
            })
        })
    }

    fn all_ports(ranges: &[String]) -> bool {
        ranges
            .iter()
            .any(|r| PortRange::parse(r) == Some(PortRange::ALL))
    }

    /// A prefix on the peer's side of the rule.
    fn peer_prefix(prefix: &str, peer: IpAddr) -> Match {
        let tag = prefix.trim();
        if tag == "*" || tag.eq_ignore_ascii_case("any") {
            return Match::Yes;
        }
        if tag.starts_with('[') {
            return Match::Unknown(format!("`{tag}` is a template expression, not evaluated"));
        }
        if let Some(cidr) = Cidr::parse(tag) {
            return Match::from_bool(cidr.contains(peer));
        }
        if tag.eq_ignore_ascii_case("AzureLoadBalancer") {
            return Match::from_bool(peer == AZURE_HOST_ADDRESS);
        }
        let spaces_unknown = || {
            Match::Unknown(format!(
                "service tag {tag} depends on the virtual network's address spaces, which are \
                 not in the file, and {peer} is in private-use space"
            ))
        };
        if tag.eq_ignore_ascii_case("Internet") {
            return if is_private_use(peer) {
                spaces_unknown()
            } else {
                Match::Yes
            };
        }
        if tag.eq_ignore_ascii_case("VirtualNetwork") {
            return if is_private_use(peer) {
                spaces_unknown()
            } else {
                Match::No
            };
        }
        Match::Unknown(format!(
            "service tag {tag}: its address ranges are not in the file"
        ))
    }

    /// A prefix on this gateway's side of the rule: the gateway is in the virtual network,
    /// but its address is not in the file.
    fn gateway_prefix(prefix: &str, peer: IpAddr) -> Match {
        let tag = prefix.trim();
        if tag == "*"
            || tag.eq_ignore_ascii_case("any")
            || tag.eq_ignore_ascii_case("VirtualNetwork")
            || is_everything_for(tag, peer)
        {
            Match::Yes
        } else {
            Match::Unknown(format!(
                "it names this gateway's side as `{tag}`, and the gateway's address is not in \
                 the file"
            ))
        }
    }

    fn matches(rule: &Rule, packet: &Packet) -> Match {
        let direction = match rule.inbound {
            Ok(inbound) => Match::from_bool(inbound == packet.inbound),
            Err(ref why) => Match::Unknown(why.clone()),
        };
        let protocol = match rule.protocol {
            Ok(p) => Match::from_bool(p.matches(packet.protocol)),
            Err(ref why) => Match::Unknown(why.clone()),
        };
        let ports = match packet.port {
            // Without NAT an IKE packet leaves from the port it goes to.
            Some(port) => ports_match(&rule.destination_ports, port)
                .and(ports_match(&rule.source_ports, port)),
            None if all_ports(&rule.destination_ports) && all_ports(&rule.source_ports) => {
                Match::Yes
            }
            None => Match::Unknown(
                "the rule is limited to ports, and whether Azure applies such a rule to ESP, \
                 which has none, is not documented"
                    .into(),
            ),
        };
        let (peer_side, peer_groups, gateway_side, gateway_groups) = if packet.inbound {
            (
                &rule.source_prefixes,
                rule.source_groups,
                &rule.destination_prefixes,
                rule.destination_groups,
            )
        } else {
            (
                &rule.destination_prefixes,
                rule.destination_groups,
                &rule.source_prefixes,
                rule.source_groups,
            )
        };
        let group_unknown = || {
            Match::Unknown("application security groups: their members are not in the file".into())
        };
        let peer = if peer_groups {
            group_unknown()
        } else if peer_side.is_empty() {
            Match::Unknown("the rule has no address prefix".into())
        } else {
            peer_side
                .iter()
                .fold(Match::No, |acc, p| acc.or(peer_prefix(p, packet.peer)))
        };
        let gateway = if gateway_groups {
            group_unknown()
        } else if gateway_side.is_empty() {
            Match::Unknown("the rule has no address prefix".into())
        } else {
            gateway_side
                .iter()
                .fold(Match::No, |acc, p| acc.or(gateway_prefix(p, packet.peer)))
        };
        let access = match rule.allow {
            Ok(_) => Match::Yes,
            Err(ref why) => Match::Unknown(why.clone()),
        };
        direction
            .and(protocol)
            .and(ports)
            .and(peer)
            .and(gateway)
            .and(access)
    }

    pub(super) fn decide(nsg: &Nsg, packet: &Packet) -> CloudDecision {
        let candidates = nsg.rules.iter().map(|rule| Candidate {
            label: rule.label.clone(),
            allow: rule.allow.clone().ok(),
            matched: matches(rule, packet),
        });
        first_match(candidates, "no rule matches (default deny)".into(), false)
    }
}

/// Google Cloud VPC firewall rules: priority order, deny before allow, implied rules.
mod google {
    use super::*;

    pub(super) struct Firewall {
        rules: Vec<Rule>,
        /// Directions (`true`: ingress) that hierarchical firewall policies have rules for.
        policy_ingress: bool,
        policy_egress: bool,
    }

    struct Rule {
        name: String,
        priority: u64,
        ingress: bool,
        allow: bool,
        /// `allowed[]`/`denied[]`: protocol and ports.
        protocols: Vec<(Result<Protocol, String>, Vec<String>)>,
        source_ranges: Vec<String>,
        destination_ranges: Vec<String>,
        source_tags: Vec<String>,
        targets: Vec<String>,
    }

    /// The rule list of a `gcloud ... list` array, a REST `items` or `firewalls` response.
    pub(super) fn rule_list(value: &Value) -> Option<&[Value]> {
        let looks_like_rule = |v: &Value| {
            v.get("direction").is_some()
                || v.get("allowed").is_some_and(Value::is_array)
                || v.get("denied").is_some_and(Value::is_array)
        };
        let items = match value {
            Value::Array(items) => items.as_slice(),
            Value::Object(_) => value
                .get("items")
                .or_else(|| value.get("firewalls"))
                .and_then(Value::as_array)?
                .as_slice(),
            _ => return None,
        };
        // An empty list is a valid export with only the implied rules.
        (items.is_empty() && value.is_object() || items.first().is_some_and(looks_like_rule))
            .then_some(items)
    }

    fn strings(value: &Value, key: &str) -> Result<Vec<String>, String> {
        Ok(list(value, key)?
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect())
    }

    pub(super) fn parse(value: &Value) -> Result<Firewall, String> {
        let items = rule_list(value).ok_or("no firewall rule list found")?;
        if items.len() > MAX_LIST {
            return Err(format!(
                "{} firewall rules, more than the {MAX_LIST} read",
                items.len()
            ));
        }
        let mut budget = RuleBudget(0);
        budget.take(items.len())?;
        let mut networks: Vec<&str> = items.iter().filter_map(|r| text(r, "network")).collect();
        networks.sort_unstable();
        networks.dedup();
        if networks.len() > 1 {
            return Err(format!(
                "the file has rules of {} networks ({}); rules apply only to their own \
                 network: list the gateway's (--filter=network:NAME)",
                networks.len(),
                networks.join(", ")
            ));
        }
        let mut rules = Vec::with_capacity(items.len());
        for item in items {
            if item.get("disabled").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            rules.push(rule(item)?);
        }
        // Lower number first; "a deny rule overrides an allow rule of the same priority".
        rules.sort_by_key(|r| (r.priority, r.allow));
        let (mut policy_ingress, mut policy_egress) = (false, false);
        for policy in list(value, "firewallPolicys")?
            .iter()
            .chain(list(value, "organizationFirewalls")?)
        {
            let policy_rules = list(policy, "rules")?;
            budget.take(policy_rules.len())?;
            for r in policy_rules {
                match text(r, "direction") {
                    Some("INGRESS") => policy_ingress = true,
                    Some("EGRESS") => policy_egress = true,
                    _ => (policy_ingress, policy_egress) = (true, true),
                }
            }
        }
        Ok(Firewall {
            rules,
            policy_ingress,
            policy_egress,
        })
    }

    fn rule(item: &Value) -> Result<Rule, String> {
        let name = text(item, "name").unwrap_or("?").to_string();
        let priority = match item.get("priority") {
            None | Some(Value::Null) => 1000, // the API's default
            Some(p) => p
                .as_u64()
                .ok_or_else(|| format!("firewall rule {name}: priority {p} is not understood"))?,
        };
        let ingress = match text(item, "direction") {
            None | Some("INGRESS") => true, // the API's default
            Some("EGRESS") => false,
            Some(other) => {
                return Err(format!(
                    "firewall rule {name}: direction {other} is not understood"
                ))
            }
        };
        let allowed = list(item, "allowed")?;
        let denied = list(item, "denied")?;
        let (allow, entries) = match (allowed.is_empty(), denied.is_empty()) {
            (false, true) => (true, allowed),
            (true, false) => (false, denied),
            _ => {
                return Err(format!(
                    "firewall rule {name} must have either `allowed` or `denied`"
                ))
            }
        };
        let mut protocols = Vec::with_capacity(entries.len());
        for entry in entries {
            let protocol_text = text(entry, "IPProtocol").unwrap_or("");
            let protocol = Protocol::parse(protocol_text)
                .ok_or_else(|| format!("protocol `{protocol_text}` is not understood"));
            protocols.push((protocol, strings(entry, "ports")?));
        }
        let mut targets = strings(item, "targetTags")?;
        targets.extend(strings(item, "targetServiceAccounts")?);
        let mut source_tags = strings(item, "sourceTags")?;
        source_tags.extend(strings(item, "sourceServiceAccounts")?);
        Ok(Rule {
            name,
            priority,
            ingress,
            allow,
            protocols,
            source_ranges: strings(item, "sourceRanges")?,
            destination_ranges: strings(item, "destinationRanges")?,
            source_tags,
            targets,
        })
    }

    fn protocol_matches(
        (protocol, ports): &(Result<Protocol, String>, Vec<String>),
        packet: &Packet,
    ) -> Match {
        let protocol = match protocol {
            Ok(p) if !p.matches(packet.protocol) => return Match::No,
            Ok(p) => *p,
            Err(why) => return Match::Unknown(why.clone()),
        };
        match (protocol, packet.port) {
            // Ports apply to TCP, UDP and SCTP; none listed means every port.
            (Protocol::Number(UDP), Some(port)) if !ports.is_empty() => {
                ports.iter().fold(Match::No, |acc, r| {
                    acc.or(match PortRange::parse(r) {
                        Some(range) => Match::from_bool(range.contains(port)),
                        None => Match::Unknown(format!("port range `{r}` is not understood")),
                    })
                })
            }
            _ => Match::Yes,
        }
    }

    fn ranges_match(ranges: &[String], peer: IpAddr) -> Match {
        ranges.iter().fold(Match::No, |acc, r| {
            acc.or(match Cidr::parse(r) {
                Some(cidr) => Match::from_bool(cidr.contains(peer)),
                None => Match::Unknown(format!("address range `{r}` is not understood")),
            })
        })
    }

    fn matches(rule: &Rule, packet: &Packet) -> Match {
        if rule.ingress != packet.inbound {
            return Match::No;
        }
        let protocol = rule
            .protocols
            .iter()
            .fold(Match::No, |acc, p| acc.or(protocol_matches(p, packet)));
        let (peer_ranges, gateway_ranges) = if packet.inbound {
            (&rule.source_ranges, &rule.destination_ranges)
        } else {
            (&rule.destination_ranges, &rule.source_ranges)
        };
        let peer = if peer_ranges.is_empty() && (!packet.inbound || rule.source_tags.is_empty()) {
            // Without ranges (or source tags) a rule covers every IPv4 address.
            Match::from_bool(packet.peer.is_ipv4())
        } else {
            let by_range = ranges_match(peer_ranges, packet.peer);
            if packet.inbound && by_range != Match::Yes && !rule.source_tags.is_empty() {
                // Sources are the ranges or the tagged instances.
                by_range.or(Match::Unknown(format!(
                    "its sources include instances with tags or service accounts {}, which \
                     are not in the file",
                    rule.source_tags.join(", ")
                )))
            } else {
                by_range
            }
        };
        let gateway = if gateway_ranges.is_empty()
            || gateway_ranges
                .iter()
                .any(|r| is_everything_for(r, packet.peer))
        {
            Match::Yes
        } else {
            Match::Unknown(format!(
                "it applies to this gateway's side only within {}, and the gateway's address \
                 is not in the file",
                gateway_ranges.join(", ")
            ))
        };
        let target = if rule.targets.is_empty() {
            Match::Yes
        } else {
            Match::Unknown(format!(
                "it applies only to instances with tags or service accounts {}; whether the \
                 gateway has them is not in the file",
                rule.targets.join(", ")
            ))
        };
        protocol.and(peer).and(gateway).and(target)
    }

    pub(super) fn decide(firewall: &Firewall, packet: &Packet) -> CloudDecision {
        let policies_apply = if packet.inbound {
            firewall.policy_ingress
        } else {
            firewall.policy_egress
        };
        if policies_apply {
            return CloudDecision::CannotEvaluate {
                why: format!(
                    "hierarchical firewall policies in the file have {} rules, which are \
                     evaluated before VPC firewall rules and are not evaluated here",
                    if packet.inbound { "ingress" } else { "egress" }
                ),
            };
        }
        let candidates = firewall.rules.iter().map(|rule| Candidate {
            label: format!("{} (priority {})", rule.name, rule.priority),
            allow: Some(rule.allow),
            matched: matches(rule, packet),
        });
        if packet.inbound {
            first_match(
                candidates,
                "implied deny ingress (priority 65535)".into(),
                false,
            )
        } else {
            first_match(
                candidates,
                "implied allow egress (priority 65535)".into(),
                true,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AWS_NACLS: &str = include_str!("../tests/data/cloud/aws-cli-describe-network-acls.json");
    const AWS_SGS: &str =
        include_str!("../tests/data/cloud/cloudmapper-demo-describe-security-groups.json");
    const AZURE_NSG: &str =
        include_str!("../tests/data/cloud/azure-rest-network-security-group-get.json");
    const GOOGLE: &str = include_str!("../tests/data/cloud/gcpdiag-gce2-effective-firewalls.json");

    const PEER: &str = "203.0.113.7";

    fn peer(text: &str) -> IpAddr {
        text.parse().expect("address")
    }

    /// The verdicts of `text`, as `(packet, decision)`.
    fn run(text: &str, kind: CloudFirewallKind, at: &str) -> Vec<(String, CloudDecision)> {
        evaluate(text, kind, peer(at))
            .expect("evaluates")
            .into_iter()
            .map(|v| (v.packet, v.verdict))
            .collect()
    }

    /// `text` with one field changed (a variant of a real example, not a real example).
    fn edited(text: &str, pointer: &str, new: Value) -> String {
        let mut value: Value = serde_json::from_str(text).expect("json");
        match value.pointer_mut(pointer) {
            Some(field) => *field = new,
            None => panic!("no field {pointer}"),
        }
        value.to_string()
    }

    fn allowed(by: &str) -> CloudDecision {
        CloudDecision::Allowed { by: by.into() }
    }

    fn denied(by: &str) -> CloudDecision {
        CloudDecision::Denied { by: by.into() }
    }

    #[test]
    fn detects_each_real_example() {
        assert_eq!(detect(AWS_SGS), Some(CloudFirewallKind::AwsSecurityGroups));
        assert_eq!(detect(AWS_NACLS), Some(CloudFirewallKind::AwsNetworkAcls));
        assert_eq!(detect(AZURE_NSG), Some(CloudFirewallKind::AzureNsg));
        assert_eq!(detect(GOOGLE), Some(CloudFirewallKind::GoogleFirewall));
        // A `gcloud ... list` array: the same rules without the wrapper.
        let value: Value = serde_json::from_str(GOOGLE).expect("json");
        let array = value["firewalls"].to_string();
        assert_eq!(detect(&array), Some(CloudFirewallKind::GoogleFirewall));
    }

    #[test]
    fn detects_nothing_in_other_json_or_garbage() {
        for text in [
            "",
            "garbage",
            "{",
            "null",
            "42",
            "[]",
            "[1, 2]",
            "{}",
            r#"{"nftables": []}"#,
            r#"{"SecurityGroups": "no"}"#,
            "\u{0}\u{1}\u{ff}",
        ] {
            assert_eq!(detect(text), None, "{text:?}");
        }
    }

    #[test]
    fn a_file_of_another_format_is_an_error() {
        let err = evaluate(AZURE_NSG, CloudFirewallKind::GoogleFirewall, peer(PEER))
            .expect_err("not Google");
        assert!(err.contains("Azure network security group"), "{err}");
        let err = evaluate("not json", CloudFirewallKind::AwsNetworkAcls, peer(PEER))
            .expect_err("not JSON");
        assert!(err.starts_with("not JSON"), "{err}");
    }

    #[test]
    fn hostile_input_is_bounded() {
        // More rules than read: an error, not a long evaluation.
        let entry = r#"{"CidrBlock":"0.0.0.0/0","RuleNumber":1,"Protocol":"-1","Egress":false,"RuleAction":"deny"}"#;
        let many = vec![entry; MAX_RULES + 1].join(",");
        let text = format!(r#"{{"NetworkAcls":[{{"NetworkAclId":"acl-x","Entries":[{many}]}}]}}"#);
        let err =
            evaluate(&text, CloudFirewallKind::AwsNetworkAcls, peer(PEER)).expect_err("too many");
        assert!(err.contains("more than"), "{err}");
        // Deep nesting: serde_json's recursion limit, no stack overflow.
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(detect(&deep), None);
        assert!(evaluate(&deep, CloudFirewallKind::GoogleFirewall, peer(PEER)).is_err());
        // Wrong types and out-of-range numbers: errors or "cannot evaluate", no panic.
        for text in [
            r#"{"SecurityGroups":[{"IpPermissions":[{"IpProtocol":"udp","FromPort":-5,"ToPort":99999,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}]}"#,
            r#"{"SecurityGroups":[{"IpPermissions":"x"}]}"#,
            r#"{"SecurityGroups":[1,2,3]}"#,
            r#"{"NetworkAcls":[{"Entries":[{"RuleNumber":"1"}]}]}"#,
            r#"{"NetworkAcls":[{"Entries":[{"RuleNumber":1,"Egress":false,"Protocol":"17","RuleAction":"allow","CidrBlock":"1.2.3.4/99","PortRange":{"From":600,"To":400}}]}]}"#,
            r#"{"securityRules":[{"name":"x","priority":-1}]}"#,
            r#"{"securityRules":[{"name":"x","priority":100,"protocol":"Udp","direction":"Sideways","access":"Maybe","destinationPortRange":"9-1","sourceAddressPrefix":"::/999"}]}"#,
            r#"[{"direction":"INGRESS","allowed":[{"IPProtocol":"udp","ports":["x-y"]}],"sourceRanges":["nope"]}]"#,
            r#"[{"direction":"INGRESS","allowed":[],"denied":[]}]"#,
        ] {
            if let Some(kind) = detect(text) {
                let _ = evaluate(text, kind, peer(PEER));
                let _ = evaluate(text, kind, peer("2001:db8::1"));
            }
        }
    }

    #[test]
    fn aws_security_groups_stateful_allow_list() {
        // The real demo groups: only a group reference (the default group's
        // "all traffic from sg-00000001") could let the peer in.
        let verdicts = run(AWS_SGS, CloudFirewallKind::AwsSecurityGroups, PEER);
        for (packet, verdict) in &verdicts[..3] {
            match verdict {
                CloudDecision::CannotEvaluate { why } => {
                    assert!(
                        why.contains("security group sg-00000001"),
                        "{packet}: {why}"
                    )
                }
                other => panic!("{packet}: {other:?}"),
            }
        }
        for (_, verdict) in &verdicts[3..] {
            assert_eq!(
                verdict,
                &allowed("sg-00000007 (Endpint): outbound rule all traffic to 0.0.0.0/0")
            );
        }
    }

    #[test]
    fn aws_security_groups_blocking_variant() {
        // Derived: the default group's self-reference limited to TCP (one field edited).
        let text = edited(
            AWS_SGS,
            "/SecurityGroups/6/IpPermissions/0/IpProtocol",
            "tcp".into(),
        );
        let verdicts = run(&text, CloudFirewallKind::AwsSecurityGroups, PEER);
        assert_eq!(verdicts[0].0, "UDP 500 from 203.0.113.7");
        for (_, verdict) in &verdicts[..3] {
            assert_eq!(verdict, &denied("no rule allows it (default deny)"));
        }
        assert!(matches!(verdicts[5].1, CloudDecision::Allowed { .. }));
    }

    #[test]
    fn aws_security_groups_allowing_variant() {
        // Derived: the Bastion group's SSH rule opened to all protocols (one field edited),
        // the peer at one of its office addresses.
        let text = edited(
            AWS_SGS,
            "/SecurityGroups/5/IpPermissions/0/IpProtocol",
            "-1".into(),
        );
        let verdicts = run(&text, CloudFirewallKind::AwsSecurityGroups, "1.1.1.1");
        for (_, verdict) in &verdicts[..3] {
            assert_eq!(
                verdict,
                &allowed("sg-00000002 (Bastion): inbound rule all traffic from 1.1.1.1/32")
            );
        }
    }

    #[test]
    fn aws_network_acls_first_match_by_rule_number() {
        // The real example: only acl-9aeb5ef7 is associated with subnets; it allows all.
        let verdicts = run(AWS_NACLS, CloudFirewallKind::AwsNetworkAcls, PEER);
        assert_eq!(verdicts.len(), 6);
        for (_, verdict) in &verdicts {
            assert_eq!(verdict, &allowed("acl-9aeb5ef7 rule 100"));
        }
        // It has no IPv6 entries: nothing matches an IPv6 peer.
        let verdicts = run(AWS_NACLS, CloudFirewallKind::AwsNetworkAcls, "2001:db8::7");
        assert_eq!(
            verdicts[0].1,
            denied("acl-9aeb5ef7: no rule matches (default deny, rule *)")
        );
        assert_eq!(
            verdicts[3].1,
            denied(
                "acl-9aeb5ef7: no rule matches (default deny, rule *) (network ACLs are \
                 stateless: replies are denied too)"
            )
        );
    }

    #[test]
    fn aws_network_acls_blocking_variant() {
        // Derived: acl-9aeb5ef7's inbound rule 100 turned to deny (one field edited).
        let text = edited(
            AWS_NACLS,
            "/NetworkAcls/2/Entries/2/RuleAction",
            "deny".into(),
        );
        let verdicts = run(&text, CloudFirewallKind::AwsNetworkAcls, PEER);
        for (_, verdict) in &verdicts[..3] {
            assert_eq!(verdict, &denied("acl-9aeb5ef7 rule 100"));
        }
        assert_eq!(verdicts[4].1, allowed("acl-9aeb5ef7 rule 100"));
    }

    #[test]
    fn an_action_not_understood_blocks_either_decision() {
        // Derived: acl-9aeb5ef7's inbound rule 100 given an unknown action (one field
        // edited); rule 100 comes first, so neither its allow nor 32767's deny stands.
        let text = edited(
            AWS_NACLS,
            "/NetworkAcls/2/Entries/2/RuleAction",
            "maybe".into(),
        );
        let verdicts = run(&text, CloudFirewallKind::AwsNetworkAcls, PEER);
        match &verdicts[0].1 {
            CloudDecision::CannotEvaluate { why } => {
                assert!(
                    why.starts_with("acl-9aeb5ef7 rule 100 comes before"),
                    "{why}"
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn aws_network_acls_that_disagree_cannot_be_evaluated() {
        // Derived: the deny-all acl-5fb85d36 given an association (one field edited).
        let text = edited(
            AWS_NACLS,
            "/NetworkAcls/1/Associations",
            serde_json::json!([{"SubnetId": "subnet-1"}]),
        );
        let verdicts = run(&text, CloudFirewallKind::AwsNetworkAcls, PEER);
        match &verdicts[0].1 {
            CloudDecision::CannotEvaluate { why } => {
                assert!(why.contains("2 network ACLs"), "{why}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn azure_nsg_blocks_ike_from_the_internet() {
        // The real example: rule1 allows port 80 only; DenyAllInBound decides UDP.
        let verdicts = run(AZURE_NSG, CloudFirewallKind::AzureNsg, PEER);
        assert_eq!(
            verdicts[0].1,
            denied("DenyAllInBound (priority 65500, default rule)")
        );
        assert_eq!(
            verdicts[1].1,
            denied("DenyAllInBound (priority 65500, default rule)")
        );
        // rule1 (any protocol, port 80) might or might not cover ESP.
        match &verdicts[2].1 {
            CloudDecision::CannotEvaluate { why } => {
                assert!(
                    why.starts_with("rule1 (priority 130) comes before"),
                    "{why}"
                )
            }
            other => panic!("{other:?}"),
        }
        for (_, verdict) in &verdicts[3..] {
            assert_eq!(
                verdict,
                &allowed("AllowInternetOutBound (priority 65001, default rule)")
            );
        }
        // A peer in private-use space may be in the virtual network: AllowVnetInBound
        // could allow what DenyAllInBound denies.
        let verdicts = run(AZURE_NSG, CloudFirewallKind::AzureNsg, "10.1.2.3");
        match &verdicts[0].1 {
            CloudDecision::CannotEvaluate { why } => {
                assert!(why.contains("AllowVnetInBound"), "{why}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn azure_nsg_allowing_variant_and_implied_defaults() {
        // Derived: rule1 opened to every port (one field edited).
        let text = edited(
            AZURE_NSG,
            "/properties/securityRules/0/properties/destinationPortRange",
            "*".into(),
        );
        let verdicts = run(&text, CloudFirewallKind::AzureNsg, PEER);
        for (_, verdict) in &verdicts[..3] {
            assert_eq!(verdict, &allowed("rule1 (priority 130)"));
        }
        // Derived: the default rules left out of the export (one field edited): implied.
        let text = edited(AZURE_NSG, "/properties/defaultSecurityRules", Value::Null);
        let verdicts = run(&text, CloudFirewallKind::AzureNsg, PEER);
        assert_eq!(
            verdicts[0].1,
            denied("DenyAllInBound (priority 65500, default rule implied: not in the export)")
        );
    }

    #[test]
    fn azure_nsg_as_az_prints_it() {
        // Constructed (not a real export): `az network nsg show` flattens rule properties.
        let text = r#"{
          "name": "gw-nsg",
          "securityRules": [
            {"name": "ike", "priority": 100, "direction": "Inbound", "access": "Allow",
             "protocol": "Udp", "sourceAddressPrefix": "203.0.113.0/24",
             "sourcePortRange": "*", "destinationAddressPrefix": "*",
             "destinationPortRanges": ["500", "4500"]},
            {"name": "cloud", "priority": 110, "direction": "Inbound", "access": "Allow",
             "protocol": "Esp", "sourceAddressPrefix": "AzureCloud",
             "sourcePortRange": "*", "destinationAddressPrefix": "*",
             "destinationPortRange": "*"}
          ]
        }"#;
        assert_eq!(detect(text), Some(CloudFirewallKind::AzureNsg));
        let verdicts = run(text, CloudFirewallKind::AzureNsg, PEER);
        assert_eq!(verdicts[0].1, allowed("ike (priority 100)"));
        assert_eq!(verdicts[1].1, allowed("ike (priority 100)"));
        match &verdicts[2].1 {
            CloudDecision::CannotEvaluate { why } => assert!(why.contains("AzureCloud"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn google_firewall_implied_rules() {
        // The real dump: nothing allows ingress from a public peer; egress is implied.
        let verdicts = run(GOOGLE, CloudFirewallKind::GoogleFirewall, PEER);
        for (_, verdict) in &verdicts[..3] {
            assert_eq!(verdict, &denied("implied deny ingress (priority 65535)"));
        }
        for (_, verdict) in &verdicts[3..] {
            assert_eq!(verdict, &allowed("implied allow egress (priority 65535)"));
        }
        // A peer inside 10.128.0.0/9: default-allow-internal lets UDP in, not ESP.
        let verdicts = run(GOOGLE, CloudFirewallKind::GoogleFirewall, "10.128.0.9");
        assert_eq!(
            verdicts[0].1,
            allowed("default-allow-internal (priority 65534)")
        );
        assert_eq!(
            verdicts[1].1,
            allowed("default-allow-internal (priority 65534)")
        );
        assert_eq!(
            verdicts[2].1,
            denied("implied deny ingress (priority 65535)")
        );
    }

    #[test]
    fn google_firewall_allowing_variant_and_target_tags() {
        // Derived: default-allow-internal opened to every source (one field edited).
        let text = edited(
            GOOGLE,
            "/firewalls/3/sourceRanges",
            serde_json::json!(["0.0.0.0/0"]),
        );
        let verdicts = run(&text, CloudFirewallKind::GoogleFirewall, PEER);
        assert_eq!(
            verdicts[0].1,
            allowed("default-allow-internal (priority 65534)")
        );
        // Derived: the tagged deny rule turned to UDP (one field edited): whether it applies
        // depends on the gateway's tags, and it comes first.
        let text = edited(GOOGLE, "/firewalls/5/denied/0/IPProtocol", "udp".into());
        let verdicts = run(&text, CloudFirewallKind::GoogleFirewall, "10.128.0.9");
        assert_eq!(
            verdicts[0].1,
            allowed("default-allow-internal (priority 65534)")
        );
        let text = edited(
            &text,
            "/firewalls/5/denied/0/ports",
            serde_json::json!(["500"]),
        );
        let verdicts = run(&text, CloudFirewallKind::GoogleFirewall, "10.128.0.9");
        match &verdicts[0].1 {
            CloudDecision::CannotEvaluate { why } => {
                assert!(why.contains("faulty-ssh-instance"), "{why}")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            verdicts[1].1,
            allowed("default-allow-internal (priority 65534)")
        );
    }

    #[test]
    fn google_hierarchical_policies_are_not_guessed() {
        // Constructed: a getEffectiveFirewalls shape with an egress policy rule.
        let text = r#"{"firewalls": [], "firewallPolicys": [{"name": "p", "rules": [
            {"priority": 1, "direction": "EGRESS", "action": "deny",
             "match": {"destIpRanges": ["0.0.0.0/0"], "layer4Configs": [{"ipProtocol": "all"}]}}
        ]}]}"#;
        let verdicts = run(text, CloudFirewallKind::GoogleFirewall, PEER);
        assert_eq!(
            verdicts[0].1,
            denied("implied deny ingress (priority 65535)")
        );
        assert!(matches!(
            verdicts[3].1,
            CloudDecision::CannotEvaluate { .. }
        ));
    }

    #[test]
    fn verdicts_serialize_flat() {
        let verdicts =
            evaluate(GOOGLE, CloudFirewallKind::GoogleFirewall, peer(PEER)).expect("evaluates");
        let json = serde_json::to_value(&verdicts[0]).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({
                "packet": "UDP 500 from 203.0.113.7",
                "inbound": true,
                "protocol": 17,
                "port": 500,
                "verdict": "denied",
                "by": "implied deny ingress (priority 65535)"
            })
        );
        assert_eq!(
            serde_json::to_value(CloudFirewallKind::AzureNsg).expect("serializes"),
            serde_json::json!("azure-nsg")
        );
    }
}
