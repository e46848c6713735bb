//! The vocabulary of `shared/spec/report-contract.md`: outcomes, phases, categories and
//! confidence, with the exact strings the contract fixes. Every part of ike-doctor that states
//! a verdict (the diagnosis, the probe) speaks it from here, so the words cannot drift apart.
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
