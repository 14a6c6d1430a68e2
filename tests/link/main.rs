//! The `link` test binary (see tests/README.md): one module per former test file.

#[path = "../support/mod.rs"]
mod support;

mod link_client;
mod link_e2e;
mod link_journal_leases;
mod link_process;
mod link_push_tls;
mod protocol_spec;
mod signed_intake;
mod signing;
