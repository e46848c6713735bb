//! Hostile captures (from the project's generator) never panic, hang, or grow memory without
//! bound: each run ends in bounded time with a report, bounded peak memory, and notes saying
//! what was skipped or not kept.
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ike_synth::{write_hostile, Format, HostileKind};

/// Peak RSS allowed for any hostile input (the caps keep the real figure far below).
const MAX_RSS_KB: u64 = 256 * 1024;
const MAX_SECONDS: u64 = 120;

struct Run {
    code: i32,
    max_rss_kb: u64,
    report: serde_json::Value,
}

/// Runs `ike-doctor diagnose --format json` under /usr/bin/time to read its peak RSS, with a
/// wall-clock bound: a hang fails the test instead of blocking it.
fn run(path: &Path) -> Run {
    let time = common::require_tool("time");
    let rss_file = path.with_extension("rss");
    let out_file = path.with_extension("json");
    let mut child = Command::new(time)
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&rss_file)
        .arg(env!("CARGO_BIN_EXE_ike-doctor"))
        .args(["diagnose", "--format", "json"])
        .arg(path)
        .stdout(std::fs::File::create(&out_file).expect("report file"))
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(MAX_SECONDS) {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "ike-doctor hung on {} (over {MAX_SECONDS} s)",
                path.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let rss_text = std::fs::read_to_string(&rss_file).unwrap_or_default();
    let max_rss_kb = rss_text
        .lines()
        .rev()
        .find_map(|l| l.trim().parse::<u64>().ok())
        .unwrap_or_else(|| panic!("no RSS figure from time: {rss_text:?}"));
    let report = serde_json::from_slice(&std::fs::read(&out_file).expect("report"))
        .unwrap_or_else(|e| panic!("no JSON report for {}: {e}", path.display()));
    Run {
        code: status.code().unwrap_or(-1),
        max_rss_kb,
        report,
    }
}

fn generate(kind: HostileKind, count: u64) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "ike-doctor-hostile-{}-{}",
        kind.name(),
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{}.pcap", kind.name()));
    write_hostile(kind, &path, Format::Pcap, count, 7).expect("generate");
    (dir, path)
}

fn notes(report: &serde_json::Value) -> Vec<String> {
    report["notes"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|n| n["message"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_million_half_open_sas_stay_bounded() {
    let (dir, path) = generate(HostileKind::HalfOpenSas, 1_000_000);
    let run = run(&path);
    assert_eq!(run.code, 1, "a capture of unanswered requests is a failure");
    // The gateway-scale target: the SAs past the session cap cost no memory per message.
    const HALF_OPEN_MAX_RSS_KB: u64 = 64 * 1024;
    assert!(
        run.max_rss_kb < HALF_OPEN_MAX_RSS_KB,
        "peak RSS {} KiB over {HALF_OPEN_MAX_RSS_KB} KiB",
        run.max_rss_kb
    );
    let limits = &run.report["limits"];
    // Every SA past the 50,000 kept is counted, each once (one request each).
    assert_eq!(limits["sessions_not_tracked"], 950_000, "{limits}");
    assert_eq!(limits["ike_messages_not_kept"], 950_000, "{limits}");
    // The notes name the cap reached, and only that one: the messages not kept are those of
    // the SAs past their cap, the message cap itself was not reached.
    let caps: Vec<String> = notes(&run.report)
        .into_iter()
        .filter(|n| n.contains("cap of"))
        .collect();
    assert_eq!(caps.len(), 1, "{caps:?}");
    assert!(caps[0].contains("--max-sas"), "{caps:?}");
    assert_eq!(run.report["verdict"]["phase"], "IKE_SA_INIT");
    eprintln!(
        "half-open: peak RSS {} KiB, limits {limits}",
        run.max_rss_kb
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_fragment_flood_stays_bounded() {
    let (dir, path) = generate(HostileKind::FragmentFlood, 300_000);
    let run = run(&path);
    assert!(run.code == 0 || run.code == 1, "exit {}", run.code);
    assert!(
        run.max_rss_kb < MAX_RSS_KB,
        "peak RSS {} KiB",
        run.max_rss_kb
    );
    let incomplete = run.report["incomplete_datagrams"]
        .as_array()
        .map(Vec::len)
        .unwrap_or(0);
    let dropped = run.report["limits"]["other_events_not_kept"]
        .as_u64()
        .unwrap_or(0);
    assert!(
        incomplete > 0,
        "never-completed datagrams must be reported as such"
    );
    eprintln!(
        "fragment flood: peak RSS {} KiB, {incomplete} incomplete kept, {dropped} not kept",
        run.max_rss_kb
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn lying_lengths_are_reported_not_fatal() {
    let (dir, path) = generate(HostileKind::LyingLengths, 10_000);
    let run = run(&path);
    assert!(run.code == 0 || run.code == 1, "exit {}", run.code);
    assert!(run.max_rss_kb < MAX_RSS_KB);
    let notes = notes(&run.report);
    assert!(
        !notes.is_empty(),
        "damaged records must be mentioned in the notes"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_truncated_capture_keeps_what_was_read_and_names_the_offset() {
    let (dir, path) = generate(HostileKind::Truncated, 2_000);
    let run = run(&path);
    assert!(run.code == 0 || run.code == 1, "exit {}", run.code);
    let notes = notes(&run.report);
    assert!(
        notes.iter().any(|n| n.contains("offset")),
        "the note must name the offset: {notes:?}"
    );
    let frames = run.report["inputs"][0]["units_read"].as_u64().unwrap_or(0);
    assert!(frames > 0, "frames before the cut must be kept");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn garbage_and_empty_files_are_skipped_with_a_clear_exit() {
    let dir = std::env::temp_dir().join(format!("ike-doctor-garbage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let garbage = dir.join("garbage.bin");
    std::fs::write(
        &garbage,
        (0..100_000u32)
            .map(|i| (i * 7919 % 251) as u8)
            .collect::<Vec<u8>>(),
    )
    .expect("write");
    let empty = dir.join("empty.log");
    std::fs::write(&empty, b"").expect("write");
    let prose = dir.join("notes.txt");
    std::fs::write(&prose, b"Dear diary,\ntoday the VPN worked.\n").expect("write");
    // Nothing readable: exit 2, with the reason for each file.
    let output = common::ike_doctor()
        .args(["diagnose", "--format", "json"])
        .args([&garbage, &empty, &prose])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2), "nothing readable is exit 2");
    assert!(
        output.stdout.is_empty(),
        "no report when nothing could be read"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("garbage.bin: binary data"), "{stderr}");
    assert!(stderr.contains("empty.log: empty"), "{stderr}");
    assert!(
        stderr.contains("notes.txt: text without a line"),
        "{stderr}"
    );
    assert!(stderr.contains("not an IKE log"), "{stderr}");
    // Garbage beside a real capture: the capture is diagnosed, the garbage named in a note.
    let capture = common::fixture_captures()
        .into_iter()
        .next()
        .expect("a fixture capture");
    let output = common::ike_doctor()
        .args(["diagnose", "--format", "json"])
        .arg(&garbage)
        .arg(&capture)
        .output()
        .expect("run");
    assert_ne!(output.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert!(notes(&report).iter().any(|n| n.contains("garbage.bin")));
    let missing = common::ike_doctor()
        .args(["diagnose"])
        .arg(dir.join("does-not-exist.pcap"))
        .output()
        .expect("run");
    assert_eq!(missing.status.code(), Some(2), "unreadable input is exit 2");
    let _ = std::fs::remove_dir_all(dir);
}
