//! Findings (errors and warnings) about a job document. Each has a stable code that scripts and
//! the corpus manifest rely on, the JSON path of the field it concerns, and an operator message
//! in Bahasa Indonesia and in English. Messages never quote personal values (NIK, names).

use std::fmt;

/// One problem found in a job: an error (the job is refused) or a warning (the job prints).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// JSON path of the field, e.g. `person.nik` or `office.head_signature`; empty for the
    /// document as a whole.
    pub field: String,
    /// What is wrong.
    pub problem: Problem,
}

impl Finding {
    pub(crate) fn new(field: impl Into<String>, problem: Problem) -> Self {
        Finding {
            field: field.into(),
            problem,
        }
    }

    /// Stable machine code, e.g. `nik.sex_mismatch`.
    pub fn code(&self) -> &'static str {
        self.problem.code()
    }

    /// Operator message in English.
    pub fn message_en(&self) -> String {
        self.problem.message_en()
    }

    /// Operator message in Bahasa Indonesia.
    pub fn message_id(&self) -> String {
        self.problem.message_id()
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "[{}] {}", self.code(), self.message_en())
        } else {
            write!(f, "[{}] {}: {}", self.code(), self.field, self.message_en())
        }
    }
}

impl std::error::Error for Finding {}

/// Background colour of a photo as seen on its border.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backdrop {
    /// Red: required for an odd birth year.
    Red,
    /// Blue: required for an even birth year.
    Blue,
    /// Neither clearly red nor clearly blue (white, grey, mixed…).
    Unclear,
}

impl Backdrop {
    fn en(self) -> &'static str {
        match self {
            Backdrop::Red => "red",
            Backdrop::Blue => "blue",
            Backdrop::Unclear => "neither red nor blue",
        }
    }
    fn id(self) -> &'static str {
        match self {
            Backdrop::Red => "merah",
            Backdrop::Blue => "biru",
            Backdrop::Unclear => "bukan merah maupun biru",
        }
    }
}

/// Every kind of finding. Variant docs say what the operator (or the sending system) should do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The job file cannot be read: check the path and permissions.
    FileRead { reason: String },
    /// The document is larger than the station accepts: photos must be smaller.
    DocumentTooLarge { limit: u64 },
    /// Not well-formed JSON: the sending system produced a broken file.
    JsonSyntax { line: usize, column: usize },
    /// The JSON ends too early (truncated transfer).
    JsonEof,
    /// A field has the wrong JSON type (e.g. a number where text is expected).
    JsonType { detail: String },
    /// A field the document format does not know (typo or newer format).
    JsonUnknownField { detail: String },
    /// A required field is absent.
    JsonMissingField { detail: String },
    /// A value outside the allowed set (e.g. an unknown document type).
    JsonInvalidValue { detail: String },
    /// A document format version this station does not understand.
    VersionUnsupported { found: String },
    /// A date that is not a real `YYYY-MM-DD` date.
    DateInvalid,
    /// A required text is empty.
    TextEmpty,
    /// A text is longer than the field allows.
    TextTooLong { max: usize, len: usize },
    /// Tabs, line breaks or other control characters.
    TextControlChar,
    /// Emoji cannot be printed by the card fonts.
    TextEmoji,
    /// Right-to-left script or direction marks cannot be printed on the card.
    TextRightToLeft,
    /// Characters outside the Latin repertoire of the card fonts.
    TextUnsupportedChar,
    /// A character the field's rule forbids (e.g. `<` in a name).
    TextForbiddenChar { allowed: &'static str },
    /// A value not in the field's vocabulary.
    VocabUnknown { allowed: &'static [&'static str] },
    /// NIK is not 16 digits.
    NikFormat,
    /// Digits 7–12 of the NIK are not a real date.
    NikDateInvalid,
    /// Day > 40 in the NIK means PEREMPUAN; it disagrees with the stated sex.
    NikSexMismatch,
    /// The date in the NIK differs from the stated date of birth.
    NikBirthDateMismatch,
    /// Digits 13–16 of the NIK are 0000; serials start at 0001.
    NikSerialZero,
    /// Warning: the province code (digits 1–2) is not in the station's table.
    NikProvinceUnknown { code: String },
    /// No. KK is not 16 digits.
    NoKkFormat,
    /// RT/RW must be `NNN/NNN`, e.g. `003/007`.
    RtRwFormat,
    /// Kabupaten/kota must name its kind: `KOTA BANDUNG` or `KABUPATEN BOGOR`.
    KabupatenKotaKind,
    /// Job or batch id: 1–64 of `A–Z a–z 0–9 . _ -`.
    IdFormat,
    /// A field required for this document type is absent.
    Missing,
    /// Warning: the field does not appear on this document and is ignored.
    Ignored,
    /// Date of birth after the issue date.
    BirthAfterIssue,
    /// A KIA for someone aged 17 or more: issue a KTP-el instead.
    KiaTooOld { age: u32 },
    /// A KIA for someone who is or has been married: issue a KTP-el instead.
    KiaMarried,
    /// A KTP-el for someone under 17 who has never married: issue a KIA instead.
    KtpElTooYoung { age: u32 },
    /// The stated "berlaku hingga" differs from the one the rules give.
    ValidUntilMismatch { computed: String },
    /// A foreigner's card must state its validity (the stay permit's end).
    ValidUntilRequired,
    /// The stated validity ends before the issue date.
    ValidUntilBeforeIssue,
    /// A foreign child's KIA may not be valid past the KIA limit for the age.
    ValidUntilBeyondLimit { limit: String },
    /// Inline image is not valid base64.
    ImageBase64,
    /// Image file not found.
    ImageNotFound,
    /// Image file cannot be read.
    ImageRead { reason: String },
    /// Image file is bigger than the policy allows.
    ImageTooLarge { limit: u64 },
    /// Neither JPEG nor PNG.
    ImageFormat,
    /// The policy accepts only JPEG photos (collective programme).
    ImageJpegRequired,
    /// The header announces more pixels than allowed (decompression bomb or oversized scan).
    ImageTooManyPixels { width: u32, height: u32, limit: u64 },
    /// The image data is damaged and cannot be decoded.
    ImageCorrupt,
    /// Photo background does not follow the birth-year rule (warning or error by policy).
    PhotoBackground { expected: Backdrop, found: Backdrop },
}

impl Problem {
    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        use Problem::*;
        match self {
            FileRead { .. } => "file.read",
            DocumentTooLarge { .. } => "json.too_large",
            JsonSyntax { .. } => "json.syntax",
            JsonEof => "json.eof",
            JsonType { .. } => "json.type",
            JsonUnknownField { .. } => "json.unknown_field",
            JsonMissingField { .. } => "json.missing_field",
            JsonInvalidValue { .. } => "json.invalid_value",
            VersionUnsupported { .. } => "version.unsupported",
            DateInvalid => "date.invalid",
            TextEmpty => "text.empty",
            TextTooLong { .. } => "text.too_long",
            TextControlChar => "text.control_char",
            TextEmoji => "text.emoji",
            TextRightToLeft => "text.right_to_left",
            TextUnsupportedChar => "text.unsupported_char",
            TextForbiddenChar { .. } => "text.forbidden_char",
            VocabUnknown { .. } => "vocab.unknown",
            NikFormat => "nik.format",
            NikDateInvalid => "nik.date_invalid",
            NikSexMismatch => "nik.sex_mismatch",
            NikBirthDateMismatch => "nik.birth_date_mismatch",
            NikSerialZero => "nik.serial_zero",
            NikProvinceUnknown { .. } => "nik.province_unknown",
            NoKkFormat => "no_kk.format",
            RtRwFormat => "rt_rw.format",
            IdFormat => "id.format",
            KabupatenKotaKind => "kabupaten_kota.kind",
            Missing => "field.missing",
            Ignored => "field.ignored",
            BirthAfterIssue => "date_of_birth.after_issue",
            KiaTooOld { .. } => "kia.too_old",
            KiaMarried => "kia.married",
            KtpElTooYoung { .. } => "ktp_el.too_young",
            ValidUntilMismatch { .. } => "valid_until.mismatch",
            ValidUntilRequired => "valid_until.required",
            ValidUntilBeforeIssue => "valid_until.before_issue",
            ValidUntilBeyondLimit { .. } => "valid_until.beyond_limit",
            ImageBase64 => "image.base64",
            ImageNotFound => "image.not_found",
            ImageRead { .. } => "image.read",
            ImageTooLarge { .. } => "image.too_large",
            ImageFormat => "image.format",
            ImageJpegRequired => "image.jpeg_required",
            ImageTooManyPixels { .. } => "image.too_many_pixels",
            ImageCorrupt => "image.corrupt",
            PhotoBackground { .. } => "photo.background",
        }
    }

    /// Operator message in English.
    pub fn message_en(&self) -> String {
        use Problem::*;
        match self {
            FileRead { reason } => format!("cannot read the job file ({reason})"),
            DocumentTooLarge { limit } => {
                format!("the job document is larger than {limit} bytes")
            }
            JsonSyntax { line, column } => {
                format!("not valid JSON (line {line}, column {column})")
            }
            JsonEof => "the JSON ends too early (truncated file?)".into(),
            JsonType { detail } => format!("wrong type of value: {detail}"),
            JsonUnknownField { detail } => format!("field not allowed: {detail}"),
            JsonMissingField { detail } => format!("required field absent: {detail}"),
            JsonInvalidValue { detail } => format!("value not allowed: {detail}"),
            VersionUnsupported { found } => {
                format!("document version {found} is not supported (expected 1)")
            }
            DateInvalid => "not a real date in the form YYYY-MM-DD".into(),
            TextEmpty => "must not be empty".into(),
            TextTooLong { max, len } => format!("too long: {len} characters, at most {max}"),
            TextControlChar => "contains a tab, line break or other control character".into(),
            TextEmoji => "contains emoji, which the card cannot print".into(),
            TextRightToLeft => {
                "contains right-to-left text or direction marks, which the card cannot print"
                    .into()
            }
            TextUnsupportedChar => {
                "contains characters the card fonts cannot print (only Latin letters are supported)"
                    .into()
            }
            TextForbiddenChar { allowed } => {
                format!("contains a character not allowed here (allowed: {allowed})")
            }
            VocabUnknown { allowed } => format!("must be one of: {}", allowed.join(", ")),
            NikFormat => "NIK must be exactly 16 digits".into(),
            NikDateInvalid => "digits 7-12 of the NIK are not a real date (DDMMYY)".into(),
            NikSexMismatch => {
                "the NIK's day of birth (over 40 for women) disagrees with the sex".into()
            }
            NikBirthDateMismatch => "the date in the NIK differs from the date of birth".into(),
            NikSerialZero => "digits 13-16 of the NIK must not be 0000".into(),
            NikProvinceUnknown { code } => {
                format!("province code {code} of the NIK is not in the station's table")
            }
            NoKkFormat => "No. KK must be exactly 16 digits".into(),
            RtRwFormat => "RT/RW must be written NNN/NNN, e.g. 003/007".into(),
            KabupatenKotaKind => "must start with KOTA or KABUPATEN, e.g. KOTA BANDUNG".into(),
            IdFormat => "must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-'".into(),
            Missing => "required for this document type but absent".into(),
            Ignored => "not printed on this document type; ignored".into(),
            BirthAfterIssue => "the date of birth is after the issue date".into(),
            KiaTooOld { age } => {
                format!("the holder is {age} on the issue date: a KIA is for under 17, issue a KTP-el")
            }
            KiaMarried => {
                "a KIA is only for children who have never married: issue a KTP-el".into()
            }
            KtpElTooYoung { age } => format!(
                "the holder is {age} and has never married: a KTP-el needs age 17 or marriage, issue a KIA"
            ),
            ValidUntilMismatch { computed } => {
                format!("the stated validity differs from the rules ({computed})")
            }
            ValidUntilRequired => {
                "a foreigner's (WNA) card must state its validity end (stay permit)".into()
            }
            ValidUntilBeforeIssue => "the validity ends before the issue date".into(),
            ValidUntilBeyondLimit { limit } => {
                format!("the validity may not extend past {limit} for this KIA")
            }
            ImageBase64 => "the inline image is not valid base64".into(),
            ImageNotFound => "the image file does not exist".into(),
            ImageRead { reason } => format!("cannot read the image file ({reason})"),
            ImageTooLarge { limit } => format!("the image is larger than {limit} bytes"),
            ImageFormat => "the image is neither JPEG nor PNG".into(),
            ImageJpegRequired => "the photo must be a JPEG under this policy".into(),
            ImageTooManyPixels {
                width,
                height,
                limit,
            } => format!("the image is {width}x{height} pixels, more than {limit} pixels allowed"),
            ImageCorrupt => "the image data is damaged and cannot be decoded".into(),
            PhotoBackground { expected, found } => format!(
                "photo background looks {}, the birth year requires {}",
                found.en(),
                expected.en()
            ),
        }
    }

    /// Operator message in Bahasa Indonesia.
    pub fn message_id(&self) -> String {
        use Problem::*;
        match self {
            FileRead { reason } => format!("berkas pekerjaan tidak dapat dibaca ({reason})"),
            DocumentTooLarge { limit } => {
                format!("dokumen pekerjaan lebih besar dari {limit} byte")
            }
            JsonSyntax { line, column } => {
                format!("JSON tidak sah (baris {line}, kolom {column})")
            }
            JsonEof => "JSON berakhir terlalu cepat (berkas terpotong?)".into(),
            JsonType { detail } => format!("jenis nilai salah: {detail}"),
            JsonUnknownField { detail } => format!("kolom tidak dikenal: {detail}"),
            JsonMissingField { detail } => format!("kolom wajib tidak ada: {detail}"),
            JsonInvalidValue { detail } => format!("nilai tidak diperbolehkan: {detail}"),
            VersionUnsupported { found } => {
                format!("versi dokumen {found} tidak didukung (seharusnya 1)")
            }
            DateInvalid => "bukan tanggal yang sah dengan format YYYY-MM-DD".into(),
            TextEmpty => "tidak boleh kosong".into(),
            TextTooLong { max, len } => {
                format!("terlalu panjang: {len} karakter, paling banyak {max}")
            }
            TextControlChar => "berisi tab, ganti baris atau karakter kendali lain".into(),
            TextEmoji => "berisi emoji yang tidak dapat dicetak pada kartu".into(),
            TextRightToLeft => {
                "berisi tulisan kanan-ke-kiri atau tanda arah yang tidak dapat dicetak pada kartu"
                    .into()
            }
            TextUnsupportedChar => {
                "berisi karakter yang tidak ada pada huruf kartu (hanya huruf Latin)".into()
            }
            TextForbiddenChar { allowed } => {
                format!("berisi karakter yang tidak diperbolehkan di sini (yang boleh: {allowed})")
            }
            VocabUnknown { allowed } => format!("harus salah satu dari: {}", allowed.join(", ")),
            NikFormat => "NIK harus tepat 16 angka".into(),
            NikDateInvalid => "angka ke-7 s.d. 12 NIK bukan tanggal yang sah (DDMMYY)".into(),
            NikSexMismatch => {
                "tanggal lahir pada NIK (lebih dari 40 untuk perempuan) tidak sesuai jenis kelamin"
                    .into()
            }
            NikBirthDateMismatch => "tanggal pada NIK berbeda dengan tanggal lahir".into(),
            NikSerialZero => "angka ke-13 s.d. 16 NIK tidak boleh 0000".into(),
            NikProvinceUnknown { code } => {
                format!("kode provinsi {code} pada NIK tidak ada di tabel stasiun")
            }
            NoKkFormat => "No. KK harus tepat 16 angka".into(),
            RtRwFormat => "RT/RW harus ditulis NNN/NNN, misalnya 003/007".into(),
            KabupatenKotaKind => {
                "harus diawali KOTA atau KABUPATEN, misalnya KOTA BANDUNG".into()
            }
            IdFormat => "harus 1-64 karakter A-Z, a-z, 0-9, '.', '_' atau '-'".into(),
            Missing => "wajib untuk jenis dokumen ini tetapi tidak ada".into(),
            Ignored => "tidak dicetak pada jenis dokumen ini; diabaikan".into(),
            BirthAfterIssue => "tanggal lahir sesudah tanggal terbit".into(),
            KiaTooOld { age } => format!(
                "pemilik berumur {age} tahun pada tanggal terbit: KIA untuk di bawah 17 tahun, terbitkan KTP-el"
            ),
            KiaMarried => "KIA hanya untuk anak yang belum pernah kawin: terbitkan KTP-el".into(),
            KtpElTooYoung { age } => format!(
                "pemilik berumur {age} tahun dan belum pernah kawin: KTP-el perlu umur 17 atau sudah kawin, terbitkan KIA"
            ),
            ValidUntilMismatch { computed } => {
                format!("masa berlaku yang tertulis berbeda dengan aturan ({computed})")
            }
            ValidUntilRequired => {
                "kartu WNA harus menyebut akhir masa berlaku (izin tinggal)".into()
            }
            ValidUntilBeforeIssue => "masa berlaku berakhir sebelum tanggal terbit".into(),
            ValidUntilBeyondLimit { limit } => {
                format!("masa berlaku KIA ini tidak boleh melewati {limit}")
            }
            ImageBase64 => "gambar sisipan bukan base64 yang sah".into(),
            ImageNotFound => "berkas gambar tidak ada".into(),
            ImageRead { reason } => format!("berkas gambar tidak dapat dibaca ({reason})"),
            ImageTooLarge { limit } => format!("gambar lebih besar dari {limit} byte"),
            ImageFormat => "gambar bukan JPEG maupun PNG".into(),
            ImageJpegRequired => "foto harus JPEG menurut kebijakan ini".into(),
            ImageTooManyPixels {
                width,
                height,
                limit,
            } => format!(
                "gambar berukuran {width}x{height} piksel, melebihi batas {limit} piksel"
            ),
            ImageCorrupt => "data gambar rusak dan tidak dapat dibaca".into(),
            PhotoBackground { expected, found } => format!(
                "latar foto tampak {}, tahun lahir mengharuskan {}",
                found.id(),
                expected.id()
            ),
        }
    }
}

/// A job that failed validation: all its errors, and the warnings found on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// At least one.
    pub errors: Vec<Finding>,
    /// Warnings that would have been shown had the job passed.
    pub warnings: Vec<Finding>,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "job refused: ")?;
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                write!(f, "; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Rejection {}
