//! Certificates as evidence. Each certificate of a PEM or DER file given to the diagnosis
//! becomes one [`CertificateEvent`] on the timeline, its file a source of kind
//! [`SourceKind::Certificate`] and its locator the line where its PEM block starts, so findings
//! can cite the file as they cite a frame. The checks (chain, validity, identity) are the
//! diagnosis's: here the certificate is only read.

use std::io::Read;
use std::path::Path;

use ike_capture::Timestamp;

use crate::builder::{SourceKind, TimelineBuilder};
use crate::event::{Event, EventKind, Locator, SourceId};

/// Largest certificate file read (a chain bundle is a few KiB).
pub const MAX_CERT_FILE: u64 = 1 << 20;
/// Certificates kept per file.
pub const MAX_CERTS_PER_FILE: usize = 16;

/// One certificate of a file.
#[derive(Debug, Clone)]
pub struct CertificateEvent {
    pub info: ike_cert::CertInfo,
    /// 0-based position in its file.
    pub index_in_file: usize,
    /// The line of its `-----BEGIN CERTIFICATE-----` (1-based); `None` in a DER file.
    pub pem_line: Option<u64>,
    /// Given with `--ca`: the user says the verifying peer trusts it.
    pub trusted_explicitly: bool,
}

impl CertificateEvent {
    /// A CA certificate (basicConstraints CA) that issued itself: a trust anchor candidate.
    pub fn is_root(&self) -> bool {
        self.info.is_ca && self.info.self_issued
    }

    /// Where to cite it: its PEM line, nothing in a DER file.
    pub fn locator(&self) -> Option<Locator> {
        self.pem_line.map(Locator::Line)
    }
}

/// The certificates on a timeline, with their sources.
pub fn certificates(
    timeline: &crate::Timeline,
) -> impl Iterator<Item = (SourceId, &CertificateEvent)> {
    timeline.events.iter().filter_map(|e| match &e.kind {
        EventKind::Certificate(c) => Some((e.source(), c.as_ref())),
        _ => None,
    })
}

/// Reads a certificate file onto the timeline; returns its source and the certificates read. A
/// file that cannot be read or holds none becomes a note.
pub fn certificate_file(
    builder: &mut TimelineBuilder,
    path: &Path,
    name: &str,
    trusted_explicitly: bool,
) -> Vec<(SourceId, CertificateEvent)> {
    let mut content = Vec::new();
    let read =
        std::fs::File::open(path).and_then(|f| f.take(MAX_CERT_FILE).read_to_end(&mut content));
    if let Err(e) = read {
        builder.note(None, None, format!("{name}: cannot read: {e}"));
        return Vec::new();
    }
    certificate_stream(builder, content.as_slice(), name, trusted_explicitly)
}

/// Reads certificates from any byte stream (at most [`MAX_CERT_FILE`] bytes of it).
pub fn certificate_stream<R: Read>(
    builder: &mut TimelineBuilder,
    stream: R,
    name: &str,
    trusted_explicitly: bool,
) -> Vec<(SourceId, CertificateEvent)> {
    let mut content = Vec::new();
    if let Err(e) = stream.take(MAX_CERT_FILE).read_to_end(&mut content) {
        builder.note(None, None, format!("{name}: cannot read: {e}"));
        return Vec::new();
    }
    let source = builder.add_source(name, SourceKind::Certificate);
    let found = certificates_with_lines(&content);
    let mut kept = Vec::new();
    for (index_in_file, (pem_line, der)) in found.into_iter().enumerate() {
        match ike_cert::parse(&der) {
            Ok(info) => {
                // A certificate's own moment is its issuance: it orders it on the timeline
                // without moving the time anchors, which are taken from captures only.
                let time = Timestamp(info.not_before.saturating_mul(1_000_000_000));
                let cert = CertificateEvent {
                    info,
                    index_in_file,
                    pem_line,
                    trusted_explicitly,
                };
                kept.push((source, cert.clone()));
                builder.push_event(Event::new(
                    time,
                    source,
                    Locator::Line(pem_line.unwrap_or(1)),
                    EventKind::Certificate(Box::new(cert)),
                ));
            }
            Err(e) => builder.note(
                Some(source),
                pem_line.map(Locator::Line),
                format!("{name}: certificate {} skipped: {e}", index_in_file + 1),
            ),
        }
    }
    if let Some(s) = builder.source_mut(source) {
        s.units_read = kept.len() as u64;
        s.bytes_read = content.len() as u64;
    }
    if kept.is_empty() {
        builder.note(
            Some(source),
            None,
            format!("{name}: no readable certificate"),
        );
    }
    kept
}

/// Every certificate of a PEM or DER file with the line its PEM block starts on.
pub fn certificates_with_lines(content: &[u8]) -> Vec<(Option<u64>, Vec<u8>)> {
    const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
    const END: &[u8] = b"-----END CERTIFICATE-----";
    if content.first() == Some(&0x30) {
        return ike_cert::certificates_in(content)
            .into_iter()
            .take(1)
            .map(|der| (None, der))
            .collect();
    }
    let mut out = Vec::new();
    let mut block: Option<(u64, usize)> = None;
    let mut offset = 0usize;
    for (n, line) in content.split(|&b| b == b'\n').enumerate() {
        let start = offset;
        offset += line.len() + 1;
        let trimmed = line.trim_ascii();
        if trimmed == BEGIN {
            block = Some((n as u64 + 1, start));
        } else if trimmed == END {
            if let Some((line_number, from)) = block.take() {
                let end = offset.min(content.len());
                if let Some(pem) = content.get(from..end) {
                    if let Some(der) = ike_cert::certificates_in(pem).into_iter().next() {
                        out.push((Some(line_number), der));
                    }
                }
            }
            if out.len() >= MAX_CERTS_PER_FILE {
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_pem_blocks() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/lab/cert-ok/certs"
        );
        let ca = std::fs::read(format!("{dir}/ca.pem")).unwrap();
        let gw = std::fs::read(format!("{dir}/gateway.pem")).unwrap();
        let mut bundle = b"# bundle\n".to_vec();
        bundle.extend_from_slice(&gw);
        let gw_lines = gw.iter().filter(|&&b| b == b'\n').count() as u64;
        bundle.extend_from_slice(&ca);
        let found = certificates_with_lines(&bundle);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].0, Some(2));
        assert_eq!(found[1].0, Some(2 + gw_lines));
        assert!(ike_cert::parse(&found[1].1).unwrap().is_ca);
    }

    #[test]
    fn hostile_content() {
        for bytes in [
            &b""[..],
            b"\x30",
            b"-----END CERTIFICATE-----\n",
            b"-----BEGIN CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
        ] {
            let _ = certificates_with_lines(bytes);
        }
    }
}
