//! The report as one self-contained HTML page (`--format html`).
//!
//! The verdict, the findings with their evidence and fixes, the inputs and the notes are written
//! here as HTML, so they read without scripts and print. The peers table and one sequence
//! diagram (ladder) per IKE SA are drawn in the browser from compact data embedded in the page:
//! a ladder is built only when it is opened, so a report of tens of thousands of SAs stays a few
//! bytes per message and opens at once. Nothing is fetched: the style and the script are inline,
//! there are no fonts or images, and a Content-Security-Policy forbids every request.
//!
//! Every cited frame and log line is a link to its rung (`#sa3-r5`: SA 3, row 5); evidence that
//! belongs to no SA (an ICMP error, a daemon's line) links to its entry under "Other evidence".
//! The page holds what the JSON report holds and nothing more: never key material.

use std::io::{self, Write};
use std::net::IpAddr;

use ike_diagnose::{Diagnosis, Finding, Outcome, Severity};
use ike_timeline::time::rfc3339_micros;
use ike_timeline::{EventKind, Locator, SourceId, SourceKind, Timeline};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::json::{self, CandidateJson, EvidenceJson};
use crate::spi_hex;

const STYLE: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/report.js");

/// The verdict as the page shows it.
pub struct VerdictView {
    pub outcome: Outcome,
    pub phase: Option<&'static str>,
    pub category: Option<&'static str>,
    pub summary: String,
    pub candidates: Vec<CandidateJson>,
}

/// One finding or warning as the page shows it.
pub struct FindingView {
    pub warning: bool,
    pub title: String,
    pub phase: &'static str,
    pub category: Option<&'static str>,
    pub confidence: &'static str,
    /// The rule or check that made it.
    pub by: String,
    pub attempts: usize,
    pub candidates: Vec<CandidateJson>,
    pub evidence: Vec<EvidenceView>,
    pub fix: Vec<String>,
}

/// One piece of evidence: where it is, the link to it in the page when there is one, what it
/// shows, and the log line as written.
pub struct EvidenceView {
    pub place: String,
    pub href: Option<String>,
    pub note: String,
    pub text: Option<String>,
}

/// A page: what every command's HTML report has (title, verdict, findings), then sections of
/// ready HTML, then the data the script draws the SAs from (for `diagnose` and `config check`).
pub struct Page {
    pub title: String,
    /// What the report was made from, one line.
    pub subtitle: String,
    pub verdict: VerdictView,
    pub findings: Vec<FindingView>,
    /// (heading, HTML body) after the findings.
    pub sections: Vec<(String, String)>,
    /// The SAs' data as JSON (see [`write`]), or `None` for a page without SAs.
    pub data: Option<Vec<u8>>,
}

impl Page {
    /// Passes every text of the page through `redact` (for `--redact`): the texts before they
    /// are escaped, the sections' HTML and the data's JSON as they are. The page's own style
    /// and script never are, so a short identity cannot break them.
    pub fn redact_with(&mut self, redact: &dyn Fn(&str) -> String) {
        let candidates = |list: &mut Vec<CandidateJson>| {
            for c in list {
                c.why = redact(&c.why);
                c.decided_by = redact(&c.decided_by);
            }
        };
        self.title = redact(&self.title);
        self.subtitle = redact(&self.subtitle);
        self.verdict.summary = redact(&self.verdict.summary);
        candidates(&mut self.verdict.candidates);
        for f in &mut self.findings {
            f.title = redact(&f.title);
            candidates(&mut f.candidates);
            for e in &mut f.evidence {
                e.place = redact(&e.place);
                e.note = redact(&e.note);
                e.text = e.text.as_deref().map(redact);
            }
            for x in &mut f.fix {
                *x = redact(x);
            }
        }
        for (heading, body) in &mut self.sections {
            *heading = redact(heading);
            *body = redact(body);
        }
        if let Some(data) = &mut self.data {
            *data = redact(&String::from_utf8_lossy(data)).into_bytes();
        }
    }
}

/// `text` with the five characters HTML gives meaning escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn outcome_words(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Failed => "FAILED",
        Outcome::Established => "ESTABLISHED",
        Outcome::NoIkeTraffic => "NO IKE TRAFFIC",
        Outcome::Inconclusive => "INCONCLUSIVE",
    }
}

/// Writes `page` as one HTML document.
pub fn write_page(out: &mut dyn Write, page: &Page) -> io::Result<()> {
    let v = &page.verdict;
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\
         <meta name=\"color-scheme\" content=\"light dark\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n",
        escape(&page.title)
    )?;
    write!(
        out,
        "<header><h1>ike-doctor</h1><p class=\"sub\">{}</p></header>\n<main>\n",
        escape(&page.subtitle)
    )?;
    // The verdict.
    write!(
        out,
        "<section id=\"verdict\" class=\"verdict {}\"><h2>Verdict: <span class=\"outcome\">{}</span>",
        v.outcome.as_str(),
        outcome_words(v.outcome)
    )?;
    if let Some(p) = v.phase {
        write!(out, " in <span class=\"phase\">{}</span>", escape(p))?;
    }
    match (v.outcome, v.category) {
        (_, Some(c)) => write!(out, " <span class=\"cat\">{}</span>", escape(c))?,
        (Outcome::Failed, None) => {
            write!(out, " <span class=\"cat open\">cause not decided</span>")?
        }
        _ => {}
    }
    write!(out, "</h2><p class=\"summary\">{}</p>", escape(&v.summary))?;
    candidates(out, &v.candidates, "Still possible")?;
    writeln!(out, "</section>")?;
    // Findings, then warnings.
    if !page.findings.is_empty() {
        writeln!(out, "<section id=\"findings\"><h2>Findings</h2>")?;
        for (n, f) in page.findings.iter().enumerate() {
            finding(out, n + 1, f)?;
        }
        writeln!(out, "</section>")?;
    }
    for (heading, body) in &page.sections {
        writeln!(
            out,
            "<section><h2>{}</h2>\n{body}\n</section>",
            escape(heading)
        )?;
    }
    if let Some(data) = &page.data {
        out.write_all(
            b"<section id=\"peers\" hidden><h2>Peers</h2><div class=\"controls\">\
              <input type=\"search\" id=\"peer-filter\" placeholder=\"Filter peers\" aria-label=\"Filter peers\">\
              </div><div id=\"peer-table\"></div></section>\n\
              <section id=\"sas\" hidden><h2>IKE SAs</h2><div class=\"controls\">\
              <input type=\"search\" id=\"sa-filter\" placeholder=\"Filter: address, SPI, outcome, category\" aria-label=\"Filter IKE SAs\">\
              <select id=\"sa-outcome\" aria-label=\"Outcome\"><option value=\"\">every outcome</option>\
              <option>failed</option><option>established</option><option>inconclusive</option></select>\
              </div><div id=\"sa-list\"></div></section>\n\
              <noscript><p>The IKE SAs' ladders are drawn by the page's script; allow scripts to see them.</p></noscript>\n\
              <script type=\"application/json\" id=\"ike-data\">",
        )?;
        // JSON inside <script>: a `<` only occurs in strings, where `\u003c` means the same
        // and cannot close the element.
        let mut start = 0;
        for (i, &b) in data.iter().enumerate() {
            if b == b'<' {
                out.write_all(&data[start..i])?;
                out.write_all(b"\\u003c")?;
                start = i + 1;
            }
        }
        out.write_all(&data[start..])?;
        write!(out, "</script>\n<script>{SCRIPT}</script>\n")?;
    }
    writeln!(out, "</main></body></html>")
}

fn candidates(out: &mut dyn Write, list: &[CandidateJson], heading: &str) -> io::Result<()> {
    if list.is_empty() {
        return Ok(());
    }
    write!(
        out,
        "<div class=\"candidates\"><h3>{}</h3><ul>",
        escape(heading)
    )?;
    for c in list {
        write!(
            out,
            "<li><span class=\"phase\">{}</span> <span class=\"cat\">{}</span>: {} <em>(decided by {})</em></li>",
            escape(c.phase),
            escape(c.category),
            escape(&c.why),
            escape(&c.decided_by)
        )?;
    }
    write!(out, "</ul></div>")
}

fn finding(out: &mut dyn Write, n: usize, f: &FindingView) -> io::Result<()> {
    write!(
        out,
        "<article class=\"finding{}\" id=\"finding-{n}\"><h3><span class=\"kind\">{} {n}</span> {}</h3>\
         <p class=\"tags\"><span class=\"phase\">{}</span> <span class=\"cat{}\">{}</span> \
         <span class=\"conf\">{} confidence</span> <span class=\"rule\">{}</span>{}</p>",
        if f.warning { " warning" } else { "" },
        if f.warning { "Warning" } else { "Finding" },
        escape(&f.title),
        escape(f.phase),
        if f.category.is_none() { " open" } else { "" },
        escape(f.category.unwrap_or("category open")),
        f.confidence,
        escape(&f.by),
        if f.attempts > 1 {
            format!(" <span class=\"attempts\">{} attempts</span>", f.attempts)
        } else {
            String::new()
        }
    )?;
    candidates(out, &f.candidates, "Could be")?;
    if !f.evidence.is_empty() {
        write!(out, "<h4>Evidence</h4><ul class=\"evidence\">")?;
        for e in &f.evidence {
            let place = match &e.href {
                Some(href) => format!(
                    "<a class=\"ev\" href=\"{}\">{}</a>",
                    escape(href),
                    escape(&e.place)
                ),
                None => escape(&e.place),
            };
            if e.note.is_empty() {
                write!(out, "<li>{place}")?;
            } else {
                write!(out, "<li>{place}: {}", escape(&e.note))?;
            }
            if let Some(text) = &e.text {
                write!(out, "<pre class=\"line\">{}</pre>", escape(text))?;
            }
            write!(out, "</li>")?;
        }
        write!(out, "</ul>")?;
    }
    if !f.fix.is_empty() {
        write!(out, "<h4>Fix</h4><ul class=\"fix\">")?;
        for x in &f.fix {
            write!(out, "<li>{}</li>", escape(x))?;
        }
        write!(out, "</ul>")?;
    }
    writeln!(out, "</article>")
}

/// Where a cited frame or line is drawn: an SA's row, or an entry of "Other evidence".
#[derive(Clone, Copy)]
enum Anchor {
    Rung { sa: usize, row: usize },
    Other(usize),
}

impl Anchor {
    fn href(self) -> String {
        match self {
            Anchor::Rung { sa, row } => format!("#sa{sa}-r{row}"),
            Anchor::Other(n) => format!("#x{n}"),
        }
    }
}

type Cited = (SourceId, Locator);

/// The HTML report of a diagnosis (`diagnose` and `config check`); with `redact`, every text
/// of it passed through that (see [`Page::redact_with`]).
pub fn write(
    out: &mut dyn Write,
    timeline: &Timeline,
    diagnosis: &Diagnosis,
    redact: Option<&dyn Fn(&str) -> String>,
) -> io::Result<()> {
    let report = json::report(timeline, diagnosis);
    let failures_and_warnings: Vec<&Finding> = diagnosis
        .findings
        .iter()
        .chain(&diagnosis.verdict.warnings)
        .collect();
    let cited: FxHashSet<Cited> = failures_and_warnings
        .iter()
        .flat_map(|f| &f.evidence)
        .filter_map(|e| e.at.map(|at| (e.source, at)))
        .collect();
    let (data, mut anchors) = sa_data(timeline, diagnosis, &cited)?;

    // Cited evidence no ladder holds: listed once each, in citation order.
    let mut others = String::new();
    let mut other_count = 0usize;
    for f in &failures_and_warnings {
        for e in &f.evidence {
            let Some(at) = e.at else { continue };
            if anchors.contains_key(&(e.source, at)) {
                continue;
            }
            let shown = json::evidence_json(timeline, e);
            anchors.insert((e.source, at), Anchor::Other(other_count));
            others.push_str(&format!(
                "<li id=\"x{other_count}\">{}: {}{}</li>",
                escape(&place(&shown)),
                escape(&describe_event(timeline, e.source, at).unwrap_or(shown.note.clone())),
                shown
                    .text
                    .as_ref()
                    .map(|t| format!("<pre class=\"line\">{}</pre>", escape(t)))
                    .unwrap_or_default()
            ));
            other_count += 1;
        }
    }

    let view = |f: &Finding| FindingView {
        warning: f.severity == Severity::Warning,
        title: f.title.clone(),
        phase: f.phase.as_str(),
        category: f.category.map(|c| c.as_str()),
        confidence: f.confidence.as_str(),
        by: format!("rule {}", f.rule),
        attempts: f.attempts,
        candidates: f.candidates.iter().map(json::candidate_json).collect(),
        evidence: f
            .evidence
            .iter()
            .map(|e| {
                let shown = json::evidence_json(timeline, e);
                EvidenceView {
                    place: place(&shown),
                    href: e
                        .at
                        .and_then(|at| anchors.get(&(e.source, at)))
                        .map(|a| a.href()),
                    note: shown.note,
                    text: shown.text,
                }
            })
            .collect(),
        fix: f.fix.iter().map(|x| x.text.clone()).collect(),
    };
    let v = &diagnosis.verdict;
    let mut sections = Vec::new();
    if other_count > 0 {
        sections.push((
            "Other evidence".to_string(),
            format!("<ul class=\"others\">{others}</ul>"),
        ));
    }
    sections.push(("Inputs".to_string(), inputs_table(&report)));
    let mut page = Page {
        title: format!(
            "ike-doctor: {}{}",
            outcome_words(v.outcome).to_lowercase(),
            v.category
                .map(|c| format!(" ({})", c.as_str()))
                .unwrap_or_default()
        ),
        subtitle: format!(
            "{} input{}, {} IKE SA{}",
            timeline.sources.len(),
            if timeline.sources.len() == 1 { "" } else { "s" },
            timeline.sessions.len(),
            if timeline.sessions.len() == 1 {
                ""
            } else {
                "s"
            },
        ),
        verdict: VerdictView {
            outcome: v.outcome,
            phase: v.phase.map(|p| p.as_str()),
            category: v.category.map(|c| c.as_str()),
            summary: v.summary.clone(),
            candidates: v.candidates.iter().map(json::candidate_json).collect(),
        },
        findings: failures_and_warnings.iter().map(|f| view(f)).collect(),
        sections,
        data: Some(data),
    };
    if let Some(redact) = redact {
        page.redact_with(redact);
    }
    write_page(out, &page)
}

fn place(e: &EvidenceJson) -> String {
    match (e.frame, e.line) {
        (Some(frame), _) => format!("{} frame {frame}", e.source),
        (_, Some(line)) => format!("{} line {line}", e.source),
        _ => e.source.clone(),
    }
}

/// What an event outside every ladder is, in a few words (ICMP errors, lost fragments).
fn describe_event(timeline: &Timeline, source: SourceId, at: Locator) -> Option<String> {
    let event = timeline
        .events
        .iter()
        .find(|e| e.source() == source && e.at() == at)?;
    if let Some(text) = crate::text::network_error(&event.kind) {
        return Some(text);
    }
    Some(match &event.kind {
        EventKind::Ike(m) => format!(
            "{} {} {} -> {}",
            m.exchange,
            if m.response { "response" } else { "request" },
            m.src(),
            m.dst()
        ),
        _ => return None,
    })
}

fn inputs_table(report: &json::Report<'_>) -> String {
    let mut html = String::from(
        "<table class=\"inputs\"><thead><tr><th>input</th><th>kind</th><th>read</th><th>covers</th></tr></thead><tbody>",
    );
    for i in &report.inputs {
        let c = &i.coverage;
        let mut covers = Vec::new();
        if let (Some(first), Some(last)) = (c.first, c.last) {
            covers.push(format!(
                "{} to {}",
                rfc3339_micros(first.0),
                rfc3339_micros(last.0)
            ));
        }
        covers.push(format!("end: {}", end_word(c.end)));
        if let Some(f) = c.filtered {
            covers.push(format!("filtered: {f}"));
        }
        if let Some(t) = &c.truncated {
            covers.push(format!("cut: {t}"));
        }
        if c.starts_mid_sa {
            covers.push("starts in the middle of an SA".to_string());
        }
        html.push_str(&format!(
            "<tr><td class=\"path\">{}</td><td>{}</td><td>{} {}</td><td>{}</td></tr>",
            escape(&i.path),
            i.kind,
            i.units_read,
            if i.kind == "capture" {
                "frames"
            } else {
                "lines"
            },
            escape(&covers.join("; "))
        ));
    }
    html.push_str("</tbody></table>");
    for c in &report.clock_offsets {
        html.push_str(&format!(
            "<p class=\"clock\">Clock: {} runs {:+.6} s against {} (from {} datagrams or lines both hold); the ladders show it on {}'s clock.</p>",
            escape(&c.other),
            c.offset_seconds,
            escape(&c.reference),
            c.matched_datagrams,
            escape(&c.reference)
        ));
    }
    let l = &report.limits;
    if l.ike_messages_not_kept + l.other_events_not_kept + l.flows_not_kept + l.sessions_not_tracked
        > 0
    {
        html.push_str(&format!(
            "<p class=\"limits\">Not kept (caps reached): {} IKE messages, {} other events, {} flows, {} IKE SAs.</p>",
            l.ike_messages_not_kept, l.other_events_not_kept, l.flows_not_kept, l.sessions_not_tracked
        ));
    }
    if !report.notes.is_empty() {
        html.push_str("<ul class=\"notes\">");
        for n in &report.notes {
            let at = match (n.frame, n.line) {
                (Some(f), _) => format!(" frame {f}"),
                (_, Some(l)) => format!(" line {l}"),
                _ => String::new(),
            };
            // Most readers' notes already begin with the input's name: said once.
            let message = n
                .source
                .as_ref()
                .and_then(|s| n.message.strip_prefix(&format!("{s}: ")))
                .unwrap_or(&n.message);
            html.push_str(&format!(
                "<li>{}{}</li>",
                n.source
                    .as_ref()
                    .map(|s| format!("{}{at}: ", escape(s)))
                    .unwrap_or_default(),
                escape(message)
            ));
        }
        html.push_str("</ul>");
    }
    html
}

fn end_word(end: ike_contract::End) -> &'static str {
    match end {
        ike_contract::End::Initiator => "initiator",
        ike_contract::End::Responder => "responder",
        ike_contract::End::Both => "both",
        ike_contract::End::Unknown => "unknown",
    }
}

/// Strings the ladders repeat thousands of times (exchange names, payload lists), each once.
#[derive(Default)]
struct Interned {
    index: FxHashMap<String, u32>,
    list: Vec<String>,
}

impl Interned {
    fn get(&mut self, text: String) -> u32 {
        if let Some(&i) = self.index.get(&text) {
            return i;
        }
        let i = self.list.len() as u32;
        self.index.insert(text.clone(), i);
        self.list.push(text);
        i
    }
}

/// Bits of a message row's `flags`.
const RETRANSMIT: u8 = 1;
const ON_4500: u8 = 2;
const MALFORMED: u8 = 4;

/// What a message's row carries besides its columns, when there is any.
#[derive(Serialize, Default)]
struct MessageExtra<'t> {
    /// The same datagram in the other captures: (source, frame).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    seen: Vec<(u32, u64)>,
    /// RFC 7383 fragment number and total.
    #[serde(skip_serializing_if = "Option::is_none")]
    frag: Option<(u16, u16)>,
    /// Frames of the IP fragments it came in.
    #[serde(skip_serializing_if = "Option::is_none")]
    ipf: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mal: Option<&'t str>,
    /// The decrypted content (with `--keys`); never key material.
    #[serde(skip_serializing_if = "Option::is_none")]
    dec: Option<crate::inner_json::DecryptedJson>,
    /// Addresses, when not the SA's first endpoints (after NAT-T or a move).
    #[serde(skip_serializing_if = "Option::is_none")]
    addr: Option<String>,
}

/// A message row: `["m", direction (0 initiator to responder), microseconds since the SA's
/// first message, exchange, message ID, response, IKE length, payloads, flags, source, frame,
/// extra or 0]`.
type MessageRow<'t> = (
    &'static str,
    u8,
    i64,
    u32,
    u32,
    u8,
    u32,
    u32,
    u8,
    u32,
    u64,
    Option<MessageExtra<'t>>,
);

/// A log row: `["l", end (0 initiator, 1 responder, 2 unknown), microseconds or null for a
/// line without a time, source, line, text]`.
#[derive(Serialize)]
#[serde(untagged)]
enum Row<'t> {
    Message(Box<MessageRow<'t>>),
    Log((&'static str, u8, Option<i64>, u32, u64, &'t str)),
    Esp(Box<EspRow>),
    Keepalive(Box<KeepaliveRow>),
}

/// An ESP flow's row: `["e", direction, microseconds, SPI, packets, bytes, largest IP length,
/// fragmented packets, first frame, last frame, source, in UDP]`.
type EspRow = (
    &'static str,
    u8,
    i64,
    String,
    u64,
    u64,
    u32,
    u64,
    u64,
    u64,
    u32,
    bool,
);

/// NAT-T keepalives' row: `["k", direction, microseconds, "src -> dst", count, longest interval
/// in milliseconds, first frame, source]`.
type KeepaliveRow = (&'static str, u8, i64, String, u64, i64, u64, u32);

/// What [`summary_rows`] gives an SA: the row with its time in nanoseconds (the row's own
/// microseconds are filled in when the SA's start is known).
struct SummaryRow {
    time: i64,
    row: Row<'static>,
}

#[derive(Serialize)]
struct SaData<'a> {
    /// 1-based number, as the text report counts.
    n: usize,
    v: u8,
    spi_i: String,
    spi_r: String,
    ini: String,
    res: String,
    out: &'static str,
    phase: Option<&'static str>,
    cat: Option<&'static str>,
    /// The SA's verdict in a sentence: an index into `texts` (thousands of SAs share a few).
    summary: u32,
    reached: &'static str,
    /// What the NAT detection hashes say, when a NAT is between the peers.
    nat: Option<String>,
    /// Whether to draw the NAT between the lanes: 2 when two captures saw the datagrams at other
    /// addresses, 1 when one capture's NAT detection says so (a peer forcing encapsulation fakes
    /// it: the lane is drawn as uncertain), 0 when not.
    nat_lane: u8,
    t0: String,
    rows: Vec<Row<'a>>,
    /// The row where the SA failed and why (an index into `texts`).
    fail: Option<(usize, u32)>,
    peer: Option<usize>,
    dropped: u64,
    messages: usize,
}

#[derive(Serialize)]
struct PeerData {
    ini: IpAddr,
    res: IpAddr,
    attempts: u32,
    established: u32,
    failed: String,
}

/// The data the page's script draws from, as JSON, and where each cited frame or line is drawn.
fn sa_data(
    timeline: &Timeline,
    diagnosis: &Diagnosis,
    cited: &FxHashSet<Cited>,
) -> io::Result<(Vec<u8>, FxHashMap<Cited, Anchor>)> {
    let mut anchors: FxHashMap<Cited, Anchor> = FxHashMap::default();
    let mut exchanges = Interned::default();
    let mut payloads = Interned::default();
    let mut texts = Interned::default();
    // A capture's clock against the capture it was compared with (logs were already moved).
    let capture_offset = |source: SourceId| -> i64 {
        let is_capture = timeline
            .sources
            .get(source.0 as usize)
            .is_some_and(|s| s.kind == SourceKind::Capture);
        if !is_capture {
            return 0;
        }
        timeline
            .clock_offsets
            .iter()
            .find(|o| o.other == source)
            .map_or(0, |o| o.offset_ns())
    };
    // Per SA, the first failure finding about it: its title and its cited places.
    let mut failure_of: FxHashMap<usize, &Finding> = FxHashMap::default();
    for f in &diagnosis.findings {
        if let Some(s) = f.session {
            failure_of.entry(s).or_insert(f);
        }
    }
    let peer_of: FxHashMap<(IpAddr, IpAddr), usize> = diagnosis
        .peers
        .iter()
        .enumerate()
        .map(|(i, p)| ((p.initiator, p.responder), i))
        .collect();
    let mut summaries = summary_rows(timeline);
    let logs = log_rows(timeline);
    let evidence = ike_diagnose::context::Evidence::new(timeline);

    let mut out: Vec<u8> = Vec::with_capacity(64 * 1024);
    out.extend_from_slice(b"{\"sources\":");
    let sources: Vec<&str> = timeline.sources.iter().map(|s| s.name.as_str()).collect();
    serde_json::to_writer(&mut out, &sources)?;
    out.extend_from_slice(b",\"peers\":");
    let peers: Vec<PeerData> = diagnosis
        .peers
        .iter()
        .map(|p| PeerData {
            ini: p.initiator,
            res: p.responder,
            attempts: p.attempts,
            established: p.established,
            failed: crate::text::failed_summary(p),
        })
        .collect();
    serde_json::to_writer(&mut out, &peers)?;
    out.extend_from_slice(b",\"sas\":[");
    for (n, s) in timeline.sessions.iter().enumerate() {
        let start = s
            .messages
            .first()
            .and_then(|r| timeline.events.get(r.event()))
            .map(|e| e.time.0 - capture_offset(e.source()))
            .or_else(|| {
                logs.get(&n)
                    .and_then(|l| l.first())
                    .and_then(|&(i, _)| timeline.events.get(i))
                    .map(|e| e.time.0)
            })
            .unwrap_or(0);
        let micros = |t: i64| (t - start) / 1000;
        // (time, order within the time, row), sorted by time.
        let mut rows: Vec<(i64, usize, Row<'_>, Vec<Cited>)> = Vec::new();
        for (k, r) in s.messages.iter().enumerate() {
            let Some(event) = timeline.events.get(r.event()) else {
                continue;
            };
            let time = event.time.0 - capture_offset(event.source());
            let mut places = vec![(event.source(), event.at())];
            let seen: Vec<(u32, u64)> = s
                .seen_in()
                .get(k)
                .into_iter()
                .flatten()
                .filter_map(|&o| timeline.events.get(o))
                .map(|o| {
                    places.push((o.source(), o.at()));
                    (o.source().0, frame_number(o.at()))
                })
                .collect();
            let row = match &event.kind {
                EventKind::Ike(m) => {
                    let mut flags = 0;
                    if r.retransmit() {
                        flags |= RETRANSMIT;
                    }
                    if m.non_esp_marker || m.src().port() == 4500 || m.dst().port() == 4500 {
                        flags |= ON_4500;
                    }
                    if m.malformed().is_some() {
                        flags |= MALFORMED;
                    }
                    let (first_i, first_r) = (s.initiator(), s.responder());
                    let moved = if m.from_initiator {
                        (m.src(), m.dst()) != (first_i, first_r)
                    } else {
                        (m.src(), m.dst()) != (first_r, first_i)
                    };
                    let extra = MessageExtra {
                        seen,
                        frag: m.fragment(),
                        ipf: (!m.ip_fragments().is_empty()).then_some(m.ip_fragments().len()),
                        mal: m.malformed(),
                        dec: m.inner().map(crate::inner_json::decrypted),
                        addr: moved.then(|| format!("{} -> {}", m.src(), m.dst())),
                    };
                    let has_extra = !extra.seen.is_empty()
                        || extra.frag.is_some()
                        || extra.ipf.is_some()
                        || extra.mal.is_some()
                        || extra.dec.is_some()
                        || extra.addr.is_some();
                    Row::Message(Box::new((
                        "m",
                        u8::from(!m.from_initiator),
                        micros(time),
                        exchanges.get(m.exchange.to_string()),
                        m.message_id,
                        u8::from(m.response),
                        m.length,
                        payloads.get(m.payloads.join(" ")),
                        flags,
                        event.source().0,
                        frame_number(event.at()),
                        has_extra.then_some(extra),
                    )))
                }
                EventKind::IkeV1(v1) => Row::Message(Box::new((
                    "m",
                    u8::from(!s.sent_by_initiator(v1.src)),
                    micros(time),
                    exchanges.get(json::ikev1_exchange_name(v1.exchange)),
                    v1.message_id,
                    0,
                    v1.length,
                    payloads.get(format!(
                        "IKEv{}.{} (not parsed)",
                        v1.major_version, v1.minor_version
                    )),
                    0,
                    event.source().0,
                    frame_number(event.at()),
                    None,
                ))),
                _ => continue,
            };
            rows.push((time, 0, row, places));
        }
        for &(index, end) in logs.get(&n).map(Vec::as_slice).unwrap_or_default() {
            let Some((event, line)) = ike_timeline::log::log_event(timeline, index) else {
                continue;
            };
            // A line without a time of its own (`swanctl --initiate` output) has no place on
            // the clock: such lines follow everything else, in their log's order.
            let (time, shown) = if line.time_known {
                (event.time.0, Some(micros(event.time.0)))
            } else {
                (i64::MAX, None)
            };
            rows.push((
                time,
                1,
                Row::Log((
                    "l",
                    end,
                    shown,
                    event.source().0,
                    line.line,
                    line.text.as_str(),
                )),
                vec![(event.source(), event.at())],
            ));
        }
        if let Some(list) = summaries.get_mut(&n) {
            for SummaryRow { time, mut row } in list.drain(..) {
                match &mut row {
                    Row::Esp(r) => r.2 = micros(time),
                    Row::Keepalive(r) => r.2 = micros(time),
                    _ => {}
                }
                rows.push((time, 2, row, Vec::new()));
            }
        }
        // Stable: a log line written at a packet's time comes after the packet.
        rows.sort_by_key(|(time, order, _, _)| (*time, *order));

        let failure = failure_of.get(&n).copied();
        let failure_places: Vec<Cited> = failure
            .map(|f| {
                f.evidence
                    .iter()
                    .filter_map(|e| e.at.map(|at| (e.source, at)))
                    .collect()
            })
            .unwrap_or_default();
        let mut row_of: FxHashMap<Cited, usize> = FxHashMap::default();
        for (row, (_, _, _, places)) in rows.iter().enumerate() {
            for place in places {
                row_of.entry(*place).or_insert(row);
                if cited.contains(place) {
                    anchors.entry(*place).or_insert(Anchor::Rung { sa: n, row });
                }
            }
        }
        // The failure's first evidence this ladder holds.
        let mut fail_row = failure_places.iter().find_map(|p| row_of.get(p).copied());
        let verdict = diagnosis.sessions.get(n);
        let failed = verdict.is_some_and(|v| v.outcome == Outcome::Failed);
        if fail_row.is_none() && failed {
            // No cited rung: the SA's last message is where it stopped (its last line, for an
            // SA known from a log only).
            fail_row = rows
                .iter()
                .rposition(|(_, _, r, _)| matches!(r, Row::Message(_)))
                .or_else(|| rows.len().checked_sub(1));
        }
        let (nat, nat_lane) = match evidence.sa(n) {
            Some(sa) => {
                let sightings = ike_diagnose::nat::sightings(&sa);
                let translated = sightings
                    .iter()
                    .any(|x| x.initiator_translated() || x.responder_translated());
                // Two capture points decide by the addresses they saw; one decides by the
                // NAT detection hashes (which a peer forcing encapsulation fakes).
                let lane = match sightings.as_slice() {
                    [] => 0,
                    [one] => u8::from(one.initiator_translated() || one.responder_translated()),
                    [first, rest @ ..] => {
                        let moved = rest.iter().any(|x| {
                            x.initiator_seen != first.initiator_seen
                                || x.responder_seen != first.responder_seen
                        });
                        if moved {
                            2
                        } else {
                            0
                        }
                    }
                };
                let text = translated
                    .then(|| ike_diagnose::nat::describe(&sightings, timeline))
                    .flatten();
                (text, lane)
            }
            None => (None, 0),
        };
        let sa = SaData {
            n: n + 1,
            v: s.ike_major_version,
            spi_i: spi_hex(s.spi_i),
            spi_r: spi_hex(s.spi_r),
            ini: s.initiator().to_string(),
            res: s.responder().to_string(),
            out: verdict.map_or("inconclusive", |v| v.outcome.as_str()),
            phase: verdict.and_then(|v| v.phase.map(|p| p.as_str())),
            cat: verdict.and_then(|v| v.category.map(|c| c.as_str())),
            summary: texts.get(verdict.map_or(String::new(), |v| v.summary.clone())),
            reached: s.phase_reached.as_str(),
            nat,
            nat_lane,
            t0: rfc3339_micros(ike_capture::Timestamp(start)),
            messages: s.messages.len(),
            rows: rows.into_iter().map(|(_, _, r, _)| r).collect(),
            fail: fail_row.map(|r| {
                let why = match failure {
                    Some(f) => f.title.clone(),
                    None => verdict.map_or(String::new(), |v| v.summary.clone()),
                };
                (r, texts.get(why))
            }),
            peer: peer_of
                .get(&(s.initiator().ip(), s.responder().ip()))
                .copied(),
            dropped: s.messages_dropped(),
        };
        if n > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, &sa)?;
    }
    out.extend_from_slice(b"],\"exchanges\":");
    serde_json::to_writer(&mut out, &exchanges.list)?;
    out.extend_from_slice(b",\"payloads\":");
    serde_json::to_writer(&mut out, &payloads.list)?;
    out.extend_from_slice(b",\"texts\":");
    serde_json::to_writer(&mut out, &texts.list)?;
    out.push(b'}');
    Ok((out, anchors))
}

fn frame_number(at: Locator) -> u64 {
    match at {
        Locator::Frame(f) | Locator::Line(f) => f,
    }
}

/// Per SA, its log lines (event index, end of the writer: 0 initiator, 1 responder, 2 unknown).
fn log_rows(timeline: &Timeline) -> FxHashMap<usize, Vec<(usize, u8)>> {
    let mut rows: FxHashMap<usize, Vec<(usize, u8)>> = FxHashMap::default();
    for group in &timeline.log_groups {
        let Some(session) = group.session else {
            continue;
        };
        let end = match group.end {
            ike_contract::End::Initiator => 0,
            ike_contract::End::Responder => 1,
            _ => 2,
        };
        rows.entry(session)
            .or_default()
            .extend(group.events.iter().map(|&e| (e, end)));
    }
    rows
}

/// Per SA, the ESP flows and NAT-T keepalives summarised in one row each. A flow goes to the
/// last SA between its two addresses that started before it (the SA whose CHILD_SA most likely
/// carries it), or the first one.
fn summary_rows(timeline: &Timeline) -> FxHashMap<usize, Vec<SummaryRow>> {
    let pair = |a: IpAddr, b: IpAddr| if a <= b { (a, b) } else { (b, a) };
    let mut by_pair: FxHashMap<(IpAddr, IpAddr), Vec<(i64, usize)>> = FxHashMap::default();
    for (n, s) in timeline.sessions.iter().enumerate() {
        let Some(start) = s
            .messages
            .first()
            .and_then(|r| timeline.events.get(r.event()))
            .map(|e| e.time.0)
        else {
            continue;
        };
        let mut pairs = vec![pair(s.initiator().ip(), s.responder().ip())];
        let now = pair(s.initiator_now().ip(), s.responder_now().ip());
        if now != pairs[0] {
            pairs.push(now);
        }
        for p in pairs {
            by_pair.entry(p).or_default().push((start, n));
        }
    }
    for list in by_pair.values_mut() {
        list.sort_unstable();
    }
    // The SA a flow between `a` and `b` first seen `at` belongs to, and whether `a` is its
    // initiator.
    let owner = |a: IpAddr, b: IpAddr, at: i64| -> Option<(usize, u8)> {
        let list = by_pair.get(&pair(a, b))?;
        let before = list.partition_point(|&(start, _)| start <= at);
        let n = list.get(before.saturating_sub(1)).map(|&(_, n)| n)?;
        let s = timeline.sessions.get(n)?;
        let from_initiator = a == s.initiator().ip() || a == s.initiator_now().ip();
        Some((n, u8::from(!from_initiator)))
    };
    let mut rows: FxHashMap<usize, Vec<SummaryRow>> = FxHashMap::default();
    for f in &timeline.esp_flows {
        let Some((n, direction)) = owner(f.src, f.dst, f.first_ts.0) else {
            continue;
        };
        rows.entry(n).or_default().push(SummaryRow {
            time: f.first_ts.0,
            row: Row::Esp(Box::new((
                "e",
                direction,
                0,
                format!("{:08x}", f.spi),
                f.packets,
                f.bytes,
                f.max_ip_len,
                f.fragmented_packets,
                f.first_frame,
                f.last_frame,
                f.source.0,
                f.udp_ports.is_some(),
            ))),
        });
    }
    for k in &timeline.keepalive_flows {
        let Some((n, direction)) = owner(k.src.ip(), k.dst.ip(), k.first_ts.0) else {
            continue;
        };
        rows.entry(n).or_default().push(SummaryRow {
            time: k.first_ts.0,
            row: Row::Keepalive(Box::new((
                "k",
                direction,
                0,
                format!("{} -> {}", k.src, k.dst),
                k.count,
                k.max_interval_ns / 1_000_000,
                k.first_frame,
                k.source.0,
            ))),
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_what_html_reads() {
        assert_eq!(
            escape("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn embedded_data_cannot_close_its_script() {
        let page = Page {
            title: "t".into(),
            subtitle: "s".into(),
            verdict: VerdictView {
                outcome: Outcome::Failed,
                phase: None,
                category: None,
                summary: "x".into(),
                candidates: Vec::new(),
            },
            findings: Vec::new(),
            sections: Vec::new(),
            data: Some(br#"{"t":"</script><script>alert(1)</script>"}"#.to_vec()),
        };
        let mut out = Vec::new();
        write_page(&mut out, &page).unwrap();
        let html = String::from_utf8(out).unwrap();
        assert!(html.contains(r#"{"t":"\u003c/script>\u003cscript>alert(1)\u003c/script>"}"#));
        assert!(!html.contains("alert(1)</script>"));
        assert!(html.contains("cause not decided"));
    }

    #[test]
    fn interned_strings_are_stored_once() {
        let mut i = Interned::default();
        assert_eq!(i.get("SA KE".into()), 0);
        assert_eq!(i.get("SK".into()), 1);
        assert_eq!(i.get("SA KE".into()), 0);
        assert_eq!(i.list.len(), 2);
    }
}
