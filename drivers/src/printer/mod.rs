//! The `Printer` boundary and the protocol families behind it.
//!
//! A [`Printer`] is one physical (or emulated) card printer: what it can do
//! ([`Capabilities`]), what state it is in ([`PrinterStatus`]), and the card operations a
//! station worker sequences (feed, park at an encoder station, print a side, eject or reject).
//! Operations a printer lacks have default implementations answering "not supported"
//! (probe-rs `DebugProbe` style). [`open`] turns a printer URI into a ready printer, asking
//! the protocol [`FAMILIES`] in turn;
//! [`sequence::print_card`] runs one whole card and rejects it on failure.

pub mod error;
pub mod evolis;
pub mod layers;
pub mod panel;
pub mod sequence;
pub mod station;
pub mod status;

pub use error::{CardAction, PrinterError};
pub use evolis::answer::RibbonType;
pub use evolis::{EvolisOptions, EvolisPrinter};
pub use panel::{ColourLevels, Panel};
pub use status::{Counters, PrinterInfo, PrinterStatus, StatusFlag};

use crate::transport::{PrinterUri, Transport};
use layers::{Side, SideLayers};
use station::EncoderStation;

/// What a printer can do. Built when the printer is opened; fields may be added.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Capabilities {
    /// Prints both sides (turns the card).
    pub dual_side: bool,
    /// The ribbon installed when the printer was opened.
    pub ribbon: RibbonType,
    /// Panels that ribbon carries, in printing order.
    pub panels: Vec<Panel>,
    /// Encoder stations a card can be parked at.
    pub stations: Vec<EncoderStation>,
    /// Resolution in dots per inch.
    pub dpi: u32,
    /// Grey levels the driver uses for the dye panels.
    pub colour_levels: ColourLevels,
}

/// What printing one side sent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SideReport {
    /// Panels sent, in order (empty panels are left out).
    pub panels: Vec<Panel>,
    /// Bytes written to the link for this side.
    pub bytes_sent: usize,
}

/// One card printer.
pub trait Printer: Send {
    /// Short description for logs (`Evolis Primacy … on serial /dev/ttyUSB0 @115200`).
    fn describe(&self) -> String;
    /// Identity read when the printer was opened.
    fn info(&self) -> &PrinterInfo;
    /// Capabilities found when the printer was opened.
    fn capabilities(&self) -> &Capabilities;
    /// Reads the current status.
    fn status(&mut self) -> Result<PrinterStatus, PrinterError>;
    /// Reads the printer's counters.
    fn counters(&mut self) -> Result<Counters, PrinterError>;
    /// Feeds a blank card to the print position (checks what the printer lets it read first;
    /// a blocking condition is returned as its error without feeding).
    fn feed(&mut self) -> Result<(), PrinterError>;
    /// Feeds a blank card straight to an encoder station (checks first, like [`Printer::feed`]);
    /// the chip is then reachable by the PC/SC reader. Printing takes it on from there.
    fn feed_to_station(&mut self, station: EncoderStation) -> Result<(), PrinterError> {
        Err(PrinterError::NotSupported(format!(
            "{station:?} encoder station"
        )))
    }
    /// Prints one side of the fed card; panels without ink are not sent.
    fn print_side(&mut self, side: Side, layers: &SideLayers) -> Result<SideReport, PrinterError>;
    /// Sends the card to the output hopper.
    fn eject(&mut self) -> Result<(), PrinterError>;
    /// Sends the card to the reject box.
    fn reject(&mut self) -> Result<(), PrinterError>;
    /// Software reset, e.g. after the operator cleared a fault.
    fn reset(&mut self) -> Result<(), PrinterError> {
        Err(PrinterError::NotSupported("software reset".into()))
    }
}

/// What a printer family answers when asked about an open link.
pub enum Probe {
    /// Mine: the printer, opened.
    Mine(Box<dyn Printer>),
    /// Not mine: the link, handed back for the next family.
    NotMine(Box<dyn Transport>),
}

/// A printer family: looks at an open link and opens the printer on it ([`Probe::Mine`]), says
/// it is not one of its own ([`Probe::NotMine`]), or fails ("mine, but broken").
pub type Family = fn(Box<dyn Transport>, &EvolisOptions) -> Result<Probe, PrinterError>;

/// The families [`open`] asks, in order. Evolis is the only one so far and claims every link,
/// so another family goes before it.
pub const FAMILIES: [Family; 1] = [evolis::probe];

/// Opens the printer a URI string names (`serial://…`, `usblp://…`, `tcp://…`, `emu://…`):
/// parses it, then [`open_uri`]. For a command line; the station's configuration carries
/// the parsed [`PrinterUri`] and calls [`open_uri`] itself.
pub fn open(uri: &str, options: &EvolisOptions) -> Result<Box<dyn Printer>, PrinterError> {
    open_uri(&uri.parse()?, options)
}

/// Opens the printer at `uri` and reads its identity and capabilities: opens the transport,
/// then asks each of [`FAMILIES`] in turn ("not mine, try the next").
pub fn open_uri(
    uri: &PrinterUri,
    options: &EvolisOptions,
) -> Result<Box<dyn Printer>, PrinterError> {
    let mut link = crate::transport::open(uri)?;
    for family in FAMILIES {
        match family(link, options)? {
            Probe::Mine(printer) => return Ok(printer),
            Probe::NotMine(back) => link = back,
        }
    }
    Err(PrinterError::NotSupported(format!(
        "printer on {}",
        link.describe()
    )))
}
