//! NAT detection from the NAT_DETECTION_SOURCE_IP / DESTINATION_IP hashes (RFC 7296 2.23):
//! each is SHA-1(SPIi | SPIr | IP address | port) of the address its sender believes in. Hashing
//! the addresses a capture saw tells whether an address was translated between the sender and
//! that capture point.
use std::net::{IpAddr, SocketAddr};

use ike_timeline::Locator;
use ike_wire::{ExchangeType, NotifyType};
use sha1::{Digest, Sha1};

use crate::context::SaContext;

pub fn natd_hash(spi_i: u64, spi_r: u64, addr: SocketAddr) -> [u8; 20] {
    let mut h = Sha1::new();
    h.update(spi_i.to_be_bytes());
    h.update(spi_r.to_be_bytes());
    match addr.ip() {
        IpAddr::V4(v4) => h.update(v4.octets()),
        IpAddr::V6(v6) => h.update(v6.octets()),
    }
    h.update(addr.port().to_be_bytes());
    h.finalize().into()
}

/// What one capture's IKE_SA_INIT exchange says about NAT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NatSighting {
    pub source: ike_timeline::SourceId,
    pub request_frame: Option<Locator>,
    pub response_frame: Option<Locator>,
    /// The initiator's own idea of its address matches what this capture saw.
    pub initiator_source_matches: Option<bool>,
    /// The responder's idea of the initiator's address matches what this capture saw.
    pub initiator_as_seen_by_responder_matches: Option<bool>,
    pub responder_source_matches: Option<bool>,
    pub responder_as_seen_by_initiator_matches: Option<bool>,
    /// Initiator address and port as this capture saw them.
    pub initiator_seen: SocketAddr,
    pub responder_seen: SocketAddr,
}

impl NatSighting {
    /// The initiator's address is translated somewhere on the path (or its NATD is faked to
    /// force UDP encapsulation).
    pub fn initiator_translated(&self) -> bool {
        self.initiator_source_matches == Some(false)
            || self.initiator_as_seen_by_responder_matches == Some(false)
    }
    pub fn responder_translated(&self) -> bool {
        self.responder_source_matches == Some(false)
            || self.responder_as_seen_by_initiator_matches == Some(false)
    }
}

fn matches(data: Option<&[u8]>, expected: [u8; 20]) -> Option<bool> {
    data.map(|d| d == expected)
}

/// One sighting per capture that saw a successful IKE_SA_INIT request with NATD payloads.
pub fn sightings(sa: &SaContext<'_, '_>) -> Vec<NatSighting> {
    let mut out: Vec<NatSighting> = Vec::new();
    let timeline = sa.timeline();
    for msg in &sa.msgs {
        if msg.m.exchange != ExchangeType::IKE_SA_INIT {
            continue;
        }
        // The same datagram as each capture saw it (addresses differ across a NAT).
        let sightings = std::iter::once(msg.index).chain(msg.seen_in.iter().copied());
        for index in sightings {
            let Some((event, m)) = timeline.ike(index) else {
                continue;
            };
            let src_hash = m.notify_data(NotifyType::NAT_DETECTION_SOURCE_IP);
            let dst_hash = m.notify_data(NotifyType::NAT_DETECTION_DESTINATION_IP);
            if src_hash.is_none() && dst_hash.is_none() {
                continue;
            }
            let existing = out.iter().position(|s| s.source == event.source());
            if !m.response {
                let sighting = NatSighting {
                    source: event.source(),
                    request_frame: Some(event.at()),
                    response_frame: None,
                    initiator_source_matches: matches(src_hash, natd_hash(m.spi_i, 0, m.src())),
                    responder_as_seen_by_initiator_matches: matches(
                        dst_hash,
                        natd_hash(m.spi_i, 0, m.dst()),
                    ),
                    initiator_as_seen_by_responder_matches: None,
                    responder_source_matches: None,
                    initiator_seen: m.src(),
                    responder_seen: m.dst(),
                };
                match existing {
                    Some(i) => out[i] = sighting,
                    None => out.push(sighting),
                }
            } else if m.spi_r != 0 {
                if let Some(s) = existing.and_then(|i| out.get_mut(i)) {
                    s.response_frame = Some(event.at());
                    s.responder_source_matches =
                        matches(src_hash, natd_hash(m.spi_i, m.spi_r, m.src()));
                    s.initiator_as_seen_by_responder_matches =
                        matches(dst_hash, natd_hash(m.spi_i, m.spi_r, m.dst()));
                }
            }
        }
    }
    out
}

/// A short description of what the hashes say, for findings.
pub fn describe(sightings: &[NatSighting], timeline: &ike_timeline::Timeline) -> Option<String> {
    let mut parts = Vec::new();
    for s in sightings {
        let name = timeline.source_name(s.source);
        if s.initiator_translated() {
            parts.push(format!(
                "{name}: the initiator's address ({} here) is translated between the peers (NAT), or its NAT detection is faked to force UDP encapsulation",
                s.initiator_seen
            ));
        }
        if s.responder_translated() {
            parts.push(format!(
                "{name}: the responder's address ({} here) is translated (the gateway is behind NAT or port forwarding)",
                s.responder_seen
            ));
        }
    }
    if sightings.len() >= 2 {
        // Same initiator address at both capture points yet a "translated" verdict: nothing
        // translated it, so the initiator forces encapsulation.
        let same_initiator = sightings
            .windows(2)
            .all(|w| w[0].initiator_seen == w[1].initiator_seen);
        if same_initiator && sightings.iter().any(|s| s.initiator_translated()) {
            parts.push("both captures see the initiator at the same address: no NAT between them, so UDP encapsulation is forced without NAT".into());
        }
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_sha1_of_spis_address_port() {
        let addr: SocketAddr = "192.0.2.1:500".parse().unwrap();
        let mut h = Sha1::new();
        h.update([1, 2, 3, 4, 5, 6, 7, 8]);
        h.update([0u8; 8]);
        h.update([192, 0, 2, 1]);
        h.update([0x01, 0xf4]);
        let expected: [u8; 20] = h.finalize().into();
        assert_eq!(natd_hash(0x0102030405060708, 0, addr), expected);
    }
}
