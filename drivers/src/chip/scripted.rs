//! A scripted card channel for unit tests: each transmit must match the next expected command
//! (hex), or the test fails; the answer is given bytes or an error.

use super::channel::{CardChannel, ChannelCaps};
use super::error::ChipError;

/// Expected commands and their answers, in order.
pub struct Scripted {
    /// (command hex, answer hex or error), consumed from the front.
    pub script: Vec<(String, Result<String, ChipError>)>,
    /// What `caps()` says.
    pub caps: ChannelCaps,
    /// ATR.
    pub atr: Vec<u8>,
}

fn compact(s: &str) -> String {
    s.split_whitespace().collect::<String>().to_lowercase()
}

impl Scripted {
    /// A script of (command, answer) in hex; spaces allowed.
    pub fn new(steps: &[(&str, &str)]) -> Self {
        Scripted {
            script: steps
                .iter()
                .map(|(c, a)| (compact(c), Ok(compact(a))))
                .collect(),
            caps: ChannelCaps::default(),
            atr: vec![0x3B, 0x00],
        }
    }

    /// Adds a step whose exchange fails with `error`.
    pub fn then_fail(mut self, command: &str, error: ChipError) -> Self {
        self.script.push((compact(command), Err(error)));
        self
    }

    /// Adds a step.
    pub fn then(mut self, command: &str, answer: &str) -> Self {
        self.script.push((compact(command), Ok(compact(answer))));
        self
    }

    /// True when every step was used.
    pub fn done(&self) -> bool {
        self.script.is_empty()
    }
}

impl CardChannel for Scripted {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, ChipError> {
        assert!(
            !self.script.is_empty(),
            "unexpected APDU {}",
            hex::encode(apdu)
        );
        let (want, answer) = self.script.remove(0);
        assert_eq!(hex::encode(apdu), want);
        answer.map(|a| hex::decode(a).expect("answer hex"))
    }
    fn atr(&self) -> Vec<u8> {
        self.atr.clone()
    }
    fn reconnect(&mut self) -> Result<(), ChipError> {
        Ok(())
    }
    fn reader_name(&self) -> String {
        "scripted".into()
    }
    fn caps(&self) -> ChannelCaps {
        self.caps.clone()
    }
}
