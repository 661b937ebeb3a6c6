//! `bridge`: iproute2's tool for what bridges (and VXLAN devices) forward.
//!
//! - [`fdb`]: `bridge fdb`, the forwarding database: which MAC address is
//!   behind which port (`bridge fdb append`, and what `bridge fdb show`
//!   and `brctl showmacs` print, in `show`).

pub mod fdb;
