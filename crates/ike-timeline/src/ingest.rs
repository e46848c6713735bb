//! Reading a capture file into the timeline: the reader streams frames, the dissector turns
//! them into network events, the builder keeps what matters. A read error ends that file with a
//! note naming the offset; everything read before it is kept.
use std::io::Read;
use std::path::Path;

use ike_capture::{CaptureError, CaptureReader, Dissector, DissectorConfig, NetEvent};

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
pub fn capture_stream<R: Read + Send>(
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

/// What reading a capture's frames gave, besides its events.
struct FramesRead {
    frames: u64,
    coverage: crate::coverage::Coverage,
    stats: ike_capture::DissectStats,
    bytes: u64,
}

/// One step of reading, in file order: what the reading thread hands the timeline's thread.
enum Step {
    Events(Vec<NetEvent>),
    Progress(u64),
    /// The file could not be read further after this many frames.
    Unreadable(CaptureError, u64),
}

const PROGRESS_EVERY: u64 = 8 << 20;
/// Events per hand-over between the threads: large enough that the channel costs nothing,
/// small enough to stay in cache.
const BATCH: usize = 2048;

/// Reads and dissects every frame, giving each step to `step` in file order. The same code runs
/// alone or on the reading thread, so both modes produce the same timeline.
fn read_frames<R: Read>(
    mut reader: CaptureReader<R>,
    config: &DissectorConfig,
    step: &mut dyn FnMut(Step, &mut Vec<NetEvent>),
) -> FramesRead {
    let mut dissector = Dissector::new(config.clone());
    let mut next_progress = PROGRESS_EVERY;
    let mut frames = 0u64;
    let mut coverage = crate::coverage::Coverage::default();
    let mut events: Vec<NetEvent> = Vec::with_capacity(BATCH);
    loop {
        match reader.next_frame() {
            Ok(Some(frame)) => {
                frames += 1;
                coverage.saw(frame.ts);
                dissector.dissect(&frame, &mut |event| events.push(event));
                if events.len() >= BATCH {
                    step(Step::Events(std::mem::take(&mut events)), &mut events);
                }
                let consumed = reader.bytes_consumed();
                if consumed >= next_progress {
                    step(Step::Progress(consumed), &mut events);
                    next_progress = consumed + PROGRESS_EVERY;
                }
            }
            Ok(None) => break,
            Err(e) => {
                step(Step::Events(std::mem::take(&mut events)), &mut events);
                step(Step::Unreadable(e, frames), &mut events);
                break;
            }
        }
    }
    // A capture that says when it stopped covered that time too, packets or not.
    if let Some(end) = reader.capture_end() {
        if frames > 0 {
            coverage.saw(end);
        }
    }
    dissector.finish(&mut |event| events.push(event));
    step(Step::Events(std::mem::take(&mut events)), &mut events);
    FramesRead {
        frames,
        coverage,
        stats: dissector.stats().clone(),
        bytes: reader.bytes_consumed(),
    }
}

/// Reads frames from an open reader into `source`. With [`TimelineBuilder::threads`] above 1,
/// reading and dissecting run on a thread of their own while this one builds the timeline; the
/// timeline is the same either way.
pub fn capture_reader<R: Read + Send>(
    builder: &mut TimelineBuilder,
    source: SourceId,
    reader: CaptureReader<R>,
    config: &DissectorConfig,
    progress: &mut dyn FnMut(u64),
) {
    let name = builder
        .source_mut(source)
        .map(|s| s.name.clone())
        .unwrap_or_default();
    let mut truncated = None;
    let mut apply =
        |builder: &mut TimelineBuilder, step: Step, spare: &mut Vec<NetEvent>| match step {
            Step::Events(mut events) => {
                for event in events.drain(..) {
                    builder.push_net_event(source, event);
                }
                // Hand the emptied buffer back for the next batch.
                if spare.capacity() == 0 {
                    *spare = events;
                }
            }
            Step::Progress(consumed) => progress(consumed),
            Step::Unreadable(e, frames) => {
                builder.note(
                    Some(source),
                    None,
                    format!("{name}: {e}; the rest of the file was skipped after {frames} frames"),
                );
                truncated = Some(crate::coverage::Truncation {
                    offset: e.offset,
                    last_read: (frames > 0).then_some(crate::Locator::Frame(frames)),
                    reason: e.to_string(),
                });
            }
        };
    let read = if builder.threads() > 1 {
        std::thread::scope(|scope| {
            // A few batches in flight: the reader runs ahead, memory stays bounded.
            let (sender, receiver) = std::sync::mpsc::sync_channel::<Step>(4);
            let reading = scope.spawn(move || {
                read_frames(reader, config, &mut |step, _| {
                    // The receiver only goes away if the timeline's thread panicked.
                    let _ = sender.send(step);
                })
            });
            let mut spare = Vec::new();
            for step in receiver {
                apply(builder, step, &mut spare);
            }
            reading.join()
        })
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    } else {
        read_frames(reader, config, &mut |step, spare| {
            apply(builder, step, spare)
        })
    };
    let FramesRead {
        frames,
        mut coverage,
        stats,
        bytes,
    } = read;
    coverage.truncated = truncated;
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
