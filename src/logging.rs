//! Where log lines go: the systemd journal (structured fields) when the service manager connected
//! stderr to it, coloured text on a terminal, plain text otherwise (a file, a pipe, a test).
//!
//! Events carry ids (`job`, `printer`, `lease`, `event`), never personal data; under journald
//! they become the fields `CETAK_JOB`, `CETAK_PRINTER`, … beside `PRIORITY` from the level.

use std::io::IsTerminal;
use std::os::unix::fs::MetadataExt;

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

/// The three ways to write logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogSink {
    /// Native journald protocol: one entry per event, fields kept apart.
    Journald,
    /// Human text with ANSI colour (stderr is a terminal).
    Terminal,
    /// Human text without escape codes (a file, a pipe, journald without its socket).
    Plain,
}

/// Picks the sink. systemd sets `JOURNAL_STREAM=<dev>:<inode>` of the stream it connected; it
/// only means "stderr is the journal" when stderr is still that very file (a child process may
/// inherit the variable with stderr redirected elsewhere).
pub fn choose_sink(
    journal_stream: Option<&str>,
    stderr_dev_ino: Option<(u64, u64)>,
    stderr_is_terminal: bool,
) -> LogSink {
    let on_journal = match (journal_stream.and_then(parse_dev_ino), stderr_dev_ino) {
        (Some(expected), Some(actual)) => expected == actual,
        _ => false,
    };
    if on_journal {
        LogSink::Journald
    } else if stderr_is_terminal {
        LogSink::Terminal
    } else {
        LogSink::Plain
    }
}

fn parse_dev_ino(s: &str) -> Option<(u64, u64)> {
    let (dev, ino) = s.trim().split_once(':')?;
    Some((dev.parse().ok()?, ino.parse().ok()?))
}

fn stderr_dev_ino() -> Option<(u64, u64)> {
    use std::os::fd::AsFd;
    let fd = std::io::stderr().as_fd().try_clone_to_owned().ok()?;
    let meta = std::fs::File::from(fd).metadata().ok()?;
    Some((meta.dev(), meta.ino()))
}

/// Installs the global subscriber for `filter` (tracing `EnvFilter` syntax; an invalid filter
/// falls back to `warn`).
pub fn init(filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("warn"));
    let sink = choose_sink(
        std::env::var("JOURNAL_STREAM").ok().as_deref(),
        stderr_dev_ino(),
        std::io::stderr().is_terminal(),
    );
    if sink == LogSink::Journald {
        match tracing_journald::layer() {
            Ok(layer) => {
                let layer = layer.with_field_prefix(Some("CETAK".into()));
                tracing_subscriber::registry()
                    .with(filter)
                    .with(layer)
                    .init();
                return;
            }
            // The socket is missing (a container without journald): text still reaches it.
            Err(_) => return text(filter, false),
        }
    }
    text(filter, sink == LogSink::Terminal)
}

fn text(filter: EnvFilter, ansi: bool) {
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journald_only_when_stderr_is_the_stream_systemd_named() {
        assert_eq!(
            choose_sink(Some("8:1234"), Some((8, 1234)), false),
            LogSink::Journald
        );
        // Inherited variable, stderr redirected to a file.
        assert_eq!(
            choose_sink(Some("8:1234"), Some((8, 99)), false),
            LogSink::Plain
        );
        assert_eq!(
            choose_sink(Some("garbage"), Some((8, 1234)), true),
            LogSink::Terminal
        );
        assert_eq!(choose_sink(None, Some((8, 1234)), false), LogSink::Plain);
        assert_eq!(choose_sink(None, None, true), LogSink::Terminal);
    }
}
