//! `ike-doctor probe`: tests an IKEv2 gateway from the outside.
//!
//! Often all a user has is a server address and a client saying "the server did not respond".
//! The probe acts as an IKEv2 initiator and finds out in a few seconds what the gateway accepts
//! and where the path breaks: reachability on UDP 500 and 4500 (with the non-ESP marker), each
//! answer classified (response, NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD and the group asked for,
//! COOKIE, which it answers, no answer, ICMP unreachable), NAT detection from the responder's
//! NAT_DETECTION payloads, Vendor IDs, FRAGMENTATION_SUPPORTED, SIGNATURE_HASH_ALGORITHMS,
//! REDIRECT and other notifies; `--enumerate` finds every accepted IKE suite with few exchanges
//! ([`search`]); `--eap-identity` goes on into IKE_AUTH to retrieve the gateway's identity and
//! certificate chain without sending any credential ([`auth`]).
//!
//! Layout: [`exchange`] (one IKE_SA_INIT, sans-IO), [`probe`] (the sequence of exchanges,
//! sans-IO), [`search`] (the enumeration), [`auth`] (IKE_AUTH), [`report`] (verdict, JSON, text)
//! and [`runtime`] (the only code with sockets). Tests drive the state machines with
//! constructed byte sequences; integration tests run them against real strongSwan and
//! Libreswan responders in network namespaces.
//!
//! Bounds (see [`Options`]): one exchange in flight, at most `rate` new exchanges per second,
//! each request sent at most `retries` times with doubling waits, at most `max_exchanges`
//! exchanges and [`runtime::MAX_RUN_TIME`] in all; only the resolved address of the named host
//! is ever sent to.

pub mod algorithms;
pub mod auth;
pub mod certs;
pub mod exchange;
pub mod message;
pub mod probe;
pub mod report;
pub mod runtime;
pub mod search;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use probe::{Port, Probe, ProbeConfig, ProbeResult};
pub use report::ProbeReport;

/// What the command line can set.
#[derive(Debug, Clone)]
pub struct Options {
    pub enumerate: bool,
    pub eap_identity: Option<String>,
    /// Transmissions of each request (1..=8).
    pub retries: u8,
    /// Wait after the first transmission; doubles after each retransmission.
    pub timeout: Duration,
    /// New exchanges per second (1..=50).
    pub rate: u32,
    /// Exchanges in all (1..=1000).
    pub max_exchanges: u32,
    pub nat_t_port: u16,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            enumerate: false,
            eap_identity: None,
            retries: 3,
            timeout: Duration::from_millis(500),
            rate: 10,
            max_exchanges: 100,
            nat_t_port: 4500,
        }
    }
}

/// Resolves `target` (`HOST[:PORT]`), probes it and builds the report.
pub fn run(target: &str, options: &Options) -> Result<ProbeReport, String> {
    let (host, addr) = runtime::resolve(target, 500)?;
    let mut config = ProbeConfig::new(addr);
    config.nat_t = std::net::SocketAddr::new(addr.ip(), options.nat_t_port);
    config.retransmit = exchange::Retransmit::doubling(options.retries, options.timeout);
    config.min_interval = Duration::from_millis(1000 / u64::from(options.rate.clamp(1, 50)));
    config.max_exchanges = options.max_exchanges.clamp(1, 1000);
    config.enumerate = options.enumerate;
    config.eap_identity = options.eap_identity.clone();
    config.gateway_id = host
        .parse::<std::net::IpAddr>()
        .is_err()
        .then(|| host.clone());
    let result = runtime::run(config.clone())?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    Ok(report::build(&host, &config, &result, now))
}
