//! `[[printer]]` tables: ids, URIs, models, blangko types and encoders, checked and typed in one
//! pass, so that nothing downstream parses these strings again.

use cetak_drivers::chip::ReaderPattern;
use cetak_drivers::printer::station::EncoderStation;
use cetak_drivers::transport::PrinterUri;

use super::{absolute, problem, says, Problem};
use crate::config::{EncoderConfig, PrinterConfig, RawEncoderConfig, RawPrinterConfig};
use crate::messages::Plain;

/// Checks every printer in file order and types it; the first problem is reported.
pub(super) fn printers(raw: Vec<RawPrinterConfig>) -> Result<Vec<PrinterConfig>, Problem> {
    let mut out: Vec<PrinterConfig> = Vec::with_capacity(raw.len());
    for (i, p) in raw.into_iter().enumerate() {
        let key = |k: &str| format!("printer[{i}].{k}");
        let id = printer_id(&key("id"), &p.id, &out)?;
        let uri: PrinterUri = p
            .uri
            .parse()
            .map_err(|e: cetak_drivers::transport::UriError| problem(key("uri"), &e))?;
        if p.model != "evolis" {
            return Err(problem(
                key("model"),
                &Plain::new("config.check.model").with("model", format!("{:?}", p.model)),
            ));
        }
        let blangko = p
            .blangko
            .parse()
            .map_err(|_| says(key("blangko"), "config.check.blangko"))?;
        let encoder = match p.encoder {
            Some(enc) => Some(encoder(i, enc, &out)?),
            None => None,
        };
        out.push(PrinterConfig {
            id,
            uri,
            model: p.model,
            blangko,
            encoder,
        });
    }
    Ok(out)
}

/// 1–32 letters, digits, `-` or `_`, not used by an earlier printer.
fn printer_id(key: &str, text: &str, earlier: &[PrinterConfig]) -> Result<String, Problem> {
    let id = text.trim();
    if id.is_empty()
        || id.len() > 32
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(says(key, "config.check.printer_id"));
    }
    if earlier.iter().any(|p| p.id.trim() == id) {
        return Err(problem(
            key,
            &Plain::new("config.check.duplicate_printer").with("id", id),
        ));
    }
    Ok(text.to_string())
}

/// `[printer.encoder]`: a reader pattern no earlier printer uses, an absolute profile path, the
/// station where the card is parked.
fn encoder(
    i: usize,
    enc: RawEncoderConfig,
    earlier: &[PrinterConfig],
) -> Result<EncoderConfig, Problem> {
    let key = |k: &str| format!("printer[{i}].encoder.{k}");
    let reader: ReaderPattern = enc
        .reader
        .parse()
        .map_err(|e: cetak_drivers::chip::ReaderPatternError| problem(key("reader"), &e))?;
    let norm = reader.normalized();
    let other = earlier.iter().find(|p| {
        p.encoder
            .as_ref()
            .is_some_and(|e| e.reader.normalized() == norm)
    });
    if let Some(other) = other {
        return Err(problem(
            key("reader"),
            &Plain::new("config.check.reader_taken")
                .with("reader", format!("{:?}", enc.reader))
                .with("printer", other.id.trim()),
        ));
    }
    if let Some(profile) = &enc.profile {
        absolute(&key("profile"), profile)?;
    }
    let station = match enc.station.as_str() {
        "contact" => EncoderStation::Contact,
        "contactless" => EncoderStation::Contactless,
        _ => return Err(says(key("station"), "config.check.station")),
    };
    Ok(EncoderConfig {
        reader,
        profile: enc.profile,
        station,
    })
}
