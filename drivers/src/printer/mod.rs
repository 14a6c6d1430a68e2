//! The `Printer` boundary and the protocol families behind it (under construction).

pub mod layers;
pub mod station;
