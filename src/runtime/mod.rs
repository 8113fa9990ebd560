//! The event loop: input, poller messages, timers and signals in; frames out.
//!
//! Frames are drawn only when something changed, at most one per ~16 ms, each wrapped in
//! synchronized output (DEC mode 2026) so SSH and tmux never show a half-drawn screen.

use crate::app::actions::Keymap;
use crate::app::notify::Level;
use crate::app::state::{App, Effect, Settings};
use crate::config::{profile::Resolved, ConfigFile, Paths, Theme};
use crate::model::jobs::ViewJob;
use crate::model::jobs::{LogJob, TaskJob};
use crate::model::view::ViewData;
use crate::poll::fetch::{self, Backends};
use crate::poll::{self, Outcome, PollerHandle};
pub mod fleet;
pub mod harden;
pub mod memory;
pub mod save;
pub mod term;

use anyhow::{anyhow, Context, Result};
use crossterm::event::EventStream;
use futures_util::StreamExt;
use obtui_api::ocp::{OcpClient, OcpConfig};
use obtui_api::secret::Secret;
use obtui_api::ApiError;
use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Messages from background work to the app.
pub enum Msg {
    View(Outcome<ViewJob, ViewData, ApiError>),
    /// The first pages of a big list on its first load (the complete answer follows as `View`).
    ViewProgress(crate::model::view::ViewProgress),
    Info(Result<String, ApiError>),
    Task(Outcome<TaskJob, obtui_task::TaskGraph, ApiError>),
    Log(Outcome<LogJob, String, ApiError>),
    OpDone {
        task: String,
        op: obtui_task::Op,
        node: Option<String>,
        result: Result<(), ApiError>,
    },
    WizardData(crate::app::wizard::DataResponse),
    WizardPrecheck(
        Result<crate::model::wizard::precheck::PrecheckAnswer, crate::model::wizard::WizardError>,
    ),
    WizardSubmit(
        crate::app::wizard::SubmitOutcome,
        crate::app::wizard::TaskLookup,
    ),
    WizardFound(crate::app::wizard::LookupReport),
    /// The header's count of active alarms (see `poll::alarms`).
    AlarmCounts(Result<crate::model::alarm::AlarmCounts, ApiError>),
    /// New lines about this run for the help overlay.
    Notes(Vec<String>),
    /// One object's JSON for the raw view (and how it was obtained, when not its own answer).
    Raw(
        crate::model::jobs::RawTarget,
        Result<(String, Option<String>), ApiError>,
    ),
    /// A fleet member's message (the index of its profile).
    Member(usize, Box<Msg>),
}

const FRAME: Duration = Duration::from_millis(16);

/// One connection to a server and the pollers that use it. Switching profile or logging in
/// again builds a new session; dropping the old one stops its pollers.
pub struct Session {
    pub backends: Backends,
    pub view: PollerHandle<ViewJob>,
    pub task: PollerHandle<TaskJob>,
    pub log: PollerHandle<LogJob>,
    tx: mpsc::Sender<Msg>,
    /// Every write sent is recorded here (never a body or a secret).
    audit: Option<Auditor>,
}

/// The audit log plus who is writing.
#[derive(Clone)]
struct Auditor {
    log: std::sync::Arc<crate::audit::AuditLog>,
    profile: String,
    user: String,
}

impl Auditor {
    /// Record one write and its outcome; a failure to record is logged, never fatal.
    fn record(&self, method: &str, path: &str, result: Result<Option<String>, &ApiError>) {
        use crate::audit::{AuditEntry, AuditOutcome};
        let mut e = AuditEntry::new(&self.profile, &self.user, method, path);
        match result {
            Ok(Some(task)) => e = e.task_id(task),
            Ok(None) => {}
            Err(err) => {
                // The write rule (ApiError::write_outcome): only the server's own refusal
                // is `rejected`; a gateway's bare 5xx or a lost answer is `unknown`.
                let outcome = match (err.write_outcome(), err) {
                    (obtui_api::WriteOutcome::Unknown, _) => AuditOutcome::Unknown,
                    (obtui_api::WriteOutcome::NotSent, _) => AuditOutcome::NotSent,
                    (_, ApiError::Server { status, code, .. }) => AuditOutcome::Rejected {
                        status: *status,
                        code: code.clone(),
                    },
                    (_, e) => match e.status() {
                        Some(status) => AuditOutcome::Rejected { status, code: None },
                        None => AuditOutcome::NotSent,
                    },
                };
                e = e.outcome(outcome);
            }
        }
        if let Err(err) = self.log.record(&e) {
            tracing::warn!(
                "cannot write the audit log {}: {err}",
                self.log.path().display()
            );
        }
    }
}

impl Auditor {
    fn record_submit(&self, method: &str, path: &str, o: &crate::app::wizard::SubmitOutcome) {
        use crate::app::wizard::SubmitOutcome;
        use crate::audit::{AuditEntry, AuditOutcome};
        let e = AuditEntry::new(&self.profile, &self.user, method, path);
        let e = match o {
            SubmitOutcome::Ok(id) => e.task_id(id),
            SubmitOutcome::Many(ids) => e.task_id(ids.join(",")),
            SubmitOutcome::Err(err) => match err.status {
                Some(status) => e.outcome(AuditOutcome::Rejected {
                    status,
                    code: err.code.clone(),
                }),
                None => e.outcome(AuditOutcome::NotSent),
            },
            SubmitOutcome::Unknown => e.outcome(AuditOutcome::Unknown),
        };
        if let Err(err) = self.log.record(&e) {
            tracing::warn!(
                "cannot write the audit log {}: {err}",
                self.log.path().display()
            );
        }
    }
}

/// The method and path of a task operation, for the audit log.
fn op_request(
    backend: obtui_task::Backend,
    task: &str,
    op: obtui_task::Op,
    node: Option<&str>,
) -> (&'static str, String) {
    use obtui_task::{Backend, Op};
    match (backend, node) {
        (Backend::Obshell, Some(n)) => ("POST", format!("/api/v1/task/node/{n}")),
        (Backend::Obshell, None) => ("POST", format!("/api/v1/task/dag/{task}")),
        (Backend::Ocp, Some(n)) => (
            "POST",
            format!("/api/v2/tasks/instances/{task}/subtasks/{n}/{}", op.name()),
        ),
        (Backend::Ocp, None) => {
            let verb = if op == Op::Rollback {
                "rollback"
            } else {
                op.name()
            };
            ("POST", format!("/api/v2/tasks/instances/{task}/{verb}"))
        }
    }
}

impl Session {
    /// Connect to the profile's OCP (when it has a URL) and obshell agent (when it has one).
    /// The obshell agent uses `obshell_password`, or the OCP password when none is given.
    pub fn start(
        r: &Resolved,
        password: Secret,
        obshell_password: Option<Secret>,
        tx: &mpsc::Sender<Msg>,
    ) -> Result<Session, String> {
        let ocp = if r.url.is_empty() {
            None
        } else {
            // With an access key every OCP request is signed; its secret is read again at each
            // session start (`:login` re-reads it).
            let access_key = crate::config::profile::known_access_key(r).transpose()?;
            Some(
                OcpClient::new(OcpConfig {
                    base_url: r.url.clone(),
                    user: r.user.clone(),
                    password: password.clone(),
                    access_key,
                    accept_language: "en-US".into(),
                    connect_timeout: Duration::from_secs(5),
                    request_timeout: Duration::from_secs(20),
                    ca_cert: r.ca_cert.clone(),
                    insecure: r.insecure,
                })
                .map_err(|e| e.to_string())?,
            )
        };
        let obshell = match &r.obshell_url {
            Some(u) => {
                let mut cfg = obtui_api::obshell::ObshellConfig::new(
                    u.clone(),
                    obshell_password.unwrap_or(password),
                );
                cfg.password_kind = r.obshell_password_kind;
                Some(
                    obtui_api::obshell::ObshellClient::new(cfg)
                        .map_err(|e| format!("obshell: {e}"))?,
                )
            }
            None => None,
        };
        let backends = Backends { ocp, obshell };
        let view = spawn_view_poller(backends.clone(), tx.clone());
        let task = {
            let b = backends.clone();
            poll::spawn(
                move |job| fetch::fetch_task(b.clone(), job),
                Msg::Task,
                tx.clone(),
            )
        };
        let log = {
            let b = backends.clone();
            poll::spawn(
                move |job| fetch::fetch_log(b.clone(), job),
                Msg::Log,
                tx.clone(),
            )
        };
        let session_tx = tx.clone();
        let b = backends.clone();
        let tx = tx.clone();
        tokio::spawn(async move {
            let r = match (&b.ocp, &b.obshell) {
                (Some(c), _) => c
                    .info()
                    .await
                    .map(|i| format!("OCP {}", i.version().unwrap_or("?"))),
                (None, Some(o)) => o
                    .info()
                    .await
                    .map(|i| format!("obshell {} · OB {}", i.version, i.ob_version)),
                (None, None) => Ok("no server".into()),
            };
            let _ = tx.send(Msg::Info(r)).await;
        });
        Ok(Session {
            backends,
            view,
            task,
            log,
            tx: session_tx,
            audit: None,
        })
    }

    /// Record every write of this session in the audit log.
    pub fn with_audit(
        mut self,
        log: std::sync::Arc<crate::audit::AuditLog>,
        profile: &str,
        user: &str,
    ) -> Session {
        self.audit = Some(Auditor {
            log,
            profile: profile.to_string(),
            user: user.to_string(),
        });
        self
    }

    /// Why the next write must not be sent: its audit line cannot be written and
    /// `audit_required` is on (the default).
    fn audit_refusal(&self) -> Option<String> {
        let a = self.audit.as_ref()?;
        let why = a.log.gate().err()?;
        tracing::warn!("{why}");
        Some(why)
    }

    /// The warning to show before `e` is sent, when it is a write that cannot be audited but
    /// may go out anyway (`audit_required = false`).
    pub fn audit_warning(&self, e: &Effect) -> Option<String> {
        use crate::app::wizard::WizardEffect;
        let write = match e {
            Effect::Operate { .. } => true,
            Effect::Wizard(w) => matches!(**w, WizardEffect::Submit(_)),
            _ => false,
        };
        if !write {
            return None;
        }
        self.audit.as_ref()?.log.gate().ok().flatten()
    }

    /// Point every poller at what the screen shows now (no-ops when unchanged).
    pub fn steer(&self, app: &App) {
        self.view.set(app.view_job(), app.settings.refresh);
        match app.task_job() {
            Some((job, every)) => self.task.set(Some(job), every),
            None => self.task.set(None, app.settings.refresh),
        }
        match app.log_job() {
            Some((job, every)) => self.log.set(Some(job), every),
            None => self.log.set(None, app.settings.refresh),
        }
    }

    /// A wizard's network work, in the background; answers come back as messages. Each request
    /// names its server (OCP, or the obshell agent); a missing one is answered as an error.
    pub fn wizard(&self, e: crate::app::wizard::WizardEffect) {
        use crate::app::wizard::WizardEffect;
        let tx = self.tx.clone();
        let b = self.backends.clone();
        match e {
            WizardEffect::NeedData(req) => {
                tokio::spawn(async move {
                    let r = crate::poll::wizard::fetch_data(&b, req).await;
                    let _ = tx.send(Msg::WizardData(r)).await;
                });
            }
            WizardEffect::RunPrecheck(req) => {
                tokio::spawn(async move {
                    let r = crate::poll::wizard::precheck(&b, req).await;
                    let _ = tx.send(Msg::WizardPrecheck(r)).await;
                });
            }
            WizardEffect::Submit(mut req) => {
                let audit = self.audit.clone();
                if let Some(why) = self.audit_refusal() {
                    req.write.wipe();
                    let o =
                        crate::app::wizard::SubmitOutcome::from_result(Err(ApiError::Request(why)));
                    tokio::spawn(async move {
                        let _ = tx.send(Msg::WizardSubmit(o, req.lookup.clone())).await;
                    });
                    return;
                }
                tokio::spawn(async move {
                    let o = crate::poll::wizard::submit(&b, &req).await;
                    if let Some(a) = &audit {
                        a.record_submit(req.write.method(), &req.write.path(), &o);
                    }
                    // The request's secrets are not needed any more.
                    req.write.wipe();
                    let _ = tx.send(Msg::WizardSubmit(o, req.lookup.clone())).await;
                });
            }
            WizardEffect::FindTask(lookup, backend) => {
                tokio::spawn(async move {
                    let r = crate::poll::wizard::find(&b, &lookup, backend).await;
                    let _ = tx.send(Msg::WizardFound(r)).await;
                });
            }
            WizardEffect::Close
            | WizardEffect::OpenTask(_)
            | WizardEffect::OpenTaskGroup(_)
            | WizardEffect::App(_) => {}
        }
    }

    /// Send a confirmed operation once, in the background; the answer comes back as a message.
    /// It is never re-sent: after a timeout the outcome is unknown and the next poll shows it.
    pub fn operate(
        &self,
        task: String,
        backend: obtui_task::Backend,
        op: obtui_task::Op,
        node: Option<String>,
    ) {
        let b = self.backends.clone();
        let tx = self.tx.clone();
        let task_poller = self.task.clone_sender();
        let audit = self.audit.clone();
        if let Some(why) = self.audit_refusal() {
            tokio::spawn(async move {
                let result = Err(ApiError::Request(why));
                let _ = tx
                    .send(Msg::OpDone {
                        task,
                        op,
                        node,
                        result,
                    })
                    .await;
            });
            return;
        }
        tokio::spawn(async move {
            let result = fetch::operate(&b, backend, &task, op, node.as_deref()).await;
            if let Some(a) = &audit {
                let (method, path) = op_request(backend, &task, op, node.as_deref());
                a.record(method, &path, result.as_ref().map(|_| None));
            }
            let _ = tx
                .send(Msg::OpDone {
                    task,
                    op,
                    node,
                    result,
                })
                .await;
            task_poller.send_modify(|t| t.nonce = t.nonce.wrapping_add(1));
        });
    }
}

/// The passwords for a profile switched to at run time, from the same sources as at start
/// (`None`: only a prompt is left for the OCP one).
fn profile_password(r: &Resolved) -> Option<Result<(Secret, Option<Secret>), String>> {
    use crate::config::profile::{access_key_id, known_password, obshell_password};
    if access_key_id(r).is_some() {
        // Requests are signed with the access key: no password to ask for.
        return Some(obshell_password(r).map(|o| (Secret::default(), o)));
    }
    Some(known_password(r)?.and_then(|pw| Ok((pw, obshell_password(r)?))))
}

/// How the TUI was asked to run.
#[derive(Debug, Clone, Default)]
pub struct RunOpts {
    /// Lines for the help overlay about this run (the demo's obshell agents); they may change
    /// after start, and reach the app as messages.
    pub notes: Option<tokio::sync::watch::Receiver<Vec<String>>>,
    /// Against the in-process simulator.
    pub demo: bool,
    /// `--ascii`: ASCII glyphs even in a UTF-8 locale.
    pub ascii: bool,
    /// `--read-only` on the command line: stays on across profile switches.
    pub force_read_only: bool,
    /// The fleet view: the other profiles open beside the first (empty: one profile).
    pub fleet: Vec<fleet::FleetMember>,
}

pub async fn run_tui(
    paths: &Paths,
    r: Resolved,
    password: Secret,
    opts: RunOpts,
) -> Result<ExitCode> {
    let demo = opts.demo;
    let force_ro = opts.force_read_only;
    if let Some(why) = term::unusable_terminal() {
        return Err(anyhow!(why));
    }
    let cfg = ConfigFile::load(&paths.config_file).unwrap_or_default();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let depth = crate::config::theme::ColorDepth::from_env();
    let (theme, theme_warning) = Theme::select(r.theme.as_deref(), no_color, &paths.themes_dir);
    let theme = theme.degraded(depth);
    let (keymap, key_warnings) = Keymap::with_overrides(&cfg.keys);
    let settings = Settings {
        profile: r.profile_name.clone(),
        url: r.url.clone(),
        user: r.user.clone(),
        read_only: r.read_only,
        production: r.production,
        refresh: r.refresh,
        demo,
        ascii: opts.ascii || !utf8_locale(),
        insecure: r.insecure,
    };
    let mut app = App::new(settings, theme, keymap);
    app.set_time_zone(cfg.zone_setting());
    let mut notes = opts.notes.clone();
    if let Some(n) = &notes {
        app.on_notes(n.borrow().clone());
    }
    if r.url.is_empty() {
        app.task_backend = obtui_task::Backend::Obshell;
    }
    app.has_obshell = r.obshell_url.is_some();
    app.obshell_url = r.obshell_url.clone();
    app.access_key_id = crate::config::profile::access_key_id(&r);
    if let Some(w) = theme_warning {
        app.flash(Level::Warn, w);
    }
    for w in key_warnings {
        app.flash(Level::Warn, w);
    }
    // Only a session that uses a plaintext password is warned about it.
    if let (Ok(Some(w)), true) = (
        crate::config::profile::check_plaintext_passwords(&paths.config_file, &cfg),
        r.plaintext_password.is_some(),
    ) {
        app.flash(Level::Warn, w);
    }

    let (tx, mut rx) = mpsc::channel::<Msg>(32);
    let obshell_password = crate::config::profile::obshell_password(&r).map_err(|e| anyhow!(e))?;
    let audit = std::sync::Arc::new(
        crate::audit::AuditLog::from_paths(paths).required(cfg.audit_required.unwrap_or(true)),
    );
    let fleet_mode = !opts.fleet.is_empty();
    // In a fleet every session's answers come tagged with its profile's index.
    let first_tx = if fleet_mode {
        fleet::forward(|m| Msg::Member(0, Box::new(m)), &tx)
    } else {
        tx.clone()
    };
    let first = Session::start(&r, password, obshell_password, &first_tx)
        .map_err(|e| anyhow!(e))?
        .with_audit(audit.clone(), &r.profile_name, &r.user);
    let mut sessions = Sessions::single(first, r.clone());
    if fleet_mode {
        start_fleet(
            &mut app,
            &mut sessions,
            &opts.fleet,
            force_ro,
            Some(&audit),
            &tx,
        );
    }
    let mut resolved = r;
    // A profile switch waiting for its password (typed at the prompt).
    let mut pending: Option<Resolved> = None;

    let (mut terminal, _guard) = term::enter().context("cannot set up the terminal")?;
    if let Ok(sz) = terminal.size() {
        app.size = (sz.width, sz.height);
    }
    let mut events = EventStream::new();
    let mut sigterm =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let mut sighup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
    // Raw mode turns Ctrl-C into a key; a SIGINT from outside (kill -INT, a supervisor) still
    // has to restore the terminal.
    let mut sigint = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok();
    // SIGQUIT's default action dumps core with the terminal raw: caught like the others.
    let mut sigquit = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::quit()).ok();
    // Killed by a signal, the exit code is 128 + its number, as shells expect.
    let mut exit = ExitCode::SUCCESS;
    let mut last_draw = Instant::now() - FRAME;

    loop {
        sessions.steer(&app);
        if app.quit {
            break;
        }
        let now = Instant::now();
        if app.dirty && now.duration_since(last_draw) >= FRAME {
            draw(&mut terminal, &mut app)?;
            last_draw = Instant::now();
        }
        // Wake for: the next frame slot if a redraw is pending, else the next timed change.
        let wake = if app.dirty {
            last_draw + FRAME
        } else if app.animating() {
            (now + next_animation_tick(crate::app::panes::now_ms())).min(app.next_deadline(now))
        } else {
            app.next_deadline(now)
        };
        tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => {
                    let effects = app.on_event(ev);
                    for e in effects {
                        match e {
                            Effect::OpenFleet => {
                                match fleet_of_config(paths, &resolved, force_ro) {
                                    Ok((members, notes)) => {
                                        for n in notes {
                                            app.flash(Level::Warn, n);
                                        }
                                        if members.is_empty() {
                                            app.flash(Level::Warn, "no other profile to open (the config file's profiles need a password source)");
                                        } else {
                                            sessions.resolved[0] = resolved.clone();
                                            start_fleet(&mut app, &mut sessions, &members, force_ro, Some(&audit), &tx);
                                        }
                                    }
                                    Err(e) => app.flash(Level::Error, e),
                                }
                            }
                            Effect::SwitchProfile(_) if sessions.fleet => {
                                app.flash(Level::Warn, "every profile of the fleet is open: select a row of the one to act on");
                            }
                            Effect::Login(pw) if sessions.fleet => {
                                relogin_member(&mut app, &mut sessions, pw, &audit, &tx);
                            }
                            Effect::SwitchProfile(name) => {
                                match switch_profile(paths, &name).map(|mut r| { r.read_only |= force_ro; r }) {
                                    Ok(r) => match profile_password(&r) {
                                        Some(Ok((pw, obshell_pw))) => {
                                            match Session::start(&r, pw, obshell_pw, &tx).map(|s| s.with_audit(audit.clone(), &r.profile_name, &r.user)) {
                                                Ok(s) => {
                                                    sessions.members[0] = Some(s);
                                                    adopt_profile(&mut app, &r, paths, no_color);
                                                    resolved = r;
                                                }
                                                Err(e) => app.flash(Level::Error, e),
                                            }
                                        }
                                        Some(Err(e)) => app.flash(Level::Error, format!("profile {name}: {e}")),
                                        None => {
                                            app.ask_password(&crate::config::profile::password_prompt(&r));
                                            pending = Some(r);
                                        }
                                    },
                                    Err(e) => app.flash(Level::Error, e),
                                }
                            }
                            Effect::Login(pw) => {
                                let target = pending.take().unwrap_or_else(|| resolved.clone());
                                // The obshell agent keeps its own password source, if any.
                                let obshell_pw = crate::config::profile::obshell_password(&target).ok().flatten();
                                match Session::start(&target, pw, obshell_pw, &tx).map(|s| s.with_audit(audit.clone(), &target.profile_name, &target.user)) {
                                    Ok(s) => {
                                        sessions.members[0] = Some(s);
                                        sessions.resolved[0] = target.clone();
                                        if target.profile_name != resolved.profile_name || target.url != resolved.url {
                                            adopt_profile(&mut app, &target, paths, no_color);
                                        } else {
                                            app.flash(Level::Info, "logged in again; refreshing");
                                        }
                                        resolved = target;
                                    }
                                    Err(e) => app.flash(Level::Error, e),
                                }
                            }
                            other => {
                                let act = app.fleet_active();
                                apply(&mut app, other, sessions.get(act), &mut terminal, &paths.state_dir)?
                            }
                        }
                    }
                }
                Some(Err(e)) => return Err(anyhow!("terminal input failed: {e}")),
                None => break,
            },
            Some(msg) = rx.recv() => {
                // In a fleet, the first profile's session (started before it) is member 0.
                let msg = match msg {
                    Msg::Member(..) => msg,
                    m if sessions.fleet => Msg::Member(0, Box::new(m)),
                    m => m,
                };
                for e in deliver(&mut app, msg) {
                    let act = app.fleet_active();
                    apply(&mut app, e, sessions.get(act), &mut terminal, &paths.state_dir)?;
                }
            }
            _ = tokio::time::sleep_until(wake.into()) => {
                let now = Instant::now();
                app.expire(now);
                // Ages in the header tick once a second; running DAG nodes animate.
                if !app.dirty && (app.last_refresh.is_some() || app.animating()) {
                    app.dirty = true;
                }
            }
            lines = next_notes(&mut notes) => {
                for e in deliver(&mut app, Msg::Notes(lines)) {
                    let act = app.fleet_active();
                    apply(&mut app, e, sessions.get(act), &mut terminal, &paths.state_dir)?;
                }
            }
            _ = recv_opt(&mut sigterm) => { exit = signal_exit(signal_hook::consts::SIGTERM); break }
            _ = recv_opt(&mut sighup) => { exit = signal_exit(signal_hook::consts::SIGHUP); break }
            _ = recv_opt(&mut sigint) => { exit = signal_exit(signal_hook::consts::SIGINT); break }
            _ = recv_opt(&mut sigquit) => { exit = signal_exit(signal_hook::consts::SIGQUIT); break }
        }
    }
    drop(sessions);
    term::restore();
    Ok(exit)
}

/// The exit code of a process ended by signal `n`: 128 + n.
fn signal_exit(n: i32) -> ExitCode {
    ExitCode::from(u8::try_from(128 + n).unwrap_or(u8::MAX))
}

/// How long until the DAG view's animation moves: just past the next wall-clock second.
/// Spinners step once a second (`ui::dag::SPINNER_STEP_MS`) and durations show whole
/// seconds, so waking on the second draws both, and the header's age, in one frame; waking
/// at 8 Hz sent 600-700 B/s over the terminal for glyphs nobody needs that fast.
pub fn next_animation_tick(now_ms: i64) -> Duration {
    /// Past the boundary, so the frame surely sees the new second.
    const SLACK_MS: i64 = 5;
    let step = crate::ui::dag::SPINNER_STEP_MS;
    let into = now_ms.rem_euclid(step);
    let wait = step - into + SLACK_MS;
    // Just after a boundary (inside the slack) the frame for it is due now.
    let wait = if into < SLACK_MS {
        SLACK_MS - into
    } else {
        wait
    };
    Duration::from_millis(wait as u64)
}

/// The poller for the screen on top (pane or detail view).
///
/// Its interval adapts to each round's cost ([`poll::Policy::DEFAULT`]: at most 15 requests a
/// minute for a list of many pages), and a first load hands its first page over at once. The
/// progress reports use `try_send`: the poller never waits on the app for them, and one lost
/// report costs nothing (the complete answer follows).
pub fn spawn_view_poller(b: Backends, tx: mpsc::Sender<Msg>) -> PollerHandle<ViewJob> {
    let progress_tx = tx.clone();
    let progress: fetch::ProgressSink = std::sync::Arc::new(move |p| {
        let _ = progress_tx.try_send(Msg::ViewProgress(p));
    });
    // The header's alarm count rides on the rounds (one request a minute at most, counted in
    // the round's cost).
    let clock = poll::alarms::CountClock::default();
    let count_tx = tx.clone();
    poll::spawn_adaptive(
        move |job, round| {
            let view = fetch::fetch_view(b.clone(), job.clone(), round, progress.clone());
            let (b, clock, count_tx) = (b.clone(), clock.clone(), count_tx.clone());
            Box::pin(async move {
                let count = async {
                    if clock.due(&job) {
                        poll::alarms::count(b.ocp.as_ref(), b.obshell.as_ref()).await
                    } else {
                        None
                    }
                };
                let ((r, mut cost), count) = tokio::join!(view, count);
                if let Some(c) = count {
                    // A failed count waits its minute too (an agent without an Alertmanager
                    // fails every time: once a minute, not every round).
                    cost.requests += 1;
                    let _ = count_tx.send(Msg::AlarmCounts(c)).await;
                }
                (r, cost)
            }) as poll::BoxFut<_>
        },
        Msg::View,
        tx,
        poll::Policy::DEFAULT,
    )
}

/// Hand a poller message to the app; returns follow-up effects for the runner.
pub fn deliver(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::WizardData(r) => return app.on_wizard_data(r),
        Msg::WizardPrecheck(r) => return app.on_wizard_precheck(r),
        Msg::WizardSubmit(o, l) => return app.on_wizard_submit(o, l),
        Msg::WizardFound(t) => return app.on_wizard_found(t),
        Msg::View(o) => {
            let round = o.result.is_ok().then(|| (o.job.clone(), o.next));
            let pane = match (&o.job, &o.result) {
                (crate::model::jobs::ViewJob::Pane(k), Ok(_)) => Some(*k),
                _ => None,
            };
            app.on_view(o.job, o.result, o.at, o.failures);
            if let Some((job, next)) = round {
                app.on_view_interval(job, next);
            }
            // The old copy of a big list is freed now: give its pages back.
            if pane.is_some_and(|k| app.pane(k).table.rows.len() >= memory::BIG_LIST) {
                memory::give_back_free_pages();
            }
            // A `:` command that waited for this data runs now.
            return app.run_pending();
        }
        Msg::ViewProgress(p) => app.on_view_progress(p),
        Msg::Info(r) => app.on_info(r),
        Msg::AlarmCounts(r) => app.on_alarm_counts(r),
        Msg::Notes(lines) => app.on_notes(lines),
        Msg::Raw(t, r) => app.on_raw(t, r),
        Msg::Task(o) => app.on_task(o.job, o.result, o.at),
        Msg::Log(o) => app.on_log(o.job, o.result),
        Msg::OpDone {
            task,
            op,
            node,
            result,
        } => app.on_op_result(&task, op, node, result),
        Msg::Member(i, m) => return deliver_member(app, i, *m),
    }
    vec![]
}

/// The sessions of the run: index 0 alone without a fleet.
pub struct Sessions {
    pub members: Vec<Option<Session>>,
    pub resolved: Vec<Resolved>,
    pub fleet: bool,
}

impl Sessions {
    /// One profile's session, as before the fleet view.
    pub fn single(s: Session, r: Resolved) -> Sessions {
        Sessions {
            members: vec![Some(s)],
            resolved: vec![r],
            fleet: false,
        }
    }

    /// Which member the app acts on.
    pub fn active_index(&self, app: &App) -> usize {
        app.fleet_active().unwrap_or(0)
    }

    /// The session of member `active` (`None` = the only one); `None` when its session could
    /// not start.
    pub fn get(&self, active: Option<usize>) -> Option<&Session> {
        self.members
            .get(active.unwrap_or(0))
            .and_then(Option::as_ref)
    }

    /// Point every session's pollers at what the screen needs from it.
    pub fn steer(&self, app: &App) {
        let active = self.active_index(app);
        for (i, s) in self.members.iter().enumerate() {
            let Some(s) = s else { continue };
            if !self.fleet || i == active {
                s.steer(app);
            } else {
                s.steer_pane_only(app);
            }
        }
    }
}

impl Session {
    /// A fleet member that is not active: the pane on screen only (nothing behind a detail,
    /// a DAG or a wizard, which belong to the active profile).
    pub fn steer_pane_only(&self, app: &App) {
        let job = match app.view() {
            crate::app::state::View::Pane(k) => Some(ViewJob::Pane(*k)),
            _ => None,
        };
        self.view.set(job, app.settings.refresh);
        self.task.set(None, app.settings.refresh);
        self.log.set(None, app.settings.refresh);
    }
}

/// A member's message: the pane rows of every member, the rest only from the active one (a
/// late answer from a profile that is no longer active is dropped).
pub fn deliver_member(app: &mut App, index: usize, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::View(o) => {
            let interval = o.result.is_ok().then(|| (o.job.clone(), o.next));
            app.on_fleet_view(index, o.job, o.result, o.at, o.failures);
            if app.fleet_active() == Some(index) {
                if let Some((job, next)) = interval {
                    app.on_view_interval(job, next);
                }
            }
            app.run_pending()
        }
        // A first page on its own would stand for a whole profile's rows: wait for the list.
        Msg::ViewProgress(_) => vec![],
        Msg::Info(r) => {
            app.on_fleet_info(index, r);
            vec![]
        }
        other if app.fleet_active() == Some(index) => deliver(app, other),
        _ => vec![],
    }
}

/// The next change of the run's notes; never, once their sender is gone.
async fn next_notes(r: &mut Option<tokio::sync::watch::Receiver<Vec<String>>>) -> Vec<String> {
    if let Some(rx) = r {
        if rx.changed().await.is_ok() {
            return rx.borrow_and_update().clone();
        }
    }
    *r = None;
    std::future::pending().await
}

async fn recv_opt(s: &mut Option<tokio::signal::unix::Signal>) {
    match s {
        Some(s) => {
            s.recv().await;
        }
        None => std::future::pending().await,
    }
}

fn apply(
    app: &mut App,
    e: Effect,
    session: Option<&Session>,
    terminal: &mut term::Term,
    state_dir: &std::path::Path,
) -> Result<()> {
    match e {
        Effect::Copy(text) => osc52_copy(&text),
        Effect::SaveLog { name, text } => {
            let dirs = [state_dir.to_path_buf(), std::path::PathBuf::from(".")];
            match save::save_log(&dirs, &name, &text) {
                // The file's name first: a narrow footer still shows it.
                Ok(p) => app.flash(
                    Level::Info,
                    match (p.file_name(), p.parent()) {
                        (Some(f), Some(d)) => {
                            format!("log saved to {} in {}", f.to_string_lossy(), d.display())
                        }
                        _ => format!("log saved to {}", p.display()),
                    },
                ),
                Err(e) => app.flash(Level::Error, format!("cannot save the log: {e}")),
            }
        }
        Effect::Suspend => {
            term::suspend(terminal).context("cannot resume the terminal")?;
            app.dirty = true;
        }
        // Handled by the loop, which owns the session.
        Effect::SwitchProfile(_) | Effect::Login(_) | Effect::OpenFleet => {}
        other => {
            let Some(session) = session else {
                // A fleet profile whose session could not start: nothing to send it through.
                if !matches!(other, Effect::RefreshNow) {
                    app.flash(
                        Level::Error,
                        format!("profile {}: no connection", app.settings.profile),
                    );
                }
                return Ok(());
            };
            if let Some(w) = session.audit_warning(&other) {
                app.flash(Level::Warn, w);
            }
            session.apply_network(other)
        }
    }
    Ok(())
}

impl Session {
    /// Where this session's answers go: a new session after `:login` sends to the same place
    /// (the event loop, or a headless driver rebuilding the session as the loop does).
    pub fn sender(&self) -> mpsc::Sender<Msg> {
        self.tx.clone()
    }

    /// Carry out an effect that needs the network (everything but the terminal and session
    /// changes). The answers come back as messages. Also used by headless tests.
    pub fn apply_network(&self, e: Effect) {
        match e {
            Effect::RefreshNow => {
                self.view.refresh();
                self.task.refresh();
                self.log.refresh();
            }
            Effect::Operate {
                task,
                backend,
                op,
                node,
            } => self.operate(task, backend, op, node),
            Effect::Wizard(w) => self.wizard(*w),
            Effect::FetchRaw(t) => {
                let b = self.backends.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let result = fetch::fetch_raw(b, t.clone()).await;
                    let _ = tx.send(Msg::Raw(t, result)).await;
                });
            }
            Effect::Copy(_)
            | Effect::Suspend
            | Effect::SwitchProfile(_)
            | Effect::OpenFleet
            | Effect::Login(_)
            | Effect::SaveLog { .. } => {}
        }
    }
}

/// Resolve another profile of the config file for a live switch. The command-line flags that
/// picked the first profile do not carry over.
fn switch_profile(paths: &Paths, name: &str) -> Result<Resolved, String> {
    let cfg = ConfigFile::load(&paths.config_file)?;
    crate::config::profile::check_plaintext_passwords(&paths.config_file, &cfg)?;
    let (n, p) = cfg.select(Some(name))?;
    crate::config::profile::Resolver::new(n)
        .profile(&p)
        .resolve()
        .map_err(|e| e.to_string())
}

/// Show the new profile: header, theme, refresh, read-only; forget the old server's data.
fn adopt_profile(app: &mut App, r: &Resolved, paths: &Paths, no_color: bool) {
    let (theme, warn) = Theme::select(r.theme.as_deref(), no_color, &paths.themes_dir);
    let theme = theme.degraded(crate::config::theme::ColorDepth::from_env());
    app.switch_to(
        Settings {
            profile: r.profile_name.clone(),
            url: r.url.clone(),
            user: r.user.clone(),
            read_only: r.read_only,
            production: r.production,
            refresh: r.refresh,
            demo: false,
            ascii: app.settings.ascii,
            insecure: r.insecure,
        },
        theme,
    );
    app.has_obshell = r.obshell_url.is_some();
    app.obshell_url = r.obshell_url.clone();
    app.access_key_id = crate::config::profile::access_key_id(r);
    if let Some(w) = warn {
        app.flash(Level::Warn, w);
    }
    app.flash(
        Level::Info,
        format!("profile {} — {}", r.profile_name, r.url),
    );
}

fn draw(terminal: &mut term::Term, app: &mut App) -> Result<()> {
    // The backend wraps the frame in synchronized output (DEC 2026) when it writes anything,
    // so SSH and tmux never show half a frame and an unchanged frame sends nothing.
    let mut drawn = None;
    let r = terminal.draw(|f| drawn = Some(crate::ui::draw(f, app)));
    r.context("drawing failed")?;
    if let Some(d) = drawn {
        app.on_drawn(d);
    }
    app.dirty = false;
    Ok(())
}

/// Copy through the terminal (OSC 52): works over SSH and inside tmux (with set-clipboard on).
pub fn osc52_copy(text: &str) {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let mut out = std::io::stdout();
    let _ = write!(out, "\x1b]52;c;{b64}\x07");
    let _ = out.flush();
}

/// Box-drawing and status glyphs need a UTF-8 locale; otherwise fall back to ASCII.
pub fn utf8_locale() -> bool {
    for var in ["LC_ALL", "LC_CTYPE", "LANG"] {
        if let Ok(v) = std::env::var(var) {
            if !v.is_empty() {
                let v = v.to_ascii_lowercase();
                return v.contains("utf-8") || v.contains("utf8");
            }
        }
    }
    // No locale set at all: modern terminals are UTF-8.
    true
}

/// Start a session for each other profile of the fleet and open the fleet view. A profile
/// whose session cannot start is marked (error) and left out; the others run. The first
/// session (member 0) must send through `fleet::forward` with its tag. Also used by headless
/// tests.
pub fn start_fleet(
    app: &mut App,
    sessions: &mut Sessions,
    members: &[fleet::FleetMember],
    force_ro: bool,
    audit: Option<&std::sync::Arc<crate::audit::AuditLog>>,
    tx: &mpsc::Sender<Msg>,
) {
    sessions.fleet = true;
    let first = sessions
        .resolved
        .first()
        .map(fleet::ctx_of)
        .unwrap_or_default();
    let mut ctxs = Vec::new();
    let mut down = Vec::new();
    for (n, m) in members.iter().enumerate() {
        let i = n + 1;
        let mut r = m.resolved.clone();
        r.read_only |= force_ro;
        let mtx = fleet::forward(move |x| Msg::Member(i, Box::new(x)), tx);
        let s = Session::start(&r, m.password.clone(), m.obshell_password.clone(), &mtx).map(|s| {
            match audit {
                Some(a) => s.with_audit(a.clone(), &r.profile_name, &r.user),
                None => s,
            }
        });
        match s {
            Ok(s) => sessions.members.push(Some(s)),
            Err(e) => {
                down.push((i, format!("profile {}: {e}", r.profile_name)));
                sessions.members.push(None);
            }
        }
        ctxs.push(fleet::ctx_of(&r));
        sessions.resolved.push(r);
    }
    app.enable_fleet(first, ctxs);
    for (i, why) in down {
        app.flash(Level::Error, why.clone());
        app.fleet_member_down(i, why);
    }
}

/// `:login` in a fleet: a new session for the active profile with the typed password.
fn relogin_member(
    app: &mut App,
    sessions: &mut Sessions,
    pw: Secret,
    audit: &std::sync::Arc<crate::audit::AuditLog>,
    tx: &mpsc::Sender<Msg>,
) {
    let i = sessions.active_index(app);
    let Some(target) = sessions.resolved.get(i).cloned() else {
        return;
    };
    let obshell_pw = crate::config::profile::obshell_password(&target)
        .ok()
        .flatten();
    let mtx = match sessions.members.get(i).and_then(Option::as_ref) {
        Some(s) => s.sender(),
        None => fleet::forward(move |x| Msg::Member(i, Box::new(x)), tx),
    };
    match Session::start(&target, pw, obshell_pw, &mtx)
        .map(|s| s.with_audit(audit.clone(), &target.profile_name, &target.user))
    {
        Ok(s) => {
            if let Some(slot) = sessions.members.get_mut(i) {
                *slot = Some(s);
            }
            app.flash(
                Level::Info,
                format!(
                    "profile {}: logged in again; refreshing",
                    target.profile_name
                ),
            );
        }
        Err(e) => app.flash(Level::Error, e),
    }
}

/// `:fleet`: every other profile of the config file whose passwords come without a prompt
/// (environment, `password_command`, the file, an access key); notes for those left out.
fn fleet_of_config(
    paths: &Paths,
    current: &Resolved,
    force_ro: bool,
) -> Result<(Vec<fleet::FleetMember>, Vec<String>), String> {
    let cfg = ConfigFile::load(&paths.config_file)?;
    crate::config::profile::check_plaintext_passwords(&paths.config_file, &cfg)?;
    let mut members = Vec::new();
    let mut notes = Vec::new();
    for (name, p) in &cfg.profiles {
        if *name == current.profile_name {
            continue;
        }
        let r = crate::config::profile::Resolver::new(name.clone())
            .profile(p)
            .resolve();
        let mut r = match r {
            Ok(r) => r,
            Err(e) => {
                notes.push(format!("profile {name}: {e}"));
                continue;
            }
        };
        r.read_only |= force_ro;
        match profile_password(&r) {
            Some(Ok((password, obshell_password))) => members.push(fleet::FleetMember {
                resolved: r,
                password,
                obshell_password,
            }),
            Some(Err(e)) => notes.push(format!("profile {name}: {e}")),
            None => notes.push(format!(
                "profile {name} needs a typed password: start with obtui --all-profiles"
            )),
        }
    }
    Ok((members, notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn animation_wakes_just_past_each_wall_clock_second() {
        let t0 = 1_728_552_000_000i64;
        for into in [5, 6, 125, 500, 999] {
            let wait = next_animation_tick(t0 + into).as_millis() as i64;
            assert_eq!((t0 + into + wait) % 1000, 5, "{into} ms into the second");
            assert!(wait <= 1000);
        }
        // Within the slack after a boundary: wait only to the slack's end, never a whole
        // second more.
        assert_eq!(next_animation_tick(t0).as_millis(), 5);
        assert_eq!(next_animation_tick(t0 + 2).as_millis(), 3);
        // At most about one wake per second: consecutive wakes are a second apart.
        let mut t = t0 + 300;
        let mut wakes = Vec::new();
        for _ in 0..5 {
            t += next_animation_tick(t).as_millis() as i64;
            wakes.push(t);
            t += 1; // the frame takes a moment
        }
        for w in wakes.windows(2) {
            assert_eq!(w[1] - w[0], 1000);
        }
    }
}
