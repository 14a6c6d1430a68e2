//! What kind of card the virtual card is, and which faults it injects.

use std::time::Duration;

/// Logical channels the virtual cards support: the basic channel 0 and 1..=19, every number
/// ISO/IEC 7816-4 §5.4.1 can address.
pub const LOGICAL_CHANNELS: u8 = 20;

/// An ATR for the virtual card (ISO/IEC 7816-3 §8): T=1 (`TD1 = 80`, `TD2 = 01`, as PC/SC
/// part 3 builds for contactless cards, and TCK) or T=0 only (no TD1, no TCK), then the
/// historical bytes `80 73 B0 01 xx`: card capabilities (ISO/IEC 7816-4 §12.1.1.9):
/// selection by DF name, path and FID; third software function byte `xx` = b7 extended
/// Lc/Le, b5 b4 channel numbers assigned by card and interface device, b3-b1 channels − 1
/// (`111` = eight or more).
pub fn build_atr(t0: bool, extended: bool, channels: u8) -> Vec<u8> {
    let max = channels.clamp(1, 8) - 1;
    let assign = if channels > 1 { 0x18 } else { 0x00 };
    let third = if extended { 0x40 } else { 0x00 } | assign | max;
    let hist = [0x80, 0x73, 0xB0, 0x01, third];
    if t0 {
        let mut atr = vec![0x3B, hist.len() as u8];
        atr.extend_from_slice(&hist);
        return atr;
    }
    let mut atr = vec![0x3B, 0x80 | hist.len() as u8, 0x80, 0x01];
    atr.extend_from_slice(&hist);
    let tck = atr[1..].iter().fold(0u8, |a, b| a ^ b);
    atr.push(tck);
    atr
}

/// ATR of the project's virtual card: T=1, every logical channel, extended Lc/Le as asked.
pub fn atr_with_extended(extended: bool) -> Vec<u8> {
    build_atr(false, extended, LOGICAL_CHANNELS)
}

/// A PC/SC storage-card ATR (MIFARE Classic 1K through a contactless reader): a card without
/// an ISO file system, "not one of ours".
pub const FOREIGN_ATR: [u8; 20] = [
    0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06, 0x03, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x00, 0x6A,
];

/// Faults the card injects; all off by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Faults {
    /// Stop answering APDUs after this many (0 = mute from the first APDU). The ATR is still
    /// given, as a card that powers up but then hangs.
    pub mute_after: Option<usize>,
    /// Leave the reader (drop the connection) on the n-th UPDATE BINARY (1-based).
    pub remove_on_update: Option<usize>,
    /// UPDATE BINARY covering this offset (of any EF) fails with 6581 memory failure.
    pub write_error_at: Option<usize>,
    /// Card memory in bytes (replaces the configured memory: a small value gives "memory full").
    pub memory_limit: Option<usize>,
    /// Answer with a foreign ATR ([`FOREIGN_ATR`]).
    pub foreign_atr: bool,
    /// Delay every APDU answer by this much.
    pub slow: Option<Duration>,
    /// Silently flip a bit at this offset of every EF written (a card that stores wrongly).
    pub corrupt_at: Option<usize>,
    /// The card's I/O buffer holds this many data bytes: a longer command data field or a
    /// larger Ne gives `6700` (a small card, for the chunking paths).
    pub buffer: Option<usize>,
    /// The reader in front of the card carries short APDUs only: an extended APDU fails in
    /// transport (the card never sees it), as a short-APDU CCID reader fails it.
    pub reader_short: bool,
}

impl Faults {
    /// Parses a fault option as given on the command line: `mute`, `mute-after=N`,
    /// `remove-on-update=N`, `write-error-at=OFFSET`, `memory=BYTES`, `foreign-atr`,
    /// `slow=MILLIS`, `corrupt-at=OFFSET`, `buffer=BYTES`, `reader-short`.
    pub fn add(&mut self, option: &str) -> Result<(), String> {
        let (key, value) = match option.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (option, None),
        };
        let num = |v: Option<&str>| -> Result<usize, String> {
            v.ok_or_else(|| format!("fault {key} needs =N"))?
                .parse()
                .map_err(|_| format!("fault {key}: not a number"))
        };
        match key {
            "mute" => self.mute_after = Some(0),
            "mute-after" => self.mute_after = Some(num(value)?),
            "remove-on-update" => self.remove_on_update = Some(num(value)?.max(1)),
            "write-error-at" => self.write_error_at = Some(num(value)?),
            "memory" => self.memory_limit = Some(num(value)?),
            "foreign-atr" => self.foreign_atr = true,
            "slow" => self.slow = Some(Duration::from_millis(num(value)? as u64)),
            "corrupt-at" => self.corrupt_at = Some(num(value)?),
            "buffer" => self.buffer = Some(num(value)?.max(1)),
            "reader-short" => self.reader_short = true,
            other => return Err(format!("unknown fault {other:?}")),
        }
        Ok(())
    }
}

/// The card's make-up.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CardConfig {
    /// ATR given to the reader.
    pub atr: Vec<u8>,
    /// UID answered to `FF CA 00 00` (as a contactless reader would); `None` = the command is
    /// refused (6E00), as on a contact reader.
    pub uid: Option<Vec<u8>>,
    /// Serial answered to GET DATA `00 CA 00 5A`.
    pub serial: Option<Vec<u8>>,
    /// PIN reference and the exact VERIFY data expected.
    pub pin: Option<(u8, Vec<u8>)>,
    /// Tries before the PIN blocks.
    pub pin_tries: u8,
    /// Accept extended-length APDUs.
    pub extended_length: bool,
    /// Largest command data (Nc) accepted; larger gives 6700.
    pub max_command_data: usize,
    /// Largest response data (Ne) given; a larger Le gives 6700.
    pub max_response_data: usize,
    /// Card memory in bytes.
    pub memory: usize,
    /// Largest EF.
    pub max_file_size: usize,
    /// A T=0 card (its ATR offers T=0 only): case-4 answers via `61xx` + GET RESPONSE, a wrong
    /// Le via `6Cxx`; an extended APDU cannot travel over T=0 and fails in transport.
    pub t0: bool,
    /// Logical channels supported, the basic one included (1..=20).
    pub logical_channels: u8,
    /// CREATE FILE needs the PIN verified first.
    pub create_requires_pin: bool,
    /// Faults.
    pub faults: Faults,
}

impl CardConfig {
    /// The project's virtual card: T=1, extended length, 64 KB, 20 logical channels, UID
    /// (behind a contactless reader) and serial, PIN `12345678` (ASCII) under reference 01.
    pub fn cetak() -> Self {
        CardConfig {
            atr: atr_with_extended(true),
            uid: Some(vec![0x04, 0xC3, 0x7A, 0x12, 0x5E, 0x61, 0x80]),
            serial: Some(b"CTK0000001".to_vec()),
            pin: Some((0x01, b"12345678".to_vec())),
            pin_tries: 3,
            extended_length: true,
            max_command_data: 4096,
            max_response_data: 4096,
            memory: 64 * 1024,
            max_file_size: 32 * 1024,
            t0: false,
            logical_channels: LOGICAL_CHANNELS,
            create_requires_pin: true,
            faults: Faults::default(),
        }
    }

    /// A plain ISO 7816-4 contact card as found in the field: T=0 (61xx / 6Cxx), short APDUs
    /// only, at most 128 data bytes per command, four logical channels, no UID, no serial,
    /// 32 KB.
    pub fn generic() -> Self {
        CardConfig {
            atr: build_atr(true, false, 4),
            logical_channels: 4,
            uid: None,
            serial: None,
            extended_length: false,
            max_command_data: 128,
            max_response_data: 128,
            memory: 32 * 1024,
            max_file_size: 16 * 1024,
            t0: true,
            ..CardConfig::cetak()
        }
    }

    /// Sets the PIN (VERIFY data as the card expects it, e.g. ASCII padded with FF).
    pub fn with_pin(mut self, reference: u8, data: impl Into<Vec<u8>>) -> Self {
        self.pin = Some((reference, data.into()));
        self
    }

    /// Sets the faults.
    pub fn with_faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Largest command data field (Nc) and response data (Ne) the card takes, after faults.
    pub fn max_data(&self) -> (usize, usize) {
        let buffer = self.faults.buffer.unwrap_or(usize::MAX);
        (
            self.max_command_data.min(buffer),
            self.max_response_data.min(buffer),
        )
    }

    /// The ATR given, after faults.
    pub fn effective_atr(&self) -> Vec<u8> {
        if self.faults.foreign_atr {
            FOREIGN_ATR.to_vec()
        } else {
            self.atr.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atrs_offer_the_configured_protocol() {
        // T=0 only: TS, T0 = 05 (no interface bytes, five historical bytes), no TCK.
        assert_eq!(
            build_atr(true, false, 4),
            [0x3B, 0x05, 0x80, 0x73, 0xB0, 0x01, 0x1B]
        );
        let t1 = build_atr(false, true, LOGICAL_CHANNELS);
        assert_eq!(&t1[..4], &[0x3B, 0x85, 0x80, 0x01]);
        assert_eq!(
            t1[8], 0x5F,
            "extended, both assignments, eight or more channels"
        );
        assert!(crate::chip::session::atr_announces_extended(&build_atr(
            true, true, 1
        )));
    }

    #[test]
    fn atr_has_valid_tck() {
        let atr = atr_with_extended(true);
        assert_eq!(atr[1..].iter().fold(0u8, |a, b| a ^ b), 0);
        assert!(crate::chip::session::atr_announces_extended(&atr));
        assert!(!crate::chip::session::atr_announces_extended(
            &atr_with_extended(false)
        ));
    }

    #[test]
    fn fault_options_parse() {
        let mut f = Faults::default();
        for o in [
            "mute-after=3",
            "write-error-at=500",
            "foreign-atr",
            "slow=20",
            "memory=1000",
            "buffer=255",
            "reader-short",
        ] {
            f.add(o).unwrap();
        }
        assert_eq!(f.mute_after, Some(3));
        assert_eq!(f.slow, Some(Duration::from_millis(20)));
        assert_eq!((f.buffer, f.reader_short), (Some(255), true));
        assert!(f.add("explode").is_err());
        assert!(f.add("slow=x").is_err());
    }
}
