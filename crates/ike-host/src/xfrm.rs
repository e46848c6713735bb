//! Whether the kernel can hold an ESP SA, decided by a real test rather than by module lists:
//! `ip xfrm state add` of an ESP SA in a fresh network namespace (`unshare --net`), so the
//! host's own SAs and policies are never touched. Needs root (a namespace of one's own) and
//! `ip`; without them the result says it was not tested.
use std::process::{Command, Stdio};

use serde::Serialize;

/// An algorithm pair an ESP SA is tried with, in `ip xfrm` syntax.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EspAlgorithm {
    /// How the algorithm is named in proposals (charon notation).
    pub name: String,
    /// The `ip xfrm state add` arguments after `proto esp spi ... mode tunnel`.
    #[serde(skip)]
    pub args: Vec<String>,
}

/// A key of `bits` bits in `ip xfrm`'s hex.
fn key(bits: usize) -> String {
    let mut k = String::from("0x");
    for i in 0..bits / 8 {
        k.push_str(&format!("{:02x}", i % 256));
    }
    k
}

/// The kernel's spelling of one ESP proposal's first cipher and integrity algorithm (charon's
/// names, as `ike_config::proposal::Proposal` holds them), or `None` for one with no kernel
/// counterpart here.
pub fn algorithm_for(encryption: &str, integrity: Option<&str>) -> Option<EspAlgorithm> {
    let bits = |prefix: &str| encryption.strip_prefix(prefix)?.parse::<usize>().ok();
    let aead = |name: &str, key_bits: usize| {
        vec![
            "aead".to_owned(),
            name.to_owned(),
            key(key_bits),
            "128".to_owned(),
        ]
    };
    let enc: Vec<String> = if let Some(b) = bits("AES_GCM_16_") {
        aead("rfc4106(gcm(aes))", b + 32)
    } else if encryption == "CHACHA20_POLY1305" || encryption == "CHACHA20_POLY1305_256" {
        aead("rfc7539esp(chacha20,poly1305)", 288)
    } else if let Some(b) = bits("AES_CBC_") {
        vec!["enc".into(), "cbc(aes)".into(), key(b)]
    } else if let Some(b) = bits("AES_CTR_") {
        vec!["enc".into(), "rfc3686(ctr(aes))".into(), key(b + 32)]
    } else if encryption == "3DES_CBC" {
        vec!["enc".into(), "cbc(des3_ede)".into(), key(192)]
    } else {
        return None;
    };
    let mut args = enc;
    let is_aead = args.first().is_some_and(|a| a == "aead");
    if !is_aead {
        let (alg, key_bits, trunc) = match integrity? {
            "HMAC_SHA1_96" => ("hmac(sha1)", 160, 96),
            "HMAC_SHA2_256_128" => ("hmac(sha256)", 256, 128),
            "HMAC_SHA2_384_192" => ("hmac(sha384)", 384, 192),
            "HMAC_SHA2_512_256" => ("hmac(sha512)", 512, 256),
            "AES_XCBC_96" => ("xcbc(aes)", 128, 96),
            _ => return None,
        };
        args.extend([
            "auth-trunc".to_owned(),
            alg.to_owned(),
            key(key_bits),
            trunc.to_string(),
        ]);
    }
    let name = match integrity {
        Some(i) if !is_aead => format!("{encryption}/{i}"),
        _ => encryption.to_owned(),
    };
    Some(EspAlgorithm { name, args })
}

/// The ciphers strongSwan's and Libreswan's default ESP proposals start with: tried when the
/// local configuration names none.
pub fn default_algorithms() -> Vec<EspAlgorithm> {
    [
        ("AES_CBC_128", Some("HMAC_SHA2_256_128")),
        ("AES_GCM_16_128", None),
    ]
    .iter()
    .filter_map(|(e, i)| algorithm_for(e, *i))
    .collect()
}

/// What the test found for one algorithm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum EspSupport {
    Supported {
        algorithm: String,
    },
    /// The kernel refused the SA: its words (e.g. "Protocol not supported").
    Refused {
        algorithm: String,
        kernel_said: String,
    },
    /// The test could not run (not root, no `ip`, no `unshare`): why.
    NotTested {
        why: String,
    },
}

/// Tries an ESP SA with each algorithm in a fresh network namespace.
pub fn test_esp(algorithms: &[EspAlgorithm]) -> Vec<EspSupport> {
    // The effective user, from /proc/self/status's `Uid:` line (real, effective, ...).
    let root = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|euid| euid == "0"))
        })
        .unwrap_or(false);
    if !root {
        return vec![EspSupport::NotTested {
            why: "not root: a network namespace of its own is needed to try an SA".into(),
        }];
    }
    algorithms
        .iter()
        .map(|a| {
            let mut args = vec![
                "--net",
                "--",
                "ip",
                "xfrm",
                "state",
                "add",
                "src",
                "192.0.2.1",
                "dst",
                "192.0.2.2",
                "proto",
                "esp",
                "spi",
                "0x100",
                "mode",
                "tunnel",
            ];
            args.extend(a.args.iter().map(String::as_str));
            match Command::new("unshare")
                .args(&args)
                .stdin(Stdio::null())
                .output()
            {
                Err(e) => EspSupport::NotTested {
                    why: format!("`unshare`/`ip` could not run: {e}"),
                },
                Ok(out) if out.status.success() => EspSupport::Supported {
                    algorithm: a.name.clone(),
                },
                Ok(out) => {
                    let said = String::from_utf8_lossy(&out.stderr);
                    let said: String = said.trim().chars().take(200).collect();
                    // The kernel's refusals come back as netlink errors; anything else is the
                    // tools' (an old or BusyBox `ip`, no unshare), not the kernel's.
                    let kernel =
                        said.starts_with("RTNETLINK answers") || said.starts_with("Error:");
                    if !kernel {
                        EspSupport::NotTested { why: said }
                    } else {
                        EspSupport::Refused {
                            algorithm: a.name.clone(),
                            kernel_said: said,
                        }
                    }
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_spellings() {
        let a = algorithm_for("AES_CBC_256", Some("HMAC_SHA2_256_128")).expect("an algorithm");
        assert_eq!(a.name, "AES_CBC_256/HMAC_SHA2_256_128");
        assert_eq!(a.args[0..2], ["enc", "cbc(aes)"]);
        assert_eq!(a.args[2].len(), 2 + 64);
        assert_eq!(
            a.args[4..],
            ["hmac(sha256)".to_owned(), key(256), "128".to_owned()]
        );
        let g = algorithm_for("AES_GCM_16_256", None).expect("an algorithm");
        assert_eq!(g.args[1], "rfc4106(gcm(aes))");
        assert_eq!(g.args[2].len(), 2 + 72);
        assert!(algorithm_for("CAMELLIA_CBC_128", Some("HMAC_SHA1_96")).is_none());
        assert_eq!(default_algorithms().len(), 2);
    }
}
