//! `ike-doctor probe`: the command line of the active probe; the work is in `ike-probe`.
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, ValueEnum};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProbeFormat {
    Text,
    Json,
}

#[derive(Args)]
pub struct ProbeArgs {
    /// The gateway: a name or address, optionally with the IKE port (default 500);
    /// `[v6addr]:port` for IPv6. Only this host is ever sent to.
    #[arg(value_name = "HOST[:PORT]")]
    target: String,
    /// Report format (text on a terminal, json otherwise).
    #[arg(long, value_enum)]
    format: Option<ProbeFormat>,
    /// Find every accepted IKE suite (encryption, PRF, integrity, DH) with a box-splitting
    /// search: about 4 exchanges per accepted suite.
    #[arg(long)]
    enumerate: bool,
    /// Go on into IKE_AUTH as EAP client ID (no credential is sent) to retrieve the gateway's
    /// identity and certificate chain, and check the chain against HOST.
    #[arg(long, value_name = "ID")]
    eap_identity: Option<String>,
    /// Transmissions of each request (1-8); the waits double from --timeout-ms.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=8))]
    retries: u8,
    /// Wait after the first transmission, in milliseconds (100-5000).
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(100..=5000))]
    timeout_ms: u64,
    /// New IKE_SA_INIT exchanges per second at most (1-50).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=50))]
    rate: u32,
    /// Exchanges in all at most (1-1000).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=1000))]
    max_exchanges: u32,
    /// The gateway's NAT-T port.
    #[arg(long, default_value_t = 4500)]
    nat_t_port: u16,
}

pub fn run(args: &ProbeArgs) -> ExitCode {
    let options = ike_probe::Options {
        enumerate: args.enumerate,
        eap_identity: args.eap_identity.clone(),
        retries: args.retries,
        timeout: Duration::from_millis(args.timeout_ms),
        rate: args.rate,
        max_exchanges: args.max_exchanges,
        nat_t_port: args.nat_t_port,
    };
    let report = match ike_probe::run(&args.target, &options) {
        Ok(report) => report,
        Err(message) => {
            eprintln!("ike-doctor: probe: {message}");
            return ExitCode::from(2);
        }
    };
    let format = args.format.unwrap_or(if std::io::stdout().is_terminal() {
        ProbeFormat::Text
    } else {
        ProbeFormat::Json
    });
    let mut stdout = std::io::stdout().lock();
    let text = match format {
        ProbeFormat::Json => report.to_json(),
        ProbeFormat::Text => ike_probe::report::render_text(&report),
    };
    if writeln!(stdout, "{text}")
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::from(2);
    }
    ExitCode::from(report.exit_code())
}
