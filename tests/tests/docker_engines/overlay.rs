//! Lab step 10, compared: Docker's overlay network and our overlay
//! example, on the wire and in the overlay's own namespace.

use netlab_tests::docker::{Release, TestDaemon, VERSIONS, release};
use netlab_tests::have_root;
use netlab_tests::observe::Kept;
use netlab_tests::run::{As, output};
use netlab_tests::shapes::{OverlayShape, overlay_shape};

/// Lab step 10 across two hosts, compared: Docker's two-node swarm and our
/// overlay example put the same thing on the wire and build the same way
/// out. Each transcript holds a packet its run captured on the second
/// host's eth0: UDP from 10.0.0.1 to 10.0.0.2 port 4789, a VXLAN header with
/// VNI 4097, and inside it red's ICMP echo request to blue, 10.0.1.2 to
/// 10.0.1.x; each masquerades 172.18.0.0/16 (docker_gwbridge) on the first
/// host, and red reaches 203.0.113.2 beyond it.
#[test]
fn docker_overlay_and_our_overlay_put_the_same_vxlan_on_the_wire() {
    let test = "docker_overlay_and_our_overlay_put_the_same_vxlan_on_the_wire";
    if !have_root(test) {
        return;
    }
    let Some(Release { dir, .. }) = release(test, VERSIONS[0]) else {
        return;
    };
    let engine = format!("private={dir}");
    let docker = output("docker_overlay", As::Root, &["--engine", &engine]);
    assert!(docker.status.success(), "docker_overlay: {docker:?}");
    let ours = output("overlay", As::Root, &[]);
    assert!(ours.status.success(), "overlay: {ours:?}");
    let wire = regex::Regex::new(concat!(
        r"(?m)^IP (10\.0\.0\.1)\.\d+ > (10\.0\.0\.2)\.4789: VXLAN, flags \[I\] \(0x08\), vni (\d+)\n",
        r"IP (10\.0\.1\.2) > 10\.0\.1\.\d+: ICMP echo request",
    ))
    .expect("a valid pattern");
    let seen = |run: &std::process::Output| {
        let text = String::from_utf8_lossy(&run.stdout).into_owned();
        let packet = wire.captures(&text).map(|c| {
            (
                c[1].to_string(),
                c[2].to_string(),
                c[3].to_string(),
                c[4].to_string(),
            )
        });
        let masquerades = text
            .contains("-A POSTROUTING -s 172.18.0.0/16 ! -o docker_gwbridge -j MASQUERADE")
            || text.contains("'ip saddr 172.18.0.0/16 oifname != \"docker_gwbridge\" masquerade'");
        let outside = text.contains("64 bytes from 203.0.113.2");
        (packet, masquerades, outside, text)
    };
    let (docker_packet, docker_masq, docker_out, docker_text) = seen(&docker);
    let (our_packet, our_masq, our_out, our_text) = seen(&ours);
    let expected = Some((
        "10.0.0.1".to_string(),
        "10.0.0.2".to_string(),
        "4097".to_string(),
        "10.0.1.2".to_string(),
    ));
    assert_eq!(
        docker_packet, expected,
        "Docker's ping crossed the underlay as VXLAN 4097:\n{docker_text}"
    );
    assert_eq!(
        our_packet, docker_packet,
        "ours crossed it the same way:\n{our_text}"
    );
    assert!(
        docker_masq && our_masq,
        "both masquerade docker_gwbridge's 172.18.0.0/16 (Docker's {docker_masq}, ours {our_masq})"
    );
    assert!(
        docker_out && our_out,
        "both reach outside (Docker's {docker_out}, ours {our_out})"
    );
}

/// Lab step 10, compared: Docker's overlay network and our overlay example
/// each hold, in the overlay's own namespace (Docker's under
/// /run/docker/netns; our overlay1), one VXLAN device with a VNI, on UDP
/// 4789, a port of a bridge br0. The VNI's value may differ: each is
/// checked against its own network's id.
#[test]
fn docker_overlay_and_our_overlay_are_vxlan_on_udp_4789() {
    const TEST: &str = "docker_overlay_and_our_overlay_are_vxlan_on_udp_4789";
    let Some(daemon) = TestDaemon::for_test(TEST) else {
        return;
    };
    daemon.docker(&[
        "swarm",
        "init",
        "--advertise-addr",
        "172.17.0.1",
        "--listen-addr",
        "172.17.0.1:2377",
    ]);
    daemon.docker(&[
        "network",
        "create",
        "-d",
        "overlay",
        "--attachable",
        "--subnet=10.0.1.0/24",
        "netlab-test-overlay",
    ]);
    daemon.run(
        "red",
        &[
            "--network",
            "netlab-test-overlay",
            "netlab/busybox",
            "sleep",
            "60",
        ],
    );
    let network_vni = daemon.docker(&[
        "network",
        "inspect",
        "-f",
        "{{index .Options \"com.docker.network.driver.overlay.vxlanid_list\"}}",
        "netlab-test-overlay",
    ]);
    let id = daemon.docker(&["network", "inspect", "-f", "{{.Id}}", "netlab-test-overlay"]);
    let path = format!("{}/1-{}", daemon.netns_dir(), &id[..10]);
    let (docker_shape, docker_vni) = overlay_shape(&path);
    drop(daemon);

    let lab = Kept::start("overlay", As::Root);
    let (our_shape, our_vni) = overlay_shape(&lab.namespaces["overlay1"]);
    assert!(lab.finish().success(), "overlay --keep exits 0");

    assert_eq!(
        docker_vni.to_string(),
        network_vni,
        "Docker's VXLAN device has its network's VNI (vxlanid_list {network_vni}); \
         ours has {our_vni}"
    );
    assert_eq!(
        our_vni, 4097,
        "our VXLAN device has the VNI our example gives it, 4097; Docker's has {docker_vni}"
    );
    let expected = OverlayShape {
        vxlan_devices: 1,
        has_vni: true,
        dstport: 4789,
        master: ("br0".to_string(), "bridge".to_string()),
    };
    assert_eq!(
        docker_shape, expected,
        "Docker's overlay namespace {path} holds one VXLAN device with a VNI, on UDP 4789, \
         a port of the bridge br0: Docker's {docker_shape:?}, ours {our_shape:?}"
    );
    assert_eq!(
        our_shape, docker_shape,
        "our overlay1 holds the same: ours {our_shape:?}, Docker's {docker_shape:?}"
    );
}
