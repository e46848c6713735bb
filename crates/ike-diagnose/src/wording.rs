//! The diagnosis of a text that speaks of IKE in lines ike-doctor does not know (see
//! [`ike_logs::vocabulary`]). It decides nothing: the verdict stays inconclusive, cites the
//! lines, and lists as candidates the causes their words point at. It applies only when
//! nothing else given held IKE evidence, so it never outranks a line or packet that was read.
use ike_contract::{FailurePhase, Knowledge};
use ike_logs::vocabulary::Wording;
use ike_timeline::{Locator, SourceId};

use crate::model::{
    common_phase, Candidate, Diagnosis, EvidenceRef, Finding, Outcome, Verdict, MAX_CANDIDATES,
};

pub const RULE_ID: &str = "unknown-ike-wording";

const DECIDED_BY: &str =
    "a log ike-doctor knows (either peer's daemon), a capture of the attempt, or `ike-doctor explain` on a known line";

/// The open finding for one text, or `None` when no line of it speaks of IKE.
pub fn finding(source: SourceId, wording: &Wording) -> Option<Finding> {
    if wording.lines.is_empty() {
        return None;
    }
    let candidates: Vec<Candidate> = wording
        .hints(MAX_CANDIDATES)
        .into_iter()
        .map(|h| Candidate {
            phase: h.phase,
            category: h.category,
            why: h.why().into(),
            decided_by: DECIDED_BY.into(),
        })
        .collect();
    let phase = candidates
        .first()
        .map_or(FailurePhase::IkeSaInit, |c| c.phase);
    let title = format!(
        "{} line(s) speak of IKE/IPsec, none of them a line ike-doctor knows: read as words, not as a cause",
        wording.count
    );
    let evidence = wording.lines.iter().map(|l| EvidenceRef {
        source,
        at: Some(Locator::Line(l.line)),
        note: l.text.clone(),
    });
    // Words are the weakest reading there is: lower than any rule's.
    Some(
        Finding::open(RULE_ID, phase, Knowledge::PeerReading, title, candidates)
            .confidence(crate::model::Confidence::Low)
            .evidence(evidence),
    )
}

/// Makes `diagnosis` say what the texts' words allow, when nothing else held IKE evidence.
pub fn apply(diagnosis: &mut Diagnosis, texts: &[(SourceId, Wording)]) {
    if diagnosis.verdict.outcome != Outcome::NoIkeTraffic {
        return;
    }
    let findings: Vec<Finding> = texts
        .iter()
        .filter_map(|(source, wording)| finding(*source, wording))
        .collect();
    let Some(top) = findings.first() else {
        return;
    };
    let mut verdict = Verdict::new(Outcome::Inconclusive, top.title.clone());
    verdict.candidates = top.candidates.clone();
    verdict.phase = if top.candidates.is_empty() {
        None
    } else {
        common_phase(top.phase, &top.candidates)
    };
    diagnosis.verdict = verdict;
    diagnosis.findings.splice(0..0, findings);
}

#[cfg(test)]
mod tests {
    use super::*;
    use ike_contract::Category;

    fn diagnosis(outcome: Outcome) -> Diagnosis {
        Diagnosis {
            verdict: Verdict::new(outcome, "x"),
            findings: Vec::new(),
            sessions: Vec::new(),
            peers: Vec::new(),
        }
    }

    #[test]
    fn words_open_the_verdict_with_their_candidates() {
        let wording = ike_logs::vocabulary::wording(
            b"2024-01-01 kmd: IKE phase-2 negotiation failed: proposal mismatch\n",
        );
        let mut d = diagnosis(Outcome::NoIkeTraffic);
        apply(&mut d, &[(SourceId(0), wording)]);
        assert_eq!(d.verdict.outcome, Outcome::Inconclusive);
        assert_eq!(d.verdict.category, None);
        assert_eq!(d.verdict.candidates[0].category, Category::ProposalEsp);
        assert_eq!(d.verdict.phase, Some(FailurePhase::ChildSa));
        assert_eq!(d.findings[0].rule, RULE_ID);
        assert_eq!(d.findings[0].evidence[0].at, Some(Locator::Line(1)));
    }

    #[test]
    fn words_without_a_hint_leave_even_the_phase_open() {
        let wording = ike_logs::vocabulary::wording(b"ikemgr: IKE SA gw1 state changed\n");
        let mut d = diagnosis(Outcome::NoIkeTraffic);
        apply(&mut d, &[(SourceId(0), wording)]);
        assert_eq!(d.verdict.outcome, Outcome::Inconclusive);
        assert!(d.verdict.candidates.is_empty());
        assert_eq!(d.verdict.phase, None);
    }

    #[test]
    fn words_never_replace_evidence_that_was_read() {
        let wording = ike_logs::vocabulary::wording(b"IKE failed: certificate\n");
        for outcome in [Outcome::Failed, Outcome::Established, Outcome::Inconclusive] {
            let mut d = diagnosis(outcome);
            apply(&mut d, &[(SourceId(0), wording.clone())]);
            assert_eq!(d.verdict.outcome, outcome);
            assert!(d.findings.is_empty());
        }
    }
}
