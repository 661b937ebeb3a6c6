//! Claims: what a chapter says the kernel does, checked on the reader's
//! machine.
//!
//! An example states each claim with [`Lab::claim`]: "red reaches blue
//! across docker0", and whether it held. Run normally, a false claim stops
//! the example with an error, like `ensure!`. Run with `--check`
//! (`cargo run --example NAME -- --check`), the transcript is left out,
//! every claim is printed as `PASS ...` or `FAIL ...`, the run goes on after
//! a failure, and it ends with a count; the exit code is 0 only when every
//! claim held. The tests check the same claims from outside, with `ip -j`.

use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Result, bail};

use crate::Lab;

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
}

impl Lab {
    /// A claim the chapter makes, and whether it held on this run.
    ///
    /// ```ignore
    /// lab.claim("red reaches blue across docker0", red.ping(blue_ip)?)?;
    /// ```
    pub fn claim(&self, claim: &str, holds: bool) -> Result<()> {
        let claims = self.claims();
        let counter = if holds {
            &claims.passed
        } else {
            &claims.failed
        };
        counter.fetch_add(1, Ordering::Relaxed);
        if claims.checking {
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
        let lab = Lab::new("claims");
        assert!(lab.claim("one and one make two", 1 + 1 == 2).is_ok());
        let error = lab
            .claim("lo is up", false)
            .expect_err("a false claim is an error");
        assert_eq!(
            error.to_string(),
            "the chapter says that lo is up, but on this run it is not so"
        );
        assert_eq!(lab.claims().counts(), (1, 1), "one held, one did not");

        let checking = Claims::checking();
        assert!(checking.is_checking());
        assert_eq!(checking.summary(), "check: 0 claims, 0 passed, 0 failed");
    }
}
