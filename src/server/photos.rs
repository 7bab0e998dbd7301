//! The stored photos: files on disk whose names the database holds, changed so that no race and
//! no crash loses one.
//!
//! - A photo file is named by order and content (`{order}-{sha256}.jpg`), written first under a
//!   unique temporary name, and renamed into place only while holding the database, after the
//!   order's status was checked there: a refused upload removes its own temporary file, never a
//!   stored photo.
//! - The database change and the removal of the file it stops naming happen in the same critical
//!   section, so a parallel re-upload of that same photo cannot have its file deleted after it was
//!   named again.
//! - At start, [`tidy`] removes what a crash can leave: temporary files and photos no order names.
//! - Every stored photo gets the server's report: computed in a task of its own (a client giving
//!   up does not cancel it), at most [`checks_allowed`] at once, and again at start for any photo
//!   a crash left without one ([`backfill_reports`]).

use std::path::Path;
use std::sync::Arc;

use tokio::sync::OwnedSemaphorePermit;

use super::error::ApiError;
use super::{db, hex, upload, AppState};
use crate::Photo;

/// How many of the server's own photo checks may run at once: one per core, at most four. Each
/// holds the models' working memory, so this bounds the server's memory under a burst of uploads.
pub fn checks_allowed() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 4))
}

/// Store `bytes` (already accepted, hash `sha`) as the order's photo if `allowed` says its status
/// still permits it, replacing the previous photo. Returns the order's status error otherwise.
pub async fn store(
    state: &AppState,
    order: &str,
    sha: &str,
    bytes: &[u8],
    allowed: fn(&str) -> Result<(), ApiError>,
) -> Result<(), ApiError> {
    let path = state.photo_path(order, sha);
    let mut nonce = [0u8; 8];
    getrandom::fill(&mut nonce).map_err(|_| ApiError::internal())?;
    let partial = path.with_extension(format!("{}.part", hex(&nonce)));
    write_synced(&partial, bytes).await?;
    let conn = state.db();
    let outcome = (|| {
        let now = db::order(&conn, order)?.ok_or_else(ApiError::internal)?;
        allowed(&now.status)?;
        std::fs::rename(&partial, &path)?;
        db::set_photo(&conn, order, sha, bytes.len() as i64)?;
        if let Some(old) = now.photo_sha.filter(|old| old != sha) {
            // Still under the database: nothing can name `old` again before it is gone.
            let _ = std::fs::remove_file(state.photo_path(order, &old));
        }
        Ok(())
    })();
    drop(conn);
    if outcome.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    outcome
}

async fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), ApiError> {
    use tokio::io::AsyncWriteExt;
    let mut file = tokio::fs::File::create(path).await?;
    file.write_all(bytes).await?;
    file.sync_all().await?;
    Ok(())
}

/// One of the [`checks_allowed`] slots: an upload holds it from decoding its photo to storing
/// the report, so a burst of uploads waits with only its bytes in memory.
pub async fn slot(state: &AppState) -> Result<OwnedSemaphorePermit, ApiError> {
    state
        .checks
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| ApiError::internal())
}

/// Compute and store the server's report of the order's photo `sha`, in a task of its own, and
/// wait for it; `slot` is given back when it is done. The report is stored only while that photo
/// is still the order's.
pub async fn report(
    state: &AppState,
    order: &str,
    sha: &str,
    photo: Photo,
    slot: OwnedSemaphorePermit,
) {
    let Some(analyzer) = state.analyzer.clone() else {
        return;
    };
    let (state, order, sha) = (state.clone(), order.to_string(), sha.to_string());
    let task = tokio::spawn(async move {
        let _slot = slot;
        let preset = state.config.preset.clone();
        let report =
            tokio::task::spawn_blocking(move || upload::report(&analyzer, &photo, &preset))
                .await
                .ok()
                .flatten();
        if let Some(report) = report {
            let _ = db::set_report(&state.db(), &order, &sha, &report);
        }
    });
    let _ = task.await;
}

/// At start: remove temporary files and photos that no order names (a crash between writing and
/// recording, or between recording and removing the old one). Returns how many were removed.
pub fn tidy(state: &AppState) -> std::io::Result<usize> {
    let named: std::collections::HashSet<String> = db::stored_photos(&state.db(), false)
        .map_err(|e| std::io::Error::other(e.to_string()))?
        .into_iter()
        .filter_map(|(order, sha)| {
            state
                .photo_path(&order, &sha)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .collect();
    let mut removed = 0;
    for entry in std::fs::read_dir(state.config.data_dir.join("photos"))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_file() && !named.contains(&name) {
            std::fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// At start: compute the report of every stored photo that has none (a crash or a restart during
/// the check), in the background.
pub fn backfill_reports(state: &AppState) {
    let Ok(missing) = db::stored_photos(&state.db(), true) else {
        return;
    };
    for (order, sha) in missing {
        let state = state.clone();
        tokio::spawn(async move {
            let Ok(slot) = slot(&state).await else {
                return;
            };
            let Ok(bytes) = tokio::fs::read(state.photo_path(&order, &sha)).await else {
                return;
            };
            let Ok(photo) = crate::decode(&bytes, &crate::Limits::default()) else {
                return;
            };
            report(&state, &order, &sha, photo, slot).await;
        });
    }
}

/// Shared by [`AppState`]: the bound on concurrent checks.
pub fn check_slots() -> Arc<tokio::sync::Semaphore> {
    Arc::new(tokio::sync::Semaphore::new(checks_allowed()))
}
