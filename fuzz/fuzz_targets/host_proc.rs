//! The host check's readers of untrusted text (a `--root` tree or an `nft -j` file copied from
//! another host): `/proc/net/udp{,6}` lines, `/proc/net/xfrm_stat`, an nftables rule set
//! evaluated for the peer's packets and a tunnel's forwarded traffic, with `iptables-save` text
//! for its `xt` matches (the input split in two at its first NUL), from arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for line in text.lines().take(64) {
        let _ = ike_host::facts::parse_udp_line(line, false);
        let _ = ike_host::facts::parse_udp_line(line, true);
    }
    let _ = ike_host::facts::xfrm_stat_errors(&text);
    let (json, saved) = text.split_once('\0').unwrap_or((&text, &text));
    let mut rules = ike_host::xtables::SavedRules::default();
    rules.add("ip", saved);
    if let Ok(mut ruleset) = ike_host::nft::Ruleset::from_json(json) {
        ruleset.add_iptables_save("ip", saved);
        let peer = std::net::IpAddr::from([10, 99, 2, 3]);
        let local = std::net::IpAddr::from([10, 99, 2, 2]);
        let _ = ike_host::nft::for_peer(&ruleset, peer, local, Some("eth0"));
        let path = ike_host::facts::ReversePath {
            connection: "site".into(),
            remote_ts: "10.2.0.0/24".into(),
            source: std::net::IpAddr::from([10, 2, 0, 1]),
            arrives_on: "eth0".into(),
            routed_back_via: Some("eth1".into()),
            local_host: std::net::IpAddr::from([10, 1, 0, 2]),
            local_via: Some("eth1".into()),
            kernel_xfrm: true,
        };
        let _ = ike_host::nft::tunnels_forward(&ruleset, &[path]);
        let _ = ruleset.clamps_mss();
    }
});
