//! The fast paths of the renderer against the straightforward ones, on the sample jobs.

use std::path::PathBuf;

use super::*;
use crate::job::{self, ValidationPolicy};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sample(name: &str) -> CardContent {
    let path = root().join("examples/jobs").join(format!("{name}.json"));
    let (report, job) = job::check_file(&path, &ValidationPolicy::default());
    job.unwrap_or_else(|| panic!("{name}: {}", report.render(job::Lang::En)))
        .card_content()
}

#[test]
fn static_groups_rendered_at_load_give_the_same_pixels() {
    let layouts = Layouts::load(&root().join("layouts")).unwrap();
    let mut cached_some = false;
    for name in ["kia-0-5", "kia-5-17", "ktp-el"] {
        for specimen in [false, true] {
            let mut content = sample(name);
            content.specimen = specimen;
            for layout in layouts.for_design(content.design).unwrap() {
                let baked = layout.baked().unwrap();
                cached_some |= baked.static_k.count + baked.static_colour.count > 0;
                let fast = draw_panels_with(&content, layout, &layouts, true).unwrap();
                let full = draw_panels_with(&content, layout, &layouts, false).unwrap();
                let what = format!("{name} {} specimen={specimen}", layout.name);
                assert!(fast.k.data() == full.k.data(), "K differs: {what}");
                assert!(
                    fast.colour.data() == full.colour.data(),
                    "colour differs: {what}"
                );
            }
        }
    }
    assert!(
        cached_some,
        "no layout has a static group: the test proves nothing"
    );
}
