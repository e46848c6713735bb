//! In-memory timelines for the rules' unit tests: IKE datagrams built with `ike-wire`, ESP and
//! ICMP events as the dissector emits them, and log text read by the real log scanner. No root,
//! no lab run.
use std::net::SocketAddr;

use ike_capture::{
    EspPacket, IcmpError, IcmpKind, IkeDatagram, NatKeepalive, NetEvent, QuotedFlow, Timestamp,
};
use ike_timeline::{Filter, Limits, SourceId, SourceKind, Timeline, TimelineBuilder};
use ike_wire::{
    ExchangeType, HeaderRepr, MessageRepr, NotifyRepr, NotifyType, Payload, PayloadRepr,
    PayloadType, ProposalRepr, ProtocolId, TransformRepr, TransformType,
};

pub const CLIENT: &str = "192.0.2.10:500";
pub const GATEWAY: &str = "198.51.100.1:500";
pub const I: u8 = 0x08;
pub const R: u8 = 0x20;

pub struct Lab {
    pub builder: TimelineBuilder,
    frames: Vec<u64>,
}

/// One IKE datagram to send.
pub struct Ike {
    pub spi_i: u64,
    pub spi_r: u64,
    pub exchange: ExchangeType,
    pub message_id: u32,
    /// I and R flags.
    pub flags: u8,
    pub payloads: Vec<PayloadRepr>,
    /// Overrides of the endpoints (default: CLIENT and GATEWAY by the I flag).
    pub src: Option<SocketAddr>,
    pub dst: Option<SocketAddr>,
    /// Sent in IP fragments (their frame numbers are made up).
    pub ip_fragments: usize,
}

impl Ike {
    pub fn new(spi_i: u64, spi_r: u64, exchange: ExchangeType, message_id: u32, flags: u8) -> Ike {
        Ike {
            spi_i,
            spi_r,
            exchange,
            message_id,
            flags,
            payloads: Vec::new(),
            src: None,
            dst: None,
            ip_fragments: 0,
        }
    }

    pub fn with(mut self, p: PayloadRepr) -> Ike {
        self.payloads.push(p);
        self
    }

    /// An encrypted body of `len` bytes.
    pub fn sk(self, len: usize) -> Ike {
        self.with(PayloadRepr::Encrypted {
            first_inner: PayloadType(35),
            data: vec![0; len],
        })
    }

    pub fn fragments(mut self, n: usize) -> Ike {
        self.ip_fragments = n;
        self
    }

    pub fn between(mut self, src: &str, dst: &str) -> Ike {
        self.src = src.parse().ok();
        self.dst = dst.parse().ok();
        self
    }
}

pub fn notify(t: NotifyType, data: &[u8]) -> PayloadRepr {
    PayloadRepr::Notify(NotifyRepr {
        protocol: ProtocolId(0),
        spi: Vec::new(),
        notify_type: t,
        data: data.to_vec(),
    })
}

pub fn nonce() -> PayloadRepr {
    PayloadRepr::Nonce(vec![7; 32])
}

/// An SA payload with one IKE proposal: AES-CBC-256, HMAC-SHA2-256, PRF-SHA2-256, `group`.
pub fn sa(group: u16) -> PayloadRepr {
    let t = |transform_type: u8, id: u16, key_length: Option<u16>| TransformRepr {
        transform_type: TransformType(transform_type),
        id,
        key_length,
        other_attributes: Vec::new(),
    };
    PayloadRepr::SecurityAssociation(vec![ProposalRepr {
        number: 1,
        protocol: ProtocolId(1),
        spi: Vec::new(),
        transforms: vec![
            t(1, 12, Some(256)),
            t(3, 12, None),
            t(2, 5, None),
            t(4, group, None),
        ],
    }])
}

impl Lab {
    pub fn new() -> Lab {
        Lab {
            builder: TimelineBuilder::new(Limits::default()),
            frames: Vec::new(),
        }
    }

    pub fn capture(&mut self, name: &str) -> SourceId {
        let id = self.builder.add_source(name, SourceKind::Capture);
        self.frames.push(0);
        id
    }

    fn next_frame(&mut self, source: SourceId, at_ms: i64) -> (u64, Timestamp) {
        let ts = Timestamp(at_ms * 1_000_000);
        let frames = &mut self.frames[source.0 as usize];
        *frames += 1;
        let frame = *frames;
        if let Some(s) = self.builder.source_mut(source) {
            s.coverage.saw(ts);
            s.units_read = frame;
        }
        (frame, ts)
    }

    /// Marks a capture as holding only the IKE ports.
    pub fn filtered(&mut self, source: SourceId) {
        if let Some(s) = self.builder.source_mut(source) {
            s.coverage.filtered = Some(Filter::IkeOnly);
        }
    }

    /// Extends a capture's time span to `at_ms` (the capture went on, nothing more was seen).
    pub fn until(&mut self, source: SourceId, at_ms: i64) {
        if let Some(s) = self.builder.source_mut(source) {
            s.coverage.saw(Timestamp(at_ms * 1_000_000));
        }
    }

    pub fn send(&mut self, source: SourceId, at_ms: i64, ike: Ike) {
        let mut repr = MessageRepr {
            header: HeaderRepr {
                spi_i: ike.spi_i,
                spi_r: ike.spi_r,
                next_payload: PayloadType(0),
                major_version: 2,
                minor_version: 0,
                exchange: ike.exchange,
                flags: ike.flags,
                message_id: ike.message_id,
                length: 0,
            },
            payloads: ike
                .payloads
                .into_iter()
                .map(|body| Payload {
                    critical: false,
                    body,
                })
                .collect(),
        };
        repr.canonicalize_header();
        let from_initiator = ike.flags & I != 0;
        let (src, dst) = if from_initiator {
            (CLIENT, GATEWAY)
        } else {
            (GATEWAY, CLIENT)
        };
        let src = ike.src.unwrap_or_else(|| src.parse().unwrap());
        let dst = ike.dst.unwrap_or_else(|| dst.parse().unwrap());
        let payload = repr.to_bytes();
        let mut fragments = Vec::new();
        let mut frame = 0;
        let mut ts = Timestamp(0);
        for _ in 0..ike.ip_fragments.max(1) {
            (frame, ts) = self.next_frame(source, at_ms);
            fragments.push(frame);
        }
        if ike.ip_fragments == 0 {
            fragments.clear();
        }
        self.builder.push_net_event(
            source,
            NetEvent::Ike(IkeDatagram {
                frame,
                ts,
                src,
                dst,
                non_esp_marker: src.port() == 4500 || dst.port() == 4500,
                ip_fragments: fragments,
                ip_len: payload.len() as u32 + 28,
                payload,
            }),
        );
    }

    /// `count` ESP packets of `len` bytes from `src` to `dst`, one every `every_ms`.
    #[allow(clippy::too_many_arguments)]
    pub fn esp(
        &mut self,
        source: SourceId,
        from_ms: i64,
        every_ms: i64,
        count: usize,
        src: &str,
        dst: &str,
        spi: u32,
        len: u32,
        fragmented: bool,
    ) {
        let src: SocketAddr = src.parse().unwrap();
        let dst: SocketAddr = dst.parse().unwrap();
        for n in 0..count {
            let (frame, ts) = self.next_frame(source, from_ms + n as i64 * every_ms);
            self.builder.push_net_event(
                source,
                NetEvent::Esp(EspPacket {
                    frame,
                    ts,
                    src: src.ip(),
                    dst: dst.ip(),
                    udp_ports: (src.port() == 4500).then_some((4500, 4500)),
                    spi,
                    seq: n as u32 + 1,
                    ip_len: len,
                    fragmented,
                }),
            );
        }
    }

    pub fn keepalive(&mut self, source: SourceId, at_ms: i64, src: &str, dst: &str) {
        let (frame, ts) = self.next_frame(source, at_ms);
        self.builder.push_net_event(
            source,
            NetEvent::NatKeepalive(NatKeepalive {
                frame,
                ts,
                src: src.parse().unwrap(),
                dst: dst.parse().unwrap(),
            }),
        );
    }

    /// An ICMP error from `from` quoting a packet `quoted_src` -> `quoted_dst`.
    #[allow(clippy::too_many_arguments)]
    pub fn icmp(
        &mut self,
        source: SourceId,
        at_ms: i64,
        from: &str,
        kind: IcmpKind,
        protocol: u8,
        quoted_src: &str,
        quoted_dst: &str,
        ports: Option<(u16, u16)>,
        quoted_len: u32,
    ) {
        let (frame, ts) = self.next_frame(source, at_ms);
        let quoted_src: std::net::IpAddr = quoted_src.parse().unwrap();
        let quoted_dst: std::net::IpAddr = quoted_dst.parse().unwrap();
        self.builder.push_net_event(
            source,
            NetEvent::IcmpError(IcmpError {
                frame,
                ts,
                from: from.parse().unwrap(),
                to: quoted_src,
                kind,
                quoted: QuotedFlow {
                    protocol,
                    src: quoted_src,
                    dst: quoted_dst,
                    ports,
                    esp_spi: (protocol == 50).then_some(0x1234),
                    ike_spi_i: None,
                    quoted_ip_len: quoted_len,
                },
            }),
        );
    }

    /// A log, read by the real scanner (its format detected from the text).
    pub fn log(&mut self, name: &str, text: &str) -> SourceId {
        let format = ike_logs::detect(text.as_bytes()).expect("a recognised log");
        let source = self.builder.add_source(name, SourceKind::Log);
        self.frames.push(0);
        let config = ike_logs::ScanConfig {
            reference_ns: Some(1_764_000_000_000_000_000),
            ..Default::default()
        };
        ike_timeline::ingest_log::log_reader(
            &mut self.builder,
            source,
            text.as_bytes(),
            format,
            &config,
        );
        source
    }

    pub fn finish(self) -> Timeline {
        self.builder.finish()
    }
}

/// The usual opening: IKE_SA_INIT request and response of SA `spi` in `source`, from `at_ms`.
pub fn init_exchange(lab: &mut Lab, source: SourceId, at_ms: i64, spi: u64) {
    lab.send(
        source,
        at_ms,
        Ike::new(spi, 0, ExchangeType::IKE_SA_INIT, 0, I)
            .with(sa(14))
            .with(nonce()),
    );
    lab.send(
        source,
        at_ms + 2,
        Ike::new(spi, spi + 1, ExchangeType::IKE_SA_INIT, 0, R)
            .with(sa(14))
            .with(nonce()),
    );
}

/// The diagnosis of the timeline.
pub fn diagnose(timeline: &Timeline) -> crate::Diagnosis {
    crate::diagnose(timeline)
}
