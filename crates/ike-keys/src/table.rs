//! Wireshark's ikev2_decryption_table and strongSwan's save-keys output: one IKE SA a line, eight
//! comma-separated fields, each possibly in double quotes.

use crate::{
    encryption_from_wireshark, integrity_from_wireshark, unhex, IkeSaKeySet, KeyFormat, KeyTable,
};

/// Splits one CSV line of the UAT format into fields (double quotes group, `\"` escapes a quote).
/// Returns the fields and whether the first field was quoted.
fn fields(line: &str) -> (Vec<String>, bool) {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut first_quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                if out.is_empty() && current.is_empty() {
                    first_quoted = true;
                }
                quoted = !quoted;
            }
            '\\' if quoted => {
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            ',' if !quoted => out.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
        // Lines of a key table are short; stop a hostile one from growing without bound.
        if current.len() > 4096 {
            break;
        }
    }
    out.push(current);
    (out, first_quoted)
}

fn spi(field: &str) -> Option<u64> {
    let field = field.trim();
    let field = field.strip_prefix("0x").unwrap_or(field).replace(':', "");
    if field.len() != 16 {
        return None;
    }
    u64::from_str_radix(&field, 16).ok()
}

/// Whether some line is a table line with two SPIs.
pub(crate) fn looks_like(text: &str) -> bool {
    text.lines().take(1000).any(|line| {
        let (f, _) = fields(line.trim());
        f.len() == 8
            && f.first().and_then(|s| spi(s)).is_some()
            && f.get(1).and_then(|s| spi(s)).is_some()
    })
}

pub(crate) fn parse(text: &str) -> KeyTable {
    let mut table = KeyTable::default();
    for (index, raw) in text.lines().enumerate() {
        let line_no = index as u64 + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (f, first_quoted) = fields(line);
        if f.len() != 8 {
            table.notes.push(format!(
                "line {line_no}: not 8 comma-separated fields; ignored"
            ));
            continue;
        }
        let get = |i: usize| f.get(i).map(|s| s.trim()).unwrap_or("");
        let (Some(spi_i), Some(spi_r)) = (spi(get(0)), spi(get(1))) else {
            table.notes.push(format!(
                "line {line_no}: SPIs are not 16 hex digits; ignored"
            ));
            continue;
        };
        let encryption = encryption_from_wireshark(get(4));
        if encryption.is_none() {
            table.notes.push(format!(
                "line {line_no}: encryption algorithm '{}' not supported; ignored",
                get(4).chars().take(60).collect::<String>()
            ));
            continue;
        }
        let Some(integrity) = integrity_from_wireshark(get(7)) else {
            table.notes.push(format!(
                "line {line_no}: integrity algorithm '{}' not supported; ignored",
                get(7).chars().take(60).collect::<String>()
            ));
            continue;
        };
        let keys = [get(2), get(3), get(5), get(6)].map(unhex);
        let [Some(sk_ei), Some(sk_er), Some(sk_ai), Some(sk_ar)] = keys else {
            table
                .notes
                .push(format!("line {line_no}: a key is not hex; ignored"));
            continue;
        };
        if table.format.is_none() {
            table.format = Some(if first_quoted {
                KeyFormat::WiresharkTable
            } else {
                KeyFormat::StrongswanSaveKeys
            });
        }
        table.sets.push(IkeSaKeySet {
            spi_i: Some(spi_i),
            spi_r: Some(spi_r),
            encryption,
            integrity,
            sk_ei,
            sk_er,
            sk_ai,
            sk_ar,
            line: line_no,
        });
    }
    table
}
