//! Real log excerpts from public issue threads and documentation (tests/fixtures/logs): each is
//! diagnosed from the log alone, and must give the phase and category its header states (the
//! cause the thread confirmed, `open` where the log alone cannot decide it, or `open: CATEGORY`
//! where it cannot and the confirmed cause must be among the candidates).
mod common;

use std::collections::BTreeSet;

fn header(text: &str, key: &str) -> Option<String> {
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .find_map(|l| l.strip_prefix(key))
        .map(|v| v.trim().to_owned())
}

#[test]
fn real_excerpts_are_diagnosed_as_their_threads_concluded() {
    let dir = common::workspace_root().join("tests/fixtures/logs");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/logs")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .collect();
    files.sort();
    let mut wrong = Vec::new();
    let mut kinds = BTreeSet::new();
    eprintln!("\n{:<52} {:<12} {:<18} ok", "excerpt", "phase", "category");
    for path in &files {
        let text = std::fs::read_to_string(path).expect("fixture");
        let source = header(&text, "# source:").expect("every excerpt cites its source");
        assert!(
            source.starts_with("http"),
            "{}: source must be a URL",
            path.display()
        );
        let log = header(&text, "# log:").expect("# log:");
        kinds.insert(log.split_whitespace().next().unwrap_or("").to_owned());
        let want_phase = header(&text, "# expect-phase:").expect("# expect-phase:");
        let want_category = header(&text, "# expect-category:").expect("# expect-category:");
        header(&text, "# cause:").expect("# cause:");
        let (report, _) = common::diagnose_json(&[path.as_path()]);
        let got_phase = report["verdict"]["phase"]
            .as_str()
            .unwrap_or("-")
            .to_owned();
        let got_category = report["verdict"]["category"]
            .as_str()
            .unwrap_or("open")
            .to_owned();
        // `open: CATEGORY`: left open, with the confirmed cause among the candidates.
        let candidates: Vec<String> = report["verdict"]["candidates"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["category"].as_str().map(str::to_owned))
            .collect();
        let category_ok = match want_category.strip_prefix("open:") {
            Some(truth) => got_category == "open" && candidates.iter().any(|c| c == truth.trim()),
            None => got_category == want_category,
        };
        let ok = got_phase == want_phase && category_ok;
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        eprintln!(
            "{:<52} {:<12} {:<18} {}",
            name,
            got_phase,
            got_category,
            if ok { "yes" } else { "WRONG" }
        );
        if !ok {
            wrong.push(format!(
                "{name}: got {got_phase} {got_category}, want {want_phase} {want_category}"
            ));
        }
    }
    eprintln!(
        "{} excerpts from {} kinds of log: {:?}",
        files.len(),
        kinds.len(),
        kinds
    );
    assert!(files.len() >= 25, "too few excerpts");
    assert!(kinds.len() >= 4, "excerpts from at least four log sources");
    assert!(wrong.is_empty(), "wrong diagnoses:\n{}", wrong.join("\n"));
}
