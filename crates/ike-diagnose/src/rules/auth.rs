//! IKE_AUTH: requests that get no answer (IP fragments, UDP 4500 after the NAT-T move), IKE_AUTH
//! that never arrives, and authentication refused in either direction (the responder refuses the
//! initiator, the initiator refuses the responder), from the wire's shape, from decrypted
//! exchanges with their certificates, from certificate files, and from either peer's log.
use ike_capture::IcmpKind;
use ike_contract::{Category, End, FailurePhase, Knowledge};
use ike_logs::Fact;
use ike_timeline::inner::{id_display, InnerPayloads};
use ike_timeline::IkeMessage;
use ike_wire::{AuthMethod, CertEncoding, ExchangeType, NotifyType};

use super::{
    candidate, Rule, ANSWER_WAIT_NS, LONE_NOTIFY_MAX, MAX_UNFRAGMENTED_IKE, WITH_CERTIFICATE_MIN,
};
use crate::certs::Party;
use crate::context::{Line, Msg, SaContext};
use crate::fix;
use crate::model::{Candidate, Confidence, EvidenceRef, Finding, Severity};

pub const RULES: &[&dyn Rule] = &[
    &AuthUnanswered,
    &AuthAnswerLost,
    &AuthNeverArrives,
    &ResponderRefusesAuth,
    &InitiatorRefusesResponder,
    &InitiatorStartsOver,
    &DecryptedAuthExchange,
    &CertificateFileAtAttempt,
    &AuthCauseInLog,
    &AuthRefusalReadInLog,
    &AuthNeverAnsweredInLog,
    &RefusedAfterVerifying,
];

/// A responder that verified the peer's certificate and its AUTH signature, and still refused
/// the authentication: what is left is the identity (Libreswan checks the peer's ID against the
/// certificate's subjectAltName after the signature, and logs only the refusal).
pub struct RefusedAfterVerifying;

impl Rule for RefusedAfterVerifying {
    fn id(&self) -> &'static str {
        "log-refused-after-verifying"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        for log in &sa.logs {
            let Some(refusal) = log.first(Fact::RefusedPeerAuth) else {
                continue;
            };
            let at = log.position(&refusal).unwrap_or(0);
            let verified: Vec<_> = log
                .before(at, 20)
                .filter(|l| l.fact() == Fact::PeerVerified)
                .collect();
            // Both the chain and the signature, and no cause stated in between.
            let chain = verified
                .iter()
                .any(|l| l.log.entry.tag == "pluto.cert-verified");
            let signature = verified
                .iter()
                .any(|l| l.log.entry.tag == "pluto.peer-authenticated");
            let stated = log
                .before(at, 20)
                .any(|l| l.log.entry.role == ike_logs::Role::Cause);
            if !(chain && signature) || stated {
                continue;
            }
            let mut evidence: Vec<EvidenceRef> =
                verified.iter().rev().map(|l| l.cite_meaning()).collect();
            evidence.push(refusal.cite_meaning());
            return vec![Finding::decided(
                self.id(),
                AUTH,
                Category::AuthId,
                Knowledge::OwnStatement,
                "the peer's certificate and signature verified, yet its authentication was refused: its identity is not one its certificate holds (subjectAltName) or not the one expected",
            )
            .evidence(evidence)
            .fix(fix::for_category(Category::AuthId, &sa.fix_values()))];
        }
        Vec::new()
    }
}

const AUTH: FailurePhase = FailurePhase::IkeAuth;

/// Candidates for an authentication refused, by the credentials the refused peer used.
fn refusal_candidates(credential: Credential, decided_by: &'static str) -> Vec<Candidate> {
    match credential {
        Credential::Psk => vec![
            candidate(
                AUTH,
                Category::AuthPsk,
                "the pre-shared keys differ",
                decided_by,
            ),
            candidate(
                AUTH,
                Category::AuthId,
                "no connection holds this identity, which gets the same answer",
                decided_by,
            ),
        ],
        Credential::Eap => vec![
            candidate(
                AUTH,
                Category::AuthEap,
                "the EAP credentials or method are refused",
                decided_by,
            ),
            candidate(
                AUTH,
                Category::AuthId,
                "the identity matches no connection",
                decided_by,
            ),
        ],
        Credential::Certificate => vec![
            candidate(
                AUTH,
                Category::AuthCert,
                "the certificate is not trusted (CA, intermediate), expired or revoked",
                decided_by,
            ),
            candidate(
                AUTH,
                Category::AuthId,
                "the identity is not in the certificate's subjectAltName, or not the one expected",
                decided_by,
            ),
            candidate(
                AUTH,
                Category::Clock,
                "a clock makes a valid certificate look expired or not yet valid",
                decided_by,
            ),
        ],
        Credential::Unknown => vec![
            candidate(
                AUTH,
                Category::AuthPsk,
                "the pre-shared keys differ",
                decided_by,
            ),
            candidate(
                AUTH,
                Category::AuthCert,
                "the certificate is not trusted, expired or revoked",
                decided_by,
            ),
            candidate(
                AUTH,
                Category::AuthId,
                "the identity matches no connection or not the certificate",
                decided_by,
            ),
        ],
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Credential {
    Psk,
    Certificate,
    Eap,
    Unknown,
}

/// The credentials a message of `size` bytes carries, judged by size (encrypted): a certificate
/// makes IKE_AUTH large.
fn credential_by_size(size: u32) -> Credential {
    if size >= WITH_CERTIFICATE_MIN {
        Credential::Certificate
    } else {
        Credential::Psk
    }
}

/// IKE_AUTH requests never answered after a good IKE_SA_INIT. Large ones in IP fragments that
/// never arrive whole point to the MTU; small ones after the move to UDP 4500 to UDP 4500 being
/// blocked.
pub struct AuthUnanswered;

impl Rule for AuthUnanswered {
    fn id(&self) -> &'static str {
        "auth-unanswered"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        if sa.phase_reached() != ike_timeline::Phase::IkeAuth {
            return Vec::new();
        }
        let requests: Vec<Msg<'_>> = sa.exchange(ExchangeType::IKE_AUTH, false).collect();
        let Some(last_id) = requests.iter().map(|x| x.m.message_id).max() else {
            return Vec::new();
        };
        // The last IKE_AUTH round (EAP runs several) must be the one without an answer.
        if sa
            .exchange(ExchangeType::IKE_AUTH, true)
            .any(|x| x.m.message_id == last_id)
        {
            return Vec::new();
        }
        let round: Vec<Msg<'_>> = requests
            .iter()
            .filter(|x| x.m.message_id == last_id)
            .copied()
            .collect();
        let first = round[0];
        let last = round[round.len() - 1];
        if round.len() == 1 && sa.covered_after(&last) < ANSWER_WAIT_NS {
            return vec![Finding {
                severity: Severity::Unsettled,
                ..Finding::open(
                    self.id(),
                    AUTH,
                    Knowledge::WireShape,
                    format!(
                        "the capture ends {:.1} s after the IKE_AUTH request: too soon to say whether it was answered",
                        sa.covered_after(&last) as f64 / 1e9
                    ),
                    Vec::new(),
                )
                .evidence([first.cite(first.describe())])
            }];
        }
        let largest_ip = round.iter().map(|x| x.m.ip_len()).max().unwrap_or(0);
        let fragmented: Vec<Msg<'_>> = round
            .iter()
            .filter(|x| !x.m.ip_fragments().is_empty())
            .copied()
            .collect();
        let icmp_mtu: Vec<_> = sa
            .icmp_on(None)
            .into_iter()
            .filter(|(_, _, i)| {
                matches!(
                    i.kind,
                    IcmpKind::FragmentationNeeded { .. } | IcmpKind::ReassemblyTimeExceeded
                )
            })
            .collect();
        let negotiated_fragmentation = {
            let mut i = false;
            let mut r = false;
            for x in sa.exchange(ExchangeType::IKE_SA_INIT, false) {
                i |= x.m.has_notify(NotifyType::FRAGMENTATION_SUPPORTED);
            }
            for x in sa.exchange(ExchangeType::IKE_SA_INIT, true) {
                r |= x.m.has_notify(NotifyType::FRAGMENTATION_SUPPORTED);
            }
            i && r
        };
        let largest_answered = sa
            .msgs
            .iter()
            .filter(|x| !x.m.from_initiator || x.m.response)
            .map(|x| x.m.ip_len())
            .max()
            .unwrap_or(0);
        let mut evidence = vec![first.cite(first.describe())];
        if round.len() > 1 {
            evidence.push(last.cite(format!(
                "{} IKE_AUTH transmissions, none answered",
                round.len()
            )));
        }
        let mut values = sa.fix_values();
        if !fragmented.is_empty() || !sa.incomplete.is_empty() || !icmp_mtu.is_empty() {
            if let Some(f) = fragmented.first() {
                evidence.push(f.cite(format!(
                    "the IKE_AUTH request is a {} byte IP datagram sent in {} IP fragments (frames {})",
                    f.m.ip_len(),
                    f.m.ip_fragments().len(),
                    f.m.ip_fragments().iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")
                )));
            }
            for (source, at, d) in sa.incomplete.iter().take(3) {
                evidence.push(EvidenceRef {
                    source: *source,
                    at: Some(*at),
                    note: format!(
                        "IP datagram {} -> {} never reassembled here: {} fragments, {} bytes seen",
                        d.src, d.dst, d.fragments_seen, d.bytes_seen
                    ),
                });
            }
            for (source, at, i) in icmp_mtu.iter().take(3) {
                if let IcmpKind::FragmentationNeeded { mtu } = i.kind {
                    values.path_mtu = Some(mtu);
                }
                evidence.push(EvidenceRef {
                    source: *source,
                    at: Some(*at),
                    note: format!(
                        "ICMP {} from {}",
                        match i.kind {
                            IcmpKind::FragmentationNeeded { mtu } =>
                                format!("fragmentation needed, MTU {mtu}"),
                            _ => "reassembly time exceeded".into(),
                        },
                        i.from
                    ),
                });
            }
            let mut fixes = Vec::new();
            if negotiated_fragmentation {
                fixes.push(fix::Fix::text("IKEv2 fragmentation was negotiated yet fragments are lost: lower the fragment size (strongSwan: charon.fragment_size, e.g. 1280)"));
            }
            fixes.extend(fix::for_category(Category::MtuFragmentation, &values));
            return vec![Finding::decided(
                self.id(),
                AUTH,
                Category::MtuFragmentation,
                Knowledge::WireShape,
                format!(
                    "IKE_AUTH ({largest_ip} bytes) leaves as IP fragments and is never answered{}",
                    if largest_answered > 0 {
                        format!(
                            "; the largest datagram that got through was {largest_answered} bytes"
                        )
                    } else {
                        String::new()
                    }
                ),
            )
            .evidence(evidence)
            .fix(fixes)];
        }
        let on_4500 = round
            .iter()
            .any(|x| x.m.src().port() == 4500 || x.m.dst().port() == 4500 || x.m.non_esp_marker);
        let init_on_500 = sa
            .exchange(ExchangeType::IKE_SA_INIT, false)
            .any(|x| x.m.dst().port() == 500);
        let nat = crate::nat::describe(&crate::nat::sightings(sa), sa.timeline());
        // A responder that asks for certificates in IKE_SA_INIT (CERTREQ) usually answers
        // IKE_AUTH with its own: an answer over the MTU whose fragments are lost on the way back
        // looks here just like UDP 4500 blocked (an EAP client's request is small).
        let certificate_answer = sa
            .exchange(ExchangeType::IKE_SA_INIT, true)
            .find(|x| x.m.payloads.contains("CERTREQ"));
        if on_4500 && init_on_500 && largest_ip <= MAX_UNFRAGMENTED_IKE + 28 {
            if let Some(answer) = certificate_answer {
                evidence.push(answer.cite(
                    "the responder asks for certificates (CERTREQ): its IKE_AUTH answer likely carries its own, which can exceed the MTU",
                ));
                let decided_by = "a capture at the responder (is IKE_AUTH answered, in IP fragments?) or the responder's log";
                let mut fixes =
                    fix::to_decide(&["a capture at the responder", "the responder's log"]);
                fixes.extend(fix::for_category(Category::Nat, &values));
                fixes.extend(fix::for_category(Category::MtuFragmentation, &values));
                return vec![Finding::open(
                    self.id(),
                    AUTH,
                    Knowledge::WireShape,
                    format!("IKE_SA_INIT works on UDP 500 but IKE_AUTH ({largest_ip} bytes, not fragmented) is never answered after the move to UDP 4500: UDP 4500 blocked, or the answer with the responder's certificates lost in IP fragments on the way back"),
                    udp_4500_or_certificate_answer(decided_by),
                )
                .evidence(evidence)
                .fix(fixes)];
            }
            if let Some(note) = &nat {
                evidence.push(EvidenceRef {
                    source: first.source,
                    at: None,
                    note: note.clone(),
                });
                return vec![Finding::decided(
                    self.id(),
                    AUTH,
                    Category::Nat,
                    Knowledge::WireShape,
                    format!("IKE_SA_INIT works on UDP 500 but IKE_AUTH ({largest_ip} bytes, not fragmented) is never answered after the NAT-T move to UDP 4500: UDP 4500 is blocked"),
                )
                .evidence(evidence)
                .fix(fix::for_category(Category::Nat, &values))];
            }
        }
        let decided_by =
            "a capture at the responder (does IKE_AUTH arrive?) or the responder's log";
        let mut candidates = Vec::new();
        if on_4500 {
            candidates.push(candidate(
                AUTH,
                Category::Nat,
                "UDP 4500 blocked after the NAT-T move",
                decided_by,
            ));
        }
        candidates.push(candidate(
            AUTH,
            Category::MtuFragmentation,
            "IP fragments dropped beyond this capture point",
            decided_by,
        ));
        if !on_4500 {
            candidates.push(candidate(
                AUTH,
                Category::Nat,
                "UDP 4500 blocked after the NAT-T move",
                decided_by,
            ));
        }
        candidates.push(candidate(
            AUTH,
            Category::UdpBlocked,
            "the responder drops or never gets this request",
            decided_by,
        ));
        let mut fixes = fix::to_decide(&["a capture at the responder", "the responder's log"]);
        fixes.extend(fix::for_category(Category::MtuFragmentation, &values));
        vec![Finding::open(
            self.id(),
            AUTH,
            Knowledge::WireShape,
            format!("IKE_AUTH ({largest_ip} bytes) is never answered although IKE_SA_INIT was"),
            candidates,
        )
        .evidence(evidence)
        .fix(fixes)]
    }
}

/// The initiator sends its IKE_AUTH request again after the responder answered it, and never
/// goes on: the answer does not reach it. An answer in IP fragments (a certificate chain without
/// IKEv2 fragmentation) lost on the way back is the usual cause; a small one is blocked.
pub struct AuthAnswerLost;

impl Rule for AuthAnswerLost {
    fn id(&self) -> &'static str {
        "auth-answer-lost"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        // The first answer the initiator never got (EAP runs several rounds).
        let Some(first_answer) = sa
            .exchange(ExchangeType::IKE_AUTH, true)
            .find(|x| sa.answer_lost(x))
        else {
            return Vec::new();
        };
        let id = first_answer.m.message_id;
        let resent: Vec<Msg<'_>> = sa
            .exchange(ExchangeType::IKE_AUTH, false)
            .filter(|x| x.m.message_id == id && x.time > first_answer.time)
            .collect();
        let Some(last_resent) = resent.last().copied() else {
            return Vec::new();
        };
        let answers: Vec<Msg<'_>> = sa
            .exchange(ExchangeType::IKE_AUTH, true)
            .filter(|x| x.m.message_id == id)
            .collect();
        let largest = answers.iter().map(|x| x.m.ip_len()).max().unwrap_or(0);
        let mut evidence = vec![
            first_answer.cite(first_answer.describe()),
            last_resent.cite(format!(
                "the initiator sends IKE_AUTH request {id} again after the answer ({} time{}): the answer did not reach it",
                resent.len(),
                if resent.len() == 1 { "" } else { "s" }
            )),
        ];
        let values = sa.fix_values();
        let fragmented = answers
            .iter()
            .copied()
            .find(|x| !x.m.ip_fragments().is_empty());
        // Over the MTU it was fragmented, even where this capture saw it whole.
        if fragmented.is_some() || largest > MAX_UNFRAGMENTED_IKE + 28 {
            if let Some(f) = fragmented {
                evidence.push(f.cite(format!(
                    "the answer is a {} byte IP datagram sent in {} IP fragments",
                    f.m.ip_len(),
                    f.m.ip_fragments().len()
                )));
            }
            return vec![Finding::decided(
                self.id(),
                AUTH,
                Category::MtuFragmentation,
                Knowledge::WireShape,
                format!("the IKE_AUTH answer ({largest} bytes) leaves as IP fragments and never reaches the initiator, which keeps sending its request"),
            )
            .confidence(Confidence::Medium)
            .evidence(evidence)
            .fix(fix::for_category(Category::MtuFragmentation, &values))];
        }
        let decided_by = "a capture at the initiator";
        let mut candidates = Vec::new();
        let on_4500 = answers
            .iter()
            .any(|x| x.m.src().port() == 4500 || x.m.non_esp_marker);
        if on_4500 {
            candidates.push(candidate(
                AUTH,
                Category::Nat,
                "UDP 4500 blocked on the way back after the NAT-T move",
                decided_by,
            ));
        }
        candidates.push(candidate(
            AUTH,
            Category::UdpBlocked,
            "the return path drops the answers",
            decided_by,
        ));
        vec![Finding::open(
            self.id(),
            AUTH,
            Knowledge::WireShape,
            format!("the IKE_AUTH answer ({largest} bytes, not fragmented) never reaches the initiator, which keeps sending its request"),
            candidates,
        )
        .evidence(evidence)
        .fix(fix::for_category(Category::UdpBlocked, &values))]
    }
}

/// What a small IKE_AUTH request unanswered after the move to UDP 4500 leaves open where
/// certificates are asked for: UDP 4500 blocked, or the answer with the responder's certificates
/// over the MTU and lost in fragments on the way back.
fn udp_4500_or_certificate_answer(decided_by: &'static str) -> Vec<Candidate> {
    vec![
        candidate(AUTH, Category::Nat, "UDP 4500 blocked after the NAT-T move", decided_by),
        candidate(
            AUTH,
            Category::MtuFragmentation,
            "the answer, with the responder's certificates, over the MTU and its IP fragments dropped on the way back",
            decided_by,
        ),
    ]
}

/// IKE_SA_INIT completes but no capture ever sees an IKE_AUTH request: it was lost before this
/// capture point (IP fragments dropped, UDP 4500 blocked after the NAT-T move).
pub struct AuthNeverArrives;

impl Rule for AuthNeverArrives {
    fn id(&self) -> &'static str {
        "auth-never-arrives"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        if sa.phase_reached() != ike_timeline::Phase::IkeAuth || sa.superseded() || !sa.only_init()
        {
            return Vec::new();
        }
        let Some(response) = sa.init_completed() else {
            return Vec::new();
        };
        // Requests retransmitted after the answer are the return path's case.
        if sa
            .msgs
            .iter()
            .any(|x| !x.m.response && x.retransmit && x.time > response.time)
        {
            return Vec::new();
        }
        // A capture cut short cannot show IKE_AUTH; one that ends cleanly is taken to have run
        // on (a responder sends nothing more to show how long).
        if sa.truncated().is_some() && sa.covered_after(&response) < ANSWER_WAIT_NS {
            return vec![Finding {
                severity: Severity::Unsettled,
                ..Finding::open(
                    self.id(),
                    AUTH,
                    Knowledge::WireShape,
                    "the capture ends right after IKE_SA_INIT: too soon to say whether IKE_AUTH follows",
                    Vec::new(),
                )
                .evidence([response.cite(response.describe())])
            }];
        }
        let mut evidence = vec![
            response.cite(format!("IKE_SA_INIT completes: {}", response.describe())),
            EvidenceRef {
                source: response.source,
                at: None,
                note: "no IKE_AUTH request is ever seen in this capture".into(),
            },
        ];
        if let Some(n) = crate::nat::describe(&crate::nat::sightings(sa), sa.timeline()) {
            evidence.push(EvidenceRef {
                source: response.source,
                at: None,
                note: n,
            });
        }
        let decided_by =
            "a capture at the initiator (IP fragments, or small datagrams on UDP 4500)";
        let values = sa.fix_values();
        vec![Finding::open(
            self.id(),
            AUTH,
            Knowledge::WireShape,
            "IKE_SA_INIT completes but IKE_AUTH never arrives here: it is lost on the way (a large IKE_AUTH in IP fragments, or UDP 4500 blocked after the NAT-T move)",
            vec![
                candidate(AUTH, Category::MtuFragmentation, "IKE_AUTH with certificates is IP-fragmented and the fragments are dropped", decided_by),
                candidate(AUTH, Category::Nat, "UDP 4500 is blocked after the NAT-T move", decided_by),
            ],
        )
        .evidence(evidence)
        .fix(fix::to_decide(&["a capture at the initiator"]).into_iter().chain(fix::for_category(Category::MtuFragmentation, &values)))]
    }
}

/// The responder answers IKE_AUTH with a lone notify (the size of AUTHENTICATION_FAILED) and the
/// SA never comes up: the responder refused the initiator's authentication. Which credential
/// failed is encrypted; the sizes say which kind was used.
pub struct ResponderRefusesAuth;

impl Rule for ResponderRefusesAuth {
    fn id(&self) -> &'static str {
        "auth-refused-by-responder"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        if sa.established() || decrypted_answer(sa).is_some() {
            return Vec::new();
        }
        let responses: Vec<Msg<'_>> = sa
            .exchange(ExchangeType::IKE_AUTH, true)
            .filter(|x| !x.retransmit)
            .collect();
        let Some(last) = responses.last().copied() else {
            return Vec::new();
        };
        if last.m.length > LONE_NOTIFY_MAX {
            return Vec::new();
        }
        let rounds = {
            let mut ids: Vec<u32> = responses.iter().map(|x| x.m.message_id).collect();
            ids.dedup();
            ids.len()
        };
        let request_size = sa
            .first(ExchangeType::IKE_AUTH, false)
            .map_or(0, |x| x.m.length);
        let credential = if rounds >= 3 {
            Credential::Eap
        } else {
            credential_by_size(request_size)
        };
        let evidence = vec![last.cite(format!(
            "{} ({} bytes): the size of a lone notify such as AUTHENTICATION_FAILED",
            last.describe(),
            last.m.length
        ))];
        let decided_by = "the responder's log, or the SA keys (--keys)";
        let values = sa.fix_values();
        if credential == Credential::Eap {
            return vec![Finding::decided(
                self.id(),
                AUTH,
                Category::AuthEap,
                Knowledge::WireShape,
                format!("authentication fails after {rounds} IKE_AUTH rounds (EAP): the EAP exchange does not succeed"),
            )
            .confidence(Confidence::Medium)
            .evidence(evidence)
            .fix(fix::for_category(Category::AuthEap, &values))];
        }
        let mut fixes = fix::to_decide(&[decided_by]);
        fixes.extend(fix::for_category(
            if credential == Credential::Psk {
                Category::AuthPsk
            } else {
                Category::AuthCert
            },
            &values,
        ));
        vec![Finding::open(
            self.id(),
            AUTH,
            Knowledge::WireShape,
            format!(
                "the responder refuses the initiator's authentication ({} byte answer to a {} byte IKE_AUTH request, {})",
                last.m.length,
                request_size,
                if credential == Credential::Psk { "a pre-shared key or EAP by its size" } else { "with a certificate by its size" }
            ),
            refusal_candidates(credential, decided_by),
        )
        .evidence(evidence)
        .fix(fixes)]
    }
}

/// IKE_AUTH answered in full, then at once the initiator's own INFORMATIONAL request, and nothing
/// shows the SA up: the initiator refused the responder (its certificate or identity) and
/// says so with AUTHENTICATION_FAILED. A CHILD_SA the initiator could not install ends the same
/// way on the wire (it deletes it at once).
pub struct InitiatorRefusesResponder;

impl Rule for InitiatorRefusesResponder {
    fn id(&self) -> &'static str {
        "auth-refused-by-initiator"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        if sa.established() || decrypted_answer(sa).is_some() {
            return Vec::new();
        }
        let Some(answer) = sa
            .exchange(ExchangeType::IKE_AUTH, true)
            .filter(|x| !x.retransmit)
            .last()
        else {
            return Vec::new();
        };
        if answer.m.length <= LONE_NOTIFY_MAX {
            return Vec::new();
        }
        let close = sa.msgs.iter().copied().find(|x| {
            x.m.exchange == ExchangeType::INFORMATIONAL
                && x.m.from_initiator
                && !x.m.response
                && x.time >= answer.time
                && x.time.0 - answer.time.0 < 2_000_000_000
        });
        let Some(close) = close else {
            return Vec::new();
        };
        // Anything after that exchange shows the IKE SA alive.
        let later = sa
            .msgs
            .iter()
            .any(|x| x.time > close.time && x.m.message_id > close.m.message_id);
        if later {
            return Vec::new();
        }
        let certificate = answer.m.length >= WITH_CERTIFICATE_MIN
            || sa
                .exchange(ExchangeType::IKE_SA_INIT, true)
                .any(|x| x.m.payloads.iter().any(|p| p == "CERTREQ"));
        let evidence = vec![
            answer.cite(format!(
                "{}: a full answer (the responder authenticated itself)",
                answer.describe()
            )),
            close.cite(format!("then at once the initiator's {}", close.describe())),
        ];
        let decided_by = "the initiator's log, the SA keys (--keys), or the responder's certificate with the CA the initiator trusts";
        let values = sa.fix_values();
        let rounds = {
            let mut ids: Vec<u32> = sa
                .exchange(ExchangeType::IKE_AUTH, true)
                .map(|x| x.m.message_id)
                .collect();
            ids.dedup();
            ids.len()
        };
        if rounds >= 2 {
            // The initiator went on past the responder's authentication (round one) into more
            // rounds: EAP. Giving up after them is the EAP exchange failing.
            return vec![Finding::decided(
                self.id(),
                AUTH,
                Category::AuthEap,
                Knowledge::WireShape,
                format!("after {rounds} IKE_AUTH rounds (EAP) the initiator gives up: the EAP exchange fails (credentials or method)"),
            )
            .confidence(Confidence::Medium)
            .evidence(evidence)
            .fix(fix::for_category(Category::AuthEap, &values))];
        }
        if certificate {
            let mut fixes = fix::to_decide(&[decided_by]);
            fixes.extend(fix::for_category(Category::AuthCert, &values));
            return vec![Finding::open(
                self.id(),
                AUTH,
                Knowledge::WireShape,
                "the initiator refuses the responder's authentication: right after the responder's certificate-sized IKE_AUTH answer it closes the SA (a CHILD_SA it could not install looks the same)",
                refusal_candidates(Credential::Certificate, decided_by),
            )
            .evidence(evidence)
            .fix(fixes)];
        }
        let child = FailurePhase::ChildSa;
        let mut fixes = fix::to_decide(&[decided_by]);
        fixes.extend(fix::for_category(Category::Implementation, &values));
        vec![Finding::open(
            self.id(),
            child,
            Knowledge::WireShape,
            "the responder authenticates (a full IKE_AUTH answer without a certificate) and the initiator closes at once: it could not install the CHILD_SA, or it refuses the responder's identity",
            vec![
                candidate(child, Category::Implementation, "the initiator's kernel refused the IPsec SA and it deletes the CHILD_SA", decided_by),
                candidate(AUTH, Category::AuthId, "the initiator does not accept the responder's identity", decided_by),
                candidate(child, Category::ProposalEsp, "the answer refused the CHILD_SA and the initiator gives up the IKE SA", decided_by),
            ],
        )
        .evidence(evidence)
        .fix(fixes)]
    }
}

/// IKE_AUTH answered in full, nothing more on this SA, and the initiator starts a new IKE SA with
/// the same responder soon after, without closing this one: something failed at the initiator
/// after the answer (it could not install the CHILD_SA, or it refused the responder silently).
/// With the keys, an answer that accepted the CHILD_SA leaves the install.
pub struct InitiatorStartsOver;

impl Rule for InitiatorStartsOver {
    fn id(&self) -> &'static str {
        "auth-answered-initiator-starts-over"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        if sa.established() || sa.superseded() {
            return Vec::new();
        }
        let Some(answer) = sa
            .exchange(ExchangeType::IKE_AUTH, true)
            .filter(|x| !x.retransmit)
            .last()
        else {
            return Vec::new();
        };
        if answer.m.length <= LONE_NOTIFY_MAX
            || sa
                .msgs
                .iter()
                .any(|x| x.time > answer.time && x.m.exchange != ExchangeType::IKE_AUTH)
        {
            return Vec::new();
        }
        let Some(next) = sa.next_attempt(30_000_000_000) else {
            return Vec::new();
        };
        // The same attempt again: the responder gives the same answer (another connection from
        // the same host would be answered otherwise).
        let timeline = sa.timeline();
        let repeats = next
            .messages
            .iter()
            .filter_map(|r| timeline.ike(r.event()))
            .any(|(_, m)| {
                m.exchange == ExchangeType::IKE_AUTH && m.response && m.length == answer.m.length
            });
        if !repeats {
            return Vec::new();
        }
        let mut evidence = vec![answer.cite(format!("{}: a full answer", answer.describe()))];
        if let Some(first) = next
            .messages
            .first()
            .and_then(|r| sa.timeline().events.get(r.event()))
        {
            evidence.push(EvidenceRef {
                source: first.source(),
                at: Some(first.at()),
                note: "then the initiator starts a new IKE SA with the same responder, without closing this one".into(),
            });
        }
        let values = sa.fix_values();
        let child = FailurePhase::ChildSa;
        if let Some(resp) = inner(answer.m) {
            let accepted = resp.auth_method.is_some()
                && resp.child_proposals.is_some()
                && !resp.has_notify(NotifyType::AUTHENTICATION_FAILED);
            if accepted {
                evidence[0] = answer.cite(describe_inner(&answer, resp));
                return vec![Finding::decided(
                    self.id(),
                    child,
                    Category::Implementation,
                    Knowledge::WireShape,
                    "the responder accepted the CHILD_SA, yet the initiator starts over without using it: it could not install the IPsec SA (kernel support)",
                )
                .confidence(Confidence::Medium)
                .evidence(evidence)
                .fix(fix::for_category(Category::Implementation, &values))];
            }
        }
        let decided_by = "the initiator's log, or the SA keys (--keys)";
        vec![Finding::open(
            self.id(),
            child,
            Knowledge::WireShape,
            "after a full IKE_AUTH answer the initiator abandons the SA and starts over: it could not install the CHILD_SA, or it refused the responder without saying so",
            vec![
                candidate(child, Category::Implementation, "the initiator's kernel refused the IPsec SA", decided_by),
                candidate(AUTH, Category::AuthCert, "the initiator does not trust the responder's certificate", decided_by),
                candidate(AUTH, Category::AuthId, "the initiator does not accept the responder's identity", decided_by),
            ],
        )
        .evidence(evidence)
        .fix(fix::to_decide(&[decided_by]).into_iter().chain(fix::for_category(Category::Implementation, &values)))]
    }
}

fn inner(m: &IkeMessage) -> Option<&InnerPayloads> {
    m.inner().filter(|i| i.is_decrypted())
}

/// The last decrypted IKE_AUTH answer.
fn decrypted_answer<'t>(sa: &SaContext<'_, 't>) -> Option<Msg<'t>> {
    sa.exchange(ExchangeType::IKE_AUTH, true)
        .filter(|m| inner(m.m).is_some())
        .last()
}

/// An EAP-Failure (`failure`) that answers the client's EAP-Nak: the client refused the method
/// the server asked for (named by the server's EAP request before it), so the methods differ,
/// whatever the credentials.
fn eap_nak_refused(
    rule: &'static str,
    msgs: &[Msg<'_>],
    failure: &Msg<'_>,
    values: &fix::Values,
) -> Option<Finding> {
    use ike_wire::eap::{REQUEST, RESPONSE, TYPE_NAK};
    let eap_auth = |m: &&Msg<'_>| m.m.exchange == ExchangeType::IKE_AUTH && m.time <= failure.time;
    let nak = msgs
        .iter()
        .rev()
        .filter(eap_auth)
        .find(|m| !m.m.response)
        .filter(|m| inner(m.m).is_some_and(|i| i.eap == Some((RESPONSE, Some(TYPE_NAK)))))?;
    let asked = msgs
        .iter()
        .rev()
        .filter(eap_auth)
        .filter(|m| m.m.response && m.time <= nak.time)
        .filter_map(|m| inner(m.m).and_then(|i| i.eap).map(|eap| (m, eap)))
        .find(|(_, (code, _))| *code == REQUEST);
    let method = asked
        .and_then(|(_, (_, t))| t)
        .map(|t| {
            ike_wire::eap_type_short_name(t)
                .map_or_else(|| format!("EAP type {t}"), |n| format!("EAP-{n}"))
        })
        .unwrap_or_else(|| "its EAP method".to_string());
    // The method the Nak asks for, as strongSwan's configuration names it (`mschapv2`).
    let wanted = inner(nak.m)
        .and_then(|i| i.eap_nak_wants)
        .and_then(ike_wire::eap_type_short_name)
        .map(str::to_ascii_lowercase);
    let mut ev = Vec::new();
    for m in asked.map(|(m, _)| m).into_iter().chain([nak, failure]) {
        if let Some(i) = inner(m.m) {
            ev.push(m.cite(describe_inner(m, i)));
        }
    }
    Some(
        Finding::decided(
            rule,
            AUTH,
            Category::AuthEap,
            Knowledge::OwnStatement,
            format!("the server asks for {method}, the client refuses it with an EAP-Nak, and the server ends EAP with EAP-Failure: the two ends are set up for different EAP methods"),
        )
        .evidence(ev)
        .fix(fix::eap_method_mismatch(values, wanted.as_deref())),
    )
}

fn describe_inner(msg: &Msg<'_>, inner: &InnerPayloads) -> String {
    format!(
        "decrypted {} {} {}: [ {} ]",
        msg.m.exchange,
        if msg.m.response {
            "response"
        } else {
            "request"
        },
        msg.m.message_id,
        inner.payloads.join(" ")
    )
}

fn method_name(method: Option<AuthMethod>) -> String {
    method.map_or_else(|| "EAP (no AUTH payload)".to_string(), |m| m.to_string())
}

/// The X.509 certificates of CERT payloads: the first is the sender's, the others its chain.
fn x509_certs(inner: &InnerPayloads) -> Vec<Vec<u8>> {
    inner
        .certs
        .iter()
        .filter(|(encoding, _)| *encoding == CertEncoding::X509_SIGNATURE)
        .map(|(_, der)| der.clone())
        .collect()
}

/// Whether an identity as displayed can be looked up in a certificate's SAN.
fn san_identity(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with("DN:")
        && !id.starts_with("KEYID:")
        && !id.starts_with("ID type")
}

/// With the SA keys: the decrypted IKE_AUTH exchange says who refused whom, with which
/// credentials; certificates in CERT payloads are checked (identity in the SAN, then, with CA
/// certificates, the chain at the capture time and now; without, the dates and the issuer).
pub struct DecryptedAuthExchange;

impl Rule for DecryptedAuthExchange {
    fn id(&self) -> &'static str {
        "decrypted-auth"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        let msgs: Vec<Msg<'_>> = sa.msgs.iter().filter(|m| !m.retransmit).copied().collect();
        let request = msgs.iter().copied().find(|m| {
            m.is(ExchangeType::IKE_AUTH, false) && inner(m.m).is_some_and(|i| i.id_i.is_some())
        });
        let Some(response) = decrypted_answer(sa) else {
            return Vec::new();
        };
        let Some(resp) = inner(response.m) else {
            return Vec::new();
        };
        let req = request.as_ref().and_then(|r| inner(r.m));
        let mut ev = vec![response.cite(describe_inner(&response, resp))];
        if let (Some(r), Some(ri)) = (request, req) {
            ev.insert(0, r.cite(describe_inner(&r, ri)));
        }
        let values = sa.fix_values();
        if let Some((ike_wire::eap::FAILURE, _)) = resp.eap {
            if let Some(finding) = eap_nak_refused(self.id(), &msgs, &response, &values) {
                return vec![finding];
            }
            return vec![Finding::decided(
                self.id(),
                AUTH,
                Category::AuthEap,
                Knowledge::OwnStatement,
                "the gateway answers EAP-Failure: the EAP credentials (user name, password, or the RADIUS server's decision) are refused",
            )
            .evidence(ev)
            .fix(fix::for_category(Category::AuthEap, &values))];
        }
        let eap_used = msgs
            .iter()
            .filter(|m| m.m.exchange == ExchangeType::IKE_AUTH)
            .any(|m| inner(m.m).is_some_and(|i| i.eap.is_some()));
        let initiator_gives_up = msgs.iter().copied().find(|m| {
            m.time >= response.time
                && m.m.exchange == ExchangeType::INFORMATIONAL
                && m.m.from_initiator
                && inner(m.m).is_some_and(|i| i.has_notify(NotifyType::AUTHENTICATION_FAILED))
        });
        if let (true, Some(gives_up), None) = (eap_used, initiator_gives_up, resp.auth_method) {
            // In the middle of EAP (the responder's own AUTH came in round one): the initiator
            // abandons the EAP method, e.g. after an MSCHAPv2 failure request.
            if let Some(gi) = inner(gives_up.m) {
                ev.push(gives_up.cite(describe_inner(&gives_up, gi)));
            }
            return vec![Finding::decided(
                self.id(),
                AUTH,
                Category::AuthEap,
                Knowledge::OwnStatement,
                "the EAP exchange fails: the initiator abandons it with AUTHENTICATION_FAILED after the server's EAP answer (credentials refused)",
            )
            .evidence(ev)
            .fix(fix::for_category(Category::AuthEap, &values))];
        }
        let responder_authenticated = resp.auth_method.is_some();
        if !responder_authenticated && resp.has_notify(NotifyType::AUTHENTICATION_FAILED) {
            return vec![responder_refused(sa, &msgs, request, ev)];
        }
        if responder_authenticated {
            let rejection = msgs.iter().copied().find(|m| {
                m.time >= response.time
                    && m.m.exchange == ExchangeType::INFORMATIONAL
                    && m.m.from_initiator
                    && inner(m.m).is_some_and(|i| i.has_notify(NotifyType::AUTHENTICATION_FAILED))
            });
            if let Some(rejection) = rejection {
                if let Some(ri) = inner(rejection.m) {
                    ev.push(rejection.cite(describe_inner(&rejection, ri)));
                }
                return vec![initiator_refused(sa, req, resp, &response, ev)];
            }
            // An answer the initiator never got cannot be what it refused.
            if !sa.established() && !has_child_refusal(resp) && !sa.answer_lost(&response) {
                if let Some(f) = unexplained_gateway_chain(sa, request, &response) {
                    return vec![f];
                }
            }
        }
        Vec::new()
    }
}

/// Notifies by which an authenticated responder refuses the CHILD_SA (judged in child.rs).
fn has_child_refusal(resp: &InnerPayloads) -> bool {
    [
        NotifyType::NO_PROPOSAL_CHOSEN,
        NotifyType::TS_UNACCEPTABLE,
        NotifyType::SINGLE_PAIR_REQUIRED,
        NotifyType::INTERNAL_ADDRESS_FAILURE,
        NotifyType::FAILED_CP_REQUIRED,
    ]
    .iter()
    .any(|n| resp.has_notify(*n))
}

/// With CA certificates given: the chain check of the certificate a peer refused, as a finding.
/// The flag says whether the chain verified at the capture time.
fn chain_finding(
    sa: &SaContext<'_, '_>,
    party: Party,
    msg: &Msg<'_>,
    inner: &InnerPayloads,
    certreq: &[[u8; 20]],
    mut ev: Vec<EvidenceRef>,
    confidence: Confidence,
) -> Option<(Finding, bool)> {
    let files = &sa.ev.cert_files;
    if !files.has_ca() {
        return None;
    }
    let chain = x509_certs(inner);
    let (leaf_der, sent) = chain.split_first()?;
    let leaf = ike_cert::parse(leaf_der).ok()?;
    let at = msg.time.0.div_euclid(1_000_000_000);
    let outcome = files.verify(leaf_der, sent, certreq, at, crate::certs::now())?;
    let judgement = crate::certs::judge_rejected(sa.timeline(), party, &leaf, &outcome, at);
    ev.push(msg.cite(crate::certs::chain_note(&leaf, &outcome)));
    ev.extend(judgement.evidence);
    let fixes = judgement.fix.into_iter().map(fix::Fix::text);
    let found = match judgement.category {
        Some(category) => Finding::decided(
            "decrypted-cert-chain",
            AUTH,
            category,
            Knowledge::OwnStatement,
            judgement.title,
        ),
        None => Finding::open(
            "decrypted-cert-chain",
            AUTH,
            Knowledge::OwnStatement,
            judgement.title,
            judgement.candidates,
        ),
    }
    .confidence(confidence)
    .evidence(ev)
    .fix(fixes);
    Some((found, outcome.at_capture.is_ok()))
}

/// The responder authenticated with a certificate and the SA never came up, with no
/// AUTHENTICATION_FAILED seen: a gateway chain that fails against the CA the client trusts is
/// the likely reason.
fn unexplained_gateway_chain(
    sa: &SaContext<'_, '_>,
    request: Option<Msg<'_>>,
    response: &Msg<'_>,
) -> Option<Finding> {
    let resp = inner(response.m)?;
    resp.auth_method?;
    let certreq = request
        .as_ref()
        .and_then(|r| inner(r.m))
        .map(|r| r.cert_request_cas.clone())
        .unwrap_or_default();
    let ev = vec![response.cite(describe_inner(response, resp))];
    let (found, verified) = chain_finding(
        sa,
        Party::Gateway,
        response,
        resp,
        &certreq,
        ev,
        Confidence::Medium,
    )?;
    (!verified).then_some(found)
}

/// The responder answered AUTHENTICATION_FAILED to the initiator's IKE_AUTH request.
fn responder_refused(
    sa: &SaContext<'_, '_>,
    msgs: &[Msg<'_>],
    request: Option<Msg<'_>>,
    ev: Vec<EvidenceRef>,
) -> Finding {
    let rule = "decrypted-auth";
    let req = request.as_ref().and_then(|r| inner(r.m));
    let method = req.and_then(|r| r.auth_method);
    let id = req
        .and_then(|r| r.id_i.as_ref())
        .map(id_display)
        .unwrap_or_default();
    let capture_time = msgs.first().map(|m| m.time.0 / 1_000_000_000);
    let mut values = sa.fix_values();
    values.change_on = Some(End::Responder);
    values.id_presented = Some(id.clone()).filter(|i| !i.is_empty());
    match method {
        // A different key and an identity that no connection holds get the same bare
        // AUTHENTICATION_FAILED: even decrypted, the wire cannot tell auth-psk from auth-id.
        Some(AuthMethod::PSK) => {
            let decided_by = "the responder's log: 'MAC mismatched' means the key, 'no matching peer config' the identity";
            let mut fixes = fix::to_decide(&[decided_by]);
            fixes.extend(fix::for_category(Category::AuthPsk, &values));
            Finding::open(
                rule,
                AUTH,
                Knowledge::OwnStatement,
                format!("the gateway rejects the client's pre-shared-key AUTH (IDi {id}) with AUTHENTICATION_FAILED: the PSKs differ, or no connection on the gateway holds this identity"),
                refusal_candidates(Credential::Psk, decided_by),
            )
            .confidence(Confidence::High)
            .evidence(ev)
            .fix(fixes)
        }
        None if req.is_some_and(|r| r.eap.is_some() || r.auth_method.is_none()) => Finding::decided(
            rule,
            AUTH,
            Category::AuthEap,
            Knowledge::OwnStatement,
            format!("the gateway rejects the client's EAP authentication (IDi {id}): AUTHENTICATION_FAILED"),
        )
        .evidence(ev)
        .fix(fix::for_category(Category::AuthEap, &values)),
        _ => {
            let cert = req
                .and_then(|r| x509_certs(r).into_iter().next())
                .and_then(|der| ike_cert::parse(&der).ok());
            if let Some(cert) = cert.as_ref().filter(|c| san_identity(&id) && !c.contains_identity(&id)) {
                values.id_expected = Some(id.clone());
                values.san = cert.san_list();
                values.change_on = Some(End::Initiator);
                return Finding::decided(
                    rule,
                    AUTH,
                    Category::AuthId,
                    Knowledge::OwnStatement,
                    format!("the client authenticates as {id}, which is not in its certificate's subjectAltName [{}]: the gateway rejects it (AUTHENTICATION_FAILED)", cert.san_list().join(", ")),
                )
                .evidence(ev)
                .fix(fix::for_category(Category::AuthId, &values));
            }
            if let (Some(request), Some(r)) = (request, req) {
                if let Some((f, _)) = chain_finding(sa, Party::Client, &request, r, &[], ev.clone(), Confidence::High) {
                    return f;
                }
            }
            // The certificate's own defect, when it has one at the capture time.
            let defect = cert.as_ref().zip(capture_time).and_then(|(cert, at)| match cert.validity_at(at) {
                ike_cert::Validity::Expired => Some(format!("the client's certificate ({}) expired on {}, before this capture: the gateway rejects it (AUTHENTICATION_FAILED)", cert.subject, ike_cert::format_time(cert.not_after))),
                ike_cert::Validity::NotYetValid => Some(format!("the client's certificate ({}) is not valid before {}: the gateway rejects it (AUTHENTICATION_FAILED)", cert.subject, ike_cert::format_time(cert.not_before))),
                ike_cert::Validity::Valid => None,
            });
            if let Some(title) = defect {
                return Finding::decided(rule, AUTH, Category::AuthCert, Knowledge::OwnStatement, title)
                    .evidence(ev)
                    .fix(fix::for_category(Category::AuthCert, &values));
            }
            // A valid certificate refused: an untrusted CA (no CA given to check), or an
            // identity (IDi, or the IDr asked for) that no connection of the gateway holds. The
            // same bare AUTHENTICATION_FAILED either way.
            let wanted = req.and_then(|r| r.id_r.as_ref()).map(id_display);
            let decided_by = "the gateway's log ('no matching peer config' for an identity, 'no trusted public key' for the chain, a certificate's validity against its clock), or the CA the gateway trusts (--ca)";
            let mut title = format!("the gateway rejects the client's certificate authentication ({}, IDi {id}{}): AUTHENTICATION_FAILED, and the certificate itself is valid at the capture time",
                method_name(method),
                wanted.as_deref().map(|w| format!(", IDr asked for {w}")).unwrap_or_default());
            if cert.is_none() {
                title = format!("the gateway rejects the client's authentication ({}, IDi {id}): AUTHENTICATION_FAILED", method_name(method));
            }
            let mut candidates = vec![
                candidate(AUTH, Category::AuthCert, "the gateway does not trust the client certificate's CA (or checks revocation)", decided_by),
                candidate(AUTH, Category::AuthId, "no connection of the gateway holds the client's identity or the identity it asked the gateway for", decided_by),
            ];
            // Valid by the capture's clock is not valid by the gateway's (lab
            // cert-not-yet-valid-gateway-clock).
            if cert.is_some() {
                candidates.push(candidate(AUTH, Category::Clock, "the gateway's clock makes the client's certificate look expired or not yet valid", decided_by));
            }
            Finding::open(rule, AUTH, Knowledge::OwnStatement, title, candidates)
            .confidence(Confidence::High)
            .evidence(ev)
            .fix(fix::to_decide(&[decided_by]).into_iter().chain(fix::for_category(Category::AuthId, &values)))
        }
    }
}

/// The responder authenticated itself, then the initiator sent AUTHENTICATION_FAILED: the client
/// does not accept the gateway's certificate or identity.
fn initiator_refused(
    sa: &SaContext<'_, '_>,
    req: Option<&InnerPayloads>,
    resp: &InnerPayloads,
    response: &Msg<'_>,
    ev: Vec<EvidenceRef>,
) -> Finding {
    let rule = "decrypted-client-refuses-gateway";
    let wanted = req.and_then(|r| r.id_r.as_ref()).map(id_display);
    let got = resp.id_r.as_ref().map(id_display).unwrap_or_default();
    let cert = x509_certs(resp)
        .into_iter()
        .next()
        .and_then(|der| ike_cert::parse(&der).ok());
    let at = response.time.0 / 1_000_000_000;
    let mut values = sa.fix_values();
    values.change_on = Some(End::Initiator);
    let Some(cert) = cert else {
        return Finding::decided(rule, AUTH, Category::AuthCert, Knowledge::OwnStatement, format!("the client rejects the gateway's authentication ({}, IDr {got}) and sends AUTHENTICATION_FAILED", method_name(resp.auth_method)))
            .evidence(ev)
            .fix(fix::for_category(Category::AuthCert, &values));
    };
    if let Some(wanted) = wanted.filter(|w| san_identity(w) && !cert.contains_identity(w)) {
        values.id_expected = Some(wanted.clone());
        values.san = cert.san_list();
        return Finding::decided(
            rule,
            AUTH,
            Category::AuthId,
            Knowledge::OwnStatement,
            format!("the client expects the gateway identity {wanted}, which is not in the gateway certificate's subjectAltName [{}]: the client rejects it (AUTHENTICATION_FAILED)", cert.san_list().join(", ")),
        )
        .evidence(ev)
        .fix(fix::for_category(Category::AuthId, &values));
    }
    let certreq = req.map(|r| r.cert_request_cas.as_slice()).unwrap_or(&[]);
    if let Some((f, _)) = chain_finding(
        sa,
        Party::Gateway,
        response,
        resp,
        certreq,
        ev.clone(),
        Confidence::High,
    ) {
        return f;
    }
    match cert.validity_at(at) {
        ike_cert::Validity::Expired => {
            return Finding::decided(
                rule,
                AUTH,
                Category::AuthCert,
                Knowledge::OwnStatement,
                format!(
                    "the gateway's certificate ({}) expired on {}: the client rejects it",
                    cert.subject,
                    ike_cert::format_time(cert.not_after)
                ),
            )
            .evidence(ev)
            .fix([fix::Fix::text("renew the gateway certificate")]);
        }
        ike_cert::Validity::NotYetValid => {
            return Finding::decided(
                rule,
                AUTH,
                Category::AuthCert,
                Knowledge::OwnStatement,
                format!(
                    "the gateway's certificate ({}) is not valid before {}: the client rejects it",
                    cert.subject,
                    ike_cert::format_time(cert.not_before)
                ),
            )
            .evidence(ev)
            .fix([fix::Fix::text(
                "use a gateway certificate that is valid now",
            )]);
        }
        ike_cert::Validity::Valid => {}
    }
    // Valid at the capture time and naming the expected identity, and no CA given: the client
    // does not trust its issuer, or its own clock is wrong. The client's own certificate from
    // the same CA says the CA is known, so then the clock is the suspect.
    let client_issuer = req
        .and_then(|r| r.certs.first())
        .and_then(|(_, der)| ike_cert::parse(der).ok())
        .map(|c| c.issuer);
    let decided_by = "the CA certificate the client trusts (--ca), or the client's log";
    if client_issuer.as_deref() == Some(cert.issuer.as_str()) {
        return Finding::open(
            rule,
            AUTH,
            Knowledge::OwnStatement,
            format!("the gateway's certificate is valid at the capture time ({} .. {}) and issued by the CA the client's own certificate comes from, yet the client rejects it: the client's clock is likely wrong", ike_cert::format_time(cert.not_before), ike_cert::format_time(cert.not_after)),
            vec![
                candidate(AUTH, Category::Clock, "the client's clock makes the certificate look expired or not yet valid", decided_by),
                candidate(AUTH, Category::AuthCert, "the client does not trust the CA after all (another trust store) or checks revocation", decided_by),
            ],
        )
        .evidence(ev)
        .fix([fix::Fix::text("set the client's clock (NTP) and retry")]);
    }
    Finding::open(
        rule,
        AUTH,
        Knowledge::OwnStatement,
        format!("the client rejects the gateway's certificate (issuer {}): it most likely does not trust that CA (or misses an intermediate)", cert.issuer),
        vec![
            candidate(AUTH, Category::AuthCert, "the client does not trust the gateway certificate's CA or misses an intermediate", decided_by),
            candidate(AUTH, Category::Clock, "the client's clock makes the certificate look expired or not yet valid", decided_by),
        ],
    )
    .evidence(ev)
    .fix([fix::Fix::text(format!("install the CA that issued the gateway certificate ({}) on the client, with any intermediate", cert.issuer))])
}

/// Certificate files given with a failed IKE_AUTH attempt: the one the attempt names is checked
/// at the attempt's time (see [`crate::certs::file_at_attempt`]).
pub struct CertificateFileAtAttempt;

impl Rule for CertificateFileAtAttempt {
    fn id(&self) -> &'static str {
        "certificate-file-at-attempt"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        crate::certs::file_at_attempt(sa).into_iter().collect()
    }
}

/// A peer's own statement of why it refused the authentication: a PSK that does not verify, no
/// trusted public key (refined by the lines before it: no issuer, dates outside the validity,
/// else the identity not in the certificate), an identity no connection holds, EAP refused.
pub struct AuthCauseInLog;

impl Rule for AuthCauseInLog {
    fn id(&self) -> &'static str {
        "log-auth-cause"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for log in &sa.logs {
            // A refusal the same log shows the IKE SA getting past is not why it failed: pluto
            // checks each connection it tries in turn, and says why it leaves one for the next.
            let established_at = log.last_position(Fact::IkeEstablished);
            let Some((at, line)) = log.lines.iter().copied().enumerate().find(|(i, l)| {
                l.log.entry.role == ike_logs::Role::Cause
                    && l.log.entry.phase == Some(AUTH)
                    && l.log.entry.category.is_some()
                    && established_at.is_none_or(|e| *i > e)
            }) else {
                continue;
            };
            let mut values = sa.fix_values();
            values.change_on = Some(log.end).filter(|e| *e != End::Unknown);
            if line.fact() == Fact::IdentityRejected {
                identity_values(sa, &line, &mut values);
            }
            // "No trusted public key" hides which of chain, dates or identity failed: only the
            // lines before it tell, and a log that holds none of them (a pasted line) cannot.
            if line.fact() == Fact::NoTrustedKey
                && log.lines.len() <= 2
                && !log
                    .before(at, 12)
                    .any(|l| matches!(l.fact(), Fact::NoIssuer | Fact::CertOutsideValidity))
            {
                let decided_by = "the lines before it in the full log (no issuer, validity dates), or the certificate with the CA";
                out.push(
                    Finding::open(
                        self.id(),
                        AUTH,
                        Knowledge::OwnStatement,
                        format!(
                            "{} log: {} (the lines that would say why are not in the log given)",
                            line.log.entry.implementation.as_str(),
                            line.log.entry.meaning
                        ),
                        vec![
                            candidate(AUTH, Category::AuthCert, "the chain does not reach a trusted CA (missing CA or intermediate)", decided_by),
                            candidate(AUTH, Category::AuthId, "the peer's identity is not in its certificate", decided_by),
                            candidate(AUTH, Category::Clock, "the certificate is outside its validity at this host's time", decided_by),
                        ],
                    )
                    .evidence([line.cite_meaning()])
                    .fix(fix::to_decide(&[decided_by])),
                );
                break;
            }
            // An EAP failure that answers an EAP-Nak: the method, not the credentials. The
            // server's own line states it; the client's log shows its Nak, then the failure
            // with no new method asked for in between (a Nak answered by another method, then
            // a refused password, is the password).
            let method_refused = match line.fact() {
                Fact::EapMethodRefused => Some(line),
                Fact::PeerRefusedAuth if line.log.entry.category == Some(Category::AuthEap) => log
                    .before(at, 12)
                    .take_while(|l| !l.log.text.contains("EAP/REQ/"))
                    .find(|l| l.fact() == Fact::EapMethodRefused),
                _ => None,
            };
            let nak_before = method_refused.filter(|nak| !std::ptr::eq(nak.event, line.event));
            let (category, title, evidence) = match (line.fact(), nak_before) {
                (Fact::NoTrustedKey, _) => no_trusted_key(sa, log, &line),
                (_, Some(nak)) => (
                        Some(Category::AuthEap),
                        format!(
                            "{} log: the client refused the EAP method the server asked for (an EAP-Nak), and EAP ended in failure: the two ends are set up for different EAP methods",
                            line.log.entry.implementation.as_str(),
                        ),
                        // The failure line's own meaning blames the credentials: not here.
                        vec![nak.cite_meaning(), line.cite("the server ended EAP with EAP-Failure")],
                    ),
                (_, None) => {
                    let category = line.log.entry.category.unwrap_or(Category::AuthCert);
                    (
                        Some(category),
                        format!(
                            "{} log: {}",
                            line.log.entry.implementation.as_str(),
                            line.log.entry.meaning
                        ),
                        vec![line.cite_meaning()],
                    )
                }
            };
            let decided = if let Some(c) = category {
                let fixes = if let Some(nak) = method_refused {
                    fix::eap_method_mismatch(&values, eap_method_wanted(&nak.log.text).as_deref())
                } else {
                    fix::for_category(c, &values)
                };
                Finding::decided(self.id(), AUTH, c, Knowledge::OwnStatement, title)
                    .evidence(evidence)
                    .fix(fixes)
            } else {
                let decided_by = "the other end's clock (a capture or its log), or the certificate";
                Finding::open(
                    self.id(),
                    AUTH,
                    Knowledge::OwnStatement,
                    title,
                    vec![
                        candidate(
                            AUTH,
                            Category::Clock,
                            "this host's clock is behind",
                            decided_by,
                        ),
                        candidate(
                            AUTH,
                            Category::AuthCert,
                            "the certificate was issued valid from a later date",
                            decided_by,
                        ),
                    ],
                )
                .evidence(evidence)
            };
            out.push(decided);
            break;
        }
        out
    }
}

/// The EAP method a client's Nak asks for instead, as strongSwan's configuration names it
/// (charon's `requesting EAP_MSCHAPV2 authentication, sending EAP_NAK`: `mschapv2`).
fn eap_method_wanted(line: &str) -> Option<String> {
    let method = line
        .split_once("requesting EAP_")?
        .1
        .split_once(" authentication, sending EAP_NAK")?
        .0;
    (!method.is_empty() && method.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| method.to_ascii_lowercase())
}

/// What a responder's refused identity lookup says about the line to change: the identity the
/// initiator asked for (IDr) is not one the gateway's certificate holds (then the initiator
/// must expect another), or the initiator's own identity is not expected (then the responder
/// must expect it).
fn identity_values(sa: &SaContext<'_, '_>, line: &Line<'_>, values: &mut fix::Values) {
    // The initiator's own line names both: expect what the responder presents.
    if let Some(presented) = responder_identity_refused(&line.log.text) {
        values.id_presented = Some(presented);
        values.change_on = Some(End::Initiator);
        return;
    }
    let Some((asked, presented)) = sa.looked_up_identities() else {
        return;
    };
    let gateway_san: Vec<String> = sa
        .ev
        .cert_files
        .end_entities()
        .map(|c| c.info())
        .filter(|i| !(i.has_eku && i.eku_client_auth && !i.eku_server_auth))
        .flat_map(|i| i.san_list())
        .collect();
    if !gateway_san.is_empty() && !gateway_san.iter().any(|n| n.eq_ignore_ascii_case(&asked)) {
        values.id_expected = Some(asked);
        values.san = gateway_san;
        values.change_on = Some(End::Initiator);
    } else {
        values.id_presented = Some(presented);
        values.change_on = Some(End::Responder);
        // An initiator that names the responder (IDr) may name it wrongly: charon's lookup
        // line reads the same either way, and no certificate here says which.
        if gateway_san.is_empty() && asked != "%any" {
            values.id_asked = Some(asked);
        }
    }
}

/// The identity a responder presented, from charon's "IDir 'PRESENTED' does not match to
/// 'EXPECTED'" (IKEv2's IDr and IKEv1's Main Mode message 6 alike).
fn responder_identity_refused(text: &str) -> Option<String> {
    let (_, rest) = text.split_once("IDir '")?;
    let (presented, _) = rest.split_once("' does not match to '")?;
    Some(presented.to_owned()).filter(|p| !p.is_empty())
}

/// "no trusted public key found": which of chain, dates (expired, or a clock) or identity, from
/// the lines before it.
fn no_trusted_key(
    sa: &SaContext<'_, '_>,
    log: &crate::context::LogView<'_>,
    line: &Line<'_>,
) -> (Option<Category>, String, Vec<EvidenceRef>) {
    let i = log.position(line).unwrap_or(0);
    let mut evidence = vec![line.cite_meaning()];
    if let Some(chain) = log.before(i, 12).find(|l| l.fact() == Fact::NoIssuer) {
        evidence.insert(0, chain.cite_meaning());
        return (
            Some(Category::AuthCert),
            "certificate not trusted: no issuer certificate (CA or intermediate) for the peer's certificate".into(),
            evidence,
        );
    }
    if let Some(dates) = log
        .before(i, 12)
        .find(|l| l.fact() == Fact::CertOutsideValidity)
    {
        evidence.insert(0, dates.cite_meaning());
        // The host's own clock, as it wrote the line (before any offset was applied).
        let host_time = dates.log.record.time_ns;
        let Some(((from, to), host)) = dates.log.validity.zip(host_time) else {
            return (
                Some(Category::AuthCert),
                "certificate outside its validity period".into(),
                evidence,
            );
        };
        // Another clock: the offset of this log against a capture or the other peer's log.
        let source = line.event.source();
        let log_offset = sa.timeline().clock_offsets.iter().find_map(|o| {
            if o.other == source {
                Some(o.offset_ns())
            } else if o.reference == source
                && sa
                    .timeline()
                    .sources
                    .get(o.other.0 as usize)
                    .is_some_and(|s| s.kind == ike_timeline::SourceKind::Log)
            {
                Some(-o.offset_ns())
            } else {
                None
            }
        });
        const DAY: i64 = 86_400 * 1_000_000_000;
        if host < from {
            let behind = from - host;
            return match log_offset.map(|o| host - o) {
                Some(real) if real >= from => (
                    Some(Category::Clock),
                    format!(
                        "the certificate is not yet valid at this host's time ({} days before its start) but is by the other clocks: this host's clock is behind",
                        behind / DAY
                    ),
                    evidence,
                ),
                Some(_) => (
                    Some(Category::AuthCert),
                    "the peer's certificate is not valid yet, by this host's clock and the others: it was issued for a later date".into(),
                    evidence,
                ),
                None => (
                    None,
                    format!(
                        "a certificate is not yet valid at this host's time ({} days before its start): this host's clock is behind, or the certificate was issued for a later date; another clock (the other end's log, a capture) decides",
                        behind / DAY
                    ),
                    evidence,
                ),
            };
        }
        if host > to {
            let real = log_offset.map(|o| host - o);
            if real.is_some_and(|r| r <= to) {
                return (
                    Some(Category::Clock),
                    "the certificate looks expired at this host's time, but the other clocks show it valid: this host's clock is ahead".into(),
                    evidence,
                );
            }
            return (
                Some(Category::AuthCert),
                "the peer's certificate has expired".into(),
                evidence,
            );
        }
        return (
            Some(Category::AuthCert),
            "certificate outside its validity period".into(),
            evidence,
        );
    }
    (
        Some(Category::AuthId),
        "no certificate holds the peer's identity: the identity is not in the certificate's subject or subjectAltName (the chain itself was never the problem)".into(),
        evidence,
    )
}

/// A peer's reading that the other refused its authentication (AUTHENTICATION_FAILED received),
/// or a responder's reading that the initiator refused it (the initiator's AUTHENTICATION_FAILED
/// INFORMATIONAL): only the refusing peer's log says why; the credentials used narrow it.
pub struct AuthRefusalReadInLog;

impl Rule for AuthRefusalReadInLog {
    fn id(&self) -> &'static str {
        "log-auth-refused"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        if sa.established() && !sa.msgs.is_empty() {
            return Vec::new();
        }
        for log in &sa.logs {
            let credential = own_credential(log);
            if let Some(line) = log.first(Fact::PeerRefusedAuth) {
                let decided_by = "the other peer's log";
                return vec![Finding::open(
                    self.id(),
                    AUTH,
                    Knowledge::PeerReading,
                    "the peer refused this side's authentication (AUTHENTICATION_FAILED); only the peer's log says why",
                    refusal_candidates(credential, decided_by),
                )
                .evidence([line.cite_meaning()])
                .fix(fix::to_decide(&[decided_by]))];
            }
            // A responder that parsed the initiator's AUTHENTICATION_FAILED: the client refused it.
            let refused = log.lines.iter().copied().find(|l| {
                l.fact() == Fact::MessageParsed
                    && l.log.response == Some(false)
                    && l.log.exchange == Some("INFORMATIONAL")
                    && l.log.text.contains("N(AUTH_FAILED)")
            });
            if let Some(line) = refused {
                let decided_by = "the initiator's log, or the responder's certificate with the CA the initiator trusts";
                let credential = if credential == Credential::Unknown {
                    Credential::Certificate
                } else {
                    credential
                };
                return vec![Finding::open(
                    self.id(),
                    AUTH,
                    Knowledge::PeerReading,
                    "the initiator refused this side's authentication (AUTHENTICATION_FAILED after IKE_AUTH): it does not accept its certificate or identity, or its clock is wrong",
                    refusal_candidates(credential, decided_by),
                )
                .evidence([line.cite("the initiator's INFORMATIONAL with AUTHENTICATION_FAILED")])
                .fix(fix::to_decide(&[decided_by]))];
            }
        }
        Vec::new()
    }
}

/// The credential a log's writer authenticated itself with.
fn own_credential(log: &crate::context::LogView<'_>) -> Credential {
    let method = log
        .all(Fact::Authentication)
        .find(|l| l.log.of_self == Some(true))
        .and_then(|l| l.log.detail.clone());
    match method.as_deref() {
        Some("pre-shared key") => Credential::Psk,
        Some(m) if m.starts_with("EAP") => Credential::Eap,
        Some(_) => Credential::Certificate,
        None => Credential::Unknown,
    }
}

/// IKE_AUTH never answered (the initiator's retransmits, sizes from its packet lines) or never
/// arrived (the responder drops the half-open SA).
pub struct AuthNeverAnsweredInLog;

impl Rule for AuthNeverAnsweredInLog {
    fn id(&self) -> &'static str {
        "log-auth-unanswered"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        if sa.established() {
            return Vec::new();
        }
        let decided_by = "a capture at the initiator, or the initiator's log with its packet sizes";
        let candidates = || {
            vec![
                candidate(
                    AUTH,
                    Category::MtuFragmentation,
                    "IKE_AUTH with certificates is IP-fragmented and the fragments are dropped",
                    decided_by,
                ),
                candidate(
                    AUTH,
                    Category::Nat,
                    "UDP 4500 is blocked after the NAT-T move",
                    decided_by,
                ),
            ]
        };
        let values = sa.fix_values();
        for log in &sa.logs {
            let retransmits: Vec<Line<'_>> = log
                .lines
                .iter()
                .copied()
                .filter(|l| {
                    matches!(l.fact(), Fact::Retransmit | Fact::GaveUp)
                        && (l.log.exchange == Some("IKE_AUTH") || l.log.message_id == Some(1))
                })
                .collect();
            if let Some(last) = retransmits.last().copied() {
                if log.has(Fact::IkeEstablished) {
                    continue;
                }
                let mut evidence = vec![last.cite_meaning()];
                let sent: Vec<Line<'_>> = log
                    .all(Fact::PacketSent)
                    .filter(|l| l.log.bytes.is_some())
                    .collect();
                let largest = sent.iter().filter_map(|l| l.log.bytes).max();
                let on_4500 = sent
                    .iter()
                    .any(|l| l.log.dst.is_some_and(|d| d.port() == 4500))
                    || log.has(Fact::NatDetected);
                if let Some(size) = largest.filter(|s| *s > MAX_UNFRAGMENTED_IKE) {
                    if let Some(l) = sent.iter().find(|l| l.log.bytes == Some(size)) {
                        evidence.push(l.cite(format!("the IKE_AUTH request is {size} bytes: IP-fragmented on a 1500-byte path")));
                    }
                    return vec![Finding::decided(
                        self.id(),
                        AUTH,
                        Category::MtuFragmentation,
                        Knowledge::OwnStatement,
                        format!("IKE_AUTH ({size} bytes) is never answered: its IP fragments are dropped on the way"),
                    )
                    .confidence(Confidence::Medium)
                    .evidence(evidence)
                    .fix(fix::for_category(Category::MtuFragmentation, &values))];
                }
                // The responder asked for certificates (CERTREQ in its IKE_SA_INIT answer), or
                // this initiator asks for the responder's: the answer likely carries a
                // certificate and can be over the MTU, its fragments lost on the way back.
                let certificate_answer = log.lines.iter().copied().find(|l| {
                    matches!(l.fact(), Fact::MessageParsed | Fact::MessageBuilt)
                        && matches!(
                            (l.log.exchange, l.log.response),
                            (Some("IKE_SA_INIT"), Some(true)) | (Some("IKE_AUTH"), Some(false))
                        )
                        && l.log.text.contains(" CERTREQ ")
                });
                if let (Some(_), true, Some(line)) = (largest, on_4500, certificate_answer) {
                    evidence.push(line.cite(
                        "certificates are asked for (CERTREQ): the IKE_AUTH answer likely carries the responder's, which can exceed the MTU",
                    ));
                    let decided_by = "the responder's log (does it answer, and how large?) or a capture at the initiator";
                    let mut fixes = fix::for_category(Category::Nat, &values);
                    fixes.extend(fix::for_category(Category::MtuFragmentation, &values));
                    return vec![Finding::open(
                        self.id(),
                        AUTH,
                        Knowledge::PeerReading,
                        "IKE_AUTH is never answered after the move to UDP 4500, and it is small enough not to be fragmented: UDP 4500 blocked, or the answer with the responder's certificates lost in IP fragments on the way back",
                        udp_4500_or_certificate_answer(decided_by),
                    )
                    .evidence(evidence)
                    .fix(fixes)];
                }
                if largest.is_some() && on_4500 {
                    return vec![Finding::decided(
                        self.id(),
                        AUTH,
                        Category::Nat,
                        Knowledge::OwnStatement,
                        "IKE_AUTH is never answered after the move to UDP 4500, and it is small enough not to be fragmented: UDP 4500 is blocked",
                    )
                    .confidence(Confidence::Medium)
                    .evidence(evidence)
                    .fix(fix::for_category(Category::Nat, &values))];
                }
                return vec![Finding::open(
                    self.id(),
                    AUTH,
                    Knowledge::PeerReading,
                    "IKE_AUTH is never answered after IKE_SA_INIT succeeded: UDP 4500 blocked, or IKE_AUTH fragmented and its fragments dropped",
                    candidates(),
                )
                .evidence(evidence)
                .fix(fix::for_category(Category::MtuFragmentation, &values))];
            }
            // The responder gave up waiting for IKE_AUTH, or answered IKE_SA_INIT and never saw
            // anything more.
            let half_open = log.first(Fact::HalfOpenTimeout);
            let answered = log.lines.iter().copied().find(|l| {
                (l.fact() == Fact::MessageBuilt
                    && l.log.exchange == Some("IKE_SA_INIT")
                    && l.log.response == Some(true)
                    && l.log.text.contains("[ SA "))
                    || l.fact() == Fact::InitAnswered
            });
            let auth_seen = log.lines.iter().any(|l| {
                (matches!(l.fact(), Fact::MessageParsed | Fact::PacketReceived)
                    && (l.log.exchange == Some("IKE_AUTH")
                        || l.log.src.is_some_and(|s| s.port() == 4500)))
                    || l.fact() == Fact::IkeEstablished
            });
            if let Some(line) = half_open.or(answered.filter(|_| !auth_seen)) {
                if auth_seen {
                    continue;
                }
                return vec![Finding::open(
                    self.id(),
                    AUTH,
                    Knowledge::PeerReading,
                    "the responder answered IKE_SA_INIT and IKE_AUTH never arrived: UDP 4500 blocked, or IKE_AUTH fragments dropped",
                    candidates(),
                )
                .evidence([line.cite_meaning()])
                .fix(fix::for_category(Category::MtuFragmentation, &values))];
            }
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refused_responder_identity_is_read_from_charons_line() {
        let line = "16:15:58.169 16[IKE] <home|1> IDir 'gateway.ikelab.test' does not match to 'vpn.ikelab.test'";
        assert_eq!(
            responder_identity_refused(line).as_deref(),
            Some("gateway.ikelab.test")
        );
        assert_eq!(
            responder_identity_refused("IDir '' does not match to 'x'"),
            None
        );
        assert_eq!(
            responder_identity_refused("no matching peer config found"),
            None
        );
    }

    /// The lab's gateway-identity-mismatch, the gateway's log: the lookup names the identity
    /// the client asked for and its own, and either may be wrong. The fix names both.
    #[test]
    fn a_refused_lookup_naming_the_gateway_leaves_both_identities_to_check() {
        let fixes = |log: &str| -> Vec<String> {
            let mut lab = Lab::new();
            lab.log("gateway.log", log);
            let d = diagnose(&lab.finish());
            d.findings
                .iter()
                .find(|f| f.category == Some(Category::AuthId))
                .map(|f| f.fix.iter().map(|x| x.text.clone()).collect())
                .unwrap_or_default()
        };
        let asked = fixes("\
Dec  7 18:15:25.205 12[CFG] <1> looking for peer configs matching 10.99.2.2[vpn.ikelab.test]...10.99.2.3[client.ikelab.test]
Dec  7 18:15:25.205 12[CFG] <1> no matching peer config found
");
        assert!(
            asked
                .iter()
                .any(|f| f.contains("if `vpn.ikelab.test` is its identity")),
            "{asked:?}"
        );
        assert!(
            asked
                .iter()
                .any(|f| f.contains("set the initiator's remote id")),
            "{asked:?}"
        );
        let any = fixes("\
Dec  7 18:15:25.205 12[CFG] <1> looking for peer configs matching 10.99.2.2[%any]...10.99.2.3[client.ikelab.test]
Dec  7 18:15:25.205 12[CFG] <1> no matching peer config found
");
        assert!(!any.iter().any(|f| f.contains("IDr")), "{any:?}");
        assert!(
            any.iter()
                .any(|f| f.contains("expect the identity the peer presents")),
            "{any:?}"
        );
    }

    /// The lab's eap-method-mismatch: an EAP-Failure after the client's EAP-Nak is a method
    /// mismatch, from either end's log; the same failure with no Nak is the credentials.
    #[test]
    fn an_eap_failure_after_a_nak_is_a_method_mismatch_not_a_password() {
        let finding = |name: &str, log: &str| -> (String, Vec<String>) {
            let mut lab = Lab::new();
            lab.log(name, log);
            let d = diagnose(&lab.finish());
            let f = d
                .findings
                .iter()
                .find(|f| f.category == Some(Category::AuthEap))
                .unwrap_or_else(|| panic!("no auth-eap finding: {:?}", d.findings));
            (
                f.title.clone(),
                f.fix.iter().map(|x| x.text.clone()).collect(),
            )
        };
        let client = "\
Dec  8 00:11:42.694 16[ENC] <home|1> parsed IKE_AUTH response 2 [ EAP/REQ/MD5 ]
Dec  8 00:11:42.694 16[IKE] <home|1> server requested EAP_MD5 authentication (id 0x48)
Dec  8 00:11:42.694 16[IKE] <home|1> requesting EAP_MSCHAPV2 authentication, sending EAP_NAK
Dec  8 00:11:42.695 01[ENC] <home|1> parsed IKE_AUTH response 3 [ EAP/FAIL ]
Dec  8 00:11:42.695 01[IKE] <home|1> received EAP_FAILURE, EAP authentication failed
";
        let gateway = "\
Dec  8 00:11:42.694 13[IKE] <rw|1> initiating EAP_MD5 method (id 0x48)
Dec  8 00:11:42.695 09[ENC] <rw|1> parsed IKE_AUTH request 3 [ EAP/RES/NAK ]
Dec  8 00:11:42.695 09[IKE] <rw|1> received EAP_NAK, sending EAP_FAILURE
";
        for (name, log, line) in [
            ("client.log", client, true),
            ("gateway.log", gateway, false),
        ] {
            let (title, fixes) = finding(name, log);
            // The client's Nak names the method it does: the gateway's line to expect it.
            assert_eq!(
                fixes.iter().any(|f| f.contains("`auth = eap-mschapv2`")),
                line,
                "{name}: {fixes:?}"
            );
            assert!(title.contains("EAP-Nak"), "{name}: {title}");
            assert!(
                fixes.iter().all(|f| !f.contains("password")),
                "{name}: {fixes:?}"
            );
            assert!(
                fixes.iter().any(|f| f.contains("same EAP method")),
                "{name}: {fixes:?}"
            );
        }
        let no_nak: String = client
            .lines()
            .filter(|l| !l.contains("EAP_NAK"))
            .map(|l| format!("{l}\n"))
            .collect();
        let (title, fixes) = finding("client.log", &no_nak);
        assert!(!title.contains("EAP-Nak"), "{title}");
        assert!(fixes.iter().any(|f| f.contains("password")), "{fixes:?}");
        // A Nak the server answers with another method, whose password is then refused: the
        // failure answers that method, not the Nak.
        let renegotiated = "\
Dec  8 00:11:42.694 16[ENC] <home|1> parsed IKE_AUTH response 2 [ EAP/REQ/MD5 ]
Dec  8 00:11:42.694 16[IKE] <home|1> requesting EAP_MSCHAPV2 authentication, sending EAP_NAK
Dec  8 00:11:42.695 01[ENC] <home|1> parsed IKE_AUTH response 3 [ EAP/REQ/MSCHAPV2 ]
Dec  8 00:11:42.695 01[IKE] <home|1> server requested EAP_MSCHAPV2 authentication (id 0x49)
Dec  8 00:11:42.696 01[ENC] <home|1> parsed IKE_AUTH response 4 [ EAP/FAIL ]
Dec  8 00:11:42.696 01[IKE] <home|1> received EAP_FAILURE, EAP authentication failed
";
        let (title, fixes) = finding("client.log", renegotiated);
        assert!(!title.contains("EAP-Nak"), "{title}");
        assert!(fixes.iter().any(|f| f.contains("password")), "{fixes:?}");
    }

    #[test]
    fn the_method_a_nak_asks_for_is_read_as_swanctl_names_it() {
        let line = "16[IKE] <home|1> requesting EAP_MSCHAPV2 authentication, sending EAP_NAK";
        assert_eq!(eap_method_wanted(line).as_deref(), Some("mschapv2"));
        assert_eq!(
            eap_method_wanted("EAP method not supported, sending EAP_NAK"),
            None
        );
        assert_eq!(
            eap_method_wanted("requesting EAP_ authentication, sending EAP_NAK"),
            None
        );
    }

    use crate::fixture::*;
    use ike_contract::Outcome;

    fn auth_exchange(lab: &mut Lab, c: ike_timeline::SourceId, request: usize, answer: usize) {
        init_exchange(lab, c, 0, 1);
        lab.send(
            c,
            10,
            Ike::new(1, 2, ExchangeType::IKE_AUTH, 1, I).sk(request),
        );
        lab.send(
            c,
            20,
            Ike::new(1, 2, ExchangeType::IKE_AUTH, 1, R).sk(answer),
        );
    }

    #[test]
    fn a_lone_notify_to_a_psk_request_leaves_psk_and_identity_open() {
        let mut lab = Lab::new();
        let c = lab.capture("client.pcap");
        auth_exchange(&mut lab, c, 260, 40);
        lab.until(c, 5000);
        let v = diagnose(&lab.finish()).verdict;
        assert_eq!(
            (v.outcome, v.phase, v.category),
            (Outcome::Failed, Some(AUTH), None)
        );
        let cats: Vec<_> = v.candidates.iter().map(|c| c.category).collect();
        assert_eq!(cats, vec![Category::AuthPsk, Category::AuthId]);
    }

    #[test]
    fn the_client_refusing_the_gateways_certificate_is_an_auth_failure_not_a_child_sa_one() {
        let mut lab = Lab::new();
        let c = lab.capture("client.pcap");
        auth_exchange(&mut lab, c, 800, 1400);
        lab.send(
            c,
            22,
            Ike::new(1, 2, ExchangeType::INFORMATIONAL, 2, I).sk(40),
        );
        lab.send(
            c,
            24,
            Ike::new(1, 2, ExchangeType::INFORMATIONAL, 2, R).sk(40),
        );
        lab.until(c, 5000);
        let v = diagnose(&lab.finish()).verdict;
        assert_eq!((v.phase, v.category), (Some(AUTH), None));
        let cats: Vec<_> = v.candidates.iter().map(|c| c.category).collect();
        assert_eq!(
            cats,
            vec![Category::AuthCert, Category::AuthId, Category::Clock]
        );
    }

    #[test]
    fn a_psk_answer_then_the_initiator_closing_leaves_even_the_phase_open() {
        let mut lab = Lab::new();
        let c = lab.capture("client.pcap");
        auth_exchange(&mut lab, c, 260, 220);
        lab.send(
            c,
            22,
            Ike::new(1, 2, ExchangeType::INFORMATIONAL, 2, I).sk(40),
        );
        lab.send(
            c,
            24,
            Ike::new(1, 2, ExchangeType::INFORMATIONAL, 2, R).sk(40),
        );
        lab.until(c, 5000);
        let v = diagnose(&lab.finish()).verdict;
        assert_eq!((v.phase, v.category), (None, None));
        assert!(v
            .candidates
            .iter()
            .any(|c| c.phase == FailurePhase::ChildSa && c.category == Category::Implementation));
    }

    #[test]
    fn fragmented_ikeauth_without_answer_is_the_mtu() {
        let mut lab = Lab::new();
        let c = lab.capture("client.pcap");
        init_exchange(&mut lab, c, 0, 1);
        lab.send(
            c,
            10,
            Ike::new(1, 2, ExchangeType::IKE_AUTH, 1, I)
                .sk(3000)
                .fragments(3),
        );
        lab.send(
            c,
            1010,
            Ike::new(1, 2, ExchangeType::IKE_AUTH, 1, I)
                .sk(3000)
                .fragments(3),
        );
        let v = diagnose(&lab.finish()).verdict;
        assert_eq!(
            (v.phase, v.category),
            (Some(AUTH), Some(Category::MtuFragmentation))
        );
    }

    /// A client behind NAT whose small IKE_AUTH, after the move to UDP 4500, is sent three times
    /// and never answered; the responder's IKE_SA_INIT answer asks for certificates or not.
    fn small_ikeauth_unanswered_after_the_nat_t_move(certreq: bool) -> crate::model::Verdict {
        let mut lab = Lab::new();
        let c = lab.capture("client.pcap");
        // NAT detection hashes that match no address seen here: the client is behind NAT.
        let natd = |t| notify(t, &[0xab; 20]);
        lab.send(
            c,
            0,
            Ike::new(1, 0, ExchangeType::IKE_SA_INIT, 0, I)
                .with(sa(14))
                .with(nonce())
                .with(natd(NotifyType::NAT_DETECTION_SOURCE_IP))
                .with(natd(NotifyType::NAT_DETECTION_DESTINATION_IP)),
        );
        let mut answer = Ike::new(1, 2, ExchangeType::IKE_SA_INIT, 0, R)
            .with(sa(14))
            .with(nonce())
            .with(natd(NotifyType::NAT_DETECTION_SOURCE_IP))
            .with(natd(NotifyType::NAT_DETECTION_DESTINATION_IP));
        if certreq {
            answer = answer.with(ike_wire::PayloadRepr::CertificateRequest {
                encoding: CertEncoding(4),
                data: vec![0x5a; 20],
            });
        }
        lab.send(c, 2, answer);
        for t in [10, 1010, 2410] {
            lab.send(
                c,
                t,
                Ike::new(1, 2, ExchangeType::IKE_AUTH, 1, I)
                    .sk(260)
                    .between("192.0.2.10:4500", "198.51.100.1:4500"),
            );
        }
        diagnose(&lab.finish()).verdict
    }

    #[test]
    fn a_small_ikeauth_unanswered_after_the_nat_t_move_is_udp_4500() {
        let v = small_ikeauth_unanswered_after_the_nat_t_move(false);
        assert_eq!(
            (v.phase, v.category),
            (Some(AUTH), Some(Category::Nat)),
            "{v:?}"
        );
    }

    /// The lab's eap-response-fragments-dropped from the client's capture: a responder that
    /// asks for certificates may answer with its own over the MTU, which is lost on the way
    /// back just as an answer on a blocked UDP 4500 would be.
    #[test]
    fn a_small_ikeauth_unanswered_where_certificates_are_asked_for_stays_open() {
        let v = small_ikeauth_unanswered_after_the_nat_t_move(true);
        let candidates: Vec<_> = v.candidates.iter().map(|c| c.category).collect();
        assert_eq!((v.phase, v.category), (Some(AUTH), None), "{v:?}");
        assert_eq!(
            candidates,
            [Category::Nat, Category::MtuFragmentation],
            "{v:?}"
        );
    }

    /// The responder's capture: its IKE_AUTH answer leaves in IP fragments, and the initiator
    /// sends its request again and again: the answer is lost on the way back.
    #[test]
    fn an_answer_in_fragments_with_the_request_resent_is_the_mtu() {
        let lost = |fragments: usize, answer: usize| {
            let mut lab = Lab::new();
            let g = lab.capture("gateway.pcap");
            init_exchange(&mut lab, g, 0, 1);
            for t in [10, 1010, 2410] {
                lab.send(g, t, Ike::new(1, 2, ExchangeType::IKE_AUTH, 1, I).sk(300));
                let mut answer = Ike::new(1, 2, ExchangeType::IKE_AUTH, 1, R).sk(answer);
                if fragments > 1 {
                    answer = answer.fragments(fragments);
                }
                lab.send(g, t + 5, answer);
            }
            lab.until(g, 6000);
            diagnose(&lab.finish()).verdict
        };
        let v = lost(2, 2000);
        assert_eq!(
            (v.phase, v.category),
            (Some(AUTH), Some(Category::MtuFragmentation)),
            "{v:?}"
        );
        // A small answer lost the same way: the return path, not the MTU.
        let v = lost(1, 400);
        assert_eq!((v.phase, v.category), (Some(AUTH), None), "{v:?}");
        assert!(
            v.candidates
                .iter()
                .any(|c| c.category == Category::UdpBlocked),
            "{v:?}"
        );
        assert!(
            !v.candidates
                .iter()
                .any(|c| c.category == Category::MtuFragmentation),
            "{v:?}"
        );
    }

    /// The client's log of the EAP case: its request is small, but it asks for the gateway's
    /// certificate: UDP 4500 and a lost large answer both fit.
    #[test]
    fn a_client_log_asking_for_certificates_leaves_udp_4500_and_the_answer_open() {
        let verdict = |request: &str| {
            let mut lab = Lab::new();
            lab.log(
                "client.log",
                &format!("\
Dec  7 21:36:39.327 10[ENC] <home|1> parsed IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(HASH_ALG) ]
Dec  7 21:36:39.330 10[ENC] <home|1> generating IKE_AUTH request 1 [ {request} ]
Dec  7 21:36:39.330 10[NET] <home|1> sending packet: from 10.99.1.2[4500] to 10.99.2.2[4500] (304 bytes)
Dec  7 21:36:43.690 15[IKE] <home|1> retransmit 3 of request with message ID 1
Dec  7 21:36:46.433 11[IKE] <home|1> giving up after 3 retransmits
"),
            );
            diagnose(&lab.finish()).verdict
        };
        let v = verdict("IDi N(INIT_CONTACT) CERTREQ IDr CPRQ(ADDR) SA TSi TSr");
        assert_eq!((v.phase, v.category), (Some(AUTH), None), "{v:?}");
        assert!(
            v.candidates
                .iter()
                .any(|c| c.category == Category::MtuFragmentation),
            "{v:?}"
        );
        let v = verdict("IDi N(INIT_CONTACT) IDr AUTH CPRQ(ADDR) SA TSi TSr");
        assert_eq!(
            (v.phase, v.category),
            (Some(AUTH), Some(Category::Nat)),
            "{v:?}"
        );
    }

    /// The lab's ike-auth-response-fragments-dropped, the gateway's log: it took the IKE SA as
    /// established, then received IKE_AUTH again and again and resent its 2176-byte answer.
    #[test]
    fn a_responder_resending_a_large_ikeauth_answer_is_the_mtu_even_when_established() {
        let mut lab = Lab::new();
        lab.log(
            "gateway.log",
            "\
Dec  7 21:35:08.711 10[IKE] <rw|1> authentication of 'client.ikelab.test' with RSA_EMSA_PKCS1_SHA2_384 successful
Dec  7 21:35:08.716 10[IKE] <rw|1> IKE_SA rw[1] established between 10.99.2.2[gateway.ikelab.test]...10.99.1.2[client.ikelab.test]
Dec  7 21:35:08.717 10[NET] <rw|1> sending packet: from 10.99.2.2[4500] to 10.99.1.2[4500] (2176 bytes)
Dec  7 21:35:09.708 13[IKE] <rw|1> received retransmit of request with ID 1, retransmitting response
Dec  7 21:35:09.708 13[NET] <rw|1> sending packet: from 10.99.2.2[4500] to 10.99.1.2[4500] (2176 bytes)
Dec  7 21:35:11.108 13[IKE] <rw|1> received retransmit of request with ID 1, retransmitting response
Dec  7 21:35:11.108 13[NET] <rw|1> sending packet: from 10.99.2.2[4500] to 10.99.1.2[4500] (2176 bytes)
",
        );
        let v = diagnose(&lab.finish()).verdict;
        assert_eq!(
            (v.phase, v.category),
            (Some(AUTH), Some(Category::MtuFragmentation)),
            "{v:?}"
        );
    }

    #[test]
    fn the_responders_mac_mismatch_decides_psk() {
        let mut lab = Lab::new();
        let c = lab.capture("client.pcap");
        auth_exchange(&mut lab, c, 260, 40);
        lab.log(
            "gateway.log",
            "\
Nov 26 23:21:16.665 10[IKE] <rw|1> 192.0.2.10 is initiating an IKE_SA
Nov 26 23:21:16.700 12[IKE] <rw|1> tried 1 shared key for 'gateway' - 'client', but MAC mismatched
",
        );
        let v = diagnose(&lab.finish()).verdict;
        assert_eq!((v.phase, v.category), (Some(AUTH), Some(Category::AuthPsk)));
    }

    #[test]
    fn no_issuer_before_no_trusted_key_is_the_chain() {
        let mut lab = Lab::new();
        lab.log(
            "client.log",
            "\
Nov 26 23:21:16.600 09[IKE] <home|1> initiating IKE_SA home[1] to 198.51.100.1
Nov 26 23:21:16.700 12[CFG] <home|1>   no issuer certificate found for \"CN=gateway\"
Nov 26 23:21:16.700 12[IKE] <home|1> no trusted ECDSA public key found for 'gateway'
",
        );
        let v = diagnose(&lab.finish()).verdict;
        assert_eq!(
            (v.phase, v.category),
            (Some(AUTH), Some(Category::AuthCert))
        );
    }

    #[test]
    fn a_certificate_not_yet_valid_needs_another_clock() {
        let client = "\
Oct 22 23:21:16.600 09[IKE] <home|1> initiating IKE_SA home[1] to 198.51.100.1
Oct 22 23:21:16.601 09[NET] <home|1> sending packet: from 192.0.2.10[500] to 198.51.100.1[500] (464 bytes)
Oct 22 23:21:16.640 09[NET] <home|1> received packet: from 198.51.100.1[500] to 192.0.2.10[500] (472 bytes)
Oct 22 23:21:16.650 09[NET] <home|1> sending packet: from 192.0.2.10[4500] to 198.51.100.1[4500] (800 bytes)
Oct 22 23:21:16.690 09[NET] <home|1> received packet: from 198.51.100.1[4500] to 192.0.2.10[4500] (1200 bytes)
Oct 22 23:21:16.700 12[CFG] <home|1>   certificate invalid (valid from Nov 19 23:21:10 2025 to Nov 19 23:21:10 2026)
Oct 22 23:21:16.700 12[IKE] <home|1> no trusted ECDSA public key found for 'gateway'
";
        // The client's log alone: its clock, or a certificate issued for later.
        let mut lab = Lab::new();
        lab.log("client.log", client);
        let v = diagnose(&lab.finish()).verdict;
        assert_eq!((v.phase, v.category), (Some(AUTH), None), "{v:?}");
        assert!(v.candidates.iter().any(|c| c.category == Category::Clock));
        // The gateway's log runs 29 days later and saw the same datagrams: the client's clock.
        let mut lab = Lab::new();
        lab.log("client.log", client);
        lab.log(
            "gateway.log",
            "\
Nov 20 23:21:16.601 10[NET] <rw|1> received packet: from 192.0.2.10[500] to 198.51.100.1[500] (464 bytes)
Nov 20 23:21:16.602 10[IKE] <rw|1> 192.0.2.10 is initiating an IKE_SA
Nov 20 23:21:16.640 10[NET] <rw|1> sending packet: from 198.51.100.1[500] to 192.0.2.10[500] (472 bytes)
Nov 20 23:21:16.651 10[NET] <rw|1> received packet: from 192.0.2.10[4500] to 198.51.100.1[4500] (800 bytes)
Nov 20 23:21:16.690 10[NET] <rw|1> sending packet: from 198.51.100.1[4500] to 192.0.2.10[4500] (1200 bytes)
",
        );
        let v = diagnose(&lab.finish()).verdict;
        assert_eq!(
            (v.phase, v.category),
            (Some(AUTH), Some(Category::Clock)),
            "{v:?}"
        );
    }

    #[test]
    fn the_initiators_own_reading_stays_open_by_its_credential() {
        let mut lab = Lab::new();
        lab.log(
            "client.log",
            "\
Nov 26 23:21:16.600 09[IKE] <home|1> initiating IKE_SA home[1] to 198.51.100.1
Nov 26 23:21:16.650 09[IKE] <home|1> authentication of 'client' (myself) with pre-shared key
Nov 26 23:21:16.700 12[IKE] <home|1> received AUTHENTICATION_FAILED notify error
",
        );
        let v = diagnose(&lab.finish()).verdict;
        assert_eq!((v.phase, v.category), (Some(AUTH), None));
        assert_eq!(v.candidates[0].category, Category::AuthPsk);
    }
}
