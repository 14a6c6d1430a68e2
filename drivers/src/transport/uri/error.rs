//! Why a printer URI was refused, one reason a variant, each with its code in the message
//! catalogue.

/// Why a printer URI was refused. Each reason has its own code in the message catalogue, so the
/// operator reads it in either language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UriError {
    /// No `scheme://` prefix, or a scheme we do not know.
    #[error("unknown printer URI scheme in {0:?}: use serial://, usblp://, tcp:// or emu://")]
    UnknownScheme(String),
    /// The part after `scheme://` is empty or malformed.
    #[error("printer URI {uri:?}: {reason}")]
    Malformed {
        /// The URI.
        uri: String,
        /// What is wrong.
        reason: Malformed,
    },
    /// A query option we do not know, or a value out of range.
    #[error("printer URI option {key}={value:?} is not valid: {reason}")]
    BadOption {
        /// Option name.
        key: String,
        /// Its value.
        value: String,
        /// What is accepted.
        reason: BadOption,
    },
}

/// What is wrong with the body of a printer URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Malformed {
    /// `scheme://` and nothing after it.
    #[error("nothing after the scheme")]
    Empty,
    /// White space or control characters in the body.
    #[error("contains spaces or control characters")]
    Characters,
    /// Options (`?…`) on a scheme that takes none.
    #[error("{0} URIs take no options")]
    NoOptions(&'static str),
    /// A device path that is not absolute.
    #[error("device must be an absolute path (e.g. /dev/ttyUSB0)")]
    RelativePath,
    /// A `/` in an emulator name.
    #[error("emulator name may not contain '/'")]
    EmulatorName,
    /// `tcp://` without a host, or with a path.
    #[error("expected tcp://host:port")]
    TcpHost,
    /// A port that is not 1–65535.
    #[error("port must be 1..65535")]
    TcpPort,
    /// `tcp://[v6` without the closing bracket, or junk after it.
    #[error("expected tcp://[IPv6-address]:port")]
    Ipv6,
}

impl Malformed {
    fn code(self) -> &'static str {
        match self {
            Malformed::Empty => "uri.empty",
            Malformed::Characters => "uri.characters",
            Malformed::NoOptions(_) => "uri.no_options",
            Malformed::RelativePath => "uri.relative_path",
            Malformed::EmulatorName => "uri.emulator_name",
            Malformed::TcpHost => "uri.tcp_host",
            Malformed::TcpPort => "uri.tcp_port",
            Malformed::Ipv6 => "uri.ipv6",
        }
    }
}

/// Which serial option has a value out of its range, or which option is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BadOption {
    /// `baud` not a rate from 300 to 4000000.
    #[error("a rate from 300 to 4000000")]
    Baud,
    /// `flow` not none, xonxoff or rtscts.
    #[error("none, xonxoff or rtscts")]
    Flow,
    /// `parity` not none, even or odd.
    #[error("none, even or odd")]
    Parity,
    /// An option other than baud, flow and parity.
    #[error("known options are baud, flow and parity")]
    Unknown,
}

impl BadOption {
    fn code(self) -> &'static str {
        match self {
            BadOption::Baud => "uri.bad_baud",
            BadOption::Flow => "uri.bad_flow",
            BadOption::Parity => "uri.bad_parity",
            BadOption::Unknown => "uri.unknown_option",
        }
    }
}

impl crate::messages::Message for UriError {
    fn message_code(&self) -> &'static str {
        match self {
            UriError::UnknownScheme(_) => "uri.unknown_scheme",
            UriError::Malformed { reason, .. } => reason.code(),
            UriError::BadOption { reason, .. } => reason.code(),
        }
    }

    fn message_args(&self) -> crate::messages::Args {
        let args = crate::messages::Args::new();
        match self {
            UriError::UnknownScheme(u) => args.with("uri", format!("{u:?}")),
            UriError::Malformed { uri, reason } => {
                let args = args.with("uri", format!("{uri:?}"));
                match reason {
                    Malformed::NoOptions(scheme) => args.with("scheme", scheme),
                    _ => args,
                }
            }
            UriError::BadOption { key, value, .. } => {
                args.with("key", key).with("value", format!("{value:?}"))
            }
        }
    }
}
