//! The binary carries its defaults: from `/`, with no checkout and no `CETAK_LAYOUTS`, the
//! commands find the built-in layouts, fonts, card profile and sample jobs; a layouts folder
//! (`--layouts`, or `layouts_dir` of `--config`) and `--profile` replace them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::daemon::{root, text};
use cetak_drivers::emulator::{Emulator, EmulatorConfig};

/// `cetak --lang en ARGS` run from `/`.
fn cetak(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cetak"))
        .args(["--lang", "en"])
        .args(args)
        .current_dir("/")
        .env_remove("CETAK_LAYOUTS")
        .env_remove("CETAK_CONFIG")
        .output()
        .expect("run cetak")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The built-in samples, written by the binary itself.
fn samples(dir: &Path) -> PathBuf {
    let out = dir.join("samples");
    let o = cetak(&["generate", "samples", "--out", s(&out)]);
    assert!(o.status.success(), "{}: {}", o.status, text(&o));
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn commands_work_from_root_with_the_built_in_defaults() {
    let tmp = tempfile::tempdir().unwrap();
    let samples = samples(tmp.path());
    // The samples are the checkout's, byte for byte.
    for name in [
        "jobs/kia-0-5.json",
        "jobs/kia-5-17.json",
        "jobs/ktp-el.json",
        "photos/ktp-el.jpg",
    ] {
        assert_eq!(
            std::fs::read(samples.join(name)).unwrap(),
            std::fs::read(root().join("examples").join(name)).unwrap(),
            "{name}"
        );
    }
    for name in ["kia-0-5", "kia-5-17", "ktp-el"] {
        let job = samples.join(format!("jobs/{name}.json"));
        let o = cetak(&["validate", s(&job)]);
        assert!(o.status.success(), "{name}: {}", text(&o));
    }
    let out = tmp.path().join("render");
    let o = cetak(&[
        "render",
        s(&samples.join("jobs/ktp-el.json")),
        "--out",
        s(&out),
    ]);
    assert!(o.status.success(), "{}: {}", o.status, text(&o));
    let pngs = std::fs::read_dir(&out).unwrap().count();
    assert!(pngs >= 4, "{pngs} files in {}", out.display());

    // A training print to an emulated printer, with the built-in profile.
    let emu = Emulator::new(EmulatorConfig {
        time_scale: 0.0,
        ..EmulatorConfig::default()
    });
    let server = emu.serve_tcp("127.0.0.1:0").expect("tcp emulator");
    let uri = format!("tcp://{}", server.addr());
    let job = samples.join("jobs/kia-5-17.json");
    let o = cetak(&["print", s(&job), "--printer", &uri, "--training"]);
    assert!(o.status.success(), "{}: {}", o.status, text(&o));
    assert!(text(&o).contains("printed"), "{}", text(&o));
}

#[test]
fn a_layouts_folder_or_the_config_s_layouts_dir_replaces_the_built_in_layouts() {
    let tmp = tempfile::tempdir().unwrap();
    let samples = samples(tmp.path());
    let job = samples.join("jobs/kia-5-17.json");
    let good = tmp.path().join("good-layouts");
    copy_dir(&root().join("layouts"), &good);
    // A designer's folder lacking the KIA back: whoever reads it says so.
    let broken = tmp.path().join("broken-layouts");
    copy_dir(&root().join("layouts"), &broken);
    std::fs::remove_file(broken.join("kia-back.toml")).unwrap();

    let o = cetak(&["validate", s(&job), "--layouts", s(&broken)]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains(s(&broken)) && text(&o).contains("kia-back"),
        "{}",
        text(&o)
    );
    let o = cetak(&["validate", s(&job), "--layouts", s(&good)]);
    assert!(o.status.success(), "{}: {}", o.status, text(&o));

    // The same through the station configuration, for validate, render and print.
    let data = tmp.path().join("data");
    let config = tmp.path().join("cetak.toml");
    std::fs::write(
        &config,
        format!(
            "[station]\nid = \"T-1\"\ndata_dir = {:?}\nlayouts_dir = {:?}\n",
            s(&data),
            s(&broken)
        ),
    )
    .unwrap();
    let c = s(&config);
    let render_out = tmp.path().join("render");
    for args in [
        vec!["validate", s(&job), "--config", c],
        vec!["render", s(&job), "--config", c, "--out", s(&render_out)],
        vec![
            "print",
            s(&job),
            "--config",
            c,
            "--training",
            "--printer",
            "tcp://127.0.0.1:9",
        ],
    ] {
        let o = cetak(&args);
        assert!(!o.status.success(), "{args:?}");
        assert!(text(&o).contains(s(&broken)), "{args:?}: {}", text(&o));
    }
    // --layouts wins over the config.
    let o = cetak(&["validate", s(&job), "--config", c, "--layouts", s(&good)]);
    assert!(o.status.success(), "{}: {}", o.status, text(&o));
    // The daemon reads layouts_dir too, and stops before READY.
    let o = Command::new(env!("CARGO_BIN_EXE_cetak"))
        .args(["--lang", "en", "daemon", "--config", c])
        .current_dir("/")
        .env_remove("NOTIFY_SOCKET")
        .output()
        .unwrap();
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("kia-back"), "{}", text(&o));
}

#[test]
fn profile_option_replaces_the_built_in_profile() {
    let tmp = tempfile::tempdir().unwrap();
    let samples = samples(tmp.path());
    let job = samples.join("jobs/kia-5-17.json");
    let missing = tmp.path().join("no-such-profile.toml");
    let o = cetak(&[
        "print",
        s(&job),
        "--printer",
        "tcp://127.0.0.1:9",
        "--training",
        "--profile",
        s(&missing),
    ]);
    assert!(!o.status.success());
    assert!(text(&o).contains(s(&missing)), "{}", text(&o));
}
