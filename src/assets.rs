//! Files built into the binary by `build.rs`: every file of the source tree's `layouts/`
//! (templates, manifests, fonts and their licences) and the demo's sample jobs and photos. The
//! station thus works from any folder with nothing installed beside it; a folder named by
//! `layouts_dir` or `--layouts` replaces the built-in layouts.

// `static NAME: &[(&str, &[u8])]`: (path relative to the folder, `/`-separated; bytes), sorted.
include!(concat!(env!("OUT_DIR"), "/assets.rs"));
