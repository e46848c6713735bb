//! `config check` on the two configurations of every lab scenario: it predicts the scenario's
//! truth where the cause is in the configuration, and success where it is not (network, clock,
//! kernel, certificates not given). Secrets never reach the report.
mod common;

use std::path::Path;

use common::{ike_doctor, lab};

/// Categories whose cause lies outside the configuration files: the prediction is success.
const OUTSIDE_CONFIG: &[&str] = &[
    "auth-cert",
    "clock",
    "mtu-fragmentation",
    "implementation",
    "udp-blocked",
    "nat",
    "data-plane",
];

/// Scenarios where the expectation differs from that rule, and why.
const EXPECTED_OTHERWISE: &[(&str, &str, &str)] = &[
    // The identity the gateway rejects is the certificate's SAN; certificates are not given.
    ("cert-san-mismatch", "established", "-"),
    // Libreswan's client has `pfs=yes` (its default) and the gateway's ESP proposal no DH
    // group: the first rekey would fail. The scenarios fail earlier (fragments dropped, no
    // ESP in the kernel), which the configurations cannot show.
    (
        "libreswan-ip-fragments-dropped",
        "failed",
        "CHILD_SA/proposal-dh",
    ),
    ("libreswan-kernel-no-esp", "failed", "CHILD_SA/proposal-dh"),
    // This Libreswan client asks for no virtual IP and the gateway's connection hands them out:
    // the CHILD_SA would be refused (FAILED_CP_REQUIRED) once IKE got through, which the
    // firewall of the run never lets it.
    (
        "libreswan-client-udp-blocked",
        "failed",
        "CHILD_SA/config-other",
    ),
];

/// The verdict's `PHASE/category`, or `-` when either is not set.
fn verdict_pair(v: &serde_json::Value) -> String {
    match (v["phase"].as_str(), v["category"].as_str()) {
        (Some(p), Some(c)) => format!("{p}/{c}"),
        _ => "-".to_owned(),
    }
}

/// `config check --format json` with `options` on `paths`: the report.
fn config_check(options: &[&str], paths: &[&Path]) -> serde_json::Value {
    let out = ike_doctor()
        .args(["config", "check", "--format", "json"])
        .args(options)
        .args(paths)
        .output()
        .expect("run ike-doctor");
    serde_json::from_slice(&out.stdout).expect("a JSON report")
}

fn check_json(dir: &Path) -> (serde_json::Value, i32, String) {
    let out = ike_doctor()
        .args(["config", "check", "--format", "json"])
        .arg(dir.join("client"))
        .arg(dir.join("gateway"))
        .output()
        .expect("run ike-doctor");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let report = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "{}: not JSON ({e}): {text}{}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (report, out.status.code().unwrap_or(-1), text)
}

#[test]
fn predicts_every_lab_scenario() {
    let scenarios = lab::scenarios(&["client", "gateway"]);
    assert!(scenarios.len() >= 40, "lab fixtures missing");
    let mut wrong = Vec::new();
    let mut per_kind = std::collections::BTreeMap::<String, usize>::new();
    for dir in &scenarios {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let truth = lab::truth(dir);
        let category = truth["category"].as_str().unwrap_or("-");
        let (outcome, expected) = match EXPECTED_OTHERWISE.iter().find(|(n, _, _)| *n == name) {
            Some((_, o, e)) => (o.to_string(), e.to_string()),
            None if truth["outcome"] == "established" || OUTSIDE_CONFIG.contains(&category) => {
                ("established".to_owned(), "-".to_owned())
            }
            None => (
                "failed".to_owned(),
                format!("{}/{category}", truth["phase"].as_str().unwrap_or("-")),
            ),
        };
        let (report, code, _) = check_json(dir);
        let v = &report["verdict"];
        let got = verdict_pair(v);
        let got_outcome = v["outcome"].as_str().unwrap_or("?");
        *per_kind.entry(format!("{outcome} {expected}")).or_default() += 1;
        let code_ok = (got_outcome == "established") == (code == 0);
        if got_outcome != outcome || got != expected || !code_ok {
            wrong.push(format!(
                "{name}: expected {outcome} {expected}, got {got_outcome} {got} (exit {code}): {}",
                v["summary"]
            ));
        }
        // Every failure cites a line of each end's files.
        for f in report["findings"].as_array().into_iter().flatten() {
            let cited = f["evidence"].as_array().map_or(0, |e| e.len());
            assert!(cited >= 1, "{name}: a finding without evidence: {f}");
        }
    }
    for (kind, n) in &per_kind {
        println!("{n:3}  {kind}");
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn secrets_never_printed() {
    for name in [
        "psk-mismatch",
        "libreswan-psk-mismatch",
        "eap-wrong-password",
    ] {
        let dir = common::workspace_root()
            .join("tests/fixtures/lab")
            .join(name);
        let mut secrets = Vec::new();
        for file in [
            "client/swanctl.conf",
            "gateway/swanctl.conf",
            "gateway/ipsec.secrets",
        ] {
            let Ok(text) = std::fs::read_to_string(dir.join(file)) else {
                continue;
            };
            for line in text.lines() {
                if let Some(q) = line.split('"').nth(1) {
                    if line.contains("secret") || line.contains("PSK") {
                        secrets.push(q.to_owned());
                    }
                }
            }
        }
        assert!(!secrets.is_empty(), "{name}: no secret found to look for");
        let (_, code, json) = check_json(&dir);
        assert_eq!(code, 1, "{name}");
        let text = ike_doctor()
            .args(["config", "check"])
            .arg(dir.join("client"))
            .arg(dir.join("gateway"))
            .output()
            .expect("run");
        let text = String::from_utf8_lossy(&text.stdout).into_owned();
        for s in &secrets {
            assert!(!json.contains(s.as_str()), "{name}: secret in JSON");
            assert!(!text.contains(s.as_str()), "{name}: secret in text");
        }
        assert!(
            text.contains("not printed"),
            "{name}: the report says the keys differ without printing them:\n{text}"
        );
    }
}

/// Two EAP methods: the fix is the method on both ends; the wrong password's fix stays with
/// the wrong password.
#[test]
fn two_eap_methods_are_fixed_by_the_method_not_the_password() {
    let fixes = |name: &str| -> String {
        let (report, code, _) = check_json(
            &common::workspace_root()
                .join("tests/fixtures/lab")
                .join(name),
        );
        assert_eq!(code, 1, "{name}");
        assert_eq!(
            report["verdict"]["category"], "auth-eap",
            "{name}: {report:#}"
        );
        report["findings"][0]["fix"].to_string()
    };
    let methods = fixes("eap-method-mismatch");
    assert!(methods.contains("same EAP method"), "{methods}");
    assert!(!methods.contains("password"), "{methods}");
    let password = fixes("eap-wrong-password");
    assert!(password.contains("password"), "{password}");
}

#[test]
fn unreadable_inputs_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let junk = dir.path().join("junk.conf");
    std::fs::write(&junk, "hello\nworld\n").expect("write");
    let out = ike_doctor()
        .args(["config", "check"])
        .arg(&junk)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("junk.conf") && err.contains("not a configuration"),
        "{err}"
    );
}

/// One end alone pairs with nothing: the report says so instead of predicting success.
#[test]
fn one_end_is_inconclusive() {
    let dir = common::workspace_root().join("tests/fixtures/lab/psk-ok/gateway");
    let out = ike_doctor()
        .args(["config", "check", "--format", "json"])
        .arg(&dir)
        .output()
        .expect("run");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["verdict"]["outcome"], "inconclusive");
    assert_eq!(out.status.code(), Some(1));
}

/// Built-in clients against the lab's gateways: Windows' MODP_1024 against a MODP_2048
/// gateway, its SHA-1 ESP against SHA-256, macOS' everything-selector against a Libreswan
/// gateway that does not narrow, and clients whose defaults fit.
#[test]
fn built_in_clients_against_lab_gateways() {
    let lab = common::workspace_root().join("tests/fixtures/lab");
    let cases = [
        (
            "psk-ok/gateway",
            "windows-10",
            "failed",
            "IKE_SA_INIT/proposal-dh",
        ),
        (
            "psk-ok/gateway",
            "windows-11-dh2048",
            "failed",
            "CHILD_SA/proposal-esp",
        ),
        ("psk-ok/gateway", "macos", "established", "-"),
        ("psk-ok/gateway", "ios", "established", "-"),
        ("psk-ok/gateway", "strongswan", "established", "-"),
        // Libreswan's default pfs=yes adds the IKE group at a rekey; the gateway has none.
        (
            "psk-ok/gateway",
            "libreswan",
            "failed",
            "CHILD_SA/proposal-dh",
        ),
        (
            "libreswan-psk-mismatch/gateway",
            "macos",
            "failed",
            "CHILD_SA/traffic-selectors",
        ),
    ];
    for (gateway, client, outcome, expected) in cases {
        let report = config_check(&["--client", client], &[&lab.join(gateway)]);
        let v = &report["verdict"];
        let got = verdict_pair(v);
        assert_eq!(
            (v["outcome"].as_str().unwrap_or("?"), got.as_str()),
            (outcome, expected),
            "{client} against {gateway}: {}",
            v["summary"]
        );
    }
    let out = ike_doctor()
        .args(["config", "check", "--client", "windows-12"])
        .arg(lab.join("psk-ok/gateway"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("windows-11-dh2048"));
}

/// `diagnose` with one end's capture leaves the category open between candidates; the two
/// configurations given beside it decide, and the report cites their lines.
#[test]
fn configurations_decide_what_a_capture_leaves_open() {
    let lab = common::workspace_root().join("tests/fixtures/lab");
    for name in [
        "dh-group-mismatch",
        "ike-proposal-mismatch",
        "pfs-rekey-mismatch",
        "esp-proposal-mismatch",
        "ts-unacceptable",
        "identity-mismatch",
        "psk-mismatch",
    ] {
        let dir = lab.join(name);
        let truth = lab::truth(&dir);
        let capture = dir.join("client.pcap");
        let (alone, _) = common::diagnose_json(&[&capture]);
        assert!(
            alone["verdict"]["category"].is_null(),
            "{name}: the capture alone already decides; this test needs an open case"
        );
        let (report, _) =
            common::diagnose_json(&[&capture, &dir.join("client"), &dir.join("gateway")]);
        let v = &report["verdict"];
        assert_eq!(
            (v["phase"].clone(), v["category"].clone()),
            (truth["phase"].clone(), truth["category"].clone()),
            "{name}: {}",
            v["summary"]
        );
        let cites_config = report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|f| f["evidence"].as_array().cloned().unwrap_or_default())
            .any(|e| {
                e["source"].as_str().is_some_and(|s| s.ends_with(".conf")) && e["line"].is_u64()
            });
        assert!(
            cites_config,
            "{name}: no configuration line cited: {report}"
        );
    }
}

/// Configurations published by the strongSwan and Libreswan projects' own test suites (see
/// tests/fixtures/configs/published/SOURCES.md), with the outcome those tests expect.
#[test]
fn published_configurations() {
    let root = common::workspace_root().join("tests/fixtures/configs/published");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .expect("published configurations")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("expected").exists())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10);
    let mut wrong = Vec::new();
    for case in &cases {
        let expected = std::fs::read_to_string(case.join("expected")).expect("expected");
        let (outcome, phase_category) = expected.trim().split_once(' ').expect("outcome and phase");
        let mut ends: Vec<_> = std::fs::read_dir(case)
            .expect("case")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        ends.sort();
        let ends: Vec<&Path> = ends.iter().map(|p| p.as_path()).collect();
        let report = config_check(&[], &ends);
        let v = &report["verdict"];
        let got = verdict_pair(v);
        let category_ok = match phase_category.strip_suffix("/*") {
            Some(phase) => got.starts_with(&format!("{phase}/")),
            None => got == phase_category,
        };
        if v["outcome"] != outcome || !category_ok {
            wrong.push(format!(
                "{}: expected {expected}, got {} {got}: {}",
                case.display(),
                v["outcome"],
                v["summary"]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Configurations given to `diagnose` are read as any input: compressed ones too.
#[test]
fn compressed_configuration_given_to_diagnose() {
    let lab = common::workspace_root().join("tests/fixtures/lab/dh-group-mismatch");
    let dir = tempfile::tempdir().expect("tempdir");
    for end in ["client", "gateway"] {
        std::fs::create_dir(dir.path().join(end)).expect("mkdir");
        let text = std::fs::read(lab.join(end).join("swanctl.conf")).expect("config");
        let gz = std::process::Command::new("gzip")
            .arg("-c")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                child.stdin.take().expect("stdin").write_all(&text)?;
                child.wait_with_output()
            })
            .expect("gzip");
        std::fs::write(dir.path().join(end).join("swanctl.conf.gz"), gz.stdout).expect("write");
    }
    let (report, _) = common::diagnose_json(&[
        &lab.join("client.pcap"),
        &dir.path().join("client"),
        &dir.path().join("gateway"),
    ]);
    assert_eq!(
        report["verdict"]["category"], "proposal-dh",
        "{}",
        report["verdict"]
    );
}

/// An Android app profile (`.sswan`) against the lab's EAP gateway: it establishes, with the
/// NAT keepalive interval as a warning; expecting another gateway identity, it is refused.
#[test]
fn android_app_profile_against_the_eap_gateway() {
    let gateway = common::workspace_root().join("tests/fixtures/lab/eap-mschapv2-ok/gateway");
    let profile = |remote_id: &str| {
        format!(
            r#"{{
  "uuid": "d8d2e1a6-1c6c-4f3b-9c7a-3e0d5b1f2a11",
  "name": "lab",
  "type": "ikev2-eap",
  "remote": {{ "addr": "10.99.2.2", "id": "{remote_id}" }},
  "local": {{ "eap_id": "alice" }},
  "ike-proposal": "aes256-sha256-modp2048",
  "esp-proposal": "aes256-sha256",
  "nat-keepalive": 45
}}"#
        )
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("lab.sswan");
    std::fs::write(&file, profile("gateway.ikelab.test")).expect("write");
    let report = config_check(&[], &[&file, &gateway]);
    assert_eq!(
        report["verdict"]["outcome"], "established",
        "{}",
        report["verdict"]
    );
    let warnings = report["verdict"]["warnings"].to_string();
    assert!(warnings.contains("NAT keepalives every 45 s"), "{warnings}");
    std::fs::write(&file, profile("vpn.ikelab.test")).expect("write");
    let report = config_check(&[], &[&file, &gateway]);
    assert_eq!(
        verdict_pair(&report["verdict"]),
        "IKE_AUTH/auth-id",
        "{}",
        report["verdict"]
    );
}

/// Every published single-end example (Apple profiles, NetworkManager connections, the Windows
/// client's forms, cloud exports: tests/fixtures/configs/published/SOURCES.md) is read as a
/// configuration, alone and paired, and the pairs whose outcome the files decide are predicted.
#[test]
fn published_examples_of_every_client_and_cloud_format() {
    let root = common::workspace_root().join("tests/fixtures/configs/published");
    let mut files = Vec::new();
    for format in ["apple", "networkmanager", "windows", "cloud"] {
        let mut found: Vec<_> = std::fs::read_dir(root.join(format))
            .expect("published examples")
            .flatten()
            .map(|e| e.path())
            .collect();
        assert!(found.len() >= 2, "{format}: {found:?}");
        files.append(&mut found);
    }
    for file in &files {
        let out = ike_doctor()
            .args([
                "config",
                "check",
                "--format",
                "json",
                "--client",
                "strongswan",
            ])
            .arg(file)
            .output()
            .expect("run ike-doctor");
        assert_ne!(
            out.status.code(),
            Some(2),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(report["inputs"][0]["kind"], "config", "{}", file.display());
    }
    let lab = common::workspace_root().join("tests/fixtures/lab/eap-mschapv2-ok/gateway");
    // strongSwan's published iOS profile offers AES-128/SHA1-96/MODP2048 only; the lab's
    // gateway accepts AES-256/SHA2-256/MODP2048.
    let report = config_check(
        &[],
        &[&root.join("apple/strongswan-wiki-eap.mobileconfig"), &lab],
    );
    assert_eq!(
        verdict_pair(&report["verdict"]),
        "IKE_SA_INIT/proposal-ike",
        "{}",
        report["verdict"]
    );
    // A NetworkManager EAP connection with strongSwan's default proposals establishes: the
    // gateway's identity is left to its certificate (charon-nm's loose match).
    let nm = root.join("networkmanager/hwdsl2-issue1497.nmconnection");
    let report = config_check(&[], &[&nm, &lab]);
    assert_eq!(
        report["verdict"]["outcome"], "established",
        "{}",
        report["verdict"]
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let wrong_id = dir.path().join("office.nmconnection");
    let keyfile = std::fs::read_to_string(&nm).expect("keyfile");
    std::fs::write(
        &wrong_id,
        keyfile.replace("[vpn]\n", "[vpn]\nremote-identity=vpn.example.org\n"),
    )
    .expect("write");
    let report = config_check(&[], &[&wrong_id, &lab]);
    assert_eq!(
        verdict_pair(&report["verdict"]),
        "IKE_AUTH/auth-id",
        "{}",
        report["verdict"]
    );
    // The fix is written in the keyfile's own key, not in swanctl.conf's.
    let fixes = report["findings"][0]["fix"].to_string();
    assert!(
        fixes.contains(
            "`remote-identity=gateway.ikelab.test` (in NetworkManager (strongSwan plugin) [vpn])"
        ),
        "{fixes}"
    );
    assert!(!fixes.contains("swanctl.conf connections.<name"), "{fixes}");
    let aws = root.join("cloud/aws-describe-vpn-connections.json");
    let report = config_check(&["--client", "strongswan"], &[&aws]);
    assert_eq!(
        verdict_pair(&report["verdict"]),
        "IKE_SA_INIT/proposal-dh",
        "{}",
        report["verdict"]
    );
}

/// The secrets of every new format (Apple's SharedSecret, NetworkManager's `[vpn-secrets]`,
/// the Windows client's L2TP key, AWS's and Azure's pre-shared keys) are compared, never
/// printed, in the text or the JSON report.
#[test]
fn secrets_of_client_and_cloud_formats_never_printed() {
    let root = common::workspace_root().join("tests/fixtures/configs/published");
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, text: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path
    };
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).expect("fixture");
    let secrets = [
        "Sekrit-Apple-0123456789abcdef",
        "Sekrit-NM-0123456789abcdef",
        "Sekrit-Windows-0123456789ab",
        "Sekrit-AWS-0123456789abcdefg",
        "Sekrit-Azure-0123456789abcd",
    ];
    let files = [
        write(
            "phone.mobileconfig",
            format!(
                "<?xml version=\"1.0\"?>\n<plist version=\"1.0\"><dict><key>PayloadContent</key><array><dict>\n<key>PayloadType</key><string>com.apple.vpn.managed</string>\n<key>VPNType</key><string>IKEv2</string>\n<key>IKEv2</key><dict>\n<key>RemoteAddress</key><string>10.99.2.2</string>\n<key>RemoteIdentifier</key><string>gateway.ikelab.test</string>\n<key>LocalIdentifier</key><string>client.ikelab.test</string>\n<key>AuthenticationMethod</key><string>SharedSecret</string>\n<key>SharedSecret</key><string>{}</string>\n</dict></dict></array></dict></plist>\n",
                secrets[0]
            ),
        ),
        write(
            "office.nmconnection",
            "[connection]\nid=office\n[vpn]\naddress=10.99.2.2\nmethod=psk\nuser=client.ikelab.test\nremote-identity=gateway.ikelab.test\nservice-type=org.freedesktop.NetworkManager.strongswan\n[vpn-secrets]\npassword="
                .to_owned()
                + secrets[1]
                + "\n",
        ),
        write(
            "windows.ps1",
            format!(
                "Add-VpnConnection -Name office -ServerAddress 10.99.2.2 -TunnelType Ikev2 -AuthenticationMethod Psk -L2tpPsk \"{}\" -Force\n",
                secrets[2]
            ),
        ),
        write(
            "aws.json",
            read("cloud/aws-describe-vpn-connections.json")
                .replace("PSK_PLACEHOLDER_TUNNEL1_32CHARSX", secrets[3]),
        ),
        write(
            "azure.json",
            read("cloud/azure-vpn-connection-show.json").replace("AzureA1b2C3", secrets[4]),
        ),
    ];
    let gateway = common::workspace_root().join("tests/fixtures/lab/psk-ok/gateway");
    for file in &files {
        for format in ["text", "json"] {
            let out = ike_doctor()
                .args(["config", "check", "--format", format])
                .arg(file)
                .arg(&gateway)
                .output()
                .expect("run");
            let printed = String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr);
            assert_ne!(out.status.code(), Some(2), "{}: {printed}", file.display());
            for s in &secrets {
                assert!(!printed.contains(s), "{}: a secret printed", file.display());
            }
        }
    }
    // The lab gateway's key differs from the Apple profile's: said, without either key.
    let out = ike_doctor()
        .args(["config", "check"])
        .arg(&files[0])
        .arg(&gateway)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("auth-psk") && text.contains("not printed"),
        "{text}"
    );
}

/// Two ends with the same lifetimes and the randomized rekey off on both rekey at once: a
/// warning citing both lines. With randomization on either end (the default), none.
#[test]
fn simultaneous_rekeys_are_a_warning() {
    let lab = common::workspace_root().join("tests/fixtures/lab/psk-ok");
    let dir = tempfile::tempdir().expect("tempdir");
    for (end, conn) in [("client", "home"), ("gateway", "rw")] {
        std::fs::create_dir(dir.path().join(end)).expect("mkdir");
        let text = std::fs::read_to_string(lab.join(end).join("swanctl.conf")).expect("conf");
        let text = text.replacen(
            &format!("    {conn} {{\n"),
            &format!("    {conn} {{\n        rand_time = 0\n"),
            1,
        );
        std::fs::write(dir.path().join(end).join("swanctl.conf"), text).expect("write");
    }
    let report = config_check(
        &[],
        &[&dir.path().join("client"), &dir.path().join("gateway")],
    );
    assert_eq!(
        report["verdict"]["outcome"], "established",
        "{}",
        report["verdict"]
    );
    let warnings = report["verdict"]["warnings"].to_string();
    assert!(
        warnings.contains("both rekey the IKE SA every 14400 s without randomization"),
        "{warnings}"
    );
    let default = config_check(&[], &[&lab.join("client"), &lab.join("gateway")]);
    assert!(!default["verdict"]["warnings"]
        .to_string()
        .contains("without randomization"));
}

/// A client sending IKE to a port the gateway's connection does not use gets no answer; 4500
/// is answered beside 500 (NAT-T).
#[test]
fn ports_are_compared() {
    let lab = common::workspace_root().join("tests/fixtures/lab/psk-ok");
    for (port, expected) in [("4501", "IKE_SA_INIT/config-other"), ("4500", "-")] {
        let dir = tempfile::tempdir().expect("tempdir");
        let client = dir.path().join("client");
        std::fs::create_dir(&client).expect("mkdir");
        let text = std::fs::read_to_string(lab.join("client/swanctl.conf")).expect("conf");
        let text = text.replacen(
            "    home {\n",
            &format!("    home {{\n        remote_port = {port}\n        mobike = no\n"),
            1,
        );
        std::fs::write(client.join("swanctl.conf"), text).expect("write");
        let report = config_check(&[], &[&client, &lab.join("gateway")]);
        assert_eq!(
            verdict_pair(&report["verdict"]),
            expected,
            "{port}: {}",
            report["verdict"]
        );
    }
}
