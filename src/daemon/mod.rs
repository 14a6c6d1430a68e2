//! The station daemon: intake, scheduler, printer workers, shutdown (under construction).

pub mod notify;
