//! IKEv1 on the wire, read as far as its headers and clear notifies tell: where a Main Mode or
//! Quick Mode stopped and whether the peer refused it. Without keys the encrypted messages say
//! only that they were sent, so every finding here leaves the category open (the daemons' logs
//! decide, and outrank this when given: an SA with a log is judged from its log).
//!
//! The exchange of Main Mode: messages 1 and 2 (SA) and 3 and 4 (KE, nonces) in clear, 5 and 6
//! (identity, authentication) encrypted with keys that derive from the pre-shared key when one
//! is used; then Quick Mode (CHILD_SA). The phases map as IKEv2's: 1 to 4 are IKE_SA_INIT, 5 and
//! 6 IKE_AUTH, Quick Mode CHILD_SA.

use ike_contract::{Category, FailurePhase, Knowledge};
use ike_timeline::{Event, EventKind, IkeV1Message, SourceId};

use super::candidate;
use crate::context::SaContext;
use crate::model::{EvidenceRef, Finding};

/// ISAKMP's NO-PROPOSAL-CHOSEN notify (RFC 2408 section 3.14.1).
const NO_PROPOSAL_CHOSEN: u16 = 14;

const RULE: &str = "ikev1-wire";

/// One datagram of the SA as one capture saw it.
struct V1<'t> {
    /// Its place among the SA's datagrams in this capture, in time order.
    at: usize,
    event: &'t Event,
    m: &'t IkeV1Message,
    from_initiator: bool,
}

impl V1<'_> {
    /// Cites the datagram (made only for the few a finding cites).
    fn cite(&self) -> EvidenceRef {
        EvidenceRef {
            source: self.event.source(),
            at: Some(self.event.at()),
            note: describe(self.m, self.from_initiator),
        }
    }
}

/// The finding the IKEv1 datagrams of `sa` support, if they show where it stopped.
pub fn from_wire(sa: &SaContext<'_, '_>) -> Option<Finding> {
    let messages = one_capture(sa);
    let from = |initiator_side: bool| {
        messages
            .iter()
            .filter(move |x| x.from_initiator == initiator_side)
    };
    // Main Mode only: Aggressive Mode's third message expects no answer, and encrypted
    // notifies (INITIAL-CONTACT, DPD) may follow it on an SA that is up.
    let main = |x: &&V1<'_>| x.m.exchange == IkeV1Message::MAIN_MODE;
    // An encrypted notify or delete from one side after the datagram at `after`: what a peer
    // sends instead of the exchange's next message when it refuses it.
    let encrypted_notify_after = |initiator_side: bool, after: usize| {
        from(initiator_side).find(move |x| {
            x.at > after && x.m.exchange == IkeV1Message::INFORMATIONAL && x.m.encrypted()
        })
    };

    let identity_sent = from(true).find(|x| main(x) && x.m.encrypted());
    let identity_answered = from(false).find(|x| main(x) && x.m.encrypted());
    let quick_mode = from(true).find(|x| x.m.exchange == IkeV1Message::QUICK_MODE);

    // Refused in clear before any key was in use: Main Mode's first answer.
    let in_clear = from(false).find(|x| x.m.notify == Some(NO_PROPOSAL_CHOSEN));
    if let (Some(refusal), None) = (in_clear, identity_answered) {
        let decided_by = "the responder's log or configuration (its IKEv1 proposals)";
        return Some(
            Finding::open(
                RULE,
                FailurePhase::IkeSaInit,
                Knowledge::PeerReading,
                "the IKEv1 responder refused Main Mode's proposals in clear (NO_PROPOSAL_CHOSEN)",
                vec![
                    candidate(
                        FailurePhase::IkeSaInit,
                        Category::ProposalIke,
                        "no common encryption, hash or PRF",
                        decided_by,
                    ),
                    candidate(
                        FailurePhase::IkeSaInit,
                        Category::ProposalDh,
                        "only the DH group differs (an attribute of each IKEv1 transform)",
                        decided_by,
                    ),
                    candidate(
                        FailurePhase::IkeSaInit,
                        Category::ConfigOther,
                        "no IKEv1 connection for these addresses",
                        decided_by,
                    ),
                ],
            )
            .evidence([refusal.cite()]),
        );
    }

    // Message 5 sent, message 6 never came: the responder could not use it, or never got it.
    if let (Some(sent), None) = (identity_sent, identity_answered) {
        let refused = encrypted_notify_after(false, sent.at);
        // Silence is evidence only where the capture shows the initiator waiting: it resent
        // message 5 (a capture cut right after it cannot tell).
        let resent = from(true)
            .filter(|x| main(x) && x.m.encrypted() && x.m.length == sent.m.length)
            .count()
            > 1;
        if refused.is_none() && !resent {
            return None;
        }
        let decided_by = "the responder's log";
        let (title, candidates) = match refused {
            Some(_) => (
                "the IKEv1 responder answered Main Mode's identity message with an encrypted notify instead of its own: it could not decrypt it (different pre-shared keys) or refused the identity",
                vec![
                    candidate(FailurePhase::IkeAuth, Category::AuthPsk, "the pre-shared keys differ: message 5 decrypts to garbage", decided_by),
                    candidate(FailurePhase::IkeAuth, Category::AuthId, "no IKEv1 connection holds the initiator's identity", decided_by),
                    candidate(FailurePhase::IkeAuth, Category::AuthCert, "the initiator's certificate is refused", decided_by),
                ],
            ),
            None => (
                "Main Mode's identity message (5) is never answered: the responder could not decrypt it (different pre-shared keys), or it is lost on UDP 4500 or in fragments",
                vec![
                    candidate(FailurePhase::IkeAuth, Category::AuthPsk, "the pre-shared keys differ: the responder drops what it cannot decrypt", decided_by),
                    candidate(FailurePhase::IkeAuth, Category::Nat, "UDP 4500 is blocked after the NAT-T move", decided_by),
                    candidate(FailurePhase::IkeAuth, Category::MtuFragmentation, "message 5 with certificates is fragmented and the fragments are dropped", decided_by),
                ],
            ),
        };
        let mut evidence = vec![sent.cite()];
        evidence.extend(refused.map(|x| x.cite()));
        return Some(
            Finding::open(
                RULE,
                FailurePhase::IkeAuth,
                Knowledge::PeerReading,
                title,
                candidates,
            )
            .evidence(evidence),
        );
    }

    // Main Mode done on the responder's side, and the initiator sends an encrypted notify or
    // delete instead of Quick Mode: it refused message 6.
    if let (Some(answered), None) = (identity_answered, quick_mode) {
        if let Some(deleted) = encrypted_notify_after(true, answered.at) {
            let decided_by = "the initiator's log (it names what it refused)";
            return Some(
                Finding::open(
                    RULE,
                    FailurePhase::IkeAuth,
                    Knowledge::PeerReading,
                    "the IKEv1 initiator answered Main Mode's last message with an encrypted notify or delete instead of Quick Mode: it refused the responder's identity or authentication",
                    vec![
                        candidate(FailurePhase::IkeAuth, Category::AuthId, "the responder's identity is not the one the initiator expects", decided_by),
                        candidate(FailurePhase::IkeAuth, Category::AuthCert, "the initiator does not trust the responder's certificate", decided_by),
                    ],
                )
                .evidence([answered.cite(), deleted.cite()]),
            );
        }
    }

    // Quick Mode asked, never answered in kind, an encrypted notify instead.
    if let Some(asked) = quick_mode {
        let answered = from(false).any(|x| x.m.exchange == IkeV1Message::QUICK_MODE);
        let refused = encrypted_notify_after(false, asked.at);
        if let (false, Some(refused)) = (answered, refused) {
            let decided_by = "the responder's log";
            return Some(
                Finding::open(
                    RULE,
                    FailurePhase::ChildSa,
                    Knowledge::PeerReading,
                    "the IKEv1 responder answered Quick Mode with an encrypted notify instead of its own Quick Mode: it refused the CHILD_SA",
                    vec![
                        candidate(FailurePhase::ChildSa, Category::ProposalEsp, "no common ESP proposal", decided_by),
                        candidate(FailurePhase::ChildSa, Category::TrafficSelectors, "the subnets asked for are not in the responder's connection", decided_by),
                        candidate(FailurePhase::ChildSa, Category::ProposalDh, "PFS on one side only, or another PFS group", decided_by),
                    ],
                )
                .evidence([asked.cite(), refused.cite()]),
            );
        }
    }
    None
}

/// The SA's IKEv1 datagrams as the capture that holds most of them saw them: two captures of
/// one exchange would list each datagram twice, and a datagram seen twice is not a retransmit.
fn one_capture<'t>(sa: &SaContext<'_, 't>) -> Vec<V1<'t>> {
    let timeline = sa.timeline();
    let datagrams = || {
        sa.session.messages.iter().filter_map(|r| {
            let event = timeline.events.get(r.event())?;
            match &event.kind {
                EventKind::IkeV1(m) => Some((event, &**m)),
                _ => None,
            }
        })
    };
    let mut sources: Vec<(SourceId, usize)> = Vec::new();
    for (event, _) in datagrams() {
        match sources.iter_mut().find(|(s, _)| *s == event.source()) {
            Some((_, n)) => *n += 1,
            None => sources.push((event.source(), 1)),
        }
    }
    let Some(&(busiest, _)) = sources.iter().max_by_key(|(_, n)| *n) else {
        return Vec::new();
    };
    datagrams()
        .filter(|(event, _)| event.source() == busiest)
        .enumerate()
        .map(|(at, (event, m))| V1 {
            at,
            event,
            m,
            from_initiator: sa.session.sent_by_initiator(m.src),
        })
        .collect()
}

fn describe(m: &IkeV1Message, from_initiator: bool) -> String {
    let mut text = format!(
        "{} from the {} ({} bytes{})",
        IkeV1Message::exchange_name(m.exchange),
        if from_initiator {
            "initiator"
        } else {
            "responder"
        },
        m.length,
        if m.encrypted() { ", encrypted" } else { "" }
    );
    if let Some(n) = m.notify {
        text.push_str(&format!(", notify {n}"));
    }
    text
}
