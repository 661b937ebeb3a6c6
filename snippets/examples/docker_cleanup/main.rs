//! Removes everything the Docker examples created: containers and networks
//! labelled `io.netlab=1`, a swarm this lab initialized, the MACVLAN
//! example's veth pair `netlab-mv0`, and the image `netlab/busybox`.
//!
//! Equivalent to:
//!
//! ```text
//! docker rm -f $(docker ps -aq --filter label=io.netlab)
//! docker network rm $(docker network ls -q --filter label=io.netlab)
//! docker swarm leave --force    # only a swarm whose spec has the label
//! ip link delete netlab-mv0
//! docker rmi netlab/busybox
//! ```
//!
//! Run it: `sudo -E cargo run --example docker_cleanup`. Every Docker example
//! already does this (but for the image) at its end, and for an interrupted
//! run's leftovers at its start.

use std::process::ExitCode;

use netlab::Netns;
use netlab_docker::{EXIT_NO_DOCKER, Engine, cleanup, reach};

fn main() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let Ok(runtime) = runtime else {
        eprintln!("error: start the async runtime");
        return ExitCode::FAILURE;
    };
    runtime.block_on(async {
        let api = match reach::connect().await {
            Ok(api) => api,
            Err(line) => {
                eprintln!("docker_cleanup: {line}");
                return ExitCode::from(EXIT_NO_DOCKER);
            }
        };
        let removed = async {
            let engine = Engine::new(api, Netns::current("host").await?);
            cleanup::remove_everything(&engine).await
        };
        match removed.await {
            Ok(removed) if removed.is_empty() => println!("nothing to remove"),
            Ok(removed) => {
                for thing in removed {
                    println!("removed {thing}");
                }
            }
            Err(error) => {
                eprintln!("error: {error:#}");
                return ExitCode::FAILURE;
            }
        }
        ExitCode::SUCCESS
    })
}
