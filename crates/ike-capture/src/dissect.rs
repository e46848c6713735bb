//! Frame dissection: link layers, IPv4/IPv6, fragment reassembly, and extraction of the IKE, ESP,
//! NAT-T keepalive and ICMP-error events.
//!
//! The hot path reads only the bytes needed to decide a frame is irrelevant (link type, IP
//! version, protocol, UDP ports) and allocates nothing for such frames.

use crate::event::{
    EspPacket, Frame, IcmpError, IcmpKind, IkeDatagram, IncompleteDatagram, IncompleteReason,
    NatKeepalive, NetEvent, QuotedFlow, Timestamp,
};
use std::collections::{HashMap, HashSet, VecDeque};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

const PROTO_HOP_BY_HOP: u8 = 0;
const PROTO_ICMP: u8 = 1;
const PROTO_UDP: u8 = 17;
const PROTO_ROUTING: u8 = 43;
const PROTO_FRAGMENT: u8 = 44;
const PROTO_ESP: u8 = 50;
const PROTO_AH: u8 = 51;
const PROTO_ICMPV6: u8 = 58;
const PROTO_DEST_OPTS: u8 = 60;
const PROTO_MOBILITY: u8 = 135;
const PROTO_HIP: u8 = 139;
const PROTO_SHIM6: u8 = 140;

/// Most IPv6 extension headers walked before giving up (a hostile chain is otherwise unbounded
/// only by the packet length; real packets carry a few).
const MAX_EXTENSION_HEADERS: usize = 16;
/// Most VLAN tags (802.1Q / 802.1ad / QinQ) stepped over.
const MAX_VLAN_TAGS: usize = 8;
/// Largest reassembled IP payload (the 16-bit length fields allow no more).
const MAX_DATAGRAM_PAYLOAD: u32 = 65_535;
/// Fixed memory charged per pending datagram on top of its buffers.
const PENDING_OVERHEAD: usize = 256;
/// Fragmented datagrams remembered as irrelevant (their first fragment showed other ports), so
/// later fragments are dropped without buffering.
const MAX_IGNORED_DATAGRAMS: usize = 4096;

/// Dissector settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DissectorConfig {
    /// UDP ports carrying IKE (source or destination). Default: 500 and 4500.
    pub ike_ports: Vec<u16>,
    /// Those of `ike_ports` on which RFC 3948 framing applies (non-ESP marker before IKE, NAT-T
    /// keepalives, ESP-in-UDP otherwise). Default: 4500. Other IKE ports carry bare IKE.
    pub nat_t_ports: Vec<u16>,
    /// Capture-time nanoseconds after the first fragment when an unfinished datagram is reported
    /// as timed out. Default: 30 s.
    pub reassembly_timeout_ns: u64,
    /// Memory for fragment reassembly, all datagrams together. Default: 8 MiB.
    pub max_reassembly_bytes: usize,
    /// Datagrams being reassembled at once. Default: 1024.
    pub max_pending_datagrams: usize,
}

impl Default for DissectorConfig {
    fn default() -> Self {
        DissectorConfig {
            ike_ports: vec![500, 4500],
            nat_t_ports: vec![4500],
            reassembly_timeout_ns: 30_000_000_000,
            max_reassembly_bytes: 8 << 20,
            max_pending_datagrams: 1024,
        }
    }
}

/// Counters of what the dissector saw. Every frame either lands in exactly one of the "frames
/// skipped" counters, produces an event, or is taken into reassembly (`ip_fragments`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DissectStats {
    /// Frames given to the dissector.
    pub frames: u64,
    /// Captured bytes of those frames.
    pub bytes: u64,
    /// Events emitted, by kind.
    pub ike_datagrams: u64,
    pub esp_packets: u64,
    /// Of `esp_packets`, those carried in UDP (RFC 3948): a capture filtered to the IKE ports
    /// still holds these, never bare ESP.
    pub esp_in_udp_packets: u64,
    pub nat_keepalives: u64,
    pub icmp_errors: u64,
    pub incomplete_datagrams: u64,
    /// IP fragments taken into reassembly.
    pub ip_fragments: u64,
    /// Datagrams completed from fragments.
    pub reassembled_datagrams: u64,
    /// Incomplete datagrams by reason.
    pub reassembly_timeouts: u64,
    pub reassembly_evictions: u64,
    pub reassembly_unfinished_at_end: u64,
    /// Fragments overlapping bytes already received (the first copy is kept).
    pub fragment_overlaps: u64,
    /// Frames skipped: link type not dissected.
    pub skipped_unsupported_link_type: u64,
    /// Frames skipped: shorter than their link-layer header.
    pub skipped_truncated_link_header: u64,
    /// Frames skipped: not IPv4 or IPv6 (ARP, LLDP, ...).
    pub skipped_non_ip: u64,
    /// Frames skipped: IP header (or extension headers) cut by the capture length.
    pub skipped_truncated_ip_header: u64,
    /// Frames skipped: IP header fields inconsistent (version, header length, total length).
    pub skipped_malformed_ip_header: u64,
    /// Frames skipped: UDP/ESP/ICMP header cut by the capture length.
    pub skipped_truncated_transport_header: u64,
    /// Frames skipped: NAT-T port payload that is neither keepalive, marker + IKE, nor ESP.
    pub skipped_malformed_nat_t: u64,
    /// Frames skipped: fragments with impossible offsets or lengths.
    pub skipped_invalid_fragments: u64,
    /// Frames skipped: fragments of datagrams known to be unrelated to IKE/ESP.
    pub skipped_unrelated_fragments: u64,
    /// Frames skipped: IP traffic unrelated to IKE/ESP (TCP, DNS, other ICMP, ...).
    pub skipped_unrelated: u64,
}

impl DissectStats {
    /// Frames that were neither IKE, NAT-T keepalives nor ESP in UDP: bare ESP, ICMP errors,
    /// and traffic unrelated to IKE. Zero in a non-empty capture means it may have been
    /// filtered to the IKE ports (bare ESP and ICMP could not have shown in it).
    pub fn frames_beyond_ike_ports(&self) -> u64 {
        self.esp_packets.saturating_sub(self.esp_in_udp_packets)
            + self.icmp_errors
            + self.skipped_non_ip
            + self.skipped_unrelated
            + self.skipped_unrelated_fragments
    }

    /// Frames skipped for any reason.
    pub fn skipped(&self) -> u64 {
        self.skipped_unsupported_link_type
            + self.skipped_truncated_link_header
            + self.skipped_non_ip
            + self.skipped_truncated_ip_header
            + self.skipped_malformed_ip_header
            + self.skipped_truncated_transport_header
            + self.skipped_malformed_nat_t
            + self.skipped_invalid_fragments
            + self.skipped_unrelated_fragments
            + self.skipped_unrelated
    }
}

/// Why a frame was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Skip {
    UnsupportedLink,
    TruncatedLink,
    NonIp,
    TruncatedIp,
    MalformedIp,
    TruncatedTransport,
    MalformedNatT,
    InvalidFragment,
    UnrelatedFragment,
    Unrelated,
}

#[inline]
fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    let raw: [u8; 2] = bytes.get(at..at.checked_add(2)?)?.try_into().ok()?;
    Some(u16::from_be_bytes(raw))
}

#[inline]
fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    let raw: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_be_bytes(raw))
}

#[inline]
fn be64(bytes: &[u8], at: usize) -> Option<u64> {
    let raw: [u8; 8] = bytes.get(at..at.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_be_bytes(raw))
}

/// Network layer announced by the link layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Network {
    V4,
    V6,
    /// Raw IP link types: the version nibble decides.
    Either,
}

/// Strips the link-layer header. Returns the network-layer bytes.
#[inline]
fn link_payload(link_type: u32, data: &[u8]) -> Result<(Network, &[u8]), Skip> {
    match link_type {
        // LINKTYPE_ETHERNET
        1 => {
            let ethertype = be16(data, 12).ok_or(Skip::TruncatedLink)?;
            ethertype_payload(ethertype, data.get(14..).ok_or(Skip::TruncatedLink)?)
        }
        // LINKTYPE_RAW, and DLT_RAW values some platforms wrote into pcap files.
        101 | 12 | 14 => Ok((Network::Either, data)),
        // LINKTYPE_IPV4, LINKTYPE_IPV6
        228 => Ok((Network::V4, data)),
        229 => Ok((Network::V6, data)),
        // LINKTYPE_LINUX_SLL: protocol type at bytes 14..16 of a 16-byte header.
        113 => {
            let protocol = be16(data, 14).ok_or(Skip::TruncatedLink)?;
            ethertype_payload(protocol, data.get(16..).ok_or(Skip::TruncatedLink)?)
        }
        // LINKTYPE_LINUX_SLL2: protocol type first in a 20-byte header.
        276 => {
            let protocol = be16(data, 0).ok_or(Skip::TruncatedLink)?;
            ethertype_payload(protocol, data.get(20..).ok_or(Skip::TruncatedLink)?)
        }
        // LINKTYPE_NULL (host byte order of the capturing machine) and LINKTYPE_LOOP (network
        // byte order, but some writers got it wrong): a 4-byte address family in either order.
        0 | 108 => {
            let raw: [u8; 4] = data
                .get(..4)
                .and_then(|b| b.try_into().ok())
                .ok_or(Skip::TruncatedLink)?;
            let le = u32::from_le_bytes(raw);
            let family = if le & 0xFFFF_0000 == 0 {
                le
            } else {
                u32::from_be_bytes(raw)
            };
            let rest = data.get(4..).ok_or(Skip::TruncatedLink)?;
            match family {
                2 => Ok((Network::V4, rest)),
                // AF_INET6 on the BSDs, FreeBSD, Darwin, Linux.
                24 | 28 | 30 | 10 => Ok((Network::V6, rest)),
                _ => Err(Skip::NonIp),
            }
        }
        _ => Err(Skip::UnsupportedLink),
    }
}

/// Steps over VLAN tags and PPPoE session headers to the IP packet.
#[inline]
fn ethertype_payload(mut ethertype: u16, mut rest: &[u8]) -> Result<(Network, &[u8]), Skip> {
    for _ in 0..=MAX_VLAN_TAGS {
        match ethertype {
            0x0800 => return Ok((Network::V4, rest)),
            0x86DD => return Ok((Network::V6, rest)),
            // 802.1Q, 802.1ad, and the pre-standard QinQ tag types.
            0x8100 | 0x88A8 | 0x9100 | 0x9200 | 0x9300 => {
                ethertype = be16(rest, 2).ok_or(Skip::TruncatedLink)?;
                rest = rest.get(4..).ok_or(Skip::TruncatedLink)?;
            }
            // PPPoE session: 6-byte header then a 2-byte PPP protocol.
            0x8864 => {
                let ppp = be16(rest, 6).ok_or(Skip::TruncatedLink)?;
                let ip = rest.get(8..).ok_or(Skip::TruncatedLink)?;
                return match ppp {
                    0x0021 => Ok((Network::V4, ip)),
                    0x0057 => Ok((Network::V6, ip)),
                    _ => Err(Skip::NonIp),
                };
            }
            _ => return Err(Skip::NonIp),
        }
    }
    Err(Skip::NonIp)
}

fn is_extension_header(protocol: u8) -> bool {
    matches!(
        protocol,
        PROTO_HOP_BY_HOP
            | PROTO_ROUTING
            | PROTO_DEST_OPTS
            | PROTO_AH
            | PROTO_MOBILITY
            | PROTO_HIP
            | PROTO_SHIM6
    )
}

/// Length of the IPv6 extension header at the start of `bytes`.
fn extension_header_len(protocol: u8, bytes: &[u8]) -> Option<usize> {
    let len_field = usize::from(*bytes.get(1)?);
    Some(if protocol == PROTO_AH {
        (len_field + 2) * 4
    } else {
        (len_field + 1) * 8
    })
}

/// Walks IPv6 extension headers other than the fragment header, from `protocol` at `bytes[at..]`.
/// Returns the upper-layer protocol and its offset, or `None` when the chain is cut.
fn skip_extension_headers(mut protocol: u8, bytes: &[u8], mut at: usize) -> Option<(u8, usize)> {
    for _ in 0..MAX_EXTENSION_HEADERS {
        if !is_extension_header(protocol) {
            return Some((protocol, at));
        }
        let header = bytes.get(at..)?;
        let next = *header.first()?;
        let len = extension_header_len(protocol, header)?;
        if header.len() < len {
            return None;
        }
        protocol = next;
        at += len;
    }
    None
}

#[derive(Debug, Clone, Copy)]
struct Fragment {
    /// Byte offset of this fragment's data in the datagram payload.
    offset: u32,
    more: bool,
    id: u32,
}

/// The parts of an IP packet the dissector looks at.
#[derive(Debug, Clone, Copy)]
struct IpPacket<'a> {
    v6: bool,
    src: IpAddr,
    dst: IpAddr,
    /// Upper-layer protocol (for fragments: the protocol of the whole datagram).
    protocol: u8,
    /// Bytes of IP header (and extension headers, excluding an IPv6 fragment header) before
    /// the payload.
    header_len: u32,
    /// Captured payload, bounded by the declared length.
    payload: &'a [u8],
    /// Declared payload length (more than `payload.len()` when the capture cut the packet).
    declared_payload_len: u32,
    /// Declared IP total length.
    ip_len: u32,
    fragment: Option<Fragment>,
}

fn addr_v4(bytes: &[u8], at: usize) -> Option<IpAddr> {
    let raw: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
    Some(IpAddr::V4(Ipv4Addr::from(raw)))
}

fn addr_v6(bytes: &[u8], at: usize) -> Option<IpAddr> {
    let raw: [u8; 16] = bytes.get(at..at + 16)?.try_into().ok()?;
    Some(IpAddr::V6(Ipv6Addr::from(raw)))
}

/// Whether the protocol can carry something the dissector reports; everything else is skipped
/// before the addresses are even read.
#[inline]
fn interesting_v4_protocol(protocol: u8) -> bool {
    matches!(protocol, PROTO_UDP | PROTO_ESP | PROTO_ICMP)
}

fn parse_ipv4(bytes: &[u8]) -> Result<IpPacket<'_>, Skip> {
    let first = *bytes.first().ok_or(Skip::TruncatedIp)?;
    if first >> 4 != 4 {
        return Err(Skip::MalformedIp);
    }
    let header_len = usize::from(first & 0x0F) * 4;
    if header_len < 20 {
        return Err(Skip::MalformedIp);
    }
    if bytes.len() < header_len {
        return Err(Skip::TruncatedIp);
    }
    let protocol = *bytes.get(9).ok_or(Skip::TruncatedIp)?;
    if !interesting_v4_protocol(protocol) {
        return Err(Skip::Unrelated);
    }
    let total_len = usize::from(be16(bytes, 2).ok_or(Skip::TruncatedIp)?);
    // A zero total length comes from captures of TCP segmentation offload: trust the capture.
    let declared = if total_len == 0 {
        bytes.len()
    } else {
        total_len
    };
    if declared < header_len {
        return Err(Skip::MalformedIp);
    }
    let flags_offset = be16(bytes, 6).ok_or(Skip::TruncatedIp)?;
    let more = flags_offset & 0x2000 != 0;
    let offset = u32::from(flags_offset & 0x1FFF) * 8;
    let fragment = if more || offset != 0 {
        Some(Fragment {
            offset,
            more,
            id: u32::from(be16(bytes, 4).ok_or(Skip::TruncatedIp)?),
        })
    } else {
        None
    };
    let payload = bytes
        .get(header_len..declared.min(bytes.len()))
        .ok_or(Skip::TruncatedIp)?;
    Ok(IpPacket {
        v6: false,
        src: addr_v4(bytes, 12).ok_or(Skip::TruncatedIp)?,
        dst: addr_v4(bytes, 16).ok_or(Skip::TruncatedIp)?,
        protocol,
        header_len: header_len as u32,
        payload,
        declared_payload_len: (declared - header_len) as u32,
        ip_len: declared as u32,
        fragment,
    })
}

fn parse_ipv6(bytes: &[u8]) -> Result<IpPacket<'_>, Skip> {
    if bytes.len() < 40 {
        return Err(Skip::TruncatedIp);
    }
    if bytes.first().map(|b| b >> 4) != Some(6) {
        return Err(Skip::MalformedIp);
    }
    let payload_len = usize::from(be16(bytes, 4).ok_or(Skip::TruncatedIp)?);
    // Zero: jumbogram or segmentation offload; trust the capture.
    let declared = if payload_len == 0 {
        bytes.len()
    } else {
        40 + payload_len
    };
    let mut protocol = *bytes.get(6).ok_or(Skip::TruncatedIp)?;
    let mut at = 40;
    let mut fragment = None;
    let mut header_len = 40;
    for _ in 0..MAX_EXTENSION_HEADERS {
        if protocol == PROTO_FRAGMENT {
            let header = bytes.get(at..at + 8).ok_or(Skip::TruncatedIp)?;
            let next = *header.first().ok_or(Skip::TruncatedIp)?;
            let offset_flags = be16(header, 2).ok_or(Skip::TruncatedIp)?;
            let id = be32(header, 4).ok_or(Skip::TruncatedIp)?;
            let offset = u32::from(offset_flags & 0xFFF8);
            let more = offset_flags & 1 != 0;
            header_len = at;
            at += 8;
            protocol = next;
            if offset != 0 || more {
                fragment = Some(Fragment { offset, more, id });
                // What follows is fragment data; the headers inside it are walked after
                // reassembly.
                break;
            }
            // An atomic fragment (offset 0, no more fragments) is a whole packet.
            continue;
        }
        if !is_extension_header(protocol) {
            header_len = at;
            break;
        }
        let header = bytes.get(at..).ok_or(Skip::TruncatedIp)?;
        let next = *header.first().ok_or(Skip::TruncatedIp)?;
        let len = extension_header_len(protocol, header).ok_or(Skip::TruncatedIp)?;
        if header.len() < len {
            return Err(Skip::TruncatedIp);
        }
        protocol = next;
        at += len;
        header_len = at;
    }
    if fragment.is_none() && !matches!(protocol, PROTO_UDP | PROTO_ESP | PROTO_ICMPV6) {
        return Err(Skip::Unrelated);
    }
    if declared < at {
        return Err(Skip::MalformedIp);
    }
    let payload = bytes
        .get(at..declared.min(bytes.len()))
        .ok_or(Skip::TruncatedIp)?;
    Ok(IpPacket {
        v6: true,
        src: addr_v6(bytes, 8).ok_or(Skip::TruncatedIp)?,
        dst: addr_v6(bytes, 24).ok_or(Skip::TruncatedIp)?,
        protocol,
        header_len: header_len as u32,
        payload,
        declared_payload_len: (declared - at) as u32,
        ip_len: declared as u32,
        fragment,
    })
}

/// How a UDP port pair is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PortClass {
    Unrelated,
    /// Bare IKE (port 500, extra `--ike-port`s).
    Ike,
    /// RFC 3948 framing (port 4500).
    NatT,
}

/// A 65536-entry port membership bitmap.
struct PortSet(Box<[u64; 1024]>);

impl PortSet {
    fn new(ports: impl IntoIterator<Item = u16>) -> PortSet {
        let mut bits = Box::new([0u64; 1024]);
        for port in ports {
            if let Some(word) = bits.get_mut(usize::from(port >> 6)) {
                *word |= 1 << (port & 63);
            }
        }
        PortSet(bits)
    }

    #[inline]
    fn contains(&self, port: u16) -> bool {
        self.0
            .get(usize::from(port >> 6))
            .is_some_and(|word| word & (1 << (port & 63)) != 0)
    }
}

/// Identity of a fragmented datagram (RFC 791 / RFC 8200 reassembly key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct FragmentKey {
    src: IpAddr,
    dst: IpAddr,
    id: u32,
    /// IPv4 protocol; zero for IPv6, whose key has no protocol.
    protocol: u8,
}

/// A datagram whose fragments are being collected.
#[derive(Debug)]
struct PendingDatagram {
    /// Creation order, to find the oldest for eviction.
    serial: u64,
    v6: bool,
    protocol: u8,
    first_frame: u64,
    last_frame: u64,
    first_ts: Timestamp,
    last_ts: Timestamp,
    frames: Vec<u64>,
    /// Payload bytes at their datagram offsets.
    data: Vec<u8>,
    /// Sorted, disjoint, non-adjacent byte ranges received (declared lengths).
    covered: Vec<(u32, u32)>,
    /// Payload length, once the last fragment was seen.
    total_len: Option<u32>,
    /// Header bytes in front of the payload, from the first fragment.
    header_len: Option<u32>,
    /// First payload offset whose bytes the capture did not keep.
    captured_limit: u32,
    bytes_seen: u32,
    ports: Option<(u16, u16)>,
}

impl PendingDatagram {
    fn memory(&self) -> usize {
        PENDING_OVERHEAD
            + self.data.capacity()
            + self.frames.capacity() * std::mem::size_of::<u64>()
            + self.covered.capacity() * std::mem::size_of::<(u32, u32)>()
    }

    fn is_complete(&self) -> bool {
        match (self.total_len, self.covered.as_slice()) {
            (Some(total), [(0, end)]) => *end == total,
            (Some(0), []) => true,
            _ => false,
        }
    }

    /// Records the declared range `start..end`, copying captured bytes only into gaps (the first
    /// copy of overlapping data wins). Returns whether the range overlapped earlier data.
    fn insert(&mut self, start: u32, end: u32, captured: &[u8]) -> bool {
        let captured_end = start + captured.len() as u32;
        if captured_end < end {
            self.captured_limit = self.captured_limit.min(captured_end);
        }
        if self.data.len() < captured_end as usize {
            self.data.resize(captured_end as usize, 0);
        }
        let mut overlapped = false;
        // Copy into each gap of the coverage within start..captured_end.
        let mut cursor = start;
        for &(covered_start, covered_end) in &self.covered {
            if covered_end <= cursor {
                continue;
            }
            if covered_start >= end {
                break;
            }
            overlapped = true;
            if covered_start > cursor {
                copy_range(&mut self.data, captured, start, cursor, covered_start);
            }
            cursor = cursor.max(covered_end);
        }
        if cursor < captured_end {
            copy_range(&mut self.data, captured, start, cursor, captured_end);
        }
        // Merge the new range into the coverage.
        let mut merged_start = start;
        let mut merged_end = end;
        self.covered.retain(|&(s, e)| {
            if e < merged_start || s > merged_end {
                true
            } else {
                merged_start = merged_start.min(s);
                merged_end = merged_end.max(e);
                false
            }
        });
        let position = self
            .covered
            .iter()
            .position(|&(s, _)| s > merged_start)
            .unwrap_or(self.covered.len());
        self.covered.insert(position, (merged_start, merged_end));
        overlapped
    }
}

/// Copies `captured[from - base .. to - base]` (clamped to what was captured) into
/// `data[from..to]`.
fn copy_range(data: &mut [u8], captured: &[u8], base: u32, from: u32, to: u32) {
    let source_start = (from - base) as usize;
    let source_end = ((to - base) as usize).min(captured.len());
    if source_start >= source_end {
        return;
    }
    let length = source_end - source_start;
    if let (Some(target), Some(source)) = (
        data.get_mut(from as usize..from as usize + length),
        captured.get(source_start..source_end),
    ) {
        target.copy_from_slice(source);
    }
}

/// Reassembly state with bounded memory.
#[derive(Debug, Default)]
struct Reassembler {
    pending: HashMap<FragmentKey, PendingDatagram>,
    /// Creation order (serial, first timestamp, key); entries whose datagram left are stale
    /// and dropped lazily.
    order: VecDeque<(u64, Timestamp, FragmentKey)>,
    next_serial: u64,
    memory: usize,
    ignored: HashSet<FragmentKey>,
    ignored_order: VecDeque<FragmentKey>,
}

/// A datagram that completed reassembly.
struct Reassembled {
    v6: bool,
    src: IpAddr,
    dst: IpAddr,
    protocol: u8,
    header_len: u32,
    payload: Vec<u8>,
    declared_payload_len: u32,
    frames: Vec<u64>,
}

/// Streaming dissector: feed frames in capture order, then call [`Dissector::finish`].
pub struct Dissector {
    config: DissectorConfig,
    ike_ports: PortSet,
    nat_t_ports: PortSet,
    stats: DissectStats,
    reassembly: Reassembler,
}

impl Dissector {
    pub fn new(config: DissectorConfig) -> Dissector {
        let ike_ports = PortSet::new(config.ike_ports.iter().copied());
        let nat_t_ports = PortSet::new(
            config
                .nat_t_ports
                .iter()
                .copied()
                .filter(|port| config.ike_ports.contains(port)),
        );
        Dissector {
            config,
            ike_ports,
            nat_t_ports,
            stats: DissectStats::default(),
            reassembly: Reassembler::default(),
        }
    }

    pub fn config(&self) -> &DissectorConfig {
        &self.config
    }

    pub fn stats(&self) -> &DissectStats {
        &self.stats
    }

    /// Datagrams currently being reassembled.
    pub fn pending_datagrams(&self) -> usize {
        self.reassembly.pending.len()
    }

    /// Memory currently charged to reassembly (buffers plus a fixed overhead per datagram).
    pub fn reassembly_memory(&self) -> usize {
        self.reassembly.memory
    }

    /// Dissects one frame, passing any resulting events to `sink`.
    pub fn dissect(&mut self, frame: &Frame<'_>, sink: &mut impl FnMut(NetEvent)) {
        self.stats.frames += 1;
        self.stats.bytes += frame.data.len() as u64;
        if !self.reassembly.order.is_empty() {
            self.expire(frame.ts, sink);
        }
        if let Err(skip) = self.dissect_inner(frame, sink) {
            self.count_skip(skip);
        }
    }

    /// Reports datagrams still being reassembled as incomplete (end of capture).
    pub fn finish(&mut self, sink: &mut impl FnMut(NetEvent)) {
        while let Some((serial, _, key)) = self.reassembly.order.pop_front() {
            self.drop_pending(serial, key, Some(IncompleteReason::EndOfCapture), sink);
        }
        // Anything left is unreachable from `order`; nothing should remain.
        self.reassembly.pending.clear();
        self.reassembly.memory = 0;
    }

    fn count_skip(&mut self, skip: Skip) {
        let counter = match skip {
            Skip::UnsupportedLink => &mut self.stats.skipped_unsupported_link_type,
            Skip::TruncatedLink => &mut self.stats.skipped_truncated_link_header,
            Skip::NonIp => &mut self.stats.skipped_non_ip,
            Skip::TruncatedIp => &mut self.stats.skipped_truncated_ip_header,
            Skip::MalformedIp => &mut self.stats.skipped_malformed_ip_header,
            Skip::TruncatedTransport => &mut self.stats.skipped_truncated_transport_header,
            Skip::MalformedNatT => &mut self.stats.skipped_malformed_nat_t,
            Skip::InvalidFragment => &mut self.stats.skipped_invalid_fragments,
            Skip::UnrelatedFragment => &mut self.stats.skipped_unrelated_fragments,
            Skip::Unrelated => &mut self.stats.skipped_unrelated,
        };
        *counter += 1;
    }

    #[inline]
    fn port_class(&self, src_port: u16, dst_port: u16) -> PortClass {
        if self.nat_t_ports.contains(src_port) || self.nat_t_ports.contains(dst_port) {
            PortClass::NatT
        } else if self.ike_ports.contains(src_port) || self.ike_ports.contains(dst_port) {
            PortClass::Ike
        } else {
            PortClass::Unrelated
        }
    }

    #[inline]
    fn dissect_inner(
        &mut self,
        frame: &Frame<'_>,
        sink: &mut impl FnMut(NetEvent),
    ) -> Result<(), Skip> {
        let (network, bytes) = link_payload(frame.link_type, frame.data)?;
        let version = bytes.first().map(|b| b >> 4);
        let packet = match (network, version) {
            (_, None) => return Err(Skip::TruncatedIp),
            (Network::V4 | Network::Either, Some(4)) => {
                // Cheapest rejection first: the protocol byte.
                if let Some(&protocol) = bytes.get(9) {
                    if !interesting_v4_protocol(protocol) {
                        return Err(Skip::Unrelated);
                    }
                }
                parse_ipv4(bytes)?
            }
            (Network::V6 | Network::Either, Some(6)) => parse_ipv6(bytes)?,
            (Network::Either, Some(_)) => return Err(Skip::NonIp),
            _ => return Err(Skip::MalformedIp),
        };
        if let Some(fragment) = packet.fragment {
            return self.fragment(frame, &packet, fragment, sink);
        }
        self.transport(
            frame,
            &Datagram {
                v6: packet.v6,
                src: packet.src,
                dst: packet.dst,
                protocol: packet.protocol,
                payload: packet.payload,
                ip_len: packet.ip_len,
                fragments: None,
            },
            sink,
        )
    }

    /// Dispatches a whole (possibly reassembled) datagram on its upper-layer protocol.
    fn transport(
        &mut self,
        frame: &Frame<'_>,
        datagram: &Datagram<'_>,
        sink: &mut impl FnMut(NetEvent),
    ) -> Result<(), Skip> {
        match datagram.protocol {
            PROTO_UDP => self.udp(frame, datagram, sink),
            PROTO_ESP => {
                let spi = be32(datagram.payload, 0).ok_or(Skip::TruncatedTransport)?;
                let seq = be32(datagram.payload, 4).ok_or(Skip::TruncatedTransport)?;
                self.stats.esp_packets += 1;
                sink(NetEvent::Esp(EspPacket {
                    frame: frame.number,
                    ts: frame.ts,
                    src: datagram.src,
                    dst: datagram.dst,
                    udp_ports: None,
                    spi,
                    seq,
                    ip_len: datagram.ip_len,
                    fragmented: datagram.fragments.is_some(),
                }));
                Ok(())
            }
            PROTO_ICMP if !datagram.v6 => self.icmp(frame, datagram, sink),
            PROTO_ICMPV6 if datagram.v6 => self.icmp(frame, datagram, sink),
            _ => Err(Skip::Unrelated),
        }
    }

    fn udp(
        &mut self,
        frame: &Frame<'_>,
        datagram: &Datagram<'_>,
        sink: &mut impl FnMut(NetEvent),
    ) -> Result<(), Skip> {
        let udp = datagram.payload;
        let (Some(src_port), Some(dst_port)) = (be16(udp, 0), be16(udp, 2)) else {
            return Err(Skip::TruncatedTransport);
        };
        let class = self.port_class(src_port, dst_port);
        if class == PortClass::Unrelated {
            return Err(Skip::Unrelated);
        }
        let udp_len = usize::from(be16(udp, 4).ok_or(Skip::TruncatedTransport)?);
        if udp.len() < 8 {
            return Err(Skip::TruncatedTransport);
        }
        // A UDP length below the header (zero for jumbograms) defers to the IP length.
        let end = if udp_len >= 8 {
            udp_len.min(udp.len())
        } else {
            udp.len()
        };
        let payload = udp.get(8..end).unwrap_or_default();
        let src = SocketAddr::new(datagram.src, src_port);
        let dst = SocketAddr::new(datagram.dst, dst_port);
        let ike = |payload: &[u8], non_esp_marker: bool, fragments: Option<&Vec<u64>>| {
            NetEvent::Ike(IkeDatagram {
                frame: frame.number,
                ts: frame.ts,
                src,
                dst,
                non_esp_marker,
                ip_fragments: fragments.cloned().unwrap_or_default(),
                ip_len: datagram.ip_len,
                payload: payload.to_vec(),
            })
        };
        match class {
            PortClass::Unrelated => Err(Skip::Unrelated),
            PortClass::Ike => {
                self.stats.ike_datagrams += 1;
                sink(ike(payload, false, datagram.fragments));
                Ok(())
            }
            PortClass::NatT => {
                if payload == [0xFF] {
                    self.stats.nat_keepalives += 1;
                    sink(NetEvent::NatKeepalive(NatKeepalive {
                        frame: frame.number,
                        ts: frame.ts,
                        src,
                        dst,
                    }));
                    return Ok(());
                }
                match (be32(payload, 0), be32(payload, 4)) {
                    (Some(0), _) => {
                        self.stats.ike_datagrams += 1;
                        sink(ike(
                            payload.get(4..).unwrap_or_default(),
                            true,
                            datagram.fragments,
                        ));
                        Ok(())
                    }
                    (Some(spi), Some(seq)) => {
                        self.stats.esp_packets += 1;
                        self.stats.esp_in_udp_packets += 1;
                        sink(NetEvent::Esp(EspPacket {
                            frame: frame.number,
                            ts: frame.ts,
                            src: datagram.src,
                            dst: datagram.dst,
                            udp_ports: Some((src_port, dst_port)),
                            spi,
                            seq,
                            ip_len: datagram.ip_len,
                            fragmented: datagram.fragments.is_some(),
                        }));
                        Ok(())
                    }
                    _ => Err(Skip::MalformedNatT),
                }
            }
        }
    }

    fn icmp(
        &mut self,
        frame: &Frame<'_>,
        datagram: &Datagram<'_>,
        sink: &mut impl FnMut(NetEvent),
    ) -> Result<(), Skip> {
        let icmp = datagram.payload;
        let (Some(&icmp_type), Some(&code)) = (icmp.first(), icmp.get(1)) else {
            return Err(Skip::TruncatedTransport);
        };
        let kind = if datagram.v6 {
            match (icmp_type, code) {
                (1, 4) => IcmpKind::PortUnreachable,
                (1, code) => IcmpKind::Unreachable { code },
                (2, _) => IcmpKind::FragmentationNeeded {
                    mtu: be32(icmp, 4).ok_or(Skip::TruncatedTransport)?,
                },
                (3, 1) => IcmpKind::ReassemblyTimeExceeded,
                (3, _) => IcmpKind::TimeExceeded,
                _ => return Err(Skip::Unrelated),
            }
        } else {
            match (icmp_type, code) {
                (3, 3) => IcmpKind::PortUnreachable,
                (3, 4) => IcmpKind::FragmentationNeeded {
                    mtu: u32::from(be16(icmp, 6).ok_or(Skip::TruncatedTransport)?),
                },
                (3, code) => IcmpKind::Unreachable { code },
                (11, 1) => IcmpKind::ReassemblyTimeExceeded,
                (11, _) => IcmpKind::TimeExceeded,
                _ => return Err(Skip::Unrelated),
            }
        };
        let quote = icmp.get(8..).ok_or(Skip::TruncatedTransport)?;
        let quoted = self.quoted_flow(quote).ok_or(Skip::Unrelated)?;
        self.stats.icmp_errors += 1;
        sink(NetEvent::IcmpError(IcmpError {
            frame: frame.number,
            ts: frame.ts,
            from: datagram.src,
            to: datagram.dst,
            kind,
            quoted,
        }));
        Ok(())
    }

    /// Decodes the packet quoted by an ICMP error, when it is IKE or ESP.
    fn quoted_flow(&self, quote: &[u8]) -> Option<QuotedFlow> {
        let version = quote.first()? >> 4;
        let (src, dst, protocol, transport_at, quoted_ip_len) = match version {
            4 => {
                let header_len = usize::from(quote.first()? & 0x0F) * 4;
                if header_len < 20 {
                    return None;
                }
                // A non-first fragment quotes no transport header.
                if be16(quote, 6)? & 0x1FFF != 0 {
                    return None;
                }
                (
                    addr_v4(quote, 12)?,
                    addr_v4(quote, 16)?,
                    *quote.get(9)?,
                    header_len,
                    u32::from(be16(quote, 2)?),
                )
            }
            6 => {
                let mut protocol = *quote.get(6)?;
                let mut at = 40;
                if protocol == PROTO_FRAGMENT {
                    let header = quote.get(40..48)?;
                    if be16(header, 2)? & 0xFFF8 != 0 {
                        return None;
                    }
                    protocol = *header.first()?;
                    at = 48;
                }
                let (protocol, at) = skip_extension_headers(protocol, quote, at)?;
                (
                    addr_v6(quote, 8)?,
                    addr_v6(quote, 24)?,
                    protocol,
                    at,
                    40 + u32::from(be16(quote, 4)?),
                )
            }
            _ => return None,
        };
        let transport = quote.get(transport_at..)?;
        let mut flow = QuotedFlow {
            protocol,
            src,
            dst,
            ports: None,
            esp_spi: None,
            ike_spi_i: None,
            quoted_ip_len,
        };
        match protocol {
            PROTO_ESP => {
                flow.esp_spi = be32(transport, 0);
                Some(flow)
            }
            PROTO_UDP => {
                let src_port = be16(transport, 0)?;
                let dst_port = be16(transport, 2)?;
                flow.ports = Some((src_port, dst_port));
                let payload = transport.get(8..).unwrap_or_default();
                match self.port_class(src_port, dst_port) {
                    PortClass::Unrelated => return None,
                    PortClass::Ike => flow.ike_spi_i = be64(payload, 0),
                    PortClass::NatT => match be32(payload, 0) {
                        Some(0) => flow.ike_spi_i = be64(payload, 4),
                        Some(spi) => flow.esp_spi = Some(spi),
                        None => {}
                    },
                }
                Some(flow)
            }
            _ => None,
        }
    }

    /// Takes an IP fragment into reassembly.
    fn fragment(
        &mut self,
        frame: &Frame<'_>,
        packet: &IpPacket<'_>,
        fragment: Fragment,
        sink: &mut impl FnMut(NetEvent),
    ) -> Result<(), Skip> {
        // Only datagrams that may be UDP or ESP are collected (IPv6 fragments may start with
        // further extension headers).
        let collectable = match packet.protocol {
            PROTO_UDP | PROTO_ESP => true,
            protocol => packet.v6 && is_extension_header(protocol),
        };
        if !collectable {
            if fragment.offset == 0 && matches!(packet.protocol, PROTO_ICMP | PROTO_ICMPV6) {
                // The first fragment of an ICMP error holds the quote.
                let datagram = Datagram {
                    v6: packet.v6,
                    src: packet.src,
                    dst: packet.dst,
                    protocol: packet.protocol,
                    payload: packet.payload,
                    ip_len: packet.ip_len,
                    fragments: None,
                };
                return self.transport(frame, &datagram, sink);
            }
            return Err(Skip::Unrelated);
        }
        let key = FragmentKey {
            src: packet.src,
            dst: packet.dst,
            id: fragment.id,
            protocol: if packet.v6 { 0 } else { packet.protocol },
        };
        if self.reassembly.ignored.contains(&key) {
            return Err(Skip::UnrelatedFragment);
        }
        let start = fragment.offset;
        let end = start.saturating_add(packet.declared_payload_len);
        if end > MAX_DATAGRAM_PAYLOAD || (fragment.more && end == start) {
            return Err(Skip::InvalidFragment);
        }
        // The first fragment shows the ports: datagrams of unrelated UDP flows are dropped.
        let mut ports = None;
        if start == 0 && packet.protocol == PROTO_UDP {
            if let (Some(src_port), Some(dst_port)) =
                (be16(packet.payload, 0), be16(packet.payload, 2))
            {
                if self.port_class(src_port, dst_port) == PortClass::Unrelated {
                    self.ignore(key);
                    if let Some(pending) = self.reassembly.pending.remove(&key) {
                        self.reassembly.memory =
                            self.reassembly.memory.saturating_sub(pending.memory());
                    }
                    return Err(Skip::UnrelatedFragment);
                }
                ports = Some((src_port, dst_port));
            }
        }
        if let Some(pending) = self.reassembly.pending.get(&key) {
            if let Some(total) = pending.total_len {
                if end > total || (!fragment.more && end != total) {
                    return Err(Skip::InvalidFragment);
                }
            }
        } else {
            if self.reassembly.pending.len() >= self.config.max_pending_datagrams.max(1) {
                let _ = self.evict_oldest(sink);
            }
            let serial = self.reassembly.next_serial;
            self.reassembly.next_serial += 1;
            let pending = PendingDatagram {
                serial,
                v6: packet.v6,
                protocol: packet.protocol,
                first_frame: frame.number,
                last_frame: frame.number,
                first_ts: frame.ts,
                last_ts: frame.ts,
                frames: Vec::new(),
                data: Vec::new(),
                covered: Vec::new(),
                total_len: None,
                header_len: None,
                captured_limit: u32::MAX,
                bytes_seen: 0,
                ports: None,
            };
            self.reassembly.memory += pending.memory();
            self.reassembly.pending.insert(key, pending);
            self.reassembly.order.push_back((serial, frame.ts, key));
            self.compact_order();
        }
        self.stats.ip_fragments += 1;
        let Some(pending) = self.reassembly.pending.get_mut(&key) else {
            return Ok(());
        };
        let memory_before = pending.memory();
        pending.last_frame = frame.number;
        pending.last_ts = frame.ts;
        if pending.frames.len() < u16::MAX as usize {
            pending.frames.push(frame.number);
        }
        pending.bytes_seen = pending.bytes_seen.saturating_add(end - start);
        if start == 0 {
            pending.header_len = Some(packet.header_len);
            pending.protocol = packet.protocol;
            if ports.is_some() {
                pending.ports = ports;
            }
        }
        if !fragment.more {
            pending.total_len = Some(end);
        }
        let overlapped = pending.insert(start, end, packet.payload);
        let complete = pending.is_complete() && pending.header_len.is_some();
        let memory_after = pending.memory();
        self.reassembly.memory =
            (self.reassembly.memory + memory_after).saturating_sub(memory_before);
        if overlapped {
            self.stats.fragment_overlaps += 1;
        }
        if complete {
            if let Some(pending) = self.reassembly.pending.remove(&key) {
                self.reassembly.memory = self.reassembly.memory.saturating_sub(pending.memory());
                self.stats.reassembled_datagrams += 1;
                return self.complete(frame, key, pending, sink);
            }
        }
        while self.reassembly.memory > self.config.max_reassembly_bytes {
            if !self.evict_oldest(sink) {
                break;
            }
        }
        Ok(())
    }

    /// Dissects a reassembled datagram.
    fn complete(
        &mut self,
        frame: &Frame<'_>,
        key: FragmentKey,
        pending: PendingDatagram,
        sink: &mut impl FnMut(NetEvent),
    ) -> Result<(), Skip> {
        let total = pending.total_len.unwrap_or(0);
        let mut payload = pending.data;
        payload.truncate(total.min(pending.captured_limit) as usize);
        let reassembled = Reassembled {
            v6: pending.v6,
            src: key.src,
            dst: key.dst,
            protocol: pending.protocol,
            header_len: pending.header_len.unwrap_or(0),
            payload,
            declared_payload_len: total,
            frames: pending.frames,
        };
        let (protocol, at) = if reassembled.v6 {
            skip_extension_headers(reassembled.protocol, &reassembled.payload, 0)
                .ok_or(Skip::TruncatedIp)?
        } else {
            (reassembled.protocol, 0)
        };
        let datagram = Datagram {
            v6: reassembled.v6,
            src: reassembled.src,
            dst: reassembled.dst,
            protocol,
            payload: reassembled.payload.get(at..).unwrap_or_default(),
            ip_len: reassembled.header_len + reassembled.declared_payload_len,
            fragments: Some(&reassembled.frames),
        };
        self.transport(frame, &datagram, sink)
    }

    fn ignore(&mut self, key: FragmentKey) {
        if self.reassembly.ignored.insert(key) {
            self.reassembly.ignored_order.push_back(key);
            if self.reassembly.ignored_order.len() > MAX_IGNORED_DATAGRAMS {
                if let Some(old) = self.reassembly.ignored_order.pop_front() {
                    self.reassembly.ignored.remove(&old);
                }
            }
        }
    }

    /// Drops stale entries from the creation-order queue when it is mostly stale, so it stays
    /// proportional to the pending datagrams.
    fn compact_order(&mut self) {
        let reassembly = &mut self.reassembly;
        if reassembly.order.len() > 2 * reassembly.pending.len() + 64 {
            let pending = &reassembly.pending;
            reassembly
                .order
                .retain(|(serial, _, key)| pending.get(key).is_some_and(|p| p.serial == *serial));
        }
    }

    /// Evicts the oldest pending datagram. Returns whether there was one.
    fn evict_oldest(&mut self, sink: &mut impl FnMut(NetEvent)) -> bool {
        while let Some((serial, _, key)) = self.reassembly.order.pop_front() {
            if self.drop_pending(serial, key, Some(IncompleteReason::Evicted), sink) {
                return true;
            }
        }
        false
    }

    /// Reports datagrams whose first fragment is older than the timeout.
    fn expire(&mut self, now: Timestamp, sink: &mut impl FnMut(NetEvent)) {
        let timeout = i64::try_from(self.config.reassembly_timeout_ns).unwrap_or(i64::MAX);
        while let Some(&(serial, first_ts, key)) = self.reassembly.order.front() {
            if now.0.saturating_sub(first_ts.0) <= timeout {
                break;
            }
            self.reassembly.order.pop_front();
            self.drop_pending(serial, key, Some(IncompleteReason::Timeout), sink);
        }
    }

    /// Removes the pending datagram `key` if it is still the one created as `serial`, reporting
    /// it as incomplete. Returns whether it was there.
    fn drop_pending(
        &mut self,
        serial: u64,
        key: FragmentKey,
        reason: Option<IncompleteReason>,
        sink: &mut impl FnMut(NetEvent),
    ) -> bool {
        match self.reassembly.pending.get(&key) {
            Some(pending) if pending.serial == serial => {}
            _ => return false,
        }
        let Some(pending) = self.reassembly.pending.remove(&key) else {
            return false;
        };
        self.reassembly.memory = self.reassembly.memory.saturating_sub(pending.memory());
        let Some(reason) = reason else {
            return true;
        };
        match reason {
            IncompleteReason::Timeout => self.stats.reassembly_timeouts += 1,
            IncompleteReason::Evicted => self.stats.reassembly_evictions += 1,
            IncompleteReason::EndOfCapture => self.stats.reassembly_unfinished_at_end += 1,
        }
        self.stats.incomplete_datagrams += 1;
        let default_header = if pending.v6 { 40 } else { 20 };
        sink(NetEvent::IncompleteDatagram(IncompleteDatagram {
            first_frame: pending.first_frame,
            last_frame: pending.last_frame,
            first_ts: pending.first_ts,
            last_ts: pending.last_ts,
            src: key.src,
            dst: key.dst,
            protocol: pending.protocol,
            ports: pending.ports,
            fragments_seen: pending.frames.len() as u32,
            bytes_seen: pending.bytes_seen,
            total_len: pending
                .total_len
                .map(|total| pending.header_len.unwrap_or(default_header) + total),
            reason,
        }));
        true
    }
}

/// A whole IP datagram ready for transport dissection.
struct Datagram<'a> {
    v6: bool,
    src: IpAddr,
    dst: IpAddr,
    protocol: u8,
    payload: &'a [u8],
    ip_len: u32,
    /// Frames of the fragments, when reassembled.
    fragments: Option<&'a Vec<u64>>,
}

#[cfg(test)]
#[path = "dissect_tests.rs"]
mod tests;
