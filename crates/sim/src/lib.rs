//! An embedded simulator of the OCP REST API v2 (axum on loopback).
//!
//! It keeps a seeded inventory (clusters, zones, servers, tenants, hosts, host types,
//! credentials, OBProxy clusters, packages), runs tasks as DAGs of subtasks that advance over
//! time, supports retry / skip / rollback / cancel, serves subtask logs, and injects faults on
//! request (see [`faults`]). Its JSON follows the public docs' samples, so a real OCP client
//! works against it.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let sim = obtui_sim::start("127.0.0.1:0".parse()?, obtui_sim::SimOptions::default()).await?;
//! println!("OCP simulator at {} (admin / aaAA11__)", sim.url());
//! sim.shutdown().await;
//! # Ok(()) }
//! ```

pub mod aksk;
pub mod alarms;
pub mod clock;
pub mod engine;
pub mod envelope;
pub mod faults;
pub mod inventory;
pub mod obshell;
pub mod ocp_routes;
pub mod ops_routes;
pub mod params;
pub mod proxy_takeover;
pub mod replay;
pub mod serve;
pub mod takeover;
pub mod templates;
pub mod views;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine as _;
use tokio::sync::oneshot;

pub use clock::Clock;
use envelope::{code, Fail};
use inventory::Inventory;
use obtui_api::secret::Secret;

/// How the simulator is built and how fast it runs.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Seed of the inventory PRNG; the same seed gives the same inventory.
    pub seed: u64,
    /// Inventory multiplier: 1000 gives ~1,000 clusters and ~10,000 hosts.
    pub scale: u32,
    /// Subtask durations are divided by this (a create-cluster task takes ~1-2 min at 1.0).
    pub speed: f64,
    /// The HTTP Basic user name accepted.
    pub user: String,
    /// The HTTP Basic password accepted (changeable at run time via `POST /sim/password`).
    pub password: Secret,
    /// Subtask names that fail on their first run (e.g. "Run io calibration").
    pub fail_subtasks: Vec<String>,
    /// Also accept requests signed with this OCP AccessKey (AK/SK), verified as OCP does.
    pub access_key: Option<obtui_api::ocp::AccessKey>,
    /// Where the simulator (OCP tasks and obshell DAGs alike) reads "now": the wall clock by
    /// default; a [`Clock::manual`] lets a test step time with [`SimHandle::advance`].
    pub clock: Clock,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            seed: 1,
            scale: 1,
            speed: 1.0,
            user: "admin".into(),
            password: Secret::new("aaAA11__"),
            fail_subtasks: Vec::new(),
            access_key: None,
            clock: Clock::default(),
        }
    }
}

/// Inventory and tasks, changed together under one lock.
#[derive(Debug)]
pub struct Db {
    pub inv: Inventory,
    pub tasks: engine::Tasks,
    /// Subtask names that fail on their first run.
    pub fail_names: BTreeSet<String>,
    /// Subtask durations are divided by this.
    pub speed: f64,
    /// Alarms raised by failed tasks and by `/sim/faults` (see [`alarms`]).
    pub alarms: alarms::Alarms,
}

/// Shared state of a running simulator. Cheap to clone.
#[derive(Clone)]
pub struct SimState(Arc<Inner>);

pub struct Inner {
    /// The obshell agent simulator served beside the OCP API (`/api/v1`).
    obshell: obshell::ObshellSim,
    user: String,
    password: RwLock<Secret>,
    access_key: Option<obtui_api::ocp::AccessKey>,
    db: Mutex<Db>,
    faults: Mutex<faults::Faults>,
    /// Every write the OCP API accepted (see [`alarms`]).
    audit: Mutex<alarms::AuditLog>,
    rate: Mutex<faults::RateWindow>,
    clock: Clock,
    seed: u64,
    scale: u32,
}

fn relock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not take the whole simulator down with it.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl SimState {
    /// Build the inventory and seed tasks; nothing runs until [`start`] (or [`SimState::tick`]).
    pub fn new(opts: SimOptions) -> SimState {
        // Clamped so that computed end times can never overflow.
        let speed = if opts.speed.is_finite() && opts.speed > 0.0 {
            opts.speed.clamp(MIN_SPEED, MAX_SPEED)
        } else {
            1.0
        };
        let inv = Inventory::generate(opts.seed, opts.scale.max(1));
        let mut db = Db {
            inv,
            tasks: engine::Tasks::default(),
            fail_names: opts
                .fail_subtasks
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            speed,
            alarms: alarms::Alarms::default(),
        };
        engine::seed_tasks(&mut db, opts.clock.now_ms(), opts.scale.max(1));
        let obshell = obshell::ObshellSim::with_clock(
            opts.seed,
            speed,
            opts.password.clone(),
            opts.clock.clone(),
        );
        for name in &db.fail_names {
            obshell.fail_node(name);
        }
        SimState(Arc::new(Inner {
            obshell,
            user: opts.user,
            password: RwLock::new(opts.password),
            access_key: opts.access_key,
            db: Mutex::new(db),
            faults: Mutex::new(faults::Faults::default()),
            audit: Mutex::new(alarms::AuditLog::default()),
            rate: Mutex::new(faults::RateWindow::default()),
            clock: opts.clock,
            seed: opts.seed,
            scale: opts.scale.max(1),
        }))
    }

    /// Lock inventory and tasks. Hold briefly; never across `.await`.
    pub fn db(&self) -> MutexGuard<'_, Db> {
        relock(&self.0.db)
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, faults::Faults> {
        relock(&self.0.faults)
    }

    /// The audit events recorded so far.
    pub fn audit(&self) -> MutexGuard<'_, alarms::AuditLog> {
        relock(&self.0.audit)
    }

    /// The user name the OCP API accepts (the operator of every audit event).
    pub fn user(&self) -> &str {
        &self.0.user
    }

    /// Raise an alarm as `POST /sim/faults {"alarm": …}` does; its JSON.
    pub fn raise_alarm(&self, spec: alarms::AlarmSpec) -> Result<serde_json::Value, String> {
        let now = self.now_ms();
        alarms::apply_spec(&mut self.db(), spec, now).map_err(|e| e.message)
    }

    /// The demo's one active alarm: the first cluster's clog disk is nearly full (Critical).
    pub fn demo_alarm(&self) -> Result<serde_json::Value, String> {
        let Some(name) = self.db().inv.clusters.first().map(|c| c.name.clone()) else {
            return Err("no cluster to raise an alarm on".into());
        };
        self.raise_alarm(alarms::AlarmSpec {
            level: Some(2),
            summary: Some(format!("clog disk usage of cluster {name} is over 85%")),
            description: Some(format!(
                "The clog disk of cluster {name} is 87% full on every server of zone1 (threshold \
                 85%). Free space or add disk before the cluster stops accepting writes."
            )),
            alarm_type: Some("ob_clog_disk_percent_over_threshold".into()),
            cluster: Some(name),
            ..Default::default()
        })
    }

    pub(crate) fn rate(&self) -> MutexGuard<'_, faults::RateWindow> {
        relock(&self.0.rate)
    }

    /// The simulator's clock (shared with its obshell world).
    pub fn clock(&self) -> &Clock {
        &self.0.clock
    }

    /// Unix milliseconds now, by the simulator's clock.
    pub fn now_ms(&self) -> i64 {
        self.0.clock.now_ms()
    }

    /// Step a manual clock forward by `by` and bring every task and DAG up to the new now.
    /// Returns false (and changes nothing) on the wall clock.
    pub fn advance(&self, by: Duration) -> bool {
        let moved = self.0.clock.advance(by);
        if moved {
            self.tick();
        }
        moved
    }

    pub fn seed(&self) -> u64 {
        self.0.seed
    }

    pub fn scale(&self) -> u32 {
        self.0.scale
    }

    /// The obshell agent simulator mounted at `/api/v1`.
    pub fn obshell(&self) -> &obshell::ObshellSim {
        &self.0.obshell
    }

    /// Change the accepted password (simulates a password change mid-session), for the OCP
    /// API and the obshell agent alike.
    pub fn set_password(&self, password: Secret) {
        self.0.obshell.set_password(password.clone());
        *self.0.password.write().unwrap_or_else(|e| e.into_inner()) = password;
    }

    /// Make subtasks (OCP) and DAG nodes (obshell) with this name fail on their first run.
    pub fn add_fail_name(&self, name: &str) {
        let name = name.trim();
        if name.is_empty() {
            return;
        }
        self.0.obshell.fail_node(name);
        self.db().fail_names.insert(name.to_string());
    }

    /// Stop injecting subtask failures.
    pub fn clear_fail_names(&self) {
        self.0.obshell.clear_fail_nodes();
        self.db().fail_names.clear();
    }

    fn credentials_ok(&self, user: &str, password: &str) -> bool {
        let pw = self.0.password.read().unwrap_or_else(|e| e.into_inner());
        // Both compared in constant time, and both always compared.
        let user_ok = obshell::credentials_eq(self.0.user.as_bytes(), user.as_bytes());
        let pw_ok = obshell::credentials_eq(pw.expose().as_bytes(), password.as_bytes());
        user_ok & pw_ok
    }

    /// Where the take-over targets are, one line each, for the demo's help: the unmanaged
    /// clusters with their root@sys passwords, and the unmanaged OBProxies.
    pub fn takeover_notes(&self) -> Vec<String> {
        let db = self.db();
        let mut out = Vec::new();
        for u in &db.inv.unmanaged {
            if takeover::is_managed(&db.inv, u) {
                continue;
            }
            let Some((_, ip)) = u.servers.first() else {
                continue;
            };
            let why = if u.primary_name.is_some() {
                format!(
                    "standby of {}: take it over first",
                    u.primary_name.as_deref().unwrap_or("?")
                )
            } else if !u.stopped.is_empty()
                || inventory::version_cmp(&u.version, takeover::MIN_TAKEOVER_VERSION)
                    == std::cmp::Ordering::Less
            {
                format!("{}: fails the precheck", u.version)
            } else {
                u.version.clone()
            };
            out.push(format!(
                "take over: {ip}:{} root@sys {} proxyro {} (cluster {}, {why})",
                inventory::TAKEOVER_PORT,
                u.root_password,
                u.proxyro_password,
                u.name
            ));
        }
        for p in &db.inv.unmanaged_proxies {
            let password = if p.proxysys_password.is_empty() {
                String::new()
            } else {
                format!(" root@proxysys {}", p.proxysys_password)
            };
            out.push(format!(
                "take over OBProxy: {}:{} OBProxy {} {}{password} ({})",
                p.ip, p.sql_port, p.version, p.work_mode, p.note
            ));
        }
        out
    }

    /// Advance every running task (and obshell DAG) to the current time.
    pub fn tick(&self) {
        let now = self.now_ms();
        {
            let mut db = self.db();
            engine::advance(&mut db, now);
        }
        self.0.obshell.tick();
    }
}

/// A running simulator.
pub struct SimHandle {
    pub addr: SocketAddr,
    pub state: SimState,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    ticker: Option<tokio::task::JoinHandle<()>>,
}

impl SimHandle {
    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The simulator's clock.
    pub fn clock(&self) -> &Clock {
        self.state.clock()
    }

    /// Step a manual clock forward by `by` and bring every task and DAG up to the new now, so
    /// the next request sees the result. Returns false (and changes nothing) on the wall clock.
    pub fn advance(&self, by: Duration) -> bool {
        self.state.advance(by)
    }

    /// Stop serving and stop the task engine.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.ticker.take() {
            t.abort();
        }
        if let Some(s) = self.server.take() {
            // In-flight keep-alive connections could hold graceful shutdown open; bound it.
            let abort = s.abort_handle();
            if tokio::time::timeout(Duration::from_secs(2), s)
                .await
                .is_err()
            {
                abort.abort();
            }
            // Let in-process clients see their pooled connections close before the caller
            // acts, so a request right after shutdown is refused rather than reset.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(t) = self.ticker.take() {
            t.abort();
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Slowest and fastest accepted `speed`.
pub const MIN_SPEED: f64 = 0.001;
pub const MAX_SPEED: f64 = 1_000_000.0;

/// How often the engine advances tasks.
pub const TICK: Duration = Duration::from_millis(200);

/// Bind (port 0 = a free port) and serve on the current tokio runtime in a spawned task.
pub async fn start(listen: SocketAddr, opts: SimOptions) -> anyhow::Result<SimHandle> {
    start_with(listen, opts, serve::Limits::default()).await
}

/// [`start`] with the given request timeouts.
pub async fn start_with(
    listen: SocketAddr,
    opts: SimOptions,
    limits: serve::Limits,
) -> anyhow::Result<SimHandle> {
    use anyhow::Context as _;
    let state = SimState::new(opts);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    let app = router(state.clone());
    let server = tokio::spawn(serve::serve(listener, app, limits, rx));
    let tick_state = state.clone();
    let ticker = tokio::spawn(async move {
        let mut iv = tokio::time::interval(TICK);
        iv.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            iv.tick().await;
            tick_state.tick();
        }
    });
    Ok(SimHandle {
        addr,
        state,
        shutdown: Some(tx),
        server: Some(server),
        ticker: Some(ticker),
    })
}

/// The whole app: OCP API (with auth), the public probes, the obshell agent API
/// (`/api/v1`, its own auth), and `/sim/` controls, under one fault/rate-limit middleware.
pub fn router(state: SimState) -> Router {
    let api = ocp_routes::routes()
        .merge(ops_routes::routes())
        .merge(alarms::routes())
        // Inside authentication: only accepted writes are audited.
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            alarms::audit_layer,
        ))
        .route_layer(middleware::from_fn_with_state(state.clone(), auth));
    let ocp: Router = Router::new()
        .merge(api)
        .merge(ocp_routes::public_routes())
        .merge(faults::control_routes())
        .with_state(state.clone());
    ocp.merge(state.obshell().router())
        .fallback(not_found)
        .method_not_allowed_fallback({
            let state = state.clone();
            move |req: Request| method_not_allowed(state, req)
        })
        .layer(middleware::from_fn_with_state(state, faults::layer))
}

async fn not_found(req: Request) -> Response {
    Fail::not_found(format!(
        "no such API: {} {}",
        req.method(),
        req.uri().path()
    ))
    .into_response()
}

async fn method_not_allowed(state: SimState, req: Request) -> Response {
    // Authentication first, as OCP's security filter runs before routing: a client without
    // credentials learns nothing about which methods a protected path has.
    let path = req.uri().path();
    if path.starts_with("/api/v2/") && path != "/api/v2/time" {
        if let Some(denied) = auth_failure(&state, &req) {
            return denied;
        }
    }
    Fail::new(
        StatusCode::METHOD_NOT_ALLOWED,
        code::ILLEGAL_ARGUMENT,
        format!(
            "method {} not supported on {}",
            req.method(),
            req.uri().path()
        ),
    )
    .into_response()
}

/// HTTP Basic, or an AccessKey signature when one is configured, on every OCP API route (the
/// probes and `/sim/` are mounted outside it).
async fn auth(State(state): State<SimState>, req: Request, next: Next) -> Response {
    if let Some(key) = &state.0.access_key {
        if aksk::is_access_key_request(&req) {
            return match aksk::verify(key, state.now_ms(), req).await {
                Ok(req) => next.run(req).await,
                Err(denied) => denied,
            };
        }
    }
    match auth_failure(&state, &req) {
        None => next.run(req).await,
        Some(denied) => denied,
    }
}

/// The 401 for a request without valid HTTP Basic credentials; `None` when they are good.
fn auth_failure(state: &SimState, req: &Request) -> Option<Response> {
    let header = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let fail = match header {
        None => Some((code::NOT_AUTHENTICATED, "Authentication required")),
        // An AccessKey request is verified (body included) on the routes; here, where no
        // route matched, its key id is enough to learn that the method is not allowed.
        Some(h)
            if state.0.access_key.as_ref().is_some_and(|k| {
                obtui_api::ocp::sign::parse_authorization(h).is_some_and(|(ak, _)| ak == k.id)
            }) =>
        {
            None
        }
        Some(h) => match parse_basic(h) {
            None => Some((code::NOT_AUTHENTICATED, "Malformed Authorization header")),
            Some((u, p)) if state.credentials_ok(&u, p.expose()) => None,
            Some(_) => Some((code::BAD_CREDENTIALS, "Bad credentials")),
        },
    };
    let (c, msg) = fail?;
    let mut resp = Fail::new(StatusCode::UNAUTHORIZED, c, msg).into_response();
    resp.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"OCP\""),
    );
    Some(resp)
}

fn parse_basic(h: &str) -> Option<(String, Secret)> {
    let (scheme, rest) = h.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (u, p) = text.split_once(':')?;
    Some((u.to_string(), Secret::new(p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takeover_notes_name_targets_and_passwords() {
        let st = SimState::new(SimOptions::default());
        let notes = st.takeover_notes();
        assert!(
            notes
                .iter()
                .any(|l| l
                    == "take over: 10.186.0.50:2881 root@sys RootSys_123 proxyro Proxyro_123 (cluster nova, 4.2.2.0)"),
            "{notes:?}"
        );
        assert!(notes
            .iter()
            .any(|l| l.starts_with("take over: 10.186.2.50:2881") && l.contains("fails")));
        let proxies = notes
            .iter()
            .filter(|l| l.starts_with("take over OBProxy: "))
            .count();
        assert_eq!(proxies, st.db().inv.unmanaged_proxies.len());
    }

    fn statuses(st: &SimState) -> Vec<(i64, String, Vec<String>)> {
        st.db()
            .tasks
            .iter()
            .map(|t| {
                let subs = t.subtasks.iter().map(|s| s.status.clone()).collect();
                (t.id, t.status.clone(), subs)
            })
            .collect()
    }

    #[test]
    fn a_manual_clock_moves_tasks_only_when_stepped() {
        let clock = Clock::manual(clock::INVENTORY_BASE_MS + 86_400_000);
        let st = SimState::new(SimOptions {
            clock: clock.clone(),
            ..SimOptions::default()
        });
        let running = |st: &SimState| {
            st.db()
                .tasks
                .iter()
                .filter(|t| t.status == "RUNNING")
                .map(|t| t.id)
                .collect::<Vec<_>>()
        };
        let before = statuses(&st);
        assert!(!running(&st).is_empty(), "the seed has a running task");
        st.tick();
        st.tick();
        assert_eq!(statuses(&st), before, "ticks without a step change nothing");
        assert_eq!(st.now_ms(), clock::INVENTORY_BASE_MS + 86_400_000);

        // A first small step: something moves, not everything.
        assert!(st.advance(Duration::from_secs(5)));
        let after = statuses(&st);
        assert_ne!(after, before);
        assert!(!running(&st).is_empty());

        // An hour later (speed 1) the seeded upgrade has finished.
        assert!(st.advance(Duration::from_secs(3600)));
        assert!(running(&st).is_empty(), "{:?}", statuses(&st));
        assert_eq!(
            st.obshell().now_ms(),
            st.now_ms(),
            "one clock for both APIs"
        );
    }

    #[test]
    fn the_wall_clock_cannot_be_stepped() {
        let st = SimState::new(SimOptions::default());
        assert!(!st.clock().is_manual());
        assert!(!st.advance(Duration::from_secs(60)));
    }

    #[test]
    fn basic_header_parsing() {
        let (u, p) = parse_basic("Basic YWRtaW46YWFBQTExX18=").unwrap();
        assert_eq!(u, "admin");
        assert_eq!(p.expose(), "aaAA11__");
        assert!(parse_basic("Bearer x").is_none());
        assert!(parse_basic("Basic !!!").is_none());
    }
}
