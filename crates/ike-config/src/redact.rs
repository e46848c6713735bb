//! Secrets taken out of configuration text before it leaves the host (`ike-doctor collect`):
//! swanctl.conf's `secret = ...`, the values of ipsec.secrets entries (`: PSK "..."`, `: EAP`,
//! `: XAUTH`, `: NTLM`, `: PIN`, and the passphrases of `: RSA`/`: P12` key files), and the
//! values of a NetworkManager keyfile's `[vpn-secrets]` section. Everything else is kept as
//! written, so the redacted files are still read as configurations (their secrets then count
//! as not given).

/// What stands where a secret was.
pub const REDACTED: &str = "<redacted>";

/// `text` with its secrets replaced, and how many were.
pub fn redact_secrets(text: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut count = 0;
    let mut in_nm_secrets = false;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let ending = &line[body.len()..];
        let trimmed = body.trim_start();
        if trimmed.starts_with('[') {
            in_nm_secrets = trimmed.starts_with("[vpn-secrets]");
        }
        let redacted = if trimmed.starts_with('#') {
            None
        } else if in_nm_secrets && trimmed.contains('=') && !trimmed.starts_with('[') {
            body.split_once('=').map(|(k, _)| format!("{k}={REDACTED}"))
        } else if let Some(rest) = swanctl_secret(trimmed) {
            let indent = &body[..body.len() - trimmed.len()];
            Some(format!("{indent}{} {REDACTED}", rest.trim_end()))
        } else {
            ipsec_secret(body)
        };
        match redacted {
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

/// `secret = value` (swanctl.conf): the part before the value.
fn swanctl_secret(trimmed: &str) -> Option<&str> {
    let (key, _) = trimmed.split_once('=')?;
    (key.trim() == "secret").then(|| &trimmed[..key.len() + 1])
}

/// An ipsec.secrets entry: `IDs : TYPE value`; the value (or a key file's passphrase) goes.
fn ipsec_secret(body: &str) -> Option<String> {
    let upper = body.to_ascii_uppercase();
    for kind in [
        "PSK", "EAP", "XAUTH", "NTLM", "PIN", "RSA", "ECDSA", "P12", "PKCS8", "BLISS",
    ] {
        let marker = format!(": {kind}");
        let Some(at) = upper.find(&marker) else {
            continue;
        };
        let head_end = at + marker.len();
        let (head, rest) = body.split_at(head_end);
        if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
            continue;
        }
        return Some(match kind {
            // A key file and its optional passphrase: the file stays, the passphrase goes.
            "RSA" | "ECDSA" | "P12" | "PKCS8" | "BLISS" => {
                let mut words = rest.split_whitespace();
                let file = words.next().unwrap_or_default();
                if words.next().is_some() {
                    format!("{head} {file} \"{REDACTED}\"")
                } else {
                    return None;
                }
            }
            _ => format!("{head} \"{REDACTED}\""),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_secret() {
        let swanctl = "secrets {\n    ike-1 {\n        id = gw\n        secret = \"s3cr3t-psk-value\"\n    }\n    eap-a {\n        secret=0x6162\n    }\n}\n";
        let (r, n) = redact_secrets(swanctl);
        assert_eq!(n, 2);
        assert!(!r.contains("s3cr3t") && !r.contains("0x6162"), "{r}");
        assert!(
            r.contains("        secret = <redacted>\n") && r.contains("id = gw"),
            "{r}"
        );
        let secrets = "@a @b : PSK \"top secret\"\n: RSA key.pem \"passphrase1\"\n: RSA other.pem\nalice : EAP 0sYWxpY2U=\n# : PSK \"comment\"\n";
        let (r, n) = redact_secrets(secrets);
        assert_eq!(n, 3, "{r}");
        for s in ["top secret", "passphrase1", "YWxpY2U"] {
            assert!(!r.contains(s), "{r}");
        }
        assert!(r.contains(": RSA key.pem \"<redacted>\"") && r.contains(": RSA other.pem\n"));
        assert!(r.contains("# : PSK \"comment\""));
        let nm = "[vpn]\naddress=1.2.3.4\n[vpn-secrets]\npassword=hunter2\n[ipv4]\nmethod=auto\n";
        let (r, n) = redact_secrets(nm);
        assert_eq!(n, 1);
        assert!(
            !r.contains("hunter2") && r.contains("method=auto") && r.contains("address=1.2.3.4")
        );
    }
}
