//! Recorded transcripts: `snippets/examples/NAME/output.txt`, and the
//! topology pictures drawn by the same runs: `snippets/examples/NAME/topology.svg`.
//!
//! The book shows each example's output from this file. A test run compares
//! the fresh transcript with it and fails with a diff when they differ; with
//! `NETLAB_RECORD=1` it writes the file instead. Only values that change
//! from run to run are masked, each with a placeholder a reader understands.
//! A picture holds no such values (it names, never numbers), so it is
//! compared as it is.
//!
//! # Layout
//!
//! - this file: where each recording lives, and whether this run records.
//! - `check.rs`: compare a fresh run with its recording, or re-record it
//!   ([`check`], [`check_raw`], [`check_claims`], [`check_topology`], ...).
//! - the values that change from run to run are masked ([`mask`],
//!   [`normalize`]) by the crate `netlab-mask` (`tests/mask/`), which the
//!   served book's "Run on this machine" (`cargo xtask serve`) shares.

mod check;

use std::path::PathBuf;

pub use check::{
    check, check_at, check_claims, check_claims_at, check_raw, check_topology, check_topology_at,
    compare,
};
pub use netlab_mask::{mask, normalize};

use crate::run::workspace_root;

/// True when this run re-records the outputs (`NETLAB_RECORD=1`) instead
/// of comparing with them.
pub fn recording() -> bool {
    std::env::var("NETLAB_RECORD").is_ok_and(|v| v == "1")
}

/// The recorded output's path.
pub fn output_path(example: &str) -> PathBuf {
    workspace_root()
        .join("snippets/examples")
        .join(example)
        .join("output.txt")
}

/// The recorded picture's path.
pub fn topology_path(example: &str) -> PathBuf {
    output_path(example).with_file_name("topology.svg")
}

/// The recorded output of the same example run somewhere else, when it
/// prints something else there: `output-VARIANT.txt` next to `output.txt`
/// (`output-vm.txt`: the run inside `cargo xtask vm`'s virtual machine,
/// whose kernel has modules this machine's may lack).
pub fn variant_path(example: &str, variant: &str) -> PathBuf {
    output_path(example).with_file_name(format!("output-{variant}.txt"))
}

/// The recording of a Docker example run against a private Engine of
/// `version` (`28.5`), named by its major version: `output-engine-28.txt`
/// (a chapter shows it with `{{#output NAME:engine-28}}`).
pub fn engine_path(example: &str, version: &str) -> PathBuf {
    let major = version.split('.').next().unwrap_or(version);
    variant_path(example, &format!("engine-{major}"))
}
