//! `ike-doctor host` as a user runs it on copied files, and its report as evidence for
//! `diagnose`: the lab's gateway reports (made by real runs, `lab/run.sh` with HOST_EXPECT_G,
//! which checks them against the daemons and the kernel) decide what the client's capture
//! leaves open.
mod common;

use common::{diagnose_json, ike_doctor, workspace_root};

fn verdict(report: &serde_json::Value) -> (String, String) {
    let v = &report["verdict"];
    (
        v["phase"].as_str().unwrap_or("-").to_owned(),
        v["category"].as_str().unwrap_or("-").to_owned(),
    )
}

/// The client's capture alone cannot tell a firewall from a squatter on UDP 500; the gateway's
/// host report tells, and is cited.
#[test]
fn a_host_report_decides_what_the_capture_leaves_open() {
    let lab = workspace_root().join("tests/fixtures/lab");
    for (scenario, category, cited) in [
        ("udp-blocked", "udp-blocked", "rule handle 3"),
        ("udp500-in-use", "implementation", "held by socat"),
    ] {
        let dir = lab.join(scenario);
        let capture = dir.join("client.pcap");
        let (alone, _) = diagnose_json(&[&capture]);
        assert_eq!(
            alone["verdict"]["category"],
            serde_json::Value::Null,
            "{scenario}"
        );
        let host = dir.join("host-gateway.json");
        let (report, _) = diagnose_json(&[&capture, &host]);
        assert_eq!(
            verdict(&report),
            ("IKE_SA_INIT".to_owned(), category.to_owned()),
            "{scenario}: {}",
            report["verdict"]
        );
        let evidence = report["findings"][0]["evidence"].to_string();
        assert!(evidence.contains(cited), "{scenario}: {evidence}");
        let kinds = report["inputs"].to_string();
        assert!(kinds.contains("\"host-report\""), "{kinds}");
    }
}

/// `host --root` reads a copied /proc and /sys, `--nft-json` a copied rule set: no root, no
/// live system, the same checks.
#[test]
fn host_on_copied_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let w = |rel: &str, text: &str| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    w(
        "proc/net/udp",
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   1: 00000000:01F4 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 999 2 0 0\n",
    );
    w("proc/7/comm", "pluto\n");
    std::fs::create_dir_all(dir.path().join("proc/7/fd")).expect("mkdir");
    std::os::unix::fs::symlink("socket:[999]", dir.path().join("proc/7/fd/4")).expect("link");
    let nft = workspace_root().join("crates/ike-host/tests/data/nft-input-set-jump.json");
    let out = ike_doctor()
        .args(["host", "--format", "json", "--root"])
        .arg(dir.path())
        .arg("--nft-json")
        .arg(&nft)
        .args([
            "--peer",
            "10.99.2.3",
            "--local",
            "10.99.2.2",
            "--interface",
            "eth0",
        ])
        .output()
        .expect("run");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    // pluto holds UDP 500; the rule set lets UDP from the peer in and drops its ESP unless
    // it answers ESP this host sent (`ct state established` is accepted first): a warning
    // naming which end must start, not a certain failure.
    assert_eq!(report["facts"]["daemons"][0]["process"]["name"], "pluto");
    assert_eq!(report["findings"], serde_json::json!([]));
    let warnings = report["verdict"]["warnings"].as_array().expect("warnings");
    let checks: Vec<&str> = warnings
        .iter()
        .filter_map(|f| f["check"].as_str())
        .collect();
    assert_eq!(checks, vec!["firewall-drops-ike"], "{warnings:?}");
    assert!(warnings[0]["title"].as_str().is_some_and(|t| t.starts_with(
        "the host's firewall drops ESP from 10.99.2.3 unless this host started the exchange"
    )));
    assert_eq!(report["esp_test"][0]["result"], "not-tested");
    assert_eq!(out.status.code(), Some(0));
    // A text report too.
    let text = ike_doctor()
        .args(["host", "--no-esp-test", "--root"])
        .arg(dir.path())
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("IKE daemons: pluto (pid 7"), "{text}");
    // A site-to-site connection whose traffic the NAT rules masquerade: no exemption.
    std::fs::create_dir_all(dir.path().join("etc/swanctl")).expect("mkdir");
    std::fs::write(
        dir.path().join("etc/swanctl/swanctl.conf"),
        "connections {\n net {\n  remote_addrs = 192.0.2.9\n  children {\n   lan {\n    local_ts = 10.1.0.0/16\n    remote_ts = 10.2.0.0/16\n   }\n  }\n }\n}\n",
    )
    .expect("write");
    let nat =
        workspace_root().join("crates/ike-host/tests/data/nft-nat-masquerade-one-exemption.json");
    let out = ike_doctor()
        .args([
            "host",
            "--no-esp-test",
            "--format",
            "json",
            "--interface",
            "eth0",
            "--root",
        ])
        .arg(dir.path())
        .arg("--nft-json")
        .arg(&nat)
        .output()
        .expect("run");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let found = report["findings"].to_string();
    assert!(
        found.contains("nat-catches-tunnel-traffic")
            && found.contains("from 10.1.0.0/16 to 10.2.0.0/16"),
        "{found}"
    );
}

/// Cloud firewall exports given as files: a published Google Cloud export denies IKE from an
/// outside peer (its implied ingress deny) and allows UDP from inside the VPC.
#[test]
fn cloud_firewall_exports() {
    let gcp = workspace_root()
        .join("crates/ike-host/tests/data/cloud/gcpdiag-gce2-effective-firewalls.json");
    let run = |peer: &str| -> serde_json::Value {
        let out = ike_doctor()
            .args([
                "host",
                "--no-esp-test",
                "--format",
                "json",
                "--root",
                "/nonexistent",
                "--peer",
                peer,
            ])
            .arg("--cloud-firewall")
            .arg(&gcp)
            .output()
            .expect("run");
        serde_json::from_slice(&out.stdout).expect("JSON")
    };
    let outside = run("203.0.113.7");
    let denied: Vec<String> = outside["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["check"] == "cloud-firewall-denies-ike")
        .filter_map(|f| f["title"].as_str().map(str::to_owned))
        .collect();
    assert!(
        denied
            .iter()
            .any(|t| t.contains("denies UDP 500 from 203.0.113.7")
                && t.contains("implied deny ingress")),
        "{denied:?}"
    );
    let inside = run("10.128.0.9");
    let udp_denied = inside["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| {
            f["check"] == "cloud-firewall-denies-ike"
                && f["title"].as_str().is_some_and(|t| t.contains("UDP"))
        });
    assert!(!udp_denied, "{}", inside["findings"]);
    let bad = ike_doctor()
        .args([
            "host",
            "--no-esp-test",
            "--root",
            "/nonexistent",
            "--cloud-firewall",
        ])
        .arg(&gcp)
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(2), "--cloud-firewall needs --peer");
}
