//! `ike-synth`: writes deterministic synthetic captures for ike-doctor's benchmarks and
//! bad-input tests. See the library documentation for what each file contains.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use ike_synth::{
    parse_size, write_hostile, write_mixed, CaptureWriter, Format, HostileKind, MixedOptions, Shape,
};

#[derive(Parser)]
#[command(
    name = "ike-synth",
    version,
    about = "Deterministic synthetic IKEv2/ESP captures"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where and how every capture is written.
#[derive(clap::Args)]
struct FileArgs {
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value = "pcap")]
    format: Format,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Print what was written as one JSON line on stderr.
    #[arg(long)]
    stats: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Mixed traffic (TCP, DNS, ESP, IKEv2) up to a target file size.
    Mixed {
        /// Target file size, e.g. 600M, 2G, 65536 (binary suffixes).
        #[arg(long, value_parser = parse_size, default_value = "600M")]
        size: u64,
        /// Stop after this many frames even if the size is not reached.
        #[arg(long)]
        frames: Option<u64>,
        #[command(flatten)]
        file: FileArgs,
    },
    /// A busy gateway: many peers (each retrying after failures and deletes), many ESP flows,
    /// IKE a large share of the frames.
    Gateway {
        /// Target file size, e.g. 500M, 2G.
        #[arg(long, value_parser = parse_size, default_value = "500M")]
        size: u64,
        /// Stop after this many frames even if the size is not reached.
        #[arg(long)]
        frames: Option<u64>,
        #[command(flatten)]
        file: FileArgs,
        /// IKE peers (one tunnel each at a time).
        #[arg(long, default_value_t = Shape::GATEWAY.tunnels)]
        peers: usize,
        /// Distinct ESP SPIs the ESP frames are spread over.
        #[arg(long, default_value_t = Shape::GATEWAY.esp_sas)]
        esp_flows: usize,
        /// IKE_SA_INIT attempts that fail, in percent (half unanswered, half refused).
        #[arg(long, default_value_t = Shape::GATEWAY.fail_percent, value_parser = clap::value_parser!(u8).range(0..=92))]
        fail_percent: u8,
        /// IKE events per 10,000 frames drawn (the rest is ESP, DNS and TCP).
        #[arg(long, default_value_t = Shape::GATEWAY.ike_per_10k, value_parser = clap::value_parser!(u32).range(1..=4000))]
        ike_per_10k: u32,
    },
    /// Inputs built to stress readers: fragment-flood, half-open-sas, lying-lengths, truncated.
    Hostile {
        #[arg(long)]
        kind: HostileKind,
        /// Number of records (default depends on the kind).
        #[arg(long)]
        count: Option<u64>,
        #[command(flatten)]
        file: FileArgs,
    },
}

fn generate(
    kind: &str,
    size: u64,
    frames: Option<u64>,
    shape: Shape,
    args: &FileArgs,
) -> std::io::Result<()> {
    let started = Instant::now();
    let options = MixedOptions {
        target_bytes: size,
        max_frames: frames,
        seed: args.seed,
        shape,
    };
    let file = BufWriter::with_capacity(1 << 20, File::create(&args.out)?);
    let mut writer = CaptureWriter::new(file, args.format)?;
    let written = write_mixed(&mut writer, &options)?;
    writer.finish()?;
    if args.stats {
        let json = written.to_json(kind);
        let seconds = started.elapsed().as_secs_f64();
        eprintln!("{},\"seconds\":{seconds:.3}}}", json.trim_end_matches('}'));
    }
    Ok(())
}

fn run(cli: Cli) -> std::io::Result<()> {
    match cli.command {
        Command::Mixed { size, frames, file } => {
            generate("mixed", size, frames, Shape::MIXED, &file)?
        }
        Command::Gateway {
            size,
            frames,
            file,
            peers,
            esp_flows,
            fail_percent,
            ike_per_10k,
        } => {
            let ike_per_10k =
                ike_per_10k.min(Shape::GATEWAY.ike_per_10k + Shape::GATEWAY.esp_per_10k);
            let shape = Shape {
                tunnels: peers.max(1),
                esp_sas: esp_flows.max(1),
                fail_percent,
                ike_per_10k,
                esp_per_10k: Shape::GATEWAY.esp_per_10k + Shape::GATEWAY.ike_per_10k - ike_per_10k,
                ..Shape::GATEWAY
            };
            generate("gateway", size, frames, shape, &file)?;
        }
        Command::Hostile { kind, count, file } => {
            let count = count.unwrap_or_else(|| kind.default_count());
            let written = write_hostile(kind, &file.out, file.format, count, file.seed)?;
            if file.stats {
                eprintln!("{}", written.to_json());
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ike-synth: {error}");
            ExitCode::FAILURE
        }
    }
}
