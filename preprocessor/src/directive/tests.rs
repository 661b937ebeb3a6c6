//! Parsing directives: what each form gives, and what each mistake says.

use super::*;

fn ours(text: &str) -> Directive {
    match parse(text) {
        Ok(Parsed::Ours(directive, len)) => {
            assert_eq!(&text[len - 2..len], "}}", "length of {text}");
            directive
        }
        other => panic!("{text}: expected one of ours, got {other:?}"),
    }
}

#[test]
fn example_output_and_anchor() {
    let example = |name: &str, anchor: Option<&str>| Directive::Example {
        name: name.into(),
        file: None,
        anchor: anchor.map(Into::into),
    };
    assert_eq!(ours("{{#example bridge}}"), example("bridge", None));
    assert_eq!(
        ours("{{#example  same_bridge }} tail"),
        example("same_bridge", None)
    );
    assert_eq!(
        ours("{{#example bridge:create-bridge}}"),
        example("bridge", Some("create-bridge"))
    );
    assert_eq!(
        ours("{{#example drivers_measured/measure.rs:measure}}"),
        Directive::Example {
            name: "drivers_measured".into(),
            file: Some("measure.rs".into()),
            anchor: Some("measure".into()),
        }
    );
    assert!(parse("{{#example drivers_measured/../x.rs}}").is_err());
    assert!(parse("{{#example drivers_measured/chart.svg}}").is_err());
    assert!(parse("{{#example drivers_measured/x/y.rs}}").is_err());
    assert_eq!(
        ours("{{#output veth}}"),
        Directive::Output {
            name: "veth".into(),
            variant: None
        }
    );
    assert_eq!(
        ours("{{#output macvlan:vm}}"),
        Directive::Output {
            name: "macvlan".into(),
            variant: Some("vm".into())
        }
    );
    assert_eq!(
        ours("{{#topology same_bridge}}"),
        Directive::Topology {
            name: "same_bridge".into(),
            variant: None,
        }
    );
    assert_eq!(
        ours("{{#topology ipvlan:vm}}"),
        Directive::Topology {
            name: "ipvlan".into(),
            variant: Some("vm".into()),
        }
    );
}

#[test]
fn a_value_is_a_recording_and_a_pattern() {
    assert_eq!(
        ours(r#"{{#value docker_bridge:engine-28 "MacAddress": "{}"}} here"#),
        Directive::Value {
            name: "docker_bridge".into(),
            variant: Some("engine-28".into()),
            before: r#""MacAddress": ""#.into(),
            after: "\"".into(),
        }
    );
    assert_eq!(
        ours("{{#value macvlan time={} }}"),
        Directive::Value {
            name: "macvlan".into(),
            variant: None,
            before: "time=".into(),
            after: "".into(),
        }
    );
    for wrong in [
        "{{#value macvlan}}",
        "{{#value macvlan {}x}}",
        "{{#value a b{}c{} d}}",
    ] {
        assert!(parse(wrong).is_err(), "{wrong}");
    }
}

#[test]
fn lesson_directives_name_a_stem() {
    let lesson = |part, stem: &str| Directive::Lesson {
        part,
        stem: stem.into(),
    };
    assert_eq!(ours("{{#lesson veth}}"), lesson(LessonPart::Frame, "veth"));
    assert_eq!(
        ours("{{#keypoints same-bridge}}"),
        lesson(LessonPart::KeyPoints, "same-bridge")
    );
    assert_eq!(
        ours("{{#quickcheck veth}}"),
        lesson(LessonPart::QuickCheck, "veth")
    );
    assert_eq!(ours("{{#session-plan}}"), Directive::SessionPlan);
    let error = |text: &str| parse(text).expect_err(text);
    assert!(error("{{#lesson}}").contains("takes one argument"));
    assert!(error("{{#keypoints a b}}").contains("takes one argument"));
    assert!(error("{{#quickcheck ../veth}}").contains("`../veth` is not a name"));
    assert!(error("{{#session-plan veth}}").contains("takes no argument"));
}

#[test]
fn mdbook_directives_pass() {
    assert_eq!(parse("{{#include ../x.rs}}"), Ok(Parsed::Mdbook));
    assert_eq!(parse("{{#title Bridges}}"), Ok(Parsed::Mdbook));
}

#[test]
fn malformed_directives_say_why() {
    let error = |text: &str| parse(text).expect_err(text);
    assert!(error("{{#example}}").contains("takes one argument"));
    assert!(error("{{#example a b}}").contains("takes one argument"));
    assert!(error("{{#output a:b:c}}").contains("more than one `:`"));
    assert!(error("{{#output a:../vm}}").contains("`../vm` is not a name"));
    assert!(error("{{#output a.b}}").contains("`a.b` is not a name"));
    assert!(error("{{#topology}}").contains("takes one argument"));
    assert!(error("{{#topology a:b}}").contains("has no anchors"));
    assert!(error("{{#topology ../x}}").contains("`../x` is not a name"));
    assert!(error("{{#example a:b:c}}").contains("more than one `:`"));
    assert!(error("{{#example ../etc:x}}").contains("`../etc` is not a name"));
    assert!(error("{{#example bridge\n").contains("is not closed"));
    assert!(error("{{#netlab-example bridge}}").contains("unknown directive"));
    assert!(error("{{#exmaple bridge}}").contains("mdBook's own are {{#include}}"));
}
