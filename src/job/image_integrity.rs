//! Container integrity of photos and signatures, checked before decoding. Decoders are lenient:
//! a JPEG cut in half decodes "successfully" with a grey band, and a PNG decoder stops after the
//! pixel data without looking for the end chunk. A card printed from such a file is a wasted
//! blangko, so the station walks the container itself:
//! - JPEG: every marker segment from SOI, through each scan's entropy-coded data, up to EOI
//!   (`FF D9`). Data ending before EOI is `image.truncated`; a byte where a marker must be is
//!   `image.corrupt`.
//! - PNG: every chunk from the signature to IEND, each with its CRC-32. A chunk cut short or no
//!   IEND is `image.truncated`; a CRC mismatch is `image.checksum`.
//!
//! Bytes after EOI / IEND are accepted: cameras and phones append data there (e.g. motion-photo
//! trailers), and no decoder reads it.

use super::error::Problem;
use super::image_check::Format;

/// Checks the container of an image whose format was sniffed as `format`.
pub fn check(bytes: &[u8], format: Format) -> Result<(), Problem> {
    match format {
        Format::Jpeg => check_jpeg(bytes),
        Format::Png => check_png(bytes),
    }
}

const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const SOI: u8 = 0xD8;

fn is_rst(marker: u8) -> bool {
    (0xD0..=0xD7).contains(&marker)
}

/// Walks a JPEG from SOI to EOI.
fn check_jpeg(bytes: &[u8]) -> Result<(), Problem> {
    if !bytes.starts_with(&[0xFF, SOI]) {
        return Err(Problem::ImageCorrupt);
    }
    let mut pos = 2;
    loop {
        // A marker is FF, optionally preceded by more FF fill bytes, then its code.
        if pos >= bytes.len() {
            return Err(Problem::ImageTruncated);
        }
        if bytes[pos] != 0xFF {
            return Err(Problem::ImageCorrupt);
        }
        while pos < bytes.len() && bytes[pos] == 0xFF {
            pos += 1;
        }
        let Some(&marker) = bytes.get(pos) else {
            return Err(Problem::ImageTruncated);
        };
        pos += 1;
        match marker {
            EOI => return Ok(()),
            SOI | 0x00 => return Err(Problem::ImageCorrupt),
            // Standalone markers: no length field.
            0x01 => continue,
            m if is_rst(m) => continue,
            _ => {}
        }
        let Some(len) = bytes.get(pos..pos + 2) else {
            return Err(Problem::ImageTruncated);
        };
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        if len < 2 {
            return Err(Problem::ImageCorrupt);
        }
        pos += len;
        if pos > bytes.len() {
            return Err(Problem::ImageTruncated);
        }
        if marker == SOS {
            pos = end_of_scan(bytes, pos)?;
        }
    }
}

/// Position of the first marker after entropy-coded data starting at `pos`: an FF that is not
/// a stuffed zero (`FF 00`) nor a restart marker (`FF D0`–`FF D7`).
fn end_of_scan(bytes: &[u8], mut pos: usize) -> Result<usize, Problem> {
    loop {
        let Some(offset) = bytes[pos..].iter().position(|&b| b == 0xFF) else {
            return Err(Problem::ImageTruncated);
        };
        let ff = pos + offset;
        match bytes.get(ff + 1) {
            None => return Err(Problem::ImageTruncated),
            Some(&0x00) => pos = ff + 2,
            Some(&m) if is_rst(m) => pos = ff + 2,
            // FF FF: fill before a marker; the marker loop skips it.
            Some(_) => return Ok(ff),
        }
    }
}

const PNG_SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// Walks a PNG from the signature to IEND, checking every chunk's CRC.
fn check_png(bytes: &[u8]) -> Result<(), Problem> {
    if !bytes.starts_with(PNG_SIGNATURE) {
        return Err(Problem::ImageCorrupt);
    }
    let mut pos = PNG_SIGNATURE.len();
    let mut first = true;
    loop {
        let Some(head) = bytes.get(pos..pos + 8) else {
            return Err(Problem::ImageTruncated);
        };
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        // The specification limits chunk lengths to 2^31 - 1.
        if len > 0x7FFF_FFFF {
            return Err(Problem::ImageCorrupt);
        }
        let kind = &head[4..8];
        if first && kind != b"IHDR" {
            return Err(Problem::ImageCorrupt);
        }
        first = false;
        let body_end = pos + 8 + len as usize;
        let Some(stored) = bytes.get(body_end..body_end + 4) else {
            return Err(Problem::ImageTruncated);
        };
        let stored = u32::from_be_bytes([stored[0], stored[1], stored[2], stored[3]]);
        if crc32fast::hash(&bytes[pos + 4..body_end]) != stored {
            return Err(Problem::ImageChecksum);
        }
        if kind == b"IEND" {
            return Ok(());
        }
        pos = body_end + 4;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/photos")
            .join(name);
        std::fs::read(path).unwrap()
    }

    #[test]
    fn shipped_samples_are_whole() {
        for name in [
            "kia-5-17.jpg",
            "ktp-el.jpg",
            "kia-5-17-wrong-background.jpg",
        ] {
            assert_eq!(check(&sample(name), Format::Jpeg), Ok(()), "{name}");
        }
        for name in ["signature-holder.png", "signature-head-of-office.png"] {
            assert_eq!(check(&sample(name), Format::Png), Ok(()), "{name}");
        }
    }

    #[test]
    fn jpeg_cut_anywhere_is_truncated() {
        let jpeg = sample("kia-5-17.jpg");
        for cut in [
            3,
            4,
            20,
            30,
            700,
            jpeg.len() / 2,
            jpeg.len() - 2,
            jpeg.len() - 1,
        ] {
            assert_eq!(
                check(&jpeg[..cut], Format::Jpeg),
                Err(Problem::ImageTruncated),
                "cut at {cut}"
            );
        }
        // Data after EOI is not read by anyone and is accepted.
        let mut trailer = jpeg.clone();
        trailer.extend_from_slice(b"MotionPhoto_Data");
        assert_eq!(check(&trailer, Format::Jpeg), Ok(()));
    }

    #[test]
    fn jpeg_scans_with_stuffing_restarts_and_several_scans() {
        // SOI, APP0 (4 bytes of payload), SOS, data with FF00 and RST, SOS, data, EOI.
        let mut j = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x06, b'J', b'F', b'I', b'F'];
        j.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x03, 0x01]);
        j.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD3, 0x56]);
        j.extend_from_slice(&[0xFF, 0xFF, 0xDA, 0x00, 0x02, 0x77, 0xFF, 0x00]);
        j.extend_from_slice(&[0xFF, 0xD9]);
        assert_eq!(check(&j, Format::Jpeg), Ok(()));
        // The same stream without its EOI: the last scan never ends.
        assert_eq!(
            check(&j[..j.len() - 2], Format::Jpeg),
            Err(Problem::ImageTruncated)
        );
        // An FF D9 inside an APP segment (e.g. an EXIF thumbnail) does not end the image.
        let mut thumb = vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x04, 0xFF, 0xD9];
        assert_eq!(check(&thumb, Format::Jpeg), Err(Problem::ImageTruncated));
        thumb.extend_from_slice(&[0xFF, 0xD9]);
        assert_eq!(check(&thumb, Format::Jpeg), Ok(()));
        // A byte where a marker must be.
        assert_eq!(
            check(&[0xFF, 0xD8, 0x12, 0xFF, 0xD9], Format::Jpeg),
            Err(Problem::ImageCorrupt)
        );
        // A segment length below 2.
        assert_eq!(
            check(
                &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01, 0xFF, 0xD9],
                Format::Jpeg
            ),
            Err(Problem::ImageCorrupt)
        );
    }

    #[test]
    fn png_crc_and_end_chunk() {
        let png = sample("signature-holder.png");
        // Flip one bit in the IHDR's data: its CRC no longer matches.
        let mut bad = png.clone();
        bad[8 + 8 + 3] ^= 0x01;
        assert_eq!(check(&bad, Format::Png), Err(Problem::ImageChecksum));
        // Flip a bit of the last chunk's stored CRC (IEND's).
        let mut bad = png.clone();
        let n = bad.len();
        bad[n - 1] ^= 0x80;
        assert_eq!(check(&bad, Format::Png), Err(Problem::ImageChecksum));
        // Without IEND (the last 12 bytes), and cut in the middle of a chunk.
        assert_eq!(
            check(&png[..png.len() - 12], Format::Png),
            Err(Problem::ImageTruncated)
        );
        assert_eq!(
            check(&png[..png.len() / 2], Format::Png),
            Err(Problem::ImageTruncated)
        );
        // The first chunk must be IHDR; a length over 2^31 - 1 is refused before anything.
        let mut no_ihdr = png.clone();
        no_ihdr[12..16].copy_from_slice(b"IHDX");
        assert_eq!(check(&no_ihdr, Format::Png), Err(Problem::ImageCorrupt));
        let mut huge = png.clone();
        huge[8..12].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
        assert_eq!(check(&huge, Format::Png), Err(Problem::ImageCorrupt));
    }
}
