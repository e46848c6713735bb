//! Reading a capture file into the timeline: the reader streams frames, the dissector turns
//! them into network events, the builder keeps what matters. A read error ends that file with a
//! note naming the offset; everything read before it is kept.
use std::io::Read;
use std::path::Path;

use ike_capture::{CaptureReader, Dissector, DissectorConfig};

use crate::builder::{SourceKind, TimelineBuilder};
use crate::event::SourceId;

/// Reads one capture to its end (or its first unreadable record). `progress` receives the
/// bytes consumed so far, at most every few megabytes.
pub fn capture_file(
    builder: &mut TimelineBuilder,
    path: &Path,
    name: &str,
    config: &DissectorConfig,
    progress: &mut dyn FnMut(u64),
) -> SourceId {
    match std::fs::File::open(path) {
        Ok(file) => capture_stream(builder, file, name, config, progress),
        Err(e) => {
            let source = builder.add_source(name, SourceKind::Capture);
            builder.note(Some(source), None, format!("{name}: {e}; file skipped"));
            source
        }
    }
}

/// Reads a capture from any byte stream (standard input, a pipe, a decompressor).
pub fn capture_stream<R: Read>(
    builder: &mut TimelineBuilder,
    stream: R,
    name: &str,
    config: &DissectorConfig,
    progress: &mut dyn FnMut(u64),
) -> SourceId {
    let source = builder.add_source(name, SourceKind::Capture);
    match CaptureReader::new(stream) {
        Ok(reader) => capture_reader(builder, source, reader, config, progress),
        Err(e) => builder.note(Some(source), None, format!("{name}: {e}; file skipped")),
    }
    source
}

/// Reads frames from an open reader into `source`.
pub fn capture_reader<R: Read>(
    builder: &mut TimelineBuilder,
    source: SourceId,
    mut reader: CaptureReader<R>,
    config: &DissectorConfig,
    progress: &mut dyn FnMut(u64),
) {
    const PROGRESS_EVERY: u64 = 8 << 20;
    let mut dissector = Dissector::new(config.clone());
    let mut next_progress = PROGRESS_EVERY;
    let mut frames = 0u64;
    let mut coverage = crate::coverage::Coverage::default();
    let name = builder
        .source_mut(source)
        .map(|s| s.name.clone())
        .unwrap_or_default();
    loop {
        match reader.next_frame() {
            Ok(Some(frame)) => {
                frames += 1;
                coverage.saw(frame.ts);
                dissector.dissect(&frame, &mut |event| builder.push_net_event(source, event));
                let consumed = reader.bytes_consumed();
                if consumed >= next_progress {
                    progress(consumed);
                    next_progress = consumed + PROGRESS_EVERY;
                }
            }
            Ok(None) => break,
            Err(e) => {
                builder.note(
                    Some(source),
                    None,
                    format!("{name}: {e}; the rest of the file was skipped after {frames} frames"),
                );
                coverage.truncated = Some(crate::coverage::Truncation {
                    offset: e.offset,
                    last_read: (frames > 0).then_some(crate::Locator::Frame(frames)),
                    reason: e.to_string(),
                });
                break;
            }
        }
    }
    dissector.finish(&mut |event| builder.push_net_event(source, event));
    let stats = dissector.stats();
    let bytes = reader.bytes_consumed();
    progress(bytes);
    if frames > 0 && stats.frames_beyond_ike_ports() == 0 {
        coverage.filtered = Some(if stats.esp_packets == 0 {
            crate::coverage::Filter::IkeOnly
        } else {
            crate::coverage::Filter::IkePortsOnly
        });
    }
    if let Some(s) = builder.source_mut(source) {
        s.units_read = frames;
        s.bytes_read = bytes;
        s.coverage = coverage;
    }
    // Unrelated traffic is the normal case; only frames that were damaged or unreadable deserve
    // a word to the user.
    let damaged = [
        (
            stats.skipped_unsupported_link_type,
            "with a link type that is not dissected",
        ),
        (
            stats.skipped_truncated_link_header,
            "cut inside the link-layer header",
        ),
        (
            stats.skipped_truncated_ip_header,
            "cut inside the IP header",
        ),
        (
            stats.skipped_malformed_ip_header,
            "with an inconsistent IP header",
        ),
        (
            stats.skipped_truncated_transport_header,
            "cut inside the UDP/ESP/ICMP header",
        ),
        (
            stats.skipped_malformed_nat_t,
            "on UDP 4500 that are neither IKE, ESP nor keepalives",
        ),
        (
            stats.skipped_invalid_fragments,
            "holding IP fragments with impossible offsets",
        ),
    ];
    for (count, what) in damaged {
        if count > 0 {
            builder.note(
                Some(source),
                None,
                format!("{name}: {count} frames {what} were skipped"),
            );
        }
    }
}
