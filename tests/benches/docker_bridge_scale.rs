//! How one bridge scales, Docker against the lab library: containers join
//! one bridge network (10, then 50), each `docker run` timed; after each
//! step, the ping from the Docker host (the bridge's address) to the last
//! container, as `drivers_measured --scale` measures the library's. Against
//! a private daemon of each Engine `cargo xtask engine` fetched (28.5,
//! 20.10). Needs root.
//!
//! A benchmark rather than a flag of a `docker_*` example: a Docker
//! example's transcript is recorded and compared for both Engines, and a
//! timing has nothing stable to record; and one `docker run` takes a
//! few hundred milliseconds, fifty of them too long for a test.
//!
//! Run it: `sudo -E cargo bench -p netlab-tests --bench docker_bridge_scale`

use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use anyhow::bail;
use netlab::tools::ping::echo;
use netlab::{Lab, Netns, Result};
use netlab_docker::{Choice, Engine, Forwarding, NetworkArgs, PrivateEngine, RunArgs, image};

/// The same_bridge example's `docker_run`, for the library's side.
mod common;
use common::example;

const STEPS: [usize; 2] = [10, 50];

fn main() -> Result<()> {
    let runtime = common::root_runtime("private Docker daemons")?;
    println!("containers on one bridge: build time per container, ping from the host to the last");
    println!(
        "{:<26} {:>10} {:>14} {:>10}",
        "", "containers", "ms/container", "ping µs"
    );
    runtime.block_on(library())?;
    for version in ["28.5", "20.10"] {
        let dir =
            netlab_tests::run::workspace_root().join(format!("target/engines/{version}/root"));
        if !dir.join("usr/sbin/dockerd").is_file() {
            println!("Engine {version}: not fetched (cargo xtask engine {version}), left out");
            continue;
        }
        runtime.block_on(docker(version, Choice::PrivateIn(dir)))?;
    }
    Ok(())
}

/// The lab library: docker0 and containers on it, as `--scale` builds them.
async fn library() -> Result<()> {
    let lab = Lab::new("bench");
    let host = common::docker0(&lab).await?;
    let mut built = 0;
    for n in STEPS {
        let started = Instant::now();
        for i in built..n {
            let ip = Ipv4Addr::from(u32::from(Ipv4Addr::new(172, 17, 0, 2)) + i as u32);
            example::docker_run(&lab, &host, &format!("c{}", i + 1), &format!("{ip}/16")).await?;
        }
        let each = started.elapsed() / (n - built) as u32;
        built = n;
        let last = Ipv4Addr::from(u32::from(Ipv4Addr::new(172, 17, 0, 1)) + n as u32);
        row("lab library", n, each, ping(&host, last)?);
    }
    Ok(())
}

/// A private daemon: `docker network create`, then `docker run` N times.
async fn docker(version: &str, choice: Choice) -> Result<()> {
    let (daemon, api) = PrivateEngine::start(&choice, "host", Forwarding::Fresh).await?;
    let host = Netns::open(&daemon.netns_path(), "host").await?;
    let engine = Engine::private(api, host.clone(), &daemon);
    image::ensure(&engine).await?;
    let subnet = NetworkArgs {
        subnet: Some("172.31.0.0/16"),
        ..NetworkArgs::default()
    };
    engine
        .network_create("netlab-scale", "bridge", subnet)
        .await?;
    let (mut containers, mut built) = (Vec::new(), 0);
    for n in STEPS {
        let started = Instant::now();
        for i in built..n {
            let on = RunArgs {
                network: Some("netlab-scale"),
                ..RunArgs::default()
            };
            containers.push(engine.run(&format!("scale-{}", i + 1), on).await?);
        }
        let each = started.elapsed() / (n - built) as u32;
        built = n;
        let last = containers.last().expect("containers");
        let address: Ipv4Addr = engine.address(last, "netlab-scale").await?.parse()?;
        row(
            &format!("Engine {version} (private)"),
            n,
            each,
            ping(&host, address)?,
        );
    }
    // The daemon dies with `_daemon`, and its containers with it.
    Ok(())
}

/// The median of five pings, after one that waits for ARP.
fn ping(from: &Netns, to: Ipv4Addr) -> Result<Duration> {
    let mut rtts = Vec::new();
    for _ in 0..6 {
        match from.run(|| echo(to, Duration::from_secs(2)))? {
            Ok(Some(pong)) => rtts.push(pong.rtt),
            Ok(None) => bail!("ping {to}: no reply"),
            Err(unsent) => bail!("ping {to}: {}: {}", unsent.call, unsent.why),
        }
    }
    rtts.remove(0);
    rtts.sort();
    Ok(rtts[rtts.len() / 2])
}

fn row(who: &str, n: usize, each: Duration, ping: Duration) {
    println!(
        "{who:<26} {n:>10} {:>14.1} {:>10.1}",
        each.as_secs_f64() * 1e3,
        ping.as_secs_f64() * 1e6
    );
}
