//! The note of a swarm this lab joined as a worker, so that the next run
//! knows it may leave it.
//!
//! A swarm this lab *started* carries our label in its spec (`swarm.rs`),
//! and any later run can read it there. A worker cannot: only managers may
//! read the swarm's spec or the nodes' labels, and `docker swarm join` takes
//! no label. So a run that joins a swarm writes it down on the machine
//! itself, in a file beside the examples' lock (`/run/lock`, emptied at
//! boot): `netlab-docker-joined-` and the Engine's socket, holding the id
//! this node got in the swarm. It writes `joining` first, before the request
//! goes out: a run killed while dockerd was still joining is found too.

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::Engine;

/// What the note holds before the join request has been answered.
const JOINING: &str = "joining";

/// The note's file for `engine`: one per Engine socket.
fn path(engine: &Engine) -> PathBuf {
    let socket = engine.socket.display().to_string().replace('/', "_");
    PathBuf::from(format!(
        "{}/netlab-docker-joined-{socket}",
        super::lock_dir()
    ))
}

/// Writes `text` into the note, or says why it could not.
fn write(engine: &Engine, text: &str) -> Result<()> {
    let path = path(engine);
    std::fs::write(&path, format!("{text}\n"))
        .with_context(|| format!("note the swarm this run joins in {}", path.display()))
}

/// Before `docker swarm join`: this Engine is about to join a swarm for
/// the lab.
pub(crate) fn note_joining(engine: &Engine) -> Result<()> {
    write(engine, JOINING)
}

/// After it: the node id this Engine got (`docker info`'s `Swarm.NodeID`).
pub(crate) fn note_joined(engine: &Engine, node: &str) -> Result<()> {
    write(engine, node)
}

/// After `docker swarm leave`, or when the note is stale: no swarm of ours.
pub(crate) fn forget(engine: &Engine) -> Result<()> {
    let path = path(engine);
    match std::fs::remove_file(&path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(error).with_context(|| format!("remove the note {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// Whether this Engine's swarm membership is one this lab joined: the note
/// names the node id it has now, or says it was joining when its run ended.
pub(crate) async fn ours(engine: &Engine) -> Result<bool> {
    let Ok(note) = std::fs::read_to_string(path(engine)) else {
        return Ok(false);
    };
    let node = engine.swarm_node_id().await?;
    Ok(matches!(note.trim(), JOINING) || note.trim() == node)
}
