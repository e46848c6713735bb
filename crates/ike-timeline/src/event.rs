//! The one kind of event every source becomes.
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use rustc_hash::FxHashSet;

use ike_capture::{IcmpError, IncompleteDatagram, Timestamp};
use ike_wire::{DhGroup, ExchangeType, NotifyType, ProposalRepr};

/// Index of an input in [`crate::Timeline::sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(pub u32);

/// Where in its source an event was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Locator {
    /// 1-based frame number, as Wireshark counts.
    Frame(u64),
    /// 1-based line number.
    Line(u64),
}

/// 32 bytes (a test holds it there): a gateway's capture makes hundreds of thousands.
#[derive(Debug, Clone)]
pub struct Event {
    pub time: Timestamp,
    /// Read with [`Event::source`] and [`Event::at`].
    origin: Origin,
    pub kind: EventKind,
}

impl Event {
    pub fn new(time: Timestamp, source: SourceId, at: Locator, kind: EventKind) -> Event {
        Event {
            time,
            origin: Origin::new(source, at),
            kind,
        }
    }

    pub fn source(&self) -> SourceId {
        self.origin.source()
    }

    pub fn at(&self) -> Locator {
        self.origin.at()
    }
}

/// An event's source and locator in one word, ordered as `(source, locator)` are: 24 bits of
/// source, one bit for a line (frames first), 39 bits of number. Larger values saturate: 16
/// million inputs and 500 billion frames or lines (a capture of over 30 TB) are beyond any run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Origin(u64);

impl Origin {
    const NUMBER_BITS: u32 = 39;
    const LINE: u64 = 1 << Self::NUMBER_BITS;
    const MAX_NUMBER: u64 = Self::LINE - 1;
    const MAX_SOURCE: u64 = (1 << 24) - 1;

    fn new(source: SourceId, at: Locator) -> Origin {
        let (line, number) = match at {
            Locator::Frame(n) => (0, n),
            Locator::Line(n) => (Self::LINE, n),
        };
        let source = u64::from(source.0).min(Self::MAX_SOURCE);
        Origin(source << (Self::NUMBER_BITS + 1) | line | number.min(Self::MAX_NUMBER))
    }

    fn source(self) -> SourceId {
        SourceId((self.0 >> (Self::NUMBER_BITS + 1)) as u32)
    }

    fn at(self) -> Locator {
        let number = self.0 & Self::MAX_NUMBER;
        if self.0 & Self::LINE != 0 {
            Locator::Line(number)
        } else {
            Locator::Frame(number)
        }
    }
}

/// Every variant is one pointer: a gateway's capture makes hundreds of thousands of events, and
/// the vector of them should cost a few dozen bytes each.
#[derive(Debug, Clone)]
pub enum EventKind {
    /// An IKEv2 datagram seen on the wire.
    Ike(Box<IkeMessage>),
    /// An IKEv1 (or other non-2.x) datagram: recognised, never parsed as IKEv2.
    IkeV1(Box<IkeV1Message>),
    /// An ICMP error quoting an IKE or ESP packet.
    Icmp(Box<IcmpError>),
    /// An IP datagram whose fragments never all arrived.
    Incomplete(Box<IncompleteDatagram>),
    /// A recognised line of a daemon or client log.
    Log(Box<crate::log::LogEvent>),
    /// A certificate of a PEM/DER file given as evidence (see [`crate::cert`]).
    Certificate(Box<crate::cert::CertificateEvent>),
}

/// What the diagnosis needs of one IKEv2 message, kept compact: a gateway's capture holds
/// hundreds of thousands of messages, so what repeats between them (endpoints, payload and
/// proposal lists) is shared through [`MessageInterner`], and what few have is out of line.
/// 96 bytes (a test holds it there; the fields as they were cost 200): sizes that fit 16 bits
/// are kept so, and the optional parts are flagged rather than wrapped in `Option` (read them
/// with the methods of the same names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IkeMessage {
    /// Source and destination (read them with [`IkeMessage::src`] and [`IkeMessage::dst`]).
    pub endpoints: Endpoints,
    pub non_esp_marker: bool,
    /// Length of the IP datagram, saturated at 65,535 (an IPv6 datagram can be 40 bytes more:
    /// both are far beyond any MTU the diagnosis compares them with).
    pub(crate) ip_len: u16,
    pub spi_i: u64,
    pub spi_r: u64,
    pub exchange: ExchangeType,
    pub message_id: u32,
    pub response: bool,
    /// The I flag: sent by the original initiator of the IKE SA.
    pub from_initiator: bool,
    /// The header's length field.
    pub length: u32,
    /// Bytes actually captured for the IKE message (a UDP payload: at most 65,535).
    pub(crate) captured_len: u16,
    /// Payload names as strongSwan logs them.
    pub payloads: PayloadList,
    /// Cleartext notifies with their data (data cut to 64 bytes) and vendor IDs: read them with
    /// [`IkeMessage::notifies`] and [`IkeMessage::vendor_ids`].
    pub notifies_and_vendor_ids: NotifiesAndVendorIds,
    /// SA payload proposals, when in cleartext (shared: see [`MessageInterner`]).
    pub proposals: Option<ProposalList>,
    /// The KE payload's group, when [`Present::KE`] is set.
    pub(crate) ke_group: DhGroup,
    /// RFC 7383 fragment number and total, when [`Present::FRAGMENT`] is set.
    pub(crate) fragment: (u16, u16),
    /// Size of the SK/SKF payload body (IV, ciphertext, ICV), when [`Present::ENCRYPTED`] is set.
    pub(crate) encrypted_len: u32,
    pub(crate) present: Present,
    /// Hash of the datagram bytes, to tell retransmits from new messages. 32 bits: it is only
    /// compared between messages of one SA with the same direction, message ID and length.
    pub digest: u32,
    /// What few messages have, out of line: these would cost every message 56 bytes (read them
    /// with the methods below).
    pub rare: Option<Box<RareParts>>,
}

/// The parts of an [`IkeMessage`] that most messages do not have.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RareParts {
    /// Frames of the IP fragments it arrived in (empty when not fragmented).
    pub ip_fragments: Vec<u64>,
    /// Set when the payload chain could not be parsed: the header was still usable.
    pub malformed: Option<String>,
    /// The decrypted SK/SKF content, when keys for the IKE SA were given (see [`crate::inner`]).
    /// Boxed: most messages with rare parts are IP-fragmented ones without keys, and the
    /// decrypted content inline cost each of them 360 bytes.
    pub inner: Option<Box<crate::inner::InnerPayloads>>,
}

/// Which of a message's optional parts it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Present(u8);

impl Present {
    pub(crate) const KE: u8 = 1;
    pub(crate) const FRAGMENT: u8 = 2;
    pub(crate) const ENCRYPTED: u8 = 4;

    fn has(self, part: u8) -> bool {
        self.0 & part != 0
    }
}

impl IkeMessage {
    /// Length of the IP datagram (saturated at 65,535).
    pub fn ip_len(&self) -> u32 {
        u32::from(self.ip_len)
    }

    /// Bytes actually captured for the IKE message.
    pub fn captured_len(&self) -> u32 {
        u32::from(self.captured_len)
    }

    /// The KE payload's group.
    pub fn ke_group(&self) -> Option<DhGroup> {
        self.present.has(Present::KE).then_some(self.ke_group)
    }

    /// RFC 7383 fragment number and total.
    pub fn fragment(&self) -> Option<(u16, u16)> {
        self.present.has(Present::FRAGMENT).then_some(self.fragment)
    }

    /// Size of the SK/SKF payload body (IV, ciphertext, ICV).
    pub fn encrypted_len(&self) -> Option<u32> {
        self.present
            .has(Present::ENCRYPTED)
            .then_some(self.encrypted_len)
    }

    /// Sets the sizes and optional parts (the builder's one way to fill them).
    pub(crate) fn set_parts(
        &mut self,
        ip_len: u32,
        captured_len: usize,
        ke_group: Option<DhGroup>,
        fragment: Option<(u16, u16)>,
        encrypted_len: Option<u32>,
    ) {
        self.ip_len = u16::try_from(ip_len).unwrap_or(u16::MAX);
        self.captured_len = u16::try_from(captured_len).unwrap_or(u16::MAX);
        let mut present = 0;
        if let Some(g) = ke_group {
            self.ke_group = g;
            present |= Present::KE;
        }
        if let Some(f) = fragment {
            self.fragment = f;
            present |= Present::FRAGMENT;
        }
        if let Some(n) = encrypted_len {
            self.encrypted_len = n;
            present |= Present::ENCRYPTED;
        }
        self.present = Present(present);
    }

    pub fn src(&self) -> SocketAddr {
        self.endpoints.src()
    }

    pub fn dst(&self) -> SocketAddr {
        self.endpoints.dst()
    }

    /// Cleartext notifies: type and data (cut to 64 bytes), in order.
    pub fn notifies(&self) -> impl Iterator<Item = (NotifyType, &[u8])> + '_ {
        self.notifies_and_vendor_ids.notifies()
    }

    /// Vendor IDs, in order.
    pub fn vendor_ids(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.notifies_and_vendor_ids.vendor_ids()
    }

    pub fn has_notify(&self, t: NotifyType) -> bool {
        self.notifies().any(|(n, _)| n == t)
    }

    pub fn notify_data(&self, t: NotifyType) -> Option<&[u8]> {
        self.notifies().find(|(n, _)| *n == t).map(|(_, d)| d)
    }

    /// Frames of the IP fragments it arrived in (empty when not fragmented).
    pub fn ip_fragments(&self) -> &[u64] {
        self.rare.as_deref().map_or(&[], |r| &r.ip_fragments)
    }

    /// Why the payload chain could not be parsed, when it could not.
    pub fn malformed(&self) -> Option<&str> {
        self.rare.as_deref()?.malformed.as_deref()
    }

    /// The decrypted SK/SKF content, when keys for the IKE SA were given.
    pub fn inner(&self) -> Option<&crate::inner::InnerPayloads> {
        self.rare.as_deref()?.inner.as_deref()
    }

    /// The rare parts, created empty on first use.
    pub fn rare_mut(&mut self) -> &mut RareParts {
        self.rare.get_or_insert_with(Box::default)
    }

    /// The rare parts a datagram gives: its IP fragments and a parse error.
    pub fn rare_from(ip_fragments: &[u64], malformed: Option<String>) -> Option<Box<RareParts>> {
        (!ip_fragments.is_empty() || malformed.is_some()).then(|| {
            Box::new(RareParts {
                ip_fragments: ip_fragments.to_vec(),
                malformed,
                inner: None,
            })
        })
    }
}

/// A message's source and destination. Shared by the messages between the same two endpoints
/// in the same direction (see [`MessageInterner`]): 8 bytes a message instead of 64, and 56
/// bytes a pair (the addresses and ports alone: an IPv6 `SocketAddr` also carries a flow label
/// and scope that no capture or log fills, and took the pair to 80).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoints(Arc<AddressPair>);

/// Source and destination address and port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddressPair {
    ips: [IpAddr; 2],
    ports: [u16; 2],
}

impl AddressPair {
    fn new(src: SocketAddr, dst: SocketAddr) -> AddressPair {
        AddressPair {
            ips: [src.ip(), dst.ip()],
            ports: [src.port(), dst.port()],
        }
    }
}

impl Endpoints {
    /// The pair, not shared (see [`MessageInterner::endpoints`]).
    pub fn new(src: SocketAddr, dst: SocketAddr) -> Endpoints {
        Endpoints(Arc::new(AddressPair::new(src, dst)))
    }

    pub fn src(&self) -> SocketAddr {
        SocketAddr::new(self.0.ips[0], self.0.ports[0])
    }

    pub fn dst(&self) -> SocketAddr {
        SocketAddr::new(self.0.ips[1], self.0.ports[1])
    }
}

impl std::borrow::Borrow<AddressPair> for Endpoints {
    fn borrow(&self) -> &AddressPair {
        &self.0
    }
}

/// The payload names of a message as strongSwan logs them (`SA`, `KE`, `No`, `N(NATD_S_IP)`,
/// `V`, `SK`...), in order. The list is shared: a gateway's capture repeats a few dozen distinct
/// lists in hundreds of thousands of messages, so [`MessageInterner`] keeps each once. One
/// pointer (the text is boxed behind the shared count, so that the pointer is thin).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PayloadList(Option<Arc<Box<str>>>);

/// Hashed as its text, as [`std::borrow::Borrow`] requires of a set looked up by text.
impl std::hash::Hash for PayloadList {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text().hash(state)
    }
}

/// Between names in the shared text: never part of a name (names may hold spaces, e.g.
/// `CPRQ(ADDR DNS)`).
const NAME_SEPARATOR: char = '\u{1f}';

impl PayloadList {
    /// A message without payloads (or whose payloads were not parsed).
    pub const EMPTY: PayloadList = PayloadList(None);

    /// The list of `names`, not shared (see [`MessageInterner::payloads`]).
    pub fn new<S: AsRef<str>>(names: &[S]) -> PayloadList {
        if names.is_empty() {
            return PayloadList(None);
        }
        let mut text = String::new();
        join_names(names, &mut text);
        PayloadList(Some(Arc::new(text.into_boxed_str())))
    }

    fn text(&self) -> &str {
        self.0.as_deref().map_or("", |text| text)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.0
            .as_deref()
            .into_iter()
            .flat_map(|text| text.split(NAME_SEPARATOR))
    }

    pub fn contains(&self, name: &str) -> bool {
        self.iter().any(|n| n == name)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// The names joined by `separator`, as strongSwan prints them between brackets.
    pub fn join(&self, separator: &str) -> String {
        self.iter().collect::<Vec<_>>().join(separator)
    }
}

impl std::borrow::Borrow<str> for PayloadList {
    fn borrow(&self) -> &str {
        self.text()
    }
}

impl serde::Serialize for PayloadList {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// Writes `names` into `text`, separated by [`NAME_SEPARATOR`].
fn join_names<S: AsRef<str>>(names: &[S], text: &mut String) {
    text.clear();
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            text.push(NAME_SEPARATOR);
        }
        text.extend(name.as_ref().chars().filter(|&c| c != NAME_SEPARATOR));
    }
}

/// An SA payload's proposals, shared by the messages that carry the same list (a gateway's
/// peers offer a handful of configurations, repeated in every IKE_SA_INIT). One thin pointer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProposalList(Arc<Box<[ProposalRepr]>>);

impl ProposalList {
    /// The list, not shared (see [`MessageInterner::proposals`]).
    pub fn new(proposals: &[ProposalRepr]) -> ProposalList {
        ProposalList(Arc::new(proposals.into()))
    }
}

impl std::ops::Deref for ProposalList {
    type Target = [ProposalRepr];
    fn deref(&self) -> &[ProposalRepr] {
        &self.0
    }
}

impl std::borrow::Borrow<[ProposalRepr]> for ProposalList {
    fn borrow(&self) -> &[ProposalRepr] {
        &self.0
    }
}

/// Keeps each distinct pair of endpoints, payload list and proposal list once, for the
/// messages of the captures read. Bounded: past [`MessageInterner::MAX_ENDPOINT_PAIRS`] pairs
/// (a gateway's day of peers stays below; a flood of spoofed sources does not) or
/// [`MessageInterner::MAX_LISTS`] lists of a kind (only hostile input has that many), new ones
/// are kept unshared, which costs memory per message but no lookup state.
#[derive(Debug, Default)]
pub struct MessageInterner {
    endpoints: FxHashSet<Endpoints>,
    payloads: FxHashSet<PayloadList>,
    proposals: FxHashSet<ProposalList>,
    /// Reused to join payload names, so that a known list costs no allocation.
    scratch: String,
}

impl MessageInterner {
    pub const MAX_ENDPOINT_PAIRS: usize = 1 << 18;
    pub const MAX_LISTS: usize = 4096;

    pub fn endpoints(&mut self, src: SocketAddr, dst: SocketAddr) -> Endpoints {
        intern(
            &mut self.endpoints,
            Self::MAX_ENDPOINT_PAIRS,
            &AddressPair::new(src, dst),
            || Endpoints::new(src, dst),
        )
    }

    pub fn payloads<S: AsRef<str>>(&mut self, names: &[S]) -> PayloadList {
        if names.is_empty() {
            return PayloadList(None);
        }
        let mut text = std::mem::take(&mut self.scratch);
        join_names(names, &mut text);
        let list = intern(&mut self.payloads, Self::MAX_LISTS, text.as_str(), || {
            PayloadList(Some(Arc::new(text.as_str().into())))
        });
        self.scratch = text;
        list
    }

    pub fn proposals(&mut self, proposals: &[ProposalRepr]) -> ProposalList {
        intern(&mut self.proposals, Self::MAX_LISTS, proposals, || {
            ProposalList::new(proposals)
        })
    }
}

/// The shared value equal to `key`, made with `make` (and kept while the set holds fewer than
/// `bound`) when new.
fn intern<T, Q>(set: &mut FxHashSet<T>, bound: usize, key: &Q, make: impl FnOnce() -> T) -> T
where
    T: std::borrow::Borrow<Q> + std::hash::Hash + Eq + Clone,
    Q: std::hash::Hash + Eq + ?Sized,
{
    if let Some(shared) = set.get(key) {
        return shared.clone();
    }
    let value = make();
    if set.len() < bound {
        set.insert(value.clone());
    }
    value
}

/// A message's cleartext notifies (type and data) and vendor IDs, in order, packed in one
/// allocation (none when the message has neither). Records are `[type: u16][length: u16][bytes]`,
/// the length's top bit set for a vendor ID; bytes are cut to 32,767 (notify data is cut to 64
/// before).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NotifiesAndVendorIds(Option<Box<[u8]>>);

impl NotifiesAndVendorIds {
    const VENDOR_ID: u16 = 0x8000;
    const MAX_LEN: usize = 0x7fff;

    pub fn new<'a>(
        notifies: impl IntoIterator<Item = (NotifyType, &'a [u8])>,
        vendor_ids: impl IntoIterator<Item = &'a [u8]>,
    ) -> NotifiesAndVendorIds {
        let mut packed = Vec::new();
        let records = notifies
            .into_iter()
            .map(|(t, data)| (t.0, 0, data))
            .chain(vendor_ids.into_iter().map(|id| (0, Self::VENDOR_ID, id)));
        for (tag, kind, bytes) in records {
            let bytes = bytes.get(..bytes.len().min(Self::MAX_LEN)).unwrap_or(&[]);
            packed.extend_from_slice(&tag.to_be_bytes());
            packed.extend_from_slice(&(bytes.len() as u16 | kind).to_be_bytes());
            packed.extend_from_slice(bytes);
        }
        NotifiesAndVendorIds((!packed.is_empty()).then(|| packed.into_boxed_slice()))
    }

    /// Every record: tag, whether a vendor ID, bytes.
    fn records(&self) -> impl Iterator<Item = (u16, bool, &[u8])> + '_ {
        let mut rest: &[u8] = self.0.as_deref().unwrap_or(&[]);
        std::iter::from_fn(move || {
            let (head, tail) = rest.split_first_chunk::<4>()?;
            let tag = u16::from_be_bytes([head[0], head[1]]);
            let length = u16::from_be_bytes([head[2], head[3]]);
            let (bytes, after) = tail.split_at_checked(usize::from(length & !Self::VENDOR_ID))?;
            rest = after;
            Some((tag, length & Self::VENDOR_ID != 0, bytes))
        })
    }

    pub fn notifies(&self) -> impl Iterator<Item = (NotifyType, &[u8])> + '_ {
        self.records()
            .filter(|&(_, vendor_id, _)| !vendor_id)
            .map(|(t, _, data)| (NotifyType(t), data))
    }

    pub fn vendor_ids(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.records()
            .filter(|&(_, vendor_id, _)| vendor_id)
            .map(|(_, _, id)| id)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IkeV1Message {
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub spi_i: u64,
    pub spi_r: u64,
    pub major_version: u8,
    pub minor_version: u8,
    pub exchange: u8,
    pub message_id: u32,
    pub length: u32,
    /// The header's flags (bit 0: the payloads after the header are encrypted).
    pub flags: u8,
    /// The first Notification payload's type, when the message is in clear (a refusal before
    /// any key exists: NO_PROPOSAL_CHOSEN to Main Mode's first message).
    pub notify: Option<u16>,
}

impl IkeV1Message {
    /// ISAKMP exchange types (RFC 2408 and 2409).
    pub const MAIN_MODE: u8 = 2;
    pub const AGGRESSIVE: u8 = 4;
    pub const INFORMATIONAL: u8 = 5;
    pub const QUICK_MODE: u8 = 32;

    /// The payloads after the header are encrypted (the E flag).
    pub fn encrypted(&self) -> bool {
        self.flags & 1 != 0
    }

    /// An exchange type by name, as the reports and findings write it.
    pub fn exchange_name(exchange: u8) -> std::borrow::Cow<'static, str> {
        match exchange {
            Self::MAIN_MODE => "IKEv1 Main Mode".into(),
            Self::AGGRESSIVE => "IKEv1 Aggressive Mode".into(),
            Self::INFORMATIONAL => "IKEv1 Informational".into(),
            Self::QUICK_MODE => "IKEv1 Quick Mode".into(),
            n => format!("IKEv1 exchange {n}").into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_and_an_event_stay_compact() {
        assert!(std::mem::size_of::<IkeMessage>() <= 96);
        assert!(std::mem::size_of::<Event>() <= 32);
    }

    #[test]
    fn an_origin_keeps_source_and_locator_and_their_order() {
        let cases = [
            (SourceId(0), Locator::Frame(1)),
            (SourceId(0), Locator::Frame(2)),
            (SourceId(0), Locator::Line(1)),
            (SourceId(1), Locator::Frame(0)),
            (SourceId(1), Locator::Line(1 << 38)),
            (SourceId((1 << 24) - 1), Locator::Line((1 << 39) - 1)),
        ];
        for pair in cases.windows(2) {
            assert!(Origin::new(pair[0].0, pair[0].1) < Origin::new(pair[1].0, pair[1].1));
        }
        for (source, at) in cases {
            let origin = Origin::new(source, at);
            assert_eq!((origin.source(), origin.at()), (source, at));
        }
        let beyond = Origin::new(SourceId(u32::MAX), Locator::Frame(u64::MAX));
        assert_eq!(beyond.source(), SourceId((1 << 24) - 1));
        assert_eq!(beyond.at(), Locator::Frame((1 << 39) - 1));
    }

    #[test]
    fn payload_lists_are_shared_and_keep_names_with_spaces() {
        let mut interner = MessageInterner::default();
        let a = interner.payloads(&["SA", "KE", "No", "N(NATD_S_IP)"]);
        let b = interner.payloads(&[
            "SA".to_string(),
            "KE".into(),
            "No".into(),
            "N(NATD_S_IP)".into(),
        ]);
        assert_eq!(a, b);
        assert!(matches!((&a.0, &b.0), (Some(x), Some(y)) if Arc::ptr_eq(x, y)));
        assert_eq!(a.join(" "), "SA KE No N(NATD_S_IP)");
        assert!(a.contains("KE") && !a.contains("K"));
        let cp = PayloadList::new(&["CPRQ(ADDR DNS)", "SA"]);
        assert_eq!(cp.iter().collect::<Vec<_>>(), ["CPRQ(ADDR DNS)", "SA"]);
        assert_eq!(cp.len(), 2);
        assert_eq!(interner.payloads(&["CPRQ(ADDR DNS)", "SA"]), cp);
        let empty = interner.payloads::<&str>(&[]);
        assert!(empty.is_empty() && empty.iter().next().is_none());
    }

    #[test]
    fn endpoints_and_proposals_are_shared_per_value() {
        let mut interner = MessageInterner::default();
        let (a, b): (SocketAddr, SocketAddr) = (
            "192.0.2.1:500".parse().unwrap(),
            "[2001:db8::1]:4500".parse().unwrap(),
        );
        let there = interner.endpoints(a, b);
        let back = interner.endpoints(b, a);
        assert_eq!((there.src(), there.dst()), (a, b));
        assert_eq!((back.src(), back.dst()), (b, a));
        assert!(Arc::ptr_eq(&there.0, &interner.endpoints(a, b).0));
        assert!(!Arc::ptr_eq(&there.0, &back.0));
        let offer = [ProposalRepr {
            number: 1,
            protocol: ike_wire::ProtocolId::IKE,
            spi: Vec::new(),
            transforms: Vec::new(),
        }];
        let first = interner.proposals(&offer);
        assert!(Arc::ptr_eq(&first.0, &interner.proposals(&offer).0));
        assert_eq!(&*first, &offer[..]);
    }

    #[test]
    fn notifies_and_vendor_ids_keep_order_and_bytes() {
        let long = vec![7u8; 70_000];
        let packed = NotifiesAndVendorIds::new(
            [
                (NotifyType::NAT_DETECTION_SOURCE_IP, &[1u8; 20][..]),
                (NotifyType(0xffff), &[][..]),
                (NotifyType::INVALID_KE_PAYLOAD, &[0, 19][..]),
            ],
            [&b"strongSwan"[..], &long[..]],
        );
        let got: Vec<(NotifyType, Vec<u8>)> =
            packed.notifies().map(|(t, d)| (t, d.to_vec())).collect();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], (NotifyType::NAT_DETECTION_SOURCE_IP, vec![1u8; 20]));
        assert_eq!(got[1], (NotifyType(0xffff), vec![]));
        assert_eq!(got[2], (NotifyType::INVALID_KE_PAYLOAD, vec![0, 19]));
        let ids: Vec<&[u8]> = packed.vendor_ids().collect();
        assert_eq!(ids.len(), 2);
        assert_eq!(ids[0], b"strongSwan");
        assert_eq!(ids[1].len(), 0x7fff);
        let none = NotifiesAndVendorIds::new([], []);
        assert!(none.is_empty() && none.notifies().next().is_none());
        assert!(none.vendor_ids().next().is_none());
    }

    #[test]
    fn the_interner_stops_sharing_at_its_bound() {
        let mut interner = MessageInterner::default();
        for i in 0..MessageInterner::MAX_LISTS + 10 {
            let list = interner.payloads(&[format!("N({i})")]);
            assert_eq!(list.join(" "), format!("N({i})"));
        }
        assert_eq!(interner.payloads.len(), MessageInterner::MAX_LISTS);
    }
}
