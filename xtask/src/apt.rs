//! apt with a sources list, package lists and cache of its own, for
//! another Debian suite's packages: `apt-get download` only, never
//! `install`. `cargo xtask engine` fetches Docker Engines with it and
//! `cargo xtask rootfs` the recap chapter's two small distributions; the
//! machine's own apt set-up (its sources, lists and cache) is untouched.

use anyhow::{Context, Result};
use std::fs;
use std::path::Path;
use std::process::Command;

use crate::process::run;

/// apt with a sources list, package lists and cache of its own.
pub struct PrivateApt {
    options: Vec<String>,
}

impl PrivateApt {
    pub fn new(dir: &Path, suite: &str) -> Result<PrivateApt> {
        let apt = dir.join("apt");
        for sub in ["lists/partial", "cache/archives/partial"] {
            fs::create_dir_all(apt.join(sub))?;
        }
        let sources = apt.join("sources.list");
        fs::write(&sources, format!("deb {} {suite} main\n", mirror()))
            .with_context(|| format!("write {}", sources.display()))?;
        let options = [
            format!("Dir::Etc::sourcelist={}", sources.display()),
            "Dir::Etc::sourceparts=/dev/null".to_string(),
            format!("Dir::State::Lists={}", apt.join("lists").display()),
            format!("Dir::Cache={}", apt.join("cache").display()),
        ];
        Ok(PrivateApt {
            options: options
                .into_iter()
                .flat_map(|option| ["-o".to_string(), option])
                .collect(),
        })
    }

    pub fn update(&self) -> Result<()> {
        run(Command::new("apt-get")
            .args(&self.options)
            .args(["-q", "update"]))
        .map(drop)
        .context("apt-get update of the private package lists (needs Debian's apt and a mirror)")
    }

    pub fn download(&self, dir: &Path, package: &str) -> Result<()> {
        run(Command::new("apt-get")
            .args(&self.options)
            .args(["-q", "download", package])
            .current_dir(dir))
        .map(drop)
        .with_context(|| format!("apt-get download {package}"))
    }
}

/// `dpkg-deb -x` of every `.deb` in `debs` into `into` (made anew): the
/// packages' files, without running their scripts or telling dpkg.
pub fn unpack_all(debs: &Path, into: &Path) -> Result<()> {
    let _ = fs::remove_dir_all(into);
    for deb in fs::read_dir(debs).with_context(|| format!("list {}", debs.display()))? {
        let deb = deb?.path();
        run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(into))
            .with_context(|| format!("unpack {}", deb.display()))?;
    }
    Ok(())
}

/// The Debian mirror the machine's own sources use (deb822 `URIs:` or a
/// one-line `deb URL suite`), else Debian's own.
fn mirror() -> String {
    let mut texts = vec![fs::read_to_string("/etc/apt/sources.list").unwrap_or_default()];
    if let Ok(entries) = fs::read_dir("/etc/apt/sources.list.d") {
        for entry in entries.flatten() {
            texts.push(fs::read_to_string(entry.path()).unwrap_or_default());
        }
    }
    let is_debian = |url: &str| url.ends_with("/debian") || url.ends_with("/debian/");
    for text in &texts {
        for line in text.lines().map(str::trim) {
            let url = line.strip_prefix("URIs:").map(str::trim).or_else(|| {
                line.strip_prefix("deb ")
                    .and_then(|rest| rest.split_whitespace().find(|word| word.contains("://")))
            });
            if let Some(url) = url.and_then(|u| u.split_whitespace().find(|u| is_debian(u))) {
                return url.trim_end_matches('/').to_string();
            }
        }
    }
    "http://deb.debian.org/debian".to_string()
}
