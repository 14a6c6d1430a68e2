//! The command line's and the reports' own texts (`src/cli/`, `src/report/`): results, the
//! failures the CLI itself finds, labels, CSV headings. Same rules as [`super::CATALOGUE`].

use super::Entry;

/// Every text of the command line and the reports.
pub static CLI: &[Entry] = entries! {
    // I/O failures (`messages::io_error`, `messages::file_error`).
    "io.not_found" => "berkas atau folder tidak ada", "no such file or directory";
    "io.permission_denied" => "izin ditolak (periksa pemilik dan hak akses)",
        "permission denied (check the owner and the access rights)";
    "io.already_exists" => "sudah ada (tidak ditimpa)", "already exists (not replaced)";
    "io.connection_refused" => "sambungan ditolak (apakah layanannya berjalan?)",
        "connection refused (is the service running?)";
    "io.timed_out" => "waktu habis", "timed out";
    "io.not_a_file" => "bukan berkas biasa (folder, FIFO atau perangkat)", "not a regular file (a directory, FIFO or device)";
    "io.other" => "kesalahan I/O: {detail}", "I/O error: {detail}";
    "file.io" => "{path}: {reason}", "{path}: {reason}";

    // Clap's usage line under a command-line error (`cli::usage_error`).
    "usage.usage" => "Penggunaan:", "Usage:";

    // `cetak validate`, `render`, `print`, `printer-sim` (`cli/card.rs`).
    "cli.photo_background_invalid" => "--photo-background harus warn, reject atau off (bukan {value})",
        "--photo-background must be warn, reject or off (not {value})";
    "cli.layouts_unloadable" => "Layout {source} tidak dapat dimuat: {reason}",
        "Cannot load the layouts {source}: {reason}";
    "cli.render_failed" => "Render gagal: {reason}", "Rendering failed: {reason}";
    "cli.job_valid" => "OK: job {job} valid ({design}).", "OK: job {job} is valid ({design}).";
    "design.kia_0_5" => "KIA anak di bawah 5 tahun", "KIA, child under 5";
    "design.kia_5_17" => "KIA anak 5 sampai 17 tahun", "KIA, child of 5 to 17";
    "design.ktp_el" => "KTP-el", "KTP-el";
    "design.kia_wna_0_5" => "KIA WNA anak di bawah 5 tahun", "KIA, foreign child under 5";
    "design.kia_wna_5_17" => "KIA WNA anak 5 sampai 17 tahun", "KIA, foreign child of 5 to 17";
    "design.ktp_el_wna" => "KTP-el WNA", "KTP-el, foreign resident";
    "cli.printer_opened" => "Printer {model} (nomor seri {serial}, firmware {firmware}) di {uri}",
        "Printer {model} (serial {serial}, firmware {firmware}) at {uri}";
    "cli.png_write_failed" => "Tidak dapat menulis PNG: {reason}", "Cannot write PNG files: {reason}";
    "cli.step.feed" => "mengambil blangko dari feeder", "feeding a blank card";
    "cli.step.contact" => "ke stasiun chip kontak", "to the contact station";
    "cli.step.contactless" => "ke stasiun chip nirkontak", "to the contactless station";
    "cli.step.encode" => "menulis dan memverifikasi chip", "writing and verifying the chip";
    "cli.step.print_front" => "mencetak sisi depan", "printing the front";
    "cli.step.print_back" => "mencetak sisi belakang", "printing the back";
    "cli.step.eject" => "mengeluarkan kartu", "ejecting the card";
    "cli.step.reject" => "membuang kartu ke kotak tolak", "rejecting the card";
    "cli.training_required" => "Job tanpa tanda tangan hanya boleh dicetak dengan --training (kartu diberi SPECIMEN); job produksi bertanda tangan dan masuk lewat stasiun (cetak submit)",
        "An unsigned job may only be printed with --training (the card gets SPECIMEN); production jobs are signed and go through the station (cetak submit)";
    "cli.station_invalid" => "--station harus contact atau contactless (bukan {value})",
        "--station must be contact or contactless (not {value})";
    "cli.chip_reader_needed" => "KTP-el memerlukan chip: berikan --reader POLA (atau --no-chip untuk cetak uji)",
        "A KTP-el needs its chip: give --reader PATTERN (or --no-chip for a test print)";
    "cli.printer_failed" => "Printer {printer}: {reason}", "Printer {printer}: {reason}";
    "cli.card_printed" => "Kartu job {job} tercetak ({bytes} byte dikirim).",
        "Card for job {job} printed ({bytes} bytes sent).";
    "cli.print_failed" => "GAGAL: {reason}; {fate}.", "FAILED: {reason}; {fate}.";
    "cli.encoding_failed" => "gagal encode chip: {detail}", "chip encoding failed: {detail}";
    "cli.fate.not_fed" => "tidak ada blangko terpakai", "no blank card was used";
    "cli.fate.rejected" => "kartu dibuang ke kotak tolak (blangko rusak)",
        "the card went to the reject box (spoiled)";
    "cli.fate.left_in_printer" => "kartu mungkin masih di dalam printer: keluarkan secara manual",
        "the card may still be inside: remove it by hand";
    "cli.chip_failed" => "Chip: {reason}", "Chip: {reason}";
    "cli.printer_sim_failed" => "printer-sim: {detail}", "printer-sim: {detail}";

    // `cetak encode`, `chip`, `vcard` (`cli/chip.rs`).
    "cli.chip_written" => "Chip tertulis dan terverifikasi (job {job}).",
        "Chip written and verified (job {job}).";
    "cli.no_readers" => "Tidak ada pembaca kartu (apakah pcscd berjalan?)",
        "No card readers (is pcscd running?)";
    "cli.fault_invalid" => "--fault {fault}: {detail}", "--fault {fault}: {detail}";
    "cli.vpcd_address_invalid" => "Alamat vpcd tidak valid: {host}:{port}",
        "Invalid vpcd address: {host}:{port}";
    "cli.vcard_failed" => "kartu virtual berhenti: {detail}", "virtual card stopped: {detail}";

    // `cetak keys`, `cetak sign` (`cli/keys.rs`).
    "cli.kid_invalid" => "kid hanya boleh berisi A-Z a-z 0-9 . _ - (paling banyak 128)",
        "kid may only contain A-Z a-z 0-9 . _ - (at most 128)";
    "cli.key_generation_failed" => "pembuatan kunci gagal: {detail}", "key generation failed: {detail}";
    "cli.key_unreadable" => "{path}: bukan kunci privat Ed25519 dari `cetak keys generate` ({detail})",
        "{path}: not an Ed25519 private key from `cetak keys generate` ({detail})";
    "cli.job_file" => "{path}: {reason}", "{path}: {reason}";

    // `cetak import`, `export` (`cli/bundle.rs`).
    "cli.imported" => "diimpor: {new} baru, {known} sudah ada, {rejected} ditolak; {acked} event dikonfirmasi",
        "imported: {new} new, {known} already known, {rejected} rejected; {acked} events acknowledged";

    // `cetak generate` (`cli/mod.rs`).
    "cli.write_files_failed" => "gagal menulis berkas ke {dir}: {reason}",
        "failed to write files to {dir}: {reason}";

    // Station commands (`cli/station*`).
    "cli.printed_or_spoiled" => "pilih --printed atau --spoiled", "give --printed or --spoiled";
    "cli.job_or_batch" => "sebutkan JOB atau --batch", "give JOB or --batch";
    "cli.handover_batch" => "batch {batch}: {handed_over} kartu diserahkan (laki-laki {boys}, perempuan {girls}{unknown})",
        "batch {batch}: {handed_over} cards handed over (boys {boys}, girls {girls}{unknown})";
    "cli.handover_sex_unknown" => ", tidak diketahui {n}", ", unknown {n}";
    "cli.handover_batch_figures" => "diserahkan sebelumnya: {before}  belum tercetak: {not_printed}  waktu: {at}",
        "handed over before: {before}  not printed: {not_printed}  at: {at}";
    "cli.pickup_code_matched" => ", kode pengambilan cocok", ", pickup code matched";
    "relation.kepala_keluarga" => "kepala keluarga", "head of family";
    "relation.anggota_keluarga" => "anggota keluarga", "family member";
    "relation.sekolah" => "perwakilan sekolah", "school representative";
    "cli.daemon_running" => "daemon sedang berjalan ({socket}): ulangi tanpa --offline, semua perubahan lewat daemon",
        "the daemon is running ({socket}): repeat without --offline, every change goes through it";

    // Printer states in `cetak status` (the control API's `state`).
    "printer_state.starting" => "memulai", "starting";
    "printer_state.idle" => "siaga", "idle";
    "printer_state.busy" => "mencetak", "busy";
    "printer_state.paused" => "menunggu operator", "paused";
    "printer_state.offline" => "tidak terhubung", "offline";
    "printer_state.stopped" => "berhenti", "stopped";

    // `cetak dashboard token` (`cli/dashboard.rs`).
    "cli.dashboard_admin_only" => "hanya administrator yang boleh menerbitkan atau mencabut token dasbor",
        "only an administrator may issue or revoke dashboard tokens";
    "cli.no_such_user" => "pengguna tidak ada: {user}", "no such user: {user}";
    "cli.user_not_in_groups" => "{user}: tidak ada di grup operator atau administrator ([authority])",
        "{user}: in neither the operator nor the administrator group ([authority])";
    "cli.token_issued" => "{token}\n(ditampilkan sekali saja; stasiun hanya menyimpan hash-nya)",
        "{token}\n(shown once; the station keeps only its hash)";
    "cli.token_revoked" => "{user}: token dicabut", "{user}: token revoked";
    "cli.no_token" => "{user}: tidak punya token", "{user}: had no token";
    "cli.token_store" => "berkas token dasbor: {reason}", "dashboard token file: {reason}";
    "cli.token_owner" => "tidak dapat beralih ke pemilik {data} (agar berkas token dan jurnal tetap miliknya): {e}",
        "could not switch to the owner of {data} (so that the token file and the journal stay theirs): {e}";

    // `cetak report` (`cli/report.rs`, `report/`).
    "cli.report_written" => "laporan ditulis: {path}", "report written: {path}";
    "report.journal" => "jurnal tidak dapat dibaca: {reason}", "the journal cannot be read: {reason}";
    "report.pdf" => "PDF gagal dibuat: {detail}", "PDF: {detail}";
    "report.io" => "{path}: tidak dapat ditulis: {reason}", "{path}: cannot be written: {reason}";
    "report.unknown_batch" => "batch {batch} tidak dikenal di jurnal stasiun ini",
        "batch {batch} is not known to this station's journal";
    "report.no_printed_card" => "batch {batch} belum memiliki kartu tercetak",
        "batch {batch} has no printed card yet";
    "report.dates_reversed" => "tanggal akhir {to} sebelum tanggal awal {from}",
        "end date {to} is before start date {from}";
    "report.days_missing" => "beri --date atau --from dan --to", "give --date or --from and --to";
    "report.journal_unavailable" => "jurnal {path} tidak dapat dibuka ({reason}); periksa data_dir dan hak baca",
        "journal {path} cannot be opened ({reason}); check data_dir and read permission";
    "report.not_owner" => "tidak dapat membaca sebagai pemilik {dir}: {reason}",
        "cannot read as the owner of {dir}: {reason}";

    // CSV headings of the reports (machine-friendly, one word each).
    "csv.no" => "no", "no";
    "csv.nik" => "nik", "nik";
    "csv.name" => "nama", "name";
    "csv.sex" => "jenis_kelamin", "sex";
    "csv.class_note" => "kelas_keterangan", "class_note";
    "csv.card_number" => "no_kartu", "card_number";
    "csv.job" => "job", "job";
    "csv.bast_number" => "nomor_bast", "bast_number";
    "csv.time" => "waktu", "time";
    "csv.blangko_type" => "jenis_blangko", "blangko_type";
    "csv.category" => "kategori", "category";
    "csv.count" => "jumlah", "count";
    "csv.from" => "asal", "from";
    "csv.note" => "catatan", "note";
    "csv.operator" => "petugas", "operator";
    "csv.movement" => "no_gerakan", "movement";
    "csv.kind" => "gerakan", "kind";
    "csv.source" => "dari", "from";
    "csv.destination" => "ke", "to";
    "csv.lot" => "lot", "lot";
    "csv.store_balance" => "saldo_gudang", "store_balance";
    "csv.station_balance" => "saldo_stasiun", "station_balance";

    // `cetak demo`'s own lines (`src/cli/demo/`).
    "demo.stock_ready" => "blangko diterima (50 KIA, 50 KTP-el) dan dimuat (20 per printer)",
        "blangko received (50 KIA, 50 KTP-el) and loaded (20 per printer)";
    "demo.reader" => "stasiun chip P2 (nirkontak) memakai pembaca", "P2's contactless encoder uses reader";
    "demo.submitted" => "dikirim:", "submitted:";
    "demo.reader_not_loopback" => "pcscd yang berjalan memakai pembaca vpcd yang mendengarkan di semua antarmuka jaringan, demo tidak memakainya: KTP-el dicetak tanpa encode chip",
        "the running pcscd has vpcd readers listening on every network interface, which the demo does not use: KTP-el printed without chip encoding";
    "demo.reader_stop_pcscd" => "hentikan pcscd itu (systemctl stop pcscd.socket pcscd) agar demo memulai pcscd sendiri yang hanya memakai 127.0.0.1",
        "stop that pcscd (systemctl stop pcscd.socket pcscd) so the demo starts its own, which uses 127.0.0.1 only";
    "demo.no_reader" => "pcscd/vpcd tidak tersedia, KTP-el dicetak tanpa encode chip",
        "pcscd/vpcd unavailable, KTP-el printed without chip encoding";
    "demo.emulator" => "emulator printer demo tidak dapat didaftarkan: {detail}", "the demo's printer emulator cannot be registered: {detail}";
    "demo.timed_out" => "batas waktu habis", "timed out";
    "demo.summary" => "== Ringkasan ==", "== Summary ==";
    "demo.attempts" => "percobaan", "attempts";
    "demo.ok" => "OK", "OK";
    "demo.failed" => "GAGAL", "FAILED";
    "demo.stock_verify" => "pemeriksaan buku stok: {result}", "stock verify: {result}";
    "demo.audit_verify" => "pemeriksaan jejak audit: {result} ({rows} baris)", "audit verify: {result} ({rows} rows)";
    "demo.cards_dir" => "kartu tercetak (PNG):", "printed cards (PNG):";
    "demo.pcscd_kept" => "pcscd (pid {pid}) tetap berjalan dan dipakai lagi oleh demo berikutnya; pembaca vpcd-nya hanya terjangkau lewat loopback di namespace jaringannya sendiri. Hentikan: kill {pid}",
        "pcscd (pid {pid}) keeps running for the next demo; its vpcd readers are reachable only over loopback in its own network namespace. Stop it: kill {pid}";
};
