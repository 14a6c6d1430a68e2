//! The photo, the holder's signature and the photo's backdrop colour.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use image::DynamicImage;

use super::Collector;
use crate::card::CardDesign;
use crate::job::document::{ImageSource, JobDocument};
use crate::job::error::Problem;
use crate::job::image_check::{self, Format};
use crate::job::{BackgroundPolicy, ValidationPolicy};

/// An image with the bytes it was decoded from.
pub(super) type Image = (Vec<u8>, DynamicImage);

/// The photo (required with the 5–17 and KTP-el designs; a photo for an under-5 is ignored with
/// a warning: the design has no slot for it) and the holder's signature (KTP-el only).
pub(super) fn check_images(
    c: &mut Collector,
    doc: &JobDocument,
    policy: &ValidationPolicy,
    base_dir: Option<&Path>,
    design: Option<CardDesign>,
    is_kia: bool,
) -> (Option<Image>, Option<Image>) {
    let photo = match (&doc.photo, design.map(CardDesign::citizen)) {
        (Some(_), Some(CardDesign::Kia0To5)) => {
            c.warn("photo", Problem::Ignored);
            None
        }
        (Some(src), _) => {
            let img = load_image(c, "photo", src, policy, base_dir, policy.photo_jpeg_only);
            if let Some((_, img)) = &img {
                check_backdrop(c, img, doc.person.date_of_birth, policy.photo_background);
            }
            img
        }
        (None, Some(CardDesign::Kia5To17 | CardDesign::KtpEl)) => {
            c.err("photo", Problem::Missing);
            None
        }
        (None, _) => None,
    };
    let holder_signature = match (&doc.signature, is_kia) {
        (Some(_), true) => {
            c.warn("signature", Problem::Ignored);
            None
        }
        (Some(src), false) => load_image(c, "signature", src, policy, base_dir, false),
        (None, false) => {
            c.err("signature", Problem::Missing);
            None
        }
        (None, true) => None,
    };
    (photo, holder_signature)
}

pub(super) fn load_image(
    c: &mut Collector,
    field: &str,
    src: &ImageSource,
    policy: &ValidationPolicy,
    base_dir: Option<&Path>,
    jpeg_only: bool,
) -> Option<(Vec<u8>, DynamicImage)> {
    let bytes = c.ok(
        field,
        image_check::load_bytes(src, base_dir, policy.max_image_bytes),
    )?;
    let (format, img) = c.ok(field, image_check::decode(&bytes, policy))?;
    if jpeg_only && format != Format::Jpeg {
        c.err(field, Problem::ImageJpegRequired);
        return None;
    }
    Some((bytes, img))
}

fn check_backdrop(c: &mut Collector, img: &DynamicImage, birth: NaiveDate, rule: BackgroundPolicy) {
    if rule == BackgroundPolicy::Off {
        return;
    }
    let expected = image_check::expected_backdrop(birth.year());
    let found = image_check::backdrop(img);
    if found != expected {
        let p = Problem::PhotoBackground { expected, found };
        match rule {
            BackgroundPolicy::Reject => c.err("photo", p),
            _ => c.warn("photo", p),
        }
    }
}
