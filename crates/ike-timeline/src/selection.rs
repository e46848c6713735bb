//! What part of the evidence to keep: one peer's attempts, one SA, a time window. Applied as
//! the inputs are read, so a day-long capture of a busy gateway costs the memory of the part
//! looked at, not of the whole day.
use std::net::IpAddr;

use ike_capture::{NetEvent, Timestamp};

use crate::event::{Event, EventKind};

/// Empty fields select everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Keep packets from or to one of these addresses (and log lines naming one of them, or
    /// naming no address at all).
    pub peers: Vec<IpAddr>,
    /// Keep IKE messages whose initiator or responder SPI is one of these, and ESP packets
    /// whose SPI is (ESP SPIs are 32 bits: they compare as numbers).
    pub spis: Vec<u64>,
    /// Keep what happened at or after this time (log lines without a date are kept).
    pub since: Option<Timestamp>,
    /// Keep what happened at or before this time.
    pub until: Option<Timestamp>,
}

impl Selection {
    pub fn is_everything(&self) -> bool {
        self.peers.is_empty()
            && self.spis.is_empty()
            && self.since.is_none()
            && self.until.is_none()
    }

    fn in_window(&self, t: Timestamp) -> bool {
        self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t <= u)
    }

    fn names_peer(&self, addresses: &[IpAddr]) -> bool {
        self.peers.is_empty() || addresses.iter().any(|a| self.peers.contains(a))
    }

    fn has_spi(&self, spis: &[u64]) -> bool {
        self.spis.is_empty() || spis.iter().any(|s| *s != 0 && self.spis.contains(s))
    }

    /// Whether a packet event read from a capture is kept.
    pub fn keeps_packet(&self, event: &NetEvent) -> bool {
        if self.is_everything() {
            return true;
        }
        match event {
            NetEvent::Ike(d) => {
                let (spi_i, spi_r) = ike_spis(&d.payload);
                self.in_window(d.ts)
                    && self.names_peer(&[d.src.ip(), d.dst.ip()])
                    && self.has_spi(&[spi_i, spi_r])
            }
            NetEvent::Esp(p) => {
                self.in_window(p.ts)
                    && self.names_peer(&[p.src, p.dst])
                    && self.has_spi(&[u64::from(p.spi)])
            }
            NetEvent::NatKeepalive(k) => {
                self.in_window(k.ts) && self.names_peer(&[k.src.ip(), k.dst.ip()])
            }
            NetEvent::IcmpError(e) => {
                self.in_window(e.ts) && self.names_peer(&[e.from, e.to, e.quoted.src, e.quoted.dst])
            }
            NetEvent::IncompleteDatagram(d) => {
                self.in_window(d.last_ts) && self.names_peer(&[d.src, d.dst])
            }
        }
    }

    /// The other ends of `event` when it is a packet kept for a selected peer: the hosts that
    /// talk with that peer. A log is read after the captures and names the remote end only, so
    /// these tell a log's own lines (the selected peer's gateway) from other peers' lines.
    pub fn counterparts(&self, event: &NetEvent) -> Vec<IpAddr> {
        let (a, b) = match event {
            NetEvent::Ike(d) => (d.src.ip(), d.dst.ip()),
            NetEvent::Esp(p) => (p.src, p.dst),
            NetEvent::NatKeepalive(k) => (k.src.ip(), k.dst.ip()),
            NetEvent::IcmpError(_) | NetEvent::IncompleteDatagram(_) => return Vec::new(),
        };
        [(a, b), (b, a)]
            .into_iter()
            .filter(|(peer, _)| self.peers.contains(peer))
            .map(|(_, other)| other)
            .filter(|other| !self.peers.contains(other))
            .collect()
    }

    /// Whether an event made from a log line (or another non-packet input) is kept. Only the
    /// window and the peer apply: log lines rarely print SPIs in a form that compares. A line is
    /// the peer's when it names the peer, or names only hosts the captures showed talking with
    /// it (`counterparts`: the log's own host). `sa_names_peer` remembers, per IKE SA a log
    /// numbers (`<conn|7>`, `#7`), whether its lines were the peer's: its lines without an
    /// address follow that decision (a `MAC mismatched` of another peer's SA is not this
    /// peer's); lines of no known SA are kept.
    pub fn keeps_event(
        &self,
        event: &Event,
        counterparts: &rustc_hash::FxHashSet<IpAddr>,
        sa_names_peer: &mut rustc_hash::FxHashMap<(crate::SourceId, u32), bool>,
    ) -> bool {
        if self.is_everything() {
            return true;
        }
        let EventKind::Log(log) = &event.kind else {
            return true;
        };
        if log.time_known && !self.in_window(event.time) {
            return false;
        }
        if self.peers.is_empty() {
            return true;
        }
        let sa = log.record.sa_ref.map(|n| (event.source(), n));
        let addresses: Vec<IpAddr> = log.addresses().collect();
        if addresses.is_empty() {
            return sa
                .and_then(|key| sa_names_peer.get(&key).copied())
                .unwrap_or(true);
        }
        let peers =
            self.names_peer(&addresses) || addresses.iter().all(|a| counterparts.contains(a));
        if let Some(key) = sa {
            *sa_names_peer.entry(key).or_insert(false) |= peers;
        }
        peers
    }

    /// One line for the report's notes: what was left out.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.peers.is_empty() {
            let peers: Vec<String> = self.peers.iter().map(IpAddr::to_string).collect();
            parts.push(format!("peer {}", peers.join(" or ")));
        }
        if !self.spis.is_empty() {
            let spis: Vec<String> = self.spis.iter().map(|s| format!("{s:#x}")).collect();
            parts.push(format!("SPI {}", spis.join(" or ")));
        }
        if let Some(s) = self.since {
            parts.push(format!("since {}", crate::time::rfc3339_micros(s)));
        }
        if let Some(u) = self.until {
            parts.push(format!("until {}", crate::time::rfc3339_micros(u)));
        }
        format!(
            "only the evidence of {} was kept (the rest was read and left out)",
            parts.join(", ")
        )
    }
}

/// The IKE header's SPIs (zeros when the datagram is too short).
fn ike_spis(payload: &[u8]) -> (u64, u64) {
    let spi = |range: std::ops::Range<usize>| {
        payload
            .get(range)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map_or(0, u64::from_be_bytes)
    };
    (spi(0..8), spi(8..16))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ike_capture::{EspPacket, IkeDatagram};
    use std::net::SocketAddr;

    fn ike(src: &str, dst: &str, spi_i: u64, spi_r: u64, ts: i64) -> NetEvent {
        let mut payload = vec![0u8; 28];
        payload[..8].copy_from_slice(&spi_i.to_be_bytes());
        payload[8..16].copy_from_slice(&spi_r.to_be_bytes());
        NetEvent::Ike(IkeDatagram {
            frame: 1,
            ts: Timestamp(ts),
            src: src.parse::<SocketAddr>().unwrap(),
            dst: dst.parse::<SocketAddr>().unwrap(),
            non_esp_marker: false,
            ip_fragments: Vec::new(),
            ip_len: 48,
            payload,
        })
    }

    fn esp(src: &str, dst: &str, spi: u32) -> NetEvent {
        NetEvent::Esp(EspPacket {
            frame: 2,
            ts: Timestamp(5),
            src: src.parse().unwrap(),
            dst: dst.parse().unwrap(),
            udp_ports: None,
            spi,
            seq: 1,
            ip_len: 100,
            fragmented: false,
        })
    }

    #[test]
    fn everything_by_default() {
        let all = Selection::default();
        assert!(all.is_everything());
        assert!(all.keeps_packet(&ike("10.0.0.1:500", "10.0.0.2:500", 1, 0, 0)));
    }

    #[test]
    fn a_peer_keeps_its_packets_in_both_directions_only() {
        let one = Selection {
            peers: vec!["10.0.0.2".parse().unwrap()],
            ..Default::default()
        };
        assert!(one.keeps_packet(&ike("10.0.0.1:500", "10.0.0.2:500", 1, 0, 0)));
        assert!(one.keeps_packet(&ike("10.0.0.2:4500", "10.0.0.1:4500", 1, 2, 0)));
        assert!(one.keeps_packet(&esp("10.0.0.2", "10.0.0.1", 7)));
        assert!(!one.keeps_packet(&ike("10.0.0.1:500", "10.0.0.3:500", 1, 0, 0)));
        assert!(!one.keeps_packet(&esp("10.0.0.3", "10.0.0.1", 7)));
    }

    #[test]
    fn an_spi_keeps_its_sa_by_either_spi_and_esp_by_its_spi() {
        let sa = Selection {
            spis: vec![0xabcd, 0x1234_5678],
            ..Default::default()
        };
        assert!(sa.keeps_packet(&ike("10.0.0.1:500", "10.0.0.2:500", 0xabcd, 0, 0)));
        assert!(sa.keeps_packet(&ike("10.0.0.1:500", "10.0.0.2:500", 9, 0xabcd, 0)));
        assert!(!sa.keeps_packet(&ike("10.0.0.1:500", "10.0.0.2:500", 9, 0, 0)));
        assert!(sa.keeps_packet(&esp("10.0.0.1", "10.0.0.2", 0x1234_5678)));
        assert!(!sa.keeps_packet(&esp("10.0.0.1", "10.0.0.2", 0x1234_5679)));
    }

    fn log_line(source: u32, sa: Option<u32>, text: &str) -> Event {
        let entry = ike_logs::knowledge::ENTRIES
            .iter()
            .find(|e| e.tag == "charon.psk-mac-mismatch")
            .or_else(|| ike_logs::knowledge::ENTRIES.first())
            .expect("entries");
        let mut record = ike_logs::LogRecord::new(1, None, entry, text.to_string(), false);
        record.sa_ref = sa;
        record.peer = text.split_whitespace().find_map(|w| {
            w.trim_matches(|c: char| !c.is_ascii_hexdigit() && c != '.')
                .parse()
                .ok()
        });
        Event::new(
            Timestamp(0),
            crate::SourceId(source),
            crate::Locator::Line(1),
            EventKind::Log(Box::new(crate::log::LogEvent::from_record(record))),
        )
    }

    #[test]
    fn a_peer_keeps_the_address_less_lines_of_its_own_sas_only() {
        let one = Selection {
            peers: vec!["10.0.0.2".parse().unwrap()],
            ..Default::default()
        };
        let mut sas = Default::default();
        let none = Default::default();
        let mut keeps = |sa, text| one.keeps_event(&log_line(0, sa, text), &none, &mut sas);
        // SA 1 is the peer's, SA 2 another's; their MAC lines name no address.
        assert!(keeps(Some(1), "initiating IKE_SA to 10.0.0.2"));
        assert!(!keeps(Some(2), "initiating IKE_SA to 10.0.0.3"));
        assert!(keeps(Some(1), "MAC mismatched"));
        assert!(!keeps(Some(2), "MAC mismatched"));
        // A line of no SA is kept; the same SA number in another log is another SA.
        assert!(keeps(None, "MAC mismatched"));
        assert!(one.keeps_event(&log_line(1, Some(2), "MAC mismatched"), &none, &mut sas));
    }

    #[test]
    fn a_gateway_selected_by_its_own_address_keeps_its_log() {
        // The captures showed 10.0.0.2 (selected) talking with 10.0.0.9 and 10.0.0.7; the
        // gateway's log names its clients only.
        let gateway = Selection {
            peers: vec!["10.0.0.2".parse().unwrap()],
            ..Default::default()
        };
        let mut counterparts: rustc_hash::FxHashSet<IpAddr> = Default::default();
        counterparts.extend(gateway.counterparts(&ike("10.0.0.9:500", "10.0.0.2:500", 1, 0, 0)));
        counterparts.extend(gateway.counterparts(&esp("10.0.0.2", "10.0.0.7", 9)));
        assert_eq!(counterparts.len(), 2);
        let unrelated = ike("10.0.0.9:500", "10.0.0.8:500", 1, 0, 0);
        assert!(gateway.counterparts(&unrelated).is_empty());
        let mut sas = Default::default();
        let mut keeps =
            |sa, text| gateway.keeps_event(&log_line(0, sa, text), &counterparts, &mut sas);
        assert!(keeps(Some(1), "received packet from 10.0.0.9"));
        assert!(keeps(Some(1), "MAC mismatched"));
        assert!(!keeps(Some(2), "received packet from 10.0.0.5"));
    }

    #[test]
    fn the_window_is_inclusive() {
        let window = Selection {
            since: Some(Timestamp(10)),
            until: Some(Timestamp(20)),
            ..Default::default()
        };
        assert!(!window.keeps_packet(&ike("10.0.0.1:500", "10.0.0.2:500", 1, 0, 9)));
        assert!(window.keeps_packet(&ike("10.0.0.1:500", "10.0.0.2:500", 1, 0, 10)));
        assert!(window.keeps_packet(&ike("10.0.0.1:500", "10.0.0.2:500", 1, 0, 20)));
        assert!(!window.keeps_packet(&ike("10.0.0.1:500", "10.0.0.2:500", 1, 0, 21)));
        assert!(window.describe().contains("since 1970-01-01T00:00:00"));
    }
}
