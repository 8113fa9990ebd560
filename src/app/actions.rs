//! The action registry: every key of every mode maps to a named action with a scope, a
//! description and flags.
//!
//! This one table drives key handling, the footer hints, the `?` help overlay, the command
//! list of `:` (completion and help), read-only filtering, and it is the place the config
//! file's `[keys]` section rebinds. Help can never drift from the real keys because both are
//! read from here. Text typed into an input (a filter, a command, a wizard field, a password)
//! stays text: only the control keys of those modes are actions.
//!
//! The enum and the table are generated from one list, so [`spec`] is a plain index (total, no
//! fallback), and every handler is an exhaustive `match` on [`Action`] without a wildcard arm:
//! an action without a handler does not compile.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;

/// Where an action applies. Which scopes are active together is [`SCOPE_SETS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Every screen and every mode, text entry included (Ctrl-Z).
    Always,
    /// Every screen outside text entry, modal dialogs and wizards.
    Global,
    /// A resource table (clusters, hosts, OBProxy, tasks).
    Table,
    /// The clusters table only.
    Clusters,
    /// The OBProxy table only.
    Proxies,
    /// The tasks table only.
    Tasks,
    /// The alarms table only.
    Alarms,
    /// A detail view.
    Detail,
    /// The DAG view of a task (its log panel and full-screen log included).
    Dag,
    /// The task log, in the DAG view's side panel and full screen alike.
    Log,
    /// The full-screen log of a subtask.
    LogFull,
    /// Typing a search in the DAG view (nodes, or the full-screen log's lines).
    DagSearch,
    /// The confirmation dialog of a task operation (retry, skip, …).
    TaskConfirm,
    /// Any step of a wizard (outside its popups and dialogs).
    Wizard,
    /// A wizard's form step.
    WizardForm,
    /// A wizard's precheck and summary steps.
    WizardStep,
    /// A wizard's precheck step.
    WizardPrecheck,
    /// A wizard's summary step.
    WizardSummary,
    /// A wizard's select list popup.
    WizardPopup,
    /// A wizard's submit confirmation.
    WizardConfirm,
    /// "Discard the wizard's edits?"
    WizardDiscard,
    /// Typing a table filter (`/`).
    Filter,
    /// Command mode (`:`).
    Command,
    /// The help overlay (`?`).
    Help,
    /// The masked password prompt.
    Password,
    /// The raw JSON of one object (`d`).
    Raw,
}

impl Scope {
    pub const ALL: [Scope; 26] = [
        Scope::Always,
        Scope::Global,
        Scope::Table,
        Scope::Clusters,
        Scope::Proxies,
        Scope::Tasks,
        Scope::Alarms,
        Scope::Detail,
        Scope::Dag,
        Scope::Log,
        Scope::LogFull,
        Scope::DagSearch,
        Scope::TaskConfirm,
        Scope::Wizard,
        Scope::WizardForm,
        Scope::WizardStep,
        Scope::WizardPrecheck,
        Scope::WizardSummary,
        Scope::WizardPopup,
        Scope::WizardConfirm,
        Scope::WizardDiscard,
        Scope::Filter,
        Scope::Command,
        Scope::Help,
        Scope::Password,
        Scope::Raw,
    ];

    /// The section title in the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Scope::Always => "Always",
            Scope::Global => "Everywhere",
            Scope::Table => "Tables",
            Scope::Clusters => "Clusters pane",
            Scope::Proxies => "OBProxy pane",
            Scope::Tasks => "Tasks pane",
            Scope::Alarms => "Alarms pane",
            Scope::Detail => "Detail view",
            Scope::Dag => "Task DAG view",
            Scope::Log => "Task log (side panel and full screen)",
            Scope::LogFull => "Full-screen log",
            Scope::DagSearch => "DAG / log search input",
            Scope::TaskConfirm => "Task operation confirmation",
            Scope::Wizard => "Wizard (every step)",
            Scope::WizardForm => "Wizard form",
            Scope::WizardStep => "Wizard precheck and summary",
            Scope::WizardPrecheck => "Wizard precheck",
            Scope::WizardSummary => "Wizard summary",
            Scope::WizardPopup => "Wizard select list",
            Scope::WizardConfirm => "Wizard submit confirmation",
            Scope::WizardDiscard => "Wizard discard prompt",
            Scope::Filter => "Filter input (/)",
            Scope::Command => "Command mode (:)",
            Scope::Help => "This help",
            Scope::Password => "Password prompt",
            Scope::Raw => "Raw JSON view (Esc back, j k scroll, y copies the JSON by OSC 52)",
        }
    }

    /// Scopes where a plain character is typed text: a binding to one would eat it.
    pub fn is_text_entry(self) -> bool {
        matches!(
            self,
            Scope::DagSearch | Scope::Filter | Scope::Command | Scope::Password
        )
    }
}

/// Every set of scopes active at the same time, most specific first (the lookup order). Modal
/// states (dialogs, popups, text inputs) take every key, so their set holds only themselves
/// and [`Scope::Always`]. Two actions of one set must not share a key (tested, and checked when
/// `[keys]` rebinds).
pub const SCOPE_SETS: &[&[Scope]] = &[
    &[Scope::Clusters, Scope::Table, Scope::Global, Scope::Always],
    &[Scope::Table, Scope::Global, Scope::Always],
    &[Scope::Proxies, Scope::Table, Scope::Global, Scope::Always],
    &[Scope::Tasks, Scope::Table, Scope::Global, Scope::Always],
    &[Scope::Alarms, Scope::Table, Scope::Global, Scope::Always],
    &[Scope::Detail, Scope::Global, Scope::Always],
    &[Scope::Global, Scope::Always],
    &[Scope::Dag, Scope::Log, Scope::Global, Scope::Always],
    &[Scope::LogFull, Scope::Log, Scope::Global, Scope::Always],
    &[Scope::DagSearch, Scope::Always],
    &[Scope::TaskConfirm, Scope::Always],
    &[Scope::WizardForm, Scope::Wizard, Scope::Always],
    &[
        Scope::WizardPrecheck,
        Scope::WizardStep,
        Scope::Wizard,
        Scope::Always,
    ],
    &[
        Scope::WizardSummary,
        Scope::WizardStep,
        Scope::Wizard,
        Scope::Always,
    ],
    &[Scope::WizardPopup, Scope::Always],
    &[Scope::WizardConfirm, Scope::Always],
    &[Scope::WizardDiscard, Scope::Always],
    &[Scope::Filter, Scope::Always],
    &[Scope::Command, Scope::Always],
    &[Scope::Help, Scope::Always],
    &[Scope::Password, Scope::Always],
    &[Scope::Raw, Scope::Global, Scope::Always],
];

/// Two scopes overlap when some screen has both active.
pub fn scopes_overlap(a: Scope, b: Scope) -> bool {
    a == b || SCOPE_SETS.iter().any(|s| s.contains(&a) && s.contains(&b))
}

pub struct ActionSpec {
    pub action: Action,
    /// The name used in `[keys]` and in the help overlay.
    pub name: &'static str,
    pub desc: &'static str,
    pub scope: Scope,
    pub keys: &'static [&'static str],
    /// A write to the server: confirmation required, and not offered in read-only mode.
    pub dangerous: bool,
    /// Needs a selected row / node: without one it does nothing but say so.
    pub needs_selection: bool,
    /// Shown in the footer hints (the rest are in `?` help).
    pub hint: bool,
    /// The footer's words for it (default: the description's first words, lower case).
    pub short: Option<&'static str>,
    /// The `:` command that runs it, and the command's other spellings.
    pub command: Option<(&'static str, &'static [&'static str])>,
}

impl ActionSpec {
    const fn new(
        action: Action,
        name: &'static str,
        scope: Scope,
        keys: &'static [&'static str],
        desc: &'static str,
    ) -> ActionSpec {
        ActionSpec {
            action,
            name,
            desc,
            scope,
            keys,
            dangerous: false,
            needs_selection: false,
            hint: false,
            short: None,
            command: None,
        }
    }
    const fn danger(mut self) -> Self {
        self.dangerous = true;
        self
    }
    const fn sel(mut self) -> Self {
        self.needs_selection = true;
        self
    }
    const fn hint(mut self) -> Self {
        self.hint = true;
        self
    }
    /// Shown in the footer as `key words`.
    const fn short(mut self, words: &'static str) -> Self {
        self.hint = true;
        self.short = Some(words);
        self
    }
    const fn cmd(mut self, name: &'static str, aliases: &'static [&'static str]) -> Self {
        self.command = Some((name, aliases));
        self
    }
}

/// Declares [`Action`], [`Action::ALL`] and [`SPECS`] from one list, in one order.
macro_rules! registry {
    ($( $a:ident => $name:literal, $scope:ident, [$($k:literal),*], $desc:literal $(. $f:ident ( $($arg:expr),* ))* ; )*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Action { $($a,)* }
        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$a,)*];
        }
        /// The default key map. Key syntax: `q`, `Q`, `?`, `enter`, `esc`, `tab`, `backtab`,
        /// `up`, `pgdn`, `home`, `f5`, `ctrl-r`, `alt-x`, `space`, `backspace`, `delete`.
        pub const SPECS: &[ActionSpec] = &[
            $( ActionSpec::new(Action::$a, $name, Scope::$scope, &[$($k),*], $desc) $(.$f($($arg),*))* ,)*
        ];
    };
}

registry! {
    // ----- always -----
    Suspend => "suspend", Always, ["ctrl-z"], "Suspend obtui (fg resumes)";
    // ----- everywhere -----
    Quit => "quit", Global, ["q", "ctrl-c"], "Quit obtui" .hint() .cmd("quit", &["q", "exit"]) .short("quit");
    Help => "help", Global, ["?"], "Show all keys" .hint() .cmd("help", &[]) .short("help");
    CommandMode => "command", Global, [":"], "Command mode (:upgrade NAME, :task ID, :tasks FILTER …)" .hint() .short("command");
    NextPane => "next_pane", Global, ["tab"], "Next pane";
    PrevPane => "prev_pane", Global, ["backtab"], "Previous pane";
    PaneClusters => "pane_clusters", Global, ["1"], "Clusters pane (:cluster NAME opens that cluster)" .cmd("clusters", &["cluster", "cl"]);
    PaneHosts => "pane_hosts", Global, ["2"], "Hosts pane (:host IP opens that host)" .cmd("hosts", &["host", "ho"]);
    PaneProxies => "pane_proxies", Global, ["3"], "OBProxy pane (:proxy NAME opens that OBProxy)" .cmd("proxies", &["proxy", "obproxy", "px"]);
    PaneTasks => "pane_tasks", Global, ["4"], "Tasks pane (:tasks FILTER filters it)" .cmd("tasks", &["ta"]);
    PaneTenants => "pane_tenants", Global, ["5"], "Tenants pane (:tenants FILTER filters it)" .cmd("tenants", &["tenant", "te"]);
    PaneAlarms => "pane_alarms", Global, ["6"], "Alarms pane: active alarms (:alarms FILTER filters it)" .cmd("alarms", &["alarm", "al"]);
    PaneEvents => "pane_events", Global, ["7"], "Events pane: OCP's audit events (:events FILTER filters it)" .cmd("events", &["event", "ev", "audit"]);
    GotoTask => "goto_task", Global, [], "Open a task's DAG: :task ID" .cmd("task", &[]);
    ErrorLog => "errors", Global, ["E"], "Error history" .cmd("errors", &[]);
    Refresh => "refresh", Global, ["ctrl-r", "f5"], "Refresh now" .cmd("refresh", &[]);
    Back => "back", Global, ["esc"], "Back" .hint();
    Up => "up", Global, ["k", "up"], "Move up (scrolls the full-screen log)";
    Down => "down", Global, ["j", "down"], "Move down (scrolls the full-screen log)";
    PageUp => "page_up", Global, ["pgup", "ctrl-b"], "Page up";
    PageDown => "page_down", Global, ["pgdn", "ctrl-f"], "Page down";
    Home => "home", Global, ["home", "g"], "First row / first node";
    End => "end", Global, ["end", "G"], "Last row / last node";
    Copy => "copy", Global, ["y"], "Copy id / ip / traceId (OSC 52)" .sel();
    Login => "login", Global, [], "Enter the password again" .cmd("login", &[]);
    Profile => "profile", Global, [], "Switch profile: :profile NAME" .cmd("profile", &[]);
    Fleet => "fleet", Global, [], "Open every profile of the config file at once (the fleet view)" .cmd("fleet", &[]);
    // ----- tables -----
    Filter => "filter", Table, ["/"], "Filter rows" .hint() .short("filter");
    Open => "open", Table, ["enter"], "Open detail" .sel() .hint() .short("open");
    SortNext => "sort", Table, ["s"], "Sort by next column" .hint() .short("sort");
    SortReverse => "sort_reverse", Table, ["S"], "Reverse sort order";
    RawRow => "raw_row", Table, ["d"], "Raw JSON of the row (as the server sends it)" .sel();
    CreateCluster => "create_cluster", Clusters, ["c"], "Create cluster wizard" .danger() .hint() .cmd("create", &[]) .short("create");
    TakeoverCluster => "takeover_cluster", Clusters, ["t"], "Take over cluster wizard" .danger() .hint() .cmd("takeover", &[]) .short("take over");
    UpgradeCluster => "upgrade_cluster", Clusters, ["u"], "Upgrade cluster wizard (:upgrade NAME)" .danger() .sel() .hint() .cmd("upgrade", &[]) .short("upgrade");
    ScaleOut => "scale_out", Clusters, ["o"], "Scale out (obshell) wizard (:scale-out NAME)" .danger() .cmd("scale-out", &["scaleout"]) .short("scale out");
    TakeoverProxy => "takeover_proxy", Proxies, ["t"], "Take over OBProxy wizard" .danger() .hint() .cmd("proxy-takeover", &[]) .short("take over");
    AlarmTarget => "alarm_target", Alarms, ["t"], "Go to the alarm's target (cluster / tenant / host)" .sel() .hint() .short("target");
    StatusFilter => "status_filter", Tasks, ["f"], "Cycle status filter (running / failed / all)" .hint() .short("status");
    DetailOpen => "detail_open", Detail, ["enter"], "Open the selected item (a zone folds)" .hint() .short("open");
    DetailCluster => "detail_cluster", Detail, ["c"], "Go to the cluster of this host / OBProxy";
    RawDetail => "raw_detail", Detail, ["d"], "Raw JSON (of the selected item, else of this object)" .hint() .short("raw json");
    // ----- the raw JSON view -----
    RawSearch => "raw_search", Raw, ["/"], "Search the JSON" .hint() .short("search");
    RawNext => "raw_next", Raw, ["n"], "Next match" .hint() .short("next");
    RawPrev => "raw_prev", Raw, ["N"], "Previous match";
    // ----- DAG view -----
    DagLeft => "dag_left", Dag, ["h", "left"], "Previous node in layer";
    DagRight => "dag_right", Dag, ["l", "right"], "Next node in layer";
    DagOpen => "dag_open", Dag, ["enter"], "Open the selected node's log (full screen) / fold a block" .hint() .short("log");
    NextFailed => "next_failed", Dag, ["f"], "Next failed node" .hint() .short("failed");
    PrevFailed => "prev_failed", Dag, ["F"], "Previous failed node";
    NextRunning => "next_running", Dag, ["r"], "Next running node" .hint() .short("running");
    PrevRunning => "prev_running", Dag, ["R"], "Previous running node";
    DagFirst => "dag_first", Dag, [], "First node (also `home`)";
    DagLast => "dag_last", Dag, [], "Last node (also `end`)";
    ToggleView => "toggle_view", Dag, ["v"], "Graph / list view" .hint() .short("graph/list");
    Fold => "fold", Dag, ["space", "z"], "Fold / unfold block";
    LogFull => "log_full", Dag, ["L"], "Log full screen" .sel();
    Follow => "follow", Dag, ["a"], "Follow the running frontier (on by default for a running task)";
    Search => "search", Dag, ["/"], "Search nodes";
    SearchNext => "search_next", Dag, ["n"], "Next match";
    SearchPrev => "search_prev", Dag, ["N"], "Previous match";
    RetryTask => "retry_task", Dag, ["ctrl-t"], "Retry the task" .danger() .hint() .short("retry task");
    RollbackTask => "rollback_task", Dag, ["ctrl-o"], "Roll back the task" .danger() .short("roll back task");
    RetrySubtask => "retry_subtask", Dag, ["T"], "Retry the selected subtask" .danger() .sel() .hint() .short("retry");
    SkipSubtask => "skip_subtask", Dag, ["K"], "Skip the selected subtask" .danger() .sel() .hint() .short("skip");
    CancelSubtask => "cancel_subtask", Dag, ["C"], "Cancel the selected subtask" .danger() .sel() .hint() .short("cancel");
    Upstream => "upstream", Dag, ["u"], "Mark all upstreams of the node";
    Center => "center", Dag, ["."], "Centre on the selection";
    CancelTask => "cancel_task", Dag, ["ctrl-x"], "Cancel the task (obshell DAG)" .danger() .short("cancel task");
    PassTask => "pass_task", Dag, ["ctrl-p"], "Pass the failed node of the task (obshell DAG)" .danger() .short("pass task");
    PassSubtask => "pass_subtask", Dag, ["P"], "Pass the selected failed node (obshell)" .danger() .sel() .short("pass");
    // ----- the task log (side panel and full screen) -----
    LogWrap => "log_wrap", Log, ["w"], "Wrap long log lines on / off" .hint() .short("wrap");
    LogFirstError => "log_first_error", Log, ["e"], "Jump to the first ERROR line of the log" .hint() .short("first error");
    LogPrefix => "log_prefix", Log, ["p"], "Fold / show the thread and trace prefix of Java log lines";
    LogSave => "log_save", Log, ["ctrl-s"], "Save the whole log to a file (never overwrites)" .sel() .hint() .short("save log");
    LogLeft => "log_left", Log, ["<"], "Scroll the log left (wrap off)";
    LogRight => "log_right", Log, [">"], "Scroll the log right (wrap off)";
    // ----- the full-screen log -----
    LogFullLeft => "log_full_left", LogFull, ["h", "left"], "Scroll left (wrap off)";
    LogFullRight => "log_full_right", LogFull, ["l", "right"], "Scroll right (wrap off)";
    LogSearch => "log_search", LogFull, ["/"], "Search the log" .hint() .short("search");
    LogSearchNext => "log_search_next", LogFull, ["n"], "Next match" .hint() .short("next");
    LogSearchPrev => "log_search_prev", LogFull, ["N"], "Previous match";
    LogClose => "log_close", LogFull, ["L", "enter"], "Back to the DAG";
    SearchAccept => "search_accept", DagSearch, ["enter"], "Keep the match and stop typing" .short("keep");
    SearchCancel => "search_cancel", DagSearch, ["esc", "ctrl-c"], "Cancel the search (back to where it started)" .short("cancel");
    // ----- task operation confirmation -----
    OpConfirm => "op_confirm", TaskConfirm, ["y", "Y"], "Send the operation" .short("send");
    OpCancel => "op_cancel", TaskConfirm, ["n", "N", "q", "esc"], "Do not send it" .short("do not send");
    OpToggle => "op_toggle", TaskConfirm, ["left", "right", "tab", "backtab", "h", "l"], "Switch between Cancel and Confirm";
    OpChoose => "op_choose", TaskConfirm, ["enter"], "Press the highlighted button (Cancel first)";
    // ----- wizards -----
    WizardCancel => "wizard_cancel", Wizard, ["esc"], "Leave the wizard (asks before dropping edits)";
    WizardReload => "wizard_reload", Wizard, ["ctrl-l"], "Reload the wizard's lists from the server";
    WizardNextStep => "wizard_next_step", Wizard, ["ctrl-n"], "Next step";
    WizardHelp => "wizard_help", Wizard, ["?", "f1"], "Show all keys (`?` where it is not typed into a field)";
    WizardCommand => "wizard_command", Wizard, [":", "ctrl-g"], "Command mode, e.g. :login after a 401; the form stays (`:` where it is not typed into a field)";
    WizardPrevStep => "wizard_prev_step", Wizard, ["ctrl-p"], "Previous step";
    WizardNextField => "wizard_next_field", WizardForm, ["tab", "down"], "Next field";
    WizardPrevField => "wizard_prev_field", WizardForm, ["backtab", "up"], "Previous field";
    WizardPageDown => "wizard_page_down", WizardForm, ["pgdn"], "Five fields down";
    WizardPageUp => "wizard_page_up", WizardForm, ["pgup"], "Five fields up";
    WizardActivate => "wizard_activate", WizardForm, ["enter"], "Open the list / add an item / next field (next step on the last)";
    WizardToggle => "wizard_toggle", WizardForm, ["space", "left", "right"], "Switch a toggle, open a select list";
    WizardClearChoice => "wizard_clear_choice", WizardForm, ["backspace", "delete"], "Clear a select field";
    WizardAddItem => "wizard_add_item", WizardForm, ["+", "a"], "Add an item to the group (on its header)";
    WizardRemoveItem => "wizard_remove_item", WizardForm, ["ctrl-x"], "Remove the group item";
    WizardReveal => "wizard_reveal", WizardForm, ["ctrl-r"], "Show the password while held";
    StepBack => "wizard_step_back", WizardStep, ["left", "backtab", "b"], "Back to the previous step";
    StepScrollUp => "wizard_scroll_up", WizardStep, ["up"], "Scroll up";
    StepScrollDown => "wizard_scroll_down", WizardStep, ["down"], "Scroll down";
    PrecheckRerun => "precheck_rerun", WizardPrecheck, ["r"], "Run the precheck again";
    PrecheckDropFailing => "precheck_drop_failing", WizardPrecheck, ["x"], "Remove the failing OBProxy addresses";
    PrecheckContinue => "precheck_continue", WizardPrecheck, ["enter"], "On to the summary (when the precheck passed)";
    SummarySubmit => "summary_submit", WizardSummary, ["enter", "s"], "Submit… (asks first)";
    PopupUp => "popup_up", WizardPopup, ["up"], "Previous choice";
    PopupDown => "popup_down", WizardPopup, ["down"], "Next choice";
    PopupPageUp => "popup_page_up", WizardPopup, ["pgup"], "Eight choices up";
    PopupPageDown => "popup_page_down", WizardPopup, ["pgdn"], "Eight choices down";
    PopupTick => "popup_tick", WizardPopup, ["space", "tab"], "Tick / untick (multiple choice)";
    PopupChoose => "popup_choose", WizardPopup, ["enter"], "Choose / done";
    PopupClose => "popup_close", WizardPopup, ["esc"], "Close the list unchanged";
    SubmitToggle => "submit_toggle", WizardConfirm, ["tab", "backtab", "left", "right"], "Switch between Cancel and Submit";
    SubmitChoose => "submit_choose", WizardConfirm, ["enter"], "Press the highlighted button (Cancel first)";
    SubmitCancel => "submit_cancel", WizardConfirm, ["esc"], "Do not submit";
    SubmitYes => "submit_yes", WizardConfirm, ["y"], "Highlight Submit (when no name is to be typed)";
    SubmitNo => "submit_no", WizardConfirm, ["n"], "Do not submit (when no name is to be typed)";
    DiscardYes => "discard_yes", WizardDiscard, ["y", "Y"], "Drop the edits and leave";
    DiscardNo => "discard_no", WizardDiscard, ["n", "N", "esc", "enter"], "Keep editing";
    // ----- input modes -----
    FilterApply => "filter_apply", Filter, ["enter"], "Keep the filter" .short("keep filter");
    FilterClear => "filter_clear", Filter, ["esc"], "Clear the filter" .short("clear");
    CommandRun => "command_run", Command, ["enter"], "Run the command" .short("run");
    CommandComplete => "command_complete", Command, ["tab"], "Complete the command, then its name / id (again: next match)" .short("complete");
    CommandCompletePrev => "command_complete_prev", Command, ["backtab"], "Previous match";
    CommandHistoryPrev => "command_history_prev", Command, ["up"], "Previous command of this session";
    CommandHistoryNext => "command_history_next", Command, ["down"], "Next command of this session";
    CommandCancel => "command_cancel", Command, ["esc"], "Leave command mode" .short("cancel");
    HelpUp => "help_up", Help, ["k", "up"], "Scroll up";
    HelpDown => "help_down", Help, ["j", "down"], "Scroll down" .short("scroll");
    HelpPageUp => "help_page_up", Help, ["pgup"], "Page up";
    HelpPageDown => "help_page_down", Help, ["pgdn"], "Page down";
    HelpClose => "help_close", Help, ["esc", "q", "?", "enter"], "Close the help" .short("close");
    PasswordSubmit => "password_submit", Password, ["enter"], "Log in";
    PasswordCancel => "password_cancel", Password, ["esc"], "Cancel";
}

// The table is generated in the enum's order; this proves it at compile time, so `spec` can
// index it.
const _: () = {
    let mut i = 0;
    while i < SPECS.len() {
        assert!(SPECS[i].action as usize == i);
        i += 1;
    }
    assert!(SPECS.len() == Action::ALL.len());
};

/// The spec of an action: total (the table holds every action at its own index).
pub fn spec(action: Action) -> &'static ActionSpec {
    &SPECS[action as usize]
}

/// An action by its `[keys]` name.
pub fn by_name(name: &str) -> Option<Action> {
    SPECS.iter().find(|s| s.name == name).map(|s| s.action)
}

/// The action a `:` command runs (by its name or one of its other spellings).
pub fn by_command(word: &str) -> Option<Action> {
    SPECS
        .iter()
        .find(|s| {
            s.command
                .is_some_and(|(c, aliases)| c == word || aliases.contains(&word))
        })
        .map(|s| s.action)
}

/// The `:` commands with what they do, in registry order.
pub fn commands() -> impl Iterator<Item = (&'static str, &'static str)> {
    SPECS
        .iter()
        .filter_map(|s| s.command.map(|(c, _)| (c, s.desc)))
}

/// Commands that start with what was typed.
pub fn complete(prefix: &str) -> Vec<&'static str> {
    let p = prefix.trim_start_matches(':').trim();
    commands()
        .map(|(c, _)| c)
        .filter(|c| c.starts_with(p))
        .collect()
}

/// A key as the registry sees it: code + modifiers, normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub code: KeyCodeOrd,
    pub ctrl: bool,
    pub alt: bool,
}

/// `KeyCode` subset with an order (so keys can live in a BTreeMap).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyCodeOrd {
    Char(char),
    F(u8),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
}

impl Key {
    pub fn from_event(ev: &KeyEvent) -> Option<Key> {
        let code = match ev.code {
            KeyCode::Char(c) => KeyCodeOrd::Char(c),
            KeyCode::F(n) => KeyCodeOrd::F(n),
            KeyCode::Enter => KeyCodeOrd::Enter,
            KeyCode::Esc => KeyCodeOrd::Esc,
            KeyCode::Tab => KeyCodeOrd::Tab,
            KeyCode::BackTab => KeyCodeOrd::BackTab,
            KeyCode::Backspace => KeyCodeOrd::Backspace,
            KeyCode::Delete => KeyCodeOrd::Delete,
            KeyCode::Up => KeyCodeOrd::Up,
            KeyCode::Down => KeyCodeOrd::Down,
            KeyCode::Left => KeyCodeOrd::Left,
            KeyCode::Right => KeyCodeOrd::Right,
            KeyCode::PageUp => KeyCodeOrd::PageUp,
            KeyCode::PageDown => KeyCodeOrd::PageDown,
            KeyCode::Home => KeyCodeOrd::Home,
            KeyCode::End => KeyCodeOrd::End,
            _ => return None,
        };
        Some(Key {
            code,
            ctrl: ev.modifiers.contains(KeyModifiers::CONTROL),
            // Shift is part of the char itself ('G'), so it is not tracked separately.
            alt: ev.modifiers.contains(KeyModifiers::ALT),
        })
    }

    /// Parse the config syntax (`ctrl-r`, `G`, `pgdn`, `f5`, `space`).
    pub fn parse(s: &str) -> Result<Key, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = s.trim();
        if rest.is_empty() {
            return Err("empty key".into());
        }
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.len() > 5 && (lower.starts_with("ctrl-") || lower.starts_with("ctrl+")) {
                ctrl = true;
                rest = &rest[5..];
            } else if rest.len() > 4 && (lower.starts_with("alt-") || lower.starts_with("alt+")) {
                alt = true;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCodeOrd::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCodeOrd::Enter,
                "esc" | "escape" => KeyCodeOrd::Esc,
                "tab" => KeyCodeOrd::Tab,
                "backtab" | "shift-tab" => KeyCodeOrd::BackTab,
                "backspace" => KeyCodeOrd::Backspace,
                "delete" | "del" => KeyCodeOrd::Delete,
                "up" => KeyCodeOrd::Up,
                "down" => KeyCodeOrd::Down,
                "left" => KeyCodeOrd::Left,
                "right" => KeyCodeOrd::Right,
                "pgup" | "pageup" => KeyCodeOrd::PageUp,
                "pgdn" | "pagedown" => KeyCodeOrd::PageDown,
                "home" => KeyCodeOrd::Home,
                "end" => KeyCodeOrd::End,
                "space" => KeyCodeOrd::Char(' '),
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n) if (1..=12).contains(&n) => KeyCodeOrd::F(n),
                    _ => return Err(format!("unknown key {}", obtui_api::quote_input(s))),
                },
                _ => return Err(format!("unknown key {}", obtui_api::quote_input(s))),
            },
        };
        Ok(Key { code, ctrl, alt })
    }

    /// A character typed without Ctrl or Alt: text in an input.
    pub fn is_plain_char(&self) -> bool {
        matches!(self.code, KeyCodeOrd::Char(_)) && !self.ctrl && !self.alt
    }

    /// The short label used in hints and help.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCodeOrd::Char(' ') => "space".to_string(),
            KeyCodeOrd::Char(c) => c.to_string(),
            KeyCodeOrd::F(n) => format!("F{n}"),
            KeyCodeOrd::Enter => "⏎".into(),
            KeyCodeOrd::Esc => "esc".into(),
            KeyCodeOrd::Tab => "tab".into(),
            KeyCodeOrd::BackTab => "S-tab".into(),
            KeyCodeOrd::Backspace => "bksp".into(),
            KeyCodeOrd::Delete => "del".into(),
            KeyCodeOrd::Up => "↑".into(),
            KeyCodeOrd::Down => "↓".into(),
            KeyCodeOrd::Left => "←".into(),
            KeyCodeOrd::Right => "→".into(),
            KeyCodeOrd::PageUp => "pgup".into(),
            KeyCodeOrd::PageDown => "pgdn".into(),
            KeyCodeOrd::Home => "home".into(),
            KeyCodeOrd::End => "end".into(),
        };
        let mut s = String::new();
        if self.ctrl {
            s.push('^');
        }
        if self.alt {
            s.push_str("M-");
        }
        s.push_str(&base);
        s
    }
}

/// The live key map: defaults plus the user's `[keys]` rebinding.
#[derive(Debug, Clone)]
pub struct Keymap {
    by_scope: BTreeMap<(Scope, Key), Action>,
    keys_of: BTreeMap<Action, Vec<Key>>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap::defaults()
    }
}

impl Keymap {
    pub fn defaults() -> Keymap {
        let mut km = Keymap {
            by_scope: BTreeMap::new(),
            keys_of: BTreeMap::new(),
        };
        for s in SPECS {
            let keys: Vec<Key> = s.keys.iter().filter_map(|k| Key::parse(k).ok()).collect();
            for k in &keys {
                km.by_scope.insert((s.scope, *k), s.action);
            }
            km.keys_of.insert(s.action, keys);
        }
        km
    }

    /// The default key map, built once (for components used without an app, as in tests).
    pub fn shared_defaults() -> &'static Keymap {
        static DEFAULTS: std::sync::OnceLock<Keymap> = std::sync::OnceLock::new();
        DEFAULTS.get_or_init(Keymap::defaults)
    }

    /// Apply `[keys]` (action name → key, or several keys separated by spaces). Bad entries are
    /// reported and skipped; the defaults stay for those actions.
    pub fn with_overrides(overrides: &BTreeMap<String, String>) -> (Keymap, Vec<String>) {
        let mut km = Self::defaults();
        let mut warnings = Vec::new();
        for (name, keys) in overrides {
            let Some(spec) = by_name(name).map(self::spec) else {
                warnings.push(format!("[keys] {name}: unknown action"));
                continue;
            };
            let parsed: Result<Vec<Key>, String> =
                keys.split_whitespace().map(Key::parse).collect();
            let parsed = match parsed {
                Ok(p) if !p.is_empty() => p,
                Ok(_) => {
                    warnings.push(format!("[keys] {name}: no key given"));
                    continue;
                }
                Err(e) => {
                    warnings.push(format!("[keys] {name}: {e}"));
                    continue;
                }
            };
            if spec.scope.is_text_entry() {
                if let Some(k) = parsed.iter().find(|k| k.is_plain_char()) {
                    warnings.push(format!(
                        "[keys] {name}: {} would be typed text in {}",
                        k.label(),
                        spec.scope.title().to_lowercase()
                    ));
                    continue;
                }
            }
            // A conflict is a key already bound to another action in a scope active together.
            let conflict = parsed.iter().find_map(|k| {
                km.by_scope.iter().find_map(|((sc, kk), a)| {
                    (kk == k
                        && *a != spec.action
                        && scopes_overlap(*sc, spec.scope)
                        && !overrides.contains_key(self::spec(*a).name))
                    .then(|| (k.label(), self::spec(*a).name))
                })
            });
            if let Some((k, other)) = conflict {
                warnings.push(format!("[keys] {name}: {k} is already bound to {other}"));
                continue;
            }
            if let Some(old) = km.keys_of.get(&spec.action) {
                for k in old.clone() {
                    km.by_scope.remove(&(spec.scope, k));
                }
            }
            for k in &parsed {
                km.by_scope.insert((spec.scope, *k), spec.action);
            }
            km.keys_of.insert(spec.action, parsed);
        }
        (km, warnings)
    }

    /// Look a key up in the given scopes, most specific first.
    pub fn lookup(&self, scopes: &[Scope], key: Key) -> Option<Action> {
        scopes
            .iter()
            .find_map(|sc| self.by_scope.get(&(*sc, key)).copied())
    }

    /// Look a key event up (keys the registry cannot name give `None`).
    pub fn lookup_event(&self, scopes: &[Scope], ev: &KeyEvent) -> Option<Action> {
        self.lookup(scopes, Key::from_event(ev)?)
    }

    pub fn keys(&self, action: Action) -> &[Key] {
        self.keys_of.get(&action).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The first key's label, for hints.
    pub fn label(&self, action: Action) -> String {
        self.keys(action)
            .first()
            .map(Key::label)
            .unwrap_or_else(|| "—".into())
    }

    /// Every key's label, joined with `/`, for hints that name all keys.
    pub fn labels(&self, action: Action) -> String {
        let l: Vec<String> = self.keys(action).iter().map(Key::label).collect();
        if l.is_empty() {
            "—".into()
        } else {
            l.join("/")
        }
    }
}

/// One line of the help overlay.
#[derive(Debug, Clone, PartialEq)]
pub struct HelpEntry {
    pub scope: Scope,
    pub action: Action,
    pub keys: String,
}

/// The help overlay's content: the active scopes first (most specific first), then every other
/// scope, so each action of the registry is listed, with its live keys.
pub fn help_entries(km: &Keymap, active: &[Scope]) -> Vec<HelpEntry> {
    let mut order: Vec<Scope> = active.to_vec();
    order.extend(Scope::ALL.iter().filter(|s| !active.contains(s)));
    order
        .iter()
        .flat_map(|sc| SPECS.iter().filter(move |s| s.scope == *sc))
        .map(|s| HelpEntry {
            scope: s.scope,
            action: s.action,
            keys: {
                let l: Vec<String> = km.keys(s.action).iter().map(Key::label).collect();
                if l.is_empty() {
                    "—".into()
                } else {
                    l.join(" ")
                }
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_key_parses_and_names_are_unique() {
        let mut names = std::collections::BTreeSet::new();
        let mut commands = std::collections::BTreeSet::new();
        for s in SPECS {
            assert!(names.insert(s.name), "duplicate action name {}", s.name);
            for k in s.keys {
                Key::parse(k).unwrap_or_else(|e| panic!("{}: {e}", s.name));
            }
            if let Some((c, aliases)) = s.command {
                for w in std::iter::once(&c).chain(aliases.iter()) {
                    assert!(commands.insert(*w), "duplicate command {w}");
                }
            }
        }
    }

    #[test]
    fn spec_is_indexed_by_the_action() {
        assert_eq!(Action::ALL.len(), SPECS.len());
        for (i, a) in Action::ALL.iter().enumerate() {
            assert_eq!(spec(*a).action, *a);
            assert_eq!(*a as usize, i);
            assert_eq!(by_name(spec(*a).name), Some(*a));
        }
        assert_eq!(spec(Action::StatusFilter).name, "status_filter");
        assert_eq!(by_name("nope"), None);
    }

    #[test]
    fn every_scope_is_in_some_active_set_and_every_action_reachable() {
        for sc in Scope::ALL {
            assert!(
                SCOPE_SETS.iter().any(|s| s.contains(&sc)),
                "{sc:?} is never active"
            );
        }
        assert!(scopes_overlap(Scope::Clusters, Scope::Global));
        assert!(scopes_overlap(Scope::Wizard, Scope::WizardForm));
        assert!(!scopes_overlap(Scope::Dag, Scope::TaskConfirm));
        assert!(!scopes_overlap(Scope::Filter, Scope::Global));
        assert!(scopes_overlap(Scope::Always, Scope::Password));
    }

    /// Within every set of scopes active together, no key names two actions: across scopes,
    /// not only within one.
    fn assert_no_conflicts(km: &Keymap, what: &str) {
        for set in SCOPE_SETS {
            let mut seen: BTreeMap<Key, Action> = BTreeMap::new();
            for s in SPECS.iter().filter(|s| set.contains(&s.scope)) {
                for k in km.keys(s.action) {
                    if let Some(other) = seen.insert(*k, s.action) {
                        panic!(
                            "{what}: {} and {} share {} in {set:?}",
                            spec(other).name,
                            s.name,
                            k.label()
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn no_key_conflicts_in_any_active_scope_set() {
        assert_no_conflicts(&Keymap::defaults(), "defaults");
        for (name, text) in [
            ("vim", include_str!("../../keymaps/vim.toml")),
            ("arrows", include_str!("../../keymaps/arrows.toml")),
        ] {
            let cfg = crate::config::ConfigFile::parse(text).unwrap();
            let (km, _) = Keymap::with_overrides(&cfg.keys);
            assert_no_conflicts(&km, name);
        }
    }

    #[test]
    fn lookups_walk_the_active_set() {
        let km = Keymap::defaults();
        let key = |s| Key::parse(s).unwrap();
        let dag = [Scope::Dag, Scope::Global, Scope::Always];
        assert_eq!(km.lookup(&dag, key("g")), Some(Action::Home));
        assert_eq!(km.lookup(&dag, key("f")), Some(Action::NextFailed));
        assert_eq!(km.lookup(&dag, key("ctrl-z")), Some(Action::Suspend));
        let tasks = [Scope::Tasks, Scope::Table, Scope::Global, Scope::Always];
        assert_eq!(km.lookup(&tasks, key("f")), Some(Action::StatusFilter));
        let confirm = [Scope::TaskConfirm, Scope::Always];
        assert_eq!(km.lookup(&confirm, key("y")), Some(Action::OpConfirm));
        assert_eq!(km.lookup(&confirm, key("q")), Some(Action::OpCancel));
        assert_eq!(km.lookup(&confirm, key("j")), None);
        let form = [Scope::WizardForm, Scope::Wizard, Scope::Always];
        assert_eq!(km.lookup(&form, key("tab")), Some(Action::WizardNextField));
        assert_eq!(km.lookup(&form, key("esc")), Some(Action::WizardCancel));
        assert_eq!(km.lookup(&form, key("q")), None);
        assert_eq!(by_command("px"), Some(Action::PaneProxies));
        assert_eq!(by_command("scale-out"), Some(Action::ScaleOut));
        assert_eq!(by_command("frob"), None);
        assert_eq!(
            complete("pro"),
            vec!["proxies", "profile", "proxy-takeover"]
        );
        assert!(commands().any(|(c, _)| c == "login"));
    }

    #[test]
    fn help_lists_every_action_active_scopes_first() {
        let km = Keymap::defaults();
        for set in SCOPE_SETS {
            let h = help_entries(&km, set);
            assert_eq!(h.len(), SPECS.len());
            let n_active = SPECS.iter().filter(|s| set.contains(&s.scope)).count();
            assert!(h[..n_active].iter().all(|e| set.contains(&e.scope)));
        }
    }

    #[test]
    fn parse_keys() {
        assert_eq!(
            Key::parse("ctrl-R").unwrap(),
            Key {
                code: KeyCodeOrd::Char('r'),
                ctrl: true,
                alt: false
            }
        );
        assert_eq!(Key::parse("G").unwrap().code, KeyCodeOrd::Char('G'));
        assert_eq!(Key::parse("pgdn").unwrap().code, KeyCodeOrd::PageDown);
        assert_eq!(Key::parse("f5").unwrap().code, KeyCodeOrd::F(5));
        assert_eq!(Key::parse("+").unwrap().code, KeyCodeOrd::Char('+'));
        assert!(Key::parse("f13").is_err());
        assert!(Key::parse("hyper-x").is_err());
        assert!(Key::parse("").is_err());
    }

    #[test]
    fn rebinding_and_its_warnings() {
        let mut o = BTreeMap::new();
        o.insert("quit".to_string(), "Q".to_string());
        o.insert("frobnicate".to_string(), "x".to_string());
        o.insert("help".to_string(), "j".to_string()); // j is `down`
        o.insert("filter".to_string(), "ctrl-nope".to_string());
        o.insert("filter_apply".to_string(), "x".to_string()); // typed text in the filter
        o.insert("wizard_next_field".to_string(), "ctrl-j".to_string());
        o.insert("op_toggle".to_string(), "y".to_string()); // y is op_confirm
        let (km, w) = Keymap::with_overrides(&o);
        let q = Key::parse("Q").unwrap();
        assert_eq!(km.lookup(&[Scope::Global], q), Some(Action::Quit));
        assert_eq!(km.lookup(&[Scope::Global], Key::parse("q").unwrap()), None);
        assert_eq!(w.len(), 5, "{w:?}");
        assert!(w.iter().any(|x| x.contains("frobnicate")));
        assert!(w.iter().any(|x| x.contains("already bound to down")));
        assert!(w.iter().any(|x| x.contains("typed text")));
        assert!(w.iter().any(|x| x.contains("already bound to op_confirm")));
        assert_eq!(km.label(Action::Help), "?");
        let form = [Scope::WizardForm, Scope::Wizard, Scope::Always];
        assert_eq!(
            km.lookup(&form, Key::parse("ctrl-j").unwrap()),
            Some(Action::WizardNextField)
        );
        assert_eq!(km.lookup(&form, Key::parse("tab").unwrap()), None);
    }

    #[test]
    fn scoped_lookup_prefers_the_specific_scope() {
        let km = Keymap::defaults();
        let t = Key::parse("t").unwrap();
        assert_eq!(
            km.lookup(&[Scope::Clusters, Scope::Table, Scope::Global], t),
            Some(Action::TakeoverCluster)
        );
        assert_eq!(
            km.lookup(&[Scope::Proxies, Scope::Table, Scope::Global], t),
            Some(Action::TakeoverProxy)
        );
        assert_eq!(
            km.lookup(&[Scope::Tasks, Scope::Table, Scope::Global], t),
            None
        );
    }
}

#[cfg(test)]
mod preset_tests {
    use super::*;

    /// The presets shipped in `keymaps/` parse and apply without a single warning.
    #[test]
    fn shipped_presets_apply_cleanly() {
        for (name, text) in [
            ("vim", include_str!("../../keymaps/vim.toml")),
            ("arrows", include_str!("../../keymaps/arrows.toml")),
        ] {
            let cfg =
                crate::config::ConfigFile::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!cfg.keys.is_empty(), "{name}");
            let (km, warnings) = Keymap::with_overrides(&cfg.keys);
            assert!(warnings.is_empty(), "{name}: {warnings:?}");
            if name == "arrows" {
                assert_eq!(km.lookup(&[Scope::Global], Key::parse("j").unwrap()), None);
                assert_eq!(
                    km.lookup(&[Scope::Global], Key::parse("down").unwrap()),
                    Some(Action::Down)
                );
            } else {
                assert_eq!(
                    km.lookup(&[Scope::Global], Key::parse("ctrl-d").unwrap()),
                    Some(Action::PageDown)
                );
            }
        }
    }
}
