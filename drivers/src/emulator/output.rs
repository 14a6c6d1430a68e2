//! Printed cards as PNG files: each panel (landscape, white = no ink) and a composite of the
//! card as it comes out (dye colour, then resin black, then a faint sheen where the overlay is).

use std::path::Path;

use super::PrintedCard;
use crate::printer::layers::{Side, FRAME_HEIGHT, FRAME_WIDTH};
use crate::printer::panel::Panel;

/// File stem for a card side, e.g. `card-001001-front`.
pub(crate) fn side_stem(number: u32, side: Side) -> String {
    let side = match side {
        Side::Front => "front",
        Side::Back => "back",
    };
    format!("card-{number:06}-{side}")
}

pub(crate) fn write_card(dir: &Path, card: &PrintedCard) -> Result<(), image::ImageError> {
    std::fs::create_dir_all(dir).map_err(image::ImageError::IoError)?;
    for (side, printed) in &card.sides {
        let stem = side_stem(card.number, *side);
        let mut composite =
            image::RgbImage::from_pixel(FRAME_WIDTH, FRAME_HEIGHT, image::Rgb([255, 255, 255]));
        for panel in Panel::ALL {
            let Some(img) = printed.panels.get(&panel) else {
                continue;
            };
            let density = img.to_landscape_density();
            let mut file = density.clone();
            file.pixels_mut().for_each(|p| p.0[0] = 255 - p.0[0]);
            file.save(dir.join(format!("{stem}-{}.png", panel.letter())))?;
            for (x, y, d) in density.enumerate_pixels() {
                let d = d.0[0];
                let px = composite.get_pixel_mut(x, y);
                match panel {
                    Panel::Cyan => px.0[0] = px.0[0].saturating_sub(d),
                    Panel::Magenta => px.0[1] = px.0[1].saturating_sub(d),
                    Panel::Yellow => px.0[2] = px.0[2].saturating_sub(d),
                    Panel::Black if d > 0 => px.0 = [0, 0, 0],
                    Panel::Overlay if d > 0 => {
                        let sheen = [236u16, 242, 255];
                        for (c, s) in px.0.iter_mut().zip(sheen) {
                            *c = ((u16::from(*c) * 12 + s * 4) / 16) as u8;
                        }
                    }
                    _ => {}
                }
            }
        }
        composite.save(dir.join(format!("{stem}.png")))?;
    }
    Ok(())
}
