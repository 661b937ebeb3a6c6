//! Labs do not interfere: every example, several times at once, as root and
//! rootless, prints the same transcript, the one the book shows.

use std::collections::BTreeMap;
use std::sync::Mutex;

use netlab_tests::run::{As, EXAMPLES, success};
use netlab_tests::{record, root};

#[test]
fn examples_run_in_parallel_without_interfering() {
    if !root() {
        return;
    }
    let transcripts: Mutex<BTreeMap<&str, Vec<String>>> = Mutex::default();
    std::thread::scope(|s| {
        for round in 0..3 {
            for example in EXAMPLES {
                let who = if round % 2 == 0 {
                    As::Root
                } else {
                    As::Rootless
                };
                let transcripts = &transcripts;
                s.spawn(move || {
                    let fresh = record::normalize(example, &success(example, who));
                    transcripts
                        .lock()
                        .unwrap()
                        .entry(example)
                        .or_default()
                        .push(fresh);
                });
            }
        }
    });
    let recording = record::recording();
    for (example, runs) in transcripts.into_inner().unwrap() {
        assert!(
            runs.iter().all(|run| run == &runs[0]),
            "{example}: parallel runs differ: {runs:#?}"
        );
        // While re-recording, another test is writing output.txt right now.
        if !recording {
            let recorded = std::fs::read_to_string(record::output_path(example)).expect("recorded");
            // The recording keeps real values: compare both masked.
            let recorded = record::mask(example, &recorded);
            assert_eq!(
                runs[0], recorded,
                "{example}: a parallel run matches output.txt"
            );
        }
    }
}
