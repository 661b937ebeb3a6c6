//! The underlay of a swarm across real machines: which of this machine's
//! devices and addresses carries the swarm's traffic to the others.
//!
//! A machine has several addresses (its network card's, `docker0`'s
//! `172.17.0.1`, a VPN's), and a swarm node must say which one the others
//! reach it at. The kernel already knows which one reaches a given
//! machine: its routing table does (`ip route get`).

use std::net::{Ipv4Addr, UdpSocket};

use anyhow::{Context, Result};
use netlab::error::usage;

use super::Engine;

impl Engine {
    /// `ip -br -4 addr show to ADDRESS`: the device of this machine that
    /// has `address`, or a wrong command line (exit 64) when none has it.
    pub async fn device_with(&self, address: Ipv4Addr) -> Result<String> {
        let shown = address.to_string();
        self.host
            .show_program_status(&["ip", "-br", "-4", "addr", "show", "to", &shown])?;
        let index = self
            .host
            .addrs()
            .await?
            .into_iter()
            .find(|addr| addr.ip == address)
            .map(|addr| addr.index)
            .ok_or_else(|| {
                usage(format!(
                    "{address} is not an address of this machine (`ip -4 addr` lists them): \
                     give the one the other machine reaches it at"
                ))
            })?;
        self.device_named(index).await
    }

    /// `ip route get ADDRESS`: the device this machine sends to `address`
    /// by, and its own address there, the source of what it sends.
    pub async fn route_to(&self, address: Ipv4Addr) -> Result<(String, Ipv4Addr)> {
        let shown = address.to_string();
        self.host
            .show_program_status(&["ip", "route", "get", &shown])?;
        // The kernel's answer, without parsing ip's: a UDP socket that
        // `connect`s is given the source address of the route it would use,
        // and sends nothing.
        let probe = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))
            .and_then(|socket| socket.connect((address, 9)).map(|()| socket))
            .and_then(|socket| socket.local_addr())
            .with_context(|| format!("find the route to {address} (no route to it?)"))?;
        let std::net::IpAddr::V4(local) = probe.ip() else {
            unreachable!("an IPv4 socket has an IPv4 address");
        };
        let device = self.device_with_quietly(local).await?;
        Ok((device, local))
    }

    /// The name of the device with the address `local`, not narrated.
    async fn device_with_quietly(&self, local: Ipv4Addr) -> Result<String> {
        let addrs = self.host.addrs().await?;
        let found = addrs.iter().find(|addr| addr.ip == local);
        let index = found
            .map(|addr| addr.index)
            .with_context(|| format!("no device of this machine has {local}"))?;
        self.device_named(index).await
    }

    /// The name of the device whose ifindex is `index`.
    async fn device_named(&self, index: u32) -> Result<String> {
        let links = self.host.links().await?;
        links
            .into_iter()
            .find(|link| link.index == index)
            .map(|link| link.name)
            .with_context(|| format!("no device has the ifindex {index}"))
    }
}
