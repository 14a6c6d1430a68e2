//! Shared by the chip tests: a vpcd reader of the real pcscd per test, sample contents
//! (synthetic people), profiles with per-test secrets, and the channel opener.

use std::path::PathBuf;
use std::time::Duration;

use cetak_drivers::chip::{ChipContent, PcscChannel, PcscConfig, PersonalField as F, Profile};
use cetak_drivers::vcard::{claim_reader, CardConfig, Inserted, VirtualCard, VirtualReader};

/// PIN of the virtual cards in these tests, as VERIFY data (ASCII padded to 8 with FF).
pub const PIN: &str = "2468";

pub fn pin_data() -> Vec<u8> {
    let mut v = PIN.as_bytes().to_vec();
    v.resize(8, 0xFF);
    v
}

/// A reader of its own; fails (never skips) with the reason when the stack is missing.
pub fn reader() -> VirtualReader {
    match claim_reader(Duration::from_secs(120)) {
        Ok(r) => r,
        Err(e) => panic!("PC/SC test bed unavailable: {e}"),
    }
}

/// The project's card with the test PIN.
pub fn cetak_card() -> CardConfig {
    CardConfig::cetak().with_pin(0x01, pin_data())
}

/// The generic ISO card with the test PIN.
pub fn generic_card() -> CardConfig {
    CardConfig::generic().with_pin(0x01, pin_data())
}

/// Holds the temp dir of the secrets file as long as the profile is used.
pub struct TestProfile {
    pub profile: Profile,
    _dir: tempfile::TempDir,
}

/// The default profile with its PIN from a per-test secrets file (env vars are process-wide).
pub fn default_profile() -> TestProfile {
    profile_from(cetak_drivers::chip::profile::DEFAULT_PROFILE_TOML, |t| {
        t.to_string()
    })
}

/// A profile from TOML text, edited by `edit`, the PIN from a per-test secrets file.
pub fn profile_from(toml: &str, edit: impl FnOnce(&str) -> String) -> TestProfile {
    profile_with_pin(toml, edit, Some(PIN))
}

/// As [`profile_from`] with the PIN `pin` in the secrets file, or with no PIN to be found at
/// all (`None`: the profile names an environment variable nobody sets).
pub fn profile_with_pin(
    toml: &str,
    edit: impl FnOnce(&str) -> String,
    pin: Option<&str>,
) -> TestProfile {
    let dir = tempfile::tempdir().unwrap();
    let secrets: PathBuf = dir.path().join("chip-secrets.toml");
    let source = match pin {
        Some(pin) => {
            std::fs::write(&secrets, format!("chip_pin = \"{pin}\"\n")).unwrap();
            format!(
                "pin_file = {:?}\npin_key = \"chip_pin\"",
                secrets.display().to_string()
            )
        }
        None => "pin_env = \"CETAK_TEST_PIN_NOBODY_SETS\"".to_string(),
    };
    let text = edit(toml).replace("pin_env = \"CETAK_CHIP_PIN\"", &source);
    TestProfile {
        profile: Profile::from_toml(&text).unwrap(),
        _dir: dir,
    }
}

/// Inserts `card` into the reader.
pub fn insert(card: &VirtualCard, reader: &VirtualReader) -> Inserted {
    card.insert(reader.addr(), Duration::from_secs(5))
        .expect("insert virtual card")
}

/// Opens the reader through PC/SC with short timeouts suited to tests.
pub fn open(
    reader: &VirtualReader,
    apdu_timeout: Duration,
) -> Result<PcscChannel, cetak_drivers::chip::ChipError> {
    PcscChannel::open(PcscConfig {
        reader_pattern: reader.name.clone(),
        card_wait: Duration::from_secs(5),
        apdu_timeout,
    })
}

/// A synthetic JPEG-like photo of `len` bytes (SOI, varied body, EOI).
pub fn photo(len: usize) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0];
    let mut x: u32 = 0x1234_5678;
    while v.len() < len - 2 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v.push(x as u8);
    }
    v.extend_from_slice(&[0xFF, 0xD9]);
    v
}

/// A KTP-el: adult, photo of about 15 KB, holder signature, server signature.
/// NIK 3273 01 570895 0003: Kota Bandung, female (57 = 17 + 40), born 17-08-1995.
pub fn ktp_el() -> ChipContent {
    ChipContent {
        personal: vec![
            (F::Nik, "3273015708950003".into()),
            (F::Name, "SITI RAHAYU PUTRI".into()),
            (F::PlaceOfBirth, "BANDUNG".into()),
            (F::DateOfBirth, "17-08-1995".into()),
            (F::Sex, "PEREMPUAN".into()),
            (F::BloodType, "O".into()),
            (F::Address, "JL. CEMPAKA WANGI NO. 12".into()),
            (F::RtRw, "003/007".into()),
            (F::Village, "SUKALUYU".into()),
            (F::District, "CIBEUNYING KALER".into()),
            (F::RegencyCity, "KOTA BANDUNG".into()),
            (F::Province, "JAWA BARAT".into()),
            (F::Religion, "ISLAM".into()),
            (F::MaritalStatus, "KAWIN".into()),
            (F::Occupation, "KARYAWAN SWASTA".into()),
            (F::Nationality, "WNI".into()),
            (F::DocumentType, "KTP-EL".into()),
            (F::ValidUntil, "SEUMUR HIDUP".into()),
            (F::IssuingOffice, "KOTA BANDUNG".into()),
            (F::IssueDate, "21-11-2026".into()),
        ],
        photo: Some(photo(15_000)),
        holder_signature: Some(photo(2_400)),
        server_signature: Some((0..64u8).collect()),
    }
}

/// A KIA for a child under 5: no photo, no signatures.
/// NIK 3204 10 120323 0007: Kabupaten Bandung, male, born 12-03-2023.
pub fn kia() -> ChipContent {
    ChipContent {
        personal: vec![
            (F::Nik, "3204101203230007".into()),
            (F::Name, "RAKA ADITYA PRATAMA".into()),
            (F::PlaceOfBirth, "BANDUNG".into()),
            (F::DateOfBirth, "12-03-2023".into()),
            (F::Sex, "LAKI-LAKI".into()),
            (F::BloodType, "-".into()),
            (F::Religion, "ISLAM".into()),
            (F::Nationality, "WNI".into()),
            (F::FamilyCardNumber, "3204100501200011".into()),
            (F::HeadOfFamily, "BUDI SANTOSO".into()),
            (F::BirthCertificateNumber, "3204-LT-15032023-0042".into()),
            (F::Address, "KP. CIHERANG RT 002 RW 004".into()),
            (F::DocumentType, "KIA".into()),
            (F::ValidUntil, "11-03-2028".into()),
            (F::IssuingOffice, "KABUPATEN BANDUNG".into()),
            (F::IssueDate, "21-11-2026".into()),
        ],
        photo: None,
        holder_signature: None,
        server_signature: None,
    }
}
