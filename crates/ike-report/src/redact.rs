//! `--redact`: a report that can be posted in a public thread. Public addresses, identities and
//! certificate subjects are replaced by placeholders, the same input by the same placeholder
//! everywhere in the report (`addr-1`, `id-2`, `dn-1`), so the story stays readable.
//!
//! Identities are collected from what the evidence holds (decrypted ID payloads, certificate
//! subjects, issuers and subjectAltNames, quoted identities of log lines), then replaced in the
//! rendered report, which therefore covers every format the same way. Addresses are found in the
//! rendered text itself; private, loopback and link-local addresses say nothing about who the
//! user is and are kept.
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ike_timeline::{EventKind, Timeline};

#[derive(Default)]
pub struct Redactor {
    /// Identity strings to replace, longest first, with their placeholders.
    names: Vec<(String, String)>,
}

/// An address that tells nothing about the user's network to the public.
fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || (o[0] == 100 && (64..128).contains(&o[1]))
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| is_private(IpAddr::V4(v4)))
        }
    }
}

/// Quoted (`'id'`, `"id"`) and bracketed (`192.0.2.1[id]`, as charon writes an address with its
/// identity) pieces of a log line that name an identity: a name with a dot or `@`, or a DN.
fn quoted_identities(text: &str, out: &mut Vec<String>) {
    for piece in text.split('[').skip(1) {
        let Some((inside, _)) = piece.split_once(']') else {
            continue;
        };
        let is_name = (inside.contains('@') || inside.contains('.') || inside.contains("CN="))
            && !inside.contains(' ')
            && inside.parse::<IpAddr>().is_err();
        if (3..=256).contains(&inside.len()) && is_name {
            out.push(inside.trim_start_matches('@').to_owned());
        }
    }
    for quote in ['\'', '"'] {
        let mut parts = text.split(quote);
        parts.next();
        while let Some(inside) = parts.next() {
            let dn = inside.contains("CN=") || inside.contains("O=");
            let name = (inside.contains('@') || inside.contains('.')) && !inside.contains(' ');
            let looks_like_identity = (3..=256).contains(&inside.len()) && (dn || name);
            if looks_like_identity && inside.parse::<IpAddr>().is_err() {
                out.push(inside.trim_start_matches('@').to_owned());
            }
            // Skip the text between this quoted piece and the next one.
            parts.next();
        }
    }
}

impl Redactor {
    pub fn from_timeline(timeline: &Timeline) -> Redactor {
        let mut identities: Vec<String> = Vec::new();
        let mut subjects: Vec<String> = Vec::new();
        for event in &timeline.events {
            match &event.kind {
                EventKind::Ike(m) => {
                    if let Some(inner) = m.inner() {
                        for id in [&inner.id_i, &inner.id_r].into_iter().flatten() {
                            identities.push(ike_timeline::inner::id_display(id));
                        }
                    }
                }
                EventKind::Certificate(c) => {
                    subjects.push(c.info.subject.clone());
                    subjects.push(c.info.issuer.clone());
                    identities.extend(c.info.san_list());
                }
                EventKind::Log(l) => quoted_identities(&l.record.text, &mut identities),
                _ => {}
            }
        }
        let mut names: Vec<(String, String)> = Vec::new();
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut add = |value: String, kind: &str, names: &mut Vec<(String, String)>| {
            let value = value.trim().to_owned();
            if value.len() < 3 || value.parse::<IpAddr>().is_ok() || seen.contains_key(&value) {
                return;
            }
            let n = seen.values().filter(|p| p.starts_with(kind)).count() + 1;
            let placeholder = format!("{kind}-{n}");
            seen.insert(value.clone(), placeholder.clone());
            names.push((value, placeholder));
        };
        for s in subjects {
            add(s, "dn", &mut names);
        }
        for id in identities {
            if id.contains('=') {
                add(id, "dn", &mut names);
            } else {
                add(id, "id", &mut names);
            }
        }
        // Longest first: a DN is replaced whole before a name inside it.
        names.sort_by_key(|n| std::cmp::Reverse(n.0.len()));
        Redactor { names }
    }

    /// The report with identities and public addresses replaced.
    pub fn apply(&self, report: &str) -> String {
        let mut text = report.to_owned();
        for (value, placeholder) in &self.names {
            if text.contains(value.as_str()) {
                text = text.replace(value.as_str(), placeholder);
            }
        }
        redact_addresses(&text)
    }
}

/// Replaces every public IPv4 and IPv6 address in `text`, the same address by the same
/// placeholder.
fn redact_addresses(text: &str) -> String {
    let mut placeholders: HashMap<IpAddr, String> = HashMap::new();
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let is_addr_char = |b: u8| b.is_ascii_hexdigit() || b == b'.' || b == b':';
    let mut i = 0;
    while i < bytes.len() {
        if !is_addr_char(bytes[i]) || (i > 0 && (bytes[i - 1].is_ascii_alphanumeric())) {
            let ch = text[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        let start = i;
        let mut end = i;
        while end < bytes.len() && is_addr_char(bytes[end]) {
            end += 1;
        }
        let token = &text[start..end];
        match longest_address(token) {
            Some((ip, len))
                if !is_private(ip)
                    && !bytes
                        .get(start + len)
                        .is_some_and(|b| b.is_ascii_alphanumeric()) =>
            {
                let n = placeholders.len() + 1;
                let placeholder = placeholders
                    .entry(ip)
                    .or_insert_with(|| format!("addr-{n}"));
                out.push_str(placeholder);
                i = start + len;
            }
            _ => {
                out.push_str(token);
                i = end;
            }
        }
    }
    out
}

/// The longest prefix of `token` that is an address (an IPv6 address may be followed by `:port`
/// only in brackets, an IPv4 address by `:port`).
fn longest_address(token: &str) -> Option<(IpAddr, usize)> {
    // The longest address with brackets and port is well under 64 characters.
    for len in (2..=token.len().min(64)).rev() {
        let candidate = &token[..len];
        if candidate.contains(':') {
            if let Ok(v6) = candidate.parse::<Ipv6Addr>() {
                return Some((IpAddr::V6(v6), len));
            }
        } else if candidate.matches('.').count() == 3 {
            if let Ok(v4) = candidate.parse::<Ipv4Addr>() {
                return Some((IpAddr::V4(v4), len));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_addresses_are_replaced_consistently_private_ones_kept() {
        let text = "from 203.0.113.5[500] to 10.0.0.1[500]; 203.0.113.5:4500 and [2001:db8::7]:500, 2001:db8::7; v1.2.3 0.5 s";
        let out = redact_addresses(text);
        assert_eq!(
            out,
            "from addr-1[500] to 10.0.0.1[500]; addr-1:4500 and [addr-2]:500, addr-2; v1.2.3 0.5 s"
        );
    }

    #[test]
    fn identities_in_quotes() {
        let mut found = Vec::new();
        quoted_identities(
            "tried 1 shared key for 'gw.example.net' - '@laptop.example.net', but MAC mismatched; 'x'",
            &mut found,
        );
        assert_eq!(found, ["gw.example.net", "laptop.example.net"]);
        let mut found = Vec::new();
        quoted_identities(
            "looking for peer configs matching 203.0.113.5[vpn.example.org]...198.51.100.7[alice@example.org] [ SA KE ] 10.0.0.1[500]",
            &mut found,
        );
        assert_eq!(found, ["vpn.example.org", "alice@example.org"]);
    }
}
