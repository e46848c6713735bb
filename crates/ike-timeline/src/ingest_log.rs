//! Reading a log file into the timeline: the scanner streams the file and hands over the lines
//! it recognises; each becomes an event at its own time (a line without one takes the time of
//! the line before it). Progress lines are capped per file so that an enormous log cannot crowd
//! out the lines that name causes.
use std::io::Read;
use std::path::Path;

use ike_capture::Timestamp;
use ike_logs::{Format, Role, ScanConfig};

use crate::builder::{SourceKind, TimelineBuilder};
use crate::event::{Event, EventKind, Locator, SourceId};
use crate::log::LogEvent;

/// Progress and context lines kept per log file; lines naming causes and symptoms are always kept
/// (within the builder's own cap).
pub const MAX_PROGRESS_EVENTS_PER_LOG: u64 = 20_000;

/// Reads one log to its end.
pub fn log_file(
    builder: &mut TimelineBuilder,
    path: &Path,
    name: &str,
    format: Format,
    config: &ScanConfig,
) -> SourceId {
    match std::fs::File::open(path) {
        Ok(file) => log_stream(builder, file, name, format, config),
        Err(e) => {
            let source = builder.add_source(name, SourceKind::Log);
            builder.note(Some(source), None, format!("{name}: {e}; file skipped"));
            source
        }
    }
}

/// Reads a log from any byte stream (standard input, a pipe, a decompressor).
pub fn log_stream<R: Read>(
    builder: &mut TimelineBuilder,
    stream: R,
    name: &str,
    format: Format,
    config: &ScanConfig,
) -> SourceId {
    let source = builder.add_source(name, SourceKind::Log);
    log_reader(builder, source, stream, format, config);
    source
}

/// Reads a log from an open reader into `source`.
pub fn log_reader<R: Read>(
    builder: &mut TimelineBuilder,
    source: SourceId,
    reader: R,
    format: Format,
    config: &ScanConfig,
) {
    let name = builder
        .source_mut(source)
        .map(|s| s.name.clone())
        .unwrap_or_default();
    let mut last_time = Timestamp(0);
    let mut progress_kept = 0u64;
    let mut progress_dropped = 0u64;
    let mut records = 0u64;
    let mut coverage = crate::coverage::Coverage::default();
    let result = ike_logs::scan(reader, format, config, &mut |record| {
        records += 1;
        if matches!(record.entry.role, Role::Progress | Role::Context) {
            if progress_kept >= MAX_PROGRESS_EVENTS_PER_LOG {
                progress_dropped += 1;
                return;
            }
            progress_kept += 1;
        }
        if let Some(t) = record.time_ns {
            coverage.saw(Timestamp(t));
        }
        let time = record.time_ns.map(Timestamp).unwrap_or(last_time);
        last_time = time;
        let at = Locator::Line(record.line);
        builder.push_event(Event::new(
            time,
            source,
            at,
            EventKind::Log(Box::new(LogEvent::from_record(record))),
        ));
    });
    match result {
        Ok(stats) => {
            if let Some(s) = builder.source_mut(source) {
                s.units_read = stats.lines;
                s.bytes_read = stats.bytes;
            }
            if stats.long_lines > 0 {
                builder.note(
                    Some(source),
                    None,
                    format!(
                        "{name}: {} lines longer than {} bytes were cut",
                        stats.long_lines, config.max_line
                    ),
                );
            }
            if records == 0 {
                builder.note(
                    Some(source),
                    None,
                    format!(
                        "{name}: read as a {} ({} lines), but no line about IKE negotiation was recognised",
                        format.describe(),
                        stats.lines
                    ),
                );
            }
        }
        Err(e) => {
            builder.note(
                Some(source),
                None,
                format!("{name}: {e}; the rest of the log was skipped"),
            );
            coverage.truncated = Some(crate::coverage::Truncation {
                offset: 0,
                last_read: None,
                reason: e.to_string(),
            });
        }
    }
    if let Some(s) = builder.source_mut(source) {
        s.coverage.first = coverage.first;
        s.coverage.last = coverage.last;
        s.coverage.truncated = coverage.truncated;
    }
    if progress_dropped > 0 {
        builder.note(
            Some(source),
            None,
            format!("{name}: {progress_dropped} progress lines past the first {MAX_PROGRESS_EVENTS_PER_LOG} were not kept"),
        );
    }
}
