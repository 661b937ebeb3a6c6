//! The served book's "Run on this machine", in a real browser: the real
//! `cargo xtask serve`, and headless Chromium, driven as the handouts drive
//! it, opening the veth chapter as a reader would, clicking Run, waiting
//! for the transcript, and reading the page's verdict: the same as the
//! book; then, with the book's recording edited, the differences marked,
//! and why. (The refusals are tested through HTTP, in xtask's
//! `tests/run_here.rs`: a browser adds nothing to them but its headers.)
//!
//! Here, and not in xtask's tests, because this package has the browser
//! driver, which `cargo xtask build` and `serve` need not compile.

#[path = "../../tests/common/mod.rs"]
mod common;

use std::fs;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use common::Served;
use headless_chrome::{Browser, LaunchOptions, Tab};

/// Whether Chromium runs. Outside CI a machine without it skips the test
/// with a message; in CI (`CI=true`), which installs it, it is a failure.
fn chromium_runs() -> bool {
    let runs = Command::new("chromium")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !runs && std::env::var("CI").as_deref() == Ok("true") {
        panic!("chromium is missing in CI: .ci/run installs it");
    }
    runs
}

/// The page's text at `selector`, once it is there (within `wait`).
fn text_at(tab: &Tab, selector: &str, wait: Duration) -> String {
    tab.wait_for_element_with_custom_timeout(selector, wait)
        .unwrap_or_else(|error| panic!("{selector} on the page: {error}"))
        .get_inner_text()
        .expect("its text")
}

/// Waits for the verdict under the control whose button is `button`,
/// and returns it: its kind (`data-verdict`) and its words.
fn verdict_under(tab: &Tab, button: &str) -> (String, String) {
    verdict_at(
        tab,
        &format!(".netlab-run:has({button}) .netlab-verdict[data-verdict]"),
    )
}

/// The verdict at `selector`, once it is there: its kind and its words.
fn verdict_at(tab: &Tab, selector: &str) -> (String, String) {
    let selector = selector.to_string();
    let words = text_at(tab, &selector, Duration::from_secs(300));
    let kind = tab
        .find_element(&selector)
        .and_then(|verdict| verdict.get_attribute_value("data-verdict"))
        .expect("the verdict's kind");
    (kind.unwrap_or_default(), words)
}

/// Waits until the page has reloaded: `window.beforeTheEdit` is gone.
fn wait_for_reload(tab: &Tab) {
    let started = Instant::now();
    loop {
        let mark = tab
            .evaluate("window.beforeTheEdit === true", false)
            .ok()
            .and_then(|result| result.value);
        if mark.is_some_and(|mark| mark == false) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the page reloads after a rebuild"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_veth_chapter_runs_here_and_the_page_shows_the_verdict() {
    if !chromium_runs() {
        eprintln!(
            "the_veth_chapter_runs_here_and_the_page_shows_the_verdict: NOT RUN, it needs \
             chromium (apt-get install chromium)"
        );
        return;
    }
    let served = Served::start(&[]);
    let profile = tempfile::tempdir().expect("a folder for Chromium's profile");
    let options = LaunchOptions::default_builder()
        .path(Some(PathBuf::from("chromium")))
        // Root (CI) cannot use Chromium's sandbox; the pages are our own.
        .sandbox(false)
        .user_data_dir(Some(profile.path().to_path_buf()))
        .idle_browser_timeout(Duration::from_secs(600))
        .build()
        .expect("Chromium's launch options");
    let browser = Browser::new(options).expect("start headless Chromium");
    let tab = browser.new_tab().expect("a tab");
    let page = format!("http://127.0.0.1:{}/veth.html", served.port);

    // Opened without the token, the chapter runs nothing and says why.
    tab.navigate_to(&page)
        .and_then(Tab::wait_until_navigated)
        .expect("open the veth chapter");
    let run = r#"button.netlab-run-button[data-check="false"]"#;
    let why = text_at(&tab, ".netlab-run-status", Duration::from_secs(30));
    assert!(
        why.contains("open the address `cargo xtask serve` printed"),
        "{why}"
    );
    let disabled = tab
        .find_element(run)
        .and_then(|button| button.get_attribute_value("disabled"));
    assert!(
        disabled.expect("the Run button").is_some(),
        "Run is off without the token"
    );

    // Opened with the address the server printed: Run, and wait.
    let address = format!("{page}?token={}", served.token);
    tab.navigate_to(&address)
        .and_then(Tab::wait_until_navigated)
        .expect("open the veth chapter with the token");
    tab.wait_for_element(run)
        .and_then(|button| button.click().map(|_| ()))
        .expect("click Run on this machine");
    let (kind, words) = verdict_under(&tab, run);
    assert_eq!(kind, "same", "{words}");
    assert!(words.starts_with("The same as the book"), "{words}");
    assert!(
        !tab.get_url().contains("token="),
        "the token is not left in the address bar"
    );
    // The transcript streamed into the page: every line of the recording.
    let recorded =
        std::fs::read_to_string(served.book.path().join("snippets/examples/veth/output.txt"))
            .expect("read the recording");
    let shown = text_at(
        &tab,
        &format!(".netlab-run:has({run}) pre.netlab-run-transcript"),
        Duration::from_secs(5),
    );
    for line in recorded.lines().filter(|line| line.starts_with("host$ ")) {
        assert!(
            shown.contains(line),
            "{line:?} in what the page shows:\n{shown}"
        );
    }

    // The claims, checked on this machine.
    let check = r#"button.netlab-run-button[data-check="true"]"#;
    tab.wait_for_element(check)
        .and_then(|button| button.click().map(|_| ()))
        .expect("click Check the claims on this machine");
    let (kind, words) = verdict_under(&tab, check);
    assert_eq!(kind, "same", "{words}");
    assert!(words.starts_with("On this machine: "), "{words}");
    assert!(words.contains(" 0 failed."), "{words}");

    // Where a line differs, the page marks it, and says why where the book
    // knows: here the book's output.txt is edited, and another recording,
    // as if made in the VM, still has the line this machine prints.
    let folder = served.book.path().join("snippets/examples/veth");
    let line = recorded
        .lines()
        .find(|line| line.starts_with("host$ ip link add"))
        .expect("the line that makes the pair");
    // The edit rebuilds the book, and the page reloads (which would stop
    // a run): wait for it, a mark set on the page gone with the old page.
    tab.evaluate("window.beforeTheEdit = true", false)
        .expect("mark the page");
    fs::write(folder.join("output-vm.txt"), &recorded).unwrap();
    fs::write(
        folder.join("output.txt"),
        recorded.replacen(line, &format!("{line} (edited)"), 1),
    )
    .unwrap();
    wait_for_reload(&tab);
    tab.wait_for_element(run)
        .and_then(|button| button.click().map(|_| ()))
        .expect("click Run on the reloaded page");
    let differs =
        format!(".netlab-run:has({run}) .netlab-verdict[data-verdict]:not([data-verdict=same])");
    let (kind, words) = verdict_at(&tab, &differs);
    assert_eq!(kind, "variant", "{words}");
    assert!(words.contains("output-vm.txt"), "{words}");
    let book = text_at(&tab, "pre.netlab-diff .row.book", Duration::from_secs(5));
    assert!(book.starts_with(&format!("- {line} (edited)")), "{book}");
    assert!(
        book.contains("not in output-vm.txt: in the virtual machine of cargo xtask vm"),
        "{book}"
    );
    let here = text_at(&tab, "pre.netlab-diff .row.here", Duration::from_secs(5));
    assert!(here.starts_with(&format!("+ {line}")), "{here}");
    assert!(here.contains("as in output-vm.txt"), "{here}");
}
