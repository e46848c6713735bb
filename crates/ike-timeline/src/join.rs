//! Log lines joined to their IKE SA. A log's lines are grouped by the SA its writer numbers them
//! with (charon's IKE_SA id, pluto's state serial); each group is joined to the captured SA it
//! is about (by IKE SPIs when the lines give them, else by the peers' addresses and time), to
//! the other log's group of the same SA, or becomes an SA of its own (an SA known from logs
//! only). Lines that name no SA (daemon start, a port already in use) are daemon-level: they
//! concern every SA of their log.
use std::net::IpAddr;

use ike_capture::Timestamp;
use ike_contract::End;
use ike_logs::{Fact, Role};

use crate::builder::Timeline;
use crate::event::{Endpoints, EventKind, SourceId};
use crate::session::{Phase, Session};

/// The lines of one log about one SA (or, with `sa_ref` `None`, about none in particular).
#[derive(Debug, Clone)]
pub struct LogGroup {
    pub source: SourceId,
    /// The SA's number in its log; `None` for lines that name no SA.
    pub sa_ref: Option<u32>,
    /// The connection name the lines give.
    pub conn: Option<String>,
    /// Indices into [`Timeline::events`], in log order.
    pub events: Vec<usize>,
    /// Which end of the SA the writer is.
    pub end: End,
    /// Addresses of the writer and of its peer, as the lines name them.
    pub locals: Vec<IpAddr>,
    pub peers: Vec<IpAddr>,
    /// IKE SPIs, when a line gives them.
    pub ike_spis: Option<(u64, u64)>,
    /// Time of the first and last line that had a time of its own.
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
    /// The SA (index into [`Timeline::sessions`]) the group is about.
    pub session: Option<usize>,
    pub joined_by: JoinedBy,
}

/// How a log group found its SA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinedBy {
    /// The IKE SPIs a line gives.
    Spis,
    /// The peers' addresses and the time of the lines.
    AddressesAndTime,
    /// The other log's group of the same SA (no capture holds it).
    OtherLog,
    /// No capture or other log holds the SA: it is known from this log only.
    OwnSa,
    /// Lines that name no SA: they concern every SA of the log.
    DaemonLevel,
}

impl LogGroup {
    /// Whether any line of the group states `fact`.
    pub fn has(&self, timeline: &Timeline, fact: Fact) -> bool {
        self.events.iter().any(|&i| {
            matches!(&timeline.events.get(i).map(|e| &e.kind), Some(EventKind::Log(l)) if l.entry.fact == fact)
        })
    }
}

/// Slack allowed between a log's times and a capture's (after the log's clock offset): daemons
/// log around the packets they send, and clocks drift.
const TIME_SLACK_NS: i64 = 5_000_000_000;

/// Groups the log events and joins each group to an SA; SAs known only from logs are appended to
/// `sessions`. Returns the groups.
pub fn join_logs(timeline: &Timeline, sessions: &mut Vec<Session>) -> Vec<LogGroup> {
    let mut groups = group_lines(timeline);
    let captured = sessions.len();
    let spans: Vec<(i64, i64, Vec<IpAddr>)> =
        sessions.iter().map(|s| session_span(timeline, s)).collect();
    for group in &mut groups {
        if group.sa_ref.is_none() && !says_about_an_sa(timeline, group) {
            group.joined_by = JoinedBy::DaemonLevel;
            continue;
        }
        if let Some((spi_i, spi_r)) = group.ike_spis {
            if let Some(i) = sessions[..captured]
                .iter()
                .position(|s| s.spi_i == spi_i && (spi_r == 0 || s.spi_r == spi_r || s.spi_r == 0))
            {
                group.session = Some(i);
                group.joined_by = JoinedBy::Spis;
                continue;
            }
        }
        if let Some(i) = by_addresses_and_time(group, &spans) {
            group.session = Some(i);
            group.joined_by = JoinedBy::AddressesAndTime;
        }
    }
    // Groups no capture holds: the other log's group of the same SA, or an SA of their own.
    let mut log_only: Vec<usize> = Vec::new(); // group index that founded each log-only SA
    for g in 0..groups.len() {
        if groups[g].session.is_some() || groups[g].joined_by == JoinedBy::DaemonLevel {
            continue;
        }
        let partner = log_only.iter().copied().find(|&founder| {
            let a = &groups[founder];
            let b = &groups[g];
            a.source != b.source && same_sa_other_end(a, b)
        });
        match partner {
            Some(founder) => {
                groups[g].session = groups[founder].session;
                groups[g].joined_by = JoinedBy::OtherLog;
                let reached = phase_reached(timeline, &groups[g]);
                if let Some(s) = groups[founder].session.and_then(|i| sessions.get_mut(i)) {
                    s.phase_reached = s.phase_reached.max(reached);
                    if !s.sources.contains(&groups[g].source) {
                        s.sources.push(groups[g].source);
                    }
                }
            }
            None => {
                sessions.push(log_only_session(timeline, &groups[g]));
                groups[g].session = Some(sessions.len() - 1);
                groups[g].joined_by = JoinedBy::OwnSa;
                log_only.push(g);
            }
        }
    }
    // With no SA anywhere, a daemon-level cause (a port it cannot bind) is the story: it gets
    // an SA of its own so that it is diagnosed.
    if sessions.is_empty() {
        for group in groups
            .iter_mut()
            .filter(|g| g.joined_by == JoinedBy::DaemonLevel)
        {
            // A paste of a few lines holds no SA either: any line that says something went
            // wrong (or names a category) is diagnosed, and so is a step that leaves causes
            // open when nothing after it shows (a request for another DH group).
            let states_cause = group.events.iter().any(|&i| {
                matches!(&timeline.events[i].kind, EventKind::Log(l)
                    if matches!(l.entry.role, Role::Cause | Role::Symptom)
                        || (l.entry.role == Role::Context && l.entry.category.is_some())
                        || !l.entry.open.is_empty())
            });
            if states_cause {
                sessions.push(log_only_session(timeline, group));
                group.session = Some(sessions.len() - 1);
                group.joined_by = JoinedBy::OwnSa;
            }
        }
    }
    link_log_restarts(timeline, &groups, sessions, captured);
    groups
}

/// A log-only attempt that asked for (or was told to use) another DH group, or a cookie, is
/// restarted by the next attempt of the same log with the same peer.
fn link_log_restarts(
    timeline: &Timeline,
    groups: &[LogGroup],
    sessions: &mut [Session],
    captured: usize,
) {
    let mut founders: Vec<&LogGroup> = groups
        .iter()
        .filter(|g| g.joined_by == JoinedBy::OwnSa && g.session.is_some_and(|s| s >= captured))
        .collect();
    founders.sort_by_key(|g| (g.source, g.first));
    for pair in founders.windows(2) {
        let (old, new) = (pair[0], pair[1]);
        if old.source != new.source || !old.peers.iter().any(|p| new.peers.contains(p)) {
            continue;
        }
        if !old.has(timeline, Fact::DhRetry) {
            continue;
        }
        let (Some(o), Some(n)) = (old.session, new.session) else {
            continue;
        };
        if let Some(s) = sessions.get_mut(n) {
            s.rare_mut().restart_of = Some(crate::session::Restart {
                session: o,
                reason: "INVALID_KE_PAYLOAD",
            });
        }
    }
}

/// The groups of every log, in order of first line.
fn group_lines(timeline: &Timeline) -> Vec<LogGroup> {
    let mut index: rustc_hash::FxHashMap<(SourceId, Option<u32>), usize> = Default::default();
    let mut groups: Vec<LogGroup> = Vec::new();
    let mut order: Vec<(SourceId, u64, usize)> = Vec::new();
    for (i, event) in timeline.events.iter().enumerate() {
        let EventKind::Log(l) = &event.kind else {
            continue;
        };
        let key = (event.source(), l.sa_ref);
        let g = *index.entry(key).or_insert_with(|| {
            groups.push(LogGroup {
                source: event.source(),
                sa_ref: l.sa_ref,
                conn: None,
                events: Vec::new(),
                end: End::Unknown,
                locals: Vec::new(),
                peers: Vec::new(),
                ike_spis: None,
                first: None,
                last: None,
                session: None,
                joined_by: JoinedBy::OwnSa,
            });
            groups.len() - 1
        });
        let group = &mut groups[g];
        group.events.push(i);
        if group.conn.is_none() {
            group.conn = l.conn.clone();
        }
        if group.ike_spis.is_none() {
            group.ike_spis = l.ike_spis;
        }
        if l.time_known {
            group.first = Some(group.first.map_or(event.time, |t| t.min(event.time)));
            group.last = Some(group.last.map_or(event.time, |t| t.max(event.time)));
        }
        let (local, peer) = match l.entry.fact {
            Fact::PacketSent => (l.src.map(|a| a.ip()), l.dst.map(|a| a.ip())),
            Fact::PacketReceived => (l.dst.map(|a| a.ip()), l.src.map(|a| a.ip())),
            Fact::IkeEstablished => (l.src.map(|a| a.ip()), l.peer),
            _ => (
                None,
                l.peer.or(l.dst.map(|a| a.ip())).or(l.src.map(|a| a.ip())),
            ),
        };
        push_unique(&mut group.locals, local);
        push_unique(&mut group.peers, peer);
        group.end = group.end.join(end_of_line(l));
        order.push((event.source(), l.record.line, g));
    }
    // Log order within each group (events are in time order, and a log's time can step back).
    for group in &mut groups {
        group.events.sort_by_key(|&i| {
            (
                timeline.events[i].source(),
                match timeline.events[i].at() {
                    crate::Locator::Line(l) | crate::Locator::Frame(l) => l,
                },
            )
        });
    }
    groups
}

fn push_unique(list: &mut Vec<IpAddr>, ip: Option<IpAddr>) {
    const MAX_ADDRESSES: usize = 8;
    if let Some(ip) = ip {
        if !list.contains(&ip) && list.len() < MAX_ADDRESSES {
            list.push(ip);
        }
    }
}

/// The end of its SA a line shows its writer to be.
fn end_of_line(l: &crate::log::LogEvent) -> End {
    match l.entry.fact {
        Fact::Initiating | Fact::InitSent | Fact::AuthSent => End::Initiator,
        Fact::PeerInitiating | Fact::InitAnswered | Fact::HalfOpenTimeout => End::Responder,
        Fact::MessageBuilt | Fact::MessageParsed if l.exchange == Some("IKE_SA_INIT") => {
            // The initiator builds the request and parses the response; the responder the
            // other way round.
            let built = l.entry.fact == Fact::MessageBuilt;
            match l.response {
                Some(response) if response != built => End::Initiator,
                Some(_) => End::Responder,
                None => End::Unknown,
            }
        }
        _ => End::Unknown,
    }
}

/// Whether a group without an SA number still speaks of a negotiation (a client's error, an
/// appliance's lines), as opposed to daemon chatter.
fn says_about_an_sa(timeline: &Timeline, group: &LogGroup) -> bool {
    group
        .events
        .iter()
        .any(|&i| match &timeline.events[i].kind {
            EventKind::Log(l) => {
                matches!(l.entry.role, Role::Cause | Role::Symptom)
                    && !matches!(
                        l.entry.fact,
                        Fact::PortInUse
                            | Fact::KernelIpsecMissing
                            | Fact::NoInterfaces
                            | Fact::SocketMissing
                            | Fact::DaemonFailed
                            | Fact::ClockUntrusted
                    )
            }
            _ => false,
        })
}

/// A session's time span (first to last message, in its capture's clock) and every address it
/// was seen at.
fn session_span(timeline: &Timeline, s: &Session) -> (i64, i64, Vec<IpAddr>) {
    let times = s
        .messages
        .iter()
        .filter_map(|r| timeline.events.get(r.event()).map(|e| e.time.0));
    let (mut first, mut last) = (i64::MAX, i64::MIN);
    for t in times {
        first = first.min(t);
        last = last.max(t);
    }
    let mut addresses = Vec::new();
    for a in [
        s.initiator(),
        s.responder(),
        s.initiator_now(),
        s.responder_now(),
    ] {
        if !addresses.contains(&a.ip()) {
            addresses.push(a.ip());
        }
    }
    for seen in s.seen_in().iter().flatten() {
        if let Some((_, m)) = timeline.ike(*seen) {
            for a in [m.src().ip(), m.dst().ip()] {
                if !addresses.contains(&a) && addresses.len() < 8 {
                    addresses.push(a);
                }
            }
        }
    }
    (first, last, addresses)
}

/// The captured SA between the group's addresses whose time span the group's lines fall in
/// (the nearest start when several do). Without times, the only SA between those addresses.
fn by_addresses_and_time(group: &LogGroup, spans: &[(i64, i64, Vec<IpAddr>)]) -> Option<usize> {
    let named: Vec<IpAddr> = group.peers.iter().chain(&group.locals).copied().collect();
    let candidates: Vec<usize> = spans
        .iter()
        .enumerate()
        .filter(|(_, (first, _, addresses))| {
            *first != i64::MAX && (named.is_empty() || named.iter().any(|a| addresses.contains(a)))
        })
        .map(|(i, _)| i)
        .collect();
    if named.is_empty() {
        // Lines that name no address (a pasted excerpt): only their time can join them, and only
        // to the one SA they fall in.
        let (Some(first), Some(last)) = (group.first, group.last) else {
            return None;
        };
        let overlapping: Vec<usize> = candidates
            .into_iter()
            .filter(|&i| {
                let (s_first, s_last, _) = &spans[i];
                first.0 <= s_last + TIME_SLACK_NS && last.0 >= s_first - TIME_SLACK_NS
            })
            .collect();
        return (overlapping.len() == 1).then(|| overlapping[0]);
    }
    match (group.first, group.last) {
        (Some(first), Some(last)) => candidates
            .into_iter()
            .filter(|&i| {
                let (s_first, s_last, _) = &spans[i];
                first.0 <= s_last + TIME_SLACK_NS && last.0 >= s_first - TIME_SLACK_NS
            })
            .min_by_key(|&i| (spans[i].0 - first.0).abs()),
        _ => (candidates.len() == 1).then(|| candidates[0]),
    }
}

/// Two groups of different logs are the two ends of one SA: one names the other's address as
/// its peer, they are not the same end, and their times meet (when both have times).
fn same_sa_other_end(a: &LogGroup, b: &LogGroup) -> bool {
    let addressed = a.peers.iter().any(|p| b.locals.contains(p))
        || b.peers.iter().any(|p| a.locals.contains(p))
        // Without packet lines a log names no local address: its peer is enough when the
        // other log names none either.
        || (a.locals.is_empty() && b.locals.is_empty() && !a.peers.is_empty() && !b.peers.is_empty());
    let ends = a.end == End::Unknown || b.end == End::Unknown || a.end != b.end;
    let times = match (a.first, a.last, b.first, b.last) {
        (Some(a1), Some(a2), Some(b1), Some(b2)) => {
            a1.0 <= b2.0 + TIME_SLACK_NS && b1.0 <= a2.0 + TIME_SLACK_NS
        }
        _ => true,
    };
    addressed && ends && times
}

/// How far the SA got, as the group's lines say.
fn phase_reached(timeline: &Timeline, group: &LogGroup) -> Phase {
    let mut phase = Phase::IkeSaInit;
    for &i in &group.events {
        let Some(EventKind::Log(l)) = timeline.events.get(i).map(|e| &e.kind) else {
            continue;
        };
        let reached = match l.entry.fact {
            Fact::ChildEstablished => Phase::Established,
            Fact::IkeEstablished
            | Fact::AuthSent
            | Fact::HalfOpenTimeout
            | Fact::PeerRefusedAuth => Phase::IkeAuth,
            Fact::MessageBuilt | Fact::MessageParsed if l.exchange == Some("IKE_AUTH") => {
                Phase::IkeAuth
            }
            _ => Phase::IkeSaInit,
        };
        phase = phase.max(reached);
    }
    phase
}

/// An SA known from a log only: its addresses and how far it got, as the lines say.
fn log_only_session(timeline: &Timeline, group: &LogGroup) -> Session {
    let unspecified = std::net::SocketAddr::new(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED), 0);
    let local = group
        .locals
        .first()
        .map_or(unspecified, |ip| std::net::SocketAddr::new(*ip, 0));
    let peer = group
        .peers
        .first()
        .map_or(unspecified, |ip| std::net::SocketAddr::new(*ip, 0));
    let (initiator, responder) = match group.end {
        End::Responder => (peer, local),
        _ => (local, peer),
    };
    let phase = phase_reached(timeline, group);
    let (spi_i, spi_r) = group.ike_spis.unwrap_or((0, 0));
    let mut session = Session::new(
        group.source,
        2,
        (spi_i, spi_r),
        Endpoints::new(initiator, responder),
    );
    session.phase_reached = phase;
    session
}
