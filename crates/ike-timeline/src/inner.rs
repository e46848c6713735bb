//! What is inside the SK and SKF payloads of a capture, when the user gave the IKE SA keys
//! (`--keys FILE`): each encrypted message is checked and decrypted while the capture is read,
//! RFC 7383 fragments are decrypted one by one and their plaintexts joined in fragment order,
//! and the inner payloads join the message on the timeline as [`InnerPayloads`].
//!
//! Keys are matched to IKE SAs by SPIs. A key set without SPIs (a charon log whose SPIs could
//! not be read) is bound to the first IKE SA whose message it authenticates. The algorithms come
//! from the key file or, failing that, from the proposal the IKE_SA_INIT response chose.
//! A message whose ICV does not verify is marked [`InnerStatus::IntegrityCheckFailed`]: wrong
//! keys for that SA, or a corrupted message.

use std::collections::HashMap;

use ike_crypto::{CryptoError, Encryption, IkeSuite, Integrity, Prf, SkCipher};
use ike_keys::{IkeSaKeySet, IntegritySpec, KeyTable};
use ike_wire::{
    AuthMethod, CertEncoding, ConfigRepr, ExchangeType, Header, IdRepr, MessageRepr, NotifyType,
    PayloadRepr, PayloadType, ProposalRepr, TrafficSelectorRepr, TransformType,
};

use crate::builder::TimelineBuilder;
use crate::event::{IkeMessage, Locator, SourceId};

/// Whether the encrypted content could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InnerStatus {
    /// Checked and decrypted; the fields below hold the inner payloads.
    Decrypted,
    /// The ICV did not verify with the keys given for this IKE SA.
    IntegrityCheckFailed,
    /// The key set or the algorithm could not be used (named).
    Unusable(String),
    /// Decrypted, but the inner payload chain is malformed (the fields hold what came before).
    Malformed(String),
}

/// The decrypted payloads of one IKE message (for fragmented messages: of the whole message,
/// attached to the fragment that completed it). Sizes are bounded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InnerPayloads {
    pub status: InnerStatus,
    /// Frames of the fragments whose plaintexts were joined (empty when not fragmented).
    pub fragment_frames: Vec<u64>,
    /// Inner payload names in order, as strongSwan logs them (`IDi`, `AUTH`, `N(TS_UNACCEPT)`).
    pub payloads: Vec<String>,
    /// Inner payload types in order (numbers of the IANA registry).
    pub payload_types: Vec<u8>,
    /// Notifies with their data (cut to 64 bytes).
    pub notifies: Vec<(NotifyType, Vec<u8>)>,
    pub id_i: Option<IdRepr>,
    pub id_r: Option<IdRepr>,
    pub auth_method: Option<AuthMethod>,
    /// CERT payloads (encoding, data), at most [`MAX_CERTS`] of at most [`MAX_CERT_LEN`] bytes.
    pub certs: Vec<(CertEncoding, Vec<u8>)>,
    pub cert_requests: usize,
    /// The CAs named by CERTREQ payloads (SHA-1 of each trusted CA's SubjectPublicKeyInfo,
    /// RFC 7296 3.7): which CAs the sender trusts. At most [`MAX_CERTREQ_CAS`].
    pub cert_request_cas: Vec<[u8; 20]>,
    pub config: Option<ConfigRepr>,
    /// The CHILD_SA proposals of an inner SA payload.
    pub child_proposals: Option<Vec<ProposalRepr>>,
    pub ts_i: Vec<TrafficSelectorRepr>,
    pub ts_r: Vec<TrafficSelectorRepr>,
    /// EAP code (1 request, 2 response, 3 success, 4 failure) and type.
    pub eap: Option<(u8, Option<u8>)>,
    /// The method an EAP-Nak asks for instead (the first type of its data; RFC 3748 5.3.1),
    /// `None` when it names none (0), no method (below 4, or expanded types), or the EAP
    /// payload is no Nak.
    pub eap_nak_wants: Option<u8>,
    pub deletes: usize,
}

pub const MAX_CERTS: usize = 8;
pub const MAX_CERT_LEN: usize = 16 * 1024;
pub const MAX_CERTREQ_CAS: usize = 64;
const NOTIFY_DATA_KEPT: usize = 64;
const ID_KEPT: usize = 512;

impl InnerPayloads {
    fn with_status(status: InnerStatus) -> InnerPayloads {
        InnerPayloads {
            status,
            fragment_frames: Vec::new(),
            payloads: Vec::new(),
            payload_types: Vec::new(),
            notifies: Vec::new(),
            id_i: None,
            id_r: None,
            auth_method: None,
            certs: Vec::new(),
            cert_requests: 0,
            cert_request_cas: Vec::new(),
            config: None,
            child_proposals: None,
            ts_i: Vec::new(),
            ts_r: Vec::new(),
            eap: None,
            eap_nak_wants: None,
            deletes: 0,
        }
    }

    pub fn is_decrypted(&self) -> bool {
        matches!(
            self.status,
            InnerStatus::Decrypted | InnerStatus::Malformed(_)
        )
    }

    pub fn has_notify(&self, t: NotifyType) -> bool {
        self.notifies.iter().any(|(n, _)| *n == t)
    }

    /// Parses the plaintext of an SK payload whose first inner payload has type `first`.
    pub fn parse(first: PayloadType, plaintext: &[u8]) -> InnerPayloads {
        // The inner chain is parsed as the payloads of a message with a synthetic header, so
        // every payload parser of ike-wire applies unchanged.
        let total = plaintext.len() + 28;
        let Ok(length) = u32::try_from(total) else {
            return InnerPayloads::with_status(InnerStatus::Malformed("too long".into()));
        };
        let mut message = vec![0u8; 28];
        message[16] = first.0;
        message[17] = 0x20;
        message[24..28].copy_from_slice(&length.to_be_bytes());
        message.extend_from_slice(plaintext);
        match MessageRepr::parse(&message) {
            Ok(repr) => {
                let mut inner = InnerPayloads::with_status(InnerStatus::Decrypted);
                inner.fill(&repr);
                inner
            }
            Err(e) => {
                // Keep what parses before the malformation.
                let mut inner = InnerPayloads::with_status(InnerStatus::Malformed(e.to_string()));
                if let Ok(view) = Header::new_checked(message.as_slice()) {
                    for raw in view.payloads().map_while(Result::ok) {
                        inner.payload_types.push(raw.payload_type.0);
                        inner.payloads.push(
                            raw.payload_type
                                .short_name()
                                .map_or_else(|| raw.payload_type.0.to_string(), str::to_string),
                        );
                    }
                }
                inner
            }
        }
    }

    fn fill(&mut self, repr: &MessageRepr) {
        self.payloads = repr.payload_names();
        self.payload_types = repr
            .payloads
            .iter()
            .map(|p| p.body.payload_type().0)
            .collect();
        let cut_id = |id: &IdRepr| IdRepr {
            id_type: id.id_type,
            data: id
                .data
                .get(..id.data.len().min(ID_KEPT))
                .unwrap_or(&[])
                .to_vec(),
        };
        for payload in &repr.payloads {
            match &payload.body {
                PayloadRepr::Notify(n) => {
                    let kept = n
                        .data
                        .get(..n.data.len().min(NOTIFY_DATA_KEPT))
                        .unwrap_or(&[]);
                    self.notifies.push((n.notify_type, kept.to_vec()));
                }
                PayloadRepr::IdentificationI(id) => self.id_i = Some(cut_id(id)),
                PayloadRepr::IdentificationR(id) => self.id_r = Some(cut_id(id)),
                PayloadRepr::Authentication { method, .. } => self.auth_method = Some(*method),
                PayloadRepr::Certificate { encoding, data }
                    if self.certs.len() < MAX_CERTS && data.len() <= MAX_CERT_LEN =>
                {
                    self.certs.push((*encoding, data.clone()));
                }
                PayloadRepr::CertificateRequest { encoding, data } => {
                    self.cert_requests += 1;
                    // X.509 Certificate - Signature: a list of 20-byte SHA-1 key hashes.
                    if *encoding == CertEncoding::X509_SIGNATURE {
                        for hash in data.chunks_exact(20) {
                            if self.cert_request_cas.len() < MAX_CERTREQ_CAS {
                                if let Ok(h) = <[u8; 20]>::try_from(hash) {
                                    self.cert_request_cas.push(h);
                                }
                            }
                        }
                    }
                }
                PayloadRepr::Configuration(c) => {
                    let mut c = c.clone();
                    c.attributes.truncate(64);
                    self.config = Some(c);
                }
                PayloadRepr::SecurityAssociation(p) => {
                    let mut p = p.clone();
                    p.truncate(64);
                    self.child_proposals = Some(p);
                }
                PayloadRepr::TrafficSelectorsI(ts) => {
                    self.ts_i = ts.iter().take(64).cloned().collect();
                }
                PayloadRepr::TrafficSelectorsR(ts) => {
                    self.ts_r = ts.iter().take(64).cloned().collect();
                }
                PayloadRepr::Eap(e) => {
                    self.eap = Some((e.code, e.eap_type));
                    self.eap_nak_wants = (e.eap_type == Some(ike_wire::eap::TYPE_NAK))
                        .then(|| e.data.first().copied())
                        .flatten()
                        .filter(|t| (4..254).contains(t));
                }
                PayloadRepr::Delete(_) => self.deletes += 1,
                _ => {}
            }
        }
    }
}

/// How many fragmented messages may be awaiting their other fragments at once.
const MAX_PENDING_FRAGMENTED: usize = 256;
/// Largest number of fragments of one message kept.
const MAX_FRAGMENTS: u16 = 128;

type SaKey = (u64, u64);
type FragmentKey = (u64, u64, u32, bool, bool);

#[derive(Default)]
struct Fragments {
    total: u16,
    first_inner: Option<PayloadType>,
    /// (number, plaintext, frame)
    parts: Vec<(u16, Vec<u8>, u64)>,
    failed: Option<InnerStatus>,
}

/// Decrypts the encrypted messages of captures with the keys of a key table.
pub struct Decryptor {
    sets: Vec<IkeSaKeySet>,
    /// IKE SA -> index in `sets`.
    bound: HashMap<SaKey, usize>,
    /// IKE SA -> algorithms chosen in its IKE_SA_INIT response.
    chosen: HashMap<SaKey, (Encryption, Option<Integrity>)>,
    fragments: HashMap<FragmentKey, Fragments>,
    /// IKE SAs already reported as undecryptable in a note.
    noted: Vec<SaKey>,
    pub decrypted: u64,
    pub failed: u64,
}

impl Decryptor {
    pub fn new(table: KeyTable) -> Decryptor {
        Decryptor {
            sets: table.sets,
            bound: HashMap::new(),
            chosen: HashMap::new(),
            fragments: HashMap::new(),
            noted: Vec::new(),
            decrypted: 0,
            failed: 0,
        }
    }

    /// Looks at one IKE message as it is read: remembers the IKE_SA_INIT choice, decrypts SK and
    /// SKF payloads with the keys of the message's IKE SA. Returns a note for people, if any.
    pub fn process(
        &mut self,
        bytes: &[u8],
        frame: u64,
        message: &mut IkeMessage,
    ) -> Option<String> {
        if message.exchange == ExchangeType::IKE_SA_INIT && message.response {
            if let Some(chosen) = message
                .proposals
                .as_ref()
                .and_then(|p| chosen_algorithms(p))
            {
                self.chosen.insert((message.spi_i, message.spi_r), chosen);
            }
            return None;
        }
        message.encrypted_len()?;
        let view = Header::new_checked(bytes).ok()?;
        let raw = view
            .payloads()
            .map_while(Result::ok)
            .find(|p| p.payload_type == PayloadType::SK || p.payload_type == PayloadType::SKF)?;
        let body_start = raw.body_offset();
        let (aad_end, body, fragment) = if raw.payload_type == PayloadType::SKF {
            let number = u16::from_be_bytes([*raw.body.first()?, *raw.body.get(1)?]);
            let total = u16::from_be_bytes([*raw.body.get(2)?, *raw.body.get(3)?]);
            (body_start + 4, raw.body.get(4..)?, Some((number, total)))
        } else {
            (body_start, raw.body, None)
        };
        let aad = bytes.get(..aad_end)?;
        let sa = (message.spi_i, message.spi_r);
        let opened = self.open(sa, message.from_initiator, aad, body);
        let (note, status_if_failed) = match &opened {
            Ok(_) => (None, None),
            Err(None) => return None, // no keys for this SA
            Err(Some(status)) => {
                self.failed += 1;
                let note = if self.noted.contains(&sa) {
                    None
                } else {
                    self.noted.push(sa);
                    Some(format!(
                        "frame {frame}: the encrypted payload of IKE SA {:016x}_i {:016x}_r could not be read with the keys given: {}",
                        sa.0,
                        sa.1,
                        match status {
                            InnerStatus::IntegrityCheckFailed => "integrity check failed (wrong keys for this IKE SA?)".to_string(),
                            InnerStatus::Unusable(why) => why.clone(),
                            InnerStatus::Malformed(why) => why.clone(),
                            InnerStatus::Decrypted => String::new(),
                        }
                    ))
                };
                (note, Some(status.clone()))
            }
        };
        match fragment {
            None => {
                message.rare_mut().inner = Some(Box::new(match opened {
                    Ok(plain) => {
                        self.decrypted += 1;
                        InnerPayloads::parse(raw.next_payload, &plain)
                    }
                    Err(_) => InnerPayloads::with_status(
                        status_if_failed.unwrap_or(InnerStatus::IntegrityCheckFailed),
                    ),
                }));
            }
            Some((number, total)) => {
                if let Some(inner) = self.add_fragment(
                    message,
                    frame,
                    number,
                    total,
                    raw.next_payload,
                    opened.ok(),
                    status_if_failed,
                ) {
                    message.rare_mut().inner = Some(Box::new(inner));
                }
            }
        }
        note
    }

    #[allow(clippy::too_many_arguments)]
    fn add_fragment(
        &mut self,
        message: &IkeMessage,
        frame: u64,
        number: u16,
        total: u16,
        first_inner: PayloadType,
        plain: Option<Vec<u8>>,
        failed: Option<InnerStatus>,
    ) -> Option<InnerPayloads> {
        if total == 0 || number == 0 || number > total || total > MAX_FRAGMENTS {
            return None;
        }
        let key = (
            message.spi_i,
            message.spi_r,
            message.message_id,
            message.response,
            message.from_initiator,
        );
        if !self.fragments.contains_key(&key) && self.fragments.len() >= MAX_PENDING_FRAGMENTED {
            return None;
        }
        let entry = self.fragments.entry(key).or_default();
        if entry.total != total {
            // A retransmission with other fragmentation restarts the message.
            *entry = Fragments {
                total,
                ..Fragments::default()
            };
        }
        if entry.parts.iter().any(|(n, _, _)| *n == number) {
            return None;
        }
        if number == 1 {
            entry.first_inner = Some(first_inner);
        }
        match plain {
            Some(p) => entry.parts.push((number, p, frame)),
            None => {
                entry.failed = failed;
                entry.parts.push((number, Vec::new(), frame));
            }
        }
        if entry.parts.len() < usize::from(total) {
            return None;
        }
        let mut done = self.fragments.remove(&key)?;
        done.parts.sort_by_key(|(n, _, _)| *n);
        let frames: Vec<u64> = done.parts.iter().map(|(_, _, f)| *f).collect();
        let mut inner = match (done.failed, done.first_inner) {
            (Some(status), _) => InnerPayloads::with_status(status),
            (None, Some(first)) => {
                let plaintext: Vec<u8> = done
                    .parts
                    .iter()
                    .flat_map(|(_, p, _)| p.iter().copied())
                    .collect();
                self.decrypted += 1;
                InnerPayloads::parse(first, &plaintext)
            }
            (None, None) => {
                InnerPayloads::with_status(InnerStatus::Malformed("no first fragment".into()))
            }
        };
        inner.fragment_frames = frames;
        Some(inner)
    }

    /// `Err(None)`: no key for this SA. `Err(Some(status))`: keys present but unusable/wrong.
    fn open(
        &mut self,
        sa: SaKey,
        from_initiator: bool,
        aad: &[u8],
        body: &[u8],
    ) -> Result<Vec<u8>, Option<InnerStatus>> {
        if let Some(&index) = self.bound.get(&sa) {
            return self
                .open_with(index, sa, from_initiator, aad, body)
                .map_err(Some);
        }
        // SPIs first, then sets that name no (or only the initiator's) SPI, bound on success.
        let candidates: Vec<usize> = (0..self.sets.len())
            .filter(|&i| self.sets.get(i).is_some_and(|s| s.matches_spis(sa.0, sa.1)))
            .filter(|i| {
                !self.bound.values().any(|b| b == i)
                    || self.sets.get(*i).is_some_and(IkeSaKeySet::has_spis)
            })
            .collect();
        let mut last_error = None;
        for index in candidates {
            match self.open_with(index, sa, from_initiator, aad, body) {
                Ok(plain) => {
                    self.bound.insert(sa, index);
                    return Ok(plain);
                }
                Err(status) => {
                    let exact = self.sets.get(index).is_some_and(IkeSaKeySet::has_spis);
                    if exact {
                        // Keys named for this SA that do not verify: report, do not look further.
                        self.bound.insert(sa, index);
                        return Err(Some(status));
                    }
                    last_error = Some(status);
                }
            }
        }
        // Keys without SPIs that fit no message prove nothing about this SA.
        let _ = last_error;
        Err(None)
    }

    fn open_with(
        &self,
        index: usize,
        sa: SaKey,
        from_initiator: bool,
        aad: &[u8],
        body: &[u8],
    ) -> Result<Vec<u8>, InnerStatus> {
        let set = self
            .sets
            .get(index)
            .ok_or_else(|| InnerStatus::Unusable("no key set".into()))?;
        let chosen = self.chosen.get(&sa).copied();
        let encryption = set
            .encryption
            .or(chosen.map(|c| c.0))
            .ok_or_else(|| InnerStatus::Unusable("the encryption algorithm is unknown (neither in the key file nor in a captured IKE_SA_INIT response)".into()))?;
        let integrity = match set.integrity {
            IntegritySpec::None => None,
            IntegritySpec::Some(i) => Some(i),
            IntegritySpec::Unknown => chosen.and_then(|c| c.1),
        };
        // The PRF plays no part in reading messages.
        let suite = IkeSuite {
            encryption,
            integrity,
            prf: Prf::HmacSha256,
        };
        let (sk_e, sk_a) = if from_initiator {
            (&set.sk_ei, &set.sk_ai)
        } else {
            (&set.sk_er, &set.sk_ar)
        };
        let cipher = SkCipher::new(&suite, sk_e, sk_a)
            .map_err(|e| InnerStatus::Unusable(format!("line {}: {e}", set.line)))?;
        cipher.open(aad, body).map_err(|e| match e {
            CryptoError::IntegrityCheckFailed => InnerStatus::IntegrityCheckFailed,
            other => InnerStatus::Unusable(other.to_string()),
        })
    }
}

/// Encryption and integrity of the single proposal an IKE_SA_INIT response chose.
fn chosen_algorithms(proposals: &[ProposalRepr]) -> Option<(Encryption, Option<Integrity>)> {
    let proposal = proposals.first()?;
    let encr = proposal
        .transforms
        .iter()
        .find(|t| t.transform_type == TransformType::ENCR)?;
    let encryption = Encryption::from_transform_id(encr.id, encr.key_length)?;
    let integrity = proposal
        .transforms
        .iter()
        .find(|t| t.transform_type == TransformType::INTEG && t.id != 0)
        .and_then(|t| Integrity::from_transform_id(t.id));
    Some((encryption, integrity))
}

impl TimelineBuilder {
    /// Decrypt the encrypted payloads of the captures read from now on with these keys.
    pub fn set_keys(&mut self, table: KeyTable) {
        self.decryptor = Some(Box::new(Decryptor::new(table)));
    }

    /// Runs the decryptor (if keys were given) on one message before it joins the timeline.
    pub(crate) fn decrypt_inner(
        &mut self,
        source: SourceId,
        frame: u64,
        bytes: &[u8],
        message: &mut IkeMessage,
    ) {
        let Some(decryptor) = self.decryptor.as_mut() else {
            return;
        };
        if let Some(note) = decryptor.process(bytes, frame, message) {
            self.note(Some(source), Some(Locator::Frame(frame)), note);
        }
    }
}

/// An identity as strongSwan prints it: `10.0.0.1`, `vpn.example.com`, `user@example.com`,
/// a DN in hex (decoded by the certificate checks), or the key ID in hex.
pub fn id_display(id: &IdRepr) -> String {
    let text = || {
        String::from_utf8_lossy(&id.data)
            .chars()
            .take(256)
            .collect::<String>()
    };
    let hex = || {
        id.data
            .iter()
            .take(128)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    match (id.id_type.0, id.data.as_slice()) {
        (1, [a, b, c, d]) => std::net::Ipv4Addr::new(*a, *b, *c, *d).to_string(),
        (5, data) if data.len() == 16 => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(data);
            std::net::Ipv6Addr::from(octets).to_string()
        }
        (2 | 3, _) => text(),
        (9, _) => format!("DN:{}", hex()),
        (11, _) => format!("KEYID:{}", hex()),
        (t, _) => format!("ID type {t}:{}", hex()),
    }
}

/// A traffic selector as strongSwan prints it (`10.0.0.0/24`, with `[proto/port]` when narrowed).
pub fn ts_display(ts: &TrafficSelectorRepr) -> String {
    let addr = |b: &[u8]| -> Option<std::net::IpAddr> {
        match b.len() {
            4 => Some(std::net::IpAddr::from([b[0], b[1], b[2], b[3]])),
            16 => {
                let mut o = [0u8; 16];
                o.copy_from_slice(b);
                Some(std::net::IpAddr::from(o))
            }
            _ => None,
        }
    };
    let (Some(start), Some(end)) = (addr(&ts.start_address), addr(&ts.end_address)) else {
        return format!("TS type {}", ts.ts_type.0);
    };
    let range = match (start, end) {
        (std::net::IpAddr::V4(s), std::net::IpAddr::V4(e)) => {
            let (s, e) = (u32::from(s), u32::from(e));
            let size = e.wrapping_sub(s).wrapping_add(1);
            if s <= e && size.is_power_of_two() && s % size == 0 {
                format!(
                    "{}/{}",
                    std::net::Ipv4Addr::from(s),
                    32 - size.trailing_zeros()
                )
            } else if s <= e && e == u32::MAX && s == 0 {
                "0.0.0.0/0".to_string()
            } else {
                format!(
                    "{}..{}",
                    std::net::Ipv4Addr::from(s),
                    std::net::Ipv4Addr::from(e)
                )
            }
        }
        (s, e) if s == e => s.to_string(),
        (s, e) => format!("{s}..{e}"),
    };
    if ts.ip_protocol == 0 && ts.start_port == 0 && ts.end_port == 65535 {
        range
    } else {
        format!(
            "{range}[{}/{}-{}]",
            ts.ip_protocol, ts.start_port, ts.end_port
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An EAP payload (RFC 7296 3.16) holding one EAP message: code, identifier, type, data.
    fn eap_payload(code: u8, eap_type: u8, data: &[u8]) -> Vec<u8> {
        let eap_len = 5 + data.len();
        let payload_len = 4 + eap_len;
        let mut out = vec![
            0,
            0,
            0,
            payload_len as u8,
            code,
            0x7d,
            0,
            eap_len as u8,
            eap_type,
        ];
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn an_eap_nak_says_the_method_it_asks_for() {
        let eap = PayloadType(48);
        let nak = InnerPayloads::parse(eap, &eap_payload(2, 3, &[26]));
        assert_eq!((nak.eap, nak.eap_nak_wants), (Some((2, Some(3))), Some(26)));
        // No acceptable method (0), and a response of another type, name none.
        assert_eq!(
            InnerPayloads::parse(eap, &eap_payload(2, 3, &[0])).eap_nak_wants,
            None
        );
        assert_eq!(
            InnerPayloads::parse(eap, &eap_payload(2, 26, &[26])).eap_nak_wants,
            None
        );
    }
}
