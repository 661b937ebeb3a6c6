//! `cargo xtask engine [28.5|20.10]`: a Docker Engine's binaries, fetched
//! from Debian with `apt-get download` into `target/engines/VERSION/` and
//! unpacked there with `dpkg-deb -x`: never installed, never started.
//!
//! The `docker_*` examples start them as a private daemon:
//! `cargo run --example docker_bridge -- --engine private=$(cargo xtask engine)`.
//!
//! | version | Debian suite | docker.io | containerd |
//! |---|---|---|---|
//! | 28.5 (today's) | unstable (sid) | 28.5.2 | 2.1.9 |
//! | 20.10 | bookworm (Debian 12) | 20.10.24 | 1.6.20 |
//!
//! Another suite's packages come through a private apt configuration (its
//! own sources list, package lists and cache under the cache folder), so
//! the machine's apt set-up is untouched. `runc` is not fetched: unstable's
//! needs glibc 2.38, and dockerd uses the machine's (Debian's `runc`).

use anyhow::{Context, Result, bail};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::vm::kernel::run;

/// One Engine the book is recorded against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Release {
    /// What `cargo xtask engine` is given, and the folder's name.
    pub version: &'static str,
    /// The Debian suite that carries it.
    pub suite: &'static str,
    /// The package versions the book's transcripts were recorded with.
    pub docker: &'static str,
    pub containerd: &'static str,
}

/// The Engines, today's first.
pub const RELEASES: [Release; 2] = [
    Release {
        version: "28.5",
        suite: "sid",
        docker: "28.5.2+dfsg4-5",
        containerd: "2.1.9+ds1-5",
    },
    Release {
        version: "20.10",
        suite: "bookworm",
        docker: "20.10.24+dfsg1-1+deb12u1+b6",
        containerd: "1.6.20~ds1-1+deb12u3",
    },
];

impl Release {
    pub fn parse(version: &str) -> Result<Release> {
        RELEASES
            .into_iter()
            .find(|release| release.version == version)
            .with_context(|| {
                let known: Vec<_> = RELEASES.iter().map(|r| r.version).collect();
                format!("no Engine {version}: choose one of {}", known.join(", "))
            })
    }
}

/// The folder of `release` under `cache` (`target/engines`), with its
/// binaries in `usr/sbin` and `usr/bin`: fetched now, or found there.
pub fn obtain(cache: &Path, release: Release) -> Result<PathBuf> {
    let dir = cache.join(release.version);
    let root = dir.join("root");
    if root.join("usr/sbin/dockerd").is_file() {
        return Ok(root);
    }
    fs::create_dir_all(&dir).with_context(|| format!("create {}", dir.display()))?;
    eprintln!(
        "engine: fetching Docker Engine {} (Debian {}'s docker.io and containerd, about 50 MB, once) into {}",
        release.version,
        release.suite,
        dir.display()
    );
    let apt = PrivateApt::new(&dir, release.suite)?;
    apt.update()?;
    let debs = dir.join("debs");
    let _ = fs::remove_dir_all(&debs);
    fs::create_dir_all(&debs)?;
    for (package, version) in [
        ("docker.io", release.docker),
        ("containerd", release.containerd),
    ] {
        // The version the book was recorded with; when the suite has moved
        // on, its current one (the tests then say what changed).
        let pinned = format!("{package}={version}");
        if apt.download(&debs, &pinned).is_err() {
            eprintln!(
                "engine: Debian {} no longer has {pinned}: fetching its current {package}",
                release.suite
            );
            apt.download(&debs, package)?;
        }
    }
    // Unpack into a temporary folder, then rename: an interrupted unpack
    // must not look like a fetched Engine.
    let partial = dir.join(format!("root.partial-{}", std::process::id()));
    let _ = fs::remove_dir_all(&partial);
    for deb in fs::read_dir(&debs)? {
        let deb = deb?.path();
        run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&partial))
            .with_context(|| format!("unpack {}", deb.display()))?;
    }
    let _ = fs::remove_dir_all(&root);
    fs::rename(&partial, &root).with_context(|| format!("rename to {}", root.display()))?;
    fs::remove_dir_all(&debs)?;
    if !root.join("usr/sbin/dockerd").is_file() {
        bail!(
            "the docker.io package of {} has no usr/sbin/dockerd",
            release.suite
        );
    }
    Ok(root)
}

/// apt with a sources list, package lists and cache of its own.
struct PrivateApt {
    options: Vec<String>,
}

impl PrivateApt {
    fn new(dir: &Path, suite: &str) -> Result<PrivateApt> {
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

    fn update(&self) -> Result<()> {
        run(Command::new("apt-get")
            .args(&self.options)
            .args(["-q", "update"]))
        .map(drop)
        .context("apt-get update of the private package lists (needs Debian's apt and a mirror)")
    }

    fn download(&self, dir: &Path, package: &str) -> Result<()> {
        run(Command::new("apt-get")
            .args(&self.options)
            .args(["-q", "download", package])
            .current_dir(dir))
        .map(drop)
        .with_context(|| format!("apt-get download {package}"))
    }
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
