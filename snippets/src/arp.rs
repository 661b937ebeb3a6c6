//! ARP: how a machine on an Ethernet learns which MAC address has an IPv4
//! address. `ip neigh` shows what the kernel learned (its neighbour table);
//! `arping` asks the question by hand, from a chosen MAC and address.

use std::mem::MaybeUninit;
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use futures::TryStreamExt;
use netlink_packet_route::AddressFamily;
use netlink_packet_route::neighbour::{
    NeighbourAddress, NeighbourAttribute, NeighbourMessage, NeighbourState,
};
use socket2::{Domain, SockAddr, SockAddrStorage, Socket, Type};

use crate::error::netlink_error;
use crate::mac::Mac;
use crate::{Netns, narrate};

/// One entry of the IPv4 neighbour table, as `ip neigh` prints it.
#[derive(Debug, Clone)]
pub struct Neighbour {
    pub ip: Ipv4Addr,
    /// The ifindex of the device the neighbour is on.
    pub index: u32,
    /// `None` while the kernel is still asking (INCOMPLETE) or gave up (FAILED).
    pub mac: Option<Mac>,
    /// REACHABLE (confirmed lately), STALE (learned, not confirmed), ...
    pub state: String,
}

impl Netns {
    /// The IPv4 neighbour table (the ARP cache), sorted by address.
    pub async fn neighbours(&self) -> Result<Vec<Neighbour>> {
        let request = self
            .handle
            .neighbours()
            .get()
            .set_address_family(AddressFamily::Inet);
        let messages: Vec<NeighbourMessage> = request
            .execute()
            .try_collect()
            .await
            .map_err(netlink_error)
            .with_context(|| format!("read the neighbour table of {}", self.name))?;
        let mut table: Vec<Neighbour> = messages.iter().filter_map(parse).collect();
        table.sort_by_key(|n| (n.ip, n.index));
        Ok(table)
    }

    /// `ip neigh`: `192.168.20.2 dev eth0 lladdr 02:42:c0:a8:14:02 REACHABLE`;
    /// with a device, `ip neigh show dev DEVICE`: only the neighbours there.
    pub async fn show_neigh(&self, device: Option<&str>) -> Result<Vec<Neighbour>> {
        let links = self.links().await?;
        let mut table = self.neighbours().await?;
        match device {
            Some(name) => {
                narrate::command(self, &format!("ip neigh show dev {name}"));
                let index = links.iter().find(|l| l.name == name).map(|l| l.index);
                table.retain(|n| Some(n.index) == index);
            }
            None => narrate::command(self, "ip neigh"),
        }
        let mut text = String::new();
        for entry in &table {
            text.push_str(&entry.ip.to_string());
            // With `dev DEVICE` given, ip does not repeat it on every line.
            if device.is_none() {
                let link = links.iter().find(|l| l.index == entry.index);
                let name = link.map_or("?", |l| l.name.as_str());
                text.push_str(&format!(" dev {name}"));
            }
            if let Some(mac) = entry.mac {
                text.push_str(&format!(" lladdr {mac}"));
            }
            text.push_str(&format!(" {}\n", entry.state));
        }
        narrate::output(&text);
        Ok(table)
    }

    /// `arping -c 1 -I DEVICE -s SOURCE TARGET`: one ARP request from
    /// DEVICE's MAC; prints the reply as arping does, and says if one came.
    pub async fn arping(&self, device: &str, source: Ipv4Addr, target: Ipv4Addr) -> Result<bool> {
        let command = format!("arping -c 1 -I {device} -s {source} {target}");
        narrate::command(self, &command);
        let reply = self.arping_quietly(device, source, target).await?;
        match reply {
            Some(mac) => narrate::output(&format!("Unicast reply from {target} [{mac}]")),
            None => narrate::output(&format!("no reply from {target}")),
        }
        Ok(reply.is_some())
    }

    /// [`Netns::arping`] without the transcript, for loops.
    pub(crate) async fn arping_quietly(
        &self,
        device: &str,
        source: Ipv4Addr,
        target: Ipv4Addr,
    ) -> Result<Option<Mac>> {
        let link = self.link(device).await?;
        let mac = link
            .mac
            .with_context(|| format!("{device} has no MAC address"))?;
        let timeout = Duration::from_secs(2);
        self.run(|| arping(link.index, mac, source, target, timeout))
            .with_context(|| format!("arping {target} from {device} in {}", self.name))
    }

    /// `ip neigh | wc -l`: how many neighbours the kernel knows.
    pub async fn count_neigh(&self) -> Result<usize> {
        narrate::command(self, "ip neigh | wc -l");
        let count = self.neighbours().await?.len();
        narrate::output(&count.to_string());
        Ok(count)
    }

    /// `bridge fdb show br BRIDGE brport PORT dynamic | wc -l`: how many
    /// MAC addresses the bridge has learned behind one port.
    pub async fn count_fdb(&self, bridge: &str, port: &str) -> Result<usize> {
        let command = format!("bridge fdb show br {bridge} brport {port} dynamic | wc -l");
        narrate::command(self, &command);
        let port_index = self.index_of(port).await?;
        let entries = self.fdb(bridge).await?;
        let learned = entries
            .iter()
            .filter(|e| e.port == port_index && !e.local)
            .count();
        narrate::output(&learned.to_string());
        Ok(learned)
    }
}

fn parse(message: &NeighbourMessage) -> Option<Neighbour> {
    let mut ip = None;
    let mut mac = None;
    for attribute in &message.attributes {
        match attribute {
            NeighbourAttribute::Destination(NeighbourAddress::Inet(addr)) => ip = Some(*addr),
            NeighbourAttribute::LinkLayerAddress(bytes) => mac = Mac::from_bytes(bytes),
            _ => {}
        }
    }
    let state = match message.header.state {
        NeighbourState::Incomplete => "INCOMPLETE",
        NeighbourState::Reachable => "REACHABLE",
        NeighbourState::Stale => "STALE",
        NeighbourState::Delay => "DELAY",
        NeighbourState::Probe => "PROBE",
        NeighbourState::Failed => "FAILED",
        NeighbourState::Noarp => "NOARP",
        NeighbourState::Permanent => "PERMANENT",
        _ => "NONE",
    };
    Some(Neighbour {
        ip: ip?,
        index: message.header.ifindex,
        mac,
        state: state.to_string(),
    })
}

/// The EtherType of ARP.
const ETH_P_ARP: u16 = 0x0806;

/// `arping -c 1 -I DEVICE -s SOURCE TARGET`, from inside the namespace of
/// the calling thread: one ARP request ("who has TARGET? tell SOURCE at
/// MAC"), broadcast from DEVICE, and the reply's MAC, if one comes back
/// within `timeout`. The answering machine also notes SOURCE and MAC in its
/// own neighbour table: asking is enough to be known.
///
/// A packet socket (AF_PACKET) sends and receives whole frames on one
/// device, below IP: it needs CAP_NET_RAW over the namespace.
pub fn arping(
    device_index: u32,
    mac: Mac,
    source: Ipv4Addr,
    target: Ipv4Addr,
    timeout: Duration,
) -> Result<Option<Mac>> {
    // SOCK_DGRAM: the kernel writes the Ethernet header from the address.
    let protocol = i32::from(ETH_P_ARP.to_be());
    let socket = Socket::new(Domain::PACKET, Type::DGRAM, Some(protocol.into()))
        .map_err(|e| anyhow::anyhow!("{e} (a packet socket needs CAP_NET_RAW)"))
        .context("open a packet socket for ARP")?;
    // Receive only the ARP frames of this one device.
    socket
        .bind(&link_address(device_index, [0; 6]))
        .context("bind the packet socket to its device")?;
    socket
        .send_to(
            &arp_request(mac, source, target),
            &link_address(device_index, [0xff; 6]),
        )
        .context("send the ARP request")?;
    let start = Instant::now();
    loop {
        let left = timeout.checked_sub(start.elapsed()).unwrap_or_default();
        if left.is_zero() {
            return Ok(None);
        }
        socket
            .set_read_timeout(Some(left))
            .context("set the socket timeout")?;
        let mut buffer = [MaybeUninit::<u8>::uninit(); 64];
        let Ok(len) = socket.recv(&mut buffer) else {
            continue;
        };
        // SAFETY: recv initialised the first `len` bytes.
        let arp: Vec<u8> = buffer[..len]
            .iter()
            .map(|b| unsafe { b.assume_init() })
            .collect();
        // A reply (operation 2) from TARGET, to us.
        if len >= 28
            && arp[6..8] == [0, 2]
            && arp[14..18] == target.octets()
            && arp[18..24] == mac.0
        {
            return Ok(Mac::from_bytes(&arp[8..14]));
        }
    }
}

/// An ARP request for IPv4 over Ethernet (RFC 826): hardware type 1,
/// protocol 0x0800, sizes 6 and 4, operation 1, then sender MAC and IP,
/// target MAC (unknown: zeros) and IP.
fn arp_request(mac: Mac, source: Ipv4Addr, target: Ipv4Addr) -> Vec<u8> {
    let mut packet = vec![0, 1, 0x08, 0x00, 6, 4, 0, 1];
    packet.extend_from_slice(&mac.0);
    packet.extend_from_slice(&source.octets());
    packet.extend_from_slice(&[0; 6]);
    packet.extend_from_slice(&target.octets());
    packet
}

/// A `sockaddr_ll`: a device, a protocol and, to send, the destination MAC.
fn link_address(device_index: u32, destination: [u8; 6]) -> SockAddr {
    let mut storage = SockAddrStorage::zeroed();
    // SAFETY: sockaddr_ll is one of the platform's sockaddr types, and fits.
    let address = unsafe { storage.view_as::<nix::libc::sockaddr_ll>() };
    address.sll_family = nix::libc::AF_PACKET as u16;
    address.sll_protocol = ETH_P_ARP.to_be();
    address.sll_ifindex = device_index as i32;
    address.sll_halen = 6;
    address.sll_addr[..6].copy_from_slice(&destination);
    let len = std::mem::size_of::<nix::libc::sockaddr_ll>() as u32;
    // SAFETY: the family is AF_PACKET and the length that of sockaddr_ll.
    unsafe { SockAddr::new(storage, len) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arp_request_is_28_bytes_in_rfc_826_order() {
        let mac = Mac([0x02, 0x42, 0xc0, 0xa8, 0x14, 0x65]);
        let packet = arp_request(
            mac,
            Ipv4Addr::new(192, 168, 20, 101),
            Ipv4Addr::new(192, 168, 20, 1),
        );
        assert_eq!(
            packet.len(),
            28,
            "ARP for IPv4 over Ethernet: {packet:02x?}"
        );
        assert_eq!(&packet[6..8], &[0, 1], "operation 1: request");
        assert_eq!(&packet[8..14], &mac.0, "the sender's MAC");
        assert_eq!(&packet[24..28], &[192, 168, 20, 1], "the target's address");
    }
}
