//! The second machine, a worker: the port check, the join, blue, and the
//! ping to red by name, captured as it leaves this machine's network card.

use netlab::Result;
use netlab_docker::{Engine, RunArgs, ports};

use super::Join;

/// `--join TOKEN@ADDRESS [--network NAME]`.
pub async fn worker(engine: &Engine, join: &Join, network: &str, keep: bool) -> Result<()> {
    // ANCHOR: check
    // Before anything is made: which device reaches the manager (the
    // underlay), and whether the network between lets the swarm through.
    engine.say("the underlay: the device this machine reaches the manager by, and our address");
    let (device, local) = engine.route_to(join.manager).await?;
    ports::check_path(local, join.manager).await?;
    // ANCHOR_END: check

    // ANCHOR: join
    engine.say("join the swarm as a worker; blue on the overlay, whose VNI the manager chose");
    let manager = join.manager.to_string();
    engine
        .swarm_join_token(&join.token, &manager, &local.to_string())
        .await?;
    let on_overlay = RunArgs {
        network: Some(network),
        ..RunArgs::default()
    };
    let blue = engine.run("blue", on_overlay).await?;
    engine.show_network_inspect(network).await?;
    // ANCHOR_END: join

    // ANCHOR: ping
    // The name comes to this machine's embedded DNS server by gossip, a
    // moment after blue joined: wait for it, unnarrated, then ping.
    engine
        .wait_until(&blue, &["nslookup", "netlab-red"], 30)
        .await?;
    engine.say(&format!(
        "blue pings red by name, on the other machine; {device} sees what comes in to UDP 4789"
    ));
    let capture = engine.host.capture_udp_in(&device, 4789).await?;
    engine
        .exec(&blue, &["ping", "-c", "1", "netlab-red"])
        .await?;
    engine.claim(
        &format!("{device}, the underlay, saw red's answer come in as VXLAN: UDP to port 4789"),
        capture.show_first()?,
    )?;
    // ANCHOR_END: ping

    if keep {
        engine.say("--keep: blue stays, and this machine in the swarm (the next run removes them)");
        return Ok(());
    }
    // ANCHOR: rm
    // The overlay leaves this machine with its last container here; the
    // manager's run waits for us to leave before it ends the swarm.
    engine.say("the end: blue goes, and this machine leaves the swarm");
    engine.rm(&blue).await?;
    engine.swarm_leave().await?;
    // ANCHOR_END: rm
    Ok(())
}
