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
