//! MACVLAN's 802.1q trunk mode, the last part of the macvlan example.

use std::net::Ipv4Addr;

use netlab::error::SysError;
use netlab::{Lab, Netns, Result};
use nix::errno::Errno;

use super::docker_run;

// ANCHOR: trunk
/// 802.1q trunk mode (`-o parent=eth0.20`): the parent is a VLAN device,
/// so the containers' frames cross the LAN tagged with their VLAN id. Two
/// VLANs, 20 and 30, each with its own subnet and its own container; the
/// router has a sub-interface on each.
pub async fn trunk(lab: &Lab, host: &Netns, router: &Netns) -> Result<()> {
    lab.say("802.1q trunk mode: docker network create -d macvlan ... -o parent=eth0.20");
    if let Err(error) = host.add_vlan("eth0.20", "eth0", 20).await {
        let errno = error.chain().find_map(|e| e.downcast_ref::<SysError>());
        if matches!(errno, Some(SysError(Errno::EOPNOTSUPP))) {
            lab.say(
                "802.1q trunk mode: skipped, this kernel has no 8021q support \
                 (creating eth0.20 failed: EOPNOTSUPP); the VM run records it (cargo xtask vm)",
            );
            return Ok(());
        }
        return Err(error);
    }
    host.add_vlan("eth0.30", "eth0", 30).await?;
    // The router's side of the trunk: a VLAN device for each VLAN on its
    // eth0, each with the gateway address of its VLAN's subnet. The switch
    // in between, lan0, forwards the tagged frames as they are.
    for vlan in [20, 30] {
        let device = format!("eth0.{vlan}");
        host.set_up(&device).await?;
        router.add_vlan(&device, "eth0", vlan).await?;
        router
            .add_addr(&device, &format!("10.{vlan}.0.1/24"))
            .await?;
        router.set_up(&device).await?;
    }
    let mut containers = Vec::new();
    for (vlan, name) in [(20, "green"), (30, "yellow")] {
        let device = format!("eth0.{vlan}");
        let (ip, gateway) = (Ipv4Addr::new(10, vlan, 0, 2), Ipv4Addr::new(10, vlan, 0, 1));
        let container = docker_run(lab, host, name, &device, ip, gateway).await?;
        containers.push((container, device, ip, gateway));
    }
    host.show_link_details("eth0.20").await?;
    lab.say("each VLAN's router address reaches its container; each MAC is known on its VLAN only");
    for (container, device, ip, gateway) in &containers {
        let reaches = router.ping(*ip)?;
        lab.claim(&format!("the router reaches {ip} on {device}"), reaches)?;
        router.show_neigh(Some(device)).await?;
        let reaches = container.ping(*gateway)?;
        lab.claim(&format!("{ip} reaches {gateway}"), reaches)?;
    }
    lab.say("VLAN 30's broadcasts stay in VLAN 30: yellow's ARP for green gets no answer");
    let (green, yellow) = (Ipv4Addr::new(10, 20, 0, 2), Ipv4Addr::new(10, 30, 0, 2));
    let answered = containers[1].0.arping("eth0", yellow, green).await?;
    lab.claim("VLAN 20 and VLAN 30 are kept apart", !answered)?;
    Ok(())
}
// ANCHOR_END: trunk
