//! Log detection and scanning on arbitrary bytes: every format's scanner runs to the end
//! without panicking, whatever the detector says; unknown text read as IKE words stays bounded.
#![no_main]

use ike_logs::{detect, scan, Format, ScanConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = detect(data);
    let _ = ike_logs::text_kind(data);
    let _ = ike_logs::scan::json_record_message(&String::from_utf8_lossy(data));
    let _ = ike_logs::explain::explain_paste(&String::from_utf8_lossy(data));
    // Unknown text read as IKE words: bounded, and a line kept only if the text speaks of IKE.
    let wording = ike_logs::vocabulary::wording(data);
    assert!(wording.lines.len() <= ike_logs::vocabulary::MAX_LINES);
    assert!(wording.hints(3).len() <= 3);
    assert_eq!(
        ike_logs::vocabulary::speaks_of_ike(data),
        wording.count > 0
    );
    let config = ScanConfig {
        reference_ns: Some(1_700_000_000_000_000_000),
        ..ScanConfig::default()
    };
    for format in [
        Format::Charon,
        Format::Pluto,
        Format::JournalJson,
        Format::Windows,
        Format::Apple,
        Format::FortiGate,
        Format::Cisco,
        Format::JsonRecords,
        Format::Text,
    ] {
        let _ = scan(std::io::Cursor::new(data), format, &config, &mut |_| {});
    }
});
