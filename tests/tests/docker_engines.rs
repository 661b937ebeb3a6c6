//! The Docker way, for real, against private Engines of the two versions
//! the book shows (today's 28.5 first, then 20.10): every `docker_*`
//! example's transcript, checked against its recording
//! (`output-engine-VERSION.txt`); and, per lab step, Docker's kernel
//! objects compared with our examples', read with `ip -j` and `nft`.
//!
//! Each run has a daemon of its own, started fresh (a daemon's first
//! start, every time) in namespaces of its own, so these tests may run
//! side by side and leave the machine as it was.
//!
//! # Layout
//!
//! One test binary, its tests in `docker_engines/`:
//!
//! - `transcripts.rs`: each `docker_*` example's transcript and claims,
//!   on each Engine.
//! - one file per lab step compared, in the book's order:
//!   `port_publish.rs` (step 4), `bridge.rs` (steps 6 and 8), `dns.rs`
//!   (step 9), `overlay.rs` (step 10), `macvlan.rs` (step 11).
//! - `private_engine.rs`: a private Engine is the run's own, and goes
//!   with it.

// A test binary's root looks for its modules beside it, among the other
// test files of tests/ (each a binary of its own): `#[path]` points into
// docker_engines/ instead.
#[path = "docker_engines/bridge.rs"]
mod bridge;
#[path = "docker_engines/dns.rs"]
mod dns;
#[path = "docker_engines/macvlan.rs"]
mod macvlan;
#[path = "docker_engines/overlay.rs"]
mod overlay;
#[path = "docker_engines/port_publish.rs"]
mod port_publish;
#[path = "docker_engines/private_engine.rs"]
mod private_engine;
#[path = "docker_engines/transcripts.rs"]
mod transcripts;
