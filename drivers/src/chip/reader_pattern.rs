//! Which PC/SC reader an encoder station uses: a name pattern (`*` wildcards, else a
//! case-insensitive substring), checked once when the configuration is read so that a pattern
//! that can pick no reader, or every reader, stops the station before it starts.

use std::fmt;
use std::str::FromStr;

/// PC/SC reader names are at most this long (`MAX_READERNAME`, 128 with the NUL).
const MAX_READER_NAME: usize = 127;

/// A checked reader name pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderPattern(String);

/// Why a reader name pattern was refused; each reason has its code in the message catalogue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReaderPatternError {
    /// Empty or only white space: write part of a reader's name (`cetak chip readers`).
    #[error("the reader name pattern must not be empty (see `cetak chip readers`)")]
    Empty,
    /// Only wildcards: it would match every reader.
    #[error(
        "the pattern {0:?} matches every reader: write part of the reader's name \
         (see `cetak chip readers`)"
    )]
    MatchesAll(String),
    /// Control characters, which no reader name has.
    #[error("the reader name pattern contains control characters")]
    Control,
    /// Longer than any PC/SC reader name.
    #[error("the pattern is longer than a PC/SC reader name (at most 127 bytes)")]
    TooLong,
}

impl crate::messages::Message for ReaderPatternError {
    fn message_code(&self) -> &'static str {
        match self {
            ReaderPatternError::Empty => "reader.empty",
            ReaderPatternError::MatchesAll(_) => "reader.matches_all",
            ReaderPatternError::Control => "reader.control",
            ReaderPatternError::TooLong => "reader.too_long",
        }
    }

    fn message_args(&self) -> crate::messages::Args {
        let args = crate::messages::Args::new();
        match self {
            ReaderPatternError::MatchesAll(p) => args.with("pattern", format!("{p:?}")),
            _ => args,
        }
    }
}

impl FromStr for ReaderPattern {
    type Err = ReaderPatternError;

    /// Checks the trimmed pattern; keeps it as written (matching is unchanged by the check).
    fn from_str(pattern: &str) -> Result<Self, ReaderPatternError> {
        let p = pattern.trim();
        if p.is_empty() {
            return Err(ReaderPatternError::Empty);
        }
        if p.chars().all(|c| c == '*') {
            return Err(ReaderPatternError::MatchesAll(pattern.to_string()));
        }
        if p.chars().any(char::is_control) {
            return Err(ReaderPatternError::Control);
        }
        if p.len() > MAX_READER_NAME {
            return Err(ReaderPatternError::TooLong);
        }
        Ok(ReaderPattern(pattern.to_string()))
    }
}

impl ReaderPattern {
    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when the reader called `name` is picked by this pattern.
    pub fn matches(&self, name: &str) -> bool {
        reader_matches(&self.0, name)
    }

    /// The form two patterns are compared in (two encoders may not share a reader).
    pub fn normalized(&self) -> String {
        self.0.trim().to_lowercase()
    }
}

impl fmt::Display for ReaderPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<ReaderPattern> for String {
    fn from(p: ReaderPattern) -> String {
        p.0
    }
}

/// True when `name` matches `pattern` (`*` wildcards, else case-insensitive substring).
pub fn reader_matches(pattern: &str, name: &str) -> bool {
    let (p, n) = (pattern.to_lowercase(), name.to_lowercase());
    if !p.contains('*') {
        return n.contains(&p);
    }
    let parts: Vec<&str> = p.split('*').collect();
    let mut rest = n.as_str();
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return part.is_empty() || rest.ends_with(part);
        } else if let Some(pos) = rest.find(part) {
            rest = &rest[pos + part.len()..];
        } else {
            return false;
        }
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_patterns() {
        assert!(reader_matches("virtual", "Virtual PCD 00 00"));
        assert!(reader_matches(
            "cetak vpcd 39424*00 01",
            "cetak vpcd 39424 00 01"
        ));
        assert!(reader_matches("*PCD*", "Virtual PCD 00 00"));
        assert!(!reader_matches("omnikey", "Virtual PCD 00 00"));
        assert!(!reader_matches("Virtual*01", "Virtual PCD 00 00"));
    }

    #[test]
    fn patterns_are_checked_once() {
        let p: ReaderPattern = "Virtual PCD".parse().unwrap();
        assert!(p.matches("Virtual PCD 00 00"));
        assert_eq!(p.as_str(), "Virtual PCD");
        assert_eq!(
            " Virtual ".parse::<ReaderPattern>().unwrap().normalized(),
            "virtual"
        );
        assert_eq!(
            "  ".parse::<ReaderPattern>(),
            Err(ReaderPatternError::Empty)
        );
        assert!(matches!(
            "**".parse::<ReaderPattern>(),
            Err(ReaderPatternError::MatchesAll(_))
        ));
        assert_eq!(
            "a\u{7}".parse::<ReaderPattern>(),
            Err(ReaderPatternError::Control)
        );
        assert_eq!(
            "x".repeat(128).parse::<ReaderPattern>(),
            Err(ReaderPatternError::TooLong)
        );
    }
}
