//! Shared helpers of the integration tests: fixture discovery, running the binary, tshark, and
//! a small capture rewriter that makes VLAN, SLL2 and IPv6 variants of real fixtures.
#![allow(dead_code)]

pub mod browser;
pub mod lab;
pub mod rewrite;

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every capture committed under tests/fixtures (sorted).
pub fn fixture_captures() -> Vec<PathBuf> {
    let mut found = Vec::new();
    collect(&workspace_root().join("tests/fixtures"), &mut found);
    found.retain(|p| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        name.ends_with(".pcap") || name.ends_with(".pcapng")
    });
    found.sort();
    found
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// A gateway's capture made with `ike-synth` (many peers, retried and failed attempts, 2,000
/// ESP SPIs) of about `size` bytes, in `dir`.
pub fn gateway_capture(dir: &Path, size: u64, peers: usize, seed: u64) -> PathBuf {
    use ike_synth::{write_mixed, CaptureWriter, Format, MixedOptions, Shape};
    let path = dir.join("gateway.pcap");
    let file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    let mut writer = CaptureWriter::new(file, Format::Pcap).expect("writer");
    write_mixed(
        &mut writer,
        &MixedOptions {
            target_bytes: size,
            max_frames: None,
            seed,
            shape: Shape {
                tunnels: peers,
                esp_sas: 2_000,
                ..Shape::GATEWAY
            },
        },
    )
    .expect("generate");
    writer.finish().expect("finish");
    path
}

pub fn ike_doctor() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ike-doctor"))
}

/// Runs `ike-doctor diagnose --format json` and returns the parsed report and exit code.
pub fn diagnose_json(paths: &[&Path]) -> (serde_json::Value, i32) {
    let output = ike_doctor()
        .arg("diagnose")
        .arg("--format")
        .arg("json")
        .args(paths)
        .output()
        .expect("run ike-doctor");
    let code = output.status.code().unwrap_or(-1);
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "ike-doctor printed no JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (report, code)
}

/// Runs `ike-doctor diagnose --format json -` with `text` on standard input, as a user pastes
/// a log; returns the parsed report (`Null` when it printed none) and the exit code.
pub fn diagnose_stdin(text: &[u8]) -> (serde_json::Value, i32) {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = ike_doctor()
        .args(["diagnose", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ike-doctor");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text)
        .expect("write stdin");
    let output = child.wait_with_output().expect("wait");
    let code = output.status.code().unwrap_or(-1);
    let report = serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
    (report, code)
}

/// The categories of a JSON verdict's candidates, most likely first.
pub fn candidate_categories(verdict: &serde_json::Value) -> Vec<&str> {
    verdict["candidates"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["category"].as_str())
        .collect()
}

/// tshark is a test dependency (scripts/install-deps.sh installs it): its absence is a failure,
/// not a skip, so the agreement tests cannot pass vacuously.
pub fn require_tool(name: &str) -> PathBuf {
    for dir in ["/usr/bin", "/usr/sbin", "/usr/local/bin"] {
        let p = Path::new(dir).join(name);
        if p.exists() {
            return p;
        }
    }
    panic!("{name} is required by this test: run scripts/install-deps.sh");
}

/// One IKE datagram as both tools identify it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Datagram {
    pub frame: u64,
    pub version_major: u8,
    pub exchange: u8,
    pub message_id: u32,
    pub response: bool,
    pub spi_i: String,
    pub spi_r: String,
}

/// What tshark dissects as ISAKMP/IKE in `path` (ICMP errors that quote IKE are left out: they
/// are not IKE datagrams).
pub fn tshark_datagrams(path: &Path) -> Vec<Datagram> {
    let tshark = require_tool("tshark");
    let output = Command::new(tshark)
        .args(["-n", "-r"])
        .arg(path)
        .args([
            "-Y",
            "isakmp && !icmp && !icmpv6",
            "-T",
            "fields",
            "-E",
            "separator=|",
            "-E",
            "occurrence=f",
            "-e",
            "frame.number",
            "-e",
            "isakmp.version",
            "-e",
            "isakmp.exchangetype",
            "-e",
            "isakmp.messageid",
            "-e",
            "isakmp.flags",
            "-e",
            "isakmp.ispi",
            "-e",
            "isakmp.rspi",
        ])
        .output()
        .expect("run tshark");
    assert!(
        output.status.success(),
        "tshark failed on {}: {}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('|').collect();
            let num = |s: &str| -> u64 {
                let s = s.trim();
                if let Some(hex) = s.strip_prefix("0x") {
                    u64::from_str_radix(hex, 16).expect("hex field")
                } else {
                    s.parse().unwrap_or_else(|_| panic!("number in {line:?}"))
                }
            };
            let version = num(f[1]) as u8;
            let flags = num(f[4]);
            Datagram {
                frame: num(f[0]),
                version_major: version >> 4,
                exchange: num(f[2]) as u8,
                message_id: num(f[3]) as u32,
                // IKEv2 R flag; IKEv1 has no response flag.
                response: version >> 4 == 2 && flags & 0x20 != 0,
                spi_i: f[5].trim().to_lowercase(),
                spi_r: f[6].trim().to_lowercase(),
            }
        })
        .collect()
}

/// The datagrams ike-doctor lists in its JSON report.
pub fn doctor_datagrams(report: &serde_json::Value) -> Vec<Datagram> {
    let mut out = Vec::new();
    for session in report["sessions"].as_array().expect("sessions") {
        let version = session["ike_version"].as_u64().expect("ike_version") as u8;
        for m in session["messages"].as_array().expect("messages") {
            out.push(Datagram {
                frame: m["frame"].as_u64().expect("frame"),
                version_major: version,
                exchange: m["exchange_number"].as_u64().expect("exchange_number") as u8,
                message_id: m["message_id"].as_u64().expect("message_id") as u32,
                response: m["response"].as_bool().expect("response"),
                spi_i: m["spi_i"].as_str().expect("spi_i").to_owned(),
                spi_r: m["spi_r"].as_str().expect("spi_r").to_owned(),
            });
        }
    }
    out.sort();
    out
}
