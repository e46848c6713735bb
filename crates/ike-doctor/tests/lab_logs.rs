//! Every failure-lab scenario diagnosed from its daemons' logs: the client log alone, the
//! gateway log alone, both logs, and both logs with both captures. The verdict must give the true
//! outcome and phase; its category must be the true one or left open (`null`), never a confident
//! wrong one. Evidence sets whose log holds no trace of the failure are listed with the reason.
//! The table is printed.
mod common;

use std::path::{Path, PathBuf};

/// Evidence sets that hold no trace of the failure: the verdict must not name a wrong cause.
const NO_TRACE: &[(&str, &str, &str)] = &[
    (
        "udp-blocked",
        "gateway",
        "the gateway's firewall drops everything: its daemon never logs a packet",
    ),
    (
        "esp-over-path-mtu",
        "client",
        "the daemons negotiate normally; only the oversized ESP packets (not logged) are lost",
    ),
    (
        "esp-over-path-mtu",
        "gateway",
        "the daemons negotiate normally; only the oversized ESP packets (not logged) are lost",
    ),
    (
        "esp-over-path-mtu",
        "logs",
        "the daemons negotiate normally; only the oversized ESP packets (not logged) are lost",
    ),
    (
        "nat-mapping-expired",
        "client",
        "the client never hears the gateway's dropped rekey: its log shows a quiet, working SA",
    ),
    (
        "libreswan-kernel-no-esp",
        "gateway",
        "the gateway installs its SAs and only sees the client delete them",
    ),
];

/// Evidence sets where the log places the failure but cannot tell the category apart; the
/// reason says which causes remain. The verdict must leave the category open or be right.
const OPEN: &[(&str, &str, &str)] = &[
    ("udp-blocked", "client", "no answer to IKE_SA_INIT: filtered, host down, or the port held by another program look alike"),
    ("udp500-in-use", "client", "no answer to IKE_SA_INIT: filtered, host down, or the port held by another program look alike"),
    ("psk-mismatch", "client", "the initiator only sees AUTHENTICATION_FAILED"),
    ("identity-mismatch", "client", "the initiator only sees AUTHENTICATION_FAILED"),
    ("cert-expired", "client", "the initiator only sees AUTHENTICATION_FAILED"),
    ("libreswan-psk-mismatch", "client", "the initiator only sees AUTHENTICATION_FAILED"),
    ("ike-proposal-mismatch", "client", "the initiator only sees NO_PROPOSAL_CHOSEN"),
    ("dh-group-mismatch", "client", "the initiator only sees NO_PROPOSAL_CHOSEN"),
    ("ikev1-only-gateway", "client", "the initiator only sees NO_PROPOSAL_CHOSEN"),
    ("libreswan-proposal-mismatch", "client", "the initiator only sees NO_PROPOSAL_CHOSEN"),
    ("ike-auth-ip-fragments-dropped", "gateway", "IKE_AUTH never arrives: fragments or UDP 4500, the gateway cannot tell"),
    ("nat-udp4500-blocked", "gateway", "IKE_AUTH never arrives: fragments or UDP 4500, the gateway cannot tell"),
    ("libreswan-ip-fragments-dropped", "client", "pluto logs no message sizes: fragments or UDP 4500"),
    ("libreswan-ip-fragments-dropped", "gateway", "IKE_AUTH never arrives: fragments or UDP 4500, the gateway cannot tell"),
    ("libreswan-ip-fragments-dropped", "logs", "pluto logs no message sizes: fragments or UDP 4500"),
    ("libreswan-ts-unacceptable", "gateway", "pluto logs the IKE SA but not the refused traffic selectors"),
    ("libreswan-ikev1-only-gateway", "client", "the initiator only sees NO_PROPOSAL_CHOSEN"),
    ("udp-return-path-dropped", "client", "no answer to IKE_SA_INIT: the initiator cannot tell where the packets are lost"),
    ("cert-not-yet-valid-clock", "gateway", "the gateway only learns that the client refused its certificate"),
    ("cert-san-mismatch", "gateway", "the gateway only learns that the client refused its certificate"),
    ("cert-untrusted-ca", "gateway", "the gateway only learns that the client refused its certificate"),
    ("kernel-no-esp", "gateway", "the gateway only sees the client delete the CHILD_SA at once"),
];

struct Case {
    scenario: String,
    evidence: &'static str,
    truth_outcome: String,
    truth_phase: Option<String>,
    truth_category: Option<String>,
    got_outcome: String,
    got_phase: Option<String>,
    got_category: Option<String>,
}

fn scenarios() -> Vec<PathBuf> {
    let dir = common::workspace_root().join("tests/fixtures/lab");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/lab")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("truth.json").exists() && p.join("client.log").exists())
        .collect();
    out.sort();
    out
}

fn s(v: &serde_json::Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

fn run(dir: &Path, evidence: &'static str, files: &[&Path], truth: &serde_json::Value) -> Case {
    let (report, _) = common::diagnose_json(files);
    let verdict = &report["verdict"];
    Case {
        scenario: dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("?")
            .to_owned(),
        evidence,
        truth_outcome: s(&truth["outcome"]).unwrap_or_default(),
        truth_phase: s(&truth["phase"]),
        truth_category: s(&truth["category"]),
        got_outcome: s(&verdict["outcome"]).unwrap_or_default(),
        got_phase: s(&verdict["phase"]),
        got_category: s(&verdict["category"]),
    }
}

fn listed<'a>(list: &'a [(&str, &str, &str)], c: &Case) -> Option<&'a str> {
    list.iter()
        .find(|(s, e, _)| *s == c.scenario && *e == c.evidence)
        .map(|(_, _, why)| *why)
}

#[test]
fn every_lab_scenario_from_its_logs() {
    let mut cases = Vec::new();
    for dir in scenarios() {
        let truth: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("truth.json")).expect("truth"))
                .expect("truth.json");
        let client_log = dir.join("client.log");
        let gateway_log = dir.join("gateway.log");
        let client_pcap = dir.join("client.pcap");
        let gateway_pcap = dir.join("gateway.pcap");
        cases.push(run(&dir, "client", &[&client_log], &truth));
        cases.push(run(&dir, "gateway", &[&gateway_log], &truth));
        cases.push(run(&dir, "logs", &[&client_log, &gateway_log], &truth));
        cases.push(run(
            &dir,
            "all",
            &[&client_log, &gateway_log, &client_pcap, &gateway_pcap],
            &truth,
        ));
    }
    assert!(!cases.is_empty(), "no lab fixtures");
    let dash = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    eprintln!(
        "\n{:<32} {:<8} {:<12} {:<12} {:<18} {:<18} ok",
        "scenario", "evidence", "truth phase", "got phase", "truth category", "got category"
    );
    let mut wrong = Vec::new();
    let mut decided = 0;
    for c in &cases {
        let category_right = c.got_category.is_some() && c.got_category == c.truth_category;
        let category_open = c.got_category.is_none();
        let no_trace = listed(NO_TRACE, c);
        let open = listed(OPEN, c);
        let verdict = if let Some(why) = no_trace {
            let ok = (category_open || category_right)
                && (c.got_phase.is_none() || c.got_phase == c.truth_phase);
            (ok, format!("no trace ({why})"))
        } else if c.got_phase != c.truth_phase || c.got_outcome != c.truth_outcome {
            (false, "WRONG".into())
        } else if category_right || c.truth_category.is_none() {
            decided += 1;
            (true, "yes".into())
        } else if category_open {
            match open {
                Some(why) => (true, format!("yes, category open ({why})")),
                None => (false, "WRONG (category left open)".into()),
            }
        } else {
            (false, "WRONG".into())
        };
        eprintln!(
            "{:<32} {:<8} {:<12} {:<12} {:<18} {:<18} {}",
            c.scenario,
            c.evidence,
            dash(&c.truth_phase),
            dash(&c.got_phase),
            dash(&c.truth_category),
            dash(&c.got_category),
            verdict.1
        );
        if !verdict.0 {
            wrong.push(format!(
                "{} from {}: outcome {} phase {} category {} (truth: {} {} {})",
                c.scenario,
                c.evidence,
                c.got_outcome,
                dash(&c.got_phase),
                dash(&c.got_category),
                c.truth_outcome,
                dash(&c.truth_phase),
                dash(&c.truth_category)
            ));
        }
    }
    eprintln!(
        "\n{} cases, {} right, {} with the outcome and category decided right",
        cases.len(),
        cases.len() - wrong.len(),
        decided
    );
    assert!(wrong.is_empty(), "wrong diagnoses:\n{}", wrong.join("\n"));
}
