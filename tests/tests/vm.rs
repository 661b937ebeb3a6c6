//! Every from-syscalls example, run as root inside a throwaway QEMU virtual
//! machine with Debian's stock kernel (`cargo xtask vm`), prints the same
//! transcript the book shows.
//!
//! One boot runs them all: under software emulation a boot costs 10-30
//! seconds, an example one or two. An example whose run in the VM differs
//! on purpose (MACVLAN's 802.1q trunk mode runs only where the kernel has
//! 8021q) has its own recording, `output-vm.txt`, listed in
//! [`OWN_VM_TRANSCRIPT`]; `NETLAB_RECORD=1` writes those, and never touches
//! an `output.txt` (the native tests own it).
//!
//! The VM needs no root on this machine, only QEMU and Debian's apt (to
//! fetch the kernel package once into `target/vm-cache/`).

use std::path::PathBuf;
use std::time::Instant;

use netlab_tests::record;
use netlab_tests::run::{EXAMPLES, NEEDS_DRIVER};
use netlab_tests::vm::{have_qemu, xtask_vm};

/// Examples whose VM transcript is recorded in `output-vm.txt` (shown in
/// the book with `{{#output NAME:vm}}` or excerpts of it); the others must print exactly
/// their `output.txt` inside the VM too.
///
/// - `macvlan`: the 802.1q trunk mode runs only where 8021q exists.
/// - `ipvlan`: the whole example runs only where the ipvlan driver exists
///   (natively it prints one line, that it skips).
/// - `bridge`, `same_bridge`: Debian's kernel has bridge VLAN filtering
///   (`CONFIG_BRIDGE_VLAN_FILTERING`), so every port's own MAC sits in the
///   bridge's table twice, once untagged and once for the default VLAN 1
///   (`bridge fdb` shows `vlan 1`), and `brctl showmacs` lists it twice, as
///   on most distributions' kernels; the kernel the outputs were recorded on
///   has no VLAN filtering and lists it once.
/// - `port_publish`, `overlay`: `nft monitor trace` on Debian 12's kernel
///   (6.1) reports one event more at the end of each base chain, `verdict
///   continue`, before the chain's policy; newer kernels leave it out.
const OWN_VM_TRANSCRIPT: &[&str] = &[
    "bridge",
    "same_bridge",
    "port_publish",
    "overlay",
    "macvlan",
    "ipvlan",
];

#[test]
fn every_example_runs_in_the_vm_as_in_the_book() {
    if !have_qemu("every_example_runs_in_the_vm_as_in_the_book") {
        return;
    }
    let out = std::env::temp_dir().join(format!("netlab-vm-{}", std::process::id()));
    let started = Instant::now();
    // The examples whose driver this kernel may lack run a second time with
    // `--check`: the VM's run records their claims (`claims-vm.txt`).
    let checks = NEEDS_DRIVER
        .iter()
        .flat_map(|(example, _)| ["--check", example]);
    let (status, report) = xtask_vm(&out, EXAMPLES.iter().copied().chain(checks));
    // The boot's own timings, and the whole run's, for the README's note.
    eprintln!(
        "{report}vm test: cargo xtask vm took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        status.success(),
        "cargo xtask vm failed ({}):\n{report}",
        status
    );

    for example in EXAMPLES {
        let read = |extension: &str| {
            let path: PathBuf = out.join(format!("{example}.{extension}"));
            std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("read {} from the VM run: {e}", path.display()))
        };
        let (stdout, stderr) = (read("stdout"), read("stderr"));
        assert_eq!(
            read("rc"),
            "0",
            "{example} exits 0 inside the VM; it printed:\n{stdout}\nand on stderr:\n{stderr}"
        );
        if OWN_VM_TRANSCRIPT.contains(&example) {
            record::check_at(example, &stdout, &record::variant_path(example, "vm"));
        } else {
            record::compare(example, &stdout, &record::output_path(example));
        }
    }
    for (example, _) in NEEDS_DRIVER {
        // Its lab is built only here: the VM's run draws its picture.
        let picture = std::fs::read_to_string(out.join(format!("{example}.svg"))).ok();
        assert!(picture.is_some(), "{example} drew its lab inside the VM");
        record::check_topology_at(example, picture.as_deref(), "vm");
        let read = |extension: &str| {
            let path: PathBuf = out.join(format!("{example}.check.{extension}"));
            std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("read {} from the VM run: {e}", path.display()))
        };
        let stdout = read("stdout");
        assert_eq!(
            read("rc"),
            "0",
            "{example} --check holds every claim inside the VM:\n{stdout}\n{}",
            read("stderr")
        );
        assert!(
            stdout.lines().any(|line| line.starts_with("PASS ")),
            "{example} --check checked claims inside the VM, not skipped:\n{stdout}"
        );
        record::check_claims_at(example, &stdout, "vm");
    }
    std::fs::remove_dir_all(&out).expect("remove the VM run's outputs");
}
