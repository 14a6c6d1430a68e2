//! The host's share of printing a card, on the real sample jobs: render (fill + resvg +
//! layers) + Evolis panels + `Dbc` compression per side, and bytes on the wire per card,
//! compressed vs raw. A bench command that prints figures (no assertions). Only what a print
//! does is timed (render, panels, `Dbc`); the raw `Db` size, for the comparison, is not.
//! The `Dbc` figures are a card on a running printer, as the driver sends it: `Wcb;a` before
//! the card (counted in the card's total), then per panel only the lines that must change
//! (the back's panels also cover what the front left in the same bitmap).
//!
//! Run on one core: `taskset -c 0 cargo bench --bench print_path`
//! (`CETAK_BENCH_ITERS=N` changes the sample count, default 40; `CETAK_BENCH_ONLY=<layout>`
//! times one layout only). Instruction counts, stable on a loaded machine:
//! `CETAK_BENCH_ITERS=10 CETAK_BENCH_ONLY=kia-5-17-front valgrind --tool=callgrind
//! --toggle-collect='cetak::render::render_layers' --toggle-collect='print_path::panels_dbc'
//! target/release/deps/print_path-<hash> --bench`, then divide by the iterations.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use cetak::job::{self, ValidationPolicy};
use cetak::layout::Layouts;
use cetak::render;
use cetak_drivers::printer::evolis::bitmaps::{planned_download, HeldLines};
use cetak_drivers::printer::evolis::commands::{
    ClearBitmap, Command, Download, DownloadCompressed,
};
use cetak_drivers::printer::layers::SideLayers;
use cetak_drivers::printer::panel::{raw_size, side_panels, ColourLevels, PanelImage};

/// One panel as the driver sends it: the panel, its `Dbc` first line and data.
type Compressed = (PanelImage, usize, Vec<u8>);

/// Bytes one panel takes on the wire: (letter, raw `Db`, compressed `Dbc`).
type PanelBytes = (char, usize, usize);

/// The print path after rendering, as the driver runs it: panels, then `Dbc` per panel over
/// the lines that must change given what the bitmaps `held`. (Not inlined, so
/// `valgrind --toggle-collect` can find it.)
#[inline(never)]
fn panels_dbc(layers: &SideLayers, held: &HeldLines) -> Vec<Compressed> {
    let panels = side_panels(layers, ColourLevels::L32).expect("frame-sized layers");
    panels
        .into_iter()
        .filter_map(|p| {
            let (first, data) = planned_download(held, &p)?;
            Some((p, first, data))
        })
        .collect()
}

/// Bytes a side takes on the wire: (raw `Db`, compressed `Dbc`), and per panel
/// `(letter, raw, Dbc)`. Not timed: the raw payload size is fixed by the level count.
fn side_wire(panels: &[Compressed]) -> ((usize, usize), Vec<PanelBytes>) {
    let mut per_panel = Vec::new();
    for (p, first_line, data) in panels {
        let raw_data = vec![0u8; raw_size(p.levels).expect("protocol level count")];
        let raw = Download {
            panel: p.panel,
            levels: p.levels,
            data: &raw_data,
        }
        .wire_len();
        let packed = DownloadCompressed {
            panel: p.panel,
            levels: p.levels,
            first_line: *first_line,
            data,
        }
        .wire_len();
        per_panel.push((p.panel.letter(), raw, packed));
    }
    let raw = per_panel.iter().map(|p| p.1).sum();
    let packed = per_panel.iter().map(|p| p.2).sum();
    ((raw, packed), per_panel)
}

/// CPU time this thread has run, in ns (Linux `schedstat`): unlike wall time it does not grow
/// when other processes take the core, so it is the figure to read on a shared machine.
fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    // `cargo test --benches` runs bench targets with `--bench`-less args: keep that quick.
    let smoke = !std::env::args().any(|a| a == "--bench");
    let iters: usize = if smoke {
        1
    } else {
        std::env::var("CETAK_BENCH_ITERS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(40)
    };
    let only = std::env::var("CETAK_BENCH_ONLY").ok();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let layouts = Layouts::load(&root.join("layouts")).expect("layouts");
    println!(
        "render + panels + Dbc per side (median of {iters}, wall and this thread's CPU time),"
    );
    println!("and bytes on the wire per side, per panel and per card");
    println!(
        "{:<10} {:<16} {:>12} {:>12} {:>12} {:>12} {:>12}",
        "job", "layout", "render", "+panels+Dbc", "(CPU time)", "raw B", "Dbc B"
    );
    for name in ["kia-0-5", "kia-5-17", "ktp-el"] {
        let path = root.join("examples/jobs").join(format!("{name}.json"));
        let (report, job) = job::check_file(&path, &ValidationPolicy::default());
        let job = job.unwrap_or_else(|| panic!("{name}: {}", report.render(job::Lang::En)));
        let content = job.card_content();
        // A card on a running printer: its bitmaps cleared first.
        let clear = ClearBitmap {
            panel: None,
            fill: None,
        }
        .wire_len();
        let (mut card_raw, mut card_packed) = (0, clear);
        let mut held = HeldLines::cleared();
        for layout in layouts.for_design(content.design).expect("design layouts") {
            if only.as_ref().is_some_and(|o| *o != layout.name) {
                continue;
            }
            let mut t_render = Vec::new();
            let mut t_total = Vec::new();
            let mut t_cpu = Vec::new();
            let mut wire = (0, 0);
            let mut per_panel = Vec::new();
            let mut sent = Vec::new();
            for _ in 0..iters {
                let c0 = thread_cpu_ns();
                let t0 = Instant::now();
                let layers = render::render_layers(&content, layout, &layouts).expect("render");
                let t1 = Instant::now();
                let panels = panels_dbc(&layers, &held);
                let t2 = Instant::now();
                if let (Some(c0), Some(c2)) = (c0, thread_cpu_ns()) {
                    t_cpu.push(Duration::from_nanos(c2.saturating_sub(c0)));
                }
                (wire, per_panel) = side_wire(&panels);
                t_render.push(t1 - t0);
                t_total.push(t2 - t0);
                sent = panels;
            }
            for (p, _, _) in &sent {
                held.holds(p);
            }
            card_raw += wire.0;
            card_packed += wire.1;
            println!(
                "{:<10} {:<16} {:>9.2} ms {:>9.2} ms {:>9.2} ms {:>12} {:>12}",
                name,
                layout.name,
                median(t_render).as_secs_f64() * 1e3,
                median(t_total).as_secs_f64() * 1e3,
                if t_cpu.is_empty() {
                    f64::NAN
                } else {
                    median(t_cpu).as_secs_f64() * 1e3
                },
                wire.0,
                wire.1
            );
            for (letter, raw, packed) in per_panel {
                println!(
                    "{:<10} {:<16} {:>38} {:>12} {:>12}",
                    "",
                    format!("  panel {letter}"),
                    "",
                    raw,
                    packed
                );
            }
        }
        println!(
            "{:<10} {:<16} {:>38} {:>12} {:>12}  ({:.1}x fewer bytes; {:.0} s vs {:.0} s at 115200 baud; Dbc with Wcb;a)",
            name,
            "whole card",
            "",
            card_raw,
            card_packed,
            card_raw as f64 / card_packed.max(1) as f64,
            card_raw as f64 / 11_520.0,
            card_packed as f64 / 11_520.0,
        );
    }
}
