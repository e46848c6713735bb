//! Frame dissection: link layers, IPv4/IPv6, fragment reassembly, and extraction of the IKE, ESP,
//! NAT-T keepalive and ICMP-error events.
//!
//! The hot path reads only the bytes needed to decide a frame is irrelevant (link type, IP
//! version, protocol, UDP ports) and allocates nothing for such frames.
//!
//! One layer per file, as the wire is read: `link` (Ethernet, VLAN tags, PPPoE, Linux cooked,
//! loopback), `ip` (IPv4, IPv6 and its extension headers), `transport` (UDP with IKE and
//! NAT-T framing, ESP, ICMP errors and their quotes), and `reassembly` apart: fragments are
//! collected there within bounded memory and a whole datagram goes back to the transport layer.

mod ip;
mod link;
mod reassembly;
mod transport;

use std::net::IpAddr;

use crate::event::{Frame, IncompleteReason, NetEvent};
use ip::{interesting_v4_protocol, parse_ipv4, parse_ipv6};
use link::{link_payload, Network};
use reassembly::Reassembler;

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
        self.transport(frame, &Datagram::unfragmented(&packet), sink)
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

impl<'a> Datagram<'a> {
    /// The datagram of one IP packet as it arrived (not reassembled).
    fn unfragmented(packet: &ip::IpPacket<'a>) -> Datagram<'a> {
        Datagram {
            v6: packet.v6,
            src: packet.src,
            dst: packet.dst,
            protocol: packet.protocol,
            payload: packet.payload,
            ip_len: packet.ip_len,
            fragments: None,
        }
    }
}

#[cfg(test)]
mod tests;
