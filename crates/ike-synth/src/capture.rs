//! Streaming pcap / pcapng writer (Ethernet link type, microsecond timestamps).

use std::io::{self, Write};

/// Link type for Ethernet II frames (LINKTYPE_ETHERNET).
pub const LINKTYPE_ETHERNET: u16 = 1;
/// Snapshot length announced in the file header.
pub const SNAPLEN: u32 = 65535;

const PCAP_MAGIC_MICROS: u32 = 0xa1b2_c3d4;
const PCAPNG_SHB: u32 = 0x0a0d_0d0a;
const PCAPNG_IDB: u32 = 0x0000_0001;
const PCAPNG_EPB: u32 = 0x0000_0006;
const PCAPNG_BYTE_ORDER_MAGIC: u32 = 0x1a2b_3c4d;

/// Capture container format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Classic libpcap, little-endian, microsecond timestamps.
    Pcap,
    /// pcapng with one section and one Ethernet interface.
    Pcapng,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "pcap" => Ok(Format::Pcap),
            "pcapng" => Ok(Format::Pcapng),
            other => Err(format!(
                "unknown format {other:?} (expected pcap or pcapng)"
            )),
        }
    }
}

/// Bytes that open a capture file of the given format (pcap global header, or pcapng SHB + IDB).
pub fn file_header(format: Format) -> Vec<u8> {
    let mut header = Vec::with_capacity(48);
    match format {
        Format::Pcap => {
            header.extend_from_slice(&PCAP_MAGIC_MICROS.to_le_bytes());
            header.extend_from_slice(&2u16.to_le_bytes()); // version major
            header.extend_from_slice(&4u16.to_le_bytes()); // version minor
            header.extend_from_slice(&0i32.to_le_bytes()); // thiszone
            header.extend_from_slice(&0u32.to_le_bytes()); // sigfigs
            header.extend_from_slice(&SNAPLEN.to_le_bytes());
            header.extend_from_slice(&u32::from(LINKTYPE_ETHERNET).to_le_bytes());
        }
        Format::Pcapng => {
            header.extend_from_slice(&PCAPNG_SHB.to_le_bytes());
            header.extend_from_slice(&28u32.to_le_bytes());
            header.extend_from_slice(&PCAPNG_BYTE_ORDER_MAGIC.to_le_bytes());
            header.extend_from_slice(&1u16.to_le_bytes()); // major
            header.extend_from_slice(&0u16.to_le_bytes()); // minor
            header.extend_from_slice(&(-1i64).to_le_bytes()); // section length unknown
            header.extend_from_slice(&28u32.to_le_bytes());
            header.extend_from_slice(&PCAPNG_IDB.to_le_bytes());
            header.extend_from_slice(&20u32.to_le_bytes());
            header.extend_from_slice(&LINKTYPE_ETHERNET.to_le_bytes());
            header.extend_from_slice(&0u16.to_le_bytes()); // reserved
            header.extend_from_slice(&SNAPLEN.to_le_bytes());
            header.extend_from_slice(&20u32.to_le_bytes());
        }
    }
    header
}

/// Writes records one at a time; keeps no per-record state, so memory stays constant.
pub struct CaptureWriter<W: Write> {
    out: W,
    format: Format,
    bytes_written: u64,
    records_written: u64,
    last_record_len: u64,
}

impl<W: Write> CaptureWriter<W> {
    /// Writes the file header and returns a writer positioned for the first record.
    pub fn new(mut out: W, format: Format) -> io::Result<Self> {
        let header = file_header(format);
        out.write_all(&header)?;
        Ok(Self {
            out,
            format,
            bytes_written: header.len() as u64,
            records_written: 0,
            last_record_len: 0,
        })
    }

    /// Appends one frame whose captured and original lengths both equal `frame.len()`.
    pub fn write_packet(&mut self, ts_micros: u64, frame: &[u8]) -> io::Result<()> {
        let len = u32::try_from(frame.len())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "frame longer than 4 GiB"))?;
        self.write_packet_with_lengths(ts_micros, frame, len, len)
    }

    /// Appends one record whose header announces `captured_len` / `original_len` while the
    /// record body is exactly `frame` (hostile files use this to make the header lie).
    pub fn write_packet_with_lengths(
        &mut self,
        ts_micros: u64,
        frame: &[u8],
        captured_len: u32,
        original_len: u32,
    ) -> io::Result<()> {
        let secs = ts_micros / 1_000_000;
        let micros = ts_micros % 1_000_000;
        let record_len = match self.format {
            Format::Pcap => {
                let mut header = [0u8; 16];
                header[0..4].copy_from_slice(&(secs as u32).to_le_bytes());
                header[4..8].copy_from_slice(&(micros as u32).to_le_bytes());
                header[8..12].copy_from_slice(&captured_len.to_le_bytes());
                header[12..16].copy_from_slice(&original_len.to_le_bytes());
                self.out.write_all(&header)?;
                self.out.write_all(frame)?;
                16 + frame.len() as u64
            }
            Format::Pcapng => {
                let padded = (frame.len() + 3) & !3;
                let total = 32 + padded as u64;
                let total32 = u32::try_from(total).map_err(|_| {
                    io::Error::new(io::ErrorKind::InvalidInput, "frame longer than 4 GiB")
                })?;
                let mut header = [0u8; 28];
                header[0..4].copy_from_slice(&PCAPNG_EPB.to_le_bytes());
                header[4..8].copy_from_slice(&total32.to_le_bytes());
                header[8..12].copy_from_slice(&0u32.to_le_bytes()); // interface 0
                header[12..16].copy_from_slice(&((ts_micros >> 32) as u32).to_le_bytes());
                header[16..20].copy_from_slice(&(ts_micros as u32).to_le_bytes());
                header[20..24].copy_from_slice(&captured_len.to_le_bytes());
                header[24..28].copy_from_slice(&original_len.to_le_bytes());
                self.out.write_all(&header)?;
                self.out.write_all(frame)?;
                self.out.write_all(&[0u8; 3][..padded - frame.len()])?;
                self.out.write_all(&total32.to_le_bytes())?;
                total
            }
        };
        self.bytes_written += record_len;
        self.records_written += 1;
        self.last_record_len = record_len;
        Ok(())
    }

    /// Appends bytes with no record framing (for deliberately malformed tails).
    pub fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.bytes_written += bytes.len() as u64;
        Ok(())
    }

    /// Container format being written.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Total bytes written so far, file header included.
    pub fn bytes_written(&self) -> u64 {
        self.bytes_written
    }

    /// Number of records written so far.
    pub fn records_written(&self) -> u64 {
        self.records_written
    }

    /// Size on disk of the most recent record (header + body + padding).
    pub fn last_record_len(&self) -> u64 {
        self.last_record_len
    }

    /// Flushes and returns the underlying writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}
