//! Where the layouts are read from: the set built into the binary, or a folder on disk that a
//! card designer made from a copy of it (`layouts_dir` in the config, `--layouts`). Both look the
//! same to the loader: manifests and templates at the top, fonts in `fonts/`.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use super::error::LayoutError;

/// Where layouts come from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum LayoutSource {
    /// The layouts built into the binary (the source tree's `layouts/` at build time), so the
    /// station works from any folder with nothing installed beside it.
    #[default]
    BuiltIn,
    /// A folder on disk with the same structure, which replaces the built-in set as a whole.
    Dir(PathBuf),
}

impl LayoutSource {
    /// The folder when one is given, else the built-in layouts.
    pub fn from_dir(dir: Option<&Path>) -> Self {
        dir.map_or(LayoutSource::BuiltIn, |d| {
            LayoutSource::Dir(d.to_path_buf())
        })
    }

    /// Where they are, after "layout" in Bahasa Indonesia: `bawaan` or `di FOLDER`.
    pub fn describe_id(&self) -> String {
        match self {
            LayoutSource::BuiltIn => "bawaan".into(),
            LayoutSource::Dir(d) => format!("di {}", d.display()),
        }
    }

    /// Where they are, after "layouts" in English: `built into cetak` or `from FOLDER`.
    pub fn describe_en(&self) -> String {
        match self {
            LayoutSource::BuiltIn => "built into cetak".into(),
            LayoutSource::Dir(d) => format!("from {}", d.display()),
        }
    }

    /// Names of the files directly in `sub` (`""` = the top, `"fonts"`), sorted.
    pub(super) fn list(&self, sub: &str) -> Result<Vec<String>, LayoutError> {
        match self {
            LayoutSource::BuiltIn => {
                let mut names: Vec<String> = crate::assets::LAYOUT_FILES
                    .iter()
                    .filter_map(|(rel, _)| {
                        let (parent, name) = rel.rsplit_once('/').unwrap_or(("", rel));
                        (parent == sub).then(|| name.to_string())
                    })
                    .collect();
                names.sort();
                Ok(names)
            }
            LayoutSource::Dir(dir) => {
                let folder = if sub.is_empty() {
                    dir.clone()
                } else {
                    dir.join(sub)
                };
                let entries = std::fs::read_dir(&folder).map_err(|source| LayoutError::Io {
                    path: folder.clone(),
                    source,
                })?;
                let mut names: Vec<String> = entries
                    .filter_map(|e| e.ok())
                    .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
                    .filter_map(|e| e.file_name().to_str().map(str::to_string))
                    .collect();
                names.sort();
                Ok(names)
            }
        }
    }

    /// The bytes of `rel` (a `/`-separated path below the top).
    pub(super) fn read(&self, rel: &str) -> Result<Cow<'static, [u8]>, LayoutError> {
        match self {
            LayoutSource::BuiltIn => crate::assets::LAYOUT_FILES
                .iter()
                .find(|(name, _)| *name == rel)
                .map(|(_, bytes)| Cow::Borrowed(*bytes))
                .ok_or_else(|| LayoutError::Io {
                    path: self.path(rel),
                    source: std::io::ErrorKind::NotFound.into(),
                }),
            LayoutSource::Dir(_) => {
                let path = self.path(rel);
                std::fs::read(&path)
                    .map(Cow::Owned)
                    .map_err(|source| LayoutError::Io { path, source })
            }
        }
    }

    /// The path shown in messages for `rel`.
    pub(super) fn path(&self, rel: &str) -> PathBuf {
        match self {
            LayoutSource::BuiltIn => Path::new("(built-in)").join(rel),
            LayoutSource::Dir(dir) => dir.join(rel),
        }
    }
}
