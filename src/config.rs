//! The station's configuration file (`/etc/cetak/cetak.toml`): the station, its printers, its
//! directories and policies. Errors name the key and the line, because an operator edits this
//! file by hand on a machine with no IDE.

use std::path::{Path, PathBuf};

use serde::Deserialize;

mod check;
mod sections;

pub use sections::{DashboardConfig, Official, QueueConfig, ReportConfig, ValidationConfig};

/// A configuration that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read: check the path given with `--config` and its permissions.
    #[error("cannot read config {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The TOML is malformed or a key has the wrong type / is unknown / is missing.
    #[error("config {path}, line {line}: {message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// The TOML parses but a value is not acceptable; `line` is 0 when not known.
    #[error("config {}{}: key `{key}`: {en}", path.display(), at_line(*line, "line"))]
    Invalid {
        path: PathBuf,
        line: usize,
        key: String,
        /// What is wrong, in Bahasa Indonesia.
        id: String,
        /// What is wrong, in English.
        en: String,
    },
    /// A production station (`policy.training = false`) trusts the demo key, whose private half
    /// is public: anyone could sign jobs it would print. Remove the key, or make the station a
    /// training station.
    #[error(
        "config {path}, line {line}: key `trust.key[{index}]` (kid {kid:?}) is the demo key \
         {demo_kid} ({public_key}), whose private half is public: a production station \
         (policy.training = false) must not trust it. Remove this key, or set \
         policy.training = true for a training station"
    )]
    DemoKey {
        path: PathBuf,
        line: usize,
        index: usize,
        kid: String,
        demo_kid: &'static str,
        public_key: String,
    },
}

impl crate::messages::Message for ConfigError {
    fn message_code(&self) -> &'static str {
        match self {
            ConfigError::Read { .. } => "config.read",
            ConfigError::Syntax { .. } => "config.syntax",
            ConfigError::Invalid { .. } => "config.invalid",
            ConfigError::DemoKey { .. } => "config.demo_key",
        }
    }

    fn message_args(&self) -> crate::messages::Args {
        let args = crate::messages::Args::new();
        match self {
            ConfigError::Read { path, source } => {
                args.with("path", path.display()).with("source", source)
            }
            ConfigError::Syntax {
                path,
                line,
                message,
            } => args
                .with("path", path.display())
                .with("line", line)
                .with_each("message", syntax_id(message), message),
            ConfigError::Invalid {
                path,
                line,
                key,
                id,
                en,
            } => args
                .with("path", path.display())
                .with_each("at", at_line(*line, "baris"), at_line(*line, "line"))
                .with("key", key)
                .with_each("detail", id, en),
            ConfigError::DemoKey {
                path,
                line,
                index,
                kid,
                demo_kid,
                public_key,
            } => args
                .with("path", path.display())
                .with("line", line)
                .with("index", index)
                .with("kid", format!("{kid:?}"))
                .with("demo_kid", demo_kid)
                .with("public_key", public_key),
        }
    }
}

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

/// `[link]`: how the station reaches the central server and how the server reaches it.
/// See `docs/protocol/station.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkConfig {
    /// Base URL of the server, e.g. `https://cetak.dinas.example/` (the API is under `api/v1`).
    pub server_url: String,
    /// File holding this station's bearer token (one line; kept out of the config file).
    pub token_file: PathBuf,
    /// PEM file of the CA that signed the server's certificate, added to the system roots.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// PEM client certificate for mutual TLS (with `client_key`).
    #[serde(default)]
    pub client_cert: Option<PathBuf>,
    /// PEM private key of `client_cert`.
    #[serde(default)]
    pub client_key: Option<PathBuf>,
    /// Lease length asked for each claimed job (30–3600 s).
    #[serde(default = "default_lease_seconds")]
    pub lease_seconds: u32,
    /// How long a claim may be held by the server when it has nothing (0–60 s).
    #[serde(default = "default_wait_seconds")]
    pub wait_seconds: u32,
    /// Renew leases this often; default half the lease.
    #[serde(default)]
    pub renew_seconds: Option<u32>,
    /// Claim only while fewer than this many jobs per printer are queued and not yet fed.
    #[serde(default = "default_queue_per_printer")]
    pub queue_per_printer: u32,
    /// Connect timeout of every request (s).
    #[serde(default = "default_connect_timeout")]
    pub connect_timeout_seconds: u32,
    /// Total timeout of every request except the long-poll (which gets `wait_seconds` more).
    #[serde(default = "default_request_timeout")]
    pub request_timeout_seconds: u32,
    /// First retry delay after a failed delivery or claim (ms).
    #[serde(default = "default_backoff_initial")]
    pub backoff_initial_ms: u64,
    /// Longest retry delay (s).
    #[serde(default = "default_backoff_max")]
    pub backoff_max_seconds: u64,
    /// Period of the `stock` report event (s); one is also written when the figures change.
    #[serde(default = "default_stock_interval")]
    pub stock_interval_seconds: u64,
    /// Address of the push endpoint, e.g. `0.0.0.0:8443`; absent = no push endpoint.
    #[serde(default)]
    pub push_listen: Option<String>,
    /// File holding the token the server presents when pushing.
    #[serde(default)]
    pub push_token_file: Option<PathBuf>,
    /// PEM certificate (chain) of the push endpoint; with `push_tls_key` it speaks HTTPS.
    #[serde(default)]
    pub push_tls_cert: Option<PathBuf>,
    /// PEM private key of `push_tls_cert`.
    #[serde(default)]
    pub push_tls_key: Option<PathBuf>,
}

fn default_lease_seconds() -> u32 {
    300
}
fn default_wait_seconds() -> u32 {
    30
}
fn default_queue_per_printer() -> u32 {
    4
}
fn default_connect_timeout() -> u32 {
    10
}
fn default_request_timeout() -> u32 {
    30
}
fn default_backoff_initial() -> u64 {
    500
}
fn default_backoff_max() -> u64 {
    300
}
fn default_stock_interval() -> u64 {
    900
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

/// One printer beside the station.
#[derive(Debug, Clone)]
pub struct PrinterConfig {
    /// Short id used in the ledger and the CLI, e.g. `P1`.
    pub id: String,
    /// `serial:///dev/ttyUSB0?baud=115200`, `usblp:///dev/usb/lp0`, `tcp://host:9100`, `emu://NAME`.
    pub uri: String,
    /// Protocol family / model, e.g. `evolis`.
    pub model: String,
    /// Blangko type loaded in the feeder.
    pub blangko: crate::journal::BlangkoType,
    /// Chip encoder at the printer's station, when it has one.
    pub encoder: Option<EncoderConfig>,
}

/// A `[[printer]]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPrinterConfig {
    pub id: String,
    pub uri: String,
    #[serde(default = "default_model")]
    pub model: String,
    /// `kia` or `ktp-el`.
    pub blangko: String,
    #[serde(default)]
    pub encoder: Option<RawEncoderConfig>,
}

fn default_model() -> String {
    "evolis".into()
}

/// The PC/SC reader at a printer's encoder station.
#[derive(Debug, Clone)]
pub struct EncoderConfig {
    /// Substring of the PC/SC reader name.
    pub reader: String,
    /// Card profile file (TOML); absent = the built-in default profile.
    pub profile: Option<PathBuf>,
    /// Where the card is parked for encoding.
    pub station: cetak_drivers::printer::station::EncoderStation,
}

/// A `[printer.encoder]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEncoderConfig {
    pub reader: String,
    #[serde(default)]
    pub profile: Option<PathBuf>,
    /// `contact` or `contactless`.
    #[serde(default = "default_station")]
    pub station: String,
}

fn default_station() -> String {
    "contactless".into()
}

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
        check::check(&raw).map_err(invalid)?;
        let config = check::typed(raw).map_err(invalid)?;
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
        use crate::signing::{parse_public_key, TrustStore, TrustedKey};
        let mut store = TrustStore::new();
        for (i, k) in self.trust.key.iter().enumerate() {
            let err =
                |field: &str, span: std::ops::Range<usize>, message: String| ConfigError::Syntax {
                    path: path.to_owned(),
                    line: line_of(text, span.start),
                    message: format!(
                        "trust.key[{i}].{field} (kid {:?}): {message}",
                        k.kid.get_ref()
                    ),
                };
            let key = parse_public_key(k.public_key.get_ref())
                .map_err(|e| err("public_key", k.public_key.span(), e.to_string()))?;
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
                        .map_err(|e| {
                            err(
                                "not_after",
                                t.span(),
                                format!("not an RFC 3339 time like 2027-06-30T00:00:00Z ({e})"),
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
                .map_err(|e| err("kid", k.kid.span(), e.to_string()))?;
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

impl LinkConfig {
    /// When leases are renewed.
    pub fn renew_every(&self) -> std::time::Duration {
        std::time::Duration::from_secs(u64::from(
            self.renew_seconds.unwrap_or(self.lease_seconds / 2),
        ))
    }
}

/// The TOML parser's message in Bahasa Indonesia for the mistakes people make by hand; the
/// parser's own words follow in brackets.
fn syntax_id(message: &str) -> String {
    let what = if message.starts_with("unknown field") {
        "kunci tidak dikenal"
    } else if message.starts_with("missing field") {
        "kunci wajib tidak ada"
    } else if message.starts_with("invalid type") {
        "jenis nilai salah"
    } else if message.starts_with("duplicate key") {
        "kunci ditulis dua kali"
    } else if message.starts_with("unknown variant") || message.starts_with("invalid value") {
        "nilai tidak sah"
    } else {
        "TOML tidak sah"
    };
    format!("{what} ({message})")
}

/// `, line N` (`word` = the language's "line"), or nothing when the line is not known.
fn at_line(line: usize, word: &str) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(", {word} {line}")
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
mod tests {
    use super::*;

    const GOOD: &str = r#"
[station]
id = "3273-DISDUK-01"
data_dir = "/var/lib/cetak"

[[printer]]
id = "P1"
uri = "tcp://127.0.0.1:9100"
blangko = "kia"

[[printer]]
id = "P2"
uri = "emu://p2"
blangko = "ktp-el"
encoder = { reader = "Virtual PCD", profile = "/etc/cetak/profiles/default.toml" }
"#;

    #[test]
    fn good_config_parses_with_defaults() {
        let c = Config::parse(GOOD, Path::new("t.toml")).unwrap();
        assert_eq!(c.printers.len(), 2);
        assert_eq!(c.policy.max_attempts, 3);
        assert_eq!(
            c.printers[1].encoder.as_ref().unwrap().station,
            cetak_drivers::printer::station::EncoderStation::Contactless
        );
        // Typed at load: nothing downstream parses the blangko string again.
        assert_eq!(c.printers[0].blangko, crate::journal::BlangkoType::Kia);
        assert_eq!(c.printers[1].blangko, crate::journal::BlangkoType::KtpEl);
        assert_eq!(c.spool_dir(), PathBuf::from("/var/lib/cetak/spool"));
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let text = GOOD.replace("blangko = \"kia\"", "blangko = \"kia\"\nfeeder = 3");
        match Config::parse(&text, Path::new("t.toml")) {
            Err(ConfigError::Syntax { line, message, .. }) => {
                assert_eq!(line, 10, "{message}");
                assert!(message.contains("feeder"), "{message}");
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn wrong_type_names_line() {
        let text = GOOD.replace("id = \"P1\"", "id = 1");
        match Config::parse(&text, Path::new("t.toml")) {
            Err(ConfigError::Syntax { line, .. }) => assert_eq!(line, 7),
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn batch_policies_and_queue_order_are_read_and_checked() {
        let c = Config::parse(GOOD, Path::new("t.toml")).unwrap();
        assert_eq!(
            c.journal_options().batch_order,
            crate::journal::BatchOrder::BatchFirst
        );
        let p = c.validation_policy();
        assert_eq!(p.programmes.names().collect::<Vec<_>>(), ["sekolah"]);
        assert_eq!(
            p.for_batch(Some("sekolah")).unwrap(),
            &crate::job::ValidationPolicy::collective_programme()
        );

        let text = format!(
            "{GOOD}\n[queue]\nbatch_order = \"fifo\"\n\n[validation.policies.pesantren]\n\
             max_image_bytes = 204800\nfirst_issuance_only = true\n"
        );
        let c = Config::parse(&text, Path::new("t.toml")).unwrap();
        assert_eq!(
            c.journal_options().batch_order,
            crate::journal::BatchOrder::Fifo
        );
        let p = c.validation_policy();
        assert_eq!(
            p.programmes.names().collect::<Vec<_>>(),
            ["pesantren", "sekolah"]
        );
        let named = p.for_batch(Some("pesantren")).unwrap();
        assert_eq!(named.max_image_bytes, 204_800);
        assert!(named.first_issuance_only && !named.photo_jpeg_only);
        assert_eq!(p.for_batch(Some("pondok")), Err("pondok"));
        assert_eq!(p.for_batch(None).unwrap(), &p);

        let bad = format!("{GOOD}\n[validation.policies.\"two words\"]\nmax_image_bytes = 1\n");
        match Config::parse(&bad, Path::new("t.toml")) {
            Err(ConfigError::Invalid { key, .. }) => {
                assert_eq!(key, "validation.policies.two words")
            }
            other => panic!("expected an invalid key, got {other:?}"),
        }
        let bad = format!("{GOOD}\n[queue]\nbatch_order = \"school\"\n");
        assert!(matches!(
            Config::parse(&bad, Path::new("t.toml")),
            Err(ConfigError::Syntax { .. })
        ));
    }

    const KEY: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

    #[test]
    fn trust_keys_parse_with_rotation() {
        let text = format!(
            "{GOOD}\n[[trust.key]]\nkid = \"old\"\npublic_key = \"{KEY}\"\nnot_after = \"2027-06-30T00:00:00Z\"\n\n[[trust.key]]\nkid = \"new\"\npublic_key = \"{KEY}\"\n"
        );
        let c = Config::parse(&text, Path::new("t.toml")).unwrap();
        let store = c.trust_store().unwrap();
        let kids: Vec<_> = store.keys().map(|k| k.kid.as_str()).collect();
        assert_eq!(kids, ["new", "old"]);
        assert!(store.keys().any(|k| k.not_after.is_some()));
        assert!(!c.policy.training);
        assert_eq!(c.policy.retention_days, 3);
    }

    #[test]
    fn bad_trust_keys_name_key_and_line() {
        let head = format!("{GOOD}\n[[trust.key]]\nkid = \"k1\"\n");
        let base_line = head.lines().count();
        for (extra, field, line) in [
            (
                "public_key = \"abc\"\n".to_string(),
                "public_key",
                base_line + 1,
            ),
            (
                format!("public_key = \"{KEY}=\"\n"),
                "public_key",
                base_line + 1,
            ),
            (
                format!("public_key = \"{KEY}\"\nnot_after = \"tomorrow\"\n"),
                "not_after",
                base_line + 2,
            ),
            (
                format!(
                    "public_key = \"{KEY}\"\n[[trust.key]]\nkid = \"k1\"\npublic_key = \"{KEY}\"\n"
                ),
                "kid",
                base_line + 3,
            ),
        ] {
            let text = format!("{head}{extra}");
            match Config::parse(&text, Path::new("t.toml")) {
                Err(ConfigError::Syntax {
                    line: l, message, ..
                }) => {
                    assert!(message.contains(field), "{message}");
                    assert_eq!(l, line, "{message}");
                }
                other => panic!("expected an error for {extra:?}, got {other:?}"),
            }
        }
    }

    #[test]
    fn link_table_parses_and_checks() {
        let c = Config::parse(GOOD, Path::new("t.toml")).unwrap();
        assert!(c.link.is_none(), "no [link] = offline station");
        let text = format!(
            "{GOOD}\n[link]\nserver_url = \"https://dinas.example/\"\ntoken_file = \"/etc/cetak/token\"\n"
        );
        let c = Config::parse(&text, Path::new("t.toml")).unwrap();
        let link = c.link.unwrap();
        assert_eq!(link.lease_seconds, 300);
        assert_eq!(link.renew_every(), std::time::Duration::from_secs(150));
        let bad = text.replace("token_file", "lease_seconds = 5\ntoken_file");
        assert!(matches!(
            Config::parse(&bad, Path::new("t.toml")),
            Err(ConfigError::Invalid { key, .. }) if key == "link.lease_seconds"
        ));
        let bad = text.replace("token_file", "tokenfile");
        match Config::parse(&bad, Path::new("t.toml")) {
            Err(ConfigError::Syntax { line, message, .. }) => {
                let expected = bad
                    .lines()
                    .position(|l| l.starts_with("tokenfile"))
                    .map(|i| i + 1);
                assert_eq!(Some(line), expected, "{message}");
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
        let bad = text.replace("token_file", "push_listen = \"0.0.0.0:8443\"\ntoken_file");
        assert!(matches!(
            Config::parse(&bad, Path::new("t.toml")),
            Err(ConfigError::Invalid { key, .. }) if key == "link.push_token_file"
        ));
    }

    #[test]
    fn bad_values_name_the_key() {
        let text = GOOD.replace("blangko = \"ktp-el\"", "blangko = \"sim\"");
        match Config::parse(&text, Path::new("t.toml")) {
            Err(ConfigError::Invalid { key, .. }) => assert_eq!(key, "printer[1].blangko"),
            other => panic!("expected invalid, got {other:?}"),
        }
        let text = GOOD.replace("id = \"P2\"", "id = \"P1\"");
        assert!(matches!(
            Config::parse(&text, Path::new("t.toml")),
            Err(ConfigError::Invalid { key, .. }) if key == "printer[1].id"
        ));
    }
}
