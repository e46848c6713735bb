//! Log lines on the timeline. A recognised daemon or client log line becomes a [`LogEvent`]:
//! what the line is (its knowledge entry), the SA it belongs to in its log, and the message ID,
//! addresses and SPIs that join it to the captured packets of the same SA.
use std::net::{IpAddr, SocketAddr};

use ike_logs::{Entry, Implementation, LogRecord};

use crate::builder::Timeline;
use crate::event::{Event, EventKind};

#[derive(Debug, Clone)]
pub struct LogEvent {
    /// The knowledge entry of the line (tag, phase, category, meaning).
    pub entry: &'static Entry,
    /// Connection name, and the SA's number in this log (charon's unique id, pluto's serial).
    pub conn: Option<String>,
    pub sa_ref: Option<u32>,
    pub exchange: Option<&'static str>,
    pub message_id: Option<u32>,
    pub response: Option<bool>,
    pub src: Option<SocketAddr>,
    pub dst: Option<SocketAddr>,
    pub peer: Option<IpAddr>,
    pub bytes: Option<u32>,
    pub ike_spis: Option<(u64, u64)>,
    pub child_spis: Vec<u32>,
    /// errno, Windows error code, retransmit count...
    pub number: Option<i64>,
    /// The line had a time of its own (or its record's); otherwise the event took the time of
    /// the line before it.
    pub time_known: bool,
    pub year_inferred: bool,
    /// The line as written (bounded).
    pub text: String,
}

impl LogEvent {
    pub fn from_record(r: LogRecord) -> Self {
        LogEvent {
            entry: r.entry,
            conn: r.conn,
            sa_ref: r.sa_ref,
            exchange: r.exchange,
            message_id: r.message_id,
            response: r.response,
            src: r.src,
            dst: r.dst,
            peer: r.peer,
            bytes: r.bytes,
            ike_spis: r.ike_spis,
            child_spis: r.child_spis,
            number: r.number,
            time_known: r.time_ns.is_some(),
            year_inferred: r.year_inferred,
            text: r.text,
        }
    }

    pub fn tag(&self) -> &'static str {
        self.entry.tag
    }

    pub fn implementation(&self) -> Implementation {
        self.entry.implementation
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
        EventKind::Log(l) if e.source == source && e.at == crate::Locator::Line(line) => {
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
                s.initiator.ip(),
                s.responder.ip(),
                s.initiator_now.ip(),
                s.responder_now.ip(),
            ];
            if !addresses.iter().any(|a| ips.contains(a)) {
                return false;
            }
            let times = s
                .messages
                .iter()
                .filter_map(|&m| timeline.events.get(m).map(|e| e.time.0));
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
