//! Comparing a fresh run with its recording, masked, with a diff when they
//! differ; or, with `NETLAB_RECORD=1`, re-recording it.

use std::path::Path;

use netlab_mask::mask;

use super::{output_path, recording, topology_path};

/// Compares a fresh transcript with the recorded one; re-records it when
/// `NETLAB_RECORD=1`. Panics with a unified diff when they differ.
pub fn check(example: &str, stdout: &str) {
    check_at(example, stdout, &output_path(example));
}

/// [`check`] against the recording at `path` (see [`super::variant_path`]). The
/// recording keeps the run's real values (MACs, times, inode numbers): the
/// book shows what a run printed; only the comparison masks them.
pub fn check_at(example: &str, stdout: &str, path: &Path) {
    let command = format!("cargo run --example {example}");
    check_raw(example, &command, stdout, path);
}

/// Compares a fresh transcript with the recording at `path`, and never
/// re-records it (for a run that checks another run's recording).
pub fn compare(example: &str, stdout: &str, path: &Path) {
    let fresh = format!("$ cargo run --example {example}\n{stdout}");
    compare_masked(example, &fresh, path);
}

/// The claims a `--check` run printed (`PASS ...` lines and the summary),
/// recorded as `claims.txt` next to `output.txt`: the book lists them
/// (`{{#claims NAME}}`). They hold no run-to-run values.
pub fn check_claims(example: &str, stdout: &str) {
    let path = output_path(example).with_file_name("claims.txt");
    compare_or_record(example, "claims", &path, Some(stdout));
}

/// [`check_claims`] for a run somewhere else (`claims-VARIANT.txt`: the
/// VM's, `vm`, for an example this machine's kernel cannot run).
pub fn check_claims_at(example: &str, stdout: &str, variant: &str) {
    let path = output_path(example).with_file_name(format!("claims-{variant}.txt"));
    compare_or_record(example, "claims", &path, Some(stdout));
}

/// The same for the picture `--topology` drew; `None` when the example drew
/// none (its lab had no namespace), and then none may be recorded either.
pub fn check_topology(example: &str, svg: Option<&str>) {
    compare_or_record(example, "topology picture", &topology_path(example), svg);
}

/// The picture a run elsewhere drew (`topology-VARIANT.svg`: the VM's, for
/// an example whose lab this machine's kernel cannot build).
pub fn check_topology_at(example: &str, svg: Option<&str>, variant: &str) {
    let path = output_path(example).with_file_name(format!("topology-{variant}.svg"));
    compare_or_record(example, "topology picture", &path, svg);
}

/// Compares the transcript of `command` (what the reader types, the
/// recording's first line) with the recording at `path`, both masked; with
/// `NETLAB_RECORD=1`, records it as it is, real values and all: the book
/// shows what a run printed, and only the comparison ignores the noise.
pub fn check_raw(example: &str, command: &str, stdout: &str, path: &Path) {
    let fresh = format!("$ {command}\n{stdout}");
    if recording() {
        compare_or_record(example, "transcript", path, Some(&fresh));
        return;
    }
    compare_masked(example, &fresh, path);
}

/// A recording and a fresh transcript (first line included), each masked,
/// must be equal; else a panic with the diff.
fn compare_masked(example: &str, fresh: &str, path: &Path) {
    let recorded = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "the {example} example's transcript is not recorded at {}: {e}; \
             re-record: NETLAB_RECORD=1 cargo test -p netlab-tests",
            path.display()
        )
    });
    let (recorded, fresh) = (mask(example, &recorded), mask(example, fresh));
    if recorded != fresh {
        let diff = similar::TextDiff::from_lines(&recorded, &fresh)
            .unified_diff()
            .header("recorded (masked)", "this run (masked)")
            .to_string();
        panic!(
            "the {example} example's transcript drifted from {}:\n{diff}\n\
             If the change is intended, re-record: NETLAB_RECORD=1 cargo test -p netlab-tests",
            path.display()
        );
    }
}

/// With `NETLAB_RECORD=1`, writes `fresh` to `path` (or removes a stale
/// recording where the run made none); otherwise compares them.
fn compare_or_record(example: &str, what: &str, path: &Path, fresh: Option<&str>) {
    if recording() {
        match fresh {
            Some(fresh) => {
                // Write, then rename: a reader never sees half a file.
                let partial = path.with_extension("partial");
                std::fs::write(&partial, fresh)
                    .unwrap_or_else(|e| panic!("write {}: {e}", partial.display()));
                std::fs::rename(&partial, path)
                    .unwrap_or_else(|e| panic!("rename to {}: {e}", path.display()));
            }
            None => match std::fs::remove_file(path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => panic!("remove the stale {}: {e}", path.display()),
            },
        }
        return;
    }
    compare_only(example, what, path, fresh);
}

/// A recording and a fresh `what` (a picture, a list of claims) must be
/// equal as they are, nothing masked; else a panic with the diff, or with
/// what to do when one of them is missing.
fn compare_only(example: &str, what: &str, path: &Path, fresh: Option<&str>) {
    let file = path.file_name().unwrap_or_default().to_string_lossy();
    let recorded = match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => panic!("read {}: {e}", path.display()),
    };
    let record = "re-record: NETLAB_RECORD=1 cargo test -p netlab-tests";
    match (recorded.as_deref(), fresh) {
        (None, None) => {}
        (None, Some(_)) => panic!(
            "the {example} example's {what} is not recorded at {}: {record}",
            path.display()
        ),
        (Some(_), None) => panic!(
            "the {example} example made no {what} this run, but {} exists: \
             if that is intended, {record}",
            path.display()
        ),
        (Some(recorded), Some(fresh)) if recorded != fresh => {
            let diff = similar::TextDiff::from_lines(recorded, fresh)
                .unified_diff()
                .header(&format!("recorded {file}"), "this run")
                .to_string();
            panic!(
                "the {example} example's {what} drifted from {}:\n{diff}\n\
                 If the change is intended, {record}",
                path.display()
            );
        }
        _ => {}
    }
}
