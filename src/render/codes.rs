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
    let too_large = || FitError::QrTooLarge { layout: layout.to_string(), bytes: payload.len() };
    let level = match slot.ec_level {
        QrLevel::L => EcLevel::L,
        QrLevel::M => EcLevel::M,
        QrLevel::Q => EcLevel::Q,
        QrLevel::H => EcLevel::H,
    };
    let code = QrCode::with_error_correction_level(payload.as_bytes(), level).map_err(|_| too_large())?;
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
/// slot height. All-digit payloads of even length use the compact set C.
pub fn barcode(payload: &str, slot: &BarcodeSlot, layout: &str) -> Result<CodeDrawing, FitError> {
    if let Some(ch) = payload.chars().find(|c| !(' '..='~').contains(c)) {
        return Err(FitError::BarcodeCharacter { codepoint: u32::from(ch) });
    }
    let too_long = || FitError::BarcodeTooLong { layout: layout.to_string(), chars: payload.chars().count() };
    let all_digits = payload.bytes().all(|b| b.is_ascii_digit());
    let data =
        if all_digits && payload.len() % 2 == 0 { format!("\u{0106}{payload}") } else { format!("\u{0181}{payload}") };
    let bars = Code128::new(data).map_err(|_| too_long())?.encode();
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
