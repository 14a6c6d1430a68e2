//! The commands as the printer sees them: what the emulator's parser produces.

use super::answer::{NackCode, RibbonType};
use super::commands::CounterKind;
use crate::printer::panel::Panel;
use crate::printer::station::EncoderStation;

/// A command as the printer sees it (parsed by the emulator).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// `Pem;N`.
    AckMode(u8),
    /// `Pr;TYPE`.
    SelectRibbon(RibbonType),
    /// `Ss`.
    StartSequence,
    /// `Sr`.
    Recto,
    /// `Sv`.
    Verso,
    /// `Se`.
    EndSequence,
    /// `Ser`.
    Reject,
    /// `Sis` / `Sic`.
    MoveToStation(EncoderStation),
    /// `Scs`.
    ClearStatus,
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
    /// `Rse;o`.
    ReadCover,
    /// `Rse;p`.
    ReadCardSensor,
    /// `Rlr;p`.
    ReadLastResult,
    /// `Rst`.
    ReadStatus,
}

impl Request {
    /// Parses a command without binary payload: `name` and its `;`-separated parameters.
    /// `Err(Command)` = unknown command, `Err(Parameter)` = known command, bad parameters.
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
            "Pem" => one(&|p| {
                p.parse::<u8>()
                    .ok()
                    .filter(|n| *n <= 4)
                    .map(Request::AckMode)
            }),
            "Pr" => one(&|p| {
                RibbonType::from_token(p)
                    .filter(|r| *r != RibbonType::None)
                    .map(Request::SelectRibbon)
            }),
            "Ss" => none(Request::StartSequence),
            "Sr" => none(Request::Recto),
            "Sv" => none(Request::Verso),
            "Se" => none(Request::EndSequence),
            "Ser" => none(Request::Reject),
            "Sis" => none(Request::MoveToStation(EncoderStation::Contact)),
            "Sic" => none(Request::MoveToStation(EncoderStation::Contactless)),
            "Scs" => none(Request::ClearStatus),
            "Srs" => none(Request::SoftReset),
            "Rfv" => none(Request::ReadFirmware),
            "Rsn" => none(Request::ReadSerial),
            "Rtp" => none(Request::ReadModel),
            "Rr" => none(Request::ReadRibbon),
            "Rst" => none(Request::ReadStatus),
            "Rco" => one(&|p| match p {
                "c" => Some(Request::ReadCounter(CounterKind::CardsInserted)),
                "p" => Some(Request::ReadCounter(CounterKind::PanelsPrinted)),
                "l" => Some(Request::ReadCounter(CounterKind::RibbonCardsLeft)),
                _ => None,
            }),
            "Rse" => one(&|p| match p {
                "o" => Some(Request::ReadCover),
                "p" => Some(Request::ReadCardSensor),
                _ => None,
            }),
            "Rlr" => one(&|p| (p == "p").then_some(Request::ReadLastResult)),
            _ => Err(NackCode::Command),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::printer::evolis::commands::*;

    #[test]
    fn text_commands_parse_back() {
        fn parse(bytes: &[u8]) -> Result<Request, NackCode> {
            let text = std::str::from_utf8(&bytes[1..bytes.len() - 1]).unwrap();
            let mut parts = text.split(';');
            let name = parts.next().unwrap();
            let params: Vec<&str> = parts.collect();
            Request::from_text(name, &params)
        }
        assert_eq!(parse(&StartSequence.to_bytes()), Ok(Request::StartSequence));
        assert_eq!(
            parse(&SelectRibbon(RibbonType::Ko).to_bytes()),
            Ok(Request::SelectRibbon(RibbonType::Ko))
        );
        assert_eq!(
            parse(&MoveToStation(EncoderStation::Contact).to_bytes()),
            Ok(Request::MoveToStation(EncoderStation::Contact))
        );
        assert_eq!(
            parse(&ReadCounter(CounterKind::PanelsPrinted).to_bytes()),
            Ok(Request::ReadCounter(CounterKind::PanelsPrinted))
        );
        assert_eq!(parse(&ReadStatus.to_bytes()), Ok(Request::ReadStatus));
        assert_eq!(
            parse(&ReadLastResult.to_bytes()),
            Ok(Request::ReadLastResult)
        );
        assert_eq!(Request::from_text("Zz", &[]), Err(NackCode::Command));
        assert_eq!(Request::from_text("Ss", &["1"]), Err(NackCode::Parameter));
        assert_eq!(
            Request::from_text("Pr", &["rainbow"]),
            Err(NackCode::Parameter)
        );
        assert_eq!(Request::from_text("Rco", &["x"]), Err(NackCode::Parameter));
    }
}
