//! Views the rules share: the same IKE SA as seen by several captures (joined by SPIs), the
//! chains of attempts linked by INVALID_KE_PAYLOAD/COOKIE restarts, and the clock offset
//! between two captures estimated from the datagrams both saw.
use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;

use ike_timeline::{IkeMessage, Phase, Session, SourceId, Timeline, Timestamp};

/// One IKE SA (by initiator SPI) across every source that saw it.
pub struct SaView<'t> {
    pub spi_i: u64,
    /// Index into `timeline.sessions` per source that saw the SA.
    pub sessions: Vec<usize>,
    pub timeline: &'t Timeline,
}

impl<'t> SaView<'t> {
    pub fn iter(&self) -> impl Iterator<Item = (usize, &'t Session)> + '_ {
        self.sessions
            .iter()
            .filter_map(|&i| self.timeline.sessions.get(i).map(|s| (i, s)))
    }

    pub fn phase_reached(&self) -> Phase {
        self.iter()
            .map(|(_, s)| s.phase_reached)
            .max()
            .unwrap_or(Phase::IkeSaInit)
    }

    /// Every message of the SA from every source, with its event index and retransmit mark.
    pub fn messages(&self) -> Vec<Msg<'t>> {
        let mut out = Vec::new();
        for (_, s) in self.iter() {
            for (n, &index) in s.messages.iter().enumerate() {
                if let Some((event, m)) = self.timeline.ike(index) {
                    out.push(Msg {
                        index,
                        source: event.source,
                        time: event.time,
                        m,
                        retransmit: s.retransmits.get(n).copied().unwrap_or(false),
                    });
                }
            }
        }
        out.sort_by_key(|m| (m.time, m.source, m.index));
        out
    }

    pub fn first_session(&self) -> Option<&'t Session> {
        self.iter().next().map(|(_, s)| s)
    }
}

#[derive(Clone, Copy)]
pub struct Msg<'t> {
    pub index: usize,
    pub source: SourceId,
    pub time: Timestamp,
    pub m: &'t IkeMessage,
    pub retransmit: bool,
}

/// Groups IKEv2 sessions by initiator SPI, in order of first appearance.
pub fn sa_views(timeline: &Timeline) -> Vec<SaView<'_>> {
    let mut order: Vec<u64> = Vec::new();
    let mut by_spi: HashMap<u64, Vec<usize>> = HashMap::default();
    for (i, s) in timeline.sessions.iter().enumerate() {
        if s.ike_major_version != 2 {
            continue;
        }
        by_spi
            .entry(s.spi_i)
            .or_insert_with(|| {
                order.push(s.spi_i);
                Vec::new()
            })
            .push(i);
    }
    order
        .into_iter()
        .map(|spi_i| SaView {
            spi_i,
            sessions: by_spi.remove(&spi_i).unwrap_or_default(),
            timeline,
        })
        .collect()
}

/// SPIs of the sessions that a later attempt restarted (INVALID_KE_PAYLOAD or COOKIE): those
/// are judged through the attempt that replaced them.
pub fn restarted_spis(timeline: &Timeline) -> std::collections::HashSet<u64> {
    timeline
        .sessions
        .iter()
        .filter_map(|s| s.restart_of.as_ref())
        .filter_map(|r| timeline.sessions.get(r.session).map(|s| s.spi_i))
        .collect()
}

/// Clock offset of one capture relative to another, from datagrams both saw.
#[derive(Debug, Clone, PartialEq)]
pub struct ClockOffset {
    pub reference: SourceId,
    pub other: SourceId,
    /// `other`'s clock minus `reference`'s clock, in seconds (one-way delays cancel out).
    pub offset_seconds: f64,
    pub matched_datagrams: usize,
}

/// For each pair of capture sources that saw the same datagrams (same SPIs, message ID, flags
/// and bytes), estimates the clock offset as the mean of the median apparent delays in each
/// direction: the one-way delays cancel out when the path is symmetric.
pub fn clock_offsets(timeline: &Timeline) -> Vec<ClockOffset> {
    const MAX_SAMPLES: usize = 1000;
    type Key = (u64, u32, bool, bool, u64);
    let mut seen: BTreeMap<Key, Vec<(SourceId, Timestamp, bool)>> = BTreeMap::new();
    for event in &timeline.events {
        if let ike_timeline::EventKind::Ike(m) = &event.kind {
            let key = (
                m.spi_i,
                m.message_id,
                m.response,
                m.from_initiator,
                m.digest,
            );
            let entry = seen.entry(key).or_default();
            if !entry.iter().any(|(s, _, _)| *s == event.source) {
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

fn median(mut values: Vec<i64>) -> Option<i64> {
    values.sort_unstable();
    values.get(values.len() / 2).copied()
}
