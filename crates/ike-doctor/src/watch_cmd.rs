//! `ike-doctor watch`: the IO around `ike_watch::Watch`. Threads read the interfaces (packet
//! sockets with a kernel BPF filter, see [`crate::live`]) and follow the logs (files, surviving
//! rotation, or `journalctl -f -o json`); the main thread feeds the engine in arrival order,
//! prints one JSON line per finished attempt or lost SA, writes its evidence, and keeps the
//! Prometheus metrics that a scrape of `--metrics` reads.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use ike_watch::{Config, Event, Finished, Kind, Watch};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use crate::live::LiveCapture;

#[derive(clap::Args)]
pub(crate) struct WatchArgs {
    /// Capture on this interface (UDP 500/4500, IP fragments, ESP, ICMP only, filtered in the
    /// kernel); may be repeated. Needs root or CAP_NET_RAW.
    #[arg(long = "interface", value_name = "IF")]
    interfaces: Vec<String>,
    /// Follow this IKE daemon log (a file, read from its end, surviving rotation), or
    /// `journal` for `journalctl -f -o json`; may be repeated.
    #[arg(long = "log", value_name = "FILE|journal")]
    logs: Vec<String>,
    /// Serve Prometheus metrics at http://ADDR/metrics (e.g. 127.0.0.1:9814).
    #[arg(long, value_name = "ADDR")]
    metrics: Option<String>,
    /// Write each diagnosed SA's evidence here: NAME.pcapng, NAME.log and NAME.json, which
    /// `ike-doctor diagnose NAME.pcapng NAME.log` reads back to the same verdict.
    #[arg(long, value_name = "DIR")]
    evidence: Option<PathBuf>,
    /// Oldest evidence files are removed past this many megabytes.
    #[arg(long, value_name = "MB", default_value_t = 256)]
    evidence_max_mb: u64,
    /// An attempt still unfinished after this many seconds is diagnosed as it stands
    /// (strongSwan's retransmissions last 165 s).
    #[arg(long, value_name = "SECONDS", default_value_t = 165)]
    attempt_timeout: u64,
    /// SAs tracked at once; attempts beyond are counted (metric
    /// ike_doctor_attempts_untracked_total), not diagnosed.
    #[arg(long, value_name = "N", default_value_t = 20_000)]
    max_sas: usize,
}

enum Input {
    Frame(i64, Vec<u8>),
    Log(usize, i64, String),
    Problem(String),
}

fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

pub(crate) fn run(args: &WatchArgs) -> ExitCode {
    if args.interfaces.is_empty() && args.logs.is_empty() {
        eprintln!("ike-doctor watch: give at least one --interface or --log");
        return ExitCode::from(2);
    }
    // Bounded: when the engine falls behind a line-rate burst, frames are dropped (and
    // counted) here, as the kernel would drop them, instead of queueing without end.
    let (sender, receiver) = mpsc::sync_channel::<Input>(QUEUE);
    let dropped = Arc::new(AtomicU64::new(0));
    for interface in &args.interfaces {
        // Opened here first so a wrong name or missing privilege stops at once.
        let capture = match LiveCapture::open(interface) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("ike-doctor watch: {e}");
                return ExitCode::from(2);
            }
        };
        let sender = sender.clone();
        let dropped = Arc::clone(&dropped);
        std::thread::spawn(move || capture_loop(capture, &sender, &dropped));
    }
    let mut formats: Vec<Option<ike_logs::Format>> = Vec::new();
    for (i, log) in args.logs.iter().enumerate() {
        let sender = sender.clone();
        formats.push(None);
        if log == "journal" {
            std::thread::spawn(move || journal_loop(i, &sender));
        } else {
            let path = PathBuf::from(log);
            std::thread::spawn(move || follow_loop(i, &path, &sender));
        }
    }
    drop(sender);

    let metrics = Metrics::new();
    if let Some(address) = &args.metrics {
        let listener = match TcpListener::bind(address) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("ike-doctor watch: --metrics {address}: {e}");
                return ExitCode::from(2);
            }
        };
        let registry = Arc::clone(&metrics.registry);
        std::thread::spawn(move || serve_metrics(&listener, &registry));
    }
    let mut evidence = args
        .evidence
        .as_ref()
        .map(|dir| EvidenceDir::open(dir, args.evidence_max_mb << 20));
    if let Some(Err(e)) = &evidence {
        eprintln!("ike-doctor watch: {e}");
        return ExitCode::from(2);
    }
    let mut evidence = evidence.take().and_then(Result::ok);

    let mut watch = Watch::new(Config {
        attempt_timeout_ns: i64::try_from(args.attempt_timeout)
            .unwrap_or(165)
            .saturating_mul(1_000_000_000),
        max_sas: args.max_sas,
        // Without a capture, the logs are all there is to know SAs by.
        sas_from_logs: args.interfaces.is_empty(),
        ..Config::default()
    });
    // Log text kept until its format is known (a few lines are needed to tell).
    let mut undetected: Vec<String> = vec![String::new(); args.logs.len()];
    let stdout = std::io::stdout();
    let mut hosts = HostChecks {
        reports: std::collections::HashMap::new(),
        last_run: None,
    };
    loop {
        let wait = watch
            .poll_timeout()
            .map_or(Duration::from_millis(500), |due| {
                Duration::from_nanos(u64::try_from(due - now_ns()).unwrap_or(0))
                    .min(Duration::from_millis(500))
            });
        match receiver.recv_timeout(wait) {
            Ok(Input::Frame(t, data)) => watch.handle_frame(t, &data),
            Ok(Input::Log(i, t, text)) => {
                let Some(slot) = formats.get_mut(i) else {
                    continue;
                };
                if slot.is_none() {
                    let pending = &mut undetected[i];
                    pending.push_str(&text);
                    *slot = ike_logs::detect(pending.as_bytes());
                    if slot.is_none() {
                        // Not a log ike-doctor knows yet: keep the last 64 KiB to try again.
                        if pending.len() > 64 << 10 {
                            let cut = pending.len() - (64 << 10);
                            let cut = (cut..pending.len())
                                .find(|&c| pending.is_char_boundary(c))
                                .unwrap_or(pending.len());
                            pending.drain(..cut);
                        }
                        continue;
                    }
                    let text = std::mem::take(pending);
                    if let Some(format) = *slot {
                        watch.handle_log(t, format, &text);
                    }
                    continue;
                }
                if let Some(format) = *slot {
                    watch.handle_log(t, format, &text);
                }
            }
            Ok(Input::Problem(message)) => eprintln!("ike-doctor watch: {message}"),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                // Every source ended (a followed journal exited): diagnose what is left, a
                // batch at a time.
                loop {
                    watch.handle_timeout(i64::MAX);
                    drain(&mut watch, &metrics, evidence.as_mut(), &mut hosts, &stdout);
                    if !watch.is_due(i64::MAX) {
                        return ExitCode::SUCCESS;
                    }
                }
            }
        }
        watch.handle_timeout(now_ns());
        drain(&mut watch, &metrics, evidence.as_mut(), &mut hosts, &stdout);
        metrics.dropped(dropped.load(Ordering::Relaxed));
    }
}

/// This host's view of the peers of SAs whose failure the packets and the log leave open (a
/// request that reached the interface and was never answered: the firewall, or another program
/// on the port?): `ike-doctor host` for that peer, at most one a second, each kept 30 s.
struct HostChecks {
    reports: std::collections::HashMap<std::net::IpAddr, (std::time::Instant, String)>,
    last_run: Option<std::time::Instant>,
}

impl HostChecks {
    fn for_peer(&mut self, peer: std::net::IpAddr) -> Option<String> {
        let now = std::time::Instant::now();
        if let Some((at, report)) = self.reports.get(&peer) {
            if now.duration_since(*at) < Duration::from_secs(30) {
                return Some(report.clone());
            }
        }
        if self
            .last_run
            .is_some_and(|t| now.duration_since(t) < Duration::from_secs(1))
        {
            return None;
        }
        self.last_run = Some(now);
        let args = crate::host_cmd::HostArgs::live_json(None, Some(peer), false);
        let report = crate::host_cmd::build_report(&args).ok()?;
        let text = serde_json::to_string_pretty(&report).ok()?;
        if self.reports.len() >= 256 {
            self.reports.clear();
        }
        self.reports.insert(peer, (now, text.clone()));
        Some(text)
    }
}

/// Whether `ip` is one of this host's addresses (it can be bound to).
fn is_local(ip: std::net::IpAddr) -> bool {
    std::net::UdpSocket::bind((ip, 0)).is_ok()
}

fn drain(
    watch: &mut Watch,
    metrics: &Metrics,
    mut evidence: Option<&mut EvidenceDir>,
    hosts: &mut HostChecks,
    stdout: &std::io::Stdout,
) {
    while let Some(event) = watch.poll_event() {
        let mut f = match event {
            Event::Finished(f) => f,
            Event::Aggregate(a) => {
                let line = serde_json::json!({
                    "time": ike_timeline::time::rfc3339_micros(ike_timeline::Timestamp(a.to_ns)),
                    "event": "aggregate",
                    "of": a.kind.as_str(),
                    "from": ike_timeline::time::rfc3339_micros(ike_timeline::Timestamp(a.from_ns)),
                    "count": a.count,
                    "outcome": a.outcome.as_str(),
                    "phase": a.phase,
                    "category": a.category,
                });
                let mut out = stdout.lock();
                let _ = writeln!(out, "{line}");
                let _ = out.flush();
                continue;
            }
        };
        let open =
            f.verdict.outcome == ike_diagnose::Outcome::Failed && f.verdict.category.is_none();
        let peer = if is_local(f.responder.ip()) {
            f.initiator.ip()
        } else {
            f.responder.ip()
        };
        // Counted into the window's aggregate: the metrics only.
        if f.suppressed {
            metrics.finished(&f);
            continue;
        }
        let host_report = if open { hosts.for_peer(peer) } else { None };
        if let Some(report) = &host_report {
            let (verdict, verdict_json, findings_json) =
                ike_watch::evaluate(&f.evidence_name, &f.pcap, &f.log, Some(report), f.at_ns);
            f.verdict = verdict;
            f.verdict_json = verdict_json;
            f.findings_json = findings_json;
        }
        metrics.finished(&f);
        let files =
            evidence
                .as_deref_mut()
                .and_then(|dir| match dir.write(&f, host_report.as_deref()) {
                    Ok(files) => Some(files),
                    Err(e) => {
                        eprintln!("ike-doctor watch: evidence: {e}");
                        None
                    }
                });
        let line = json_line(&f, files.as_ref());
        let mut out = stdout.lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }
    metrics.state(watch);
}

/// The JSON line of one diagnosis.
fn json_line(f: &Finished, files: Option<&EvidenceFiles>) -> serde_json::Value {
    serde_json::json!({
        "time": ike_timeline::time::rfc3339_micros(ike_timeline::Timestamp(f.at_ns)),
        "event": f.kind.as_str(),
        "spi_i": ike_report::spi_hex(f.spi_i),
        "spi_r": ike_report::spi_hex(f.spi_r),
        "initiator": f.initiator.to_string(),
        "responder": f.responder.to_string(),
        "verdict": f.verdict_json,
        "findings": f.findings_json,
        "retransmits": f.retransmits,
        "evidence": files.map(|files| serde_json::json!({
            "capture": files.capture.as_ref().map(|c| c.display().to_string()),
            "log": files.log.as_ref().map(|l| l.display().to_string()),
            "host": files.host.as_ref().map(|h| h.display().to_string()),
        })),
    })
}

/// Frames and log chunks waiting for the engine.
const QUEUE: usize = 8_192;

fn capture_loop(capture: LiveCapture, sender: &SyncSender<Input>, dropped: &AtomicU64) {
    let mut buffer = vec![0u8; 65_536];
    let mut current = Some(capture);
    loop {
        let Some(capture) = &current else {
            std::thread::sleep(crate::live::REOPEN_AFTER);
            // The interface went away (down, renamed, deleted): open it again when it is back.
            continue;
        };
        match capture.next(&mut buffer) {
            Ok(Some(n)) => {
                let frame = buffer.get(..n).unwrap_or_default().to_vec();
                match sender.try_send(Input::Frame(now_ns(), frame)) {
                    Ok(()) => {}
                    Err(TrySendError::Full(_)) => {
                        dropped.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(TrySendError::Disconnected(_)) => return,
                }
            }
            Ok(None) => {}
            Err(e) => {
                let interface = capture.interface.clone();
                let _ = sender.send(Input::Problem(format!("{interface}: {e}; reopening")));
                current = None;
                while current.is_none() {
                    std::thread::sleep(crate::live::REOPEN_AFTER);
                    current = LiveCapture::open(&interface).ok();
                }
            }
        }
    }
}

/// Follows a log file from its end: new whole lines are sent as they come; a file replaced
/// (rotated: another inode) or cut shorter is read again from its start.
fn follow_loop(index: usize, path: &Path, sender: &SyncSender<Input>) {
    use std::os::unix::fs::MetadataExt;
    let mut file: Option<(std::fs::File, u64)> = None;
    let mut position = 0u64;
    let mut partial: Vec<u8> = Vec::new();
    let mut first_open = true;
    loop {
        let meta = std::fs::metadata(path).ok();
        let reopen = match (&file, &meta) {
            (None, Some(_)) => true,
            (Some((_, inode)), Some(m)) => m.ino() != *inode || m.len() < position,
            _ => false,
        };
        if reopen {
            if let (Ok(mut f), Some(m)) = (std::fs::File::open(path), &meta) {
                // At start, only what is written from now on; after a rotation, all of it.
                position = if first_open { m.len() } else { 0 };
                first_open = false;
                if f.seek(SeekFrom::Start(position)).is_ok() {
                    file = Some((f, m.ino()));
                    partial.clear();
                }
            }
        }
        if let Some((f, _)) = &mut file {
            let mut chunk = Vec::new();
            if let Ok(n) = Read::by_ref(f).take(4 << 20).read_to_end(&mut chunk) {
                position += n as u64;
                partial.extend_from_slice(&chunk);
                if let Some(end) = partial.iter().rposition(|&b| b == b'\n') {
                    let lines: Vec<u8> = partial.drain(..=end).collect();
                    let text = String::from_utf8_lossy(&lines).into_owned();
                    if sender.send(Input::Log(index, now_ns(), text)).is_err() {
                        return;
                    }
                }
                // A line without its end for 64 KiB is not a line: drop it.
                if partial.len() > 64 << 10 {
                    partial.clear();
                }
            }
        } else if first_open {
            // Not there yet: what it will hold is all new.
            first_open = false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `journalctl -f -o json`: one JSON record per line, new ones only.
fn journal_loop(index: usize, sender: &SyncSender<Input>) {
    let child = std::process::Command::new("journalctl")
        .args(["-f", "-o", "json", "-n", "0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            let _ = sender.send(Input::Problem(format!("journalctl: {e}")));
            return;
        }
    };
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if sender
                .send(Input::Log(index, now_ns(), line + "\n"))
                .is_err()
            {
                break;
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The files of one diagnosis: `diagnose` on them gives its verdict.
struct EvidenceFiles {
    /// None for an SA known from a log only.
    capture: Option<PathBuf>,
    log: Option<PathBuf>,
    host: Option<PathBuf>,
}

/// The evidence folder: files named by the SA's start and SPI, the oldest removed past a size.
struct EvidenceDir {
    dir: PathBuf,
    cap: u64,
    /// Files written, oldest first, with their sizes.
    files: VecDeque<(PathBuf, u64)>,
    total: u64,
}

impl EvidenceDir {
    fn open(dir: &Path, cap: u64) -> Result<EvidenceDir, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut files: Vec<(PathBuf, u64)> = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .flatten()
            .filter_map(|e| Some((e.path(), e.metadata().ok()?.len())))
            .collect();
        files.sort();
        let total = files.iter().map(|(_, n)| n).sum();
        Ok(EvidenceDir {
            dir: dir.to_path_buf(),
            cap,
            files: files.into(),
            total,
        })
    }

    fn write(&mut self, f: &Finished, host_report: Option<&str>) -> std::io::Result<EvidenceFiles> {
        let capture = if f.pcap.is_empty() {
            None
        } else {
            let path = self.dir.join(format!("{}.pcapng", f.evidence_name));
            self.put(&path, &f.pcap)?;
            Some(path)
        };
        let host = match host_report {
            Some(report) => {
                let path = self.dir.join(format!("{}.host.json", f.evidence_name));
                self.put(&path, report.as_bytes())?;
                Some(path)
            }
            None => None,
        };
        let log = if f.log.is_empty() {
            None
        } else {
            let path = self.dir.join(format!("{}.log", f.evidence_name));
            self.put(&path, f.log.as_bytes())?;
            Some(path)
        };
        let files = EvidenceFiles { capture, log, host };
        let json = self.dir.join(format!("{}.json", f.evidence_name));
        let line = json_line(f, Some(&files));
        self.put(&json, format!("{line}\n").as_bytes())?;
        Ok(files)
    }

    fn put(&mut self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        std::fs::write(path, bytes)?;
        self.files
            .push_back((path.to_path_buf(), bytes.len() as u64));
        self.total += bytes.len() as u64;
        while self.total > self.cap {
            let Some((old, n)) = self.files.pop_front() else {
                break;
            };
            let _ = std::fs::remove_file(&old);
            self.total = self.total.saturating_sub(n);
        }
        Ok(())
    }
}

type Labels = Vec<(String, String)>;

/// The metrics: bounded labels (outcome, phase, category), never per SA or peer.
struct Metrics {
    registry: Arc<Registry>,
    attempts: Family<Labels, Counter>,
    failures: Family<Labels, Counter>,
    lost: Family<Labels, Counter>,
    seen: Counter,
    untracked: Counter,
    not_kept: Counter,
    expired: Counter,
    frames_dropped: Counter,
    retransmits: Counter,
    keepalives: Counter,
    keepalive_gap: Gauge<f64, std::sync::atomic::AtomicU64>,
    tracked: Gauge,
    up: Gauge,
}

impl Metrics {
    fn new() -> Metrics {
        let mut registry = Registry::with_prefix("ike_doctor");
        let attempts = Family::<Labels, Counter>::default();
        let failures = Family::<Labels, Counter>::default();
        let lost = Family::<Labels, Counter>::default();
        let seen = Counter::default();
        let untracked = Counter::default();
        let not_kept = Counter::default();
        let expired = Counter::default();
        let frames_dropped = Counter::default();
        let retransmits = Counter::default();
        let keepalives = Counter::default();
        let keepalive_gap = Gauge::<f64, std::sync::atomic::AtomicU64>::default();
        let tracked = Gauge::default();
        let up = Gauge::default();
        registry.register(
            "attempts",
            "IKE SA attempts diagnosed, by outcome",
            attempts.clone(),
        );
        registry.register(
            "failures",
            "Failed IKE SA attempts, by phase and category (open: not decided)",
            failures.clone(),
        );
        registry.register(
            "sas_lost",
            "Established SAs lost, by category",
            lost.clone(),
        );
        registry.register("attempts_seen", "New IKE SAs seen", seen.clone());
        registry.register(
            "attempts_untracked",
            "Attempts not tracked because the SA cap was reached",
            untracked.clone(),
        );
        registry.register(
            "evidence_frames_not_kept",
            "Frames not kept as evidence because the evidence memory cap was reached",
            not_kept.clone(),
        );
        registry.register(
            "frames_dropped",
            "Captured frames dropped because the diagnosis fell behind (bounded queue)",
            frames_dropped.clone(),
        );
        registry.register(
            "sas_expired",
            "Established SAs forgotten after hours without a packet",
            expired.clone(),
        );
        registry.register(
            "retransmits",
            "Retransmitted IKE requests in diagnosed SAs",
            retransmits.clone(),
        );
        registry.register(
            "nat_keepalives",
            "NAT-T keepalives seen",
            keepalives.clone(),
        );
        registry.register(
            "nat_keepalive_max_gap_seconds",
            "Longest gap between two NAT-T keepalives of one endpoint",
            keepalive_gap.clone(),
        );
        registry.register("sas_tracked", "IKE SAs tracked now", tracked.clone());
        registry.register("sas_up", "Established IKE SAs watched now", up.clone());
        Metrics {
            registry: Arc::new(registry),
            attempts,
            failures,
            lost,
            seen,
            untracked,
            not_kept,
            expired,
            frames_dropped,
            retransmits,
            keepalives,
            keepalive_gap,
            tracked,
            up,
        }
    }

    fn finished(&self, f: &Finished) {
        let v = &f.verdict;
        let phase = v.phase.map_or("open", |p| p.as_str()).to_string();
        let category = v.category.map_or("open", |c| c.as_str()).to_string();
        self.retransmits.inc_by(f.retransmits);
        match f.kind {
            Kind::Attempt => {
                self.attempts
                    .get_or_create(&vec![("outcome".into(), v.outcome.as_str().into())])
                    .inc();
                if v.outcome == ike_diagnose::Outcome::Failed {
                    self.failures
                        .get_or_create(&vec![
                            ("phase".into(), phase),
                            ("category".into(), category),
                        ])
                        .inc();
                }
            }
            Kind::Lost => {
                self.lost
                    .get_or_create(&vec![("category".into(), category)])
                    .inc();
            }
        }
    }

    fn dropped(&self, total: u64) {
        let now = self.frames_dropped.get();
        if total > now {
            self.frames_dropped.inc_by(total - now);
        }
    }

    /// Counters the engine keeps as totals are brought up to them.
    fn state(&self, watch: &Watch) {
        let raise = |c: &Counter, total: u64| {
            let now = c.get();
            if total > now {
                c.inc_by(total - now);
            }
        };
        raise(&self.seen, watch.attempts);
        raise(&self.untracked, watch.untracked);
        raise(&self.not_kept, watch.frames_not_kept);
        raise(&self.expired, watch.expired);
        raise(&self.keepalives, watch.keepalives);
        self.keepalive_gap
            .set(watch.keepalive_max_gap_ns as f64 / 1e9);
        let (tracked, up) = watch.tracked();
        self.tracked.set(i64::try_from(tracked).unwrap_or(i64::MAX));
        self.up.set(i64::try_from(up).unwrap_or(i64::MAX));
    }
}

/// A minimal HTTP/1.1 responder: `GET /metrics` gets the text exposition, anything else 404.
fn serve_metrics(listener: &TcpListener, registry: &Registry) {
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let mut request = [0u8; 2048];
        let n = stream.read(&mut request).unwrap_or(0);
        let head = String::from_utf8_lossy(&request[..n]);
        let path = head.split_whitespace().nth(1).unwrap_or("");
        let (status, body) = if path == "/metrics" || path.starts_with("/metrics?") {
            let mut body = String::new();
            match prometheus_client::encoding::text::encode(&mut body, registry) {
                Ok(()) => ("200 OK", body),
                Err(_) => ("500 Internal Server Error", String::new()),
            }
        } else {
            ("404 Not Found", "not found; try /metrics\n".to_string())
        };
        let _ = write!(
            stream,
            "HTTP/1.1 {status}\r\nContent-Type: application/openmetrics-text; version=1.0.0; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
    }
}
