//! A virtual ISO 7816-4 card speaking the vpcd protocol, with fault injection, for tests,
//! demos and training (`cetak vcard --port N`).
//!
//! - [`config`]: the card's make-up ([`CardConfig::cetak`], [`CardConfig::generic`]) and
//!   [`Faults`].
//! - [`fs`] and [`card`]: the file system and the APDU engine.
//! - [`vpcd`]: the wire protocol and [`VirtualCard`] (insert into a reader, or run as a service).
//! - [`station`]: [`VcardStation`], the printer emulator's encoder station tied to virtual cards.
//! - [`testbed`]: one vpcd reader of a real pcscd per test.

pub mod card;
pub mod config;
pub mod fs;
pub mod station;
pub mod testbed;
pub mod vpcd;

pub use config::{CardConfig, Faults};
pub use station::{StationCards, VcardStation};
pub use testbed::{claim_reader, VirtualReader};
pub use vpcd::{Inserted, ReaderLink, VirtualCard};
