//! A printer emulator speaking the Evolis protocol, for tests, demos and operator training.
//!
//! Strict to the programming guide A5013 Rev. E by default: a command the guide does not
//! document is a command error (NACK `1`), `Ss` moves no card, `Dbc` data is read as the guide
//! defines it and the five panel bitmaps outlive a card. Answers are plain text until the host
//! turns ACK/NACK on (`Pem` on the USB-like links, `Pcom` on the serial one), and text answers
//! end with CR or, as over USB, with NUL or nothing ([`Answers`]).
//!
//! The same [`Machine`](machine::Machine) (a strict stream parser and a card state machine with
//! feeder, ribbon, reject box, hopper, counters and an encoder station) is reachable three ways:
//! a pseudo-terminal (so the real serial transport is used: [`Emulator::serve_pty`]), TCP
//! ([`Emulator::serve_tcp`]) or in-process under `emu://NAME` ([`Emulator::register`]).
//! It decodes raw and compressed panels, keeps what it printed for tests
//! ([`Emulator::cards`]) and writes it as PNG files; mechanical timings are realistic and
//! scaled by [`EmulatorConfig::time_scale`]; [`Faults`] are injected at construction or at run
//! time.

pub mod cli;
pub mod machine;
mod output;
pub mod parser;
pub mod registry;
mod serve;
pub mod verify;

pub use serve::{PtyServer, TcpServer};

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::printer::evolis::answer::RibbonType;
pub use crate::printer::evolis::answer::TextEnding;
use crate::printer::layers::Side;
use crate::printer::panel::{Panel, PanelImage};
use crate::printer::station::{EncoderStation, StationCard};
use crate::printer::status::PrinterStatus;
use machine::Machine;

/// Mechanical times at scale 1 (an entry-level dye-sublimation ID-card printer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timings {
    /// Feeding a card from the feeder to the print head.
    pub feed: Duration,
    /// Turning the card over for the back side.
    pub flip: Duration,
    /// Printing one dye panel (Y, M or C).
    pub colour_panel: Duration,
    /// Printing the K or O panel.
    pub mono_panel: Duration,
    /// Moving to or from an encoder station.
    pub station: Duration,
    /// Ejecting to the hopper or the reject box.
    pub eject: Duration,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            feed: Duration::from_millis(1200),
            flip: Duration::from_millis(2500),
            colour_panel: Duration::from_millis(3000),
            mono_panel: Duration::from_millis(2000),
            station: Duration::from_millis(1000),
            eject: Duration::from_millis(1000),
        }
    }
}

/// Faults to inject. Each can be set at construction or changed while running.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// The printer reports cover open (and refuses card movements) while set.
    pub cover_open: bool,
    /// The ribbon ends once this many panels have been printed since start.
    pub ribbon_end_after_panels: Option<u32>,
    /// The next card jams on its Nth panel (1 = first); one-shot. A software reset (`Srs`)
    /// stands for the operator removing the card.
    pub jam_at_panel: Option<u32>,
    /// Drop the link instead of answering command number N+1; one-shot.
    pub disconnect_after_commands: Option<u32>,
    /// Extra delay before every answer (slow printer), not scaled.
    pub answer_delay: Duration,
    /// Answer garbage to every command after the first N.
    pub garble_after_commands: Option<u32>,
}

/// Which port of the printer a link stands for: it decides which setting turns ACK/NACK on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Port {
    /// The serial port: `Pcom;…;ACK/NACK`.
    Serial,
    /// The parallel / USB port (TCP and in-process links too): `Pem;4`.
    Usb,
}

/// Whether the printer follows the host's ACK/NACK setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AnswerMode {
    /// As the guide says: plain text until `Pem` / `Pcom` turns ACK/NACK on.
    #[default]
    Guide,
    /// Plain text whatever the host asks (a printer whose setting does not take).
    PlainOnly,
}

/// How the printer answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Answers {
    /// ACK/NACK switching.
    pub mode: AnswerMode,
    /// How text answers end: CR (default), or NUL / nothing as some USB links do.
    pub ending: TextEnding,
}

/// A serial number no other emulator of this process has: `EMU` and the process and printer
/// numbers, so emulators of different test processes differ too.
pub fn fresh_serial() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("EMU{:05}{:03}", std::process::id() % 100_000, n % 1000)
}

/// How the emulated printer is built.
pub struct EmulatorConfig {
    /// `Rtp` answer; "Dual" in it makes the driver use both sides.
    pub model: String,
    /// `Rsn` answer; each default configuration gets its own ([`fresh_serial`]).
    pub serial: String,
    /// `Rfv` answer.
    pub firmware: String,
    /// Prints both sides.
    pub dual_side: bool,
    /// Installed ribbon.
    pub ribbon: RibbonType,
    /// Sides the ribbon can still print.
    pub ribbon_cards: u32,
    /// Blank cards in the feeder (the "feeder empty after N cards" fault is this number).
    pub feeder_cards: u32,
    /// Hardware card counter at power-on.
    pub cards_inserted_start: u32,
    /// Reject box capacity.
    pub reject_capacity: u32,
    /// Cards already in the reject box at power-on (`reject_capacity` of them = a full box).
    pub reject_box_cards: u32,
    /// Output hopper capacity.
    pub hopper_capacity: u32,
    /// Mechanical timings at scale 1.
    pub timings: Timings,
    /// Multiplies every mechanical time (0 in tests, 1 for a realistic demo).
    pub time_scale: f64,
    /// Faults from the start.
    pub faults: Faults,
    /// Where to write printed cards as PNG; none = keep in memory only.
    pub out_dir: Option<PathBuf>,
    /// Told when a card is parked at / leaves an encoder station.
    pub station: Option<Box<dyn StationCard>>,
    /// How the printer answers.
    pub answers: Answers,
    /// Cards between two cleanings: after this many, `Rlr;r` answers `ERR NEED CLEANING`.
    pub cleaning_after_cards: u32,
    /// Keep each finished card's decoded panels in [`Emulator::cards`] (about 4 MB a card).
    /// Off for long runs that only count cards: the panels are dropped when the card leaves
    /// (after `out_dir` got its copy); the downloads record and the outcome stay.
    pub keep_panels: bool,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            model: "Primacy Dual Emulator".into(),
            serial: fresh_serial(),
            firmware: "cetak-emu 1.0".into(),
            dual_side: true,
            ribbon: RibbonType::Ymcko,
            ribbon_cards: 200,
            feeder_cards: 100,
            cards_inserted_start: 1000,
            reject_capacity: 20,
            reject_box_cards: 0,
            hopper_capacity: 100,
            timings: Timings::default(),
            time_scale: 1.0,
            faults: Faults::default(),
            out_dir: None,
            station: None,
            answers: Answers::default(),
            cleaning_after_cards: 5_000,
            keep_panels: true,
        }
    }
}

impl std::fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("model", &self.model)
            .field("serial", &self.serial)
            .field("dual_side", &self.dual_side)
            .field("answers", &self.answers)
            .field("feeder_cards", &self.feeder_cards)
            .field("time_scale", &self.time_scale)
            .field("faults", &self.faults)
            .field("out_dir", &self.out_dir)
            .finish_non_exhaustive()
    }
}

/// Where a card ended up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardOutcome {
    /// Still inside the printer.
    InPrinter,
    /// In the output hopper.
    Ejected,
    /// In the reject box.
    Rejected,
    /// Jammed and pulled out by the operator (reset).
    Jammed,
}

/// One download as it arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DownloadRecord {
    /// Panel.
    pub panel: Panel,
    /// `Dbc` (true) or `Db`.
    pub compressed: bool,
    /// Bytes on the wire (approximate header included).
    pub wire_bytes: usize,
}

/// What was printed on one side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrintedSide {
    /// Decoded panels, in the printer frame.
    pub panels: BTreeMap<Panel, PanelImage>,
    /// Downloads in arrival order.
    pub downloads: Vec<DownloadRecord>,
}

/// One card the emulator handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintedCard {
    /// Hardware counter value of this card.
    pub number: u32,
    /// Printed sides.
    pub sides: HashMap<Side, PrintedSide>,
    /// Encoder stations it was parked at.
    pub stations: Vec<EncoderStation>,
    /// Where it ended up.
    pub outcome: CardOutcome,
}

/// Why the emulator could not start a server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    /// Creating the pseudo-terminal failed.
    #[error("cannot create a pseudo-terminal: {0}")]
    Pty(String),
    /// Binding the TCP port failed (in use, or not allowed).
    #[error("cannot listen on {addr}: {reason}")]
    Bind {
        /// Address asked for.
        addr: String,
        /// Why.
        reason: String,
    },
    /// An emulator is already registered under this name.
    #[error("an emulator is already registered as {0:?}")]
    NameTaken(String),
    /// Bad command-line arguments.
    #[error("{0}")]
    Usage(String),
}

pub(crate) struct Shared {
    machine: Mutex<Machine>,
    stop: AtomicBool,
    /// Batches of printed cards being written as PNG right now.
    writing: AtomicUsize,
}

/// A running emulated printer; clones share the same printer.
#[derive(Clone)]
pub struct Emulator {
    shared: Arc<Shared>,
}

impl Emulator {
    /// Powers on an emulated printer.
    pub fn new(config: EmulatorConfig) -> Self {
        Emulator {
            shared: Arc::new(Shared {
                machine: Mutex::new(Machine::new(config)),
                stop: AtomicBool::new(false),
                writing: AtomicUsize::new(0),
            }),
        }
    }

    fn machine(&self) -> MutexGuard<'_, Machine> {
        // A panic while holding the lock leaves a usable machine; keep going.
        self.shared
            .machine
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Every card that left the printer (or is still inside), oldest first.
    pub fn cards(&self) -> Vec<PrintedCard> {
        self.machine().cards.clone()
    }

    /// Cards that reached the output hopper.
    pub fn cards_ejected(&self) -> usize {
        self.machine()
            .cards
            .iter()
            .filter(|c| c.outcome == CardOutcome::Ejected)
            .count()
    }

    /// Cards in the reject box.
    pub fn cards_rejected(&self) -> u32 {
        self.machine().reject_box
    }

    /// Blank cards left in the feeder.
    pub fn feeder_left(&self) -> u32 {
        self.machine().feeder
    }

    /// Hardware card counter.
    pub fn cards_inserted(&self) -> u32 {
        self.machine().cards_inserted
    }

    /// Panels printed since power-on.
    pub fn panels_printed(&self) -> u32 {
        self.machine().panels_printed
    }

    /// Current status flags.
    pub fn status(&self) -> PrinterStatus {
        self.machine().status()
    }

    /// Changes the injected faults.
    pub fn set_faults(&self, faults: Faults) {
        let mut m = self.machine();
        m.cover_open = faults.cover_open;
        m.faults = faults;
    }

    /// Switches the printer off and on: unsaved settings (`Pem` without `s`) and the panel
    /// bitmaps are lost; counters, stored settings and cards inside stay.
    pub fn power_cycle(&self) {
        self.machine().power_cycle();
    }

    /// The operator empties the reject box.
    pub fn empty_reject_box(&self) {
        self.machine().empty_reject_box();
    }

    /// The operator takes the printed cards out of the output hopper.
    pub fn empty_output_hopper(&self) {
        self.machine().empty_hopper();
    }

    /// The operator runs a cleaning cycle.
    pub fn clean(&self) {
        self.machine().cleaned();
    }

    /// Serial number (`Rsn`).
    pub fn serial(&self) -> String {
        self.machine().config.serial.clone()
    }

    /// Opens or closes the cover.
    pub fn set_cover_open(&self, open: bool) {
        let mut m = self.machine();
        m.cover_open = open;
        m.faults.cover_open = open;
    }

    /// Refills the feeder to `cards`.
    pub fn set_feeder(&self, cards: u32) {
        self.machine().feeder = cards;
    }

    /// The operator removed a jammed card.
    pub fn clear_jam(&self) {
        let mut m = self.machine();
        m.jam = false;
    }

    /// Waits (at most `timeout`) until the PNG files of every card that left the printer are
    /// written; returns whether they are. Files are written just after the answer to `Se`/`Ser`.
    pub fn wait_output(&self, timeout: Duration) -> bool {
        let start = std::time::Instant::now();
        loop {
            let pending = !self.machine().to_write_is_empty()
                || self.shared.writing.load(Ordering::SeqCst) > 0;
            if !pending {
                return true;
            }
            if start.elapsed() >= timeout {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Stops every server of this emulator (threads end within ~100 ms).
    pub fn stop(&self) {
        self.shared
            .stop
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Makes this emulator reachable as `emu://NAME` in this process.
    pub fn register(&self, name: &str) -> Result<(), EmulatorError> {
        registry::register(name, self.clone())
    }

    /// Serves the protocol on a new pseudo-terminal; the host opens [`PtyServer::path`] with the
    /// serial transport.
    pub fn serve_pty(&self) -> Result<PtyServer, EmulatorError> {
        serve::serve_pty(self.shared.clone())
    }

    /// Serves the protocol on TCP (`127.0.0.1:0` for a free port), one host at a time.
    pub fn serve_tcp(&self, addr: &str) -> Result<TcpServer, EmulatorError> {
        serve::serve_tcp(self.shared.clone(), addr)
    }

    pub(crate) fn shared(&self) -> Arc<Shared> {
        self.shared.clone()
    }
}
