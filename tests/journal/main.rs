//! The `journal` test binary (see tests/README.md): one module per former test file.

#[path = "../support/mod.rs"]
mod support;

mod journal_audit;
mod journal_batches;
mod journal_crash;
mod journal_ledger;
mod journal_outbox;
mod journal_states;
mod journal_time;
mod journal_writeoff;
