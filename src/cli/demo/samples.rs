//! The demo's sample jobs (synthetic people) and the images they name, built into the binary
//! (`examples/jobs`, `examples/photos` at build time) so `cetak demo` runs from any folder.

use std::path::{Path, PathBuf};

/// Writes the sample jobs to `dir/jobs/*.json` and their images to `dir/photos/` (the jobs name
/// them as `../photos/…`); returns the job files, sorted.
pub fn write_samples(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut jobs = Vec::new();
    for (sub, files) in [
        ("jobs", crate::assets::SAMPLE_JOB_FILES),
        ("photos", crate::assets::SAMPLE_PHOTO_FILES),
    ] {
        let folder = dir.join(sub);
        std::fs::create_dir_all(&folder)?;
        for (name, bytes) in files {
            let path = folder.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, bytes)?;
            if sub == "jobs" && name.ends_with(".json") {
                jobs.push(path);
            }
        }
    }
    jobs.sort();
    Ok(jobs)
}
