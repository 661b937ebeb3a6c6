//! The underlay of the overlay chapter: the cable between the two Docker
//! hosts, and node1's uplink to a machine beyond it.

use netlab::{Netns, Result, narrate};

/// `one`'s and `two`'s `eth0`, one cable between the two hosts (10.0.0.1
/// and .2), and `one`'s `eth1`, a cable to `outside` (203.0.113.2), which
/// it returns: the namespace lives as long as the value.
pub async fn cables(one: &Netns, two: &Netns) -> Result<Netns> {
    // ANCHOR: underlay
    // The two hosts' network namespaces are the private Engines' own. The
    // underlay is a veth pair between them; a third namespace, `outside`,
    // stands beyond node1's second cable (its uplink).
    narrate::say("the underlay: one cable between the Docker hosts' eth0, and node1's uplink");
    one.add_veth_into("eth0", "eth0", two).await?;
    one.add_addr("eth0", "10.0.0.1/24").await?;
    one.set_up("eth0").await?;
    two.add_addr("eth0", "10.0.0.2/24").await?;
    two.set_up("eth0").await?;
    let outside = Netns::new("outside").await?;
    one.add_veth_into("eth1", "eth0", &outside).await?;
    one.add_addr("eth1", "203.0.113.1/24").await?;
    one.set_up("eth1").await?;
    outside.add_addr("eth0", "203.0.113.2/24").await?;
    outside.set_up("eth0").await?;
    // ANCHOR_END: underlay
    Ok(outside)
}
