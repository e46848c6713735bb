//! Owned representations of IKEv2 messages and payloads, with parsing and emission.
//!
//! `MessageRepr::parse` validates every length and count it reads and reports the first problem
//! with its byte offset; `MessageRepr::emit` recomputes every next-payload and length field.
//!
//! Round trip: `MessageRepr::parse(&m.to_bytes()) == Ok(m)` holds for every *well-formed* repr
//! whose `header.length` equals `m.buffer_len()` and whose `header.next_payload` is the type of
//! the first payload ([`MessageRepr::canonicalize_header`] sets both). Well-formed means the
//! repr respects the wire format's own limits, which emission cannot express otherwise:
//! SPIs up to 255 bytes, bodies up to 65535 bytes, an SK/SKF payload only in last position,
//! `Unknown` only for payload types this crate does not model, TV attributes (type with the
//! 0x8000 bit) carrying exactly 2 value bytes and no TV key-length attribute (0x800E) in
//! `other_attributes`, delete SPIs of `spi_size` bytes (none when `spi_size` is 0), traffic
//! selectors of types 7/8 with 4/16-byte addresses (other types keep their raw body in
//! `start_address` with ports 0 and an empty `end_address`), and EAP types present exactly for
//! Request/Response codes. Parsing stores `header.length` as it was on the wire.
use core::fmt;

use crate::registry::*;

/// Where and why a message is malformed. `offset` counts from the first byte of the IKE header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError {
    pub offset: usize,
    pub kind: WireErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireErrorKind {
    /// Fewer bytes than a header or a length field needs.
    Truncated { needed: usize, available: usize },
    /// A length field that is too small for its own header or points past its container.
    BadLength { field: &'static str, value: usize },
    /// Not IKE version 2 (the major version is carried for the report).
    NotIkev2 { major: u8, minor: u8 },
    /// Any other structural problem, described.
    Malformed(&'static str),
}

impl WireError {
    pub fn truncated(offset: usize, needed: usize, available: usize) -> Self {
        WireError {
            offset,
            kind: WireErrorKind::Truncated { needed, available },
        }
    }

    pub fn bad_length(offset: usize, field: &'static str, value: usize) -> Self {
        WireError {
            offset,
            kind: WireErrorKind::BadLength { field, value },
        }
    }

    pub fn malformed(offset: usize, what: &'static str) -> Self {
        WireError {
            offset,
            kind: WireErrorKind::Malformed(what),
        }
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            WireErrorKind::Truncated { needed, available } => write!(
                f,
                "truncated at offset {}: {needed} bytes needed, {available} available",
                self.offset
            ),
            WireErrorKind::BadLength { field, value } => {
                write!(f, "bad {field} {value} at offset {}", self.offset)
            }
            WireErrorKind::NotIkev2 { major, minor } => {
                write!(f, "not IKEv2: version {major}.{minor}")
            }
            WireErrorKind::Malformed(what) => {
                write!(f, "malformed at offset {}: {what}", self.offset)
            }
        }
    }
}

impl std::error::Error for WireError {}

/// The IKE header (RFC 7296 section 3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderRepr {
    pub spi_i: u64,
    pub spi_r: u64,
    pub next_payload: PayloadType,
    pub major_version: u8,
    pub minor_version: u8,
    pub exchange: ExchangeType,
    /// Raw flags byte: 0x08 Initiator, 0x10 Version, 0x20 Response.
    pub flags: u8,
    pub message_id: u32,
    /// The header's length field (whole message, header included).
    pub length: u32,
}

impl HeaderRepr {
    pub const LEN: usize = 28;
    pub fn is_response(&self) -> bool {
        self.flags & 0x20 != 0
    }
    pub fn is_initiator(&self) -> bool {
        self.flags & 0x08 != 0
    }
}

/// A whole IKEv2 message: header and the chain of payloads in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRepr {
    pub header: HeaderRepr,
    pub payloads: Vec<Payload>,
}

/// One payload with its generic-header critical bit (kept so unknown payloads round-trip).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    pub critical: bool,
    pub body: PayloadRepr,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayloadRepr {
    SecurityAssociation(Vec<ProposalRepr>),
    KeyExchange {
        group: DhGroup,
        data: Vec<u8>,
    },
    IdentificationI(IdRepr),
    IdentificationR(IdRepr),
    Certificate {
        encoding: CertEncoding,
        data: Vec<u8>,
    },
    CertificateRequest {
        encoding: CertEncoding,
        data: Vec<u8>,
    },
    Authentication {
        method: AuthMethod,
        data: Vec<u8>,
    },
    Nonce(Vec<u8>),
    Notify(NotifyRepr),
    Delete(DeleteRepr),
    VendorId(Vec<u8>),
    TrafficSelectorsI(Vec<TrafficSelectorRepr>),
    TrafficSelectorsR(Vec<TrafficSelectorRepr>),
    /// SK: the type of the first inner payload and the raw IV|ciphertext|ICV.
    Encrypted {
        first_inner: PayloadType,
        data: Vec<u8>,
    },
    Configuration(ConfigRepr),
    Eap(EapRepr),
    /// SKF (RFC 7383): `first_inner` is meaningful only in fragment 1.
    EncryptedFragment {
        number: u16,
        total: u16,
        first_inner: PayloadType,
        data: Vec<u8>,
    },
    /// Any payload type this crate does not model, body kept verbatim.
    Unknown {
        payload_type: PayloadType,
        data: Vec<u8>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProposalRepr {
    pub number: u8,
    pub protocol: ProtocolId,
    pub spi: Vec<u8>,
    pub transforms: Vec<TransformRepr>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TransformRepr {
    pub transform_type: TransformType,
    pub id: u16,
    /// Key length attribute (type 14) in bits, when present.
    pub key_length: Option<u16>,
    /// Other attributes verbatim: (type with AF bit as on the wire, value bytes).
    pub other_attributes: Vec<(u16, Vec<u8>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdRepr {
    pub id_type: IdType,
    pub data: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyRepr {
    pub protocol: ProtocolId,
    pub spi: Vec<u8>,
    pub notify_type: NotifyType,
    pub data: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteRepr {
    pub protocol: ProtocolId,
    pub spi_size: u8,
    pub spis: Vec<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrafficSelectorRepr {
    pub ts_type: TsType,
    pub ip_protocol: u8,
    pub start_port: u16,
    pub end_port: u16,
    pub start_address: Vec<u8>,
    pub end_address: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigRepr {
    /// 1 CFG_REQUEST, 2 CFG_REPLY, 3 CFG_SET, 4 CFG_ACK.
    pub cfg_type: u8,
    pub attributes: Vec<(u16, Vec<u8>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EapRepr {
    pub code: u8,
    pub identifier: u8,
    /// EAP type for Request/Response, `None` for Success/Failure.
    pub eap_type: Option<u8>,
    pub data: Vec<u8>,
}
