//! Zero-copy views over IKEv2 bytes, in the style of smoltcp's `wire` module.
//!
//! A view wraps any `T: AsRef<[u8]>`; `new_checked` verifies every length the accessors rely on,
//! so accessors on a checked view never panic. Writers (`set_*`) need `T: AsMut<[u8]>` and are
//! only meant for buffers that `new_checked` (or the emitter) sized.

use crate::registry::{ExchangeType, PayloadType};
use crate::repr::WireError;

/// Byte offsets of the IKE header fields (RFC 7296 section 3.1).
mod field {
    use core::ops::Range;
    pub const SPI_I: Range<usize> = 0..8;
    pub const SPI_R: Range<usize> = 8..16;
    pub const NEXT_PAYLOAD: usize = 16;
    pub const VERSION: usize = 17;
    pub const EXCHANGE: usize = 18;
    pub const FLAGS: usize = 19;
    pub const MESSAGE_ID: Range<usize> = 20..24;
    pub const LENGTH: Range<usize> = 24..28;
}

fn be16(bytes: &[u8], at: usize) -> u16 {
    match bytes.get(at..at + 2) {
        Some(b) => u16::from_be_bytes([b[0], b[1]]),
        None => 0,
    }
}

fn be32(bytes: &[u8], at: usize) -> u32 {
    match bytes.get(at..at + 4) {
        Some(b) => u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
        None => 0,
    }
}

fn be64(bytes: &[u8], at: usize) -> u64 {
    match bytes.get(at..at + 8) {
        Some(b) => {
            let mut a = [0u8; 8];
            a.copy_from_slice(b);
            u64::from_be_bytes(a)
        }
        None => 0,
    }
}

fn put(bytes: &mut [u8], at: usize, value: &[u8]) {
    if let Some(dst) = bytes.get_mut(at..at + value.len()) {
        dst.copy_from_slice(value);
    }
}

/// A read/write view of the 28-byte IKE header and the message behind it.
#[derive(Debug, Clone)]
pub struct Header<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Header<T> {
    /// Length of the fixed IKE header.
    pub const LEN: usize = 28;

    /// Wraps a buffer without any check; accessors then return 0 for missing bytes.
    pub fn new_unchecked(buffer: T) -> Self {
        Header { buffer }
    }

    /// Wraps a buffer after [`check_len`](Self::check_len).
    pub fn new_checked(buffer: T) -> Result<Self, WireError> {
        let header = Header::new_unchecked(buffer);
        header.check_len()?;
        Ok(header)
    }

    /// Checks that the fixed header is present and that the length field covers at least the
    /// header and no more than the buffer.
    pub fn check_len(&self) -> Result<(), WireError> {
        let available = self.buffer.as_ref().len();
        if available < Self::LEN {
            return Err(WireError::truncated(0, Self::LEN, available));
        }
        let length = self.length() as usize;
        if length < Self::LEN {
            return Err(WireError::bad_length(
                field::LENGTH.start,
                "message length",
                length,
            ));
        }
        if length > available {
            return Err(WireError::truncated(0, length, available));
        }
        Ok(())
    }

    pub fn into_inner(self) -> T {
        self.buffer
    }

    pub fn spi_i(&self) -> u64 {
        be64(self.buffer.as_ref(), field::SPI_I.start)
    }

    pub fn spi_r(&self) -> u64 {
        be64(self.buffer.as_ref(), field::SPI_R.start)
    }

    pub fn next_payload(&self) -> PayloadType {
        PayloadType(self.byte(field::NEXT_PAYLOAD))
    }

    /// The raw version byte (major in the high nibble).
    pub fn version(&self) -> u8 {
        self.byte(field::VERSION)
    }

    pub fn major_version(&self) -> u8 {
        self.version() >> 4
    }

    pub fn minor_version(&self) -> u8 {
        self.version() & 0x0f
    }

    pub fn exchange_type(&self) -> ExchangeType {
        ExchangeType(self.byte(field::EXCHANGE))
    }

    pub fn flags(&self) -> u8 {
        self.byte(field::FLAGS)
    }

    pub fn message_id(&self) -> u32 {
        be32(self.buffer.as_ref(), field::MESSAGE_ID.start)
    }

    /// The length field: the whole message, header included.
    pub fn length(&self) -> u32 {
        be32(self.buffer.as_ref(), field::LENGTH.start)
    }

    /// The bytes after the header up to the length field (clamped to the buffer).
    pub fn payload(&self) -> &[u8] {
        let bytes = self.buffer.as_ref();
        let end = (self.length() as usize).min(bytes.len());
        bytes.get(Self::LEN..end).unwrap_or(&[])
    }

    /// Iterates over the payload chain that starts after the header and ends at the length field.
    pub fn payloads(&self) -> PayloadIter<'_> {
        let bytes = self.buffer.as_ref();
        let end = (self.length() as usize).min(bytes.len());
        PayloadIter::new(bytes, self.next_payload(), Self::LEN, end)
    }

    fn byte(&self, at: usize) -> u8 {
        self.buffer.as_ref().get(at).copied().unwrap_or(0)
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Header<T> {
    pub fn set_spi_i(&mut self, value: u64) {
        put(
            self.buffer.as_mut(),
            field::SPI_I.start,
            &value.to_be_bytes(),
        );
    }

    pub fn set_spi_r(&mut self, value: u64) {
        put(
            self.buffer.as_mut(),
            field::SPI_R.start,
            &value.to_be_bytes(),
        );
    }

    pub fn set_next_payload(&mut self, value: PayloadType) {
        put(self.buffer.as_mut(), field::NEXT_PAYLOAD, &[value.0]);
    }

    pub fn set_version(&mut self, major: u8, minor: u8) {
        put(
            self.buffer.as_mut(),
            field::VERSION,
            &[(major << 4) | (minor & 0x0f)],
        );
    }

    pub fn set_exchange_type(&mut self, value: ExchangeType) {
        put(self.buffer.as_mut(), field::EXCHANGE, &[value.0]);
    }

    pub fn set_flags(&mut self, value: u8) {
        put(self.buffer.as_mut(), field::FLAGS, &[value]);
    }

    pub fn set_message_id(&mut self, value: u32) {
        put(
            self.buffer.as_mut(),
            field::MESSAGE_ID.start,
            &value.to_be_bytes(),
        );
    }

    pub fn set_length(&mut self, value: u32) {
        put(
            self.buffer.as_mut(),
            field::LENGTH.start,
            &value.to_be_bytes(),
        );
    }
}

/// A view of one payload: the 4-byte generic payload header and its body.
#[derive(Debug, Clone)]
pub struct GenericPayload<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> GenericPayload<T> {
    /// Length of the generic payload header.
    pub const LEN: usize = 4;

    pub fn new_unchecked(buffer: T) -> Self {
        GenericPayload { buffer }
    }

    /// Wraps a buffer after checking the generic header is present and its length field covers
    /// the header and fits in the buffer. Offsets in errors are relative to the buffer.
    pub fn new_checked(buffer: T) -> Result<Self, WireError> {
        let payload = GenericPayload::new_unchecked(buffer);
        payload.check_len()?;
        Ok(payload)
    }

    pub fn check_len(&self) -> Result<(), WireError> {
        let available = self.buffer.as_ref().len();
        if available < Self::LEN {
            return Err(WireError::truncated(0, Self::LEN, available));
        }
        let length = usize::from(self.payload_length());
        if length < Self::LEN {
            return Err(WireError::bad_length(2, "payload length", length));
        }
        if length > available {
            return Err(WireError::bad_length(2, "payload length", length));
        }
        Ok(())
    }

    pub fn next_payload(&self) -> PayloadType {
        PayloadType(self.buffer.as_ref().first().copied().unwrap_or(0))
    }

    pub fn critical(&self) -> bool {
        self.buffer.as_ref().get(1).is_some_and(|b| b & 0x80 != 0)
    }

    /// The seven reserved bits after the critical bit (should be zero).
    pub fn reserved(&self) -> u8 {
        self.buffer.as_ref().get(1).map_or(0, |b| b & 0x7f)
    }

    pub fn payload_length(&self) -> u16 {
        be16(self.buffer.as_ref(), 2)
    }

    /// The body after the generic header, up to the length field (clamped to the buffer).
    pub fn body(&self) -> &[u8] {
        let bytes = self.buffer.as_ref();
        let end = usize::from(self.payload_length()).min(bytes.len());
        bytes.get(Self::LEN..end).unwrap_or(&[])
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> GenericPayload<T> {
    pub fn set_next_payload(&mut self, value: PayloadType) {
        put(self.buffer.as_mut(), 0, &[value.0]);
    }

    /// Sets the critical bit and clears the reserved bits.
    pub fn set_critical(&mut self, critical: bool) {
        put(self.buffer.as_mut(), 1, &[if critical { 0x80 } else { 0 }]);
    }

    pub fn set_payload_length(&mut self, value: u16) {
        put(self.buffer.as_mut(), 2, &value.to_be_bytes());
    }
}

/// One element of the payload chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawPayload<'a> {
    /// This payload's type (announced by the previous next-payload field).
    pub payload_type: PayloadType,
    pub critical: bool,
    /// The body after the generic header.
    pub body: &'a [u8],
    /// Offset of the generic payload header from the start of the message.
    pub offset: usize,
    /// This payload's own next-payload field (for SK/SKF: the first inner payload type).
    pub next_payload: PayloadType,
}

impl RawPayload<'_> {
    /// Offset of the body from the start of the message.
    pub fn body_offset(&self) -> usize {
        self.offset + GenericPayload::<&[u8]>::LEN
    }
}

/// Walks a payload chain. Yields `Err` once (then stops) when the chain is malformed.
///
/// The walk always moves forward by at least 4 bytes, so it ends; SK and SKF end the chain
/// because their next-payload field names the first *inner* payload.
#[derive(Debug, Clone)]
pub struct PayloadIter<'a> {
    message: &'a [u8],
    offset: usize,
    end: usize,
    next: PayloadType,
    done: bool,
}

impl<'a> PayloadIter<'a> {
    /// Walks `message[start..end]`, the first payload being of type `first`. Offsets reported
    /// are relative to `message`.
    pub fn new(message: &'a [u8], first: PayloadType, start: usize, end: usize) -> Self {
        let end = end.min(message.len());
        PayloadIter {
            message,
            offset: start,
            end,
            next: first,
            done: false,
        }
    }

    fn step(&mut self) -> Result<Option<RawPayload<'a>>, WireError> {
        if self.next == PayloadType::NONE {
            if self.offset != self.end {
                return Err(WireError::malformed(
                    self.offset,
                    "bytes after the last payload",
                ));
            }
            return Ok(None);
        }
        let remaining = self.end.saturating_sub(self.offset);
        if remaining < GenericPayload::<&[u8]>::LEN {
            return Err(WireError::truncated(
                self.offset,
                GenericPayload::<&[u8]>::LEN,
                remaining,
            ));
        }
        let window = self.message.get(self.offset..self.end).unwrap_or(&[]);
        let view = GenericPayload::new_unchecked(window);
        let length = usize::from(view.payload_length());
        if length < GenericPayload::<&[u8]>::LEN || length > remaining {
            return Err(WireError::bad_length(
                self.offset + 2,
                "payload length",
                length,
            ));
        }
        let item = RawPayload {
            payload_type: self.next,
            critical: view.critical(),
            body: window
                .get(GenericPayload::<&[u8]>::LEN..length)
                .unwrap_or(&[]),
            offset: self.offset,
            next_payload: view.next_payload(),
        };
        self.offset += length;
        self.next = if matches!(item.payload_type, PayloadType::SK | PayloadType::SKF) {
            // The encrypted payload must be the last one (RFC 7296 3.14, RFC 7383 2.5).
            if self.offset != self.end {
                return Err(WireError::malformed(
                    self.offset,
                    "bytes after the encrypted payload",
                ));
            }
            self.done = true;
            PayloadType::NONE
        } else {
            view.next_payload()
        };
        Ok(Some(item))
    }
}

impl<'a> Iterator for PayloadIter<'a> {
    type Item = Result<RawPayload<'a>, WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.step() {
            Ok(Some(item)) => Some(Ok(item)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(error) => {
                self.done = true;
                Some(Err(error))
            }
        }
    }
}

/// The major and minor version of whatever looks like an IKE header (IKEv1 and IKEv2 share
/// the layout), without any other check. `None` if fewer than 18 bytes.
pub fn peek_version(buf: &[u8]) -> Option<(u8, u8)> {
    buf.get(field::VERSION).map(|v| (v >> 4, v & 0x0f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repr::WireErrorKind;

    fn message(payloads: &[(u8, &[u8])], first: u8) -> Vec<u8> {
        let mut out = vec![0u8; 28];
        out[16] = first;
        out[17] = 0x20;
        out[18] = 34;
        for (next, body) in payloads {
            out.push(*next);
            out.push(0);
            out.extend_from_slice(&((body.len() + 4) as u16).to_be_bytes());
            out.extend_from_slice(body);
        }
        let len = out.len() as u32;
        out[24..28].copy_from_slice(&len.to_be_bytes());
        out
    }

    #[test]
    fn header_accessors() {
        let mut buf = [0u8; 28];
        {
            let mut h = Header::new_unchecked(&mut buf[..]);
            h.set_spi_i(0x0102030405060708);
            h.set_spi_r(9);
            h.set_next_payload(PayloadType::SA);
            h.set_version(2, 0);
            h.set_exchange_type(ExchangeType::IKE_SA_INIT);
            h.set_flags(0x08);
            h.set_message_id(7);
            h.set_length(28);
        }
        let h = Header::new_checked(&buf[..]).unwrap();
        assert_eq!(h.spi_i(), 0x0102030405060708);
        assert_eq!(h.spi_r(), 9);
        assert_eq!(h.next_payload(), PayloadType::SA);
        assert_eq!((h.major_version(), h.minor_version()), (2, 0));
        assert_eq!(h.exchange_type(), ExchangeType::IKE_SA_INIT);
        assert_eq!(h.flags(), 8);
        assert_eq!(h.message_id(), 7);
        assert_eq!(h.length(), 28);
        assert!(h.payload().is_empty());
    }

    #[test]
    fn header_rejects_bad_lengths() {
        assert!(Header::new_checked(&[0u8; 27][..]).is_err());
        let mut buf = [0u8; 28];
        buf[27] = 20;
        let err = Header::new_checked(&buf[..]).unwrap_err();
        assert_eq!(err.offset, 24);
        buf[27] = 40;
        assert!(matches!(
            Header::new_checked(&buf[..]).unwrap_err().kind,
            WireErrorKind::Truncated {
                needed: 40,
                available: 28
            }
        ));
    }

    #[test]
    fn iterates_chain_with_offsets() {
        let buf = message(&[(41, b"abcd"), (0, b"xy")], 40);
        let h = Header::new_checked(&buf[..]).unwrap();
        let items: Vec<_> = h.payloads().collect::<Result<_, _>>().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].payload_type, PayloadType::NONCE);
        assert_eq!(items[0].offset, 28);
        assert_eq!(items[0].body, b"abcd");
        assert_eq!(items[1].payload_type, PayloadType::NOTIFY);
        assert_eq!(items[1].offset, 36);
        assert_eq!(items[1].body_offset(), 40);
    }

    #[test]
    fn chain_must_end_within_message() {
        // Last payload claims another follows.
        let buf = message(&[(41, b"abcd")], 40);
        let h = Header::new_checked(&buf[..]).unwrap();
        let err = h.payloads().last().unwrap().unwrap_err();
        assert_eq!(err.offset, 36);
        // Lying payload length.
        let mut buf = message(&[(0, b"abcd")], 40);
        buf[31] = 200;
        let err = Header::new_checked(&buf[..])
            .unwrap()
            .payloads()
            .next()
            .unwrap()
            .unwrap_err();
        assert_eq!(err.offset, 30);
        // Zero length cannot loop.
        buf[31] = 0;
        assert!(Header::new_checked(&buf[..])
            .unwrap()
            .payloads()
            .next()
            .unwrap()
            .is_err());
    }

    #[test]
    fn encrypted_payload_ends_chain() {
        let buf = message(&[(35, b"ivciphertexticv")], 46);
        let h = Header::new_checked(&buf[..]).unwrap();
        let items: Vec<_> = h.payloads().collect::<Result<_, _>>().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].next_payload, PayloadType::IDI);
    }

    #[test]
    fn generic_payload_view() {
        let mut buf = [0u8; 8];
        {
            let mut p = GenericPayload::new_unchecked(&mut buf[..]);
            p.set_next_payload(PayloadType::KE);
            p.set_critical(true);
            p.set_payload_length(8);
        }
        let p = GenericPayload::new_checked(&buf[..]).unwrap();
        assert!(p.critical());
        assert_eq!(p.next_payload(), PayloadType::KE);
        assert_eq!(p.body().len(), 4);
        assert!(GenericPayload::new_checked(&buf[..6]).is_err());
    }

    #[test]
    fn peek() {
        assert_eq!(peek_version(&[0; 17]), None);
        let mut buf = [0u8; 28];
        buf[17] = 0x10;
        assert_eq!(peek_version(&buf), Some((1, 0)));
    }
}
