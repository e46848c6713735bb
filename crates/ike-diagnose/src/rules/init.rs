//! IKE_SA_INIT: no answer (path, daemon, port), the answer lost on the way back, NO_PROPOSAL_CHOSEN,
//! INVALID_KE_PAYLOAD that never recovers, cookie loops, IKE version mismatch, and what the
//! daemons say of it (proposals refused, no connection, a port they cannot bind).
use ike_capture::IcmpKind;
use ike_contract::{Category, End, FailurePhase, Knowledge};
use ike_logs::Fact;
use ike_wire::{ExchangeType, NotifyType};

use super::{candidate, Rule, ANSWER_WAIT_NS};
use crate::context::{Line, SaContext};
use crate::fix;
use crate::model::{Confidence, EvidenceRef, Finding, Severity};

pub const RULES: &[&dyn Rule] = &[
    &IkeVersionMismatch,
    &InitUnanswered,
    &InitReturnPath,
    &InitNoProposal,
    &InitInvalidKe,
    &InitCookieLoop,
    &ResponderRefusesIkeProposals,
    &DaemonCannotListen,
    &InitUnansweredInLog,
    &ResponderAnswersRetransmits,
    &InitRefusalReadInLog,
];

const INIT: FailurePhase = FailurePhase::IkeSaInit;

/// Candidates for an IKE_SA_INIT that gets no answer.
fn unanswered_candidates() -> Vec<crate::model::Candidate> {
    vec![
        candidate(
            INIT,
            Category::UdpBlocked,
            "UDP 500 filtered on the way or at the gateway, or the gateway's daemon is down",
            "a capture at the gateway (do the requests arrive?) and the gateway's log",
        ),
        candidate(
            INIT,
            Category::Implementation,
            "another program holds UDP 500 on the gateway, so its IKE daemon cannot answer",
            "the gateway's log ('unable to bind socket') or 'ss -ulpn' on it",
        ),
    ]
}

/// IKEv1 datagrams between the peers of an IKEv2 SA that never got past IKE_SA_INIT: the two
/// ends speak different IKE versions.
pub struct IkeVersionMismatch;

impl Rule for IkeVersionMismatch {
    fn id(&self) -> &'static str {
        "ike-version-mismatch"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        if sa.session.ike_major_version != 2
            || sa.phase_reached() > ike_timeline::Phase::IkeSaInit
            || sa.superseded()
        {
            return Vec::new();
        }
        let Some(v1) = sa.ikev1.first() else {
            return Vec::new();
        };
        let Some(event) = v1
            .messages
            .first()
            .and_then(|r| sa.timeline().events.get(r.event()))
        else {
            return Vec::new();
        };
        let mut values = sa.fix_values();
        values.change_on = Some(End::Responder);
        vec![Finding::decided(
            self.id(),
            INIT,
            Category::ConfigOther,
            Knowledge::OwnStatement,
            "IKEv1 and IKEv2 meet: the peers are configured for different IKE versions",
        )
        .evidence([EvidenceRef {
            source: event.source(),
            at: Some(event.at()),
            note: format!("IKEv1 datagram between {} and {}", v1.initiator(), v1.responder()),
        }])
        .fix([fix::Fix::text("configure both peers for IKEv2 (strongSwan: version = 2; Libreswan: ikev2=yes), or the client for IKEv1 if the gateway only speaks it")])]
    }
}

/// IKE_SA_INIT requests that no capture ever saw answered. An ICMP error quoting them names the
/// cause; with captures of both ends, whether the requests reach the far one tells the path from
/// the gateway. A capture that ends before an answer could arrive decides nothing.
pub struct InitUnanswered;

impl Rule for InitUnanswered {
    fn id(&self) -> &'static str {
        "init-unanswered"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        let requests: Vec<_> = sa.exchange(ExchangeType::IKE_SA_INIT, false).collect();
        let Some(first) = requests.first().copied() else {
            return Vec::new();
        };
        if sa.first(ExchangeType::IKE_SA_INIT, true).is_some() || !sa.only_init() || sa.superseded()
        {
            return Vec::new();
        }
        let last = requests
            .iter()
            .rev()
            .find(|x| x.source == first.source)
            .copied()
            .unwrap_or(first);
        let waited = sa.covered_after(&last);
        let resent = requests.iter().any(|x| x.retransmit);
        if !resent && waited < ANSWER_WAIT_NS {
            let cut = sa
                .truncated()
                .map(|(_, t)| format!(" (the capture is cut short: {})", t.reason))
                .unwrap_or_default();
            return vec![Finding {
                severity: Severity::Unsettled,
                ..Finding::open(
                    self.id(),
                    INIT,
                    Knowledge::WireShape,
                    format!(
                        "the capture ends {:.1} s after the IKE_SA_INIT request{cut}: too soon to say whether it was answered",
                        waited as f64 / 1e9
                    ),
                    Vec::new(),
                )
                .evidence([first.cite(first.describe())])
            }];
        }
        let responder = first.m.dst();
        let span = (last.time.0 - first.time.0) as f64 / 1e9;
        let count = requests.iter().filter(|x| x.source == first.source).count();
        let mut evidence = vec![
            first.cite(first.describe()),
            last.cite(format!(
                "{count} IKE_SA_INIT requests over {span:.1} s, none answered"
            )),
        ];
        let mut values = sa.fix_values();
        values.change_on = Some(End::Responder);
        if let Some((source, at, icmp)) = sa.icmp_on(Some(responder.port())).first().copied() {
            let (what, title) = match icmp.kind {
                IcmpKind::PortUnreachable => (
                    "port unreachable",
                    format!(
                        "nothing listens on UDP {} at {}: ICMP port unreachable",
                        responder.port(),
                        responder.ip()
                    ),
                ),
                _ => (
                    "destination unreachable",
                    format!("IKE_SA_INIT to {responder} is rejected with ICMP unreachable"),
                ),
            };
            evidence.push(EvidenceRef {
                source,
                at: Some(at),
                note: format!("ICMP {what} from {} quoting the request", icmp.from),
            });
            return vec![Finding::decided(
                self.id(),
                INIT,
                Category::UdpBlocked,
                Knowledge::OwnStatement,
                title,
            )
            .evidence(evidence)
            .fix(fix::for_category(Category::UdpBlocked, &values))];
        }
        let reached = first.seen_in.len();
        let captures = sa.ev.captures().count();
        if reached == 0 && captures >= 2 {
            // Another capture was running and never saw the requests: lost between the two.
            let other = sa.ev.captures().find(|s| *s != first.source);
            if let Some(other) = other {
                evidence.push(EvidenceRef {
                    source: other,
                    at: None,
                    note: "this capture never sees the requests".into(),
                });
            }
            return vec![Finding::decided(
                self.id(),
                INIT,
                Category::UdpBlocked,
                Knowledge::WireShape,
                format!("IKE_SA_INIT requests to {responder} never reach the other capture point: dropped on the way"),
            )
            .evidence(evidence)
            .fix(fix::for_category(Category::UdpBlocked, &values))];
        }
        let title = if reached > 0 {
            format!("IKE_SA_INIT reaches the gateway side ({responder}) but is never answered: the gateway's firewall drops it, its daemon is down, or another program holds the port")
        } else {
            format!("IKE_SA_INIT to {responder} is never answered: UDP 500 is blocked on the way, or nothing answers there")
        };
        let mut fixes = fix::for_category(Category::UdpBlocked, &values);
        fixes.extend(fix::to_decide(&[
            "a capture at the gateway (do the requests arrive?)",
            "the gateway's log (a daemon that cannot bind UDP 500 says so at start)",
        ]));
        vec![Finding::open(
            self.id(),
            INIT,
            Knowledge::WireShape,
            title,
            unanswered_candidates(),
        )
        .evidence(evidence)
        .fix(fixes)]
    }
}

/// The responder answers IKE_SA_INIT but the initiator keeps retransmitting, or a capture at the
/// initiator's side never sees the answer: the answers are lost on the way back.
pub struct InitReturnPath;

impl Rule for InitReturnPath {
    fn id(&self) -> &'static str {
        "init-return-path"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        if sa.phase_reached() > ike_timeline::Phase::IkeAuth || sa.superseded() || !sa.only_init() {
            return Vec::new();
        }
        let Some(response) = sa.first(ExchangeType::IKE_SA_INIT, true) else {
            return Vec::new();
        };
        if response.m.spi_r == 0 {
            return Vec::new(); // a notify-only answer (cookie, invalid KE, no proposal)
        }
        let with_response = sa.sources_of(&response);
        // Captures that saw the requests, followed long enough after the answer, never saw it.
        let without: Vec<_> = sa
            .exchange(ExchangeType::IKE_SA_INIT, false)
            .flat_map(|x| sa.sources_of(&x))
            .filter(|s| !with_response.contains(s))
            .filter(|s| {
                sa.ev
                    .coverage(*s)
                    .is_some_and(|c| c.covered_after(response.time) >= ANSWER_WAIT_NS)
            })
            .collect();
        let resent_after: Vec<_> = sa
            .exchange(ExchangeType::IKE_SA_INIT, false)
            .filter(|x| x.retransmit && x.time > response.time)
            .collect();
        if without.is_empty() && resent_after.is_empty() {
            return Vec::new();
        }
        let mut evidence =
            vec![response.cite(format!("the responder answers: {}", response.describe()))];
        if let Some(r) = resent_after.last() {
            evidence.push(r.cite(format!(
                "the initiator still retransmits IKE_SA_INIT ({} times after the answer)",
                resent_after.len()
            )));
        }
        let mut seen = Vec::new();
        for s in without {
            if !seen.contains(&s) {
                seen.push(s);
                evidence.push(EvidenceRef {
                    source: s,
                    at: None,
                    note: "this capture never sees the IKE_SA_INIT response".into(),
                });
            }
        }
        let values = sa.fix_values();
        vec![Finding::decided(
            self.id(),
            INIT,
            Category::UdpBlocked,
            Knowledge::WireShape,
            format!(
                "the gateway answers IKE_SA_INIT but the answer never reaches {}: the return path drops it",
                response.m.dst()
            ),
        )
        .evidence(evidence)
        .fix(fix::for_category(Category::UdpBlocked, &values))]
    }
}

/// NO_PROPOSAL_CHOSEN in answer to IKE_SA_INIT. Whether encryption, integrity, PRF or the DH group
/// differs, or no connection matches at all, is in the responder's configuration or log, not on
/// the wire.
pub struct InitNoProposal;

impl Rule for InitNoProposal {
    fn id(&self) -> &'static str {
        "init-no-proposal"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        let Some(answer) = sa.init_answered_with(NotifyType::NO_PROPOSAL_CHOSEN) else {
            return Vec::new();
        };
        if sa.phase_reached() > ike_timeline::Phase::IkeSaInit {
            return Vec::new();
        }
        let offered: Vec<String> = sa
            .session
            .offered
            .iter()
            .flat_map(|list| list.iter())
            .map(|p| p.to_string())
            .collect();
        let mut evidence = Vec::new();
        if let Some(request) = sa.first(ExchangeType::IKE_SA_INIT, false) {
            evidence.push(request.cite(format!("the initiator offers: {}", offered.join(", "))));
        }
        evidence.push(answer.cite("the responder answers NO_PROPOSAL_CHOSEN"));
        let decided_by = "the responder's log ('received proposals unacceptable', 'no IKE config found') or its configuration";
        let candidates = vec![
            candidate(INIT, Category::ProposalIke, "no common encryption, integrity or PRF", decided_by),
            candidate(INIT, Category::ProposalDh, "the same answer when only the DH group differs", decided_by),
            candidate(INIT, Category::ConfigOther, "strongSwan and Libreswan also answer it when no IKEv2 connection matches the peer at all (addresses, IKE version)", decided_by),
        ];
        let mut fixes = fix::for_category(Category::ProposalIke, &sa.fix_values());
        fixes.extend(fix::to_decide(&["the responder's log or configuration"]));
        vec![Finding::open(
            self.id(),
            INIT,
            Knowledge::PeerReading,
            "the responder accepts none of the offered IKE proposals (NO_PROPOSAL_CHOSEN)",
            candidates,
        )
        .confidence(Confidence::High)
        .evidence(evidence)
        .fix(fixes)]
    }
}

/// INVALID_KE_PAYLOAD that never recovers: the responder wants a DH group the initiator does not
/// complete with.
pub struct InitInvalidKe;

impl Rule for InitInvalidKe {
    fn id(&self) -> &'static str {
        "init-invalid-ke"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        let Some(answer) = sa
            .exchange(ExchangeType::IKE_SA_INIT, true)
            .filter(|x| x.m.has_notify(NotifyType::INVALID_KE_PAYLOAD))
            .last()
        else {
            return Vec::new();
        };
        if sa.ev.restarted_ok.contains(&sa.index)
            || sa.phase_reached() > ike_timeline::Phase::IkeSaInit
        {
            return Vec::new();
        }
        // The initiator retries at once with the group asked for; a capture that ends (or is
        // cut) right after the answer cannot show that it did not.
        if sa.truncated().is_some() || sa.covered_after(&answer) < ANSWER_WAIT_NS {
            return vec![Finding {
                severity: Severity::Unsettled,
                ..Finding::open(
                    self.id(),
                    INIT,
                    Knowledge::WireShape,
                    "the responder asks for another DH group (INVALID_KE_PAYLOAD) and the capture ends before the initiator's retry could show",
                    Vec::new(),
                )
                .evidence([answer.cite(answer.describe())])
            }];
        }
        let wanted = answer
            .m
            .notify_data(NotifyType::INVALID_KE_PAYLOAD)
            .and_then(|d| d.get(..2))
            .map(|b| ike_wire::DhGroup(u16::from_be_bytes([b[0], b[1]])));
        let offered: Vec<String> = sa
            .session
            .offered
            .iter()
            .flat_map(|list| list.iter())
            .flat_map(|p| p.transforms.iter())
            .filter(|t| t.transform_type == ike_wire::TransformType(4))
            .map(|t| ike_wire::DhGroup(t.id).to_string())
            .collect();
        let wanted_name = wanted.map(|g| g.to_string()).unwrap_or_else(|| "?".into());
        let mut values = sa.fix_values();
        values.dh_wanted = Some(wanted_name.clone());
        vec![Finding::decided(
            self.id(),
            INIT,
            Category::ProposalDh,
            Knowledge::OwnStatement,
            format!("the responder asks for DH group {wanted_name} (INVALID_KE_PAYLOAD) and the initiator never completes with it"),
        )
        .evidence([answer.cite(format!(
            "INVALID_KE_PAYLOAD asks for {wanted_name}; offered groups: {}",
            offered.join(", ")
        ))])
        .fix(fix::for_category(Category::ProposalDh, &values))]
    }
}

/// The responder keeps answering COOKIE and IKE_SA_INIT never moves on.
pub struct InitCookieLoop;

impl Rule for InitCookieLoop {
    fn id(&self) -> &'static str {
        "init-cookie-loop"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        const LOOP: usize = 3;
        if sa.phase_reached() > ike_timeline::Phase::IkeSaInit || sa.superseded() {
            return Vec::new();
        }
        let cookies: Vec<_> = sa
            .exchange(ExchangeType::IKE_SA_INIT, true)
            .filter(|x| x.m.has_notify(NotifyType::COOKIE))
            .collect();
        if cookies.len() < LOOP {
            return Vec::new();
        }
        let returned = sa
            .exchange(ExchangeType::IKE_SA_INIT, false)
            .any(|x| x.m.has_notify(NotifyType::COOKIE));
        vec![Finding::decided(
            self.id(),
            INIT,
            Category::Implementation,
            Knowledge::WireShape,
            format!(
                "the responder answers COOKIE {} times and IKE_SA_INIT never completes{}",
                cookies.len(),
                if returned { " although the initiator returns a cookie" } else { ": the initiator never returns the cookie" }
            ),
        )
        .confidence(Confidence::Medium)
        .evidence([cookies[0].cite(cookies[0].describe())])
        .fix([
            fix::Fix::text("check the initiator's COOKIE support (RFC 7296 2.6: repeat IKE_SA_INIT with the N(COOKIE) first)"),
            fix::Fix::text("on the responder, check the cookie threshold (strongSwan: charon.cookie_threshold) and clock or secret changes that invalidate cookies"),
        ])]
    }
}

/// The responder's own statement that it accepts none of the IKE proposals, or has no connection
/// for the peer: the lines before it tell a DH group from an algorithm mismatch.
pub struct ResponderRefusesIkeProposals;

impl Rule for ResponderRefusesIkeProposals {
    fn id(&self) -> &'static str {
        "log-ike-proposals-refused"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for log in &sa.logs {
            let refusal = log.lines.iter().copied().find(|l| {
                matches!(
                    l.fact(),
                    Fact::ProposalsRejected
                        | Fact::V1ProposalsRejected
                        | Fact::NoMatchingConnection
                ) && l.log.entry.phase == Some(INIT)
            });
            let Some(line) = refusal else {
                continue;
            };
            let Some(i) = log.position(&line) else {
                continue;
            };
            let mut values = sa.fix_values();
            values.change_on = Some(End::Responder);
            let context: Vec<Line<'_>> = log
                .before(i, 12)
                .filter(|l| matches!(l.fact(), Fact::TransformUnacceptable | Fact::KeUnacceptable))
                .collect();
            let no_connection =
                line.fact() == Fact::NoMatchingConnection || log.has(Fact::NoMatchingConnection);
            // A responder whose connections are all for IKEv1 (its configuration dump says so)
            // has none for an IKEv2 initiator.
            let versions: Vec<i64> = log
                .daemon
                .iter()
                .chain(&log.lines)
                .filter(|l| l.fact() == Fact::ConfiguredVersion)
                .filter_map(|l| l.log.number)
                .collect();
            let ikev1_only = !versions.is_empty() && versions.iter().all(|v| *v == 1);
            if no_connection && ikev1_only {
                values.version_wanted = Some(2);
            }
            // IKEv1 carries the DH group inside each transform: without the lines that name the
            // refused attribute, a group and an algorithm mismatch read the same.
            if line.fact() == Fact::V1ProposalsRejected && context.is_empty() && !no_connection {
                out.push(algorithms_or_group(
                    self.id(),
                    (log, i, &line),
                    (Fact::V1ProposalsRejected, 12),
                    "the IKEv1 responder accepts none of the Phase 1 proposals (NO_PROPOSAL_CHOSEN)",
                    ["encryption, hash or PRF differ", "only the DH group differs (it is an attribute of each IKEv1 transform)"],
                    "the responder's 'received proposals' and 'configured proposals' lines, or both configurations",
                ));
                break;
            }
            // pluto names the offer it refused but not why: its connections' proposals, when the
            // log shows them loaded, tell a DH group from an algorithm mismatch.
            let pluto_dh = (line.log.entry.implementation == ike_logs::Implementation::Libreswan
                && context.is_empty()
                && !no_connection)
                .then(|| pluto_refusal(log, i, &line));
            if let Some(None) = pluto_dh {
                out.push(algorithms_or_group(
                    self.id(),
                    (log, i, &line),
                    (Fact::NoLocalProposal, 6),
                    "the responder (pluto) accepts none of the IKE proposals (NO_PROPOSAL_CHOSEN); its own proposals are not in this log",
                    ["encryption, integrity or PRF differ", "only the DH group differs"],
                    "pluto's `IKE SA proposals (connection add)` lines, or both configurations",
                ));
                break;
            }
            let (category, title) = if no_connection && ikev1_only {
                (
                    Category::ConfigOther,
                    "the responder's connections are for IKEv1 only: none matches an IKEv2 initiator (it answers NO_PROPOSAL_CHOSEN, which is not a proposal mismatch)".to_string(),
                )
            } else if no_connection {
                (
                    Category::ConfigOther,
                    "no connection on the responder matches this peer (its addresses, IKE version or authentication): it answers NO_PROPOSAL_CHOSEN, which is not a proposal mismatch".to_string(),
                )
            } else if pluto_dh == Some(Some(Category::ProposalDh))
                || (!context.is_empty() && context.iter().all(|l| l.fact() == Fact::KeUnacceptable))
            {
                (
                    Category::ProposalDh,
                    "no common Diffie-Hellman group: every other algorithm matches, the key exchange method does not".to_string(),
                )
            } else {
                (
                    Category::ProposalIke,
                    "no common IKE proposal (encryption, integrity or PRF)".to_string(),
                )
            };
            let mut evidence = vec![line.cite_meaning()];
            evidence.extend(context.iter().map(|l| l.cite_meaning()));
            if let Some(no_conn) = log
                .first(Fact::NoMatchingConnection)
                .filter(|l| !std::ptr::eq(l.event, line.event))
            {
                evidence.push(no_conn.cite_meaning());
            }
            out.push(
                Finding::decided(self.id(), INIT, category, Knowledge::OwnStatement, title)
                    .evidence(evidence)
                    .fix(fix::for_category(category, &values)),
            );
            break;
        }
        out
    }
}

/// A responder's refusal of every IKE proposal that does not say whether the algorithms or
/// only the DH group differ: open between the two, citing the refusal at `i` and the lines of
/// `cited` within `lookback` before it.
fn algorithms_or_group(
    rule: &'static str,
    (log, i, line): (&crate::context::LogView<'_>, usize, &Line<'_>),
    (cited, lookback): (Fact, usize),
    title: &str,
    [algorithms, group]: [&'static str; 2],
    decided_by: &'static str,
) -> Finding {
    let mut evidence = vec![line.cite_meaning()];
    evidence.extend(
        log.before(i, lookback)
            .filter(|l| l.fact() == cited)
            .map(|l| l.cite_meaning()),
    );
    Finding::open(
        rule,
        INIT,
        Knowledge::OwnStatement,
        title,
        vec![
            super::candidate(INIT, Category::ProposalIke, algorithms, decided_by),
            super::candidate(INIT, Category::ProposalDh, group, decided_by),
        ],
    )
    .evidence(evidence)
    .fix([fix::Fix::text("compare the IKE proposals of both ends, DH group included (pluto: `ike=aes256-sha2_256;modp2048`; strongSwan: `proposals = aes256-sha256-modp2048`)")])
}

/// What pluto's refusal of IKE_SA_INIT at line `i` was: `Some(ProposalDh)` when one of its
/// connection's proposals matches one the peer offered in all but the DH group,
/// `Some(ProposalIke)` when both are shown and differ otherwise, `None` when the log does not
/// show both (the offer on `no local proposal matches remote proposals ...`, the connection's
/// own on the `(connection add)` lines).
fn pluto_refusal(
    log: &crate::context::LogView<'_>,
    i: usize,
    refusal: &Line<'_>,
) -> Option<Category> {
    let offered = log
        .before(i, 6)
        .filter(|l| l.fact() == Fact::NoLocalProposal)
        .find_map(|l| {
            l.log
                .text
                .split_once("remote proposals ")
                .map(|(_, r)| r.to_owned())
        })?;
    let offered: Vec<PlutoProposal> = offered
        .split_whitespace()
        .filter_map(PlutoProposal::offered)
        .collect();
    let conn = refusal.log.conn.as_deref();
    let local: Vec<PlutoProposal> = log
        .daemon
        .iter()
        .chain(&log.lines)
        .filter(|l| l.fact() == Fact::ProposalsConfigured && l.log.conn.as_deref() == conn)
        .filter_map(|l| {
            l.log
                .text
                .split_once(":IKE=")
                .and_then(|(_, p)| PlutoProposal::loaded(p))
        })
        .collect();
    if offered.is_empty() || local.is_empty() {
        return None;
    }
    let meets = |a: &[String], b: &[String]| a.iter().any(|x| b.contains(x));
    let algorithms_meet = offered.iter().any(|o| {
        local.iter().any(|l| {
            o.algorithms.len() == l.algorithms.len()
                && o.algorithms
                    .iter()
                    .zip(&l.algorithms)
                    .all(|(a, b)| meets(a, b))
        })
    });
    let groups_meet = offered
        .iter()
        .any(|o| local.iter().any(|l| meets(&o.groups, &l.groups)));
    Some(if algorithms_meet && !groups_meet {
        Category::ProposalDh
    } else {
        Category::ProposalIke
    })
}

/// One IKE proposal as pluto prints it: the algorithms in ENCR, PRF, INTEG order (INTEG absent
/// for AEAD), each a list of alternatives, and the DH groups.
struct PlutoProposal {
    algorithms: Vec<Vec<String>>,
    groups: Vec<String>,
}

impl PlutoProposal {
    /// An offer: `1:IKE:ENCR=AES_CBC_256;INTEG=HMAC_SHA2_256_128;PRF=HMAC_SHA2_256;DH=MODP2048`.
    fn offered(text: &str) -> Option<PlutoProposal> {
        let (_, transforms) = text.split_once(":IKE:")?;
        let transforms = transforms.split('[').next().unwrap_or(transforms);
        let of = |kind: &str| -> Vec<String> {
            transforms
                .split(';')
                .filter_map(|t| t.strip_prefix(kind))
                .flat_map(|v| v.split(','))
                .map(normalise_group)
                .collect()
        };
        let mut algorithms = vec![of("ENCR="), of("PRF=")];
        let integ = of("INTEG=");
        if !integ.is_empty() {
            algorithms.push(integ);
        }
        Some(PlutoProposal {
            algorithms,
            groups: of("DH="),
        })
    }

    /// A loaded proposal: `AES_CBC_256-HMAC_SHA2_256-HMAC_SHA2_256_128-MODP2048`.
    fn loaded(text: &str) -> Option<PlutoProposal> {
        let mut parts: Vec<Vec<String>> = text
            .trim()
            .split('-')
            .map(|p| p.split('+').map(normalise_group).collect())
            .collect();
        if parts.len() < 3 {
            return None;
        }
        let groups = parts.pop()?;
        Some(PlutoProposal {
            algorithms: parts,
            groups,
        })
    }
}

/// pluto prints some groups two ways (`ECP_384` loaded, `DH20` in older releases).
fn normalise_group(name: &str) -> String {
    match name.trim() {
        "DH19" => "ECP_256".to_owned(),
        "DH20" => "ECP_384".to_owned(),
        "DH21" => "ECP_521".to_owned(),
        "DH31" => "CURVE25519".to_owned(),
        other => other.to_owned(),
    }
}

/// A daemon that cannot answer at all: another program holds its IKE port, or the kernel refuses
/// its IKE sockets. Its log says so at start; every SA it should have answered fails in
/// IKE_SA_INIT.
pub struct DaemonCannotListen;

impl Rule for DaemonCannotListen {
    fn id(&self) -> &'static str {
        "log-daemon-cannot-listen"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        if sa.phase_reached() > ike_timeline::Phase::IkeSaInit || sa.superseded() {
            return Vec::new();
        }
        for log in &sa.logs {
            let line = log
                .lines
                .iter()
                .chain(&log.daemon)
                .copied()
                .find(|l| matches!(l.fact(), Fact::PortInUse | Fact::KernelIpsecMissing));
            let Some(line) = line else {
                // A daemon that aborted its start (a plugin's other dependency, a file it could
                // not load), or refused at load the connection asked for, answers nothing either.
                let Some(aborted) = log
                    .daemon
                    .iter()
                    .chain(&log.lines)
                    .copied()
                    .find(|l| l.fact() == Fact::DaemonFailed)
                else {
                    continue;
                };
                let entry = aborted.log.entry;
                let checks = entry.checks.iter().map(|c| fix::Fix::text(*c));
                let finding = match entry.category {
                    // A connection refused at load for a stated reason (pluto's DH group its
                    // build does not support): that reason.
                    Some(category) => Finding::decided(
                        self.id(),
                        INIT,
                        category,
                        Knowledge::OwnStatement,
                        format!("the responder refused to load its connection: {}", entry.meaning),
                    )
                    .fix(checks)
                    .fix(fix::for_category(category, &sa.fix_values())),
                    None => Finding::open(
                        self.id(),
                        INIT,
                        Knowledge::OwnStatement,
                        format!(
                            "the responder's daemon did not start ({}): nothing answers IKE_SA_INIT",
                            entry.meaning
                        ),
                        super::open_cause_candidates(
                            entry.open,
                            "the lines before it in the responder's log",
                        ),
                    )
                    .fix(checks),
                };
                return vec![finding.evidence([aborted.cite_meaning()])];
            };
            let title = match line.fact() {
                Fact::PortInUse => "the IKE daemon cannot bind its port: another program holds UDP 500 (or 4500), so nothing answers IKE_SA_INIT".to_string(),
                _ => match line.log.number {
                    Some(n) => format!(
                        "the kernel refuses the IKE daemon's IPsec sockets (errno {n}: {}): it answers nothing",
                        ike_logs::knowledge::errno_meaning(n)
                    ),
                    None => "the kernel offers the IKE daemon no usable IPsec interface: it answers nothing".into(),
                },
            };
            return vec![Finding::decided(
                self.id(),
                INIT,
                Category::Implementation,
                Knowledge::OwnStatement,
                title,
            )
            .evidence([line.cite_meaning()])
            .fix(fix::for_category(
                Category::Implementation,
                &sa.fix_values(),
            ))];
        }
        Vec::new()
    }
}

/// The initiator's log shows IKE_SA_INIT retransmitted and given up. With the responder's log
/// at hand: a responder whose daemon ran all along and logged no packet at all never got the
/// requests.
pub struct InitUnansweredInLog;

impl Rule for InitUnansweredInLog {
    fn id(&self) -> &'static str {
        "log-init-unanswered"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        if sa.phase_reached() > ike_timeline::Phase::IkeSaInit || sa.superseded() {
            return Vec::new();
        }
        // The initiator's log with times first: a pasted excerpt without them cannot be placed
        // against the responder's.
        let mut initiator_logs: Vec<_> =
            sa.logs.iter().filter(|l| l.end != End::Responder).collect();
        initiator_logs.sort_by_key(|l| !l.lines.iter().any(|x| x.log.time_known));
        let Some(log) = initiator_logs.into_iter().find(|l| {
            l.lines
                .iter()
                .any(|x| matches!(x.fact(), Fact::Retransmit | Fact::GaveUp))
        }) else {
            return Vec::new();
        };
        // An initiator that got an answer it would not take (pluto ignores an unauthenticated
        // NO_PROPOSAL_CHOSEN and times out) was answered: not a path problem.
        let answered = log.lines.iter().any(|l| {
            matches!(
                l.fact(),
                Fact::PeerRefusedProposals | Fact::PacketReceived | Fact::DhRetry
            ) || (l.fact() == Fact::MessageParsed && l.log.response == Some(true))
        });
        if answered {
            return Vec::new();
        }
        let retransmits: Vec<Line<'_>> = log
            .lines
            .iter()
            .copied()
            .filter(|l| {
                matches!(l.fact(), Fact::Retransmit | Fact::GaveUp)
                    && (l.log.exchange == Some("IKE_SA_INIT") || l.log.message_id == Some(0))
            })
            .collect();
        // charon's give-up line names no exchange: it counts when the retransmits were INIT's.
        let gave_up = log.lines.iter().copied().find(|l| l.fact() == Fact::GaveUp);
        let Some(last) = retransmits
            .last()
            .copied()
            .or(gave_up.filter(|_| !retransmits.is_empty()))
        else {
            return Vec::new();
        };
        let mut evidence = vec![last.cite_meaning()];
        if let Some(g) = gave_up.filter(|g| !std::ptr::eq(g.event, last.event)) {
            evidence.push(g.cite_meaning());
        }
        let mut values = sa.fix_values();
        values.change_on = Some(End::Responder);
        // A responder log that speaks of no SA at all and shows its daemon running before the
        // requests: the requests never reached it.
        let asked_at = last.event.time;
        let silent = sa.logs.iter().find(|other| {
            last.log.time_known
                && other.source != log.source
                && other.lines.is_empty()
                && !sa
                    .ev
                    .timeline
                    .log_groups
                    .iter()
                    .any(|g| g.source == other.source && g.session.is_some())
                && other
                    .daemon
                    .iter()
                    .any(|l| l.fact() == Fact::DaemonStart && l.event.time <= asked_at)
                && !other.daemon.iter().any(|l| {
                    matches!(
                        l.fact(),
                        Fact::PacketReceived
                            | Fact::PortInUse
                            | Fact::SocketMissing
                            | Fact::KernelIpsecMissing
                            | Fact::NoInterfaces
                            | Fact::DaemonFailed
                    )
                })
        });
        if let Some(silent) = silent {
            if let Some(start) = silent.daemon.iter().find(|l| l.fact() == Fact::DaemonStart) {
                evidence.push(start.cite("the responder's daemon runs and its log shows no packet and no SA at all: the requests never reach it"));
            }
            return vec![Finding::decided(
                self.id(),
                INIT,
                Category::UdpBlocked,
                Knowledge::OwnStatement,
                "IKE_SA_INIT never reaches the responder, whose daemon is running: UDP 500 is blocked on the way or at the gateway's firewall",
            )
            .evidence(evidence)
            .fix(fix::for_category(Category::UdpBlocked, &values))];
        }
        vec![Finding::open(
            self.id(),
            INIT,
            Knowledge::PeerReading,
            "IKE_SA_INIT is never answered: UDP 500 blocked on the way, the responder down, or its port held by another program",
            unanswered_candidates(),
        )
        .evidence(evidence)
        .fix(fix::for_category(Category::UdpBlocked, &values))]
    }
}

/// A responder that receives again and again a request it has answered: its answers do not reach
/// the initiator (the return path).
pub struct ResponderAnswersRetransmits;

impl Rule for ResponderAnswersRetransmits {
    fn id(&self) -> &'static str {
        "log-responder-answers-retransmits"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        if sa.superseded() {
            return Vec::new();
        }
        for log in &sa.logs {
            let Some(line) = log.first(Fact::AnsweredRetransmit) else {
                continue;
            };
            let id = line.log.message_id.unwrap_or(0);
            // The initiator going on with a later request got the answer in the end.
            let went_on = log.lines.iter().any(|l| {
                l.fact() == Fact::MessageParsed
                    && l.log.response == Some(false)
                    && l.log.message_id.is_some_and(|m| m > id)
            });
            // An SA that went on came up despite IKE_SA_INIT's retransmits. An IKE_AUTH the
            // responder took as established but received again and again (one lost answer is
            // resent once) never reached the initiator.
            let resent = log
                .all(Fact::AnsweredRetransmit)
                .filter(|l| l.log.message_id == Some(id))
                .count();
            let past = if id == 0 {
                sa.phase_reached() > ike_timeline::Phase::IkeAuth
            } else {
                sa.phase_reached() > ike_timeline::Phase::IkeAuth && resent < 2
            };
            if went_on || past {
                continue;
            }
            let at = log.position(&line).unwrap_or(0);
            let answer = log.lines[at..]
                .iter()
                .copied()
                .find(|l| l.fact() == Fact::PacketSent && l.log.bytes.is_some());
            return vec![lost_answers(self.id(), sa, line, id, answer)];
        }
        Vec::new()
    }
}

/// The finding of a responder whose answers to the request `id` never reach the initiator,
/// from `line` (it received the request again) and the `answer` it sent again.
fn lost_answers(
    rule: &'static str,
    sa: &SaContext<'_, '_>,
    line: Line<'_>,
    id: u32,
    answer: Option<Line<'_>>,
) -> Finding {
    let values = sa.fix_values();
    let mut evidence = vec![line.cite_meaning()];
    if id == 0 {
        return Finding::decided(
            rule,
            INIT,
            Category::UdpBlocked,
            Knowledge::OwnStatement,
            "the responder answers every retransmitted request, but the initiator never gets the answers: the return path drops them",
        )
        .evidence(evidence)
        .fix(fix::for_category(Category::UdpBlocked, &values));
    }
    let phase = FailurePhase::IkeAuth;
    // An answer over the MTU leaves in IP fragments: lost, they are the cause.
    if let Some((a, size)) = answer.and_then(|a| Some((a, a.log.bytes?))) {
        if size > super::MAX_UNFRAGMENTED_IKE {
            evidence.push(a.cite(format!(
                "the answer is {size} bytes: IP-fragmented on a 1500-byte path"
            )));
            return Finding::decided(
                rule,
                phase,
                Category::MtuFragmentation,
                Knowledge::OwnStatement,
                format!("the responder answers IKE_AUTH again and again ({size} bytes, over the MTU), but the initiator never gets the answer: its IP fragments are dropped on the way back"),
            )
            .confidence(Confidence::Medium)
            .evidence(evidence)
            .fix(fix::for_category(Category::MtuFragmentation, &values));
        }
        evidence.push(a.cite(format!("the answer is {size} bytes: not fragmented")));
    }
    let decided_by = "a capture at the initiator";
    let mut candidates = Vec::new();
    if answer.and_then(|a| a.log.bytes).is_none() {
        candidates.push(candidate(
            phase,
            Category::MtuFragmentation,
            "a large IKE_AUTH answer (certificates) in IP fragments that are dropped",
            decided_by,
        ));
    }
    candidates.push(candidate(
        phase,
        Category::UdpBlocked,
        "the return path drops the answers",
        decided_by,
    ));
    candidates.push(candidate(
        phase,
        Category::Nat,
        "UDP 4500 blocked on the way back after the NAT-T move",
        decided_by,
    ));
    Finding::open(
        rule,
        phase,
        Knowledge::OwnStatement,
        "the responder answers every retransmitted IKE_AUTH request, but the initiator never gets the answers",
        candidates,
    )
    .evidence(evidence)
    .fix(fix::for_category(Category::UdpBlocked, &values))
}

/// The initiator's reading that the responder refused its IKE proposals (NO_PROPOSAL_CHOSEN
/// received): which of algorithms, DH group or a missing connection, only the responder knows.
pub struct InitRefusalReadInLog;

impl Rule for InitRefusalReadInLog {
    fn id(&self) -> &'static str {
        "log-init-refused"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        if sa.phase_reached() > ike_timeline::Phase::IkeSaInit {
            return Vec::new();
        }
        let line = sa
            .lines(Fact::PeerRefusedProposals)
            .find(|l| l.log.entry.phase == Some(INIT) || l.log.text.contains("IKE_SA_INIT"));
        let Some(line) = line else {
            return Vec::new();
        };
        let decided_by = "the responder's log ('received proposals unacceptable', 'no IKE config found') or its configuration";
        let mut fixes = fix::for_category(Category::ProposalIke, &sa.fix_values());
        fixes.extend(fix::to_decide(&["the responder's log or configuration"]));
        vec![Finding::open(
            self.id(),
            INIT,
            Knowledge::PeerReading,
            "the responder refused IKE_SA_INIT with NO_PROPOSAL_CHOSEN: no common proposal or DH group, or no connection for this peer at all",
            vec![
                candidate(INIT, Category::ProposalIke, "no common encryption, integrity or PRF", decided_by),
                candidate(INIT, Category::ProposalDh, "only the DH group differs", decided_by),
                candidate(INIT, Category::ConfigOther, "no IKEv2 connection on the responder matches this peer (addresses, IKE version)", decided_by),
            ],
        )
        .evidence([line.cite_meaning()])
        .fix(fixes)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::*;
    use ike_contract::Outcome;

    /// The lab's libreswan-dh-group-mismatch and libreswan-proposal-mismatch, the gateway's
    /// log: pluto's refusal is a DH group's only when its loaded proposals say so, and open
    /// when they are not in the log.
    #[test]
    fn plutos_refusal_is_told_apart_by_its_loaded_proposals() {
        let refusal = |loaded: &str, offered: &str| {
            let mut lab = Lab::new();
            let mut log = String::new();
            if !loaded.is_empty() {
                log.push_str(
                    "Dec  7 18:45:10.635002: \"rw\": IKE SA proposals (connection add):\n",
                );
                log.push_str(&format!(
                    "Dec  7 18:45:10.635002: \"rw\":   1:IKE={loaded}\n"
                ));
            }
            log.push_str(&format!("Dec  7 18:45:11.070910: \"rw\"[1] 10.99.2.3 #1: no local proposal matches remote proposals {offered}\n"));
            log.push_str("Dec  7 18:45:11.070932: \"rw\"[1] 10.99.2.3 #1: responding to IKE_SA_INIT message (ID 0) from 10.99.2.3:500 with unencrypted notification NO_PROPOSAL_CHOSEN\n");
            lab.log("gateway.log", &log);
            let v = verdict(lab);
            let mut candidates: Vec<Category> = v.candidates.iter().map(|c| c.category).collect();
            candidates.sort();
            (v.phase, v.category, candidates)
        };
        let offer = "1:IKE:ENCR=AES_CBC_256;INTEG=HMAC_SHA2_256_128;PRF=HMAC_SHA2_256;DH=MODP2048";
        assert_eq!(
            refusal("AES_CBC_256-HMAC_SHA2_256-HMAC_SHA2_256_128-ECP_384", offer),
            (Some(INIT), Some(Category::ProposalDh), vec![])
        );
        assert_eq!(
            refusal("AES_CBC_256-HMAC_SHA2_256-HMAC_SHA2_256_128-DH20", offer),
            (Some(INIT), Some(Category::ProposalDh), vec![])
        );
        assert_eq!(
            refusal("AES_CBC_128-HMAC_SHA1-HMAC_SHA1_96-MODP2048", offer),
            (Some(INIT), Some(Category::ProposalIke), vec![])
        );
        // AEAD: no INTEG on either side.
        assert_eq!(
            refusal(
                "AES_GCM_C_256-HMAC_SHA2_256-ECP_256",
                "1:IKE:ENCR=AES_GCM_C_256;PRF=HMAC_SHA2_256;DH=MODP2048"
            ),
            (Some(INIT), Some(Category::ProposalDh), vec![])
        );
        assert_eq!(
            refusal("", offer),
            (
                Some(INIT),
                None,
                vec![Category::ProposalIke, Category::ProposalDh]
            )
        );
    }

    fn verdict(lab: Lab) -> crate::model::Verdict {
        diagnose(&lab.finish()).verdict
    }

    /// A client's capture of IKE_SA_INIT sent three times and never answered.
    fn unanswered_client() -> (Lab, ike_timeline::SourceId) {
        let mut lab = Lab::new();
        let c = lab.capture("client.pcap");
        for t in [0, 1000, 2400] {
            lab.send(
                c,
                t,
                Ike::new(1, 0, ExchangeType::IKE_SA_INIT, 0, I)
                    .with(sa(14))
                    .with(nonce()),
            );
        }
        (lab, c)
    }

    #[test]
    fn unanswered_requests_leave_path_and_port_open() {
        let (lab, _) = unanswered_client();
        let v = verdict(lab);
        assert_eq!(
            (v.outcome, v.phase, v.category),
            (Outcome::Failed, Some(INIT), None)
        );
        let cats: Vec<_> = v.candidates.iter().map(|c| c.category).collect();
        assert_eq!(cats, vec![Category::UdpBlocked, Category::Implementation]);
    }

    #[test]
    fn a_capture_cut_right_after_the_request_decides_nothing() {
        let mut lab = Lab::new();
        let c = lab.capture("cut.pcap");
        lab.send(
            c,
            0,
            Ike::new(1, 0, ExchangeType::IKE_SA_INIT, 0, I)
                .with(sa(14))
                .with(nonce()),
        );
        let v = verdict(lab);
        assert_eq!(v.outcome, Outcome::Inconclusive);
        assert!(v.summary.contains("too soon"), "{}", v.summary);
    }

    #[test]
    fn requests_missing_from_the_other_capture_are_lost_on_the_way() {
        let mut lab = Lab::new();
        let c = lab.capture("client.pcap");
        let g = lab.capture("gateway.pcap");
        for t in [0, 1000, 2400] {
            lab.send(
                c,
                t,
                Ike::new(1, 0, ExchangeType::IKE_SA_INIT, 0, I)
                    .with(sa(14))
                    .with(nonce()),
            );
        }
        lab.until(g, 5000);
        let v = verdict(lab);
        assert_eq!(v.category, Some(Category::UdpBlocked));
    }

    #[test]
    fn icmp_port_unreachable_names_the_port() {
        let mut lab = Lab::new();
        let c = lab.capture("client.pcap");
        lab.send(
            c,
            0,
            Ike::new(1, 0, ExchangeType::IKE_SA_INIT, 0, I)
                .with(sa(14))
                .with(nonce()),
        );
        lab.icmp(
            c,
            1,
            "198.51.100.1",
            IcmpKind::PortUnreachable,
            17,
            "192.0.2.10",
            "198.51.100.1",
            Some((500, 500)),
            300,
        );
        lab.until(c, 3000);
        let v = verdict(lab);
        assert_eq!(v.category, Some(Category::UdpBlocked));
        assert!(v.summary.contains("nothing listens"));
    }

    #[test]
    fn retransmits_after_the_answer_mean_the_return_path() {
        let mut lab = Lab::new();
        let c = lab.capture("gateway.pcap");
        init_exchange(&mut lab, c, 0, 1);
        lab.send(
            c,
            1000,
            Ike::new(1, 0, ExchangeType::IKE_SA_INIT, 0, I)
                .with(sa(14))
                .with(nonce()),
        );
        let v = verdict(lab);
        assert_eq!(
            (v.phase, v.category),
            (Some(INIT), Some(Category::UdpBlocked))
        );
    }

    #[test]
    fn no_proposal_chosen_is_open_between_three_causes() {
        let mut lab = Lab::new();
        let c = lab.capture("client.pcap");
        lab.send(
            c,
            0,
            Ike::new(1, 0, ExchangeType::IKE_SA_INIT, 0, I)
                .with(sa(14))
                .with(nonce()),
        );
        lab.send(
            c,
            2,
            Ike::new(1, 0, ExchangeType::IKE_SA_INIT, 0, R)
                .with(notify(NotifyType::NO_PROPOSAL_CHOSEN, &[])),
        );
        let v = verdict(lab);
        assert_eq!((v.phase, v.category), (Some(INIT), None));
        assert_eq!(v.candidates.len(), 3);
    }

    #[test]
    fn the_responders_log_decides_a_dh_group_mismatch() {
        let mut lab = Lab::new();
        let c = lab.capture("client.pcap");
        lab.send(
            c,
            0,
            Ike::new(1, 0, ExchangeType::IKE_SA_INIT, 0, I)
                .with(sa(14))
                .with(nonce()),
        );
        lab.send(
            c,
            2,
            Ike::new(1, 0, ExchangeType::IKE_SA_INIT, 0, R)
                .with(notify(NotifyType::NO_PROPOSAL_CHOSEN, &[])),
        );
        lab.log("gateway.log", "\
Nov 26 23:21:16.100 00[DMN] Starting IKE charon daemon (strongSwan 5.9.8, Linux, x86_64)
Nov 26 23:21:16.665 10[NET] <1> received packet: from 192.0.2.10[500] to 198.51.100.1[500] (464 bytes)
Nov 26 23:21:16.665 10[IKE] <1> 192.0.2.10 is initiating an IKE_SA
Nov 26 23:21:16.666 10[CFG] <1> received proposals: IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048
Nov 26 23:21:16.666 10[CFG] <1> configured proposals: IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256
Nov 26 23:21:16.666 10[CFG] <1>   no acceptable DIFFIE_HELLMAN_GROUP found
Nov 26 23:21:16.666 10[IKE] <1> received proposals unacceptable
");
        let d = diagnose(&lab.finish());
        assert_eq!(
            (d.verdict.phase, d.verdict.category),
            (Some(INIT), Some(Category::ProposalDh))
        );
        // The fix is the line to set, in the responder's syntax.
        let lines: Vec<String> = d.findings[0]
            .fix
            .iter()
            .filter_map(|f| f.change.as_ref())
            .map(|c| c.line.clone())
            .collect();
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("proposals = ") && l.contains("modp2048")),
            "{lines:?}"
        );
    }

    #[test]
    fn a_running_silent_responder_means_the_path() {
        let mut lab = Lab::new();
        lab.log("client.log", "\
Nov 26 23:21:16.100 00[DMN] Starting IKE charon daemon (strongSwan 5.9.8, Linux, x86_64)
Nov 26 23:21:16.665 09[IKE] <home|1> initiating IKE_SA home[1] to 198.51.100.1
Nov 26 23:21:16.666 09[NET] <home|1> sending packet: from 192.0.2.10[500] to 198.51.100.1[500] (464 bytes)
Nov 26 23:21:17.666 11[IKE] <home|1> retransmit 1 of request with message ID 0
Nov 26 23:21:19.066 11[IKE] <home|1> retransmit 2 of request with message ID 0
Nov 26 23:21:22.066 11[IKE] <home|1> giving up after 2 retransmits
");
        lab.log(
            "gateway.log",
            "\
Nov 26 23:21:15.100 00[DMN] Starting IKE charon daemon (strongSwan 5.9.8, Linux, x86_64)
",
        );
        let v = verdict(lab);
        assert_eq!(
            (v.phase, v.category),
            (Some(INIT), Some(Category::UdpBlocked))
        );
    }

    #[test]
    fn a_responder_log_with_its_refusal_outranks_the_initiators_timeout() {
        // A Libreswan initiator ignores the unauthenticated NO_PROPOSAL_CHOSEN and times out;
        // the strongSwan responder says why.
        let mut lab = Lab::new();
        lab.log("client.log", "\
Nov 26 23:21:16.600 \"home\" #1: initiating IKEv2 connection
Nov 26 23:21:16.601 \"home\" #1: sent IKE_SA_INIT request to 198.51.100.1:500
Nov 26 23:21:16.700 \"home\" #1: received unauthenticated v2N_NO_PROPOSAL_CHOSEN - ignored
Nov 26 23:21:17.601 \"home\" #1: STATE_V2_PARENT_I1: retransmission; will wait 1 seconds for response
Nov 26 23:21:26.601 \"home\" #1: STATE_V2_PARENT_I1: 10 second timeout exceeded after 5 retransmits.  No response (or no acceptable response) to our first IKEv2 message
");
        lab.log("gateway.log", "\
Nov 26 23:21:16.100 00[DMN] Starting IKE charon daemon (strongSwan 5.9.8, Linux, x86_64)
Nov 26 23:21:16.665 10[NET] <1> received packet: from 192.0.2.10[500] to 198.51.100.1[500] (464 bytes)
Nov 26 23:21:16.665 10[IKE] <1> 192.0.2.10 is initiating an IKE_SA
Nov 26 23:21:16.666 10[IKE] <1> received proposals unacceptable
");
        let d = diagnose(&lab.finish());
        assert_eq!(
            (d.verdict.phase, d.verdict.category),
            (Some(INIT), Some(Category::ProposalIke)),
            "{:?}",
            d.verdict
        );
        let all = format!("{:?}", d.findings);
        assert!(!all.contains("logs no packet"), "{all}");
    }

    #[test]
    fn a_port_held_by_another_program_is_the_implementation() {
        let (mut lab, _) = unanswered_client();
        lab.log(
            "gateway.log",
            "\
Nov 26 23:21:16.100 00[DMN] Starting IKE charon daemon (strongSwan 5.9.8, Linux, x86_64)
Nov 26 23:21:16.101 00[NET] unable to bind socket: Address already in use
",
        );
        let v = verdict(lab);
        assert_eq!(v.category, Some(Category::Implementation));
    }

    /// charon's last words at a failed start name no SA: they stay the daemon's, beside the
    /// client's unanswered requests, and the missing kernel interface is the cause.
    #[test]
    fn a_daemon_that_aborted_its_start_is_the_implementation() {
        let (mut lab, _) = unanswered_client();
        lab.log(
            "gateway.log",
            "\
Nov 26 23:21:16.100 00[DMN] Starting IKE charon daemon (strongSwan 5.9.8, Linux, x86_64)
Nov 26 23:21:16.101 00[LIB] feature CUSTOM:libcharon in critical plugin 'charon' has unmet dependency: CUSTOM:kernel-ipsec
Nov 26 23:21:16.102 00[DMN] initialization failed - aborting charon
",
        );
        let d = diagnose(&lab.finish());
        // One SA, the captured one: the log's lines did not make one of their own.
        assert_eq!(d.sessions.len(), 1);
        assert_eq!(d.sessions[0].category, Some(Category::Implementation));
    }

    /// An abort for a reason no line decides leaves the start's causes open; it is not a path
    /// that drops the requests.
    #[test]
    fn a_daemon_that_aborted_for_another_reason_is_not_the_path() {
        let (mut lab, _) = unanswered_client();
        lab.log(
            "gateway.log",
            "\
Nov 26 23:21:16.100 00[DMN] Starting IKE charon daemon (strongSwan 5.9.8, Linux, x86_64)
Nov 26 23:21:16.101 00[LIB] feature CUSTOM:libcharon in critical plugin 'charon' has unmet dependency: CUSTOM:kernel-net
Nov 26 23:21:16.102 00[DMN] initialization failed - aborting charon
",
        );
        let d = diagnose(&lab.finish());
        assert_eq!(d.sessions.len(), 1);
        let v = &d.sessions[0];
        assert_eq!(v.category, None, "{v:?}");
        let cats: Vec<_> = v.candidates.iter().map(|c| c.category).collect();
        assert_eq!(cats, vec![Category::Implementation, Category::ConfigOther]);
    }

    /// pluto refused at load the connection the client asks for, and says why.
    #[test]
    fn a_connection_refused_at_load_names_its_reason() {
        let (mut lab, _) = unanswered_client();
        lab.log(
            "gateway.log",
            "Nov 26 23:21:16 gw pluto[812]: \"rw\": failed to add connection: ESP DH algorithm 'modp1024' is not supported\n",
        );
        let d = diagnose(&lab.finish());
        assert_eq!(d.sessions.len(), 1);
        assert_eq!(d.sessions[0].category, Some(Category::ProposalDh));
    }

    #[test]
    fn an_ikev1_answer_is_a_version_mismatch() {
        let (mut lab, c) = unanswered_client();
        // An IKEv1 datagram from the gateway to the client (major version 1).
        let mut bytes = vec![0u8; 28];
        bytes[0..8].copy_from_slice(&9u64.to_be_bytes());
        bytes[17] = 0x10;
        bytes[18] = 2;
        bytes[24..28].copy_from_slice(&28u32.to_be_bytes());
        lab.builder.push_net_event(
            c,
            ike_capture::NetEvent::Ike(ike_capture::IkeDatagram {
                frame: 99,
                ts: ike_capture::Timestamp(3_000_000_000),
                src: GATEWAY.parse().unwrap(),
                dst: CLIENT.parse().unwrap(),
                non_esp_marker: false,
                ip_fragments: Vec::new(),
                ip_len: 56,
                payload: bytes,
            }),
        );
        let v = verdict(lab);
        assert_eq!(v.category, Some(Category::ConfigOther));
    }
}
