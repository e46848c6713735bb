use super::*;
use crate::test_support::*;
use proptest::prelude::*;
use std::io::Cursor;

/// Reads every frame: (number, ts, link type, orig_len, file offset, data), then the final error.
type Row = (u64, i64, u32, u32, u64, Vec<u8>);

fn read_all<R: Read>(mut reader: CaptureReader<R>) -> (Vec<Row>, Option<CaptureError>) {
    let mut rows = Vec::new();
    loop {
        match reader.next_frame() {
            Ok(Some(frame)) => rows.push((
                frame.number,
                frame.ts.0,
                frame.link_type,
                frame.orig_len,
                frame.file_offset,
                frame.data.to_vec(),
            )),
            Ok(None) => return (rows, None),
            Err(e) => {
                // The stream is over after an error.
                assert!(matches!(reader.next_frame(), Ok(None)));
                return (rows, Some(e));
            }
        }
    }
}

fn read_bytes(bytes: &[u8]) -> (Vec<Row>, Option<CaptureError>) {
    read_all(CaptureReader::new(Cursor::new(bytes.to_vec())).unwrap())
}

/// A source that returns at most `chunk` bytes per read, to exercise refills.
struct Trickle<'a> {
    bytes: &'a [u8],
    chunk: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.chunk.min(out.len()).min(self.bytes.len());
        out[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

#[test]
fn pcap_little_endian_microseconds() {
    let mut file = PcapFile::new(false, false, 1);
    file.record(10, 500, b"first")
        .record(11, 999_999, b"second!")
        .record_with_orig_len(12, 0, b"cut", 1500);
    let reader = CaptureReader::new(Cursor::new(file.bytes.clone())).unwrap();
    assert_eq!(
        reader.format(),
        CaptureFormat::Pcap {
            big_endian: false,
            nanosecond: false,
            modified: false
        }
    );
    let (rows, error) = read_all(reader);
    assert!(error.is_none());
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0], (1, 10_000_500_000, 1, 5, 24, b"first".to_vec()));
    assert_eq!(rows[1].0, 2);
    assert_eq!(rows[1].1, 11_999_999_000);
    assert_eq!(rows[1].4, 24 + 16 + 5);
    assert_eq!(rows[2].3, 1500);
    assert_eq!(rows[2].5, b"cut");
}

#[test]
fn pcap_big_endian_nanoseconds_and_bytes_consumed() {
    let mut file = PcapFile::new(true, true, 101);
    file.record(1, 123_456_789, &[0x45; 20]);
    let mut reader = CaptureReader::new(Cursor::new(file.bytes.clone())).unwrap();
    let frame = reader.next_frame().unwrap().unwrap();
    assert_eq!(frame.ts, Timestamp(1_123_456_789));
    assert_eq!(frame.link_type, 101);
    assert!(reader.next_frame().unwrap().is_none());
    assert_eq!(reader.bytes_consumed(), file.bytes.len() as u64);
}

#[test]
fn pcap_link_type_fcs_bits_are_masked() {
    let mut file = PcapFile::new(false, false, 1 | 0x1400_0000);
    file.record(0, 0, b"x");
    let (rows, _) = read_bytes(&file.bytes);
    assert_eq!(rows[0].2, 1);
}

#[test]
fn modified_pcap_both_byte_orders() {
    for big_endian in [false, true] {
        let mut file = PcapFile::modified(big_endian, 1);
        file.record(5, 7, b"abc").record(6, 8, b"defg");
        let (rows, error) = read_bytes(&file.bytes);
        assert!(error.is_none());
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].1, 5_000_007_000);
        assert_eq!(rows[1].5, b"defg");
    }
}

#[test]
fn pcapng_sections_interfaces_and_resolutions() {
    let mut file = PcapNgFile::new();
    file.section(false)
        .interface(1, 0, None, None) // microseconds
        .interface(101, 0, Some(9), None) // nanoseconds
        .block(4, &[0; 16]) // name resolution: skipped
        .enhanced_packet(0, 1_000_000, b"eth0") // 1 s
        .enhanced_packet(1, 2_000_000_123, b"raw1") // 2.000000123 s
        .simple_packet(b"simple") // no timestamp: the previous one
        .block(0x0000_0BAD, &[1, 2, 3, 4]) // custom: skipped
        .packet(1, 3_000_000_000, b"obsolete")
        .section(true)
        .interface(276, 0, Some(0x80 | 20), Some(100)) // 2^-20 s, +100 s
        .interface(113, 0, Some(3), None) // milliseconds
        .enhanced_packet(1, 1500, b"ms")
        .enhanced_packet(0, 1 << 20, b"pow2");
    let reader = CaptureReader::new(Cursor::new(file.bytes.clone())).unwrap();
    assert_eq!(reader.format(), CaptureFormat::PcapNg);
    let (rows, error) = read_all(reader);
    assert!(error.is_none(), "{error:?}");
    let summary: Vec<(u64, i64, u32, &[u8])> = rows
        .iter()
        .map(|r| (r.0, r.1, r.2, r.5.as_slice()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (1, 1_000_000_000, 1, &b"eth0"[..]),
            (2, 2_000_000_123, 101, &b"raw1"[..]),
            (3, 2_000_000_123, 1, &b"simple"[..]),
            (4, 3_000_000_000, 101, &b"obsolete"[..]),
            (5, 1_500_000_000, 113, &b"ms"[..]),
            (6, 101_000_000_000, 276, &b"pow2"[..]),
        ]
    );
}

#[test]
fn pcapng_statistics_tell_when_the_capture_stopped() {
    let mut isb = Vec::new();
    isb.extend_from_slice(&0u32.to_le_bytes()); // interface 0
    isb.extend_from_slice(&[0; 8]); // statistics time
    isb.extend_from_slice(&2u16.to_le_bytes()); // isb_starttime: not kept
    isb.extend_from_slice(&8u16.to_le_bytes());
    isb.extend_from_slice(&[0; 8]);
    isb.extend_from_slice(&3u16.to_le_bytes()); // isb_endtime: 9 s in microseconds
    isb.extend_from_slice(&8u16.to_le_bytes());
    isb.extend_from_slice(&0u32.to_le_bytes());
    isb.extend_from_slice(&9_000_000u32.to_le_bytes());
    isb.extend_from_slice(&[0; 4]); // opt_endofopt
    let mut file = PcapNgFile::new();
    file.section(false)
        .interface(1, 0, None, None)
        .enhanced_packet(0, 1_000_000, b"eth0")
        .block(5, &isb)
        .block(5, &[0xff; 6]); // a damaged one: ignored
    let mut reader = CaptureReader::new(Cursor::new(file.bytes.clone())).unwrap();
    assert_eq!(reader.capture_end(), None);
    while reader.next_frame().unwrap().is_some() {}
    assert_eq!(reader.capture_end(), Some(Timestamp(9_000_000_000)));
}

#[test]
fn pcapng_packet_on_undescribed_interface_keeps_numbering() {
    let mut file = PcapNgFile::new();
    file.section(false)
        .interface(1, 0, None, None)
        .enhanced_packet(7, 0, b"orphan")
        .enhanced_packet(0, 0, b"ok");
    let (rows, error) = read_bytes(&file.bytes);
    assert!(error.is_none());
    assert_eq!(rows[0].2, LINKTYPE_UNKNOWN_INTERFACE);
    assert_eq!(rows[1].0, 2);
}

#[test]
fn simple_packet_respects_snaplen() {
    let mut file = PcapNgFile::new();
    file.section(false)
        .interface(1, 4, None, None)
        .simple_packet(b"longer than four");
    let (rows, _) = read_bytes(&file.bytes);
    assert_eq!(rows[0].5, b"long");
    assert_eq!(rows[0].3, 16);
}

#[test]
fn truncated_last_record_after_good_frames() {
    let mut file = PcapFile::new(false, false, 1);
    file.record(1, 0, b"good").record(2, 0, b"will be cut");
    let cut = file.bytes.len() - 3;
    let (rows, error) = read_bytes(&file.bytes[..cut]);
    assert_eq!(rows.len(), 1);
    let error = error.unwrap();
    assert!(matches!(error.kind, CaptureErrorKind::Truncated));
    assert_eq!(error.offset, 24 + 16 + 4);
    assert_eq!(error.to_string(), "truncated record at offset 44");

    // Cut inside a record header too.
    let (rows, error) = read_bytes(&file.bytes[..24 + 16 + 4 + 7]);
    assert_eq!(rows.len(), 1);
    assert!(matches!(error.unwrap().kind, CaptureErrorKind::Truncated));

    let mut ng = PcapNgFile::new();
    ng.section(false)
        .interface(1, 0, None, None)
        .enhanced_packet(0, 0, b"good")
        .enhanced_packet(0, 0, b"cut");
    let cut = ng.bytes.len() - 1;
    let (rows, error) = read_bytes(&ng.bytes[..cut]);
    assert_eq!(rows.len(), 1);
    assert!(matches!(error.unwrap().kind, CaptureErrorKind::Truncated));
}

#[test]
fn not_a_capture() {
    for bytes in [&b""[..], b"GET / HTTP/1.1\r\n", b"\xA1\xB2"] {
        let error = CaptureReader::new(Cursor::new(bytes.to_vec()))
            .err()
            .unwrap();
        assert!(matches!(error.kind, CaptureErrorKind::NotACapture));
        assert_eq!(error.offset, 0);
        assert!(error.to_string().starts_with("not a pcap or pcapng file"));
    }
    // A pcap magic with a cut file header.
    let error = CaptureReader::new(Cursor::new(vec![0xD4, 0xC3, 0xB2, 0xA1, 2, 0]))
        .err()
        .unwrap();
    assert!(matches!(error.kind, CaptureErrorKind::Truncated));
}

#[test]
fn oversized_records_are_errors_with_offset() {
    let mut file = PcapFile::new(false, false, 1);
    file.record(0, 0, b"fine");
    file.bytes.extend_from_slice(&[0; 8]);
    file.bytes.extend_from_slice(&0x1000_0000u32.to_le_bytes());
    file.bytes.extend_from_slice(&0x1000_0000u32.to_le_bytes());
    let (rows, error) = read_bytes(&file.bytes);
    assert_eq!(rows.len(), 1);
    let error = error.unwrap();
    assert_eq!(error.offset, 44);
    assert_eq!(
        error.to_string(),
        format!(
            "record length 268435456 at offset 44 exceeds the maximum of {MAX_PACKET_LEN} bytes"
        )
    );

    let mut ng = PcapNgFile::new();
    ng.section(false).interface(1, 0, None, None);
    let offset = ng.bytes.len() as u64;
    ng.bytes.extend_from_slice(&6u32.to_le_bytes());
    ng.bytes.extend_from_slice(&(8u32 << 20).to_le_bytes());
    ng.bytes.extend_from_slice(&[0; 64]);
    let (_, error) = read_bytes(&ng.bytes);
    let error = error.unwrap();
    assert!(matches!(error.kind, CaptureErrorKind::RecordTooLarge { len, .. } if len == 8 << 20));
    assert_eq!(error.offset, offset);
}

#[test]
fn large_skipped_blocks_are_streamed_past() {
    let mut file = PcapNgFile::new();
    file.section(false)
        .interface(1, 0, None, None)
        .block(0x0000_0BAD, &vec![7u8; 3 << 20])
        .enhanced_packet(0, 0, b"after");
    let (rows, error) = read_bytes(&file.bytes);
    assert!(error.is_none());
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].5, b"after");
}

#[test]
fn malformed_block_length() {
    let mut file = PcapNgFile::new();
    file.section(false).interface(1, 0, None, None);
    let offset = file.bytes.len() as u64;
    file.bytes.extend_from_slice(&6u32.to_le_bytes());
    file.bytes.extend_from_slice(&13u32.to_le_bytes());
    file.bytes.extend_from_slice(&[0; 16]);
    let (_, error) = read_bytes(&file.bytes);
    let error = error.unwrap();
    assert!(matches!(error.kind, CaptureErrorKind::Malformed(_)));
    assert_eq!(error.offset, offset);
}

/// Many frames crossing buffer boundaries, read both in one go and a few bytes at a time.
#[test]
fn buffer_refills_preserve_frames() {
    let mut file = PcapNgFile::new();
    file.section(false).interface(1, 0, Some(9), None);
    let mut pcap = PcapFile::new(false, true, 1);
    let mut expected = Vec::new();
    for i in 0..6000u32 {
        let data: Vec<u8> = (0..(i * 37 % 1600)).map(|b| (b ^ i) as u8).collect();
        file.enhanced_packet(0, u64::from(i), &data);
        pcap.record(i, i, &data);
        expected.push(data);
    }
    for bytes in [&file.bytes, &pcap.bytes] {
        let (rows, error) = read_bytes(bytes);
        assert!(error.is_none());
        assert_eq!(rows.len(), expected.len());
        assert!(rows.iter().zip(&expected).all(|(row, data)| &row.5 == data));
        let trickle = CaptureReader::new(Trickle { bytes, chunk: 4093 }).unwrap();
        let (slow_rows, error) = read_all(trickle);
        assert!(error.is_none());
        assert_eq!(slow_rows, rows);
    }
    // One byte per read, including the file header.
    let (rows, _) = read_all(
        CaptureReader::new(Trickle {
            bytes: &file.bytes[..4000],
            chunk: 1,
        })
        .unwrap(),
    );
    assert!(!rows.is_empty());
}

#[test]
fn open_reads_files() {
    let dir = std::env::temp_dir().join(format!("ike-capture-open-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("capture.bin");
    let mut file = PcapFile::new(false, false, 1);
    file.record(1, 2, b"data");
    std::fs::write(&path, &file.bytes).unwrap();
    let (rows, _) = read_all(CaptureReader::open(&path).unwrap());
    assert_eq!(rows.len(), 1);
    let missing = CaptureReader::open(&dir.join("missing")).err().unwrap();
    assert!(matches!(missing.kind, CaptureErrorKind::Io(_)));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// tshark's frame numbers and timestamps match for a pcapng with several sections,
/// interfaces and block kinds.
#[test]
fn frame_numbers_match_tshark() {
    let tshark = std::path::Path::new("/usr/bin/tshark");
    if !tshark.exists() {
        eprintln!("tshark not installed: skipped");
        return;
    }
    let packet = eth_ipv4_udp(V4_A, V4_B, 500, 500, &ike_message(1, 4));
    let mut file = PcapNgFile::new();
    file.section(false)
        .interface(1, 0, None, None)
        .interface(1, 0, Some(9), None)
        .enhanced_packet(0, 1_000_001, &packet)
        .block(4, &[0; 4])
        .enhanced_packet(1, 2_000_000_003, &packet)
        .simple_packet(&packet)
        .section(true)
        .interface(1, 0, Some(0x80 | 10), Some(5))
        .enhanced_packet(0, 3 << 10, &packet)
        .packet(0, 1 << 10, &packet);
    let dir = std::env::temp_dir().join(format!("ike-capture-tshark-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("sections.pcapng");
    std::fs::write(&path, &file.bytes).unwrap();
    let output = std::process::Command::new(tshark)
        .args(["-n", "-r"])
        .arg(&path)
        .args([
            "-T",
            "fields",
            "-e",
            "frame.number",
            "-e",
            "frame.time_epoch",
        ])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    let theirs: Vec<(u64, f64)> = text
        .lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let number = fields.next()?.parse().ok()?;
            Some((number, fields.next()?.parse().unwrap_or(f64::NAN)))
        })
        .collect();
    let (rows, error) = read_bytes(&file.bytes);
    assert!(error.is_none());
    let ours: Vec<(u64, f64)> = rows.iter().map(|r| (r.0, r.1 as f64 / 1e9)).collect();
    assert_eq!(theirs.len(), ours.len(), "tshark printed: {text}");
    for ((their_number, their_ts), (our_number, our_ts)) in theirs.iter().zip(&ours) {
        assert_eq!(their_number, our_number);
        // tshark prints the SPB's time as it reads it; only compare frames with a timestamp.
        if *our_number != 3 {
            assert!((their_ts - our_ts).abs() < 1e-6, "{their_ts} vs {our_ts}");
        }
    }
}

fn magic_prefixes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(Vec::new()),
        Just(vec![0xD4, 0xC3, 0xB2, 0xA1]),
        Just(vec![0xA1, 0xB2, 0x3C, 0x4D]),
        Just(vec![0x34, 0xCD, 0xB2, 0xA1]),
        Just(vec![
            0x0A, 0x0D, 0x0D, 0x0A, 28, 0, 0, 0, 0x4D, 0x3C, 0x2B, 0x1A
        ]),
        Just(vec![
            0x0A, 0x0D, 0x0D, 0x0A, 0, 0, 0, 28, 0x1A, 0x2B, 0x3C, 0x4D
        ]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Arbitrary bytes, after a plausible magic or not, never panic and end.
    #[test]
    fn arbitrary_bytes_never_panic(prefix in magic_prefixes(), body in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let mut bytes = prefix;
        bytes.extend_from_slice(&body);
        if let Ok(mut reader) = CaptureReader::new(Cursor::new(bytes.clone())) {
            let mut frames = 0u64;
            while let Ok(Some(frame)) = reader.next_frame() {
                frames += 1;
                prop_assert_eq!(frame.number, frames);
                prop_assert!(frame.data.len() <= MAX_PACKET_LEN);
            }
            prop_assert!(reader.bytes_consumed() <= bytes.len() as u64);
        }
    }

    /// Valid files cut anywhere yield a prefix of their frames.
    #[test]
    fn truncation_yields_a_prefix(cut in 0usize..2000, big_endian in any::<bool>()) {
        let mut file = PcapNgFile::new();
        file.section(big_endian).interface(1, 0, None, None);
        for i in 0..20u8 {
            file.enhanced_packet(0, u64::from(i), &vec![i; usize::from(i) * 7]);
        }
        let full = read_bytes(&file.bytes).0;
        let cut = cut.min(file.bytes.len());
        if let Ok(reader) = CaptureReader::new(Cursor::new(file.bytes[..cut].to_vec())) {
            let (rows, _) = read_all(reader);
            prop_assert!(rows.len() <= full.len());
            prop_assert_eq!(&rows[..], &full[..rows.len()]);
        }
    }
}
