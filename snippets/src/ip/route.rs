//! `ip route`: where packets for an address go.

use std::net::Ipv4Addr;

use anyhow::{Context, Result};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteMessage, RouteProtocol, RouteScope,
};
use rtnetlink::RouteMessageBuilder;

use crate::ip::addr::parse_cidr;
use crate::ip::{ADD, DUMP};
use crate::{Netns, narrate};

/// One route of the main table, as `ip route show` lists it.
#[derive(Debug, Clone)]
pub struct Route {
    /// `None` for the default route.
    pub destination: Option<(Ipv4Addr, u8)>,
    pub gateway: Option<Ipv4Addr>,
    /// The ifindex of the device packets leave by.
    pub device: Option<u32>,
    /// Added by the kernel with an address (`proto kernel scope link`).
    pub from_kernel: bool,
    pub source: Option<Ipv4Addr>,
}

impl Netns {
    /// `ip route add default via GATEWAY`: everything not on a directly
    /// connected subnet goes to GATEWAY (for a container: docker0's address).
    pub async fn add_default_route(&self, gateway: Ipv4Addr) -> Result<()> {
        narrate::command(self, &format!("ip route add default via {gateway}"));
        let route = RouteMessageBuilder::<Ipv4Addr>::new()
            .gateway(gateway)
            .build();
        self.add_route(route)
            .await
            .with_context(|| format!("add the default route via {gateway} in {}", self.name))
    }

    /// `ip route add CIDR dev DEVICE`: the subnet is reached directly
    /// through DEVICE, no gateway (`scope link`).
    pub async fn add_route_dev(&self, cidr: &str, device: &str) -> Result<()> {
        narrate::command(self, &format!("ip route add {cidr} dev {device}"));
        let (ip, prefix_len) = parse_cidr(cidr)?;
        let route = RouteMessageBuilder::<Ipv4Addr>::new()
            .destination_prefix(ip, prefix_len)
            .output_interface(self.index_of(device).await?)
            .scope(RouteScope::Link)
            .build();
        self.add_route(route)
            .await
            .with_context(|| format!("add the route to {cidr} via {device} in {}", self.name))
    }

    /// `ip route add CIDR via GATEWAY`: the subnet is behind GATEWAY, a
    /// machine on a directly connected subnet (the router's route to the
    /// containers of an IPvlan L3 network: via the Docker host).
    pub async fn add_route_via(&self, cidr: &str, gateway: Ipv4Addr) -> Result<()> {
        narrate::command(self, &format!("ip route add {cidr} via {gateway}"));
        let (ip, prefix_len) = parse_cidr(cidr)?;
        let route = RouteMessageBuilder::<Ipv4Addr>::new()
            .destination_prefix(ip, prefix_len)
            .gateway(gateway)
            .build();
        self.add_route(route)
            .await
            .with_context(|| format!("add the route to {cidr} via {gateway} in {}", self.name))
    }

    /// `ip route add default dev DEVICE`: everything goes out through
    /// DEVICE, with no gateway to find by ARP (an IPvlan L3 device, which
    /// sends no ARP: its parent's namespace routes the packets on).
    pub async fn add_default_route_dev(&self, device: &str) -> Result<()> {
        narrate::command(self, &format!("ip route add default dev {device}"));
        let route = RouteMessageBuilder::<Ipv4Addr>::new()
            .output_interface(self.index_of(device).await?)
            .scope(RouteScope::Link)
            .build();
        self.add_route(route)
            .await
            .with_context(|| format!("add the default route through {device} in {}", self.name))
    }

    /// The IPv4 routes of the main table (`ip route show`).
    pub async fn routes(&self) -> Result<Vec<Route>> {
        let request = RouteNetlinkMessage::GetRoute(RouteMessageBuilder::<Ipv4Addr>::new().build());
        let answers = self
            .request(request, DUMP)
            .await
            .with_context(|| format!("list the routes in {}", self.name))?;
        // Table 254 is "main", the one `ip route` shows; 255, "local", holds
        // the kernel's routes to our own addresses.
        let main = |message: &RouteMessage| message.header.table == 254;
        Ok(answers
            .iter()
            .filter_map(|answer| match answer {
                RouteNetlinkMessage::NewRoute(message) if main(message) => Some(parse(message)),
                _ => None,
            })
            .collect())
    }

    /// One RTM_NEWROUTE request, marked as `ip route add` marks it: the
    /// protocol field says who added a route (`RTPROT_BOOT` for a person
    /// at a shell, which `ip route` does not print; rtnetlink's builder
    /// would say `proto static`, a routing daemon's mark).
    async fn add_route(&self, mut route: RouteMessage) -> Result<()> {
        route.header.protocol = RouteProtocol::Boot;
        self.request(RouteNetlinkMessage::NewRoute(route), ADD)
            .await
            .map(drop)
    }
}

/// A route message as a [`Route`].
fn parse(message: &RouteMessage) -> Route {
    let mut route = Route {
        destination: None,
        gateway: None,
        device: None,
        from_kernel: message.header.protocol == RouteProtocol::Kernel
            && message.header.scope == RouteScope::Link,
        source: None,
    };
    for attribute in &message.attributes {
        match attribute {
            RouteAttribute::Destination(RouteAddress::Inet(ip)) => {
                route.destination = Some((*ip, message.header.destination_prefix_length));
            }
            RouteAttribute::Gateway(RouteAddress::Inet(ip)) => route.gateway = Some(*ip),
            RouteAttribute::PrefSource(RouteAddress::Inet(ip)) => route.source = Some(*ip),
            RouteAttribute::Oif(index) => route.device = Some(*index),
            _ => {}
        }
    }
    route
}
