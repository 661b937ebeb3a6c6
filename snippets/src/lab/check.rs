//! Claims: what a chapter says the kernel does, checked on the reader's
//! machine.
//!
//! An example states each claim with `lab.claim(...)`: "red reaches blue
//! across docker0", and whether it held. Run normally, a false claim stops
//! the example with an error, like `ensure!`. Run with `--check`
//! (`cargo run --example NAME -- --check`), the transcript is left out,
//! every claim is printed as `PASS ...` or `FAIL ...`, the run goes on after
//! a failure, and it ends with a count; the exit code is 0 only when every
//! claim held. The tests check the same claims from outside, with `ip -j`.

use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Result, bail};

/// The claims of one run: whether we only report them, and how they went.
#[derive(Default)]
pub struct Claims {
    checking: bool,
    passed: AtomicUsize,
    failed: AtomicUsize,
}

impl Claims {
    /// `--check`: report each claim instead of stopping at a false one.
    pub fn checking() -> Claims {
        Claims {
            checking: true,
            ..Claims::default()
        }
    }

    pub fn is_checking(&self) -> bool {
        self.checking
    }

    /// How many held and how many did not, so far.
    pub fn counts(&self) -> (usize, usize) {
        let load = |n: &AtomicUsize| n.load(Ordering::Relaxed);
        (load(&self.passed), load(&self.failed))
    }

    /// The last line of a `--check` run: `check: 6 claims, 6 passed, 0 failed`.
    pub fn summary(&self) -> String {
        let (passed, failed) = self.counts();
        format!(
            "check: {} claims, {passed} passed, {failed} failed",
            passed + failed
        )
    }

    /// Counts one claim of the chapter, and whether it held on this run
    /// (`Lab::claim` calls it). Checking, it prints
    /// `PASS` or `FAIL` and the run goes on; otherwise a false claim is an
    /// error, which stops the example.
    pub fn record(&self, claim: &str, holds: bool) -> Result<()> {
        let counter = if holds { &self.passed } else { &self.failed };
        counter.fetch_add(1, Ordering::Relaxed);
        if self.checking {
            println!("{} {claim}", if holds { "PASS" } else { "FAIL" });
            return Ok(());
        }
        if !holds {
            bail!("the chapter says that {claim}, but on this run it is not so");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_false_claim_stops_a_normal_run_and_is_counted_in_a_check() {
        let claims = Claims::default();
        assert!(claims.record("one and one make two", 1 + 1 == 2).is_ok());
        let error = claims
            .record("lo is up", false)
            .expect_err("a false claim is an error");
        assert_eq!(
            error.to_string(),
            "the chapter says that lo is up, but on this run it is not so"
        );
        assert_eq!(claims.counts(), (1, 1), "one held, one did not");

        let checking = Claims::checking();
        assert!(checking.is_checking());
        assert!(
            checking.record("lo is up", false).is_ok(),
            "a check goes on"
        );
        assert_eq!(checking.summary(), "check: 1 claims, 0 passed, 1 failed");
    }
}
