//! Errors of rendering a card.

use std::path::PathBuf;

use crate::layout::FitError;

/// Why a card side could not be rendered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The content does not fit its layout; the job should have been refused by
    /// [`crate::render::check_fit`] before a blangko was taken.
    #[error(transparent)]
    Fit(#[from] FitError),
    /// The filled SVG could not be serialised or parsed: a defect of the layout or of cetak.
    #[error("SVG rendering failed: {0}")]
    Svg(String),
    /// An output file could not be written (e.g. `cetak render --out DIR`).
    #[error("cannot write {path}: {message}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        message: String,
    },
}

impl RenderError {
    /// The message for the operator, in Bahasa Indonesia.
    pub fn message_id(&self) -> String {
        match self {
            RenderError::Fit(e) => e.message_id(),
            RenderError::Svg(m) => format!("gagal merender SVG kartu: {m}"),
            RenderError::Write { path, message } => {
                format!("tidak dapat menulis {}: {message}", path.display())
            }
        }
    }

    /// The message for the operator, in English.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}
