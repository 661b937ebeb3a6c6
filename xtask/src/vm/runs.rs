//! What the guest runs, in order: each example once (a `docker_*` example
//! once per Docker Engine), then the `--check` runs asked for.
//!
//! Each run has a name: its marker on the console and the stem of its
//! output files. `bridge`, `ipvlan.check`; for a Docker example, the
//! Engine's variant too, as the recordings name it: `docker_bridge.engine-28`,
//! `docker_macvlan.engine-20.check`.

use anyhow::{Context, Result, bail};
use std::fs;
use std::path::Path;
use std::time::Duration;

use crate::engine::Release;

/// Where the Engines are in the guest: `/netlab/engines/VERSION`, each
/// laid out as `cargo xtask engine` unpacks it (`usr/sbin/dockerd`).
pub const ENGINES_AT: &str = "netlab/engines";

/// One run of one example inside the guest.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// The console marker and the output files' stem.
    pub name: String,
    /// The example's binary, `/netlab/examples/EXAMPLE`.
    pub example: String,
    pub args: Vec<String>,
}

/// Whether `example` talks to a Docker Engine.
pub fn is_docker(example: &str) -> bool {
    example.starts_with("docker_")
}

/// The variant an Engine's recordings carry: `engine-28` for 28.5.
pub fn engine_variant(release: &Release) -> String {
    let major = release.version.split('.').next().unwrap_or(release.version);
    format!("engine-{major}")
}

/// The runs of `examples`, then of `checks`, against each of `engines`
/// for a Docker example.
pub fn plan(examples: &[String], checks: &[String], engines: &[Release]) -> Vec<Run> {
    let plain = examples.iter().flat_map(|e| runs_of(e, engines, false));
    let checked = checks.iter().flat_map(|e| runs_of(e, engines, true));
    plain.chain(checked).collect()
}

fn runs_of(example: &str, engines: &[Release], check: bool) -> Vec<Run> {
    let suffix = if check { ".check" } else { "" };
    if !is_docker(example) {
        let name = format!("{example}{suffix}");
        // A plain run draws its lab (a --check run prints claims only).
        let args = match check {
            true => vec!["--check".to_string()],
            false => vec!["--topology".to_string(), format!("/tmp/{name}.svg")],
        };
        return vec![Run {
            name,
            example: example.to_string(),
            args,
        }];
    }
    engines
        .iter()
        .map(|release| {
            // A private Engine of that version, started by the example as
            // on the host: `--engine private=DIR`.
            let engine = format!("private=/{ENGINES_AT}/{}", release.version);
            let mut args = vec!["--engine".to_string(), engine];
            if check {
                args.push("--check".to_string());
            }
            Run {
                name: format!("{example}.{}{suffix}", engine_variant(release)),
                example: example.to_string(),
                args,
            }
        })
        .collect()
}

/// The whole boot's limit: 2 minutes, plus 1 per run, or 4 for a run
/// against a Docker Engine (it starts a daemon under emulation).
pub fn default_limit(plan: &[Run]) -> Duration {
    let per_run = |run: &Run| if is_docker(&run.example) { 240 } else { 60 };
    Duration::from_secs(120 + plan.iter().map(per_run).sum::<u64>())
}

/// The list `/init` reads, `/etc/netlab/runs`: `NAME EXAMPLE ARGS...`,
/// one run a line (no argument holds a space).
pub fn runs_file(runs: &[Run]) -> String {
    runs.iter()
        .map(|run| format!("{} {} {}\n", run.name, run.example, run.args.join(" ")))
        .collect()
}

/// The examples to boot with: those named (any example), checked, or by
/// default every example with a recorded transcript, but
/// `drivers_measured` (it measures for half a minute, best in a release
/// build: by name only) and, unless an Engine is given, the `docker_*`
/// ones. With an Engine, the default is every `docker_*` example with an
/// Engine recording, the host's or the VM's (`docker_cleanup` has none: it
/// sweeps your Engine). `overlay_two_machines` has no recording: it needs
/// two machines and arguments.
pub fn choose(named: &[String], engines: &[Release], root: &Path) -> Result<Vec<String>> {
    let dir = root.join("snippets/examples");
    let mut all: Vec<String> = fs::read_dir(&dir)
        .with_context(|| format!("list {}", dir.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("main.rs").is_file())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    all.sort();
    if named.is_empty() {
        let docker = !engines.is_empty();
        all.retain(|name| {
            name != "drivers_measured" && is_docker(name) == docker && recorded(&dir.join(name))
        });
        return Ok(all);
    }
    for name in named {
        if !all.contains(name) {
            bail!("no example `{name}`; the examples are: {}", all.join(", "));
        }
        if is_docker(name) && engines.is_empty() {
            bail!(
                "`{name}` talks to a Docker Engine: say which, --engine 28.5 or --engine 20.10 \
                 (or both), and the guest runs it against a private Engine of that version"
            );
        }
    }
    Ok(named.to_vec())
}

/// Whether the example in `folder` has a recorded transcript: `output.txt`,
/// or for a Docker example, one of an Engine on the host or in the VM.
fn recorded(folder: &Path) -> bool {
    let name = folder.file_name().unwrap_or_default().to_string_lossy();
    let files: &[&str] = match is_docker(&name) {
        true => &["output-engine-28.txt", "output-vm-engine-28.txt"],
        false => &["output.txt"],
    };
    files.iter().any(|file| folder.join(file).is_file())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RELEASES;

    #[test]
    fn a_docker_example_runs_once_per_engine_and_names_its_variant() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let runs = plan(
            &names(&["bridge", "docker_macvlan"]),
            &names(&["ipvlan", "docker_macvlan"]),
            &RELEASES,
        );
        let listed: Vec<&str> = runs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            listed,
            [
                "bridge",
                "docker_macvlan.engine-28",
                "docker_macvlan.engine-20",
                "ipvlan.check",
                "docker_macvlan.engine-28.check",
                "docker_macvlan.engine-20.check",
            ]
        );
        assert_eq!(runs[0].args, ["--topology", "/tmp/bridge.svg"]);
        assert_eq!(
            runs[2].args,
            ["--engine", "private=/netlab/engines/20.10"],
            "the 20.10 run"
        );
        assert_eq!(runs[4].args.last().map(String::as_str), Some("--check"));
        assert_eq!(
            runs_file(&runs[..2]),
            "bridge bridge --topology /tmp/bridge.svg\n\
             docker_macvlan.engine-28 docker_macvlan --engine private=/netlab/engines/28.5\n"
        );
    }

    #[test]
    fn a_docker_example_without_an_engine_says_what_to_add() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let error = choose(&["docker_bridge".to_string()], &[], root)
            .unwrap_err()
            .to_string();
        assert!(error.contains("--engine 28.5"), "{error}");
        let all = choose(&[], &RELEASES, root).expect("the Docker examples");
        assert!(all.iter().all(|name| is_docker(name)), "{all:?}");
        assert!(all.contains(&"docker_macvlan".to_string()), "{all:?}");
        assert!(!all.contains(&"docker_cleanup".to_string()), "{all:?}");
        let plain = choose(&[], &[], root).expect("the others");
        assert!(plain.contains(&"bridge".to_string()) && !plain.iter().any(|n| is_docker(n)));
    }
}
