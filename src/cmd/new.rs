//! `yan new`: a new post with its front matter filled in.

use std::path::{Path, PathBuf};

use crate::cli::NewArgs;

/// Writes the post and prints its path.
pub fn run(root: &Path, config: Option<PathBuf>, args: NewArgs) -> anyhow::Result<()> {
    let config_path = config.unwrap_or_else(|| root.join(yan::config::CONFIG_FILE));
    let config = yan::config::Config::load(&config_path)?;
    let post = yan::scaffold::NewPost {
        title: args.title,
        slug: args.slug,
        draft: args.draft,
        categories: args.categories,
        tags: args.tags,
    };
    let path = yan::scaffold::new_post(root, &config, &post)?;
    println!("created {}", path.display());
    Ok(())
}
