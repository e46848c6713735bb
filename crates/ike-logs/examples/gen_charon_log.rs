//! Writes a large charon log for the benchmark by repeating real lines (the lab's charon logs)
//! with a new IKE_SA unique id and new ESP SPIs for every repetition.
//! Usage: gen_charon_log OUT SIZE_MB LOG...
use std::io::{BufWriter, Write};

fn vary(line: &str, k: u32) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // 8 hex digits followed by _i or _o: an ESP SPI.
        if i + 10 <= bytes.len()
            && bytes[i..i + 8].iter().all(u8::is_ascii_hexdigit)
            && bytes[i + 8] == b'_'
            && matches!(bytes[i + 9], b'i' | b'o')
        {
            let spi = u32::from_str_radix(&line[i..i + 8], 16).unwrap_or(0)
                ^ k.wrapping_mul(2_654_435_761);
            out.push_str(&format!("{spi:08x}"));
            i += 8;
            continue;
        }
        // "|1>" or "<1>": the IKE_SA unique id.
        if (bytes[i] == b'|' || bytes[i] == b'<')
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_digit()
        {
            let digits = bytes[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if bytes.get(i + 1 + digits) == Some(&b'>') {
                out.push(bytes[i] as char);
                out.push_str(&k.to_string());
                i += 1 + digits;
                continue;
            }
        }
        let ch = line[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: gen_charon_log OUT SIZE_MB LOG...");
        std::process::exit(2);
    }
    let target: u64 = args[2].parse::<u64>().unwrap_or(1024) << 20;
    let mut lines: Vec<String> = Vec::new();
    for path in &args[3..] {
        if let Ok(text) = std::fs::read_to_string(path) {
            if ike_logs::detect(text.as_bytes()) == Some(ike_logs::Format::Charon) {
                lines.extend(text.lines().map(str::to_owned));
            }
        }
    }
    if lines.is_empty() {
        eprintln!("no charon log among the inputs");
        std::process::exit(2);
    }
    let file = std::fs::File::create(&args[1]).unwrap_or_else(|e| {
        eprintln!("{}: {e}", args[1]);
        std::process::exit(2)
    });
    let mut out = BufWriter::new(file);
    let mut written = 0u64;
    let mut k = 1u32;
    while written < target {
        for line in &lines {
            let l = vary(line, k);
            written += l.len() as u64 + 1;
            if writeln!(out, "{l}").is_err() {
                std::process::exit(2);
            }
        }
        k += 1;
    }
    let _ = out.flush();
}
