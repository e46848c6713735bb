use std::net::SocketAddr;

use super::ip::*;
use super::link::MAX_VLAN_TAGS;
use super::*;
use crate::event::{
    EspPacket, IcmpError, IcmpKind, IkeDatagram, IncompleteDatagram, NatKeepalive, QuotedFlow,
    Timestamp,
};
use crate::test_support::*;
use proptest::prelude::*;

const SECOND: i64 = 1_000_000_000;

/// Dissects `frames` (link type, data) one per millisecond, then finishes.
fn run_with(config: DissectorConfig, frames: &[(u32, Vec<u8>)]) -> (Vec<NetEvent>, DissectStats) {
    let mut dissector = Dissector::new(config);
    let mut events = Vec::new();
    for (i, (link_type, data)) in frames.iter().enumerate() {
        let frame = Frame {
            number: i as u64 + 1,
            ts: Timestamp(i as i64 * 1_000_000),
            link_type: *link_type,
            orig_len: data.len() as u32,
            file_offset: 0,
            data,
        };
        dissector.dissect(&frame, &mut |event| events.push(event));
    }
    dissector.finish(&mut |event| events.push(event));
    assert_eq!(dissector.pending_datagrams(), 0);
    (events, dissector.stats().clone())
}

fn run(frames: &[(u32, Vec<u8>)]) -> (Vec<NetEvent>, DissectStats) {
    run_with(DissectorConfig::default(), frames)
}

fn only_ike(events: &[NetEvent]) -> &IkeDatagram {
    match events {
        [NetEvent::Ike(ike)] => ike,
        other => panic!("expected one IKE datagram, got {other:?}"),
    }
}

fn v4(addr: [u8; 4]) -> IpAddr {
    IpAddr::from(addr)
}

fn v6(addr: [u8; 16]) -> IpAddr {
    IpAddr::from(addr)
}

#[test]
fn ike_on_port_500_over_ethernet() {
    let message = ike_message(0x0102_0304_0506_0708, 40);
    let (events, stats) = run(&[(1, eth_ipv4_udp(V4_A, V4_B, 500, 500, &message))]);
    let ike = only_ike(&events);
    assert_eq!(ike.frame, 1);
    assert_eq!(ike.src, SocketAddr::new(v4(V4_A), 500));
    assert_eq!(ike.dst, SocketAddr::new(v4(V4_B), 500));
    assert!(!ike.non_esp_marker);
    assert!(ike.ip_fragments.is_empty());
    assert_eq!(ike.ip_len, 20 + 8 + message.len() as u32);
    assert_eq!(ike.payload, message);
    assert_eq!(stats.ike_datagrams, 1);
    assert_eq!(stats.frames, 1);
    assert_eq!(stats.skipped(), 0);
}

#[test]
fn either_port_counts_and_extra_ports_are_bare_ike() {
    let message = ike_message(9, 0);
    let (events, _) = run(&[(101, ipv4_udp(V4_A, V4_B, 500, 33000, &message))]);
    assert_eq!(only_ike(&events).payload, message);

    let config = DissectorConfig {
        ike_ports: vec![500, 4500, 7500],
        ..DissectorConfig::default()
    };
    let (events, _) = run_with(
        config,
        &[(101, ipv4_udp(V4_A, V4_B, 40000, 7500, &message))],
    );
    let ike = only_ike(&events);
    assert!(!ike.non_esp_marker);
    assert_eq!(ike.payload, message);

    // Without 4500 among the IKE ports, NAT-T traffic is unrelated.
    let config = DissectorConfig {
        ike_ports: vec![500],
        ..DissectorConfig::default()
    };
    let (events, stats) = run_with(config, &[(101, ipv4_udp(V4_A, V4_B, 4500, 4500, &[0xFF]))]);
    assert!(events.is_empty());
    assert_eq!(stats.skipped_unrelated, 1);
}

#[test]
fn nat_t_marker_keepalive_and_esp_in_udp() {
    let message = ike_message(0xAA, 8);
    let mut marked = vec![0, 0, 0, 0];
    marked.extend_from_slice(&message);
    let mut esp = 0x1234_5678u32.to_be_bytes().to_vec();
    esp.extend_from_slice(&42u32.to_be_bytes());
    esp.extend_from_slice(&[0xEE; 64]);
    let frames = [
        (1, eth_ipv4_udp(V4_A, V4_B, 4500, 4500, &marked)),
        (1, eth_ipv4_udp(V4_A, V4_B, 61000, 4500, &[0xFF])),
        (1, eth_ipv4_udp(V4_B, V4_A, 4500, 61000, &esp)),
        (1, eth_ipv4_udp(V4_B, V4_A, 4500, 61000, &[1, 2, 3])),
    ];
    let (events, stats) = run(&frames);
    assert_eq!(events.len(), 3, "{events:?}");
    match &events[0] {
        NetEvent::Ike(ike) => {
            assert!(ike.non_esp_marker);
            assert_eq!(ike.payload, message);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        events[1],
        NetEvent::NatKeepalive(NatKeepalive {
            frame: 2,
            ts: Timestamp(1_000_000),
            src: SocketAddr::new(v4(V4_A), 61000),
            dst: SocketAddr::new(v4(V4_B), 4500),
        })
    );
    match &events[2] {
        NetEvent::Esp(packet) => {
            assert_eq!(packet.spi, 0x1234_5678);
            assert_eq!(packet.seq, 42);
            assert_eq!(packet.udp_ports, Some((4500, 61000)));
            assert_eq!(packet.ip_len, 20 + 8 + esp.len() as u32);
            assert!(!packet.fragmented);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(stats.skipped_malformed_nat_t, 1);
}

#[test]
fn raw_esp_protocol_50() {
    let mut esp = 0xCAFE_0001u32.to_be_bytes().to_vec();
    esp.extend_from_slice(&7u32.to_be_bytes());
    esp.extend_from_slice(&[0; 32]);
    let packet = ipv4(V4_A, V4_B, 50, 1, 0, false, &esp);
    let (events, _) = run(&[(228, packet.clone())]);
    assert_eq!(
        events,
        vec![NetEvent::Esp(EspPacket {
            frame: 1,
            ts: Timestamp(0),
            src: v4(V4_A),
            dst: v4(V4_B),
            udp_ports: None,
            spi: 0xCAFE_0001,
            seq: 7,
            ip_len: packet.len() as u32,
            fragmented: false,
        })]
    );
}

#[test]
fn vlan_and_qinq_tags() {
    let message = ike_message(5, 0);
    let ip = ipv4_udp(V4_A, V4_B, 500, 500, &message);
    let single = {
        let mut tagged = 100u16.to_be_bytes().to_vec();
        tagged.extend_from_slice(&0x0800u16.to_be_bytes());
        tagged.extend_from_slice(&ip);
        ethernet(0x8100, &tagged)
    };
    // 802.1ad outer, 802.1Q inner, one more 802.1Q.
    let triple = {
        let mut tagged = Vec::new();
        for inner in [0x8100u16, 0x8100, 0x0800] {
            tagged.extend_from_slice(&7u16.to_be_bytes());
            tagged.extend_from_slice(&inner.to_be_bytes());
        }
        tagged.extend_from_slice(&ip);
        ethernet(0x88A8, &tagged)
    };
    let double = {
        let builder = etherparse::PacketBuilder::ethernet2(MAC_A, MAC_B)
            .double_vlan(
                etherparse::VlanId::try_new(10).unwrap(),
                etherparse::VlanId::try_new(20).unwrap(),
            )
            .ipv4(V4_A, V4_B, 64)
            .udp(500, 500);
        let mut out = Vec::new();
        builder.write(&mut out, &message).unwrap();
        out
    };
    // Too many tags: skipped as non-IP rather than walked forever.
    let deep = {
        let mut tagged = Vec::new();
        for _ in 0..(MAX_VLAN_TAGS + 2) {
            tagged.extend_from_slice(&[0, 7, 0x81, 0x00]);
        }
        tagged.extend_from_slice(&ip);
        ethernet(0x8100, &tagged)
    };
    let (events, stats) = run(&[(1, single), (1, triple), (1, double), (1, deep)]);
    assert_eq!(events.len(), 3);
    assert!(events
        .iter()
        .all(|event| matches!(event, NetEvent::Ike(ike) if ike.payload == message)));
    assert_eq!(stats.skipped_non_ip, 1);
}

#[test]
fn linux_cooked_null_loop_and_raw_link_types() {
    let message = ike_message(6, 4);
    let ip4 = ipv4_udp(V4_A, V4_B, 500, 500, &message);
    let ip6 = ipv6_udp(V6_A, V6_B, 500, 500, &message);
    let sll = |protocol: u16, ip: &[u8]| {
        let mut out = vec![0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0];
        out.extend_from_slice(&protocol.to_be_bytes());
        out.extend_from_slice(ip);
        out
    };
    let sll2 = |protocol: u16, ip: &[u8]| {
        let mut out = protocol.to_be_bytes().to_vec();
        out.extend_from_slice(&[0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0]);
        out.extend_from_slice(ip);
        out
    };
    let null = |family: [u8; 4], ip: &[u8]| {
        let mut out = family.to_vec();
        out.extend_from_slice(ip);
        out
    };
    let frames = [
        (113, sll(0x0800, &ip4)),
        (113, sll(0x86DD, &ip6)),
        (276, sll2(0x0800, &ip4)),
        (276, sll2(0x86DD, &ip6)),
        (0, null(2u32.to_le_bytes(), &ip4)),
        (0, null(2u32.to_be_bytes(), &ip4)),
        (0, null(30u32.to_le_bytes(), &ip6)),
        (0, null(24u32.to_be_bytes(), &ip6)),
        (108, null(2u32.to_be_bytes(), &ip4)),
        (108, null(10u32.to_le_bytes(), &ip6)),
        (101, ip4.clone()),
        (101, ip6.clone()),
        (12, ip4.clone()),
        (14, ip6.clone()),
        (228, ip4.clone()),
        (229, ip6.clone()),
    ];
    let (events, stats) = run(&frames);
    assert_eq!(events.len(), frames.len(), "{stats:?}");
    for (event, (_, data)) in events.iter().zip(&frames) {
        let ike = match event {
            NetEvent::Ike(ike) => ike,
            other => panic!("{other:?}"),
        };
        assert_eq!(ike.payload, message);
        let expected_src = if data.ends_with(&ip6) {
            v6(V6_A)
        } else {
            v4(V4_A)
        };
        assert_eq!(ike.src.ip(), expected_src);
    }
    // Wrong family or an unknown link type are skipped and counted.
    let (events, stats) = run(&[
        (0, null(7u32.to_le_bytes(), &ip4)),
        (147, ip4.clone()),
        (229, ip4.clone()),
        (1, ethernet(0x0806, &[0; 28])),
        (1, vec![0; 10]),
    ]);
    assert!(events.is_empty());
    assert_eq!(stats.skipped_non_ip, 2);
    assert_eq!(stats.skipped_unsupported_link_type, 1);
    assert_eq!(stats.skipped_malformed_ip_header, 1);
    assert_eq!(stats.skipped_truncated_link_header, 1);
}

#[test]
fn ipv6_extension_headers() {
    let message = ike_message(0x77, 12);
    let datagram = udp(500, 500, &message);
    let mut rest = ipv6_options_header(PROTO_ROUTING, 0);
    // Routing header (type 0 with no addresses left), 8 bytes.
    rest.extend_from_slice(&[PROTO_DEST_OPTS, 0, 0, 0, 0, 0, 0, 0]);
    rest.extend_from_slice(&ipv6_options_header(PROTO_AH, 1));
    // AH: length field 4 → (4 + 2) * 4 = 24 bytes.
    let mut ah = vec![PROTO_UDP, 4];
    ah.resize(24, 0);
    rest.extend_from_slice(&ah);
    rest.extend_from_slice(&datagram);
    let packet = ipv6(V6_A, V6_B, PROTO_HOP_BY_HOP, &rest);
    let (events, _) = run(&[(229, packet.clone())]);
    let ike = only_ike(&events);
    assert_eq!(ike.payload, message);
    assert_eq!(ike.ip_len, packet.len() as u32);

    // A chain cut by the capture is counted as a truncated header.
    let (events, stats) = run(&[(229, packet[..50].to_vec())]);
    assert!(events.is_empty());
    assert_eq!(stats.skipped_truncated_ip_header, 1);

    // TCP behind extension headers is unrelated.
    let mut tcp_rest = ipv6_options_header(6, 0);
    tcp_rest.extend_from_slice(&[0; 20]);
    let (_, stats) = run(&[(229, ipv6(V6_A, V6_B, PROTO_HOP_BY_HOP, &tcp_rest))]);
    assert_eq!(stats.skipped_unrelated, 1);
}

/// Splits a UDP datagram into IPv4 fragments of `chunk` bytes (multiple of 8).
fn ipv4_fragments(datagram: &[u8], protocol: u8, id: u16, chunk: usize) -> Vec<Vec<u8>> {
    datagram
        .chunks(chunk)
        .enumerate()
        .map(|(i, part)| {
            let offset = (i * chunk) as u16;
            let more = (i + 1) * chunk < datagram.len();
            ipv4(V4_A, V4_B, protocol, id, offset, more, part)
        })
        .collect()
}

/// Splits into IPv6 fragments, with a destination options header in the unfragmentable part.
fn ipv6_fragments(datagram: &[u8], id: u32, chunk: usize) -> Vec<Vec<u8>> {
    datagram
        .chunks(chunk)
        .enumerate()
        .map(|(i, part)| {
            let offset = (i * chunk) as u16;
            let more = (i + 1) * chunk < datagram.len();
            let mut rest = ipv6_options_header(PROTO_FRAGMENT, 0);
            rest.extend_from_slice(&ipv6_fragment_header(PROTO_UDP, offset, more, id));
            rest.extend_from_slice(part);
            ipv6(V6_A, V6_B, PROTO_DEST_OPTS, &rest)
        })
        .collect()
}

#[test]
fn ipv4_fragments_in_any_order() {
    let message = ike_message(0xF00D, 3000);
    let datagram = udp(4500, 4500, &[&[0u8, 0, 0, 0][..], &message].concat());
    let fragments = ipv4_fragments(&datagram, PROTO_UDP, 0x1234, 1480);
    assert_eq!(fragments.len(), 3);
    let orders: [&[usize]; 5] = [
        &[0, 1, 2],
        &[2, 1, 0],
        &[1, 0, 2],
        &[0, 0, 2, 1, 1],    // duplicates
        &[0, 1, 1, 2, 2, 0], // duplicates after completion
    ];
    for order in orders {
        let frames: Vec<(u32, Vec<u8>)> =
            order.iter().map(|&i| (101, fragments[i].clone())).collect();
        let (events, stats) = run(&frames);
        let ike = match events.first() {
            Some(NetEvent::Ike(ike)) => ike,
            other => panic!("{order:?}: {other:?}"),
        };
        assert!(ike.non_esp_marker);
        assert_eq!(ike.payload, message, "{order:?}");
        assert_eq!(ike.ip_len, 20 + datagram.len() as u32);
        let completing = order
            .iter()
            .scan(std::collections::BTreeSet::new(), |seen, &i| {
                seen.insert(i);
                Some(seen.len())
            })
            .position(|n| n == 3)
            .unwrap();
        assert_eq!(ike.frame, completing as u64 + 1);
        assert_eq!(
            ike.ip_fragments,
            (1..=completing as u64 + 1).collect::<Vec<_>>()
        );
        assert_eq!(stats.reassembled_datagrams, 1);
        // Fragments after completion start a new datagram that never completes.
        if order.len() > completing + 1 {
            assert!(matches!(
                events.last(),
                Some(NetEvent::IncompleteDatagram(_))
            ));
        }
    }
}

#[test]
fn overlapping_fragments_keep_first_copy_and_never_panic() {
    let message = ike_message(0xBEEF, 200);
    let datagram = udp(500, 500, &message);
    // First fragment 0..160, an overlapping one 80..200 carrying different bytes, then the rest.
    let first = ipv4(V4_A, V4_B, 17, 9, 0, true, &datagram[..160]);
    let mut conflicting = datagram[80..200].to_vec();
    conflicting.iter_mut().for_each(|b| *b = !*b);
    let overlap = ipv4(V4_A, V4_B, 17, 9, 80, true, &conflicting);
    let last = ipv4(V4_A, V4_B, 17, 9, 200, false, &datagram[200..]);
    let (events, stats) = run(&[(101, first), (101, overlap), (101, last)]);
    let ike = only_ike(&events);
    assert_eq!(&ike.payload[..152], &message[..152]);
    assert_eq!(ike.payload.len(), message.len());
    assert_eq!(stats.fragment_overlaps, 1);

    // A fragment claiming bytes beyond 64 KiB is invalid.
    let (_, stats) = run(&[(101, ipv4(V4_A, V4_B, 17, 9, 65528, false, &[0; 64]))]);
    assert_eq!(stats.skipped_invalid_fragments, 1);
}

#[test]
fn ipv6_fragments_in_order_and_reverse() {
    let message = ike_message(0xD00D, 2000);
    let datagram = udp(500, 500, &message);
    let fragments = ipv6_fragments(&datagram, 0xABCD_0001, 1232);
    for reverse in [false, true] {
        let mut frames: Vec<(u32, Vec<u8>)> = fragments.iter().map(|f| (229, f.clone())).collect();
        if reverse {
            frames.reverse();
        }
        let (events, _) = run(&frames);
        let ike = only_ike(&events);
        assert_eq!(ike.payload, message);
        assert_eq!(ike.src, SocketAddr::new(v6(V6_A), 500));
        // IPv6 header and destination options, then the reassembled payload.
        assert_eq!(ike.ip_len, 40 + 8 + datagram.len() as u32);
        assert_eq!(ike.ip_fragments, vec![1, 2]);
        assert_eq!(ike.frame, 2);
    }
}

#[test]
fn fragmented_esp_is_reassembled() {
    let mut esp = 0x0BAD_F00Du32.to_be_bytes().to_vec();
    esp.extend_from_slice(&3u32.to_be_bytes());
    esp.extend_from_slice(&[0x5A; 2000]);
    let fragments = ipv4_fragments(&esp, PROTO_ESP, 77, 1480);
    let frames: Vec<(u32, Vec<u8>)> = fragments.into_iter().rev().map(|f| (101, f)).collect();
    let (events, _) = run(&frames);
    match events.as_slice() {
        [NetEvent::Esp(packet)] => {
            assert_eq!(packet.spi, 0x0BAD_F00D);
            assert_eq!(packet.seq, 3);
            assert!(packet.fragmented);
            assert_eq!(packet.frame, 2);
            assert_eq!(packet.ip_len, 20 + esp.len() as u32);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn incomplete_datagram_reported_at_end_and_on_timeout() {
    let message = ike_message(0x1111, 4000);
    let datagram = udp(500, 500, &message);
    let fragments = ipv4_fragments(&datagram, PROTO_UDP, 5, 1480);
    // The middle fragment never arrives.
    let (events, stats) = run(&[(101, fragments[0].clone()), (101, fragments[2].clone())]);
    assert_eq!(
        events,
        vec![NetEvent::IncompleteDatagram(IncompleteDatagram {
            first_frame: 1,
            last_frame: 2,
            first_ts: Timestamp(0),
            last_ts: Timestamp(1_000_000),
            src: v4(V4_A),
            dst: v4(V4_B),
            protocol: PROTO_UDP,
            ports: Some((500, 500)),
            fragments_seen: 2,
            bytes_seen: (1480 + datagram.len() - 2960) as u32,
            total_len: Some(20 + datagram.len() as u32),
            reason: IncompleteReason::EndOfCapture,
        })]
    );
    assert_eq!(stats.reassembly_unfinished_at_end, 1);

    // Only a later fragment: ports unknown, reported after the timeout in capture time.
    let mut dissector = Dissector::new(DissectorConfig::default());
    let mut events = Vec::new();
    let later = Frame {
        number: 1,
        ts: Timestamp(5 * SECOND),
        link_type: 101,
        orig_len: 0,
        file_offset: 0,
        data: &fragments[1],
    };
    dissector.dissect(&later, &mut |e| events.push(e));
    let unrelated = eth_ipv4_udp(V4_A, V4_B, 1, 53, b"dns");
    let mut tick = |number: u64, seconds: i64, events: &mut Vec<NetEvent>| {
        let frame = Frame {
            number,
            ts: Timestamp(seconds * SECOND),
            link_type: 1,
            orig_len: 0,
            file_offset: 0,
            data: &unrelated,
        };
        dissector.dissect(&frame, &mut |e| events.push(e));
    };
    tick(2, 30, &mut events);
    assert!(events.is_empty());
    tick(3, 36, &mut events);
    match events.as_slice() {
        [NetEvent::IncompleteDatagram(incomplete)] => {
            assert_eq!(incomplete.reason, IncompleteReason::Timeout);
            assert_eq!(incomplete.ports, None);
            assert_eq!(incomplete.total_len, None);
            assert_eq!(incomplete.first_frame, 1);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(dissector.stats().reassembly_timeouts, 1);
}

#[test]
fn fragments_of_unrelated_flows_are_not_buffered() {
    let datagram = udp(5353, 53, &[0x42; 3000]);
    let fragments = ipv4_fragments(&datagram, PROTO_UDP, 99, 1480);
    let frames: Vec<(u32, Vec<u8>)> = fragments.iter().map(|f| (101, f.clone())).collect();
    let (events, stats) = run(&frames);
    assert!(events.is_empty());
    assert_eq!(stats.skipped_unrelated_fragments, 3);
    // First fragment last: buffered until it shows the ports, then dropped silently.
    let frames: Vec<(u32, Vec<u8>)> = fragments.iter().rev().map(|f| (101, f.clone())).collect();
    let (events, stats) = run(&frames);
    assert!(events.is_empty());
    assert_eq!(stats.ip_fragments, 2);
    // TCP fragments are never buffered.
    let tcp = ipv4_fragments(&[0u8; 3000], 6, 3, 1480);
    let (_, stats) = run(&tcp.into_iter().map(|f| (101, f)).collect::<Vec<_>>());
    assert_eq!(stats.skipped_unrelated, 3);
}

#[test]
fn fragment_flood_stays_bounded() {
    let config = DissectorConfig::default();
    let max_pending = config.max_pending_datagrams;
    let max_bytes = config.max_reassembly_bytes;
    let mut dissector = Dissector::new(config);
    let datagram = udp(500, 500, &[0x33; 1472]);
    let mut evicted = 0u64;
    let mut peak_memory = 0;
    for id in 0..100_000u32 {
        // Alternate address pairs so IPv4's 16-bit ids do not collide.
        let src = [10, 0, (id >> 16) as u8, (id >> 8) as u8];
        let packet = ipv4(src, V4_B, 17, id as u16, 0, true, &datagram[..1480]);
        let frame = Frame {
            number: u64::from(id) + 1,
            ts: Timestamp(i64::from(id) * 1000),
            link_type: 101,
            orig_len: packet.len() as u32,
            file_offset: 0,
            data: &packet,
        };
        dissector.dissect(&frame, &mut |event| {
            if let NetEvent::IncompleteDatagram(incomplete) = event {
                assert_eq!(incomplete.reason, IncompleteReason::Evicted);
                evicted += 1;
            }
        });
        assert!(dissector.pending_datagrams() <= max_pending);
        peak_memory = peak_memory.max(dissector.reassembly_memory());
    }
    assert!(peak_memory <= max_bytes + 70_000, "{peak_memory}");
    assert_eq!(evicted, 100_000 - dissector.pending_datagrams() as u64);
    assert_eq!(dissector.stats().reassembly_evictions, evicted);
    let mut at_end = 0;
    dissector.finish(&mut |_| at_end += 1);
    assert_eq!(at_end + evicted, 100_000);

    // A byte budget smaller than the pending count allows evicts by memory.
    let mut dissector = Dissector::new(DissectorConfig {
        max_reassembly_bytes: 64 * 1024,
        ..DissectorConfig::default()
    });
    for id in 0..1000u16 {
        let packet = ipv4(V4_A, V4_B, 17, id, 0, true, &datagram[..1480]);
        let frame = Frame {
            number: u64::from(id) + 1,
            ts: Timestamp(0),
            link_type: 101,
            orig_len: 0,
            file_offset: 0,
            data: &packet,
        };
        dissector.dissect(&frame, &mut |_| {});
        assert!(dissector.reassembly_memory() <= 64 * 1024 + 70_000);
    }
    assert!(dissector.pending_datagrams() < 64);
    assert!(dissector.stats().reassembly_evictions > 900);
}

/// An ICMP error carrying `quoted` (IP header + start of the offending packet).
fn icmpv4(icmp_type: u8, code: u8, rest: [u8; 4], quoted: &[u8]) -> Vec<u8> {
    let mut icmp = vec![icmp_type, code, 0, 0];
    icmp.extend_from_slice(&rest);
    icmp.extend_from_slice(quoted);
    ipv4([192, 0, 2, 254], V4_A, PROTO_ICMP, 1, 0, false, &icmp)
}

#[test]
fn icmp_errors_quoting_ike_and_esp() {
    let ike = ike_message(0x0123_4567_89AB_CDEF, 1000);
    let offending = ipv4_udp(V4_A, V4_B, 500, 500, &ike);
    let mut marked = vec![0, 0, 0, 0];
    marked.extend_from_slice(&ike);
    let offending_natt = ipv4_udp(V4_A, V4_B, 4500, 4500, &marked);
    let mut esp = 0x0000_BEEFu32.to_be_bytes().to_vec();
    esp.extend_from_slice(&[0; 100]);
    let offending_esp = ipv4(V4_A, V4_B, PROTO_ESP, 1, 0, false, &esp);
    let offending_esp_udp = ipv4_udp(V4_A, V4_B, 4500, 4500, &esp);
    let offending_dns = ipv4_udp(V4_A, V4_B, 1000, 53, &[0; 30]);
    let frames = [
        (101, icmpv4(3, 4, [0, 0, 0x05, 0x78], &offending[..576])),
        (101, icmpv4(3, 3, [0; 4], &offending_natt[..28])),
        (101, icmpv4(3, 13, [0; 4], &offending_natt[..40])),
        (101, icmpv4(11, 0, [0; 4], &offending_esp[..28])),
        (101, icmpv4(11, 1, [0; 4], &offending_esp_udp[..36])),
        (101, icmpv4(3, 3, [0; 4], &offending_dns[..28])),
        (101, icmpv4(8, 0, [0; 4], &[0; 16])),
    ];
    let (events, stats) = run(&frames);
    let errors: Vec<&IcmpError> = events
        .iter()
        .map(|event| match event {
            NetEvent::IcmpError(error) => error,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(errors.len(), 5);
    assert_eq!(errors[0].kind, IcmpKind::FragmentationNeeded { mtu: 1400 });
    assert_eq!(errors[0].from, v4([192, 0, 2, 254]));
    assert_eq!(
        errors[0].quoted,
        QuotedFlow {
            protocol: PROTO_UDP,
            src: v4(V4_A),
            dst: v4(V4_B),
            ports: Some((500, 500)),
            esp_spi: None,
            ike_spi_i: Some(0x0123_4567_89AB_CDEF),
            quoted_ip_len: offending.len() as u32,
        }
    );
    assert_eq!(errors[1].kind, IcmpKind::PortUnreachable);
    // Only 8 bytes of UDP quoted: no room for the marker and SPI.
    assert_eq!(errors[1].quoted.ike_spi_i, None);
    assert_eq!(errors[1].quoted.ports, Some((4500, 4500)));
    assert_eq!(errors[2].kind, IcmpKind::Unreachable { code: 13 });
    assert_eq!(errors[2].quoted.ike_spi_i, Some(0x0123_4567_89AB_CDEF));
    assert_eq!(errors[3].kind, IcmpKind::TimeExceeded);
    assert_eq!(errors[3].quoted.esp_spi, Some(0xBEEF));
    assert_eq!(errors[3].quoted.protocol, PROTO_ESP);
    assert_eq!(errors[4].kind, IcmpKind::ReassemblyTimeExceeded);
    assert_eq!(errors[4].quoted.esp_spi, Some(0xBEEF));
    assert_eq!(stats.icmp_errors, 5);
    assert_eq!(stats.skipped_unrelated, 2);
}

#[test]
fn icmpv6_errors_quoting_ike() {
    let ike = ike_message(0x42, 1300);
    let offending = ipv6_udp(V6_A, V6_B, 500, 500, &ike);
    let icmpv6 = |icmp_type: u8, code: u8, rest: [u8; 4]| {
        let mut icmp = vec![icmp_type, code, 0, 0];
        icmp.extend_from_slice(&rest);
        icmp.extend_from_slice(&offending[..1232 - 48]);
        ipv6(V6_B, V6_A, PROTO_ICMPV6, &icmp)
    };
    let frames = [
        (229, icmpv6(2, 0, 1280u32.to_be_bytes())),
        (229, icmpv6(1, 4, [0; 4])),
        (229, icmpv6(1, 1, [0; 4])),
        (229, icmpv6(3, 1, [0; 4])),
        (229, icmpv6(3, 0, [0; 4])),
        (229, icmpv6(128, 0, [0; 4])),
    ];
    let (events, _) = run(&frames);
    let kinds: Vec<IcmpKind> = events
        .iter()
        .map(|event| match event {
            NetEvent::IcmpError(error) => {
                assert_eq!(error.quoted.ike_spi_i, Some(0x42));
                assert_eq!(error.quoted.quoted_ip_len, offending.len() as u32);
                assert_eq!(error.quoted.src, v6(V6_A));
                error.kind
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            IcmpKind::FragmentationNeeded { mtu: 1280 },
            IcmpKind::PortUnreachable,
            IcmpKind::Unreachable { code: 1 },
            IcmpKind::ReassemblyTimeExceeded,
            IcmpKind::TimeExceeded,
        ]
    );
}

#[test]
fn truncated_captures() {
    let message = ike_message(1, 500);
    let packet = eth_ipv4_udp(V4_A, V4_B, 500, 500, &message);
    // Snap length cut inside the IKE payload: still reported, payload shortened.
    let (events, _) = run(&[(1, packet[..200].to_vec())]);
    let ike = only_ike(&events);
    assert_eq!(ike.payload, &message[..200 - 14 - 28]);
    assert_eq!(ike.ip_len, 20 + 8 + message.len() as u32);
    // Cut inside the UDP header and inside the IP header.
    let (events, stats) = run(&[(1, packet[..40].to_vec()), (1, packet[..30].to_vec())]);
    assert!(events.is_empty());
    assert_eq!(stats.skipped_truncated_transport_header, 1);
    assert_eq!(stats.skipped_truncated_ip_header, 1);
}

#[test]
fn reader_and_dissector_together() {
    let message = ike_message(3, 10);
    let mut file = PcapNgFile::new();
    file.section(false)
        .interface(1, 0, None, None)
        .interface(276, 0, Some(9), None)
        .enhanced_packet(0, 5, &eth_ipv4_udp(V4_A, V4_B, 500, 500, &message));
    let mut sll2 = 0x86DDu16.to_be_bytes().to_vec();
    sll2.extend_from_slice(&[0; 18]);
    sll2.extend_from_slice(&ipv6_udp(V6_A, V6_B, 4500, 4500, &[0xFF]));
    file.enhanced_packet(1, 7, &sll2);
    let mut reader =
        crate::reader::CaptureReader::new(std::io::Cursor::new(file.bytes.clone())).unwrap();
    let mut dissector = Dissector::new(DissectorConfig::default());
    let mut events = Vec::new();
    while let Some(frame) = reader.next_frame().unwrap() {
        dissector.dissect(&frame, &mut |e| events.push(e));
    }
    dissector.finish(&mut |e| events.push(e));
    assert_eq!(events.len(), 2);
    assert!(matches!(&events[0], NetEvent::Ike(ike) if ike.ts == Timestamp(5000)));
    assert!(
        matches!(&events[1], NetEvent::NatKeepalive(k) if k.frame == 2 && k.ts == Timestamp(7))
    );
}

/// Cross-check with etherparse: random UDP packets, the dissector agrees on addresses, ports
/// and payload, and on which packets are IKE.
fn check_against_etherparse(packet: &[u8], ike: Option<&IkeDatagram>) -> Result<(), TestCaseError> {
    let sliced = etherparse::SlicedPacket::from_ethernet(packet).unwrap();
    let Some(etherparse::TransportSlice::Udp(udp)) = sliced.transport else {
        prop_assert!(ike.is_none());
        return Ok(());
    };
    let ports = [udp.source_port(), udp.destination_port()];
    let expect_ike = ports.contains(&500) && !ports.contains(&4500);
    prop_assert_eq!(expect_ike, ike.is_some());
    if let Some(ike) = ike {
        prop_assert_eq!(ike.src.port(), udp.source_port());
        prop_assert_eq!(ike.dst.port(), udp.destination_port());
        prop_assert_eq!(&ike.payload[..], udp.payload());
    }
    Ok(())
}

fn link_types() -> impl Strategy<Value = u32> {
    prop_oneof![
        Just(0u32),
        Just(1),
        Just(12),
        Just(101),
        Just(108),
        Just(113),
        Just(228),
        Just(229),
        Just(276),
        any::<u32>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Arbitrary frames never panic, and each frame is either skipped or makes progress.
    #[test]
    fn arbitrary_frames_never_panic(
        frames in proptest::collection::vec((link_types(), proptest::collection::vec(any::<u8>(), 0..200)), 1..20)
    ) {
        let (_, stats) = run(&frames);
        prop_assert_eq!(stats.frames, frames.len() as u64);
    }

    /// Plausible IP headers with random fragment fields and bodies never panic and stay bounded.
    #[test]
    fn random_fragments_never_panic(
        pieces in proptest::collection::vec(
            (0u16..4, any::<u16>(), any::<bool>(), prop_oneof![Just(17u8), Just(50u8), Just(1u8)],
             proptest::collection::vec(any::<u8>(), 0..300), any::<bool>()),
            1..60)
    ) {
        let mut dissector = Dissector::new(DissectorConfig {
            max_pending_datagrams: 4,
            max_reassembly_bytes: 16 * 1024,
            ..DissectorConfig::default()
        });
        for (i, (id, offset, more, protocol, body, as_v6)) in pieces.iter().enumerate() {
            let packet = if *as_v6 {
                let mut rest = ipv6_fragment_header(*protocol, offset & 0x1FF8, *more, u32::from(*id));
                rest.extend_from_slice(body);
                ipv6(V6_A, V6_B, PROTO_FRAGMENT, &rest)
            } else {
                ipv4(V4_A, V4_B, *protocol, *id, offset & 0x1FF8, *more, body)
            };
            let frame = Frame {
                number: i as u64 + 1,
                ts: Timestamp(i as i64 * SECOND),
                link_type: 101,
                orig_len: packet.len() as u32,
                file_offset: 0,
                data: &packet,
            };
            dissector.dissect(&frame, &mut |_| {});
            prop_assert!(dissector.pending_datagrams() <= 4);
            prop_assert!(dissector.reassembly_memory() <= 16 * 1024 + 70_000);
        }
        dissector.finish(&mut |_| {});
        prop_assert_eq!(dissector.pending_datagrams(), 0);
    }

    #[test]
    fn agrees_with_etherparse(
        sport in prop_oneof![Just(500u16), Just(4500), any::<u16>()],
        dport in prop_oneof![Just(500u16), Just(4500), any::<u16>()],
        v6_addresses in any::<bool>(),
        payload in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        let packet = if v6_addresses {
            let builder = etherparse::PacketBuilder::ethernet2(MAC_A, MAC_B)
                .ipv6(V6_A, V6_B, 9)
                .udp(sport, dport);
            let mut out = Vec::new();
            builder.write(&mut out, &payload).unwrap();
            out
        } else {
            eth_ipv4_udp(V4_A, V4_B, sport, dport, &payload)
        };
        let (events, _) = run(&[(1, packet.clone())]);
        let ike = events.iter().find_map(|event| match event {
            NetEvent::Ike(ike) if !ike.non_esp_marker => Some(ike),
            _ => None,
        });
        check_against_etherparse(&packet, ike)?;
    }
}
