//! Texts of the configuration checks (`config/check`): what is wrong with a value, after
//! `config.invalid`'s "key `…`:". Same rules as [`super::CATALOGUE`].

use super::Entry;

/// What the configuration checks say of a refused value.
pub static CONFIG: &[Entry] = entries! {
    "config.check.empty" => "tidak boleh kosong", "must not be empty";
    "config.check.control_chars" => "berisi karakter kendali", "contains control characters";
    "config.check.socket_too_long" => "path socket kendali {path} terlalu panjang ({len} byte, paling banyak 107)",
        "control socket path {path} is too long ({len} bytes, at most 107)";
    "config.check.not_absolute" => "{path} harus path absolut (mis. /var/lib/cetak): path relatif bergantung pada folder tempat cetak dijalankan",
        "{path} must be an absolute path (e.g. /var/lib/cetak): a relative path depends on the folder cetak is started from";
    "config.check.photo_background" => "harus warn, reject atau off", "must be one of warn, reject, off";
    "config.check.lookahead" => "harus 1 atau 2", "must be 1 or 2";
    "config.check.at_least_1" => "paling sedikit 1", "must be at least 1";
    "config.check.policy_name" => "nama kebijakan: 1-64 karakter A-Z a-z 0-9 . _ -", "a policy name is 1-64 of A-Z a-z 0-9 . _ -";
    "config.check.not_an_address" => "{value} bukan alamat seperti 0.0.0.0:8443", "{value} is not an address like 0.0.0.0:8443";
    "config.check.not_a_url" => "{value} bukan URL seperti https://cetak.dinas.example/ ({reason})",
        "{value} is not a URL like https://cetak.dinas.example/ ({reason})";
    "config.check.url.empty_host" => "nama host kosong", "empty host";
    "config.check.url.port" => "nomor port tidak sah", "invalid port number";
    "config.check.url.ip" => "alamat IP tidak sah", "invalid IP address";
    "config.check.url.host" => "nama host berisi karakter yang tidak sah", "invalid character in the host name";
    "config.check.url.relative" => "tanpa skema seperti https://", "no scheme like https://";
    "config.check.url.other" => "bentuknya tidak sah", "malformed";
    "config.check.https" => "harus diawali https:// (atau http:// untuk uji)", "must start with https:// (or http:// for tests)";
    "config.check.no_host" => "URL tanpa nama host", "the URL has no host";
    "config.check.port" => "port harus 1–65535", "the port must be 1–65535";
    "config.check.credentials_in_url" => "nama pengguna atau sandi tidak boleh di URL: token stasiun ada di token_file",
        "no user name or password in the URL: the station token goes in token_file";
    "config.check.query_in_url" => "URL dasar tidak boleh memuat ? atau #", "the base URL may not have a ? query or # fragment";
    "config.check.required_with" => "wajib diisi bersama {other}", "required with {other}";
    "config.check.between" => "harus antara {lo} dan {hi}", "must be between {lo} and {hi}";
    "config.check.renew" => "paling sedikit 1 dan di bawah lease_seconds", "must be at least 1 and below lease_seconds";
    "config.check.together" => "{key} dan {other} harus diisi bersama", "{key} and {other} go together";
    "config.check.model" => "model {model} tidak dikenal: hanya evolis yang didukung", "unknown model {model}: only evolis is supported";
    "config.check.blangko" => "harus kia atau ktp-el", "must be kia or ktp-el";
    "config.check.printer_id" => "harus 1–32 huruf, angka, - atau _ (mis. P1)", "must be 1–32 letters, digits, - or _ (e.g. P1)";
    "config.check.duplicate_printer" => "id printer {id} dipakai dua kali", "duplicate printer id {id}";
    "config.check.reader_taken" => "pembaca {reader} sudah dipakai printer {printer}", "reader {reader} is already used by printer {printer}";
    "config.check.station" => "harus contact atau contactless", "must be contact or contactless";
};
