//! The server's storage: every saved revision of every report, in one
//! SQLite file in the data folder.
//!
//! In: a data folder, and revisions to save (the report's JSON text with
//! the list's metadata, already checked by the caller). Out: the saved
//! revision's number and time, the latest or any earlier revision, the
//! list of reports (each with its unit, year, [`Format`] and [`Status`],
//! kept in their columns as words), or why not ([`SaveError`]).
//!
//! Nothing is ever overwritten: a save is a new row of `revisions`, and
//! triggers refuse every `UPDATE` and `DELETE` of one, so that no later
//! code can lose a revision by mistake. A restore is a save of an old
//! revision's content. The database is in WAL mode with
//! `synchronous=FULL`: a commit has reached the disk (the WAL is synced)
//! before [`Store::create`] or [`Store::save`] returns, so a save the
//! client was told of survives `kill -9` and a power cut (`NORMAL` would
//! lose the last commits at a power cut). One writer connection behind a
//! mutex makes every save one at a time, so "is my revision still the
//! latest?" and the insert are one transaction; readers take connections
//! of their own from a small pool and never wait for the writer (WAL).
//! Every call blocks: the server runs them on tokio's blocking threads.

use crate::data::Format;
use crate::diag::{tr, Code, Diagnostic, Diagnostics};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The database file's name in the data folder.
pub const DB_FILE: &str = "nianbao.sqlite3";

/// The schema, version 1 (`PRAGMA user_version`).
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS revisions (
    report_id INTEGER NOT NULL REFERENCES reports(id),
    rev INTEGER NOT NULL,
    saved_at INTEGER NOT NULL,
    unit TEXT NOT NULL,
    year INTEGER,
    format TEXT NOT NULL,
    status TEXT NOT NULL,
    restored_from INTEGER,
    content TEXT NOT NULL,
    PRIMARY KEY (report_id, rev)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS revisions_never_change BEFORE UPDATE ON revisions
BEGIN SELECT RAISE(ABORT, 'a revision is never changed'); END;
CREATE TRIGGER IF NOT EXISTS revisions_never_go BEFORE DELETE ON revisions
BEGIN SELECT RAISE(ABORT, 'a revision is never deleted'); END;
PRAGMA user_version = 1;
";

/// Readers kept open for reuse; more may be open at once, and the extra
/// ones are closed after use.
const READERS_KEPT: usize = 8;

/// One revision to save: the report and what the list shows of it.
#[derive(Debug, Clone)]
pub struct NewRevision {
    /// The report's JSON text.
    pub content: String,
    /// `unit` of the report (empty when it has none).
    pub unit: String,
    /// `year`, if a whole number.
    pub year: Option<i64>,
    /// The format it follows, when its `format` or `year` says
    /// (kept in its column as `"2019"`, `"2021"` or `""`).
    pub format: Option<Format>,
    /// Where it stands.
    pub status: Status,
    /// The revision this one restores, for a restore.
    pub restored_from: Option<i64>,
}

/// A saved revision, without its content: a row of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The report.
    pub id: i64,
    /// The revision, from 1.
    pub rev: i64,
    /// When it was saved, milliseconds since 1970 (UTC).
    pub saved_at_ms: i64,
    /// The report's unit.
    pub unit: String,
    /// The report's year.
    pub year: Option<i64>,
    /// The format it follows, when its `format` or `year` says
    /// (kept in its column as `"2019"`, `"2021"` or `""`).
    pub format: Option<Format>,
    /// Where it stands.
    pub status: Status,
    /// The revision it restored, if it was a restore.
    pub restored_from: Option<i64>,
}

/// A saved revision with its content.
#[derive(Debug, Clone)]
pub struct Revision {
    /// What the list shows of it.
    pub summary: Summary,
    /// The report's JSON text.
    pub content: String,
}

/// Why a save did not happen.
#[derive(Debug)]
pub enum SaveError {
    /// No report has this id.
    NotFound,
    /// The revision the save was based on is no longer the latest: here
    /// is the latest.
    Stale(Box<Revision>),
    /// The database failed.
    Db(Diagnostic),
}

/// The database of one data folder.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

/// A database failure as a diagnostic (code `io`).
fn db(e: rusqlite::Error) -> Diagnostic {
    crate::diag::cannot_each(
        ("使用", "use"),
        ("数据库", "the database"),
        &std::io::Error::other(e),
    )
}

/// The time now, milliseconds since 1970.
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Store {
    /// Opens (creating when missing) the folder and its database.
    pub fn open(dir: &Path) -> Result<Store, Diagnostic> {
        std::fs::create_dir_all(dir)
            .map_err(|e| crate::diag::cannot(("创建", "create"), &dir.display().to_string(), &e))?;
        let path = dir.join(DB_FILE);
        let writer = Connection::open(&path).map_err(db)?;
        // WAL: readers never block the writer nor it them. FULL: the WAL
        // is synced at every commit, so an acknowledged save outlives a
        // power cut. The busy timeout covers a second process briefly
        // holding the file (a backup tool).
        writer
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))
            .map_err(db)?;
        writer
            .execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
            .map_err(db)?;
        writer
            .busy_timeout(std::time::Duration::from_secs(10))
            .map_err(db)?;
        writer.execute_batch(SCHEMA).map_err(db)?;
        Ok(Store {
            path,
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
        })
    }

    /// Runs `f` with a reader connection, taken from the pool (or newly
    /// opened) and given back after.
    fn read<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, Diagnostic> {
        let pooled = self.readers.lock().ok().and_then(|mut p| p.pop());
        let conn = match pooled {
            Some(c) => c,
            None => {
                let c = Connection::open_with_flags(
                    &self.path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(db)?;
                c.busy_timeout(std::time::Duration::from_secs(10))
                    .map_err(db)?;
                c
            }
        };
        let out = f(&conn).map_err(db);
        if let Ok(mut pool) = self.readers.lock() {
            if pool.len() < READERS_KEPT {
                pool.push(conn);
            }
        }
        out
    }

    /// A new report, its first revision `content`.
    pub fn create(&self, new: &NewRevision) -> Result<Summary, Diagnostic> {
        let mut conn = self.writer.lock().map_err(|_| poisoned())?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db)?;
        let now = now_ms();
        tx.execute("INSERT INTO reports (created_at) VALUES (?1)", [now])
            .map_err(db)?;
        let id = tx.last_insert_rowid();
        let summary = insert(&tx, id, 1, now, new).map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(summary)
    }

    /// A new revision of report `id`, if `expected` is still its latest.
    pub fn save(&self, id: i64, expected: &[i64], new: &NewRevision) -> Result<Summary, SaveError> {
        let mut conn = self.writer.lock().map_err(|_| SaveError::Db(poisoned()))?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| SaveError::Db(db(e)))?;
        let latest = latest(&tx, id)
            .map_err(|e| SaveError::Db(db(e)))?
            .ok_or(SaveError::NotFound)?;
        if !expected.contains(&latest.summary.rev) {
            return Err(SaveError::Stale(Box::new(latest)));
        }
        let rev = latest.summary.rev + 1;
        let summary = insert(&tx, id, rev, now_ms(), new).map_err(|e| SaveError::Db(db(e)))?;
        tx.commit().map_err(|e| SaveError::Db(db(e)))?;
        Ok(summary)
    }

    /// The latest revision of report `id`, or revision `rev` of it.
    pub fn get(&self, id: i64, rev: Option<i64>) -> Result<Option<Revision>, Diagnostic> {
        self.read(|c| match rev {
            None => latest(c, id),
            Some(rev) => c
                .query_row(
                    &format!("SELECT {COLUMNS}, content FROM revisions WHERE report_id = ?1 AND rev = ?2"),
                    params![id, rev],
                    revision,
                )
                .optional(),
        })
    }

    /// Every report, its latest revision, the last saved first.
    pub fn list(&self) -> Result<Vec<Summary>, Diagnostic> {
        self.read(|c| {
            let sql = format!(
                "SELECT {COLUMNS} FROM revisions AS r
                 WHERE rev = (SELECT MAX(rev) FROM revisions WHERE report_id = r.report_id)
                 ORDER BY saved_at DESC, report_id DESC"
            );
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map([], summary)?;
            rows.collect()
        })
    }

    /// Every revision of report `id`, the latest first; `None` when there
    /// is no such report.
    pub fn revisions(&self, id: i64) -> Result<Option<Vec<Summary>>, Diagnostic> {
        let all = self.read(|c| {
            let sql =
                format!("SELECT {COLUMNS} FROM revisions WHERE report_id = ?1 ORDER BY rev DESC");
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map([id], summary)?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })?;
        Ok(if all.is_empty() { None } else { Some(all) })
    }
}

/// The columns [`summary`] reads, in its order.
const COLUMNS: &str = "report_id, rev, saved_at, unit, year, format, status, restored_from";

fn summary(row: &rusqlite::Row<'_>) -> rusqlite::Result<Summary> {
    Ok(Summary {
        id: row.get(0)?,
        rev: row.get(1)?,
        saved_at_ms: row.get(2)?,
        unit: row.get(3)?,
        year: row.get(4)?,
        format: Format::parse(&row.get::<_, String>(5)?),
        status: row.get(6)?,
        restored_from: row.get(7)?,
    })
}

fn revision(row: &rusqlite::Row<'_>) -> rusqlite::Result<Revision> {
    Ok(Revision {
        summary: summary(row)?,
        content: row.get(8)?,
    })
}

fn latest(c: &Connection, id: i64) -> rusqlite::Result<Option<Revision>> {
    c.query_row(
        &format!(
            "SELECT {COLUMNS}, content FROM revisions WHERE report_id = ?1 ORDER BY rev DESC LIMIT 1"
        ),
        [id],
        revision,
    )
    .optional()
}

fn insert(
    c: &Connection,
    id: i64,
    rev: i64,
    now: i64,
    new: &NewRevision,
) -> rusqlite::Result<Summary> {
    c.execute(
        "INSERT INTO revisions (report_id, rev, saved_at, unit, year, format, status, restored_from, content)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id,
            rev,
            now,
            new.unit,
            new.year,
            new.format.map_or("", Format::as_str),
            new.status,
            new.restored_from,
            new.content
        ],
    )?;
    Ok(Summary {
        id,
        rev,
        saved_at_ms: now,
        unit: new.unit.clone(),
        year: new.year,
        format: new.format,
        status: new.status,
        restored_from: new.restored_from,
    })
}

/// Where a report stands, as the list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// 已通过: no error and nothing left unfilled (no `incomplete`
    /// warning); other warnings (punctuation) may remain.
    Ok,
    /// 草稿: no error, but the form is not filled in yet (`incomplete`).
    Draft,
    /// 有错误: the checks fail (or the data's shape is wrong).
    Error,
}

impl Status {
    /// The status of a report that [`crate::Engine::check`] said `d` of.
    pub fn of(d: &Diagnostics) -> Status {
        if d.has_errors() {
            Status::Error
        } else if d.iter().any(|d| d.code == Code::Incomplete) {
            Status::Draft
        } else {
            Status::Ok
        }
    }

    /// `ok`, `draft` or `error`, as the API says it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Draft => "draft",
            Status::Error => "error",
        }
    }

    /// The status `as_str` names.
    pub fn parse(name: &str) -> Option<Status> {
        [Status::Ok, Status::Draft, Status::Error]
            .into_iter()
            .find(|s| s.as_str() == name)
    }

    /// How the list page says it.
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "已通过",
            Status::Draft => "草稿",
            Status::Error => "有错误",
        }
    }
}

/// Kept in its column as [`Status::as_str`] says it.
impl rusqlite::types::ToSql for Status {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

/// Read back from its column; a word no version wrote is an error.
impl rusqlite::types::FromSql for Status {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        let text = value.as_str()?;
        Status::parse(text).ok_or_else(|| {
            rusqlite::types::FromSqlError::Other(format!("unknown status `{text}`").into())
        })
    }
}

/// A thread panicked holding the writer: say so rather than panic again.
fn poisoned() -> Diagnostic {
    Diagnostic::input(
        Code::Io,
        tr(
            "数据库写入通道已损坏，请重启 nianbao serve",
            "the database writer is broken; restart nianbao serve",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_reads_back_as_written() {
        for s in [Status::Ok, Status::Draft, Status::Error] {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("passed"), None);
    }

    fn new(unit: &str) -> NewRevision {
        NewRevision {
            content: format!("{{\"unit\":\"{unit}\"}}"),
            unit: unit.into(),
            year: Some(2021),
            format: Some(Format::F2021),
            status: Status::Draft,
            restored_from: None,
        }
    }

    #[test]
    fn saves_are_revisions_and_a_stale_one_is_refused() {
        let dir = std::env::temp_dir().join(format!("nianbao-store-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Store::open(&dir).expect("in test");
        let a = store.create(&new("甲")).expect("in test");
        assert_eq!(a.rev, 1);
        let b = store.save(a.id, &[1], &new("乙")).expect("in test");
        assert_eq!(b.rev, 2);
        match store.save(a.id, &[1], &new("丙")) {
            Err(SaveError::Stale(latest)) => assert_eq!(latest.summary.unit, "乙"),
            other => panic!("expected stale, got {other:?}"),
        }
        assert!(matches!(
            store.save(a.id + 1, &[1], &new("丁")),
            Err(SaveError::NotFound)
        ));
        assert_eq!(
            store
                .get(a.id, Some(1))
                .expect("in test")
                .expect("in test")
                .summary
                .unit,
            "甲"
        );
        assert_eq!(
            store
                .revisions(a.id)
                .expect("in test")
                .expect("in test")
                .len(),
            2
        );
        assert_eq!(store.list().expect("in test").len(), 1);
        // The triggers keep every revision as it was saved.
        let w = store.writer.lock().expect("in test");
        assert!(w.execute("UPDATE revisions SET unit = 'x'", []).is_err());
        assert!(w.execute("DELETE FROM revisions", []).is_err());
        drop(w);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
