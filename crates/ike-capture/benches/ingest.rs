//! Ingest throughput: reader + dissector over a synthetic mixed-traffic capture.
//!
//! `cargo bench -p ike-capture --bench ingest`. The capture is mostly non-IKE traffic (TCP bulk
//! and ACKs, DNS, QUIC-like UDP, ICMP echo) with a few percent of IKE, NAT-T ESP, raw ESP,
//! fragmented IKE and ICMP errors, as a gateway capture would be. Set `INGEST_MB` to change the
//! capture size (default 256 MiB).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ike_capture::{CaptureReader, Dissector, DissectorConfig, NetEvent};
use std::io::{Cursor, Write};

fn ipv4(protocol: u8, id: u16, flags: u16, src: [u8; 4], dst: [u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0x45, 0];
    out.extend_from_slice(&((20 + payload.len()) as u16).to_be_bytes());
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(&flags.to_be_bytes());
    out.extend_from_slice(&[64, protocol, 0, 0]);
    out.extend_from_slice(&src);
    out.extend_from_slice(&dst);
    out.extend_from_slice(payload);
    out
}

fn udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&sport.to_be_bytes());
    out.extend_from_slice(&dport.to_be_bytes());
    out.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(payload);
    out
}

fn ethernet(ip: &[u8]) -> Vec<u8> {
    let mut out = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
    out.extend_from_slice(ip);
    out
}

/// Frames of a mixed capture, in a repeating pattern of 100.
fn traffic_pattern() -> Vec<Vec<u8>> {
    let a = [10, 0, 0, 1];
    let b = [203, 0, 113, 9];
    let mut tcp = vec![0u8; 20];
    tcp[12] = 0x50;
    let tcp_bulk = {
        let mut t = tcp.clone();
        t.extend(std::iter::repeat_n(0xAB, 1460));
        t
    };
    let mut frames = Vec::new();
    for i in 0..100u16 {
        let frame = match i {
            0..=44 => ethernet(&ipv4(6, i, 0x4000, a, b, &tcp_bulk)),
            45..=74 => ethernet(&ipv4(6, i, 0x4000, b, a, &tcp)),
            75..=82 => ethernet(&ipv4(17, i, 0, a, b, &udp(40000 + i, 53, &[0x11; 40]))),
            83..=90 => ethernet(&ipv4(17, i, 0, a, b, &udp(443, 50000, &[0x22; 1200]))),
            91 => ethernet(&ipv4(1, i, 0, a, b, &[8, 0, 0, 0, 0, 1, 0, 1])),
            92..=95 => {
                let mut esp = 0xC0FF_EE00u32.to_be_bytes().to_vec();
                esp.extend_from_slice(&u32::from(i).to_be_bytes());
                esp.extend(std::iter::repeat_n(0x33, 400));
                ethernet(&ipv4(17, i, 0, a, b, &udp(4500, 4500, &esp)))
            }
            96 => {
                let mut esp = 0xC0FF_EE01u32.to_be_bytes().to_vec();
                esp.extend(std::iter::repeat_n(0x44, 300));
                ethernet(&ipv4(50, i, 0, a, b, &esp))
            }
            97 => {
                let mut ike = 0x1122_3344_5566_7788u64.to_be_bytes().to_vec();
                ike.extend(std::iter::repeat_n(0x55, 500));
                ethernet(&ipv4(17, i, 0, a, b, &udp(500, 500, &ike)))
            }
            98 => ethernet(&ipv4(17, i, 0, a, b, &udp(4500, 4500, &[0xFF]))),
            _ => {
                let quoted = ipv4(17, 7, 0, a, b, &udp(500, 500, &[0x11; 8]));
                let mut icmp = vec![3, 4, 0, 0, 0, 0, 0x05, 0x78];
                icmp.extend_from_slice(&quoted[..28 + 8]);
                ethernet(&ipv4(1, i, 0, b, a, &icmp))
            }
        };
        frames.push(frame);
    }
    frames
}

/// A pcap (or pcapng) capture of about `target` bytes.
fn build_capture(target: usize, pcapng: bool) -> Vec<u8> {
    let pattern = traffic_pattern();
    let mut out = Vec::with_capacity(target + 4096);
    if pcapng {
        out.extend_from_slice(&0x0A0D_0D0Au32.to_le_bytes());
        out.extend_from_slice(&28u32.to_le_bytes());
        out.extend_from_slice(&0x1A2B_3C4Du32.to_le_bytes());
        out.extend_from_slice(&[1, 0, 0, 0]);
        out.extend_from_slice(&(-1i64).to_le_bytes());
        out.extend_from_slice(&28u32.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
        out.extend_from_slice(&20u32.to_le_bytes());
        out.extend_from_slice(&[1, 0, 0, 0]);
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&20u32.to_le_bytes());
    } else {
        out.extend_from_slice(&0xA1B2_C3D4u32.to_le_bytes());
        out.extend_from_slice(&[2, 0, 4, 0]);
        out.extend_from_slice(&[0; 8]);
        out.extend_from_slice(&65535u32.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
    }
    let mut n: u64 = 0;
    while out.len() < target {
        for frame in &pattern {
            n += 1;
            let micros = 1_700_000_000_000_000 + n * 10;
            if pcapng {
                let padded = frame.len().div_ceil(4) * 4;
                let len = (32 + padded) as u32;
                out.extend_from_slice(&6u32.to_le_bytes());
                out.extend_from_slice(&len.to_le_bytes());
                out.extend_from_slice(&0u32.to_le_bytes());
                out.extend_from_slice(&((micros >> 32) as u32).to_le_bytes());
                out.extend_from_slice(&(micros as u32).to_le_bytes());
                out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
                out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
                out.extend_from_slice(frame);
                out.resize(out.len() + padded - frame.len(), 0);
                out.extend_from_slice(&len.to_le_bytes());
            } else {
                out.extend_from_slice(&((micros / 1_000_000) as u32).to_le_bytes());
                out.extend_from_slice(&((micros % 1_000_000) as u32).to_le_bytes());
                out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
                out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
                out.extend_from_slice(frame);
            }
        }
    }
    out
}

/// Reads and dissects everything; returns (frames, events).
fn ingest<R: std::io::Read>(reader: R) -> (u64, u64) {
    let mut reader = CaptureReader::new(reader).expect("capture header");
    let mut dissector = Dissector::new(DissectorConfig::default());
    let mut events = 0u64;
    let mut sink = |event: NetEvent| {
        std::hint::black_box(&event);
        events += 1;
    };
    let mut frames = 0;
    while let Ok(Some(frame)) = reader.next_frame() {
        frames += 1;
        dissector.dissect(&frame, &mut sink);
    }
    dissector.finish(&mut sink);
    (frames, events)
}

fn bench(c: &mut Criterion) {
    let megabytes: usize = std::env::var("INGEST_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    let mut group = c.benchmark_group("ingest");
    group.sample_size(10);
    for pcapng in [false, true] {
        let capture = build_capture(megabytes << 20, pcapng);
        let name = if pcapng { "pcapng" } else { "pcap" };
        let (frames, events) = ingest(Cursor::new(&capture[..]));
        eprintln!(
            "{name}: {} bytes, {frames} frames, {events} events",
            capture.len()
        );
        group.throughput(Throughput::Bytes(capture.len() as u64));
        group.bench_function(format!("{name}/memory"), |b| {
            b.iter(|| ingest(Cursor::new(&capture[..])))
        });
        group.bench_function(format!("{name}/reader-only"), |b| {
            b.iter(|| {
                let mut reader = CaptureReader::new(Cursor::new(&capture[..])).expect("header");
                let mut sum = 0u64;
                while let Ok(Some(frame)) = reader.next_frame() {
                    sum += frame.data.len() as u64;
                }
                sum
            })
        });
        // From the page cache through a file, as the command line reads.
        let path = std::env::temp_dir().join(format!("ike-capture-ingest-{name}.bin"));
        let written = std::fs::File::create(&path)
            .and_then(|mut file| file.write_all(&capture))
            .is_ok();
        if written {
            group.bench_function(format!("{name}/file"), |b| {
                b.iter(|| ingest(std::fs::File::open(&path).expect("bench file")))
            });
            let _ = std::fs::remove_file(&path);
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
