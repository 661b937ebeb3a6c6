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
//! - [`reach`]: the one clear line when no Docker Engine answers.
//! - `show`: what `docker info`, `docker network ls` and `docker network
//!   inspect` print, the fields that matter.

pub mod cleanup;
mod engine;
pub mod image;
pub mod kernel;
pub mod reach;
mod show;
pub mod swarm;

use std::fs::File;
use std::process::ExitCode;

use anyhow::{Context, Result};
use nix::fcntl::{Flock, FlockArg};

pub use engine::{Container, Engine, RunArgs};
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
/// Connects to the Engine (or prints one line saying why it could not, and
/// exits with [`EXIT_NO_DOCKER`]), removes what an interrupted run left,
/// makes sure the image exists, runs the example, and then, whether it
/// succeeded or not, removes everything it created before exiting.
pub fn run(example: impl AsyncFnOnce(&Engine) -> Result<()>) -> ExitCode {
    let name = std::env::args()
        .next()
        .and_then(|path| path.rsplit('/').next().map(str::to_string))
        .unwrap_or_else(|| "docker".to_string());
    let parent = match parse_args(&name) {
        Ok(parent) => parent,
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
        let api = match reach::connect().await {
            Ok(api) => api,
            Err(line) => {
                eprintln!("{name}: {line}");
                return ExitCode::from(EXIT_NO_DOCKER);
            }
        };
        // One Docker example at a time: each removes the others' objects
        // as leftovers when it starts.
        let _lock = match one_at_a_time(&name) {
            Ok(lock) => lock,
            Err(error) => return report(&error),
        };
        let result = async {
            let host = Netns::current("host").await?;
            let engine = Engine::new(api, host, parent);
            let left = cleanup::remove_leftovers(&engine).await?;
            if !left.is_empty() {
                eprintln!(
                    "{name}: removed what an interrupted run left behind: {}",
                    left.join(", ")
                );
            }
            image::ensure(&engine).await?;
            let outcome = example(&engine).await;
            // Always clean up, and wait until it is done: the tests and the
            // next run find the machine as it was.
            let cleaned = cleanup::remove_run(&engine).await;
            outcome.and(cleaned)
        }
        .await;
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => report(&error),
        }
    })
}

fn report(error: &anyhow::Error) -> ExitCode {
    eprintln!("error: {error}");
    for cause in error.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
    ExitCode::FAILURE
}

/// `--parent IFACE` (MACVLAN only): use a real interface instead of the
/// lab's own veth pair.
fn parse_args(name: &str) -> Result<Option<String>, String> {
    let mut args = std::env::args().skip(1);
    let mut parent = None;
    while let Some(arg) = args.next() {
        match (arg.as_str(), name) {
            ("--parent", "docker_macvlan") => parent = args.next(),
            _ => {
                let extra = if name == "docker_macvlan" {
                    " [-- --parent IFACE]"
                } else {
                    ""
                };
                return Err(format!(
                    "usage: cargo run --example {name}{extra}\nunknown argument: {arg}"
                ));
            }
        }
    }
    Ok(parent)
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
