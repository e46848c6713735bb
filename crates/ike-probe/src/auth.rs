//! `--eap-identity`: the first IKE_AUTH request of an EAP client, to see what the gateway shows
//! before any credential is exchanged (RFC 7296 section 2.16: leaving out AUTH asks for EAP).
//!
//! The request carries IDi (the given identity), an empty CERTREQ (so that gateways that send
//! their certificate only when asked do so), IDr when the gateway's name is known, a
//! configuration request, an ESP proposal and traffic selectors. The gateway answers with IDr,
//! its certificates, AUTH and its first EAP request; the probe decrypts that answer
//! (reassembling RFC 7383 fragments) and stops: no EAP response, no credential, is ever sent.
//!
//! Keys: SKEYSEED and SK_* from the IKE_SA_INIT exchange (RFC 7296 section 2.14) with
//! `ike-crypto`, g^ir from `ike-dh`.
use std::net::IpAddr;
use std::time::{Duration, Instant};

use ike_crypto::{derive_ike_sa_keys, Encryption, IkeSuite, Integrity, Prf, SkCipher};
use ike_wire::{
    CertEncoding, ConfigRepr, ExchangeType, HeaderRepr, IdRepr, IdType, MessageRepr, Payload,
    PayloadRepr, PayloadType, ProposalRepr, ProtocolId, TrafficSelectorRepr, TransformRepr,
    TransformType, TsType,
};
use rand_core::{OsRng, RngCore};

use crate::algorithms::Catalog;
use crate::exchange::{Accepted, Path, Retransmit, Unreachable};
use crate::message::{FLAG_INITIATOR, NON_ESP_MARKER};
use crate::probe::Port;

/// The catalog restricted to what `ike-crypto` can encrypt and authenticate with.
pub fn encryptable(catalog: &Catalog) -> Catalog {
    Catalog {
        encr: catalog
            .encr
            .iter()
            .copied()
            .filter(|e| Encryption::from_transform_id(e.id, e.key_bits).is_some())
            .collect(),
        prf: catalog
            .prf
            .iter()
            .copied()
            .filter(|p| Prf::from_transform_id(*p).is_some())
            .collect(),
        integ: catalog
            .integ
            .iter()
            .copied()
            .filter(|i| *i == 0 || Integrity::from_transform_id(*i).is_some())
            .collect(),
        dh: catalog.dh.clone(),
    }
}

/// What the gateway's IKE_AUTH answer showed.
#[derive(Debug, Clone, Default)]
pub struct AuthOutcome {
    /// "response", "no-answer", "icmp-unreachable", "undecryptable", "malformed".
    pub answer: String,
    pub detail: Option<String>,
    pub transmissions: u8,
    pub elapsed: Duration,
    /// IDr as text ("FQDN gateway.example.net").
    pub idr: Option<String>,
    /// X.509 certificates (DER) in the order received: end entity first, as gateways send it.
    pub certificates: Vec<Vec<u8>>,
    /// CERT payloads of other encodings, by name.
    pub other_cert_encodings: Vec<String>,
    pub auth_method: Option<String>,
    /// The gateway's first EAP message ("request MSCHAPV2").
    pub eap: Option<String>,
    /// Notify names in the decrypted answer.
    pub notifies: Vec<String>,
    /// The first error notify, if any (e.g. AUTHENTICATION_FAILED).
    pub error: Option<String>,
    /// Fragments the answer came in (0 when not fragmented).
    pub fragments: u16,
}

pub struct AuthExchange {
    port: Port,
    path: Path,
    spi_i: u64,
    spi_r: u64,
    responder: SkCipher,
    request: Vec<u8>,
    retransmit: Retransmit,
    sent: u8,
    started: Option<Instant>,
    deadline: Option<Instant>,
    transmit_now: bool,
    fragments: Vec<Option<(PayloadType, Vec<u8>)>>,
    outcome: Option<AuthOutcome>,
}

fn id_payload(text: &str) -> IdRepr {
    match text.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => IdRepr {
            id_type: IdType::IPV4_ADDR,
            data: ip.octets().to_vec(),
        },
        Ok(IpAddr::V6(ip)) => IdRepr {
            id_type: IdType::IPV6_ADDR,
            data: ip.octets().to_vec(),
        },
        Err(_) if text.contains('@') => IdRepr {
            id_type: IdType::RFC822_ADDR,
            data: text.as_bytes().to_vec(),
        },
        Err(_) => IdRepr {
            id_type: IdType::FQDN,
            data: text.as_bytes().to_vec(),
        },
    }
}

/// IDi/IDr as text.
pub fn id_text(id: &IdRepr) -> String {
    let value = match (id.id_type, id.data.as_slice()) {
        (IdType::IPV4_ADDR, [a, b, c, d]) => format!("{a}.{b}.{c}.{d}"),
        (IdType::FQDN | IdType::RFC822_ADDR, data) => String::from_utf8_lossy(data).into_owned(),
        (IdType::DER_ASN1_DN, data) => crate::certs::dn_text(data),
        (_, data) => hex::encode(data),
    };
    format!("{} {value}", id.id_type)
}

fn transform(transform_type: TransformType, id: u16, key_length: Option<u16>) -> TransformRepr {
    TransformRepr {
        transform_type,
        id,
        key_length,
        other_attributes: Vec::new(),
    }
}

fn esp_proposals() -> Vec<ProposalRepr> {
    let mut spi = [0u8; 4];
    OsRng.fill_bytes(&mut spi);
    let no_esn = transform(TransformType::ESN, 0, None);
    vec![
        ProposalRepr {
            number: 1,
            protocol: ProtocolId::ESP,
            spi: spi.to_vec(),
            transforms: vec![
                transform(TransformType::ENCR, 20, Some(256)),
                transform(TransformType::ENCR, 20, Some(128)),
                no_esn.clone(),
            ],
        },
        ProposalRepr {
            number: 2,
            protocol: ProtocolId::ESP,
            spi: spi.to_vec(),
            transforms: vec![
                transform(TransformType::ENCR, 12, Some(256)),
                transform(TransformType::ENCR, 12, Some(128)),
                transform(TransformType::INTEG, 12, None),
                transform(TransformType::INTEG, 14, None),
                transform(TransformType::INTEG, 2, None),
                no_esn,
            ],
        },
    ]
}

fn any_ipv4() -> Vec<TrafficSelectorRepr> {
    vec![TrafficSelectorRepr {
        ts_type: TsType::IPV4_ADDR_RANGE,
        ip_protocol: 0,
        start_port: 0,
        end_port: 65535,
        start_address: vec![0, 0, 0, 0],
        end_address: vec![255, 255, 255, 255],
    }]
}

fn payload(body: PayloadRepr) -> Payload {
    Payload {
        critical: false,
        body,
    }
}

/// The payloads after a 28-byte IKE header, as bytes (for the SK payload's plaintext).
fn inner_bytes(payloads: Vec<Payload>) -> (PayloadType, Vec<u8>) {
    let first = payloads
        .first()
        .map(|p| p.body.payload_type())
        .unwrap_or(PayloadType::NONE);
    let mut message = MessageRepr {
        header: HeaderRepr {
            spi_i: 0,
            spi_r: 0,
            next_payload: first,
            major_version: 2,
            minor_version: 0,
            exchange: ExchangeType::IKE_AUTH,
            flags: 0,
            message_id: 0,
            length: 0,
        },
        payloads,
    };
    message.canonicalize_header();
    let bytes = message.to_bytes();
    (
        first,
        bytes.get(HeaderRepr::LEN..).unwrap_or_default().to_vec(),
    )
}

/// Parses decrypted inner payloads by putting a synthetic IKE header in front.
fn parse_inner(first: PayloadType, inner: &[u8]) -> Result<Vec<Payload>, String> {
    let total = HeaderRepr::LEN + inner.len();
    let mut bytes = Vec::with_capacity(total);
    bytes.extend_from_slice(&[0u8; 16]);
    bytes.push(first.0);
    bytes.push(0x20);
    bytes.push(ExchangeType::IKE_AUTH.0);
    bytes.push(0x20);
    bytes.extend_from_slice(&1u32.to_be_bytes());
    bytes.extend_from_slice(&(total as u32).to_be_bytes());
    bytes.extend_from_slice(inner);
    MessageRepr::parse(&bytes)
        .map(|m| m.payloads)
        .map_err(|e| format!("decrypted payloads do not parse: {e}"))
}

impl AuthExchange {
    pub fn new(
        accepted: Accepted,
        port: Port,
        path: Path,
        identity: String,
        gateway_id: Option<String>,
        retransmit: Retransmit,
    ) -> Result<AuthExchange, String> {
        let suite = accepted
            .suite
            .ok_or("the IKE_SA_INIT response selected no usable suite")?;
        let ike_suite = IkeSuite::from_transform_ids(
            suite.encr.id,
            suite.encr.key_bits,
            (suite.integ != 0).then_some(suite.integ),
            suite.prf,
        )
        .map_err(|e| format!("cannot encrypt with the selected suite: {e}"))?;
        let mut peer_ke = None;
        let mut nonce_r = None;
        for p in &accepted.response.payloads {
            match &p.body {
                PayloadRepr::KeyExchange { data, .. } => peer_ke = Some(data.clone()),
                PayloadRepr::Nonce(n) => nonce_r = Some(n.clone()),
                _ => {}
            }
        }
        let peer_ke = peer_ke.ok_or("IKE_SA_INIT response without KE")?;
        let nonce_r = nonce_r.ok_or("IKE_SA_INIT response without nonce")?;
        let shared = accepted
            .keys
            .shared_secret(&peer_ke)
            .map_err(|e| format!("Diffie-Hellman with the gateway's KE failed: {e}"))?;
        let (spi_i, spi_r) = (
            accepted.response.header.spi_i,
            accepted.response.header.spi_r,
        );
        let keys = derive_ike_sa_keys(
            &ike_suite,
            &accepted.nonce_i,
            &nonce_r,
            &shared,
            spi_i,
            spi_r,
        )
        .map_err(|e| format!("key derivation failed: {e}"))?;
        let initiator = keys
            .initiator_cipher(&ike_suite)
            .map_err(|e| e.to_string())?;
        let responder = keys
            .responder_cipher(&ike_suite)
            .map_err(|e| e.to_string())?;

        let mut payloads = vec![
            payload(PayloadRepr::IdentificationI(id_payload(&identity))),
            payload(PayloadRepr::CertificateRequest {
                encoding: CertEncoding::X509_SIGNATURE,
                data: Vec::new(),
            }),
        ];
        if let Some(gw) = &gateway_id {
            payloads.push(payload(PayloadRepr::IdentificationR(id_payload(gw))));
        }
        payloads.push(payload(PayloadRepr::Configuration(ConfigRepr {
            cfg_type: 1,
            // INTERNAL_IP4_ADDRESS and INTERNAL_IP4_DNS, empty: "give me one".
            attributes: vec![(1, Vec::new()), (3, Vec::new())],
        })));
        payloads.push(payload(PayloadRepr::SecurityAssociation(esp_proposals())));
        payloads.push(payload(PayloadRepr::TrafficSelectorsI(any_ipv4())));
        payloads.push(payload(PayloadRepr::TrafficSelectorsR(any_ipv4())));
        let (first_inner, inner) = inner_bytes(payloads);

        let body_len = initiator.sealed_len(inner.len());
        let mut outer = MessageRepr {
            header: HeaderRepr {
                spi_i,
                spi_r,
                next_payload: PayloadType::SK,
                major_version: 2,
                minor_version: 0,
                exchange: ExchangeType::IKE_AUTH,
                flags: FLAG_INITIATOR,
                message_id: 1,
                length: 0,
            },
            payloads: vec![payload(PayloadRepr::Encrypted {
                first_inner,
                data: vec![0; body_len],
            })],
        };
        outer.canonicalize_header();
        let mut request = outer.to_bytes();
        let aad_len = HeaderRepr::LEN + 4;
        let mut iv = vec![0u8; ike_suite.encryption.iv_len()];
        OsRng.fill_bytes(&mut iv);
        let body = initiator
            .seal(request.get(..aad_len).unwrap_or_default(), &inner, &iv)
            .map_err(|e| format!("encryption failed: {e}"))?;
        request.truncate(aad_len);
        request.extend_from_slice(&body);

        Ok(AuthExchange {
            port,
            path,
            spi_i,
            spi_r,
            responder,
            request,
            retransmit,
            sent: 0,
            started: None,
            deadline: None,
            transmit_now: true,
            fragments: Vec::new(),
            outcome: None,
        })
    }

    pub fn port(&self) -> Port {
        self.port
    }

    pub fn is_finished(&self) -> bool {
        self.outcome.is_some()
    }

    pub fn has_sent(&self) -> bool {
        self.sent > 0
    }

    pub fn poll_transmit(&mut self, now: Instant) -> Option<Vec<u8>> {
        if self.outcome.is_some() || !self.transmit_now {
            return None;
        }
        self.transmit_now = false;
        let wait = self
            .retransmit
            .waits
            .get(usize::from(self.sent))
            .copied()
            .unwrap_or_default();
        self.sent += 1;
        self.started.get_or_insert(now);
        self.deadline = Some(now + wait);
        let mut datagram = Vec::with_capacity(self.request.len() + 4);
        if self.path.nat_t {
            datagram.extend_from_slice(&NON_ESP_MARKER);
        }
        datagram.extend_from_slice(&self.request);
        Some(datagram)
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.outcome.is_some() {
            None
        } else {
            self.deadline
        }
    }

    fn finish(&mut self, now: Instant, mut outcome: AuthOutcome) {
        outcome.transmissions = self.sent;
        outcome.elapsed = self
            .started
            .map(|s| now.saturating_duration_since(s))
            .unwrap_or_default();
        self.outcome = Some(outcome);
    }

    fn finish_with(&mut self, now: Instant, answer: &str, detail: Option<String>) {
        self.finish(
            now,
            AuthOutcome {
                answer: answer.to_string(),
                detail,
                ..AuthOutcome::default()
            },
        );
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        match self.deadline {
            Some(deadline) if self.outcome.is_none() && now >= deadline => {}
            _ => return,
        }
        if usize::from(self.sent) < self.retransmit.waits.len() {
            self.transmit_now = true;
        } else {
            let detail = (!self.fragments.is_empty()).then(|| {
                let got = self.fragments.iter().filter(|f| f.is_some()).count();
                format!("{got} of {} fragments arrived", self.fragments.len())
            });
            self.finish_with(now, "no-answer", detail);
        }
    }

    pub fn handle_unreachable(&mut self, kind: Unreachable, now: Instant) {
        if self.outcome.is_none() {
            self.finish_with(now, "icmp-unreachable", Some(format!("{kind:?}")));
        }
    }

    pub fn handle_datagram(&mut self, datagram: &[u8], now: Instant) {
        if self.outcome.is_some() {
            return;
        }
        let ike = if self.path.nat_t {
            match datagram.strip_prefix(&NON_ESP_MARKER[..]) {
                Some(rest) => rest,
                None => return,
            }
        } else {
            datagram
        };
        let Ok(header) = ike_wire::header(ike) else {
            return;
        };
        if header.spi_i != self.spi_i
            || header.spi_r != self.spi_r
            || !header.is_response()
            || header.exchange != ExchangeType::IKE_AUTH
            || header.message_id != 1
        {
            return;
        }
        let end = (header.length as usize).min(ike.len());
        let ike = ike.get(..end).unwrap_or(ike);
        match header.next_payload {
            PayloadType::SK => {
                let aad = ike.get(..HeaderRepr::LEN + 4).unwrap_or_default();
                let body = ike.get(HeaderRepr::LEN + 4..).unwrap_or_default();
                let first = ike
                    .get(HeaderRepr::LEN)
                    .map(|b| PayloadType(*b))
                    .unwrap_or(PayloadType::NONE);
                match self.responder.open(aad, body) {
                    Ok(inner) => self.conclude(now, first, &inner, 0),
                    Err(e) => self.finish_with(now, "undecryptable", Some(e.to_string())),
                }
            }
            PayloadType::SKF => self.fragment(ike, now),
            other => self.finish_with(
                now,
                "malformed",
                Some(format!(
                    "IKE_AUTH answer starts with payload {other}, not SK"
                )),
            ),
        }
    }

    /// RFC 7383: each fragment is decrypted on its own; the plaintexts are concatenated.
    fn fragment(&mut self, ike: &[u8], now: Instant) {
        const SKF_HEADER: usize = 8;
        let fields = ike.get(HeaderRepr::LEN..HeaderRepr::LEN + SKF_HEADER);
        let Some(&[first, _, _, _, n1, n0, t1, t0]) = fields else {
            return;
        };
        let (number, total) = (u16::from_be_bytes([n1, n0]), u16::from_be_bytes([t1, t0]));
        if number == 0 || number > total || total > 64 {
            return;
        }
        if self.fragments.len() != usize::from(total) {
            self.fragments = vec![None; usize::from(total)];
        }
        let aad = ike.get(..HeaderRepr::LEN + SKF_HEADER).unwrap_or_default();
        let body = ike.get(HeaderRepr::LEN + SKF_HEADER..).unwrap_or_default();
        let Ok(plain) = self.responder.open(aad, body) else {
            return;
        };
        if let Some(slot) = self.fragments.get_mut(usize::from(number) - 1) {
            *slot = Some((PayloadType(first), plain));
        }
        if self.fragments.iter().all(|f| f.is_some()) {
            let first = self
                .fragments
                .first()
                .and_then(|f| f.as_ref())
                .map(|(t, _)| *t)
                .unwrap_or(PayloadType::NONE);
            let inner: Vec<u8> = self
                .fragments
                .iter()
                .flatten()
                .flat_map(|(_, p)| p.iter().copied())
                .collect();
            self.conclude(now, first, &inner, total);
        }
    }

    fn conclude(&mut self, now: Instant, first: PayloadType, inner: &[u8], fragments: u16) {
        let payloads = match parse_inner(first, inner) {
            Ok(p) => p,
            Err(e) => {
                self.finish_with(now, "malformed", Some(e));
                return;
            }
        };
        let mut outcome = AuthOutcome {
            answer: "response".into(),
            fragments,
            ..AuthOutcome::default()
        };
        for p in payloads {
            match p.body {
                PayloadRepr::IdentificationR(id) => outcome.idr = Some(id_text(&id)),
                PayloadRepr::Certificate { encoding, data } => {
                    if encoding == CertEncoding::X509_SIGNATURE {
                        outcome.certificates.push(data);
                    } else {
                        outcome.other_cert_encodings.push(encoding.to_string());
                    }
                }
                PayloadRepr::Authentication { method, .. } => {
                    outcome.auth_method = Some(method.to_string())
                }
                PayloadRepr::Eap(eap) => {
                    let code = ike_wire::eap_code_short_name(eap.code)
                        .map(str::to_string)
                        .unwrap_or_else(|| eap.code.to_string());
                    let method = eap.eap_type.map(|t| {
                        ike_wire::eap_type_short_name(t)
                            .map(str::to_string)
                            .unwrap_or_else(|| t.to_string())
                    });
                    outcome.eap = Some(match method {
                        Some(m) => format!("{code} {m}"),
                        None => code,
                    });
                }
                PayloadRepr::Notify(n) => {
                    if n.notify_type.is_error() && outcome.error.is_none() {
                        outcome.error = Some(n.notify_type.to_string());
                    }
                    outcome.notifies.push(n.notify_type.to_string());
                }
                _ => {}
            }
        }
        self.finish(now, outcome);
    }

    pub fn into_outcome(self) -> AuthOutcome {
        self.outcome.unwrap_or_else(|| AuthOutcome {
            answer: "no-answer".into(),
            ..AuthOutcome::default()
        })
    }
}
