//! Configuration readers (swanctl.conf, Libreswan ipsec.conf, ipsec.secrets, .sswan, proposal
//! keywords) from arbitrary bytes, each kind forced so every parser sees every input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = ike_config::detect(&text);
    for kind in [
        ike_config::ConfigKind::Swanctl,
        ike_config::ConfigKind::LibreswanConf,
        ike_config::ConfigKind::IpsecSecrets,
        ike_config::ConfigKind::Sswan,
    ] {
        let mut set = ike_config::ConfigSet::default();
        let mut errors = Vec::new();
        ike_config::read_text_as(&mut set, "fuzz", &text, kind, &mut errors);
        let _ = format!("{set:?}");
    }
    for line in text.lines().take(8) {
        let _ = ike_config::proposal::Proposal::from_strongswan("IKE", line);
        let _ = ike_config::proposal::Proposal::from_libreswan("ESP", line);
    }
});
