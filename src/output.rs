//! Writing outputs so that nothing half-written is ever left behind.
//!
//! In: the bytes of a finished document and a destination path. Out: the
//! file, written to a temporary file in the same directory, flushed to disk
//! and renamed over the destination in one step. A failure leaves the old
//! file (if any) untouched and removes the temporary one.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A temporary name beside `path`, unique within this process and across
/// processes: `.NAME.PID.N.tmp`. The leading dot hides it from listings; the
/// `.tmp` suffix marks what an interrupted run may leave.
fn temp_path(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = format!(".{name}.{}.{n}.tmp", std::process::id());
    path.with_file_name(tmp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_leaves_no_temp_file() {
        let dir = std::env::temp_dir().join(format!("nianbao-out-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("a.txt");
        write_atomic(&path, b"one").expect("write");
        write_atomic(&path, b"two").expect("rewrite");
        assert_eq!(std::fs::read(&path).expect("read"), b"two");
        let names: Vec<_> = std::fs::read_dir(&dir)
            .expect("list")
            .filter_map(|e| e.ok())
            .collect();
        assert_eq!(names.len(), 1);
        std::fs::remove_dir_all(&dir).expect("clean");
    }

    #[test]
    fn a_missing_directory_fails_cleanly() {
        let path = std::env::temp_dir().join("nianbao-no-such-dir/x/a.txt");
        assert!(write_atomic(&path, b"x").is_err());
    }
}
