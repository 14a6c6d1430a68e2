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
            let data = compress(&img);
            let back = decompress(panel, levels, 0, &data).unwrap();
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
    fn every_line_is_sent_a_white_line_costs_one_or_two_bytes() {
        let data = compress(&PanelImage::blank(Panel::Black, 2));
        assert_eq!(data, vec![0u8; LINES]);
        let data = compress(&PanelImage::blank(Panel::Cyan, 32));
        assert_eq!(data, [0x80, 0x00].repeat(LINES));
        assert_eq!(
            decompress(Panel::Cyan, 32, 0, &data).unwrap(),
            PanelImage::blank(Panel::Cyan, 32)
        );
    }

    #[test]
    fn spare_bits_add_256_each() {
        // 5 bits: one spare bit (either) = +256, both = +512; the largest run is 767.
        for (head, count) in [
            (0x80 | 0x40 | 7, 44 + 256),
            (0x80 | 0x20 | 7, 44 + 256),
            (0x80 | 0x60 | 7, 44 + 512),
        ] {
            let mut data = vec![head, 44];
            let rest = DOTS - count; // 348 or 92 blank dots
            let spare = if rest > 255 { 0x40 } else { 0 };
            data.extend_from_slice(&[0x80 | spare, (rest % 256) as u8]);
            let img = decompress(Panel::Yellow, 32, 0, &data).unwrap();
            assert_eq!(img.at(0, count - 1), 7, "{head:02x}");
            assert_eq!(img.at(0, count), 0, "{head:02x}");
        }
        // 6 bits: bit 6 is the only spare bit; bit 5 belongs to the value.
        let img = decompress(
            Panel::Magenta,
            64,
            0,
            &[0x80 | 0x40 | 0x21, 100, 0x80 | 0x40, 36],
        )
        .unwrap();
        assert_eq!(
            (img.at(0, 0), img.at(0, 355), img.at(0, 356)),
            (0x21, 0x21, 0)
        );
        assert_eq!(max_run(5), 767);
        assert_eq!(max_run(6), 511);
        assert_eq!(max_run(7), 255);
    }

    #[test]
    fn runs_never_carry_a_zero_counter() {
        for (levels, bits) in [(32u16, 5u32), (64, 6), (128, 7)] {
            for len in [3usize, 255, 256, 257, 511, 512, 513, 647, 648] {
                let mut img = PanelImage::blank(Panel::Cyan, levels);
                img.values[5 * DOTS..5 * DOTS + len].fill(1);
                let data = compress(&img);
                let back = decompress(Panel::Cyan, levels, 0, &data).unwrap();
                assert_eq!(back, img, "{levels} levels, run {len}");
                // Line 5 alone: its codes never hold a counter of 0.
                let line: Vec<u8> = data[10..].to_vec();
                let mut i = 0;
                let mut dots = 0;
                while dots < DOTS {
                    if line[i] & 0x80 != 0 {
                        assert_ne!(line[i + 1], 0, "{levels} levels, run {len}");
                        let spare = (line[i] & 0x7F) >> bits;
                        dots += usize::from(line[i + 1]) + 256 * spare.count_ones() as usize;
                        i += 2;
                    } else {
                        dots += 1;
                        i += 1;
                    }
                }
                assert_eq!(dots, DOTS);
            }
        }
    }

    #[test]
    fn lines_outside_a_download_keep_the_bitmap() {
        let mut img = sample(Panel::Black, 2);
        let before = img.clone();
        let range = decompress_into(&mut img, 2, 10, &[0x00, 0xFF]).unwrap();
        assert_eq!(range, 10..12);
        assert!((0..DOTS).all(|d| img.at(10, d) == 0 && img.at(11, d) == 1));
        assert_eq!(img.values[..10 * DOTS], before.values[..10 * DOTS]);
        assert_eq!(img.values[12 * DOTS..], before.values[12 * DOTS..]);
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
            decompress(Panel::Black, 2, 1015, &[0, 0]),
            Err(TooManyLines)
        ));
        assert!(matches!(
            decompress(Panel::Black, 2, 1016, &[]),
            Err(BadFirstLine(1016))
        ));
        // A counter of 0 after dots, with spare bits (a run of 256), or with a value.
        for data in [&[0x01, 0x80, 0x00][..], &[0xC0, 0x00], &[0x85, 0x00]] {
            assert!(
                matches!(
                    decompress(Panel::Yellow, 32, 0, data),
                    Err(ZeroCount { .. })
                ),
                "{data:02x?}"
            );
        }
        assert!(matches!(
            decompress(Panel::Black, 2, 2000, &[]),
            Err(BadFirstLine(2000))
        ));
    }
}
