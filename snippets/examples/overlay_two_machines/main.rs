//! The overlay chapter's VXLAN network across two real machines: one host's
//! side per machine, with a container on it that pings the other side's.
//!
//! Equivalent to, on the first machine (on the second, the addresses
//! swapped and blue for red):
//!
//! ```text
//! ip netns add overlay; ip netns exec overlay ip link add br0 type bridge
//! ip link add vxlan0 netns overlay type vxlan id 4097 dstport 4789 local 192.0.2.10 dev eth0 proxy
//! ip netns exec overlay ip link set vxlan0 master br0
//! # red's eth0 on br0: MAC 02:42:0a:00:01:02, MTU 1450, 10.0.1.2/24
//! bridge fdb append 02:42:0a:00:01:03 dev vxlan0 dst 192.0.2.11      # in overlay
//! ip neigh add 10.0.1.3 lladdr 02:42:0a:00:01:03 dev vxlan0 nud permanent
//! ping -c 1 10.0.1.3                                                 # in red
//! ```
//!
//! Run it, as root (only root may add a device to the machine's own
//! namespace): `sudo -E cargo run --example overlay_two_machines --
//! --underlay-local 192.0.2.10 --underlay-remote 192.0.2.11 --parent eth0
//! --container red` on one machine, and on the other the addresses swapped
//! and `--container blue`. It changes nothing on the machine but the UDP
//! socket of vxlan0, in the machine's own namespace, while it runs.

use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::ensure;
use netlab::error::usage;
use netlab::tools::ping::echo;
use netlab::{Flag, Lab, Netns, Result};

// The overlay example's own steps (overlay_host, add_peer), compiled in:
// this example runs exactly what the chapter shows. Its other parts (its
// `main`, the two-host lab in one machine) go unused here.
#[allow(dead_code)]
#[path = "../overlay/main.rs"]
mod overlay;

const FLAGS: [Flag; 4] = [
    Flag::new(
        "--underlay-local",
        "ADDRESS",
        "this machine's underlay address",
    ),
    Flag::new(
        "--underlay-remote",
        "ADDRESS",
        "the other machine's underlay address",
    ),
    Flag::new(
        "--parent",
        "DEVICE",
        "the device that has ADDRESS (vxlan0's dev)",
    ),
    Flag::new(
        "--container",
        "red|blue",
        "red (10.0.1.2) or blue (10.0.1.3) here",
    ),
];

fn main() -> ExitCode {
    netlab::run_with_flags(&FLAGS, two_machines)
}

// ANCHOR: two_machines
/// One side of the overlay on a real machine: only vxlan0's UDP socket is
/// made in the machine's namespace; vxlan0 itself, br0 and the container
/// live in namespaces of this process, which the kernel removes at exit.
async fn two_machines(lab: &Lab) -> Result<()> {
    let local: Ipv4Addr = lab.flag("--underlay-local")?;
    let remote: Ipv4Addr = lab.flag("--underlay-remote")?;
    let parent: String = lab.flag("--parent")?;
    let red = ("red", Ipv4Addr::new(10, 0, 1, 2));
    let blue = ("blue", Ipv4Addr::new(10, 0, 1, 3));
    let (me, other) = match lab.flag::<String>("--container")?.as_str() {
        "red" => (red, blue),
        "blue" => (blue, red),
        wrong => return Err(usage(format!("--container is red or blue, not {wrong}"))),
    };
    let machine = Netns::current("machine").await?;
    lab.say("machine: this machine's own network namespace, as you asked");
    let (overlay, container) =
        overlay::overlay_host(lab, &machine, "overlay", local, &parent, me.0, me.1).await?;
    overlay::add_peer(&overlay, other.1, remote).await?;

    lab.say(&format!(
        "waiting up to 60 s for {} on {remote}: start the other side there",
        other.0
    ));
    for _ in 0..30 {
        let answer = container.run(|| echo(other.1, Duration::from_secs(2)))?;
        if matches!(answer, Ok(Some(_))) {
            break;
        }
    }
    let reached = container.ping(other.1)?;
    ensure!(reached, "{} reaches {} across the overlay", me.0, other.0);

    // The other side may still be waiting for this one: stay up until told.
    lab.say("Enter ends this side (the other side may still be pinging this one)");
    let mut line = String::new();
    tokio::task::spawn_blocking(move || std::io::stdin().read_line(&mut line)).await??;
    Ok(())
}
// ANCHOR_END: two_machines
