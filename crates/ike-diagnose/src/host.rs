//! An `ike-doctor host` report of one of the peers as evidence: its failures (the host's own
//! firewall dropping the peer's UDP 500, another program holding the port, the kernel refusing
//! ESP) decide what the wire leaves open and are cited where the wire already decided the same;
//! they never overrule a category the daemons' logs or the wire decided. The report is read as
//! JSON, the shape `ike-doctor host --format json` writes (`findings[]` with `phase`,
//! `category`, `title`, `evidence[]`, `fix[]`).
use ike_contract::{Category, FailurePhase, Knowledge, Outcome};
use ike_timeline::SourceId;
use serde_json::Value;

use crate::fix::Fix;
use crate::model::{Diagnosis, EvidenceRef, Finding, Verdict};

const RULE: &str = "host-report";
/// Most findings taken from one report (a report lists a handful).
const MAX_FINDINGS: usize = 64;

/// Whether `head` (the first bytes of an input) is an `ike-doctor host` JSON report.
pub fn looks_like_report(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    // `"report": "ike-doctor host"` opens every report (a large one's facts come late).
    text.trim_start().starts_with('{') && text.contains("\"report\": \"ike-doctor host\"")
}

/// The report's failures as findings citing `source`; a report that is not one gives none.
pub fn findings_of(report: &str, source: SourceId) -> Result<Diagnosis, String> {
    let v: Value = serde_json::from_str(report).map_err(|e| format!("not a host report: {e}"))?;
    let findings = v
        .get("findings")
        .and_then(Value::as_array)
        .ok_or("not a host report: no `findings`")?;
    let mut out = Vec::new();
    for f in findings.iter().take(MAX_FINDINGS) {
        let phase = f
            .get("phase")
            .and_then(Value::as_str)
            .and_then(|p| FailurePhase::ALL.into_iter().find(|x| x.as_str() == p));
        let category = f
            .get("category")
            .and_then(Value::as_str)
            .and_then(Category::parse);
        let (Some(phase), Some(category)) = (phase, category) else {
            continue;
        };
        let title: String = f
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .chars()
            .take(400)
            .collect();
        let mut finding = Finding::decided(RULE, phase, category, Knowledge::OwnStatement, title);
        let texts = |key: &str| -> Vec<String> {
            f.get(key)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .take(16)
                        .filter_map(Value::as_str)
                        .map(|s| s.chars().take(400).collect())
                        .collect()
                })
                .unwrap_or_default()
        };
        finding.evidence = texts("evidence")
            .into_iter()
            .map(|note| EvidenceRef {
                source,
                at: None,
                note,
            })
            .collect();
        finding.fix = texts("fix").into_iter().map(Fix::text).collect();
        out.push(finding);
    }
    Ok(Diagnosis {
        verdict: Verdict::new(Outcome::Inconclusive, "host report"),
        findings: out,
        sessions: Vec::new(),
        peers: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_of_the_lab_gateway() {
        let text = include_str!("../../../tests/fixtures/lab/udp-blocked/host-gateway.json");
        assert!(looks_like_report(text.as_bytes()));
        let d = findings_of(text, SourceId(3)).expect("a report");
        assert_eq!(d.findings.len(), 2);
        let f = &d.findings[0];
        assert_eq!(f.phase, FailurePhase::IkeSaInit);
        assert_eq!(f.category, Some(Category::UdpBlocked));
        assert!(
            f.evidence[0].note.contains("rule handle 3"),
            "{:?}",
            f.evidence
        );
        assert!(findings_of("{}", SourceId(0)).is_err());
        assert!(!looks_like_report(b"{\"nftables\": []}"));
    }
}
