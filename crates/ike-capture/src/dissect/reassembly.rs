//! IP fragment reassembly, apart from the layers: fragments of datagrams that may carry IKE or
//! ESP are collected per RFC 791 / RFC 8200 key within bounded memory (a cap on pending
//! datagrams and on bytes, a timeout, the oldest evicted first), and a completed datagram goes
//! back to the transport layer; one that never completes is reported as incomplete.

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::IpAddr;

use super::ip::{
    is_extension_header, skip_extension_headers, Fragment, IpPacket, PROTO_ESP, PROTO_ICMP,
    PROTO_ICMPV6, PROTO_UDP,
};
use super::{be16, Datagram, Dissector, PortClass, Skip};
use crate::event::{Frame, IncompleteDatagram, IncompleteReason, NetEvent, Timestamp};

/// Largest reassembled IP payload (the 16-bit length fields allow no more).
const MAX_DATAGRAM_PAYLOAD: u32 = 65_535;
/// Fixed memory charged per pending datagram on top of its buffers.
const PENDING_OVERHEAD: usize = 256;
/// Fragmented datagrams remembered as irrelevant (their first fragment showed other ports), so
/// later fragments are dropped without buffering.
const MAX_IGNORED_DATAGRAMS: usize = 4096;

/// Identity of a fragmented datagram (RFC 791 / RFC 8200 reassembly key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct FragmentKey {
    src: IpAddr,
    dst: IpAddr,
    id: u32,
    /// IPv4 protocol; zero for IPv6, whose key has no protocol.
    protocol: u8,
}

/// A datagram whose fragments are being collected.
#[derive(Debug)]
pub(super) struct PendingDatagram {
    /// Creation order, to find the oldest for eviction.
    serial: u64,
    v6: bool,
    protocol: u8,
    first_frame: u64,
    last_frame: u64,
    first_ts: Timestamp,
    last_ts: Timestamp,
    frames: Vec<u64>,
    /// Payload bytes at their datagram offsets.
    data: Vec<u8>,
    /// Sorted, disjoint, non-adjacent byte ranges received (declared lengths).
    covered: Vec<(u32, u32)>,
    /// Payload length, once the last fragment was seen.
    total_len: Option<u32>,
    /// Header bytes in front of the payload, from the first fragment.
    header_len: Option<u32>,
    /// First payload offset whose bytes the capture did not keep.
    captured_limit: u32,
    bytes_seen: u32,
    ports: Option<(u16, u16)>,
}

impl PendingDatagram {
    fn memory(&self) -> usize {
        PENDING_OVERHEAD
            + self.data.capacity()
            + self.frames.capacity() * std::mem::size_of::<u64>()
            + self.covered.capacity() * std::mem::size_of::<(u32, u32)>()
    }

    fn is_complete(&self) -> bool {
        match (self.total_len, self.covered.as_slice()) {
            (Some(total), [(0, end)]) => *end == total,
            (Some(0), []) => true,
            _ => false,
        }
    }

    /// Records the declared range `start..end`, copying captured bytes only into gaps (the first
    /// copy of overlapping data wins). Returns whether the range overlapped earlier data.
    fn insert(&mut self, start: u32, end: u32, captured: &[u8]) -> bool {
        let captured_end = start + captured.len() as u32;
        if captured_end < end {
            self.captured_limit = self.captured_limit.min(captured_end);
        }
        if self.data.len() < captured_end as usize {
            self.data.resize(captured_end as usize, 0);
        }
        let mut overlapped = false;
        // Copy into each gap of the coverage within start..captured_end.
        let mut cursor = start;
        for &(covered_start, covered_end) in &self.covered {
            if covered_end <= cursor {
                continue;
            }
            if covered_start >= end {
                break;
            }
            overlapped = true;
            if covered_start > cursor {
                copy_range(&mut self.data, captured, start, cursor, covered_start);
            }
            cursor = cursor.max(covered_end);
        }
        if cursor < captured_end {
            copy_range(&mut self.data, captured, start, cursor, captured_end);
        }
        // Merge the new range into the coverage.
        let mut merged_start = start;
        let mut merged_end = end;
        self.covered.retain(|&(s, e)| {
            if e < merged_start || s > merged_end {
                true
            } else {
                merged_start = merged_start.min(s);
                merged_end = merged_end.max(e);
                false
            }
        });
        let position = self
            .covered
            .iter()
            .position(|&(s, _)| s > merged_start)
            .unwrap_or(self.covered.len());
        self.covered.insert(position, (merged_start, merged_end));
        overlapped
    }
}

/// Copies `captured[from - base .. to - base]` (clamped to what was captured) into
/// `data[from..to]`.
fn copy_range(data: &mut [u8], captured: &[u8], base: u32, from: u32, to: u32) {
    let source_start = (from - base) as usize;
    let source_end = ((to - base) as usize).min(captured.len());
    if source_start >= source_end {
        return;
    }
    let length = source_end - source_start;
    if let (Some(target), Some(source)) = (
        data.get_mut(from as usize..from as usize + length),
        captured.get(source_start..source_end),
    ) {
        target.copy_from_slice(source);
    }
}

/// Reassembly state with bounded memory.
#[derive(Debug, Default)]
pub(super) struct Reassembler {
    pub(super) pending: HashMap<FragmentKey, PendingDatagram>,
    /// Creation order (serial, first timestamp, key); entries whose datagram left are stale
    /// and dropped lazily.
    pub(super) order: VecDeque<(u64, Timestamp, FragmentKey)>,
    next_serial: u64,
    pub(super) memory: usize,
    ignored: HashSet<FragmentKey>,
    ignored_order: VecDeque<FragmentKey>,
}

/// A datagram that completed reassembly.
struct Reassembled {
    v6: bool,
    src: IpAddr,
    dst: IpAddr,
    protocol: u8,
    header_len: u32,
    payload: Vec<u8>,
    declared_payload_len: u32,
    frames: Vec<u64>,
}

impl Dissector {
    /// Takes an IP fragment into reassembly.
    pub(super) fn fragment(
        &mut self,
        frame: &Frame<'_>,
        packet: &IpPacket<'_>,
        fragment: Fragment,
        sink: &mut impl FnMut(NetEvent),
    ) -> Result<(), Skip> {
        // Only datagrams that may be UDP or ESP are collected (IPv6 fragments may start with
        // further extension headers).
        let collectable = match packet.protocol {
            PROTO_UDP | PROTO_ESP => true,
            protocol => packet.v6 && is_extension_header(protocol),
        };
        if !collectable {
            if fragment.offset == 0 && matches!(packet.protocol, PROTO_ICMP | PROTO_ICMPV6) {
                // The first fragment of an ICMP error holds the quote.
                return self.transport(frame, &Datagram::unfragmented(packet), sink);
            }
            return Err(Skip::Unrelated);
        }
        let key = FragmentKey {
            src: packet.src,
            dst: packet.dst,
            id: fragment.id,
            protocol: if packet.v6 { 0 } else { packet.protocol },
        };
        if self.reassembly.ignored.contains(&key) {
            return Err(Skip::UnrelatedFragment);
        }
        let start = fragment.offset;
        let end = start.saturating_add(packet.declared_payload_len);
        if end > MAX_DATAGRAM_PAYLOAD || (fragment.more && end == start) {
            return Err(Skip::InvalidFragment);
        }
        // The first fragment shows the ports: datagrams of unrelated UDP flows are dropped.
        let mut ports = None;
        if start == 0 && packet.protocol == PROTO_UDP {
            if let (Some(src_port), Some(dst_port)) =
                (be16(packet.payload, 0), be16(packet.payload, 2))
            {
                if self.port_class(src_port, dst_port) == PortClass::Unrelated {
                    self.ignore(key);
                    if let Some(pending) = self.reassembly.pending.remove(&key) {
                        self.reassembly.memory =
                            self.reassembly.memory.saturating_sub(pending.memory());
                    }
                    return Err(Skip::UnrelatedFragment);
                }
                ports = Some((src_port, dst_port));
            }
        }
        if let Some(pending) = self.reassembly.pending.get(&key) {
            if let Some(total) = pending.total_len {
                if end > total || (!fragment.more && end != total) {
                    return Err(Skip::InvalidFragment);
                }
            }
        } else {
            if self.reassembly.pending.len() >= self.config.max_pending_datagrams.max(1) {
                let _ = self.evict_oldest(sink);
            }
            let serial = self.reassembly.next_serial;
            self.reassembly.next_serial += 1;
            let pending = PendingDatagram {
                serial,
                v6: packet.v6,
                protocol: packet.protocol,
                first_frame: frame.number,
                last_frame: frame.number,
                first_ts: frame.ts,
                last_ts: frame.ts,
                frames: Vec::new(),
                data: Vec::new(),
                covered: Vec::new(),
                total_len: None,
                header_len: None,
                captured_limit: u32::MAX,
                bytes_seen: 0,
                ports: None,
            };
            self.reassembly.memory += pending.memory();
            self.reassembly.pending.insert(key, pending);
            self.reassembly.order.push_back((serial, frame.ts, key));
            self.compact_order();
        }
        self.stats.ip_fragments += 1;
        let Some(pending) = self.reassembly.pending.get_mut(&key) else {
            return Ok(());
        };
        let memory_before = pending.memory();
        pending.last_frame = frame.number;
        pending.last_ts = frame.ts;
        if pending.frames.len() < u16::MAX as usize {
            pending.frames.push(frame.number);
        }
        pending.bytes_seen = pending.bytes_seen.saturating_add(end - start);
        if start == 0 {
            pending.header_len = Some(packet.header_len);
            pending.protocol = packet.protocol;
            if ports.is_some() {
                pending.ports = ports;
            }
        }
        if !fragment.more {
            pending.total_len = Some(end);
        }
        let overlapped = pending.insert(start, end, packet.payload);
        let complete = pending.is_complete() && pending.header_len.is_some();
        let memory_after = pending.memory();
        self.reassembly.memory =
            (self.reassembly.memory + memory_after).saturating_sub(memory_before);
        if overlapped {
            self.stats.fragment_overlaps += 1;
        }
        if complete {
            if let Some(pending) = self.reassembly.pending.remove(&key) {
                self.reassembly.memory = self.reassembly.memory.saturating_sub(pending.memory());
                self.stats.reassembled_datagrams += 1;
                return self.complete(frame, key, pending, sink);
            }
        }
        while self.reassembly.memory > self.config.max_reassembly_bytes {
            if !self.evict_oldest(sink) {
                break;
            }
        }
        Ok(())
    }

    /// Dissects a reassembled datagram.
    fn complete(
        &mut self,
        frame: &Frame<'_>,
        key: FragmentKey,
        pending: PendingDatagram,
        sink: &mut impl FnMut(NetEvent),
    ) -> Result<(), Skip> {
        let total = pending.total_len.unwrap_or(0);
        let mut payload = pending.data;
        payload.truncate(total.min(pending.captured_limit) as usize);
        let reassembled = Reassembled {
            v6: pending.v6,
            src: key.src,
            dst: key.dst,
            protocol: pending.protocol,
            header_len: pending.header_len.unwrap_or(0),
            payload,
            declared_payload_len: total,
            frames: pending.frames,
        };
        let (protocol, at) = if reassembled.v6 {
            skip_extension_headers(reassembled.protocol, &reassembled.payload, 0)
                .ok_or(Skip::TruncatedIp)?
        } else {
            (reassembled.protocol, 0)
        };
        let datagram = Datagram {
            v6: reassembled.v6,
            src: reassembled.src,
            dst: reassembled.dst,
            protocol,
            payload: reassembled.payload.get(at..).unwrap_or_default(),
            ip_len: reassembled.header_len + reassembled.declared_payload_len,
            fragments: Some(&reassembled.frames),
        };
        self.transport(frame, &datagram, sink)
    }

    fn ignore(&mut self, key: FragmentKey) {
        if self.reassembly.ignored.insert(key) {
            self.reassembly.ignored_order.push_back(key);
            if self.reassembly.ignored_order.len() > MAX_IGNORED_DATAGRAMS {
                if let Some(old) = self.reassembly.ignored_order.pop_front() {
                    self.reassembly.ignored.remove(&old);
                }
            }
        }
    }

    /// Drops stale entries from the creation-order queue when it is mostly stale, so it stays
    /// proportional to the pending datagrams.
    fn compact_order(&mut self) {
        let reassembly = &mut self.reassembly;
        if reassembly.order.len() > 2 * reassembly.pending.len() + 64 {
            let pending = &reassembly.pending;
            reassembly
                .order
                .retain(|(serial, _, key)| pending.get(key).is_some_and(|p| p.serial == *serial));
        }
    }

    /// Evicts the oldest pending datagram. Returns whether there was one.
    fn evict_oldest(&mut self, sink: &mut impl FnMut(NetEvent)) -> bool {
        while let Some((serial, _, key)) = self.reassembly.order.pop_front() {
            if self.drop_pending(serial, key, Some(IncompleteReason::Evicted), sink) {
                return true;
            }
        }
        false
    }

    /// Reports datagrams whose first fragment is older than the timeout.
    pub(super) fn expire(&mut self, now: Timestamp, sink: &mut impl FnMut(NetEvent)) {
        let timeout = i64::try_from(self.config.reassembly_timeout_ns).unwrap_or(i64::MAX);
        while let Some(&(serial, first_ts, key)) = self.reassembly.order.front() {
            if now.0.saturating_sub(first_ts.0) <= timeout {
                break;
            }
            self.reassembly.order.pop_front();
            self.drop_pending(serial, key, Some(IncompleteReason::Timeout), sink);
        }
    }

    /// Removes the pending datagram `key` if it is still the one created as `serial`, reporting
    /// it as incomplete. Returns whether it was there.
    pub(super) fn drop_pending(
        &mut self,
        serial: u64,
        key: FragmentKey,
        reason: Option<IncompleteReason>,
        sink: &mut impl FnMut(NetEvent),
    ) -> bool {
        match self.reassembly.pending.get(&key) {
            Some(pending) if pending.serial == serial => {}
            _ => return false,
        }
        let Some(pending) = self.reassembly.pending.remove(&key) else {
            return false;
        };
        self.reassembly.memory = self.reassembly.memory.saturating_sub(pending.memory());
        let Some(reason) = reason else {
            return true;
        };
        match reason {
            IncompleteReason::Timeout => self.stats.reassembly_timeouts += 1,
            IncompleteReason::Evicted => self.stats.reassembly_evictions += 1,
            IncompleteReason::EndOfCapture => self.stats.reassembly_unfinished_at_end += 1,
        }
        self.stats.incomplete_datagrams += 1;
        let default_header = if pending.v6 { 40 } else { 20 };
        sink(NetEvent::IncompleteDatagram(IncompleteDatagram {
            first_frame: pending.first_frame,
            last_frame: pending.last_frame,
            first_ts: pending.first_ts,
            last_ts: pending.last_ts,
            src: key.src,
            dst: key.dst,
            protocol: pending.protocol,
            ports: pending.ports,
            fragments_seen: pending.frames.len() as u32,
            bytes_seen: pending.bytes_seen,
            total_len: pending
                .total_len
                .map(|total| pending.header_len.unwrap_or(default_header) + total),
            reason,
        }));
        true
    }
}
