//! Headings, sections and deep dives, on small chapters; and what mdBook's
//! parser makes of a chapter once its deep dives are wrapped.

use super::*;
use mdbook_markdown::pulldown_cmark::html::push_html;

const CHAPTER: &str = "\
# veth pairs

## The Docker way

Step 7.

## Deep dive: from the syscalls up

```text
## not a heading: in a fence
```

### The request

- ## not one either: in a list

## Deep dive: the VM

More.

## The evidence

The transcript.

## Deep dive: measurements

Last.
";

fn html(markdown: &str) -> String {
    let mut out = String::new();
    push_html(
        &mut out,
        new_cmark_parser(markdown, &MarkdownOptions::default()),
    );
    out
}

#[test]
fn headings_skip_code_lists_and_quotes() {
    let found: Vec<(u8, &str, usize)> = headings(CHAPTER)
        .iter()
        .map(|h| (h.level, &CHAPTER[h.start..h.end], h.line))
        .collect();
    assert_eq!(
        found,
        [
            (1, "# veth pairs\n", 1),
            (2, "## The Docker way\n", 3),
            (2, "## Deep dive: from the syscalls up\n", 7),
            (3, "### The request\n", 13),
            (2, "## Deep dive: the VM\n", 17),
            (2, "## The evidence\n", 21),
            (2, "## Deep dive: measurements\n", 25),
        ]
    );
    let setext = headings("Title\n=====\n\n> ## quoted\n\n## `code` in it\n");
    let texts: Vec<&str> = setext.iter().map(|h| h.text.as_str()).collect();
    assert_eq!(texts, ["Title", "code in it"]);
    assert_eq!(
        &"Title\n=====\n"[setext[0].start..setext[0].end],
        "Title\n=====\n"
    );
}

#[test]
fn a_deep_dive_runs_to_the_next_heading_that_is_not_one() {
    let ranges: Vec<&str> = deep_dives(CHAPTER)
        .into_iter()
        .map(|range| &CHAPTER[range])
        .collect();
    assert_eq!(ranges.len(), 2, "{ranges:#?}");
    // Two in a row are one: the VM's dive follows the syscalls' one.
    assert!(ranges[0].starts_with("## Deep dive: from the syscalls up\n"));
    assert!(ranges[0].ends_with("## Deep dive: the VM\n\nMore.\n\n"));
    // The last one runs to the chapter's end.
    assert_eq!(ranges[1], "## Deep dive: measurements\n\nLast.\n");
    // `Deep dive` at another level, or without its colon, is a plain heading.
    assert!(deep_dives("### Deep dive: x\n\n## Deep dive\n").is_empty());
}

#[test]
fn sections_are_found_by_their_exact_title() {
    let chapter = "## Exercises\n\n### Exercise 1 (core): x\n\nQ.\n\n## Quick check\n\nQ?\n";
    let ranges: Vec<&str> = sections(chapter, "Exercises")
        .into_iter()
        .map(|range| &chapter[range])
        .collect();
    assert_eq!(
        ranges,
        ["## Exercises\n\n### Exercise 1 (core): x\n\nQ.\n\n"]
    );
    assert!(sections(chapter, "Exercise").is_empty());
}

#[test]
fn wrapping_puts_each_deep_dive_in_a_div_between_blank_lines() {
    let wrapped = wrap_deep_dives(CHAPTER);
    let expected = CHAPTER
        .replace(
            "## Deep dive: from the syscalls up\n",
            "<div class=\"deep-dive\">\n\n## Deep dive: from the syscalls up\n",
        )
        .replace("## The evidence\n", "</div>\n\n## The evidence\n")
        .replace(
            "## Deep dive: measurements\n\nLast.\n",
            "<div class=\"deep-dive\">\n\n## Deep dive: measurements\n\nLast.\n\n</div>\n\n",
        );
    assert_eq!(wrapped, expected);
    // Nothing to wrap: unchanged.
    assert_eq!(wrap_deep_dives("# A\n\n## B\n"), "# A\n\n## B\n");
}

#[test]
fn the_markdown_inside_a_wrapped_deep_dive_still_renders() {
    let page = html(&wrap_deep_dives(CHAPTER));
    let dive = page
        .split("<div class=\"deep-dive\">")
        .nth(1)
        .and_then(|rest| rest.split("</div>").next())
        .expect("a deep-dive div");
    for expected in [
        "<h2>Deep dive: from the syscalls up</h2>",
        "<pre><code class=\"language-text\">## not a heading: in a fence\n</code></pre>",
        "<h3>The request</h3>",
        "<h2>Deep dive: the VM</h2>",
        "<p>More.</p>",
    ] {
        assert!(dive.contains(expected), "{expected} in:\n{dive}");
    }
    assert!(page.contains("</div>\n<h2>The evidence</h2>"), "{page}");
}

#[test]
fn a_deep_dive_right_after_text_without_a_blank_line_still_gets_one() {
    let wrapped = wrap_deep_dives("Text.\n## Deep dive: x\nBody");
    assert_eq!(
        wrapped,
        "Text.\n\n<div class=\"deep-dive\">\n\n## Deep dive: x\nBody\n\n</div>\n\n"
    );
}
