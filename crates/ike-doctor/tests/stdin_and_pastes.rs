//! Evidence as users bring it: standard input (`-`, `/dev/stdin`), pasted lines without times
//! or prefixes, several vendors in one paste, error dialog texts, cloud and appliance records,
//! compressed files. And the promise that `diagnose` and `explain` read the same knowledge: a
//! line `explain` knows is never "no IKE traffic".
mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = common::ike_doctor()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ike-doctor");
    let mut stdin = child.stdin.take().expect("stdin");
    // A large input is written while the child reads it.
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().expect("wait");
    writer.join().expect("writer");
    output
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn diagnose_paste(text: &str) -> (serde_json::Value, i32) {
    let output = run_stdin(&["diagnose", "--format", "json", "-"], text.as_bytes());
    let code = output.status.code().unwrap_or(-1);
    (
        serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null),
        code,
    )
}

#[test]
fn every_line_explain_knows_is_diagnosed() {
    let mut silent = Vec::new();
    for entry in ike_logs::knowledge::ENTRIES {
        if entry.role == ike_logs::Role::TimeContext {
            continue;
        }
        // The pattern as a line holds it: words around its edge spaces, the code after an error
        // code's marker, the other literal the entry requires.
        let mut example = entry.pattern.to_owned();
        if example.starts_with(' ') {
            example.insert(0, 'x');
        }
        if example.ends_with(' ') || example.ends_with(':') || example.ends_with('=') {
            example.push_str(if entry.fact == ike_logs::Fact::ErrorCode {
                " 809"
            } else {
                " x"
            });
        }
        if !entry.require.is_empty() && !example.contains(entry.require) {
            example.insert_str(0, &format!("{} ", entry.require));
        }
        assert!(
            !ike_logs::explain::explain(&example).is_empty(),
            "explain does not know {example:?} ({})",
            entry.tag
        );
        let (report, code) = diagnose_paste(&format!("{example}\n"));
        let outcome = report["verdict"]["outcome"].as_str().unwrap_or("unread");
        // Read only as IKE words, not as the line the entry knows.
        let as_words = report["findings"][0]["rule"] == "unknown-ike-wording";
        if code == 2 || outcome == "no-ike-traffic" || as_words {
            silent.push(format!("{} {example:?}: {outcome}", entry.tag));
        }
    }
    for notify in ike_logs::knowledge::NOTIFIES {
        let (report, exit) = diagnose_paste(&format!("{}\n", notify.name));
        let outcome = report["verdict"]["outcome"].as_str().unwrap_or("unread");
        if exit == 2 || outcome == "no-ike-traffic" {
            silent.push(format!("notify {}: {outcome}", notify.name));
        }
    }
    for code in ike_logs::knowledge::WINDOWS_CODES {
        if code.code > 99_999 {
            continue; // HRESULTs are known by their texts, checked above
        }
        let (report, exit) = diagnose_paste(&format!("Error {}\n", code.code));
        let category = report["verdict"]["category"].as_str().map(str::to_owned);
        let want = code.category.map(|c| c.as_str().to_owned());
        if exit == 2 || category != want {
            silent.push(format!("Error {}: {category:?}, want {want:?}", code.code));
        }
    }
    assert!(
        silent.is_empty(),
        "lines explain knows but diagnose does not:\n{}",
        silent.join("\n")
    );
}

#[test]
fn pastes_as_people_post_them() {
    let cases: &[(&str, &str, Option<&str>)] = &[
        // (paste, outcome, category)
        (
            "received netlink error: Address family not supported by protocol (97)\n",
            "failed",
            Some("implementation"),
        ),
        (
            "no IKE config found for 192.0.2.1...198.51.100.2, sending NO_PROPOSAL_CHOSEN\n",
            "failed",
            Some("config-other"),
        ),
        (
            "15[CFG] received proposals: IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048\n",
            "inconclusive",
            None,
        ),
        ("Error 809\n", "failed", None),
        (
            "The network connection between your computer and the VPN server could not be established because the remote server is not responding.\n",
            "failed",
            None,
        ),
        ("The VPN server did not respond.\n", "failed", None),
        // Thread prefixes, `<conn|id>`, a syslog header, no time at all, mixed with a client's
        // dialog text.
        (
            "gw charon: 09[IKE] <rw|3> tried 1 shared key for 'gw.example.net' - 'laptop', but MAC mismatched\n\
             09[ENC] <rw|3> generating IKE_AUTH response 1 [ N(AUTH_FAILED) ]\n\
             IKE authentication credentials are unacceptable.\n",
            "failed",
            Some("auth-psk"),
        ),
    ];
    for (paste, outcome, category) in cases {
        let (report, code) = diagnose_paste(paste);
        assert_ne!(code, 2, "{paste}");
        assert_eq!(report["verdict"]["outcome"], *outcome, "{paste}: {report}");
        assert_eq!(report["verdict"]["category"].as_str(), *category, "{paste}");
    }
    // A lone line saying a daemon removed an SA: daemons remove an SA after a failure in any
    // phase, so even the phase stays open (it is not "failed in ESTABLISHED").
    for paste in [
        "killing ike2 SA: 192.0.2.10[4500]-198.51.100.20[4500]\n",
        "aborting IKEv2 SA\n",
    ] {
        let (report, code) = diagnose_paste(paste);
        assert_eq!(code, 1, "{paste}");
        assert_eq!(report["verdict"]["outcome"], "failed", "{paste}: {report}");
        assert!(report["verdict"]["phase"].is_null(), "{paste}: {report}");
        assert!(report["verdict"]["category"].is_null(), "{paste}");
        assert!(
            report["verdict"]["candidates"]
                .as_array()
                .map_or(0, Vec::len)
                >= 2
        );
    }
    // Not a log at all: said so, exit 2.
    let output = run_stdin(&["diagnose", "-"], b"Hello, my VPN is slow today.\n");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not an IKE log"));
}

#[test]
fn explain_reads_a_paste() {
    let output = run_stdin(
        &["explain", "-"],
        b"Jan  3 10:00:00 gw charon: 09[IKE] <rw|1> tried 1 shared key for 'a' - 'b', but MAC mismatched\nError 13801\n",
    );
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("auth-psk"), "{text}");
    assert!(text.contains("13801"), "{text}");
    let nothing = run_stdin(&["explain", "-"], b"hello\n");
    assert_eq!(nothing.status.code(), Some(2));
    // No known line, but IKE's words: the lines and what the words point at, exit 1.
    let words = run_stdin(
        &["explain", "-"],
        b"vpnd: IKE phase-1 failed for gw1: pre-shared key rejected\n",
    );
    assert_eq!(words.status.code(), Some(1));
    let text = String::from_utf8_lossy(&words.stdout);
    assert!(text.contains("IKE_AUTH auth-psk"), "{text}");
    assert!(text.contains("not a diagnosis"), "{text}");
}

/// A capture on standard input, as `-` and as `/dev/stdin`, gives the report the file gives.
#[test]
fn captures_and_logs_on_standard_input() {
    let capture = common::fixture_captures()
        .into_iter()
        .find(|p| p.to_string_lossy().contains("psk-mismatch"))
        .expect("a psk-mismatch fixture");
    let bytes = std::fs::read(&capture).expect("fixture");
    let by_path = json(
        &common::ike_doctor()
            .args(["diagnose", "--format", "json"])
            .arg(&capture)
            .output()
            .expect("run"),
    );
    let path_name = capture.display().to_string();
    for (name, shown) in [("-", "<stdin>"), ("/dev/stdin", "/dev/stdin")] {
        let report = json(&run_stdin(&["diagnose", "--format", "json", name], &bytes));
        // The same report, but for the name of the input.
        let same = |key: &str| {
            let want: serde_json::Value =
                serde_json::from_str(&by_path[key].to_string().replace(&path_name, shown))
                    .expect("json");
            report[key] == want
        };
        assert!(
            same("verdict") && same("sessions") && same("findings"),
            "{name}"
        );
    }
    // Named twice: refused.
    let twice = run_stdin(&["diagnose", "-", "-"], &bytes);
    assert_eq!(twice.status.code(), Some(2));
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut child = std::process::Command::new("gzip")
        .arg("-c")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("gzip");
    let mut stdin = child.stdin.take().expect("stdin");
    let data = data.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data));
    let out = child.wait_with_output().expect("gzip");
    writer.join().expect("join").expect("write");
    out.stdout
}

fn xz(path: &Path, into: &Path) {
    let out = std::process::Command::new("xz")
        .args(["-c", "-T1"])
        .arg(path)
        .output()
        .expect("xz");
    assert!(out.status.success());
    std::fs::write(into, out.stdout).expect("write");
}

/// gzip and xz compressed captures and logs read as the originals.
#[test]
fn compressed_inputs_read_transparently() {
    let dir = tempfile::tempdir().expect("tempdir");
    let capture = common::fixture_captures()
        .into_iter()
        .find(|p| p.to_string_lossy().contains("psk-mismatch"))
        .expect("fixture");
    let log = common::workspace_root().join("tests/fixtures/logs/pluto-no-psk-libreswan-838.log");
    for original in [capture.as_path(), log.as_path()] {
        let plain = json(
            &common::ike_doctor()
                .args(["diagnose", "--format", "json"])
                .arg(original)
                .output()
                .expect("run"),
        );
        let gz = dir.path().join("input.gz");
        std::fs::write(&gz, gzip(&std::fs::read(original).expect("read"))).expect("write");
        let xzed = dir.path().join("input.xz");
        xz(original, &xzed);
        for compressed in [&gz, &xzed] {
            let report = json(
                &common::ike_doctor()
                    .args(["diagnose", "--format", "json"])
                    .arg(compressed)
                    .output()
                    .expect("run"),
            );
            assert_eq!(
                report["verdict"],
                plain["verdict"],
                "{}",
                compressed.display()
            );
        }
        // Compressed on standard input too.
        let report = json(&run_stdin(
            &["diagnose", "--format", "json", "-"],
            &gzip(&std::fs::read(original).expect("read")),
        ));
        assert_eq!(report["verdict"], plain["verdict"]);
    }
    // A damaged compressed file is named, with what is wrong.
    let bad = dir.path().join("bad.gz");
    std::fs::write(&bad, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff]).expect("write");
    let out = common::ike_doctor()
        .arg("diagnose")
        .arg(&bad)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.gz") && stderr.contains("gzip"),
        "{stderr}"
    );
}

/// Cloud and appliance records, in the shapes their services deliver them, carrying lines of
/// the corpus.
#[test]
fn cloud_and_appliance_records() {
    let cases: &[(&str, &str, Option<&str>)] = &[
        // AWS Site-to-Site VPN tunnel log (CloudWatch Logs record).
        (
            "{\"event_timestamp\":1733400000,\"details\":\"AWS tunnel detected a pre-shared key mismatch with cgw: 198.51.100.7\",\"dpd_enabled\":true,\"nat_t_detected\":false,\"ike_phase1_state\":\"down\",\"ike_phase2_state\":\"down\"}\n",
            "failed",
            Some("auth-psk"),
        ),
        // Google Cloud Logging entry wrapping the gateway's charon line.
        (
            "{\"insertId\":\"1\",\"resource\":{\"type\":\"vpn_gateway\"},\"severity\":\"ERROR\",\"textPayload\":\"sending packet: from 203.0.113.5[500] to 198.51.100.7[500] (36 bytes)\",\"timestamp\":\"2026-12-05T10:00:00Z\"}\n\
             {\"insertId\":\"2\",\"resource\":{\"type\":\"vpn_gateway\"},\"severity\":\"ERROR\",\"textPayload\":\"no IKE config found for 203.0.113.5...198.51.100.7, sending NO_PROPOSAL_CHOSEN\",\"timestamp\":\"2026-12-05T10:00:00Z\"}\n",
            "failed",
            Some("config-other"),
        ),
        // Azure VPN gateway IKE diagnostic log (AzureDiagnostics, category IKEDiagnosticLog).
        (
            "{\"TimeGenerated\":\"2026-12-05T10:00:00Z\",\"Category\":\"IKEDiagnosticLog\",\"Message\":\"IkeCleanupQMNegotiation called with error 13868 and flags a\"}\n",
            "failed",
            Some("proposal-esp"),
        ),
        // Oracle Cloud: Libreswan lines.
        (
            "cannot respond to IPsec SA request because no connection is known for 10.0.0.0/16===203.0.113.5...198.51.100.7===192.168.0.0/24\n",
            "failed",
            Some("traffic-selectors"),
        ),
        // FortiGate event log, key=value.
        (
            "date=2026-12-05 time=10:00:00 devname=\"fw\" logid=\"0101037124\" type=\"event\" subtype=\"vpn\" level=\"error\" action=\"negotiate\" remip=198.51.100.7 status=\"negotiate_error\" msg=\"Negotiate SA Error: probable pre-shared secret mismatch\"\n",
            "failed",
            None,
        ),
        // Windows NPS event 6273's reason.
        (
            "Reason Code: 16\nReason: Authentication failed due to a user credentials mismatch. Either the user name provided does not map to an existing user account or the password was incorrect.\n",
            "failed",
            Some("auth-eap"),
        ),
        // Windows NPS event 6273 with its reason code only: Microsoft's reason-code table.
        (
            "Network Policy Server denied access to a user.\n\tReason Code:\t\t\t264\n",
            "failed",
            Some("clock"),
        ),
        // FreeRADIUS: the VPN client refused the RADIUS server's EAP certificate.
        (
            "(5) eap_tls: ERROR: (TLS) Alert read:fatal:unknown CA\n",
            "failed",
            Some("auth-eap"),
        ),
        // FreeRADIUS: the gateway's RADIUS secret differs.
        (
            "Dropping packet without response because of error: Received packet from 192.0.2.10 with invalid Message-Authenticator!  (Shared secret is incorrect.)\n",
            "failed",
            Some("config-other"),
        ),
        // Suricata EVE event.
        (
            "{\"timestamp\":\"2026-12-05T10:00:00.000000+0000\",\"event_type\":\"ike\",\"src_ip\":\"198.51.100.7\",\"src_port\":500,\"dest_ip\":\"203.0.113.5\",\"dest_port\":500,\"proto\":\"UDP\",\"ike\":{\"version_major\":2,\"version_minor\":0,\"init_spi\":\"8511617bfea2f172\",\"resp_spi\":\"0000000000000000\",\"message_id\":0,\"exchange_type\":34}}\n",
            "inconclusive",
            None,
        ),
    ];
    for (text, outcome, category) in cases {
        let (report, code) = diagnose_paste(text);
        assert_ne!(code, 2, "{text}");
        assert_eq!(
            report["verdict"]["outcome"], *outcome,
            "{text}: {}",
            report["verdict"]
        );
        assert_eq!(report["verdict"]["category"].as_str(), *category, "{text}");
    }
}

#[test]
fn unknown_ike_text_is_read_as_words_and_prose_is_not_read() {
    // A product's line ike-doctor has no knowledge of: open, with what its words point at.
    let (report, code) = diagnose_paste(
        "2026-03-01 10:00:01 gw1 vpnd: IKE phase-2 negotiation failed for tunnel t1: proposal mismatch\n",
    );
    assert_eq!(code, 1);
    assert_eq!(report["verdict"]["outcome"], "inconclusive");
    assert_eq!(report["verdict"]["category"], serde_json::Value::Null);
    assert_eq!(
        report["verdict"]["candidates"][0]["category"],
        "proposal-esp"
    );
    assert_eq!(report["verdict"]["phase"], "CHILD_SA");
    assert_eq!(report["findings"][0]["rule"], "unknown-ike-wording");
    assert_eq!(report["findings"][0]["evidence"][0]["line"], 1);
    // A log of a known kind none of whose lines is known: its words too, not "no IKE traffic".
    let (report, code) = diagnose_paste(
        "Jan  3 10:00:00 gw charon: 09[IKE] <rw|1> IKE negotiation took an odd turn: traffic selector trouble\n",
    );
    assert_eq!(code, 1);
    assert_eq!(report["verdict"]["outcome"], "inconclusive");
    assert_eq!(
        report["verdict"]["candidates"][0]["category"],
        "traffic-selectors"
    );
    // Words alone never decide: nothing points anywhere, the phase stays open too.
    let (report, _) = diagnose_paste("ikemgr: IKE SA for gateway gw1 changed state\n");
    assert_eq!(report["verdict"]["outcome"], "inconclusive");
    assert_eq!(report["verdict"]["phase"], serde_json::Value::Null);
    // Prose that names a VPN but no failure, and prose with no IKE word, are not logs.
    for prose in ["We use a VPN at work.\n", "Dear diary,\ntoday was fine.\n"] {
        let (_, code) = diagnose_paste(prose);
        assert_eq!(code, 2, "{prose:?}");
    }
}

#[test]
fn a_refused_create_child_sa_without_key_exchange_stays_open_between_esp_and_pfs() {
    // pluto answering an Azure rekey (tests/fixtures/corpus/libreswan-azure-rekey-no-local-proposal.txt,
    // lines joined): the offer carries no DH transform and the refusing end's own proposals are
    // not on the lines, so a PFS requirement explains it as well as other ESP algorithms.
    let refusal = "Jun 09 18:40:03 gw pluto[217191]: \"azure/1x2\" #8: no local proposal matches remote proposals 1:ESP:ENCR=AES_GCM_C_256;ESN=DISABLED 2:ESP:ENCR=AES_CBC_256;INTEG=HMAC_SHA1_96;ESN=DISABLED\n\
        Jun 09 18:40:03 gw pluto[217191]: \"azure/1x2\" #9: responding to CREATE_CHILD_SA message (ID 1494) from 20.232.148.70:4500 with encrypted notification NO_PROPOSAL_CHOSEN\n";
    let (report, _) = diagnose_paste(refusal);
    assert_eq!(report["verdict"]["category"], serde_json::Value::Null);
    assert_eq!(
        common::candidate_categories(&report["verdict"]),
        ["proposal-esp", "proposal-dh"]
    );
    // An offer with a key exchange that is refused, both lines of one state: the PFS group.
    let with_ke = refusal
        .replace(";ESN=DISABLED 2:", ";DH=MODP2048;ESN=DISABLED 2:")
        .replace("#8:", "#9:");
    let (report, _) = diagnose_paste(&with_ke);
    assert_eq!(report["verdict"]["category"], "proposal-dh");
}
