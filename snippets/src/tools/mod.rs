//! The other programs the lab types, besides `ip`, `bridge` and `nft`.
//!
//! - [`arping`]: `arping`, one ARP request by hand.
//! - [`sysctl`]: `sysctl -w`, per namespace.

pub mod arping;
pub mod sysctl;
