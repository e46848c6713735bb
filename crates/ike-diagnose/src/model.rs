//! The diagnosis vocabulary, in the contract's exact words.
use ike_timeline::{Locator, SourceId};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Failed,
    Established,
    NoIkeTraffic,
    Inconclusive,
}

/// A phase as the contract names it (`IKE_SA_INIT`, `IKE_AUTH`, `CHILD_SA`, `ESTABLISHED`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum FailurePhase {
    #[serde(rename = "IKE_SA_INIT")]
    IkeSaInit,
    #[serde(rename = "IKE_AUTH")]
    IkeAuth,
    #[serde(rename = "CHILD_SA")]
    ChildSa,
    #[serde(rename = "ESTABLISHED")]
    Established,
}

impl FailurePhase {
    pub fn as_str(self) -> &'static str {
        match self {
            FailurePhase::IkeSaInit => "IKE_SA_INIT",
            FailurePhase::IkeAuth => "IKE_AUTH",
            FailurePhase::ChildSa => "CHILD_SA",
            FailurePhase::Established => "ESTABLISHED",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    UdpBlocked,
    Nat,
    AuthCert,
    AuthPsk,
    AuthId,
    AuthEap,
    ProposalIke,
    ProposalDh,
    ProposalEsp,
    TrafficSelectors,
    Clock,
    MtuFragmentation,
    Implementation,
    ConfigOther,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::UdpBlocked => "udp-blocked",
            Category::Nat => "nat",
            Category::AuthCert => "auth-cert",
            Category::AuthPsk => "auth-psk",
            Category::AuthId => "auth-id",
            Category::AuthEap => "auth-eap",
            Category::ProposalIke => "proposal-ike",
            Category::ProposalDh => "proposal-dh",
            Category::ProposalEsp => "proposal-esp",
            Category::TrafficSelectors => "traffic-selectors",
            Category::Clock => "clock",
            Category::MtuFragmentation => "mtu-fragmentation",
            Category::Implementation => "implementation",
            Category::ConfigOther => "config-other",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

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
