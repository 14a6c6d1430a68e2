//! Operator messages for every [`Problem`]: its code is the stable finding code (`docs/job.md`)
//! and its texts are in the catalogue (`crate::messages`). They name limits and expectations,
//! never the input value.

use super::error::Problem;
use crate::messages::{serde_words, Args, Message, MessageText as _, Plain};

impl Message for Problem {
    fn message_code(&self) -> &'static str {
        self.code()
    }

    fn message_args(&self) -> Args {
        let args = Args::new();
        match self {
            Problem::FileRead { reason, .. } => reason.as_arg(args, "reason"),
            Problem::DocumentTooLarge { limit, .. } => args.with("limit", limit),
            Problem::JsonSyntax { line, column, .. } => {
                args.with("line", line).with("column", column)
            }
            Problem::JsonType { found, expected } => {
                let with_found =
                    |m: Plain| m.with_each("found", serde_words::found_id(found), found);
                let detail = match expected {
                    Some(e) => with_found(Plain::new("serde.found_expected")).with_each(
                        "expected",
                        serde_words::expected_id(e),
                        e,
                    ),
                    None => with_found(Plain::new("serde.found")),
                };
                detail.as_arg(args, "detail")
            }
            Problem::JsonUnknownField { expected } | Problem::JsonInvalidValue { expected } => {
                let detail = match (expected, self) {
                    (Some(e), _) => Plain::new("serde.expected").with_each(
                        "expected",
                        serde_words::expected_id(e),
                        e,
                    ),
                    (None, Problem::JsonUnknownField { .. }) => Plain::new("serde.no_other_field"),
                    (None, _) => Plain::new("serde.not_allowed"),
                };
                detail.as_arg(args, "detail")
            }
            Problem::JsonMissingField { field } => args.with("detail", field),
            Problem::VersionUnsupported { found, .. } => args.with("found", found),
            Problem::TextTooLong { len, max, .. } => args.with("len", len).with("max", max),
            Problem::TextForbiddenChar { allowed, .. } => args.with("allowed", allowed),
            Problem::NikProvinceUnknown { code, .. } => args.with("code", code),
            Problem::KiaTooOld { age, .. } => args.with("age", age),
            Problem::KtpElTooYoung { age, .. } => args.with("age", age),
            Problem::ValidUntilMismatch { computed, .. } => args.with("computed", computed),
            Problem::ValidUntilAfterPermit { permit_end, .. } => {
                args.with("permit_end", permit_end)
            }
            Problem::ValidUntilBeyondLimit { limit, .. } => args.with("limit", limit),
            Problem::ImageRead { reason, .. } => reason.as_arg(args, "reason"),
            Problem::ImageTooLarge { limit, .. } => args.with("limit", limit),
            Problem::ImageTooManyPixels {
                width,
                height,
                limit,
                ..
            } => args
                .with("width", width)
                .with("height", height)
                .with("limit", limit),
            Problem::VocabUnknown { allowed } => args.with("allowed", allowed.join(", ")),
            Problem::PhotoBackground { expected, found } => args
                .with_each("found", found.id(), found.en())
                .with_each("expected", expected.id(), expected.en()),
            Problem::Layout(e) => e.message_args(),
            Problem::BatchProgrammeUnknown { name } => args.with("name", name),
            _ => args,
        }
    }
}
