//! Arbitrary bytes through the capture reader and the dissector, to the end: no panic, no
//! endless loop, bounded memory.
#![no_main]

use ike_capture::{CaptureReader, Dissector, DissectorConfig};
use libfuzzer_sys::fuzz_target;
use std::io::Cursor;

fuzz_target!(|data: &[u8]| {
    let Ok(mut reader) = CaptureReader::new(Cursor::new(data)) else {
        return;
    };
    // Small reassembly bounds so eviction paths are reached with small inputs.
    let mut dissector = Dissector::new(DissectorConfig {
        max_pending_datagrams: 8,
        max_reassembly_bytes: 64 * 1024,
        ..DissectorConfig::default()
    });
    let mut events = 0usize;
    let mut sink = |_event| events += 1;
    while let Ok(Some(frame)) = reader.next_frame() {
        dissector.dissect(&frame, &mut sink);
        // Raw frames, whatever their link type claims, through the raw-IP paths as well.
        let raw = ike_capture::Frame {
            link_type: 101,
            ..frame
        };
        dissector.dissect(&raw, &mut sink);
    }
    dissector.finish(&mut sink);
    assert_eq!(dissector.pending_datagrams(), 0);
    assert!(reader.bytes_consumed() <= data.len() as u64);
});
