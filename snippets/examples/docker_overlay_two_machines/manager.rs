//! The first machine, the swarm's manager: the swarm, the overlay and red,
//! the command for the second machine, and a wait until it is done.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::time::Duration;

use netlab::{Result, narrate};
use netlab_docker::{Container, Engine, NetworkArgs, RunArgs, ports};

use super::{NETWORK, SUBNET};

/// `--manager --advertise ADDRESS`.
pub async fn manager(engine: &Engine, address: Ipv4Addr, keep: bool) -> Result<()> {
    // ANCHOR: check
    // Before anything is made: ADDRESS must be this machine's, and the
    // ports a swarm needs free on it (unless a swarm of yours holds them).
    engine.say("the underlay: the device with the address the second machine reaches us at");
    engine.device_with(address).await?;
    if engine.swarm_state().await? == "inactive" {
        ports::check_free(address)?;
    }
    // ANCHOR_END: check

    // ANCHOR: swarm
    engine.say("a swarm, with this machine as its manager; an attachable overlay; red on it");
    let ours = engine.swarm_init(&address.to_string()).await?;
    let args = NetworkArgs {
        subnet: Some(SUBNET),
        attachable: true,
        ..NetworkArgs::default()
    };
    engine.network_create(NETWORK, "overlay", args).await?;
    let on_overlay = RunArgs {
        network: Some(NETWORK),
        ..RunArgs::default()
    };
    let red = engine.run("red", on_overlay).await?;
    // ANCHOR_END: swarm

    // ANCHOR: command
    // The second machine checks the ports before it joins; this side
    // answers its probes while it waits (ports.rs, probe.rs).
    let answering = ports::answer_probes(address)?;
    // The nodes before the second machine joins: we tell it apart by that.
    let nodes = engine.node_states().await?;
    let (token, at) = engine.worker_token().await?;
    engine.say("on the second machine, type (the worker's token, our address, the overlay):");
    narrate::output(&format!(
        "sudo -E cargo run --example docker_overlay_two_machines -- --join {token}@{at} \
         --network {NETWORK}"
    ));
    // ANCHOR_END: command

    // ANCHOR: wait
    // red and the swarm must outlive the second machine's run: it needs
    // the manager to join, red to ping, and the overlay until it leaves.
    engine.say(
        "red and the swarm stay until the second machine is done: blue's ping has reached red, \
         and blue has left the overlay (Ctrl-C ends the wait sooner)",
    );
    tokio::select! {
        done = wait_for_second(engine, &red, address, &nodes) => done?,
        _ = tokio::signal::ctrl_c() => engine.say("Ctrl-C: the end of the wait"),
    }
    drop(answering);
    // ANCHOR_END: wait

    if keep {
        engine.say("--keep: red, the overlay and the swarm stay (the next run removes them)");
        return Ok(());
    }
    // ANCHOR: rm
    engine.say("the end: red, the overlay and the swarm go, if this run made them");
    engine.rm(&red).await?;
    // The second machine may still use the overlay (after Ctrl-C):
    // then it goes with the swarm.
    engine.try_network_rm(NETWORK).await?;
    if !ours || !engine.swarm_leave().await? {
        // It goes on: the second machine would stay in its list, Down.
        engine.rm_nodes_that_left(&nodes).await?;
        engine.say("the swarm was here before this run: it stays as it was");
    }
    // ANCHOR_END: rm
    Ok(())
}

/// Waits until blue's ping has reached red (red's kernel counted an echo
/// request) and blue has left the overlay (no peer but us): `docker node
/// ls` once the second machine has joined (a node not in `before`), then what red counted, then
/// the overlay's peers. Only what lasts is reported: blue may come and go
/// between two looks, but the count stays, and so does its absence.
async fn wait_for_second(
    engine: &Engine,
    red: &Container,
    address: Ipv4Addr,
    before: &BTreeMap<String, String>,
) -> Result<()> {
    let (mut joined, mut pinged) = (false, false);
    loop {
        let states = engine.node_states().await?;
        let mut new = states.iter().filter(|(id, _)| !before.contains_key(*id));
        if !joined && new.any(|(_, state)| state == "ready") {
            engine.docker(&["node", "ls"]).await?;
            joined = true;
        }
        let echoes = echo_requests(engine, red).await?;
        if !pinged && echoes > 0 {
            engine.say(&format!(
                "blue's ping reached red: red's kernel counted {echoes} echo request \
                 (InEchos, on the Icmp: lines of red's /proc/net/snmp)"
            ));
            pinged = true;
        }
        let peers = engine.overlay_peers(NETWORK).await?;
        if pinged && peers.iter().all(|peer| *peer == address.to_string()) {
            engine.say(&format!(
                "blue has left {NETWORK}: its peers, the machines with a container on it, are \
                 {} alone",
                peers.join(", ")
            ));
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// How many echo requests red's kernel has answered: `InEchos` in the
/// `Icmp:` lines of its `/proc/net/snmp` (a line of names, then one of
/// values), read with `sed -n /^Icmp:/p` in red, not narrated.
async fn echo_requests(engine: &Engine, red: &Container) -> Result<u64> {
    let argv = ["sed", "-n", "/^Icmp:/p", "/proc/net/snmp"];
    let text = engine.read(red, &argv).await?;
    let lines: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    let (Some(names), Some(values)) = (lines.first(), lines.get(1)) else {
        return Ok(0);
    };
    let at = names.iter().position(|name| *name == "InEchos");
    Ok(at
        .and_then(|at| values.get(at))
        .and_then(|value| value.parse().ok())
        .unwrap_or(0))
}
