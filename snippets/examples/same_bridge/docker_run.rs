//! `docker run`'s network part for a container on docker0, written once:
//! same_bridge declares it as `mod docker_run;`, and the examples whose
//! containers sit on the default bridge too (drivers, port_publish) as
//! `#[path = "../same_bridge/docker_run.rs"] mod docker_run;`.

use std::net::Ipv4Addr;

use netlab::{Lab, Netns, Result};

// ANCHOR: docker_run
/// What `docker run` does for the network of a container on docker0: a
/// namespace, a veth pair from the bridge into it, an address and a route.
/// The bridge example made the pair on the host, then moved and renamed the
/// container's end, as Docker does; here the end is made inside the
/// container, already named eth0: the same result, in one request.
pub async fn docker_run(lab: &Lab, host: &Netns, name: &str, cidr: &str) -> Result<Netns> {
    let container = lab.container(name).await?;
    let veth = format!("veth-{name}");
    host.add_veth_into(&veth, "eth0", &container).await?;
    host.set_master(&veth, "docker0").await?;
    host.set_up(&veth).await?;
    container.add_addr("eth0", cidr).await?;
    container.set_up("eth0").await?;
    container
        .add_default_route(Ipv4Addr::new(172, 17, 0, 1))
        .await?;
    Ok(container)
}
// ANCHOR_END: docker_run
