//! The Docker tests' helpers: which Engines a test can use, one test at a
//! time on yours, the `docker` CLI, and private daemons of the releases
//! the book is recorded against.
//!
//! # Layout
//!
//! - `engine.rs`: is your Engine there ([`have_docker`]), and which
//!   releases are fetched ([`release`], [`VERSIONS`]).
//! - `lock.rs`: one test at a time on your Engine ([`serial`]).
//! - `cli.rs`: `docker ARGS` against your Engine ([`docker`]), and the
//!   objects a test makes there, removed when it ends ([`DockerObjects`]).
//! - `private.rs`: a daemon of a release, for one test, in namespaces of
//!   its own ([`TestDaemon`]).
//!
//! What Docker builds in the kernel is read by [`crate::shapes`], the same
//! way as what our examples build.

mod cli;
mod engine;
mod lock;
mod private;

pub use cli::{DockerObjects, docker};
pub use engine::{Release, VERSIONS, have_docker, release};
pub use lock::serial;
pub use private::TestDaemon;
