//! The `[report]`, `[dashboard]`, `[validation]` and `[queue]` tables (their users:
//! `crate::report`, `crate::dashboard`, intake through `Config::validation_policy`, the
//! journal's dispatch through `Config::journal_options`).

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A signing official as configured: name, NIP (18 digits, spaces allowed) and position.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Official {
    /// Name with titles, e.g. `Drs. H. DEDI BUDIAWAN, MM`.
    pub name: String,
    /// NIP, e.g. `19641220 198509 1 001`.
    pub nip: String,
    /// Position, e.g. `Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Tangerang Selatan`.
    pub position: String,
}

/// The `[report]` table: letterhead, numbering and who signs (`docs/reports.md`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct ReportConfig {
    /// First letterhead line, e.g. `PEMERINTAH KOTA TANGERANG SELATAN`.
    pub government: String,
    /// The office, e.g. `DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL`.
    pub office: String,
    /// Address line(s) under the office name.
    pub address: String,
    /// Where documents are signed (`Tangerang Selatan, 2 Desember 2026`).
    pub city: String,
    /// Classification code that starts a BAST number (`471.12`).
    pub number_code: String,
    /// Unit code in a BAST number (`IDENDUK`).
    pub number_unit: String,
    /// Local time zone offset for report days, minutes east of UTC (WIB 420, WITA 480,
    /// WIT 540).
    pub utc_offset_minutes: i32,
    /// PIHAK PERTAMA of a BAST: the head of the office or whom they delegate.
    pub first_party: Official,
    /// Signs the spoilage and stock reports as "Mengetahui" (head of section).
    pub head_of_section: Official,
}

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig {
            government: String::new(),
            office: "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL".into(),
            address: String::new(),
            city: String::new(),
            number_code: "471.12".into(),
            number_unit: "IDENDUK".into(),
            utc_offset_minutes: 420,
            first_party: Official::default(),
            head_of_section: Official::default(),
        }
    }
}

/// The `[dashboard]` table.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct DashboardConfig {
    /// Address to listen on: loopback only unless `tls_cert`/`tls_key` are set, because
    /// passwords and the figures would otherwise cross the network in clear.
    pub listen: String,
    /// A signed-in session ends after this many minutes without a request (default 8 hours,
    /// one working day).
    pub session_idle_minutes: u64,
    /// The PAM service that checks an account's password at sign-in (`/etc/pam.d/<name>`).
    pub pam_service: String,
    /// PEM certificate (chain); with `tls_key` the dashboard speaks only HTTPS, on any address.
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of `tls_cert`.
    pub tls_key: Option<PathBuf>,
    /// Whether people may sign in with their account's password (PAM). `false`: tokens only,
    /// for an office that will not put the service user in the `shadow` group
    /// (`docs/dashboard.md`).
    pub account_sign_in: bool,
}

impl Default for DashboardConfig {
    fn default() -> Self {
        DashboardConfig {
            listen: "127.0.0.1:8470".into(),
            session_idle_minutes: 8 * 60,
            pam_service: "cetak".into(),
            tls_cert: None,
            tls_key: None,
            account_sign_in: true,
        }
    }
}

impl DashboardConfig {
    /// The certificate and key when both are set (HTTPS).
    pub fn tls(&self) -> Option<(&Path, &Path)> {
        Some((self.tls_cert.as_deref()?, self.tls_key.as_deref()?))
    }
}

/// The `[validation]` table: named policies a batch can run under (`batch.programme` of a job,
/// `docs/job.md` "Batches"). `[validation.policies.NAME]` takes the keys of
/// [`crate::job::ValidationPolicy`]; a key not given keeps the default policy's value. The
/// name `sekolah` is built in (the collective school programme); a table of that name replaces
/// it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct ValidationConfig {
    /// Policies by name (1–64 of `A–Z a–z 0–9 . _ -`).
    pub policies: std::collections::BTreeMap<String, crate::job::ValidationPolicy>,
}

/// The `[queue]` table: the order printers take queued jobs in.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct QueueConfig {
    /// `batch-first` (default: finish one school before starting the next) or `fifo`.
    pub batch_order: crate::journal::BatchOrder,
}
