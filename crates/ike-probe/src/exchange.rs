//! One IKE_SA_INIT exchange as a sans-IO state machine: it builds the request, says when to
//! (re)transmit, and classifies what comes back. No sockets and no clock inside: the caller
//! passes `now` and the datagrams it received.
//!
//! Within one exchange the probe answers a COOKIE (resending the same request with the cookie
//! first, RFC 7296 section 2.6) at most [`MAX_COOKIE_ROUNDS`] times; an INVALID_KE_PAYLOAD
//! ends the exchange (the caller starts a new one with the requested group, new SPI and nonce).
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ike_dh::KeyPair;
use ike_wire::{ExchangeType, MessageRepr, NotifyType, PayloadRepr, ProposalRepr};
use serde::Serialize;

use crate::algorithms::Suite;
use crate::message::{self, find_notify, natd_hash, InitRequest, NON_ESP_MARKER};

/// How many times one exchange answers a COOKIE before calling it a loop.
pub const MAX_COOKIE_ROUNDS: u8 = 2;

/// Where an exchange goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Path {
    pub local: SocketAddr,
    pub remote: SocketAddr,
    /// Prefix the non-ESP marker (UDP 4500).
    pub nat_t: bool,
}

/// Retransmission policy: the wait after each transmission. The number of entries is the
/// number of transmissions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retransmit {
    pub waits: Vec<Duration>,
}

impl Retransmit {
    /// `tries` transmissions, the first wait `first`, doubling (at most 8 tries).
    pub fn doubling(tries: u8, first: Duration) -> Retransmit {
        let tries = tries.clamp(1, 8);
        Retransmit {
            waits: (0..tries).map(|i| first * (1u32 << i)).collect(),
        }
    }
}

impl Default for Retransmit {
    /// Three transmissions, 0.5 s, 1 s and 2 s apart: 3.5 s until "no answer".
    fn default() -> Self {
        Retransmit::doubling(3, Duration::from_millis(500))
    }
}

/// Why no IKE answer came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unreachable {
    Port,
    Host,
    Network,
    Other,
}

/// How one answer (or its absence) is classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerKind {
    /// An IKE_SA_INIT response with an SA payload.
    Response,
    NoProposalChosen,
    InvalidKe {
        requested: Option<ike_wire::DhGroup>,
    },
    Cookie,
    /// Another error notify.
    Error(NotifyType),
    NoAnswer,
    IcmpUnreachable(Unreachable),
    /// The answer is not IKEv2 (e.g. an IKEv1 notification).
    NotIkev2 {
        major: u8,
        minor: u8,
    },
    /// The answer carries our SPI but does not parse.
    Malformed(String),
}

impl AnswerKind {
    pub fn label(&self) -> String {
        match self {
            AnswerKind::Response => "response".into(),
            AnswerKind::NoProposalChosen => "NO_PROPOSAL_CHOSEN".into(),
            AnswerKind::InvalidKe { .. } => "INVALID_KE_PAYLOAD".into(),
            AnswerKind::Cookie => "COOKIE".into(),
            AnswerKind::Error(t) => t.to_string(),
            AnswerKind::NoAnswer => "no-answer".into(),
            AnswerKind::IcmpUnreachable(_) => "icmp-unreachable".into(),
            AnswerKind::NotIkev2 { .. } => "not-ikev2".into(),
            AnswerKind::Malformed(_) => "malformed".into(),
        }
    }

    fn is_final(&self) -> bool {
        !matches!(self, AnswerKind::Cookie)
    }
}

/// One classified answer with what it took to get it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub kind: AnswerKind,
    /// Transmissions of the request this answers (1 = no retransmission).
    pub transmissions: u8,
    /// From the first transmission of the request to the answer (or to giving up).
    pub elapsed: Duration,
    /// Size of the answer's IKE message (0 when none).
    pub length: usize,
}

/// What the responder's NAT_DETECTION notifies say (RFC 7296 section 2.23).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NatCheck {
    /// The responder saw another source address or port than ours: a NAT in front of us.
    pub prober_behind_nat: Option<bool>,
    /// The response's source hash does not match the address we sent to: the responder is
    /// behind a NAT (or answers from another address).
    pub gateway_behind_nat: Option<bool>,
}

/// A completed IKE_SA_INIT with everything later steps need.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub suite: Option<Suite>,
    pub response: MessageRepr,
    /// The response as received (IKE message, no marker) and the request we sent (for AUTH).
    pub response_bytes: Vec<u8>,
    pub request_bytes: Vec<u8>,
    pub nonce_i: Vec<u8>,
    pub keys: Arc<KeyPair>,
    pub nat: NatCheck,
}

/// Everything that defines one request.
#[derive(Clone)]
pub struct ExchangeSpec {
    pub spi_i: u64,
    pub nonce: Vec<u8>,
    pub proposals: Vec<ProposalRepr>,
    pub keys: Arc<KeyPair>,
    pub path: Path,
}

pub struct Exchange {
    spec: ExchangeSpec,
    retransmit: Retransmit,
    cookie: Option<Vec<u8>>,
    cookie_rounds: u8,
    request: Vec<u8>,
    /// Transmissions of the current request (reset when a cookie changes it).
    sent: u8,
    started: Option<Instant>,
    deadline: Option<Instant>,
    transmit_now: bool,
    answers: Vec<Answer>,
    accepted: Option<Accepted>,
    finished: bool,
    datagrams_sent: u32,
    ignored: u32,
}

impl Exchange {
    pub fn new(spec: ExchangeSpec, retransmit: Retransmit) -> Exchange {
        let mut exchange = Exchange {
            spec,
            retransmit,
            cookie: None,
            cookie_rounds: 0,
            request: Vec::new(),
            sent: 0,
            started: None,
            deadline: None,
            transmit_now: true,
            answers: Vec::new(),
            accepted: None,
            finished: false,
            datagrams_sent: 0,
            ignored: 0,
        };
        exchange.build_request();
        exchange
    }

    fn build_request(&mut self) {
        let request = InitRequest {
            spi_i: self.spec.spi_i,
            proposals: &self.spec.proposals,
            ke_group: self.spec.keys.group(),
            ke_data: self.spec.keys.public(),
            nonce: &self.spec.nonce,
            cookie: self.cookie.as_deref(),
            local: self.spec.path.local,
            remote: self.spec.path.remote,
        };
        self.request = request.to_message().to_bytes();
    }

    pub fn path(&self) -> Path {
        self.spec.path
    }

    pub fn spi_i(&self) -> u64 {
        self.spec.spi_i
    }

    pub fn spec(&self) -> &ExchangeSpec {
        &self.spec
    }

    /// The IKE message of the current request (without a marker).
    pub fn request(&self) -> &[u8] {
        &self.request
    }

    /// The next datagram to send now, if any (with the non-ESP marker on UDP 4500).
    pub fn poll_transmit(&mut self, now: Instant) -> Option<Vec<u8>> {
        if self.finished || !self.transmit_now {
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
        self.datagrams_sent += 1;
        self.started.get_or_insert(now);
        self.deadline = Some(now + wait);
        let mut datagram = Vec::with_capacity(self.request.len() + 4);
        if self.spec.path.nat_t {
            datagram.extend_from_slice(&NON_ESP_MARKER);
        }
        datagram.extend_from_slice(&self.request);
        Some(datagram)
    }

    /// When [`Exchange::handle_timeout`] must be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.finished {
            None
        } else {
            self.deadline
        }
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        match self.deadline {
            Some(deadline) if !self.finished && now >= deadline => {}
            _ => return,
        }
        if usize::from(self.sent) < self.retransmit.waits.len() {
            self.transmit_now = true;
        } else {
            self.finish(AnswerKind::NoAnswer, now, 0);
        }
    }

    /// An ICMP error for this exchange's socket (e.g. ECONNREFUSED after port unreachable).
    pub fn handle_unreachable(&mut self, kind: Unreachable, now: Instant) {
        if !self.finished {
            self.finish(AnswerKind::IcmpUnreachable(kind), now, 0);
        }
    }

    fn finish(&mut self, kind: AnswerKind, now: Instant, length: usize) {
        let elapsed = self
            .started
            .map(|s| now.saturating_duration_since(s))
            .unwrap_or_default();
        let final_answer = kind.is_final();
        self.answers.push(Answer {
            kind,
            transmissions: self.sent,
            elapsed,
            length,
        });
        if final_answer {
            self.finished = true;
            self.deadline = None;
        }
    }

    /// A datagram from the responder's address and port. Datagrams that are not answers to
    /// this request (other SPI, not a response, ESP on UDP 4500) are counted and ignored.
    pub fn handle_datagram(&mut self, datagram: &[u8], now: Instant) {
        if self.finished {
            self.ignored += 1;
            return;
        }
        let ike = if self.spec.path.nat_t {
            match datagram.strip_prefix(&NON_ESP_MARKER[..]) {
                Some(rest) => rest,
                None => {
                    self.ignored += 1;
                    return;
                }
            }
        } else {
            datagram
        };
        let Ok(header) = ike_wire::header(ike) else {
            self.ignored += 1;
            return;
        };
        if header.spi_i != self.spec.spi_i {
            self.ignored += 1;
            return;
        }
        if header.major_version != 2 {
            self.finish(
                AnswerKind::NotIkev2 {
                    major: header.major_version,
                    minor: header.minor_version,
                },
                now,
                ike.len(),
            );
            return;
        }
        if !header.is_response()
            || header.exchange != ExchangeType::IKE_SA_INIT
            || header.message_id != 0
        {
            self.ignored += 1;
            return;
        }
        let response = match MessageRepr::parse(ike) {
            Ok(m) => m,
            Err(e) => {
                self.finish(AnswerKind::Malformed(e.to_string()), now, ike.len());
                return;
            }
        };
        self.classify(response, ike, now);
    }

    fn classify(&mut self, response: MessageRepr, raw: &[u8], now: Instant) {
        if let Some(cookie) = find_notify(&response, NotifyType::COOKIE) {
            if self.cookie_rounds >= MAX_COOKIE_ROUNDS || cookie.data.is_empty() {
                // Answering again would loop: report the last cookie as the final answer.
                self.finish(AnswerKind::Cookie, now, raw.len());
                self.finished = true;
                self.deadline = None;
                return;
            }
            self.finish(AnswerKind::Cookie, now, raw.len());
            self.cookie_rounds += 1;
            self.cookie = Some(cookie.data.clone());
            self.build_request();
            self.sent = 0;
            self.started = Some(now);
            self.transmit_now = true;
            return;
        }
        let error = message::notifies(&response)
            .find(|n| n.notify_type.is_error())
            .cloned();
        if let Some(error) = error {
            let kind = match error.notify_type {
                NotifyType::NO_PROPOSAL_CHOSEN => AnswerKind::NoProposalChosen,
                NotifyType::INVALID_KE_PAYLOAD => AnswerKind::InvalidKe {
                    requested: message::requested_group(&error),
                },
                other => AnswerKind::Error(other),
            };
            self.finish(kind, now, raw.len());
            return;
        }
        let proposals = response.payloads.iter().find_map(|p| match &p.body {
            PayloadRepr::SecurityAssociation(props) => Some(props.clone()),
            _ => None,
        });
        let Some(proposals) = proposals else {
            self.finish(
                AnswerKind::Malformed("response without SA payload".into()),
                now,
                raw.len(),
            );
            return;
        };
        let nat = self.nat_check(&response);
        self.accepted = Some(Accepted {
            suite: Suite::from_proposals(&proposals),
            response_bytes: raw.to_vec(),
            request_bytes: self.request.clone(),
            nonce_i: self.spec.nonce.clone(),
            keys: self.spec.keys.clone(),
            nat,
            response,
        });
        self.finish(AnswerKind::Response, now, raw.len());
    }

    fn nat_check(&self, response: &MessageRepr) -> NatCheck {
        let (spi_i, spi_r) = (response.header.spi_i, response.header.spi_r);
        let sources: Vec<&[u8]> = message::notifies(response)
            .filter(|n| n.notify_type == NotifyType::NAT_DETECTION_SOURCE_IP)
            .map(|n| n.data.as_slice())
            .collect();
        let destination = find_notify(response, NotifyType::NAT_DETECTION_DESTINATION_IP);
        let ours = natd_hash(spi_i, spi_r, self.spec.path.local);
        let theirs = natd_hash(spi_i, spi_r, self.spec.path.remote);
        NatCheck {
            prober_behind_nat: destination.map(|d| d.data != ours),
            gateway_behind_nat: (!sources.is_empty())
                .then(|| !sources.contains(&theirs.as_slice())),
        }
    }

    pub fn is_finished(&self) -> bool {
        self.finished
    }

    pub fn answers(&self) -> &[Answer] {
        &self.answers
    }

    /// The final answer once finished.
    pub fn final_answer(&self) -> Option<&Answer> {
        if self.finished {
            self.answers.last()
        } else {
            None
        }
    }

    pub fn accepted(&self) -> Option<&Accepted> {
        self.accepted.as_ref()
    }

    pub fn take_accepted(&mut self) -> Option<Accepted> {
        self.accepted.take()
    }

    pub fn datagrams_sent(&self) -> u32 {
        self.datagrams_sent
    }

    pub fn ignored(&self) -> u32 {
        self.ignored
    }
}
