//! The kernel objects each lab step must build, read the same way from
//! Docker's and from our examples', so that a test can compare them: each
//! a "shape", the parts that must agree whoever built it (names, addresses
//! and ids may differ).
//!
//! The observers are iproute2 (`ip -j`, [`crate::iproute`]) and nftables
//! (`nft list ruleset`, [`crate::nft`]), run in a namespace given by a path: `/proc/PID/ns/net` of a
//! Docker container, `/proc/PID/fd/N` of a kept example's namespace,
//! `/run/docker/netns/...` of an overlay network, or the machine's own
//! namespace; and `cat` in a container's mount namespace
//! (`/proc/PID/ns/mnt`, or a kept example's `/proc/PID/fd/N`) for its name
//! files. None of it is the lab library.
//!
//! # Layout
//!
//! One file per lab step, in the book's order:
//!
//! - `nat.rs`: step 4, the DNAT and masquerade rules of a published port.
//! - `bridge.rs`: steps 6 and 8, a bridge and the containers plugged in.
//! - `name_files.rs`: step 9, a container's /etc/resolv.conf and /etc/hosts.
//! - `vxlan.rs`: step 10, an overlay network's VXLAN device.
//! - `macvlan.rs`: step 11, a container's MACVLAN interface.

mod bridge;
mod macvlan;
mod name_files;
mod nat;
mod vxlan;

pub use bridge::{BridgeShape, bridge_shape};
pub use macvlan::{Macvlan, MacvlanShape, macvlan_devices, macvlan_shape};
pub use name_files::{NameFiles, name_files};
pub use nat::{Dnat, Published, dnat_rules, masquerade_sources, published};
pub use vxlan::{OverlayShape, Vxlan, overlay_shape, vxlan_devices};
