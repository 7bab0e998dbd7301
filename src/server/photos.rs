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
//! - A photo is written with blocking I/O, flushed and synced, then read back and compared by
//!   size and SHA-256 before the database names it: a full or failing disk answers a typed
//!   `storage.full` / `storage.failed` and leaves the previous photo in place. (tokio's `File`
//!   keeps the error of a background write to itself when only `sync_all` follows: a 201 was once
//!   answered with half a photo on disk.)
//! - At start, [`tidy`] removes what a crash can leave: temporary files and photos no order names;
//!   [`quarantine_damaged`] moves aside stored photos whose bytes no longer match their hash.
//! - Every stored photo gets the server's report: computed in a task of its own (a client giving
//!   up does not cancel it), at most [`checks_allowed`] at once, and again at start for any photo
//!   a crash left without one ([`backfill_reports`]).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

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
    write_verified(partial.clone(), bytes.to_vec(), sha.to_string()).await?;
    let conn = state.db();
    let outcome = (|| {
        let now = db::order(&conn, order)?.ok_or_else(ApiError::internal)?;
        allowed(&now.status)?;
        std::fs::rename(&partial, &path).map_err(|e| ApiError::storage(&e))?;
        sync_dir(&path);
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

/// Write `bytes` to a new file at `path` and prove it: flushed, synced, read back with the same
/// size and SHA-256 `sha`. On any failure the file is removed and the error is typed.
async fn write_verified(path: PathBuf, bytes: Vec<u8>, sha: String) -> Result<(), ApiError> {
    tokio::task::spawn_blocking(move || {
        let written = std::fs::File::create_new(&path)
            .and_then(|mut file| write_durably(&mut file, &bytes))
            .map_err(|e| ApiError::storage(&e))
            .and_then(|()| {
                let back = std::fs::read(&path).map_err(|e| ApiError::storage(&e))?;
                if back.len() == bytes.len() && hex(&Sha256::digest(&back)) == sha {
                    Ok(())
                } else {
                    Err(ApiError::storage_failed())
                }
            });
        if written.is_err() {
            let _ = std::fs::remove_file(&path);
        }
        written
    })
    .await
    .map_err(|_| ApiError::internal())?
}

/// What a stored photo's file must do: take every byte, push it out of every buffer, and reach
/// the disk. Apart from [`std::fs::File`] so a test can be a disk that fills up.
pub trait Durable: Write {
    fn sync(&mut self) -> std::io::Result<()>;
}

impl Durable for std::fs::File {
    fn sync(&mut self) -> std::io::Result<()> {
        self.sync_all()
    }
}

/// All of `bytes` into `out`, flushed and synced: any error on the way is returned, none is kept.
pub fn write_durably(out: &mut impl Durable, bytes: &[u8]) -> std::io::Result<()> {
    out.write_all(bytes)?;
    out.flush()?;
    out.sync()
}

/// Make a rename into `path`'s folder durable (best effort: not every filesystem syncs folders).
fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent().and_then(|d| std::fs::File::open(d).ok()) {
        let _ = dir.sync_all();
    }
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

/// At start: check every stored photo against the hash the database holds. One that is missing,
/// cut short or changed is moved to `photos/quarantine/` (kept for inspection, never served), and
/// its order goes back to needing a photo, with a reason the graduate sees. Returns the orders.
pub fn quarantine_damaged(state: &AppState) -> std::io::Result<Vec<String>> {
    let stored =
        db::stored_photos(&state.db(), false).map_err(|e| std::io::Error::other(e.to_string()))?;
    let mut damaged = Vec::new();
    for (order, sha) in stored {
        let path = state.photo_path(&order, &sha);
        let intact = std::fs::read(&path).is_ok_and(|b| hex(&Sha256::digest(&b)) == sha);
        if intact {
            continue;
        }
        if path.exists() {
            let aside = state.config.data_dir.join("photos").join("quarantine");
            std::fs::create_dir_all(&aside)?;
            if let Some(name) = path.file_name() {
                std::fs::rename(&path, aside.join(name))?;
            }
        }
        db::drop_damaged_photo(&state.db(), &order, &sha, DAMAGED_REASON)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        damaged.push(order);
    }
    Ok(damaged)
}

/// The reason a graduate reads when the server lost their stored photo.
pub const DAMAGED_REASON: &str = "服务器保存的照片已损坏，请重新上传照片后再提交。\
     The photo stored on the server was damaged: upload it again, then submit.";

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

#[cfg(test)]
mod tests {
    use super::*;

    /// A disk with `room` bytes left that, like tokio's `File`, accepts writes into a buffer and
    /// reports running out only when the buffer is pushed out.
    struct FillingDisk {
        room: usize,
        pending: Vec<u8>,
        stored: Vec<u8>,
    }

    impl Write for FillingDisk {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.pending.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            let fits = self.pending.len().min(self.room - self.stored.len());
            self.stored.extend(self.pending.drain(..fits));
            if self.pending.is_empty() {
                Ok(())
            } else {
                Err(std::io::Error::from_raw_os_error(28))
            }
        }
    }

    impl Durable for FillingDisk {
        fn sync(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_disk_that_fills_up_is_an_error_not_a_short_file() {
        let bytes = vec![7u8; 39_005];
        let mut full = FillingDisk {
            room: 20_480,
            pending: Vec::new(),
            stored: Vec::new(),
        };
        let error = write_durably(&mut full, &bytes).unwrap_err();
        assert_eq!(ApiError::storage(&error).code, "storage.full");
        let mut roomy = FillingDisk {
            room: 40_000,
            pending: Vec::new(),
            stored: Vec::new(),
        };
        write_durably(&mut roomy, &bytes).unwrap();
        assert_eq!(roomy.stored, bytes);
    }

    #[test]
    fn other_write_errors_are_storage_failed() {
        let e = std::io::Error::other("bad sector");
        assert_eq!(ApiError::storage(&e).code, "storage.failed");
        assert_eq!(ApiError::storage(&e).status.as_u16(), 503);
    }
}
