//! The build as it was when the server started: every file of `dist` held in
//! memory, and the build id they hash to. Versioned URLs (`/v/{id}/…`) are
//! served from here, so an id always serves the bytes it was computed from,
//! even after `dist` is rebuilt (a rebuild needs a restart to get a new id).

use super::conditional::strong_etag;
use axum::body::Bytes;
use axum::http::HeaderValue;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io;
use std::path::Path;

/// The most a bundle may hold; a bigger `dist` is refused at start.
pub const MAX_BUNDLE_BYTES: u64 = 256 * 1024 * 1024;

/// Folders nested deeper than this are skipped (guards against symlink loops).
const MAX_DEPTH: usize = 16;

/// How many hex digits of the SHA-256 make the build id.
const BUILD_ID_LEN: usize = 16;

/// One file of the bundle.
#[derive(Debug, Clone)]
pub struct Asset {
    /// The contents.
    pub bytes: Bytes,
    /// Its strong `ETag`.
    pub etag: HeaderValue,
}

impl AsRef<[u8]> for Asset {
    fn as_ref(&self) -> &[u8] {
        &self.bytes
    }
}

/// `dist` as loaded at start, keyed by `/`-separated relative path.
#[derive(Debug, Clone)]
pub struct Bundle {
    id: String,
    files: BTreeMap<String, Asset>,
}

/// Why a bundle cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// `dist` holds more than [`MAX_BUNDLE_BYTES`].
    #[error("it holds more than {} MiB; is --dist the widget's build folder?", MAX_BUNDLE_BYTES / (1024 * 1024))]
    TooLarge,
    /// The loading task stopped before it finished.
    #[error("loading stopped: {0}")]
    Interrupted(String),
}

impl Bundle {
    /// Reads every file under `dist` (following symlinks). A missing or
    /// unreadable `dist`, and single files that cannot be read, are logged
    /// and left out, so the server still starts; only a `dist` bigger than
    /// [`MAX_BUNDLE_BYTES`] is an error. Blocking: call it off the runtime.
    pub fn load(dist: &Path) -> Result<Self, BundleError> {
        let mut files = BTreeMap::new();
        let mut total = 0;
        match std::fs::metadata(dist) {
            Ok(meta) if meta.is_dir() => walk(dist, "", 0, &mut files, &mut total)?,
            Ok(_) => tracing::warn!(dist = %dist.display(), "--dist is not a folder"),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                tracing::info!(dist = %dist.display(), "the widget is not built; versioned URLs serve nothing until a restart after `cargo xtask build`");
            }
            Err(e) => tracing::warn!(dist = %dist.display(), error = %e, "cannot read --dist"),
        }
        Ok(Self::from_files(files))
    }

    /// [`Bundle::load`] on a blocking thread.
    pub async fn load_async(dist: &Path) -> Result<Self, BundleError> {
        let dist = dist.to_owned();
        tokio::task::spawn_blocking(move || Self::load(&dist))
            .await
            .map_err(|e| BundleError::Interrupted(e.to_string()))?
    }

    /// A bundle of the given files (path → contents).
    pub fn from_files(files: BTreeMap<String, Bytes>) -> Self {
        let files: BTreeMap<String, Asset> = files
            .into_iter()
            .map(|(path, bytes)| {
                let etag = strong_etag(&bytes);
                (path, Asset { bytes, etag })
            })
            .collect();
        Self {
            id: build_id(&files),
            files,
        }
    }

    /// The build id: see [`build_id`].
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The file at `path` (`/`-separated, relative to `dist`).
    pub fn get(&self, path: &str) -> Option<&Asset> {
        self.files.get(path)
    }

    /// How many files it holds.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether it holds no file (`dist` was missing or empty at start).
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// The first 16 hex digits of a SHA-256 over every file, in path order: for
/// each, the path's length (u64, little-endian), the path, the contents'
/// length and the contents. Any change to a name or a byte changes it.
pub fn build_id<B: AsRef<[u8]>>(files: &BTreeMap<String, B>) -> String {
    let mut hasher = Sha256::new();
    for (path, contents) in files {
        let contents = contents.as_ref();
        hasher.update((path.len() as u64).to_le_bytes());
        hasher.update(path.as_bytes());
        hasher.update((contents.len() as u64).to_le_bytes());
        hasher.update(contents);
    }
    let mut id = crate::domain::ids::hex(&hasher.finalize());
    id.truncate(BUILD_ID_LEN);
    id
}

/// Adds the files under `dir` (whose relative path is `prefix`) to `files`.
fn walk(
    dir: &Path,
    prefix: &str,
    depth: usize,
    files: &mut BTreeMap<String, Bytes>,
    total: &mut u64,
) -> Result<(), BundleError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            tracing::warn!(dir = %dir.display(), error = %e, "cannot list folder; left out of the build");
            return Ok(());
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                tracing::warn!(dir = %dir.display(), error = %e, "cannot list folder entry");
                continue;
            }
        };
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            tracing::warn!(path = %path.display(), "file name is not UTF-8; left out of the build");
            continue;
        };
        let key = format!("{prefix}{name}");
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() && depth < MAX_DEPTH => {
                walk(&path, &format!("{key}/"), depth + 1, files, total)?;
            }
            Ok(meta) if meta.is_dir() => {
                tracing::warn!(path = %path.display(), "folder nested too deep; left out of the build");
            }
            Ok(meta) if meta.is_file() => {
                *total = total.saturating_add(meta.len());
                if *total > MAX_BUNDLE_BYTES {
                    return Err(BundleError::TooLarge);
                }
                match std::fs::read(&path) {
                    Ok(bytes) => {
                        files.insert(key, Bytes::from(bytes));
                    }
                    Err(e) => {
                        tracing::warn!(path = %path.display(), error = %e, "cannot read file; left out of the build");
                    }
                }
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "cannot read file; left out of the build");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &str)]) -> BTreeMap<String, Bytes> {
        entries
            .iter()
            .map(|(path, contents)| ((*path).to_owned(), Bytes::from(contents.to_string())))
            .collect()
    }

    #[test]
    fn the_id_is_16_hex_digits_and_changes_with_any_name_or_byte() {
        let base = files(&[("a.js", "export {};"), ("b/c.css", "p{}")]);
        let id = build_id(&base);
        assert_eq!(id.len(), 16);
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
            "{id}"
        );
        assert_eq!(id, build_id(&base.clone()), "same files, same id");
        for changed in [
            files(&[("a.js", "export {} ;"), ("b/c.css", "p{}")]),
            files(&[("a.js", "export {};"), ("b/d.css", "p{}")]),
            files(&[("a.js", "export {};")]),
            files(&[("a.js", "export {};"), ("b/c.css", "p{}"), ("e", "")]),
            // Moving bytes between the name and the contents is a change too.
            files(&[("a.jsexport {};", ""), ("b/c.css", "p{}")]),
        ] {
            assert_ne!(build_id(&changed), id, "{changed:?}");
        }
        assert_eq!(
            build_id(&BTreeMap::<String, Bytes>::new()),
            "e3b0c44298fc1c14",
            "no files: the SHA-256 of nothing"
        );
    }

    #[test]
    fn load_reads_nested_files_and_a_changed_file_changes_the_id() {
        let dir = tempfile::tempdir().unwrap();
        let dist = dir.path();
        std::fs::create_dir_all(dist.join("snippets/x")).unwrap();
        std::fs::write(dist.join("checkout-widget.js"), "import './x.js';").unwrap();
        std::fs::write(dist.join("snippets/x/y.js"), "export {};").unwrap();
        let first = Bundle::load(dist).unwrap();
        assert_eq!(first.len(), 2);
        assert_eq!(
            first.get("snippets/x/y.js").map(|a| a.bytes.clone()),
            Some(Bytes::from_static(b"export {};"))
        );
        assert_eq!(Bundle::load(dist).unwrap().id(), first.id(), "stable");

        std::fs::write(dist.join("snippets/x/y.js"), "export {x};").unwrap();
        let second = Bundle::load(dist).unwrap();
        assert_ne!(second.id(), first.id());
    }

    #[test]
    fn a_missing_dist_is_an_empty_bundle() {
        let dir = tempfile::tempdir().unwrap();
        let bundle = Bundle::load(&dir.path().join("nope")).unwrap();
        assert!(bundle.is_empty());
        assert_eq!(bundle.id(), build_id(&BTreeMap::<String, Bytes>::new()));
    }
}
