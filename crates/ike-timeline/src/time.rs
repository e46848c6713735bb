//! Time formatting for reports (RFC 3339, UTC, microseconds), without a calendar dependency:
//! the conversion is the standard days-to-civil algorithm.
use ike_capture::Timestamp;

/// Formats `ts` as `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
pub fn rfc3339_micros(ts: Timestamp) -> String {
    Rfc3339(ts).to_string()
}

/// `ts` displayed as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC, microseconds), without allocating.
#[derive(Debug, Clone, Copy)]
pub struct Rfc3339(pub Timestamp);

impl std::fmt::Display for Rfc3339 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let nanos = self.0 .0;
        let secs = nanos.div_euclid(1_000_000_000);
        let micros = nanos.rem_euclid(1_000_000_000) / 1_000;
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        // Reports print one of these per message and flow: digits are written by hand, since
        // the formatting machinery showed up in profiles of large captures.
        let mut out = [0u8; 27];
        let mut put = |at: usize, width: usize, mut value: i64| {
            for i in (0..width).rev() {
                out[at + i] = b'0' + (value.rem_euclid(10)) as u8;
                value /= 10;
            }
        };
        put(0, 4, y.clamp(0, 9999));
        put(5, 2, i64::from(m));
        put(8, 2, i64::from(d));
        put(11, 2, sod / 3600);
        put(14, 2, (sod / 60) % 60);
        put(17, 2, sod % 60);
        put(20, 6, micros);
        for (at, sep) in [
            (4, b'-'),
            (7, b'-'),
            (10, b'T'),
            (13, b':'),
            (16, b':'),
            (19, b'.'),
            (26, b'Z'),
        ] {
            out[at] = sep;
        }
        f.write_str(std::str::from_utf8(&out).map_err(|_| std::fmt::Error)?)
    }
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Seconds between two timestamps, as a float for reports.
pub fn seconds_between(a: Timestamp, b: Timestamp) -> f64 {
    (b.0 - a.0) as f64 / 1e9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339_micros(Timestamp(0)), "1970-01-01T00:00:00.000000Z");
        // 2024-02-29T12:34:56.789012Z
        let ts = Timestamp(1_709_210_096_789_012_345);
        assert_eq!(rfc3339_micros(ts), "2024-02-29T12:34:56.789012Z");
        assert_eq!(
            rfc3339_micros(Timestamp(-1_000)),
            "1969-12-31T23:59:59.999999Z"
        );
    }
}
