//! Small file helpers: whole-file writes that never leave a half-written file behind.

use std::path::Path;

use crate::error::{ModelsError, Result};

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// reader (or a run interrupted mid-write) sees the old file or the new one, never a mix.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let mut file = std::fs::File::create(&tmp).map_err(|e| ModelsError::io(&tmp, e))?;
    // Flushed to disk before the rename, so that a crash of the machine (not just the process)
    // cannot leave the new name pointing at data that never reached the disk.
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| ModelsError::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| ModelsError::io(path, e))
}

/// Creates `dir` and its parents.
pub(crate) fn create_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| ModelsError::io(dir, e))
}
