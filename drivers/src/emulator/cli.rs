//! Command-line front of the emulator, for `cetak printer-sim`:
//!
//! ```text
//! cetak printer-sim (--tcp ADDR | --pty) [--out DIR] [--scale F] [--feeder N]
//!                   [--single-side] [--serial SN] [--plain] [--ending cr|nul|none]
//!                   [--fault SPEC]...
//! SPEC: cover-open | feeder-empty-after=N | ribbon-end-after=N | jam-at-panel=N
//!       | disconnect-after=N | slow=MS | garble-after=N
//! ```

use std::path::PathBuf;
use std::time::Duration;

use super::{AnswerMode, Answers, Emulator, EmulatorConfig, EmulatorError, Faults, TextEnding};

/// Where the emulator listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listen {
    /// TCP address, e.g. `127.0.0.1:9100`.
    Tcp(String),
    /// A new pseudo-terminal; its path is printed.
    Pty,
}

/// Parsed command line.
#[derive(Debug, Clone, PartialEq)]
pub struct SimOptions {
    /// Where to listen.
    pub listen: Listen,
    /// Output directory for printed cards.
    pub out: Option<PathBuf>,
    /// Time scale (1 = realistic).
    pub scale: f64,
    /// Blank cards in the feeder.
    pub feeder: u32,
    /// Single-side printer.
    pub single_side: bool,
    /// Serial number (`Rsn`); a fresh one when not given.
    pub serial: Option<String>,
    /// How the printer answers (`--plain`: never ACK/NACK; `--ending`: CR, NUL or nothing).
    pub answers: Answers,
    /// Faults from the start.
    pub faults: Faults,
}

/// Usage text.
pub const USAGE: &str = "usage: printer-sim (--tcp ADDR | --pty) [--out DIR] [--scale F] [--feeder N] \
[--single-side] [--serial SN] [--plain] [--ending cr|nul|none] [--fault cover-open|feeder-empty-after=N|ribbon-end-after=N|jam-at-panel=N|disconnect-after=N|slow=MS|garble-after=N]...";

/// Applies one `--fault` specification to `faults` (and the feeder count for
/// `feeder-empty-after`).
pub fn apply_fault(spec: &str, faults: &mut Faults, feeder: &mut u32) -> Result<(), EmulatorError> {
    let (key, value) = spec.split_once('=').unwrap_or((spec, ""));
    let num = || -> Result<u32, EmulatorError> {
        value.parse().map_err(|_| {
            EmulatorError::Usage(format!("--fault {key} needs =N (a number), got {value:?}"))
        })
    };
    match key {
        "cover-open" if value.is_empty() => faults.cover_open = true,
        "feeder-empty-after" => *feeder = num()?,
        "ribbon-end-after" => faults.ribbon_end_after_panels = Some(num()?),
        "jam-at-panel" => faults.jam_at_panel = Some(num()?.max(1)),
        "disconnect-after" => faults.disconnect_after_commands = Some(num()?),
        "slow" => faults.answer_delay = Duration::from_millis(u64::from(num()?)),
        "garble-after" => faults.garble_after_commands = Some(num()?),
        _ => {
            return Err(EmulatorError::Usage(format!(
                "unknown fault {spec:?}\n{USAGE}"
            )))
        }
    }
    Ok(())
}

impl SimOptions {
    /// Parses arguments (without the program / subcommand name).
    pub fn from_args<S: AsRef<str>>(args: &[S]) -> Result<SimOptions, EmulatorError> {
        let mut listen = None;
        let mut opts = SimOptions {
            listen: Listen::Pty,
            out: None,
            scale: 1.0,
            feeder: EmulatorConfig::default().feeder_cards,
            single_side: false,
            serial: None,
            answers: Answers::default(),
            faults: Faults::default(),
        };
        let mut it = args.iter().map(|s| s.as_ref());
        let usage = |m: &str| EmulatorError::Usage(format!("{m}\n{USAGE}"));
        while let Some(arg) = it.next() {
            let mut value = |name: &str| {
                it.next()
                    .ok_or_else(|| usage(&format!("{name} needs a value")))
            };
            match arg {
                "--tcp" => listen = Some(Listen::Tcp(value("--tcp")?.to_string())),
                "--pty" => listen = Some(Listen::Pty),
                "--out" => opts.out = Some(PathBuf::from(value("--out")?)),
                "--scale" => {
                    opts.scale = value("--scale")?
                        .parse::<f64>()
                        .ok()
                        .filter(|s| s.is_finite() && *s >= 0.0)
                        .ok_or_else(|| usage("--scale needs a number >= 0"))?
                }
                "--feeder" => {
                    opts.feeder = value("--feeder")?
                        .parse()
                        .map_err(|_| usage("--feeder needs a number"))?
                }
                "--single-side" => opts.single_side = true,
                "--serial" => opts.serial = Some(value("--serial")?.to_string()),
                "--plain" => opts.answers.mode = AnswerMode::PlainOnly,
                "--ending" => {
                    opts.answers.ending = match value("--ending")? {
                        "cr" => TextEnding::Cr,
                        "nul" => TextEnding::Nul,
                        "none" => TextEnding::Nothing,
                        _ => return Err(usage("--ending needs cr, nul or none")),
                    }
                }
                "--fault" => {
                    let spec = value("--fault")?.to_string();
                    apply_fault(&spec, &mut opts.faults, &mut opts.feeder)?;
                }
                "-h" | "--help" => return Err(EmulatorError::Usage(USAGE.to_string())),
                other => return Err(usage(&format!("unknown argument {other:?}"))),
            }
        }
        opts.listen = listen.ok_or_else(|| usage("choose --tcp ADDR or --pty"))?;
        Ok(opts)
    }

    /// The emulator configuration these options describe.
    pub fn config(&self) -> EmulatorConfig {
        let defaults = EmulatorConfig::default();
        EmulatorConfig {
            serial: self.serial.clone().unwrap_or(defaults.serial.clone()),
            answers: self.answers,
            model: if self.single_side {
                "Primacy Emulator".into()
            } else {
                "Primacy Dual Emulator".into()
            },
            dual_side: !self.single_side,
            feeder_cards: self.feeder,
            time_scale: self.scale,
            faults: self.faults.clone(),
            out_dir: self.out.clone(),
            ..defaults
        }
    }
}

/// Runs the emulator until it is stopped (Ctrl-C ends the process) or an injected disconnect
/// ends a pty server. `announce` is given the printer URI to connect to.
pub fn run(opts: &SimOptions, announce: &mut dyn FnMut(&str)) -> Result<(), EmulatorError> {
    let emulator = Emulator::new(opts.config());
    match &opts.listen {
        Listen::Tcp(addr) => {
            let server = emulator.serve_tcp(addr)?;
            announce(&server.uri());
            server.wait();
        }
        Listen::Pty => {
            let server = emulator.serve_pty()?;
            announce(&server.uri());
            server.wait();
        }
    }
    Ok(())
}

/// Parses `args` and runs; prints the URI on stdout. For `main.rs`:
/// `cetak printer-sim …` → `cetak_drivers::emulator::cli::run_cli(&rest_of_args)`.
pub fn run_cli<S: AsRef<str>>(args: &[S]) -> Result<(), EmulatorError> {
    let opts = SimOptions::from_args(args)?;
    run(&opts, &mut |uri| {
        println!("printer emulator listening: {uri}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_options_and_faults() {
        let o = SimOptions::from_args(&[
            "--tcp",
            "127.0.0.1:9100",
            "--out",
            "/tmp/x",
            "--scale",
            "0.1",
            "--fault",
            "cover-open",
            "--fault",
            "feeder-empty-after=3",
            "--fault",
            "jam-at-panel=2",
            "--fault",
            "slow=250",
            "--fault",
            "garble-after=4",
            "--fault",
            "disconnect-after=9",
            "--fault",
            "ribbon-end-after=7",
            "--serial",
            "EVO-1",
            "--plain",
            "--ending",
            "nul",
        ])
        .unwrap();
        assert_eq!(o.config().serial, "EVO-1");
        assert_eq!(o.answers.mode, AnswerMode::PlainOnly);
        assert_eq!(o.answers.ending, TextEnding::Nul);
        assert_eq!(o.listen, Listen::Tcp("127.0.0.1:9100".into()));
        assert_eq!(o.scale, 0.1);
        assert_eq!(o.feeder, 3);
        assert!(o.faults.cover_open);
        assert_eq!(o.faults.jam_at_panel, Some(2));
        assert_eq!(o.faults.answer_delay, Duration::from_millis(250));
        assert_eq!(o.faults.garble_after_commands, Some(4));
        assert_eq!(o.faults.disconnect_after_commands, Some(9));
        assert_eq!(o.faults.ribbon_end_after_panels, Some(7));
        assert_eq!(
            SimOptions::from_args(&["--pty"]).unwrap().listen,
            Listen::Pty
        );
    }

    #[test]
    fn refuses_bad_arguments() {
        for bad in [
            &["--tcp"][..],
            &[],
            &["--pty", "--scale", "-1"],
            &["--pty", "--fault", "smoke"],
            &["--pty", "--fault", "jam-at-panel=x"],
            &["--pty", "--bogus"],
            &["--pty", "--ending", "lf"],
        ] {
            assert!(
                matches!(SimOptions::from_args(bad), Err(EmulatorError::Usage(_))),
                "{bad:?}"
            );
        }
    }
}
