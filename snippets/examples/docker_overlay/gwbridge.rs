//! The way out of an overlay network: each container's second interface,
//! on its host's `docker_gwbridge`, and the NAT behind it.

use netlab::Result;
use netlab_docker::{Container, Engine};

/// Shows red's and blue's two interfaces, node1's NAT rule for
/// docker_gwbridge, and red reaching a machine beyond node1's uplink.
pub async fn way_out(
    node1: &Engine,
    node2: &Engine,
    red: &Container,
    blue: &Container,
) -> Result<()> {
    // ANCHOR: gwbridge
    // The overlay reaches only the network's containers. For the rest of
    // the world each container has a second interface, eth1, on the host's
    // docker_gwbridge, masqueraded behind the host's address.
    node1.say("eth0 on the overlay, eth1 on docker_gwbridge: the way out, through NAT");
    node1.exec(red, &["ip", "-4", "addr"]).await?;
    node2.exec(blue, &["ip", "-4", "addr"]).await?;
    node1.claim_gwbridge_masquerade()?;
    let (status, _) = node1
        .exec_status(red, &["ping", "-c", "1", "203.0.113.2"])
        .await?;
    node1.claim(
        "red reaches 203.0.113.2, beyond node1's uplink, through that NAT",
        status == 0,
    )?;
    // ANCHOR_END: gwbridge
    Ok(())
}
