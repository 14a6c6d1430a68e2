//! The link between a printer's encoder station and the chip side: a printer (real or emulated)
//! parks a card at a station; only then is a chip present to the PC/SC reader.

/// Where a card is parked for chip encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EncoderStation {
    /// Smart-card contact station (`Sis`).
    Contact,
    /// Contactless station (`Sic`).
    Contactless,
}

/// Notified by the printer emulator when a card arrives at or leaves an encoder station, so a
/// virtual card is present in its reader only while a card is parked there (as with a real
/// printer, whose reader sees the chip only at the station).
pub trait StationCard: Send {
    /// A card has just been parked at `station`.
    fn card_parked(&mut self, station: EncoderStation);
    /// The parked card has left the station (printed, ejected or rejected).
    fn card_left(&mut self);
}
