//! Small file helpers: whole-file writes that never leave a half-written file behind, flushed to
//! disk or not.

use std::path::Path;

use crate::error::{ModelsError, Result};

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// reader (or a run interrupted mid-write) sees the old file or the new one, never a mix. Not
/// flushed to disk: for files rewritten every epoch (metrics, curves), where a crash of the
/// machine may lose the last versions; see [`write_durable`].
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_through_temporary(path, bytes, false)
}

/// [`write_atomic`], flushed to disk: the file before its rename, so that a crash of the
/// machine (not just the process) cannot leave the new name pointing at data that never reached
/// the disk, and the folder after it, so that renames survive in the order they were made. For
/// checkpoints and the final model.
pub(crate) fn write_durable(path: &Path, bytes: &[u8]) -> Result<()> {
    write_through_temporary(path, bytes, true)?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

fn write_through_temporary(path: &Path, bytes: &[u8], sync: bool) -> Result<()> {
    use std::io::Write;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let mut file = std::fs::File::create(&tmp).map_err(|e| ModelsError::io(&tmp, e))?;
    file.write_all(bytes)
        .and_then(|()| if sync { file.sync_all() } else { Ok(()) })
        .map_err(|e| ModelsError::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| ModelsError::io(path, e))
}

/// Flushes a folder's entries to disk, so that renames in it survive a crash of the machine in
/// the order they were made. On Unix only (elsewhere a folder cannot be opened as a file); a
/// file system that cannot sync folders (`EINVAL`) is let be, as SQLite and PostgreSQL do.
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let synced = std::fs::File::open(dir).and_then(|d| d.sync_all());
        if let Err(e) = synced {
            if e.kind() != std::io::ErrorKind::InvalidInput {
                return Err(ModelsError::io(dir, e));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Creates `dir` and its parents.
pub(crate) fn create_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| ModelsError::io(dir, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh_dir(test: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("scalpel-io-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn both_writes_replace_the_file_and_leave_no_temporary() {
        let dir = fresh_dir("write");
        let path = dir.join("a.txt");
        write_atomic(&path, b"old").unwrap();
        write_durable(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        write_atomic(&path, b"newer").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"newer");
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["a.txt"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn syncing_a_missing_folder_is_an_error_that_names_it() {
        let dir = fresh_dir("sync").join("missing");
        let err = sync_dir(&dir).unwrap_err().to_string();
        assert!(err.contains("missing"), "{err}");
        sync_dir(dir.parent().unwrap()).unwrap();
        sync_dir(Path::new("")).unwrap();
        std::fs::remove_dir_all(dir.parent().unwrap()).unwrap();
    }
}
