//! The diagnosis engine. For every IKE SA of the [`Timeline`] (one SA seen from two ends is one
//! SA; SAs known only from logs included), a [`context::SaContext`] is built once; every rule of
//! the one registry ([`rules::all`]) reads it and returns findings; the findings are ranked by
//! who knows ([`verdict`]) into a verdict per SA and one overall. Rules read typed evidence
//! (messages, flows, log facts, coverage), never a source format.

pub mod certs;
pub mod config;
pub mod context;
pub mod fix;
pub mod host;
pub mod model;
pub mod nat;
pub mod parallel;
pub use ike_config::proposal;
pub mod rules;
pub mod verdict;
pub mod wording;

#[cfg(test)]
mod fixture;

pub use model::{
    Candidate, Category, Confidence, Diagnosis, EvidenceRef, FailurePhase, Finding, Knowledge,
    Outcome, PeerRow, Severity, Verdict,
};

use ike_logs::Fact;
use ike_timeline::Timeline;

use crate::verdict::SaState;

/// Diagnoses the timeline: runs every rule on every IKE SA, ranks each SA's findings into its
/// verdict, and states the overall verdict.
pub fn diagnose(timeline: &Timeline) -> Diagnosis {
    diagnose_with_threads(timeline, 1)
}

/// What the rules make of one SA.
struct Judged {
    state: SaState,
    verdict: Verdict,
    /// Its failures, most likely first.
    failures: Vec<Finding>,
}

/// Runs every rule on the `i`-th SA and ranks its findings into its verdict.
fn judge(evidence: &context::Evidence<'_>, i: usize) -> Option<Judged> {
    let sa = evidence.sa(i)?;
    let mut findings = Vec::new();
    // The rules know IKEv2's exchanges. A log joined to an IKEv1 SA is the daemon's own
    // account: that SA is judged from its logs, as it would be without the capture (the
    // context holds no IKEv2 messages for it, `SaContext::msgs`). Without a log, its headers
    // and clear notifies may still show where it stopped (`rules::ikev1`).
    let mut ikev1 = sa.session.ike_major_version != 2 && sa.logs.is_empty();
    if ikev1 {
        if let Some(mut f) = rules::ikev1::from_wire(&sa) {
            f.session = Some(i);
            findings.push(f);
            ikev1 = false;
        }
    } else {
        for rule in rules::all() {
            for mut f in rule.check(&sa) {
                f.session = Some(i);
                findings.push(f);
            }
        }
        // The strongest known line speaks when no rule did, or when the rules only left the
        // cause open from a reading less informed than the line (the client's reading of a
        // refusal, where the gateway's log states what it did).
        if findings.iter().all(|f| f.category.is_none()) {
            if let Some(mut f) = rules::lines::from_knowledge(&sa) {
                if findings.iter().all(|k| k.knowledge < f.knowledge) {
                    f.session = Some(i);
                    findings.push(f);
                }
            }
        }
    }
    let state = SaState {
        phase: sa.phase_reached(),
        established_in_log: sa.logs.iter().any(|l| l.has(Fact::ChildEstablished))
            && !sa.logs.iter().any(|l| l.has(Fact::PeerDeletedChild)),
        superseded: sa.superseded(),
        ikev1,
    };
    let (failures, warnings, unsettled) = verdict::split(findings);
    let failures = verdict::rank_failures(failures, &state);
    let verdict = verdict::sa_verdict(&failures, &warnings, &unsettled, &state);
    Some(Judged {
        state,
        verdict,
        failures,
    })
}

/// [`diagnose`], with the SAs judged on `threads` threads (see [`parallel::in_order`]): the
/// same diagnosis, sooner on a gateway's capture.
pub fn diagnose_with_threads(timeline: &Timeline, threads: usize) -> Diagnosis {
    let evidence = context::Evidence::new(timeline);
    let n = timeline.sessions.len();
    let mut verdicts = Vec::with_capacity(n);
    let mut states = Vec::with_capacity(n);
    let mut tops: Vec<Option<verdict::Rank>> = Vec::with_capacity(n);
    let mut findings_out: Vec<Finding> = Vec::new();
    let judge = |i: usize| judge(&evidence, i);
    parallel::in_order(n, threads, judge, judge, |judged| {
        for made in judged {
            let (parallel::Made::Here(j) | parallel::Made::There(j)) = made;
            tops.push(j.failures.first().map(verdict::overall_rank));
            if !j.state.superseded {
                for f in j.failures {
                    merge_finding(&mut findings_out, f);
                }
            }
            verdicts.push(j.verdict);
            states.push(j.state);
        }
    });
    // An attempt replaced by a restart (INVALID_KE_PAYLOAD, COOKIE) is judged by its replacement.
    for (i, s) in timeline.sessions.iter().enumerate() {
        if let Some(r) = s.restart_of() {
            if let (Some(replacement), true) =
                (verdicts.get(i).cloned(), r.session < verdicts.len())
            {
                let mut v = replacement;
                v.summary = format!("restarted ({}) as a new attempt: {}", r.reason, v.summary);
                verdicts[r.session] = v;
            }
        }
    }
    let overall = verdict::overall(timeline, &verdicts, &states, &tops);
    let peers = verdict::peers(timeline, &verdicts, &states);
    let findings = order_findings(findings_out, &overall);
    Diagnosis {
        verdict: overall,
        findings,
        sessions: verdicts,
        peers: if peers.len() > 1 { peers } else { Vec::new() },
    }
}

/// The same rule with the same conclusion on another attempt (a client retrying with new SPIs)
/// adds weight, not a new finding.
fn merge_finding(out: &mut Vec<Finding>, finding: Finding) {
    const EXTRA_EVIDENCE: usize = 2;
    if let Some(existing) = out.iter_mut().find(|f| {
        f.rule == finding.rule && f.category == finding.category && f.phase == finding.phase
    }) {
        existing.attempts += 1;
        if existing.evidence.len() < 8 {
            existing
                .evidence
                .extend(finding.evidence.into_iter().take(EXTRA_EVIDENCE));
        }
        return;
    }
    out.push(finding);
}

/// The finding the verdict rests on comes first, then by rank.
fn order_findings(mut out: Vec<Finding>, overall: &Verdict) -> Vec<Finding> {
    out.sort_by(|a, b| {
        let agrees = |f: &Finding| {
            overall.outcome == Outcome::Failed
                && f.category == overall.category
                && (overall.phase.is_none() || Some(f.phase) == overall.phase)
                && (f.category.is_some() || f.candidates == overall.candidates)
        };
        agrees(b)
            .cmp(&agrees(a))
            .then(b.knowledge.cmp(&a.knowledge))
            .then(b.category.is_some().cmp(&a.category.is_some()))
            .then(b.confidence.cmp(&a.confidence))
    });
    out
}
