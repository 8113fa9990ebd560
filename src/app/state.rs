//! The app state and its `update`: keys, mouse and poller messages in, effects out.

use super::actions::{spec, Action, Key, Keymap, Scope};
use super::dag::{DagEffect, DagView};
use super::hit::{self, Drawn};
pub use super::notify::{ErrorEntry, Flash, Level, Notifications};
use super::panes::{self, PaneData};
use super::table::TableState;
use super::wizard::{Wizard, WizardContext, WizardEffect};
use crate::config::Theme;
use crate::model::jobs::LogJob;
use crate::model::jobs::TaskJob;
use crate::model::jobs::ViewJob;
use crate::model::pane::PaneKind;
use crate::model::view::ViewData;
use crate::model::wizard::WizardKind;
use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind,
};
use obtui_api::ApiError;
use obtui_task::{Backend, Op, TaskGraph};
use std::time::{Duration, Instant, SystemTime};
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

/// What the header shows about the connection, and how the app behaves.
#[derive(Debug, Clone)]
pub struct Settings {
    pub profile: String,
    pub url: String,
    pub user: String,
    pub read_only: bool,
    pub production: bool,
    pub refresh: Duration,
    pub demo: bool,
    pub ascii: bool,
    /// TLS certificates are not checked (`--insecure`): a red badge says so.
    pub insecure: bool,
}

/// A screen on the navigation stack.
#[derive(Debug, Clone, PartialEq)]
pub enum View {
    Pane(PaneKind),
    Detail(DetailTarget),
    /// The live DAG of a task (its id).
    Dag(String),
    /// A wizard (create, take over, upgrade, OBProxy take over, scale out).
    Wizard,
    Errors,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DetailTarget {
    Cluster(i64),
    Host(i64),
    Proxy(i64),
}

/// A failed fetch, shown on the pane that is now stale.
#[derive(Debug, Clone)]
pub struct FetchError {
    pub message: String,
    pub since: Instant,
    pub since_wall: SystemTime,
    pub failures: u32,
}

/// Input modes that capture keys before the action registry sees them.
#[derive(Debug, Clone)]
pub enum Mode {
    Normal,
    Filter(Input),
    Command {
        input: Input,
        completion: usize,
    },
    Help {
        scroll: u16,
    },
    /// A masked password prompt (login again, or a profile without password_command).
    Password {
        prompt: String,
        input: obtui_api::secret::Secret,
    },
}

pub struct PaneState {
    pub table: TableState,
    pub data: PaneData,
    pub loaded: bool,
    pub last_ok: Option<Instant>,
    pub error: Option<FetchError>,
}

pub struct DetailState {
    pub target: DetailTarget,
    pub data: Option<ViewData>,
    pub scroll: u16,
    pub error: Option<FetchError>,
    pub last_ok: Option<Instant>,
}

/// Work for the runner: the app itself never does I/O.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Copy text to the clipboard (OSC 52, works over SSH).
    Copy(String),
    /// Stop the terminal (Ctrl-Z) and resume on `fg`.
    Suspend,
    /// Fetch the visible thing again now.
    RefreshNow,
    /// Connect with another profile of the config file.
    SwitchProfile(String),
    /// Log in again with this password (after a 401, or for a profile switch).
    Login(obtui_api::secret::Secret),
    /// A confirmed task operation (retry, rollback, skip, cancel, pass).
    Operate {
        task: String,
        backend: Backend,
        op: Op,
        node: Option<String>,
    },
    /// Network work a wizard asked for (data, the API precheck, the submit).
    Wizard(Box<WizardEffect>),
    /// After a submit with an unknown outcome: look for the task it may have created.
    FindTask(crate::app::wizard::TaskLookup),
}

/// Commands offered in command mode, with what they do.
pub const COMMANDS: &[(&str, &str)] = &[
    ("clusters", "Clusters pane"),
    ("hosts", "Hosts pane"),
    ("proxies", "OBProxy pane"),
    ("tasks", "Tasks pane"),
    ("errors", "Error history"),
    ("create", "Create cluster wizard"),
    ("takeover", "Take over cluster wizard"),
    ("upgrade", "Upgrade the selected cluster"),
    ("proxy-takeover", "Take over OBProxy wizard"),
    ("scale-out", "Scale out the cluster (obshell) wizard"),
    ("profile", "Switch profile: :profile NAME"),
    ("login", "Enter the password again"),
    ("help", "All keys"),
    ("quit", "Quit"),
];

pub struct App {
    pub settings: Settings,
    pub theme: Theme,
    pub keymap: Keymap,
    pub panes: Vec<PaneState>,
    pub stack: Vec<View>,
    pub mode: Mode,
    pub detail: Option<DetailState>,
    /// The DAG view, while a task is open.
    pub dag: Option<DagView>,
    /// The wizard on screen.
    pub wizard: Option<Wizard>,
    /// Last seen status of each task, to flag tasks that fail while the user looks elsewhere.
    pub task_status: std::collections::HashMap<i64, obtui_api::ocp::models::TaskStatus>,
    /// Flashes, the error history and the run's notes.
    pub notify: Notifications,
    pub ocp_version: Option<String>,
    /// What the header says about the server.
    pub server_label: Option<String>,
    /// Where tasks opened from the panes live (OCP, or obshell for an agent-only profile).
    pub task_backend: Backend,
    /// The session has an obshell agent (the scale-out wizard needs one).
    pub has_obshell: bool,
    pub quit: bool,
    /// Something changed since the last frame.
    pub dirty: bool,
    pub last_refresh: Option<Instant>,
    /// What the last frame laid out (page height, the table's place, the DAG's regions),
    /// handed back by the runtime after each draw: see `on_drawn`.
    pub drawn: Drawn,
    pub size: (u16, u16),
    /// A fixed clock (unix ms) for reproducible screens in tests; `None` is the real clock.
    pub frozen_now: Option<i64>,
}

/// Upper bound of the help overlay's scroll (its lines are the registry plus section titles).
const SPECS_LEN: usize = super::actions::SPECS.len() + 80;

impl App {
    pub fn new(settings: Settings, theme: Theme, keymap: Keymap) -> App {
        let panes = PaneKind::ALL
            .iter()
            .map(|k| {
                let mut table =
                    TableState::new(panes::columns(*k).iter().map(|c| c.numeric).collect());
                table.running_first = *k == PaneKind::Tasks;
                PaneState {
                    table,
                    data: PaneData::empty(*k),
                    loaded: false,
                    last_ok: None,
                    error: None,
                }
            })
            .collect();
        App {
            settings,
            theme,
            keymap,
            panes,
            stack: vec![View::Pane(PaneKind::Clusters)],
            mode: Mode::Normal,
            detail: None,
            dag: None,
            wizard: None,
            task_status: std::collections::HashMap::new(),
            notify: Notifications::default(),
            ocp_version: None,
            server_label: None,
            task_backend: Backend::Ocp,
            has_obshell: false,
            quit: false,
            dirty: true,
            last_refresh: None,
            drawn: Drawn::default(),
            size: (80, 24),
            frozen_now: None,
        }
    }

    pub fn view(&self) -> &View {
        self.stack.last().unwrap_or(&View::Pane(PaneKind::Clusters))
    }

    /// The pane the user is in (or came from, in a detail view).
    pub fn current_pane(&self) -> PaneKind {
        self.stack
            .iter()
            .rev()
            .find_map(|v| match v {
                View::Pane(p) => Some(*p),
                _ => None,
            })
            .unwrap_or(PaneKind::Clusters)
    }

    pub fn pane(&self, k: PaneKind) -> &PaneState {
        &self.panes[k.index()]
    }

    pub fn pane_mut(&mut self, k: PaneKind) -> &mut PaneState {
        &mut self.panes[k.index()]
    }

    /// What the view poller should fetch for the screen on top. Only the visible thing is polled.
    pub fn view_job(&self) -> Option<ViewJob> {
        match self.view() {
            View::Pane(p) => Some(ViewJob::Pane(*p)),
            View::Detail(t) => Some(match t {
                DetailTarget::Cluster(id) => ViewJob::ClusterDetail(*id),
                DetailTarget::Host(id) => ViewJob::HostDetail(*id),
                DetailTarget::Proxy(id) => ViewJob::ProxyDetail(*id),
            }),
            View::Errors | View::Dag(_) | View::Wizard => None,
        }
    }

    /// What the task poller should fetch (the DAG on screen), and how often.
    pub fn task_job(&self) -> Option<(TaskJob, Duration)> {
        let View::Dag(_) = self.view() else {
            return None;
        };
        let d = self.dag.as_ref()?;
        let every = if d.wants_fast_poll() {
            Duration::from_secs(1).min(self.settings.refresh)
        } else {
            self.settings.refresh.max(Duration::from_secs(5))
        };
        Some((
            TaskJob {
                task: d.task_id.clone(),
                backend: d.backend,
            },
            every,
        ))
    }

    /// The subtask log to follow, if the DAG view shows one.
    pub fn log_job(&self) -> Option<(LogJob, Duration)> {
        let View::Dag(_) = self.view() else {
            return None;
        };
        let d = self.dag.as_ref()?;
        let node = d.log_target()?;
        let running = d.selected_node().is_some_and(|n| {
            matches!(
                n.status,
                obtui_task::NodeStatus::Running | obtui_task::NodeStatus::Canceling
            )
        });
        let every = if running {
            Duration::from_secs(1)
        } else {
            Duration::from_secs(10)
        };
        Some((
            LogJob {
                task: d.task_id.clone(),
                node,
                backend: d.backend,
            },
            every,
        ))
    }

    /// Open a wizard (refused in read-only mode, and for upgrade without a selected cluster).
    pub fn open_wizard(&mut self, kind: WizardKind) -> Vec<Effect> {
        if kind.backend() == Backend::Obshell && !self.has_obshell {
            self.flash(
                Level::Warn,
                format!(
                    "{} needs an obshell agent; this profile has none (set obshell_url)",
                    kind.title()
                ),
            );
            return vec![];
        }
        if kind.backend() == Backend::Ocp && self.task_backend == Backend::Obshell {
            self.flash(
                Level::Warn,
                format!(
                    "{} needs an OCP; this profile has an obshell agent only",
                    kind.title()
                ),
            );
            return vec![];
        }
        let mut ctx = WizardContext {
            ocp_version: self.ocp_version.clone(),
            ..Default::default()
        };
        if let PaneData::Clusters { clusters, .. } = &self.pane(PaneKind::Clusters).data {
            let sel = match (self.view(), &self.detail) {
                (View::Detail(DetailTarget::Cluster(id)), _) => Some(*id),
                _ => self
                    .pane(PaneKind::Clusters)
                    .table
                    .selected_row()
                    .and_then(|r| r.id.parse::<i64>().ok()),
            };
            if let Some(c) = sel.and_then(|id| clusters.iter().find(|c| c.id == id)) {
                ctx.cluster = Some((c.id, c.name.clone()));
            }
        }
        if self.current_pane() == PaneKind::Proxies {
            ctx.proxy_cluster_id = self
                .pane(PaneKind::Proxies)
                .table
                .selected_row()
                .and_then(|r| r.id.parse().ok());
        }
        match Wizard::open(kind, ctx, self.settings.read_only) {
            Ok((w, effects)) => {
                self.wizard = Some(w);
                if self.view() != &View::Wizard {
                    self.stack.push(View::Wizard);
                }
                self.mode = Mode::Normal;
                self.wizard_effects(effects)
            }
            Err(e) => {
                self.flash(Level::Warn, e);
                vec![]
            }
        }
    }

    /// Carry out what a wizard asked: local effects here, network ones for the runner.
    pub fn wizard_effects(&mut self, effects: Vec<WizardEffect>) -> Vec<Effect> {
        let mut out = vec![];
        for e in effects {
            match e {
                WizardEffect::Close => self.close_wizard(),
                WizardEffect::OpenTask(id) => {
                    // The task lives where the wizard wrote (an obshell DAG for a scale-out).
                    let backend = self
                        .wizard
                        .as_ref()
                        .map(|w| w.kind.backend())
                        .unwrap_or(Backend::Ocp);
                    self.close_wizard();
                    self.open_task(id, backend);
                }
                other => out.push(Effect::Wizard(Box::new(other))),
            }
        }
        self.dirty = true;
        out
    }

    fn close_wizard(&mut self) {
        if let Some(mut w) = self.wizard.take() {
            w.wipe_secrets();
        }
        if self.view() == &View::Wizard {
            self.stack.pop();
        }
    }

    pub fn on_wizard_data(&mut self, r: crate::app::wizard::DataResponse) -> Vec<Effect> {
        let effects = match self.wizard.as_mut() {
            Some(w) => w.on_data(r),
            None => return vec![],
        };
        self.wizard_effects(effects)
    }

    pub fn on_wizard_precheck(
        &mut self,
        r: Result<crate::model::wizard::precheck::PrecheckAnswer, crate::model::wizard::WizardError>,
    ) -> Vec<Effect> {
        let effects = match self.wizard.as_mut() {
            Some(w) => w.on_precheck(r.map(|a| super::wizard::precheck::answer_items(&a))),
            None => return vec![],
        };
        self.wizard_effects(effects)
    }

    pub fn on_wizard_submit(
        &mut self,
        o: crate::app::wizard::SubmitOutcome,
        lookup: crate::app::wizard::TaskLookup,
    ) -> Vec<Effect> {
        let unknown = o == crate::app::wizard::SubmitOutcome::Unknown;
        let effects = match self.wizard.as_mut() {
            Some(w) => w.on_submit(o),
            None => return vec![],
        };
        let mut out = self.wizard_effects(effects);
        if unknown {
            self.flash(Level::Warn, "no answer to the submit: looking for the task it may have created (it is not re-sent)");
            out.push(Effect::FindTask(lookup));
        }
        out
    }

    pub fn on_wizard_found(&mut self, task: Option<String>) -> Vec<Effect> {
        let effects = match self.wizard.as_mut() {
            Some(w) => w.on_submit_unknown_found(task),
            None => return vec![],
        };
        self.wizard_effects(effects)
    }

    /// Something on screen moves by itself (a running node's spinner and duration).
    pub fn animating(&self) -> bool {
        matches!(self.view(), View::Dag(_))
            && self.dag.as_ref().and_then(|d| d.graph()).is_some_and(|g| {
                g.nodes.iter().any(|n| {
                    matches!(
                        n.status,
                        obtui_task::NodeStatus::Running | obtui_task::NodeStatus::Canceling
                    )
                })
            })
    }

    /// Open the live DAG of a task.
    pub fn open_task(&mut self, task: String, backend: Backend) {
        let mut v = DagView::new(task.clone(), backend);
        v.set_keymap(&self.keymap);
        self.dag = Some(v);
        if matches!(self.view(), View::Dag(_)) {
            self.stack.pop();
        }
        self.stack.push(View::Dag(task));
        self.mode = Mode::Normal;
        self.dirty = true;
    }

    pub fn on_task(&mut self, job: TaskJob, result: Result<TaskGraph, ApiError>, at: Instant) {
        let Some(d) = self.dag.as_mut() else { return };
        if d.task_id != job.task {
            return;
        }
        match result {
            Ok(g) => {
                if g.status == obtui_task::TaskState::Failed {
                    if let Ok(id) = g.id.parse::<i64>() {
                        self.note_task_status(
                            id,
                            obtui_api::ocp::models::TaskStatus::Failed,
                            &g.name,
                        );
                    }
                }
                if let Some(d) = self.dag.as_mut() {
                    d.on_graph(g, at);
                }
                self.last_refresh = Some(at);
            }
            Err(e) => {
                d.on_error(e.to_string(), at);
                self.on_api_error(&format!("task {}", job.task), &e);
            }
        }
        self.dirty = true;
    }

    pub fn on_log(&mut self, job: LogJob, result: Result<String, ApiError>) {
        let Some(d) = self.dag.as_mut() else { return };
        if d.task_id != job.task {
            return;
        }
        match result {
            Ok(text) => d.on_log(&job.node, &text),
            Err(e) => self.on_api_error(&format!("log of subtask {}", job.node), &e),
        }
        self.dirty = true;
    }

    pub fn on_op_result(
        &mut self,
        task: &str,
        op: Op,
        node: Option<String>,
        result: Result<(), ApiError>,
    ) {
        if let Err(e) = &result {
            self.on_api_error(&format!("{} task {task}", op.name()), e);
        }
        let text = result.map_err(|e| e.to_string());
        match self.dag.as_mut().filter(|d| d.task_id == task) {
            Some(d) => d.on_op_result(op, node, text),
            None => match text {
                Ok(()) => self.flash(Level::Info, format!("{} sent for task {task}", op.name())),
                Err(e) => self.flash(Level::Error, format!("{} task {task}: {e}", op.name())),
            },
        }
        self.dirty = true;
    }

    /// Remember a task's status; a task that turns FAILED raises a flash wherever the user is.
    fn note_task_status(
        &mut self,
        id: i64,
        status: obtui_api::ocp::models::TaskStatus,
        name: &str,
    ) {
        use obtui_api::ocp::models::TaskStatus;
        let first_sight = self.task_status.is_empty();
        let old = self.task_status.insert(id, status.clone());
        let newly_failed = status == TaskStatus::Failed
            && match old {
                Some(o) => o != TaskStatus::Failed,
                // A failed task we never saw running: news only after the first look.
                None => !first_sight && self.task_status.keys().any(|&k| k < id),
            };
        if newly_failed {
            self.flash(
                Level::Error,
                format!("task #{id} {name} FAILED — :tasks, or ⏎ on it, to see why"),
            );
        }
    }

    fn note_tasks(&mut self, tasks: &[obtui_api::ocp::models::TaskInstance]) {
        let first = self.task_status.is_empty();
        for t in tasks {
            if first {
                self.task_status.insert(t.id, t.status.clone());
            } else {
                self.note_task_status(t.id, t.status.clone(), &t.name);
            }
        }
    }

    fn dag_effects(&mut self, effects: Vec<DagEffect>) -> Vec<Effect> {
        let mut out = vec![];
        for e in effects {
            match e {
                DagEffect::Operate { op, node } => {
                    if let Some(d) = &self.dag {
                        out.push(Effect::Operate {
                            task: d.task_id.clone(),
                            backend: d.backend,
                            op,
                            node,
                        });
                    }
                }
                DagEffect::Close => self.back(),
                DagEffect::Flash(level, text) => self.flash(level, text),
            }
        }
        out
    }

    /// Breadcrumbs of the navigation stack, for the header.
    pub fn breadcrumbs(&self) -> Vec<String> {
        self.stack
            .iter()
            .map(|v| match v {
                View::Pane(p) => p.title().to_string(),
                View::Detail(DetailTarget::Cluster(id)) => format!("cluster {id}"),
                View::Detail(DetailTarget::Host(id)) => format!("host {id}"),
                View::Detail(DetailTarget::Proxy(id)) => format!("obproxy {id}"),
                View::Dag(id) => format!("task {id}"),
                View::Wizard => self
                    .wizard
                    .as_ref()
                    .map(|w| w.kind.title().to_lowercase())
                    .unwrap_or_default(),
                View::Errors => "errors".into(),
            })
            .collect()
    }

    /// Take back what the last frame laid out: the terminal size, the table's page and place,
    /// the scroll the table, detail, DAG and wizard showed (drawing keeps the selection in
    /// view; the state remembers where that left the window).
    pub fn on_drawn(&mut self, d: Drawn) {
        self.size = d.size;
        if let Some(t) = &d.table {
            self.pane_mut(t.pane).table.offset = t.offset;
        }
        if let (Some(max), Some(det)) = (d.detail_max_scroll, self.detail.as_mut()) {
            det.scroll = det.scroll.min(max);
        }
        if let (Some(dd), Some(v)) = (d.dag.clone(), self.dag.as_mut()) {
            v.on_drawn(dd);
        }
        if let (Some(rows), Some(w)) = (d.wizard_rows, self.wizard.as_mut()) {
            w.viewport = rows;
        }
        self.drawn = d;
    }

    /// Rows in one page of the table on screen.
    fn page_rows(&self) -> usize {
        self.drawn.table.as_ref().map_or(10, |t| t.page_rows.max(1))
    }

    /// New lines about this run (the demo's agents, once they listen).
    pub fn on_notes(&mut self, lines: Vec<String>) {
        self.notify.notes = lines;
        self.dirty = true;
    }

    /// Show a message in the footer for a while; errors also go to the history (`E`).
    pub fn flash(&mut self, level: Level, text: impl Into<String>) {
        self.notify.flash(level, text, Instant::now());
        self.dirty = true;
    }

    fn remember_error(&mut self, context: &str, message: &str, trace_id: Option<String>) {
        self.notify
            .remember_error(context, message, trace_id, SystemTime::now());
    }

    /// Drop expired flash messages. Returns true when something disappeared.
    pub fn expire(&mut self, now: Instant) -> bool {
        let changed = self.notify.expire(now);
        self.dirty |= changed;
        changed
    }

    /// The next moment something on screen changes by itself (a flash expiring, an age label).
    pub fn next_deadline(&self, now: Instant) -> Instant {
        let flash = self.notify.next_expiry();
        let age_tick = now + Duration::from_secs(1);
        flash.map(|f| f.min(age_tick)).unwrap_or(age_tick)
    }

    // ----- poller messages -----

    /// The server label for the header: `OCP 4.2.2`, or `obshell … · OB …` for an agent alone.
    pub fn on_info(&mut self, r: Result<String, ApiError>) {
        match r {
            Ok(label) => {
                self.ocp_version = label.strip_prefix("OCP ").map(str::to_string);
                self.server_label = Some(label);
            }
            Err(e) => self.on_api_error("server info", &e),
        }
        self.dirty = true;
    }

    fn on_api_error(&mut self, context: &str, e: &ApiError) {
        self.remember_error(context, &e.to_string(), e.trace_id().map(str::to_string));
    }

    pub fn on_view(
        &mut self,
        job: ViewJob,
        result: Result<ViewData, ApiError>,
        at: Instant,
        failures: u32,
    ) {
        self.dirty = true;
        match (job, result) {
            (ViewJob::Pane(kind), Ok(data)) => {
                match &data {
                    ViewData::Tasks(t) => self.note_tasks(t),
                    ViewData::Clusters { running, .. } => self.note_tasks(running),
                    _ => {}
                }
                let Some(pd) = PaneData::from_view(kind, data) else {
                    return;
                };
                let rows = pd.rows(self.frozen_now.unwrap_or_else(panes::now_ms));
                let p = self.pane_mut(kind);
                p.data = pd;
                p.table.set_rows(rows);
                p.loaded = true;
                p.last_ok = Some(at);
                p.error = None;
                self.last_refresh = Some(at);
            }
            (ViewJob::Pane(kind), Err(e)) => {
                let msg = e.to_string();
                let first = failures == 0;
                let p = self.pane_mut(kind);
                let since = p
                    .error
                    .as_ref()
                    .map(|x| (x.since, x.since_wall))
                    .unwrap_or((at, SystemTime::now()));
                p.error = Some(FetchError {
                    message: msg.clone(),
                    since: since.0,
                    since_wall: since.1,
                    failures: failures + 1,
                });
                self.on_api_error(kind.title(), &e);
                if first {
                    self.flash(Level::Error, format!("{}: {msg}", kind.title()));
                }
                if e.is_unauthorized() {
                    self.flash(
                        Level::Warn,
                        "the server refused the login — :login to enter the password again",
                    );
                }
            }
            (job, result) => {
                let Some(d) = self.detail.as_mut() else {
                    return;
                };
                if !detail_matches(&d.target, &job) {
                    return;
                }
                match result {
                    Ok(data) => {
                        d.data = Some(data);
                        d.error = None;
                        d.last_ok = Some(at);
                        self.last_refresh = Some(at);
                    }
                    Err(e) => {
                        let since = d
                            .error
                            .as_ref()
                            .map(|x| (x.since, x.since_wall))
                            .unwrap_or((at, SystemTime::now()));
                        d.error = Some(FetchError {
                            message: e.to_string(),
                            since: since.0,
                            since_wall: since.1,
                            failures: failures + 1,
                        });
                        self.on_api_error("detail", &e);
                    }
                }
            }
        }
    }

    // ----- input -----

    pub fn on_event(&mut self, ev: Event) -> Vec<Effect> {
        match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => self.on_key(k),
            // Key releases (terminals with the keyboard enhancement protocol) matter only for
            // a wizard's reveal-while-held password.
            Event::Key(k) if self.view() == &View::Wizard => match self.wizard.as_mut() {
                Some(w) => {
                    let effects = w.handle_key(k);
                    self.wizard_effects(effects)
                }
                None => vec![],
            },
            Event::Mouse(m) => self.on_mouse(m),
            Event::Resize(w, h) => {
                self.size = (w, h);
                self.dirty = true;
                vec![]
            }
            Event::Paste(s) => {
                self.on_paste(&s);
                vec![]
            }
            _ => vec![],
        }
    }

    fn on_paste(&mut self, s: &str) {
        if self.view() == &View::Wizard {
            if let Some(w) = self.wizard.as_mut() {
                w.handle_paste(s);
                self.dirty = true;
                return;
            }
        }
        // Only the first line of a paste goes into a one-line input.
        let line: String = s
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        match &mut self.mode {
            Mode::Filter(input) => {
                let v = format!("{}{}", input.value(), line);
                *input = Input::new(v);
                let f = input.value().to_string();
                let kind = self.current_pane();
                self.pane_mut(kind).table.set_filter(&f);
            }
            Mode::Command { input, .. } => {
                let v = format!("{}{}", input.value(), line);
                *input = Input::new(v);
            }
            _ => {}
        }
        self.dirty = true;
    }

    fn scopes(&self) -> Vec<Scope> {
        match self.view() {
            View::Pane(p) if panes::scope(*p) == Scope::Table => vec![Scope::Table, Scope::Global],
            View::Pane(p) => vec![panes::scope(*p), Scope::Table, Scope::Global],
            View::Detail(_) => vec![Scope::Detail, Scope::Global],
            View::Dag(_) => vec![Scope::Dag, Scope::Global],
            View::Wizard | View::Errors => vec![Scope::Global],
        }
    }

    pub fn on_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        self.dirty = true;
        if k.code == KeyCode::Char('z') && k.modifiers.contains(KeyModifiers::CONTROL) {
            return vec![Effect::Suspend];
        }
        match &mut self.mode {
            Mode::Filter(input) => {
                match k.code {
                    KeyCode::Enter => self.mode = Mode::Normal,
                    KeyCode::Esc => {
                        let kind = self.current_pane();
                        self.pane_mut(kind).table.set_filter("");
                        self.mode = Mode::Normal;
                    }
                    _ => {
                        input.handle_event(&Event::Key(k));
                        let f: String = input.value().chars().filter(|c| !c.is_control()).collect();
                        let kind = self.current_pane();
                        self.pane_mut(kind).table.set_filter(&f);
                    }
                }
                return vec![];
            }
            Mode::Command { input, completion } => {
                match k.code {
                    KeyCode::Esc => self.mode = Mode::Normal,
                    KeyCode::Tab => {
                        let matches = complete(input.value());
                        if !matches.is_empty() {
                            let pick = matches[*completion % matches.len()];
                            *input = Input::new(pick.to_string());
                            *completion += 1;
                        }
                    }
                    KeyCode::Enter => {
                        let cmd = input.value().trim().to_string();
                        self.mode = Mode::Normal;
                        return self.run_command(&cmd);
                    }
                    _ => {
                        input.handle_event(&Event::Key(k));
                        *completion = 0;
                    }
                }
                return vec![];
            }
            Mode::Help { scroll } => {
                match k.code {
                    KeyCode::Down | KeyCode::Char('j') => {
                        *scroll = scroll.saturating_add(1).min(SPECS_LEN as u16)
                    }
                    KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
                    KeyCode::PageDown => *scroll = scroll.saturating_add(10).min(SPECS_LEN as u16),
                    KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
                    _ => self.mode = Mode::Normal,
                }
                return vec![];
            }
            Mode::Password { input, .. } => {
                match k.code {
                    KeyCode::Esc => self.mode = Mode::Normal,
                    KeyCode::Enter => {
                        let pw = std::mem::take(input);
                        self.mode = Mode::Normal;
                        if pw.is_empty() {
                            self.flash(Level::Warn, "empty password: not sent");
                            return vec![];
                        }
                        return vec![Effect::Login(pw)];
                    }
                    KeyCode::Backspace => {
                        let mut s = zeroize::Zeroizing::new(input.expose().to_string());
                        s.pop();
                        *input = obtui_api::secret::Secret::new(s.as_str());
                    }
                    KeyCode::Char(c)
                        if !k.modifiers.contains(KeyModifiers::CONTROL) && !c.is_control() =>
                    {
                        let mut s = zeroize::Zeroizing::new(input.expose().to_string());
                        if s.len() < 256 {
                            s.push(c);
                        }
                        *input = obtui_api::secret::Secret::new(s.as_str());
                    }
                    _ => {}
                }
                return vec![];
            }
            Mode::Normal => {}
        }
        if self.view() == &View::Wizard {
            if let Some(w) = self.wizard.as_mut() {
                let effects = w.handle_key(k);
                return self.wizard_effects(effects);
            }
        }
        if matches!(self.view(), View::Dag(_)) {
            if let Some(d) = self.dag.as_mut() {
                if let Some(effects) = d.on_key(k) {
                    return self.dag_effects(effects);
                }
            }
        }
        let Some(key) = Key::from_event(&k) else {
            return vec![];
        };
        let Some(action) = self.keymap.lookup(&self.scopes(), key) else {
            return vec![];
        };
        if matches!(self.view(), View::Dag(_)) && routes_to_dag(action) {
            let ro = self.settings.read_only;
            if let Some(d) = self.dag.as_mut() {
                let effects = d.perform(action, ro);
                return self.dag_effects(effects);
            }
        }
        self.perform(action)
    }

    /// Run an action, unless read-only mode forbids it.
    pub fn perform(&mut self, action: Action) -> Vec<Effect> {
        let s = spec(action);
        if s.dangerous && self.settings.read_only {
            self.flash(
                Level::Warn,
                format!("read-only mode: {} is not available", s.desc.to_lowercase()),
            );
            return vec![];
        }
        let kind = self.current_pane();
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.mode = Mode::Help { scroll: 0 },
            Action::CommandMode => {
                self.mode = Mode::Command {
                    input: Input::default(),
                    completion: 0,
                }
            }
            Action::Filter => {
                if matches!(self.view(), View::Pane(_)) {
                    let cur = self.pane(kind).table.filter.clone();
                    self.mode = Mode::Filter(Input::new(cur));
                }
            }
            Action::NextPane | Action::PrevPane => {
                let i = kind.index();
                let n = PaneKind::ALL.len();
                let next = if action == Action::NextPane {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                self.goto_pane(PaneKind::ALL[next]);
            }
            Action::PaneClusters => self.goto_pane(PaneKind::Clusters),
            Action::PaneHosts => self.goto_pane(PaneKind::Hosts),
            Action::PaneProxies => self.goto_pane(PaneKind::Proxies),
            Action::PaneTasks => self.goto_pane(PaneKind::Tasks),
            Action::ErrorLog => {
                if self.view() != &View::Errors {
                    self.stack.push(View::Errors);
                }
            }
            Action::Back => self.back(),
            Action::Up => self.move_sel(-1),
            Action::Down => self.move_sel(1),
            Action::PageUp => self.move_sel(-(self.page_rows() as isize)),
            Action::PageDown => self.move_sel(self.page_rows() as isize),
            Action::Home => match self.view() {
                View::Pane(_) => self.pane_mut(kind).table.home(),
                _ => self.scroll_detail(i32::MIN),
            },
            Action::End => match self.view() {
                View::Pane(_) => self.pane_mut(kind).table.end(),
                _ => self.scroll_detail(i32::MAX),
            },
            Action::Refresh => return vec![Effect::RefreshNow],
            Action::SortNext => {
                let n = panes::columns(kind).len();
                self.pane_mut(kind).table.sort_next(n);
            }
            Action::SortReverse => self.pane_mut(kind).table.sort_reverse(),
            Action::Open => self.open_selected(),
            Action::Copy => {
                if let Some(text) = self.copy_text() {
                    self.flash(Level::Info, format!("copied {text}"));
                    return vec![Effect::Copy(text)];
                }
            }
            Action::CreateCluster => return self.open_wizard(WizardKind::CreateCluster),
            Action::TakeoverCluster => return self.open_wizard(WizardKind::TakeoverCluster),
            Action::UpgradeCluster => return self.open_wizard(WizardKind::UpgradeCluster),
            Action::TakeoverProxy => return self.open_wizard(WizardKind::TakeoverProxy),
            Action::ScaleOut => return self.open_wizard(WizardKind::ScaleOut),
            other => {
                let s = spec(other);
                self.flash(Level::Info, format!("{}: not available here", s.desc));
            }
        }
        vec![]
    }

    fn run_command(&mut self, cmd: &str) -> Vec<Effect> {
        let word = cmd
            .trim_start_matches(':')
            .split_whitespace()
            .next()
            .unwrap_or("");
        match word {
            "" => {}
            "clusters" | "cluster" | "cl" => self.goto_pane(PaneKind::Clusters),
            "hosts" | "host" | "ho" => self.goto_pane(PaneKind::Hosts),
            "proxies" | "proxy" | "obproxy" | "px" => self.goto_pane(PaneKind::Proxies),
            "tasks" | "task" | "ta" => self.goto_pane(PaneKind::Tasks),
            "errors" => return self.perform(Action::ErrorLog),
            "create" => return self.perform(Action::CreateCluster),
            "takeover" => return self.perform(Action::TakeoverCluster),
            "upgrade" => return self.perform(Action::UpgradeCluster),
            "proxy-takeover" => return self.perform(Action::TakeoverProxy),
            "scale-out" | "scaleout" => return self.perform(Action::ScaleOut),
            "profile" => match cmd.trim_start_matches(':').split_whitespace().nth(1) {
                Some(name) => return vec![Effect::SwitchProfile(name.to_string())],
                None => self.flash(
                    Level::Warn,
                    format!("usage: :profile NAME (now: {})", self.settings.profile),
                ),
            },
            "login" => {
                let prompt = format!(
                    "Password for {} at {}",
                    self.settings.user, self.settings.url
                );
                self.ask_password(&prompt);
            }
            "help" => return self.perform(Action::Help),
            "q" | "quit" | "exit" => self.quit = true,
            other => self.flash(
                Level::Warn,
                format!("unknown command :{other} (Tab completes)"),
            ),
        }
        vec![]
    }

    /// Open the masked password prompt.
    pub fn ask_password(&mut self, prompt: &str) {
        self.mode = Mode::Password {
            prompt: prompt.to_string(),
            input: obtui_api::secret::Secret::default(),
        };
        self.dirty = true;
    }

    /// Take on another profile: new settings and theme, and forget the old server's data.
    pub fn switch_to(&mut self, settings: Settings, theme: Theme) {
        let keymap = self.keymap.clone();
        let errors = std::mem::take(&mut self.notify.errors);
        let size = self.size;
        *self = App::new(settings, theme, keymap);
        self.notify.errors = errors;
        self.size = size;
    }

    fn goto_pane(&mut self, k: PaneKind) {
        self.mode = Mode::Normal;
        self.detail = None;
        self.dag = None;
        if let Some(mut w) = self.wizard.take() {
            w.wipe_secrets();
        }
        self.stack = vec![View::Pane(k)];
    }

    fn back(&mut self) {
        if self.stack.len() > 1 {
            match self.stack.pop() {
                Some(View::Dag(_)) => self.dag = None,
                Some(View::Wizard) => {
                    if let Some(mut w) = self.wizard.take() {
                        w.wipe_secrets();
                    }
                }
                _ => {}
            }
            if !matches!(self.view(), View::Detail(_)) {
                self.detail = None;
            }
        } else {
            let kind = self.current_pane();
            if !self.pane(kind).table.filter.is_empty() {
                self.pane_mut(kind).table.set_filter("");
            }
        }
    }

    fn move_sel(&mut self, d: isize) {
        match self.view() {
            View::Pane(k) => {
                let k = *k;
                self.pane_mut(k).table.move_by(d);
            }
            _ => self.scroll_detail(d as i32),
        }
    }

    fn scroll_detail(&mut self, d: i32) {
        if let Some(det) = self.detail.as_mut() {
            det.scroll = (det.scroll as i64 + d as i64).clamp(0, u16::MAX as i64) as u16;
        }
    }

    fn open_selected(&mut self) {
        let kind = self.current_pane();
        let Some(row) = self.pane(kind).table.selected_row() else {
            return;
        };
        let Ok(id) = row.id.parse::<i64>() else {
            return;
        };
        let target = match kind {
            PaneKind::Clusters => DetailTarget::Cluster(id),
            PaneKind::Hosts => DetailTarget::Host(id),
            PaneKind::Proxies => DetailTarget::Proxy(id),
            PaneKind::Tasks => {
                self.open_task(id.to_string(), self.task_backend);
                return;
            }
        };
        self.detail = Some(DetailState {
            target: target.clone(),
            data: None,
            scroll: 0,
            error: None,
            last_ok: None,
        });
        self.stack.push(View::Detail(target));
    }

    fn copy_text(&self) -> Option<String> {
        match self.view() {
            View::Pane(k) => {
                panes::copy_value(&self.pane(*k).data, self.pane(*k).table.selected_row()?)
            }
            View::Errors => self
                .notify
                .errors
                .back()
                .map(|e| e.trace_id.clone().unwrap_or_else(|| e.message.clone())),
            View::Detail(_) => None,
            View::Dag(_) => {
                let d = self.dag.as_ref()?;
                Some(
                    d.selected_node()
                        .map(|n| n.id.clone())
                        .unwrap_or_else(|| d.task_id.clone()),
                )
            }
            View::Wizard => None,
        }
    }

    fn on_mouse(&mut self, m: MouseEvent) -> Vec<Effect> {
        if matches!(self.view(), View::Dag(_)) && m.row > 1 {
            self.dirty = true;
            if let Some(d) = self.dag.as_mut() {
                let effects = d.on_mouse(m);
                return self.dag_effects(effects);
            }
        }
        match m.kind {
            MouseEventKind::ScrollDown => self.move_sel(3),
            MouseEventKind::ScrollUp => self.move_sel(-3),
            MouseEventKind::Down(_) => {
                // Row 1 holds the pane tabs: a click there switches panes.
                if m.row == 1 {
                    if let Some(k) = tab_at(m.column) {
                        self.goto_pane(k);
                        self.dirty = true;
                        return vec![];
                    }
                }
                if let View::Pane(k) = self.view().clone() {
                    let Some(t) = self.drawn.table.as_ref().filter(|t| t.pane == k) else {
                        return vec![];
                    };
                    if m.row + 1 == t.top {
                        if let Some(c) = hit::header_column(&t.header_cols, m.column) {
                            self.pane_mut(k).table.sort_by(c);
                        }
                    } else if let Some(pos) = hit::table_row(t, m.row) {
                        let t = &mut self.pane_mut(k).table;
                        if pos < t.view.len() {
                            if pos == t.selected {
                                self.open_selected();
                            } else {
                                t.selected = pos;
                            }
                        }
                    }
                }
            }
            _ => return vec![],
        }
        self.dirty = true;
        vec![]
    }
}

/// Tab labels are drawn as ` 1 Clusters  2 Hosts …` from column 1; find which one was hit.
pub fn tab_at(col: u16) -> Option<PaneKind> {
    let mut x = 1u16;
    for k in PaneKind::ALL {
        let w = (k.title().chars().count() + 4) as u16;
        if col >= x && col < x + w {
            return Some(k);
        }
        x += w + 1;
    }
    None
}

/// Actions the DAG view handles itself while it is on screen.
fn routes_to_dag(a: Action) -> bool {
    spec(a).scope == Scope::Dag
        || matches!(
            a,
            Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Home
                | Action::End
                | Action::Back
                | Action::Open
        )
}

fn detail_matches(t: &DetailTarget, job: &ViewJob) -> bool {
    matches!(
        (t, job),
        (DetailTarget::Cluster(a), ViewJob::ClusterDetail(b))
            | (DetailTarget::Host(a), ViewJob::HostDetail(b))
            | (DetailTarget::Proxy(a), ViewJob::ProxyDetail(b)) if a == b
    )
}

/// Commands that start with what was typed.
pub fn complete(prefix: &str) -> Vec<&'static str> {
    let p = prefix.trim_start_matches(':').trim();
    COMMANDS
        .iter()
        .map(|(c, _)| *c)
        .filter(|c| c.starts_with(p))
        .collect()
}
