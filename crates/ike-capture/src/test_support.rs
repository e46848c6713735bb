//! Builders for capture files and packets used by the tests.
#![allow(dead_code)]

use etherparse::PacketBuilder;

pub const MAC_A: [u8; 6] = [2, 0, 0, 0, 0, 1];
pub const MAC_B: [u8; 6] = [2, 0, 0, 0, 0, 2];

fn put_u16(out: &mut Vec<u8>, value: u16, big_endian: bool) {
    out.extend_from_slice(&if big_endian {
        value.to_be_bytes()
    } else {
        value.to_le_bytes()
    });
}

fn put_u32(out: &mut Vec<u8>, value: u32, big_endian: bool) {
    out.extend_from_slice(&if big_endian {
        value.to_be_bytes()
    } else {
        value.to_le_bytes()
    });
}

/// A classic pcap file.
pub struct PcapFile {
    pub bytes: Vec<u8>,
    big_endian: bool,
    modified: bool,
}

impl PcapFile {
    pub fn new(big_endian: bool, nanosecond: bool, link_type: u32) -> PcapFile {
        Self::with_magic(
            big_endian,
            if nanosecond { 0xA1B2_3C4D } else { 0xA1B2_C3D4 },
            link_type,
        )
    }

    pub fn modified(big_endian: bool, link_type: u32) -> PcapFile {
        let mut file = Self::with_magic(big_endian, 0xA1B2_CD34, link_type);
        file.modified = true;
        file
    }

    fn with_magic(big_endian: bool, magic: u32, link_type: u32) -> PcapFile {
        let mut bytes = Vec::new();
        put_u32(&mut bytes, magic, big_endian);
        put_u16(&mut bytes, 2, big_endian);
        put_u16(&mut bytes, 4, big_endian);
        put_u32(&mut bytes, 0, big_endian);
        put_u32(&mut bytes, 0, big_endian);
        put_u32(&mut bytes, 262_144, big_endian);
        put_u32(&mut bytes, link_type, big_endian);
        PcapFile {
            bytes,
            big_endian,
            modified: false,
        }
    }

    pub fn record(&mut self, ts_sec: u32, ts_frac: u32, data: &[u8]) -> &mut Self {
        self.record_with_orig_len(ts_sec, ts_frac, data, data.len() as u32)
    }

    pub fn record_with_orig_len(
        &mut self,
        ts_sec: u32,
        ts_frac: u32,
        data: &[u8],
        orig_len: u32,
    ) -> &mut Self {
        let be = self.big_endian;
        put_u32(&mut self.bytes, ts_sec, be);
        put_u32(&mut self.bytes, ts_frac, be);
        put_u32(&mut self.bytes, data.len() as u32, be);
        put_u32(&mut self.bytes, orig_len, be);
        if self.modified {
            self.bytes.extend_from_slice(&[0; 8]);
        }
        self.bytes.extend_from_slice(data);
        self
    }
}

/// A pcapng file; the byte order can change with each section.
#[derive(Default)]
pub struct PcapNgFile {
    pub bytes: Vec<u8>,
    big_endian: bool,
}

impl PcapNgFile {
    pub fn new() -> PcapNgFile {
        PcapNgFile::default()
    }

    pub fn block(&mut self, block_type: u32, body: &[u8]) -> &mut Self {
        let be = self.big_endian;
        let padded = body.len().div_ceil(4) * 4;
        let len = (12 + padded) as u32;
        put_u32(&mut self.bytes, block_type, be);
        put_u32(&mut self.bytes, len, be);
        self.bytes.extend_from_slice(body);
        self.bytes.resize(self.bytes.len() + padded - body.len(), 0);
        put_u32(&mut self.bytes, len, be);
        self
    }

    pub fn section(&mut self, big_endian: bool) -> &mut Self {
        self.big_endian = big_endian;
        let mut body = Vec::new();
        put_u32(&mut body, 0x1A2B_3C4D, big_endian);
        put_u16(&mut body, 1, big_endian);
        put_u16(&mut body, 0, big_endian);
        body.extend_from_slice(&(-1i64).to_le_bytes());
        self.block(0x0A0D_0D0A, &body)
    }

    /// Interface description with optional if_tsresol (option 9) and if_tsoffset (option 14).
    pub fn interface(
        &mut self,
        link_type: u16,
        snaplen: u32,
        tsresol: Option<u8>,
        tsoffset: Option<i64>,
    ) -> &mut Self {
        let be = self.big_endian;
        let mut body = Vec::new();
        put_u16(&mut body, link_type, be);
        put_u16(&mut body, 0, be);
        put_u32(&mut body, snaplen, be);
        if let Some(resolution) = tsresol {
            put_u16(&mut body, 9, be);
            put_u16(&mut body, 1, be);
            body.extend_from_slice(&[resolution, 0, 0, 0]);
        }
        if let Some(offset) = tsoffset {
            put_u16(&mut body, 14, be);
            put_u16(&mut body, 8, be);
            body.extend_from_slice(&if be {
                offset.to_be_bytes()
            } else {
                offset.to_le_bytes()
            });
        }
        if tsresol.is_some() || tsoffset.is_some() {
            put_u32(&mut body, 0, be);
        }
        self.block(1, &body)
    }

    pub fn enhanced_packet(&mut self, interface: u32, ts: u64, data: &[u8]) -> &mut Self {
        self.enhanced_packet_with_orig_len(interface, ts, data, data.len() as u32)
    }

    pub fn enhanced_packet_with_orig_len(
        &mut self,
        interface: u32,
        ts: u64,
        data: &[u8],
        orig_len: u32,
    ) -> &mut Self {
        let be = self.big_endian;
        let mut body = Vec::new();
        put_u32(&mut body, interface, be);
        put_u32(&mut body, (ts >> 32) as u32, be);
        put_u32(&mut body, ts as u32, be);
        put_u32(&mut body, data.len() as u32, be);
        put_u32(&mut body, orig_len, be);
        body.extend_from_slice(data);
        body.resize(body.len().div_ceil(4) * 4, 0);
        // An opt_comment option, as Wireshark writes for annotated packets.
        put_u16(&mut body, 1, be);
        put_u16(&mut body, 3, be);
        body.extend_from_slice(b"hi\0\0");
        put_u32(&mut body, 0, be);
        self.block(6, &body)
    }

    pub fn simple_packet(&mut self, data: &[u8]) -> &mut Self {
        let be = self.big_endian;
        let mut body = Vec::new();
        put_u32(&mut body, data.len() as u32, be);
        body.extend_from_slice(data);
        self.block(3, &body)
    }

    /// Obsolete packet block (type 2).
    pub fn packet(&mut self, interface: u16, ts: u64, data: &[u8]) -> &mut Self {
        let be = self.big_endian;
        let mut body = Vec::new();
        put_u16(&mut body, interface, be);
        put_u16(&mut body, 0, be);
        put_u32(&mut body, (ts >> 32) as u32, be);
        put_u32(&mut body, ts as u32, be);
        put_u32(&mut body, data.len() as u32, be);
        put_u32(&mut body, data.len() as u32, be);
        body.extend_from_slice(data);
        self.block(2, &body)
    }
}

/// Ethernet + IPv4 + UDP, built by etherparse.
pub fn eth_ipv4_udp(src: [u8; 4], dst: [u8; 4], sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let builder = PacketBuilder::ethernet2(MAC_A, MAC_B)
        .ipv4(src, dst, 64)
        .udp(sport, dport);
    let mut out = Vec::with_capacity(builder.size(payload.len()));
    builder.write(&mut out, payload).unwrap();
    out
}

/// Bare IPv4 + UDP, built by etherparse.
pub fn ipv4_udp(src: [u8; 4], dst: [u8; 4], sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let builder = PacketBuilder::ipv4(src, dst, 64).udp(sport, dport);
    let mut out = Vec::with_capacity(builder.size(payload.len()));
    builder.write(&mut out, payload).unwrap();
    out
}

/// Bare IPv6 + UDP, built by etherparse.
pub fn ipv6_udp(src: [u8; 16], dst: [u8; 16], sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let builder = PacketBuilder::ipv6(src, dst, 64).udp(sport, dport);
    let mut out = Vec::with_capacity(builder.size(payload.len()));
    builder.write(&mut out, payload).unwrap();
    out
}

/// Ethernet frame around an IP packet (or anything) with the given ethertype.
pub fn ethernet(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&MAC_B);
    out.extend_from_slice(&MAC_A);
    out.extend_from_slice(&ethertype.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// A UDP header + payload (checksum zero).
pub fn udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&sport.to_be_bytes());
    out.extend_from_slice(&dport.to_be_bytes());
    out.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(payload);
    out
}

/// An IPv4 header (no options) in front of `payload`, with fragment fields.
pub fn ipv4(
    src: [u8; 4],
    dst: [u8; 4],
    protocol: u8,
    id: u16,
    offset_bytes: u16,
    more: bool,
    payload: &[u8],
) -> Vec<u8> {
    let mut out = vec![0x45, 0];
    out.extend_from_slice(&((20 + payload.len()) as u16).to_be_bytes());
    out.extend_from_slice(&id.to_be_bytes());
    let flags = (offset_bytes / 8) | if more { 0x2000 } else { 0 };
    out.extend_from_slice(&flags.to_be_bytes());
    out.extend_from_slice(&[64, protocol, 0, 0]);
    out.extend_from_slice(&src);
    out.extend_from_slice(&dst);
    out.extend_from_slice(payload);
    out
}

/// An IPv6 header in front of `rest` (extension headers and payload), first next header given.
pub fn ipv6(src: [u8; 16], dst: [u8; 16], next_header: u8, rest: &[u8]) -> Vec<u8> {
    let mut out = vec![0x60, 0, 0, 0];
    out.extend_from_slice(&(rest.len() as u16).to_be_bytes());
    out.extend_from_slice(&[next_header, 64]);
    out.extend_from_slice(&src);
    out.extend_from_slice(&dst);
    out.extend_from_slice(rest);
    out
}

/// An IPv6 fragment header.
pub fn ipv6_fragment_header(next_header: u8, offset_bytes: u16, more: bool, id: u32) -> Vec<u8> {
    let mut out = vec![next_header, 0];
    out.extend_from_slice(&((offset_bytes & 0xFFF8) | u16::from(more)).to_be_bytes());
    out.extend_from_slice(&id.to_be_bytes());
    out
}

/// An 8-byte-multiple IPv6 options header (hop-by-hop or destination options) with padding.
pub fn ipv6_options_header(next_header: u8, units: u8) -> Vec<u8> {
    let mut out = vec![next_header, units];
    // PadN covering the rest.
    let len = (usize::from(units) + 1) * 8;
    out.push(1);
    out.push((len - 4) as u8);
    out.resize(len, 0);
    out
}

/// An IKE header start: initiator SPI then zeros (28 bytes).
pub fn ike_message(spi_i: u64, extra: usize) -> Vec<u8> {
    let mut out = spi_i.to_be_bytes().to_vec();
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&[33, 0x20, 34, 0x08, 0, 0, 0, 0]);
    out.extend_from_slice(&((28 + extra) as u32).to_be_bytes());
    out.extend((0..extra).map(|i| i as u8));
    out
}

pub const V4_A: [u8; 4] = [192, 0, 2, 1];
pub const V4_B: [u8; 4] = [198, 51, 100, 7];
pub const V6_A: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
pub const V6_B: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
