//! A gateway's capture in small: many peers, retried and failed attempts, many ESP flows. The
//! filters (--peer, --spi, --since/--until) must keep exactly one peer's, one SA's or one
//! window's evidence, and a capture of this kind must be read whole (no cap reached). The
//! full-size figures are `bench/scale.sh`'s; this is its smoke version for CI.
mod common;

use std::collections::BTreeSet;

use serde_json::Value;

fn diagnose_json(args: &[&str]) -> (Value, i32) {
    let output = common::ike_doctor()
        .args(["diagnose", "--format", "json"])
        .args(args)
        .output()
        .expect("run ike-doctor");
    let code = output.status.code().unwrap_or(-1);
    let json = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    (json, code)
}

fn sessions(report: &Value) -> &Vec<Value> {
    report["sessions"].as_array().expect("sessions array")
}

fn ip(endpoint: &Value) -> String {
    let text = endpoint.as_str().unwrap_or("");
    let host = text.rsplit_once(':').map_or(text, |(h, _)| h);
    host.trim_matches(['[', ']']).to_string()
}

#[test]
fn a_gateway_capture_is_read_whole_with_a_row_per_peer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let capture = common::gateway_capture(dir.path(), 24 << 20, 400, 7);
    let (report, code) = diagnose_json(&[capture.to_str().unwrap()]);
    assert!(code == 0 || code == 1, "exit {code}");
    for (name, value) in report["limits"].as_object().expect("limits") {
        assert_eq!(value, 0, "limit {name} reached on a small gateway capture");
    }
    let all = sessions(&report);
    assert!(all.len() > 400, "{} SAs", all.len());
    let pairs: BTreeSet<(String, String)> = all
        .iter()
        .map(|s| (ip(&s["initiator"]), ip(&s["responder"])))
        .collect();
    let rows = report["peers"].as_array().expect("peers");
    assert_eq!(rows.len(), pairs.len(), "one summary row per pair of peers");
    let attempts: u64 = rows.iter().filter_map(|r| r["attempts"].as_u64()).sum();
    assert_eq!(attempts as usize, all.len(), "every SA counted once");
    let failed = all
        .iter()
        .filter(|s| s["verdict"]["outcome"] == "failed")
        .count();
    assert!(failed > 0, "the capture has failed attempts");
}

#[test]
fn lower_caps_keep_less_and_the_notes_name_the_option_that_raises_each() {
    let dir = tempfile::tempdir().expect("tempdir");
    let capture = common::gateway_capture(dir.path(), 4 << 20, 60, 7);
    let capture = capture.to_str().unwrap();
    let (whole, _) = diagnose_json(&[capture]);
    let esp = whole["esp"].as_array().expect("esp").len();
    assert!(sessions(&whole).len() > 20 && esp > 10);
    let (capped, code) = diagnose_json(&[
        capture,
        "--max-sas",
        "20",
        "--max-messages",
        "100",
        "--max-flows",
        "10",
    ]);
    assert!(code == 0 || code == 1, "exit {code}");
    assert_eq!(sessions(&capped).len(), 20);
    assert_eq!(capped["esp"].as_array().expect("esp").len(), 10);
    let kept_messages: usize = sessions(&capped)
        .iter()
        .map(|s| s["messages"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(kept_messages <= 100, "{kept_messages} messages kept");
    let limits = &capped["limits"];
    for name in [
        "sessions_not_tracked",
        "ike_messages_not_kept",
        "flows_not_kept",
    ] {
        assert!(limits[name].as_u64().unwrap_or(0) > 0, "{name}: {limits}");
    }
    let notes: Vec<&str> = capped["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter_map(|n| n["message"].as_str())
        .collect();
    for option in ["--max-sas", "--max-messages", "--max-flows"] {
        assert!(
            notes.iter().any(|n| n.contains(option)),
            "no note names {option}: {notes:?}"
        );
    }
}

#[test]
fn filters_keep_one_peer_one_sa_or_one_window() {
    let dir = tempfile::tempdir().expect("tempdir");
    let capture = common::gateway_capture(dir.path(), 4 << 20, 60, 7);
    let capture = capture.to_str().unwrap();
    let (report, _) = diagnose_json(&[capture]);
    let all = sessions(&report);

    // One peer: exactly its SAs, whichever side it is on.
    let peer = ip(&all[0]["initiator"]);
    let expected = all
        .iter()
        .filter(|s| ip(&s["initiator"]) == peer || ip(&s["responder"]) == peer)
        .count();
    let (one_peer, code) = diagnose_json(&[capture, "--peer", &peer]);
    assert!(code == 0 || code == 1, "exit {code}");
    let kept = sessions(&one_peer);
    assert_eq!(kept.len(), expected);
    assert!(kept
        .iter()
        .all(|s| ip(&s["initiator"]) == peer || ip(&s["responder"]) == peer));
    assert!(one_peer["esp"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["src"] == peer.as_str() || f["dst"] == peer.as_str()));
    let notes = one_peer["notes"].to_string();
    assert!(notes.contains(&format!("peer {peer}")), "{notes}");

    // One SA, by its responder's SPI: the SA without the others.
    let established = all
        .iter()
        .find(|s| s["verdict"]["outcome"] == "established")
        .expect("an established SA");
    let spi_r = established["spi_r"].as_str().expect("spi_r");
    let (one_sa, _) = diagnose_json(&[capture, "--spi", spi_r]);
    let kept = sessions(&one_sa);
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0]["spi_i"], established["spi_i"]);

    // A window: no message outside it.
    let times: Vec<&str> = all
        .iter()
        .flat_map(|s| s["messages"].as_array().unwrap())
        .filter_map(|m| m["time"].as_str())
        .collect();
    let mut sorted = times.clone();
    sorted.sort_unstable();
    let (since, until) = (sorted[sorted.len() / 3], sorted[2 * sorted.len() / 3]);
    let (window, _) = diagnose_json(&[capture, "--since", since, "--until", until]);
    let inside: Vec<&str> = sessions(&window)
        .iter()
        .flat_map(|s| s["messages"].as_array().unwrap())
        .filter_map(|m| m["time"].as_str())
        .collect();
    assert!(!inside.is_empty());
    assert!(inside.iter().all(|t| *t >= since && *t <= until));
    let expected = times
        .iter()
        .filter(|t| **t >= since && **t <= until)
        .count();
    assert_eq!(inside.len(), expected);

    // A bad value is the user's error, named.
    let output = common::ike_doctor()
        .args(["diagnose", capture, "--spi", "xyz"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--spi"));
    let output = common::ike_doctor()
        .args(["diagnose", capture, "--since", "yesterday"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn two_threads_give_the_same_report_as_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gateway = common::gateway_capture(dir.path(), 6 << 20, 200, 7);
    let mut captures = common::fixture_captures();
    captures.push(gateway);
    assert!(captures.len() > 5, "fixtures found: {captures:?}");
    for capture in &captures {
        let run = |threads: &str| {
            common::ike_doctor()
                .args(["diagnose", "--format", "json", "--threads", threads])
                .arg(capture)
                .output()
                .expect("run ike-doctor")
        };
        let (one, two) = (run("1"), run("2"));
        assert_eq!(
            one.status.code(),
            two.status.code(),
            "{}",
            capture.display()
        );
        assert!(
            one.stdout == two.stdout,
            "{}: --threads 1 and 2 differ",
            capture.display()
        );
    }
}

/// A lab run with both ends' captures and logs (the client behind NAT: the gateway sees it as
/// 10.99.2.3): selecting the gateway by its own address, or the client by both its addresses,
/// keeps the gateway's log line that decides the cause.
#[test]
fn a_peer_filter_keeps_the_logs_of_that_peer() {
    let run = common::workspace_root().join("tests/fixtures/lab/libreswan-psk-mismatch");
    let run = run.to_str().unwrap();
    for peers in [
        &[][..],
        &["--peer", "10.99.2.2"][..],
        &["--peer", "10.99.1.2", "--peer", "10.99.2.3"][..],
    ] {
        let mut args = vec![run];
        args.extend_from_slice(peers);
        let (report, code) = diagnose_json(&args);
        assert_eq!(code, 1, "{peers:?}");
        assert_eq!(
            report["verdict"]["category"], "auth-psk",
            "{peers:?}: {}",
            report["verdict"]
        );
    }
}
