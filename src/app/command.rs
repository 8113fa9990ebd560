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
    /// Free text: the Tasks or Tenants pane's filter.
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
        Action::PaneTasks | Action::PaneTenants | Action::PaneAlarms | Action::PaneEvents => {
            Arg::Filter
        }
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
            // A whole command (or an alias no command starts with): on to its names.
            let whole = cmds == [line] || cmds.is_empty();
            let exact = by_command(line).filter(|_| whole);
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
        return match by_command(word).map(arg_of) {
            Some(arg) if line.contains(' ') && !names.of(arg).is_empty() => {
                format!("(no {} matches)", arg.noun())
            }
            Some(_) => String::new(),
            None if commands().any(|(c, _)| c.starts_with(word)) => String::new(),
            None => "(no such command)".into(),
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
        // An alias that starts a command completes to the command first.
        assert_eq!(complete_line("ho", &n), vec!["hosts"]);
        assert_eq!(complete_line("px", &n), vec!["px px-main"]);
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
    fn the_hint_shows_what_tab_offers() {
        let n = names();
        assert_eq!(hint("upgrade ", &n), "terran zerg protoss xelnaga");
        assert_eq!(hint("upgrade zx", &n), "(no cluster matches)");
        assert_eq!(hint("frob", &n), "(no such command)");
        assert_eq!(hint("ta", &n), "tasks task takeover");
        assert_eq!(hint("refresh", &n), "refresh");
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
