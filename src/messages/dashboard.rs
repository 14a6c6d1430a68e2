//! The web dashboard's texts (`dash.*`): headings, labels, form fields and the sign-in and
//! refusal pages. Kept apart from the rest of the catalogue only so that the dashboard's rows
//! stay together; [`super::CATALOGUES`] renders from it like from any other part.

use super::Entry;

/// Every text of the dashboard.
pub static DASHBOARD: &[Entry] = entries! {
    // Headings and labels of the page.
    "dash.title" => "Stasiun cetak", "Print station";
    "dash.printers" => "Printer", "Printers";
    "dash.queue" => "Antrean", "Queue";
    "dash.batches" => "Kemajuan batch", "Batch progress";
    "dash.doubt" => "Job diragukan", "Jobs in doubt";
    "dash.stock" => "Blangko", "Blangko";
    "dash.link" => "Koneksi server", "Server link";
    "dash.alerts" => "Peringatan", "Alerts";
    "dash.job" => "Job", "Job";
    "dash.step" => "Tahap", "Step";
    "dash.feeder" => "Feeder", "Feeder";
    "dash.ribbon" => "Sisa ribbon", "Ribbon left";
    "dash.printed" => "Tercetak", "Printed";
    "dash.spoiled" => "Rusak", "Spoiled";
    "dash.left" => "Sisa", "Left";
    "dash.jobs" => "Job", "Jobs";
    "dash.batch" => "Batch", "Batch";
    "dash.type" => "Jenis", "Type";
    "dash.in_store" => "Di gudang", "In store";
    "dash.in_feeders" => "Di feeder", "In feeders";
    "dash.in_printers" => "Di printer", "In printers";
    "dash.received" => "Diterima", "Received";
    "dash.returned" => "Dikembalikan", "Returned";
    "dash.count" => "Jumlah", "Count";
    "dash.printer" => "Printer", "Printer";
    "dash.nik" => "NIK (disamarkan)", "NIK (masked)";
    "dash.reason" => "Alasan", "Reason";
    "dash.since" => "Sejak", "Since";
    "dash.was" => "Tahap terakhir", "Last step";
    "dash.no_batches" => "Belum ada batch", "No batches yet";
    "dash.no_doubt" => "Tidak ada job diragukan", "No jobs in doubt";
    "dash.no_alerts" => "Tidak ada peringatan", "No alerts";
    "dash.no_link" => "Stasiun tanpa koneksi server ([link])", "Station without a server link ([link])";
    "dash.link_ok" => "Baik", "OK";
    "dash.link_failing" => "Gagal", "Failing";
    "dash.link_unknown" => "Belum ada jawaban", "No answer yet";
    "dash.failing_since" => "gagal sejak", "failing since";
    "dash.last_ok" => "terakhir baik", "last good";
    "dash.events_waiting" => "Event menunggu dikirim", "Events waiting";
    "dash.events_refused" => "Event ditolak server", "Events refused";
    "dash.event" => "Menunggu operator", "Waiting for an operator";
    "dash.act_retry" => "Ulangi", "Retry";
    "dash.act_cancel" => "Batalkan job", "Cancel job";
    "dash.act_spoiled" => "Kartu rusak", "Card spoiled";
    "dash.cards_printed" => "Kartu tercetak sejak daemon mulai", "Cards printed since the daemon started";
    "dash.low_stock" => "Stok rendah", "Low stock";
    "dash.live" => "langsung", "live";
    "dash.offline_live" => "terputus, mencoba lagi", "disconnected, retrying";
    "dash.p_starting" => "memulai", "starting";
    "dash.p_idle" => "siap", "idle";
    "dash.p_busy" => "bekerja", "busy";
    "dash.p_paused" => "berhenti sementara", "paused";
    "dash.p_offline" => "tidak terhubung", "offline";
    "dash.p_stopped" => "berhenti", "stopped";
    "dash.last_card" => "Kartu terakhir", "Last card";
    "dash.lang_switch" => "English", "Bahasa Indonesia";
    "dash.done" => "Tercatat.", "Recorded.";

    // Signing in and out.
    "dash.sign_in" => "Masuk", "Sign in";
    "dash.sign_out" => "Keluar", "Sign out";
    "dash.user" => "Nama pengguna", "User name";
    "dash.password" => "Kata sandi", "Password";
    "dash.token" => "Token", "Token";
    "dash.sign_in_account" => "Dengan akun komputer ini", "With your account on this computer";
    "dash.sign_in_token" => "Atau dengan token dari administrator", "Or with a token from an administrator";
    "dash.signed_out" => "Anda sudah keluar.", "You are signed out.";
    "dash.sign_in_refused" => "Nama pengguna, kata sandi atau token salah, atau pengguna tidak ada di grup operator/administrator.",
        "Wrong user name, password or token, or the user is in neither the operator nor the administrator group.";
    "dash.throttled" => "Terlalu banyak percobaan masuk yang gagal; coba lagi dalam {seconds} detik.",
        "Too many failed sign-ins; try again in {seconds} seconds.";
    "dash.need_sign_in" => "Silakan masuk dulu (atau sesi sudah berakhir).", "Please sign in first (or the session has ended).";
    "dash.stale_form" => "Formulir kedaluwarsa: muat ulang halaman.", "The form is stale: reload the page.";
    "dash.bad_form" => "Formulir tidak lengkap atau salah: {field}", "The form is incomplete or wrong: {field}";
    "dash.unknown_user" => "Pengguna {user} tidak dikenal di komputer ini.", "User {user} is not known on this computer.";
    "dash.caller_unknown" => "Pemanggil tidak dapat dikenali: silakan masuk di /login.", "The caller could not be identified: please sign in at /login.";
    "dash.forbidden" => "Akses ditolak", "Access refused";
    "dash.error" => "Kesalahan", "Error";
    "dash.internal" => "Kesalahan internal; lihat log daemon.", "Internal error; see the daemon's log.";
    "dash.back" => "Kembali", "Back";

    // The forms: blangko, jobs in doubt.
    "dash.forms" => "Catat blangko", "Record blangko";
    "dash.f_receive" => "Terima blangko", "Receive blangko";
    "dash.f_load" => "Isi feeder", "Load a feeder";
    "dash.f_spoil" => "Catat blangko rusak", "Record spoiled blangko";
    "dash.f_return" => "Kembalikan blangko", "Return blangko";
    "dash.f_adjust" => "Koreksi stok (administrator)", "Adjust stock (administrator)";
    "dash.lot" => "Nomor lot", "Lot";
    "dash.note" => "Catatan", "Note";
    "dash.delta" => "Perubahan (+/−)", "Change (+/−)";
    "dash.place" => "Tempat", "Place";
    "dash.store" => "Gudang", "Store";
    "dash.category" => "Kategori", "Category";
    "dash.save" => "Simpan", "Save";
    "dash.resolve" => "Putuskan", "Resolve";
    "dash.res_printed" => "Tercetak (kartu ada di baki)", "Printed (the card is in the tray)";
    "dash.card_serial" => "Nomor kartu (jika ada)", "Card number (if known)";
    "dash.admin_forms" => "Formulir terima, rusak, kembali dan koreksi hanya untuk administrator.",
        "Receive, spoil, return and adjust are for administrators only.";

    // Report downloads and the listener.
    "dash.report_format" => "format harus pdf atau csv", "format must be pdf or csv";
    "dash.report_batch" => "batch wajib diisi", "batch is required";
    "dash.report_period" => "beri date, atau from dan to", "give date, or from and to";
    "dash.listen_address" => "harus alamat IP dan port, mis. 127.0.0.1:8470", "expected an IP address and port, e.g. 127.0.0.1:8470";
    "dash.listen_loopback" => "tanpa TLS hanya alamat loopback (127.0.0.1, ::1) yang diizinkan: pakai alamat loopback, atau isi tls_cert/tls_key",
        "without TLS only a loopback address (127.0.0.1, ::1) is allowed: use a loopback address, or configure tls_cert/tls_key";
    "dash.tls_pair" => "tls_cert dan tls_key harus diisi bersama", "tls_cert and tls_key go together";

    // `cetak demo --serve`.
    "dash.demo_heading" => "== Dasbor ==", "== Dashboard ==";
    "dash.demo_dashboard" => "dasbor: {url}", "dashboard: {url}";
    "dash.demo_metrics" => "metrik: {url}", "metrics: {url}";
    "dash.demo_token" => "masuk dengan token: {token} (pengguna {user})", "sign in with the token: {token} (user {user})";
    "dash.demo_running" => "stasiun demo tetap berjalan; Ctrl-C untuk berhenti", "the demo station keeps running; Ctrl-C to stop";
    "dash.demo_stopped" => "demo berhenti", "demo stopped";
};
