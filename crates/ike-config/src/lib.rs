//! Configurations of IKE peers as evidence: strongSwan's swanctl.conf (with includes and
//! `default` proposals), Libreswan's ipsec.conf and ipsec.secrets, the clients' own forms (the
//! Android app's `.sswan`, Apple's `.mobileconfig`, NetworkManager connections, the Windows
//! client's PowerShell, rasphone.pbk and registry) and cloud gateways' exports (AWS, Azure,
//! Google Cloud), each read into one typed model of an IKE peer ([`model::PeerConfig`]) whose every value carries the line it comes
//! from, or none where an implementation's default ([`defaults`]) applies. Secrets are kept as
//! fingerprints and lengths, never as text. The kind of a file is found from its content.
//!
//! The proposal notation shared with the diagnosis engine ([`proposal`]) lives here: configs
//! are where its keywords come from.

pub mod apple;
pub mod cloud;
pub mod defaults;
pub mod libreswan;
pub mod model;
pub mod networkmanager;
pub mod profiles;
pub mod proposal;
pub mod redact;
pub mod settings;
pub mod sswan;
pub mod stroke;
pub mod swanctl;
pub mod windows;

use std::path::{Path, PathBuf};

pub use model::{ConfigSet, Implementation, Line, PeerConfig};

/// Largest configuration file read (a configuration is text of a few kilobytes; a bigger file
/// is not one).
const MAX_FILE_BYTES: u64 = 4 << 20;
/// Most files one end's includes may open.
const MAX_INCLUDED_FILES: usize = 256;

/// What a file holds, found from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigKind {
    /// strongSwan's swanctl.conf (or a file of its `conf.d`).
    Swanctl,
    /// strongSwan's daemon settings (strongswan.conf): no connection in it.
    StrongswanSettings,
    /// An ipsec.conf: Libreswan's (or a file of `ipsec.d`), or strongSwan's legacy one.
    LibreswanConf,
    /// ipsec.secrets.
    IpsecSecrets,
    /// The strongSwan Android app's `.sswan` profile.
    Sswan,
    /// An Apple configuration profile (`.mobileconfig`), signed or not.
    AppleProfile,
    /// A NetworkManager connection (keyfile or `nmcli` output) of the strongSwan or Libreswan
    /// plugin.
    NetworkManager,
    /// The Windows built-in client: PowerShell output or commands, rasphone.pbk, the registry.
    Windows,
    /// A cloud gateway's tunnel settings as its API exports them.
    Cloud(cloud::CloudKind),
}

impl ConfigKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigKind::Swanctl => "swanctl.conf",
            ConfigKind::StrongswanSettings => "strongswan.conf",
            ConfigKind::LibreswanConf => "ipsec.conf (Libreswan or strongSwan)",
            ConfigKind::IpsecSecrets => "ipsec.secrets",
            ConfigKind::Sswan => ".sswan (strongSwan for Android)",
            ConfigKind::AppleProfile => ".mobileconfig (Apple configuration profile)",
            ConfigKind::NetworkManager => "NetworkManager connection",
            ConfigKind::Windows => "Windows VPN connection",
            ConfigKind::Cloud(cloud::CloudKind::Aws) => "AWS Site-to-Site VPN connection",
            ConfigKind::Cloud(cloud::CloudKind::Azure) => "Azure VPN connection",
            ConfigKind::Cloud(cloud::CloudKind::GoogleCloud) => "Google Cloud VPN tunnel",
        }
    }
}

/// The kind of configuration `bytes` hold, if any.
pub fn detect(bytes: &[u8]) -> Option<ConfigKind> {
    if apple::looks_like(bytes) {
        return Some(ConfigKind::AppleProfile);
    }
    detect_text(&String::from_utf8_lossy(bytes))
}

fn detect_text(text: &str) -> Option<ConfigKind> {
    if sswan::looks_like(text) {
        return Some(ConfigKind::Sswan);
    }
    if let Some(kind) = cloud::looks_like(text) {
        return Some(ConfigKind::Cloud(kind));
    }
    if networkmanager::looks_like(text) {
        return Some(ConfigKind::NetworkManager);
    }
    let mut conn_lines = 0;
    let mut secret_lines = 0;
    for line in text.lines().take(2000) {
        let trimmed = line.trim();
        if trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        let word = trimmed
            .split(|c: char| c.is_whitespace() || c == '{')
            .next()
            .unwrap_or_default();
        if !line.starts_with(char::is_whitespace) {
            match word {
                "connections" | "secrets" | "pools" | "authorities"
                    if trimmed.contains('{') || trimmed == word =>
                {
                    return Some(ConfigKind::Swanctl)
                }
                "charon" | "libstrongswan" | "swanctl" | "charon-systemd"
                    if trimmed.contains('{') =>
                {
                    return Some(ConfigKind::StrongswanSettings)
                }
                "conn" | "config" => conn_lines += 1,
                _ => {}
            }
        }
        let upper = trimmed.to_ascii_uppercase();
        if [": PSK", ": RSA", ": XAUTH", ": EAP", ": ECDSA"]
            .iter()
            .any(|k| upper.contains(k))
        {
            secret_lines += 1;
        }
    }
    // A daemon's file may mention a Windows cmdlet or registry value in a comment: the
    // Windows forms are tried after the daemons' own.
    if conn_lines > 0 {
        Some(ConfigKind::LibreswanConf)
    } else if windows::looks_like(text) {
        Some(ConfigKind::Windows)
    } else if secret_lines > 0 {
        Some(ConfigKind::IpsecSecrets)
    } else {
        None
    }
}

/// Why a file given as configuration was not read.
#[derive(Debug)]
pub enum ReadError {
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    TooLarge {
        path: PathBuf,
        bytes: u64,
    },
    NotAConfig {
        path: PathBuf,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            ReadError::TooLarge { path, bytes } => write!(
                f,
                "{}: {bytes} bytes is too large for a configuration file (at most {MAX_FILE_BYTES})",
                path.display()
            ),
            ReadError::NotAConfig { path } => write!(
                f,
                "{}: not a configuration this tool reads (swanctl.conf, Libreswan ipsec.conf, ipsec.secrets, .sswan, .mobileconfig, NetworkManager, Windows, AWS/Azure/Google Cloud exports)",
                path.display()
            ),
        }
    }
}

impl std::error::Error for ReadError {}

fn read_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path).map_err(|error| ReadError::Io {
        path: path.to_owned(),
        error,
    })?;
    if !meta.is_file() {
        // A device or pipe (`include /dev/zero`) could give bytes forever.
        return Err(ReadError::Io {
            path: path.to_owned(),
            error: std::io::Error::other("not a regular file"),
        });
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge {
            path: path.to_owned(),
            bytes: meta.len(),
        });
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| {
            std::io::Read::read_to_end(&mut std::io::Read::take(f, MAX_FILE_BYTES), &mut bytes)
        })
        .map_err(|error| ReadError::Io {
            path: path.to_owned(),
            error,
        })?;
    Ok(bytes)
}

/// Follows `include` lines on the file system: relative to the including file, `*` and `?`
/// in the file name part, files in name order; at most [`MAX_INCLUDED_FILES`] in all.
struct FileIncludes<'a> {
    files: &'a mut Vec<String>,
    opened: usize,
    errors: Vec<ReadError>,
}

impl settings::Includes for FileIncludes<'_> {
    fn include(&mut self, pattern: &str, from: usize) -> Vec<(usize, String)> {
        let pattern = pattern.trim().trim_matches('"');
        let base = self
            .files
            .get(from)
            .and_then(|f| Path::new(f).parent().map(Path::to_path_buf))
            .unwrap_or_default();
        let full = if Path::new(pattern).is_absolute() {
            PathBuf::from(pattern)
        } else {
            base.join(pattern)
        };
        let mut found = Vec::new();
        let name = full
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.contains(['*', '?']) {
            let dir = full.parent().map(Path::to_path_buf).unwrap_or_default();
            if let Ok(entries) = std::fs::read_dir(&dir) {
                let mut names: Vec<PathBuf> = entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| {
                        p.file_name()
                            .is_some_and(|n| glob_match(&name, &n.to_string_lossy()))
                    })
                    .collect();
                names.sort();
                found = names;
            }
        } else if full.exists() {
            found.push(full);
        }
        let mut out = Vec::new();
        for path in found {
            if self.opened >= MAX_INCLUDED_FILES {
                break;
            }
            self.opened += 1;
            match read_bytes(&path) {
                Ok(bytes) => {
                    self.files.push(path.display().to_string());
                    out.push((
                        self.files.len() - 1,
                        String::from_utf8_lossy(&bytes).into_owned(),
                    ));
                }
                Err(e) => self.errors.push(e),
            }
        }
        out
    }
}

/// `*` and `?` in a file name: the two-pointer match (on a mismatch, the last `*` takes one
/// more character), linear in the name for each `*`, never exponential.
fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Reads the files of one end into one set; what could not be read is returned beside it.
pub fn read_end(paths: &[PathBuf]) -> (ConfigSet, Vec<ReadError>) {
    let mut set = ConfigSet::default();
    let mut errors = Vec::new();
    for path in paths {
        let bytes = match read_bytes(path) {
            Ok(b) => b,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let Some(kind) = detect(&bytes) else {
            errors.push(ReadError::NotAConfig { path: path.clone() });
            continue;
        };
        read_as(
            &mut set,
            &path.display().to_string(),
            &bytes,
            kind,
            &mut errors,
        );
    }
    finish_end(&mut set);
    (set, errors)
}

/// What applies to a whole end once all its files are read (a Windows registry value read
/// before or after the connections it changes).
pub fn finish_end(set: &mut ConfigSet) {
    windows::finish(set);
}

/// Reads `bytes` (of the file `name`, of `kind`) into `set`.
pub fn read_as(
    set: &mut ConfigSet,
    name: &str,
    bytes: &[u8],
    kind: ConfigKind,
    errors: &mut Vec<ReadError>,
) {
    let file = set.add_file(name);
    if kind == ConfigKind::AppleProfile {
        apple::read(bytes, file, set);
        return;
    }
    let text = String::from_utf8_lossy(bytes);
    let text = text.as_ref();
    let mut notes = settings::Notes::default();
    // Includes add files while the readers fill `set`: the file list is lent to them apart.
    let mut files = std::mem::take(&mut set.files);
    let mut includes = FileIncludes {
        files: &mut files,
        opened: set.included_files,
        errors: Vec::new(),
    };
    match kind {
        ConfigKind::Swanctl => {
            let root = settings::parse(text, file, &mut includes, &mut notes);
            swanctl::read(&root, file, set);
        }
        ConfigKind::LibreswanConf => libreswan::read_conf(text, file, &mut includes, set),
        ConfigKind::IpsecSecrets => libreswan::read_secrets(text, file, &mut includes, set),
        ConfigKind::Sswan => sswan::read(text, file, set),
        ConfigKind::NetworkManager => networkmanager::read(text, file, set),
        ConfigKind::Windows => windows::read(text, file, set),
        ConfigKind::Cloud(kind) => cloud::read(text, kind, file, set),
        ConfigKind::StrongswanSettings | ConfigKind::AppleProfile => {}
    }
    set.included_files = includes.opened;
    errors.extend(includes.errors);
    set.files = files;
    notes.flush_into(set, file);
}

/// Reads bytes given without a file (a fuzz target, a paste): the detected kind, or nothing.
pub fn read_str(name: &str, bytes: &[u8]) -> ConfigSet {
    let mut set = ConfigSet::default();
    if let Some(kind) = detect(bytes) {
        let mut errors = Vec::new();
        read_as(&mut set, name, bytes, kind, &mut errors);
    }
    finish_end(&mut set);
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_content() {
        assert_eq!(
            detect(b"connections {\n rw {\n }\n}\n"),
            Some(ConfigKind::Swanctl)
        );
        assert_eq!(
            detect(b"# x\ncharon {\n load = x\n}\n"),
            Some(ConfigKind::StrongswanSettings)
        );
        assert_eq!(
            detect(b"config setup\nconn rw\n  left=1.2.3.4\n"),
            Some(ConfigKind::LibreswanConf)
        );
        assert_eq!(
            detect(b"@a @b : PSK \"x\"\n"),
            Some(ConfigKind::IpsecSecrets)
        );
        assert_eq!(detect(b"hello world\n"), None);
        // A Windows cmdlet or registry value named in a daemon's comment is not a Windows file.
        assert_eq!(
            detect(b"# Windows: Set-VpnConnectionIPsecConfiguration, NegotiateDH2048_AES256\nconnections {\n rw {\n }\n}\n"),
            Some(ConfigKind::Swanctl)
        );
        assert_eq!(
            detect(b"# Windows clients need NegotiateDH2048_AES256\nconn rw\n  left=%any\n"),
            Some(ConfigKind::LibreswanConf)
        );
    }

    #[test]
    fn globs() {
        assert!(glob_match("*.conf", "a.conf"));
        assert!(!glob_match("*.conf", "a.secrets"));
        assert!(glob_match("a?c", "abc"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("a*b", "a"));
        // Exponential for a backtracking match; instant here.
        let started = std::time::Instant::now();
        assert!(!glob_match(
            &format!("{}*b", "*a".repeat(30)),
            &"a".repeat(255)
        ));
        assert!(started.elapsed() < std::time::Duration::from_millis(100));
    }
    /// Every lab configuration, cut at every few characters and with bytes flipped, goes
    /// through every reader without a panic (the fuzz target does this at scale).
    #[test]
    fn cut_and_damaged_configs_do_not_panic() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/lab");
        let mut texts = Vec::new();
        for scenario in [
            "psk-mismatch",
            "libreswan-psk-mismatch",
            "eap-wrong-password",
        ] {
            for file in [
                "client/swanctl.conf",
                "gateway/swanctl.conf",
                "gateway/ipsec.conf",
                "gateway/ipsec.secrets",
            ] {
                if let Ok(t) = std::fs::read_to_string(root.join(scenario).join(file)) {
                    texts.push(t);
                }
            }
        }
        assert!(texts.len() >= 4);
        for text in &texts {
            let chars: Vec<char> = text.chars().collect();
            for cut in (0..chars.len()).step_by(7) {
                let mut damaged: String = chars[..cut].iter().collect();
                damaged.push_str("{\"=}#\n}\n");
                damaged.extend(chars[cut..].iter().rev().take(40));
                for kind in [
                    ConfigKind::Swanctl,
                    ConfigKind::LibreswanConf,
                    ConfigKind::IpsecSecrets,
                ] {
                    let mut set = ConfigSet::default();
                    read_as(&mut set, "x", damaged.as_bytes(), kind, &mut Vec::new());
                }
            }
        }
    }
}
