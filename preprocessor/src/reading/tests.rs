//! Reading times of small chapters whose words were counted by hand.

use super::*;

fn counts(markdown: &str) -> (usize, usize) {
    let time = reading_time(markdown);
    (time.prose_words, time.code_words)
}

#[test]
fn prose_and_code_are_counted_apart() {
    // 6 words of prose; the fence line is not a word, `{}` has no letter.
    let chapter = "# veth pairs\n\nOne cable, two ends.\n\n```rust\nfn main() {}\n```\n";
    assert_eq!(counts(chapter), (6, 2));
}

#[test]
fn words_split_by_markup_are_one_word() {
    // R&D (an entity), a link's text but not its address, emphasis inside
    // a word: `R&D, see the glossary for veths.`
    let chapter = "R&amp;D, see [the glossary](glossary.md#veth-pair) for **veth**s.\n";
    assert_eq!(counts(chapter), (6, 0));
}

#[test]
fn what_the_preprocessor_renders_counts_as_the_reader_sees_it() {
    let chapter = r#"<p class="netlab-caption"><code>snippets/examples/veth/main.rs</code> · run it: <code>cargo run --example veth</code></p>

```rust,ignore
let a = 1;
```

<pre class="netlab-transcript"><span class="prompt">host$</span> <span class="command">ip link</span>
vethA@vpeerA: &lt;UP&gt;</pre>

<figure class="netlab-topology">
<svg xmlns="http://www.w3.org/2000/svg">
<text>docker0</text><text>red</text>
</svg>
<figcaption class="netlab-caption">the lab</figcaption>
</figure>
"#;
    // Prose: the caption's 7 words (`·` is none) and the figure's 2; the
    // picture's labels are not counted. Code: `let a 1;`, and the
    // transcript's 5 (`host$ ip link vethA@vpeerA: <UP>`).
    assert_eq!(counts(chapter), (9, 8));
}

#[test]
fn only_the_core_is_counted() {
    let chapter = "\
# veth pairs

Core words here.

## Deep dive: from the syscalls up

Not counted at all.

```text
nor this code
```

### Its subsection

Nor this.

## The evidence

Counted again.

<details class=\"engine-20\"><summary>What Engine 20.10 printed</summary>

Hidden words.

<details><summary>nested</summary>

deeper

</details>

</details>

## Exercises

### Exercise 1 (core): skipped

Question words.

## Key points

Counted.

## Quick check

Which one?
";
    // veth pairs / Core words here / The evidence / Counted again / Key points / Counted
    assert_eq!(counts(chapter), (12, 0));
}

#[test]
fn a_details_tag_shown_in_code_opens_nothing() {
    // The code span is two words, `<details` and `class="solution">`.
    let chapter = "Write `<details class=\"solution\">` then text.\n\nMore words.\n";
    assert_eq!(counts(chapter), (7, 0));
    assert!(details_blocks(chapter).is_empty());
}

#[test]
fn minutes_are_words_over_speed_to_the_nearest_minute() {
    let time = |prose_words, code_words| ReadingTime {
        prose_words,
        code_words,
    };
    assert_eq!(time(200, 0).minutes(), 1);
    assert_eq!(time(0, 300).minutes(), 1);
    assert_eq!(time(300, 0).minutes(), 2, "1.5 rounds up");
    assert_eq!(time(100, 250).minutes(), 1, "0.5 + 0.83");
    assert_eq!(time(1000, 1500).exact_minutes(), 10.0);
    // 200 real words of prose read in one minute.
    let prose = "word ".repeat(200);
    assert_eq!(reading_time(&prose).minutes(), 1);
}
