//! The chip step of a card: personalise the chip of the card parked at the printer's encoder
//! station, before anything is printed (a failed chip wastes no ribbon). The worker talks to
//! an encoder only through [`ChipEncoder`]: the PC/SC implementation (profile + `encode` from
//! the drivers, content from the job) plugs in here; tests give a scripted one.

use cetak_drivers::printer::station::EncoderStation;

use crate::journal::ChipInfo;

/// Why a chip could not be personalised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message_en}")]
pub struct EncodeFailure {
    /// The card is at fault (`ChipError::spoils_card`): reject it as `gagal-encode` and try
    /// the next blangko. False when the station is at fault (reader, service, profile): the
    /// printer pauses instead, because the next blangko would fail the same way.
    pub spoils_card: bool,
    /// Message, English.
    pub message_en: String,
    /// Message, Bahasa Indonesia.
    pub message_id: String,
}

/// Encodes the chip of the card parked at a printer's encoder station.
pub trait ChipEncoder: Send {
    /// Station the card must be parked at.
    fn station(&self) -> EncoderStation;
    /// Writes and verifies the chip for the job whose document (JSON) is `payload`; returns
    /// the chip identifiers for the journal.
    fn encode(&mut self, job_id: &str, payload: &str) -> Result<ChipInfo, EncodeFailure>;
}
