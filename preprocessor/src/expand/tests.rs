//! Markdown in, Markdown out, against a small snippets folder made for each test.

use super::*;
use std::fs;
use tempfile::TempDir;

const BRIDGE: &str = "\
//! Create the docker0 bridge.
use netlab::link;

// ANCHOR: main
fn main() -> anyhow::Result<()> {
    // ANCHOR: add_bridge
    link::add_bridge(\"docker0\")?;
    // ANCHOR_END: add_bridge
    Ok(())
}
// ANCHOR_END: main
";

const BRIDGE_OUTPUT: &str = "$ cargo run --example bridge\ncreated docker0 <up>\n";

/// A picture with a blank line inside, which the page must not keep.
const BRIDGE_TOPOLOGY: &str =
    "<svg xmlns=\"http://www.w3.org/2000/svg\">\n<title>bridge</title>\n\n<rect/>\n</svg>\n";

/// `snippets/examples/{bridge,veth}`, only bridge with a recorded output and
/// picture, and `src/lessons/veth.toml`.
fn fixture() -> (TempDir, Sources) {
    let root = tempfile::tempdir().expect("create a temp dir");
    let examples = root.path().join("snippets/examples");
    for (name, code) in [("bridge", BRIDGE), ("veth", "fn main() {}\n")] {
        fs::create_dir_all(examples.join(name)).expect("create an example folder");
        fs::write(examples.join(name).join("main.rs"), code).expect("write main.rs");
    }
    fs::write(examples.join("bridge/output.txt"), BRIDGE_OUTPUT).expect("write output.txt");
    fs::write(examples.join("bridge/topology.svg"), BRIDGE_TOPOLOGY).expect("write topology.svg");
    // A folder without main.rs is not an example.
    fs::create_dir_all(examples.join("notes")).expect("create a non-example folder");
    fs::create_dir_all(root.path().join("src/lessons")).expect("create the lessons folder");
    fs::write(
        root.path().join("src/lessons/veth.toml"),
        crate::lesson::SAMPLE,
    )
    .expect("write veth.toml");
    let lessons = Lessons::load(&root.path().join("src/lessons"), "src/lessons").expect("load");
    let sources = Sources {
        snippets: Snippets::new(root.path().join("snippets"), "snippets"),
        lessons,
        session_plan: None,
    };
    (root, sources)
}

fn expand_ok(markdown: &str) -> String {
    let (_root, sources) = fixture();
    expand(markdown, "src/bridge.md", &sources).expect("expand")
}

fn expand_err(markdown: &str) -> String {
    let (_root, sources) = fixture();
    let error = expand(markdown, "src/bridge.md", &sources).expect_err("should fail");
    error.to_string()
}

#[test]
fn whole_example_without_anchor_lines() {
    let out = expand_ok("# The bridge\n\n{{#example bridge}}\n\nThat was all.\n");
    let expected = r#"# The bridge

<p class="netlab-caption"><code>snippets/examples/bridge/main.rs</code> · run it: <code>cargo run --example bridge</code></p>

```rust,ignore
//! Create the docker0 bridge.
use netlab::link;

fn main() -> anyhow::Result<()> {
    link::add_bridge("docker0")?;
    Ok(())
}
```

That was all.
"#;
    assert_eq!(out, expected);
}

#[test]
fn anchored_region_is_dedented() {
    let out = expand_ok("{{#example bridge:add_bridge}}\n");
    let expected = r#"<p class="netlab-caption"><code>snippets/examples/bridge/main.rs</code> (excerpt) · run it: <code>cargo run --example bridge</code></p>

```rust,ignore
link::add_bridge("docker0")?;
```
"#;
    assert_eq!(out, expected);
}

#[test]
fn nested_anchor_lines_are_removed_from_outer_region() {
    let out = expand_ok("{{#example bridge:main}}");
    assert!(out.contains("fn main() -> anyhow::Result<()> {\n    link::add_bridge"));
    assert!(!out.contains("ANCHOR"), "{out}");
}

#[test]
fn output_is_a_transcript_block() {
    let out = expand_ok("Run it:\n\n{{#output bridge}}\n");
    let expected = r#"Run it:

<p class="netlab-caption">recorded output: <code>snippets/examples/bridge/output.txt</code></p>

<pre class="netlab-transcript"><span class="prompt">$</span> <span class="command">cargo run --example bridge</span>
created docker0 &lt;up&gt;</pre>
"#;
    assert_eq!(out, expected);
}

#[test]
fn a_transcript_styles_prompts_and_comments_line_by_line() {
    let body = "# the hosts' eth0: one cable\nhost$ ip link set eth0 up\nred$ ping -c 1 10.0.1.3\n\
                64 bytes from 10.0.1.3: icmp_seq=1 ttl=64\nnot a prompt$ here\n#no space";
    let html = super::transcript("caption", body);
    let lines: Vec<&str> = html.lines().skip(2).collect();
    assert_eq!(
        lines,
        [
            "<pre class=\"netlab-transcript\"><span class=\"comment\"># the hosts' eth0: one cable</span>",
            "<span class=\"prompt\">host$</span> <span class=\"command\">ip link set eth0 up</span>",
            "<span class=\"prompt\">red$</span> <span class=\"command\">ping -c 1 10.0.1.3</span>",
            "64 bytes from 10.0.1.3: icmp_seq=1 ttl=64",
            "not a prompt$ here",
            "#no space</pre>",
        ]
    );
}

#[test]
fn directive_in_a_list_item_keeps_its_indentation() {
    let out = expand_ok("1. Create it:\n\n   {{#example veth}}\n");
    let expected = "1. Create it:\n\n   <p class=\"netlab-caption\"><code>snippets/examples/veth/main.rs</code> · run it: <code>cargo run --example veth</code></p>\n\n   ```rust,ignore\n   fn main() {}\n   ```\n";
    assert_eq!(out, expected);
}

#[test]
fn fence_is_longer_than_backticks_in_the_code() {
    let (root, sources) = fixture();
    // A line of a string literal that starts with ``` would close a ``` fence.
    let code = "const HELP: &str = \"\n```console\n$ ip link\n```\n\";\n";
    fs::write(root.path().join("snippets/examples/veth/main.rs"), code).unwrap();
    let out = expand("{{#example veth}}", "src/veth.md", &sources).unwrap();
    assert!(out.contains("\n````rust,ignore\nconst HELP"), "{out}");
    assert!(out.ends_with("\n```\n\";\n````"), "{out}");
}

#[test]
fn escaped_directives_are_shown_without_the_backslash() {
    let out = expand_ok("Write \\{{#example bridge:main}} on a line.\n");
    assert_eq!(out, "Write {{#example bridge:main}} on a line.\n");
    // Even a malformed one: it is only being shown.
    assert_eq!(expand_ok("\\{{#example a:b:c"), "{{#example a:b:c");
    // mdBook's own escapes are mdBook's: its `links` preprocessor drops that backslash.
    assert_eq!(expand_ok("\\{{#include x.rs}}\n"), "\\{{#include x.rs}}\n");
}

#[test]
fn directives_in_code_are_left_alone() {
    let markdown = "\
```markdown
{{#example bridge}}
{{#example nope:nope:nope}}
```

~~~
{{#output veth}}
~~~

    {{#example indented_code}}

Write `{{#output bridge}}` after the code.
";
    assert_eq!(expand_ok(markdown), markdown);
}

#[test]
fn mdbook_directives_are_untouched() {
    let markdown = "{{#title The bridge}}\n\n```rust\n{{#include ../x.rs:anchor}}\n```\n{{#rustdoc_include x.rs}}\n";
    assert_eq!(expand_ok(markdown), markdown);
}

#[test]
fn crlf_line_endings_survive() {
    let out = expand_ok("a\r\n{{#example veth}}\r\nb\r\n");
    assert!(out.starts_with("a\r\n<p class"), "{out:?}");
    assert!(out.ends_with("```\r\nb\r\n"), "{out:?}");
}

#[test]
fn directives_lists_what_a_chapter_uses() {
    let markdown =
        "{{#example bridge:main}}\n`{{#example veth}}`\n\\{{#output veth}}\n{{#output bridge}}\n";
    let found = directives(markdown, "src/bridge.md").unwrap();
    let expected = [
        Directive::Example {
            name: "bridge".into(),
            file: None,
            anchor: Some("main".into()),
        },
        Directive::Output {
            name: "bridge".into(),
            variant: None,
        },
    ];
    assert_eq!(found, expected);
}

// Each mistake stops the build with one message: file, line, what is wrong,
// and what would be right.

#[test]
fn unknown_example_lists_the_examples() {
    assert_eq!(
        expand_err("# Bridge\n\n{{#example brigde}}\n"),
        "src/bridge.md:3: unknown example `brigde`; the examples in snippets/examples are: bridge, veth"
    );
}

#[test]
fn a_variant_output_reads_its_own_file() {
    let (root, sources) = fixture();
    let vm_output = "$ cargo run --example bridge\ncreated docker0 <up> in the VM\n";
    let file = root.path().join("snippets/examples/bridge/output-vm.txt");
    fs::write(&file, vm_output).expect("write output-vm.txt");
    let out = expand("{{#output bridge:vm}}\n", "src/bridge.md", &sources).expect("expand");
    assert!(
        out.contains("recorded output: <code>snippets/examples/bridge/output-vm.txt</code>"),
        "the caption names output-vm.txt: {out}"
    );
    assert!(
        out.contains("created docker0 &lt;up&gt; in the VM</pre>"),
        "{out}"
    );
    assert!(
        !out.contains("created docker0 &lt;up&gt;</pre>"),
        "not output.txt: {out}"
    );
    assert_eq!(
        expand_err("{{#output bridge:qemu}}"),
        "src/bridge.md:1: snippets/examples/bridge/output-qemu.txt does not exist yet: \
         record it with `NETLAB_RECORD=1 cargo test -p netlab-tests`"
    );
    fs::remove_file(&file).expect("remove output-vm.txt");
    let missing = expand_err("{{#output bridge:vm}}");
    assert!(
        missing.ends_with(
            "output-vm.txt does not exist yet: record it with \
             `NETLAB_RECORD=1 cargo test -p netlab-tests --test vm`"
        ),
        "a missing VM output names the command that records VM outputs: {missing}"
    );
}

#[test]
fn unknown_example_when_there_are_none() {
    let root = tempfile::tempdir().unwrap();
    let sources = Sources::new(Snippets::new(root.path().join("snippets"), "snippets"));
    let error = expand("{{#output bridge}}", "src/bridge.md", &sources).unwrap_err();
    assert_eq!(
        error.to_string(),
        "src/bridge.md:1: unknown example `bridge`: snippets/examples has no examples yet (a folder with a main.rs)"
    );
}

#[test]
fn unknown_anchor_lists_the_anchors_of_that_file() {
    assert_eq!(
        expand_err("{{#example bridge:add-bridge}}"),
        "src/bridge.md:1: unknown anchor `add-bridge` in snippets/examples/bridge/main.rs; \
         its anchors are: main, add_bridge"
    );
}

#[test]
fn missing_output_names_the_file_and_the_record_command() {
    assert_eq!(
        expand_err("\n{{#output veth}}"),
        "src/bridge.md:2: snippets/examples/veth/output.txt does not exist yet: \
         record it with `NETLAB_RECORD=1 cargo test -p netlab-tests`"
    );
}

#[test]
fn malformed_directives() {
    let usage = "write {{#example NAME}}, {{#example NAME:ANCHOR}}, {{#example NAME/FILE.rs:ANCHOR}}, {{#output NAME}}, {{#output NAME:vm}}, {{#excerpt NAME[:VARIANT] TEXT}}, {{#topology NAME}}, {{#topology NAME:vm}}, {{#claims NAME}}, {{#claims NAME:vm}}, {{#lesson STEM}}, {{#keypoints STEM}}, {{#quickcheck STEM}}, {{#session-plan}} or, in a sentence, {{#value NAME:VARIANT BEFORE{}AFTER}}";
    assert_eq!(
        expand_err("{{#example}}"),
        format!("src/bridge.md:1: `{{{{#example}}}}` takes one argument; {usage}")
    );
    assert_eq!(
        expand_err("{{#example a:b:c}}"),
        format!("src/bridge.md:1: `a:b:c` has more than one `:`; {usage}")
    );
    assert_eq!(
        expand_err("text\n{{#example bridge\nmore"),
        format!(
            "src/bridge.md:2: `{{{{#example bridge` is not closed: \
             a directive ends with `}}}}` on the same line; {usage}"
        )
    );
    assert!(
        expand_err("{{#netlab-output bridge}}")
            .starts_with("src/bridge.md:1: unknown directive `{{#netlab-output bridge}}`: write")
    );
}

#[test]
fn a_directive_must_have_its_line_to_itself() {
    assert_eq!(
        expand_err("See {{#example bridge}} here."),
        "src/bridge.md:1: `{{#example bridge}}` must stand on a line of its own \
         (to show it in prose, put it in `code` or write \\{{#example bridge}})"
    );
}

#[test]
fn topology_is_an_inline_figure_without_blank_lines() {
    let out = expand_ok("The lab:\n\n{{#topology bridge}}\n\nAfter.\n");
    let expected = r#"The lab:

<figure class="netlab-topology">
<svg xmlns="http://www.w3.org/2000/svg">
<title>bridge</title>
<rect/>
</svg>
<figcaption class="netlab-caption">the lab as the kernel reported it, drawn by the recorded run: <code>snippets/examples/bridge/topology.svg</code></figcaption>
</figure>

After.
"#;
    assert_eq!(out, expected);
}

#[test]
fn topology_of_an_unknown_example_lists_the_examples() {
    assert_eq!(
        expand_err("# Bridge\n\n\n{{#topology brigde}}\n"),
        "src/bridge.md:4: unknown example `brigde`; the examples in snippets/examples are: bridge, veth"
    );
}

#[test]
fn missing_topology_names_the_file_and_the_record_command() {
    assert_eq!(
        expand_err("{{#topology veth}}"),
        "src/bridge.md:1: snippets/examples/veth/topology.svg does not exist yet: \
         record the pictures with `NETLAB_RECORD=1 cargo test -p netlab-tests`"
    );
}

#[test]
fn a_topology_that_is_not_an_svg_is_refused() {
    let (root, sources) = fixture();
    fs::write(
        root.path().join("snippets/examples/veth/topology.svg"),
        "digraph {}\n",
    )
    .unwrap();
    let error = expand("{{#topology veth}}", "src/veth.md", &sources).unwrap_err();
    assert_eq!(
        error.to_string(),
        "src/veth.md:1: snippets/examples/veth/topology.svg is not a picture the tests recorded: \
         it must be one <svg> element"
    );
}

#[test]
fn topology_directive_misuse() {
    assert!(
        expand_err("{{#topology bridge:main}}").ends_with("a topology picture is the whole lab, it has no anchors; write {{#example NAME}}, {{#example NAME:ANCHOR}}, {{#example NAME/FILE.rs:ANCHOR}}, {{#output NAME}}, {{#output NAME:vm}}, {{#excerpt NAME[:VARIANT] TEXT}}, {{#topology NAME}}, {{#topology NAME:vm}}, {{#claims NAME}}, {{#claims NAME:vm}}, {{#lesson STEM}}, {{#keypoints STEM}}, {{#quickcheck STEM}}, {{#session-plan}} or, in a sentence, {{#value NAME:VARIANT BEFORE{}AFTER}}")
    );
    assert_eq!(
        expand_err("See {{#topology bridge}} here."),
        "src/bridge.md:1: `{{#topology bridge}}` must stand on a line of its own \
         (to show it in prose, put it in `code` or write \\{{#topology bridge}})"
    );
}

#[test]
fn a_fragment_is_included_with_its_directives_expanded() {
    let (_root, sources) = fixture();
    let read = |target: &str| {
        assert_eq!(target, "docker/bridge.md");
        Ok((
            "## The Docker way\n\n{{#output bridge}}\n".to_string(),
            "src/docker/bridge.md".to_string(),
        ))
    };
    let markdown =
        "# The bridge\n\n{{#include docker/bridge.md}}\n\n`{{#include docker/bridge.md}}`\n";
    let out = include_fragments(markdown, "src/bridge.md", &sources, read).expect("include");
    assert!(
        out.starts_with("# The bridge\n\n## The Docker way\n\n<p class=\"netlab-caption\">"),
        "{out}"
    );
    assert!(
        out.contains("created docker0 &lt;up&gt;</pre>\n\n`{{#include"),
        "{out}"
    );
    // Code keeps the directive, and so do includes of other files.
    let kept = "```\n{{#include docker/bridge.md}}\n```\n{{#include code.rs:2:4}}\n";
    let fail = |_: &str| -> anyhow::Result<(String, String)> { panic!("nothing to read") };
    assert_eq!(
        include_fragments(kept, "src/bridge.md", &sources, fail).expect("include"),
        kept
    );
}

#[test]
fn a_fragment_error_names_the_fragment() {
    let (_root, sources) = fixture();
    let read = |_: &str| {
        Ok((
            "\n{{#output veth}}\n".to_string(),
            "src/docker/veth.md".to_string(),
        ))
    };
    let error = include_fragments(
        "{{#include docker/veth.md}}\n",
        "src/veth.md",
        &sources,
        read,
    )
    .expect_err("veth has no output");
    assert!(
        error.to_string().starts_with("src/docker/veth.md:2: "),
        "{error}"
    );
    let missing = |_: &str| Err(anyhow!("cannot include src/docker/dns.md: No such file"));
    let error = include_fragments(
        "\n{{#include docker/dns.md}}\n",
        "src/dns.md",
        &sources,
        missing,
    )
    .expect_err("no such fragment");
    assert_eq!(
        error.to_string(),
        "src/dns.md:2: cannot include src/docker/dns.md: No such file"
    );
}

#[test]
fn claims_are_the_recorded_checks_as_a_list() {
    let (root, sources) = fixture();
    let file = root.path().join("snippets/examples/bridge/claims.txt");
    fs::write(
        &file,
        "PASS docker0 is a bridge with 172.17.0.1/16\nPASS red's eth0 is veth-red's peer <here>\n\
         check: 2 claims, 2 passed, 0 failed\n",
    )
    .expect("write claims.txt");
    let out = expand("{{#claims bridge}}\n", "src/bridge.md", &sources).expect("expand");
    assert!(
        out.contains(
            "<ul class=\"netlab-claims\">\n<li>docker0 is a bridge with 172.17.0.1/16</li>\n\
             <li>red's eth0 is veth-red's peer &lt;here&gt;</li>\n</ul>"
        ),
        "{out}"
    );
    assert!(
        out.contains("cargo run --example bridge -- --check"),
        "{out}"
    );
    fs::write(&file, "FAIL docker0 is a bridge\n").expect("write claims.txt");
    let error = expand("{{#claims bridge}}\n", "src/bridge.md", &sources)
        .expect_err("a FAIL")
        .to_string();
    assert!(error.contains("is not a claim that held"), "{error}");
    fs::remove_file(&file).expect("remove claims.txt");
    let error = expand("{{#claims bridge}}\n", "src/bridge.md", &sources)
        .expect_err("missing")
        .to_string();
    assert!(
        error.ends_with("record it with `NETLAB_RECORD=1 cargo test -p netlab-tests --test check`"),
        "{error}"
    );
}

#[test]
fn vm_claims_are_the_vm_runs_checks() {
    let (root, sources) = fixture();
    let file = root.path().join("snippets/examples/bridge/claims-vm.txt");
    let error = expand("{{#claims bridge:vm}}\n", "src/bridge.md", &sources)
        .expect_err("not recorded yet")
        .to_string();
    assert!(
        error.contains("claims-vm.txt does not exist yet")
            && error.ends_with("`NETLAB_RECORD=1 cargo test -p netlab-tests --test vm`"),
        "{error}"
    );
    fs::write(
        &file,
        "PASS red has the parent's MAC\ncheck: 1 claims, 1 passed, 0 failed\n",
    )
    .expect("write claims-vm.txt");
    let out = expand("{{#claims bridge:vm}}\n", "src/bridge.md", &sources).expect("expand");
    assert!(
        out.contains("<li>red has the parent&#39;s MAC</li>")
            || out.contains("<li>red has the parent's MAC</li>"),
        "{out}"
    );
    assert!(out.contains("claims-vm.txt"), "{out}");
}

#[test]
fn a_value_is_quoted_from_its_recording_where_it_stands() {
    let out = expand_ok(
        "The bridge was {{#value bridge created {} }}, twice: {{#value bridge docker0 <{}>}}.\n",
    );
    assert_eq!(out, "The bridge was `docker0`, twice: `up`.\n");
    assert_eq!(
        expand_err("Was {{#value bridge deleted {} }}.\n"),
        "src/bridge.md:1: snippets/examples/bridge/output.txt has no line with `deleted `"
    );
}

#[test]
fn lesson_directives_render_the_lesson_file() {
    let out = expand_ok("# veth pairs\n\n{{#lesson veth}}\n\nProse.\n");
    assert!(
        out.starts_with("# veth pairs\n\n<div class=\"netlab-lesson\">\n"),
        "{out}"
    );
    assert!(
        out.contains("\n\n- Create a veth pair\n- Delete it\n\n</div>\n\nProse.\n"),
        "{out}"
    );
    let out = expand_ok("## Key points\n\n{{#keypoints veth}}\n");
    assert_eq!(
        out,
        "## Key points\n\n<div class=\"netlab-keypoints\">\n\n- A veth pair is a cable.\n\
         - Deleting one end deletes both.\n\n</div>\n"
    );
    let out = expand_ok("{{#quickcheck veth}}\n");
    assert!(
        out.contains("<summary>\n\n**B.** Both ends\n\n</summary>\n\n**Right.** The kernel"),
        "{out}"
    );
}

#[test]
fn an_unknown_lesson_names_the_file_line_and_the_lessons() {
    assert_eq!(
        expand_err("# Bridge\n\n{{#lesson bridge}}\n"),
        "src/bridge.md:3: unknown lesson `bridge`; the lessons in src/lessons are: veth"
    );
    assert_eq!(
        expand_err("{{#quickcheck vteh}}\n"),
        "src/bridge.md:1: unknown lesson `vteh`; the lessons in src/lessons are: veth"
    );
}

#[test]
fn the_session_plan_is_the_table_it_was_given() {
    let (_root, mut sources) = fixture();
    let error = expand("{{#session-plan}}\n", "src/docker/plan.md", &sources).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("src/docker/plan.md:1: the session plan is made after"),
        "{error}"
    );
    sources.session_plan = Some("| a | b |\n|--|--|".into());
    let out = expand("Intro.\n\n{{#session-plan}}\n", "src/plan.md", &sources).unwrap();
    assert_eq!(out, "Intro.\n\n| a | b |\n|--|--|\n");
}

/// A recording in steps, each opened by a narration line.
const STEPS: &str = "$ cargo run --example bridge\n\n# the bridge: one switch\nhost$ ip link add docker0 type bridge\n\n# red: a container\nred$ ip a\n1: lo\n\n2: eth0\n\n# red again\n";

#[test]
fn an_excerpt_is_one_step_of_a_recording() {
    let (root, sources) = fixture();
    fs::write(
        root.path()
            .join("snippets/examples/bridge/output-steps.txt"),
        STEPS,
    )
    .expect("write output-steps.txt");
    let page = expand(
        "{{#excerpt bridge:steps red: a}}\n",
        "src/bridge.md",
        &sources,
    )
    .expect("expand");
    assert!(
        page.contains(
            "recorded output (excerpt): <code>snippets/examples/bridge/output-steps.txt</code>"
        ),
        "{page}"
    );
    assert!(page.contains("<span class=\"comment\"># red: a container</span>\n<span class=\"prompt\">red$</span> <span class=\"command\">ip a</span>\n1: lo\n\n2: eth0</pre>"), "{page}");
    assert!(
        !page.contains("docker0") && !page.contains("again"),
        "{page}"
    );

    let error = expand(
        "{{#excerpt bridge:steps blue}}\n",
        "src/bridge.md",
        &sources,
    )
    .expect_err("no such step")
    .to_string();
    assert!(error.starts_with("src/bridge.md:1: snippets/examples/bridge/output-steps.txt has no narration line with `blue`; its narration lines are:\n  # the bridge: one switch\n  # red: a container\n  # red again"), "{error}");
    assert!(
        expand_err("{{#excerpt bridge}}\n").contains("an excerpt is NAME[:VARIANT] and the words")
    );
}
