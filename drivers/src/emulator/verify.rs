//! Did the emulator print what the host meant? Compares a printed side (decoded panels) with
//! the layers that were sent: K and O dot for dot after rotation, Y/M/C within half a
//! quantisation step, and no panel printed that had nothing to print.

use super::PrintedSide;
use crate::printer::layers::{SideLayers, FRAME_HEIGHT, FRAME_WIDTH};
use crate::printer::panel::Panel;

/// Checks `printed` against `layers` sent with `levels` grey levels for Y/M/C. The error says
/// which panel differs and where.
pub fn check_side(printed: &PrintedSide, layers: &SideLayers, levels: u16) -> Result<(), String> {
    for (panel, plane) in [(Panel::Black, &layers.k), (Panel::Overlay, &layers.overlay)] {
        match plane {
            Some(plane) if !plane.is_empty() => {
                let got = printed
                    .panels
                    .get(&panel)
                    .ok_or_else(|| format!("{panel:?} not printed"))?;
                let img = got.to_landscape_density();
                let mut diff = 0usize;
                for y in 0..FRAME_HEIGHT {
                    for x in 0..FRAME_WIDTH {
                        if (img.get_pixel(x, y).0[0] == 255) != plane.get(x, y) {
                            diff += 1;
                        }
                    }
                }
                if diff != 0 {
                    return Err(format!("{panel:?}: {diff} dots differ"));
                }
            }
            _ => {
                if printed.panels.contains_key(&panel) {
                    return Err(format!("empty {panel:?} was sent"));
                }
            }
        }
    }
    let max_err = (255.0 / f64::from(levels.max(2) - 1) / 2.0).ceil() as i32;
    let colour = layers.colour.as_ref();
    for (panel, channel) in [
        (Panel::Yellow, 2usize),
        (Panel::Magenta, 1),
        (Panel::Cyan, 0),
    ] {
        let expected_empty = colour.is_none_or(|c| c.pixels().all(|p| p.0[channel] == 255));
        match (printed.panels.get(&panel), colour) {
            (None, _) if expected_empty => {}
            (None, _) => return Err(format!("{panel:?} missing")),
            (Some(_), _) if expected_empty => return Err(format!("empty {panel:?} was sent")),
            (Some(got), Some(c)) => {
                let img = got.to_landscape_density();
                for (x, y, p) in c.enumerate_pixels() {
                    let want = 255 - i32::from(p.0[channel]);
                    let have = i32::from(img.get_pixel(x, y).0[0]);
                    if (want - have).abs() > max_err {
                        return Err(format!("{panel:?} at {x},{y}: want {want} have {have}"));
                    }
                }
                if got.values.iter().any(|&v| u16::from(v) >= levels) {
                    return Err(format!("{panel:?} has values beyond {levels} levels"));
                }
            }
            (Some(_), None) => return Err(format!("{panel:?} printed without a colour layer")),
        }
    }
    Ok(())
}
