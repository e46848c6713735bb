//! The streaming scanner. A log is read in fixed-size chunks; one multi-pattern automaton runs
//! over each chunk, so lines that hold no known string cost only the automaton's pass and the
//! newline count. Only matching lines are split out, timed and turned into [`LogRecord`]s.
//! Memory is the chunk plus one line limit, whatever the file: a line longer than the limit is
//! cut there and counted.
use std::io::{self, Read};
use std::sync::OnceLock;

use aho_corasick::{packed, AhoCorasick, AhoCorasickKind, MatchKind};

use crate::detect::Format;
use crate::knowledge::{Entry, Implementation, Role, ENTRIES};
use crate::record::{cut_str, extract, LogRecord, TEXT_KEPT};
use crate::time;

/// How the scanner reads times.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    /// Instant that year-less times are placed before (file modification time, or the first
    /// packet of a capture of the same attempt).
    pub reference_ns: Option<i64>,
    /// Offset east of UTC, in seconds, of times written without a zone.
    pub utc_offset_seconds: i32,
    /// Longest line handled whole; longer ones are cut (and counted).
    pub max_line: usize,
}

impl Default for ScanConfig {
    fn default() -> Self {
        ScanConfig {
            reference_ns: None,
            utc_offset_seconds: 0,
            max_line: 64 * 1024,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanStats {
    pub lines: u64,
    pub bytes: u64,
    pub records: u64,
    /// Lines longer than the limit, cut.
    pub long_lines: u64,
}

const CHUNK: usize = 256 * 1024;

struct Automaton {
    /// Teddy (SIMD) over all patterns when the CPU has it: several times faster than the DFA.
    packed: Option<packed::Searcher>,
    /// `None` only if the automaton could not be built (then nothing matches).
    ac: Option<AhoCorasick>,
    /// Pattern index -> the entries of that pattern, in table order. Entries may share a
    /// pattern and differ by their `require` (pluto's `no local proposal matches remote
    /// proposals` names an IKE or an ESP offer): the automaton reports a pattern once, so each
    /// is given once with all its entries.
    entries: Vec<Vec<&'static Entry>>,
}

fn automaton(format: Format) -> &'static Automaton {
    static DAEMONS: OnceLock<Automaton> = OnceLock::new();
    static WINDOWS: OnceLock<Automaton> = OnceLock::new();
    static APPLE: OnceLock<Automaton> = OnceLock::new();
    static FORTIGATE: OnceLock<Automaton> = OnceLock::new();
    static CISCO: OnceLock<Automaton> = OnceLock::new();
    static ALL: OnceLock<Automaton> = OnceLock::new();
    let cell = match format {
        Format::JsonRecords | Format::Text => &ALL,
        Format::Charon | Format::Pluto | Format::JournalJson => &DAEMONS,
        Format::Windows => &WINDOWS,
        Format::Apple => &APPLE,
        Format::FortiGate => &FORTIGATE,
        Format::Cisco => &CISCO,
    };
    cell.get_or_init(|| build(format.implementations()))
}

fn build(implementations: &[Implementation]) -> Automaton {
    let entries: Vec<&'static Entry> = ENTRIES
        .iter()
        .filter(|e| implementations.contains(&e.implementation))
        // The markers of Windows' multi-line exports mean something only in those exports.
        .filter(|e| implementations.len() == 1 || e.role != Role::TimeContext)
        .collect();
    let mut patterns: Vec<&str> = Vec::new();
    let mut by_pattern: Vec<Vec<&'static Entry>> = Vec::new();
    for entry in entries {
        match patterns.iter().position(|p| *p == entry.pattern) {
            Some(i) => by_pattern[i].push(entry),
            None => {
                patterns.push(entry.pattern);
                by_pattern.push(vec![entry]);
            }
        }
    }
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&patterns)
        .or_else(|_| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostFirst)
                .build(&patterns)
        })
        .ok();
    let packed = packed::Config::new()
        .match_kind(packed::MatchKind::LeftmostFirst)
        .heuristic_pattern_limits(false)
        .builder()
        .extend(&patterns)
        .build();
    Automaton {
        packed,
        ac,
        entries: by_pattern,
    }
}

impl Automaton {
    /// The first entry of pattern `pattern` whose second literal `line` holds.
    fn entry_for(&self, pattern: aho_corasick::PatternID, line: &[u8]) -> Option<&'static Entry> {
        self.entries
            .get(pattern.as_usize())?
            .iter()
            .copied()
            .find(|e| holds_require(e, line))
    }

    /// Leftmost-first, non-overlapping matches in `hay`.
    fn matches<'h>(&'h self, hay: &'h [u8]) -> Box<dyn Iterator<Item = aho_corasick::Match> + 'h> {
        match (&self.packed, &self.ac) {
            (Some(p), _) => Box::new(p.find_iter(hay)),
            (None, Some(ac)) => Box::new(ac.find_iter(hay)),
            (None, None) => Box::new(std::iter::empty()),
        }
    }
}

/// True when `text` holds a piece of any line ike-doctor knows, of any implementation.
pub fn knows_any(text: &[u8]) -> bool {
    let automaton = automaton(Format::Text);
    automaton.matches(text).any(|m| {
        automaton
            .entries
            .get(m.pattern().as_usize())
            .is_some_and(|es| es.iter().any(|e| e.role != Role::TimeContext))
    })
}

/// State that spans lines: the time of a multi-line record (Windows exports), the current
/// Windows event id.
#[derive(Default)]
struct Carry {
    last_time: Option<(i64, bool)>,
    windows_event: Option<u32>,
}

/// Scans `reader` to its end, calling `sink` for every recognised line.
pub fn scan<R: Read>(
    mut reader: R,
    format: Format,
    config: &ScanConfig,
    sink: &mut dyn FnMut(LogRecord),
) -> io::Result<ScanStats> {
    let automaton = automaton(format);
    let max_line = config.max_line.clamp(256, CHUNK / 2);
    let mut buf = vec![0u8; CHUNK];
    let mut filled = 0usize;
    let mut stats = ScanStats::default();
    let mut carry = Carry::default();
    // Line number of buf[0].
    let mut line_no: u64 = 1;
    // Bytes of the current line already seen in earlier chunks (for the long-line check).
    let mut skipping_rest_of_line = false;
    loop {
        let mut eof = false;
        while filled < buf.len() {
            match reader.read(&mut buf[filled..]) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(n) => {
                    filled += n;
                    stats.bytes += n as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let mut start = 0usize;
        if skipping_rest_of_line {
            // The tail of a cut line: drop it up to its newline.
            match memchr::memchr(b'\n', &buf[..filled]) {
                Some(nl) => {
                    start = nl + 1;
                    skipping_rest_of_line = false;
                    line_no += 1;
                }
                None => {
                    filled = 0;
                    if eof {
                        break;
                    }
                    continue;
                }
            }
        }
        let end = if eof {
            filled
        } else {
            match memchr::memrchr(b'\n', &buf[start..filled]) {
                Some(i) => start + i + 1,
                None => {
                    // One line fills the whole chunk: keep its first `max_line` bytes.
                    let line = &buf[start..start + max_line.min(filled - start)];
                    stats.long_lines += 1;
                    scan_line_whole(
                        automaton, format, config, line, line_no, true, &mut carry, &mut stats,
                        sink,
                    );
                    skipping_rest_of_line = true;
                    filled = 0;
                    continue;
                }
            }
        };
        line_no = scan_region(
            automaton,
            format,
            config,
            &buf[start..end],
            line_no,
            max_line,
            &mut carry,
            &mut stats,
            sink,
        );
        buf.copy_within(end..filled, 0);
        filled -= end;
        if eof {
            break;
        }
    }
    stats.lines = line_no.saturating_sub(1);
    Ok(stats)
}

/// Scans complete lines; returns the line number after the region.
#[allow(clippy::too_many_arguments)]
fn scan_region(
    automaton: &Automaton,
    format: Format,
    config: &ScanConfig,
    region: &[u8],
    mut line_no: u64,
    max_line: usize,
    carry: &mut Carry,
    stats: &mut ScanStats,
    sink: &mut dyn FnMut(LogRecord),
) -> u64 {
    let mut counted_upto = 0usize;
    // The line being read (start, end) and the piece chosen for it so far: one record per line,
    // given once the matches have left the line.
    let mut pending: Option<(usize, usize, &'static Entry)> = None;
    let mut give = |line_start: usize, line_end: usize, entry: &'static Entry| {
        line_no += memchr::memchr_iter(b'\n', &region[counted_upto..line_start]).count() as u64;
        counted_upto = line_start;
        let line = &region[line_start..line_end];
        let cut = line.len() > max_line;
        if cut {
            stats.long_lines += 1;
        }
        let line = &line[..line.len().min(max_line)];
        emit(
            entry, format, config, line, line_no, cut, carry, stats, sink,
        );
    };
    for m in automaton.matches(region) {
        if let Some((line_start, line_end, chosen)) = pending {
            if m.start() <= line_end {
                let line = &region[line_start..line_end];
                if let Some(found) = automaton.entry_for(m.pattern(), line) {
                    pending = Some((line_start, line_end, better_of(chosen, found, line)));
                }
                continue;
            }
            give(line_start, line_end, chosen);
            pending = None;
        }
        let line_start = memchr::memrchr(b'\n', &region[..m.start()]).map_or(0, |i| i + 1);
        let line_end =
            memchr::memchr(b'\n', &region[m.start()..]).map_or(region.len(), |i| m.start() + i);
        if let Some(found) = automaton.entry_for(m.pattern(), &region[line_start..line_end]) {
            pending = Some((line_start, line_end, found));
        }
    }
    if let Some((line_start, line_end, chosen)) = pending {
        give(line_start, line_end, chosen);
    }
    line_no + memchr::memchr_iter(b'\n', &region[counted_upto..]).count() as u64
}

/// Whether `line` holds the second literal `entry` needs (if any).
fn holds_require(entry: &Entry, line: &[u8]) -> bool {
    entry.require.is_empty() || memchr::memmem::find(line, entry.require.as_bytes()).is_some()
}

/// A line gives one record: its leftmost known piece (`chosen`), unless that piece does not
/// decide a cause and a later piece of the same line (`later`) does (`AUTHENTICATION_FAILED: No
/// acceptable ... signature hash`, charon's `authentication of 'x' (myself) with RSA signature
/// failed`): the writer's own statement of the cause outranks its generic prefix. Likewise a
/// failure that states its phase outranks a phaseless one before it (pluto's `... timeout
/// exceeded after 7 retransmits. No response ... to our first IKEv2 message`).
fn better_of(chosen: &'static Entry, later: &'static Entry, line: &[u8]) -> &'static Entry {
    let decides = |e: &Entry| e.role == Role::Cause && e.category.is_some();
    let placed_failure =
        |e: &Entry| matches!(e.role, Role::Cause | Role::Symptom) && e.phase.is_some();
    let outranks = decides(later)
        || (placed_failure(later)
            && !placed_failure(chosen)
            && matches!(chosen.role, Role::Symptom | Role::Context));
    if !decides(chosen)
        && chosen.role != Role::TimeContext
        && outranks
        && holds_require(later, line)
    {
        later
    } else {
        chosen
    }
}

/// A single (cut) line that did not fit a chunk.
#[allow(clippy::too_many_arguments)]
fn scan_line_whole(
    automaton: &Automaton,
    format: Format,
    config: &ScanConfig,
    line: &[u8],
    line_no: u64,
    cut: bool,
    carry: &mut Carry,
    stats: &mut ScanStats,
    sink: &mut dyn FnMut(LogRecord),
) {
    let mut chosen: Option<&'static Entry> = None;
    for m in automaton.matches(line) {
        let Some(found) = automaton.entry_for(m.pattern(), line) else {
            continue;
        };
        chosen = Some(match chosen {
            Some(c) => better_of(c, found, line),
            None => found,
        });
    }
    if let Some(entry) = chosen {
        emit(
            entry, format, config, line, line_no, cut, carry, stats, sink,
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn emit(
    entry: &'static Entry,
    format: Format,
    config: &ScanConfig,
    line: &[u8],
    line_no: u64,
    cut: bool,
    carry: &mut Carry,
    stats: &mut ScanStats,
    sink: &mut dyn FnMut(LogRecord),
) {
    let line = trim_cr(line);
    if format == Format::Windows && entry.role == Role::TimeContext {
        windows_context(entry, config, line, line_no, carry, stats, sink);
        return;
    }
    let raw = String::from_utf8_lossy(line);
    let (text, time) = if format == Format::JournalJson {
        match journal_message(&raw) {
            Some((message, t)) => (message, t.map(|t| (t, false))),
            None => return,
        }
    } else if format == Format::JsonRecords {
        match json_record_message(&raw) {
            Some(message) => {
                // The message may carry its own time (Cloud Logging's charon lines do).
                let own = line_time(Format::Text, config, message.as_bytes());
                let time = own.or_else(|| json_record_time(&raw, config));
                (message, time)
            }
            // A structured event (Suricata EVE) or a pretty-printed field: the line itself.
            None => (raw.trim().to_owned(), json_record_time(&raw, config)),
        }
    } else {
        (raw.into_owned(), line_time(format, config, line))
    };
    let time = time.or(carry.last_time);
    if time.is_some() {
        carry.last_time = time;
    }
    let mut record = LogRecord::new(
        line_no,
        time,
        entry,
        cut_str(&text, TEXT_KEPT).to_owned(),
        cut,
    );
    extract(&mut record);
    stats.records += 1;
    sink(record);
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The time at the start of a line (or, for CSV exports, of its second field).
fn line_time(format: Format, config: &ScanConfig, line: &[u8]) -> Option<(i64, bool)> {
    let trimmed = {
        // IOS marks a time not synchronised by NTP with '*' and one that lost its
        // synchronisation with '.': the time itself follows.
        let skip = line
            .iter()
            .take_while(|c| {
                **c == b' '
                    || **c == b'\t'
                    || (format == Format::Cisco && matches!(**c, b'*' | b'.'))
            })
            .count();
        &line[skip..]
    };
    let mut found = time::parse_prefix(trimmed).map(|(c, _)| c);
    if found.is_none() && format == Format::Windows {
        // CSV: "Error,11/26/2026 11:03:41 PM,RasClient,..."
        if let Some(comma) = memchr::memchr(b',', trimmed) {
            found = time::parse_prefix(trimmed.get(comma + 1..)?).map(|(c, _)| c);
        }
    }
    let civil = found?;
    Some(time::resolve(
        &civil,
        config.reference_ns,
        config.utc_offset_seconds,
    ))
}

/// Windows exports spread an event over lines (text, pretty XML) or put several fields on one
/// line (one-line XML): times, event ids and data are tracked as they come.
fn windows_context(
    entry: &'static Entry,
    config: &ScanConfig,
    line: &[u8],
    line_no: u64,
    carry: &mut Carry,
    stats: &mut ScanStats,
    sink: &mut dyn FnMut(LogRecord),
) {
    let text = String::from_utf8_lossy(line);
    let mut rest: &str = &text;
    let time_at = |s: &str| -> Option<(i64, bool)> {
        let digit = s.find(|c: char| c.is_ascii_digit())?;
        let (civil, _) = time::parse_prefix(s.get(digit..)?.as_bytes())?;
        Some(time::resolve(
            &civil,
            config.reference_ns,
            config.utc_offset_seconds,
        ))
    };
    let _ = entry;
    // Walk the markers left to right.
    loop {
        let next = ["TimeCreated", "Date:", "<EventID", "<Data", ",RasClient,"]
            .iter()
            .filter_map(|m| rest.find(m).map(|i| (i, *m)))
            .min_by_key(|(i, _)| *i);
        let Some((i, marker)) = next else { break };
        let after = &rest[i + marker.len()..];
        match marker {
            "TimeCreated" | "Date:" => {
                if let Some(t) = time_at(after.get(..after.len().min(64)).unwrap_or(after)) {
                    carry.last_time = Some(t);
                }
            }
            ",RasClient," => {
                if let Some(t) = line_time(Format::Windows, config, line) {
                    carry.last_time = Some(t);
                }
            }
            "<EventID" => {
                let value = after.split_once('>').map(|(_, v)| v).unwrap_or("");
                let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
                carry.windows_event = digits.parse().ok();
            }
            "<Data" => {
                let value = after.split_once('>').map(|(_, v)| v).unwrap_or("");
                let value = value.split('<').next().unwrap_or("").trim();
                let is_code = !value.is_empty()
                    && value.len() <= 5
                    && value.bytes().all(|b| b.is_ascii_digit());
                if is_code && matches!(carry.windows_event, Some(20227) | Some(20226)) {
                    if let (Ok(code), Some(entry)) = (
                        value.parse::<i64>(),
                        crate::knowledge::by_tag("windows.error-code"),
                    ) {
                        carry.windows_event = None;
                        let record = LogRecord {
                            number: Some(code),
                            ..LogRecord::new(
                                line_no,
                                carry.last_time,
                                entry,
                                cut_str(&text, TEXT_KEPT).to_owned(),
                                false,
                            )
                        };
                        stats.records += 1;
                        sink(record);
                    }
                }
            }
            _ => {}
        }
        rest = after;
    }
    // One-line XML may also carry the rendered message.
    if let Some(i) = text.find("error code returned on failure is ") {
        let code: String = text[i + 34..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if let (Ok(code), Some(entry)) = (
            code.parse::<i64>(),
            crate::knowledge::by_tag("windows.error-code"),
        ) {
            if carry.windows_event.is_some() {
                carry.windows_event = None;
                stats.records += 1;
                sink(LogRecord {
                    number: Some(code),
                    ..LogRecord::new(
                        line_no,
                        carry.last_time,
                        entry,
                        cut_str(&text, TEXT_KEPT).to_owned(),
                        false,
                    )
                });
            }
        }
    }
}

/// MESSAGE and __REALTIME_TIMESTAMP (microseconds, UTC) of a journald JSON line.
fn journal_message(line: &str) -> Option<(String, Option<i64>)> {
    let message = json_string_field(line, "\"MESSAGE\"")?;
    let time = json_string_field(line, "\"__REALTIME_TIMESTAMP\"")
        .and_then(|us| us.parse::<i64>().ok())
        .map(|us| us.saturating_mul(1000));
    Some((message, time))
}

/// Fields that carry the log line in the JSON records of cloud services and collectors: AWS
/// VPN tunnel logs (`details`), Google Cloud Logging (`textPayload`), Azure diagnostics
/// (`Message`, `message`), journald (`MESSAGE`), Fluentd/Docker (`log`), generic (`msg`).
const JSON_MESSAGE_KEYS: [&str; 7] = [
    "\"MESSAGE\"",
    "\"textPayload\"",
    "\"details\"",
    "\"Message\"",
    "\"message\"",
    "\"msg\"",
    "\"log\"",
];

/// The log line a JSON record carries, unescaped.
pub fn json_record_message(line: &str) -> Option<String> {
    JSON_MESSAGE_KEYS
        .iter()
        .find_map(|key| json_string_field(line, key))
        .filter(|m| !m.is_empty())
}

/// The time of a JSON record: an RFC 3339 string or a number of seconds, milliseconds or
/// microseconds since the epoch in one of the usual time fields.
fn json_record_time(line: &str, config: &ScanConfig) -> Option<(i64, bool)> {
    const STRING_KEYS: [&str; 6] = [
        "\"timestamp\"",
        "\"TimeGenerated\"",
        "\"time\"",
        "\"@timestamp\"",
        "\"receiveTimestamp\"",
        "\"event_timestamp\"",
    ];
    for key in STRING_KEYS {
        if let Some(value) = json_string_field(line, key) {
            if let Some((civil, _)) = time::parse_prefix(value.as_bytes()) {
                return Some(time::resolve(
                    &civil,
                    config.reference_ns,
                    config.utc_offset_seconds,
                ));
            }
        }
    }
    for key in [
        "\"event_timestamp\"",
        "\"__REALTIME_TIMESTAMP\"",
        "\"timestamp\"",
    ] {
        let Some(at) = line.find(key) else { continue };
        let rest = line[at + key.len()..]
            .trim_start()
            .strip_prefix(':')?
            .trim_start();
        let rest = rest.trim_start_matches('"');
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let Ok(n) = digits.parse::<i64>() else {
            continue;
        };
        // Seconds until 2286, then milliseconds, then microseconds.
        let ns = match digits.len() {
            0..=10 => n.saturating_mul(1_000_000_000),
            11..=13 => n.saturating_mul(1_000_000),
            _ => n.saturating_mul(1_000),
        };
        return Some((ns, false));
    }
    None
}

/// The string value of `"key"` in a flat JSON object, unescaped (enough for journald's export).
fn json_string_field(line: &str, key: &str) -> Option<String> {
    let at = line.find(key)? + key.len();
    let rest = line.get(at..)?.trim_start();
    let rest = rest.strip_prefix(':')?.trim_start();
    let body = rest.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        out.push(ch);
                    }
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
        if out.len() > TEXT_KEPT * 4 {
            return Some(out);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(format: Format, text: &str) -> (Vec<LogRecord>, ScanStats) {
        let mut out = Vec::new();
        let stats = scan(text.as_bytes(), format, &ScanConfig::default(), &mut |r| {
            out.push(r)
        })
        .unwrap();
        (out, stats)
    }

    #[test]
    fn charon_lines_become_records_with_line_numbers() {
        let log = "Nov 26 23:03:41.719 00[DMN] Starting IKE charon daemon\n\
                   Nov 26 23:03:41.831 01[IKE] <rw|1> tried 1 shared key for 'gw' - 'client', but MAC mismatched\n\
                   Nov 26 23:03:41.831 01[ENC] <rw|1> generating IKE_AUTH response 1 [ N(AUTH_FAILED) ]\n";
        let (recs, stats) = records(Format::Charon, log);
        assert_eq!(stats.lines, 3);
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[0].tag(), "charon.daemon-start");
        assert_eq!(recs[1].line, 2);
        assert_eq!(recs[1].tag(), "charon.psk-mac-mismatch");
        assert_eq!(recs[2].line, 3);
        assert_eq!(recs[2].message_id, Some(1));
        assert!(recs[1].time_ns.is_some());
    }

    /// A generic piece first and the writer's statement of the cause later in the same line:
    /// the statement speaks for the line; a line with no such statement keeps its first piece.
    #[test]
    fn a_later_decisive_piece_speaks_for_the_line() {
        let text = "AUTHENTICATION_FAILED: No acceptable ECDSA/RSA-PSS ASN.1 signature hash proposal included for rsasig in I2 Auth Payload\n\
                    12[IKE] authentication of 'vpn.example.com' (myself) with RSA signature failed\n\
                    12[IKE] authentication of 'vpn.example.com' (myself) with RSA signature successful\n";
        let (recs, _) = records(Format::Text, text);
        let tags: Vec<_> = recs.iter().map(|r| r.tag()).collect();
        assert_eq!(
            tags,
            [
                "pluto.no-acceptable-sig-hash",
                "charon.own-signature-failed",
                "charon.authentication"
            ]
        );
    }

    #[test]
    fn a_later_piece_stating_the_phase_speaks_for_a_phaseless_failure() {
        let text = "\"vpn\" #3: STATE_V2_PARENT_I1: 60 second timeout exceeded after 7 retransmits.  No response (or no acceptable response) to our first IKEv2 message\n\
                    \"vpn\" #4: STATE_V2_PARENT_I1: 60 second timeout exceeded after 7 retransmits\n\
                    IKE negotiation failed with error: Authentication failed. IKE Version: 2, VPN: vpn Gateway: gw\n\
                    IKE negotiation failed with error: Timed out. IKE Version: 1, VPN: vpn Gateway: gw\n";
        let (recs, _) = records(Format::Text, text);
        let tags: Vec<_> = recs.iter().map(|r| r.tag()).collect();
        // The phaseless prefix stays when nothing later on its line states a phase.
        assert_eq!(
            tags,
            [
                "pluto.v2-first-message-unanswered",
                "pluto.timeout",
                "junos.auth-failed",
                "junos.ike-failed"
            ]
        );
    }

    #[test]
    fn journal_json_and_swanctl_log() {
        let log = "{\"__REALTIME_TIMESTAMP\":\"1795734221719000\",\"SYSLOG_IDENTIFIER\":\"charon-systemd\",\"MESSAGE\":\"11[IKE] <home|1> received AUTHENTICATION_FAILED notify error\"}\n";
        let (recs, _) = records(Format::JournalJson, log);
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0].time_ns, Some(1_795_734_221_719_000_000));
        assert_eq!(recs[0].sa_ref, Some(1));
        let (recs, _) = records(
            Format::Charon,
            "[IKE] received AUTHENTICATION_FAILED notify error\n",
        );
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0].time_ns, None);
    }

    #[test]
    fn windows_text_csv_and_xml() {
        let text = "TimeCreated  : 11/26/2026 11:03:41 PM\nId           : 20227\nMessage      : CoId={X}: The user D\\u dialed a connection named VPN which has failed. The error code returned on failure is 809.\n";
        let (recs, _) = records(Format::Windows, text);
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0].number, Some(809));
        assert_eq!(recs[0].time_ns, Some(1_795_734_221_000_000_000));
        let xml = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='RasClient'/><EventID Qualifiers='0'>20227</EventID><TimeCreated SystemTime='2026-11-26T23:03:41.7190000Z'/></System><EventData><Data>CoId={X}:</Data><Data>D\\u</Data><Data>VPN</Data><Data>13801</Data></EventData></Event>\n";
        let (recs, _) = records(Format::Windows, xml);
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0].number, Some(13801));
        assert_eq!(recs[0].time_ns, Some(1_795_734_221_719_000_000));
    }

    /// Entries sharing a pattern are told apart by their second literal, whichever comes first
    /// in the table.
    #[test]
    fn entries_of_one_pattern_are_told_apart_by_what_they_require() {
        use ike_contract::Category;
        let log = "\"rw\"[1] 10.99.2.3 #1: no local proposal matches remote proposals 1:IKE:ENCR=AES_CBC_128;DH=MODP2048\n\
                   \"rw\"[1] 10.99.2.3 #3: no local proposal matches remote proposals 1:ESP:ENCR=AES_CBC_128\n\
                   \"rw\"[1] 10.99.2.3 #4: no local proposal matches remote proposals\n";
        let first_open = |r: &LogRecord| r.entry.open.first().map(|o| o.category);
        let (recs, _) = records(Format::Pluto, log);
        let read: Vec<_> = recs.iter().map(first_open).collect();
        assert_eq!(
            read,
            vec![
                Some(Category::ProposalIke),
                Some(Category::ProposalEsp),
                None
            ]
        );
        // The same, one line at a time (a line longer than a chunk is read whole).
        for (line, want) in log.lines().zip(read) {
            let mut got = Vec::new();
            scan_line_whole(
                automaton(Format::Pluto),
                Format::Pluto,
                &ScanConfig::default(),
                line.as_bytes(),
                1,
                false,
                &mut Carry::default(),
                &mut ScanStats::default(),
                &mut |r| got.push(first_open(&r)),
            );
            assert_eq!(got, vec![want], "{line}");
        }
    }

    #[test]
    fn cisco_debug_lines_wrapped_and_timed() {
        let log = "*May  2 16:05:33.248: IKEv2:(SESSION ID = 31,SA ID = 1):Process auth response notify\n\
                   IKEv2-PLAT-1: Peer ID check failed\n\
                   Nov 30 22:49:14.468: IKEv2:(SESSION ID = 172,SA ID = 1):: Failed to\n\
                   locate an item in the database\n\
                   IKEv2-PROTO-1: (16): Failed to find a matching policy\n";
        let (recs, stats) = records(Format::Cisco, log);
        assert_eq!(stats.lines, 5);
        let tags: Vec<(&str, u64)> = recs.iter().map(|r| (r.tag(), r.line)).collect();
        assert_eq!(
            tags,
            vec![
                ("cisco.peer-id-check", 2),
                ("cisco.item-not-found", 4),
                ("cisco.no-matching-policy", 5)
            ]
        );
        let (recs, _) = records(
            Format::Cisco,
            "*May  2 16:05:33.248: IKEv2:(SESSION ID = 1,SA ID = 1):Auth exchange failed\n",
        );
        assert_eq!(recs.len(), 1);
        assert!(recs[0].time_ns.is_some());
    }

    #[test]
    fn long_lines_are_cut_and_counted_and_memory_stays_bounded() {
        let mut log = String::from("x 01[IKE] <a|1> received AUTHENTICATION_FAILED notify error ");
        log.push_str(&"A".repeat(600_000));
        log.push_str("\nNov 26 23:03:41.831 01[IKE] <rw|1> but MAC mismatched\n");
        let (recs, stats) = records(Format::Charon, &log);
        assert_eq!(stats.lines, 2);
        assert!(stats.long_lines >= 1);
        assert_eq!(recs.len(), 2);
        assert!(recs[0].cut);
        assert!(recs[0].text.len() <= TEXT_KEPT);
        assert_eq!(recs[1].line, 2);
    }

    #[test]
    fn hostile_bytes_never_panic() {
        let mut junk = Vec::new();
        for i in 0..200_000u32 {
            junk.push((i.wrapping_mul(2_654_435_761) >> 13) as u8);
        }
        for format in [
            Format::Charon,
            Format::Pluto,
            Format::JournalJson,
            Format::Windows,
            Format::Apple,
            Format::FortiGate,
            Format::Cisco,
        ] {
            let _ = scan(&junk[..], format, &ScanConfig::default(), &mut |_| {});
        }
    }
}
