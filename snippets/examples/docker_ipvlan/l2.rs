//! IPvlan's L2 mode, the Docker way: containers on the LAN's own subnet,
//! all behind the parent's MAC address.

use netlab::ip::link::ipvlan::kernel_has_ipvlan;
use netlab::{Netns, Result};
use netlab_docker::cleanup::MACVLAN_PARENT;
use netlab_docker::{Container, Engine, NetworkArgs, RunArgs};

use super::LAN_END;

// ANCHOR: l2
/// L2 mode: red and blue on the LAN's subnet, each an IPvlan device on the
/// parent with the parent's MAC; a machine on the LAN sees both addresses
/// at that one MAC. False when the Engine refused the first container.
pub async fn l2(engine: &Engine, lan: &Netns, parent_mac: Option<String>) -> Result<bool> {
    engine.say("an ipvlan network in L2 mode on it, with the lab's addresses");
    let options = [("parent", MACVLAN_PARENT), ("ipvlan_mode", "l2")];
    let args = NetworkArgs {
        subnet: Some("192.168.20.0/24"),
        gateway: Some("192.168.20.1"),
        ip_range: Some("192.168.20.0/25"),
        options: &options,
        ..NetworkArgs::default()
    };
    engine
        .network_create("netlab-ipvlan-l2", "ipvlan", args)
        .await?;
    let on_lan = || RunArgs {
        network: Some("netlab-ipvlan-l2"),
        ..RunArgs::default()
    };
    // The first container is where this kernel's lack shows: the Engine
    // makes a container's IPvlan device when it starts.
    let Some(red) = try_run(engine, "red", on_lan()).await? else {
        refused(engine).await?;
        return Ok(false);
    };
    let blue = engine.run("blue", on_lan()).await?;
    engine.exec(&red, &["ip", "addr", "show", "eth0"]).await?;
    engine.exec(&blue, &["ip", "addr", "show", "eth0"]).await?;
    for container in [&red, &blue] {
        let (_, _, mac) = engine.eth0_of(container).await?;
        engine.claim(
            &format!(
                "{}'s eth0 has the parent's MAC: IPvlan children share it",
                container.name
            ),
            Some(mac.to_string()) == parent_mac,
        )?;
    }
    engine.say("the machine on the LAN, at the other end of the cable, reaches both");
    for container in [&red, &blue] {
        let address = engine.address(container, "netlab-ipvlan-l2").await?;
        let reaches = lan.ping(address.parse()?)?;
        engine.claim(&format!("the LAN machine reaches {address}"), reaches)?;
    }
    // Two addresses, one MAC: the parent's.
    let table = lan.show_neigh(Some(LAN_END)).await?;
    let macs: Vec<Option<String>> = table
        .iter()
        .map(|n| n.mac.as_ref().map(|m| m.to_string()))
        .collect();
    engine.claim(
        "the LAN knows both containers at one MAC, the parent's",
        macs.len() == 2 && macs.iter().all(|mac| *mac == parent_mac),
    )?;
    engine.say("one parent, one IPvlan mode: remove L2's network before L3's");
    engine.rm(&red).await?;
    engine.rm(&blue).await?;
    engine.network_rm("netlab-ipvlan-l2").await?;
    Ok(true)
}
// ANCHOR_END: l2

/// What a refusal means: the kernel has no ipvlan driver, and the Engine
/// found out only when a container joined, not when the network was made.
async fn refused(engine: &Engine) -> Result<()> {
    engine.say("the Engine refused: this kernel has no ipvlan driver (cargo xtask vm has one)");
    engine.claim(
        "this kernel has no ipvlan driver: an IPvlan device of our own fails too (EOPNOTSUPP)",
        !kernel_has_ipvlan().await?,
    )?;
    let network = engine.api.inspect_network("netlab-ipvlan-l2", None).await;
    engine.claim(
        "yet the network exists: the Engine asks the kernel only when a container joins",
        network.is_ok(),
    )
}

/// `docker run` where the Engine may refuse to start the container: its
/// answer is printed as the CLI prints it, and `None` returned. (The run's
/// end removes the container it created, as everything labelled ours.)
async fn try_run(engine: &Engine, name: &str, args: RunArgs<'_>) -> Result<Option<Container>> {
    match engine.run(name, args).await {
        Ok(container) => Ok(Some(container)),
        Err(error) => match error.downcast_ref::<bollard::errors::Error>() {
            Some(bollard::errors::Error::DockerResponseServerError { message, .. }) => {
                netlab::narrate::output(&format!("docker: Error response from daemon: {message}"));
                Ok(None)
            }
            _ => Err(error),
        },
    }
}
