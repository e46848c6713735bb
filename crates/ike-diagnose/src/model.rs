//! The diagnosis vocabulary: the contract's words (from `ike-contract`) and the findings and
//! verdict built from them.
use ike_timeline::{Locator, SourceId};

pub use ike_contract::{Category, Confidence, FailurePhase, Outcome};

/// One piece of evidence a finding cites: a frame or a line of a source, with a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRef {
    pub source: SourceId,
    pub at: Option<Locator>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Name of the rule that produced it.
    pub rule: &'static str,
    pub phase: FailurePhase,
    /// `None` when the evidence cannot decide between categories.
    pub category: Option<Category>,
    pub confidence: Confidence,
    pub title: String,
    pub evidence: Vec<EvidenceRef>,
    pub fix: Vec<String>,
    /// How many IKE SA attempts showed the same (1 for one).
    pub attempts: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub outcome: Outcome,
    pub phase: Option<FailurePhase>,
    pub category: Option<Category>,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnosis {
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
    /// Clock offsets between captures that saw the same datagrams.
    pub clock_offsets: Vec<crate::view::ClockOffset>,
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
