//! What the benchmarks share: the root check and quiet runtime each one
//! starts with (`runtime.rs`, which drivers_iperf3 includes alone), and
//! the same_bridge chapter's lab, compiled in from its example so that a
//! benchmark builds exactly the lab the chapter shows (its `docker_run`),
//! without the narration.

// Each benchmark uses a part of this module, and warns about the rest.
#![allow(dead_code)]

use netlab::{Lab, Netns, Result};

#[path = "../../../snippets/examples/same_bridge/main.rs"]
pub mod example;
mod runtime;

pub use runtime::root_runtime;

/// The same_bridge chapter's host: docker0 at 172.17.0.1/16, up.
pub async fn docker0(lab: &Lab) -> Result<Netns> {
    let host = lab.host().await?;
    host.add_bridge("docker0").await?;
    host.add_addr("docker0", "172.17.0.1/16").await?;
    host.set_up("docker0").await?;
    Ok(host)
}

/// The same_bridge chapter's lab: docker0, with red and blue on it.
pub async fn same_bridge(lab: &Lab) -> Result<()> {
    let host = docker0(lab).await?;
    example::docker_run(lab, &host, "red", "172.17.0.2/16").await?;
    example::docker_run(lab, &host, "blue", "172.17.0.3/16").await?;
    Ok(())
}
