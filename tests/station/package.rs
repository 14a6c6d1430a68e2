//! `scripts/package` builds a Debian package whose contents are complete, and the binary
//! installed from it works from `/` with no checkout around it.

use std::path::{Path, PathBuf};
use std::process::Command;

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Builds the package from the test build of the binary; returns the .deb's path.
fn build_package(out: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let printed = run(Command::new("bash")
        .arg(root.join("scripts/package"))
        .args(["--binary", env!("CARGO_BIN_EXE_cetak"), "--out"])
        .arg(out));
    PathBuf::from(
        printed
            .lines()
            .last()
            .expect("the script prints the package path"),
    )
}

#[test]
fn package_contents_and_installed_binary_from_root() {
    let tmp = tempfile::tempdir().unwrap();
    let deb = build_package(tmp.path());
    let listing = run(Command::new("dpkg-deb").arg("-c").arg(&deb));
    for path in [
        "./usr/bin/cetak",
        "./usr/lib/systemd/system/cetak.service",
        "./usr/lib/sysusers.d/cetak.conf",
        "./usr/lib/tmpfiles.d/cetak.conf",
        "./usr/lib/udev/rules.d/60-cetak-printers.rules",
        "./etc/cetak/cetak.toml",
        "./etc/pam.d/cetak",
        "./usr/share/cetak/layouts/ktp-el-front.svg",
        "./usr/share/cetak/layouts/kia-5-17-front.toml",
        "./usr/share/man/man1/cetak.1.gz",
        "./usr/share/man/man1/cetak-daemon.1.gz",
        "./usr/share/bash-completion/completions/cetak",
        "./usr/share/zsh/vendor-completions/_cetak",
        "./usr/share/fish/vendor_completions.d/cetak.fish",
        "./usr/share/doc/cetak/README.md",
        "./usr/share/doc/cetak/copyright",
    ] {
        assert!(
            listing.lines().any(|l| l.ends_with(path)),
            "{path} missing from the package:\n{listing}"
        );
    }
    // No demo key, no sample person: the package carries nothing of the test rigs.
    assert!(
        !listing.contains(".key"),
        "a private key in the package:\n{listing}"
    );

    let info = run(Command::new("dpkg-deb").args(["-f"]).arg(&deb));
    assert!(info.contains("Package: cetak"), "{info}");
    let conffiles = run(Command::new("dpkg-deb").arg("--ctrl-tarfile").arg(&deb));
    assert!(!conffiles.is_empty());
    let control = tmp.path().join("control");
    run(Command::new("dpkg-deb").arg("-e").arg(&deb).arg(&control));
    assert_eq!(
        std::fs::read_to_string(control.join("conffiles"))
            .unwrap()
            .trim(),
        "/etc/cetak/cetak.toml\n/etc/pam.d/cetak"
    );
    assert!(info.contains("libpam0g"), "{info}");
    let postinst = std::fs::read_to_string(control.join("postinst")).unwrap();
    let commands: Vec<&str> = postinst
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect();
    assert!(
        !commands
            .iter()
            .any(|l| l.contains("systemctl start") || l.contains("enable")),
        "the package must never start or enable the service on install:\n{postinst}"
    );

    let root = tmp.path().join("root");
    run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&root));
    let cetak = root.join("usr/bin/cetak");
    let version = run(Command::new(&cetak).arg("--version").current_dir("/"));
    assert!(
        version.starts_with(&format!("cetak {}", env!("CARGO_PKG_VERSION"))),
        "{version}"
    );

    // Everything else the binary needs is built in: a sample job validates from `/` with the
    // built-in layouts and fonts, nothing of the checkout or the package's share folder read.
    let from_root = |args: &[&str]| {
        let mut cmd = Command::new(&cetak);
        cmd.args(["--lang", "en"])
            .args(args)
            .current_dir("/")
            .env_remove("CETAK_LAYOUTS")
            .env_remove("CETAK_CONFIG");
        cmd
    };
    let samples = tmp.path().join("samples");
    run(from_root(&["generate", "samples", "--out"]).arg(&samples));
    let job = samples.join("jobs/kia-5-17.json");
    let validated = run(from_root(&["validate"]).arg(&job));
    assert!(validated.contains("is valid"), "{validated}");

    // The whole demo, into a folder of our choosing.
    let demo = tmp.path().join("demo");
    let printed = run(from_root(&["demo", "--time-scale", "0", "--out"]).arg(&demo));
    assert!(printed.contains("stock verify: OK"), "{printed}");
    let cards: Vec<_> = std::fs::read_dir(demo.join("cards"))
        .unwrap()
        .flatten()
        .flat_map(|printer| std::fs::read_dir(printer.path()).unwrap().flatten())
        .collect();
    assert!(!cards.is_empty(), "no printed card in {}", demo.display());
}
