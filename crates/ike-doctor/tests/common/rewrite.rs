//! Rewrites a real Ethernet capture into other encapsulations, so that the same real handshakes
//! are also tested as VLAN/QinQ-tagged, Linux SLL2 and IPv6 traffic.
use std::path::Path;

use ike_capture::CaptureReader;

const LINKTYPE_ETHERNET: u32 = 1;
const LINKTYPE_LINUX_SLL2: u32 = 276;

#[derive(Debug, Clone, Copy)]
pub enum Variant {
    /// One 802.1Q tag.
    Vlan,
    /// 802.1ad outer tag and 802.1Q inner tag.
    QinQ,
    /// Linux cooked capture v2 (what `tcpdump -i any` writes today).
    Sll2,
    /// IPv4 packets turned into IPv6 (addresses mapped into fd00::/96; IPv4 fragments become
    /// IPv6 fragment headers).
    Ipv6,
}

/// Reads `input` (Ethernet link type) and writes the variant as a pcap to `output`. Returns the
/// number of frames written (always every frame, so frame numbers are kept).
pub fn rewrite(input: &Path, output: &Path, variant: Variant) -> usize {
    let mut reader = CaptureReader::open(input).expect("open fixture");
    let link = match variant {
        Variant::Sll2 => LINKTYPE_LINUX_SLL2,
        _ => LINKTYPE_ETHERNET,
    };
    let mut out = pcap_header(link);
    let mut frames = 0;
    while let Some(frame) = reader.next_frame().expect("fixture reads cleanly") {
        assert_eq!(frame.link_type, LINKTYPE_ETHERNET, "fixtures are Ethernet");
        let data = frame.data;
        let rewritten = match variant {
            Variant::Vlan => tag(data, &[(0x8100, 42)]),
            Variant::QinQ => tag(data, &[(0x88a8, 100), (0x8100, 42)]),
            Variant::Sll2 => sll2(data),
            Variant::Ipv6 => ipv6(data),
        };
        let secs = frame.ts.0.div_euclid(1_000_000_000) as u32;
        let micros = (frame.ts.0.rem_euclid(1_000_000_000) / 1000) as u32;
        out.extend_from_slice(&secs.to_le_bytes());
        out.extend_from_slice(&micros.to_le_bytes());
        out.extend_from_slice(&(rewritten.len() as u32).to_le_bytes());
        out.extend_from_slice(&(rewritten.len() as u32).to_le_bytes());
        out.extend_from_slice(&rewritten);
        frames += 1;
    }
    std::fs::write(output, out).expect("write variant");
    frames
}

fn pcap_header(link: u32) -> Vec<u8> {
    let mut h = Vec::with_capacity(24);
    h.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    h.extend_from_slice(&2u16.to_le_bytes());
    h.extend_from_slice(&4u16.to_le_bytes());
    h.extend_from_slice(&0i32.to_le_bytes());
    h.extend_from_slice(&0u32.to_le_bytes());
    h.extend_from_slice(&65535u32.to_le_bytes());
    h.extend_from_slice(&link.to_le_bytes());
    h
}

fn tag(frame: &[u8], tags: &[(u16, u16)]) -> Vec<u8> {
    let mut out = frame[..12].to_vec();
    for &(tpid, vid) in tags {
        out.extend_from_slice(&tpid.to_be_bytes());
        out.extend_from_slice(&vid.to_be_bytes());
    }
    out.extend_from_slice(&frame[12..]);
    out
}

fn sll2(frame: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(frame.len() + 6);
    out.extend_from_slice(&frame[12..14]); // protocol (EtherType)
    out.extend_from_slice(&[0, 0]); // reserved
    out.extend_from_slice(&2u32.to_be_bytes()); // interface index
    out.extend_from_slice(&1u16.to_be_bytes()); // ARPHRD_ETHER
    out.push(0); // packet type: to us
    out.push(6); // address length
    out.extend_from_slice(&frame[6..12]); // source MAC
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(&frame[14..]);
    out
}

fn mapped(v4: &[u8]) -> [u8; 16] {
    let mut a = [0u8; 16];
    a[0] = 0xfd;
    a[12..16].copy_from_slice(v4);
    a
}

/// IPv4 → IPv6, keeping the payload bytes. Non-IPv4 frames are kept as they are. ICMPv4
/// errors are kept as IPv4 (their quoted headers would need rewriting too).
fn ipv6(frame: &[u8]) -> Vec<u8> {
    if frame.len() < 34 || frame[12..14] != [0x08, 0x00] {
        return frame.to_vec();
    }
    let ip = &frame[14..];
    let ihl = usize::from(ip[0] & 0x0f) * 4;
    let total = usize::from(u16::from_be_bytes([ip[2], ip[3]])).min(ip.len());
    let protocol = ip[9];
    if protocol == 1 || ihl < 20 || total < ihl {
        return frame.to_vec();
    }
    let id = u16::from_be_bytes([ip[4], ip[5]]);
    let flags_offset = u16::from_be_bytes([ip[6], ip[7]]);
    let more = flags_offset & 0x2000 != 0;
    let offset8 = flags_offset & 0x1fff;
    let fragmented = more || offset8 != 0;
    let payload = &ip[ihl..total];
    let (src, dst) = (mapped(&ip[12..16]), mapped(&ip[16..20]));

    let mut body = Vec::new();
    if fragmented {
        body.push(protocol);
        body.push(0);
        body.extend_from_slice(&((offset8 << 3) | u16::from(more)).to_be_bytes());
        body.extend_from_slice(&u32::from(id).to_be_bytes());
    }
    let mut payload = payload.to_vec();
    if protocol == 17 && !fragmented && payload.len() >= 8 {
        payload[6] = 0;
        payload[7] = 0;
        let sum = udp6_checksum(&src, &dst, &payload);
        payload[6..8].copy_from_slice(&sum.to_be_bytes());
    }
    body.extend_from_slice(&payload);

    let mut out = frame[..12].to_vec();
    out.extend_from_slice(&[0x86, 0xdd]);
    out.extend_from_slice(&[0x60, 0, 0, 0]);
    out.extend_from_slice(&(body.len() as u16).to_be_bytes());
    out.push(if fragmented { 44 } else { protocol });
    out.push(ip[8]);
    out.extend_from_slice(&src);
    out.extend_from_slice(&dst);
    out.extend_from_slice(&body);
    out
}

fn udp6_checksum(src: &[u8; 16], dst: &[u8; 16], udp: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    let mut add = |bytes: &[u8]| {
        for chunk in bytes.chunks(2) {
            let word = if chunk.len() == 2 {
                u16::from_be_bytes([chunk[0], chunk[1]])
            } else {
                u16::from_be_bytes([chunk[0], 0])
            };
            sum += u32::from(word);
        }
    };
    add(src);
    add(dst);
    add(&(udp.len() as u32).to_be_bytes());
    add(&[0, 0, 0, 17]);
    add(udp);
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    let folded = !(sum as u16);
    if folded == 0 {
        0xffff
    } else {
        folded
    }
}
