//! The Evolis command protocol family: command types ([`commands`]), answers ([`answer`]), the
//! `Dbc` compression ([`compress`]) and [`EvolisPrinter`], the driver that sequences them over
//! any [`Transport`].

pub mod answer;
pub mod commands;
pub mod compress;
pub mod request;

use std::time::Duration;

use answer::{NackCode, RawAnswer, RibbonType, ACK, NACK};
use commands::*;

use super::layers::{Side, SideLayers};
use super::panel::{side_panels, ColourLevels, Panel};
use super::station::EncoderStation;
use super::status::{Counters, PrinterInfo, PrinterStatus, StatusFlag};
use super::{Capabilities, Printer, PrinterError, SideReport};
use crate::printer::error::hex_short;
use crate::transport::{Transport, TransportError};

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
    /// Longest wait for the answer to a read or setting.
    pub quick_timeout: Duration,
    /// Longest wait for the answer to a card movement or a panel print.
    pub mechanical_timeout: Duration,
}

impl Default for EvolisOptions {
    fn default() -> Self {
        EvolisOptions {
            compression: true,
            colour_levels: ColourLevels::L32,
            ribbon: None,
            stations: vec![EncoderStation::Contact, EncoderStation::Contactless],
            quick_timeout: Duration::from_secs(2),
            mechanical_timeout: Duration::from_secs(30),
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

/// An Evolis-protocol printer over some transport.
pub struct EvolisPrinter<T: Transport> {
    link: T,
    options: EvolisOptions,
    info: PrinterInfo,
    caps: Capabilities,
    card: CardPlace,
    rx: Vec<u8>,
    /// A command timed out or got a garbled/unexpected answer: its late answer may still be on
    /// the way, so the next command first waits for the line to fall silent.
    resync: bool,
}

/// Silence that tells a late answer has come (or will not come) before the next command.
const SETTLE: Duration = Duration::from_millis(250);

impl<T: Transport> EvolisPrinter<T> {
    /// Takes over the link: drains stale input, switches on ACK/NACK answers (`Pem;4`), selects
    /// the ribbon if asked, and reads model, serial number, firmware and ribbon.
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
            rx: Vec::new(),
            resync: false,
        };
        printer.link.drain()?;
        printer.send(&AckMode)?;
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

    /// Sends one command and reads its answer: the one place that frames, logs, checks and
    /// maps printer answers to errors. A read that gets an answer meant for an earlier command
    /// (one that timed out) is sent once more after the line settles; other commands never are.
    pub fn send<C: Command>(&mut self, cmd: &C) -> Result<C::Answer, PrinterError> {
        match self.send_once(cmd) {
            Err(PrinterError::Unknown { .. }) if cmd.is_read() => {
                tracing::debug!(command = %cmd.name(), "answer out of step; reading again");
                self.send_once(cmd)
            }
            other => other,
        }
    }

    fn send_once<C: Command>(&mut self, cmd: &C) -> Result<C::Answer, PrinterError> {
        let name = cmd.name();
        if self.resync {
            self.settle()?;
        }
        let bytes = cmd.to_bytes();
        if name.starts_with("Db") {
            // Panel data is card content: log its size only.
            tracing::trace!(command = %name, tx_len = bytes.len(), "send");
        } else {
            tracing::trace!(command = %name, tx = %hex_short(&bytes), "send");
        }
        self.link.write_all(&bytes)?;
        let timeout = match cmd.timing() {
            Timing::Quick => self.options.quick_timeout,
            Timing::Mechanical => self.options.mechanical_timeout,
        };
        let raw = match self.read_frame(&name, timeout) {
            Ok(raw) => raw,
            Err(e) => {
                self.resync = true;
                return Err(e);
            }
        };
        tracing::trace!(command = %name, rx = %hex_short(&raw.to_bytes()), "answer");
        match cmd.answer(raw) {
            Ok(a) => Ok(a),
            Err(AnswerMismatch::Nack(code)) => {
                let _ = self.drain();
                Err(self.nack_error(code, &name))
            }
            Err(AnswerMismatch::Unexpected(raw)) => {
                self.resync = true;
                Err(PrinterError::Unknown {
                    command: name,
                    raw: raw.to_bytes(),
                })
            }
        }
    }

    /// Discards input until the line has been silent for [`SETTLE`] (at most the quick
    /// timeout), so a late answer is not read as the next command's.
    fn settle(&mut self) -> Result<(), PrinterError> {
        let start = std::time::Instant::now();
        let mut dropped = self.drain()?;
        let mut buf = [0u8; 512];
        while start.elapsed() < self.options.quick_timeout {
            match self.link.read(&mut buf, SETTLE) {
                Ok(n) => dropped += n,
                Err(TransportError::Timeout { .. }) => break,
                Err(e) => return Err(e.into()),
            }
        }
        tracing::debug!(dropped, "line settled after a lost answer");
        self.resync = false;
        Ok(())
    }

    fn drain(&mut self) -> Result<usize, TransportError> {
        let kept = self.rx.len();
        self.rx.clear();
        Ok(kept + self.link.drain()?)
    }

    fn read_frame(&mut self, command: &str, timeout: Duration) -> Result<RawAnswer, PrinterError> {
        let start = std::time::Instant::now();
        let mut buf = [0u8; 512];
        loop {
            match RawAnswer::from_bytes(&self.rx) {
                Ok(Some((answer, used))) => {
                    self.rx.drain(..used);
                    return Ok(answer);
                }
                Ok(None) => {}
                Err(()) => {
                    let raw = std::mem::take(&mut self.rx);
                    let _ = self.link.drain();
                    return Err(PrinterError::Garbled {
                        command: command.to_string(),
                        raw,
                    });
                }
            }
            let left = timeout.saturating_sub(start.elapsed());
            let n = match self.link.read(&mut buf, left) {
                Ok(n) => n,
                Err(TransportError::Timeout { .. }) if !self.rx.is_empty() => {
                    // Part of a frame, then silence: never a valid answer.
                    let raw = std::mem::take(&mut self.rx);
                    return Err(PrinterError::Garbled {
                        command: command.to_string(),
                        raw,
                    });
                }
                Err(e) => return Err(e.into()),
            };
            self.rx.extend_from_slice(&buf[..n]);
        }
    }

    /// Turns a NACK into the most specific error, asking the status flags when the code alone is
    /// coarse (ribbon, feeder, mechanical).
    fn nack_error(&mut self, code: NackCode, command: &str) -> PrinterError {
        use PrinterError as E;
        let status = |me: &mut Self| me.send(&ReadStatus).ok();
        match code {
            NackCode::Command => E::CommandRefused {
                command: command.to_string(),
            },
            NackCode::Parameter => E::ParameterRefused {
                command: command.to_string(),
            },
            NackCode::Cover => E::CoverOpen,
            NackCode::Feeder => match status(self) {
                Some(s) if s.has(StatusFlag::CardJam) => E::CardJam,
                _ => E::FeederEmpty,
            },
            NackCode::Ribbon => match status(self) {
                Some(s) if s.has(StatusFlag::RibbonMissing) => E::RibbonMissing,
                Some(s) if s.has(StatusFlag::RibbonUnsupported) => E::RibbonUnsupported,
                _ => E::RibbonEnded,
            },
            NackCode::Mechanical => match status(self) {
                Some(s) if s.has(StatusFlag::CardJam) => E::CardJam,
                Some(s) if s.has(StatusFlag::CoverOpen) => E::CoverOpen,
                Some(s) if s.has(StatusFlag::RejectBoxFull) => E::RejectBoxFull,
                Some(s) if s.has(StatusFlag::OutputHopperFull) => E::OutputHopperFull,
                Some(s) if s.has(StatusFlag::Cooling) => E::Cooling,
                Some(s) if s.has(StatusFlag::Busy) => E::Busy,
                _ => E::Mechanical,
            },
            NackCode::MagneticChecksum => E::Magnetic('K'),
            NackCode::MagneticData => E::Magnetic('D'),
            NackCode::MagneticWrite => E::Magnetic('W'),
            NackCode::Unknown(b) => E::Unknown {
                command: command.to_string(),
                raw: vec![NACK, b],
            },
        }
    }

    fn need_card(&self) -> Result<(), PrinterError> {
        if self.card == CardPlace::None {
            Err(PrinterError::NoCard)
        } else {
            Ok(())
        }
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
        self.send(&ReadStatus)
    }

    fn counters(&mut self) -> Result<Counters, PrinterError> {
        Ok(Counters {
            cards_inserted: self.send(&ReadCounter(CounterKind::CardsInserted))?,
            panels_printed: self.send(&ReadCounter(CounterKind::PanelsPrinted))?,
            ribbon_cards_left: self.send(&ReadCounter(CounterKind::RibbonCardsLeft))?,
        })
    }

    fn feed(&mut self) -> Result<(), PrinterError> {
        let dropped = self.drain()?;
        if dropped > 0 {
            tracing::debug!(dropped, "drained stale input before a card");
        }
        if let Some(err) = self.send(&ReadStatus)?.blocking_error() {
            return Err(err);
        }
        if self.card != CardPlace::None {
            return Err(PrinterError::Busy);
        }
        self.send(&StartSequence)?;
        self.card = CardPlace::Printing;
        Ok(())
    }

    fn move_to_station(&mut self, station: EncoderStation) -> Result<(), PrinterError> {
        self.need_card()?;
        if !self.caps.stations.contains(&station) {
            return Err(PrinterError::NotSupported(format!(
                "{station:?} encoder station"
            )));
        }
        self.send(&MoveToStation(station))?;
        self.card = CardPlace::Station(station);
        Ok(())
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
                let (first_line, data) = compress::compress(img);
                let cmd = DownloadCompressed {
                    panel: img.panel,
                    levels: img.levels,
                    first_line,
                    data: &data,
                };
                self.send(&cmd)?;
                cmd.wire_len()
            } else {
                let data = img.pack();
                let cmd = Download {
                    panel: img.panel,
                    levels: img.levels,
                    data: &data,
                };
                self.send(&cmd)?;
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
        Ok(())
    }

    fn reject(&mut self) -> Result<(), PrinterError> {
        self.send(&RejectCard)?;
        self.card = CardPlace::None;
        Ok(())
    }

    fn reset(&mut self) -> Result<(), PrinterError> {
        self.drain()?;
        self.send(&SoftReset)?;
        self.card = CardPlace::None;
        self.send(&AckMode)?;
        Ok(())
    }
}

/// Answer bytes an ACK-mode printer sends for success (for tests and the emulator).
pub const ACK_BYTES: [u8; 1] = [ACK];
