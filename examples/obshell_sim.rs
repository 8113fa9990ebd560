//! Serve the obshell agents alone (every agent on its own port), for SDK conformance checks
//! (scripts/sdk_check, scripts/sdk_check.py).
//!
//! cargo run --example obshell_sim -- [--listen 127.0.0.1:2886] [--password aaAA11__]
//!                                      [--speed 20] [--seed 1]
//!                                      [--fail-node "Wait remote start finish"]...
//!
//! Prints one line per agent (`obshell 127.0.0.1:2889 SINGLE`), then `ready`, and serves
//! until interrupted. `--listen 127.0.0.1:0` puts every agent on a free port.

// A measurement harness, like a test: a failed set-up may stop it with a message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;

use obtui_api::secret::Secret;
use obtui_sim::obshell::{start_agents, DEFAULT_PASSWORD};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut listen: SocketAddr = "127.0.0.1:2886".parse()?;
    let mut password =
        std::env::var("OBSHELL_SIM_PASSWORD").unwrap_or_else(|_| DEFAULT_PASSWORD.into());
    let mut speed = 1.0f64;
    let mut seed = 1u64;
    let mut fail = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| anyhow::anyhow!("{a} needs a value"))
        };
        match a.as_str() {
            "--listen" => listen = value()?.parse()?,
            "--port" => listen.set_port(value()?.parse()?),
            "--password" => password = value()?,
            "--speed" => speed = value()?.parse()?,
            "--seed" => seed = value()?.parse()?,
            "--fail-node" => fail.push(value()?),
            "-h" | "--help" => {
                println!("obshell_sim [--listen ADDR | --port N] [--password P] [--speed X] [--seed N] [--fail-node NAME]...");
                return Ok(());
            }
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    let agents = start_agents(listen, seed, speed, Secret::new(password)).await?;
    for f in &fail {
        agents.sim().fail_node(f);
    }
    for line in agents.lines() {
        println!("{line}");
    }
    println!("ready");
    tokio::signal::ctrl_c().await?;
    agents.shutdown().await;
    Ok(())
}
