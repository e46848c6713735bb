//! The rules. Each is a small function over the timeline's views that returns findings; each
//! says in its doc comment what it looks for and why that decides (or cannot decide) the cause.
use std::collections::HashSet;

use rustc_hash::FxHashMap as HashMap;
use std::net::IpAddr;

use ike_capture::IcmpKind;
use ike_timeline::{EventKind, Locator, Phase, SourceId, Timeline};
use ike_wire::{ExchangeType, NotifyType};

use crate::model::{Category, Confidence, EvidenceRef, FailurePhase, Finding};
use crate::nat;
use crate::view::{Msg, SaView};

pub struct Context<'t> {
    pub timeline: &'t Timeline,
    pub views: Vec<SaView<'t>>,
    /// Initiator SPIs of attempts that a later attempt restarted.
    pub restarted: HashSet<u64>,
    /// Indexes so that rules run per SA stay linear on captures with very many SAs.
    icmp_by_ip: HashMap<IpAddr, Vec<usize>>,
    incomplete_by_ip: HashMap<IpAddr, Vec<usize>>,
    esp_by_ip: HashMap<IpAddr, Vec<usize>>,
    keepalive_by_ip: HashMap<IpAddr, Vec<usize>>,
    ikev1_by_ip: HashMap<IpAddr, Vec<usize>>,
    /// Initiator SPIs of sessions whose restart got past IKE_SA_INIT.
    restarted_ok: HashSet<u64>,
}

impl<'t> Context<'t> {
    pub fn new(timeline: &'t Timeline) -> Self {
        let mut icmp_by_ip: HashMap<IpAddr, Vec<usize>> = HashMap::default();
        let mut incomplete_by_ip: HashMap<IpAddr, Vec<usize>> = HashMap::default();
        for (i, e) in timeline.events.iter().enumerate() {
            match &e.kind {
                EventKind::Icmp(icmp) => icmp_by_ip.entry(icmp.quoted.dst).or_default().push(i),
                EventKind::Incomplete(d) => incomplete_by_ip.entry(d.dst).or_default().push(i),
                _ => {}
            }
        }
        let mut esp_by_ip: HashMap<IpAddr, Vec<usize>> = HashMap::default();
        for (i, f) in timeline.esp_flows.iter().enumerate() {
            esp_by_ip.entry(f.src).or_default().push(i);
        }
        let mut keepalive_by_ip: HashMap<IpAddr, Vec<usize>> = HashMap::default();
        for (i, k) in timeline.keepalive_flows.iter().enumerate() {
            keepalive_by_ip.entry(k.src.ip()).or_default().push(i);
        }
        let mut ikev1_by_ip: HashMap<IpAddr, Vec<usize>> = HashMap::default();
        let mut restarted_ok = HashSet::new();
        for (i, s) in timeline.sessions.iter().enumerate() {
            if s.ike_major_version == 1 {
                ikev1_by_ip.entry(s.responder.ip()).or_default().push(i);
                ikev1_by_ip.entry(s.initiator.ip()).or_default().push(i);
            }
            if let Some(r) = &s.restart_of {
                if s.phase_reached > Phase::IkeSaInit {
                    if let Some(old) = timeline.sessions.get(r.session) {
                        restarted_ok.insert(old.spi_i);
                    }
                }
            }
        }
        Context {
            timeline,
            views: crate::view::sa_views(timeline),
            restarted: crate::view::restarted_spis(timeline),
            icmp_by_ip,
            incomplete_by_ip,
            esp_by_ip,
            keepalive_by_ip,
            ikev1_by_ip,
            restarted_ok,
        }
    }

    /// ESP flows sent by either of `peers` to either of them.
    fn esp_between(&self, peers: &[IpAddr]) -> Vec<&'t ike_timeline::EspFlow> {
        let mut out: Vec<&ike_timeline::EspFlow> = Vec::new();
        let mut seen = HashSet::new();
        for ip in peers {
            for &i in self.esp_by_ip.get(ip).into_iter().flatten() {
                if let Some(f) = self.timeline.esp_flows.get(i) {
                    if peers.contains(&f.dst) && seen.insert(i) {
                        out.push(f);
                    }
                }
            }
        }
        out
    }

    fn keepalives_between(&self, peers: &[IpAddr]) -> Vec<&'t ike_timeline::KeepaliveFlow> {
        let mut out: Vec<&ike_timeline::KeepaliveFlow> = Vec::new();
        let mut seen = HashSet::new();
        for ip in peers {
            for &i in self.keepalive_by_ip.get(ip).into_iter().flatten() {
                if let Some(k) = self.timeline.keepalive_flows.get(i) {
                    if peers.contains(&k.dst.ip()) && seen.insert(i) {
                        out.push(k);
                    }
                }
            }
        }
        out
    }

    fn incomplete_between(
        &self,
        peers: &[IpAddr],
    ) -> Vec<(SourceId, Locator, &'t ike_capture::IncompleteDatagram)> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for ip in peers {
            for &i in self.incomplete_by_ip.get(ip).into_iter().flatten() {
                if let Some(e) = self.timeline.events.get(i) {
                    if let EventKind::Incomplete(d) = &e.kind {
                        if peers.contains(&d.src) && seen.insert(i) {
                            out.push((e.source, e.at, d));
                        }
                    }
                }
            }
        }
        out
    }
}

pub type Rule = fn(&Context<'_>, &SaView<'_>) -> Vec<Finding>;

/// The largest encrypted IKE message that holds nothing but one notify (header, SK header, IV,
/// an 8-byte notify, padding, ICV): the size of a bare refusal such as AUTHENTICATION_FAILED.
const LONE_NOTIFY_MAX: u32 = 96;

/// Every rule, in the order they run (the ranking does not depend on it).
pub const RULES: &[(&str, Rule)] = &[
    (
        "decrypted-exchanges",
        crate::rules_inner::decrypted_exchanges,
    ),
    ("ike-version-mismatch", ike_version_mismatch),
    ("init-unanswered", init_unanswered),
    ("init-return-path", init_return_path),
    ("init-no-proposal", init_no_proposal),
    ("init-invalid-ke", init_invalid_ke),
    ("init-cookie-loop", init_cookie_loop),
    ("auth-unanswered", auth_unanswered),
    ("auth-never-arrives", auth_never_arrives),
    ("child-rekey-rejected", child_rekey_rejected),
    ("esp-unanswered-after-idle", esp_unanswered_after_idle),
    ("esp-large-unanswered", esp_large_unanswered),
    (
        "auth-answered-not-established",
        auth_answered_not_established,
    ),
    ("child-sa-no-esp", child_sa_no_esp),
    ("established-liveness-lost", established_liveness_lost),
    ("established-esp-one-way", established_esp_one_way),
    ("esp-over-path-mtu", esp_over_path_mtu),
];

fn ev(source: SourceId, at: Locator, note: impl Into<String>) -> EvidenceRef {
    EvidenceRef {
        source,
        at: Some(at),
        note: note.into(),
    }
}

fn msg_ev(ctx: &Context<'_>, msg: &Msg<'_>, note: impl Into<String>) -> EvidenceRef {
    let at = ctx
        .timeline
        .events
        .get(msg.index)
        .map(|e| e.at)
        .unwrap_or(Locator::Frame(0));
    ev(msg.source, at, note)
}

fn describe(msg: &Msg<'_>) -> String {
    let m = msg.m;
    format!(
        "{} {} {} (message ID {}, {} bytes){} [ {} ]",
        m.exchange,
        if m.response { "response" } else { "request" },
        if m.from_initiator {
            format!("{} -> {}", m.src, m.dst)
        } else {
            format!("{} <- {}", m.dst, m.src)
        },
        m.message_id,
        m.length,
        if msg.retransmit { ", retransmit" } else { "" },
        m.payloads.join(" ")
    )
}

fn sources_of(view: &SaView<'_>) -> Vec<SourceId> {
    let mut s: Vec<SourceId> = view.iter().map(|(_, s)| s.source).collect();
    s.dedup();
    s
}

/// Is this SA only an attempt that a later one replaced?
fn superseded(ctx: &Context<'_>, view: &SaView<'_>) -> bool {
    ctx.restarted.contains(&view.spi_i)
}

fn init_requests<'t>(msgs: &[Msg<'t>]) -> Vec<Msg<'t>> {
    msgs.iter()
        .filter(|x| x.m.exchange == ExchangeType::IKE_SA_INIT && !x.m.response)
        .copied()
        .collect()
}

fn init_responses<'t>(msgs: &[Msg<'t>]) -> Vec<Msg<'t>> {
    msgs.iter()
        .filter(|x| x.m.exchange == ExchangeType::IKE_SA_INIT && x.m.response)
        .copied()
        .collect()
}

/// ICMP errors that quote a packet of this SA's peers on the given UDP port (or any port).
fn icmp_for<'t>(
    ctx: &Context<'t>,
    view: &SaView<'_>,
    port: Option<u16>,
) -> Vec<(SourceId, Locator, &'t ike_capture::IcmpError)> {
    let Some(session) = view.first_session() else {
        return Vec::new();
    };
    let peers = [
        session.initiator.ip(),
        session.responder.ip(),
        session.initiator_now.ip(),
        session.responder_now.ip(),
    ];
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for ip in &peers {
        for &i in ctx.icmp_by_ip.get(ip).into_iter().flatten() {
            let Some(e) = ctx.timeline.events.get(i) else {
                continue;
            };
            let EventKind::Icmp(icmp) = &e.kind else {
                continue;
            };
            let q = &icmp.quoted;
            let port_ok = match (port, q.ports) {
                (None, _) => true,
                (Some(p), Some((s, d))) => s == p || d == p,
                (Some(_), None) => false,
            };
            if peers.contains(&q.src) && port_ok && seen.insert(i) {
                out.push((e.source, e.at, icmp));
            }
        }
    }
    out.sort_by_key(|(s, at, _)| (*s, *at));
    out
}

/// IKEv1 datagrams towards a responder that an IKEv2 initiator talks to (or IKEv1 answers to
/// IKEv2): the peers speak different IKE versions.
fn ike_version_mismatch(ctx: &Context<'_>, view: &SaView<'_>) -> Vec<Finding> {
    if view.phase_reached() > Phase::IkeSaInit || superseded(ctx, view) {
        return Vec::new();
    }
    let Some(session) = view.first_session() else {
        return Vec::new();
    };
    let v1: Vec<&ike_timeline::Session> = ctx
        .ikev1_by_ip
        .get(&session.responder.ip())
        .into_iter()
        .flatten()
        .filter_map(|&i| ctx.timeline.sessions.get(i))
        .filter(|s| {
            let a = [s.initiator.ip(), s.responder.ip()];
            a.contains(&session.initiator.ip()) && a.contains(&session.responder.ip())
        })
        .collect();
    let Some(first) = v1.first() else {
        return Vec::new();
    };
    let Some(&index) = first.messages.first() else {
        return Vec::new();
    };
    let Some(event) = ctx.timeline.events.get(index) else {
        return Vec::new();
    };
    vec![Finding {
        attempts: 1,
        rule: "ike-version-mismatch",
        phase: FailurePhase::IkeSaInit,
        category: Some(Category::ConfigOther),
        confidence: Confidence::High,
        title: "IKEv1 and IKEv2 meet: the peers are configured for different IKE versions"
            .into(),
        evidence: vec![ev(
            event.source,
            event.at,
            format!(
                "IKEv1 datagram between {} and {}",
                first.initiator, first.responder
            ),
        )],
        fix: vec![
            "configure both peers for IKEv2 (strongSwan: version = 2 in swanctl.conf; Libreswan: ikev2=yes)".into(),
            "or, if the gateway only speaks IKEv1, configure the client for IKEv1".into(),
        ],
    }]
}

/// IKE_SA_INIT requests that no source ever saw answered. An ICMP error quoting them names the
/// cause; with captures from both ends, whether the request arrived tells forward path from the
/// gateway side.
fn init_unanswered(ctx: &Context<'_>, view: &SaView<'_>) -> Vec<Finding> {
    let msgs = view.messages();
    let requests = init_requests(&msgs);
    if requests.is_empty() || !init_responses(&msgs).is_empty() || superseded(ctx, view) {
        return Vec::new();
    }
    if msgs
        .iter()
        .any(|x| x.m.exchange != ExchangeType::IKE_SA_INIT)
    {
        return Vec::new();
    }
    let first = requests[0];
    // Count the transmissions as one capture saw them (the other sees the same ones again).
    let seen_by_first: Vec<&Msg<'_>> = requests
        .iter()
        .filter(|x| x.source == first.source)
        .collect();
    let last = *seen_by_first.last().copied().unwrap_or(&first);
    let responder = first.m.dst;
    let span = (last.time.0 - first.time.0) as f64 / 1e9;
    let mut evidence = vec![
        msg_ev(ctx, &first, describe(&first)),
        msg_ev(
            ctx,
            &last,
            format!(
                "{} IKE_SA_INIT requests over {span:.1} s, none answered",
                seen_by_first.len()
            ),
        ),
    ];
    let icmp = icmp_for(ctx, view, Some(responder.port()));
    if let Some((source, at, i)) = icmp.first() {
        let (what, title) = match i.kind {
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
        evidence.push(ev(
            *source,
            *at,
            format!("ICMP {what} from {} quoting the request", i.from),
        ));
        return vec![Finding {
            attempts: 1,
            rule: "init-unanswered",
            phase: FailurePhase::IkeSaInit,
            category: Some(Category::UdpBlocked),
            confidence: Confidence::High,
            title,
            evidence,
            fix: vec![
                format!(
                    "check that the IKE daemon runs on {} and listens on UDP {}",
                    responder.ip(),
                    responder.port()
                ),
                "check the gateway's firewall for a REJECT rule on UDP 500/4500".into(),
            ],
        }];
    }
    let sources = sources_of(view);
    let all_sources: Vec<SourceId> = ctx
        .timeline
        .sources
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == ike_timeline::SourceKind::Capture)
        .map(|(i, _)| SourceId(i as u32))
        .collect();
    let (category, title, confidence, fix) = if sources.len() >= 2 {
        (
            None,
            format!("IKE_SA_INIT reaches the gateway side ({responder}) but is never answered: the gateway's firewall drops it, or no IKE daemon answers on that port"),
            Confidence::High,
            vec![
                format!("allow UDP 500 and 4500 in on the gateway {} (nftables/iptables input rules, cloud security groups)", responder.ip()),
                "check that the IKE daemon runs and listens on that address, and that no other process holds UDP 500/4500 ('ss -ulpn')".into(),
            ],
        )
    } else if all_sources.len() >= 2 {
        (
            Some(Category::UdpBlocked),
            format!("IKE_SA_INIT requests to {responder} never reach the other capture point: dropped on the forward path"),
            Confidence::High,
            vec![
                "find the firewall or router between the two capture points that drops UDP 500 (and 4500)".into(),
                format!("check the route to {}", responder.ip()),
            ],
        )
    } else {
        (
            None,
            format!("IKE_SA_INIT to {responder} is never answered: UDP 500 is blocked on the way, or nothing answers there"),
            Confidence::Medium,
            vec![
                format!("allow UDP 500 and 4500 between the peers and in on the gateway {}", responder.ip()),
                "check that the gateway's IKE daemon runs and that the address is right".into(),
                "capture on the gateway too: whether the request arrives tells forward path from gateway".into(),
                "add the gateway's log: a daemon that cannot bind UDP 500 (port already in use) says so at start-up".into(),
            ],
        )
    };
    vec![Finding {
        attempts: 1,
        rule: "init-unanswered",
        phase: FailurePhase::IkeSaInit,
        category,
        confidence,
        title,
        evidence,
        fix,
    }]
}

/// The responder answers IKE_SA_INIT but the initiator keeps retransmitting: the answers leave
/// the gateway and never arrive (return path). Seen in one capture as answered retransmits, or
/// across two as responses missing on the initiator's side.
fn init_return_path(ctx: &Context<'_>, view: &SaView<'_>) -> Vec<Finding> {
    if view.phase_reached() > Phase::IkeAuth || superseded(ctx, view) {
        return Vec::new();
    }
    let msgs = view.messages();
    if msgs
        .iter()
        .any(|x| x.m.exchange != ExchangeType::IKE_SA_INIT)
    {
        return Vec::new();
    }
    let responses = init_responses(&msgs);
    let Some(response) = responses.first().copied() else {
        return Vec::new();
    };
    if response.m.spi_r == 0 {
        return Vec::new(); // a notify-only answer (cookie, invalid KE, no proposal)
    }
    // Sources that saw the response vs sources that only saw requests.
    let with_response: HashSet<SourceId> = responses.iter().map(|x| x.source).collect();
    let without: Vec<SourceId> = sources_of(view)
        .into_iter()
        .filter(|s| !with_response.contains(s))
        .collect();
    let retransmits_after: Vec<Msg<'_>> = msgs
        .iter()
        .filter(|x| {
            x.m.exchange == ExchangeType::IKE_SA_INIT
                && !x.m.response
                && x.retransmit
                && x.time > response.time
        })
        .copied()
        .collect();
    if without.is_empty() && retransmits_after.is_empty() {
        return Vec::new();
    }
    let mut evidence = vec![msg_ev(
        ctx,
        &response,
        format!("the responder answers: {}", describe(&response)),
    )];
    if let Some(r) = retransmits_after.last() {
        evidence.push(msg_ev(
            ctx,
            r,
            format!(
                "the initiator still retransmits IKE_SA_INIT ({} times after the answer)",
                retransmits_after.len()
            ),
        ));
    }
    for s in &without {
        evidence.push(EvidenceRef {
            source: *s,
            at: None,
            note: "this capture never sees the IKE_SA_INIT response".into(),
        });
    }
    vec![Finding {
        attempts: 1,
        rule: "init-return-path",
        phase: FailurePhase::IkeSaInit,
        category: Some(Category::UdpBlocked),
        confidence: Confidence::High,
        title: format!(
            "the gateway answers IKE_SA_INIT but the answer never reaches {}: the return path drops it",
            response.m.dst
        ),
        evidence,
        fix: vec![
            format!(
                "allow UDP 500/4500 from {} back to the client (stateful firewall, asymmetric routing, egress rules)",
                response.m.src
            ),
            "check the gateway's route back to the client address".into(),
        ],
    }]
}

/// NO_PROPOSAL_CHOSEN in answer to IKE_SA_INIT: no common IKE proposal. Whether encryption,
/// integrity, PRF or the DH group differs is in the responder's configuration or log, not on
/// the wire, so the category stays open unless the offer makes it plain.
fn init_no_proposal(_ctx: &Context<'_>, view: &SaView<'_>) -> Vec<Finding> {
    let msgs = view.messages();
    let Some(answer) = init_responses(&msgs)
        .into_iter()
        .find(|x| x.m.has_notify(NotifyType::NO_PROPOSAL_CHOSEN))
    else {
        return Vec::new();
    };
    let offered: Vec<String> = view
        .first_session()
        .and_then(|s| s.offered.as_ref())
        .map(|p| p.iter().map(|p| p.to_string()).collect())
        .unwrap_or_default();
    let mut evidence = Vec::new();
    if let Some(request) = init_requests(&msgs).first() {
        evidence.push(msg_ev(
            _ctx,
            request,
            format!("the initiator offers: {}", offered.join(", ")),
        ));
    }
    evidence.push(msg_ev(
        _ctx,
        &answer,
        "the responder answers NO_PROPOSAL_CHOSEN",
    ));
    vec![Finding {
        attempts: 1,
        rule: "init-no-proposal",
        phase: FailurePhase::IkeSaInit,
        category: None,
        confidence: Confidence::High,
        title: "no common IKE proposal: the responder rejects every offered algorithm set (NO_PROPOSAL_CHOSEN)".into(),
        evidence,
        fix: vec![
            format!("make the responder accept one of: {}", offered.join(", ")),
            "compare the ike/proposals lines of both peers: encryption, integrity, PRF and DH group must all match in one proposal".into(),
            "add the responder's log or configuration to tell an algorithm mismatch (proposal-ike) from a DH group mismatch (proposal-dh)".into(),
            "strongSwan also answers NO_PROPOSAL_CHOSEN when it has no IKEv2 connection for this peer at all (an IKEv1-only or missing connection: 'no IKE config found' in its log)".into(),
        ],
    }]
}

/// INVALID_KE_PAYLOAD: the responder wants another DH group. Recovered when a restarted attempt
/// goes on; a failure when the group asked for was never offered or the restarts loop.
fn init_invalid_ke(ctx: &Context<'_>, view: &SaView<'_>) -> Vec<Finding> {
    let msgs = view.messages();
    let answers: Vec<Msg<'_>> = init_responses(&msgs)
        .into_iter()
        .filter(|x| x.m.has_notify(NotifyType::INVALID_KE_PAYLOAD))
        .collect();
    let Some(answer) = answers.last().copied() else {
        return Vec::new();
    };
    // Recovered: a later attempt (same SA or a restart) got a full IKE_SA_INIT response.
    let restarted_ok = ctx.restarted_ok.contains(&view.spi_i);
    if restarted_ok || view.phase_reached() > Phase::IkeSaInit {
        return Vec::new();
    }
    let wanted = answer
        .m
        .notify_data(NotifyType::INVALID_KE_PAYLOAD)
        .and_then(|d| d.get(..2))
        .map(|b| ike_wire::DhGroup(u16::from_be_bytes([b[0], b[1]])));
    let offered_groups: Vec<ike_wire::DhGroup> = view
        .first_session()
        .and_then(|s| s.offered.as_ref())
        .map(|props| {
            props
                .iter()
                .flat_map(|p| p.transforms.iter())
                .filter(|t| t.transform_type == ike_wire::TransformType(4))
                .map(|t| ike_wire::DhGroup(t.id))
                .collect()
        })
        .unwrap_or_default();
    let wanted_name = wanted.map(|g| g.to_string()).unwrap_or_else(|| "?".into());
    let offered_names: Vec<String> = offered_groups.iter().map(|g| g.to_string()).collect();
    vec![Finding {
        attempts: 1,
        rule: "init-invalid-ke",
        phase: FailurePhase::IkeSaInit,
        category: Some(Category::ProposalDh),
        confidence: Confidence::High,
        title: format!(
            "the responder asks for DH group {wanted_name} (INVALID_KE_PAYLOAD) and the initiator never completes with it"
        ),
        evidence: vec![msg_ev(
            ctx,
            &answer,
            format!(
                "INVALID_KE_PAYLOAD asks for {wanted_name}; offered groups: {}",
                offered_names.join(", ")
            ),
        )],
        fix: vec![format!(
            "configure a common DH group on both peers ({wanted_name} is what the responder wants)"
        )],
    }]
}

/// IKE_AUTH requests never answered after a good IKE_SA_INIT. Large messages in IP fragments
/// that never arrive whole point to the MTU; small ones after the move to UDP 4500 to UDP 4500
/// being blocked.
fn auth_unanswered(ctx: &Context<'_>, view: &SaView<'_>) -> Vec<Finding> {
    if view.phase_reached() != Phase::IkeAuth {
        return Vec::new();
    }
    let msgs = view.messages();
    let auth: Vec<Msg<'_>> = msgs
        .iter()
        .filter(|x| x.m.exchange == ExchangeType::IKE_AUTH)
        .copied()
        .collect();
    let requests: Vec<Msg<'_>> = auth.iter().filter(|x| !x.m.response).copied().collect();
    if requests.is_empty() {
        return Vec::new();
    }
    // The last IKE_AUTH round (EAP runs several) must be the one without an answer.
    let last_id = requests.iter().map(|x| x.m.message_id).max().unwrap_or(1);
    if auth
        .iter()
        .any(|x| x.m.response && x.m.message_id == last_id)
    {
        return Vec::new();
    }
    let round: Vec<Msg<'_>> = requests
        .iter()
        .filter(|x| x.m.message_id == last_id)
        .copied()
        .collect();
    let first = round[0];
    let largest_ip = round.iter().map(|x| x.m.ip_len).max().unwrap_or(0);
    let fragmented: Vec<Msg<'_>> = round
        .iter()
        .filter(|x| !x.m.ip_fragments.is_empty())
        .copied()
        .collect();
    let session = view.first_session();
    let peers: Vec<std::net::IpAddr> = session
        .map(|s| {
            vec![
                s.initiator.ip(),
                s.responder.ip(),
                s.initiator_now.ip(),
                s.responder_now.ip(),
            ]
        })
        .unwrap_or_default();
    let incomplete = ctx.incomplete_between(&peers);
    let icmp_mtu: Vec<_> = icmp_for(ctx, view, None)
        .into_iter()
        .filter(|(_, _, i)| {
            matches!(
                i.kind,
                IcmpKind::FragmentationNeeded { .. } | IcmpKind::ReassemblyTimeExceeded
            )
        })
        .collect();
    let frag_supported = msgs
        .iter()
        .filter(|x| x.m.exchange == ExchangeType::IKE_SA_INIT)
        .fold((false, false), |(i, r), x| {
            let has = x.m.has_notify(NotifyType::FRAGMENTATION_SUPPORTED);
            (i || (has && !x.m.response), r || (has && x.m.response))
        });
    let largest_answered = msgs
        .iter()
        .filter(|x| !x.m.from_initiator || x.m.response)
        .map(|x| x.m.ip_len)
        .max()
        .unwrap_or(0);
    let mut evidence = vec![msg_ev(ctx, &first, describe(&first))];
    if let Some(last) = round.last() {
        if round.len() > 1 {
            evidence.push(msg_ev(
                ctx,
                last,
                format!("{} IKE_AUTH transmissions, none answered", round.len()),
            ));
        }
    }

    if !fragmented.is_empty() || !incomplete.is_empty() || !icmp_mtu.is_empty() {
        if let Some(f) = fragmented.first() {
            evidence.push(msg_ev(
                ctx,
                f,
                format!(
                    "the IKE_AUTH request is a {} byte IP datagram sent in {} IP fragments (frames {})",
                    f.m.ip_len,
                    f.m.ip_fragments.len(),
                    f.m.ip_fragments
                        .iter()
                        .map(|n| n.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        for (source, at, d) in incomplete.iter().take(3) {
            evidence.push(ev(
                *source,
                *at,
                format!(
                    "IP datagram {} -> {} never reassembled here: {} fragments, {} bytes seen",
                    d.src, d.dst, d.fragments_seen, d.bytes_seen
                ),
            ));
        }
        for (source, at, i) in icmp_mtu.iter().take(3) {
            let what = match i.kind {
                IcmpKind::FragmentationNeeded { mtu } => format!("fragmentation needed, MTU {mtu}"),
                _ => "reassembly time exceeded".into(),
            };
            evidence.push(ev(*source, *at, format!("ICMP {what} from {}", i.from)));
        }
        let negotiated = frag_supported.0 && frag_supported.1;
        let mut fix = Vec::new();
        if negotiated {
            fix.push("IKEv2 fragmentation was negotiated yet fragments are lost: lower the fragment size (strongSwan: charon.fragment_size, e.g. 1280)".into());
        } else {
            fix.push("enable IKEv2 fragmentation (RFC 7383) on both ends (strongSwan: fragmentation = yes; Libreswan: fragmentation=yes; Windows: EnableIKEv2Fragmentation)".into());
        }
        fix.push("or let IP fragments through the firewalls/routers on the path, or shrink IKE_AUTH (shorter certificate chain, fewer CERTREQ/CERT payloads)".into());
        return vec![Finding {
            attempts: 1,
            rule: "auth-unanswered",
            phase: FailurePhase::IkeAuth,
            category: Some(Category::MtuFragmentation),
            confidence: Confidence::High,
            title: format!(
                "IKE_AUTH ({largest_ip} bytes) leaves as IP fragments and is never answered{}",
                if largest_answered > 0 {
                    format!("; the largest datagram that got through was {largest_answered} bytes")
                } else {
                    String::new()
                }
            ),
            evidence,
            fix,
        }];
    }

    let on_4500 = round
        .iter()
        .any(|x| x.m.src.port() == 4500 || x.m.dst.port() == 4500 || x.m.non_esp_marker);
    let init_port_500 = msgs
        .iter()
        .any(|x| x.m.exchange == ExchangeType::IKE_SA_INIT && x.m.dst.port() == 500);
    if on_4500 && init_port_500 {
        let sightings = nat::sightings(view);
        let nat_note = nat::describe(&sightings, ctx.timeline);
        if let Some(note) = &nat_note {
            evidence.push(EvidenceRef {
                source: first.source,
                at: None,
                note: note.clone(),
            });
        }
        return vec![Finding {
            attempts: 1,
            rule: "auth-unanswered",
            phase: FailurePhase::IkeAuth,
            category: Some(Category::Nat),
            confidence: if nat_note.is_some() {
                Confidence::High
            } else {
                Confidence::Medium
            },
            title: format!(
                "IKE_SA_INIT works on UDP 500 but IKE_AUTH ({largest_ip} bytes, not fragmented) is never answered after the NAT-T move to UDP 4500: UDP 4500 is blocked"
            ),
            evidence,
            fix: vec![
                "allow UDP 4500 in both directions between the peers (firewalls, NAT devices, cloud security groups)".into(),
                "on the NAT device, check that UDP 4500 is forwarded to the gateway like UDP 500".into(),
            ],
        }];
    }
    vec![Finding {
        attempts: 1,
        rule: "auth-unanswered",
        phase: FailurePhase::IkeAuth,
        category: None,
        confidence: Confidence::Medium,
        title: format!("IKE_AUTH ({largest_ip} bytes) is never answered although IKE_SA_INIT was"),
        evidence,
        fix: vec![
            "add the gateway's log: it says whether IKE_AUTH arrived and why it was dropped".into(),
            "capture on the gateway too, to see whether the request arrives".into(),
        ],
    }]
}

/// IKE_AUTH is answered but the SA never comes up. Without the keys the encrypted answer
/// cannot be read, so the category stays open unless the shape of the exchange decides: a
/// failure after several EAP rounds is EAP's.
fn auth_answered_not_established(ctx: &Context<'_>, view: &SaView<'_>) -> Vec<Finding> {
    if view.phase_reached() != Phase::IkeAuth {
        return Vec::new();
    }
    let msgs = view.messages();
    let responses: Vec<Msg<'_>> = msgs
        .iter()
        .filter(|x| x.m.exchange == ExchangeType::IKE_AUTH && x.m.response && !x.retransmit)
        .copied()
        .collect();
    let Some(last) = responses.last().copied() else {
        return Vec::new();
    };
    let rounds: HashSet<u32> = responses.iter().map(|x| x.m.message_id).collect();
    let follow_up: Vec<Msg<'_>> = msgs
        .iter()
        .filter(|x| x.m.exchange == ExchangeType::INFORMATIONAL && x.time >= last.time)
        .copied()
        .collect();
    let mut evidence = vec![msg_ev(ctx, &last, describe(&last))];
    if let Some(f) = follow_up.first() {
        evidence.push(msg_ev(ctx, f, format!("then {}", describe(f))));
    }
    evidence.push(EvidenceRef {
        source: last.source,
        at: None,
        note: "no ESP and no later exchange shows the SA up".into(),
    });
    let eap_rounds = rounds.len() >= 3;
    // Shapes of a refused IKE_AUTH: a lone notify means the responder refused the initiator;
    // a certificate-sized answer followed at once by the initiator's INFORMATIONAL means the
    // initiator refused the responder. Any other answer carried the responder's AUTH, so the
    // IKE SA was authenticated and the CHILD_SA is what failed.
    const WITH_CERTIFICATE_MIN: u32 = 600;
    let initiator_closes = follow_up
        .iter()
        .any(|x| x.m.from_initiator && !x.m.response && x.time.0 - last.time.0 < 2_000_000_000);
    let refused_by_responder = last.m.length <= LONE_NOTIFY_MAX;
    let refused_by_initiator = initiator_closes && last.m.length >= WITH_CERTIFICATE_MIN;
    let phase = if eap_rounds || refused_by_responder || refused_by_initiator {
        FailurePhase::IkeAuth
    } else {
        FailurePhase::ChildSa
    };
    if phase == FailurePhase::ChildSa {
        return vec![Finding {
            attempts: 1,
            rule: "auth-answered-not-established",
            phase,
            category: None,
            confidence: Confidence::Medium,
            title: format!(
                "the responder authenticates ({} byte IKE_AUTH answer) but the CHILD_SA never carries traffic: its proposal, traffic selectors, virtual IP or the SA install failed",
                last.m.length
            ),
            evidence,
            fix: vec![
                "add the SA keys (--keys) or either peer's log to read the answer (NO_PROPOSAL_CHOSEN, TS_UNACCEPTABLE, INTERNAL_ADDRESS_FAILURE, ...) or the install error".into(),
                "compare the ESP proposals, the traffic selectors and the address pools of both peers".into(),
            ],
        }];
    }
    let (category, confidence, title) = if eap_rounds {
        (
            Some(Category::AuthEap),
            Confidence::Medium,
            format!(
                "authentication fails after {} IKE_AUTH rounds (EAP): the EAP exchange does not succeed",
                rounds.len()
            ),
        )
    } else {
        (
            None,
            Confidence::Medium,
            "IKE_AUTH is answered but the SA never comes up: the authentication was refused".into(),
        )
    };
    let mut fix = vec![
        "add the SA keys (--keys, e.g. from strongSwan's save-keys or a charon log at ike level 4) so the encrypted IKE_AUTH answer can be read".into(),
        "or add either peer's log: it names the notify (AUTHENTICATION_FAILED, TS_UNACCEPTABLE, NO_PROPOSAL_CHOSEN, ...)".into(),
    ];
    if refused_by_initiator {
        fix.insert(0, "the initiator closes the SA right after the responder's certificate-sized answer: it refuses the responder's certificate or identity (trust chain, validity dates and clock, SAN against the expected ID)".into());
    }
    if refused_by_responder && !eap_rounds {
        fix.insert(0, format!("the answer is only {} bytes, the size of a lone notify such as AUTHENTICATION_FAILED: check the PSK, the identities and the certificates first", last.m.length));
    }
    if eap_rounds {
        fix.insert(0, "check the EAP credentials (user name and password) and the EAP method on both ends (and the RADIUS server if one is used)".into());
    }
    vec![Finding {
        attempts: 1,
        rule: "auth-answered-not-established",
        phase: FailurePhase::IkeAuth,
        category,
        confidence,
        title,
        evidence,
        fix,
    }]
}

/// The IKE SA is up (later exchanges are answered) but no ESP ever flows: the CHILD_SA was not
/// created (proposal or traffic selectors), or the data plane does not work.
fn child_sa_no_esp(ctx: &Context<'_>, view: &SaView<'_>) -> Vec<Finding> {
    if view.phase_reached() != Phase::Established {
        return Vec::new();
    }
    let Some(session) = view.first_session() else {
        return Vec::new();
    };
    let peers = [
        session.initiator.ip(),
        session.responder.ip(),
        session.initiator_now.ip(),
        session.responder_now.ip(),
    ];
    let esp = !ctx.esp_between(&peers).is_empty();
    let via_esp = session
        .established_by
        .as_deref()
        .is_some_and(|s| s.starts_with("ESP"));
    if esp || via_esp {
        return Vec::new();
    }
    let msgs = view.messages();
    let Some(auth) = msgs
        .iter()
        .find(|x| x.m.exchange == ExchangeType::IKE_AUTH && x.m.response)
        .copied()
    else {
        return Vec::new();
    };
    vec![Finding {
        attempts: 1,
        rule: "child-sa-no-esp",
        phase: FailurePhase::ChildSa,
        category: None,
        confidence: Confidence::Low,
        title: "the IKE SA is up but no ESP flows between the peers: the CHILD_SA was probably not created".into(),
        evidence: vec![
            msg_ev(ctx, &auth, describe(&auth)),
            EvidenceRef {
                source: auth.source,
                at: None,
                note: session
                    .established_by
                    .clone()
                    .unwrap_or_else(|| "later exchanges show the IKE SA up".into()),
            },
        ],
        fix: vec![
            "add the SA keys (--keys) or a peer's log to read the IKE_AUTH answer (TS_UNACCEPTABLE, NO_PROPOSAL_CHOSEN, ...)".into(),
            "compare the ESP proposals and the traffic selectors (local_ts/remote_ts, leftsubnet/rightsubnet) of both peers".into(),
            "if no traffic was sent, send some: an idle CHILD_SA has no ESP either".into(),
        ],
    }]
}

/// After establishment, requests (DPD, rekey) go unanswered: the peer or the path vanished. An
/// idle gap before it, with NAT in play and no keepalives, is the NAT mapping timing out.
fn established_liveness_lost(ctx: &Context<'_>, view: &SaView<'_>) -> Vec<Finding> {
    if view.phase_reached() != Phase::Established {
        return Vec::new();
    }
    let msgs = view.messages();
    let Some(last) = msgs.last().copied() else {
        return Vec::new();
    };
    // The trailing run of unanswered requests.
    if last.m.response || last.m.exchange == ExchangeType::IKE_AUTH {
        return Vec::new();
    }
    let id = last.m.message_id;
    let from_initiator = last.m.from_initiator;
    let unanswered: Vec<Msg<'_>> = msgs
        .iter()
        .filter(|x| !x.m.response && x.m.message_id == id && x.m.from_initiator == from_initiator)
        .copied()
        .collect();
    let answered = msgs
        .iter()
        .any(|x| x.m.response && x.m.message_id == id && x.m.from_initiator != from_initiator);
    if answered || unanswered.len() < 2 {
        return Vec::new();
    }
    let first = unanswered[0];
    // Idle gap: the time from the previous IKE or ESP activity to the first unanswered request.
    let previous = msgs
        .iter()
        .filter(|x| x.time < first.time)
        .map(|x| x.time)
        .max();
    let Some(session) = view.first_session() else {
        return Vec::new();
    };
    let peers = [session.initiator_now.ip(), session.responder_now.ip()];
    let last_esp = ctx
        .esp_between(&peers)
        .into_iter()
        .filter(|f| f.last_ts < first.time)
        .map(|f| f.last_ts)
        .max();
    let keepalives = ctx.keepalives_between(&peers);
    let quiet_since = previous.max(last_esp);
    let idle = quiet_since.map(|t| (first.time.0 - t.0) as f64 / 1e9);
    let nat_t = session.moved_to_4500_at.is_some();
    let nat_seen = nat::describe(&nat::sightings(view), ctx.timeline);
    let icmp = icmp_for(ctx, view, None);
    let mut evidence = vec![
        msg_ev(ctx, &first, describe(&first)),
        msg_ev(
            ctx,
            &unanswered[unanswered.len() - 1],
            format!("{} transmissions, none answered", unanswered.len()),
        ),
    ];
    if let Some(idle) = idle {
        evidence.push(EvidenceRef {
            source: first.source,
            at: None,
            note: format!(
                "{idle:.0} s without IKE or ESP between the peers before this request; NAT-T keepalives seen: {}",
                if keepalives.is_empty() {
                    "none".to_string()
                } else {
                    keepalives
                        .iter()
                        .map(|k| format!("{} every {:.0} s at most", k.src, k.max_interval_ns as f64 / 1e9))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ),
        });
    }
    if let Some((source, at, i)) = icmp.first() {
        evidence.push(ev(
            *source,
            *at,
            format!("ICMP error from {} quoting the peers' traffic", i.from),
        ));
    }
    let idle_long = idle.is_some_and(|s| s >= 5.0);
    if nat_seen.is_some() && idle_long && keepalives.is_empty() {
        if let Some(note) = nat_seen {
            evidence.push(EvidenceRef {
                source: first.source,
                at: None,
                note,
            });
        }
        let recommended = idle.map(|s| (s / 2.0).clamp(10.0, 20.0)).unwrap_or(20.0);
        return vec![Finding {
            attempts: 1,
            rule: "established-liveness-lost",
            phase: FailurePhase::Established,
            category: Some(Category::Nat),
            confidence: Confidence::High,
            title: format!(
                "after {:.0} s idle behind NAT with no keepalives, the peer stops answering: the NAT mapping expired",
                idle.unwrap_or(0.0)
            ),
            evidence,
            fix: vec![
                format!("send NAT-T keepalives more often than the NAT's UDP timeout, e.g. every {recommended:.0} s (strongSwan: charon.keep_alive; Libreswan: keep-alive)"),
                "enable DPD (dpd_delay) so a lost mapping is noticed and the SA re-established".into(),
                "or raise the NAT device's UDP timeout for port 4500".into(),
            ],
        }];
    }
    vec![Finding {
        attempts: 1,
        rule: "established-liveness-lost",
        phase: FailurePhase::Established,
        category: if nat_t && idle_long && keepalives.is_empty() {
            Some(Category::Nat)
        } else {
            None
        },
        confidence: Confidence::Medium,
        title: format!(
            "the SA was up, then {} requests (message ID {id}) go unanswered: the peer or the path vanished",
            last.m.exchange
        ),
        evidence,
        fix: vec![
            "check whether the peer rebooted, changed address, or a firewall/NAT state timed out".into(),
            "add the other peer's log or a capture at its end".into(),
        ],
    }]
}

/// ESP flows in one direction only after establishment: the other side's ESP is lost (or
/// never sent). The wire alone does not say which device drops it.
fn established_esp_one_way(ctx: &Context<'_>, view: &SaView<'_>) -> Vec<Finding> {
    if view.phase_reached() != Phase::Established {
        return Vec::new();
    }
    let Some(session) = view.first_session() else {
        return Vec::new();
    };
    let a = session.initiator_now.ip();
    let b = session.responder_now.ip();
    let flows = ctx.esp_between(&[a, b]);
    let forward: u64 = flows.iter().filter(|f| f.src == a).map(|f| f.packets).sum();
    let backward: u64 = flows.iter().filter(|f| f.src == b).map(|f| f.packets).sum();
    const ENOUGH: u64 = 5;
    let (sender, silent, n, flow) = if forward >= ENOUGH && backward == 0 {
        (a, b, forward, flows.iter().find(|f| f.src == a))
    } else if backward >= ENOUGH && forward == 0 {
        (b, a, backward, flows.iter().find(|f| f.src == b))
    } else {
        return Vec::new();
    };
    let Some(flow) = flow else {
        return Vec::new();
    };
    vec![Finding {
        attempts: 1,
        rule: "established-esp-one-way",
        phase: FailurePhase::Established,
        category: None,
        confidence: Confidence::Medium,
        title: format!("ESP flows only from {sender} ({n} packets); {silent} sends none back"),
        evidence: vec![ev(
            flow.source,
            Locator::Frame(flow.first_frame),
            format!("first ESP packet of SPI {:08x} from {sender}", flow.spi),
        )],
        fix: vec![
            format!("check that {silent} installed the SAs (kernel XFRM/ESP support, 'ip xfrm state') and routes the traffic into the tunnel"),
            "check firewalls for IP protocol 50 (or UDP 4500 when encapsulated) in the other direction".into(),
            "add the peers' logs: a failed SA install is written there".into(),
        ],
    }]
}

/// ESP larger than the path MTU: ICMP fragmentation-needed quoting ESP, or ESP in IP fragments.
fn esp_over_path_mtu(ctx: &Context<'_>, view: &SaView<'_>) -> Vec<Finding> {
    if view.phase_reached() != Phase::Established {
        return Vec::new();
    }
    let icmp: Vec<_> = icmp_for(ctx, view, None)
        .into_iter()
        .filter(|(_, _, i)| {
            matches!(i.kind, IcmpKind::FragmentationNeeded { .. })
                && (i.quoted.esp_spi.is_some() || i.quoted.protocol == 50)
        })
        .collect();
    let Some(session) = view.first_session() else {
        return Vec::new();
    };
    let peers = [session.initiator_now.ip(), session.responder_now.ip()];
    let fragmented: Vec<_> = ctx
        .esp_between(&peers)
        .into_iter()
        .filter(|f| f.fragmented_packets > 0)
        .collect();
    if icmp.is_empty() && fragmented.is_empty() {
        return Vec::new();
    }
    let mut evidence = Vec::new();
    let mut mtu = None;
    for (source, at, i) in icmp.iter().take(3) {
        if let IcmpKind::FragmentationNeeded { mtu: m } = i.kind {
            mtu = Some(m);
            evidence.push(ev(
                *source,
                *at,
                format!(
                    "ICMP fragmentation needed (MTU {m}) from {} for a {} byte ESP packet",
                    i.from, i.quoted.quoted_ip_len
                ),
            ));
        }
    }
    for f in fragmented.iter().take(3) {
        evidence.push(ev(
            f.source,
            Locator::Frame(f.first_frame),
            format!(
                "{} of {} ESP packets of SPI {:08x} travel as IP fragments (largest {} bytes)",
                f.fragmented_packets, f.packets, f.spi, f.max_ip_len
            ),
        ));
    }
    vec![Finding {
        attempts: 1,
        rule: "esp-over-path-mtu",
        phase: FailurePhase::Established,
        category: Some(Category::MtuFragmentation),
        confidence: if icmp.is_empty() {
            Confidence::Medium
        } else {
            Confidence::High
        },
        title: format!(
            "ESP packets are larger than the path MTU{}",
            mtu.map(|m| format!(" ({m} bytes)")).unwrap_or_default()
        ),
        evidence,
        fix: vec![
            "clamp TCP MSS for tunnelled traffic (e.g. nftables 'tcp flags syn tcp option maxseg size set rt mtu') or lower the tunnel interface MTU".into(),
            "let ICMP fragmentation-needed / packet-too-big through so path MTU discovery works".into(),
        ],
    }]
}

/// IKE_SA_INIT completed but no IKE_AUTH request is ever seen here: it was lost between the
/// initiator and this capture point (IP fragments dropped, UDP 4500 blocked after the NAT-T
/// move). A capture on the gateway side cannot tell which.
fn auth_never_arrives(ctx: &Context<'_>, view: &SaView<'_>) -> Vec<Finding> {
    if view.phase_reached() != Phase::IkeAuth || superseded(ctx, view) {
        return Vec::new();
    }
    let msgs = view.messages();
    if msgs
        .iter()
        .any(|x| x.m.exchange != ExchangeType::IKE_SA_INIT)
    {
        return Vec::new();
    }
    let responses = init_responses(&msgs);
    let Some(response) = responses.iter().find(|x| x.m.spi_r != 0).copied() else {
        return Vec::new();
    };
    // Requests retransmitted after the answer are the return-path rule's case.
    if msgs
        .iter()
        .any(|x| !x.m.response && x.retransmit && x.time > response.time)
    {
        return Vec::new();
    }
    let nat = nat::describe(&nat::sightings(view), ctx.timeline);
    let mut evidence = vec![msg_ev(
        ctx,
        &response,
        format!("IKE_SA_INIT completes: {}", describe(&response)),
    )];
    evidence.push(EvidenceRef {
        source: response.source,
        at: None,
        note: "no IKE_AUTH request is ever seen in this capture".into(),
    });
    if let Some(n) = nat {
        evidence.push(EvidenceRef {
            source: response.source,
            at: None,
            note: n,
        });
    }
    vec![Finding {
        attempts: 1,
        rule: "auth-never-arrives",
        phase: FailurePhase::IkeAuth,
        category: None,
        confidence: Confidence::Medium,
        title: "IKE_SA_INIT completes but IKE_AUTH never arrives here: it is lost on the way (large IKE_AUTH in IP fragments, or UDP 4500 blocked after the NAT-T move)".into(),
        evidence,
        fix: vec![
            "capture on the initiator's side: IP fragments there point to MTU/fragmentation, small datagrams on UDP 4500 to a blocked port".into(),
            "enable IKEv2 fragmentation (RFC 7383) on both ends and allow UDP 4500 on the path".into(),
        ],
    }]
}

/// A CHILD_SA rekey (CREATE_CHILD_SA) is answered with a lone notify after the first CHILD_SA
/// was created in IKE_AUTH. What a rekey adds to the IKE_AUTH CHILD_SA is its own DH exchange
/// (PFS), so a rekey-only refusal points to the PFS group.
fn child_rekey_rejected(ctx: &Context<'_>, view: &SaView<'_>) -> Vec<Finding> {
    if view.phase_reached() != Phase::Established {
        return Vec::new();
    }
    let msgs = view.messages();
    let rejected: Vec<Msg<'_>> = msgs
        .iter()
        .filter(|x| {
            x.m.exchange == ExchangeType::CREATE_CHILD_SA
                && x.m.response
                && x.m.length <= LONE_NOTIFY_MAX
        })
        .copied()
        .collect();
    let Some(first) = rejected.first().copied() else {
        return Vec::new();
    };
    let accepted = msgs.iter().any(|x| {
        x.m.exchange == ExchangeType::CREATE_CHILD_SA
            && x.m.response
            && x.m.length > LONE_NOTIFY_MAX
    });
    if accepted {
        return Vec::new();
    }
    let request = msgs
        .iter()
        .find(|x| {
            x.m.exchange == ExchangeType::CREATE_CHILD_SA
                && !x.m.response
                && x.m.message_id == first.m.message_id
        })
        .copied();
    let mut evidence = Vec::new();
    if let Some(r) = request {
        evidence.push(msg_ev(ctx, &r, describe(&r)));
    }
    evidence.push(msg_ev(
        ctx,
        &first,
        format!(
            "answered with {} bytes, the size of a lone notify (NO_PROPOSAL_CHOSEN or INVALID_KE_PAYLOAD){}",
            first.m.length,
            if rejected.len() > 1 {
                format!("; {} rekeys refused", rejected.len())
            } else {
                String::new()
            }
        ),
    ));
    vec![Finding {
        attempts: 1,
        rule: "child-rekey-rejected",
        phase: FailurePhase::ChildSa,
        category: Some(Category::ProposalDh),
        confidence: Confidence::Medium,
        title: "the CHILD_SA came up in IKE_AUTH but every rekey is refused: the PFS DH groups of the ESP proposals differ".into(),
        evidence,
        fix: vec![
            "configure the same DH group in the ESP proposals of both peers (strongSwan: esp_proposals = aes256-sha256-modp2048; Libreswan: pfs=yes and esp=...-modp2048)".into(),
            "or disable PFS on both ends".into(),
            "add the SA keys (--keys) or a peer's log to read the refusal (NO_PROPOSAL_CHOSEN or INVALID_KE_PAYLOAD)".into(),
        ],
    }]
}

/// ESP was answered, then after an idle gap one side's ESP gets no answer any more. With NAT
/// in play and no keepalives, the NAT mapping expired during the gap.
fn esp_unanswered_after_idle(ctx: &Context<'_>, view: &SaView<'_>) -> Vec<Finding> {
    const MIN_IDLE_NS: i64 = 5_000_000_000;
    if view.phase_reached() != Phase::Established {
        return Vec::new();
    }
    let Some(session) = view.first_session() else {
        return Vec::new();
    };
    let (a, b) = (session.initiator_now.ip(), session.responder_now.ip());
    let flows = ctx.esp_between(&[a, b]);
    for sender in [a, b] {
        let out: Vec<_> = flows.iter().filter(|f| f.src == sender).collect();
        let back: Vec<_> = flows.iter().filter(|f| f.src != sender).collect();
        let Some(last_back) = back.iter().map(|f| f.last_ts).max() else {
            continue;
        };
        let Some(flow) = out
            .iter()
            .find(|f| f.max_gap_ns >= MIN_IDLE_NS && f.last_ts.0 > last_back.0 + MIN_IDLE_NS / 5)
        else {
            continue;
        };
        let keepalives = ctx.keepalives_between(&[a, b]);
        let nat = nat::describe(&nat::sightings(view), ctx.timeline);
        let gap = flow.max_gap_ns as f64 / 1e9;
        let mut evidence = vec![ev(
            flow.source,
            Locator::Frame(flow.max_gap_end_frame),
            format!(
                "after {gap:.0} s without ESP, {sender} sends ESP (SPI {:08x}) that is never answered",
                flow.spi
            ),
        )];
        evidence.push(EvidenceRef {
            source: flow.source,
            at: None,
            note: format!(
                "NAT-T keepalives seen: {}",
                if keepalives.is_empty() {
                    "none".to_string()
                } else {
                    keepalives.len().to_string()
                }
            ),
        });
        let nat_case = nat.is_some() && keepalives.is_empty();
        if let Some(n) = nat {
            evidence.push(EvidenceRef {
                source: flow.source,
                at: None,
                note: n,
            });
        }
        let recommended = (gap / 2.0).clamp(5.0, 20.0);
        return vec![Finding {
            attempts: 1,
            rule: "esp-unanswered-after-idle",
            phase: FailurePhase::Established,
            category: nat_case.then_some(Category::Nat),
            confidence: if nat_case { Confidence::High } else { Confidence::Medium },
            title: format!(
                "the tunnel worked, then after {gap:.0} s idle {sender}'s ESP is no longer answered{}",
                if nat_case { ": the NAT mapping expired (no keepalives)" } else { "" }
            ),
            evidence,
            fix: vec![
                format!("send NAT-T keepalives (or DPD) more often than the NAT's UDP timeout, e.g. every {recommended:.0} s (strongSwan: charon.keep_alive, dpd_delay; Libreswan: keep-alive, dpddelay)"),
                "or raise the NAT device's UDP/ESP mapping timeout".into(),
            ],
        }];
    }
    Vec::new()
}

/// Small ESP packets are answered, larger ones sent after them are not: packets above the path
/// MTU vanish (a PMTUD black hole when no ICMP comes back). With the far side's capture, the
/// large packets' absence there proves it.
fn esp_large_unanswered(ctx: &Context<'_>, view: &SaView<'_>) -> Vec<Finding> {
    const LARGE: u32 = 1280;
    if view.phase_reached() != Phase::Established {
        return Vec::new();
    }
    let Some(session) = view.first_session() else {
        return Vec::new();
    };
    let (a, b) = (session.initiator_now.ip(), session.responder_now.ip());
    let flows = ctx.esp_between(&[a, b]);
    for flow in flows.iter().filter(|f| f.max_ip_len > LARGE) {
        let answered_after = flows
            .iter()
            .filter(|f| f.src == flow.dst)
            .any(|f| f.last_ts > flow.max_ip_len_first_ts);
        let answered_before = flows
            .iter()
            .filter(|f| f.src == flow.dst)
            .any(|f| f.packets > 0);
        if answered_after || !answered_before || flow.last_ts <= flow.max_ip_len_first_ts {
            continue;
        }
        // The same SPI seen elsewhere only with small packets: the large ones never arrived.
        let elsewhere_small = flows
            .iter()
            .any(|f| f.spi == flow.spi && f.source != flow.source && f.max_ip_len <= LARGE);
        let mut evidence = vec![ev(
            flow.source,
            Locator::Frame(flow.max_ip_len_first_frame),
            format!(
                "first {} byte ESP packet of SPI {:08x} from {}; no ESP comes back after it",
                flow.max_ip_len, flow.spi, flow.src
            ),
        )];
        if elsewhere_small {
            evidence.push(EvidenceRef {
                source: flow.source,
                at: None,
                note: "the other capture sees this SPI only with small packets: the large ones never arrive".into(),
            });
        }
        return vec![Finding {
            attempts: 1,
            rule: "esp-large-unanswered",
            phase: FailurePhase::Established,
            category: Some(Category::MtuFragmentation),
            confidence: if elsewhere_small { Confidence::High } else { Confidence::Medium },
            title: format!(
                "small ESP packets pass but {} byte ones are never answered: ESP exceeds the path MTU (no ICMP comes back)",
                flow.max_ip_len
            ),
            evidence,
            fix: vec![
                "clamp TCP MSS for tunnelled traffic or lower the MTU of the tunnel/virtual interface (e.g. 1400 or less)".into(),
                "let ICMP fragmentation-needed / packet-too-big through so path MTU discovery works".into(),
            ],
        }];
    }
    Vec::new()
}

/// The responder keeps answering COOKIE and the exchange never moves on: the initiator does not
/// return the cookie correctly, or the responder rejects it (an implementation defect either way;
/// a responder under load asks for cookies, which a working initiator satisfies at once).
fn init_cookie_loop(ctx: &Context<'_>, view: &SaView<'_>) -> Vec<Finding> {
    const LOOP: usize = 3;
    if view.phase_reached() > Phase::IkeSaInit || superseded(ctx, view) {
        return Vec::new();
    }
    let msgs = view.messages();
    let cookies: Vec<Msg<'_>> = init_responses(&msgs)
        .into_iter()
        .filter(|x| x.m.has_notify(NotifyType::COOKIE))
        .collect();
    if cookies.len() < LOOP {
        return Vec::new();
    }
    let returned = init_requests(&msgs)
        .iter()
        .any(|x| x.m.has_notify(NotifyType::COOKIE));
    let first = cookies[0];
    vec![Finding {
        attempts: 1,
        rule: "init-cookie-loop",
        phase: FailurePhase::IkeSaInit,
        category: Some(Category::Implementation),
        confidence: Confidence::Medium,
        title: format!(
            "the responder answers COOKIE {} times and IKE_SA_INIT never completes{}",
            cookies.len(),
            if returned { " although the initiator returns a cookie" } else { ": the initiator never returns the cookie" }
        ),
        evidence: vec![msg_ev(ctx, &first, describe(&first))],
        fix: vec![
            "check the initiator's COOKIE support (RFC 7296 2.6: repeat IKE_SA_INIT with the N(COOKIE) first)".into(),
            "on the responder, check the cookie threshold (strongSwan: charon.cookie_threshold) and clock/secret changes that invalidate cookies".into(),
        ],
    }]
}
