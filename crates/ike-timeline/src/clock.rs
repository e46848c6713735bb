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
    type Key = (u64, u32, bool, bool, u64);
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
            if entry.len() < 8 && !entry.iter().any(|(s, _, _)| *s == event.source) {
                entry.push((event.source, event.time, m.from_initiator));
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
    /// A log and a capture a day apart are not the same event; beyond this nothing is matched.
    const MAX_OFFSET_NS: i64 = 36 * 3600 * 1_000_000_000;
    type Key = (SocketAddr, SocketAddr, u32);
    let mut captured: FxHashMap<Key, Vec<(SourceId, Timestamp)>> = FxHashMap::default();
    for event in &timeline.events {
        if let EventKind::Ike(m) = &event.kind {
            let list = captured.entry((m.src, m.dst, m.length)).or_default();
            if list.len() < 64 {
                list.push((event.source, event.time));
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
                    let list = deltas.entry((*capture, event.source)).or_default();
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
            (agreeing * 2 > n).then(|| ClockOffset {
                reference,
                other,
                offset_seconds: offset as f64 / 1e9,
                matched_datagrams: agreeing,
            })
        })
        .collect()
}

fn median(mut values: Vec<i64>) -> Option<i64> {
    values.sort_unstable();
    values.get(values.len() / 2).copied()
}
