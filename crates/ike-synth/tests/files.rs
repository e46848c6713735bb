//! Checks on the files ike-synth writes: container framing, per-frame length consistency,
//! determinism, hostile-file shapes, and (when tshark is installed) agreement with tshark.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use ike_synth::{
    write_hostile, write_mixed, CaptureWriter, Format, HostileKind, MixedOptions, Shape,
};

fn scratch(name: &str) -> PathBuf {
    // One directory per file, so parallel tests never remove each other's directory.
    let dir = std::env::temp_dir().join(format!("ike-synth-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Removes a scratch file and its directory.
fn remove(path: &Path) {
    std::fs::remove_file(path).unwrap();
    if let Some(dir) = path.parent() {
        let _ = std::fs::remove_dir(dir);
    }
}

fn le32(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
}

fn be16(bytes: &[u8], at: usize) -> usize {
    u16::from_be_bytes([bytes[at], bytes[at + 1]]) as usize
}

/// One record as stored: captured length field, original length field, body.
struct Record<'a> {
    captured: u32,
    original: u32,
    body: &'a [u8],
}

/// Splits a well-formed file into records; panics on any framing inconsistency.
fn records(file: &[u8]) -> (Format, Vec<Record<'_>>) {
    let mut out = Vec::new();
    if le32(file, 0) == 0xa1b2_c3d4 {
        assert_eq!(&file[4..8], &[2, 0, 4, 0], "pcap version 2.4");
        assert_eq!(le32(file, 16), 65535, "snaplen");
        assert_eq!(le32(file, 20), 1, "linktype ethernet");
        let mut at = 24;
        while at < file.len() {
            assert!(at + 16 <= file.len(), "record header cut at {at}");
            let captured = le32(file, at + 8);
            let original = le32(file, at + 12);
            let end = at + 16 + captured as usize;
            assert!(end <= file.len(), "record body past end of file at {at}");
            out.push(Record {
                captured,
                original,
                body: &file[at + 16..end],
            });
            at = end;
        }
        (Format::Pcap, out)
    } else {
        assert_eq!(le32(file, 0), 0x0a0d_0d0a, "pcapng section header block");
        assert_eq!(le32(file, 8), 0x1a2b_3c4d, "byte-order magic");
        let shb_len = le32(file, 4) as usize;
        assert_eq!(le32(file, shb_len - 4) as usize, shb_len);
        let mut at = shb_len;
        assert_eq!(le32(file, at), 1, "interface description block");
        assert_eq!(
            u16::from_le_bytes([file[at + 8], file[at + 9]]),
            1,
            "linktype"
        );
        at += le32(file, at + 4) as usize;
        while at < file.len() {
            assert_eq!(le32(file, at), 6, "enhanced packet block at {at}");
            let total = le32(file, at + 4) as usize;
            assert_eq!(total % 4, 0);
            assert!(at + total <= file.len(), "block past end of file");
            assert_eq!(
                le32(file, at + total - 4) as usize,
                total,
                "trailing length"
            );
            let captured = le32(file, at + 20);
            let original = le32(file, at + 24);
            assert!(
                28 + captured as usize + 4 <= total,
                "captured length fits the block"
            );
            out.push(Record {
                captured,
                original,
                body: &file[at + 28..at + 28 + captured as usize],
            });
            at += total;
        }
        (Format::Pcapng, out)
    }
}

/// Checks IP / UDP / IKE length fields inside one generated frame.
fn check_frame_lengths(frame: &[u8]) {
    let mut at = 12;
    let mut ethertype = be16(frame, at);
    if ethertype == 0x8100 {
        at += 4;
        ethertype = be16(frame, at);
    }
    at += 2;
    let (protocol, l4_at, l4_len, fragmented) = match ethertype {
        0x0800 => {
            assert_eq!(frame[at] >> 4, 4);
            let total = be16(frame, at + 2);
            assert_eq!(total, frame.len() - at, "IPv4 total length");
            let frag = be16(frame, at + 6);
            let fragmented = frag & 0x3fff != 0;
            (frame[at + 9], at + 20, total - 20, fragmented)
        }
        0x86dd => {
            assert_eq!(frame[at] >> 4, 6);
            let payload = be16(frame, at + 4);
            assert_eq!(payload, frame.len() - at - 40, "IPv6 payload length");
            (frame[at + 6], at + 40, payload, frame[at + 6] == 44)
        }
        other => panic!("unexpected ethertype {other:#x}"),
    };
    if protocol == 17 && !fragmented {
        let udp_len = be16(frame, l4_at + 4);
        assert_eq!(udp_len, l4_len, "UDP length");
        let (src, dst) = (be16(frame, l4_at), be16(frame, l4_at + 2));
        let payload = &frame[l4_at + 8..];
        let ike = if src == 500 || dst == 500 {
            Some(payload)
        } else if (src == 4500 || dst == 4500) && payload.len() >= 4 && payload[..4] == [0; 4] {
            Some(&payload[4..])
        } else {
            None
        };
        if let Some(ike) = ike {
            assert_eq!(ike[17], 0x20, "IKEv2 version");
            let len = u32::from_be_bytes(ike[24..28].try_into().unwrap()) as usize;
            assert_eq!(len, ike.len(), "IKE header length");
        }
    }
}

fn write_mixed_file(path: &Path, format: Format, size: u64, seed: u64) -> ike_synth::MixedStats {
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut writer = CaptureWriter::new(file, format).unwrap();
    let stats = write_mixed(
        &mut writer,
        &MixedOptions {
            target_bytes: size,
            max_frames: None,
            seed,
            shape: Shape::MIXED,
        },
    )
    .unwrap();
    writer.finish().unwrap();
    stats
}

#[test]
fn mixed_files_are_well_formed() {
    for format in [Format::Pcap, Format::Pcapng] {
        let path = scratch(&format!("mixed.{format:?}"));
        let size = 3 << 20;
        let stats = write_mixed_file(&path, format, size, 11);
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes.len() as u64, stats.bytes);
        assert!(
            stats.bytes >= size && stats.bytes < size + 2048,
            "stops near the target"
        );
        let (parsed_format, records) = records(&bytes);
        assert_eq!(parsed_format, format);
        assert_eq!(records.len() as u64, stats.frames);
        for record in &records {
            assert_eq!(record.captured, record.original);
            assert!(record.body.len() <= 1518, "frame size");
            check_frame_lengths(record.body);
        }
        let sum = stats.tcp_frames
            + stats.dns_frames
            + stats.esp_frames
            + stats.esp_in_udp_frames
            + stats.ike_frames
            + stats.natt_keepalive_frames
            + stats.icmp_too_big_frames;
        assert_eq!(sum, stats.frames, "every frame is counted once");
        assert!(stats.isakmp_frames > 0 && stats.ike_on_4500_messages > 0);
        assert!(stats.vlan_frames > 0 && stats.ipv6_frames > 0);
        let esp_share = (stats.esp_frames + stats.esp_in_udp_frames) as f64 / stats.frames as f64;
        assert!((0.10..=0.20).contains(&esp_share), "ESP share {esp_share}");
        let ike_share = stats.ike_frames as f64 / stats.frames as f64;
        assert!((0.005..=0.04).contains(&ike_share), "IKE share {ike_share}");
        remove(&path);
    }
}

#[test]
fn larger_file_exercises_every_ike_feature() {
    let path = scratch("features.pcap");
    let stats = write_mixed_file(&path, Format::Pcap, 48 << 20, 3);
    remove(&path);
    assert!(stats.ipv4_fragment_frames > 0, "{stats:?}");
    assert!(stats.ipv6_fragment_frames > 0, "{stats:?}");
    assert!(stats.skf_fragments > 0, "{stats:?}");
    assert!(stats.natt_keepalive_frames > 0, "{stats:?}");
    assert!(stats.icmp_too_big_frames > 0, "{stats:?}");
    assert!(stats.create_child_sa_messages > 0, "{stats:?}");
    assert!(stats.informational_messages > 0, "{stats:?}");
    assert!(
        stats.sa_init_requests > stats.sa_init_responses,
        "some go unanswered"
    );
}

#[test]
fn same_seed_same_bytes() {
    let a = scratch("seed-a.pcap");
    let b = scratch("seed-b.pcap");
    let c = scratch("seed-c.pcap");
    write_mixed_file(&a, Format::Pcap, 1 << 20, 5);
    write_mixed_file(&b, Format::Pcap, 1 << 20, 5);
    write_mixed_file(&c, Format::Pcap, 1 << 20, 6);
    let (a_bytes, b_bytes, c_bytes) = (
        std::fs::read(&a).unwrap(),
        std::fs::read(&b).unwrap(),
        std::fs::read(&c).unwrap(),
    );
    assert_eq!(a_bytes, b_bytes);
    assert_ne!(a_bytes, c_bytes);
    for path in [a, b, c] {
        remove(&path);
    }
}

/// IPv4/IPv6 source, destination and fragment identification of a fragment frame.
fn fragment_key(frame: &[u8]) -> (Vec<u8>, u32, bool) {
    let mut at = 12;
    if be16(frame, at) == 0x8100 {
        at += 4;
    }
    let ethertype = be16(frame, at);
    at += 2;
    if ethertype == 0x0800 {
        let flags = be16(frame, at + 6);
        let last = flags & 0x2000 == 0;
        (
            frame[at + 12..at + 20].to_vec(),
            be16(frame, at + 4) as u32,
            last,
        )
    } else {
        assert_eq!(frame[at + 6], 44, "IPv6 fragment header");
        let frag = at + 40;
        let last = be16(frame, frag + 2) & 1 == 0;
        let id = u32::from_be_bytes(frame[frag + 4..frag + 8].try_into().unwrap());
        (frame[at + 8..at + 40].to_vec(), id, last)
    }
}

#[test]
fn hostile_fragment_flood_never_completes() {
    let path = scratch("flood.pcap");
    let count = 140_000;
    let stats = write_hostile(HostileKind::FragmentFlood, &path, Format::Pcap, count, 1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let (_, records) = records(&bytes);
    assert_eq!(records.len() as u64, count);
    assert_eq!(stats.get("records"), Some(count));
    let mut keys = HashSet::new();
    for record in &records {
        let (addrs, id, last) = fragment_key(record.body);
        assert!(!last, "no fragment ends its datagram");
        assert!(keys.insert((addrs, id)), "fragment IDs are distinct");
    }
    remove(&path);
}

#[test]
fn hostile_half_open_sas_have_distinct_spis() {
    let path = scratch("half-open.pcapng");
    let count = 20_000;
    write_hostile(HostileKind::HalfOpenSas, &path, Format::Pcapng, count, 1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let (_, records) = records(&bytes);
    assert_eq!(records.len() as u64, count);
    let mut spis = HashSet::new();
    for record in &records {
        check_frame_lengths(record.body);
        let frame = record.body;
        let mut at = 12;
        if be16(frame, at) == 0x8100 {
            at += 4;
        }
        let ip_len = if be16(frame, at) == 0x0800 { 20 } else { 40 };
        let ike = &frame[at + 2 + ip_len + 8..];
        assert_eq!(ike[18], 34, "IKE_SA_INIT");
        assert_eq!(ike[19], 0x08, "initiator request");
        assert_eq!(&ike[8..16], &[0; 8], "no responder SPI");
        assert!(
            spis.insert(ike[..8].to_vec()),
            "initiator SPIs are distinct"
        );
    }
    remove(&path);
}

#[test]
fn hostile_lying_lengths_end_with_a_huge_record() {
    for format in [Format::Pcap, Format::Pcapng] {
        let path = scratch(&format!("lies.{format:?}"));
        let stats = write_hostile(HostileKind::LyingLengths, &path, format, 220, 1).unwrap();
        assert_eq!(stats.get("payload_length_zero"), Some(10));
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(stats.get("bytes"), Some(bytes.len() as u64));
        // The last 64 bytes follow a header announcing ~4 GiB.
        let tail = &bytes[bytes.len() - 64 - 16..];
        match format {
            Format::Pcap => assert_eq!(le32(tail, 8), 0xffff_fff0),
            Format::Pcapng => {
                assert_eq!(le32(tail, 8), 6);
                assert_eq!(le32(tail, 12), 0xffff_fff0);
            }
        }
        remove(&path);
    }
}

#[test]
fn hostile_truncated_cuts_the_last_record() {
    let path = scratch("truncated.pcap");
    let stats = write_hostile(HostileKind::Truncated, &path, Format::Pcap, 500, 1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(stats.get("bytes"), Some(bytes.len() as u64));
    assert!(stats.get("untruncated_bytes").unwrap() > bytes.len() as u64);
    // Walk complete records; the last one must run past the end of the file.
    let mut at = 24;
    let mut complete = 0;
    loop {
        let captured = le32(&bytes, at + 8) as usize;
        if at + 16 + captured > bytes.len() {
            break;
        }
        at += 16 + captured;
        complete += 1;
    }
    assert_eq!(complete, 499);
    remove(&path);
}

/// Reads one numeric field out of the generator's one-line JSON.
fn json_field(json: &str, name: &str) -> u64 {
    let key = format!("\"{name}\":");
    let start = json
        .find(&key)
        .unwrap_or_else(|| panic!("{name} in {json}"))
        + key.len();
    json[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .unwrap()
}

#[test]
fn tshark_agrees_on_isakmp_count() {
    let tshark = Path::new("/usr/bin/tshark");
    if !tshark.exists() {
        eprintln!("note: /usr/bin/tshark not found; skipping the tshark cross-check");
        return;
    }
    for format in ["pcap", "pcapng"] {
        let path = scratch(&format!("tshark.{format}"));
        let generated = Command::new(env!("CARGO_BIN_EXE_ike-synth"))
            .args([
                "mixed", "--size", "12M", "--seed", "9", "--stats", "--format", format, "--out",
            ])
            .arg(&path)
            .output()
            .unwrap();
        assert!(generated.status.success());
        let json = String::from_utf8(generated.stderr).unwrap();
        let expected = json_field(&json, "isakmp_frames");
        let frames = json_field(&json, "frames");

        let counted = Command::new(tshark)
            .arg("-r")
            .arg(&path)
            .args(["-Y", "isakmp", "-T", "fields", "-e", "frame.number"])
            .output()
            .unwrap();
        let errors: Vec<_> = String::from_utf8_lossy(&counted.stderr)
            .lines()
            .filter(|line| !line.trim().is_empty() && !line.contains("Running as user"))
            .map(str::to_owned)
            .collect();
        assert!(counted.status.success(), "tshark failed: {errors:?}");
        assert!(errors.is_empty(), "tshark complained: {errors:?}");
        let isakmp = String::from_utf8_lossy(&counted.stdout).lines().count() as u64;
        eprintln!(
            "{format}: generator isakmp_frames={expected} tshark isakmp={isakmp} frames={frames}"
        );
        assert_eq!(isakmp, expected);

        let malformed = Command::new(tshark)
            .arg("-r")
            .arg(&path)
            .args(["-Y", "_ws.malformed || _ws.expert.severity >= warning"])
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&malformed.stdout).lines().count(),
            0,
            "tshark flags no malformed frames"
        );
        remove(&path);
    }
}
