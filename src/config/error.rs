//! Why a configuration could not be used, with the key and the line, in both languages.

use std::path::PathBuf;

/// A configuration that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read: check the path given with `--config` and its permissions.
    #[error("cannot read config {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The TOML is malformed or a key has the wrong type / is unknown / is missing.
    #[error("config {path}, line {line}: {message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// The TOML parses but a value is not acceptable; `line` is 0 when not known.
    #[error("config {}{}: key `{key}`: {en}", path.display(), at_line(*line, "line"))]
    Invalid {
        path: PathBuf,
        line: usize,
        key: String,
        /// What is wrong, in Bahasa Indonesia.
        id: String,
        /// What is wrong, in English.
        en: String,
    },
    /// A production station (`policy.training = false`) trusts the demo key, whose private half
    /// is public: anyone could sign jobs it would print. Remove the key, or make the station a
    /// training station.
    #[error(
        "config {path}, line {line}: key `trust.key[{index}]` (kid {kid:?}) is the demo key \
         {demo_kid} ({public_key}), whose private half is public: a production station \
         (policy.training = false) must not trust it. Remove this key, or set \
         policy.training = true for a training station"
    )]
    DemoKey {
        path: PathBuf,
        line: usize,
        index: usize,
        kid: String,
        demo_kid: &'static str,
        public_key: String,
    },
}

impl crate::messages::Message for ConfigError {
    fn message_code(&self) -> &'static str {
        match self {
            ConfigError::Read { .. } => "config.read",
            ConfigError::Syntax { .. } => "config.syntax",
            ConfigError::Invalid { .. } => "config.invalid",
            ConfigError::DemoKey { .. } => "config.demo_key",
        }
    }

    fn message_args(&self) -> crate::messages::Args {
        let args = crate::messages::Args::new();
        match self {
            ConfigError::Read { path, source } => {
                use crate::messages::MessageText;
                // The system's own text is English; the kind is told in each language.
                crate::messages::io_error(source)
                    .as_arg(args.with("path", path.display()), "source")
            }
            ConfigError::Syntax {
                path,
                line,
                message,
            } => args
                .with("path", path.display())
                .with("line", line)
                .with_each(
                    "message",
                    crate::messages::serde_words::toml_message_id(message),
                    message,
                ),
            ConfigError::Invalid {
                path,
                line,
                key,
                id,
                en,
            } => args
                .with("path", path.display())
                .with_each("at", at_line(*line, "baris"), at_line(*line, "line"))
                .with("key", key)
                .with_each("detail", id, en),
            ConfigError::DemoKey {
                path,
                line,
                index,
                kid,
                demo_kid,
                public_key,
            } => args
                .with("path", path.display())
                .with("line", line)
                .with("index", index)
                .with("kid", format!("{kid:?}"))
                .with("demo_kid", demo_kid)
                .with("public_key", public_key),
        }
    }
}

/// `, line N` (`word` = the language's "line"), or nothing when the line is not known.
fn at_line(line: usize, word: &str) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(", {word} {line}")
    }
}
