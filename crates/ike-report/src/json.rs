//! The contract's JSON report. Field names here are a stable surface: extend, never rename.
use std::net::{IpAddr, SocketAddr};

use ike_capture::{IcmpKind, IncompleteReason};
use ike_diagnose::{Candidate, Diagnosis, EvidenceRef, Finding, PeerRow, Verdict};
use ike_timeline::{EventKind, Locator, Session, SourceKind, Timeline};
use serde::Serialize;

use crate::{proposal_string, spi_hex};

/// A timestamp that serialises as RFC 3339 text without an intermediate `String`.
#[derive(Debug, Clone, Copy)]
pub struct Time(pub ike_timeline::Timestamp);

impl Serialize for Time {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&ike_timeline::time::Rfc3339(self.0))
    }
}

/// An SPI as lowercase hex of its bytes (16 digits for IKE, 8 for ESP).
#[derive(Debug, Clone, Copy)]
pub enum Spi {
    Ike(u64),
    Esp(u32),
}

impl Serialize for Spi {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 16];
        let text = match *self {
            Spi::Ike(v) => hex::encode_to_slice(v.to_be_bytes(), &mut buf).map(|()| &buf[..]),
            Spi::Esp(v) => hex::encode_to_slice(v.to_be_bytes(), &mut buf[..8]).map(|()| &buf[..8]),
        };
        match text.ok().and_then(|t| std::str::from_utf8(t).ok()) {
            Some(t) => serializer.serialize_str(t),
            None => serializer.serialize_str(""),
        }
    }
}

/// A registry value (exchange type, notify type) by name, or by number for one the registry
/// does not name: what its `Display` writes, without a `String` for the names it knows.
#[derive(Debug, Clone)]
pub struct ExchangeName(pub std::borrow::Cow<'static, str>);

impl Serialize for ExchangeName {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

fn exchange_name(e: ike_wire::ExchangeType) -> ExchangeName {
    ExchangeName(e.name_or_number())
}

fn notify_name(t: ike_wire::NotifyType) -> ExchangeName {
    ExchangeName(t.name_or_number())
}

/// Bytes as lowercase hex, written from the stack when short (notify data is cut to 64 bytes):
/// a gateway's report has a few notifies per message.
#[derive(Debug, Clone, Copy)]
pub struct Hex<'t>(pub &'t [u8]);

impl Serialize for Hex<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 128];
        match buf.get_mut(..self.0.len() * 2) {
            Some(out) => match hex::encode_to_slice(self.0, out) {
                Ok(()) => serializer.serialize_str(std::str::from_utf8(out).unwrap_or_default()),
                Err(_) => serializer.serialize_str(&hex::encode(self.0)),
            },
            None => serializer.serialize_str(&hex::encode(self.0)),
        }
    }
}

/// `address:port` as `SocketAddr`'s `Display` writes it, an IPv4 one without going through
/// `fmt` (two per message in a gateway's report).
#[derive(Debug, Clone, Copy)]
pub struct Endpoint(pub SocketAddr);

impl Serialize for Endpoint {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            SocketAddr::V4(v4) => {
                // "255.255.255.255:65535" is 21 bytes.
                let mut buf = [0u8; 21];
                let mut len = 0;
                let mut number = itoa::Buffer::new();
                for (i, octet) in v4.ip().octets().into_iter().enumerate() {
                    if i > 0 {
                        buf[len] = b'.';
                        len += 1;
                    }
                    let digits = number.format(octet).as_bytes();
                    buf[len..len + digits.len()].copy_from_slice(digits);
                    len += digits.len();
                }
                buf[len] = b':';
                len += 1;
                let digits = number.format(v4.port()).as_bytes();
                buf[len..len + digits.len()].copy_from_slice(digits);
                len += digits.len();
                serializer.serialize_str(std::str::from_utf8(&buf[..len]).unwrap_or_default())
            }
            SocketAddr::V6(_) => self.0.serialize(serializer),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Report<'t> {
    pub verdict: VerdictJson,
    pub findings: Vec<FindingJson>,
    pub sessions: Sessions<'t>,
    pub esp: EspFlows<'t>,
    pub nat_keepalives: Vec<KeepaliveJson<'t>>,
    pub icmp: Vec<IcmpJson<'t>>,
    pub incomplete_datagrams: Vec<IncompleteJson<'t>>,
    pub inputs: Vec<InputJson>,
    /// Per pair of peers, when there are several: attempts, established, failed by phase and
    /// category.
    #[serde(skip_serializing_if = "Peers::is_empty")]
    pub peers: Peers<'t>,
    /// Clock offsets between captures that saw the same datagrams, and of logs against captures.
    pub clock_offsets: Vec<ClockOffsetJson>,
    pub notes: Vec<NoteJson>,
    pub limits: LimitsJson,
}

/// The IKE SAs, each built only while it is written: a gateway's capture holds tens of thousands,
/// and keeping all their JSON records at once would cost more memory than the timeline itself.
#[derive(Clone, Copy)]
pub struct Sessions<'t> {
    timeline: &'t Timeline,
    diagnosis: &'t Diagnosis,
    /// Threads that build and serialize the records (see [`collect_seq_in_parallel`]).
    threads: usize,
}

impl<'t> Sessions<'t> {
    pub fn len(&self) -> usize {
        self.timeline.sessions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.timeline.sessions.is_empty()
    }

    /// Each SA's record, in the timeline's order.
    pub fn iter(&self) -> impl Iterator<Item = SessionJson<'t>> + '_ {
        (0..self.len()).filter_map(|i| self.item(i))
    }

    /// The record of the `i`-th SA.
    fn item(&self, i: usize) -> Option<SessionJson<'t>> {
        let s = self.timeline.sessions.get(i)?;
        Some(session_json(
            self.timeline,
            i,
            s,
            self.diagnosis.sessions.get(i),
        ))
    }
}

/// A list the report writes element by element, each built only while it is written: `Debug`
/// shows its length, `Serialize` writes the elements `item(i)` makes, on several threads when
/// `threads` asks for them.
macro_rules! written_as_it_goes {
    ($list:ident) => {
        impl std::fmt::Debug for $list<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({})", stringify!($list), self.len())
            }
        }

        impl Serialize for $list<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                collect_seq_in_parallel(serializer, self.len(), self.threads, |i| self.item(i))
            }
        }
    };
}

/// One record of a list: built and serialized in place, or serialized by another thread.
enum Element<T> {
    Here(T),
    Done(Box<serde_json::value::RawValue>),
}

impl<T: Serialize> Serialize for Element<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Element::Here(item) => item.serialize(serializer),
            Element::Done(raw) => raw.serialize(serializer),
        }
    }
}

/// Serializes the records `make(0..len)` gives (skipping `None`) as one sequence. With
/// `threads` above 1 the records are shared out as [`ike_diagnose::parallel::in_order`] does:
/// this thread builds and writes its records in place, the others serialize theirs to text
/// that is written verbatim in order. Compact JSON is the same bytes either way (a pretty
/// writer would keep the others' text compact: `write` is the only caller that asks for
/// threads).
fn collect_seq_in_parallel<S, T, F>(
    serializer: S,
    len: usize,
    threads: usize,
    make: F,
) -> Result<S::Ok, S::Error>
where
    S: serde::Serializer,
    T: Serialize,
    F: Fn(usize) -> Option<T> + Sync,
{
    use ike_diagnose::parallel::{in_order, Made};
    let serialized = |i: usize| make(i).map(|item| serde_json::value::to_raw_value(&item));
    let failed = std::cell::Cell::new(None);
    let written = in_order(len, threads, &make, serialized, |records| {
        serializer.collect_seq(records.filter_map(|made| match made {
            Made::Here(item) => Some(Element::Here(item)),
            Made::There(Ok(raw)) => Some(Element::Done(raw)),
            Made::There(Err(e)) => {
                failed.set(Some(e.to_string()));
                None
            }
        }))
    });
    match failed.into_inner() {
        Some(why) => Err(serde::ser::Error::custom(why)),
        None => written,
    }
}

written_as_it_goes!(Sessions);

/// The per-peer table, each row's record built only while it is written: a gateway's table has
/// a row per client.
#[derive(Debug, Clone, Copy)]
pub struct Peers<'t>(pub &'t [PeerRow]);

impl Peers<'_> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Peers<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(peer_json))
    }
}

#[derive(Debug, Serialize)]
pub struct ClockOffsetJson {
    pub reference: String,
    pub other: String,
    /// `other`'s clock minus `reference`'s, in seconds.
    pub offset_seconds: f64,
    pub matched_datagrams: usize,
}

#[derive(Debug, Serialize)]
pub struct VerdictJson {
    pub outcome: ike_diagnose::Outcome,
    pub phase: Option<&'static str>,
    pub category: Option<&'static str>,
    pub summary: String,
    /// When the category is open: the (phase, category) pairs the evidence still allows.
    pub candidates: Vec<CandidateJson>,
    /// Problems that did not stop an established SA.
    pub warnings: Vec<FindingJson>,
}

#[derive(Debug, Serialize)]
pub struct CandidateJson {
    pub phase: &'static str,
    pub category: &'static str,
    pub why: String,
    pub decided_by: String,
}

#[derive(Debug, Serialize)]
pub struct FindingJson {
    pub rule: &'static str,
    pub phase: &'static str,
    pub category: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<CandidateJson>,
    pub confidence: ike_diagnose::Confidence,
    /// Who states what the finding rests on: `own-statement`, `peer-reading`, `wire-shape`.
    pub knowledge: ike_diagnose::Knowledge,
    pub title: String,
    pub evidence: Vec<EvidenceJson>,
    pub fix: Vec<String>,
    /// The fixes that are configuration lines, as data: the peer to change, the syntax, where
    /// the line goes and the line.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<ChangeJson>,
    /// How many IKE SA attempts showed it.
    pub attempts: usize,
}

#[derive(Debug, Serialize)]
pub struct ChangeJson {
    /// `initiator` or `responder`.
    pub peer: &'static str,
    pub syntax: &'static str,
    pub section: Option<String>,
    pub line: String,
}

#[derive(Debug, Serialize)]
pub struct PeerJson {
    pub initiator: IpAddr,
    pub responder: IpAddr,
    pub attempts: u32,
    pub established: u32,
    pub failed: Vec<PeerFailedJson>,
}

#[derive(Debug, Serialize)]
pub struct PeerFailedJson {
    /// `null` when the phase is open (as in a verdict).
    pub phase: Option<&'static str>,
    pub category: Option<&'static str>,
    pub count: u32,
}

#[derive(Debug, Serialize)]
pub struct EvidenceJson {
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The log line as written, for line evidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub note: String,
}

#[derive(Debug, Serialize)]
pub struct SessionJson<'t> {
    pub id: usize,
    pub source: String,
    /// Every input that saw the SA (captures, and logs joined to it).
    pub sources: Vec<&'t str>,
    /// The verdict of this SA.
    pub verdict: VerdictJson,
    pub ike_version: u8,
    pub spi_i: String,
    pub spi_r: String,
    pub initiator: String,
    pub responder: String,
    pub initiator_last: String,
    pub responder_last: String,
    pub phase_reached: &'static str,
    pub established_by: Option<&'t str>,
    pub offered_proposals: Vec<String>,
    pub chosen_proposal: Option<String>,
    pub ke_groups_sent: Vec<String>,
    pub restart_of: Option<RestartJson>,
    pub nat_t_move_frame: Option<u64>,
    pub endpoint_changes: Vec<EndpointChangeJson>,
    pub vendor_ids: VendorIdsJson<'t>,
    pub notifies: NotifiesJson<'t>,
    pub messages: MessagesJson<'t>,
    pub messages_dropped: u64,
}

/// A session's messages as the report reads them: the records of its messages, notifies and
/// vendor IDs are each made only while written. Made into lists first, their moves and
/// allocations cost a gateway's report (310,000 messages) a sixth of its time.
#[derive(Debug, Clone, Copy)]
pub struct SessionMessages<'t> {
    timeline: &'t Timeline,
    session: &'t Session,
}

impl<'t> SessionMessages<'t> {
    /// Each message's place in the session, its reference and its event.
    fn events(
        self,
    ) -> impl Iterator<Item = (usize, ike_timeline::MessageRef, &'t ike_timeline::Event)> {
        let timeline = self.timeline;
        self.session
            .messages
            .iter()
            .enumerate()
            .filter_map(move |(n, &r)| Some((n, r, timeline.events.get(r.event())?)))
    }

    /// The IKEv2 messages with their frames.
    fn ikev2(self) -> impl Iterator<Item = (u64, &'t ike_timeline::IkeMessage)> {
        self.events().filter_map(|(_, _, event)| match &event.kind {
            EventKind::Ike(m) => Some((frame_of(event.at()), &**m)),
            _ => None,
        })
    }
}

#[derive(Debug, Clone, Copy)]
pub struct MessagesJson<'t>(SessionMessages<'t>);

impl Serialize for MessagesJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let SessionMessages { timeline, session } = self.0;
        serializer.collect_seq(
            self.0
                .events()
                .filter_map(|(n, r, event)| message_json(timeline, session, n, r, event)),
        )
    }
}

#[derive(Debug, Clone, Copy)]
pub struct NotifiesJson<'t>(SessionMessages<'t>);

impl Serialize for NotifiesJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.ikev2().flat_map(|(frame, m)| {
            m.notifies().map(move |(t, data)| NotifyJson {
                frame,
                from: side(m.from_initiator),
                exchange: exchange_name(m.exchange),
                message_id: m.message_id,
                notify: notify_name(t),
                error: t.is_error(),
                data: Hex(data),
            })
        }))
    }
}

#[derive(Debug, Clone, Copy)]
pub struct VendorIdsJson<'t>(SessionMessages<'t>);

impl Serialize for VendorIdsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.ikev2().flat_map(|(frame, m)| {
            m.vendor_ids().map(move |v| VendorIdJson {
                frame,
                from: side(m.from_initiator),
                hex: Hex(v),
                implementation: ike_wire::vendor::identify(v).map(|info| vendor_string(&info)),
            })
        }))
    }
}

#[derive(Debug, Serialize)]
pub struct RestartJson {
    pub session: usize,
    pub reason: &'static str,
}

#[derive(Debug, Serialize)]
pub struct EndpointChangeJson {
    pub frame: u64,
    pub side: &'static str,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Serialize)]
pub struct VendorIdJson<'t> {
    pub frame: u64,
    pub from: &'static str,
    pub hex: Hex<'t>,
    pub implementation: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct NotifyJson<'t> {
    pub frame: u64,
    pub from: &'static str,
    pub exchange: ExchangeName,
    pub message_id: u32,
    pub notify: ExchangeName,
    pub error: bool,
    pub data: Hex<'t>,
}

#[derive(Debug, Serialize)]
pub struct MessageJson<'t> {
    pub source: &'t str,
    pub frame: u64,
    pub time: Time,
    pub src: Endpoint,
    pub dst: Endpoint,
    pub exchange: ExchangeName,
    /// The exchange type number, for scripts that prefer numbers.
    pub exchange_number: u8,
    pub spi_i: Spi,
    pub spi_r: Spi,
    pub message_id: u32,
    pub response: bool,
    pub initiator_flag: bool,
    pub retransmit: bool,
    pub length: u32,
    pub payloads: &'t ike_timeline::PayloadList,
    pub non_esp_marker: bool,
    /// Size of the SK/SKF payload body (IV, ciphertext, ICV) when encrypted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encrypted_len: Option<u32>,
    #[serde(skip_serializing_if = "<[u64]>::is_empty")]
    pub ip_fragments: &'t [u64],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fragment: Option<FragmentJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub malformed: Option<&'t str>,
    /// The same datagram in the other captures that hold it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub seen_in: Vec<SightingJson<'t>>,
    /// The decrypted SK/SKF content (with `--keys`): see `crate::inner_json`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decrypted: Option<crate::inner_json::DecryptedJson>,
}

#[derive(Debug, Serialize)]
pub struct SightingJson<'t> {
    pub source: &'t str,
    pub frame: u64,
    pub time: Time,
}

#[derive(Debug, Serialize)]
pub struct FragmentJson {
    pub number: u16,
    pub total: u16,
}

#[derive(Debug, Serialize)]
pub struct EspFlowJson<'t> {
    pub source: &'t str,
    pub spi: Spi,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub udp_encapsulated: bool,
    pub packets: u64,
    pub bytes: u64,
    pub max_ip_len: u32,
    pub fragmented_packets: u64,
    pub first_frame: u64,
    pub last_frame: u64,
    pub first_time: Time,
    pub last_time: Time,
    pub max_gap_seconds: f64,
    /// The same SPI as the other captures saw it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub seen_in: Vec<EspSightingJson<'t>>,
}

#[derive(Debug, Serialize)]
pub struct EspSightingJson<'t> {
    pub source: &'t str,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub packets: u64,
    pub first_frame: u64,
    pub last_frame: u64,
}

#[derive(Debug, Serialize)]
pub struct KeepaliveJson<'t> {
    pub source: &'t str,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub count: u64,
    pub first_frame: u64,
    pub first_time: Time,
    pub last_time: Time,
    pub max_interval_seconds: f64,
}

#[derive(Debug, Serialize)]
pub struct IcmpJson<'t> {
    pub source: &'t str,
    pub frame: u64,
    pub time: Time,
    pub from: IpAddr,
    pub to: IpAddr,
    pub kind: &'static str,
    pub mtu: Option<u32>,
    pub quoted_src: IpAddr,
    pub quoted_dst: IpAddr,
    pub quoted_protocol: u8,
    pub quoted_ports: Option<(u16, u16)>,
    pub quoted_ip_len: u32,
}

#[derive(Debug, Serialize)]
pub struct IncompleteJson<'t> {
    pub source: &'t str,
    pub first_frame: u64,
    pub last_frame: u64,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub protocol: u8,
    pub ports: Option<(u16, u16)>,
    pub fragments_seen: u32,
    pub bytes_seen: u32,
    pub total_len: Option<u32>,
    pub reason: &'static str,
}

#[derive(Debug, Serialize)]
pub struct InputJson {
    pub path: String,
    pub kind: &'static str,
    pub units_read: u64,
    pub bytes_read: u64,
    pub coverage: CoverageJson,
}

/// What an input could have shown (see the contract's coverage rules).
#[derive(Debug, Serialize)]
pub struct CoverageJson {
    pub end: ike_contract::End,
    pub first: Option<Time>,
    pub last: Option<Time>,
    /// What a capture held nothing beyond (`ike-ports-only`), or `null`.
    pub filtered: Option<&'static str>,
    /// Why reading stopped early, or `null`.
    pub truncated: Option<String>,
    pub starts_mid_sa: bool,
}

#[derive(Debug, Serialize)]
pub struct NoteJson {
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    pub message: String,
}

#[derive(Debug, Serialize)]
pub struct LimitsJson {
    pub ike_messages_not_kept: u64,
    pub other_events_not_kept: u64,
    pub flows_not_kept: u64,
    pub sessions_not_tracked: u64,
}

fn endpoint(a: SocketAddr) -> String {
    a.to_string()
}

fn frame_of(at: Locator) -> u64 {
    match at {
        Locator::Frame(f) => f,
        Locator::Line(_) => 0,
    }
}

pub fn evidence_json(timeline: &Timeline, e: &EvidenceRef) -> EvidenceJson {
    let (frame, line) = match e.at {
        Some(Locator::Frame(f)) => (Some(f), None),
        Some(Locator::Line(l)) => (None, Some(l)),
        None => (None, None),
    };
    EvidenceJson {
        source: timeline.source_name(e.source).to_owned(),
        frame,
        line,
        text: line
            .and_then(|l| ike_timeline::log::line_text(timeline, e.source, l).map(str::to_owned)),
        note: e.note.clone(),
    }
}

pub fn finding_json(timeline: &Timeline, f: &Finding) -> FindingJson {
    FindingJson {
        rule: f.rule,
        phase: f.phase.as_str(),
        category: f.category.map(|c| c.as_str()),
        candidates: f.candidates.iter().map(candidate_json).collect(),
        confidence: f.confidence,
        knowledge: f.knowledge,
        title: f.title.clone(),
        evidence: f
            .evidence
            .iter()
            .map(|e| evidence_json(timeline, e))
            .collect(),
        fix: f.fix.iter().map(|x| x.text.clone()).collect(),
        changes: f
            .fix
            .iter()
            .filter_map(|x| x.change.as_ref())
            .map(|c| ChangeJson {
                peer: c.peer.as_str(),
                syntax: c.syntax.as_str(),
                section: c.section.clone(),
                line: c.line.clone(),
            })
            .collect(),
        attempts: f.attempts,
    }
}

pub fn candidate_json(c: &Candidate) -> CandidateJson {
    CandidateJson {
        phase: c.phase.as_str(),
        category: c.category.as_str(),
        why: c.why.to_string(),
        decided_by: c.decided_by.to_string(),
    }
}

pub fn verdict_json(timeline: &Timeline, v: &Verdict) -> VerdictJson {
    VerdictJson {
        outcome: v.outcome,
        phase: v.phase.map(|p| p.as_str()),
        category: v.category.map(|c| c.as_str()),
        summary: v.summary.clone(),
        candidates: v.candidates.iter().map(candidate_json).collect(),
        warnings: v
            .warnings
            .iter()
            .map(|w| finding_json(timeline, w))
            .collect(),
    }
}

fn peer_json(p: &PeerRow) -> PeerJson {
    PeerJson {
        initiator: p.initiator,
        responder: p.responder,
        attempts: p.attempts,
        established: p.established,
        failed: p
            .failed
            .iter()
            .map(|(phase, category, count)| PeerFailedJson {
                phase: phase.map(|p| p.as_str()),
                category: category.map(|c| c.as_str()),
                count: *count,
            })
            .collect(),
    }
}

fn side(from_initiator: bool) -> &'static str {
    if from_initiator {
        "initiator"
    } else {
        "responder"
    }
}

pub fn session_json<'t>(
    timeline: &'t Timeline,
    id: usize,
    s: &'t Session,
    verdict: Option<&Verdict>,
) -> SessionJson<'t> {
    let messages = SessionMessages {
        timeline,
        session: s,
    };
    let frame_of_event = |index: usize| {
        timeline
            .events
            .get(index)
            .map(|e| frame_of(e.at()))
            .unwrap_or(0)
    };
    SessionJson {
        id: id + 1,
        source: timeline.source_name(s.source).to_owned(),
        sources: s.sources.iter().map(|&x| timeline.source_name(x)).collect(),
        verdict: verdict
            .map(|v| verdict_json(timeline, v))
            .unwrap_or_else(|| {
                verdict_json(
                    timeline,
                    &Verdict::new(ike_diagnose::Outcome::Inconclusive, "not judged"),
                )
            }),
        ike_version: s.ike_major_version,
        spi_i: spi_hex(s.spi_i),
        spi_r: spi_hex(s.spi_r),
        initiator: endpoint(s.initiator()),
        responder: endpoint(s.responder()),
        initiator_last: endpoint(s.initiator_now()),
        responder_last: endpoint(s.responder_now()),
        phase_reached: s.phase_reached.as_str(),
        established_by: s.established_by.as_deref(),
        offered_proposals: s
            .offered
            .iter()
            .flat_map(|list| list.iter())
            .map(proposal_string)
            .collect(),
        chosen_proposal: s.chosen().map(proposal_string),
        ke_groups_sent: s.ke_sent.iter().map(|g| g.to_string()).collect(),
        restart_of: s.restart_of().map(|r| RestartJson {
            session: r.session + 1,
            reason: r.reason,
        }),
        nat_t_move_frame: s.moved_to_4500_at.map(frame_of_event),
        endpoint_changes: s
            .endpoint_changes()
            .iter()
            .map(|c| EndpointChangeJson {
                frame: frame_of_event(c.event),
                side: side(c.initiator_side),
                from: endpoint(c.from),
                to: endpoint(c.to),
            })
            .collect(),
        vendor_ids: VendorIdsJson(messages),
        notifies: NotifiesJson(messages),
        messages: MessagesJson(messages),
        messages_dropped: s.messages_dropped(),
    }
}

/// The record of the `n`-th message of `s`, for an IKE message's event.
fn message_json<'t>(
    timeline: &'t Timeline,
    s: &'t Session,
    n: usize,
    r: ike_timeline::MessageRef,
    event: &'t ike_timeline::Event,
) -> Option<MessageJson<'t>> {
    let frame = frame_of(event.at());
    let source = timeline.source_name(event.source());
    let time = Time(event.time);
    match &event.kind {
        EventKind::Ike(m) => Some(MessageJson {
            source,
            frame,
            time,
            src: Endpoint(m.src()),
            dst: Endpoint(m.dst()),
            exchange: exchange_name(m.exchange),
            exchange_number: m.exchange.0,
            spi_i: Spi::Ike(m.spi_i),
            spi_r: Spi::Ike(m.spi_r),
            message_id: m.message_id,
            response: m.response,
            initiator_flag: m.from_initiator,
            retransmit: r.retransmit(),
            length: m.length,
            payloads: &m.payloads,
            non_esp_marker: m.non_esp_marker,
            encrypted_len: m.encrypted_len(),
            ip_fragments: m.ip_fragments(),
            fragment: m
                .fragment()
                .map(|(number, total)| FragmentJson { number, total }),
            malformed: m.malformed(),
            seen_in: s
                .seen_in()
                .get(n)
                .into_iter()
                .flatten()
                .filter_map(|&other| timeline.events.get(other))
                .map(|e| SightingJson {
                    source: timeline.source_name(e.source()),
                    frame: frame_of(e.at()),
                    time: Time(e.time),
                })
                .collect(),
            decrypted: m.inner().map(crate::inner_json::decrypted),
        }),
        EventKind::IkeV1(v1) => Some(MessageJson {
            source,
            frame,
            time,
            src: Endpoint(v1.src),
            dst: Endpoint(v1.dst),
            exchange: ExchangeName(std::borrow::Cow::Owned(ikev1_exchange_name(v1.exchange))),
            exchange_number: v1.exchange,
            spi_i: Spi::Ike(v1.spi_i),
            spi_r: Spi::Ike(v1.spi_r),
            message_id: v1.message_id,
            response: false,
            initiator_flag: false,
            retransmit: false,
            length: v1.length,
            payloads: &NO_PAYLOADS,
            non_esp_marker: false,
            encrypted_len: None,
            ip_fragments: &[],
            fragment: None,
            malformed: None,
            seen_in: Vec::new(),
            decrypted: None,
        }),
        _ => None,
    }
}

fn vendor_string(info: &ike_wire::vendor::VendorInfo) -> String {
    if info.detail.is_empty() {
        info.implementation.to_owned()
    } else {
        format!("{} ({})", info.implementation, info.detail)
    }
}

/// IKEv1 exchange names (RFC 2408/2409), for recognising IKEv1 in reports.
pub fn ikev1_exchange_name(exchange: u8) -> String {
    ike_timeline::IkeV1Message::exchange_name(exchange).into_owned()
}

pub fn icmp_kind(kind: IcmpKind) -> (&'static str, Option<u32>) {
    match kind {
        IcmpKind::PortUnreachable => ("port-unreachable", None),
        IcmpKind::Unreachable { .. } => ("unreachable", None),
        IcmpKind::FragmentationNeeded { mtu } => ("fragmentation-needed", Some(mtu)),
        IcmpKind::ReassemblyTimeExceeded => ("reassembly-time-exceeded", None),
        IcmpKind::TimeExceeded => ("time-exceeded", None),
    }
}

fn incomplete_reason(r: IncompleteReason) -> &'static str {
    match r {
        IncompleteReason::Timeout => "timeout",
        IncompleteReason::Evicted => "evicted",
        IncompleteReason::EndOfCapture => "end-of-capture",
    }
}

fn source_kind(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Capture => "capture",
        SourceKind::Log => "log",
        SourceKind::Config => "config",
        SourceKind::Certificate => "certificate",
        SourceKind::Keys => "keys",
        SourceKind::HostReport => "host-report",
    }
}

/// IKEv1 messages are recognised, not parsed: no payload list.
static NO_PAYLOADS: ike_timeline::PayloadList = ike_timeline::PayloadList::EMPTY;

/// Builds the whole report object.
pub fn report<'t>(timeline: &'t Timeline, diagnosis: &'t Diagnosis) -> Report<'t> {
    let v = &diagnosis.verdict;
    let mut icmp = Vec::new();
    let mut incomplete = Vec::new();
    // The records borrow and print their values as they are written: a gateway's capture has
    // tens of thousands of ICMP errors and keepalive flows, and text made up front for each
    // held megabytes until the report was done.
    for event in &timeline.events {
        let source = || timeline.source_name(event.source());
        match &event.kind {
            EventKind::Icmp(e) => {
                let (kind, mtu) = icmp_kind(e.kind);
                icmp.push(IcmpJson {
                    source: source(),
                    frame: e.frame,
                    time: Time(e.ts),
                    from: e.from,
                    to: e.to,
                    kind,
                    mtu,
                    quoted_src: e.quoted.src,
                    quoted_dst: e.quoted.dst,
                    quoted_protocol: e.quoted.protocol,
                    quoted_ports: e.quoted.ports,
                    quoted_ip_len: e.quoted.quoted_ip_len,
                });
            }
            EventKind::Incomplete(d) => incomplete.push(IncompleteJson {
                source: source(),
                first_frame: d.first_frame,
                last_frame: d.last_frame,
                src: d.src,
                dst: d.dst,
                protocol: d.protocol,
                ports: d.ports,
                fragments_seen: d.fragments_seen,
                bytes_seen: d.bytes_seen,
                total_len: d.total_len,
                reason: incomplete_reason(d.reason),
            }),
            _ => {}
        }
    }
    Report {
        verdict: verdict_json(timeline, v),
        findings: diagnosis
            .findings
            .iter()
            .map(|f| finding_json(timeline, f))
            .collect(),
        sessions: Sessions {
            timeline,
            diagnosis,
            threads: 1,
        },
        esp: EspFlows::new(timeline),
        nat_keepalives: timeline
            .keepalive_flows
            .iter()
            .map(|k| KeepaliveJson {
                source: timeline.source_name(k.source),
                src: k.src,
                dst: k.dst,
                count: k.count,
                first_frame: k.first_frame,
                first_time: Time(k.first_ts),
                last_time: Time(k.last_ts),
                max_interval_seconds: k.max_interval_ns as f64 / 1e9,
            })
            .collect(),
        icmp,
        incomplete_datagrams: incomplete,
        inputs: timeline
            .sources
            .iter()
            .map(|s| InputJson {
                path: s.name.clone(),
                kind: source_kind(s.kind),
                units_read: s.units_read,
                bytes_read: s.bytes_read,
                coverage: CoverageJson {
                    end: s.coverage.end,
                    first: s.coverage.first.map(Time),
                    last: s.coverage.last.map(Time),
                    filtered: s.coverage.filtered.map(|f| f.as_str()),
                    truncated: s.coverage.truncated.as_ref().map(|t| t.reason.clone()),
                    starts_mid_sa: s.coverage.starts_mid_sa,
                },
            })
            .collect(),
        peers: Peers(&diagnosis.peers),
        clock_offsets: timeline
            .clock_offsets
            .iter()
            .map(|c| ClockOffsetJson {
                reference: timeline.source_name(c.reference).to_owned(),
                other: timeline.source_name(c.other).to_owned(),
                offset_seconds: c.offset_seconds,
                matched_datagrams: c.matched_datagrams,
            })
            .collect(),
        notes: timeline
            .notes
            .iter()
            .map(|n| {
                let (frame, line) = match n.at {
                    Some(Locator::Frame(f)) => (Some(f), None),
                    Some(Locator::Line(l)) => (None, Some(l)),
                    None => (None, None),
                };
                NoteJson {
                    source: n.source.map(|s| timeline.source_name(s).to_owned()),
                    frame,
                    line,
                    message: n.message.clone(),
                }
            })
            .collect(),
        limits: LimitsJson {
            ike_messages_not_kept: timeline.ike_events_dropped,
            other_events_not_kept: timeline.other_events_dropped,
            flows_not_kept: timeline.flows_dropped,
            sessions_not_tracked: timeline.sessions_untracked,
        },
    }
}

/// ESP flows, each SPI once: the flow as the first capture saw it, with the other captures'
/// sightings of the same SPI (a capture on each end sees the same flow, at other addresses
/// across a NAT). Each flow's record is built only while it is written (a gateway has a
/// hundred thousand flows); what is kept is the flows' order and the rare extra sightings.
#[derive(Clone)]
pub struct EspFlows<'t> {
    timeline: &'t Timeline,
    /// Threads that build and serialize the records (see [`collect_seq_in_parallel`]).
    threads: usize,
    /// Index in `timeline.esp_flows` of each reported flow, in order.
    reported: Vec<u32>,
    /// For a reported flow, the other captures' flows of the same SPI.
    sightings: rustc_hash::FxHashMap<u32, Vec<u32>>,
}

impl<'t> EspFlows<'t> {
    fn new(timeline: &'t Timeline) -> EspFlows<'t> {
        let mut reported = Vec::new();
        let mut sightings: rustc_hash::FxHashMap<u32, Vec<u32>> = Default::default();
        let mut by_spi: rustc_hash::FxHashMap<u32, u32> = Default::default();
        for (i, f) in timeline.esp_flows.iter().enumerate() {
            let Ok(i) = u32::try_from(i) else { break };
            if let Some(&first) = by_spi.get(&f.spi) {
                let first_source = timeline.esp_flows.get(first as usize).map(|x| x.source);
                if first_source != Some(f.source) {
                    sightings.entry(first).or_default().push(i);
                    continue;
                }
            }
            by_spi.entry(f.spi).or_insert(i);
            reported.push(i);
        }
        EspFlows {
            timeline,
            threads: 1,
            reported,
            sightings,
        }
    }

    pub fn len(&self) -> usize {
        self.reported.len()
    }

    pub fn is_empty(&self) -> bool {
        self.reported.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = EspFlowJson<'t>> + '_ {
        (0..self.len()).filter_map(|n| self.item(n))
    }

    /// The record of the `n`-th reported flow.
    fn item(&self, n: usize) -> Option<EspFlowJson<'t>> {
        let timeline = self.timeline;
        let &i = self.reported.get(n)?;
        let f = timeline.esp_flows.get(i as usize)?;
        let seen_in = self
            .sightings
            .get(&i)
            .into_iter()
            .flatten()
            .filter_map(|&j| timeline.esp_flows.get(j as usize))
            .map(|o| EspSightingJson {
                source: timeline.source_name(o.source),
                src: o.src,
                dst: o.dst,
                packets: o.packets,
                first_frame: o.first_frame,
                last_frame: o.last_frame,
            })
            .collect();
        Some(EspFlowJson {
            source: timeline.source_name(f.source),
            spi: Spi::Esp(f.spi),
            src: f.src,
            dst: f.dst,
            udp_encapsulated: f.udp_ports.is_some(),
            packets: f.packets,
            bytes: f.bytes,
            max_ip_len: f.max_ip_len,
            fragmented_packets: f.fragmented_packets,
            first_frame: f.first_frame,
            last_frame: f.last_frame,
            first_time: Time(f.first_ts),
            last_time: Time(f.last_ts),
            max_gap_seconds: f.max_gap_ns as f64 / 1e9,
            seen_in,
        })
    }
}

written_as_it_goes!(EspFlows);

/// The report as pretty JSON text.
pub fn to_string(timeline: &Timeline, diagnosis: &Diagnosis) -> String {
    serde_json::to_string_pretty(&report(timeline, diagnosis))
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialise report: {e}\"}}"))
}

/// Writes the report as compact JSON straight to `out`, without building the text in memory
/// (a large capture's report runs to megabytes; pipe it to `jq` to read it).
pub fn write(
    out: &mut impl std::io::Write,
    timeline: &Timeline,
    diagnosis: &Diagnosis,
) -> std::io::Result<()> {
    write_with_threads(out, timeline, diagnosis, 1)
}

/// [`write`], with the SAs' and ESP flows' records built and serialized on `threads` threads:
/// the same bytes, sooner on a gateway's capture.
pub fn write_with_threads(
    out: &mut impl std::io::Write,
    timeline: &Timeline,
    diagnosis: &Diagnosis,
    threads: usize,
) -> std::io::Result<()> {
    let mut report = report(timeline, diagnosis);
    report.sessions.threads = threads;
    report.esp.threads = threads;
    // serde_json writes token by token: a buffer of a concrete type here turns those into
    // inlined copies instead of one call through the caller's writer (often `dyn Write`) each.
    let mut buffered = std::io::BufWriter::with_capacity(1 << 18, &mut *out);
    serde_json::to_writer(&mut buffered, &report)?;
    std::io::Write::write_all(&mut buffered, b"\n")?;
    std::io::Write::flush(&mut buffered)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json<T: Serialize>(value: T) -> String {
        serde_json::to_string(&value).unwrap_or_default()
    }

    #[test]
    fn an_endpoint_is_written_as_its_display() {
        for text in [
            "0.0.0.0:0",
            "10.99.2.3:500",
            "255.255.255.255:65535",
            "192.0.2.1:4500",
            "[2001:db8::1]:500",
            "[::ffff:10.0.0.1]:4500",
        ] {
            let address: SocketAddr = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(json(Endpoint(address)), format!("\"{address}\""));
        }
    }

    #[test]
    fn hex_is_written_as_hex_encode_writes_it_at_any_length() {
        for len in [0, 1, 20, 64, 65, 300] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 % 256) as u8).collect();
            assert_eq!(
                json(Hex(&bytes)),
                format!("\"{}\"", hex::encode(&bytes)),
                "{len}"
            );
        }
    }

    #[test]
    fn registry_names_are_their_display() {
        for t in [
            ike_wire::NotifyType::NO_PROPOSAL_CHOSEN,
            ike_wire::NotifyType(60000),
        ] {
            assert_eq!(json(notify_name(t)), format!("\"{t}\""));
        }
        for e in [
            ike_wire::ExchangeType::IKE_SA_INIT,
            ike_wire::ExchangeType(99),
        ] {
            assert_eq!(json(exchange_name(e)), format!("\"{e}\""));
        }
    }
}
