//! Port publishing: port 8443 of the host leads to port 80 of a container,
//! through NAT rules written the way Docker writes them, and a machine on
//! the LAN uses it.
//!
//! Equivalent to (lab step 4, with nftables for iptables):
//!
//! ```text
//! # the lab host: eth0 192.168.20.200/24 on a LAN with another machine, outside
//! # dockerd's start: docker0 172.17.0.1/16, ip_forward, the nat table
//! nft list ruleset                  # the lab's `iptables -L`, before
//! docker run -dp 8443:80 nginx      # red (172.17.0.2) serving port 80, and:
//! nft add rule ip nat docker 'iifname != "docker0" tcp dport 8443 counter dnat to 172.17.0.2:80'
//! nft list ruleset                  # the lab's `iptables -L`, after
//! curl -sS http://192.168.20.200:8443/   # from outside; then port 8080
//! ```
//!
//! Run it: `cargo run --example port_publish` (add `-- --keep` to look around).

use std::net::Ipv4Addr;
use std::process::ExitCode;

use netlab::nft::{
    Hook, counter, ct_original_proto_dst, ct_original_saddr, dnat_to, fib_daddr_type_local,
    iifname, iifname_not, ip_daddr_not, ip_saddr, jump, masquerade, nftrace, oifname_not, ret,
    tcp_dport, tcp_flags_syn,
};
use netlab::{Lab, Netns, Result};
use nix::errno::Errno;

fn main() -> ExitCode {
    netlab::run(port_publish)
}

async fn port_publish(lab: &Lab) -> Result<()> {
    // ANCHOR: lan
    let host = lab.host().await?;
    let outside = lab.machine("outside", "another machine on the LAN").await?;
    host.add_veth_into("eth0", "eth0", &outside).await?;
    host.add_addr("eth0", "192.168.20.200/24").await?;
    host.set_up("eth0").await?;
    outside.add_addr("eth0", "192.168.20.150/24").await?;
    outside.set_up("eth0").await?;
    // ANCHOR_END: lan

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

    // ANCHOR: before
    lab.say("iptables -L, before: the rules dockerd made at its start");
    host.list_ruleset()?;
    // ANCHOR_END: before

    // ANCHOR: docker_run
    lab.say("docker run -dp 8443:80 nginx");
    let red = docker_run(lab, &host, "red", "172.17.0.2/16").await?;
    red.serve_http(80, "hello from red, port 80")?;
    let red_ip = Ipv4Addr::new(172, 17, 0, 2);
    let publish = [
        iifname_not("docker0"),
        tcp_dport(8443),
        counter(),
        dnat_to(red_ip, 80),
    ];
    host.add_rule("nat", "docker", &publish)?;
    lab.say("iptables -L, after: one rule more");
    host.list_ruleset()?;
    // ANCHOR_END: docker_run

    // ANCHOR: trace
    lab.say("one connection, step by step: trace the first packet each way of outside's next one");
    host.add_table("trace")?;
    // Chains that only look, one at each hook the packet will pass: at -150
    // conntrack (-200) has found the connection and the DNAT (-100) has not
    // run yet; at 300 the source NAT (100) has.
    host.add_filter_chain("trace", "prerouting", Hook::Prerouting, -150)?;
    host.add_filter_chain("trace", "forward", Hook::Forward, 0)?;
    host.add_filter_chain("trace", "postrouting", Hook::Postrouting, 300)?;
    let outside_ip = Ipv4Addr::new(192, 168, 20, 150);
    let first_each_way = [
        tcp_flags_syn(),
        ct_original_saddr(outside_ip),
        ct_original_proto_dst(8443),
        nftrace(),
    ];
    host.add_rule("trace", "prerouting", &first_each_way)?;
    let trace = host.monitor_trace()?;
    // ANCHOR_END: trace

    // ANCHOR: from_lan
    lab.say("from the LAN: the published port, then one nobody published");
    let host_ip = Ipv4Addr::new(192, 168, 20, 200);
    let page = outside.http_get(host_ip, 8443)?;
    lab.claim("outside reaches red through port 8443", page.is_ok())?;
    let refused = outside.http_get(host_ip, 8080)?;
    lab.claim("port 8080 refuses", refused == Err(Errno::ECONNREFUSED))?;
    // ANCHOR_END: from_lan

    // ANCHOR: trace_show
    lab.say("what nft monitor trace printed meanwhile, in a second terminal on the host");
    let lines = trace.show()?;
    // ANCHOR_END: trace_show

    // ANCHOR: from_host
    lab.say("from the host itself: its LAN address passes the output chain; localhost does not");
    lab.claim(
        "the host reaches red",
        host.http_get(host_ip, 8443)?.is_ok(),
    )?;
    let localhost = host.http_get(Ipv4Addr::LOCALHOST, 8443)?;
    lab.claim(
        "no docker-proxy here",
        localhost == Err(Errno::ECONNREFUSED),
    )?;
    // ANCHOR_END: from_host

    // ANCHOR: masquerade
    lab.say("from red to the LAN: masquerade gives red's connections the host's address");
    outside.serve_http(80, "hello from outside, port 80")?;
    lab.claim("red reaches outside", red.http_get(outside_ip, 80)?.is_ok())?;
    // ANCHOR_END: masquerade

    // ANCHOR: counters
    lab.say("the counters: one packet per connection, the first; conntrack handles the rest");
    host.list_chain("nat", "docker")?;
    host.list_chain("nat", "postrouting")?;
    // ANCHOR_END: counters

    // What the trace shows: the SYN's lines, then the SYN-ACK's, which
    // enters from docker0.
    let reply = lines
        .iter()
        .position(|l| l.contains(r#"packet: iif "docker0""#));
    let (syn, syn_ack) = lines.split_at(reply.unwrap_or(lines.len()));
    let in_syn = |text: &str| syn.iter().any(|l| l.contains(text));
    let dnat = "ip nat docker rule iifname != \"docker0\" tcp dport 8443";
    lab.claim("the SYN passed the DNAT rule in prerouting", in_syn(dnat))?;
    lab.claim(
        "the SYN was forwarded",
        in_syn("ip trace forward policy accept"),
    )?;
    let nat = |l: &String| l.contains(" ip nat ");
    lab.claim(
        "no nat chain saw the SYN-ACK",
        !syn_ack.is_empty() && !syn_ack.iter().any(nat),
    )?;
    let unnat = "ip trace postrouting packet: iif \"docker0\" oif \"eth0\"";
    let from_8443 = syn_ack.iter().any(|l| {
        l.contains(unnat) && l.contains("ip saddr 192.168.20.200") && l.contains("tcp sport 8443")
    });
    lab.claim(
        "conntrack gave the SYN-ACK the source 192.168.20.200:8443",
        from_8443,
    )?;
    Ok(())
}

// ANCHOR: container
/// `docker run`'s network part for a container on docker0, as in the
/// same_bridge example: a namespace, a veth pair from the bridge into it
/// (`eth0` inside), an address and a default route via docker0.
async fn docker_run(lab: &Lab, host: &Netns, name: &str, cidr: &str) -> Result<Netns> {
    let container = lab.container(name).await?;
    let veth = format!("veth-{name}");
    host.add_veth_into(&veth, "eth0", &container).await?;
    host.set_master(&veth, "docker0").await?;
    host.set_up(&veth).await?;
    container.add_addr("eth0", cidr).await?;
    container.set_up("eth0").await?;
    let docker0 = Ipv4Addr::new(172, 17, 0, 1);
    container.add_default_route(docker0).await?;
    Ok(container)
}
// ANCHOR_END: container
