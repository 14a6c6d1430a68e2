//! `cetak`: the print-station binary. Everything lives in the library; this only parses the
//! command line and sets up logging.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = cetak::cli::Cli::parse();
    cetak::logging::init(&cli.log);
    cetak::cli::run(cli)
}
