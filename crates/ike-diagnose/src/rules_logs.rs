//! Rules over daemon and client log lines. Lines are grouped per log and per SA (charon's unique
//! IKE_SA id, pluto's state serial), then read in order: a line that names the cause decides it
//! (with the lines around it when one line alone misleads), lines that only say something failed
//! place the failure, and what the logs say about the same failure from both ends is merged.
//!
//! Combination rules, each because one line alone misleads:
//! - the initiator's AUTHENTICATION_FAILED says nothing about the cause: the responder's line
//!   ('MAC mismatched', 'no trusted public key', 'no matching peer config', EAP) decides;
//! - 'no IKE config found' is sent to the initiator as NO_PROPOSAL_CHOSEN: configuration, not
//!   proposals; 'received proposals unacceptable' with only the DH group unacceptable is a DH
//!   group mismatch; a refused CHILD_SA rekey that carried KE is a PFS mismatch;
//! - 'no trusted public key' is split into untrusted chain, expired, not yet valid (the clock)
//!   and identity not in the certificate, from the lines before it and the log's time;
//! - a netlink errno while installing the SA names the missing kernel feature;
//! - retransmits of message ID 1 after the IKE_SA_INIT exchange point to fragmentation when the
//!   request is larger than a 1500-byte path allows, otherwise (after the NAT-T move) to UDP 4500.
use std::collections::BTreeMap;

use ike_logs::knowledge::{self, Role};
use ike_timeline::{Event, EventKind, LogEvent, SourceId, Timeline};

use crate::model::{Category, Confidence, EvidenceRef, FailurePhase, Finding, Outcome, Verdict};

/// An IKE message larger than this does not fit a 1500-byte path in one IP packet (IPv4 and UDP
/// headers plus the non-ESP marker on UDP 4500).
const MAX_UNFRAGMENTED_IKE: u32 = 1500 - 20 - 8 - 4;

/// One log line: its timeline event and what the line says.
type LogLine<'t> = (&'t Event, &'t LogEvent);

/// Log lines of one SA (or, for lines that name none, of the whole log), in log order.
struct Group<'t> {
    source: SourceId,
    lines: Vec<LogLine<'t>>,
}

impl<'t> Group<'t> {
    fn has(&self, tag: &str) -> bool {
        self.lines.iter().any(|(_, l)| l.tag() == tag)
    }
    fn first(&self, tag: &str) -> Option<(&'t Event, &'t LogEvent)> {
        self.lines.iter().find(|(_, l)| l.tag() == tag).copied()
    }
    /// Lines before position `i` (closest first).
    fn before(&self, i: usize) -> impl Iterator<Item = &(&'t Event, &'t LogEvent)> {
        self.lines[..i.min(self.lines.len())].iter().rev()
    }
    fn nat_detected(&self) -> bool {
        self.lines.iter().any(|(_, l)| {
            matches!(
                l.tag(),
                "charon.nat-local" | "charon.nat-remote" | "charon.nat-faked"
            )
        })
    }
    fn ike_established(&self) -> bool {
        self.lines.iter().any(|(_, l)| {
            matches!(
                l.tag(),
                "charon.ike-established" | "pluto.ike-established" | "cisco.ike-established"
            )
        })
    }
    fn child_established(&self) -> bool {
        self.lines.iter().any(|(_, l)| {
            matches!(
                l.tag(),
                "charon.child-established" | "pluto.child-established"
            )
        })
    }
}

fn groups(timeline: &Timeline) -> Vec<Group<'_>> {
    let mut by_key: BTreeMap<(SourceId, Option<u32>), Vec<LogLine<'_>>> = BTreeMap::new();
    for event in &timeline.events {
        if let EventKind::Log(l) = &event.kind {
            by_key
                .entry((event.source, l.sa_ref))
                .or_default()
                .push((event, l));
        }
    }
    by_key
        .into_iter()
        .map(|((source, _), mut lines)| {
            // Log order, whatever the times say.
            lines.sort_by_key(|(e, _)| e.at);
            Group { source, lines }
        })
        .collect()
}

pub fn category_from(name: &str) -> Option<Category> {
    Some(match name {
        "udp-blocked" => Category::UdpBlocked,
        "nat" => Category::Nat,
        "auth-cert" => Category::AuthCert,
        "auth-psk" => Category::AuthPsk,
        "auth-id" => Category::AuthId,
        "auth-eap" => Category::AuthEap,
        "proposal-ike" => Category::ProposalIke,
        "proposal-dh" => Category::ProposalDh,
        "proposal-esp" => Category::ProposalEsp,
        "traffic-selectors" => Category::TrafficSelectors,
        "clock" => Category::Clock,
        "mtu-fragmentation" => Category::MtuFragmentation,
        "implementation" => Category::Implementation,
        "config-other" => Category::ConfigOther,
        _ => return None,
    })
}

fn phase_from(p: knowledge::Phase) -> FailurePhase {
    match p {
        knowledge::Phase::IkeSaInit => FailurePhase::IkeSaInit,
        knowledge::Phase::IkeAuth => FailurePhase::IkeAuth,
        knowledge::Phase::ChildSa => FailurePhase::ChildSa,
        knowledge::Phase::Established => FailurePhase::Established,
    }
}

fn ev(event: &Event, log: &LogEvent, note: impl Into<String>) -> EvidenceRef {
    let _ = log;
    EvidenceRef {
        source: event.source,
        at: Some(event.at),
        note: note.into(),
    }
}

fn line_ev(event: &Event, log: &LogEvent) -> EvidenceRef {
    ev(event, log, log.entry.meaning)
}

struct Draft {
    rule: &'static str,
    phase: FailurePhase,
    category: Option<Category>,
    confidence: Confidence,
    title: String,
    evidence: Vec<EvidenceRef>,
    fix: Vec<String>,
}

impl Draft {
    fn finish(self) -> Finding {
        Finding {
            rule: self.rule,
            phase: self.phase,
            category: self.category,
            confidence: self.confidence,
            title: self.title,
            evidence: self.evidence,
            fix: self.fix,
            attempts: 1,
        }
    }
}

fn checks(log: &LogEvent) -> Vec<String> {
    log.entry.checks.iter().map(|s| (*s).to_owned()).collect()
}

/// Dates of a "certificate invalid (valid from X to Y)" line.
fn validity(text: &str) -> Option<(i64, i64)> {
    let from_at = text.find("valid from ")? + "valid from ".len();
    let rest = text.get(from_at..)?;
    let (from, _) = ike_logs::time::parse_prefix(rest.as_bytes())?;
    let to_at = rest.find(" to ")? + 4;
    let (to, _) = ike_logs::time::parse_prefix(rest.get(to_at..)?.as_bytes())?;
    let from = ike_logs::time::resolve(&from, None, 0).0;
    let to = ike_logs::time::resolve(&to, None, 0).0;
    Some((from, to))
}

/// The finding a line that names the cause leads to, refined by the lines before it.
fn cause_finding(group: &Group<'_>, i: usize) -> Option<Draft> {
    let (event, log) = *group.lines.get(i)?;
    let entry = log.entry;
    let mut category = entry.category.and_then(category_from);
    let mut phase = entry.phase.map(phase_from).unwrap_or(FailurePhase::IkeAuth);
    let mut title = format!("{} log: {}", entry.implementation.as_str(), entry.meaning);
    let mut evidence = vec![line_ev(event, log)];
    let mut fix = checks(log);
    match entry.tag {
        "charon.no-trusted-key" => {
            let chain = group
                .before(i)
                .take(12)
                .find(|(_, l)| l.tag() == "charon.no-issuer");
            let dates = group
                .before(i)
                .take(12)
                .find(|(_, l)| l.tag() == "charon.cert-dates");
            if let Some((e, l)) = chain {
                category = Some(Category::AuthCert);
                title = "certificate not trusted: no issuer certificate (CA or intermediate) for the peer's certificate".into();
                evidence.insert(0, line_ev(e, l));
                fix = vec!["install the issuing CA as trusted on this side, or have the peer send its intermediate certificates".into()];
            } else if let Some((e, l)) = dates {
                evidence.insert(0, line_ev(e, l));
                match (validity(&l.text), l.time_known) {
                    (Some((from, _)), true) if e.time.0 < from => {
                        category = Some(Category::Clock);
                        title = "certificate not yet valid at this host's time: the clock is wrong (or the certificate was issued for the future)".into();
                        fix = vec![
                            "set the clock right (NTP) on the host that logged this".into(),
                            "compare the certificate's notBefore with the real time".into(),
                        ];
                    }
                    (Some((_, to)), true) if e.time.0 > to => {
                        category = Some(Category::AuthCert);
                        title = "certificate expired".into();
                        fix = vec!["renew the certificate (check the host's clock too)".into()];
                    }
                    _ => {
                        category = Some(Category::AuthCert);
                        title = "certificate outside its validity period".into();
                    }
                }
            } else {
                category = Some(Category::AuthId);
                title = "no certificate holds the peer's identity: the identity is not in the certificate's subject or subjectAltName (the chain itself was never the problem)".into();
                fix = vec![
                    "make the configured remote identity match a subjectAltName of the peer's certificate".into(),
                    "or reissue the certificate with that name".into(),
                ];
            }
        }
        "charon.proposals-unacceptable" => {
            let rejected: Vec<&str> = group
                .before(i)
                .take(10)
                .filter(|(_, l)| {
                    matches!(
                        l.tag(),
                        "charon.transform-unacceptable" | "charon.ke-unacceptable"
                    )
                })
                .map(|(_, l)| l.tag())
                .collect();
            if !rejected.is_empty() && rejected.iter().all(|t| *t == "charon.ke-unacceptable") {
                category = Some(Category::ProposalDh);
                title = "no common Diffie-Hellman group: every other algorithm matches, the key exchange method does not".into();
            } else {
                title = "no common IKE proposal (encryption, integrity or PRF)".into();
            }
            for (e, l) in group.before(i).take(10) {
                if matches!(
                    l.tag(),
                    "charon.transform-unacceptable" | "charon.ke-unacceptable"
                ) {
                    evidence.push(line_ev(e, l));
                }
            }
        }
        "charon.child-no-proposal"
        | "charon.child-no-proposal-received"
        | "pluto.no-proposal-child" => {
            let rekey_with_ke = group
                .before(i)
                .take(12)
                .any(|(_, l)| l.exchange == Some("CREATE_CHILD_SA") && l.text.contains(" KE "));
            let ke_refused = group
                .before(i)
                .take(6)
                .any(|(_, l)| l.tag() == "charon.ke-unacceptable");
            if rekey_with_ke || ke_refused {
                category = Some(Category::ProposalDh);
                title = "CHILD_SA rekey refused: the PFS Diffie-Hellman group is configured on one side only".into();
                fix = vec![
                    "configure the same DH group (or none) in the ESP proposals of both sides"
                        .into(),
                ];
            } else {
                title = "no common CHILD_SA (ESP) proposal; the IKE SA itself is fine".into();
                fix = vec!["compare the ESP proposals of both sides".into()];
            }
            phase = FailurePhase::ChildSa;
        }
        "charon.sad-failed"
        | "charon.sad-install-failed"
        | "pluto.netlink-add-sa"
        | "charon.spd-install-failed" => {
            let errno = log.number.or_else(|| {
                group
                    .before(i)
                    .take(12)
                    .find(|(_, l)| l.tag() == "charon.netlink-error")
                    .and_then(|(_, l)| l.number)
            });
            if let Some((e, l)) = group
                .before(i)
                .take(12)
                .find(|(_, l)| l.tag() == "charon.netlink-error")
            {
                evidence.insert(0, line_ev(e, l));
            }
            title = match errno {
                Some(n) => format!(
                    "the kernel refused to install the IPsec SA (errno {n}): {}",
                    knowledge::errno_meaning(n)
                ),
                None => "the kernel refused to install the IPsec SA".into(),
            };
            fix = vec![
                "load or build the missing kernel support (modprobe esp4 esp6 xfrm_user; the AEAD/cipher modules)".into(),
                "in containers: use the host kernel's XFRM, or a userspace IPsec backend (kernel-libipsec)".into(),
            ];
        }
        "pluto.xfrm-socket-policy" => {
            title = match log.number {
                Some(n) => format!(
                    "the kernel refuses pluto's IKE socket policy (errno {n}): {}; pluto answers nothing",
                    knowledge::errno_meaning(n)
                ),
                None => "the kernel refuses pluto's IKE socket policy; pluto answers nothing".into(),
            };
        }
        "charon.no-ike-config" => {
            title = "no connection matches the addresses (sent to the initiator as NO_PROPOSAL_CHOSEN, which is not a proposal mismatch)".into();
        }
        "pluto.no-proposal-sent" => {
            if group.has("pluto.no-connection") {
                category = Some(Category::ConfigOther);
                title = "no IKEv2 connection matches this peer (pluto answers NO_PROPOSAL_CHOSEN)"
                    .into();
            } else {
                title = "no common IKE proposal (pluto answered NO_PROPOSAL_CHOSEN)".into();
            }
        }
        _ => {}
    }
    Some(Draft {
        rule: "log-cause",
        phase,
        category,
        confidence: Confidence::High,
        title,
        evidence,
        fix,
    })
}

/// What a group that names no cause shows: where the negotiation stopped.
fn symptom_finding(group: &Group<'_>) -> Option<Draft> {
    let last_symptom = group
        .lines
        .iter()
        .rposition(|(_, l)| l.entry.role == Role::Symptom)?;
    let (mut event, mut log) = group.lines[last_symptom];
    // A responder that keeps answering retransmits: its half-open timeout that follows is a
    // consequence, not the story.
    if let Some((e, l)) = group.lines.iter().find(|(_, l)| {
        matches!(
            l.tag(),
            "charon.responder-retransmit" | "pluto.duplicate-init"
        )
    }) {
        (event, log) = (*e, *l);
    }
    let evidence = vec![line_ev(event, log)];
    let medium = |rule, phase, category, title: String, evidence, fix| Draft {
        rule,
        phase,
        category,
        confidence: Confidence::Medium,
        title,
        evidence,
        fix,
    };
    // Retransmitted requests: which one, how big, on which port.
    let retransmits: Vec<&(&Event, &LogEvent)> = group
        .lines
        .iter()
        .filter(|(_, l)| {
            matches!(
                l.tag(),
                "charon.retransmit" | "pluto.retransmit" | "pluto.timeout"
            )
        })
        .collect();
    if let Some((re, rl)) = retransmits.last().copied() {
        let mut evidence = vec![line_ev(re, rl)];
        if let Some((e, l)) = group.lines.iter().rev().find(|(_, l)| {
            matches!(
                l.tag(),
                "charon.give-up" | "charon.peer-not-responding" | "pluto.timeout"
            )
        }) {
            if l.text != rl.text {
                evidence.push(line_ev(e, l));
            }
        }
        let established = group.ike_established()
            && group.lines.iter().position(|(_, l)| {
                matches!(l.tag(), "charon.ike-established" | "pluto.ike-established")
            }) < group.lines.iter().position(|(_, l)| std::ptr::eq(*l, *rl));
        let exchange = rl.exchange.or(match rl.message_id {
            Some(0) => Some("IKE_SA_INIT"),
            Some(1) => Some("IKE_AUTH"),
            _ => None,
        });
        if established {
            let nat = group.nat_detected();
            return Some(medium(
                "log-established-unanswered",
                FailurePhase::Established,
                nat.then_some(Category::Nat),
                if nat {
                    "the established SA's requests go unanswered and it is deleted; the peer is behind NAT, so its NAT mapping most likely expired (keepalives or DPD too rare)".into()
                } else {
                    "the established SA's requests go unanswered (peer gone, path broken, or NAT mapping lost)".into()
                },
                evidence,
                vec![
                    "send NAT-T keepalives and DPD more often than the NAT's UDP timeout".into(),
                    "check that the peer is still reachable".into(),
                ],
            ));
        }
        match exchange {
            Some("IKE_SA_INIT") => {
                return Some(medium(
                    "log-init-unanswered",
                    FailurePhase::IkeSaInit,
                    None,
                    "IKE_SA_INIT is never answered: UDP 500 blocked on the way, the responder down or its IKE port held by another program".into(),
                    evidence,
                    vec![
                        "capture on the responder: do the requests arrive, and is anything answered?".into(),
                        "check the responder's daemon is running and bound to UDP 500 (ss -lunp)".into(),
                        "check firewalls for UDP 500 and 4500 in both directions".into(),
                    ],
                ));
            }
            Some("IKE_AUTH") => {
                // Size of the IKE_AUTH request as sent (the packet line after it).
                let sent_sizes: Vec<(u32, u16)> = group
                    .lines
                    .iter()
                    .filter(|(_, l)| l.tag() == "charon.packet-sent")
                    .filter_map(|(_, l)| Some((l.bytes?, l.dst?.port())))
                    .collect();
                let largest = sent_sizes.iter().map(|(b, _)| *b).max();
                let on_4500 = sent_sizes.iter().any(|(_, p)| *p == 4500) || group.nat_detected();
                if let Some(size) = largest.filter(|s| *s > MAX_UNFRAGMENTED_IKE) {
                    if let Some((e, l)) = group
                        .lines
                        .iter()
                        .find(|(_, l)| l.tag() == "charon.packet-sent" && l.bytes == Some(size))
                    {
                        evidence.push(ev(e, l, format!("the IKE_AUTH request is {size} bytes: IP-fragmented on a 1500-byte path")));
                    }
                    return Some(medium(
                        "log-auth-unanswered",
                        FailurePhase::IkeAuth,
                        Some(Category::MtuFragmentation),
                        format!("IKE_AUTH ({size} bytes) is never answered: its IP fragments are dropped on the way"),
                        evidence,
                        vec![
                            "enable IKEv2 fragmentation (RFC 7383) on both ends (fragmentation = yes)".into(),
                            "or let the fragments through the firewall/router".into(),
                            "send fewer or smaller certificates".into(),
                        ],
                    ));
                }
                let category = (largest.is_some() && on_4500).then_some(Category::Nat);
                return Some(medium(
                    "log-auth-unanswered",
                    FailurePhase::IkeAuth,
                    category,
                    if category.is_some() {
                        "IKE_AUTH is never answered after the move to UDP 4500, and it is small enough not to be fragmented: UDP 4500 is blocked".into()
                    } else {
                        "IKE_AUTH is never answered after IKE_SA_INIT succeeded: UDP 4500 blocked, or IKE_AUTH fragmented and its fragments dropped".into()
                    },
                    evidence,
                    vec![
                        "open UDP 4500 towards the responder".into(),
                        "enable IKEv2 fragmentation when certificates make IKE_AUTH large".into(),
                    ],
                ));
            }
            _ => {}
        }
    }
    let tag = log.tag();
    let (phase, category, confidence, title, fix): (FailurePhase, Option<Category>, Confidence, String, Vec<String>) = match tag {
        "windows.error-code" => {
            let code = log.number.and_then(|n| u32::try_from(n).ok())?;
            let known = knowledge::windows_code(code);
            let category = known.and_then(|k| k.category).and_then(category_from);
            (
                known.map(|k| phase_from(k.phase)).unwrap_or(FailurePhase::IkeAuth),
                category,
                if category.is_some() { Confidence::High } else { Confidence::Medium },
                match known {
                    Some(k) => format!("Windows error {code} ({}): {}", k.name, k.meaning),
                    None => format!("Windows VPN error {code}"),
                },
                known.map(|k| k.checks.iter().map(|s| (*s).to_owned()).collect()).unwrap_or_default(),
            )
        }
        "charon.responder-retransmit" | "pluto.duplicate-init" => {
            let init = log.message_id.unwrap_or(0) == 0 || tag == "pluto.duplicate-init";
            (
                if init { FailurePhase::IkeSaInit } else { FailurePhase::IkeAuth },
                init.then_some(Category::UdpBlocked),
                Confidence::High,
                "the responder answers every retransmitted request, but the initiator never gets the answers: the return path drops them".into(),
                vec!["check firewalls and NAT on the way back from the responder (UDP 500/4500 towards the initiator)".into()],
            )
        }
        "charon.half-open-timeout" => (
            FailurePhase::IkeAuth,
            None,
            Confidence::Medium,
            "the responder answered IKE_SA_INIT but IKE_AUTH never arrived: UDP 4500 blocked, or IKE_AUTH fragments dropped".into(),
            checks(log),
        ),
        "charon.auth-failed-received" | "pluto.auth-rejected" | "apple.auth-failed" | "fortigate.auth-failed" => (
            FailurePhase::IkeAuth,
            None,
            Confidence::Medium,
            "the peer refused the authentication (AUTHENTICATION_FAILED); only the peer's log says why".into(),
            vec![
                "read the responder's log at the same time: 'MAC mismatched' (PSK), 'no trusted ... public key' (certificate or identity), 'no matching peer config' (identity), EAP lines".into(),
            ],
        ),
        "charon.no-proposal-init" | "pluto.unauth-no-proposal" | "apple.no-proposal" => (
            FailurePhase::IkeSaInit,
            None,
            Confidence::Medium,
            "the responder refused IKE_SA_INIT with NO_PROPOSAL_CHOSEN: no common proposal or DH group, or no connection for these addresses (the responder's log tells)".into(),
            checks(log),
        ),
        "pluto.dropping-notify" => {
            let init = log.text.contains("IKE_SA_INIT");
            (
                if init { FailurePhase::IkeSaInit } else { FailurePhase::ChildSa },
                (!init).then_some(Category::ProposalEsp),
                Confidence::Medium,
                "the peer answered NO_PROPOSAL_CHOSEN".into(),
                Vec::new(),
            )
        }
        "charon.child-failed" | "charon.rekey-failed" => (
            FailurePhase::ChildSa,
            None,
            Confidence::Medium,
            "the IKE SA is up but the CHILD_SA could not be created".into(),
            vec!["read the peer's log for the reason (proposals, traffic selectors, virtual IP)".into()],
        ),
        "charon.give-up" | "charon.peer-not-responding" => (
            FailurePhase::IkeSaInit,
            None,
            Confidence::Low,
            "the peer stopped answering".into(),
            Vec::new(),
        ),
        _ => {
            let phase = log.entry.phase.map(phase_from)?;
            (phase, log.entry.category.and_then(category_from), Confidence::Medium, log.entry.meaning.to_owned(), checks(log))
        }
    };
    Some(Draft {
        rule: "log-symptom",
        phase,
        category,
        confidence,
        title,
        evidence,
        fix,
    })
}

/// What a group shows when no line says anything failed, but the negotiation visibly stopped.
fn stalled_finding(group: &Group<'_>) -> Option<Draft> {
    // The peer (initiator) refused this responder's authentication after IKE_AUTH: it sends
    // AUTHENTICATION_FAILED in an INFORMATIONAL request.
    if let Some((e, l)) = group.lines.iter().find(|(_, l)| {
        l.tag() == "charon.parsed"
            && l.response == Some(false)
            && l.exchange == Some("INFORMATIONAL")
            && l.text.contains("N(AUTH_FAILED)")
    }) {
        return Some(Draft {
            rule: "log-peer-refused-our-auth",
            phase: FailurePhase::IkeAuth,
            category: None,
            confidence: Confidence::Medium,
            title: "the peer refused this side's authentication (AUTHENTICATION_FAILED after IKE_AUTH): it does not accept our certificate or identity, or its clock is wrong".into(),
            evidence: vec![line_ev(e, l)],
            fix: vec![
                "read the peer's log: 'no issuer certificate' (trust), 'certificate invalid' (dates or clock), 'no trusted public key' alone (identity not in the certificate)".into(),
            ],
        });
    }
    // The peer deleted the CHILD_SA right after it was established: it could not install it.
    if let (Some(est), Some(del)) = (
        group.first("charon.child-established"),
        group.first("charon.child-deleted-by-peer"),
    ) {
        if del.0.at > est.0.at && del.0.time.0 - est.0.time.0 < 2_000_000_000 {
            return Some(Draft {
                rule: "log-child-deleted-at-once",
                phase: FailurePhase::ChildSa,
                category: None,
                confidence: Confidence::Low,
                title: "the peer deleted the CHILD_SA as soon as it was established: it could not use it (kernel support, policy)".into(),
                evidence: vec![line_ev(est.0, est.1), line_ev(del.0, del.1)],
                fix: vec!["read the peer's log around the same time".into()],
            });
        }
    }
    // A Libreswan responder that authenticated the peer but built no Child SA.
    if let Some((e, l)) = group.first("pluto.ike-established") {
        if !group.child_established() && group.has("pluto.fatal") || l.text.contains("responder") {
            return Some(Draft {
                rule: "log-child-missing",
                phase: FailurePhase::ChildSa,
                category: None,
                confidence: Confidence::Low,
                title: "the IKE SA was authenticated but no Child SA was established".into(),
                evidence: vec![line_ev(e, l)],
                fix: vec!["read the initiator's log for the notify it received (TS_UNACCEPTABLE, NO_PROPOSAL_CHOSEN...)".into()],
            });
        }
    }
    // A charon responder whose IKE_SA_INIT answer was the last word.
    let answered_init = group.lines.iter().position(|(_, l)| {
        l.tag() == "charon.generating"
            && l.exchange == Some("IKE_SA_INIT")
            && l.response == Some(true)
            && l.text.contains("[ SA ")
    })?;
    let later_auth = group.lines[answered_init..].iter().any(|(_, l)| {
        matches!(l.tag(), "charon.parsed" | "charon.packet-received")
            && (l.exchange == Some("IKE_AUTH") || l.src.is_some_and(|s| s.port() == 4500))
    });
    if later_auth || group.ike_established() {
        return None;
    }
    let (e, l) = group.lines[answered_init];
    Some(Draft {
        rule: "log-auth-never-arrives",
        phase: FailurePhase::IkeAuth,
        category: None,
        confidence: Confidence::Low,
        title: "the responder answered IKE_SA_INIT and never saw IKE_AUTH: UDP 4500 blocked, or IKE_AUTH fragments dropped".into(),
        evidence: vec![line_ev(e, l)],
        fix: vec![
            "open UDP 4500 towards the responder".into(),
            "enable IKEv2 fragmentation when certificates make IKE_AUTH large".into(),
        ],
    })
}

/// Runs the log rules over the whole timeline.
pub fn diagnose_logs(timeline: &Timeline) -> Vec<Finding> {
    let mut drafts: Vec<Draft> = Vec::new();
    let all_groups = groups(timeline);
    for group in &all_groups {
        let mut decided = false;
        for (i, (_, l)) in group.lines.iter().enumerate() {
            if l.entry.role != Role::Cause {
                continue;
            }
            if let Some(d) = cause_finding(group, i) {
                // One finding per SA and category: repeated lines add nothing.
                if !drafts.iter().any(|x| {
                    x.rule == d.rule
                        && x.category == d.category
                        && x.evidence.first().map(|e| e.source) == Some(group.source)
                }) {
                    drafts.push(d);
                }
                decided = true;
            }
        }
        if decided {
            continue;
        }
        if let Some(d) = symptom_finding(group).or_else(|| stalled_finding(group)) {
            drafts.push(d);
        }
    }
    // IKE_SA_INIT unanswered on one side, and a daemon running on the other whose log shows no
    // packet at all while the requests were sent: the requests never reach it.
    let silent_daemons: Vec<&Group<'_>> = all_groups
        .iter()
        .filter(|g| {
            (g.has("charon.daemon-start") || g.has("pluto.daemon-start"))
                && !g.lines.iter().any(|(_, l)| {
                    matches!(
                        l.tag(),
                        "charon.packet-received"
                            | "charon.bind-failed"
                            | "pluto.bind-failed"
                            | "charon.socket-failed"
                    )
                })
        })
        .collect();
    for d in drafts
        .iter_mut()
        .filter(|d| d.rule == "log-init-unanswered" && d.category.is_none())
    {
        let Some(first) = d.evidence.first().cloned() else {
            continue;
        };
        let asked_at = timeline
            .events
            .iter()
            .find(|e| e.source == first.source && Some(e.at) == first.at)
            .map(|e| e.time.0);
        let silent = silent_daemons.iter().find(|g| {
            g.source != first.source
                && g.lines
                    .first()
                    .is_some_and(|(e, _)| asked_at.is_some_and(|t| e.time.0 <= t))
        });
        if let Some(g) = silent {
            if let Some((e, l)) = g.lines.first() {
                d.evidence.push(ev(e, l, "the responder's daemon runs and logs no packet at all: the requests never reach it"));
            }
            d.category = Some(Category::UdpBlocked);
            d.confidence = Confidence::High;
            d.title = "IKE_SA_INIT never reaches the responder, whose daemon is running: UDP 500 is blocked on the way".into();
        }
    }
    // The same failure seen from both ends: undecided findings of a phase that another log
    // decides become evidence of the decided one (the initiator's AUTHENTICATION_FAILED next to
    // the responder's 'MAC mismatched').
    let decided: Vec<(FailurePhase, usize)> = drafts
        .iter()
        .enumerate()
        .filter(|(_, d)| d.category.is_some() && d.confidence == Confidence::High)
        .map(|(i, d)| (d.phase, i))
        .collect();
    let mut extra: Vec<(usize, EvidenceRef)> = Vec::new();
    let mut drop = vec![false; drafts.len()];
    for (i, d) in drafts.iter().enumerate() {
        if d.category.is_none() {
            let related = decided.iter().find(|(p, _)| *p == d.phase);
            if let Some((_, target)) = related {
                if let Some(e) = d.evidence.first() {
                    extra.push((*target, e.clone()));
                }
                drop[i] = true;
            }
        }
    }
    for (target, e) in extra {
        if let Some(d) = drafts.get_mut(target) {
            if d.evidence.len() < 8 {
                d.evidence.push(e);
            }
        }
    }
    drafts
        .into_iter()
        .zip(drop)
        .filter(|(_, dropped)| !dropped)
        .map(|(d, _)| d.finish())
        .collect()
}

/// Verdict when there are logs but no captured IKE traffic and no finding: established when a
/// log shows the IKE SA and a CHILD_SA established.
pub fn verdict_from_logs(timeline: &Timeline) -> Option<Verdict> {
    if !timeline.sessions.is_empty() {
        return None;
    }
    let groups = groups(timeline);
    if groups.is_empty() {
        return None;
    }
    let established = groups
        .iter()
        .filter(|g| {
            g.child_established() && (g.ike_established() || g.has("pluto.child-established"))
        })
        .count();
    if established > 0 {
        return Some(Verdict {
            outcome: Outcome::Established,
            phase: None,
            category: None,
            summary: format!(
                "the logs show {established} IKE SA{} with CHILD_SAs established",
                if established == 1 { "" } else { "s" }
            ),
        });
    }
    Some(Verdict {
        outcome: Outcome::Inconclusive,
        phase: None,
        category: None,
        summary: "the logs show IKE activity but no established SA and no recognised cause".into(),
    })
}
