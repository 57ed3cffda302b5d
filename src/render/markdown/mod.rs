//! Markdown to HTML, as a chain of small passes over pulldown-cmark's event stream.
//!
//! This module knows nothing of templates or the disk: it takes one document's Markdown and
//! returns its HTML plus what the rest of the site needs to know about it (summary, table of
//! contents, heading ids, word count, the links it makes). Every transformation works on
//! events, never on finished HTML.

mod cjk;
mod headings;
mod highlight;
mod links;
mod summary;
mod text;

use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};

pub use headings::heading_id;
pub use highlight::{HighlightOptions, Highlighter, theme_names};
pub use text::count_words;

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
    /// The document's published URL: summaries shown on other pages point their `#anchors`
    /// here.
    pub url: &'a str,
}

/// The HTML of one document and what was learned while rendering it.
#[derive(Debug, Clone, Default)]
pub struct RenderedMarkdown {
    /// The full HTML body.
    pub html: String,
    /// HTML above `<!-- more -->`, when the author put one.
    pub summary: Option<String>,
    /// An automatic excerpt (HTML, closed tags) cut at a sentence end; the summary when there
    /// is one.
    pub excerpt: String,
    /// Whether the excerpt leaves part of the document out.
    pub excerpt_is_partial: bool,
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// Byte offsets of line starts, to turn an event's offset into a file line.
pub struct LineIndex {
    starts: Vec<usize>,
    first_line: usize,
}

impl LineIndex {
    /// Indexes `text`, which starts on file line `first_line`.
    pub fn new(text: &str, first_line: usize) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts, first_line }
    }

    /// The file line of byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        let index = self.starts.partition_point(|&s| s <= offset);
        self.first_line + index.saturating_sub(1)
    }
}

/// Renders one document: parse, CJK emphasis, links, then (on plain events) text merge, soft
/// breaks, autospace, heading ids, code highlighting; then summary, excerpt and HTML.
pub fn render(source: &MarkdownSource<'_>, options: &MarkdownOptions<'_>) -> RenderedMarkdown {
    let lines = LineIndex::new(source.text, source.first_line);
    let parsed: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(source.text, parser_options())
        .into_offset_iter()
        .collect();
    let mut located = cjk::cjk_emphasis(parsed, source.text);
    let links = links::rewrite(&mut located, source.path, options.resolve, &lines);
    let mut events = merge_text(located.into_iter().map(|(event, _)| event));
    cjk::join_soft_breaks(&mut events);
    if options.autospace {
        cjk::autospace(&mut events);
    }
    let (heading_ids, toc) = headings::assign_ids(&mut events);
    let plain_text = plain_text(&events);
    let word_count = count_words(&plain_text);
    let events = highlight_code(events, options.highlighter);
    let more = summary::find_more(&events);
    let listed = |events: Vec<Event<'_>>| to_html(&summary::for_listing(events, source.url));
    let summary = more.map(|end| listed(summary::closed_prefix(&events, end)));
    let (excerpt, excerpt_is_partial) = match &summary {
        Some(summary) => (summary.clone(), true),
        None => {
            let (excerpt, partial) = summary::excerpt(&events, options.excerpt_length);
            (listed(excerpt), partial)
        }
    };
    RenderedMarkdown {
        html: to_html(&events),
        summary,
        excerpt,
        excerpt_is_partial,
        toc,
        heading_ids,
        word_count,
        links,
        plain_text,
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

/// Joins adjacent text events (pulldown-cmark splits text at every would-be delimiter), so
/// the passes after it see whole runs of text.
fn merge_text<'a>(events: impl Iterator<Item = Event<'a>>) -> Vec<Event<'a>> {
    let mut merged: Vec<Event<'a>> = Vec::new();
    for event in events {
        if let (Event::Text(next), Some(Event::Text(previous))) = (&event, merged.last_mut()) {
            let mut joined = previous.to_string();
            joined.push_str(next);
            *previous = CowStr::from(joined);
            continue;
        }
        merged.push(event);
    }
    merged
}

/// Replaces each code block's events by its highlighted HTML.
fn highlight_code<'a>(events: Vec<Event<'a>>, highlighter: &Highlighter) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut code: Option<(Option<String>, String)> = None;
    for event in events {
        match (event, &mut code) {
            (Event::Start(Tag::CodeBlock(kind)), None) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => fence_language(&info),
                    CodeBlockKind::Indented => None,
                };
                code = Some((lang, String::new()));
            }
            (Event::Text(text), Some((_, body))) => body.push_str(&text),
            (Event::End(TagEnd::CodeBlock), Some(_)) => {
                let (lang, body) = code.take().expect("inside a code block");
                let html = highlighter.highlight_block(lang.as_deref(), &body);
                out.push(Event::Html(html.into()));
            }
            (event, _) => out.push(event),
        }
    }
    out
}

/// The language of a fence's info string: `rust,ignore` and `python {linenos}` give the first
/// word.
fn fence_language(info: &str) -> Option<String> {
    info.split(|c: char| c.is_whitespace() || c == ',' || c == '{')
        .next()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
}

/// The document's text without code blocks, whitespace collapsed, for the search index and the
/// word count.
fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    let mut in_code = false;
    for event in events {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) | Event::Code(t) if !in_code => {
                for word in t.split_whitespace() {
                    push_word(&mut text, word);
                }
            }
            Event::End(_) | Event::SoftBreak | Event::HardBreak if !text.ends_with(' ') => {
                text.push(' ');
            }
            _ => {}
        }
    }
    text.trim_end().to_string()
}

/// Appends a word, with a space only where the text does not already end with one.
fn push_word(text: &mut String, word: &str) {
    if !text.is_empty() && !text.ends_with(' ') && needs_space(text, word) {
        text.push(' ');
    }
    text.push_str(word);
}

fn needs_space(text: &str, word: &str) -> bool {
    let last = text.chars().next_back().unwrap_or(' ');
    let first = word.chars().next().unwrap_or(' ');
    !(text::is_cjk(last) && text::is_cjk(first))
}

fn to_html(events: &[Event<'_>]) -> String {
    let mut html = String::with_capacity(events.len() * 32);
    pulldown_cmark::html::push_html(&mut html, events.iter().cloned());
    html
}
