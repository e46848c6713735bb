//! CHILD_SA: the IKE SA is authenticated but the CHILD_SA is refused (proposals, traffic
//! selectors, virtual IP), its rekey is refused (PFS), or a kernel will not install it; from the
//! daemons' own statements, their readings of the other's answer, decrypted exchanges, and the
//! size of the IKE_AUTH answer.
use ike_contract::{Category, End, FailurePhase, Knowledge};
use ike_logs::Fact;
use ike_timeline::inner::InnerPayloads;
use ike_wire::{ExchangeType, NotifyType};

use super::{candidate, Rule, LONE_NOTIFY_MAX, WITH_CERTIFICATE_MIN};
use crate::context::{Line, LogView, Msg, SaContext};
use crate::fix;
use crate::model::{Candidate, Confidence, Finding, Severity};

pub const RULES: &[&dyn Rule] = &[
    &ChildCauseInLog,
    &ChildRefusalReadInLog,
    &ChildDeletedAtOnce,
    &DecryptedChildRefusal,
    &ChildRekeyRefused,
    &AuthAnsweredChildMissing,
    &ChildMissingInLog,
];

const CHILD: FailurePhase = FailurePhase::ChildSa;
const AUTH: FailurePhase = FailurePhase::IkeAuth;

fn child_candidates(decided_by: &'static str) -> Vec<Candidate> {
    vec![
        candidate(
            CHILD,
            Category::ProposalEsp,
            "no common ESP proposal",
            decided_by,
        ),
        candidate(
            CHILD,
            Category::TrafficSelectors,
            "the traffic selectors do not fit the responder's",
            decided_by,
        ),
        candidate(
            CHILD,
            Category::ConfigOther,
            "no virtual IP left in the responder's pool, or a configuration payload required",
            decided_by,
        ),
    ]
}

/// A peer's own statement of why the CHILD_SA failed: its kernel refused the SA (errno on the
/// line before), it accepts none of the ESP proposals (in a rekey with KE: the PFS group), it
/// refuses the traffic selectors, it has no virtual IP.
pub struct ChildCauseInLog;

impl Rule for ChildCauseInLog {
    fn id(&self) -> &'static str {
        "log-child-cause"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        for log in &sa.logs {
            let causes = || {
                log.lines.iter().copied().filter(|l| {
                    l.log.entry.role == ike_logs::Role::Cause
                        && l.log.entry.phase == Some(CHILD)
                        && l.log.entry.fact.knowledge() == Knowledge::OwnStatement
                        && l.log.entry.category.is_some()
                })
            };
            // charon announces FAILED_CP_REQUIRED while authenticating, then chooses the
            // CHILD_SA's selectors and refuses it for the missing request only if they fit
            // (child_create.c): a refusal after the announcement is the one the CHILD_SA met.
            let cp_announced = causes().find(|l| l.log.entry.tag == CP_REQUIRED_ANNOUNCED);
            let Some(line) = causes()
                .find(|l| l.log.entry.tag != CP_REQUIRED_ANNOUNCED)
                .or(cp_announced)
            else {
                continue;
            };
            let cp_next = cp_announced.filter(|c| !std::ptr::eq(c.event, line.event));
            let i = log.position(&line).unwrap_or(0);
            let mut values = sa.fix_values();
            values.change_on = Some(log.end).filter(|e| *e != End::Unknown);
            let mut evidence = vec![line.cite_meaning()];
            let (category, title) = match line.fact() {
                Fact::KernelRefusedSa => {
                    let errno_line = log.before(i, 12).find(|l| l.fact() == Fact::NetlinkError);
                    let errno = line.log.number.or(errno_line.and_then(|l| l.log.number));
                    if let Some(e) = errno_line {
                        evidence.insert(0, e.cite_meaning());
                    }
                    if let Some(selected) = log
                        .before(i, 20)
                        .find(|l| l.fact() == Fact::ProposalSelected)
                    {
                        evidence.insert(0, selected.cite("the same peer had selected the proposal: the proposals match, the install failed"));
                    }
                    (
                        Category::Implementation,
                        match errno {
                            Some(n) => format!(
                                "the kernel refused to install the IPsec SA (errno {n}): {}",
                                ike_logs::knowledge::errno_meaning(n)
                            ),
                            None => "the kernel refused to install the IPsec SA".into(),
                        },
                    )
                }
                Fact::ChildProposalsRejected => {
                    let rekey_with_ke = log.before(i, 12).any(|l| {
                        l.log.exchange == Some("CREATE_CHILD_SA") && l.log.text.contains(" KE ")
                    });
                    let ke_refused = log.before(i, 6).any(|l| l.fact() == Fact::KeUnacceptable);
                    // Only a CREATE_CHILD_SA carries a key exchange (PFS): the IKE_AUTH one
                    // never does (RFC 7296 1.2), so there a refusal is about algorithms.
                    let in_create_child = line.log.exchange == Some("CREATE_CHILD_SA")
                        || line.log.text.contains("CREATE_CHILD_SA")
                        || log
                            .before(i, 12)
                            .any(|l| l.log.exchange == Some("CREATE_CHILD_SA"));
                    let remote_has_ke = log.before(i, 6).any(|l| {
                        matches!(l.fact(), Fact::NoLocalProposal | Fact::ProposalsReceived)
                            && (l.log.text.contains("DH=") || l.log.text.contains(";KE="))
                    });
                    let local_shown = log
                        .before(i, 12)
                        .any(|l| l.fact() == Fact::ProposalsConfigured);
                    if in_create_child
                        && !rekey_with_ke
                        && !ke_refused
                        && !remote_has_ke
                        && !local_shown
                    {
                        // The offer carried no key exchange: a responder that requires PFS
                        // refuses it as surely as one with other ESP algorithms, and its own
                        // proposals are not on the lines.
                        let decided_by = "the refusing end's configured ESP proposals: a DH group in them means it requires PFS";
                        return vec![Finding::open(
                            self.id(),
                            CHILD,
                            Knowledge::OwnStatement,
                            "CREATE_CHILD_SA refused: no common ESP proposal, or PFS required by one side only (the offer carries no key exchange)",
                            vec![
                                candidate(CHILD, Category::ProposalEsp, "no common ESP encryption or integrity algorithm", decided_by),
                                candidate(CHILD, Category::ProposalDh, "the refusing end requires PFS and the offer carries no key exchange", decided_by),
                            ],
                        )
                        .evidence(evidence)];
                    }
                    if rekey_with_ke || ke_refused || remote_has_ke {
                        (
                            Category::ProposalDh,
                            "CHILD_SA (rekey) refused: the PFS Diffie-Hellman group is configured on one side only".into(),
                        )
                    } else {
                        (
                            Category::ProposalEsp,
                            "no common CHILD_SA (ESP) proposal; the IKE SA itself is fine".into(),
                        )
                    }
                }
                _ => (
                    line.log.entry.category.unwrap_or(Category::ConfigOther),
                    format!(
                        "{} log: {}",
                        line.log.entry.implementation.as_str(),
                        line.log.entry.meaning
                    ),
                ),
            };
            if category == Category::ProposalDh {
                // The CHILD_SA's key exchange (PFS): the lines are ESP proposals.
                // The proposals of the refused exchange: the lines just before the refusal.
                let near = |fact: Fact| -> Vec<String> {
                    log.before(i, 12)
                        .find(|l| l.fact() == fact)
                        .and_then(|l| l.log.detail.clone())
                        .map(|d| {
                            d.split(", ")
                                .filter(|p| p.starts_with("ESP:"))
                                .map(str::to_owned)
                                .collect()
                        })
                        .unwrap_or_default()
                };
                values.esp_offered = near(Fact::ProposalsReceived);
                values.esp_accepted = near(Fact::ProposalsConfigured);
                values.ike_offered.clear();
                values.ike_accepted.clear();
            }
            if line.fact() == Fact::VirtualIpFailed {
                values.pool = exhausted_pool(log, &line);
            }
            let mut finding =
                Finding::decided(self.id(), CHILD, category, Knowledge::OwnStatement, title)
                    .evidence(evidence)
                    .fix(fix::for_category(category, &values));
            if let Some(cp) = cp_next {
                finding = finding
                    .evidence([cp.cite("the CHILD_SA would be refused next: the connection assigns virtual IPs and the client asked for none")])
                    .fix([fix::Fix::text("then have the client request a virtual IP (swanctl.conf: vips = 0.0.0.0; strongSwan's ipsec.conf: leftsourceip=%config; Libreswan: leftmodecfgclient=yes), or give the gateway's connection no pool")]);
            }
            return vec![finding];
        }
        Vec::new()
    }
}

/// charon's "expected a virtual IP request, sending FAILED_CP_REQUIRED".
const CP_REQUIRED_ANNOUNCED: &str = "charon.vip-required";

/// The pool a "pool 'NAME' is full" line names, with a larger range around its first address
/// (at least 16 addresses, four times its size), from the line that loaded it.
fn exhausted_pool(
    log: &crate::context::LogView<'_>,
    line: &crate::context::Line<'_>,
) -> Option<(String, String)> {
    let text = &line.log.text;
    let name = text.split('\'').nth(1)?.to_owned();
    let loaded = log.daemon.iter().chain(&log.lines).find_map(|l| {
        let d = l
            .log
            .detail
            .as_deref()
            .filter(|_| l.fact() == Fact::PoolAdded)?;
        let (pool, rest) = d.split_once(": ")?;
        (pool == name).then(|| rest.to_owned())
    })?;
    let (first, entries) = loaded.split_once(", ")?;
    let entries: u32 = entries.split_whitespace().next()?.parse().ok()?;
    let first: std::net::Ipv4Addr = first.trim().parse().ok()?;
    let wanted = (entries.saturating_mul(4)).max(16);
    let bits = 32 - wanted.next_power_of_two().trailing_zeros();
    let mask = if bits == 0 {
        0
    } else {
        u32::MAX << (32 - bits)
    };
    let network = std::net::Ipv4Addr::from(u32::from(first) & mask);
    Some((name, format!("{network}/{bits}")))
}

/// A peer's reading of the other's refusal of the CHILD_SA (a notify it received): traffic
/// selectors and virtual IPs say what they mean; NO_PROPOSAL_CHOSEN is also what a strongSwan
/// responder answers when its kernel refused the SA, so it stays open.
pub struct ChildRefusalReadInLog;

impl Rule for ChildRefusalReadInLog {
    fn id(&self) -> &'static str {
        "log-child-refused"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        for log in &sa.logs {
            let line = log.lines.iter().copied().find(|l| {
                matches!(
                    l.fact(),
                    Fact::PeerRefusedChildProposals
                        | Fact::PeerRefusedTs
                        | Fact::PeerRefusedVirtualIp
                        | Fact::TsRefused
                ) || (l.fact() == Fact::PeerRefusedProposals
                    && l.log.entry.phase != Some(FailurePhase::IkeSaInit)
                    && !l.log.text.contains("IKE_SA_INIT")
                    && (names_a_child_exchange(l) || ike_sa_up_before(log, l)))
            });
            let Some(line) = line else {
                continue;
            };
            let values = sa.fix_values();
            let evidence = vec![line.cite_meaning()];
            let decided = |category: Category, title: &str| {
                Finding::decided(self.id(), CHILD, category, Knowledge::PeerReading, title)
                    .evidence(evidence.clone())
                    .fix(fix::for_category(category, &values))
            };
            return match line.fact() {
                Fact::PeerRefusedTs | Fact::TsRefused => vec![decided(Category::TrafficSelectors, "the peer refused the traffic selectors (TS_UNACCEPTABLE)")],
                Fact::PeerRefusedVirtualIp => vec![decided(Category::ConfigOther, "the peer could not give a virtual IP (INTERNAL_ADDRESS_FAILURE or FAILED_CP_REQUIRED)")],
                _ => {
                    let decided_by = "the responder's log ('no acceptable proposal found', or 'selected proposal' followed by 'unable to add SAD entry')";
                    let rekey = log.lines.iter().any(|l| l.fact() == Fact::RekeyFailed) || line.log.text.contains("CREATE_CHILD_SA");
                    let mut candidates = vec![
                        candidate(CHILD, Category::ProposalEsp, "no common ESP proposal", decided_by),
                        candidate(CHILD, Category::Implementation, "the responder's kernel refused the SA (strongSwan then answers NO_PROPOSAL_CHOSEN too)", decided_by),
                    ];
                    if rekey {
                        candidates.insert(0, candidate(CHILD, Category::ProposalDh, "a rekey refused: the PFS group is configured on one side only", decided_by));
                    }
                    vec![Finding::open(
                        self.id(),
                        CHILD,
                        Knowledge::PeerReading,
                        "the peer refused the CHILD_SA with NO_PROPOSAL_CHOSEN; the IKE SA itself is up",
                        candidates,
                    )
                    .evidence(evidence.clone())
                    .fix(fix::for_category(Category::ProposalEsp, &values))]
                }
            };
        }
        Vec::new()
    }
}

/// Whether the line names an exchange that builds a CHILD_SA on an IKE SA that is up (pluto's
/// "dropping unexpected ISAKMP_v2_IKE_AUTH message containing v2N_NO_PROPOSAL_CHOSEN").
fn names_a_child_exchange(line: &Line<'_>) -> bool {
    ["IKE_AUTH", "CREATE_CHILD_SA"]
        .iter()
        .any(|exchange| line.log.text.contains(exchange))
        || names_quick_mode(line)
}

/// Whether the line speaks of IKEv1's Quick Mode (charon's `QUICK_MODE` messages, the words in
/// other lines).
fn names_quick_mode(line: &Line<'_>) -> bool {
    line.log.text.contains("QUICK_MODE") || line.log.text.contains("Quick Mode")
}

/// Whether the log shows the IKE SA established before `line`. A refusal whose line does not
/// name its exchange (IKEv1's "received NO_PROPOSAL_CHOSEN error notify", a bare notify name)
/// refuses a CHILD_SA only on an IKE SA that is up: before that it refuses Main Mode's or
/// IKE_SA_INIT's proposals.
fn ike_sa_up_before(log: &LogView<'_>, line: &Line<'_>) -> bool {
    log.lines
        .iter()
        .take_while(|l| !std::ptr::eq(l.event, line.event))
        .any(|l| l.fact() == Fact::IkeEstablished)
}

/// The peer deleted the CHILD_SA as soon as it was established (the responder's log): it could
/// not use it, most often because its kernel refused to install it.
pub struct ChildDeletedAtOnce;

impl Rule for ChildDeletedAtOnce {
    fn id(&self) -> &'static str {
        "log-child-deleted-at-once"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        for log in &sa.logs {
            let (Some(est), Some(del)) = (
                log.first(Fact::ChildEstablished),
                log.first(Fact::PeerDeletedChild),
            ) else {
                continue;
            };
            if del.event.at() <= est.event.at()
                || del.event.time.0 - est.event.time.0 > 2_000_000_000
            {
                continue;
            }
            let decided_by = "the other peer's log";
            return vec![Finding::open(
                self.id(),
                CHILD,
                Knowledge::PeerReading,
                "the peer deleted the CHILD_SA as soon as it was established: it could not use it (its kernel refused the SA, or a policy)",
                vec![
                    candidate(CHILD, Category::Implementation, "the peer's kernel refused to install the IPsec SA", decided_by),
                    candidate(FailurePhase::IkeAuth, Category::AuthId, "the peer rejected this side's identity or certificate after all", decided_by),
                ],
            )
            .evidence([est.cite_meaning(), del.cite_meaning()])
            .fix(fix::to_decide(&[decided_by]))];
        }
        Vec::new()
    }
}

fn inner(m: &ike_timeline::IkeMessage) -> Option<&InnerPayloads> {
    m.inner().filter(|i| i.is_decrypted())
}

/// With the SA keys: the responder's decrypted answer refuses the CHILD_SA (NO_PROPOSAL_CHOSEN,
/// TS_UNACCEPTABLE, INTERNAL_ADDRESS_FAILURE...), a CREATE_CHILD_SA is refused, or the initiator
/// deletes the CHILD_SA right after IKE_AUTH (it could not install it).
pub struct DecryptedChildRefusal;

impl Rule for DecryptedChildRefusal {
    fn id(&self) -> &'static str {
        "decrypted-child"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        let mut out = Vec::new();
        // Every finding here reads decrypted content: without it (no keys given, the usual
        // case) the fix values are not worth making for each SA of a gateway's capture.
        if !sa.msgs.iter().any(|m| inner(m.m).is_some()) {
            return out;
        }
        let msgs: Vec<Msg<'_>> = sa.msgs.iter().filter(|m| !m.retransmit).copied().collect();
        let mut values = sa.fix_values();
        let request = msgs.iter().copied().find(|m| {
            m.is(ExchangeType::IKE_AUTH, false) && inner(m.m).is_some_and(|i| i.id_i.is_some())
        });
        let req = request.as_ref().and_then(|r| inner(r.m));
        if let Some(r) = req {
            values.ts_asked = r.ts_r.iter().map(ike_timeline::inner::ts_display).collect();
            values.esp_offered = r
                .child_proposals
                .iter()
                .flatten()
                .map(|p| p.to_string())
                .collect();
        }
        let responder_is_strongswan =
            sa.implementation(End::Responder) == Some(ike_logs::Implementation::StrongSwan);
        if let Some(response) = msgs
            .iter()
            .copied()
            .rev()
            .find(|m| m.is(ExchangeType::IKE_AUTH, true) && inner(m.m).is_some())
        {
            let resp = inner(response.m).expect("checked");
            if resp.auth_method.is_some() {
                let ev = vec![response.cite(describe(&response, resp))];
                for (notify, category, title) in [
                    (NotifyType::TS_UNACCEPTABLE, Category::TrafficSelectors, "IKE SA authenticated, but the responder refuses the traffic selectors: TS_UNACCEPTABLE in the IKE_AUTH answer"),
                    (NotifyType::SINGLE_PAIR_REQUIRED, Category::TrafficSelectors, "IKE SA authenticated, but the responder needs a single pair of traffic selectors: SINGLE_PAIR_REQUIRED"),
                    (NotifyType::INTERNAL_ADDRESS_FAILURE, Category::ConfigOther, "IKE SA authenticated, but the responder has no virtual IP for the initiator: INTERNAL_ADDRESS_FAILURE"),
                    (NotifyType::FAILED_CP_REQUIRED, Category::ConfigOther, "IKE SA authenticated, but the responder requires a configuration request the initiator did not send: FAILED_CP_REQUIRED"),
                ] {
                    if resp.has_notify(notify) {
                        let mut title = title.to_string();
                        if notify == NotifyType::TS_UNACCEPTABLE && !values.ts_asked.is_empty() {
                            title = format!("{title} (the initiator asked for TSr {})", values.ts_asked.join(", "));
                        }
                        out.push(Finding::decided(self.id(), CHILD, category, Knowledge::PeerReading, title)
                            .evidence(ev.clone())
                            .fix(fix::for_category(category, &values)));
                        return out;
                    }
                }
                if resp.has_notify(NotifyType::NO_PROPOSAL_CHOSEN) {
                    let offered = if values.esp_offered.is_empty() {
                        String::new()
                    } else {
                        format!(" (offered: {})", values.esp_offered.join(", "))
                    };
                    let title = format!("IKE SA authenticated, but the responder refuses the CHILD_SA with NO_PROPOSAL_CHOSEN{offered}");
                    // strongSwan answers NO_PROPOSAL_CHOSEN as well when its kernel refused the
                    // SA it had selected: then only its log tells.
                    let finding = if responder_is_strongswan
                        || sa.implementation(End::Responder).is_none()
                    {
                        let decided_by = "the responder's log";
                        Finding::open(self.id(), CHILD, Knowledge::PeerReading, title, vec![
                            candidate(CHILD, Category::ProposalEsp, "no common ESP proposal", decided_by),
                            candidate(CHILD, Category::Implementation, "the responder's kernel refused the SA (strongSwan then answers NO_PROPOSAL_CHOSEN too)", decided_by),
                        ]).confidence(Confidence::High)
                    } else {
                        Finding::decided(
                            self.id(),
                            CHILD,
                            Category::ProposalEsp,
                            Knowledge::PeerReading,
                            title,
                        )
                    };
                    out.push(
                        finding
                            .evidence(ev)
                            .fix(fix::for_category(Category::ProposalEsp, &values)),
                    );
                    return out;
                }
                // The initiator deletes the CHILD_SA right after a full answer: it could not
                // install it.
                let delete = msgs.iter().copied().find(|m| {
                    m.time >= response.time
                        && m.time.0 - response.time.0 < 2_000_000_000
                        && m.m.exchange == ExchangeType::INFORMATIONAL
                        && m.m.from_initiator
                        && !m.m.response
                        && inner(m.m).is_some_and(|i| {
                            i.deletes > 0 && !i.has_notify(NotifyType::AUTHENTICATION_FAILED)
                        })
                });
                if let Some(d) = delete {
                    let mut ev = ev;
                    ev.push(d.cite(describe(&d, inner(d.m).expect("checked"))));
                    out.push(Finding::decided(
                        self.id(),
                        CHILD,
                        Category::Implementation,
                        Knowledge::OwnStatement,
                        "the initiator deletes the CHILD_SA at once after a full IKE_AUTH answer: it could not install it (kernel IPsec support)",
                    )
                    .confidence(Confidence::Medium)
                    .evidence(ev)
                    .fix(fix::for_category(Category::Implementation, &values)));
                    return out;
                }
            }
        }
        for response in msgs
            .iter()
            .filter(|m| m.is(ExchangeType::CREATE_CHILD_SA, true))
        {
            let Some(resp) = inner(response.m) else {
                continue;
            };
            let request = msgs.iter().find(|m| {
                m.is(ExchangeType::CREATE_CHILD_SA, false)
                    && m.m.message_id == response.m.message_id
                    && m.m.from_initiator != response.m.from_initiator
            });
            let req = request.and_then(|r| inner(r.m));
            let mut ev = vec![response.cite(describe(response, resp))];
            if let (Some(r), Some(ri)) = (request, req) {
                ev.insert(0, r.cite(describe(r, ri)));
            }
            let pfs = req.is_some_and(|r| r.payloads.iter().any(|p| p == "KE"));
            let found = if resp.has_notify(NotifyType::INVALID_KE_PAYLOAD)
                || (pfs && resp.has_notify(NotifyType::NO_PROPOSAL_CHOSEN))
            {
                Some((Category::ProposalDh, "the peer refuses the CHILD_SA rekey with a DH group (PFS): the two ends disagree on the CHILD_SA key exchange"))
            } else if resp.has_notify(NotifyType::NO_PROPOSAL_CHOSEN) {
                Some((
                    Category::ProposalEsp,
                    "the peer accepts none of the CREATE_CHILD_SA proposals (NO_PROPOSAL_CHOSEN)",
                ))
            } else if resp.has_notify(NotifyType::TS_UNACCEPTABLE) {
                Some((
                    Category::TrafficSelectors,
                    "the peer refuses the traffic selectors of CREATE_CHILD_SA (TS_UNACCEPTABLE)",
                ))
            } else {
                None
            };
            if let Some((category, title)) = found {
                if let Some(r) = req {
                    values.esp_offered = r
                        .child_proposals
                        .iter()
                        .flatten()
                        .map(|p| p.to_string())
                        .collect();
                }
                out.push(
                    Finding::decided(self.id(), CHILD, category, Knowledge::PeerReading, title)
                        .evidence(ev)
                        .fix(fix::for_category(category, &values)),
                );
                break;
            }
        }
        out
    }
}

fn describe(msg: &Msg<'_>, inner: &InnerPayloads) -> String {
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

/// CHILD_SA rekeys (CREATE_CHILD_SA) answered with a lone notify after the first CHILD_SA came up
/// in IKE_AUTH, and none accepted: what a rekey adds to the first CHILD_SA is its own DH
/// exchange (PFS), so the PFS group is the first suspect.
pub struct ChildRekeyRefused;

impl Rule for ChildRekeyRefused {
    fn id(&self) -> &'static str {
        "child-rekey-refused"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        if !sa.established() {
            return Vec::new();
        }
        let answers: Vec<Msg<'_>> = sa.exchange(ExchangeType::CREATE_CHILD_SA, true).collect();
        let refused: Vec<Msg<'_>> = answers
            .iter()
            .filter(|x| x.m.length <= LONE_NOTIFY_MAX)
            .copied()
            .collect();
        let Some(first) = refused.first().copied() else {
            return Vec::new();
        };
        if answers.iter().any(|x| x.m.length > LONE_NOTIFY_MAX) {
            return Vec::new();
        }
        let mut evidence = Vec::new();
        if let Some(r) = sa
            .exchange(ExchangeType::CREATE_CHILD_SA, false)
            .find(|x| x.m.message_id == first.m.message_id)
        {
            evidence.push(r.cite(r.describe()));
        }
        evidence.push(first.cite(format!(
            "answered with {} bytes, the size of a lone notify (NO_PROPOSAL_CHOSEN or INVALID_KE_PAYLOAD){}",
            first.m.length,
            if refused.len() > 1 { format!("; {} rekeys refused", refused.len()) } else { String::new() }
        )));
        let decided_by = "either peer's log, or the SA keys (--keys)";
        let values = sa.fix_values();
        vec![Finding::open(
            self.id(),
            CHILD,
            Knowledge::WireShape,
            "the CHILD_SA came up in IKE_AUTH but every rekey is refused: most likely the PFS DH groups of the ESP proposals differ",
            vec![
                candidate(CHILD, Category::ProposalDh, "PFS: a DH group in one side's ESP proposals only (a rekey uses it, the first CHILD_SA does not)", decided_by),
                candidate(CHILD, Category::ProposalEsp, "the rekey offers other ESP proposals than the first CHILD_SA", decided_by),
            ],
        )
        .evidence(evidence)
        .fix(fix::for_category(Category::ProposalDh, &values).into_iter().chain(fix::to_decide(&[decided_by])))]
    }
}

/// IKE_AUTH answered (not a lone refusal), and nothing after it: no ESP, no other exchange, the
/// initiator did not close. Without certificates the answer mirrors the request's CHILD_SA
/// payloads (SA, TSi, TSr); an answer much smaller than the request carries a refusal notify
/// instead. Otherwise the SA may well be up and idle (or its ESP filtered out of the capture):
/// the evidence does not say.
pub struct AuthAnsweredChildMissing;

impl Rule for AuthAnsweredChildMissing {
    fn id(&self) -> &'static str {
        "auth-answered-child-missing"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        if sa.phase_reached() != ike_timeline::Phase::IkeAuth || sa.superseded() {
            return Vec::new();
        }
        let Some(answer) = sa
            .exchange(ExchangeType::IKE_AUTH, true)
            .filter(|x| !x.retransmit)
            .last()
        else {
            return Vec::new();
        };
        if answer.m.length <= LONE_NOTIFY_MAX || inner(answer.m).is_some() {
            return Vec::new();
        }
        // The initiator sending the request again after the answer never got it: that is
        // `auth-answer-lost`'s case, not a CHILD_SA's.
        if sa.answer_lost(&answer) {
            return Vec::new();
        }
        // The initiator closing at once is the authentication rules' case.
        let closes = sa.msgs.iter().any(|x| {
            x.m.exchange == ExchangeType::INFORMATIONAL
                && x.m.from_initiator
                && !x.m.response
                && x.time >= answer.time
        });
        if closes {
            return Vec::new();
        }
        let rounds = {
            let mut ids: Vec<u32> = sa
                .exchange(ExchangeType::IKE_AUTH, true)
                .map(|x| x.m.message_id)
                .collect();
            ids.dedup();
            ids.len()
        };
        let Some(request) = sa
            .exchange(ExchangeType::IKE_AUTH, false)
            .filter(|x| x.m.message_id == answer.m.message_id)
            .last()
        else {
            return Vec::new();
        };
        let decided_by = "the SA keys (--keys) or either peer's log";
        let mut evidence = vec![
            request.cite(request.describe()),
            answer.cite(answer.describe()),
        ];
        let no_certificates = rounds == 1
            && request.m.length < WITH_CERTIFICATE_MIN
            && answer.m.length < WITH_CERTIFICATE_MIN;
        // The answer is final: its size says what it holds, however long the capture went on.
        if no_certificates && (answer.m.length as f64) < 0.65 * request.m.length as f64 {
            evidence.push(crate::model::EvidenceRef {
                source: answer.source,
                at: None,
                note: format!(
                    "the answer ({} bytes) is far smaller than the request ({} bytes): it lacks the CHILD_SA payloads a full answer echoes (SA, TSi, TSr)",
                    answer.m.length, request.m.length
                ),
            });
            let values = sa.fix_values();
            return vec![Finding::open(
                self.id(),
                CHILD,
                Knowledge::WireShape,
                "the responder authenticates but refuses the CHILD_SA inside its IKE_AUTH answer",
                child_candidates(decided_by),
            )
            .evidence(evidence)
            .fix(
                fix::to_decide(&[decided_by])
                    .into_iter()
                    .chain(fix::for_category(Category::ProposalEsp, &values)),
            )];
        }
        let why = if !sa.esp_visible() {
            "IKE_AUTH was answered in full and nothing follows in this capture, which shows only the IKE ports: the SA may be up with its ESP filtered out, or the CHILD_SA was refused inside the encrypted answer"
        } else {
            "IKE_AUTH was answered in full and nothing follows: the SA may be up and idle, or the CHILD_SA was refused inside the encrypted answer"
        };
        vec![Finding {
            severity: Severity::Unsettled,
            ..Finding::open(
                self.id(),
                CHILD,
                Knowledge::WireShape,
                why,
                child_candidates(decided_by),
            )
            .evidence(evidence)
        }]
    }
}

/// A log shows the IKE SA established and then the SA ending without any CHILD_SA established
/// (Libreswan's responder logs the IKE SA but not a refused CHILD_SA).
pub struct ChildMissingInLog;

impl Rule for ChildMissingInLog {
    fn id(&self) -> &'static str {
        "log-child-missing"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        if sa.established() || sa.has_line(Fact::ChildEstablished) {
            return Vec::new();
        }
        for log in &sa.logs {
            let Some(ike) = log.first(Fact::IkeEstablished) else {
                continue;
            };
            let Some(i) = log.position(&ike) else {
                continue;
            };
            // The log must go on after it: a log that ends there cannot show the CHILD_SA.
            if i + 1 >= log.lines.len() {
                continue;
            }
            if let Some(finding) = main_mode_refused_by_initiator(self.id(), log, i) {
                return vec![finding];
            }
            let decided_by = "the other peer's log, or the SA keys (--keys)";
            return vec![Finding::open(
                self.id(),
                CHILD,
                Knowledge::PeerReading,
                "the IKE SA was authenticated but no CHILD_SA was established",
                child_candidates(decided_by),
            )
            .evidence([ike.cite_meaning()])
            .fix(fix::to_decide(&[decided_by]))];
        }
        Vec::new()
    }
}

/// An IKEv1 responder's log: Main Mode is up on its side once it sent message 6, and the
/// initiator deletes the IKE SA at once, before any Quick Mode. The initiator checks message 6
/// (the responder's identity and authentication) after the responder counts the SA up, so this
/// is the initiator refusing the responder, not a CHILD_SA refused (lab:
/// ikev1-gateway-identity-mismatch).
fn main_mode_refused_by_initiator(
    rule: &'static str,
    log: &LogView<'_>,
    established_at: usize,
) -> Option<Finding> {
    // How soon the deletion must follow: an initiator that refuses message 6 deletes at once.
    const AT_ONCE_NS: i64 = 10_000_000_000;
    let (before, after) = log.lines.split_at(established_at);
    let ike = after.first()?;
    let main_mode_responder = before.iter().any(|l| {
        l.fact() == Fact::PeerInitiating
            && (l.log.text.contains("Main Mode") || l.log.text.contains("Aggressive Mode"))
    });
    if !main_mode_responder {
        return None;
    }
    // The first Quick Mode line or deletion after the SA came up must be the deletion.
    let deleted = after
        .iter()
        .skip(1)
        .find(|l| l.fact() == Fact::Deleting || names_quick_mode(l))?;
    if deleted.fact() != Fact::Deleting || deleted.event.time.0 - ike.event.time.0 > AT_ONCE_NS {
        return None;
    }
    let decided_by = "the initiator's log (it names the identity or certificate it refused)";
    Some(
        Finding::open(
            rule,
            AUTH,
            Knowledge::PeerReading,
            "the IKEv1 initiator deleted the IKE SA as soon as Main Mode completed, before any Quick Mode: it refused Main Mode's last message (this side's identity or authentication)",
            vec![
                candidate(AUTH, Category::AuthId, "this side's identity is not the one the initiator's connection expects", decided_by),
                candidate(AUTH, Category::AuthCert, "the initiator does not trust this side's certificate", decided_by),
            ],
        )
        .evidence([ike.cite_meaning(), deleted.cite_meaning()])
        .fix(fix::to_decide(&[decided_by])),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::*;
    use ike_contract::Outcome;

    /// The lab's libreswan-client-ts-unacceptable, the gateway's log: charon announces
    /// FAILED_CP_REQUIRED while authenticating, then refuses the selectors. The selectors are
    /// what the CHILD_SA met; the missing virtual IP request is cited as what comes next.
    #[test]
    fn a_refusal_after_the_cp_required_announcement_is_the_one_met() {
        let run = |log: &str| {
            let mut lab = Lab::new();
            lab.log("gateway.log", log);
            let d = diagnose(&lab.finish());
            let fixes: Vec<String> = d
                .findings
                .iter()
                .flat_map(|f| f.fix.iter().map(|x| x.text.clone()))
                .collect();
            (d.verdict.phase, d.verdict.category, fixes)
        };
        let announced = "Dec  7 19:11:15.936 12[IKE] <rw|1> expected a virtual IP request, sending FAILED_CP_REQUIRED\n\
Dec  7 19:11:15.936 12[IKE] <rw|1> IKE_SA rw[1] established between 10.99.2.2[gateway.ikelab.test]...10.99.2.3[client.ikelab.test]\n";
        let (phase, category, fixes) = run(&format!(
            "{announced}Dec  7 19:11:15.936 12[IKE] <rw|1> traffic selectors 10.99.50.0/24 === 10.99.2.3/32 unacceptable\n"
        ));
        assert_eq!(
            (phase, category),
            (Some(CHILD), Some(Category::TrafficSelectors))
        );
        assert!(
            fixes.iter().any(|f| f.contains("request a virtual IP")),
            "{fixes:?}"
        );
        let (phase, category, _) = run(announced);
        assert_eq!(
            (phase, category),
            (Some(CHILD), Some(Category::ConfigOther))
        );
    }

    #[test]
    fn the_responders_kernel_outranks_the_initiators_reading() {
        let mut lab = Lab::new();
        lab.log("client.log", "\
Nov 26 23:21:16.600 09[IKE] <home|1> initiating IKE_SA home[1] to 198.51.100.1
Nov 26 23:21:16.700 12[IKE] <home|1> IKE_SA home[1] established between 192.0.2.10[client]...198.51.100.1[gateway]
Nov 26 23:21:16.700 12[IKE] <home|1> received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built
");
        lab.log(
            "gateway.log",
            "\
Nov 26 23:21:16.600 10[IKE] <rw|1> 192.0.2.10 is initiating an IKE_SA
Nov 26 23:21:16.690 10[CFG] <rw|1> selected proposal: ESP:AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ
Nov 26 23:21:16.691 10[KNL] <rw|1> received netlink error: Protocol not supported (93)
Nov 26 23:21:16.691 10[KNL] <rw|1> unable to add SAD entry with SPI c1a2b3c4 (FAILED)
Nov 26 23:21:16.691 10[IKE] <rw|1> unable to install inbound and outbound IPsec SA (SAD) in kernel
",
        );
        let v = diagnose(&lab.finish()).verdict;
        assert_eq!(
            (v.phase, v.category),
            (Some(CHILD), Some(Category::Implementation)),
            "{v:?}"
        );
    }

    #[test]
    fn the_initiators_reading_alone_stays_open() {
        let mut lab = Lab::new();
        lab.log(
            "client.log",
            "\
Nov 26 23:21:16.600 09[IKE] <home|1> initiating IKE_SA home[1] to 198.51.100.1
Nov 26 23:21:16.700 12[IKE] <home|1> received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built
",
        );
        let v = diagnose(&lab.finish()).verdict;
        assert_eq!((v.phase, v.category), (Some(CHILD), None));
        assert_eq!(v.candidates[0].category, Category::ProposalEsp);
    }

    /// The lab's ikev1-gateway-identity-mismatch, the gateway's log alone: Main Mode is up on
    /// its side, and the client deletes it before any Quick Mode. With a Quick Mode first, the
    /// CHILD_SA's causes stay the candidates.
    #[test]
    fn an_ikev1_initiator_deleting_at_once_refused_main_mode() {
        let up = "\
Dec  7 16:15:58.167 09[IKE] <1> 10.99.2.3 is initiating a Main Mode IKE_SA
Dec  7 16:15:58.169 12[IKE] <rw|1> IKE_SA rw[1] established between 10.99.2.2[gateway.ikelab.test]...10.99.2.3[client.ikelab.test]
";
        let verdict = |rest: &str| {
            let mut lab = Lab::new();
            lab.log("gateway.log", &format!("{up}{rest}"));
            diagnose(&lab.finish()).verdict
        };
        let v = verdict("Dec  7 16:15:58.169 03[IKE] <rw|1> deleting IKE_SA rw[1] between 10.99.2.2[gateway.ikelab.test]...10.99.2.3[client.ikelab.test]\n");
        let candidates: Vec<Category> = v.candidates.iter().map(|c| c.category).collect();
        assert_eq!(
            (v.phase, v.category, candidates),
            (Some(AUTH), None, vec![Category::AuthId, Category::AuthCert]),
            "{v:?}"
        );
        let v = verdict("\
Dec  7 16:15:58.170 03[ENC] <rw|1> parsed QUICK_MODE request 2562762801 [ HASH SA No ID ID ]
Dec  7 16:15:58.171 03[IKE] <rw|1> deleting IKE_SA rw[1] between 10.99.2.2[gateway.ikelab.test]...10.99.2.3[client.ikelab.test]
");
        assert_eq!((v.phase, v.category), (Some(CHILD), None), "{v:?}");
    }

    /// Lines of the lab's ikev1-proposal-mismatch and ikev1-esp-proposal-mismatch (client.log):
    /// charon's IKEv1 notify line names no exchange, so only an IKE SA up before it makes the
    /// refusal a CHILD_SA's.
    #[test]
    fn an_ikev1_refusal_is_quick_modes_only_after_main_mode_completed() {
        let main_mode = "\
Dec  7 15:44:41.693 09[IKE] <home|1> initiating Main Mode IKE_SA home[1] to 10.99.2.2
Dec  7 15:44:41.695 02[IKE] <home|1> received NO_PROPOSAL_CHOSEN error notify
";
        let quick_mode = "\
Dec  7 15:44:46.120 09[IKE] <home|1> initiating Main Mode IKE_SA home[1] to 10.99.2.2
Dec  7 15:44:46.129 14[IKE] <home|1> IKE_SA home[1] established between 10.99.2.3[client.ikelab.test]...10.99.2.2[gateway.ikelab.test]
Dec  7 15:44:46.131 14[IKE] <home|1> received NO_PROPOSAL_CHOSEN error notify
";
        let verdict = |text: &str| {
            let mut lab = Lab::new();
            lab.log("client.log", text);
            diagnose(&lab.finish()).verdict
        };
        let v = verdict(main_mode);
        assert_eq!(
            (v.phase, v.category),
            (Some(FailurePhase::IkeSaInit), None),
            "{v:?}"
        );
        assert!(
            v.candidates
                .iter()
                .any(|c| c.category == Category::ProposalIke),
            "{v:?}"
        );
        let v = verdict(quick_mode);
        assert_eq!((v.phase, v.category), (Some(CHILD), None), "{v:?}");
        assert_eq!(v.candidates[0].category, Category::ProposalEsp);
    }

    #[test]
    fn a_small_answer_to_a_psk_request_refuses_the_child_sa() {
        let mut lab = Lab::new();
        let c = lab.capture("client.pcap");
        init_exchange(&mut lab, c, 0, 1);
        lab.send(c, 10, Ike::new(1, 2, ExchangeType::IKE_AUTH, 1, I).sk(290));
        lab.send(c, 20, Ike::new(1, 2, ExchangeType::IKE_AUTH, 1, R).sk(140));
        lab.until(c, 5000);
        let v = diagnose(&lab.finish()).verdict;
        assert_eq!(
            (v.outcome, v.phase, v.category),
            (Outcome::Failed, Some(CHILD), None)
        );
    }

    #[test]
    fn a_full_answer_and_silence_decides_nothing() {
        let mut lab = Lab::new();
        let c = lab.capture("client.pcap");
        lab.filtered(c);
        init_exchange(&mut lab, c, 0, 1);
        lab.send(c, 10, Ike::new(1, 2, ExchangeType::IKE_AUTH, 1, I).sk(290));
        lab.send(c, 20, Ike::new(1, 2, ExchangeType::IKE_AUTH, 1, R).sk(240));
        lab.until(c, 5000);
        let v = diagnose(&lab.finish()).verdict;
        assert_eq!(v.outcome, Outcome::Inconclusive);
    }

    #[test]
    fn a_pfs_rekey_refusal_in_the_responders_log_is_the_dh_group() {
        let mut lab = Lab::new();
        lab.log("gateway.log", "\
Nov 26 23:21:16.600 10[IKE] <rw|1> 192.0.2.10 is initiating an IKE_SA
Nov 26 23:21:16.700 10[IKE] <rw|1> IKE_SA rw[1] established between 198.51.100.1[gateway]...192.0.2.10[client]
Nov 26 23:21:26.700 10[ENC] <rw|1> parsed CREATE_CHILD_SA request 2 [ N(REKEY_SA) SA No KE TSi TSr ]
Nov 26 23:21:26.700 10[CFG] <rw|1> received proposals: ESP:AES_CBC_256/HMAC_SHA2_256_128/MODP_2048/NO_EXT_SEQ
Nov 26 23:21:26.700 10[CFG] <rw|1> configured proposals: ESP:AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ
Nov 26 23:21:26.700 10[IKE] <rw|1> no acceptable proposal found
");
        let d = diagnose(&lab.finish());
        assert_eq!(
            (d.verdict.phase, d.verdict.category),
            (Some(CHILD), Some(Category::ProposalDh))
        );
        let lines: Vec<String> = d.findings[0]
            .fix
            .iter()
            .filter_map(|f| f.change.as_ref())
            .map(|c| c.line.clone())
            .collect();
        assert!(
            lines
                .iter()
                .any(|l| l.contains("esp_proposals = ") && l.contains("modp2048")),
            "{lines:?}"
        );
    }
}
