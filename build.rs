//! Real portraits for the tests. `../shared/portraits` holds photos of real people that are
//! evaluation material, not part of the project: where the folder exists (CI, the developers'
//! machines), the tests that judge the checks on real people embed named photos from it
//! (`cfg(portraits)`, path in `GRADPHOTO_PORTRAITS`); elsewhere those tests say they skipped.
//! Nothing here reaches the library itself.

use std::path::Path;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(portraits)");
    let root = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let dir = Path::new(&root).join("../shared/portraits");
    println!("cargo::rerun-if-changed={}", dir.display());
    if let Ok(dir) = dir.canonicalize() {
        if dir.is_dir() {
            println!("cargo::rustc-cfg=portraits");
            println!("cargo::rustc-env=GRADPHOTO_PORTRAITS={}", dir.display());
        }
    }
}
