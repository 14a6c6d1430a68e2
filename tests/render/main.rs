//! The `render` test binary (see tests/README.md): one module per former test file.

#[path = "../support/mod.rs"]
mod support;

mod print_samples;
mod print_stream;
mod render_cards;
mod render_layouts;
mod render_text;
