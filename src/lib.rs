//! cetak, the print station for Indonesian identity cards (KTP-el, KIA).
//!
//! Layers:
//! - [`job`]: the job document (serde) and its validation against the domain rules.
//! - [`layout`]: SVG card templates and their manifests; filling a template by editing the
//!   parsed SVG tree; text fitting.
//! - [`render`]: job + layout → preview, colour layer, K layer and overlay mask per side.
//! - [`journal`]: the durable SQLite journal of jobs, the blangko ledger and the audit trail.
//!
//! The hardware lives in the `cetak-drivers` crate; this crate only talks to it through traits.
#![forbid(unsafe_code)]

mod assets;
pub mod bundle;
pub mod card;
pub mod chip_content;
pub mod cli;
pub mod config;
pub mod daemon;
pub mod job;
pub mod journal;
pub mod layout;
pub mod link;
pub mod logging;
pub mod messages;
pub mod render;
pub mod signing;
