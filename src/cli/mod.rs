//! The command line: `obtui`, `obtui demo`, `obtui sim`, `obtui info`, `obtui watch`, …

pub mod doctor;
pub mod watch;

use crate::config::{profile, ConfigFile, Paths, Theme};
use anyhow::{anyhow, Context, Result};
use clap::{Args, Parser, Subcommand};
use obtui_api::secret::Secret;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

const EXAMPLES: &str = "\
Examples:
  obtui demo                                  try it: an in-process simulator, no set-up
  OBTUI_PASSWORD=… obtui --url http://ocp:8080 --user admin
  obtui --profile prod                        a profile from the config file
  OBTUI_ACCESS_KEY_ID=… OBTUI_ACCESS_KEY_SECRET=… obtui --url http://ocp:8080   AK/SK, no password
  obtui --record DIR --redact --profile prod  record a session (secrets removed) for a bug report
  obtui sim --replay DIR                      serve a recording back
  obtui sim --listen 127.0.0.1:8080           the simulator alone, for scripts and tests
  obtui watch 13089004 && echo done           wait for a task in a script (exit 0 / 1 / 2)
  obtui task show --file task.json            render a saved task as text
  obtui info                                  every path obtui uses
  obtui doctor --profile prod                 check this host, the config and the server";

#[derive(Debug, Parser)]
#[command(name = "obtui", version, about = "A terminal dashboard for OceanBase: OCP and obshell, live task DAGs, guided wizards", after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub cmd: Option<Cmd>,
    #[command(flatten)]
    pub global: GlobalOpts,
}

#[derive(Debug, Args, Clone, Default)]
pub struct GlobalOpts {
    /// OCP base URL, e.g. http://10.0.0.1:8080
    #[arg(long, global = true, value_name = "URL")]
    pub url: Option<String>,
    /// OCP user (the password comes from OBTUI_PASSWORD, password_command, or a prompt; with an
    /// access key, OBTUI_ACCESS_KEY_ID or access_key_id, no password is used)
    #[arg(long, global = true, value_name = "USER")]
    pub user: Option<String>,
    /// Profile from the config file; repeated, the dashboard opens them all at once (the
    /// fleet view)
    #[arg(long, global = true, value_name = "NAME", action = clap::ArgAction::Append)]
    pub profile: Vec<String>,
    /// Open every profile of the config file at once (the fleet view)
    #[arg(long, global = true)]
    pub all_profiles: bool,
    /// Never offer writes (create, upgrade, retry, …)
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Theme: default, light, mono, or a file name in the config's themes directory
    #[arg(long, global = true, value_name = "NAME")]
    pub theme: Option<String>,
    /// Refresh interval in seconds
    #[arg(long, global = true, value_name = "SECS")]
    pub refresh: Option<f64>,
    /// PEM file of a private CA to trust for https
    #[arg(long, global = true, value_name = "PEM")]
    pub cacert: Option<std::path::PathBuf>,
    /// Accept any TLS certificate (dangerous; shown with a red badge)
    #[arg(long, global = true)]
    pub insecure: bool,
    /// ASCII glyphs and borders only (automatic with a non-UTF-8 locale)
    #[arg(long, global = true)]
    pub ascii: bool,
    /// Record every request and answer into DIR as JSON files, secrets removed (for a bug
    /// report; replay with `obtui sim --replay DIR`)
    #[arg(long, global = true, value_name = "DIR")]
    pub record: Option<std::path::PathBuf>,
    /// With --record: replace IP addresses and host names consistently in the recording
    #[arg(long, global = true, requires = "record")]
    pub redact: bool,
    /// More log detail: -v info, -vv debug, -vvv trace (RUST_LOG overrides)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Start the simulator in-process and open the dashboard against it (no set-up)
    Demo {
        #[command(flatten)]
        sim: SimArgs,
        /// Two simulated OCPs and one obshell agent, open at once as three profiles (the fleet
        /// view)
        #[arg(long)]
        fleet: bool,
    },
    /// Run the OCP / obshell simulator alone, for scripts, tests and other clients
    Sim {
        /// Address to listen on
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        #[command(flatten)]
        sim: SimArgs,
        /// Read the simulator's login password from this environment variable
        #[arg(long, value_name = "VAR")]
        password_env: Option<String>,
        /// Also accept requests signed with this OCP AccessKey id (AK/SK, verified as OCP does);
        /// the secret comes from --access-key-secret-env
        #[arg(long, value_name = "AK", requires = "access_key_secret_env")]
        access_key_id: Option<String>,
        /// Read the AccessKey secret (SK) from this environment variable
        #[arg(long, value_name = "VAR", requires = "access_key_id")]
        access_key_secret_env: Option<String>,
        /// Serve a recording made with `obtui --record DIR` instead of the simulated world:
        /// the recorded answer for each method, path and query (the latest for a repeated GET)
        #[arg(long, value_name = "DIR")]
        replay: Option<std::path::PathBuf>,
        /// Also serve obshell agents on their own ports: the cluster agent here, its two other
        /// members and two SINGLE agents (ready to scale out) on the next ports
        #[arg(long, value_name = "ADDR")]
        obshell_listen: Option<SocketAddr>,
    },
    /// Print every path obtui uses and its version
    Info,
    /// Follow tasks without the TUI: one line per status change; exit 0 succeeded, 1 failed, 2 error
    Watch {
        /// Task id; several (an OBProxy take-over's one task per host) are followed together,
        /// each status line starting with its task's id
        #[arg(required = true, num_args = 1..)]
        task_ids: Vec<String>,
        /// One JSON object per event
        #[arg(long)]
        json: bool,
        /// Seconds between polls
        #[arg(long, default_value_t = 2.0)]
        interval: f64,
    },
    /// Tasks as plain text
    Task {
        #[command(subcommand)]
        cmd: TaskCmd,
    },
    /// The config file
    Config {
        #[command(subcommand)]
        cmd: ConfigCmd,
    },
    /// Check this host, the config and the server: a checklist with PASS / WARN / FAIL and a fix
    /// for each; exit 1 when something fails
    Doctor {
        /// One JSON document (checks, summary) instead of the checklist
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff), generated from this command line's definition
    Man,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Validate the config file and print what it resolves to (secrets masked)
    Check,
}

#[derive(Debug, Subcommand)]
pub enum TaskCmd {
    /// Render a task as the list view in plain text (from the server, or a saved JSON file)
    Show {
        /// Task id (fetched from the server; an obshell DAG id with an obshell-only profile)
        task_id: Option<String>,
        /// A saved task: a response envelope or the bare task object, in any documented shape
        #[arg(long, value_name = "TASK.json", conflicts_with = "task_id")]
        file: Option<std::path::PathBuf>,
        /// ASCII glyphs only
        #[arg(long)]
        ascii: bool,
        /// Fit names into N columns (default: the terminal's width; full names when the output
        /// is not a terminal)
        #[arg(long, value_name = "N")]
        width: Option<usize>,
    },
}

#[derive(Debug, Args, Clone)]
pub struct SimArgs {
    /// Inventory seed (same seed, same inventory)
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Inventory size multiplier (1000 gives ~1,000 clusters and ~10,000 hosts)
    #[arg(long, default_value_t = 1)]
    pub scale: u32,
    /// Task speed multiplier (10 runs subtasks ten times faster)
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Make the named subtask fail on its first run (repeatable)
    #[arg(long = "fail-subtask", value_name = "NAME")]
    pub fail_subtasks: Vec<String>,
}

impl SimArgs {
    fn options(
        &self,
        user: Option<String>,
        password: Option<Secret>,
    ) -> Result<obtui_sim::SimOptions> {
        if !(self.speed.is_finite() && self.speed > 0.0 && self.speed <= 10_000.0) {
            return Err(anyhow!(
                "--speed must be a number in (0, 10000], not {}",
                self.speed
            ));
        }
        if self.scale == 0 || self.scale > 10_000 {
            return Err(anyhow!(
                "--scale must be between 1 and 10000, not {}",
                self.scale
            ));
        }
        let mut o = obtui_sim::SimOptions {
            seed: self.seed,
            scale: self.scale,
            speed: self.speed,
            fail_subtasks: self.fail_subtasks.clone(),
            ..Default::default()
        };
        if let Some(u) = user {
            o.user = u;
        }
        if let Some(p) = password {
            o.password = p;
        }
        Ok(o)
    }
}

pub fn main() -> ExitCode {
    // Before any password is read: no core file may hold one.
    if let Err(e) = crate::runtime::harden::no_core_dumps() {
        eprintln!("obtui: warning: cannot switch core dumps off ({e}): a crash may write passwords to a core file");
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            crate::runtime::term::restore();
            let broken_pipe = e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                // The reader went away (`obtui man | head`): end as a Unix tool does.
                let _ =
                    signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGPIPE);
            }
            eprintln!("obtui: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// A plain-text command whose reader went away (`obtui man | head`) ends as a Unix tool does,
/// killed by SIGPIPE without a word, instead of printing a panic: Rust ignores SIGPIPE, so a
/// write to the closed pipe fails and `println!` panics; this hook turns that one panic into
/// the default SIGPIPE action (a write error returned as a `Result` is handled in `main`).
fn end_quietly_on_broken_pipe() {
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.contains("Broken pipe") {
            let _ = signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGPIPE);
        }
        prev(info);
    }));
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    let paths = Paths::from_env();
    if let Some(dir) = &cli.global.record {
        let rec = obtui_api::record::Recorder::create(dir, cli.global.redact)
            .with_context(|| format!("--record {}", dir.display()))?;
        obtui_api::record::install(std::sync::Arc::new(rec));
    }
    let verbosity = cli.global.verbose;
    match &cli.cmd {
        // The TUI owns the terminal: its log goes to the file.
        None | Some(Cmd::Demo { .. }) => {
            if let Some(w) = crate::config::logging::init_file(&paths.log_file, verbosity) {
                eprintln!("obtui: {w}");
            }
        }
        _ => {
            crate::config::logging::init_stderr(verbosity);
            // Plain-text commands behave like Unix tools: `obtui man | head` ends quietly.
            end_quietly_on_broken_pipe();
        }
    }
    match cli.cmd {
        Some(Cmd::Completions { shell }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "obtui", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::Man) => {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd)
                .render(&mut std::io::stdout())
                .context("cannot write the man page")?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::Config {
            cmd: ConfigCmd::Check,
        }) => Ok(config_check(&paths, &cli.global)),
        Some(Cmd::Doctor { json }) => Ok(doctor::run(
            &paths,
            &cli.global,
            &doctor::DoctorOpts { json },
        )),
        Some(Cmd::Info) => {
            print_info(&paths);
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::Sim {
            listen,
            sim,
            password_env,
            access_key_id,
            access_key_secret_env,
            replay,
            obshell_listen,
        }) => {
            if let Some(dir) = replay {
                return runtime()?.block_on(async move {
                    let h = obtui_sim::replay::start(listen, &dir).await?;
                    println!(
                        "obtui replay of {} ({} exchanges) listening on {}",
                        dir.display(),
                        h.exchanges,
                        h.url()
                    );
                    println!(
                        "  connect with: OBTUI_PASSWORD=any obtui --url {} (any credentials)",
                        h.url()
                    );
                    use std::io::Write;
                    let _ = std::io::stdout().flush();
                    wait_for_shutdown_signal().await;
                    h.shutdown().await;
                    Ok(ExitCode::SUCCESS)
                });
            }
            let password = match password_env {
                Some(var) => {
                    Some(Secret::new(std::env::var(&var).map_err(|_| {
                        anyhow!("--password-env {var}: the variable is not set")
                    })?))
                }
                None => None,
            };
            let mut opts = sim.options(cli.global.user.clone(), password)?;
            if let (Some(id), Some(var)) = (access_key_id, access_key_secret_env) {
                let sk = std::env::var(&var).map_err(|_| {
                    anyhow!("--access-key-secret-env {var}: the variable is not set")
                })?;
                if sk.is_empty() || id.trim().is_empty() {
                    return Err(anyhow!("the access key id and secret must not be empty"));
                }
                opts.access_key = Some(obtui_api::ocp::AccessKey::new(id.trim(), Secret::new(sk)));
            }
            let auth_modes = match &opts.access_key {
                Some(k) => format!("HTTP Basic, or AK/SK with access key {}", k.id),
                None => "HTTP Basic".to_string(),
            };
            let user = opts.user.clone();
            let custom_password =
                opts.password.expose() != obtui_sim::SimOptions::default().password.expose();
            runtime()?.block_on(async move {
                let handle = obtui_sim::start(listen, opts).await?;
                // Every port is bound before anything is announced as listening.
                let agents = match obshell_listen {
                    Some(addr) => Some(
                        obtui_sim::obshell::start_agents_with(handle.state.obshell().clone(), addr)
                            .await?,
                    ),
                    None => None,
                };
                println!("obtui simulator listening on {}", handle.url());
                println!("  OCP API:     {}/api/v2  ({auth_modes})", handle.url());
                println!("  obshell API: {}/api/v1", handle.url());
                if custom_password {
                    println!("  login:       {user} / (from --password-env)");
                } else {
                    println!("  login:       {user} / aaAA11__");
                }
                println!(
                    "  faults:      POST {}/sim/faults  (see README)",
                    handle.url()
                );
                for l in agents.iter().flat_map(|a| a.lines()) {
                    println!("{l}");
                }
                use std::io::Write;
                let _ = std::io::stdout().flush();
                wait_for_shutdown_signal().await;
                if let Some(a) = agents {
                    a.shutdown().await;
                }
                handle.shutdown().await;
                Ok::<_, anyhow::Error>(())
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::Demo { sim, fleet }) => {
            if let Some(why) = crate::runtime::term::unusable_terminal() {
                return Err(anyhow!(why));
            }
            let opts = sim.options(None, None)?;
            let rt = runtime()?;
            let result = rt.block_on(async move {
                let handle =
                    obtui_sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), opts.clone()).await?;
                // The demo starts with one active alarm (the header counts it, `:alarms` lists it).
                if let Err(e) = handle.state.demo_alarm() {
                    tracing::warn!("no demo alarm: {e}");
                }
                // obshell agents on their own ports, so the scale-out wizard has SINGLE agents
                // to add; the help overlay lists them.
                // Started in the background: their keys take a moment, the first frame must not wait.
                // The take-over targets (addresses, root@sys passwords) come first.
                let takeover = handle.state.takeover_notes();
                let (notes, notes_rx) = tokio::sync::watch::channel(takeover.clone());
                let agents = {
                    let sim = handle.state.obshell().clone();
                    tokio::spawn(async move {
                        match obtui_sim::obshell::start_agents_with(
                            sim,
                            SocketAddr::from(([127, 0, 0, 1], 0)),
                        )
                        .await
                        {
                            Ok(a) => {
                                notes.send_replace([takeover, a.lines()].concat());
                                Some(a)
                            }
                            Err(e) => {
                                notes.send_replace(
                                    [takeover, vec![format!("obshell agents did not start: {e}")]]
                                        .concat(),
                                );
                                None
                            }
                        }
                    })
                };
                let resolved = profile::Resolved {
                    profile_name: "demo".into(),
                    url: handle.url(),
                    user: opts.user.clone(),
                    read_only: cli.global.read_only,
                    theme: cli.global.theme.clone(),
                    refresh: Duration::from_secs_f64(
                        cli.global.refresh.unwrap_or(2.0).clamp(0.5, 3600.0),
                    ),
                    production: false,
                    password_command: None,
                    plaintext_password: None,
                    ca_cert: None,
                    insecure: false,
                    obshell_url: Some(handle.url()),
                    obshell_password_command: None,
                    obshell_password_kind: Default::default(),
                    // The demo keeps HTTP Basic whatever the environment says.
                    access_key_id: None,
                    access_key_secret_command: None,
                };
                // `--fleet`: a second simulated OCP (the next seed), and the first one's obshell
                // agent as a profile of its own: three profiles at once.
                let mut second = None;
                let (resolved, fleet_members) = if fleet {
                    let mut opts_b = opts.clone();
                    opts_b.seed = opts.seed.wrapping_add(1);
                    let b = obtui_sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), opts_b).await?;
                    let member = |name: &str, url: String, obshell: Option<String>| {
                        crate::runtime::fleet::FleetMember {
                            resolved: profile::Resolved {
                                profile_name: name.into(),
                                url,
                                obshell_url: obshell,
                                ..resolved.clone()
                            },
                            password: opts.password.clone(),
                            obshell_password: None,
                        }
                    };
                    let members = vec![
                        member("ocp-b", b.url(), None),
                        member("obshell", String::new(), Some(handle.url())),
                    ];
                    second = Some(b);
                    let first = profile::Resolved {
                        profile_name: "ocp-a".into(),
                        obshell_url: None,
                        ..resolved
                    };
                    (first, members)
                } else {
                    (resolved, vec![])
                };
                let run = crate::runtime::RunOpts {
                    demo: true,
                    ascii: cli.global.ascii,
                    force_read_only: cli.global.read_only,
                    notes: Some(notes_rx),
                    fleet: fleet_members,
                };
                let r = crate::runtime::run_tui(&paths, resolved, opts.password.clone(), run).await;
                if let Some(b) = second {
                    b.shutdown().await;
                }
                // Still generating keys: no need to wait for agents nobody will use.
                if agents.is_finished() {
                    if let Ok(Some(a)) = agents.await {
                        a.shutdown().await;
                    }
                } else {
                    agents.abort();
                }
                handle.shutdown().await;
                r
            });
            // Key generation still running on a worker cannot be interrupted; do not wait for
            // it on the way out (the terminal is already restored).
            rt.shutdown_timeout(Duration::from_millis(100));
            result
        }
        Some(Cmd::Watch {
            task_ids,
            json,
            interval,
        }) => {
            if !(interval.is_finite() && (0.2..=3600.0).contains(&interval)) {
                return Err(anyhow!("--interval must be between 0.2 and 3600 seconds"));
            }
            let (resolved, password) = match connect(&paths, &cli.global) {
                Ok(x) => x,
                Err(e) => {
                    eprintln!("obtui: {e:#}");
                    return Ok(ExitCode::from(watch::EXIT_ERROR as u8));
                }
            };
            // `connect` has read the config already: it parses.
            let zone = match ConfigFile::load(&paths.config_file)
                .map(|c| c.zone_setting())
                .unwrap_or_default()
            {
                obtui_api::time::ZoneSetting::Local => obtui_api::time::ShownZone::local(),
                // The server's offset is not known before its first answer: UTC, said so.
                _ => obtui_api::time::ShownZone::utc(),
            };
            let code = runtime()?.block_on(async move {
                let client = source_for(&resolved, password)?;
                let opts = watch::WatchOptions {
                    interval: Duration::from_secs_f64(interval),
                    json,
                    zone,
                };
                let mut out = std::io::stdout();
                Ok::<i32, anyhow::Error>(
                    watch::watch_all(&client, &task_ids, &opts, &mut out).await,
                )
            });
            match code {
                Ok(c) => Ok(ExitCode::from(c as u8)),
                Err(e) => {
                    eprintln!("obtui: {e:#}");
                    Ok(ExitCode::from(watch::EXIT_ERROR as u8))
                }
            }
        }
        Some(Cmd::Task {
            cmd:
                TaskCmd::Show {
                    task_id,
                    file,
                    ascii,
                    width,
                },
        }) => {
            let now = crate::app::panes::now_ms();
            let ascii = ascii || !crate::runtime::utf8_locale();
            // Names are cut only to fit a terminal (or the width asked for).
            let width = width.or_else(|| {
                use std::io::IsTerminal;
                std::io::stdout()
                    .is_terminal()
                    .then(|| crossterm::terminal::size().ok().map(|(w, _)| w as usize))
                    .flatten()
            });
            let code = match (file, task_id) {
                (Some(path), _) => {
                    let text = std::fs::read_to_string(&path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    let saved = watch::parse_saved_task(&text)
                        .map_err(|e| anyhow!("{}: {e}", path.display()))?;
                    let g = saved.graph();
                    print!("{}", watch::render_graph(&g, ascii, now, width));
                    let mut out = std::io::stdout();
                    match &saved {
                        watch::SavedTask::Ocp(task) => runtime()?
                            .block_on(watch::failed_subtasks(None, task, &g, false, &mut out)),
                        watch::SavedTask::Obshell(_) => watch::failed_nodes(&g, &mut out),
                    }
                    watch::graph_exit(&g)
                }
                (None, Some(id)) => {
                    let (resolved, password) = connect(&paths, &cli.global)?;
                    runtime()?.block_on(async move {
                        let client = match source_for(&resolved, password)? {
                            watch::Source::Ocp(c) => c,
                            watch::Source::Obshell(o) => {
                                // An agent's DAG by its id, shown as a saved one is.
                                let g = crate::poll::obshell::task_graph(&o, &id)
                                    .await
                                    .map_err(|e| anyhow!("DAG {id}: {e}"))?;
                                print!("{}", watch::render_graph(&g, ascii, now, width));
                                watch::failed_nodes(&g, &mut std::io::stdout());
                                return Ok(watch::graph_exit(&g));
                            }
                        };
                        let id: i64 = id
                            .parse()
                            .map_err(|_| anyhow!("{id:?} is not an OCP task id (a number)"))?;
                        let task = client
                            .get_task(id)
                            .await
                            .map_err(|e| anyhow!("task {id}: {e}"))?;
                        print!("{}", watch::render_task(&task, ascii, now, width));
                        let g = obtui_task::TaskGraph::from(&task);
                        let mut out = std::io::stdout();
                        watch::failed_subtasks(Some(&client), &task, &g, false, &mut out).await;
                        Ok::<i32, anyhow::Error>(watch::show_exit(&task))
                    })?
                }
                (None, None) => return Err(anyhow!("give a task id or --file TASK.json")),
            };
            Ok(ExitCode::from(code as u8))
        }
        None => {
            if let Some(why) = crate::runtime::term::unusable_terminal() {
                return Err(anyhow!(why));
            }
            let (resolved, password, fleet) =
                if cli.global.profile.len() > 1 || cli.global.all_profiles {
                    connect_fleet(&paths, &cli.global)?
                } else {
                    let (r, p) = connect(&paths, &cli.global)?;
                    (r, p, vec![])
                };
            let opts = crate::runtime::RunOpts {
                demo: false,
                ascii: cli.global.ascii,
                force_read_only: cli.global.read_only,
                notes: None,
                fleet,
            };
            let rt = runtime()?;
            let r = rt.block_on(crate::runtime::run_tui(&paths, resolved, password, opts));
            // The terminal is restored; leave without waiting on background work.
            rt.shutdown_timeout(Duration::from_millis(100));
            r
        }
    }
}

impl GlobalOpts {
    /// The profile named first (`--profile`), if any.
    pub fn first_profile(&self) -> Option<&str> {
        self.profile.first().map(String::as_str)
    }
}

/// The fleet view's profiles (`--profile a --profile b`, `--all-profiles`): each resolved with
/// the command line's flags, each password from its own sources (a prompt names its server).
fn connect_fleet(
    paths: &Paths,
    g: &GlobalOpts,
) -> Result<(
    profile::Resolved,
    Secret,
    Vec<crate::runtime::fleet::FleetMember>,
)> {
    let cfg = ConfigFile::load(&paths.config_file).map_err(|e| anyhow!(e))?;
    let warning =
        profile::check_plaintext_passwords(&paths.config_file, &cfg).map_err(|e| anyhow!(e))?;
    let mut names: Vec<String> = if g.all_profiles {
        cfg.profiles.keys().cloned().collect()
    } else {
        Vec::new()
    };
    for n in &g.profile {
        if !names.contains(n) {
            names.push(n.clone());
        }
    }
    if names.is_empty() {
        return Err(anyhow!("--all-profiles: the config file has no profiles"));
    }
    let mut members = Vec::new();
    for n in names {
        let (name, prof) = cfg.select(Some(&n)).map_err(|e| anyhow!(e))?;
        let resolved = profile::Resolver::new(name)
            .profile(&prof)
            .flags(flags(g))
            .resolve()?;
        if let Some(w) = warning
            .as_ref()
            .filter(|_| resolved.plaintext_password.is_some())
        {
            eprintln!("obtui: warning: profile {n}: {w}");
        }
        let password = if profile::access_key_id(&resolved).is_some() {
            Secret::default()
        } else {
            obtain_password(&resolved)?
        };
        let obshell_password = profile::obshell_password(&resolved).map_err(|e| anyhow!(e))?;
        members.push(crate::runtime::fleet::FleetMember {
            resolved,
            password,
            obshell_password,
        });
    }
    let first = members.remove(0);
    Ok((first.resolved, first.password, members))
}

/// The command line's layer over the config file's profile.
fn flags(g: &GlobalOpts) -> profile::Flags {
    profile::Flags {
        url: g.url.clone(),
        user: g.user.clone(),
        read_only: g.read_only,
        theme: g.theme.clone(),
        refresh: g.refresh,
        ca_cert: g.cacert.clone(),
        insecure: g.insecure,
    }
}

/// Resolve the profile and flags, and get the password (for subcommands that talk to OCP).
fn connect(paths: &Paths, g: &GlobalOpts) -> Result<(profile::Resolved, Secret)> {
    let cfg = ConfigFile::load(&paths.config_file).map_err(|e| anyhow!(e))?;
    // A readable file with a plaintext password is refused whichever profile is used; the
    // warning is only for a session that uses the plaintext password.
    let warning =
        profile::check_plaintext_passwords(&paths.config_file, &cfg).map_err(|e| anyhow!(e))?;
    let (name, prof) = cfg.select(g.first_profile()).map_err(|e| anyhow!(e))?;
    let resolved = profile::Resolver::new(name)
        .profile(&prof)
        .flags(flags(g))
        .resolve()?;
    if let Some(w) = warning.filter(|_| resolved.plaintext_password.is_some()) {
        eprintln!("obtui: warning: {w}");
    }
    // With an access key every request is signed: no password is asked for.
    let password = if profile::access_key_id(&resolved).is_some() {
        Secret::default()
    } else if resolved.url.is_empty() {
        // An obshell agent alone: its own password first (`OBTUI_OBSHELL_PASSWORD`,
        // `obshell_password_command`), else the profile's password or a prompt.
        match profile::obshell_password(&resolved).map_err(|e| anyhow!(e))? {
            Some(p) => p,
            None => obtain_password(&resolved)?,
        }
    } else {
        obtain_password(&resolved)?
    };
    Ok((resolved, password))
}

/// Where `watch` and `task show` read tasks: OCP, or the obshell agent of a profile that has
/// only `obshell_url` (its DAGs, by their ids).
fn source_for(r: &profile::Resolved, password: Secret) -> Result<watch::Source> {
    match &r.obshell_url {
        Some(agent) if r.url.is_empty() => {
            let pw = profile::obshell_password(r)
                .map_err(|e| anyhow!(e))?
                .unwrap_or(password);
            let mut cfg = obtui_api::obshell::ObshellConfig::new(agent.clone(), pw);
            cfg.password_kind = r.obshell_password_kind;
            obtui_api::obshell::ObshellClient::new(cfg)
                .map(watch::Source::Obshell)
                .map_err(|e| anyhow!("obshell: {e}"))
        }
        _ => client_for(r, password).map(watch::Source::Ocp),
    }
}

fn client_for(r: &profile::Resolved, password: Secret) -> Result<obtui_api::ocp::OcpClient> {
    let mut cfg = obtui_api::ocp::OcpConfig::new(r.url.clone(), r.user.clone(), password);
    cfg.access_key = profile::known_access_key(r)
        .transpose()
        .map_err(|e| anyhow!(e))?;
    cfg.ca_cert = r.ca_cert.clone();
    cfg.insecure = r.insecure;
    obtui_api::ocp::OcpClient::new(cfg).map_err(|e| anyhow!("{e}"))
}

/// The OCP password: `OBTUI_PASSWORD`, else the profile's `password_command`, else the
/// profile's plaintext `password`, else a masked prompt. Never a flag (it would sit in the
/// shell history and in `ps`).
fn obtain_password(r: &profile::Resolved) -> Result<Secret> {
    match profile::known_password(r) {
        Some(p) => p.map_err(|e| anyhow!(e)),
        None => prompt_password(&format!("{}: ", profile::password_prompt(r))),
    }
}

/// Read a password from the terminal, echoing `*`. Esc or Ctrl-C aborts.
pub fn prompt_password(prompt: &str) -> Result<Secret> {
    use crossterm::event::{read, Event, KeyCode, KeyEventKind, KeyModifiers};
    use std::io::Write;
    let mut err = std::io::stderr();
    write!(err, "{prompt}")?;
    err.flush()?;
    crossterm::terminal::enable_raw_mode()
        .context("cannot read a password: no terminal (set OBTUI_PASSWORD or password_command)")?;
    let mut text = zeroize::Zeroizing::new(String::new());
    let result = loop {
        let ev = match read() {
            Ok(ev) => ev,
            Err(e) => break Err(anyhow!("cannot read the password: {e}")),
        };
        let Event::Key(k) = ev else { continue };
        if k.kind == KeyEventKind::Release {
            continue;
        }
        match k.code {
            KeyCode::Enter => break Ok(()),
            KeyCode::Esc => break Err(anyhow!("no password given")),
            KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                break Err(anyhow!("no password given"))
            }
            KeyCode::Backspace if text.pop().is_some() => {
                let _ = write!(err, "\x08 \x08");
            }
            KeyCode::Char(c) => {
                text.push(c);
                let _ = write!(err, "*");
            }
            _ => {}
        }
        let _ = err.flush();
    };
    let _ = crossterm::terminal::disable_raw_mode();
    let _ = writeln!(err);
    result?;
    let buf = Secret::new(std::mem::take(&mut *text));
    if buf.is_empty() {
        return Err(anyhow!("empty password"));
    }
    Ok(buf)
}

/// `obtui config check`: parse, resolve every profile, validate themes and keys. Exit 1 on
/// any error. Secrets are never printed.
fn config_check(paths: &Paths, g: &GlobalOpts) -> ExitCode {
    println!("config file: {}", paths.config_file.display());
    if !paths.config_file.exists() {
        println!("  (not present: obtui runs on flags alone; see README for the format)");
    }
    let cfg = match ConfigFile::load(&paths.config_file) {
        Ok(c) => c,
        Err(e) => {
            println!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let mut ok = true;
    match profile::check_plaintext_passwords(&paths.config_file, &cfg) {
        Ok(Some(w)) => println!("warning: {w}"),
        Ok(None) => {}
        Err(e) => {
            println!("error: {e}");
            ok = false;
        }
    }
    if let Some(d) = &cfg.default_profile {
        if !cfg.profiles.contains_key(d) {
            println!(
                "error: default_profile {} names no profile",
                obtui_api::quote_input(d)
            );
            ok = false;
        }
    }
    for (name, p) in &cfg.profiles {
        let marker = if cfg.default_profile.as_deref() == Some(name.as_str()) {
            " (default)"
        } else {
            ""
        };
        println!("[profiles.{name}]{marker}");
        match profile::Resolver::new(name.clone())
            .profile(p)
            .flags(flags(g))
            .resolve()
        {
            Ok(r) => {
                println!("  url        {}", r.url);
                println!("  user       {}", r.user);
                println!("  auth       {}", profile::auth_description(&r));
                let pw = if profile::access_key_id(&r).is_some() {
                    "not used (requests are signed with the access key)".to_string()
                } else if std::env::var_os("OBTUI_PASSWORD").is_some() {
                    "from OBTUI_PASSWORD".to_string()
                } else if let Some(c) = &r.password_command {
                    format!("from password_command `{c}`")
                } else if r.plaintext_password.is_some() {
                    "plaintext in the file (******)".to_string()
                } else {
                    "asked at start".to_string()
                };
                println!("  password   {pw}");
                println!("  read_only  {}", r.read_only);
                println!("  refresh    {}s", r.refresh.as_secs_f64());
                println!("  production {}", r.production);
                let (t, w) = Theme::select(r.theme.as_deref(), false, &paths.themes_dir);
                println!("  theme      {}", t.name);
                if let Some(w) = w {
                    println!("  warning: {w}");
                }
                if let Some(o) = &p.obshell_url {
                    println!("  obshell    {o}");
                }
            }
            Err(e) => {
                println!("  error: {e}");
                ok = false;
            }
        }
    }
    let (_, warnings) = crate::app::actions::Keymap::with_overrides(&cfg.keys);
    if !cfg.keys.is_empty() {
        println!("[keys] {} rebinding(s)", cfg.keys.len());
    }
    for w in &warnings {
        println!("warning: {w}");
    }
    if ok {
        println!("config OK");
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn print_info(paths: &Paths) {
    println!("obtui {}", env!("CARGO_PKG_VERSION"));
    println!(
        "config file:   {}{}",
        paths.config_file.display(),
        exists(&paths.config_file)
    );
    println!(
        "themes dir:    {}{}",
        paths.themes_dir.display(),
        exists(&paths.themes_dir)
    );
    println!(
        "log file:      {}{}",
        paths.log_file.display(),
        exists(&paths.log_file)
    );
    let audit = crate::audit::AuditLog::from_paths(paths);
    println!(
        "audit log:     {}{}",
        audit.path().display(),
        exists(audit.path())
    );
    println!("state dir:     {}", paths.state_dir.display());
    let names: Vec<&str> = crate::config::theme::BUILTIN
        .iter()
        .map(|(n, _)| *n)
        .collect();
    println!("built-in themes: {}", names.join(", "));
    let (_, warn) = Theme::select(None, false, &paths.themes_dir);
    if let Some(w) = warn {
        println!("warning: {w}");
    }
}

fn exists(p: &std::path::Path) -> &'static str {
    if p.exists() {
        ""
    } else {
        "  (not present)"
    }
}

/// Resolves on SIGINT, SIGTERM or SIGHUP.
pub async fn wait_for_shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).ok();
    let mut hup = signal(SignalKind::hangup()).ok();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = async { match term.as_mut() { Some(s) => { s.recv().await; } None => std::future::pending().await } } => {}
        _ = async { match hup.as_mut() { Some(s) => { s.recv().await; } None => std::future::pending().await } } => {}
    }
}
