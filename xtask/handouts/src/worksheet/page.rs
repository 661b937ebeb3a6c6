//! A chapter as its lab sheet reads it: its directives (its own and those
//! of the fragments it includes), and its text with all of them expanded,
//! as the preprocessor's pipeline does for the book.

use super::lab::{self, Lab};
use super::{Claims, Sheet};
use anyhow::{Result, anyhow};
use mdbook_driver::book::Chapter;
use mdbook_netlab::directive::LessonPart;
use mdbook_netlab::exercises::Kind;
use mdbook_netlab::{
    Directive, Snippets, Sources, directives, exercises, expand, include_fragments,
};
use std::cell::RefCell;
use std::path::Path;

/// A chapter as the worksheet reads it.
pub struct Page<'a> {
    chapter: &'a Chapter,
    /// `src/veth.md`, for messages.
    source: String,
    /// Its directives and those of the fragments it includes.
    directives: Vec<Directive>,
    /// Its Markdown with the fragments included and every directive expanded.
    expanded: String,
}

impl<'a> Page<'a> {
    /// Reads `chapter`, including its fragments (`src/docker/*.md`) as the
    /// preprocessor does, relative to the chapter's folder.
    pub fn read(
        root: &Path,
        src: &Path,
        chapter: &'a Chapter,
        source: &str,
        sources: &Sources,
    ) -> Result<Page<'a>> {
        let folder = chapter
            .source_path
            .as_ref()
            .and_then(|path| path.parent())
            .map_or_else(|| src.to_path_buf(), |parent| src.join(parent));
        let fragments = RefCell::new(Vec::new());
        let read = |target: &str| {
            let shown = folder.join(target).display().to_string();
            let text = std::fs::read_to_string(root.join(&shown))
                .map_err(|e| anyhow!("cannot include {shown}: {e}"))?;
            fragments.borrow_mut().push((text.clone(), shown.clone()));
            Ok((text, shown))
        };
        let included = include_fragments(&chapter.content, source, sources, read)?;
        let mut all = directives(&chapter.content, source)?;
        for (text, shown) in fragments.into_inner() {
            all.extend(directives(&text, &shown)?);
        }
        Ok(Page {
            chapter,
            source: source.to_string(),
            directives: all,
            expanded: expand(&included, source, sources)?,
        })
    }

    /// The stem of the chapter's `{{#lesson STEM}}`, if it is framed.
    pub fn frame(&self) -> Option<String> {
        self.directives
            .iter()
            .find_map(|directive| match directive {
                Directive::Lesson {
                    part: LessonPart::Frame,
                    stem,
                } => Some(stem.clone()),
                _ => None,
            })
    }

    /// Whether it shows a recorded run: a lab chapter does.
    pub fn shows_a_run(&self) -> bool {
        self.directives
            .iter()
            .any(|directive| matches!(directive, Directive::Output { .. }))
    }

    /// The examples the chapter shows, in order, each with its recording's
    /// variant: from every directive that names one.
    fn examples(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.directives
            .iter()
            .filter_map(|directive| match directive {
                Directive::Example { name, .. } => Some((name.as_str(), None)),
                Directive::Output { name, variant }
                | Directive::Topology { name, variant }
                | Directive::Claims { name, variant }
                | Directive::Excerpt { name, variant, .. }
                | Directive::Value { name, variant, .. } => {
                    Some((name.as_str(), variant.as_deref()))
                }
                Directive::Lesson { .. } | Directive::SessionPlan => None,
            })
    }

    /// The chapter's sheet: see the module's documentation.
    pub fn sheet(&self, number: usize, lesson_stem: &str, sources: &Sources) -> Result<Sheet> {
        let snippets = &sources.snippets;
        let source = &self.source;
        let lesson = sources
            .lessons
            .get(lesson_stem)
            .map_err(|e| anyhow!("{source}: {e}"))?;
        let example = self.example();
        let picture = match self.topology(example) {
            Some((name, variant)) => {
                Some(snippets.topology(name, variant).map_err(|e| anyhow!(e))?)
            }
            None => None,
        };
        // The chapter's own file first: a mistake's line is one the author finds.
        exercises(&self.chapter.content, source)?;
        let core = exercises(&self.expanded, source)?
            .into_iter()
            .filter(|exercise| exercise.kind == Kind::Core)
            .collect();
        let (labs, claims) = match example {
            Some(name) => (self.labs(snippets, name)?, self.claims(snippets, name)?),
            None => (Vec::new(), Vec::new()),
        };
        Ok(Sheet {
            number,
            stem: self.stem(),
            title: self.chapter.name.clone(),
            lesson: lesson.clone(),
            labs,
            picture,
            exercises: core,
            claims,
        })
    }

    /// The picture: the chapter's `{{#topology NAME[:VARIANT]}}` of its
    /// example, else its first one.
    fn topology(&self, example: Option<&str>) -> Option<(&str, Option<&str>)> {
        let pictures: Vec<(&str, Option<&str>)> = self
            .directives
            .iter()
            .filter_map(|directive| match directive {
                Directive::Topology { name, variant } => Some((name.as_str(), variant.as_deref())),
                _ => None,
            })
            .collect();
        let of_example = pictures.iter().find(|(name, _)| Some(*name) == example);
        of_example.or(pictures.first()).copied()
    }

    /// The chapter's example: the first whose recorded run it shows, not a
    /// Docker one (the bridge chapter shows `without_bridge`'s picture
    /// first, what breaks without a bridge, but runs `bridge` first).
    fn example(&self) -> Option<&str> {
        self.directives
            .iter()
            .find_map(|directive| match directive {
                Directive::Output { name, .. } if !name.starts_with("docker_") => {
                    Some(name.as_str())
                }
                _ => None,
            })
    }

    /// The commands of `example`, then of its Docker twin, `docker_NAME`,
    /// if the chapter shows that too.
    fn labs(&self, snippets: &Snippets, example: &str) -> Result<Vec<Lab>> {
        let twin = format!("docker_{example}");
        let mut labs = vec![lab::lab(snippets, example)?];
        if self.examples().any(|(name, _)| name == twin) {
            labs.push(lab::lab(snippets, &twin)?);
        }
        Ok(labs)
    }

    /// `veth` for `src/veth.md`.
    fn stem(&self) -> String {
        let path = self.chapter.source_path.as_deref().unwrap_or(Path::new(""));
        path.file_stem()
            .map_or_else(String::new, |stem| stem.to_string_lossy().into_owned())
    }

    /// The claims of the chapter's `{{#claims EXAMPLE[:VARIANT]}}` for its
    /// example (the Docker examples' claims, one list per Engine, would not
    /// fit on two pages); recordings that found the same claims are one entry.
    fn claims(&self, snippets: &Snippets, example: &str) -> Result<Vec<Claims>> {
        let mut found: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
        for directive in &self.directives {
            let Directive::Claims { name, variant } = directive else {
                continue;
            };
            if name != example {
                continue;
            }
            let claims = snippets
                .claims(name, variant.as_deref())
                .map_err(|e| anyhow!(e))?;
            let variant = variant.clone().unwrap_or_default();
            match found.iter_mut().find(|(n, _, c)| n == name && *c == claims) {
                Some((_, variants, _)) => variants.push(variant),
                None => found.push((name.clone(), vec![variant], claims)),
            }
        }
        Ok(found
            .into_iter()
            .map(|(name, variants, claims)| {
                let variants: Vec<String> =
                    variants.into_iter().filter(|v| !v.is_empty()).collect();
                let source = match variants.is_empty() {
                    true => name,
                    false => format!("{name}, {}", variants.join(" and ")),
                };
                Claims { source, claims }
            })
            .collect())
    }
}
