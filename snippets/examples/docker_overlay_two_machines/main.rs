//! Lab step 10 on two real machines, the Docker way: each machine's own
//! Docker Engine, one run on each. The first starts a swarm, makes an
//! attachable overlay network and runs red on it; the second joins the
//! swarm, runs blue, pings red by name, and sees the ping cross its network
//! card inside VXLAN.
//!
//! Equivalent to (lab step 10; netlab/busybox for nginx):
//!
//! ```text
//! first$  docker swarm init --advertise-addr 192.0.2.10 --listen-addr 192.0.2.10:2377
//! first$  docker network create -d overlay --attachable --subnet=10.0.1.0/24 netlab-overlay
//! first$  docker run -d --network=netlab-overlay --name=netlab-red netlab/busybox sleep 3600
//! second$ docker swarm join --token TOKEN 192.0.2.10:2377
//! second$ docker run -d --network=netlab-overlay --name=netlab-blue netlab/busybox sleep 3600
//! second$ tcpdump -n -Q in -i eth0 udp port 4789 &
//! blue$   ping -c 1 netlab-red
//! second$ docker rm -f netlab-blue; docker swarm leave
//! first$  docker rm -f netlab-red; docker network rm netlab-overlay; docker swarm leave --force
//! ```
//!
//! Run it as root on the first machine, with its address on the network
//! between the two: `sudo -E cargo run --example docker_overlay_two_machines
//! -- --manager --advertise 192.0.2.10`. It prints the command to type on
//! the second machine, join token included. Each run uses its machine's own
//! Engine (`DOCKER_HOST` or /var/run/docker.sock), checks first that the
//! network lets the swarm's ports through, and removes what it made when it
//! ends (not with `--keep`); a swarm the Engine was in already is used and
//! left as it was.

use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::str::FromStr;

use netlab::error::usage;
use netlab::{Flag, Result};
use netlab_docker::{self as docker, Engine};

mod manager;
mod worker;

/// The overlay network, and its subnet: the book's.
pub const NETWORK: &str = "netlab-overlay";
pub const SUBNET: &str = "10.0.1.0/24";

const FLAGS: [Flag; 5] = [
    Flag::switch(
        "--manager",
        "the first machine: start a swarm (or use this Engine's), make the overlay, run red, \
         and print the command for the second",
    ),
    Flag::optional(
        "--advertise",
        "ADDRESS",
        "with --manager: this machine's address on the network between the two",
    ),
    Flag::optional(
        "--join",
        "TOKEN@ADDRESS",
        "the second machine: join the swarm the first one printed, run blue, ping red by name",
    ),
    Flag::optional(
        "--network",
        "NAME",
        "with --join: the overlay to run blue on (the first machine prints it: netlab-overlay)",
    ),
    Flag::switch(
        "--keep",
        "leave the containers, the overlay and the swarm (the next run removes them)",
    ),
];

fn main() -> ExitCode {
    docker::run_on_this_machine(&FLAGS, two_machines)
}

/// The side the flags name: the manager (first machine) or the worker.
async fn two_machines(engine: &Engine) -> Result<()> {
    let keep = engine.flag::<String>("--keep")?.is_some();
    let manager = engine.flag::<String>("--manager")?.is_some();
    let advertise: Option<Ipv4Addr> = engine.flag("--advertise")?;
    let join: Option<Join> = engine.flag("--join")?;
    let network: Option<String> = engine.flag("--network")?;
    match (manager, advertise, join, network) {
        (true, Some(address), None, None) => manager::manager(engine, address, keep).await,
        (false, None, Some(join), network) => {
            let network = network.as_deref().unwrap_or(NETWORK);
            worker::worker(engine, &join, network, keep).await
        }
        _ => Err(usage(
            "give --manager --advertise ADDRESS on the first machine, or --join TOKEN@ADDRESS \
             [--network NAME] on the second (the first prints it)",
        )),
    }
}

/// `--join TOKEN@ADDRESS`: the swarm's worker token, and its manager.
pub struct Join {
    pub token: String,
    pub manager: Ipv4Addr,
}

impl FromStr for Join {
    type Err = String;

    fn from_str(text: &str) -> std::result::Result<Join, String> {
        let wrong = || "expected TOKEN@ADDRESS, as the first machine printed it".to_string();
        let (token, manager) = text.rsplit_once('@').ok_or_else(wrong)?;
        if !token.starts_with("SWMTKN-") {
            return Err("the token starts with SWMTKN-: copy it whole".to_string());
        }
        let manager = manager.parse().map_err(|_| wrong())?;
        Ok(Join {
            token: token.to_string(),
            manager,
        })
    }
}
