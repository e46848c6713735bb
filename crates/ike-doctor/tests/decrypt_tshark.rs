//! Every lab fixture that ships its IKE SA keys (`ike-keys.csv`, Wireshark's ikev2_decryption_table
//! as strongSwan's save-keys writes it) is decrypted by ike-doctor and by tshark with the same
//! table (`-o uat:ikev2_decryption_table:...`): the decrypted payload types and notify types of
//! every frame must be identical.
mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

type PerFrame = BTreeMap<u64, (Vec<u64>, Vec<u64>)>;

fn numbers(field: &str) -> Vec<u64> {
    field
        .split(',')
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// tshark's decrypted view: for frames whose first payload is SK (46) or SKF (53) and that it
/// decrypted, the payload types after it (proposal and transform substructures, 2 and 3, left
/// out) and the notify types.
fn tshark_decrypted(capture: &Path, keys: &Path) -> PerFrame {
    let tshark = common::require_tool("tshark");
    let mut cmd = Command::new(tshark);
    cmd.arg("-n").arg("-r").arg(capture);
    for line in std::fs::read_to_string(keys)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        cmd.arg("-o")
            .arg(format!("uat:ikev2_decryption_table:{line}"));
    }
    cmd.args([
        "-Y",
        "isakmp",
        "-T",
        "fields",
        "-e",
        "frame.number",
        "-e",
        "isakmp.typepayload",
        "-e",
        "isakmp.notify.msgtype",
    ]);
    let out = cmd.output().expect("run tshark");
    assert!(
        out.status.success(),
        "tshark failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut frames = PerFrame::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        let frame: u64 = cols.first().and_then(|f| f.parse().ok()).unwrap_or(0);
        let types = numbers(cols.get(1).unwrap_or(&""));
        let notifies = numbers(cols.get(2).unwrap_or(&""));
        // Only frames that start with SK/SKF and have more payloads were decrypted.
        if matches!(types.first(), Some(46 | 53)) && types.len() > 1 {
            let inner: Vec<u64> = types[1..]
                .iter()
                .copied()
                .filter(|t| *t != 2 && *t != 3)
                .collect();
            frames.insert(frame, (inner, notifies));
        }
    }
    frames
}

fn doctor_decrypted(capture: &Path, keys: &Path) -> PerFrame {
    let (report, _) = common::diagnose_json(&[capture, keys]);
    let mut frames = PerFrame::new();
    for session in report["sessions"].as_array().into_iter().flatten() {
        for m in session["messages"].as_array().into_iter().flatten() {
            let Some(d) = m.get("decrypted") else {
                continue;
            };
            // An empty SK (e.g. a bare INFORMATIONAL response) shows in tshark's fields exactly as
            // an undecrypted one, so it cannot be compared.
            if d["status"] != "decrypted"
                || d["payload_types"].as_array().is_none_or(|a| a.is_empty())
            {
                continue;
            }
            let list = |v: &serde_json::Value| -> Vec<u64> {
                v.as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|x| x.as_u64())
                    .collect()
            };
            frames.insert(
                m["frame"].as_u64().unwrap(),
                (list(&d["payload_types"]), list(&d["notify_types"])),
            );
        }
    }
    frames
}

#[test]
fn decrypted_payloads_agree_with_tshark() {
    let scenarios = common::lab::scenarios(&["ike-keys.csv"]);
    let mut compared = 0usize;
    let mut frames_compared = 0usize;
    for scenario in &scenarios {
        let keys = scenario.join("ike-keys.csv");
        for capture in ["client.pcap", "gateway.pcap"] {
            let capture = scenario.join(capture);
            if !capture.exists() {
                continue;
            }
            let theirs = tshark_decrypted(&capture, &keys);
            let ours = doctor_decrypted(&capture, &keys);
            assert_eq!(
                ours,
                theirs,
                "{}: decrypted payloads differ (left ike-doctor, right tshark)",
                capture.display()
            );
            compared += 1;
            frames_compared += ours.len();
        }
    }
    println!("{compared} captures, {frames_compared} decrypted frames identical to tshark");
    assert!(
        compared > 0 && frames_compared > 0,
        "no fixture with keys: tests/fixtures/lab/*/ike-keys.csv"
    );
}
