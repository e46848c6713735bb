//! One recognised log line and the facts pulled out of it: the SA it belongs to, exchange,
//! message ID, addresses, size, SPIs and the number that matters (errno, error code, count).
use std::net::{IpAddr, SocketAddr};

use crate::knowledge::{Entry, Fact, Implementation};

/// Longest line text kept in a record (bytes, cut on a character boundary).
pub const TEXT_KEPT: usize = 512;

#[derive(Debug, Clone)]
pub struct LogRecord {
    /// 1-based line number in the file.
    pub line: u64,
    /// Nanoseconds since the Unix epoch (UTC), when the line or its record has a time.
    pub time_ns: Option<i64>,
    /// The year was not written and was inferred.
    pub year_inferred: bool,
    pub entry: &'static Entry,
    /// Connection name (`home` in `<home|1>`, `"home"` in pluto lines).
    pub conn: Option<String>,
    /// The SA's number in this log: charon's unique IKE_SA id, pluto's state serial.
    pub sa_ref: Option<u32>,
    pub exchange: Option<&'static str>,
    pub message_id: Option<u32>,
    pub response: Option<bool>,
    pub src: Option<SocketAddr>,
    pub dst: Option<SocketAddr>,
    /// The other peer's address, when the line names it without ports.
    pub peer: Option<IpAddr>,
    /// Datagram size for packet lines.
    pub bytes: Option<u32>,
    pub ike_spis: Option<(u64, u64)>,
    /// ESP/AH SPIs (at most four kept).
    pub child_spis: Vec<u32>,
    /// The number the line is about: errno, Windows error code, retransmit count.
    pub number: Option<i64>,
    /// The value the line names: the proposals of a proposal line (`IKE:AES_CBC_256/...`).
    pub detail: Option<String>,
    /// For an authentication line: whether it is the writer's own ("(myself)").
    pub of_self: Option<bool>,
    /// A certificate's validity period a line names (nanoseconds since the epoch, from and to).
    pub validity: Option<(i64, i64)>,
    /// The line as written (cut to [`TEXT_KEPT`] bytes).
    pub text: String,
    /// The line was longer than the scanner's line limit and was cut.
    pub cut: bool,
}

impl LogRecord {
    /// A record of `entry` at `line`, with nothing extracted from the text yet.
    pub fn new(
        line: u64,
        time: Option<(i64, bool)>,
        entry: &'static Entry,
        text: String,
        cut: bool,
    ) -> Self {
        LogRecord {
            line,
            time_ns: time.map(|t| t.0),
            year_inferred: time.is_some_and(|t| t.1),
            entry,
            conn: None,
            sa_ref: None,
            exchange: None,
            message_id: None,
            response: None,
            src: None,
            dst: None,
            peer: None,
            bytes: None,
            ike_spis: None,
            child_spis: Vec::new(),
            number: None,
            detail: None,
            validity: None,
            of_self: None,
            text,
            cut,
        }
    }

    pub fn implementation(&self) -> Implementation {
        self.entry.implementation
    }
    pub fn tag(&self) -> &'static str {
        self.entry.tag
    }
}

/// Cuts `s` to at most `max` bytes on a character boundary.
pub fn cut_str(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

const EXCHANGES: [&str; 6] = [
    "IKE_SA_INIT",
    "IKE_AUTH",
    "CREATE_CHILD_SA",
    "INFORMATIONAL",
    "IKE_INTERMEDIATE",
    "IKE_FOLLOWUP_KE",
];

fn exchange_name(word: &str) -> Option<&'static str> {
    EXCHANGES.iter().copied().find(|e| *e == word)
}

/// The error code a line states: the number the tag carries (`windows.code-809`, for texts
/// without a number), else the number after the usual markers (decimal, or `0x` hex), else a
/// Windows constant's name.
fn error_code(tag: &str, t: &str) -> Option<i64> {
    if let Some(code) = tag.strip_prefix("windows.code-") {
        return code.parse().ok();
    }
    if tag == "nps.reason-code" {
        return after(t, "Reason Code:")
            .map(str::trim_start)
            .and_then(leading_number)
            .and_then(|n| i64::try_from(n).ok());
    }
    const MARKERS: [&str; 8] = [
        "error code returned on failure is ",
        "The error code returned on failure is",
        "(Error code: ",
        "Windows error ",
        "Failure error code:",
        "(Error ",
        "Error ",
        "error ",
    ];
    for marker in MARKERS {
        let Some(rest) = after(t, marker) else {
            continue;
        };
        let rest = rest.trim_start();
        if let Some(hex) = rest.strip_prefix("0x").or_else(|| rest.strip_prefix("0X")) {
            let digits = &hex[..hex.bytes().take_while(u8::is_ascii_hexdigit).count()];
            if let Ok(n) = i64::from_str_radix(digits, 16) {
                return Some(n);
            }
        }
        if let Some(n) = leading_number(rest) {
            return i64::try_from(n).ok();
        }
    }
    let name_at = t.find("ERROR_IPSEC_IKE_")?;
    let name: String = t[name_at..]
        .chars()
        .take_while(|c| c.is_ascii_uppercase() || *c == '_' || c.is_ascii_digit())
        .collect();
    crate::knowledge::WINDOWS_CODES
        .iter()
        .find(|c| c.name == name)
        .map(|c| i64::from(c.code))
}

fn leading_number(s: &str) -> Option<u64> {
    let digits: &str = &s[..s.bytes().take_while(u8::is_ascii_digit).count()];
    digits.parse().ok()
}

fn after<'a>(s: &'a str, marker: &str) -> Option<&'a str> {
    s.find(marker).and_then(|i| s.get(i + marker.len()..))
}

/// `10.0.0.1[500]` or `[2001:db8::1][500]`-less forms as charon prints them: `addr[port]`.
fn charon_endpoint(s: &str) -> Option<(SocketAddr, usize)> {
    let open = s.find('[')?;
    let ip: IpAddr = s.get(..open)?.parse().ok()?;
    let rest = s.get(open + 1..)?;
    let close = rest.find(']')?;
    let port: u16 = rest.get(..close)?.parse().ok()?;
    Some((SocketAddr::new(ip, port), open + 1 + close + 1))
}

/// The first token of `s` that parses as an IP address (trailing punctuation removed).
fn first_ip(s: &str) -> Option<IpAddr> {
    let token = s.split_whitespace().next()?;
    let token = token.trim_end_matches([',', ':', ';', '.', ')']);
    let token = token.split('[').next().unwrap_or(token);
    token.parse().ok()
}

/// `1.2.3.4:500` (pluto) or a bare address.
fn ip_port(s: &str) -> Option<SocketAddr> {
    let token = s.split_whitespace().next()?;
    let token = token.trim_end_matches([',', ';', ')', '.']);
    if let Ok(sa) = token.parse::<SocketAddr>() {
        return Some(sa);
    }
    let (ip, port) = token.rsplit_once(':')?;
    let port: u16 = port.split('/').next_back()?.parse().ok()?;
    Some(SocketAddr::new(ip.parse().ok()?, port))
}

fn hex32(s: &str) -> Option<u32> {
    let h: String = s.chars().take_while(char::is_ascii_hexdigit).collect();
    if h.len() == 8 {
        u32::from_str_radix(&h, 16).ok()
    } else {
        None
    }
}

/// Fills the record's fields from the line text.
pub fn extract(r: &mut LogRecord) {
    let text = std::mem::take(&mut r.text);
    fill(r, &text);
    r.text = text;
}

fn fill(r: &mut LogRecord, t: &str) {
    match r.entry.implementation {
        Implementation::StrongSwan => charon_fields(r, t),
        Implementation::Libreswan => pluto_fields(r, t),
        _ => {}
    }
    let tag = r.entry.tag;
    if r.bytes.is_none() && tag.starts_with("charon.packet-") {
        if let Some(i) = t.rfind(" bytes)") {
            let head = &t[..i];
            if let Some(open) = head.rfind('(') {
                r.bytes = head.get(open + 1..).and_then(|n| n.parse().ok());
            }
        }
    }
    if r.entry.fact == Fact::NotIke {
        // "received unsupported IKE version 3.4 from ...": the major version.
        r.number = after(t, "IKE version ")
            .and_then(leading_number)
            .and_then(|n| i64::try_from(n).ok());
    }
    if r.entry.fact == Fact::ErrorCode {
        r.number = error_code(tag, t);
        // Azure's connection troubleshooting prints a Windows error text followed by
        // `(Error code: N, Hex: ...)`: the gateway's reading, read with Azure's table.
        if t.contains("(Error code: ") && r.entry.implementation == Implementation::Windows {
            if let Some(azure) = crate::knowledge::by_tag("azure.error-code") {
                r.entry = azure;
            }
        }
    }
    // Only the lines about installed or refused SAs carry SPIs: the search is skipped elsewhere.
    const SPI_TAGS: [&str; 6] = [
        "charon.child-established",
        "charon.sad-failed",
        "charon.rekey-failed",
        "pluto.child-established",
        "pluto.netlink-add-sa",
        "charon.child-failed",
    ];
    if SPI_TAGS.contains(&tag) {
        child_spis(r, t);
    }
    // Errno: "(93)" at the end of a netlink error, "errno 93" in pluto.
    if r.number.is_none()
        && (tag == "charon.netlink-error"
            || tag.starts_with("pluto.netlink")
            || tag == "pluto.xfrm-socket-policy"
            || tag.ends_with("bind-failed"))
    {
        if let Some(rest) = after(t, "errno ") {
            r.number = leading_number(rest).map(|n| n as i64);
        } else if let Some(open) = t.rfind('(') {
            r.number = t.get(open + 1..).and_then(leading_number).map(|n| n as i64);
        }
    }
}

/// ESP SPIs: "SPIs c1a2b3c4_i c5d6e7f8_o", "SPI c1a2b3c4", "esp.c1a2b3c4@", "=>0xc1a2b3c4";
/// IKE SPIs as charon's manager logs them: "SPIs 1f2e3d4c5b6a7980_i 0000000000000000_r".
fn child_spis(r: &mut LogRecord, t: &str) {
    for marker in ["SPIs ", "SPI ", "esp.", "ESP/0x", "=>0x", "<0x"] {
        let mut rest = t;
        while let Some(i) = rest.find(marker) {
            rest = &rest[i + marker.len()..];
            if let Some(spi) = hex32(rest) {
                if r.child_spis.len() < 4 && !r.child_spis.contains(&spi) {
                    r.child_spis.push(spi);
                }
                // "SPIs a_i b_o": the second one follows.
                if let Some(second) = rest.get(11..).and_then(hex32) {
                    if r.child_spis.len() < 4 && !r.child_spis.contains(&second) {
                        r.child_spis.push(second);
                    }
                }
            }
        }
    }
    if let Some(rest) = after(t, "SPIs ") {
        let mut words = rest.split_whitespace();
        let a = words.next().and_then(|w| w.strip_suffix("_i"));
        let b = words.next().and_then(|w| w.strip_suffix("_r"));
        if let (Some(a), Some(b)) = (a, b) {
            if a.len() == 16 && b.len() == 16 {
                if let (Ok(a), Ok(b)) = (u64::from_str_radix(a, 16), u64::from_str_radix(b, 16)) {
                    r.ike_spis = Some((a, b));
                    r.child_spis.clear();
                }
            }
        }
    }
}

fn charon_fields(r: &mut LogRecord, t: &str) {
    // "<conn|12>" or "<12>" after the "NN[XXX] " marker.
    if let Some(open) = t.find("] <") {
        if let Some(close) = t[open + 3..].find('>') {
            let inner = &t[open + 3..open + 3 + close];
            let (name, id) = match inner.rsplit_once('|') {
                Some((name, id)) => (Some(name), id),
                None => (None, inner),
            };
            if let Ok(id) = id.parse::<u32>() {
                r.sa_ref = Some(id);
                r.conn = name.map(|n| cut_str(n, 64).to_owned());
            }
        }
    }
    match r.entry.tag {
        "charon.packet-sent" | "charon.packet-received" => {
            if let Some(rest) = after(t, "packet: from ") {
                if let Some((src, used)) = charon_endpoint(rest) {
                    r.src = Some(src);
                    if let Some(rest) = rest.get(used..).and_then(|s| after(s, " to ")) {
                        r.dst = charon_endpoint(rest).map(|(d, _)| d);
                    }
                }
            }
        }
        "charon.generating" | "charon.parsed" => {
            let rest = after(t, "generating ").or_else(|| after(t, "parsed "));
            if let Some(rest) = rest {
                let mut words = rest.split_whitespace();
                r.exchange = words.next().and_then(exchange_name);
                r.response = match words.next() {
                    Some("request") => Some(false),
                    Some("response") => Some(true),
                    _ => None,
                };
                r.message_id = words.next().and_then(|n| n.parse().ok());
            }
        }
        "charon.retransmit" => {
            r.message_id = after(t, "message ID ")
                .and_then(leading_number)
                .map(|n| n as u32);
            r.number = after(t, "retransmit ")
                .and_then(leading_number)
                .map(|n| n as i64);
        }
        "charon.responder-retransmit" => {
            r.message_id = after(t, "request with ID ")
                .and_then(leading_number)
                .map(|n| n as u32);
        }
        "charon.give-up" => {
            r.number = after(t, "giving up after ")
                .and_then(leading_number)
                .map(|n| n as i64);
        }
        "charon.initiating" => {
            if let Some(rest) = after(t, "initiating IKE_SA ") {
                r.peer = after(rest, " to ").and_then(first_ip);
            }
        }
        "charon.half-open-timeout" => r.peer = after(t, "IKE_SA with ").and_then(first_ip),
        "charon.cert-dates" => r.validity = validity(t),
        "charon.conn-version" => {
            r.number = after(t, "version = ")
                .and_then(leading_number)
                .map(|n| n as i64)
        }
        "charon.conn-local-ts" => {
            r.detail = after(t, "local_ts = ").map(|rest| cut_str(rest.trim(), 256).to_owned());
        }
        "charon.pool-added" => {
            r.detail =
                after(t, "added vici pool ").map(|rest| cut_str(rest.trim(), 128).to_owned());
        }
        "charon.peer-config-lookup" => {
            r.detail = after(t, "matching ").map(|rest| cut_str(rest.trim(), 256).to_owned());
        }
        "charon.child-establishing" => {
            r.detail = after(t, "establishing CHILD_SA ").and_then(|rest| {
                let name = rest.split(['{', ' ']).next()?.trim_matches('\'');
                (!name.is_empty()).then(|| cut_str(name, 64).to_owned())
            });
        }
        "charon.ts-unacceptable" => {
            // "traffic selectors 10.99.50.0/24 === 0.0.0.0/0 unacceptable": the responder's own
            // side first (what the initiator asked for as TSr), then the initiator's.
            r.detail = after(t, "traffic selectors ").map(|rest| {
                let pair = rest
                    .trim_end()
                    .trim_end_matches(" unacceptable")
                    .trim_end_matches(" inacceptable");
                cut_str(pair, 256).to_owned()
            });
        }
        "charon.authentication" => {
            r.of_self = Some(t.contains("' (myself) with "));
            r.detail = after(t, " with ").map(|rest| {
                let method = rest.trim_end().trim_end_matches(" successful");
                cut_str(method, 64).to_owned()
            });
        }
        "charon.proposal-selected"
        | "charon.proposals-received"
        | "charon.proposals-configured" => {
            let marker = r.entry.pattern;
            r.detail = after(t, marker).map(|rest| cut_str(rest.trim(), 256).to_owned());
        }
        "charon.peer-initiating" => {
            if let Some(i) = t.find(" is initiating an IKE_SA") {
                let head = &t[..i];
                r.peer = head.rsplit(' ').next().and_then(|w| w.parse().ok());
            }
        }
        "charon.ike-established" => {
            if let Some(rest) = after(t, " established between ") {
                if let Some((local, remote)) = rest.split_once("...") {
                    r.src = local
                        .split('[')
                        .next()
                        .and_then(|ip| ip.parse().ok())
                        .map(|ip| SocketAddr::new(ip, 0));
                    r.peer = remote
                        .split('[')
                        .next()
                        .and_then(|ip| ip.trim().parse().ok());
                }
            }
        }
        _ => {}
    }
}

/// The dates of "certificate invalid (valid from Nov 27 23:21:20 2025 to Nov 27 23:21:20 2026)".
fn validity(t: &str) -> Option<(i64, i64)> {
    let rest = after(t, "valid from ")?;
    let (from, _) = crate::time::parse_prefix(rest.as_bytes())?;
    let (to, _) = crate::time::parse_prefix(after(rest, " to ")?.as_bytes())?;
    let from = crate::time::resolve(&from, None, 0).0;
    let to = crate::time::resolve(&to, None, 0).0;
    Some((from, to))
}

/// The state serial of a line that starts (after its time prefix, if any) with `#12:`.
pub fn pluto_bare_serial(t: &str) -> Option<u32> {
    let skip = crate::time::parse_prefix(t.as_bytes()).map_or(0, |(_, used)| used);
    let rest = t.get(skip..)?.trim_start_matches([' ', ':']);
    let digits = rest.strip_prefix('#')?;
    let n = digits.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 || digits.as_bytes().get(n) != Some(&b':') {
        return None;
    }
    digits.get(..n)?.parse().ok()
}

fn pluto_fields(r: &mut LogRecord, t: &str) {
    // "\"conn\"[1] 10.99.2.3 #1: ..." or "\"conn\" #1: ..."
    if let Some(q1) = t.find('"') {
        if let Some(q2) = t[q1 + 1..].find('"') {
            let name = &t[q1 + 1..q1 + 1 + q2];
            r.conn = Some(cut_str(name, 64).to_owned());
            let rest = &t[q1 + 1 + q2 + 1..];
            if let Some(hash) = rest.find(" #") {
                let before = &rest[..hash];
                if let Some(close) = before.find(']') {
                    r.peer = first_ip(before[close + 1..].trim_start());
                }
                r.sa_ref = leading_number(&rest[hash + 2..]).map(|n| n as u32);
            }
        }
    }
    // Without the connection name: "#12: ..." (logs whose names were cut, older pluto output).
    if r.sa_ref.is_none() {
        r.sa_ref = pluto_bare_serial(t);
    }
    if let Some(rest) = after(t, "(ID ").or_else(|| after(t, "Message ID ")) {
        r.message_id = leading_number(rest).map(|n| n as u32);
    }
    for marker in [" from ", " to "] {
        if let Some(rest) = after(t, marker) {
            if let Some(sa) = ip_port(rest) {
                r.peer = Some(sa.ip());
                if marker == " from " {
                    r.src = Some(sa);
                } else {
                    r.dst = Some(sa);
                }
                break;
            }
        }
    }
    match r.entry.tag {
        "pluto.retransmit" | "pluto.timeout" | "pluto.fatal" => {
            // `"home" #1: STATE_V2_PARENT_I1: retransmission`; `encountered fatal error in
            // state STATE_V2_PARENT_I2`.
            let state = after(t, "in state ").map(str::trim).or_else(|| {
                t.split(": ").find(|w| {
                    w.starts_with("STATE_")
                        || w.ends_with("_I")
                        || w.ends_with("_R")
                        || w.contains("_I(")
                        || w.contains("_R(")
                })
            });
            r.exchange = state.and_then(pluto_state_exchange);
            r.number = after(t, " after ")
                .and_then(leading_number)
                .map(|n| n as i64);
        }
        "pluto.sent-init" | "pluto.sent-init-reply" => r.exchange = Some("IKE_SA_INIT"),
        "pluto.sent-auth" => r.exchange = Some("IKE_AUTH"),
        _ => {}
    }
}

/// The exchange a pluto state waits on (4.x names and 5.x names).
fn pluto_state_exchange(state: &str) -> Option<&'static str> {
    let s = state.trim();
    if s.contains("PARENT_I1") || s.starts_with("IKE_SA_INIT_I") {
        Some("IKE_SA_INIT")
    } else if s.contains("PARENT_I2") || s.starts_with("IKE_AUTH_I") {
        Some("IKE_AUTH")
    } else if s.contains("ESTABLISHED") {
        Some("INFORMATIONAL")
    } else if s.contains("CHILD") || s.contains("REKEY") {
        Some("CREATE_CHILD_SA")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::by_tag;

    fn rec(tag: &str, text: &str) -> LogRecord {
        let mut r = LogRecord::new(1, None, by_tag(tag).expect(tag), text.to_owned(), false);
        extract(&mut r);
        r
    }

    #[test]
    fn pluto_names_the_exchange_by_its_state() {
        for (tag, text, exchange) in [
            (
                "pluto.fatal",
                "\"home\" #1: encountered fatal error in state STATE_V2_PARENT_I2",
                Some("IKE_AUTH"),
            ),
            (
                "pluto.fatal",
                "\"home\" #1: encountered fatal error in state STATE_V2_PARENT_I1",
                Some("IKE_SA_INIT"),
            ),
            (
                "pluto.fatal",
                "\"home\" #1: encountered fatal error in state IKE_AUTH_I",
                Some("IKE_AUTH"),
            ),
            (
                "pluto.retransmit",
                "\"home\" #1: STATE_V2_PARENT_I2: retransmission; will wait 1 seconds for response",
                Some("IKE_AUTH"),
            ),
        ] {
            assert_eq!(rec(tag, text).exchange, exchange, "{text}");
        }
    }

    #[test]
    fn charon_packet_and_message_lines() {
        let r = rec("charon.packet-sent", "Nov 26 23:03:41.824 09[NET] <home|1> sending packet: from 10.99.2.3[500] to 10.99.2.2[500] (464 bytes)");
        assert_eq!(r.sa_ref, Some(1));
        assert_eq!(r.conn.as_deref(), Some("home"));
        assert_eq!(r.src, "10.99.2.3:500".parse().ok());
        assert_eq!(r.dst, "10.99.2.2:500".parse().ok());
        assert_eq!(r.bytes, Some(464));
        let r = rec(
            "charon.parsed",
            "x 11[ENC] <1> parsed IKE_AUTH response 1 [ N(AUTH_FAILED) ]",
        );
        assert_eq!(
            (r.exchange, r.response, r.message_id),
            (Some("IKE_AUTH"), Some(true), Some(1))
        );
        assert_eq!(r.sa_ref, Some(1));
        let r = rec(
            "charon.retransmit",
            "x 13[IKE] <home|1> retransmit 2 of request with message ID 1",
        );
        assert_eq!((r.message_id, r.number), (Some(1), Some(2)));
        let r = rec(
            "charon.netlink-error",
            "x 09[KNL] <home|1> received netlink error: Protocol not supported (93)",
        );
        assert_eq!(r.number, Some(93));
        let r = rec(
            "charon.proposal-selected",
            "x 07[CFG] <rw|1> selected proposal: ESP:AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ",
        );
        assert_eq!(
            r.detail.as_deref(),
            Some("ESP:AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ")
        );
        let r = rec("charon.child-established", "x <rw|1> CHILD_SA net{1} established with SPIs b76f7d7d_i 39761c09_o and TS 10.99.100.0/24 === 10.99.200.1/32");
        assert_eq!(r.child_spis, vec![0xb76f7d7d, 0x39761c09]);
    }

    #[test]
    fn identities_selectors_and_child_names() {
        let r = rec("charon.peer-config-lookup", "x 10[CFG] <1> looking for peer configs matching 10.99.2.2[gateway.ikelab.test]...10.99.2.3[laptop.ikelab.test]");
        assert_eq!(
            r.detail.as_deref(),
            Some("10.99.2.2[gateway.ikelab.test]...10.99.2.3[laptop.ikelab.test]")
        );
        let r = rec(
            "charon.ts-unacceptable",
            "x 14[IKE] <rw|1> traffic selectors 10.99.50.0/24 === 0.0.0.0/0 unacceptable",
        );
        assert_eq!(r.detail.as_deref(), Some("10.99.50.0/24 === 0.0.0.0/0"));
        let r = rec(
            "charon.child-establishing",
            "x 09[IKE] <home|1> establishing CHILD_SA net{1}",
        );
        assert_eq!(r.detail.as_deref(), Some("net"));
    }

    #[test]
    fn authentication_lines() {
        let r = rec("charon.authentication", "x 11[IKE] <home|1> authentication of 'client.ikelab.test' (myself) with pre-shared key");
        assert_eq!(
            (r.of_self, r.detail.as_deref()),
            (Some(true), Some("pre-shared key"))
        );
        let r = rec("charon.authentication", "x 11[IKE] <rw|1> authentication of 'client.ikelab.test' with ECDSA_WITH_SHA256_DER successful");
        assert_eq!(
            (r.of_self, r.detail.as_deref()),
            (Some(false), Some("ECDSA_WITH_SHA256_DER"))
        );
    }

    #[test]
    fn certificate_dates() {
        let r = rec("charon.cert-dates", "Nov 26 23:21:17.212 09[CFG] <1>   certificate invalid (valid from Oct 22 23:21:16 2025 to Oct 27 23:21:16 2026)");
        let (from, to) = r.validity.expect("dates");
        assert_eq!(from, 1_761_175_276_000_000_000);
        assert_eq!(to - from, 370 * 86_400 * 1_000_000_000);
    }

    #[test]
    fn pluto_lines() {
        let r = rec("pluto.psk-mismatch", "Nov 26 23:02:41.815201: \"rw\"[1] 10.99.2.3 #1: authentication failed: computed hash does not match hash received from peer ID_FQDN '@client.ikelab.test'");
        assert_eq!(r.sa_ref, Some(1));
        assert_eq!(r.conn.as_deref(), Some("rw"));
        assert_eq!(r.peer, "10.99.2.3".parse().ok());
        let r = rec("pluto.netlink-add-sa", "ERROR: \"home\" #2: netlink response for Add SA esp.f9e949d8@10.99.2.2: Protocol not supported (errno 93)");
        assert_eq!(r.number, Some(93));
        assert_eq!(r.child_spis, vec![0xf9e949d8]);
        let r = rec(
            "pluto.retransmit",
            "\"home\" #1: STATE_V2_PARENT_I2: retransmission; will wait 1 seconds for response",
        );
        assert_eq!(r.exchange, Some("IKE_AUTH"));
        let r = rec(
            "pluto.retransmit",
            "\"home\" #1: IKE_SA_INIT_I: retransmission; will wait 0.5 seconds for response",
        );
        assert_eq!(r.exchange, Some("IKE_SA_INIT"));
    }

    #[test]
    fn windows_code() {
        let r = rec("windows.error-code", "CoId={X}: The user DOM\\u dialed a connection named VPN which has failed. The error code returned on failure is 13801.");
        assert_eq!(r.number, Some(13801));
    }

    #[test]
    fn nps_reason_code() {
        let r = rec("nps.reason-code", "\tReason Code:\t\t\t265");
        assert_eq!(r.number, Some(265));
        let r = rec("nps.reason-code", "Reason Code: none");
        assert_eq!(r.number, None);
    }
}
