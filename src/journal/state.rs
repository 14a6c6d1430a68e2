//! The job state machine as a pure function: no database, no clock, so every legal and illegal
//! transition is tested with plain values. The journal loads a job's state, asks
//! [`JobState::after`], and writes the answer with its history row in one transaction.

use std::fmt;
use std::str::FromStr;

use super::error::JournalError;

/// Where a job is. `Spoiled` only appears in the history: a spoiled attempt immediately
/// becomes `Queued` again (new blangko) or `Failed` (attempt limit), in the same transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobState {
    /// Waiting for a printer.
    Queued,
    /// Claimed by a printer's worker; being rendered. No blangko yet.
    Preparing,
    /// Rendered, waiting for the printer. No blangko yet.
    Ready,
    /// A blangko has left the feeder and is bound to this job: physical action under way.
    Feeding,
    /// The chip is being personalised.
    Encoding,
    /// The card is being printed.
    Printing,
    /// Done; the blangko is consumed. Terminal for the station's machinery: only an operator
    /// moves it on (hand-over, or a write-off before hand-over).
    Printed,
    /// Handed over at the pickup counter (diserahkan) to the holder's family or, for a school
    /// batch, the school's representative. Terminal.
    HandedOver,
    /// The attempt's blangko was spoiled (history only).
    Spoiled,
    /// Gave up after the attempt limit. Terminal.
    Failed,
    /// Invalid job; no blangko used. Terminal.
    Rejected,
    /// Cancelled before reaching a printer. Terminal.
    Cancelled,
    /// A card was in a printer when the station lost track of it (crash, lost printer). Never
    /// printed again automatically; an operator resolves it.
    InDoubt,
    /// Its printed card was written off (e.g. perubahan elemen data) and a newer job replaces
    /// it. Terminal.
    Superseded,
}

/// The status of an application as staff know it from the online service (seed 000): *baru*,
/// *disetujui*, *dibatalkan*, *diproses* (stage *kurang berkas* or *pencetakan dan
/// personalisasi*), *selesai*. Only approved applications become jobs, so *baru* never shows
/// here. The mapping is in `docs/job.md` ("Application status and the station's states").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationStatus {
    /// Disetujui: approved, waiting for a printer.
    Disetujui,
    /// Diproses — pencetakan dan personalisasi: a card is being made (or goes round again).
    DiprosesPencetakan,
    /// Diproses — kurang berkas: the data or an image cannot be printed; the server must have
    /// it corrected, as for missing documents.
    DiprosesKurangBerkas,
    /// Selesai: the card is made (and perhaps handed over).
    Selesai,
    /// Dibatalkan: cancelled, or replaced by a newer job.
    Dibatalkan,
}

impl ApplicationStatus {
    /// Catalogue code of its label.
    pub fn code(self) -> &'static str {
        match self {
            ApplicationStatus::Disetujui => "application.disetujui",
            ApplicationStatus::DiprosesPencetakan => "application.diproses_pencetakan",
            ApplicationStatus::DiprosesKurangBerkas => "application.diproses_kurang_berkas",
            ApplicationStatus::Selesai => "application.selesai",
            ApplicationStatus::Dibatalkan => "application.dibatalkan",
        }
    }

    /// Label for operators in `lang`.
    pub fn label(self, lang: crate::messages::Lang) -> &'static str {
        crate::messages::label(lang, self.code())
    }
}

impl JobState {
    /// The application status staff know for a job in this state (`docs/job.md`).
    pub fn application_status(self) -> ApplicationStatus {
        use ApplicationStatus as A;
        match self {
            JobState::Queued => A::Disetujui,
            JobState::Preparing
            | JobState::Ready
            | JobState::Feeding
            | JobState::Encoding
            | JobState::Printing
            | JobState::InDoubt
            | JobState::Spoiled
            | JobState::Failed => A::DiprosesPencetakan,
            JobState::Rejected => A::DiprosesKurangBerkas,
            JobState::Printed | JobState::HandedOver => A::Selesai,
            JobState::Cancelled | JobState::Superseded => A::Dibatalkan,
        }
    }

    /// Every state.
    pub const ALL: [JobState; 14] = [
        JobState::Queued,
        JobState::Preparing,
        JobState::Ready,
        JobState::Feeding,
        JobState::Encoding,
        JobState::Printing,
        JobState::Printed,
        JobState::HandedOver,
        JobState::Spoiled,
        JobState::Failed,
        JobState::Rejected,
        JobState::Cancelled,
        JobState::InDoubt,
        JobState::Superseded,
    ];

    /// Code stored in the journal.
    pub fn code(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Preparing => "preparing",
            JobState::Ready => "ready",
            JobState::Feeding => "feeding",
            JobState::Encoding => "encoding",
            JobState::Printing => "printing",
            JobState::Printed => "printed",
            JobState::HandedOver => "diserahkan",
            JobState::Spoiled => "spoiled",
            JobState::Failed => "failed",
            JobState::Rejected => "rejected",
            JobState::Cancelled => "cancelled",
            JobState::InDoubt => "in_doubt",
            JobState::Superseded => "superseded",
        }
    }

    /// Indonesian label for operators.
    pub fn label_id(self) -> &'static str {
        self.label(crate::messages::Lang::Id)
    }

    /// English label for operators (`cetak status --lang en`).
    pub fn label_en(self) -> &'static str {
        self.label(crate::messages::Lang::En)
    }

    /// Label for operators in `lang`, from the catalogue (`state.<code>`).
    pub fn label(self, lang: crate::messages::Lang) -> &'static str {
        let code = match self {
            JobState::Queued => "state.queued",
            JobState::Preparing => "state.preparing",
            JobState::Ready => "state.ready",
            JobState::Feeding => "state.feeding",
            JobState::Encoding => "state.encoding",
            JobState::Printing => "state.printing",
            JobState::Printed => "state.printed",
            JobState::HandedOver => "state.handed_over",
            JobState::Spoiled => "state.spoiled",
            JobState::Failed => "state.failed",
            JobState::Rejected => "state.rejected",
            JobState::Cancelled => "state.cancelled",
            JobState::InDoubt => "state.in_doubt",
            JobState::Superseded => "state.superseded",
        };
        crate::messages::label(lang, code)
    }

    /// No further transition by the station. A printed card can still be handed over
    /// ([`Step::HandOver`]) or written off before hand-over ([`Step::WriteOff`]) by an operator.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            JobState::Printed
                | JobState::HandedOver
                | JobState::Failed
                | JobState::Rejected
                | JobState::Cancelled
                | JobState::Superseded
        )
    }

    /// A blangko is bound to the job and may be inside a printer.
    pub fn holds_blangko(self) -> bool {
        matches!(
            self,
            JobState::Feeding | JobState::Encoding | JobState::Printing | JobState::InDoubt
        )
    }

    /// The state `step` leads to, or the states `step` is allowed from.
    pub fn after(self, step: Step) -> Result<JobState, &'static [JobState]> {
        use JobState::*;
        let (from, to): (&'static [JobState], JobState) = match step {
            Step::Claim => (&[Queued], Preparing),
            Step::Rendered => (&[Preparing], Ready),
            Step::Release => (&[Preparing, Ready], Queued),
            Step::Feed => (&[Ready], Feeding),
            Step::FeedNotTaken => (&[Feeding], Ready),
            Step::StartEncoding => (&[Feeding], Encoding),
            Step::StartPrinting => (&[Feeding, Encoding], Printing),
            Step::Printed => (&[Printing], Printed),
            Step::Spoil => (&[Feeding, Encoding, Printing, InDoubt], Spoiled),
            Step::Requeue => (&[Spoiled], Queued),
            Step::Fail => (&[Spoiled], Failed),
            Step::Cancel => (&[Queued, Preparing, Ready], Cancelled),
            Step::Reject => (&[Queued, Preparing, Ready], Rejected),
            Step::Doubt => (&[Feeding, Encoding, Printing], InDoubt),
            Step::ResolvePrinted => (&[InDoubt], Printed),
            Step::WriteOff => (&[Printed], Spoiled),
            Step::Supersede => (&[Spoiled], Superseded),
            Step::HandOver => (&[Printed], HandedOver),
        };
        if from.contains(&self) {
            Ok(to)
        } else {
            Err(from)
        }
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for JobState {
    type Err = JournalError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        JobState::ALL
            .into_iter()
            .find(|st| st.code() == s)
            .ok_or_else(|| JournalError::InvalidInput(format!("unknown job state {s:?}")))
    }
}

/// What happens to a job; each step is allowed from a fixed set of states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// A printer's worker takes the job.
    Claim,
    /// The card layers are rendered.
    Rendered,
    /// The worker gives the job back before any blangko moved (printer paused, shutdown).
    Release,
    /// A blangko leaves the feeder for this job.
    Feed,
    /// The printer refused to take the card (its feeder is empty): the blangko never left
    /// the feeder, the feed is undone and the job waits, ready, on the same printer.
    FeedNotTaken,
    /// Chip personalisation starts.
    StartEncoding,
    /// Printing starts.
    StartPrinting,
    /// The printer reported the card done.
    Printed,
    /// The blangko is spoiled.
    Spoil,
    /// After a spoil: back to the queue for a new blangko.
    Requeue,
    /// After a spoil at the attempt limit.
    Fail,
    /// Cancelled (operator or server) before any blangko moved.
    Cancel,
    /// Found invalid before any blangko moved.
    Reject,
    /// Lost track of a card in a printer.
    Doubt,
    /// Operator: the in-doubt card was printed after all.
    ResolvePrinted,
    /// Operator: a printed card is written off before handover (perubahan elemen data); then
    /// `Requeue` (a new card) or `Supersede`.
    WriteOff,
    /// After a write-off: a newer job replaces this one.
    Supersede,
    /// Operator: the printed card is handed over at the pickup counter.
    HandOver,
}

impl Step {
    /// Verb used in "cannot X" messages and in the history.
    pub fn name(self) -> &'static str {
        match self {
            Step::Claim => "claim",
            Step::Rendered => "mark ready",
            Step::Release => "release",
            Step::Feed => "feed",
            Step::FeedNotTaken => "feed not taken",
            Step::StartEncoding => "start encoding",
            Step::StartPrinting => "start printing",
            Step::Printed => "mark printed",
            Step::Spoil => "spoil",
            Step::Requeue => "requeue",
            Step::Fail => "fail",
            Step::Cancel => "cancel",
            Step::Reject => "reject",
            Step::Doubt => "mark in doubt",
            Step::ResolvePrinted => "resolve as printed",
            Step::WriteOff => "write off printed card",
            Step::Supersede => "supersede",
            Step::HandOver => "hand over",
        }
    }

    /// Every step.
    pub const ALL: [Step; 18] = [
        Step::Claim,
        Step::Rendered,
        Step::Release,
        Step::Feed,
        Step::FeedNotTaken,
        Step::StartEncoding,
        Step::StartPrinting,
        Step::Printed,
        Step::Spoil,
        Step::Requeue,
        Step::Fail,
        Step::Cancel,
        Step::Reject,
        Step::Doubt,
        Step::ResolvePrinted,
        Step::WriteOff,
        Step::Supersede,
        Step::HandOver,
    ];
}

/// Formats an allowed-from list as `a or b`.
pub(crate) fn expected_list(states: &[JobState]) -> String {
    states
        .iter()
        .map(|s| s.code())
        .collect::<Vec<_>>()
        .join(" or ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn application_statuses_follow_the_seed() {
        use super::{ApplicationStatus as A, JobState as S};
        use crate::messages::Lang;
        assert_eq!(S::Queued.application_status(), A::Disetujui);
        assert_eq!(S::Printing.application_status(), A::DiprosesPencetakan);
        assert_eq!(S::Rejected.application_status(), A::DiprosesKurangBerkas);
        assert_eq!(S::HandedOver.application_status(), A::Selesai);
        assert_eq!(S::Superseded.application_status(), A::Dibatalkan);
        assert_eq!(
            S::Rejected.application_status().label(Lang::Id),
            "diproses — kurang berkas"
        );
        for s in S::ALL {
            assert!(!s.application_status().label(Lang::En).is_empty());
        }
    }

    use super::*;

    #[test]
    fn happy_path() {
        let mut s = JobState::Queued;
        for step in [
            Step::Claim,
            Step::Rendered,
            Step::Feed,
            Step::StartEncoding,
            Step::StartPrinting,
            Step::Printed,
        ] {
            s = s.after(step).unwrap();
        }
        assert_eq!(s, JobState::Printed);
        assert!(s.is_terminal());
    }

    #[test]
    fn terminal_states_accept_nothing_but_a_write_off_or_hand_over_of_a_printed_card() {
        for s in JobState::ALL.into_iter().filter(|s| s.is_terminal()) {
            for step in Step::ALL {
                if s == JobState::Printed && step == Step::WriteOff {
                    assert_eq!(s.after(step), Ok(JobState::Spoiled));
                } else if s == JobState::Printed && step == Step::HandOver {
                    assert_eq!(s.after(step), Ok(JobState::HandedOver));
                } else {
                    assert!(s.after(step).is_err(), "{s} accepted {step:?}");
                }
            }
        }
    }

    #[test]
    fn no_blangko_state_cannot_spoil_and_blangko_state_cannot_cancel() {
        for s in JobState::ALL {
            if s.holds_blangko() {
                assert!(s.after(Step::Cancel).is_err());
                assert!(s.after(Step::Reject).is_err());
            } else {
                assert!(s.after(Step::Spoil).is_err());
            }
        }
    }

    #[test]
    fn a_feed_not_taken_goes_back_to_ready_from_feeding_only() {
        for s in JobState::ALL {
            let got = s.after(Step::FeedNotTaken);
            if s == JobState::Feeding {
                assert_eq!(got, Ok(JobState::Ready));
            } else {
                assert!(got.is_err(), "{s}");
            }
        }
    }

    #[test]
    fn only_a_printed_job_is_handed_over_and_only_once() {
        for s in JobState::ALL {
            let got = s.after(Step::HandOver);
            if s == JobState::Printed {
                assert_eq!(got, Ok(JobState::HandedOver));
            } else {
                assert_eq!(got, Err(&[JobState::Printed][..]), "{s}");
            }
        }
        // A handed-over card is not written off, handed over again or anything else.
        for step in Step::ALL {
            assert!(JobState::HandedOver.after(step).is_err(), "{step:?}");
        }
        assert_eq!(JobState::HandedOver.code(), "diserahkan");
    }

    #[test]
    fn codes_round_trip() {
        for s in JobState::ALL {
            assert_eq!(s.code().parse::<JobState>().unwrap(), s);
        }
        assert!("bogus".parse::<JobState>().is_err());
    }
}
