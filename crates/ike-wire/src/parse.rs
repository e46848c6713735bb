//! Parsing: bytes to `*Repr`. Every read is bounds-checked; errors carry absolute offsets.

use crate::registry::*;
use crate::repr::*;
use crate::wire::{Header, RawPayload};

/// Sequential reader over one body; `base` is the body's offset in the message.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8], base: usize) -> Self {
        Reader {
            bytes,
            pos: 0,
            base,
        }
    }

    fn offset(&self) -> usize {
        self.base + self.pos
    }

    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        match self.bytes.get(self.pos..self.pos.saturating_add(n)) {
            Some(slice) => {
                self.pos += n;
                Ok(slice)
            }
            None => Err(WireError::truncated(self.offset(), n, self.remaining())),
        }
    }

    fn u8(&mut self) -> Result<u8, WireError> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, WireError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn rest(&mut self) -> &'a [u8] {
        let rest = self.bytes.get(self.pos..).unwrap_or(&[]);
        self.pos = self.bytes.len();
        rest
    }
}

/// The IKE header only: 28 bytes, no version or length check. Cheap enough to call on every
/// UDP datagram; IKEv1 (version 1.0) headers parse too, so callers can tell them apart.
pub fn header(buf: &[u8]) -> Result<HeaderRepr, WireError> {
    if buf.len() < HeaderRepr::LEN {
        return Err(WireError::truncated(0, HeaderRepr::LEN, buf.len()));
    }
    let view = Header::new_unchecked(buf);
    Ok(HeaderRepr {
        spi_i: view.spi_i(),
        spi_r: view.spi_r(),
        next_payload: view.next_payload(),
        major_version: view.major_version(),
        minor_version: view.minor_version(),
        exchange: view.exchange_type(),
        flags: view.flags(),
        message_id: view.message_id(),
        length: view.length(),
    })
}

impl HeaderRepr {
    /// Same as [`header`].
    pub fn parse(buf: &[u8]) -> Result<HeaderRepr, WireError> {
        header(buf)
    }
}

impl MessageRepr {
    /// Parses a whole IKEv2 message. Bytes after the header's length field are ignored; a
    /// message whose major version is not 2 is refused with [`WireErrorKind::NotIkev2`].
    pub fn parse(buf: &[u8]) -> Result<MessageRepr, WireError> {
        let header = header(buf)?;
        if header.major_version != 2 {
            return Err(WireError {
                offset: 17,
                kind: WireErrorKind::NotIkev2 {
                    major: header.major_version,
                    minor: header.minor_version,
                },
            });
        }
        let view = Header::new_checked(buf)?;
        let mut payloads = Vec::new();
        for raw in view.payloads() {
            let raw = raw?;
            payloads.push(Payload {
                critical: raw.critical,
                body: parse_body(&raw)?,
            });
        }
        Ok(MessageRepr { header, payloads })
    }
}

fn parse_body(raw: &RawPayload<'_>) -> Result<PayloadRepr, WireError> {
    let mut r = Reader::new(raw.body, raw.body_offset());
    let body = match raw.payload_type {
        PayloadType::SA => PayloadRepr::SecurityAssociation(parse_proposals(&mut r)?),
        PayloadType::KE => {
            let group = DhGroup(r.u16()?);
            r.take(2)?;
            PayloadRepr::KeyExchange {
                group,
                data: r.rest().to_vec(),
            }
        }
        PayloadType::IDI => PayloadRepr::IdentificationI(parse_id(&mut r)?),
        PayloadType::IDR => PayloadRepr::IdentificationR(parse_id(&mut r)?),
        PayloadType::CERT => {
            let encoding = CertEncoding(r.u8()?);
            PayloadRepr::Certificate {
                encoding,
                data: r.rest().to_vec(),
            }
        }
        PayloadType::CERTREQ => {
            let encoding = CertEncoding(r.u8()?);
            PayloadRepr::CertificateRequest {
                encoding,
                data: r.rest().to_vec(),
            }
        }
        PayloadType::AUTH => {
            let method = AuthMethod(r.u8()?);
            r.take(3)?;
            PayloadRepr::Authentication {
                method,
                data: r.rest().to_vec(),
            }
        }
        PayloadType::NONCE => PayloadRepr::Nonce(r.rest().to_vec()),
        PayloadType::NOTIFY => PayloadRepr::Notify(parse_notify(&mut r)?),
        PayloadType::DELETE => PayloadRepr::Delete(parse_delete(&mut r)?),
        PayloadType::VENDOR_ID => PayloadRepr::VendorId(r.rest().to_vec()),
        PayloadType::TSI => PayloadRepr::TrafficSelectorsI(parse_traffic_selectors(&mut r)?),
        PayloadType::TSR => PayloadRepr::TrafficSelectorsR(parse_traffic_selectors(&mut r)?),
        PayloadType::SK => PayloadRepr::Encrypted {
            first_inner: raw.next_payload,
            data: r.rest().to_vec(),
        },
        PayloadType::CP => PayloadRepr::Configuration(parse_config(&mut r)?),
        PayloadType::EAP => PayloadRepr::Eap(parse_eap(&mut r)?),
        PayloadType::SKF => {
            let number = r.u16()?;
            let total = r.u16()?;
            PayloadRepr::EncryptedFragment {
                number,
                total,
                first_inner: raw.next_payload,
                data: r.rest().to_vec(),
            }
        }
        other => PayloadRepr::Unknown {
            payload_type: other,
            data: r.rest().to_vec(),
        },
    };
    if !r.is_empty() {
        return Err(WireError::malformed(
            r.offset(),
            "unparsed bytes at end of payload",
        ));
    }
    Ok(body)
}

fn parse_id(r: &mut Reader<'_>) -> Result<IdRepr, WireError> {
    let id_type = IdType(r.u8()?);
    r.take(3)?;
    Ok(IdRepr {
        id_type,
        data: r.rest().to_vec(),
    })
}

/// Substructure header shared by proposals and transforms: last/more, reserved, length.
/// Returns the substructure's bytes (header included) and whether more follow.
fn substructure<'a>(
    r: &mut Reader<'a>,
    more_marker: u8,
    what: &'static str,
    min_len: usize,
) -> Result<(Reader<'a>, bool), WireError> {
    let start = r.offset();
    let marker = r.u8()?;
    let more = match marker {
        0 => false,
        m if m == more_marker => true,
        _ => return Err(WireError::malformed(start, what)),
    };
    r.take(1)?;
    let length = usize::from(r.u16()?);
    if length < min_len || length - 4 > r.remaining() {
        return Err(WireError::bad_length(start + 2, what, length));
    }
    let inner = r.take(length - 4)?;
    Ok((Reader::new(inner, start + 4), more))
}

fn parse_proposals(r: &mut Reader<'_>) -> Result<Vec<ProposalRepr>, WireError> {
    let mut proposals = Vec::new();
    loop {
        let start = r.offset();
        let (mut p, more) = substructure(r, 2, "proposal substructure", 8)?;
        let number = p.u8()?;
        let protocol = ProtocolId(p.u8()?);
        let spi_size = usize::from(p.u8()?);
        let transform_count = usize::from(p.u8()?);
        let spi = p.take(spi_size)?.to_vec();
        let mut transforms = Vec::new();
        while !p.is_empty() {
            let (mut t, more_transforms) = substructure(&mut p, 3, "transform substructure", 8)?;
            transforms.push(parse_transform(&mut t)?);
            if more_transforms == p.is_empty() {
                return Err(WireError::malformed(
                    t.base - 4,
                    "transform last/more marker",
                ));
            }
        }
        if transforms.len() != transform_count {
            return Err(WireError::malformed(start + 7, "transform count"));
        }
        proposals.push(ProposalRepr {
            number,
            protocol,
            spi,
            transforms,
        });
        if more == r.is_empty() {
            return Err(WireError::malformed(start, "proposal last/more marker"));
        }
        if !more {
            return Ok(proposals);
        }
    }
}

fn parse_transform(t: &mut Reader<'_>) -> Result<TransformRepr, WireError> {
    let transform_type = TransformType(t.u8()?);
    t.take(1)?;
    let id = t.u16()?;
    let mut key_length = None;
    let mut other_attributes = Vec::new();
    while !t.is_empty() {
        let (attribute_type, value) = parse_attribute(t)?;
        if attribute_type == 0x800e && key_length.is_none() {
            key_length = Some(u16::from_be_bytes([value[0], value[1]]));
        } else {
            other_attributes.push((attribute_type, value.to_vec()));
        }
    }
    Ok(TransformRepr {
        transform_type,
        id,
        key_length,
        other_attributes,
    })
}

/// A data attribute: TV (AF bit set, 2-byte value) or TLV.
fn parse_attribute<'a>(r: &mut Reader<'a>) -> Result<(u16, &'a [u8]), WireError> {
    let attribute_type = r.u16()?;
    if attribute_type & 0x8000 != 0 {
        Ok((attribute_type, r.take(2)?))
    } else {
        let length = usize::from(r.u16()?);
        Ok((attribute_type, r.take(length)?))
    }
}

fn parse_notify(r: &mut Reader<'_>) -> Result<NotifyRepr, WireError> {
    let protocol = ProtocolId(r.u8()?);
    let spi_size = usize::from(r.u8()?);
    let notify_type = NotifyType(r.u16()?);
    let spi = r.take(spi_size)?.to_vec();
    Ok(NotifyRepr {
        protocol,
        spi,
        notify_type,
        data: r.rest().to_vec(),
    })
}

fn parse_delete(r: &mut Reader<'_>) -> Result<DeleteRepr, WireError> {
    let protocol = ProtocolId(r.u8()?);
    let spi_size = r.u8()?;
    let count_offset = r.offset();
    let count = usize::from(r.u16()?);
    if spi_size == 0 && count != 0 {
        // Would describe `count` empty SPIs: nothing to read, unbounded to store.
        return Err(WireError::malformed(
            count_offset,
            "SPIs listed with SPI size 0",
        ));
    }
    let needed = count * usize::from(spi_size);
    if needed != r.remaining() {
        return Err(WireError::bad_length(count_offset, "number of SPIs", count));
    }
    let mut spis = Vec::with_capacity(count);
    for _ in 0..count {
        spis.push(r.take(usize::from(spi_size))?.to_vec());
    }
    Ok(DeleteRepr {
        protocol,
        spi_size,
        spis,
    })
}

fn parse_traffic_selectors(r: &mut Reader<'_>) -> Result<Vec<TrafficSelectorRepr>, WireError> {
    let count_offset = r.offset();
    let count = usize::from(r.u8()?);
    r.take(3)?;
    let mut selectors = Vec::new();
    while !r.is_empty() {
        let start = r.offset();
        let ts_type = TsType(r.u8()?);
        let ip_protocol = r.u8()?;
        let length = usize::from(r.u16()?);
        if length < 4 || length - 4 > r.remaining() {
            return Err(WireError::bad_length(start + 2, "selector length", length));
        }
        let mut s = Reader::new(r.take(length - 4)?, start + 4);
        let address_len = match ts_type {
            TsType::IPV4_ADDR_RANGE => Some(4),
            TsType::IPV6_ADDR_RANGE => Some(16),
            _ => None,
        };
        let selector = match address_len {
            Some(n) => {
                if length != 8 + 2 * n {
                    return Err(WireError::bad_length(start + 2, "selector length", length));
                }
                TrafficSelectorRepr {
                    ts_type,
                    ip_protocol,
                    start_port: s.u16()?,
                    end_port: s.u16()?,
                    start_address: s.take(n)?.to_vec(),
                    end_address: s.take(n)?.to_vec(),
                }
            }
            None => TrafficSelectorRepr {
                ts_type,
                ip_protocol,
                start_port: 0,
                end_port: 0,
                start_address: s.rest().to_vec(),
                end_address: Vec::new(),
            },
        };
        selectors.push(selector);
    }
    if selectors.len() != count {
        return Err(WireError::malformed(
            count_offset,
            "number of traffic selectors",
        ));
    }
    Ok(selectors)
}

fn parse_config(r: &mut Reader<'_>) -> Result<ConfigRepr, WireError> {
    let cfg_type = r.u8()?;
    r.take(3)?;
    let mut attributes = Vec::new();
    while !r.is_empty() {
        let attribute_type = r.u16()?;
        let length = usize::from(r.u16()?);
        attributes.push((attribute_type, r.take(length)?.to_vec()));
    }
    Ok(ConfigRepr {
        cfg_type,
        attributes,
    })
}

fn parse_eap(r: &mut Reader<'_>) -> Result<EapRepr, WireError> {
    let start = r.offset();
    let code = r.u8()?;
    let identifier = r.u8()?;
    let length = usize::from(r.u16()?);
    if length != r.remaining() + 4 {
        return Err(WireError::bad_length(start + 2, "EAP length", length));
    }
    let eap_type = if matches!(code, eap::REQUEST | eap::RESPONSE) && !r.is_empty() {
        Some(r.u8()?)
    } else {
        None
    };
    Ok(EapRepr {
        code,
        identifier,
        eap_type,
        data: r.rest().to_vec(),
    })
}
