//! The one kind of event every source becomes.
use std::net::SocketAddr;
use std::sync::Arc;

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

#[derive(Debug, Clone)]
pub struct Event {
    pub time: Timestamp,
    pub source: SourceId,
    pub at: Locator,
    pub kind: EventKind,
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

/// What the diagnosis needs of one IKEv2 message, kept compact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IkeMessage {
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub non_esp_marker: bool,
    pub ip_len: u32,
    pub spi_i: u64,
    pub spi_r: u64,
    pub exchange: ExchangeType,
    pub message_id: u32,
    pub response: bool,
    /// The I flag: sent by the original initiator of the IKE SA.
    pub from_initiator: bool,
    /// The header's length field.
    pub length: u32,
    /// Bytes actually captured for the IKE message.
    pub captured_len: u32,
    /// Payload names as strongSwan logs them.
    pub payloads: PayloadList,
    /// Cleartext notifies with their data (data cut to 64 bytes).
    pub notifies: NotifyList,
    /// SA payload proposals, when in cleartext (shared: see [`ProposalInterner`]).
    pub proposals: Option<Arc<[ProposalRepr]>>,
    pub ke_group: Option<DhGroup>,
    pub vendor_ids: VendorIdList,
    /// RFC 7383 fragment number and total.
    pub fragment: Option<(u16, u16)>,
    /// Size of the SK/SKF payload body (IV, ciphertext, ICV).
    pub encrypted_len: Option<u32>,
    /// Hash of the datagram bytes, to tell retransmits from new messages.
    pub digest: u64,
    /// What few messages have, out of line: a gateway's capture holds hundreds of thousands of
    /// messages, and these would cost each of them 56 bytes (read them with the methods below).
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
    pub inner: Option<crate::inner::InnerPayloads>,
}

impl IkeMessage {
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
        self.rare.as_deref()?.inner.as_ref()
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

/// The payload names of a message as strongSwan logs them (`SA`, `KE`, `No`, `N(NATD_S_IP)`,
/// `V`, `SK`...), in order. The list is shared: a gateway's capture repeats a few dozen distinct
/// lists in hundreds of thousands of messages, so [`PayloadInterner`] keeps each once.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PayloadList(Option<Arc<str>>);

/// Between names in the shared text: never part of a name (names may hold spaces, e.g.
/// `CPRQ(ADDR DNS)`).
const NAME_SEPARATOR: char = '\u{1f}';

impl PayloadList {
    /// A message without payloads (or whose payloads were not parsed).
    pub const EMPTY: PayloadList = PayloadList(None);

    /// The list of `names`, not shared (see [`PayloadInterner::list`]).
    pub fn new<S: AsRef<str>>(names: &[S]) -> PayloadList {
        if names.is_empty() {
            return PayloadList(None);
        }
        PayloadList(Some(Arc::from(join_names(names))))
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

impl serde::Serialize for PayloadList {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

fn join_names<S: AsRef<str>>(names: &[S]) -> String {
    let mut text = String::new();
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            text.push(NAME_SEPARATOR);
        }
        text.extend(name.as_ref().chars().filter(|&c| c != NAME_SEPARATOR));
    }
    text
}

/// Keeps each distinct payload list once. Bounded: past [`PayloadInterner::MAX_LISTS`]
/// distinct lists (only hostile input has that many) new lists are kept unshared.
#[derive(Debug, Default)]
pub struct PayloadInterner {
    lists: rustc_hash::FxHashSet<Arc<str>>,
}

impl PayloadInterner {
    pub const MAX_LISTS: usize = 4096;

    pub fn list<S: AsRef<str>>(&mut self, names: &[S]) -> PayloadList {
        if names.is_empty() {
            return PayloadList(None);
        }
        let text = join_names(names);
        if let Some(shared) = self.lists.get(text.as_str()) {
            return PayloadList(Some(Arc::clone(shared)));
        }
        let shared: Arc<str> = Arc::from(text);
        if self.lists.len() < Self::MAX_LISTS {
            self.lists.insert(Arc::clone(&shared));
        }
        PayloadList(Some(shared))
    }
}

/// Keeps each distinct list of proposals once: a gateway's peers offer a handful of
/// configurations, repeated in every IKE_SA_INIT. Bounded like [`PayloadInterner`].
#[derive(Debug, Default)]
pub struct ProposalInterner {
    lists: rustc_hash::FxHashSet<Arc<[ProposalRepr]>>,
}

impl ProposalInterner {
    pub const MAX_LISTS: usize = 4096;

    pub fn list(&mut self, proposals: &[ProposalRepr]) -> Arc<[ProposalRepr]> {
        if let Some(shared) = self.lists.get(proposals) {
            return Arc::clone(shared);
        }
        let shared: Arc<[ProposalRepr]> = Arc::from(proposals);
        if self.lists.len() < Self::MAX_LISTS {
            self.lists.insert(Arc::clone(&shared));
        }
        shared
    }
}

impl IkeMessage {
    pub fn has_notify(&self, t: NotifyType) -> bool {
        self.notifies.iter().any(|(n, _)| n == t)
    }
    pub fn notify_data(&self, t: NotifyType) -> Option<&[u8]> {
        self.notifies.iter().find(|(n, _)| *n == t).map(|(_, d)| d)
    }
}

/// Short byte strings with a 16-bit tag, packed in one allocation (none when empty): a message's
/// notifies or vendor IDs cost one allocation together instead of one each. Records are
/// `[tag: u16][length: u16][bytes]`; longer strings are cut to `u16::MAX` bytes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct PackedBytes(Option<Box<[u8]>>);

impl PackedBytes {
    fn from_records<'a>(records: impl IntoIterator<Item = (u16, &'a [u8])>) -> PackedBytes {
        let mut packed = Vec::new();
        for (tag, bytes) in records {
            let bytes = bytes
                .get(..bytes.len().min(usize::from(u16::MAX)))
                .unwrap_or(&[]);
            packed.extend_from_slice(&tag.to_be_bytes());
            packed.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
            packed.extend_from_slice(bytes);
        }
        PackedBytes((!packed.is_empty()).then(|| packed.into_boxed_slice()))
    }

    fn iter(&self) -> impl Iterator<Item = (u16, &[u8])> + '_ {
        let mut rest: &[u8] = self.0.as_deref().unwrap_or(&[]);
        std::iter::from_fn(move || {
            let (head, tail) = rest.split_first_chunk::<4>()?;
            let tag = u16::from_be_bytes([head[0], head[1]]);
            let len = usize::from(u16::from_be_bytes([head[2], head[3]]));
            let (bytes, after) = tail.split_at_checked(len)?;
            rest = after;
            Some((tag, bytes))
        })
    }
}

/// A message's cleartext notifies: type and data, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NotifyList(PackedBytes);

impl NotifyList {
    pub fn new<'a>(notifies: impl IntoIterator<Item = (NotifyType, &'a [u8])>) -> NotifyList {
        NotifyList(PackedBytes::from_records(
            notifies.into_iter().map(|(t, data)| (t.0, data)),
        ))
    }

    pub fn iter(&self) -> impl Iterator<Item = (NotifyType, &[u8])> + '_ {
        self.0.iter().map(|(t, data)| (NotifyType(t), data))
    }

    pub fn is_empty(&self) -> bool {
        self.0 .0.is_none()
    }
}

/// A message's vendor IDs, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VendorIdList(PackedBytes);

impl VendorIdList {
    pub fn new<'a>(ids: impl IntoIterator<Item = &'a [u8]>) -> VendorIdList {
        VendorIdList(PackedBytes::from_records(ids.into_iter().map(|id| (0, id))))
    }

    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.0.iter().map(|(_, id)| id)
    }

    pub fn is_empty(&self) -> bool {
        self.0 .0.is_none()
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_lists_are_shared_and_keep_names_with_spaces() {
        let mut interner = PayloadInterner::default();
        let a = interner.list(&["SA", "KE", "No", "N(NATD_S_IP)"]);
        let b = interner.list(&[
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
        let empty = interner.list::<&str>(&[]);
        assert!(empty.is_empty() && empty.iter().next().is_none());
    }

    #[test]
    fn notifies_and_vendor_ids_keep_order_and_bytes() {
        let notifies = NotifyList::new([
            (NotifyType::NAT_DETECTION_SOURCE_IP, &[1u8; 20][..]),
            (NotifyType(16430), &[][..]),
            (NotifyType::INVALID_KE_PAYLOAD, &[0, 19][..]),
        ]);
        let got: Vec<(NotifyType, Vec<u8>)> =
            notifies.iter().map(|(t, d)| (t, d.to_vec())).collect();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], (NotifyType::NAT_DETECTION_SOURCE_IP, vec![1u8; 20]));
        assert_eq!(got[1], (NotifyType(16430), vec![]));
        assert_eq!(got[2], (NotifyType::INVALID_KE_PAYLOAD, vec![0, 19]));
        assert!(NotifyList::new([]).is_empty() && NotifyList::new([]).iter().next().is_none());
        let long = vec![7u8; 70_000];
        let ids = VendorIdList::new([&b"strongSwan"[..], &long[..]]);
        let got: Vec<&[u8]> = ids.iter().collect();
        assert_eq!(got[0], b"strongSwan");
        assert_eq!(got[1].len(), usize::from(u16::MAX));
    }

    #[test]
    fn the_interner_stops_sharing_at_its_bound() {
        let mut interner = PayloadInterner::default();
        for i in 0..PayloadInterner::MAX_LISTS + 10 {
            let list = interner.list(&[format!("N({i})")]);
            assert_eq!(list.join(" "), format!("N({i})"));
        }
        assert_eq!(interner.lists.len(), PayloadInterner::MAX_LISTS);
    }
}
