//! `ip link add NAME type bridge`: a software switch.
//!
//! A bridge forwards Ethernet frames between the devices plugged into it
//! (its ports, `ip link set DEV master NAME`), learning behind which port
//! each MAC address is (its forwarding database: `bridge fdb`). Given an
//! address of its own, it is also the host's device on that network, as
//! docker0 is.

use anyhow::{Context, Result};
use rtnetlink::LinkBridge;

use crate::{Netns, narrate};

impl Netns {
    /// `ip link add NAME type bridge`.
    pub async fn add_bridge(&self, name: &str) -> Result<()> {
        narrate::command(self, &format!("ip link add {name} type bridge"));
        let message = LinkBridge::new(name).build();
        self.add_link(message)
            .await
            .with_context(|| format!("add the bridge {name} in {}", self.name))
    }
}
