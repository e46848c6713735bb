//! Streaming pcap / pcapng reader with a fixed-size buffer.
//!
//! The record walker is written by hand (see the crate documentation for why); pcap-parser decodes
//! the options of pcapng interface description blocks.

use crate::event::{Frame, Timestamp};
use pcap_parser::pcapng::OptionCode;
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Largest packet (captured length) a record may carry: 256 KiB, the largest snapshot length
/// libpcap and dumpcap use.
pub const MAX_PACKET_LEN: usize = 256 * 1024;

/// Largest pcapng block the reader holds in memory (packet data plus header, padding and options).
/// Larger blocks of kinds the reader skips are discarded while streaming.
pub const MAX_BLOCK_LEN: usize = MAX_PACKET_LEN + 64 * 1024;

/// Size of the read buffer. It never grows: every record held in memory is at most
/// [`MAX_BLOCK_LEN`] bytes, which fits.
const READ_BUFFER_LEN: usize = 1 << 20;

const PCAP_HEADER_LEN: usize = 24;
const PCAPNG_SHB: u32 = 0x0A0D_0D0A;
const PCAPNG_BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;
const PCAPNG_IDB: u32 = 0x0000_0001;
const PCAPNG_OBSOLETE_PB: u32 = 0x0000_0002;
const PCAPNG_SPB: u32 = 0x0000_0003;
const PCAPNG_EPB: u32 = 0x0000_0006;
const PCAPNG_ISB: u32 = 0x0000_0005;
/// `isb_endtime`: when the capture on an interface stopped.
const ISB_ENDTIME: u16 = 3;

/// Link type reported for packets whose interface is not described (a damaged pcapng file); no
/// dissector knows it, so such frames are counted as unsupported while keeping frame numbers
/// aligned with Wireshark's.
pub const LINKTYPE_UNKNOWN_INTERFACE: u32 = u32::MAX;

/// A capture that could not be read further. The reader returns no frames after an error.
#[derive(Debug)]
pub struct CaptureError {
    /// Byte offset in the file of the record (or read position) at fault.
    pub offset: u64,
    pub kind: CaptureErrorKind,
}

#[derive(Debug)]
pub enum CaptureErrorKind {
    /// The operating system failed to read.
    Io(io::Error),
    /// The content starts with neither a pcap nor a pcapng magic number.
    NotACapture,
    /// The file ends in the middle of a record (or of the file header).
    Truncated,
    /// A record declares a length above what the reader accepts.
    RecordTooLarge { len: u64, max: u64 },
    /// A record's fields contradict each other (e.g. a captured length beyond its block).
    Malformed(&'static str),
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let offset = self.offset;
        match &self.kind {
            CaptureErrorKind::Io(e) => write!(f, "read error at offset {offset}: {e}"),
            CaptureErrorKind::NotACapture => {
                write!(
                    f,
                    "not a pcap or pcapng file (no known magic number at offset {offset})"
                )
            }
            CaptureErrorKind::Truncated => write!(f, "truncated record at offset {offset}"),
            CaptureErrorKind::RecordTooLarge { len, max } => write!(
                f,
                "record length {len} at offset {offset} exceeds the maximum of {max} bytes"
            ),
            CaptureErrorKind::Malformed(what) => {
                write!(f, "malformed record at offset {offset}: {what}")
            }
        }
    }
}

impl std::error::Error for CaptureError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            CaptureErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// Capture file format detected from the magic number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureFormat {
    /// Classic libpcap format.
    Pcap {
        big_endian: bool,
        nanosecond: bool,
        /// Alexey Kuznetzov's patched format (24-byte record headers).
        modified: bool,
    },
    /// pcapng; the byte order may change from one section to the next.
    PcapNg,
}

/// How one interface's raw timestamps become nanoseconds.
#[derive(Debug, Clone, Copy)]
enum TsScale {
    /// Multiply raw units by this (resolutions of 10^-9 and coarser).
    Mul(u64),
    /// Divide raw units by this (decimal resolutions finer than nanoseconds).
    Div(u64),
    /// Raw units are 2^-shift seconds.
    Pow2(u8),
}

impl TsScale {
    fn from_tsresol(tsresol: u8) -> TsScale {
        let exponent = tsresol & 0x7F;
        if tsresol & 0x80 != 0 {
            TsScale::Pow2(exponent)
        } else if exponent <= 9 {
            TsScale::Mul(10u64.pow(9 - u32::from(exponent)))
        } else {
            // 10^19 is the largest power of ten in a u64; finer resolutions round to zero anyway.
            TsScale::Div(10u64.pow(u32::from(exponent.min(19)) - 9))
        }
    }

    fn to_nanos(self, raw: u64) -> i64 {
        let nanos: u128 = match self {
            TsScale::Mul(m) => u128::from(raw) * u128::from(m),
            TsScale::Div(d) => u128::from(raw / d),
            TsScale::Pow2(shift) => {
                if shift >= 64 {
                    (u128::from(raw) * 1_000_000_000) >> shift.min(127)
                } else {
                    (u128::from(raw) * 1_000_000_000) >> shift
                }
            }
        };
        i64::try_from(nanos).unwrap_or(i64::MAX)
    }
}

#[derive(Debug, Clone, Copy)]
struct Interface {
    link_type: u32,
    snaplen: u32,
    scale: TsScale,
    offset_nanos: i64,
}

#[derive(Debug)]
struct PcapNgSection {
    big_endian: bool,
    interfaces: Vec<Interface>,
}

#[derive(Debug)]
enum State {
    Pcap {
        big_endian: bool,
        nanosecond: bool,
        record_header_len: usize,
        link_type: u32,
    },
    PcapNg(PcapNgSection),
}

/// Streams frames out of a pcap or pcapng capture in constant memory.
///
/// Frames borrow the reader's buffer, so each must be dropped before asking for the next.
pub struct CaptureReader<R: Read> {
    source: R,
    buf: Box<[u8]>,
    /// Unconsumed bytes are `buf[start..end]`.
    start: usize,
    end: usize,
    source_exhausted: bool,
    /// File offset of `buf[start]`.
    offset: u64,
    format: CaptureFormat,
    state: State,
    frames: u64,
    /// Timestamp of the previous packet, given to simple packet blocks, which carry none.
    last_ts: Timestamp,
    /// The latest `isb_endtime` read.
    capture_end: Option<Timestamp>,
    failed: bool,
}

impl CaptureReader<File> {
    /// Opens a capture file; the format is detected from its content, not its name.
    pub fn open(path: &Path) -> Result<CaptureReader<File>, CaptureError> {
        let file = File::open(path).map_err(|e| CaptureError {
            offset: 0,
            kind: CaptureErrorKind::Io(e),
        })?;
        CaptureReader::new(file)
    }
}

fn read_u16(bytes: &[u8], at: usize, big_endian: bool) -> Option<u16> {
    let raw: [u8; 2] = bytes.get(at..at + 2)?.try_into().ok()?;
    Some(if big_endian {
        u16::from_be_bytes(raw)
    } else {
        u16::from_le_bytes(raw)
    })
}

fn read_u32(bytes: &[u8], at: usize, big_endian: bool) -> Option<u32> {
    let raw: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
    Some(if big_endian {
        u32::from_be_bytes(raw)
    } else {
        u32::from_le_bytes(raw)
    })
}

/// Outcome of examining the record at the buffer's start.
enum Step {
    /// A packet: its data is `buf[data_start..data_end]`; the record is `record_len` bytes.
    Packet {
        record_len: usize,
        data_start: usize,
        data_end: usize,
        ts: Timestamp,
        link_type: u32,
        orig_len: u32,
    },
    /// A record to step over without returning anything.
    Skip { record_len: u64 },
}

impl<R: Read> CaptureReader<R> {
    /// Wraps a byte source, reading and checking the file header.
    pub fn new(source: R) -> Result<Self, CaptureError> {
        let mut reader = CaptureReader {
            source,
            buf: vec![0u8; READ_BUFFER_LEN].into_boxed_slice(),
            start: 0,
            end: 0,
            source_exhausted: false,
            offset: 0,
            format: CaptureFormat::PcapNg,
            state: State::PcapNg(PcapNgSection {
                big_endian: false,
                interfaces: Vec::new(),
            }),
            frames: 0,
            last_ts: Timestamp::default(),
            capture_end: None,
            failed: false,
        };
        reader.read_file_header()?;
        Ok(reader)
    }

    /// The detected file format.
    pub fn format(&self) -> CaptureFormat {
        self.format
    }

    /// Bytes of the file consumed so far (headers and records already returned or skipped).
    pub fn bytes_consumed(&self) -> u64 {
        self.offset
    }

    /// Packet records seen so far (the number of the last frame returned).
    pub fn frames_read(&self) -> u64 {
        self.frames
    }

    fn error(&mut self, offset: u64, kind: CaptureErrorKind) -> CaptureError {
        self.failed = true;
        CaptureError { offset, kind }
    }

    /// Makes at least `want` bytes available at `buf[start..]`, unless the source ends first.
    /// Returns whether they are available. `want` must not exceed the buffer length.
    fn fill(&mut self, want: usize) -> Result<bool, CaptureError> {
        if self.end - self.start >= want {
            return Ok(true);
        }
        if self.start + want > self.buf.len() {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        while self.end - self.start < want && !self.source_exhausted {
            let space = match self.buf.get_mut(self.end..) {
                Some(space) if !space.is_empty() => space,
                _ => break,
            };
            match self.source.read(space) {
                Ok(0) => self.source_exhausted = true,
                Ok(n) => self.end += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let at = self.offset + (self.end - self.start) as u64;
                    return Err(self.error(at, CaptureErrorKind::Io(e)));
                }
            }
        }
        Ok(self.end - self.start >= want)
    }

    /// Steps over `len` bytes, discarding what is not buffered without holding it.
    fn skip(&mut self, len: u64) -> Result<bool, CaptureError> {
        let buffered = (self.end - self.start) as u64;
        if len <= buffered {
            self.start += len as usize;
            self.offset += len;
            return Ok(true);
        }
        let mut remaining = len - buffered;
        self.offset += buffered;
        self.start = 0;
        self.end = 0;
        while remaining > 0 {
            if !self.fill(1)? {
                return Ok(false);
            }
            let take = remaining.min((self.end - self.start) as u64);
            self.start += take as usize;
            self.offset += take;
            remaining -= take;
        }
        Ok(true)
    }

    fn read_file_header(&mut self) -> Result<(), CaptureError> {
        if !self.fill(4)? {
            return Err(self.error(0, CaptureErrorKind::NotACapture));
        }
        let head = &self.buf[self.start..self.end];
        let magic_le = read_u32(head, 0, false).unwrap_or(0);
        let magic_be = read_u32(head, 0, true).unwrap_or(0);
        if magic_le == PCAPNG_SHB {
            self.format = CaptureFormat::PcapNg;
            // The section header is read as an ordinary block by `next_frame`.
            return Ok(());
        }
        let (big_endian, magic) = match (magic_le, magic_be) {
            (0xA1B2_C3D4 | 0xA1B2_3C4D | 0xA1B2_CD34, _) => (false, magic_le),
            (_, 0xA1B2_C3D4 | 0xA1B2_3C4D | 0xA1B2_CD34) => (true, magic_be),
            _ => return Err(self.error(0, CaptureErrorKind::NotACapture)),
        };
        if !self.fill(PCAP_HEADER_LEN)? {
            return Err(self.error(0, CaptureErrorKind::Truncated));
        }
        let head = &self.buf[self.start..self.end];
        // The upper bits of the link type field carry FCS information (as libpcap masks it).
        let link_type = read_u32(head, 20, big_endian).unwrap_or(0) & 0x03FF_FFFF;
        let nanosecond = magic == 0xA1B2_3C4D;
        let modified = magic == 0xA1B2_CD34;
        self.format = CaptureFormat::Pcap {
            big_endian,
            nanosecond,
            modified,
        };
        self.state = State::Pcap {
            big_endian,
            nanosecond,
            record_header_len: if modified { 24 } else { 16 },
            link_type,
        };
        self.start += PCAP_HEADER_LEN;
        self.offset += PCAP_HEADER_LEN as u64;
        Ok(())
    }

    /// Returns the next frame, `Ok(None)` at the end of the capture. After an error the capture
    /// is over: the frames before it were all returned, and later calls return `Ok(None)`.
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        if self.failed {
            return Ok(None);
        }
        loop {
            let record_offset = self.offset;
            let step = match &self.state {
                State::Pcap { .. } => self.pcap_record()?,
                State::PcapNg(_) => self.pcapng_block()?,
            };
            match step {
                None => return Ok(None),
                Some(Step::Skip { record_len }) => {
                    if !self.skip(record_len)? {
                        return Err(self.error(record_offset, CaptureErrorKind::Truncated));
                    }
                }
                Some(Step::Packet {
                    record_len,
                    data_start,
                    data_end,
                    ts,
                    link_type,
                    orig_len,
                }) => {
                    self.start += record_len;
                    self.offset += record_len as u64;
                    self.frames += 1;
                    self.last_ts = ts;
                    return Ok(Some(Frame {
                        number: self.frames,
                        ts,
                        link_type,
                        orig_len,
                        file_offset: record_offset,
                        data: self.buf.get(data_start..data_end).unwrap_or_default(),
                    }));
                }
            }
        }
    }

    /// Examines the classic pcap record at the buffer's start.
    fn pcap_record(&mut self) -> Result<Option<Step>, CaptureError> {
        let State::Pcap {
            big_endian,
            nanosecond,
            record_header_len,
            link_type,
        } = self.state
        else {
            return Ok(None);
        };
        let offset = self.offset;
        if !self.fill(record_header_len)? {
            if self.end == self.start {
                return Ok(None);
            }
            return Err(self.error(offset, CaptureErrorKind::Truncated));
        }
        let head = &self.buf[self.start..self.end];
        let (Some(ts_sec), Some(ts_frac), Some(caplen), Some(orig_len)) = (
            read_u32(head, 0, big_endian),
            read_u32(head, 4, big_endian),
            read_u32(head, 8, big_endian),
            read_u32(head, 12, big_endian),
        ) else {
            return Err(self.error(offset, CaptureErrorKind::Truncated));
        };
        if caplen as usize > MAX_PACKET_LEN {
            return Err(self.error(
                offset,
                CaptureErrorKind::RecordTooLarge {
                    len: u64::from(caplen),
                    max: MAX_PACKET_LEN as u64,
                },
            ));
        }
        let record_len = record_header_len + caplen as usize;
        if !self.fill(record_len)? {
            return Err(self.error(offset, CaptureErrorKind::Truncated));
        }
        let frac_nanos = if nanosecond {
            i64::from(ts_frac)
        } else {
            i64::from(ts_frac) * 1000
        };
        let ts = Timestamp(i64::from(ts_sec) * 1_000_000_000 + frac_nanos);
        Ok(Some(Step::Packet {
            record_len,
            data_start: self.start + record_header_len,
            data_end: self.start + record_len,
            ts,
            link_type,
            orig_len,
        }))
    }

    /// Examines the pcapng block at the buffer's start.
    fn pcapng_block(&mut self) -> Result<Option<Step>, CaptureError> {
        let offset = self.offset;
        if !self.fill(12)? {
            if self.end == self.start {
                return Ok(None);
            }
            return Err(self.error(offset, CaptureErrorKind::Truncated));
        }
        let head = &self.buf[self.start..self.end];
        let block_type_le = read_u32(head, 0, false).unwrap_or(0);
        if block_type_le == PCAPNG_SHB {
            return self.section_header(offset).map(Some);
        }
        let State::PcapNg(section) = &self.state else {
            return Ok(None);
        };
        let big_endian = section.big_endian;
        let block_type = read_u32(head, 0, big_endian).unwrap_or(0);
        let block_len = read_u32(head, 4, big_endian).unwrap_or(0);
        if block_len < 12 || block_len & 3 != 0 {
            return Err(self.error(
                offset,
                CaptureErrorKind::Malformed("pcapng block length below 12 or not a multiple of 4"),
            ));
        }
        let holds_data = matches!(
            block_type,
            PCAPNG_IDB | PCAPNG_OBSOLETE_PB | PCAPNG_SPB | PCAPNG_EPB | PCAPNG_ISB
        );
        if !holds_data {
            return Ok(Some(Step::Skip {
                record_len: u64::from(block_len),
            }));
        }
        let block_len = block_len as usize;
        if block_len > MAX_BLOCK_LEN {
            return Err(self.error(
                offset,
                CaptureErrorKind::RecordTooLarge {
                    len: block_len as u64,
                    max: MAX_BLOCK_LEN as u64,
                },
            ));
        }
        if !self.fill(block_len)? {
            return Err(self.error(offset, CaptureErrorKind::Truncated));
        }
        let block = &self.buf[self.start..self.start + block_len];
        if read_u32(block, block_len - 4, big_endian) != Some(block_len as u32) {
            return Err(self.error(
                offset,
                CaptureErrorKind::Malformed("pcapng trailing block length differs"),
            ));
        }
        match block_type {
            PCAPNG_EPB => self.packet_block(offset, block_len, big_endian, false),
            PCAPNG_OBSOLETE_PB => self.packet_block(offset, block_len, big_endian, true),
            PCAPNG_SPB => self.simple_packet_block(offset, block_len, big_endian),
            PCAPNG_ISB => {
                self.interface_statistics(block_len, big_endian);
                Ok(Some(Step::Skip {
                    record_len: block_len as u64,
                }))
            }
            _ => {
                self.interface_description(block_len, big_endian);
                Ok(Some(Step::Skip {
                    record_len: block_len as u64,
                }))
            }
        }
    }

    fn section_header(&mut self, offset: u64) -> Result<Step, CaptureError> {
        let head = &self.buf[self.start..self.end];
        let big_endian = match read_u32(head, 8, false) {
            Some(PCAPNG_BYTE_ORDER_MAGIC) => false,
            Some(m) if m.swap_bytes() == PCAPNG_BYTE_ORDER_MAGIC => true,
            _ => {
                return Err(self.error(
                    offset,
                    CaptureErrorKind::Malformed("section header without a byte-order magic"),
                ))
            }
        };
        let block_len = read_u32(head, 4, big_endian).unwrap_or(0);
        if block_len < 28 || block_len & 3 != 0 {
            return Err(self.error(
                offset,
                CaptureErrorKind::Malformed(
                    "section header length below 28 or not a multiple of 4",
                ),
            ));
        }
        self.state = State::PcapNg(PcapNgSection {
            big_endian,
            interfaces: Vec::new(),
        });
        Ok(Step::Skip {
            record_len: u64::from(block_len),
        })
    }

    fn interface_description(&mut self, block_len: usize, big_endian: bool) {
        let block = &self.buf[self.start..self.start + block_len];
        let link_type = read_u16(block, 8, big_endian).map_or(0, u32::from);
        let snaplen = read_u32(block, 12, big_endian).unwrap_or(0);
        // Options decoding is pcap-parser's; an unreadable option list leaves the defaults
        // (microseconds, no offset), as Wireshark does for unknown options.
        let parsed = if big_endian {
            pcap_parser::pcapng::parse_interfacedescriptionblock_be(block)
        } else {
            pcap_parser::pcapng::parse_interfacedescriptionblock_le(block)
        };
        let mut tsresol = 6;
        let mut tsoffset = 0i64;
        if let Ok((_, idb)) = parsed {
            for option in &idb.options {
                let value: &[u8] = &option.value;
                match option.code {
                    OptionCode::IfTsresol => {
                        if let Some(&resolution) = value.first() {
                            tsresol = resolution;
                        }
                    }
                    // Decoded here: pcap-parser 0.17 reads if_tsoffset as little-endian in
                    // big-endian sections too.
                    OptionCode::IfTsoffset => {
                        if let Some(raw) = value.get(..8).and_then(|v| <[u8; 8]>::try_from(v).ok())
                        {
                            tsoffset = if big_endian {
                                i64::from_be_bytes(raw)
                            } else {
                                i64::from_le_bytes(raw)
                            };
                        }
                    }
                    _ => {}
                }
            }
        }
        let interface = Interface {
            link_type,
            snaplen,
            scale: TsScale::from_tsresol(tsresol),
            offset_nanos: tsoffset.saturating_mul(1_000_000_000),
        };
        if let State::PcapNg(section) = &mut self.state {
            // Interfaces are bounded by the number of blocks; cap them so a hostile file cannot
            // grow the table without limit (Wireshark's interface ids are 32-bit as well, but
            // no real capture has a million interfaces).
            if section.interfaces.len() < 1 << 20 {
                section.interfaces.push(interface);
            }
        }
    }

    /// An interface statistics block: only `isb_endtime` is kept, the time the capture stopped
    /// (a capture that saw nothing at the end still covered that time). Malformed options are
    /// ignored, as Wireshark does.
    fn interface_statistics(&mut self, block_len: usize, big_endian: bool) {
        let block = &self.buf[self.start..self.start + block_len];
        let Some(interface) = read_u32(block, 8, big_endian).and_then(|id| self.interface(id))
        else {
            return;
        };
        let mut at = 20usize;
        let end = block_len.saturating_sub(4);
        while at + 4 <= end {
            let (Some(code), Some(len)) = (
                read_u16(block, at, big_endian),
                read_u16(block, at + 2, big_endian),
            ) else {
                return;
            };
            let len = usize::from(len);
            if code == 0 || at + 4 + len > end {
                return;
            }
            if code == ISB_ENDTIME && len == 8 {
                if let (Some(high), Some(low)) = (
                    read_u32(block, at + 4, big_endian),
                    read_u32(block, at + 8, big_endian),
                ) {
                    let raw = (u64::from(high) << 32) | u64::from(low);
                    let ts = Timestamp(
                        interface
                            .scale
                            .to_nanos(raw)
                            .saturating_add(interface.offset_nanos),
                    );
                    self.capture_end = Some(self.capture_end.map_or(ts, |e| e.max(ts)));
                }
            }
            at += 4 + len.div_ceil(4) * 4;
        }
    }

    /// When the capture stopped, as its pcapng statistics say (`isb_endtime`), once read.
    pub fn capture_end(&self) -> Option<Timestamp> {
        self.capture_end
    }

    fn interface(&self, id: u32) -> Option<Interface> {
        match &self.state {
            State::PcapNg(section) => section.interfaces.get(id as usize).copied(),
            State::Pcap { .. } => None,
        }
    }

    /// Enhanced packet block, or the obsolete packet block (16-bit interface id).
    fn packet_block(
        &mut self,
        offset: u64,
        block_len: usize,
        big_endian: bool,
        obsolete: bool,
    ) -> Result<Option<Step>, CaptureError> {
        const FIXED_LEN: usize = 28;
        let block = &self.buf[self.start..self.start + block_len];
        let fields = (
            if obsolete {
                read_u16(block, 8, big_endian).map(u32::from)
            } else {
                read_u32(block, 8, big_endian)
            },
            read_u32(block, 12, big_endian),
            read_u32(block, 16, big_endian),
            read_u32(block, 20, big_endian),
            read_u32(block, 24, big_endian),
        );
        let (Some(if_id), Some(ts_high), Some(ts_low), Some(caplen), Some(orig_len)) = fields
        else {
            return Err(self.error(
                offset,
                CaptureErrorKind::Malformed("packet block shorter than its fixed fields"),
            ));
        };
        let caplen = caplen as usize;
        if caplen > block_len.saturating_sub(FIXED_LEN + 4) {
            return Err(self.error(
                offset,
                CaptureErrorKind::Malformed("captured length exceeds the packet block"),
            ));
        }
        let raw_ts = (u64::from(ts_high) << 32) | u64::from(ts_low);
        let (link_type, ts) = match self.interface(if_id) {
            Some(interface) => (
                interface.link_type,
                Timestamp(
                    interface
                        .scale
                        .to_nanos(raw_ts)
                        .saturating_add(interface.offset_nanos),
                ),
            ),
            None => (
                LINKTYPE_UNKNOWN_INTERFACE,
                Timestamp(TsScale::Mul(1000).to_nanos(raw_ts)),
            ),
        };
        let data_start = self.start + FIXED_LEN;
        Ok(Some(Step::Packet {
            record_len: block_len,
            data_start,
            data_end: data_start + caplen,
            ts,
            link_type,
            orig_len,
        }))
    }

    fn simple_packet_block(
        &mut self,
        offset: u64,
        block_len: usize,
        big_endian: bool,
    ) -> Result<Option<Step>, CaptureError> {
        const FIXED_LEN: usize = 12;
        let block = &self.buf[self.start..self.start + block_len];
        let Some(orig_len) = read_u32(block, 8, big_endian) else {
            return Err(self.error(
                offset,
                CaptureErrorKind::Malformed("simple packet block shorter than its fixed fields"),
            ));
        };
        let room = block_len.saturating_sub(FIXED_LEN + 4);
        let (link_type, snaplen) = match self.interface(0) {
            Some(interface) => (interface.link_type, interface.snaplen),
            None => (LINKTYPE_UNKNOWN_INTERFACE, 0),
        };
        let mut caplen = room.min(orig_len as usize);
        if snaplen != 0 {
            caplen = caplen.min(snaplen as usize);
        }
        let data_start = self.start + FIXED_LEN;
        Ok(Some(Step::Packet {
            record_len: block_len,
            data_start,
            data_end: data_start + caplen,
            ts: self.last_ts,
            link_type,
            orig_len,
        }))
    }
}

#[cfg(test)]
#[path = "reader_tests.rs"]
mod tests;
