//! For every real capture under tests/fixtures (and its pcapng, VLAN, QinQ, SLL2 and IPv6
//! variants), the IKE datagrams ike-doctor lists (frame, version, exchange, message ID,
//! response flag, SPIs) must equal exactly what tshark dissects in the same file.
mod common;

use std::path::Path;
use std::process::Command;

use common::rewrite::{rewrite, Variant};
use common::{diagnose_json, doctor_datagrams, fixture_captures, require_tool, tshark_datagrams};

fn assert_agree(path: &Path) -> usize {
    let (report, code) = diagnose_json(&[path]);
    assert!(
        code == 0 || code == 1,
        "exit code {code} for {}",
        path.display()
    );
    let ours = doctor_datagrams(&report);
    let mut theirs = tshark_datagrams(path);
    theirs.sort();
    assert_eq!(
        ours,
        theirs,
        "ike-doctor and tshark disagree on {}",
        path.display()
    );
    ours.len()
}

fn fixtures() -> Vec<std::path::PathBuf> {
    let found = fixture_captures();
    assert!(
        !found.is_empty(),
        "no capture fixtures found under tests/fixtures"
    );
    found
}

#[test]
fn fixtures_agree_with_tshark() {
    let mut total = 0;
    for path in fixtures() {
        let n = assert_agree(&path);
        eprintln!("{}: {n} IKE datagrams agree", path.display());
        total += n;
    }
    assert!(total > 0, "the fixtures hold no IKE datagram at all");
}

#[test]
fn pcapng_variants_agree_with_tshark() {
    let editcap = require_tool("editcap");
    let dir = tempdir("pcapng");
    for path in fixtures() {
        let out = dir.join(format!("{}.pcapng", flat_name(&path)));
        let status = Command::new(&editcap)
            .args(["-F", "pcapng"])
            .arg(&path)
            .arg(&out)
            .status()
            .expect("run editcap");
        assert!(status.success());
        assert_agree(&out);
    }
    let _ = std::fs::remove_dir_all(dir);
}

fn variant_agrees(variant: Variant, label: &str) {
    let dir = tempdir(label);
    for path in fixtures() {
        if is_pcapng(&path) {
            continue;
        }
        let out = dir.join(format!("{}-{label}.pcap", flat_name(&path)));
        rewrite(&path, &out, variant);
        assert_agree(&out);
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn vlan_variants_agree_with_tshark() {
    variant_agrees(Variant::Vlan, "vlan");
}

#[test]
fn qinq_variants_agree_with_tshark() {
    variant_agrees(Variant::QinQ, "qinq");
}

#[test]
fn sll2_variants_agree_with_tshark() {
    variant_agrees(Variant::Sll2, "sll2");
}

#[test]
fn ipv6_variants_agree_with_tshark() {
    variant_agrees(Variant::Ipv6, "ipv6");
}

fn is_pcapng(path: &Path) -> bool {
    std::fs::read(path)
        .map(|b| b.starts_with(&[0x0a, 0x0d, 0x0d, 0x0a]))
        .unwrap_or(false)
}

fn flat_name(path: &Path) -> String {
    let parent = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or("x");
    let stem = path.file_stem().and_then(|n| n.to_str()).unwrap_or("x");
    format!("{parent}-{stem}")
}

fn tempdir(label: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ike-doctor-test-{label}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
