//! `cetak`: the print-station binary. Everything lives in the library; this only parses the
//! command line and sets up logging.

use clap::Parser as _;

fn main() -> std::process::ExitCode {
    let cli = match cetak::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return cetak::cli::usage_error(&e, cetak::cli::lang_before_parsing()),
    };
    cetak::logging::init(&cli.log);
    cetak::cli::run(cli)
}
