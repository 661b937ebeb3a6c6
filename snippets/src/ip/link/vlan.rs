//! `ip link add link PARENT name NAME type vlan id ID`: an 802.1Q VLAN
//! device (`eth0.20`), the parent's traffic tagged with one VLAN id.

use anyhow::{Context, Result};
use rtnetlink::LinkVlan;

use crate::{Netns, narrate};

impl Netns {
    /// `ip link add link PARENT name NAME type vlan id ID`: a sub-interface
    /// that sends PARENT's frames with an 802.1Q tag (VLAN id ID) and
    /// receives only the frames tagged with it. Needs the kernel's 8021q
    /// support: without it, the kernel answers EOPNOTSUPP.
    pub async fn add_vlan(&self, name: &str, parent: &str, id: u16) -> Result<()> {
        let command = format!("ip link add link {parent} name {name} type vlan id {id}");
        narrate::command(self, &command);
        let message = LinkVlan::new(name, self.index_of(parent).await?, id).build();
        self.add_link(message)
            .await
            .with_context(|| format!("add the VLAN device {name} on {parent} in {}", self.name))
    }
}
