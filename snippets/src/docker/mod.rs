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
//! - this file: [`run`], every `docker_*` example's `main` (connect, clean
//!   leftovers, make the image, run, remove), and [`Engine`], whose verbs
//!   are shaped like the `docker` CLI (`run`, `exec`, `rm`, `network_create`).
//! - [`image`]: the one image the chapters use, `netlab/busybox`, built
//!   locally from Debian's static busybox: no registry is needed.
//! - [`cleanup`]: the label, leftovers of interrupted runs, `docker_cleanup`.
//! - [`kernel`]: what dockerd built, read back from the kernel: DNAT rules,
//!   veth peers, VXLAN and MACVLAN devices.
//! - [`swarm`]: `docker swarm init`, and the VXLAN device of an overlay
//!   network, in the namespace dockerd made for it.
//! - [`private`]: `--engine private`: a fresh dockerd in namespaces the
//!   example owns, which dies with it.
//! - [`reach`]: the one clear line when your Docker Engine does not answer.
//! - `show`: what `docker info`, `docker network ls` and `docker network
//!   inspect` print, the fields that matter.

pub mod cleanup;
mod engine;
pub mod image;
pub mod kernel;
pub mod private;
pub mod reach;
mod show;
pub mod swarm;

use std::fs::File;
use std::process::ExitCode;

use anyhow::{Context, Result};
use nix::fcntl::{Flock, FlockArg};

pub use engine::{Container, Engine, RunArgs};
pub use private::{Choice, PrivateEngine};
pub use reach::EXIT_NO_DOCKER;
pub use show::NetworkArgs;

use crate::Netns;

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
    let name = std::env::args()
        .next()
        .and_then(|path| path.rsplit('/').next().map(str::to_string))
        .unwrap_or_else(|| "docker".to_string());
    let args = match Args::parse(&name, std::env::args().skip(1)) {
        Ok(args) => args,
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(crate::error::EXIT_USAGE);
        }
    };
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
    runtime.block_on(async {
        let (engine, daemon) = match connect(&name, &args).await {
            Ok(Some(connected)) => connected,
            Ok(None) => return ExitCode::from(EXIT_NO_DOCKER),
            Err(error) => return crate::error::report(&name, &error),
        };
        // One Docker example at a time on your Engine: each removes the
        // others' objects as leftovers when it starts. A private Engine
        // is this run's alone.
        let _lock = match &daemon {
            None => match one_at_a_time(&name) {
                Ok(lock) => Some(lock),
                Err(error) => return crate::error::report(&name, &error),
            },
            Some(_) => None,
        };
        let result = async {
            let left = cleanup::remove_leftovers(&engine).await?;
            if !left.is_empty() {
                eprintln!(
                    "{name}: removed what an interrupted run left behind: {}",
                    left.join(", ")
                );
            }
            engine.show_version().await?;
            image::ensure(&engine).await?;
            let outcome = example(&engine).await;
            // Always clean up, and wait until it is done: the tests and the
            // next run find the machine as it was.
            let cleaned = cleanup::remove_run(&engine).await;
            outcome.and(cleaned)
        }
        .await;
        // Stops a private daemon, and everything in its namespaces.
        drop(daemon);
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => crate::error::report(&name, &error),
        }
    })
}

/// The Engine `--engine` names: yours (or `None` after printing the one
/// line that says why it does not answer), or a private daemon, started.
async fn connect(name: &str, args: &Args) -> Result<Option<(Engine, Option<PrivateEngine>)>> {
    if args.engine == Choice::System {
        let api = match reach::connect().await {
            Ok(api) => api,
            Err(line) => {
                eprintln!("{name}: {line}");
                return Ok(None);
            }
        };
        let host = Netns::current("host").await?;
        let engine = Engine::new(api, host, args.parent.clone());
        return Ok(Some((engine, None)));
    }
    let (daemon, api) = PrivateEngine::start(&args.engine, "host").await?;
    // The Docker host is the daemon's network namespace.
    let host = Netns::open(&daemon.netns_path(), "host").await?;
    let mut engine = Engine::new(api, host, args.parent.clone());
    engine.netns_dir = daemon.netns_dir();
    Ok(Some((engine, Some(daemon))))
}

/// The command line of a `docker_*` example.
#[derive(Debug, Default, PartialEq)]
pub struct Args {
    /// `--engine system|private|private=DIR`.
    pub engine: Choice,
    /// `--parent IFACE` (MACVLAN only): use a real interface instead of the
    /// lab's own veth pair.
    pub parent: Option<String>,
}

impl Args {
    /// Parses the arguments after the program's name, or returns the usage
    /// message with what was wrong.
    pub fn parse(name: &str, args: impl IntoIterator<Item = String>) -> Result<Args, String> {
        let macvlan = name == "docker_macvlan";
        let usage = |problem: &str| {
            let extra = if macvlan { " [--parent IFACE]" } else { "" };
            format!(
                "usage: cargo run --example {name} [-- --engine ENGINE]{extra}\n  \
                 --engine system       your Docker Engine (DOCKER_HOST or /var/run/docker.sock), the default\n  \
                 --engine private      a fresh dockerd of the PATH, in namespaces of this run, gone when it ends\n  \
                 --engine private=DIR  the same with the Engine in DIR (`cargo xtask engine` prints one)\n\
                 {problem}"
            )
        };
        let mut parsed = Args::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => {
                    (flag.to_string(), Some(value.to_string()))
                }
                _ => (arg.clone(), None),
            };
            let mut value = || inline.clone().or_else(|| args.next());
            match flag.as_str() {
                "--engine" => {
                    let value = value().ok_or_else(|| usage("--engine needs a value"))?;
                    parsed.engine = Choice::parse(&value).map_err(|e| usage(&e))?;
                }
                "--parent" if macvlan => {
                    parsed.parent = Some(value().ok_or_else(|| usage("--parent needs an IFACE"))?);
                }
                _ => return Err(usage(&format!("unknown argument: {arg}"))),
            }
        }
        Ok(parsed)
    }
}
/// An exclusive lock on `/run/lock/netlab-docker.lock`, held until the
/// process ends (the kernel drops it even on `kill -9`).
fn one_at_a_time(name: &str) -> Result<Flock<File>> {
    let dir = ["/run/lock", "/tmp"]
        .into_iter()
        .find(|dir| std::path::Path::new(dir).is_dir())
        .unwrap_or("/tmp");
    let path = format!("{dir}/netlab-docker.lock");
    let file = File::create(&path).with_context(|| format!("create the lock file {path}"))?;
    match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
        Ok(lock) => Ok(lock),
        Err((file, _)) => {
            eprintln!("{name}: another Docker example is running; waiting for it to finish");
            Flock::lock(file, FlockArg::LockExclusive)
                .map_err(|(_, errno)| crate::error::errno_error(errno))
                .with_context(|| format!("lock {path}"))
        }
    }
}
