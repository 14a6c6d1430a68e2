//! Bytes → [`JobDocument`], with serde's failures turned into field-named findings. serde's
//! messages can quote the offending value (a NIK sent as a number, say); they are rewritten so
//! no input value reaches a message.

use serde::Deserialize;

use super::document::JobDocument;
use super::error::{Finding, Problem};
use super::MAX_DOCUMENT_BYTES;

/// Fields whose parse failure is reported as `date.invalid`.
const DATE_FIELDS: &[&str] = &["date_of_birth", "issue_date", "valid_until"];

pub fn parse(bytes: &[u8]) -> Result<JobDocument, Finding> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(Finding::new(
            "",
            Problem::DocumentTooLarge {
                limit: MAX_DOCUMENT_BYTES as u64,
            },
        ));
    }
    // serde lets a struct be read from a positional array; a job is an object, say so plainly.
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if let Some(&b) = first {
        if matches!(b, b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n') {
            let kind = match b {
                b'[' => "array",
                b'"' => "string",
                b't' | b'f' => "boolean",
                b'n' => "null",
                _ => "number",
            };
            return Err(Finding::new(
                "",
                Problem::JsonType {
                    found: kind.to_owned(),
                    expected: Some("a JSON object".to_owned()),
                },
            ));
        }
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result = serde_path_to_error::deserialize::<_, JobDocument>(&mut de)
        .map_err(|e| {
            let path = e.path().to_string();
            classify(&path, e.into_inner())
        })
        .and_then(|doc| de.end().map(|()| doc).map_err(|e| classify("", e)));
    match result {
        Ok(doc) if doc.version != 1 => Err(version_error(doc.version.to_string())),
        Ok(doc) => Ok(doc),
        // A newer document fails on fields this version does not know: say "version" instead.
        Err(finding) => match probe_version(bytes) {
            Some(v) if v != "1" => Err(version_error(v)),
            _ => Err(finding),
        },
    }
}

fn version_error(found: String) -> Finding {
    Finding::new("version", Problem::VersionUnsupported { found })
}

/// The numeric `version` field of any JSON object, printed, when it can be read.
fn probe_version(bytes: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Probe {
        version: serde_json::Value,
    }
    let probe: Probe = serde_json::from_slice(bytes).ok()?;
    // A version that is not a number is a type error, reported as such.
    if !probe.version.is_number() {
        return None;
    }
    let mut s = probe.version.to_string();
    if s.chars().count() > 20 {
        s = s.chars().take(20).collect::<String>() + "…";
    }
    Some(s)
}

fn classify(path: &str, e: serde_json::Error) -> Finding {
    use serde_json::error::Category;
    let path = if path == "." { "" } else { path };
    // A syntax error has a position, not a field: the path is only where serde had got to.
    let problem = match e.classify() {
        Category::Eof => Problem::JsonEof,
        Category::Syntax | Category::Io => Problem::JsonSyntax {
            line: e.line(),
            column: e.column(),
        },
        Category::Data => return classify_data(path, &e.to_string()),
    };
    Finding::new("", problem)
}

/// The part of a serde message after ", expected ": it names our types, never the input.
fn expected_part(msg: &str) -> Option<&str> {
    let (_, rest) = msg.split_once(", expected ")?;
    // serde_json appends " at line L column C".
    Some(rest.rsplit_once(" at line ").map_or(rest, |(head, _)| head))
}

fn classify_data(path: &str, msg: &str) -> Finding {
    let last = path.rsplit('.').next().unwrap_or("");
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        // "invalid type: string \"…\", expected u32": keep the kind, drop the value.
        let found = rest.split([' ', ',']).next().unwrap_or("value").to_owned();
        let expected = expected_part(msg).map(str::to_owned);
        return Finding::new(path, Problem::JsonType { found, expected });
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        // The path is the enclosing object; name the missing field in it.
        let name = rest.split('`').next().unwrap_or("");
        let field = match (path, name) {
            ("", n) => n.to_owned(),
            (p, n) => format!("{p}.{n}"),
        };
        return Finding::new(
            field,
            Problem::JsonMissingField {
                field: name.to_owned(),
            },
        );
    }
    if msg.starts_with("unknown field `") {
        let expected = expected_part(msg).map(str::to_owned);
        return Finding::new(clip(path), Problem::JsonUnknownField { expected });
    }
    if DATE_FIELDS.contains(&last) {
        return Finding::new(path, Problem::DateInvalid);
    }
    let expected = expected_part(msg).map(str::to_owned);
    Finding::new(path, Problem::JsonInvalidValue { expected })
}

/// Unknown keys come from the input: keep paths short in messages.
fn clip(path: &str) -> String {
    if path.chars().count() > 80 {
        path.chars().take(80).collect::<String>() + "…"
    } else {
        path.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::MessageText as _;

    fn code(bytes: &str) -> (String, String) {
        let e = parse(bytes.as_bytes()).unwrap_err();
        (e.code().to_owned(), e.field)
    }

    #[test]
    fn classifies_structural_failures() {
        assert_eq!(code("{").0, "json.eof");
        assert_eq!(code("{]").0, "json.syntax");
        assert_eq!(code("[]").0, "json.type");
        let sample = include_str!("../../examples/jobs/kia-5-17.json");
        assert!(parse(sample.as_bytes()).is_ok());
        assert_eq!(code(&format!("{sample} {{}}")).0, "json.syntax");
        assert_eq!(code("42").0, "json.type");
        assert_eq!(code("{}"), ("json.missing_field".into(), "version".into()));
        assert_eq!(
            code(r#"{"version": 2}"#),
            ("version.unsupported".into(), "version".into())
        );
        assert_eq!(
            code(r#"{"version": "1"}"#),
            ("json.type".into(), "version".into())
        );
    }

    #[test]
    fn messages_do_not_quote_values() {
        let e = parse(br#"{"version": 1, "job_id": 3273011708150001}"#).unwrap_err();
        assert_eq!(e.code(), "json.type");
        assert_eq!(e.field, "job_id");
        assert!(
            !e.message_en().contains("3273011708150001"),
            "{}",
            e.message_en()
        );
        let e = parse(br#"{"version": 1, "job_id": "x", "document": "SITI AMINAH"}"#).unwrap_err();
        assert_eq!(e.code(), "json.invalid_value");
        assert!(!e.message_en().contains("SITI"), "{}", e.message_en());
    }
}
