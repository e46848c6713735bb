//! What the rules read: the shared indexes over the whole timeline ([`Evidence`], built once),
//! and for each IKE SA its [`SaContext`] (built once per SA): its messages in order with every
//! capture that saw them, its ESP flows, keepalives, ICMP errors and incomplete datagrams
//! (looked up by the SA's address pairs, never by walking every flow), the log lines joined to
//! it with their facts, the certificate files, and the coverage of the inputs that saw it.
use std::net::IpAddr;

use rustc_hash::{FxHashMap, FxHashSet};

use ike_capture::{IcmpError, IncompleteDatagram};
use ike_contract::{End, FailurePhase};
use ike_logs::{Fact, Implementation};
use ike_timeline::{
    Coverage, EspFlow, Event, EventKind, IkeMessage, JoinedBy, KeepaliveFlow, Locator, LogEvent,
    Phase, Session, SourceId, SourceKind, Timeline, Timestamp,
};
use ike_wire::{ExchangeType, NotifyType};

use crate::certs::CertFiles;
use crate::model::EvidenceRef;

type Pair = (IpAddr, IpAddr);

/// An unordered pair of addresses, as a key.
fn pair(a: IpAddr, b: IpAddr) -> Pair {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

/// A pair's key in the indexes below: a 64-bit SipHash of it, with fixed keys so that a run
/// can be repeated exactly (nothing reported depends on the order of keys). Lookups check the
/// item's real pair, so a collision costs a comparison, never a wrong item.
fn pair_key(p: Pair) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    p.hash(&mut h);
    h.finish()
}

/// The unordered address pair of item `i` of one of the lists of a `T` (the timeline's),
/// when it has one.
type PairOf<T> = fn(&T, usize) -> Option<Pair>;

fn esp_pair(t: &Timeline, i: usize) -> Option<Pair> {
    t.esp_flows.get(i).map(|f| pair(f.src, f.dst))
}

fn keepalive_pair(t: &Timeline, i: usize) -> Option<Pair> {
    (t.keepalive_flows.get(i)).map(|k| pair(k.src.ip(), k.dst.ip()))
}

fn icmp_pair(t: &Timeline, i: usize) -> Option<Pair> {
    match &t.events.get(i)?.kind {
        EventKind::Icmp(icmp) => Some(pair(icmp.quoted.src, icmp.quoted.dst)),
        _ => None,
    }
}

fn incomplete_pair(t: &Timeline, i: usize) -> Option<Pair> {
    match &t.events.get(i)?.kind {
        EventKind::Incomplete(d) => Some(pair(d.src, d.dst)),
        _ => None,
    }
}

fn ikev1_pair(t: &Timeline, i: usize) -> Option<Pair> {
    let s = t.sessions.get(i).filter(|s| s.ike_major_version == 1)?;
    Some(pair(s.initiator().ip(), s.responder().ip()))
}

/// Items (flows, events, sessions) by the unordered address pair they are between: one sorted
/// array of (pair key, item) rather than a map of lists, so that a gateway's hundred thousand
/// ESP flows cost 16 bytes each (an address pair itself takes 34) instead of a map entry and a
/// list allocation each.
struct PairIndex<T: ?Sized = Timeline> {
    entries: Vec<(u64, u32)>,
    pair_of: PairOf<T>,
}

impl<T: ?Sized> PairIndex<T> {
    /// Items `0..len` of the list `pair_of` reads (those without a pair are left out).
    fn new(timeline: &T, len: usize, pair_of: PairOf<T>) -> PairIndex<T> {
        let mut entries: Vec<(u64, u32)> = (0..len)
            .filter_map(|i| Some((pair_key(pair_of(timeline, i)?), u32::try_from(i).ok()?)))
            .collect();
        entries.sort_unstable();
        entries.shrink_to_fit();
        PairIndex { entries, pair_of }
    }

    /// The items between the two addresses of `p`, in index order.
    fn get<'a>(&'a self, timeline: &'a T, p: Pair) -> impl Iterator<Item = usize> + 'a {
        let key = pair_key(p);
        let start = self.entries.partition_point(|&(q, _)| q < key);
        self.entries[start..]
            .iter()
            .take_while(move |&&(q, _)| q == key)
            .map(|&(_, i)| i as usize)
            .filter(move |&i| (self.pair_of)(timeline, i) == Some(p))
    }
}

/// The IKEv2 attempts of each (initiator, responder) address pair in order of their first
/// message, as one sorted array of (directed pair key, start, session): 24 bytes an SA, where a
/// map of lists cost a gateway's capture an entry and a list per peer.
struct Attempts(Vec<(u64, Timestamp, u32)>);

impl Attempts {
    fn new(timeline: &Timeline) -> Attempts {
        let mut entries: Vec<(u64, Timestamp, u32)> = (timeline.sessions.iter().enumerate())
            .filter(|(_, s)| s.ike_major_version == 2)
            .filter_map(|(i, s)| {
                let first = s.messages.first()?.event();
                let start = timeline.events.get(first)?.time;
                let key = pair_key((s.initiator().ip(), s.responder().ip()));
                Some((key, start, u32::try_from(i).ok()?))
            })
            .collect();
        entries.sort_unstable();
        entries.shrink_to_fit();
        Attempts(entries)
    }

    /// The attempt after `index` between the same initiator and responder addresses.
    fn after(&self, timeline: &Timeline, index: usize) -> Option<usize> {
        let session = timeline.sessions.get(index)?;
        let directed = (session.initiator().ip(), session.responder().ip());
        let key = pair_key(directed);
        let same_pair = |i: usize| {
            timeline
                .sessions
                .get(i)
                .is_some_and(|s| (s.initiator().ip(), s.responder().ip()) == directed)
        };
        let start = self.0.partition_point(|&(q, _, _)| q < key);
        let mut list = self.0[start..]
            .iter()
            .take_while(|&&(q, _, _)| q == key)
            .map(|&(_, _, i)| i as usize)
            .filter(|&i| same_pair(i));
        list.position(|i| i == index)?;
        list.next()
    }
}

/// Indexes over the whole timeline, built once.
pub struct Evidence<'t> {
    pub timeline: &'t Timeline,
    esp_by_pair: PairIndex,
    keepalives_by_pair: PairIndex,
    icmp_by_pair: PairIndex,
    incomplete_by_pair: PairIndex,
    ikev1_by_pair: PairIndex,
    /// IKEv2 sessions per (initiator, responder) address pair, in order of first message.
    attempts: Attempts,
    /// Log groups (indices into `timeline.log_groups`) joined to a session, as sorted
    /// (session, group) pairs: most SAs of a gateway's capture have none.
    groups_by_session: Vec<(u32, u32)>,
    /// Daemon-level groups (lines naming no SA), per log source.
    daemon_groups: FxHashMap<SourceId, Vec<usize>>,
    /// Log sources with at least one group joined to an SA.
    joined_sources: FxHashSet<SourceId>,
    /// Sessions a later attempt replaced (INVALID_KE_PAYLOAD or COOKIE), and those whose
    /// replacement got past IKE_SA_INIT.
    pub restarted: FxHashSet<usize>,
    pub restarted_ok: FxHashSet<usize>,
    pub cert_files: CertFiles<'t>,
}

impl<'t> Evidence<'t> {
    pub fn new(timeline: &'t Timeline) -> Self {
        let esp_by_pair = PairIndex::new(timeline, timeline.esp_flows.len(), esp_pair);
        let keepalives_by_pair =
            PairIndex::new(timeline, timeline.keepalive_flows.len(), keepalive_pair);
        let icmp_by_pair = PairIndex::new(timeline, timeline.events.len(), icmp_pair);
        let incomplete_by_pair = PairIndex::new(timeline, timeline.events.len(), incomplete_pair);
        let ikev1_by_pair = PairIndex::new(timeline, timeline.sessions.len(), ikev1_pair);
        let mut restarted = FxHashSet::default();
        let mut restarted_ok = FxHashSet::default();
        for s in &timeline.sessions {
            if let Some(r) = s.restart_of() {
                restarted.insert(r.session);
                if s.phase_reached > Phase::IkeSaInit {
                    restarted_ok.insert(r.session);
                }
            }
        }
        let attempts = Attempts::new(timeline);
        let mut groups_by_session: Vec<(u32, u32)> = Vec::new();
        let mut daemon_groups: FxHashMap<SourceId, Vec<usize>> = FxHashMap::default();
        let mut joined_sources = FxHashSet::default();
        for (g, group) in timeline.log_groups.iter().enumerate() {
            match group.session {
                Some(s) => {
                    if let (Ok(s), Ok(g)) = (u32::try_from(s), u32::try_from(g)) {
                        groups_by_session.push((s, g));
                    }
                    joined_sources.insert(group.source);
                }
                None if group.joined_by == JoinedBy::DaemonLevel => {
                    daemon_groups.entry(group.source).or_default().push(g)
                }
                None => {}
            }
        }
        Evidence {
            timeline,
            esp_by_pair,
            keepalives_by_pair,
            icmp_by_pair,
            incomplete_by_pair,
            ikev1_by_pair,
            attempts,
            groups_by_session: {
                groups_by_session.sort_unstable();
                groups_by_session
            },
            daemon_groups,
            joined_sources,
            restarted,
            restarted_ok,
            cert_files: CertFiles::from_timeline(timeline),
        }
    }

    /// The context of session `index`.
    pub fn sa(&self, index: usize) -> Option<SaContext<'_, 't>> {
        let session = self.timeline.sessions.get(index)?;
        Some(SaContext::new(self, index, session))
    }

    /// Every capture source.
    pub fn captures(&self) -> impl Iterator<Item = SourceId> + '_ {
        self.timeline
            .sources
            .iter()
            .enumerate()
            .filter(|(_, s)| s.kind == SourceKind::Capture)
            .map(|(i, _)| SourceId(i as u32))
    }

    pub fn coverage(&self, source: SourceId) -> Option<&'t Coverage> {
        self.timeline
            .sources
            .get(source.0 as usize)
            .map(|s| &s.coverage)
    }
}

/// One datagram of the SA, as its first capture saw it, with the other sightings.
#[derive(Clone, Copy)]
pub struct Msg<'t> {
    /// Event index of the first sighting.
    pub index: usize,
    pub source: SourceId,
    pub at: Locator,
    pub time: Timestamp,
    pub m: &'t IkeMessage,
    pub retransmit: bool,
    /// Event indices of the same datagram in other captures.
    pub seen_in: &'t [usize],
}

impl Msg<'_> {
    pub fn is(&self, exchange: ExchangeType, response: bool) -> bool {
        self.m.exchange == exchange && self.m.response == response
    }

    /// Cites this datagram.
    pub fn cite(&self, note: impl Into<String>) -> EvidenceRef {
        EvidenceRef {
            source: self.source,
            at: Some(self.at),
            note: note.into(),
        }
    }

    /// A one-line description, as a ladder shows it.
    pub fn describe(&self) -> String {
        let m = self.m;
        format!(
            "{} {} {} (message ID {}, {} bytes){} [ {} ]",
            m.exchange,
            if m.response { "response" } else { "request" },
            if m.from_initiator {
                format!("{} -> {}", m.src(), m.dst())
            } else {
                format!("{} <- {}", m.dst(), m.src())
            },
            m.message_id,
            m.length,
            if self.retransmit { ", retransmit" } else { "" },
            m.payloads.join(" ")
        )
    }
}

/// One log line of the SA (or of a daemon whose log concerns it).
#[derive(Clone, Copy)]
pub struct Line<'t> {
    pub event: &'t Event,
    pub log: &'t LogEvent,
    /// The end of the SA the writer is.
    pub end: End,
}

impl Line<'_> {
    pub fn fact(&self) -> Fact {
        self.log.entry.fact
    }

    pub fn cite(&self, note: impl Into<String>) -> EvidenceRef {
        EvidenceRef {
            source: self.event.source(),
            at: Some(self.event.at()),
            note: note.into(),
        }
    }

    /// Cites the line with what it means.
    pub fn cite_meaning(&self) -> EvidenceRef {
        self.cite(self.log.entry.meaning)
    }
}

/// The lines one log holds about the SA.
pub struct LogView<'t> {
    pub source: SourceId,
    pub end: End,
    pub implementation: Option<Implementation>,
    /// In log order.
    pub lines: Vec<Line<'t>>,
    /// Lines of the same log that name no SA (daemon start, bind failures).
    pub daemon: Vec<Line<'t>>,
}

impl<'t> LogView<'t> {
    pub fn has(&self, fact: Fact) -> bool {
        self.lines.iter().any(|l| l.fact() == fact)
    }

    pub fn first(&self, fact: Fact) -> Option<Line<'t>> {
        self.lines.iter().find(|l| l.fact() == fact).copied()
    }

    pub fn all(&self, fact: Fact) -> impl Iterator<Item = Line<'t>> + '_ {
        self.lines.iter().filter(move |l| l.fact() == fact).copied()
    }

    /// The position of the last line stating `fact`.
    pub fn last_position(&self, fact: Fact) -> Option<usize> {
        self.lines.iter().rposition(|l| l.fact() == fact)
    }

    /// The position of `line` in the log's lines.
    pub fn position(&self, line: &Line<'_>) -> Option<usize> {
        self.lines
            .iter()
            .position(|l| std::ptr::eq(l.event, line.event))
    }

    /// Lines just before position `i`, closest first.
    pub fn before(&self, i: usize, n: usize) -> impl Iterator<Item = Line<'t>> + '_ {
        self.lines[..i.min(self.lines.len())]
            .iter()
            .rev()
            .take(n)
            .copied()
    }
}

/// One IKE SA and everything known about it.
pub struct SaContext<'e, 't> {
    pub ev: &'e Evidence<'t>,
    pub index: usize,
    pub session: &'t Session,
    /// Every datagram once, in time order (retransmits included).
    pub msgs: Vec<Msg<'t>>,
    /// Addresses the SA was seen at (both peers, before and after NAT and the NAT-T move).
    pub addresses: Vec<IpAddr>,
    pub esp: Vec<&'t EspFlow>,
    pub keepalives: Vec<&'t KeepaliveFlow>,
    pub icmp: Vec<(SourceId, Locator, &'t IcmpError)>,
    pub incomplete: Vec<(SourceId, Locator, &'t IncompleteDatagram)>,
    /// IKEv1 sessions between the same peers.
    pub ikev1: Vec<&'t Session>,
    /// The logs that speak of this SA, one view per log.
    pub logs: Vec<LogView<'t>>,
}

impl<'e, 't> SaContext<'e, 't> {
    fn new(ev: &'e Evidence<'t>, index: usize, session: &'t Session) -> Self {
        let timeline = ev.timeline;
        let mut msgs = Vec::with_capacity(session.messages.len());
        let mut addresses: Vec<IpAddr> = Vec::new();
        let add = |a: IpAddr, list: &mut Vec<IpAddr>| {
            if !a.is_unspecified() && !list.contains(&a) && list.len() < 16 {
                list.push(a);
            }
        };
        for a in [
            session.initiator(),
            session.responder(),
            session.initiator_now(),
            session.responder_now(),
        ] {
            add(a.ip(), &mut addresses);
        }
        for (n, r) in session.messages.iter().enumerate() {
            let index = r.event();
            let Some((event, m)) = timeline.ike(index) else {
                continue;
            };
            let seen_in = session.seen_in().get(n).map_or(&[][..], Vec::as_slice);
            msgs.push(Msg {
                index,
                source: event.source(),
                at: event.at(),
                time: event.time,
                m,
                retransmit: r.retransmit(),
                seen_in,
            });
            for &other in seen_in {
                if let Some((_, o)) = timeline.ike(other) {
                    add(o.src().ip(), &mut addresses);
                    add(o.dst().ip(), &mut addresses);
                }
            }
        }
        let mut pairs: Vec<Pair> = Vec::new();
        for (i, &a) in addresses.iter().enumerate() {
            for &b in &addresses[i + 1..] {
                pairs.push(pair(a, b));
            }
        }
        let collect = |index: &PairIndex| -> Vec<usize> {
            let mut out: Vec<usize> = pairs.iter().flat_map(|&p| index.get(timeline, p)).collect();
            out.sort_unstable();
            out.dedup();
            out
        };
        let esp = collect(&ev.esp_by_pair)
            .into_iter()
            .filter_map(|i| timeline.esp_flows.get(i))
            .collect();
        let keepalives = collect(&ev.keepalives_by_pair)
            .into_iter()
            .filter_map(|i| timeline.keepalive_flows.get(i))
            .collect();
        let icmp = collect(&ev.icmp_by_pair)
            .into_iter()
            .filter_map(|i| {
                let e = timeline.events.get(i)?;
                match &e.kind {
                    EventKind::Icmp(icmp) => Some((e.source(), e.at(), &**icmp)),
                    _ => None,
                }
            })
            .collect();
        let incomplete = collect(&ev.incomplete_by_pair)
            .into_iter()
            .filter_map(|i| {
                let e = timeline.events.get(i)?;
                match &e.kind {
                    EventKind::Incomplete(d) => Some((e.source(), e.at(), &**d)),
                    _ => None,
                }
            })
            .collect();
        let ikev1 = collect(&ev.ikev1_by_pair)
            .into_iter()
            .filter(|&i| i != index)
            .filter_map(|i| timeline.sessions.get(i))
            .collect();
        let logs = log_views(ev, index);
        SaContext {
            ev,
            index,
            session,
            msgs,
            addresses,
            esp,
            keepalives,
            icmp,
            incomplete,
            ikev1,
            logs,
        }
    }

    pub fn timeline(&self) -> &'t Timeline {
        self.ev.timeline
    }

    /// Replaced by a later attempt (INVALID_KE_PAYLOAD, COOKIE): judged through that one.
    pub fn superseded(&self) -> bool {
        self.ev.restarted.contains(&self.index)
    }

    pub fn phase_reached(&self) -> Phase {
        self.session.phase_reached
    }

    pub fn established(&self) -> bool {
        self.session.phase_reached == Phase::Established
    }

    /// Datagrams of an exchange, requests or responses.
    pub fn exchange(
        &self,
        exchange: ExchangeType,
        response: bool,
    ) -> impl Iterator<Item = Msg<'t>> + '_ {
        self.msgs
            .iter()
            .filter(move |x| x.is(exchange, response))
            .copied()
    }

    /// Whether `answer` (any copy of it) never reached the initiator: it sent the same request
    /// again after the first answer, and never went on (no later request, no ESP after it).
    pub fn answer_lost(&self, answer: &Msg<'_>) -> bool {
        let (exchange, id) = (answer.m.exchange, answer.m.message_id);
        let first = self
            .exchange(exchange, true)
            .find(|x| x.m.message_id == id)
            .map_or(answer.time, |x| x.time.min(answer.time));
        let resent = self
            .exchange(exchange, false)
            .any(|x| x.m.message_id == id && x.time > first);
        let goes_on = self
            .msgs
            .iter()
            .any(|x| x.m.from_initiator && !x.m.response && x.m.message_id > id)
            || self.esp.iter().any(|f| f.packets > 0 && f.last_ts > first);
        resent && !goes_on
    }

    pub fn first(&self, exchange: ExchangeType, response: bool) -> Option<Msg<'t>> {
        self.exchange(exchange, response).next()
    }

    pub fn last(&self, exchange: ExchangeType, response: bool) -> Option<Msg<'t>> {
        self.exchange(exchange, response).last()
    }

    /// Whether every datagram is of IKE_SA_INIT (the SA never went further on the wire).
    pub fn only_init(&self) -> bool {
        self.msgs
            .iter()
            .all(|x| x.m.exchange == ExchangeType::IKE_SA_INIT)
    }

    /// The captures that saw this datagram.
    pub fn sources_of(&self, msg: &Msg<'_>) -> Vec<SourceId> {
        let mut out = vec![msg.source];
        for &i in msg.seen_in {
            if let Some(e) = self.ev.timeline.events.get(i) {
                if !out.contains(&e.source()) {
                    out.push(e.source());
                }
            }
        }
        out
    }

    /// The captures that saw the SA.
    pub fn captures(&self) -> Vec<SourceId> {
        self.session
            .sources
            .iter()
            .copied()
            .filter(|s| {
                self.ev
                    .timeline
                    .sources
                    .get(s.0 as usize)
                    .is_some_and(|src| src.kind == SourceKind::Capture)
            })
            .collect()
    }

    /// Nanoseconds the capture of `msg` goes on after it; with several captures of the SA, the
    /// longest.
    pub fn covered_after(&self, msg: &Msg<'_>) -> i64 {
        self.sources_of(msg)
            .into_iter()
            .filter_map(|s| self.ev.coverage(s))
            .map(|c| c.covered_after(msg.time))
            .max()
            .unwrap_or(0)
    }

    /// Whether some capture of the SA could show bare ESP (IP protocol 50): it was not limited
    /// to the IKE ports. UDP-encapsulated ESP shows in any capture of the IKE ports.
    pub fn esp_visible(&self) -> bool {
        let in_udp = self.session.moved_to_4500_at.is_some();
        self.captures()
            .into_iter()
            .filter_map(|s| self.ev.coverage(s))
            .any(|c| {
                if in_udp {
                    c.shows_udp_esp()
                } else {
                    c.shows_bare_esp()
                }
            })
    }

    /// The capture truncation that cut this SA's evidence, if one did.
    pub fn truncated(&self) -> Option<(SourceId, &'t ike_timeline::Truncation)> {
        self.captures().into_iter().find_map(|s| {
            self.ev
                .coverage(s)
                .and_then(|c| c.truncated.as_ref())
                .map(|t| (s, t))
        })
    }

    /// ESP flows between the SA's addresses.
    pub fn esp_from(&self, sender: IpAddr) -> impl Iterator<Item = &'t EspFlow> + '_ {
        self.esp.iter().copied().filter(move |f| f.src == sender)
    }

    /// ICMP errors quoting the SA's packets on `port` (any port: `None`).
    pub fn icmp_on(&self, port: Option<u16>) -> Vec<(SourceId, Locator, &'t IcmpError)> {
        self.icmp
            .iter()
            .copied()
            .filter(|(_, _, i)| match (port, i.quoted.ports) {
                (None, _) => true,
                (Some(p), Some((s, d))) => s == p || d == p,
                (Some(_), None) => false,
            })
            .collect()
    }

    /// The log view of the given end, if a log of that end speaks of the SA.
    pub fn log_of(&self, end: End) -> Option<&LogView<'t>> {
        self.logs.iter().find(|l| l.end == end)
    }

    /// Every log line of the SA with `fact`, from any log.
    pub fn lines(&self, fact: Fact) -> impl Iterator<Item = Line<'t>> + '_ {
        self.logs.iter().flat_map(move |l| l.all(fact))
    }

    pub fn has_line(&self, fact: Fact) -> bool {
        self.logs.iter().any(|l| l.has(fact))
    }

    /// The implementation of each end, from the logs (and vendor IDs on the wire).
    pub fn implementation(&self, end: End) -> Option<Implementation> {
        if let Some(log) = self.log_of(end) {
            if log.implementation.is_some() {
                return log.implementation;
            }
        }
        let from_initiator = end == End::Initiator;
        self.msgs
            .iter()
            .filter(|x| x.m.from_initiator == from_initiator)
            .flat_map(|x| x.m.vendor_ids())
            .find_map(|v| {
                let info = ike_wire::vendor::identify(v)?;
                match info.implementation {
                    "strongSwan" => Some(Implementation::StrongSwan),
                    "Libreswan" => Some(Implementation::Libreswan),
                    _ => None,
                }
            })
    }

    /// The connection name the log of `end` gives.
    pub fn conn(&self, end: End) -> Option<String> {
        let log = self.log_of(end)?;
        log.lines.iter().find_map(|l| l.log.conn.clone())
    }

    /// The phase a finding about the SA's present state belongs to, from how far it got.
    pub fn failure_phase(&self) -> FailurePhase {
        match self.session.phase_reached {
            Phase::IkeSaInit => FailurePhase::IkeSaInit,
            Phase::IkeAuth => FailurePhase::IkeAuth,
            Phase::Established => FailurePhase::Established,
        }
    }

    /// The next IKEv2 attempt of the same initiator with the same responder, when it starts within
    /// `within_ns` after this SA's last message.
    pub fn next_attempt(&self, within_ns: i64) -> Option<&'t Session> {
        let next = self.ev.attempts.after(self.ev.timeline, self.index)?;
        let session = self.ev.timeline.sessions.get(next)?;
        let last = self.msgs.last()?.time;
        let start = session
            .messages
            .first()
            .and_then(|r| self.ev.timeline.events.get(r.event()))?
            .time;
        (start >= last && start.0 - last.0 <= within_ns).then_some(session)
    }

    /// Whether a notify of `t` appears in a cleartext response of IKE_SA_INIT.
    pub fn init_answered_with(&self, t: NotifyType) -> Option<Msg<'t>> {
        self.exchange(ExchangeType::IKE_SA_INIT, true)
            .find(|x| x.m.has_notify(t))
    }

    /// The first IKE_SA_INIT response that completes the exchange (SA chosen, responder SPI).
    pub fn init_completed(&self) -> Option<Msg<'t>> {
        self.exchange(ExchangeType::IKE_SA_INIT, true)
            .find(|x| x.m.spi_r != 0 && x.m.proposals.is_some())
    }

    /// The identities of a responder's connection lookup: (its own identity as the initiator
    /// asked for it, the initiator's identity).
    pub fn looked_up_identities(&self) -> Option<(String, String)> {
        let detail = self
            .lines(Fact::PeerConfigLookup)
            .find_map(|l| l.log.detail.clone())?;
        let (local, remote) = detail.split_once("...")?;
        let id = |side: &str| -> Option<String> {
            let open = side.find('[')?;
            let close = side.rfind(']')?;
            side.get(open + 1..close).map(str::to_owned)
        };
        Some((id(local)?, id(remote)?))
    }

    /// The fix values the SA shows (each rule adds its own).
    pub fn fix_values(&self) -> crate::fix::Values {
        let mut v = crate::fix::Values {
            initiator: self.implementation(End::Initiator),
            responder: self.implementation(End::Responder),
            initiator_conn: self.conn(End::Initiator),
            responder_conn: self.conn(End::Responder),
            responder_address: Some(self.session.responder().ip()).filter(|a| !a.is_unspecified()),
            ..Default::default()
        };
        v.ike_offered = self
            .session
            .offered
            .iter()
            .flat_map(|list| list.iter())
            .map(|p| p.to_string())
            .collect();
        if let Some(log) = self.log_of(End::Responder) {
            for l in log.all(Fact::ProposalsConfigured) {
                if let Some(d) = &l.log.detail {
                    let list = if d.starts_with("IKE:") {
                        &mut v.ike_accepted
                    } else {
                        &mut v.esp_accepted
                    };
                    for p in d.split(", ") {
                        if !list.iter().any(|x| x == p) {
                            list.push(p.to_owned());
                        }
                    }
                }
            }
            for l in log.all(Fact::ProposalsReceived) {
                if let Some(d) = &l.log.detail {
                    let list = if d.starts_with("IKE:") {
                        &mut v.ike_offered
                    } else {
                        &mut v.esp_offered
                    };
                    for p in d.split(", ") {
                        if !list.iter().any(|x| x == p) {
                            list.push(p.to_owned());
                        }
                    }
                }
            }
        }
        for log in &self.logs {
            for l in log.lines.iter().chain(&log.daemon) {
                match l.fact() {
                    Fact::ChildEstablishing if v.child.is_none() => v.child = l.log.detail.clone(),
                    Fact::ConfiguredLocalTs if log.end == End::Responder => {
                        for ts in l.log.detail.iter().flat_map(|d| d.split([',', ' '])) {
                            let ts = ts.trim();
                            if !ts.is_empty()
                                && ts != "dynamic"
                                && !v.ts_allowed.iter().any(|x| x == ts)
                            {
                                v.ts_allowed.push(ts.to_owned());
                            }
                        }
                    }
                    Fact::TsRejected if v.ts_asked.is_empty() => {
                        if let Some(asked) = l
                            .log
                            .detail
                            .as_deref()
                            .and_then(|d| d.split(" === ").next())
                        {
                            v.ts_asked = asked
                                .split(' ')
                                .filter(|t| !t.is_empty())
                                .map(str::to_owned)
                                .collect();
                        }
                    }
                    _ => {}
                }
            }
        }
        if let Some(log) = self.log_of(End::Initiator) {
            for l in log.all(Fact::ProposalsConfigured) {
                if let Some(d) = &l.log.detail {
                    let list = if d.starts_with("IKE:") {
                        &mut v.ike_offered
                    } else {
                        &mut v.esp_offered
                    };
                    for p in d.split(", ") {
                        if !list.iter().any(|x| x == p) {
                            list.push(p.to_owned());
                        }
                    }
                }
            }
        }
        v
    }
}

/// The logs that speak of session `index`: its joined groups, one view per log source, with
/// the daemon-level lines of each such log (and of logs that joined no SA at all: a daemon that
/// never logged an SA may still say why, e.g. it could not bind its port).
fn log_views<'t>(ev: &Evidence<'t>, index: usize) -> Vec<LogView<'t>> {
    let timeline = ev.timeline;
    let mut views: Vec<LogView<'t>> = Vec::new();
    let line_of = |i: usize, end: End| -> Option<Line<'t>> {
        let event = timeline.events.get(i)?;
        match &event.kind {
            EventKind::Log(log) => Some(Line { event, log, end }),
            _ => None,
        }
    };
    let first = ev
        .groups_by_session
        .partition_point(|&(s, _)| (s as usize) < index);
    let joined = ev.groups_by_session[first..]
        .iter()
        .take_while(|&&(s, _)| s as usize == index);
    for &(_, g) in joined {
        let Some(group) = timeline.log_groups.get(g as usize) else {
            continue;
        };
        let end = group.end;
        let view = match views.iter_mut().position(|v| v.source == group.source) {
            Some(i) => &mut views[i],
            None => {
                views.push(LogView {
                    source: group.source,
                    end,
                    implementation: None,
                    lines: Vec::new(),
                    daemon: Vec::new(),
                });
                let last = views.len() - 1;
                &mut views[last]
            }
        };
        view.end = view.end.join(end);
        view.lines
            .extend(group.events.iter().filter_map(|&i| line_of(i, end)));
    }
    // Logs that joined no SA: their daemon-level lines concern this SA too.
    for (source, _) in ev.daemon_groups.iter() {
        if !ev.joined_sources.contains(source) && !views.iter().any(|v| v.source == *source) {
            views.push(LogView {
                source: *source,
                end: End::Unknown,
                implementation: None,
                lines: Vec::new(),
                daemon: Vec::new(),
            });
        }
    }
    for view in &mut views {
        view.lines.sort_by_key(|l| l.event.at());
        if let Some(groups) = ev.daemon_groups.get(&view.source) {
            for &g in groups {
                if let Some(group) = timeline.log_groups.get(g) {
                    view.daemon
                        .extend(group.events.iter().filter_map(|&i| line_of(i, view.end)));
                }
            }
        }
        view.implementation = view
            .lines
            .iter()
            .chain(&view.daemon)
            .map(|l| l.log.entry.implementation)
            .next();
        // A log of one end: every line carries it.
        let end = view.end;
        for l in view.lines.iter_mut().chain(view.daemon.iter_mut()) {
            l.end = end;
        }
    }
    views
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_index_finds_every_item_of_a_pair_and_no_other() {
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "198.51.100.2".parse().unwrap();
        let c: IpAddr = "2001:db8::3".parse().unwrap();
        let items = [pair(b, a), pair(a, c), pair(a, b), pair(c, b)];
        let pair_of: PairOf<[Pair]> = |items, i| items.get(i).copied();
        let index = PairIndex::new(&items[..], items.len(), pair_of);
        let get = |p| index.get(&items[..], p).collect::<Vec<_>>();
        assert_eq!(get(pair(a, b)), [0, 2]);
        assert_eq!(get(pair(c, a)), [1]);
        assert_eq!(get(pair(b, c)), [3]);
        assert!(get(pair(a, a)).is_empty());
    }

    /// Two pairs whose keys collide: each lookup still gives only its own pair's items.
    #[test]
    fn pair_index_checks_the_pair_behind_a_shared_key() {
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "198.51.100.2".parse().unwrap();
        let c: IpAddr = "2001:db8::3".parse().unwrap();
        let items = [pair(a, b), pair(a, c)];
        let pair_of: PairOf<[Pair]> = |items, i| items.get(i).copied();
        let shared = pair_key(items[0]);
        let index = PairIndex {
            entries: vec![(shared, 0), (shared, 1)],
            pair_of,
        };
        assert_eq!(index.get(&items[..], items[0]).collect::<Vec<_>>(), [0]);
        assert_eq!(index.get(&items[..], items[1]).count(), 0);
    }
}
