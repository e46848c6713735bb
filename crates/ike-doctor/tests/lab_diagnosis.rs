//! Every failure-lab fixture is diagnosed from the client capture alone, the gateway capture
//! alone, and both together. The verdict must give the true phase (and the true outcome); its
//! category must be the true one or left open (`null`): never a confident wrong category.
//! The table of results is printed.
mod common;

use std::path::{Path, PathBuf};

/// Evidence sets that hold no trace of the failure at all, with the reason. For these the
/// verdict must not name a wrong cause; it cannot name the right one.
const NO_TRACE: &[(&str, &str, &str)] = &[(
    "esp-over-path-mtu",
    "gateway",
    "the oversized ESP never reaches the gateway and nothing else changes there: its capture shows a working tunnel",
)];

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

impl Case {
    fn phase_ok(&self) -> bool {
        self.got_phase == self.truth_phase
    }
    fn outcome_ok(&self) -> bool {
        self.got_outcome == self.truth_outcome
    }
    fn category_ok(&self) -> bool {
        self.got_category.is_none() || self.got_category == self.truth_category
    }
    fn category_decided(&self) -> bool {
        self.got_category.is_some() && self.got_category == self.truth_category
    }
}

fn scenarios() -> Vec<PathBuf> {
    let dir = common::workspace_root().join("tests/fixtures/lab");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/lab")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("truth.json").exists())
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

#[test]
fn every_lab_scenario_from_each_evidence_set() {
    let mut cases = Vec::new();
    for dir in scenarios() {
        let truth: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("truth.json")).expect("truth"))
                .expect("truth.json");
        let client = dir.join("client.pcap");
        let gateway = dir.join("gateway.pcap");
        cases.push(run(&dir, "client", &[&client], &truth));
        cases.push(run(&dir, "gateway", &[&gateway], &truth));
        cases.push(run(&dir, "both", &[&client, &gateway], &truth));
        // Everything the scenario left behind: captures, both logs, keys, certificates,
        // configurations: the most a user could hand over.
        cases.push(run(&dir, "folder", &[dir.as_path()], &truth));
    }
    assert!(!cases.is_empty(), "no lab fixtures");
    let dash = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    eprintln!(
        "\n{:<34} {:<8} {:<12} {:<12} {:<18} {:<18} ok",
        "scenario", "evidence", "truth phase", "got phase", "truth category", "got category"
    );
    let mut wrong = Vec::new();
    for c in &cases {
        let no_trace = NO_TRACE
            .iter()
            .find(|(s, e, _)| *s == c.scenario && *e == c.evidence);
        let ok = match no_trace {
            Some(_) => c.category_ok() && (c.got_phase.is_none() || c.phase_ok()),
            None => c.phase_ok() && c.outcome_ok() && c.category_ok(),
        };
        eprintln!(
            "{:<34} {:<8} {:<12} {:<12} {:<18} {:<18} {}",
            c.scenario,
            c.evidence,
            dash(&c.truth_phase),
            dash(&c.got_phase),
            dash(&c.truth_category),
            dash(&c.got_category),
            if !ok {
                "WRONG"
            } else if let Some((_, _, why)) = no_trace {
                eprintln!("    (no trace in this evidence: {why})");
                "no trace"
            } else if c.category_decided() || c.truth_category.is_none() {
                "yes"
            } else {
                "yes (category open)"
            }
        );
        if !ok {
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
    let decided = cases.iter().filter(|c| c.category_decided()).count();
    eprintln!(
        "\n{} cases, {} right, {} with the category decided",
        cases.len(),
        cases.len() - wrong.len(),
        decided
    );
    assert!(wrong.is_empty(), "wrong diagnoses:\n{}", wrong.join("\n"));
}
