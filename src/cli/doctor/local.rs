//! The checks of this host: the config file (parsed, permissions, profiles, themes, keys),
//! the password source (reachable, never shown), and the state directory (writable, the
//! audit log and the log file).

use super::{Check, Status};
use crate::cli::GlobalOpts;
use crate::config::{profile, ConfigFile, Paths, Theme};
use obtui_api::secret::Secret;

const C: &str = "config";
const ST: &str = "state";

/// What the server section connects to.
#[derive(Debug)]
pub enum TargetChoice {
    /// No URL from the flags, no profile: nothing to check.
    None,
    /// The chosen profile cannot be used (why).
    NotResolved(String),
    Resolved(Box<profile::Resolved>),
}

/// The config file's checks; returns the parsed file (None when it does not parse).
pub fn config_checks(
    paths: &Paths,
    g: &GlobalOpts,
    emit: &mut dyn FnMut(Check),
) -> Option<ConfigFile> {
    let path = &paths.config_file;
    let shown = path.display().to_string();
    let meta = match std::fs::metadata(path) {
        Ok(m) => Some(m),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            emit(Check::new(
                C,
                "config file",
                Status::Pass,
                "not present: obtui runs on flags alone (README, Configuration, has the format)",
            ));
            None
        }
        Err(e) => {
            emit(
                Check::new(
                    C,
                    "config file",
                    Status::Fail,
                    format!("cannot read it: {e}"),
                )
                .fix(format!(
                    "check the permissions of {shown} and its directory"
                )),
            );
            return None;
        }
    };
    let cfg = match ConfigFile::load(path) {
        Ok(c) => c,
        Err(e) => {
            emit(
                Check::new(C, "config file", Status::Fail, e)
                    .fix("correct the line named (unknown keys are refused); `obtui config check` checks it again"),
            );
            return None;
        }
    };
    if let Some(m) = &meta {
        emit(Check::new(
            C,
            "config file",
            Status::Pass,
            format!(
                "parsed: {} profile(s){}",
                cfg.profiles.len(),
                cfg.default_profile
                    .as_deref()
                    .map(|d| format!(", default {d}"))
                    .unwrap_or_default()
            ),
        ));
        emit(permissions(path, m, &cfg));
    }
    // Profiles: each resolves, and the one asked for exists.
    if let Some(d) = &cfg.default_profile {
        if !cfg.profiles.contains_key(d) {
            emit(
                Check::new(
                    C,
                    "default_profile",
                    Status::Fail,
                    format!("{} names no profile", obtui_api::quote_input(d)),
                )
                .fix("name one of the [profiles.NAME] tables, or remove default_profile"),
            );
        }
    }
    if let Some(want) = g.first_profile() {
        if !cfg.profiles.contains_key(want) {
            let known: Vec<&str> = cfg.profiles.keys().map(String::as_str).collect();
            emit(
                Check::new(
                    C,
                    "profile",
                    Status::Fail,
                    format!(
                        "--profile {}: no such profile (known: {})",
                        obtui_api::quote_input(want),
                        if known.is_empty() {
                            "none".into()
                        } else {
                            known.join(", ")
                        }
                    ),
                )
                .fix("pick a profile from the list, or add [profiles.NAME] to the config file"),
            );
        }
    }
    for (name, p) in &cfg.profiles {
        match profile::Resolver::new(name.clone()).profile(p).resolve() {
            Ok(_) => {}
            Err(e) => emit(
                Check::new(C, &format!("profile {name}"), Status::Fail, e.to_string())
                    .fix("correct the profile's url / obshell_url / refresh"),
            ),
        }
    }
    if !cfg.profiles.is_empty() {
        let names: Vec<&str> = cfg.profiles.keys().map(String::as_str).collect();
        emit(Check::new(C, "profiles", Status::Pass, names.join(", ")));
    }
    // Theme and keys.
    let theme = g.theme.clone().or_else(|| {
        cfg.select(g.first_profile())
            .ok()
            .and_then(|(_, p)| p.theme)
    });
    let (t, warn) = Theme::select(theme.as_deref(), false, &paths.themes_dir);
    match warn {
        Some(w) => emit(Check::new(C, "theme", Status::Warn, w).fix(format!(
            "fix the theme file in {}, or pick a built-in theme (default, light, mono)",
            paths.themes_dir.display()
        ))),
        None => emit(Check::new(C, "theme", Status::Pass, t.name.to_string())),
    }
    let (_, warnings) = crate::app::actions::Keymap::with_overrides(&cfg.keys);
    if warnings.is_empty() {
        if !cfg.keys.is_empty() {
            emit(Check::new(
                C,
                "keys",
                Status::Pass,
                format!("{} rebinding(s)", cfg.keys.len()),
            ));
        }
    } else {
        emit(
            Check::new(C, "keys", Status::Warn, warnings.join("; "))
                .fix("correct the [keys] entries named (`?` in obtui lists the action names)"),
        );
    }
    Some(cfg)
}

/// Who may read the config file. It names servers and users and may name password commands;
/// with a plaintext password obtui refuses it when others can read it.
fn permissions(path: &std::path::Path, m: &std::fs::Metadata, cfg: &ConfigFile) -> Check {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let shown = path.display();
    let mode = m.permissions().mode() & 0o777;
    if let Err(e) = profile::check_plaintext_passwords(path, cfg) {
        return Check::new(C, "permissions", Status::Fail, e).fix(format!("chmod 600 {shown}"));
    }
    let me = rustix::process::getuid().as_raw();
    if m.uid() != me {
        return Check::new(
            C,
            "permissions",
            Status::Warn,
            format!("owned by uid {}, not by you (uid {me})", m.uid()),
        )
        .fix(format!("chown {me} {shown}"));
    }
    if mode & 0o077 != 0 {
        return Check::new(
            C,
            "permissions",
            Status::Warn,
            format!("mode {mode:03o}: other users can read it"),
        )
        .fix(format!("chmod 600 {shown}"));
    }
    Check::new(C, "permissions", Status::Pass, format!("mode {mode:03o}"))
}

/// The server to check: the flags over the chosen profile, as obtui resolves them.
pub fn resolve_target(cfg: &ConfigFile, g: &GlobalOpts) -> TargetChoice {
    let (name, prof) = match cfg.select(g.first_profile()) {
        Ok(x) => x,
        Err(e) => return TargetChoice::NotResolved(e),
    };
    if g.url.is_none() && prof.url.is_none() && prof.obshell_url.is_none() {
        return TargetChoice::None;
    }
    match profile::Resolver::new(name)
        .profile(&prof)
        .flags(super::super::flags(g))
        .resolve()
    {
        Ok(r) => TargetChoice::Resolved(Box::new(r)),
        Err(e) => TargetChoice::NotResolved(e.to_string()),
    }
}

/// Where the password comes from, and whether it can be had (never shown). A prompt only when
/// `can_prompt` (an interactive terminal that answered).
pub fn password_check(
    r: &profile::Resolved,
    can_prompt: bool,
    emit: &mut dyn FnMut(Check),
) -> Option<Secret> {
    let from_env = std::env::var("OBTUI_PASSWORD").is_ok_and(|p| !p.is_empty());
    let source = if from_env {
        "OBTUI_PASSWORD".to_string()
    } else if let Some(c) = &r.password_command {
        format!("password_command `{c}`")
    } else if r.plaintext_password.is_some() {
        "the config file (plaintext)".to_string()
    } else {
        String::new()
    };
    match profile::known_password(r) {
        Some(Ok(p)) => {
            emit(Check::new(
                C,
                "password",
                Status::Pass,
                format!("from {source} (not shown)"),
            ));
            Some(p)
        }
        Some(Err(e)) => {
            emit(
                Check::new(C, "password", Status::Fail, format!("{source}: {e}"))
                    .fix("run the command by hand: it must print the password on its first line and exit 0"),
            );
            None
        }
        None if can_prompt => {
            match super::super::prompt_password(&format!("{}: ", profile::password_prompt(r))) {
                Ok(p) => {
                    emit(Check::new(
                        C,
                        "password",
                        Status::Pass,
                        "typed at the prompt (not shown)",
                    ));
                    Some(p)
                }
                Err(e) => {
                    emit(
                        Check::new(C, "password", Status::Warn, format!("none given ({e})"))
                            .fix("set OBTUI_PASSWORD, or password_command in the profile"),
                    );
                    None
                }
            }
        }
        None => {
            emit(
                Check::new(C, "password", Status::Warn, "no password source, and no terminal to ask in: authentication is not checked")
                    .fix("set OBTUI_PASSWORD, or password_command in the profile (e.g. `pass show ocp/admin`)"),
            );
            None
        }
    }
}

/// Where the AccessKey's secret comes from, and whether it can be had (never shown).
pub fn access_key_check(
    r: &profile::Resolved,
    emit: &mut dyn FnMut(Check),
) -> Option<obtui_api::ocp::AccessKey> {
    let what = profile::auth_description(r);
    match profile::known_access_key(r)? {
        Ok(k) => {
            emit(Check::new(
                C,
                "access key",
                Status::Pass,
                format!("{what} (secret not shown)"),
            ));
            Some(k)
        }
        Err(e) => {
            emit(
                Check::new(C, "access key", Status::Fail, e).fix(
                    "set OBTUI_ACCESS_KEY_SECRET, or access_key_secret_command (it must print the secret on its first line and exit 0)",
                ),
            );
            None
        }
    }
}

/// The state directory, the audit log and the log file.
pub fn state_checks(paths: &Paths, cfg: Option<&ConfigFile>) -> Vec<Check> {
    let mut v = Vec::new();
    let dir = &paths.state_dir;
    let probe = dir.join(format!(".doctor-{}", std::process::id()));
    let writable = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&probe, b""))
        .and_then(|()| std::fs::remove_file(&probe));
    match writable {
        Ok(()) => v.push(Check::new(
            ST,
            "state dir",
            Status::Pass,
            format!("{} is writable", dir.display()),
        )),
        Err(e) => v.push(
            Check::new(
                ST,
                "state dir",
                Status::Fail,
                format!("{}: {e}", dir.display()),
            )
            .fix(format!(
                "mkdir -p {0} && chmod 700 {0}, or set XDG_STATE_HOME to a writable directory",
                dir.display()
            )),
        ),
    }
    let required = cfg.and_then(|c| c.audit_required).unwrap_or(true);
    let audit = crate::audit::AuditLog::from_paths(paths).required(required);
    match audit.check() {
        Ok(()) => v.push(Check::new(
            ST,
            "audit log",
            Status::Pass,
            format!("{} can be appended to", audit.path().display()),
        )),
        Err(e) => {
            let status = if required { Status::Fail } else { Status::Warn };
            let what = if required {
                "every write (create, upgrade, retry, …) is refused until it can be"
            } else {
                "writes go out unrecorded (audit_required = false)"
            };
            v.push(
                Check::new(
                    ST,
                    "audit log",
                    status,
                    format!("{}: {e}: {what}", audit.path().display()),
                )
                .fix(format!("make {} writable by you", audit.path().display())),
            );
        }
    }
    let log =
        crate::config::logging::BoundedFile::open(&paths.log_file, crate::config::logging::CAP);
    match log {
        Ok(_) => v.push(Check::new(
            ST,
            "log file",
            Status::Pass,
            format!("{} can be appended to", paths.log_file.display()),
        )),
        Err(e) => v.push(
            Check::new(
                ST,
                "log file",
                Status::Warn,
                format!(
                    "{}: {e}: obtui runs without its log",
                    paths.log_file.display()
                ),
            )
            .fix(format!("make {} writable by you", paths.log_file.display())),
        ),
    }
    v
}
