//! The host check's readers of `/proc/net/udp{,6}` lines and `/proc/net/xfrm_stat` (a `--root`
//! tree copied from another host is untrusted) from arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for line in text.lines().take(64) {
        let _ = ike_host::facts::parse_udp_line(line, false);
        let _ = ike_host::facts::parse_udp_line(line, true);
    }
    let _ = ike_host::facts::xfrm_stat_errors(&text);
});
