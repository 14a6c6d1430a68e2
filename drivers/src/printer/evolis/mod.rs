//! The Evolis command protocol family, after the programming guide A5013 Rev. E: command types
//! ([`commands`]), answers ([`answer`]), the `Dbc` compression ([`compress`]), the link that
//! sends and reads ([`link`]), supervision ([`supervise`]) and [`EvolisPrinter`], the driver
//! that sequences them over any [`Transport`]. Only commands the guide documents are sent.

pub mod answer;
pub mod bitmaps;
pub mod commands;
pub mod compress;
mod link;
pub mod request;
mod supervise;

use std::time::Duration;

use answer::{RibbonType, ACK};
use bitmaps::HeldLines;
use commands::*;

use super::layers::{Side, SideLayers};
use super::panel::{side_panels, ColourLevels, Panel};
use super::station::EncoderStation;
use super::status::{Counters, PrinterInfo, PrinterStatus};
use super::{Capabilities, Printer, PrinterError, Probe, SideReport};
use crate::transport::{LinkKind, Transport};

/// Driver settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvolisOptions {
    /// Send panels compressed (`Dbc`) rather than raw (`Db`). On by default: over serial a raw
    /// side takes minutes.
    pub compression: bool,
    /// Grey levels for Y, M, C.
    pub colour_levels: ColourLevels,
    /// Ribbon to select with `Pr` when opening; `None` keeps what the printer reports.
    pub ribbon: Option<RibbonType>,
    /// Encoder stations fitted (cannot be read from the printer).
    pub stations: Vec<EncoderStation>,
    /// Where a rejected card goes (`Ser` or `Seb`).
    pub reject_box: RejectBox,
    /// The printer's serial port the link is plugged into (1 or 2), for `Pcom`.
    pub serial_port: u8,
    /// A cover sensor (`Rse;o`) reading at or above this many millivolts is an open cover. The
    /// guide gives no scale: set it from readings of the printer with the cover open and shut.
    pub cover_open_above_mv: u32,
    /// Longest wait for the answer to a read or setting.
    pub quick_timeout: Duration,
    /// Longest wait for the answer to a card movement or a panel print.
    pub mechanical_timeout: Duration,
    /// Silence that ends a text answer sent without CR or NUL.
    pub answer_gap: Duration,
}

impl Default for EvolisOptions {
    fn default() -> Self {
        EvolisOptions {
            compression: true,
            colour_levels: ColourLevels::L32,
            ribbon: None,
            stations: vec![EncoderStation::Contact, EncoderStation::Contactless],
            reject_box: RejectBox::UnderHopper,
            serial_port: 1,
            cover_open_above_mv: 2500,
            quick_timeout: Duration::from_secs(2),
            mechanical_timeout: Duration::from_secs(30),
            answer_gap: Duration::from_millis(60),
        }
    }
}

/// Where the driver believes the current card is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CardPlace {
    None,
    Printing,
    Station(EncoderStation),
}

/// Whether a command sequence (`Ss` … `Se`) may be open in the printer: `Wcb` is only sent
/// when none is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sequence {
    /// The driver's last sequence ended (`Se` / `Ser` / `Seb` / `Srs` answered).
    Closed,
    /// The driver sent `Ss` and has not seen its sequence end.
    Open,
    /// Just connected: an earlier host may have left one open.
    Unknown,
}

/// An Evolis-protocol printer over some transport.
pub struct EvolisPrinter<T: Transport> {
    link: T,
    options: EvolisOptions,
    info: PrinterInfo,
    caps: Capabilities,
    card: CardPlace,
    /// A card jammed (a mechanical refusal with a card left inside) and no reset since.
    jammed: bool,
    /// Whether a sequence may be open.
    sequence: Sequence,
    /// What the printer's panel bitmaps may hold.
    bitmaps: HeldLines,
    rx: Vec<u8>,
    /// A command timed out or got a garbled/unexpected answer: its late answer may still be on
    /// the way, so the next command first waits for the line to fall silent.
    resync: bool,
}

/// The Evolis entry of [`FAMILIES`](super::FAMILIES): the only family so far, it claims every
/// link ([`Probe::Mine`]) or fails to open it.
pub fn probe(link: Box<dyn Transport>, options: &EvolisOptions) -> Result<Probe, PrinterError> {
    let printer = EvolisPrinter::connect(link, options.clone())?;
    Ok(Probe::Mine(Box::new(printer)))
}

impl<T: Transport> EvolisPrinter<T> {
    /// Takes over the link: drains stale input, asks for ACK/NACK answers as the guide says for
    /// the link in use (`Pcom` on serial, `Pem;4` otherwise), selects the ribbon if asked, and
    /// reads model, serial number, firmware and ribbon.
    pub fn connect(link: T, options: EvolisOptions) -> Result<Self, PrinterError> {
        let mut printer = EvolisPrinter {
            link,
            info: PrinterInfo {
                model: String::new(),
                serial: String::new(),
                firmware: String::new(),
            },
            caps: Capabilities {
                dual_side: false,
                ribbon: RibbonType::None,
                panels: Vec::new(),
                stations: options.stations.clone(),
                dpi: 300,
                colour_levels: options.colour_levels,
            },
            options,
            card: CardPlace::None,
            jammed: false,
            sequence: Sequence::Unknown,
            bitmaps: HeldLines::unknown(),
            rx: Vec::new(),
            resync: false,
        };
        printer.drain()?;
        printer.answer_mode()?;
        if let Some(ribbon) = printer.options.ribbon {
            printer.send(&SelectRibbon(ribbon))?;
        }
        let model = printer.send(&ReadModel)?.0;
        let serial = printer.send(&ReadSerial)?.0;
        let firmware = printer.send(&ReadFirmware)?.0;
        let ribbon = printer.send(&ReadRibbon)?;
        let lower = model.to_ascii_lowercase();
        printer.caps.dual_side = lower.contains("dual") || lower.contains("duplex");
        printer.caps.ribbon = ribbon;
        printer.caps.panels = Panel::ALL
            .into_iter()
            .filter(|p| ribbon.has_panel(*p))
            .collect();
        printer.info = PrinterInfo {
            model,
            serial,
            firmware,
        };
        tracing::debug!(printer = %printer.describe(), "printer opened");
        Ok(printer)
    }

    /// Asks for ACK/NACK answers. A printer that refuses is still usable: every answer is read
    /// in either mode.
    fn answer_mode(&mut self) -> Result<(), PrinterError> {
        let result = match self.link.kind() {
            LinkKind::Serial(s) => self.send(&SerialAckMode {
                port: self.options.serial_port,
                baud: s.baud,
                parity: s.parity,
            }),
            _ => self.send(&AckMode),
        };
        match result {
            Err(
                e @ (PrinterError::CommandRefused { .. }
                | PrinterError::ParameterRefused { .. }
                | PrinterError::Unknown { .. }),
            ) => {
                tracing::warn!(error = %e, "ACK/NACK mode refused; reading plain-text answers");
                Ok(())
            }
            other => other,
        }
    }

    fn need_card(&self) -> Result<(), PrinterError> {
        if self.card == CardPlace::None {
            Err(PrinterError::NoCard)
        } else {
            Ok(())
        }
    }

    /// Opens a sequence and takes a card from the feeder, to the print position or straight
    /// to an encoder station. A condition the supervision reads show is returned first,
    /// without moving a card.
    fn insert(&mut self, to: CardPlace) -> Result<(), PrinterError> {
        let dropped = self.drain()?;
        if dropped > 0 {
            tracing::debug!(dropped, "drained stale input before a card");
        }
        if let Some(err) = self.read_status()?.blocking_error() {
            return Err(err);
        }
        if self.card != CardPlace::None {
            return Err(PrinterError::Busy);
        }
        if self.sequence == Sequence::Closed {
            self.clear_bitmaps()?;
        }
        self.sequence = Sequence::Open;
        self.send(&StartSequence)?;
        let moved = match to {
            CardPlace::Station(station) => self.send(&InsertToStation(station)),
            _ => self.send(&Insert),
        };
        match moved {
            Ok(()) => {
                self.card = to;
                Ok(())
            }
            // A card stopped on its way in is for the operator, whatever the supervision read.
            Err(PrinterError::CardJam) => Err(PrinterError::Mechanical),
            Err(e) => Err(e),
        }
    }

    /// `Wcb;a` before a sequence opens, so the card's downloads need only cover its inked
    /// lines. A refusal costs bytes, not the card: the downloads then cover every line the
    /// bitmaps may still hold.
    fn clear_bitmaps(&mut self) -> Result<(), PrinterError> {
        let clear = ClearBitmap {
            panel: None,
            fill: None,
        };
        match self.send(&clear) {
            Ok(()) => {
                self.bitmaps = HeldLines::cleared();
                Ok(())
            }
            Err(
                e @ (PrinterError::CommandRefused { .. }
                | PrinterError::ParameterRefused { .. }
                | PrinterError::Unknown { .. }),
            ) => {
                tracing::debug!(error = %e, "bitmaps not cleared; sending every line they may hold");
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Sends one panel with `Dbc` over the lines that must change (see [`bitmaps`]); returns
    /// the bytes written.
    fn download_compressed(
        &mut self,
        img: &super::panel::PanelImage,
    ) -> Result<usize, PrinterError> {
        let Some(lines) = self.bitmaps.lines_for(img) else {
            return Ok(0);
        };
        let data = compress::compress_lines(img, lines.clone());
        let cmd = DownloadCompressed {
            panel: img.panel,
            levels: img.levels,
            first_line: lines.start,
            data: &data,
        };
        self.bitmaps.sending(img.panel, lines);
        self.send(&cmd)?;
        self.bitmaps.holds(img);
        Ok(cmd.wire_len())
    }

    /// The link, e.g. to read what a test wants to check.
    pub fn link_mut(&mut self) -> &mut T {
        &mut self.link
    }
}

impl<T: Transport> Printer for EvolisPrinter<T> {
    fn describe(&self) -> String {
        format!(
            "Evolis {} (sn {}) on {}",
            self.info.model,
            self.info.serial,
            self.link.describe()
        )
    }

    fn info(&self) -> &PrinterInfo {
        &self.info
    }

    fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    fn status(&mut self) -> Result<PrinterStatus, PrinterError> {
        self.read_status()
    }

    fn counters(&mut self) -> Result<Counters, PrinterError> {
        Ok(Counters {
            cards_inserted: self.send(&ReadCounter(CounterKind::CardsInserted))?,
            panels_printed: self.send(&ReadCounter(CounterKind::PanelsPrinted))?,
            ribbon_cards_left: self.send(&ReadCounter(CounterKind::RibbonCardsLeft))?,
        })
    }

    fn feed(&mut self) -> Result<(), PrinterError> {
        self.insert(CardPlace::Printing)
    }

    fn feed_to_station(&mut self, station: EncoderStation) -> Result<(), PrinterError> {
        if !self.caps.stations.contains(&station) {
            return Err(PrinterError::NotSupported(format!(
                "{station:?} encoder station"
            )));
        }
        self.insert(CardPlace::Station(station))
    }

    fn print_side(&mut self, side: Side, layers: &SideLayers) -> Result<SideReport, PrinterError> {
        self.need_card()?;
        if side == Side::Back && !self.caps.dual_side {
            return Err(PrinterError::NotSupported("printing the back side".into()));
        }
        let panels = side_panels(layers, self.options.colour_levels).map_err(|e| {
            PrinterError::BadLayers {
                side,
                reason: e.to_string(),
            }
        })?;
        let mut report = SideReport::default();
        if panels.is_empty() {
            return Ok(report);
        }
        if let Some(p) = panels.iter().find(|p| !self.caps.ribbon.has_panel(p.panel)) {
            return Err(PrinterError::PanelNotOnRibbon {
                panel: p.panel,
                ribbon: self.caps.ribbon.token().into(),
            });
        }
        match side {
            Side::Front => self.send(&Recto)?,
            Side::Back => self.send(&Verso)?,
        }
        self.card = CardPlace::Printing;
        for img in &panels {
            let sent = if self.options.compression {
                self.download_compressed(img)?
            } else {
                let data = img.pack();
                let cmd = Download {
                    panel: img.panel,
                    levels: img.levels,
                    data: &data,
                };
                self.bitmaps.sending(img.panel, 0..super::panel::LINES);
                self.send(&cmd)?;
                self.bitmaps.holds(img);
                cmd.wire_len()
            };
            tracing::debug!(side = ?side, panel = ?img.panel, bytes = sent, "panel printed");
            report.panels.push(img.panel);
            report.bytes_sent += sent;
        }
        Ok(report)
    }

    fn eject(&mut self) -> Result<(), PrinterError> {
        self.need_card()?;
        self.send(&EndSequence)?;
        self.card = CardPlace::None;
        self.sequence = Sequence::Closed;
        Ok(())
    }

    fn reject(&mut self) -> Result<(), PrinterError> {
        self.send(&RejectCard(self.options.reject_box))?;
        self.card = CardPlace::None;
        self.sequence = Sequence::Closed;
        Ok(())
    }

    fn reset(&mut self) -> Result<(), PrinterError> {
        self.drain()?;
        self.send(&SoftReset)?;
        self.card = CardPlace::None;
        self.jammed = false;
        // A restart ends any sequence; what the bitmaps hold after it is not documented.
        self.sequence = Sequence::Closed;
        // `Srs` restarts the printer: the unsaved ACK/NACK setting is gone.
        self.answer_mode()
    }
}

/// Answer bytes an ACK-mode printer sends for success (for tests and the emulator).
pub const ACK_BYTES: [u8; 1] = [ACK];
