//! `sysctl -w KEY=VALUE`: the kernel's settings under `/proc/sys`.

use anyhow::{Context, Result};

use crate::{Netns, narrate};

impl Netns {
    /// `sysctl -w KEY=VALUE` inside this namespace. Most of `net.*` is per
    /// namespace: /proc/sys/net shows the namespace of the thread that opens
    /// it, so the file is written from a thread inside ([`Netns::run`]).
    pub fn sysctl(&self, key: &str, value: &str) -> Result<()> {
        narrate::command(self, &format!("sysctl -w {key}={value}"));
        let path = format!("/proc/sys/{}", key.replace('.', "/"));
        self.run(|| {
            std::fs::write(&path, value)
                .with_context(|| format!("set {key}={value} in {}", self.name))
        })?;
        // sysctl echoes the setting it wrote.
        narrate::output(&format!("{key} = {value}"));
        Ok(())
    }
}
