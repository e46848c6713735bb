//! Whether the kernel can hold an ESP SA, decided by a real test rather than by module lists:
//! `ip xfrm state add` of an ESP SA in a fresh network namespace (`unshare --net`), so the
//! host's own SAs and policies are never touched. Needs root (a namespace of one's own) and
//! `ip`; without them the result says it was not tested.
use std::process::{Command, Stdio};

use serde::Serialize;

/// An algorithm pair an ESP SA is tried with, in `ip xfrm` syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EspAlgorithm {
    /// How the algorithm is named in proposals (charon notation).
    pub name: &'static str,
    /// The `ip xfrm state add` arguments after `proto esp spi ... mode tunnel`.
    #[serde(skip)]
    pub args: &'static [&'static str],
}

/// The ciphers strongSwan's and Libreswan's default ESP proposals start with.
pub const DEFAULT_ALGORITHMS: &[EspAlgorithm] = &[
    EspAlgorithm {
        name: "AES_CBC_128/HMAC_SHA2_256_128",
        args: &[
            "enc",
            "cbc(aes)",
            "0x000102030405060708090a0b0c0d0e0f",
            "auth-trunc",
            "hmac(sha256)",
            "0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            "128",
        ],
    },
    EspAlgorithm {
        name: "AES_GCM_16_128",
        args: &[
            "aead",
            "rfc4106(gcm(aes))",
            "0x000102030405060708090a0b0c0d0e0f10111213",
            "128",
        ],
    },
];

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
            args.extend_from_slice(a.args);
            match Command::new("unshare")
                .args(&args)
                .stdin(Stdio::null())
                .output()
            {
                Err(e) => EspSupport::NotTested {
                    why: format!("`unshare`/`ip` could not run: {e}"),
                },
                Ok(out) if out.status.success() => EspSupport::Supported {
                    algorithm: a.name.to_owned(),
                },
                Ok(out) => {
                    let said = String::from_utf8_lossy(&out.stderr);
                    let said: String = said.trim().chars().take(200).collect();
                    if said.contains("unshare:") || said.contains("No such file") {
                        EspSupport::NotTested { why: said }
                    } else {
                        EspSupport::Refused {
                            algorithm: a.name.to_owned(),
                            kernel_said: said,
                        }
                    }
                }
            }
        })
        .collect()
}
