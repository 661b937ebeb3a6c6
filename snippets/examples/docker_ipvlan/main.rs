//! IPvlan, the Docker way, for real: containers behind one parent that all
//! share its MAC address; in L2 mode on the LAN itself, in L3 mode routed
//! by the host. The parent is the lab's own veth pair, as in MACVLAN.
//!
//! Equivalent to (the `ipvlan` driver that lab step 5's `docker info`
//! lists, on the MACVLAN chapter's LAN):
//!
//! ```text
//! ip link add netlab-mv0 type veth peer name netlab-mv1   # the lab's "eth0"
//! docker network create -d ipvlan --subnet=192.168.20.0/24 \
//!     --gateway=192.168.20.1 --ip-range=192.168.20.0/25 \
//!     -o parent=netlab-mv0 -o ipvlan_mode=l2 netlab-ipvlan-l2
//! docker run -d --name netlab-red --network netlab-ipvlan-l2 netlab/busybox sleep 3600
//! docker network create -d ipvlan --subnet=192.168.30.0/24 \
//!     -o parent=netlab-mv0 -o ipvlan_mode=l3 netlab-ipvlan-l3
//! ```
//!
//! It needs a kernel with the `ipvlan` driver (Debian's and Ubuntu's have
//! it: `cargo xtask vm docker_ipvlan --engine 28.5` runs it there); on a
//! kernel without, the Engine refuses to start the first container, and
//! the run says why.
//!
//! Run it: `sudo -E cargo run --example docker_ipvlan -- --engine private`.

use std::process::ExitCode;

use netlab::{Netns, Result};
use netlab_docker::{self as docker, Engine, cleanup::MACVLAN_PARENT};

mod l2;
mod l3;

/// The LAN's end of the parent's veth pair.
const LAN_END: &str = "netlab-mv1";

fn main() -> ExitCode {
    docker::run(ipvlan)
}

async fn ipvlan(engine: &Engine) -> Result<()> {
    // ANCHOR: parent
    // The lab says `-o parent=eth0`; ours is one end of a veth pair, whose
    // other end is a machine on the LAN, `lan`, in a namespace of its own.
    engine.say("the parent: a veth pair of the lab's; its other end is a machine on the LAN");
    let lan = Netns::new("lan").await?;
    engine.host.add_veth(MACVLAN_PARENT, LAN_END).await?;
    engine.host.move_to(LAN_END, &lan).await?;
    lan.add_addr(LAN_END, "192.168.20.150/24").await?;
    lan.set_up(LAN_END).await?;
    engine.host.set_up(MACVLAN_PARENT).await?;
    let parent = engine.show_host_link(MACVLAN_PARENT).await?;
    // ANCHOR_END: parent
    if l2::l2(engine, &lan, parent.mac.map(|mac| mac.to_string())).await? {
        l3::l3(engine).await?;
    }
    // Deleting one end deletes the pair; the LAN's namespace goes with us.
    engine.host.del_link(MACVLAN_PARENT).await
}
