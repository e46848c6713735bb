//! The sans-IO state machines driven by constructed byte sequences: no sockets, a fake clock.
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ike_probe::exchange::{AnswerKind, Unreachable};
use ike_probe::message::natd_hash;
use ike_probe::probe::{Port, Probe, ProbeConfig};
use ike_wire::{
    DhGroup, ExchangeType, HeaderRepr, MessageRepr, NotifyRepr, NotifyType, Payload, PayloadRepr,
    PayloadType, ProposalRepr, ProtocolId, TransformRepr, TransformType,
};

const GW: &str = "192.0.2.1:500";
const LOCAL: &str = "198.51.100.7:40000";
const LOCAL_NAT_T: &str = "198.51.100.7:40001";

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

fn probe(enumerate: bool) -> Probe {
    let mut config = ProbeConfig::new(addr(GW));
    config.enumerate = enumerate;
    Probe::new(config, addr(LOCAL), addr(LOCAL_NAT_T))
}

fn notify(t: NotifyType, data: Vec<u8>) -> Payload {
    Payload {
        critical: false,
        body: PayloadRepr::Notify(NotifyRepr {
            protocol: ProtocolId::NONE,
            spi: Vec::new(),
            notify_type: t,
            data,
        }),
    }
}

fn request_of(datagram: &[u8]) -> MessageRepr {
    MessageRepr::parse(datagram.strip_prefix(&[0u8; 4][..]).unwrap_or(datagram)).unwrap()
}

fn response(request: &[u8], spi_r: u64, payloads: Vec<Payload>) -> Vec<u8> {
    let req = request_of(request);
    let mut m = MessageRepr {
        header: HeaderRepr {
            spi_i: req.header.spi_i,
            spi_r,
            next_payload: PayloadType::NONE,
            major_version: 2,
            minor_version: 0,
            exchange: ExchangeType::IKE_SA_INIT,
            flags: 0x20,
            message_id: 0,
            length: 0,
        },
        payloads,
    };
    m.canonicalize_header();
    m.to_bytes()
}

fn transform(transform_type: TransformType, id: u16, key_length: Option<u16>) -> TransformRepr {
    TransformRepr {
        transform_type,
        id,
        key_length,
        other_attributes: vec![],
    }
}

/// A response selecting AES_CBC_256/SHA2_256 in the request's KE group, with NATD computed
/// over `seen_source` (how the responder saw us) and `own` (its own address).
fn accept(
    request: &[u8],
    seen_source: SocketAddr,
    own: SocketAddr,
    extra: Vec<Payload>,
) -> Vec<u8> {
    let req = request_of(request);
    let (group, len) = req
        .payloads
        .iter()
        .find_map(|p| match &p.body {
            PayloadRepr::KeyExchange { group, data } => Some((*group, data.len())),
            _ => None,
        })
        .unwrap();
    let spi_r = 0xabcdef;
    let spi_i = req.header.spi_i;
    let mut payloads = vec![
        Payload {
            critical: false,
            body: PayloadRepr::SecurityAssociation(vec![ProposalRepr {
                number: 1,
                protocol: ProtocolId::IKE,
                spi: vec![],
                transforms: vec![
                    transform(TransformType::ENCR, 12, Some(256)),
                    transform(TransformType::PRF, 5, None),
                    transform(TransformType::INTEG, 12, None),
                    transform(TransformType::KE, group.0, None),
                ],
            }]),
        },
        Payload {
            critical: false,
            body: PayloadRepr::KeyExchange {
                group,
                data: vec![7; len],
            },
        },
        Payload {
            critical: false,
            body: PayloadRepr::Nonce(vec![1; 32]),
        },
        notify(
            NotifyType::NAT_DETECTION_SOURCE_IP,
            natd_hash(spi_i, spi_r, own).to_vec(),
        ),
        notify(
            NotifyType::NAT_DETECTION_DESTINATION_IP,
            natd_hash(spi_i, spi_r, seen_source).to_vec(),
        ),
    ];
    payloads.extend(extra);
    response(request, spi_r, payloads)
}

#[test]
fn invalid_ke_then_cookie_then_response_then_silent_nat_t() {
    let mut p = probe(false);
    let mut now = Instant::now();
    // 1: Curve25519 first; the gateway wants MODP_2048.
    let t = p.poll_transmit(now).unwrap();
    assert_eq!(t.port, Port::Ike);
    let req = request_of(&t.datagram);
    assert_eq!(req.header.exchange, ExchangeType::IKE_SA_INIT);
    assert!(p.poll_transmit(now).is_none(), "one datagram per step");
    let invalid_ke = notify(NotifyType::INVALID_KE_PAYLOAD, 14u16.to_be_bytes().to_vec());
    p.handle_datagram(Port::Ike, &response(&t.datagram, 0, vec![invalid_ke]), now);
    // 2: a new request in MODP_2048, after the rate interval.
    assert!(p.poll_transmit(now).is_none(), "rate bound");
    now += Duration::from_millis(100);
    let t = p.poll_transmit(now).unwrap();
    let req2 = request_of(&t.datagram);
    assert_ne!(req2.header.spi_i, req.header.spi_i);
    assert!(req2.payloads.iter().any(|p| matches!(&p.body,
        PayloadRepr::KeyExchange { group, data } if *group == DhGroup::MODP_2048 && data.len() == 256)));
    // COOKIE: the same request again, the cookie first.
    let cookie = notify(NotifyType::COOKIE, vec![0x55; 16]);
    p.handle_datagram(Port::Ike, &response(&t.datagram, 0, vec![cookie]), now);
    let t = p.poll_transmit(now).unwrap();
    let req3 = request_of(&t.datagram);
    assert_eq!(req3.header.spi_i, req2.header.spi_i);
    assert_eq!(req3.payload_names()[0], "N(COOKIE)");
    // An unrelated datagram is ignored.
    p.handle_datagram(Port::Ike, &[0u8; 40], now);
    let frag = notify(NotifyType::FRAGMENTATION_SUPPORTED, vec![]);
    p.handle_datagram(
        Port::Ike,
        &accept(&t.datagram, addr(LOCAL), addr(GW), vec![frag]),
        now,
    );
    // 3: NAT-T with the marker; no answer: 3 transmissions, then done.
    now += Duration::from_millis(100);
    let t = p.poll_transmit(now).unwrap();
    assert_eq!(t.port, Port::NatT);
    assert_eq!(&t.datagram[..4], &[0, 0, 0, 0]);
    let mut sent = 1;
    for _ in 0..10 {
        now = p.poll_timeout().unwrap();
        p.handle_timeout(now);
        if p.is_finished() {
            break;
        }
        if p.poll_transmit(now).is_some() {
            sent += 1;
        }
    }
    assert_eq!(sent, 3);
    assert!(p.is_finished());
    let result = p.into_result(now);
    let kinds: Vec<String> = result
        .answers
        .iter()
        .map(|a| a.answer.kind.label())
        .collect();
    assert_eq!(
        kinds,
        ["INVALID_KE_PAYLOAD", "COOKIE", "response", "no-answer"]
    );
    assert!(matches!(
        result.nat_t.as_ref().unwrap().kind,
        AnswerKind::NoAnswer
    ));
    let nat = result.ike.as_ref().unwrap().accepted.as_ref().unwrap().nat;
    assert_eq!(nat.prober_behind_nat, Some(false));
    assert_eq!(nat.gateway_behind_nat, Some(false));
    let report = ike_probe::report::build("gw", &ProbeConfig::new(addr(GW)), &result, 0);
    assert!(report.reachable.udp500 && !report.reachable.udp4500);
    assert_eq!(report.fragmentation, Some(true));
    assert_eq!(
        report.answers[0].requested_group.as_deref(),
        Some("MODP_2048")
    );
    // Not behind NAT: a silent 4500 is a finding but not a failure.
    assert_eq!(report.exit_code(), 0);
    assert_eq!(report.findings[0].category.as_str(), "nat");
}

#[test]
fn nat_detected_from_a_mismatching_destination_hash() {
    let mut p = probe(false);
    let now = Instant::now();
    let t = p.poll_transmit(now).unwrap();
    // The gateway saw us as 203.0.113.9:1024 (a NAT rewrote the source).
    let seen: SocketAddr = "203.0.113.9:1024".parse().unwrap();
    p.handle_datagram(Port::Ike, &accept(&t.datagram, seen, addr(GW), vec![]), now);
    let result = p.into_result(now);
    let nat = result.ike.unwrap().accepted.unwrap().nat;
    assert_eq!(nat.prober_behind_nat, Some(true));
    assert_eq!(nat.gateway_behind_nat, Some(false));
}

#[test]
fn silence_everywhere_is_a_udp_blocked_verdict() {
    let mut p = probe(true);
    let mut now = Instant::now();
    let mut sent = 0;
    for _ in 0..100 {
        while p.poll_transmit(now).is_some() {
            sent += 1;
        }
        if p.is_finished() {
            break;
        }
        now = p.poll_timeout().unwrap();
        p.handle_timeout(now);
    }
    assert!(p.is_finished());
    assert_eq!(sent, 6, "3 per port, no enumeration without an answer");
    let result = p.into_result(now);
    let report = ike_probe::report::build("gw", &ProbeConfig::new(addr(GW)), &result, 0);
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["verdict"]["outcome"], "failed");
    assert_eq!(json["verdict"]["phase"], "IKE_SA_INIT");
    assert_eq!(json["verdict"]["category"], "udp-blocked");
    assert_eq!(json["reachable"]["udp500"], false);
    assert_eq!(report.exit_code(), 1);
}

#[test]
fn no_proposal_and_icmp_unreachable_are_classified() {
    let mut p = probe(false);
    let now = Instant::now();
    let t = p.poll_transmit(now).unwrap();
    let npc = notify(NotifyType::NO_PROPOSAL_CHOSEN, vec![]);
    p.handle_datagram(Port::Ike, &response(&t.datagram, 0, vec![npc]), now);
    let later = now + Duration::from_millis(100);
    assert!(p.poll_transmit(later).is_some());
    p.handle_unreachable(Port::NatT, Unreachable::Port, later);
    assert!(p.poll_transmit(later).is_none());
    assert!(p.is_finished());
    let result = p.into_result(later);
    let report = ike_probe::report::build("gw", &ProbeConfig::new(addr(GW)), &result, 0);
    assert_eq!(report.answers[0].answer, "NO_PROPOSAL_CHOSEN");
    assert_eq!(report.answers[1].answer, "icmp-unreachable");
    assert_eq!(report.verdict.category.unwrap().as_str(), "proposal-ike");
}

#[test]
fn hostile_answers_never_panic() {
    let now = Instant::now();
    let mut p = probe(false);
    let t = p.poll_transmit(now).unwrap();
    let good = accept(&t.datagram, addr(LOCAL), addr(GW), vec![]);
    for cut in 0..good.len() {
        let mut q = probe(false);
        let t = q.poll_transmit(now).unwrap();
        let mut bytes = accept(&t.datagram, addr(LOCAL), addr(GW), vec![]);
        bytes.truncate(cut);
        q.handle_datagram(Port::Ike, &bytes, now);
        for flip in [17usize, 28, 31, 33, 40, cut] {
            let mut b = accept(&t.datagram, addr(LOCAL), addr(GW), vec![]);
            if let Some(x) = b.get_mut(flip) {
                *x ^= 0xff;
            }
            q.handle_datagram(Port::Ike, &b, now);
        }
    }
    p.handle_datagram(Port::Ike, &good, now);
    assert!(p.into_result(now).ike.is_some());
}
