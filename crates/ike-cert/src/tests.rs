use super::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/lab");

fn load(scenario: &str, file: &str) -> Vec<u8> {
    let content = std::fs::read(format!("{FIXTURES}/{scenario}/certs/{file}")).unwrap();
    certificates_in(&content).remove(0)
}

#[test]
fn lab_gateway_certificate() {
    let der = load("cert-ok", "gateway.pem");
    assert!(looks_like_certificate(
        &std::fs::read(format!("{FIXTURES}/cert-ok/certs/gateway.pem")).unwrap()
    ));
    let info = parse(&der).unwrap();
    assert!(info.contains_identity("gateway.ikelab.test"), "{info:?}");
    assert!(!info.contains_identity("vpn.ikelab.test"));
    let ca = load("cert-ok", "ca.pem");
    let at = (info.not_before + info.not_after) / 2;
    verify_chain(&der, &[], std::slice::from_ref(&ca), at).unwrap();
    assert!(verify_chain(&der, &[], &[ca], info.not_after + 10).is_err());
    let checks = check(&info, Some("gateway.ikelab.test"), Some(at), at, true);
    assert!(
        checks.iter().any(|c| c.name == "identity in SAN" && c.ok),
        "{checks:?}"
    );
}

#[test]
fn untrusted_ca_is_unknown_issuer() {
    let der = load("cert-untrusted-ca", "gateway.pem");
    let info = parse(&der).unwrap();
    let other_ca = load("cert-ok", "ca.pem");
    let err = verify_chain(&der, &[], &[other_ca], info.not_before + 60).unwrap_err();
    assert!(err.contains("issuer"), "{err}");
}

#[test]
fn hostile_inputs() {
    for bytes in [
        &b""[..],
        b"\x30",
        b"\x30\x82\xff\xff",
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    ] {
        let _ = looks_like_certificate(bytes);
        for der in certificates_in(bytes) {
            let _ = parse(&der);
        }
    }
}
