//! A lesson file in, a lesson or the message naming what is wrong out; and
//! the HTML each part renders to.

use super::*;

/// A lesson file that keeps every rule; the tests break one at a time.
const VALID: &str = r#"
minutes = 8
questions = ["What is the `vethXXXXXXX` device on the host?"]
objectives = ["Create a veth pair", "Predict when an end has a carrier"]
key_points = ["A veth pair is a cable.", "Deleting one end deletes both."]

[quick_check]
question = "What does `ip link show vethA` say?"
answers = [
  { text = "`UP,LOWER_UP`", why = "A lone device, not half of a cable." },
  { text = "`NO-CARRIER`", why = "Its peer is down.", right = true },
]
"#;

fn error(text: &str) -> String {
    let error = Lesson::parse(text, "src/lessons/veth.toml").expect_err("should be refused");
    format!("{error:#}")
}

#[test]
fn a_valid_lesson_reads_back() {
    let lesson = Lesson::parse(VALID, "src/lessons/veth.toml").expect("a valid lesson");
    assert_eq!(lesson.minutes, 8);
    assert_eq!(lesson.objectives.len(), 2);
    let right: Vec<&str> = lesson
        .quick_check
        .answers
        .iter()
        .filter(|a| a.right)
        .map(|a| a.text.as_str())
        .collect();
    assert_eq!(right, ["`NO-CARRIER`"]);
}

#[test]
fn each_broken_rule_is_named_with_the_file() {
    let cases = [
        (
            VALID.replace(r#"["What is the `vethXXXXXXX` device on the host?"]"#, "[]"),
            "src/lessons/veth.toml: `questions` has 0 item(s); a lesson has 1 to 3",
        ),
        (
            VALID.replace(r#""Create a veth pair", "#, ""),
            "src/lessons/veth.toml: `objectives` has 1 item(s); a lesson has 2 to 4",
        ),
        (
            VALID.replace(
                r#""Deleting one end deletes both."]"#,
                r#""b", "c", "d", "e", "f"]"#,
            ),
            "src/lessons/veth.toml: `key_points` has 6 item(s); a lesson has 2 to 5",
        ),
        (
            VALID.replace(r#""A veth pair is a cable.""#, r#"" ""#),
            "src/lessons/veth.toml: item 1 of `key_points` is empty",
        ),
        (
            VALID.replace(", right = true", ""),
            "src/lessons/veth.toml: the quick check has no right answer: mark one with `right = true`",
        ),
        (
            VALID.replace(r#"why = "A lone"#, r#"right = true, why = "A lone"#),
            "src/lessons/veth.toml: the quick check has 2 right answers: mark exactly one with `right = true`",
        ),
        (
            VALID.replace(r#""Its peer is down.""#, r#""""#),
            "src/lessons/veth.toml: answer 2's `why` is empty",
        ),
        (
            VALID.replace("minutes = 8", "minutes = 0"),
            "src/lessons/veth.toml: `minutes` is 0: the plan gives every lab chapter some time",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(error(&text), expected);
    }
}

#[test]
fn a_missing_why_or_an_unknown_key_is_a_toml_error_naming_the_file() {
    let no_why = error(&VALID.replace(r#", why = "Its peer is down.""#, ""));
    assert!(
        no_why.starts_with("src/lessons/veth.toml: ") && no_why.contains("missing field `why`"),
        "{no_why}"
    );
    let typo = error(&VALID.replace("key_points =", "keypoints ="));
    assert!(
        typo.starts_with("src/lessons/veth.toml: ") && typo.contains("unknown field `keypoints`"),
        "{typo}"
    );
    // The toml crate says where: the line of the mistake.
    assert!(typo.contains("line 5"), "{typo}");
}

#[test]
fn the_folder_loads_every_file_and_names_the_stems() {
    let dir = tempfile::tempdir().expect("create a temp dir");
    std::fs::write(dir.path().join("veth.toml"), VALID).unwrap();
    std::fs::write(dir.path().join("bridge.toml"), VALID).unwrap();
    std::fs::write(dir.path().join("README.md"), "not a lesson").unwrap();
    let lessons = Lessons::load(dir.path(), "src/lessons").expect("load the lessons");
    assert_eq!(lessons.stems().collect::<Vec<_>>(), ["bridge", "veth"]);
    assert_eq!(lessons.get("veth").expect("veth").minutes, 8);
    assert_eq!(
        lessons.get("vteh").expect_err("unknown"),
        "unknown lesson `vteh`; the lessons in src/lessons are: bridge, veth"
    );

    std::fs::write(dir.path().join("dns.toml"), "minutes = 3\n").unwrap();
    let error = Lessons::load(dir.path(), "src/lessons").expect_err("dns.toml is incomplete");
    assert!(
        format!("{error:#}").starts_with("src/lessons/dns.toml: "),
        "{error:#}"
    );

    let none = Lessons::load(&dir.path().join("missing"), "src/lessons").expect("no folder");
    assert_eq!(
        none.get("veth").expect_err("no lessons"),
        "unknown lesson `veth`: src/lessons has no lessons yet (write src/lessons/veth.toml)"
    );
}

#[test]
fn the_frame_is_a_box_around_markdown_lists() {
    let lesson = Lesson::parse(VALID, "src/lessons/veth.toml").unwrap();
    let frame = render_frame(&lesson);
    assert!(
        frame.starts_with("<div class=\"netlab-lesson\">\n"),
        "{frame}"
    );
    assert!(frame.contains("8 minutes in the session plan"), "{frame}");
    assert!(
        frame.contains("\n\n- What is the `vethXXXXXXX` device on the host?\n\n"),
        "{frame}"
    );
    assert!(
        frame.contains("\n\n- Create a veth pair\n- Predict when an end has a carrier\n\n"),
        "{frame}"
    );
    assert!(frame.ends_with("\n\n</div>"), "{frame}");
    assert_eq!(
        render_key_points(&lesson),
        "<div class=\"netlab-keypoints\">\n\n- A veth pair is a cable.\n- Deleting one end deletes both.\n\n</div>"
    );
}

#[test]
fn each_answer_is_a_details_whose_body_says_right_or_wrong_and_why() {
    let lesson = Lesson::parse(VALID, "src/lessons/veth.toml").unwrap();
    let check = render_quick_check(&lesson);
    let expected = "\
<div class=\"netlab-quickcheck\">

What does `ip link show vethA` say?

<details class=\"netlab-answer netlab-wrong\">
<summary>

**A.** `UP,LOWER_UP`

</summary>

**Wrong.** A lone device, not half of a cable.

</details>

<details class=\"netlab-answer netlab-right\">
<summary>

**B.** `NO-CARRIER`

</summary>

**Right.** Its peer is down.

</details>

</div>";
    assert_eq!(check, expected);
}

#[test]
fn a_line_break_in_a_string_does_not_end_the_item() {
    let text = VALID.replace(
        r#""A veth pair is a cable.""#,
        "\"\"\"A veth pair\n   is a cable.\"\"\"",
    );
    let lesson = Lesson::parse(&text, "src/lessons/veth.toml").unwrap();
    assert!(render_key_points(&lesson).contains("- A veth pair is a cable.\n"));
}
