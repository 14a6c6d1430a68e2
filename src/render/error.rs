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

impl crate::messages::Message for RenderError {
    fn message_code(&self) -> &'static str {
        match self {
            RenderError::Svg { .. } => "render.svg",
            RenderError::Write { .. } => "render.write",
            RenderError::Fit(e) => e.message_code(),
        }
    }

    fn message_args(&self) -> crate::messages::Args {
        let args = crate::messages::Args::new();
        #[allow(unreachable_patterns)] // variants without arguments
        match self {
            RenderError::Svg(reason) => args.with("reason", reason),
            RenderError::Write { path, message } => {
                args.with("path", path.display()).with("message", message)
            }
            RenderError::Fit(e) => e.message_args(),
            _ => args,
        }
    }
}
