//! The dashboard's operator texts, Bahasa Indonesia first, English second. A local table until
//! the message catalogue takes them over: [`t`] looks a key up; a missing key shows itself, so
//! a gap is visible on the page and in tests rather than blank.

/// Language of a page: Bahasa Indonesia unless `?lang=en` or the `lang=en` cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Bahasa Indonesia (default).
    Id,
    /// English.
    En,
}

impl Lang {
    /// `id` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    /// Picks one of two texts.
    pub fn pick<'a>(self, id: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Id => id,
            Lang::En => en,
        }
    }
}

/// (key, Bahasa Indonesia, English).
const TABLE: &[(&str, &str, &str)] = &[
    ("title", "Stasiun cetak", "Print station"),
    ("printers", "Printer", "Printers"),
    ("queue", "Antrean", "Queue"),
    ("batches", "Kemajuan batch", "Batch progress"),
    ("doubt", "Job diragukan", "Jobs in doubt"),
    ("stock", "Blangko", "Blangko"),
    ("link", "Koneksi server", "Server link"),
    ("alerts", "Peringatan", "Alerts"),
    ("state", "Status", "State"),
    ("job", "Job", "Job"),
    ("step", "Tahap", "Step"),
    ("feeder", "Feeder", "Feeder"),
    ("ribbon", "Sisa ribbon", "Ribbon left"),
    ("printed", "Tercetak", "Printed"),
    ("spoiled", "Rusak", "Spoiled"),
    ("left", "Sisa", "Left"),
    ("jobs", "Job", "Jobs"),
    ("batch", "Batch", "Batch"),
    ("type", "Jenis", "Type"),
    ("in_store", "Di gudang", "In store"),
    ("in_feeders", "Di feeder", "In feeders"),
    ("in_printers", "Di printer", "In printers"),
    ("received", "Diterima", "Received"),
    ("returned", "Dikembalikan", "Returned"),
    ("count", "Jumlah", "Count"),
    ("printer", "Printer", "Printer"),
    ("nik", "NIK (disamarkan)", "NIK (masked)"),
    ("attempt", "Percobaan", "Attempt"),
    ("reason", "Alasan", "Reason"),
    ("since", "Sejak", "Since"),
    ("was", "Tahap terakhir", "Last step"),
    ("none", "Tidak ada", "None"),
    ("no_batches", "Belum ada batch", "No batches yet"),
    ("no_doubt", "Tidak ada job diragukan", "No jobs in doubt"),
    ("no_alerts", "Tidak ada peringatan", "No alerts"),
    (
        "no_link",
        "Stasiun tanpa koneksi server ([link])",
        "Station without a server link ([link])",
    ),
    ("link_ok", "Baik", "OK"),
    ("link_failing", "Gagal", "Failing"),
    ("link_unknown", "Belum ada jawaban", "No answer yet"),
    ("failing_since", "gagal sejak", "failing since"),
    ("last_ok", "terakhir baik", "last good"),
    ("events_waiting", "Event menunggu dikirim", "Events waiting"),
    ("events_refused", "Event ditolak server", "Events refused"),
    ("event", "Menunggu operator", "Waiting for an operator"),
    ("allowed", "Tindakan", "Actions"),
    ("act_retry", "Ulangi", "Retry"),
    ("act_cancel", "Batalkan job", "Cancel job"),
    ("act_spoiled", "Kartu rusak", "Card spoiled"),
    (
        "cards_printed",
        "Kartu tercetak sejak daemon mulai",
        "Cards printed since the daemon started",
    ),
    ("low_stock", "Stok rendah", "Low stock"),
    ("live", "langsung", "live"),
    (
        "offline_live",
        "terputus, mencoba lagi",
        "disconnected, retrying",
    ),
    ("p_starting", "memulai", "starting"),
    ("p_idle", "siap", "idle"),
    ("p_busy", "bekerja", "busy"),
    ("p_paused", "berhenti sementara", "paused"),
    ("p_offline", "tidak terhubung", "offline"),
    ("p_stopped", "berhenti", "stopped"),
    ("forbidden", "Akses ditolak", "Access refused"),
    ("lang_switch", "English", "Bahasa Indonesia"),
    ("sign_in", "Masuk", "Sign in"),
];

/// The text of `key` in `lang` (the key itself if the table lacks it).
pub fn t(key: &str, lang: Lang) -> &str {
    TABLE
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, id, en)| lang.pick(id, en))
        .unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_both_languages_filled() {
        for (i, (k, id, en)) in TABLE.iter().enumerate() {
            assert!(!id.is_empty() && !en.is_empty(), "{k}");
            assert!(
                !TABLE[..i].iter().any(|(k2, _, _)| k2 == k),
                "duplicate {k}"
            );
        }
        assert_eq!(t("printers", Lang::En), "Printers");
        assert_eq!(t("queue", Lang::Id), "Antrean");
        assert_eq!(t("no-such-key", Lang::Id), "no-such-key");
    }
}
