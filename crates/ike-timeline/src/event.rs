//! The one kind of event every source becomes.
use std::net::SocketAddr;

use ike_capture::{IcmpError, IncompleteDatagram, Timestamp};
use ike_wire::{DhGroup, ExchangeType, NotifyType, ProposalRepr};

/// Index of an input in [`crate::Timeline::sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(pub u32);

/// Where in its source an event was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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

#[derive(Debug, Clone)]
pub enum EventKind {
    /// An IKEv2 datagram seen on the wire.
    Ike(Box<IkeMessage>),
    /// An IKEv1 (or other non-2.x) datagram: recognised, never parsed as IKEv2.
    IkeV1(IkeV1Message),
    /// An ICMP error quoting an IKE or ESP packet.
    Icmp(IcmpError),
    /// An IP datagram whose fragments never all arrived.
    Incomplete(IncompleteDatagram),
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
    /// Frames of the IP fragments it arrived in (empty when not fragmented).
    pub ip_fragments: Vec<u64>,
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
    pub payloads: Vec<String>,
    /// Cleartext notifies with their data (data cut to 64 bytes).
    pub notifies: Vec<(NotifyType, Vec<u8>)>,
    /// SA payload proposals, when in cleartext.
    pub proposals: Option<Vec<ProposalRepr>>,
    pub ke_group: Option<DhGroup>,
    pub vendor_ids: Vec<Vec<u8>>,
    /// RFC 7383 fragment number and total.
    pub fragment: Option<(u16, u16)>,
    /// Size of the SK/SKF payload body (IV, ciphertext, ICV).
    pub encrypted_len: Option<u32>,
    /// Set when the payload chain could not be parsed: the header was still usable.
    pub malformed: Option<String>,
    /// Hash of the datagram bytes, to tell retransmits from new messages.
    pub digest: u64,
    /// The decrypted SK/SKF content, when keys for the IKE SA were given (see [`crate::inner`]).
    pub inner: Option<Box<crate::inner::InnerPayloads>>,
}

impl IkeMessage {
    pub fn has_notify(&self, t: NotifyType) -> bool {
        self.notifies.iter().any(|(n, _)| *n == t)
    }
    pub fn notify_data(&self, t: NotifyType) -> Option<&[u8]> {
        self.notifies
            .iter()
            .find(|(n, _)| *n == t)
            .map(|(_, d)| d.as_slice())
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
