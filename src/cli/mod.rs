//! The `cetak` command line: what production staff and administrators type. Messages go to the
//! operator in Bahasa Indonesia unless `--lang en` is given.

use std::path::PathBuf;

pub mod station;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Language of operator-facing messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Lang {
    /// Bahasa Indonesia.
    #[default]
    Id,
    /// English.
    En,
}

/// cetak — stasiun cetak KTP-el dan KIA / print station for KTP-el and KIA cards.
#[derive(Debug, Parser)]
#[command(name = "cetak", version, about)]
pub struct Cli {
    /// Bahasa pesan / message language.
    #[arg(
        long,
        value_enum,
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
    /// Cetak satu kartu / validate, render and print one card.
    Print(PrintArgs),
    #[command(flatten)]
    Station(station::StationCommand),
}

/// `cetak validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Job file (JSON).
    pub job: PathBuf,
    /// Photo background rule: warn, reject or off.
    #[arg(long, default_value = "warn")]
    pub photo_background: String,
    /// Treat warnings as failures (non-zero exit).
    #[arg(long)]
    pub strict: bool,
}

/// `cetak render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Job file (JSON).
    pub job: PathBuf,
    /// Output folder for the preview and layer PNGs.
    #[arg(long)]
    pub out: PathBuf,
    /// Layouts folder.
    #[arg(long, default_value = "layouts", env = "CETAK_LAYOUTS")]
    pub layouts: PathBuf,
}

/// `cetak print`.
#[derive(Debug, Args)]
pub struct PrintArgs {
    /// Job file (JSON).
    pub job: PathBuf,
    /// Printer URI: serial:///dev/ttyUSB0?baud=115200, usblp:///dev/usb/lp0, tcp://host:9100.
    #[arg(long)]
    pub printer: String,
    /// Layouts folder.
    #[arg(long, default_value = "layouts", env = "CETAK_LAYOUTS")]
    pub layouts: PathBuf,
}
