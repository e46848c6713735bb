//! Which log a file is, from its first lines: never from its name. Each format has markers that
//! its lines carry whatever the time format, log level or prefix (charon's `NN[XXX]` thread and
//! subsystem, pluto's `"conn" #N:` or `pluto[pid]:`, journald's JSON fields, RasClient's event
//! texts, the NetworkExtension process names, FortiOS's `ike N:` prefix, Cisco's `IKEv2-PROTO-N:`,
//! `IKEv2-PLAT-N:`, `IKEv2-ERROR:` and `IKEv2:(SESSION ID = ...` prefixes).
use crate::knowledge::Implementation;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// strongSwan charon: filelog (any time format), syslog/daemon.log, `journalctl` text,
    /// `swanctl --log`, the Android app's log, logcat.
    Charon,
    /// Libreswan pluto: its log file, syslog, `journalctl` text.
    Pluto,
    /// `journalctl -o json` of charon or pluto (one JSON object per line).
    JournalJson,
    /// Windows RasClient events: Event Viewer text, XML or CSV exports, `Get-WinEvent` output.
    Windows,
    /// Apple `log show` output of the IKEv2 client (NEIKEv2, nesessionmanager, neagent).
    Apple,
    /// FortiGate `diagnose debug application ike -1`.
    FortiGate,
    /// Cisco IOS / IOS XE / ASA `debug crypto ikev2` (protocol, platform and error debugs).
    Cisco,
    /// One JSON object per line (or a pretty-printed one) whose message field carries a log
    /// line: AWS VPN tunnel logs (`details`), Google Cloud Logging (`textPayload`), Azure
    /// diagnostics (`Message`/`message`), generic collectors (`msg`, `log`); or a structured
    /// event (Suricata EVE) read whole.
    JsonRecords,
    /// Text of no single known log format that holds lines ike-doctor knows: a paste of a few
    /// lines (with or without times and prefixes), several vendors' lines together, error dialog
    /// texts. Every implementation's knowledge is applied.
    Text,
}

impl Format {
    pub fn describe(self) -> &'static str {
        match self {
            Format::Charon => "strongSwan charon log",
            Format::Pluto => "Libreswan pluto log",
            Format::JournalJson => "journalctl JSON log",
            Format::Windows => "Windows RasClient events",
            Format::Apple => "Apple NetworkExtension log",
            Format::FortiGate => "FortiGate IKE debug log",
            Format::Cisco => "Cisco IKEv2 debug log",
            Format::JsonRecords => "JSON log records",
            Format::Text => "pasted log lines",
        }
    }

    /// The implementations whose lines this format carries.
    pub fn implementations(self) -> &'static [Implementation] {
        match self {
            Format::Charon | Format::Pluto | Format::JournalJson => {
                &[Implementation::StrongSwan, Implementation::Libreswan]
            }
            Format::Windows => &[Implementation::Windows],
            Format::Apple => &[Implementation::Apple],
            Format::FortiGate => &[Implementation::FortiGate],
            Format::Cisco => &[Implementation::Cisco],
            Format::JsonRecords | Format::Text => Implementation::ALL,
        }
    }
}

/// Whether some bytes are text at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    Text,
    Binary,
}

/// Text is mostly printable UTF-8 (or Latin-1) with line breaks; NUL bytes or many control
/// bytes make it binary.
pub fn text_kind(head: &[u8]) -> TextKind {
    let sample = &head[..head.len().min(4096)];
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    if sample.contains(&0) || control * 20 > sample.len().max(1) {
        TextKind::Binary
    } else {
        TextKind::Text
    }
}

/// True when `line` holds charon's `NN[XXX] ` (thread and subsystem) or starts with `[XXX] `
/// (swanctl --log, the Android app).
pub fn has_charon_marker(line: &[u8]) -> bool {
    let is_subsystem = |w: &[u8]| w.len() == 3 && w.iter().all(|c| c.is_ascii_uppercase());
    if line.len() >= 6 && line[0] == b'[' && line[4] == b']' && is_subsystem(&line[1..4]) {
        return true;
    }
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'[', line.get(i..).unwrap_or_default()) {
        let at = i + off;
        if at >= 2
            && line.get(at + 4) == Some(&b']')
            && line[at - 2].is_ascii_digit()
            && line[at - 1].is_ascii_digit()
            && line.get(at + 1..at + 4).is_some_and(is_subsystem)
        {
            return true;
        }
        i = at + 1;
    }
    false
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// True when `line` carries a Cisco IKEv2 debug prefix: `IKEv2-PROTO-1:`, `IKEv2-PLAT-3:`,
/// `IKEv2-ERROR:` (ASA and IOS XE) or `IKEv2:(SESSION ID =`, `IKEv2:(SA ID =`, `IKEv2:%` (IOS), or
/// an IOS syslog message of the crypto and PKI facilities (`%CRYPTO-4-IKMP_NO_SA:`,
/// `%PKI-2-NON_AUTHORITATIVE_CLOCK:`).
pub fn has_cisco_marker(line: &[u8]) -> bool {
    for facility in [&b"%CRYPTO-"[..], b"%PKI-"] {
        if let Some(at) = memchr::memmem::find(line, facility) {
            if line
                .get(at + facility.len())
                .is_some_and(u8::is_ascii_digit)
            {
                return true;
            }
        }
    }
    let Some(at) = memchr::memmem::find(line, b"IKEv2") else {
        return false;
    };
    let rest = line.get(at + 5..).unwrap_or_default();
    rest.starts_with(b"-PROTO-")
        || rest.starts_with(b"-PLAT-")
        || rest.starts_with(b"-ERROR:")
        || rest.starts_with(b":(SESSION ID")
        || rest.starts_with(b":(SA ID")
        || rest.starts_with(b":%")
}

fn pluto_line(line: &[u8]) -> bool {
    if contains(line, b"pluto[") || contains(line, b"Starting Pluto") || contains(line, b"Pluto is")
    {
        return true;
    }
    // pluto's own log file: "Oct 25 18:52:28.892242: " or, without logtime microseconds,
    // "Aug  8 15:50:25: " (a colon right after the time; syslog puts a host name there).
    if let Some((_, used)) = crate::time::parse_prefix(line) {
        if line.get(used..used + 2) == Some(b": ") {
            return true;
        }
    }
    // A state serial without the connection name: "#53: received Delete SA...".
    if let Ok(text) = std::str::from_utf8(line) {
        if crate::record::pluto_bare_serial(text).is_some() {
            return true;
        }
    }
    // "\"conn\" #12:" or "\"conn\"[1] 1.2.3.4 #12:"
    if let Some(q) = memchr::memchr(b'"', line) {
        let rest = &line[q + 1..];
        if let Some(q2) = memchr::memchr(b'"', rest) {
            let after = &rest[q2 + 1..];
            if let Some(h) = memchr::memmem::find(after, b" #") {
                let digits = after[h + 2..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                return digits > 0 && after.get(h + 2 + digits) == Some(&b':');
            }
            // `"conn": added IKEv2 connection`; a JSON member (`"key": {`, `"key": "v"`,
            // `"key": 1`, `true`) is not.
            let word = after.get(2..).unwrap_or_default();
            return after.starts_with(b": ")
                && word.first().is_some_and(u8::is_ascii_alphabetic)
                && !(word.starts_with(b"true")
                    || word.starts_with(b"false")
                    || word.starts_with(b"null"));
        }
    }
    false
}

/// Detects the format from the first bytes of a file (a few KiB are plenty). `None` when no
/// supported log is recognised.
pub fn detect(head: &[u8]) -> Option<Format> {
    // Binary data is not a log.
    let sample = &head[..head.len().min(4096)];
    if sample.iter().filter(|&&b| b == 0).count() > 0 {
        return None;
    }
    let mut scores = [0u32; 7];
    for line in head.split(|&b| b == b'\n').take(400) {
        if line.first() == Some(&b'{') && contains(line, b"\"MESSAGE\"") {
            if contains(line, b"charon") || has_charon_marker(line) || contains(line, b"pluto") {
                scores[2] += 3;
            }
            continue;
        }
        // IOS prints its own time followed by a colon, as pluto's log file does: the IKEv2
        // prefix decides.
        if has_cisco_marker(line) {
            scores[6] += 2;
            continue;
        }
        if has_charon_marker(line) {
            scores[0] += 2;
        } else if (contains(line, b"packet: from ") && contains(line, b"] to "))
            || contains(line, b"initiating IKE_SA ")
            || contains(line, b"initiating Main Mode IKE_SA ")
        {
            // `ipsec up` / `swanctl --initiate` output without the subsystem prefix.
            scores[0] += 2;
        }
        if pluto_line(line) {
            scores[1] += 2;
        }
        if contains(line, b"RasClient")
            || contains(line, b"error code returned on failure is")
            || contains(line, b"Microsoft-Windows-RasClient")
        {
            scores[3] += 3;
        }
        if contains(line, b"NEIKEv2")
            || contains(line, b"nesessionmanager")
            || contains(line, b"neagent")
            || contains(line, b"com.apple.networkextension")
            || contains(line, b"NESMIKEv2VPNSession")
        {
            scores[4] += 3;
        }
        // FortiOS debug lines, bare or after the time `diagnose debug console timestamp
        // enable` puts before them.
        let fortios = match crate::time::parse_prefix(line) {
            Some((_, used)) => line.get(used..).unwrap_or_default().trim_ascii_start(),
            None => line,
        };
        if fortios.starts_with(b"ike ")
            && fortios.get(4).is_some_and(|c| c.is_ascii_digit())
            && contains(fortios, b":")
        {
            scores[5] += 2;
        }
    }
    // A JSON document (a report, a configuration, a test's expectations) quotes log lines
    // without being a log: only journal exports, one object with "MESSAGE" per line, count.
    let mut significant = head.iter().filter(|b| !b.is_ascii_whitespace());
    // `[IKE] ...` (swanctl's output) opens with a bracket too, a JSON array does not go on
    // with a letter.
    let json_document = match (significant.next(), significant.next()) {
        (Some(b'{'), _) => true,
        (Some(b'['), Some(next)) => matches!(next, b'{' | b'"' | b']' | b'['),
        _ => false,
    };
    if json_document {
        if scores[2] >= 2 {
            return Some(Format::JournalJson);
        }
        // Cloud and collector records: a message field holding a line ike-doctor knows.
        let known = head
            .split(|&b| b == b'\n')
            .take(400)
            .filter_map(|line| std::str::from_utf8(line).ok())
            .any(|line| {
                crate::scan::json_record_message(line)
                    .is_some_and(|m| crate::scan::knows_any(m.as_bytes()))
            });
        // Suricata's EVE events carry no message: their `ike` object is read whole.
        let eve =
            contains(head, b"\"event_type\":\"ike\"") || contains(head, b"\"event_type\": \"ike\"");
        return (known || eve).then_some(Format::JsonRecords);
    }
    let formats = [
        Format::Charon,
        Format::Pluto,
        Format::JournalJson,
        Format::Windows,
        Format::Apple,
        Format::FortiGate,
        Format::Cisco,
    ];
    // Lines of several families (daemons, Windows, Apple, FortiGate, Cisco) in one text: a
    // paste, read with every implementation's knowledge.
    let families = [
        scores[0].max(scores[1]).max(scores[2]),
        scores[3],
        scores[4],
        scores[5],
        scores[6],
    ];
    if families.iter().filter(|&&s| s >= 2).count() > 1 {
        return Some(Format::Text);
    }
    let (best, score) = scores
        .iter()
        .enumerate()
        .max_by_key(|(i, s)| (**s, std::cmp::Reverse(*i)))?;
    if *score >= 2 {
        return Some(formats[best]);
    }
    (text_kind(head) == TextKind::Text && crate::scan::knows_any(head)).then_some(Format::Text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_each_source() {
        let cases: &[(&str, Format)] = &[
            ("Nov 26 23:03:41.719 00[DMN] Starting IKE charon daemon\n", Format::Charon),
            ("Jan  3 10:00:00 gw charon: 09[IKE] <home|1> initiating IKE_SA home[1] to 1.2.3.4\n", Format::Charon),
            ("Jan  3 10:00:00 gw charon-systemd[812]: 09[IKE] x\n", Format::Charon),
            ("[IKE] initiating IKE_SA home[1] to 1.2.3.4\n[ENC] generating IKE_SA_INIT request 0 [ SA ]\n", Format::Charon),
            ("Nov 26 23:02:41.811831: \"rw\"[1] 10.99.2.3 #1: sent IKE_SA_INIT reply\n", Format::Pluto),
            ("Jan  3 10:00:00 gw pluto[123]: \"vpn\" #5: initiating IKEv2 connection\n", Format::Pluto),
            ("Aug  8 15:51:06: packet from 10.0.0.1:500: initial Main Mode message received\n", Format::Pluto),
            ("#3:  STATE_PARENT_I1: sent v2I1, expected v2R1\n", Format::Pluto),
            ("{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":\"09[IKE] <x|1> y\",\"SYSLOG_IDENTIFIER\":\"charon-systemd\"}\n", Format::JournalJson),
            ("Error,11/26/2026 11:03:41 PM,RasClient,20227,None,\"The user x dialed a connection named y which has failed. The error code returned on failure is 809.\"\n", Format::Windows),
            ("2026-11-26 23:03:41.719+0000 0x1 Default 0x0 1 0 NEIKEv2Provider: x\n", Format::Apple),
            ("ike 0:vpn:12: negotiation failure\n", Format::FortiGate),
            ("2024-03-12 18:07:06.761429 ike 0:Fortigate:370445: sent IKE msg (AUTH): 10.17.4.132:4500->103.9.225.1:4500, len=240\n", Format::FortiGate),
            ("IKEv2-PROTO-1: (16): Failed to find a matching policy\n", Format::Cisco),
            ("IKEv2-PLAT-1: Peer ID check failed\n", Format::Cisco),
            (
                "%PKI-2-NON_AUTHORITATIVE_CLOCK: PKI functions can not be initialized\n",
                Format::Cisco,
            ),
            ("Nov 30 22:49:14.464: IKEv2:% IKEv2 profile not found\n", Format::Cisco),
            ("*May  2 16:05:33.248: IKEv2:(SESSION ID = 31,SA ID = 1):Deleting SA\n", Format::Cisco),
            ("IKEv2-ERROR:(SESSION ID = 71,SA ID = 1):: Auth exchange failed\n", Format::Cisco),
        ];
        for (text, want) in cases {
            assert_eq!(detect(text.as_bytes()), Some(*want), "{text}");
        }
        let report = "{\n  \"proof\": [\n    {\"file\": \"gateway.log\", \"pattern\": \"09[IKE] <rw|1> no trusted RSA public key found for 'x'\"}\n  ]\n}\n";
        let pastes: &[(&str, Format)] = &[
            ("received netlink error: Address family not supported by protocol (97)\n", Format::Text),
            ("no IKE config found for 192.0.2.1...198.51.100.2, sending NO_PROPOSAL_CHOSEN\n", Format::Text),
            ("The network connection between your computer and the VPN server could not be established because the remote server is not responding.\n", Format::Text),
            ("{\"event_timestamp\": 1700000000, \"details\": \"AWS tunnel detected a pre-shared key mismatch with cgw: 192.0.2.1\"}\n", Format::JsonRecords),
            ("01[IKE] <a|1> received AUTHENTICATION_FAILED notify error\nError,11/26/2026 11:03:41 PM,RasClient,20227,None,\"The error code returned on failure is 13801.\"\n", Format::Text),
        ];
        for (text, want) in pastes {
            assert_eq!(detect(text.as_bytes()), Some(*want), "{text}");
        }
        for text in [
            "hello\nworld\n",
            "",
            "\u{0}\u{1}binary",
            report,
            "IKEv2 is a protocol\nIKEv2-PROTO is not a line\n",
            "{\n  \"name\": \"vpn\",\n  \"size\": 3\n}\n",
        ] {
            assert_eq!(detect(text.as_bytes()), None, "{text:?}");
        }
    }
}
