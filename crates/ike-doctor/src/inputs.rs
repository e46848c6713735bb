//! Finding the input files and telling what each one is from its first bytes.
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};

pub struct InputFile {
    pub path: PathBuf,
    /// The path as shown in reports.
    pub display: String,
    pub size: u64,
}

pub enum Kind {
    Capture,
    /// A daemon or client log, detected from its first lines.
    Log(ike_logs::Format),
    Unrecognised(&'static str),
    /// IKE SA keys: Wireshark's ikev2_decryption_table or strongSwan's save-keys table.
    Keys,
    /// X.509 certificates, PEM or DER.
    Certificate,
}

/// Expands folders recursively (sorted, symlinked folders not followed) into files.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<InputFile>, String> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if meta.is_dir() {
            walk(path, &mut files).map_err(|e| format!("{}: {e}", path.display()))?;
        } else {
            files.push(InputFile {
                path: path.clone(),
                display: path.display().to_string(),
                size: meta.len(),
            });
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<InputFile>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let file_type = entry.file_type()?;
        let path = entry.path();
        if file_type.is_dir() {
            walk(&path, files)?;
        } else if file_type.is_file() {
            let size = entry.metadata()?.len();
            files.push(InputFile {
                display: path.display().to_string(),
                path,
                size,
            });
        }
    }
    Ok(())
}

/// Detects a file's kind from its content, never its name.
pub fn detect(path: &Path) -> std::io::Result<Kind> {
    let mut head = [0u8; 4];
    let mut file = File::open(path)?;
    let mut filled = 0;
    while filled < head.len() {
        let n = file.read(&mut head[filled..])?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    if filled < 4 {
        return Ok(Kind::Unrecognised("too short to be any supported input"));
    }
    const PCAP_MAGICS: [[u8; 4]; 4] = [
        [0xa1, 0xb2, 0xc3, 0xd4],
        [0xd4, 0xc3, 0xb2, 0xa1],
        [0xa1, 0xb2, 0x3c, 0x4d],
        [0x4d, 0x3c, 0xb2, 0xa1],
    ];
    const PCAPNG_SHB: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];
    if PCAP_MAGICS.contains(&head) || head == PCAPNG_SHB {
        return Ok(Kind::Capture);
    }
    // Logs are told apart by their first lines.
    let mut text = head[..filled].to_vec();
    file.take(64 * 1024).read_to_end(&mut text)?;
    if let Some(format) = ike_logs::detect(&text) {
        return Ok(Kind::Log(format));
    }
    if ike_cert::looks_like_certificate(&text) {
        return Ok(Kind::Certificate);
    }
    if ike_keys::looks_like_keys(&text) {
        return Ok(Kind::Keys);
    }
    Ok(Kind::Unrecognised("neither a pcap/pcapng capture nor a recognised log (configurations, certificates and key tables are not read yet)"))
}

pub fn progress_bar(total: u64) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} reading captures {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta}) {wide_bar}",
    ) {
        bar.set_style(style);
    }
    bar
}
