//! Every recorded picture, `snippets/examples/*/topology.svg`, reads well in
//! the book: its smallest text is still legible once the page has shrunk it
//! to the column, and no two of its lines run along the same stretch (two
//! wires drawn on one segment look like one wire, and the reader cannot tell
//! which device leads where).
//!
//! The check is geometric and reads the files only, so it needs no root: it
//! parses the `<svg>` element's size, every `<text>`'s `font-size` and every
//! line (`<line>`, `<polyline>`, and `<path>` with M, L, H and V commands,
//! which is all the renderer in `snippets/src/observe/svg/` draws).

use std::fs;
use std::path::PathBuf;

use regex::Regex;

/// The book's content column, in CSS px. theme/netlab.css gives a picture
/// `max-width: 100%`, so a wider one is scaled down by `COLUMN / width`.
const COLUMN: f64 = 750.0;

/// The smallest text a reader should have to read, in CSS px, once scaled.
const SMALLEST_TEXT: f64 = 10.0;

/// Two segments closer than this are on one line: the widest stroke the
/// renderer draws (a veth pair, 2.5) would make them one thick line.
const SAME_LINE: f64 = 2.0;

/// How long two segments may share, in px: touching at a point is fine.
const SHARED: f64 = 1.0;

/// One line of a picture: what it is (its `<title>`, or its own text), and
/// its straight segments.
struct Wire {
    name: String,
    segments: Vec<[(f64, f64); 2]>,
}

/// What the checks need of a picture.
struct Picture {
    /// The `width` it asks for, and the width of its `viewBox`.
    width: f64,
    view_width: f64,
    /// Every `<text>`: its font size and what it says.
    texts: Vec<(f64, String)>,
    wires: Vec<Wire>,
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let pattern = Regex::new(&format!(r#"\s{name}="([^"]*)""#)).unwrap();
    pattern.captures(tag).map(|c| c[1].to_string())
}

/// SVG text as it reads: `&lt;-&gt;` as `<->`.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

fn numbers(text: &str) -> Vec<f64> {
    let number = Regex::new(r"-?(\d+\.?\d*|\.\d+)([eE]-?\d+)?").unwrap();
    number
        .find_iter(text)
        .map(|m| m.as_str().parse().unwrap())
        .collect()
}

/// The segments of a path's `d`: absolute and relative M, L, H, V and Z.
/// Anything else (a curve) is an error: this check cannot follow it.
fn path_segments(d: &str) -> Result<Vec<[(f64, f64); 2]>, String> {
    let token = Regex::new(r"[A-Za-z]|-?(\d+\.?\d*|\.\d+)([eE]-?\d+)?").unwrap();
    let mut segments = Vec::new();
    let (mut at, mut start) = ((0.0, 0.0), (0.0, 0.0));
    let mut command = ' ';
    let mut args: Vec<f64> = Vec::new();
    let tokens: Vec<&str> = token.find_iter(d).map(|m| m.as_str()).collect();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i].chars().all(char::is_alphabetic) {
            command = tokens[i].chars().next().unwrap();
            i += 1;
            if command.eq_ignore_ascii_case(&'z') {
                segments.push([at, start]);
                at = start;
            }
            continue;
        }
        let arity = match command.to_ascii_uppercase() {
            'M' | 'L' => 2,
            'H' | 'V' => 1,
            other => return Err(format!("path command {other:?} in {d:?}")),
        };
        args.clear();
        for _ in 0..arity {
            let value = tokens.get(i).and_then(|t| t.parse().ok());
            args.push(value.ok_or_else(|| format!("too few numbers in {d:?}"))?);
            i += 1;
        }
        let relative = command.is_ascii_lowercase();
        let base = if relative { at } else { (0.0, 0.0) };
        let to = match command.to_ascii_uppercase() {
            'H' => (base.0 + args[0], at.1),
            'V' => (at.0, base.1 + args[0]),
            _ => (base.0 + args[0], base.1 + args[1]),
        };
        if command.eq_ignore_ascii_case(&'m') {
            start = to;
            // Further pairs after a moveto are linetos.
            command = if relative { 'l' } else { 'L' };
        } else {
            segments.push([at, to]);
        }
        at = to;
    }
    Ok(segments)
}

fn parse(svg: &str) -> Result<Picture, String> {
    let root = Regex::new(r"<svg\b[^>]*>").unwrap();
    let root = root.find(svg).ok_or("no <svg> element")?.as_str();
    let view_box = attribute(root, "viewBox").map(|v| numbers(&v));
    let view_width = match view_box.as_deref() {
        Some([_, _, width, _]) => Some(*width),
        _ => None,
    };
    let width = attribute(root, "width").and_then(|w| numbers(&w).first().copied());
    let (width, view_width) = match (width, view_width) {
        (Some(w), Some(v)) => (w, v),
        (Some(w), None) => (w, w),
        // No width: the picture fills the column.
        (None, Some(v)) => (COLUMN, v),
        (None, None) => return Err("the <svg> has neither width nor viewBox".into()),
    };

    let text = Regex::new(r"(?s)<text\b([^>]*)>(.*?)</text>").unwrap();
    let mut texts = Vec::new();
    for found in text.captures_iter(svg) {
        let size = attribute(&found[1], "font-size").and_then(|s| numbers(&s).first().copied());
        let size = size.ok_or_else(|| format!("<text> without a font-size: {}", &found[0]))?;
        texts.push((size, unescape(&found[2])));
    }

    // An element, with the <title> it may hold.
    let element =
        Regex::new(r#"(?s)<(line|polyline|path)\b([^>]*?)(/>|>\s*(?:<title>(.*?)</title>)?)"#)
            .unwrap();
    let mut wires = Vec::new();
    for found in element.captures_iter(svg) {
        let (tag, attributes) = (&found[1], &found[2]);
        let segments = match tag {
            "line" => {
                let get = |name| {
                    attribute(attributes, name)
                        .and_then(|v| numbers(&v).first().copied())
                        .unwrap_or(0.0)
                };
                vec![[(get("x1"), get("y1")), (get("x2"), get("y2"))]]
            }
            "polyline" => {
                let points = numbers(&attribute(attributes, "points").unwrap_or_default());
                let points: Vec<(f64, f64)> = points.chunks(2).map(|p| (p[0], p[1])).collect();
                points.windows(2).map(|w| [w[0], w[1]]).collect()
            }
            _ => path_segments(&attribute(attributes, "d").unwrap_or_default())?,
        };
        let name = match found.get(4) {
            Some(title) => unescape(title.as_str()),
            None => format!("<{tag}{attributes}/>"),
        };
        wires.push(Wire { name, segments });
    }
    Ok(Picture {
        width,
        view_width,
        texts,
        wires,
    })
}

/// How long two segments run along one line together, in px (0 if they
/// are not on one line).
fn shared_length(a: [(f64, f64); 2], b: [(f64, f64); 2]) -> f64 {
    let direction = (a[1].0 - a[0].0, a[1].1 - a[0].1);
    let length = direction.0.hypot(direction.1);
    if length == 0.0 {
        return 0.0;
    }
    let unit = (direction.0 / length, direction.1 / length);
    // Distance of each end of b from a's line, and where it falls along it.
    let across = |p: (f64, f64)| ((p.0 - a[0].0) * unit.1 - (p.1 - a[0].1) * unit.0).abs();
    let along = |p: (f64, f64)| (p.0 - a[0].0) * unit.0 + (p.1 - a[0].1) * unit.1;
    if across(b[0]) >= SAME_LINE || across(b[1]) >= SAME_LINE {
        return 0.0;
    }
    let (b0, b1) = (along(b[0]), along(b[1]));
    (length.min(b0.max(b1)) - 0f64.max(b0.min(b1))).max(0.0)
}

/// What is wrong with one picture, one line each.
fn problems(svg: &str) -> Vec<String> {
    let picture = match parse(svg) {
        Ok(picture) => picture,
        Err(error) => return vec![format!("cannot read it: {error}")],
    };
    let mut problems = Vec::new();
    let scale = picture.width.min(COLUMN) / picture.view_width;
    if let Some((size, text)) = picture
        .texts
        .iter()
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .filter(|(size, _)| size * scale < SMALLEST_TEXT)
    {
        problems.push(format!(
            "{} px wide (viewBox {}), so shown at {:.0}%: its smallest text, \
             font-size {size} ({text:?}), reads as {:.1} px, under {SMALLEST_TEXT}",
            picture.width,
            picture.view_width,
            scale * 100.0,
            size * scale,
        ));
    }
    let segments: Vec<(usize, [(f64, f64); 2])> = (picture.wires.iter().enumerate())
        .flat_map(|(w, wire)| wire.segments.iter().map(move |&s| (w, s)))
        .collect();
    for (i, &(w1, s1)) in segments.iter().enumerate() {
        for &(w2, s2) in &segments[i + 1..] {
            let shared = shared_length(s1, s2);
            if shared > SHARED {
                problems.push(format!(
                    "{:?} {s1:?} and {:?} {s2:?} share {shared:.1} px of one line",
                    picture.wires[w1].name, picture.wires[w2].name
                ));
            }
        }
    }
    problems
}

fn recorded_pictures() -> Vec<PathBuf> {
    let examples = netlab_tests::run::workspace_root().join("snippets/examples");
    // The native runs' pictures, and the VM's (`topology-vm.svg`).
    let mut pictures: Vec<PathBuf> = fs::read_dir(&examples)
        .unwrap_or_else(|e| panic!("list {}: {e}", examples.display()))
        .flat_map(|entry| {
            let folder = entry.expect("read snippets/examples").path();
            ["topology.svg", "topology-vm.svg"].map(|file| folder.join(file))
        })
        .filter(|path| path.exists())
        .collect();
    pictures.sort();
    pictures
}

#[test]
fn every_recorded_picture_is_legible_and_no_two_lines_share_a_stretch() {
    let pictures = recorded_pictures();
    assert!(
        pictures.len() >= 11,
        "the eleven from-syscalls chapters record a picture each (ipvlan's in the VM), found \
         {pictures:?}"
    );
    let mut report = Vec::new();
    for path in &pictures {
        let svg = fs::read_to_string(path).unwrap_or_else(|e| panic!("read {path:?}: {e}"));
        let name = path.parent().and_then(|p| p.file_name()).unwrap();
        for problem in problems(&svg) {
            report.push(format!("{}: {problem}", name.to_string_lossy()));
        }
    }
    assert!(
        report.is_empty(),
        "{} problem(s) in the recorded pictures (re-record them with \
         NETLAB_RECORD=1 once the layout is fixed):\n{}",
        report.len(),
        report.join("\n")
    );
}

/// The check itself catches both faults, and passes a picture that has neither.
#[test]
fn the_check_catches_a_wide_picture_and_a_shared_stretch() {
    let svg = |width: u32, second: &str| {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"100\" viewBox=\"0 0 {width} 100\">\n\
             <text x=\"1\" y=\"10\" font-size=\"11\">eth0</text>\n\
             <path d=\"M 10 10 V 50 H 200\"><title>veth pair: a</title></path>\n\
             <path d=\"{second}\"><title>port: b</title></path>\n</svg>\n"
        )
    };
    assert_eq!(
        problems(&svg(700, "M 30 10 V 60 H 210")),
        Vec::<String>::new()
    );
    let wide = problems(&svg(900, "M 30 10 V 60 H 210"));
    assert!(
        wide.len() == 1 && wide[0].contains("reads as 9.2 px"),
        "{wide:?}"
    );
    let shared = problems(&svg(700, "m 30 10 v 40 h 100"));
    assert!(
        shared.len() == 1
            && shared[0].contains("\"veth pair: a\"")
            && shared[0].contains("\"port: b\"")
            && shared[0].contains("share 100.0 px"),
        "{shared:?}"
    );
}
