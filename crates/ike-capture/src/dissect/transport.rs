//! The transport layer of a whole datagram: UDP (IKE on its ports, NAT-T framing), ESP, and
//! ICMP errors with the flow their quote names.

use std::net::SocketAddr;

use super::ip::{
    addr_v4, addr_v6, skip_extension_headers, PROTO_ESP, PROTO_FRAGMENT, PROTO_ICMP, PROTO_ICMPV6,
    PROTO_UDP,
};
use super::{be16, be32, be64, Datagram, Dissector, PortClass, Skip};
use crate::event::{
    EspPacket, Frame, IcmpError, IcmpKind, IkeDatagram, NatKeepalive, NetEvent, QuotedFlow,
};

impl Dissector {
    /// Dispatches a whole (possibly reassembled) datagram on its upper-layer protocol.
    pub(super) fn transport(
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
}
