//! One test at a time on your (the system's) Docker Engine.

use std::sync::{Mutex, MutexGuard};

/// Tests on your (the system's) Docker Engine run one at a time (its
/// objects are shared, and each Docker example removes the others' as
/// leftovers when it starts). Private Engines need no such care.
pub fn serial() -> MutexGuard<'static, ()> {
    static ONE: Mutex<()> = Mutex::new(());
    ONE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
