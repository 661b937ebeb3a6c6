//! The same_bridge topology built by a real Docker Engine (a bridge network
//! and two containers, started and removed) against the lab library
//! building it (docker0 and two container namespaces, then dropped), one
//! after the other in one run. Needs root and a running Docker Engine.
//!
//! Run it: `sudo -E cargo bench -p netlab-tests --bench docker_same_bridge`

use std::time::{Duration, Instant};

use netlab::docker::{self, Engine, NetworkArgs, RunArgs, reach};
use netlab::{Lab, Netns, Result};

/// The example itself, compiled in, as in the same_bridge benchmark.
#[allow(dead_code)]
#[path = "../../snippets/examples/same_bridge/main.rs"]
mod example;

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
    let lab = Lab::new("bench");
    let host = lab.host().await?;
    host.add_bridge("docker0").await?;
    host.add_addr("docker0", "172.17.0.1/16").await?;
    host.set_up("docker0").await?;
    example::docker_run(&lab, &host, "red", "172.17.0.2/16").await?;
    example::docker_run(&lab, &host, "blue", "172.17.0.3/16").await?;
    Ok(())
}

fn main() -> Result<()> {
    if !nix::unistd::Uid::effective().is_root() {
        eprintln!("this benchmark needs root (the lab library's namespaces, and dockerd's socket)");
        std::process::exit(1);
    }
    netlab::narrate::set_quiet(true);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let engine = runtime.block_on(async {
        let api = reach::connect().await.map_err(anyhow::Error::msg)?;
        let engine = Engine::new(api, Netns::current("host").await?, None);
        docker::cleanup::remove_leftovers(&engine).await?;
        docker::image::ensure(&engine).await?;
        anyhow::Ok(engine)
    })?;
    println!("same_bridge topology (a bridge, red, blue), build + tear down, mean of N rounds");
    let docker = time(DOCKER_ROUNDS, || runtime.block_on(with_docker(&engine)))?;
    let library = time(LIBRARY_ROUNDS, || runtime.block_on(with_library()))?;
    println!(
        "  Docker Engine ({DOCKER_ROUNDS} rounds): {:9.2} ms",
        docker.as_secs_f64() * 1e3
    );
    println!(
        "  lab library ({LIBRARY_ROUNDS} rounds):  {:9.2} ms",
        library.as_secs_f64() * 1e3
    );
    println!(
        "  ratio Docker/library: {:.1}",
        docker.as_secs_f64() / library.as_secs_f64()
    );
    runtime.block_on(docker::cleanup::remove_leftovers(&engine))?;
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
