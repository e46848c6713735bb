//! From findings to verdicts. Per SA, the findings are ranked by who knows (a peer's statement
//! about itself, then a peer's reading of the other, then the packets' shape), a finding that a
//! better-informed one contradicts is dropped (its evidence kept as corroboration where it
//! agrees), two equally informed findings that disagree leave the category open with both as
//! candidates, and problems that did not stop an established SA become warnings. The overall
//! verdict summarises the SAs.

use ike_contract::{Category, FailurePhase, Knowledge, Outcome};
use ike_timeline::{Phase, Timeline};

use crate::model::{Candidate, Finding, PeerRow, Severity, Verdict, MAX_CANDIDATES};

/// What the verdict of one SA rests on, beyond its findings.
pub struct SaState {
    /// How far the SA got on the wire (or in its logs).
    pub phase: Phase,
    /// A log of the SA states the CHILD_SA established (a peer's statement).
    pub established_in_log: bool,
    /// Replaced by a later attempt.
    pub superseded: bool,
    /// IKEv1 that neither a log nor its own datagrams could judge (recognised, not diagnosed).
    pub ikev1: bool,
}

/// The rank of a finding: who knows, then a decided category, then confidence.
fn rank(f: &Finding) -> (Knowledge, bool, ike_contract::Confidence) {
    (f.knowledge, f.category.is_some(), f.confidence)
}

/// What the overall verdict compares of an SA's top finding: a decided category first, then
/// who knows, then confidence.
pub type Rank = (bool, Knowledge, ike_contract::Confidence);

pub fn overall_rank(f: &Finding) -> Rank {
    (f.category.is_some(), f.knowledge, f.confidence)
}

/// Applies "who knows" to one SA's failure findings: returns them most likely first, with the
/// contradicted ones removed.
pub fn rank_failures(mut failures: Vec<Finding>, state: &SaState) -> Vec<Finding> {
    let established = state.phase == Phase::Established || state.established_in_log;
    if established {
        // The SA came up: an inference from the packets' shape that it failed before that is
        // contradicted. A peer's statement is not (the peer may refuse after its own side came up).
        failures.retain(|f| match f.phase {
            FailurePhase::IkeSaInit | FailurePhase::IkeAuth | FailurePhase::ChildSa => {
                f.knowledge != Knowledge::WireShape
                    || (f.phase == FailurePhase::ChildSa && state.phase == Phase::Established)
            }
            FailurePhase::Established => true,
        });
    }
    let top = failures
        .iter()
        .filter(|f| f.category.is_some())
        .map(|f| f.knowledge)
        .max();
    let Some(top) = top else {
        failures.sort_by_key(|f| std::cmp::Reverse(rank(f)));
        return failures;
    };
    let top_categories: Vec<Category> = failures
        .iter()
        .filter(|f| f.knowledge == top)
        .filter_map(|f| f.category)
        .collect();
    // An open finding better informed than every decided one: decided findings it does not
    // allow are contradicted.
    let open_above: Vec<Vec<Category>> = failures
        .iter()
        .filter(|f| f.category.is_none() && f.knowledge > top && !f.candidates.is_empty())
        .map(|f| f.candidates.iter().map(|k| k.category).collect())
        .collect();
    let allowed = |c: Category| open_above.iter().all(|o| o.contains(&c));
    let mut kept: Vec<Finding> = Vec::new();
    let mut corroborating: Vec<Finding> = Vec::new();
    for f in failures {
        match f.category {
            Some(c) if !allowed(c) => {}
            Some(c) if f.knowledge < top => {
                // The same cause seen by a less informed input stays, after the winner (a
                // certificate file's dates next to the daemon's refusal); another cause is
                // contradicted by a better-informed input: dropped.
                if top_categories.contains(&c) {
                    kept.push(f);
                }
            }
            Some(_) => kept.push(f),
            None if f.knowledge <= top => corroborating.push(f),
            None => kept.push(f),
        }
    }
    // A decided finding still standing is allowed by every better-informed open one: it
    // refines them (the log says "refused", the certificate file says why). Decided first.
    kept.sort_by(|a, b| {
        b.category
            .is_some()
            .cmp(&a.category.is_some())
            .then(rank(b).cmp(&rank(a)))
    });
    let (decided, open): (Vec<Finding>, Vec<Finding>) =
        kept.into_iter().partition(|f| f.category.is_some());
    let mut kept = decided;
    if kept.is_empty() {
        kept = open;
    } else {
        corroborating.extend(open);
    }
    // What agrees with the winner adds its first evidence to it.
    if let Some(first) = kept.iter_mut().find(|f| f.category.is_some()) {
        for f in corroborating {
            if first.evidence.len() >= 10 {
                break;
            }
            let agrees = f.category.is_none_or(|c| Some(c) == first.category)
                && (f.category.is_some()
                    || f.candidates.is_empty()
                    || f.candidates
                        .iter()
                        .any(|k| Some(k.category) == first.category));
            if agrees {
                if let Some(e) = f.evidence.into_iter().next() {
                    if !first.evidence.contains(&e) {
                        first.evidence.push(e);
                    }
                }
            }
        }
    }
    kept
}

/// The verdict of one SA from its ranked failures, warnings and unsettled findings.
pub fn sa_verdict(
    failures: &[Finding],
    warnings: &[Finding],
    unsettled: &[Finding],
    state: &SaState,
) -> Verdict {
    if state.ikev1 {
        return Verdict::new(Outcome::Inconclusive, "IKEv1 SA: recognised, not diagnosed");
    }
    if let Some(top) = failures.first() {
        // Equally informed findings that name different causes leave the category open.
        let rivals: Vec<&Finding> = failures
            .iter()
            .filter(|f| {
                f.category.is_some() && f.knowledge == top.knowledge && f.category != top.category
            })
            .collect();
        if top.category.is_some() && !rivals.is_empty() {
            let mut candidates: Vec<Candidate> = Vec::new();
            for f in std::iter::once(top).chain(rivals) {
                if let Some(c) = f.category {
                    if !candidates.iter().any(|k| k.category == c)
                        && candidates.len() < MAX_CANDIDATES
                    {
                        candidates.push(Candidate {
                            phase: f.phase,
                            category: c,
                            why: f.title.clone().into(),
                            decided_by: "the inputs disagree: each is cited".into(),
                        });
                    }
                }
            }
            let mut v = Verdict::new(
                Outcome::Failed,
                format!("the inputs disagree on the cause: {}", top.title),
            );
            v.phase = crate::model::common_phase(top.phase, &candidates);
            v.candidates = candidates;
            return v;
        }
        let mut v = Verdict::new(Outcome::Failed, top.title.clone());
        v.category = top.category;
        if top.category.is_some() {
            v.phase = Some(top.phase);
        } else {
            v.phase = top.common_phase();
            v.candidates = top.candidates.clone();
        }
        return v;
    }
    let established = state.phase == Phase::Established || state.established_in_log;
    if established {
        let mut v = Verdict::new(Outcome::Established, "IKE SA and CHILD_SA established");
        // A copy, not the findings themselves: it is made to size, where the rules' lists
        // keep the room they grew (6 MB more on a gateway's thousands of warned SAs).
        v.warnings = warnings.to_vec();
        return v;
    }
    if let Some(u) = unsettled.first() {
        let mut v = Verdict::new(Outcome::Inconclusive, u.title.clone());
        v.candidates = u.candidates.clone();
        return v;
    }
    Verdict::new(
        Outcome::Inconclusive,
        format!(
            "the SA was not seen to establish (furthest phase reached: {}) and no rule named a cause",
            state.phase.as_str()
        ),
    )
}

/// The overall verdict over the SAs' verdicts (superseded and IKEv1 ones left out).
pub fn overall(
    timeline: &Timeline,
    verdicts: &[Verdict],
    states: &[SaState],
    tops: &[Option<Rank>],
) -> Verdict {
    let judged: Vec<usize> = (0..verdicts.len())
        .filter(|&i| !states[i].superseded && !states[i].ikev1)
        .collect();
    if timeline.sessions.is_empty() {
        let lines = timeline
            .events
            .iter()
            .filter(|e| matches!(e.kind, ike_timeline::EventKind::Log(_)))
            .count();
        if lines > 0 {
            // Log lines that show steps of a negotiation but neither an SA nor a failure.
            return Verdict::new(
                Outcome::Inconclusive,
                format!(
                    "{lines} known log line(s) read, none of them a failure or an IKE SA's \
                     start: give the whole log around them (both peers' if possible), or a capture"
                ),
            );
        }
        return Verdict::new(Outcome::NoIkeTraffic, "no IKE traffic in the evidence");
    }
    if judged.is_empty() {
        return Verdict::new(Outcome::Inconclusive, "only IKEv1 traffic was seen");
    }
    let failed: Vec<usize> = judged
        .iter()
        .copied()
        .filter(|&i| verdicts[i].outcome == Outcome::Failed)
        .collect();
    if let Some(&best) = failed.iter().max_by(|&&a, &&b| {
        // Different SAs do not contradict each other: the one whose cause is decided says the
        // most, then the best informed; among equals, the earliest SA.
        let key = |i: usize| tops[i];
        key(a).cmp(&key(b)).then(b.cmp(&a))
    }) {
        let mut v = verdicts[best].clone();
        if failed.len() > 1 {
            v.summary = format!(
                "{} ({} of {} IKE SAs failed)",
                v.summary,
                failed.len(),
                judged.len()
            );
        }
        return v;
    }
    if judged
        .iter()
        .all(|&i| verdicts[i].outcome == Outcome::Established)
    {
        let mut v = Verdict::new(
            Outcome::Established,
            format!(
                "{} IKE SA{} established",
                judged.len(),
                if judged.len() == 1 { "" } else { "s" }
            ),
        );
        for &i in &judged {
            for w in &verdicts[i].warnings {
                if !v
                    .warnings
                    .iter()
                    .any(|x: &Finding| x.rule == w.rule && x.category == w.category)
                {
                    v.warnings.push(w.clone());
                }
            }
        }
        return v;
    }
    let first = judged
        .iter()
        .copied()
        .find(|&i| verdicts[i].outcome == Outcome::Inconclusive)
        .unwrap_or(judged[0]);
    let mut v = verdicts[first].clone();
    v.outcome = Outcome::Inconclusive;
    v
}

/// Attempts, established and failed SAs per peer pair, in the order each pair was first seen.
/// Grouped by sorting the SAs rather than through a map keyed by the pair: a flood of SAs
/// from as many addresses makes as many rows, and the sort costs 4 bytes an SA where a map
/// cost 56.
pub fn peers(timeline: &Timeline, verdicts: &[Verdict], states: &[SaState]) -> Vec<PeerRow> {
    let pair = |i: u32| {
        let s = &timeline.sessions[i as usize];
        (s.initiator().ip(), s.responder().ip())
    };
    let mut counted: Vec<u32> = (0..timeline
        .sessions
        .len()
        .min(verdicts.len())
        .min(states.len()))
        .filter(|&i| !states[i].superseded && !states[i].ikev1)
        .filter_map(|i| u32::try_from(i).ok())
        .collect();
    // The SA's index last in the key: each pair's group starts with its first SA.
    counted.sort_unstable_by_key(|&i| (pair(i), i));
    // Each group as (its first SA, where it starts in `counted`, its length), put in
    // first-seen order (12 bytes a group: a flood makes a group per SA).
    let mut groups: Vec<(u32, u32, u32)> = Vec::new();
    let mut start = 0;
    for group in counted.chunk_by(|&a, &b| pair(a) == pair(b)) {
        // Both fit: `counted` holds at most u32::MAX indexes.
        let len = group.len() as u32;
        groups.push((group[0], start, len));
        start += len;
    }
    groups.sort_unstable();
    let mut rows = Vec::with_capacity(groups.len());
    for (first, start, len) in groups {
        let (initiator, responder) = pair(first);
        let mut row = PeerRow {
            initiator,
            responder,
            attempts: 0,
            established: 0,
            failed: Default::default(),
        };
        for &i in &counted[start as usize..][..len as usize] {
            row.count(&verdicts[i as usize]);
        }
        rows.push(row);
    }
    rows
}

/// Splits findings by severity.
pub fn split(findings: Vec<Finding>) -> (Vec<Finding>, Vec<Finding>, Vec<Finding>) {
    let mut failures = Vec::new();
    let mut warnings = Vec::new();
    let mut unsettled = Vec::new();
    for f in findings {
        match f.severity {
            Severity::Failure => failures.push(f),
            Severity::Warning => warnings.push(f),
            Severity::Unsettled => unsettled.push(f),
        }
    }
    (failures, warnings, unsettled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{nonce, Ike, Lab, I};
    use ike_wire::ExchangeType;

    #[test]
    fn a_failure_whose_phase_is_open_is_counted_so_per_peer() {
        let mut lab = Lab::new();
        let capture = lab.capture("two-peers.pcap");
        for (spi, client) in [(1, "192.0.2.10:500"), (2, "192.0.2.11:500")] {
            let request = Ike::new(spi, 0, ExchangeType::IKE_SA_INIT, 0, I)
                .with(nonce())
                .between(client, "198.51.100.1:500");
            lab.send(capture, spi as i64, request);
        }
        let timeline = lab.finish();
        let failed = |phase| Verdict {
            phase,
            ..Verdict::new(Outcome::Failed, "failed")
        };
        let verdicts = [failed(Some(FailurePhase::IkeSaInit)), failed(None)];
        let state = || SaState {
            phase: Phase::IkeSaInit,
            established_in_log: false,
            superseded: false,
            ikev1: false,
        };
        let rows = peers(&timeline, &verdicts, &[state(), state()]);
        let failed: Vec<_> = rows.iter().map(|r| r.failed.to_vec()).collect();
        assert_eq!(
            failed,
            [
                [(Some(FailurePhase::IkeSaInit), None, 1)],
                [(None, None, 1)]
            ]
        );
    }

    #[test]
    fn peers_are_rows_in_first_seen_order_with_each_pairs_sas_counted_together() {
        let mut lab = Lab::new();
        let capture = lab.capture("three-attempts.pcap");
        let clients = ["192.0.2.20:500", "192.0.2.10:500", "192.0.2.20:500"];
        for (spi, client) in (1..).zip(clients) {
            let request = Ike::new(spi, 0, ExchangeType::IKE_SA_INIT, 0, I)
                .with(nonce())
                .between(client, "198.51.100.1:500");
            lab.send(capture, spi as i64, request);
        }
        let timeline = lab.finish();
        let verdicts = [
            Verdict::new(Outcome::Established, "up"),
            Verdict {
                phase: Some(FailurePhase::IkeSaInit),
                category: Some(Category::UdpBlocked),
                ..Verdict::new(Outcome::Failed, "failed")
            },
            Verdict {
                phase: Some(FailurePhase::IkeSaInit),
                category: Some(Category::UdpBlocked),
                ..Verdict::new(Outcome::Failed, "failed")
            },
        ];
        let state = || SaState {
            phase: Phase::IkeSaInit,
            established_in_log: false,
            superseded: false,
            ikev1: false,
        };
        let rows = peers(&timeline, &verdicts, &[state(), state(), state()]);
        let seen: Vec<_> = rows
            .iter()
            .map(|r| {
                (
                    r.initiator.to_string(),
                    r.attempts,
                    r.established,
                    r.failed.to_vec(),
                )
            })
            .collect();
        let blocked = (Some(FailurePhase::IkeSaInit), Some(Category::UdpBlocked), 1);
        assert_eq!(
            seen,
            [
                ("192.0.2.20".to_string(), 2, 1, vec![blocked]),
                ("192.0.2.10".to_string(), 1, 0, vec![blocked]),
            ]
        );
    }
}
