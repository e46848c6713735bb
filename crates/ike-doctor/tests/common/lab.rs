//! The lab tables: run `diagnose` on a scenario's evidence, compare the verdict with the
//! scenario's `truth.json`, print the table and fail on any wrong diagnosis.
use std::path::{Path, PathBuf};

/// (scenario, evidence set, reason).
pub type Listed = [(&'static str, &'static str, &'static str)];

pub struct Case {
    pub scenario: String,
    pub evidence: &'static str,
    pub truth_outcome: String,
    pub truth_phase: Option<String>,
    pub truth_category: Option<String>,
    pub got_outcome: String,
    pub got_phase: Option<String>,
    pub got_category: Option<String>,
}

/// Lab fixture folders that have a truth and every file in `needs`.
pub fn scenarios(needs: &[&str]) -> Vec<PathBuf> {
    let dir = super::workspace_root().join("tests/fixtures/lab");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/lab")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("truth.json").exists() && needs.iter().all(|n| p.join(n).exists()))
        .collect();
    out.sort();
    out
}

pub fn truth(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("truth.json")).expect("truth"))
        .expect("truth.json")
}

fn s(v: &serde_json::Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

pub fn run(dir: &Path, evidence: &'static str, files: &[&Path], truth: &serde_json::Value) -> Case {
    let (report, _) = super::diagnose_json(files);
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

fn listed<'a>(list: &'a Listed, c: &Case) -> Option<&'a str> {
    list.iter()
        .find(|(s, e, _)| *s == c.scenario && *e == c.evidence)
        .map(|(_, _, why)| *why)
}

/// Judges every case, prints the table, and fails on a wrong one. The verdict must give the
/// true outcome and phase; its category must be the true one or left open, never wrong.
/// `no_trace` lists evidence sets that hold no trace of the failure (then only a wrong cause
/// fails). With `open` given, a category left open must be listed there with its reason.
pub fn judge(cases: &[Case], no_trace: &Listed, open: Option<&Listed>) {
    assert!(!cases.is_empty(), "no lab fixtures");
    let dash = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    eprintln!(
        "\n{:<32} {:<8} {:<12} {:<12} {:<18} {:<18} ok",
        "scenario", "evidence", "truth phase", "got phase", "truth category", "got category"
    );
    let mut wrong = Vec::new();
    let mut decided = 0;
    for c in cases {
        let category_right = c.got_category.is_some() && c.got_category == c.truth_category;
        let category_open = c.got_category.is_none();
        let verdict = if let Some(why) = listed(no_trace, c) {
            let ok = (category_open || category_right)
                && (c.got_phase.is_none() || c.got_phase == c.truth_phase);
            (ok, format!("no trace ({why})"))
        } else if c.got_phase != c.truth_phase || c.got_outcome != c.truth_outcome {
            (false, "WRONG".into())
        } else if category_right || c.truth_category.is_none() {
            decided += 1;
            (true, "yes".into())
        } else if category_open {
            match open.map(|list| listed(list, c)) {
                None => (true, "yes (category open)".into()),
                Some(Some(why)) => (true, format!("yes, category open ({why})")),
                Some(None) => (false, "WRONG (category left open)".into()),
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
