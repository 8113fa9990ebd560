//! The audit log: one JSON line per write sent to OCP or obshell, in the state directory.
//!
//! An operator (or their auditor) can answer "who changed what, when, from which profile, and
//! which task did it start" after an incident. Only the request line is recorded — method and path
//! without the query string — never a body, a header or a password. The file is created with mode
//! 0600, and rotates like the log file so it cannot fill a disk.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::{json, Map, Value};

use crate::config::logging::rotate;
use crate::config::Paths;

/// The file is rotated when it is over this size (`audit.log` → `audit.log.1` …).
pub const ROTATE_AT: u64 = 4 * 1024 * 1024;
/// Rotated files kept besides the live one.
pub const KEEP: usize = 5;
/// Longest profile / user / path kept in an entry; longer values are cut (they come from config
/// and from typed names, and one line must stay one line).
const MAX_FIELD: usize = 512;

/// What came of a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditOutcome {
    /// The server accepted it (2xx).
    Accepted,
    /// The server answered with an error.
    Rejected {
        status: u16,
        /// The server's error code when it gave one (never its message: it may echo input).
        code: Option<String>,
    },
    /// Sent, but whether it arrived is not known (timeout or reset after sending). It is never
    /// re-sent automatically; the entry says so for whoever reads the log.
    Unknown,
    /// Never left this machine (connection refused, DNS failure).
    NotSent,
}

/// One write, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// The profile the write went through (`demo`, `prod-hz`).
    pub profile: String,
    /// The API user the request was authenticated as.
    pub user: String,
    /// `POST`, `PUT`, `DELETE` …
    pub method: String,
    /// The request path (`/api/v2/ob/clusters/22/upgrade`); a query string is dropped.
    pub path: String,
    /// The task the write started, when the answer named one.
    pub task_id: Option<String>,
    pub outcome: AuditOutcome,
}

impl AuditEntry {
    /// An entry for a write that was accepted and started no task; set the rest with the builders.
    pub fn new(
        profile: impl Into<String>,
        user: impl Into<String>,
        method: impl Into<String>,
        path: impl Into<String>,
    ) -> AuditEntry {
        AuditEntry {
            profile: profile.into(),
            user: user.into(),
            method: method.into(),
            path: path.into(),
            task_id: None,
            outcome: AuditOutcome::Accepted,
        }
    }

    pub fn task_id(mut self, id: impl ToString) -> AuditEntry {
        self.task_id = Some(id.to_string());
        self
    }

    pub fn outcome(mut self, outcome: AuditOutcome) -> AuditEntry {
        self.outcome = outcome;
        self
    }

    /// The JSON line for this entry at `unix_ms` (without the trailing newline).
    pub fn to_json_line(&self, unix_ms: i64) -> String {
        let mut m = Map::new();
        m.insert(
            "time".into(),
            Value::String(obtui_api::time::format_utc(unix_ms)),
        );
        m.insert("profile".into(), Value::String(clean(&self.profile)));
        m.insert("user".into(), Value::String(clean(&self.user)));
        m.insert(
            "method".into(),
            Value::String(clean(&self.method).to_ascii_uppercase()),
        );
        m.insert("path".into(), Value::String(clean(strip_query(&self.path))));
        if let Some(id) = &self.task_id {
            m.insert("task_id".into(), Value::String(clean(id)));
        }
        match &self.outcome {
            AuditOutcome::Accepted => {
                m.insert("outcome".into(), json!("accepted"));
            }
            AuditOutcome::Rejected { status, code } => {
                m.insert("outcome".into(), json!("rejected"));
                m.insert("status".into(), json!(status));
                if let Some(c) = code {
                    m.insert("code".into(), Value::String(clean(c)));
                }
            }
            AuditOutcome::Unknown => {
                m.insert("outcome".into(), json!("unknown"));
            }
            AuditOutcome::NotSent => {
                m.insert("outcome".into(), json!("not_sent"));
            }
        }
        Value::Object(m).to_string()
    }
}

/// Query strings may carry tokens; the path alone says what was changed.
fn strip_query(path: &str) -> &str {
    path.split(['?', '#']).next().unwrap_or("")
}

/// Control characters dropped and the length capped, so an entry is always one readable line.
fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .take(MAX_FIELD)
        .collect()
}

/// Appends entries to `audit.log`. Cheap to share (`&self`); lines from several threads never
/// interleave.
#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    lock: Mutex<()>,
    rotate_at: u64,
    /// A write that cannot be audited is refused before it is sent (`audit_required`, the
    /// default); when false it goes out with a warning.
    required: bool,
}

impl AuditLog {
    /// `$XDG_STATE_HOME/obtui/audit.log`.
    pub fn from_paths(paths: &Paths) -> AuditLog {
        AuditLog::at(paths.state_dir.join("audit.log"))
    }

    /// An audit log at an explicit file (tests, `--state-dir` style overrides).
    pub fn at(path: impl Into<PathBuf>) -> AuditLog {
        AuditLog {
            path: path.into(),
            lock: Mutex::new(()),
            rotate_at: ROTATE_AT,
            required: true,
        }
    }

    /// Whether a write that cannot be audited is refused (`audit_required` in config.toml;
    /// true unless set to false).
    pub fn required(mut self, required: bool) -> AuditLog {
        self.required = required;
        self
    }

    pub fn is_required(&self) -> bool {
        self.required
    }

    /// Can a line be appended now? Creates the directory and the file (0600) as a write
    /// would, and writes nothing. Asked before every write is sent.
    pub fn check(&self) -> io::Result<()> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(dir) = self.path.parent() {
            create_private_dir(dir)?;
        }
        self.open().map(|_| ())
    }

    /// Before a write: `Ok(None)` when it can be audited; `Ok(Some(warning))` when it cannot
    /// but is allowed to go out (`audit_required = false`); `Err(why)` when it must not be
    /// sent. The words name the file and the setting.
    pub fn gate(&self) -> Result<Option<String>, String> {
        match self.check() {
            Ok(()) => Ok(None),
            Err(e) if self.required => Err(format!(
                "not sent: the audit log {} cannot be written ({e}); fix it, or set audit_required = false in config.toml to write without it",
                self.path.display()
            )),
            Err(e) => Ok(Some(format!(
                "the audit log {} cannot be written ({e}): this write is not recorded (audit_required = false)",
                self.path.display()
            ))),
        }
    }

    fn open(&self) -> io::Result<std::fs::File> {
        let mut opts = OpenOptions::new();
        opts.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        opts.open(&self.path)
    }

    /// Rotate at `bytes` instead of [`ROTATE_AT`] (tests).
    pub fn with_rotate_at(mut self, bytes: u64) -> AuditLog {
        self.rotate_at = bytes;
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append one entry stamped with the current time. The file and its directory are created on
    /// first use; the file is kept at mode 0600 even if someone loosened it.
    pub fn record(&self, entry: &AuditEntry) -> io::Result<()> {
        self.record_at(entry, obtui_api::time::now_ms())
    }

    /// Append one entry stamped with `unix_ms`.
    pub fn record_at(&self, entry: &AuditEntry, unix_ms: i64) -> io::Result<()> {
        let mut line = entry.to_json_line(unix_ms);
        line.push('\n');
        // A poisoned lock only means another writer panicked; the file is still usable.
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(dir) = self.path.parent() {
            create_private_dir(dir)?;
        }
        rotate(&self.path, self.rotate_at, KEEP)?;
        let mut f = self.open()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = f.metadata()?.permissions().mode() & 0o777;
            if mode != 0o600 {
                f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
            }
        }
        // One write call per line: O_APPEND keeps concurrent processes from splicing lines.
        f.write_all(line.as_bytes())?;
        f.flush()
    }
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{SystemTime, UNIX_EPOCH};

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "obtui-audit-{name}-{}-{}",
            std::process::id(),
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        ));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    fn lines(p: &Path) -> Vec<Value> {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn gate_refuses_by_default_and_warns_when_not_required() {
        let d = tmp("gate");
        let ok = AuditLog::at(d.join("audit.log"));
        assert_eq!(ok.gate(), Ok(None));
        // The path is a directory: nothing can be appended.
        let dir = d.join("dir.log");
        std::fs::create_dir_all(&dir).unwrap();
        let refused = AuditLog::at(&dir).gate().unwrap_err();
        assert!(
            refused.starts_with("not sent") && refused.contains("audit_required"),
            "{refused}"
        );
        let warned = AuditLog::at(&dir).required(false).gate().unwrap().unwrap();
        assert!(warned.contains("not recorded"), "{warned}");
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn line_has_every_field_and_nothing_else() {
        let e = AuditEntry::new(
            "prod",
            "admin",
            "post",
            "/api/v2/ob/clusters/22/upgrade?x=1",
        )
        .task_id(13089035);
        let v: Value = serde_json::from_str(&e.to_json_line(0)).unwrap();
        assert_eq!(
            v,
            json!({
                "time": "1970-01-01T00:00:00Z",
                "profile": "prod",
                "user": "admin",
                "method": "POST",
                "path": "/api/v2/ob/clusters/22/upgrade",
                "task_id": "13089035",
                "outcome": "accepted",
            })
        );
    }

    #[test]
    fn outcomes_serialise() {
        let base = AuditEntry::new("p", "u", "DELETE", "/x");
        let rej = base.clone().outcome(AuditOutcome::Rejected {
            status: 409,
            code: Some("TASK_RUNNING".into()),
        });
        let v: Value = serde_json::from_str(&rej.to_json_line(0)).unwrap();
        assert_eq!(v["outcome"], "rejected");
        assert_eq!(v["status"], 409);
        assert_eq!(v["code"], "TASK_RUNNING");
        assert!(v.get("task_id").is_none());
        for (o, s) in [
            (AuditOutcome::Unknown, "unknown"),
            (AuditOutcome::NotSent, "not_sent"),
        ] {
            let v: Value = serde_json::from_str(&base.clone().outcome(o).to_json_line(0)).unwrap();
            assert_eq!(v["outcome"], s);
        }
    }

    #[test]
    fn control_characters_cannot_forge_a_second_line() {
        let e = AuditEntry::new("p\n{\"forged\":1}", "u\r", "POST", "/a\u{1b}[2J");
        let line = e.to_json_line(0);
        assert!(!line.contains('\n') && !line.contains('\r') && !line.contains('\u{1b}'));
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["profile"], "p{\"forged\":1}");
        let long = AuditEntry::new("p", "u", "POST", "/".repeat(10_000)).to_json_line(0);
        assert!(long.len() < 2_000);
    }

    #[test]
    fn record_creates_a_private_file_and_appends() {
        let dir = tmp("create");
        let paths = Paths::resolve(|k| match k {
            "XDG_STATE_HOME" => Some(dir.clone()),
            "HOME" => Some(dir.clone()),
            _ => None,
        });
        let log = AuditLog::from_paths(&paths);
        assert_eq!(log.path(), dir.join("obtui").join("audit.log"));
        assert!(!log.path().exists(), "nothing is created before a write");
        log.record(&AuditEntry::new("p", "u", "POST", "/a"))
            .unwrap();
        log.record(&AuditEntry::new("p", "u", "PUT", "/b").task_id("7"))
            .unwrap();
        let v = lines(log.path());
        assert_eq!(v.len(), 2);
        assert_eq!(v[0]["path"], "/a");
        assert_eq!(v[1]["task_id"], "7");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(log.path()).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn loosened_permissions_are_tightened_again() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tmp("perm");
        let log = AuditLog::at(dir.join("audit.log"));
        log.record(&AuditEntry::new("p", "u", "POST", "/a"))
            .unwrap();
        std::fs::set_permissions(log.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
        log.record(&AuditEntry::new("p", "u", "POST", "/b"))
            .unwrap();
        let mode = std::fs::metadata(log.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn rotates_when_over_the_limit() {
        let dir = tmp("rotate");
        let log = AuditLog::at(dir.join("audit.log")).with_rotate_at(300);
        for i in 0..20 {
            log.record(&AuditEntry::new("p", "u", "POST", format!("/w/{i}")))
                .unwrap();
        }
        let live = std::fs::metadata(log.path()).unwrap().len();
        assert!(live <= 300 + 200, "live file stays near the limit: {live}");
        assert!(dir.join("audit.log.1").exists());
        assert!(!dir.join(format!("audit.log.{}", KEEP + 1)).exists());
        // The newest entry is in the live file, whole.
        let v = lines(log.path());
        assert_eq!(v.last().unwrap()["path"], "/w/19");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn concurrent_writers_never_splice_lines() {
        let dir = tmp("threads");
        let log = std::sync::Arc::new(AuditLog::at(dir.join("audit.log")));
        let hs: Vec<_> = (0..8)
            .map(|t| {
                let log = log.clone();
                std::thread::spawn(move || {
                    for i in 0..50 {
                        log.record(&AuditEntry::new("p", "u", "POST", format!("/t{t}/{i}")))
                            .unwrap();
                    }
                })
            })
            .collect();
        for h in hs {
            h.join().unwrap();
        }
        assert_eq!(lines(log.path()).len(), 400);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn unwritable_location_is_an_error_not_a_panic() {
        let dir = tmp("blocked");
        std::fs::create_dir_all(&dir).unwrap();
        // A file where the directory should be.
        std::fs::write(dir.join("state"), b"x").unwrap();
        let log = AuditLog::at(dir.join("state").join("audit.log"));
        assert!(log
            .record(&AuditEntry::new("p", "u", "POST", "/a"))
            .is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
