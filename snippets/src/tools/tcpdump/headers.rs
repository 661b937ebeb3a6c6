//! The headers a capture reads, each with a function of its own: Ethernet,
//! IPv4, UDP, VXLAN (TCP and ICMP are read where they are used). Past each
//! length check, every index is a constant into an array of that header's
//! size: the compiler checks it, no packet can make it fail.

use std::net::Ipv4Addr;

use anyhow::{Context, Result, bail, ensure};

/// An Ethernet header: destination MAC, source MAC, EtherType.
pub(super) const ETHERNET_HEADER: usize = 14;
/// An IPv4 header without options; its IHL field may make it longer.
pub(super) const IPV4_HEADER: usize = 20;
/// A UDP header: source port, destination port, length, checksum.
pub(super) const UDP_HEADER: usize = 8;
/// A VXLAN header: flags, 3 reserved bytes, the 24-bit VNI, 1 reserved.
pub(super) const VXLAN_HEADER: usize = 8;
/// A TCP header without options.
pub(super) const TCP_HEADER: usize = 20;
/// An ICMP header: type, code, checksum, and 4 bytes of the message's own.
pub(super) const ICMP_HEADER: usize = 8;

/// EtherTypes: what an Ethernet frame carries.
pub(super) const ETHERTYPE_IPV4: u16 = 0x0800;
pub(super) const ETHERTYPE_ARP: u16 = 0x0806;
/// IP protocol numbers: what an IPv4 packet carries.
pub(super) const ICMP: u8 = 1;
pub(super) const TCP: u8 = 6;
pub(super) const UDP: u8 = 17;

/// The first `N` bytes of `bytes` (a header) and the rest, or an error
/// that says what was short: "a 7-byte UDP datagram is shorter than a UDP
/// header (8 bytes)".
pub(super) fn split_header<'a, const N: usize>(
    bytes: &'a [u8],
    what: &str,
    header: &str,
) -> Result<(&'a [u8; N], &'a [u8])> {
    bytes.split_first_chunk::<N>().with_context(|| {
        let len = bytes.len();
        format!("tcpdump: a {len}-byte {what} is shorter than {header} ({N} bytes)")
    })
}

/// An Ethernet frame's EtherType, and the packet it carries.
pub(super) fn parse_ethernet(frame: &[u8]) -> Result<(u16, &[u8])> {
    let (header, packet) = split_header::<ETHERNET_HEADER>(frame, "frame", "an Ethernet header")?;
    Ok((u16::from_be_bytes([header[12], header[13]]), packet))
}

/// An IPv4 packet, read.
pub(super) struct Ipv4<'a> {
    pub(super) source: Ipv4Addr,
    pub(super) destination: Ipv4Addr,
    pub(super) protocol: u8,
    /// The header's length, options included.
    pub(super) header_len: usize,
    /// The packet's length, headers included, as its header says: more
    /// than `payload` has when the capture kept only the first bytes.
    pub(super) total: usize,
    /// Whether this is a fragment other than the first: the rest of a
    /// packet that was split, with no UDP or TCP header of its own.
    pub(super) later_fragment: bool,
    /// What the packet carries, as far as it was captured.
    pub(super) payload: &'a [u8],
}

/// Reads an IPv4 packet: its header, and what it carries.
pub(super) fn parse_ipv4(packet: &[u8]) -> Result<Ipv4<'_>> {
    let (ip, _) = split_header::<IPV4_HEADER>(packet, "packet", "an IPv4 header")?;
    // The first byte holds two fields: the version in its high nibble, and
    // the header's length in 32-bit words (IHL) in its low one.
    let version = ip[0] >> 4;
    ensure!(
        version == 4,
        "tcpdump: an IPv{version} packet where IPv4 was expected"
    );
    let header_len = usize::from(ip[0] & 0x0f) * 4;
    // A total length of 0 is a GSO packet over 64 KiB (BIG TCP), which
    // IPv4's 16 bits cannot say: the packet is all that was received.
    let total = match u16::from_be_bytes([ip[2], ip[3]]) {
        0 => packet.len(),
        total => usize::from(total),
    };
    ensure!(
        IPV4_HEADER <= header_len && header_len <= total,
        "tcpdump: an IPv4 header that says it is {header_len} bytes long, in a packet \
         that says it is {total} (at least {IPV4_HEADER}, at most the packet)"
    );
    let captured = total.min(packet.len());
    let Some(payload) = packet.get(header_len..captured) else {
        bail!(
            "tcpdump: a {}-byte packet is shorter than its IPv4 header ({header_len} bytes)",
            packet.len()
        );
    };
    // Bytes 6 and 7: three flags, then the fragment's offset in the
    // original packet, in units of 8 bytes.
    let offset = u16::from_be_bytes([ip[6], ip[7]]) & 0x1fff;
    Ok(Ipv4 {
        source: Ipv4Addr::new(ip[12], ip[13], ip[14], ip[15]),
        destination: Ipv4Addr::new(ip[16], ip[17], ip[18], ip[19]),
        protocol: ip[9],
        header_len,
        total,
        later_fragment: offset != 0,
        payload,
    })
}

/// A UDP datagram, read.
pub(super) struct Udp<'a> {
    pub(super) source: u16,
    pub(super) destination: u16,
    pub(super) payload: &'a [u8],
}

/// Reads a UDP datagram: its ports, and what it carries.
pub(super) fn parse_udp(datagram: &[u8]) -> Result<Udp<'_>> {
    let (udp, payload) = split_header::<UDP_HEADER>(datagram, "UDP datagram", "a UDP header")?;
    Ok(Udp {
        source: u16::from_be_bytes([udp[0], udp[1]]),
        destination: u16::from_be_bytes([udp[2], udp[3]]),
        payload,
    })
}

/// A VXLAN packet, read.
pub(super) struct Vxlan<'a> {
    /// 0x08: "a VNI is present", the one flag VXLAN defines.
    pub(super) flags: u8,
    pub(super) vni: u32,
    /// The whole inner Ethernet frame.
    pub(super) frame: &'a [u8],
}

/// Reads a VXLAN packet (the payload of a UDP datagram to port 4789).
pub(super) fn parse_vxlan(packet: &[u8]) -> Result<Vxlan<'_>> {
    let (vxlan, frame) = split_header::<VXLAN_HEADER>(packet, "VXLAN packet", "a VXLAN header")?;
    Ok(Vxlan {
        flags: vxlan[0],
        vni: u32::from_be_bytes([0, vxlan[4], vxlan[5], vxlan[6]]),
        frame,
    })
}
