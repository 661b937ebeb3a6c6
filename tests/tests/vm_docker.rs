//! Every `docker_*` example, run as root inside `cargo xtask vm`'s virtual
//! machine (Debian's stock 6.1 kernel) against a private Engine of each
//! version the book shows, prints the transcript the book shows and holds
//! every claim.
//!
//! One boot per Engine runs them all, each example twice (its transcript,
//! then its claims with `--check`). Each run starts a fresh `dockerd`
//! inside the guest, which under software emulation (TCG) answers its API
//! 15-20 s after it starts, so a run costs 18 s to two and a half minutes; `cargo
//! xtask vm` prints each run's time on the guest's clock.
//!
//! An example whose run on Debian's kernel differs on purpose has its own
//! recordings, `output-vm-engine-28.txt` and `claims-vm-engine-28.txt`
//! (shown with `{{#output NAME:vm-engine-28}}`), listed in
//! [`OWN_VM_TRANSCRIPT`]; `NETLAB_RECORD=1` writes those. The others must
//! print what they print on this machine, `output-engine-28.txt`, which
//! this test never writes (the host's Docker tests own it).

use std::path::{Path, PathBuf};
use std::time::Instant;

use netlab_tests::docker::VERSIONS;
use netlab_tests::record;
use netlab_tests::vm::{have_qemu, xtask_vm};

/// The Docker examples that have a recorded transcript.
const EXAMPLES: &[&str] = &[
    "docker_drivers",
    "docker_bridge",
    "docker_same_bridge",
    "docker_port_publish",
    "docker_dns",
    "docker_overlay",
    "docker_macvlan",
    "docker_ipvlan",
];

/// Runs whose VM transcript is recorded apart (`output-vm-engine-*.txt`),
/// each an example and the Engines it holds for (empty: every Engine):
///
/// - `docker_macvlan`: lab step 11's 802.1q trunk mode. Debian's kernel
///   has 8021q, so Docker makes the VLAN sub-interface and the containers
///   talk on VLAN 20; this machine's kernel refuses it (EOPNOTSUPP).
/// - `docker_ipvlan`: Debian's kernel has the ipvlan driver; this
///   machine's has none, and the Engine refuses the first container.
/// - `docker_bridge`: Debian's kernel has bridge VLAN filtering, so
///   `brctl showmacs` lists each port's own MAC twice (untagged and VLAN
///   1), as `tests/vm.rs` says of the `bridge` example.
/// - `docker_overlay` on Engine 20.10: red's `docker run` fails in the VM
///   ("attaching to network failed, ...: context deadline exceeded").
///   20.10 sets node1 up for the swarm (the ingress network's namespace,
///   docker_gwbridge, the overlay's namespace, some 150 `iptables` runs)
///   while the swarm waits for the container's attachment, at most 20 s;
///   under software emulation it took 33-35 s (dockerd's debug log, three
///   boots). The example then starts red again (`docker start`), which the
///   transcript shows, and the addresses move on by the two the failed
///   attachment took. Engine 28.5 makes docker_gwbridge when the node
///   joins the swarm, and attaches in time.
const OWN_VM_TRANSCRIPT: &[(&str, &[&str])] = &[
    ("docker_bridge", &[]),
    ("docker_macvlan", &[]),
    ("docker_ipvlan", &[]),
    ("docker_overlay", &["20.10"]),
];

/// Whether `example`'s run against Engine `version` in the VM has its own
/// recordings.
fn own_vm_transcript(example: &str, version: &str) -> bool {
    OWN_VM_TRANSCRIPT.iter().any(|(name, versions)| {
        *name == example && (versions.is_empty() || versions.contains(&version))
    })
}

// One test per Engine: each boots a VM of its own, so that the two may run
// side by side (each VM has one emulated processor).
#[test]
fn every_docker_example_runs_in_the_vm_on_engine_28_as_in_the_book() {
    examples_in_the_vm(VERSIONS[0]);
}

#[test]
fn every_docker_example_runs_in_the_vm_on_engine_20_as_in_the_book() {
    examples_in_the_vm(VERSIONS[1]);
}

/// One boot that runs every example of [`EXAMPLES`] against a private
/// Engine `version`, then again with `--check`; each run checked.
fn examples_in_the_vm(version: &str) {
    let major = version.split('.').next().unwrap_or(version);
    let test = format!("every_docker_example_runs_in_the_vm_on_engine_{major}_as_in_the_book");
    if !have_qemu(&test) {
        return;
    }
    // Removed when dropped, even by a failed assertion.
    let out = tempfile::Builder::new()
        .prefix(&format!("netlab-vm-docker-{major}-"))
        .tempdir()
        .expect("make a folder for the VM run's outputs");
    let examples = EXAMPLES;
    let started = Instant::now();
    let checks = examples.iter().flat_map(|example| ["--check", example]);
    let args = ["--engine", version]
        .into_iter()
        .chain(examples.iter().copied());
    let (status, report) = xtask_vm(out.path(), args.chain(checks));
    // The boot's timings and each run's, for the README's note.
    eprintln!(
        "{report}{test}: cargo xtask vm took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // Each run on its own first: a failed one says which, and the others
    // are checked (and recorded) all the same.
    for example in examples {
        check_run(out.path(), example, version);
    }
    assert!(
        status.success(),
        "cargo xtask vm failed ({}):\n{report}",
        status
    );
}

/// `example`'s two runs against Engine `version` in the VM: the transcript
/// and the claims (`--check`), each against its recording.
fn check_run(out: &Path, example: &str, version: &str) {
    let major = version.split('.').next().unwrap_or(version);
    let variant = format!("engine-{major}");
    let read = |run: &str, extension: &str| {
        let path: PathBuf = out.join(format!("{run}.{extension}"));
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("read {} from the VM run: {e}", path.display()))
    };
    let run = format!("{example}.{variant}");
    let stdout = read(&run, "stdout");
    assert_eq!(
        read(&run, "rc"),
        "0",
        "{run} exits 0 inside the VM; it printed:\n{stdout}\nand on stderr:\n{}",
        read(&run, "stderr")
    );
    let check = format!("{run}.check");
    let claims = read(&check, "stdout");
    assert!(
        read(&check, "rc") == "0"
            && claims.lines().filter(|l| l.starts_with("PASS ")).count() >= 2
            && claims
                .lines()
                .all(|l| l.starts_with("PASS ") || l.starts_with("check: ")),
        "{check}: every claim holds inside the VM:\n{claims}{}",
        read(&check, "stderr")
    );
    if own_vm_transcript(example, version) {
        let command = format!("cargo xtask vm {example} --engine {version}");
        let path = record::variant_path(example, &format!("vm-{variant}"));
        record::check_raw(example, &command, &stdout, &path);
        record::check_claims_at(example, &claims, &format!("vm-{variant}"));
    } else {
        same_as_on_this_machine(example, &variant, &stdout, &claims);
    }
}

/// The VM's run of `example` printed what the host's recording of the same
/// Engine (`output-engine-28.txt`) holds, both masked, and the same claims.
fn same_as_on_this_machine(example: &str, variant: &str, stdout: &str, claims: &str) {
    let path = record::variant_path(example, variant);
    let recorded =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    // The recording's first line is the command that made it.
    let (command, _) = recorded.split_once('\n').unwrap_or_default();
    let fresh = format!("{command}\n{stdout}");
    let (fresh, recorded) = (
        record::mask(example, &fresh),
        record::mask(example, &recorded),
    );
    let diff = similar::TextDiff::from_lines(&recorded, &fresh);
    assert!(
        fresh == recorded,
        "{example} prints inside the VM what {} holds (both masked, - the recording, \
         + the VM):\n{}",
        path.display(),
        diff.unified_diff().context_radius(2)
    );
    let listed = path.with_file_name(format!("claims-{variant}.txt"));
    let expected = std::fs::read_to_string(&listed)
        .unwrap_or_else(|e| panic!("read {}: {e}", listed.display()));
    assert_eq!(
        claims,
        expected,
        "{example} --check states inside the VM the claims {} lists",
        listed.display()
    );
}
