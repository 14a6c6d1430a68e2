//! The profile file as written, before validation (see the parent module for the checks).

use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub card: Card,
    pub application: Application,
    pub access: Access,
    pub transfer: Transfer,
    #[serde(rename = "file")]
    pub files: Vec<File>,
    #[serde(default)]
    pub finish: Finish,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Card {
    #[serde(default)]
    pub atr_allow: Vec<String>,
    #[serde(default)]
    pub atr_deny: Vec<String>,
    #[serde(default)]
    pub read_uid: bool,
    #[serde(default)]
    pub serial_tag: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    pub fid: String,
    #[serde(default)]
    pub aid: Option<String>,
    #[serde(default)]
    pub create: bool,
    #[serde(default)]
    pub fcp_extra: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Access {
    pub method: String,
    #[serde(default)]
    pub pin_reference: Option<String>,
    #[serde(default)]
    pub pin_env: Option<String>,
    #[serde(default)]
    pub pin_file: Option<String>,
    #[serde(default)]
    pub pin_key: Option<String>,
    #[serde(default)]
    pub pin_format: Option<String>,
    #[serde(default)]
    pub pad_to: Option<usize>,
    #[serde(default)]
    pub pad_byte: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    pub chunk_size: usize,
    #[serde(default)]
    pub extended: Option<String>,
    #[serde(default)]
    pub extended_chunk_size: Option<usize>,
    #[serde(default)]
    pub apdu_timeout_ms: Option<u64>,
    #[serde(default)]
    pub reselect_after_create: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    pub fid: String,
    pub content: crate::chip::content::ContentSource,
    #[serde(default)]
    pub size: Option<usize>,
    #[serde(default)]
    pub optional: bool,
    #[serde(default)]
    pub read: Option<String>,
    #[serde(default)]
    pub update: Option<String>,
    #[serde(default)]
    pub fcp_extra: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Finish {
    #[serde(default)]
    pub activate: bool,
}
