//! The printer side, in one test binary: the Evolis driver against the emulator over every
//! link, injected faults, the stream checked against the programming guide, arbitrary bytes,
//! and the emulator's command-line entry point. See `drivers/tests/README.md`.

#[path = "../support/mod.rs"]
mod support;

mod emulator;
mod emulator_cli;
mod faults;
mod guide;
mod hostile;
