//! Every path obtui reads or writes, in one place (`obtui info` prints them all).

use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Paths {
    /// `$XDG_CONFIG_HOME/obtui` (default `~/.config/obtui`).
    pub config_dir: PathBuf,
    /// `config_dir/config.toml`.
    pub config_file: PathBuf,
    /// `config_dir/themes`: user themes, looked up before the built-in ones.
    pub themes_dir: PathBuf,
    /// `$XDG_STATE_HOME/obtui` (default `~/.local/state/obtui`).
    pub state_dir: PathBuf,
    /// `state_dir/obtui.log`.
    pub log_file: PathBuf,
}

impl Paths {
    /// Resolve from the environment (XDG base directories, falling back to `$HOME`, then `/tmp`).
    pub fn from_env() -> Paths {
        Self::resolve(|k| std::env::var_os(k).map(PathBuf::from))
    }

    pub fn resolve(env: impl Fn(&str) -> Option<PathBuf>) -> Paths {
        let nonempty = |k: &str| env(k).filter(|p| !p.as_os_str().is_empty() && p.is_absolute());
        let home = nonempty("HOME").unwrap_or_else(|| PathBuf::from("/tmp"));
        let config_home = nonempty("XDG_CONFIG_HOME").unwrap_or_else(|| home.join(".config"));
        let state_home =
            nonempty("XDG_STATE_HOME").unwrap_or_else(|| home.join(".local").join("state"));
        let config_dir = config_home.join("obtui");
        let state_dir = state_home.join("obtui");
        Paths {
            config_file: config_dir.join("config.toml"),
            themes_dir: config_dir.join("themes"),
            log_file: state_dir.join("obtui.log"),
            config_dir,
            state_dir,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xdg_wins_over_home() {
        let p = Paths::resolve(|k| match k {
            "HOME" => Some("/home/dba".into()),
            "XDG_CONFIG_HOME" => Some("/cfg".into()),
            _ => None,
        });
        assert_eq!(p.config_file, PathBuf::from("/cfg/obtui/config.toml"));
        assert_eq!(
            p.log_file,
            PathBuf::from("/home/dba/.local/state/obtui/obtui.log")
        );
    }

    #[test]
    fn relative_xdg_is_ignored() {
        let p = Paths::resolve(|k| match k {
            "HOME" => Some("/home/dba".into()),
            "XDG_CONFIG_HOME" => Some("relative".into()),
            _ => None,
        });
        assert_eq!(p.config_dir, PathBuf::from("/home/dba/.config/obtui"));
    }
}
