//! `--keys FILE` and key tables among the inputs of `diagnose`: read before the captures so the
//! timeline can decrypt SK payloads while reading them. Key material is never printed.

use std::path::PathBuf;

use ike_timeline::TimelineBuilder;

use crate::inputs::{self, InputFile};

/// Reads every key source: the `--keys` files (any of the three formats) and, among the inputs,
/// key tables and charon logs that carry key material. Fails only on an unreadable `--keys` file.
pub fn load(
    builder: &mut TimelineBuilder,
    key_files: &[PathBuf],
    inputs_found: &[InputFile],
) -> Result<(), String> {
    let mut all = ike_keys::KeyTable::default();
    let mut read = |builder: &mut TimelineBuilder, name: &str, content: &[u8], explicit: bool| {
        let table = ike_keys::parse(content);
        for note in &table.notes {
            builder.note(None, None, format!("{name}: {note}"));
        }
        if table.sets.is_empty() {
            if explicit {
                builder.note(None, None, format!("{name}: no usable IKE SA keys found"));
            }
            return;
        }
        builder.note(
            None,
            None,
            format!(
                "{name}: {} IKE SA key set(s) read ({})",
                table.sets.len(),
                table.format.map_or("keys", |f| f.describe())
            ),
        );
        all.format = all.format.or(table.format);
        all.sets.extend(table.sets);
    };
    for path in key_files {
        let content = read_bounded(path).map_err(|e| format!("{}: {e}", path.display()))?;
        read(builder, &path.display().to_string(), &content, true);
    }
    for file in inputs_found {
        let is_keys = match file.detect() {
            Ok((inputs::Kind::Keys, _)) => true,
            // A charon log at ike level 4 is a log and a key source (read here only from a file
            // that can be read twice).
            Ok((inputs::Kind::Log(_), _)) => {
                !file.reads_once() && file.size <= ike_keys::MAX_KEY_FILE as u64
            }
            _ => false,
        };
        if !is_keys {
            continue;
        }
        if let Ok(content) = file.read_bounded(ike_keys::MAX_KEY_FILE as u64) {
            if ike_keys::looks_like_keys(&content) {
                read(builder, &file.display, &content, false);
            }
        }
    }
    if !all.sets.is_empty() {
        builder.set_keys(all);
    }
    Ok(())
}

fn read_bounded(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut content = Vec::new();
    std::fs::File::open(path)?
        .take(ike_keys::MAX_KEY_FILE as u64)
        .read_to_end(&mut content)?;
    Ok(content)
}
