//! The evidence of one SA as a pcapng file: one interface (nanosecond timestamps), the frames,
//! and an interface statistics block whose `isb_endtime` says until when the watch was
//! capturing. `ike-doctor diagnose` (and Wireshark) read that end, so the silence after the
//! last frame counts as seen: a request with no answer in the file was not answered before the
//! end, not merely cut off.

/// Raw IP, IPv4 or IPv6 by the version nibble: what a packet socket in `SOCK_DGRAM` mode gives.
pub const LINKTYPE_RAW: u32 = 101;

fn block(out: &mut Vec<u8>, block_type: u32, body: &[u8]) {
    let padded = body.len().div_ceil(4) * 4;
    let len = u32::try_from(12 + padded).unwrap_or(u32::MAX);
    out.extend_from_slice(&block_type.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(body);
    out.resize(out.len() + padded - body.len(), 0);
    out.extend_from_slice(&len.to_le_bytes());
}

fn timestamp(ns: i64) -> [u8; 8] {
    let ns = ns.max(0) as u64;
    let mut out = [0u8; 8];
    out[..4].copy_from_slice(&((ns >> 32) as u32).to_le_bytes());
    out[4..].copy_from_slice(&(ns as u32).to_le_bytes());
    out
}

/// A pcapng file of `frames` (time in nanoseconds since the epoch, bytes) of `link_type`,
/// captured until `end_ns`.
pub fn file<'a>(
    link_type: u32,
    frames: impl Iterator<Item = (i64, &'a [u8])>,
    end_ns: i64,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    // Section header: byte-order magic, version 1.0, section length unknown.
    let mut shb = Vec::new();
    shb.extend_from_slice(&0x1A2B_3C4Du32.to_le_bytes());
    shb.extend_from_slice(&1u16.to_le_bytes());
    shb.extend_from_slice(&0u16.to_le_bytes());
    shb.extend_from_slice(&(-1i64).to_le_bytes());
    block(&mut out, 0x0A0D_0D0A, &shb);
    // Interface: link type, snap length, if_tsresol = 9 (nanoseconds).
    let mut idb = Vec::new();
    idb.extend_from_slice(&u16::try_from(link_type).unwrap_or(0).to_le_bytes());
    idb.extend_from_slice(&0u16.to_le_bytes());
    idb.extend_from_slice(&0u32.to_le_bytes());
    idb.extend_from_slice(&[9, 0, 1, 0, 9, 0, 0, 0]);
    idb.extend_from_slice(&[0; 4]);
    block(&mut out, 1, &idb);
    for (ns, data) in frames {
        let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
        let mut epb = Vec::with_capacity(20 + data.len());
        epb.extend_from_slice(&0u32.to_le_bytes());
        epb.extend_from_slice(&timestamp(ns));
        epb.extend_from_slice(&len.to_le_bytes());
        epb.extend_from_slice(&len.to_le_bytes());
        epb.extend_from_slice(data);
        block(&mut out, 6, &epb);
    }
    let mut isb = Vec::new();
    isb.extend_from_slice(&0u32.to_le_bytes());
    isb.extend_from_slice(&timestamp(end_ns));
    isb.extend_from_slice(&3u16.to_le_bytes());
    isb.extend_from_slice(&8u16.to_le_bytes());
    isb.extend_from_slice(&timestamp(end_ns));
    isb.extend_from_slice(&[0; 4]);
    block(&mut out, 5, &isb);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_capture_reader_reads_it_back_with_its_end() {
        let frames = [
            (1_700_000_000_123_456_789i64, &[0x45u8, 0, 0, 20][..]),
            (1_700_000_001_000_000_000, &[0x60, 1, 2][..]),
        ];
        let bytes = file(
            LINKTYPE_RAW,
            frames.iter().copied(),
            1_700_000_009_000_000_000,
        );
        let mut reader = ike_capture::CaptureReader::new(&bytes[..]).expect("header");
        let first = reader.next_frame().expect("frame").expect("one");
        assert_eq!(
            (first.number, first.link_type, first.data, first.ts.0),
            (
                1,
                LINKTYPE_RAW,
                &[0x45u8, 0, 0, 20][..],
                1_700_000_000_123_456_789
            )
        );
        let second = reader.next_frame().expect("frame").expect("two");
        assert_eq!(second.data, &[0x60, 1, 2][..]);
        assert!(reader.next_frame().expect("end").is_none());
        assert_eq!(
            reader.capture_end().map(|t| t.0),
            Some(1_700_000_009_000_000_000)
        );
    }
}
