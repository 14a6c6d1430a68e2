//! Why intake could not take a job in (infrastructure failures, or a refused document for the
//! callers that report it straight to the submitter).

use std::path::{Path, PathBuf};

use crate::config::ConfigError;
use crate::journal::JournalError;

/// Why intake (the spool, `cetak submit`, pull, push, bundle import) could not do its work.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// A file or folder could not be used: check that it exists and that the service user may
    /// read and write it.
    #[error("{path}: {source}")]
    Io {
        /// Path involved.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// The journal refused.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// A job document was refused (the message, in the language asked for, names the reason).
    #[error("{0}")]
    InvalidJob(String),
    /// The configuration's trust settings could not be used.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

impl IntakeError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        IntakeError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl crate::messages::Message for IntakeError {
    fn message_code(&self) -> &'static str {
        match self {
            IntakeError::Io { .. } => "intake.io",
            IntakeError::Journal(e) => e.message_code(),
            IntakeError::InvalidJob(_) => "intake.invalid_job",
            IntakeError::Config(e) => e.message_code(),
        }
    }

    fn message_args(&self) -> crate::messages::Args {
        let args = crate::messages::Args::new();
        match self {
            IntakeError::Io { path, source } => {
                args.with("path", path.display()).with("source", source)
            }
            IntakeError::Journal(e) => e.message_args(),
            IntakeError::InvalidJob(d) => args.with("detail", d),
            IntakeError::Config(e) => e.message_args(),
        }
    }
}
