//! `cetak`: the print-station binary. Everything lives in the library; this only parses the
//! command line and sets up logging.

fn main() -> std::process::ExitCode {
    let cli = match cetak::cli::parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    cetak::logging::init(&cli.log);
    cetak::cli::run(cli)
}
