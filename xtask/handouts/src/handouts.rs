//! `cargo xtask handouts`: the printed handouts, a PDF per chapter and one
//! for the whole session, in a student and an instructor edition; and the
//! worksheet edition, a lab sheet per lab chapter and its key (see
//! [`crate::worksheet`]).
//!
//! How: build the book once per edition (the preprocessor's `edition` key
//! removes the solutions and instructor notes for students, and opens them
//! for instructors), then print each chapter's page, and mdBook's
//! `print.html` for the session, with headless Chromium. Chromium is the
//! renderer the reader's browser already is: the PDFs look like the web
//! book, with `theme/netlab.css`'s print rules (page breaks, wrapped code)
//! and mdBook's print stylesheet (no sidebar, no menu bar). The lab sheets
//! are pages of their own (`worksheet/html.rs`), printed by the same browser.

use crate::worksheet::{self, html::Print};
use anyhow::{Context, Result, anyhow, bail};
use headless_chrome::protocol::cdp::Page::AddScriptToEvaluateOnNewDocument;
use headless_chrome::types::PrintToPdfOptions;
use headless_chrome::{Browser, LaunchOptions, Tab};
use mdbook_driver::MDBook;
use mdbook_driver::book::BookItem;
use mdbook_netlab::{Edition, Netlab};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// The browsers we try, in order, unless `CHROMIUM` names one. Debian's
/// package installs `chromium`; other distributions call it differently.
const BROWSERS: &[&str] = &["chromium", "chromium-browser", "google-chrome"];

/// Tabs printing at once, in the one browser.
const TABS: usize = 4;

/// One PDF to print: a page of the built book, and the file it goes to.
struct Job {
    page: PathBuf,
    pdf: PathBuf,
    /// Whether the page sets its paper (`@page { size: A4 }`): the lab
    /// sheets do; the book's pages print on Chromium's default paper.
    own_paper: bool,
}

/// Writes `out/EDITION/NN-chapter.pdf` and `out/EDITION/session.pdf` for each
/// edition, and with `sheets` the worksheet edition, `out/worksheet/` (see
/// [`worksheets`]); returns the files written.
pub fn handouts(
    root: &Path,
    out: &Path,
    editions: &[Edition],
    sheets: bool,
) -> Result<Vec<PathBuf>> {
    let browser = find_browser()?;
    let scratch = Scratch::new()?;
    let mut jobs = match sheets {
        true => worksheets(root, &out.join("worksheet"), &scratch.0.join("worksheet"))?,
        false => Vec::new(),
    };
    for &edition in editions {
        let html = scratch.0.join(edition.name());
        let started = Instant::now();
        let chapters = build_edition(root, &html, edition)?;
        println!(
            "Built the {} edition in {:.1?}",
            edition.name(),
            started.elapsed()
        );
        let folder = out.join(edition.name());
        fs::create_dir_all(&folder).with_context(|| format!("create {}", folder.display()))?;
        remove_old_pdfs(&folder)?;
        for (number, page) in chapters.iter().enumerate() {
            let stem = page
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("chapter");
            jobs.push(Job {
                page: html.join(page),
                pdf: folder.join(format!("{:02}-{stem}.pdf", number + 1)),
                own_paper: false,
            });
        }
        jobs.push(Job {
            page: html.join("print.html"),
            pdf: folder.join("session.pdf"),
            own_paper: false,
        });
    }
    let written: Vec<PathBuf> = jobs.iter().map(|job| job.pdf.clone()).collect();
    let started = Instant::now();
    print_all(&browser, jobs, &scratch.0)?;
    println!(
        "Printed {} PDFs with {browser} in {:.1?}",
        written.len(),
        started.elapsed()
    );
    Ok(written)
}

/// The worksheet edition's pages, written into `html`, as jobs that print
/// them into `folder`: `NN-STEM.pdf` for each lab chapter with a lesson,
/// `session.pdf` with all of them, and the same in `key/` for the
/// instructor.
fn worksheets(root: &Path, folder: &Path, html: &Path) -> Result<Vec<Job>> {
    let started = Instant::now();
    let sheets = worksheet::sheets(root)?;
    let all: Vec<&worksheet::Sheet> = sheets.iter().collect();
    let mut jobs = Vec::new();
    let prints = [
        (Print::Sheet, folder.to_path_buf(), html.join("sheets")),
        (Print::Key, folder.join("key"), html.join("key")),
    ];
    for (print, into, pages) in prints {
        for dir in [&into, &pages] {
            fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
        }
        remove_old_pdfs(&into)?;
        let mut named = vec![("session".to_string(), worksheet::html::page(&all, print))];
        for sheet in &sheets {
            let name = format!("{:02}-{}", sheet.number, sheet.stem);
            named.push((name, worksheet::html::page(&[sheet], print)));
        }
        for (name, text) in named {
            let page = pages.join(format!("{name}.html"));
            fs::write(&page, text).with_context(|| format!("write {}", page.display()))?;
            let pdf = into.join(format!("{name}.pdf"));
            jobs.push(Job {
                page,
                pdf,
                own_paper: true,
            });
        }
    }
    println!(
        "Made {} lab sheets and their key in {:.1?}",
        sheets.len(),
        started.elapsed()
    );
    Ok(jobs)
}

/// Builds the book in `edition` into `dir`; returns its chapters' pages in
/// reading order (`namespaces.html`), as SUMMARY.md lists them.
fn build_edition(root: &Path, dir: &Path, edition: Edition) -> Result<Vec<PathBuf>> {
    let mut book = MDBook::load(root).context("load book.toml and src/SUMMARY.md")?;
    book.config.set("build.build-dir", dir)?;
    book.config.set(
        format!("preprocessor.{}.edition", Netlab::NAME),
        edition.name(),
    )?;
    // As in `cargo xtask build`: the preprocessor in-process, not `cargo run`.
    book.with_preprocessor(Netlab);
    book.build()
        .with_context(|| format!("build the {} edition of the book", edition.name()))?;
    let pages = book
        .book
        .iter()
        .filter_map(|item| match item {
            BookItem::Chapter(chapter) => chapter.path.as_ref(),
            _ => None,
        })
        .map(|path| path.with_extension("html"))
        .collect();
    Ok(pages)
}

/// A rerun must not leave the PDF of a chapter that was renamed or removed.
fn remove_old_pdfs(folder: &Path) -> Result<()> {
    for entry in fs::read_dir(folder).with_context(|| format!("read {}", folder.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "pdf") {
            fs::remove_file(&path).with_context(|| format!("remove {}", path.display()))?;
        }
    }
    Ok(())
}

/// Prints every job with one headless Chromium, driven over its DevTools
/// protocol (the headless_chrome crate): the browser starts once, not once
/// per page (`chromium --print-to-pdf` per page cost a browser start each
/// time, half of the CPU the handouts took).
fn print_all(browser: &str, jobs: Vec<Job>, scratch: &Path) -> Result<()> {
    let options = LaunchOptions::default_builder()
        .path(Some(PathBuf::from(browser)))
        // Root (CI) cannot use Chromium's sandbox; the pages are our own.
        .sandbox(false)
        .user_data_dir(Some(scratch.join("profile")))
        // The default, 30 s without a message, could end a slow machine's run.
        .idle_browser_timeout(Duration::from_secs(300))
        .build()
        .map_err(|e| anyhow!("{e}"))
        .context("set Chromium's launch options")?;
    let chromium = Browser::new(options).with_context(|| format!("start {browser} headless"))?;
    // A few tabs at once: a page spends most of its time waiting (loading,
    // laying out, handing the PDF over), not computing.
    let queue = Mutex::new(jobs);
    let next = || queue.lock().map(|mut jobs| jobs.pop()).ok().flatten();
    thread::scope(|scope| {
        let workers: Vec<_> = (0..TABS)
            .map(|_| {
                scope.spawn(|| -> Result<()> {
                    let tab = new_tab(&chromium)?;
                    while let Some(job) = next() {
                        print_pdf(&tab, &job)?;
                    }
                    Ok(())
                })
            })
            .collect();
        for worker in workers {
            worker
                .join()
                .map_err(|_| anyhow!("a printing thread panicked"))??;
        }
        Ok(())
    })
}

/// A tab, with print.html's own print dialog turned off: mdBook's
/// print.html calls `window.print()` once loaded; we print through the
/// protocol instead, and a page already being printed cannot be printed
/// again.
fn new_tab(chromium: &Browser) -> Result<Arc<Tab>> {
    let tab = chromium.new_tab().context("open a tab in Chromium")?;
    // The default, 20 s for a page to load, is too short for the whole
    // book's print.html on a machine whose cores are busy (the test suite
    // prints beside two emulated VMs).
    tab.set_default_timeout(Duration::from_secs(300));
    tab.call_method(AddScriptToEvaluateOnNewDocument {
        source: "window.print = () => {};".to_string(),
        world_name: None,
        include_command_line_api: None,
        run_immediately: None,
    })
    .context("turn off print.html's own print dialog")?;
    Ok(tab)
}

/// One page to one PDF, in `tab`.
fn print_pdf(tab: &Tab, job: &Job) -> Result<()> {
    let url = format!("file://{}", job.page.display());
    tab.navigate_to(&url)
        .and_then(|tab| tab.wait_until_navigated())
        .with_context(|| format!("open {url} in Chromium"))?;
    // No date, title, URL or page number in the margins.
    let options = PrintToPdfOptions {
        display_header_footer: Some(false),
        // The lab sheets set A4 themselves; the book's pages print as before.
        prefer_css_page_size: job.own_paper.then_some(true),
        ..PrintToPdfOptions::default()
    };
    let pdf = tab
        .print_to_pdf(Some(options))
        .with_context(|| format!("print {url} to PDF"))?;
    fs::write(&job.pdf, pdf).with_context(|| format!("write {}", job.pdf.display()))
}

/// `CHROMIUM`, or the first of `BROWSERS` that runs.
fn find_browser() -> Result<String> {
    if let Ok(browser) = std::env::var("CHROMIUM") {
        return Ok(browser);
    }
    for browser in BROWSERS {
        let runs = Command::new(browser)
            .arg("--version")
            .output()
            .is_ok_and(|output| output.status.success());
        if runs {
            return Ok(browser.to_string());
        }
    }
    bail!(
        "no Chromium found (tried {}): install Debian's `chromium` package \
         (`apt-get install chromium`), or set CHROMIUM to the browser's path",
        BROWSERS.join(", ")
    )
}

/// A temporary folder for the built books and Chromium's profiles, removed
/// when dropped, even after an error.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch> {
        let dir = std::env::temp_dir().join(format!("netlab-handouts-{}", std::process::id()));
        fs::create_dir_all(&dir).with_context(|| format!("create {}", dir.display()))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
