//! A veth pair: two virtual Ethernet devices joined back to back.
//!
//! Equivalent to (lab step 7):
//!
//! ```text
//! ip link add vethA type veth peer name vpeerA
//! ip a
//! ip link delete vethA
//! ip a
//! ```
//!
//! Run it: `cargo run --example veth` (add `-- --keep` to look around).

use std::process::ExitCode;

use netlab::{Lab, Result};

fn main() -> ExitCode {
    netlab::run(veth)
}

async fn veth(lab: &Lab) -> Result<()> {
    let host = lab.host().await?;

    // ANCHOR: add
    // One request makes both devices: a veth cannot exist without its peer.
    // What one end transmits, the other receives.
    lab.say("a veth pair: two devices, made together");
    host.add_veth("vethA", "vpeerA").await?;
    // ANCHOR_END: add

    // ANCHOR: show
    // Each end is a full Ethernet device with its own MAC address. `ip a`
    // writes `vethA@vpeerA`: the name after @ is the peer (IFLA_LINK holds
    // its ifindex). Both are down, so neither has a carrier yet.
    host.show_ip_a().await?;
    let a = host.link("vethA").await?;
    let peer = host.link("vpeerA").await?;
    let (a_to_peer, peer_to_a) = (
        a.peer_index == Some(peer.index),
        peer.peer_index == Some(a.index),
    );
    lab.claim("vethA names vpeerA as its peer", a_to_peer)?;
    lab.claim("vpeerA names vethA as its peer", peer_to_a)?;
    // ANCHOR_END: show
    lab.picture().await?;

    // ANCHOR: delete
    // Deleting one end deletes the pair: the kernel never leaves half a veth.
    lab.say("delete one end, and the other goes with it");
    host.del_link("vethA").await?;
    host.show_ip_a().await?;
    let names: Vec<String> = host.links().await?.into_iter().map(|l| l.name).collect();
    lab.claim(
        "deleting vethA took vpeerA too: only lo is left",
        names == ["lo"],
    )?;
    // ANCHOR_END: delete
    Ok(())
}
