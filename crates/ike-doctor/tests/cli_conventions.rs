//! The command-line conventions of tools like ripgrep and tshark: `--version` with the commit,
//! completions and a man page from the CLI definition, `--color` and `NO_COLOR`, `-q`, `-o`,
//! `--redact`, and `cert --format json`.
mod common;

use std::io::Write;
use std::process::Stdio;

fn lab(scenario: &str) -> std::path::PathBuf {
    common::workspace_root()
        .join("tests/fixtures/lab")
        .join(scenario)
}

#[test]
fn version_completions_and_man_page() {
    let out = common::ike_doctor().arg("--version").output().expect("run");
    let version = String::from_utf8_lossy(&out.stdout);
    assert!(version.starts_with("ike-doctor "), "{version}");
    assert!(
        version.contains('(') && version.contains(')'),
        "commit in {version}"
    );
    for shell in ["bash", "zsh", "fish"] {
        let out = common::ike_doctor()
            .args(["completions", shell])
            .output()
            .expect("run");
        assert!(out.status.success());
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(
            script.contains("diagnose") && script.contains("redact"),
            "{shell}"
        );
    }
    let out = common::ike_doctor().arg("man").output().expect("run");
    let man = String::from_utf8_lossy(&out.stdout);
    assert!(
        man.contains(".TH ike-doctor 1") && man.contains("diagnose"),
        "{man}"
    );
}

#[test]
fn color_quiet_and_output_file() {
    let log = lab("psk-mismatch").join("gateway.log");
    let run = |args: &[&str], no_color: bool| {
        let mut cmd = common::ike_doctor();
        cmd.arg("diagnose").args(args).arg(&log);
        if no_color {
            cmd.env("NO_COLOR", "1");
        } else {
            cmd.env_remove("NO_COLOR");
        }
        cmd.output().expect("run")
    };
    let always = run(&["--color", "always"], false);
    assert!(String::from_utf8_lossy(&always.stdout).starts_with("\x1b[1;31mVerdict: FAILED"));
    // Not a terminal, or NO_COLOR, or never: no escape codes.
    for (args, no_color) in [
        (&[][..], false),
        (&["--color", "never"][..], false),
        (&[][..], true),
    ] {
        let out = run(args, no_color);
        assert!(!out.stdout.contains(&0x1b), "{args:?} {no_color}");
        assert_eq!(out.status.code(), Some(1));
    }
    let quiet = run(&["-q"], false);
    assert!(quiet.stdout.is_empty());
    assert_eq!(quiet.status.code(), Some(1), "the exit code still tells");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("report.json");
    let out = run(
        &["--format", "json", "-o", file.to_str().expect("utf-8")],
        false,
    );
    assert!(out.stdout.is_empty());
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).expect("report written")).expect("json");
    assert_eq!(report["verdict"]["category"], "auth-psk");
}

fn redacted(args: &[&str], paths: &[std::path::PathBuf], stdin: Option<&str>) -> String {
    let mut cmd = common::ike_doctor();
    cmd.arg("diagnose").arg("--redact").args(args).args(paths);
    let output = match stdin {
        Some(text) => {
            cmd.arg("-").stdin(Stdio::piped()).stdout(Stdio::piped());
            let mut child = cmd.spawn().expect("run");
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(text.as_bytes())
                .expect("write");
            child.wait_with_output().expect("wait")
        }
        None => cmd.output().expect("run"),
    };
    String::from_utf8(output.stdout).expect("utf-8")
}

#[test]
fn redact_leaves_no_address_identity_or_subject() {
    // Decrypted identities and certificates of a lab scenario, in text and JSON.
    let dir = lab("cert-san-mismatch");
    let secret_names = [
        "ikelab.test",
        "CN=ikelab Root CA",
        "gateway.ikelab.test",
        "client.ikelab.test",
    ];
    for format in ["text", "json"] {
        let report = redacted(&["--format", format], std::slice::from_ref(&dir), None);
        assert!(report.contains("Verdict") || report.contains("verdict"));
        for name in secret_names {
            assert!(
                !report.contains(name),
                "{format}: {name} left in the report"
            );
        }
        assert!(
            report.contains("id-1") || report.contains("dn-1"),
            "{format}"
        );
    }
    // Public addresses and identities of a pasted log, each replaced consistently.
    let paste = "Dec  5 10:00:00 gw charon: 09[NET] <rw|1> received packet: from 198.51.100.7[500] to 203.0.113.5[500] (464 bytes)\n\
                 Dec  5 10:00:00 gw charon: 09[CFG] <1> looking for peer configs matching 203.0.113.5[vpn.example.org]...198.51.100.7[alice@example.org]\n\
                 Dec  5 10:00:00 gw charon: 09[IKE] <rw|1> tried 1 shared key for 'vpn.example.org' - 'alice@example.org', but MAC mismatched\n\
                 Dec  5 10:00:00 gw charon: 09[NET] <rw|1> sending packet: from 203.0.113.5[500] to 198.51.100.7[500] (80 bytes)\n";
    for format in ["text", "json"] {
        let report = redacted(&["--format", format], &[], Some(paste));
        for secret in [
            "198.51.100.7",
            "203.0.113.5",
            "vpn.example.org",
            "alice@example.org",
        ] {
            assert!(!report.contains(secret), "{format}: {secret} left");
        }
        assert!(
            report.contains("auth-psk"),
            "{format}: the diagnosis survives"
        );
    }
    let text = redacted(&[], &[], Some(paste));
    assert!(text.contains("'id-"), "{text}");
}

#[test]
fn cert_checks_as_json_and_says_what_went_unchecked() {
    let certs = lab("cert-ok").join("certs");
    let out = common::ike_doctor()
        .args(["cert", "--format", "json"])
        .arg(certs.join("client.pem"))
        .output()
        .expect("run");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        report["checked_as"], "client",
        "a client certificate by its EKU"
    );
    let unchecked: Vec<&str> = report["unchecked"]
        .as_array()
        .expect("unchecked")
        .iter()
        .filter_map(|u| u.as_str())
        .collect();
    assert!(unchecked.iter().any(|u| u.contains("no --ca")));
    assert!(unchecked.iter().any(|u| u.contains("no --id")));
    let out = common::ike_doctor()
        .args([
            "cert",
            "--format",
            "json",
            "--id",
            "gateway.ikelab.test",
            "--ca",
        ])
        .arg(certs.join("ca.pem"))
        .arg(certs.join("gateway.pem"))
        .output()
        .expect("run");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["checked_as"], "gateway");
    assert_eq!(report["failed"], 0, "{report}");
    assert!(report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .any(|c| c["name"] == "chain to the CA" && c["ok"] == true));
}
