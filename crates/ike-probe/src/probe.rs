//! The whole probe as a sans-IO state machine: a sequence of exchanges, one at a time.
//!
//! 1. IKE_SA_INIT on the IKE port (500) with the full catalog; INVALID_KE_PAYLOAD is answered
//!    with a new request in the group asked for (at most [`MAX_INVALID_KE`] times).
//! 2. The same on the NAT-T port (4500) with the non-ESP marker, in the group learned in 1.
//! 3. `--enumerate`: the [`Search`], on the port that answered.
//! 4. `--eap-identity`: one more IKE_SA_INIT restricted to algorithms the probe can encrypt
//!    with, then IKE_AUTH asking for EAP ([`crate::auth`]); it stops at the gateway's answer.
//!
//! Bounds: one exchange in flight; a new exchange starts at least `min_interval` after the
//! previous one started; each request is sent at most `retransmit.waits.len()` times; at most
//! `max_exchanges` exchanges in all. Every datagram goes to the configured responder address.
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ike_dh::KeyPair;
use ike_wire::DhGroup;
use rand_core::{OsRng, RngCore};

use crate::algorithms::{Catalog, Suite};
use crate::auth::{AuthExchange, AuthOutcome};
use crate::exchange::{
    Accepted, Answer, AnswerKind, Exchange, ExchangeSpec, Path, Retransmit, Unreachable,
};
use crate::search::{QueryResult, Search};

/// INVALID_KE_PAYLOAD answers followed per reachability check.
pub const MAX_INVALID_KE: u8 = 2;

/// Which of the responder's two ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Port {
    /// UDP 500 (or the port given with HOST:PORT).
    Ike,
    /// UDP 4500, with the non-ESP marker.
    NatT,
}

#[derive(Debug, Clone)]
pub struct ProbeConfig {
    /// The responder's IKE and NAT-T addresses (same IP).
    pub ike: SocketAddr,
    pub nat_t: SocketAddr,
    pub retransmit: Retransmit,
    /// Minimum time between the starts of two exchanges.
    pub min_interval: Duration,
    pub enumerate: bool,
    pub max_exchanges: u32,
    pub eap_identity: Option<String>,
    /// Sent as IDr in IKE_AUTH when set (the gateway's name, when HOST is a name).
    pub gateway_id: Option<String>,
    pub catalog: Catalog,
}

impl ProbeConfig {
    pub fn new(ike: SocketAddr) -> ProbeConfig {
        ProbeConfig {
            ike,
            nat_t: SocketAddr::new(ike.ip(), 4500),
            retransmit: Retransmit::default(),
            min_interval: Duration::from_millis(100),
            enumerate: false,
            max_exchanges: 100,
            eap_identity: None,
            gateway_id: None,
            catalog: Catalog::standard(),
        }
    }
}

/// A datagram to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    pub port: Port,
    pub datagram: Vec<u8>,
}

/// What the exchange was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Reachability,
    Enumeration,
    EapIdentity,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Reachability => "reachability",
            Purpose::Enumeration => "enumeration",
            Purpose::EapIdentity => "eap-identity",
        }
    }
}

/// One answer as the report lists it.
#[derive(Debug, Clone)]
pub struct AnswerRecord {
    pub port: Port,
    pub purpose: Purpose,
    /// The KE group the request carried.
    pub ke_group: DhGroup,
    pub answer: Answer,
}

/// The final state of one port's reachability check.
#[derive(Debug, Clone)]
pub struct PortResult {
    pub kind: AnswerKind,
    pub accepted: Option<Accepted>,
    /// The groups the responder asked for with INVALID_KE_PAYLOAD, in order.
    pub invalid_ke: Vec<DhGroup>,
}

impl PortResult {
    /// The responder answered with IKE (anything but silence or ICMP).
    pub fn answered(&self) -> bool {
        !matches!(
            self.kind,
            AnswerKind::NoAnswer | AnswerKind::IcmpUnreachable(_)
        )
    }
}

enum Stage {
    Reach(Port),
    Enumerate,
    AuthInit,
    Auth,
    Done,
}

enum Current {
    Init {
        exchange: Box<Exchange>,
        purpose: Purpose,
        invalid_ke: u8,
    },
    Auth(Box<AuthExchange>),
}

/// Everything the probe learned; [`crate::report`] turns it into the report.
#[derive(Debug, Default)]
pub struct ProbeResult {
    pub ike: Option<PortResult>,
    pub nat_t: Option<PortResult>,
    pub answers: Vec<AnswerRecord>,
    pub enumerated: Option<Enumerated>,
    pub auth: Option<AuthOutcome>,
    /// Why `--eap-identity` did not get to IKE_AUTH.
    pub auth_skipped: Option<String>,
    pub exchanges: u32,
    pub datagrams_sent: u32,
    pub datagrams_received: u32,
    pub elapsed: Duration,
}

#[derive(Debug, Clone)]
pub struct Enumerated {
    pub port: Port,
    pub suites: Vec<Suite>,
    pub complete: bool,
    pub queries: u32,
    pub notes: Vec<String>,
    /// Number of combinations the catalog holds (what one exchange per combination would cost).
    pub combinations: u64,
}

pub struct Probe {
    config: ProbeConfig,
    local_ike: SocketAddr,
    local_nat_t: SocketAddr,
    keys: HashMap<DhGroup, Arc<KeyPair>>,
    stage: Stage,
    current: Option<Current>,
    next_start: Option<Instant>,
    started_at: Option<Instant>,
    search: Option<Search>,
    enum_port: Port,
    enum_group_hint: Option<DhGroup>,
    result: ProbeResult,
    pending_invalid_ke: Vec<DhGroup>,
}

impl Probe {
    /// `local_ike`/`local_nat_t`: the local addresses of the sockets that talk to each port,
    /// as the runtime bound them (for the NAT detection hashes).
    pub fn new(config: ProbeConfig, local_ike: SocketAddr, local_nat_t: SocketAddr) -> Probe {
        Probe {
            config,
            local_ike,
            local_nat_t,
            keys: HashMap::new(),
            stage: Stage::Reach(Port::Ike),
            current: None,
            next_start: None,
            started_at: None,
            search: None,
            enum_port: Port::Ike,
            enum_group_hint: None,
            result: ProbeResult::default(),
            pending_invalid_ke: Vec::new(),
        }
    }

    pub fn config(&self) -> &ProbeConfig {
        &self.config
    }

    pub fn is_finished(&self) -> bool {
        matches!(self.stage, Stage::Done)
    }

    /// The port whose socket the runtime should read now.
    pub fn current_port(&self) -> Option<Port> {
        match self.current.as_ref()? {
            Current::Init { exchange, .. } => Some(if exchange.path().nat_t {
                Port::NatT
            } else {
                Port::Ike
            }),
            Current::Auth(auth) => Some(auth.port()),
        }
    }

    fn path(&self, port: Port) -> Path {
        match port {
            Port::Ike => Path {
                local: self.local_ike,
                remote: self.config.ike,
                nat_t: false,
            },
            Port::NatT => Path {
                local: self.local_nat_t,
                remote: self.config.nat_t,
                nat_t: true,
            },
        }
    }

    fn key(&mut self, group: DhGroup) -> Option<Arc<KeyPair>> {
        if let Some(k) = self.keys.get(&group) {
            return Some(k.clone());
        }
        let pair = Arc::new(KeyPair::generate(group).ok()?);
        self.keys.insert(group, pair.clone());
        Some(pair)
    }

    fn start_init(
        &mut self,
        port: Port,
        proposals: Vec<ike_wire::ProposalRepr>,
        group: DhGroup,
        purpose: Purpose,
        invalid_ke: u8,
    ) -> bool {
        if self.result.exchanges >= self.config.max_exchanges {
            return false;
        }
        let Some(keys) = self.key(group) else {
            return false;
        };
        let mut nonce = vec![0u8; 32];
        OsRng.fill_bytes(&mut nonce);
        let spec = ExchangeSpec {
            spi_i: OsRng.next_u64() | 1,
            nonce,
            proposals,
            keys,
            path: self.path(port),
        };
        self.result.exchanges += 1;
        self.current = Some(Current::Init {
            exchange: Box::new(Exchange::new(spec, self.config.retransmit.clone())),
            purpose,
            invalid_ke,
        });
        true
    }

    /// The next datagram to send now. Call until `None`, then wait for a datagram or
    /// [`Probe::poll_timeout`].
    pub fn poll_transmit(&mut self, now: Instant) -> Option<Transmit> {
        self.started_at.get_or_insert(now);
        loop {
            if self.current.is_none() {
                if self.is_finished() {
                    return None;
                }
                self.advance(now);
                if self.current.is_none() {
                    continue;
                }
            }
            // The rate bound applies to every new exchange, retries after INVALID_KE included.
            if self.fresh() {
                if let Some(at) = self.next_start {
                    if now < at {
                        return None;
                    }
                }
                self.next_start = Some(now + self.config.min_interval);
            }
            let port = self.current_port()?;
            let datagram = match self.current.as_mut()? {
                Current::Init { exchange, .. } => exchange.poll_transmit(now),
                Current::Auth(auth) => auth.poll_transmit(now),
            };
            if let Some(datagram) = datagram {
                self.result.datagrams_sent += 1;
                return Some(Transmit { port, datagram });
            }
            if self.current_finished() {
                self.complete_current(now);
                continue;
            }
            return None;
        }
    }

    /// The current exchange has not sent anything yet.
    fn fresh(&self) -> bool {
        match &self.current {
            Some(Current::Init { exchange, .. }) => exchange.datagrams_sent() == 0,
            Some(Current::Auth(auth)) => !auth.has_sent(),
            None => false,
        }
    }

    fn current_finished(&self) -> bool {
        match &self.current {
            Some(Current::Init { exchange, .. }) => exchange.is_finished(),
            Some(Current::Auth(auth)) => auth.is_finished(),
            None => false,
        }
    }

    /// When to call [`Probe::handle_timeout`] (or poll again).
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.fresh() {
            return self.next_start;
        }
        match &self.current {
            Some(Current::Init { exchange, .. }) => exchange.poll_timeout(),
            Some(Current::Auth(auth)) => auth.poll_timeout(),
            None if self.is_finished() => None,
            None => self.next_start,
        }
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        match self.current.as_mut() {
            Some(Current::Init { exchange, .. }) => exchange.handle_timeout(now),
            Some(Current::Auth(auth)) => auth.handle_timeout(now),
            None => {}
        }
        if self.current_finished() {
            self.complete_current(now);
        }
    }

    /// A datagram that arrived from the responder on `port`.
    pub fn handle_datagram(&mut self, port: Port, datagram: &[u8], now: Instant) {
        self.result.datagrams_received += 1;
        if self.current_port() != Some(port) {
            return;
        }
        match self.current.as_mut() {
            Some(Current::Init { exchange, .. }) => exchange.handle_datagram(datagram, now),
            Some(Current::Auth(auth)) => auth.handle_datagram(datagram, now),
            None => {}
        }
        if self.current_finished() {
            self.complete_current(now);
        }
    }

    /// An ICMP error reported on `port`'s socket.
    pub fn handle_unreachable(&mut self, port: Port, kind: Unreachable, now: Instant) {
        if self.current_port() != Some(port) {
            return;
        }
        match self.current.as_mut() {
            Some(Current::Init { exchange, .. }) => exchange.handle_unreachable(kind, now),
            Some(Current::Auth(auth)) => auth.handle_unreachable(kind, now),
            None => {}
        }
        if self.current_finished() {
            self.complete_current(now);
        }
    }

    fn complete_current(&mut self, now: Instant) {
        let Some(current) = self.current.take() else {
            return;
        };
        match current {
            Current::Auth(auth) => {
                self.result.auth = Some(auth.into_outcome());
                self.stage = Stage::Done;
            }
            Current::Init {
                mut exchange,
                purpose,
                invalid_ke,
            } => {
                let port = if exchange.path().nat_t {
                    Port::NatT
                } else {
                    Port::Ike
                };
                let group = exchange.spec().keys.group();
                for answer in exchange.answers() {
                    self.result.answers.push(AnswerRecord {
                        port,
                        purpose,
                        ke_group: group,
                        answer: answer.clone(),
                    });
                }
                let kind = exchange
                    .final_answer()
                    .map(|a| a.kind.clone())
                    .unwrap_or(AnswerKind::NoAnswer);
                let accepted = exchange.take_accepted();
                self.after_init(port, purpose, invalid_ke, kind, accepted, now);
            }
        }
    }

    fn after_init(
        &mut self,
        port: Port,
        purpose: Purpose,
        invalid_ke: u8,
        kind: AnswerKind,
        accepted: Option<Accepted>,
        now: Instant,
    ) {
        let _ = now;
        match purpose {
            Purpose::Reachability => {
                if let AnswerKind::InvalidKe {
                    requested: Some(group),
                } = kind
                {
                    self.pending_invalid_ke.push(group);
                    if invalid_ke < MAX_INVALID_KE && ike_dh::is_supported(group) {
                        let proposals = self.config.catalog.proposals(&self.config.catalog.all());
                        if self.start_init(port, proposals, group, purpose, invalid_ke + 1) {
                            return;
                        }
                    }
                }
                let result = PortResult {
                    kind,
                    accepted,
                    invalid_ke: std::mem::take(&mut self.pending_invalid_ke),
                };
                match port {
                    Port::Ike => {
                        self.result.ike = Some(result);
                        self.stage = Stage::Reach(Port::NatT);
                    }
                    Port::NatT => {
                        self.result.nat_t = Some(result);
                        self.stage = self.after_reachability();
                    }
                }
            }
            Purpose::Enumeration => {
                let result = match kind {
                    AnswerKind::Response => match accepted.as_ref().and_then(|a| a.suite) {
                        Some(suite) => QueryResult::Selected(suite),
                        None => QueryResult::Failed("a response without a usable SA".into()),
                    },
                    AnswerKind::NoProposalChosen => QueryResult::NoProposalChosen,
                    AnswerKind::InvalidKe { requested } => QueryResult::InvalidKe(requested),
                    other => QueryResult::Failed(other.label()),
                };
                if let Some(search) = self.search.as_mut() {
                    search.record(result);
                }
            }
            Purpose::EapIdentity => {
                match (kind, accepted) {
                    (AnswerKind::Response, Some(accepted)) => {
                        match AuthExchange::new(
                            accepted,
                            port,
                            self.path(port),
                            self.config.eap_identity.clone().unwrap_or_default(),
                            self.config.gateway_id.clone(),
                            self.config.retransmit.clone(),
                        ) {
                            Ok(auth) => {
                                self.result.exchanges += 1;
                                self.current = Some(Current::Auth(Box::new(auth)));
                                self.stage = Stage::Auth;
                            }
                            Err(why) => {
                                self.result.auth_skipped = Some(why);
                                self.stage = Stage::Done;
                            }
                        }
                        return;
                    }
                    (
                        AnswerKind::InvalidKe {
                            requested: Some(group),
                        },
                        _,
                    ) if invalid_ke < MAX_INVALID_KE && ike_dh::is_supported(group) => {
                        let proposals = self.auth_proposals();
                        if self.start_init(port, proposals, group, purpose, invalid_ke + 1) {
                            return;
                        }
                        self.result.auth_skipped = Some("exchange budget exhausted".into());
                    }
                    (other, _) => {
                        self.result.auth_skipped = Some(format!(
                            "IKE_SA_INIT with the algorithms the probe can encrypt with was answered with {}",
                            other.label()
                        ));
                    }
                }
                self.stage = Stage::Done;
            }
        }
    }

    fn after_reachability(&self) -> Stage {
        if self.config.enumerate && self.working_port().is_some() {
            Stage::Enumerate
        } else if self.config.eap_identity.is_some() {
            Stage::AuthInit
        } else {
            Stage::Done
        }
    }

    /// The port to continue on: the IKE port when it answered, else NAT-T.
    fn working_port(&self) -> Option<Port> {
        let answered = |r: &Option<PortResult>| r.as_ref().is_some_and(|r| r.answered());
        if answered(&self.result.ike) {
            Some(Port::Ike)
        } else if answered(&self.result.nat_t) {
            Some(Port::NatT)
        } else {
            None
        }
    }

    fn port_result(&self, port: Port) -> Option<&PortResult> {
        match port {
            Port::Ike => self.result.ike.as_ref(),
            Port::NatT => self.result.nat_t.as_ref(),
        }
    }

    /// The group to offer first: the one the responder chose or asked for.
    fn learned_group(&self) -> Option<DhGroup> {
        [Port::Ike, Port::NatT].iter().find_map(|p| {
            let r = self.port_result(*p)?;
            r.accepted
                .as_ref()
                .and_then(|a| a.suite.map(|s| s.dh))
                .or_else(|| r.invalid_ke.last().copied())
        })
    }

    fn auth_proposals(&self) -> Vec<ike_wire::ProposalRepr> {
        let catalog = crate::auth::encryptable(&self.config.catalog);
        catalog.proposals(&catalog.all())
    }

    /// Starts the next exchange of the current stage, or moves to the next stage.
    fn advance(&mut self, now: Instant) {
        loop {
            match self.stage {
                Stage::Done | Stage::Auth => return,
                Stage::Reach(port) => {
                    let group = self
                        .learned_group()
                        .filter(|g| ike_dh::is_supported(*g))
                        .unwrap_or(DhGroup::CURVE_25519);
                    let proposals = self.config.catalog.proposals(&self.config.catalog.all());
                    if self.start_init(port, proposals, group, Purpose::Reachability, 0) {
                        return;
                    }
                    self.stage = Stage::Done;
                }
                Stage::Enumerate => {
                    if self.search.is_none() {
                        let port = self.working_port().unwrap_or(Port::Ike);
                        self.enum_port = port;
                        let mut search = Search::new(
                            self.config.catalog.clone(),
                            self.config
                                .max_exchanges
                                .saturating_sub(self.result.exchanges),
                        );
                        // The reachability check offered the whole catalog: its answer is the
                        // search's first query.
                        if let Some(suite) = self
                            .port_result(port)
                            .and_then(|r| r.accepted.as_ref())
                            .and_then(|a| a.suite)
                        {
                            search.seed(suite);
                        }
                        self.enum_group_hint = self.learned_group();
                        self.search = Some(search);
                    }
                    let query = self.search.as_mut().and_then(|s| s.next_query());
                    if let Some(query) = query {
                        let port = self.enum_port;
                        if self.start_init(
                            port,
                            query.proposals,
                            query.ke_group,
                            Purpose::Enumeration,
                            0,
                        ) {
                            return;
                        }
                        if let Some(search) = self.search.as_mut() {
                            search.record(QueryResult::Failed("exchange budget exhausted".into()));
                        }
                    }
                    self.finish_enumeration();
                    self.stage = if self.config.eap_identity.is_some() {
                        Stage::AuthInit
                    } else {
                        Stage::Done
                    };
                }
                Stage::AuthInit => {
                    let Some(port) = self.working_port() else {
                        self.result.auth_skipped =
                            Some("the gateway answered on neither port".into());
                        self.stage = Stage::Done;
                        continue;
                    };
                    let group = self
                        .learned_group()
                        .filter(|g| ike_dh::is_supported(*g))
                        .unwrap_or(DhGroup::CURVE_25519);
                    let proposals = self.auth_proposals();
                    if self.start_init(port, proposals, group, Purpose::EapIdentity, 0) {
                        return;
                    }
                    self.result.auth_skipped = Some("exchange budget exhausted".into());
                    self.stage = Stage::Done;
                }
            }
            let _ = now;
        }
    }

    fn finish_enumeration(&mut self) {
        if let Some(search) = self.search.take() {
            let c = search.catalog();
            let aead = c.encr.iter().filter(|e| e.is_aead()).count() as u64;
            let plain = c.encr.len() as u64 - aead;
            let real_integ = c.integ.iter().filter(|i| **i != 0).count() as u64;
            let combinations = (plain * real_integ + aead) * c.prf.len() as u64 * c.dh.len() as u64;
            self.result.enumerated = Some(Enumerated {
                port: self.enum_port,
                suites: search.found().to_vec(),
                complete: search.is_complete(),
                queries: search.queries(),
                notes: search.notes().to_vec(),
                combinations,
            });
        }
    }

    /// The result so far (complete once [`Probe::is_finished`]).
    pub fn into_result(mut self, now: Instant) -> ProbeResult {
        self.finish_enumeration();
        if let Some(start) = self.started_at {
            self.result.elapsed = now.saturating_duration_since(start);
        }
        self.result
    }
}
