//! The host's share of printing a card, on the real sample jobs: render (fill + resvg +
//! layers) + Evolis panels + `Dbc` compression per side, and bytes on the wire per card,
//! compressed vs raw. A bench command that prints figures (no assertions).
//!
//! Run on one core: `taskset -c 0 cargo bench --bench print_path`
//! (`CETAK_BENCH_ITERS=N` changes the sample count, default 40).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use cetak::job::{self, ValidationPolicy};
use cetak::layout::Layouts;
use cetak::render;
use cetak_drivers::printer::evolis::commands::{Command, Download, DownloadCompressed};
use cetak_drivers::printer::evolis::compress::compress;
use cetak_drivers::printer::layers::SideLayers;
use cetak_drivers::printer::panel::{side_panels, ColourLevels};

/// Bytes a side takes on the wire: (raw `Db`, compressed `Dbc`).
fn side_wire(layers: &SideLayers) -> (usize, usize) {
    let panels = side_panels(layers, ColourLevels::L32).expect("frame-sized layers");
    let mut raw = 0;
    let mut packed = 0;
    for p in &panels {
        let data = p.pack();
        raw += Download {
            panel: p.panel,
            levels: p.levels,
            data: &data,
        }
        .wire_len();
        let (first_line, data) = compress(p);
        packed += DownloadCompressed {
            panel: p.panel,
            levels: p.levels,
            first_line,
            data: &data,
        }
        .wire_len();
    }
    (raw, packed)
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
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let layouts = Layouts::load(&root.join("layouts")).expect("layouts");
    println!("render + panels + Dbc per side (median of {iters}), and bytes on the wire per card");
    println!(
        "{:<10} {:<16} {:>12} {:>10} {:>12} {:>12}",
        "job", "layout", "render", "+panels+Dbc", "raw B", "Dbc B"
    );
    for name in ["kia-0-5", "kia-5-17", "ktp-el"] {
        let path = root.join("examples/jobs").join(format!("{name}.json"));
        let (report, job) = job::check_file(&path, &ValidationPolicy::default());
        let job = job.unwrap_or_else(|| panic!("{name}: {}", report.render(job::Lang::En)));
        let content = job.card_content();
        let (mut card_raw, mut card_packed) = (0, 0);
        for layout in layouts.for_design(content.design).expect("design layouts") {
            let mut t_render = Vec::new();
            let mut t_total = Vec::new();
            let mut wire = (0, 0);
            for _ in 0..iters {
                let t0 = Instant::now();
                let layers = render::render_layers(&content, layout, &layouts).expect("render");
                let t1 = Instant::now();
                wire = side_wire(&layers);
                let t2 = Instant::now();
                t_render.push(t1 - t0);
                t_total.push(t2 - t0);
            }
            card_raw += wire.0;
            card_packed += wire.1;
            println!(
                "{:<10} {:<16} {:>9.2} ms {:>8.2} ms {:>12} {:>12}",
                name,
                layout.name,
                median(t_render).as_secs_f64() * 1e3,
                median(t_total).as_secs_f64() * 1e3,
                wire.0,
                wire.1
            );
        }
        println!(
            "{:<10} {:<16} {:>25} {:>12} {:>12}  ({:.1}x fewer bytes; {:.0} s vs {:.0} s at 115200 baud)",
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
