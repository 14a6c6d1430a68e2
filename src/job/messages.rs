//! Operator messages for every [`Problem`], in English and Bahasa Indonesia. They name limits
//! and expectations, never the input value.

use super::error::Problem;

impl Problem {
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
            StayPermitExpired => {
                "the stay permit (KITAP) ended before the issue date: no card can be issued on it"
                    .into()
            }
            ValidUntilAfterPermit { permit_end } => format!(
                "the validity may not extend past the stay permit's end ({permit_end})"
            ),
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
            ImageTruncated => {
                "the image file is incomplete (it ends before its end marker); send it again".into()
            }
            ImageChecksum => {
                "the image file is damaged (a PNG checksum does not match); send it again".into()
            }
            Layout(e) => e.message_en(),
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
            StayPermitExpired => {
                "izin tinggal tetap (KITAP) sudah berakhir sebelum tanggal terbit: kartu tidak dapat diterbitkan"
                    .into()
            }
            ValidUntilAfterPermit { permit_end } => format!(
                "masa berlaku tidak boleh melewati akhir izin tinggal ({permit_end})"
            ),
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
            ImageTruncated => {
                "berkas gambar tidak lengkap (berakhir sebelum penanda akhirnya); kirim ulang".into()
            }
            ImageChecksum => {
                "berkas gambar rusak (checksum PNG tidak cocok); kirim ulang".into()
            }
            Layout(e) => e.message_id(),
            PhotoBackground { expected, found } => format!(
                "latar foto tampak {}, tahun lahir mengharuskan {}",
                found.id(),
                expected.id()
            ),
        }
    }
}
