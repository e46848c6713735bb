//! `ike-doctor watch --log FILE` as a user runs it on a daemon's log, without a capture: the
//! log is followed from its end, across a rotation in the middle of an IKE SA's lines, and the
//! SA known from the log alone gives one JSON line with the verdict `diagnose` gives of the
//! evidence files it names. (The capture side runs in the lab: lab/watch-check.sh.)
mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_followed_log_gives_one_line_per_attempt_across_a_rotation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("charon.log");
    std::fs::write(&log, "").expect("create log");
    let evidence = dir.path().join("evidence");
    let mut child = Killed(
        common::ike_doctor()
            .arg("watch")
            .arg("--log")
            .arg(&log)
            .arg("--evidence")
            .arg(&evidence)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start watch"),
    );
    let stdout = child.0.stdout.take().expect("stdout");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    std::thread::sleep(Duration::from_millis(500));

    // The gateway's real log of a PSK mismatch, written as the daemon wrote it, rotated (the
    // file renamed, a new one started) halfway through the SA's lines.
    let text = std::fs::read_to_string(
        common::workspace_root().join("tests/fixtures/lab/psk-mismatch/gateway.log"),
    )
    .expect("fixture");
    let lines: Vec<&str> = text.lines().collect();
    let cut = lines
        .iter()
        .position(|l| l.contains("parsed IKE_AUTH request"))
        .expect("IKE_AUTH line");
    let append = |path: &std::path::Path, part: &[&str]| {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)
            .expect("open log");
        for l in part {
            writeln!(f, "{l}").expect("write");
        }
    };
    append(&log, &lines[..cut]);
    std::thread::sleep(Duration::from_millis(400));
    std::fs::rename(&log, dir.path().join("charon.log.1")).expect("rotate");
    append(&log, &lines[cut..]);

    let deadline = Instant::now() + Duration::from_secs(20);
    let mut got = None;
    while Instant::now() < deadline {
        if let Ok(line) = receiver.recv_timeout(Duration::from_millis(200)) {
            got = Some(line);
            break;
        }
    }
    let line: serde_json::Value =
        serde_json::from_str(&got.expect("a line within 20 s")).expect("JSON line");
    assert_eq!(line["event"], "attempt");
    assert_eq!(line["verdict"]["phase"], "IKE_AUTH", "{line}");
    assert_eq!(line["verdict"]["category"], "auth-psk", "{line}");
    assert!(
        line["evidence"]["capture"].is_null(),
        "known from the log alone"
    );
    let excerpt = line["evidence"]["log"].as_str().expect("log excerpt");
    let excerpt_text = std::fs::read_to_string(excerpt).expect("excerpt");
    assert!(
        excerpt_text.contains("MAC mismatched"),
        "lines after the rotation kept"
    );
    assert!(
        excerpt_text.contains("received packet"),
        "lines before the rotation kept"
    );
    let (again, _) = common::diagnose_json(&[std::path::Path::new(excerpt)]);
    assert_eq!(again["verdict"]["phase"], line["verdict"]["phase"]);
    assert_eq!(again["verdict"]["category"], line["verdict"]["category"]);
}
