//! `cargo xtask serve` rebuilds the book when a chapter changes, and the
//! open page is told to reload: the real program, serving a copy of the
//! book, a chapter edited in the copy, and the page fetched again.

mod common;

use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

use common::Served;

#[test]
fn an_edited_chapter_is_rebuilt_and_the_open_page_is_told_to_reload() {
    let served = Served::start(&[]);
    let (status, before) = served.get("/veth.html", &[]);
    assert_eq!(status, 200, "{before}");
    assert!(
        before.contains("new EventSource(\"/__netlab/reload\")"),
        "a served page listens for rebuilds"
    );
    assert!(!before.contains("Edited while served"));

    // The page's event stream, open before the edit.
    let events = served.send("/__netlab/reload", &[]);
    events
        .set_read_timeout(Some(Duration::from_secs(90)))
        .unwrap();
    let mut events = BufReader::new(events);
    let mut line = String::new();
    events.read_line(&mut line).unwrap();
    assert_eq!(line, "HTTP/1.1 200 OK\r\n");

    let chapter = served.book.path().join("src/veth.md");
    let text = std::fs::read_to_string(&chapter).unwrap();
    std::fs::write(&chapter, format!("{text}\nEdited while served.\n")).unwrap();

    let started = Instant::now();
    loop {
        line.clear();
        let read = events.read_line(&mut line).expect("an event within 90 s");
        assert!(read > 0, "the event stream stayed open");
        if line == "data: reload\n" {
            break;
        }
    }
    eprintln!("rebuilt and told in {:.1?}", started.elapsed());
    let (_, after) = served.get("/veth.html", &[]);
    assert!(after.contains("Edited while served."), "{after}");
}
