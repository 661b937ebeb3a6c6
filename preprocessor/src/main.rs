//! `mdbook-netlab`, the binary mdBook runs for `[preprocessor.netlab]`.
//!
//! The protocol: mdBook first asks `mdbook-netlab supports <renderer>` (exit
//! status 0 means yes), then runs `mdbook-netlab` with `[context, book]` as
//! JSON on stdin and reads the changed book as JSON from stdout. Everything
//! else lives in the library, where it is tested.

use anyhow::Context;
use mdbook_netlab::Netlab;
use mdbook_preprocessor::{MDBOOK_VERSION, Preprocessor, parse_input};
use std::io;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [command, renderer] if command == "supports" => {
            return match Netlab.supports_renderer(renderer) {
                Ok(true) => ExitCode::SUCCESS,
                _ => ExitCode::FAILURE,
            };
        }
        [] => preprocess(),
        _ => Err(anyhow::anyhow!(
            "usage: mdbook-netlab [supports RENDERER] (mdBook runs it; see book.toml)"
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // mdBook shows our stderr, then says the preprocessor failed.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn preprocess() -> anyhow::Result<()> {
    // mdBook 0.4 sends `sections` where 0.5 sends `items`: say so rather than
    // leave the reader with a JSON error.
    let (ctx, book) = parse_input(io::stdin()).with_context(|| {
        format!("mdbook-netlab is built for mdBook {MDBOOK_VERSION}; check `mdbook --version`")
    })?;
    let book = Netlab.run(&ctx, book)?;
    serde_json::to_writer(io::stdout().lock(), &book).context("write the book to stdout")?;
    Ok(())
}
