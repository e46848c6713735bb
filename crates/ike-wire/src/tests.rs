//! Whole-message tests: a strongSwan-style IKE_SA_INIT built byte by byte, one test per
//! payload kind, malformed input, and property tests for round trips and robustness.

use proptest::prelude::*;

use crate::*;

/// A generic payload: next payload, flags, length, body.
fn gp(next: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![next, 0];
    out.extend_from_slice(&((body.len() + 4) as u16).to_be_bytes());
    out.extend_from_slice(body);
    out
}

fn transform(last: bool, ty: u8, id: u16, attrs: &[u8]) -> Vec<u8> {
    let mut out = vec![if last { 0 } else { 3 }, 0];
    out.extend_from_slice(&((8 + attrs.len()) as u16).to_be_bytes());
    out.extend_from_slice(&[ty, 0]);
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(attrs);
    out
}

fn notify(ty: u16, data: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0];
    out.extend_from_slice(&ty.to_be_bytes());
    out.extend_from_slice(data);
    out
}

fn message(exchange: u8, flags: u8, first: u8, payloads: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0x1122334455667788u64.to_be_bytes());
    out.extend_from_slice(&0u64.to_be_bytes());
    out.extend_from_slice(&[first, 0x20, exchange, flags]);
    out.extend_from_slice(&0u32.to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    for p in payloads {
        out.extend_from_slice(p);
    }
    let len = out.len() as u32;
    out[24..28].copy_from_slice(&len.to_be_bytes());
    out
}

/// IKE_SA_INIT request as strongSwan 5.9 sends it with
/// `proposals = aes256-sha256-modp2048` (RFC 7296 layout, field by field).
fn strongswan_sa_init() -> Vec<u8> {
    let mut proposal_body = vec![1, 1, 0, 4]; // number, IKE, SPI size, 4 transforms
    proposal_body.extend(transform(false, 1, 12, &[0x80, 0x0e, 0x01, 0x00]));
    proposal_body.extend(transform(false, 3, 12, &[]));
    proposal_body.extend(transform(false, 2, 5, &[]));
    proposal_body.extend(transform(true, 4, 14, &[]));
    let mut sa = vec![0, 0];
    sa.extend_from_slice(&((proposal_body.len() + 4) as u16).to_be_bytes());
    sa.extend(proposal_body);

    let mut ke = vec![0, 14, 0, 0];
    ke.extend((0..256).map(|i| i as u8));
    let nonce: Vec<u8> = (0..32).map(|i| 0xa0 ^ i as u8).collect();
    let hash_alg = [0, 2, 0, 3, 0, 4, 0, 5];
    message(
        34,
        0x08,
        33,
        &[
            gp(34, &sa),
            gp(40, &ke),
            gp(41, &nonce),
            gp(41, &notify(16388, &[0x11; 20])),
            gp(41, &notify(16389, &[0x22; 20])),
            gp(41, &notify(16430, &[])),
            gp(41, &notify(16431, &hash_alg)),
            gp(0, &notify(16406, &[])),
        ],
    )
}

#[test]
fn parses_strongswan_ike_sa_init() {
    let bytes = strongswan_sa_init();
    let m = MessageRepr::parse(&bytes).unwrap();
    assert_eq!(m.header.exchange, ExchangeType::IKE_SA_INIT);
    assert!(m.header.is_initiator());
    assert!(!m.header.is_response());
    assert_eq!(m.header.length as usize, bytes.len());
    assert_eq!(
        m.payload_names(),
        [
            "SA",
            "KE",
            "No",
            "N(NATD_S_IP)",
            "N(NATD_D_IP)",
            "N(FRAG_SUP)",
            "N(HASH_ALG)",
            "N(REDIR_SUP)"
        ]
    );
    let PayloadRepr::SecurityAssociation(proposals) = &m.payloads[0].body else {
        panic!("first payload is not SA");
    };
    assert_eq!(
        proposals[0].to_string(),
        "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048"
    );
    let PayloadRepr::KeyExchange { group, data } = &m.payloads[1].body else {
        panic!()
    };
    assert_eq!(*group, DhGroup::MODP_2048);
    assert_eq!(data.len(), 256);
    assert_eq!(m.to_bytes(), bytes, "canonical bytes re-emit identically");
    assert_eq!(m.buffer_len(), bytes.len());
    assert_eq!(header(&bytes).unwrap(), m.header);
}

#[test]
fn ikev1_is_recognised_not_parsed() {
    let mut bytes = strongswan_sa_init();
    bytes[17] = 0x10;
    bytes[18] = 2; // Main Mode
    assert_eq!(peek_version(&bytes), Some((1, 0)));
    let h = header(&bytes).unwrap();
    assert_eq!((h.major_version, h.minor_version), (1, 0));
    assert_eq!(h.exchange.ikev1_name(), Some("ID_PROT"));
    let err = MessageRepr::parse(&bytes).unwrap_err();
    assert_eq!(err.kind, WireErrorKind::NotIkev2 { major: 1, minor: 0 });
    assert!(header(&bytes[..27]).is_err());
}

fn one(body: PayloadRepr) -> MessageRepr {
    let mut m = MessageRepr {
        header: HeaderRepr {
            spi_i: 1,
            spi_r: 2,
            next_payload: PayloadType::NONE,
            major_version: 2,
            minor_version: 0,
            exchange: ExchangeType::IKE_AUTH,
            flags: 0x20,
            message_id: 1,
            length: 0,
        },
        payloads: vec![Payload {
            critical: false,
            body,
        }],
    };
    m.canonicalize_header();
    m
}

/// Round-trips `body` and returns the emitted payload body (after the generic header).
fn round_trip(body: PayloadRepr) -> Vec<u8> {
    let m = one(body);
    let bytes = m.to_bytes();
    assert_eq!(MessageRepr::parse(&bytes).unwrap(), m);
    bytes[32..].to_vec()
}

#[test]
fn payload_key_exchange() {
    let body = round_trip(PayloadRepr::KeyExchange {
        group: DhGroup::CURVE_25519,
        data: vec![7; 32],
    });
    assert_eq!(&body[..4], &[0, 31, 0, 0]);
}

#[test]
fn payload_identification() {
    let id = IdRepr {
        id_type: IdType::FQDN,
        data: b"vpn.example.org".to_vec(),
    };
    let body = round_trip(PayloadRepr::IdentificationI(id.clone()));
    assert_eq!(&body[..4], &[2, 0, 0, 0]);
    round_trip(PayloadRepr::IdentificationR(id));
}

#[test]
fn payload_cert_certreq_auth() {
    let body = round_trip(PayloadRepr::Certificate {
        encoding: CertEncoding::X509_SIGNATURE,
        data: vec![0x30, 0x82],
    });
    assert_eq!(body, [4, 0x30, 0x82]);
    round_trip(PayloadRepr::CertificateRequest {
        encoding: CertEncoding::X509_SIGNATURE,
        data: vec![9; 40],
    });
    let body = round_trip(PayloadRepr::Authentication {
        method: AuthMethod::PSK,
        data: vec![1; 32],
    });
    assert_eq!(&body[..4], &[2, 0, 0, 0]);
}

#[test]
fn payload_nonce_vendor_unknown() {
    round_trip(PayloadRepr::Nonce(vec![5; 32]));
    round_trip(PayloadRepr::VendorId(b"CISCO-DELETE-REASON".to_vec()));
    let m = one(PayloadRepr::Unknown {
        payload_type: PayloadType(200),
        data: vec![1, 2, 3],
    });
    let mut m2 = m.clone();
    m2.payloads[0].critical = true;
    for m in [m, m2] {
        assert_eq!(MessageRepr::parse(&m.to_bytes()).unwrap(), m);
    }
}

#[test]
fn payload_notify_with_spi() {
    let n = NotifyRepr {
        protocol: ProtocolId::ESP,
        spi: vec![1, 2, 3, 4],
        notify_type: NotifyType::REKEY_SA,
        data: vec![],
    };
    let body = round_trip(PayloadRepr::Notify(n));
    assert_eq!(body, [3, 4, 0x40, 0x09, 1, 2, 3, 4]);
}

#[test]
fn payload_delete() {
    let d = DeleteRepr {
        protocol: ProtocolId::ESP,
        spi_size: 4,
        spis: vec![vec![1; 4], vec![2; 4]],
    };
    let body = round_trip(PayloadRepr::Delete(d));
    assert_eq!(&body[..4], &[3, 4, 0, 2]);
    round_trip(PayloadRepr::Delete(DeleteRepr {
        protocol: ProtocolId::IKE,
        spi_size: 0,
        spis: vec![],
    }));
}

#[test]
fn payload_traffic_selectors() {
    let v4 = TrafficSelectorRepr {
        ts_type: TsType::IPV4_ADDR_RANGE,
        ip_protocol: 0,
        start_port: 0,
        end_port: 65535,
        start_address: vec![10, 0, 0, 0],
        end_address: vec![10, 0, 0, 255],
    };
    let v6 = TrafficSelectorRepr {
        ts_type: TsType::IPV6_ADDR_RANGE,
        ip_protocol: 17,
        start_port: 500,
        end_port: 500,
        start_address: vec![0; 16],
        end_address: vec![0xff; 16],
    };
    let body = round_trip(PayloadRepr::TrafficSelectorsI(vec![v4.clone(), v6]));
    assert_eq!(&body[..8], &[2, 0, 0, 0, 7, 0, 0, 16]);
    round_trip(PayloadRepr::TrafficSelectorsR(vec![v4]));
    let label = TrafficSelectorRepr {
        ts_type: TsType::SECLABEL,
        ip_protocol: 0,
        start_port: 0,
        end_port: 0,
        start_address: b"system_u:object_r:ipsec_spd_t:s0".to_vec(),
        end_address: vec![],
    };
    round_trip(PayloadRepr::TrafficSelectorsR(vec![label]));
}

#[test]
fn payload_encrypted_and_fragment() {
    let m = one(PayloadRepr::Encrypted {
        first_inner: PayloadType::IDI,
        data: vec![0xee; 64],
    });
    let bytes = m.to_bytes();
    assert_eq!(
        bytes[28],
        PayloadType::IDI.0,
        "SK carries the first inner payload type"
    );
    assert_eq!(MessageRepr::parse(&bytes).unwrap(), m);
    assert_eq!(m.payload_names(), ["SK"]);
    let f = one(PayloadRepr::EncryptedFragment {
        number: 1,
        total: 3,
        first_inner: PayloadType::IDI,
        data: vec![0xee; 64],
    });
    assert_eq!(MessageRepr::parse(&f.to_bytes()).unwrap(), f);
    assert_eq!(f.payload_names(), ["EF(1/3)"]);
}

#[test]
fn payload_configuration() {
    let cp = ConfigRepr {
        cfg_type: 1,
        attributes: vec![(1, vec![]), (3, vec![]), (28675, vec![])],
    };
    let body = round_trip(PayloadRepr::Configuration(cp.clone()));
    assert_eq!(&body[..8], &[1, 0, 0, 0, 0, 1, 0, 0]);
    assert_eq!(
        one(PayloadRepr::Configuration(cp)).payload_names(),
        ["CPRQ(ADDR DNS U_SPLITDNS)"]
    );
    let reply = ConfigRepr {
        cfg_type: 2,
        attributes: vec![(1, vec![10, 0, 0, 2])],
    };
    assert_eq!(
        one(PayloadRepr::Configuration(reply)).payload_names(),
        ["CPRP(ADDR)"]
    );
    let empty = ConfigRepr {
        cfg_type: 1,
        attributes: vec![],
    };
    assert_eq!(
        one(PayloadRepr::Configuration(empty)).payload_names(),
        ["CP"]
    );
}

#[test]
fn payload_eap() {
    let identity = EapRepr {
        code: 1,
        identifier: 7,
        eap_type: Some(1),
        data: vec![],
    };
    let body = round_trip(PayloadRepr::Eap(identity.clone()));
    assert_eq!(body, [1, 7, 0, 5, 1]);
    assert_eq!(
        one(PayloadRepr::Eap(identity)).payload_names(),
        ["EAP/REQ/ID"]
    );
    let mschap = EapRepr {
        code: 2,
        identifier: 8,
        eap_type: Some(26),
        data: vec![2, 8, 0, 4],
    };
    assert_eq!(
        one(PayloadRepr::Eap(mschap.clone())).payload_names(),
        ["EAP/RES/MSCHAPV2"]
    );
    round_trip(PayloadRepr::Eap(mschap));
    let success = EapRepr {
        code: 3,
        identifier: 9,
        eap_type: None,
        data: vec![],
    };
    assert_eq!(
        one(PayloadRepr::Eap(success.clone())).payload_names(),
        ["EAP/SUCC"]
    );
    round_trip(PayloadRepr::Eap(success));
}

#[test]
fn payload_sa_with_esp_proposals() {
    let esp = ProposalRepr {
        number: 1,
        protocol: ProtocolId::ESP,
        spi: vec![0xc1, 0, 0, 1],
        transforms: vec![
            TransformRepr {
                transform_type: TransformType::ENCR,
                id: 20,
                key_length: Some(128),
                other_attributes: vec![],
            },
            TransformRepr {
                transform_type: TransformType::ESN,
                id: 0,
                key_length: None,
                other_attributes: vec![],
            },
            TransformRepr {
                transform_type: TransformType::ADDKE1,
                id: 36,
                key_length: None,
                other_attributes: vec![],
            },
            TransformRepr {
                transform_type: TransformType::ENCR,
                id: 28,
                key_length: None,
                other_attributes: vec![(0x0001, vec![1, 2, 3]), (0x8002, vec![0, 1])],
            },
        ],
    };
    assert_eq!(
        esp.to_string(),
        "ESP:AES_GCM_16_128/CHACHA20_POLY1305/NO_EXT_SEQ/KE1_ML_KEM_768"
    );
    let second = ProposalRepr {
        number: 2,
        protocol: ProtocolId::AH,
        spi: vec![1, 2, 3, 4],
        transforms: vec![],
    };
    round_trip(PayloadRepr::SecurityAssociation(vec![esp, second]));
}

#[test]
fn notify_names_unknown_and_ms_status() {
    let unknown = NotifyRepr {
        protocol: ProtocolId::NONE,
        spi: vec![],
        notify_type: NotifyType(16500),
        data: vec![],
    };
    assert_eq!(
        one(PayloadRepr::Notify(unknown)).payload_names(),
        ["N(16500)"]
    );
    let ms = NotifyRepr {
        protocol: ProtocolId::NONE,
        spi: vec![],
        notify_type: NotifyType::MS_NOTIFY_STATUS,
        data: vec![0, 0, 0x35, 0xe9],
    };
    assert_eq!(
        one(PayloadRepr::Notify(ms)).payload_names(),
        ["N(MS_STATUS(13801))"]
    );
}

/// Replaces bytes at `at` and expects an error at `offset`.
fn expect_error(bytes: &[u8], offset: usize) -> WireError {
    let err = MessageRepr::parse(bytes).unwrap_err();
    assert_eq!(err.offset, offset, "{err}");
    err
}

#[test]
fn malformed_bodies_report_offsets() {
    // KE body of 3 bytes: group read, reserved truncated at body offset + 2.
    let bytes = message(37, 0, 34, &[gp(0, &[0, 14, 0])]);
    expect_error(&bytes, 34);
    // Notify SPI size past the end.
    let bytes = message(37, 0, 41, &[gp(0, &[3, 8, 0x40, 0x09, 1, 2])]);
    expect_error(&bytes, 36);
    // Delete count not matching the SPI bytes.
    let bytes = message(37, 0, 42, &[gp(0, &[3, 4, 0, 2, 1, 2, 3, 4])]);
    expect_error(&bytes, 34);
    // Delete with SPI size 0 listing SPIs.
    let bytes = message(37, 0, 42, &[gp(0, &[1, 0, 0xff, 0xff])]);
    expect_error(&bytes, 34);
    // EAP length field lies.
    let bytes = message(35, 0, 48, &[gp(0, &[1, 1, 0, 9, 1])]);
    expect_error(&bytes, 34);
    // Traffic selector count lies.
    let ts = [
        2, 0, 0, 0, 7, 0, 0, 16, 0, 0, 0xff, 0xff, 10, 0, 0, 0, 10, 0, 0, 255,
    ];
    let bytes = message(35, 0, 44, &[gp(0, &ts)]);
    expect_error(&bytes, 32);
    // IPv4 selector with an IPv6 length.
    let mut ts = vec![1, 0, 0, 0, 7, 0, 0, 40];
    ts.extend([0u8; 36]);
    let bytes = message(35, 0, 44, &[gp(0, &ts)]);
    expect_error(&bytes, 38);
    // Proposal announcing 2 transforms, carrying 1.
    let mut sa = vec![0, 0, 0, 16, 1, 1, 0, 2];
    sa.extend(transform(true, 1, 12, &[]));
    let bytes = message(34, 8, 33, &[gp(0, &sa)]);
    expect_error(&bytes, 39);
    // Proposal claiming more proposals follow.
    sa[0] = 2;
    sa[7] = 1;
    let bytes = message(34, 8, 33, &[gp(0, &sa)]);
    expect_error(&bytes, 32);
    // Transform attribute TLV length past the transform.
    let mut sa = vec![0, 0, 0, 20, 1, 1, 0, 1];
    sa.extend(transform(true, 1, 12, &[0, 1, 0, 9]));
    let bytes = message(34, 8, 33, &[gp(0, &sa)]);
    expect_error(&bytes, 52);
}

#[test]
fn malformed_chains_report_offsets() {
    let good = strongswan_sa_init();
    // Header length beyond the datagram.
    let mut bytes = good.clone();
    bytes[27] = bytes[27].wrapping_add(1);
    bytes[26] = bytes[26].wrapping_add(1);
    assert!(matches!(
        MessageRepr::parse(&bytes).unwrap_err().kind,
        WireErrorKind::Truncated { .. }
    ));
    // Header length shorter than the chain: the chain runs out.
    let mut bytes = good.clone();
    let short = (good.len() - 4) as u32;
    bytes[24..28].copy_from_slice(&short.to_be_bytes());
    assert!(MessageRepr::parse(&bytes).is_err());
    // First payload length lies.
    let mut bytes = good.clone();
    bytes[30] = 0xff;
    expect_error(&bytes, 30);
    // Trailing bytes after the last payload inside the message.
    let mut bytes = good.clone();
    bytes.extend([0, 0, 0, 0]);
    let len = bytes.len() as u32;
    bytes[24..28].copy_from_slice(&len.to_be_bytes());
    expect_error(&bytes, good.len());
    // Datagram longer than the header length: the extra bytes are not part of the message.
    let mut bytes = good.clone();
    bytes.extend([0xde, 0xad]);
    assert_eq!(MessageRepr::parse(&bytes).unwrap().to_bytes(), good);
}

#[test]
fn truncation_at_every_offset_is_an_error() {
    let bytes = strongswan_sa_init();
    for len in 0..bytes.len() {
        assert!(
            MessageRepr::parse(&bytes[..len]).is_err(),
            "prefix of {len} bytes parsed"
        );
    }
}

#[test]
fn every_single_byte_corruption_is_handled() {
    let bytes = strongswan_sa_init();
    for at in 0..bytes.len() {
        for value in [0x00, 0x01, 0x03, 0x7f, 0x80, 0xff] {
            let mut corrupt = bytes.clone();
            corrupt[at] = value;
            if let Ok(m) = MessageRepr::parse(&corrupt) {
                let again = m.to_bytes();
                let reparsed = MessageRepr::parse(&again).unwrap();
                assert_eq!(reparsed.payloads, m.payloads);
                let _ = m.payload_names();
            }
        }
    }
}

// ---- property tests ----

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..max)
}

fn arb_transform() -> impl Strategy<Value = TransformRepr> {
    let attribute = prop_oneof![
        // TV (AF bit set), never the key length attribute.
        (0x8000u16..0x8100)
            .prop_filter("not key length", |t| *t != 0x800e)
            .prop_flat_map(|t| (
                Just(t),
                bytes(3).prop_map(|mut v| {
                    v.resize(2, 0);
                    v
                })
            )),
        (0u16..0x7fff, bytes(12)),
    ];
    (
        1u8..13,
        any::<u16>(),
        prop::option::of(any::<u16>()),
        prop::collection::vec(attribute, 0..3),
    )
        .prop_map(
            |(transform_type, id, key_length, other_attributes)| TransformRepr {
                transform_type: TransformType(transform_type),
                id,
                key_length,
                other_attributes,
            },
        )
}

fn arb_proposal() -> impl Strategy<Value = ProposalRepr> {
    (
        any::<u8>(),
        0u8..6,
        bytes(9),
        prop::collection::vec(arb_transform(), 0..6),
    )
        .prop_map(|(number, protocol, spi, transforms)| ProposalRepr {
            number,
            protocol: ProtocolId(protocol),
            spi,
            transforms,
        })
}

fn arb_selector() -> impl Strategy<Value = TrafficSelectorRepr> {
    prop_oneof![
        (
            any::<u8>(),
            any::<u16>(),
            any::<u16>(),
            any::<[u8; 4]>(),
            any::<[u8; 4]>()
        )
            .prop_map(|(p, s, e, a, b)| {
                TrafficSelectorRepr {
                    ts_type: TsType::IPV4_ADDR_RANGE,
                    ip_protocol: p,
                    start_port: s,
                    end_port: e,
                    start_address: a.to_vec(),
                    end_address: b.to_vec(),
                }
            }),
        (
            any::<u8>(),
            any::<u16>(),
            any::<u16>(),
            any::<[u8; 16]>(),
            any::<[u8; 16]>()
        )
            .prop_map(|(p, s, e, a, b)| {
                TrafficSelectorRepr {
                    ts_type: TsType::IPV6_ADDR_RANGE,
                    ip_protocol: p,
                    start_port: s,
                    end_port: e,
                    start_address: a.to_vec(),
                    end_address: b.to_vec(),
                }
            }),
        (9u8..=255, any::<u8>(), bytes(20)).prop_map(|(t, p, raw)| TrafficSelectorRepr {
            ts_type: TsType(t),
            ip_protocol: p,
            start_port: 0,
            end_port: 0,
            start_address: raw,
            end_address: vec![],
        }),
    ]
}

fn arb_eap() -> impl Strategy<Value = EapRepr> {
    (any::<u8>(), any::<u8>(), any::<u8>(), bytes(16)).prop_map(|(code, identifier, t, data)| {
        EapRepr {
            code,
            identifier,
            eap_type: matches!(code, 1 | 2).then_some(t),
            data,
        }
    })
}

fn arb_plain_payload() -> impl Strategy<Value = PayloadRepr> {
    prop_oneof![
        prop::collection::vec(arb_proposal(), 1..4).prop_map(PayloadRepr::SecurityAssociation),
        (any::<u16>(), bytes(64)).prop_map(|(g, data)| PayloadRepr::KeyExchange {
            group: DhGroup(g),
            data
        }),
        (any::<u8>(), bytes(24)).prop_map(|(t, data)| PayloadRepr::IdentificationI(IdRepr {
            id_type: IdType(t),
            data
        })),
        (any::<u8>(), bytes(24)).prop_map(|(t, data)| PayloadRepr::IdentificationR(IdRepr {
            id_type: IdType(t),
            data
        })),
        (any::<u8>(), bytes(40)).prop_map(|(e, data)| PayloadRepr::Certificate {
            encoding: CertEncoding(e),
            data
        }),
        (any::<u8>(), bytes(40)).prop_map(|(e, data)| PayloadRepr::CertificateRequest {
            encoding: CertEncoding(e),
            data
        }),
        (any::<u8>(), bytes(40)).prop_map(|(m, data)| PayloadRepr::Authentication {
            method: AuthMethod(m),
            data
        }),
        bytes(64).prop_map(PayloadRepr::Nonce),
        (any::<u8>(), bytes(9), any::<u16>(), bytes(24)).prop_map(|(p, spi, t, data)| {
            PayloadRepr::Notify(NotifyRepr {
                protocol: ProtocolId(p),
                spi,
                notify_type: NotifyType(t),
                data,
            })
        }),
        (any::<u8>(), 0u8..9, 0usize..5).prop_map(|(p, size, n)| {
            let spis = if size == 0 {
                vec![]
            } else {
                (0..n).map(|i| vec![i as u8; usize::from(size)]).collect()
            };
            PayloadRepr::Delete(DeleteRepr {
                protocol: ProtocolId(p),
                spi_size: size,
                spis,
            })
        }),
        bytes(32).prop_map(PayloadRepr::VendorId),
        prop::collection::vec(arb_selector(), 0..4).prop_map(PayloadRepr::TrafficSelectorsI),
        prop::collection::vec(arb_selector(), 0..4).prop_map(PayloadRepr::TrafficSelectorsR),
        (
            any::<u8>(),
            prop::collection::vec((any::<u16>(), bytes(16)), 0..5)
        )
            .prop_map(
                |(cfg_type, attributes)| PayloadRepr::Configuration(ConfigRepr {
                    cfg_type,
                    attributes
                })
            ),
        arb_eap().prop_map(PayloadRepr::Eap),
        (any::<u8>(), bytes(32))
            .prop_filter("not a modelled payload type", |(t, _)| !(33..=48)
                .contains(t)
                && *t != 53
                && *t != 0)
            .prop_map(|(t, data)| PayloadRepr::Unknown {
                payload_type: PayloadType(t),
                data
            }),
    ]
}

fn arb_encrypted() -> impl Strategy<Value = PayloadRepr> {
    prop_oneof![
        (any::<u8>(), bytes(64)).prop_map(|(t, data)| PayloadRepr::Encrypted {
            first_inner: PayloadType(t),
            data
        }),
        (any::<u16>(), any::<u16>(), any::<u8>(), bytes(64)).prop_map(
            |(number, total, t, data)| {
                PayloadRepr::EncryptedFragment {
                    number,
                    total,
                    first_inner: PayloadType(t),
                    data,
                }
            }
        ),
    ]
}

fn arb_message() -> impl Strategy<Value = MessageRepr> {
    (
        (
            any::<u64>(),
            any::<u64>(),
            0u8..16,
            any::<u8>(),
            any::<u8>(),
            any::<u32>(),
        ),
        prop::collection::vec((any::<bool>(), arb_plain_payload()), 0..6),
        prop::option::of((any::<bool>(), arb_encrypted())),
    )
        .prop_map(
            |((spi_i, spi_r, minor_version, exchange, flags, message_id), plain, encrypted)| {
                let payloads = plain
                    .into_iter()
                    .chain(encrypted)
                    .map(|(critical, body)| Payload { critical, body })
                    .collect();
                let mut m = MessageRepr {
                    header: HeaderRepr {
                        spi_i,
                        spi_r,
                        next_payload: PayloadType::NONE,
                        major_version: 2,
                        minor_version,
                        exchange: ExchangeType(exchange),
                        flags,
                        message_id,
                        length: 0,
                    },
                    payloads,
                };
                m.canonicalize_header();
                m
            },
        )
}

proptest! {
    #[test]
    fn parse_emit_round_trip(m in arb_message()) {
        let bytes = m.to_bytes();
        prop_assert_eq!(bytes.len(), m.buffer_len());
        let parsed = MessageRepr::parse(&bytes);
        prop_assert_eq!(parsed.as_ref(), Ok(&m));
        // Canonical bytes re-emit identically.
        prop_assert_eq!(parsed.unwrap().to_bytes(), bytes);
        prop_assert_eq!(m.payload_names().len(), m.payloads.len());
    }

    #[test]
    fn truncated_messages_never_panic(m in arb_message(), cut in any::<prop::sample::Index>()) {
        let bytes = m.to_bytes();
        let len = cut.index(bytes.len());
        prop_assert!(MessageRepr::parse(&bytes[..len]).is_err());
    }

    #[test]
    fn corrupted_messages_never_panic(m in arb_message(), edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6)) {
        let mut bytes = m.to_bytes();
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if let Ok(parsed) = MessageRepr::parse(&bytes) {
            let again = MessageRepr::parse(&parsed.to_bytes());
            prop_assert!(again.is_ok());
            prop_assert_eq!(again.unwrap().payloads, parsed.payloads);
        }
    }

    #[test]
    fn garbage_never_panics(data in bytes(512)) {
        let _ = MessageRepr::parse(&data);
        let _ = header(&data);
        let _ = peek_version(&data);
        let _ = vendor::identify(&data);
        if let Ok(view) = Header::new_checked(&data[..]) {
            for item in view.payloads() {
                let _ = item;
            }
        }
    }

    #[test]
    fn garbage_after_valid_header_never_panics(first in 33u8..=53, body in bytes(256)) {
        let mut data = vec![0u8; 28];
        data[16] = first;
        data[17] = 0x20;
        data.extend(body);
        let len = data.len() as u32;
        data[24..28].copy_from_slice(&len.to_be_bytes());
        let _ = MessageRepr::parse(&data);
    }
}
