//! The commands as the printer sees them: what the emulator's parser produces. Only commands of
//! the guide A5013 Rev. E; anything else is a command error (NACK `1`).

use super::answer::{NackCode, RibbonType};
use super::commands::{CounterKind, LastAnswerKind, RejectBox, Sensor};
use crate::printer::panel::Panel;
use crate::printer::station::EncoderStation;

/// A command as the printer sees it (parsed by the emulator).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// `Pem;p1[;s]`: error management on the parallel / USB port.
    ErrorManagement {
        /// `p1`.
        value: u8,
        /// `s`: kept over a power cycle.
        save: bool,
    },
    /// `Pcom;port;speed;parity;databits;stopbits[;protocol[;enable]]`.
    SerialPort {
        /// Port 1 or 2.
        port: u8,
        /// Protocol `ACK/NACK` chosen.
        ack_nack: bool,
    },
    /// `Pr;TYPE`.
    SelectRibbon(RibbonType),
    /// `Ss`.
    StartSequence,
    /// `Si`.
    Insert,
    /// `Sis` / `Sic`.
    InsertToStation(EncoderStation),
    /// `Sr`.
    Recto,
    /// `Sv`.
    Verso,
    /// `Se`.
    EndSequence,
    /// `Ser` / `Seb`.
    Reject(RejectBox),
    /// `Scs`.
    ClearStatus,
    /// `Wcb;p1[;p2]`.
    ClearBitmap {
        /// The bitmap; `None` = all (`a`).
        panel: Option<Panel>,
        /// Every byte set to this (0 when not given).
        fill: u8,
    },
    /// `Srs`.
    SoftReset,
    /// `Db` (payload kept).
    Download {
        /// Panel.
        panel: Panel,
        /// Levels.
        levels: u16,
        /// Payload.
        data: Vec<u8>,
    },
    /// `Dbc` (payload kept).
    DownloadCompressed {
        /// Panel.
        panel: Panel,
        /// Levels.
        levels: u16,
        /// First line.
        first_line: usize,
        /// Payload.
        data: Vec<u8>,
    },
    /// `Rfv`.
    ReadFirmware,
    /// `Rsn`.
    ReadSerial,
    /// `Rtp`.
    ReadModel,
    /// `Rco;X`.
    ReadCounter(CounterKind),
    /// `Rr`.
    ReadRibbon,
    /// `Rcr`.
    ReadRibbonMark,
    /// `Rse;X`.
    ReadSensor(Sensor),
    /// `Rlr;p` / `Rlr;r`.
    ReadLastAnswer(LastAnswerKind),
}

/// Parses a `Pcom` parameter list (guide section 5); `None` = a bad parameter.
fn serial_port(params: &[&str]) -> Option<Request> {
    let [port, speed, parity, data_bits, stop_bits, rest @ ..] = params else {
        return None;
    };
    let port = match *port {
        "1" => 1,
        "2" => 2,
        _ => return None,
    };
    let speed: u32 = speed.parse().ok()?;
    let ok = (2400..=115_200).contains(&speed)
        && matches!(*parity, "N" | "O" | "E")
        && matches!(*data_bits, "7" | "8")
        && matches!(*stop_bits, "1" | "2");
    if !ok || rest.len() > 2 {
        return None;
    }
    let protocol = rest.first().copied().unwrap_or("0");
    if !matches!(
        protocol,
        "0" | "NONE" | "XON/XOFF" | "RTS/CTS" | "BOTH" | "ACK/NACK"
    ) {
        return None;
    }
    if !matches!(rest.get(1).copied().unwrap_or("0"), "0" | "E" | "R" | "D") {
        return None;
    }
    Some(Request::SerialPort {
        port,
        ack_nack: protocol == "ACK/NACK",
    })
}

impl Request {
    /// Parses a command without binary payload: `name` and its `;`-separated parameters.
    /// `Err(Command)` = not a command the emulator knows, `Err(Parameter)` = known command,
    /// bad parameters.
    pub fn from_text(name: &str, params: &[&str]) -> Result<Request, NackCode> {
        let none = |r: Request| {
            if params.is_empty() {
                Ok(r)
            } else {
                Err(NackCode::Parameter)
            }
        };
        let one = |f: &dyn Fn(&str) -> Option<Request>| match params {
            [p] => f(p).ok_or(NackCode::Parameter),
            _ => Err(NackCode::Parameter),
        };
        match name {
            "Pem" => match params {
                [v] | [v, "s"] => v
                    .parse::<u8>()
                    .ok()
                    .filter(|v| *v < 32)
                    .map(|value| Request::ErrorManagement {
                        value,
                        save: params.len() == 2,
                    })
                    .ok_or(NackCode::Parameter),
                _ => Err(NackCode::Parameter),
            },
            "Pcom" => serial_port(params).ok_or(NackCode::Parameter),
            "Pr" => one(&|p| RibbonType::from_token(p).map(Request::SelectRibbon)),
            "Ss" => none(Request::StartSequence),
            "Si" => none(Request::Insert),
            "Sis" => none(Request::InsertToStation(EncoderStation::Contact)),
            "Sic" => none(Request::InsertToStation(EncoderStation::Contactless)),
            "Sr" => none(Request::Recto),
            "Sv" => none(Request::Verso),
            "Se" => none(Request::EndSequence),
            "Ser" => none(Request::Reject(RejectBox::UnderHopper)),
            "Seb" => none(Request::Reject(RejectBox::UnderFeeder)),
            "Scs" => none(Request::ClearStatus),
            "Srs" => none(Request::SoftReset),
            "Wcb" => {
                let panel = match params.first().map(|p| p.as_bytes()) {
                    Some(b"a") => None,
                    Some([c]) => Some(Panel::from_letter(*c).ok_or(NackCode::Parameter)?),
                    _ => return Err(NackCode::Parameter),
                };
                let fill = match params {
                    [_] => 0,
                    [_, v] => v.parse::<u8>().map_err(|_| NackCode::Parameter)?,
                    _ => return Err(NackCode::Parameter),
                };
                Ok(Request::ClearBitmap { panel, fill })
            }
            "Rfv" => none(Request::ReadFirmware),
            "Rsn" => none(Request::ReadSerial),
            "Rtp" => none(Request::ReadModel),
            "Rr" => none(Request::ReadRibbon),
            "Rcr" => none(Request::ReadRibbonMark),
            "Rco" => one(&|p| {
                CounterKind::ALL
                    .into_iter()
                    .find(|k| k.letter().to_string() == p)
                    .map(Request::ReadCounter)
            }),
            "Rse" => one(&|p| Sensor::from_letter(p).map(Request::ReadSensor)),
            "Rlr" => one(&|p| match p {
                "p" => Some(Request::ReadLastAnswer(LastAnswerKind::Card)),
                "r" => Some(Request::ReadLastAnswer(LastAnswerKind::Cleaning)),
                _ => None,
            }),
            _ => Err(NackCode::Command),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::printer::evolis::commands::*;
    use crate::transport::Parity;

    fn parse(bytes: &[u8]) -> Result<Request, NackCode> {
        let text = std::str::from_utf8(&bytes[1..bytes.len() - 1]).unwrap();
        let mut parts = text.split(';');
        let name = parts.next().unwrap();
        let params: Vec<&str> = parts.collect();
        Request::from_text(name, &params)
    }

    #[test]
    fn the_driver_s_commands_parse_back() {
        assert_eq!(parse(&StartSequence.to_bytes()), Ok(Request::StartSequence));
        assert_eq!(parse(&Insert.to_bytes()), Ok(Request::Insert));
        assert_eq!(
            parse(&AckMode.to_bytes()),
            Ok(Request::ErrorManagement {
                value: 4,
                save: false
            })
        );
        assert_eq!(
            parse(
                &SerialAckMode {
                    port: 2,
                    baud: 9600,
                    parity: Parity::Even
                }
                .to_bytes()
            ),
            Ok(Request::SerialPort {
                port: 2,
                ack_nack: true
            })
        );
        assert_eq!(
            parse(&SelectRibbon(RibbonType::Ko).to_bytes()),
            Ok(Request::SelectRibbon(RibbonType::Ko))
        );
        assert_eq!(
            parse(&InsertToStation(EncoderStation::Contact).to_bytes()),
            Ok(Request::InsertToStation(EncoderStation::Contact))
        );
        assert_eq!(
            parse(&RejectCard(RejectBox::UnderFeeder).to_bytes()),
            Ok(Request::Reject(RejectBox::UnderFeeder))
        );
        for kind in CounterKind::ALL {
            assert_eq!(
                parse(&ReadCounter(kind).to_bytes()),
                Ok(Request::ReadCounter(kind))
            );
        }
        assert_eq!(
            parse(&ReadSensor(Sensor::Cover).to_bytes()),
            Ok(Request::ReadSensor(Sensor::Cover))
        );
        assert_eq!(
            parse(&ReadRibbonMark.to_bytes()),
            Ok(Request::ReadRibbonMark)
        );
        assert_eq!(
            parse(&ReadLastAnswer(LastAnswerKind::Card).to_bytes()),
            Ok(Request::ReadLastAnswer(LastAnswerKind::Card))
        );
        assert_eq!(
            parse(
                &ClearBitmap {
                    panel: None,
                    fill: None
                }
                .to_bytes()
            ),
            Ok(Request::ClearBitmap {
                panel: None,
                fill: 0
            })
        );
        assert_eq!(
            parse(
                &ClearBitmap {
                    panel: Some(Panel::Overlay),
                    fill: Some(255)
                }
                .to_bytes()
            ),
            Ok(Request::ClearBitmap {
                panel: Some(Panel::Overlay),
                fill: 255
            })
        );
    }

    #[test]
    fn undocumented_commands_and_bad_parameters_are_refused() {
        assert_eq!(Request::from_text("Rst", &[]), Err(NackCode::Command));
        assert_eq!(Request::from_text("Zz", &[]), Err(NackCode::Command));
        assert_eq!(Request::from_text("Ss", &["1"]), Err(NackCode::Parameter));
        assert_eq!(
            Request::from_text("Pr", &["rainbow"]),
            Err(NackCode::Parameter)
        );
        assert_eq!(
            Request::from_text("Pr", &["none"]),
            Err(NackCode::Parameter)
        );
        assert_eq!(Request::from_text("Rco", &["x"]), Err(NackCode::Parameter));
        for bad in [
            &[][..],
            &["q"],
            &["kk"],
            &["k", "256"],
            &["k", "-1"],
            &["a", "1", "2"],
        ] {
            assert_eq!(
                Request::from_text("Wcb", bad),
                Err(NackCode::Parameter),
                "{bad:?}"
            );
        }
        assert_eq!(Request::from_text("Rse", &["q"]), Err(NackCode::Parameter));
        assert_eq!(
            Request::from_text("Pem", &["4", "x"]),
            Err(NackCode::Parameter)
        );
        assert_eq!(
            Request::from_text("Pem", &["4", "s"]),
            Ok(Request::ErrorManagement {
                value: 4,
                save: true
            })
        );
        assert_eq!(
            Request::from_text("Pcom", &["1", "9600", "N", "8", "1"]),
            Ok(Request::SerialPort {
                port: 1,
                ack_nack: false
            })
        );
        for bad in [
            &["3", "9600", "N", "8", "1"][..],
            &["1", "1200", "N", "8", "1"],
            &["1", "9600", "X", "8", "1"],
            &["1", "9600", "N", "8", "1", "SMOKE"],
            &["1", "9600", "N"],
        ] {
            assert_eq!(
                Request::from_text("Pcom", bad),
                Err(NackCode::Parameter),
                "{bad:?}"
            );
        }
    }
}
