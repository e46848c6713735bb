//! Bad-input captures for robustness tests: each one targets a resource or parsing limit
//! of a capture reader (reassembly tables, per-SA state, length fields, file end).

use std::fs::File;
use std::io::{self, BufWriter, Write};

use fastrand::Rng;

use crate::capture::{CaptureWriter, Format};
use crate::ike;
use crate::mixed::{self, mix64, MixedOptions, Shape, BASE_TIME_MICROS};
use crate::packet::{self, NetAddrs, Path};

/// Which hostile capture to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostileKind {
    /// Never-completed IPv4 and IPv6 fragments of UDP 500/4500 datagrams, distinct IDs.
    FragmentFlood,
    /// IKE_SA_INIT requests with distinct SPIs and sources, never answered.
    HalfOpenSas,
    /// Records whose record, IP, UDP, IKE or payload length fields lie.
    LyingLengths,
    /// A valid capture cut off in the middle of its last record.
    Truncated,
}

impl HostileKind {
    pub fn name(self) -> &'static str {
        match self {
            HostileKind::FragmentFlood => "fragment-flood",
            HostileKind::HalfOpenSas => "half-open-sas",
            HostileKind::LyingLengths => "lying-lengths",
            HostileKind::Truncated => "truncated",
        }
    }

    /// Default number of records (frames) for the kind.
    pub fn default_count(self) -> u64 {
        match self {
            HostileKind::FragmentFlood => 300_000,
            HostileKind::HalfOpenSas => 1_000_000,
            HostileKind::LyingLengths => 10_000,
            HostileKind::Truncated => 2_000,
        }
    }
}

impl std::str::FromStr for HostileKind {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "fragment-flood" => Ok(HostileKind::FragmentFlood),
            "half-open-sas" => Ok(HostileKind::HalfOpenSas),
            "lying-lengths" => Ok(HostileKind::LyingLengths),
            "truncated" => Ok(HostileKind::Truncated),
            other => Err(format!(
                "unknown kind {other:?} (expected fragment-flood, half-open-sas, lying-lengths or truncated)"
            )),
        }
    }
}

/// Counters describing a hostile file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostileStats {
    pub kind: &'static str,
    pub counters: Vec<(&'static str, u64)>,
}

impl HostileStats {
    pub fn get(&self, name: &str) -> Option<u64> {
        self.counters
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| *value)
    }

    pub fn to_json(&self) -> String {
        crate::json_object(self.kind, &self.counters)
    }
}

/// Writes the hostile capture `kind` to `out_path`.
pub fn write_hostile(
    kind: HostileKind,
    out_path: &std::path::Path,
    format: Format,
    count: u64,
    seed: u64,
) -> io::Result<HostileStats> {
    let file = BufWriter::with_capacity(1 << 20, File::create(out_path)?);
    if kind == HostileKind::Truncated {
        return truncated(file, format, count, seed);
    }
    let mut writer = CaptureWriter::new(file, format)?;
    let mut counters = match kind {
        HostileKind::FragmentFlood => fragment_flood(&mut writer, count, seed)?,
        HostileKind::HalfOpenSas => half_open_sas(&mut writer, count, seed)?,
        _ => lying_lengths(&mut writer, count, seed)?,
    };
    counters.push(("records", writer.records_written()));
    counters.push(("bytes", writer.bytes_written()));
    writer.finish()?;
    Ok(HostileStats {
        kind: kind.name(),
        counters,
    })
}

fn clock(index: u64) -> u64 {
    BASE_TIME_MICROS + index * 10
}

fn client_path(index: u64, v6: bool, vlan: Option<u16>) -> Path {
    let i = index.to_be_bytes();
    let addrs = if v6 {
        let mut src = [0u8; 16];
        src[..6].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01]);
        src[8..16].copy_from_slice(&i);
        let mut dst = [0u8; 16];
        dst[..6].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02]);
        dst[15] = 1;
        NetAddrs::V6 { src, dst }
    } else {
        NetAddrs::V4 {
            src: [10, i[5], i[6], i[7]],
            dst: [198, 18, 0, 1],
        }
    };
    Path {
        src_mac: [0x02, 0x00, i[4], i[5], i[6], i[7]],
        dst_mac: [0x02, 0x00, 0x5e, 0x00, 0x00, 0x01],
        vlan,
        addrs,
    }
}

fn fragment_flood<W: Write>(
    writer: &mut CaptureWriter<W>,
    count: u64,
    seed: u64,
) -> io::Result<Vec<(&'static str, u64)>> {
    let mut rng = Rng::with_seed(seed);
    const DATAGRAM_LEN: usize = 4096;
    const FRAGMENT_LEN: usize = 256;
    let mut message = Vec::with_capacity(DATAGRAM_LEN);
    ike::sa_init_request(&mut message, 1, ike::DH_CURVE25519, true, &mut rng);
    message.resize(DATAGRAM_LEN - packet::UDP_HEADER_LEN, 0);
    let (mut ipv4, mut ipv6, mut first, mut middle) = (0u64, 0u64, 0u64, 0u64);
    let mut segment = Vec::with_capacity(DATAGRAM_LEN);
    let mut frame = Vec::with_capacity(DATAGRAM_LEN + 64);
    for index in 0..count {
        let v6 = index % 4 == 3;
        // Source changes every 65,536 fragments so (source, destination, ID) never repeats
        // even though the IPv4 ID is 16 bits.
        let path = client_path(index >> 16, v6, (index % 7 == 0).then_some(300));
        let port = if index % 2 == 0 { 500 } else { 4500 };
        packet::build_udp_segment(&mut segment, &path.addrs, port, port, &message);
        // Offset 0 or a middle piece; never the piece that ends the datagram.
        let offset = if index % 3 == 0 {
            middle += 1;
            FRAGMENT_LEN * (1 + (index as usize / 3) % 8)
        } else {
            first += 1;
            0
        };
        if v6 {
            packet::build_ipv6_fragment(
                &mut frame,
                &path,
                packet::IPPROTO_UDP,
                &segment,
                index as u32,
                offset,
                FRAGMENT_LEN,
            );
            ipv6 += 1;
        } else {
            packet::build_ipv4_fragment(
                &mut frame,
                &path,
                packet::IPPROTO_UDP,
                &segment,
                index as u16,
                offset,
                FRAGMENT_LEN,
            );
            ipv4 += 1;
        }
        writer.write_packet(clock(index), &frame)?;
    }
    Ok(vec![
        ("ipv4_fragments", ipv4),
        ("ipv6_fragments", ipv6),
        ("first_fragments", first),
        ("middle_fragments", middle),
        ("completed_datagrams", 0),
    ])
}

fn half_open_sas<W: Write>(
    writer: &mut CaptureWriter<W>,
    count: u64,
    seed: u64,
) -> io::Result<Vec<(&'static str, u64)>> {
    let mut rng = Rng::with_seed(seed);
    let mut message = Vec::with_capacity(512);
    let mut segment = Vec::with_capacity(512);
    let mut frame = Vec::with_capacity(600);
    let mut ipv6 = 0u64;
    for index in 0..count {
        let v6 = index % 5 == 4;
        let path = client_path(index, v6, (index % 10 == 0).then_some(42));
        // mix64 is a bijection, so SPIs are distinct for distinct indices.
        let spi_i = mix64(seed ^ index).max(1);
        message.clear();
        ike::sa_init_request(&mut message, spi_i, ike::DH_CURVE25519, false, &mut rng);
        packet::build_udp_segment(&mut segment, &path.addrs, 500, 500, &message);
        packet::build_ip_frame(
            &mut frame,
            &path,
            packet::IPPROTO_UDP,
            &segment,
            index as u16,
        );
        writer.write_packet(clock(index), &frame)?;
        ipv6 += u64::from(v6);
    }
    Ok(vec![
        ("sa_init_requests", count),
        ("distinct_spis", count),
        ("ipv6_requests", ipv6),
        ("responses", 0),
    ])
}

/// The lies, one per record in turn.
const LIES: [&str; 22] = [
    "record_original_shorter_than_captured",
    "ipv4_total_length_too_long",
    "ipv4_total_length_too_short",
    "ipv4_header_length_bad",
    "udp_length_too_long",
    "udp_length_too_short",
    "ike_length_huge",
    "ike_length_below_header",
    "payload_length_zero",
    "payload_length_below_generic_header",
    "payload_length_past_message",
    "proposal_and_transform_lengths",
    "notify_spi_size_past_payload",
    "skf_fragment_numbers",
    "ipv6_payload_length_too_long",
    "ipv4_fragment_past_65535",
    "ipv6_extension_header_chain",
    "stacked_vlan_tags",
    "truncated_ike_on_4500",
    "unknown_payload_types",
    "ethertype_version_mismatch",
    "record_longer_than_snaplen",
];

const ETH: usize = 14;
const UDP_AT: usize = ETH + packet::IPV4_HEADER_LEN;
const IKE_AT: usize = UDP_AT + packet::UDP_HEADER_LEN;
const FIRST_PAYLOAD_AT: usize = IKE_AT + ike::IKE_HEADER_LEN;

fn lie_path() -> Path {
    client_path(7, false, None)
}

/// A valid IPv4 UDP frame carrying `message` (IKE at byte IKE_AT), UDP checksum cleared so
/// later patches do not also break it.
fn udp_frame(frame: &mut Vec<u8>, path: &Path, port: u16, payload: &[u8]) {
    let mut segment = Vec::with_capacity(payload.len() + 8);
    packet::build_udp_segment(&mut segment, &path.addrs, port, port, payload);
    if !path.addrs.is_v6() {
        segment[6] = 0;
        segment[7] = 0;
    }
    packet::build_ip_frame(frame, path, packet::IPPROTO_UDP, &segment, 1);
}

fn put_u16(frame: &mut [u8], at: usize, value: u16) {
    if let Some(slot) = frame.get_mut(at..at + 2) {
        slot.copy_from_slice(&value.to_be_bytes());
    }
}

fn put_u32(frame: &mut [u8], at: usize, value: u32) {
    if let Some(slot) = frame.get_mut(at..at + 4) {
        slot.copy_from_slice(&value.to_be_bytes());
    }
}

fn lying_lengths<W: Write>(
    writer: &mut CaptureWriter<W>,
    count: u64,
    seed: u64,
) -> io::Result<Vec<(&'static str, u64)>> {
    let mut rng = Rng::with_seed(seed);
    let mut per_lie = [0u64; LIES.len()];
    let mut frame = Vec::with_capacity(70_000);
    let mut message = Vec::with_capacity(1024);
    let path = lie_path();
    for index in 0..count {
        let lie = (index % LIES.len() as u64) as usize;
        message.clear();
        ike::sa_init_request(
            &mut message,
            mix64(index).max(1),
            ike::DH_ECP_256,
            true,
            &mut rng,
        );
        udp_frame(&mut frame, &path, 500, &message);
        let mut captured = frame.len() as u32;
        let mut original = captured;
        match lie {
            0 => match writer.format() {
                Format::Pcap => original = captured.saturating_sub(40),
                // pcapng: the captured length claims more than the block holds.
                Format::Pcapng => {
                    captured += 100;
                    original = captured;
                }
            },
            1 => {
                let claimed = 1400.max(frame.len() as u16 + 200);
                put_u16(&mut frame, ETH + 2, claimed)
            }
            2 => put_u16(&mut frame, ETH + 2, 12),
            3 => frame[ETH] = if index % 2 == 0 { 0x4f } else { 0x42 },
            4 => put_u16(&mut frame, UDP_AT + 4, 0xffff),
            5 => put_u16(&mut frame, UDP_AT + 4, 3),
            6 => put_u32(&mut frame, IKE_AT + 24, 0xffff_ffff),
            7 => put_u32(&mut frame, IKE_AT + 24, 20),
            8 => put_u16(&mut frame, FIRST_PAYLOAD_AT + 2, 0),
            9 => put_u16(&mut frame, FIRST_PAYLOAD_AT + 2, 2),
            10 => put_u16(&mut frame, FIRST_PAYLOAD_AT + 2, 0xffff),
            11 => {
                // SA payload body: proposal header, then first transform.
                let proposal = FIRST_PAYLOAD_AT + 4;
                put_u16(
                    &mut frame,
                    proposal + 2,
                    if index % 2 == 0 { 0 } else { 0xfff0 },
                );
                if let Some(count) = frame.get_mut(proposal + 7) {
                    *count = 255;
                }
                put_u16(&mut frame, proposal + 8 + 2, 0);
            }
            12 => {
                message.clear();
                let header = ike::IkeHeader {
                    spi_i: 9,
                    spi_r: 0,
                    exchange: ike::EXCHANGE_IKE_SA_INIT,
                    flags: ike::FLAG_INITIATOR,
                    message_id: 0,
                };
                let mut builder = ike::MessageBuilder::begin(&mut message, &header);
                builder.payload(ike::PAYLOAD_NOTIFY, |b| {
                    b.extend_from_slice(&[1, 255]); // protocol, SPI size 255
                    b.extend_from_slice(&ike::NOTIFY_INVALID_KE_PAYLOAD.to_be_bytes());
                    b.extend_from_slice(&[0xab; 8]);
                });
                builder.finish();
                udp_frame(&mut frame, &path, 500, &message);
                captured = frame.len() as u32;
                original = captured;
            }
            13 => {
                message.clear();
                let header = ike::IkeHeader {
                    spi_i: 9,
                    spi_r: 10,
                    exchange: ike::EXCHANGE_IKE_AUTH,
                    flags: ike::FLAG_INITIATOR,
                    message_id: 1,
                };
                let (number, total) =
                    [(0, 0), (5, 2), (1, 65535), (0, 3)][(index as usize / LIES.len()) % 4];
                ike::fragment_message(
                    &mut message,
                    &header,
                    ike::PAYLOAD_IDI,
                    number,
                    total,
                    64,
                    &mut rng,
                );
                let mut payload = ike::NON_ESP_MARKER.to_vec();
                payload.extend_from_slice(&message);
                udp_frame(&mut frame, &path, 4500, &payload);
                captured = frame.len() as u32;
                original = captured;
            }
            14 => {
                let v6 = client_path(7, true, None);
                udp_frame(&mut frame, &v6, 500, &message);
                put_u16(&mut frame, ETH + 4, 0xffff);
                captured = frame.len() as u32;
                original = captured;
            }
            15 => {
                let mut segment = Vec::new();
                packet::build_udp_segment(&mut segment, &path.addrs, 500, 500, &message);
                packet::build_ipv4_fragment(
                    &mut frame,
                    &path,
                    packet::IPPROTO_UDP,
                    &segment,
                    77,
                    0,
                    64,
                );
                // Offset 8191 * 8 = 65528: this fragment would end past 65535.
                put_u16(&mut frame, ETH + 6, packet::IPV4_MORE_FRAGMENTS | 0x1fff);
                captured = frame.len() as u32;
                original = captured;
            }
            16 => {
                frame.clear();
                let v6 = client_path(7, true, None);
                let NetAddrs::V6 { src, dst } = v6.addrs else {
                    continue;
                };
                let headers = 64usize;
                let mut segment = Vec::new();
                packet::build_udp_segment(&mut segment, &v6.addrs, 500, 500, &message);
                packet::push_ethernet(&mut frame, &v6, packet::ETHERTYPE_IPV6);
                packet::push_ipv6_header(&mut frame, src, dst, 60, headers * 8 + segment.len(), 64);
                for header in 0..headers {
                    let last = header + 1 == headers;
                    // Destination options (60); the last one claims 255 * 8 + 8 bytes.
                    frame.extend_from_slice(&[
                        if last { packet::IPPROTO_UDP } else { 60 },
                        if last { 255 } else { 0 },
                    ]);
                    frame.extend_from_slice(&[1, 4, 0, 0, 0, 0]); // PadN option
                }
                frame.extend_from_slice(&segment);
                captured = frame.len() as u32;
                original = captured;
            }
            17 => {
                frame.clear();
                frame.extend_from_slice(&path.dst_mac);
                frame.extend_from_slice(&path.src_mac);
                for tag in 0..64u16 {
                    frame.extend_from_slice(&packet::ETHERTYPE_VLAN.to_be_bytes());
                    frame.extend_from_slice(&(tag + 1).to_be_bytes());
                }
                frame.extend_from_slice(&packet::ETHERTYPE_IPV4.to_be_bytes());
                let mut inner = Vec::new();
                udp_frame(&mut inner, &path, 500, &message);
                frame.extend_from_slice(inner.get(ETH..).unwrap_or(&[]));
                captured = frame.len() as u32;
                original = captured;
            }
            18 => {
                udp_frame(&mut frame, &path, 4500, &[0, 0, 0, 0, 0x12, 0x34]);
                captured = frame.len() as u32;
                original = captured;
            }
            19 => {
                // Valid lengths, unknown payload types (200, 255) in the chain.
                if let Some(next) = frame.get_mut(IKE_AT + 16) {
                    *next = 200;
                }
                if let Some(next) = frame.get_mut(FIRST_PAYLOAD_AT) {
                    *next = 255;
                }
            }
            20 => {
                // EtherType says IPv4, header is IPv6.
                let v6 = client_path(7, true, None);
                udp_frame(&mut frame, &v6, 500, &message);
                put_u16(&mut frame, 12, packet::ETHERTYPE_IPV4);
                captured = frame.len() as u32;
                original = captured;
            }
            _ => {
                // A 70,000-byte frame: more than the file's snapshot length.
                frame.resize(70_000, 0xee);
                put_u16(&mut frame, ETH + 2, 0xffff);
                captured = frame.len() as u32;
                original = captured;
            }
        }
        writer.write_packet_with_lengths(clock(index), &frame, captured, original)?;
        if let Some(counter) = per_lie.get_mut(lie) {
            *counter += 1;
        }
    }
    // Final record: a header announcing ~4 GiB with only 64 bytes behind it.
    let tail = match writer.format() {
        Format::Pcap => {
            let mut tail = Vec::with_capacity(80);
            tail.extend_from_slice(&[0; 8]);
            tail.extend_from_slice(&0xffff_fff0u32.to_le_bytes());
            tail.extend_from_slice(&0xffff_fff0u32.to_le_bytes());
            tail
        }
        Format::Pcapng => {
            let mut tail = Vec::with_capacity(80);
            tail.extend_from_slice(&6u32.to_le_bytes());
            tail.extend_from_slice(&0xffff_fff0u32.to_le_bytes());
            tail
        }
    };
    writer.write_raw(&tail)?;
    writer.write_raw(&[0x5a; 64])?;
    let mut counters: Vec<(&'static str, u64)> = LIES.iter().copied().zip(per_lie).collect();
    counters.push(("huge_record_at_end", 1));
    Ok(counters)
}

fn truncated(
    file: BufWriter<File>,
    format: Format,
    count: u64,
    seed: u64,
) -> io::Result<HostileStats> {
    let mut writer = CaptureWriter::new(file, format)?;
    let options = MixedOptions {
        target_bytes: u64::MAX,
        max_frames: Some(count.max(1)),
        seed,
        shape: Shape::MIXED,
    };
    let stats = mixed::write_mixed(&mut writer, &options)?;
    let last = writer.last_record_len();
    let full_len = writer.bytes_written();
    let file = writer
        .finish()?
        .into_inner()
        .map_err(|error| error.into_error())?;
    // Cut inside the last record's body, leaving its header intact.
    let cut = full_len - last / 2;
    file.set_len(cut)?;
    Ok(HostileStats {
        kind: HostileKind::Truncated.name(),
        counters: vec![
            ("records", stats.frames),
            ("complete_records", stats.frames.saturating_sub(1)),
            ("isakmp_frames_before_cut", stats.isakmp_frames),
            ("untruncated_bytes", full_len),
            ("bytes", cut),
        ],
    })
}
