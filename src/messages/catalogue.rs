//! The station's texts. One row per code; `{name}` is an argument of the message, and both
//! languages carry the same arguments (checked by a test). The drivers crate holds the texts of
//! printer, transport and chip errors (`cetak_drivers::messages::CATALOGUE`).

use super::Entry;

/// Every text of the station crate.
pub static CATALOGUE: &[Entry] = entries! {
    // Words the CLI puts before a message.
    "cli.failed" => "gagal: {reason}", "failed: {reason}";

    // Station configuration (`ConfigError`).
    "config.read" => "tidak dapat membaca konfigurasi {path}: {source}", "cannot read config {path}: {source}";
    "config.syntax" => "konfigurasi {path}, baris {line}: {message}", "config {path}, line {line}: {message}";
    "config.invalid" => "konfigurasi {path}{at}: kunci `{key}`: {detail}", "config {path}{at}: key `{key}`: {detail}";
    "config.not_rfc3339" => "bukan waktu RFC 3339 seperti 2027-06-30T00:00:00Z", "not an RFC 3339 time like 2027-06-30T00:00:00Z";
    // Keys of the trust store and key files (`KeyError`, `KeyFault`).
    "key.bad_kid" => "kid harus 1–128 karakter ASCII tercetak tanpa spasi", "kid must be 1-128 printable ASCII characters without spaces";
    "key.duplicate_kid" => "kid {kid} ditulis dua kali", "kid {kid} is given twice";
    "key.bad_public_key" => "public_key harus base64url (tanpa padding) dari 32 byte mentah Ed25519: {fault}",
        "public_key must be base64url (no padding) of the 32 raw Ed25519 bytes: {fault}";
    "key.bad_private_key" => "kunci privat: {fault}", "private key: {fault}";
    "key.random" => "sumber acak sistem gagal: {detail}", "the system's random source failed: {detail}";
    "key.fault.not_base64" => "bukan base64url tanpa padding", "not base64url without padding";
    "key.fault.length" => "{bytes} byte, seharusnya 32", "{bytes} bytes, not 32";
    "key.fault.not_a_point" => "bukan titik kurva Ed25519", "not an Ed25519 point";
    "key.fault.weak" => "kunci lemah (orde kecil)", "weak (small-order) key";
    "config.demo_key" => "konfigurasi {path}, baris {line}: kunci `trust.key[{index}]` (kid {kid}) adalah kunci demo {demo_kid} ({public_key}) yang kunci privatnya diketahui umum: stasiun produksi (policy.training = false) tidak boleh mempercayainya. Hapus kunci ini, atau tetapkan policy.training = true untuk stasiun pelatihan",
        "config {path}, line {line}: key `trust.key[{index}]` (kid {kid}) is the demo key {demo_kid} ({public_key}), whose private half is public: a production station (policy.training = false) must not trust it. Remove this key, or set policy.training = true for a training station";

    // HTTPS certificate and key (`TlsError`, `crate::tls`): `[link] push_tls_*`, `[dashboard] tls_*`.
    "tls.read" => "{part} {path} tidak dapat dibaca: {source}", "{part} {path} cannot be read: {source}";
    "tls.pem" => "{part} {path} bukan berkas PEM yang dapat dipakai ({detail})", "{part} {path} is not a usable PEM file ({detail})";
    "tls.rejected" => "sertifikat dan kunci privat tidak dapat dipakai bersama (kunci bukan milik sertifikat ini?): {detail}",
        "the certificate and private key cannot be used together (is the key not this certificate's?): {detail}";

    // Job findings (`Problem`): the code is the finding code of `docs/job.md`.
    "file.read" => "berkas pekerjaan tidak dapat dibaca ({reason})",
        "cannot read the job file ({reason})";
    "json.too_large" => "dokumen pekerjaan lebih besar dari {limit} byte",
        "the job document is larger than {limit} bytes";
    "json.syntax" => "JSON tidak sah (baris {line}, kolom {column})",
        "not valid JSON (line {line}, column {column})";
    "json.eof" => "JSON berakhir terlalu cepat (berkas terpotong?)",
        "the JSON ends too early (truncated file?)";
    "json.type" => "jenis nilai salah: {detail}",
        "wrong type of value: {detail}";
    "json.unknown_field" => "kolom tidak dikenal: {detail}",
        "field not allowed: {detail}";
    "json.missing_field" => "kolom wajib tidak ada: {detail}",
        "required field absent: {detail}";
    "json.invalid_value" => "nilai tidak diperbolehkan: {detail}",
        "value not allowed: {detail}";
    // The `{detail}` of the JSON findings above; serde's words translated (`serde_words`).
    "serde.found_expected" => "ditemukan {found}, seharusnya {expected}",
        "found {found}, expected {expected}";
    "serde.found" => "ditemukan {found}", "found {found}";
    "serde.expected" => "seharusnya {expected}", "expected {expected}";
    "serde.no_other_field" => "tidak ada kolom lain", "no other field";
    "serde.not_allowed" => "tidak diperbolehkan", "not allowed";
    "version.unsupported" => "versi dokumen {found} tidak didukung (seharusnya 1)",
        "document version {found} is not supported (expected 1)";
    "date.invalid" => "bukan tanggal yang sah dengan format YYYY-MM-DD",
        "not a real date in the form YYYY-MM-DD";
    "text.empty" => "tidak boleh kosong",
        "must not be empty";
    "text.too_long" => "terlalu panjang: {len} karakter, paling banyak {max}",
        "too long: {len} characters, at most {max}";
    "text.control_char" => "berisi tab, ganti baris atau karakter kendali lain",
        "contains a tab, line break or other control character";
    "text.emoji" => "berisi emoji yang tidak dapat dicetak pada kartu",
        "contains emoji, which the card cannot print";
    "text.right_to_left" => "berisi tulisan kanan-ke-kiri atau tanda arah yang tidak dapat dicetak pada kartu",
        "contains right-to-left text or direction marks, which the card cannot print";
    "text.unsupported_char" => "berisi karakter yang tidak ada pada huruf kartu (hanya huruf Latin)",
        "contains characters the card fonts cannot print (only Latin letters are supported)";
    "text.forbidden_char" => "berisi karakter yang tidak diperbolehkan di sini (yang boleh: {allowed})",
        "contains a character not allowed here (allowed: {allowed})";
    "nik.format" => "NIK harus tepat 16 angka",
        "NIK must be exactly 16 digits";
    "nik.date_invalid" => "angka ke-7 s.d. 12 NIK bukan tanggal yang sah (DDMMYY)",
        "digits 7-12 of the NIK are not a real date (DDMMYY)";
    "nik.sex_mismatch" => "tanggal lahir pada NIK (lebih dari 40 untuk perempuan) tidak sesuai jenis kelamin",
        "the NIK's day of birth (over 40 for women) disagrees with the sex";
    "nik.birth_date_mismatch" => "tanggal pada NIK berbeda dengan tanggal lahir",
        "the date in the NIK differs from the date of birth";
    "nik.serial_zero" => "angka ke-13 s.d. 16 NIK tidak boleh 0000",
        "digits 13-16 of the NIK must not be 0000";
    "nik.province_unknown" => "kode provinsi {code} pada NIK tidak ada di tabel stasiun",
        "province code {code} of the NIK is not in the station's table";
    "no_kk.format" => "No. KK harus tepat 16 angka",
        "No. KK must be exactly 16 digits";
    "rt_rw.format" => "RT/RW harus ditulis NNN/NNN, misalnya 003/007",
        "RT/RW must be written NNN/NNN, e.g. 003/007";
    "kabupaten_kota.kind" => "harus diawali KOTA atau KABUPATEN, misalnya KOTA BANDUNG",
        "must start with KOTA or KABUPATEN, e.g. KOTA BANDUNG";
    "id.format" => "harus 1-64 karakter A-Z, a-z, 0-9, '.', '_' atau '-'",
        "must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-'";
    "field.missing" => "wajib untuk jenis dokumen ini tetapi tidak ada",
        "required for this document type but absent";
    "field.ignored" => "tidak dicetak pada jenis dokumen ini; diabaikan",
        "not printed on this document type; ignored";
    "date_of_birth.after_issue" => "tanggal lahir sesudah tanggal terbit",
        "the date of birth is after the issue date";
    "kia.too_old" => "pemilik berumur {age} tahun pada tanggal terbit: KIA untuk di bawah 17 tahun, terbitkan KTP-el",
        "the holder is {age} on the issue date: a KIA is for under 17, issue a KTP-el";
    "kia.married" => "KIA hanya untuk anak yang belum pernah kawin: terbitkan KTP-el",
        "a KIA is only for children who have never married: issue a KTP-el";
    "ktp_el.too_young" => "pemilik berumur {age} tahun dan belum pernah kawin: KTP-el perlu umur 17 atau sudah kawin, terbitkan KIA",
        "the holder is {age} and has never married: a KTP-el needs age 17 or marriage, issue a KIA";
    "valid_until.mismatch" => "masa berlaku yang tertulis berbeda dengan aturan ({computed})",
        "the stated validity differs from the rules ({computed})";
    "stay_permit.expired" => "izin tinggal tetap (KITAP) sudah berakhir sebelum tanggal terbit: kartu tidak dapat diterbitkan",
        "the stay permit (KITAP) ended before the issue date: no card can be issued on it";
    "valid_until.after_permit" => "masa berlaku tidak boleh melewati akhir izin tinggal ({permit_end})",
        "the validity may not extend past the stay permit's end ({permit_end})";
    "valid_until.before_issue" => "masa berlaku berakhir sebelum tanggal terbit",
        "the validity ends before the issue date";
    "valid_until.beyond_limit" => "masa berlaku KIA ini tidak boleh melewati {limit}",
        "the validity may not extend past {limit} for this KIA";
    "image.base64" => "gambar sisipan bukan base64 yang sah",
        "the inline image is not valid base64";
    "image.not_found" => "berkas gambar tidak ada",
        "the image file does not exist";
    "image.read" => "berkas gambar tidak dapat dibaca ({reason})",
        "cannot read the image file ({reason})";
    "image.too_large" => "gambar lebih besar dari {limit} byte",
        "the image is larger than {limit} bytes";
    "image.format" => "gambar bukan JPEG maupun PNG",
        "the image is neither JPEG nor PNG";
    "intake.duplicate_in_batch" => "batch {batch} sudah memuat pekerjaan {other} untuk NIK ini: satu KIA per anak",
        "batch {batch} already holds job {other} for this NIK: one KIA per child";
    "batch.unknown" => "batch {batch} tidak dikenal di stasiun ini", "batch {batch} is not known at this station";
    "batch.programme_unknown" => "batch memakai kebijakan {name} yang tidak dikenal stasiun ini (lihat [validation.policies] di konfigurasi)",
        "the batch names the policy {name}, which this station does not know (see [validation.policies] in the configuration)";
    "batch.first_issuance_only" => "batch sekolah hanya untuk penerbitan pertama (baru); kartu hilang, rusak atau perubahan data diajukan perorangan",
        "a school batch is for first issuance only (new); lost, damaged or changed-data cards are applied for individually";
    "image.jpeg_required" => "foto harus JPEG menurut kebijakan ini",
        "the photo must be a JPEG under this policy";
    "image.too_many_pixels" => "gambar berukuran {width}x{height} piksel, melebihi batas {limit} piksel",
        "the image is {width}x{height} pixels, more than {limit} pixels allowed";
    "image.corrupt" => "data gambar rusak dan tidak dapat dibaca",
        "the image data is damaged and cannot be decoded";
    "image.truncated" => "berkas gambar tidak lengkap (berakhir sebelum penanda akhirnya); kirim ulang",
        "the image file is incomplete (it ends before its end marker); send it again";
    "image.checksum" => "berkas gambar rusak (checksum PNG tidak cocok); kirim ulang",
        "the image file is damaged (a PNG checksum does not match); send it again";
    "vocab.unknown" => "harus salah satu dari: {allowed}", "must be one of: {allowed}";
    "photo.background" => "latar foto tampak {found}, tahun lahir mengharuskan {expected}",
        "photo background looks {found}, the birth year requires {expected}";

    // Layout directory (`LayoutError`).
    "layout_dir.io" => "berkas tata letak {path} tidak dapat dibaca: {source}",
        "cannot read {path}: {source}";
    "layout_dir.manifest" => "manifes tata letak {path} tidak valid: {message}",
        "manifest {path}: {message}";
    "layout_dir.svg" => "templat SVG tata letak {layout} tidak valid: {message}",
        "SVG template of layout {layout}: {message}";
    "layout_dir.canvas" => "kanvas SVG tata letak {layout} harus 1016 × 648 px (viewBox 0 0 1016 648)",
        "layout {layout}: the SVG canvas must be width=1016 height=648 viewBox=\"0 0 1016 648\"";
    "layout_dir.missing_element" => "tata letak {layout}: elemen dengan id \"{id}\" tidak ada di SVG",
        "layout {layout}: no element with id \"{id}\" in the SVG";
    "layout_dir.transformed" => "tata letak {layout}: elemen \"{id}\" atau induknya memakai transform",
        "layout {layout}: element \"{id}\" or a parent has a transform; apply it in Inkscape";
    "layout_dir.bad_element" => "tata letak {layout}: elemen \"{id}\" tidak sesuai ({problem})",
        "layout {layout}: element \"{id}\": {problem}";
    "layout_dir.font_missing" => "tata letak {layout}: huruf \"{family}\" (tebal: {bold}) tidak ada di layouts/fonts",
        "layout {layout}: font \"{family}\" (bold: {bold}) is not in layouts/fonts";
    "layout_dir.missing_layout" => "tata letak {name} tidak ditemukan",
        "layout {name} is missing from the layout directory";
    // Layout fit (`FitError`): codes of the job findings catalogue (`docs/job.md`).
    "layout.text_no_fit" => "isian {field} terlalu panjang untuk tata letak {layout}, walau dengan pengaturan terkecil yang masih terbaca",
        "field {field} does not fit layout {layout}, even at its smallest legible setting";
    "layout.unsupported_char" => "isian {field} memuat karakter yang tidak dapat dicetak: U+{codepoint}",
        "field {field} contains a character the card font cannot print: U+{codepoint}";
    "layout.qr_too_large" => "data QR ({bytes} bita) terlalu besar untuk kotak QR tata letak {layout}",
        "QR payload ({bytes} bytes) is too large for the QR slot of layout {layout}";
    "layout.barcode_too_long" => "data barcode ({chars} karakter) terlalu panjang untuk tata letak {layout}",
        "barcode payload ({chars} characters) is too long for the barcode slot of layout {layout}";
    "layout.barcode_char" => "data barcode memuat karakter yang tidak didukung Code 128: U+{codepoint}",
        "barcode payload contains a character Code 128 cannot carry: U+{codepoint}";
    "layout.image_missing" => "tata letak {layout} memerlukan gambar untuk {slot}",
        "layout {layout} needs an image for slot {slot}";
    "layout.no_slot" => "desain kartu {design} tidak punya tempat untuk {item}",
        "card design {design} has no slot for {item}";
    "layout.not_loaded\",
        }" => "tata letak {name} belum dimuat",
        "layout {name} is not loaded";

    // Server link (`LinkError`). The server's code and message are its own (English) words.
    "link.unauthorized" => "server menolak token stasiun (HTTP {status}); periksa link.token_file",
        "the server refused the station token (HTTP {status}); check link.token_file";
    "link.certificate" => "sertifikat server: {problem}", "server certificate: {problem}";
    "link.cert.unknown_issuer" => "ditandatangani CA yang tidak dikenal (periksa link.ca_file)", "signed by an unknown CA (check link.ca_file)";
    "link.cert.expired" => "kedaluwarsa (atau jam stasiun salah)", "expired (or the station clock is wrong)";
    "link.cert.wrong_host" => "diterbitkan untuk nama host lain (periksa link.server_url)", "issued for another host name (check link.server_url)";
    "link.cert.client_refused" => "server menolak sertifikat klien stasiun", "the server refused the station's client certificate";
    "link.kind.busy" => "server sibuk", "server busy";
    "link.kind.error" => "kesalahan server", "server error";
    "link.kind.refused" => "server menolak permintaan", "server refused the request";
    "link.timeout" => "server tidak menjawab tepat waktu", "the server did not answer in time";
    "link.connect" => "tidak dapat menghubungi server: {reason}", "cannot reach the server: {reason}";
    "link.server" => "{kind} (HTTP {status} {code}){server_says}", "{kind} (HTTP {status} {code}){server_says}";
    "link.lease_lost" => "sewa (lease) {lease_id} hilang", "lease {lease_id} lost";
    "link.protocol" => "jawaban server tidak sesuai protokol: {reason}", "answer does not match the protocol: {reason}";
    "link.config" => "konfigurasi link: {reason}", "link configuration: {reason}";
    "link.token_empty" => "file token {path} kosong", "token file {path} is empty";
    "link.token_characters" => "token memuat karakter yang tidak boleh ada di HTTP; periksa file tokennya",
        "the token holds characters not allowed in HTTP; check its file";
    "link.ca_file" => "link.ca_file tidak dapat dibaca sebagai PEM ({detail})", "link.ca_file cannot be read as PEM ({detail})";
    "link.ca_file_empty" => "link.ca_file tidak memuat sertifikat", "link.ca_file holds no certificate";
    "link.client_identity" => "link.client_cert/client_key tidak dapat dipakai ({detail})", "link.client_cert/client_key cannot be used ({detail})";
    "link.http_client" => "klien HTTP tidak dapat dibuat ({detail})", "the HTTP client cannot be built ({detail})";
    "link.no_table" => "tidak ada tabel [link] di konfigurasi", "no [link] table in the configuration";
    "link.push_needs_token" => "link.push_listen memerlukan link.push_token_file", "link.push_listen needs link.push_token_file";
    "link.push_tls" => "link.{key}: {reason}", "link.{key}: {reason}";

    // Bundles (`BundleError`).
    "bundle.malformed" => "bukan bundel cetak: {reason}",
        "not a cetak bundle: {reason}";
    "bundle.version" => "versi format bundel {version} tidak didukung (stasiun ini membaca {supported})",
        "bundle format version {version} is not supported (this station reads {supported})";
    "bundle.too_large" => "bundel berukuran {size} byte, melebihi {max} byte yang dibaca stasiun; minta dipecah menjadi beberapa bundel",
        "bundle is {size} bytes, more than the {max} a station reads; ask for it split into several bundles";
    "bundle.kind" => "jenis bundel {kind} tidak dapat dipakai di sini",
        "bundle kind {kind} cannot be used here";
    "bundle.checksum" => "isi bundel tidak cocok dengan sha256-nya (rusak atau diubah)",
        "bundle content does not match its sha256 (damaged or altered)";
    "bundle.wrong_station" => "bundel ini untuk stasiun {found}, stasiun ini {expected}",
        "bundle is for station {found}, this is {expected}";
    // Signed jobs (`SignatureError`); the reason codes the server sees are `SignatureError::code`.
    "signature.not_jws" => "pekerjaan tidak bertanda tangan",
        "the job is not signed";
    "signature.malformed" => "tanda tangan pekerjaan rusak: {reason}",
        "malformed signed job: {reason}";
    "signature.unsupported_algorithm" => "algoritme tanda tangan {alg} tidak diterima (hanya EdDSA)",
        "signature algorithm {alg} is not accepted (only EdDSA)";
    "signature.unknown_key" => "kunci penanda tangan {kid} tidak dipercaya stasiun ini",
        "signing key {kid} is not trusted by this station";
    "signature.key_expired" => "kunci penanda tangan {kid} sudah kedaluwarsa",
        "signing key {kid} has expired";
    "signature.bad_signature" => "tanda tangan tidak cocok dengan pekerjaan",
        "the signature does not match the job";
    // Job refused before printing (`JobRefusal`): the validation report, in each language.
    "job.refused" => "{report}", "{report}";

    // Hand-over at the pickup counter (`HandOverRefusal`); the part after `handover.` is the
    // control API's code.
    "handover.already_handed_over" => "pekerjaan {job} sudah diserahkan pada {at}",
        "job {job} was already handed over at {at}";
    "handover.pickup_code_required" => "pekerjaan {job} memiliki kode pengambilan: masukkan kode pemohon (--code)",
        "job {job} carries a pickup code: give the applicant's code (--code)";
    "handover.pickup_code_mismatch" => "pekerjaan {job}: kode pengambilan tidak cocok; kartu tidak diserahkan",
        "job {job}: the pickup code does not match; the card is not handed over";
    "handover.no_pickup_code" => "pekerjaan {job} tidak memiliki kode pengambilan; periksa kartunya, lalu serahkan tanpa --code",
        "job {job} carries no pickup code; check the card, then hand it over without --code";
    "handover.relation_not_allowed" => "hubungan {relation} tidak diizinkan di sini: satu kartu untuk kepala-keluarga atau anggota-keluarga, satu batch untuk sekolah",
        "relation {relation} is not allowed here: one card goes to kepala-keluarga or anggota-keluarga, a batch to sekolah";
    "handover.bad_recipient_name" => "nama penerima wajib diisi (1-100 karakter, tanpa karakter kontrol)",
        "the recipient's name is required (1-100 characters, no control characters)";
    "handover.nothing_to_hand_over" => "batch {batch} tidak memiliki kartu tercetak yang menunggu diserahkan ({handed_over} sudah diserahkan, {not_printed} belum tercetak)",
        "batch {batch} has no printed card waiting for hand-over ({handed_over} already handed over, {not_printed} not printed)";

    // Daemon (`DaemonError`). The text-only variants carry what their source wrote.
    "daemon.io" => "{path}: {source}", "{path}: {source}";
    // The places the daemon writes, checked before it starts (`daemon::preflight`).
    "preflight.unreadable" => "daemon cetak tidak dapat mulai: {path} tidak dapat dibaca ({reason}); perbaiki izinnya agar dimiliki pengguna {user}",
        "cetak daemon cannot start: {path} cannot be read ({reason}); fix its permissions so that user {user} owns it";
    "preflight.folder_for_file" => "daemon cetak tidak dapat mulai: {path} adalah folder padahal seharusnya berkas; pindahkan",
        "cetak daemon cannot start: {path} is a folder where a file belongs; move it away";
    "preflight.file_for_folder" => "daemon cetak tidak dapat mulai: {path} adalah berkas padahal seharusnya folder; pindahkan",
        "cetak daemon cannot start: {path} is a file where a folder belongs; move it away";
    "preflight.owner" => "daemon cetak tidak dapat mulai: {path} dimiliki {owner} (uid {owner_uid}), bukan pengguna layanan {user} (uid {uid}); perbaiki: {fix}",
        "cetak daemon cannot start: {path} is owned by {owner} (uid {owner_uid}), not by the service user {user} (uid {uid}); fix: {fix}";
    "preflight.not_writable" => "daemon cetak tidak dapat mulai: {path} tidak dapat ditulis pengguna layanan {user} (mode {mode}); perbaiki: chmod {want} {path}",
        "cetak daemon cannot start: {path} is not writable by the service user {user} (mode {mode}); fix: chmod {want} {path}";
    "preflight.chmod" => "daemon cetak tidak dapat mulai: chmod {want} {path}: {reason}", "cetak daemon cannot start: chmod {want} {path}: {reason}";

    // A printer's worker pausing for an operator (`daemon::worker`).
    "worker.printer_fault" => "Printer {printer}: {reason}", "Printer {printer}: {reason}";
    "worker.encoder_failed" => "Printer {printer}: encoder gagal: {reason}", "Printer {printer}: encoder failed: {reason}";
    "worker.tamper" => "printer {printer}: penghitung kartu perangkat berbeda {diff} dari buku stok",
        "printer {printer}: hardware card counter differs from the ledger by {diff}";
    "worker.no_blangko_in_ledger" => "Printer {printer}: menurut buku stok feeder kosong ({reason}); catat dulu `cetak stock load`",
        "Printer {printer}: the ledger shows no blangko in its feeder ({reason}); record `cetak stock load` first";

    // Intake (`IntakeError`).
    "intake.image_path" => "{field}: gambar harus disertakan (base64), bukan jalur berkas", "{field}: images must be inline (base64), not a file path";
    "intake.io" => "{path}: {source}", "{path}: {source}";
    "intake.invalid_job" => "{detail}", "{detail}";
    "daemon.encoder" => "printer {printer}: encoder chip tidak dapat disiapkan: {detail}",
        "printer {printer}: {detail}";
    "daemon.shutdown_task" => "tugas penghentian berakhir tidak wajar: {detail}",
        "shutdown task: {detail}";
    "daemon.invalid_job" => "{detail}", "{detail}";
    "dashboard.listen" => "[dashboard] listen = {listen}: {detail}", "[dashboard] listen = {listen}: {detail}";
    "dashboard.bind" => "[dashboard] listen = {listen}: {reason}; pilih port lain atau hentikan yang memakainya",
        "[dashboard] listen = {listen}: {reason}; choose another port or stop what holds it";
    "dashboard.tls" => "[dashboard] tls_cert/tls_key: {detail}", "[dashboard] tls_cert/tls_key: {detail}";
    "daemon.place" => "{detail}", "{detail}"; // Indonesian and English both, one line each

    // Command-line errors of clap (`cli::usage_error`); `{arg}`, `{value}`, `{valid}` and
    // `{subcommand}` are clap's context (empty when clap gives none).
    "usage.invalid_value" => "galat: nilai '{value}' tidak sah untuk '{arg}' (yang boleh: {valid})",
        "error: invalid value '{value}' for '{arg}' (possible values: {valid})";
    "usage.value_required" => "galat: '{arg}' memerlukan nilai, tetapi tidak ada yang diberikan",
        "error: a value is required for '{arg}' but none was supplied";
    "usage.unknown_argument" => "galat: argumen '{arg}' tidak dikenal",
        "error: unexpected argument '{arg}' found";
    "usage.invalid_subcommand" => "galat: subperintah '{subcommand}' tidak dikenal",
        "error: unrecognized subcommand '{subcommand}'";
    "usage.missing_argument" => "galat: argumen wajib tidak diberikan: {arg}",
        "error: the following required arguments were not provided: {arg}";
    "usage.missing_subcommand" => "galat: subperintah diperlukan",
        "error: a subcommand is required";
    "usage.conflict" => "galat: argumen '{arg}' tidak dapat dipakai bersama '{value}'",
        "error: the argument '{arg}' cannot be used with '{value}'";
    "usage.value_validation" => "galat: nilai '{value}' tidak sah untuk '{arg}'",
        "error: invalid value '{value}' for '{arg}'";
    "usage.number_of_values" => "galat: jumlah nilai untuk '{arg}' salah",
        "error: wrong number of values for '{arg}'";
    "usage.no_equals" => "galat: '{arg}' memerlukan tanda = sebelum nilainya",
        "error: '{arg}' needs = before its value";
    "usage.hint" => "Lihat 'cetak --help' (atau 'cetak PERINTAH --help').",
        "For more information, try 'cetak --help' (or 'cetak COMMAND --help').";

    // `cetak --help` and every `cetak … --help` (`cli::help`); the template's `{…}` are clap's.
    // The commands' and options' texts are in `help.rs`.
    "help.about" => "cetak: stasiun cetak KTP-el dan KIA.", "cetak: print station for KTP-el and KIA cards.";
    "help.template" => "{before-help}{about-with-newline}\nPenggunaan: {usage}\n\n{all-args}{after-help}",
        "{before-help}{about-with-newline}\nUsage: {usage}\n\n{all-args}{after-help}";
    "help.commands" => "Perintah", "Commands";
    "help.options" => "Opsi", "Options";

    // The command line's own sentences (`src/cli/`).
    // `cetak batch list|show`.
    "cli.batch.none" => "belum ada batch", "no batches yet";
    "cli.batch.id" => "batch", "batch";
    "cli.batch.name" => "nama", "name";
    "cli.batch.programme" => "kebijakan", "policy";
    "cli.batch.station_policy" => "kebijakan stasiun", "the station's policy";
    "cli.batch.total" => "jumlah", "total";
    "cli.batch.boys" => "laki-laki", "boys";
    "cli.batch.girls" => "perempuan", "girls";
    "cli.batch.sex_unknown" => "jenis kelamin tak diketahui", "sex unknown";
    "cli.batch.printed" => "tercetak", "printed";
    "cli.batch.handed_over" => "diserahkan", "handed over";
    "cli.batch.spoiled" => "rusak", "spoiled";
    "cli.batch.waiting" => "menunggu", "waiting";
    "cli.batch.failed" => "gagal", "failed";
    "cli.batch.rejected" => "ditolak", "rejected";
    "cli.batch.cancelled" => "dibatalkan", "cancelled";
    "cli.batch.left" => "belum tercetak", "not yet printed";
    "cli.nothing_waits_for_an_operator" => "tidak ada yang menunggu operator",
        "nothing waits for an operator";
    "cli.printer" => "printer",
        "printer";
    "cli.accepted" => "menerima",
        "accepted";
    "cli.event" => "kejadian",
        "event";
    "cli.operator" => "operator",
        "operator";
    "cli.actions" => "tindakan",
        "actions";
    "cli.station" => "Stasiun",
        "Station";
    "cli.printers" => "Printer",
        "Printers";
    "cli.ribbon_left" => "sisa pita",
        "ribbon left";
    "cli.waiting_for_an_operator" => "Menunggu operator",
        "Waiting for an operator";
    "cli.jobs" => "Job",
        "Jobs";
    "cli.alerts" => "Peringatan",
        "Alerts";
    "cli.connected" => "terhubung",
        "connected";
    "cli.failing_since" => "GAGAL sejak",
        "FAILING since";
    "cli.no_answer_yet" => "belum ada jawaban",
        "no answer yet";
    "cli.events_waiting" => "event menunggu dikirim",
        "events waiting";
    "cli.refused_by_the_server" => "ditolak server",
        "refused by the server";
    "cli.cards_printed_since_the_daemon" => "Kartu tercetak sejak daemon mulai",
        "Cards printed since the daemon started";
    "cli.job_spooled" => "job masuk spool:",
        "job spooled:";
    "cli.audit_trail_broken_at_row" => "JEJAK AUDIT RUSAK pada baris",
        "AUDIT TRAIL BROKEN at row";
    "cli.audit_trail_intact" => "jejak audit utuh",
        "audit trail intact";
    "cli.rows" => "baris",
        "rows";
    "cli.no_job_in_doubt" => "tidak ada job diragukan",
        "no job in doubt";
    "cli.attempt" => "percobaan",
        "attempt";
    "cli.while" => "saat",
        "while";
    "cli.events_waiting_for_delivery" => "event menunggu dikirim",
        "events waiting for delivery";
    "cli.events_refused_by_the_server" => "event ditolak server",
        "events refused by the server";
    "cli.events_back_in_the_delivery" => "event dikembalikan ke antrean",
        "events back in the delivery queue";
    "cli.recorded" => "tercatat",
        "recorded";
    "cli.card_written_off_job" => "kartu dihapusbukukan, job",
        "card written off, job";
    "cli.type_or_job_is_required" => "--type atau --job wajib",
        "--type or --job is required";
    "cli.ledger_balances" => "stok seimbang",
        "ledger balances";
    "cli.problem" => "MASALAH",
        "PROBLEM";
    "cli.type" => "jenis",
        "type";
    "cli.received" => "diterima",
        "received";
    "cli.adjust" => "koreksi",
        "adjust";
    "cli.store" => "gudang",
        "store";
    "cli.feeders" => "feeder",
        "feeders";
    "cli.printers_2" => "printer",
        "printers";
    "cli.consumed" => "terpakai",
        "consumed";
    "cli.spoiled" => "rusak",
        "spoiled";
    "cli.returned" => "kembali",
        "returned";
    "cli.imbalance" => "selisih",
        "imbalance";
    "cli.offline_data_folder_data_cannot" => "--offline: folder data {data} tidak dapat dibuka ({e}); jalankan daemon sekali atau `systemd-tmpfiles --create` terlebih dahulu",
        "--offline: data folder {data} cannot be used ({e}); start the daemon once or run `systemd-tmpfiles --create` first";
    "cli.offline_is_for_root_or" => "--offline hanya untuk root atau pengguna layanan (pemilik {data}); jalankan daemon (systemctl start cetak) dan ulangi tanpa --offline",
        "--offline is for root or the service user (owner of {data}) only; start the daemon (systemctl start cetak) and repeat without --offline";
    "cli.offline_could_not_switch_to" => "--offline: gagal beralih ke pemilik {data}: {e}",
        "--offline: could not switch to the owner of {data}: {e}";
    "cli.warning_single_side_printer_the" => "Peringatan: printer satu sisi, sisi belakang tidak dicetak",
        "Warning: single-side printer, the back is not printed";
    "cli.virtual_card_connecting_to_vpcd" => "Kartu virtual terhubung ke vpcd {addr} (Ctrl-C untuk berhenti)",
        "Virtual card connecting to vpcd {addr} (Ctrl-C to stop)";
    "cli.rejected" => "DITOLAK",
        "REJECTED";
    "cli.acknowledgement_for_an_unknown_event" => "konfirmasi untuk event yang tidak dikenal:",
        "acknowledgement for an unknown event:";
    "cli.exported_n_events_and_the" => "diekspor: {n} event dan laporan stok",
        "exported: {n} events and the stock report";
};
