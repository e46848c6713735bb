//! The rules: one [`Rule`] trait, one registry ([`all`]), one file per phase. Each rule reads an
//! SA's [`SaContext`] (built once; it holds the SA's messages, flows, log lines and coverage)
//! and returns findings. A rule states who knows what it rests on ([`Knowledge`]): a peer's
//! statement about itself outranks the other peer's reading, which outranks the packets' shape;
//! the ranking ([`crate::verdict`]) uses it. A rule that cannot decide the category says which
//! categories remain ([`Candidate`]s) and what would decide.
//!
//! Adding a rule: a struct in the file of its phase, an entry in that file's `RULES`, and a
//! unit test beside it on an in-memory timeline (`crate::fixture`).
use ike_contract::{Category, FailurePhase};

use crate::context::SaContext;
use crate::model::{Candidate, Finding};

pub mod auth;
pub mod child;
pub mod client;
pub mod established;
pub mod ikev1;
pub mod init;
pub mod lines;

/// A diagnosis rule.
pub trait Rule: Sync {
    /// Stable name, shown in reports.
    fn id(&self) -> &'static str;
    /// The findings this rule makes about one SA (none when it does not apply).
    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding>;
}

/// Every rule, phase by phase.
pub fn all() -> impl Iterator<Item = &'static dyn Rule> {
    init::RULES
        .iter()
        .chain(auth::RULES)
        .chain(child::RULES)
        .chain(established::RULES)
        .chain(client::RULES)
        .copied()
}

/// A candidate (phase, category) with why it fits and what would decide it.
pub(crate) fn candidate(
    phase: FailurePhase,
    category: Category,
    why: impl Into<std::borrow::Cow<'static, str>>,
    decided_by: impl Into<std::borrow::Cow<'static, str>>,
) -> Candidate {
    Candidate {
        phase,
        category,
        why: why.into(),
        decided_by: decided_by.into(),
    }
}

/// The causes a knowledge entry (or an NPS reason) names as left open, as candidates.
pub(crate) fn open_cause_candidates(
    open: &[ike_logs::OpenCause],
    decided_by: &'static str,
) -> Vec<Candidate> {
    open.iter()
        .map(|o| candidate(o.phase, o.category, o.why, decided_by))
        .collect()
}

/// An answer needs this long to arrive: a request the capture follows for less than this, and
/// never sends again, may still be answered after the capture ended.
pub(crate) const ANSWER_WAIT_NS: i64 = 2_000_000_000;

/// The largest encrypted IKE message that holds nothing but one notify (header, SK header, IV,
/// an 8-byte notify, padding, ICV): the size of a bare refusal such as AUTHENTICATION_FAILED.
pub(crate) const LONE_NOTIFY_MAX: u32 = 96;

/// An IKE_AUTH message at least this large carries a certificate (a PSK or EAP one is smaller).
pub(crate) const WITH_CERTIFICATE_MIN: u32 = 600;

/// An IKE message larger than this does not fit a 1500-byte path in one IP packet (IPv4 and
/// UDP headers plus the non-ESP marker on UDP 4500).
pub(crate) const MAX_UNFRAGMENTED_IKE: u32 = 1500 - 20 - 8 - 4;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_are_unique() {
        let mut names: Vec<&str> = all().map(|r| r.id()).collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "two rules share a name");
        assert!(n >= 20);
    }
}
