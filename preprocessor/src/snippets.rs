//! The examples folder: `examples/NAME/main.rs`, its recorded `output.txt`
//! and the `topology.svg` picture the same run drew.
//!
//! Every error here is a full sentence that names the file and lists what
//! does exist, so the author can fix the directive without opening a shell.

use std::fs;
use std::io::ErrorKind;
use std::path::PathBuf;

/// The command that re-runs every example and records its output.
pub const RECORD_COMMAND: &str = "NETLAB_RECORD=1 cargo test -p netlab-tests";

/// The snippets package on disk.
pub struct Snippets {
    /// Where to read files.
    dir: PathBuf,
    /// The same folder as the reader should see it in captions and messages
    /// (`snippets`, relative to the book root), never an absolute path.
    shown: String,
}

impl Snippets {
    pub fn new(dir: impl Into<PathBuf>, shown: &str) -> Self {
        let shown = shown.trim_end_matches('/').to_string();
        Snippets {
            dir: dir.into(),
            shown,
        }
    }

    /// How a file of an example is shown: `snippets/examples/bridge/main.rs`.
    pub fn shown_path(&self, name: &str, file: &str) -> String {
        format!("{}/examples/{name}/{file}", self.shown)
    }

    /// The examples that exist: folders under `examples/` with a `main.rs`, sorted.
    pub fn examples(&self) -> Vec<String> {
        let Ok(entries) = fs::read_dir(self.dir.join("examples")) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.path().join("main.rs").is_file())
            .filter_map(|entry| entry.file_name().into_string().ok())
            .collect();
        names.sort();
        names
    }

    /// The code of `file` (`main.rs`, or another module) of an example, the
    /// whole file or one anchored region, with every anchor line removed and
    /// the common indentation taken off.
    pub fn code(&self, name: &str, file: &str, anchor: Option<&str>) -> Result<String, String> {
        self.check_exists(name)?;
        let shown = self.shown_path(name, file);
        let path = self.dir.join("examples").join(name).join(file);
        let text = fs::read_to_string(&path).map_err(|e| format!("cannot read {shown}: {e}"))?;
        let lines: Vec<&str> = text.lines().collect();
        let region = match anchor {
            None => &lines[..],
            Some(anchor) => region(&lines, anchor, &shown)?,
        };
        // Nested or neighbouring anchors are markers for other excerpts, not code.
        let code = region
            .iter()
            .copied()
            .filter(|line| anchor_of(line).is_none());
        Ok(dedent(code))
    }

    /// The recorded output of an example, as the recording wrote it:
    /// `output.txt`, or `output-VARIANT.txt` for a run elsewhere.
    pub fn output(&self, name: &str, variant: Option<&str>) -> Result<String, String> {
        self.check_exists(name)?;
        let file = output_file(variant);
        let shown = self.shown_path(name, &file);
        let path = self.dir.join("examples").join(name).join(&file);
        match fs::read_to_string(&path) {
            Ok(text) => Ok(text.trim_end().to_string()),
            Err(e) if e.kind() == ErrorKind::NotFound => Err(format!(
                "{shown} does not exist yet: record it with `{}`",
                record_command(variant)
            )),
            Err(e) => Err(format!("cannot read {shown}: {e}")),
        }
    }

    /// One step of the recording `variant` of `name`: from the first
    /// narration line (`# ...`) that holds `section` up to the next
    /// narration line, without the blank lines at its end (a step's output
    /// may hold blank lines of its own: a file's, ping's statistics). An unknown section is an error that lists the recording's
    /// narration lines, the sections there are.
    pub fn excerpt(
        &self,
        name: &str,
        variant: Option<&str>,
        section: &str,
    ) -> Result<String, String> {
        let output = self.output(name, variant)?;
        let narration = |line: &str| line.starts_with("# ");
        let lines: Vec<&str> = output.lines().collect();
        let Some(start) = lines
            .iter()
            .position(|line| narration(line) && line.contains(section))
        else {
            let shown = self.shown_path(name, &output_file(variant));
            let sections: Vec<&str> = lines.iter().copied().filter(|l| narration(l)).collect();
            return Err(format!(
                "{shown} has no narration line with `{section}`; its narration lines are:\n  {}",
                sections.join("\n  ")
            ));
        };
        let length = lines[start + 1..]
            .iter()
            .position(|line| narration(line))
            .map_or(lines.len() - start, |next| next + 1);
        Ok(lines[start..start + length]
            .join("\n")
            .trim_end()
            .to_string())
    }

    /// What the recording `variant` of `name` printed after `before`, on the
    /// first line that holds it, up to `after` (to the next space when
    /// `after` is empty): a value for the prose (`{{#value ...}}`).
    pub fn value(
        &self,
        name: &str,
        variant: Option<&str>,
        before: &str,
        after: &str,
    ) -> Result<String, String> {
        let output = self.output(name, variant)?;
        let shown = self.shown_path(name, &output_file(variant));
        let line = output
            .lines()
            .find_map(|line| line.split_once(before).map(|(_, rest)| rest))
            .ok_or_else(|| format!("{shown} has no line with `{before}`"))?;
        let value = match after {
            "" => line.split_whitespace().next().unwrap_or(""),
            after => line
                .split_once(after)
                .map(|(value, _)| value)
                .ok_or_else(|| format!("{shown}: no `{after}` after `{before}`"))?,
        };
        if value.is_empty() {
            return Err(format!("{shown}: nothing between `{before}` and `{after}`"));
        }
        Ok(value.to_string())
    }

    /// The recorded topology picture of an example, as SVG text to inline in
    /// the page, without blank lines: in Markdown, a blank line would end
    /// the HTML block and turn the rest of the picture into text.
    pub fn topology(&self, name: &str, variant: Option<&str>) -> Result<String, String> {
        self.check_exists(name)?;
        let file = topology_file(variant);
        let shown = self.shown_path(name, &file);
        let path = self.dir.join("examples").join(name).join(&file);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return Err(format!(
                    "{shown} does not exist yet: record the pictures with `{RECORD_COMMAND}`"
                ));
            }
            Err(e) => return Err(format!("cannot read {shown}: {e}")),
        };
        if !text.trim_start().starts_with("<svg") || !text.trim_end().ends_with("</svg>") {
            return Err(format!(
                "{shown} is not a picture the tests recorded: it must be one <svg> element"
            ));
        }
        let lines: Vec<&str> = text
            .lines()
            .filter(|line| !line.trim().is_empty())
            .collect();
        Ok(lines.join("\n"))
    }

    /// The claims the recorded run checked (`claims.txt`, what `--check`
    /// printed): each `PASS ...` line's claim, in order.
    pub fn claims(&self, name: &str, variant: Option<&str>) -> Result<Vec<String>, String> {
        self.check_exists(name)?;
        let file = claims_file(variant);
        let shown = self.shown_path(name, &file);
        let path = self.dir.join("examples").join(name).join(&file);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                let record = match variant {
                    Some(_) => record_command(variant),
                    None => format!("{RECORD_COMMAND} --test check"),
                };
                return Err(format!(
                    "{shown} does not exist yet: record it with `{record}`"
                ));
            }
            Err(e) => return Err(format!("cannot read {shown}: {e}")),
        };
        let mut claims = Vec::new();
        for line in text.lines() {
            if let Some(claim) = line.strip_prefix("PASS ") {
                claims.push(claim.to_string());
            } else if !line.starts_with("check: ") {
                return Err(format!(
                    "{shown}: `{line}` is not a claim that held (PASS ...): re-record it"
                ));
            }
        }
        Ok(claims)
    }

    fn check_exists(&self, name: &str) -> Result<(), String> {
        let examples = self.examples();
        if examples.iter().any(|known| known == name) {
            return Ok(());
        }
        let folder = format!("{}/examples", self.shown);
        Err(if examples.is_empty() {
            format!(
                "unknown example `{name}`: {folder} has no examples yet (a folder with a main.rs)"
            )
        } else {
            format!(
                "unknown example `{name}`; the examples in {folder} are: {}",
                examples.join(", ")
            )
        })
    }
}

/// The picture of the recording `variant`: `topology.svg`, or
/// `topology-vm.svg` for the run in the VM.
pub fn topology_file(variant: Option<&str>) -> String {
    match variant {
        None => "topology.svg".to_string(),
        Some(variant) => format!("topology-{variant}.svg"),
    }
}

/// The command that records the output `variant`: the VM's runs are
/// recorded inside `cargo xtask vm`'s virtual machine, by the VM test; the
/// Docker examples' against the private Engines `cargo xtask engine` fetches.
pub fn record_command(variant: Option<&str>) -> String {
    match variant {
        Some("vm") => format!("{RECORD_COMMAND} --test vm"),
        // A Docker example's run in the VM (`vm-engine-28`).
        Some(vm) if vm.starts_with("vm-engine-") => format!("{RECORD_COMMAND} --test vm_docker"),
        Some(engine) if engine.starts_with("engine-") => format!(
            "cargo xtask test --setup-only && sudo -E {RECORD_COMMAND} --test docker_engines"
        ),
        _ => RECORD_COMMAND.to_string(),
    }
}

/// The file the recorded claims are in: `claims.txt`, or for a variant
/// (`vm`) `claims-vm.txt`.
pub fn claims_file(variant: Option<&str>) -> String {
    match variant {
        None => "claims.txt".to_string(),
        Some(variant) => format!("claims-{variant}.txt"),
    }
}

/// The file a recorded output is in: `output.txt`, or for a variant such as
/// `vm` (the run inside `cargo xtask vm`'s virtual machine) `output-vm.txt`.
pub fn output_file(variant: Option<&str>) -> String {
    match variant {
        None => "output.txt".to_string(),
        Some(variant) => format!("output-{variant}.txt"),
    }
}

/// An anchor comment: `// ANCHOR: name` starts a region, `// ANCHOR_END: name`
/// ends it (the rust-lang/book convention, which mdBook's `{{#include}}` also reads).
#[derive(Debug, PartialEq, Eq)]
enum Anchor<'a> {
    Start(&'a str),
    End(&'a str),
}

fn anchor_of(line: &str) -> Option<Anchor<'_>> {
    let comment = line.trim_start().strip_prefix("//")?.trim();
    if let Some(name) = comment.strip_prefix("ANCHOR:") {
        Some(Anchor::Start(name.trim()))
    } else {
        comment
            .strip_prefix("ANCHOR_END:")
            .map(|name| Anchor::End(name.trim()))
    }
}

/// The lines strictly between `// ANCHOR: name` and `// ANCHOR_END: name`
/// of the file `shown`.
fn region<'a>(lines: &'a [&'a str], name: &str, shown: &str) -> Result<&'a [&'a str], String> {
    let is = |line: &str, anchor: Anchor| anchor_of(line) == Some(anchor);
    let Some(start) = lines.iter().position(|line| is(line, Anchor::Start(name))) else {
        let mut known: Vec<&str> = Vec::new();
        for line in lines {
            if let Some(Anchor::Start(anchor)) = anchor_of(line)
                && !known.contains(&anchor)
            {
                known.push(anchor);
            }
        }
        return Err(match known.as_slice() {
            [] => format!("unknown anchor `{name}`: {shown} has no anchors (`// ANCHOR: name`)"),
            _ => format!(
                "unknown anchor `{name}` in {shown}; its anchors are: {}",
                known.join(", ")
            ),
        });
    };
    let rest = &lines[start + 1..];
    let len = rest
        .iter()
        .position(|line| is(line, Anchor::End(name)))
        .ok_or_else(|| format!("`// ANCHOR: {name}` in {shown} has no `// ANCHOR_END: {name}`"))?;
    Ok(&rest[..len])
}

/// Takes off the indentation that all non-blank lines share (an excerpt from
/// inside a function should start at the left margin) and trims blank lines
/// at both ends.
fn dedent<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let lines: Vec<&str> = lines.collect();
    let indent = |line: &str| line.len() - line.trim_start().len();
    let common = lines
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| indent(line))
        .min()
        .unwrap_or(0);
    let dedented: Vec<&str> = lines
        .iter()
        .map(|line| line.get(common..).unwrap_or("").trim_end())
        .collect();
    dedented.join("\n").trim_matches('\n').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_found_and_removed() {
        let file = "fn main() {\n    // ANCHOR: outer\n    let a = 1;\n    // ANCHOR: inner\n    if a == 1 {\n        run();\n    }\n    // ANCHOR_END: inner\n    // ANCHOR_END: outer\n}\n";
        let lines: Vec<&str> = file.lines().collect();
        let outer = region(&lines, "outer", "main.rs").unwrap();
        let code = dedent(outer.iter().copied().filter(|l| anchor_of(l).is_none()));
        assert_eq!(code, "let a = 1;\nif a == 1 {\n    run();\n}");
        let error = region(&lines, "nope", "main.rs").unwrap_err();
        assert_eq!(
            error,
            "unknown anchor `nope` in main.rs; its anchors are: outer, inner"
        );
        let error = region(&lines[..1], "nope", "main.rs").unwrap_err();
        assert_eq!(
            error,
            "unknown anchor `nope`: main.rs has no anchors (`// ANCHOR: name`)"
        );
    }

    #[test]
    fn an_anchor_without_end_is_an_error() {
        let lines = ["// ANCHOR: half", "x();"];
        let error = region(&lines, "half", "main.rs").unwrap_err();
        assert_eq!(
            error,
            "`// ANCHOR: half` in main.rs has no `// ANCHOR_END: half`"
        );
    }

    #[test]
    fn dedent_keeps_relative_indentation_and_blank_lines() {
        let lines = ["", "    a", "", "      b", "    c  ", ""];
        assert_eq!(dedent(lines.into_iter()), "a\n\n  b\nc");
    }
}
