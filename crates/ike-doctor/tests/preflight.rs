//! The preflight (`scripts/preflight.sh`) and its one list of packages (`scripts/deps.sh`): every
//! file a check stands for belongs to the package the list names (as `dpkg -S` says), and a
//! missing plugin or tool makes the preflight fail naming its package. Needs the packages
//! installed (`scripts/install-deps.sh`, which CI runs first).
use std::collections::HashSet;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn preflight(envs: &[(&str, &Path)], args: &[&str]) -> Output {
    let mut cmd = Command::new("bash");
    cmd.arg(repo().join("scripts/preflight.sh")).args(args);
    for (key, value) in envs {
        cmd.env(key, value);
    }
    cmd.output().expect("run scripts/preflight.sh")
}

/// The Debian package owning `path`, trying the path as given, its target, and both sides of
/// the merged /usr (packages ship /bin/ping or /usr/lib/..., the linker reports /lib/...).
fn owner(path: &Path) -> Option<String> {
    let mut candidates = vec![path.to_path_buf()];
    if let Ok(real) = std::fs::canonicalize(path) {
        candidates.push(real);
    }
    for p in candidates.clone() {
        let text = p.to_string_lossy().into_owned();
        match text.strip_prefix("/usr") {
            Some(rest) => candidates.push(PathBuf::from(rest)),
            None => candidates.push(PathBuf::from(format!("/usr{text}"))),
        }
    }
    candidates.iter().find_map(|candidate| {
        let out = Command::new("dpkg")
            .arg("-S")
            .arg(candidate)
            .output()
            .ok()?;
        if !out.status.success() {
            return None;
        }
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let line = text.lines().find(|l| !l.starts_with("diversion"))?;
        let package = line.split(':').next()?.trim();
        Some(package.to_string())
    })
}

#[test]
fn every_check_belongs_to_the_package_the_list_names() {
    let out = preflight(&[], &["--mapping"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut problems = Vec::new();
    let mut checked = 0;
    for row in text.lines() {
        let fields: Vec<&str> = row.split('\t').collect();
        let [package, check, path] = fields[..] else {
            panic!("malformed mapping row {row:?}");
        };
        if path.is_empty() {
            problems.push(format!("{check}: not installed (package {package})"));
            continue;
        }
        match owner(Path::new(path)) {
            Some(owner) if owner == package => checked += 1,
            Some(owner) => {
                problems.push(format!("{check}: {path} belongs to {owner}, not {package}"))
            }
            None => problems.push(format!("{check}: dpkg -S knows no package for {path}")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The list covers what the issue names at least: the plugins the lab loads and the tools.
    for needed in [
        "plugin:openssl",
        "plugin:eap-mschapv2",
        "cmd:tshark",
        "cmd:ike-scan",
    ] {
        assert!(
            text.contains(&format!("\t{needed}\t")),
            "{needed} not in scripts/deps.sh"
        );
    }
    assert!(checked >= 40, "only {checked} checks");
}

#[test]
fn a_missing_plugin_fails_naming_its_package() {
    // The real plugin folder without eap-mschapv2's file, as after removing its package.
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir("/usr/lib/ipsec/plugins").expect("strongSwan's plugins") {
        let entry = entry.unwrap();
        if entry.file_name() != "libstrongswan-eap-mschapv2.so" {
            symlink(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    let out = preflight(&[("PREFLIGHT_PLUGIN_DIR", dir.path())], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let missing: Vec<&str> = stderr.lines().filter(|l| l.contains("MISSING")).collect();
    assert_eq!(missing.len(), 1, "{stderr}");
    assert!(
        missing[0].contains("plugin eap-mschapv2")
            && missing[0].contains("install the Debian package libcharon-extauth-plugins"),
        "{stderr}"
    );
}

#[test]
fn a_missing_tool_fails_naming_its_package() {
    // Every command of the system but tshark, as after removing its package.
    let bin = tempfile::tempdir().unwrap();
    let mut seen = HashSet::new();
    for dir in ["/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"] {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if name != "tshark" && seen.insert(name.clone()) {
                symlink(entry.path(), bin.path().join(&name)).unwrap();
            }
        }
    }
    let out = preflight(&[("PATH", bin.path())], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let missing: Vec<&str> = stderr.lines().filter(|l| l.contains("MISSING")).collect();
    assert_eq!(missing.len(), 1, "{stderr}");
    assert!(
        missing[0].contains("command tshark")
            && missing[0].contains("install the Debian package tshark"),
        "{stderr}"
    );
}
