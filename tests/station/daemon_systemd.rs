//! The shipped unit passes `systemd-analyze verify` and keeps its exposure at 1.5 or less under
//! `systemd-analyze security` (with ExecStart pointed at the built binary, since /usr/bin/cetak
//! is not installed where tests run).

use std::path::PathBuf;
use std::process::Command;

/// The unit with ExecStart pointed at the built binary, written to a fresh folder.
fn unit_under_test() -> (tempfile::TempDir, PathBuf) {
    let Ok(version) = Command::new("systemd-analyze").arg("--version").output() else {
        panic!(
            "systemd-analyze is not installed: install the `systemd` package to run this check \
             (the unit cannot be verified without it)"
        );
    };
    assert!(version.status.success(), "systemd-analyze --version failed");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let unit = std::fs::read_to_string(root.join("systemd/cetak.service")).unwrap();
    assert!(unit.contains("ExecStart=/usr/bin/cetak daemon"));
    let unit = unit.replace(
        "ExecStart=/usr/bin/cetak",
        &format!("ExecStart={}", env!("CARGO_BIN_EXE_cetak")),
    );
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("cetak.service");
    std::fs::write(&path, unit).unwrap();
    (tmp, path)
}

#[test]
fn unit_passes_systemd_analyze_verify() {
    let (_tmp, path) = unit_under_test();
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Lines about other units on the host (not ours) are not this unit's problem.
    let ours: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("cetak.service"))
        .collect();
    assert!(
        out.status.success() && ours.is_empty(),
        "systemd-analyze verify: {stderr}"
    );
}

#[test]
fn unit_exposure_is_at_most_1_5() {
    let (_tmp, path) = unit_under_test();
    let out = Command::new("systemd-analyze")
        .args(["security", "--offline=yes", "--no-pager"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.contains("Overall exposure level"))
        .unwrap_or_else(|| {
            panic!(
                "no exposure level in: {text}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let level: f64 = line
        .split(':')
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("unreadable exposure line: {line}"));
    assert!(level <= 1.5, "exposure {level} > 1.5:\n{text}");
}
