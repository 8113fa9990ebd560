//! `obtui doctor`: one command an operator runs on a new jump host, or when something looks
//! wrong. A checklist of the terminal, the config file, the state directory and the server,
//! each line PASS, WARN, FAIL or SKIP with what was found and, when it is not a pass, what to
//! do about it. Exit status 0 unless a check failed; `--json` for scripts.
//!
//! Nothing secret is printed: a password is only ever said to be there (and where it came
//! from), never shown; a URL is printed without any credentials it carries.

mod local;
mod server;
mod terminal;

use crate::config::{profile, Paths};
use obtui_api::secret::Secret;
use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;

/// The verdict of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    Pass,
    Warn,
    Fail,
    /// Not run: what it needs is missing or failed before it.
    Skip,
}

impl Status {
    fn word(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
            Status::Skip => "SKIP",
        }
    }
}

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// `terminal`, `config`, `state` or `server`.
    pub section: &'static str,
    pub name: String,
    pub status: Status,
    /// What was found.
    pub detail: String,
    /// What to do, for anything but a pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    fn new(section: &'static str, name: &str, status: Status, detail: impl Into<String>) -> Check {
        Check {
            section,
            name: name.to_string(),
            status,
            detail: detail.into(),
            fix: None,
        }
    }

    fn fix(mut self, fix: impl Into<String>) -> Check {
        self.fix = Some(fix.into());
        self
    }
}

/// What `obtui doctor` was asked.
#[derive(Debug, Clone, Default)]
pub struct DoctorOpts {
    pub json: bool,
}

/// Collects the checks and prints each as it comes (text), or all at the end (`--json`).
struct Report<W: Write> {
    checks: Vec<Check>,
    out: W,
    json: bool,
}

impl<W: Write> Report<W> {
    fn heading(&mut self, title: &str) {
        if !self.json {
            let _ = writeln!(self.out, "\n{title}");
            let _ = self.out.flush();
        }
    }

    fn add(&mut self, c: Check) {
        if !self.json {
            let _ = write!(self.out, "{}", render_line(&c));
            let _ = self.out.flush();
        }
        self.checks.push(c);
    }

    fn extend(&mut self, cs: impl IntoIterator<Item = Check>) {
        for c in cs {
            self.add(c);
        }
    }

    fn count(&self, s: Status) -> usize {
        self.checks.iter().filter(|c| c.status == s).count()
    }

    fn finish(mut self) -> ExitCode {
        let (pass, warn, fail, skip) = (
            self.count(Status::Pass),
            self.count(Status::Warn),
            self.count(Status::Fail),
            self.count(Status::Skip),
        );
        if self.json {
            let doc = serde_json::json!({
                "version": env!("CARGO_PKG_VERSION"),
                "checks": self.checks,
                "summary": {"pass": pass, "warn": warn, "fail": fail, "skip": skip},
                "ok": fail == 0,
            });
            let _ = writeln!(self.out, "{doc:#}");
        } else {
            let warnings = if warn == 1 { "warning" } else { "warnings" };
            let _ = writeln!(
                self.out,
                "\n{pass} passed, {fail} failed, {warn} {warnings}, {skip} skipped"
            );
        }
        let _ = self.out.flush();
        if fail == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }
    }
}

/// `  PASS  name        detail` (a detail of several lines goes on under itself) and, below,
/// `        fix: …`.
pub fn render_line(c: &Check) -> String {
    let detail = c.detail.trim_end().replace('\n', &format!("\n{:24}", ""));
    let mut s = format!("  {}  {:<15} {}\n", c.status.word(), c.name, detail);
    if let Some(f) = &c.fix {
        s.push_str(&format!("        fix: {f}\n"));
    }
    s
}

/// Run every check and print the checklist. Exit 1 when a check failed.
pub fn run(paths: &Paths, global: &super::GlobalOpts, opts: &DoctorOpts) -> ExitCode {
    let stdout = std::io::stdout();
    let mut r = Report {
        checks: Vec::new(),
        out: stdout.lock(),
        json: opts.json,
    };
    if !opts.json {
        let _ = writeln!(r.out, "obtui doctor {}", env!("CARGO_PKG_VERSION"));
    }

    r.heading("terminal");
    let probe = terminal::Probe::from_process();
    // A password is asked for only in a terminal that answered the probe (one that did not may
    // still have a reader waiting on it).
    let can_prompt = probe.interactive && !probe.silent;
    r.extend(terminal::checks(&probe));

    r.heading(&format!("config  {}", paths.config_file.display()));
    let cfg = local::config_checks(paths, global, &mut |c| r.add(c));

    // The server: the profile (or flags) resolved as obtui itself would, and its password
    // (a config check: where it comes from).
    let target = cfg
        .as_ref()
        .map(|cfg| local::resolve_target(cfg, global))
        .unwrap_or(local::TargetChoice::NotResolved(
            "the config file does not parse".into(),
        ));
    let (password, access_key) = match &target {
        local::TargetChoice::Resolved(resolved) if profile::access_key_id(resolved).is_some() => {
            (None, local::access_key_check(resolved, &mut |c| r.add(c)))
        }
        local::TargetChoice::Resolved(resolved) => (
            local::password_check(resolved, can_prompt, &mut |c| r.add(c)),
            None,
        ),
        _ => (None, None),
    };

    r.heading(&format!("state  {}", paths.state_dir.display()));
    r.extend(local::state_checks(paths, cfg.as_ref()));

    match target {
        local::TargetChoice::None => {
            r.heading("server");
            r.add(
                Check::new(
                    "server",
                    "server",
                    Status::Skip,
                    "no server given: no --url, no --profile and no default_profile",
                )
                .fix("obtui doctor --url https://ocp:8080 --user admin, or --profile NAME"),
            );
        }
        local::TargetChoice::NotResolved(why) => {
            r.heading("server");
            r.add(
                Check::new("server", "server", Status::Skip, why)
                    .fix("fix the config errors above, or pass --url"),
            );
        }
        local::TargetChoice::Resolved(resolved) => {
            server_section(&mut r, &resolved, password, access_key)
        }
    }
    r.finish()
}

fn server_section<W: Write>(
    r: &mut Report<W>,
    resolved: &profile::Resolved,
    password: Option<Secret>,
    access_key: Option<obtui_api::ocp::AccessKey>,
) {
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            r.heading("server");
            r.add(Check::new(
                "server",
                "runtime",
                Status::Fail,
                format!("cannot start the async runtime: {e}"),
            ));
            return;
        }
    };
    if !resolved.url.is_empty() {
        r.heading(&format!(
            "server  OCP {}  (profile {}, user {})",
            server::display_url(&resolved.url),
            resolved.profile_name,
            resolved.user
        ));
        let t = server::Target {
            url: resolved.url.clone(),
            user: resolved.user.clone(),
            password: password.clone(),
            access_key,
            ca_cert: resolved.ca_cert.clone(),
            insecure: resolved.insecure,
            obshell_password_kind: Default::default(),
        };
        rt.block_on(server::ocp_checks(&t, &mut |c| r.add(c)));
    }
    if let Some(agent) = &resolved.obshell_url {
        r.heading(&format!(
            "server  obshell {}  (profile {})",
            server::display_url(agent),
            resolved.profile_name
        ));
        // The agent's own password when one is configured, else the OCP password.
        let agent_password = match profile::obshell_password(resolved) {
            Ok(Some(p)) => Some(p),
            Ok(None) => password.clone(),
            Err(e) => {
                r.add(
                    Check::new("server", "obshell password", Status::Fail, e)
                        .fix("run obshell_password_command by hand: it must print the password and exit 0"),
                );
                None
            }
        };
        let t = server::Target {
            url: agent.clone(),
            user: "root".into(),
            password: agent_password,
            access_key: None,
            ca_cert: resolved.ca_cert.clone(),
            insecure: resolved.insecure,
            obshell_password_kind: resolved.obshell_password_kind,
        };
        rt.block_on(server::obshell_checks(&t, &mut |c| r.add(c)));
    }
}
