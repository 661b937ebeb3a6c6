//! Labs do not interfere: every example, several times at once, as root and
//! rootless, prints exactly its recorded transcript.

use netlab_tests::run::{As, EXAMPLES, success};
use netlab_tests::{have_root, record};

#[test]
fn examples_run_in_parallel_without_interfering() {
    if !have_root("examples_run_in_parallel_without_interfering") {
        return;
    }
    std::thread::scope(|s| {
        for round in 0..3 {
            for example in EXAMPLES {
                let who = if round % 2 == 0 {
                    As::Root
                } else {
                    As::Rootless
                };
                s.spawn(move || {
                    let stdout = success(example, who);
                    let fresh = record::normalize(example, &stdout);
                    let recorded = std::fs::read_to_string(record::output_path(example))
                        .expect("the recorded output");
                    assert_eq!(
                        fresh, recorded,
                        "{example} ({who:?}) in parallel, round {round}"
                    );
                });
            }
        }
    });
}
