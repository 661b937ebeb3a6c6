//! A machine on the Docker host's LAN: what it can reach of the containers
//! behind the host, through a published port and straight to their
//! addresses, and which of dockerd's rules decides it.
//!
//! Only for a private Engine, whose host is a namespace of this run: the
//! LAN machine is one more namespace, cabled to the host's `eth0`. On your
//! Engine the host is your machine, whose addresses and routes the lab
//! does not change.

use anyhow::Result;

use super::wget::wget;
use super::{Engine, Forwarding};
use netlab::Netns;

/// The LAN machine, `lan` (192.168.20.150), on the Docker host's `eth0`
/// (192.168.20.200): the lab's LAN, `192.168.20.0/24`, as in MACVLAN.
pub struct Lan {
    pub netns: Netns,
}

/// The Docker host's address on the LAN.
pub const HOST_ADDRESS: &str = "192.168.20.200";

impl Engine {
    /// Cables a LAN machine to the Docker host's `eth0`; `None`, said in the
    /// transcript, on your Engine.
    pub async fn lan(&self) -> Result<Option<Lan>> {
        if self.private.is_none() {
            self.say(
                "a machine on the LAN: only with --engine private, whose host is the lab's \
                 (on your Engine it would change your machine's addresses)",
            );
            return Ok(None);
        }
        self.say("a machine on the Docker host's LAN, 192.168.20.0/24");
        let lan = Netns::new("lan").await?;
        self.host.add_veth_into("eth0", "eth0", &lan).await?;
        self.host
            .add_addr("eth0", &format!("{HOST_ADDRESS}/24"))
            .await?;
        self.host.set_up("eth0").await?;
        lan.add_addr("eth0", "192.168.20.150/24").await?;
        lan.set_up("eth0").await?;
        Ok(Some(Lan { netns: lan }))
    }

    /// What the LAN machine reaches of the container at `address`, serving
    /// `port` (published as `host_port`) and `unpublished`: through the
    /// published port, then straight to the container's address with a
    /// route via the Docker host. The claims say what each Engine's rules
    /// allow, and why.
    pub async fn claim_reach_from(
        &self,
        lan: &Lan,
        address: &str,
        (host_port, port): (u16, u16),
        unpublished: u16,
    ) -> Result<()> {
        let (published, _) = wget(&lan.netns, HOST_ADDRESS, host_port)?;
        self.claim(
            &format!(
                "a machine on the LAN reaches the container's port {port} through the \
                 published port, {HOST_ADDRESS}:{host_port}"
            ),
            published,
        )?;
        // The LAN machine is told the way to docker0's subnet, as a router
        // could be: the host forwards what it routes (ip_forward is on).
        let gateway: std::net::Ipv4Addr = HOST_ADDRESS.parse()?;
        lan.netns.add_route_via("172.17.0.0/16", gateway).await?;
        let (direct, _) = wget(&lan.netns, address, port)?;
        let (other, _) = wget(&lan.netns, address, unpublished)?;
        let accept = self.session.forwarding == Some(Forwarding::AlreadyOn);
        if self.major() >= 28 {
            self.claim(
                &format!(
                    "with a route via the host, it cannot reach {address}:{port} directly: \
                     Engine 28's raw rule drops what comes for the container's address from \
                     anywhere but docker0"
                ),
                !direct,
            )?;
            self.claim(
                &format!("nor {address}:{unpublished}, a port not published"),
                !other,
            )
        } else {
            self.claim(
                &format!(
                    "with a route via the host, it reaches {address}:{port} directly too: \
                     Engine 20.10's filter rule for the published port accepts it"
                ),
                direct,
            )?;
            match accept {
                true => self.claim(
                    &format!(
                        "and {address}:{unpublished}, a port not published: FORWARD's policy \
                         ACCEPT lets every port through"
                    ),
                    other,
                ),
                false => self.claim(
                    &format!(
                        "but not {address}:{unpublished}, a port not published: FORWARD's \
                         policy DROP stops it"
                    ),
                    !other,
                ),
            }
        }
    }
}
