//! Length limits of the job's text fields.

use crate::job::text::{Charset, TextRule};
pub const NAME: TextRule = TextRule::new(Charset::Name, 60);
pub const PLACE_OF_BIRTH: TextRule = TextRule::new(Charset::Place, 40);
pub const STREET: TextRule = TextRule::new(Charset::Free, 100);
pub const REGION: TextRule = TextRule::new(Charset::Place, 40);
/// With its kind: the longest real one, `KABUPATEN KEPULAUAN SIAU TAGULANDANG BIARO`, has
/// 42 characters.
pub const KABUPATEN_KOTA: TextRule = TextRule::new(Charset::Place, 50);
pub const OCCUPATION: TextRule = TextRule::new(Charset::Free, 40);
pub const NO_AKTA: TextRule = TextRule::new(Charset::Free, 40);
/// The country as the stay permit names it, e.g. `JAPAN`, `KOREA, REPUBLIC OF`.
pub const NATIONALITY: TextRule = TextRule::new(Charset::Place, 40);
/// No national format is public; letters, digits and separators.
pub const KITAP_NUMBER: TextRule = TextRule::new(Charset::Free, 30);
pub const BATCH_NAME: TextRule = TextRule::verbatim(Charset::Free, 100);
pub const QR_PAYLOAD: TextRule = TextRule::verbatim(Charset::Free, 512);
pub const BARCODE_PAYLOAD: TextRule = TextRule::verbatim(Charset::Ascii, 48);
/// The applicant's pickup code (seed 000: the QR code shown at the pickup counter).
pub const PICKUP_CODE: TextRule = TextRule::verbatim(Charset::Ascii, 64);
