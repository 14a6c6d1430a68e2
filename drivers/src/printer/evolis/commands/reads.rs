//! The reads that take a parameter: a sensor (`Rse`), the last answer (`Rlr`) and a counter
//! (`Rco`).

use super::{expect_text, frame, AnswerMismatch, Command, Timing};
use crate::printer::evolis::answer::{Count, LastAnswer, RawAnswer, SensorReading};

/// A sensor `Rse` reads (guide: `c m o p r`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sensor {
    /// `c`: colour sensor (blue LED).
    Colour,
    /// `m`: magnetic / feeder stop sensor.
    FeederStop,
    /// `o`: cover opening sensor.
    Cover,
    /// `p`: card presence sensor.
    CardPresence,
    /// `r`: coded disk rotation sensor.
    Rotation,
}

impl Sensor {
    /// Parameter letter.
    pub fn letter(self) -> char {
        match self {
            Sensor::Colour => 'c',
            Sensor::FeederStop => 'm',
            Sensor::Cover => 'o',
            Sensor::CardPresence => 'p',
            Sensor::Rotation => 'r',
        }
    }

    /// The sensor a parameter letter names.
    pub fn from_letter(c: &str) -> Option<Sensor> {
        [
            Sensor::Colour,
            Sensor::FeederStop,
            Sensor::Cover,
            Sensor::CardPresence,
            Sensor::Rotation,
        ]
        .into_iter()
        .find(|s| s.letter().to_string() == c)
    }
}

/// `Rse;x`: a sensor's voltage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadSensor(pub Sensor);

impl Command for ReadSensor {
    type Answer = SensorReading;
    fn name(&self) -> String {
        format!("Rse;{}", self.0.letter())
    }
    fn write(&self, out: &mut Vec<u8>) {
        frame(out, &self.name())
    }
    fn is_read(&self) -> bool {
        true
    }
    fn timing(&self) -> Timing {
        Timing::Quick
    }
    fn answer(&self, raw: RawAnswer) -> Result<SensorReading, AnswerMismatch> {
        expect_text(raw)
    }
}

/// What `Rlr` reports on (guide: `p` card, `r` cleaning).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastAnswerKind {
    /// `p`: `NO CARD` / `ERR CARD`.
    Card,
    /// `r`: `ERR NEED CLEANING`.
    Cleaning,
}

/// `Rlr;p` / `Rlr;r`: the printer's last answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLastAnswer(pub LastAnswerKind);

impl Command for ReadLastAnswer {
    type Answer = LastAnswer;
    fn name(&self) -> String {
        match self.0 {
            LastAnswerKind::Card => "Rlr;p".into(),
            LastAnswerKind::Cleaning => "Rlr;r".into(),
        }
    }
    fn write(&self, out: &mut Vec<u8>) {
        frame(out, &self.name())
    }
    fn is_read(&self) -> bool {
        true
    }
    fn timing(&self) -> Timing {
        Timing::Quick
    }
    fn answer(&self, raw: RawAnswer) -> Result<LastAnswer, AnswerMismatch> {
        expect_text(raw)
    }
}

/// Which counter `Rco` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CounterKind {
    /// `c`: cards inserted (hardware counter).
    CardsInserted,
    /// `p`: panels printed.
    PanelsPrinted,
    /// `l`: cards left on the ribbon (approximate; the guide's text prints the letter as `I`).
    RibbonCardsLeft,
    /// `a`: average cleaning frequency.
    CleaningAverage,
    /// `m`: most cards between two cleanings.
    CleaningMaximum,
    /// `n`: cleanings done.
    Cleanings,
}

impl CounterKind {
    /// Every counter.
    pub const ALL: [CounterKind; 6] = [
        CounterKind::CardsInserted,
        CounterKind::PanelsPrinted,
        CounterKind::RibbonCardsLeft,
        CounterKind::CleaningAverage,
        CounterKind::CleaningMaximum,
        CounterKind::Cleanings,
    ];

    /// Parameter letter.
    pub fn letter(self) -> char {
        match self {
            CounterKind::CardsInserted => 'c',
            CounterKind::PanelsPrinted => 'p',
            CounterKind::RibbonCardsLeft => 'l',
            CounterKind::CleaningAverage => 'a',
            CounterKind::CleaningMaximum => 'm',
            CounterKind::Cleanings => 'n',
        }
    }
}

/// `Rco;X`: read a counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadCounter(pub CounterKind);

impl Command for ReadCounter {
    type Answer = u32;
    fn name(&self) -> String {
        format!("Rco;{}", self.0.letter())
    }
    fn write(&self, out: &mut Vec<u8>) {
        frame(out, &self.name())
    }
    fn is_read(&self) -> bool {
        true
    }
    fn timing(&self) -> Timing {
        Timing::Quick
    }
    fn answer(&self, raw: RawAnswer) -> Result<u32, AnswerMismatch> {
        expect_text::<Count>(raw).map(|c| c.0)
    }
}
