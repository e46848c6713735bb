//! Ethernet / 802.1Q / IPv4 / IPv6 / UDP / TCP / ICMP frame builders.
//!
//! Every builder appends to a caller-owned `Vec<u8>` so the generator can reuse a few
//! scratch buffers for the whole run instead of allocating per frame.

pub const ETHERTYPE_IPV4: u16 = 0x0800;
pub const ETHERTYPE_IPV6: u16 = 0x86dd;
pub const ETHERTYPE_VLAN: u16 = 0x8100;

pub const IPPROTO_ICMP: u8 = 1;
pub const IPPROTO_TCP: u8 = 6;
pub const IPPROTO_UDP: u8 = 17;
pub const IPPROTO_IPV6_FRAGMENT: u8 = 44;
pub const IPPROTO_ESP: u8 = 50;
pub const IPPROTO_ICMPV6: u8 = 58;

pub const IPV4_HEADER_LEN: usize = 20;
pub const IPV6_HEADER_LEN: usize = 40;
pub const IPV6_FRAGMENT_HEADER_LEN: usize = 8;
pub const UDP_HEADER_LEN: usize = 8;
pub const TCP_HEADER_LEN: usize = 20;

/// IPv4 "don't fragment" flag in the flags/fragment-offset field.
pub const IPV4_DONT_FRAGMENT: u16 = 0x4000;
/// IPv4 "more fragments" flag in the flags/fragment-offset field.
pub const IPV4_MORE_FRAGMENTS: u16 = 0x2000;

pub const TCP_FLAG_SYN: u8 = 0x02;
pub const TCP_FLAG_PSH: u8 = 0x08;
pub const TCP_FLAG_ACK: u8 = 0x10;

/// Network-layer source and destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetAddrs {
    V4 { src: [u8; 4], dst: [u8; 4] },
    V6 { src: [u8; 16], dst: [u8; 16] },
}

impl NetAddrs {
    pub fn reversed(&self) -> NetAddrs {
        match *self {
            NetAddrs::V4 { src, dst } => NetAddrs::V4 { src: dst, dst: src },
            NetAddrs::V6 { src, dst } => NetAddrs::V6 { src: dst, dst: src },
        }
    }

    pub fn is_v6(&self) -> bool {
        matches!(self, NetAddrs::V6 { .. })
    }

    /// Bytes of IP header that precede the transport header (no extension headers).
    pub fn ip_header_len(&self) -> usize {
        if self.is_v6() {
            IPV6_HEADER_LEN
        } else {
            IPV4_HEADER_LEN
        }
    }
}

/// Everything below the transport layer for one direction of a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Path {
    pub src_mac: [u8; 6],
    pub dst_mac: [u8; 6],
    /// 802.1Q VLAN id, if the frame is tagged.
    pub vlan: Option<u16>,
    pub addrs: NetAddrs,
}

impl Path {
    pub fn reversed(&self) -> Path {
        Path {
            src_mac: self.dst_mac,
            dst_mac: self.src_mac,
            vlan: self.vlan,
            addrs: self.addrs.reversed(),
        }
    }

    /// Bytes of link-layer header this path produces.
    pub fn link_header_len(&self) -> usize {
        if self.vlan.is_some() {
            18
        } else {
            14
        }
    }
}

/// Adds `data` to a running ones'-complement sum (big-endian 16-bit words; odd tail padded).
pub fn checksum_add(mut sum: u64, data: &[u8]) -> u64 {
    let mut chunks = data.chunks_exact(4);
    for chunk in &mut chunks {
        sum += u64::from(u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]));
    }
    let rest = chunks.remainder();
    let mut words = rest.chunks_exact(2);
    for word in &mut words {
        sum += u64::from(u16::from_be_bytes([word[0], word[1]]));
    }
    if let [last] = words.remainder() {
        sum += u64::from(*last) << 8;
    }
    sum
}

/// Folds a running sum into the final 16-bit internet checksum.
pub fn checksum_finish(mut sum: u64) -> u16 {
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn pseudo_header_sum(addrs: &NetAddrs, protocol: u8, length: usize) -> u64 {
    let sum = match addrs {
        NetAddrs::V4 { src, dst } => checksum_add(checksum_add(0, src), dst),
        NetAddrs::V6 { src, dst } => checksum_add(checksum_add(0, src), dst),
    };
    sum + u64::from(protocol) + length as u64
}

/// Ethernet II header, with an 802.1Q tag when the path has a VLAN.
pub fn push_ethernet(frame: &mut Vec<u8>, path: &Path, ethertype: u16) {
    frame.extend_from_slice(&path.dst_mac);
    frame.extend_from_slice(&path.src_mac);
    if let Some(vlan) = path.vlan {
        frame.extend_from_slice(&ETHERTYPE_VLAN.to_be_bytes());
        frame.extend_from_slice(&(vlan & 0x0fff).to_be_bytes());
    }
    frame.extend_from_slice(&ethertype.to_be_bytes());
}

/// IPv4 header (no options) with a valid header checksum.
#[allow(clippy::too_many_arguments)]
pub fn push_ipv4_header(
    frame: &mut Vec<u8>,
    src: [u8; 4],
    dst: [u8; 4],
    protocol: u8,
    payload_len: usize,
    identification: u16,
    flags_fragment: u16,
    ttl: u8,
) {
    let start = frame.len();
    let total_len = (IPV4_HEADER_LEN + payload_len).min(usize::from(u16::MAX)) as u16;
    frame.push(0x45);
    frame.push(0);
    frame.extend_from_slice(&total_len.to_be_bytes());
    frame.extend_from_slice(&identification.to_be_bytes());
    frame.extend_from_slice(&flags_fragment.to_be_bytes());
    frame.push(ttl);
    frame.push(protocol);
    frame.extend_from_slice(&[0, 0]);
    frame.extend_from_slice(&src);
    frame.extend_from_slice(&dst);
    let checksum = checksum_finish(checksum_add(0, &frame[start..start + IPV4_HEADER_LEN]));
    frame[start + 10..start + 12].copy_from_slice(&checksum.to_be_bytes());
}

/// IPv6 fixed header.
pub fn push_ipv6_header(
    frame: &mut Vec<u8>,
    src: [u8; 16],
    dst: [u8; 16],
    next_header: u8,
    payload_len: usize,
    hop_limit: u8,
) {
    frame.extend_from_slice(&[0x60, 0, 0, 0]);
    frame.extend_from_slice(&(payload_len.min(usize::from(u16::MAX)) as u16).to_be_bytes());
    frame.push(next_header);
    frame.push(hop_limit);
    frame.extend_from_slice(&src);
    frame.extend_from_slice(&dst);
}

/// Link + IP header for an unfragmented packet carrying `payload_len` bytes of `protocol`.
pub fn push_link_and_ip(
    frame: &mut Vec<u8>,
    path: &Path,
    protocol: u8,
    payload_len: usize,
    ip_id: u16,
) {
    match path.addrs {
        NetAddrs::V4 { src, dst } => {
            push_ethernet(frame, path, ETHERTYPE_IPV4);
            push_ipv4_header(
                frame,
                src,
                dst,
                protocol,
                payload_len,
                ip_id,
                IPV4_DONT_FRAGMENT,
                64,
            );
        }
        NetAddrs::V6 { src, dst } => {
            push_ethernet(frame, path, ETHERTYPE_IPV6);
            push_ipv6_header(frame, src, dst, protocol, payload_len, 64);
        }
    }
}

/// Complete frame: link + IP header + `transport` bytes (already containing L4 header).
pub fn build_ip_frame(
    frame: &mut Vec<u8>,
    path: &Path,
    protocol: u8,
    transport: &[u8],
    ip_id: u16,
) {
    frame.clear();
    push_link_and_ip(frame, path, protocol, transport.len(), ip_id);
    frame.extend_from_slice(transport);
}

/// UDP header + payload with a valid checksum (IPv4 and IPv6 pseudo-header).
pub fn build_udp_segment(
    segment: &mut Vec<u8>,
    addrs: &NetAddrs,
    src_port: u16,
    dst_port: u16,
    payload: &[u8],
) {
    segment.clear();
    let length = UDP_HEADER_LEN + payload.len();
    segment.extend_from_slice(&src_port.to_be_bytes());
    segment.extend_from_slice(&dst_port.to_be_bytes());
    segment.extend_from_slice(&(length.min(usize::from(u16::MAX)) as u16).to_be_bytes());
    segment.extend_from_slice(&[0, 0]);
    segment.extend_from_slice(payload);
    let sum = checksum_add(pseudo_header_sum(addrs, IPPROTO_UDP, length), segment);
    let mut checksum = checksum_finish(sum);
    if checksum == 0 {
        checksum = 0xffff;
    }
    segment[6..8].copy_from_slice(&checksum.to_be_bytes());
}

/// Fields of one TCP segment.
#[derive(Clone, Copy, Debug)]
pub struct TcpFields {
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: u32,
    pub ack: u32,
    pub flags: u8,
    pub window: u16,
}

/// Complete TCP frame written straight into `frame` (payload copied once, checksum valid).
pub fn build_tcp_frame(
    frame: &mut Vec<u8>,
    path: &Path,
    tcp: &TcpFields,
    payload: &[u8],
    ip_id: u16,
) {
    frame.clear();
    let segment_len = TCP_HEADER_LEN + payload.len();
    push_link_and_ip(frame, path, IPPROTO_TCP, segment_len, ip_id);
    let start = frame.len();
    frame.extend_from_slice(&tcp.src_port.to_be_bytes());
    frame.extend_from_slice(&tcp.dst_port.to_be_bytes());
    frame.extend_from_slice(&tcp.seq.to_be_bytes());
    frame.extend_from_slice(&tcp.ack.to_be_bytes());
    frame.push(0x50); // data offset 5 words
    frame.push(tcp.flags);
    frame.extend_from_slice(&tcp.window.to_be_bytes());
    frame.extend_from_slice(&[0, 0, 0, 0]); // checksum, urgent pointer
    frame.extend_from_slice(payload);
    let sum = checksum_add(
        pseudo_header_sum(&path.addrs, IPPROTO_TCP, segment_len),
        &frame[start..],
    );
    let checksum = checksum_finish(sum);
    frame[start + 16..start + 18].copy_from_slice(&checksum.to_be_bytes());
}

/// One IPv4 fragment of `transport` (the whole L4 datagram) covering `offset..offset+len`.
/// `offset` must be a multiple of 8 unless this is the last fragment.
pub fn build_ipv4_fragment(
    frame: &mut Vec<u8>,
    path: &Path,
    protocol: u8,
    transport: &[u8],
    ip_id: u16,
    offset: usize,
    len: usize,
) {
    frame.clear();
    let NetAddrs::V4 { src, dst } = path.addrs else {
        return;
    };
    let end = (offset + len).min(transport.len());
    let start = offset.min(end);
    let more = end < transport.len();
    let mut flags_fragment = ((start / 8) as u16) & 0x1fff;
    if more {
        flags_fragment |= IPV4_MORE_FRAGMENTS;
    }
    push_ethernet(frame, path, ETHERTYPE_IPV4);
    push_ipv4_header(
        frame,
        src,
        dst,
        protocol,
        end - start,
        ip_id,
        flags_fragment,
        64,
    );
    frame.extend_from_slice(&transport[start..end]);
}

/// One IPv6 fragment (fragment extension header) of `transport` covering `offset..offset+len`.
#[allow(clippy::too_many_arguments)]
pub fn build_ipv6_fragment(
    frame: &mut Vec<u8>,
    path: &Path,
    next_header: u8,
    transport: &[u8],
    identification: u32,
    offset: usize,
    len: usize,
) {
    frame.clear();
    let NetAddrs::V6 { src, dst } = path.addrs else {
        return;
    };
    let end = (offset + len).min(transport.len());
    let start = offset.min(end);
    let more = end < transport.len();
    push_ethernet(frame, path, ETHERTYPE_IPV6);
    push_ipv6_header(
        frame,
        src,
        dst,
        IPPROTO_IPV6_FRAGMENT,
        IPV6_FRAGMENT_HEADER_LEN + (end - start),
        64,
    );
    let offset_field = ((((start / 8) as u16) & 0x1fff) << 3) | u16::from(more);
    frame.push(next_header);
    frame.push(0);
    frame.extend_from_slice(&offset_field.to_be_bytes());
    frame.extend_from_slice(&identification.to_be_bytes());
    frame.extend_from_slice(&transport[start..end]);
}

/// Largest fragment payload (multiple of 8) that fits a link MTU for this address family.
pub fn max_fragment_payload(addrs: &NetAddrs, mtu: usize) -> usize {
    let overhead = match addrs {
        NetAddrs::V4 { .. } => IPV4_HEADER_LEN,
        NetAddrs::V6 { .. } => IPV6_HEADER_LEN + IPV6_FRAGMENT_HEADER_LEN,
    };
    (mtu.saturating_sub(overhead) / 8 * 8).max(8)
}

/// ICMPv4 "fragmentation needed" (type 3 code 4) or ICMPv6 "packet too big" quoting
/// `quoted` (the start of the offending IP packet). `path` runs from the router to the sender.
pub fn build_icmp_too_big(frame: &mut Vec<u8>, path: &Path, mtu: u16, quoted: &[u8], ip_id: u16) {
    frame.clear();
    let mut message = Vec::with_capacity(8 + quoted.len());
    match path.addrs {
        NetAddrs::V4 { .. } => {
            message.extend_from_slice(&[3, 4, 0, 0, 0, 0]);
            message.extend_from_slice(&mtu.to_be_bytes());
            message.extend_from_slice(quoted);
            let checksum = checksum_finish(checksum_add(0, &message));
            message[2..4].copy_from_slice(&checksum.to_be_bytes());
            build_ip_frame(frame, path, IPPROTO_ICMP, &message, ip_id);
        }
        NetAddrs::V6 { .. } => {
            message.extend_from_slice(&[2, 0, 0, 0]);
            message.extend_from_slice(&u32::from(mtu).to_be_bytes());
            message.extend_from_slice(quoted);
            let sum = checksum_add(
                pseudo_header_sum(&path.addrs, IPPROTO_ICMPV6, message.len()),
                &message,
            );
            let checksum = checksum_finish(sum);
            message[2..4].copy_from_slice(&checksum.to_be_bytes());
            build_ip_frame(frame, path, IPPROTO_ICMPV6, &message, ip_id);
        }
    }
}

/// Strips the link-layer header off a frame built for `path` (used to quote it in ICMP).
pub fn ip_packet_of<'a>(frame: &'a [u8], path: &Path) -> &'a [u8] {
    frame.get(path.link_header_len()..).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_header_checksum_verifies() {
        let mut frame = Vec::new();
        push_ipv4_header(
            &mut frame,
            [10, 0, 0, 1],
            [10, 0, 0, 2],
            IPPROTO_UDP,
            100,
            7,
            0,
            64,
        );
        assert_eq!(checksum_finish(checksum_add(0, &frame)), 0);
    }

    #[test]
    fn udp_checksum_verifies_v6() {
        let addrs = NetAddrs::V6 {
            src: [0x20; 16],
            dst: [0x21; 16],
        };
        let mut segment = Vec::new();
        build_udp_segment(&mut segment, &addrs, 500, 500, b"odd length payload!");
        let sum = checksum_add(
            pseudo_header_sum(&addrs, IPPROTO_UDP, segment.len()),
            &segment,
        );
        assert_eq!(checksum_finish(sum), 0);
    }
}
