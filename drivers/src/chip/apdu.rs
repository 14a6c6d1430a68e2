//! Command and response APDUs (ISO/IEC 7816-3 cases 1–4, short and extended length) and the
//! status words a card answers with, as named values with an `Unknown` fallback.

/// Largest Nc / Ne of a short APDU.
pub const SHORT_MAX_DATA: usize = 255;
/// Largest Ne of a short APDU (encoded as Le = 00).
pub const SHORT_MAX_LE: usize = 256;
/// Largest Nc of an extended APDU.
pub const EXTENDED_MAX_DATA: usize = 65_535;
/// Largest Ne of an extended APDU (encoded as Le = 0000).
pub const EXTENDED_MAX_LE: usize = 65_536;

/// Why bytes could not be read as an APDU, or an APDU could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApduError {
    /// Fewer than the 4 header bytes (command) or 2 status bytes (response).
    #[error("APDU too short: {0} bytes")]
    TooShort(usize),
    /// The length fields do not match the number of bytes present.
    #[error("APDU length fields do not match its {0} bytes")]
    BadLength(usize),
    /// Data or Le does not fit even an extended APDU.
    #[error("APDU too long to encode: {data} data bytes, Le {le:?}")]
    TooLong {
        /// Command data length.
        data: usize,
        /// Expected response length.
        le: Option<usize>,
    },
    /// Extended length would be needed, but the card or reader does not offer it.
    #[error("APDU needs extended length, which is not enabled")]
    ExtendedNotAllowed,
}

/// A command APDU. `le: None` means no response data expected (cases 1 and 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// Class byte.
    pub cla: u8,
    /// Instruction byte.
    pub ins: u8,
    /// Parameter 1.
    pub p1: u8,
    /// Parameter 2.
    pub p2: u8,
    /// Command data (Nc = `data.len()`).
    pub data: Vec<u8>,
    /// Maximum response length expected (Ne), 1..=65536.
    pub le: Option<usize>,
}

impl Command {
    /// Case 1 command (header only).
    pub fn new(cla: u8, ins: u8, p1: u8, p2: u8) -> Self {
        Command {
            cla,
            ins,
            p1,
            p2,
            data: Vec::new(),
            le: None,
        }
    }

    /// Adds command data.
    pub fn with_data(mut self, data: impl Into<Vec<u8>>) -> Self {
        self.data = data.into();
        self
    }

    /// Adds an expected response length.
    pub fn with_le(mut self, le: usize) -> Self {
        self.le = Some(le);
        self
    }

    /// True when the APDU cannot be encoded in short form.
    pub fn needs_extended(&self) -> bool {
        self.data.len() > SHORT_MAX_DATA || self.le.is_some_and(|le| le > SHORT_MAX_LE)
    }

    /// Encodes in short form when it fits, in extended form otherwise (if `allow_extended`).
    pub fn to_bytes(&self, allow_extended: bool) -> Result<Vec<u8>, ApduError> {
        let too_long = || ApduError::TooLong {
            data: self.data.len(),
            le: self.le,
        };
        if self.data.len() > EXTENDED_MAX_DATA
            || self.le.is_some_and(|le| le == 0 || le > EXTENDED_MAX_LE)
        {
            return Err(too_long());
        }
        let extended = self.needs_extended();
        if extended && !allow_extended {
            return Err(ApduError::ExtendedNotAllowed);
        }
        let mut out = Vec::with_capacity(self.data.len() + 9);
        out.extend_from_slice(&[self.cla, self.ins, self.p1, self.p2]);
        if !extended {
            if !self.data.is_empty() {
                out.push(self.data.len() as u8);
                out.extend_from_slice(&self.data);
            }
            if let Some(le) = self.le {
                out.push(if le == SHORT_MAX_LE { 0 } else { le as u8 });
            }
            return Ok(out);
        }
        let le_bytes = |le: usize| -> [u8; 2] {
            if le == EXTENDED_MAX_LE {
                [0, 0]
            } else {
                (le as u16).to_be_bytes()
            }
        };
        if self.data.is_empty() {
            // Case 2E: 00 Le1 Le2 (`le` is Some here, else the command would fit short form).
            let le = self.le.ok_or_else(too_long)?;
            out.push(0);
            out.extend_from_slice(&le_bytes(le));
        } else {
            out.push(0);
            out.extend_from_slice(&(self.data.len() as u16).to_be_bytes());
            out.extend_from_slice(&self.data);
            if let Some(le) = self.le {
                out.extend_from_slice(&le_bytes(le));
            }
        }
        Ok(out)
    }

    /// Decodes any of cases 1, 2S, 3S, 4S, 2E, 3E, 4E.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ApduError> {
        if bytes.len() < 4 {
            return Err(ApduError::TooShort(bytes.len()));
        }
        let mut cmd = Command::new(bytes[0], bytes[1], bytes[2], bytes[3]);
        let body = &bytes[4..];
        let bad = || ApduError::BadLength(bytes.len());
        match body.len() {
            0 => {}
            1 => {
                cmd.le = Some(if body[0] == 0 {
                    SHORT_MAX_LE
                } else {
                    body[0] as usize
                })
            }
            _ if body[0] != 0 => {
                let lc = body[0] as usize;
                let rest = &body[1..];
                if rest.len() == lc {
                    cmd.data = rest.to_vec();
                } else if rest.len() == lc + 1 {
                    cmd.data = rest[..lc].to_vec();
                    let le = rest[lc];
                    cmd.le = Some(if le == 0 { SHORT_MAX_LE } else { le as usize });
                } else {
                    return Err(bad());
                }
            }
            3 => {
                let le = u16::from_be_bytes([body[1], body[2]]) as usize;
                cmd.le = Some(if le == 0 { EXTENDED_MAX_LE } else { le });
            }
            n if n > 3 => {
                let lc = u16::from_be_bytes([body[1], body[2]]) as usize;
                let rest = &body[3..];
                if lc == 0 {
                    return Err(bad());
                }
                if rest.len() == lc {
                    cmd.data = rest.to_vec();
                } else if rest.len() == lc + 2 {
                    cmd.data = rest[..lc].to_vec();
                    let le = u16::from_be_bytes([rest[lc], rest[lc + 1]]) as usize;
                    cmd.le = Some(if le == 0 { EXTENDED_MAX_LE } else { le });
                } else {
                    return Err(bad());
                }
            }
            _ => return Err(bad()),
        }
        Ok(cmd)
    }
}

/// A response APDU: data then SW1 SW2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Response data.
    pub data: Vec<u8>,
    /// Status word.
    pub sw: StatusWord,
}

impl Response {
    /// A response with data and a status word.
    pub fn new(data: impl Into<Vec<u8>>, sw: StatusWord) -> Self {
        Response {
            data: data.into(),
            sw,
        }
    }

    /// Decodes data + SW1 SW2.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ApduError> {
        if bytes.len() < 2 {
            return Err(ApduError::TooShort(bytes.len()));
        }
        let (data, sw) = bytes.split_at(bytes.len() - 2);
        Ok(Response {
            data: data.to_vec(),
            sw: StatusWord::from_u16(u16::from_be_bytes([sw[0], sw[1]])),
        })
    }

    /// Encodes data + SW1 SW2.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.data.len() + 2);
        out.extend_from_slice(&self.data);
        out.extend_from_slice(&self.sw.to_u16().to_be_bytes());
        out
    }
}

/// Status words a card answers with. Each variant's doc says what it means for the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusWord {
    /// 9000: success.
    Ok,
    /// 61xx: that many more bytes wait for GET RESPONSE (00 = 256 or more).
    BytesRemaining(u8),
    /// 6281: part of the returned data may be corrupted.
    DataMayBeCorrupted,
    /// 6282: end of file reached before Le bytes were read.
    EndOfFile,
    /// 63Cx: verification failed, `x` tries left (a wrong PIN in the secrets file?). `63C0`
    /// means no try is left: the PIN is now blocked (ISO/IEC 7816-4 §5.6, SW1-SW2 `63CX`).
    VerifyFailed(u8),
    /// 6581: the chip's memory failed to store the data: the card is defective.
    MemoryFailure,
    /// 6881: logical channel not supported (or not open).
    LogicalChannelNotSupported,
    /// 6882: secure messaging not supported.
    SecureMessagingNotSupported,
    /// 6884: command chaining not supported.
    ChainingNotSupported,
    /// 6700: wrong length (Lc / Le): the profile's chunk size may be too large for this card.
    WrongLength,
    /// 6981: command incompatible with the file structure.
    IncompatibleFileStructure,
    /// 6982: security status not satisfied: the access step (VERIFY) is missing or wrong.
    SecurityNotSatisfied,
    /// 6983: authentication method blocked (PIN blocked after too many wrong tries).
    AuthBlocked,
    /// 6985: conditions of use not satisfied (e.g. file deactivated).
    ConditionsNotSatisfied,
    /// 6986: command not allowed (no current EF).
    CommandNotAllowed,
    /// 6A80: incorrect parameters in the data field (e.g. a bad FCP template).
    IncorrectData,
    /// 6A81: function not supported by this card.
    FunctionNotSupported,
    /// 6A82: file or application not found.
    FileNotFound,
    /// 6A84: not enough memory space in the file or on the card.
    NotEnoughMemory,
    /// 6A86: incorrect P1 / P2.
    IncorrectP1P2,
    /// 6A88: referenced data (e.g. a GET DATA tag or PIN reference) not found.
    DataNotFound,
    /// 6A89: a file with this identifier already exists.
    FileExists,
    /// 6B00: wrong parameters, offset outside the EF.
    OffsetOutsideFile,
    /// 6Cxx: wrong Le, the card has `xx` bytes (00 = 256).
    WrongLe(u8),
    /// 6D00: instruction not supported: this card does not implement a command of the profile.
    InsNotSupported,
    /// 6E00: class not supported.
    ClaNotSupported,
    /// 6F00: no precise diagnosis (card-internal error).
    NoPreciseDiagnosis,
    /// Any other status word.
    Unknown(u16),
}

impl StatusWord {
    /// From the two status bytes.
    pub fn from_u16(sw: u16) -> Self {
        let [sw1, sw2] = sw.to_be_bytes();
        match (sw1, sw2) {
            (0x90, 0x00) => StatusWord::Ok,
            (0x61, n) => StatusWord::BytesRemaining(n),
            (0x62, 0x81) => StatusWord::DataMayBeCorrupted,
            (0x62, 0x82) => StatusWord::EndOfFile,
            (0x63, n) if n & 0xF0 == 0xC0 => StatusWord::VerifyFailed(n & 0x0F),
            (0x65, 0x81) => StatusWord::MemoryFailure,
            (0x67, 0x00) => StatusWord::WrongLength,
            (0x68, 0x81) => StatusWord::LogicalChannelNotSupported,
            (0x68, 0x82) => StatusWord::SecureMessagingNotSupported,
            (0x68, 0x84) => StatusWord::ChainingNotSupported,
            (0x69, 0x81) => StatusWord::IncompatibleFileStructure,
            (0x69, 0x82) => StatusWord::SecurityNotSatisfied,
            (0x69, 0x83) => StatusWord::AuthBlocked,
            (0x69, 0x85) => StatusWord::ConditionsNotSatisfied,
            (0x69, 0x86) => StatusWord::CommandNotAllowed,
            (0x6A, 0x80) => StatusWord::IncorrectData,
            (0x6A, 0x81) => StatusWord::FunctionNotSupported,
            (0x6A, 0x82) => StatusWord::FileNotFound,
            (0x6A, 0x84) => StatusWord::NotEnoughMemory,
            (0x6A, 0x86) => StatusWord::IncorrectP1P2,
            (0x6A, 0x88) => StatusWord::DataNotFound,
            (0x6A, 0x89) => StatusWord::FileExists,
            (0x6B, 0x00) => StatusWord::OffsetOutsideFile,
            (0x6C, n) => StatusWord::WrongLe(n),
            (0x6D, 0x00) => StatusWord::InsNotSupported,
            (0x6E, 0x00) => StatusWord::ClaNotSupported,
            (0x6F, 0x00) => StatusWord::NoPreciseDiagnosis,
            _ => StatusWord::Unknown(sw),
        }
    }

    /// The two status bytes.
    pub fn to_u16(self) -> u16 {
        match self {
            StatusWord::Ok => 0x9000,
            StatusWord::BytesRemaining(n) => 0x6100 | n as u16,
            StatusWord::DataMayBeCorrupted => 0x6281,
            StatusWord::EndOfFile => 0x6282,
            StatusWord::VerifyFailed(n) => 0x63C0 | (n & 0x0F) as u16,
            StatusWord::MemoryFailure => 0x6581,
            StatusWord::WrongLength => 0x6700,
            StatusWord::LogicalChannelNotSupported => 0x6881,
            StatusWord::SecureMessagingNotSupported => 0x6882,
            StatusWord::ChainingNotSupported => 0x6884,
            StatusWord::IncompatibleFileStructure => 0x6981,
            StatusWord::SecurityNotSatisfied => 0x6982,
            StatusWord::AuthBlocked => 0x6983,
            StatusWord::ConditionsNotSatisfied => 0x6985,
            StatusWord::CommandNotAllowed => 0x6986,
            StatusWord::IncorrectData => 0x6A80,
            StatusWord::FunctionNotSupported => 0x6A81,
            StatusWord::FileNotFound => 0x6A82,
            StatusWord::NotEnoughMemory => 0x6A84,
            StatusWord::IncorrectP1P2 => 0x6A86,
            StatusWord::DataNotFound => 0x6A88,
            StatusWord::FileExists => 0x6A89,
            StatusWord::OffsetOutsideFile => 0x6B00,
            StatusWord::WrongLe(n) => 0x6C00 | n as u16,
            StatusWord::InsNotSupported => 0x6D00,
            StatusWord::ClaNotSupported => 0x6E00,
            StatusWord::NoPreciseDiagnosis => 0x6F00,
            StatusWord::Unknown(sw) => sw,
        }
    }

    /// True for 9000.
    pub fn is_ok(self) -> bool {
        self == StatusWord::Ok
    }
}

impl std::fmt::Display for StatusWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04X} ({:?})", self.to_u16(), self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn short_cases_encode_as_iso() {
        let c1 = Command::new(0x00, 0xA4, 0x00, 0x0C);
        assert_eq!(c1.to_bytes(false).unwrap(), [0x00, 0xA4, 0x00, 0x0C]);
        let c2 = Command::new(0x00, 0xB0, 0x00, 0x10).with_le(256);
        assert_eq!(c2.to_bytes(false).unwrap(), [0x00, 0xB0, 0x00, 0x10, 0x00]);
        let c3 = Command::new(0x00, 0xA4, 0x00, 0x0C).with_data([0x3F, 0x00]);
        assert_eq!(
            c3.to_bytes(false).unwrap(),
            [0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00]
        );
        let c4 = Command::new(0x00, 0xA4, 0x04, 0x04)
            .with_data([0xA0, 0x01])
            .with_le(256);
        assert_eq!(
            c4.to_bytes(false).unwrap(),
            [0x00, 0xA4, 0x04, 0x04, 0x02, 0xA0, 0x01, 0x00]
        );
    }

    #[test]
    fn extended_cases_encode_as_iso() {
        let c2 = Command::new(0x00, 0xB0, 0x00, 0x00).with_le(65_536);
        assert_eq!(
            c2.to_bytes(true).unwrap(),
            [0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00]
        );
        let c3 = Command::new(0x00, 0xD6, 0x00, 0x00).with_data(vec![0xAB; 300]);
        let b = c3.to_bytes(true).unwrap();
        assert_eq!(&b[..7], &[0x00, 0xD6, 0x00, 0x00, 0x00, 0x01, 0x2C]);
        assert_eq!(b.len(), 307);
        let c4 = Command::new(0x00, 0xCB, 0x3F, 0xFF)
            .with_data([0x5C, 0x00])
            .with_le(1000);
        assert_eq!(
            c4.to_bytes(true).unwrap(),
            [0x00, 0xCB, 0x3F, 0xFF, 0x00, 0x00, 0x02, 0x5C, 0x00, 0x03, 0xE8]
        );
        assert_eq!(c3.to_bytes(false), Err(ApduError::ExtendedNotAllowed));
    }

    #[test]
    fn malformed_commands_are_errors() {
        assert_eq!(
            Command::from_bytes(&[0x00, 0xA4]),
            Err(ApduError::TooShort(2))
        );
        assert!(Command::from_bytes(&[0x00, 0xA4, 0, 0, 0x05, 1, 2]).is_err());
        assert!(Command::from_bytes(&[0x00, 0xA4, 0, 0, 0x00, 0x00]).is_err());
        assert!(Command::from_bytes(&[0x00, 0xA4, 0, 0, 0x00, 0x00, 0x00, 1]).is_err());
        assert!(Response::from_bytes(&[0x90]).is_err());
        assert!(Command::new(0, 0, 0, 0).with_le(0).to_bytes(true).is_err());
    }

    #[test]
    fn status_words_map_to_names() {
        for (raw, sw) in [
            (0x9000, StatusWord::Ok),
            (0x6982, StatusWord::SecurityNotSatisfied),
            (0x6A82, StatusWord::FileNotFound),
            (0x6A84, StatusWord::NotEnoughMemory),
            (0x6700, StatusWord::WrongLength),
            (0x6581, StatusWord::MemoryFailure),
            (0x6A86, StatusWord::IncorrectP1P2),
            (0x6986, StatusWord::CommandNotAllowed),
            (0x63C2, StatusWord::VerifyFailed(2)),
            (0x6D00, StatusWord::InsNotSupported),
            (0x6E00, StatusWord::ClaNotSupported),
            (0x63C0, StatusWord::VerifyFailed(0)),
            (0x6881, StatusWord::LogicalChannelNotSupported),
            (0x6882, StatusWord::SecureMessagingNotSupported),
            (0x6884, StatusWord::ChainingNotSupported),
            (0x6110, StatusWord::BytesRemaining(0x10)),
            (0x6C20, StatusWord::WrongLe(0x20)),
            (0x6A83, StatusWord::Unknown(0x6A83)),
        ] {
            assert_eq!(StatusWord::from_u16(raw), sw);
            assert_eq!(sw.to_u16(), raw);
        }
    }

    proptest! {
        #[test]
        fn command_round_trips(
            cla: u8, ins: u8, p1: u8, p2: u8,
            data in proptest::collection::vec(any::<u8>(), 0..600),
            le in proptest::option::of(1usize..=65_536),
        ) {
            let cmd = Command { cla, ins, p1, p2, data, le };
            let bytes = cmd.to_bytes(true).unwrap();
            prop_assert_eq!(Command::from_bytes(&bytes).unwrap(), cmd.clone());
            prop_assert_eq!(cmd.to_bytes(false).is_ok(), !cmd.needs_extended());
        }

        #[test]
        fn response_round_trips(data in proptest::collection::vec(any::<u8>(), 0..300), sw: u16) {
            let r = Response { data, sw: StatusWord::from_u16(sw) };
            let bytes = r.to_bytes();
            prop_assert_eq!(Response::from_bytes(&bytes).unwrap(), r);
        }

        #[test]
        fn any_bytes_decode_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = Command::from_bytes(&bytes);
            let _ = Response::from_bytes(&bytes);
        }
    }
}
