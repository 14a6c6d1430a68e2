//! `cetak print --training` of every sample job, recorded at the transport (a TCP tap between
//! the command and a strict emulator) and read back with the decoder written from the Evolis
//! guide alone (`drivers/tests/support/guide_decoder.rs`): the stream holds only commands of
//! the guide, and every panel of both sides equals the rendered layers, 0 differing dots.

#[path = "../../drivers/tests/support/guide_decoder.rs"]
mod guide;

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use cetak::job::{self, ValidationPolicy};
use cetak::layout::Layouts;
use cetak::render;
use cetak_drivers::emulator::{CardOutcome, Emulator, EmulatorConfig};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies bytes from `from` to `to` until either side closes; keeps a copy in `record`.
fn pipe(mut from: TcpStream, mut to: TcpStream, record: Option<Arc<Mutex<Vec<u8>>>>) {
    let mut buf = [0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if let Some(r) = &record {
            r.lock().unwrap().extend_from_slice(&buf[..n]);
        }
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

/// A TCP tap in front of `printer`: one host connection, forwarded both ways; what the host
/// sends is recorded.
fn tap(printer: SocketAddr) -> (SocketAddr, Arc<Mutex<Vec<u8>>>, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let sent = Arc::new(Mutex::new(Vec::new()));
    let record = sent.clone();
    let thread = std::thread::spawn(move || {
        let (host, _) = listener.accept().unwrap();
        let dev = TcpStream::connect(printer).unwrap();
        let (h2, d2) = (host.try_clone().unwrap(), dev.try_clone().unwrap());
        let up = std::thread::spawn(move || pipe(host, dev, Some(record)));
        pipe(d2, h2, None);
        let _ = up.join();
    });
    (addr, sent, thread)
}

#[test]
fn a_training_print_of_every_sample_is_guide_only_and_decodes_to_its_layers() {
    let layouts = Layouts::load(&root().join("layouts")).unwrap();
    for name in ["kia-0-5", "kia-5-17", "ktp-el"] {
        let path = root().join("examples/jobs").join(format!("{name}.json"));
        // The layers `cetak print --training` renders: the card with SPECIMEN across it.
        let (report, job) = job::check_file(&path, &ValidationPolicy::default());
        let job = job.unwrap_or_else(|| panic!("{name}: {}", report.render(job::Lang::En)));
        let mut card = render::render_card(&job.card_content(), &layouts).unwrap();
        render::specimen::stamp_card(&mut card);

        let emu = Emulator::new(EmulatorConfig {
            time_scale: 0.0,
            ..EmulatorConfig::default()
        });
        let server = emu.serve_tcp("127.0.0.1:0").unwrap();
        let (addr, sent, tap_thread) = tap(server.addr());
        let mut args = vec![
            "--lang".to_string(),
            "en".into(),
            "print".into(),
            "--training".into(),
            format!("examples/jobs/{name}.json"),
            "--printer".into(),
            format!("tcp://{addr}"),
        ];
        if name == "ktp-el" {
            args.push("--no-chip".into()); // the chip path has its own tests (print_samples)
        }
        let o = Command::new(env!("CARGO_BIN_EXE_cetak"))
            .args(&args)
            .current_dir(root())
            .env("CETAK_LAYOUTS", root().join("layouts"))
            .env_remove("CETAK_LANG")
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{name}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        tap_thread.join().unwrap();
        assert_eq!(emu.cards()[0].outcome, CardOutcome::Ejected, "{name}");
        drop(server);

        let bytes = sent.lock().unwrap().clone();
        let cmds = guide::parse_stream(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let cards = guide::cards(&cmds).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(cards.len(), 1, "{name}: one card");
        let printed = &cards[0];
        assert_eq!(printed.inserts, vec!["Si".to_string()], "{name}");
        assert_eq!(printed.end.as_deref(), Some("Se"), "{name}");
        guide::compare_side(&printed.front, &card.front.layers, 32)
            .unwrap_or_else(|e| panic!("{name} front: {e}"));
        guide::compare_side(&printed.back, &card.back.layers, 32)
            .unwrap_or_else(|e| panic!("{name} back: {e}"));
        let names: std::collections::BTreeSet<&str> =
            cmds.iter().map(|c| c.name.as_str()).collect();
        eprintln!("{name}: {} bytes, commands {names:?}", bytes.len());
    }
}
