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
    Hook, counter, ct_original_proto_dst, ct_original_saddr, dnat_to, iifname_not, nftrace,
    tcp_dport, tcp_flags_syn,
};
use netlab::{Lab, Result};
use nix::errno::Errno;

// The lab host on its LAN, dockerd's start, and the trace read for the
// claims, each in a file of its own; `docker run`, the same-bridge chapter's.
#[path = "../same_bridge/docker_run.rs"]
mod docker_run;
mod dockerd;
mod lan;
mod trace;
use docker_run::docker_run;

fn main() -> ExitCode {
    netlab::run(port_publish)
}

async fn port_publish(lab: &Lab) -> Result<()> {
    // The lab host on its LAN, and what dockerd set up when it started.
    let (host, outside) = lan::host_on_lan(lab).await?;
    dockerd::start(lab, &host).await?;

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
    let page = host.http_get(host_ip, 8443)?;
    lab.claim("the host reaches red", page.is_ok())?;
    let refused = host.http_get(Ipv4Addr::LOCALHOST, 8443)? == Err(Errno::ECONNREFUSED);
    lab.claim("no docker-proxy here", refused)?;
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

    // What the trace showed, read for the chapter's claims.
    trace::claim_path(lab, &lines)?;
    Ok(())
}
