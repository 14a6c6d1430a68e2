//! QR codes and Code 128 barcodes, drawn as whole-dot modules (never scaled by the SVG renderer)
//! so every module edge falls on a dot edge and the 1-bit K panel stays scannable.

use barcoders::sym::code128::Code128;
use qrcode::{Color, EcLevel, QrCode};
use resvg::tiny_skia::Pixmap;

use super::raster::fill_rect;
use crate::layout::{BarcodeSlot, FitError, QrLevel, QrSlot};

/// Quiet zone of a QR code, in modules (ISO/IEC 18004).
const QR_QUIET: u32 = 4;
/// Quiet zone of a Code 128 barcode on each side, in modules.
const BAR_QUIET: u32 = 10;

/// A code laid out on dots: dark rectangles `(x, y, w, h)`.
#[derive(Debug, Clone)]
pub struct CodeDrawing {
    rects: Vec<(i64, i64, i64, i64)>,
}

impl CodeDrawing {
    /// Paints the dark modules black.
    pub fn draw(&self, pixmap: &mut Pixmap) {
        for &(x, y, w, h) in &self.rects {
            fill_rect(pixmap, x, y, w, h, [0, 0, 0]);
        }
    }
}

/// Lays out the QR code for `payload` in `slot`, centred, with the largest whole-dot module.
pub fn qr(payload: &str, slot: &QrSlot, layout: &str) -> Result<CodeDrawing, FitError> {
    let too_large = || FitError::QrTooLarge {
        layout: layout.to_string(),
        bytes: payload.len(),
    };
    let level = match slot.ec_level {
        QrLevel::L => EcLevel::L,
        QrLevel::M => EcLevel::M,
        QrLevel::Q => EcLevel::Q,
        QrLevel::H => EcLevel::H,
    };
    let code =
        QrCode::with_error_correction_level(payload.as_bytes(), level).map_err(|_| too_large())?;
    let n = code.width() as u32;
    let side = slot.rect.width.min(slot.rect.height).floor().max(0.0) as u32;
    let module = side / (n + 2 * QR_QUIET);
    if module < slot.min_module {
        return Err(too_large());
    }
    let m = i64::from(module);
    let span = i64::from(n) * m;
    let x0 = (slot.rect.x + slot.rect.width / 2.0).round() as i64 - span / 2;
    let y0 = (slot.rect.y + slot.rect.height / 2.0).round() as i64 - span / 2;
    let colours = code.to_colors();
    let mut rects = Vec::new();
    for (i, c) in colours.iter().enumerate() {
        if *c == Color::Dark {
            let (col, row) = ((i as u32 % n) as i64, (i as u32 / n) as i64);
            rects.push((x0 + col * m, y0 + row * m, m, m));
        }
    }
    Ok(CodeDrawing { rects })
}

/// Lays out a Code 128 barcode for `payload` (printable ASCII) in `slot`, centred, bars the full
/// slot height. Runs of digits use the compact set C (see [`code128_data`]).
pub fn barcode(payload: &str, slot: &BarcodeSlot, layout: &str) -> Result<CodeDrawing, FitError> {
    if let Some(ch) = payload.chars().find(|c| !(' '..='~').contains(c)) {
        return Err(FitError::BarcodeCharacter {
            codepoint: u32::from(ch),
        });
    }
    let too_long = || FitError::BarcodeTooLong {
        layout: layout.to_string(),
        chars: payload.chars().count(),
    };
    let bars = Code128::new(code128_data(payload))
        .map_err(|_| too_long())?
        .encode();
    let n = bars.len() as u32;
    let module = (slot.rect.width.floor().max(0.0) as u32) / (n + 2 * BAR_QUIET);
    if module < slot.min_module {
        return Err(too_long());
    }
    let m = i64::from(module);
    let x0 = (slot.rect.x + slot.rect.width / 2.0).round() as i64 - i64::from(n) * m / 2;
    let y0 = slot.rect.y.round() as i64;
    let h = slot.rect.height.round() as i64;
    let mut rects: Vec<(i64, i64, i64, i64)> = Vec::new();
    for (i, &bar) in bars.iter().enumerate() {
        if bar == 1 {
            let x = x0 + i as i64 * m;
            match rects.last_mut() {
                Some(last) if last.0 + last.2 == x => last.2 += m,
                _ => rects.push((x, y0, m, h)),
            }
        }
    }
    Ok(CodeDrawing { rects })
}

/// The barcoders input for `payload` (printable ASCII): set B, switching to set C for every run
/// of at least 4 digits (an odd run leaves its first digit in set B), which keeps NIK-like
/// payloads short enough for a card.
fn code128_data(payload: &str) -> String {
    const SET_B: char = '\u{0181}';
    const SET_C: char = '\u{0106}';
    let bytes = payload.as_bytes();
    let mut out = String::new();
    let mut current = None;
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        let whole = run == bytes.len();
        if run >= 4 || (whole && run >= 2) {
            if run % 2 == 1 {
                if current != Some(SET_B) {
                    out.push(SET_B);
                    current = Some(SET_B);
                }
                out.push(char::from(bytes[i]));
                i += 1;
            }
            let even = run - run % 2;
            if current != Some(SET_C) {
                out.push(SET_C);
                current = Some(SET_C);
            }
            out.push_str(&payload[i..i + even]);
            i += even;
        } else {
            if current != Some(SET_B) {
                out.push(SET_B);
                current = Some(SET_B);
            }
            let n = run.max(1);
            out.push_str(&payload[i..i + n]);
            i += n;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::code128_data;

    #[test]
    fn digit_runs_use_set_c() {
        assert_eq!(code128_data("3273015206900001"), "\u{0106}3273015206900001");
        assert_eq!(
            code128_data("KIA-3302011708150003"),
            "\u{0181}KIA-\u{0106}3302011708150003"
        );
        assert_eq!(code128_data("A12345"), "\u{0181}A1\u{0106}2345");
        assert_eq!(code128_data("AB12C"), "\u{0181}AB12C");
        assert_eq!(code128_data("123"), "\u{0181}1\u{0106}23");
    }
}
