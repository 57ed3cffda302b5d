//! Markdown to HTML, as a chain of small passes over pulldown-cmark's event stream.
//!
//! This module knows nothing of templates or the disk: it takes one document's Markdown and
//! returns its HTML plus what the rest of the site needs to know about it (summary, table of
//! contents, heading ids, word count, the links it makes).

use std::path::Path;

use serde::Serialize;

/// Everything the Markdown passes need besides the text itself; built once per build.
pub struct MarkdownOptions<'a> {
    /// Syntax highlighting of fenced code blocks.
    pub highlighter: &'a Highlighter,
    /// Maps a path relative to `content/` (e.g. `posts/images/a.png`, `posts/other.md`) to the
    /// site URL it is published at, or `None` when nothing is published there.
    pub resolve: &'a (dyn Fn(&Path) -> Option<String> + Sync),
    /// Insert a space between CJK and Latin text at build time (`typography.autospace`).
    pub autospace: bool,
    /// Approximate length, in characters, of the automatic excerpt.
    pub excerpt_length: usize,
}

/// The source document being rendered, for resolving relative links and reporting lines.
pub struct MarkdownSource<'a> {
    /// The Markdown text (the body after the front matter).
    pub text: &'a str,
    /// The file's path relative to `content/`, e.g. `posts/rust/intro.md`.
    pub path: &'a Path,
    /// 1-based line in the file on which `text` starts, so reported lines are the file's lines.
    pub first_line: usize,
}

/// The HTML of one document and what was learned while rendering it.
#[derive(Debug, Clone, Default)]
pub struct RenderedMarkdown {
    /// The full HTML body.
    pub html: String,
    /// HTML above `<!-- more -->`, when the author put one.
    pub summary: Option<String>,
    /// An automatic excerpt (HTML, closed tags) cut at a sentence end, used when there is no summary.
    pub excerpt: String,
    /// Headings h2–h4 as a nested tree, for the table of contents.
    pub toc: Vec<TocEntry>,
    /// Every heading id in the document (all levels), for anchor checks.
    pub heading_ids: Vec<String>,
    /// CJK characters count one each, runs of Latin letters/digits one each; code excluded.
    pub word_count: usize,
    /// Every link and image target in the document.
    pub links: Vec<Link>,
    /// Plain text of the document (no code blocks), for the search index.
    pub plain_text: String,
}

/// One entry of the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    /// Heading level, 2 to 4.
    pub level: u8,
    /// The heading's id (the anchor, without `#`).
    pub id: String,
    /// The heading's text, plain.
    pub title: String,
    /// Deeper headings under this one.
    pub children: Vec<TocEntry>,
}

/// A link or image found in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// `true` for an image (`![](…)`), `false` for a link.
    pub is_image: bool,
    /// The target as written by the author.
    pub target: String,
    /// The URL written to the HTML (after rewriting), as it appears in `href`/`src`.
    pub href: String,
    /// How the target was classified.
    pub kind: LinkKind,
    /// 1-based line of the file on which the link appears.
    pub line: usize,
}

/// What a link points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkKind {
    /// `http:`, `https:`, `mailto:` and other schemes: left alone.
    External,
    /// `#anchor` within the same document.
    Anchor,
    /// A relative path that resolved to a published file or page.
    Resolved,
    /// A relative path that names nothing published: a broken link or missing image.
    Unresolved,
    /// A site-absolute path (`/about/`), left alone.
    Absolute,
}

mod highlight;

pub use highlight::{HighlightOptions, Highlighter};

/// Renders one document.
pub fn render(source: &MarkdownSource<'_>, options: &MarkdownOptions<'_>) -> RenderedMarkdown {
    let _ = options;
    let parser = pulldown_cmark::Parser::new_ext(source.text, parser_options());
    let mut html = String::with_capacity(source.text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, parser);
    RenderedMarkdown {
        excerpt: html.clone(),
        html,
        ..Default::default()
    }
}

/// The pulldown-cmark extensions yan enables (DESIGN §7): GFM tables, footnotes,
/// strikethrough, task lists, heading attributes; smart punctuation off.
fn parser_options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options;
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}
