//! The chip side, in one test binary: the encoder, the access step, faults, APDU transfer,
//! the encoder station and ISO/IEC 7816-4 checks, all through the real pcscd + vpcd against
//! virtual cards the tests start themselves. See `drivers/tests/README.md`.

#[path = "../support/mod.rs"]
mod support;

mod access;
mod encode;
mod faults;
mod iso;
mod station;
mod transfer;
