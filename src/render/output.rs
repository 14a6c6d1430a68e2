//! Writing a rendered card as PNG files (`cetak render job.json --out DIR`).

use std::path::{Path, PathBuf};

use cetak_drivers::printer::layers::{Bitplane, FRAME_HEIGHT, FRAME_WIDTH};
use image::{GrayImage, RgbImage};

use super::{RenderError, RenderedCard, RenderedSide};

/// Writes `front-preview.png`, `front-colour.png`, `front-k.png`, `front-overlay.png` and the same
/// for `back-` into `dir` (created if missing); returns the paths. A panel that is not printed is
/// written blank (white colour layer, no K dots, no varnish) so the set is always complete. In
/// the K and overlay files black = a dot (resin / varnish).
pub fn write_pngs(card: &RenderedCard, dir: &Path) -> Result<Vec<PathBuf>, RenderError> {
    std::fs::create_dir_all(dir).map_err(|e| RenderError::Write {
        path: dir.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut written = Vec::new();
    for (prefix, side) in [("front", &card.front), ("back", &card.back)] {
        write_side(prefix, side, dir, &mut written)?;
    }
    Ok(written)
}

fn write_side(
    prefix: &str,
    side: &RenderedSide,
    dir: &Path,
    written: &mut Vec<PathBuf>,
) -> Result<(), RenderError> {
    let blank_plane = || Bitplane::new(FRAME_WIDTH, FRAME_HEIGHT).to_luma();
    let colour = side.layers.colour.clone().unwrap_or_else(|| {
        RgbImage::from_pixel(FRAME_WIDTH, FRAME_HEIGHT, image::Rgb([255, 255, 255]))
    });
    let k: GrayImage = side
        .layers
        .k
        .as_ref()
        .map(Bitplane::to_luma)
        .unwrap_or_else(blank_plane);
    let overlay: GrayImage = side
        .layers
        .overlay
        .as_ref()
        .map(Bitplane::to_luma)
        .unwrap_or_else(blank_plane);
    let save = |name: &str, result: &dyn Fn(&Path) -> image::ImageResult<()>| {
        let path = dir.join(format!("{prefix}-{name}.png"));
        result(&path).map_err(|e| RenderError::Write {
            path: path.clone(),
            message: e.to_string(),
        })?;
        Ok::<PathBuf, RenderError>(path)
    };
    written.push(save("preview", &|p| side.preview.save(p))?);
    written.push(save("colour", &|p| colour.save(p))?);
    written.push(save("k", &|p| k.save(p))?);
    written.push(save("overlay", &|p| overlay.save(p))?);
    Ok(())
}
