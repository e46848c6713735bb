//! Scans a log file and prints what was found: the figure `bench/logs.sh` measures.
//! Usage: scan_log FILE
use std::io::Write;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: scan_log FILE");
        std::process::exit(2);
    };
    let mut head = vec![0u8; 64 * 1024];
    let n = std::fs::File::open(&path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .unwrap_or(0);
    head.truncate(n);
    let Some(format) = ike_logs::detect(&head) else {
        eprintln!("{path}: not a recognised log");
        std::process::exit(2);
    };
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let start = std::time::Instant::now();
    let mut causes = 0u64;
    let stats = ike_logs::scan(file, format, &ike_logs::ScanConfig::default(), &mut |r| {
        if r.entry.role == ike_logs::Role::Cause {
            causes += 1;
        }
    });
    let seconds = start.elapsed().as_secs_f64();
    match stats {
        Ok(s) => {
            let _ = writeln!(
                std::io::stdout(),
                "{}: {} lines, {} bytes, {} records ({} naming causes), {} long lines; {:.3} s, {:.0} MB/s",
                format.describe(),
                s.lines,
                s.bytes,
                s.records,
                causes,
                s.long_lines,
                seconds,
                s.bytes as f64 / 1e6 / seconds.max(1e-9)
            );
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    }
}
