//! What a printer reports about itself: status flags, identity and counters.

use std::collections::BTreeSet;
use std::fmt;

/// One independent condition a printer can report (after the vendor SDK's flag list). What a
/// driver can actually learn depends on its protocol: the Evolis driver reports cover open,
/// ribbon at its end, a card inside or jammed, cleaning required and the last insert finding
/// the feeder empty (docs/printer.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum StatusFlag {
    /// No blank card in the feeder.
    FeederEmpty,
    /// Few blank cards left in the feeder.
    FeederNearEmpty,
    /// Few prints left on the ribbon.
    RibbonLow,
    /// The ribbon is used up.
    RibbonEnded,
    /// No ribbon installed.
    RibbonMissing,
    /// The installed ribbon is not supported by this printer.
    RibbonUnsupported,
    /// The printer cover is open.
    CoverOpen,
    /// A card is stuck in the mechanism.
    CardJam,
    /// The reject box is full.
    RejectBoxFull,
    /// The reject box is nearly full.
    RejectBoxNearFull,
    /// The output hopper is full.
    OutputHopperFull,
    /// The print head is too hot; printing pauses until it cools.
    Cooling,
    /// The printer asks for a cleaning cycle.
    CleaningRequired,
    /// The printer is busy with a card.
    Busy,
    /// A card is inside the printer (print module).
    CardInside,
    /// A card is parked at the smart-card contact station.
    CardAtContact,
    /// A card is parked at the contactless station.
    CardAtContactless,
}

impl StatusFlag {
    /// Every flag, in token order.
    pub const ALL: [StatusFlag; 17] = [
        StatusFlag::FeederEmpty,
        StatusFlag::FeederNearEmpty,
        StatusFlag::RibbonLow,
        StatusFlag::RibbonEnded,
        StatusFlag::RibbonMissing,
        StatusFlag::RibbonUnsupported,
        StatusFlag::CoverOpen,
        StatusFlag::CardJam,
        StatusFlag::RejectBoxFull,
        StatusFlag::RejectBoxNearFull,
        StatusFlag::OutputHopperFull,
        StatusFlag::Cooling,
        StatusFlag::CleaningRequired,
        StatusFlag::Busy,
        StatusFlag::CardInside,
        StatusFlag::CardAtContact,
        StatusFlag::CardAtContactless,
    ];

    /// A stable name for logs and displays.
    pub fn token(self) -> &'static str {
        match self {
            StatusFlag::FeederEmpty => "FEEDER_EMPTY",
            StatusFlag::FeederNearEmpty => "FEEDER_NEAR_EMPTY",
            StatusFlag::RibbonLow => "RIBBON_LOW",
            StatusFlag::RibbonEnded => "RIBBON_ENDED",
            StatusFlag::RibbonMissing => "RIBBON_MISSING",
            StatusFlag::RibbonUnsupported => "RIBBON_UNSUPPORTED",
            StatusFlag::CoverOpen => "COVER_OPEN",
            StatusFlag::CardJam => "CARD_JAM",
            StatusFlag::RejectBoxFull => "REJECT_BOX_FULL",
            StatusFlag::RejectBoxNearFull => "REJECT_BOX_NEAR_FULL",
            StatusFlag::OutputHopperFull => "OUTPUT_HOPPER_FULL",
            StatusFlag::Cooling => "COOLING",
            StatusFlag::CleaningRequired => "CLEANING_REQUIRED",
            StatusFlag::Busy => "BUSY",
            StatusFlag::CardInside => "CARD_INSIDE",
            StatusFlag::CardAtContact => "CARD_AT_CONTACT",
            StatusFlag::CardAtContactless => "CARD_AT_CONTACTLESS",
        }
    }

    /// The flag a name stands for, if any.
    pub fn from_token(token: &str) -> Option<StatusFlag> {
        StatusFlag::ALL.into_iter().find(|f| f.token() == token)
    }

    /// True for conditions that stop a new card from being printed. An empty feeder is not
    /// one: a printer learns it only by trying to insert a card, so it stays reported (from
    /// the last insert) after the operator refilled the feeder.
    pub fn blocks_printing(self) -> bool {
        matches!(
            self,
            StatusFlag::RibbonEnded
                | StatusFlag::RibbonMissing
                | StatusFlag::RibbonUnsupported
                | StatusFlag::CoverOpen
                | StatusFlag::CardJam
                | StatusFlag::RejectBoxFull
                | StatusFlag::OutputHopperFull
        )
    }
}

impl fmt::Display for StatusFlag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.token())
    }
}

/// A printer's status: the set of conditions it reports. Empty = ready and idle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrinterStatus {
    flags: BTreeSet<StatusFlag>,
}

impl PrinterStatus {
    /// A status holding exactly these flags.
    pub fn from_flags(flags: impl IntoIterator<Item = StatusFlag>) -> Self {
        PrinterStatus {
            flags: flags.into_iter().collect(),
        }
    }

    /// Whether `flag` is reported.
    pub fn has(&self, flag: StatusFlag) -> bool {
        self.flags.contains(&flag)
    }

    /// The reported flags, in a stable order.
    pub fn flags(&self) -> impl Iterator<Item = StatusFlag> + '_ {
        self.flags.iter().copied()
    }

    /// Adds or removes a flag.
    pub fn set(&mut self, flag: StatusFlag, on: bool) {
        if on {
            self.flags.insert(flag);
        } else {
            self.flags.remove(&flag);
        }
    }

    /// True when nothing stops a new card from being printed.
    pub fn ready(&self) -> bool {
        !self.flags.iter().any(|f| f.blocks_printing())
    }

    /// The error a caller should report before feeding a card, if the printer cannot print one
    /// now (the most urgent condition first).
    pub fn blocking_error(&self) -> Option<super::PrinterError> {
        use super::PrinterError as E;
        let order = [
            (StatusFlag::CardJam, E::CardJam),
            (StatusFlag::CoverOpen, E::CoverOpen),
            (StatusFlag::RibbonMissing, E::RibbonMissing),
            (StatusFlag::RibbonUnsupported, E::RibbonUnsupported),
            (StatusFlag::RibbonEnded, E::RibbonEnded),
            (StatusFlag::RejectBoxFull, E::RejectBoxFull),
            (StatusFlag::OutputHopperFull, E::OutputHopperFull),
        ];
        order
            .into_iter()
            .find(|(f, _)| self.has(*f))
            .map(|(_, e)| e)
    }
}

impl fmt::Display for PrinterStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.flags.is_empty() {
            return f.write_str("OK");
        }
        let tokens: Vec<&str> = self.flags.iter().map(|f| f.token()).collect();
        f.write_str(&tokens.join(","))
    }
}

/// Who the printer is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterInfo {
    /// Model name as the printer reports it (`Rtp`).
    pub model: String,
    /// Serial number (`Rsn`).
    pub serial: String,
    /// Firmware version (`Rfv`).
    pub firmware: String,
}

/// The printer's own counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counters {
    /// Cards inserted over the printer's life (hardware counter, `Rco;c`): the blangko ledger
    /// reconciles against this.
    pub cards_inserted: u32,
    /// Panels printed over the printer's life (`Rco;p`).
    pub panels_printed: u32,
    /// Cards the installed ribbon can still print (approximate, `Rco;l`).
    pub ribbon_cards_left: u32,
}
