//! Which network drivers does this Docker Engine have? Asked of a real
//! Engine, through its API.
//!
//! Equivalent to (lab step 5):
//!
//! ```text
//! docker info                  # the line `Network:` under `Plugins:`
//! docker network ls            # the three networks every Engine starts with
//! ```
//!
//! Run it: `sudo -E cargo run --example docker_drivers` (needs a running
//! Docker Engine; see the README).

use std::process::ExitCode;

use netlab::Result;
use netlab_docker::{self as docker, Engine};

fn main() -> ExitCode {
    docker::run(drivers)
}

async fn drivers(engine: &Engine) -> Result<()> {
    // ANCHOR: info
    // GET /info: the same request `docker info` sends. Drivers are code in
    // dockerd (or plugins); a network is made *with* one.
    engine.say("the network drivers this Engine has");
    let drivers = engine.show_network_drivers().await?;
    engine.claim(
        "the Engine has six network drivers: bridge host ipvlan macvlan null overlay",
        drivers.join(" ") == "bridge host ipvlan macvlan null overlay",
    )?;
    // ANCHOR_END: info

    // ANCHOR: networks
    // GET /networks: one network per built-in driver that needs no setup.
    engine.say("the networks every Engine starts with, one per driver");
    engine.show_networks(&["bridge", "host", "none"]).await?;
    engine.claim_default_networks().await?;
    // ANCHOR_END: networks
    Ok(())
}
