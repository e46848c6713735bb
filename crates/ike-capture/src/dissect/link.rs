//! The link layer: what carries the IP packet, stripped to reach it.

use super::{be16, Skip};

/// Most VLAN tags (802.1Q / 802.1ad / QinQ) stepped over.
pub(super) const MAX_VLAN_TAGS: usize = 8;

/// Network layer announced by the link layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Network {
    V4,
    V6,
    /// Raw IP link types: the version nibble decides.
    Either,
}

/// Strips the link-layer header. Returns the network-layer bytes.
#[inline]
pub(super) fn link_payload(link_type: u32, data: &[u8]) -> Result<(Network, &[u8]), Skip> {
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
