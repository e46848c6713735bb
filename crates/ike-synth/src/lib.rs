//! Synthetic capture generator for benchmarking and hardening ike-doctor.
//!
//! `ike-synth mixed` streams a deterministic pcap/pcapng file of any size whose traffic
//! looks like a busy VPN concentrator uplink: mostly TCP and DNS, about 15% ESP, and a
//! few percent IKEv2 (UDP 500 and UDP 4500 with the non-ESP marker, over IPv4 and IPv6,
//! some 802.1Q tagged, with IP fragments, RFC 7383 SKF fragments, NAT-T keepalives and
//! ICMP "packet too big" errors). The ingest benchmark (`bench/ingest.sh`) uses it to
//! measure throughput against a raw read and against tshark.
//!
//! `ike-synth hostile` writes inputs meant to break careless readers: fragment floods,
//! a million half-open IKE SAs, lying length fields and a truncated file.
//!
//! Everything is generated from a seed, so the same command always writes the same bytes.

pub mod capture;
pub mod hostile;
pub mod ike;
pub mod mixed;
pub mod packet;

pub use capture::{CaptureWriter, Format};
pub use hostile::{write_hostile, HostileKind, HostileStats};
pub use mixed::{write_mixed, MixedOptions, MixedStats, Shape};

/// Parses sizes like `600M`, `1.5G`, `64k`, `500MB`, `1GiB` or plain bytes
/// (suffixes are binary: K = 1024).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(trimmed.len());
    let (number, suffix) = trimmed.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("invalid size {text:?}"))?;
    let multiplier: u64 = match suffix.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        other => return Err(format!("unknown size suffix {other:?} in {text:?}")),
    };
    let bytes = value * multiplier as f64;
    if !bytes.is_finite() || bytes < 0.0 || bytes > u64::MAX as f64 {
        return Err(format!("size out of range: {text:?}"));
    }
    Ok(bytes as u64)
}

/// Renders `{"kind":"...","name":value,...}` on one line.
pub fn json_object(kind: &str, fields: &[(&str, u64)]) -> String {
    let mut json = format!("{{\"kind\":\"{kind}\"");
    for (name, value) in fields {
        json.push_str(&format!(",\"{name}\":{value}"));
    }
    json.push('}');
    json
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("600M"), Ok(600 << 20));
        assert_eq!(parse_size("1.5G"), Ok(3 << 29));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("2kb"), Ok(2048));
        assert!(parse_size("12Q").is_err());
        assert!(parse_size("").is_err());
    }
}
