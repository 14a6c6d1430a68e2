//! The chip step of a card: personalise the chip of the card parked at the printer's encoder
//! station, before anything is printed (a failed chip wastes no ribbon). The worker talks to
//! an encoder only through [`ChipEncoder`]: the PC/SC implementation (profile + `encode` from
//! the drivers, content from the job) plugs in here; tests give a scripted one.

use crate::messages::MessageText as _;
use cetak_drivers::printer::station::EncoderStation;

use crate::job::ValidatedJob;
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
    /// Writes and verifies the chip for `job` (validated once, at the preparer; its content is
    /// built from it); returns the chip identifiers for the journal.
    fn encode(&mut self, job: &ValidatedJob) -> Result<ChipInfo, EncodeFailure>;
}

/// Builds the chip content of a validated job (the lead's `chip_content::chip_content`).
pub type ContentFn = fn(&crate::job::ValidatedJob) -> cetak_drivers::chip::ChipContent;

/// The real encoder: a PC/SC reader at the printer's station, a card profile, and the job's
/// chip content. Each card is a fresh connection (the reader sees a new card at each park).
pub struct PcscEncoder {
    reader: cetak_drivers::chip::ReaderPattern,
    profile: cetak_drivers::chip::Profile,
    station: EncoderStation,
    content: ContentFn,
}

impl std::fmt::Debug for PcscEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PcscEncoder")
            .field("reader", &self.reader)
            .field("station", &self.station)
            .finish_non_exhaustive()
    }
}

impl PcscEncoder {
    /// An encoder from a printer's `[printer.encoder]` section.
    pub fn from_config(
        enc: &crate::config::EncoderConfig,
        content: ContentFn,
    ) -> Result<PcscEncoder, EncodeFailure> {
        let profile = match &enc.profile {
            Some(path) => cetak_drivers::chip::Profile::load(path),
            None => cetak_drivers::chip::Profile::default_profile(),
        }
        .map_err(station_fault)?;
        let station = enc.station;
        Ok(PcscEncoder {
            reader: enc.reader.clone(),
            profile,
            station,
            content,
        })
    }
}

fn station_fault(e: cetak_drivers::chip::ChipError) -> EncodeFailure {
    EncodeFailure {
        spoils_card: e.spoils_card(),
        message_en: e.message_en(),
        message_id: e.message_id(),
    }
}

impl ChipEncoder for PcscEncoder {
    fn station(&self) -> EncoderStation {
        self.station
    }

    fn encode(&mut self, job: &ValidatedJob) -> Result<ChipInfo, EncodeFailure> {
        let content = (self.content)(job);
        let mut channel = cetak_drivers::chip::PcscChannel::open(
            cetak_drivers::chip::PcscConfig::new(self.reader.as_str()),
        )
        .map_err(station_fault)?;
        let done = cetak_drivers::chip::encode(&mut channel, &self.profile, &content)
            .map_err(station_fault)?;
        Ok(ChipInfo {
            atr: done.atr,
            uid: done.uid.unwrap_or_default(),
        })
    }
}
