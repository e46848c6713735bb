//! Parses arbitrary bytes as an IKEv2 message; whatever parses must re-emit to bytes that
//! parse back to the same message, and the cheap header/vendor helpers must never panic.
#![no_main]

use ike_wire::{header, peek_version, vendor, MessageRepr, PayloadRepr};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = peek_version(data);
    let _ = header(data);
    if let Ok(message) = MessageRepr::parse(data) {
        let _ = message.payload_names();
        for payload in &message.payloads {
            match &payload.body {
                PayloadRepr::VendorId(vid) => {
                    let _ = vendor::identify(vid);
                }
                PayloadRepr::SecurityAssociation(proposals) => {
                    for proposal in proposals {
                        let _ = proposal.to_string();
                    }
                }
                _ => {}
            }
        }
        let bytes = message.to_bytes();
        let reparsed = MessageRepr::parse(&bytes).expect("emitted message must parse");
        // The header length is stored as on the wire; the emitted one is recomputed.
        let mut expected = message.clone();
        expected.canonicalize_header();
        assert_eq!(reparsed, expected);
        assert_eq!(reparsed.to_bytes(), bytes);
    }
});
