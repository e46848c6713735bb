//! `ike-doctor explain TERM`: a notify name, a log message (or a piece of one), a Windows error
//! code, answered from the same knowledge the diagnosis uses.
use std::fmt::Write;

use crate::knowledge::{Role, ENTRIES, NOTIFIES, WINDOWS_CODES};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    pub title: String,
    pub meaning: String,
    pub phase: Option<&'static str>,
    pub category: Option<&'static str>,
    pub causes: Vec<String>,
    pub checks: Vec<String>,
}

fn normalise(s: &str) -> String {
    s.trim()
        .trim_matches(['"', '\''])
        .to_ascii_lowercase()
        .replace(['-', ' '], "_")
}

/// Every explanation that fits `term` (most specific first). Empty when nothing is known.
pub fn explain(term: &str) -> Vec<Explanation> {
    let mut out = Vec::new();
    let t = term.trim();
    if t.is_empty() {
        return out;
    }
    // Windows error codes (also "error 809", "0x...": decimal only).
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    if !digits.is_empty()
        && digits.len() == t.trim_start_matches(|c: char| !c.is_ascii_digit()).len()
    {
        if let Ok(code) = digits.parse::<u32>() {
            let lower = t.to_ascii_lowercase();
            if lower.contains("nps") || lower.contains("reason") {
                if let Some(r) = crate::knowledge::nps_reason(code) {
                    out.push(Explanation {
                        title: format!("NPS reason code {}", r.code),
                        meaning: r.meaning.to_owned(),
                        phase: Some("IKE_AUTH"),
                        category: r.category.map(|c| c.as_str()),
                        causes: r.open.iter().map(ToString::to_string).collect(),
                        checks: r.checks.iter().map(|s| (*s).to_owned()).collect(),
                    });
                    return out;
                }
            }
            if let Some(c) = WINDOWS_CODES.iter().find(|c| c.code == code) {
                out.push(Explanation {
                    title: format!("Windows error {} ({})", c.code, c.name),
                    meaning: c.meaning.to_owned(),
                    phase: Some(c.phase.as_str()),
                    category: c.category.map(|c| c.as_str()),
                    causes: Vec::new(),
                    checks: c.checks.iter().map(|s| (*s).to_owned()).collect(),
                });
            }
        }
    }
    let wanted = normalise(t);
    for n in NOTIFIES {
        let name = normalise(n.name);
        if name == wanted
            || name == wanted.trim_start_matches("v2n_")
            || wanted == n.number.to_string() && out.is_empty() && digits.is_empty()
        {
            out.push(Explanation {
                title: format!("IKEv2 notify {} ({})", n.name, n.number),
                meaning: n.meaning.to_owned(),
                phase: None,
                category: None,
                causes: n.causes.iter().map(|s| (*s).to_owned()).collect(),
                checks: Vec::new(),
            });
        }
    }
    // Log messages: the term is part of a canonical line, or holds one.
    let lower = t.to_ascii_lowercase();
    let mut seen = std::collections::HashSet::new();
    for e in ENTRIES {
        if e.role == Role::TimeContext {
            continue;
        }
        let pattern = e.pattern.trim().to_ascii_lowercase();
        // A short pattern speaks only with the second literal its entry requires.
        let distinctive = pattern.len() >= 8
            || (!e.require.is_empty() && lower.contains(&e.require.to_ascii_lowercase()));
        let hit = (lower.len() >= 6 && pattern.contains(&lower))
            || (distinctive && lower.contains(&pattern));
        if hit && seen.insert((e.tag, e.meaning)) {
            out.push(Explanation {
                title: format!(
                    "{} log: \"{}\" ({})",
                    e.implementation.as_str(),
                    e.pattern.trim(),
                    e.tag
                ),
                meaning: e.meaning.to_owned(),
                phase: e.phase.map(|p| p.as_str()),
                category: e.category.map(|c| c.as_str()),
                causes: e.open.iter().map(ToString::to_string).collect(),
                checks: e.checks.iter().map(|s| (*s).to_owned()).collect(),
            });
        }
    }
    out
}

/// Longest paste `explain -` reads.
pub const MAX_PASTE: u64 = 1 << 20;

/// Every explanation of every line of a paste, each once, in the order the lines give them.
pub fn explain_paste(text: &str) -> Vec<Explanation> {
    let mut out: Vec<Explanation> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        for e in explain(line) {
            if !out.iter().any(|o| o.title == e.title) {
                out.push(e);
            }
        }
    }
    out
}

/// Renders explanations for a terminal.
pub fn render(explanations: &[Explanation]) -> String {
    let mut out = String::new();
    for (i, e) in explanations.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{}", e.title);
        let _ = writeln!(out, "  {}", e.meaning);
        if e.phase.is_some() || e.category.is_some() {
            let _ = writeln!(
                out,
                "  phase: {}   category: {}",
                e.phase.unwrap_or("-"),
                e.category.unwrap_or("not decided by this alone")
            );
        }
        for c in &e.causes {
            let _ = writeln!(out, "  usual cause: {c}");
        }
        for c in &e.checks {
            let _ = writeln!(out, "  check: {c}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_codes_notifies_and_messages() {
        let e = explain("13801");
        assert!(e[0].title.contains("ERROR_IPSEC_IKE_AUTH_FAIL"));
        assert!(explain("809")[0].meaning.contains("did not respond"));
        assert!(explain("NO_PROPOSAL_CHOSEN")[0]
            .causes
            .iter()
            .any(|c| c.contains("no IKE config found")));
        assert!(explain("v2N_TS_UNACCEPTABLE")
            .iter()
            .any(|e| e.title.contains("TS_UNACCEPTABLE")));
        let e = explain("tried 1 shared key for 'a' - 'b', but MAC mismatched");
        assert_eq!(e[0].category, Some("auth-psk"));
        assert!(explain("MAC mismatched")
            .iter()
            .any(|e| e.category == Some("auth-psk")));
        assert!(explain("no such thing at all").is_empty());
        assert!(!render(&explain("AUTHENTICATION_FAILED")).is_empty());
        let paste = "Jan 3 10:00:00 gw charon: 09[IKE] tried 1 shared key for 'a' - 'b', but MAC mismatched\n\nnothing\nError 809\n";
        let e = explain_paste(paste);
        assert!(e.iter().any(|e| e.category == Some("auth-psk")));
        assert!(e.iter().any(|e| e.title.contains("809")));
    }
}
