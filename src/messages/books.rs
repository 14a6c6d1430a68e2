//! The journal's texts: job states, application status, spoil categories, journal errors and
//! what `stock verify` / `audit verify` find. Same rules as [`super::CATALOGUE`].

use super::Entry;

/// Texts of the journal and its books.
pub static BOOKS: &[Entry] = entries! {
    // Job states (`JobState`), as shown to operators.
    "state.queued" => "antre", "queued";
    "state.preparing" => "disiapkan", "preparing";
    "state.ready" => "siap", "ready";
    "state.feeding" => "blangko masuk", "feeding";
    "state.encoding" => "encode chip", "encoding";
    "state.printing" => "mencetak", "printing";
    "state.printed" => "tercetak", "printed";
    "state.handed_over" => "diserahkan", "handed over";
    // Application status as staff know it from the online service (seed 000), beside a state.
    "application.disetujui" => "disetujui", "approved";
    "application.diproses_pencetakan" => "diproses — pencetakan dan personalisasi", "in process — printing and personalisation";
    "application.diproses_kurang_berkas" => "diproses — kurang berkas", "in process — documents missing";
    "application.selesai" => "selesai", "done";
    "application.dibatalkan" => "dibatalkan", "cancelled";
    "state.spoiled" => "rusak", "spoiled";
    "state.failed" => "gagal", "failed";
    "state.rejected" => "ditolak", "rejected";
    "state.cancelled" => "dibatalkan", "cancelled";
    "state.in_doubt" => "diragukan", "in doubt";
    "state.superseded" => "diganti", "superseded";

    // Spoil categories (`SpoilCategory`); the Indonesian label is the one in Dukcapil reports.
    "spoil.gagal_encode" => "gagal encode", "chip encoding failed";
    "spoil.gagal_cetak" => "gagal cetak", "printing failed";
    "spoil.rusak" => "rusak", "damaged";
    "spoil.perubahan_elemen_data" => "perubahan elemen data", "data changed";

    // Journal (`JournalError`).
    "journal.sqlite" => "kesalahan basis data jurnal: {error}", "journal database error: {error}";
    "journal.schema_too_new" => "versi skema jurnal {found} lebih baru daripada yang didukung cetak ini ({supported}); perbarui cetak",
        "journal schema version {found} is newer than this cetak supports ({supported})";
    "journal.unknown_job" => "pekerjaan {job} tidak dikenal", "unknown job {job}";
    "journal.illegal_transition" => "pekerjaan {job}: tidak dapat {event}: seharusnya {expected}, ternyata {got}",
        "job {job}: cannot {event}: expected {expected}, got {got}";
    "journal.insufficient_stock" => "blangko {blangko_type} di {location} tidak cukup: tersedia {available}, diminta {requested}",
        "not enough {blangko_type} blangko in {location}: {available} available, {requested} requested";
    "journal.feeder_holds_other_type" => "feeder printer {printer} masih berisi {held} blangko {held_type}; kosongkan dahulu",
        "feeder of printer {printer} still holds {held} blangko of type {held_type}";
    "journal.not_administrator" => "operator {operator} bukan administrator", "operator {operator} is not an administrator";
    "journal.invalid_input" => "masukan tidak valid: {detail}", "invalid input: {detail}";
    "journal.corrupt" => "baris jurnal rusak di {table} {id}: {detail}", "corrupt journal row in {table} {id}: {detail}";
    "journal.lease_lost" => "pekerjaan {job}: sewa (lease) dari server hilang; dibatalkan, tidak dicetak",
        "job {job}: its server lease is lost; dropped, not printed";

    // What `stock verify` finds (`StockProblem`); `{place}` is the ledger's place code.
    "stock.problem.balance_differs" => "{type}/{place}: saldo tercatat {stored}, jumlah mutasinya {movements}",
        "{type}/{place} balance is {stored} but the movements add up to {movements}";
    "stock.problem.negative" => "{type}/{place} bernilai negatif ({count})", "{type}/{place} is negative ({count})";
    "stock.problem.received_differs" => "{type}: jumlah mutasi penerimaan {movements}, saldo pemasok {balance}",
        "{type}: received movements add up to {movements}, supplier balance says {balance}";
    "stock.problem.imbalance" => "{type}: diterima + koreksi berselisih {off_by} dengan gudang + feeder + printer + terpakai + rusak + kembali",
        "{type}: received + adjustments differ from store + feeders + printers + consumed + spoiled + returned by {off_by}";
    "stock.problem.printed_not_consumed" => "{type}: {printed} pekerjaan tercetak tetapi {consumed} blangko terpakai",
        "{type}: {printed} printed jobs but {consumed} blangko consumed";
    "stock.problem.held_without_printer" => "{jobs} pekerjaan memegang blangko tanpa printer",
        "{jobs} job(s) hold a blangko without a printer";
    "stock.problem.printer_differs" => "{type} di {place}: {ledger} kartu menurut buku stok, {jobs} pekerjaan memegang kartu",
        "{type} in {place}: {ledger} card(s) per ledger, {jobs} job(s) holding one";
    "stock.problem.impossible_movements" => "{count} mutasi dengan asal/tujuan yang mustahil",
        "{count} movement(s) with an impossible from/to";
    "stock.problem.unaudited" => "{count} mutasi tanpa baris audit-nya", "{count} movement(s) without their audit row";

    // How the audit chain is broken at a row (`AuditFault`), after "broken at row N".
    "audit.problem.row_missing" => "baris hilang; rantai berlanjut di baris {next}",
        "row missing; the chain goes on at row {next}";
    "audit.problem.link_broken" => "tautan hash sebelumnya tidak cocok", "previous-hash link does not match";
    "audit.problem.edited" => "isi tidak cocok dengan hash-nya (diubah)", "content does not match its hash (edited)";
    "audit.problem.head_missing" => "catatan kepala rantai hilang", "chain head record is missing";
    "audit.problem.deleted_at_end" => "baris dari sini sampai {last} hilang (dihapus di akhir)",
        "rows from here up to {last} are missing (deleted at the end)";
    "audit.problem.head_mismatch" => "kepala rantai tidak cocok dengan baris terakhir",
        "chain head does not match the last row";
};
