//! Removing what the Docker examples created: at the end of each run, at
//! the start of the next (an interrupted run's leftovers), and on request
//! (`cargo run --example docker_cleanup`).
//!
//! Docker's objects outlive the program that asked for them: a container,
//! a network or a swarm belongs to dockerd, not to our process, so a
//! `kill -9` leaves them behind (unlike the other examples' namespaces).
//! We find ours by the label `io.netlab=1`, and the lab's MACVLAN parent by
//! its name `netlab-mv0`.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use bollard::query_parameters::{
    LeaveSwarmOptionsBuilder, ListContainersOptionsBuilder, ListNetworksOptionsBuilder,
    RemoveImageOptionsBuilder,
};

use super::container::remove_container;
use super::engine::our_label;
use super::network::remove_network;
use super::{Engine, IMAGE, LABEL, joined};

/// The veth pair the MACVLAN example makes as its parent interface.
pub const MACVLAN_PARENT: &str = "netlab-mv0";

/// Removes every container and network with our label, a swarm this lab
/// initialized, and the MACVLAN parent; returns what it removed.
///
/// A run killed midway leaves things half done, and the sweep takes each
/// as it finds it: a container already gone counts as removed, one whose
/// removal is in progress is waited for, and a failure does not stop the
/// rest: every failure is reported at the end, together.
pub async fn remove_leftovers(engine: &Engine) -> Result<Vec<String>> {
    let mut removed = Vec::new();
    let mut failed: Vec<String> = Vec::new();
    let filters = our_label();
    let options = ListContainersOptionsBuilder::default()
        .all(true)
        .filters(&filters)
        .build();
    let containers = engine
        .api
        .list_containers(Some(options))
        .await
        .context("list this lab's containers")?;
    for container in containers {
        let id = container.id.unwrap_or_default();
        let name = container
            .names
            .and_then(|names| names.first().cloned())
            .unwrap_or_else(|| id.clone());
        let name = name.trim_start_matches('/');
        match remove_container(&engine.api, &id).await {
            Ok(()) => removed.push(format!("container {name}")),
            Err(error) => failed.push(format!("remove the container {name}: {error}")),
        }
    }
    let options = ListNetworksOptionsBuilder::default()
        .filters(&filters)
        .build();
    let networks = engine
        .api
        .list_networks(Some(options))
        .await
        .context("list this lab's networks")?;
    // A worker cannot remove a swarm's network: it leaves this node with
    // its last container here, or with the swarm.
    let manager = engine.is_manager().await?;
    for network in networks {
        if network.scope.as_deref() == Some("swarm") && !manager {
            continue;
        }
        let name = network.name.unwrap_or_default();
        match remove_network(&engine.api, &name).await {
            Ok(()) => removed.push(format!("network {name}")),
            Err(error) => failed.push(format!("remove the network {name}: {error}")),
        }
    }
    match leave_our_swarm(engine).await {
        Ok(true) => {
            // Whoever made this swarm made docker_gwbridge too.
            *engine.gwbridge_ours.lock().expect("no panics while held") = true;
            removed.push("swarm membership".to_string());
        }
        Ok(false) => {}
        Err(error) => failed.push(format!("{error:#}")),
    }
    // Leaving a swarm keeps docker_gwbridge, the bridge that gave overlay
    // containers their way out. Ours made it: it goes too, unless a
    // container (not ours) still uses it.
    if *engine.gwbridge_ours.lock().expect("no panics while held")
        && engine.api.remove_network("docker_gwbridge").await.is_ok()
    {
        *engine.gwbridge_ours.lock().expect("no panics while held") = false;
        removed.push("network docker_gwbridge".to_string());
    }
    if engine.host.link(MACVLAN_PARENT).await.is_ok() {
        // Deleting one end of a veth pair deletes both. Not narrated: this
        // is housekeeping, not a step of the lab.
        let _quiet = netlab::narrate::hush();
        match engine.host.del_link(MACVLAN_PARENT).await {
            Ok(()) => removed.push(format!("link {MACVLAN_PARENT}")),
            Err(error) => failed.push(format!(
                "delete the lab's veth pair {MACVLAN_PARENT}: {error}"
            )),
        }
    }
    if !failed.is_empty() {
        bail!(
            "removed {}, but could not:\n  {}",
            if removed.is_empty() {
                "nothing".to_string()
            } else {
                removed.join(", ")
            },
            failed.join("\n  ")
        );
    }
    Ok(removed)
}

/// Leaves the swarm if this lab initialized it (its spec carries our
/// label, sent in the `swarm init` request itself, so even a run killed
/// right after it is recognised), or joined it as a worker (the note
/// `joined.rs` keeps). A node still joining or leaving (`pending`) is
/// waited for first. True if it left.
pub(crate) async fn leave_our_swarm(engine: &Engine) -> Result<bool> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match engine.swarm_state().await?.as_str() {
            // In no swarm: a note of one is stale.
            "" | "inactive" => return joined::forget(engine).map(|()| false),
            "pending" if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            _ => break,
        }
    }
    let (ours, manager) = match engine.api.inspect_swarm().await {
        Ok(swarm) => {
            let labels = swarm.spec.and_then(|spec| spec.labels);
            (
                labels.is_some_and(|labels| labels.contains_key(LABEL)),
                true,
            )
        }
        // Only a manager may inspect the swarm: this is a worker, ours if
        // a run of the lab noted that it joined.
        Err(_) => (joined::ours(engine).await?, false),
    };
    if ours {
        leave_swarm(engine, manager).await?;
    }
    Ok(ours)
}

/// The end of a run: the same sweep, silently. The examples remove their
/// containers themselves, in the transcript; this catches what an error
/// in the middle left.
pub async fn remove_run(engine: &Engine) -> Result<()> {
    remove_leftovers(engine).await.map(|_| ())
}

/// `docker swarm leave`, with `--force` for a manager (`force`): the last
/// manager of a swarm may leave only by force, since it ends the swarm.
/// The note of a swarm the lab joined goes too.
pub async fn leave_swarm(engine: &Engine, force: bool) -> Result<()> {
    let options = LeaveSwarmOptionsBuilder::default().force(force).build();
    engine
        .api
        .leave_swarm(Some(options))
        .await
        .context("leave the swarm this lab started or joined")?;
    *engine.swarm_ours.lock().expect("no panics while held") = false;
    joined::forget(engine)
}

/// `cargo run --example docker_cleanup`: everything, and the image too.
pub async fn remove_everything(engine: &Engine) -> Result<Vec<String>> {
    let mut removed = remove_leftovers(engine).await?;
    if engine.api.inspect_image(IMAGE).await.is_ok() {
        let options = RemoveImageOptionsBuilder::default().force(true).build();
        engine
            .api
            .remove_image(IMAGE, Some(options), None)
            .await
            .with_context(|| format!("remove the image {IMAGE}"))?;
        removed.push(format!("image {IMAGE}"));
    }
    Ok(removed)
}
