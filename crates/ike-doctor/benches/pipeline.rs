//! What each stage of `diagnose` costs on two synthetic captures, a host's (mixed: mostly TCP,
//! a few tunnels) and a gateway's (thousands of peers, retried and failed attempts, many ESP
//! flows), side by side: capture ingestion into the timeline (reading, dissecting, sessions),
//! the diagnosis rules on the finished timeline, and the JSON report. All three are given the
//! capture's size as throughput, so the figures compare directly: the rules must cost far less
//! than ingestion on both kinds.
use std::io::Cursor;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ike_capture::{CaptureReader, DissectorConfig};
use ike_synth::{write_mixed, CaptureWriter, Format, MixedOptions, Shape};
use ike_timeline::{Limits, SourceKind, Timeline, TimelineBuilder};

const SIZE: u64 = 128 << 20;

fn capture(shape: Shape) -> Vec<u8> {
    let mut writer =
        CaptureWriter::new(Vec::with_capacity(SIZE as usize + (1 << 20)), Format::Pcap)
            .expect("writer");
    write_mixed(
        &mut writer,
        &MixedOptions {
            target_bytes: SIZE,
            max_frames: None,
            seed: 1,
            shape,
        },
    )
    .expect("generate");
    writer.finish().expect("finish")
}

fn timeline(bytes: &[u8]) -> Timeline {
    let mut builder = TimelineBuilder::new(Limits::default());
    let source = builder.add_source("bench.pcap", SourceKind::Capture);
    let reader = CaptureReader::new(Cursor::new(bytes)).expect("reader");
    ike_timeline::ingest::capture_reader(
        &mut builder,
        source,
        reader,
        &DissectorConfig::default(),
        &mut |_| {},
    );
    builder.finish()
}

fn pipeline(c: &mut Criterion) {
    for (name, shape) in [("mixed", Shape::MIXED), ("gateway", Shape::GATEWAY)] {
        stages(c, name, shape);
    }
}

fn stages(c: &mut Criterion, name: &str, shape: Shape) {
    let bytes = capture(shape);
    let mut group = c.benchmark_group(format!("diagnose-stages-{name}"));
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("1-ingest-into-timeline", |b| b.iter(|| timeline(&bytes)));
    let built = timeline(&bytes);
    group.bench_function("2-diagnosis-rules", |b| {
        b.iter(|| ike_diagnose::diagnose(&built))
    });
    let diagnosis = ike_diagnose::diagnose(&built);
    group.bench_function("3-json-report", |b| {
        b.iter(|| {
            let mut sink = std::io::sink();
            ike_report::json::write(&mut sink, &built, &diagnosis).expect("write")
        })
    });
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
