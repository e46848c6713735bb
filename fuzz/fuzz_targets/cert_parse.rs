//! Certificates (PEM or DER) from arbitrary bytes: detection, extraction and the checks.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ike_cert::looks_like_certificate(data);
    for der in ike_cert::certificates_in(data) {
        if let Ok(info) = ike_cert::parse(&der) {
            let _ = info.validity_at(1_700_000_000);
            let _ = info.contains_identity("vpn.example.com");
            let _ = info.san_list();
        }
    }
    let _ = ike_cert::parse(data);
});
