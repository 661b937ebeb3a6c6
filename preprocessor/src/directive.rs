//! Parsing the text of one directive, from its `{{#` to its `}}`.

/// A directive this preprocessor expands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Directive {
    /// `{{#example NAME}}` or `{{#example NAME:ANCHOR}}`: the example's
    /// `main.rs`; `{{#example NAME/FILE.rs:ANCHOR}}`, another file of it
    /// (a module of its own, `drivers_measured/measure.rs`).
    Example {
        name: String,
        file: Option<String>,
        anchor: Option<String>,
    },
    /// `{{#output NAME}}`, or `{{#output NAME:VARIANT}}` for the recording
    /// of a run elsewhere (`{{#output macvlan:vm}}`: `output-vm.txt`, the
    /// run inside `cargo xtask vm`'s virtual machine).
    Output {
        name: String,
        variant: Option<String>,
    },
    /// `{{#excerpt NAME[:VARIANT] TEXT}}`: one step of a recording, for a
    /// chapter's core when the whole transcript is in a deep dive: the lines
    /// from the first narration line (`# ...`) that holds TEXT up to the
    /// next narration line, as the run printed them.
    Excerpt {
        name: String,
        variant: Option<String>,
        section: String,
    },
    /// `{{#topology NAME}}`: the picture of the lab the recorded run drew;
    /// `{{#topology NAME:vm}}`, the one its run in the VM drew
    /// (`topology-vm.svg`), for a lab this machine's kernel cannot build.
    Topology {
        name: String,
        variant: Option<String>,
    },
    /// `{{#claims NAME}}`: the chapter's claims, as the recorded run's
    /// `--check` found them (`claims.txt`); `{{#claims NAME:vm}}`, as the
    /// run inside the VM found them (`claims-vm.txt`), for an example this
    /// machine's kernel cannot run.
    Claims {
        name: String,
        variant: Option<String>,
    },
    /// `{{#value NAME:VARIANT BEFORE{}AFTER}}`, inside a sentence: a value
    /// the recording `output-VARIANT.txt` printed, quoted in the prose: on
    /// the first line that holds BEFORE, what follows it up to AFTER (or to
    /// the next space when AFTER is empty), shown as code. So a MAC or a
    /// time quoted in a sentence is the recording's, after every re-record.
    Value {
        name: String,
        variant: Option<String>,
        before: String,
        after: String,
    },
    /// `{{#lesson STEM}}`, `{{#keypoints STEM}}` or `{{#quickcheck STEM}}`:
    /// a part of the lesson file `src/lessons/STEM.toml` (see [`crate::lesson`]).
    Lesson { part: LessonPart, stem: String },
    /// `{{#session-plan}}`: the table of the lab chapters, their computed
    /// reading minutes, their minutes in the plan and their core exercises.
    SessionPlan,
}

/// Which part of a lesson file a directive shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LessonPart {
    /// `{{#lesson STEM}}`: the frame at the top (minutes, questions, objectives).
    Frame,
    /// `{{#keypoints STEM}}`: the key points at the end.
    KeyPoints,
    /// `{{#quickcheck STEM}}`: the multiple-choice question.
    QuickCheck,
}

/// What a `{{#` turned out to start.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// One of ours, and the length of its text (braces included).
    Ours(Directive, usize),
    /// One of mdBook's own; its `links` preprocessor expands it after us.
    Mdbook,
}

/// mdBook's own directives (expanded by its built-in `links` preprocessor).
/// Anything else that starts with `{{#` is an error: a typo such as
/// `{{#exmaple bridge}}` should stop the build, not print itself on the page.
const MDBOOK_DIRECTIVES: &[&str] = &[
    "include",
    "rustdoc_include",
    "playground",
    "playpen",
    "title",
];

/// Reminds the author of the syntax in every error message.
const USAGE: &str = "write {{#example NAME}}, {{#example NAME:ANCHOR}}, {{#example NAME/FILE.rs:ANCHOR}}, {{#output NAME}}, {{#output NAME:vm}}, {{#excerpt NAME[:VARIANT] TEXT}}, {{#topology NAME}}, {{#topology NAME:vm}}, {{#claims NAME}}, {{#claims NAME:vm}}, {{#lesson STEM}}, {{#keypoints STEM}}, {{#quickcheck STEM}}, {{#session-plan}} or, in a sentence, {{#value NAME:VARIANT BEFORE{}AFTER}}";

/// Parses the directive at the start of `text` (which starts with `{{#` and
/// runs to the end of its line). An error is a message without a location;
/// the caller adds the file and line.
pub fn parse(text: &str) -> Result<Parsed, String> {
    let after = &text["{{#".len()..];
    let kind_len = after
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(after.len());
    let kind = &after[..kind_len];
    if MDBOOK_DIRECTIVES.contains(&kind) {
        return Ok(Parsed::Mdbook);
    }
    let Some(close) = text.find("}}") else {
        return Err(format!(
            "`{}` is not closed: a directive ends with `}}}}` on the same line; {USAGE}",
            text.trim_end()
        ));
    };
    let whole = &text[..close + 2];
    let args: Vec<&str> = after[kind_len..close - 3].split_whitespace().collect();
    let directive = match (kind, args.as_slice()) {
        ("example", [arg]) => parse_example(arg),
        ("output", [arg]) => parse_output(arg),
        ("topology", [arg]) if arg.contains(':') && !arg.ends_with(":vm") => Err(format!(
            "`{whole}`: a topology picture is the whole lab, it has no anchors; {USAGE}"
        )),
        ("topology", [arg]) => match parse_output(arg)? {
            Directive::Output { name, variant } => Ok(Directive::Topology { name, variant }),
            _ => unreachable!("parse_output makes an Output"),
        },
        ("claims", [arg]) => match parse_output(arg)? {
            Directive::Output { name, variant } => Ok(Directive::Claims { name, variant }),
            _ => unreachable!("parse_output makes an Output"),
        },
        ("value", [arg, ..]) => {
            let pattern = after[kind_len..close - 3].trim_start();
            let pattern = pattern[arg.len()..].trim();
            match (parse_output(arg)?, pattern.split_once("{}")) {
                (Directive::Output { name, variant }, Some((before, after)))
                    if !before.is_empty() && !after.contains("{}") =>
                {
                    Ok(Directive::Value {
                        name,
                        variant,
                        before: before.to_string(),
                        after: after.to_string(),
                    })
                }
                _ => Err(format!(
                    "`{whole}`: a value is NAME:VARIANT and a pattern with text before one `{{}}`; {USAGE}"
                )),
            }
        }
        ("excerpt", [arg, _, ..]) => {
            let section = after[kind_len..close - 3].trim_start()[arg.len()..].trim();
            match parse_output(arg)? {
                Directive::Output { name, variant } => Ok(Directive::Excerpt {
                    name,
                    variant,
                    section: section.to_string(),
                }),
                _ => unreachable!("parse_output makes an Output"),
            }
        }
        ("excerpt", _) => Err(format!(
            "`{whole}`: an excerpt is NAME[:VARIANT] and the words of the narration line (`# ...`) it starts at; {USAGE}"
        )),
        ("lesson" | "keypoints" | "quickcheck", [stem]) => Ok(Directive::Lesson {
            part: match kind {
                "lesson" => LessonPart::Frame,
                "keypoints" => LessonPart::KeyPoints,
                _ => LessonPart::QuickCheck,
            },
            stem: check_name(stem)?,
        }),
        ("session-plan", []) => Ok(Directive::SessionPlan),
        ("session-plan", _) => Err(format!("`{whole}` takes no argument; {USAGE}")),
        (
            "example" | "output" | "topology" | "claims" | "value" | "lesson" | "keypoints"
            | "quickcheck",
            _,
        ) => Err(format!("`{whole}` takes one argument; {USAGE}")),
        _ => Err(format!(
            "unknown directive `{whole}`: {USAGE} (mdBook's own are {{{{#{}}}}})",
            MDBOOK_DIRECTIVES.join("}}, {{#")
        )),
    }?;
    Ok(Parsed::Ours(directive, whole.len()))
}

/// `NAME`, `NAME:ANCHOR` or `NAME/FILE.rs:ANCHOR`.
fn parse_example(arg: &str) -> Result<Directive, String> {
    let parts: Vec<&str> = arg.split(':').collect();
    let (path, anchor) = match parts.as_slice() {
        [path] => (*path, None),
        [path, anchor] => (*path, Some(check_name(anchor)?)),
        _ => return Err(format!("`{arg}` has more than one `:`; {USAGE}")),
    };
    let (name, file) = match path.split_once('/') {
        None => (path, None),
        Some((name, file)) => match file.strip_suffix(".rs") {
            Some(stem) => (name, Some(format!("{}.rs", check_name(stem)?))),
            // Not NAME/FILE.rs: say what is wrong with the whole of it.
            None => return Err(check_name(path).err().unwrap_or_default()),
        },
    };
    Ok(Directive::Example {
        name: check_name(name)?,
        file,
        anchor,
    })
}

/// `NAME` or `NAME:VARIANT`. A recorded output is a whole file: the part
/// after the colon names another recording, not an anchor.
fn parse_output(arg: &str) -> Result<Directive, String> {
    let parts: Vec<&str> = arg.split(':').collect();
    match parts.as_slice() {
        [name] => Ok(Directive::Output {
            name: check_name(name)?,
            variant: None,
        }),
        [name, variant] => Ok(Directive::Output {
            name: check_name(name)?,
            variant: Some(check_name(variant)?),
        }),
        _ => Err(format!("`{arg}` has more than one `:`; {USAGE}")),
    }
}

/// Example and anchor names are plain words. This also keeps `../` out of the
/// paths we build from them.
fn check_name(name: &str) -> Result<String, String> {
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if !name.is_empty() && name.chars().all(plain) {
        Ok(name.to_string())
    } else {
        Err(format!(
            "`{name}` is not a name (letters, digits, `_` and `-` only); {USAGE}"
        ))
    }
}

#[cfg(test)]
mod tests;
