//! The state of one agent's routes: the world and which agent of it answers (a leaf the
//! routes and the auth middleware both use).

use std::sync::Arc;

use obtui_api::obshell::models::{AgentAddr, AgentIdentity};

use super::agents::AgentView;
use super::world::State as World;
use super::ObshellSim;

/// Router state: the world and which agent of it answers.
#[derive(Clone)]
pub struct Agent {
    pub sim: ObshellSim,
    pub me: Arc<AgentAddr>,
}

impl Agent {
    /// This agent as it is now. An address the world does not know answers as a SINGLE agent.
    pub(crate) fn view(&self, st: &World) -> AgentView {
        st.view(&self.me).unwrap_or_else(|| AgentView {
            addr: (*self.me).clone(),
            identity: AgentIdentity::Single,
            zone: String::new(),
            pid: 0,
            start_at_ns: 0,
            sql_port: None,
            version: super::consts::AGENT_VERSION.into(),
            ob_version: super::consts::OB_VERSION.into(),
        })
    }

    /// The world, for a route only cluster members serve (cluster tasks live in OceanBase).
    pub(crate) fn cluster_state(&self) -> Option<std::sync::MutexGuard<'_, World>> {
        let st = self.sim.state();
        self.view(&st).is_cluster_agent().then_some(st)
    }
}
