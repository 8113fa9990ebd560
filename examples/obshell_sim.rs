//! Serve the obshell simulator alone, for SDK conformance checks (scripts/sdk_check.py).
//!
//! cargo run --example obshell_sim -- [--port 2886] [--password aaAA11__] [--speed 20]
//!                                      [--seed 1] [--fail-node "Wait remote start finish"]

use obtui::secret::Secret;
use obtui::sim::obshell::{ObshellSim, DEFAULT_PASSWORD};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut port: u16 = 2886;
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
            "--port" => port = value()?.parse()?,
            "--password" => password = value()?,
            "--speed" => speed = value()?.parse()?,
            "--seed" => seed = value()?.parse()?,
            "--fail-node" => fail.push(value()?),
            "-h" | "--help" => {
                println!("obshell_sim [--port N] [--password P] [--speed X] [--seed N] [--fail-node NAME]...");
                return Ok(());
            }
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    let sim = ObshellSim::new(seed, speed, Secret::new(password));
    for f in &fail {
        sim.fail_node(f);
    }
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("obshell simulator on http://{}", listener.local_addr()?);
    axum::serve(listener, sim.router()).await?;
    Ok(())
}
