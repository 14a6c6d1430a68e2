//! The `printer-sim` entry point: options in, a served printer out, and it ends when an injected
//! disconnect drops its pseudo-terminal.

use std::sync::mpsc;
use std::time::Duration;

use cetak_drivers::emulator::cli::{run, SimOptions};
use cetak_drivers::printer::evolis::answer::{RawAnswer, CR, ESC};
use cetak_drivers::transport::{self, PrinterUri, Transport, TransportError};

#[test]
fn printer_sim_serves_a_pty_until_the_injected_disconnect() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--pty",
        "--scale",
        "0",
        "--out",
        dir.path().to_str().unwrap(),
        "--fault",
        "disconnect-after=1",
    ];
    let opts = SimOptions::from_args(&args).unwrap();
    let (tx, rx) = mpsc::channel();
    let sim = std::thread::spawn(move || run(&opts, &mut |uri| tx.send(uri.to_string()).unwrap()));
    let uri: PrinterUri = rx
        .recv_timeout(Duration::from_secs(10))
        .unwrap()
        .parse()
        .unwrap();
    let mut link = transport::open(&uri).unwrap();
    link.write_all(&[&[ESC][..], b"Rtp", &[CR]].concat())
        .unwrap();
    let mut buf = [0u8; 64];
    let mut got = Vec::new();
    while !got.ends_with(&[CR]) {
        let n = link.read(&mut buf, Duration::from_secs(5)).unwrap();
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(
        RawAnswer::from_bytes(&got),
        Ok(Some((
            RawAnswer::Text(b"Primacy Dual Emulator".to_vec()),
            got.len()
        )))
    );
    // Second command: the emulator drops the pty instead of answering.
    link.write_all(&[&[ESC][..], b"Rsn", &[CR]].concat())
        .unwrap();
    let err = link.read(&mut buf, Duration::from_secs(5)).unwrap_err();
    assert!(matches!(err, TransportError::Disconnected { .. }), "{err}");
    sim.join().unwrap().unwrap();
}
