//! `ike-doctor collect` on a copied host tree (`--root`): the configuration with every secret
//! redacted, the daemon's log, the host report, a manifest; and `diagnose` reads the folder.
mod common;

use common::{diagnose_json, ike_doctor, workspace_root};

#[test]
fn a_collected_folder_without_secrets_that_diagnose_reads() {
    let lab = workspace_root().join("tests/fixtures/lab/psk-mismatch");
    let tree = tempfile::tempdir().expect("tempdir");
    let put = |rel: &str, text: &str| {
        let path = tree.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    let gateway = std::fs::read_to_string(lab.join("gateway/swanctl.conf")).expect("conf");
    put("etc/swanctl/swanctl.conf", &gateway);
    put(
        "etc/ipsec.secrets",
        ": PSK \"ipsec-secrets-psk-value\"\n# @old : PSK \"commented-old-psk\"\n@a @b :\tPSK\t\"tabbed-psk-value\"\n",
    );
    // The lab's log with a level-4 key dump as charon writes it.
    let log = std::fs::read_to_string(lab.join("gateway.log")).expect("log")
        + "Dec  6 06:00:01 13[IKE] <gw|1> Sk_ei secret => 16 bytes @ 0x7f4bf0003000\n\
           Dec  6 06:00:01 13[IKE] <gw|1>    0: 5E C8 E7 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D  ................\n";
    put("var/log/charon.log", &log);
    put("etc/hostname", "gw1\n");
    let out = tempfile::tempdir().expect("tempdir");
    let folder = out.path().join("bundle");
    let run = ike_doctor()
        .arg("collect")
        .arg("--root")
        .arg(tree.path())
        .arg("-o")
        .arg(&folder)
        .output()
        .expect("run");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // No secret in any file of the folder.
    let mut secrets: Vec<String> = gateway
        .lines()
        .filter(|l| l.trim_start().starts_with("secret"))
        .filter_map(|l| l.split('"').nth(1).map(str::to_owned))
        .collect();
    for s in [
        "ipsec-secrets-psk-value",
        "commented-old-psk",
        "tabbed-psk-value",
        "5E C8 E7",
    ] {
        secrets.push(s.into());
    }
    assert!(secrets.len() >= 2);
    let mut files = 0;
    for entry in walk(&folder) {
        let text = String::from_utf8_lossy(&std::fs::read(&entry).expect("read")).into_owned();
        for s in &secrets {
            assert!(
                !text.contains(s.as_str()),
                "{} holds a secret",
                entry.display()
            );
        }
        files += 1;
    }
    assert!(files >= 4, "{files}");
    let manifest = std::fs::read_to_string(folder.join("MANIFEST.txt")).expect("manifest");
    assert!(
        manifest.contains("configs/etc_swanctl_swanctl.conf")
            && manifest.contains("1 secret(s) redacted"),
        "{manifest}"
    );
    assert!(
        manifest.contains("logs/charon.log") && manifest.contains("host.json"),
        "{manifest}"
    );
    assert!(manifest.contains("1 hex dump(s) of keys"), "{manifest}");
    // Only its owner reads the folder.
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(&folder)
        .expect("folder")
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "{mode:o}");
    // diagnose reads the folder: the log, the configuration, the host report.
    let (report, _) = diagnose_json(&[&folder]);
    let inputs = report["inputs"].to_string();
    for kind in ["\"log\"", "\"config\"", "\"host-report\""] {
        assert!(inputs.contains(kind), "{kind}: {inputs}");
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
