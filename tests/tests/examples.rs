//! Every example the book has is one the suite runs: each folder of
//! `snippets/examples/` with a `main.rs` is in exactly one of the suite's
//! lists (`run::EXAMPLES`, run by every shared test; or the examples with
//! arguments, measuring, or Docker ones, each run by tests of their own),
//! and is built by exactly one package. A new folder with no entry fails
//! here, with its name.

use std::collections::BTreeSet;

use netlab_tests::run::{DOCKER_EXAMPLES, EXAMPLES, MEASURING, WITH_ARGUMENTS, workspace_root};

/// The example folders: those with a `main.rs`.
fn folders() -> BTreeSet<String> {
    let dir = workspace_root().join("snippets/examples");
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a folder entry").path())
        .filter(|path| path.join("main.rs").is_file())
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

/// What differs between the folders and the lists, one line each; empty
/// when every folder is in exactly one list and every entry has a folder.
fn mismatches(folders: &BTreeSet<String>, lists: &[(&str, &[&str])]) -> Vec<String> {
    let mut problems = Vec::new();
    for folder in folders {
        let homes: Vec<&str> = lists
            .iter()
            .filter(|(_, names)| names.contains(&folder.as_str()))
            .map(|(list, _)| *list)
            .collect();
        match homes.as_slice() {
            [_] => {}
            [] => problems.push(format!(
                "snippets/examples/{folder} is in no list of the suite"
            )),
            _ => problems.push(format!("{folder} is in several lists: {homes:?}")),
        }
    }
    for (list, names) in lists {
        for name in *names {
            if !folders.contains(*name) {
                problems.push(format!("{list} names {name}, which has no folder"));
            }
        }
    }
    problems
}

fn the_suites_lists() -> Vec<(&'static str, &'static [&'static str])> {
    vec![
        ("EXAMPLES", &EXAMPLES[..]),
        ("WITH_ARGUMENTS", &WITH_ARGUMENTS[..]),
        ("MEASURING", &MEASURING[..]),
        ("DOCKER_EXAMPLES", &DOCKER_EXAMPLES[..]),
    ]
}

#[test]
fn every_example_folder_is_run_by_the_suite() {
    let problems = mismatches(&folders(), &the_suites_lists());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The tests made per example (`for_each_example!`) are those of
/// `EXAMPLES`, in the same order.
#[test]
fn the_per_example_tests_cover_the_examples() {
    macro_rules! names {
        ($($example:ident),*) => {
            [$(stringify!($example)),*]
        };
    }
    let made: Vec<&str> = netlab_tests::for_each_example!(names).to_vec();
    assert_eq!(made, EXAMPLES, "for_each_example! lists run::EXAMPLES");
}

/// Each example is built by exactly one package: netlab (snippets/), or
/// netlab-docker (snippets/docker/) for the Docker ones.
#[test]
fn every_example_folder_is_built_by_one_package() {
    let declared = |manifest: &str| -> BTreeSet<String> {
        let path = workspace_root().join(manifest);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        text.split("[[example]]")
            .skip(1)
            .filter_map(|block| {
                let line = block.lines().find(|l| l.trim_start().starts_with("name"))?;
                Some(line.split('"').nth(1)?.to_string())
            })
            .collect()
    };
    let syscall = declared("snippets/Cargo.toml");
    let docker = declared("snippets/docker/Cargo.toml");
    let both: Vec<_> = syscall.intersection(&docker).collect();
    assert!(both.is_empty(), "built by both packages: {both:?}");
    let built: BTreeSet<String> = syscall.union(&docker).cloned().collect();
    assert_eq!(
        built,
        folders(),
        "the packages build every example folder, and no other"
    );
    let docker_named: BTreeSet<String> = DOCKER_EXAMPLES.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        docker, docker_named,
        "netlab-docker builds the Docker examples"
    );
}

/// The check fails for a folder no list names, and for a list entry with
/// no folder.
#[test]
fn a_folder_without_a_test_is_found() {
    let mut with_a_new_one = folders();
    with_a_new_one.insert("vlan".to_string());
    let problems = mismatches(&with_a_new_one, &the_suites_lists());
    assert_eq!(
        problems,
        ["snippets/examples/vlan is in no list of the suite"]
    );
    let lists = [("EXAMPLES", &["bridge", "gone"][..])];
    let folders: BTreeSet<String> = ["bridge".to_string()].into();
    assert_eq!(
        mismatches(&folders, &lists),
        ["EXAMPLES names gone, which has no folder"]
    );
}
