//! serde's and the TOML parser's fixed English phrases told in Bahasa Indonesia, so that a
//! config or job mistake reads in one language under `--lang id`.
//!
//! The phrases are the ones serde's `de::Error` defaults, `serde_json`, `toml` and
//! `toml_parser` put together (`invalid type: {found}, expected {expected}`, `missing field`,
//! the parser's descriptions such as `unclosed table`). What they quote (`` `key` ``, type
//! names such as `u32`) is kept. A phrase this table does not know is not guessed at: its
//! Indonesian text names the kind of mistake and keeps the parser's words marked as such.

/// serde's word for a kind of value that was found ("integer", "string", "floating point"…),
/// with what follows it (a quoted value in a TOML message) kept.
pub fn found_id(found: &str) -> String {
    const KINDS: &[(&str, &str)] = &[
        ("floating point", "bilangan pecahan"),
        ("byte array", "deret byte"),
        ("unit value", "null"),
        ("Option value", "nilai opsional"),
        ("newtype struct", "struct"),
        ("unit variant", "varian enum"),
        ("newtype variant", "varian enum"),
        ("tuple variant", "varian enum"),
        ("struct variant", "varian enum"),
        ("boolean", "boolean"),
        ("integer", "bilangan bulat"),
        ("floating", "bilangan pecahan"),
        ("number", "angka"),
        ("character", "karakter"),
        ("string", "teks"),
        ("null", "null"),
        ("unit", "null"),
        ("sequence", "larik"),
        ("array", "larik"),
        ("map", "objek"),
        ("object", "objek"),
        ("enum", "enum"),
        ("table", "tabel"),
        ("datetime", "tanggal-waktu"),
    ];
    for (en, id) in KINDS {
        if let Some(rest) = found.strip_prefix(en) {
            if rest.is_empty() || rest.starts_with(' ') {
                return format!("{id}{rest}");
            }
        }
    }
    format!("nilai lain ({found})")
}

/// serde's "expected …" phrase: a type's `expecting` text, a list of allowed names, or nothing.
pub fn expected_id(expected: &str) -> String {
    let e = expected.trim();
    if let Some(list) = e.strip_prefix("one of ") {
        return format!("salah satu dari {list}");
    }
    if let Some((a, b)) = e.split_once("` or `") {
        return format!("{a}` atau `{b}");
    }
    if let Some(name) = e.strip_prefix("struct variant ") {
        return format!("varian {name}");
    }
    if let Some(name) = e.strip_prefix("tuple struct ") {
        return format!("larik {name}");
    }
    if let Some(name) = e.strip_prefix("struct ") {
        return format!("objek {name}");
    }
    if let Some(name) = e.strip_prefix("enum ") {
        return format!("salah satu nilai {name}");
    }
    if let Some(n) = e
        .strip_prefix("a tuple of size ")
        .or_else(|| e.strip_prefix("tuple of size "))
        .or_else(|| e.strip_prefix("an array of length "))
        .or_else(|| e.strip_prefix("array of length "))
    {
        return format!("larik berisi {n} nilai");
    }
    let plain = match e {
        "a string" | "a borrowed string" | "string" | "a string or bytes" => "teks",
        "a boolean" | "bool" => "boolean (true atau false)",
        "a character" | "char" => "satu karakter",
        "a sequence" | "a list" | "an array" => "larik",
        "a map" | "a table" => "objek",
        "a JSON object" => "objek JSON",
        "unit" => "null",
        "option" => "nilai atau null",
        "a number" | "a float" | "f32" | "f64" => "angka",
        "an integer" | "integer" => "bilangan bulat",
        "a TOML datetime" | "a datetime" | "datetime" => "tanggal-waktu TOML",
        "nothing" | "there are no fields" | "there are no variants" => "tidak ada",
        _ => "",
    };
    if !plain.is_empty() {
        return plain.to_owned();
    }
    if is_integer_type(e) {
        return format!("bilangan bulat ({e})");
    }
    if e.starts_with('`') && e.ends_with('`') && !e[1..e.len() - 1].contains('`') {
        return e.to_owned();
    }
    format!("teks pengurai: {e}")
}

fn is_integer_type(t: &str) -> bool {
    matches!(
        t,
        "u8" | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "usize"
            | "i8"
            | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "isize"
    )
}

/// A parser's message with no phrase of ours: its own words, marked as the parser's
/// (`teks pengurai: …`), unless serde's shape is found at the end of it.
pub fn parser_text_id(message: &str) -> String {
    let tails =
        std::iter::once(message).chain(message.match_indices(": ").map(|(i, _)| &message[i + 2..]));
    for tail in tails {
        if let Some(id) = data_error_id(tail) {
            return id;
        }
    }
    format!("teks pengurai: {message}")
}

/// A serde data error (`invalid type…`, `missing field…`, `unknown field…`…) in Bahasa
/// Indonesia, or `None` when its shape is not one serde writes.
pub fn data_error_id(message: &str) -> Option<String> {
    let (head, expected) = match message.split_once(", expected ") {
        Some((h, e)) => (h, Some(e)),
        None => (message, None),
    };
    let expected = expected.map(expected_id);
    let with_expected = |what: String| match &expected {
        Some(e) => format!("{what}, seharusnya {e}"),
        None => what,
    };
    if let Some(found) = head.strip_prefix("invalid type: ") {
        return Some(with_expected(format!(
            "jenis nilai salah: {}",
            found_id(found)
        )));
    }
    if let Some(found) = head.strip_prefix("invalid value: ") {
        return Some(with_expected(format!(
            "nilai tidak sah: {}",
            found_id(found)
        )));
    }
    if let Some(n) = head.strip_prefix("invalid length ") {
        return Some(with_expected(format!("panjang {n} tidak sah")));
    }
    if let Some(name) = head.strip_prefix("unknown field ") {
        return Some(with_expected(format!("kunci tidak dikenal {name}")));
    }
    if let Some(name) = head.strip_prefix("unknown variant ") {
        return Some(with_expected(format!("nilai tidak dikenal {name}")));
    }
    if let Some(name) = head.strip_prefix("missing field ") {
        return Some(format!("kunci wajib tidak ada: {name}"));
    }
    if let Some(name) = head.strip_prefix("duplicate field ") {
        return Some(format!("kunci ditulis dua kali: {name}"));
    }
    None
}

/// A message of the `toml` crate (a parser description with its expected tokens, or a serde
/// data error) in Bahasa Indonesia.
pub fn toml_message_id(message: &str) -> String {
    if let Some(id) = data_error_id(message) {
        return id;
    }
    let (description, expected) = match message.split_once(", expected ") {
        Some((d, e)) => (d, Some(e)),
        None => (message, None),
    };
    let what = match TOML_DESCRIPTIONS.iter().find(|(en, _)| *en == description) {
        Some((_, id)) => (*id).to_owned(),
        None => format!("TOML tidak sah (teks pengurai: {description})"),
    };
    match expected {
        Some(list) => {
            let items: Vec<String> = list.split(", ").map(toml_expected_id).collect();
            format!("{what}; seharusnya {}", items.join(", "))
        }
        None => what,
    }
}

/// One item of the parser's "expected" list: a quoted literal, `newline`, or a description.
fn toml_expected_id(item: &str) -> String {
    if item.starts_with('`') || item.starts_with('\'') {
        return item.to_owned();
    }
    let id = match item {
        "newline" => "baris baru",
        "nothing" => "tidak ada",
        "etc" => "dll.",
        "basic string" => "string biasa (\"…\")",
        "literal string" => "string literal ('…')",
        "multi-line basic string" => "string biasa multi-baris",
        "key" => "kunci",
        "value" => "nilai",
        "digits" | "numbers" => "angka",
        "letters" => "huruf",
        "characters" => "karakter",
        "printable characters" => "karakter yang tercetak",
        "non-double-quote visible characters" => "karakter tampak selain tanda kutip ganda",
        "non-single-quote characters" => "karakter selain tanda kutip tunggal",
        "non-single-quote visible characters" => "karakter tampak selain tanda kutip tunggal",
        "unicode hexadecimal value" => "nilai unicode heksadesimal",
        other => return datetime_range_id(other),
    };
    id.to_owned()
}

/// toml_datetime's "month between 01 and 12" and the like.
fn datetime_range_id(item: &str) -> String {
    const UNITS: &[(&str, &str)] = &[
        ("month", "bulan"),
        ("day", "tanggal"),
        ("hours", "jam"),
        ("hour", "jam"),
        ("minutes", "menit"),
        ("minute", "menit"),
        ("second", "detik"),
    ];
    for (en, id) in UNITS {
        if let Some(range) = item.strip_prefix(&format!("{en} between ")) {
            return format!("{id} antara {}", range.replace(" and ", " dan "));
        }
    }
    format!("teks pengurai: {item}")
}

/// Every description `toml` 1.2 and `toml_parser` 1.1 give a syntax error, in Bahasa Indonesia.
const TOML_DESCRIPTIONS: &[(&str, &str)] = &[
    (
        "`_` may only go between digits",
        "`_` hanya boleh di antara angka",
    ),
    (
        "cannot recurse further; max recursion depth met",
        "bersarang terlalu dalam",
    ),
    (
        "carriage return must be followed by newline",
        "carriage return harus diikuti baris baru",
    ),
    ("duplicate key", "kunci ditulis dua kali"),
    ("extra `=`", "`=` berlebih"),
    (
        "extra assignment between key-value pairs",
        "`=` berlebih di antara pasangan kunci-nilai",
    ),
    ("extra comma in array", "koma berlebih di dalam larik"),
    (
        "extra comma in inline table",
        "koma berlebih di dalam tabel sebaris",
    ),
    (
        "integers with a radix cannot be signed",
        "bilangan berawalan 0x, 0o atau 0b tidak boleh bertanda",
    ),
    (
        "invalid basic string",
        "string tidak sah (tanda kutip penutup?)",
    ),
    ("invalid binary number", "bilangan biner tidak sah"),
    ("invalid boolean", "boolean tidak sah (true atau false)"),
    (
        "invalid comment character",
        "karakter tidak sah di dalam komentar",
    ),
    ("invalid date-time", "tanggal-waktu tidak sah"),
    ("invalid date", "tanggal tidak sah"),
    ("invalid time", "waktu tidak sah"),
    ("invalid datetime", "tanggal-waktu tidak sah"),
    ("invalid offset", "zona waktu tidak sah"),
    ("invalid exponent", "eksponen tidak sah"),
    ("invalid float", "bilangan pecahan tidak sah"),
    ("invalid fraction", "pecahan tidak sah"),
    (
        "invalid hexadecimal number",
        "bilangan heksadesimal tidak sah",
    ),
    (
        "invalid inline table element",
        "elemen tabel sebaris tidak sah",
    ),
    ("invalid integer number", "bilangan bulat tidak sah"),
    ("invalid key", "kunci tidak sah"),
    ("invalid key-value pair", "pasangan kunci-nilai tidak sah"),
    ("invalid literal string", "string literal tidak sah"),
    ("invalid mantissa", "mantisa tidak sah"),
    (
        "invalid multi-line basic string",
        "string biasa multi-baris tidak sah",
    ),
    (
        "invalid multi-line literal string",
        "string literal multi-baris tidak sah",
    ),
    ("invalid octal number", "bilangan oktal tidak sah"),
    ("invalid string", "string tidak sah"),
    ("invalid table", "tabel tidak sah"),
    ("invalid unquoted key", "kunci tanpa tanda kutip tidak sah"),
    ("invalid value", "nilai tidak sah"),
    ("key with no value", "kunci tanpa nilai"),
    (
        "keys cannot be multi-line basic strings",
        "kunci tidak boleh string biasa multi-baris",
    ),
    (
        "keys cannot be multi-line literal strings",
        "kunci tidak boleh string literal multi-baris",
    ),
    ("missing array opening", "pembuka larik `[` tidak ada"),
    (
        "missing assignment between key-value pairs",
        "`=` di antara kunci dan nilai tidak ada",
    ),
    (
        "missing comma between array elements",
        "koma di antara elemen larik tidak ada",
    ),
    (
        "missing comma between key-value pairs",
        "koma di antara pasangan kunci-nilai tidak ada",
    ),
    ("missing comment start", "awal komentar `#` tidak ada"),
    ("missing escaped value", "nilai escape tidak ada"),
    (
        "missing inline table opening",
        "pembuka tabel sebaris `{` tidak ada",
    ),
    (
        "missing key for inline table element",
        "kunci elemen tabel sebaris tidak ada",
    ),
    ("missing opening quote", "tanda kutip pembuka tidak ada"),
    ("missing table open", "pembuka tabel `[` tidak ada"),
    ("missing value for key", "nilai untuk kunci tidak ada"),
    ("missing value", "nilai tidak ada"),
    (
        "radix must be lowercase",
        "awalan 0x, 0o, 0b harus huruf kecil",
    ),
    ("recursion limit", "bersarang terlalu dalam"),
    (
        "redundant integer number prefix",
        "awalan bilangan bulat berlebih",
    ),
    ("redundant numeric sign", "tanda bilangan berlebih"),
    (
        "string values must be quoted",
        "nilai teks harus diapit tanda kutip",
    ),
    ("too few unicode value digits", "digit nilai unicode kurang"),
    ("unclosed array table", "tabel larik `[[…]]` tidak ditutup"),
    ("unclosed array", "larik tidak ditutup"),
    ("unclosed inline table", "tabel sebaris tidak ditutup"),
    ("unclosed table", "tabel `[…]` tidak ditutup"),
    ("unexpected `=` in array", "`=` tidak boleh di dalam larik"),
    (
        "unexpected content between comment and newline",
        "isi tidak sah antara komentar dan baris baru",
    ),
    ("unexpected content", "isi tidak pada tempatnya"),
    (
        "unexpected key or value",
        "kunci atau nilai tidak pada tempatnya",
    ),
    ("unexpected leading zero", "angka nol di depan tidak boleh"),
    ("unexpected sign", "tanda + atau - tidak pada tempatnya"),
    (
        "unquoted keys cannot be empty",
        "kunci tanpa tanda kutip tidak boleh kosong",
    ),
];

#[cfg(test)]
mod tests;
