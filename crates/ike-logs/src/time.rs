//! Timestamps as logs write them. Daemons let users pick any `strftime` format, syslog drops the
//! year, Windows writes the local date with AM/PM, journald and Event Viewer XML give UTC: each
//! shape is recognised at the start of a field and turned into nanoseconds since the Unix epoch.
//! Times without a zone are taken in the zone the caller names (UTC by default); times without a
//! year get the latest year that does not put them after the reference instant.

/// A calendar time as written, before the year and zone are settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: Option<i32>,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub nanos: u32,
    /// Offset east of UTC in seconds, when the text gives one.
    pub offset: Option<i32>,
}

const MONTHS: [&[u8; 3]; 12] = [
    b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec",
];
const WEEKDAYS: [&[u8; 3]; 7] = [b"mon", b"tue", b"wed", b"thu", b"fri", b"sat", b"sun"];

struct Cursor<'a> {
    s: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }
    fn spaces(&mut self) -> usize {
        let start = self.at;
        while self.peek() == Some(b' ') {
            self.at += 1;
        }
        self.at - start
    }
    /// Between `min` and `max` ASCII digits.
    fn number(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.at;
        let mut value: u32 = 0;
        while self.at - start < max {
            match self.peek() {
                Some(c @ b'0'..=b'9') => {
                    value = value * 10 + u32::from(c - b'0');
                    self.at += 1;
                }
                _ => break,
            }
        }
        if self.at - start < min {
            self.at = start;
            return None;
        }
        Some(value)
    }
    fn month_name(&mut self) -> Option<u32> {
        let word = self.s.get(self.at..self.at + 3)?;
        let lower = [
            word[0].to_ascii_lowercase(),
            word[1].to_ascii_lowercase(),
            word[2].to_ascii_lowercase(),
        ];
        let m = MONTHS.iter().position(|m| **m == lower)?;
        self.at += 3;
        // Full month names ("November") are accepted too.
        while matches!(self.peek(), Some(c) if c.is_ascii_alphabetic()) {
            self.at += 1;
        }
        Some(m as u32 + 1)
    }
    fn weekday(&mut self) -> bool {
        let Some(word) = self.s.get(self.at..self.at + 3) else {
            return false;
        };
        let lower = [
            word[0].to_ascii_lowercase(),
            word[1].to_ascii_lowercase(),
            word[2].to_ascii_lowercase(),
        ];
        if !WEEKDAYS.iter().any(|w| **w == lower) {
            return false;
        }
        let save = self.at;
        self.at += 3;
        while matches!(self.peek(), Some(c) if c.is_ascii_alphabetic()) {
            self.at += 1;
        }
        self.eat(b',');
        if self.spaces() == 0 {
            self.at = save;
            return false;
        }
        true
    }
    /// `HH:MM:SS[.fraction]` (fraction also after a comma, as some locales write it).
    fn clock(&mut self) -> Option<(u32, u32, u32, u32)> {
        let save = self.at;
        let parsed = (|| {
            let h = self.number(1, 2)?;
            if !self.eat(b':') {
                return None;
            }
            let m = self.number(2, 2)?;
            if !self.eat(b':') {
                return None;
            }
            let s = self.number(2, 2)?;
            let mut nanos = 0u32;
            if matches!(self.peek(), Some(b'.') | Some(b','))
                && matches!(self.s.get(self.at + 1), Some(b'0'..=b'9'))
            {
                self.at += 1;
                let mut digits = 0;
                while let Some(c @ b'0'..=b'9') = self.peek() {
                    if digits < 9 {
                        nanos = nanos * 10 + u32::from(c - b'0');
                        digits += 1;
                    }
                    self.at += 1;
                }
                while digits < 9 {
                    nanos *= 10;
                    digits += 1;
                }
            }
            (h < 24 && m < 60 && s < 61).then_some((h, m, s, nanos))
        })();
        if parsed.is_none() {
            self.at = save;
        }
        parsed
    }
    /// `Z`, `UTC`, `GMT`, `+HH:MM`, `+HHMM`, `-HH`.
    fn zone(&mut self) -> Option<i32> {
        let save = self.at;
        match self.peek() {
            Some(b'Z') => {
                self.at += 1;
                Some(0)
            }
            Some(b'+') | Some(b'-') => {
                let sign = if self.peek() == Some(b'-') { -1 } else { 1 };
                self.at += 1;
                let Some(h) = self.number(2, 2) else {
                    self.at = save;
                    return None;
                };
                self.eat(b':');
                let m = self.number(2, 2).unwrap_or(0);
                if h > 14 || m > 59 {
                    self.at = save;
                    return None;
                }
                Some(sign * (h as i32 * 3600 + m as i32 * 60))
            }
            _ => {
                let rest = self.s.get(self.at..).unwrap_or_default();
                let spaced = rest.first() == Some(&b' ');
                let word = if spaced { rest.get(1..) } else { Some(rest) };
                for name in [&b"UTC"[..], b"GMT"] {
                    if word.is_some_and(|w| w.starts_with(name)) {
                        self.at += name.len() + usize::from(spaced);
                        return Some(0);
                    }
                }
                None
            }
        }
    }
    /// An AM/PM marker after a 12-hour clock.
    fn meridiem(&mut self) -> Option<bool> {
        let save = self.at;
        self.spaces();
        let word = self.s.get(self.at..self.at + 2)?;
        let pm = match [word[0].to_ascii_uppercase(), word[1].to_ascii_uppercase()] {
            [b'A', b'M'] => false,
            [b'P', b'M'] => true,
            _ => {
                self.at = save;
                return None;
            }
        };
        self.at += 2;
        Some(pm)
    }
}

/// Parses a timestamp at the very start of `s` (after an optional `[` and a weekday name).
/// Returns it and the number of bytes it took.
pub fn parse_prefix(s: &[u8]) -> Option<(Civil, usize)> {
    let mut c = Cursor { s, at: 0 };
    c.eat(b'[');
    c.weekday();
    let first = c.peek()?;
    let result = if first.is_ascii_digit() {
        numeric_date(&mut c)
    } else {
        named_month_date(&mut c)
    }?;
    c.eat(b']');
    Some((result, c.at))
}

/// `YYYY-MM-DD[T ]time[zone]`, `YYYY/MM/DD time`, `DD.MM.YYYY time`, `M/D/YYYY time [AM|PM]`,
/// logcat's `MM-DD time`.
fn numeric_date(c: &mut Cursor<'_>) -> Option<Civil> {
    let start = c.at;
    let a = c.number(1, 4)?;
    let a_len = c.at - start;
    let sep = c.peek()?;
    if !matches!(sep, b'-' | b'/' | b'.') {
        return None;
    }
    c.at += 1;
    let b = c.number(1, 2)?;
    let (year, month, day) = if c.eat(sep) {
        let third_start = c.at;
        let third = c.number(1, 4)?;
        let third_len = c.at - third_start;
        match (a_len, third_len, sep) {
            (4, _, _) => (Some(a as i32), b, third),
            (_, 4, b'.') => (Some(third as i32), b, a),
            (_, 4, b'/') => (Some(third as i32), a, b),
            (_, 4, b'-') => (Some(third as i32), b, a),
            _ => return None,
        }
    } else if sep == b'-' && a_len == 2 {
        // logcat: MM-DD
        (None, a, b)
    } else {
        return None;
    };
    if !(c.eat(b'T') || c.eat(b'_') || c.spaces() > 0) {
        return None;
    }
    c.spaces();
    let (mut hour, minute, second, nanos) = c.clock()?;
    if let Some(pm) = c.meridiem() {
        if hour == 12 {
            hour = 0;
        }
        if pm {
            hour += 12;
        }
    }
    let offset = c.zone();
    valid(Civil {
        year,
        month,
        day,
        hour,
        minute,
        second,
        nanos,
        offset,
    })
}

/// `Mon DD time [YYYY]` (syslog, charon's default), also `DD Mon YYYY time`.
fn named_month_date(c: &mut Cursor<'_>) -> Option<Civil> {
    let month = c.month_name()?;
    c.eat(b'.');
    if c.spaces() == 0 {
        return None;
    }
    let day = c.number(1, 2)?;
    c.eat(b',');
    if c.spaces() == 0 {
        return None;
    }
    // "Nov 26 2026 23:03:41" or "Nov 26 23:03:41 [2026]"
    let save = c.at;
    let mut year = None;
    if let Some(y) = c.number(4, 4) {
        if c.spaces() > 0 {
            year = Some(y as i32);
        } else {
            c.at = save;
        }
    }
    let (hour, minute, second, nanos) = c.clock()?;
    let offset = c.zone();
    if year.is_none() {
        let save = c.at;
        if c.spaces() > 0 {
            match c.number(4, 4) {
                Some(y) if !matches!(c.peek(), Some(b'0'..=b'9') | Some(b':')) => {
                    year = Some(y as i32)
                }
                _ => c.at = save,
            }
        }
    }
    valid(Civil {
        year,
        month,
        day,
        hour,
        minute,
        second,
        nanos,
        offset,
    })
}

fn valid(c: Civil) -> Option<Civil> {
    (c.month >= 1 && c.month <= 12 && c.day >= 1 && c.day <= 31).then_some(c)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The instant of `c` in `year`, reading a zone-less time at `default_offset` seconds east of UTC.
pub fn to_unix_ns(c: &Civil, year: i32, default_offset: i32) -> i64 {
    let days = days_from_civil(i64::from(year), c.month, c.day);
    let offset = i64::from(c.offset.unwrap_or(default_offset));
    let secs =
        days * 86_400 + i64::from(c.hour) * 3600 + i64::from(c.minute) * 60 + i64::from(c.second)
            - offset;
    secs.saturating_mul(1_000_000_000)
        .saturating_add(i64::from(c.nanos))
}

/// Settles the year (the latest one that keeps the time at most two days after `reference`) and
/// the zone. Returns the instant and whether the year was inferred.
pub fn resolve(c: &Civil, reference_ns: Option<i64>, default_offset: i32) -> (i64, bool) {
    if let Some(year) = c.year {
        return (to_unix_ns(c, year, default_offset), false);
    }
    const SLACK_NS: i64 = 2 * 86_400 * 1_000_000_000;
    let reference = reference_ns.unwrap_or(0);
    let ref_year = year_of(reference);
    for year in [ref_year + 1, ref_year, ref_year - 1] {
        let t = to_unix_ns(c, year, default_offset);
        if t <= reference.saturating_add(SLACK_NS) {
            return (t, true);
        }
    }
    (to_unix_ns(c, ref_year - 1, default_offset), true)
}

fn year_of(ns: i64) -> i32 {
    let days = ns.div_euclid(1_000_000_000).div_euclid(86_400);
    // Estimate, then correct by comparing with the first day of the year.
    let mut year = (1970 + days.div_euclid(365)) as i32;
    while days_from_civil(i64::from(year), 1, 1) > days {
        year -= 1;
    }
    while days_from_civil(i64::from(year) + 1, 1, 1) <= days {
        year += 1;
    }
    year
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str, reference: Option<i64>) -> i64 {
        let (c, _) = parse_prefix(s.as_bytes()).expect(s);
        resolve(&c, reference, 0).0
    }

    const T2026_11_26: i64 = 1_795_734_221_719_000_000; // 2026-11-26T23:03:41.719Z

    #[test]
    fn charon_default_and_syslog_times_take_the_reference_year() {
        assert_eq!(
            at("Nov 26 23:03:41.719 00[DMN]", Some(T2026_11_26)),
            T2026_11_26
        );
        assert_eq!(
            at(
                "Nov 26 23:03:41.719",
                Some(T2026_11_26 + 86_400_000_000_000 * 40)
            ),
            T2026_11_26
        );
        // A December line read in January belongs to the year before.
        let jan = at("Jan  2 00:00:00 2027", None);
        let dec = at("Dec 31 23:00:00", Some(jan));
        assert!(dec < jan && jan - dec < 86_400_000_000_000 * 3);
    }

    #[test]
    fn iso_windows_logcat_and_dotted_formats() {
        assert_eq!(at("2026-11-26T23:03:41.719Z", None), T2026_11_26);
        assert_eq!(at("2026-11-27 00:03:41.719+01:00 host", None), T2026_11_26);
        assert_eq!(at("11/26/2026 11:03:41.719 PM", None), T2026_11_26);
        assert_eq!(at("26.11.2026 23:03:41.719", None), T2026_11_26);
        assert_eq!(
            at("11-26 23:03:41.719  1234", Some(T2026_11_26)),
            T2026_11_26
        );
        assert_eq!(at("Thu Nov 26 23:03:41.719 2026", None), T2026_11_26);
        assert_eq!(at("[2026-11-26 23:03:41.719]", None), T2026_11_26);
        assert_eq!(at("Nov 26 2026 23:03:41.719", None), T2026_11_26);
    }

    #[test]
    fn refuses_what_is_not_a_time() {
        for s in [
            "09[IKE] x",
            "",
            "Nov",
            "2026-13-01 00:00:00",
            "ike 0:vpn:1: x",
            "99:99",
        ] {
            assert!(parse_prefix(s.as_bytes()).is_none(), "{s}");
        }
    }
}
