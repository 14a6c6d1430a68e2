//! The station commands' subcommands and options (clap), apart from the code that runs them.

use clap::{Args, Subcommand};

use crate::journal::{BlangkoType, SpoilCategory};

/// Where blangko are taken from by hand.
#[derive(Debug, Args)]
pub struct PlaceArg {
    /// Printer whose feeder (default: the store).
    #[arg(long)]
    pub printer: Option<String>,
}

/// `cetak stock load|unload`: blangko between the store and a printer's feeder.
#[derive(Debug, Args)]
pub struct FeederMove {
    /// Printer id.
    #[arg(long)]
    pub printer: String,
    /// Count.
    #[arg(long)]
    pub count: u32,
    /// Type (default: the one configured for the printer).
    #[arg(long = "type")]
    pub blangko_type: Option<BlangkoType>,
}

/// `cetak stock …`.
#[derive(Debug, Subcommand)]
pub enum StockCommand {
    /// Terima blangko / receive blangko into the store.
    Receive {
        /// kia or ktp-el.
        #[arg(long = "type")]
        blangko_type: BlangkoType,
        /// Count.
        #[arg(long)]
        count: u32,
        /// Lot / box number.
        #[arg(long)]
        lot: String,
        /// Note.
        #[arg(long)]
        note: Option<String>,
    },
    /// Isi feeder printer / load blangko from the store into a printer's feeder.
    Load(FeederMove),
    /// Keluarkan dari feeder / unload blangko from a printer's feeder back to the store.
    Unload(FeederMove),
    /// Tampilkan stok / show the figures.
    Show,
    /// Catat blangko rusak / write off spoiled blangko (from the store or a feeder), or with
    /// `--job` a card already printed (perubahan elemen data): the job is printed again on a
    /// new card, or ends superseded with `--replaced-by NEW_JOB`.
    Spoil {
        #[command(flatten)]
        place: PlaceArg,
        /// kia or ktp-el.
        #[arg(long = "type", required_unless_present = "job")]
        blangko_type: Option<BlangkoType>,
        /// Count.
        #[arg(long, default_value_t = 1, conflicts_with = "job")]
        count: u32,
        /// gagal-encode, gagal-cetak, rusak, perubahan-elemen-data.
        #[arg(long)]
        category: SpoilCategory,
        /// Note (required with --job).
        #[arg(long, default_value = "")]
        note: String,
        /// A printed job whose card is written off before handover.
        #[arg(long, conflicts_with_all = ["blangko_type", "printer"])]
        job: Option<String>,
        /// With --job: the new job that replaces it (otherwise it is printed again).
        #[arg(long, requires = "job")]
        replaced_by: Option<String>,
    },
    /// Kembalikan ke provinsi / return blangko to the province.
    Return {
        #[command(flatten)]
        place: PlaceArg,
        /// kia or ktp-el.
        #[arg(long = "type")]
        blangko_type: BlangkoType,
        /// Count.
        #[arg(long)]
        count: u32,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Koreksi (administrator) / adjust a count (administrators only).
    Adjust {
        #[command(flatten)]
        place: PlaceArg,
        /// kia or ktp-el.
        #[arg(long = "type")]
        blangko_type: BlangkoType,
        /// Signed change, e.g. -2 or 3.
        #[arg(long, allow_hyphen_values = true)]
        delta: i64,
        /// Reason (required).
        #[arg(long)]
        reason: String,
    },
    /// Periksa keseimbangan / verify the ledger balances.
    Verify,
}

/// `cetak doubt …`.
#[derive(Debug, Subcommand)]
pub enum DoubtCommand {
    /// Daftar job diragukan / list in-doubt jobs.
    List,
    /// Putuskan / resolve one in-doubt job.
    Resolve {
        /// Job id.
        job: String,
        /// The card came out printed.
        #[arg(long, conflicts_with = "spoiled", required_unless_present = "spoiled")]
        printed: bool,
        /// The card is spoiled, with its category.
        #[arg(long)]
        spoiled: Option<SpoilCategory>,
        /// With --printed: the card number read from the card, when the printer did not
        /// report one (nomor kartu).
        #[arg(long, conflicts_with = "spoiled")]
        card_serial: Option<String>,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
}

/// `cetak outbox …`.
#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Antrean dan event yang ditolak / backlog and refused events.
    Show,
    /// Kirim ulang event yang ditolak (administrator) / send refused events again
    /// (administrators).
    Retry {
        /// Event id (as `cetak outbox show` lists it).
        event: Option<String>,
        /// Every refused event.
        #[arg(long, conflicts_with = "event", required_unless_present = "event")]
        all: bool,
    },
}

/// `cetak audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Periksa rantai hash / verify the hash chain.
    Verify,
}
