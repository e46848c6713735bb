//! Keys that do not belong to the capture's SAs are reported as such (every SA key set is judged
//! by the integrity check). What the right keys decide is part of the lab table
//! (`lab_evidence.rs`, the `capture+keys` and `keys+certs` rows).
mod common;

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
