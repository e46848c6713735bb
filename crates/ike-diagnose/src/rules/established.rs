//! ESTABLISHED: the SAs came up and later broke (liveness requests unanswered, a NAT mapping
//! lost while idle, ESP over the path MTU, ESP one way only), or a problem that did not stop them
//! (fragmented ESP, ICMP fragmentation-needed, a tunnel that carried no traffic): those are
//! warnings. `failed` here needs a loss shown.
use ike_capture::IcmpKind;
use ike_contract::{Category, FailurePhase, Knowledge};
use ike_logs::Fact;
use ike_wire::ExchangeType;

use super::{candidate, Rule};
use crate::context::{Msg, SaContext};
use crate::fix;
use crate::model::{Confidence, EvidenceRef, Finding};

pub const RULES: &[&dyn Rule] = &[
    &LivenessLost,
    &EspUnansweredAfterIdle,
    &EspLargeUnanswered,
    &EspOneWay,
    &EspOverPathMtu,
    &LivenessLostInLog,
    &NotIkeOnIkeSocket,
];

/// Something that is not IKE reached the daemon's IKE socket. Major version 1 is an IKEv1 peer
/// at an IKEv2-only daemon; any other number is not IKE at all: on UDP 4500 it is ESP in UDP
/// that the kernel should have taken (its UDP encapsulation socket option is gone, as after a
/// daemon restart while the SAs stay up), so the tunnel's data never reaches it.
pub struct NotIkeOnIkeSocket;

impl Rule for NotIkeOnIkeSocket {
    fn id(&self) -> &'static str {
        "log-not-ike-on-ike-socket"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        let Some(line) = sa.lines(Fact::NotIke).next() else {
            return Vec::new();
        };
        match line.log.number {
            Some(1) => vec![Finding::decided(
                self.id(),
                FailurePhase::IkeSaInit,
                Category::ConfigOther,
                Knowledge::OwnStatement,
                "the peer speaks IKEv1 to a daemon that accepts only IKEv2",
            )
            .evidence([line.cite_meaning()])
            .fix(fix::for_category(Category::ConfigOther, &sa.fix_values()))],
            Some(_) => vec![Finding::decided(
                self.id(),
                EST,
                Category::Implementation,
                Knowledge::OwnStatement,
                "data that is not IKE reaches the IKE socket: ESP in UDP 4500 that the kernel does not decapsulate (its encapsulation socket was lost, e.g. the daemon restarted while the SAs stayed)",
            )
            .evidence([line.cite_meaning()])
            .fix([fix::Fix::text(
                "restart the IKE daemon with the route to the peer in place so that it sets up UDP encapsulation again, and re-establish the SAs",
            )])],
            None => Vec::new(),
        }
    }
}

const EST: FailurePhase = FailurePhase::Established;

/// After establishment, requests (DPD, rekey) go unanswered: the peer or the path vanished. An
/// idle gap before, behind NAT, without keepalives, is the NAT mapping timing out.
pub struct LivenessLost;

impl Rule for LivenessLost {
    fn id(&self) -> &'static str {
        "established-liveness-lost"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        if !sa.established() {
            return Vec::new();
        }
        let Some(last) = sa.msgs.last().copied() else {
            return Vec::new();
        };
        if last.m.response || last.m.exchange == ExchangeType::IKE_AUTH {
            return Vec::new();
        }
        let id = last.m.message_id;
        let from_initiator = last.m.from_initiator;
        let unanswered: Vec<Msg<'_>> = sa
            .msgs
            .iter()
            .filter(|x| {
                !x.m.response && x.m.message_id == id && x.m.from_initiator == from_initiator
            })
            .copied()
            .collect();
        let answered = sa
            .msgs
            .iter()
            .any(|x| x.m.response && x.m.message_id == id && x.m.from_initiator != from_initiator);
        if answered || unanswered.len() < 2 {
            return Vec::new();
        }
        let first = unanswered[0];
        let previous = sa
            .msgs
            .iter()
            .filter(|x| x.time < first.time)
            .map(|x| x.time)
            .max();
        let (a, b) = (
            sa.session.initiator_now().ip(),
            sa.session.responder_now().ip(),
        );
        let last_esp = sa
            .esp
            .iter()
            .filter(|f| (f.src == a || f.src == b) && f.last_ts < first.time)
            .map(|f| f.last_ts)
            .max();
        let quiet_since = previous.max(last_esp);
        let idle = quiet_since.map(|t| (first.time.0 - t.0) as f64 / 1e9);
        let nat_seen = crate::nat::describe(&crate::nat::sightings(sa), sa.timeline());
        let mut evidence = vec![
            first.cite(first.describe()),
            unanswered[unanswered.len() - 1]
                .cite(format!("{} transmissions, none answered", unanswered.len())),
        ];
        if let Some(idle) = idle {
            evidence.push(EvidenceRef {
                source: first.source,
                at: None,
                note: format!(
                    "{idle:.0} s without IKE or ESP between the peers before this request; NAT-T keepalives seen: {}",
                    if sa.keepalives.is_empty() {
                        "none".to_string()
                    } else {
                        sa.keepalives
                            .iter()
                            .map(|k| format!("{} every {:.0} s at most", k.src, k.max_interval_ns as f64 / 1e9))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ),
            });
        }
        if let Some((source, at, i)) = sa.icmp_on(None).first().copied() {
            evidence.push(EvidenceRef {
                source,
                at: Some(at),
                note: format!("ICMP error from {} quoting the peers' traffic", i.from),
            });
        }
        let idle_long = idle.is_some_and(|s| s >= 5.0);
        let mut values = sa.fix_values();
        values.idle_seconds = idle;
        if nat_seen.is_some() && idle_long && sa.keepalives.is_empty() {
            if let Some(note) = nat_seen {
                evidence.push(EvidenceRef {
                    source: first.source,
                    at: None,
                    note,
                });
            }
            return vec![Finding::decided(
                self.id(),
                EST,
                Category::Nat,
                Knowledge::WireShape,
                format!(
                    "after {:.0} s idle behind NAT with no keepalives, the peer stops answering: the NAT mapping expired",
                    idle.unwrap_or(0.0)
                ),
            )
            .evidence(evidence)
            .fix(fix::for_category(Category::Nat, &values))];
        }
        let decided_by = "the other peer's log, or a capture at its end";
        vec![Finding::open(
            self.id(),
            EST,
            Knowledge::WireShape,
            format!(
                "the SA was up, then {} requests (message ID {id}) go unanswered: the peer or the path vanished",
                last.m.exchange
            ),
            vec![
                candidate(EST, Category::Nat, "a NAT or firewall state between the peers timed out", decided_by),
                candidate(EST, Category::UdpBlocked, "the path to the peer broke, or the peer went down", decided_by),
            ],
        )
        .evidence(evidence)
        .fix(fix::for_category(Category::Nat, &values).into_iter().chain(fix::to_decide(&[decided_by])))]
    }
}

/// ESP was answered, then after an idle gap one side's ESP gets no answer any more. With NAT in
/// play and no keepalives, the NAT mapping expired during the gap.
pub struct EspUnansweredAfterIdle;

impl Rule for EspUnansweredAfterIdle {
    fn id(&self) -> &'static str {
        "esp-unanswered-after-idle"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        const MIN_IDLE_NS: i64 = 5_000_000_000;
        if !sa.established() {
            return Vec::new();
        }
        let (a, b) = (
            sa.session.initiator_now().ip(),
            sa.session.responder_now().ip(),
        );
        for sender in [a, b] {
            let Some(last_back) = sa
                .esp
                .iter()
                .filter(|f| f.src != sender)
                .map(|f| f.last_ts)
                .max()
            else {
                continue;
            };
            let Some(flow) = sa.esp_from(sender).find(|f| {
                f.max_gap_ns >= MIN_IDLE_NS && f.last_ts.0 > last_back.0 + MIN_IDLE_NS / 5
            }) else {
                continue;
            };
            let nat = crate::nat::describe(&crate::nat::sightings(sa), sa.timeline());
            let gap = flow.max_gap_ns as f64 / 1e9;
            let mut evidence = vec![
                EvidenceRef {
                    source: flow.source,
                    at: Some(ike_timeline::Locator::Frame(flow.max_gap_end_frame)),
                    note: format!("after {gap:.0} s without ESP, {sender} sends ESP (SPI {:08x}) that is never answered", flow.spi),
                },
                EvidenceRef {
                    source: flow.source,
                    at: None,
                    note: format!(
                        "NAT-T keepalives seen: {}",
                        if sa.keepalives.is_empty() { "none".to_string() } else { sa.keepalives.len().to_string() }
                    ),
                },
            ];
            let nat_case = nat.is_some() && sa.keepalives.is_empty();
            if let Some(n) = nat {
                evidence.push(EvidenceRef {
                    source: flow.source,
                    at: None,
                    note: n,
                });
            }
            let mut values = sa.fix_values();
            values.idle_seconds = Some(gap);
            let title = format!(
                "the tunnel worked, then after {gap:.0} s idle {sender}'s ESP is no longer answered{}",
                if nat_case { ": the NAT mapping expired (no keepalives)" } else { "" }
            );
            let finding = if nat_case {
                Finding::decided(self.id(), EST, Category::Nat, Knowledge::WireShape, title)
            } else {
                let decided_by = "the other peer's log, or a capture at its end";
                Finding::open(
                    self.id(),
                    EST,
                    Knowledge::WireShape,
                    title,
                    vec![
                        candidate(
                            EST,
                            Category::Nat,
                            "a NAT or firewall state timed out during the idle gap",
                            decided_by,
                        ),
                        candidate(
                            EST,
                            Category::DataPlane,
                            "the peer no longer routes or accepts the tunnel's traffic",
                            decided_by,
                        ),
                    ],
                )
            };
            return vec![finding
                .evidence(evidence)
                .fix(fix::for_category(Category::Nat, &values))];
        }
        Vec::new()
    }
}

/// Small ESP packets are answered, larger ones sent after them are not: packets above the path
/// MTU vanish (a PMTUD black hole when no ICMP comes back). With the far side's capture, the
/// large packets' absence there proves it.
pub struct EspLargeUnanswered;

impl Rule for EspLargeUnanswered {
    fn id(&self) -> &'static str {
        "esp-large-unanswered"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        const LARGE: u32 = 1280;
        if !sa.established() {
            return Vec::new();
        }
        for flow in sa.esp.iter().filter(|f| f.max_ip_len > LARGE) {
            let back = || sa.esp.iter().filter(|f| f.src == flow.dst);
            let answered_after = back().any(|f| f.last_ts > flow.max_ip_len_first_ts);
            let answered_before = back().any(|f| f.packets > 0);
            if answered_after || !answered_before || flow.last_ts <= flow.max_ip_len_first_ts {
                continue;
            }
            let elsewhere_small = sa
                .esp
                .iter()
                .any(|f| f.spi == flow.spi && f.source != flow.source && f.max_ip_len <= LARGE);
            let mut evidence = vec![EvidenceRef {
                source: flow.source,
                at: Some(ike_timeline::Locator::Frame(flow.max_ip_len_first_frame)),
                note: format!(
                    "first {} byte ESP packet of SPI {:08x} from {}; no ESP comes back after it",
                    flow.max_ip_len, flow.spi, flow.src
                ),
            }];
            if elsewhere_small {
                evidence.push(EvidenceRef {
                    source: flow.source,
                    at: None,
                    note: "the other capture sees this SPI only with small packets: the large ones never arrive".into(),
                });
            }
            let values = sa.fix_values();
            return vec![Finding::decided(
                self.id(),
                EST,
                Category::MtuFragmentation,
                Knowledge::WireShape,
                format!(
                    "small ESP packets pass but {} byte ones are never answered: ESP exceeds the path MTU (no ICMP comes back)",
                    flow.max_ip_len
                ),
            )
            .confidence(if elsewhere_small { Confidence::High } else { Confidence::Medium })
            .evidence(evidence)
            .fix(fix::for_category(Category::MtuFragmentation, &values))];
        }
        Vec::new()
    }
}

/// ESP from one peer only, and the capture could have shown the other's: the other side's ESP is
/// lost or never sent.
pub struct EspOneWay;

impl Rule for EspOneWay {
    fn id(&self) -> &'static str {
        "established-esp-one-way"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        const ENOUGH: u64 = 5;
        if !sa.established() || !sa.esp_visible() {
            return Vec::new();
        }
        let (a, b) = (
            sa.session.initiator_now().ip(),
            sa.session.responder_now().ip(),
        );
        let forward: u64 = sa.esp_from(a).map(|f| f.packets).sum();
        let backward: u64 = sa.esp_from(b).map(|f| f.packets).sum();
        let (sender, silent, n) = if forward >= ENOUGH && backward == 0 {
            (a, b, forward)
        } else if backward >= ENOUGH && forward == 0 {
            (b, a, backward)
        } else {
            return Vec::new();
        };
        let Some(flow) = sa.esp_from(sender).next() else {
            return Vec::new();
        };
        let decided_by =
            "both peers' logs (a failed SA install) and 'ip xfrm state' on the silent one";
        vec![Finding::open(
            self.id(),
            EST,
            Knowledge::WireShape,
            format!("ESP flows only from {sender} ({n} packets); {silent} sends none back"),
            vec![
                candidate(EST, Category::DataPlane, "the silent peer does not route the traffic into the tunnel, or a firewall drops its ESP", decided_by),
                candidate(FailurePhase::ChildSa, Category::Implementation, "the silent peer's kernel did not install the SA", decided_by),
                candidate(EST, Category::Nat, "its ESP is not UDP-encapsulated through a NAT", decided_by),
            ],
        )
        .evidence([EvidenceRef {
            source: flow.source,
            at: Some(ike_timeline::Locator::Frame(flow.first_frame)),
            note: format!("first ESP packet of SPI {:08x} from {sender}", flow.spi),
        }])
        .fix(fix::for_category(Category::DataPlane, &sa.fix_values()).into_iter().chain(fix::to_decide(&[decided_by])))]
    }
}

/// ESP larger than the path MTU travels in IP fragments, or meets ICMP fragmentation-needed,
/// while the tunnel keeps working: a warning, not a failure (the loss case is
/// [`EspLargeUnanswered`]).
pub struct EspOverPathMtu;

impl Rule for EspOverPathMtu {
    fn id(&self) -> &'static str {
        "esp-over-path-mtu"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        if !sa.established() {
            return Vec::new();
        }
        let icmp: Vec<_> = sa
            .icmp_on(None)
            .into_iter()
            .filter(|(_, _, i)| {
                matches!(i.kind, IcmpKind::FragmentationNeeded { .. })
                    && (i.quoted.esp_spi.is_some() || i.quoted.protocol == 50)
            })
            .collect();
        let fragmented: Vec<_> = sa.esp.iter().filter(|f| f.fragmented_packets > 0).collect();
        if icmp.is_empty() && fragmented.is_empty() {
            return Vec::new();
        }
        let mut evidence = Vec::new();
        let mut mtu = None;
        for (source, at, i) in icmp.iter().take(3) {
            if let IcmpKind::FragmentationNeeded { mtu: m } = i.kind {
                mtu = Some(m);
                evidence.push(EvidenceRef {
                    source: *source,
                    at: Some(*at),
                    note: format!(
                        "ICMP fragmentation needed (MTU {m}) from {} for a {} byte ESP packet",
                        i.from, i.quoted.quoted_ip_len
                    ),
                });
            }
        }
        for f in fragmented.iter().take(3) {
            evidence.push(EvidenceRef {
                source: f.source,
                at: Some(ike_timeline::Locator::Frame(f.first_frame)),
                note: format!(
                    "{} of {} ESP packets of SPI {:08x} travel as IP fragments (largest {} bytes)",
                    f.fragmented_packets, f.packets, f.spi, f.max_ip_len
                ),
            });
        }
        let mut values = sa.fix_values();
        values.path_mtu = mtu;
        vec![Finding::decided(
            self.id(),
            EST,
            Category::MtuFragmentation,
            Knowledge::WireShape,
            format!(
                "ESP packets are larger than the path MTU{}: they are fragmented, which costs and breaks behind some firewalls",
                mtu.map(|m| format!(" ({m} bytes)")).unwrap_or_default()
            ),
        )
        .warning()
        .evidence(evidence)
        .fix(fix::for_category(Category::MtuFragmentation, &values))]
    }
}

/// A log shows the established SA's requests unanswered and the SA deleted; behind NAT, the
/// mapping most likely expired.
pub struct LivenessLostInLog;

impl Rule for LivenessLostInLog {
    fn id(&self) -> &'static str {
        "log-established-unanswered"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        for log in &sa.logs {
            let Some(established) = log.first(Fact::IkeEstablished) else {
                continue;
            };
            let after = log
                .lines
                .iter()
                .copied()
                .filter(|l| {
                    l.event.at() > established.event.at()
                        && matches!(l.fact(), Fact::Retransmit | Fact::GaveUp)
                })
                .collect::<Vec<_>>();
            let Some(last) = after.last().copied() else {
                continue;
            };
            let nat = log.has(Fact::NatDetected);
            let values = sa.fix_values();
            let mut evidence = vec![last.cite_meaning()];
            if let Some(g) = after
                .iter()
                .find(|l| l.fact() == Fact::GaveUp && !std::ptr::eq(l.event, last.event))
            {
                evidence.push(g.cite_meaning());
            }
            let title = if nat {
                "the established SA's requests go unanswered and it is deleted; the peer is behind NAT, so its NAT mapping most likely expired (keepalives or DPD too rare)"
            } else {
                "the established SA's requests go unanswered (peer gone, path broken, or a NAT mapping lost)"
            };
            let decided_by = "the other peer's log, or a capture at either end";
            let finding = if nat {
                Finding::decided(self.id(), EST, Category::Nat, Knowledge::PeerReading, title)
                    .confidence(Confidence::Medium)
            } else {
                Finding::open(
                    self.id(),
                    EST,
                    Knowledge::PeerReading,
                    title,
                    vec![
                        candidate(
                            EST,
                            Category::Nat,
                            "a NAT or firewall state between the peers timed out",
                            decided_by,
                        ),
                        candidate(
                            EST,
                            Category::UdpBlocked,
                            "the path broke or the peer went down",
                            decided_by,
                        ),
                    ],
                )
            };
            return vec![finding
                .evidence(evidence)
                .fix(fix::for_category(Category::Nat, &values))];
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::*;
    use ike_contract::Outcome;

    /// Three small ESP packets each way: the tunnel carried traffic.
    fn traffic(lab: &mut Lab, c: ike_timeline::SourceId) {
        lab.esp(
            c,
            100,
            100,
            3,
            "192.0.2.10:0",
            "198.51.100.1:0",
            0xc1,
            100,
            false,
        );
        lab.esp(
            c,
            150,
            100,
            3,
            "198.51.100.1:0",
            "192.0.2.10:0",
            0xd1,
            100,
            false,
        );
    }

    fn established(lab: &mut Lab, c: ike_timeline::SourceId) {
        init_exchange(lab, c, 0, 1);
        lab.send(c, 10, Ike::new(1, 2, ExchangeType::IKE_AUTH, 1, I).sk(290));
        lab.send(c, 20, Ike::new(1, 2, ExchangeType::IKE_AUTH, 1, R).sk(240));
    }

    #[test]
    fn fragmented_esp_that_keeps_flowing_is_a_warning() {
        let mut lab = Lab::new();
        let c = lab.capture("client.pcap");
        established(&mut lab, c);
        lab.esp(
            c,
            100,
            100,
            10,
            "192.0.2.10:0",
            "198.51.100.1:0",
            0xc1,
            1600,
            true,
        );
        lab.esp(
            c,
            150,
            100,
            10,
            "198.51.100.1:0",
            "192.0.2.10:0",
            0xd1,
            1600,
            true,
        );
        lab.icmp(
            c,
            120,
            "203.0.113.1",
            IcmpKind::FragmentationNeeded { mtu: 1400 },
            50,
            "192.0.2.10",
            "198.51.100.1",
            None,
            1600,
        );
        let v = diagnose(&lab.finish()).verdict;
        assert_eq!(v.outcome, Outcome::Established, "{v:?}");
        assert_eq!(v.warnings.len(), 1);
        assert_eq!(v.warnings[0].category, Some(Category::MtuFragmentation));
    }

    #[test]
    fn large_esp_never_answered_is_a_loss() {
        let mut lab = Lab::new();
        let c = lab.capture("client.pcap");
        established(&mut lab, c);
        traffic(&mut lab, c);
        lab.esp(
            c,
            1000,
            100,
            3,
            "192.0.2.10:0",
            "198.51.100.1:0",
            0xc2,
            1400,
            false,
        );
        let v = diagnose(&lab.finish()).verdict;
        assert_eq!(
            (v.outcome, v.phase, v.category),
            (Outcome::Failed, Some(EST), Some(Category::MtuFragmentation))
        );
    }

    #[test]
    fn rekeys_answered_in_a_filtered_capture_are_established() {
        let mut lab = Lab::new();
        let c = lab.capture("client.pcap");
        lab.filtered(c);
        established(&mut lab, c);
        lab.send(
            c,
            10_000,
            Ike::new(1, 2, ExchangeType::CREATE_CHILD_SA, 2, I).sk(300),
        );
        lab.send(
            c,
            10_010,
            Ike::new(1, 2, ExchangeType::CREATE_CHILD_SA, 2, R).sk(300),
        );
        let v = diagnose(&lab.finish()).verdict;
        assert_eq!(v.outcome, Outcome::Established, "{v:?}");
    }

    #[test]
    fn keepalives_seen_keep_a_lost_peer_open() {
        let mut lab = Lab::new();
        let c = lab.capture("client.pcap");
        established(&mut lab, c);
        traffic(&mut lab, c);
        for t in [10_000, 20_000, 29_000] {
            lab.keepalive(c, t, "192.0.2.10:4500", "198.51.100.1:4500");
        }
        lab.send(
            c,
            30_000,
            Ike::new(1, 2, ExchangeType::INFORMATIONAL, 2, I).sk(40),
        );
        lab.send(
            c,
            31_000,
            Ike::new(1, 2, ExchangeType::INFORMATIONAL, 2, I).sk(40),
        );
        let v = diagnose(&lab.finish()).verdict;
        assert_eq!((v.phase, v.category), (Some(EST), None), "{v:?}");
    }

    #[test]
    fn unanswered_requests_after_idle_behind_no_nat_stay_open() {
        let mut lab = Lab::new();
        let c = lab.capture("client.pcap");
        established(&mut lab, c);
        traffic(&mut lab, c);
        lab.send(
            c,
            30_000,
            Ike::new(1, 2, ExchangeType::INFORMATIONAL, 2, I).sk(40),
        );
        lab.send(
            c,
            31_000,
            Ike::new(1, 2, ExchangeType::INFORMATIONAL, 2, I).sk(40),
        );
        lab.send(
            c,
            33_000,
            Ike::new(1, 2, ExchangeType::INFORMATIONAL, 2, I).sk(40),
        );
        let v = diagnose(&lab.finish()).verdict;
        assert_eq!(
            (v.outcome, v.phase, v.category),
            (Outcome::Failed, Some(EST), None),
            "{v:?}"
        );
    }
}
