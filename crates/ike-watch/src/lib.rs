//! Watch mode's engine, sans-IO, in quinn-proto's vocabulary: the caller hands it frames
//! ([`Watch::handle_frame`]) and log text ([`Watch::handle_log`]) with the time they were read,
//! asks [`Watch::poll_timeout`] when to call [`Watch::handle_timeout`], and drains
//! [`Watch::poll_event`]. Nothing here reads a socket, a file or a clock, so the tests drive it
//! with recorded frames and a fake clock.
//!
//! Each IKE SA attempt keeps its own evidence, bounded: its datagrams' frames (and the IP
//! fragments they came in, and the first ESP packets between its peers) and the log lines
//! about it. When the attempt finishes, its evidence is diagnosed by the same pipeline as
//! `ike-doctor diagnose` (a timeline built from that pcap and that log excerpt), so the verdict
//! of a [`Finished`] is, by construction, what `diagnose` says of the evidence files the caller
//! writes from it.
//!
//! An attempt finishes when:
//! - a daemon's line states the end (an SA established; a cause, a refusal, giving up): a
//!   moment later ([`Config::grace_ns`]), so the lines and packets that follow are kept too;
//! - its last exchange was answered and nothing follows for [`Config::quiet_ns`] (a refusal in
//!   IKE_SA_INIT, a completed IKE_AUTH), and the diagnosis is decided (not inconclusive);
//! - a request goes unanswered and its retransmissions stop (no resend within twice the last
//!   interval: the sender gave up), or [`Config::attempt_timeout_ns`] passes.
//!
//! An established SA stays watched; a later loss (requests unanswered until the sender gives
//! up, a daemon giving up or deleting it with a cause) is diagnosed the same way and reported
//! as [`Kind::Lost`]. SAs that end without a failure are dropped silently. State is capped
//! ([`Config::max_sas`]): past the cap, new attempts are counted, not tracked.

pub mod pcap;

use std::collections::{BTreeSet, VecDeque};
use std::net::{IpAddr, SocketAddr};

use ike_capture::{Dissector, DissectorConfig, Frame, NetEvent, Timestamp};
use ike_diagnose::{Outcome, Verdict};
use ike_logs::{Fact, Role};
use ike_timeline::{Limits, TimelineBuilder};
use rustc_hash::FxHashMap;

/// Bounds and timings.
#[derive(Debug, Clone)]
pub struct Config {
    /// An attempt not finished after this long is diagnosed as it stands (strongSwan's
    /// retransmissions last 165 s by default).
    pub attempt_timeout_ns: i64,
    /// After an answered exchange, silence this long ends the attempt.
    pub quiet_ns: i64,
    /// After a daemon's final line, what follows this long still belongs to the attempt.
    pub grace_ns: i64,
    /// SAs tracked at once; further attempts are counted in [`Watch::untracked`].
    pub max_sas: usize,
    /// Frames kept per SA (IKE datagrams with their fragments, ESP), and their bytes.
    pub max_frames_per_sa: usize,
    pub max_bytes_per_sa: usize,
    /// ESP packets kept per SA as evidence (the rest are counted).
    pub max_esp_frames_per_sa: usize,
    /// Log lines kept per SA.
    pub max_lines_per_sa: usize,
    /// Evidence kept over all SAs (frames and lines); past it, frames are counted in
    /// [`Watch::frames_not_kept`], not kept.
    pub max_evidence_bytes: usize,
    /// An established SA with no IKE or ESP packet for this long is forgotten (counted in
    /// [`Watch::expired`]).
    pub idle_expire_ns: i64,
    /// Diagnoses of one kind, outcome, phase and category reported one by one per window;
    /// beyond, they are counted and reported in one [`Aggregate`] when the window closes (a
    /// flood of half-open SAs gives a few lines, not one per SA).
    pub lines_per_window: u32,
    pub window_ns: i64,
    /// An attempt a log ends without a packet of it seen becomes an SA known from the log
    /// alone (for a watch of logs only; with a capture, such lines wait for their packets).
    pub sas_from_logs: bool,
    /// LINKTYPE_* of the frames given to [`Watch::handle_frame`].
    pub link_type: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            attempt_timeout_ns: 165_000_000_000,
            quiet_ns: 2_000_000_000,
            grace_ns: 1_000_000_000,
            max_sas: 20_000,
            max_frames_per_sa: 256,
            max_bytes_per_sa: 512 * 1024,
            max_esp_frames_per_sa: 16,
            max_lines_per_sa: 400,
            max_evidence_bytes: 16 << 20,
            idle_expire_ns: 2 * 3600 * 1_000_000_000,
            lines_per_window: 20,
            window_ns: 60_000_000_000,
            sas_from_logs: false,
            link_type: pcap::LINKTYPE_RAW,
        }
    }
}

/// What a finished diagnosis is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// An attempt to establish an IKE SA ended: established or failed.
    Attempt,
    /// An established SA was lost.
    Lost,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Attempt => "attempt",
            Kind::Lost => "sa-lost",
        }
    }
}

/// One diagnosis, with the evidence it was made from.
#[derive(Debug, Clone)]
pub struct Finished {
    pub kind: Kind,
    /// When it was diagnosed (the caller's clock, nanoseconds since the epoch).
    pub at_ns: i64,
    pub spi_i: u64,
    pub spi_r: u64,
    pub initiator: SocketAddr,
    pub responder: SocketAddr,
    pub verdict: Verdict,
    /// The report's verdict and findings as JSON (the contract's shapes), citing the evidence
    /// files by `evidence_name` + `.pcapng` / `.log`.
    pub verdict_json: serde_json::Value,
    pub findings_json: serde_json::Value,
    /// File name (without extension) the evidence is cited by.
    pub evidence_name: String,
    /// The SA's frames as a pcapng file, captured until `at_ns` (empty for an SA known from a
    /// log only).
    pub pcap: Vec<u8>,
    /// The log lines about the SA, as written (empty without logs).
    pub log: String,
    /// Retransmitted requests seen in the SA.
    pub retransmits: u64,
    /// More than [`Config::lines_per_window`] like it in this window: count it, report it in
    /// the window's [`Aggregate`], not on its own.
    pub suppressed: bool,
}

/// Diagnoses not reported one by one in a window: how many, of what.
#[derive(Debug, Clone)]
pub struct Aggregate {
    pub kind: Kind,
    pub outcome: Outcome,
    pub phase: Option<&'static str>,
    pub category: Option<&'static str>,
    pub count: u64,
    pub from_ns: i64,
    pub to_ns: i64,
}

type AggregateKey = (Kind, Outcome, Option<&'static str>, Option<&'static str>);

/// What [`Watch::poll_event`] gives.
#[derive(Debug, Clone)]
pub enum Event {
    Finished(Box<Finished>),
    Aggregate(Aggregate),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Negotiating,
    Established,
}

/// Why an SA is to be diagnosed at its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Due {
    /// A daemon said it ended: diagnose whatever the result.
    Stated,
    /// Silence after an answer: diagnose, keep waiting if undecided.
    Quiet,
    /// A request's retransmissions stopped, or the attempt took too long.
    GaveUp,
}

struct Captured {
    ts: i64,
    data: Vec<u8>,
}

struct Sa {
    spi_i: u64,
    spi_r: u64,
    initiator: SocketAddr,
    responder: SocketAddr,
    started: i64,
    last_message: i64,
    /// Last IKE or ESP packet.
    last_activity: i64,
    /// Bytes of evidence held (frames and lines).
    bytes: usize,
    state: State,
    frames: Vec<Captured>,
    frame_bytes: usize,
    esp_frames: usize,
    lines: Vec<String>,
    /// The last unanswered request: (message ID, from initiator, first sent, last sent, sends).
    pending: Option<Pending>,
    /// When to diagnose, and why; set only through [`set_due`], which files it in
    /// [`Watch::dues`].
    due: Option<(i64, Due)>,
    /// The daemon's numbers for this SA in [`Watch::by_ref`], removed with it.
    refs: Vec<u32>,
    retransmits: u64,
    /// IKE datagrams of the SA seen, kept as evidence or not.
    datagrams: u64,
    /// Frames of the SA refused for want of evidence budget.
    frames_refused: u64,
    /// Request digests seen, to tell retransmits (same bytes) from new requests.
    seen_requests: Vec<(u32, bool, u64)>,
}

impl Sa {
    fn new(spi_i: u64, initiator: SocketAddr, responder: SocketAddr, now: i64) -> Sa {
        Sa {
            spi_i,
            spi_r: 0,
            initiator,
            responder,
            started: now,
            last_message: now,
            last_activity: now,
            bytes: 0,
            state: State::Negotiating,
            frames: Vec::new(),
            frame_bytes: 0,
            esp_frames: 0,
            lines: Vec::new(),
            pending: None,
            due: None,
            refs: Vec::new(),
            retransmits: 0,
            datagrams: 0,
            frames_refused: 0,
            seen_requests: Vec::new(),
        }
    }
}

/// Whether a line ends an attempt: (an SA came up, something failed).
fn ends_attempt(entry: &ike_logs::Entry) -> (bool, bool) {
    let up = matches!(entry.fact, Fact::IkeEstablished | Fact::ChildEstablished);
    let fails = entry.role == Role::Cause
        || matches!(
            entry.fact,
            Fact::GaveUp
                | Fact::PeerRefusedAuth
                | Fact::PeerRefusedProposals
                | Fact::PeerRefusedChildProposals
                | Fact::PeerRefusedTs
                | Fact::PeerRefusedVirtualIp
                | Fact::NegotiationFailed
                | Fact::AuthFailed
                | Fact::HalfOpenTimeout
                | Fact::ChildFailed
                | Fact::RekeyFailed
                | Fact::Fatal
        );
    (up, fails)
}

/// Keys of SAs known from a log only (no packet seen): the top bit set, the daemon's SA
/// number and the time in the rest.
const LOG_ONLY: u64 = 1 << 63;

#[derive(Debug, Clone, Copy)]
struct Pending {
    message_id: u32,
    from_initiator: bool,
    last_sent: i64,
    /// Interval between the last two sends.
    last_gap: i64,
}

/// Log lines waiting for their SA (a daemon logs "initiating IKE_SA" before the first packet).
struct Waiting {
    peer: Option<IpAddr>,
    lines: Vec<String>,
}

/// How many log lines may wait for an SA at once, over all SA numbers.
const MAX_WAITING: usize = 1024;
/// How long a request may wait for its first resend before its sender counts as gone: longer
/// than the daemons' first retransmission timeout (strongSwan 4 s, Libreswan 0.5 s).
const FIRST_RESEND_WAIT_NS: i64 = 5_000_000_000;
/// Frames remembered for IP reassembly (the fragments of a datagram precede its event).
const RECENT_FRAMES: usize = 64;
/// SAs diagnosed per [`Watch::handle_timeout`] call at most.
pub const DUE_PER_CALL: usize = 64;

pub struct Watch {
    config: Config,
    dissector: Dissector,
    /// Boxed: the map's slots stay small, so its doubling at a power of two SAs (a flood
    /// crossing 7,168 half-open SAs) moves a few hundred KB, not megabytes of records.
    sas: FxHashMap<u64, Box<Sa>>,
    /// SAs by the addresses of their peers, most recent last.
    by_ip: FxHashMap<IpAddr, Vec<u64>>,
    /// A daemon's SA number (charon's unique id, pluto's serial) to the SA.
    by_ref: FxHashMap<u32, u64>,
    waiting: FxHashMap<u32, Waiting>,
    waiting_order: VecDeque<u32>,
    recent: VecDeque<(u64, Captured)>,
    frame_number: u64,
    events: VecDeque<Event>,
    /// Attempts not tracked because [`Config::max_sas`] was reached.
    pub untracked: u64,
    /// Attempts seen (IKE_SA_INIT requests of new SAs).
    pub attempts: u64,
    /// NAT-T keepalives seen, and the longest gap between two from one endpoint (ns).
    pub keepalives: u64,
    pub keepalive_max_gap_ns: i64,
    keepalive_last: FxHashMap<SocketAddr, i64>,
    /// Evidence bytes held over all SAs.
    evidence_bytes: usize,
    /// Frames not kept because [`Config::max_evidence_bytes`] was reached.
    pub frames_not_kept: u64,
    /// Established SAs forgotten after [`Config::idle_expire_ns`] without a packet.
    pub expired: u64,
    window_start: i64,
    window: FxHashMap<AggregateKey, (u32, u64)>,
    next_sweep: i64,
    /// Every SA with a due time, by that time: the next one due is the first, found without
    /// walking the SAs (a flood of half-open SAs has one due every few hundred microseconds).
    dues: BTreeSet<(i64, u64)>,
    /// SAs in [`State::Established`].
    established: usize,
}

impl Watch {
    pub fn new(config: Config) -> Watch {
        Watch {
            config,
            dissector: Dissector::new(DissectorConfig::default()),
            sas: FxHashMap::default(),
            by_ip: FxHashMap::default(),
            by_ref: FxHashMap::default(),
            waiting: FxHashMap::default(),
            waiting_order: VecDeque::new(),
            recent: VecDeque::new(),
            frame_number: 0,
            events: VecDeque::new(),
            untracked: 0,
            attempts: 0,
            keepalives: 0,
            keepalive_max_gap_ns: 0,
            keepalive_last: FxHashMap::default(),
            evidence_bytes: 0,
            frames_not_kept: 0,
            expired: 0,
            window_start: 0,
            window: FxHashMap::default(),
            next_sweep: 0,
            dues: BTreeSet::new(),
            established: 0,
        }
    }

    /// SAs tracked now, and how many of them are established.
    pub fn tracked(&self) -> (usize, usize) {
        (self.sas.len(), self.established)
    }

    /// One captured frame (of [`Config::link_type`]) read at `now_ns`.
    pub fn handle_frame(&mut self, now_ns: i64, data: &[u8]) {
        self.frame_number += 1;
        let number = self.frame_number;
        if self.recent.len() == RECENT_FRAMES {
            self.recent.pop_front();
        }
        self.recent.push_back((
            number,
            Captured {
                ts: now_ns,
                data: data.to_vec(),
            },
        ));
        let frame = Frame {
            number,
            ts: Timestamp(now_ns),
            link_type: self.config.link_type,
            orig_len: u32::try_from(data.len()).unwrap_or(u32::MAX),
            file_offset: 0,
            data,
        };
        let mut found = Vec::new();
        self.dissector.dissect(&frame, &mut |e| found.push(e));
        for event in found {
            self.net_event(now_ns, event);
        }
    }

    fn net_event(&mut self, now: i64, event: NetEvent) {
        match event {
            NetEvent::Ike(d) => {
                let _ = self.ike(now, d);
            }
            NetEvent::Esp(e) => {
                let key = self.sa_between(e.src, e.dst);
                if let Some(sa) = key.and_then(|k| self.sas.get_mut(&k)) {
                    sa.last_activity = now;
                    if sa.esp_frames < self.config.max_esp_frames_per_sa {
                        sa.esp_frames += 1;
                        if let Some(c) = take_recent(&mut self.recent, e.frame) {
                            let budget = Budget {
                                used: &mut self.evidence_bytes,
                                refused: &mut self.frames_not_kept,
                            };
                            keep_frame(sa, c, &self.config, budget);
                        }
                    }
                }
            }
            NetEvent::NatKeepalive(k) => {
                self.keepalives += 1;
                if let Some(last) = self.keepalive_last.insert(k.src, now) {
                    self.keepalive_max_gap_ns =
                        self.keepalive_max_gap_ns.max(now.saturating_sub(last));
                }
                if self.keepalive_last.len() > self.config.max_sas {
                    self.keepalive_last.clear();
                }
            }
            NetEvent::IcmpError(_) | NetEvent::IncompleteDatagram(_) => {}
        }
    }

    fn sa_between(&self, a: IpAddr, b: IpAddr) -> Option<u64> {
        let keys = self.by_ip.get(&a)?;
        keys.iter().rev().copied().find(|k| {
            self.sas.get(k).is_some_and(|s| {
                let ends = [s.initiator.ip(), s.responder.ip()];
                ends.contains(&a) && ends.contains(&b)
            })
        })
    }

    /// Files the datagram with its SA (`None`: not one to track).
    fn ike(&mut self, now: i64, d: ike_capture::IkeDatagram) -> Option<()> {
        let Ok(header) = ike_wire::Header::new_checked(&d.payload[..]) else {
            return None;
        };
        if header.major_version() != 2 {
            return None;
        }
        let spi_i = header.spi_i();
        let spi_r = header.spi_r();
        let response = header.flags() & 0x20 != 0;
        let from_initiator = header.flags() & 0x08 != 0;
        let exchange = header.exchange_type();
        let message_id = header.message_id();
        if !self.sas.contains_key(&spi_i) {
            if exchange != ike_wire::ExchangeType::IKE_SA_INIT || response {
                // The middle of an SA this watch did not see begin: nothing to diagnose.
                return None;
            }
            self.attempts += 1;
            if self.sas.len() >= self.config.max_sas {
                self.untracked += 1;
                return None;
            }
            let (initiator, responder) = (d.src, d.dst);
            let mut sa = Sa::new(spi_i, initiator, responder, now);
            let limit = now.saturating_add(self.config.attempt_timeout_ns);
            set_due(&mut self.dues, spi_i, &mut sa, Some((limit, Due::GaveUp)));
            // Lines the daemon wrote before the first packet, about this peer.
            let claimed: Vec<u32> = self
                .waiting
                .iter()
                .filter(|(_, w)| {
                    w.peer
                        .is_some_and(|p| p == initiator.ip() || p == responder.ip())
                })
                .map(|(&r, _)| r)
                .collect();
            for r in claimed {
                if let Some(w) = self.waiting.remove(&r) {
                    sa.lines.extend(w.lines);
                    self.by_ref.insert(r, spi_i);
                    sa.refs.push(r);
                }
            }
            for ip in [initiator.ip(), responder.ip()] {
                let list = self.by_ip.entry(ip).or_default();
                list.push(spi_i);
                if list.len() > 16 {
                    list.remove(0);
                }
            }
            self.sas.insert(spi_i, Box::new(sa));
        }
        let config = self.config.clone();
        let sa = self.sas.get_mut(&spi_i)?;
        if spi_r != 0 {
            sa.spi_r = spi_r;
        }
        sa.last_message = now;
        sa.last_activity = now;
        sa.datagrams += 1;
        // The datagram's frames: its IP fragments, or itself.
        let frames: Vec<u64> = if d.ip_fragments.is_empty() {
            vec![d.frame]
        } else {
            d.ip_fragments.clone()
        };
        for f in frames {
            if let Some(c) = take_recent(&mut self.recent, f) {
                let budget = Budget {
                    used: &mut self.evidence_bytes,
                    refused: &mut self.frames_not_kept,
                };
                keep_frame(sa, c, &config, budget);
            }
        }
        if response {
            if sa
                .pending
                .is_some_and(|p| p.message_id == message_id && p.from_initiator != from_initiator)
            {
                sa.pending = None;
            }
            // An answered exchange: if nothing follows, the attempt (or this exchange) is over.
            if sa.due.is_none_or(|(_, why)| why != Due::Stated) {
                let quiet = Some((now.saturating_add(config.quiet_ns), Due::Quiet));
                set_due(&mut self.dues, spi_i, sa, quiet);
            }
        } else {
            let digest = digest(&d.payload);
            let key = (message_id, from_initiator, digest);
            if sa.seen_requests.contains(&key) {
                sa.retransmits += 1;
                if let Some(p) = &mut sa.pending {
                    p.last_gap = now.saturating_sub(p.last_sent);
                    p.last_sent = now;
                }
            } else {
                if sa.seen_requests.len() < 64 {
                    sa.seen_requests.push(key);
                }
                sa.pending = Some(Pending {
                    message_id,
                    from_initiator,
                    last_sent: now,
                    last_gap: 0,
                });
            }
            if let Some(p) = sa.pending {
                // The sender gives up one interval after its last send; intervals grow, so
                // twice the last one (at least a second) is past it.
                let wait = if p.last_gap == 0 {
                    FIRST_RESEND_WAIT_NS
                } else {
                    p.last_gap.saturating_mul(2).max(1_000_000_000)
                };
                let gave_up_at = p.last_sent.saturating_add(wait);
                let stated = sa.due.is_some_and(|(_, why)| why == Due::Stated);
                if !stated {
                    let limit = if sa.state == State::Negotiating {
                        sa.started.saturating_add(config.attempt_timeout_ns)
                    } else {
                        i64::MAX
                    };
                    let gave_up = Some((gave_up_at.min(limit), Due::GaveUp));
                    set_due(&mut self.dues, spi_i, sa, gave_up);
                }
            }
        }
        Some(())
    }

    /// Text appended to a log (whole lines; `format` as detected from the log's start).
    pub fn handle_log(&mut self, now_ns: i64, format: ike_logs::Format, text: &str) {
        let config = ike_logs::ScanConfig {
            reference_ns: Some(now_ns),
            ..Default::default()
        };
        let mut records = Vec::new();
        let _ = ike_logs::scan(text.as_bytes(), format, &config, &mut |r| records.push(r));
        for r in records {
            self.log_record(now_ns, r);
        }
    }

    fn log_record(&mut self, now: i64, r: ike_logs::LogRecord) {
        let key = self.sa_of_line(&r);
        let Some(key) = key else {
            // Not yet known: wait for the SA's first packet (bounded).
            if let Some(sa_ref) = r.sa_ref {
                // The other end: named, or the sender of what the writer received, or the
                // receiver of what it sent.
                let peer = r.peer.or(match r.entry.fact {
                    Fact::PacketReceived => r.src.map(|a| a.ip()),
                    _ => r.dst.map(|a| a.ip()),
                });
                if !self.waiting.contains_key(&sa_ref) {
                    if self.waiting_order.len() >= MAX_WAITING {
                        if let Some(old) = self.waiting_order.pop_front() {
                            self.waiting.remove(&old);
                        }
                    }
                    self.waiting_order.push_back(sa_ref);
                }
                let w = self.waiting.entry(sa_ref).or_insert(Waiting {
                    peer: None,
                    lines: Vec::new(),
                });
                if w.peer.is_none() {
                    w.peer = peer;
                }
                if w.lines.len() < 64 {
                    w.lines.push(r.text.clone());
                }
                // The daemon says the attempt is over and no packet of it was seen (no
                // --interface, or another one): an SA known from the log alone.
                let (up, fails) = ends_attempt(r.entry);
                if (up || fails) && self.config.sas_from_logs {
                    self.log_only_sa(now, sa_ref, r.ike_spis);
                }
            }
            return;
        };
        let grace = self.config.grace_ns;
        let max_lines = self.config.max_lines_per_sa;
        let Some(sa) = self.sas.get_mut(&key) else {
            return;
        };
        if let Some(sa_ref) = r.sa_ref {
            if self.by_ref.insert(sa_ref, key) != Some(key) && !sa.refs.contains(&sa_ref) {
                sa.refs.push(sa_ref);
            }
        }
        if sa.lines.len() < max_lines && self.evidence_bytes < self.config.max_evidence_bytes {
            sa.bytes += r.text.len();
            self.evidence_bytes += r.text.len();
            sa.lines.push(r.text.clone());
        }
        let (up, fails) = ends_attempt(r.entry);
        let ends = up && sa.state == State::Negotiating;
        // An established attempt is reported once its CHILD_SA is up (or the daemon says the
        // IKE SA is, with nothing more within the grace).
        if fails || ends {
            let at = now.saturating_add(grace);
            if sa.due.is_none_or(|(t, why)| why != Due::Stated || t > at) {
                set_due(&mut self.dues, key, sa, Some((at, Due::Stated)));
            }
        }
    }

    /// Makes the waiting lines of `sa_ref` an SA of their own, diagnosed after the grace.
    fn log_only_sa(&mut self, now: i64, sa_ref: u32, spis: Option<(u64, u64)>) {
        let Some(w) = self.waiting.remove(&sa_ref) else {
            return;
        };
        self.waiting_order.retain(|r| *r != sa_ref);
        self.attempts += 1;
        if self.sas.len() >= self.config.max_sas {
            self.untracked += 1;
            return;
        }
        let key = LOG_ONLY | (u64::from(sa_ref) << 24) | (now as u64 & 0xff_ffff);
        let unspecified = SocketAddr::from(([0, 0, 0, 0], 0));
        let peer = w.peer.map_or(unspecified, |ip| SocketAddr::new(ip, 500));
        let mut sa = Sa::new(spis.map_or(0, |(i, _)| i), peer, unspecified, now);
        sa.spi_r = spis.map_or(0, |(_, r)| r);
        sa.bytes = w.lines.iter().map(String::len).sum();
        self.evidence_bytes += sa.bytes;
        sa.lines = w.lines;
        let grace = Some((now.saturating_add(self.config.grace_ns), Due::Stated));
        set_due(&mut self.dues, key, &mut sa, grace);
        if let Some(ip) = w.peer {
            self.by_ip.entry(ip).or_default().push(key);
        }
        self.by_ref.insert(sa_ref, key);
        sa.refs.push(sa_ref);
        self.sas.insert(key, Box::new(sa));
    }

    fn sa_of_line(&self, r: &ike_logs::LogRecord) -> Option<u64> {
        if let Some((i, _)) = r.ike_spis {
            if self.sas.contains_key(&i) {
                return Some(i);
            }
        }
        if let Some(k) = r.sa_ref.and_then(|n| self.by_ref.get(&n)) {
            if self.sas.contains_key(k) {
                return Some(*k);
            }
        }
        match (r.src, r.dst) {
            (Some(s), Some(d)) => self.sa_between(s.ip(), d.ip()),
            _ => {
                let peer = r.peer?;
                self.by_ip
                    .get(&peer)?
                    .iter()
                    .rev()
                    .copied()
                    .find(|k| self.sas.contains_key(k))
            }
        }
    }

    /// When [`Watch::handle_timeout`] should next be called, if at all.
    pub fn poll_timeout(&self) -> Option<i64> {
        let due = self.dues.first().map(|&(t, _)| t);
        let window = self
            .window
            .values()
            .any(|&(_, suppressed)| suppressed > 0)
            .then_some(self.window_start.saturating_add(self.config.window_ns));
        let sweep = (self.established > 0).then_some(self.next_sweep);
        [due, window, sweep].into_iter().flatten().min()
    }

    /// Diagnoses the SAs whose time has come, the earliest first, at most
    /// [`DUE_PER_CALL`] of them: the diagnoses wait in [`Watch::poll_event`] until taken, so a
    /// watch that fell behind holds a bounded batch, not every SA that came due meanwhile.
    /// [`Watch::is_due`] says whether more are left.
    pub fn handle_timeout(&mut self, now_ns: i64) {
        for _ in 0..DUE_PER_CALL {
            let Some(&(t, key)) = self.dues.first().filter(|&&(t, _)| t <= now_ns) else {
                break;
            };
            self.dues.remove(&(t, key));
            if let Some(why) = self.sas.get(&key).and_then(|s| s.due).map(|(_, why)| why) {
                self.diagnose_sa(now_ns, key, why);
            }
        }
        if now_ns >= self.next_sweep {
            self.next_sweep = now_ns.saturating_add(self.config.window_ns);
            let idle: Vec<u64> = self
                .sas
                .iter()
                // One still due is diagnosed first (a batch a call: at the end of input,
                // every established SA is idle).
                .filter(|(_, s)| {
                    s.state == State::Established
                        && s.due.is_none()
                        && now_ns.saturating_sub(s.last_activity) >= self.config.idle_expire_ns
                })
                .map(|(&k, _)| k)
                .collect();
            for key in idle {
                self.expired += 1;
                self.forget(key);
            }
        }
        self.close_window(now_ns);
    }

    /// At the end of a window, one [`Aggregate`] per kind of diagnosis that was counted.
    fn close_window(&mut self, now: i64) {
        if now < self.window_start.saturating_add(self.config.window_ns) {
            return;
        }
        let from = self.window_start;
        let mut counted: Vec<(AggregateKey, u64)> = self
            .window
            .drain()
            .filter(|(_, (_, suppressed))| *suppressed > 0)
            .map(|(key, (_, suppressed))| (key, suppressed))
            .collect();
        counted.sort_by_key(|((kind, _, phase, category), _)| (kind.as_str(), *phase, *category));
        for ((kind, outcome, phase, category), count) in counted {
            self.events.push_back(Event::Aggregate(Aggregate {
                kind,
                outcome,
                phase,
                category,
                count,
                from_ns: from,
                to_ns: now,
            }));
        }
        self.window_start = now;
    }

    /// Whether an SA is due at `now_ns` ([`Watch::handle_timeout`] diagnoses a batch a call).
    pub fn is_due(&self, now_ns: i64) -> bool {
        self.dues.first().is_some_and(|&(t, _)| t <= now_ns)
    }

    fn diagnose_sa(&mut self, now: i64, key: u64, why: Due) {
        let Some(sa) = self.sas.get_mut(&key) else {
            return;
        };
        set_due(&mut self.dues, key, sa, None);
        let name = format!(
            "{}-{:016x}",
            ike_timeline::time::rfc3339_micros(Timestamp(sa.started)).replace(':', ""),
            if sa.spi_i == 0 { key } else { sa.spi_i }
        );
        // An SA known from a log only has no capture.
        let pcap = if sa.frames.is_empty() {
            Vec::new()
        } else {
            pcap::file(
                self.config.link_type,
                sa.frames.iter().map(|c| (c.ts, &c.data[..])),
                now,
            )
        };
        let mut log = sa.lines.join("\n");
        if !log.is_empty() {
            log.push('\n');
        }
        let (verdict, verdict_json, findings_json) = if pcap.is_empty() && log.is_empty() {
            // Seen on the wire, but the evidence budget was spent before any of its frames
            // could be kept: saying "no IKE traffic" of it would be wrong.
            unkept(sa, self.config.max_evidence_bytes)
        } else {
            evaluate(&name, &pcap, &log, None, now)
        };
        let kind = match sa.state {
            State::Negotiating => Kind::Attempt,
            State::Established => Kind::Lost,
        };
        let decided = verdict.outcome != Outcome::Inconclusive;
        let established = verdict.outcome == Outcome::Established;
        // An exchange answered and quiet, undecided: wait for more (or the attempt's limit).
        if why == Due::Quiet && !decided {
            if kind == Kind::Attempt {
                let limit = sa.started.saturating_add(self.config.attempt_timeout_ns);
                set_due(&mut self.dues, key, sa, Some((limit, Due::GaveUp)));
            }
            return;
        }
        let report = match (kind, established) {
            // Up: report the attempt, keep watching the SA.
            (Kind::Attempt, true) => {
                sa.state = State::Established;
                self.established += 1;
                true
            }
            // An established SA still fine (a rekey, DPD answered): nothing to say.
            (Kind::Lost, true) => false,
            (_, false) => true,
        };
        let finished = Finished {
            kind,
            at_ns: now,
            spi_i: sa.spi_i,
            spi_r: sa.spi_r,
            initiator: sa.initiator,
            responder: sa.responder,
            verdict,
            verdict_json,
            findings_json,
            evidence_name: name,
            pcap,
            log,
            retransmits: sa.retransmits,
            suppressed: false,
        };
        if !established || why == Due::Stated && kind == Kind::Lost {
            self.forget(key);
        }
        if report {
            self.close_window(now);
            let key = (
                finished.kind,
                finished.verdict.outcome,
                finished.verdict.phase.map(|p| p.as_str()),
                finished.verdict.category.map(|c| c.as_str()),
            );
            let seen = self.window.entry(key).or_insert((0, 0));
            let mut finished = finished;
            if seen.0 < self.config.lines_per_window {
                seen.0 += 1;
            } else {
                seen.1 += 1;
                finished.suppressed = true;
            }
            self.events.push_back(Event::Finished(Box::new(finished)));
        }
    }

    fn forget(&mut self, key: u64) {
        if let Some(mut sa) = self.sas.remove(&key) {
            set_due(&mut self.dues, key, &mut sa, None);
            self.evidence_bytes = self.evidence_bytes.saturating_sub(sa.bytes);
            if sa.state == State::Established {
                self.established -= 1;
            }
            for ip in [sa.initiator.ip(), sa.responder.ip()] {
                if let Some(list) = self.by_ip.get_mut(&ip) {
                    list.retain(|k| *k != key);
                    if list.is_empty() {
                        self.by_ip.remove(&ip);
                    }
                }
            }
            for r in &sa.refs {
                if self.by_ref.get(r) == Some(&key) {
                    self.by_ref.remove(r);
                }
            }
        }
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }
}

/// The verdict of an SA none of whose frames or lines could be kept as evidence.
fn unkept(sa: &Sa, budget: usize) -> (Verdict, serde_json::Value, serde_json::Value) {
    let why = if sa.frames_refused > 0 {
        format!(
            "the evidence held in memory had reached its budget of {} KiB, spent on other SAs",
            budget >> 10
        )
    } else {
        "its frames had left the recent frames before their datagram was complete".to_string()
    };
    let verdict = Verdict::new(
        Outcome::Inconclusive,
        format!(
            "{} IKE datagram(s) of this SA seen ({} of them resent requests), none kept as evidence: {why}; nothing to diagnose from",
            sa.datagrams, sa.retransmits
        ),
    );
    // The report's own shape, from an empty timeline: nothing to cite.
    let empty = TimelineBuilder::new(Limits::default()).finish();
    let verdict_json =
        serde_json::to_value(ike_report::json::verdict_json(&empty, &verdict)).unwrap_or_default();
    (verdict, verdict_json, serde_json::json!([]))
}

/// Sets an SA's due time and files it in `dues` (the SA's key and [`Watch::dues`]).
fn set_due(dues: &mut BTreeSet<(i64, u64)>, key: u64, sa: &mut Sa, due: Option<(i64, Due)>) {
    if let Some((t, _)) = sa.due {
        dues.remove(&(t, key));
    }
    if let Some((t, _)) = due {
        dues.insert((t, key));
    }
    sa.due = due;
}

fn take_recent(recent: &mut VecDeque<(u64, Captured)>, number: u64) -> Option<Captured> {
    let i = recent.iter().position(|(n, _)| *n == number)?;
    recent.remove(i).map(|(_, c)| c)
}

/// The evidence held over all SAs, and the frames refused for it.
struct Budget<'a> {
    used: &'a mut usize,
    refused: &'a mut u64,
}

fn keep_frame(sa: &mut Sa, c: Captured, config: &Config, budget: Budget<'_>) {
    let n = c.data.len();
    if *budget.used + n > config.max_evidence_bytes {
        *budget.refused += 1;
        sa.frames_refused += 1;
        return;
    }
    if sa.frames.len() < config.max_frames_per_sa && sa.frame_bytes + n <= config.max_bytes_per_sa {
        sa.frame_bytes += n;
        sa.bytes += n;
        *budget.used += n;
        sa.frames.push(c);
    }
}

/// FNV-1a of a datagram: equal bytes, equal digest (a retransmit).
fn digest(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The diagnosis of one SA's evidence, exactly as `ike-doctor diagnose NAME.pcapng NAME.log
/// [NAME.host.json]` makes it: the verdict, and the report's verdict and findings as JSON. A
/// host report (`ike-doctor host --format json` of the watching host, for the SA's peer)
/// decides what the rest leaves open, as in `diagnose`. `end_ns`: when the evidence ends.
pub fn evaluate(
    name: &str,
    pcap: &[u8],
    log: &str,
    host_report: Option<&str>,
    end_ns: i64,
) -> (Verdict, serde_json::Value, serde_json::Value) {
    let mut builder = TimelineBuilder::new(Limits::default());
    builder.set_threads(1);
    if !pcap.is_empty() {
        ike_timeline::ingest::capture_stream(
            &mut builder,
            pcap,
            &format!("{name}.pcapng"),
            &DissectorConfig::default(),
            &mut |_| {},
        );
    }
    if let Some(format) = (!log.is_empty())
        .then(|| ike_logs::detect(log.as_bytes()))
        .flatten()
    {
        let config = ike_logs::ScanConfig {
            // Year-less times go before the first packet, or (log only) before the end, as
            // `diagnose` places them before the log file's modification time.
            reference_ns: builder
                .earliest_capture_time()
                .map(|t| t.0)
                .or(Some(end_ns)),
            ..Default::default()
        };
        ike_timeline::ingest_log::log_stream(
            &mut builder,
            log.as_bytes(),
            &format!("{name}.log"),
            format,
            &config,
        );
    }
    let host = host_report.and_then(|text| {
        let source = builder.add_source(
            format!("{name}.host.json"),
            ike_timeline::SourceKind::HostReport,
        );
        ike_diagnose::host::findings_of(text, source).ok()
    });
    let timeline = builder.finish();
    let mut diagnosis = ike_diagnose::diagnose(&timeline);
    if let Some(found) = &host {
        ike_diagnose::config::refine(&mut diagnosis, found, "the host report decides");
    }
    let verdict_json = serde_json::to_value(ike_report::json::verdict_json(
        &timeline,
        &diagnosis.verdict,
    ))
    .unwrap_or_default();
    let findings: Vec<_> = diagnosis
        .findings
        .iter()
        .map(|f| ike_report::json::finding_json(&timeline, f))
        .collect();
    let findings_json = serde_json::to_value(findings).unwrap_or_default();
    (diagnosis.verdict, verdict_json, findings_json)
}

#[cfg(test)]
mod tests;
