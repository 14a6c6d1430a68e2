//! `cetak-server-sim`: runs the test server by hand, with a directory of signed jobs.
//! Each `*.jws` file is one job (JWS compact); its job id is the file name without `.jws`.

#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use cetak_server_sim::{ServerSim, SimOptions};
use clap::Parser;

/// Test server for cetak stations (the Dinas side of docs/protocol/openapi.yaml).
#[derive(Debug, Parser)]
#[command(name = "cetak-server-sim", version)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Directory of signed jobs (`JOB_ID.jws`).
    #[arg(long)]
    jobs: Option<PathBuf>,
    /// A station and its token, `STATION_ID=TOKEN` (repeatable).
    #[arg(long = "station", value_name = "ID=TOKEN", required = true)]
    stations: Vec<String>,
    /// Serve TLS with a fresh CA; its certificate is written to this file (PEM).
    #[arg(long, value_name = "CA_PEM_FILE")]
    tls_ca_out: Option<PathBuf>,
    /// Longest lease granted, seconds.
    #[arg(long, default_value_t = 3600)]
    lease_seconds: u32,
    /// Accept and ignore the give-back of a job reported printing (a release at shutdown, a
    /// `cancelled` lease_lost/lease_released event) instead of refusing it with 409 job_owned.
    #[arg(long)]
    lenient: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cetak-server-sim: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let mut opts = SimOptions {
        port: args.port,
        lease_seconds: args.lease_seconds,
        strict: !args.lenient,
        ..SimOptions::default()
    };
    for s in &args.stations {
        let (id, token) = s
            .split_once('=')
            .ok_or_else(|| format!("--station {s}: expected ID=TOKEN"))?;
        opts = opts.station(id, token);
    }
    if args.tls_ca_out.is_some() {
        opts = opts.tls();
    }
    let sim = ServerSim::start(opts).await.map_err(|e| e.to_string())?;
    if let (Some(path), Some(pem)) = (&args.tls_ca_out, sim.ca_pem()) {
        std::fs::write(path, pem).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("CA certificate written to {}", path.display());
    }
    if let Some(dir) = &args.jobs {
        let mut n = 0;
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if p.extension().and_then(|e| e.to_str()) != Some("jws") {
                continue;
            }
            let Some(id) = p.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            sim.add_job(id, text.trim());
            n += 1;
        }
        println!("{n} job(s) queued from {}", dir.display());
    }
    println!("listening on {}/api/v1 (Ctrl-C to stop)", sim.url());
    let mut seen = 0;
    let mut vseen = 0;
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
        let events = sim.events();
        for e in events.iter().skip(seen) {
            println!("event {e}");
        }
        seen = events.len();
        let violations = sim.schema_violations();
        for v in violations.iter().skip(vseen) {
            eprintln!("contract violation in {}: {:?}", v.operation, v.errors);
        }
        vseen = violations.len();
    }
    println!("{seen} event(s) stored, {vseen} contract violation(s)");
    Ok(())
}
