//! The station's configuration file (`/etc/cetak/cetak.toml`): the station, its printers, its
//! directories and policies. Errors name the key and the line, because an operator edits this
//! file by hand on a machine with no IDE.

use std::path::{Path, PathBuf};

use serde::Deserialize;

mod check;
mod error;
mod link;
mod printer;
mod sections;

pub use error::ConfigError;
pub use link::LinkConfig;
pub use printer::{EncoderConfig, PrinterConfig};
pub(crate) use printer::{RawEncoderConfig, RawPrinterConfig};
pub use sections::{DashboardConfig, Official, QueueConfig, ReportConfig, ValidationConfig};

/// Whole configuration, its values typed at load ([`Config::parse`]): printers as
/// [`PrinterConfig`] (`P` is the file's text form only while the file is being checked).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, bound(deserialize = "P: Deserialize<'de>"))]
pub struct Config<P = PrinterConfig> {
    pub station: StationConfig,
    #[serde(default)]
    pub policy: PolicyConfig,
    #[serde(default, rename = "printer")]
    pub printers: Vec<P>,
    /// The link to the central server; absent = offline station (spool and bundles only).
    #[serde(default)]
    pub link: Option<LinkConfig>,
    /// Server keys whose signed jobs this station accepts.
    #[serde(default)]
    pub trust: TrustConfig,
    /// Who may do what through the control socket.
    #[serde(default)]
    pub authority: AuthorityConfig,
    /// The official reports (`cetak report`): letterhead, numbering, who signs.
    #[serde(default)]
    pub report: ReportConfig,
    /// The daemon's HTTP listener (`/metrics`); absent = no port opened.
    #[serde(default)]
    pub dashboard: Option<DashboardConfig>,
    /// Named validation policies for batches.
    #[serde(default)]
    pub validation: ValidationConfig,
    /// Dispatch order.
    #[serde(default)]
    pub queue: QueueConfig,
}

/// The `[authority]` table: the Unix groups that give a role on the control socket
/// (`docs/daemon.md`, "Who may do what"). Root and the daemon's own user are administrators.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthorityConfig {
    /// Print-station staff: load blangko, decide on paused printers and in-doubt jobs, reports.
    pub operator_group: String,
    /// Administrators: also receive, adjust, return and write off blangko, send refused events
    /// again.
    pub admin_group: String,
}

impl Default for AuthorityConfig {
    fn default() -> Self {
        AuthorityConfig {
            operator_group: "cetak-operator".into(),
            admin_group: "cetak-admin".into(),
        }
    }
}

/// The `[trust]` table: `[[trust.key]]` entries, several at once during a key rotation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustConfig {
    /// Trusted keys.
    #[serde(default)]
    pub key: Vec<TrustKeyConfig>,
}

/// One `[[trust.key]]`: `kid = "dinas-2026-1"`, `public_key = "<base64url of 32 bytes>"`,
/// optional `not_after = "2027-06-30T00:00:00Z"`. Spans are kept so errors name the line.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustKeyConfig {
    /// Key id, as in the signed job's `kid` header.
    pub kid: toml::Spanned<String>,
    /// Ed25519 public key, base64url (no padding) of the 32 raw bytes.
    pub public_key: toml::Spanned<String>,
    /// RFC 3339 instant after which the key verifies nothing.
    #[serde(default)]
    pub not_after: Option<toml::Spanned<String>>,
}

/// Identity and directories of this station.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StationConfig {
    /// Station id as the server knows it, e.g. `3273-DISDUK-01`.
    pub id: String,
    /// Human name shown on the dashboard and reports.
    #[serde(default)]
    pub name: String,
    /// Journal, spool and printed-card images live here.
    pub data_dir: PathBuf,
    /// A folder of card layouts (SVG + manifests + fonts) replacing the built-in ones as a
    /// whole; absent = the layouts built into the binary.
    #[serde(default)]
    pub layouts_dir: Option<PathBuf>,
    /// Job files dropped here are taken in; defaults to `<data_dir>/spool`.
    #[serde(default)]
    pub spool_dir: Option<PathBuf>,
    /// Unix socket of the control API (`cetak status`, `cetak act`, the dashboard); defaults
    /// to `<data_dir>/control.sock`. Under systemd: `/run/cetak/control.sock`
    /// (RuntimeDirectory=cetak).
    #[serde(default)]
    pub control_socket: Option<PathBuf>,
    /// No longer used: the socket is open to every local user (0666) and the daemon decides
    /// from the caller's groups (`[authority]`). Still accepted so older files load; the daemon
    /// warns when it is set.
    #[serde(default)]
    pub control_group: Option<String>,
}

/// What the station does when things go wrong, and when to warn.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PolicyConfig {
    /// Blangko a job may use before it fails (each spoiled card is one attempt).
    pub max_attempts: u32,
    /// Photo background colour rule: `warn`, `reject` or `off`.
    pub photo_background: String,
    /// Jobs rendered ahead of the card being printed, per printer (1–2).
    pub lookahead: usize,
    /// Alert when the store holds fewer blangko of a type than this.
    pub low_stock_store: u32,
    /// Alert when a printer's feeder holds fewer blangko than this.
    pub low_stock_feeder: u32,
    /// Personalise the chip of every card that has one (KTP-el always). `false` only for test
    /// prints on printers without an encoder: such cards leave with a blank chip.
    pub encode_chips: bool,
    /// This region's KIA blangko carry a chip (seed 000); most regions' do not.
    pub kia_chip: bool,
    /// Training station: unsigned jobs are accepted, and every card (signed or not) is printed
    /// with SPECIMEN across it.
    pub training: bool,
    /// Days a finished job's personal data (journal payload, spool copies) is kept after its
    /// last change; purged only once the server acknowledged all its events. 0 = at the first
    /// purge run after the acknowledgement.
    pub retention_days: u32,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            max_attempts: 3,
            photo_background: "warn".into(),
            lookahead: 2,
            low_stock_store: 100,
            low_stock_feeder: 10,
            encode_chips: true,
            kia_chip: false,
            training: false,
            retention_days: 3,
        }
    }
}

/// Which jobs go through chip personalisation (and so need a printer with an encoder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChipRule {
    /// Personalise chips at all.
    pub encode: bool,
    /// KIA blangko carry a chip.
    pub kia_chip: bool,
}

impl Default for ChipRule {
    fn default() -> Self {
        ChipRule {
            encode: true,
            kia_chip: false,
        }
    }
}

impl ChipRule {
    /// Whether a card of this design is personalised.
    pub fn needs_chip(self, design: crate::card::CardDesign) -> bool {
        self.encode && crate::chip_content::needs_chip(design, self.kia_chip)
    }
}

/// The configuration as written, before its values are typed (checked by `check`).
pub(crate) type RawConfig = Config<RawPrinterConfig>;

impl Config {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// Parses and checks configuration text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(0);
            ConfigError::Syntax {
                path: path.to_owned(),
                line,
                message: e.message().trim().to_string(),
            }
        })?;
        let invalid = |p: check::Problem| ConfigError::Invalid {
            path: path.to_owned(),
            line: check::Spans::new(text).line(&p.key),
            key: p.key,
            id: p.id,
            en: p.en,
        };
        let config = check::check(raw).map_err(invalid)?;
        config.trust_store_at(text, path)?;
        Ok(config)
    }
}

impl<P> Config<P> {
    /// The trusted server keys. Checked when the file was parsed, so this fails only for a
    /// `Config` built by hand.
    pub fn trust_store(&self) -> Result<crate::signing::TrustStore, ConfigError> {
        self.trust_store_at("", Path::new("config"))
    }

    /// Builds the trust store; `text` (when given) turns spans into line numbers.
    fn trust_store_at(
        &self,
        text: &str,
        path: &Path,
    ) -> Result<crate::signing::TrustStore, ConfigError> {
        use crate::messages::{Lang, Message};
        use crate::signing::{parse_public_key, TrustStore, TrustedKey};
        let mut store = TrustStore::new();
        for (i, k) in self.trust.key.iter().enumerate() {
            // A key the file names but cannot be used: said in both languages at its line.
            let err = |field: &str, span: std::ops::Range<usize>, problem: &dyn Message| {
                let kid = k.kid.get_ref();
                ConfigError::Invalid {
                    path: path.to_owned(),
                    line: line_of(text, span.start),
                    key: format!("trust.key[{i}].{field}"),
                    id: format!("(kid {kid:?}) {}", crate::messages::text(Lang::Id, problem)),
                    en: format!("(kid {kid:?}) {}", crate::messages::text(Lang::En, problem)),
                }
            };
            let key = parse_public_key(k.public_key.get_ref())
                .map_err(|e| err("public_key", k.public_key.span(), &e))?;
            if !self.policy.training && crate::signing::demo::is_demo_key(&key) {
                return Err(ConfigError::DemoKey {
                    path: path.to_owned(),
                    line: line_of(text, k.public_key.span().start),
                    index: i,
                    kid: k.kid.get_ref().clone(),
                    demo_kid: crate::signing::demo::DEMO_KID,
                    public_key: k.public_key.get_ref().trim().to_string(),
                });
            }
            let not_after = match &k.not_after {
                None => None,
                Some(t) => Some(
                    chrono::DateTime::parse_from_rfc3339(t.get_ref())
                        .map_err(|_| {
                            err(
                                "not_after",
                                t.span(),
                                &crate::messages::Plain::new("config.not_rfc3339"),
                            )
                        })?
                        .with_timezone(&chrono::Utc),
                ),
            };
            store
                .add(TrustedKey {
                    kid: k.kid.get_ref().clone(),
                    key,
                    not_after,
                })
                .map_err(|e| err("kid", k.kid.span(), &e))?;
        }
        Ok(store)
    }

    /// Where the card layouts are read from.
    pub fn layout_source(&self) -> crate::layout::LayoutSource {
        crate::layout::LayoutSource::from_dir(self.station.layouts_dir.as_deref())
    }

    /// Where job files are dropped for intake.
    pub fn spool_dir(&self) -> PathBuf {
        self.station
            .spool_dir
            .clone()
            .unwrap_or_else(|| self.station.data_dir.join("spool"))
    }

    /// Which documents need their chip personalised at this station.
    pub fn chip_rule(&self) -> ChipRule {
        ChipRule {
            encode: self.policy.encode_chips,
            kia_chip: self.policy.kia_chip,
        }
    }

    /// The control API's Unix socket.
    pub fn control_socket(&self) -> PathBuf {
        self.station
            .control_socket
            .clone()
            .unwrap_or_else(|| self.station.data_dir.join("control.sock"))
    }

    /// The journal database file.
    pub fn journal_path(&self) -> PathBuf {
        self.station.data_dir.join("journal.sqlite")
    }

    /// Journal options of this station (its id, attempt limit, the wall clock).
    pub fn journal_options(&self) -> crate::journal::JournalOptions {
        crate::journal::JournalOptions {
            station_id: self.station.id.clone(),
            max_attempts: self.policy.max_attempts,
            clock: std::sync::Arc::new(crate::journal::SystemClock),
            busy_timeout: std::time::Duration::from_secs(30),
            batch_order: self.queue.batch_order,
        }
    }

    /// The validation policy of this station's intake, with the programmes a batch may name
    /// (the built-in `sekolah` and `[validation.policies]`).
    pub fn validation_policy(&self) -> crate::job::ValidationPolicy {
        use crate::job::BackgroundPolicy;
        crate::job::ValidationPolicy {
            photo_background: match self.policy.photo_background.as_str() {
                "reject" => BackgroundPolicy::Reject,
                "off" => BackgroundPolicy::Off,
                _ => BackgroundPolicy::Warn,
            },
            programmes: crate::job::Programmes::from_map(self.validation.policies.clone()),
            ..crate::job::ValidationPolicy::default()
        }
    }
}

/// 1-based line number of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests;
