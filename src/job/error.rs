//! Findings (errors and warnings) about a job document. Each has a stable code that scripts and
//! the corpus manifest rely on, the JSON path of the field it concerns, and an operator message
//! in Bahasa Indonesia and in English. Messages never quote personal values (NIK, names).

use std::fmt;

use crate::messages::{Message, MessageText as _};

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
    /// A refusal of the layout fit check, on the job field it concerns.
    pub fn from_fit(error: crate::layout::FitError) -> Self {
        let field = error
            .field()
            .map(crate::card::field::json_path)
            .unwrap_or_default()
            .to_owned();
        Finding::new(field, Problem::Layout(error))
    }

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
}

impl Message for Finding {
    fn message_code(&self) -> &'static str {
        self.problem.message_code()
    }
    fn message_args(&self) -> crate::messages::Args {
        self.problem.message_args()
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

/// Why a job or image file could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadFailure {
    /// The system refused or failed the read.
    Io(std::io::ErrorKind),
    /// A directory, FIFO or device where a file was expected.
    NotARegularFile,
}

impl crate::messages::Message for ReadFailure {
    fn message_code(&self) -> &'static str {
        match self {
            ReadFailure::Io(kind) => crate::messages::io_error(&(*kind).into()).code,
            ReadFailure::NotARegularFile => "io.not_a_file",
        }
    }

    fn message_args(&self) -> crate::messages::Args {
        match self {
            ReadFailure::Io(kind) => crate::messages::io_error(&(*kind).into()).args,
            ReadFailure::NotARegularFile => crate::messages::Args::new(),
        }
    }
}

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
    pub(super) fn en(self) -> &'static str {
        match self {
            Backdrop::Red => "red",
            Backdrop::Blue => "blue",
            Backdrop::Unclear => "neither red nor blue",
        }
    }
    pub(super) fn id(self) -> &'static str {
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
    FileRead {
        /// Why it could not be read.
        reason: ReadFailure,
    },
    /// The document is larger than the station accepts: photos must be smaller.
    DocumentTooLarge {
        /// Bytes accepted.
        limit: u64,
    },
    /// Not well-formed JSON: the sending system produced a broken file.
    JsonSyntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// The JSON ends too early (truncated transfer).
    JsonEof,
    /// A field has the wrong JSON type (e.g. a number where text is expected).
    JsonType {
        /// serde's word for the kind of value found (never the value itself).
        found: String,
        /// serde's words for what the field takes.
        expected: Option<String>,
    },
    /// A field the document format does not know (typo or newer format).
    JsonUnknownField {
        /// The fields allowed there (serde's words); `None` when there are none.
        expected: Option<String>,
    },
    /// A required field is absent.
    JsonMissingField {
        /// The missing field's name.
        field: String,
    },
    /// A value outside the allowed set (e.g. an unknown document type).
    JsonInvalidValue {
        /// What was expected (serde's words), when serde says.
        expected: Option<String>,
    },
    /// A document format version this station does not understand.
    VersionUnsupported {
        /// The version the document states.
        found: String,
    },
    /// A date that is not a real `YYYY-MM-DD` date.
    DateInvalid,
    /// A required text is empty.
    TextEmpty,
    /// A text is longer than the field allows.
    TextTooLong {
        /// Characters allowed.
        max: usize,
        /// Characters given (after normalisation).
        len: usize,
    },
    /// Tabs, line breaks or other control characters.
    TextControlChar,
    /// Emoji cannot be printed by the card fonts.
    TextEmoji,
    /// Right-to-left script or direction marks cannot be printed on the card.
    TextRightToLeft,
    /// Characters outside the Latin repertoire of the card fonts.
    TextUnsupportedChar,
    /// A character the field's rule forbids (e.g. `<` in a name).
    TextForbiddenChar {
        /// The characters the field accepts.
        allowed: &'static str,
    },
    /// A value not in the field's vocabulary.
    VocabUnknown {
        /// Every accepted word.
        allowed: &'static [&'static str],
    },
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
    NikProvinceUnknown {
        /// Digits 1-2 of the NIK.
        code: String,
    },
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
    KiaTooOld {
        /// Age on the issue date.
        age: u32,
    },
    /// A KIA for someone who is or has been married: issue a KTP-el instead.
    KiaMarried,
    /// A KTP-el for someone under 17 who has never married: issue a KIA instead.
    KtpElTooYoung {
        /// Age on the issue date.
        age: u32,
    },
    /// The stated "berlaku hingga" differs from the one the rules give.
    ValidUntilMismatch {
        /// What the rules give, as printed.
        computed: String,
    },
    /// The stay permit ended before the issue date: a card cannot be issued on it.
    StayPermitExpired,
    /// The stated validity ends after the stay permit: a foreign resident's card is valid no
    /// longer than the permit.
    ValidUntilAfterPermit {
        /// The permit's last day, as printed.
        permit_end: String,
    },
    /// The stated validity ends before the issue date.
    ValidUntilBeforeIssue,
    /// A foreign child's KIA may not be valid past the KIA limit for the age.
    ValidUntilBeyondLimit {
        /// The last day allowed, as printed.
        limit: String,
    },
    /// Inline image is not valid base64.
    ImageBase64,
    /// Image file not found.
    ImageNotFound,
    /// Image file cannot be read.
    ImageRead {
        /// The I/O error kind.
        reason: ReadFailure,
    },
    /// Image file is bigger than the policy allows.
    ImageTooLarge {
        /// Bytes allowed.
        limit: u64,
    },
    /// Neither JPEG nor PNG.
    ImageFormat,
    /// The policy accepts only JPEG photos (collective programme).
    ImageJpegRequired,
    /// The header announces more pixels than allowed (decompression bomb or oversized scan).
    ImageTooManyPixels {
        /// Width announced by the header.
        width: u32,
        /// Height announced by the header.
        height: u32,
        /// Pixels allowed.
        limit: u64,
    },
    /// The image data is damaged and cannot be decoded.
    ImageCorrupt,
    /// The image file ends before its end marker (JPEG EOI, PNG IEND): an interrupted upload
    /// or copy. Ask for the file again.
    ImageTruncated,
    /// A PNG chunk's CRC does not match its data: the file was damaged in transfer or storage.
    ImageChecksum,
    /// The card's layouts cannot show the job (found by the fit check after validation).
    Layout(crate::layout::FitError),
    /// `batch.programme` names a policy this station does not have: add it to
    /// `[validation.policies]` of the configuration, or ask the sender for the right name.
    BatchProgrammeUnknown {
        /// The name as given (a policy name, not personal data).
        name: String,
    },
    /// A batch under a first-issuance-only policy (the school programme) carries a lost,
    /// damaged or changed-data card: such a card is applied for individually (seed 004 §8d–e).
    BatchFirstIssuanceOnly,
    /// Photo background does not follow the birth-year rule (warning or error by policy).
    PhotoBackground {
        /// What the birth year requires.
        expected: Backdrop,
        /// What the border shows.
        found: Backdrop,
    },
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
            StayPermitExpired => "stay_permit.expired",
            ValidUntilAfterPermit { .. } => "valid_until.after_permit",
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
            ImageTruncated => "image.truncated",
            ImageChecksum => "image.checksum",
            PhotoBackground { .. } => "photo.background",
            BatchProgrammeUnknown { .. } => "batch.programme_unknown",
            BatchFirstIssuanceOnly => "batch.first_issuance_only",
            Layout(e) => e.code(),
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
