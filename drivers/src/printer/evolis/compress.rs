//! The `Dbc` compressed panel format (guide A5013 Rev. E, section 4), both ways: the driver
//! encodes, the emulator decodes.
//!
//! A download covers whole lines from `first_line` on; the lines it does not cover keep what
//! the printer's bitmap held (the printer keeps its five bitmaps for reprints). The driver
//! clears the bitmaps with `Wcb` outside a sequence and sends only the lines that must change
//! (see [`super::bitmaps`]). A white line costs one byte in K / O and two in Y / M / C.
//!
//! - K and O (1 bit), per line: `0x00` white line; `0xFF` black line; `N` in 1..=81: N bytes
//!   of the line follow, the rest of the 81-byte line is white.
//! - Y, M, C (`b` = 5, 6 or 7 bits), per byte: MSB 0 = one dot whose value is the low bits.
//!   MSB 1 = a run: the low `b` bits are the value, the next byte is the counter, and each
//!   spare bit (bit 6 in 6-bit mode, bits 6 and 5 in 5-bit mode) that is set adds 256 to it:
//!   at most 255, 511 or 767 dots. A counter byte of 0 means a white line; the only use the
//!   guide gives it is `0x80 0x00` for a whole white line, so the encoder never writes a
//!   counter of 0 otherwise (a run of 256 or 512 is sent as 255 or 511 plus a dot) and the
//!   decoder refuses one anywhere else.

use crate::printer::panel::{bits_for_levels, Panel, PanelImage, DOTS, LINES};

/// Bytes per 1-bit line.
const LINE_BYTES: usize = DOTS / 8;

/// Why compressed panel data was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// Level count not valid for the panel.
    #[error("{levels} levels not valid for panel {panel:?}")]
    BadLevels {
        /// Panel.
        panel: Panel,
        /// Levels asked for.
        levels: u16,
    },
    /// `first_line` beyond the panel (the guide allows 0 to 1015).
    #[error("first line {0} beyond the panel")]
    BadFirstLine(usize),
    /// A 1-bit line header byte outside 0, 1..=81, 0xFF.
    #[error("line {line}: bad line header 0x{byte:02x}")]
    BadLineHeader {
        /// Line.
        line: usize,
        /// Byte.
        byte: u8,
    },
    /// A dot value beyond the level count.
    #[error("line {line}: value {value} out of range")]
    BadValue {
        /// Line.
        line: usize,
        /// Value.
        value: u8,
    },
    /// A run goes past the end of the line.
    #[error("line {line}: run of {count} overflows the line at dot {dot}")]
    RunOverflow {
        /// Line.
        line: usize,
        /// Dot where it starts.
        dot: usize,
        /// Run length.
        count: usize,
    },
    /// A counter byte of 0 other than the white line `0x80 0x00` at the start of a line.
    #[error("line {line}: counter 0 after run byte 0x{byte:02x} at dot {dot} (only the white line 0x80 0x00 may have it)")]
    ZeroCount {
        /// Line.
        line: usize,
        /// Dot where it stands.
        dot: usize,
        /// The run byte before the counter.
        byte: u8,
    },
    /// Data ends inside a line.
    #[error("data ends inside line {0}")]
    Truncated(usize),
    /// More lines than the panel holds.
    #[error("data goes past the last line")]
    TooManyLines,
}

/// Encodes a panel as `Dbc` data starting at line 0: every line of the panel, in order.
pub fn compress(img: &PanelImage) -> Vec<u8> {
    compress_lines(img, 0..LINES)
}

/// Encodes lines `lines` of a panel as `Dbc` data (`first_line` = `lines.start`); a range
/// beyond the panel is cut at its last line.
pub fn compress_lines(img: &PanelImage, lines: std::ops::Range<usize>) -> Vec<u8> {
    let bits = bits_for_levels(img.levels).unwrap_or(1);
    let lines = lines.start.min(LINES)..lines.end.min(LINES);
    let mut out = Vec::with_capacity(lines.len() * 2);
    let values = &img.values[lines.start * DOTS..lines.end * DOTS];
    for dots in values.chunks_exact(DOTS) {
        if bits == 1 {
            compress_mono_line(dots, &mut out);
        } else {
            compress_colour_line(dots, bits, &mut out);
        }
    }
    out
}

fn compress_mono_line(dots: &[u8], out: &mut Vec<u8>) {
    let mut bytes = [0u8; LINE_BYTES];
    for (byte, chunk) in bytes.iter_mut().zip(dots.chunks_exact(8)) {
        *byte = pack8(chunk);
    }
    if bytes.iter().all(|&b| b == 0xFF) {
        out.push(0xFF);
        return;
    }
    let useful = bytes.iter().rposition(|&b| b != 0).map_or(0, |p| p + 1);
    out.push(useful as u8);
    out.extend_from_slice(&bytes[..useful]);
}

/// Eight 1-bit dots (low bit of each value) into one byte, first dot in the MSB. One multiply:
/// dot `i`, at bit `8i` of the little-endian word, is shifted by `63 − 9i` to bit `63 − i`; no
/// two (dot, shift) pairs meet on the same bit, so nothing carries into the top byte.
fn pack8(dots: &[u8]) -> u8 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&dots[..8]);
    let bits = u64::from_le_bytes(word) & 0x0101_0101_0101_0101;
    (bits.wrapping_mul(0x8040_2010_0804_0201) >> 56) as u8
}

/// Longest run one run code can carry at `bits` bits per dot (8 counter bits plus 256 per
/// spare bit).
pub fn max_run(bits: u32) -> usize {
    255 + 256 * (7 - bits as usize)
}

/// The first byte of a run code: MSB, one spare bit per 256 in `count`, the value.
fn run_head(count: usize, bits: u32, value: u8) -> u8 {
    let spare = match count >> 8 {
        0 => 0,
        1 => 0x40,
        _ => 0x60,
    };
    debug_assert!(count >> 8 <= 7 - bits as usize);
    0x80 | spare | value
}

fn compress_colour_line(dots: &[u8], bits: u32, out: &mut Vec<u8>) {
    if used_len(dots) == 0 {
        out.extend_from_slice(&[0x80, 0x00]);
        return;
    }
    let max = max_run(bits);
    let mut i = 0;
    while i < dots.len() {
        let v = dots[i];
        let run = dots[i..].iter().take(max).take_while(|&&d| d == v).count();
        if run >= 3 {
            // A counter byte of 0 would read as a white line: 256 and 512 go as 255 / 511 + 1.
            let count = if run % 256 == 0 { run - 1 } else { run };
            out.push(run_head(count, bits, v));
            out.push(count as u8);
            i += count;
        } else {
            out.push(v);
            i += 1;
        }
    }
}

/// Length of `values` without its trailing zeros (0 when all are zero); looks at eight values
/// at a time, since most of a card's panel lines are blank or end blank.
fn used_len(values: &[u8]) -> usize {
    let chunks = values.chunks_exact(8);
    let tail = chunks.remainder();
    if let Some(p) = tail.iter().rposition(|&v| v != 0) {
        return values.len() - tail.len() + p + 1;
    }
    for (i, chunk) in chunks.enumerate().rev() {
        if chunk.iter().fold(0, |acc, &v| acc | v) != 0 {
            let p = chunk.iter().rposition(|&v| v != 0).unwrap_or(0);
            return i * 8 + p + 1;
        }
    }
    0
}

/// Decodes `Dbc` data into a blank panel, strictly (see [`decompress_into`]).
pub fn decompress(
    panel: Panel,
    levels: u16,
    first_line: usize,
    data: &[u8],
) -> Result<PanelImage, DecodeError> {
    let mut img = PanelImage::blank(panel, levels);
    decompress_into(&mut img, levels, first_line, data)?;
    Ok(img)
}

/// Decodes `Dbc` data over a bitmap the printer already holds, as a printer would: the lines
/// the data covers (from `first_line` on) are rewritten, the others keep what they held.
/// Strict to the guide: every line complete, every value in range, runs within their line, a
/// counter of 0 only as the white line `0x80 0x00`. Returns the lines written. On error the
/// bitmap may be partly rewritten.
pub fn decompress_into(
    img: &mut PanelImage,
    levels: u16,
    first_line: usize,
    data: &[u8],
) -> Result<std::ops::Range<usize>, DecodeError> {
    let panel = img.panel;
    let bits = match bits_for_levels(levels) {
        Some(1) if !panel.is_colour() => 1,
        Some(b) if b > 1 && panel.is_colour() => b,
        _ => return Err(DecodeError::BadLevels { panel, levels }),
    };
    if first_line >= LINES {
        return Err(DecodeError::BadFirstLine(first_line));
    }
    img.levels = levels;
    let mut pos = 0;
    let mut line = first_line;
    while pos < data.len() {
        if line >= LINES {
            return Err(DecodeError::TooManyLines);
        }
        let dots = &mut img.values[line * DOTS..(line + 1) * DOTS];
        pos = if bits == 1 {
            decode_mono_line(data, pos, line, dots)?
        } else {
            decode_colour_line(data, pos, line, bits, levels, dots)?
        };
        line += 1;
    }
    Ok(first_line..line)
}

fn decode_mono_line(
    data: &[u8],
    pos: usize,
    line: usize,
    dots: &mut [u8],
) -> Result<usize, DecodeError> {
    let head = data[pos];
    match head {
        0x00 => {
            dots.fill(0);
            Ok(pos + 1)
        }
        0xFF => {
            dots.fill(1);
            Ok(pos + 1)
        }
        n if usize::from(n) <= LINE_BYTES => {
            let n = usize::from(n);
            let bytes = data
                .get(pos + 1..pos + 1 + n)
                .ok_or(DecodeError::Truncated(line))?;
            dots.fill(0);
            for (i, &b) in bytes.iter().enumerate() {
                for bit in 0..8 {
                    dots[i * 8 + bit] = (b >> (7 - bit)) & 1;
                }
            }
            Ok(pos + 1 + n)
        }
        byte => Err(DecodeError::BadLineHeader { line, byte }),
    }
}

fn decode_colour_line(
    data: &[u8],
    mut pos: usize,
    line: usize,
    bits: u32,
    levels: u16,
    dots: &mut [u8],
) -> Result<usize, DecodeError> {
    let value_mask = (1u8 << bits) - 1;
    let spare_mask = 0x7F & !value_mask;
    let mut dot = 0;
    while dot < DOTS {
        let b = *data.get(pos).ok_or(DecodeError::Truncated(line))?;
        pos += 1;
        if b & 0x80 == 0 {
            if u16::from(b) >= levels {
                return Err(DecodeError::BadValue { line, value: b });
            }
            dots[dot] = b;
            dot += 1;
            continue;
        }
        let counter = *data.get(pos).ok_or(DecodeError::Truncated(line))?;
        pos += 1;
        if counter == 0 {
            if dot == 0 && b == 0x80 {
                dots.fill(0);
                return Ok(pos); // the white line
            }
            return Err(DecodeError::ZeroCount { line, dot, byte: b });
        }
        // Each spare bit set adds 256 (additive, not a binary extension).
        let count = usize::from(counter) + 256 * (b & spare_mask).count_ones() as usize;
        if dot + count > DOTS {
            return Err(DecodeError::RunOverflow { line, dot, count });
        }
        dots[dot..dot + count].fill(b & value_mask);
        dot += count;
    }
    Ok(pos)
}

#[cfg(test)]
#[path = "compress_tests.rs"]
mod tests;
