//! IKE_SA_INIT requests the probe sends, and what a response says.
use std::net::{IpAddr, SocketAddr};

use ike_wire::{
    DhGroup, ExchangeType, HeaderRepr, MessageRepr, NotifyRepr, NotifyType, Payload, PayloadRepr,
    PayloadType, ProposalRepr, ProtocolId,
};
use sha1::{Digest, Sha1};

/// Flags byte of a request from the original initiator.
pub const FLAG_INITIATOR: u8 = 0x08;

/// The four zero bytes that precede IKE on UDP 4500 (RFC 3948 section 2.2).
pub const NON_ESP_MARKER: [u8; 4] = [0; 4];

/// RFC 7427 hash algorithms the probe announces: SHA2-256, SHA2-384, SHA2-512, identity.
const SIGNATURE_HASHES: [u16; 4] = [2, 3, 4, 5];

/// NAT_DETECTION_*_IP data: SHA-1(SPIi | SPIr | IP | port) (RFC 7296 section 2.23).
pub fn natd_hash(spi_i: u64, spi_r: u64, addr: SocketAddr) -> [u8; 20] {
    let mut h = Sha1::new();
    h.update(spi_i.to_be_bytes());
    h.update(spi_r.to_be_bytes());
    match addr.ip() {
        IpAddr::V4(ip) => h.update(ip.octets()),
        IpAddr::V6(ip) => h.update(ip.octets()),
    }
    h.update(addr.port().to_be_bytes());
    h.finalize().into()
}

fn notify(notify_type: NotifyType, data: Vec<u8>) -> Payload {
    Payload {
        critical: false,
        body: PayloadRepr::Notify(NotifyRepr {
            protocol: ProtocolId::NONE,
            spi: Vec::new(),
            notify_type,
            data,
        }),
    }
}

/// What goes into one IKE_SA_INIT request.
#[derive(Debug, Clone)]
pub struct InitRequest<'a> {
    pub spi_i: u64,
    pub proposals: &'a [ProposalRepr],
    pub ke_group: DhGroup,
    pub ke_data: &'a [u8],
    pub nonce: &'a [u8],
    pub cookie: Option<&'a [u8]>,
    /// Our address and the responder's as our socket sees them (for NATD).
    pub local: SocketAddr,
    pub remote: SocketAddr,
}

impl InitRequest<'_> {
    /// The IKE message (without a non-ESP marker). A COOKIE comes first (RFC 7296 section
    /// 2.6); then SA, KE, Ni, the NAT detection notifies, and the capabilities a modern client
    /// announces, so that the responder answers with its own.
    pub fn to_message(&self) -> MessageRepr {
        let mut payloads = Vec::new();
        if let Some(cookie) = self.cookie {
            payloads.push(notify(NotifyType::COOKIE, cookie.to_vec()));
        }
        payloads.push(Payload {
            critical: false,
            body: PayloadRepr::SecurityAssociation(self.proposals.to_vec()),
        });
        payloads.push(Payload {
            critical: false,
            body: PayloadRepr::KeyExchange {
                group: self.ke_group,
                data: self.ke_data.to_vec(),
            },
        });
        payloads.push(Payload {
            critical: false,
            body: PayloadRepr::Nonce(self.nonce.to_vec()),
        });
        payloads.push(notify(
            NotifyType::NAT_DETECTION_SOURCE_IP,
            natd_hash(self.spi_i, 0, self.local).to_vec(),
        ));
        payloads.push(notify(
            NotifyType::NAT_DETECTION_DESTINATION_IP,
            natd_hash(self.spi_i, 0, self.remote).to_vec(),
        ));
        payloads.push(notify(NotifyType::FRAGMENTATION_SUPPORTED, Vec::new()));
        let hashes = SIGNATURE_HASHES
            .iter()
            .flat_map(|h| h.to_be_bytes())
            .collect();
        payloads.push(notify(NotifyType::SIGNATURE_HASH_ALGORITHMS, hashes));
        payloads.push(notify(NotifyType::REDIRECT_SUPPORTED, Vec::new()));
        let mut message = MessageRepr {
            header: HeaderRepr {
                spi_i: self.spi_i,
                spi_r: 0,
                next_payload: PayloadType::NONE,
                major_version: 2,
                minor_version: 0,
                exchange: ExchangeType::IKE_SA_INIT,
                flags: FLAG_INITIATOR,
                message_id: 0,
                length: 0,
            },
            payloads,
        };
        message.canonicalize_header();
        message
    }
}

/// The notifies of a message, in order.
pub fn notifies(message: &MessageRepr) -> impl Iterator<Item = &NotifyRepr> {
    message.payloads.iter().filter_map(|p| match &p.body {
        PayloadRepr::Notify(n) => Some(n),
        _ => None,
    })
}

pub fn find_notify(message: &MessageRepr, notify_type: NotifyType) -> Option<&NotifyRepr> {
    notifies(message).find(|n| n.notify_type == notify_type)
}

/// The group an INVALID_KE_PAYLOAD notify asks for (2 bytes of data).
pub fn requested_group(notify: &NotifyRepr) -> Option<DhGroup> {
    match notify.data.as_slice() {
        [a, b] => Some(DhGroup(u16::from_be_bytes([*a, *b]))),
        _ => None,
    }
}

/// The RFC 7427 hash algorithm names of a SIGNATURE_HASH_ALGORITHMS notify.
pub fn signature_hash_names(data: &[u8]) -> Vec<String> {
    data.chunks_exact(2)
        .map(|c| match u16::from_be_bytes([c[0], c[1]]) {
            1 => "SHA1".to_string(),
            2 => "SHA2_256".to_string(),
            3 => "SHA2_384".to_string(),
            4 => "SHA2_512".to_string(),
            5 => "IDENTITY".to_string(),
            6 => "STREEBOG_256".to_string(),
            7 => "STREEBOG_512".to_string(),
            other => other.to_string(),
        })
        .collect()
}

/// A REDIRECT notify's new gateway (RFC 5685 section 9.1): GW ident type, length, ident, nonce.
pub fn redirect_target(data: &[u8]) -> String {
    match data {
        [1, 4, a, b, c, d, ..] => format!("{a}.{b}.{c}.{d}"),
        [5, 16, rest @ ..] if rest.len() >= 16 => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(&rest[..16]);
            std::net::Ipv6Addr::from(octets).to_string()
        }
        [2, len, rest @ ..] if rest.len() >= usize::from(*len) => {
            String::from_utf8_lossy(&rest[..usize::from(*len)]).into_owned()
        }
        _ => format!("(unparsed, {} bytes)", data.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_round_trips_and_has_cookie_first() {
        let proposals = crate::algorithms::Catalog::standard();
        let proposals = proposals.proposals(&proposals.all());
        let req = InitRequest {
            spi_i: 0x1122334455667788,
            proposals: &proposals,
            ke_group: DhGroup::CURVE_25519,
            ke_data: &[9; 32],
            nonce: &[7; 32],
            cookie: Some(&[1, 2, 3, 4]),
            local: "10.0.0.1:5000".parse().unwrap(),
            remote: "10.0.0.2:500".parse().unwrap(),
        };
        let message = req.to_message();
        let bytes = message.to_bytes();
        assert!(bytes.len() < 1280, "{} bytes", bytes.len());
        let parsed = MessageRepr::parse(&bytes).unwrap();
        assert_eq!(parsed, message);
        assert_eq!(
            parsed.payload_names()[0],
            "N(COOKIE)",
            "{:?}",
            parsed.payload_names()
        );
    }

    #[test]
    fn redirect_and_hash_decoding() {
        assert_eq!(redirect_target(&[1, 4, 192, 0, 2, 7, 0xaa]), "192.0.2.7");
        assert_eq!(redirect_target(&[2, 3, b'g', b'w', b'2']), "gw2");
        assert_eq!(redirect_target(&[9]), "(unparsed, 1 bytes)");
        assert_eq!(
            signature_hash_names(&[0, 2, 0, 3, 0, 99, 1]),
            ["SHA2_256", "SHA2_384", "99"]
        );
    }
}
