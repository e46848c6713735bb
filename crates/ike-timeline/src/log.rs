//! Log lines on the timeline. A recognised daemon or client log line becomes a [`LogEvent`]:
//! what the line is (its knowledge entry), the SA it belongs to in its log, and the message ID,
//! addresses and SPIs that join it to the captured packets of the same SA.
use std::net::IpAddr;

use ike_logs::LogRecord;

use crate::builder::Timeline;
use crate::event::{Event, EventKind};

/// A recognised log line: the scanner's record (what the line is, its SA, message ID,
/// addresses, SPIs, text) and whether its time is its own. Derefs to the record.
#[derive(Debug, Clone)]
pub struct LogEvent {
    pub record: LogRecord,
    /// The line had a time of its own (or its record's); otherwise the event took the time of
    /// the line before it.
    pub time_known: bool,
}

impl std::ops::Deref for LogEvent {
    type Target = LogRecord;
    fn deref(&self) -> &LogRecord {
        &self.record
    }
}

impl LogEvent {
    pub fn from_record(record: LogRecord) -> Self {
        LogEvent {
            time_known: record.time_ns.is_some(),
            record,
        }
    }

    pub fn tag(&self) -> &'static str {
        self.entry.tag
    }

    /// Every address the line names.
    pub fn addresses(&self) -> impl Iterator<Item = IpAddr> + '_ {
        self.src
            .map(|s| s.ip())
            .into_iter()
            .chain(self.dst.map(|d| d.ip()))
            .chain(self.peer)
    }
}

/// The log event at `index`, if that event is one.
pub fn log_event(timeline: &Timeline, index: usize) -> Option<(&Event, &LogEvent)> {
    let event = timeline.events.get(index)?;
    match &event.kind {
        EventKind::Log(l) => Some((event, l)),
        _ => None,
    }
}

/// The text of the log line at `line` of `source`, for evidence.
pub fn line_text(timeline: &Timeline, source: crate::SourceId, line: u64) -> Option<&str> {
    timeline.events.iter().find_map(|e| match &e.kind {
        EventKind::Log(l) if e.source() == source && e.at() == crate::Locator::Line(line) => {
            Some(l.text.as_str())
        }
        _ => None,
    })
}

/// Sessions (indices into `timeline.sessions`) that the log event at `index` belongs to: by
/// IKE SPIs when the line gives them, else by the peers' addresses and time (the session's
/// messages within a few seconds of the line, allowing for clock differences).
pub fn joined_sessions(timeline: &Timeline, index: usize) -> Vec<usize> {
    const SLACK_NS: i64 = 5_000_000_000;
    let Some((event, log)) = log_event(timeline, index) else {
        return Vec::new();
    };
    if let Some((spi_i, spi_r)) = log.ike_spis {
        let by_spi: Vec<usize> = timeline
            .sessions
            .iter()
            .enumerate()
            .filter(|(_, s)| s.spi_i == spi_i && (spi_r == 0 || s.spi_r == spi_r || s.spi_r == 0))
            .map(|(i, _)| i)
            .collect();
        if !by_spi.is_empty() {
            return by_spi;
        }
    }
    let addresses: Vec<IpAddr> = log.addresses().collect();
    if addresses.is_empty() || !log.time_known {
        return Vec::new();
    }
    timeline
        .sessions
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            let ips = [
                s.initiator().ip(),
                s.responder().ip(),
                s.initiator_now().ip(),
                s.responder_now().ip(),
            ];
            if !addresses.iter().any(|a| ips.contains(a)) {
                return false;
            }
            let times = s
                .messages
                .iter()
                .filter_map(|r| timeline.events.get(r.event()).map(|e| e.time.0));
            let (mut first, mut last) = (i64::MAX, i64::MIN);
            for t in times {
                first = first.min(t);
                last = last.max(t);
            }
            first != i64::MAX && event.time.0 >= first - SLACK_NS && event.time.0 <= last + SLACK_NS
        })
        .map(|(i, _)| i)
        .collect()
}
