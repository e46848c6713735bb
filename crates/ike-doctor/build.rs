//! Puts the commit the binary was built from into `--version` (`IKE_DOCTOR_COMMIT` overrides it,
//! for builds outside a git checkout).
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=IKE_DOCTOR_COMMIT");
    let commit = std::env::var("IKE_DOCTOR_COMMIT").ok().or_else(|| {
        let out = Command::new("git")
            .args(["rev-parse", "--short=12", "HEAD"])
            .output()
            .ok()?;
        if !out.status.success() {
            return None;
        }
        let dirty = Command::new("git")
            .args(["status", "--porcelain", "--untracked-files=no"])
            .output()
            .ok()
            .is_some_and(|o| !o.stdout.is_empty());
        let hash = String::from_utf8(out.stdout).ok()?.trim().to_owned();
        Some(if dirty {
            format!("{hash}-modified")
        } else {
            hash
        })
    });
    println!(
        "cargo:rustc-env=IKE_DOCTOR_COMMIT={}",
        commit.unwrap_or_else(|| "unknown commit".to_owned())
    );
    // A new commit changes the version: watch HEAD and the ref it points to.
    if let Ok(out) = Command::new("git")
        .args(["rev-parse", "--git-dir"])
        .output()
    {
        if let Ok(dir) = String::from_utf8(out.stdout) {
            let dir = dir.trim();
            println!("cargo:rerun-if-changed={dir}/HEAD");
            println!("cargo:rerun-if-changed={dir}/refs/heads");
        }
    }
}
