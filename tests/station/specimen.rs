//! Training mode: SPECIMEN across every card, in the K panel, both sides, preview too — after
//! rendering and on the cards the (emulated) printer actually printed.

use std::path::Path;
use std::time::Duration;

use crate::support::daemon::*;
use cetak::daemon::Station;
use cetak::journal::{BlangkoType, JobState};
use cetak::layout::Layouts;
use cetak::render::{self, specimen};
use cetak_drivers::emulator::CardOutcome;
use cetak_drivers::printer::layers::{Side, FRAME_HEIGHT, FRAME_WIDTH};
use cetak_drivers::printer::panel::{landscape_xy, Panel, DOTS, LINES};

fn rendered(sample: &str) -> render::RenderedCard {
    let layouts = Layouts::load(&root().join("layouts")).unwrap();
    let (report, job) = cetak::job::check_file(
        &root().join("examples/jobs").join(sample),
        &cetak::job::ValidationPolicy::default(),
    );
    let job = job.unwrap_or_else(|| panic!("{}", report.render(cetak::job::Lang::En)));
    render::render_card(&job.card_content(), &layouts).unwrap()
}

#[test]
fn the_stamp_is_large_and_diagonal() {
    let m = specimen::mask();
    assert_eq!((m.width(), m.height()), (FRAME_WIDTH, FRAME_HEIGHT));
    let inked = (0..FRAME_HEIGHT)
        .flat_map(|y| (0..FRAME_WIDTH).map(move |x| (x, y)))
        .filter(|&(x, y)| m.get(x, y))
        .count();
    let total = (FRAME_WIDTH * FRAME_HEIGHT) as usize;
    // Large: several percent of the card, but the card is still a card.
    assert!(
        inked > total / 20 && inked < total / 3,
        "{inked} of {total}"
    );
    // Diagonal: ink near the bottom-left → top-right diagonal, none in the other corners.
    let near_diag = |x: u32, y: u32| {
        let yd = FRAME_HEIGHT as f64 - x as f64 * FRAME_HEIGHT as f64 / FRAME_WIDTH as f64;
        (y as f64 - yd).abs() < 120.0
    };
    for y in 0..FRAME_HEIGHT {
        for x in 0..FRAME_WIDTH {
            if m.get(x, y) {
                assert!(near_diag(x, y), "ink off the diagonal at {x},{y}");
            }
        }
    }
    for (x, y) in [(5, 5), (FRAME_WIDTH - 5, FRAME_HEIGHT - 5)] {
        assert!(!m.get(x, y));
    }
}

#[test]
fn training_render_differs_in_the_k_panel_on_both_sides_and_in_the_preview() {
    for sample in ["kia-5-17.json", "ktp-el.json", "kia-0-5.json"] {
        let real = rendered(sample);
        let mut training = real.clone();
        specimen::stamp_card(&mut training);
        let m = specimen::mask();
        for (r, t) in [(&real.front, &training.front), (&real.back, &training.back)] {
            let tk = t.layers.k.as_ref().expect("training K plane");
            let mut added = 0;
            for y in 0..FRAME_HEIGHT {
                for x in 0..FRAME_WIDTH {
                    let was = r.layers.k.as_ref().is_some_and(|k| k.get(x, y));
                    if m.get(x, y) {
                        assert!(
                            tk.get(x, y),
                            "{sample} {:?}: stamp dot {x},{y} missing",
                            r.side
                        );
                        added += usize::from(!was);
                        assert_eq!(t.preview.get_pixel(x, y).0, [0, 0, 0, 255]);
                    } else {
                        // Outside the stamp the card is untouched.
                        assert_eq!(tk.get(x, y), was, "{sample}: {x},{y} changed");
                    }
                }
            }
            assert!(
                added > 10_000,
                "{sample} {:?}: only {added} new K dots",
                r.side
            );
            assert_ne!(r.layers.k.as_ref(), Some(tk));
            assert_ne!(r.preview, t.preview);
            // Colour and overlay are not touched.
            assert_eq!(r.layers.colour, t.layers.colour);
            assert_eq!(r.layers.overlay, t.layers.overlay);
        }
    }
}

#[test]
fn a_training_station_prints_specimen_on_every_card() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let emu = emulator("EMU-SPEC", 0.0, 20);
    let name = format!("spec-{}", std::process::id());
    emu.register(&name).unwrap();
    let text = config_text(&data, &[("P1", format!("emu://{name}"), "kia")], 2)
        .replace("[policy]\n", "[policy]\ntraining = true\n");
    let cfg = cetak::config::Config::parse(&text, Path::new("t.toml")).unwrap();
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    stock(&mut j, &[("P1", BlangkoType::Kia)], 5);
    let spool = cetak::daemon::spool_dir(&cfg);
    // One signed job and one unsigned (accepted only because this is a training station).
    let ids = make_jobs(&spool, "kia-5-17.json", "SPEC-S", 1);
    let unsigned_id = "SPEC-U-00000".to_string();
    let mut doc: serde_json::Value = serde_json::from_str(&payload_of(&spool, &ids[0])).unwrap();
    doc["job_id"] = unsigned_id.clone().into();
    // Another pupil of the sample's batch (a batch takes one card per child).
    doc["person"]["nik"] = "3273011708150002".into();
    std::fs::write(spool.join("unsigned.json"), doc.to_string()).unwrap();
    let all = vec![ids[0].clone(), unsigned_id];

    let station = Station::start(&cfg).unwrap();
    wait_settled(&j, &all, Duration::from_secs(120));
    station.shutdown().unwrap();
    for id in &all {
        assert_eq!(j.job(id).unwrap().state, JobState::Printed, "{id}");
    }
    let cards = emu.cards();
    assert_eq!(cards.len(), 2);
    let m = specimen::mask();
    for card in cards {
        assert_eq!(card.outcome, CardOutcome::Ejected);
        for side in [Side::Front, Side::Back] {
            let k = &card.sides[&side].panels[&Panel::Black];
            // The printer frame is the landscape card turned 90° (docs/printer.md).
            let (mut stamp, mut inked) = (0, 0);
            for line in 0..LINES {
                for dot in 0..DOTS {
                    let (x, y) = landscape_xy(line, dot);
                    if m.get(x, y) {
                        stamp += 1;
                        inked += usize::from(k.values[line * DOTS + dot] != 0);
                    }
                }
            }
            assert!(stamp > 10_000);
            assert_eq!(
                inked, stamp,
                "card {} {side:?}: stamp not fully printed",
                card.number
            );
        }
    }
}
