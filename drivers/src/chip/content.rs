//! What is written to the chip, independent of the station's job type: personal data as ordered
//! (field, text) items, the photo and signatures as given, and the integrity file over them.
//! `Debug` never shows personal data.

use sha2::{Digest, Sha256};

use super::error::ChipError;
use super::tlv;

/// Template tag wrapping the personal-data items (ISO/IEC 7816-6 "cardholder related data").
pub const PERSONAL_TEMPLATE: u32 = 0x65;
/// Template tag of the integrity file.
pub const INTEGRITY_TEMPLATE: u32 = 0x70;

macro_rules! personal_fields {
    ($($variant:ident = $num:literal, $key:literal, $doc:literal;)*) => {
        /// A personal-data item. Each is stored under the private tag `DFnn`; keys match the
        /// station's card field names where one exists.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum PersonalField {
            $(#[doc = $doc] $variant,)*
            /// Any other item, by its tag number (`DF` + this byte, 1..=0x7F).
            Other(u8),
        }

        impl PersonalField {
            /// Every known field, in card order.
            pub const ALL: &'static [PersonalField] = &[$(PersonalField::$variant,)*];

            /// The byte after `DF` in the tag.
            pub fn number(self) -> u8 {
                match self {
                    $(PersonalField::$variant => $num,)*
                    PersonalField::Other(n) => n,
                }
            }

            /// From the byte after `DF`.
            pub fn from_number(n: u8) -> Self {
                match n {
                    $($num => PersonalField::$variant,)*
                    n => PersonalField::Other(n),
                }
            }

            /// Stable key (snake case, Indonesian as on the card).
            pub fn key(self) -> String {
                match self {
                    $(PersonalField::$variant => $key.to_string(),)*
                    PersonalField::Other(n) => format!("df{n:02x}"),
                }
            }

            /// From a key as given by [`PersonalField::key`].
            pub fn from_key(key: &str) -> Option<Self> {
                match key {
                    $($key => Some(PersonalField::$variant),)*
                    k => k
                        .strip_prefix("df")
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                        .filter(|n| (1..=0x7F).contains(n))
                        .map(PersonalField::from_number),
                }
            }
        }
    };
}

personal_fields! {
    Nik = 0x01, "nik", "NIK, 16 digits.";
    Name = 0x02, "nama", "Full name.";
    PlaceOfBirth = 0x03, "tempat_lahir", "Place of birth.";
    DateOfBirth = 0x04, "tanggal_lahir", "Date of birth, DD-MM-YYYY.";
    Sex = 0x05, "jenis_kelamin", "LAKI-LAKI / PEREMPUAN.";
    BloodType = 0x06, "gol_darah", "Blood type.";
    Address = 0x07, "alamat", "Street address.";
    RtRw = 0x08, "rt_rw", "RT/RW, e.g. 003/007.";
    Village = 0x09, "kel_desa", "Kelurahan / desa.";
    District = 0x0A, "kecamatan", "Kecamatan.";
    RegencyCity = 0x0B, "kabupaten_kota", "Kabupaten / kota.";
    Province = 0x0C, "provinsi", "Province.";
    Religion = 0x0D, "agama", "Religion.";
    MaritalStatus = 0x0E, "status_perkawinan", "Marital status.";
    Occupation = 0x0F, "pekerjaan", "Occupation.";
    Nationality = 0x10, "kewarganegaraan", "WNI / WNA.";
    DocumentType = 0x11, "jenis_dokumen", "Document type, e.g. KTP-EL, KIA.";
    ValidUntil = 0x12, "berlaku_hingga", "Validity, DD-MM-YYYY or SEUMUR HIDUP.";
    IssuingOffice = 0x13, "tempat_terbit", "Issuing office / city.";
    IssueDate = 0x14, "tanggal_terbit", "Date of issue, DD-MM-YYYY.";
    FamilyCardNumber = 0x15, "no_kk", "Family card (KK) number.";
    HeadOfFamily = 0x16, "nama_kepala_keluarga", "Name of the head of family.";
    BirthCertificateNumber = 0x17, "no_akta", "Birth certificate number.";
}

impl PersonalField {
    /// The full BER-TLV tag.
    pub fn tag(self) -> u32 {
        0xDF00 | self.number() as u32
    }
}

/// Which content a profile file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentSource {
    /// The personal-data TLV.
    PersonalData,
    /// The photo bytes as given (JPEG).
    Photo,
    /// The holder's signature image as given.
    HolderSignature,
    /// Hashes of the other files (+ the server's signature when present).
    Integrity,
}

impl ContentSource {
    fn code(self) -> u8 {
        match self {
            ContentSource::PersonalData => 1,
            ContentSource::Photo => 2,
            ContentSource::HolderSignature => 3,
            ContentSource::Integrity => 4,
        }
    }

    fn from_code(c: u8) -> Option<Self> {
        Some(match c {
            1 => ContentSource::PersonalData,
            2 => ContentSource::Photo,
            3 => ContentSource::HolderSignature,
            4 => ContentSource::Integrity,
            _ => return None,
        })
    }
}

/// Everything written to one card's chip.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct ChipContent {
    /// Personal data, in the order written.
    pub personal: Vec<(PersonalField, String)>,
    /// Photo as given (KTP-el, KIA 5–17).
    pub photo: Option<Vec<u8>>,
    /// Holder's signature image as given (KTP-el).
    pub holder_signature: Option<Vec<u8>>,
    /// The server's signature over the content, stored in the integrity file when present.
    pub server_signature: Option<Vec<u8>>,
}

impl std::fmt::Debug for ChipContent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChipContent")
            .field("personal_items", &self.personal.len())
            .field("photo_bytes", &self.photo.as_ref().map(Vec::len))
            .field(
                "holder_signature_bytes",
                &self.holder_signature.as_ref().map(Vec::len),
            )
            .field(
                "server_signature_bytes",
                &self.server_signature.as_ref().map(Vec::len),
            )
            .finish()
    }
}

impl ChipContent {
    /// The value of a personal field, if present.
    pub fn get(&self, field: PersonalField) -> Option<&str> {
        self.personal
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| v.as_str())
    }

    /// The personal-data file: `65 { DFnn value, ... }`.
    pub fn personal_data_bytes(&self) -> Result<Vec<u8>, ChipError> {
        let mut inner = Vec::new();
        for (field, value) in &self.personal {
            if field.number() == 0 || field.number() > 0x7F {
                return Err(ChipError::Content(format!(
                    "bad personal field number {}",
                    field.number()
                )));
            }
            tlv::put(field.tag(), value.as_bytes(), &mut inner);
        }
        Ok(tlv::encode(PERSONAL_TEMPLATE, &inner))
    }

    /// Decodes a personal-data file.
    pub fn decode_personal(bytes: &[u8]) -> Result<Vec<(PersonalField, String)>, ChipError> {
        let outer = tlv::parse_all(bytes).map_err(|e| ChipError::Decode(e.to_string()))?;
        let template = tlv::find(&outer, PERSONAL_TEMPLATE)
            .ok_or_else(|| ChipError::Decode("personal-data template 65 missing".into()))?;
        let items =
            tlv::parse_all(&template.value).map_err(|e| ChipError::Decode(e.to_string()))?;
        items
            .into_iter()
            .map(|t| {
                if t.tag & 0xFF00 != 0xDF00 || t.tag > 0xFFFF {
                    return Err(ChipError::Decode(format!(
                        "unexpected tag {:X} in personal data",
                        t.tag
                    )));
                }
                let value = String::from_utf8(t.value)
                    .map_err(|_| ChipError::Decode(format!("tag {:X} is not UTF-8", t.tag)))?;
                Ok((PersonalField::from_number((t.tag & 0xFF) as u8), value))
            })
            .collect()
    }

    /// The bytes a file with `source` holds, `None` when this content has none (e.g. a KIA
    /// 0–5 has no photo). The integrity file is built by [`Integrity`], not here.
    pub fn source_bytes(&self, source: ContentSource) -> Result<Option<Vec<u8>>, ChipError> {
        Ok(match source {
            ContentSource::PersonalData => Some(self.personal_data_bytes()?),
            ContentSource::Photo => self.photo.clone(),
            ContentSource::HolderSignature => self.holder_signature.clone(),
            ContentSource::Integrity => None,
        })
    }
}

/// One entry of the integrity file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IntegrityEntry {
    /// File identifier.
    pub fid: u16,
    /// What the file holds.
    #[serde(skip)]
    pub source: ContentSource,
    /// Content length in bytes.
    pub length: usize,
    /// SHA-256 of the content.
    #[serde(with = "hex_bytes")]
    pub sha256: [u8; 32],
}

mod hex_bytes {
    pub fn serialize<S: serde::Serializer>(v: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(v))
    }
}

/// The integrity file: `70 { 80 01 01 (SHA-256), A1 { 83 fid, 84 source, 82 length, 86 hash }…,
/// 9E server-signature }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integrity {
    /// One entry per written file, in writing order.
    pub entries: Vec<IntegrityEntry>,
    /// The server's signature, as given in the job.
    pub server_signature: Option<Vec<u8>>,
}

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

impl Integrity {
    /// Builds the entries for files about to be written.
    pub fn over(files: &[(u16, ContentSource, &[u8])], server_signature: Option<Vec<u8>>) -> Self {
        Integrity {
            entries: files
                .iter()
                .map(|(fid, source, bytes)| IntegrityEntry {
                    fid: *fid,
                    source: *source,
                    length: bytes.len(),
                    sha256: sha256(bytes),
                })
                .collect(),
            server_signature,
        }
    }

    /// The file bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut inner = Vec::new();
        tlv::put(0x80, &[0x01], &mut inner);
        for e in &self.entries {
            let mut item = Vec::new();
            tlv::put(0x83, &e.fid.to_be_bytes(), &mut item);
            tlv::put(0x84, &[e.source.code()], &mut item);
            tlv::put(0x82, &(e.length as u32).to_be_bytes(), &mut item);
            tlv::put(0x86, &e.sha256, &mut item);
            tlv::put(0xA1, &item, &mut inner);
        }
        if let Some(sig) = &self.server_signature {
            tlv::put(0x9E, sig, &mut inner);
        }
        tlv::encode(INTEGRITY_TEMPLATE, &inner)
    }

    /// Decodes the file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ChipError> {
        let d = |m: &str| ChipError::Decode(format!("integrity file: {m}"));
        let outer = tlv::parse_all(bytes).map_err(|e| d(&e.to_string()))?;
        let t = tlv::find(&outer, INTEGRITY_TEMPLATE).ok_or_else(|| d("template 70 missing"))?;
        let items = tlv::parse_all(&t.value).map_err(|e| d(&e.to_string()))?;
        match tlv::find(&items, 0x80) {
            Some(alg) if alg.value == [0x01] => {}
            _ => return Err(d("unknown hash algorithm")),
        }
        let mut entries = Vec::new();
        for item in items.iter().filter(|t| t.tag == 0xA1) {
            let parts = tlv::parse_all(&item.value).map_err(|e| d(&e.to_string()))?;
            let get = |tag| tlv::find(&parts, tag).map(|t| t.value.as_slice());
            let fid: [u8; 2] = get(0x83)
                .and_then(|v| v.try_into().ok())
                .ok_or_else(|| d("bad fid"))?;
            let source = get(0x84)
                .and_then(|v| v.first().copied())
                .and_then(ContentSource::from_code)
                .ok_or_else(|| d("bad source"))?;
            let len: [u8; 4] = get(0x82)
                .and_then(|v| v.try_into().ok())
                .ok_or_else(|| d("bad length"))?;
            let sha256: [u8; 32] = get(0x86)
                .and_then(|v| v.try_into().ok())
                .ok_or_else(|| d("bad hash"))?;
            entries.push(IntegrityEntry {
                fid: u16::from_be_bytes(fid),
                source,
                length: u32::from_be_bytes(len) as usize,
                sha256,
            });
        }
        let server_signature = tlv::find(&items, 0x9E).map(|t| t.value.clone());
        Ok(Integrity {
            entries,
            server_signature,
        })
    }

    /// Checks file bytes against the entries; the error names the first file that differs.
    pub fn check(&self, files: &[(u16, &[u8])]) -> Result<(), ChipError> {
        for e in &self.entries {
            let fid = format!("{:04X}", e.fid);
            let bytes = files
                .iter()
                .find(|(f, _)| *f == e.fid)
                .map(|(_, b)| *b)
                .ok_or_else(|| ChipError::VerifyMismatch { fid: fid.clone() })?;
            if bytes.len() != e.length || sha256(bytes) != e.sha256 {
                return Err(ChipError::VerifyMismatch { fid });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ChipContent {
        ChipContent {
            personal: vec![
                (PersonalField::Nik, "3273015708950003".into()),
                (PersonalField::Name, "SITI RAHAYU PUTRI".into()),
                (PersonalField::Address, "JL. MERDEKA NO. 5, ÄÖ".into()),
                (PersonalField::Other(0x40), "x".into()),
            ],
            photo: Some(vec![0xFF, 0xD8, 1, 2, 3]),
            holder_signature: None,
            server_signature: Some(vec![7; 64]),
        }
    }

    #[test]
    fn personal_data_round_trips_in_order() {
        let c = sample();
        let bytes = c.personal_data_bytes().unwrap();
        assert_eq!(bytes[0], 0x65);
        let mut padded = bytes.clone();
        padded.extend_from_slice(&[0, 0, 0xFF]);
        assert_eq!(ChipContent::decode_personal(&padded).unwrap(), c.personal);
        assert!(ChipContent::decode_personal(&[0x65, 0x03, 0x80, 0x01, 0x41]).is_err());
        assert!(ChipContent::decode_personal(&[0x66, 0x00]).is_err());
    }

    #[test]
    fn keys_round_trip() {
        for f in PersonalField::ALL
            .iter()
            .copied()
            .chain([PersonalField::Other(0x55)])
        {
            assert_eq!(PersonalField::from_key(&f.key()), Some(f));
        }
        assert_eq!(PersonalField::from_key("bogus"), None);
    }

    #[test]
    fn debug_hides_personal_data() {
        let s = format!("{:?}", sample());
        assert!(!s.contains("3273015708950003") && !s.contains("SITI"));
    }

    #[test]
    fn integrity_round_trips_and_detects_changes() {
        let c = sample();
        let pd = c.personal_data_bytes().unwrap();
        let photo = c.photo.clone().unwrap();
        let files = [
            (0x5001, ContentSource::PersonalData, pd.as_slice()),
            (0x5002, ContentSource::Photo, &photo[..]),
        ];
        let integ = Integrity::over(&files, c.server_signature.clone());
        let decoded = Integrity::from_bytes(&integ.to_bytes()).unwrap();
        assert_eq!(decoded, integ);
        decoded.check(&[(0x5001, &pd), (0x5002, &photo)]).unwrap();
        let mut bad = photo.clone();
        bad[2] ^= 1;
        assert_eq!(
            decoded.check(&[(0x5001, &pd), (0x5002, &bad)]),
            Err(ChipError::VerifyMismatch { fid: "5002".into() })
        );
        assert!(Integrity::from_bytes(&[0x70, 0x03, 0x80, 0x01, 0x02]).is_err());
    }
}
