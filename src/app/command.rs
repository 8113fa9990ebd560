//! `:` commands with an argument: which kind of name each command takes, the names known now,
//! completion of a whole command line (the command, then its argument), and the error for a
//! name that does not exist (it says which do). Pure functions over the registry and the names
//! the app hands in; running a command is the app's (`App::run_command`).

use super::actions::{by_command, commands, Action};

/// What a command's argument names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    /// The command takes no argument.
    None,
    /// A cluster, by name.
    Cluster,
    /// A host, by IP (or host name).
    Host,
    /// An OBProxy cluster, by name.
    Proxy,
    /// A task, by id.
    Task,
    /// Free text: the Tasks pane's filter.
    Filter,
    /// A profile of the config file (the runtime checks it).
    Profile,
}

/// The argument the command running `action` takes.
pub fn arg_of(action: Action) -> Arg {
    match action {
        Action::UpgradeCluster | Action::ScaleOut | Action::PaneClusters => Arg::Cluster,
        Action::PaneHosts => Arg::Host,
        Action::PaneProxies => Arg::Proxy,
        Action::GotoTask => Arg::Task,
        Action::PaneTasks => Arg::Filter,
        Action::Profile => Arg::Profile,
        _ => Arg::None,
    }
}

impl Arg {
    /// The noun for messages ("no cluster 'x'").
    pub fn noun(self) -> &'static str {
        match self {
            Arg::None => "argument",
            Arg::Cluster => "cluster",
            Arg::Host => "host",
            Arg::Proxy => "OBProxy",
            Arg::Task => "task",
            Arg::Filter => "filter",
            Arg::Profile => "profile",
        }
    }
}

/// The names each argument may take, as the app knows them now (its panes' last data).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Names {
    pub clusters: Vec<String>,
    pub hosts: Vec<String>,
    pub proxies: Vec<String>,
    /// Task ids, newest first.
    pub tasks: Vec<String>,
}

impl Names {
    /// The candidates for an argument (`Filter` completes cluster names, a useful filter).
    pub fn of(&self, arg: Arg) -> &[String] {
        match arg {
            Arg::Cluster | Arg::Filter => &self.clusters,
            Arg::Host => &self.hosts,
            Arg::Proxy => &self.proxies,
            Arg::Task => &self.tasks,
            Arg::None | Arg::Profile => &[],
        }
    }
}

/// How many names an error message lists before it says how many more there are.
const LISTED: usize = 8;

/// "no cluster 'zergx'; clusters: terran, zerg, …": what was asked for and what exists (the
/// names closest to it first, at most [`LISTED`] of them).
pub fn unknown(arg: Arg, given: &str, names: &[String]) -> String {
    let noun = arg.noun();
    if names.is_empty() {
        return format!("no {noun} '{given}': none are known");
    }
    let listed = closest(given, names);
    let mut s = format!("no {noun} '{given}'; {noun}s: ");
    s.push_str(
        &listed
            .iter()
            .take(LISTED)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", "),
    );
    if names.len() > LISTED {
        s.push_str(&format!(", … ({} more)", names.len() - LISTED));
    }
    s
}

/// `names` that start with `prefix` (case-insensitive), then those that contain it.
fn ranked(prefix: &str, names: &[String]) -> Vec<String> {
    let p = prefix.to_lowercase();
    let starts = names.iter().filter(|n| n.to_lowercase().starts_with(&p));
    let contains = names
        .iter()
        .filter(|n| !n.to_lowercase().starts_with(&p) && n.to_lowercase().contains(&p));
    starts.chain(contains).cloned().collect()
}

/// Every name, the ones sharing the longest start with `given` first (a typo's neighbours).
fn closest(given: &str, names: &[String]) -> Vec<String> {
    let g: Vec<char> = given.to_lowercase().chars().collect();
    let shared = |n: &String| {
        n.to_lowercase()
            .chars()
            .zip(g.iter())
            .take_while(|(a, b)| a == *b)
            .count()
    };
    let mut out = names.to_vec();
    out.sort_by_key(|n| std::cmp::Reverse(shared(n)));
    out
}

/// The one name `given` stands for: an exact match, else the only case-insensitive one.
pub fn find<'a>(given: &str, names: &'a [String]) -> Option<&'a String> {
    names.iter().find(|n| *n == given).or_else(|| {
        let mut ci = names.iter().filter(|n| n.eq_ignore_ascii_case(given));
        match (ci.next(), ci.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    })
}

/// Every completion of a command line, in the order Tab offers them: without a space, the
/// commands that start with it (a complete command that takes a name: that command with each
/// name); after a space, the command with each name that matches what follows.
pub fn complete_line(line: &str, names: &Names) -> Vec<String> {
    let line = line.trim_start_matches(':').trim_start();
    match line.split_once(' ') {
        None => {
            let cmds: Vec<String> = commands()
                .map(|(c, _)| c.to_string())
                .filter(|c| c.starts_with(line))
                .collect();
            let exact = by_command(line).filter(|_| cmds.len() <= 1);
            match exact.map(arg_of) {
                Some(arg) if !names.of(arg).is_empty() => names
                    .of(arg)
                    .iter()
                    .map(|n| format!("{line} {n}"))
                    .collect(),
                _ => cmds,
            }
        }
        Some((cmd, rest)) => {
            let Some(arg) = by_command(cmd).map(arg_of) else {
                return vec![];
            };
            ranked(rest.trim(), names.of(arg))
                .into_iter()
                .map(|n| format!("{cmd} {n}"))
                .collect()
        }
    }
}

/// The hint beside the command line: what Tab would offer (the command names, or the names
/// its argument takes, at most a dozen), or that no command starts so.
pub fn hint(line: &str, names: &Names) -> String {
    let line = line.trim_start_matches(':').trim_start();
    let word = line.split(' ').next().unwrap_or("");
    let matches = complete_line(line, names);
    if matches.is_empty() {
        let known = by_command(word).is_some() || commands().any(|(c, _)| c.starts_with(word));
        return if known {
            String::new()
        } else {
            "(no such command)".into()
        };
    }
    let shown: Vec<&str> = matches
        .iter()
        .take(12)
        .map(|m| m.split_once(' ').map_or(m.as_str(), |(_, n)| n))
        .collect();
    let more = matches.len().saturating_sub(shown.len());
    let mut s = shown.join(" ");
    if more > 0 {
        s.push_str(&format!(" … (+{more})"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        Names {
            clusters: ["terran", "zerg", "protoss", "xelnaga"]
                .map(String::from)
                .to_vec(),
            hosts: ["10.10.0.11", "10.10.0.12", "10.20.0.1"]
                .map(String::from)
                .to_vec(),
            proxies: vec!["px-main".into()],
            tasks: ["13089003", "13089002"].map(String::from).to_vec(),
        }
    }

    #[test]
    fn commands_then_names_complete() {
        let n = names();
        assert_eq!(complete_line("upg", &n), vec!["upgrade"]);
        // A complete command that takes a name: the names.
        assert_eq!(
            complete_line("upgrade", &n),
            vec![
                "upgrade terran",
                "upgrade zerg",
                "upgrade protoss",
                "upgrade xelnaga"
            ]
        );
        assert_eq!(complete_line("upgrade z", &n), vec!["upgrade zerg"]);
        assert_eq!(complete_line(":upgrade Z", &n), vec!["upgrade zerg"]);
        assert_eq!(
            complete_line("host 10.10", &n),
            vec!["host 10.10.0.11", "host 10.10.0.12"]
        );
        assert_eq!(
            complete_line("task 1308", &n),
            vec!["task 13089003", "task 13089002"]
        );
        assert_eq!(complete_line("cluster ss", &n), vec!["cluster protoss"]);
        // Commands without an argument complete to nothing after a space.
        assert!(complete_line("refresh x", &n).is_empty());
        assert!(complete_line("frob x", &n).is_empty());
        // "pro" is a prefix of several commands: they are offered, not names.
        assert!(complete_line("pro", &n).len() > 1);
    }

    #[test]
    fn unknown_names_say_what_exists() {
        let n = names();
        assert_eq!(
            unknown(Arg::Cluster, "zergx", &n.clusters),
            "no cluster 'zergx'; clusters: zerg, terran, protoss, xelnaga"
        );
        let many: Vec<String> = (0..20).map(|i| format!("c{i:02}")).collect();
        let m = unknown(Arg::Cluster, "c1", &many);
        assert!(m.starts_with("no cluster 'c1'; clusters: c10, c11,"), "{m}");
        assert!(m.ends_with(", … (12 more)"), "{m}");
        assert_eq!(
            unknown(Arg::Host, "1.2.3.4", &[]),
            "no host '1.2.3.4': none are known"
        );
        assert_eq!(find("ZERG", &n.clusters).map(String::as_str), Some("zerg"));
        assert_eq!(find("zer", &n.clusters), None);
    }
}

/// Commands run in the app: the argument picks the target whatever is selected elsewhere,
/// unknown names are refused with what exists, Tab / Up / Down edit the line, and Esc comes
/// back from a jump.
#[cfg(test)]
mod app_tests {
    use crate::app::actions::Keymap;
    use crate::app::state::{App, DetailTarget, Mode, Settings, View};
    use crate::app::wizard::WizardKind;
    use crate::config::Theme;
    use crate::model::inventory::{Cluster, Host, TaskSummary};
    use crate::model::jobs::ViewJob;
    use crate::model::pane::PaneKind;
    use crate::model::view::ViewData;
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    use obtui_task::TaskState;
    use std::time::{Duration, Instant};

    fn app() -> App {
        let settings = Settings {
            profile: "p".into(),
            url: "http://10.9.9.9:8080".into(),
            user: "admin".into(),
            read_only: false,
            production: false,
            refresh: Duration::from_secs(5),
            demo: false,
            ascii: false,
            insecure: false,
        };
        let mut app = App::new(settings, Theme::builtin_default(), Keymap::defaults());
        let clusters = [(1, "terran"), (2, "zerg"), (3, "protoss")]
            .map(|(id, name)| Cluster {
                id,
                name: name.into(),
                ..Cluster::default()
            })
            .to_vec();
        app.on_view(
            ViewJob::Pane(PaneKind::Clusters),
            Ok(ViewData::Clusters {
                clusters,
                running: Ok(vec![]),
            }),
            Instant::now(),
            0,
        );
        app
    }

    fn load_tasks(app: &mut App) {
        let task = |id: i64, cluster: &str| TaskSummary {
            id,
            name: "Upgrade cluster".into(),
            status: TaskState::Failed,
            cluster_id: None,
            cluster_name: Some(cluster.into()),
            creator: None,
            start_time: None,
            started: None,
            finished: None,
            subtasks: vec![],
        };
        app.on_view(
            ViewJob::Pane(PaneKind::Tasks),
            Ok(ViewData::Tasks(vec![
                task(13089003, "zerg"),
                task(13089002, "terran"),
            ])),
            Instant::now(),
            0,
        );
    }

    fn key(app: &mut App, c: KeyCode) {
        app.on_event(Event::Key(KeyEvent::new(c, KeyModifiers::NONE)));
    }

    fn typ(app: &mut App, s: &str) {
        for c in s.chars() {
            key(app, KeyCode::Char(c));
        }
    }

    fn command(app: &mut App, line: &str) {
        key(app, KeyCode::Char(':'));
        typ(app, line);
        key(app, KeyCode::Enter);
    }

    fn last_flash(app: &App) -> String {
        app.notify
            .flashes
            .back()
            .map(|f| f.text.clone())
            .unwrap_or_default()
    }

    fn typed(app: &App) -> String {
        match &app.mode {
            Mode::Command(c) => c.input.value().to_string(),
            other => panic!("not in command mode: {other:?}"),
        }
    }

    #[test]
    fn upgrade_opens_on_the_named_cluster_not_the_selected_one() {
        let mut a = app();
        // terran is selected in the clusters pane; the user is on the Tasks pane.
        assert_eq!(
            a.pane(PaneKind::Clusters)
                .table
                .selected_row()
                .map(|r| r.id.clone()),
            Some("1".into())
        );
        key(&mut a, KeyCode::Char('4'));
        command(&mut a, "upgrade zerg");
        let w = a.wizard.as_ref().expect("the upgrade wizard opens");
        assert_eq!(w.kind, WizardKind::UpgradeCluster);
        assert_eq!(w.ctx.cluster, Some((2, "zerg".to_string())));
        assert!(
            w.title()
                .starts_with("Upgrade cluster zerg · OCP at 10.9.9.9:8080"),
            "{}",
            w.title()
        );
        // Closing it comes back to the Tasks pane.
        assert_eq!(a.view(), &View::Wizard);
        a.breadcrumbs()
            .last()
            .unwrap()
            .contains("zerg")
            .then_some(())
            .expect("crumb");
    }

    #[test]
    fn an_unknown_or_missing_name_is_refused_with_what_exists() {
        let mut a = app();
        key(&mut a, KeyCode::Char('4'));
        command(&mut a, "upgrade zergx");
        assert!(a.wizard.is_none());
        assert_eq!(
            last_flash(&a),
            "no cluster 'zergx'; clusters: zerg, terran, protoss"
        );
        // Without a name, away from the clusters pane, it does not guess.
        command(&mut a, "upgrade");
        assert!(a.wizard.is_none());
        assert!(
            last_flash(&a).contains(":upgrade NAME (terran, zerg, protoss)"),
            "{}",
            last_flash(&a)
        );
        command(&mut a, "cluster nope");
        assert_eq!(a.view(), &View::Pane(PaneKind::Tasks));
        assert!(last_flash(&a).starts_with("no cluster 'nope'"));
        command(&mut a, "takeover now");
        assert!(a.wizard.is_none());
        assert_eq!(last_flash(&a), ":takeover takes no argument");
        command(&mut a, "scale-out zergx");
        assert!(
            last_flash(&a).contains("no cluster 'zergx'") || last_flash(&a).contains("obshell")
        );
    }

    #[test]
    fn takeover_and_case_insensitive_names() {
        let mut a = app();
        key(&mut a, KeyCode::Char('4'));
        command(&mut a, "takeover");
        assert_eq!(
            a.wizard.as_ref().map(|w| w.kind),
            Some(WizardKind::TakeoverCluster)
        );
        key(&mut a, KeyCode::Esc);
        assert_eq!(a.view(), &View::Pane(PaneKind::Tasks));
        command(&mut a, "upgrade ZERG");
        assert_eq!(
            a.wizard.as_ref().and_then(|w| w.ctx.cluster.clone()),
            Some((2, "zerg".to_string()))
        );
    }

    #[test]
    fn task_opens_its_dag_and_esc_comes_back() {
        let mut a = app();
        load_tasks(&mut a);
        key(&mut a, KeyCode::Char('4'));
        command(&mut a, "task 13089002");
        assert_eq!(a.view(), &View::Dag("13089002".into()));
        assert_eq!(a.dag.as_ref().map(|d| d.task_id.as_str()), Some("13089002"));
        assert_eq!(a.breadcrumbs(), vec!["Tasks", "task 13089002"]);
        // A jump from the DAG to a cluster, and Esc back to the same DAG, then to the Tasks.
        command(&mut a, "cluster zerg");
        assert_eq!(a.view(), &View::Detail(DetailTarget::Cluster(2)));
        assert_eq!(
            a.pane(PaneKind::Clusters)
                .table
                .selected_row()
                .map(|r| r.id.clone()),
            Some("2".into())
        );
        key(&mut a, KeyCode::Esc);
        assert_eq!(a.view(), &View::Dag("13089002".into()));
        assert_eq!(a.dag.as_ref().map(|d| d.task_id.as_str()), Some("13089002"));
        key(&mut a, KeyCode::Esc);
        assert_eq!(a.view(), &View::Pane(PaneKind::Tasks));
        // An id the list does not hold (it holds them all) is refused with the newest.
        command(&mut a, "task 42424242");
        assert_eq!(a.view(), &View::Pane(PaneKind::Tasks));
        assert_eq!(
            last_flash(&a),
            "no task '42424242'; tasks: 13089003, 13089002"
        );
        command(&mut a, "task abc");
        assert!(last_flash(&a).starts_with("no task 'abc'"));
        command(&mut a, "task");
        assert!(
            last_flash(&a).contains("usage: :task ID"),
            "{}",
            last_flash(&a)
        );
    }

    #[test]
    fn tasks_takes_its_filter() {
        let mut a = app();
        load_tasks(&mut a);
        command(&mut a, "tasks zerg");
        assert_eq!(a.view(), &View::Pane(PaneKind::Tasks));
        let t = &a.pane(PaneKind::Tasks).table;
        assert_eq!(t.filter, "zerg");
        assert_eq!(t.view.len(), 1);
        // Esc returns to the clusters pane the jump started from.
        key(&mut a, KeyCode::Esc);
        assert_eq!(a.view(), &View::Pane(PaneKind::Clusters));
    }

    #[test]
    fn host_waits_for_the_host_list_then_opens_it() {
        let mut a = app();
        command(&mut a, "host 10.0.0.12");
        // The hosts were never loaded: their pane loads, and the command runs then.
        assert_eq!(a.view(), &View::Pane(PaneKind::Hosts));
        assert!(a.run_pending().is_empty());
        let hosts = [(11, "10.0.0.11"), (12, "10.0.0.12")]
            .map(|(id, ip)| Host {
                id,
                ip: Some(ip.into()),
                ..Host::default()
            })
            .to_vec();
        a.on_view(
            ViewJob::Pane(PaneKind::Hosts),
            Ok(ViewData::Hosts(hosts)),
            Instant::now(),
            0,
        );
        a.run_pending();
        assert_eq!(a.view(), &View::Detail(DetailTarget::Host(12)));
        key(&mut a, KeyCode::Esc);
        assert_eq!(a.view(), &View::Pane(PaneKind::Hosts));
        key(&mut a, KeyCode::Esc);
        assert_eq!(a.view(), &View::Pane(PaneKind::Clusters));
        command(&mut a, "host 10.0.0.99");
        assert_eq!(
            last_flash(&a),
            "no host '10.0.0.99'; hosts: 10.0.0.11, 10.0.0.12"
        );
    }

    #[test]
    fn tab_completes_names_and_cycles_both_ways() {
        let mut a = app();
        key(&mut a, KeyCode::Char(':'));
        typ(&mut a, "upg");
        key(&mut a, KeyCode::Tab);
        assert_eq!(typed(&a), "upgrade");
        typ(&mut a, " ");
        key(&mut a, KeyCode::Tab);
        assert_eq!(typed(&a), "upgrade terran");
        key(&mut a, KeyCode::Tab);
        assert_eq!(typed(&a), "upgrade zerg");
        key(&mut a, KeyCode::Tab);
        assert_eq!(typed(&a), "upgrade protoss");
        key(&mut a, KeyCode::Tab);
        assert_eq!(typed(&a), "upgrade terran");
        key(&mut a, KeyCode::BackTab);
        assert_eq!(typed(&a), "upgrade protoss");
        // Typing starts a new run from what is typed.
        for _ in 0.."protoss".len() {
            key(&mut a, KeyCode::Backspace);
        }
        typ(&mut a, "z");
        assert_eq!(typed(&a), "upgrade z");
        key(&mut a, KeyCode::Tab);
        assert_eq!(typed(&a), "upgrade zerg");
        // Several commands share a prefix: repeated Tab walks them.
        key(&mut a, KeyCode::Esc);
        key(&mut a, KeyCode::Char(':'));
        typ(&mut a, "pro");
        key(&mut a, KeyCode::Tab);
        let first = typed(&a);
        key(&mut a, KeyCode::Tab);
        let second = typed(&a);
        assert_ne!(first, second, "repeated Tab moves to the next match");
        assert!(first.starts_with("pro") && second.starts_with("pro"));
    }

    #[test]
    fn up_and_down_walk_this_sessions_commands() {
        let mut a = app();
        load_tasks(&mut a);
        command(&mut a, "tasks zerg");
        command(&mut a, "cluster terran");
        key(&mut a, KeyCode::Char(':'));
        typ(&mut a, "hos");
        key(&mut a, KeyCode::Up);
        assert_eq!(typed(&a), "cluster terran");
        key(&mut a, KeyCode::Up);
        assert_eq!(typed(&a), "tasks zerg");
        key(&mut a, KeyCode::Up);
        assert_eq!(typed(&a), "tasks zerg");
        key(&mut a, KeyCode::Down);
        assert_eq!(typed(&a), "cluster terran");
        key(&mut a, KeyCode::Down);
        assert_eq!(typed(&a), "hos", "back to what was being typed");
        assert_eq!(a.command_history, vec!["tasks zerg", "cluster terran"]);
    }
}
