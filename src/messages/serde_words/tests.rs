use super::*;

/// English words of the parser and serde that must not be left in an Indonesian text.
const ENGLISH: &[&str] = &[
    "expected",
    "invalid",
    "missing",
    "unknown",
    "found",
    "unclosed",
    "duplicate",
    "teks pengurai",
];

fn assert_indonesian(id: &str, from: &str) {
    for w in ENGLISH {
        assert!(!id.contains(w), "{w:?} left in {id:?} (from {from:?})");
    }
}

#[test]
fn the_toml_parser_s_mistakes_are_told_in_indonesian() {
    let broken = [
        "a = \"unterminated\n",
        "[table\n",
        "a = 1 b = 2\n",
        "a = [1 2]\n",
        "a = 1\na = 2\n",
        "a =\n",
        "a = word\n",
        "= 1\n",
        "a = 0x-1\n",
        "a = 01\n",
        "a = { b = 1,, }\n",
        "a = [1,,2]\n",
        "[[arr\n",
        "a = 1.\n",
        "a = tru\n",
        "a = 1979-13-45\n",
        "a = 'x\n",
        "a = \"\\u12\"\n",
        "a = { b = 1\n",
    ];
    for text in broken {
        let err = toml::from_str::<toml::Table>(text).expect_err(text);
        let msg = err.message().trim().to_owned();
        assert_indonesian(&toml_message_id(&msg), &msg);
    }
}

#[test]
fn serde_s_data_errors_are_told_in_indonesian() {
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        name: String,
        port: u16,
        on: Option<bool>,
        kind: Option<Kind>,
        list: Option<Vec<u8>>,
    }
    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "kebab-case")]
    enum Kind {
        Ktp,
        Kia,
    }
    let cases = [
        "name = 5\nport = 1\n",
        "name = \"x\"\nport = \"x\"\n",
        "name = \"x\"\nport = 70000\n",
        "name = \"x\"\nport = -1\n",
        "name = \"x\"\n",
        "name = \"x\"\nport = 1\nother = 1\n",
        "name = \"x\"\nport = 1\non = 1.5\n",
        "name = \"x\"\nport = 1\nkind = \"sim\"\n",
        "name = \"x\"\nport = 1\nlist = {a = 1}\n",
        "name = [\"x\"]\nport = 1\n",
    ];
    for text in cases {
        let err = toml::from_str::<T>(text).expect_err(text);
        let msg = err.message().trim().to_owned();
        let id = data_error_id(&msg).unwrap_or_else(|| toml_message_id(&msg));
        assert_indonesian(&id, &msg);
    }
    let json = [
        r#"{"name": 5, "port": 1}"#,
        r#"{"name": "x", "port": 1, "kind": "sim"}"#,
        r#"{"name": null, "port": 1}"#,
        r#"{"name": "x", "port": 1.5}"#,
        r#"{"name": "x", "port": 1, "list": [1, "a"]}"#,
        r#"{"name": "x", "port": 1, "zzz": 1}"#,
        r#"{"port": 1}"#,
    ];
    for text in json {
        let err = serde_json::from_str::<T>(text).expect_err(text).to_string();
        let msg = err
            .rsplit_once(" at line ")
            .map_or(err.as_str(), |(m, _)| m);
        let id = data_error_id(msg).unwrap_or_else(|| panic!("unknown shape {msg:?}"));
        assert_indonesian(&id, msg);
    }
}

#[test]
fn quoted_names_and_types_are_kept() {
    assert_eq!(
        data_error_id("invalid type: integer `5`, expected a string").unwrap(),
        "jenis nilai salah: bilangan bulat `5`, seharusnya teks"
    );
    assert_eq!(
        data_error_id("unknown variant `sim`, expected `ktp` or `kia`").unwrap(),
        "nilai tidak dikenal `sim`, seharusnya `ktp` atau `kia`"
    );
    assert_eq!(
        toml_message_id("invalid basic string, expected `\"`"),
        "string tidak sah (tanda kutip penutup?); seharusnya `\"`"
    );
    assert_eq!(expected_id("u16"), "bilangan bulat (u16)");
    assert!(toml_message_id("something new").contains("teks pengurai: something new"));
}

#[test]
fn a_parser_text_is_translated_where_serde_s_shape_ends_it_and_marked_otherwise() {
    let axum = "Failed to deserialize the JSON body into the target type: count: invalid type: \
                string \"x\", expected u32";
    let id = parser_text_id(axum);
    assert!(id.starts_with("jenis nilai salah: "), "{id}");
    assert!(!id.contains("expected") && !id.contains("Failed"), "{id}");
    let other = "Expected request with `Content-Type: application/json`";
    assert_eq!(parser_text_id(other), format!("teks pengurai: {other}"));
}
