//! Printer URIs: where a printer is and how to reach it, as one string an operator can write in
//! a config file.
//!
//! - `serial:///dev/ttyUSB0?baud=115200&flow=xonxoff&parity=none`
//! - `usblp:///dev/usb/lp0`
//! - `tcp://host:9100` (port defaults to 9100)
//! - `emu://NAME` (an in-process device registered under NAME: the emulator)

use std::fmt;
use std::str::FromStr;

/// Serial flow control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowControl {
    /// No flow control.
    None,
    /// Software flow control (XON/XOFF), the Evolis factory setting.
    XonXoff,
    /// Hardware flow control (RTS/CTS).
    RtsCts,
}

/// Serial parity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parity {
    /// No parity bit.
    None,
    /// Even parity.
    Even,
    /// Odd parity.
    Odd,
}

/// Line settings of a serial printer; they must match the printer's `Pcom` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SerialSettings {
    /// Bits per second.
    pub baud: u32,
    /// Flow control.
    pub flow: FlowControl,
    /// Parity.
    pub parity: Parity,
}

impl Default for SerialSettings {
    fn default() -> Self {
        SerialSettings {
            baud: 115_200,
            flow: FlowControl::None,
            parity: Parity::None,
        }
    }
}

/// A parsed printer URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterUri {
    /// A serial port.
    Serial {
        /// Device path, e.g. `/dev/ttyUSB0`.
        path: String,
        /// Line settings.
        settings: SerialSettings,
    },
    /// A USB printer-class node.
    UsbLp {
        /// Device path, e.g. `/dev/usb/lp0`.
        path: String,
    },
    /// A raw TCP socket.
    Tcp {
        /// Host name or address.
        host: String,
        /// Port (9100 unless given).
        port: u16,
    },
    /// An in-process device (`emu://NAME`), opened by whoever registered an opener for it
    /// with [`register_opener`](super::register_opener): the emulator.
    InProcess {
        /// The name it was registered under.
        name: String,
    },
}

mod error;

pub use error::{BadOption, Malformed, UriError};

fn malformed(uri: &str, reason: Malformed) -> UriError {
    UriError::Malformed {
        uri: uri.to_string(),
        reason,
    }
}

impl FromStr for PrinterUri {
    type Err = UriError;

    /// Splits `scheme://body?query`, checks what every scheme shares, then reads the body and
    /// options of the scheme.
    fn from_str(uri: &str) -> Result<Self, UriError> {
        let (scheme, rest) = uri
            .split_once("://")
            .ok_or_else(|| UriError::UnknownScheme(uri.to_string()))?;
        let (body, query) = match rest.split_once('?') {
            Some((b, q)) => (b, Some(q)),
            None => (rest, None),
        };
        if body.is_empty() {
            return Err(malformed(uri, Malformed::Empty));
        }
        if body.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(malformed(uri, Malformed::Characters));
        }
        let no_query = |scheme: &'static str| -> Result<(), UriError> {
            match query {
                Some(q) if !q.is_empty() => Err(malformed(uri, Malformed::NoOptions(scheme))),
                _ => Ok(()),
            }
        };
        match scheme.to_ascii_lowercase().as_str() {
            "serial" => serial(uri, body, query.unwrap_or("")),
            "usblp" => {
                no_query("usblp")?;
                if !body.starts_with('/') {
                    return Err(malformed(uri, Malformed::RelativePath));
                }
                Ok(PrinterUri::UsbLp {
                    path: body.to_string(),
                })
            }
            "tcp" => {
                no_query("tcp")?;
                tcp(uri, body)
            }
            "emu" => {
                no_query("emu")?;
                if body.contains('/') {
                    return Err(malformed(uri, Malformed::EmulatorName));
                }
                Ok(PrinterUri::InProcess {
                    name: body.to_string(),
                })
            }
            _ => Err(UriError::UnknownScheme(uri.to_string())),
        }
    }
}

/// `serial:///dev/…?baud=…&flow=…&parity=…`
fn serial(uri: &str, body: &str, query: &str) -> Result<PrinterUri, UriError> {
    if !body.starts_with('/') {
        return Err(malformed(uri, Malformed::RelativePath));
    }
    let mut settings = SerialSettings::default();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        serial_option(&mut settings, key, value)?;
    }
    Ok(PrinterUri::Serial {
        path: body.to_string(),
        settings,
    })
}

fn serial_option(settings: &mut SerialSettings, key: &str, value: &str) -> Result<(), UriError> {
    let bad = |reason: BadOption| UriError::BadOption {
        key: key.to_string(),
        value: value.to_string(),
        reason,
    };
    match key {
        "baud" => {
            settings.baud = value
                .parse::<u32>()
                .ok()
                .filter(|b| (300..=4_000_000).contains(b))
                .ok_or_else(|| bad(BadOption::Baud))?;
        }
        "flow" => {
            settings.flow = match value.to_ascii_lowercase().as_str() {
                "none" => FlowControl::None,
                "xonxoff" | "xon/xoff" | "software" => FlowControl::XonXoff,
                "rtscts" | "hardware" => FlowControl::RtsCts,
                _ => return Err(bad(BadOption::Flow)),
            }
        }
        "parity" => {
            settings.parity = match value.to_ascii_lowercase().as_str() {
                "none" | "n" => Parity::None,
                "even" | "e" => Parity::Even,
                "odd" | "o" => Parity::Odd,
                _ => return Err(bad(BadOption::Parity)),
            }
        }
        _ => return Err(bad(BadOption::Unknown)),
    }
    Ok(())
}

/// `tcp://host[:port]`, `tcp://[v6-address][:port]`
fn tcp(uri: &str, body: &str) -> Result<PrinterUri, UriError> {
    let body = body.trim_end_matches('/');
    let (host, port) = if let Some(stripped) = body.strip_prefix('[') {
        let (h, after) = stripped
            .split_once(']')
            .ok_or_else(|| malformed(uri, Malformed::Ipv6))?;
        match after.strip_prefix(':') {
            Some(p) => (h, Some(p)),
            None if after.is_empty() => (h, None),
            None => return Err(malformed(uri, Malformed::Ipv6)),
        }
    } else {
        match body.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (body, None),
        }
    };
    if host.is_empty() || host.contains('/') {
        return Err(malformed(uri, Malformed::TcpHost));
    }
    let port = match port {
        None => 9100,
        Some(p) => p
            .parse::<u16>()
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| malformed(uri, Malformed::TcpPort))?,
    };
    Ok(PrinterUri::Tcp {
        host: host.to_string(),
        port,
    })
}

impl fmt::Display for PrinterUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrinterUri::Serial { path, settings } => {
                let flow = match settings.flow {
                    FlowControl::None => "none",
                    FlowControl::XonXoff => "xonxoff",
                    FlowControl::RtsCts => "rtscts",
                };
                let parity = match settings.parity {
                    Parity::None => "none",
                    Parity::Even => "even",
                    Parity::Odd => "odd",
                };
                write!(
                    f,
                    "serial://{path}?baud={}&flow={flow}&parity={parity}",
                    settings.baud
                )
            }
            PrinterUri::UsbLp { path } => write!(f, "usblp://{path}"),
            PrinterUri::Tcp { host, port } if host.contains(':') => {
                write!(f, "tcp://[{host}]:{port}")
            }
            PrinterUri::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            PrinterUri::InProcess { name } => write!(f, "emu://{name}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_scheme() {
        assert_eq!(
            "serial:///dev/ttyUSB0?baud=9600&flow=xonxoff&parity=even".parse(),
            Ok(PrinterUri::Serial {
                path: "/dev/ttyUSB0".into(),
                settings: SerialSettings {
                    baud: 9600,
                    flow: FlowControl::XonXoff,
                    parity: Parity::Even
                }
            })
        );
        assert_eq!(
            "serial:///dev/ttyS0".parse(),
            Ok(PrinterUri::Serial {
                path: "/dev/ttyS0".into(),
                settings: SerialSettings::default()
            })
        );
        assert_eq!(
            "usblp:///dev/usb/lp0".parse(),
            Ok(PrinterUri::UsbLp {
                path: "/dev/usb/lp0".into()
            })
        );
        assert_eq!(
            "tcp://printer-1.local:9101".parse(),
            Ok(PrinterUri::Tcp {
                host: "printer-1.local".into(),
                port: 9101
            })
        );
        assert_eq!(
            "tcp://10.0.0.5".parse(),
            Ok(PrinterUri::Tcp {
                host: "10.0.0.5".into(),
                port: 9100
            })
        );
        assert_eq!(
            "tcp://[::1]:9100".parse(),
            Ok(PrinterUri::Tcp {
                host: "::1".into(),
                port: 9100
            })
        );
        assert_eq!(
            "emu://desk-1".parse(),
            Ok(PrinterUri::InProcess {
                name: "desk-1".into()
            })
        );
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "serial:///dev/ttyUSB0?baud=115200&flow=rtscts&parity=odd",
            "usblp:///dev/usb/lp3",
            "tcp://127.0.0.1:9100",
            "tcp://[::1]:9200",
            "emu://x",
        ] {
            let uri: PrinterUri = s.parse().unwrap();
            assert_eq!(uri.to_string(), s);
            assert_eq!(uri.to_string().parse::<PrinterUri>().unwrap(), uri);
        }
    }

    #[test]
    fn refuses_bad_uris() {
        use UriError::*;
        for bad in ["", "ttyUSB0", "lpt://x", "http://x"] {
            assert!(
                matches!(bad.parse::<PrinterUri>(), Err(UnknownScheme(_))),
                "{bad}"
            );
        }
        for bad in [
            "serial://",
            "serial://dev/ttyUSB0",
            "usblp://lp0",
            "usblp:///dev/usb/lp0?x=1",
            "tcp://:9100",
            "tcp://host:0",
            "tcp://host:99999",
            "tcp://host:port",
            "tcp://[::1",
            "emu://a/b",
            "tcp://a b:1",
        ] {
            assert!(
                matches!(bad.parse::<PrinterUri>(), Err(Malformed { .. })),
                "{bad}"
            );
        }
        for bad in [
            "serial:///dev/ttyS0?baud=fast",
            "serial:///dev/ttyS0?baud=0",
            "serial:///dev/ttyS0?flow=maybe",
            "serial:///dev/ttyS0?parity=mark",
            "serial:///dev/ttyS0?speed=9600",
        ] {
            assert!(
                matches!(bad.parse::<PrinterUri>(), Err(BadOption { .. })),
                "{bad}"
            );
        }
    }
}
