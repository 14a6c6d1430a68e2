//! The `cetak` command line: what production staff and administrators type. Messages go to the
//! operator in Bahasa Indonesia unless `--lang en` is given.

mod bundle;
mod card;
mod chip;
pub mod control;
mod dashboard;
pub mod demo;
pub mod help;
pub mod keys;
mod report;
pub mod run;
pub mod station;

use crate::messages::{MessageText as _, Plain};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

pub use crate::messages::Lang;

/// `--lang` / `CETAK_LANG`: `id` or `en`.
fn lang_parser() -> impl clap::builder::TypedValueParser<Value = Lang> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(["id", "en"])
        .map(|s| s.parse::<Lang>().unwrap_or_default())
}

/// The language asked for before the command line is parsed (for clap's own errors):
/// `--lang X` / `--lang=X`, else `CETAK_LANG`, else Bahasa Indonesia.
pub fn lang_before_parsing() -> Lang {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let given = args
        .iter()
        .enumerate()
        .find_map(|(i, a)| match a.strip_prefix("--lang") {
            Some(rest) if rest.starts_with('=') => Some(rest[1..].to_owned()),
            Some("") => args.get(i + 1).cloned(),
            _ => None,
        });
    given
        .or_else(|| std::env::var("CETAK_LANG").ok())
        .and_then(|l| l.parse().ok())
        .unwrap_or_default()
}

/// The command line with its help in `lang`: summaries, options, headings and clap's own
/// `-h` / `-V` lines from the catalogue (`help.*`, see [`help`]).
pub fn command(lang: Lang) -> clap::Command {
    use clap::CommandFactory as _;
    let mut cmd = Cli::command();
    cmd.build();
    help::localise(cmd, lang)
}

/// Parses the process's command line, its help and errors in the language asked for.
pub fn parse() -> Result<Cli, ExitCode> {
    use clap::FromArgMatches as _;
    let lang = lang_before_parsing();
    command(lang)
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m))
        .map_err(|e| usage_error(&e, lang))
}

/// Prints a command-line error of clap for the operator, in `lang`, and gives its exit code.
/// Help and version requests print as clap writes them (their texts are bilingual).
pub fn usage_error(e: &clap::Error, lang: Lang) -> ExitCode {
    use clap::error::{ContextKind, ErrorKind};
    let code = match e.kind() {
        ErrorKind::InvalidValue => "usage.invalid_value",
        ErrorKind::UnknownArgument => "usage.unknown_argument",
        ErrorKind::InvalidSubcommand => "usage.invalid_subcommand",
        ErrorKind::MissingRequiredArgument => "usage.missing_argument",
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "usage.missing_subcommand"
        }
        ErrorKind::ArgumentConflict => "usage.conflict",
        ErrorKind::ValueValidation => "usage.value_validation",
        ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            "usage.number_of_values"
        }
        ErrorKind::NoEquals => "usage.no_equals",
        _ => "",
    };
    let plain = matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion);
    if plain || code.is_empty() || lang == Lang::En {
        let _ = e.print();
        return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
    }
    let context = |kind: ContextKind| e.get(kind).map(|v| v.to_string()).unwrap_or_default();
    // clap reports "no value given" and "a value outside a list" both as `InvalidValue`.
    let code = match (
        code,
        e.get(ContextKind::InvalidValue),
        e.get(ContextKind::ValidValue),
    ) {
        ("usage.invalid_value", Some(v), _) if v.to_string().is_empty() => "usage.value_required",
        ("usage.invalid_value", _, None) => "usage.value_validation",
        (code, _, _) => code,
    };
    let args = crate::messages::Args::new()
        .with("arg", context(ContextKind::InvalidArg))
        .with("value", context(ContextKind::InvalidValue))
        .with("valid", context(ContextKind::ValidValue))
        .with("subcommand", context(ContextKind::InvalidSubcommand));
    eprintln!("{}", crate::messages::say(lang, code, args));
    // Clap's usage line, under the heading of the help's template.
    let usage = context(ContextKind::Usage);
    if let Some(usage) = usage.trim().strip_prefix("Usage:") {
        let heading = crate::messages::label(lang, "usage.usage");
        eprintln!("\n{heading} {}\n", usage.trim());
    }
    eprintln!("{}", crate::messages::label(lang, "usage.hint"));
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
}

/// cetak — stasiun cetak KTP-el dan KIA / print station for KTP-el and KIA cards.
#[derive(Debug, Parser)]
#[command(name = "cetak", version, about)]
pub struct Cli {
    /// Bahasa pesan / message language.
    #[arg(
        long,
        value_parser = lang_parser(),
        global = true,
        default_value = "id",
        env = "CETAK_LANG"
    )]
    pub lang: Lang,
    /// Log filter (tracing `EnvFilter` syntax), e.g. `info` or `cetak=debug`.
    #[arg(long, global = true, default_value = "warn", env = "CETAK_LOG")]
    pub log: String,
    #[command(subcommand)]
    pub command: Command,
}

/// Every subcommand.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Periksa dokumen job / check a job document.
    Validate(ValidateArgs),
    /// Render kartu ke PNG / render a card to PNG files.
    Render(RenderArgs),
    /// Cetak satu kartu / validate, render, encode and print one card.
    Print(PrintArgs),
    /// Emulator printer Evolis / run an emulated Evolis printer.
    ///
    /// printer-sim (--tcp ADDR | --pty) [--out DIR] [--scale F] [--feeder N] [--single-side]
    /// [--fault cover-open|feeder-empty-after=N|ribbon-end-after=N|jam-at-panel=N|
    /// disconnect-after=N|slow=MS|garble-after=N]...
    #[command(disable_help_flag = true)]
    PrinterSim {
        /// Emulator options (see above).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Tulis dan verifikasi chip / personalise and verify a chip through PC/SC.
    Encode(EncodeArgs),
    /// Operasi chip / chip operations.
    #[command(subcommand)]
    Chip(ChipCommand),
    /// Kartu virtual (vpcd) / run a virtual card for a vpcd reader.
    Vcard(VcardArgs),
    /// Kunci penanda tangan / signing keys for the Dinas side and test rigs.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Tanda tangani job / sign a job file as a JWS (printed on stdout).
    Sign(keys::SignArgs),
    /// Impor bundel job bertanda tangan (USB) / import a bundle of signed jobs.
    Import(bundle::ImportArgs),
    /// Impor konfirmasi event dari server / import acknowledgements from a bundle.
    ImportAcks(bundle::ImportArgs),
    /// Ekspor event tertunda dan laporan stok / export pending events and the stock report.
    Export(bundle::ExportArgs),
    /// Keadaan stasiun yang berjalan / status of the running daemon (printers, events, queue,
    /// alerts).
    Status(control::SocketArgs),
    /// Kejadian yang menunggu operator / events waiting for an operator.
    Events(control::SocketArgs),
    /// Keputusan operator untuk printer yang berhenti / decide on a paused printer:
    /// `cetak act P1 retry|cancel|spoiled [--operator NAME]`.
    Act(control::ActArgs),
    /// Laporan resmi (BAST, blangko rusak, stok) / official reports as PDF or CSV.
    Report(report::ReportArgs),
    /// Dasbor web: token masuk / web dashboard: sign-in tokens.
    Dashboard(dashboard::DashboardArgs),
    /// Station commands: daemon, submit, stock, doubt, audit, demo.
    #[command(flatten)]
    Station(station::StationCommand),
    /// Halaman manual dan pelengkapan shell / man pages and shell completions (for packaging).
    #[command(hide = true, subcommand)]
    Generate(GenerateCommand),
}

/// `cetak generate …`: files a package ships, made from this very command line so they never
/// drift from it.
#[derive(Debug, Subcommand)]
pub enum GenerateCommand {
    /// Man pages (section 1) for `cetak` and each subcommand.
    Man {
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
    },
    /// Completion scripts for bash (`cetak.bash`), zsh (`_cetak`) and fish (`cetak.fish`).
    Completions {
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
    },
    /// The built-in sample jobs (`DIR/jobs/*.json`, synthetic people) and the images they name
    /// (`DIR/photos/`), to try `cetak validate` / `render` / `print --training` on.
    Samples {
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
    },
}

/// Options shared by commands that load a job.
#[derive(Debug, Args)]
pub struct JobArgs {
    /// Job file (JSON).
    pub job: PathBuf,
    /// Photo background rule: warn, reject or off (default: the config's, else warn).
    #[arg(long)]
    pub photo_background: Option<String>,
    /// A layouts folder replacing the built-in layouts (default: the config's `layouts_dir`,
    /// else the layouts built into cetak).
    #[arg(long, env = "CETAK_LAYOUTS")]
    pub layouts: Option<PathBuf>,
    /// Station configuration: its `layouts_dir` and photo rule apply, and it is checked as the
    /// daemon checks it at start.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

/// `cetak validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub job: JobArgs,
    /// Treat warnings as failures (non-zero exit).
    #[arg(long)]
    pub strict: bool,
}

/// `cetak render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    #[command(flatten)]
    pub job: JobArgs,
    /// Output folder for the preview and layer PNGs.
    #[arg(long)]
    pub out: PathBuf,
}

/// `cetak print`.
#[derive(Debug, Args)]
pub struct PrintArgs {
    #[command(flatten)]
    pub job: JobArgs,
    /// Printer URI: serial:///dev/ttyUSB0?baud=115200, usblp:///dev/usb/lp0, tcp://host:9100.
    #[arg(long)]
    pub printer: String,
    /// PC/SC reader (name pattern) at the printer's encoder station; needed for KTP-el.
    #[arg(long)]
    pub reader: Option<String>,
    /// Encoder station the reader sits at: contact or contactless.
    #[arg(long, default_value = "contactless")]
    pub station: String,
    /// Card profile (TOML); the built-in default profile when absent.
    #[arg(long)]
    pub profile: Option<PathBuf>,
    /// Print without a chip even if the document has one (test prints only).
    #[arg(long)]
    pub no_chip: bool,
    /// Send panels uncompressed (`Db` instead of `Dbc`).
    #[arg(long)]
    pub raw: bool,
    /// Training print of an unsigned job: the card gets SPECIMEN across both sides. Required:
    /// production jobs are signed and go through the station (`cetak submit`).
    #[arg(long)]
    pub training: bool,
}

/// `cetak encode`.
#[derive(Debug, Args)]
pub struct EncodeArgs {
    #[command(flatten)]
    pub job: JobArgs,
    /// PC/SC reader name pattern (substring or `*` glob).
    #[arg(long)]
    pub reader: String,
    /// Card profile (TOML); the built-in default profile when absent.
    #[arg(long)]
    pub profile: Option<PathBuf>,
    /// Seconds to wait for a card in the reader.
    #[arg(long, default_value_t = 10)]
    pub wait: u64,
}

/// `cetak chip …`.
#[derive(Debug, Subcommand)]
pub enum ChipCommand {
    /// Baca isi chip / read a card back and print its decoded contents.
    Read {
        /// PC/SC reader name pattern.
        #[arg(long)]
        reader: String,
        /// Card profile (TOML); the built-in default profile when absent.
        #[arg(long)]
        profile: Option<PathBuf>,
        /// Seconds to wait for a card in the reader.
        #[arg(long, default_value_t = 10)]
        wait: u64,
    },
    /// Daftar pembaca kartu / list PC/SC readers.
    Readers,
}

/// `cetak vcard`.
#[derive(Debug, Args)]
pub struct VcardArgs {
    /// vpcd reader port on this machine (the system vpcd reader is 35963).
    #[arg(long, default_value_t = 35963)]
    pub port: u16,
    /// Host where vpcd listens.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Behave like a generic ISO 7816-4 card (T=0 style, no extended length).
    #[arg(long)]
    pub generic: bool,
    /// Fault to inject: mute, mute-after=N, remove-on-update=N, write-error-at=OFF, memory=B,
    /// foreign-atr, slow=MS, corrupt-at=OFF, buffer=B (small card buffer), reader-short (the
    /// reader carries short APDUs only).
    #[arg(long)]
    pub fault: Vec<String>,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let lang = cli.lang;
    match cli.command {
        Command::Validate(a) => card::validate(&a, lang),
        Command::Render(a) => card::render(&a, lang),
        Command::Print(a) => card::print(&a, lang),
        Command::PrinterSim { args } => card::printer_sim(&args, lang),
        Command::Encode(a) => chip::encode(&a, lang),
        Command::Chip(ChipCommand::Read {
            reader,
            profile,
            wait,
        }) => chip::read(&reader, profile.as_deref(), wait, lang),
        Command::Chip(ChipCommand::Readers) => chip::readers(lang),
        Command::Vcard(a) => chip::vcard(&a, lang),
        Command::Keys(cmd) => keys::keys(&cmd, lang),
        Command::Import(a) => bundle::import(&a, false, lang),
        Command::ImportAcks(a) => bundle::import(&a, true, lang),
        Command::Export(a) => bundle::export(&a, lang),
        Command::Sign(a) => keys::sign(&a, lang),
        Command::Status(a) => control::status(&a, lang),
        Command::Events(a) => control::events(&a, lang),
        Command::Act(a) => control::act(&a, lang),
        Command::Station(cmd) => station::run(cmd, lang),
        Command::Report(a) => report::run(a, lang),
        Command::Dashboard(a) => dashboard::run(a, lang),
        Command::Generate(cmd) => generate(cmd, lang),
    }
}

fn generate(cmd: GenerateCommand, lang: Lang) -> ExitCode {
    use clap::CommandFactory;
    use clap_complete::Shell;
    let (out, written) = match cmd {
        GenerateCommand::Man { out } => {
            let written = std::fs::create_dir_all(&out)
                .and_then(|()| clap_mangen::generate_to(Cli::command(), &out));
            (out, written)
        }
        GenerateCommand::Samples { out } => {
            let written = crate::cli::demo::write_samples(&out).map(drop);
            (out, written)
        }
        GenerateCommand::Completions { out } => {
            let written = std::fs::create_dir_all(&out).and_then(|()| {
                [Shell::Bash, Shell::Zsh, Shell::Fish]
                    .into_iter()
                    .try_for_each(|shell| {
                        clap_complete::generate_to(shell, &mut Cli::command(), "cetak", &out)
                            .map(drop)
                    })
            });
            (out, written)
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(
            lang,
            &Plain::new("cli.write_files_failed")
                .with("dir", out.display())
                .with_message("reason", &crate::messages::io_error(&e)),
        ),
    }
}

/// Loads a station configuration file and checks it as the daemon does at start; a failure is
/// printed for the operator (line and key, in `lang`).
pub(crate) fn load_config(
    path: &std::path::Path,
    lang: Lang,
) -> Result<crate::config::Config, ExitCode> {
    crate::config::Config::load(path).map_err(|e| fail(lang, &e))
}

/// Prints a failure for the operator, in `lang`, and gives the exit code for it.
fn fail(lang: Lang, message: &(impl crate::messages::Message + ?Sized)) -> ExitCode {
    eprintln!("{}", message.message(lang));
    ExitCode::FAILURE
}
