//! What each stage of `diagnose` costs on a synthetic mixed capture, side by side: capture
//! ingestion into the timeline (reading, dissecting, sessions), the diagnosis rules on the
//! finished timeline, and the JSON report. All three are given the capture's size as
//! throughput, so the figures compare directly: the rules must cost far less than ingestion.
use std::io::Cursor;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ike_capture::{CaptureReader, DissectorConfig};
use ike_synth::{write_mixed, CaptureWriter, Format, MixedOptions, Shape};
use ike_timeline::{Limits, SourceKind, Timeline, TimelineBuilder};

const SIZE: u64 = 128 << 20;

fn capture() -> Vec<u8> {
    let mut writer =
        CaptureWriter::new(Vec::with_capacity(SIZE as usize + (1 << 20)), Format::Pcap)
            .expect("writer");
    write_mixed(
        &mut writer,
        &MixedOptions {
            target_bytes: SIZE,
            max_frames: None,
            seed: 1,
            shape: Shape::MIXED,
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
    let bytes = capture();
    let mut group = c.benchmark_group("diagnose-stages");
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
