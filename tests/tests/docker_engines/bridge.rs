//! Lab steps 6 and 8, compared: Docker's default bridge and our
//! same_bridge example.

use netlab_tests::docker::TestDaemon;
use netlab_tests::observe::Kept;
use netlab_tests::run::As;
use netlab_tests::shapes::bridge_shape;

/// Lab steps 6 and 8, compared: Docker's default bridge with two containers
/// and our same_bridge example have the same shape, read from the kernel.
#[test]
fn docker_bridge_and_our_bridge_have_the_same_shape() {
    const TEST: &str = "docker_bridge_and_our_bridge_have_the_same_shape";
    let Some(daemon) = TestDaemon::for_test(TEST) else {
        return;
    };
    let host = daemon.netns();
    let red = daemon.run("red", &["netlab/busybox", "sleep", "60"]);
    let blue = daemon.run("blue", &["netlab/busybox", "sleep", "60"]);
    let docker_shape = bridge_shape(Some(&host), "docker0", &[&red, &blue]);
    drop(daemon);

    let lab = Kept::start("same_bridge", As::Root);
    let path = |name: &str| lab.namespaces[name].clone();
    let (red, blue) = (path("red"), path("blue"));
    let our_shape = bridge_shape(Some(&path("host")), "docker0", &[&red, &blue]);
    assert!(lab.finish().success(), "same_bridge --keep exits 0");

    assert_eq!(
        docker_shape.port_kinds,
        ["veth", "veth"],
        "Docker plugged one veth per container into docker0 (and nothing else runs \
         on docker0 during the test): {docker_shape:?}"
    );
    assert_eq!(
        docker_shape, our_shape,
        "Docker's docker0 and ours: a bridge, a /16 with the gateway at .1, one veth \
         port per container, each container's eth0 the peer of a port, with a /16 \
         and a default route via the bridge"
    );
}
