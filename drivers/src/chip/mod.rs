//! Chip personalisation through PC/SC.
//!
//! Layers, bottom up:
//! - [`apdu`]: command / response APDUs and status words; [`tlv`]: BER-TLV.
//! - [`channel`]: the [`CardChannel`] boundary (bytes in, bytes out) and [`Apdus`], the one
//!   place that exchanges APDUs (GET RESPONSE, wrong-Le resend, counters, trace logging);
//!   [`pcsc_backend`]: the channel on a PC/SC reader; [`reader_caps`]: what the reader carries; [`reader_pattern`]: which reader.
//! - [`profile`]: the data-driven card profile (`profiles/default.toml`); [`secret`]: its key
//!   material; [`content`]: what is written (no dependency on the station's job type).
//! - [`session`]: the ISO 7816-4 steps; [`encoder`]: write + read-back verify, and read a card.

pub mod apdu;
pub mod channel;
pub mod content;
pub mod encoder;
pub mod error;
pub mod pcsc_backend;
pub mod profile;
pub mod reader_caps;
pub mod reader_pattern;
#[cfg(test)]
pub(crate) mod scripted;
pub mod secret;
pub mod session;
pub mod tlv;

pub use channel::{ApduStats, Apdus, CardChannel, ChannelCaps, Protocol, TransferPlan};
pub use content::{ChipContent, ContentSource, Integrity, PersonalField};
pub use encoder::{encode, read_card, CardReadout, EncodeReport};
pub use error::ChipError;
pub use pcsc_backend::{PcscChannel, PcscConfig};
pub use profile::Profile;
pub use reader_pattern::{ReaderPattern, ReaderPatternError};
