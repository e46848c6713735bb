//! Reads and dissects a capture file, printing counts and throughput:
//! `cargo run --release -p ike-capture --example ingest_file -- CAPTURE`.

use ike_capture::{CaptureReader, Dissector, DissectorConfig, NetEvent};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: ingest_file CAPTURE");
        std::process::exit(2);
    };
    let started = Instant::now();
    let mut reader = match CaptureReader::open(&path) {
        Ok(reader) => reader,
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            std::process::exit(1);
        }
    };
    let mut dissector = Dissector::new(DissectorConfig::default());
    let mut events = [0u64; 5];
    let mut sink = |event: NetEvent| {
        let index = match event {
            NetEvent::Ike(_) => 0,
            NetEvent::Esp(_) => 1,
            NetEvent::NatKeepalive(_) => 2,
            NetEvent::IcmpError(_) => 3,
            NetEvent::IncompleteDatagram(_) => 4,
        };
        events[index] += 1;
    };
    loop {
        match reader.next_frame() {
            Ok(Some(frame)) => dissector.dissect(&frame, &mut sink),
            Ok(None) => break,
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                break;
            }
        }
    }
    dissector.finish(&mut sink);
    let elapsed = started.elapsed().as_secs_f64();
    let stats = dissector.stats();
    let bytes = reader.bytes_consumed();
    println!(
        "{bytes} bytes, {} frames in {elapsed:.3} s: {:.2} GB/s, {:.2} M frames/s",
        stats.frames,
        bytes as f64 / elapsed / 1e9,
        stats.frames as f64 / elapsed / 1e6
    );
    println!(
        "events: ike {} esp {} keepalive {} icmp {} incomplete {}; skipped {}",
        events[0],
        events[1],
        events[2],
        events[3],
        events[4],
        stats.skipped()
    );
}
