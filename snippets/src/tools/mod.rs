//! The other programs the lab types, besides `ip`, `bridge` and `nft`.
//!
//! - [`sysctl`]: `sysctl -w`, per namespace.

pub mod sysctl;
