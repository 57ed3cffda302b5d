//! `yan init`: a ready site in a new folder.

use std::path::Path;

use crate::cli::InitArgs;

/// Creates the site and lists what was written and what was kept.
pub fn run(root: &Path, args: InitArgs) -> anyhow::Result<()> {
    let dir = args.dir.unwrap_or_else(|| root.to_path_buf());
    let report = yan::scaffold::init(&dir, args.force)?;
    for path in &report.created {
        println!("created {}", path.display());
    }
    for path in &report.kept {
        println!("kept    {} (exists; not overwritten)", path.display());
    }
    println!(
        "\nnext: cd {} && yan serve   (then push to GitHub; README: one-time Pages setting)",
        dir.display()
    );
    Ok(())
}
