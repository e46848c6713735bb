//! Public types produced by the reader and the dissector.
use std::net::{IpAddr, SocketAddr};

/// Nanoseconds since the Unix epoch (pcap/pcapng resolution normalised).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

/// One captured frame, borrowed from the reader's buffer until the next call.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// 1-based, as Wireshark numbers frames (counted across pcapng sections).
    pub number: u64,
    pub ts: Timestamp,
    /// LINKTYPE_* value of the frame's interface.
    pub link_type: u32,
    pub orig_len: u32,
    /// Byte offset of the frame's record in the file (for error messages).
    pub file_offset: u64,
    pub data: &'a [u8],
}

/// An IKE datagram (UDP 500, 4500 after the non-ESP marker, or a `--ike-port`), IP-reassembled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IkeDatagram {
    /// The frame that completed it (the last IP fragment, as Wireshark counts).
    pub frame: u64,
    pub ts: Timestamp,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    /// True when carried after a 4-byte zero non-ESP marker (RFC 3948).
    pub non_esp_marker: bool,
    /// Frames of the IP fragments when the datagram was reassembled, in arrival order.
    pub ip_fragments: Vec<u64>,
    /// Total IP datagram length (before fragmentation), for MTU reasoning.
    pub ip_len: u32,
    /// The IKE message bytes (after the marker).
    pub payload: Vec<u8>,
}

/// One ESP packet (IP protocol 50, or ESP-in-UDP on 4500).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EspPacket {
    pub frame: u64,
    pub ts: Timestamp,
    pub src: IpAddr,
    pub dst: IpAddr,
    /// UDP ports when encapsulated (RFC 3948).
    pub udp_ports: Option<(u16, u16)>,
    pub spi: u32,
    pub seq: u32,
    /// IP datagram length (total length, original not captured length).
    pub ip_len: u32,
    /// True when the packet was an IP fragment (or reassembled from fragments).
    pub fragmented: bool,
}

/// A NAT-T keepalive (single 0xFF byte on UDP 4500).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NatKeepalive {
    pub frame: u64,
    pub ts: Timestamp,
    pub src: SocketAddr,
    pub dst: SocketAddr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IcmpKind {
    /// IPv4 type 3 code 3, ICMPv6 type 1 code 4.
    PortUnreachable,
    /// Other destination unreachable codes (host, net, admin prohibited ...): the raw code.
    Unreachable { code: u8 },
    /// IPv4 type 3 code 4 (fragmentation needed) or ICMPv6 type 2 (packet too big).
    FragmentationNeeded { mtu: u32 },
    /// IPv4 type 11 code 1, ICMPv6 type 3 code 1.
    ReassemblyTimeExceeded,
    /// TTL / hop limit exceeded in transit.
    TimeExceeded,
}

/// What the ICMP error quotes: the offending packet's flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotedFlow {
    pub protocol: u8,
    pub src: IpAddr,
    pub dst: IpAddr,
    /// UDP ports, when the quote holds a UDP header.
    pub ports: Option<(u16, u16)>,
    /// ESP SPI when the quote holds an ESP header (raw or UDP-encapsulated).
    pub esp_spi: Option<u32>,
    /// IKE initiator SPI when the quote reaches that far into an IKE header.
    pub ike_spi_i: Option<u64>,
    /// The quoted packet's IP total length.
    pub quoted_ip_len: u32,
}

/// An ICMP/ICMPv6 error quoting a UDP 500/4500 (or `--ike-port`) or ESP packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IcmpError {
    pub frame: u64,
    pub ts: Timestamp,
    /// Who sent the ICMP error and to whom.
    pub from: IpAddr,
    pub to: IpAddr,
    pub kind: IcmpKind,
    pub quoted: QuotedFlow,
}

/// An IP datagram some of whose fragments were seen but which never completed (timeout, eviction
/// under memory pressure, or end of capture). Evidence for MTU problems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncompleteDatagram {
    pub first_frame: u64,
    pub last_frame: u64,
    pub first_ts: Timestamp,
    pub last_ts: Timestamp,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub protocol: u8,
    /// UDP ports when the first fragment (offset 0) was seen.
    pub ports: Option<(u16, u16)>,
    pub fragments_seen: u32,
    pub bytes_seen: u32,
    /// Total datagram length when the last fragment was seen.
    pub total_len: Option<u32>,
    pub reason: IncompleteReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncompleteReason {
    Timeout,
    Evicted,
    EndOfCapture,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetEvent {
    Ike(IkeDatagram),
    Esp(EspPacket),
    NatKeepalive(NatKeepalive),
    IcmpError(IcmpError),
    IncompleteDatagram(IncompleteDatagram),
}
