//! Configuration readers (swanctl.conf, Libreswan ipsec.conf, ipsec.secrets, .sswan, Apple
//! profiles, NetworkManager connections, Windows, cloud exports, proposal keywords) from arbitrary bytes, each kind
//! forced so every parser sees every input; and the secret redaction `collect` applies.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = ike_config::detect(data);
    for kind in [
        ike_config::ConfigKind::Swanctl,
        ike_config::ConfigKind::LibreswanConf,
        ike_config::ConfigKind::IpsecSecrets,
        ike_config::ConfigKind::Sswan,
        ike_config::ConfigKind::AppleProfile,
        ike_config::ConfigKind::NetworkManager,
        ike_config::ConfigKind::Windows,
        ike_config::ConfigKind::Cloud(ike_config::cloud::CloudKind::Aws),
        ike_config::ConfigKind::Cloud(ike_config::cloud::CloudKind::Azure),
        ike_config::ConfigKind::Cloud(ike_config::cloud::CloudKind::GoogleCloud),
    ] {
        let mut set = ike_config::ConfigSet::default();
        let mut errors = Vec::new();
        ike_config::read_as(&mut set, "fuzz", data, kind, &mut errors);
        ike_config::finish_end(&mut set);
        let _ = format!("{set:?}");
    }
    // Redaction keeps every line it does not touch, and nothing redacted twice grows.
    let (redacted, _) = ike_config::redact::redact_secrets(&text);
    let (again, _) = ike_config::redact::redact_secrets(&redacted);
    assert_eq!(redacted.lines().count(), again.lines().count());
    let _ = ike_keys::strip_key_material(&text);
    for line in text.lines().take(8) {
        let _ = ike_config::proposal::Proposal::from_strongswan("IKE", line);
        let _ = ike_config::proposal::Proposal::from_libreswan("ESP", line);
    }
});
