//! What dockerd sets up when it starts, before the lab's first
//! `iptables -L`: docker0, forwarding, and the nat table with its chains
//! and rules, written in nftables as `iptables-nft` stores Docker's rules.

use netlab::nft::{
    Hook, counter, fib_daddr_type_local, iifname, ip_daddr_not, ip_saddr, jump, masquerade,
    oifname_not, ret,
};
use netlab::{Lab, Netns, Result};

/// dockerd's start, on the lab host: no container and no published port yet.
pub async fn start(lab: &Lab, host: &Netns) -> Result<()> {
    // ANCHOR: dockerd
    lab.say("what dockerd sets up when it starts: docker0, forwarding, the nat table");
    host.add_bridge("docker0").await?;
    host.add_addr("docker0", "172.17.0.1/16").await?;
    host.set_up("docker0").await?;
    host.sysctl("net.ipv4.ip_forward", "1")?;
    host.add_table("nat")?;
    host.add_nat_chain("nat", "prerouting", Hook::Prerouting)?;
    host.add_nat_chain("nat", "output", Hook::Output)?;
    host.add_nat_chain("nat", "postrouting", Hook::Postrouting)?;
    host.add_chain("nat", "docker")?;
    // ANCHOR_END: dockerd

    // ANCHOR: dockerd_rules
    let local = fib_daddr_type_local();
    host.add_rule("nat", "prerouting", &[local.clone(), jump("docker")])?;
    let not_loopback = ip_daddr_not("127.0.0.0/8")?;
    host.add_rule("nat", "output", &[not_loopback, local, jump("docker")])?;
    let outbound = [
        ip_saddr("172.17.0.0/16")?,
        oifname_not("docker0"),
        counter(),
        masquerade(),
    ];
    host.add_rule("nat", "postrouting", &outbound)?;
    host.add_rule("nat", "docker", &[iifname("docker0"), ret()])?;
    // ANCHOR_END: dockerd_rules
    Ok(())
}
