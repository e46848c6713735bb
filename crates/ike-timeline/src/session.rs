//! IKE SA reconstruction from the ordered events: messages are grouped by SPIs, requests and
//! responses paired by message ID, retransmissions marked, restarts after INVALID_KE_PAYLOAD
//! or COOKIE linked to the attempt they restart, and each SA's endpoints followed.
// Lookups only (never iterated): a fast hash, the order does not reach the report.
use rustc_hash::FxHashMap as HashMap;
use std::net::{IpAddr, SocketAddr};

use ike_capture::Timestamp;
use ike_wire::{DhGroup, ExchangeType, NotifyType, ProposalRepr};

use smallvec::{smallvec, SmallVec};

use crate::builder::Timeline;
use crate::event::{Endpoints, EventKind, IkeMessage, SourceId};

/// How far an IKE SA got, as far as the evidence shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// No valid IKE_SA_INIT response was seen.
    IkeSaInit,
    /// IKE_SA_INIT completed; the IKE SA was not seen to be authenticated.
    IkeAuth,
    /// Evidence after IKE_AUTH shows the SA was up (answered exchanges with later message
    /// IDs, or ESP between the peers after the IKE_AUTH response).
    Established,
}

impl Phase {
    /// The contract's phase string.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::IkeSaInit => "IKE_SA_INIT",
            Phase::IkeAuth => "IKE_AUTH",
            Phase::Established => "ESTABLISHED",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From the original initiator to the responder.
    InitiatorToResponder,
    ResponderToInitiator,
}

/// One message of an SA: its index in [`Timeline::events`] and whether it is a
/// retransmission, in 4 bytes (a gateway's capture lists hundreds of thousands).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageRef(u32);

impl MessageRef {
    const RETRANSMIT: u32 = 1 << 31;

    /// `None` for an index of 2^31 or more (two billion events, beyond any cap).
    pub fn new(event: usize, retransmit: bool) -> Option<MessageRef> {
        let event = u32::try_from(event)
            .ok()
            .filter(|&e| e < Self::RETRANSMIT)?;
        Some(MessageRef(if retransmit {
            event | Self::RETRANSMIT
        } else {
            event
        }))
    }

    /// Its index in [`Timeline::events`].
    pub fn event(self) -> usize {
        (self.0 & !Self::RETRANSMIT) as usize
    }

    /// Same direction, exchange, message ID and bytes as an earlier message of the SA.
    pub fn retransmit(self) -> bool {
        self.0 & Self::RETRANSMIT != 0
    }
}

/// A peer's address or port changed during the SA (other than the NAT-T move to 4500).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointChange {
    pub event: usize,
    pub initiator_side: bool,
    pub from: SocketAddr,
    pub to: SocketAddr,
}

/// Link from a new IKE_SA_INIT attempt to the one it restarts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restart {
    /// Index of the restarted session in [`Timeline::sessions`].
    pub session: usize,
    /// `INVALID_KE_PAYLOAD` or `COOKIE`.
    pub reason: &'static str,
}

/// One IKE SA, as every capture that saw it shows it: datagrams seen by several captures are
/// listed once, with the other sightings in `seen_in`.
#[derive(Debug, Clone)]
pub struct Session {
    /// The capture the SA is described from (its first sighting of the SA).
    pub source: SourceId,
    /// Every capture that saw the SA, `source` first (inline for two: most SAs are seen by one
    /// capture or one at each end).
    pub sources: SmallVec<[SourceId; 2]>,
    /// 2 for IKEv2, 1 for IKEv1 (recognised, not parsed further).
    pub ike_major_version: u8,
    pub spi_i: u64,
    /// The responder's SPI once known (0 before).
    pub spi_r: u64,
    /// Initiator and responder as first seen (read them with [`Session::initiator`] and
    /// [`Session::responder`]): shared with the first message when it came from the initiator.
    pub endpoints: Endpoints,
    /// Initiator and responder as last seen, after the NAT-T move and any later change (read
    /// them with [`Session::initiator_now`] and [`Session::responder_now`]).
    pub endpoints_now: Endpoints,
    /// Its datagrams in time order, each once (its first sighting): the event index and
    /// whether it is a retransmission (same direction, ID and bytes as an earlier one).
    pub messages: Vec<MessageRef>,
    pub phase_reached: Phase,
    /// Why `phase_reached` is `Established`, for the report.
    pub established_by: Option<Box<str>>,
    /// Time of the first IKE_AUTH response.
    pub auth_response_at: Option<Timestamp>,
    /// Message ID of the last IKE_AUTH round answered (EAP takes several).
    pub last_auth_message_id: u32,
    /// Proposals of the first IKE_SA_INIT request.
    pub offered: Option<crate::event::ProposalList>,
    /// The responder's IKE_SA_INIT SA payload, whose first proposal is the one it chose (see
    /// [`Session::chosen`]): shared with the message, not copied per SA.
    pub chosen_from: Option<crate::event::ProposalList>,
    /// KE groups the initiator sent, in order (one per IKE_SA_INIT attempt; inline for four).
    pub ke_sent: SmallVec<[DhGroup; 4]>,
    /// Event index of the first message on UDP 4500 (the NAT-T move), if any.
    pub moved_to_4500_at: Option<usize>,
    /// What few SAs have, out of line: inline it cost every SA 64 bytes (read it with the
    /// methods of the same names).
    rare: Option<Box<RareSessionParts>>,
}

/// The parts of a [`Session`] that most SAs do not have.
#[derive(Debug, Clone, Default)]
pub struct RareSessionParts {
    /// For each of the session's messages, the same datagram as the other captures saw it
    /// (event indices). Empty while only one capture saw the SA.
    pub seen_in: Vec<Vec<usize>>,
    pub restart_of: Option<Restart>,
    pub endpoint_changes: Vec<EndpointChange>,
    /// Messages not kept because the per-session cap was reached.
    pub messages_dropped: u64,
}

impl Session {
    /// An SA first seen in `source`, with no messages yet, in IKE_SA_INIT.
    pub fn new(
        source: SourceId,
        ike_major_version: u8,
        (spi_i, spi_r): (u64, u64),
        endpoints: Endpoints,
    ) -> Session {
        Session {
            source,
            sources: smallvec![source],
            ike_major_version,
            spi_i,
            spi_r,
            endpoints_now: endpoints.clone(),
            endpoints,
            messages: Vec::new(),
            phase_reached: Phase::IkeSaInit,
            established_by: None,
            auth_response_at: None,
            last_auth_message_id: 0,
            offered: None,
            chosen_from: None,
            ke_sent: SmallVec::new(),
            moved_to_4500_at: None,
            rare: None,
        }
    }

    /// For each of `messages`, the same datagram as the other captures saw it (event indices):
    /// empty while only one capture saw the SA, so read it with `get(n)`.
    pub fn seen_in(&self) -> &[Vec<usize>] {
        self.rare.as_deref().map_or(&[], |r| &r.seen_in)
    }

    /// The attempt this one restarts (after INVALID_KE_PAYLOAD or COOKIE).
    pub fn restart_of(&self) -> Option<&Restart> {
        self.rare.as_deref()?.restart_of.as_ref()
    }

    /// Changes of a peer's address or port other than the NAT-T move.
    pub fn endpoint_changes(&self) -> &[EndpointChange] {
        self.rare.as_deref().map_or(&[], |r| &r.endpoint_changes)
    }

    /// Messages not kept because the per-session cap was reached.
    pub fn messages_dropped(&self) -> u64 {
        self.rare.as_deref().map_or(0, |r| r.messages_dropped)
    }

    /// The rare parts, made when first written.
    pub fn rare_mut(&mut self) -> &mut RareSessionParts {
        self.rare.get_or_insert_with(Default::default)
    }

    pub fn initiator(&self) -> SocketAddr {
        self.endpoints.src()
    }

    /// Whether a datagram from `src` was sent by the initiator: from its address, or from its
    /// host on another port (the NAT-T move to 4500) when the two peers' hosts differ.
    pub fn sent_by_initiator(&self, src: SocketAddr) -> bool {
        let initiator = self.initiator();
        src == initiator || (src.ip() == initiator.ip() && src.ip() != self.responder().ip())
    }

    pub fn responder(&self) -> SocketAddr {
        self.endpoints.dst()
    }

    pub fn initiator_now(&self) -> SocketAddr {
        self.endpoints_now.src()
    }

    pub fn responder_now(&self) -> SocketAddr {
        self.endpoints_now.dst()
    }

    /// The IKE proposal the responder chose, once its IKE_SA_INIT answer was seen.
    pub fn chosen(&self) -> Option<&ProposalRepr> {
        self.chosen_from
            .as_deref()
            .and_then(<[ProposalRepr]>::first)
    }

    pub fn direction_of(&self, m: &IkeMessage) -> Direction {
        if m.from_initiator {
            Direction::InitiatorToResponder
        } else {
            Direction::ResponderToInitiator
        }
    }
}

const MAX_MESSAGES_PER_SESSION: usize = 20_000;
/// A new attempt within this much capture time after an INVALID_KE/COOKIE answer is its restart.
const RESTART_WINDOW_NS: i64 = 30_000_000_000;

/// An IKE SA as seen by one source: the source, the IKE major version (2, or 1 for any other)
/// and the initiator's SPI.
pub(crate) type SessionKey = (SourceId, u8, u64);

/// Groups the timeline's IKE events into sessions, one per `SessionKey`. The session cap is
/// not applied here: the builder keeps no message of an SA past it (see
/// `TimelineBuilder::admit_sa`). `expected` is how many sessions the builder admitted: sized
/// up front, the list does not double past it (a gateway's capture holds tens of thousands of
/// sessions of a few hundred bytes each).
pub fn reconstruct(timeline: &Timeline, expected: usize) -> Vec<Session> {
    let mut sessions: Vec<Session> = Vec::with_capacity(expected);
    let mut by_spi: HashMap<SessionKey, usize> =
        HashMap::with_capacity_and_hasher(expected, Default::default());
    // Last session between an initiator and a responder address that was told to restart.
    let mut restart_candidates: HashMap<(SourceId, IpAddr, IpAddr), (usize, Timestamp)> =
        HashMap::default();
    // Each session's message digests beside its message list, while it is built: a retransmit
    // is looked for among them, and only a message with the same digest is read again.
    let mut digests: Vec<Vec<u32>> = Vec::with_capacity(expected);

    for (index, event) in timeline.events.iter().enumerate() {
        let (key, spi_r) = match &event.kind {
            EventKind::Ike(m) => ((event.source(), 2, m.spi_i), m.spi_r),
            EventKind::IkeV1(v1) => ((event.source(), 1, v1.spi_i), v1.spi_r),
            _ => continue,
        };
        let session_index = match by_spi.get(&key) {
            Some(&i) => i,
            None => {
                // The pair oriented initiator -> responder, shared with a message sent by the
                // initiator.
                let endpoints = match &event.kind {
                    EventKind::Ike(m) => oriented(m),
                    // IKEv1 has no I flag on responses we can trust here: first sender initiates.
                    EventKind::IkeV1(v1) => Endpoints::new(v1.src, v1.dst),
                    _ => continue,
                };
                let mut session = Session::new(event.source(), key.1, (key.2, 0), endpoints);
                if let EventKind::Ike(m) = &event.kind {
                    let restart_key = (
                        event.source(),
                        session.initiator().ip(),
                        session.responder().ip(),
                    );
                    if m.exchange == ExchangeType::IKE_SA_INIT && !m.response {
                        if let Some(&(previous, at)) = restart_candidates.get(&restart_key) {
                            if event.time.0 - at.0 <= RESTART_WINDOW_NS {
                                session.rare_mut().restart_of = Some(Restart {
                                    session: previous,
                                    reason: restart_reason(timeline, &sessions, previous),
                                });
                                restart_candidates.remove(&restart_key);
                            }
                        }
                    }
                }
                sessions.push(session);
                digests.push(Vec::new());
                let i = sessions.len() - 1;
                by_spi.insert(key, i);
                i
            }
        };
        let (Some(session), Some(digests)) = (
            sessions.get_mut(session_index),
            digests.get_mut(session_index),
        ) else {
            continue;
        };
        if session.messages.len() >= MAX_MESSAGES_PER_SESSION {
            session.rare_mut().messages_dropped += 1;
            continue;
        }
        if session.spi_r == 0 && spi_r != 0 {
            session.spi_r = spi_r;
        }
        let EventKind::Ike(m) = &event.kind else {
            if let Some(message) = MessageRef::new(index, false) {
                session.messages.push(message);
                // No IKEv2 message matches it: `is_retransmit` reads the event again.
                digests.push(0);
            }
            continue;
        };
        let retransmit = is_retransmit(timeline, session, digests, m);
        let Some(message) = MessageRef::new(index, retransmit) else {
            continue;
        };
        session.messages.push(message);
        digests.push(m.digest);
        track_endpoints(session, index, m);
        if m.exchange == ExchangeType::IKE_SA_INIT {
            if !m.response {
                if let Some(group) = m.ke_group() {
                    if !retransmit {
                        session.ke_sent.push(group);
                    }
                }
                if session.offered.is_none() {
                    session.offered = m.proposals.clone();
                }
            } else if m.has_notify(NotifyType::INVALID_KE_PAYLOAD)
                || m.has_notify(NotifyType::COOKIE)
            {
                restart_candidates.insert(
                    (
                        event.source(),
                        session.initiator().ip(),
                        session.responder().ip(),
                    ),
                    (session_index, event.time),
                );
            } else if m.spi_r != 0 && m.proposals.is_some() {
                session.chosen_from = m.proposals.clone().filter(|p| !p.is_empty());
                session.phase_reached = session.phase_reached.max(Phase::IkeAuth);
            }
        } else if m.message_id >= 1 && session.phase_reached < Phase::IkeAuth && m.spi_r != 0 {
            // Capture started after IKE_SA_INIT: later exchanges prove it completed.
            session.phase_reached = Phase::IkeAuth;
        }
        if m.exchange == ExchangeType::IKE_AUTH && m.response {
            session.auth_response_at.get_or_insert(event.time);
            session.last_auth_message_id = session.last_auth_message_id.max(m.message_id);
        }
        if session.phase_reached < Phase::Established {
            if let Some(why) = proves_established(session, m, event.time) {
                session.phase_reached = Phase::Established;
                session.established_by = Some(why.into_boxed_str());
            }
        }
    }
    let mut esp_by_src: HashMap<(SourceId, IpAddr), Vec<usize>> = HashMap::default();
    for (i, f) in timeline.esp_flows.iter().enumerate() {
        esp_by_src.entry((f.source, f.src)).or_default().push(i);
    }
    for session in &mut sessions {
        mark_established_by_esp(timeline, &esp_by_src, session);
        // Pushed one by one, the lists hold up to twice their length; copied, they hold it.
        session.messages = session.messages.to_vec();
    }
    sessions
}

/// An answered exchange after IKE_AUTH shows the SA was up, with care for the one exchange a
/// failed authentication also produces: the initiator's INFORMATIONAL carrying
/// AUTHENTICATION_FAILED (RFC 7296 2.21.2), which is message ID 2 right after IKE_AUTH.
fn proves_established(session: &Session, m: &IkeMessage, at: Timestamp) -> Option<String> {
    const DPD_MIN_DELAY_NS: i64 = 5_000_000_000;
    if !m.response
        || m.exchange == ExchangeType::IKE_SA_INIT
        || m.exchange == ExchangeType::IKE_AUTH
    {
        return None;
    }
    let auth_at = session.auth_response_at?;
    if m.from_initiator {
        // Answer to a request the responder started: responders start exchanges only on a live SA.
        return Some(format!(
            "the initiator answered the responder's {} request (message ID {})",
            m.exchange, m.message_id
        ));
    }
    let late = at.0 - auth_at.0 > DPD_MIN_DELAY_NS;
    // The exchange right after the last IKE_AUTH round may be the AUTHENTICATION_FAILED one;
    // a later one is not.
    let second_after_auth = m.message_id >= session.last_auth_message_id.saturating_add(2);
    if m.exchange == ExchangeType::CREATE_CHILD_SA || second_after_auth || late {
        return Some(format!(
            "{} response (message ID {}) after IKE_AUTH",
            m.exchange, m.message_id
        ));
    }
    None
}

fn restart_reason(timeline: &Timeline, sessions: &[Session], previous: usize) -> &'static str {
    let told_cookie = sessions
        .get(previous)
        .map(|s| {
            s.messages.iter().any(|r| {
                timeline
                    .ike(r.event())
                    .is_some_and(|(_, m)| m.response && m.has_notify(NotifyType::COOKIE))
            })
        })
        .unwrap_or(false);
    if told_cookie {
        "COOKIE"
    } else {
        "INVALID_KE_PAYLOAD"
    }
}

/// Same direction, exchange, message ID and bytes as a message already in the session.
/// `digests` holds the digest of each of the session's messages, in order.
fn is_retransmit(timeline: &Timeline, session: &Session, digests: &[u32], m: &IkeMessage) -> bool {
    // Retransmits follow their original closely; a bounded look-back keeps this linear.
    const LOOK_BACK: usize = 64;
    let earlier = session.messages.iter().zip(digests).rev().take(LOOK_BACK);
    earlier
        .filter(|(_, &digest)| digest == m.digest)
        .any(|(r, _)| {
            timeline.ike(r.event()).is_some_and(|(_, earlier)| {
                earlier.from_initiator == m.from_initiator
                    && earlier.response == m.response
                    && earlier.message_id == m.message_id
                    && earlier.exchange == m.exchange
                    && earlier.digest == m.digest
                    && earlier.captured_len == m.captured_len
            })
        })
}

/// The message's endpoints as initiator -> responder.
fn oriented(m: &IkeMessage) -> Endpoints {
    if m.from_initiator {
        m.endpoints.clone()
    } else {
        Endpoints::new(m.dst(), m.src())
    }
}

fn track_endpoints(session: &mut Session, index: usize, m: &IkeMessage) {
    let (initiator, responder) = if m.from_initiator {
        (m.src(), m.dst())
    } else {
        (m.dst(), m.src())
    };
    let (initiator_now, responder_now) = (session.initiator_now(), session.responder_now());
    let uses_4500 = m.src().port() == 4500 || m.dst().port() == 4500 || m.non_esp_marker;
    if uses_4500 && session.moved_to_4500_at.is_none() {
        session.moved_to_4500_at = Some(index);
        // The NAT-T move itself is expected: follow it without calling it a change.
        if initiator.ip() == initiator_now.ip() && responder.ip() == responder_now.ip() {
            session.endpoints_now = oriented(m);
            return;
        }
    }
    if initiator != initiator_now {
        session.rare_mut().endpoint_changes.push(EndpointChange {
            event: index,
            initiator_side: true,
            from: initiator_now,
            to: initiator,
        });
    }
    if responder != responder_now {
        session.rare_mut().endpoint_changes.push(EndpointChange {
            event: index,
            initiator_side: false,
            from: responder_now,
            to: responder,
        });
    }
    if (initiator, responder) != (initiator_now, responder_now) {
        session.endpoints_now = oriented(m);
    }
}

/// ESP between the two peers after the IKE_AUTH response proves the CHILD_SA came up.
fn mark_established_by_esp(
    timeline: &Timeline,
    esp_by_src: &HashMap<(SourceId, IpAddr), Vec<usize>>,
    session: &mut Session,
) {
    if session.phase_reached != Phase::IkeAuth {
        return;
    }
    let Some(after) = session.auth_response_at else {
        return;
    };
    let peers = [session.initiator().ip(), session.responder().ip()];
    let esp = peers
        .iter()
        .flat_map(|ip| esp_by_src.get(&(session.source, *ip)).into_iter().flatten())
        .filter_map(|&i| timeline.esp_flows.get(i))
        .find(|f| peers.contains(&f.dst) && f.last_ts >= after);
    if let Some(flow) = esp {
        session.phase_reached = Phase::Established;
        session.established_by = Some(
            format!(
                "ESP SPI 0x{:08x} from {} after the IKE_AUTH response ({} packets)",
                flow.spi, flow.src, flow.packets
            )
            .into_boxed_str(),
        );
    }
}

/// One SA seen by several captures becomes one session: the per-capture sessions with the
/// same SPIs are joined, each datagram listed once (matched by direction, exchange, message ID
/// and bytes; the k-th copy in one capture is the k-th in the other) with its other sightings
/// in `seen_in`, in the order of the first capture's clock (`offset_ns` maps each capture's
/// times onto it). Restart links are renumbered.
pub fn merge(
    timeline: &Timeline,
    per_source: Vec<Session>,
    offset_ns: &dyn Fn(SourceId) -> i64,
) -> Vec<Session> {
    let time = |index: usize| {
        timeline
            .events
            .get(index)
            .map_or(0, |e| e.time.0 - offset_ns(e.source()))
    };
    // Groups of per-source sessions of one SA, in order of first appearance.
    let mut group_of: HashMap<(u8, u64), usize> = HashMap::default();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, s) in per_source.iter().enumerate() {
        let key = (s.ike_major_version, s.spi_i);
        // Responder SPIs that disagree are different SAs that share an initiator SPI.
        let joined = group_of.get(&key).copied().filter(|&g| {
            groups[g].iter().all(|&j| {
                let other = &per_source[j];
                other.source != s.source
                    && (other.spi_r == 0 || s.spi_r == 0 || other.spi_r == s.spi_r)
            })
        });
        match joined {
            Some(g) => groups[g].push(i),
            None => {
                group_of.insert(key, groups.len());
                groups.push(vec![i]);
            }
        }
    }
    // No SA seen by two captures (one capture, or captures of different SAs): nothing to join,
    // and the sessions stay where they are (restart links included) instead of being copied.
    if groups.len() == per_source.len() {
        return per_source;
    }
    let mut merged_index = vec![0usize; per_source.len()];
    for (g, members) in groups.iter().enumerate() {
        for &i in members {
            merged_index[i] = g;
        }
    }
    let mut slots: Vec<Option<Session>> = per_source.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(groups.len());
    for members in &groups {
        let mut parts: Vec<Session> = members.iter().filter_map(|&i| slots[i].take()).collect();
        // The capture whose first message comes first in time describes the SA (normally the
        // initiator's side); the others add their sightings.
        parts.sort_by_key(|s| {
            let first = s.messages.first().map_or(i64::MAX, |r| time(r.event()));
            (first, s.source)
        });
        let mut parts = parts.into_iter();
        let Some(mut base) = parts.next() else {
            continue;
        };
        for other in parts {
            absorb(timeline, &mut base, other);
        }
        if base.sources.len() > 1 {
            order_by_time(&mut base, &time);
        }
        if let Some(r) = base.rare.as_mut().and_then(|rare| rare.restart_of.as_mut()) {
            r.session = merged_index.get(r.session).copied().unwrap_or(r.session);
        }
        out.push(base);
    }
    out
}

/// Adds `other`'s sightings of the same SA to `base`.
fn absorb(timeline: &Timeline, base: &mut Session, other: Session) {
    type Key = (bool, bool, u32, u8, u32);
    let key = |index: usize| -> Option<Key> {
        let (_, m) = timeline.ike(index)?;
        Some((
            m.from_initiator,
            m.response,
            m.message_id,
            m.exchange.0,
            m.digest,
        ))
    };
    // Sightings are listed per message from the first join on.
    let seen_in = &mut base.rare.get_or_insert_with(Default::default).seen_in;
    seen_in.resize(base.messages.len(), Vec::new());
    let mut positions: HashMap<Key, Vec<usize>> = HashMap::default();
    for (n, r) in base.messages.iter().enumerate() {
        if let Some(k) = key(r.event()) {
            positions.entry(k).or_default().push(n);
        }
    }
    let mut used: HashMap<Key, usize> = HashMap::default();
    for &r in &other.messages {
        let index = r.event();
        let matched = key(index).and_then(|k| {
            let k_th = used.entry(k).or_insert(0);
            let position = positions.get(&k).and_then(|p| p.get(*k_th)).copied();
            *k_th += 1;
            position
        });
        match matched {
            Some(position) => {
                if let Some(seen) = seen_in.get_mut(position) {
                    seen.push(index);
                }
            }
            None => {
                base.messages.push(r);
                seen_in.push(Vec::new());
            }
        }
    }
    base.sources.push(other.source);
    if base.spi_r == 0 {
        base.spi_r = other.spi_r;
    }
    if other.phase_reached > base.phase_reached {
        base.phase_reached = other.phase_reached;
        base.established_by = other.established_by;
    }
    if base.offered.is_none() {
        base.offered = other.offered;
    }
    if base.chosen_from.is_none() {
        base.chosen_from = other.chosen_from;
    }
    if base.ke_sent.is_empty() {
        base.ke_sent = other.ke_sent;
    }
    let other_rare = other.rare.map(|r| *r).unwrap_or_default();
    let rare = base.rare_mut();
    if rare.restart_of.is_none() {
        rare.restart_of = other_rare.restart_of;
    }
    rare.messages_dropped += other_rare.messages_dropped;
    if base.auth_response_at.is_none() {
        base.auth_response_at = other.auth_response_at;
    }
    base.last_auth_message_id = base.last_auth_message_id.max(other.last_auth_message_id);
}

/// Puts the messages (with their sightings and marks) in the order of the reference clock.
fn order_by_time(session: &mut Session, time: &dyn Fn(usize) -> i64) {
    let seen_in = &mut session.rare.get_or_insert_with(Default::default).seen_in;
    seen_in.resize(session.messages.len(), Vec::new());
    let mut rows: Vec<(MessageRef, Vec<usize>)> = std::mem::take(&mut session.messages)
        .into_iter()
        .zip(std::mem::take(seen_in))
        .collect();
    rows.sort_by_key(|(r, _)| (time(r.event()), r.event()));
    for (r, seen) in rows {
        session.messages.push(r);
        seen_in.push(seen);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_ref_keeps_its_index_and_mark_in_four_bytes() {
        assert_eq!(std::mem::size_of::<MessageRef>(), 4);
        let plain = MessageRef::new(7, false).expect("fits");
        let again = MessageRef::new((1 << 31) - 1, true).expect("fits");
        assert_eq!((plain.event(), plain.retransmit()), (7, false));
        assert_eq!((again.event(), again.retransmit()), ((1 << 31) - 1, true));
        assert_eq!(MessageRef::new(1 << 31, false), None);
    }
    use crate::builder::{Limits, SourceKind, TimelineBuilder};
    use ike_capture::{IkeDatagram, NetEvent};
    use ike_wire::{
        HeaderRepr, MessageRepr, NotifyRepr, Payload, PayloadRepr, PayloadType, ProtocolId,
    };

    const CLIENT: &str = "192.0.2.10:500";
    const GATEWAY: &str = "198.51.100.1:500";

    struct Wire {
        builder: TimelineBuilder,
        source: SourceId,
        frame: u64,
    }

    impl Wire {
        fn new() -> Self {
            let mut builder = TimelineBuilder::new(Limits::default());
            let source = builder.add_source("test.pcap", SourceKind::Capture);
            Wire {
                builder,
                source,
                frame: 0,
            }
        }

        #[allow(clippy::too_many_arguments)]
        fn send(
            &mut self,
            at_ms: i64,
            spi_i: u64,
            spi_r: u64,
            exchange: ExchangeType,
            message_id: u32,
            flags: u8,
            payloads: Vec<PayloadRepr>,
        ) {
            self.frame += 1;
            let mut repr = MessageRepr {
                header: HeaderRepr {
                    spi_i,
                    spi_r,
                    next_payload: PayloadType(0),
                    major_version: 2,
                    minor_version: 0,
                    exchange,
                    flags,
                    message_id,
                    length: 0,
                },
                payloads: payloads
                    .into_iter()
                    .map(|body| Payload {
                        critical: false,
                        body,
                    })
                    .collect(),
            };
            repr.canonicalize_header();
            let from_initiator = flags & 0x08 != 0;
            let (src, dst) = if from_initiator {
                (CLIENT, GATEWAY)
            } else {
                (GATEWAY, CLIENT)
            };
            self.builder.push_net_event(
                self.source,
                NetEvent::Ike(IkeDatagram {
                    frame: self.frame,
                    ts: Timestamp(at_ms * 1_000_000),
                    src: src.parse().unwrap(),
                    dst: dst.parse().unwrap(),
                    non_esp_marker: false,
                    ip_fragments: Vec::new(),
                    ip_len: 0,
                    payload: repr.to_bytes(),
                }),
            );
        }
    }

    fn notify(t: NotifyType, data: &[u8]) -> PayloadRepr {
        PayloadRepr::Notify(NotifyRepr {
            protocol: ProtocolId(0),
            spi: Vec::new(),
            notify_type: t,
            data: data.to_vec(),
        })
    }

    fn nonce() -> PayloadRepr {
        PayloadRepr::Nonce(vec![7; 32])
    }

    fn sa() -> PayloadRepr {
        PayloadRepr::SecurityAssociation(vec![ike_wire::ProposalRepr {
            number: 1,
            protocol: ProtocolId(1),
            spi: Vec::new(),
            transforms: vec![ike_wire::TransformRepr {
                transform_type: ike_wire::TransformType(1),
                id: 12,
                key_length: Some(256),
                other_attributes: Vec::new(),
            }],
        }])
    }

    fn sk(len: usize) -> PayloadRepr {
        PayloadRepr::Encrypted {
            first_inner: PayloadType(35),
            data: vec![0; len],
        }
    }

    const I: u8 = 0x08;
    const R: u8 = 0x20;

    #[test]
    fn sas_past_the_session_cap_cost_no_message_and_are_counted_once() {
        let mut w = Wire::new();
        w.builder = TimelineBuilder::new(Limits {
            max_sessions: 2,
            ..Limits::default()
        });
        w.source = w.builder.add_source("test.pcap", SourceKind::Capture);
        let init = ExchangeType::IKE_SA_INIT;
        for spi in [1, 2, 3, 3, 4, 1] {
            w.send(0, spi, 0, init, 0, I, vec![nonce()]);
        }
        let t = w.builder.finish();
        // SAs 1 and 2 are kept whole (1 with its retransmit); 3 and 4 are counted once each.
        assert_eq!(t.sessions.len(), 2);
        assert_eq!(t.sessions[0].messages.len(), 2);
        assert_eq!(t.events.len(), 3);
        assert_eq!(t.sessions_untracked, 2);
        assert_eq!(t.ike_events_dropped, 3);
    }

    #[test]
    fn retransmits_are_marked_and_restarts_linked() {
        let mut w = Wire::new();
        let init = ExchangeType::IKE_SA_INIT;
        // Attempt 1 asks again with the same bytes, then is told to use another group.
        w.send(0, 1, 0, init, 0, I, vec![nonce()]);
        w.send(1000, 1, 0, init, 0, I, vec![nonce()]);
        w.send(
            1001,
            1,
            0,
            init,
            0,
            R,
            vec![notify(NotifyType::INVALID_KE_PAYLOAD, &[0, 19])],
        );
        // Attempt 2 (new SPI) completes IKE_SA_INIT.
        w.send(1002, 2, 0, init, 0, I, vec![nonce(), nonce()]);
        w.send(1003, 2, 9, init, 0, R, vec![sa(), nonce()]);
        let t = w.builder.finish();
        assert_eq!(t.sessions.len(), 2);
        let retransmits: Vec<bool> = t.sessions[0]
            .messages
            .iter()
            .map(|r| r.retransmit())
            .collect();
        assert_eq!(retransmits, [false, true, false]);
        assert_eq!(t.sessions[0].phase_reached, Phase::IkeSaInit);
        let restart = t.sessions[1].restart_of().expect("linked");
        assert_eq!((restart.session, restart.reason), (0, "INVALID_KE_PAYLOAD"));
        assert_eq!(t.sessions[1].phase_reached, Phase::IkeAuth);
        assert_eq!(t.sessions[1].spi_r, 9);
    }

    #[test]
    fn an_authentication_failure_exchange_is_not_establishment() {
        let mut w = Wire::new();
        w.send(0, 1, 0, ExchangeType::IKE_SA_INIT, 0, I, vec![nonce()]);
        w.send(1, 1, 5, ExchangeType::IKE_SA_INIT, 0, R, vec![sa()]);
        w.send(2, 1, 5, ExchangeType::IKE_AUTH, 1, I, vec![sk(300)]);
        w.send(3, 1, 5, ExchangeType::IKE_AUTH, 1, R, vec![sk(800)]);
        // The initiator's INFORMATIONAL right after (AUTHENTICATION_FAILED on the responder).
        w.send(4, 1, 5, ExchangeType::INFORMATIONAL, 2, I, vec![sk(60)]);
        w.send(5, 1, 5, ExchangeType::INFORMATIONAL, 2, R, vec![sk(60)]);
        let t = w.builder.finish();
        assert_eq!(t.sessions[0].phase_reached, Phase::IkeAuth);
    }

    #[test]
    fn a_later_exchange_or_a_responder_request_proves_establishment() {
        let mut w = Wire::new();
        w.send(0, 1, 0, ExchangeType::IKE_SA_INIT, 0, I, vec![nonce()]);
        w.send(1, 1, 5, ExchangeType::IKE_SA_INIT, 0, R, vec![sa()]);
        w.send(2, 1, 5, ExchangeType::IKE_AUTH, 1, I, vec![sk(300)]);
        w.send(3, 1, 5, ExchangeType::IKE_AUTH, 1, R, vec![sk(300)]);
        // DPD from the responder (its own message ID 0), answered by the initiator.
        w.send(
            30_000,
            1,
            5,
            ExchangeType::INFORMATIONAL,
            0,
            0,
            vec![sk(40)],
        );
        w.send(
            30_001,
            1,
            5,
            ExchangeType::INFORMATIONAL,
            0,
            I | R,
            vec![sk(40)],
        );
        let t = w.builder.finish();
        assert_eq!(t.sessions[0].phase_reached, Phase::Established);
        assert!(t.sessions[0]
            .established_by
            .as_deref()
            .is_some_and(|s| s.contains("responder's")));
    }
}
