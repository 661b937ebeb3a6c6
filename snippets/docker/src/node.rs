//! `docker node ls`: a swarm's nodes, as a manager sees them, and their
//! states, for a run that waits for another machine to join or leave;
//! `docker node rm`: a node that left, out of the list.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use netlab::narrate;

use super::Engine;

impl Engine {
    /// `docker node ls` on a manager, once `count` nodes are Ready (a node
    /// that just joined takes a moment to report in).
    pub async fn show_nodes(&self, count: usize) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(30);
        let ready = loop {
            let ready = self
                .node_states()
                .await?
                .values()
                .filter(|state| *state == "ready")
                .count();
            if ready >= count || Instant::now() > deadline {
                break ready;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        self.docker(&["node", "ls"]).await?;
        if ready < count {
            bail!("the swarm has {ready} nodes Ready, not {count}, after 30 s");
        }
        Ok(())
    }

    /// Each node's id and state, as `docker node ls` shows them under `ID`
    /// and `STATUS`, in lower case (`ready`, `down`, `unknown`,
    /// `disconnected`); not narrated. A node that left stays in the list,
    /// `down`, until a manager removes it (`docker node rm`).
    pub async fn node_states(&self) -> Result<BTreeMap<String, String>> {
        let nodes = self
            .api
            .list_nodes(None)
            .await
            .context("list the swarm's nodes")?;
        Ok(nodes
            .into_iter()
            .map(|node| {
                let state = node.status.and_then(|status| status.state);
                let state = state.map(|state| state.to_string()).unwrap_or_default();
                (node.id.unwrap_or_default(), state)
            })
            .collect())
    }

    /// `docker node rm ID` for each node that joined after `before` was
    /// taken, once it is `down`: a worker that left stays in its managers'
    /// list, `Down`, until one of them removes it. For a swarm that goes on
    /// after the run (one that was there before it). Waits up to 20 s for
    /// them to leave; a node still in the swarm then stays.
    pub async fn rm_nodes_that_left(&self, before: &BTreeMap<String, String>) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let new = loop {
            let states = self.node_states().await?.into_iter();
            let new: Vec<_> = states.filter(|(id, _)| !before.contains_key(id)).collect();
            if new.iter().all(|(_, state)| state == "down") || Instant::now() > deadline {
                break new;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        for (id, _) in new.iter().filter(|(_, state)| state == "down") {
            narrate::command(&self.host, &format!("docker node rm {id}"));
            self.api
                .delete_node(id, None)
                .await
                .with_context(|| format!("remove the node {id} from the swarm"))?;
            narrate::output(id);
        }
        Ok(())
    }
}
