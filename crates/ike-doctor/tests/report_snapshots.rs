//! Snapshots of the terminal and JSON reports for a few lab scenarios, so that any change of
//! what a user reads is seen and reviewed (`INSTA_UPDATE=always cargo test -p ike-doctor --test
//! report_snapshots`, then read the diff).
mod common;

use std::process::Command;

/// Runs from the workspace root with relative paths, so the reports name the fixtures the
/// same way on every checkout.
fn report(format: &str, paths: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_ike-doctor"))
        .current_dir(common::workspace_root())
        .args(["diagnose", "--format", format])
        .args(paths)
        .output()
        .expect("run ike-doctor");
    let text = String::from_utf8(output.stdout).expect("utf-8 report");
    if format == "json" {
        let value: serde_json::Value = serde_json::from_str(&text).expect("json");
        serde_json::to_string_pretty(&value).expect("pretty")
    } else {
        text
    }
}

macro_rules! snapshot_pair {
    ($name:ident, $($path:expr),+) => {
        #[test]
        fn $name() {
            let paths = [$($path),+];
            insta::assert_snapshot!(concat!(stringify!($name), "_text"), report("text", &paths));
            insta::assert_snapshot!(concat!(stringify!($name), "_json"), report("json", &paths));
        }
    };
}

snapshot_pair!(
    ip_fragments_dropped_client,
    "tests/fixtures/lab/ike-auth-ip-fragments-dropped/client.pcap"
);
snapshot_pair!(
    psk_mismatch_client,
    "tests/fixtures/lab/psk-mismatch/client.pcap"
);
snapshot_pair!(
    udp_blocked_both,
    "tests/fixtures/lab/udp-blocked/client.pcap",
    "tests/fixtures/lab/udp-blocked/gateway.pcap"
);
snapshot_pair!(nat_t_ok_client, "tests/fixtures/lab/nat-t-ok/client.pcap");
