//! `ike-doctor probe` against real strongSwan and Libreswan responders in network namespaces
//! (tests/probe_lab.sh builds them from the failure lab's helpers). Needs root, charon and
//! Libreswan (lab/install-libreswan.sh); without them these tests fail loudly rather than pass.
//! The script stops what it starts by PID and removes its namespaces, also on failure.
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/probe_lab.sh")
}

fn require_lab() {
    let uid = Command::new("id").arg("-u").output().expect("id -u");
    assert_eq!(
        String::from_utf8_lossy(&uid.stdout).trim(),
        "0",
        "the probe lab tests need root (network namespaces); run them as root as CI does"
    );
    assert!(
        std::path::Path::new("/usr/lib/ipsec/charon").exists(),
        "strongSwan's charon is missing: run scripts/install-deps.sh"
    );
}

/// Runs `ike-doctor probe ARGS --format json` against SCENARIO's responder; returns the report
/// and the exit status.
fn probe(scenario: &str, args: &[&str]) -> (Value, i32) {
    require_lab();
    let out = Command::new("bash")
        .arg(script())
        .arg(scenario)
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_ike-doctor"))
        .arg("probe")
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("run probe_lab.sh");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let exit = stderr
        .lines()
        .find_map(|l| l.strip_prefix("command-exit "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("{scenario}: the lab did not run the probe:\n{stderr}"));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{scenario}: no JSON report ({e}):\n{}\n{stderr}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (report, exit)
}

fn accepted(report: &Value) -> Vec<String> {
    let mut list: Vec<String> = report["accepted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["proposal"].as_str().unwrap().to_string())
        .collect();
    list.sort();
    list
}

fn answers(report: &Value) -> Vec<(u64, String)> {
    report["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["port"].as_u64().unwrap(),
                a["answer"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn strongswan_enumeration_equals_the_configured_proposals() {
    // proposals = aes256-sha256-modp2048,aes128gcm16-prfsha256-ecp256,aes128-sha1-curve25519
    let (report, exit) = probe("swan-enum", &["10.99.2.2", "--enumerate"]);
    assert_eq!(exit, 0, "{report:#}");
    assert_eq!(
        accepted(&report),
        [
            "IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/CURVE_25519",
            "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
            "IKE:AES_GCM_16_128/PRF_HMAC_SHA2_256/ECP_256",
        ],
        "{report:#}"
    );
    let first = &report["accepted"][0];
    assert_eq!(first["encr"], "ENCR_AES_CBC");
    assert_eq!(first["integ"], "AUTH_HMAC_SHA1_96");
    let e = &report["enumeration"];
    assert_eq!(e["complete"], true, "{report:#}");
    assert!(e["queries"].as_u64().unwrap() <= 20, "{e}");
    // The first request carries Curve25519; the gateway asks for MODP_2048 and gets it.
    let a = &report["answers"][0];
    assert_eq!(a["answer"], "INVALID_KE_PAYLOAD");
    assert_eq!(a["requested_group"], "MODP_2048");
    assert_eq!(report["answers"][1]["answer"], "response");
    assert_eq!(report["answers"][1]["ke_group"], "MODP_2048");
    assert_eq!(report["reachable"]["udp500"], true);
    assert_eq!(report["reachable"]["udp4500"], true);
    assert_eq!(report["fragmentation"], true);
    assert!(report["implementation"]
        .as_str()
        .unwrap()
        .starts_with("strongSwan"));
    assert_eq!(report["verdict"]["outcome"], "established");
}

#[test]
fn libreswan_enumeration_equals_the_configured_proposals() {
    assert!(
        std::path::Path::new("/opt/ike-lab/libreswan/usr/libexec/ipsec/pluto").exists(),
        "Libreswan is missing: run lab/install-libreswan.sh (scripts/install-deps.sh does)"
    );
    // ike=aes256-sha2_256;modp2048,aes_gcm128-sha2_256;dh19
    let (report, exit) = probe("ls-enum", &["10.99.2.2", "--enumerate"]);
    assert_eq!(exit, 0, "{report:#}");
    assert_eq!(
        accepted(&report),
        [
            "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
            "IKE:AES_GCM_16_128/PRF_HMAC_SHA2_256/ECP_256",
        ],
        "{report:#}"
    );
    assert_eq!(report["enumeration"]["complete"], true);
    assert!(report["implementation"]
        .as_str()
        .unwrap()
        .starts_with("Libreswan"));
    assert_eq!(report["nat"]["prober_behind_nat"], false);
    assert_eq!(report["nat"]["gateway_behind_nat"], false);
}

#[test]
fn strongswan_cookie_is_answered() {
    // charon.cookie_threshold = 1: from the second half-open IKE SA on, a COOKIE is demanded.
    let (report, exit) = probe("swan-cookie", &["10.99.2.2"]);
    assert_eq!(exit, 0, "{report:#}");
    let list = answers(&report);
    let cookie = list
        .iter()
        .position(|(_, a)| a == "COOKIE")
        .unwrap_or_else(|| panic!("no COOKIE answer: {list:?}"));
    assert_eq!(
        list.get(cookie + 1).map(|(_, a)| a.as_str()),
        Some("response"),
        "{list:?}"
    );
    assert_eq!(report["reachable"]["udp4500"], true);
}

#[test]
fn strongswan_behind_a_masquerading_router_detects_nat() {
    let (report, exit) = probe("swan-nat", &["10.99.2.2"]);
    assert_eq!(exit, 0, "{report:#}");
    assert_eq!(report["nat"]["prober_behind_nat"], true, "{report:#}");
    assert_eq!(report["reachable"]["udp4500"], true);
}

#[test]
fn udp_500_dropped_is_a_clear_no_response_verdict() {
    let (report, exit) = probe("swan-drop500", &["10.99.2.2"]);
    assert_eq!(exit, 1, "{report:#}");
    let v = &report["verdict"];
    assert_eq!(v["outcome"], "failed");
    assert_eq!(v["phase"], "IKE_SA_INIT");
    assert_eq!(v["category"], "udp-blocked");
    assert!(v["summary"]
        .as_str()
        .unwrap()
        .contains("no answer on UDP 500"));
    assert_eq!(report["reachable"]["udp500"], false);
    assert_eq!(report["reachable"]["udp4500"], true);
    assert_eq!(report["answers"][0]["answer"], "no-answer");
    assert_eq!(report["answers"][0]["transmissions"], 3);
}

#[test]
fn eap_identity_retrieves_the_chain_and_checks_it() {
    // The prober's namespace resolves gateway.ikelab.test to the gateway (its /etc/hosts).
    let (report, exit) = probe(
        "swan-eap",
        &["gateway.ikelab.test", "--eap-identity", "alice"],
    );
    assert_eq!(exit, 0, "{report:#}");
    let c = &report["certificates"];
    assert_eq!(c["answer"], "response", "{report:#}");
    assert_eq!(c["idr"], "ID_FQDN gateway.ikelab.test");
    assert_eq!(c["eap"], "REQ ID");
    let leaf = &c["chain"][0];
    assert!(leaf["subject"]
        .as_str()
        .unwrap()
        .contains("CN=gateway.ikelab.test"));
    assert_eq!(leaf["issuer"], "C=CH, O=ikelab, CN=ikelab Root CA");
    assert_eq!(leaf["san"][0], "DNS:gateway.ikelab.test");
    assert_eq!(c["checks"]["host_in_san"], true);
    assert_eq!(c["checks"]["valid_now"], true);
    assert_eq!(report["verdict"]["outcome"], "established");
}
