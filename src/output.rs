//! Writing outputs so that nothing half-written is ever left behind, and
//! nothing is replaced that the user did not name.
//!
//! In: the bytes of a finished document and a destination path. Out: for a
//! regular file (or a new one), the file, written to a temporary file in
//! the same directory, flushed to disk and renamed over the destination in
//! one step; a failure leaves the old file (if any) untouched and removes
//! the temporary one, and a file being replaced keeps its permissions. A
//! destination that is not a regular file (`/dev/null`, `/dev/full`, a
//! FIFO, `/dev/stdout` on a pipe, a symbolic link to one of them) is
//! written through, never renamed over: the device stays a device. A
//! symbolic link to a regular file stays a link; the file it names is
//! replaced. A batch writes in two steps, [`stage`] (the temporary file,
//! written) and [`commit`] (for a chunk of files at once: each flushed,
//! then each renamed, then each directory's new names flushed), so that
//! the waits for the disk are a chunk's, on a thread of the batch's own
//! while the next chunk renders; what is left on disk at any moment is
//! the same. [`InputSet`] tells whether an output
//! would be one of the run's inputs (by device and inode), so that it can
//! be refused first.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The prefix of every temporary file nianbao writes: `.nianbao-PID-N.tmp`.
pub const TEMP_PREFIX: &str = ".nianbao-";
/// The suffix of every temporary file.
pub const TEMP_SUFFIX: &str = ".tmp";

/// Writes `bytes` to `path`: the one function every output goes through.
/// A regular file (or a new name) is replaced atomically
/// ([`write_atomic`]); anything else that exists (a device, a FIFO) is
/// opened and written through, because renaming over it would replace the
/// device node with a regular file.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() && !meta.is_dir() => write_through(path, bytes),
        // Through a symbolic link, the file it names is replaced and the
        // link kept (`-o /dev/stdout` redirected to a file, a link in a
        // shared folder).
        Ok(meta) if meta.is_file() && is_symlink(path) => {
            let target = std::fs::canonicalize(path)?;
            write_atomic(&target, bytes)
        }
        _ => write_atomic(path, bytes),
    }
}

fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Opens an existing non-regular file for writing and writes `bytes`
/// through it: `/dev/null` takes them, `/dev/full` fails with "no space",
/// a FIFO passes them to its reader (opening waits for one).
fn write_through(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new().write(true).open(path)?;
    f.write_all(bytes)?;
    f.flush()
}

/// Writes `bytes` to `path` atomically: a temporary file beside it,
/// flushed, then renamed over it. For regular files only; use [`fn@write`].
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        keep_mode(path, &tmp)?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A file being replaced keeps its mode (a 600 report stays 600).
fn keep_mode(path: &Path, tmp: &Path) -> std::io::Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) => std::fs::set_permissions(tmp, meta.permissions()),
        Err(_) => Ok(()),
    }
}

/// A document written to a temporary file beside its destination, not
/// yet flushed to disk nor in place: [`commit`] does both, for many at
/// once. Until then the destination is as it was.
#[derive(Debug)]
pub struct Staged {
    tmp: PathBuf,
    dest: PathBuf,
}

/// Writes `bytes` toward `path` as [`fn@write`] does, but leaves a regular
/// file staged (`Some`) for [`commit`], which puts a chunk of them in
/// place at once, so that a batch can wait for the disk on a thread of
/// its own while it renders the next chunk (a flush per file in the
/// rendering threads was a quarter of a batch's time). A device or FIFO
/// is written through at once (`None`).
pub fn stage(path: &Path, bytes: &[u8]) -> std::io::Result<Option<Staged>> {
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() && !meta.is_dir() => write_through(path, bytes).map(|()| None),
        Ok(meta) if meta.is_file() && is_symlink(path) => {
            let target = std::fs::canonicalize(path)?;
            stage_atomic(&target, bytes).map(Some)
        }
        _ => stage_atomic(path, bytes).map(Some),
    }
}

/// The temporary file of `path`, written (not flushed), with the mode of
/// the file it will replace.
fn stage_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<Staged> {
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        drop(f);
        keep_mode(path, &tmp)
    })();
    match result {
        Ok(()) => Ok(Staged {
            tmp,
            dest: path.to_path_buf(),
        }),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Puts staged files in place: all flushed to disk ([`flush`]), then each
/// renamed over its destination, then each destination directory flushed
/// (so that the new names survive a power cut too). One result per file,
/// in order; a file that fails leaves its destination as it was and its
/// temporary file removed.
pub fn commit(staged: &[Staged]) -> Vec<std::io::Result<()>> {
    let mut results = flush(staged);
    let mut dirs: Vec<&Path> = Vec::new();
    for (s, result) in staged.iter().zip(results.iter_mut()) {
        if result.is_ok() {
            *result = std::fs::rename(&s.tmp, &s.dest);
        }
        if result.is_err() {
            let _ = std::fs::remove_file(&s.tmp);
        } else if let Some(dir) = s.dest.parent() {
            if !dirs.contains(&dir) {
                dirs.push(dir);
            }
        }
    }
    // The new names: a directory is flushed through a descriptor opened
    // on it (Unix); where that is refused (Windows, some file systems)
    // the files themselves are still on disk, and renamed.
    for dir in dirs {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    results
}

/// Flushes the staged files to disk, each by itself, one result per file.
///
/// One `syncfs(2)` for the chunk (a journal commit a chunk, not a file)
/// was tried: on this project's 2-core VM (ext4 on a virtual disk), 1,000
/// reports to PDF into a new folder, eight alternating runs, the median
/// was 1.76 s against 1.77 s with an `fsync` a file, so it was not kept;
/// it also reports write-back errors only since Linux 5.8 (Kylin V10 and
/// UOS ship 4.19), where each file's own flush says which failed.
fn flush(staged: &[Staged]) -> Vec<std::io::Result<()>> {
    staged.iter().map(|s| fsync(&s.tmp)).collect()
}

/// Flushes one file by name: no descriptor is held between the write and
/// here, so a chunk of thousands of files needs no more than one open at
/// a time. On Unix opened for reading, which `fsync` needs no more than
/// (a file about to replace a read-only one already has its mode);
/// Windows flushes only a handle opened for writing.
fn fsync(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    let file = File::open(path)?;
    #[cfg(not(unix))]
    let file = std::fs::OpenOptions::new().write(true).open(path)?;
    file.sync_all()
}

/// Removes a staged file's temporary file: its destination stays as it was.
pub fn discard(staged: Staged) {
    let _ = std::fs::remove_file(&staged.tmp);
}

/// Whether `a` and `b` are one file (same device and inode), both existing.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
    }
}

/// The files a run reads (data files, the files of input directories,
/// `--defaults`, a workbook), by device and inode, so that no output can
/// be one of them whatever name reaches it (`./s.json`, a hard link, a
/// symbolic link).
#[derive(Debug, Default)]
pub struct InputSet {
    ids: Vec<FileId>,
}

#[derive(Debug, PartialEq, Eq)]
struct FileId(u64, u64);

impl InputSet {
    /// The inputs among `paths`: each existing file, and each file inside
    /// a directory given (one level, as inputs are read). `-` and names
    /// that do not exist are no file anything can be written over.
    pub fn of<P: AsRef<Path>>(paths: &[P]) -> InputSet {
        let mut set = InputSet::default();
        for path in paths {
            let path = path.as_ref();
            if path.is_dir() {
                let entries = std::fs::read_dir(path).into_iter().flatten().flatten();
                entries.for_each(|e| set.add(&e.path()));
            } else {
                set.add(path);
            }
        }
        set
    }

    fn add(&mut self, path: &Path) {
        if let Some(id) = file_id(path) {
            if !self.ids.contains(&id) {
                self.ids.push(id);
            }
        }
    }

    /// Whether writing `path` would write one of the inputs.
    pub fn contains(&self, path: &Path) -> bool {
        file_id(path).is_some_and(|id| self.ids.contains(&id))
    }
}

/// A file's identity, following symbolic links; `None` when it does not
/// exist. Devices (`/dev/null`) have one too, but are never inputs that
/// writing could destroy: they are left out.
fn file_id(path: &Path) -> Option<FileId> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(FileId(meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        use std::hash::{Hash, Hasher};
        let real = std::fs::canonicalize(path).ok()?;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        real.hash(&mut h);
        Some(FileId(0, h.finish()))
    }
}

/// A temporary name beside `path`, unique within this process and across
/// processes, and short whatever the destination's name (a long Chinese
/// file name plus a suffix would pass the file system's 255-byte limit):
/// `.nianbao-PID-N.tmp`. The leading dot hides it from listings; the
/// pattern lets a later run find what an interrupted one left
/// ([`is_temp_name`]).
fn temp_path(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = format!("{TEMP_PREFIX}{}-{n}{TEMP_SUFFIX}", std::process::id());
    path.with_file_name(tmp)
}

/// Whether a file name is one of nianbao's temporary files, and the id of
/// the process that wrote it.
pub fn is_temp_name(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(TEMP_PREFIX)?.strip_suffix(TEMP_SUFFIX)?;
    let (pid, n) = rest.split_once('-')?;
    n.parse::<u64>().ok()?;
    pid.parse().ok()
}

/// Removes the temporary files an interrupted run (killed, out of power)
/// left in `dir`: nianbao's names only, written by a process that is no
/// longer running, and older than `before`. Returns how many went.
pub fn remove_stale_temps(dir: &Path, before: std::time::SystemTime) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(is_temp_name) else {
            continue;
        };
        if pid == std::process::id() || process_alive(pid) {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t < before);
        if old && entry.file_type().is_ok_and(|t| t.is_file()) {
            removed += usize::from(std::fs::remove_file(entry.path()).is_ok());
        }
    }
    removed
}

/// Whether a process with this id is running (Linux: `/proc/PID`; where
/// that cannot be known, assume it is, and leave its files alone).
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        proc.join(pid.to_string()).exists()
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("nianbao-out-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        dir
    }

    #[test]
    fn replaces_and_leaves_no_temp_file() {
        let dir = dir("replace");
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
    fn a_chunk_commits_and_only_a_failed_file_fails() {
        let dir = dir("chunk");
        let kept = dir.join("kept.pdf");
        std::fs::write(&kept, b"old").expect("old");
        let names = ["a.pdf", "kept.pdf", "b.pdf"];
        let staged: Vec<Staged> = names
            .iter()
            .map(|n| {
                stage(&dir.join(n), n.as_bytes())
                    .expect("stage")
                    .expect("file")
            })
            .collect();
        // The middle file's temporary file goes missing before the flush:
        // it alone fails, and its destination stays as it was.
        std::fs::remove_file(&staged[1].tmp).expect("remove");
        let results = commit(&staged);
        assert!(results[0].is_ok() && results[1].is_err() && results[2].is_ok());
        assert_eq!(std::fs::read(dir.join("a.pdf")).expect("a"), b"a.pdf");
        assert_eq!(std::fs::read(&kept).expect("kept"), b"old");
        assert_eq!(std::fs::read(dir.join("b.pdf")).expect("b"), b"b.pdf");
        assert_eq!(std::fs::read_dir(&dir).expect("list").count(), 3);
        // And a whole chunk that can be flushed is put in place at once.
        let staged = [stage(&kept, b"new").expect("stage").expect("file")];
        assert!(commit(&staged).iter().all(|r| r.is_ok()));
        assert_eq!(std::fs::read(&kept).expect("kept"), b"new");
        std::fs::remove_dir_all(&dir).expect("clean");
    }

    #[test]
    fn a_missing_directory_fails_cleanly() {
        let path = std::env::temp_dir().join("nianbao-no-such-dir/x/a.txt");
        assert!(write_atomic(&path, b"x").is_err());
    }

    #[test]
    fn a_long_name_is_written() {
        let dir = dir("long");
        // 80 CJK characters: 240 bytes, + ".pdf" = 244, under 255.
        let name = format!("{}.pdf", "缑".repeat(80));
        let path = dir.join(name);
        write_atomic(&path, b"x").expect("a long valid name");
        std::fs::remove_dir_all(&dir).expect("clean");
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = dir("mode");
        let path = dir.join("a.pdf");
        write_atomic(&path, b"one").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        write_atomic(&path, b"two").expect("rewrite");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::remove_dir_all(&dir).expect("clean");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_device_is_written_through_and_stays_a_device() {
        use std::os::unix::fs::FileTypeExt;
        write(Path::new("/dev/null"), b"gone").expect("/dev/null takes anything");
        let full = write(Path::new("/dev/full"), b"x").expect_err("/dev/full is full");
        assert_eq!(full.kind(), std::io::ErrorKind::StorageFull);
        for dev in ["/dev/null", "/dev/full"] {
            let meta = std::fs::symlink_metadata(dev).expect("meta");
            assert!(meta.file_type().is_char_device(), "{dev} is still a device");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_a_file_stays_a_link() {
        let dir = dir("link");
        let (file, link) = (dir.join("a.pdf"), dir.join("b.pdf"));
        std::fs::write(&file, b"one").expect("write");
        std::os::unix::fs::symlink(&file, &link).expect("link");
        write(&link, b"two").expect("write through the link");
        assert_eq!(std::fs::read(&file).expect("read"), b"two");
        assert!(std::fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink());
        std::fs::remove_dir_all(&dir).expect("clean");
    }

    #[test]
    fn an_input_set_knows_its_files_by_identity() {
        let dir = dir("inputs");
        let inner = dir.join("in");
        std::fs::create_dir_all(&inner).expect("dir");
        let (a, b) = (dir.join("a.json"), inner.join("b.json"));
        for p in [&a, &b] {
            std::fs::write(p, b"{}").expect("write");
        }
        let set = InputSet::of(&[a.clone(), inner.clone()]);
        assert!(set.contains(&a) && set.contains(&b));
        assert!(set.contains(&inner.join("../a.json")));
        assert!(!set.contains(&dir.join("new.json")));
        std::fs::remove_dir_all(&dir).expect("clean");
    }

    #[test]
    fn stale_temps_of_dead_runs_go_and_others_stay() {
        let dir = dir("stale");
        // PID 0 is never a user process.
        let dead = dir.join(format!("{TEMP_PREFIX}0-3{TEMP_SUFFIX}"));
        let mine = temp_path(&dir.join("x.pdf"));
        let other = dir.join(".report.pdf.tmp");
        for p in [&dead, &mine, &other] {
            std::fs::write(p, b"x").expect("write");
        }
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
        assert_eq!(remove_stale_temps(&dir, later), 1);
        assert!(!dead.exists() && mine.exists() && other.exists());
        std::fs::remove_dir_all(&dir).expect("clean");
    }
}
