//! What each input could have shown: which end of the IKE SAs it was recorded at, the time span
//! it covers, whether a capture held only the IKE ports (so bare ESP and ICMP could not appear in
//! it), whether it was cut short, and whether it starts in the middle of an SA. The absence of
//! something (no answer, no ESP) is evidence only where the input's coverage could have shown it.
use ike_capture::Timestamp;
use ike_contract::End;

use crate::event::Locator;

/// What one input could have shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// Which end of its IKE SAs the input was recorded at.
    pub end: End,
    /// Time of the first and last frame (or timed log line) read.
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
    /// What a capture may have been filtered to, when nothing else showed in it.
    pub filtered: Option<Filter>,
    /// Reading stopped before the end of the input.
    pub truncated: Option<Truncation>,
    /// The input starts inside an IKE SA whose IKE_SA_INIT it does not hold.
    pub starts_mid_sa: bool,
}

impl Default for Coverage {
    fn default() -> Self {
        Coverage {
            end: End::Unknown,
            first: None,
            last: None,
            filtered: None,
            truncated: None,
            starts_mid_sa: false,
        }
    }
}

impl Coverage {
    /// Widens the time span to hold `t`.
    pub fn saw(&mut self, t: Timestamp) {
        self.first = Some(self.first.map_or(t, |f| f.min(t)));
        self.last = Some(self.last.map_or(t, |l| l.max(t)));
    }

    /// Could bare ESP (IP protocol 50) have shown in this input?
    pub fn shows_bare_esp(&self) -> bool {
        self.filtered.is_none()
    }

    /// Could ESP in UDP (RFC 3948, on 4500) have shown in this input?
    pub fn shows_udp_esp(&self) -> bool {
        self.filtered != Some(Filter::IkeOnly)
    }

    /// Nanoseconds the input goes on after `t` (0 when it ends before, or has no times).
    pub fn covered_after(&self, t: Timestamp) -> i64 {
        self.last.map_or(0, |l| (l.0 - t.0).max(0))
    }
}

/// What a capture held nothing beyond.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// Only UDP on the IKE ports (500, 4500 and any `--ike-port`), ESP in UDP among it. Bare
    /// ESP, ICMP errors and unrelated traffic may have been filtered out.
    IkePortsOnly,
    /// Only IKE datagrams (and keepalives): no ESP at all, in UDP or bare. Any ESP may have been
    /// filtered out (a filter on the non-ESP marker), or none was sent.
    IkeOnly,
}

impl Filter {
    pub fn as_str(self) -> &'static str {
        match self {
            Filter::IkePortsOnly => "ike-ports-only",
            Filter::IkeOnly => "ike-only",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Filter::IkePortsOnly => {
                "only UDP on the IKE ports: bare ESP and ICMP errors may have been filtered out"
            }
            Filter::IkeOnly => {
                "only IKE: ESP and ICMP errors may have been filtered out, or none was sent"
            }
        }
    }
}

/// Where and why reading an input stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Truncation {
    /// Byte offset of the unreadable record.
    pub offset: u64,
    /// The last frame or line read whole.
    pub last_read: Option<Locator>,
    pub reason: String,
}

/// Completes each input's coverage once the SAs are known: which end each capture and log was
/// recorded at, and whether a capture starts inside an SA.
pub(crate) fn finish(timeline: &mut crate::Timeline, capture_offsets: &[crate::ClockOffset]) {
    use crate::event::EventKind;
    use ike_wire::ExchangeType;
    let sources = timeline.sources.len();
    let mut mid_sa = vec![false; sources];
    let mut first_ike: Vec<Option<Timestamp>> = vec![None; sources];
    // Per capture: how long its requests wait for their responses (median over SAs): the
    // initiator's capture waits a round trip, the responder's only the processing time.
    let mut waits: Vec<Vec<i64>> = vec![Vec::new(); sources];
    for session in &timeline.sessions {
        let mut first_seen = vec![false; sources];
        let mut request_at: Vec<Option<Timestamp>> = vec![None; sources];
        for (n, r) in session.messages.iter().enumerate() {
            let sightings = std::iter::once(r.event())
                .chain(session.seen_in().get(n).into_iter().flatten().copied());
            for i in sightings {
                let Some(event) = timeline.events.get(i) else {
                    continue;
                };
                let EventKind::Ike(m) = &event.kind else {
                    continue;
                };
                let s = event.source().0 as usize;
                if s >= sources {
                    continue;
                }
                if !first_seen[s] {
                    first_seen[s] = true;
                    let opens = m.exchange == ExchangeType::IKE_SA_INIT && !m.response;
                    if !opens {
                        mid_sa[s] = true;
                    }
                }
                first_ike[s] = Some(first_ike[s].map_or(event.time, |t| t.min(event.time)));
                if m.exchange == ExchangeType::IKE_SA_INIT {
                    if !m.response && request_at[s].is_none() {
                        request_at[s] = Some(event.time);
                    } else if m.response {
                        if let Some(asked) = request_at[s].take() {
                            if waits[s].len() < 1000 {
                                waits[s].push(event.time.0 - asked.0);
                            }
                        }
                    }
                }
            }
        }
    }
    for flow in &timeline.esp_flows {
        let s = flow.source.0 as usize;
        if s < sources && first_ike[s].is_none_or(|t| flow.first_ts < t) {
            mid_sa[s] = true;
        }
    }
    let median = |v: &[i64]| -> Option<i64> {
        let mut v = v.to_vec();
        v.sort_unstable();
        v.get(v.len() / 2).copied()
    };
    for pair in capture_offsets {
        let (a, b) = (pair.reference.0 as usize, pair.other.0 as usize);
        let (Some(wait_a), Some(wait_b)) = (
            waits.get(a).and_then(|w| median(w)),
            waits.get(b).and_then(|w| median(w)),
        ) else {
            continue;
        };
        // A difference under a tenth of a millisecond says nothing.
        if (wait_a - wait_b).abs() < 100_000 {
            continue;
        }
        let (initiator, responder) = if wait_a > wait_b { (a, b) } else { (b, a) };
        if let Some(s) = timeline.sources.get_mut(initiator) {
            s.coverage.end = s.coverage.end.join(End::Initiator);
        }
        if let Some(s) = timeline.sources.get_mut(responder) {
            s.coverage.end = s.coverage.end.join(End::Responder);
        }
    }
    let mut log_ends = vec![End::Unknown; sources];
    for group in &timeline.log_groups {
        if let Some(end) = log_ends.get_mut(group.source.0 as usize) {
            *end = end.join(group.end);
        }
    }
    for (s, source) in timeline.sources.iter_mut().enumerate() {
        match source.kind {
            crate::SourceKind::Capture => source.coverage.starts_mid_sa = mid_sa[s],
            crate::SourceKind::Log => source.coverage.end = log_ends[s],
            _ => {}
        }
    }
}
