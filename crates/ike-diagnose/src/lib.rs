//! The diagnosis engine. Small named rules each read the [`Timeline`] (never a source format)
//! and produce [`Finding`]s: phase, category, confidence, title, evidence and fix. Findings
//! are ranked and the first one becomes the [`Verdict`].

pub mod certs;
pub mod model;
pub mod nat;
pub mod rules;
pub mod rules_inner;
pub mod rules_logs;
pub mod view;

pub use model::{
    Category, Confidence, Diagnosis, EvidenceRef, FailurePhase, Finding, Outcome, Verdict,
};

use ike_timeline::{Phase, Timeline};

/// Diagnoses the timeline: runs every rule on every IKE SA, merges the findings that repeat
/// across attempts, ranks them, states the verdict.
pub fn diagnose(timeline: &Timeline) -> Diagnosis {
    let ctx = rules::Context::new(timeline);
    let mut findings: Vec<Finding> = Vec::new();
    // Log lines that name a cause come first: among equally confident findings the first found
    // ranks first, and a daemon's own words outrank the shape of the packets.
    for finding in rules_logs::diagnose_logs(timeline) {
        merge(&mut findings, finding);
    }
    for sa in &ctx.views {
        for (_, rule) in rules::RULES {
            for finding in rule(&ctx, sa) {
                merge(&mut findings, finding);
            }
        }
    }
    // Certificate files checked against the failed attempts they name (without decryption).
    for finding in certs::certificate_files(&ctx) {
        merge(&mut findings, finding);
    }
    // Most likely first: confidence, then a decided category, then the order found.
    findings.sort_by(|a, b| {
        b.confidence
            .cmp(&a.confidence)
            .then(b.category.is_some().cmp(&a.category.is_some()))
    });
    let verdict = verdict_from(timeline, &findings);
    Diagnosis {
        verdict,
        findings,
        clock_offsets: view::clock_offsets(timeline),
    }
}

/// The same rule with the same conclusion on another attempt (a client retrying with new
/// SPIs) adds weight, not a new finding.
fn merge(findings: &mut Vec<Finding>, finding: Finding) {
    const EXTRA_EVIDENCE: usize = 2;
    if let Some(existing) = findings.iter_mut().find(|f| {
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
    findings.push(finding);
}

fn verdict_from(timeline: &Timeline, findings: &[Finding]) -> Verdict {
    // Attempts that a restart replaced are judged through their replacement.
    let restarted = view::restarted_spis(timeline);
    let v2: Vec<_> = timeline
        .sessions
        .iter()
        .filter(|s| s.ike_major_version == 2 && !restarted.contains(&s.spi_i))
        .collect();
    if let Some(top) = findings.first() {
        return Verdict {
            outcome: Outcome::Failed,
            phase: Some(top.phase),
            category: top.category,
            summary: top.title.clone(),
        };
    }
    if let Some(verdict) = rules_logs::verdict_from_logs(timeline) {
        return verdict;
    }
    if timeline.sessions.is_empty() {
        return Verdict {
            outcome: Outcome::NoIkeTraffic,
            phase: None,
            category: None,
            summary: "no IKE traffic in the evidence".into(),
        };
    }
    if !v2.is_empty() && v2.iter().all(|s| s.phase_reached == Phase::Established) {
        return Verdict {
            outcome: Outcome::Established,
            phase: None,
            category: None,
            summary: format!(
                "{} IKE SA{} established",
                v2.len(),
                if v2.len() == 1 { "" } else { "s" }
            ),
        };
    }
    let furthest = v2.iter().map(|s| s.phase_reached).max();
    Verdict {
        outcome: Outcome::Inconclusive,
        phase: None,
        category: None,
        summary: match furthest {
            Some(p) => format!(
                "not every IKE SA was seen to establish (furthest phase reached: {}); no rule named a cause",
                p.as_str()
            ),
            None => "only IKEv1 traffic was seen".into(),
        },
    }
}
