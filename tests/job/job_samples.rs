//! The sample jobs validate, give the expected designs, warnings and print values, and the
//! committed sample photos follow the programme's rules.

use std::path::{Path, PathBuf};

use cetak::card::{field, CardDesign};
use cetak::job::{
    check_bytes, check_file, expected_backdrop, parse, photo_backdrop, validate, BackgroundPolicy,
    Lang, ValidUntil, ValidationPolicy,
};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sample(name: &str) -> PathBuf {
    root().join("examples/jobs").join(name)
}

fn codes(list: &[cetak::job::Finding]) -> Vec<(String, String)> {
    list.iter()
        .map(|f| (f.code().to_owned(), f.field.clone()))
        .collect()
}

#[test]
fn kia_0_5_sample() {
    let (report, job) = check_file(&sample("kia-0-5.json"), &ValidationPolicy::default());
    assert!(report.passed(), "{}", report.render(Lang::En));
    assert!(report.warnings.is_empty(), "{}", report.render(Lang::En));
    let job = job.unwrap();
    assert_eq!(job.design(), CardDesign::Kia0To5);
    assert_eq!(job.age_at_issue(), 3);
    let c = job.card_content();
    assert_eq!(c.design, CardDesign::Kia0To5);
    assert!(c.photo.is_none());
    assert!(c.holder_signature.is_none());
    assert!(c.official_signature.is_some());
    let f = &c.fields;
    assert_eq!(f[field::BERLAKU_HINGGA], "13-06-2028");
    assert_eq!(f[field::NAMA], "NAYLA PUTRI RAMADHANI");
    assert_eq!(f[field::TEMPAT_TGL_LAHIR], "BANDUNG, 14-06-2023");
    assert_eq!(f[field::JENIS_KELAMIN], "PEREMPUAN");
    assert_eq!(f[field::GOL_DARAH], "-");
    assert_eq!(f[field::PROVINSI], "PROVINSI JAWA BARAT");
    assert_eq!(f[field::KABUPATEN_KOTA], "KOTA BANDUNG");
    assert_eq!(f[field::NO_KK], "3273051203150007");
    assert_eq!(f[field::NAMA_KEPALA_KELUARGA], "AGUS SETIAWAN");
    assert_eq!(f[field::NO_AKTA], "3273-LT-14062023-0012");
    assert_eq!(f[field::TEMPAT_TERBIT], "KOTA BANDUNG");
    assert_eq!(f[field::TANGGAL_TERBIT], "21-11-2026");
    assert_eq!(f[field::NAMA_KEPALA_DINAS], "DR. H. RAHMAT HIDAYAT, M.SI");
    assert_eq!(c.barcode_payload.as_deref(), Some("3273055406230003"));
    assert_eq!(
        c.qr_payload.as_deref(),
        Some("KIA-2026-11-000101|3273********0003")
    );
}

#[test]
fn kia_5_17_sample() {
    let (report, job) = check_file(&sample("kia-5-17.json"), &ValidationPolicy::default());
    assert!(report.passed(), "{}", report.render(Lang::En));
    assert!(report.warnings.is_empty(), "{}", report.render(Lang::En));
    let job = job.unwrap();
    assert_eq!(job.design(), CardDesign::Kia5To17);
    assert_eq!(
        job.valid_until(),
        ValidUntil::Date(chrono::NaiveDate::from_ymd_opt(2032, 8, 16).unwrap())
    );
    assert_eq!(job.batch().unwrap().id, "SDN-CIGADUNG-1-2026");
    let c = job.card_content();
    let photo = c.photo.as_ref().unwrap();
    assert_eq!((photo.width(), photo.height()), (300, 400));
    assert_eq!(c.fields[field::BERLAKU_HINGGA], "16-08-2032");
    assert_eq!(c.fields[field::NIK], "3273011708150001");
    assert_eq!(c.fields[field::ALAMAT], "JL. SUKALUYU NO. 7");
    assert_eq!(c.fields[field::RT_RW], "003/007");
    assert_eq!(c.fields[field::PEKERJAAN], "PELAJAR/MAHASISWA");
    // Every field of the KIA 5-17 card is present.
    for key in [
        field::NIK,
        field::NAMA,
        field::TEMPAT_TGL_LAHIR,
        field::JENIS_KELAMIN,
        field::GOL_DARAH,
        field::AGAMA,
        field::KEWARGANEGARAAN,
        field::NO_KK,
        field::NAMA_KEPALA_KELUARGA,
        field::NO_AKTA,
        field::ALAMAT,
        field::BERLAKU_HINGGA,
        field::TEMPAT_TERBIT,
        field::TANGGAL_TERBIT,
        field::NAMA_KEPALA_DINAS,
    ] {
        assert!(c.fields.contains_key(key), "{key} missing");
    }
}

#[test]
fn ktp_el_sample() {
    let (report, job) = check_file(&sample("ktp-el.json"), &ValidationPolicy::default());
    assert!(report.passed(), "{}", report.render(Lang::En));
    assert!(report.warnings.is_empty(), "{}", report.render(Lang::En));
    let job = job.unwrap();
    assert_eq!(job.design(), CardDesign::KtpEl);
    assert_eq!(job.valid_until(), ValidUntil::Lifetime);
    let c = job.card_content();
    assert!(c.photo.is_some() && c.holder_signature.is_some());
    assert_eq!(c.fields[field::BERLAKU_HINGGA], "SEUMUR HIDUP");
    assert_eq!(c.fields[field::KABUPATEN_KOTA], "KABUPATEN BANDUNG");
    assert_eq!(c.fields[field::STATUS_PERKAWINAN], "KAWIN");
    assert_eq!(c.fields[field::TEMPAT_TGL_LAHIR], "GARUT, 02-06-1990");
    for key in [
        field::PROVINSI,
        field::KABUPATEN_KOTA,
        field::NIK,
        field::NAMA,
        field::TEMPAT_TGL_LAHIR,
        field::JENIS_KELAMIN,
        field::GOL_DARAH,
        field::ALAMAT,
        field::RT_RW,
        field::KEL_DESA,
        field::KECAMATAN,
        field::AGAMA,
        field::STATUS_PERKAWINAN,
        field::PEKERJAAN,
        field::KEWARGANEGARAAN,
        field::BERLAKU_HINGGA,
        field::TEMPAT_TERBIT,
        field::TANGGAL_TERBIT,
    ] {
        assert!(c.fields.contains_key(key), "{key} missing");
    }
}

fn edit(name: &str, f: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sample(name)).unwrap()).unwrap();
    f(&mut v);
    serde_json::to_vec(&v).unwrap()
}

fn jobs_dir() -> PathBuf {
    root().join("examples/jobs")
}

#[test]
fn hostile_text_in_free_fields_is_kept_literally() {
    let hostile = r#"JL. <b>MAWAR</b> & "MELATI" 'NO. 5' ]]> <!-- x -->"#;
    let bytes = edit("kia-5-17.json", |v| {
        v["person"]["address"]["street"] = hostile.into();
        v["qr_payload"] = "<svg onload=alert(1)>&amp;".into();
    });
    let (report, job) = check_bytes(&bytes, &ValidationPolicy::default(), &jobs_dir());
    assert!(report.passed(), "{}", report.render(Lang::En));
    let c = job.unwrap().card_content();
    assert_eq!(c.fields[field::ALAMAT], hostile.to_uppercase());
    assert_eq!(c.qr_payload.as_deref(), Some("<svg onload=alert(1)>&amp;"));
}

#[test]
fn photo_for_an_under_5_is_ignored_with_a_warning() {
    let bytes = edit("kia-0-5.json", |v| {
        v["photo"] = serde_json::json!({"path": "../photos/kia-5-17.jpg"});
    });
    let (report, job) = check_bytes(&bytes, &ValidationPolicy::default(), &jobs_dir());
    assert!(report.passed());
    assert_eq!(
        codes(&report.warnings),
        vec![("field.ignored".into(), "photo".into())]
    );
    assert!(job.unwrap().card_content().photo.is_none());
}

#[test]
fn background_rule_follows_the_policy() {
    let bytes = edit("kia-5-17.json", |v| {
        v["photo"] = serde_json::json!({"path": "../photos/kia-5-17-wrong-background.jpg"});
    });
    let run = |rule| {
        let policy = ValidationPolicy {
            photo_background: rule,
            ..ValidationPolicy::default()
        };
        check_bytes(&bytes, &policy, &jobs_dir()).0
    };
    let warn = run(BackgroundPolicy::Warn);
    assert!(warn.passed());
    assert_eq!(
        codes(&warn.warnings),
        vec![("photo.background".into(), "photo".into())]
    );
    assert!(warn
        .render(Lang::Id)
        .contains("latar foto tampak biru, tahun lahir mengharuskan merah"));
    let off = run(BackgroundPolicy::Off);
    assert!(off.passed() && off.warnings.is_empty());
    let reject = run(BackgroundPolicy::Reject);
    assert_eq!(
        codes(&reject.errors),
        vec![("photo.background".into(), "photo".into())]
    );
    assert_eq!(reject.exit_code(false), 1);
    assert_eq!(warn.exit_code(false), 0);
    assert_eq!(warn.exit_code(true), 1);
}

#[test]
fn unknown_province_is_only_a_warning() {
    let bytes = edit("kia-5-17.json", |v| {
        v["person"]["nik"] = "9973011708150001".into();
        v["barcode_payload"] = "KIA-2026-11-000102".into();
    });
    let (report, job) = check_bytes(&bytes, &ValidationPolicy::default(), &jobs_dir());
    assert!(report.passed(), "{}", report.render(Lang::En));
    assert_eq!(
        codes(&report.warnings),
        vec![("nik.province_unknown".into(), "person.nik".into())]
    );
    assert_eq!(
        job.unwrap().card_content().barcode_payload.as_deref(),
        Some("KIA-2026-11-000102")
    );
}

#[test]
fn inline_base64_photo_works_like_a_file() {
    use base64::Engine;
    let jpeg = std::fs::read(root().join("examples/photos/kia-5-17.jpg")).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&jpeg);
    let bytes = edit("kia-5-17.json", |v| {
        v["photo"] = serde_json::json!({ "base64": b64 })
    });
    // Inline images need no base folder.
    let doc = parse(&bytes).unwrap();
    let mut doc2 = doc.clone();
    doc2.office.head_signature = None;
    let job = validate(&doc, &ValidationPolicy::default(), &jobs_dir()).unwrap();
    assert_eq!(job.card_content().photo.unwrap().width(), 300);
    // Dropping the head's signature is refused for a KIA.
    let err = validate(
        &doc2,
        &ValidationPolicy::default(),
        Path::new("/nonexistent"),
    )
    .unwrap_err();
    assert_eq!(
        codes(&err.errors),
        vec![("field.missing".into(), "office.head_signature".into())]
    );
}

#[test]
fn all_errors_are_reported_at_once() {
    let bytes = edit("kia-5-17.json", |v| {
        v["person"]["sex"] = "PRIA".into();
        v["person"]["address"]["rt_rw"] = "3/7".into();
        v["person"]["name"] = "BIMA 🚀".into();
    });
    let (report, _) = check_bytes(&bytes, &ValidationPolicy::default(), &jobs_dir());
    let mut got: Vec<_> = report.errors.iter().map(|e| e.code()).collect();
    got.sort();
    assert_eq!(got, vec!["rt_rw.format", "text.emoji", "vocab.unknown"]);
}

#[test]
fn collective_programme_accepts_the_sample_photo() {
    let jpeg = std::fs::metadata(root().join("examples/photos/kia-5-17.jpg")).unwrap();
    assert!(
        jpeg.len() <= 100 * 1024,
        "sample photo is {} bytes",
        jpeg.len()
    );
    let (report, _) = check_file(
        &sample("kia-5-17.json"),
        &ValidationPolicy::collective_programme(),
    );
    assert!(report.passed(), "{}", report.render(Lang::En));
}

#[test]
fn sample_photos_follow_the_background_rule() {
    for (file, year) in [("kia-5-17.jpg", 2015), ("ktp-el.jpg", 1990)] {
        let path = root().join("examples/photos").join(file);
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.len() <= 100 * 1024, "{file}: {} bytes", bytes.len());
        assert!(
            bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
            "{file} is not a JPEG"
        );
        let img = image::load_from_memory(&bytes).unwrap();
        assert_eq!(photo_backdrop(&img), expected_backdrop(year), "{file}");
    }
    for file in ["signature-holder.png", "signature-head-of-office.png"] {
        let len = std::fs::metadata(root().join("examples/photos").join(file))
            .unwrap()
            .len();
        assert!(len <= 20 * 1024, "{file}: {len} bytes");
    }
}

#[test]
fn debug_output_hides_personal_data() {
    let bytes = std::fs::read(sample("kia-5-17.json")).unwrap();
    let doc = parse(&bytes).unwrap();
    let job = validate(&doc, &ValidationPolicy::default(), &jobs_dir()).unwrap();
    for text in [format!("{doc:?}"), format!("{job:?}"), format!("{doc:#?}")] {
        assert!(!text.contains("3273011708150001"), "{text}");
        assert!(!text.contains("3273010502120004"), "{text}");
        assert!(!text.to_uppercase().contains("BIMA"), "{text}");
        assert!(!text.to_uppercase().contains("DEDI"), "{text}");
        assert!(!text.to_uppercase().contains("SUKALUYU"), "{text}");
        assert!(text.contains("3273********0001"), "{text}");
        assert!(
            text.len() < 4000,
            "Debug output too long: {} bytes",
            text.len()
        );
    }
}

#[test]
fn married_sixteen_year_old_gets_a_ktp_el() {
    let bytes = edit("ktp-el.json", |v| {
        v["person"]["nik"] = "3204124505100005".into();
        v["person"]["date_of_birth"] = "2010-05-05".into();
        v["person"]["marital_status"] = "KAWIN".into();
    });
    let (report, job) = check_bytes(&bytes, &ValidationPolicy::default(), &jobs_dir());
    assert!(report.passed(), "{}", report.render(Lang::En));
    let job = job.unwrap();
    assert_eq!(job.design(), CardDesign::KtpEl);
    assert_eq!(job.age_at_issue(), 16);
}

#[test]
fn ktp_el_wna_sample() {
    let (report, job) = check_file(&sample("ktp-el-wna.json"), &ValidationPolicy::default());
    assert!(report.passed(), "{}", report.render(Lang::En));
    assert!(report.warnings.is_empty(), "{}", report.render(Lang::En));
    let job = job.unwrap();
    assert_eq!(job.design(), CardDesign::KtpElWna);
    assert!(job.design().is_ktp_el() && job.design().is_foreign());
    let c = job.card_content();
    assert_eq!(c.design.layouts(), ["ktp-el-wna-front", "ktp-el-wna-back"]);
    // No stated validity: the stay permit's last day.
    assert_eq!(c.fields[field::BERLAKU_HINGGA], "30-09-2031");
    assert_eq!(c.fields[field::NATIONALITY], "JAPAN");
    assert_eq!(c.fields[field::NO_KITAP], "2C11AB1234-XY");
    assert_eq!(c.fields[field::KEWARGANEGARAAN], "WNA");
}

#[test]
fn kia_wna_samples() {
    let (report, job) = check_file(&sample("kia-wna-5-17.json"), &ValidationPolicy::default());
    assert!(report.passed(), "{}", report.render(Lang::En));
    assert!(report.warnings.is_empty(), "{}", report.render(Lang::En));
    let job = job.unwrap();
    assert_eq!(job.design(), CardDesign::Kia5To17Wna);
    let c = job.card_content();
    assert!(c.photo.is_some());
    // The permit (2029-03-31) ends before the day before the 17th birthday (2032-03-08).
    assert_eq!(c.fields[field::BERLAKU_HINGGA], "31-03-2029");
    assert_eq!(c.fields[field::NATIONALITY], "AUSTRALIA");

    let (report, job) = check_file(&sample("kia-wna-0-5.json"), &ValidationPolicy::default());
    assert!(report.passed(), "{}", report.render(Lang::En));
    let job = job.unwrap();
    assert_eq!(job.design(), CardDesign::Kia0To5Wna);
    let c = job.card_content();
    assert!(c.photo.is_none());
    // The day before the 5th birthday comes before the permit's end (2030-12-31).
    assert_eq!(c.fields[field::BERLAKU_HINGGA], "19-02-2028");
    assert_eq!(c.fields[field::NATIONALITY], "KOREA, REPUBLIC OF");
}

#[test]
fn foreigner_validity_may_be_stated_shorter_than_the_permit() {
    let bytes = edit("ktp-el-wna.json", |v| {
        v["valid_until"] = "2028-03-31".into();
        v["person"]["address"]["province"] = "Provinsi Bali".into();
    });
    let (report, job) = check_bytes(&bytes, &ValidationPolicy::default(), &jobs_dir());
    assert!(report.passed(), "{}", report.render(Lang::En));
    let c = job.unwrap().card_content();
    assert_eq!(c.fields[field::BERLAKU_HINGGA], "31-03-2028");
    assert_eq!(c.fields[field::PROVINSI], "PROVINSI BALI");
}

#[test]
fn a_citizens_nationality_and_stay_permit_are_ignored_with_warnings() {
    let bytes = edit("ktp-el.json", |v| {
        v["person"]["nationality"] = "INDONESIA".into();
        v["stay_permit"] = serde_json::json!({"number": "X-1", "valid_until": "2030-01-01"});
    });
    let (report, job) = check_bytes(&bytes, &ValidationPolicy::default(), &jobs_dir());
    assert!(report.passed(), "{}", report.render(Lang::En));
    assert_eq!(
        codes(&report.warnings),
        vec![
            ("field.ignored".to_owned(), "person.nationality".to_owned()),
            ("field.ignored".to_owned(), "stay_permit".to_owned())
        ]
    );
    let job = job.unwrap();
    assert_eq!(job.design(), CardDesign::KtpEl);
    assert!(!job.card_content().fields.contains_key(field::NO_KITAP));
}

#[test]
fn fifth_birthday_switches_the_kia_design() {
    // Born 2021-11-21: 5 on the issue date 2026-11-21, 4 the day before.
    let at = |issue: &str| {
        let bytes = edit("kia-5-17.json", |v| {
            v["person"]["nik"] = "3273012111210001".into();
            v["person"]["date_of_birth"] = "2021-11-21".into();
            v["office"]["issue_date"] = issue.into();
        });
        check_bytes(&bytes, &ValidationPolicy::default(), &jobs_dir())
    };
    let (report, job) = at("2026-11-21");
    assert!(report.passed(), "{}", report.render(Lang::En));
    let job = job.unwrap();
    assert_eq!(job.design(), CardDesign::Kia5To17);
    assert_eq!(
        job.card_content().fields[field::BERLAKU_HINGGA],
        "20-11-2038"
    );
    let (report, job) = at("2026-11-20");
    assert!(report.passed(), "{}", report.render(Lang::En));
    assert_eq!(
        codes(&report.warnings),
        vec![("field.ignored".into(), "photo".into())]
    );
    let job = job.unwrap();
    assert_eq!(job.design(), CardDesign::Kia0To5);
    assert_eq!(
        job.card_content().fields[field::BERLAKU_HINGGA],
        "20-11-2026"
    );
}
