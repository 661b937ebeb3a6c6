//! `tcpdump -n -i eth0 udp port 4789`: what crosses the underlay.
//!
//! tcpdump reads packets from a packet socket (AF_PACKET): a socket bound
//! to one device that gets a copy of every packet the device sends or
//! receives, before any routing or firewall. We do the same, keep the IPv4
//! packets to a UDP port, and print them the way tcpdump does, VXLAN
//! header and inner packet included.

use std::mem::MaybeUninit;
use std::net::Ipv4Addr;
use std::time::Duration;

use anyhow::{Context, Result};
use nix::libc;
use socket2::{Domain, Protocol, SockAddr, SockAddrStorage, Socket, Type};

use crate::{Netns, narrate};

/// A packet socket listening on one device, started before the traffic.
pub struct Capture {
    socket: Socket,
    port: u16,
}

impl Netns {
    /// `tcpdump -t -n -c 1 -i DEV udp port PORT 2>/dev/null &`: start capturing now, print
    /// later ([`Capture::show_first`]); the kernel queues what arrives.
    pub async fn capture_udp(&self, dev: &str, port: u16) -> Result<Capture> {
        // -t: no timestamps; 2>/dev/null: none of tcpdump's own messages
        // ("listening on ...", "1 packet captured"), only the packet.
        let command = format!("tcpdump -t -n -c 1 -i {dev} udp port {port} 2>/dev/null &");
        narrate::command(self, &command);
        let index = self.index_of(dev).await?;
        // SOCK_DGRAM: the kernel strips the Ethernet header, we get the IP
        // packet. ETH_P_IP, in network byte order: IPv4 packets only.
        let ipv4 = (libc::ETH_P_IP as u16).to_be();
        let socket = self.run(|| packet_socket(Type::DGRAM, ipv4, index, dev))?;
        Ok(Capture { socket, port })
    }
}

/// A packet socket of `kind` for the frames of `protocol` (in network byte
/// order), bound to the device `index`; made in the calling thread's
/// namespace.
fn packet_socket(kind: Type, protocol: u16, index: u32, dev: &str) -> Result<Socket> {
    let socket = Socket::new(
        Domain::PACKET,
        kind,
        Some(Protocol::from(i32::from(protocol))),
    )
    .map_err(|e| anyhow::anyhow!("{e} (a packet socket needs CAP_NET_RAW)"))
    .context("open a packet socket")?;
    let mut storage = SockAddrStorage::zeroed();
    // SAFETY: sockaddr_ll is an AF_PACKET socket address, and fits.
    let link = unsafe { storage.view_as::<libc::sockaddr_ll>() };
    link.sll_family = libc::AF_PACKET as u16;
    link.sll_protocol = protocol;
    link.sll_ifindex = index as i32;
    let length = std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t;
    // SAFETY: `storage` holds a sockaddr_ll of `length` bytes.
    let address = unsafe { SockAddr::new(storage, length) };
    socket
        .bind(&address)
        .with_context(|| format!("bind the packet socket to {dev}"))?;
    Ok(socket)
}

impl Capture {
    /// Prints the first captured packet to the port, as `tcpdump -n` shows
    /// it, and says whether there was one (within a second).
    pub fn show_first(&self) -> Result<bool> {
        self.socket
            .set_read_timeout(Some(Duration::from_secs(1)))
            .context("set the capture's timeout")?;
        loop {
            let mut buffer = [MaybeUninit::<u8>::uninit(); 2048];
            let Ok(len) = self.socket.recv(&mut buffer) else {
                narrate::output("0 packets captured");
                return Ok(false);
            };
            // SAFETY: recv initialised the first `len` bytes.
            let packet: Vec<u8> = buffer[..len]
                .iter()
                .map(|b| unsafe { b.assume_init() })
                .collect();
            if let Some(summary) = summarize_udp(&packet, self.port) {
                narrate::output(&summary);
                return Ok(true);
            }
        }
    }
}

/// A packet socket that sees whole frames, link header included:
/// `tcpdump -e`, which prints each frame's length on the wire.
pub struct Frames {
    socket: Socket,
}

/// One TCP segment as it crossed a device: the whole frame's length, and
/// the TCP payload inside it (a VXLAN frame's inner one included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    pub length: usize,
    pub payload: usize,
    /// Whether it was carried inside a VXLAN packet.
    pub vxlan: bool,
}

impl Netns {
    /// `tcpdump -e -n -i DEV tcp &`: start capturing every frame DEV sends
    /// or receives (ETH_P_ALL), Ethernet header included (SOCK_RAW).
    pub async fn capture_frames(&self, dev: &str) -> Result<Frames> {
        let index = self.index_of(dev).await?;
        let all = (libc::ETH_P_ALL as u16).to_be();
        let socket = self.run(|| packet_socket(Type::RAW, all, index, dev))?;
        Ok(Frames { socket })
    }
}

impl Frames {
    /// The first TCP segment captured that carries exactly `payload` bytes
    /// (a request of `netperf -t TCP_RR`), within a second.
    pub fn first_tcp(&self, payload: usize) -> Result<Option<Frame>> {
        self.socket
            .set_read_timeout(Some(Duration::from_secs(1)))
            .context("set the capture's timeout")?;
        let mut buffer = [MaybeUninit::<u8>::uninit(); 256];
        // MSG_TRUNC: recv returns the frame's real length, even when only
        // its first 256 bytes (the headers) fit in the buffer.
        while let Ok(length) = self.socket.recv_with_flags(&mut buffer, libc::MSG_TRUNC) {
            let kept = length.min(buffer.len());
            // SAFETY: recv initialised the first `kept` bytes.
            let frame: Vec<u8> = buffer[..kept]
                .iter()
                .map(|b| unsafe { b.assume_init() })
                .collect();
            if let Some((found, vxlan)) = tcp_payload(&frame, false)
                && found == payload
            {
                return Ok(Some(Frame {
                    length,
                    payload,
                    vxlan,
                }));
            }
        }
        Ok(None)
    }
}

/// The TCP payload length of an Ethernet frame, looking inside VXLAN
/// (UDP port 4789), and whether it did.
fn tcp_payload(frame: &[u8], vxlan: bool) -> Option<(usize, bool)> {
    let ethertype = u16::from_be_bytes([*frame.get(12)?, *frame.get(13)?]);
    if ethertype != 0x0800 {
        return None;
    }
    let ip = &frame[14..];
    let total = usize::from(u16::from_be_bytes([*ip.get(2)?, *ip.get(3)?]));
    let (_, _, protocol, payload) = ipv4(ip)?;
    let header = usize::from(ip[0] & 0x0f) * 4;
    match protocol {
        6 => {
            let tcp_header = usize::from(payload.get(12)? >> 4) * 4;
            Some((total.checked_sub(header + tcp_header)?, vxlan))
        }
        17 if u16::from_be_bytes([*payload.get(2)?, *payload.get(3)?])
            == crate::ip::link::vxlan::VXLAN_PORT =>
        {
            tcp_payload(payload.get(16..)?, true)
        }
        _ => None,
    }
}

/// tcpdump's lines for an IPv4 UDP packet to `port`, or None for others:
/// `IP 10.0.0.1.39128 > 10.0.0.2.4789: VXLAN, flags [I] (0x08), vni 4097`
/// and, for VXLAN, the inner packet's own line.
fn summarize_udp(packet: &[u8], port: u16) -> Option<String> {
    let (src, dst, protocol, payload) = ipv4(packet)?;
    if protocol != 17 || payload.len() < 8 {
        return None;
    }
    let sport = u16::from_be_bytes([payload[0], payload[1]]);
    let dport = u16::from_be_bytes([payload[2], payload[3]]);
    if dport != port {
        return None;
    }
    let mut out = format!("IP {src}.{sport} > {dst}.{dport}: ");
    let vxlan = &payload[8..];
    if dport != crate::ip::link::vxlan::VXLAN_PORT || vxlan.len() < 8 + 14 {
        out.push_str(&format!("UDP, length {}", payload.len() - 8));
        return Some(out);
    }
    // The VXLAN header: flags (0x08: "a VNI is present"), 3 reserved
    // bytes, the 24-bit VNI, 1 reserved byte. Then the whole inner frame.
    let vni = u32::from_be_bytes([0, vxlan[4], vxlan[5], vxlan[6]]);
    out.push_str(&format!(
        "VXLAN, flags [I] (0x{:02x}), vni {vni}\n",
        vxlan[0]
    ));
    let frame = &vxlan[8..];
    let ethertype = u16::from_be_bytes([frame[12], frame[13]]);
    out.push_str(&inner(&frame[14..], ethertype));
    Some(out)
}

/// The inner packet's line: an ICMP echo, or just its protocol.
fn inner(packet: &[u8], ethertype: u16) -> String {
    match (ethertype, ipv4(packet)) {
        (0x0806, _) => "ARP".to_string(),
        (0x0800, Some((src, dst, 1, icmp))) if icmp.len() >= 8 && matches!(icmp[0], 0 | 8) => {
            let kind = if icmp[0] == 8 { "request" } else { "reply" };
            let id = u16::from_be_bytes([icmp[4], icmp[5]]);
            let seq = u16::from_be_bytes([icmp[6], icmp[7]]);
            let length = icmp.len();
            format!("IP {src} > {dst}: ICMP echo {kind}, id {id}, seq {seq}, length {length}")
        }
        (0x0800, Some((src, dst, protocol, _))) => format!("IP {src} > {dst}: ip-proto-{protocol}"),
        _ => format!("ethertype 0x{ethertype:04x}"),
    }
}

/// Source, destination, protocol and payload of an IPv4 packet.
fn ipv4(packet: &[u8]) -> Option<(Ipv4Addr, Ipv4Addr, u8, &[u8])> {
    if packet.len() < 20 || packet[0] >> 4 != 4 {
        return None;
    }
    let header_len = usize::from(packet[0] & 0x0f) * 4;
    let total_len = usize::from(u16::from_be_bytes([packet[2], packet[3]]));
    let src = Ipv4Addr::new(packet[12], packet[13], packet[14], packet[15]);
    let dst = Ipv4Addr::new(packet[16], packet[17], packet[18], packet[19]);
    let payload = packet.get(header_len..total_len.min(packet.len()))?;
    Some((src, dst, packet[9], payload))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vxlan_packet_reads_like_tcpdump() {
        // Outer IPv4 + UDP 39128 -> 4789, VXLAN VNI 4097, inner Ethernet +
        // IPv4 + ICMP echo request id 7 seq 1 with 56 bytes of data.
        let mut icmp = vec![8, 0, 0, 0, 0, 7, 0, 1];
        icmp.extend([0xa5; 56]);
        let inner_ip = ip_packet([10, 0, 1, 2], [10, 0, 1, 3], 1, &icmp);
        let mut frame = vec![0; 12];
        frame.extend([0x08, 0x00]);
        frame.extend(inner_ip);
        let mut udp = vec![0x98, 0xd8, 0x12, 0xb5, 0, 0, 0, 0];
        udp.extend([0x08, 0, 0, 0, 0x00, 0x10, 0x01, 0]);
        udp.extend(frame);
        let outer = ip_packet([10, 0, 0, 1], [10, 0, 0, 2], 17, &udp);
        assert_eq!(
            summarize_udp(&outer, 4789).as_deref(),
            Some(
                "IP 10.0.0.1.39128 > 10.0.0.2.4789: VXLAN, flags [I] (0x08), vni 4097\n\
                 IP 10.0.1.2 > 10.0.1.3: ICMP echo request, id 7, seq 1, length 64"
            )
        );
        assert_eq!(summarize_udp(&outer, 53), None, "another port is not shown");
    }

    fn ip_packet(src: [u8; 4], dst: [u8; 4], protocol: u8, payload: &[u8]) -> Vec<u8> {
        let total = (20 + payload.len()) as u16;
        let mut packet = vec![0x45, 0];
        packet.extend(total.to_be_bytes());
        packet.extend([0, 0, 0, 0, 64, protocol, 0, 0]);
        packet.extend(src);
        packet.extend(dst);
        packet.extend(payload);
        packet
    }
}
