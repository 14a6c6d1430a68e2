//! Shared by the `render_*` tests: the shipped layouts, and synthetic cards (invented people,
//! NIKs consistent with their birth dates and sex).
#![allow(dead_code)] // each test file uses a different part

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use cetak::card::{field, CardContent, CardDesign};
use cetak::layout::Layouts;
use image::{DynamicImage, Rgb, RgbImage};

pub fn layouts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("layouts")
}

/// Loaded once per test binary; `Layouts` is shared read-only, like in the daemon.
pub fn layouts() -> &'static Layouts {
    static L: OnceLock<Layouts> = OnceLock::new();
    L.get_or_init(|| Layouts::load(&layouts_dir()).expect("shipped layouts load"))
}

fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A drawn passport-style photo: red background (odd birth year), a face and shoulders.
pub fn photo() -> DynamicImage {
    let (w, h) = (360u32, 480u32);
    let img = RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32 - 180.0, y as f32 - 190.0);
        let face = (fx / 85.0).powi(2) + (fy / 110.0).powi(2) <= 1.0;
        let shoulders = y > 330 && (x as f32 - 180.0).abs() < 40.0 + (y as f32 - 330.0) * 1.2;
        if face {
            Rgb([224, 172, 140])
        } else if shoulders {
            Rgb([30, 40, 90])
        } else {
            Rgb([200, 20, 30])
        }
    });
    DynamicImage::ImageRgb8(img)
}

/// A drawn signature: dark strokes on white paper.
pub fn signature() -> DynamicImage {
    let (w, h) = (400u32, 160u32);
    let img = RgbImage::from_fn(w, h, |x, y| {
        let (xf, yf) = (x as f32, y as f32);
        let wave = 80.0 + 40.0 * (xf / 35.0).sin();
        let on_wave = (yf - wave).abs() < 6.0 && (30.0..370.0).contains(&xf);
        let on_bar = (yf - 130.0).abs() < 4.0 && (60.0..300.0).contains(&xf);
        if on_wave || on_bar {
            Rgb([20, 20, 60])
        } else {
            Rgb([250, 250, 245])
        }
    });
    DynamicImage::ImageRgb8(img)
}

pub fn kia_0_5() -> CardContent {
    CardContent {
        design: CardDesign::Kia0To5,
        fields: fields(&[
            (field::PROVINSI, "PROVINSI JAWA BARAT"),
            (field::KABUPATEN_KOTA, "KOTA BANDUNG"),
            (field::NIK, "3273014503230002"),
            (field::NAMA, "SITI NURHALIZA PUTRI"),
            (field::TEMPAT_TGL_LAHIR, "BANDUNG, 05-03-2023"),
            (field::JENIS_KELAMIN, "PEREMPUAN"),
            (field::GOL_DARAH, "B"),
            (field::AGAMA, "ISLAM"),
            (field::KEWARGANEGARAAN, "WNI"),
            (field::NO_KK, "3273010101200015"),
            (field::NAMA_KEPALA_KELUARGA, "AHMAD SURYANA"),
            (field::NO_AKTA, "3273-LT-07032023-0042"),
            (field::BERLAKU_HINGGA, "04-03-2028"),
            (field::ALAMAT, "JL. CIHAMPELAS NO. 12"),
            (field::RT_RW, "003/007"),
            (field::KEL_DESA, "CIPAGANTI"),
            (field::KECAMATAN, "COBLONG"),
            (field::TEMPAT_TERBIT, "KOTA BANDUNG"),
            (field::TANGGAL_TERBIT, "10-11-2026"),
            (field::NAMA_KEPALA_DINAS, "DR. H. BUDI HARTONO, M.SI."),
        ]),
        photo: None,
        holder_signature: None,
        official_signature: Some(signature()),
        qr_payload: Some("KIA|3273014503230002|SITI NURHALIZA PUTRI|04-03-2028".into()),
        barcode_payload: Some("3273014503230002".into()),
        specimen: false,
    }
}

pub fn kia_5_17() -> CardContent {
    CardContent {
        design: CardDesign::Kia5To17,
        fields: fields(&[
            (field::PROVINSI, "PROVINSI JAWA TENGAH"),
            (field::KABUPATEN_KOTA, "KABUPATEN BANYUMAS"),
            (field::NIK, "3302011708150003"),
            (field::NAMA, "RAFI PRATAMA WIBOWO"),
            (field::TEMPAT_TGL_LAHIR, "PURWOKERTO, 17-08-2015"),
            (field::JENIS_KELAMIN, "LAKI-LAKI"),
            (field::GOL_DARAH, "AB"),
            (field::AGAMA, "KRISTEN"),
            (field::KEWARGANEGARAAN, "WNI"),
            (field::NO_KK, "3302010203100007"),
            (field::NAMA_KEPALA_KELUARGA, "HENDRA WIBOWO"),
            (field::NO_AKTA, "3302-LU-20082015-0117"),
            (field::BERLAKU_HINGGA, "16-08-2032"),
            (field::ALAMAT, "JL. JENDERAL SUDIRMAN NO. 45 BLOK C"),
            (field::RT_RW, "002/011"),
            (field::KEL_DESA, "SOKANEGARA"),
            (field::KECAMATAN, "PURWOKERTO TIMUR"),
            (field::TEMPAT_TERBIT, "KABUPATEN BANYUMAS"),
            (field::TANGGAL_TERBIT, "10-11-2026"),
            (field::NAMA_KEPALA_DINAS, "DRS. SUTRISNO ADI, M.M."),
        ]),
        photo: Some(photo()),
        holder_signature: None,
        official_signature: Some(signature()),
        qr_payload: Some("KIA|3302011708150003|RAFI PRATAMA WIBOWO|16-08-2032".into()),
        barcode_payload: Some("KIA-3302011708150003".into()),
        specimen: false,
    }
}

pub fn ktp_el() -> CardContent {
    CardContent {
        design: CardDesign::KtpEl,
        fields: fields(&[
            (field::PROVINSI, "PROVINSI JAWA BARAT"),
            (field::KABUPATEN_KOTA, "KOTA BANDUNG"),
            (field::NIK, "3273015206900001"),
            (field::NAMA, "DEWI KARTIKA SARI"),
            (field::TEMPAT_TGL_LAHIR, "GARUT, 12-06-1990"),
            (field::JENIS_KELAMIN, "PEREMPUAN"),
            (field::GOL_DARAH, "O"),
            (field::ALAMAT, "JL. DAGO ATAS NO. 7"),
            (field::RT_RW, "005/002"),
            (field::KEL_DESA, "DAGO"),
            (field::KECAMATAN, "COBLONG"),
            (field::AGAMA, "ISLAM"),
            (field::STATUS_PERKAWINAN, "KAWIN"),
            (field::PEKERJAAN, "KARYAWAN SWASTA"),
            (field::KEWARGANEGARAAN, "WNI"),
            (field::BERLAKU_HINGGA, "SEUMUR HIDUP"),
            (field::TEMPAT_TERBIT, "KOTA BANDUNG"),
            (field::TANGGAL_TERBIT, "10-11-2026"),
        ]),
        photo: Some(photo()),
        holder_signature: Some(signature()),
        official_signature: None,
        qr_payload: Some("KTP-EL|3273015206900001|DEWI KARTIKA SARI".into()),
        barcode_payload: Some("3273015206900001".into()),
        specimen: false,
    }
}
