//! Hand-built IKEv2 messages (RFC 7296 layout, RFC 7383 SKF fragments).
//!
//! Encrypted content is random bytes: the benchmark and the diagnoser only look at the
//! cleartext header and payload chain, so no real keys are needed.

use fastrand::Rng;

pub const IKE_HEADER_LEN: usize = 28;
pub const IKE_VERSION_2: u8 = 0x20;
/// Four zero bytes that precede IKE on UDP 4500 (RFC 3948 non-ESP marker).
pub const NON_ESP_MARKER: [u8; 4] = [0; 4];

pub const EXCHANGE_IKE_SA_INIT: u8 = 34;
pub const EXCHANGE_IKE_AUTH: u8 = 35;
pub const EXCHANGE_CREATE_CHILD_SA: u8 = 36;
pub const EXCHANGE_INFORMATIONAL: u8 = 37;

pub const FLAG_INITIATOR: u8 = 0x08;
pub const FLAG_RESPONSE: u8 = 0x20;

pub const PAYLOAD_NONE: u8 = 0;
pub const PAYLOAD_SA: u8 = 33;
pub const PAYLOAD_KE: u8 = 34;
pub const PAYLOAD_IDI: u8 = 35;
pub const PAYLOAD_IDR: u8 = 36;
pub const PAYLOAD_CERTREQ: u8 = 38;
pub const PAYLOAD_NONCE: u8 = 40;
pub const PAYLOAD_NOTIFY: u8 = 41;
pub const PAYLOAD_DELETE: u8 = 42;
pub const PAYLOAD_VENDOR_ID: u8 = 43;
pub const PAYLOAD_SK: u8 = 46;
pub const PAYLOAD_SKF: u8 = 53;

pub const NOTIFY_NO_PROPOSAL_CHOSEN: u16 = 14;
pub const NOTIFY_INVALID_KE_PAYLOAD: u16 = 17;
pub const NOTIFY_NAT_DETECTION_SOURCE_IP: u16 = 16388;
pub const NOTIFY_NAT_DETECTION_DESTINATION_IP: u16 = 16389;
pub const NOTIFY_IKEV2_FRAGMENTATION_SUPPORTED: u16 = 16430;
pub const NOTIFY_SIGNATURE_HASH_ALGORITHMS: u16 = 16431;

pub const PROTOCOL_IKE: u8 = 1;

pub const TRANSFORM_ENCR: u8 = 1;
pub const TRANSFORM_PRF: u8 = 2;
pub const TRANSFORM_INTEG: u8 = 3;
pub const TRANSFORM_DH: u8 = 4;

pub const ENCR_AES_CBC: u16 = 12;
pub const ENCR_AES_GCM_16: u16 = 20;
pub const PRF_HMAC_SHA2_256: u16 = 5;
pub const INTEG_HMAC_SHA2_256_128: u16 = 12;
pub const DH_MODP_2048: u16 = 14;
pub const DH_ECP_256: u16 = 19;
pub const DH_CURVE25519: u16 = 31;

const ATTRIBUTE_KEY_LENGTH_TV: u16 = 0x800e;

/// Key-exchange data length for the groups the generator uses.
pub fn ke_data_len(group: u16) -> usize {
    match group {
        DH_MODP_2048 => 256,
        DH_ECP_256 => 64,
        _ => 32,
    }
}

/// Fixed IKE header fields.
#[derive(Clone, Copy, Debug)]
pub struct IkeHeader {
    pub spi_i: u64,
    pub spi_r: u64,
    pub exchange: u8,
    pub flags: u8,
    pub message_id: u32,
}

/// Appends an IKE message to a buffer, chaining each payload's "next payload" field.
pub struct MessageBuilder<'a> {
    buf: &'a mut Vec<u8>,
    start: usize,
    /// Position of the "next payload" byte to patch when the next payload is added.
    next_payload_at: usize,
}

impl<'a> MessageBuilder<'a> {
    pub fn begin(buf: &'a mut Vec<u8>, header: &IkeHeader) -> Self {
        let start = buf.len();
        buf.extend_from_slice(&header.spi_i.to_be_bytes());
        buf.extend_from_slice(&header.spi_r.to_be_bytes());
        buf.push(PAYLOAD_NONE);
        buf.push(IKE_VERSION_2);
        buf.push(header.exchange);
        buf.push(header.flags);
        buf.extend_from_slice(&header.message_id.to_be_bytes());
        buf.extend_from_slice(&0u32.to_be_bytes());
        Self {
            buf,
            start,
            next_payload_at: start + 16,
        }
    }

    /// Adds one payload: 4-byte generic header, then whatever `body` appends.
    pub fn payload(&mut self, payload_type: u8, body: impl FnOnce(&mut Vec<u8>)) -> &mut Self {
        let header_at = self.open(payload_type);
        body(self.buf);
        self.close(header_at);
        self
    }

    fn open(&mut self, payload_type: u8) -> usize {
        self.buf[self.next_payload_at] = payload_type;
        let header_at = self.buf.len();
        self.buf.extend_from_slice(&[PAYLOAD_NONE, 0, 0, 0]);
        self.next_payload_at = header_at;
        header_at
    }

    fn close(&mut self, header_at: usize) {
        let len = (self.buf.len() - header_at).min(usize::from(u16::MAX)) as u16;
        self.buf[header_at + 2..header_at + 4].copy_from_slice(&len.to_be_bytes());
    }

    /// Ends the message with an SK payload (IV, ciphertext, ICV as random bytes) whose
    /// "next payload" names the first payload inside the encryption.
    pub fn finish_with_sk(mut self, first_inner: u8, ciphertext_len: usize, rng: &mut Rng) {
        let header_at = self.open(PAYLOAD_SK);
        self.buf[header_at] = first_inner;
        push_random(self.buf, 16 + ciphertext_len + 16, rng);
        self.close(header_at);
        self.finish();
    }

    /// Ends the message with an RFC 7383 SKF payload.
    pub fn finish_with_skf(
        mut self,
        first_inner: u8,
        fragment_number: u16,
        total_fragments: u16,
        ciphertext_len: usize,
        rng: &mut Rng,
    ) {
        let header_at = self.open(PAYLOAD_SKF);
        // Only fragment 1 names the first inner payload (RFC 7383 section 2.5).
        self.buf[header_at] = if fragment_number == 1 {
            first_inner
        } else {
            PAYLOAD_NONE
        };
        self.buf.extend_from_slice(&fragment_number.to_be_bytes());
        self.buf.extend_from_slice(&total_fragments.to_be_bytes());
        push_random(self.buf, 16 + ciphertext_len + 16, rng);
        self.close(header_at);
        self.finish();
    }

    /// Patches the total length in the IKE header.
    pub fn finish(self) {
        let len = (self.buf.len() - self.start) as u32;
        self.buf[self.start + 24..self.start + 28].copy_from_slice(&len.to_be_bytes());
    }
}

pub fn push_random(buf: &mut Vec<u8>, len: usize, rng: &mut Rng) {
    let start = buf.len();
    buf.resize(start + len, 0);
    rng.fill(&mut buf[start..]);
}

/// SA payload body: one IKE proposal with the given (type, id, key length) transforms.
pub fn push_ike_proposal(buf: &mut Vec<u8>, transforms: &[(u8, u16, Option<u16>)]) {
    let proposal_at = buf.len();
    buf.extend_from_slice(&[0, 0, 0, 0]); // last substruc, reserved, length
    buf.push(1); // proposal number
    buf.push(PROTOCOL_IKE);
    buf.push(0); // SPI size: none during IKE_SA_INIT
    buf.push(transforms.len().min(255) as u8);
    for (index, &(transform_type, transform_id, key_len)) in transforms.iter().enumerate() {
        let last = index + 1 == transforms.len();
        let len: u16 = if key_len.is_some() { 12 } else { 8 };
        buf.push(if last { 0 } else { 3 });
        buf.push(0);
        buf.extend_from_slice(&len.to_be_bytes());
        buf.push(transform_type);
        buf.push(0);
        buf.extend_from_slice(&transform_id.to_be_bytes());
        if let Some(bits) = key_len {
            buf.extend_from_slice(&ATTRIBUTE_KEY_LENGTH_TV.to_be_bytes());
            buf.extend_from_slice(&bits.to_be_bytes());
        }
    }
    let len = (buf.len() - proposal_at).min(usize::from(u16::MAX)) as u16;
    buf[proposal_at + 2..proposal_at + 4].copy_from_slice(&len.to_be_bytes());
}

/// Notify payload body with no SPI.
pub fn push_notify(buf: &mut Vec<u8>, protocol: u8, notify_type: u16, data: &[u8]) {
    buf.push(protocol);
    buf.push(0);
    buf.extend_from_slice(&notify_type.to_be_bytes());
    buf.extend_from_slice(data);
}

fn standard_transforms(group: u16, gcm: bool) -> Vec<(u8, u16, Option<u16>)> {
    if gcm {
        vec![
            (TRANSFORM_ENCR, ENCR_AES_GCM_16, Some(256)),
            (TRANSFORM_PRF, PRF_HMAC_SHA2_256, None),
            (TRANSFORM_DH, group, None),
        ]
    } else {
        vec![
            (TRANSFORM_ENCR, ENCR_AES_CBC, Some(256)),
            (TRANSFORM_PRF, PRF_HMAC_SHA2_256, None),
            (TRANSFORM_INTEG, INTEG_HMAC_SHA2_256_128, None),
            (TRANSFORM_DH, group, None),
        ]
    }
}

/// IKE_SA_INIT request: SA, KE, Ni, N(NAT_DETECTION_*), optionally N(FRAGMENTATION_SUPPORTED).
pub fn sa_init_request(
    buf: &mut Vec<u8>,
    spi_i: u64,
    group: u16,
    fragmentation: bool,
    rng: &mut Rng,
) {
    let header = IkeHeader {
        spi_i,
        spi_r: 0,
        exchange: EXCHANGE_IKE_SA_INIT,
        flags: FLAG_INITIATOR,
        message_id: 0,
    };
    let gcm = rng.bool();
    let mut message = MessageBuilder::begin(buf, &header);
    message
        .payload(PAYLOAD_SA, |b| {
            push_ike_proposal(b, &standard_transforms(group, gcm))
        })
        .payload(PAYLOAD_KE, |b| {
            b.extend_from_slice(&group.to_be_bytes());
            b.extend_from_slice(&[0, 0]);
            push_random(b, ke_data_len(group), rng);
        })
        .payload(PAYLOAD_NONCE, |b| push_random(b, 32, rng))
        .payload(PAYLOAD_NOTIFY, |b| {
            push_notify(b, 0, NOTIFY_NAT_DETECTION_SOURCE_IP, &[]);
            push_random(b, 20, rng);
        })
        .payload(PAYLOAD_NOTIFY, |b| {
            push_notify(b, 0, NOTIFY_NAT_DETECTION_DESTINATION_IP, &[]);
            push_random(b, 20, rng);
        });
    if fragmentation {
        message.payload(PAYLOAD_NOTIFY, |b| {
            push_notify(b, 0, NOTIFY_IKEV2_FRAGMENTATION_SUPPORTED, &[])
        });
    }
    message.payload(PAYLOAD_NOTIFY, |b| {
        push_notify(b, 0, NOTIFY_SIGNATURE_HASH_ALGORITHMS, &[0, 2, 0, 3, 0, 4])
    });
    message.finish();
}

/// Successful IKE_SA_INIT response: SA, KE, Nr, N(NAT_DETECTION_*), CERTREQ, fragmentation.
pub fn sa_init_response(
    buf: &mut Vec<u8>,
    spi_i: u64,
    spi_r: u64,
    group: u16,
    fragmentation: bool,
    rng: &mut Rng,
) {
    let header = IkeHeader {
        spi_i,
        spi_r,
        exchange: EXCHANGE_IKE_SA_INIT,
        flags: FLAG_RESPONSE,
        message_id: 0,
    };
    let gcm = rng.bool();
    let mut message = MessageBuilder::begin(buf, &header);
    message
        .payload(PAYLOAD_SA, |b| {
            push_ike_proposal(b, &standard_transforms(group, gcm)[..])
        })
        .payload(PAYLOAD_KE, |b| {
            b.extend_from_slice(&group.to_be_bytes());
            b.extend_from_slice(&[0, 0]);
            push_random(b, ke_data_len(group), rng);
        })
        .payload(PAYLOAD_NONCE, |b| push_random(b, 32, rng))
        .payload(PAYLOAD_NOTIFY, |b| {
            push_notify(b, 0, NOTIFY_NAT_DETECTION_SOURCE_IP, &[]);
            push_random(b, 20, rng);
        })
        .payload(PAYLOAD_NOTIFY, |b| {
            push_notify(b, 0, NOTIFY_NAT_DETECTION_DESTINATION_IP, &[]);
            push_random(b, 20, rng);
        })
        .payload(PAYLOAD_CERTREQ, |b| {
            b.push(4); // X.509 certificate - signature
            push_random(b, 20, rng);
        });
    if fragmentation {
        message.payload(PAYLOAD_NOTIFY, |b| {
            push_notify(b, 0, NOTIFY_IKEV2_FRAGMENTATION_SUPPORTED, &[])
        });
    }
    message.payload(PAYLOAD_VENDOR_ID, |b| b.extend_from_slice(b"ike-synth"));
    message.finish();
}

/// IKE_SA_INIT error response carrying a single notify (SPIr is zero: no state was kept).
pub fn sa_init_error_response(buf: &mut Vec<u8>, spi_i: u64, notify_type: u16, data: &[u8]) {
    let header = IkeHeader {
        spi_i,
        spi_r: 0,
        exchange: EXCHANGE_IKE_SA_INIT,
        flags: FLAG_RESPONSE,
        message_id: 0,
    };
    let mut message = MessageBuilder::begin(buf, &header);
    message.payload(PAYLOAD_NOTIFY, |b| push_notify(b, 0, notify_type, data));
    message.finish();
}

/// Any exchange whose only payload is SK (IKE_AUTH, INFORMATIONAL, CREATE_CHILD_SA).
pub fn encrypted_message(
    buf: &mut Vec<u8>,
    header: &IkeHeader,
    first_inner: u8,
    ciphertext_len: usize,
    rng: &mut Rng,
) {
    MessageBuilder::begin(buf, header).finish_with_sk(first_inner, ciphertext_len, rng);
}

/// One SKF fragment message.
pub fn fragment_message(
    buf: &mut Vec<u8>,
    header: &IkeHeader,
    first_inner: u8,
    fragment_number: u16,
    total_fragments: u16,
    ciphertext_len: usize,
    rng: &mut Rng,
) {
    MessageBuilder::begin(buf, header).finish_with_skf(
        first_inner,
        fragment_number,
        total_fragments,
        ciphertext_len,
        rng,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Walks the payload chain and returns the payload types; panics on inconsistency.
    fn payload_chain(message: &[u8]) -> Vec<u8> {
        assert_eq!(message[17], IKE_VERSION_2);
        let total = u32::from_be_bytes(message[24..28].try_into().unwrap()) as usize;
        assert_eq!(total, message.len());
        let mut next = message[16];
        let mut at = IKE_HEADER_LEN;
        let mut types = Vec::new();
        while next != PAYLOAD_NONE {
            types.push(next);
            let len = u16::from_be_bytes([message[at + 2], message[at + 3]]) as usize;
            assert!(len >= 4 && at + len <= message.len());
            if next == PAYLOAD_SK || next == PAYLOAD_SKF {
                assert_eq!(at + len, message.len());
                break;
            }
            next = message[at];
            at += len;
        }
        if !matches!(types.last(), Some(&PAYLOAD_SK) | Some(&PAYLOAD_SKF)) {
            assert_eq!(at, message.len());
        }
        types
    }

    #[test]
    fn sa_init_request_chain() {
        let mut rng = Rng::with_seed(1);
        let mut buf = Vec::new();
        sa_init_request(&mut buf, 0x1122, DH_ECP_256, true, &mut rng);
        assert_eq!(
            payload_chain(&buf),
            vec![
                PAYLOAD_SA,
                PAYLOAD_KE,
                PAYLOAD_NONCE,
                PAYLOAD_NOTIFY,
                PAYLOAD_NOTIFY,
                PAYLOAD_NOTIFY,
                PAYLOAD_NOTIFY
            ]
        );
        assert_eq!(buf[18], EXCHANGE_IKE_SA_INIT);
        assert_eq!(buf[19], FLAG_INITIATOR);
    }

    #[test]
    fn response_and_sk_chain() {
        let mut rng = Rng::with_seed(2);
        let mut buf = Vec::new();
        sa_init_response(&mut buf, 1, 2, DH_CURVE25519, false, &mut rng);
        assert_eq!(payload_chain(&buf).len(), 7);
        buf.clear();
        let header = IkeHeader {
            spi_i: 1,
            spi_r: 2,
            exchange: EXCHANGE_IKE_AUTH,
            flags: FLAG_INITIATOR,
            message_id: 1,
        };
        encrypted_message(&mut buf, &header, PAYLOAD_IDI, 320, &mut rng);
        assert_eq!(payload_chain(&buf), vec![PAYLOAD_SK]);
        assert_eq!(buf[IKE_HEADER_LEN], PAYLOAD_IDI);
        buf.clear();
        fragment_message(&mut buf, &header, PAYLOAD_IDI, 2, 3, 100, &mut rng);
        assert_eq!(payload_chain(&buf), vec![PAYLOAD_SKF]);
        assert_eq!(buf[IKE_HEADER_LEN], PAYLOAD_NONE);
    }
}
