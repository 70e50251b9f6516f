//! Content-addressed files: `blobs/ab/cdef…`, named by the SHA-256 of their
//! bytes. A blob is written to a temp file in its final directory, fsynced,
//! renamed into place and the directory fsynced: a crash mid-write leaves
//! at most a `.tmp-…` file, never a partial file under a blob's name.
//! Re-putting the same bytes is a no-op.

use crate::ids::new_id;
use crate::{Store, StoreError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Temp files start with this; a blob's name never does (hex only).
const TEMP_PREFIX: &str = ".tmp-";
/// Temp files older than this are left-overs of a crash, removed at open.
const STALE_TEMP_AGE: Duration = Duration::from_secs(3600);

/// A stored blob: its SHA-256 (64 lowercase hex digits) and length.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BlobRef {
    /// The SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    /// The length in bytes.
    pub len: u64,
}

/// Whether `sha256` is 64 lowercase hex digits (so it is safe in a path).
pub fn is_blob_id(sha256: &str) -> bool {
    sha256.len() == 64 && sha256.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

/// `dir/ab/cdef…` for a checked blob id.
fn blob_path(dir: &Path, sha256: &str) -> Result<PathBuf, StoreError> {
    if !is_blob_id(sha256) {
        return Err(StoreError::InvalidBlobId);
    }
    let (shard, rest) = sha256.split_at(2);
    Ok(dir.join(shard).join(rest))
}

impl Store {
    /// Stores `bytes` under their SHA-256 (a no-op when already stored).
    pub async fn put_blob(&self, bytes: &[u8]) -> Result<BlobRef, StoreError> {
        let sha256 = hex::encode(Sha256::digest(bytes));
        let blob = BlobRef {
            sha256,
            len: bytes.len() as u64,
        };
        let path = blob_path(&self.blob_dir, &blob.sha256)?;
        if tokio::fs::try_exists(&path).await? {
            return Ok(blob);
        }
        let temp_name = format!("{TEMP_PREFIX}{}", new_id("")?);
        let bytes = bytes.to_vec();
        tokio::task::spawn_blocking(move || write_atomically(&path, &temp_name, &bytes))
            .await
            .map_err(|join| StoreError::Io(std::io::Error::other(join)))??;
        Ok(blob)
    }

    /// The bytes of a blob, `None` if it is not stored; `CorruptBlob` when
    /// they no longer hash to the name.
    pub async fn get_blob(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let path = blob_path(&self.blob_dir, sha256)?;
        let bytes = match tokio::fs::read(&path).await {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(error.into()),
        };
        if hex::encode(Sha256::digest(&bytes)) != sha256 {
            return Err(StoreError::CorruptBlob(sha256.to_owned()));
        }
        Ok(Some(bytes))
    }

    /// Whether a blob is stored.
    pub async fn has_blob(&self, sha256: &str) -> Result<bool, StoreError> {
        let path = blob_path(&self.blob_dir, sha256)?;
        Ok(tokio::fs::try_exists(&path).await?)
    }

    /// Removes temp files a crash left behind (older than an hour, so an
    /// upload in progress in another process is never touched).
    pub(crate) async fn sweep_stale_temp_blobs(&self) -> Result<(), StoreError> {
        let dir = self.blob_dir.clone();
        tokio::task::spawn_blocking(move || sweep(&dir, SystemTime::now()))
            .await
            .map_err(|join| StoreError::Io(std::io::Error::other(join)))??;
        Ok(())
    }
}

/// temp file → write → fsync → rename → fsync the directory.
fn write_atomically(path: &Path, temp_name: &str, bytes: &[u8]) -> Result<(), StoreError> {
    let dir = path.parent().ok_or(StoreError::InvalidBlobId)?;
    fs::create_dir_all(dir)?;
    let temp = dir.join(temp_name);
    let written = (|| {
        let mut file = File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)?;
        File::open(dir)?.sync_all()
    })();
    if written.is_err() {
        // Best effort: a temp file left now is swept at the next open.
        let _ = fs::remove_file(&temp);
    }
    Ok(written?)
}

/// Removes `.tmp-` files older than [`STALE_TEMP_AGE`] in the shard folders.
fn sweep(dir: &Path, now: SystemTime) -> Result<(), StoreError> {
    for shard in fs::read_dir(dir)? {
        let shard = shard?;
        if !shard.file_type()?.is_dir() {
            continue;
        }
        for entry in fs::read_dir(shard.path())? {
            let entry = entry?;
            let is_temp = entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX);
            let age = entry
                .metadata()?
                .modified()
                .ok()
                .and_then(|modified| now.duration_since(modified).ok());
            if is_temp && age.is_some_and(|age| age > STALE_TEMP_AGE) {
                fs::remove_file(entry.path())?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_blob_round_trips_under_its_hash_and_re_putting_is_a_no_op() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let blob = store.put_blob(b"front image").await.unwrap();
        assert_eq!(blob.sha256, hex::encode(Sha256::digest(b"front image")));
        assert_eq!(blob.len, 11);
        let path = dir.path().join("blobs").join(&blob.sha256[..2]).join(&blob.sha256[2..]);
        assert!(path.is_file());
        let modified = fs::metadata(&path).unwrap().modified().unwrap();
        assert_eq!(store.put_blob(b"front image").await.unwrap(), blob);
        assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), modified);
        assert_eq!(store.get_blob(&blob.sha256).await.unwrap().unwrap(), b"front image");
        assert!(store.has_blob(&blob.sha256).await.unwrap());
    }

    #[tokio::test]
    async fn unknown_malformed_and_corrupt_blobs_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let missing = hex::encode(Sha256::digest(b"never stored"));
        assert_eq!(store.get_blob(&missing).await.unwrap(), None);
        assert!(matches!(
            store.get_blob("../../etc/passwd").await,
            Err(StoreError::InvalidBlobId)
        ));
        assert!(matches!(
            store.get_blob(&missing.to_uppercase()).await,
            Err(StoreError::InvalidBlobId)
        ));
        let blob = store.put_blob(b"selfie").await.unwrap();
        let path = blob_path(&dir.path().join("blobs"), &blob.sha256).unwrap();
        fs::write(&path, b"tampered").unwrap();
        assert!(matches!(
            store.get_blob(&blob.sha256).await,
            Err(StoreError::CorruptBlob(_))
        ));
    }

    #[tokio::test]
    async fn a_crash_mid_write_leaves_no_visible_blob_and_its_temp_file_is_swept() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let bytes = b"an upload cut short";
        let sha256 = hex::encode(Sha256::digest(bytes));
        // What a crash between write and rename leaves: a partial temp file.
        let shard = dir.path().join("blobs").join(&sha256[..2]);
        fs::create_dir_all(&shard).unwrap();
        let temp = shard.join(format!("{TEMP_PREFIX}crashed"));
        fs::write(&temp, &bytes[..5]).unwrap();
        assert_eq!(store.get_blob(&sha256).await.unwrap(), None);
        assert!(!store.has_blob(&sha256).await.unwrap());
        // A fresh temp file survives the sweep; one from before the crash window goes.
        sweep(&dir.path().join("blobs"), SystemTime::now()).unwrap();
        assert!(temp.exists());
        sweep(&dir.path().join("blobs"), SystemTime::now() + 2 * STALE_TEMP_AGE).unwrap();
        assert!(!temp.exists());
        // The upload retried lands whole.
        let blob = store.put_blob(bytes).await.unwrap();
        assert_eq!(store.get_blob(&blob.sha256).await.unwrap().unwrap(), bytes);
        let left: Vec<_> = fs::read_dir(&shard).unwrap().collect();
        assert_eq!(left.len(), 1, "no temp file left after a clean write");
    }
}
