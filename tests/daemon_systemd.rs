//! The shipped unit passes `systemd-analyze verify` (with ExecStart pointed at the built
//! binary, since /usr/bin/cetak is not installed where tests run).

use std::process::Command;

#[test]
fn unit_passes_systemd_analyze_verify() {
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
