//! `tcpdump -n -i eth0 udp port 4789`: what crosses the underlay.
//!
//! tcpdump reads packets from a packet socket (AF_PACKET): a socket bound
//! to one device that gets a copy of every packet the device sends or
//! receives, before any routing or firewall. We do the same, keep the IPv4
//! packets to a UDP port, and print them the way tcpdump does, VXLAN
//! header and inner packet included.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use nix::libc;
use nix::sys::socket::MsgFlags;
use socket2::{Domain, Protocol, SockAddr, SockAddrStorage, Socket, Type};

use super::receive;
use crate::ip::link::vxlan::VXLAN_PORT;
use crate::{Netns, narrate};

mod headers;
use headers::{
    ETHERTYPE_ARP, ETHERTYPE_IPV4, ICMP, ICMP_HEADER, TCP, TCP_HEADER, UDP, parse_ethernet,
    parse_ipv4, parse_udp, parse_vxlan, split_header,
};

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
        self.capture_udp_quietly(dev, port).await
    }

    /// [`Netns::capture_udp`] said as `tcpdump -Q in`: only what comes *in*
    /// by DEV, which is all our packet socket gets (one bound to a single
    /// protocol sees the packets a device receives; only those bound to
    /// every protocol, ETH_P_ALL, also see what it sends). For a host that
    /// sends to the port too, where plain tcpdump would print its own
    /// packet first.
    pub async fn capture_udp_in(&self, dev: &str, port: u16) -> Result<Capture> {
        let command = format!("tcpdump -t -n -c 1 -Q in -i {dev} udp port {port} 2>/dev/null &");
        narrate::command(self, &command);
        self.capture_udp_quietly(dev, port).await
    }

    /// The packet socket of both, not narrated.
    async fn capture_udp_quietly(&self, dev: &str, port: u16) -> Result<Capture> {
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
            let mut buffer = [0; 2048];
            // The timeout (EAGAIN) ends the capture; another error is one.
            let Some(len) = receive(&self.socket, &mut buffer, MsgFlags::empty())
                .context("tcpdump: capture a packet")?
            else {
                narrate::output("0 packets captured");
                return Ok(false);
            };
            if let Some(summary) = summarize_udp(&buffer[..len], self.port)? {
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
        let mut buffer = [0; 256];
        // MSG_TRUNC: recv returns the frame's real length, even when only
        // its first 256 bytes (the headers) fit in the buffer. The timeout
        // (EAGAIN) ends the capture; another error is one.
        while let Some(length) = receive(&self.socket, &mut buffer, MsgFlags::MSG_TRUNC)
            .context("tcpdump: capture a frame")?
        {
            let kept = &buffer[..length.min(buffer.len())];
            if let Some((found, vxlan)) = tcp_payload(kept, false)?
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
/// (UDP port 4789), and whether it did; `None` for a frame that carries
/// no TCP. A frame may be cut short after its headers (`first_tcp` keeps
/// 256 bytes): the payload's length comes from the IPv4 header.
fn tcp_payload(frame: &[u8], vxlan: bool) -> Result<Option<(usize, bool)>> {
    let (ethertype, packet) = parse_ethernet(frame)?;
    if ethertype != ETHERTYPE_IPV4 {
        return Ok(None);
    }
    let ip = parse_ipv4(packet)?;
    if ip.later_fragment {
        return Ok(None);
    }
    match ip.protocol {
        TCP => {
            let (tcp, _) = split_header::<TCP_HEADER>(ip.payload, "TCP segment", "a TCP header")?;
            // The TCP header's length, in 32-bit words, is the high nibble
            // of its byte 12 (the "data offset"): options make it longer.
            let tcp_header = usize::from(tcp[12] >> 4) * 4;
            ensure!(
                tcp_header >= TCP_HEADER,
                "tcpdump: a TCP header that says it is {tcp_header} bytes long, less than {TCP_HEADER}"
            );
            let headers = ip.header_len + tcp_header;
            let total = ip.total;
            let payload = total.checked_sub(headers).with_context(|| {
                format!("tcpdump: a {total}-byte IPv4 packet is shorter than its headers ({headers} bytes)")
            })?;
            Ok(Some((payload, vxlan)))
        }
        UDP => {
            let udp = parse_udp(ip.payload)?;
            if udp.destination != VXLAN_PORT {
                return Ok(None);
            }
            tcp_payload(parse_vxlan(udp.payload)?.frame, true)
        }
        _ => Ok(None),
    }
}

/// tcpdump's lines for an IPv4 UDP packet to `port`, or None for others:
/// `IP 10.0.0.1.39128 > 10.0.0.2.4789: VXLAN, flags [I] (0x08), vni 4097`
/// and, for VXLAN, the inner packet's own line.
fn summarize_udp(packet: &[u8], port: u16) -> Result<Option<String>> {
    let ip = parse_ipv4(packet)?;
    if ip.protocol != UDP || ip.later_fragment {
        return Ok(None);
    }
    let udp = parse_udp(ip.payload)?;
    if udp.destination != port {
        return Ok(None);
    }
    let (src, dst) = (ip.source, ip.destination);
    let (sport, dport) = (udp.source, udp.destination);
    let mut out = format!("IP {src}.{sport} > {dst}.{dport}: ");
    if dport != VXLAN_PORT {
        out.push_str(&format!("UDP, length {}", udp.payload.len()));
        return Ok(Some(out));
    }
    let vxlan = parse_vxlan(udp.payload)?;
    out.push_str(&format!(
        "VXLAN, flags [I] (0x{:02x}), vni {}\n",
        vxlan.flags, vxlan.vni
    ));
    out.push_str(&inner(vxlan.frame)?);
    Ok(Some(out))
}

/// The inner frame's line: an ICMP echo, or just its protocol.
fn inner(frame: &[u8]) -> Result<String> {
    let (ethertype, packet) = parse_ethernet(frame)?;
    if ethertype == ETHERTYPE_ARP {
        return Ok("ARP".to_string());
    }
    if ethertype != ETHERTYPE_IPV4 {
        return Ok(format!("ethertype 0x{ethertype:04x}"));
    }
    let ip = parse_ipv4(packet)?;
    let (src, dst, protocol) = (ip.source, ip.destination, ip.protocol);
    let other = format!("IP {src} > {dst}: ip-proto-{protocol}");
    if protocol != ICMP || ip.later_fragment {
        return Ok(other);
    }
    let (icmp, _) = split_header::<ICMP_HEADER>(ip.payload, "ICMP message", "an ICMP header")?;
    // The ICMP type (8: an echo request, 0: its reply), code, checksum,
    // and an echo's identifier and sequence number.
    let kind = match icmp[0] {
        8 => "request",
        0 => "reply",
        _ => return Ok(other),
    };
    let id = u16::from_be_bytes([icmp[4], icmp[5]]);
    let seq = u16::from_be_bytes([icmp[6], icmp[7]]);
    let length = ip.payload.len();
    Ok(format!(
        "IP {src} > {dst}: ICMP echo {kind}, id {id}, seq {seq}, length {length}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::ping::tests::{garbage, mutations};

    #[test]
    fn a_vxlan_packet_reads_like_tcpdump() {
        let outer = vxlan_ping();
        let summary = summarize_udp(&outer, 4789).expect("a valid packet parses");
        assert_eq!(
            summary.as_deref(),
            Some(
                "IP 10.0.0.1.39128 > 10.0.0.2.4789: VXLAN, flags [I] (0x08), vni 4097\n\
                 IP 10.0.1.2 > 10.0.1.3: ICMP echo request, id 7, seq 1, length 64"
            )
        );
        let other_port = summarize_udp(&outer, 53).expect("a valid packet parses");
        assert_eq!(other_port, None, "another port is not shown");
    }

    #[test]
    fn a_tcp_frame_gives_its_payload_inside_vxlan_or_not() {
        let plain = tcp_frame(&[0x42]);
        let found = tcp_payload(&plain, false).expect("a valid frame parses");
        assert_eq!(found, Some((1, false)), "1 byte of TCP payload, no VXLAN");
        let wrapped = vxlan_frame(&plain);
        let found = tcp_payload(&wrapped, false).expect("a valid VXLAN frame parses");
        assert_eq!(found, Some((1, true)), "the inner segment's 1 byte");
        // Cut after its headers, as first_tcp's 256-byte buffer may: the
        // payload's length comes from the IPv4 header.
        let long = tcp_frame(&[0x42; 1000]);
        let found = tcp_payload(&long[..100], false).expect("a cut frame parses");
        assert_eq!(found, Some((1000, false)));
    }

    #[test]
    fn short_packets_are_errors_that_say_their_length() {
        // The VXLAN ping cut one byte short of each of its headers, in
        // turn: outer IPv4, UDP, VXLAN, inner Ethernet, inner IPv4, ICMP.
        let outer = vxlan_ping();
        for (len, got) in [
            (0, 0),
            (19, 19),
            (27, 7),
            (35, 7),
            (49, 13),
            (69, 19),
            (77, 7),
        ] {
            let error = summarize_udp(&outer[..len], 4789).expect_err("a short packet");
            assert!(
                error.to_string().contains(&format!("a {got}-byte")),
                "the error for {len} bytes says what it got: {error}"
            );
        }
        // A VXLAN TCP frame cut one byte short of each header: outer
        // Ethernet, IPv4, UDP, VXLAN, inner Ethernet, IPv4, TCP.
        let frame = vxlan_frame(&tcp_frame(&[0x42]));
        for (len, got) in [
            (13, 13),
            (33, 19),
            (41, 7),
            (49, 7),
            (63, 13),
            (83, 19),
            (103, 19),
        ] {
            let error = tcp_payload(&frame[..len], false).expect_err("a short frame");
            assert!(
                error.to_string().contains(&format!("a {got}-byte")),
                "the error for {len} bytes says what it got: {error}"
            );
        }
    }

    #[test]
    fn garbage_packets_are_errors_not_panics() {
        let vxlan_tcp = vxlan_frame(&tcp_frame(&[0x42]));
        let packets = garbage()
            .chain(mutations(vxlan_ping()))
            .chain(mutations(vxlan_tcp));
        for packet in packets {
            // Either outcome is fine; a panic fails the test.
            let _ = summarize_udp(&packet, 4789);
            let _ = tcp_payload(&packet, false);
        }
    }

    /// Outer IPv4 + UDP 39128 -> 4789, VXLAN VNI 4097, inner Ethernet +
    /// IPv4 + ICMP echo request id 7 seq 1 with 56 bytes of data.
    fn vxlan_ping() -> Vec<u8> {
        let mut icmp = vec![8, 0, 0, 0, 0, 7, 0, 1];
        icmp.extend([0xa5; 56]);
        let inner_ip = ip_packet([10, 0, 1, 2], [10, 0, 1, 3], ICMP, &icmp);
        ip_packet(
            [10, 0, 0, 1],
            [10, 0, 0, 2],
            UDP,
            &vxlan_udp(&ethernet(ETHERTYPE_IPV4, &inner_ip)),
        )
    }

    /// A UDP datagram 39128 -> 4789 with a VXLAN header (VNI 4097) and
    /// `frame` inside.
    fn vxlan_udp(frame: &[u8]) -> Vec<u8> {
        let mut udp = vec![0x98, 0xd8, 0x12, 0xb5, 0, 0, 0, 0];
        udp.extend([0x08, 0, 0, 0, 0x00, 0x10, 0x01, 0]);
        udp.extend(frame);
        udp
    }

    /// An underlay frame from 10.0.0.1 to 10.0.0.2, VXLAN with `frame`
    /// inside.
    fn vxlan_frame(frame: &[u8]) -> Vec<u8> {
        let udp = vxlan_udp(frame);
        ethernet(
            ETHERTYPE_IPV4,
            &ip_packet([10, 0, 0, 1], [10, 0, 0, 2], UDP, &udp),
        )
    }

    /// An Ethernet frame from 10.0.1.2:40000 to 10.0.1.3:12865 with a TCP
    /// segment (header without options) carrying `payload`.
    fn tcp_frame(payload: &[u8]) -> Vec<u8> {
        let mut tcp = vec![0x9c, 0x40, 0x32, 0x41, 0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x18];
        tcp.extend([0xff, 0xff, 0, 0, 0, 0]);
        tcp.extend(payload);
        ethernet(
            ETHERTYPE_IPV4,
            &ip_packet([10, 0, 1, 2], [10, 0, 1, 3], TCP, &tcp),
        )
    }

    fn ethernet(ethertype: u16, packet: &[u8]) -> Vec<u8> {
        let mut frame = vec![0; 12];
        frame.extend(ethertype.to_be_bytes());
        frame.extend(packet);
        frame
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
