//! The one support module of the drivers' test binaries (`mod support;` in each `main.rs`).
#![allow(dead_code)] // each test binary uses a different part of it

pub mod emulator;
pub mod guide_decoder;
pub mod pcsc;
