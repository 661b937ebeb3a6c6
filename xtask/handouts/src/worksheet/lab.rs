//! The lab's commands, as an example's doc comment gives them: every
//! example opens with a `//!` header that says what it does, `Equivalent
//! to` with the exact `ip`/`nft`/`docker` commands of the lab in a ```text
//! block, and `Run it:` with the command that runs it (STYLE.md, rule 2).
//! The sheet prints that block and that command, so they are never typed
//! twice.

use anyhow::{Result, anyhow, bail};
use mdbook_netlab::Snippets;

/// One example's part of a sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lab {
    /// The example's name (`veth`).
    pub example: String,
    /// The sentence that introduces the commands, without its colon:
    /// `Equivalent to (lab step 7)`.
    pub caption: String,
    /// The lab's commands, one a line, as the ```text block holds them.
    pub commands: String,
    /// How to run the example: the code span of its `Run it:` paragraph
    /// that runs it (`cargo run --example veth`), else `cargo run --example NAME`.
    pub run: String,
}

/// Reads the lab's commands and the run command of the example `name`.
pub fn lab(snippets: &Snippets, name: &str) -> Result<Lab> {
    let code = snippets
        .code(name, "main.rs", None)
        .map_err(|e| anyhow!(e))?;
    let doc = doc_comment(&code);
    let shown = snippets.shown_path(name, "main.rs");
    let Some((caption, commands)) = equivalent(&doc) else {
        bail!(
            "{shown}: its doc comment has no ```text block after `Equivalent to`: \
             the worksheet prints that block as the lab's commands"
        );
    };
    Ok(Lab {
        example: name.to_string(),
        caption,
        commands,
        run: run_command(&doc, name),
    })
}

/// The lines of the file's `//!` comment, without the `//!` and the space
/// after it.
fn doc_comment(code: &str) -> Vec<&str> {
    code.lines()
        .map_while(|line| line.strip_prefix("//!"))
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect()
}

/// The sentence from `Equivalent to` up to the ```text fence (without its
/// colon), and the lines inside the fence.
fn equivalent(doc: &[&str]) -> Option<(String, String)> {
    let start = doc.iter().position(|line| line.contains("Equivalent to"))?;
    let fence = start
        + doc[start..]
            .iter()
            .position(|line| line.trim() == "```text")?;
    let end = fence
        + 1
        + doc[fence + 1..]
            .iter()
            .position(|line| line.trim() == "```")?;
    let at = doc[start].find("Equivalent to")?;
    let mut caption: Vec<&str> = vec![&doc[start][at..]];
    caption.extend(doc[start + 1..fence].iter().map(|line| line.trim()));
    let caption = caption.join(" ");
    let caption = caption.trim().trim_end_matches(':').trim().to_string();
    Some((caption, doc[fence + 1..end].join("\n")))
}

/// The code span of the `Run it` paragraph that runs the example, or the
/// plain `cargo run --example NAME`.
fn run_command(doc: &[&str], name: &str) -> String {
    let text = doc.join("\n");
    let spans = text
        .find("Run it")
        .map(|at| &text[at..])
        .map(|rest| rest.split("\n\n").next().unwrap_or(rest))
        .map(|paragraph| paragraph.split('`').skip(1).step_by(2).collect::<Vec<_>>())
        .unwrap_or_default();
    // The span's words, on one line: a span may wrap in the comment.
    spans
        .into_iter()
        .map(|span| span.split_whitespace().collect::<Vec<_>>())
        .find(|words| words.windows(2).any(|pair| pair == ["--example", name]))
        .map(|words| words.join(" "))
        .unwrap_or_else(|| format!("cargo run --example {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "\
//! A veth pair: two virtual Ethernet devices joined back to back.
//!
//! Equivalent to (lab step 7,
//! by hand):
//!
//! ```text
//! ip link add vethA type veth peer name vpeerA
//! ip a
//! ```
//!
//! Run it: `sudo -E cargo run
//! --example veth` (add `-- --keep` to look around).

fn main() {}
";

    #[test]
    fn reads_the_commands_and_the_run_command() {
        let doc = doc_comment(HEADER);
        assert_eq!(
            equivalent(&doc),
            Some((
                "Equivalent to (lab step 7, by hand)".to_string(),
                "ip link add vethA type veth peer name vpeerA\nip a".to_string()
            ))
        );
        assert_eq!(
            run_command(&doc, "veth"),
            "sudo -E cargo run --example veth"
        );
        // Not the command of another example whose name starts the same.
        assert_eq!(run_command(&doc, "vet"), "cargo run --example vet");
    }

    #[test]
    fn without_run_it_the_plain_command_and_without_block_nothing() {
        let doc = doc_comment("//! Equivalent to: nothing.\n//! Run it: see the README.\n");
        assert_eq!(equivalent(&doc), None);
        assert_eq!(run_command(&doc, "veth"), "cargo run --example veth");
    }
}
