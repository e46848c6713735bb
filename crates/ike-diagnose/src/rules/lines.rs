//! What the lines alone say, for an SA known only from a few log lines that no other rule could
//! place (a paste in a help thread, a cloud console's status, an appliance's one-line event):
//! the strongest line known decides, as the knowledge table states it. It runs only where every
//! other rule found nothing and no packet was captured, so it never outranks a rule that reads
//! more; it is not in the registry for that reason.
use ike_contract::{Category, FailurePhase, Knowledge};
use ike_logs::{Fact, Role};

use super::{candidate, open_cause_candidates};
use crate::context::{Line, SaContext};
use crate::fix;
use crate::model::{Candidate, Finding, Severity};

pub const RULE_ID: &str = "log-line-knowledge";

/// What decides between the causes a lone line leaves open.
const DECIDED_BY: &str = "the other peer's log, or a capture of the attempt";

/// The causes a line that only says something failed leaves open, by what it states.
fn open_candidates(fact: Fact, phase: FailurePhase) -> Vec<Candidate> {
    let c = |phase, category, why: &'static str| candidate(phase, category, why, DECIDED_BY);
    use Category::*;
    use FailurePhase::*;
    match (fact, phase) {
        (
            Fact::PeerRefusedAuth
            | Fact::RefusedPeerAuth
            | Fact::AuthFailed
            | Fact::CertNotVerified,
            _,
        ) => vec![
            c(IkeAuth, AuthPsk, "the pre-shared keys differ"),
            c(
                IkeAuth,
                AuthCert,
                "a certificate is not trusted or not valid",
            ),
            c(
                IkeAuth,
                AuthId,
                "an identity is not the one the peer expects",
            ),
        ],
        (Fact::IdentityRejected, _) => vec![
            c(
                IkeAuth,
                AuthId,
                "the identity is not the one the peer's connection expects",
            ),
            c(
                IkeAuth,
                AuthCert,
                "the certificate was rejected first, leaving no identity to match",
            ),
        ],
        (Fact::PskMismatch, _) => vec![
            c(IkeAuth, AuthPsk, "the pre-shared keys differ"),
            c(
                IkeAuth,
                ConfigOther,
                "another connection, with another key, matched the peer first",
            ),
        ],
        (Fact::EapRejected, _) => vec![
            c(
                IkeAuth,
                AuthEap,
                "the EAP exchange or its credentials were refused",
            ),
            c(
                IkeAuth,
                ConfigOther,
                "the client matched a connection not meant for it (method, version)",
            ),
            c(IkeAuth, AuthCert, "the EAP-TLS certificate was refused"),
        ],
        (Fact::V1ProposalsRejected, _) => vec![
            c(IkeSaInit, ProposalIke, "encryption, hash or PRF differ"),
            c(
                IkeSaInit,
                ProposalDh,
                "only the DH group differs (an attribute of each IKEv1 transform)",
            ),
        ],
        (Fact::PeerRefusedProposals, _) => vec![
            c(IkeSaInit, ProposalIke, "no IKE proposal in common"),
            c(IkeSaInit, ProposalDh, "no DH group in common"),
            c(
                IkeSaInit,
                ConfigOther,
                "no connection matches (address, IKE version)",
            ),
        ],
        (Fact::PeerRefusedChildProposals | Fact::ChildFailed | Fact::RekeyFailed, _) => vec![
            c(
                ChildSa,
                ProposalEsp,
                "no ESP proposal in common (or PFS on one side)",
            ),
            c(ChildSa, TrafficSelectors, "the traffic selectors differ"),
        ],
        (Fact::NegotiationFailed | Fact::Fatal | Fact::LookupFailed, ChildSa) => vec![
            c(ChildSa, ProposalEsp, "no ESP proposal in common"),
            c(ChildSa, TrafficSelectors, "the traffic selectors differ"),
        ],
        (Fact::NegotiationFailed | Fact::Fatal | Fact::LookupFailed, IkeAuth) => vec![
            c(IkeAuth, AuthPsk, "the pre-shared keys differ"),
            c(IkeAuth, AuthId, "an identity is not the one expected"),
            c(IkeAuth, AuthCert, "a certificate is refused"),
        ],
        (Fact::NegotiationFailed | Fact::Fatal | Fact::LookupFailed, _) => vec![
            c(IkeSaInit, ProposalIke, "no IKE proposal in common"),
            c(IkeSaInit, ConfigOther, "no connection matches the peer"),
            c(IkeAuth, AuthPsk, "the authentication failed"),
        ],
        (Fact::Retransmit | Fact::GaveUp | Fact::HalfOpenTimeout, IkeAuth) => vec![
            c(
                IkeAuth,
                MtuFragmentation,
                "the large IKE_AUTH (certificates) is fragmented and dropped",
            ),
            c(
                IkeAuth,
                Nat,
                "UDP 4500 is blocked after the switch to NAT-T",
            ),
            c(
                IkeAuth,
                AuthPsk,
                "the peer drops what it cannot authenticate (IKEv1 PSK)",
            ),
        ],
        (Fact::Retransmit | Fact::GaveUp | Fact::HalfOpenTimeout, Established) => vec![
            c(
                Established,
                Nat,
                "a NAT mapping expired (keepalives too rare)",
            ),
            c(Established, UdpBlocked, "the path to the peer broke"),
        ],
        (Fact::Retransmit | Fact::GaveUp | Fact::HalfOpenTimeout, _) => vec![
            c(
                IkeSaInit,
                UdpBlocked,
                "UDP 500/4500 blocked on the way, or the address is wrong",
            ),
            c(IkeSaInit, Nat, "NAT on the way without NAT-T"),
            c(
                IkeSaInit,
                ConfigOther,
                "the peer is not configured to answer (no connection, IKE version)",
            ),
        ],
        (Fact::PeerDeletedChild | Fact::Deleting, _) => vec![
            c(Established, Nat, "a NAT mapping expired"),
            c(
                Established,
                ConfigOther,
                "the peer closed it (lifetimes, DPD, administrator)",
            ),
        ],
        _ => Vec::new(),
    }
}

/// The phase an IKEv1 line places itself in, where its entry cannot: pluto names the state
/// (`STATE_MAIN_I3: retransmission`: Main Mode's message 5, the identity and authentication,
/// went unanswered), charon the sequence number of the request (`sending retransmit 1 of request
/// message ID 0, seq 3`: Phase 1 uses message ID 0, and its third request is message 5).
fn ikev1_phase(text: &str) -> Option<FailurePhase> {
    const STATES: &[(&str, FailurePhase)] = &[
        ("STATE_MAIN_I1", FailurePhase::IkeSaInit),
        ("STATE_MAIN_I2", FailurePhase::IkeSaInit),
        ("STATE_MAIN_R1", FailurePhase::IkeSaInit),
        ("STATE_MAIN_I3", FailurePhase::IkeAuth),
        ("STATE_MAIN_R2", FailurePhase::IkeAuth),
        ("STATE_QUICK_", FailurePhase::ChildSa),
    ];
    if let Some(&(_, phase)) = STATES.iter().find(|(state, _)| text.contains(state)) {
        return Some(phase);
    }
    let (_, after) = text.split_once("of request message ID 0, seq ")?;
    let seq: u32 = after
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()?;
    Some(if seq >= 3 {
        FailurePhase::IkeAuth
    } else {
        FailurePhase::IkeSaInit
    })
}

/// The phase of the exchange a line names by its state (pluto's `STATE_V2_PARENT_I2`: waiting on
/// the IKE_AUTH answer; see `ike_logs` record extraction).
fn exchange_phase(exchange: &str) -> Option<FailurePhase> {
    match exchange {
        "IKE_SA_INIT" => Some(FailurePhase::IkeSaInit),
        "IKE_AUTH" => Some(FailurePhase::IkeAuth),
        "CREATE_CHILD_SA" => Some(FailurePhase::ChildSa),
        "INFORMATIONAL" => Some(FailurePhase::Established),
        _ => None,
    }
}

/// What a lone "SA removed" line leaves open: the failure that made the daemon remove the SA
/// may be in any phase, so the candidates span them and the verdict's phase stays open.
fn removal_candidates() -> Vec<Candidate> {
    use Category::*;
    use FailurePhase::*;
    let c = |phase, category, why: &'static str| candidate(phase, category, why, DECIDED_BY);
    vec![
        c(
            IkeSaInit,
            ProposalIke,
            "the negotiation failed first (no proposal in common)",
        ),
        c(
            IkeAuth,
            AuthCert,
            "the authentication failed first (certificate, key or EAP)",
        ),
        c(
            Established,
            ConfigOther,
            "an established SA was closed (lifetimes, DPD, administrator)",
        ),
    ]
}

/// How strongly a line speaks: a named cause first, then a categorised detail, then a symptom.
fn strength(line: &Line<'_>) -> Option<u8> {
    let entry = line.log.entry;
    match (entry.role, entry.category) {
        (Role::Cause, Some(_)) => Some(4),
        (Role::Context | Role::Symptom, Some(_)) => Some(3),
        (Role::Cause, None) => Some(2),
        (Role::Symptom, None) => Some(1),
        // A step that leaves causes open where the log ends on it (a request for another DH
        // group): it speaks only when nothing stronger does.
        (Role::Progress | Role::Context, None) if !entry.open.is_empty() => Some(0),
        _ => None,
    }
}

/// The finding of the strongest line of an SA with no packets the rules read (none captured,
/// or IKEv1 ones), or none.
pub fn from_knowledge(sa: &SaContext<'_, '_>) -> Option<Finding> {
    if !sa.msgs.is_empty() {
        return None;
    }
    let established = sa
        .logs
        .iter()
        .any(|l| l.has(Fact::IkeEstablished) || l.has(Fact::ChildEstablished));
    let line = sa
        .logs
        .iter()
        .flat_map(|l| {
            // A step counts only as its log's last word on the SA: anything after it but the
            // packets and messages that carry the step itself shows what became of it.
            let last = l
                .lines
                .iter()
                .rev()
                .find(|x| {
                    !matches!(
                        x.fact(),
                        Fact::PacketSent
                            | Fact::PacketReceived
                            | Fact::MessageBuilt
                            | Fact::MessageParsed
                    )
                })
                .map(|x| std::ptr::from_ref(x.event));
            // A refusal in the exchanges that established the IKE SA afterwards is not why
            // it failed (pluto checks each connection it tries in turn and logs why it leaves
            // one for the next). Only lines before that establishment are set aside: a later
            // attempt's refusal in the same log still speaks.
            let established_at = l.last_position(Fact::IkeEstablished);
            let passed = move |i: usize, x: &Line<'_>| {
                established_at.is_some_and(|e| i < e)
                    && matches!(
                        x.log.entry.phase,
                        Some(FailurePhase::IkeSaInit | FailurePhase::IkeAuth)
                    )
            };
            l.lines
                .iter()
                .enumerate()
                .filter(move |(i, x)| !passed(*i, x))
                .map(|(_, x)| x)
                .chain(&l.daemon)
                .copied()
                .filter(move |x| {
                    strength(x) != Some(0) || Some(std::ptr::from_ref(x.event)) == last
                })
        })
        .filter(|l| strength(l).is_some())
        // An SA the log shows established is not failed by a symptom on the way.
        .filter(|l| !established || strength(l) >= Some(3))
        // Of lines speaking as strongly, a daemon's statement about itself before another's
        // reading of it, then one that places itself in a phase.
        .max_by_key(|l| {
            (
                strength(l),
                l.log.entry.fact.knowledge(),
                l.log.entry.phase.is_some(),
            )
        })?;
    let entry = line.log.entry;
    let stated_phase = ikev1_phase(&line.log.text)
        .or(entry.phase)
        .or_else(|| exchange_phase(line.log.exchange?))
        .or(entry.open.first().map(|o| o.phase));
    // A peer deleting our CHILD_SA shows one existed; an SA removed by its own daemon does not
    // (daemons remove an SA after a failure in any phase), unless the log showed it established.
    let phase_open = stated_phase.is_none() && entry.fact == Fact::Deleting && !established;
    let phase = stated_phase.unwrap_or(match entry.fact {
        Fact::PeerDeletedChild | Fact::Deleting => FailurePhase::Established,
        _ => FailurePhase::IkeSaInit,
    });
    let title = format!("{} log: {}", entry.implementation.as_str(), entry.meaning);
    // A line that says only that something failed (pluto's `encountered fatal error in state
    // ...`) is the daemon's own, but it knows no more of the cause than a reading of the peer's
    // answer: it must not outrank a finding that reads that answer.
    let knowledge = if entry.category.is_none() && entry.open.is_empty() {
        entry.fact.knowledge().min(Knowledge::PeerReading)
    } else {
        entry.fact.knowledge()
    };
    let checks = entry.checks.iter().map(|c| fix::Fix::text(*c));
    Some(match entry.category {
        Some(category) => Finding::decided(RULE_ID, phase, category, knowledge, title)
            .evidence([line.cite_meaning()])
            .fix(checks)
            .fix(fix::for_category(category, &sa.fix_values())),
        None => {
            let candidates = if !entry.open.is_empty() {
                open_cause_candidates(entry.open, DECIDED_BY)
            } else if phase_open {
                removal_candidates()
            } else {
                open_candidates(entry.fact, phase)
            };
            let finding = Finding::open(RULE_ID, phase, knowledge, title, candidates)
                .evidence([line.cite_meaning()])
                .fix(checks);
            if strength(&line) == Some(0) {
                // The log stops at a step, not at a failure: what followed is not in it.
                Finding {
                    severity: Severity::Unsettled,
                    ..finding
                }
            } else {
                finding
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// pluto logs why it leaves the first connection it tries for a better one; when the SA
    /// then establishes, that line was not a failure.
    #[test]
    fn a_connection_switch_on_the_way_to_an_established_sa_is_not_a_failure() {
        use crate::fixture::{diagnose, Lab};
        let mut lab = Lab::new();
        lab.log(
            "gateway.log",
            "\
Dec  7 10:00:01.000: \"rw\"[1] 10.99.2.3 #1: Peer public key SubjectAltName does not match peer ID for this connection
Dec  7 10:00:01.002: \"rw\"[1] 10.99.2.3 #1: established IKE SA; authenticated peer using authby=rsasig
Dec  7 10:00:01.003: \"rw\"[1] 10.99.2.3 #2: established Child SA using #1; IPsec tunnel [10.99.100.0/24===10.99.2.3/32]
",
        );
        let d = diagnose(&lab.finish());
        assert_ne!(d.verdict.outcome, crate::model::Outcome::Failed, "{d:?}");
        assert_eq!(d.verdict.category, None, "{d:?}");
        // Without the establishment, the same line decides the identity.
        let mut lab = Lab::new();
        lab.log(
            "gateway.log",
            "Dec  7 10:00:01.000: \"rw\"[1] 10.99.2.3 #1: Peer public key SubjectAltName does not match peer ID for this connection\n",
        );
        let d = diagnose(&lab.finish());
        assert_eq!(d.verdict.category, Some(Category::AuthId), "{d:?}");
    }

    /// A failure after the IKE SA established (its virtual IP not installed) still speaks,
    /// though the log shows the SA established before it.
    #[test]
    fn a_failure_after_the_ike_sa_established_still_speaks() {
        use crate::fixture::{diagnose, Lab};
        let mut lab = Lab::new();
        lab.log(
            "client.log",
            "\
Dec  7 10:00:01.000 09[IKE] <home|1> IKE_SA home[1] established between 10.99.2.3[client]...10.99.2.2[gateway]
Dec  7 10:00:01.001 09[IKE] <home|1> installing virtual IP 10.99.200.1 failed
Dec  7 10:00:01.002 09[IKE] <home|1> CHILD_SA net{1} established with SPIs c1a2b3c4_i c5c6c7c8_o and TS 10.99.200.1/32 === 10.99.100.0/24
",
        );
        let d = diagnose(&lab.finish());
        assert_eq!(d.verdict.category, Some(Category::Implementation), "{d:?}");
    }

    /// The lab's ikev1-identity-mismatch, both logs: the client only reads AUTHENTICATION_FAILED,
    /// the gateway states what it did not find. Its line speaks, with the causes it names.
    #[test]
    fn the_gateways_own_open_statement_outranks_the_clients_reading() {
        use crate::fixture::{diagnose, Lab};
        let mut lab = Lab::new();
        lab.log(
            "client.log",
            "\
Dec  7 15:44:39.482 13[IKE] <home|1> initiating Main Mode IKE_SA home[1] to 10.99.2.2
Dec  7 15:44:39.490 13[IKE] <home|1> received AUTHENTICATION_FAILED error notify
",
        );
        lab.log("gateway.log", "\
Dec  7 15:44:39.483 12[IKE] <1> 10.99.2.3 is initiating a Main Mode IKE_SA
Dec  7 15:44:39.489 10[CFG] <1> looking for pre-shared key peer configs matching 10.99.2.2...10.99.2.3[laptop.ikelab.test]
Dec  7 15:44:39.489 10[IKE] <1> no peer config found
");
        let v = diagnose(&lab.finish()).verdict;
        let candidates: Vec<Category> = v.candidates.iter().map(|c| c.category).collect();
        assert_eq!(
            (v.phase, v.category, candidates),
            (
                Some(FailurePhase::IkeAuth),
                None,
                vec![Category::AuthId, Category::ConfigOther]
            ),
            "{v:?}"
        );
    }

    /// The lab's libreswan-client-psk-mismatch, the client's log: pluto's fatal error names its
    /// state, not a cause. It places the failure in IKE_AUTH and does not outrank the line that
    /// reads the peer's refusal.
    #[test]
    fn plutos_fatal_error_places_itself_by_state_and_names_no_cause() {
        use crate::fixture::{diagnose, Lab};
        let mut lab = Lab::new();
        lab.log(
            "client.log",
            "\
Dec  7 18:15:28.978962: \"home\" #1: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED
Dec  7 18:15:28.979006: \"home\" #1: encountered fatal error in state STATE_V2_PARENT_I2
",
        );
        let v = diagnose(&lab.finish()).verdict;
        let mut candidates: Vec<Category> = v.candidates.iter().map(|c| c.category).collect();
        candidates.sort();
        let mut auth = vec![Category::AuthPsk, Category::AuthCert, Category::AuthId];
        auth.sort();
        assert_eq!(
            (v.phase, v.category, candidates),
            (Some(FailurePhase::IkeAuth), None, auth),
            "{v:?}"
        );
    }

    #[test]
    fn an_ikev1_line_places_itself_by_state_or_sequence_number() {
        use FailurePhase::*;
        let cases = [
            ("16:10:23.661 09[IKE] <home|1> sending retransmit 3 of request message ID 0, seq 3", Some(IkeAuth)),
            ("16:10:23.661 09[IKE] <home|1> sending retransmit 1 of request message ID 0, seq 1", Some(IkeSaInit)),
            ("\"rw\"[1] 10.99.2.3 #1: STATE_MAIN_R2: retransmission; will wait 1 seconds for response", Some(IkeAuth)),
            ("\"home\" #1: STATE_MAIN_I1: retransmission; will wait 0.5 seconds for response", Some(IkeSaInit)),
            ("\"home\" #2: STATE_QUICK_I1: retransmission; will wait 0.5 seconds for response", Some(ChildSa)),
            ("sending retransmit 1 of request message ID 3452345, seq 4", None),
            ("retransmit 2 of request with message ID 1", None),
        ];
        for (text, phase) in cases {
            assert_eq!(ikev1_phase(text), phase, "{text}");
        }
    }

    #[test]
    fn every_symptom_leaves_causes_open_in_its_phase_or_later() {
        for fact in [
            Fact::PeerRefusedAuth,
            Fact::GaveUp,
            Fact::PeerRefusedProposals,
        ] {
            let c = open_candidates(fact, FailurePhase::IkeSaInit);
            assert!(c.len() >= 2, "{fact:?}");
        }
        assert!(open_candidates(Fact::GaveUp, FailurePhase::Established)
            .iter()
            .all(|c| c.phase == FailurePhase::Established));
        assert!(open_candidates(Fact::DaemonStart, FailurePhase::IkeSaInit).is_empty());
    }

    #[test]
    fn a_removed_sa_leaves_the_phase_open() {
        let phases: Vec<FailurePhase> = removal_candidates().iter().map(|c| c.phase).collect();
        assert!(phases.contains(&FailurePhase::IkeSaInit));
        assert!(phases.contains(&FailurePhase::Established));
        assert!(removal_candidates().len() <= crate::model::MAX_CANDIDATES);
    }
}
