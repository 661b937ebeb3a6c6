//! What the server adds to every HTML page it serves, and the files it
//! serves for those additions under `/__netlab/`. None of it is in the
//! built book: `cargo xtask build`, `mdbook build` and the printed
//! handouts have no reload script and no Run buttons, since they have no
//! server to reload them or to run anything.
//!
//! - **Reload:** a one-line script that opens `/__netlab/reload`, a stream
//!   of server-sent events; after each rebuild the server sends one, and
//!   the page reloads itself.
//! - **Run on this machine:** `run.js` and `run.css`, and the list of the
//!   book's examples with what keeps each from running here, if anything.
//!   The script puts a Run button on each lab transcript and a Check
//!   button on each list of claims (see `run.js`).

use serde_json::{Map, Value};

/// Reload when told to.
const RELOAD_SCRIPT: &str =
    "<script>new EventSource(\"/__netlab/reload\").onmessage = () => location.reload();</script>";

/// The page's script and style for the Run buttons, built into xtask.
const RUN_JS: &str = include_str!("run.js");
const RUN_CSS: &str = include_str!("run.css");

/// What this server adds to its pages.
pub struct Additions {
    /// Pages reload after each rebuild.
    pub reload: bool,
    /// The examples the page may run: each one's name, and `None`, or why
    /// it cannot run here. `None`: no Run buttons at all.
    pub examples: Option<Vec<(String, Option<String>)>>,
}

impl Additions {
    /// `page` with the additions before its `</body>`.
    pub fn add_to(&self, page: &[u8]) -> Vec<u8> {
        let text = String::from_utf8_lossy(page);
        let Some(at) = text.rfind("</body>") else {
            return page.to_vec();
        };
        let mut added = String::new();
        if let Some(examples) = &self.examples {
            let list: Map<String, Value> = examples
                .iter()
                .map(|(name, why)| (name.clone(), why.clone().map_or(Value::Null, Value::String)))
                .collect();
            // `</` cannot occur in JSON outside strings, and the reasons
            // are ours; escaped anyway, so a `</script>` in one cannot end
            // the script.
            let json = Value::Object(list).to_string().replace("</", "<\\/");
            added.push_str(&format!(
                "<link rel=\"stylesheet\" href=\"/__netlab/run.css\">\n\
                 <script>window.netlabExamples = {json};</script>\n\
                 <script src=\"/__netlab/run.js\"></script>\n"
            ));
        }
        if self.reload {
            added.push_str(RELOAD_SCRIPT);
            added.push('\n');
        }
        format!("{}{added}{}", &text[..at], &text[at..]).into_bytes()
    }
}

/// The files under `/__netlab/`: their type and contents.
pub fn asset(path: &str) -> Option<(&'static str, &'static str)> {
    match path {
        "/__netlab/run.js" => Some(("text/javascript; charset=utf-8", RUN_JS)),
        "/__netlab/run.css" => Some(("text/css; charset=utf-8", RUN_CSS)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_before_the_end_of_the_body_and_only_what_is_asked() {
        let page = b"<html><body><p>veth</p></body></html>";
        let none = Additions {
            reload: false,
            examples: None,
        };
        assert_eq!(none.add_to(page), page);
        let both = Additions {
            reload: true,
            examples: Some(vec![
                ("veth".into(), None),
                ("docker_bridge".into(), Some("needs root </script>".into())),
            ]),
        };
        let added = String::from_utf8(both.add_to(page)).unwrap();
        assert!(added.starts_with("<html><body><p>veth</p><link rel=\"stylesheet\""));
        assert!(added.ends_with("</script>\n</body></html>"));
        assert!(added.contains("<script>window.netlabExamples = {"));
        assert!(added.contains("\"veth\":null"));
        assert!(added.contains("\"docker_bridge\":\"needs root <\\/script>\""));
        assert!(added.contains(RELOAD_SCRIPT));
        assert_eq!(
            asset("/__netlab/run.js").map(|(kind, _)| kind),
            Some("text/javascript; charset=utf-8")
        );
        assert_eq!(asset("/__netlab/nope.js"), None);
    }
}
