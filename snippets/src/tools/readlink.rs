//! `readlink /proc/self/ns/net`: which network namespace a process is in.

use anyhow::{Context, Result};

use crate::{Netns, narrate};

impl Netns {
    /// `readlink /proc/self/ns/net`: the namespace's identity, the inode
    /// number of its file in the kernel's nsfs. Two processes are in the same
    /// network namespace exactly when these are equal.
    ///
    /// Read as the command reads it, from a thread inside the namespace:
    /// for a container on the host network (one more name for the host's
    /// namespace) it is the host's number.
    pub fn show_identity(&self) -> Result<u64> {
        narrate::command(self, "readlink /proc/self/ns/net");
        let link = self.run(|| {
            std::fs::read_link("/proc/thread-self/ns/net")
                .with_context(|| format!("readlink /proc/thread-self/ns/net in {}", self.name))
        })?;
        let link = link.to_string_lossy().into_owned();
        let inode = link
            .strip_prefix("net:[")
            .and_then(|rest| rest.strip_suffix(']'))
            .and_then(|number| number.parse().ok());
        let inode = inode.with_context(|| format!("{link:?} is not net:[INODE]"))?;
        narrate::output(&link);
        Ok(inode)
    }
}
