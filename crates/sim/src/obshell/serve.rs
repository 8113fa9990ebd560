//! Every agent of the world on its own loopback port.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use obtui_api::secret::Secret;
//! let agents = obtui_sim::obshell::start_agents(
//!     "127.0.0.1:2886".parse()?, 1, 1.0, Secret::new("aaAA11__")).await?;
//! for line in agents.lines() {
//!     println!("{line}"); // obshell 127.0.0.1:2889 SINGLE
//! }
//! agents.shutdown().await;
//! # Ok(()) }
//! ```

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use anyhow::Context as _;
use axum::extract::Request;
use axum::middleware;
use axum::response::Response;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::faults::{self, Control};
use super::wire::{ObErr, ReqCtx};
use super::ObshellSim;
use crate::clock::Clock;
use obtui_api::obshell::models::AgentAddr;
use obtui_api::secret::Secret;

/// SINGLE agents started beside the cluster's three.
pub const SINGLE_AGENTS: usize = 2;

/// One agent's port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentEndpoint {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its identity when it was started (`CLUSTER AGENT` or `SINGLE`).
    pub identity: String,
    /// Its zone when it was started (cluster members only).
    pub zone: Option<String>,
    /// Who it is in the world, as the cluster and its own `/api/v1/info` name it: a member's
    /// address in the cluster (`10.186.1.2:2886`), a SINGLE agent's own loopback address.
    pub agent: AgentAddr,
}

impl AgentEndpoint {
    /// `obshell 127.0.0.1:2889 SINGLE`, or for a member
    /// `obshell 127.0.0.1:2887 CLUSTER AGENT (10.186.1.2:2886 zone2)`.
    pub fn line(&self) -> String {
        let mut s = format!("obshell {} {}", self.addr, self.identity);
        if let Some(z) = &self.zone {
            s.push_str(&format!(" ({} {z})", self.agent));
        }
        s
    }
}

/// The running agents. Dropping it stops them too (without waiting).
pub struct ObshellAgents {
    /// The cluster agent first, then the other members, then the SINGLE agents.
    pub agents: Vec<AgentEndpoint>,
    sim: ObshellSim,
    servers: Vec<(oneshot::Sender<()>, tokio::task::JoinHandle<()>)>,
}

impl std::fmt::Debug for ObshellAgents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObshellAgents")
            .field("agents", &self.agents)
            .finish_non_exhaustive()
    }
}

impl ObshellAgents {
    /// One line per agent, as printed at start (`obshell 127.0.0.1:2889 SINGLE`).
    pub fn lines(&self) -> Vec<String> {
        self.agents.iter().map(AgentEndpoint::line).collect()
    }

    /// The shared world (fail nodes, password, identities).
    pub fn sim(&self) -> &ObshellSim {
        &self.sim
    }

    /// The cluster agent's endpoint (the one bound on `listen`).
    pub fn cluster_agent(&self) -> &AgentEndpoint {
        // start_agents always makes the cluster's agents first.
        &self.agents[0]
    }

    /// The endpoints of the agents started as SINGLE.
    pub fn singles(&self) -> impl Iterator<Item = &AgentEndpoint> {
        self.agents.iter().filter(|a| a.zone.is_none())
    }

    /// Stop serving every agent.
    pub async fn shutdown(mut self) {
        for (tx, task) in std::mem::take(&mut self.servers) {
            let _ = tx.send(());
            // Keep-alive connections could hold graceful shutdown open; bound it.
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(2), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for ObshellAgents {
    fn drop(&mut self) {
        for (tx, task) in std::mem::take(&mut self.servers) {
            let _ = tx.send(());
            task.abort();
        }
    }
}

/// A fresh world (see [`ObshellSim::new`]) with every agent on its own port: the cluster
/// agent on `listen`, the two other members on the next ports, then two SINGLE agents
/// (`127.0.0.1:2886` gives 2886-2888 for the cluster, 2889 and 2890 SINGLE). A port in use
/// is an error naming it. Port 0 gives every agent its own free port instead.
pub async fn start_agents(
    listen: SocketAddr,
    seed: u64,
    speed: f64,
    password: Secret,
) -> anyhow::Result<ObshellAgents> {
    start_agents_with(ObshellSim::new(seed, speed, password), listen).await
}

/// Like [`start_agents`] for an existing world, e.g. the one the OCP simulator mounts at
/// `/api/v1` (`SimState::obshell()`), so that its password and fail list apply here too.
pub async fn start_agents_with(
    sim: ObshellSim,
    listen: SocketAddr,
) -> anyhow::Result<ObshellAgents> {
    let members: Vec<(AgentAddr, String)> = sim
        .state()
        .cluster
        .agents
        .iter()
        .map(|a| {
            (
                AgentAddr {
                    ip: a.ip.clone(),
                    port: a.port,
                },
                a.zone.clone(),
            )
        })
        .collect();
    let count = members.len() + SINGLE_AGENTS;
    let mut listeners = Vec::with_capacity(count);
    for i in 0..count {
        let addr = if listen.port() == 0 {
            listen
        } else {
            let port = u16::try_from(usize::from(listen.port()) + i)
                .ok()
                .with_context(|| {
                    format!("obshell agents need {count} ports from {listen}: past 65535")
                })?;
            SocketAddr::new(listen.ip(), port)
        };
        let l = TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr} for obshell agent {}", i + 1))?;
        listeners.push(l);
    }
    // A SINGLE agent is known by the address a client reaches it at.
    let host = match listen.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let mut agents = Vec::with_capacity(count);
    let mut servers = Vec::with_capacity(count);
    for (i, listener) in listeners.into_iter().enumerate() {
        let addr = listener.local_addr()?;
        let (agent, zone) = match members.get(i) {
            Some((a, z)) => (a.clone(), Some(z.clone())),
            None => {
                let a = AgentAddr {
                    ip: host.to_string(),
                    port: addr.port(),
                };
                sim.add_single(&a);
                (a, None)
            }
        };
        let identity = sim
            .identity(&agent)
            .map(|i| i.as_str().to_string())
            .unwrap_or_else(|| "SINGLE".into());
        let app = agent_app(&sim, &agent);
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(crate::serve::serve(
            listener,
            app,
            crate::serve::Limits::default(),
            rx,
        ));
        servers.push((tx, task));
        agents.push(AgentEndpoint {
            addr,
            identity,
            zone,
            agent,
        });
    }
    // Make the agents' RSA keys now, in parallel and off the async workers, rather than in
    // the first request to each agent.
    let warm: Vec<_> = agents
        .iter()
        .map(|e| {
            let (sim, agent) = (sim.clone(), e.agent.clone());
            tokio::task::spawn_blocking(move || drop(sim.agent_key_pair(&agent)))
        })
        .collect();
    for w in warm {
        w.await.context("making an agent's RSA key")?;
    }
    Ok(ObshellAgents {
        agents,
        sim,
        servers,
    })
}

/// One agent's whole port: its `/api/v1` routes, the `/sim/` controls, obshell's 404 for
/// anything else, all behind this port's faults.
fn agent_app(sim: &ObshellSim, agent: &AgentAddr) -> Router {
    let control = Control::new(sim.clone(), agent.clone());
    sim.agent_router(agent)
        .merge(faults::control_routes(control.clone()))
        .fallback({
            let clock = sim.clock().clone();
            move |req: Request| not_found(clock, req)
        })
        .layer(middleware::from_fn_with_state(control, faults::layer))
}

async fn not_found(clock: Clock, req: Request) -> Response {
    let uri = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    ReqCtx::new(super::wire::random_trace_id(), uri, clock).fail(ObErr::route_not_found())
}
