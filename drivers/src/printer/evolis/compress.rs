//! The `Dbc` compressed panel format, both ways (the driver encodes, the emulator decodes).
//!
//! A compressed download covers lines `first_line..` up to where its data ends; lines before
//! `first_line` and after the last encoded line are blank (so leading and trailing white
//! lines cost nothing).
//!
//! - K and O (1 bit), per line: `0x00` white line; `0xFF` black line; `N` in 1..=81: N bytes
//!   of the line follow, the rest of the 81-byte line is white.
//! - Y, M, C (`b` = 5, 6 or 7 bits), per byte: MSB 0 = one dot whose value is the low `b`
//!   bits (higher bits must be 0). MSB 1 = a run: the low `b` bits are the value, the spare bits
//!   between bit `b` and bit 6 are a count extension (×256), the next byte is the count's low
//!   eight bits. A run whose total count is 0 blanks the rest of the line.

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
    /// `first_line` beyond the panel.
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
    /// Data ends inside a line.
    #[error("data ends inside line {0}")]
    Truncated(usize),
    /// More lines than the panel holds.
    #[error("data goes past the last line")]
    TooManyLines,
}

/// Encodes a panel; returns `(first_line, data)`. Blank leading and trailing lines are left out.
pub fn compress(img: &PanelImage) -> (usize, Vec<u8>) {
    let line_blank = |l: usize| used_len(&img.values[l * DOTS..(l + 1) * DOTS]) == 0;
    let first = (0..LINES).find(|&l| !line_blank(l)).unwrap_or(LINES);
    let last = (0..LINES)
        .rev()
        .find(|&l| !line_blank(l))
        .map_or(first, |l| l + 1);
    let mut out = Vec::new();
    let bits = bits_for_levels(img.levels).unwrap_or(1);
    for line in first..last {
        let dots = &img.values[line * DOTS..(line + 1) * DOTS];
        if bits == 1 {
            compress_mono_line(dots, &mut out);
        } else {
            compress_colour_line(dots, bits, &mut out);
        }
    }
    (first.min(LINES), out)
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

fn compress_colour_line(dots: &[u8], bits: u32, out: &mut Vec<u8>) {
    let max_run = (1usize << (7 - bits + 8)) - 1; // 8 count bits + spare extension bits
                                                  // Everything from `end` on is blank.
    let end = used_len(dots);
    let mut i = 0;
    while i < dots.len() {
        if i >= end {
            out.extend_from_slice(&[0x80, 0x00]);
            return;
        }
        let v = dots[i];
        let run = dots[i..]
            .iter()
            .take(max_run)
            .take_while(|&&d| d == v)
            .count();
        if run >= 3 {
            let ext = (run >> 8) as u8;
            out.push(0x80 | (ext << bits) | v);
            out.push(run as u8);
            i += run;
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

/// Decodes `Dbc` data into a full panel, strictly: every line must be complete and every
/// value in range.
pub fn decompress(
    panel: Panel,
    levels: u16,
    first_line: usize,
    data: &[u8],
) -> Result<PanelImage, DecodeError> {
    let bits = match bits_for_levels(levels) {
        Some(1) if !panel.is_colour() => 1,
        Some(b) if b > 1 && panel.is_colour() => b,
        _ => return Err(DecodeError::BadLevels { panel, levels }),
    };
    if first_line > LINES {
        return Err(DecodeError::BadFirstLine(first_line));
    }
    let mut img = PanelImage::blank(panel, levels);
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
    Ok(img)
}

fn decode_mono_line(
    data: &[u8],
    pos: usize,
    line: usize,
    dots: &mut [u8],
) -> Result<usize, DecodeError> {
    let head = data[pos];
    match head {
        0x00 => Ok(pos + 1),
        0xFF => {
            dots.fill(1);
            Ok(pos + 1)
        }
        n if usize::from(n) <= LINE_BYTES => {
            let n = usize::from(n);
            let bytes = data
                .get(pos + 1..pos + 1 + n)
                .ok_or(DecodeError::Truncated(line))?;
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
        } else {
            let value = b & value_mask;
            let ext = usize::from((b & 0x7F) >> bits);
            let low = usize::from(*data.get(pos).ok_or(DecodeError::Truncated(line))?);
            pos += 1;
            let count = (ext << 8) | low;
            if count == 0 {
                return Ok(pos); // rest of the line blank (already zero)
            }
            if dot + count > DOTS {
                return Err(DecodeError::RunOverflow { line, dot, count });
            }
            dots[dot..dot + count].fill(value);
            dot += count;
        }
    }
    Ok(pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(panel: Panel, levels: u16) -> PanelImage {
        let mut img = PanelImage::blank(panel, levels);
        let max = (levels - 1) as usize;
        for line in 100..900 {
            for dot in 0..DOTS {
                let v = match line % 4 {
                    0 => (dot * 13 + line) % (max + 1),       // noisy
                    1 => max,                                 // full line
                    2 if dot < 300 => (line / 7) % (max + 1), // run then blank
                    _ => 0,
                };
                img.values[line * DOTS + dot] = v as u8;
            }
        }
        img
    }

    #[test]
    fn round_trip_every_depth() {
        for (panel, levels) in [
            (Panel::Black, 2),
            (Panel::Overlay, 2),
            (Panel::Yellow, 32),
            (Panel::Magenta, 64),
            (Panel::Cyan, 128),
        ] {
            let img = sample(panel, levels);
            let (first, data) = compress(&img);
            assert_eq!(first, 100);
            let back = decompress(panel, levels, first, &data).unwrap();
            assert_eq!(back, img, "{panel:?} {levels}");
        }
    }

    #[test]
    fn pack8_is_the_msb_first_fold() {
        for n in 0..=255u8 {
            for high in [0u8, 2, 0xFE] {
                let dots: Vec<u8> = (0..8).map(|i| ((n >> (7 - i)) & 1) | high).collect();
                let fold = dots.iter().fold(0u8, |acc, &d| (acc << 1) | (d & 1));
                assert_eq!(pack8(&dots), fold, "{n:08b} {high}");
                assert_eq!(fold, n);
            }
        }
    }

    #[test]
    fn used_len_is_the_length_without_trailing_zeros() {
        for len in [0usize, 1, 7, 8, 9, 648, 651] {
            for last in 0..len.min(40) {
                for at in [last, len - 1 - last] {
                    let mut v = vec![0u8; len];
                    v[at] = 1 + (at % 200) as u8;
                    if at > 3 {
                        v[at - 3] = 9;
                    }
                    let want = v.iter().rposition(|&b| b != 0).map_or(0, |p| p + 1);
                    assert_eq!(used_len(&v), want, "len {len} at {at}");
                }
            }
            assert_eq!(used_len(&vec![0u8; len]), 0);
        }
    }

    #[test]
    fn blank_panel_is_empty_data() {
        let (first, data) = compress(&PanelImage::blank(Panel::Black, 2));
        assert!(data.is_empty());
        assert_eq!(
            decompress(Panel::Black, 2, first, &data).unwrap(),
            PanelImage::blank(Panel::Black, 2)
        );
    }

    #[test]
    fn known_bytes() {
        // K: line 0 white, line 1 black, line 2 one byte 0x80.
        let img = decompress(Panel::Black, 2, 0, &[0x00, 0xFF, 0x01, 0x80]).unwrap();
        assert_eq!(img.at(0, 0), 0);
        assert!((0..DOTS).all(|d| img.at(1, d) == 1));
        assert_eq!((img.at(2, 0), img.at(2, 1)), (1, 0));
        // Y 32 levels: single dot 5, run of 300 × 7 (ext 1 in bits 5-6), then rest blank.
        let img = decompress(
            Panel::Yellow,
            32,
            3,
            &[0x05, 0x80 | (1 << 5) | 7, 44, 0x80, 0x00],
        )
        .unwrap();
        assert_eq!(img.at(3, 0), 5);
        assert_eq!(img.at(3, 300), 7);
        assert_eq!(img.at(3, 301), 0);
        let (first, data) = compress(&img);
        assert_eq!(
            (first, data.as_slice()),
            (3, &[0x05, 0x80 | (1 << 5) | 7, 44, 0x80, 0x00][..])
        );
    }

    #[test]
    fn refuses_malformed() {
        use DecodeError::*;
        assert!(matches!(
            decompress(Panel::Black, 2, 0, &[82]),
            Err(BadLineHeader { .. })
        ));
        assert!(matches!(
            decompress(Panel::Black, 2, 0, &[5, 1, 2]),
            Err(Truncated(0))
        ));
        assert!(matches!(
            decompress(Panel::Black, 32, 0, &[]),
            Err(BadLevels { .. })
        ));
        assert!(matches!(
            decompress(Panel::Cyan, 2, 0, &[]),
            Err(BadLevels { .. })
        ));
        assert!(matches!(
            decompress(Panel::Cyan, 32, 0, &[0x20]),
            Err(BadValue { .. })
        ));
        assert!(matches!(
            decompress(Panel::Cyan, 128, 0, &[0xFF, 255, 0xFF, 255, 0xFF, 255]),
            Err(RunOverflow { .. })
        ));
        assert!(matches!(
            decompress(Panel::Cyan, 32, 0, &[0x01]),
            Err(Truncated(0))
        ));
        assert!(matches!(
            decompress(Panel::Black, 2, 1016, &[0]),
            Err(TooManyLines)
        ));
        assert!(matches!(
            decompress(Panel::Black, 2, 2000, &[]),
            Err(BadFirstLine(2000))
        ));
    }
}
