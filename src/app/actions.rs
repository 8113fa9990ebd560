//! The action registry: every key maps to a named action with a description and flags.
//!
//! This one table drives key handling, the footer hints, the `?` help overlay and read-only
//! filtering, and it is the place the config file's `[keys]` section rebinds. Help can never
//! drift from the real keys because both are read from here.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;

/// Where an action applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Everywhere except text entry.
    Global,
    /// A resource table (clusters, hosts, OBProxy, tasks).
    Table,
    /// The clusters table only.
    Clusters,
    /// The OBProxy table only.
    Proxies,
    /// The tasks table only.
    Tasks,
    /// A detail view.
    Detail,
    /// The DAG view of a task.
    Dag,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    Quit,
    Help,
    CommandMode,
    Filter,
    NextPane,
    PrevPane,
    PaneClusters,
    PaneHosts,
    PaneProxies,
    PaneTasks,
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    Open,
    Back,
    Refresh,
    SortNext,
    SortReverse,
    ErrorLog,
    Copy,
    CreateCluster,
    TakeoverCluster,
    UpgradeCluster,
    ScaleOut,
    TakeoverProxy,
    // DAG view
    DagLeft,
    DagRight,
    NextFailed,
    PrevFailed,
    NextRunning,
    PrevRunning,
    DagFirst,
    DagLast,
    ToggleView,
    Fold,
    LogFull,
    Follow,
    Search,
    SearchNext,
    SearchPrev,
    RetryTask,
    RollbackTask,
    RetrySubtask,
    SkipSubtask,
    CancelSubtask,
    StatusFilter,
    Upstream,
    Center,
    CancelTask,
    PassTask,
    PassSubtask,
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
    /// Needs a selected row / node.
    pub needs_selection: bool,
    /// Shown in the footer hints (the rest are in `?` help).
    pub hint: bool,
}

macro_rules! spec {
    ($a:ident, $name:literal, $desc:literal, $scope:ident, [$($k:literal),*], $danger:literal, $sel:literal, $hint:literal) => {
        ActionSpec { action: Action::$a, name: $name, desc: $desc, scope: Scope::$scope, keys: &[$($k),*], dangerous: $danger, needs_selection: $sel, hint: $hint }
    };
}

/// The default key map. Key syntax: `q`, `Q`, `?`, `enter`, `esc`, `tab`, `backtab`, `up`,
/// `pgdn`, `home`, `f5`, `ctrl-r`, `alt-x`, `space`.
pub const SPECS: &[ActionSpec] = &[
    spec!(
        Quit,
        "quit",
        "Quit obtui",
        Global,
        ["q", "ctrl-c"],
        false,
        false,
        true
    ),
    spec!(
        Help,
        "help",
        "Show all keys",
        Global,
        ["?"],
        false,
        false,
        true
    ),
    spec!(
        CommandMode,
        "command",
        "Command mode (:clusters, :hosts, :tasks, :create …)",
        Global,
        [":"],
        false,
        false,
        true
    ),
    spec!(
        NextPane,
        "next_pane",
        "Next pane",
        Global,
        ["tab"],
        false,
        false,
        false
    ),
    spec!(
        PrevPane,
        "prev_pane",
        "Previous pane",
        Global,
        ["backtab"],
        false,
        false,
        false
    ),
    spec!(
        PaneClusters,
        "pane_clusters",
        "Clusters pane",
        Global,
        ["1"],
        false,
        false,
        false
    ),
    spec!(
        PaneHosts,
        "pane_hosts",
        "Hosts pane",
        Global,
        ["2"],
        false,
        false,
        false
    ),
    spec!(
        PaneProxies,
        "pane_proxies",
        "OBProxy pane",
        Global,
        ["3"],
        false,
        false,
        false
    ),
    spec!(
        PaneTasks,
        "pane_tasks",
        "Tasks pane",
        Global,
        ["4"],
        false,
        false,
        false
    ),
    spec!(
        ErrorLog,
        "errors",
        "Error history",
        Global,
        ["E"],
        false,
        false,
        false
    ),
    spec!(
        Refresh,
        "refresh",
        "Refresh now",
        Global,
        ["ctrl-r", "f5"],
        false,
        false,
        false
    ),
    spec!(Back, "back", "Back", Global, ["esc"], false, false, true),
    spec!(
        Up,
        "up",
        "Move up",
        Global,
        ["k", "up"],
        false,
        false,
        false
    ),
    spec!(
        Down,
        "down",
        "Move down",
        Global,
        ["j", "down"],
        false,
        false,
        false
    ),
    spec!(
        PageUp,
        "page_up",
        "Page up",
        Global,
        ["pgup", "ctrl-b"],
        false,
        false,
        false
    ),
    spec!(
        PageDown,
        "page_down",
        "Page down",
        Global,
        ["pgdn", "ctrl-f"],
        false,
        false,
        false
    ),
    spec!(
        Home,
        "home",
        "First row",
        Global,
        ["home", "g"],
        false,
        false,
        false
    ),
    spec!(
        End,
        "end",
        "Last row",
        Global,
        ["end", "G"],
        false,
        false,
        false
    ),
    spec!(
        Filter,
        "filter",
        "Filter rows",
        Table,
        ["/"],
        false,
        false,
        true
    ),
    spec!(
        Open,
        "open",
        "Open detail",
        Table,
        ["enter"],
        false,
        true,
        true
    ),
    spec!(
        SortNext,
        "sort",
        "Sort by next column",
        Table,
        ["s"],
        false,
        false,
        true
    ),
    spec!(
        SortReverse,
        "sort_reverse",
        "Reverse sort order",
        Table,
        ["S"],
        false,
        false,
        false
    ),
    spec!(
        Copy,
        "copy",
        "Copy id / ip / traceId (OSC 52)",
        Global,
        ["y"],
        false,
        true,
        false
    ),
    spec!(
        CreateCluster,
        "create_cluster",
        "Create cluster wizard",
        Clusters,
        ["c"],
        true,
        false,
        true
    ),
    spec!(
        TakeoverCluster,
        "takeover_cluster",
        "Take over cluster wizard",
        Clusters,
        ["t"],
        true,
        false,
        true
    ),
    spec!(
        UpgradeCluster,
        "upgrade_cluster",
        "Upgrade cluster wizard",
        Clusters,
        ["u"],
        true,
        true,
        true
    ),
    spec!(
        ScaleOut,
        "scale_out",
        "Scale out (obshell) wizard",
        Clusters,
        ["o"],
        true,
        false,
        false
    ),
    spec!(
        TakeoverProxy,
        "takeover_proxy",
        "Take over OBProxy wizard",
        Proxies,
        ["t"],
        true,
        false,
        true
    ),
    spec!(
        StatusFilter,
        "status_filter",
        "Cycle status filter",
        Tasks,
        ["f"],
        false,
        false,
        true
    ),
    spec!(
        DagLeft,
        "dag_left",
        "Previous node in layer",
        Dag,
        ["h", "left"],
        false,
        false,
        false
    ),
    spec!(
        DagRight,
        "dag_right",
        "Next node in layer",
        Dag,
        ["l", "right"],
        false,
        false,
        false
    ),
    spec!(
        NextFailed,
        "next_failed",
        "Next failed node",
        Dag,
        ["f"],
        false,
        false,
        true
    ),
    spec!(
        PrevFailed,
        "prev_failed",
        "Previous failed node",
        Dag,
        ["F"],
        false,
        false,
        false
    ),
    spec!(
        NextRunning,
        "next_running",
        "Next running node",
        Dag,
        ["r"],
        false,
        false,
        true
    ),
    spec!(
        PrevRunning,
        "prev_running",
        "Previous running node",
        Dag,
        ["R"],
        false,
        false,
        false
    ),
    spec!(
        DagFirst,
        "dag_first",
        "First node",
        Dag,
        ["g"],
        false,
        false,
        false
    ),
    spec!(
        DagLast,
        "dag_last",
        "Last node",
        Dag,
        ["G"],
        false,
        false,
        false
    ),
    spec!(
        ToggleView,
        "toggle_view",
        "Graph / list view",
        Dag,
        ["v"],
        false,
        false,
        true
    ),
    spec!(
        Fold,
        "fold",
        "Fold / unfold block",
        Dag,
        ["space", "z"],
        false,
        false,
        false
    ),
    spec!(
        LogFull,
        "log_full",
        "Log full screen",
        Dag,
        ["L"],
        false,
        true,
        true
    ),
    spec!(
        Follow,
        "follow",
        "Follow running frontier",
        Dag,
        ["a"],
        false,
        false,
        false
    ),
    spec!(
        Search,
        "search",
        "Search nodes",
        Dag,
        ["/"],
        false,
        false,
        false
    ),
    spec!(
        SearchNext,
        "search_next",
        "Next match",
        Dag,
        ["n"],
        false,
        false,
        false
    ),
    spec!(
        SearchPrev,
        "search_prev",
        "Previous match",
        Dag,
        ["N"],
        false,
        false,
        false
    ),
    spec!(
        RetryTask,
        "retry_task",
        "Retry the task",
        Dag,
        ["ctrl-t"],
        true,
        false,
        true
    ),
    spec!(
        RollbackTask,
        "rollback_task",
        "Roll back the task",
        Dag,
        ["ctrl-o"],
        true,
        false,
        false
    ),
    spec!(
        RetrySubtask,
        "retry_subtask",
        "Retry the selected subtask",
        Dag,
        ["T"],
        true,
        true,
        true
    ),
    spec!(
        SkipSubtask,
        "skip_subtask",
        "Skip the selected subtask",
        Dag,
        ["K"],
        true,
        true,
        true
    ),
    spec!(
        CancelSubtask,
        "cancel_subtask",
        "Cancel the selected subtask",
        Dag,
        ["C"],
        true,
        true,
        true
    ),
    spec!(
        Upstream,
        "upstream",
        "Mark all upstreams of the node",
        Dag,
        ["u"],
        false,
        false,
        false
    ),
    spec!(
        Center,
        "center",
        "Centre on the selection",
        Dag,
        ["."],
        false,
        false,
        false
    ),
    spec!(
        CancelTask,
        "cancel_task",
        "Cancel the task (obshell DAG)",
        Dag,
        ["ctrl-x"],
        true,
        false,
        false
    ),
    spec!(
        PassTask,
        "pass_task",
        "Pass the failed node of the task (obshell DAG)",
        Dag,
        ["ctrl-p"],
        true,
        false,
        false
    ),
    spec!(
        PassSubtask,
        "pass_subtask",
        "Pass the selected failed node (obshell)",
        Dag,
        ["P"],
        true,
        true,
        false
    ),
];

pub fn spec(action: Action) -> &'static ActionSpec {
    SPECS
        .iter()
        .find(|s| s.action == action)
        .unwrap_or(&SPECS[0])
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
                    _ => return Err(format!("unknown key {s:?}")),
                },
                _ => return Err(format!("unknown key {s:?}")),
            },
        };
        Ok(Key { code, ctrl, alt })
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

    /// Apply `[keys]` (action name → key, or several keys separated by spaces). Bad entries are
    /// reported and skipped; the defaults stay for those actions.
    pub fn with_overrides(overrides: &BTreeMap<String, String>) -> (Keymap, Vec<String>) {
        let mut km = Self::defaults();
        let mut warnings = Vec::new();
        for (name, keys) in overrides {
            let Some(spec) = SPECS.iter().find(|s| s.name == name) else {
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
            // A conflict is a key already bound to another action in an overlapping scope.
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
}

/// Two bindings conflict when they share a key in the same scope, or in a table scope and a
/// pane's own scope. A pane or view scope may shadow a Global key on purpose (`g` is "first
/// row" in tables and "first node" in the DAG view), so that is not a conflict.
fn scopes_overlap(a: Scope, b: Scope) -> bool {
    use Scope::*;
    if a == b {
        return true;
    }
    let table_like = |s| matches!(s, Table | Clusters | Proxies | Tasks);
    (a == Table && table_like(b)) || (b == Table && table_like(a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_key_parses_and_names_are_unique() {
        let mut names = std::collections::BTreeSet::new();
        for s in SPECS {
            assert!(names.insert(s.name), "duplicate action name {}", s.name);
            for k in s.keys {
                Key::parse(k).unwrap_or_else(|e| panic!("{}: {e}", s.name));
            }
        }
    }

    #[test]
    fn no_default_conflicts_within_overlapping_scopes() {
        for a in SPECS {
            for b in SPECS {
                if a.action == b.action || !scopes_overlap(a.scope, b.scope) || a.scope != b.scope {
                    continue;
                }
                for ka in a.keys {
                    assert!(!b.keys.contains(ka), "{} and {} share {ka}", a.name, b.name);
                }
            }
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
        let (km, w) = Keymap::with_overrides(&o);
        let q = Key::parse("Q").unwrap();
        assert_eq!(km.lookup(&[Scope::Global], q), Some(Action::Quit));
        assert_eq!(km.lookup(&[Scope::Global], Key::parse("q").unwrap()), None);
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(w.iter().any(|x| x.contains("frobnicate")));
        assert!(w.iter().any(|x| x.contains("already bound to down")));
        assert_eq!(km.label(Action::Help), "?");
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
