//! Operator messages for every [`Problem`]: its code is the stable finding code (`docs/job.md`)
//! and its texts are in the catalogue (`crate::messages`). They name limits and expectations,
//! never the input value.

use super::error::Problem;
use crate::messages::{Args, Message};

impl Message for Problem {
    fn message_code(&self) -> &'static str {
        self.code()
    }

    fn message_args(&self) -> Args {
        let args = Args::new();
        match self {
            Problem::FileRead { reason, .. } => args.with("reason", reason),
            Problem::DocumentTooLarge { limit, .. } => args.with("limit", limit),
            Problem::JsonSyntax { line, column, .. } => {
                args.with("line", line).with("column", column)
            }
            Problem::JsonType { detail, .. } => args.with("detail", detail),
            Problem::JsonUnknownField { detail, .. } => args.with("detail", detail),
            Problem::JsonMissingField { detail, .. } => args.with("detail", detail),
            Problem::JsonInvalidValue { detail, .. } => args.with("detail", detail),
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
            Problem::ImageRead { reason, .. } => args.with("reason", reason),
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
