//! Emission: `*Repr` to bytes. Lengths and next-payload fields are recomputed; writes past the
//! end of the caller's buffer are dropped rather than panicking.

use crate::registry::*;
use crate::repr::*;
use crate::wire::{GenericPayload, Header};

/// Forward-only writer that ignores anything beyond the buffer.
struct Writer<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

impl Writer<'_> {
    fn bytes(&mut self, data: &[u8]) {
        if let Some(dst) = self.buf.get_mut(self.pos..self.pos + data.len()) {
            dst.copy_from_slice(data);
        } else if let Some(dst) = self.buf.get_mut(self.pos..) {
            let n = dst.len();
            dst.copy_from_slice(&data[..n]);
        }
        self.pos += data.len();
    }

    fn u8(&mut self, value: u8) {
        self.bytes(&[value]);
    }

    fn u16(&mut self, value: usize) {
        // Callers pass lengths; values above 65535 only come from reprs outside the wire
        // format's limits and are saturated.
        self.bytes(&(value.min(usize::from(u16::MAX)) as u16).to_be_bytes());
    }

    fn zeros(&mut self, n: usize) {
        for _ in 0..n {
            self.u8(0);
        }
    }
}

fn attribute_len(attribute_type: u16, value: &[u8]) -> usize {
    if attribute_type & 0x8000 != 0 {
        4
    } else {
        4 + value.len()
    }
}

fn transform_len(t: &TransformRepr) -> usize {
    8 + t.key_length.map_or(0, |_| 4)
        + t.other_attributes
            .iter()
            .map(|(ty, v)| attribute_len(*ty, v))
            .sum::<usize>()
}

fn proposal_len(p: &ProposalRepr) -> usize {
    8 + p.spi.len() + p.transforms.iter().map(transform_len).sum::<usize>()
}

fn selector_len(s: &TrafficSelectorRepr) -> usize {
    match s.ts_type {
        TsType::IPV4_ADDR_RANGE | TsType::IPV6_ADDR_RANGE => {
            8 + s.start_address.len() + s.end_address.len()
        }
        _ => 4 + s.start_address.len(),
    }
}

impl PayloadRepr {
    /// The payload type this body is emitted as.
    pub fn payload_type(&self) -> PayloadType {
        match self {
            PayloadRepr::SecurityAssociation(_) => PayloadType::SA,
            PayloadRepr::KeyExchange { .. } => PayloadType::KE,
            PayloadRepr::IdentificationI(_) => PayloadType::IDI,
            PayloadRepr::IdentificationR(_) => PayloadType::IDR,
            PayloadRepr::Certificate { .. } => PayloadType::CERT,
            PayloadRepr::CertificateRequest { .. } => PayloadType::CERTREQ,
            PayloadRepr::Authentication { .. } => PayloadType::AUTH,
            PayloadRepr::Nonce(_) => PayloadType::NONCE,
            PayloadRepr::Notify(_) => PayloadType::NOTIFY,
            PayloadRepr::Delete(_) => PayloadType::DELETE,
            PayloadRepr::VendorId(_) => PayloadType::VENDOR_ID,
            PayloadRepr::TrafficSelectorsI(_) => PayloadType::TSI,
            PayloadRepr::TrafficSelectorsR(_) => PayloadType::TSR,
            PayloadRepr::Encrypted { .. } => PayloadType::SK,
            PayloadRepr::Configuration(_) => PayloadType::CP,
            PayloadRepr::Eap(_) => PayloadType::EAP,
            PayloadRepr::EncryptedFragment { .. } => PayloadType::SKF,
            PayloadRepr::Unknown { payload_type, .. } => *payload_type,
        }
    }

    /// Length of the body (generic payload header excluded).
    pub fn body_len(&self) -> usize {
        match self {
            PayloadRepr::SecurityAssociation(proposals) => proposals.iter().map(proposal_len).sum(),
            PayloadRepr::KeyExchange { data, .. } => 4 + data.len(),
            PayloadRepr::IdentificationI(id) | PayloadRepr::IdentificationR(id) => {
                4 + id.data.len()
            }
            PayloadRepr::Certificate { data, .. }
            | PayloadRepr::CertificateRequest { data, .. } => 1 + data.len(),
            PayloadRepr::Authentication { data, .. } => 4 + data.len(),
            PayloadRepr::Nonce(data) | PayloadRepr::VendorId(data) => data.len(),
            PayloadRepr::Notify(n) => 4 + n.spi.len() + n.data.len(),
            PayloadRepr::Delete(d) => 4 + d.spis.len() * usize::from(d.spi_size),
            PayloadRepr::TrafficSelectorsI(ts) | PayloadRepr::TrafficSelectorsR(ts) => {
                4 + ts.iter().map(selector_len).sum::<usize>()
            }
            PayloadRepr::Encrypted { data, .. } => data.len(),
            PayloadRepr::Configuration(c) => {
                4 + c.attributes.iter().map(|(_, v)| 4 + v.len()).sum::<usize>()
            }
            PayloadRepr::Eap(e) => 4 + usize::from(e.eap_type.is_some()) + e.data.len(),
            PayloadRepr::EncryptedFragment { data, .. } => 4 + data.len(),
            PayloadRepr::Unknown { data, .. } => data.len(),
        }
    }

    /// The value of this payload's own next-payload field when `following` comes after it:
    /// SK and SKF carry their first inner payload type instead.
    fn next_field(&self, following: PayloadType) -> PayloadType {
        match self {
            PayloadRepr::Encrypted { first_inner, .. }
            | PayloadRepr::EncryptedFragment { first_inner, .. } => *first_inner,
            _ => following,
        }
    }

    fn emit_body(&self, w: &mut Writer<'_>) {
        match self {
            PayloadRepr::SecurityAssociation(proposals) => {
                for (i, p) in proposals.iter().enumerate() {
                    emit_proposal(w, p, i + 1 < proposals.len());
                }
            }
            PayloadRepr::KeyExchange { group, data } => {
                w.bytes(&group.0.to_be_bytes());
                w.zeros(2);
                w.bytes(data);
            }
            PayloadRepr::IdentificationI(id) | PayloadRepr::IdentificationR(id) => {
                w.u8(id.id_type.0);
                w.zeros(3);
                w.bytes(&id.data);
            }
            PayloadRepr::Certificate { encoding, data }
            | PayloadRepr::CertificateRequest { encoding, data } => {
                w.u8(encoding.0);
                w.bytes(data);
            }
            PayloadRepr::Authentication { method, data } => {
                w.u8(method.0);
                w.zeros(3);
                w.bytes(data);
            }
            PayloadRepr::Nonce(data)
            | PayloadRepr::VendorId(data)
            | PayloadRepr::Encrypted { data, .. }
            | PayloadRepr::Unknown { data, .. } => w.bytes(data),
            PayloadRepr::Notify(n) => {
                w.u8(n.protocol.0);
                w.u8(n.spi.len().min(255) as u8);
                w.bytes(&n.notify_type.0.to_be_bytes());
                w.bytes(&n.spi);
                w.bytes(&n.data);
            }
            PayloadRepr::Delete(d) => {
                w.u8(d.protocol.0);
                w.u8(d.spi_size);
                w.u16(d.spis.len());
                for spi in &d.spis {
                    let size = usize::from(d.spi_size);
                    let take = spi.len().min(size);
                    w.bytes(&spi[..take]);
                    w.zeros(size - take);
                }
            }
            PayloadRepr::TrafficSelectorsI(ts) | PayloadRepr::TrafficSelectorsR(ts) => {
                w.u8(ts.len().min(255) as u8);
                w.zeros(3);
                for s in ts {
                    w.u8(s.ts_type.0);
                    w.u8(s.ip_protocol);
                    w.u16(selector_len(s));
                    match s.ts_type {
                        TsType::IPV4_ADDR_RANGE | TsType::IPV6_ADDR_RANGE => {
                            w.bytes(&s.start_port.to_be_bytes());
                            w.bytes(&s.end_port.to_be_bytes());
                            w.bytes(&s.start_address);
                            w.bytes(&s.end_address);
                        }
                        _ => w.bytes(&s.start_address),
                    }
                }
            }
            PayloadRepr::Configuration(c) => {
                w.u8(c.cfg_type);
                w.zeros(3);
                for (attribute_type, value) in &c.attributes {
                    w.bytes(&attribute_type.to_be_bytes());
                    w.u16(value.len());
                    w.bytes(value);
                }
            }
            PayloadRepr::Eap(e) => {
                w.u8(e.code);
                w.u8(e.identifier);
                w.u16(self.body_len());
                if let Some(t) = e.eap_type {
                    w.u8(t);
                }
                w.bytes(&e.data);
            }
            PayloadRepr::EncryptedFragment {
                number,
                total,
                data,
                ..
            } => {
                w.bytes(&number.to_be_bytes());
                w.bytes(&total.to_be_bytes());
                w.bytes(data);
            }
        }
    }
}

fn emit_proposal(w: &mut Writer<'_>, p: &ProposalRepr, more: bool) {
    w.u8(if more { 2 } else { 0 });
    w.u8(0);
    w.u16(proposal_len(p));
    w.u8(p.number);
    w.u8(p.protocol.0);
    w.u8(p.spi.len().min(255) as u8);
    w.u8(p.transforms.len().min(255) as u8);
    w.bytes(&p.spi);
    for (i, t) in p.transforms.iter().enumerate() {
        w.u8(if i + 1 < p.transforms.len() { 3 } else { 0 });
        w.u8(0);
        w.u16(transform_len(t));
        w.u8(t.transform_type.0);
        w.u8(0);
        w.bytes(&t.id.to_be_bytes());
        if let Some(bits) = t.key_length {
            w.bytes(&0x800e_u16.to_be_bytes());
            w.bytes(&bits.to_be_bytes());
        }
        for (attribute_type, value) in &t.other_attributes {
            w.bytes(&attribute_type.to_be_bytes());
            if attribute_type & 0x8000 != 0 {
                let mut tv = [0u8; 2];
                let n = value.len().min(2);
                tv[..n].copy_from_slice(&value[..n]);
                w.bytes(&tv);
            } else {
                w.u16(value.len());
                w.bytes(value);
            }
        }
    }
}

impl HeaderRepr {
    /// Writes the 28-byte header as is (no field recomputed).
    pub fn emit(&self, buf: &mut [u8]) {
        let mut view = Header::new_unchecked(buf);
        view.set_spi_i(self.spi_i);
        view.set_spi_r(self.spi_r);
        view.set_next_payload(self.next_payload);
        view.set_version(self.major_version, self.minor_version);
        view.set_exchange_type(self.exchange);
        view.set_flags(self.flags);
        view.set_message_id(self.message_id);
        view.set_length(self.length);
    }
}

impl MessageRepr {
    /// Bytes [`emit`](Self::emit) writes: header plus every payload with its generic header.
    pub fn buffer_len(&self) -> usize {
        HeaderRepr::LEN
            + self
                .payloads
                .iter()
                .map(|p| GenericPayload::<&[u8]>::LEN + p.body.body_len())
                .sum::<usize>()
    }

    /// Sets `header.length` to [`buffer_len`](Self::buffer_len) and `header.next_payload` to
    /// the first payload's type: the header `emit` writes and `parse` then reads back.
    pub fn canonicalize_header(&mut self) {
        self.header.length = u32::try_from(self.buffer_len()).unwrap_or(u32::MAX);
        self.header.next_payload = self
            .payloads
            .first()
            .map_or(PayloadType::NONE, |p| p.body.payload_type());
    }

    /// Writes the message into `buf[..self.buffer_len()]`, recomputing every next-payload and
    /// length field (header length included). A shorter `buf` receives a truncated message.
    pub fn emit(&self, buf: &mut [u8]) {
        let mut header = self.header.clone();
        header.length = u32::try_from(self.buffer_len()).unwrap_or(u32::MAX);
        header.next_payload = self
            .payloads
            .first()
            .map_or(PayloadType::NONE, |p| p.body.payload_type());
        header.emit(buf);

        let mut w = Writer {
            buf,
            pos: HeaderRepr::LEN,
        };
        for (i, payload) in self.payloads.iter().enumerate() {
            let following = self
                .payloads
                .get(i + 1)
                .map_or(PayloadType::NONE, |p| p.body.payload_type());
            w.u8(payload.body.next_field(following).0);
            w.u8(if payload.critical { 0x80 } else { 0 });
            w.u16(GenericPayload::<&[u8]>::LEN + payload.body.body_len());
            payload.body.emit_body(&mut w);
        }
    }

    /// The emitted message as a new vector.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut buf = vec![0u8; self.buffer_len()];
        self.emit(&mut buf);
        buf
    }
}
