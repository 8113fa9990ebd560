//! Simulator of an obshell agent's HTTP API (`/api/v1`), mounted beside the OCP routes.
//!
//! It answers as the CLUSTER AGENT 10.186.1.1:2886 of a three-zone cluster, verifies the
//! hybrid-encryption header as obshell does (decrypt, uri, password, expiry), decrypts bodies,
//! and runs "Cluster scale out" DAGs that advance with the clock (scaled by `speed`), with the
//! DAG operators and their rules. `fail_node` makes the next scale-outs fail once at a node.
//!
//! The RSA key is 1024 bits, like obshell's own (`KEY_SIZE = 1024`), generated from the seed:
//! a simulator key, not a secret.

mod auth;
pub mod cluster;
pub mod dag;
mod routes;
pub mod wire;

use axum::Router;
use rand::rngs::StdRng;
use rand::SeedableRng;
use rsa::RsaPrivateKey;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::api::obshell::crypto::{self, AGENT_KEY_BITS};
use crate::secret::Secret;
use cluster::Cluster;
use dag::{Dag, Ids};

/// Password the simulator accepts unless told otherwise.
pub const DEFAULT_PASSWORD: &str = "aaAA11__";

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The simulated agent. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct ObshellSim {
    inner: Arc<Inner>,
}

struct Inner {
    /// The private key and its public half as `/api/v1/secret` serves it (base64 PKCS#1 DER).
    key: RwLock<Arc<(RsaPrivateKey, String)>>,
    password: RwLock<Secret>,
    speed: f64,
    state: Mutex<State>,
}

/// Everything that changes, under one lock.
pub struct State {
    pub cluster: Cluster,
    pub dags: Vec<Dag>,
    pub ids: Ids,
    /// Node names that fail once in every scale-out started from now on.
    pub fail_nodes: BTreeSet<String>,
    pub rng: StdRng,
}

impl State {
    /// Bring every DAG up to `now`.
    pub fn advance(&mut self, now: i64) {
        let State {
            cluster, dags, ids, ..
        } = self;
        for d in dags.iter_mut() {
            d.advance(now, ids, cluster);
        }
    }

    pub fn dag(&self, dag_id: i64) -> Option<&Dag> {
        self.dags.iter().find(|d| d.dag_id == dag_id)
    }

    pub fn dag_mut(&mut self, dag_id: i64) -> Option<&mut Dag> {
        self.dags.iter_mut().find(|d| d.dag_id == dag_id)
    }
}

impl std::fmt::Debug for ObshellSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObshellSim")
            .field("speed", &self.inner.speed)
            .finish_non_exhaustive()
    }
}

/// 1024-bit generation is slow in debug builds; each seed's key is made once per process.
fn key_for_seed(seed: u64) -> RsaPrivateKey {
    static KEYS: OnceLock<Mutex<HashMap<u64, RsaPrivateKey>>> = OnceLock::new();
    let keys = KEYS.get_or_init(|| Mutex::new(HashMap::new()));
    let mut g = keys.lock().unwrap_or_else(|e| e.into_inner());
    g.entry(seed)
        .or_insert_with(|| {
            let mut rng = StdRng::seed_from_u64(seed ^ 0x6f62_7368_656c_6c00);
            // Generation with a valid size and exponent only fails on RNG failure, which a
            // seeded StdRng cannot have.
            RsaPrivateKey::new(&mut rng, AGENT_KEY_BITS).expect("RSA key generation")
        })
        .clone()
}

fn key_pair(seed: u64) -> Arc<(RsaPrivateKey, String)> {
    let key = key_for_seed(seed);
    let public_b64 = crypto::public_key_to_b64(&key.to_public_key()).unwrap_or_default();
    Arc::new((key, public_b64))
}

impl ObshellSim {
    /// A simulator with its own cluster. `speed` divides every node's run time (1.0 ≈ 20 s per
    /// scale-out); `password` is the root@sys password the header must carry.
    pub fn new(seed: u64, speed: f64, password: Secret) -> Self {
        let key = key_pair(seed);
        let speed = if speed.is_finite() && speed > 0.0 {
            speed.clamp(1e-3, 1e6)
        } else {
            1.0
        };
        let now = now_ms();
        let pid = 80_000 + (seed % 10_000) as i64;
        let state = State {
            cluster: Cluster::new(now.saturating_sub(3_600_000) * 1_000_000, pid),
            dags: Vec::new(),
            ids: Ids::default(),
            fail_nodes: BTreeSet::new(),
            rng: StdRng::seed_from_u64(seed),
        };
        ObshellSim {
            inner: Arc::new(Inner {
                key: RwLock::new(key),
                password: RwLock::new(password),
                speed,
                state: Mutex::new(state),
            }),
        }
    }

    /// The `/api/v1` routes with state applied, to merge beside the OCP routes. It has no
    /// router-level fallback (so it merges); unknown `/api/v1/*` paths answer `Common.NotFound`.
    pub fn router(&self) -> Router {
        routes::router(self.clone())
    }

    /// Make every scale-out started from now on fail once at the node named `name`
    /// (e.g. "Wait remote start finish"). A RETRY then succeeds.
    pub fn fail_node(&self, name: &str) {
        let name = name.trim();
        if !name.is_empty() {
            self.state().fail_nodes.insert(name.to_string());
        }
    }

    /// Stop injecting failures.
    pub fn clear_fail_nodes(&self) {
        self.state().fail_nodes.clear();
    }

    /// Change the accepted root@sys password.
    pub fn set_password(&self, password: Secret) {
        *self
            .inner
            .password
            .write()
            .unwrap_or_else(|e| e.into_inner()) = password;
    }

    /// Advance every DAG to now (requests do this too; a ticker may call it for liveness).
    pub fn tick(&self) {
        self.state().advance(now_ms());
    }

    /// The agent's public key as `/api/v1/secret` serves it.
    pub fn public_key_b64(&self) -> String {
        self.key_pair().1.clone()
    }

    /// Switch to another key, as an agent restart does: clients holding the old public key
    /// get 401 "decrypt failed" until they fetch `/api/v1/secret` again.
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

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        // A panic in one handler must not take the simulator down.
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn key_pair(&self) -> Arc<(RsaPrivateKey, String)> {
        self.inner
            .key
            .read()
            .unwrap_or_else(|e| e.into_inner())
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
        constant_time_eq(pw.expose().as_bytes(), given.as_bytes())
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
