//! Support code shared by every test binary under `tests/` (see tests/README.md). Each binary
//! uses a different part.
#![allow(dead_code, unused_imports)]

pub mod cdp;
pub mod daemon;
pub mod journal;
pub mod link;
pub mod render;
pub mod web;
