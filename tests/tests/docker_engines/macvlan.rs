//! Lab step 11, compared: a container's MACVLAN interface, Docker's and
//! our macvlan example's.

use netlab_tests::docker::TestDaemon;
use netlab_tests::observe::Kept;
use netlab_tests::run::As;
use netlab_tests::shapes::{MacvlanShape, macvlan_shape};

/// Lab step 11, compared: a container's eth0 on Docker's macvlan network
/// and our macvlan example's red are each one MACVLAN device in bridge
/// mode, a child of the parent interface (`-o parent=netlab-mv0`; our lab
/// host's eth0), with a MAC of its own.
#[test]
fn docker_macvlan_and_our_macvlan_are_children_in_bridge_mode() {
    const TEST: &str = "docker_macvlan_and_our_macvlan_are_children_in_bridge_mode";
    let Some(daemon) = TestDaemon::for_test(TEST) else {
        return;
    };
    let host = daemon.netns();
    // The parent: a veth pair in the daemon's network namespace.
    daemon.ip(&[
        "link",
        "add",
        "netlab-mv0",
        "type",
        "veth",
        "peer",
        "name",
        "netlab-mv1",
    ]);
    daemon.docker(&[
        "network",
        "create",
        "-d",
        "macvlan",
        "--subnet=192.168.20.0/24",
        "-o",
        "parent=netlab-mv0",
        "netlab-test-macvlan",
    ]);
    let red = daemon.run(
        "red",
        &[
            "--network",
            "netlab-test-macvlan",
            "netlab/busybox",
            "sleep",
            "60",
        ],
    );
    let docker_shape = macvlan_shape(&red, Some(&host), "netlab-mv0");
    drop(daemon);

    let lab = Kept::start("macvlan", As::Root);
    let (red, host) = (&lab.namespaces["red"], &lab.namespaces["host"]);
    let our_shape = macvlan_shape(red, Some(host), "eth0");
    assert!(lab.finish().success(), "macvlan --keep exits 0");

    let expected = MacvlanShape {
        macvlan_devices: 1,
        mode: "bridge".to_string(),
        child_of_the_parent: true,
        own_mac: true,
    };
    assert_eq!(
        docker_shape, expected,
        "Docker's container has one MACVLAN device, in bridge mode (Docker's default), a \
         child of netlab-mv0 with a MAC of its own: Docker's {docker_shape:?}, ours {our_shape:?}"
    );
    assert_eq!(
        our_shape, docker_shape,
        "our red's eth0 is the same kind of MACVLAN child of our lab host's eth0: \
         ours {our_shape:?}, Docker's {docker_shape:?}"
    );
}
