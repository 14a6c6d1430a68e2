//! Texts of the station's control side: operator decisions, rendering failures, the control
//! API's client and its own refusals, and the role check. Same rules as [`super::CATALOGUE`].

use super::Entry;

/// Texts of the control socket and its decisions.
pub static CONTROL: &[Entry] = entries! {
    // Operator decisions (`ActError`); the control API code is `ActError::code`.
    "act.unknown_printer" => "printer {printer} tidak dikenal",
        "unknown printer {printer}";
    "act.not_paused" => "printer {printer} tidak sedang menunggu operator",
        "printer {printer} is not waiting for an operator";
    "act.not_allowed" => "tindakan {action} tidak diizinkan di sini (yang boleh: {allowed})",
        "action {action} is not allowed here (allowed: {allowed})";
    "act.stale_event" => "kejadian {given} di printer {printer} sudah tidak menunggu (sekarang: {pending})",
        "event {given} is no longer pending on printer {printer} (pending: {pending})";
    "act.worker_gone" => "pekerja printer {printer} sudah berhenti",
        "printer {printer} worker has stopped";
    // Rendering (`RenderError`).
    "render.svg" => "gagal merender SVG kartu: {reason}",
        "SVG rendering failed: {reason}";
    "render.write" => "tidak dapat menulis {path}: {message}", "cannot write {path}: {message}";

    // Control API client (`ClientError`); `control.refused` carries the daemon's answer.
    "control.not_running" => "daemon cetak tidak berjalan (tidak ada socket kendali di {path}); jalankan `systemctl start cetak`",
        "the cetak daemon is not running (no control socket at {path})";
    "control.permission_denied" => "tidak diizinkan membuka {path}: socket kendali atau foldernya tertutup bagi pengguna ini; minta administrator memeriksa izinnya",
        "permission denied on {path}: the control socket or its folder is closed to this user; ask an administrator to check its permissions";
    "control.refused" => "{message}", "{message}";
    "control.timeout" => "daemon tidak menjawab dalam {waited}; periksa hasilnya (cetak status / cetak stock show) sebelum mengulang",
        "the daemon did not answer within {waited}; check the outcome (cetak status / cetak stock show) before repeating";
    "control.socket_in_the_way" => "socket kendali {path}: ada file lain (bukan socket) di tempatnya; pindahkan file itu",
        "control socket {path}: a file that is not a socket is in the way; move it";
    "control.socket_in_use" => "socket kendali {path} sedang dipakai: daemon cetak lain sedang berjalan",
        "control socket {path} is in use: another cetak daemon is running";
    // Refusals of the control API made by the API itself (`Refusal::of`).
    "control.bad_request" => "permintaan tidak sah: {detail}", "bad request: {detail}";
    "control.internal" => "kesalahan di daemon: {detail}", "internal error in the daemon: {detail}";
    "control.unknown_peer" => "pengguna pemanggil tidak dapat dikenali", "the caller's user could not be identified";
    "control.no_endpoint" => "endpoint tidak ada (lihat docs/daemon.md)", "no such endpoint (see docs/daemon.md)";
    "control.unknown_action" => "tindakan {action} tidak dikenal (retry, cancel, spoiled)", "unknown action {action} (retry, cancel, spoiled)";
    "control.unknown_printer" => "printer {printer} tidak ada di konfigurasi", "printer {printer} is not in the configuration";
    "control.spoil_needs_category" => "kategori rusak wajib diisi", "a spoil needs its category";
    "control.serial_with_printed_only" => "nomor kartu hanya untuk printed", "a card number goes with printed only";
    "control.printed_or_spoiled" => "pilih printed atau spoiled (dengan kategorinya), bukan keduanya", "give printed or spoiled (with its category), not both";
    // What a caller may or may not do (`Op`), after "… may not" / "… tidak boleh".
    "op.status" => "melihat keadaan stasiun", "see the station status";
    "op.events" => "melihat kejadian operator", "see operator events";
    "op.act" => "memutuskan printer yang berhenti", "decide on a paused printer";
    "op.stock_show" => "melihat stok", "see the stock";
    "op.stock_verify" => "memeriksa buku stok", "verify the ledger";
    "op.stock_receive" => "menerima blangko", "receive blangko";
    "op.stock_load" => "mengisi blangko ke feeder", "load blangko";
    "op.stock_spoil" => "mencatat blangko rusak", "record spoiled blangko";
    "op.stock_return" => "mengembalikan blangko", "return blangko";
    "op.stock_adjust" => "mengoreksi stok", "adjust stock";
    "op.write_off" => "menghapusbukukan kartu tercetak", "write off a printed card";
    "op.doubt_list" => "melihat job diragukan", "list jobs in doubt";
    "op.doubt_resolve" => "memutuskan job diragukan", "resolve a job in doubt";
    "op.hand_over" => "menyerahkan kartu tercetak", "hand over a printed card";
    "op.outbox_show" => "melihat antrean event", "see the outbox";
    "op.outbox_retry" => "mengirim ulang event yang ditolak", "send refused events again";
    "op.audit_verify" => "memeriksa jejak audit", "verify the audit trail";
    "op.export" => "mengekspor bundel", "export a bundle";
    "op.import" => "mengimpor bundel", "import a bundle";
    "op.submit" => "mengirim job", "submit a job";
    "control.operator_name" => "nama operator harus 1-64 karakter yang dapat dicetak", "operator name must be 1-64 printable characters";
    "control.forbidden_no_group" => "{who} tidak boleh {what}: hanya anggota grup {opg} (operator) atau {adg} (administrator) yang boleh memakai stasiun; minta administrator menambahkan Anda (usermod -aG {opg} {account}) lalu masuk ulang",
        "{who} may not {what}: only members of group {opg} (operators) or {adg} (administrators) may use the station; ask an administrator to add you (usermod -aG {opg} {account}) and log in again";
    "control.forbidden_admin_only" => "{who} tidak boleh {what}: hanya administrator (grup {adg})", "{who} may not {what}: administrators only (group {adg})";
    "control.protocol" => "API kendali: {reason}", "control API: {reason}";
    "control.offline_hint" => "; tanpa daemon, root atau pengguna layanan dapat menambahkan --offline",
        "; without the daemon, root or the service user may add --offline";
};
