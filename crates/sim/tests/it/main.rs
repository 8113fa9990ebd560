//! obtui-sim's integration tests, one binary: the simulator's OCP and obshell APIs through
//! obtui-api's clients and raw HTTP, malformed requests, and the agent topology. Fixtures and
//! corpora are in `tests/` at the workspace root (reached through `CARGO_MANIFEST_DIR/../..`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod aksk_sim;
mod fuzz_sim_requests;
mod obshell_agents;
mod obshell_crypto;
mod obshell_sim;
mod ocp_client_sim;
mod sim_alarms;
mod sim_api;
mod sim_big_task;
mod sim_server;
