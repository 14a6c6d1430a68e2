//! The `station` test binary (see tests/README.md): one module per former test file.

#[path = "../support/mod.rs"]
mod support;

mod builtin_defaults;
mod cli;
mod cli_chip;
mod cli_doubt;
mod config_check;
mod daemon_authority;
mod daemon_chip;
mod daemon_control;
mod daemon_e2e;
mod daemon_feeder;
mod daemon_parse_once;
mod daemon_process;
mod daemon_stock;
mod daemon_systemd;
mod dashboard;
mod dashboard_tls;
mod demo;
mod handover;
mod messages;
mod messages_books;
mod metrics;
mod package;
mod purge;
mod reports;
mod school_batch;
mod specimen;
