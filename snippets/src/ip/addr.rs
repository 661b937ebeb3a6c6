//! `ip addr`: IPv4 addresses on devices.

use std::net::{IpAddr, Ipv4Addr};

use anyhow::{Context, Result};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_packet_route::address::{AddressAttribute, AddressMessage, AddressScope};
use rtnetlink::AddressMessageBuilder;

use crate::ip::{ADD, DUMP};
use crate::{Netns, narrate};

/// One IPv4 address as `ip addr show` lists it.
#[derive(Debug, Clone)]
pub struct Addr {
    /// The ifindex of the device it is on.
    pub index: u32,
    pub ip: Ipv4Addr,
    pub prefix_len: u8,
    pub broadcast: Option<Ipv4Addr>,
    /// `scope host` for 127.0.0.1, `scope global` for the rest here.
    pub host_scope: bool,
}

impl Addr {
    /// The netmask that `ifconfig` prints: 16 -> 255.255.0.0.
    pub fn netmask(&self) -> Ipv4Addr {
        let bits = u32::MAX
            .checked_shl(32 - u32::from(self.prefix_len))
            .unwrap_or(0);
        Ipv4Addr::from(bits)
    }
}

impl Netns {
    /// `ip addr add 172.17.0.1/16 brd + dev docker0`. Adding an address also
    /// makes the kernel add the route to its subnet (`proto kernel`), and
    /// rtnetlink fills in the broadcast address, as `brd +` asks `ip` to.
    pub async fn add_addr(&self, device: &str, cidr: &str) -> Result<()> {
        narrate::command(self, &format!("ip addr add {cidr} brd + dev {device}"));
        let (ip, prefix_len) = parse_cidr(cidr)?;
        let message = AddressMessageBuilder::<Ipv4Addr>::new()
            .index(self.index_of(device).await?)
            .address(ip, prefix_len)
            .build();
        self.request(RouteNetlinkMessage::NewAddress(message), ADD)
            .await
            .with_context(|| format!("add the address {cidr} to {device} in {}", self.name))
            .map(drop)
    }

    /// Every IPv4 address in this namespace (`ip -4 addr show`).
    pub async fn addrs(&self) -> Result<Vec<Addr>> {
        let request = RouteNetlinkMessage::GetAddress(AddressMessage::default());
        let answers = self
            .request(request, DUMP)
            .await
            .with_context(|| format!("list the addresses in {}", self.name))?;
        Ok(answers.iter().filter_map(parse).collect())
    }
}

/// An address message as an [`Addr`], if it is one of an IPv4 address.
fn parse(message: &RouteNetlinkMessage) -> Option<Addr> {
    let RouteNetlinkMessage::NewAddress(message) = message else {
        return None;
    };
    let mut ip = None;
    let mut broadcast = None;
    for attribute in &message.attributes {
        match attribute {
            // For IPv4, IFA_LOCAL is the address of the interface itself.
            AddressAttribute::Local(IpAddr::V4(local)) => ip = Some(*local),
            AddressAttribute::Broadcast(brd) => broadcast = Some(*brd),
            _ => {}
        }
    }
    Some(Addr {
        index: message.header.index,
        ip: ip?,
        prefix_len: message.header.prefix_len,
        broadcast,
        host_scope: message.header.scope == AddressScope::Host,
    })
}

/// "172.17.0.1/16" -> (172.17.0.1, 16).
pub fn parse_cidr(cidr: &str) -> Result<(Ipv4Addr, u8)> {
    let (ip, prefix_len) = cidr
        .split_once('/')
        .with_context(|| format!("{cidr} is not ADDRESS/PREFIX, e.g. 172.17.0.1/16"))?;
    let ip = ip
        .parse()
        .with_context(|| format!("{ip} is not an IPv4 address"))?;
    let prefix_len = prefix_len
        .parse()
        .ok()
        .filter(|len| *len <= 32)
        .with_context(|| format!("{prefix_len} is not a prefix length 0-32"))?;
    Ok((ip, prefix_len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_and_netmask() {
        let (ip, len) = parse_cidr("172.17.0.2/16").unwrap();
        assert_eq!((ip, len), (Ipv4Addr::new(172, 17, 0, 2), 16));
        let addr = Addr {
            index: 1,
            ip,
            prefix_len: len,
            broadcast: None,
            host_scope: false,
        };
        assert_eq!(addr.netmask(), Ipv4Addr::new(255, 255, 0, 0));
        assert!(parse_cidr("172.17.0.2").is_err(), "a prefix is required");
        assert!(parse_cidr("172.17.0.2/33").is_err(), "33 bits is too long");
    }
}
