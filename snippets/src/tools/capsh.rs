//! `capsh --drop=...`: a container without some of root's capabilities.

use anyhow::Result;
use caps::Capability;

use crate::{Netns, narrate};

impl Netns {
    /// `capsh --drop=...`: everything that runs inside this container from
    /// now on runs without these capabilities, as Docker runs a container
    /// without those its default set leaves out. Each is taken out of the
    /// bounding set too, so a program the container starts, even as root,
    /// cannot get it back.
    pub fn cap_drop(&self, capabilities: &[Capability]) -> Result<()> {
        let names: Vec<String> = capabilities
            .iter()
            .map(|cap| cap.to_string().to_lowercase())
            .collect();
        narrate::command(self, &format!("capsh --drop={} --", names.join(",")));
        if self.dropped.set(capabilities.to_vec()).is_err() {
            anyhow::bail!("{} already dropped its capabilities", self.name);
        }
        Ok(())
    }
}
