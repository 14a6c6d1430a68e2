//! Typed card steps: the compiler enforces "journal before the physical act".
//!
//! Each physical act on a card takes a token that only the journal step before it makes:
//!
//! | journal step (durable first) | token | physical act it allows |
//! |---|---|---|
//! | [`feed`] (`ready → feeding`, a blangko bound) | [`FedCard`] | [`FedCard::insert`] (printer feed) |
//! | [`start_encoding`] (`feeding → encoding`) | [`EncodingCard`] | [`EncodingCard::encode`] (chip) |
//! | [`start_printing`] (`→ printing`) | [`PrintingCard`] | [`PrintingCard::print`] (both sides, eject) |
//! | [`mark_printed`] (`printing → printed`) | consumes the [`PrintingCard`] | — |
//!
//! Tokens are not `Clone`, their fields are private and only this module makes them; each
//! journal step consumes the token of the step before. The failure paths (spoil, cancel,
//! in doubt) stay with the journal's id-based API, which its own tests drive through illegal
//! transitions.
//!
//! The worker goes through the steps in order:
//!
//! ```no_run
//! use cetak::daemon::card;
//! # fn f(journal: &mut cetak::journal::Journal, printer: &mut dyn cetak_drivers::printer::Printer,
//! #      front: &cetak_drivers::printer::layers::SideLayers,
//! #      back: &cetak_drivers::printer::layers::SideLayers,
//! #      info: &cetak::journal::PrintedInfo) -> Result<(), Box<dyn std::error::Error>> {
//! let fed = card::feed(journal, "P1", "job-1", None)?;
//! fed.insert(printer, None)?;
//! let printing = card::start_printing(journal, fed, None)?;
//! printing.print(printer, front, back)?;
//! card::mark_printed(journal, printing, info)?;
//! # Ok(()) }
//! ```
//!
//! Printing without a card the journal fed does not compile (no way to make the token):
//!
//! ```compile_fail,E0451
//! use cetak::daemon::card;
//! # fn f(journal: &mut cetak::journal::Journal, printer: &mut dyn cetak_drivers::printer::Printer,
//! #      front: &cetak_drivers::printer::layers::SideLayers,
//! #      back: &cetak_drivers::printer::layers::SideLayers,
//! #      info: &cetak::journal::PrintedInfo) -> Result<(), Box<dyn std::error::Error>> {
//! let printing = card::start_printing(journal, card::FedCard { job_id: "job-1".into() }, None)?;
//! printing.print(printer, front, back)?;
//! card::mark_printed(journal, printing, info)?;
//! # Ok(()) }
//! ```
//!
//! Nor does printing twice on one journal step (the token is consumed):
//!
//! ```compile_fail,E0382
//! use cetak::daemon::card;
//! # fn f(journal: &mut cetak::journal::Journal, printer: &mut dyn cetak_drivers::printer::Printer,
//! #      front: &cetak_drivers::printer::layers::SideLayers,
//! #      back: &cetak_drivers::printer::layers::SideLayers,
//! #      info: &cetak::journal::PrintedInfo) -> Result<(), Box<dyn std::error::Error>> {
//! let fed = card::feed(journal, "P1", "job-1", None)?;
//! fed.insert(printer, None)?;
//! let printing = card::start_printing(journal, fed, None)?;
//! printing.print(printer, front, back)?;
//! card::mark_printed(journal, printing, info)?;
//! printing.print(printer, front, back)?;
//! # Ok(()) }
//! ```

use cetak_drivers::printer::layers::{Side, SideLayers};
use cetak_drivers::printer::station::EncoderStation;
use cetak_drivers::printer::{Printer, PrinterError};

use crate::job::ValidatedJob;
use crate::journal::{ChipInfo, Journal, JournalError, PrintedInfo};

use crate::daemon::chip::{ChipEncoder, EncodeFailure};

/// A blangko the journal has bound to a job (`feeding`, committed): the printer may now take
/// it from its feeder.
#[derive(Debug)]
pub struct FedCard {
    job_id: String,
}

/// A fed card whose chip personalisation the journal has recorded as started (`encoding`).
#[derive(Debug)]
pub struct EncodingCard {
    job_id: String,
}

/// A card the journal has recorded as going under the print head (`printing`).
#[derive(Debug)]
pub struct PrintingCard {
    job_id: String,
}

/// What may go to [`start_printing`]: a fed card (no chip) or one whose chip was written.
#[derive(Debug)]
pub enum Printable {
    /// Fed, no chip to write.
    Fed(FedCard),
    /// Fed to the encoder station, chip written.
    Encoding(EncodingCard),
}

impl From<FedCard> for Printable {
    fn from(c: FedCard) -> Self {
        Printable::Fed(c)
    }
}

impl From<EncodingCard> for Printable {
    fn from(c: EncodingCard) -> Self {
        Printable::Encoding(c)
    }
}

impl Printable {
    fn job_id(&self) -> &str {
        match self {
            Printable::Fed(c) => &c.job_id,
            Printable::Encoding(c) => &c.job_id,
        }
    }
}

/// Journal `ready → feeding` by the worker of `printer_id` ([`Journal::feed_on`]), durable
/// before it returns: only then may the printer take the card.
pub fn feed(
    journal: &mut Journal,
    printer_id: &str,
    job_id: &str,
    printer_serial: Option<&str>,
) -> Result<FedCard, JournalError> {
    journal.feed_on(printer_id, job_id, printer_serial)?;
    Ok(FedCard {
        job_id: job_id.to_string(),
    })
}

impl FedCard {
    /// The job this card is for.
    pub fn job_id(&self) -> &str {
        &self.job_id
    }

    /// The physical feed: the printer takes the blangko, straight to the encoder station when
    /// its chip is to be written (`Sis`/`Sic`).
    pub fn insert(
        &self,
        printer: &mut dyn Printer,
        station: Option<EncoderStation>,
    ) -> Result<(), PrinterError> {
        match station {
            Some(station) => printer.feed_to_station(station),
            None => printer.feed(),
        }
    }

    /// Records the printer's card number as this card's serial.
    pub fn record_serial(&self, journal: &mut Journal, serial: &str) -> Result<(), JournalError> {
        journal.card_fed(&self.job_id, serial)
    }

    /// Journal `feeding → ready`: the printer did not take the card; the feed is undone and
    /// the token gone (the next try feeds anew).
    pub fn not_taken(self, journal: &mut Journal, note: &str) -> Result<(), JournalError> {
        journal.feed_not_taken(&self.job_id, note)
    }
}

/// Journal `feeding → encoding`: chip personalisation starts.
pub fn start_encoding(journal: &mut Journal, card: FedCard) -> Result<EncodingCard, JournalError> {
    journal.start_encoding(&card.job_id)?;
    Ok(EncodingCard {
        job_id: card.job_id,
    })
}

impl EncodingCard {
    /// The job this card is for.
    pub fn job_id(&self) -> &str {
        &self.job_id
    }

    /// Writes and verifies the chip of the card parked at the encoder station.
    pub fn encode(
        &self,
        encoder: &mut dyn ChipEncoder,
        job: &ValidatedJob,
    ) -> Result<ChipInfo, EncodeFailure> {
        encoder.encode(job)
    }
}

/// Journal `feeding/encoding → printing`, with the chip identifiers of a chip card.
pub fn start_printing(
    journal: &mut Journal,
    card: impl Into<Printable>,
    chip: Option<&ChipInfo>,
) -> Result<PrintingCard, JournalError> {
    let card = card.into();
    journal.start_printing(card.job_id(), chip)?;
    Ok(PrintingCard {
        job_id: match card {
            Printable::Fed(c) => c.job_id,
            Printable::Encoding(c) => c.job_id,
        },
    })
}

impl PrintingCard {
    /// The job this card is for.
    pub fn job_id(&self) -> &str {
        &self.job_id
    }

    /// Prints both sides and ejects the card.
    pub fn print(
        &self,
        printer: &mut dyn Printer,
        front: &SideLayers,
        back: &SideLayers,
    ) -> Result<(), PrinterError> {
        printer.print_side(Side::Front, front)?;
        printer.print_side(Side::Back, back)?;
        printer.eject()
    }
}

/// Journal `printing → printed`: the blangko is consumed; the card's token with it.
pub fn mark_printed(
    journal: &mut Journal,
    card: PrintingCard,
    info: &PrintedInfo,
) -> Result<(), JournalError> {
    journal.mark_printed(&card.job_id, info)
}
