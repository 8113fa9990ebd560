//! Saving a task log to a file (`Ctrl-S` in the DAG view): a new file in the state
//! directory (else the working directory), never over an existing one.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Most numbered variants tried before giving up (`name.log`, `name-1.log`, …).
const MAX_TRIES: u32 = 1000;

/// Write `text` to `<dir>/<name>.log`, or `<name>-N.log` when that exists, in the first of
/// `dirs` that can be written. Returns the path written.
pub fn save_log(dirs: &[PathBuf], name: &str, text: &str) -> Result<PathBuf, String> {
    let mut last = String::from("no directory to write to");
    for dir in dirs {
        if let Err(e) = std::fs::create_dir_all(dir) {
            last = format!("{}: {e}", dir.display());
            continue;
        }
        match save_in(dir, name, text) {
            Ok(p) => return Ok(p),
            Err(e) => last = e,
        }
    }
    Err(last)
}

fn save_in(dir: &Path, name: &str, text: &str) -> Result<PathBuf, String> {
    for n in 0..MAX_TRIES {
        let file = if n == 0 {
            format!("{name}.log")
        } else {
            format!("{name}-{n}.log")
        };
        let path = dir.join(file);
        // create_new: an existing file (or one created meanwhile) is never overwritten.
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                return f
                    .write_all(text.as_bytes())
                    .and_then(|_| f.flush())
                    .map(|_| path.clone())
                    .map_err(|e| format!("{}: {e}", path.display()));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
    }
    Err(format!(
        "{}: {MAX_TRIES} files named {name}*.log already",
        dir.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_overwrites_and_numbers_the_next_file() {
        let dir = std::env::temp_dir().join(format!("obtui-save-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let a = save_log(std::slice::from_ref(&dir), "task-1-2", "first\n").unwrap();
        let b = save_log(std::slice::from_ref(&dir), "task-1-2", "second\n").unwrap();
        assert_eq!(a, dir.join("task-1-2.log"));
        assert_eq!(b, dir.join("task-1-2-1.log"));
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "first\n");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "second\n");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
