//! `ip`: iproute2's verbs, over rtnetlink.
//!
//! Each verb prints the iproute2 command it stands for, then sends the
//! rtnetlink request `ip` would send to the namespace's kernel, through the
//! one helper here, `Netns::request`. The files follow `ip`'s objects:
//!
//! - [`link`]: `ip link` (devices); one file per `type` of `ip link add`,
//!   and `set.rs` for `ip link set` and `ip link delete`.
//! - [`addr`]: `ip addr add`, and the addresses `ip addr show` lists.
//! - [`route`]: `ip route add`, and the main routing table.
//! - [`neigh`]: `ip neigh add`, and the neighbour (ARP) table.
//!
//! What `ip ... show` *prints* is in the `show` module; here is what
//! it reads.
//!
//! An rtnetlink request is one message: a type (RTM_NEWLINK, RTM_GETADDR,
//! ...), flags, and a body that names the object (an ifindex, or a name)
//! and carries its attributes. The kernel answers with messages of its own
//! (a dump, one object), then an acknowledgement or an errno.

use anyhow::Result;
use futures::StreamExt;
use netlink_packet_route::RouteNetlinkMessage;
use rtnetlink::packet_core::{
    NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST, NetlinkMessage, NetlinkPayload,
};

use crate::Netns;
use crate::error::netlink_error;

pub mod addr;
pub mod link;
pub mod neigh;
pub mod route;

/// `ip ... add`: create the object, and fail (EEXIST) if it exists, as
/// iproute2 asks. The kernel acknowledges success (NLM_F_ACK).
pub(crate) const ADD: u16 = NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
/// `ip ... set`, `ip ... delete`: change an object that exists.
pub(crate) const CHANGE: u16 = NLM_F_ACK;
/// `ip ... show`: every object of the kind, one message each.
pub(crate) const DUMP: u16 = NLM_F_DUMP;
/// One object, the one the request names.
pub(crate) const GET: u16 = 0;

impl Netns {
    /// Sends one rtnetlink request to this namespace's kernel, with
    /// NLM_F_REQUEST and `flags` ([`ADD`], [`CHANGE`], [`DUMP`], [`GET`], or
    /// others), and returns what the kernel answered. An error answer becomes
    /// an error that keeps its errno, for its hint (see `error`).
    pub(crate) async fn request(
        &self,
        message: RouteNetlinkMessage,
        flags: u16,
    ) -> Result<Vec<RouteNetlinkMessage>> {
        let mut request = NetlinkMessage::from(message);
        request.header.flags = NLM_F_REQUEST | flags;
        let mut handle = self.handle.clone();
        let mut replies = handle.request(request).map_err(netlink_error)?;
        let mut answers = Vec::new();
        while let Some(reply) = replies.next().await {
            match reply.payload {
                NetlinkPayload::InnerMessage(answer) => answers.push(answer),
                // The acknowledgement of success never gets here: the
                // connection keeps it. An error does.
                NetlinkPayload::Error(error) => {
                    return Err(netlink_error(rtnetlink::Error::NetlinkError(error)));
                }
                _ => {}
            }
        }
        Ok(answers)
    }
}
