//! `cetak` binary (the lead's branch holds the full dispatcher; this one runs the station
//! commands).
use clap::Parser;

use cetak::cli::{Cli, Command};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_new(&cli.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    match cli.command {
        Command::Station(cmd) => cetak::cli::station::run(cmd, cli.lang),
        _ => {
            eprintln!("command not available in this build");
            std::process::ExitCode::FAILURE
        }
    }
}
