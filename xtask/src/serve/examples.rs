//! The examples a served page may run: the book's own, those whose
//! transcript a chapter shows (`{{#output NAME}}`), each with the
//! arguments the book runs it with. Nothing of a request but the name,
//! checked against that list, reaches a command line, and no shell is
//! involved: the example's binary is started directly.
//!
//! - A from-syscalls example runs as the server runs: as root, or, as an
//!   ordinary user, rootless (the lab library enters a user namespace of
//!   its own).
//! - A `docker_*` example runs against a fresh private Docker Engine of
//!   today's release (`--engine private=DIR`, DIR from `cargo xtask
//!   engine`), in namespaces of the run's own. Starting a dockerd needs
//!   root; without it, the page says so in one line.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::engine::{self, Release};

/// Where the examples and what they need are.
pub struct Places {
    /// The book's root: its chapters (`src/`) and the recordings
    /// (`snippets/examples/NAME/`).
    pub book: PathBuf,
    /// The workspace whose cargo builds the examples.
    pub workspace: PathBuf,
    /// The built examples: `target/debug/examples/`, beside xtask's own
    /// binary (`target/debug/xtask`), as cargo lays them out.
    pub binaries: PathBuf,
    /// The fetched Docker Engines (`target/engines/`).
    pub engines: PathBuf,
    /// Whether the server runs as root.
    pub root: bool,
}

/// The Engine a `docker_*` example runs against: today's.
pub const ENGINE: Release = engine::RELEASES[0];

/// One run the page asked for: the example's binary and its fixed
/// arguments, and the command line a reader would type for it.
pub struct Plan {
    pub name: String,
    /// `--check`: the claims, not the transcript.
    pub check: bool,
    pub program: PathBuf,
    pub args: Vec<String>,
    /// `cargo run --example veth`, as the recordings' first line says it.
    pub typed: String,
    /// The recording of this situation (`engine-28` for a Docker example
    /// on today's Engine; `None`: `output.txt`).
    pub variant: Option<String>,
}

impl Places {
    /// The examples whose transcripts the chapters show, recorded as a
    /// run here would run them, in the order they first appear (chapters
    /// in `src/`, `src/docker/` included). Not those shown only as run with
    /// other arguments (`overlay_two_machines:red`, one of two machines):
    /// the server runs an example with the book's fixed arguments only.
    pub fn shown(&self) -> Vec<String> {
        let mut names = Vec::new();
        for file in markdown_files(&self.book.join("src")) {
            let text = fs::read_to_string(&file).unwrap_or_default();
            let source = file.display().to_string();
            // A chapter that does not parse does not build either; the
            // build says why.
            for directive in mdbook_netlab::directives(&text, &source).unwrap_or_default() {
                if let mdbook_netlab::Directive::Output { name, variant } = directive
                    && variant == recorded_as(&name)
                    && !names.contains(&name)
                {
                    names.push(name);
                }
            }
        }
        names
    }

    /// Why `name` cannot run here, if it cannot.
    pub fn obstacle(&self, name: &str) -> Option<String> {
        if !name.starts_with("docker_") {
            return None;
        }
        if !self.root {
            return Some(format!(
                "{name} starts a private Docker Engine, and starting dockerd needs root: serve \
                 the book as root to run it here (`sudo -E cargo xtask serve`)"
            ));
        }
        if self.engine().is_none() {
            return Some(format!(
                "{name} runs against Docker Engine {v}, which is not fetched yet: run `cargo \
                 xtask engine {v}` (about 60 MB, once), then Run again",
                v = ENGINE.version
            ));
        }
        None
    }

    /// The fetched Engine's folder, as `cargo xtask engine` prints it.
    fn engine(&self) -> Option<PathBuf> {
        let root = self.engines.join(ENGINE.version).join("root");
        let fetched = ["usr/sbin/dockerd", "usr/bin/docker"]
            .iter()
            .all(|program| root.join(program).is_file());
        fetched.then_some(root)
    }

    /// The run of `name` (with `--check`: its claims).
    pub fn plan(&self, name: &str, check: bool) -> Plan {
        let mut args = Vec::new();
        let mut typed = format!("cargo run --example {name}");
        let mut variant = None;
        if let Some(engine) = self.engine().filter(|_| name.starts_with("docker_")) {
            args = vec![
                "--engine".to_string(),
                format!("private={}", engine.display()),
            ];
            let v = ENGINE.version;
            typed = format!("sudo -E {typed} -- --engine private=$(cargo xtask engine {v})");
            variant = recorded_as(name);
        }
        if check {
            args.push("--check".to_string());
            typed.push_str(if variant.is_some() {
                " --check"
            } else {
                " -- --check"
            });
        }
        Plan {
            name: name.to_string(),
            check,
            program: self.binaries.join(name),
            args,
            typed,
            variant,
        }
    }

    /// `cargo build --example NAME`: builds the example when its code
    /// changed (cargo answers at once when nothing did). `None` when the
    /// examples are built already (`NETLAB_EXAMPLES_BUILT=1`, as `cargo
    /// xtask test` sets it): a server run as another user than the one
    /// who owns `target/` could not build there.
    pub fn build(&self, name: &str) -> Option<Command> {
        if std::env::var("NETLAB_EXAMPLES_BUILT").is_ok_and(|v| v == "1") {
            return None;
        }
        let package = match name.starts_with("docker_") {
            true => "netlab-docker",
            false => "netlab",
        };
        let mut command = crate::cargo::command();
        command
            .args(["build", "--example", name, "--package", package])
            .current_dir(&self.workspace);
        Some(command)
    }
}

/// The recording a run here makes: `engine-28` for a `docker_*` example
/// (against today's Engine), `None` (`output.txt`) for the others.
fn recorded_as(name: &str) -> Option<String> {
    let major = ENGINE.version.split('.').next().unwrap_or(ENGINE.version);
    name.starts_with("docker_")
        .then(|| format!("engine-{major}"))
}

/// The `.md` files under `dir`, in a stable order.
fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return files;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            files.extend(markdown_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "md") {
            files.push(path);
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(root: bool) -> Places {
        let workspace = crate::workspace_root().expect("the workspace");
        Places {
            book: workspace.clone(),
            binaries: workspace.join("target/debug/examples"),
            engines: PathBuf::from("/nonexistent"),
            workspace,
            root,
        }
    }

    #[test]
    fn the_examples_are_those_the_chapters_show() {
        let shown = places(false).shown();
        for name in [
            "unshare",
            "veth",
            "bridge",
            "docker_bridge",
            "drivers_measured",
        ] {
            assert!(shown.contains(&name.to_string()), "{name} in {shown:?}");
        }
        // It acts on your own Docker Engine, and no chapter shows its run.
        assert!(!shown.contains(&"docker_cleanup".to_string()));
        // Shown only as run on one of two machines, with arguments.
        assert!(!shown.contains(&"overlay_two_machines".to_string()));
        // Each is an example of the book, with its code beside its recording.
        let examples = crate::workspace_root().unwrap().join("snippets/examples");
        for name in &shown {
            assert!(examples.join(name).join("main.rs").is_file(), "{name}");
        }
    }

    #[test]
    fn a_docker_example_says_what_it_needs() {
        assert_eq!(places(false).obstacle("veth"), None);
        let rootless = places(false).obstacle("docker_dns").expect("needs root");
        assert!(rootless.contains("needs root"), "{rootless}");
        let unfetched = places(true)
            .obstacle("docker_dns")
            .expect("needs the Engine");
        assert!(unfetched.contains("cargo xtask engine 28.5"), "{unfetched}");
        let plan = places(true).plan("veth", true);
        assert_eq!(
            (plan.args.as_slice(), plan.typed.as_str()),
            (
                &["--check".to_string()][..],
                "cargo run --example veth -- --check"
            )
        );
    }
}
