//! Borrowed, serializable views of the model: exactly what templates see.
//!
//! Templates never get the model itself; each page gets only what it needs (a slice of posts
//! for a paginator, not the whole site), so rendering stays linear in the number of posts.

use serde::Serialize;

use crate::model::{Entry, Site, Term};
use crate::render::markdown::TocEntry;

/// What the Markdown pass learned about a post that listing pages, feeds and the search index
/// need after the post's own page is written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Digest {
    /// HTML shown on listing pages: the part above `<!-- more -->`, else the automatic excerpt.
    pub summary: String,
    /// The post continues beyond `summary`.
    pub has_more: bool,
    /// CJK characters plus Latin words.
    pub word_count: usize,
    /// Minutes at the configured reading speed, at least 1.
    pub reading_minutes: usize,
    /// Plain text for the search index (trimmed).
    pub search_text: String,
    /// The full HTML, kept only for posts that the feeds carry.
    pub feed_html: Option<String>,
}

impl Digest {
    /// What listing pages show of the post: [`PostSummary`] takes these and nothing else
    /// from the digest.
    pub fn listing(&self) -> (&str, bool, usize, usize) {
        (
            &self.summary,
            self.has_more,
            self.word_count,
            self.reading_minutes,
        )
    }
}

/// A link to a tag or a category.
#[derive(Debug, Serialize)]
pub struct TermRef<'a> {
    /// Display name.
    pub name: &'a str,
    /// URL segment.
    pub slug: &'a str,
    /// URL with root.
    pub url: &'a str,
}

impl<'a> TermRef<'a> {
    /// A reference to `term`.
    pub fn new(term: &'a Term) -> Self {
        TermRef {
            name: &term.name,
            slug: &term.slug,
            url: &term.url,
        }
    }
}

/// A tag in `site.tags`, with its count.
#[derive(Debug, Serialize)]
pub struct TermView<'a> {
    /// Display name.
    pub name: &'a str,
    /// URL segment.
    pub slug: &'a str,
    /// URL with root.
    pub url: &'a str,
    /// Number of posts.
    pub count: usize,
}

/// A category and its sub-categories, recursively.
#[derive(Debug, Serialize)]
pub struct CategoryNode<'a> {
    /// Display name.
    pub name: &'a str,
    /// URL segment.
    pub slug: &'a str,
    /// URL with root.
    pub url: &'a str,
    /// Posts in it or below.
    pub count: usize,
    /// Sub-categories.
    pub children: Vec<CategoryNode<'a>>,
}

impl<'a> CategoryNode<'a> {
    /// The tree under category `id`.
    pub fn new(site: &'a Site, id: usize) -> Self {
        let c = &site.categories[id];
        CategoryNode {
            name: &c.name,
            slug: &c.slug,
            url: &c.url,
            count: c.posts.len(),
            children: c
                .children
                .iter()
                .map(|&k| CategoryNode::new(site, k))
                .collect(),
        }
    }
}

/// A link to a post.
#[derive(Debug, Serialize)]
pub struct PostRef<'a> {
    /// Title.
    pub title: &'a str,
    /// URL with root.
    pub url: &'a str,
    /// RFC 3339.
    pub date: &'a str,
    /// Formatted with `date_format`.
    pub date_display: &'a str,
}

impl<'a> PostRef<'a> {
    /// A reference to `entry`.
    pub fn new(entry: &'a Entry) -> Self {
        PostRef {
            title: &entry.doc.front.title,
            url: &entry.url,
            date: &entry.dates.date,
            date_display: &entry.dates.date_display,
        }
    }
}

/// A post as listed on the index, tag and category pages.
#[derive(Debug, Serialize)]
pub struct PostSummary<'a> {
    /// The link.
    #[serde(flatten)]
    pub post: PostRef<'a>,
    /// HTML summary or excerpt.
    pub summary: &'a str,
    /// Show a "read more" link.
    pub has_more: bool,
    /// Tags.
    pub tags: Vec<TermRef<'a>>,
    /// Category paths.
    pub categories: Vec<Vec<TermRef<'a>>>,
    /// Word count.
    pub word_count: usize,
    /// Reading time in minutes.
    pub reading_minutes: usize,
    /// Pinned on the index.
    pub pinned: bool,
}

impl<'a> PostSummary<'a> {
    /// The listing view of post `id`.
    pub fn new(site: &'a Site, digests: &'a [std::sync::Arc<Digest>], id: usize) -> Self {
        let entry = &site.posts[id];
        let digest = &digests[id];
        PostSummary {
            post: PostRef::new(entry),
            summary: &digest.summary,
            has_more: digest.has_more,
            tags: tag_refs(site, entry),
            categories: category_refs(site, entry),
            word_count: digest.word_count,
            reading_minutes: digest.reading_minutes,
            pinned: entry.doc.front.top > 0,
        }
    }
}

/// The tags of an entry as links.
pub fn tag_refs<'a>(site: &'a Site, entry: &Entry) -> Vec<TermRef<'a>> {
    entry
        .tags
        .iter()
        .map(|&t| TermRef::new(&site.tags[t]))
        .collect()
}

/// The category paths of an entry as links.
pub fn category_refs<'a>(site: &'a Site, entry: &Entry) -> Vec<Vec<TermRef<'a>>> {
    entry
        .categories
        .iter()
        .map(|path| {
            path.iter()
                .map(|&c| TermRef::new(&site.categories[c]))
                .collect()
        })
        .collect()
}

/// `page` on post and standalone-page templates.
#[derive(Debug, Serialize)]
pub struct EntryPage<'a> {
    /// `post` or `page`.
    pub kind: &'static str,
    /// Title.
    pub title: &'a str,
    /// URL with root.
    pub url: &'a str,
    /// Absolute URL.
    pub permalink: String,
    /// Description, or empty.
    pub description: &'a str,
    /// RFC 3339, or empty.
    pub date: &'a str,
    /// Formatted date, or empty.
    pub date_display: &'a str,
    /// RFC 3339, or empty.
    pub updated: &'a str,
    /// Formatted update date, or empty.
    pub updated_display: &'a str,
    /// Tags.
    pub tags: Vec<TermRef<'a>>,
    /// Category paths.
    pub categories: Vec<Vec<TermRef<'a>>>,
    /// The HTML body.
    pub content: &'a str,
    /// Headings h2–h4, nested.
    pub toc: &'a [TocEntry],
    /// The author did not turn the table of contents off.
    pub toc_enabled: bool,
    /// Word count.
    pub word_count: usize,
    /// Reading time in minutes.
    pub reading_minutes: usize,
    /// Cover image, or empty.
    pub cover: &'a str,
    /// Unknown front-matter keys.
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
    /// The next older post.
    pub prev: Option<PostRef<'a>>,
    /// The next newer post.
    pub next: Option<PostRef<'a>>,
    /// Pinned on the index.
    pub pinned: bool,
}

/// `page` on listing and other generated pages.
#[derive(Debug, Serialize)]
pub struct ListPage {
    /// `index`, `tags`, `tag`, `categories`, `category`, `archive`, `search` or `404`.
    pub kind: &'static str,
    /// Title for `<title>`; empty on the index.
    pub title: String,
    /// URL with root.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// Description, or empty.
    pub description: String,
}

/// `paginator` on the index, tag and category pages. Templates see `PostSummary` items; a
/// page's key is hashed from the same view with each item's key in its place.
#[derive(Debug, Serialize)]
pub struct PaginatorView<Item> {
    /// The posts on this page.
    pub items: Vec<Item>,
    /// 1-based page number.
    pub current: usize,
    /// Number of pages.
    pub total_pages: usize,
    /// Number of posts in the whole list.
    pub total_items: usize,
    /// URL of the previous (newer) page.
    pub prev_url: Option<String>,
    /// URL of the next (older) page.
    pub next_url: Option<String>,
    /// Page numbers to show: the first, the last, and two either side of the current one
    /// (a list of every page would make paginating thousands of posts quadratic).
    pub pages: Vec<PageLink>,
    /// URL of page 1.
    pub base_url: String,
}

/// A page number and its URL.
#[derive(Debug, Serialize)]
pub struct PageLink {
    /// 1-based.
    pub number: usize,
    /// URL with root.
    pub url: String,
    /// Pages are left out between the previous link and this one (show `…`).
    pub gap_before: bool,
}

/// `term` on tag and category pages.
#[derive(Debug, Serialize)]
pub struct TermPage<'a> {
    /// Display name.
    pub name: &'a str,
    /// URL segment.
    pub slug: &'a str,
    /// URL with root.
    pub url: &'a str,
    /// Number of posts.
    pub count: usize,
    /// For categories: ancestors and itself, top first. Empty for tags.
    pub path: Vec<TermRef<'a>>,
    /// For categories: sub-categories. Empty for tags.
    pub children: Vec<CategoryNode<'a>>,
}

/// `archive` on archive pages.
#[derive(Debug, Serialize)]
pub struct ArchiveView<'a> {
    /// `归档`, `2024 年` or `2024 年 3 月`.
    pub title: String,
    /// The years shown.
    pub years: Vec<ArchiveYear<'a>>,
}

/// A year on an archive page.
#[derive(Debug, Serialize)]
pub struct ArchiveYear<'a> {
    /// The year.
    pub year: i16,
    /// URL with root.
    pub url: &'a str,
    /// Posts in the months shown.
    pub count: usize,
    /// Months shown, newest first.
    pub months: Vec<ArchiveMonth<'a>>,
}

/// A month on an archive page.
#[derive(Debug, Serialize)]
pub struct ArchiveMonth<'a> {
    /// 1 to 12.
    pub month: i8,
    /// URL with root.
    pub url: &'a str,
    /// Number of posts.
    pub count: usize,
    /// The posts, newest first.
    pub posts: Vec<PostRef<'a>>,
}

/// `site` on every page: what the theme's navigation and sidebars need, built once.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    /// Every tag with its count, by name.
    pub tags: Vec<TermView<'a>>,
    /// The category tree.
    pub categories: Vec<CategoryNode<'a>>,
    /// The five newest posts.
    pub recent_posts: Vec<PostRef<'a>>,
    /// Standalone pages (about, …) in path order, for navigation.
    pub pages: Vec<PostRef<'a>>,
    /// Number of posts.
    pub post_count: usize,
    /// Years with their counts.
    pub years: Vec<YearLink<'a>>,
}

/// A year in `site.years`.
#[derive(Debug, Serialize)]
pub struct YearLink<'a> {
    /// The year.
    pub year: i16,
    /// URL with root.
    pub url: &'a str,
    /// Number of posts that year.
    pub count: usize,
}

impl<'a> SiteView<'a> {
    /// The `site` variable.
    pub fn new(site: &'a Site) -> Self {
        SiteView {
            tags: site
                .tags
                .iter()
                .map(|t| TermView {
                    name: &t.name,
                    slug: &t.slug,
                    url: &t.url,
                    count: t.posts.len(),
                })
                .collect(),
            categories: site
                .category_roots
                .iter()
                .map(|&c| CategoryNode::new(site, c))
                .collect(),
            recent_posts: site.posts.iter().take(5).map(PostRef::new).collect(),
            pages: site.pages.iter().map(PostRef::new).collect(),
            post_count: site.posts.len(),
            years: site
                .archives
                .iter()
                .map(|y| YearLink {
                    year: y.year,
                    url: &y.url,
                    count: y.months.iter().map(|m| m.posts.len()).sum(),
                })
                .collect(),
        }
    }
}
