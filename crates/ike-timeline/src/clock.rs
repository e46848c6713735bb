//! Clocks of the inputs against each other. Two captures that saw the same datagrams give the
//! offset between their clocks; a log whose packet lines name datagrams a capture holds gives the
//! offset of the log's clock (its zone included: logs often write local time without saying so).
//! Offsets let one SA seen from two ends be put in one order, and log lines land on their SA.
use std::collections::BTreeMap;
use std::net::SocketAddr;

use rustc_hash::FxHashMap;

use crate::builder::Timeline;
use crate::event::{EventKind, SourceId};
use ike_capture::Timestamp;
use ike_logs::Fact;

/// Clock offset of one input relative to another.
#[derive(Debug, Clone, PartialEq)]
pub struct ClockOffset {
    pub reference: SourceId,
    pub other: SourceId,
    /// `other`'s clock minus `reference`'s clock, in seconds (for two captures, one-way delays
    /// cancel out).
    pub offset_seconds: f64,
    pub matched_datagrams: usize,
}

impl ClockOffset {
    pub fn offset_ns(&self) -> i64 {
        (self.offset_seconds * 1e9) as i64
    }
}

/// Samples kept per pair of inputs: the median of a thousand is as good as of a million.
const MAX_SAMPLES: usize = 1000;

/// For each pair of capture sources that saw the same datagrams (same SPIs, message ID, flags
/// and bytes), the offset as the mean of the median apparent delays in each direction: the
/// one-way delays cancel out when the path is symmetric.
pub fn capture_offsets(timeline: &Timeline) -> Vec<ClockOffset> {
    type Key = (u64, u32, bool, bool, u32);
    // One capture has no other clock to compare with: skip the index of every datagram.
    let captures = timeline
        .sources
        .iter()
        .filter(|s| s.kind == crate::SourceKind::Capture)
        .count();
    if captures < 2 {
        return Vec::new();
    }
    let mut seen: FxHashMap<Key, Vec<(SourceId, Timestamp, bool)>> = FxHashMap::default();
    for event in &timeline.events {
        if let EventKind::Ike(m) = &event.kind {
            let key = (
                m.spi_i,
                m.message_id,
                m.response,
                m.from_initiator,
                m.digest,
            );
            let entry = seen.entry(key).or_default();
            if entry.len() < 8 && !entry.iter().any(|(s, _, _)| *s == event.source()) {
                entry.push((event.source(), event.time, m.from_initiator));
            }
        }
    }
    // Per source pair: apparent delays of initiator-sent and of responder-sent datagrams.
    let mut pairs: BTreeMap<(SourceId, SourceId), (Vec<i64>, Vec<i64>)> = BTreeMap::new();
    for sightings in seen.values() {
        for a in sightings {
            for b in sightings {
                if a.0 >= b.0 {
                    continue;
                }
                let delta = b.1 .0 - a.1 .0;
                let entry = pairs.entry((a.0, b.0)).or_default();
                let list = if a.2 { &mut entry.0 } else { &mut entry.1 };
                if list.len() < MAX_SAMPLES {
                    list.push(delta);
                }
            }
        }
    }
    pairs
        .into_iter()
        .map(|((reference, other), (by_initiator, by_responder))| {
            let n = by_initiator.len() + by_responder.len();
            let offset_ns = match (median(by_initiator), median(by_responder)) {
                (Some(a), Some(b)) => (a + b) / 2,
                (Some(a), None) | (None, Some(a)) => a,
                (None, None) => 0,
            };
            ClockOffset {
                reference,
                other,
                offset_seconds: offset_ns as f64 / 1e9,
                matched_datagrams: n,
            }
        })
        .collect()
}

/// For each log whose packet lines ("sending packet: from A to B (N bytes)") name datagrams that
/// a capture holds (same addresses, ports and length), the log's clock offset against that
/// capture. Only offsets that agree across most matches are kept.
pub fn log_offsets(timeline: &Timeline) -> Vec<ClockOffset> {
    /// Beyond a day and a half apart, a log is matched only when many lines agree (a host
    /// whose clock is years off still logs the same datagrams); two years is the bound.
    const MAX_OFFSET_NS: i64 = 2 * 366 * 86_400 * 1_000_000_000;
    const NEAR_NS: i64 = 36 * 3600 * 1_000_000_000;
    type Key = (SocketAddr, SocketAddr, u32);
    // Without a log there is nothing to place: skip the index of every captured datagram.
    if !timeline
        .sources
        .iter()
        .any(|s| s.kind == crate::SourceKind::Log)
    {
        return Vec::new();
    }
    let mut captured: FxHashMap<Key, Vec<(SourceId, Timestamp)>> = FxHashMap::default();
    for event in &timeline.events {
        if let EventKind::Ike(m) = &event.kind {
            let list = captured.entry((m.src(), m.dst(), m.length)).or_default();
            if list.len() < 64 {
                list.push((event.source(), event.time));
            }
        }
    }
    if captured.is_empty() {
        return Vec::new();
    }
    let mut deltas: BTreeMap<(SourceId, SourceId), Vec<i64>> = BTreeMap::new();
    for event in &timeline.events {
        let EventKind::Log(l) = &event.kind else {
            continue;
        };
        if !l.time_known || !matches!(l.entry.fact, Fact::PacketSent | Fact::PacketReceived) {
            continue;
        }
        let (Some(src), Some(dst), Some(bytes)) = (l.src, l.dst, l.bytes) else {
            continue;
        };
        // On UDP 4500 the logged size may count the non-ESP marker.
        for length in [bytes, bytes.saturating_sub(4)] {
            for (capture, t) in captured.get(&(src, dst, length)).into_iter().flatten() {
                let delta = event.time.0 - t.0;
                if delta.abs() <= MAX_OFFSET_NS {
                    let list = deltas.entry((*capture, event.source())).or_default();
                    if list.len() < MAX_SAMPLES {
                        list.push(delta);
                    }
                }
            }
        }
    }
    deltas
        .into_iter()
        .filter_map(|((reference, other), list)| {
            let n = list.len();
            let offset = median(list.clone())?;
            // Most matches must agree within a second: a size that repeats at other times
            // matches wrongly, the true offset matches every time.
            let agreeing = list
                .iter()
                .filter(|d| (**d - offset).abs() <= 1_000_000_000)
                .count();
            let enough = offset.abs() <= NEAR_NS || agreeing >= 3;
            (agreeing * 2 > n && enough).then(|| ClockOffset {
                reference,
                other,
                offset_seconds: offset as f64 / 1e9,
                matched_datagrams: agreeing,
            })
        })
        .collect()
}

/// For each pair of logs whose packet lines mirror each other (one sends N bytes, the other
/// receives N bytes), the second log's clock offset against the first: the offset most matches
/// agree on (within a second), when at least three do. Addresses are not compared (a NAT
/// between the peers changes them); the agreement of sizes in time does the matching. Logs of
/// two hosts with wrong clocks can be years apart: no bound is put on the offset.
pub fn log_pair_offsets(timeline: &Timeline) -> Vec<ClockOffset> {
    const MAX_LINES: usize = 400;
    let mut sent: BTreeMap<SourceId, Vec<(i64, u32)>> = BTreeMap::new();
    let mut received: BTreeMap<SourceId, Vec<(i64, u32)>> = BTreeMap::new();
    for event in &timeline.events {
        let EventKind::Log(l) = &event.kind else {
            continue;
        };
        let Some(t) = l.record.time_ns.filter(|_| l.time_known) else {
            continue;
        };
        let (Some(bytes), fact) = (l.bytes, l.entry.fact) else {
            continue;
        };
        let list = match fact {
            Fact::PacketSent => sent.entry(event.source()).or_default(),
            Fact::PacketReceived => received.entry(event.source()).or_default(),
            _ => continue,
        };
        if list.len() < MAX_LINES {
            list.push((t, bytes));
        }
    }
    let sources: Vec<SourceId> = sent.keys().chain(received.keys()).copied().collect();
    let mut out = Vec::new();
    for (i, &a) in sources.iter().enumerate() {
        for &b in &sources[i + 1..] {
            if a == b
                || out
                    .iter()
                    .any(|o: &ClockOffset| o.reference == a && o.other == b)
            {
                continue;
            }
            // b's time minus a's time for the same datagram, either way.
            let mut deltas: Vec<i64> = Vec::new();
            let pairs = [
                (sent.get(&a), received.get(&b), 1i64),
                (sent.get(&b), received.get(&a), -1),
            ];
            for (from, to, sign) in pairs {
                let (Some(from), Some(to)) = (from, to) else {
                    continue;
                };
                for (ts, size) in from {
                    for (tr, r) in to {
                        if size == r {
                            deltas.push(sign * (tr - ts));
                        }
                    }
                }
            }
            if deltas.len() < 3 {
                continue;
            }
            deltas.sort_unstable();
            // The window of one second that holds the most deltas.
            let (mut best, mut best_count, mut lo) = (0usize, 0usize, 0usize);
            for hi in 0..deltas.len() {
                while deltas[hi] - deltas[lo] > 1_000_000_000 {
                    lo += 1;
                }
                if hi - lo + 1 > best_count {
                    best_count = hi - lo + 1;
                    best = lo;
                }
            }
            if best_count < 3 {
                continue;
            }
            let window = &deltas[best..best + best_count];
            let offset = window[window.len() / 2];
            out.push(ClockOffset {
                reference: a,
                other: b,
                offset_seconds: offset as f64 / 1e9,
                matched_datagrams: best_count,
            });
        }
    }
    out
}

fn median(mut values: Vec<i64>) -> Option<i64> {
    values.sort_unstable();
    values.get(values.len() / 2).copied()
}
