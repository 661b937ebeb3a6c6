//! `--scale`: how one bridge scales. Containers join docker0 in steps (1,
//! 10, 100, 1000); after each step, the time each one took to build, and
//! the ping from the host (docker0) to the last one. Then plain veth ports until the
//! bridge is full, and what the kernel answers then.

use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use anyhow::bail;
use netlab::error::SysError;
use netlab::narrate::{hush, output};
use netlab::tools::ping::echo;
use netlab::{Lab, Netns, Result};

use crate::paths::same_bridge::docker_run;

/// Container `i` (from 0): 172.17.0.2, 172.17.0.3, ... 172.17.3.233.
fn address(i: usize) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(Ipv4Addr::new(172, 17, 0, 2)) + i as u32)
}

/// The median of five pings from `from` to `to`, after a first one (which
/// waits for ARP, and is returned apart).
fn pings(from: &Netns, to: Ipv4Addr) -> Result<(Duration, Duration)> {
    let mut rtts = Vec::new();
    for _ in 0..6 {
        match from.run(|| echo(to, Duration::from_secs(2)))? {
            Ok(Some(pong)) => rtts.push(pong.rtt),
            Ok(None) => bail!("ping {to} from {from}: no reply"),
            Err(unsent) => bail!("ping {to} from {from}: {}: {}", unsent.call, unsent.why),
        }
    }
    let first = rtts.remove(0);
    rtts.sort();
    Ok((first, rtts[rtts.len() / 2]))
}

// ANCHOR: scale
pub async fn scale(lab: &Lab, most: usize) -> Result<()> {
    let host = lab.host().await?;
    host.add_bridge("docker0").await?;
    host.add_addr("docker0", "172.17.0.1/16").await?;
    host.set_up("docker0").await?;
    lab.say("docker run, N times: each container a namespace and a veth pair on docker0");
    output("containers  build ms each  first ping µs (ARP)  ping µs  host to the last");
    let mut containers = 0;
    let steps = [1, 10, 100, 1000].into_iter().filter(|n| *n < most);
    for n in steps.chain([most]) {
        let started = Instant::now();
        let quiet = hush();
        for i in containers..n {
            let cidr = format!("{}/16", address(i));
            docker_run(lab, &host, &format!("c{}", i + 1), &cidr).await?;
        }
        drop(quiet);
        let each = started.elapsed().as_secs_f64() * 1e3 / (n - containers) as f64;
        containers = n;
        // The bridge forwards through a port once the kernel's link watcher
        // has marked it UP, a moment after its carrier: wait for the last.
        let port = format!("veth-c{n}");
        for _ in 0..100 {
            if host.link(&port).await?.operstate == "UP" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // The first ping waits for ARP: its broadcast goes out of every port.
        let (arp, ping) = pings(&host, address(n - 1))?;
        let micros = |d: Duration| d.as_secs_f64() * 1e6;
        output(&format!(
            "{n:>10}  {each:>12.2}  {:>19.1}  {:>7.1}  c{n} ({})",
            micros(arp),
            micros(ping),
            address(n - 1)
        ));
    }
    // ANCHOR_END: scale

    // ANCHOR: limit
    lab.say("then plain veth pairs, one more port each, until the bridge refuses one");
    let quiet = hush();
    let mut ports = containers;
    let refused = loop {
        let (port, peer) = (format!("p{}", ports + 1), format!("q{}", ports + 1));
        host.add_veth(&port, &peer).await?;
        match host.set_master(&port, "docker0").await {
            Ok(()) => ports += 1,
            Err(error) => break error,
        }
        if ports > 4096 {
            bail!("docker0 took {ports} ports and refused none");
        }
    };
    drop(quiet);
    let Some(SysError(errno)) = refused.chain().find_map(|e| e.downcast_ref::<SysError>()) else {
        return Err(refused);
    };
    let next = ports + 1;
    netlab::narrate::command(&host, &format!("ip link set p{next} master docker0"));
    // What ip prints for the kernel's errno, then what we counted.
    output(&format!("RTNETLINK answers: {}", errno.desc()));
    netlab::narrate::say(&format!(
        "{errno:?}: docker0 has {ports} ports, port {next} is refused"
    ));
    lab.claim(
        "a bridge takes 1023 ports and refuses the next with EXFULL",
        ports == 1023 && *errno == nix::errno::Errno::EXFULL,
    )
    // ANCHOR_END: limit
}
