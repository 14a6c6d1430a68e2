//! `GET /preview/{printer}`: the front of the last card a printer printed, as a small PNG for
//! its card on the page (the operator's own screen at the printer: it may show the card).
//!
//! Rendered from the job's stored document with the station's layouts (SPECIMEN on a training
//! station, as on the card itself), scaled to [`WIDTH`] pixels, and kept per printer until its
//! next card. Nothing of the card reaches the log: only job ids. A purged document (personal
//! data removed) has no preview.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use super::pages::Reader;
use super::DashboardState;
use crate::journal::Journal;
use crate::layout::{LayoutSource, Layouts};

/// Width of a preview in pixels (a card is 1016 dots wide).
pub const WIDTH: u32 = 320;

/// Printer → (job of its last card, that card's PNG).
type Cache = Arc<Mutex<HashMap<String, (String, Arc<Vec<u8>>)>>>;

/// The previews of one station.
#[derive(Clone)]
pub struct Previews {
    source: LayoutSource,
    policy: crate::job::ValidationPolicy,
    training: bool,
    layouts: Arc<OnceLock<Option<Arc<Layouts>>>>,
    cache: Cache,
}

impl Previews {
    /// From the configuration (layouts are loaded at the first preview).
    pub fn from_config(config: &crate::config::Config) -> Previews {
        Previews {
            source: config.layout_source(),
            policy: config.validation_policy(),
            training: config.policy.training,
            layouts: Default::default(),
            cache: Default::default(),
        }
    }

    fn layouts(&self) -> Option<Arc<Layouts>> {
        self.layouts
            .get_or_init(|| match Layouts::load_from(&self.source) {
                Ok(l) => Some(Arc::new(l)),
                Err(e) => {
                    tracing::error!(error = %e, "dashboard preview: layouts");
                    None
                }
            })
            .clone()
    }

    /// The PNG of `printer`'s last card, if it has one that can be shown (blocking: journal,
    /// rendering).
    pub fn png(&self, journal: &Journal, printer: &str) -> Option<Arc<Vec<u8>>> {
        let job = journal.last_card(printer).ok().flatten()?;
        if let Some((cached, png)) = self.cache.lock().ok()?.get(printer) {
            if *cached == job {
                return Some(png.clone());
            }
        }
        let payload = journal.job_payload(&job).ok().flatten()?;
        let png = Arc::new(self.render(&payload).or_else(|| {
            tracing::warn!(job = %job, "dashboard preview: the card could not be drawn");
            None
        })?);
        self.cache
            .lock()
            .ok()?
            .insert(printer.to_string(), (job, png.clone()));
        Some(png)
    }

    /// The front side of a stored document as a small PNG.
    fn render(&self, payload: &str) -> Option<Vec<u8>> {
        let (_, job) = crate::job::check_inline(payload.as_bytes(), &self.policy);
        let content = job?.card_content();
        let layouts = self.layouts()?;
        let [front, _] = layouts.for_design(content.design).ok()?;
        let mut preview = crate::render::render_side(&content, front, &layouts)
            .ok()?
            .preview;
        if self.training {
            crate::render::specimen::stamp_preview(&mut preview);
        }
        let height = preview.height() * WIDTH / preview.width().max(1);
        let small = image::imageops::resize(
            &preview,
            WIDTH,
            height,
            image::imageops::FilterType::Triangle,
        );
        let mut png = Vec::new();
        image::DynamicImage::ImageRgba8(small)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .ok()?;
        Some(png)
    }
}

/// `GET /preview/{printer}` (the page adds `?job=` so that a browser fetches the next card).
pub async fn get(
    State(state): State<DashboardState>,
    _reader: Reader,
    Path(printer): Path<String>,
) -> Response {
    let s = state.clone();
    let png = tokio::task::spawn_blocking(move || {
        let j = s.journal.lock().unwrap_or_else(|e| e.into_inner());
        s.previews.png(&j, &printer)
    })
    .await
    .ok()
    .flatten();
    match png {
        Some(png) => (
            [
                (header::CONTENT_TYPE, "image/png"),
                (header::CACHE_CONTROL, "private, max-age=3600"),
            ],
            png.as_ref().clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
