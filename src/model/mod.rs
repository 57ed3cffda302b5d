//! The model: posts and pages with their URLs, taxonomies, archives and pagination.
//!
//! Plain data keyed by index, built from loaded documents without any I/O or HTML. Every
//! output path the site will have is decided here, so two sources claiming one URL are caught
//! here, before anything is rendered.

pub mod slug;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use jiff::ZonedDateTime as Zoned;

use crate::config::Config;
use crate::error::Diagnostic;
use crate::load::{Asset, Content, Document};

pub use slug::{output_file, safe_file_path, safe_path, slugify};

/// Index of a post in [`Site::posts`] (or a page in [`Site::pages`]).
pub type EntryId = usize;

/// A post (`true`) or a standalone page (`false`), and its index.
pub type EntryRef = (bool, EntryId);

/// The whole site, ready to render.
#[derive(Debug)]
pub struct Site {
    /// Posts, newest first.
    pub posts: Vec<Entry>,
    /// Standalone pages, in path order.
    pub pages: Vec<Entry>,
    /// Post ids in index order: pinned first (higher `top` first), then newest first.
    pub index_order: Vec<EntryId>,
    /// Tags sorted by name.
    pub tags: Vec<Term>,
    /// Every category at every level; roots are listed in `category_roots`.
    pub categories: Vec<Term>,
    /// Top-level categories, sorted by name.
    pub category_roots: Vec<usize>,
    /// Years, newest first, each with its months, newest first.
    pub archives: Vec<YearArchive>,
    /// Files copied from `content/`, with their output paths.
    pub assets: Vec<PublishedAsset>,
}

impl Site {
    /// The post or page loaded from the file at `path` (relative to `content/`).
    pub fn entry_from(&self, path: &Path) -> Option<EntryRef> {
        let position = |entries: &[Entry]| entries.iter().position(|e| e.doc.path == path);
        position(&self.posts)
            .map(|id| (true, id))
            .or_else(|| position(&self.pages).map(|id| (false, id)))
    }

    /// Puts `doc` in the place of the entry loaded from the same file, when the front matter
    /// that places the entry (date, tags, categories, slug, permalink, pin, draft) is unchanged:
    /// then no URL, list, order or term of the model moves, and only the entry's own data does.
    /// `None` when no entry came from the file or it would move (the model must be built again).
    pub fn replace_document(&mut self, doc: Document, config: &Config) -> Option<Replaced> {
        let (is_post, id) = self.entry_from(&doc.path)?;
        let entry = match is_post {
            true => &mut self.posts[id],
            false => &mut self.pages[id],
        };
        let (old, new) = (&entry.doc.front, &doc.front);
        if entry.doc.is_post != doc.is_post || !same_place(old, new) {
            return None;
        }
        let replaced = match old == new {
            true => Replaced::Body((is_post, id)),
            false => Replaced::Details((is_post, id)),
        };
        entry.dates = DateTexts::new(new.date.as_ref(), new.updated.as_ref(), config);
        entry.doc = doc;
        Some(replaced)
    }
}

/// Whether two versions of an entry's front matter put it in the same place: the same URL,
/// position in every list, tags, categories and publication.
fn same_place(a: &crate::load::FrontMatter, b: &crate::load::FrontMatter) -> bool {
    (
        &a.date,
        &a.tags,
        &a.categories,
        a.draft,
        &a.slug,
        &a.permalink,
        a.top,
    ) == (
        &b.date,
        &b.tags,
        &b.categories,
        b.draft,
        &b.slug,
        &b.permalink,
        b.top,
    )
}

/// What [`Site::replace_document`] changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replaced {
    /// Only the entry's body.
    Body(EntryRef),
    /// Its body and what it shows of itself elsewhere: title, description, update time, cover,
    /// extra keys.
    Details(EntryRef),
}

impl Replaced {
    /// The entry.
    pub fn entry(self) -> EntryRef {
        match self {
            Replaced::Body(entry) | Replaced::Details(entry) => entry,
        }
    }
}

/// A post or standalone page.
#[derive(Debug)]
pub struct Entry {
    /// The loaded document.
    pub doc: Document,
    /// The URL slug.
    pub slug: String,
    /// URL path with the site root, e.g. `/repo/posts/hello/`.
    pub url: String,
    /// Output file relative to the output folder, e.g. `posts/hello/index.html`.
    pub output: String,
    /// Publication date (posts always have one; pages may not).
    pub date: Option<Zoned>,
    /// The dates as text, formatted once for every page that shows them.
    pub dates: DateTexts,
    /// Indices into [`Site::tags`].
    pub tags: Vec<usize>,
    /// Category paths as indices into [`Site::categories`], top to leaf.
    pub categories: Vec<Vec<usize>>,
    /// The next older post.
    pub prev: Option<EntryId>,
    /// The next newer post.
    pub next: Option<EntryId>,
}

/// An entry's dates as templates and feeds show them; empty strings where there is no date.
#[derive(Debug, Clone, Default)]
pub struct DateTexts {
    /// Publication date, RFC 3339.
    pub date: String,
    /// Publication date in `date_format`.
    pub date_display: String,
    /// Last update, RFC 3339.
    pub updated: String,
    /// Last update in `date_format`.
    pub updated_display: String,
}

impl DateTexts {
    fn new(date: Option<&Zoned>, updated: Option<&Zoned>, config: &Config) -> Self {
        let machine = |d: Option<&Zoned>| d.map(rfc3339).unwrap_or_default();
        let display = |d: Option<&Zoned>| d.map(|d| format_date(d, config)).unwrap_or_default();
        DateTexts {
            date: machine(date),
            date_display: display(date),
            updated: machine(updated),
            updated_display: display(updated),
        }
    }
}

/// RFC 3339 with the offset, as feeds and `<time datetime>` want.
pub fn rfc3339(date: &Zoned) -> String {
    date.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// A date in the site's `date_format`.
pub fn format_date(date: &Zoned, config: &Config) -> String {
    jiff::fmt::strtime::format(&config.date_format, date).unwrap_or_else(|_| rfc3339(date))
}

/// A tag or a category.
#[derive(Debug, Clone)]
pub struct Term {
    /// Display name (the first spelling seen).
    pub name: String,
    /// URL segment.
    pub slug: String,
    /// URL path without root, e.g. `/tags/rust/`.
    pub path: String,
    /// URL path with root, e.g. `/repo/tags/rust/`.
    pub url: String,
    /// Posts in it, newest first (for categories: also those in sub-categories).
    pub posts: Vec<EntryId>,
    /// For categories: the parent category.
    pub parent: Option<usize>,
    /// For categories: sub-categories, sorted by name.
    pub children: Vec<usize>,
}

/// One year of the archive.
#[derive(Debug, Clone)]
pub struct YearArchive {
    /// The year.
    pub year: i16,
    /// URL path with root, `/archives/2024/`.
    pub url: String,
    /// Months newest first.
    pub months: Vec<MonthArchive>,
}

/// One month of the archive.
#[derive(Debug, Clone)]
pub struct MonthArchive {
    /// 1 to 12.
    pub month: i8,
    /// URL path with root, `/archives/2024/03/`.
    pub url: String,
    /// Posts newest first.
    pub posts: Vec<EntryId>,
}

/// A file from `content/` and where it is published.
#[derive(Debug, Clone)]
pub struct PublishedAsset {
    /// Its path relative to `content/`.
    pub path: PathBuf,
    /// Where to read it.
    pub source: PathBuf,
    /// Output path relative to the output folder (same as under `content/`).
    pub output: String,
}

/// Output paths of the pages the site generates itself, for clash detection.
pub const GENERATED_PAGES: &[&str] = &[
    "index.html",
    "404.html",
    "atom.xml",
    "rss.xml",
    "sitemap.xml",
    "robots.txt",
    "search-index.json",
    "tags/index.html",
    "categories/index.html",
    "archives/index.html",
    "search/index.html",
];

/// Builds the site from loaded content. Returns every URL clash at once on failure.
pub fn build_site(
    content: Content,
    config: &Config,
    drafts: bool,
    content_dir: &Path,
) -> Result<Site, Vec<Diagnostic>> {
    let (mut posts, mut pages): (Vec<Document>, Vec<Document>) = content
        .documents
        .into_iter()
        .filter(|d| drafts || !d.front.draft)
        .partition(|d| d.is_post);
    sort_newest_first(&mut posts);
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    let mut site = Site {
        posts: posts.into_iter().map(|d| entry(d, config, true)).collect(),
        pages: pages.into_iter().map(|d| entry(d, config, false)).collect(),
        index_order: Vec::new(),
        tags: Vec::new(),
        categories: Vec::new(),
        category_roots: Vec::new(),
        archives: Vec::new(),
        assets: content.assets.into_iter().map(publish_asset).collect(),
    };
    link_neighbours(&mut site.posts);
    site.index_order = index_order(&site.posts);
    build_tags(&mut site, config);
    build_categories(&mut site, config);
    site.archives = build_archives(&site.posts, config);
    check_clashes(&site, content_dir)?;
    Ok(site)
}

fn sort_newest_first(posts: &mut [Document]) {
    posts.sort_by(|a, b| {
        let (da, db) = (a.front.date.as_ref(), b.front.date.as_ref());
        db.map(|d| d.timestamp())
            .cmp(&da.map(|d| d.timestamp()))
            .then_with(|| a.path.cmp(&b.path))
    });
}

fn publish_asset(asset: Asset) -> PublishedAsset {
    PublishedAsset {
        output: content_path_to_output(&asset.path),
        path: asset.path,
        source: asset.source,
    }
}

/// A path under `content/` as an output path: `/`-separated, each segment made safe.
fn content_path_to_output(path: &Path) -> String {
    let segments: Vec<_> = path.iter().map(|s| s.to_string_lossy()).collect();
    safe_file_path(segments.iter().map(|s| s.as_ref()))
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn entry(doc: Document, config: &Config, is_post: bool) -> Entry {
    let slug = slugify(doc.front.slug.as_deref().unwrap_or(&file_stem(&doc.path)));
    let url_path = match &doc.front.permalink {
        Some(permalink) => safe_path(permalink),
        None if is_post => post_path(&doc, &slug, config),
        None => page_path(&doc.path),
    };
    Entry {
        url: config.rooted(&url_path),
        output: output_file(&url_path),
        dates: DateTexts::new(doc.front.date.as_ref(), doc.front.updated.as_ref(), config),
        date: doc.front.date.clone(),
        slug,
        doc,
        tags: Vec::new(),
        categories: Vec::new(),
        prev: None,
        next: None,
    }
}

/// A post's URL path from the `permalink` pattern.
fn post_path(doc: &Document, slug: &str, config: &Config) -> String {
    let date = doc.front.date.as_ref();
    let category = doc
        .front
        .categories
        .first()
        .map(|path| {
            path.iter()
                .map(|c| category_slug(c, config))
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap_or_else(|| "uncategorized".to_string());
    let two = |n: i8| format!("{n:02}");
    let filled = config
        .permalink
        .replace(
            ":year",
            &date.map_or("0000".into(), |d| d.year().to_string()),
        )
        .replace(":month", &date.map_or("00".into(), |d| two(d.month())))
        .replace(":day", &date.map_or("00".into(), |d| two(d.day())))
        .replace(":slug", slug)
        .replace(":title", &slugify(&file_stem(&doc.path)))
        .replace(":category", &category);
    safe_path(&filled)
}

/// A standalone page's URL path: `about.md` → `/about/`, `docs/index.md` → `/docs/`.
fn page_path(path: &Path) -> String {
    let mut without_ext = path.with_extension("");
    if without_ext.file_name().is_some_and(|n| n == "index") {
        without_ext.pop();
    }
    let joined = without_ext
        .iter()
        .map(|s| slugify(&s.to_string_lossy()))
        .collect::<Vec<_>>()
        .join("/");
    safe_path(&format!("{joined}/"))
}

fn link_neighbours(posts: &mut [Entry]) {
    let n = posts.len();
    for (i, post) in posts.iter_mut().enumerate() {
        post.next = i.checked_sub(1);
        post.prev = (i + 1 < n).then_some(i + 1);
    }
}

fn index_order(posts: &[Entry]) -> Vec<EntryId> {
    let mut order: Vec<EntryId> = (0..posts.len()).collect();
    // Stable: among equal pins, newest first as posts already are.
    order.sort_by_key(|&i| std::cmp::Reverse(posts[i].doc.front.top.max(0)));
    order
}

fn tag_slug(name: &str, config: &Config) -> String {
    config
        .tag_map
        .get(name)
        .map_or_else(|| slugify(name), |s| slugify(s))
}

fn category_slug(name: &str, config: &Config) -> String {
    config
        .category_map
        .get(name)
        .map_or_else(|| slugify(name), |s| slugify(s))
}

/// Tags merged by slug (so `Rust` and `rust` are one tag), named by the first spelling seen.
fn build_tags(site: &mut Site, config: &Config) {
    let mut by_slug: BTreeMap<String, usize> = BTreeMap::new();
    let mut tags: Vec<Term> = Vec::new();
    for (id, post) in site.posts.iter_mut().enumerate() {
        for name in &post.doc.front.tags {
            let slug = tag_slug(name, config);
            let index = *by_slug.entry(slug.clone()).or_insert_with(|| {
                tags.push(term(name, slug.clone(), format!("/tags/{slug}/"), config));
                tags.len() - 1
            });
            if !post.tags.contains(&index) {
                post.tags.push(index);
                tags[index].posts.push(id);
            }
        }
    }
    let order = sorted_by_name(&tags, (0..tags.len()).collect());
    let remap = invert(&order);
    site.tags = order.iter().map(|&i| tags[i].clone()).collect();
    for post in &mut site.posts {
        for tag in &mut post.tags {
            *tag = remap[*tag];
        }
    }
}

fn term(name: &str, slug: String, path: String, config: &Config) -> Term {
    Term {
        name: name.to_string(),
        slug,
        url: config.rooted(&path),
        path,
        posts: Vec::new(),
        parent: None,
        children: Vec::new(),
    }
}

/// Indices sorted by term name (Unicode order, case-insensitive for ASCII).
fn sorted_by_name(terms: &[Term], mut ids: Vec<usize>) -> Vec<usize> {
    ids.sort_by(|&a, &b| {
        terms[a]
            .name
            .to_lowercase()
            .cmp(&terms[b].name.to_lowercase())
            .then_with(|| terms[a].slug.cmp(&terms[b].slug))
    });
    ids
}

fn invert(order: &[usize]) -> Vec<usize> {
    let mut remap = vec![0; order.len()];
    for (new, &old) in order.iter().enumerate() {
        remap[old] = new;
    }
    remap
}

/// Every prefix of every category path is a category; a post belongs to each prefix.
fn build_categories(site: &mut Site, config: &Config) {
    let mut by_path: HashMap<Vec<String>, usize> = HashMap::new();
    let mut categories: Vec<Term> = Vec::new();
    for (id, post) in site.posts.iter_mut().enumerate() {
        for path in &post.doc.front.categories {
            let mut ids = Vec::with_capacity(path.len());
            let mut slugs: Vec<String> = Vec::with_capacity(path.len());
            for name in path {
                slugs.push(category_slug(name, config));
                let parent = ids.last().copied();
                let index = *by_path.entry(slugs.clone()).or_insert_with(|| {
                    let path = format!("/categories/{}/", slugs.join("/"));
                    let slug = slugs.last().cloned().unwrap_or_default();
                    let mut category = term(name, slug, path, config);
                    category.parent = parent;
                    categories.push(category);
                    categories.len() - 1
                });
                if let Some(parent) = parent
                    && !categories[parent].children.contains(&index)
                {
                    categories[parent].children.push(index);
                }
                if categories[index].posts.last() != Some(&id) {
                    categories[index].posts.push(id);
                }
                ids.push(index);
            }
            post.categories.push(ids);
        }
    }
    for i in 0..categories.len() {
        let children = std::mem::take(&mut categories[i].children);
        categories[i].children = sorted_by_name(&categories, children);
    }
    let roots = (0..categories.len())
        .filter(|&i| categories[i].parent.is_none())
        .collect();
    site.category_roots = sorted_by_name(&categories, roots);
    site.categories = categories;
}

fn build_archives(posts: &[Entry], config: &Config) -> Vec<YearArchive> {
    let mut years: Vec<YearArchive> = Vec::new();
    for (id, post) in posts.iter().enumerate() {
        let Some(date) = &post.date else { continue };
        let (year, month) = (date.year(), date.month());
        if years.last().is_none_or(|y| y.year != year) {
            years.push(YearArchive {
                year,
                url: config.rooted(&format!("/archives/{year}/")),
                months: Vec::new(),
            });
        }
        let months = &mut years.last_mut().expect("pushed above").months;
        if months.last().is_none_or(|m| m.month != month) {
            months.push(MonthArchive {
                month,
                url: config.rooted(&format!("/archives/{year}/{month:02}/")),
                posts: Vec::new(),
            });
        }
        months.last_mut().expect("pushed above").posts.push(id);
    }
    years
}

/// Two sources (or a source and a generated page) with one output path.
fn check_clashes(site: &Site, content_dir: &Path) -> Result<(), Vec<Diagnostic>> {
    let mut owners: HashMap<&str, PathBuf> = HashMap::new();
    for generated in GENERATED_PAGES {
        owners.insert(
            generated,
            PathBuf::from(format!("(yan's generated {generated})")),
        );
    }
    let sources = site
        .posts
        .iter()
        .chain(&site.pages)
        .map(|e| (e.output.as_str(), content_dir.join(&e.doc.path)))
        .chain(
            site.assets
                .iter()
                .map(|a| (a.output.as_str(), a.source.clone())),
        );
    let mut errors = Vec::new();
    for (output, source) in sources {
        if let Some(first) = owners.get(output) {
            errors.push(Diagnostic::new(
                &source,
                format!(
                    "writes /{output}, which {} already writes; change its `slug` or `permalink`",
                    first.display()
                ),
            ));
        } else {
            owners.insert(output, source);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// One page of a paginated list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager {
    /// 1-based page number.
    pub number: usize,
    /// Number of pages.
    pub total_pages: usize,
    /// Number of items in the whole list.
    pub total_items: usize,
    /// Range of the list this page shows.
    pub range: std::ops::Range<usize>,
    /// URL path (without root) of this page: `base` or `base` + `page/N/`.
    pub path: String,
}

/// Splits `count` items into pages of `per_page` under `base` (`/`, `/tags/rust/`): page 1 is
/// `base`, page N is `base/page/N/`. An empty list still has one (empty) page.
pub fn paginate(base: &str, count: usize, per_page: usize) -> Vec<Pager> {
    let total_pages = count.div_ceil(per_page).max(1);
    (1..=total_pages)
        .map(|number| Pager {
            number,
            total_pages,
            total_items: count,
            range: (number - 1) * per_page..(number * per_page).min(count),
            path: pager_path(base, number),
        })
        .collect()
}

/// The URL path (without root) of page `number` under `base`.
pub fn pager_path(base: &str, number: usize) -> String {
    if number == 1 {
        base.to_string()
    } else {
        format!("{base}page/{number}/")
    }
}
