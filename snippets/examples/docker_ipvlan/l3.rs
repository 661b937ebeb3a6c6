//! IPvlan's L3 mode, the Docker way: the host routes between its
//! containers, and no ARP crosses the parent.

use netlab::Result;
use netlab_docker::cleanup::MACVLAN_PARENT;
use netlab_docker::{Engine, NetworkArgs, RunArgs};

// ANCHOR: l3
/// `docker network create -d ipvlan -o ipvlan_mode=l3`: green and yellow,
/// each with a route out of `eth0` and no gateway (Docker allocates none
/// in L3 mode), on a device that does no ARP; they reach each other
/// through the host's IPvlan code, never the LAN.
pub async fn l3(engine: &Engine) -> Result<()> {
    engine.say("L3 mode: the same parent, another subnet, routed by the host");
    let options = [("parent", MACVLAN_PARENT), ("ipvlan_mode", "l3")];
    let args = NetworkArgs {
        subnet: Some("192.168.30.0/24"),
        options: &options,
        ..NetworkArgs::default()
    };
    engine
        .network_create("netlab-ipvlan-l3", "ipvlan", args)
        .await?;
    let routed = || RunArgs {
        network: Some("netlab-ipvlan-l3"),
        ..RunArgs::default()
    };
    let green = engine.run("green", routed()).await?;
    let yellow = engine.run("yellow", routed()).await?;
    let link = engine.exec(&green, &["ip", "link", "show", "eth0"]).await?;
    engine.claim(
        "green's eth0 does no ARP (NOARP): L3 mode",
        link.contains("NOARP"),
    )?;
    let routes = engine.exec(&green, &["ip", "route"]).await?;
    engine.claim(
        "green's default route is the device itself, no gateway",
        routes
            .lines()
            .any(|line| line.starts_with("default dev eth0") && !line.contains(" via ")),
    )?;
    let yellow_ip = engine.address(&yellow, "netlab-ipvlan-l3").await?;
    let (status, _) = engine
        .exec_status(&green, &["ping", "-c", "1", &yellow_ip])
        .await?;
    engine.claim("green reaches yellow, routed by the host", status == 0)?;
    engine.rm(&green).await?;
    engine.rm(&yellow).await?;
    engine.network_rm("netlab-ipvlan-l3").await
}
// ANCHOR_END: l3
