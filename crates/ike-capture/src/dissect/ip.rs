//! IPv4 and IPv6 headers, IPv6 extension headers, and what marks a fragment.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{be16, be32, Skip};

pub(super) const PROTO_HOP_BY_HOP: u8 = 0;
pub(super) const PROTO_ICMP: u8 = 1;
pub(super) const PROTO_UDP: u8 = 17;
pub(super) const PROTO_ROUTING: u8 = 43;
pub(super) const PROTO_FRAGMENT: u8 = 44;
pub(super) const PROTO_ESP: u8 = 50;
pub(super) const PROTO_AH: u8 = 51;
pub(super) const PROTO_ICMPV6: u8 = 58;
pub(super) const PROTO_DEST_OPTS: u8 = 60;
pub(super) const PROTO_MOBILITY: u8 = 135;
pub(super) const PROTO_HIP: u8 = 139;
pub(super) const PROTO_SHIM6: u8 = 140;

/// Most IPv6 extension headers walked before giving up (a hostile chain is otherwise unbounded
/// only by the packet length; real packets carry a few).
pub(super) const MAX_EXTENSION_HEADERS: usize = 16;

pub(super) fn is_extension_header(protocol: u8) -> bool {
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
pub(super) fn skip_extension_headers(
    mut protocol: u8,
    bytes: &[u8],
    mut at: usize,
) -> Option<(u8, usize)> {
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
pub(super) struct Fragment {
    /// Byte offset of this fragment's data in the datagram payload.
    pub(super) offset: u32,
    pub(super) more: bool,
    pub(super) id: u32,
}

/// The parts of an IP packet the dissector looks at.
#[derive(Debug, Clone, Copy)]
pub(super) struct IpPacket<'a> {
    pub(super) v6: bool,
    pub(super) src: IpAddr,
    pub(super) dst: IpAddr,
    /// Upper-layer protocol (for fragments: the protocol of the whole datagram).
    pub(super) protocol: u8,
    /// Bytes of IP header (and extension headers, excluding an IPv6 fragment header) before
    /// the payload.
    pub(super) header_len: u32,
    /// Captured payload, bounded by the declared length.
    pub(super) payload: &'a [u8],
    /// Declared payload length (more than `payload.len()` when the capture cut the packet).
    pub(super) declared_payload_len: u32,
    /// Declared IP total length.
    pub(super) ip_len: u32,
    pub(super) fragment: Option<Fragment>,
}

pub(super) fn addr_v4(bytes: &[u8], at: usize) -> Option<IpAddr> {
    let raw: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
    Some(IpAddr::V4(Ipv4Addr::from(raw)))
}

pub(super) fn addr_v6(bytes: &[u8], at: usize) -> Option<IpAddr> {
    let raw: [u8; 16] = bytes.get(at..at + 16)?.try_into().ok()?;
    Some(IpAddr::V6(Ipv6Addr::from(raw)))
}

/// Whether the protocol can carry something the dissector reports; everything else is skipped
/// before the addresses are even read.
#[inline]
pub(super) fn interesting_v4_protocol(protocol: u8) -> bool {
    matches!(protocol, PROTO_UDP | PROTO_ESP | PROTO_ICMP)
}

pub(super) fn parse_ipv4(bytes: &[u8]) -> Result<IpPacket<'_>, Skip> {
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

pub(super) fn parse_ipv6(bytes: &[u8]) -> Result<IpPacket<'_>, Skip> {
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
