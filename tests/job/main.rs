//! The `job` test binary (see tests/README.md): one module per former test file.

#[path = "../support/mod.rs"]
mod support;

mod bundles;
mod job_corpus;
mod job_proptest;
mod job_samples;
mod job_schema;
