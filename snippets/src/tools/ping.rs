//! `ping -c 1`: one ICMP echo request, and its reply.
//!
//! `ping` normally uses an unprivileged ICMP socket, but a new network
//! namespace allows those to no group (`net.ipv4.ping_group_range` is
//! `1 0`), so we use a raw socket, as ping does when it may. That needs
//! CAP_NET_RAW over the namespace, which its owner has.

use std::net::{Ipv4Addr, SocketAddrV4};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use nix::errno::Errno;
use nix::sys::socket::MsgFlags;
use socket2::{Domain, Protocol, Socket, Type};

use super::receive;
use crate::{Netns, narrate};

/// What came back from one echo request.
#[derive(Debug, Clone)]
pub struct Pong {
    pub from: Ipv4Addr,
    /// The size of the ICMP reply, header included (ping prints it).
    pub bytes: usize,
    pub ttl: u8,
    pub rtt: Duration,
}

impl Netns {
    /// `ping -c 1 TARGET`, from this namespace. Prints what iputils' ping
    /// prints, and says whether a reply came back.
    pub fn ping(&self, target: Ipv4Addr) -> Result<bool> {
        narrate::command(self, &format!("ping -c 1 {target}"));
        self.echo_and_print(&target.to_string(), target)
    }

    /// One echo request to `target` and ping's report of it: the header,
    /// the reply line, the statistics; or why it could not send. `shown` is
    /// the target as typed (`ping -c 1 -n blue` in the dns module).
    pub(crate) fn echo_and_print(&self, shown: &str, target: Ipv4Addr) -> Result<bool> {
        // A reply between namespaces of one kernel comes in microseconds,
        // but the first packet may wait for ARP at each hop, and a busy
        // machine may not run us for a while: 2 s (ping itself waits up to
        // 10 s for its last reply, or as long as `-W` says).
        let answer = self.run(|| echo(target, Duration::from_secs(2)))?;
        if let Err(Unsent { call, why }) = &answer {
            narrate::output(&format!("ping: {call}: {why}"));
            return Ok(false);
        }
        narrate::output(&format!("PING {shown} ({target}) 56(84) bytes of data."));
        let pong = answer.ok().flatten();
        let received = match &pong {
            Some(pong) => {
                let rtt = pong.rtt.as_secs_f64() * 1000.0;
                narrate::output(&format!(
                    "{} bytes from {}: icmp_seq=1 ttl={} time={} ms",
                    pong.bytes,
                    pong.from,
                    pong.ttl,
                    reply_time(rtt)
                ));
                1
            }
            None => 0,
        };
        narrate::output(&format!(
            "\n--- {shown} ping statistics ---\n\
             1 packets transmitted, {received} received, {}% packet loss, time 0ms",
            100 - 100 * received
        ));
        match &pong {
            Some(pong) => {
                let rtt = pong.rtt.as_secs_f64() * 1000.0;
                narrate::output(&format!(
                    "rtt min/avg/max/mdev = {rtt:.3}/{rtt:.3}/{rtt:.3}/0.000 ms"
                ));
            }
            // Without a reply, ping ends with an empty line.
            None => narrate::output("\n"),
        }
        Ok(pong.is_some())
    }
}

/// A reply's round trip as ping prints it: three significant digits
/// (`0.158`, `1.23`, `12.3`), whole milliseconds from 100 up.
fn reply_time(ms: f64) -> String {
    match ms {
        ms if ms < 1.0 => format!("{ms:.3}"),
        ms if ms < 10.0 => format!("{ms:.2}"),
        ms if ms < 100.0 => format!("{ms:.1}"),
        ms => format!("{ms:.0}"),
    }
}

/// Why no request could be sent at all, as ping reports it (before its
/// header): the call that failed, by ping's name for it, and the errno's
/// text. `connect`: the kernel has no route to the target. `sendmsg`: the
/// kernel refused the packet (a firewall, a sandbox); ping sends with
/// sendmsg(2), we with sendto(2), which differ only in how the buffer is
/// given.
#[derive(Debug)]
pub struct Unsent {
    pub call: &'static str,
    pub why: String,
}

/// Sends one ICMP echo request (type 8) and waits for the matching echo
/// reply (type 0). The socket belongs to the namespace of the calling thread.
/// The outer error is a failure to try at all, or a packet that could not
/// be read; the inner one, that the kernel has no route to the target or
/// refused the request; `None`, that no reply came in time.
pub fn echo(target: Ipv4Addr, timeout: Duration) -> Result<Result<Option<Pong>, Unsent>> {
    // Like ping, first ask the kernel for a route: connecting a UDP socket
    // picks the route and the source address, and sends nothing. With no
    // route (even to 127.0.0.1 while lo is down) it fails at once:
    // ENETUNREACH, "Network is unreachable".
    let probe = std::net::UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))
        .context("open a UDP socket to look up the route")?;
    if let Err(error) = probe.connect((target, 1025)) {
        return Ok(Err(unsent("connect", &error)));
    }
    let socket = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4))
        .map_err(|e| anyhow::anyhow!("{e} (a raw socket needs CAP_NET_RAW)"))
        .context("open a raw ICMP socket")?;
    // The identifier lets us tell our reply from others a raw socket sees.
    let id = (std::process::id() & 0xffff) as u16;
    // 56 bytes of payload, as ping sends by default: 64 with the ICMP header.
    let request = echo_request(id, 1, &[0xa5; 56]);
    let start = Instant::now();
    if let Err(error) = socket.send_to(&request, &SocketAddrV4::new(target, 0).into()) {
        return Ok(Err(unsent("sendmsg", &error)));
    }
    loop {
        let left = timeout.checked_sub(start.elapsed()).unwrap_or_default();
        if left.is_zero() {
            return Ok(Ok(None));
        }
        socket
            .set_read_timeout(Some(left))
            .context("set the socket timeout")?;
        let mut buffer = [0; 1500];
        let Some(len) = receive(&socket, &mut buffer, MsgFlags::empty())
            .context("ping: receive an ICMP packet")?
        else {
            return Ok(Ok(None));
        };
        // The raw socket sees every ICMP packet that reaches the namespace:
        // keep only an echo reply (type 0) from the target, to our id.
        let packet = parse_icmp(&buffer[..len])?;
        if packet.from == target && packet.kind == 0 && packet.id == id {
            return Ok(Ok(Some(Pong {
                from: packet.from,
                bytes: packet.bytes,
                ttl: packet.ttl,
                rtt: start.elapsed(),
            })));
        }
    }
}

/// An IPv4 header without options; its IHL field may make it longer.
const IPV4_HEADER: usize = 20;
/// An ICMP header: type, code, checksum, and 4 bytes that an echo fills
/// with its identifier and sequence number.
const ICMP_HEADER: usize = 8;

/// One packet from a raw ICMP socket, read: who sent it, with what TTL,
/// and the ICMP message's type, identifier and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IcmpPacket {
    pub from: Ipv4Addr,
    pub ttl: u8,
    /// The ICMP type: 0 echo reply, 3 destination unreachable, 8 echo
    /// request, 11 time exceeded.
    pub kind: u8,
    /// An echo's identifier (bytes 4 and 5 of the ICMP header).
    pub id: u16,
    /// The ICMP message's size, header included (ping prints it).
    pub bytes: usize,
}

/// Reads what a raw IPv4 socket hands over: the IP header, then the ICMP
/// message. A packet too short for either, or not IPv4, is an error that
/// says what it got.
pub fn parse_icmp(packet: &[u8]) -> Result<IcmpPacket> {
    let Some(ip) = packet.first_chunk::<IPV4_HEADER>() else {
        bail!(
            "ping: a {}-byte packet is shorter than an IPv4 header ({IPV4_HEADER} bytes)",
            packet.len()
        );
    };
    // The first byte holds two fields: the version in its high nibble, and
    // the header's length in 32-bit words (IHL) in its low one.
    let version = ip[0] >> 4;
    ensure!(
        version == 4,
        "ping: an IPv{version} packet where IPv4 was expected"
    );
    let header_len = usize::from(ip[0] & 0x0f) * 4;
    ensure!(
        header_len >= IPV4_HEADER,
        "ping: an IPv4 header that says it is {header_len} bytes long, less than {IPV4_HEADER}"
    );
    let Some(icmp) = packet.get(header_len..) else {
        bail!(
            "ping: a {}-byte packet is shorter than its IPv4 header ({header_len} bytes)",
            packet.len()
        );
    };
    let Some(icmp_header) = icmp.first_chunk::<ICMP_HEADER>() else {
        bail!(
            "ping: a {}-byte reply is shorter than an ICMP header ({ICMP_HEADER} bytes)",
            icmp.len()
        );
    };
    // Each index below is a constant into an array of known size (20 and
    // 8 bytes): the compiler checks it, no packet can make it fail.
    Ok(IcmpPacket {
        from: Ipv4Addr::new(ip[12], ip[13], ip[14], ip[15]),
        ttl: ip[8],
        kind: icmp_header[0],
        id: u16::from_be_bytes([icmp_header[4], icmp_header[5]]),
        bytes: icmp.len(),
    })
}

/// [`Unsent`]: `call` failed with `error`.
fn unsent(call: &'static str, error: &std::io::Error) -> Unsent {
    let errno = Errno::from_raw(error.raw_os_error().unwrap_or(0));
    let why = errno.desc().to_string();
    Unsent { call, why }
}

/// An ICMP echo request: type 8, code 0, checksum, identifier, sequence.
fn echo_request(id: u16, seq: u16, payload: &[u8]) -> Vec<u8> {
    let mut packet = vec![8, 0, 0, 0];
    packet.extend_from_slice(&id.to_be_bytes());
    packet.extend_from_slice(&seq.to_be_bytes());
    packet.extend_from_slice(payload);
    let checksum = internet_checksum(&packet);
    packet[2..4].copy_from_slice(&checksum.to_be_bytes());
    packet
}

/// RFC 1071: the ones' complement of the ones' complement sum of 16-bit words.
fn internet_checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = data
        .chunks(2)
        .map(|pair| u32::from(u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn a_packet_with_its_checksum_sums_to_zero() {
        let packet = echo_request(0x1234, 1, b"abc");
        assert_eq!(internet_checksum(&packet), 0, "checksum of {packet:02x?}");
        assert_eq!(&packet[..2], &[8, 0], "type 8 (echo request), code 0");
    }

    #[test]
    fn an_echo_reply_is_read_from_its_ip_and_icmp_headers() {
        let packet = echo_reply();
        let read = parse_icmp(&packet).expect("a valid echo reply parses");
        let expected = IcmpPacket {
            from: Ipv4Addr::new(172, 17, 0, 3),
            ttl: 64,
            kind: 0,
            id: 0x1234,
            bytes: 64,
        };
        assert_eq!(read, expected, "read from {packet:02x?}");
    }

    #[test]
    fn short_packets_are_errors_that_say_their_length() {
        let reply = echo_reply();
        // Empty; one byte short of the IPv4 header; one short of the ICMP one.
        for (len, got) in [(0, 0), (19, 19), (27, 7)] {
            let error = parse_icmp(&reply[..len]).expect_err("a short packet is an error");
            assert!(
                error.to_string().contains(&format!("a {got}-byte")),
                "the error for {len} bytes says what it got: {error}"
            );
        }
        // An IHL of 15 words (60 bytes) in a 40-byte packet.
        let mut options = reply[..40].to_vec();
        options[0] = 0x4f;
        let error = parse_icmp(&options).expect_err("a header longer than its packet");
        assert!(error.to_string().contains("a 40-byte packet"), "{error}");
    }

    #[test]
    fn garbage_packets_are_errors_not_panics() {
        for packet in garbage().chain(mutations(echo_reply())) {
            // Either outcome is fine; a panic fails the test.
            let _ = parse_icmp(&packet);
        }
    }

    /// An echo reply as a raw socket receives it: a 20-byte IPv4 header
    /// from 172.17.0.3 with TTL 64, then 64 bytes of ICMP.
    fn echo_reply() -> Vec<u8> {
        let mut icmp = echo_request(0x1234, 1, &[0xa5; 56]);
        icmp[0] = 0;
        let mut packet = vec![0x45, 0, 0, 84, 0, 0, 0x40, 0, 64, 1, 0, 0];
        packet.extend([172, 17, 0, 3, 172, 17, 0, 2]);
        packet.extend(icmp);
        packet
    }

    /// 10 000 buffers of random bytes and random lengths (0 to 199), the
    /// same on every run: a xorshift generator (Marsaglia's) from a fixed
    /// seed. The arping and tcpdump tests feed them to their parsers too.
    pub(crate) fn garbage() -> impl Iterator<Item = Vec<u8>> {
        let mut next = xorshift(0x2545_f491_4f6c_dd1d);
        (0..10_000).map(move |_| {
            let len = (next() % 200) as usize;
            (0..len).map(|_| next() as u8).collect()
        })
    }

    /// 10 000 copies of `valid`, each cut at a random length and with a
    /// few random bytes changed: random packets that get past the first
    /// checks, which pure garbage seldom does.
    pub(crate) fn mutations(valid: Vec<u8>) -> impl Iterator<Item = Vec<u8>> {
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
        (0..10_000).map(move |_| {
            let mut packet = valid.clone();
            packet.truncate((next() % (valid.len() as u64 + 1)) as usize);
            for _ in 0..next() % 4 {
                if !packet.is_empty() {
                    let at = (next() % packet.len() as u64) as usize;
                    packet[at] = next() as u8;
                }
            }
            packet
        })
    }

    /// Marsaglia's xorshift64: a fast, fixed sequence of 64-bit numbers.
    fn xorshift(seed: u64) -> impl FnMut() -> u64 {
        let mut state = seed;
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }
}
