//! Texts of the hardware edge: printer, transport, printer URI and chip errors. One row per
//! code; `{name}` is an argument of the message. Both languages carry the same arguments.

use super::Entry;

macro_rules! entries {
    ($($code:literal => $id:literal, $en:literal;)*) => {
        &[$(Entry { code: $code, id: $id, en: $en }),*]
    };
}

/// Every text of this crate.
pub static CATALOGUE: &[Entry] = entries! {
    // Printer (`PrinterError`).
    "printer.feeder_empty" => "Tempat blangko kosong: isi blangko lalu coba lagi.",
        "the card feeder is empty: load blank cards and retry";
    "printer.cover_open" => "Tutup printer terbuka: tutup lalu coba lagi.",
        "the printer cover is open: close it and retry";
    "printer.ribbon_ended" => "Pita (ribbon) habis: pasang pita baru.",
        "the ribbon has run out: install a new ribbon";
    "printer.ribbon_missing" => "Pita (ribbon) tidak terpasang: pasang pita.",
        "no ribbon installed: install a ribbon";
    "printer.ribbon" => "Kesalahan pita (ribbon): periksa pita terpasang, jenisnya sesuai, dan tidak putus.",
        "ribbon error: check that a ribbon of the right type is installed and not broken";
    "printer.ribbon_unsupported" => "Pita yang terpasang tidak didukung printer ini.",
        "the installed ribbon is not supported by this printer";
    "printer.panel_not_on_ribbon" => "Pita {ribbon} tidak memiliki panel {panel} yang dibutuhkan kartu ini: pasang pita YMCKO.",
        "the ribbon {ribbon} has no {panel} panel needed by this card";
    "printer.card_jam" => "Kartu macet: buka printer, keluarkan kartu, lalu coba lagi.",
        "card jam: open the printer, remove the card and retry";
    "printer.reject_box_full" => "Kotak kartu gagal penuh: kosongkan.",
        "the reject box is full: empty it";
    "printer.output_hopper_full" => "Tempat kartu jadi penuh: ambil kartu yang sudah dicetak.",
        "the output hopper is full: take out the printed cards";
    "printer.cooling" => "Kepala cetak sedang didinginkan: tunggu sebentar lalu coba lagi.",
        "the print head is cooling down: wait a moment and retry";
    "printer.busy" => "Printer sedang sibuk.",
        "the printer is busy";
    "printer.mechanical" => "Kesalahan mekanis pada printer: periksa jalur kartu dan keluarkan kartu yang tertinggal.",
        "mechanical error in the printer: check the card path";
    "printer.magnetic" => "Kesalahan pita magnetik (kode {code}).",
        "magnetic stripe error (code {code})";
    "printer.command_refused" => "Printer menolak perintah {command}: periksa model dan firmware printer.",
        "the printer refused command {command}";
    "printer.parameter_refused" => "Printer menolak parameter perintah {command}.",
        "the printer refused a parameter of {command}";
    "printer.garbled" => "Jawaban printer untuk {command} rusak ({raw}): periksa kabel dan kecepatan port.",
        "garbled answer to {command}: {raw}";
    "printer.unknown_answer" => "Jawaban printer untuk {command} tidak dikenal ({raw}): laporkan beserta log.",
        "unknown answer to {command}: {raw}";
    "printer.no_card" => "Tidak ada kartu di dalam printer untuk operasi ini.",
        "no card in the printer for this operation";
    "printer.not_supported" => "Tidak didukung printer ini: {what}.",
        "not supported by this printer: {what}";
    "printer.bad_layers" => "Gambar sisi {side} tidak dapat dicetak: {reason}.",
        "cannot print {side} side: {reason}";
    "printer.unsupported_model" => "Model printer {model} tidak didukung.",
        "unsupported printer model {model}";

    // Printer URI (`UriError`).
    "uri.unknown_scheme" => "Alamat printer {uri} tidak dikenal: gunakan serial://, usblp://, tcp:// atau emu://",
        "unknown printer URI scheme in {uri}: use serial://, usblp://, tcp:// or emu://";
    "uri.empty" => "Alamat printer {uri} salah: tidak ada apa pun setelah skema",
        "printer URI {uri}: nothing after the scheme";
    "uri.characters" => "Alamat printer {uri} salah: berisi spasi atau karakter kendali",
        "printer URI {uri}: contains spaces or control characters";
    "uri.no_options" => "Alamat printer {uri} salah: alamat {scheme} tidak memakai opsi",
        "printer URI {uri}: {scheme} URIs take no options";
    "uri.relative_path" => "Alamat printer {uri} salah: perangkat harus path absolut (mis. /dev/ttyUSB0)",
        "printer URI {uri}: device must be an absolute path (e.g. /dev/ttyUSB0)";
    "uri.emulator_name" => "Alamat printer {uri} salah: nama emulator tidak boleh memuat '/'",
        "printer URI {uri}: emulator name may not contain '/'";
    "uri.tcp_host" => "Alamat printer {uri} salah: tulis tcp://host:port",
        "printer URI {uri}: expected tcp://host:port";
    "uri.tcp_port" => "Alamat printer {uri} salah: port harus 1..65535",
        "printer URI {uri}: port must be 1..65535";
    "uri.ipv6" => "Alamat printer {uri} salah: tulis tcp://[alamat-IPv6]:port",
        "printer URI {uri}: expected tcp://[IPv6-address]:port";
    "uri.bad_baud" => "Opsi alamat printer {key}={value} tidak sah: kecepatan 300 sampai 4000000",
        "printer URI option {key}={value} is not valid: a rate from 300 to 4000000";
    "uri.bad_flow" => "Opsi alamat printer {key}={value} tidak sah: none, xonxoff atau rtscts",
        "printer URI option {key}={value} is not valid: none, xonxoff or rtscts";
    "uri.bad_parity" => "Opsi alamat printer {key}={value} tidak sah: none, even atau odd",
        "printer URI option {key}={value} is not valid: none, even or odd";
    "uri.unknown_option" => "Opsi alamat printer {key}={value} tidak dikenal: yang dikenal baud, flow dan parity",
        "printer URI option {key}={value} is not valid: known options are baud, flow and parity";

    // Transport (`TransportError`).
    "transport.open_failed" => "Printer {target} tidak dapat dibuka ({reason}). Periksa kabel dan daya, alamat printer, hak akses (grup dialout / aturan udev), dan pastikan tidak dipakai program lain.",
        "cannot open {target}: {reason}";
    "transport.timeout" => "Printer {target} tidak menjawab dalam {waited}. Pastikan printer menyala dan siap, serta kecepatan dan flow control port serial sesuai.",
        "no answer from {target} within {waited}";
    "transport.disconnected" => "Sambungan ke printer {target} terputus. Periksa kabel dan daya printer.",
        "{target} disconnected";
    "transport.io" => "Kesalahan I/O pada printer {target}: {source}",
        "I/O error on {target}: {source}";
    "transport.no_backend" => "Tidak ada transport untuk {uri} di proses ini (skema tidak tersedia). Periksa URI printer, atau jalankan emulatornya.",
        "no transport for {uri} (scheme not available in this process)";
    "transport.no_such_emulator" => "Emulator printer {name} belum dijalankan.",
        "no emulator registered as {name}";

    // Reader name pattern (`ReaderPatternError`).
    "reader.empty" => "Pola nama pembaca tidak boleh kosong (lihat `cetak chip readers`)",
        "the reader name pattern must not be empty (see `cetak chip readers`)";
    "reader.matches_all" => "Pola {pattern} cocok dengan semua pembaca: tulis bagian dari nama pembaca (lihat `cetak chip readers`)",
        "the pattern {pattern} matches every reader: write part of the reader's name (see `cetak chip readers`)";
    "reader.control" => "Pola nama pembaca berisi karakter kendali",
        "the reader name pattern contains control characters";
    "reader.too_long" => "Pola lebih panjang dari nama pembaca PC/SC (paling banyak 127 byte)",
        "the pattern is longer than a PC/SC reader name (at most 127 bytes)";

    // Chip (`ChipError`); the part after `chip.` is the short code journals keep.
    "chip.no_service" => "Layanan PC/SC (pcscd) tidak berjalan: {reason}",
        "PC/SC service not available (is pcscd running?): {reason}";
    "chip.no_reader" => "Pembaca kartu {pattern} tidak ditemukan (pembaca yang ada: {readers}). Periksa kabel dan konfigurasi.",
        "no card reader matches {pattern} (readers: {readers})";
    "chip.no_card" => "Tidak ada kartu di stasiun encoder (pembaca {reader}, setelah {waited_ms} ms).",
        "no card in reader {reader} after {waited_ms} ms";
    "chip.card_removed" => "Kartu terlepas dari pembaca saat proses berjalan.",
        "card removed during the operation";
    "chip.card_reset" => "Kartu di-reset saat proses berjalan.",
        "card was reset during the operation";
    "chip.mute" => "Chip tidak menjawab dalam {timeout_ms} ms (kartu bisu atau terlalu lambat).",
        "card did not answer within {timeout_ms} ms";
    "chip.reader_busy" => "Pembaca kartu sedang dipakai aplikasi lain.",
        "reader is in use by another application";
    "chip.transport" => "Kesalahan komunikasi PC/SC: {reason}",
        "PC/SC error: {reason}";
    "chip.extended_unsupported" => "Pembaca kartu tidak mendukung APDU panjang (extended length): {reason}",
        "the reader cannot carry extended-length APDUs: {reason}";
    "chip.foreign_card" => "Kartu tidak dikenali oleh profil (ATR {atr}; jenis blangko salah?).",
        "card not accepted by the profile (ATR {atr})";
    "chip.refused" => "Chip menolak perintah {step}: {sw}.",
        "card refused {step}: {sw}";
    "chip.access_denied" => "Verifikasi PIN chip gagal, sisa {retries_left} kali percobaan.",
        "access step failed, {retries_left} tries left";
    "chip.pin_blocked" => "PIN chip terblokir.",
        "access PIN blocked on this card";
    "chip.card_full" => "Memori chip tidak cukup untuk {step}.",
        "not enough memory on the card for {step}";
    "chip.memory_failure" => "Memori chip rusak saat penulisan ({step}).",
        "memory failure on the card during {step}";
    "chip.verify_mismatch" => "Isi berkas {fid} yang dibaca ulang berbeda dari yang ditulis.",
        "read-back of file {fid} differs from what was written";
    "chip.file_too_small" => "Berkas {fid} di chip terlalu kecil: {capacity} byte, isinya perlu {needed}.",
        "file {fid} holds {capacity} bytes, content needs {needed}";
    "chip.secret" => "Kunci/PIN chip tidak tersedia: {reason}",
        "chip key material unavailable: {reason}";
    "chip.profile" => "Profil kartu tidak valid: {reason}",
        "invalid card profile: {reason}";
    "chip.content" => "Isi chip tidak valid: {reason}",
        "invalid chip content: {reason}";
    "chip.decode" => "Data chip tidak dapat dibaca: {reason}",
        "chip data cannot be decoded: {reason}";
    "chip.apdu" => "APDU tidak valid: {reason}",
        "APDU error: {reason}";
};
