//! The other programs the lab types, besides `ip`, `bridge` and `nft`.
//!
//! Each runs inside a namespace of the lab, on a thread that entered it
//! (`Netns::run`): its sockets belong to that namespace.
//!
//! - [`ping`]: `ping -c 1`, one ICMP echo, with a raw socket.
//! - [`arping`]: `arping`, one ARP request by hand, with a packet socket.
//! - [`nc`]: `nc` and `nc -l`: one TCP connection.
//! - [`http`]: `curl`, and a tiny web server (the lab's nginx).
//! - [`dns`]: Docker's embedded DNS server on 127.0.0.11, `nslookup`, and
//!   `ping NAME`, which looks the name up as the C library would.
//! - [`tcpdump`]: `tcpdump` on one device, with a packet socket; `-e`,
//!   whole frames, to count the bytes of headers on the wire.
//! - [`netperf`]: `netperf`'s TCP_RR (latency) and TCP_STREAM
//!   (throughput) between two namespaces.
//! - [`sysctl`]: `sysctl -w`, per namespace.
//! - [`readlink`]: `readlink /proc/self/ns/net`, a namespace's identity.
//! - [`sh`]: `sh -c LINE`, a container's own shell and programs.
//! - [`capsh`]: `capsh --drop`, a container without some capabilities.

pub mod arping;
pub mod capsh;
pub mod dns;
pub mod http;
pub mod nc;
pub mod netperf;
pub mod ping;
pub mod readlink;
pub mod sh;
pub mod sysctl;
pub mod tcpdump;

use std::os::fd::AsRawFd;

use anyhow::{Context, Result};
use nix::errno::Errno;
use nix::sys::socket::{MsgFlags, recv};
use socket2::Socket;

/// Receives one packet into `buffer` and returns its length, or `None`
/// when the socket's read timeout (SO_RCVTIMEO) passed first: recv(2) then
/// fails with EAGAIN. A signal that interrupts the wait (EINTR) is a reason
/// to wait again; any other errno is a real error, and is returned.
/// ping, arping and tcpdump receive with it.
pub(crate) fn receive(
    socket: &Socket,
    buffer: &mut [u8],
    flags: MsgFlags,
) -> Result<Option<usize>> {
    loop {
        match recv(socket.as_raw_fd(), buffer, flags) {
            Ok(len) => return Ok(Some(len)),
            // EWOULDBLOCK is the same number as EAGAIN on Linux.
            Err(Errno::EAGAIN) => return Ok(None),
            Err(Errno::EINTR) => continue,
            Err(errno) => return Err(errno).context("recv"),
        }
    }
}
