//! The host check's readers of untrusted text (a `--root` tree or an `nft -j` file copied from
//! another host): `/proc/net/udp{,6}` lines, `/proc/net/xfrm_stat`, and an nftables rule set
//! evaluated for a packet, from arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for line in text.lines().take(64) {
        let _ = ike_host::facts::parse_udp_line(line, false);
        let _ = ike_host::facts::parse_udp_line(line, true);
    }
    let _ = ike_host::facts::xfrm_stat_errors(&text);
    if let Ok(ruleset) = ike_host::nft::Ruleset::from_json(&text) {
        let peer = std::net::IpAddr::from([10, 99, 2, 3]);
        let local = std::net::IpAddr::from([10, 99, 2, 2]);
        let _ = ike_host::nft::for_peer(&ruleset, peer, local, Some("eth0"));
    }
});
