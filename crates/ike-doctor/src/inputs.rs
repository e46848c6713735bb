//! Finding the inputs and telling what each one is from its first bytes: files, folders, `-`
//! (standard input) and anything else that reads once (`/dev/stdin`, `<(...)`, a named pipe);
//! gzip and xz compressed ones are read through their decompressor.
//!
//! Regular files are opened twice (once to look, once to read) so that a folder of thousands of
//! captures never holds thousands of open files; an input that reads only once is opened once,
//! and what was looked at is given back in front of the rest.
use std::cell::RefCell;
use std::fs::File;
use std::io::{self, Chain, Cursor, Read};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};

/// How far into an input its kind is looked for.
const HEAD_LEN: u64 = 64 * 1024;

pub struct InputFile {
    /// The path; `-` is standard input.
    pub path: PathBuf,
    /// The path as shown in reports (`<stdin>` for `-`).
    pub display: String,
    /// Bytes on disk (0 when not known: standard input, pipes).
    pub size: u64,
    /// An input that cannot be opened again, kept open after its kind was looked at.
    once: RefCell<Option<Opened>>,
    /// The kind once looked at: asked for by the key loader and the reader alike.
    detected: RefCell<Option<(Kind, Option<Compression>)>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    Gzip,
    Xz,
}

impl Compression {
    pub fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Xz => "xz",
        }
    }

    fn of(magic: &[u8]) -> Option<Compression> {
        if magic.starts_with(&[0x1f, 0x8b]) {
            Some(Compression::Gzip)
        } else if magic.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
            Some(Compression::Xz)
        } else {
            None
        }
    }
}

#[derive(Clone)]
pub enum Kind {
    Capture,
    /// A daemon or client log, detected from its first lines.
    Log(ike_logs::Format),
    /// Text that speaks of IKE in lines no known log holds (read as words: see
    /// `ike_logs::vocabulary`).
    IkeWording,
    /// Not an input ike-doctor reads; the reason says what it looked like.
    Unrecognised(String),
    /// IKE SA keys: Wireshark's ikev2_decryption_table or strongSwan's save-keys table.
    Keys,
    /// X.509 certificates, PEM or DER.
    Certificate,
    /// An IKE configuration (swanctl.conf, strongswan.conf, Libreswan ipsec.conf, ipsec.secrets).
    Config,
    /// An `ike-doctor host --format json` report of one of the peers.
    HostReport,
}

/// The bytes looked at, then the rest of the (decompressed) input.
pub type Content = Chain<Cursor<Vec<u8>>, Box<dyn Read + Send>>;

/// An input opened and looked at.
pub struct Opened {
    pub kind: Kind,
    pub compression: Option<Compression>,
    /// The whole content, from its first byte.
    pub content: Content,
}

impl InputFile {
    fn new(path: PathBuf, size: u64) -> InputFile {
        let display = if path.as_os_str() == "-" {
            "<stdin>".to_owned()
        } else {
            path.display().to_string()
        };
        InputFile {
            path,
            display,
            size,
            once: RefCell::new(None),
            detected: RefCell::new(None),
        }
    }

    /// True for inputs that read only once (standard input, pipes, character devices).
    pub fn reads_once(&self) -> bool {
        self.path.as_os_str() == "-"
            || std::fs::metadata(&self.path).is_ok_and(|m| !m.file_type().is_file())
    }

    /// Opens the input and tells its kind. An input that reads once is kept open for
    /// [`InputFile::open`].
    pub fn detect(&self) -> io::Result<(Kind, Option<Compression>)> {
        if let Some(known) = self.detected.borrow().as_ref() {
            return Ok(known.clone());
        }
        let opened = open(&self.path)?;
        let answer = (opened.kind.clone(), opened.compression);
        *self.detected.borrow_mut() = Some(answer.clone());
        if self.reads_once() {
            *self.once.borrow_mut() = Some(opened);
        }
        Ok(answer)
    }

    /// The input's content from its first byte (decompressed). An input that reads once gives
    /// its content at most once.
    pub fn open(&self) -> io::Result<Opened> {
        if let Some(kept) = self.once.borrow_mut().take() {
            return Ok(kept);
        }
        if self.reads_once() {
            return Err(io::Error::other("already read (it can be read only once)"));
        }
        open(&self.path)
    }

    /// The whole content, at most `limit` bytes (certificates, key tables).
    pub fn read_bounded(&self, limit: u64) -> io::Result<Vec<u8>> {
        let mut content = Vec::new();
        self.open()?.content.take(limit).read_to_end(&mut content)?;
        Ok(content)
    }
}

/// Expands folders recursively (sorted, symlinked folders not followed) into files; `-` is
/// standard input.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<InputFile>, String> {
    let mut files = Vec::new();
    let mut stdin_named = false;
    for path in paths {
        if path.as_os_str() == "-" {
            if stdin_named {
                return Err("-: standard input is named twice".to_owned());
            }
            stdin_named = true;
            files.push(InputFile::new(path.clone(), 0));
            continue;
        }
        let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if meta.is_dir() {
            walk(path, &mut files).map_err(|e| format!("{}: {e}", path.display()))?;
        } else {
            let size = if meta.is_file() { meta.len() } else { 0 };
            files.push(InputFile::new(path.clone(), size));
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<InputFile>) -> io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let file_type = entry.file_type()?;
        let path = entry.path();
        if file_type.is_dir() {
            walk(&path, files)?;
        } else if file_type.is_file() {
            let size = entry.metadata()?.len();
            files.push(InputFile::new(path, size));
        }
    }
    Ok(())
}

fn open_raw(path: &Path) -> io::Result<Box<dyn Read + Send>> {
    if path.as_os_str() == "-" {
        Ok(Box::new(io::stdin()))
    } else {
        Ok(Box::new(File::open(path)?))
    }
}

/// Reads up to `limit` bytes, fewer only at the end of the input.
fn read_head(reader: &mut dyn Read, limit: u64) -> io::Result<Vec<u8>> {
    let mut head = Vec::new();
    reader.take(limit).read_to_end(&mut head)?;
    Ok(head)
}

/// Opens `path`, undoes gzip or xz compression, and tells the kind from the first bytes.
fn open(path: &Path) -> io::Result<Opened> {
    let mut raw = open_raw(path)?;
    let magic = read_head(&mut raw, 6)?;
    let compression = Compression::of(&magic);
    let raw: Box<dyn Read + Send> = Box::new(Cursor::new(magic).chain(raw));
    let mut decoded: Box<dyn Read + Send> = match compression {
        Some(Compression::Gzip) => Box::new(flate2::read::MultiGzDecoder::new(raw)),
        Some(Compression::Xz) => Box::new(liblzma::read::XzDecoder::new_multi_decoder(raw)),
        None => raw,
    };
    let head = read_head(&mut decoded, HEAD_LEN).map_err(|e| match compression {
        Some(c) => io::Error::new(e.kind(), format!("{} data: {e}", c.name())),
        None => e,
    })?;
    let kind = kind_of(&head);
    Ok(Opened {
        kind,
        compression,
        content: Cursor::new(head).chain(decoded),
    })
}

/// The kind of an input from its first bytes, never its name.
pub fn kind_of(head: &[u8]) -> Kind {
    if head.is_empty() {
        return Kind::Unrecognised("empty".to_owned());
    }
    if head.len() < 4 {
        return Kind::Unrecognised(format!(
            "{} bytes: too short to be any supported input",
            head.len()
        ));
    }
    const PCAP_MAGICS: [[u8; 4]; 4] = [
        [0xa1, 0xb2, 0xc3, 0xd4],
        [0xd4, 0xc3, 0xb2, 0xa1],
        [0xa1, 0xb2, 0x3c, 0x4d],
        [0x4d, 0x3c, 0xb2, 0xa1],
    ];
    const PCAPNG_SHB: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];
    let magic = [head[0], head[1], head[2], head[3]];
    if PCAP_MAGICS.contains(&magic) || magic == PCAPNG_SHB {
        return Kind::Capture;
    }
    if let Some(format) = ike_logs::detect(head) {
        return Kind::Log(format);
    }
    if ike_cert::looks_like_certificate(head) {
        return Kind::Certificate;
    }
    if ike_keys::looks_like_keys(head) {
        return Kind::Keys;
    }
    if ike_config::detect(head).is_some() {
        return Kind::Config;
    }
    if ike_diagnose::host::looks_like_report(head) {
        return Kind::HostReport;
    }
    let text_kind = ike_logs::text_kind(head);
    if text_kind == ike_logs::TextKind::Text && ike_logs::vocabulary::speaks_of_ike(head) {
        return Kind::IkeWording;
    }
    Kind::Unrecognised(match text_kind {
        ike_logs::TextKind::Binary => {
            "binary data, neither a pcap/pcapng capture, a certificate nor a compressed file"
                .to_owned()
        }
        ike_logs::TextKind::Text => {
            "text without a line of any IKE implementation, VPN client or gateway ike-doctor knows (not an IKE log?)"
                .to_owned()
        }
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn compressed_inputs_are_told_by_their_content() {
        let dir = tempfile::tempdir().expect("tempdir");
        let line =
            b"Jan  3 10:00:00 gw charon: 09[IKE] <home|1> initiating IKE_SA home[1] to 192.0.2.1\n";
        let gz = dir.path().join("a.log.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(line).expect("gzip");
        std::fs::write(&gz, enc.finish().expect("gzip")).expect("write");
        let xz = dir.path().join("b");
        let mut enc = liblzma::write::XzEncoder::new(Vec::new(), 6);
        enc.write_all(line).expect("xz");
        std::fs::write(&xz, enc.finish().expect("xz")).expect("write");
        for (path, want) in [(gz, Compression::Gzip), (xz, Compression::Xz)] {
            let file = InputFile::new(path, 1);
            let (kind, compression) = file.detect().expect("detect");
            assert!(matches!(kind, Kind::Log(ike_logs::Format::Charon)));
            assert_eq!(compression, Some(want));
            let mut all = Vec::new();
            file.open()
                .expect("open")
                .content
                .read_to_end(&mut all)
                .expect("read");
            assert_eq!(all, line);
        }
    }

    #[test]
    fn damaged_compression_is_an_error_naming_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("bad.gz");
        std::fs::write(
            &path,
            [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff],
        )
        .expect("w");
        let err = InputFile::new(path, 13).detect().err().expect("an error");
        assert!(err.to_string().contains("gzip"), "{err}");
    }

    #[test]
    fn kinds_of_what_is_not_an_input() {
        assert!(matches!(kind_of(b""), Kind::Unrecognised(w) if w == "empty"));
        assert!(matches!(kind_of(b"ab"), Kind::Unrecognised(w) if w.contains("too short")));
        assert!(
            matches!(kind_of(b"Dear diary,\ntoday was fine.\n"), Kind::Unrecognised(w) if w.contains("not an IKE log"))
        );
        assert!(
            matches!(kind_of(&[0u8, 1, 2, 3, 4, 5, 0, 0]), Kind::Unrecognised(w) if w.contains("binary"))
        );
    }
}
