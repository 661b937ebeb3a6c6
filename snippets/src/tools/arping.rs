//! `arping`: ask, by hand, which MAC address has an IPv4 address.
//!
//! This is ARP, how a machine on an Ethernet learns its neighbours: a
//! broadcast request "who has TARGET? tell SOURCE at MAC", and a unicast
//! reply from the machine that has TARGET. The kernel does it for every
//! packet to a neighbour it does not know yet, and keeps the answers in its
//! neighbour table (`ip neigh`); `arping` sends one request itself, from a
//! chosen device and address.

use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use nix::sys::socket::MsgFlags;
use socket2::{Domain, SockAddr, SockAddrStorage, Socket, Type};

use super::receive;
use crate::mac::Mac;
use crate::{Netns, narrate};

impl Netns {
    /// `arping -c 1 -I DEVICE -s SOURCE TARGET`: one ARP request from
    /// DEVICE's MAC; prints what iputils' arping prints (the reply's MAC in
    /// capitals, its round trip), and says if a reply came.
    pub async fn arping(&self, device: &str, source: Ipv4Addr, target: Ipv4Addr) -> Result<bool> {
        let command = format!("arping -c 1 -I {device} -s {source} {target}");
        narrate::command(self, &command);
        let reply = match self.arping_quietly(device, source, target).await {
            Ok(reply) => reply,
            // The device refused to send the broadcast (an IPvlan device in
            // L3 mode drops every one): nothing went out, nothing answered.
            // The transcript says why, in a comment.
            Err(error) if refused_to_send(&error) => {
                narrate::output(&format!("ARPING {target} from {source} {device}"));
                narrate::say(&format!(
                    "the request never left: sendto on {device} failed with ENOBUFS \
                     (No buffer space available), the device dropped it"
                ));
                return Ok(false);
            }
            Err(error) => return Err(error),
        };
        narrate::output(&format!("ARPING {target} from {source} {device}"));
        if let Some((mac, rtt)) = reply {
            let mac = mac.to_string().to_uppercase();
            let micros = rtt.as_micros();
            narrate::output(&format!(
                "Unicast reply from {target} [{mac}]  {}.{:03}ms",
                micros / 1000,
                micros % 1000
            ));
        }
        let received = usize::from(reply.is_some());
        narrate::output(&format!(
            "Sent 1 probes (1 broadcast(s))\nReceived {received} response(s)"
        ));
        Ok(reply.is_some())
    }

    /// [`Netns::arping`] without the transcript, for loops.
    pub(crate) async fn arping_quietly(
        &self,
        device: &str,
        source: Ipv4Addr,
        target: Ipv4Addr,
    ) -> Result<Option<(Mac, Duration)>> {
        let link = self.link(device).await?;
        let mac = link
            .mac
            .with_context(|| format!("{device} has no MAC address"))?;
        let timeout = Duration::from_secs(2);
        self.run(|| arping(link.index, mac, source, target, timeout))
            .with_context(|| format!("arping {target} from {device} in {}", self.name))
    }
}

/// Whether `send_to` failed with ENOBUFS: the device dropped the frame.
fn refused_to_send(error: &anyhow::Error) -> bool {
    let io = error
        .chain()
        .find_map(|e| e.downcast_ref::<std::io::Error>());
    io.and_then(std::io::Error::raw_os_error) == Some(nix::libc::ENOBUFS)
}

/// The EtherType of ARP.
const ETH_P_ARP: u16 = 0x0806;

/// `arping -c 1 -I DEVICE -s SOURCE TARGET`, from inside the namespace of
/// the calling thread: one ARP request ("who has TARGET? tell SOURCE at
/// MAC"), broadcast from DEVICE, and the reply's MAC and round trip, if
/// one comes back within `timeout`. The answering machine also notes SOURCE and MAC in its
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
) -> Result<Option<(Mac, Duration)>> {
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
        // 28 bytes of ARP, or 46 when the sender padded its frame to
        // Ethernet's minimum (60 bytes, without the checksum).
        let mut buffer = [0; 64];
        let Some(len) =
            receive(&socket, &mut buffer, MsgFlags::empty()).context("receive an ARP packet")?
        else {
            return Ok(None);
        };
        let arp = parse_arp(&buffer[..len])?;
        // A reply (operation 2) from TARGET, to us.
        if arp.operation == 2 && arp.sender_ip == target && arp.target_mac == mac {
            return Ok(Some((arp.sender_mac, start.elapsed())));
        }
    }
}

/// An ARP message for IPv4 over Ethernet is 28 bytes (RFC 826).
const ARP_LEN: usize = 28;

/// One ARP message for IPv4 over Ethernet, read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arp {
    /// 1: a request ("who has `target_ip`?"); 2: a reply ("`sender_ip` is
    /// at `sender_mac`").
    pub operation: u16,
    pub sender_mac: Mac,
    pub sender_ip: Ipv4Addr,
    /// Zeros in a request: that is what it asks.
    pub target_mac: Mac,
    pub target_ip: Ipv4Addr,
}

/// Reads an ARP message, as a packet socket of type SOCK_DGRAM hands it
/// over (the Ethernet header already removed). A message too short, or
/// not for IPv4 over Ethernet, is an error that says what it got.
pub fn parse_arp(bytes: &[u8]) -> Result<Arp> {
    let Some(arp) = bytes.first_chunk::<ARP_LEN>() else {
        bail!(
            "arping: a {}-byte packet is shorter than an ARP message \
             for IPv4 over Ethernet ({ARP_LEN} bytes)",
            bytes.len()
        );
    };
    // Each index below is a constant into a 28-byte array: the compiler
    // checks it, no packet can make it fail. The first six bytes say what
    // the rest holds: hardware type 1 (Ethernet), protocol 0x0800 (IPv4),
    // addresses of 6 and 4 bytes.
    ensure!(
        arp[..6] == [0, 1, 0x08, 0x00, 6, 4],
        "arping: not ARP for IPv4 over Ethernet: hardware type {}, protocol 0x{:04x}, \
         addresses of {} and {} bytes",
        u16::from_be_bytes([arp[0], arp[1]]),
        u16::from_be_bytes([arp[2], arp[3]]),
        arp[4],
        arp[5]
    );
    Ok(Arp {
        operation: u16::from_be_bytes([arp[6], arp[7]]),
        sender_mac: Mac([arp[8], arp[9], arp[10], arp[11], arp[12], arp[13]]),
        sender_ip: Ipv4Addr::new(arp[14], arp[15], arp[16], arp[17]),
        target_mac: Mac([arp[18], arp[19], arp[20], arp[21], arp[22], arp[23]]),
        target_ip: Ipv4Addr::new(arp[24], arp[25], arp[26], arp[27]),
    })
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
    use crate::tools::ping::tests::{garbage, mutations};

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

    #[test]
    fn an_arp_reply_is_read_field_by_field() {
        let read = parse_arp(&arp_reply()).expect("a valid reply parses");
        let expected = Arp {
            operation: 2,
            sender_mac: Mac([0x02, 0x42, 0xc0, 0xa8, 0x14, 0x01]),
            sender_ip: Ipv4Addr::new(192, 168, 20, 1),
            target_mac: Mac([0x02, 0x42, 0xc0, 0xa8, 0x14, 0x65]),
            target_ip: Ipv4Addr::new(192, 168, 20, 101),
        };
        assert_eq!(read, expected);
        let mut padded = arp_reply();
        padded.resize(46, 0);
        let read = parse_arp(&padded).expect("a reply padded to Ethernet's minimum parses");
        assert_eq!(read, expected, "the padding is not part of the message");
    }

    #[test]
    fn short_packets_are_errors_that_say_their_length() {
        let reply = arp_reply();
        for len in [0, ARP_LEN - 1] {
            let error = parse_arp(&reply[..len]).expect_err("a short packet is an error");
            assert!(
                error.to_string().contains(&format!("a {len}-byte packet")),
                "the error for {len} bytes says what it got: {error}"
            );
        }
    }

    #[test]
    fn arp_for_another_network_is_an_error() {
        let mut ipv6 = arp_reply();
        ipv6[2..4].copy_from_slice(&[0x86, 0xdd]);
        let error = parse_arp(&ipv6).expect_err("only IPv4 over Ethernet");
        assert!(error.to_string().contains("protocol 0x86dd"), "{error}");
    }

    #[test]
    fn garbage_packets_are_errors_not_panics() {
        for packet in garbage().chain(mutations(arp_reply())) {
            // Either outcome is fine; a panic fails the test.
            let _ = parse_arp(&packet);
        }
    }

    /// The gateway's reply to 192.168.20.101: "192.168.20.1 is at
    /// 02:42:c0:a8:14:01".
    fn arp_reply() -> Vec<u8> {
        let mut packet = vec![0, 1, 0x08, 0x00, 6, 4, 0, 2];
        packet.extend([0x02, 0x42, 0xc0, 0xa8, 0x14, 0x01, 192, 168, 20, 1]);
        packet.extend([0x02, 0x42, 0xc0, 0xa8, 0x14, 0x65, 192, 168, 20, 101]);
        packet
    }
}
