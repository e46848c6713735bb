//! The vocabulary of `shared/spec/report-contract.md`: outcomes, phases, categories and
//! confidence, with the exact strings the contract fixes. Every part of ike-doctor that states
//! a verdict (the diagnosis, the probe) speaks it from here, so the words cannot drift apart.
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Failed,
    Established,
    NoIkeTraffic,
    Inconclusive,
}

impl Outcome {
    /// The contract's string (`failed`, `established`, `no-ike-traffic`, `inconclusive`).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Failed => "failed",
            Outcome::Established => "established",
            Outcome::NoIkeTraffic => "no-ike-traffic",
            Outcome::Inconclusive => "inconclusive",
        }
    }
}

/// A phase as the contract names it (`IKE_SA_INIT`, `IKE_AUTH`, `CHILD_SA`, `ESTABLISHED`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
    pub const ALL: [FailurePhase; 4] = [
        FailurePhase::IkeSaInit,
        FailurePhase::IkeAuth,
        FailurePhase::ChildSa,
        FailurePhase::Established,
    ];

    /// The phase the contract spells `name` (`None` for any other text).
    pub fn parse(name: &str) -> Option<FailurePhase> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FailurePhase::IkeSaInit => "IKE_SA_INIT",
            FailurePhase::IkeAuth => "IKE_AUTH",
            FailurePhase::ChildSa => "CHILD_SA",
            FailurePhase::Established => "ESTABLISHED",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
    DataPlane,
    ConfigOther,
}

impl Category {
    pub const ALL: [Category; 15] = [
        Category::UdpBlocked,
        Category::Nat,
        Category::AuthCert,
        Category::AuthPsk,
        Category::AuthId,
        Category::AuthEap,
        Category::ProposalIke,
        Category::ProposalDh,
        Category::ProposalEsp,
        Category::TrafficSelectors,
        Category::Clock,
        Category::MtuFragmentation,
        Category::Implementation,
        Category::DataPlane,
        Category::ConfigOther,
    ];

    /// The category the contract spells `name` (`None` for any other text).
    pub fn parse(name: &str) -> Option<Category> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }

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
            Category::DataPlane => "data-plane",
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

impl Confidence {
    /// The contract's string (`low`, `medium`, `high`).
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// Which end of an IKE SA an input was recorded at (a capture point, a daemon's log).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum End {
    Initiator,
    Responder,
    /// Two ends in one input (e.g. a capture on a host running both peers).
    Both,
    Unknown,
}

impl End {
    pub fn as_str(self) -> &'static str {
        match self {
            End::Initiator => "initiator",
            End::Responder => "responder",
            End::Both => "both",
            End::Unknown => "unknown",
        }
    }

    /// The end that also saw what `other` saw.
    pub fn join(self, other: End) -> End {
        match (self, other) {
            (a, End::Unknown) => a,
            (End::Unknown, b) => b,
            (a, b) if a == b => a,
            _ => End::Both,
        }
    }
}

/// Who states a fact, ranked by how much they know about it (most first): a peer's statement
/// about its own action ("received proposals unacceptable", "unable to add SAD entry") outranks
/// that peer's reading of the other's answer ("received NO_PROPOSAL_CHOSEN"), which outranks an
/// inference from the shape of the packets (sizes, timing, silence).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Knowledge {
    /// Inferred from sizes, timing or silence on the wire.
    WireShape,
    /// A peer's reading of the other peer's answer (a notify it received).
    PeerReading,
    /// A statement about one's own action or state: a daemon's own decision, the content of a
    /// decrypted message read by its sender's intent, a certificate file's dates.
    OwnStatement,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
        for p in FailurePhase::ALL {
            assert_eq!(FailurePhase::parse(p.as_str()), Some(p));
        }
        assert_eq!(Category::parse("data-plane"), Some(Category::DataPlane));
        assert_eq!(Category::parse("nope"), None);
    }

    #[test]
    fn strings_are_the_serialised_names() {
        for o in [
            Outcome::Failed,
            Outcome::Established,
            Outcome::NoIkeTraffic,
            Outcome::Inconclusive,
        ] {
            assert_eq!(serde_json::to_value(o).ok(), Some(o.as_str().into()));
        }
        for c in [Confidence::Low, Confidence::Medium, Confidence::High] {
            assert_eq!(serde_json::to_value(c).ok(), Some(c.as_str().into()));
        }
    }

    #[test]
    fn ends_join() {
        assert_eq!(End::Initiator.join(End::Unknown), End::Initiator);
        assert_eq!(End::Initiator.join(End::Responder), End::Both);
        assert_eq!(End::Unknown.join(End::Unknown), End::Unknown);
    }

    #[test]
    fn knowledge_ranks_own_statements_first() {
        assert!(Knowledge::OwnStatement > Knowledge::PeerReading);
        assert!(Knowledge::PeerReading > Knowledge::WireShape);
    }
}
