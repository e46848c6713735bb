//! Key tables (Wireshark's ikev2_decryption_table, strongSwan's save-keys, charon level-4
//! logs) from arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ike_keys::looks_like_keys(data);
    let table = ike_keys::parse(data);
    let _ = format!("{table:?}");
});
