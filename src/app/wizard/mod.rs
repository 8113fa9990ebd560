//! The wizard framework: a model of steps, fields, precheck, summary, confirmation and submit,
//! driven by keys and by the app's answers, independent of drawing and of the event loop.
//!
//! The app owns the network. A wizard returns [`WizardEffect`]s (data to fetch, a precheck to
//! call, a write to send, close, open a task) and the app answers through `on_data`,
//! `on_precheck`, `on_submit` and `on_submit_unknown_found`. Drawing is `ui::wizard::draw`.
//!
//! Here: the wizard's state, steps, layout, data, precheck and submit. `field` holds the field
//! kinds and their checks, `input` the key handling, `validate` the pure validators. The four OCP
//! wizards (create, take over, upgrade a cluster; take over an OBProxy) and the obshell one (scale
//! out a cluster) live in one file each and plug in through [`WizardSpec`], one unit struct per
//! wizard; [`spec_for`] is the only place that maps a [`WizardKind`] to its wizard. The framework
//! itself knows no backend and no wizard.

/// Typed field ids for one wizard: an enum whose variants name the fields, with [`FieldId`]'s
/// `key()` giving the string the field is built with. A misspelt id is then a compile error, not
/// a lookup that silently finds nothing.
///
/// ```ignore
/// field_ids! { pub enum Id { Address = "address", Port = "port" } }
/// ```
macro_rules! field_ids {
    ($(#[$m:meta])* $vis:vis enum $name:ident { $($var:ident = $key:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        $vis enum $name {
            $($var),*
        }
        impl $name {
            /// Every id, in declaration order.
            #[allow(dead_code)]
            $vis const ALL: &'static [$name] = &[$($name::$var),*];
            /// The id built with this key, if any (to match on the `&str` the framework passes).
            #[allow(dead_code)]
            $vis fn from_key(key: &str) -> Option<Self> {
                match key {
                    $($key => Some($name::$var),)*
                    _ => None,
                }
            }
        }
        impl $name {
            /// The key, in const contexts too (the trait's `key` calls this).
            $vis const fn key(self) -> &'static str {
                match self {
                    $($name::$var => $key),*
                }
            }
        }
        impl $crate::app::wizard::FieldId for $name {
            fn key(self) -> &'static str {
                $name::key(self)
            }
        }
    };
}

pub mod create;
mod field;
mod input;
pub mod precheck;
pub mod proxy;
pub mod scaleout;
pub mod takeover;
pub mod upgrade;
pub mod validate;

use obtui_api::secret::Secret;

pub use crate::model::wizard::data::{self, DataRequest, DataResponse, Inventory};
pub use crate::model::wizard::precheck::{CheckResult, PrecheckItem, PrecheckSource};
pub use crate::model::wizard::request::{
    LookupReport, OcpWrite, PrecheckRequest, SubmitError, SubmitOutcome, SubmitRequest, TaskLookup,
    Write,
};
pub use crate::model::wizard::{convert, request, WizardError, WizardKind};
pub use field::{Choice, Cond, Field, FieldKind, Rule, Value};

/// New options for one select: (top field, where in it, sub-field, options). Where: `None` =
/// the field itself, `Some(None)` = the group's template, `Some(Some(i))` = item `i`.
type OptionUpdate = (usize, Option<Option<usize>>, usize, Option<Vec<Choice>>);

/// Upper bound on any typed value, so a runaway paste cannot grow memory without limit.
const MAX_INPUT: usize = 512;

/// What the app knows when it opens a wizard.
#[derive(Debug, Clone, Default)]
pub struct WizardContext {
    /// The profile the write goes through, named in the title and the confirmation when
    /// several are open (the fleet view).
    pub profile: Option<String>,
    /// OCP's version (`/api/v2/info` buildVersion), which picks body shapes; `None` = assume ≤ 4.2.
    pub ocp_version: Option<String>,
    /// The cluster the wizard acts on (upgrade): OCP id and name.
    pub cluster: Option<(i64, String)>,
    /// The OBProxy cluster selected in the pane (OBProxy take-over), to preselect.
    pub proxy_cluster_id: Option<i64>,
    /// The OCP the session writes to (its URL), named in the title and the confirmation.
    pub server: String,
    /// The obshell agent the session writes to (its URL), for the obshell wizards.
    pub agent: Option<String>,
}

impl WizardContext {
    /// True when OCP is 4.3 or newer (new body shapes).
    pub fn ocp_is_43(&self) -> bool {
        self.ocp_version
            .as_deref()
            .map(|v| {
                data::compare_versions(data::version_core(v.split('_').next().unwrap_or(v)), "4.3")
                    != std::cmp::Ordering::Less
            })
            .unwrap_or(false)
    }
}

// ---------------------------------------------------------------------------------------------
// What a wizard supplies

/// A field's id, typed: each wizard declares its ids with `field_ids!`. The lookups (`text`,
/// `choice`, `set`, …) take one; the `*_named` forms take the plain string (tests, the framework
/// itself, which walks ids stored in steps and conditions).
pub trait FieldId: Copy {
    /// The string the field is built and found with.
    fn key(self) -> &'static str;
}

/// One wizard: its form, the data it needs, its select options, its cross-field rules, its
/// precheck and the write it submits. Each wizard file implements it on a unit struct; the
/// framework calls it and never asks which wizard it runs. Methods take the [`Wizard`] so they
/// can read the form, the context and the inventory (and, for `prefill` / `drop_failing`, set
/// values through the same paths the keys use).
pub trait WizardSpec: std::fmt::Debug + Sync {
    /// The steps and the fields, built from what the app knows at opening.
    fn form(&self, ctx: &WizardContext) -> (Vec<Step>, Vec<Field>);
    /// Why the wizard cannot open with this context (checked before `form`).
    fn check_open(&self, _ctx: &WizardContext) -> Result<(), String> {
        Ok(())
    }
    /// The data to fetch (at opening, on reload and before a computed precheck).
    fn needs(&self, w: &Wizard) -> Vec<DataRequest>;
    /// `Some(options)` for selects whose options come from data (`Some(None)` = still loading),
    /// `None` for the others. `item` is (group top index, item index) for a group's sub-field.
    fn options(
        &self,
        w: &Wizard,
        id: &str,
        item: Option<(usize, usize)>,
    ) -> Option<Option<Vec<Choice>>>;
    /// Selects whose options come from other fields, not from data (recomputed on every edit).
    fn derived_options(&self) -> &'static [&'static str] {
        &[]
    }
    /// Rules across fields: (where, message); a field's own error takes precedence.
    fn cross_check(&self, w: &Wizard) -> Vec<(FieldPath, String)>;
    /// Defaults that depend on data, applied after every data answer (must fill in once).
    fn prefill(&self, _w: &mut Wizard) {}
    /// The server precheck to run (API prechecks); `None` = the form is incomplete.
    fn precheck_request(&self, _w: &Wizard) -> Option<PrecheckRequest> {
        None
    }
    /// The checks computed from the form and the inventory (computed prechecks).
    fn computed_precheck(&self, _w: &Wizard) -> Vec<PrecheckItem> {
        Vec::new()
    }
    /// A server's precheck items in this wizard's terms: advice that names a request field
    /// is told as the form field that sets it, and a finding the form already answers says so.
    fn explain_precheck(&self, _w: &Wizard, items: Vec<PrecheckItem>) -> Vec<PrecheckItem> {
        items
    }
    /// The write and a one-line effect for the summary, or why it cannot be built.
    fn submit_request(&self, w: &Wizard) -> Result<(SubmitRequest, String), String>;
    /// The name of what the wizard acts on, as far as it is known ("zerg" for an upgrade of
    /// zerg; the name typed for a new cluster); `None` while it is not chosen yet.
    fn target_name(&self, _w: &Wizard) -> Option<String> {
        None
    }
    /// A name the user must type to confirm the submit (a destructive write).
    fn confirm_name(&self, _w: &Wizard) -> Option<String> {
        None
    }
    /// True when the precheck step offers "remove the failing items from the form".
    fn drops_failing(&self) -> bool {
        false
    }
    /// Remove from the form what made the precheck fail (only called when `drops_failing`).
    fn drop_failing(&self, _w: &mut Wizard) -> Vec<WizardEffect> {
        Vec::new()
    }
}

/// The wizard of a kind: the one place that maps the kind to its implementation.
pub fn spec_for(kind: WizardKind) -> &'static dyn WizardSpec {
    match kind {
        WizardKind::CreateCluster => &create::CreateSpec,
        WizardKind::TakeoverCluster => &takeover::TakeoverSpec,
        WizardKind::UpgradeCluster => &upgrade::UpgradeSpec,
        WizardKind::TakeoverProxy => &proxy::ProxySpec,
        WizardKind::ScaleOut => &scaleout::ScaleOutSpec,
    }
}

// ---------------------------------------------------------------------------------------------
// Steps, rows and layout

#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    /// A form showing these top-level fields (by id), in order.
    Form(Vec<&'static str>),
    Precheck,
    Summary,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub title: &'static str,
    pub kind: StepKind,
}

/// Where a focusable value lives: a top-level field, or a sub-field of a group item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldPath {
    pub top: usize,
    /// (item index, sub-field index) inside a group.
    pub item: Option<(usize, usize)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Field,
    /// A group's header line ("Zones (2) — Enter adds one").
    GroupHeader,
    /// The label line above a group item ("zone 2"); not focusable.
    ItemHeader {
        item: usize,
    },
}

/// One row of the form as drawn: the UI and the scroll logic share this layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayoutRow {
    pub path: FieldPath,
    pub kind: RowKind,
    /// Indent level (group items are indented).
    pub depth: u16,
    /// First line of this row in the form, and how many lines it takes (1, or 2 with an error).
    pub line: usize,
    pub height: usize,
}

impl LayoutRow {
    pub fn focusable(&self) -> bool {
        !matches!(self.kind, RowKind::ItemHeader { .. })
    }
}

// ---------------------------------------------------------------------------------------------
// Precheck, summary, confirmation, submit

#[derive(Debug, Clone, PartialEq)]
pub enum PrecheckState {
    NotRun,
    Running,
    Done,
    /// The precheck itself could not run: the server's error, status and traceId kept.
    Failed(WizardError),
}

#[derive(Debug, Clone)]
pub struct Precheck {
    pub source: PrecheckSource,
    pub state: PrecheckState,
    pub items: Vec<PrecheckItem>,
    /// The form revision these results belong to.
    pub rev: u64,
    pub scroll: usize,
}

impl Precheck {
    pub fn fails(&self) -> usize {
        self.items
            .iter()
            .filter(|i| i.result == CheckResult::Fail)
            .count()
    }
    pub fn warns(&self) -> usize {
        self.items
            .iter()
            .filter(|i| i.result == CheckResult::Warn)
            .count()
    }
}

/// The summary step: the exact request, secrets masked.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub method: &'static str,
    pub path: String,
    pub masked_json: String,
    /// What will happen, in words.
    pub effect: String,
    pub scroll: usize,
}

/// The confirmation dialog. Its default answer is Cancel.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub submit_focused: bool,
    /// For upgrade: the cluster name the user must type.
    pub expected: Option<String>,
    pub typed: String,
}

impl Confirm {
    pub fn name_ok(&self) -> bool {
        self.expected.as_deref().is_none_or(|e| e == self.typed)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum SubmitState {
    Idle,
    InFlight,
    /// Sent, no answer: the app is looking for the task it may have created.
    Searching,
    /// Sent, no answer, and no task provably from this request was found: the outcome is
    /// unknown. Every field is kept; submit is refused (it might be a second write); `r`
    /// looks again. The lines say which tasks were looked at and why none matched.
    Unknown(Vec<String>),
    Failed(SubmitError),
    Done(String),
}

/// An open select list.
#[derive(Debug, Clone, PartialEq)]
pub struct Popup {
    pub path: FieldPath,
    /// Cursor among the filtered options.
    pub cursor: usize,
    /// Multi-select: the values ticked so far (applied on Enter).
    pub picked: Vec<String>,
}

/// Why submit is refused while a write's outcome is unknown.
pub const UNKNOWN_REFUSAL: &str = "the last submit's outcome is unknown: it is not sent again. Press r to look for its task again, or :tasks for the task list (this leaves the wizard)";

/// A server's address without its scheme and trailing slash ("10.0.0.1:8080").
fn bare_address(url: &str) -> &str {
    let u = url.trim();
    let u = u
        .strip_prefix("http://")
        .or_else(|| u.strip_prefix("https://"))
        .unwrap_or(u);
    u.trim_end_matches('/')
}

/// What the app must do for the wizard.
#[derive(Debug, Clone)]
pub enum WizardEffect {
    NeedData(DataRequest),
    RunPrecheck(PrecheckRequest),
    Submit(SubmitRequest),
    /// Look for the task a write with an unknown outcome may have created, on this server;
    /// answer with `on_lookup`.
    FindTask(TaskLookup, obtui_task::Backend),
    Close,
    OpenTask(String),
    /// Several tasks of one write (an OBProxy take-over of several hosts): the Tasks pane
    /// shows them as a group.
    OpenTaskGroup(Vec<String>),
    /// An action of the app the wizard hands up (help, command mode): the wizard stays as it
    /// is, every field kept.
    App(crate::app::actions::Action),
}

// ---------------------------------------------------------------------------------------------
// The wizard

#[derive(Debug)]
pub struct Wizard {
    pub kind: WizardKind,
    /// The wizard's own parts (`spec_for(kind)`).
    pub spec: &'static dyn WizardSpec,
    pub ctx: WizardContext,
    pub steps: Vec<Step>,
    pub step: usize,
    pub fields: Vec<Field>,
    pub focus: FieldPath,
    /// First form line shown.
    pub scroll: usize,
    /// Lines the form had on the last draw (the UI sets it; scrolling uses it).
    pub viewport: usize,
    pub popup: Option<Popup>,
    pub inventory: Inventory,
    pub precheck: Precheck,
    pub summary: Option<Summary>,
    pub confirm: Option<Confirm>,
    pub submit: SubmitState,
    /// The look-up of the last write sent and the server it went to (for "look again").
    sent: Option<(TaskLookup, obtui_task::Backend)>,
    /// "Discard this form?" is showing.
    pub discard_prompt: bool,
    /// A one-line message for the user (why a key was refused, …).
    pub notice: Option<String>,
    /// Something was typed or chosen.
    pub dirty: bool,
    /// Bumped on every change; a precheck is valid only for the revision it ran on.
    pub rev: u64,
    /// Data requests not answered yet (a computed precheck waits for them).
    pending: Vec<DataRequest>,
    prepared: Option<SubmitRequest>,
}

impl Wizard {
    /// Open a wizard. Writes are not offered in read-only mode.
    pub fn open(
        kind: WizardKind,
        ctx: WizardContext,
        read_only: bool,
    ) -> Result<(Wizard, Vec<WizardEffect>), String> {
        if read_only {
            return Err(format!(
                "{} is a write; this profile is read-only",
                kind.title()
            ));
        }
        let spec = spec_for(kind);
        spec.check_open(&ctx)?;
        let (steps, fields) = spec.form(&ctx);
        let mut w = Wizard {
            kind,
            spec,
            ctx,
            steps,
            step: 0,
            fields,
            focus: FieldPath { top: 0, item: None },
            scroll: 0,
            viewport: 12,
            popup: None,
            inventory: Inventory::default(),
            precheck: Precheck {
                source: kind.precheck_source(),
                state: PrecheckState::NotRun,
                items: Vec::new(),
                rev: 0,
                scroll: 0,
            },
            summary: None,
            confirm: None,
            submit: SubmitState::Idle,
            sent: None,
            discard_prompt: false,
            notice: None,
            dirty: false,
            rev: 0,
            pending: Vec::new(),
            prepared: None,
        };
        w.focus_first();
        w.revalidate();
        let reqs = w.data_needs();
        w.pending = reqs.clone();
        Ok((w, reqs.into_iter().map(WizardEffect::NeedData).collect()))
    }

    fn data_needs(&self) -> Vec<DataRequest> {
        self.spec.needs(self)
    }

    /// What the wizard acts on, named from its first step: "zerg", or what is still missing.
    pub fn target(&self) -> String {
        self.spec
            .target_name(self)
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| self.kind.target_missing().to_string())
    }

    /// The wizard's heading: its kind and its target ("Upgrade cluster zerg").
    pub fn heading(&self) -> String {
        format!("{} {}", self.kind.title(), self.target())
    }

    /// The server the write goes to, in words ("OCP at 10.0.0.1:8080", "the obshell agent
    /// at 10.0.0.2:2886").
    pub fn server(&self) -> String {
        let server = self.server_only();
        match &self.ctx.profile {
            Some(p) => format!("{server} (profile {p})"),
            None => server,
        }
    }

    fn server_only(&self) -> String {
        match self.kind.backend() {
            obtui_task::Backend::Obshell => match self.ctx.agent.as_deref() {
                Some(a) => format!("the obshell agent at {}", bare_address(a)),
                None => "the obshell agent".into(),
            },
            obtui_task::Backend::Ocp if self.ctx.server.is_empty() => "OCP".into(),
            obtui_task::Backend::Ocp => format!("OCP at {}", bare_address(&self.ctx.server)),
        }
    }

    /// The title of every step: the heading and where it is sent.
    pub fn title(&self) -> String {
        format!("{} · {}", self.heading(), self.server())
    }

    /// The confirmation's question: where the request goes and what it acts on.
    pub fn question(&self) -> String {
        format!(
            "Send this request to {} for {} {}?",
            self.server(),
            self.kind.target_noun(),
            self.target()
        )
    }

    // ----- lookup helpers (used by the wizard files and tests) -----
    //
    // Typed (`impl FieldId`) for the wizard files; `*_named` by string for tests and for the
    // framework's own walks over the ids stored in steps and conditions.

    pub fn index(&self, id: impl FieldId) -> Option<usize> {
        self.index_named(id.key())
    }
    pub fn index_named(&self, id: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.id == id)
    }
    pub fn field(&self, id: impl FieldId) -> Option<&Field> {
        self.field_named(id.key())
    }
    pub fn field_named(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }
    pub fn field_mut(&mut self, id: impl FieldId) -> Option<&mut Field> {
        self.field_mut_named(id.key())
    }
    pub fn field_mut_named(&mut self, id: &str) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.id == id)
    }
    pub fn text(&self, id: impl FieldId) -> &str {
        self.text_named(id.key())
    }
    pub fn text_named(&self, id: &str) -> &str {
        self.field_named(id).map(Field::text_value).unwrap_or("")
    }
    pub fn choice(&self, id: impl FieldId) -> Option<&str> {
        self.choice_named(id.key())
    }
    pub fn choice_named(&self, id: &str) -> Option<&str> {
        self.field_named(id).and_then(Field::choice)
    }
    pub fn flag(&self, id: impl FieldId) -> bool {
        self.flag_named(id.key())
    }
    pub fn flag_named(&self, id: &str) -> bool {
        self.field_named(id).is_some_and(Field::flag)
    }
    pub fn secret(&self, id: impl FieldId) -> Option<&Secret> {
        self.secret_named(id.key())
    }
    pub fn secret_named(&self, id: &str) -> Option<&Secret> {
        self.field_named(id).and_then(Field::secret)
    }
    pub fn items(&self, id: impl FieldId) -> &[Vec<Field>] {
        self.items_named(id.key())
    }
    pub fn items_named(&self, id: &str) -> &[Vec<Field>] {
        self.field_named(id).map(Field::items).unwrap_or(&[])
    }
    pub fn at(&self, p: FieldPath) -> Option<&Field> {
        let f = self.fields.get(p.top)?;
        match p.item {
            None => Some(f),
            Some((i, s)) => f.items().get(i)?.get(s),
        }
    }
    fn at_mut(&mut self, p: FieldPath) -> Option<&mut Field> {
        let f = self.fields.get_mut(p.top)?;
        match p.item {
            None => Some(f),
            Some((i, s)) => match &mut f.kind {
                FieldKind::Group { items, .. } => items.get_mut(i)?.get_mut(s),
                _ => None,
            },
        }
    }
    pub fn focused(&self) -> Option<&Field> {
        self.at(self.focus)
    }

    /// Set a top-level value as if typed (tests, prefill). Marks the form changed.
    pub fn set(&mut self, id: impl FieldId, v: Value) {
        self.set_named(id.key(), v)
    }
    pub fn set_named(&mut self, id: &str, v: Value) {
        if let Some(i) = self.index_named(id) {
            self.set_at(FieldPath { top: i, item: None }, v);
        }
    }
    /// Set a sub-field of a group item; adds items as needed.
    pub fn set_in(&mut self, group: impl FieldId, item: usize, id: impl FieldId, v: Value) {
        self.set_in_named(group.key(), item, id.key(), v)
    }
    pub fn set_in_named(&mut self, group: &str, item: usize, id: &str, v: Value) {
        let Some(top) = self.index_named(group) else {
            return;
        };
        while self.fields[top].items().len() <= item {
            if !self.add_item(top) {
                return;
            }
        }
        let Some(sub) = self.fields[top]
            .items()
            .get(item)
            .and_then(|it| it.iter().position(|f| f.id == id))
        else {
            return;
        };
        self.set_at(
            FieldPath {
                top,
                item: Some((item, sub)),
            },
            v,
        );
    }
    fn set_at(&mut self, p: FieldPath, v: Value) {
        if let Some(f) = self.at_mut(p) {
            if let Value::Text(s) = &v {
                f.cursor = s.chars().count();
            }
            f.value = v;
            f.touched = true;
        }
        self.changed();
    }

    pub fn is_visible(&self, f: &Field) -> bool {
        f.visible_if.as_ref().is_none_or(|c| self.holds(c))
    }
    fn holds(&self, c: &Cond) -> bool {
        match c {
            Cond::Eq(id, v) => self.choice_named(id) == Some(*v),
            Cond::On(id) => self.flag_named(id),
            Cond::All(cs) => cs.iter().all(|c| self.holds(c)),
        }
    }

    pub fn current_step(&self) -> &Step {
        // `step` is always kept in range; the first step is a safe fallback.
        self.steps.get(self.step).unwrap_or(&self.steps[0])
    }

    /// The form rows of the current step, with line offsets.
    pub fn layout(&self) -> Vec<LayoutRow> {
        let mut rows = Vec::new();
        let StepKind::Form(ids) = &self.current_step().kind else {
            return rows;
        };
        let mut line = 0;
        let mut push =
            |rows: &mut Vec<LayoutRow>, path: FieldPath, kind: RowKind, depth: u16, err: bool| {
                let height = if err { 2 } else { 1 };
                rows.push(LayoutRow {
                    path,
                    kind,
                    depth,
                    line,
                    height,
                });
                line += height;
            };
        for id in ids {
            let Some(top) = self.index_named(id) else {
                continue;
            };
            let f = &self.fields[top];
            if !self.is_visible(f) {
                continue;
            }
            let path = FieldPath { top, item: None };
            match &f.kind {
                FieldKind::Group { items, .. } => {
                    push(
                        &mut rows,
                        path,
                        RowKind::GroupHeader,
                        0,
                        f.touched && f.error.is_some(),
                    );
                    for (i, item) in items.iter().enumerate() {
                        push(&mut rows, path, RowKind::ItemHeader { item: i }, 1, false);
                        for (s, sf) in item.iter().enumerate() {
                            let p = FieldPath {
                                top,
                                item: Some((i, s)),
                            };
                            push(
                                &mut rows,
                                p,
                                RowKind::Field,
                                2,
                                sf.touched && sf.error.is_some(),
                            );
                        }
                    }
                }
                _ => push(
                    &mut rows,
                    path,
                    RowKind::Field,
                    0,
                    f.touched && f.error.is_some(),
                ),
            }
        }
        rows
    }

    fn focusables(&self) -> Vec<FieldPath> {
        self.layout()
            .into_iter()
            .filter(LayoutRow::focusable)
            .map(|r| r.path)
            .collect()
    }

    fn focus_first(&mut self) {
        if let Some(p) = self.focusables().first() {
            self.focus = *p;
        }
        self.scroll = 0;
    }

    fn move_focus(&mut self, delta: isize) {
        let list = self.focusables();
        if list.is_empty() {
            return;
        }
        let cur = list.iter().position(|p| *p == self.focus).unwrap_or(0);
        let next = (cur as isize + delta).clamp(0, list.len() as isize - 1) as usize;
        self.hide_reveal();
        self.focus = list[next];
        self.ensure_visible();
    }

    fn at_last_field(&self) -> bool {
        self.focusables().last() == Some(&self.focus)
    }

    /// Keep the focused row (and the label line above a group item) inside the viewport.
    pub fn ensure_visible(&mut self) {
        let rows = self.layout();
        let view = self.viewport.max(1);
        let Some(i) = rows
            .iter()
            .position(|r| r.path == self.focus && r.focusable())
        else {
            self.scroll = 0;
            return;
        };
        let r = rows[i];
        let mut top = r.line;
        if i > 0 && !rows[i - 1].focusable() {
            top = rows[i - 1].line;
        }
        if top < self.scroll {
            self.scroll = top;
        }
        if r.line + r.height > self.scroll + view {
            self.scroll = r.line + r.height - view.min(r.line + r.height);
        }
        let total = rows.last().map(|r| r.line + r.height).unwrap_or(0);
        self.scroll = self.scroll.min(total.saturating_sub(1));
    }

    /// Validate every field and the wizard's cross-field rules.
    fn revalidate(&mut self) {
        for f in &mut self.fields {
            f.error = f.check();
            if let FieldKind::Group { items, .. } = &mut f.kind {
                for item in items {
                    for sf in item {
                        sf.error = sf.check();
                    }
                }
            }
        }
        let cross = self.spec.cross_check(self);
        for (p, msg) in cross {
            if let Some(f) = self.at_mut(p) {
                if f.error.is_none() {
                    f.error = Some(msg);
                }
            }
        }
    }

    fn changed(&mut self) {
        self.dirty = true;
        self.rev += 1;
        self.notice = None;
        self.prepared = None;
        self.summary = None;
        if self.precheck.state != PrecheckState::Running {
            self.precheck.state = PrecheckState::NotRun;
            self.precheck.items.clear();
        }
        self.refresh_options(Some(self.spec.derived_options()));
        self.revalidate();
    }

    /// Errors of visible fields on a step: (path, message).
    pub fn step_errors(&self, step: usize) -> Vec<(FieldPath, String)> {
        let Some(Step {
            kind: StepKind::Form(ids),
            ..
        }) = self.steps.get(step)
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for id in ids {
            let Some(top) = self.index_named(id) else {
                continue;
            };
            let f = &self.fields[top];
            if !self.is_visible(f) {
                continue;
            }
            if let Some(e) = &f.error {
                out.push((FieldPath { top, item: None }, e.clone()));
            }
            for (i, item) in f.items().iter().enumerate() {
                for (s, sf) in item.iter().enumerate() {
                    if let Some(e) = &sf.error {
                        out.push((
                            FieldPath {
                                top,
                                item: Some((i, s)),
                            },
                            e.clone(),
                        ));
                    }
                }
            }
        }
        out
    }

    fn touch_step(&mut self, step: usize) {
        let Some(Step {
            kind: StepKind::Form(ids),
            ..
        }) = self.steps.get(step).cloned()
        else {
            return;
        };
        for id in ids {
            if let Some(f) = self.field_mut_named(id) {
                f.touched = true;
                if let FieldKind::Group { items, .. } = &mut f.kind {
                    items.iter_mut().flatten().for_each(|sf| sf.touched = true);
                }
            }
        }
    }

    // ----- data -----

    /// The app's answer to a `NeedData`.
    pub fn on_data(&mut self, r: DataResponse) -> Vec<WizardEffect> {
        let key = r.request();
        self.pending
            .retain(|p| std::mem::discriminant(p) != std::mem::discriminant(&key));
        self.inventory.apply(r);
        // Defaults that depend on data (zone order, target cluster) fill in once.
        let spec = self.spec;
        spec.prefill(self);
        self.refresh_options(None);
        self.revalidate();
        if self.precheck.state == PrecheckState::Running
            && self.precheck.source == PrecheckSource::Computed
            && self.pending.is_empty()
        {
            self.finish_computed_precheck();
        }
        Vec::new()
    }

    /// Recompute select options: all of them when data arrived (`only == None`), or just the
    /// fields whose options derive from other fields (after an edit), so typing stays cheap
    /// however large the inventory is. Group templates are updated too, so a new item comes
    /// with its options.
    fn refresh_options(&mut self, only: Option<&[&str]>) {
        let wanted = |f: &Field| {
            matches!(
                f.kind,
                FieldKind::Select { .. } | FieldKind::MultiSelect { .. }
            ) && only.is_none_or(|ids| ids.contains(&f.id))
        };
        let mut updates: Vec<OptionUpdate> = Vec::new();
        for (top, f) in self.fields.iter().enumerate() {
            if wanted(f) {
                if let Some(o) = self.spec.options(self, f.id, None) {
                    updates.push((top, None, 0, o));
                }
            }
            if let FieldKind::Group {
                template, items, ..
            } = &f.kind
            {
                for (s, sf) in template.iter().enumerate() {
                    if wanted(sf) {
                        if let Some(o) = self.spec.options(self, sf.id, None) {
                            updates.push((top, Some(None), s, o));
                        }
                    }
                }
                for (i, item) in items.iter().enumerate() {
                    for (s, sf) in item.iter().enumerate() {
                        if wanted(sf) {
                            if let Some(o) = self.spec.options(self, sf.id, Some((top, i))) {
                                updates.push((top, Some(Some(i)), s, o));
                            }
                        }
                    }
                }
            }
        }
        for (top, place, s, o) in updates {
            let target = match place {
                None => self.fields.get_mut(top),
                Some(p) => match self.fields.get_mut(top).map(|f| &mut f.kind) {
                    Some(FieldKind::Group {
                        template, items, ..
                    }) => match p {
                        None => template.get_mut(s),
                        Some(i) => items.get_mut(i).and_then(|it| it.get_mut(s)),
                    },
                    _ => None,
                },
            };
            if let Some(
                FieldKind::Select { options, .. } | FieldKind::MultiSelect { options, .. },
            ) = target.map(|f| &mut f.kind)
            {
                *options = o;
            }
        }
    }

    /// Ask again for everything (Ctrl-L).
    fn reload(&mut self) -> Vec<WizardEffect> {
        let reqs = self.data_needs();
        for r in &reqs {
            if !self.pending.contains(r) {
                self.pending.push(r.clone());
            }
        }
        self.notice = Some("reloading data…".into());
        reqs.into_iter().map(WizardEffect::NeedData).collect()
    }

    // ----- precheck -----

    fn start_precheck(&mut self) -> Vec<WizardEffect> {
        self.precheck.rev = self.rev;
        self.precheck.items.clear();
        self.precheck.scroll = 0;
        self.precheck.state = PrecheckState::Running;
        match self.precheck.source {
            PrecheckSource::Api => match self.spec.precheck_request(self) {
                Some(req) => vec![WizardEffect::RunPrecheck(req)],
                None => {
                    self.precheck.state =
                        PrecheckState::Failed(WizardError::local("the form is incomplete"));
                    Vec::new()
                }
            },
            PrecheckSource::Computed => {
                // Fresh data, so the checks speak of the inventory as it is now.
                let reqs = self.data_needs();
                for r in &reqs {
                    if !self.pending.contains(r) {
                        self.pending.push(r.clone());
                    }
                }
                if self.pending.is_empty() {
                    self.finish_computed_precheck();
                }
                reqs.into_iter().map(WizardEffect::NeedData).collect()
            }
        }
    }

    fn finish_computed_precheck(&mut self) {
        let mut items = Vec::new();
        // Data that failed to load: stale data is used with a warning, none at all fails.
        for (req, err) in &self.inventory.errors {
            items.push(PrecheckItem::warn(
                format!("data: {}", data_name(req)),
                format!("could not refresh: {err}"),
                "checks below use the last data received; press r to retry",
            ));
        }
        items.extend(self.spec.computed_precheck(self));
        self.precheck.items = items;
        self.precheck.state = PrecheckState::Done;
    }

    /// The app's answer to `RunPrecheck`: the items, or why the precheck could not run.
    pub fn on_precheck(&mut self, r: Result<Vec<PrecheckItem>, WizardError>) -> Vec<WizardEffect> {
        if self.precheck.state != PrecheckState::Running {
            return Vec::new();
        }
        match r {
            Ok(items) => {
                self.precheck.items = self.spec.explain_precheck(self, items);
                self.precheck.state = PrecheckState::Done;
            }
            Err(e) => self.precheck.state = PrecheckState::Failed(e),
        }
        Vec::new()
    }

    /// True when the precheck ran on the current form and nothing failed.
    pub fn precheck_passed(&self) -> bool {
        self.precheck.state == PrecheckState::Done
            && self.precheck.rev == self.rev
            && self.precheck.fails() == 0
    }

    // ----- steps -----

    fn go_to(&mut self, step: usize) -> Vec<WizardEffect> {
        self.step = step.min(self.steps.len().saturating_sub(1));
        self.popup = None;
        self.hide_reveal();
        match self.current_step().kind.clone() {
            StepKind::Form(_) => {
                self.focus_first();
                Vec::new()
            }
            StepKind::Precheck => {
                if self.precheck.rev != self.rev
                    || matches!(
                        self.precheck.state,
                        PrecheckState::NotRun | PrecheckState::Failed(_)
                    )
                {
                    self.start_precheck()
                } else {
                    Vec::new()
                }
            }
            StepKind::Summary => {
                self.prepare_summary();
                Vec::new()
            }
        }
    }

    fn prepare_summary(&mut self) {
        match self.spec.submit_request(self) {
            Ok((req, effect)) => {
                self.summary = Some(Summary {
                    method: req.write.method(),
                    path: req.write.path(),
                    masked_json: req.write.masked_pretty(),
                    effect,
                    scroll: 0,
                });
                self.prepared = Some(req);
            }
            Err(e) => {
                self.summary = None;
                self.prepared = None;
                self.notice = Some(e);
            }
        }
    }

    /// Try to leave the current form step forward.
    fn advance(&mut self) -> Vec<WizardEffect> {
        self.touch_step(self.step);
        self.revalidate();
        let errs = self.step_errors(self.step);
        if let Some((p, _)) = errs.first() {
            self.focus = *p;
            self.ensure_visible();
            self.notice = Some(format!(
                "{} field{} to fix before going on",
                errs.len(),
                if errs.len() == 1 { "" } else { "s" }
            ));
            return Vec::new();
        }
        self.go_to(self.step + 1)
    }

    fn back(&mut self) -> Vec<WizardEffect> {
        if self.step > 0 {
            self.notice = None;
            let s = self.step - 1;
            self.go_to(s)
        } else {
            Vec::new()
        }
    }

    // ----- submit -----

    fn open_confirm(&mut self) {
        if matches!(
            self.submit,
            SubmitState::InFlight
                | SubmitState::Searching
                | SubmitState::Done(_)
                | SubmitState::Unknown(_)
        ) {
            if matches!(self.submit, SubmitState::Unknown(_)) {
                self.notice = Some(UNKNOWN_REFUSAL.into());
            }
            return;
        }
        if !self.precheck_passed() {
            self.notice = Some(self.refusal());
            return;
        }
        if self.prepared.is_none() {
            self.prepare_summary();
            if self.prepared.is_none() {
                return;
            }
        }
        let expected = self.spec.confirm_name(self);
        self.confirm = Some(Confirm {
            submit_focused: false,
            expected,
            typed: String::new(),
        });
    }

    fn refusal(&self) -> String {
        match &self.precheck.state {
            PrecheckState::Running => "the precheck is still running".into(),
            PrecheckState::Failed(e) if e.status == Some(401) => format!(
                "the precheck could not run ({e}): :login to enter the password again, then \
                 press r to run it again"
            ),
            PrecheckState::Failed(e) => {
                format!("the precheck could not run ({e}); press r to run it again")
            }
            PrecheckState::NotRun => "run the precheck first".into(),
            PrecheckState::Done if self.precheck.rev != self.rev => {
                "the form changed: run the precheck again".into()
            }
            PrecheckState::Done => {
                let n = self.precheck.fails();
                format!(
                    "Submit is refused while {n} check{} FAIL: fix {} and press r",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "it" } else { "them" }
                )
            }
        }
    }

    fn do_submit(&mut self) -> Vec<WizardEffect> {
        // Never a second write while the first one's outcome is unknown.
        // Exactly once: only from Idle or after a reported failure, never while one is out.
        if !matches!(self.submit, SubmitState::Idle | SubmitState::Failed(_)) {
            return Vec::new();
        }
        if !self.precheck_passed() {
            self.notice = Some(self.refusal());
            self.confirm = None;
            return Vec::new();
        }
        let Some(mut req) = self.prepared.clone() else {
            return Vec::new();
        };
        req.lookup.submitted_at_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        self.confirm = None;
        self.submit = SubmitState::InFlight;
        self.notice = None;
        self.sent = Some((req.lookup.clone(), req.write.backend()));
        vec![WizardEffect::Submit(req)]
    }

    /// The app's answer to `Submit`. On success: `[OpenTask(id), Close]`, secrets wiped.
    pub fn on_submit(&mut self, outcome: SubmitOutcome) -> Vec<WizardEffect> {
        if self.submit != SubmitState::InFlight {
            return Vec::new();
        }
        match outcome {
            SubmitOutcome::Ok(id) => self.done(id),
            SubmitOutcome::Many(ids) => {
                self.submit = SubmitState::Done(ids.join(", "));
                self.wipe_secrets();
                vec![WizardEffect::OpenTaskGroup(ids), WizardEffect::Close]
            }
            SubmitOutcome::Err(e) => {
                // Every field stays as typed; the user may fix and submit again.
                self.submit = SubmitState::Failed(e);
                Vec::new()
            }
            SubmitOutcome::Unknown => {
                self.submit = SubmitState::Searching;
                self.look_again()
            }
        }
    }

    /// Look (again) for the task of the write whose outcome is unknown. Never re-sends it.
    pub fn look_again(&mut self) -> Vec<WizardEffect> {
        match (&self.submit, &self.sent) {
            (SubmitState::Searching | SubmitState::Unknown(_), Some((l, b))) => {
                let e = WizardEffect::FindTask(l.clone(), *b);
                self.submit = SubmitState::Searching;
                vec![e]
            }
            _ => Vec::new(),
        }
    }

    /// After `SubmitOutcome::Unknown`: the task the app found (or `None`).
    pub fn on_submit_unknown_found(&mut self, task: Option<String>) -> Vec<WizardEffect> {
        self.on_lookup(LookupReport {
            task,
            checked: Vec::new(),
        })
    }

    /// The answer to `FindTask`: the task is claimed only when the look-up proved it ours;
    /// otherwise the outcome stays unknown, with what was checked.
    pub fn on_lookup(&mut self, r: LookupReport) -> Vec<WizardEffect> {
        if self.submit != SubmitState::Searching {
            return Vec::new();
        }
        match r.task {
            Some(id) => self.done(id),
            None => {
                self.submit = SubmitState::Unknown(r.checked);
                Vec::new()
            }
        }
    }

    fn done(&mut self, id: String) -> Vec<WizardEffect> {
        self.submit = SubmitState::Done(id.clone());
        self.wipe_secrets();
        vec![WizardEffect::OpenTask(id), WizardEffect::Close]
    }

    /// Clear every password and the prepared request.
    pub fn wipe_secrets(&mut self) {
        fn wipe(f: &mut Field) {
            if let Value::Secret(s) = &mut f.value {
                s.clear();
            }
            if let FieldKind::Group { items, .. } = &mut f.kind {
                items.iter_mut().flatten().for_each(wipe);
            }
        }
        self.fields.iter_mut().for_each(wipe);
        if let Some(mut p) = self.prepared.take() {
            p.write.wipe();
        }
    }

    fn close(&mut self) -> Vec<WizardEffect> {
        self.wipe_secrets();
        vec![WizardEffect::Close]
    }

    fn escape(&mut self) -> Vec<WizardEffect> {
        if self.dirty {
            self.discard_prompt = true;
            Vec::new()
        } else {
            self.close()
        }
    }
}

/// The options of a select that pass its filter.
pub fn popup_options(f: &Field) -> Vec<&Choice> {
    match &f.kind {
        FieldKind::Select {
            options: Some(o),
            filter,
        }
        | FieldKind::MultiSelect {
            options: Some(o),
            filter,
        } => o.iter().filter(|c| c.matches(filter)).collect(),
        _ => Vec::new(),
    }
}

fn data_name(r: &DataRequest) -> &'static str {
    match r {
        DataRequest::Packages => "software packages",
        DataRequest::Idcs => "IDCs",
        DataRequest::Hosts => "hosts",
        DataRequest::HostTypes => "host types",
        DataRequest::Credentials => "credentials",
        DataRequest::Clusters => "clusters",
        DataRequest::ProxyClusters => "OBProxy clusters",
        DataRequest::ClusterDetail { .. } => "cluster detail and tasks",
        DataRequest::AgentCluster => "cluster (obshell)",
        DataRequest::Agents => "obshell agents",
        DataRequest::AgentInfo { .. } => "target agent",
    }
}

/// `Some(None)` while a data-backed select is loading, `Some(Some(options))` once it arrived.
pub(crate) fn loaded<T>(
    v: &Option<Vec<T>>,
    f: impl Fn(&T) -> Option<Choice>,
) -> Option<Option<Vec<Choice>>> {
    Some(v.as_ref().map(|v| v.iter().filter_map(f).collect()))
}

/// Test support: a wizard's typed ids and its form agree both ways (every id names a field or a
/// group's sub-field, every field and sub-field has an id, and a key maps back to its id).
/// `by_name`: fields deliberately named at run time (scale out's obConfig keys), not typed.
#[cfg(test)]
pub(crate) fn assert_ids_match<I: FieldId + std::fmt::Debug + PartialEq>(
    w: &Wizard,
    all: &[I],
    from_key: fn(&str) -> Option<I>,
    by_name: &[&str],
) {
    let mut keys: Vec<&str> = Vec::new();
    for f in &w.fields {
        keys.push(f.id);
        if let FieldKind::Group { template, .. } = &f.kind {
            keys.extend(template.iter().map(|sf| sf.id));
        }
    }
    for k in keys.iter().filter(|k| !by_name.contains(k)) {
        assert!(from_key(k).is_some(), "field {k} has no id");
    }
    for &id in all {
        assert!(keys.contains(&id.key()), "{id:?} names no field");
        assert_eq!(from_key(id.key()), Some(id));
    }
    assert_eq!(from_key("no_such_field"), None);
}
