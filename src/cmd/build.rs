//! `yan build`: the whole site into the output folder, with a one-line summary.

use std::path::{Path, PathBuf};

use crate::cli::BuildArgs;

/// Builds the site and prints the summary (and, with `--timings`, each phase).
pub fn run(root: &Path, config: Option<PathBuf>, args: BuildArgs) -> anyhow::Result<()> {
    let mut options = super::build_options(root, config, &args.site);
    options.output = args.output;
    let report = yan::build(&options)?;
    super::print_warnings(&report.warnings);
    if args.timings {
        for (phase, time) in &report.timings {
            eprintln!("{phase:>10}  {:>8.1} ms", time.as_secs_f64() * 1000.0);
        }
    }
    println!(
        "built {} posts, {} pages, {} tags, {} categories: {} files ({} changed) in {} ms",
        report.posts,
        report.pages,
        report.tags,
        report.categories,
        report.files,
        report.changed,
        report.elapsed.as_millis()
    );
    Ok(())
}
