//! Turns source evidence into the timeline: events are collected per source, ordered by time,
//! and the sessions are reconstructed from the ordered events.
use rustc_hash::FxHashMap;
use std::hash::{Hash, Hasher};
use std::net::{IpAddr, SocketAddr};

use ike_capture::{EspPacket, IkeDatagram, NatKeepalive, NetEvent};
use ike_wire::{DhGroup, MessageRepr, NotifyType, PayloadRepr};

use crate::chunked::ChunkedVec;
use crate::event::{
    Event, EventKind, IkeMessage, IkeV1Message, Locator, MessageInterner, NotifiesAndVendorIds,
    PayloadList, SourceId,
};
use crate::flows::{EspFlow, KeepaliveFlow};
use crate::session::{self, Session};

/// Caps that keep memory bounded on hostile or enormous inputs.
#[derive(Debug, Clone)]
pub struct Limits {
    /// IKE messages kept as events (beyond: counted only).
    pub max_ike_events: usize,
    /// ICMP errors and incomplete datagrams kept as events.
    pub max_other_events: usize,
    /// ESP and keepalive flows tracked.
    pub max_flows: usize,
    /// IKE SAs kept in detail, applied as captures are read (see `TimelineBuilder::admit_sa`).
    pub max_sessions: usize,
}

impl Default for Limits {
    fn default() -> Self {
        // A 500 MB capture of a busy gateway (36,000 SAs, 310,000 IKE messages, 98,000 ESP
        // flows) fits whole; a flood of SAs stops at 50,000 of them, about 50 MB.
        Limits {
            max_ike_events: 500_000,
            max_other_events: 100_000,
            max_flows: 200_000,
            max_sessions: 50_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Capture,
    Log,
    Config,
    Certificate,
    Keys,
    /// An `ike-doctor host` report (JSON) of one of the peers.
    HostReport,
}

#[derive(Debug, Clone)]
pub struct Source {
    /// The path as the user gave it (or as found under a folder they gave).
    pub name: String,
    pub kind: SourceKind,
    /// Frames or lines read.
    pub units_read: u64,
    pub bytes_read: u64,
    /// What the input could have shown.
    pub coverage: crate::coverage::Coverage,
}

/// Something the user must know about their input: an error that stopped reading a file, or
/// evidence that was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestNote {
    pub source: Option<SourceId>,
    pub at: Option<Locator>,
    pub message: String,
}

/// The finished picture: sources, ordered events, sessions and flows.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    pub sources: Vec<Source>,
    /// In time order. Chunked (see [`crate::chunked`]): a gateway's capture makes hundreds of
    /// thousands of events and flows.
    pub events: ChunkedVec<Event>,
    pub sessions: Vec<Session>,
    pub esp_flows: ChunkedVec<EspFlow>,
    pub keepalive_flows: Vec<KeepaliveFlow>,
    pub notes: Vec<IngestNote>,
    /// Log lines grouped per SA and joined to it (see [`crate::join`]).
    pub log_groups: Vec<crate::join::LogGroup>,
    /// Clock offsets between captures that saw the same datagrams, and of logs against captures.
    pub clock_offsets: Vec<crate::clock::ClockOffset>,
    /// IKE messages not kept because a cap was reached (the message cap, or the session cap
    /// for the messages of SAs past it).
    pub ike_events_dropped: u64,
    /// Of those, the ones past the message cap itself.
    pub ike_events_past_message_cap: u64,
    pub other_events_dropped: u64,
    pub flows_dropped: u64,
    pub sessions_untracked: u64,
}

impl Timeline {
    pub fn source_name(&self, id: SourceId) -> &str {
        self.sources
            .get(id.0 as usize)
            .map(|s| s.name.as_str())
            .unwrap_or("?")
    }

    pub fn ike(&self, index: usize) -> Option<(&Event, &IkeMessage)> {
        let event = self.events.get(index)?;
        match &event.kind {
            EventKind::Ike(m) => Some((event, m)),
            _ => None,
        }
    }
}

type EspKey = (SourceId, u32, IpAddr, IpAddr);
/// Most SAs past the session cap remembered to count each once: 100,000 keys cost about 2 MB.
const MAX_UNTRACKED_KEYS: usize = 100_000;
type KeepaliveKey = (SourceId, SocketAddr, SocketAddr);

#[derive(Default)]
pub struct TimelineBuilder {
    limits: Limits,
    timeline: Timeline,
    ike_events: usize,
    other_events: usize,
    // ESP is the bulk of a VPN capture: a fast hash and a one-entry cache for the bursts of
    // one flow keep this off the profile.
    /// The first flow of each (source, SPI): a small map (16 bytes a flow) that answers
    /// almost every lookup, since SPIs rarely repeat across addresses.
    esp_by_spi: FxHashMap<u64, u32>,
    /// The flows whose (source, SPI) an earlier flow between other addresses already had.
    esp_repeated_spi: FxHashMap<EspKey, usize>,
    last_esp: Option<(EspKey, usize)>,
    keepalive_index: FxHashMap<KeepaliveKey, usize>,
    /// The IKE SAs whose messages are kept, by (source, IKE major version, initiator SPI): the
    /// session cap applied as captures are read, so that past it a flood of SAs costs no
    /// memory per message (see [`TimelineBuilder::admit_sa`]).
    admitted_sas: rustc_hash::FxHashSet<session::SessionKey>,
    /// SAs past the session cap, each counted once while at most [`MAX_UNTRACKED_KEYS`] are
    /// remembered; beyond, each of their messages counts.
    untracked_sas: rustc_hash::FxHashSet<session::SessionKey>,
    sessions_untracked: u64,
    interner: MessageInterner,
    selection: crate::selection::Selection,
    /// Per SA a log numbers: whether one of its lines named a selected peer.
    selected_log_sas: FxHashMap<(SourceId, u32), bool>,
    /// The hosts the captures showed talking with a selected peer.
    selected_counterparts: rustc_hash::FxHashSet<IpAddr>,
    /// Threads to read captures with (see [`crate::ingest::capture_reader`]); 0 and 1: one.
    threads: usize,
    /// Set by `set_keys` (crate::inner): decrypts SK/SKF payloads as captures are read.
    pub(crate) decryptor: Option<Box<crate::inner::Decryptor>>,
}

impl TimelineBuilder {
    pub fn new(limits: Limits) -> Self {
        TimelineBuilder {
            limits,
            ..Default::default()
        }
    }

    pub fn add_source(&mut self, name: impl Into<String>, kind: SourceKind) -> SourceId {
        let id = SourceId(self.timeline.sources.len() as u32);
        self.timeline.sources.push(Source {
            name: name.into(),
            kind,
            units_read: 0,
            bytes_read: 0,
            coverage: Default::default(),
        });
        id
    }

    pub fn source_mut(&mut self, id: SourceId) -> Option<&mut Source> {
        self.timeline.sources.get_mut(id.0 as usize)
    }

    pub fn note(&mut self, source: Option<SourceId>, at: Option<Locator>, message: String) {
        // Notes are for people; a flood of them helps nobody and costs memory.
        const MAX_NOTES: usize = 1000;
        if self.timeline.notes.len() < MAX_NOTES {
            self.timeline.notes.push(IngestNote {
                source,
                at,
                message,
            });
        }
    }

    /// Time of the earliest event so far: the reference that places year-less log times.
    pub fn earliest_time(&self) -> Option<ike_capture::Timestamp> {
        self.timeline.events.iter().map(|e| e.time).min()
    }

    /// The earliest time a capture recorded: the anchor for logs that do not write the year
    /// (a log's own guessed times must not anchor another log's).
    pub fn earliest_capture_time(&self) -> Option<ike_capture::Timestamp> {
        self.timeline
            .events
            .iter()
            .filter(|e| matches!(e.at(), Locator::Frame(_)))
            .map(|e| e.time)
            .min()
    }

    /// Read captures with this many threads (1: read, dissect and build in one).
    pub fn set_threads(&mut self, threads: usize) {
        self.threads = threads;
    }

    pub fn threads(&self) -> usize {
        self.threads.max(1)
    }

    /// Keep only the evidence `selection` names (a peer, an SA, a time window) from here on.
    pub fn select(&mut self, selection: crate::selection::Selection) {
        if !selection.is_everything() {
            self.note(None, None, selection.describe());
        }
        self.selection = selection;
    }

    /// Events kept so far (an input that added none held nothing ike-doctor reads).
    pub fn event_count(&self) -> usize {
        self.timeline.events.len()
    }

    /// Adds an event from any source (respecting the caps and the selection).
    pub fn push_event(&mut self, event: Event) {
        if !self.selection.keeps_event(
            &event,
            &self.selected_counterparts,
            &mut self.selected_log_sas,
        ) {
            return;
        }
        let is_ike = matches!(event.kind, EventKind::Ike(_) | EventKind::IkeV1(_));
        if is_ike {
            if self.ike_events >= self.limits.max_ike_events {
                self.timeline.ike_events_dropped += 1;
                self.timeline.ike_events_past_message_cap += 1;
                return;
            }
            self.ike_events += 1;
        } else {
            if self.other_events >= self.limits.max_other_events {
                self.timeline.other_events_dropped += 1;
                return;
            }
            self.other_events += 1;
        }
        self.timeline.events.push(event);
    }

    /// Turns one network event of a capture into timeline evidence.
    pub fn push_net_event(&mut self, source: SourceId, net: NetEvent) {
        if !self.selection.keeps_packet(&net) {
            return;
        }
        if !self.selection.peers.is_empty() {
            let others = self.selection.counterparts(&net);
            self.selected_counterparts.extend(others);
        }
        match net {
            NetEvent::Ike(d) => self.push_ike_datagram(source, d),
            NetEvent::Esp(p) => self.count_esp(source, &p),
            NetEvent::NatKeepalive(k) => self.count_keepalive(source, &k),
            NetEvent::IcmpError(e) => self.push_event(Event::new(
                e.ts,
                source,
                Locator::Frame(e.frame),
                EventKind::Icmp(Box::new(e)),
            )),
            NetEvent::IncompleteDatagram(d) => self.push_event(Event::new(
                d.last_ts,
                source,
                Locator::Frame(d.last_frame),
                EventKind::Incomplete(Box::new(d)),
            )),
        }
    }

    fn push_ike_datagram(&mut self, source: SourceId, d: IkeDatagram) {
        // Past the cap nothing more is kept: do not even parse.
        if self.ike_events >= self.limits.max_ike_events {
            self.timeline.ike_events_dropped += 1;
            self.timeline.ike_events_past_message_cap += 1;
            return;
        }
        let at = Locator::Frame(d.frame);
        let Some((major, minor)) = ike_wire::peek_version(&d.payload) else {
            self.note(
                Some(source),
                Some(at),
                format!(
                    "frame {}: {} bytes on an IKE port are too short for an IKE header; skipped",
                    d.frame,
                    d.payload.len()
                ),
            );
            return;
        };
        // The version byte comes after the initiator's SPI: both are there.
        let spi_i = d
            .payload
            .first_chunk::<8>()
            .map_or(0, |b| u64::from_be_bytes(*b));
        let version = if major == 2 { 2 } else { 1 };
        if !self.admit_sa((source, version, spi_i)) {
            self.timeline.ike_events_dropped += 1;
            return;
        }
        match major {
            2 => match ike_message(&d, &mut self.interner) {
                Ok(mut message) => {
                    self.decrypt_inner(source, d.frame, &d.payload, &mut message);
                    self.push_event(Event::new(
                        d.ts,
                        source,
                        at,
                        EventKind::Ike(Box::new(message)),
                    ))
                }
                Err(why) => self.note(
                    Some(source),
                    Some(at),
                    format!("frame {}: malformed IKEv2 header ({why}); skipped", d.frame),
                ),
            },
            _ => {
                let v1 = ikev1_message(&d, major, minor);
                self.push_event(Event::new(d.ts, source, at, EventKind::IkeV1(Box::new(v1))));
            }
        }
    }

    /// Whether the messages of `sa` are kept: yes for an SA already kept, and for a new one
    /// while fewer than `max_sessions` are. Past the cap the SA is counted as not tracked.
    fn admit_sa(&mut self, sa: session::SessionKey) -> bool {
        if self.admitted_sas.contains(&sa) {
            return true;
        }
        if self.admitted_sas.len() < self.limits.max_sessions {
            self.admitted_sas.insert(sa);
            return true;
        }
        if self.untracked_sas.len() < MAX_UNTRACKED_KEYS {
            if self.untracked_sas.insert(sa) {
                self.sessions_untracked += 1;
            }
        } else if !self.untracked_sas.contains(&sa) {
            self.sessions_untracked += 1;
        }
        false
    }

    fn count_esp(&mut self, source: SourceId, p: &EspPacket) {
        let key = (source, p.spi, p.src, p.dst);
        let spi_key = (u64::from(source.0) << 32) | u64::from(p.spi);
        let cached = self
            .last_esp
            .filter(|(k, _)| *k == key)
            .map(|(_, i)| i)
            .or_else(|| {
                let i = *self.esp_by_spi.get(&spi_key)? as usize;
                let flow = self.timeline.esp_flows.get(i)?;
                (flow.src == p.src && flow.dst == p.dst).then_some(i)
            });
        let index = match cached.or_else(|| self.esp_repeated_spi.get(&key).copied()) {
            Some(i) => i,
            None => {
                if self.timeline.esp_flows.len() >= self.limits.max_flows {
                    self.timeline.flows_dropped += 1;
                    return;
                }
                let flow = EspFlow {
                    source,
                    spi: p.spi,
                    src: p.src,
                    dst: p.dst,
                    udp_ports: p.udp_ports,
                    packets: 0,
                    bytes: 0,
                    max_ip_len: 0,
                    max_ip_len_first_ts: p.ts,
                    max_ip_len_first_frame: p.frame,
                    fragmented_packets: 0,
                    first_frame: p.frame,
                    last_frame: p.frame,
                    first_ts: p.ts,
                    last_ts: p.ts,
                    max_gap_ns: 0,
                    max_gap_end_frame: p.frame,
                };
                let i = self.timeline.esp_flows.len();
                self.timeline.esp_flows.push(flow);
                match (self.esp_by_spi.entry(spi_key), u32::try_from(i)) {
                    (std::collections::hash_map::Entry::Vacant(first), Ok(compact)) => {
                        first.insert(compact);
                    }
                    _ => {
                        self.esp_repeated_spi.insert(key, i);
                    }
                }
                i
            }
        };
        self.last_esp = Some((key, index));
        if let Some(flow) = self.timeline.esp_flows.get_mut(index) {
            let gap = p.ts.0 - flow.last_ts.0;
            if flow.packets > 0 && gap > flow.max_gap_ns {
                flow.max_gap_ns = gap;
                flow.max_gap_end_frame = p.frame;
            }
            flow.packets += 1;
            flow.bytes += u64::from(p.ip_len);
            if p.ip_len > flow.max_ip_len {
                flow.max_ip_len = p.ip_len;
                flow.max_ip_len_first_ts = p.ts;
                flow.max_ip_len_first_frame = p.frame;
            }
            flow.fragmented_packets += u64::from(p.fragmented);
            flow.last_frame = p.frame;
            flow.last_ts = p.ts;
        }
    }

    fn count_keepalive(&mut self, source: SourceId, k: &NatKeepalive) {
        let new_flow = || KeepaliveFlow {
            source,
            src: k.src,
            dst: k.dst,
            count: 0,
            first_frame: k.frame,
            first_ts: k.ts,
            last_ts: k.ts,
            min_interval_ns: i64::MAX,
            max_interval_ns: 0,
        };
        let found = flow_index(
            &mut self.keepalive_index,
            &mut self.timeline.keepalive_flows,
            (source, k.src, k.dst),
            self.limits.max_flows,
            new_flow,
        );
        let Some(index) = found else {
            self.timeline.flows_dropped += 1;
            return;
        };
        if let Some(flow) = self.timeline.keepalive_flows.get_mut(index) {
            if flow.count > 0 {
                let interval = k.ts.0 - flow.last_ts.0;
                flow.min_interval_ns = flow.min_interval_ns.min(interval);
                flow.max_interval_ns = flow.max_interval_ns.max(interval);
            }
            flow.count += 1;
            flow.last_ts = k.ts;
        }
    }

    /// Orders the events by time (stable: same-time events keep source and frame order), puts
    /// each log on the captures' clock, reconstructs the sessions, joins one SA's sessions seen
    /// by several captures, and joins the log lines to their SAs.
    pub fn finish(mut self) -> Timeline {
        let mut timeline = std::mem::take(&mut self.timeline);
        let sessions_untracked = self.sessions_untracked;
        let sessions_admitted = self.admitted_sas.len();
        // The reading indexes are done with: free them before the sessions are built.
        drop(self);
        let order = |e: &Event| (e.time, e.source(), e.at());
        // One capture read in order is already sorted: then the sort's scratch copy of every
        // event is not made.
        if !timeline.events.is_sorted_by_key(order) {
            timeline.events.sort_by_key(order);
        }
        // Logs written in another clock (often local time without a zone) are moved onto the
        // captures' clock, once their packet lines show by how much.
        let mut log_offsets = crate::clock::log_offsets(&timeline);
        // Logs no capture placed: against each other (two hosts' logs of the same exchange).
        let placed: Vec<SourceId> = log_offsets.iter().map(|o| o.other).collect();
        log_offsets.extend(
            crate::clock::log_pair_offsets(&timeline)
                .into_iter()
                .filter(|o| !placed.contains(&o.other) && !placed.contains(&o.reference)),
        );
        let shifted: Vec<(SourceId, i64)> = log_offsets
            .iter()
            .filter(|o| o.offset_ns().abs() >= 1_000_000_000)
            .map(|o| (o.other, o.offset_ns()))
            .collect();
        if !shifted.is_empty() {
            for event in &mut timeline.events {
                if let Some((_, offset)) = shifted.iter().find(|(s, _)| *s == event.source()) {
                    event.time = ike_capture::Timestamp(event.time.0 - offset);
                }
            }
            timeline.events.sort_by_key(order);
        }
        let per_source = session::reconstruct(&timeline, sessions_admitted);
        let capture_offsets = crate::clock::capture_offsets(&timeline);
        // Each capture's clock against the first capture it shares datagrams with.
        let offset_of = |source: SourceId| -> i64 {
            capture_offsets
                .iter()
                .find(|o| o.other == source)
                .map_or(0, |o| o.offset_ns())
        };
        let mut sessions = session::merge(&timeline, per_source, &offset_of);
        timeline.log_groups = crate::join::join_logs(&timeline, &mut sessions);
        timeline.sessions = sessions;
        timeline.sessions_untracked = sessions_untracked;
        crate::coverage::finish(&mut timeline, &capture_offsets);
        timeline.clock_offsets = capture_offsets;
        timeline.clock_offsets.extend(log_offsets);
        timeline
    }
}

/// The index of the flow with `key`, creating it with `new_flow` while fewer than `limit`
/// flows exist; `None` once the cap is reached.
fn flow_index<K: std::hash::Hash + Eq, F>(
    index: &mut FxHashMap<K, usize>,
    flows: &mut Vec<F>,
    key: K,
    limit: usize,
    new_flow: impl FnOnce() -> F,
) -> Option<usize> {
    if let Some(&i) = index.get(&key) {
        return Some(i);
    }
    if index.len() >= limit {
        return None;
    }
    flows.push(new_flow());
    let i = flows.len() - 1;
    index.insert(key, i);
    Some(i)
}

/// The datagram's digest: to tell a retransmit and the same datagram in another capture, not
/// against an adversary (a collision only joins two messages the other fields already match),
/// so the fast hash rather than SipHash, which cost 1.5% of a gateway capture's run.
fn digest(bytes: &[u8]) -> u32 {
    let mut h = rustc_hash::FxHasher::default();
    bytes.hash(&mut h);
    let full = h.finish();
    (full ^ (full >> 32)) as u32
}

/// Builds the compact message record; a malformed payload chain still yields the header.
fn ike_message(d: &IkeDatagram, interner: &mut MessageInterner) -> Result<IkeMessage, String> {
    let mut message = match MessageRepr::parse(&d.payload) {
        Ok(repr) => message_from_repr(d, &repr, interner),
        Err(parse_error) => {
            let header = ike_wire::header(&d.payload).map_err(|e| e.to_string())?;
            let mut message = IkeMessage {
                endpoints: interner.endpoints(d.src, d.dst),
                non_esp_marker: d.non_esp_marker,
                ip_len: 0,
                spi_i: header.spi_i,
                spi_r: header.spi_r,
                exchange: header.exchange,
                message_id: header.message_id,
                response: header.is_response(),
                from_initiator: header.is_initiator(),
                length: header.length,
                captured_len: 0,
                payloads: PayloadList::default(),
                notifies_and_vendor_ids: NotifiesAndVendorIds::default(),
                proposals: None,
                ke_group: DhGroup(0),
                fragment: (0, 0),
                encrypted_len: 0,
                present: Default::default(),
                digest: 0,
                rare: IkeMessage::rare_from(&d.ip_fragments, Some(parse_error.to_string())),
            };
            message.set_parts(d.ip_len, d.payload.len(), None, None, None);
            message
        }
    };
    message.digest = digest(&d.payload);
    Ok(message)
}

fn message_from_repr(
    d: &IkeDatagram,
    repr: &MessageRepr,
    interner: &mut MessageInterner,
) -> IkeMessage {
    const NOTIFY_DATA_KEPT: usize = 64;
    let h = &repr.header;
    let mut notifies: Vec<(NotifyType, &[u8])> = Vec::new();
    let mut proposals = None;
    let mut ke_group = None;
    let mut vendor_ids: Vec<&[u8]> = Vec::new();
    let mut fragment = None;
    let mut encrypted_len = None;
    for payload in &repr.payloads {
        match &payload.body {
            PayloadRepr::Notify(n) => {
                let kept = &n.data[..n.data.len().min(NOTIFY_DATA_KEPT)];
                notifies.push((n.notify_type, kept));
            }
            PayloadRepr::SecurityAssociation(p) => proposals = Some(interner.proposals(p)),
            PayloadRepr::KeyExchange { group, .. } => ke_group = Some(*group),
            PayloadRepr::VendorId(v) => vendor_ids.push(v),
            PayloadRepr::Encrypted { data, .. } => {
                encrypted_len = Some(u32::try_from(data.len()).unwrap_or(u32::MAX))
            }
            PayloadRepr::EncryptedFragment {
                number,
                total,
                data,
                ..
            } => {
                fragment = Some((*number, *total));
                encrypted_len = Some(u32::try_from(data.len()).unwrap_or(u32::MAX));
            }
            _ => {}
        }
    }
    let mut message = IkeMessage {
        endpoints: interner.endpoints(d.src, d.dst),
        non_esp_marker: d.non_esp_marker,
        ip_len: 0,
        spi_i: h.spi_i,
        spi_r: h.spi_r,
        exchange: h.exchange,
        message_id: h.message_id,
        response: h.is_response(),
        from_initiator: h.is_initiator(),
        length: h.length,
        captured_len: 0,
        payloads: interner.payloads(&repr.payload_names()),
        notifies_and_vendor_ids: NotifiesAndVendorIds::new(notifies, vendor_ids),
        proposals,
        ke_group: DhGroup(0),
        fragment: (0, 0),
        encrypted_len: 0,
        present: Default::default(),
        digest: 0,
        rare: IkeMessage::rare_from(&d.ip_fragments, None),
    };
    message.set_parts(d.ip_len, d.payload.len(), ke_group, fragment, encrypted_len);
    message
}

/// IKEv1 and the header layout every ISAKMP version shares (RFC 2408 3.1).
fn ikev1_message(d: &IkeDatagram, major: u8, minor: u8) -> IkeV1Message {
    // ISAKMP's fixed header and generic payload header are IKEv2's: the same view reads both
    // (missing bytes read as 0).
    let header = ike_wire::Header::new_unchecked(&d.payload[..]);
    IkeV1Message {
        src: d.src,
        dst: d.dst,
        spi_i: header.spi_i(),
        spi_r: header.spi_r(),
        major_version: major,
        minor_version: minor,
        exchange: header.exchange_type().0,
        message_id: header.message_id(),
        length: header.length(),
        flags: header.flags(),
        notify: ikev1_clear_notify(&header),
    }
}

/// The first Notification payload's type of an IKEv1 message in clear, walking the payload
/// chain within the length field and the bytes captured.
fn ikev1_clear_notify(header: &ike_wire::Header<&[u8]>) -> Option<u16> {
    const NOTIFICATION: ike_wire::PayloadType = ike_wire::PayloadType(11);
    if header.flags() & 1 != 0 {
        return None;
    }
    let notify = header
        .payloads()
        .map_while(Result::ok)
        .find(|p| p.payload_type == NOTIFICATION)?;
    // DOI (4), protocol (1), SPI size (1), then the type.
    let t = notify.body.get(6..8)?;
    Some(u16::from_be_bytes([t[0], t[1]]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ike_capture::Timestamp;

    /// An ISAKMP header (next payload 11, flags as given) and a Notification payload of `notify`.
    fn ikev1_notify(flags: u8, notify: u16) -> Vec<u8> {
        let mut b = vec![0u8; 28];
        b[16] = 11;
        b[17] = 0x10;
        b[18] = 5;
        b[19] = flags;
        b.extend_from_slice(&[0, 0, 0, 12, 0, 0, 0, 1, 1, 0]);
        b.extend_from_slice(&notify.to_be_bytes());
        b[27] = b.len() as u8;
        b
    }

    #[test]
    fn an_ikev1_clear_notify_is_read_and_an_encrypted_one_is_not() {
        let read = |b: &[u8]| ikev1_clear_notify(&ike_wire::Header::new_unchecked(b));
        assert_eq!(read(&ikev1_notify(0, 14)), Some(14));
        assert_eq!(read(&ikev1_notify(1, 14)), None);
        let cut = ikev1_notify(0, 14);
        assert_eq!(read(&cut[..cut.len() - 1]), None);
        let mut zero_length = ikev1_notify(0, 14);
        zero_length[31] = 0;
        assert_eq!(read(&zero_length), None);
    }

    fn esp(frame: u64, src: &str, dst: &str, spi: u32) -> NetEvent {
        NetEvent::Esp(EspPacket {
            frame,
            ts: Timestamp(frame as i64 * 1_000_000),
            src: src.parse().unwrap(),
            dst: dst.parse().unwrap(),
            udp_ports: None,
            spi,
            seq: frame as u32,
            ip_len: 100,
            fragmented: false,
        })
    }

    #[test]
    fn esp_flows_are_told_apart_by_spi_and_addresses_and_capped() {
        let mut builder = TimelineBuilder::new(Limits {
            max_flows: 3,
            ..Limits::default()
        });
        let source = builder.add_source("esp.pcap", SourceKind::Capture);
        let (a, b, c) = ("192.0.2.1", "198.51.100.2", "203.0.113.3");
        // One SPI between two pairs of addresses, interleaved; another SPI; then a fourth flow
        // past the cap.
        for (frame, (src, dst, spi)) in [
            (a, b, 7),
            (c, b, 7),
            (a, b, 7),
            (c, b, 7),
            (b, a, 9),
            (c, a, 9),
            (c, b, 7),
        ]
        .into_iter()
        .enumerate()
        {
            builder.push_net_event(source, esp(frame as u64 + 1, src, dst, spi));
        }
        let timeline = builder.finish();
        let flows: Vec<(String, u32, u64)> = timeline
            .esp_flows
            .iter()
            .map(|f| (format!("{}>{}", f.src, f.dst), f.spi, f.packets))
            .collect();
        assert_eq!(
            flows,
            [
                (format!("{a}>{b}"), 7, 2),
                (format!("{c}>{b}"), 7, 3),
                (format!("{b}>{a}"), 9, 1),
            ]
        );
        assert_eq!(timeline.flows_dropped, 1);
    }
}
