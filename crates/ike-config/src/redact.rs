//! Secrets taken out of configuration text before it leaves the host (`ike-doctor collect`):
//! swanctl.conf's `secret = ...` and `pin = ...` (also on one line with braces, and quoted
//! values over several lines), the values of ipsec.secrets entries (`: PSK "..."`, `: EAP`,
//! `: XAUTH`, `: NTLM`, `: PIN`, Libreswan's `: PPKS`, the passphrases of `: RSA`/`: P12` key
//! files, and whole `: RSA { ... }` key blocks), and the values of a NetworkManager keyfile's
//! `[vpn-secrets]` section. Commented-out secrets are secrets too. Everything else is kept as
//! written, so the redacted files are still read as configurations (their secrets then count
//! as not given).

/// What stands where a secret was.
pub const REDACTED: &str = "<redacted>";

/// Kinds of ipsec.secrets entries whose whole value is a secret.
const VALUE_SECRETS: &[&str] = &["PSK", "EAP", "XAUTH", "NTLM", "PIN", "PPKS", "PPK"];
/// Kinds naming a key file, with an optional passphrase (or, for RSA, a key block).
const KEY_FILES: &[&str] = &["RSA", "ECDSA", "P12", "PKCS8", "BLISS", "PRIVATE"];
/// swanctl.conf keys whose value is a secret.
const SWANCTL_KEYS: &[&str] = &["secret", "pin"];

/// What the lines before this one left open.
#[derive(Default)]
struct State {
    in_nm_secrets: bool,
    /// Inside `: RSA { ... }`: its depth of braces.
    key_block: usize,
    /// Inside a quoted secret that did not end on its line.
    open_quote: bool,
    /// After an ipsec.secrets entry whose value is on the next, indented lines.
    continued_secret: bool,
}

/// `text` with its secrets replaced, and how many were.
pub fn redact_secrets(text: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut count = 0;
    let mut state = State::default();
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let ending = &line[body.len()..];
        match redact_line(body, &mut state) {
            Some(r) => {
                count += 1;
                out.push_str(&r);
            }
            None => out.push_str(body),
        }
        out.push_str(ending);
    }
    (out, count)
}

/// One line: `Some` with its redacted form when it held (part of) a secret.
fn redact_line(body: &str, state: &mut State) -> Option<String> {
    let indent = &body[..body.len() - body.trim_start().len()];
    if state.continued_secret {
        // Indented lines continue the entry (its value); the next record starts at column 0.
        if body.starts_with([' ', '\t']) && !body.trim().is_empty() {
            return Some(format!("{indent}{REDACTED}"));
        }
        state.continued_secret = false;
    }
    if state.open_quote {
        // The rest of a quoted secret: up to its closing quote.
        return Some(match closing_quote(body) {
            Some(end) => {
                state.open_quote = false;
                format!("{indent}{REDACTED}{}", &body[end..])
            }
            None => format!("{indent}{REDACTED}"),
        });
    }
    if state.key_block > 0 {
        let opens = body.matches('{').count();
        let closes = body.matches('}').count();
        state.key_block = (state.key_block + opens).saturating_sub(closes);
        return Some(if state.key_block == 0 {
            format!("{indent}}}")
        } else {
            format!("{indent}{REDACTED}")
        });
    }
    let trimmed = body.trim_start();
    // A commented-out line is read as the line it was: an old secret is still a secret.
    let comment = trimmed.len() - trimmed.trim_start_matches(['#', ';']).len();
    let (prefix, content) = body.split_at(indent.len() + comment);
    if comment == 0 && trimmed.starts_with('[') {
        state.in_nm_secrets = trimmed.starts_with("[vpn-secrets]");
        return None;
    }
    let redacted = if state.in_nm_secrets && comment == 0 && content.contains('=') {
        content
            .split_once('=')
            .map(|(k, _)| format!("{k}={REDACTED}"))
    } else if let Some(r) = swanctl_secrets(content, state) {
        Some(r)
    } else {
        ipsec_secret(content, state)
    };
    redacted.map(|r| format!("{prefix}{r}"))
}

/// `secret = value` and `pin = value` (swanctl.conf), wherever on the line (`x { secret = y }`).
fn swanctl_secrets(content: &str, state: &mut State) -> Option<String> {
    let mut out = String::new();
    let mut rest = content;
    let mut found = false;
    while let Some((head, value)) = next_swanctl_key(rest) {
        found = true;
        out.push_str(head);
        out.push(' ');
        out.push_str(REDACTED);
        let value = value.trim_start();
        rest = if let Some(quoted) = value.strip_prefix('"') {
            match closing_quote(quoted) {
                Some(end) => &quoted[end + 1..],
                None => {
                    state.open_quote = true;
                    ""
                }
            }
        } else {
            // An unquoted value runs to a comment, a closing brace or the end of the line
            // (strongSwan joins its words with blanks).
            value.find(['#', '}']).map_or("", |end| &value[end..])
        };
    }
    found.then(|| {
        out.push_str(rest);
        out
    })
}

/// The next `key =` of [`SWANCTL_KEYS`] on the line (a key, not the end of a longer word):
/// the text up to its `=`, and the text after.
fn next_swanctl_key(text: &str) -> Option<(&str, &str)> {
    let bytes = text.as_bytes();
    let mut from = 0;
    loop {
        let (at, key) = SWANCTL_KEYS
            .iter()
            .filter_map(|k| text[from..].find(k).map(|i| (from + i, *k)))
            .min_by_key(|(i, _)| *i)?;
        let starts_word = at == 0 || matches!(bytes[at - 1], b' ' | b'\t' | b'{');
        let after_key = &text[at + key.len()..];
        let gap = after_key.len() - after_key.trim_start().len();
        if starts_word && after_key[gap..].starts_with('=') {
            let eq = at + key.len() + gap + 1;
            return Some((&text[..eq], &text[eq..]));
        }
        from = at + key.len();
    }
}

/// An ipsec.secrets entry: `IDs : TYPE value`; the value (or a key file's passphrase, or a
/// whole key block) goes.
fn ipsec_secret(content: &str, state: &mut State) -> Option<String> {
    let mut search = 0;
    while let Some(i) = content[search..].find(':') {
        let colon = search + i;
        search = colon + 1;
        let after = &content[colon + 1..];
        let word_start = after.len() - after.trim_start().len();
        let word: String = after[word_start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let kind = word.to_ascii_uppercase();
        // `: TYPE`, `:TYPE` (the daemons split at the colon); an IPv6 address's colons or a
        // `Modulus:` are followed by no such word.
        let known = VALUE_SECRETS.contains(&kind.as_str()) || KEY_FILES.contains(&kind.as_str());
        if !known {
            continue;
        }
        let value = &after[word_start + word.len()..];
        if !value.is_empty() && !value.starts_with([' ', '\t', '{']) {
            continue;
        }
        let head = &content[..colon + 1 + word_start + word.len()];
        if VALUE_SECRETS.contains(&kind.as_str()) {
            if value.trim().is_empty() {
                // The value is on the indented lines that follow.
                state.continued_secret = true;
                return Some(head.to_owned());
            }
            if let Some(quoted) = value.trim_start().strip_prefix('"') {
                if closing_quote(quoted).is_none() {
                    state.open_quote = true;
                }
            }
            return Some(format!("{head} \"{REDACTED}\""));
        }
        if KEY_FILES.contains(&kind.as_str()) {
            let value = value.trim();
            if let Some(block) = value.strip_prefix('{') {
                // A key given inline (`: RSA {` and its fields up to `}`).
                let depth = 1 + block.matches('{').count();
                state.key_block = depth.saturating_sub(block.matches('}').count());
                return Some(format!(
                    "{head} {{ {REDACTED}{}",
                    if state.key_block == 0 { " }" } else { "" }
                ));
            }
            let mut words = value.split_whitespace();
            let file = words.next().unwrap_or_default();
            return words
                .next()
                .is_some()
                .then(|| format!("{head} {file} \"{REDACTED}\""));
        }
    }
    None
}

/// Where the quoted text `s` (after its opening quote) ends: its first quote not escaped by a
/// backslash.
fn closing_quote(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(i),
            _ => escaped = false,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redacted(text: &str) -> (String, usize) {
        redact_secrets(text)
    }

    #[test]
    fn every_kind_of_secret() {
        let swanctl = "secrets {\n    ike-1 {\n        id = gw\n        secret = \"s3cr3t-psk-value\"\n    }\n    eap-a {\n        secret=0x6162\n    }\n}\n";
        let (r, n) = redacted(swanctl);
        assert_eq!(n, 2);
        assert!(!r.contains("s3cr3t") && !r.contains("0x6162"), "{r}");
        assert!(
            r.contains("        secret = <redacted>\n") && r.contains("id = gw"),
            "{r}"
        );
        let secrets = "@a @b : PSK \"top secret\"\n: RSA key.pem \"passphrase1\"\n: RSA other.pem\nalice : EAP 0sYWxpY2U=\n";
        let (r, n) = redacted(secrets);
        assert_eq!(n, 3, "{r}");
        for s in ["top secret", "passphrase1", "YWxpY2U"] {
            assert!(!r.contains(s), "{r}");
        }
        assert!(r.contains(": RSA key.pem \"<redacted>\"") && r.contains(": RSA other.pem\n"));
        let nm = "[vpn]\naddress=1.2.3.4\n[vpn-secrets]\npassword=hunter2\n[ipv4]\nmethod=auto\n";
        let (r, n) = redacted(nm);
        assert_eq!(n, 1);
        assert!(
            !r.contains("hunter2") && r.contains("method=auto") && r.contains("address=1.2.3.4")
        );
    }

    /// The shapes a line-by-line reading misses: comments, blanks, tabs, braces on one line,
    /// quotes over lines, key blocks, PPKs and token PINs.
    #[test]
    fn secrets_in_every_shape() {
        let cases: &[(&str, &[&str])] = &[
            ("# @a @b : PSK \"old-secret\"\n", &["old-secret"]),
            ("  #secret = old-secret\n", &["old-secret"]),
            ("@a @b :   PSK \"spaced-secret\"\n", &["spaced-secret"]),
            ("@a @b :\tPSK\t\"tabbed-secret\"\n", &["tabbed-secret"]),
            ("@a @b : psk \"lower-secret\"\n", &["lower-secret"]),
            (
                "@west @east : PPKS \"ppk-id\" \"post-quantum-secret\"\n",
                &["post-quantum-secret"],
            ),
            (
                "secrets { ike-x { id = a secret = one-line-secret } }\n",
                &["one-line-secret"],
            ),
            ("token-1 {\n  handle = 01\n  pin = 123456\n}\n", &["123456"]),
            (
                "ike-1 {\n  secret = \"first-part\n  second-part\"\n  id = x\n}\n",
                &["first-part", "second-part"],
            ),
            ("ike-1 {\n  secret = my pass phrase\n}\n", &["pass", "phrase"]),
            ("ike-1 {\n  secret = \"ab\\\"cd-escaped\"\n}\n", &["cd-escaped"]),
            ("@a :PSK \"no-blank-secret\"\n", &["no-blank-secret"]),
            ("@a:PSK \"no-blank-at-all\"\n", &["no-blank-at-all"]),
            ("@a @b : PSK\n    \"continued-secret\"\n", &["continued-secret"]),
            (
                ": RSA {\n\tModulus: 0xabcdef\n\tPrivateExponent: 0x123456\n\t}\n@b : PSK \"after-block\"\n",
                &["0xabcdef", "0x123456", "after-block"],
            ),
        ];
        for (text, secrets) in cases {
            let (r, n) = redacted(text);
            assert!(n > 0, "nothing redacted in {text:?}");
            for s in *secrets {
                assert!(!r.contains(s), "{s} kept in {r:?}");
            }
        }
        // What is not a secret stays as written.
        let (r, _) = redacted("ike-1 {\n  secret = \"a\nb\"\n  id = kept-id\n}\n");
        assert!(r.contains("id = kept-id") && r.ends_with("}\n"), "{r}");
        let (r, _) = redacted(": RSA {\n\tModulus: 0xab\n\t}\nconn x\n\tleft=1.2.3.4\n");
        assert!(r.contains("left=1.2.3.4") && r.contains("conn x"), "{r}");
        let (r, _) = redacted("@a @b : PSK\n    \"s\"\nconn next\n");
        assert!(r.ends_with("conn next\n"), "{r}");
        let plain = "conn x\n\tleftid=@a\n\tleft=fe80::1\n\tpinned = no\n\tsecretary=x\n";
        assert_eq!(redacted(plain), (plain.to_owned(), 0));
    }
}
