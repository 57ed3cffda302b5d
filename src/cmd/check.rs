//! `yan check`: report every broken link; exit 1 when any.

use std::path::{Path, PathBuf};

use anyhow::bail;

use crate::cli::CheckArgs;

/// Checks the site and prints one line per problem.
pub fn run(root: &Path, config: Option<PathBuf>, args: CheckArgs) -> anyhow::Result<()> {
    let options = super::build_options(root, config, &args.site);
    let report = yan::check::check(&options, args.external)?;
    for problem in &report.problems {
        println!("{problem}");
    }
    if report.problems.is_empty() {
        println!(
            "checked {} links on {} pages: all good",
            report.links, report.pages
        );
        Ok(())
    } else {
        bail!(
            "{} broken link(s) among {} links on {} pages",
            report.problems.len(),
            report.links,
            report.pages
        )
    }
}
