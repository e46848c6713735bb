//! Aggregates for traffic too plentiful to keep packet by packet: ESP and NAT-T keepalives are
//! counted per flow with sizes, times and the longest idle gap.
use std::net::{IpAddr, SocketAddr};

use ike_capture::Timestamp;

use crate::event::SourceId;

/// ESP packets of one SPI in one direction, as seen by one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EspFlow {
    pub source: SourceId,
    pub spi: u32,
    pub src: IpAddr,
    pub dst: IpAddr,
    /// UDP ports when UDP-encapsulated.
    pub udp_ports: Option<(u16, u16)>,
    pub packets: u64,
    pub bytes: u64,
    pub max_ip_len: u32,
    /// When and in which frame the largest size was first seen.
    pub max_ip_len_first_ts: Timestamp,
    pub max_ip_len_first_frame: u64,
    pub fragmented_packets: u64,
    pub first_frame: u64,
    pub last_frame: u64,
    pub first_ts: Timestamp,
    pub last_ts: Timestamp,
    /// Longest gap between two packets and the frame that ended it.
    pub max_gap_ns: i64,
    pub max_gap_end_frame: u64,
}

/// NAT-T keepalives from one endpoint to another, as seen by one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeepaliveFlow {
    pub source: SourceId,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub count: u64,
    pub first_frame: u64,
    pub first_ts: Timestamp,
    pub last_ts: Timestamp,
    pub min_interval_ns: i64,
    pub max_interval_ns: i64,
}
