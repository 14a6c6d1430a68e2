//! The hardware edge of cetak: it knows devices, and nothing of jobs, servers or blangko.
//!
//! Layers, bottom up:
//! - [`transport`]: moves bytes to and from a device (serial, USB printer class, raw TCP), every
//!   read with a timeout.
//! - [`printer`]: the `Printer` boundary (capabilities, typed status, card operations) and the
//!   protocol families behind it (Evolis first).
//! - [`emulator`]: a printer emulator speaking the same protocol over a pseudo-terminal, TCP or
//!   in-process, for tests, demos and training.
//! - [`chip`]: APDUs, the PC/SC backend, card profiles and the encoder that writes and verifies.
//! - [`vcard`]: a virtual ISO 7816-4 card speaking the vpcd protocol, with fault injection.
//! - [`messages`]: operator texts by stable code in Bahasa Indonesia and English, and the
//!   [`messages::Message`] trait every error implements once (shared with the station crate).
//!
//! Arrows point down only; a layer may use (a test over the sources keeps it so):
//!
//! | layer       | may use                                |
//! |-------------|----------------------------------------|
//! | `messages`  | nothing of this crate                  |
//! | `transport` | `messages`                             |
//! | `chip`      | `messages`                             |
//! | `printer`   | `transport`, `messages`                |
//! | `emulator`  | `printer`, `transport`, `messages`     |
//! | `vcard`     | `chip`, `printer`, `messages`          |
//!
//! A layer below reaches one above only through what that one registers with it at run time:
//! the emulator registers the `emu://` opener with [`transport::register_opener`].
#![forbid(unsafe_code)]

pub mod chip;
pub mod emulator;
pub mod messages;
pub mod printer;
pub mod transport;
pub mod vcard;

#[cfg(test)]
mod layers;
#[cfg(test)]
mod messages_tests;
