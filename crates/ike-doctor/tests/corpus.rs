//! The real-world corpus (tests/fixtures/corpus): excerpts quoted in public threads, issue
//! trackers and vendor documentation, each labelled with the cause its source confirmed (or
//! `null` with the candidates that fit, where the text cannot tell). Each excerpt is diagnosed
//! alone, as a user would paste it on standard input.
//!
//! A third of the corpus, chosen by a hash of the source address, is held out: no knowledge may
//! be added for its excerpts, so its accuracy says how ike-doctor does on text it was not tuned
//! for. Both parts are reported, per vendor too.
mod common;

use std::collections::BTreeMap;

/// FNV-1a: a fixed hash, so the held-out third never moves.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

pub fn held_out(source: &str) -> bool {
    fnv1a(source) % 3 == 1
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// The confirmed category named, or left open where the text cannot tell.
    Right,
    /// Left open (or unread) where the source confirms a category.
    Missed,
    /// A category named that the source does not confirm.
    WrongCategory,
}

struct Judged {
    id: String,
    vendor: String,
    held_out: bool,
    outcome: Outcome,
    got: String,
    want: String,
}

fn judge(label: &serde_json::Value, report: &serde_json::Value, code: i32) -> (Outcome, String) {
    let got_category = report["verdict"]["category"].as_str();
    let got_phase = report["verdict"]["phase"].as_str().unwrap_or("-");
    let outcome = report["verdict"]["outcome"].as_str().unwrap_or("unread");
    let got = match (code, got_category) {
        (2, _) => "unread".to_owned(),
        (_, Some(c)) => format!("{got_phase} {c}"),
        (_, None) => format!("{outcome} open"),
    };
    let candidates = common::candidate_categories(&report["verdict"]);
    let verdict = match label["category"].as_str() {
        Some(want) => match got_category {
            Some(c) if c == want => Outcome::Right,
            Some(_) => Outcome::WrongCategory,
            None => Outcome::Missed,
        },
        None => {
            let fits: Vec<&str> = label["candidates"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| c["category"].as_str())
                .collect();
            let said_something = code != 2 && !matches!(outcome, "no-ike-traffic" | "unread");
            match got_category {
                Some(_) => Outcome::WrongCategory,
                // Open, and (when both name candidates) open between causes that fit.
                None if said_something
                    && (candidates.is_empty()
                        || fits.is_empty()
                        || candidates.iter().any(|c| fits.contains(c))) =>
                {
                    Outcome::Right
                }
                None => Outcome::Missed,
            }
        }
    };
    (verdict, got)
}

#[test]
fn corpus_accuracy_per_part_and_vendor() {
    let dir = common::workspace_root().join("tests/fixtures/corpus");
    let labels: Vec<serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(dir.join("labels.json")).expect("labels.json"),
    )
    .expect("labels.json is JSON");
    assert!(
        labels.len() >= 120,
        "the corpus holds at least 120 excerpts"
    );
    let mut judged = Vec::new();
    for label in &labels {
        let id = label["id"].as_str().expect("id");
        let source = label["source"].as_str().expect("source");
        assert!(source.starts_with("http"), "{id}: source is an address");
        let text = std::fs::read(dir.join(format!("{id}.txt"))).expect("excerpt file");
        let (report, code) = common::diagnose_stdin(&text);
        let (outcome, got) = judge(label, &report, code);
        let want = match label["category"].as_str() {
            Some(c) => format!("{} {c}", label["phase"].as_str().unwrap_or("-")),
            None => "open".to_owned(),
        };
        judged.push(Judged {
            id: id.to_owned(),
            vendor: label["vendor"].as_str().unwrap_or("?").to_owned(),
            held_out: held_out(source),
            outcome,
            got,
            want,
        });
    }

    eprintln!(
        "\n{:<72} {:<4} {:<30} {:<30} result",
        "excerpt", "part", "got", "confirmed"
    );
    for j in &judged {
        eprintln!(
            "{:<72} {:<4} {:<30} {:<30} {}",
            j.id,
            if j.held_out { "held" } else { "tune" },
            j.got,
            j.want,
            match j.outcome {
                Outcome::Right => "right",
                Outcome::Missed => "missed",
                Outcome::WrongCategory => "WRONG",
            }
        );
    }
    let rate = |set: &[&Judged], o: Outcome| {
        if set.is_empty() {
            0.0
        } else {
            set.iter().filter(|j| j.outcome == o).count() as f64 * 100.0 / set.len() as f64
        }
    };
    let mut per_vendor: BTreeMap<&str, Vec<&Judged>> = BTreeMap::new();
    for j in &judged {
        per_vendor.entry(&j.vendor).or_default().push(j);
    }
    eprintln!("\n| vendor | excerpts | right | wrong category |\n|---|---|---|---|");
    for (vendor, set) in &per_vendor {
        eprintln!(
            "| {vendor} | {} | {:.0}% | {:.0}% |",
            set.len(),
            rate(set, Outcome::Right),
            rate(set, Outcome::WrongCategory)
        );
    }
    let tuned: Vec<&Judged> = judged.iter().filter(|j| !j.held_out).collect();
    let held: Vec<&Judged> = judged.iter().filter(|j| j.held_out).collect();
    let all: Vec<&Judged> = judged.iter().collect();
    eprintln!("\n| part | excerpts | right | wrong category |\n|---|---|---|---|");
    for (name, set) in [("tuned", &tuned), ("held out", &held), ("all", &all)] {
        eprintln!(
            "| {name} | {} | {:.1}% | {:.1}% |",
            set.len(),
            rate(set, Outcome::Right),
            rate(set, Outcome::WrongCategory)
        );
    }
    // The targets: 90% right on both parts, at most 3% naming a wrong category. The tuned part
    // meets them. The held-out part is checked against what it reached when the split was
    // fixed (it may only get better, and never by knowledge written for its excerpts): its
    // excerpts are mostly IKEv1 and appliance formats the knowledge does not hold yet.
    let tuned_right = rate(&tuned, Outcome::Right);
    let held_right = rate(&held, Outcome::Right);
    eprintln!(
        "\ntargets: right >= {TARGET_RIGHT}% and wrong category <= {TARGET_WRONG}% on each part"
    );
    assert!(
        tuned_right >= TARGET_RIGHT,
        "tuned part: {tuned_right:.1}% right"
    );
    assert!(
        rate(&tuned, Outcome::WrongCategory) <= TARGET_WRONG,
        "tuned part names wrong categories"
    );
    assert!(
        held_right >= HELD_RIGHT_FLOOR,
        "held-out part: {held_right:.1}% right"
    );
    assert!(
        rate(&held, Outcome::WrongCategory) <= HELD_WRONG_CEILING,
        "held-out part names more wrong categories than before"
    );
}

const TARGET_RIGHT: f64 = 90.0;
const TARGET_WRONG: f64 = 3.0;
/// What the held-out part reached last: 33 of 63 right, 5 of 63 wrong (9 of 40 right when the
/// split was fixed, before the IKEv1 and vendor catalogues). It may only rise, except where a
/// change made from sources costs a held-out excerpt, or new excerpts come in: that is measured
/// here, never corrected for it. FreeRADIUS's "MS-CHAP2-Response is incorrect", read as the
/// wrong password its source says, turned `radius-freeradius-login-incorrect-mschap2-response-1846`
/// (its thread left the cause open) from right to wrong. The 13 held-out excerpts of the batch
/// of 2026-12-07, measured before anything was changed after them, were 6 right and 2 wrong
/// (`cisco-replay-check-mgre-bug`, a replay error its source blames on a bug, and
/// `strongswan-ike-sa-init-retransmit-gfw`, answered retransmits its thread leaves between a
/// blocked path and NAT); reading unknown IKE text as words then lifted the part from 30 to 33.
const HELD_RIGHT_FLOOR: f64 = 52.0;
const HELD_WRONG_CEILING: f64 = 8.0;
