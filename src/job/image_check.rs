//! Loading photos and signatures safely: byte limit before reading, container integrity (end
//! marker, PNG CRCs), pixel limit from the header before decoding (no decompression bombs),
//! decoder allocation limit, then the background rule.

use std::io::{Cursor, Read};
use std::path::Path;

use base64::Engine;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};

use super::error::{Backdrop, Problem, ReadFailure};
use super::ValidationPolicy;

/// Reads the bytes of an image source, enforcing the byte limit. A path resolves against
/// `base_dir`; without one (a self-contained document) an image given by path is not found.
pub fn load_bytes(
    source: &super::document::ImageSource,
    base_dir: Option<&Path>,
    limit: u64,
) -> Result<Vec<u8>, Problem> {
    use super::document::ImageSource;
    match source {
        ImageSource::Base64(b64) => {
            // Refuse before decoding: 4 base64 chars carry 3 bytes.
            let approx = (b64.len() as u64 / 4) * 3;
            if approx > limit.saturating_add(3) {
                return Err(Problem::ImageTooLarge { limit });
            }
            let cleaned = b64.trim_end_matches('=');
            let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(cleaned)
                .map_err(|_| Problem::ImageBase64)?;
            if bytes.len() as u64 > limit {
                return Err(Problem::ImageTooLarge { limit });
            }
            Ok(bytes)
        }
        ImageSource::Path(p) => {
            let Some(base_dir) = base_dir.filter(|_| !p.is_empty() && !p.contains('\0')) else {
                return Err(Problem::ImageNotFound);
            };
            let path = base_dir.join(p);
            // Stat before opening: opening a FIFO or a device could block or never end.
            let io_err = |e: std::io::Error| match e.kind() {
                std::io::ErrorKind::NotFound => Problem::ImageNotFound,
                _ => Problem::ImageRead {
                    reason: ReadFailure::Io(e.kind()),
                },
            };
            let meta = std::fs::metadata(&path).map_err(io_err)?;
            if !meta.is_file() {
                return Err(Problem::ImageRead {
                    reason: ReadFailure::NotARegularFile,
                });
            }
            if meta.len() > limit {
                return Err(Problem::ImageTooLarge { limit });
            }
            let file = std::fs::File::open(&path).map_err(io_err)?;
            // The path may have been swapped since the stat: check the opened file again.
            let meta = file.metadata().map_err(io_err)?;
            if !meta.is_file() {
                return Err(Problem::ImageRead {
                    reason: ReadFailure::NotARegularFile,
                });
            }
            // The file may grow between stat and read: never read past the limit.
            let mut bytes = Vec::with_capacity(meta.len() as usize);
            file.take(limit.saturating_add(1))
                .read_to_end(&mut bytes)
                .map_err(|e| Problem::ImageRead {
                    reason: ReadFailure::Io(e.kind()),
                })?;
            if bytes.len() as u64 > limit {
                return Err(Problem::ImageTooLarge { limit });
            }
            Ok(bytes)
        }
    }
}

/// Detected container format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
}

/// Sniffs JPEG or PNG from the magic bytes; anything else is refused.
pub fn sniff(bytes: &[u8]) -> Result<Format, Problem> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(Format::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok(Format::Png)
    } else {
        Err(Problem::ImageFormat)
    }
}

/// Checks the container (end marker, PNG CRCs: see `image_integrity`), then decodes with the
/// pixel limit checked from the header first.
pub fn decode(bytes: &[u8], policy: &ValidationPolicy) -> Result<(Format, DynamicImage), Problem> {
    let format = sniff(bytes)?;
    super::image_integrity::check(bytes, format)?;
    let image_format = match format {
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Png => ImageFormat::Png,
    };
    let reader = |limits: Limits| {
        let mut r = ImageReader::with_format(Cursor::new(bytes), image_format);
        r.limits(limits);
        r
    };
    let mut limits = Limits::default();
    limits.max_image_width = Some(policy.max_image_side);
    limits.max_image_height = Some(policy.max_image_side);
    // RGBA16 is the widest buffer a PNG can ask for; the decoder refuses to allocate beyond.
    limits.max_alloc = Some(
        policy
            .max_image_pixels
            .saturating_mul(8)
            .saturating_add(1 << 20),
    );

    let (width, height) = match reader(Limits::no_limits()).into_dimensions() {
        Ok(d) => d,
        Err(_) => return Err(Problem::ImageCorrupt),
    };
    let pixels = u64::from(width) * u64::from(height);
    if pixels > policy.max_image_pixels
        || width > policy.max_image_side
        || height > policy.max_image_side
    {
        return Err(Problem::ImageTooManyPixels {
            width,
            height,
            limit: policy.max_image_pixels,
        });
    }
    if pixels == 0 {
        return Err(Problem::ImageCorrupt);
    }
    match reader(limits).decode() {
        Ok(img) => Ok((format, img)),
        Err(image::ImageError::Limits(_)) => Err(Problem::ImageTooManyPixels {
            width,
            height,
            limit: policy.max_image_pixels,
        }),
        Err(_) => Err(Problem::ImageCorrupt),
    }
}

/// The background required for a birth year: red for odd, blue for even (seeds 000, 004).
pub fn expected_backdrop(birth_year: i32) -> Backdrop {
    if birth_year.rem_euclid(2) == 1 {
        Backdrop::Red
    } else {
        Backdrop::Blue
    }
}

fn classify_pixel(r: u8, g: u8, b: u8) -> Backdrop {
    let (r, g, b) = (i32::from(r), i32::from(g), i32::from(b));
    if r >= 120 && r - g >= 60 && r - b >= 60 {
        Backdrop::Red
    } else if b >= 110 && b - r >= 50 && b - g >= 20 {
        Backdrop::Blue
    } else {
        Backdrop::Unclear
    }
}

/// What colour the photo's border (the outer 5 %, at least one pixel) mostly is. A colour wins
/// when at least half of the sampled border pixels have it.
pub fn backdrop(img: &DynamicImage) -> Backdrop {
    let rgb = img.to_rgb8();
    let (w, h) = rgb.dimensions();
    if w == 0 || h == 0 {
        return Backdrop::Unclear;
    }
    let band = (w.min(h) / 20).max(1);
    // Sample about 4000 border pixels whatever the size.
    let perimeter = 2 * u64::from(w + h) * u64::from(band);
    let step = (perimeter / 4000).max(1) as usize;
    let (mut red, mut blue, mut total) = (0u32, 0u32, 0u32);
    let mut visit = |x: u32, y: u32| {
        let p = rgb.get_pixel(x, y).0;
        total += 1;
        match classify_pixel(p[0], p[1], p[2]) {
            Backdrop::Red => red += 1,
            Backdrop::Blue => blue += 1,
            Backdrop::Unclear => {}
        }
    };
    for y in 0..band.min(h) {
        for x in (0..w).step_by(step) {
            visit(x, y);
            visit(x, h - 1 - y);
        }
    }
    for x in 0..band.min(w) {
        for y in (band..h.saturating_sub(band)).step_by(step) {
            visit(x, y);
            visit(w - 1 - x, y);
        }
    }
    if total > 0 && red * 2 >= total {
        Backdrop::Red
    } else if total > 0 && blue * 2 >= total {
        Backdrop::Blue
    } else {
        Backdrop::Unclear
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn framed(bg: [u8; 3]) -> DynamicImage {
        let mut img = RgbImage::from_pixel(60, 80, Rgb(bg));
        for y in 20..70 {
            for x in 15..45 {
                img.put_pixel(x, y, Rgb([230, 190, 160]));
            }
        }
        DynamicImage::ImageRgb8(img)
    }

    #[test]
    fn parity_rule() {
        assert_eq!(expected_backdrop(2015), Backdrop::Red);
        assert_eq!(expected_backdrop(2016), Backdrop::Blue);
        assert_eq!(expected_backdrop(2000), Backdrop::Blue);
    }

    #[test]
    fn reads_the_border() {
        assert_eq!(backdrop(&framed([200, 30, 40])), Backdrop::Red);
        assert_eq!(backdrop(&framed([40, 100, 200])), Backdrop::Blue);
        assert_eq!(backdrop(&framed([0, 112, 192])), Backdrop::Blue);
        assert_eq!(backdrop(&framed([250, 250, 250])), Backdrop::Unclear);
        assert_eq!(backdrop(&framed([128, 128, 128])), Backdrop::Unclear);
        let one = DynamicImage::ImageRgb8(RgbImage::from_pixel(1, 1, Rgb([200, 20, 20])));
        assert_eq!(backdrop(&one), Backdrop::Red);
    }

    #[test]
    fn sniffs_only_jpeg_and_png() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Ok(Format::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Ok(Format::Png));
        assert_eq!(sniff(b"GIF89a"), Err(Problem::ImageFormat));
        assert_eq!(sniff(b""), Err(Problem::ImageFormat));
    }
}

#[cfg(test)]
mod source_tests {
    use super::*;
    use crate::job::ImageSource;

    #[test]
    fn special_files_are_refused_without_opening() {
        let dir = std::env::temp_dir().join(format!("cetak-job-img-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("photo.jpg");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.map(|s| s.success()).unwrap_or(false) {
            // Opening this FIFO for reading would block forever.
            let r = load_bytes(&ImageSource::Path("photo.jpg".into()), Some(&dir), 1 << 20);
            assert!(matches!(r, Err(Problem::ImageRead { .. })), "{r:?}");
        }
        for special in ["/dev/zero", "/dev/null", "/"] {
            let r = load_bytes(&ImageSource::Path(special.into()), Some(&dir), 1 << 20);
            assert!(
                matches!(r, Err(Problem::ImageRead { .. })),
                "{special}: {r:?}"
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
