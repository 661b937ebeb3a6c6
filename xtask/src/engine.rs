//! `cargo xtask engine [28.5|20.10]`: a Docker Engine's binaries, fetched
//! from Debian with `apt-get download` into `target/engines/VERSION/` and
//! unpacked there with `dpkg-deb -x`: never installed, never started.
//!
//! The `docker_*` examples start them as a private daemon:
//! `cargo run --example docker_bridge -- --engine private=$(cargo xtask engine)`.
//!
//! | version | Debian suite | docker.io | containerd | the `docker` CLI |
//! |---|---|---|---|---|
//! | 28.5 (today's) | unstable (sid) | 28.5.2 | 2.1.9 | its own package, `docker-cli` |
//! | 20.10 | bookworm (Debian 12) | 20.10.24 | 1.6.20 | in `docker.io` |
//!
//! The CLI of the Engine's own version prints what the book shows after a
//! `host$ docker ...` prompt (`docker ps`, `docker node ls`), so it is
//! fetched with the Engine: `DIR/usr/bin/docker`.
//!
//! Another suite's packages come through a private apt configuration
//! ([`crate::apt`]), so the machine's apt set-up is untouched. `runc` is not fetched: unstable's
//! needs glibc 2.38, and dockerd uses the machine's (Debian's `runc`).

use anyhow::{Context, Result, bail};
use std::fs;
use std::path::{Path, PathBuf};

use crate::apt::{PrivateApt, unpack_all};

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
    /// The package of the `docker` CLI when it is not in `docker.io`.
    pub cli: Option<&'static str>,
}

/// The Engines, today's first.
pub const RELEASES: [Release; 2] = [
    Release {
        version: "28.5",
        suite: "sid",
        docker: "28.5.2+dfsg4-5",
        containerd: "2.1.9+ds1-5",
        cli: Some("docker-cli"),
    },
    Release {
        version: "20.10",
        suite: "bookworm",
        docker: "20.10.24+dfsg1-1+deb12u1+b6",
        containerd: "1.6.20~ds1-1+deb12u3",
        cli: None,
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
    // The daemon and its CLI (a folder fetched before the CLI was fetched
    // too lacks it, and is fetched again).
    if root.join("usr/sbin/dockerd").is_file() && root.join("usr/bin/docker").is_file() {
        return Ok(root);
    }
    fs::create_dir_all(&dir).with_context(|| format!("create {}", dir.display()))?;
    eprintln!(
        "engine: fetching Docker Engine {} (Debian {}'s docker.io, containerd and the docker CLI, about 60 MB, once) into {}",
        release.version,
        release.suite,
        dir.display()
    );
    let apt = PrivateApt::new(&dir, release.suite)?;
    apt.update()?;
    let debs = dir.join("debs");
    let _ = fs::remove_dir_all(&debs);
    fs::create_dir_all(&debs)?;
    let packages = [
        Some(("docker.io", release.docker)),
        Some(("containerd", release.containerd)),
        // Built from the same source package as docker.io, same version.
        release.cli.map(|cli| (cli, release.docker)),
    ];
    for (package, version) in packages.into_iter().flatten() {
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
    unpack_all(&debs, &partial)?;
    let _ = fs::remove_dir_all(&root);
    fs::rename(&partial, &root).with_context(|| format!("rename to {}", root.display()))?;
    fs::remove_dir_all(&debs)?;
    for program in ["usr/sbin/dockerd", "usr/bin/docker"] {
        if !root.join(program).is_file() {
            bail!(
                "the Docker packages of Debian {} have no {program}",
                release.suite
            );
        }
    }
    Ok(root)
}
