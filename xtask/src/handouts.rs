//! `cargo xtask handouts`: the printed handouts, a PDF per chapter and one
//! for the whole session, in a student and an instructor edition.
//!
//! How: build the book once per edition (the preprocessor's `edition` key
//! removes the solutions and instructor notes for students, and opens them
//! for instructors), then print each chapter's page, and mdBook's
//! `print.html` for the session, with headless Chromium. Chromium is the
//! renderer the reader's browser already is: the PDFs look like the web
//! book, with `theme/netlab.css`'s print rules (page breaks, wrapped code)
//! and mdBook's print stylesheet (no sidebar, no menu bar).

use anyhow::{Context, Result, bail};
use mdbook_driver::MDBook;
use mdbook_driver::book::BookItem;
use mdbook_netlab::{Edition, Netlab};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::thread;
use std::time::Instant;

/// The browsers we try, in order, unless `CHROMIUM` names one. Debian's
/// package installs `chromium`; other distributions call it differently.
const BROWSERS: &[&str] = &["chromium", "chromium-browser", "google-chrome"];

/// Chromium processes at a time: each is a few processes of its own, and a
/// small machine gains nothing from more.
const PARALLEL: usize = 2;

/// One PDF to print: a page of the built book, and the file it goes to.
struct Job {
    page: PathBuf,
    pdf: PathBuf,
}

/// Writes `out/EDITION/NN-chapter.pdf` and `out/EDITION/session.pdf` for each
/// edition, and returns the files written.
pub fn handouts(root: &Path, out: &Path, editions: &[Edition]) -> Result<Vec<PathBuf>> {
    let browser = find_browser()?;
    let scratch = Scratch::new()?;
    let mut jobs = Vec::new();
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
            });
        }
        jobs.push(Job {
            page: html.join("print.html"),
            pdf: folder.join("session.pdf"),
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

/// Prints every job, `PARALLEL` at a time; reports the first failure.
fn print_all(browser: &str, jobs: Vec<Job>, scratch: &Path) -> Result<()> {
    let queue = Mutex::new(jobs);
    let next = || queue.lock().map(|mut jobs| jobs.pop()).ok().flatten();
    thread::scope(|scope| {
        let workers: Vec<_> = (0..PARALLEL)
            .map(|worker| {
                // A profile folder per Chromium: two may not share one.
                let profile = scratch.join(format!("profile-{worker}"));
                scope.spawn(move || -> Result<()> {
                    while let Some(job) = next() {
                        // Chromium now and then exits 0 without writing the
                        // file when the machine is busy: one more try.
                        if print_pdf(browser, &profile, &job).is_err() {
                            print_pdf(browser, &profile, &job)?;
                        }
                    }
                    Ok(())
                })
            })
            .collect();
        for worker in workers {
            worker
                .join()
                .map_err(|_| anyhow::anyhow!("a printing thread panicked"))??;
        }
        Ok(())
    })
}

/// One page to one PDF with headless Chromium.
fn print_pdf(browser: &str, profile: &Path, job: &Job) -> Result<()> {
    let output = Command::new(browser)
        .args([
            "--headless",
            // Root (CI) cannot use Chromium's sandbox; the pages are our own.
            "--no-sandbox",
            "--disable-gpu",
            // No date, title, URL or page number in the margins.
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", job.pdf.display()))
        .arg(format!("file://{}", job.page.display()))
        .output()
        .with_context(|| format!("run {browser} to print {}", job.page.display()))?;
    // Chromium exits 0 even when it could not write the file: check the file.
    let written = fs::metadata(&job.pdf).map(|m| m.len() > 0).unwrap_or(false);
    if !output.status.success() || !written {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
        bail!(
            "{browser} did not print {} to {} ({}):\n{}",
            job.page.display(),
            job.pdf.display(),
            output.status,
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        );
    }
    Ok(())
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
