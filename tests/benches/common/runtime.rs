//! The start of every benchmark: root, no narration, a runtime.

use netlab::Result;

/// A runtime for a benchmark, whose narration is off; or, when not run as
/// root, one line that says why it `needs` root, and exit code 1.
pub fn root_runtime(needs: &str) -> Result<tokio::runtime::Runtime> {
    if !nix::unistd::Uid::effective().is_root() {
        eprintln!("this benchmark needs root ({needs})");
        std::process::exit(1);
    }
    netlab::narrate::set_quiet(true);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    Ok(runtime)
}
