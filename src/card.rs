//! What goes on a card, already formatted for print: the boundary between the job document
//! (validation, domain rules) and rendering (layouts, layers). Rendering never sees a raw job,
//! so a layout can be tested with any values, and the job module never knows about SVG.

use std::collections::BTreeMap;

/// Which card design a job prints; each design has a front and a back layout in `layouts/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CardDesign {
    /// KIA for a child under 5: no photo. Layouts `kia-0-5-front` + `kia-back`.
    Kia0To5,
    /// KIA for a child of 5 to under 17: with photo. Layouts `kia-5-17-front` + `kia-back`.
    Kia5To17,
    /// Adult electronic ID. Layouts `ktp-el-front` + `ktp-el-back`.
    KtpEl,
    /// KIA for a foreign (WNA) child under 5: English labels, nationality, validity from the
    /// stay permit. Layouts `kia-wna-0-5-front` + `kia-wna-back`.
    Kia0To5Wna,
    /// KIA for a foreign child of 5 to under 17. Layouts `kia-wna-5-17-front` + `kia-wna-back`.
    Kia5To17Wna,
    /// KTP-el of a foreign resident: the orange card, printed in English, valid as long as the
    /// stay permit (KITAP). Layouts `ktp-el-wna-front` + `ktp-el-wna-back`.
    KtpElWna,
}

impl CardDesign {
    /// Every design; the layout directory must have the layouts of each.
    pub const ALL: [CardDesign; 6] = [
        CardDesign::Kia0To5,
        CardDesign::Kia5To17,
        CardDesign::KtpEl,
        CardDesign::Kia0To5Wna,
        CardDesign::Kia5To17Wna,
        CardDesign::KtpElWna,
    ];

    /// Layout names (file stems in `layouts/`) of the front and the back.
    pub fn layouts(self) -> [&'static str; 2] {
        match self {
            CardDesign::Kia0To5 => ["kia-0-5-front", "kia-back"],
            CardDesign::Kia5To17 => ["kia-5-17-front", "kia-back"],
            CardDesign::KtpEl => ["ktp-el-front", "ktp-el-back"],
            CardDesign::Kia0To5Wna => ["kia-wna-0-5-front", "kia-wna-back"],
            CardDesign::Kia5To17Wna => ["kia-wna-5-17-front", "kia-wna-back"],
            CardDesign::KtpElWna => ["ktp-el-wna-front", "ktp-el-wna-back"],
        }
    }

    /// Catalogue code of the design's name for operators (`design.*`).
    pub fn message_code(self) -> &'static str {
        match self {
            CardDesign::Kia0To5 => "design.kia_0_5",
            CardDesign::Kia5To17 => "design.kia_5_17",
            CardDesign::KtpEl => "design.ktp_el",
            CardDesign::Kia0To5Wna => "design.kia_wna_0_5",
            CardDesign::Kia5To17Wna => "design.kia_wna_5_17",
            CardDesign::KtpElWna => "design.ktp_el_wna",
        }
    }

    /// The citizens' design with the same rules (age band, photo, chip).
    pub fn citizen(self) -> CardDesign {
        match self {
            CardDesign::Kia0To5 | CardDesign::Kia0To5Wna => CardDesign::Kia0To5,
            CardDesign::Kia5To17 | CardDesign::Kia5To17Wna => CardDesign::Kia5To17,
            CardDesign::KtpEl | CardDesign::KtpElWna => CardDesign::KtpEl,
        }
    }

    /// The foreign residents' design with the same rules.
    pub fn foreign(self) -> CardDesign {
        match self.citizen() {
            CardDesign::Kia0To5 => CardDesign::Kia0To5Wna,
            CardDesign::Kia5To17 => CardDesign::Kia5To17Wna,
            _ => CardDesign::KtpElWna,
        }
    }

    /// A foreign resident's card.
    pub fn is_foreign(self) -> bool {
        self != self.citizen()
    }

    /// A KTP-el (citizen's or foreign resident's).
    pub fn is_ktp_el(self) -> bool {
        self.citizen() == CardDesign::KtpEl
    }
}

/// Field keys a layout manifest may name. Values are print-ready (upper case where the card
/// prints upper case, dates as `DD-MM-YYYY`).
pub mod field {
    /// Header line, e.g. `PROVINSI JAWA BARAT`.
    pub const PROVINSI: &str = "provinsi";
    /// Header line, e.g. `KOTA BANDUNG` or `KABUPATEN BOGOR`.
    pub const KABUPATEN_KOTA: &str = "kabupaten_kota";
    pub const NIK: &str = "nik";
    pub const NAMA: &str = "nama";
    /// e.g. `BANDUNG, 17-08-2015`.
    pub const TEMPAT_TGL_LAHIR: &str = "tempat_tgl_lahir";
    pub const JENIS_KELAMIN: &str = "jenis_kelamin";
    pub const GOL_DARAH: &str = "gol_darah";
    pub const ALAMAT: &str = "alamat";
    /// e.g. `003/007`.
    pub const RT_RW: &str = "rt_rw";
    pub const KEL_DESA: &str = "kel_desa";
    pub const KECAMATAN: &str = "kecamatan";
    pub const AGAMA: &str = "agama";
    pub const STATUS_PERKAWINAN: &str = "status_perkawinan";
    pub const PEKERJAAN: &str = "pekerjaan";
    pub const KEWARGANEGARAAN: &str = "kewarganegaraan";
    /// `DD-MM-YYYY` or `SEUMUR HIDUP`.
    pub const BERLAKU_HINGGA: &str = "berlaku_hingga";
    pub const NO_KK: &str = "no_kk";
    pub const NAMA_KEPALA_KELUARGA: &str = "nama_kepala_keluarga";
    pub const NO_AKTA: &str = "no_akta";
    /// City of issue, e.g. `KOTA BANDUNG`.
    pub const TEMPAT_TERBIT: &str = "tempat_terbit";
    /// `DD-MM-YYYY`.
    pub const TANGGAL_TERBIT: &str = "tanggal_terbit";
    /// Name of the head of the Dinas who signs the KIA.
    pub const NAMA_KEPALA_DINAS: &str = "nama_kepala_dinas";
    /// Foreign residents' cards: the country, e.g. `JAPAN` (in place of Kewarganegaraan).
    pub const NATIONALITY: &str = "nationality";
    /// Foreign residents' cards: the stay permit (KITAP) number.
    pub const NO_KITAP: &str = "no_kitap";

    /// The job document's JSON path of a card field key or slot name (for findings); the key
    /// itself for anything unknown.
    pub fn json_path(key: &str) -> &str {
        match key {
            PROVINSI => "person.address.province",
            KABUPATEN_KOTA => "person.address.kabupaten_kota",
            NIK => "person.nik",
            NAMA => "person.name",
            TEMPAT_TGL_LAHIR => "person.place_of_birth",
            JENIS_KELAMIN => "person.sex",
            GOL_DARAH => "person.blood_group",
            ALAMAT => "person.address.street",
            RT_RW => "person.address.rt_rw",
            KEL_DESA => "person.address.kel_desa",
            KECAMATAN => "person.address.kecamatan",
            AGAMA => "person.religion",
            STATUS_PERKAWINAN => "person.marital_status",
            PEKERJAAN => "person.occupation",
            KEWARGANEGARAAN => "person.citizenship",
            BERLAKU_HINGGA => "valid_until",
            NO_KK => "family.no_kk",
            NAMA_KEPALA_KELUARGA => "family.head_of_family",
            NO_AKTA => "family.no_akta",
            TEMPAT_TERBIT => "office.city",
            TANGGAL_TERBIT => "office.issue_date",
            NAMA_KEPALA_DINAS => "office.head_name",
            NATIONALITY => "person.nationality",
            NO_KITAP => "stay_permit.number",
            "photo" => "photo",
            "holder_signature" => "signature",
            "official_signature" => "office.head_signature",
            "qr" => "qr_payload",
            "barcode" => "barcode_payload",
            other => other,
        }
    }

    /// Every key, in the order the domain lists them.
    pub const ALL: &[&str] = &[
        PROVINSI,
        KABUPATEN_KOTA,
        NIK,
        NAMA,
        TEMPAT_TGL_LAHIR,
        JENIS_KELAMIN,
        GOL_DARAH,
        ALAMAT,
        RT_RW,
        KEL_DESA,
        KECAMATAN,
        AGAMA,
        STATUS_PERKAWINAN,
        PEKERJAAN,
        KEWARGANEGARAAN,
        BERLAKU_HINGGA,
        NO_KK,
        NAMA_KEPALA_KELUARGA,
        NO_AKTA,
        TEMPAT_TERBIT,
        TANGGAL_TERBIT,
        NAMA_KEPALA_DINAS,
        NATIONALITY,
        NO_KITAP,
    ];
}

/// Everything one card shows. Built from a validated job; consumed by the renderer.
/// Its `Debug` shows shapes only: it holds a full NIK, a name and a photo.
#[derive(Clone)]
pub struct CardContent {
    pub design: CardDesign,
    /// Keyed by [`field`] constants; a key a layout names but the map lacks renders empty.
    pub fields: BTreeMap<String, String>,
    /// Decoded photo (KIA 5–17, KTP-el).
    pub photo: Option<image::DynamicImage>,
    /// Holder's signature (KTP-el).
    pub holder_signature: Option<image::DynamicImage>,
    /// Head of office's signature (KIA).
    pub official_signature: Option<image::DynamicImage>,
    pub qr_payload: Option<String>,
    /// Code 128 payload.
    pub barcode_payload: Option<String>,
    /// Training mode: "SPECIMEN" is printed across the card.
    pub specimen: bool,
}

impl std::fmt::Debug for CardContent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let size = |i: &Option<image::DynamicImage>| i.as_ref().map(|i| (i.width(), i.height()));
        f.debug_struct("CardContent")
            .field("design", &self.design)
            .field("fields", &self.fields.keys().collect::<Vec<_>>())
            .field("photo", &size(&self.photo))
            .field("holder_signature", &size(&self.holder_signature))
            .field("official_signature", &size(&self.official_signature))
            .field("qr_payload_len", &self.qr_payload.as_ref().map(String::len))
            .field(
                "barcode_payload_len",
                &self.barcode_payload.as_ref().map(String::len),
            )
            .field("specimen", &self.specimen)
            .finish()
    }
}
