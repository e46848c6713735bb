//! With the IKE SA keys (`ike-keys.csv`) and a capture, and no log, the verdict gives the true
//! phase AND category of every lab scenario whose cause is inside the encrypted exchanges:
//! authentication, certificate, identity, clock, traffic-selector and CHILD_SA proposal failures.
mod common;

use std::path::Path;

/// Categories whose evidence is encrypted: the keys must make the verdict exact.
const INSIDE_SK: &[&str] = &[
    "auth-psk",
    "auth-cert",
    "auth-id",
    "auth-eap",
    "clock",
    "traffic-selectors",
    "proposal-esp",
    "proposal-dh",
    "config-other",
];

/// Scenarios whose category no capture decides even decrypted, with the reason: the verdict
/// must give the phase and leave the category open (never a confident wrong one).
const NOT_ON_THE_WIRE: &[(&str, &str)] = &[
    (
        "identity-mismatch",
        "the gateway answers a bare AUTHENTICATION_FAILED exactly as for a PSK mismatch: only its log says that no connection matches the client's identity",
    ),
    (
        "psk-mismatch",
        "a bare AUTHENTICATION_FAILED to a PSK AUTH: the same answer as an identity no connection holds",
    ),
    (
        "libreswan-psk-mismatch",
        "a bare AUTHENTICATION_FAILED to a PSK AUTH: the same answer as an identity no connection holds",
    ),
];

#[test]
fn captures_and_keys_give_phase_and_category() {
    let scenarios = common::lab::scenarios(&["ike-keys.csv"]);
    let mut failures = Vec::new();
    let mut checked = 0;
    println!(
        "{:<32} {:<8} {:<28} {:<28}",
        "scenario", "capture", "truth", "verdict"
    );
    for scenario in &scenarios {
        let name = scenario.file_name().unwrap().to_string_lossy().to_string();
        let truth: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(scenario.join("truth.json")).unwrap())
                .unwrap();
        let category = truth["category"].as_str().unwrap_or("");
        let phase = truth["phase"].as_str().unwrap_or("");
        if !INSIDE_SK.contains(&category) || !matches!(phase, "IKE_AUTH" | "CHILD_SA") {
            continue;
        }
        for capture in ["client.pcap", "gateway.pcap"] {
            let files: [&Path; 2] = [&scenario.join(capture), &scenario.join("ike-keys.csv")];
            let (report, _) = common::diagnose_json(&files);
            let got = (
                report["verdict"]["phase"]
                    .as_str()
                    .unwrap_or("-")
                    .to_string(),
                report["verdict"]["category"]
                    .as_str()
                    .unwrap_or("-")
                    .to_string(),
            );
            println!(
                "{name:<32} {capture:<8} {:<28} {:<28}",
                format!("{phase} {category}"),
                format!("{} {}", got.0, got.1)
            );
            if NOT_ON_THE_WIRE.iter().any(|(s, _)| *s == name) {
                assert_eq!(got.0, phase, "{name} {capture}: phase");
                assert_eq!(got.1, "-", "{name} {capture}: the category must stay open");
                continue;
            }
            checked += 1;
            if got != (phase.to_string(), category.to_string()) {
                failures.push(format!(
                    "{name} {capture}: truth {phase} {category}, verdict {} {}",
                    got.0, got.1
                ));
            }
        }
    }
    assert!(checked > 0, "no scenario with keys");
    assert!(
        failures.is_empty(),
        "wrong verdicts with keys:\n{}",
        failures.join("\n")
    );
}

#[test]
fn wrong_keys_are_reported_as_such() {
    let dir = common::workspace_root().join("tests/fixtures/lab");
    let keys = std::fs::read_to_string(dir.join("psk-mismatch/ike-keys.csv")).unwrap();
    // Same SPIs, every key byte changed.
    let line = keys.lines().next().unwrap();
    let mut fields: Vec<String> = line.split(',').map(str::to_string).collect();
    for i in [2usize, 3, 5, 6] {
        fields[i] = fields[i]
            .chars()
            .map(|c| if c == '0' { '1' } else { '0' })
            .collect();
    }
    let wrong =
        std::env::temp_dir().join(format!("ike-doctor-wrong-keys-{}.csv", std::process::id()));
    std::fs::write(&wrong, fields.join(",") + "\n").unwrap();
    let capture = dir.join("psk-mismatch/client.pcap");
    let (report, _) = common::diagnose_json(&[&capture, &wrong]);
    let _ = std::fs::remove_file(&wrong);
    let statuses: Vec<String> = report["sessions"][0]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m.get("decrypted"))
        .map(|d| d["status"].as_str().unwrap().to_string())
        .collect();
    assert!(
        !statuses.is_empty() && statuses.iter().all(|s| s == "integrity-check-failed"),
        "{statuses:?}"
    );
    let notes = report["notes"].to_string();
    assert!(notes.contains("integrity check failed"), "{notes}");
}
