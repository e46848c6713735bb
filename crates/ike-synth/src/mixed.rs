//! The "mixed" capture: bulk unrelated traffic with IKEv2 and ESP sprinkled in.
//!
//! Frame mix (by count, approximate): ~73% TCP, ~10% DNS, ~15% ESP (IP protocol 50 and
//! ESP-in-UDP 4500), ~2% IKE related (IKE messages on UDP 500 / 4500, their IP fragments,
//! NAT-T keepalives, ICMP "too big" quoting UDP 4500). Some of every kind is tagged with an
//! 802.1Q VLAN and some is IPv6.
//!
//! IKE traffic follows a small pool of tunnels through IKE_SA_INIT (sometimes failing),
//! IKE_AUTH (plain, IP fragmented or RFC 7383 SKF fragmented), then DPD, keepalives,
//! rekeys and deletes, so a diagnoser sees coherent SPI pairs and message IDs.

use std::io::{self, Write};

use fastrand::Rng;

use crate::capture::CaptureWriter;
use crate::ike::{self, IkeHeader};
use crate::packet::{self, NetAddrs, Path, TcpFields};

/// Base capture timestamp: 2025-06-15T15:06:40Z, in microseconds.
pub const BASE_TIME_MICROS: u64 = 1_750_000_000 * 1_000_000;
const ETHERNET_MTU: usize = 1500;
const MAX_FRAME: usize = 1514;
const NOISE_LEN: usize = 64 * 1024;
const GATEWAY_MAC: [u8; 6] = [0x02, 0x00, 0x5e, 0x00, 0x00, 0x01];

/// What the capture is made of: how many tunnels (each its own peer), ESP SAs and TCP flows,
/// and how often each kind of frame is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// IKE peers, each one tunnel at a time: a failed or deleted SA is retried with new SPIs.
    pub tunnels: usize,
    /// Distinct ESP SPIs (flows) the ESP frames are spread over.
    pub esp_sas: usize,
    pub tcp_flows: usize,
    /// Per-10,000 rolls of each step: an IKE event, an ESP frame, a DNS exchange (the rest is TCP).
    pub ike_per_10k: u32,
    pub esp_per_10k: u32,
    pub dns_per_10k: u32,
    /// IKE_SA_INIT attempts that fail, in percent: half unanswered, half NO_PROPOSAL_CHOSEN.
    pub fail_percent: u8,
}

impl Shape {
    /// A host's capture: mostly TCP, a few tunnels.
    pub const MIXED: Shape = Shape {
        tunnels: 64,
        esp_sas: 8192,
        tcp_flows: 512,
        ike_per_10k: 120,
        esp_per_10k: 1_550,
        dns_per_10k: 560,
        fail_percent: 8,
    };

    /// A busy gateway's capture: tens of thousands of peers, a hundred thousand ESP flows,
    /// IKE a large share of the frames, TCP and DNS around them.
    pub const GATEWAY: Shape = Shape {
        tunnels: 20_000,
        esp_sas: 100_000,
        tcp_flows: 512,
        ike_per_10k: 2_500,
        esp_per_10k: 5_500,
        dns_per_10k: 500,
        fail_percent: 20,
    };
}

/// When to stop, how to seed the generator and what to draw.
#[derive(Clone, Copy, Debug)]
pub struct MixedOptions {
    /// Stop once the file reaches this many bytes.
    pub target_bytes: u64,
    /// Also stop after this many frames, if set.
    pub max_frames: Option<u64>,
    pub seed: u64,
    pub shape: Shape,
}

/// What was written, by kind. `isakmp_frames` is the number of frames in which a complete
/// IKE message becomes visible (unfragmented messages plus the last IP fragment of each
/// reassembled one): what `tshark -Y isakmp` counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MixedStats {
    pub frames: u64,
    pub bytes: u64,
    pub tcp_frames: u64,
    pub dns_frames: u64,
    pub esp_frames: u64,
    pub esp_in_udp_frames: u64,
    pub ike_frames: u64,
    pub isakmp_frames: u64,
    pub ike_messages: u64,
    pub ike_on_4500_messages: u64,
    pub sa_init_requests: u64,
    pub sa_init_responses: u64,
    pub ike_auth_messages: u64,
    pub create_child_sa_messages: u64,
    pub informational_messages: u64,
    pub skf_fragments: u64,
    pub ipv4_fragment_frames: u64,
    pub ipv6_fragment_frames: u64,
    pub natt_keepalive_frames: u64,
    pub icmp_too_big_frames: u64,
    pub vlan_frames: u64,
    pub ipv6_frames: u64,
}

impl MixedStats {
    fn fields(&self) -> [(&'static str, u64); 22] {
        [
            ("frames", self.frames),
            ("bytes", self.bytes),
            ("tcp_frames", self.tcp_frames),
            ("dns_frames", self.dns_frames),
            ("esp_frames", self.esp_frames),
            ("esp_in_udp_frames", self.esp_in_udp_frames),
            ("ike_frames", self.ike_frames),
            ("isakmp_frames", self.isakmp_frames),
            ("ike_messages", self.ike_messages),
            ("ike_on_4500_messages", self.ike_on_4500_messages),
            ("sa_init_requests", self.sa_init_requests),
            ("sa_init_responses", self.sa_init_responses),
            ("ike_auth_messages", self.ike_auth_messages),
            ("create_child_sa_messages", self.create_child_sa_messages),
            ("informational_messages", self.informational_messages),
            ("skf_fragments", self.skf_fragments),
            ("ipv4_fragment_frames", self.ipv4_fragment_frames),
            ("ipv6_fragment_frames", self.ipv6_fragment_frames),
            ("natt_keepalive_frames", self.natt_keepalive_frames),
            ("icmp_too_big_frames", self.icmp_too_big_frames),
            ("vlan_frames", self.vlan_frames),
            ("ipv6_frames", self.ipv6_frames),
        ]
    }

    /// One-line JSON object: `"kind"` (`mixed`, `gateway`: shapes of the same generator) plus
    /// every counter.
    pub fn to_json(&self, kind: &str) -> String {
        crate::json_object(kind, &self.fields())
    }
}

/// Writes frames until the target size (or frame count) is reached.
pub fn write_mixed<W: Write>(
    writer: &mut CaptureWriter<W>,
    options: &MixedOptions,
) -> io::Result<MixedStats> {
    let mut generator = Generator::new(writer, options.seed, options.shape);
    let max_frames = options.max_frames.unwrap_or(u64::MAX);
    while generator.out.bytes_written() < options.target_bytes
        && generator.stats.frames < max_frames
    {
        generator.step()?;
    }
    generator.stats.bytes = generator.out.bytes_written();
    Ok(generator.stats)
}

/// splitmix64 finaliser: derives per-index parameters without storing them.
pub fn mix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Client side addresses come from 10.0.0.0/8 and 2001:db8:1::/48, servers from the
/// benchmarking range 198.18.0.0/15 and 2001:db8:2::/48.
pub fn synthetic_path(bits: u64, v6: bool, vlan: Option<u16>) -> Path {
    let b = bits.to_be_bytes();
    let addrs = if v6 {
        let mut src = [0u8; 16];
        src[..6].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01]);
        src[12..16].copy_from_slice(&b[0..4]);
        let mut dst = [0u8; 16];
        dst[..6].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02]);
        dst[14..16].copy_from_slice(&b[4..6]);
        dst[15] |= 1;
        NetAddrs::V6 { src, dst }
    } else {
        NetAddrs::V4 {
            src: [10, b[0], b[1], b[2] | 1],
            dst: [198, 18 + (b[3] & 1), b[4], b[5] | 1],
        }
    };
    Path {
        src_mac: [0x02, 0x00, 0x00, b[0], b[1], b[2]],
        dst_mac: GATEWAY_MAC,
        vlan,
        addrs,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Fresh,
    InitDone,
    Established,
}

#[derive(Clone, Copy, Debug)]
struct Tunnel {
    /// Initiator to responder.
    path: Path,
    /// Behind NAT: IKE moves to UDP 4500 after IKE_SA_INIT, ESP is UDP encapsulated.
    nat: bool,
    /// Initiator's source port as seen in the capture (500 without NAT).
    initiator_port: u16,
    spi_i: u64,
    spi_r: u64,
    group: u16,
    fragmentation: bool,
    next_message_id: u32,
    stage: Stage,
}

#[derive(Clone, Copy, Debug)]
struct TcpFlow {
    /// Client to server.
    path: Path,
    client_port: u16,
    server_port: u16,
    client_seq: u32,
    server_seq: u32,
}

struct Generator<'w, W: Write> {
    out: &'w mut CaptureWriter<W>,
    rng: Rng,
    seed: u64,
    shape: Shape,
    clock_micros: u64,
    stats: MixedStats,
    frame: Vec<u8>,
    segment: Vec<u8>,
    udp_payload: Vec<u8>,
    message: Vec<u8>,
    noise: Vec<u8>,
    tunnels: Vec<Tunnel>,
    esp_sequence: Vec<u32>,
    tcp_flows: Vec<TcpFlow>,
    ip_id: u16,
    fragment_id: u32,
}

fn nonzero_u64(rng: &mut Rng) -> u64 {
    rng.u64(1..)
}

fn ephemeral_port(rng: &mut Rng) -> u16 {
    // Above every well-known port the dissectors care about, so port-based
    // dissection always picks the service port.
    rng.u16(32768..61000)
}

fn random_vlan(rng: &mut Rng, percent: u8) -> Option<u16> {
    (rng.u8(..100) < percent).then(|| rng.u16(100..164))
}

fn new_tunnel(rng: &mut Rng) -> Tunnel {
    let v6 = rng.u8(..100) < 20;
    let vlan = random_vlan(rng, 20);
    let nat = rng.u8(..100) < 65;
    Tunnel {
        path: synthetic_path(rng.u64(..), v6, vlan),
        nat,
        initiator_port: if nat { ephemeral_port(rng) } else { 500 },
        spi_i: nonzero_u64(rng),
        spi_r: 0,
        group: [ike::DH_ECP_256, ike::DH_CURVE25519, ike::DH_MODP_2048][rng.usize(..3)],
        fragmentation: rng.u8(..100) < 45,
        next_message_id: 0,
        stage: Stage::Fresh,
    }
}

fn new_tcp_flow(rng: &mut Rng) -> TcpFlow {
    let v6 = rng.u8(..100) < 20;
    let vlan = random_vlan(rng, 10);
    TcpFlow {
        path: synthetic_path(rng.u64(..), v6, vlan),
        client_port: ephemeral_port(rng),
        server_port: [443, 443, 443, 993, 8443, 853][rng.usize(..6)],
        client_seq: rng.u32(..),
        server_seq: rng.u32(..),
    }
}

impl<'w, W: Write> Generator<'w, W> {
    fn new(out: &'w mut CaptureWriter<W>, seed: u64, shape: Shape) -> Self {
        let mut rng = Rng::with_seed(seed);
        let mut noise = vec![0u8; NOISE_LEN];
        rng.fill(&mut noise);
        let tunnels = (0..shape.tunnels.max(1))
            .map(|_| new_tunnel(&mut rng))
            .collect();
        let tcp_flows = (0..shape.tcp_flows.max(1))
            .map(|_| new_tcp_flow(&mut rng))
            .collect();
        Self {
            out,
            rng,
            seed,
            shape,
            clock_micros: BASE_TIME_MICROS,
            stats: MixedStats::default(),
            frame: Vec::with_capacity(65536 + 64),
            segment: Vec::with_capacity(65536),
            udp_payload: Vec::with_capacity(65536),
            message: Vec::with_capacity(65536),
            noise,
            tunnels,
            esp_sequence: vec![0; shape.esp_sas.max(1)],
            tcp_flows,
            ip_id: 1,
            fragment_id: 1,
        }
    }

    fn step(&mut self) -> io::Result<()> {
        let roll = self.rng.u32(..10_000);
        let ike = self.shape.ike_per_10k;
        let esp = ike + self.shape.esp_per_10k;
        let dns = esp + self.shape.dns_per_10k;
        if roll < ike {
            self.ike_event()
        } else if roll < esp {
            self.esp_frame()
        } else if roll < dns {
            self.dns_exchange()
        } else {
            self.tcp_frame()
        }
    }

    /// Writes `self.frame` as the next record.
    fn emit(&mut self, path: &Path) -> io::Result<()> {
        self.clock_micros += self.rng.u64(1..=60);
        self.out.write_packet(self.clock_micros, &self.frame)?;
        self.stats.frames += 1;
        if path.vlan.is_some() {
            self.stats.vlan_frames += 1;
        }
        if path.addrs.is_v6() {
            self.stats.ipv6_frames += 1;
        }
        Ok(())
    }

    fn next_ip_id(&mut self) -> u16 {
        self.ip_id = self.ip_id.wrapping_add(1);
        self.ip_id
    }

    fn noise_slice(&mut self, len: usize) -> (usize, usize) {
        let len = len.min(NOISE_LEN);
        let start = self.rng.usize(..=NOISE_LEN - len);
        (start, start + len)
    }

    // ---- bulk traffic -------------------------------------------------------------

    fn tcp_frame(&mut self) -> io::Result<()> {
        let index = self.rng.usize(..self.tcp_flows.len());
        if self.rng.u32(..4096) == 0 {
            self.tcp_flows[index] = new_tcp_flow(&mut self.rng);
        }
        let flow = self.tcp_flows[index];
        let max_payload = MAX_FRAME
            - flow.path.link_header_len()
            - flow.path.addrs.ip_header_len()
            - packet::TCP_HEADER_LEN;
        let payload_len = match self.rng.u8(..10) {
            0..=3 => 0,
            4..=7 => max_payload,
            _ => self.rng.usize(1..=max_payload),
        };
        let from_client = payload_len == 0 || self.rng.u8(..4) == 0;
        let (path, tcp) = if from_client {
            (
                flow.path,
                TcpFields {
                    src_port: flow.client_port,
                    dst_port: flow.server_port,
                    seq: flow.client_seq,
                    ack: flow.server_seq,
                    flags: packet::TCP_FLAG_ACK,
                    window: 65535,
                },
            )
        } else {
            (
                flow.path.reversed(),
                TcpFields {
                    src_port: flow.server_port,
                    dst_port: flow.client_port,
                    seq: flow.server_seq,
                    ack: flow.client_seq,
                    flags: packet::TCP_FLAG_ACK | packet::TCP_FLAG_PSH,
                    window: 65535,
                },
            )
        };
        let (start, end) = self.noise_slice(payload_len);
        let ip_id = self.next_ip_id();
        packet::build_tcp_frame(&mut self.frame, &path, &tcp, &self.noise[start..end], ip_id);
        if let Some(flow) = self.tcp_flows.get_mut(index) {
            let advance = (end - start) as u32;
            if from_client {
                flow.client_seq = flow.client_seq.wrapping_add(advance);
            } else {
                flow.server_seq = flow.server_seq.wrapping_add(advance);
            }
        }
        self.stats.tcp_frames += 1;
        self.emit(&path)
    }

    fn dns_exchange(&mut self) -> io::Result<()> {
        let v6 = self.rng.u8(..100) < 20;
        let vlan = random_vlan(&mut self.rng, 10);
        let mut path = synthetic_path(self.rng.u64(..), v6, vlan);
        // One resolver per address family.
        path.addrs = match path.addrs {
            NetAddrs::V4 { src, .. } => NetAddrs::V4 {
                src,
                dst: [198, 18, 0, 53],
            },
            NetAddrs::V6 { src, mut dst } => {
                dst[6..].fill(0);
                dst[15] = 0x53;
                NetAddrs::V6 { src, dst }
            }
        };
        let client_port = ephemeral_port(&mut self.rng);
        let id = self.rng.u16(..);
        let qtype: u16 = if self.rng.bool() { 1 } else { 28 };
        let host = self.rng.u32(..100_000);
        let tld = ["com", "net", "org", "example"][self.rng.usize(..4)];

        // Query.
        let query = &mut self.udp_payload;
        query.clear();
        query.extend_from_slice(&id.to_be_bytes());
        query.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
        let label = format!("host{host}");
        for part in [label.as_str(), "example", tld] {
            query.push(part.len() as u8);
            query.extend_from_slice(part.as_bytes());
        }
        query.push(0);
        query.extend_from_slice(&qtype.to_be_bytes());
        query.extend_from_slice(&1u16.to_be_bytes());
        packet::build_udp_segment(&mut self.segment, &path.addrs, client_port, 53, query);
        let ip_id = self.next_ip_id();
        packet::build_ip_frame(
            &mut self.frame,
            &path,
            packet::IPPROTO_UDP,
            &self.segment,
            ip_id,
        );
        self.stats.dns_frames += 1;
        self.emit(&path)?;

        // Response: same question plus one answer pointing back at it.
        let response = &mut self.udp_payload;
        response[2] = 0x81;
        response[3] = 0x80;
        response[7] = 1; // ANCOUNT
        response.extend_from_slice(&[0xc0, 0x0c]);
        response.extend_from_slice(&qtype.to_be_bytes());
        response.extend_from_slice(&1u16.to_be_bytes());
        response.extend_from_slice(&300u32.to_be_bytes());
        let rdata_len: u16 = if qtype == 1 { 4 } else { 16 };
        response.extend_from_slice(&rdata_len.to_be_bytes());
        let start = response.len();
        response.resize(start + usize::from(rdata_len), 0);
        self.rng.fill(&mut response[start..]);
        let back = path.reversed();
        packet::build_udp_segment(&mut self.segment, &back.addrs, 53, client_port, response);
        let ip_id = self.next_ip_id();
        packet::build_ip_frame(
            &mut self.frame,
            &back,
            packet::IPPROTO_UDP,
            &self.segment,
            ip_id,
        );
        self.stats.dns_frames += 1;
        self.emit(&back)
    }

    fn esp_frame(&mut self) -> io::Result<()> {
        let index = self.rng.usize(..self.esp_sequence.len());
        let bits = mix64(self.seed ^ (index as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
        let spi = (bits as u32) | 0x0000_1000;
        let in_udp = (bits >> 32) % 10 < 4;
        let v6 = (bits >> 36) % 6 == 0;
        let vlan = ((bits >> 40) % 6 == 0).then_some(200 + ((bits >> 44) % 32) as u16);
        let mut path = synthetic_path(mix64(bits), v6, vlan);
        if bits >> 63 == 1 {
            path = path.reversed();
        }
        let sequence = match self.esp_sequence.get_mut(index) {
            Some(sequence) => {
                *sequence = sequence.wrapping_add(1);
                *sequence
            }
            None => 1,
        };
        let overhead = path.link_header_len()
            + path.addrs.ip_header_len()
            + if in_udp { packet::UDP_HEADER_LEN } else { 0 };
        let max_esp = MAX_FRAME - overhead;
        // SPI + sequence + IV(16) + ciphertext (16-byte blocks) + ICV(16).
        let max_blocks = (max_esp - 40) / 16;
        let blocks = if self.rng.bool() {
            self.rng.usize(1..=8)
        } else {
            self.rng
                .usize(max_blocks.saturating_sub(24).max(1)..=max_blocks)
        };
        let body_len = 16 + blocks * 16 + 16;
        let (start, end) = self.noise_slice(body_len);
        let ip_id = self.next_ip_id();
        let esp = &mut self.udp_payload;
        esp.clear();
        esp.extend_from_slice(&spi.to_be_bytes());
        esp.extend_from_slice(&sequence.to_be_bytes());
        esp.extend_from_slice(&self.noise[start..end]);
        if in_udp {
            let port = 4500;
            let nat_port = 32768 + ((bits >> 48) % 28000) as u16;
            let (src_port, dst_port) = if bits >> 63 == 1 {
                (port, nat_port)
            } else {
                (nat_port, port)
            };
            packet::build_udp_segment(&mut self.segment, &path.addrs, src_port, dst_port, esp);
            packet::build_ip_frame(
                &mut self.frame,
                &path,
                packet::IPPROTO_UDP,
                &self.segment,
                ip_id,
            );
            self.stats.esp_in_udp_frames += 1;
        } else {
            packet::build_ip_frame(&mut self.frame, &path, packet::IPPROTO_ESP, esp, ip_id);
            self.stats.esp_frames += 1;
        }
        self.emit(&path)
    }

    // ---- IKE ----------------------------------------------------------------------

    /// Sends `self.message` as one IKE message, fragmenting at the IP layer when the
    /// datagram exceeds the Ethernet MTU.
    fn send_ike(&mut self, path: &Path, src_port: u16, dst_port: u16) -> io::Result<()> {
        let nat_t = src_port == 4500 || dst_port == 4500;
        self.udp_payload.clear();
        if nat_t {
            self.udp_payload.extend_from_slice(&ike::NON_ESP_MARKER);
            self.stats.ike_on_4500_messages += 1;
        }
        self.udp_payload.extend_from_slice(&self.message);
        packet::build_udp_segment(
            &mut self.segment,
            &path.addrs,
            src_port,
            dst_port,
            &self.udp_payload,
        );
        self.stats.ike_messages += 1;
        self.stats.isakmp_frames += 1;
        if path.addrs.ip_header_len() + self.segment.len() <= ETHERNET_MTU {
            let ip_id = self.next_ip_id();
            packet::build_ip_frame(
                &mut self.frame,
                path,
                packet::IPPROTO_UDP,
                &self.segment,
                ip_id,
            );
            self.stats.ike_frames += 1;
            return self.emit(path);
        }
        let chunk = packet::max_fragment_payload(&path.addrs, ETHERNET_MTU);
        let ip_id = self.next_ip_id();
        self.fragment_id = self.fragment_id.wrapping_add(1);
        let fragment_id = self.fragment_id;
        let mut offset = 0;
        while offset < self.segment.len() {
            if path.addrs.is_v6() {
                packet::build_ipv6_fragment(
                    &mut self.frame,
                    path,
                    packet::IPPROTO_UDP,
                    &self.segment,
                    fragment_id,
                    offset,
                    chunk,
                );
                self.stats.ipv6_fragment_frames += 1;
            } else {
                packet::build_ipv4_fragment(
                    &mut self.frame,
                    path,
                    packet::IPPROTO_UDP,
                    &self.segment,
                    ip_id,
                    offset,
                    chunk,
                );
                self.stats.ipv4_fragment_frames += 1;
            }
            self.stats.ike_frames += 1;
            self.emit(path)?;
            offset += chunk;
        }
        Ok(())
    }

    fn ike_event(&mut self) -> io::Result<()> {
        let slot = self.rng.usize(..self.tunnels.len());
        let Some(tunnel) = self.tunnels.get(slot).copied() else {
            return Ok(());
        };
        let tunnel = match tunnel.stage {
            Stage::Fresh => self.sa_init(tunnel)?,
            Stage::InitDone => self.ike_auth(tunnel)?,
            Stage::Established => self.established_event(tunnel)?,
        };
        if let Some(entry) = self.tunnels.get_mut(slot) {
            *entry = tunnel;
        }
        Ok(())
    }

    fn sa_init(&mut self, mut tunnel: Tunnel) -> io::Result<Tunnel> {
        let request_path = tunnel.path;
        let response_path = tunnel.path.reversed();
        let (ip, rp) = (tunnel.initiator_port, 500);
        tunnel.spi_i = nonzero_u64(&mut self.rng);
        let outcome = self.rng.u8(..100);
        // Failures take the top of the roll: [unanswered | NO_PROPOSAL_CHOSEN], and the 8
        // below them ask for another DH group first.
        let fail = self.shape.fail_percent.min(92);
        let unanswered_from = 100 - fail;
        let refused_from = 100 - fail / 2;

        let mut group = tunnel.group;
        if (unanswered_from - 8..unanswered_from).contains(&outcome) {
            // Responder wants another group: INVALID_KE_PAYLOAD, then a retry that works.
            let offered = if group == ike::DH_CURVE25519 {
                ike::DH_ECP_256
            } else {
                ike::DH_CURVE25519
            };
            self.message.clear();
            ike::sa_init_request(
                &mut self.message,
                tunnel.spi_i,
                offered,
                tunnel.fragmentation,
                &mut self.rng,
            );
            self.stats.sa_init_requests += 1;
            self.send_ike(&request_path, ip, rp)?;
            self.message.clear();
            ike::sa_init_error_response(
                &mut self.message,
                tunnel.spi_i,
                ike::NOTIFY_INVALID_KE_PAYLOAD,
                &group.to_be_bytes(),
            );
            self.stats.sa_init_responses += 1;
            self.send_ike(&response_path, rp, ip)?;
            group = tunnel.group;
        }

        self.message.clear();
        ike::sa_init_request(
            &mut self.message,
            tunnel.spi_i,
            group,
            tunnel.fragmentation,
            &mut self.rng,
        );
        let unanswered = (unanswered_from..refused_from).contains(&outcome);
        let sends = if unanswered { 3 } else { 1 };
        for _ in 0..sends {
            self.stats.sa_init_requests += 1;
            self.send_ike(&request_path, ip, rp)?;
        }
        if unanswered {
            return Ok(tunnel);
        }

        self.message.clear();
        if outcome >= refused_from {
            ike::sa_init_error_response(
                &mut self.message,
                tunnel.spi_i,
                ike::NOTIFY_NO_PROPOSAL_CHOSEN,
                &[],
            );
            self.stats.sa_init_responses += 1;
            self.send_ike(&response_path, rp, ip)?;
            return Ok(tunnel);
        }
        tunnel.spi_r = nonzero_u64(&mut self.rng);
        ike::sa_init_response(
            &mut self.message,
            tunnel.spi_i,
            tunnel.spi_r,
            group,
            tunnel.fragmentation,
            &mut self.rng,
        );
        self.stats.sa_init_responses += 1;
        self.send_ike(&response_path, rp, ip)?;
        tunnel.stage = Stage::InitDone;
        tunnel.next_message_id = 1;
        Ok(tunnel)
    }

    fn ike_ports(tunnel: &Tunnel) -> (u16, u16) {
        if tunnel.nat {
            (tunnel.initiator_port, 4500)
        } else {
            (500, 500)
        }
    }

    fn header(tunnel: &Tunnel, exchange: u8, response: bool) -> IkeHeader {
        IkeHeader {
            spi_i: tunnel.spi_i,
            spi_r: tunnel.spi_r,
            exchange,
            flags: if response {
                ike::FLAG_RESPONSE
            } else {
                ike::FLAG_INITIATOR
            },
            message_id: tunnel.next_message_id,
        }
    }

    /// Request and response of one SK-protected exchange.
    fn encrypted_exchange(
        &mut self,
        tunnel: &mut Tunnel,
        exchange: u8,
        request: (u8, usize),
        response: (u8, usize),
    ) -> io::Result<()> {
        let (ip, rp) = Self::ike_ports(tunnel);
        let path = tunnel.path;
        self.message.clear();
        ike::encrypted_message(
            &mut self.message,
            &Self::header(tunnel, exchange, false),
            request.0,
            request.1,
            &mut self.rng,
        );
        self.count_exchange(exchange);
        self.send_ike(&path, ip, rp)?;
        self.message.clear();
        ike::encrypted_message(
            &mut self.message,
            &Self::header(tunnel, exchange, true),
            response.0,
            response.1,
            &mut self.rng,
        );
        self.count_exchange(exchange);
        self.send_ike(&path.reversed(), rp, ip)?;
        tunnel.next_message_id = tunnel.next_message_id.wrapping_add(1);
        Ok(())
    }

    fn count_exchange(&mut self, exchange: u8) {
        match exchange {
            ike::EXCHANGE_IKE_AUTH => self.stats.ike_auth_messages += 1,
            ike::EXCHANGE_CREATE_CHILD_SA => self.stats.create_child_sa_messages += 1,
            _ => self.stats.informational_messages += 1,
        }
    }

    fn ike_auth(&mut self, mut tunnel: Tunnel) -> io::Result<Tunnel> {
        let big = self.rng.u8(..100) < 50;
        let response_len = 16 * self.rng.usize(12..=70);
        if big && tunnel.fragmentation {
            // RFC 7383: the request is split into SKF messages that each fit the MTU.
            let (ip, rp) = Self::ike_ports(&tunnel);
            let total = self.rng.u16(2..=5);
            let header = Self::header(&tunnel, ike::EXCHANGE_IKE_AUTH, false);
            for number in 1..=total {
                let ciphertext = 16 * self.rng.usize(40..=72);
                self.message.clear();
                ike::fragment_message(
                    &mut self.message,
                    &header,
                    ike::PAYLOAD_IDI,
                    number,
                    total,
                    ciphertext,
                    &mut self.rng,
                );
                self.stats.ike_auth_messages += 1;
                self.stats.skf_fragments += 1;
                self.send_ike(&tunnel.path, ip, rp)?;
            }
            self.message.clear();
            ike::encrypted_message(
                &mut self.message,
                &Self::header(&tunnel, ike::EXCHANGE_IKE_AUTH, true),
                ike::PAYLOAD_IDR,
                response_len,
                &mut self.rng,
            );
            self.stats.ike_auth_messages += 1;
            self.send_ike(&tunnel.path.reversed(), rp, ip)?;
            tunnel.next_message_id = tunnel.next_message_id.wrapping_add(1);
        } else {
            // Big requests without fragmentation support exceed the MTU and go out as IP fragments.
            let request_len = if big {
                16 * self.rng.usize(110..=280)
            } else {
                16 * self.rng.usize(16..=60)
            };
            self.encrypted_exchange(
                &mut tunnel,
                ike::EXCHANGE_IKE_AUTH,
                (ike::PAYLOAD_IDI, request_len),
                (ike::PAYLOAD_IDR, response_len),
            )?;
        }
        tunnel.stage = Stage::Established;
        Ok(tunnel)
    }

    fn established_event(&mut self, mut tunnel: Tunnel) -> io::Result<Tunnel> {
        let roll = self.rng.u8(..100);
        match roll {
            0..=34 => self.encrypted_exchange(
                &mut tunnel,
                ike::EXCHANGE_INFORMATIONAL,
                (ike::PAYLOAD_NONE, 16),
                (ike::PAYLOAD_NONE, 16),
            )?,
            35..=64 if tunnel.nat => self.natt_keepalive(&tunnel)?,
            65..=79 if tunnel.nat => self.icmp_too_big(&tunnel)?,
            80..=89 => {
                let request = 16 * self.rng.usize(14..=30);
                let response = 16 * self.rng.usize(14..=30);
                self.encrypted_exchange(
                    &mut tunnel,
                    ike::EXCHANGE_CREATE_CHILD_SA,
                    (ike::PAYLOAD_SA, request),
                    (ike::PAYLOAD_SA, response),
                )?
            }
            90..=99 => {
                self.encrypted_exchange(
                    &mut tunnel,
                    ike::EXCHANGE_INFORMATIONAL,
                    (ike::PAYLOAD_DELETE, 16),
                    (ike::PAYLOAD_NONE, 16),
                )?;
                tunnel = new_tunnel(&mut self.rng);
            }
            _ => self.encrypted_exchange(
                &mut tunnel,
                ike::EXCHANGE_INFORMATIONAL,
                (ike::PAYLOAD_NONE, 16),
                (ike::PAYLOAD_NONE, 16),
            )?,
        }
        Ok(tunnel)
    }

    fn natt_keepalive(&mut self, tunnel: &Tunnel) -> io::Result<()> {
        let path = tunnel.path;
        packet::build_udp_segment(
            &mut self.segment,
            &path.addrs,
            tunnel.initiator_port,
            4500,
            &[0xff],
        );
        let ip_id = self.next_ip_id();
        packet::build_ip_frame(
            &mut self.frame,
            &path,
            packet::IPPROTO_UDP,
            &self.segment,
            ip_id,
        );
        self.stats.natt_keepalive_frames += 1;
        self.emit(&path)
    }

    /// A router on the way complains that a full-size ESP-in-UDP packet did not fit.
    fn icmp_too_big(&mut self, tunnel: &Tunnel) -> io::Result<()> {
        let original = tunnel.path;
        let mut quoted = Vec::with_capacity(128);
        let (datagram_len, mtu) = if original.addrs.is_v6() {
            (1452, 1280)
        } else {
            (1472, 1400)
        };
        match original.addrs {
            NetAddrs::V4 { src, dst } => packet::push_ipv4_header(
                &mut quoted,
                src,
                dst,
                packet::IPPROTO_UDP,
                datagram_len,
                self.rng.u16(..),
                packet::IPV4_DONT_FRAGMENT,
                63,
            ),
            NetAddrs::V6 { src, dst } => packet::push_ipv6_header(
                &mut quoted,
                src,
                dst,
                packet::IPPROTO_UDP,
                datagram_len,
                63,
            ),
        }
        quoted.extend_from_slice(&tunnel.initiator_port.to_be_bytes());
        quoted.extend_from_slice(&4500u16.to_be_bytes());
        quoted.extend_from_slice(&(datagram_len as u16).to_be_bytes());
        quoted.extend_from_slice(&[0, 0]);
        // ESP SPI (never zero, so this is not read as IKE) and sequence number.
        quoted.extend_from_slice(&(self.rng.u32(0x1000..)).to_be_bytes());
        quoted.extend_from_slice(&self.rng.u32(1..).to_be_bytes());
        if original.addrs.is_v6() {
            let (start, end) = self.noise_slice(64);
            quoted.extend_from_slice(&self.noise[start..end]);
        }
        let router = match original.addrs {
            NetAddrs::V4 { src, .. } => NetAddrs::V4 {
                src: [198, 19, 255, 254],
                dst: src,
            },
            NetAddrs::V6 { src, .. } => {
                let mut router = [0u8; 16];
                router[..6].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0x00, 0xff]);
                router[15] = 1;
                NetAddrs::V6 {
                    src: router,
                    dst: src,
                }
            }
        };
        let path = Path {
            src_mac: GATEWAY_MAC,
            dst_mac: original.src_mac,
            vlan: original.vlan,
            addrs: router,
        };
        let ip_id = self.next_ip_id();
        packet::build_icmp_too_big(&mut self.frame, &path, mtu, &quoted, ip_id);
        self.stats.icmp_too_big_frames += 1;
        self.emit(&path)
    }
}
