//! cetak, the print station for Indonesian identity cards (KTP-el, KIA).
//!
//! Layers, highest first; a module uses only modules of the layers below it (never its own
//! layer's siblings, never a layer above). `docs/architecture.md` draws them; a unit test
//! (`architecture_test`) reads every `crate::…` path in `src/` and fails on an upward one.
//!
//! | layer | modules | what |
//! |---|---|---|
//! | 9 | [`cli`] | the `cetak` command line; the daemon process ([`cli::run`]); `cetak demo` |
//! | 8 | [`dashboard`] | HTTP(S) for people and Prometheus: metrics, report downloads |
//! | 7 | [`daemon`] | the station: workers per printer, spool watcher, control API |
//! | 6 | [`link`], [`bundle`] | the server link (pull, push, outbox delivery); offline bundles |
//! | 5 | [`intake`], [`report`] | the one door for jobs; BAST, spoilage and stock reports |
//! | 4 | [`config`] | the station's configuration file |
//! | 3 | [`signing`], [`render`], [`chip_content`] | JWS; job + layout → card layers; chip data |
//! | 2 | [`job`] | the job document and its validation against the domain rules |
//! | 1 | [`journal`], [`layout`], [`tls`] | the SQLite journal, ledger and audit trail; SVG templates; HTTPS for the push endpoint and the dashboard |
//! | 0 | [`card`], `assets`, [`logging`], [`messages`], [`shutdown`] | card kinds; built-in files; log setup; operator texts; the one stop signal |
//!
//! The daemon learns the link's health through its own [`daemon::LinkStatus`] trait, so the
//! link never imports the daemon; jobs from the link, bundles, the spool and `cetak submit` all
//! go through [`intake`]. The hardware lives in the `cetak-drivers` crate; this crate only
//! talks to it through traits.
// Denied, not forbidden: `dashboard::pam` (FFI to libpam) is the one module allowed it.
#![deny(unsafe_code)]

#[cfg(test)]
mod architecture_test;
mod assets;
pub mod bundle;
pub mod card;
pub mod chip_content;
pub mod cli;
pub mod config;
pub mod daemon;
pub mod dashboard;
pub mod intake;
pub mod job;
pub mod journal;
pub mod layout;
pub mod link;
pub mod logging;
pub mod messages;
pub mod render;
pub mod report;
pub mod shutdown;
pub mod signing;
pub mod tls;
