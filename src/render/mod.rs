//! From the model to output bytes: Markdown, templates, feeds, sitemap, search index.
//!
//! Render returns bytes; it never touches the disk (only `write` does).

pub mod markdown;
