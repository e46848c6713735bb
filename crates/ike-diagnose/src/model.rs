//! The diagnosis vocabulary: the contract's words (from `ike-contract`) and the findings,
//! candidates and verdicts built from them.
use ike_timeline::{Locator, SourceId};

pub use ike_contract::{Category, Confidence, End, FailurePhase, Knowledge, Outcome};

pub use crate::fix::{ConfigChange, Fix, Syntax};

/// One piece of evidence a finding cites: a frame or a line of a source, with a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRef {
    pub source: SourceId,
    pub at: Option<Locator>,
    pub note: String,
}

/// A (phase, category) the evidence still allows when it does not decide the category, with
/// why it fits and what evidence would decide it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub phase: FailurePhase,
    pub category: Category,
    /// Mostly fixed words: borrowed, so that thousands of SAs with the same candidates cost
    /// nothing more.
    pub why: std::borrow::Cow<'static, str>,
    pub decided_by: std::borrow::Cow<'static, str>,
}

/// Whether a finding is why an attempt failed, or a problem that did not stop an SA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Failure,
    /// Did not stop the SA (fragmented ESP that still flows, a weak algorithm, rekey retries).
    Warning,
    /// The evidence stops before it could show the outcome (a capture cut right after a
    /// request): says why the SA stays inconclusive.
    Unsettled,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Name of the rule that produced it.
    pub rule: &'static str,
    pub phase: FailurePhase,
    /// `None` when the evidence cannot decide between categories; `candidates` then lists those
    /// that remain.
    pub category: Option<Category>,
    pub candidates: Vec<Candidate>,
    pub confidence: Confidence,
    /// Who states what the finding rests on: the ranking puts a peer's statement about itself
    /// above the other peer's reading, and both above the shape of the packets.
    pub knowledge: Knowledge,
    pub severity: Severity,
    pub title: String,
    pub evidence: Vec<EvidenceRef>,
    pub fix: Vec<Fix>,
    /// How many IKE SA attempts showed the same (1 for one).
    pub attempts: usize,
    /// The SA (index into the timeline's sessions) the finding is about.
    pub session: Option<usize>,
}

impl Finding {
    /// A failure finding with a decided category.
    pub fn decided(
        rule: &'static str,
        phase: FailurePhase,
        category: Category,
        knowledge: Knowledge,
        title: impl Into<String>,
    ) -> Finding {
        Finding {
            rule,
            phase,
            category: Some(category),
            candidates: Vec::new(),
            confidence: Confidence::High,
            knowledge,
            severity: Severity::Failure,
            title: title.into(),
            evidence: Vec::new(),
            fix: Vec::new(),
            attempts: 1,
            session: None,
        }
    }

    /// A failure finding whose category is open between `candidates` (most likely first; at
    /// most three are kept).
    pub fn open(
        rule: &'static str,
        phase: FailurePhase,
        knowledge: Knowledge,
        title: impl Into<String>,
        mut candidates: Vec<Candidate>,
    ) -> Finding {
        candidates.truncate(MAX_CANDIDATES);
        Finding {
            rule,
            phase,
            category: None,
            candidates,
            confidence: Confidence::Medium,
            knowledge,
            severity: Severity::Failure,
            title: title.into(),
            evidence: Vec::new(),
            fix: Vec::new(),
            attempts: 1,
            session: None,
        }
    }

    pub fn confidence(mut self, confidence: Confidence) -> Finding {
        self.confidence = confidence;
        self
    }

    pub fn warning(mut self) -> Finding {
        self.severity = Severity::Warning;
        self
    }

    pub fn evidence(mut self, evidence: impl IntoIterator<Item = EvidenceRef>) -> Finding {
        self.evidence.extend(evidence);
        self
    }

    pub fn fix(mut self, fix: impl IntoIterator<Item = Fix>) -> Finding {
        self.fix.extend(fix);
        self
    }

    /// Its phase, or `None` when its open candidates span several phases (the phase is then
    /// as open as the category).
    pub fn common_phase(&self) -> Option<FailurePhase> {
        common_phase(self.phase, &self.candidates)
    }
}

/// The phase the candidates agree on, or `None` when they span several.
pub(crate) fn common_phase(own: FailurePhase, candidates: &[Candidate]) -> Option<FailurePhase> {
    if candidates.iter().all(|c| c.phase == own) {
        Some(own)
    } else {
        None
    }
}

/// Most candidates a verdict or finding lists.
pub const MAX_CANDIDATES: usize = 3;

/// The contract's verdict: for the whole evidence, and for each SA.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub outcome: Outcome,
    /// `None` when established, without IKE traffic, or when even the phase is open.
    pub phase: Option<FailurePhase>,
    pub category: Option<Category>,
    pub summary: String,
    /// When `category` is `None` on a failure: what remains, most likely first.
    pub candidates: Vec<Candidate>,
    /// Problems that did not stop an established SA.
    pub warnings: Vec<Finding>,
}

impl Verdict {
    pub fn new(outcome: Outcome, summary: impl Into<String>) -> Verdict {
        Verdict {
            outcome,
            phase: None,
            category: None,
            summary: summary.into(),
            candidates: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

/// Attempts, established and failed SAs per peer pair, for reports of many SAs.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerRow {
    pub initiator: std::net::IpAddr,
    pub responder: std::net::IpAddr,
    pub attempts: u32,
    pub established: u32,
    /// Failed attempts per (phase, category); `None` for a phase or category left open. Inline
    /// for one: most pairs fail one way, and a gateway's table has a row per client.
    pub failed: smallvec::SmallVec<[FailedCount; 1]>,
}

/// Failed attempts of one (phase, category), either `None` when left open.
pub type FailedCount = (Option<FailurePhase>, Option<Category>, u32);

impl PeerRow {
    /// Counts one SA's verdict.
    pub(crate) fn count(&mut self, verdict: &Verdict) {
        self.attempts = self.attempts.saturating_add(1);
        match verdict.outcome {
            Outcome::Established => self.established = self.established.saturating_add(1),
            Outcome::Failed => {
                // A failure whose phase is open (a lone line, an error code) is counted so.
                let key = (verdict.phase, verdict.category);
                match self.failed.iter_mut().find(|(p, c, _)| (*p, *c) == key) {
                    Some(entry) => entry.2 = entry.2.saturating_add(1),
                    None => self.failed.push((key.0, key.1, 1)),
                }
            }
            _ => {}
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnosis {
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
    /// One verdict per SA, parallel to the timeline's sessions.
    pub sessions: Vec<Verdict>,
    /// Per peer pair, when there are several.
    pub peers: Vec<PeerRow>,
}

impl Diagnosis {
    /// The contract's exit status: 0 when every attempt established, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self.verdict.outcome {
            Outcome::Established => 0,
            _ => 1,
        }
    }
}
