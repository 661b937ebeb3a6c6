//! The same_bridge topology built by a real Docker Engine (a bridge network
//! and two containers, started and removed) against the lab library
//! building it (docker0 and two container namespaces, then dropped), one
//! after the other in one run: against a private daemon of each Engine
//! `cargo xtask engine` fetched (28.5, 20.10), and against yours if one
//! answers. Also how long each private daemon takes to its first answer.
//! Needs root.
//!
//! Run it: `sudo -E cargo bench -p netlab-tests --bench docker_same_bridge`

use std::time::{Duration, Instant};

use netlab::{Lab, Netns, Result};
use netlab_docker::{self, Choice, Engine, Forwarding, NetworkArgs, PrivateEngine, RunArgs, reach};

mod common;

const DOCKER_ROUNDS: u32 = 5;
const LIBRARY_ROUNDS: u32 = 30;

/// `docker network create`, two `docker run -d`, two `docker rm -f`,
/// `docker network rm`: each a request to dockerd, which builds the same
/// kernel objects (a bridge, two namespaces, two veth pairs) and more (the
/// containers' processes, mounts, cgroups, firewall rules).
async fn with_docker(engine: &Engine) -> Result<()> {
    let subnet = NetworkArgs {
        subnet: Some("172.31.0.0/16"),
        ..NetworkArgs::default()
    };
    engine
        .network_create("netlab-bench", "bridge", subnet)
        .await?;
    let on = || RunArgs {
        network: Some("netlab-bench"),
        ..RunArgs::default()
    };
    let red = engine.run("bench-red", on()).await?;
    let blue = engine.run("bench-blue", on()).await?;
    engine.rm(&red).await?;
    engine.rm(&blue).await?;
    engine.network_rm("netlab-bench").await
}

/// The example's topology, as in tests/benches/same_bridge.rs.
async fn with_library() -> Result<()> {
    common::same_bridge(&Lab::new("bench")).await
}

fn main() -> Result<()> {
    let runtime = common::root_runtime("the lab library's namespaces, and dockerd's socket")?;
    // Every Engine at hand: a fresh private daemon of each version `cargo
    // xtask engine` fetched (timed from start to its first API answer),
    // and yours, if one answers.
    let mut engines: Vec<(String, Engine, Option<PrivateEngine>)> = Vec::new();
    for version in ["28.5", "20.10"] {
        let dir =
            netlab_tests::run::workspace_root().join(format!("target/engines/{version}/root"));
        if !dir.join("usr/sbin/dockerd").is_file() {
            println!("Engine {version}: not fetched (cargo xtask engine {version}), left out");
            continue;
        }
        let started = Instant::now();
        let (daemon, api) = runtime.block_on(PrivateEngine::start(
            &Choice::PrivateIn(dir),
            "host",
            Forwarding::Fresh,
        ))?;
        let first_answer = started.elapsed();
        let host = runtime.block_on(Netns::open(&daemon.netns_path(), "host"))?;
        println!(
            "Engine {version}, a private daemon: first API answer {:.0} ms after it was started",
            first_answer.as_secs_f64() * 1e3
        );
        let engine = Engine::private(api, host, &daemon);
        engines.push((format!("Engine {version} (private)"), engine, Some(daemon)));
    }
    if let Ok(api) = runtime.block_on(reach::connect()) {
        let engine = Engine::new(api, runtime.block_on(Netns::current("host"))?);
        runtime.block_on(netlab_docker::cleanup::remove_leftovers(&engine))?;
        engines.push(("your Engine".to_string(), engine, None));
    }
    println!("same_bridge topology (a bridge, red, blue), build + tear down, mean of N rounds");
    let library = time(LIBRARY_ROUNDS, || runtime.block_on(with_library()))?;
    println!(
        "  lab library ({LIBRARY_ROUNDS} rounds):  {:9.2} ms",
        library.as_secs_f64() * 1e3
    );
    for (name, engine, daemon) in &engines {
        runtime.block_on(netlab_docker::image::ensure(engine))?;
        let docker = time(DOCKER_ROUNDS, || runtime.block_on(with_docker(engine)))?;
        println!(
            "  {name} ({DOCKER_ROUNDS} rounds): {:9.2} ms, {:.1} times the library's",
            docker.as_secs_f64() * 1e3,
            docker.as_secs_f64() / library.as_secs_f64()
        );
        if daemon.is_none() {
            runtime.block_on(netlab_docker::cleanup::remove_leftovers(engine))?;
        }
    }
    Ok(())
}

/// The mean wall time of `work` over `rounds` rounds, after one to warm up,
/// each 200 ms after the last (the kernel frees namespaces afterwards).
fn time(rounds: u32, mut work: impl FnMut() -> Result<()>) -> Result<Duration> {
    let mut samples = Vec::new();
    for round in 0..=rounds {
        std::thread::sleep(Duration::from_millis(200));
        let start = Instant::now();
        work()?;
        if round > 0 {
            samples.push(start.elapsed());
        }
    }
    Ok(samples.iter().sum::<Duration>() / rounds)
}
