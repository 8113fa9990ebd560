//! The app state and its `update`: keys, mouse and poller messages in, effects out.

use super::actions::{spec, Action, Keymap, Scope, SPECS};
use super::dag::{DagEffect, DagView};
use super::hit::{self, Drawn};
use super::modes::{CommandInput, FilterEnd, FilterInput, HelpOverlay, Outcome, PasswordPrompt};
pub use super::notify::{ErrorEntry, Flash, Level, Notifications};
use super::panes::{self, PaneData};
use super::table::TableState;
use super::wizard::{Wizard, WizardContext, WizardEffect};
use crate::config::Theme;
use crate::model::alarm::AlarmTarget;
use crate::model::inventory::{TaskSource, TaskSummary};
use crate::model::jobs::LogJob;
use crate::model::jobs::TaskJob;
use crate::model::jobs::ViewJob;
use crate::model::pane::PaneKind;
use crate::model::view::{Part, ViewData};
use crate::model::wizard::WizardKind;
use crossterm::event::{Event, KeyEvent, KeyEventKind, MouseEvent, MouseEventKind};
use obtui_api::time::{offset_secs_of, ShownZone, ZoneSetting};
use obtui_api::ApiError;
use obtui_task::{Backend, Op, TaskGraph};
use std::time::{Duration, Instant, SystemTime};

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
    /// The raw JSON of one object (`d`); the object is in `App::raw`.
    Raw,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DetailTarget {
    Cluster(i64),
    Host(i64),
    Proxy(i64),
    /// A tenant: its cluster's id and its own.
    Tenant {
        cluster: i64,
        tenant: i64,
    },
    /// An alarm (the Alarms pane's row id).
    Alarm(i64),
    /// One of OCP's audit events.
    Event(i64),
}

/// A failed fetch, shown on the pane that is now stale.
#[derive(Debug, Clone)]
pub struct FetchError {
    pub message: String,
    pub since: Instant,
    pub since_wall: SystemTime,
    pub failures: u32,
}

/// Input modes that take the keys before the screen does; each is a component of
/// [`super::modes`] with its own scope of the action registry.
#[derive(Debug, Clone)]
pub enum Mode {
    Normal,
    Filter(FilterInput),
    Command(CommandInput),
    Help(HelpOverlay),
    /// A masked password prompt (login again, or a profile without password_command).
    Password(PasswordPrompt),
    /// Typing a search in the raw JSON view (the filter's keys: Enter keeps, Esc clears).
    RawSearch(FilterInput),
}

/// A secondary part of a screen whose last request failed (see [`Part`]): since when, why,
/// and whether the screen still shows a last good value (stale) or never had one (unknown).
#[derive(Debug, Clone)]
pub struct PartStale {
    pub message: String,
    pub since: Instant,
    pub since_wall: SystemTime,
    /// A last good value is on screen (stale); `false`: there never was one (unknown).
    pub known: bool,
}

/// The secondary parts of a screen that are failing now; a part not in it is fresh.
pub type Parts = std::collections::BTreeMap<Part, PartStale>;

pub struct PaneState {
    pub table: TableState,
    pub data: PaneData,
    pub loaded: bool,
    pub last_ok: Option<Instant>,
    pub error: Option<FetchError>,
    /// Secondary parts failing now (the clusters pane's running tasks, an agent's zones).
    pub parts: Parts,
}

pub struct DetailState {
    pub target: DetailTarget,
    pub data: Option<ViewData>,
    pub scroll: u16,
    pub error: Option<FetchError>,
    pub last_ok: Option<Instant>,
    /// Secondary parts failing now (a cluster's servers, tenants, tasks).
    pub parts: Parts,
    /// The selected item of `app::detail::items` (zones, servers, tasks, hosts, clusters);
    /// `None` until `j` / `k` selects one.
    pub selected: Option<usize>,
    /// Zones whose servers are folded away.
    pub folded: std::collections::BTreeSet<String>,
    /// Bring the selected item into view at the next frame.
    pub reveal: bool,
}

impl DetailState {
    pub fn new(target: DetailTarget) -> DetailState {
        DetailState {
            target,
            data: None,
            scroll: 0,
            error: None,
            last_ok: None,
            parts: Parts::new(),
            selected: None,
            folded: Default::default(),
            reveal: false,
        }
    }

    /// The selectable items now (see `app::detail`).
    pub fn items(&self) -> Vec<super::detail::DetailItem> {
        self.data
            .as_ref()
            .map(|d| super::detail::items(d, &self.folded))
            .unwrap_or_default()
    }

    /// Move the selection by `d` items; false when there is nothing to select.
    fn move_selection(&mut self, d: isize) -> bool {
        let n = self.items().len();
        if n == 0 {
            return false;
        }
        let next = match self.selected {
            None if d < 0 => n - 1,
            None => 0,
            Some(i) => (i as isize + d).clamp(0, n as isize - 1) as usize,
        };
        self.selected = Some(next);
        self.reveal = true;
        true
    }
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
    /// Fetch one object's JSON for the raw view.
    FetchRaw(crate::model::jobs::RawTarget),
    /// Connect with another profile of the config file.
    SwitchProfile(String),
    /// Log in again with this password (after a 401, or for a profile switch).
    Login(obtui_api::secret::Secret),
    /// Open every other profile of the config file beside this one (the fleet view).
    OpenFleet,
    /// A confirmed task operation (retry, rollback, skip, cancel, pass).
    Operate {
        task: String,
        backend: Backend,
        op: Op,
        node: Option<String>,
    },
    /// Network work a wizard asked for (data, the API precheck, the submit).
    Wizard(Box<WizardEffect>),
    /// Save a task log to a new file named after `name` (in the state directory, else the
    /// working directory; an existing file is never overwritten). The runtime says where.
    SaveLog { name: String, text: String },
}

/// Commands that start with what was typed (the list comes from the action registry).
pub use super::actions::complete;

/// Tasks created by one write, followed together (see [`App::open_task_group`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskGroup {
    /// The write, as its wizard named it ("Take over OBProxy proxy-a").
    pub label: String,
    /// The Tasks pane's filter that shows exactly these tasks.
    pub filter: String,
    /// How many tasks the write created.
    pub count: usize,
}

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
    /// The raw JSON view, while it is open.
    pub raw: Option<super::raw::RawView>,
    /// The details under the one on screen (a drill-down from a cluster to a host …), so
    /// Esc comes back to each as it was.
    pub detail_stack: Vec<DetailState>,
    /// The last task operation sent, until its outcome is known (see `dag::reconcile`).
    pub op_check: Option<super::dag::reconcile::OpCheck>,
    /// The wizard on screen.
    pub wizard: Option<Wizard>,
    /// Last seen status of each task, to flag tasks that fail while the user looks elsewhere.
    pub task_status: std::collections::HashMap<i64, obtui_task::TaskState>,
    /// The tasks of one write shown together in the Tasks pane (an OBProxy take-over of
    /// several hosts: one task per host).
    pub task_group: Option<TaskGroup>,
    /// Flashes, the error history and the run's notes.
    pub notify: Notifications,
    pub ocp_version: Option<String>,
    /// What the header says about the server.
    pub server_label: Option<String>,
    /// Where tasks opened from the panes live (OCP, or obshell for an agent-only profile).
    pub task_backend: Backend,
    /// The session has an obshell agent (the scale-out wizard needs one).
    pub has_obshell: bool,
    /// The obshell agent's address, when the profile names one (wizards say where they send).
    pub obshell_url: Option<String>,
    /// The AccessKey id OCP requests are signed with (AK/SK); `None`: HTTP Basic with a
    /// password. The header says which; `:login` re-reads the key instead of asking a password.
    pub access_key_id: Option<String>,
    /// Active alarms by level, for the header (`None` until first counted).
    pub alarm_counts: Option<crate::model::alarm::AlarmCounts>,
    /// The last count failed: the header marks the count it keeps as stale.
    pub alarm_counts_stale: bool,
    /// The `:` commands run in this session, oldest first (Up / Down in command mode).
    pub command_history: Vec<String>,
    /// The live state of DAG views and details a `:` jump covered, restored when Esc comes
    /// back to them.
    parked_dags: Vec<DagView>,
    parked_details: Vec<DetailState>,
    /// A `:` command waiting for its pane's first data (its names are not known yet).
    pending: Option<(PaneKind, String)>,
    /// The obshell DAGs this session knows (started by its wizards, opened, or listed by the
    /// agent), newest state last seen: the Tasks pane keeps listing them even when the
    /// agent's list does not (an agent that lists only unfinished DAGs). At most
    /// [`KNOWN_DAGS_MAX`], the oldest dropped first.
    pub known_dags: Vec<crate::model::inventory::TaskSummary>,
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
    /// The view poller's effective interval and a first load in progress (the header shows both).
    pub poll: crate::model::view::PollStatus,
    /// Which zone times are shown in (`time_zone` in config.toml; see [`App::set_time_zone`]).
    pub zone_setting: ZoneSetting,
    /// The zone every time on screen is in, named once in the header. UTC until the
    /// runtime applies the configured setting (so tests read the same everywhere).
    pub zone: ShownZone,
    /// Several profiles open at once (`--profile a --profile b`, `--all-profiles`).
    pub fleet: Option<super::fleet::Fleet>,
}

/// The `:` commands remembered for Up / Down.
const COMMAND_HISTORY: usize = 100;

/// The deepest the navigation stack grows with `:` jumps (the oldest screens are dropped).
const MAX_STACK: usize = 16;

/// How many tasks the Tasks pane fetches (the newest; see `poll::fetch`).
const TASK_LIST_PAGE: usize = 500;
/// How many obshell DAGs a session remembers for the Tasks pane.
pub const KNOWN_DAGS_MAX: usize = 500;

/// Upper bound of the help overlay's scroll: the registry, a title and a gap per scope, notes.
const HELP_LINES: usize = super::actions::SPECS.len() + 2 * Scope::ALL.len() + 40;

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
                    parts: Parts::new(),
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
            raw: None,
            detail_stack: Vec::new(),
            op_check: None,
            wizard: None,
            task_status: std::collections::HashMap::new(),
            task_group: None,
            notify: Notifications::default(),
            ocp_version: None,
            server_label: None,
            task_backend: Backend::Ocp,
            has_obshell: false,
            obshell_url: None,
            access_key_id: None,
            alarm_counts: None,
            alarm_counts_stale: false,
            command_history: Vec::new(),
            parked_dags: Vec::new(),
            parked_details: Vec::new(),
            pending: None,
            known_dags: Vec::new(),
            quit: false,
            dirty: true,
            last_refresh: None,
            drawn: Drawn::default(),
            size: (80, 24),
            frozen_now: None,
            poll: crate::model::view::PollStatus::default(),
            zone_setting: ZoneSetting::Utc,
            zone: ShownZone::utc(),
            fleet: None,
        }
    }

    /// Show times in `setting`'s zone. `Server` is UTC until a timestamp from the server
    /// says its offset (the first task seen).
    pub fn set_time_zone(&mut self, setting: ZoneSetting) {
        self.zone_setting = setting;
        self.zone = match setting {
            ZoneSetting::Local => ShownZone::local(),
            ZoneSetting::Utc | ZoneSetting::Server => ShownZone::utc(),
        };
        if let Some(v) = self.dag.as_mut() {
            v.zone = self.zone.clone();
        }
        self.dirty = true;
    }

    /// With `time_zone = "server"`: learn the server's offset from the timestamps it sent.
    fn learn_server_zone(&mut self, tasks: &[crate::model::inventory::TaskSummary]) {
        if self.zone_setting != ZoneSetting::Server || self.zone.label().starts_with("server") {
            return;
        }
        let Some(off) = tasks
            .iter()
            .find_map(|t| t.start_time.as_deref().and_then(offset_secs_of))
        else {
            return;
        };
        self.zone = ShownZone::server(off);
        if let Some(v) = self.dag.as_mut() {
            v.zone = self.zone.clone();
        }
        // Rows already built show the old zone: build them again.
        let now = self.frozen_now.unwrap_or_else(panes::now_ms);
        for p in &mut self.panes {
            p.table.set_rows(p.data.rows(now, &self.zone));
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
                DetailTarget::Tenant { cluster, tenant } => ViewJob::TenantDetail {
                    cluster: *cluster,
                    tenant: *tenant,
                },
                DetailTarget::Alarm(id) => ViewJob::AlarmDetail(*id),
                DetailTarget::Event(id) => ViewJob::EventDetail(*id),
            }),
            View::Errors | View::Dag(_) | View::Wizard | View::Raw => None,
        }
    }

    /// Nothing on screen is being refreshed (a wizard, the error history): the header says
    /// "paused" rather than an interval that does not run.
    pub fn polling_paused(&self) -> bool {
        self.view_job().is_none() && self.task_job().is_none()
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

    /// Open a wizard on the cluster on screen: the detail's, or the row selected in the
    /// clusters pane while it is on screen (refused in read-only mode, and for upgrade
    /// without one).
    pub fn open_wizard(&mut self, kind: WizardKind) -> Vec<Effect> {
        let mut cluster = None;
        if let PaneData::Clusters { clusters, .. } = &self.pane(PaneKind::Clusters).data {
            let sel = match self.view() {
                View::Detail(DetailTarget::Cluster(id)) => Some(*id),
                View::Pane(PaneKind::Clusters) | View::Wizard => self
                    .pane(PaneKind::Clusters)
                    .table
                    .selected_row()
                    .and_then(super::fleet::item_id),
                _ => None,
            };
            if let Some(c) = sel.and_then(|id| clusters.iter().find(|c| c.id == id)) {
                cluster = Some((c.id, c.name.clone()));
            }
        }
        // A scale-out acts on the agent's own cluster: only a cluster named on purpose
        // (`:scale-out NAME`) is checked against it.
        if kind == WizardKind::ScaleOut {
            cluster = None;
        }
        self.open_wizard_for(kind, cluster)
    }

    /// Open a wizard on `cluster` (OCP id and name), when it acts on one.
    pub fn open_wizard_for(
        &mut self,
        kind: WizardKind,
        cluster: Option<(i64, String)>,
    ) -> Vec<Effect> {
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
        if kind == WizardKind::UpgradeCluster && cluster.is_none() {
            let names = self.names().clusters;
            let listed = names.iter().take(8).cloned().collect::<Vec<_>>().join(", ");
            self.flash(
                Level::Warn,
                if listed.is_empty() {
                    "select the cluster to upgrade first (or :upgrade NAME)".to_string()
                } else {
                    format!("which cluster? :upgrade NAME ({listed})")
                },
            );
            return vec![];
        }
        let mut ctx = WizardContext {
            profile: self.fleet_profile(),
            ocp_version: self.ocp_version.clone(),
            cluster,
            server: self.settings.url.clone(),
            agent: self.obshell_url.clone(),
            ..Default::default()
        };
        if self.current_pane() == PaneKind::Proxies {
            ctx.proxy_cluster_id = self
                .pane(PaneKind::Proxies)
                .table
                .selected_row()
                .and_then(super::fleet::item_id);
        }
        match Wizard::open(kind, ctx, self.settings.read_only) {
            Ok((w, effects)) => {
                // A wizard opened over another one (from its command mode) replaces it.
                if let Some(mut old) = self.wizard.replace(w) {
                    old.wipe_secrets();
                }
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
                WizardEffect::App(a) => out.extend(self.perform(a)),
                WizardEffect::OpenTaskGroup(ids) => {
                    let label = self
                        .wizard
                        .as_ref()
                        .map(|w| w.heading())
                        .unwrap_or_default();
                    self.close_wizard();
                    self.open_task_group(label, &ids);
                }
                WizardEffect::OpenTask(id) => {
                    // The task lives where the wizard wrote (an obshell DAG for a scale-out).
                    let backend = self
                        .wizard
                        .as_ref()
                        .map(|w| w.kind.backend())
                        .unwrap_or(Backend::Ocp);
                    let name = self.wizard.as_ref().map(|w| w.kind.title().to_string());
                    self.close_wizard();
                    if backend == Backend::Obshell {
                        // Listed in the Tasks pane from now on, whatever the agent lists.
                        self.remember_dag(TaskSummary {
                            id: crate::model::inventory::dag_row_id(&id),
                            source: TaskSource::Obshell {
                                agent: self.obshell_agent().unwrap_or_default(),
                                dag: id.clone(),
                            },
                            name: name.unwrap_or_default(),
                            status: obtui_task::TaskState::Running,
                            cluster_id: None,
                            cluster_name: None,
                            creator: None,
                            start_time: None,
                            started: None,
                            finished: None,
                            subtasks: vec![],
                        });
                    }
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
        r: Result<
            crate::model::wizard::precheck::PrecheckAnswer,
            crate::model::wizard::WizardError,
        >,
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
        // On an unknown outcome the wizard itself asks for the look-up (WizardEffect::FindTask).
        let _ = lookup;
        if unknown {
            self.flash(Level::Warn, "sent, outcome unknown: looking for the task it may have created (it is not re-sent)");
        }
        self.wizard_effects(effects)
    }

    /// The answer to a wizard's `FindTask`.
    pub fn on_wizard_found(&mut self, r: crate::app::wizard::LookupReport) -> Vec<Effect> {
        let effects = match self.wizard.as_mut() {
            Some(w) => w.on_lookup(r),
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
        self.dag = Some(self.new_dag(task.clone(), backend));
        if matches!(self.view(), View::Dag(_)) {
            self.stack.pop();
        }
        self.stack.push(View::Dag(task));
        self.mode = Mode::Normal;
        self.dirty = true;
    }

    fn new_dag(&self, task: String, backend: Backend) -> DagView {
        let mut v = DagView::new(task, backend);
        v.set_keymap(&self.keymap);
        v.zone = self.zone.clone();
        v.profile = self.fleet_profile();
        v.fit_width(self.size.0);
        v
    }

    pub fn on_task(&mut self, job: TaskJob, result: Result<TaskGraph, ApiError>, at: Instant) {
        let Some(d) = self.dag.as_mut() else { return };
        if d.task_id != job.task {
            return;
        }
        let obshell = job.backend == Backend::Obshell;
        match result {
            Ok(g) => {
                if obshell {
                    self.remember_dag_graph(&g);
                }
                if g.status == obtui_task::TaskState::Failed {
                    if let Ok(id) = g.id.parse::<i64>() {
                        self.note_task_status(id, obtui_task::TaskState::Failed, &g.name);
                    }
                }
                let verdict = match self.op_check.as_mut() {
                    Some(c) if c.task == job.task => Some((c.op, c.node.clone(), c.on_graph(&g))),
                    _ => None,
                };
                if let Some(d) = self.dag.as_mut() {
                    d.on_graph(g, at);
                    if let Some((op, node, v)) = verdict {
                        if v != super::dag::reconcile::Verdict::Wait {
                            self.op_check = None;
                        }
                        d.on_op_verdict(op, node.as_deref(), v);
                    }
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
        use super::dag::reconcile::OpOutcome;
        if let Err(e) = &result {
            self.on_api_error(&format!("{} task {task}", op.name()), e);
        }
        let outcome = OpOutcome::from_result(&result);
        // An unknown outcome is decided from the task's next polls (on_task).
        let this =
            |c: &super::dag::reconcile::OpCheck| c.task == task && c.op == op && c.node == node;
        match (&outcome, self.op_check.as_mut()) {
            (OpOutcome::Unknown(_), Some(c)) if this(c) => c.unknown_polls = Some(0),
            (OpOutcome::Unknown(_), _) => {
                self.op_check = Some(super::dag::reconcile::OpCheck {
                    task: task.to_string(),
                    op,
                    node: node.clone(),
                    before: None,
                    unknown_polls: Some(0),
                })
            }
            (_, Some(c)) if this(c) => self.op_check = None,
            _ => {}
        }
        match self.dag.as_mut().filter(|d| d.task_id == task) {
            Some(d) => d.on_op_result(op, node, outcome),
            None => match outcome {
                OpOutcome::Accepted => {
                    self.flash(Level::Info, format!("{} sent for task {task}", op.name()))
                }
                // Remembered above by on_api_error: the footer only.
                OpOutcome::Unknown(e) => {
                    let text = format!("{} task {task}: sent, outcome unknown ({e})", op.name());
                    self.notify.show(Level::Warn, text, Instant::now());
                    self.dirty = true;
                }
                OpOutcome::Rejected(e) | OpOutcome::NotSent(e) => {
                    let text = format!("{} task {task}: {e}", op.name());
                    self.notify.show(Level::Error, text, Instant::now());
                    self.dirty = true;
                }
            },
        }
        self.dirty = true;
    }

    /// Remember a task's status; a task that turns FAILED raises a flash wherever the user is.
    fn note_task_status(&mut self, id: i64, status: obtui_task::TaskState, name: &str) {
        use obtui_task::TaskState;
        let first_sight = self.task_status.is_empty();
        let old = self.task_status.insert(id, status.clone());
        let newly_failed = status == TaskState::Failed
            && match old {
                Some(o) => o != TaskState::Failed,
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

    /// Keep the obshell DAGs among `tasks` (their newest state) in the session's list.
    fn remember_dags(&mut self, tasks: &[TaskSummary]) {
        for t in tasks {
            if matches!(t.source, TaskSource::Obshell { .. }) {
                self.remember_dag(t.clone());
            }
        }
    }

    /// One obshell DAG into the session's list (replacing what was known of it).
    pub fn remember_dag(&mut self, t: TaskSummary) {
        match self.known_dags.iter_mut().find(|k| k.id == t.id) {
            Some(k) => *k = t,
            None => {
                if self.known_dags.len() >= KNOWN_DAGS_MAX {
                    self.known_dags.remove(0);
                }
                self.known_dags.push(t);
            }
        }
    }

    /// The Tasks pane's rows plus the known DAGs the server's answer did not bring.
    fn add_known_dags(&self, rows: &mut Vec<TaskSummary>) {
        let have: std::collections::HashSet<i64> = rows.iter().map(|t| t.id).collect();
        rows.extend(
            self.known_dags
                .iter()
                .filter(|k| !have.contains(&k.id))
                .cloned(),
        );
    }

    /// What the session knows of the obshell DAG `dag` now that its graph came: its state,
    /// name, times and nodes, so the Tasks pane lists it as it is.
    fn remember_dag_graph(&mut self, g: &TaskGraph) {
        let agent = self.obshell_agent().unwrap_or_default();
        let t = TaskSummary {
            id: crate::model::inventory::dag_row_id(&g.id),
            source: TaskSource::Obshell {
                agent,
                dag: g.id.clone(),
            },
            name: g.name.clone(),
            status: g.status.clone(),
            cluster_id: None,
            cluster_name: g.cluster.clone(),
            creator: g.creator.clone(),
            start_time: None,
            started: g.started,
            finished: g.finished,
            subtasks: g
                .nodes
                .iter()
                .map(|n| crate::model::inventory::SubtaskSummary {
                    name: n.name.clone(),
                    status: n.status.clone(),
                    target: n.target.clone(),
                })
                .collect(),
        };
        self.remember_dag(t);
    }

    fn note_tasks(&mut self, tasks: &[crate::model::inventory::TaskSummary]) {
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
                        // The task as it is when sent: what a lost answer is decided against.
                        self.op_check = Some(super::dag::reconcile::OpCheck {
                            task: d.task_id.clone(),
                            op,
                            node: node.clone(),
                            before: d
                                .graph()
                                .map(|g| super::dag::reconcile::Snapshot::of(g, node.as_deref())),
                            unknown_polls: None,
                        });
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
                DagEffect::SaveLog { name, text } => out.push(Effect::SaveLog { name, text }),
            }
        }
        out
    }

    /// Breadcrumbs of the navigation stack, for the header.
    /// What a breadcrumb calls the row `id` of `kind`: its first cell (a cluster's or
    /// OBProxy's name, a host's IP) when the pane has it, else the id.
    fn row_name(&self, kind: PaneKind, id: i64) -> String {
        let key = id.to_string();
        // A fleet's rows: the active profile's row, whose name follows the PROFILE cell.
        let (fleet_key, name_col) = match self.fleet_active() {
            Some(m) => (format!("{key}@{m}"), 1),
            None => (key.clone(), 0),
        };
        self.pane(kind)
            .table
            .rows
            .iter()
            .find(|r| r.id == fleet_key)
            .and_then(|r| r.cells.get(name_col))
            .cloned()
            .filter(|t| !t.is_empty())
            .unwrap_or(key)
    }

    /// What the raw JSON view calls its object: by its row's name where a pane has it
    /// (`cluster terran`), else as [`RawTarget::title`] does.
    pub fn raw_title(&self, target: &crate::model::jobs::RawTarget) -> String {
        use crate::model::jobs::RawTarget;
        match target {
            RawTarget::Cluster(id) => format!("cluster {}", self.row_name(PaneKind::Clusters, *id)),
            RawTarget::Host(id) => format!("host {}", self.row_name(PaneKind::Hosts, *id)),
            RawTarget::Proxy(id) => {
                format!("OBProxy cluster {}", self.row_name(PaneKind::Proxies, *id))
            }
            RawTarget::Tenant { tenant, .. } => {
                format!("tenant {}", self.row_name(PaneKind::Tenants, *tenant))
            }
            RawTarget::Task { .. } => target.title(),
        }
    }

    /// The obshell agent's `host:port` (the Tasks pane's SOURCE column), from its URL.
    pub fn obshell_agent(&self) -> Option<String> {
        self.obshell_url
            .as_deref()
            .map(crate::poll::convert::obshell::agent_label)
    }

    pub fn breadcrumbs(&self) -> Vec<String> {
        let crumbs = self
            .stack
            .iter()
            .map(|v| match v {
                View::Pane(p) => p.title().to_string(),
                View::Detail(DetailTarget::Cluster(id)) => {
                    format!("cluster {}", self.row_name(PaneKind::Clusters, *id))
                }
                View::Detail(DetailTarget::Host(id)) => {
                    format!("host {}", self.row_name(PaneKind::Hosts, *id))
                }
                View::Detail(DetailTarget::Proxy(id)) => {
                    format!("obproxy {}", self.row_name(PaneKind::Proxies, *id))
                }
                View::Detail(DetailTarget::Tenant { tenant, .. }) => {
                    format!("tenant {}", self.row_name(PaneKind::Tenants, *tenant))
                }
                View::Detail(DetailTarget::Alarm(id)) => format!("alarm {id}"),
                View::Detail(DetailTarget::Event(id)) => format!("event {id}"),
                View::Dag(id) => format!("task {id}"),
                View::Wizard => self
                    .wizard
                    .as_ref()
                    .map(|w| w.heading())
                    .unwrap_or_default(),
                View::Errors => "errors".into(),
                View::Raw => self
                    .raw
                    .as_ref()
                    .map(|r| format!("json of {}", self.raw_title(&r.target)))
                    .unwrap_or_else(|| "json".into()),
            })
            .collect::<Vec<_>>();
        // In a fleet, what is open past the panes belongs to the active profile: named.
        let own = self
            .stack
            .iter()
            .any(|v| !matches!(v, View::Pane(_) | View::Errors));
        match (self.fleet_profile(), crumbs.len()) {
            (Some(p), n) if n > 1 && own => {
                let mut crumbs = crumbs;
                crumbs.insert(1, format!("profile {p}"));
                crumbs
            }
            _ => crumbs,
        }
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
            det.scroll = d.detail_scroll.unwrap_or(det.scroll).min(max);
            det.reveal = false;
        }
        if let (Some(dd), Some(v)) = (d.dag.clone(), self.dag.as_mut()) {
            v.on_drawn(dd);
        }
        if let (Some(rows), Some(w)) = (d.wizard_rows, self.wizard.as_mut()) {
            w.viewport = rows;
        }
        if let (Some(max), Mode::Help(h)) = (d.help_max_scroll, &mut self.mode) {
            h.max = max;
            h.scroll = h.scroll.min(max);
        }
        if let (Some(rows), Some(r)) = (d.raw_rows, self.raw.as_mut()) {
            r.page = rows;
            r.scroll = r.scroll.min(r.max_scroll());
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
    /// The header's count of active alarms, polled beside the view (see `poll::alarms`). A
    /// failed count keeps the last one, marked stale; the error goes to the history.
    pub fn on_alarm_counts(&mut self, r: Result<crate::model::alarm::AlarmCounts, ApiError>) {
        self.dirty = true;
        match r {
            Ok(c) => {
                self.alarm_counts = Some(c);
                self.alarm_counts_stale = false;
            }
            Err(e) => {
                self.alarm_counts_stale = true;
                self.on_api_error("alarm count", &e);
            }
        }
    }

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

    pub(crate) fn on_api_error(&mut self, context: &str, e: &ApiError) {
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
            (ViewJob::Pane(kind), Ok(mut data)) => {
                if let ViewData::Alarms { alarms, total } = &data {
                    // The pane's own list is the header's count (no second request).
                    self.alarm_counts = Some(crate::model::alarm::AlarmCounts::of(alarms, *total));
                    self.alarm_counts_stale = false;
                }
                let parts = self.keep_good_parts_of_pane(kind, &mut data);
                match &mut data {
                    ViewData::Tasks(t) => {
                        self.remember_dags(t);
                        self.note_tasks(t);
                        self.learn_server_zone(t);
                    }
                    ViewData::TasksAndDags { tasks, dags } => {
                        if let Ok(d) = dags {
                            self.remember_dags(d);
                            self.note_tasks(d);
                        }
                        self.note_tasks(tasks);
                        self.learn_server_zone(tasks);
                    }
                    ViewData::Clusters {
                        running: Ok(running),
                        ..
                    } => {
                        self.note_tasks(running);
                        self.learn_server_zone(running);
                    }
                    _ => {}
                }
                let Some(mut pd) = PaneData::from_view(kind, data) else {
                    return;
                };
                if let PaneData::Tasks(t) = &mut pd {
                    self.add_known_dags(t);
                }
                self.settle_parts(Some(kind), kind.title(), parts, at);
                let now = self.frozen_now.unwrap_or_else(panes::now_ms);
                let zone = self.zone.clone();
                let fleet = self.fleet.is_some();
                let p = self.pane_mut(kind);
                // A fleet's rows are merged from every profile (`fleet_rebuild`).
                if !fleet {
                    p.data.update_table(&pd, &mut p.table, now, &zone);
                }
                p.data = pd;
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
                    // Already in the history (with its traceId): the footer only.
                    self.notify.show(
                        Level::Error,
                        format!("{}: {msg}", kind.title()),
                        Instant::now(),
                    );
                    self.dirty = true;
                }
                if e.is_unauthorized() {
                    self.flash(
                        Level::Warn,
                        if self.access_key_id.is_some() {
                            "the server refused the access key signature — check the key and this host's clock; :login reads the key again"
                        } else {
                            "the server refused the login — :login to enter the password again"
                        },
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
                    Ok(mut data) => {
                        let parts = keep_good_parts_of_detail(d.data.as_ref(), &mut data);
                        d.data = Some(data);
                        d.error = None;
                        d.last_ok = Some(at);
                        self.last_refresh = Some(at);
                        self.settle_parts(None, "cluster detail", parts, at);
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

    /// A pane's snapshot: each secondary part that failed this round gets its last good value
    /// back (the data then reads as it did, and the part is marked stale); returns how each
    /// part fared.
    fn keep_good_parts_of_pane(&self, kind: PaneKind, data: &mut ViewData) -> Vec<PartOutcome> {
        let prev = &self.pane(kind).data;
        match data {
            ViewData::Clusters { running, .. } => {
                let last = match prev {
                    PaneData::Clusters {
                        running: Some(r), ..
                    } if self.pane(kind).loaded => Some(r),
                    _ => None,
                };
                vec![PartOutcome::keep(Part::RunningTasks, running, last)]
            }
            ViewData::TasksAndDags { dags, .. } => {
                // The DAGs last listed stand in for a failed round (marked stale).
                let last: Option<Vec<TaskSummary>> = match prev {
                    PaneData::Tasks(t) if self.pane(kind).loaded => Some(
                        t.iter()
                            .filter(|x| matches!(x.source, TaskSource::Obshell { .. }))
                            .cloned()
                            .collect(),
                    ),
                    _ => None,
                };
                vec![PartOutcome::keep(Part::AgentDags, dags, last.as_ref())]
            }
            ViewData::AgentHosts { hosts, zones } => {
                let error = zones.as_ref().err().cloned();
                let mut known = false;
                if error.is_some() {
                    if let (PaneData::Hosts(old), true) = (prev, self.pane(kind).loaded) {
                        for h in hosts.iter_mut() {
                            if let Some(o) = old.iter().find(|o| o.id == h.id) {
                                h.idc = o.idc.clone();
                                known = true;
                            }
                        }
                    }
                }
                vec![PartOutcome {
                    part: Part::AgentZones,
                    error,
                    known,
                }]
            }
            _ => Vec::new(),
        }
    }

    /// Bring the freshness of a screen's secondary parts up to this round: a part that came
    /// back drops its mark; a failed one is marked (since its first failure), its error goes
    /// to the history (each failed round is one entry, with its traceId) and, when the part
    /// starts failing, to the footer. `pane`: the pane's parts, or the detail's when `None`.
    fn settle_parts(
        &mut self,
        pane: Option<PaneKind>,
        context: &str,
        outcomes: Vec<PartOutcome>,
        at: Instant,
    ) {
        let parts = match pane {
            Some(k) => &mut self.pane_mut(k).parts,
            None => match self.detail.as_mut() {
                Some(d) => &mut d.parts,
                None => return,
            },
        };
        let mut report = Vec::new();
        for o in outcomes {
            match o.error {
                None => {
                    parts.remove(&o.part);
                }
                Some(e) => {
                    let started = !parts.contains_key(&o.part);
                    let (since, since_wall) = parts
                        .get(&o.part)
                        .map(|x| (x.since, x.since_wall))
                        .unwrap_or((at, SystemTime::now()));
                    parts.insert(
                        o.part,
                        PartStale {
                            message: e.to_string(),
                            since,
                            since_wall,
                            known: o.known,
                        },
                    );
                    report.push((o.part, e, started));
                }
            }
        }
        for (part, e, started) in report {
            let context = format!("{context}: {}", part.label());
            self.on_api_error(&context, &e);
            if started {
                // Already in the history (with its traceId): the footer only.
                self.notify
                    .show(Level::Error, format!("{context}: {e}"), Instant::now());
            }
        }
        self.dirty = true;
    }

    // ----- input -----

    pub fn on_event(&mut self, ev: Event) -> Vec<Effect> {
        // In a fleet, the selected row's profile is the one every key acts on.
        self.fleet_focus();
        let effects = self.on_event_inner(ev);
        self.fleet_focus();
        effects
    }

    fn on_event_inner(&mut self, ev: Event) -> Vec<Effect> {
        match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => self.on_key(k),
            // Key releases (terminals with the keyboard enhancement protocol) matter only for
            // a wizard's reveal-while-held password.
            Event::Key(k) if self.view() == &View::Wizard => match self.wizard.as_mut() {
                Some(w) => {
                    let effects = w.handle_key_with(k, &self.keymap);
                    self.wizard_effects(effects)
                }
                None => vec![],
            },
            Event::Mouse(m) => self.on_mouse(m),
            Event::Resize(w, h) => {
                self.size = (w, h);
                if let Some(v) = self.dag.as_mut() {
                    v.fit_width(w);
                }
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
            Mode::Filter(f) => {
                f.paste(&line);
                let v = f.value();
                let kind = self.current_pane();
                self.pane_mut(kind).table.set_filter(&v);
            }
            Mode::Command(c) => c.paste(&line),
            _ => {}
        }
        self.dirty = true;
    }

    /// The scopes of the screen on top (input modes aside), most specific first: the keys
    /// are looked up in this order, the footer hints and `?` help list them first.
    pub fn screen_scopes(&self) -> Vec<Scope> {
        use Scope::*;
        match self.view() {
            View::Pane(p) if panes::scope(*p) == Table => vec![Table, Global, Always],
            View::Pane(p) => vec![panes::scope(*p), Table, Global, Always],
            View::Detail(_) => vec![Detail, Global, Always],
            View::Dag(_) => match &self.dag {
                Some(d) => d.scopes(),
                None => vec![Dag, Global, Always],
            },
            View::Wizard => match &self.wizard {
                Some(w) => w.scopes(),
                None => vec![Global, Always],
            },
            View::Errors => vec![Global, Always],
            View::Raw => vec![Raw, Global, Always],
        }
    }

    /// The scopes active now: an input mode's own, or the screen's.
    pub fn active_scopes(&self) -> Vec<Scope> {
        let own = match &self.mode {
            Mode::Normal => return self.screen_scopes(),
            Mode::Filter(_) => Scope::Filter,
            Mode::Command(_) => Scope::Command,
            Mode::Help(_) => Scope::Help,
            Mode::Password(_) => Scope::Password,
            Mode::RawSearch(_) => Scope::Filter,
        };
        vec![own, Scope::Always]
    }

    pub fn on_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        self.dirty = true;
        // Keys of the `Always` scope (Ctrl-Z) work in every mode, text entry included.
        if let Some(a) = self.keymap.lookup_event(&[Scope::Always], &k) {
            return self.perform(a);
        }
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Normal => {}
            Mode::Filter(mut f) => {
                let kind = self.current_pane();
                match f.on_key(&self.keymap, k) {
                    Outcome::Stay => {
                        let v = f.value();
                        self.pane_mut(kind).table.set_filter(&v);
                        self.mode = Mode::Filter(f);
                    }
                    Outcome::Done(FilterEnd::Keep) => {}
                    Outcome::Done(FilterEnd::Clear) => self.pane_mut(kind).table.set_filter(""),
                    Outcome::App(a) => {
                        self.mode = Mode::Filter(f);
                        return self.perform(a);
                    }
                }
                return vec![];
            }
            Mode::RawSearch(mut f) => {
                let outcome = f.on_key(&self.keymap, k);
                let Some(r) = self.raw.as_mut() else {
                    return vec![];
                };
                match outcome {
                    Outcome::Stay => {
                        r.search(&f.value());
                        self.mode = Mode::RawSearch(f);
                    }
                    Outcome::Done(FilterEnd::Keep) => {}
                    Outcome::Done(FilterEnd::Clear) => r.search(""),
                    Outcome::App(a) => {
                        self.mode = Mode::RawSearch(f);
                        return self.perform(a);
                    }
                }
                return vec![];
            }
            Mode::Command(mut c) => {
                return match c.on_key(&self.keymap, k) {
                    Outcome::Stay => {
                        self.mode = Mode::Command(c);
                        vec![]
                    }
                    Outcome::Done(Some(cmd)) => self.run_command(&cmd),
                    Outcome::Done(None) => vec![],
                    Outcome::App(a) => {
                        self.mode = Mode::Command(c);
                        self.perform(a)
                    }
                };
            }
            Mode::Help(mut h) => {
                return match h.on_key(&self.keymap, k) {
                    Outcome::Stay => {
                        self.mode = Mode::Help(h);
                        vec![]
                    }
                    Outcome::Done(()) => vec![],
                    Outcome::App(a) => {
                        self.mode = Mode::Help(h);
                        self.perform(a)
                    }
                };
            }
            Mode::Password(mut p) => {
                return match p.on_key(&self.keymap, k) {
                    Outcome::Stay => {
                        self.mode = Mode::Password(p);
                        vec![]
                    }
                    Outcome::Done(Some(pw)) if pw.is_empty() => {
                        self.flash(Level::Warn, "empty password: not sent");
                        vec![]
                    }
                    Outcome::Done(Some(pw)) => vec![Effect::Login(pw)],
                    Outcome::Done(None) => vec![],
                    Outcome::App(a) => {
                        self.mode = Mode::Password(p);
                        self.perform(a)
                    }
                };
            }
        }
        if self.view() == &View::Wizard {
            if let Some(w) = self.wizard.as_mut() {
                let effects = w.handle_key_with(k, &self.keymap);
                return self.wizard_effects(effects);
            }
        }
        if matches!(self.view(), View::Dag(_)) {
            if let Some(d) = self.dag.as_mut() {
                if let Some(effects) = d.on_key_with(k, &self.keymap) {
                    return self.dag_effects(effects);
                }
            }
        }
        match self.keymap.lookup_event(&self.screen_scopes(), &k) {
            Some(action) => self.perform(action),
            None => vec![],
        }
    }

    /// Is there a selection for an action that needs one? `None`: yes; `Some(why)`: no.
    fn missing_selection(&self) -> Option<&'static str> {
        match self.view() {
            View::Pane(k) => self
                .pane(*k)
                .table
                .selected_row()
                .is_none()
                .then_some("select a row first"),
            View::Dag(_) => self
                .dag
                .as_ref()
                .and_then(|d| d.selected_node())
                .is_none()
                .then_some("select a node first"),
            View::Detail(_) | View::Wizard | View::Errors | View::Raw => None,
        }
    }

    /// Whether `a` would do something on the screen on top now: read-only mode, the
    /// selection, what the profile's server offers (OCP or an obshell agent), what the pane
    /// holds and, in the DAG view, the task's state and backend. The footer offers only these.
    pub fn offers(&self, a: Action) -> bool {
        let s = spec(a);
        if s.dangerous && self.settings.read_only {
            return false;
        }
        if s.needs_selection && self.missing_selection().is_some() {
            return false;
        }
        if let (View::Dag(_), Some(d)) = (self.view(), self.dag.as_ref()) {
            if routes_to_dag(a) {
                return d.offers(a);
            }
        }
        let ocp = self.task_backend == Backend::Ocp;
        match a {
            Action::CreateCluster
            | Action::TakeoverCluster
            | Action::UpgradeCluster
            | Action::TakeoverProxy => ocp,
            Action::ScaleOut => self.has_obshell,
            Action::Back => match self.view() {
                View::Pane(k) => {
                    let t = &self.pane(*k).table;
                    !t.filter.is_empty() || t.status_filter != crate::app::table::StatusFilter::All
                }
                _ => self.stack.len() > 1,
            },
            Action::SortNext | Action::SortReverse => match self.view() {
                View::Pane(k) => !self.pane(*k).table.rows.is_empty(),
                _ => false,
            },
            Action::Filter => matches!(self.view(), View::Pane(_)),
            Action::StatusFilter => self.view() == &View::Pane(PaneKind::Tasks),
            _ => true,
        }
    }

    /// The footer's hints for the screen on top: the registry's hinted actions of the active
    /// scopes, most specific first, that do something now ([`App::offers`]). Help and quit
    /// come last: the footer keeps room for them whatever else is cut.
    pub fn hints(&self) -> Vec<Action> {
        let mut out = Vec::new();
        // An input mode (filter, command, help, password) takes the keys: its own hints.
        let scopes = self.active_scopes();
        for sc in scopes.iter().copied() {
            for s in SPECS.iter().filter(|s| s.scope == sc && s.hint) {
                if matches!(s.action, Action::Help | Action::Quit) {
                    continue;
                }
                if self.offers(s.action) {
                    out.push(s.action);
                }
            }
        }
        for a in [Action::Help, Action::Quit] {
            if scopes.contains(&spec(a).scope) {
                out.push(a);
            }
        }
        out
    }

    /// Run an action, unless read-only mode forbids it or it needs a selection there is not.
    /// This is the one place every action has a handler: the `match` has no wildcard arm.
    pub fn perform(&mut self, action: Action) -> Vec<Effect> {
        let s = spec(action);
        if s.dangerous && self.settings.read_only {
            self.flash(
                Level::Warn,
                format!("read-only mode: {} is not available", s.desc.to_lowercase()),
            );
            return vec![];
        }
        if s.needs_selection {
            if let Some(why) = self.missing_selection() {
                self.flash(Level::Info, format!("{}: {why}", short(s.desc)));
                return vec![];
            }
        }
        if matches!(self.view(), View::Dag(_)) && routes_to_dag(action) {
            let ro = self.settings.read_only;
            if let Some(d) = self.dag.as_mut() {
                let effects = d.perform(action, ro);
                return self.dag_effects(effects);
            }
        }
        if self.view() == &View::Raw {
            if let Some(effects) = self.perform_raw(action) {
                return effects;
            }
        }
        let kind = self.current_pane();
        match action {
            Action::Suspend => return vec![Effect::Suspend],
            Action::RawRow | Action::RawDetail => return self.open_raw(),
            Action::DetailOpen => self.open_detail_item(),
            Action::DetailCluster => self.goto_detail_cluster(),
            // The raw view's own keys: handled above while it is on screen.
            Action::RawSearch | Action::RawNext | Action::RawPrev => self.not_here(action),
            Action::Quit => self.quit = true,
            Action::Help | Action::WizardHelp => {
                let lines = HELP_LINES + self.notify.notes.len();
                self.mode = Mode::Help(HelpOverlay::new(lines))
            }
            Action::CommandMode | Action::WizardCommand => {
                self.mode = Mode::Command(CommandInput::new(
                    self.names(),
                    self.command_history.clone(),
                ))
            }
            Action::Filter => {
                if matches!(self.view(), View::Pane(_)) {
                    let cur = self.pane(kind).table.filter.clone();
                    self.mode = Mode::Filter(FilterInput::new(&cur));
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
            Action::PaneTenants => self.goto_pane(PaneKind::Tenants),
            Action::PaneAlarms => self.goto_pane(PaneKind::Alarms),
            Action::PaneEvents => self.goto_pane(PaneKind::Events),
            Action::AlarmTarget => return self.goto_alarm_target(),
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
                let n = self.columns(kind).len();
                self.pane_mut(kind).table.sort_next(n);
            }
            Action::SortReverse => self.pane_mut(kind).table.sort_reverse(),
            Action::Open => self.open_selected(),
            Action::Copy => match self.copy_text() {
                Some(text) => {
                    self.flash(Level::Info, format!("copied {text}"));
                    return vec![Effect::Copy(text)];
                }
                None => self.flash(Level::Info, "nothing to copy here"),
            },
            Action::Login if self.access_key_id.is_some() => {
                // Signed requests: no password to ask; a new session reads the key again.
                self.flash(Level::Info, "reading the access key again");
                return vec![Effect::Login(obtui_api::secret::Secret::default())];
            }
            Action::Login => {
                let prompt = format!(
                    "Password for {} at {}",
                    self.settings.user, self.settings.url
                );
                self.ask_password(&prompt);
            }
            Action::Fleet if self.fleet.is_some() => self.flash(
                Level::Info,
                "the fleet view is open: every profile is listed",
            ),
            Action::Fleet => return vec![Effect::OpenFleet],
            Action::Profile => self.flash(
                Level::Warn,
                format!("usage: :profile NAME (now: {})", self.settings.profile),
            ),
            Action::GotoTask => {
                let recent = self.names().tasks;
                let listed = recent
                    .iter()
                    .take(5)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ");
                self.flash(
                    Level::Warn,
                    if listed.is_empty() {
                        "usage: :task ID".to_string()
                    } else {
                        format!("usage: :task ID (newest: {listed})")
                    },
                )
            }
            Action::CreateCluster => return self.open_wizard(WizardKind::CreateCluster),
            Action::TakeoverCluster => return self.open_wizard(WizardKind::TakeoverCluster),
            Action::UpgradeCluster => return self.open_wizard(WizardKind::UpgradeCluster),
            Action::TakeoverProxy => return self.open_wizard(WizardKind::TakeoverProxy),
            Action::ScaleOut => return self.open_wizard(WizardKind::ScaleOut),
            Action::StatusFilter => {
                if self.view() == &View::Pane(PaneKind::Tasks) {
                    let t = &mut self.pane_mut(PaneKind::Tasks).table;
                    let next = t.status_filter.next();
                    t.set_status_filter(next);
                    self.flash(Level::Info, format!("tasks: {}", next.label()));
                } else {
                    self.not_here(action);
                }
            }
            // The DAG view's own actions: routed to it above while it is on screen.
            Action::DagLeft
            | Action::DagRight
            | Action::DagOpen
            | Action::NextFailed
            | Action::PrevFailed
            | Action::NextRunning
            | Action::PrevRunning
            | Action::DagFirst
            | Action::DagLast
            | Action::ToggleView
            | Action::Fold
            | Action::LogFull
            | Action::Follow
            | Action::Search
            | Action::SearchNext
            | Action::SearchPrev
            | Action::RetryTask
            | Action::RollbackTask
            | Action::RetrySubtask
            | Action::SkipSubtask
            | Action::CancelSubtask
            | Action::Upstream
            | Action::Center
            | Action::CancelTask
            | Action::PassTask
            | Action::PassSubtask
            | Action::LogWrap
            | Action::LogFirstError
            | Action::LogPrefix
            | Action::LogSave
            | Action::LogLeft
            | Action::LogRight
            | Action::LogFullLeft
            | Action::LogFullRight
            | Action::LogSearch
            | Action::LogSearchNext
            | Action::LogSearchPrev
            | Action::LogClose => self.not_here(action),
            // Modal components take these keys themselves (the DAG's search input and
            // confirmation dialog, the wizard, the input modes of `super::modes`); they reach
            // here only if called from elsewhere, where they mean nothing.
            Action::SearchAccept
            | Action::SearchCancel
            | Action::OpConfirm
            | Action::OpCancel
            | Action::OpToggle
            | Action::OpChoose
            | Action::WizardCancel
            | Action::WizardReload
            | Action::WizardNextStep
            | Action::WizardPrevStep
            | Action::WizardNextField
            | Action::WizardPrevField
            | Action::WizardPageDown
            | Action::WizardPageUp
            | Action::WizardActivate
            | Action::WizardToggle
            | Action::WizardClearChoice
            | Action::WizardAddItem
            | Action::WizardRemoveItem
            | Action::WizardReveal
            | Action::StepBack
            | Action::StepScrollUp
            | Action::StepScrollDown
            | Action::PrecheckRerun
            | Action::PrecheckDropFailing
            | Action::PrecheckContinue
            | Action::SummarySubmit
            | Action::PopupUp
            | Action::PopupDown
            | Action::PopupPageUp
            | Action::PopupPageDown
            | Action::PopupTick
            | Action::PopupChoose
            | Action::PopupClose
            | Action::SubmitToggle
            | Action::SubmitChoose
            | Action::SubmitCancel
            | Action::SubmitYes
            | Action::SubmitNo
            | Action::DiscardYes
            | Action::DiscardNo
            | Action::FilterApply
            | Action::FilterClear
            | Action::CommandRun
            | Action::CommandComplete
            | Action::CommandCompletePrev
            | Action::CommandHistoryPrev
            | Action::CommandHistoryNext
            | Action::CommandCancel
            | Action::HelpUp
            | Action::HelpDown
            | Action::HelpPageUp
            | Action::HelpPageDown
            | Action::HelpClose
            | Action::PasswordSubmit
            | Action::PasswordCancel => self.not_here(action),
        }
        vec![]
    }

    fn not_here(&mut self, action: Action) {
        self.flash(
            Level::Info,
            format!("{}: not available here", spec(action).desc),
        );
    }

    /// A `:` command: the registry says which action each command name runs; its argument
    /// names what it acts on (see [`super::command`]). The command joins the history.
    fn run_command(&mut self, cmd: &str) -> Vec<Effect> {
        let line = cmd.trim().trim_start_matches(':').trim().to_string();
        if line.is_empty() {
            return vec![];
        }
        if self.command_history.last() != Some(&line) {
            self.command_history.push(line.clone());
            if self.command_history.len() > COMMAND_HISTORY {
                self.command_history.remove(0);
            }
        }
        self.pending = None;
        self.run_command_line(&line)
    }

    fn run_command_line(&mut self, line: &str) -> Vec<Effect> {
        use super::command::{arg_of, find, unknown, Arg};
        let (word, arg) = match line.split_once(char::is_whitespace) {
            Some((w, a)) => (w, a.trim()),
            None => (line, ""),
        };
        let Some(action) = super::actions::by_command(word) else {
            self.flash(
                Level::Warn,
                format!("unknown command :{word} (Tab completes)"),
            );
            return vec![];
        };
        let kind = arg_of(action);
        let pane_of = |a: Action| match a {
            Action::PaneClusters => Some(PaneKind::Clusters),
            Action::PaneHosts => Some(PaneKind::Hosts),
            Action::PaneProxies => Some(PaneKind::Proxies),
            Action::PaneTasks => Some(PaneKind::Tasks),
            Action::PaneTenants => Some(PaneKind::Tenants),
            Action::PaneAlarms => Some(PaneKind::Alarms),
            Action::PaneEvents => Some(PaneKind::Events),
            _ => None,
        };
        if arg.is_empty() {
            return match pane_of(action) {
                Some(p) => {
                    self.jump(vec![View::Pane(p)]);
                    vec![]
                }
                // The cluster on screen, if any; else it asks which (no row selection needed).
                None if action == Action::UpgradeCluster && !self.settings.read_only => {
                    self.open_wizard(WizardKind::UpgradeCluster)
                }
                None => self.perform(action),
            };
        }
        match kind {
            Arg::None => {
                self.flash(Level::Warn, format!(":{word} takes no argument"));
                return vec![];
            }
            Arg::Profile => return vec![Effect::SwitchProfile(arg.to_string())],
            Arg::Filter => {
                let pane = pane_of(action).unwrap_or(PaneKind::Tasks);
                self.jump(vec![View::Pane(pane)]);
                self.pane_mut(pane).table.set_filter(arg);
                return vec![];
            }
            Arg::Task => return self.goto_task(arg),
            Arg::Cluster | Arg::Host | Arg::Proxy => {}
        }
        if spec(action).dangerous && self.settings.read_only {
            return self.perform(action);
        }
        let pane = match kind {
            Arg::Host => PaneKind::Hosts,
            Arg::Proxy => PaneKind::Proxies,
            _ => PaneKind::Clusters,
        };
        if !self.pane(pane).loaded {
            // The names are not known yet: the pane loads them, and the command runs then.
            self.jump(vec![View::Pane(pane)]);
            self.pending = Some((pane, line.to_string()));
            self.flash(
                Level::Info,
                format!("loading the {} list for :{line}", kind.noun()),
            );
            return vec![];
        }
        let names = self.names();
        let Some(name) = find(arg, names.of(kind)).cloned() else {
            self.flash(Level::Warn, unknown(kind, arg, names.of(kind)));
            return vec![];
        };
        let Some(id) = self.id_of(pane, &name) else {
            return vec![];
        };
        match action {
            Action::UpgradeCluster => {
                self.open_wizard_for(WizardKind::UpgradeCluster, Some((id, name)))
            }
            Action::ScaleOut => self.open_wizard_for(WizardKind::ScaleOut, Some((id, name))),
            _ => {
                // The row selected in its pane, and its detail opened over where the user was.
                let t = &mut self.pane_mut(pane).table;
                if !t.select_id(&id.to_string()) {
                    t.set_filter("");
                    t.set_status_filter(crate::app::table::StatusFilter::All);
                    t.select_id(&id.to_string());
                }
                let target = match pane {
                    PaneKind::Hosts => DetailTarget::Host(id),
                    PaneKind::Proxies => DetailTarget::Proxy(id),
                    _ => DetailTarget::Cluster(id),
                };
                if self.view() != &View::Detail(target.clone()) {
                    self.jump(vec![View::Detail(target.clone())]);
                    self.detail = Some(DetailState::new(target));
                }
                vec![]
            }
        }
    }

    /// `:task ID`: the task's DAG, over where the user was. An id the task list has loaded
    /// without it (and could have listed) is refused, naming the newest ones.
    fn goto_task(&mut self, arg: &str) -> Vec<Effect> {
        // An obshell DAG of the Tasks pane, by the id its agent knows it by.
        let dag = match &self.pane(PaneKind::Tasks).data {
            PaneData::Tasks(t) => t
                .iter()
                .filter(|t| t.source != TaskSource::Ocp)
                .map(TaskSummary::open_target)
                .find(|(id, _)| id == arg),
            _ => None,
        };
        if let Some((task, backend)) = dag {
            if self.view() != &View::Dag(task.clone()) {
                let v = self.new_dag(task.clone(), backend);
                self.jump(vec![View::Dag(task)]);
                self.dag = Some(v);
            }
            return vec![];
        }
        let tasks = self.names().tasks;
        let Ok(id) = arg.parse::<i64>() else {
            self.flash(
                Level::Warn,
                super::command::unknown(super::command::Arg::Task, arg, &tasks),
            );
            return vec![];
        };
        // OCP's list holds the newest tasks (an older id may still exist); an agent's holds
        // its unfinished DAGs only, so it cannot refuse an id.
        let checkable = self.task_backend == Backend::Ocp && self.pane(PaneKind::Tasks).loaded;
        if checkable && !tasks.contains(&id.to_string()) {
            let oldest = tasks.iter().filter_map(|t| t.parse::<i64>().ok()).min();
            let listed_all = tasks.len() < TASK_LIST_PAGE;
            if listed_all || oldest.is_none_or(|o| id > o) {
                self.flash(
                    Level::Warn,
                    super::command::unknown(super::command::Arg::Task, arg, &tasks),
                );
                return vec![];
            }
        }
        let task = id.to_string();
        if self.view() != &View::Dag(task.clone()) {
            let v = self.new_dag(task.clone(), self.task_backend);
            self.jump(vec![View::Dag(task)]);
            self.dag = Some(v);
        }
        vec![]
    }

    /// The names `:` arguments take, from the panes' last data.
    pub fn names(&self) -> super::command::Names {
        let mut n = super::command::Names::default();
        for p in &self.panes {
            match &p.data {
                PaneData::Clusters { clusters, .. } => {
                    n.clusters = clusters.iter().map(|c| c.name.clone()).collect()
                }
                PaneData::Hosts(hosts) => {
                    n.hosts = hosts
                        .iter()
                        .filter_map(|h| h.ip.clone().or_else(|| h.hostname.clone()))
                        .collect()
                }
                PaneData::Proxies(px) => n.proxies = px.iter().map(|p| p.name.clone()).collect(),
                PaneData::Tasks(tasks) => {
                    // OCP tasks newest first by id, then the obshell DAGs by the id the agent
                    // knows them by (their rows' internal ids are not the agent's).
                    let mut ids: Vec<i64> = tasks
                        .iter()
                        .filter(|t| t.source == TaskSource::Ocp)
                        .map(|t| t.id)
                        .collect();
                    ids.sort_unstable_by(|a, b| b.cmp(a));
                    n.tasks = ids.iter().map(i64::to_string).collect();
                    n.tasks.extend(
                        tasks
                            .iter()
                            .filter(|t| t.source != TaskSource::Ocp)
                            .map(|t| t.open_target().0),
                    );
                }
                PaneData::Tenants(_) | PaneData::Alarms(_) | PaneData::Events(_) => {}
            }
        }
        n
    }

    /// The id of the row named `name` in a pane's data (a host by IP or host name).
    fn id_of(&self, pane: PaneKind, name: &str) -> Option<i64> {
        match &self.pane(pane).data {
            PaneData::Clusters { clusters, .. } => {
                clusters.iter().find(|c| c.name == name).map(|c| c.id)
            }
            PaneData::Hosts(hosts) => hosts
                .iter()
                .find(|h| h.ip.as_deref().or(h.hostname.as_deref()) == Some(name))
                .map(|h| h.id),
            PaneData::Proxies(px) => px.iter().find(|p| p.name == name).map(|p| p.id),
            PaneData::Tasks(_)
            | PaneData::Tenants(_)
            | PaneData::Alarms(_)
            | PaneData::Events(_) => None,
        }
    }

    /// Run the `:` command that waited for its pane's data, once that data is on screen.
    pub fn run_pending(&mut self) -> Vec<Effect> {
        match self.pending.clone() {
            Some((pane, line)) if self.pane(pane).loaded => {
                self.pending = None;
                if self.view() == &View::Pane(pane) {
                    self.run_command_line(&line)
                } else {
                    vec![]
                }
            }
            _ => vec![],
        }
    }

    /// A `:` jump: `views` go on top of the navigation stack, so Esc comes back here. A
    /// wizard on top is left (its secrets wiped); a DAG view or detail it covers is parked
    /// with its state (selection, scroll) until Esc returns to it.
    fn jump(&mut self, views: Vec<View>) {
        self.mode = Mode::Normal;
        if self.view() == &View::Wizard {
            self.close_wizard();
        }
        if views.last().is_none_or(|v| v == self.view()) {
            return;
        }
        match self.view() {
            View::Dag(_) => self.parked_dags.extend(self.dag.take()),
            View::Detail(_) => self.parked_details.extend(self.detail.take()),
            _ => {}
        }
        self.stack.extend(views);
        if self.stack.len() > MAX_STACK {
            let cut = self.stack.len() - MAX_STACK;
            self.stack.drain(..cut);
        }
        // Only what is still on the stack stays parked.
        let stack = &self.stack;
        self.parked_dags
            .retain(|d| stack.contains(&View::Dag(d.task_id.clone())));
        self.parked_details
            .retain(|d| stack.contains(&View::Detail(d.target.clone())));
    }

    /// The live state of the view on top, after Esc: a parked DAG view or detail comes back
    /// as it was left (or fresh, if it was not kept).
    fn restore_top(&mut self) {
        match self.view().clone() {
            View::Dag(id) if self.dag.as_ref().is_none_or(|d| d.task_id != id) => {
                let parked = self.parked_dags.iter().rposition(|d| d.task_id == id);
                self.dag = Some(match parked {
                    Some(i) => self.parked_dags.remove(i),
                    None => self.new_dag(id, self.task_backend),
                });
            }
            View::Detail(t) if self.detail.as_ref().is_none_or(|d| d.target != t) => {
                let parked = self.parked_details.iter().rposition(|d| d.target == t);
                self.detail = Some(match parked {
                    Some(i) => self.parked_details.remove(i),
                    None => DetailState::new(t),
                });
            }
            _ => {}
        }
    }

    /// Open the masked password prompt.
    pub fn ask_password(&mut self, prompt: &str) {
        self.mode = Mode::Password(PasswordPrompt::new(prompt));
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

    /// Show the tasks `ids` of one write together: the Tasks pane narrowed to them (a filter
    /// of alternatives, `id|id|…`), titled with the write and their aggregate state; each row
    /// opens its DAG, and `Esc` clears the filter as any other.
    pub fn open_task_group(&mut self, label: String, ids: &[String]) {
        let filter = ids.join("|");
        self.jump(vec![View::Pane(PaneKind::Tasks)]);
        let t = &mut self.pane_mut(PaneKind::Tasks).table;
        t.set_status_filter(crate::app::table::StatusFilter::All);
        t.set_filter(&filter);
        self.task_group = Some(TaskGroup {
            label,
            filter,
            count: ids.len(),
        });
        self.dirty = true;
    }

    /// The group the Tasks pane shows, while its filter is still the group's.
    pub fn shown_task_group(&self) -> Option<&TaskGroup> {
        self.task_group
            .as_ref()
            .filter(|g| self.pane(PaneKind::Tasks).table.filter == g.filter)
    }

    fn goto_pane(&mut self, k: PaneKind) {
        self.mode = Mode::Normal;
        self.parked_dags.clear();
        self.parked_details.clear();
        self.pending = None;
        self.detail = None;
        self.detail_stack.clear();
        self.dag = None;
        self.raw = None;
        if let Some(mut w) = self.wizard.take() {
            w.wipe_secrets();
        }
        self.stack = vec![View::Pane(k)];
    }

    fn back(&mut self) {
        if self.stack.len() > 1 {
            match self.stack.pop() {
                Some(View::Dag(_)) => self.dag = None,
                Some(View::Raw) => self.raw = None,
                Some(View::Wizard) => {
                    if let Some(mut w) = self.wizard.take() {
                        w.wipe_secrets();
                    }
                }
                Some(View::Detail(_)) if matches!(self.view(), View::Detail(_)) => {
                    self.detail = self.detail_stack.pop();
                }
                _ => {}
            }
            if !matches!(self.view(), View::Detail(_)) {
                self.detail = None;
                self.detail_stack.clear();
            }
            self.restore_top();
        } else {
            // Esc on a pane clears its filters: the text and the status filter.
            let kind = self.current_pane();
            if !self.pane(kind).table.filter.is_empty() {
                self.pane_mut(kind).table.set_filter("");
            }
            if self.pane(kind).table.status_filter != crate::app::table::StatusFilter::All {
                self.pane_mut(kind)
                    .table
                    .set_status_filter(crate::app::table::StatusFilter::All);
            }
        }
    }

    fn move_sel(&mut self, d: isize) {
        match self.view() {
            View::Pane(k) => {
                let k = *k;
                self.pane_mut(k).table.move_by(d);
            }
            // j / k select the detail's items (one at a time); without items they scroll.
            View::Detail(_) if d.abs() == 1 => {
                let moved = self.detail.as_mut().is_some_and(|x| x.move_selection(d));
                if !moved {
                    self.scroll_detail(d as i32);
                }
            }
            _ => self.scroll_detail(d as i32),
        }
    }

    /// Enter in a detail: open the selected item (a task's DAG, a server's or proxy's host,
    /// a cluster) or fold / unfold a zone.
    fn open_detail_item(&mut self) {
        use super::detail::DetailItem;
        let Some(det) = self.detail.as_ref() else {
            return;
        };
        let Some(item) = det.selected.and_then(|i| det.items().get(i).cloned()) else {
            // An alarm's detail has one thing to open: its target, selected or not.
            if let (View::Detail(DetailTarget::Alarm(_)), Some(t)) =
                (self.view(), self.selected_alarm_target())
            {
                let _ = self.open_alarm_target(t);
                return;
            }
            self.flash(
                Level::Info,
                "select a zone, server, task or cluster with j / k first",
            );
            return;
        };
        match item {
            DetailItem::Zone { name } => {
                if let Some(det) = self.detail.as_mut() {
                    if !det.folded.remove(&name) {
                        det.folded.insert(name);
                    }
                    det.reveal = true;
                }
            }
            DetailItem::Task { id, backend } => self.open_task(id, backend),
            DetailItem::Server { ip } | DetailItem::Proxy { ip } => self.open_host_by_ip(&ip),
            DetailItem::Cluster { name } => self.open_cluster_by_name(&name),
            DetailItem::Tenant { cluster, tenant } => {
                self.push_detail(DetailTarget::Tenant { cluster, tenant })
            }
            DetailItem::TenantNamed { cluster, tenant } => {
                let _ = self.open_alarm_target(AlarmTarget::Tenant { cluster, tenant });
            }
        }
    }

    /// The target of the alarm selected in the Alarms pane, or of the alarm detail on screen.
    fn selected_alarm_target(&self) -> Option<AlarmTarget> {
        let id = match self.view() {
            View::Pane(PaneKind::Alarms) => self
                .pane(PaneKind::Alarms)
                .table
                .selected_row()?
                .id
                .parse::<i64>()
                .ok()?,
            View::Detail(DetailTarget::Alarm(id)) => {
                if let Some(ViewData::AlarmDetail(a)) =
                    self.detail.as_ref().and_then(|d| d.data.as_ref())
                {
                    return Some(a.target.clone());
                }
                *id
            }
            _ => return None,
        };
        match &self.pane(PaneKind::Alarms).data {
            PaneData::Alarms(a) => super::alarm_pane::target_of(a, id),
            _ => None,
        }
    }

    /// `t` on an alarm: open what it is about.
    fn goto_alarm_target(&mut self) -> Vec<Effect> {
        match self.selected_alarm_target() {
            Some(t) => self.open_alarm_target(t),
            None => {
                self.flash(Level::Info, "select an alarm first");
                vec![]
            }
        }
    }

    /// Open an alarm's target through the `:` jumps (`:cluster NAME`, `:host IP`: the list
    /// loads first when it is not known yet, and Esc comes back here); a tenant opens its
    /// detail when the Tenants pane knows it, else that pane filtered to its name.
    fn open_alarm_target(&mut self, t: AlarmTarget) -> Vec<Effect> {
        match t {
            AlarmTarget::Cluster { name } => self.run_command_line(&format!("cluster {name}")),
            AlarmTarget::Host { ip } => self.run_command_line(&format!("host {ip}")),
            AlarmTarget::Tenant { cluster, tenant } => {
                let known = match &self.pane(PaneKind::Tenants).data {
                    PaneData::Tenants(list) => list
                        .iter()
                        .find(|x| x.name == tenant && x.cluster_name.as_deref() == Some(&cluster))
                        .and_then(|x| x.cluster_id.map(|c| (c, x.id))),
                    _ => None,
                };
                match known {
                    Some((c, id)) => {
                        let target = DetailTarget::Tenant {
                            cluster: c,
                            tenant: id,
                        };
                        self.jump(vec![View::Detail(target.clone())]);
                        self.detail = Some(DetailState::new(target));
                    }
                    None => {
                        self.jump(vec![View::Pane(PaneKind::Tenants)]);
                        self.pane_mut(PaneKind::Tenants).table.set_filter(&tenant);
                        self.flash(
                            Level::Info,
                            format!("tenants: filtered to {tenant} (of {cluster}; ⏎ opens it)"),
                        );
                    }
                }
                vec![]
            }
            AlarmTarget::Other => {
                self.flash(Level::Info, "this alarm names nothing obtui can open");
                vec![]
            }
        }
    }

    /// The cluster and tenant ids of the Tenants pane's tenant `id` (OCP's ids are unique
    /// across clusters; the detail's route needs both).
    fn tenant_target(&self, id: i64) -> Option<(i64, i64)> {
        match &self.pane(PaneKind::Tenants).data {
            PaneData::Tenants(t) => t
                .iter()
                .find(|t| t.id == id)
                .and_then(|t| t.cluster_id.map(|c| (c, t.id))),
            _ => None,
        }
    }

    /// The host with this IP: its detail when the Hosts pane knows it, else the Hosts pane
    /// filtered to the IP (it loads and shows the host).
    /// The id of the host with this IP, when the Hosts pane has loaded it.
    fn host_id_by_ip(&self, ip: &str) -> Option<i64> {
        match &self.pane(PaneKind::Hosts).data {
            PaneData::Hosts(h) => h.iter().find(|h| h.ip.as_deref() == Some(ip)).map(|h| h.id),
            _ => None,
        }
    }

    /// The id of the cluster named `name` (or `name:obClusterId`, as OCP names a host's
    /// OB_CLUSTER service), when the Clusters pane has loaded it.
    fn cluster_id_by_name(&self, name: &str) -> Option<i64> {
        let (bare, ob_id) = match name.rsplit_once(':') {
            Some((n, id)) => (n, id.parse::<i64>().ok()),
            None => (name, None),
        };
        match &self.pane(PaneKind::Clusters).data {
            PaneData::Clusters { clusters, .. } => clusters
                .iter()
                .find(|c| c.name == name)
                .or_else(|| {
                    clusters
                        .iter()
                        .find(|c| c.name == bare && (ob_id.is_none() || c.ob_cluster_id == ob_id))
                })
                .map(|c| c.id),
            _ => None,
        }
    }

    fn open_host_by_ip(&mut self, ip: &str) {
        let id = self.host_id_by_ip(ip);
        match id {
            Some(id) => self.push_detail(DetailTarget::Host(id)),
            None => {
                self.goto_pane(PaneKind::Hosts);
                self.pane_mut(PaneKind::Hosts).table.set_filter(ip);
                self.flash(Level::Info, format!("hosts: filtered to {ip} (⏎ opens it)"));
            }
        }
    }

    /// The cluster with this name: its detail when the Clusters pane knows it, else the
    /// Clusters pane filtered to the name.
    fn open_cluster_by_name(&mut self, name: &str) {
        let id = self.cluster_id_by_name(name);
        // The filter takes the bare name of `name:obClusterId`.
        let name = match name.rsplit_once(':') {
            Some((n, id)) if id.parse::<i64>().is_ok() => n,
            _ => name,
        };
        match id {
            Some(id) => self.push_detail(DetailTarget::Cluster(id)),
            None => {
                self.goto_pane(PaneKind::Clusters);
                self.pane_mut(PaneKind::Clusters).table.set_filter(name);
                self.flash(
                    Level::Info,
                    format!("clusters: filtered to {name} (⏎ opens it)"),
                );
            }
        }
    }

    /// `c` in a host's or an OBProxy's detail: its (first) cluster.
    fn goto_detail_cluster(&mut self) {
        let name = self.detail.as_ref().and_then(|d| {
            d.items().into_iter().find_map(|i| match i {
                super::detail::DetailItem::Cluster { name } => Some(name),
                _ => None,
            })
        });
        match name {
            Some(n) => self.open_cluster_by_name(&n),
            None => self.flash(Level::Info, "no cluster is named here"),
        }
    }

    fn push_detail(&mut self, target: DetailTarget) {
        let below = self.detail.replace(DetailState::new(target.clone()));
        if let (Some(d), View::Detail(_)) = (below, self.view()) {
            self.detail_stack.push(d);
        }
        self.stack.push(View::Detail(target));
        self.mode = Mode::Normal;
    }

    fn scroll_detail(&mut self, d: i32) {
        if let Some(det) = self.detail.as_mut() {
            det.scroll = (det.scroll as i64 + d as i64).clamp(0, u16::MAX as i64) as u16;
        }
    }

    /// What `d` shows here: the selected row's object, or the detail's own.
    fn raw_target(&self) -> Option<crate::model::jobs::RawTarget> {
        use crate::model::jobs::RawTarget;
        match self.view() {
            View::Pane(kind) => {
                let row = self.pane(*kind).table.selected_row()?;
                let id = super::fleet::item_id(row)?;
                Some(match kind {
                    PaneKind::Clusters => RawTarget::Cluster(id),
                    PaneKind::Hosts => RawTarget::Host(id),
                    PaneKind::Proxies => RawTarget::Proxy(id),
                    // No raw view for alarms and audit events (not fetched one by one).
                    PaneKind::Alarms | PaneKind::Events => return None,
                    PaneKind::Tenants => {
                        let (cluster, tenant) = self.tenant_target(id)?;
                        RawTarget::Tenant { cluster, tenant }
                    }
                    PaneKind::Tasks => {
                        let (id, backend) = match &self.pane(*kind).data {
                            PaneData::Tasks(t) => t.iter().find(|x| x.id == id)?.open_target(),
                            _ => return None,
                        };
                        RawTarget::Task { id, backend }
                    }
                })
            }
            View::Detail(t) => {
                // The selected item's object when it is known by id, else the detail's own.
                let item = self
                    .detail
                    .as_ref()
                    .and_then(|d| d.selected.and_then(|i| d.items().get(i).cloned()));
                let of_item = item.and_then(|i| match i {
                    super::detail::DetailItem::Task { id, backend } => {
                        Some(RawTarget::Task { id, backend })
                    }
                    super::detail::DetailItem::Server { ip }
                    | super::detail::DetailItem::Proxy { ip } => {
                        self.host_id_by_ip(&ip).map(RawTarget::Host)
                    }
                    super::detail::DetailItem::Cluster { name } => {
                        self.cluster_id_by_name(&name).map(RawTarget::Cluster)
                    }
                    super::detail::DetailItem::Tenant { cluster, tenant } => {
                        Some(RawTarget::Tenant { cluster, tenant })
                    }
                    super::detail::DetailItem::Zone { .. }
                    | super::detail::DetailItem::TenantNamed { .. } => None,
                });
                Some(of_item.unwrap_or(match t {
                    DetailTarget::Cluster(id) => RawTarget::Cluster(*id),
                    DetailTarget::Host(id) => RawTarget::Host(*id),
                    DetailTarget::Proxy(id) => RawTarget::Proxy(*id),
                    DetailTarget::Tenant { cluster, tenant } => RawTarget::Tenant {
                        cluster: *cluster,
                        tenant: *tenant,
                    },
                    DetailTarget::Alarm(_) | DetailTarget::Event(_) => return None,
                }))
            }
            _ => None,
        }
    }

    /// `d`: open the raw JSON view and ask for the one object (nothing of it is kept before).
    fn open_raw(&mut self) -> Vec<Effect> {
        let Some(t) = self.raw_target() else {
            self.flash(Level::Info, "no object here to show as JSON");
            return vec![];
        };
        self.raw = Some(super::raw::RawView::new(t.clone()));
        self.stack.push(View::Raw);
        self.mode = Mode::Normal;
        vec![Effect::FetchRaw(t)]
    }

    /// The answer to [`Effect::FetchRaw`]: shown if that object's view is still open.
    pub fn on_raw(
        &mut self,
        target: crate::model::jobs::RawTarget,
        result: Result<(String, Option<String>), ApiError>,
    ) {
        let Some(r) = self.raw.as_mut() else { return };
        if r.target != target {
            return;
        }
        if let Err(e) = &result {
            self.remember_error(
                &format!("raw JSON of {}", target.title()),
                &e.to_string(),
                e.trace_id().map(str::to_string),
            );
        }
        if let Some(r) = self.raw.as_mut() {
            r.set_doc(result.map_err(|e| e.to_string()));
        }
        self.dirty = true;
    }

    /// The raw view's handling of an action; `None` leaves it to the screens' handlers.
    fn perform_raw(&mut self, action: Action) -> Option<Vec<Effect>> {
        let r = self.raw.as_mut()?;
        let page = r.page.max(1) as isize;
        match action {
            Action::Up => r.scroll_by(-1),
            Action::Down => r.scroll_by(1),
            Action::PageUp => r.scroll_by(-page),
            Action::PageDown => r.scroll_by(page),
            Action::Home => r.top(),
            Action::End => r.bottom(),
            Action::RawNext => r.step(true),
            Action::RawPrev => r.step(false),
            Action::RawSearch => {
                let cur = r.query.clone();
                self.mode = Mode::RawSearch(FilterInput::new(&cur));
            }
            Action::Copy => {
                let Some(text) = r.text().map(str::to_string) else {
                    self.flash(Level::Info, "nothing to copy yet");
                    return Some(vec![]);
                };
                let title = r.target.title();
                self.flash(
                    Level::Info,
                    format!(
                        "copied the JSON of {title} ({} bytes) to the clipboard by OSC 52 (the terminal must allow it)",
                        text.len()
                    ),
                );
                return Some(vec![Effect::Copy(text)]);
            }
            _ => return None,
        }
        self.dirty = true;
        Some(vec![])
    }

    fn open_selected(&mut self) {
        let kind = self.current_pane();
        let Some(row) = self.pane(kind).table.selected_row() else {
            return;
        };
        let Some(id) = super::fleet::item_id(row) else {
            return;
        };
        let target = match kind {
            PaneKind::Clusters => DetailTarget::Cluster(id),
            PaneKind::Hosts => DetailTarget::Host(id),
            PaneKind::Proxies => DetailTarget::Proxy(id),
            PaneKind::Alarms => DetailTarget::Alarm(id),
            PaneKind::Events => DetailTarget::Event(id),
            PaneKind::Tenants => {
                let Some((cluster, tenant)) = self.tenant_target(id) else {
                    self.flash(Level::Warn, "this tenant's cluster is not known");
                    return;
                };
                DetailTarget::Tenant { cluster, tenant }
            }
            PaneKind::Tasks => {
                // A row knows where its task lives (OCP, or the agent of an obshell DAG).
                let target = match &self.pane(kind).data {
                    PaneData::Tasks(t) => t.iter().find(|x| x.id == id).map(|x| x.open_target()),
                    _ => None,
                };
                let (task, backend) = target.unwrap_or((id.to_string(), self.task_backend));
                self.open_task(task, backend);
                return;
            }
        };
        self.detail = Some(DetailState::new(target.clone()));
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
            View::Wizard | View::Raw => None,
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
                    if let Some(k) = tab_at(m.column, self.size.0, self.current_pane()) {
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

/// A detail view of `target`, its data still to come.
/// The pane tabs as drawn from column 1, one space apart: ` 1 Clusters ` each, or on a
/// terminal narrower than [`FULL_TABS_WIDTH`] the current pane's alone in full and the others
/// by their number (` 6 `), so the breadcrumbs keep room.
pub fn tab_labels(width: u16, current: PaneKind) -> Vec<(PaneKind, String)> {
    PaneKind::ALL
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let label = if width >= FULL_TABS_WIDTH || *k == current {
                format!(" {} {} ", i + 1, k.title())
            } else {
                format!(" {} ", i + 1)
            };
            (*k, label)
        })
        .collect()
}

/// The narrowest terminal that shows every pane tab by name.
pub const FULL_TABS_WIDTH: u16 = 100;

/// Which tab of [`tab_labels`] column `col` hits.
pub fn tab_at(col: u16, width: u16, current: PaneKind) -> Option<PaneKind> {
    let mut x = 1u16;
    for (k, label) in tab_labels(width, current) {
        let w = label.chars().count() as u16;
        if col >= x && col < x + w {
            return Some(k);
        }
        x += w + 1;
    }
    None
}

/// Actions the DAG view handles itself while it is on screen.
fn routes_to_dag(a: Action) -> bool {
    matches!(spec(a).scope, Scope::Dag | Scope::Log | Scope::LogFull)
        || matches!(
            a,
            Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Home
                | Action::End
                | Action::Back
        )
}

/// A description's first words, for a flash.
fn short(desc: &str) -> &str {
    desc.split(" (").next().unwrap_or(desc)
}

fn detail_matches(t: &DetailTarget, job: &ViewJob) -> bool {
    matches!(
        (t, job),
        (DetailTarget::Cluster(a), ViewJob::ClusterDetail(b))
            | (DetailTarget::Host(a), ViewJob::HostDetail(b))
            | (DetailTarget::Proxy(a), ViewJob::ProxyDetail(b))
            | (DetailTarget::Alarm(a), ViewJob::AlarmDetail(b))
            | (DetailTarget::Event(a), ViewJob::EventDetail(b)) if a == b
    ) || matches!(
        (t, job),
        (DetailTarget::Tenant { cluster: a, tenant: b }, ViewJob::TenantDetail { cluster: c, tenant: d })
            if a == c && b == d
    )
}

// ----- progressive first load and the effective refresh (view poller) -----

impl App {
    /// A first load's progress: the first page of a big list is shown at once (only while the
    /// pane has nothing yet), and the header says `loading done/total` until the complete
    /// answer arrives.
    pub fn on_view_progress(&mut self, p: crate::model::view::ViewProgress) {
        self.dirty = true;
        if let (ViewJob::Pane(kind), Some(data)) = (&p.job, p.first) {
            if !self.pane(*kind).loaded {
                self.on_view(p.job.clone(), Ok(data), Instant::now(), 0);
            }
        }
        self.poll.loading = Some((p.job, p.done, p.total));
    }

    /// A complete round of `job`: the poller fetches it again after `next`.
    pub fn on_view_interval(&mut self, job: ViewJob, next: Duration) {
        if self
            .poll
            .loading
            .as_ref()
            .is_some_and(|(j, _, _)| *j == job)
        {
            self.poll.loading = None;
            self.dirty = true;
        }
        if self.poll.interval.as_ref() != Some(&(job.clone(), next)) {
            self.poll.interval = Some((job, next));
            self.dirty = true;
        }
    }

    /// The view poller's interval for the screen on top, when it differs from the configured
    /// refresh (a big list fetched less often).
    pub fn adapted_refresh(&self) -> Option<Duration> {
        let (job, every) = self.poll.interval.as_ref()?;
        (Some(job) == self.view_job().as_ref() && *every != self.settings.refresh).then_some(*every)
    }

    /// `(done, total)` pages of the screen on top while its first load is in progress.
    pub fn loading_progress(&self) -> Option<(u32, u32)> {
        let (job, done, total) = self.poll.loading.as_ref()?;
        (Some(job) == self.view_job().as_ref()).then_some((*done, *total))
    }
}

/// How one secondary part of a snapshot fared this round (see [`App::settle_parts`]).
struct PartOutcome {
    part: Part,
    error: Option<ApiError>,
    /// A last good value was put back in place of the failure.
    known: bool,
}

impl PartOutcome {
    /// A part's result: on failure, the last good value (if any) takes the error's place.
    fn keep<T: Clone>(
        part: Part,
        r: &mut crate::model::view::PartResult<T>,
        last: Option<&T>,
    ) -> PartOutcome {
        let error = r.as_ref().err().cloned();
        let known = match (&error, last) {
            (Some(_), Some(v)) => {
                *r = Ok(v.clone());
                true
            }
            _ => false,
        };
        PartOutcome { part, error, known }
    }
}

/// A detail's snapshot: each secondary part that failed this round gets the last good value of
/// the detail on screen back; returns how each part fared.
fn keep_good_parts_of_detail(prev: Option<&ViewData>, data: &mut ViewData) -> Vec<PartOutcome> {
    if let ViewData::TenantDetail(new) = data {
        let old = match prev {
            Some(ViewData::TenantDetail(o)) if o.tenant.id == new.tenant.id => Some(o),
            _ => None,
        };
        return vec![PartOutcome::keep(
            Part::Tasks,
            &mut new.tasks,
            old.and_then(|o| o.tasks.as_ref().ok()),
        )];
    }
    let ViewData::ClusterDetail(new) = data else {
        return Vec::new();
    };
    let old = match prev {
        Some(ViewData::ClusterDetail(o)) if o.cluster.id == new.cluster.id => Some(o),
        _ => None,
    };
    vec![
        PartOutcome::keep(
            Part::Servers,
            &mut new.servers,
            old.and_then(|o| o.servers.as_ref().ok()),
        ),
        PartOutcome::keep(
            Part::Tenants,
            &mut new.tenants,
            old.and_then(|o| o.tenants.as_ref().ok()),
        ),
        PartOutcome::keep(
            Part::Tasks,
            &mut new.tasks,
            old.and_then(|o| o.tasks.as_ref().ok()),
        ),
    ]
}
