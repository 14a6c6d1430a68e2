//! Key material for the access step: loaded from the environment or a secrets file, held only
//! as long as needed, never printed (its `Debug` is redacted and errors never carry it).

use super::error::ChipError;
use super::profile::{PinFormat, SecretSource};

/// Secret bytes (a PIN as VERIFY data). Overwritten on drop.
pub struct Secret(Vec<u8>);

impl Secret {
    /// Wraps bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        Secret(bytes)
    }

    /// The bytes, to put in a VERIFY command.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.iter_mut().for_each(|b| *b = 0);
    }
}

/// Reads the PIN text from its source.
pub fn load_text(source: &SecretSource) -> Result<Secret, ChipError> {
    match source {
        SecretSource::Env(name) => std::env::var(name)
            .map(|v| Secret(v.into_bytes()))
            .map_err(|_| ChipError::Secret(format!("environment variable {name} is not set"))),
        SecretSource::File { path, key } => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| ChipError::Secret(format!("{}: {e}", path.display())))?;
            let table: toml::Table = toml::from_str(&text)
                .map_err(|_| ChipError::Secret(format!("{} is not valid TOML", path.display())))?;
            match table.get(key) {
                Some(toml::Value::String(s)) => Ok(Secret(s.clone().into_bytes())),
                Some(_) => Err(ChipError::Secret(format!(
                    "{key} in {} is not a string",
                    path.display()
                ))),
                None => Err(ChipError::Secret(format!(
                    "{key} missing in {}",
                    path.display()
                ))),
            }
        }
    }
}

/// The VERIFY data: the PIN text encoded and padded as the profile says.
pub fn pin_data(
    text: &Secret,
    format: PinFormat,
    pad_to: usize,
    pad_byte: u8,
) -> Result<Secret, ChipError> {
    let mut bytes = match format {
        PinFormat::Ascii => text.expose().to_vec(),
        PinFormat::Hex => {
            let s = std::str::from_utf8(text.expose())
                .map_err(|_| ChipError::Secret("PIN is not text".into()))?;
            hex::decode(s.trim()).map_err(|_| ChipError::Secret("PIN is not hex".into()))?
        }
    };
    if bytes.is_empty() {
        return Err(ChipError::Secret("PIN is empty".into()));
    }
    if pad_to > 0 {
        if bytes.len() > pad_to {
            bytes.iter_mut().for_each(|b| *b = 0);
            return Err(ChipError::Secret(format!("PIN longer than {pad_to} bytes")));
        }
        bytes.resize(pad_to, pad_byte);
    }
    Ok(Secret(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_formatted_and_hidden() {
        let s = pin_data(&Secret::new(b"1234".to_vec()), PinFormat::Ascii, 8, 0xFF).unwrap();
        assert_eq!(s.expose(), b"1234\xFF\xFF\xFF\xFF");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        let h = pin_data(&Secret::new(b"0102".to_vec()), PinFormat::Hex, 0, 0).unwrap();
        assert_eq!(h.expose(), [1, 2]);
        assert!(pin_data(
            &Secret::new(b"123456789".to_vec()),
            PinFormat::Ascii,
            8,
            0xFF
        )
        .is_err());
    }

    #[test]
    fn file_source_errors_do_not_leak() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, "chip_pin = \"987654\"\n").unwrap();
        let ok = load_text(&SecretSource::File {
            path: path.clone(),
            key: "chip_pin".into(),
        })
        .unwrap();
        assert_eq!(ok.expose(), b"987654");
        let e = load_text(&SecretSource::File {
            path,
            key: "other".into(),
        })
        .unwrap_err();
        assert!(!e.to_string().contains("987654"));
        assert!(load_text(&SecretSource::Env("CETAK_TEST_SURELY_UNSET_VAR".into())).is_err());
    }
}
