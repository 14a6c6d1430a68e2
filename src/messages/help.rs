//! The command line's help (`cli::help`): every command's summary (`help.cmd.PATH`), every
//! argument's help (`help.arg.PATH.ID`, or `help.arg.ID` where one text serves every command),
//! clap's own lines and headings. A text with a blank line has a short form (its first
//! paragraph, for `-h`) and a long one (the whole, for `--help`).

use super::Entry;

/// Every help text of the command line.
pub static HELP: &[Entry] = entries! {
    // Clap's own parts.
    "help.arguments" => "Argumen", "Arguments";
    "help.flag_help" => "Tampilkan bantuan (ringkas dengan -h, lengkap dengan --help)",
        "Print help (a summary with -h, more with --help)";
    "help.flag_version" => "Tampilkan versi", "Print version";
    "help.cmd_help" => "Tampilkan bantuan ini atau bantuan subperintah yang disebut",
        "Print this message or the help of the given subcommand(s)";
    "help.arg_help_subcommand" => "Subperintah yang bantuannya ditampilkan",
        "Print help for the subcommand(s)";
    "help.default" => "[bawaan: {value}]", "[default: {value}]";
    "help.env" => "[env: {name}]", "[env: {name}]";
    "help.values" => "[nilai: {values}]", "[possible values: {values}]";

    // Commands.
    "help.cmd.validate" => "Periksa dokumen job", "Check a job document";
    "help.cmd.render" => "Render kartu ke berkas PNG", "Render a card to PNG files";
    "help.cmd.print" => "Periksa, render, encode, dan cetak satu kartu",
        "Validate, render, encode and print one card";
    "help.cmd.printer-sim" => "Jalankan emulator printer Evolis\n\nprinter-sim (--tcp ALAMAT | --pty) [--out FOLDER] [--scale F] [--feeder N] [--single-side] [--serial SN] [--plain] [--ending cr|nul|none] [--fault cover-open|feeder-empty-after=N|ribbon-end-after=N|jam-at-panel=N|disconnect-after=N|slow=MS|garble-after=N]...",
        "Run an emulated Evolis printer\n\nprinter-sim (--tcp ADDR | --pty) [--out DIR] [--scale F] [--feeder N] [--single-side] [--serial SN] [--plain] [--ending cr|nul|none] [--fault cover-open|feeder-empty-after=N|ribbon-end-after=N|jam-at-panel=N|disconnect-after=N|slow=MS|garble-after=N]...";
    "help.cmd.encode" => "Tulis dan verifikasi chip lewat PC/SC",
        "Personalise and verify a chip through PC/SC";
    "help.cmd.chip" => "Operasi chip", "Chip operations";
    "help.cmd.chip.read" => "Baca kembali kartu dan tampilkan isinya",
        "Read a card back and print its decoded contents";
    "help.cmd.chip.readers" => "Daftar pembaca kartu PC/SC", "List PC/SC readers";
    "help.cmd.vcard" => "Jalankan kartu virtual untuk pembaca vpcd",
        "Run a virtual card for a vpcd reader";
    "help.cmd.keys" => "Kunci penanda tangan untuk sisi Dinas dan rig uji",
        "Signing keys for the Dinas side and test rigs";
    "help.cmd.keys.generate" => "Buat pasangan kunci penanda tangan Ed25519\n\nMenulis FOLDER/KID.key (privat, mode 0600) dan FOLDER/KID.pub, lalu menampilkan baris `[[trust.key]]` untuk konfigurasi stasiun.",
        "Generate an Ed25519 signing key pair\n\nWrites DIR/KID.key (private, mode 0600) and DIR/KID.pub, and prints the `[[trust.key]]` lines for a station's configuration.";
    "help.cmd.sign" => "Tanda tangani berkas job sebagai JWS (ditampilkan di stdout)",
        "Sign a job file as a JWS (printed on stdout)";
    "help.cmd.import" => "Impor bundel job bertanda tangan (USB)",
        "Import a bundle of signed jobs (USB)";
    "help.cmd.import-acks" => "Impor konfirmasi event dari server (bundel)",
        "Import acknowledgements from a bundle";
    "help.cmd.export" => "Ekspor event tertunda dan laporan stok",
        "Export pending events and the stock report";
    "help.cmd.status" => "Keadaan stasiun yang berjalan (printer, event, antrean, peringatan)",
        "Status of the running daemon (printers, events, queue, alerts)";
    "help.cmd.events" => "Kejadian yang menunggu operator", "Events waiting for an operator";
    "help.cmd.act" => "Keputusan operator untuk printer yang berhenti: `cetak act P1 retry|cancel|spoiled [--operator NAMA]`",
        "Decide on a paused printer: `cetak act P1 retry|cancel|spoiled [--operator NAME]`";
    "help.cmd.report" => "Laporan resmi (BAST, blangko rusak, stok) sebagai PDF atau CSV",
        "Official reports (BAST, spoiled blangko, stock) as PDF or CSV";
    "help.cmd.report.bast" => "Berita acara serah terima (BAST) satu batch",
        "Handover record (BAST) of one batch";
    "help.cmd.report.spoilage" => "Blangko rusak per hari atau periode",
        "Spoiled blangko of a day or a period";
    "help.cmd.report.stock" => "Mutasi dan saldo blangko satu periode",
        "Blangko movements and balances of a period";
    "help.cmd.dashboard" => "Dasbor web: token masuk", "Web dashboard: sign-in tokens";
    "help.cmd.dashboard.token" => "Token masuk per pengguna", "Per-user sign-in tokens";
    "help.cmd.dashboard.token.issue" => "Terbitkan token (mengganti token lama pengguna itu)",
        "Issue a token (replaces the user's earlier one)";
    "help.cmd.dashboard.token.revoke" => "Cabut token pengguna", "Revoke the user's token";
    "help.cmd.daemon" => "Jalankan daemon stasiun", "Run the station daemon";
    "help.cmd.submit" => "Periksa job dan masukkan ke spool",
        "Validate a job and put it in the spool";
    "help.cmd.stock" => "Buku stok blangko", "The blangko ledger";
    "help.cmd.stock.receive" => "Terima blangko ke gudang", "Receive blangko into the store";
    "help.cmd.stock.load" => "Isi feeder printer dari gudang",
        "Load blangko from the store into a printer's feeder";
    "help.cmd.stock.unload" => "Keluarkan blangko dari feeder printer kembali ke gudang",
        "Unload blangko from a printer's feeder back to the store";
    "help.cmd.stock.show" => "Tampilkan angka stok", "Show the figures";
    "help.cmd.stock.spoil" => "Catat blangko rusak (dari gudang atau feeder), atau dengan `--job` kartu yang sudah tercetak (perubahan elemen data): job dicetak lagi pada kartu baru, atau berakhir diganti dengan `--replaced-by JOB_BARU`",
        "Write off spoiled blangko (from the store or a feeder), or with `--job` a card already printed (perubahan elemen data): the job is printed again on a new card, or ends superseded with `--replaced-by NEW_JOB`";
    "help.cmd.stock.return" => "Kembalikan blangko ke provinsi", "Return blangko to the province";
    "help.cmd.stock.adjust" => "Koreksi jumlah (hanya administrator)",
        "Adjust a count (administrators only)";
    "help.cmd.stock.verify" => "Periksa keseimbangan buku stok", "Verify the ledger balances";
    "help.cmd.doubt" => "Job yang diragukan setelah crash atau printer hilang",
        "Jobs in doubt after a crash or a lost printer";
    "help.cmd.doubt.list" => "Daftar job yang diragukan", "List in-doubt jobs";
    "help.cmd.doubt.resolve" => "Putuskan satu job yang diragukan", "Resolve one in-doubt job";
    "help.cmd.handover" => "Serahkan kartu tercetak di loket pengambilan (atau, dengan --batch, semua kartu tercetak satu batch sekolah: BAST-nya)",
        "Hand a printed card over at the pickup counter (or, with --batch, every printed card of a school batch: its BAST)";
    "help.cmd.batch" => "Batch program kolektif (mis. satu sekolah): `cetak batch list`, `cetak batch show ID` (jumlah, laki-laki, perempuan, tercetak, rusak, menunggu)",
        "Batches of the collective programmes (e.g. one school): `cetak batch list`, `cetak batch show ID` (total, boys, girls, printed, spoiled, waiting)";
    "help.cmd.batch.list" => "Daftar batch, yang terakhir dimulai lebih dulu",
        "List batches, the most recently started first";
    "help.cmd.batch.show" => "Rincian satu batch", "One batch's figures";
    "help.cmd.outbox" => "Event untuk server: antrean, dan yang ditolak server",
        "Events for the server: backlog, and those the server refused";
    "help.cmd.outbox.show" => "Antrean dan event yang ditolak", "Backlog and refused events";
    "help.cmd.outbox.retry" => "Kirim ulang event yang ditolak (administrator)",
        "Send refused events again (administrators)";
    "help.cmd.audit" => "Jejak audit berantai hash", "The hash-chained audit trail";
    "help.cmd.audit.verify" => "Periksa rantai hash", "Verify the hash chain";
    "help.cmd.demo" => "Demo lengkap dengan printer emulasi", "Full demo on emulated printers";
    "help.cmd.generate" => "Halaman manual dan pelengkapan shell (untuk pengemasan)",
        "Man pages and shell completions (for packaging)";
    "help.cmd.generate.man" => "Halaman manual (bagian 1) untuk `cetak` dan tiap subperintah",
        "Man pages (section 1) for `cetak` and each subcommand";
    "help.cmd.generate.completions" => "Skrip pelengkapan untuk bash (`cetak.bash`), zsh (`_cetak`) dan fish (`cetak.fish`)",
        "Completion scripts for bash (`cetak.bash`), zsh (`_cetak`) and fish (`cetak.fish`)";
    "help.cmd.generate.samples" => "Contoh job bawaan (`FOLDER/jobs/*.json`, orang sintetis) dan gambar yang disebutnya (`FOLDER/photos/`)",
        "The built-in sample jobs (`DIR/jobs/*.json`, synthetic people) and the images they name (`DIR/photos/`)";

    // Options shared by many commands.
    "help.arg.lang" => "Bahasa pesan: id (Bahasa Indonesia) atau en (English)",
        "Message language: id (Bahasa Indonesia) or en (English)";
    "help.arg.log" => "Saringan log (sintaks `EnvFilter` tracing), mis. `info` atau `cetak=debug`",
        "Log filter (tracing `EnvFilter` syntax), e.g. `info` or `cetak=debug`";
    "help.arg.config" => "Berkas konfigurasi", "Configuration file";
    "help.arg.operator" => "Nama Anda, dicatat di samping pengguna Unix Anda",
        "Your name, recorded beside your Unix user";
    "help.arg.socket" => "Soket kontrol daemon yang berjalan, menggantikan yang di konfigurasi",
        "Control socket of the running daemon, overriding the configuration";
    "help.arg.offline" => "Tanpa daemon: bekerja langsung pada jurnal. Hanya root dan pengguna layanan; ditolak selama daemon berjalan",
        "No daemon running: work on the journal directly. Root and the service user only; refused while the daemon runs";
    "help.arg.json" => "Tampilkan jawaban JSON API, bukan tabel",
        "Print the API's JSON answer instead of the table";
    "help.arg.job" => "Berkas job (JSON)", "Job file (JSON)";
    "help.arg.photo_background" => "Aturan latar foto: warn, reject atau off (bawaan: dari konfigurasi, selain itu warn)",
        "Photo background rule: warn, reject or off (default: the config's, else warn)";
    "help.arg.layouts" => "Folder tata letak pengganti tata letak bawaan (bawaan: `layouts_dir` konfigurasi, selain itu tata letak bawaan cetak)",
        "A layouts folder replacing the built-in layouts (default: the config's `layouts_dir`, else the layouts built into cetak)";
    "help.arg.profile" => "Profil kartu (TOML); profil bawaan bila tidak diberikan",
        "Card profile (TOML); the built-in default profile when absent";
    "help.arg.reader" => "Pola nama pembaca PC/SC (substring atau glob `*`)",
        "PC/SC reader name pattern (substring or `*` glob)";
    "help.arg.wait" => "Detik menunggu kartu di pembaca", "Seconds to wait for a card in the reader";
    "help.arg.out" => "Folder keluaran", "Output folder";
    "help.arg.printer" => "ID printer, mis. P1", "Printer id, e.g. P1";
    "help.arg.count" => "Jumlah", "Count";
    "help.arg.blangko_type" => "Jenis blangko: kia atau ktp-el", "Blangko type: kia or ktp-el";
    "help.arg.note" => "Catatan", "Note";
    "help.arg.from" => "Hari pertama (waktu setempat)", "First day (local)";
    "help.arg.to" => "Hari terakhir (waktu setempat), termasuk", "Last day (local), inclusive";
    "help.arg.format" => "pdf atau csv (bawaan: dari ekstensi berkas, selain itu pdf)",
        "pdf or csv (default: from the file's extension, else pdf)";
    "help.arg.batch" => "ID batch", "Batch id";
    "help.arg.user" => "Nama pengguna Unix", "Unix user name";
    "help.arg.file" => "Berkas bundel", "Bundle file";

    // Options of one command.
    "help.arg.validate.config" => "Konfigurasi stasiun: `layouts_dir` dan aturan fotonya berlaku, dan diperiksa seperti saat daemon mulai",
        "Station configuration: its `layouts_dir` and photo rule apply, and it is checked as the daemon checks it at start";
    "help.arg.render.config" => "Konfigurasi stasiun: `layouts_dir` dan aturan fotonya berlaku, dan diperiksa seperti saat daemon mulai",
        "Station configuration: its `layouts_dir` and photo rule apply, and it is checked as the daemon checks it at start";
    "help.arg.print.config" => "Konfigurasi stasiun: `layouts_dir` dan aturan fotonya berlaku, dan diperiksa seperti saat daemon mulai",
        "Station configuration: its `layouts_dir` and photo rule apply, and it is checked as the daemon checks it at start";
    "help.arg.encode.config" => "Konfigurasi stasiun: `layouts_dir` dan aturan fotonya berlaku, dan diperiksa seperti saat daemon mulai",
        "Station configuration: its `layouts_dir` and photo rule apply, and it is checked as the daemon checks it at start";
    "help.arg.validate.strict" => "Peringatan dianggap kegagalan (kode keluar bukan nol)",
        "Treat warnings as failures (non-zero exit)";
    "help.arg.render.out" => "Folder keluaran untuk pratinjau dan PNG lapisan",
        "Output folder for the preview and layer PNGs";
    "help.arg.print.printer" => "URI printer: serial:///dev/ttyUSB0?baud=115200, usblp:///dev/usb/lp0, tcp://host:9100",
        "Printer URI: serial:///dev/ttyUSB0?baud=115200, usblp:///dev/usb/lp0, tcp://host:9100";
    "help.arg.print.reader" => "Pembaca PC/SC (pola nama) di stasiun encoder printer; wajib untuk KTP-el",
        "PC/SC reader (name pattern) at the printer's encoder station; needed for KTP-el";
    "help.arg.print.station" => "Stasiun encoder tempat pembaca berada: contact atau contactless",
        "Encoder station the reader sits at: contact or contactless";
    "help.arg.print.no_chip" => "Cetak tanpa chip walaupun dokumen memilikinya (hanya cetak uji)",
        "Print without a chip even if the document has one (test prints only)";
    "help.arg.print.raw" => "Kirim panel tanpa kompresi (`Db`, bukan `Dbc`)",
        "Send panels uncompressed (`Db` instead of `Dbc`)";
    "help.arg.print.training" => "Cetak latihan job tanpa tanda tangan: kartu diberi SPECIMEN di kedua sisi. Wajib: job produksi bertanda tangan dan masuk lewat stasiun (`cetak submit`)",
        "Training print of an unsigned job: the card gets SPECIMEN across both sides. Required: production jobs are signed and go through the station (`cetak submit`)";
    "help.arg.printer-sim.args" => "Opsi emulator (lihat di atas)", "Emulator options (see above)";
    "help.arg.vcard.port" => "Port pembaca vpcd di mesin ini (pembaca vpcd sistem: 35963)",
        "vpcd reader port on this machine (the system vpcd reader is 35963)";
    "help.arg.vcard.host" => "Host tempat vpcd mendengarkan", "Host where vpcd listens";
    "help.arg.vcard.generic" => "Berperilaku seperti kartu ISO 7816-4 umum (gaya T=0, tanpa panjang diperluas)",
        "Behave like a generic ISO 7816-4 card (T=0 style, no extended length)";
    "help.arg.vcard.fault" => "Gangguan yang disuntikkan: mute, mute-after=N, remove-on-update=N, write-error-at=OFF, memory=B, foreign-atr, slow=MS, corrupt-at=OFF, buffer=B (buffer kartu kecil), reader-short (pembaca hanya membawa APDU pendek)",
        "Fault to inject: mute, mute-after=N, remove-on-update=N, write-error-at=OFF, memory=B, foreign-atr, slow=MS, corrupt-at=OFF, buffer=B (small card buffer), reader-short (the reader carries short APDUs only)";
    "help.arg.keys.generate.kid" => "ID kunci, seperti yang dilihat stasiun di header `kid`",
        "Key id, as stations will see it in the `kid` header";
    "help.arg.keys.generate.out" => "Folder berkas kunci (dibuat bila belum ada)",
        "Folder for the key files (created if missing)";
    "help.arg.sign.job" => "Berkas job (JSON); gambar yang disebut dengan path disisipkan sebelum ditandatangani",
        "Job file (JSON); images given by path are inlined before signing";
    "help.arg.sign.key" => "Berkas kunci privat dari `cetak keys generate`",
        "Private key file written by `cetak keys generate`";
    "help.arg.sign.kid" => "ID kunci untuk header", "Key id to put in the header";
    "help.arg.export.file" => "Berkas bundel yang ditulis (diganti secara atomik)",
        "Bundle file to write (replaced atomically)";
    "help.arg.act.action" => "retry, cancel atau spoiled", "retry, cancel or spoiled";
    "help.arg.act.event" => "Bertindak hanya jika kejadian ini (dari `cetak events`) masih yang tertunda",
        "Act only if this event (from `cetak events`) is still the pending one";
    "help.arg.report.bast.batch" => "ID batch (`batch.id` job-jobnya)", "Batch id (the jobs' `batch.id`)";
    "help.arg.report.bast.date" => "Tanggal serah terima (bawaan: hari ini); bagian dari nomor BAST",
        "Date of the handover (default: today); it is part of the BAST number";
    "help.arg.report.bast.receiver_name" => "PIHAK KEDUA: nama (dibiarkan bertitik-titik untuk diisi tangan bila tidak diberikan)",
        "PIHAK KEDUA: name (left as dotted lines to fill in by hand when absent)";
    "help.arg.report.bast.receiver_nip" => "PIHAK KEDUA: NIP", "PIHAK KEDUA: NIP";
    "help.arg.report.bast.receiver_position" => "PIHAK KEDUA: jabatan, mis. `Operator Sekolah SDN 1`",
        "PIHAK KEDUA: position, e.g. `Operator Sekolah SDN 1`";
    "help.arg.report.bast.out" => "Berkas keluaran (bawaan: nama dari laporan dan tanggalnya, di folder ini)",
        "Output file (default: a name made from the report and its dates, in this folder)";
    "help.arg.report.spoilage.out" => "Berkas keluaran (bawaan: nama dari laporan dan tanggalnya, di folder ini)",
        "Output file (default: a name made from the report and its dates, in this folder)";
    "help.arg.report.stock.out" => "Berkas keluaran (bawaan: nama dari laporan dan tanggalnya, di folder ini)",
        "Output file (default: a name made from the report and its dates, in this folder)";
    "help.arg.report.spoilage.date" => "Satu hari (waktu setempat)", "One day (local)";
    "help.arg.dashboard.token.issue.user" => "Nama pengguna Unix (anggota grup operator atau administrator)",
        "Unix user name (member of the operator or administrator group)";
    "help.arg.submit.job" => "Berkas job bertanda tangan (`.jws`); JSON biasa hanya di stasiun pelatihan",
        "Signed job file (`.jws`); plain JSON only on a training station";
    "help.arg.stock.receive.lot" => "Nomor lot / kotak", "Lot / box number";
    "help.arg.stock.load.blangko_type" => "Jenis (bawaan: yang dikonfigurasi untuk printer)",
        "Type (default: the one configured for the printer)";
    "help.arg.stock.unload.blangko_type" => "Jenis (bawaan: yang dikonfigurasi untuk printer)",
        "Type (default: the one configured for the printer)";
    "help.arg.stock.spoil.printer" => "Printer yang feedernya dipakai (bawaan: gudang)",
        "Printer whose feeder (default: the store)";
    "help.arg.stock.return.printer" => "Printer yang feedernya dipakai (bawaan: gudang)",
        "Printer whose feeder (default: the store)";
    "help.arg.stock.adjust.printer" => "Printer yang feedernya dipakai (bawaan: gudang)",
        "Printer whose feeder (default: the store)";
    "help.arg.stock.spoil.category" => "gagal-encode, gagal-cetak, rusak, perubahan-elemen-data",
        "gagal-encode, gagal-cetak, rusak, perubahan-elemen-data";
    "help.arg.stock.spoil.note" => "Catatan (wajib dengan --job)", "Note (required with --job)";
    "help.arg.stock.spoil.job" => "Job tercetak yang kartunya dihapusbukukan sebelum diserahkan",
        "A printed job whose card is written off before handover";
    "help.arg.stock.spoil.replaced_by" => "Dengan --job: job baru yang menggantikannya (selain itu dicetak lagi)",
        "With --job: the new job that replaces it (otherwise it is printed again)";
    "help.arg.stock.adjust.delta" => "Perubahan bertanda, mis. -2 atau 3", "Signed change, e.g. -2 or 3";
    "help.arg.stock.adjust.reason" => "Alasan (wajib)", "Reason (required)";
    "help.arg.doubt.resolve.job" => "ID job", "Job id";
    "help.arg.doubt.resolve.printed" => "Kartu keluar tercetak", "The card came out printed";
    "help.arg.doubt.resolve.spoiled" => "Kartu rusak, dengan kategorinya",
        "The card is spoiled, with its category";
    "help.arg.doubt.resolve.card_serial" => "Dengan --printed: nomor kartu yang dibaca dari kartu, bila printer tidak melaporkannya",
        "With --printed: the card number read from the card, when the printer did not report one";
    "help.arg.handover.job" => "ID job kartu yang tercetak", "Job id of the printed card";
    "help.arg.handover.batch" => "Semua kartu tercetak batch ini, kepada perwakilan sekolah (BAST)",
        "Every printed card of this batch, to the school's representative (BAST)";
    "help.arg.handover.to" => "Nama yang mengambil kartu (nama penerima)",
        "Name of whoever takes the card(s) (nama penerima)";
    "help.arg.handover.relation" => "kepala-keluarga atau anggota-keluarga (satu kartu); sekolah (satu batch)",
        "kepala-keluarga or anggota-keluarga (one card); sekolah (a batch)";
    "help.arg.handover.code" => "Kode pengambilan pemohon (kode QR permohonan); wajib bila job memilikinya",
        "The applicant's pickup code (the QR code of the application); required when the job carries one";
    "help.arg.outbox.retry.event" => "ID event (seperti yang ditampilkan `cetak outbox show`)",
        "Event id (as `cetak outbox show` lists it)";
    "help.arg.outbox.retry.all" => "Semua event yang ditolak", "Every refused event";
    "help.arg.demo.out" => "Folder keluaran (folder data, contoh job, kartu tercetak)",
        "Output folder (data directory, sample jobs, printed cards)";
    "help.arg.demo.jobs" => "Folder berkas job yang dikirim (bawaan: contoh bawaan, ditulis ke OUT/samples)",
        "A folder of job files to submit (default: the built-in samples, written to OUT/samples)";
    "help.arg.demo.time_scale" => "Skala waktu mekanis emulasi (1 = realistis, 15-30 detik per kartu)",
        "Emulated mechanical time scale (1 = realistic, 15-30 s a card)";
    "help.arg.demo.timeout" => "Menyerah setelah sekian detik", "Give up after this many seconds";
    "help.arg.demo.serve" => "Biarkan stasiun berjalan setelah job-jobnya selesai, dengan dasbor dan metrik menyala, sampai Ctrl-C atau SIGTERM",
        "Keep the station running after its jobs settle, with the dashboard and metrics on, until Ctrl-C or SIGTERM";
    "help.arg.demo.listen" => "Alamat dasbor dengan --serve (port 0: port bebas mana saja)",
        "The dashboard's address with `--serve` (port 0: any free port)";
    "help.arg.demo.profile" => "Profil kartu untuk chip virtual (bawaan: profil bawaan)",
        "Card profile for the virtual chips (default: the built-in profile)";
};
