//! Logging with `tracing`: to a bounded, rotated file while the TUI runs (never to the
//! terminal it draws on), to stderr for the headless commands.
//!
//! Levels: `-v` info, `-vv` debug, `-vvv` trace; `RUST_LOG` (e.g. `obtui=debug`) overrides.
//! The file rotates at start when it is over [`ROTATE_AT`] (keeping [`KEEP`] old files) and stops
//! growing during a run at [`CAP`], so a long session cannot fill a disk.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tracing_subscriber::EnvFilter;

pub const ROTATE_AT: u64 = 5 * 1024 * 1024;
pub const CAP: u64 = 20 * 1024 * 1024;
pub const KEEP: usize = 3;

/// A file writer that stops at a size cap (writing one final note).
pub struct BoundedFile {
    file: Option<File>,
    written: u64,
    cap: u64,
}

impl BoundedFile {
    pub fn open(path: &Path, cap: u64) -> io::Result<BoundedFile> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
            // The state directory holds the log and the audit log: this user's eyes only.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
            }
        }
        let mut opts = OpenOptions::new();
        opts.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = opts.open(path)?;
        let written = file.metadata().map(|m| m.len()).unwrap_or(0);
        Ok(BoundedFile {
            file: Some(file),
            written,
            cap,
        })
    }
}

impl Write for BoundedFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Some(f) = self.file.as_mut() else {
            return Ok(buf.len());
        };
        if self.written + buf.len() as u64 > self.cap {
            let _ = f.write_all(b"obtui: log size cap reached; further lines are dropped\n");
            let _ = f.flush();
            self.file = None;
            return Ok(buf.len());
        }
        f.write_all(buf)?;
        self.written += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.file.as_mut() {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

/// `obtui.log` → `obtui.log.1` → … → `obtui.log.KEEP` when it is over `limit`.
pub fn rotate(path: &Path, limit: u64, keep: usize) -> io::Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if m.len() > limit => {}
        _ => return Ok(()),
    }
    let numbered = |n: usize| -> PathBuf {
        let mut s = path.as_os_str().to_owned();
        s.push(format!(".{n}"));
        PathBuf::from(s)
    };
    let _ = std::fs::remove_file(numbered(keep));
    for n in (1..keep).rev() {
        let _ = std::fs::rename(numbered(n), numbered(n + 1));
    }
    std::fs::rename(path, numbered(1))
}

fn filter(verbosity: u8) -> EnvFilter {
    if let Ok(f) = EnvFilter::try_from_default_env() {
        return f;
    }
    let level = match verbosity {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    EnvFilter::new(format!("obtui={level},warn"))
}

#[derive(Clone)]
struct Shared(Arc<Mutex<BoundedFile>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.0.lock() {
            Ok(mut f) => f.write(buf),
            Err(_) => Ok(buf.len()),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self.0.lock() {
            Ok(mut f) => f.flush(),
            Err(_) => Ok(()),
        }
    }
}

/// Log to the file (for the TUI). Returns a warning when the file cannot be used; logging is
/// then off, and obtui runs anyway.
pub fn init_file(path: &Path, verbosity: u8) -> Option<String> {
    if let Err(e) = rotate(path, ROTATE_AT, KEEP) {
        return Some(format!("cannot rotate the log {}: {e}", path.display()));
    }
    let file = match BoundedFile::open(path, CAP) {
        Ok(f) => f,
        Err(e) => {
            return Some(format!(
                "cannot open the log {}: {e}; logging is off",
                path.display()
            ))
        }
    };
    let shared = Shared(Arc::new(Mutex::new(file)));
    let r = tracing_subscriber::fmt()
        .with_env_filter(filter(verbosity))
        .with_ansi(false)
        .with_writer(move || shared.clone())
        .try_init();
    r.err().map(|e| format!("logging: {e}"))
}

/// Log to stderr (headless commands: sim, watch).
pub fn init_stderr(verbosity: u8) {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter(verbosity))
        .with_writer(io::stderr)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("obtui-log-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn the_file_stops_at_its_cap() {
        let d = tmp("cap");
        let p = d.join("obtui.log");
        let mut f = BoundedFile::open(&p, 1000).unwrap();
        for _ in 0..100 {
            f.write_all(&[b'x'; 50]).unwrap();
        }
        f.flush().unwrap();
        let len = std::fs::metadata(&p).unwrap().len();
        assert!(len <= 1100, "{len}");
        assert!(std::fs::read_to_string(&p).unwrap().contains("cap reached"));
    }

    #[test]
    fn rotation_keeps_a_bounded_number_of_files() {
        let d = tmp("rot");
        let p = d.join("obtui.log");
        for round in 0..6 {
            std::fs::write(&p, vec![b'a' + round as u8; 200]).unwrap();
            rotate(&p, 100, 3).unwrap();
        }
        assert!(!p.exists());
        let names: Vec<String> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 3, "{names:?}");
        // The newest rotation is .1.
        assert_eq!(std::fs::read(d.join("obtui.log.1")).unwrap()[0], b'f');
        // Small files are left alone.
        std::fs::write(&p, b"small").unwrap();
        rotate(&p, 100, 3).unwrap();
        assert!(p.exists());
    }
}
