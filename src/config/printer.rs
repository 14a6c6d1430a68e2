//! `[[printer]]` tables: as written (`RawPrinterConfig`) and typed at load (`PrinterConfig`).

use std::path::PathBuf;

use serde::Deserialize;

/// One printer beside the station.
#[derive(Debug, Clone)]
pub struct PrinterConfig {
    /// Short id used in the ledger and the CLI, e.g. `P1`.
    pub id: String,
    /// Where the printer is: `serial:///dev/ttyUSB0?baud=115200`, `usblp:///dev/usb/lp0`,
    /// `tcp://host:9100`, `emu://NAME`, parsed once at load.
    pub uri: cetak_drivers::transport::PrinterUri,
    /// Protocol family / model, e.g. `evolis`.
    pub model: String,
    /// Blangko type loaded in the feeder.
    pub blangko: crate::journal::BlangkoType,
    /// Chip encoder at the printer's station, when it has one.
    pub encoder: Option<EncoderConfig>,
}

/// A `[[printer]]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPrinterConfig {
    pub id: String,
    pub uri: String,
    #[serde(default = "default_model")]
    pub model: String,
    /// `kia` or `ktp-el`.
    pub blangko: String,
    #[serde(default)]
    pub encoder: Option<RawEncoderConfig>,
}

fn default_model() -> String {
    "evolis".into()
}

/// The PC/SC reader at a printer's encoder station.
#[derive(Debug, Clone)]
pub struct EncoderConfig {
    /// The PC/SC reader's name pattern, checked at load.
    pub reader: cetak_drivers::chip::ReaderPattern,
    /// Card profile file (TOML); absent = the built-in default profile.
    pub profile: Option<PathBuf>,
    /// Where the card is parked for encoding.
    pub station: cetak_drivers::printer::station::EncoderStation,
}

/// A `[printer.encoder]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEncoderConfig {
    pub reader: String,
    #[serde(default)]
    pub profile: Option<PathBuf>,
    /// `contact` or `contactless`.
    #[serde(default = "default_station")]
    pub station: String,
}

fn default_station() -> String {
    "contactless".into()
}
