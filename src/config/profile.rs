//! `config.toml`: named profiles (OCP and obshell endpoints) and their settings.
//!
//! ```toml
//! default_profile = "prod"
//! audit_required = true  # refuse a write whose audit line cannot be written (the default)
//! time_zone = "local"    # times on screen: "local" (default), "utc" or "server"
//!
//! [profiles.prod]
//! url = "http://ocp.example:8080"
//! user = "admin"
//! password_command = "pass show ocp/admin"   # recommended: nothing secret in this file
//! # or, instead of a password, sign every request with an OCP AccessKey (OCP >= 4.0.3):
//! # access_key_id = "gDCcIqbkJJINjXBn"
//! # access_key_secret_command = "pass show ocp/ak-secret"
//! read_only = true
//! theme = "default"
//! refresh = 5            # seconds between refreshes of the visible pane
//! production = true      # header in the warning colour
//! ```

use obtui_api::secret::Secret;
use obtui_api::time::ZoneSetting;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// One endpoint and how to use it. Every field is optional so flags can fill the rest.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// OCP base URL, e.g. `http://10.0.0.1:8080`.
    pub url: Option<String>,
    pub user: Option<String>,
    /// A shell command whose first line of output is the password.
    pub password_command: Option<String>,
    /// A plaintext password. Discouraged (a warning is shown); prefer `password_command`.
    pub password: Option<String>,
    /// An OCP AccessKey id (AK): every request is signed with it, no password is used.
    pub access_key_id: Option<String>,
    /// A shell command whose first line of output is the AccessKey secret (SK). The secret is
    /// never kept in this file.
    pub access_key_secret_command: Option<String>,
    pub read_only: Option<bool>,
    pub theme: Option<String>,
    /// Refresh interval in seconds.
    pub refresh: Option<f64>,
    /// Mark the profile as production: the header uses the warning colour.
    pub production: Option<bool>,
    /// obshell agent URL, e.g. `http://10.0.0.1:2886`.
    pub obshell_url: Option<String>,
    pub obshell_password_command: Option<String>,
    /// Which password the obshell password is: `root` (root@sys, the default; sent in
    /// `X-OCS-Header`) or `agent` (the agent password, sent in `X-OCS-Agent-Header`: what
    /// obshell accepts while the cluster's OceanBase password is not yet initialized).
    pub obshell_auth: Option<String>,
    /// PEM file of a private CA for https.
    pub cacert: Option<String>,
    /// Accept any TLS certificate (shown with a red badge).
    pub insecure: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub default_profile: Option<String>,
    /// A write whose audit line cannot be written is refused before it is sent (the default,
    /// true); `false` sends it anyway, with a warning on screen and in the log.
    pub audit_required: Option<bool>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// Action name → key (or key sequence). Validated by the key registry.
    #[serde(default)]
    pub keys: BTreeMap<String, String>,
    /// The zone every time on screen is shown in: `local` (the default), `utc`, or
    /// `server` (the offset the server writes its timestamps with).
    pub time_zone: Option<String>,
}

impl ConfigFile {
    /// Parse the text of a config file. Errors name the line.
    pub fn parse(text: &str) -> Result<ConfigFile, String> {
        let cfg = toml::from_str::<ConfigFile>(text)
            .map_err(|e| obtui_api::cut_long_lines(e.to_string().trim()))?;
        if let Some(z) = &cfg.time_zone {
            if ZoneSetting::parse(z).is_none() {
                return Err(format!(
                    "time_zone: {} is not one of \"local\", \"utc\", \"server\"",
                    obtui_api::quote_input(z)
                ));
            }
        }
        Ok(cfg)
    }

    /// The `time_zone` setting (checked by [`ConfigFile::parse`]; local when unset).
    pub fn zone_setting(&self) -> ZoneSetting {
        self.time_zone
            .as_deref()
            .and_then(ZoneSetting::parse)
            .unwrap_or_default()
    }

    /// Load from disk. A missing file is an empty config, not an error.
    pub fn load(path: &Path) -> Result<ConfigFile, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ConfigFile::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// The profile to use: the named one (an error if absent), else `default_profile`, else
    /// an empty profile (flags supply everything).
    pub fn select(&self, name: Option<&str>) -> Result<(String, Profile), String> {
        let wanted = name
            .map(str::to_string)
            .or_else(|| self.default_profile.clone());
        match wanted {
            Some(n) => match self.profiles.get(&n) {
                Some(p) => Ok((n, p.clone())),
                None => {
                    let known: Vec<&str> = self.profiles.keys().map(String::as_str).collect();
                    Err(format!(
                        "no profile {} in the config file (known: {})",
                        obtui_api::quote_input(&n),
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ))
                }
            },
            None => Ok(("default".to_string(), Profile::default())),
        }
    }
}

/// A config file with a plaintext password is warned about, and refused when other users can
/// read it (group or world permission bits). Returns the warning to show.
pub fn check_plaintext_passwords(path: &Path, cfg: &ConfigFile) -> Result<Option<String>, String> {
    let with_pw: Vec<&str> = cfg
        .profiles
        .iter()
        .filter(|(_, p)| p.password.is_some())
        .map(|(n, _)| n.as_str())
        .collect();
    if with_pw.is_empty() {
        return Ok(None);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path) {
            let mode = m.permissions().mode();
            if mode & 0o077 != 0 {
                return Err(format!(
                    "{} holds a plaintext password (profile {}) and other users can read it (mode {:o}); run `chmod 600 {}` or, better, use password_command",
                    path.display(),
                    with_pw.join(", "),
                    mode & 0o777,
                    path.display()
                ));
            }
        }
    }
    Ok(Some(format!(
        "profile {} keeps a plaintext password in {}; password_command is safer",
        with_pw.join(", "),
        path.display()
    )))
}

/// Everything needed to connect, after flags and the profile are merged.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub profile_name: String,
    pub url: String,
    pub user: String,
    pub read_only: bool,
    pub theme: Option<String>,
    pub refresh: Duration,
    pub production: bool,
    pub password_command: Option<String>,
    pub plaintext_password: Option<Secret>,
    pub ca_cert: Option<std::path::PathBuf>,
    pub insecure: bool,
    pub obshell_url: Option<String>,
    pub obshell_password_command: Option<String>,
    /// From `obshell_auth`.
    pub obshell_password_kind: obtui_api::obshell::PasswordKind,
    pub access_key_id: Option<String>,
    pub access_key_secret_command: Option<String>,
}

pub const DEFAULT_REFRESH: Duration = Duration::from_secs(5);

/// Why a profile cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProfileError {
    #[error("no OCP URL: pass --url, or pick a profile with a url or obshell_url (--profile), or try `obtui demo`")]
    NoUrl,
    #[error("{0}")]
    BadUrl(String),
    #[error("obshell_url: {0}")]
    BadObshellUrl(String),
    #[error("obshell_auth must be \"root\" or \"agent\", not {0:?}")]
    BadObshellAuth(String),
    #[error("refresh must be between 0.5 and 3600 seconds, not {0}")]
    Refresh(f64),
}

/// The command line's layer over a profile: each field that is set wins.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub url: Option<String>,
    pub user: Option<String>,
    /// `--read-only` can only turn read-only on.
    pub read_only: bool,
    pub theme: Option<String>,
    pub refresh: Option<f64>,
    pub ca_cert: Option<std::path::PathBuf>,
    /// `--insecure` can only turn certificate checks off.
    pub insecure: bool,
}

/// Resolves what to connect to in layers, each over the one before: the built-in defaults,
/// the config file's profile, then the command line's flags.
///
/// ```
/// # use obtui::config::profile::{Flags, Profile, Resolver};
/// let p = Profile { url: Some("http://ocp:8080/".into()), ..Profile::default() };
/// let r = Resolver::new("prod")
///     .profile(&p)
///     .flags(Flags { user: Some("ops".into()), ..Flags::default() })
///     .resolve()
///     .unwrap();
/// assert_eq!((r.url.as_str(), r.user.as_str()), ("http://ocp:8080", "ops"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Resolver {
    name: String,
    profile: Profile,
    flags: Flags,
}

impl Resolver {
    pub fn new(name: impl Into<String>) -> Resolver {
        Resolver {
            name: name.into(),
            ..Resolver::default()
        }
    }

    /// The config file's layer.
    pub fn profile(mut self, p: &Profile) -> Resolver {
        self.profile = p.clone();
        self
    }

    /// The command line's layer.
    pub fn flags(mut self, f: Flags) -> Resolver {
        self.flags = f;
        self
    }

    /// Merge the layers and check the result; the URL is required unless an obshell agent is.
    pub fn resolve(&self) -> Result<Resolved, ProfileError> {
        let (p, f) = (&self.profile, &self.flags);
        // An obshell agent alone is enough: then there is no OCP URL (empty).
        let url = match f.url.clone().or_else(|| p.url.clone()) {
            Some(u) => {
                validate_url(&u).map_err(ProfileError::BadUrl)?;
                u
            }
            None if p.obshell_url.is_some() => String::new(),
            None => return Err(ProfileError::NoUrl),
        };
        if let Some(o) = &p.obshell_url {
            validate_url(o).map_err(ProfileError::BadObshellUrl)?;
        }
        let obshell_password_kind = match p.obshell_auth.as_deref().map(str::trim) {
            None | Some("root") => obtui_api::obshell::PasswordKind::RootSys,
            Some("agent") => obtui_api::obshell::PasswordKind::Agent,
            Some(other) => return Err(ProfileError::BadObshellAuth(other.to_string())),
        };
        let refresh = f
            .refresh
            .or(p.refresh)
            .unwrap_or(DEFAULT_REFRESH.as_secs_f64());
        if !(0.5..=3600.0).contains(&refresh) {
            return Err(ProfileError::Refresh(refresh));
        }
        Ok(Resolved {
            profile_name: self.name.clone(),
            url: url.trim_end_matches('/').to_string(),
            user: f
                .user
                .clone()
                .or_else(|| p.user.clone())
                .unwrap_or_else(|| "admin".to_string()),
            read_only: f.read_only || p.read_only.unwrap_or(false),
            theme: f.theme.clone().or_else(|| p.theme.clone()),
            refresh: Duration::from_secs_f64(refresh),
            production: p.production.unwrap_or(false),
            password_command: p.password_command.clone(),
            plaintext_password: p.password.clone().map(Secret::new),
            ca_cert: f
                .ca_cert
                .clone()
                .or_else(|| p.cacert.as_ref().map(std::path::PathBuf::from)),
            insecure: f.insecure || p.insecure.unwrap_or(false),
            obshell_url: p.obshell_url.clone(),
            obshell_password_command: p.obshell_password_command.clone(),
            obshell_password_kind,
            // The environment's id wins over the profile's.
            access_key_id: std::env::var("OBTUI_ACCESS_KEY_ID")
                .ok()
                .or_else(|| p.access_key_id.clone())
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
            access_key_secret_command: p.access_key_secret_command.clone(),
        })
    }
}

pub fn validate_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| {
            format!(
                "URL must start with http:// or https://: {}",
                obtui_api::quote_input(url)
            )
        })?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!("URL has no host: {}", obtui_api::quote_input(url)));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "URL contains spaces or control characters: {}",
            obtui_api::quote_input(url)
        ));
    }
    Ok(())
}

/// An `http://` URL to a host other than loopback: passwords cross the network in clear.
pub fn is_plain_http_remote(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', '?']).next().unwrap_or("");
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host),
    };
    !(host == "localhost" || host == "::1" || host.starts_with("127."))
}

/// The obshell agent's password: `OBTUI_OBSHELL_PASSWORD`, else `obshell_password_command`;
/// `None` means "the same as the OCP password".
pub fn obshell_password(r: &Resolved) -> Result<Option<Secret>, String> {
    if let Ok(p) = std::env::var("OBTUI_OBSHELL_PASSWORD") {
        if !p.is_empty() {
            return Ok(Some(Secret::new(p)));
        }
    }
    match &r.obshell_password_command {
        Some(c) => run_password_command(c)
            .map(Some)
            .map_err(|e| format!("obshell_password_command: {e}")),
        None => Ok(None),
    }
}

/// Every environment variable obtui reads a secret from. None of them reaches a child
/// process (`password_command` and `obshell_password_command` run without them).
pub const SECRET_ENV: &[&str] = &[
    "OBTUI_PASSWORD",
    "OBTUI_OBSHELL_PASSWORD",
    "OBTUI_ACCESS_KEY_SECRET",
];

/// The AccessKey id OCP requests are signed with: `OBTUI_ACCESS_KEY_ID`, else the profile's
/// `access_key_id` (merged by [`Resolver::resolve`]); `None`: HTTP Basic with a password.
pub fn access_key_id(r: &Resolved) -> Option<String> {
    r.access_key_id.clone()
}

/// How OCP requests authenticate, in words (never the secret): for `config check`, `doctor`
/// and the start-up messages.
pub fn auth_description(r: &Resolved) -> String {
    match access_key_id(r) {
        Some(id) => {
            let secret = if std::env::var_os("OBTUI_ACCESS_KEY_SECRET").is_some() {
                "secret from OBTUI_ACCESS_KEY_SECRET".to_string()
            } else if let Some(c) = &r.access_key_secret_command {
                format!("secret from access_key_secret_command `{c}`")
            } else {
                "no secret: set OBTUI_ACCESS_KEY_SECRET or access_key_secret_command".to_string()
            };
            format!("AccessKey {id} (AK/SK signature; {secret})")
        }
        None => format!("{} with a password (HTTP Basic)", r.user),
    }
}

/// The AccessKey to sign OCP requests with, when one is configured: its id
/// ([`access_key_id`]) and its secret from `OBTUI_ACCESS_KEY_SECRET`, else from
/// `access_key_secret_command`. `None`: no access key (HTTP Basic). An id without a secret is
/// an error, never a silent fall back to a password.
pub fn known_access_key(r: &Resolved) -> Option<Result<obtui_api::ocp::AccessKey, String>> {
    let id = access_key_id(r)?;
    if let Ok(sk) = std::env::var("OBTUI_ACCESS_KEY_SECRET") {
        if !sk.is_empty() {
            return Some(Ok(obtui_api::ocp::AccessKey::new(id, Secret::new(sk))));
        }
    }
    Some(match &r.access_key_secret_command {
        Some(c) => run_password_command(c)
            .map(|sk| obtui_api::ocp::AccessKey::new(id, sk))
            .map_err(|e| format!("access_key_secret_command: {e}")),
        None => Err(format!(
            "access key {id} has no secret: set OBTUI_ACCESS_KEY_SECRET or access_key_secret_command"
        )),
    })
}

/// The OCP password without asking: `OBTUI_PASSWORD`, else the profile's `password_command`,
/// else its plaintext `password`; `None` when only a prompt is left. The same sources at start
/// and for a profile switched to at run time.
pub fn known_password(r: &Resolved) -> Option<Result<Secret, String>> {
    if let Ok(p) = std::env::var("OBTUI_PASSWORD") {
        if !p.is_empty() {
            return Some(Ok(Secret::new(p)));
        }
    }
    if let Some(cmd) = &r.password_command {
        return Some(run_password_command(cmd));
    }
    r.plaintext_password.clone().map(Ok)
}

/// The password prompt for a profile: it names the user and the endpoint the password is for
/// (the obshell agent's URL when the profile has no OCP URL).
pub fn password_prompt(r: &Resolved) -> String {
    match (&r.obshell_url, r.url.is_empty()) {
        (Some(agent), true) => format!("Password for the obshell agent at {agent}"),
        _ => format!("Password for {} at {}", r.user, r.url),
    }
}

/// Run `password_command` with `sh -c` and take the first line of its output. The child
/// gets obtui's environment without its secrets ([`SECRET_ENV`]).
pub fn run_password_command(cmd: &str) -> Result<Secret, String> {
    let mut command = std::process::Command::new("sh");
    for var in SECRET_ENV {
        command.env_remove(var);
    }
    let out = command
        .arg("-c")
        .arg(cmd)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("password_command could not start: {e}"))?;
    if !out.status.success() {
        return Err(format!("password_command failed ({})", out.status));
    }
    let mut bytes = zeroize::Zeroizing::new(out.stdout);
    let text = String::from_utf8(std::mem::take(&mut *bytes))
        .map_err(|_| "password_command printed non-UTF-8 output".to_string())?;
    let text = zeroize::Zeroizing::new(text);
    let line = text.lines().next().unwrap_or("").trim_end_matches('\r');
    if line.is_empty() {
        return Err("password_command printed nothing".to_string());
    }
    Ok(Secret::new(line))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
default_profile = "prod"
[profiles.prod]
url = "http://ocp.example:8080/"
user = "ops"
password_command = "echo s3cret"
read_only = true
refresh = 10
[profiles.lab]
url = "http://lab:8080"
"#;

    #[test]
    fn default_profile_and_flags_override() {
        let cfg = ConfigFile::parse(SAMPLE).unwrap();
        let (name, p) = cfg.select(None).unwrap();
        assert_eq!(name, "prod");
        let r = Resolver::new(name.clone()).profile(&p).resolve().unwrap();
        assert_eq!(r.url, "http://ocp.example:8080");
        assert_eq!(r.user, "ops");
        assert!(r.read_only);
        assert_eq!(r.refresh, Duration::from_secs(10));
        let flags = Flags {
            url: Some("http://other:1".into()),
            user: Some("root".into()),
            refresh: Some(2.0),
            insecure: true,
            ..Flags::default()
        };
        let r = Resolver::new(name)
            .profile(&p)
            .flags(flags)
            .resolve()
            .unwrap();
        assert_eq!(r.url, "http://other:1");
        assert_eq!(r.user, "root");
        assert_eq!(r.refresh, Duration::from_secs(2));
        assert!(r.read_only, "a flag left unset keeps the profile's value");
        assert!(r.insecure);
    }

    /// `obshell_auth` picks which password (and so which header) the obshell client sends;
    /// an unknown value is refused rather than read as the default.
    #[test]
    fn obshell_auth_picks_the_password_kind() {
        use obtui_api::obshell::PasswordKind;
        let kind = |v: Option<&str>| {
            let p = Profile {
                obshell_url: Some("http://10.0.0.1:2886".into()),
                obshell_auth: v.map(str::to_string),
                ..Profile::default()
            };
            Resolver::new("a").profile(&p).resolve()
        };
        assert_eq!(
            kind(None).unwrap().obshell_password_kind,
            PasswordKind::RootSys
        );
        assert_eq!(
            kind(Some("root")).unwrap().obshell_password_kind,
            PasswordKind::RootSys
        );
        assert_eq!(
            kind(Some("agent")).unwrap().obshell_password_kind,
            PasswordKind::Agent
        );
        assert_eq!(
            kind(Some("Agent")).unwrap_err(),
            ProfileError::BadObshellAuth("Agent".into())
        );
    }

    #[test]
    fn layers_are_checked_after_merging() {
        let p = Profile::default();
        assert_eq!(
            Resolver::new("x").profile(&p).resolve().unwrap_err(),
            ProfileError::NoUrl
        );
        let p = Profile {
            obshell_url: Some("http://10.0.0.1:2886".into()),
            ..Profile::default()
        };
        let r = Resolver::new("agent").profile(&p).resolve().unwrap();
        assert_eq!(r.url, "", "an obshell agent alone needs no OCP URL");
        let bad = Flags {
            refresh: Some(0.1),
            ..Flags::default()
        };
        let e = Resolver::new("agent")
            .profile(&p)
            .flags(bad)
            .resolve()
            .unwrap_err();
        assert_eq!(e, ProfileError::Refresh(0.1));
        let bad = Flags {
            url: Some("ftp://x".into()),
            ..Flags::default()
        };
        let e = Resolver::new("agent")
            .profile(&p)
            .flags(bad)
            .resolve()
            .unwrap_err();
        assert!(matches!(e, ProfileError::BadUrl(_)), "{e:?}");
    }

    #[test]
    fn unknown_profile_lists_known_ones() {
        let cfg = ConfigFile::parse(SAMPLE).unwrap();
        let e = cfg.select(Some("nope")).unwrap_err();
        assert!(e.contains("lab, prod"), "{e}");
    }

    #[test]
    fn unknown_key_is_an_error_naming_the_line() {
        let e = ConfigFile::parse("[profiles.a]\nurll = \"x\"\n").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        assert!(e.contains("urll"), "{e}");
    }

    #[test]
    fn plain_http_to_remote_hosts_is_flagged() {
        assert!(is_plain_http_remote("http://10.0.0.1:8080"));
        assert!(is_plain_http_remote("http://ocp.example/api"));
        assert!(!is_plain_http_remote("http://127.0.0.1:8080"));
        assert!(!is_plain_http_remote("http://localhost:8080"));
        assert!(!is_plain_http_remote("http://[::1]:8080"));
        assert!(!is_plain_http_remote("https://10.0.0.1:8080"));
    }

    #[test]
    fn bad_urls_rejected() {
        assert!(validate_url("ocp:8080").is_err());
        assert!(validate_url("http://").is_err());
        assert!(validate_url("http://a b").is_err());
        assert!(validate_url("https://ocp:8080").is_ok());
    }

    #[test]
    fn plaintext_passwords_warned_and_refused_when_readable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("obtui-pw-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.toml");
        let text = "[profiles.a]\nurl = \"http://x:1\"\npassword = \"hunter2\"\n";
        std::fs::write(&path, text).unwrap();
        let cfg = ConfigFile::parse(text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = check_plaintext_passwords(&path, &cfg).unwrap_err();
        assert!(e.contains("chmod 600") && !e.contains("hunter2"), "{e}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let w = check_plaintext_passwords(&path, &cfg).unwrap().unwrap();
        assert!(w.contains("plaintext") && !w.contains("hunter2"));
        let clean = ConfigFile::parse("[profiles.a]\nurl = \"http://x:1\"\n").unwrap();
        assert_eq!(check_plaintext_passwords(&path, &clean), Ok(None));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_access_key_profile_signs_and_its_secret_comes_from_a_command() {
        let cfg = ConfigFile::parse(
            "[profiles.ak]\nurl = \"http://ocp:8080\"\naccess_key_id = \"gDCcIqbkJJINjXBn\"\naccess_key_secret_command = \"printf 'sk-1\\\\n'\"\n",
        )
        .unwrap();
        let (name, p) = cfg.select(Some("ak")).unwrap();
        let r = Resolver::new(name).profile(&p).resolve().unwrap();
        assert_eq!(r.access_key_id.as_deref(), Some("gDCcIqbkJJINjXBn"));
        let d = auth_description(&r);
        assert!(
            d.contains("AccessKey gDCcIqbkJJINjXBn") && d.contains("AK/SK"),
            "{d}"
        );
        let k = known_access_key(&r).unwrap().unwrap();
        assert_eq!(
            (k.id.as_str(), k.secret.expose()),
            ("gDCcIqbkJJINjXBn", "sk-1")
        );
        // An id without any secret is an error, not a fall back to a password.
        let bare = Resolved {
            access_key_secret_command: None,
            ..r.clone()
        };
        let e = known_access_key(&bare).unwrap().unwrap_err();
        assert!(e.contains("no secret"), "{e}");
        // The secret itself has no setting: it cannot be written into the file.
        let e = ConfigFile::parse("[profiles.a]\naccess_key_secret = \"sk\"\n").unwrap_err();
        assert!(e.contains("access_key_secret"), "{e}");
        // Without an id: HTTP Basic.
        let basic = Resolved {
            access_key_id: None,
            ..r
        };
        assert!(known_access_key(&basic).is_none());
        assert!(auth_description(&basic).contains("HTTP Basic"));
    }

    #[test]
    fn password_command_first_line() {
        let s = run_password_command("printf 'pw1\\nignored\\n'").unwrap();
        assert_eq!(s.expose(), "pw1");
        assert!(run_password_command("exit 3").is_err());
        assert!(run_password_command("true").is_err());
    }

    #[test]
    fn the_prompt_names_the_endpoint() {
        let ocp = Resolver::new("p")
            .profile(&Profile {
                url: Some("http://ocp:8080".into()),
                ..Profile::default()
            })
            .resolve()
            .unwrap();
        assert_eq!(
            password_prompt(&ocp),
            "Password for admin at http://ocp:8080"
        );
        let agent = Resolver::new("a")
            .profile(&Profile {
                obshell_url: Some("http://agent:2886".into()),
                ..Profile::default()
            })
            .resolve()
            .unwrap();
        assert_eq!(
            password_prompt(&agent),
            "Password for the obshell agent at http://agent:2886"
        );
    }
}
