//! Shared by the server's tests (in-process and against the real binary): the sandbox students,
//! real standardised photos to upload, and the invariant every stored photo keeps.

use std::sync::OnceLock;

use gradphoto::standardize::{self, Options};
use gradphoto::{Photo, Preset};
use sha2::{Digest, Sha256};

pub fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Grace Hopper standardised on `background` (the preset's own when `None`): a real photo of the
/// kind a student submits.
fn standardised_on(background: Option<&str>) -> Vec<u8> {
    let preset = Preset::builtin("chsi-graduation").unwrap();
    let options = Options {
        background: background.map(String::from),
        ..Options::default()
    };
    let done = standardize::standardize(
        super::analyzer(),
        &Photo::from_rgb(super::grace()),
        &preset,
        &options,
    )
    .unwrap();
    done.jpeg.unwrap()
}

/// The real standardised Grace Hopper photo (what a student submits), made once.
pub fn standard_photo() -> &'static [u8] {
    static JPEG: OnceLock<Vec<u8>> = OnceLock::new();
    JPEG.get_or_init(|| standardised_on(None))
}

/// A second one (another allowed background), for a replaced photo.
pub fn other_photo() -> &'static [u8] {
    static JPEG: OnceLock<Vec<u8>> = OnceLock::new();
    JPEG.get_or_init(|| standardised_on(Some("#FFFFFF")))
}

/// A third one (the third allowed background).
pub fn third_photo() -> &'static [u8] {
    static JPEG: OnceLock<Vec<u8>> = OnceLock::new();
    JPEG.get_or_init(|| standardised_on(Some("#F0F0F0")))
}

/// The four sandbox students: school, category, code, last 4 (docs/api.yaml).
pub const STUDENTS: [[&str; 4]; 4] = [
    ["国家开放大学", "开放教育", "GP1-2026-000001", "1234"],
    ["北京大学", "普通高等教育", "GP1-2026-000002", "567X"],
    ["华中科技大学", "成人高等教育", "GP1-2026-000003", "0001"],
    ["北京理工大学", "网络教育", "GP1-2026-000004", "2468"],
];

/// After any mix of calls: each order's photo file is the one the database names, with that
/// hash and a report, and no other file is left in the photo folder.
pub fn assert_photos_consistent(data_dir: &std::path::Path) -> usize {
    let conn = rusqlite::Connection::open(data_dir.join("gradphoto.sqlite3")).unwrap();
    let mut named = std::collections::HashSet::new();
    let rows = gradphoto::server::db::stored_photos(&conn, false).unwrap();
    for (order, photo_sha) in &rows {
        let name = format!("{order}-{photo_sha}.jpg");
        let bytes = std::fs::read(data_dir.join("photos").join(&name))
            .unwrap_or_else(|e| panic!("{order}: the database names {name}, which is gone: {e}"));
        assert_eq!(
            &sha(&bytes),
            photo_sha,
            "{order}: the file is not the photo named"
        );
        let o = gradphoto::server::db::order(&conn, order).unwrap().unwrap();
        assert!(
            o.report.is_some(),
            "{order}: the stored photo has no report"
        );
        named.insert(name);
    }
    for entry in std::fs::read_dir(data_dir.join("photos")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(named.contains(&name), "an orphan file is left: {name}");
    }
    rows.len()
}
