//! Certificates as evidence of `diagnose`: with the IKE SA keys and the CA the verifying peer
//! trusts, the chains of the decrypted CERT payloads are verified and decide the category
//! (auth-cert, clock, auth-id), citing the CERT payload's frame and the CA file; without keys,
//! certificate files are checked against the failed attempt's time; healthy certificates never
//! make a finding.
mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

fn lab(scenario: &str) -> PathBuf {
    common::workspace_root()
        .join("tests/fixtures/lab")
        .join(scenario)
}

/// `diagnose --format json` with `--ca` files and paths.
fn diagnose(cas: &[&Path], paths: &[&Path]) -> (Value, i32) {
    let mut command = common::ike_doctor();
    command.args(["diagnose", "--format", "json"]);
    for ca in cas {
        command.arg("--ca").arg(ca);
    }
    let output = command.args(paths).output().expect("run ike-doctor");
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (report, output.status.code().unwrap_or(-1))
}

fn verdict(report: &Value) -> (String, String, String) {
    let v = &report["verdict"];
    let s = |k: &str| v[k].as_str().unwrap_or("-").to_string();
    (s("outcome"), s("phase"), s("category"))
}

fn findings<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

/// The evidence of a finding that cites `source_suffix` (and, when given, that frame).
fn cites(finding: &Value, source_suffix: &str, frame: Option<u64>) -> bool {
    finding["evidence"].as_array().unwrap().iter().any(|e| {
        e["source"].as_str().unwrap().ends_with(source_suffix)
            && (frame.is_none() || e["frame"].as_u64() == frame)
    })
}

/// The first finding, which must come from the chain check and say `category`.
fn chain_finding(report: &Value, category: &str) -> Value {
    let top = &report["findings"][0];
    assert_eq!(top["rule"], "decrypted-cert-chain", "{report:#}");
    assert_eq!(top["category"], category, "{top:#}");
    assert_eq!(top["confidence"], "high", "{top:#}");
    top.clone()
}

#[test]
fn untrusted_ca_with_keys_and_the_clients_ca() {
    let dir = lab("cert-untrusted-ca");
    for capture in ["client.pcap", "gateway.pcap"] {
        let (report, code) = diagnose(
            &[&dir.join("certs/ca.pem")],
            &[&dir.join(capture), &dir.join("ike-keys.csv")],
        );
        assert_eq!(code, 1);
        assert_eq!(
            verdict(&report),
            ("failed".into(), "IKE_AUTH".into(), "auth-cert".into())
        );
        let top = chain_finding(&report, "auth-cert");
        // Frame 4 is the IKE_AUTH response carrying the gateway's CERT payload.
        assert!(cites(&top, capture, Some(4)), "{top:#}");
        assert!(cites(&top, "certs/ca.pem", None), "{top:#}");
        assert!(
            top["title"].as_str().unwrap().contains("does not chain"),
            "{top:#}"
        );
        let inputs = report["inputs"].to_string();
        assert!(inputs.contains("\"certificate\""), "{inputs}");
    }
}

/// Both CAs handed over (as a folder would): the client's CERTREQ names the one it trusts, so
/// the gateway's chain to the other is still untrusted, never a clock problem.
#[test]
fn untrusted_ca_with_both_cas_is_decided_by_the_clients_certreq() {
    let dir = lab("cert-untrusted-ca");
    let (report, _) = diagnose(
        &[],
        &[
            &dir.join("client.pcap"),
            &dir.join("ike-keys.csv"),
            &dir.join("certs"),
        ],
    );
    assert_eq!(
        verdict(&report),
        ("failed".into(), "IKE_AUTH".into(), "auth-cert".into())
    );
    let top = chain_finding(&report, "auth-cert");
    assert!(cites(&top, "certs/otherca.pem", None), "{top:#}");
    assert!(cites(&top, "client.pcap", Some(4)), "{top:#}");
}

#[test]
fn expired_client_certificate() {
    let dir = lab("cert-expired");
    let (report, _) = diagnose(
        &[&dir.join("certs/ca.pem")],
        &[&dir.join("client.pcap"), &dir.join("ike-keys.csv")],
    );
    assert_eq!(
        verdict(&report),
        ("failed".into(), "IKE_AUTH".into(), "auth-cert".into())
    );
    let top = chain_finding(&report, "auth-cert");
    assert!(
        top["title"].as_str().unwrap().contains("expired"),
        "{top:#}"
    );
    // Frame 3 is the IKE_AUTH request carrying the client's CERT payload.
    assert!(cites(&top, "client.pcap", Some(3)), "{top:#}");
    assert!(cites(&top, "certs/ca.pem", None), "{top:#}");
}

#[test]
fn gateway_certificate_valid_but_client_clock_wrong() {
    let dir = lab("cert-not-yet-valid-clock");
    for capture in ["client.pcap", "gateway.pcap"] {
        let (report, _) = diagnose(
            &[&dir.join("certs/ca.pem")],
            &[&dir.join(capture), &dir.join("ike-keys.csv")],
        );
        assert_eq!(
            verdict(&report),
            ("failed".into(), "IKE_AUTH".into(), "clock".into())
        );
        let top = chain_finding(&report, "clock");
        assert!(cites(&top, capture, Some(4)), "{top:#}");
        assert!(cites(&top, "certs/ca.pem", None), "{top:#}");
    }
}

#[test]
fn expected_gateway_id_not_in_san() {
    let dir = lab("cert-san-mismatch");
    let (report, _) = diagnose(
        &[&dir.join("certs/ca.pem")],
        &[&dir.join("client.pcap"), &dir.join("ike-keys.csv")],
    );
    assert_eq!(
        verdict(&report),
        ("failed".into(), "IKE_AUTH".into(), "auth-id".into())
    );
    // The chain is fine: no certificate finding contradicts the identity.
    for f in report["findings"].as_array().unwrap() {
        assert_ne!(f["category"], "auth-cert", "{f:#}");
        assert_ne!(f["category"], "clock", "{f:#}");
    }
}

#[test]
fn healthy_certificates_make_no_finding() {
    let dir = lab("cert-ok");
    let sets: [Vec<PathBuf>; 3] = [
        vec![
            dir.join("client.pcap"),
            dir.join("ike-keys.csv"),
            dir.join("certs"),
        ],
        vec![dir.join("gateway.pcap"), dir.join("certs")],
        vec![dir.clone()],
    ];
    for paths in &sets {
        let paths: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
        let (report, code) = diagnose(&[&dir.join("certs/ca.pem")], &paths);
        assert_eq!(code, 0, "{report:#}");
        assert_eq!(verdict(&report).0, "established");
        assert!(
            report["findings"].as_array().unwrap().is_empty(),
            "{paths:?}: {report:#}"
        );
    }
    // Healthy certificates beside a failure that is not theirs name no certificate cause.
    let dir = lab("ike-auth-ip-fragments-dropped");
    let (report, _) = diagnose(&[], &[&dir.join("client.pcap"), &dir.join("certs")]);
    assert!(
        findings(&report, "certificate-file-at-attempt").is_empty(),
        "{report:#}"
    );
    assert!(
        findings(&report, "decrypted-cert-chain").is_empty(),
        "{report:#}"
    );
}

/// Without keys, the expired client certificate file is checked against the failed attempt
/// whose client a log line names: a Medium auth-cert finding citing the file, agreeing with the
/// log's own cause.
#[test]
fn expired_certificate_file_without_keys() {
    let dir = lab("cert-expired");
    let (report, _) = diagnose(
        &[],
        &[
            &dir.join("client.pcap"),
            &dir.join("gateway.log"),
            &dir.join("certs/client.pem"),
        ],
    );
    let found = findings(&report, "certificate-file-at-attempt");
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(found[0]["category"], "auth-cert");
    assert_eq!(found[0]["confidence"], "medium");
    assert!(cites(found[0], "certs/client.pem", None), "{:#}", found[0]);
    assert!(cites(found[0], "client.pcap", Some(3)), "{:#}", found[0]);
    assert_eq!(
        verdict(&report),
        ("failed".into(), "IKE_AUTH".into(), "auth-cert".into())
    );
    // Without a log, the only certificate given is the one in question: the wire says the
    // gateway refused the client, the file says why.
    let (report, _) = diagnose(
        &[],
        &[&dir.join("client.pcap"), &dir.join("certs/client.pem")],
    );
    assert_eq!(
        findings(&report, "certificate-file-at-attempt").len(),
        1,
        "{report:#}"
    );
    assert_eq!(
        verdict(&report),
        ("failed".into(), "IKE_AUTH".into(), "auth-cert".into())
    );
    // Two certificates and nothing naming either: neither is tied to the attempt.
    let (report, _) = diagnose(
        &[],
        &[
            &dir.join("client.pcap"),
            &dir.join("certs/client.pem"),
            &dir.join("certs/gateway.pem"),
        ],
    );
    assert!(
        findings(&report, "certificate-file-at-attempt").is_empty(),
        "{report:#}"
    );
}

#[test]
fn unreadable_ca_option_is_a_usage_error() {
    let dir = lab("cert-ok");
    let (code, stderr) = {
        let output = common::ike_doctor()
            .args(["diagnose", "--ca"])
            .arg(dir.join("client.pcap"))
            .arg(dir.join("client.pcap"))
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).to_string(),
        )
    };
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("no certificate"), "{stderr}");
}
