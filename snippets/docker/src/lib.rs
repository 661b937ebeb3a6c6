//! The Docker way, for real: the lab's `docker` commands, sent to a real
//! Docker Engine through its HTTP API (bollard), narrated like the examples
//! that build the same things from syscalls.
//!
//! These examples are the exception to the lab's rule: dockerd changes the
//! machine's own network namespace (docker0, veths, firewall rules). So
//! everything they create carries the label `io.netlab=1` and a name that
//! starts with `netlab-`, is removed at the end of the run, and a run that
//! was interrupted is cleaned up by the next one ([`cleanup`]).
//!
//! # Layout
//!
//! - this file: [`run`], every `docker_*` example's `main` (read the
//!   command line, connect, clean leftovers, make the image, run, remove).
//! - [`session`]: the command line of a run and its claims.
//! - [`engine`]: [`Engine`], one Docker Engine of the run; its verbs are
//!   shaped like the `docker` CLI, one file per command:
//!   - `container`: `docker run`, `rm`, `kill`, `ps` ([`Container`]);
//!   - `network`: `docker network create`, `connect`, `inspect`, `rm`;
//!   - `info`: `docker info` and `docker network ls`;
//!   - `exec`: `docker exec`, shown as typed at the container's prompt;
//!   - [`swarm`]: `docker swarm init`, `join`, `leave`; `node`: `docker
//!     node ls`; `joined`: the note of a swarm the lab joined as a worker;
//!   - `client`: the real `docker` CLI, for what it prints.
//! - [`kernel`]: what dockerd built, read back from the kernel: veth
//!   peers, MACs, docker0; `firewall`: its iptables rules; [`overlay`]:
//!   the VNIs and the VXLAN device of an overlay network; `names`: a
//!   container's /etc/hosts and resolv.conf; [`lan`]: the LAN's view of
//!   published ports and MACVLAN containers.
//! - [`underlay`]: which device and address carry a swarm across real
//!   machines; [`ports`] (and `probe`, the manager's half): the ports a
//!   swarm needs between them, checked both ways before anything is made.
//! - [`wget`]: BusyBox's wget, from the host or a namespace.
//! - [`image`]: the one image the chapters use, `netlab/busybox`, built
//!   locally from Debian's static busybox: no registry is needed.
//! - [`cleanup`]: the label, leftovers of interrupted runs, `docker_cleanup`.
//! - [`private`] (and [`folder`], its folder): `--engine private`: a fresh
//!   dockerd in namespaces the example owns, which dies with it.
//! - [`reach`]: the one clear line when your Docker Engine does not answer.

pub mod cleanup;
mod client;
mod container;
pub mod engine;
mod exec;
mod firewall;
pub mod folder;
pub mod image;
mod info;
mod joined;
pub mod kernel;
pub mod lan;
mod names;
mod network;
mod node;
pub mod overlay;
pub mod ports;
pub mod private;
mod probe;
pub mod reach;
pub mod session;
pub mod swarm;
pub mod underlay;
pub mod wget;

use std::fs::File;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use nix::fcntl::{Flock, FlockArg};

pub use container::{Container, RunArgs};
pub use engine::Engine;
pub use network::NetworkArgs;
pub use private::{Choice, Forwarding, PrivateEngine};
pub use reach::EXIT_NO_DOCKER;
use session::Engines;
pub use session::Session;

use netlab::Netns;
use netlab::cli::Flag;
use netlab::narrate;

/// The label on every container and network these examples create (and on
/// the image and on a swarm this lab initialized).
pub const LABEL: &str = "io.netlab";
/// The prefix of every name they give (`netlab-red`, `netlab-net`).
pub const PREFIX: &str = "netlab-";
/// The image that stands in for nginx, centos and photon.
pub const IMAGE: &str = "netlab/busybox";

/// Every `docker_*` example's `main`: `fn main() -> ExitCode { docker::run(bridge) }`.
///
/// Connects to the Engine `--engine` names (yours by default, or a private
/// daemon it starts), removes what an interrupted run left, makes sure the
/// image exists, runs the example, and then, whether it succeeded or not,
/// removes everything it created before exiting. A private daemon is
/// stopped, with all it built.
///
/// When your Engine does not answer, it prints one line saying why and
/// exits with [`EXIT_NO_DOCKER`].
pub fn run(example: impl AsyncFnOnce(&Engine) -> Result<()>) -> ExitCode {
    run_with_flags(&[], example)
}

/// [`run`] for an example with flags of its own, which it reads with
/// [`Engine::flag`]: `docker::run_with_flags(&[PARENT], macvlan)`.
pub fn run_with_flags(
    flags: &[Flag],
    example: impl AsyncFnOnce(&Engine) -> Result<()>,
) -> ExitCode {
    run_engines(
        Engines::One,
        &["host"],
        flags,
        async |engines: &[Engine]| example(&engines[0]).await,
    )
}

/// [`run_with_flags`] for an example run once on each of several real
/// machines, against that machine's own Engine (`DOCKER_HOST` or
/// `/var/run/docker.sock`) and no other: it takes no `--engine`, since
/// the other machines' Engines must reach this one across your network.
/// A `--keep` among its flags leaves what it made: no sweep at the end.
pub fn run_on_this_machine(
    flags: &[Flag],
    example: impl AsyncFnOnce(&Engine) -> Result<()>,
) -> ExitCode {
    run_engines(Engines::ThisMachine, &["host"], flags, async |engines| {
        example(&engines[0]).await
    })
}

/// [`run`] for a lab of several Docker hosts, each a private Engine of its
/// own with that hostname: `docker::run_hosts(&["node1", "node2"], overlay)`.
/// Your own Engine is one host only, so these examples start private
/// Engines unless told `--engine private=DIR` (and refuse `system`).
pub fn run_hosts(hosts: &[&str], example: impl AsyncFnOnce(&[Engine]) -> Result<()>) -> ExitCode {
    run_engines(Engines::Several(hosts.len()), hosts, &[], example)
}

fn run_engines(
    engines: Engines,
    hosts: &[&str],
    flags: &[Flag],
    example: impl AsyncFnOnce(&[Engine]) -> Result<()>,
) -> ExitCode {
    let name = netlab::lab::cli::program_name();
    let session = match Session::from_command_line(&name, engines, flags) {
        Ok(Some(session)) => Arc::new(session),
        Ok(None) => return ExitCode::SUCCESS,
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(netlab::error::EXIT_USAGE);
        }
    };
    // `--check` prints the claims instead of the transcript.
    narrate::set_quiet(session.claims.is_checking());
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(async {
        let mut engines = Vec::new();
        let mut daemons = Vec::new();
        for host in hosts {
            match connect(&name, &session, host).await {
                Ok(Some((engine, daemon))) => {
                    engines.push(engine);
                    daemons.extend(daemon);
                }
                Ok(None) => return ExitCode::from(EXIT_NO_DOCKER),
                Err(error) => return netlab::error::report(&name, &error),
            }
        }
        // One Docker example at a time on your Engine: each removes the
        // others' objects as leftovers when it starts. A private Engine
        // is this run's alone.
        let _lock = match session.choice {
            Choice::System => match one_at_a_time(&name) {
                Ok(lock) => Some(lock),
                Err(error) => return netlab::error::report(&name, &error),
            },
            _ => None,
        };
        // A private Engine starts empty and dies with us: only yours has
        // leftovers to sweep and objects to remove at the end.
        let sweep = session.choice == Choice::System;
        let result = async {
            for engine in engines.iter().filter(|_| sweep) {
                let left = cleanup::remove_leftovers(engine).await?;
                if !left.is_empty() {
                    eprintln!(
                        "{name}: removed what an interrupted run left behind: {}",
                        left.join(", ")
                    );
                }
            }
            engines[0].show_version().await?;
            for engine in &engines {
                image::ensure(engine).await?;
            }
            let outcome = example(&engines).await;
            // Always clean up, and wait until it is done: the tests and the
            // next run find the machine as it was.
            // (Not with `--keep`: what the run made is left on purpose.)
            let keep = session.flags.has("--keep");
            let mut cleaned = Ok(());
            for engine in engines.iter().filter(|_| sweep && !keep) {
                cleaned = cleaned.and(cleanup::remove_run(engine).await);
            }
            outcome.and(cleaned)
        }
        .await;
        // Stops the private daemons, and everything in their namespaces.
        drop(engines);
        drop(daemons);
        match result {
            Ok(()) if session.claims.counts().1 > 0 => ExitCode::FAILURE,
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => netlab::error::report(&name, &error),
        }
    });
    if session.claims.is_checking() {
        println!("{}", session.claims.summary());
    }
    code
}

/// The Engine the session names: yours (or `None` after printing the one
/// line that says why it does not answer), or a private daemon, started,
/// whose hostname and prompt are `host`.
async fn connect(
    name: &str,
    session: &Arc<Session>,
    host: &str,
) -> Result<Option<(Engine, Option<PrivateEngine>)>> {
    if session.choice == Choice::System {
        let api = match reach::connect().await {
            Ok(api) => api,
            Err(line) => {
                eprintln!("{name}: {line}");
                return Ok(None);
            }
        };
        let netns = Netns::current(host).await?;
        let mut engine = Engine::new(api, netns);
        engine.session = session.clone();
        return Ok(Some((engine, None)));
    }
    let forwarding = session.forwarding.unwrap_or_default();
    let (daemon, api) = PrivateEngine::start(&session.choice, host, forwarding).await?;
    // The Docker host is the daemon's network namespace.
    let netns = Netns::open(&daemon.netns_path(), host).await?;
    let mut engine = Engine::private(api, netns, &daemon);
    engine.session = session.clone();
    Ok(Some((engine, Some(daemon))))
}

/// An exclusive lock on `/run/lock/netlab-docker.lock`, held until the
/// process ends (the kernel drops it even on `kill -9`).
fn one_at_a_time(name: &str) -> Result<Flock<File>> {
    let path = format!("{}/netlab-docker.lock", lock_dir());
    let file = File::create(&path).with_context(|| format!("create the lock file {path}"))?;
    match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
        Ok(lock) => Ok(lock),
        Err((file, _)) => {
            eprintln!("{name}: another Docker example is running; waiting for it to finish");
            Flock::lock(file, FlockArg::LockExclusive)
                .map_err(|(_, errno)| netlab::error::errno_error(errno))
                .with_context(|| format!("lock {path}"))
        }
    }
}

/// Where the Docker examples keep their lock, and the note of a swarm they
/// joined (`joined.rs`): `/run/lock`, a tmpfs emptied at boot, or `/tmp`.
pub(crate) fn lock_dir() -> &'static str {
    ["/run/lock", "/tmp"]
        .into_iter()
        .find(|dir| std::path::Path::new(dir).is_dir())
        .unwrap_or("/tmp")
}
