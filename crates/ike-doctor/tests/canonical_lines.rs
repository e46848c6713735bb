//! The canonical failure lines (tests/fixtures/canonical/lines.tsv): one line per failure string
//! of the project's reference of canonical IKEv2 log strings by category, completed with
//! plausible values where the reference elides them, each pasted alone on standard input.
//!
//! Unlike the corpus, these are the implementations' own wordings, not what a thread quoted: a
//! line the reference files under a category must lead there, decided where the line alone
//! decides it, and honestly open with that category among the candidates where it does not (a
//! generic AUTHENTICATION_FAILED, a retransmit, a single DH retry). A line that is progress
//! only must not be made a failure.
mod common;

/// What a line must give.
#[derive(Debug)]
enum Expect {
    /// The verdict names this category.
    Decide(String),
    /// The verdict names no category and has this one among its candidates.
    Open(String),
    /// The verdict names one of these categories (the line may honestly decide either, by what
    /// it holds besides its wording), or stays open with the first among its candidates.
    Either(Vec<String>),
    /// No failure: the line is progress or detail.
    Info,
}

impl Expect {
    fn parse(text: &str) -> Expect {
        if text == "info" {
            return Expect::Info;
        }
        if let Some(category) = text.strip_prefix("decide:") {
            return Expect::Decide(category.to_owned());
        }
        if let Some(category) = text.strip_prefix("open:") {
            return Expect::Open(category.to_owned());
        }
        let categories = text
            .strip_prefix("either:")
            .unwrap_or_else(|| panic!("unknown expectation {text:?}"));
        Expect::Either(categories.split(',').map(str::to_owned).collect())
    }

    fn met_by(&self, verdict: &serde_json::Value) -> bool {
        let decided = verdict["category"].as_str();
        let candidates = common::candidate_categories(verdict);
        match self {
            Expect::Decide(want) => decided == Some(want.as_str()),
            Expect::Open(want) => decided.is_none() && candidates.contains(&want.as_str()),
            Expect::Either(allowed) => match decided {
                Some(got) => allowed.iter().any(|a| a == got),
                None => candidates.contains(&allowed[0].as_str()),
            },
            Expect::Info => {
                decided.is_none()
                    && verdict["outcome"].is_string()
                    && verdict["outcome"] != "failed"
            }
        }
    }
}

#[test]
fn every_canonical_failure_line_leads_to_its_category() {
    let path = common::workspace_root().join("tests/fixtures/canonical/lines.tsv");
    let table = std::fs::read_to_string(&path).expect("lines.tsv");
    let mut failures = Vec::new();
    let mut count = 0;
    for (number, row) in table.lines().enumerate() {
        if row.starts_with('#') || row.trim().is_empty() {
            continue;
        }
        let mut fields = row.split('\t');
        let (Some(expect), Some(line), Some(reference)) =
            (fields.next(), fields.next(), fields.next())
        else {
            panic!("lines.tsv:{}: three tab-separated fields", number + 1);
        };
        let expect = Expect::parse(expect);
        count += 1;
        let (report, code) = common::diagnose_stdin(format!("{line}\n").as_bytes());
        let verdict = &report["verdict"];
        if code == 2 || !expect.met_by(verdict) {
            failures.push(format!(
                "lines.tsv:{} ({reference}): want {expect:?}, got {} {:?} (exit {code})\n    {line}",
                number + 1,
                verdict["category"].as_str().unwrap_or("open"),
                common::candidate_categories(verdict),
            ));
        }
    }
    assert!(count >= 100, "the table holds {count} lines");
    assert!(
        failures.is_empty(),
        "{} of {count} canonical lines miss their category:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
