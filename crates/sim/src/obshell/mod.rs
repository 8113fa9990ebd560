//! Simulator of obshell agents' HTTP API (`/api/v1`).
//!
//! One shared world: an initialised three-zone cluster whose agents are 10.186.1.1-3:2886
//! (10.186.1.1 holds the root service and answers [`ObshellSim::router`], which the OCP
//! simulator mounts beside its own routes), plus SINGLE agents that are not in the cluster yet
//! and can be scaled out into it. [`start_agents`] serves every agent on its own loopback port.
//!
//! Identities follow obshell and its docs: every agent of an initialised cluster reports
//! `CLUSTER AGENT` (`MASTER` / `FOLLOWER` are the identities of agents joined to a cluster
//! that is not initialised yet, which this world never is); an agent being scaled out reports
//! `SCALING OUT`; one outside the cluster reports `SINGLE`. A scale-out names its target by
//! `agentInfo{ip, port}`: a SINGLE agent's identity is its own loopback address (what its
//! `/api/v1/info` says), so `127.0.0.1:2889` scales out the agent on that port. Other
//! addresses on `10.186.1.0/24` and loopback answer as further SINGLE hosts
//! (`routes::SIMULATED_SUBNET`); any other address is unreachable, and a scale-out to it is
//! refused as obshell does.
//!
//! Security, as obshell does it: the hybrid-encryption header is decrypted on every route
//! (each agent has its own RSA key), bodies are AES-decrypted, and the auth routes check the
//! URI, the expiry, then the password (compared in constant time, see [`credentials_eq`]), in
//! `secure/auth.go`'s order. Like obshell, no record of used headers is kept: a header is good
//! until it expires. SINGLE agents accept any password, as an obshell SINGLE agent without an
//! agent password does.
//!
//! DAGs ("Cluster scale out", 9 stages, 11 for a new zone) advance with the clock, scaled by
//! `speed`, with the DAG operators and their rules; `fail_node` makes the next scale-outs fail
//! once at a node. Fault injection per agent port: see [`faults`].
//!
//! The RSA keys are 1024 bits, like obshell's own (`KEY_SIZE = 1024`), generated from the
//! seed: simulator keys, not secrets.

pub mod agents;
mod auth;
pub mod cluster;
pub mod consts;
pub mod crypto;
pub mod dag;
pub mod faults;
mod routes;
mod serve;
mod this_agent;
pub mod wire;
pub mod world;

pub use serve::{start_agents, start_agents_with, AgentEndpoint, ObshellAgents};
pub use world::State;

use axum::Router;
use rand::rngs::StdRng;
use rand::SeedableRng;
use rsa::RsaPrivateKey;
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use crate::clock::Clock;
use agents::SingleAgent;
use cluster::Cluster;
use dag::Ids;
use obtui_api::obshell::models::AgentAddr;
use obtui_api::secret::Secret;

/// Password the simulator accepts unless told otherwise.
pub const DEFAULT_PASSWORD: &str = "aaAA11__";

/// The simulated world of agents. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct ObshellSim {
    inner: Arc<Inner>,
}

/// An agent's private key and its public half as `/api/v1/secret` serves it (base64 PKCS#1
/// DER). `private` is `None` only if generation failed (see `key_pair`).
pub(crate) struct Keys {
    pub(crate) private: Option<RsaPrivateKey>,
    pub(crate) public_b64: String,
}

type KeyPair = Arc<Keys>;

struct Inner {
    seed: u64,
    /// The agent holding the root service; it never leaves the cluster.
    master: AgentAddr,
    /// The master's key (rotatable, see [`ObshellSim::rotate_key`]).
    key: RwLock<KeyPair>,
    /// Every other agent's key, made on first use.
    agent_keys: Mutex<HashMap<AgentAddr, KeyPair>>,
    /// Each known agent's place in the world, which its key is made from.
    places: Mutex<HashMap<AgentAddr, String>>,
    password: RwLock<Secret>,
    /// The agent password (`None`: none set). While set, `X-OCS-Agent-Header` must carry it
    /// and `/api/v1/info` says `security: true`.
    agent_password: RwLock<Option<Secret>>,
    /// What `/api/v1/info` says in `supportedAuth`. Without `v2`, the agent is an obshell
    /// 4.2.2.0: it reads `X-OCS-Auth` and knows no other header.
    supported_auth: RwLock<Vec<String>>,
    speed: f64,
    /// The world's time: DAG progress and the timestamps the agents write.
    clock: Clock,
    state: Mutex<State>,
}

impl std::fmt::Debug for ObshellSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObshellSim")
            .field("speed", &self.inner.speed)
            .finish_non_exhaustive()
    }
}

fn key_pair(seed: u64) -> KeyPair {
    match crypto::agent_key(seed) {
        Ok(key) => {
            let public_b64 = crypto::public_key_to_b64(&key.to_public_key()).unwrap_or_default();
            Arc::new(Keys {
                private: Some(key),
                public_b64,
            })
        }
        Err(e) => {
            // Only an RNG failure makes generation fail, which a seeded StdRng cannot have;
            // should it happen, this agent answers every encrypted request "decrypt failed".
            tracing::error!("agent key generation failed: {e}");
            Arc::new(Keys {
                private: None,
                public_b64: String::new(),
            })
        }
    }
}

/// The key seed of a non-master agent: derived from the world's seed and the agent's place in
/// it (not its port, so that worlds with the same seed share keys and the key cache).
fn agent_key_seed(seed: u64, place: &str) -> u64 {
    let d = Sha256::digest(format!("{seed}/{place}").as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_le_bytes(b)
}

/// Compare two credentials in constant time: both sides are hashed with SHA-256 first, so the
/// time taken depends neither on where they differ nor on their lengths.
pub fn credentials_eq(expected: &[u8], given: &[u8]) -> bool {
    let a = Sha256::digest(expected);
    let b = Sha256::digest(given);
    let diff = a
        .iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | std::hint::black_box(x ^ y));
    std::hint::black_box(diff) == 0
}

impl ObshellSim {
    /// A world with its own cluster and no SINGLE agents yet ([`start_agents`] adds them).
    /// `speed` divides every node's run time (1.0 ≈ 20 s per scale-out); `password` is the
    /// root@sys password the header must carry.
    pub fn new(seed: u64, speed: f64, password: Secret) -> Self {
        ObshellSim::with_clock(seed, speed, password, Clock::default())
    }

    /// [`ObshellSim::new`] reading time from `clock` (a [`Clock::manual`] lets a test step
    /// DAGs forward deterministically).
    pub fn with_clock(seed: u64, speed: f64, password: Secret, clock: Clock) -> Self {
        let key = key_pair(seed);
        let speed = if speed.is_finite() && speed > 0.0 {
            speed.clamp(1e-3, 1e6)
        } else {
            1.0
        };
        let now = clock.now_ms();
        let pid = 80_000 + (seed % 10_000) as i64;
        let cluster = Cluster::new(now.saturating_sub(3_600_000) * 1_000_000, pid);
        let master = AgentAddr {
            ip: cluster.master().ip.clone(),
            port: cluster.master().port,
        };
        let places = cluster
            .agents
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let addr = AgentAddr {
                    ip: a.ip.clone(),
                    port: a.port,
                };
                (addr, format!("member{i}"))
            })
            .collect();
        let state = State {
            cluster,
            singles: Vec::new(),
            dags: Vec::new(),
            ids: Ids::default(),
            fail_nodes: BTreeSet::new(),
            rng: StdRng::seed_from_u64(seed),
        };
        ObshellSim {
            inner: Arc::new(Inner {
                seed,
                master,
                key: RwLock::new(key),
                agent_keys: Mutex::new(HashMap::new()),
                places: Mutex::new(places),
                password: RwLock::new(password),
                agent_password: RwLock::new(None),
                supported_auth: RwLock::new(vec!["v2".into()]),
                speed,
                clock,
                state: Mutex::new(state),
            }),
        }
    }

    /// The master agent's `/api/v1` routes with state applied, to merge beside the OCP
    /// routes. It has no router-level fallback (so it merges); unknown `/api/v1/*` paths
    /// answer `Common.NotFound`.
    pub fn router(&self) -> Router {
        let master = self.master();
        routes::router(self.clone(), master)
    }

    /// The `/api/v1` routes answering as the agent `agent` (its identity address in the
    /// world: a cluster member such as `10.186.1.2:2886`, or a SINGLE agent added with
    /// [`ObshellSim::add_single`]).
    pub fn agent_router(&self, agent: &AgentAddr) -> Router {
        routes::router(self.clone(), agent.clone())
    }

    /// The master agent's address (`10.186.1.1:2886`).
    pub fn master(&self) -> AgentAddr {
        self.inner.master.clone()
    }

    /// Make the SINGLE agent at `agent` report other versions in its `/info` (obshell's and
    /// the OceanBase it installs), for the scale-out's version checks. False when no SINGLE
    /// agent has that address.
    pub fn set_single_versions(&self, agent: &AgentAddr, version: &str, ob_version: &str) -> bool {
        let mut st = self.lock();
        match st.singles.iter_mut().find(|s| s.addr() == *agent) {
            Some(s) => {
                s.version = version.into();
                s.ob_version = ob_version.into();
                true
            }
            None => false,
        }
    }

    /// Add a SINGLE agent (not in the cluster) with this identity address. Adding one twice,
    /// or one that is a cluster member, does nothing.
    pub fn add_single(&self, agent: &AgentAddr) {
        let mut st = self.lock();
        if st.cluster.agent(&agent.ip, agent.port).is_some()
            || st.singles.iter().any(|s| s.addr() == *agent)
        {
            return;
        }
        let n = st.singles.len() as i64;
        let start_at_ns = self.now_ms().saturating_sub(600_000 - n * 7_000) * 1_000_000;
        let pid = st.cluster.master().pid + 500 + n;
        st.singles.push(SingleAgent {
            ip: agent.ip.clone(),
            port: agent.port,
            pid,
            start_at_ns,
            version: consts::AGENT_VERSION.into(),
            ob_version: consts::OB_VERSION.into(),
        });
        drop(st);
        self.inner
            .places
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(agent.clone(), format!("single{n}"));
    }

    /// The identity of an agent of the world right now (`None` for an unknown address).
    pub fn identity(&self, agent: &AgentAddr) -> Option<obtui_api::obshell::models::AgentIdentity> {
        self.state().view(agent).map(|v| v.identity)
    }

    /// The zone of an agent when it has one (cluster members and agents being scaled out).
    pub fn zone(&self, agent: &AgentAddr) -> Option<String> {
        self.state()
            .view(agent)
            .map(|v| v.zone)
            .filter(|z| !z.is_empty())
    }

    /// Make every scale-out started from now on fail once at the node named `name`
    /// (e.g. "Wait remote start finish"). A RETRY then succeeds.
    pub fn fail_node(&self, name: &str) {
        let name = name.trim();
        if !name.is_empty() {
            self.lock().fail_nodes.insert(name.to_string());
        }
    }

    /// Stop injecting failures.
    pub fn clear_fail_nodes(&self) {
        self.lock().fail_nodes.clear();
    }

    /// The node names that fail once in scale-outs started from now on.
    pub fn fail_nodes(&self) -> Vec<String> {
        self.lock().fail_nodes.iter().cloned().collect()
    }

    /// Change the accepted root@sys password.
    pub fn set_password(&self, password: Secret) {
        *self
            .inner
            .password
            .write()
            .unwrap_or_else(|e| e.into_inner()) = password;
    }

    /// Set (or clear) the agent password. With one set, `X-OCS-Agent-Header` is checked
    /// against it, not against the root@sys password: how a cluster whose OceanBase password
    /// is not yet initialized is reached.
    pub fn set_agent_password(&self, password: Option<Secret>) {
        *self
            .inner
            .agent_password
            .write()
            .unwrap_or_else(|e| e.into_inner()) = password;
    }

    /// Set what `/api/v1/info` lists in `supportedAuth` (`["v2"]` by default). A list without
    /// `v2` makes the agent an old one: `X-OCS-Auth` is the only header it reads.
    pub fn set_supported_auth(&self, versions: Vec<String>) {
        *self
            .inner
            .supported_auth
            .write()
            .unwrap_or_else(|e| e.into_inner()) = versions;
    }

    pub(crate) fn supported_auth(&self) -> Vec<String> {
        self.inner
            .supported_auth
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The agent reads only `X-OCS-Auth` (its `supportedAuth` lacks v2).
    pub(crate) fn legacy_auth(&self) -> bool {
        !self.supported_auth().iter().any(|v| v == "v2")
    }

    pub(crate) fn has_agent_password(&self) -> bool {
        self.inner
            .agent_password
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }

    /// `given` against the agent password; without one set, against the root@sys password
    /// (the simulator's long-standing behaviour).
    pub(crate) fn agent_password_matches(&self, given: &str) -> bool {
        match &*self
            .inner
            .agent_password
            .read()
            .unwrap_or_else(|e| e.into_inner())
        {
            Some(pw) => credentials_eq(pw.expose().as_bytes(), given.as_bytes()),
            None => self.password_matches(given),
        }
    }

    /// Advance every DAG to now (requests do this too; a ticker may call it for liveness).
    pub fn tick(&self) {
        drop(self.state());
    }

    /// The master agent's public key as `/api/v1/secret` serves it.
    pub fn public_key_b64(&self) -> String {
        self.key_pair().public_b64.clone()
    }

    /// An agent's public key as its `/api/v1/secret` serves it.
    pub fn agent_public_key_b64(&self, agent: &AgentAddr) -> String {
        self.agent_key_pair(agent).public_b64.clone()
    }

    /// Switch the master to another key, as an agent restart does: clients holding the old
    /// public key get 401 "decrypt failed" until they fetch `/api/v1/secret` again.
    pub fn rotate_key(&self, seed: u64) {
        let pair = key_pair(seed);
        *self.inner.key.write().unwrap_or_else(|e| e.into_inner()) = pair;
    }

    /// `"ip:port"` of every agent in the simulated cluster.
    pub fn agents(&self) -> Vec<String> {
        self.state()
            .cluster
            .agents
            .iter()
            .map(|a| a.addr())
            .collect()
    }

    /// The world, brought up to now (DAGs advanced, memberships updated). Hold briefly.
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        let mut st = self.lock();
        st.advance(self.now_ms());
        st
    }

    /// The world's clock.
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// Unix milliseconds now, by the world's clock.
    pub fn now_ms(&self) -> i64 {
        self.inner.clock.now_ms()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic in one handler must not take the simulator down.
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn key_pair(&self) -> KeyPair {
        self.inner
            .key
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The key pair of `agent`: the master's, or one made (once) for this agent.
    pub(crate) fn agent_key_pair(&self, agent: &AgentAddr) -> KeyPair {
        if *agent == self.inner.master {
            return self.key_pair();
        }
        if let Some(k) = self
            .inner
            .agent_keys
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(agent)
        {
            return k.clone();
        }
        let place = self
            .inner
            .places
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(agent)
            .cloned()
            .unwrap_or_else(|| agent.to_string());
        let pair = key_pair(agent_key_seed(self.inner.seed, &place));
        self.inner
            .agent_keys
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(agent.clone())
            .or_insert(pair)
            .clone()
    }

    pub(crate) fn speed(&self) -> f64 {
        self.inner.speed
    }

    pub(crate) fn password_matches(&self, given: &str) -> bool {
        let pw = self
            .inner
            .password
            .read()
            .unwrap_or_else(|e| e.into_inner());
        credentials_eq(pw.expose().as_bytes(), given.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_compare_by_value() {
        assert!(credentials_eq(b"aaAA11__", b"aaAA11__"));
        assert!(credentials_eq(b"", b""));
        assert!(!credentials_eq(b"aaAA11__", b"aaAA11_"));
        assert!(!credentials_eq(b"aaAA11__", b"aaAA11_x"));
        assert!(!credentials_eq(b"", b"x"));
    }

    #[test]
    fn agent_key_seeds_differ_per_agent() {
        assert_ne!(agent_key_seed(1, "single0"), agent_key_seed(1, "single1"));
        assert_ne!(agent_key_seed(1, "single0"), agent_key_seed(2, "single0"));
        assert_eq!(agent_key_seed(1, "single0"), agent_key_seed(1, "single0"));
    }
}
