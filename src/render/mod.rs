//! Render: from the model to output bytes — Markdown, templates, feeds, sitemap, search index.
//!
//! Render never touches the disk: every finished file is handed to the caller's `emit`
//! function as an [`Output`], as soon as it is ready, so a 10,000-post site never holds all of
//! its pages in memory at once; the text of a post it renders comes from the caller's
//! [`ReadBody`].

pub mod cache;
pub mod code_cache;
pub mod feeds;
pub mod markdown;
pub mod memo;
pub mod pages;
pub mod theme;
pub mod views;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::error::Diagnostic;
use crate::load::Document;
use crate::model::{EntryRef, Replaced, Site};
use markdown::{Highlighter, LinkKind, MarkdownOptions, MarkdownSource, RenderedMarkdown};
use theme::{StaticFile, Theme};
use views::{Digest, SiteView};

/// One file of the finished site.
#[derive(Debug)]
pub struct Output {
    /// Path relative to the output folder, `/`-separated.
    pub path: String,
    /// Its content.
    pub body: Body,
}

/// Where an output file's bytes come from.
#[derive(Debug)]
pub enum Body {
    /// Rendered bytes.
    Bytes(Vec<u8>),
    /// Bytes embedded in the binary (the default theme's static files).
    Embedded(&'static [u8]),
    /// A file to copy as is.
    Copy(PathBuf),
    /// The file the previous build wrote here is still right: leave it. Only emitted for a
    /// file that the memo's `present` check found in place.
    Keep,
}

impl Output {
    /// A rendered file.
    pub fn bytes(path: String, bytes: Vec<u8>) -> Self {
        Output {
            path,
            body: Body::Bytes(bytes),
        }
    }

    /// The previous build's file, kept (see [`RenderContext::keep`]).
    pub fn kept(path: String) -> Self {
        Output {
            path,
            body: Body::Keep,
        }
    }
}

/// Reads the Markdown of a document (the model keeps only its hash), naming the file as shown
/// in messages on failure; see [`crate::load::read_body`].
pub type ReadBody = dyn Fn(&Document, &Path) -> Result<String, Diagnostic> + Sync;

/// What rendering needs, shared by every job.
pub struct RenderContext<'a> {
    /// The model.
    pub site: &'a Site,
    /// Reads a document's Markdown when its page must be rendered.
    pub read_body: &'a ReadBody,
    /// The configuration.
    pub config: &'a Config,
    /// The compiled templates.
    pub theme: &'a Theme,
    /// The code highlighter.
    pub highlighter: &'a Highlighter,
    /// The site's `content/` folder, as shown in messages.
    pub content_display: &'a Path,
    /// The site folder: what paths in messages are relative to.
    pub display_root: &'a Path,
    /// The site's `static/` folder.
    pub static_dir: PathBuf,
    /// Content path → published URL, for rewriting relative links and images.
    pub urls: HashMap<PathBuf, String>,
    /// Variables every page gets: `config`, `site`, `yan` and the feed and asset URLs.
    pub base: tera::Context,
    /// Keys of the inputs every page shares (computed by [`RenderContext::with_memo`]: only a
    /// memo needs them).
    pub keys: cache::SharedKeys,
    /// What the previous build (`yan build`, or `serve`'s last rebuild) learned, to skip
    /// unchanged pages; see [`RenderContext::with_memo`].
    pub memo: Option<memo::Recall<'a>>,
    /// Collects this build's memo, when there is one.
    pub recorder: Option<memo::Recorder>,
}

impl<'a> RenderContext<'a> {
    /// Prepares the shared context.
    pub fn new(
        site: &'a Site,
        read_body: &'a ReadBody,
        config: &'a Config,
        theme: &'a Theme,
        highlighter: &'a Highlighter,
        content_display: &'a Path,
        display_root: &'a Path,
    ) -> Self {
        let mut base = tera::Context::new();
        base.insert("config", config);
        base.insert("site", &SiteView::new(site));
        base.insert(
            "yan",
            &serde_json::json!({ "version": env!("CARGO_PKG_VERSION") }),
        );
        base.insert("feed_url", &config.rooted("/atom.xml"));
        base.insert("rss_url", &config.rooted("/rss.xml"));
        base.insert("highlight_css_url", &config.rooted(HIGHLIGHT_CSS));
        base.insert("search_index_url", &config.rooted("/search-index.json"));
        RenderContext {
            site,
            read_body,
            config,
            theme,
            highlighter,
            content_display,
            display_root,
            static_dir: display_root.join("static"),
            urls: url_map(site, config),
            base,
            keys: cache::SharedKeys::default(),
            memo: None,
            recorder: None,
        }
    }

    /// Records that the file at `output` is made from `key`, and tells whether the previous
    /// build made it from the same key and it is still in place, so that it can be kept
    /// rather than made again. Always `false` without a memo (`key` is then not computed).
    pub fn keep(&self, output: &str, key: impl FnOnce() -> cache::Key) -> bool {
        let (Some(recall), Some(recorder)) = (self.memo, &self.recorder) else {
            return false;
        };
        let key = key();
        recorder.page(output, key);
        recall.unchanged(output, key)
    }

    /// This context, skipping what `recall` shows unchanged and recording a new memo.
    pub fn with_memo(mut self, recall: memo::Recall<'a>) -> Self {
        self.keys = cache::SharedKeys::of(&self);
        self.memo = Some(recall);
        self.recorder = Some(memo::Recorder::default());
        self
    }
}

/// Where the generated highlighting stylesheet is published.
pub const HIGHLIGHT_CSS: &str = "/css/highlight.css";

/// What a post or page links to and which anchors it has, for `yan check`.
#[derive(Debug, Clone)]
pub struct PageFacts {
    /// The source file, as shown in messages.
    pub source: PathBuf,
    /// URL with root.
    pub url: String,
    /// Heading ids.
    pub heading_ids: Vec<String>,
    /// Links and images.
    pub links: Vec<markdown::Link>,
}

/// What rendering produced besides the files.
#[derive(Debug, Default)]
pub struct RenderReport {
    /// Number of files emitted.
    pub files: usize,
    /// Broken relative links and missing images (warnings in `build`).
    pub warnings: Vec<Diagnostic>,
    /// Per post and page: links and anchors.
    pub facts: Vec<PageFacts>,
    /// What this build remembers for the next (`yan build` only).
    pub memo: Option<memo::Memo>,
    /// Posts and pages taken from the previous build's memo, not rendered.
    pub reused: usize,
    /// What every post's Markdown yielded for the rest of the site, by post id (for
    /// [`render_changed`]).
    pub digests: Vec<Arc<Digest>>,
}

/// The sink `render_site` hands each finished file to; may fail (a write error).
pub type Emit<'e> = dyn Fn(Output) -> Result<(), Diagnostic> + Sync + 'e;

/// Renders the whole site, handing each file to `emit`. Every error of the run is returned.
pub fn render_site(
    ctx: &RenderContext<'_>,
    emit: &Emit<'_>,
) -> Result<RenderReport, Vec<Diagnostic>> {
    let site = ctx.site;
    let entries: Vec<EntryRef> = (0..site.posts.len())
        .map(|i| (true, i))
        .chain((0..site.pages.len()).map(|i| (false, i)))
        .collect();
    let mut report = RenderReport::default();
    let mut digests = render_entries(ctx, &entries, emit, &mut report)?;
    digests.truncate(site.posts.len());
    let jobs = pages::jobs(site, ctx.config);
    render_jobs(ctx, &digests, &jobs.iter().collect::<Vec<_>>(), emit)?;
    report.files += jobs.len();
    let extra = site_files(ctx, &digests, &listing_urls(ctx, &jobs));
    report.files += extra.len();
    emit_all(extra, emit)?;
    report.reused = ctx
        .recorder
        .as_ref()
        .map_or(0, memo::Recorder::reused_count);
    report.memo = ctx.recorder.as_ref().map(memo::Recorder::take);
    report.digests = digests;
    Ok(report)
}

/// Renders again what changed when the documents of some posts and pages were replaced in the
/// model ([`crate::model::Site::replace_document`]) and every file that shows what changed:
/// the listing pages with their summaries, the feeds and the search index, and for changed
/// details (a title, say) also the neighbours' pages, the archives and the sitemap. `digests`
/// are the previous render's, and are updated. The shared template variables must be as they
/// were (the caller checks `site`); every other file is then still right.
pub fn render_changed(
    ctx: &RenderContext<'_>,
    digests: &mut [Arc<Digest>],
    changed: &[Replaced],
    emit: &Emit<'_>,
) -> Result<RenderReport, Vec<Diagnostic>> {
    let site = ctx.site;
    let detailed: Vec<usize> = changed
        .iter()
        .filter_map(|r| match r {
            Replaced::Details((true, id)) => Some(*id),
            _ => None,
        })
        .collect();
    let details_changed = changed.iter().any(|r| matches!(r, Replaced::Details(_)));
    let mut entries: Vec<EntryRef> = changed.iter().map(|r| r.entry()).collect();
    for &id in &detailed {
        let neighbours = [site.posts[id].prev, site.posts[id].next];
        for neighbour in neighbours.into_iter().flatten() {
            if !entries.contains(&(true, neighbour)) {
                entries.push((true, neighbour));
            }
        }
    }
    let mut report = RenderReport::default();
    let fresh = render_entries(ctx, &entries, emit, &mut report)?;
    let feed = feeds::feed_posts(site, ctx.config);
    let mut shown = detailed.clone();
    let (mut fed, mut searched) = (details_changed, !detailed.is_empty());
    for (&(is_post, id), digest) in entries.iter().zip(fresh) {
        if !is_post {
            continue;
        }
        let old = std::mem::replace(&mut digests[id], digest);
        let new = &digests[id];
        if new.listing() != old.listing() {
            shown.push(id);
        }
        fed |=
            feed.contains(&id) && (&new.summary, &new.feed_html) != (&old.summary, &old.feed_html);
        searched |= new.search_text != old.search_text;
    }
    let all_jobs = pages::jobs(site, ctx.config);
    let jobs: Vec<&pages::Job> = all_jobs
        .iter()
        .filter(|job| {
            let summaries = pages::job_posts(site, job)
                .iter()
                .any(|id| shown.contains(id));
            summaries
                || detailed
                    .iter()
                    .any(|&id| pages::archive_shows(site, job, id))
        })
        .collect();
    let digests = &*digests;
    let data_files = || {
        let mut outputs = Vec::new();
        if fed {
            outputs.extend(feed_files(ctx, digests));
        }
        if searched && ctx.config.search {
            outputs.push(search_index_file(ctx, digests));
        }
        if details_changed {
            outputs.push(sitemap_file(ctx, &listing_urls(ctx, &all_jobs)));
        }
        outputs
    };
    // The pages and the data files side by side: a big archive page and a big search index
    // are each one long job.
    let (rendered, outputs) = rayon::join(|| render_jobs(ctx, digests, &jobs, emit), data_files);
    rendered?;
    report.files += jobs.len() + outputs.len();
    emit_all(outputs, emit)?;
    Ok(report)
}

/// Renders the posts and pages in `entries` in parallel, adding their facts and warnings to
/// `report`; returns their digests in the same order, or every error.
fn render_entries(
    ctx: &RenderContext<'_>,
    entries: &[EntryRef],
    emit: &Emit<'_>,
    report: &mut RenderReport,
) -> Result<Vec<Arc<Digest>>, Vec<Diagnostic>> {
    let resolve = |path: &Path| ctx.urls.get(path).cloned();
    let options = MarkdownOptions {
        highlighter: ctx.highlighter,
        resolve: &resolve,
        autospace: ctx.config.typography.autospace,
        excerpt_length: ctx.config.excerpt_length,
    };
    let feed = feeds::feed_posts(ctx.site, ctx.config);
    let results: Vec<Result<(Arc<Digest>, PageFacts), Diagnostic>> = entries
        .par_iter()
        .map_init(
            || ctx.base.clone(),
            |context, &(is_post, id)| {
                let keep_html = is_post && feed.contains(&id);
                render_entry(ctx, context, &options, is_post, id, keep_html, emit)
            },
        )
        .collect();
    let mut errors = Vec::new();
    let mut digests = Vec::with_capacity(entries.len());
    for result in results {
        match result {
            Ok((digest, facts)) => {
                report.warnings.extend(link_warnings(&facts));
                digests.push(digest);
                report.facts.push(facts);
            }
            Err(e) => errors.push(e),
        }
    }
    report.files += entries.len();
    if errors.is_empty() {
        Ok(digests)
    } else {
        Err(dedup_template_errors(errors))
    }
}

/// Renders the generated pages `jobs` in parallel.
fn render_jobs(
    ctx: &RenderContext<'_>,
    digests: &[Arc<Digest>],
    jobs: &[&pages::Job],
    emit: &Emit<'_>,
) -> Result<(), Vec<Diagnostic>> {
    let summary_keys = pages::summary_keys(ctx, digests);
    let errors: Vec<Diagnostic> = jobs
        .par_iter()
        .map_init(
            || ctx.base.clone(),
            |context, job| {
                pages::render_job(ctx, context, digests, &summary_keys, job).and_then(emit)
            },
        )
        .filter_map(Result::err)
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(dedup_template_errors(errors))
    }
}

/// Hands every output to `emit` in parallel; every failure is returned.
fn emit_all(outputs: Vec<Output>, emit: &Emit<'_>) -> Result<(), Vec<Diagnostic>> {
    let errors: Vec<Diagnostic> = outputs
        .into_par_iter()
        .filter_map(|o| emit(o).err())
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Content path → published URL, for rewriting relative links and images.
fn url_map(site: &Site, config: &Config) -> HashMap<PathBuf, String> {
    let entries = site
        .posts
        .iter()
        .chain(&site.pages)
        .map(|e| (e.doc.path.clone(), e.url.clone()));
    let assets = site
        .assets
        .iter()
        .map(|a| (a.path.clone(), config.rooted(&a.output)));
    entries.chain(assets).collect()
}

fn render_entry(
    ctx: &RenderContext<'_>,
    context: &mut tera::Context,
    options: &MarkdownOptions<'_>,
    is_post: bool,
    id: usize,
    keep_html: bool,
    emit: &Emit<'_>,
) -> Result<(Arc<Digest>, PageFacts), Diagnostic> {
    let entry = if is_post {
        &ctx.site.posts[id]
    } else {
        &ctx.site.pages[id]
    };
    let source_display = ctx.content_display.join(&entry.doc.path);
    let markdown_key = ctx.markdown_key(&entry.doc);
    let template = if is_post { "post.html" } else { "page.html" };
    if let Some(kept) = keep_unchanged(ctx, entry, is_post, markdown_key, keep_html, template) {
        emit(Output::kept(entry.output.clone()))?;
        let facts = PageFacts {
            source: source_display,
            url: entry.url.clone(),
            heading_ids: kept.heading_ids,
            links: kept.links,
        };
        return Ok((kept.digest, facts));
    }
    let text = (ctx.read_body)(&entry.doc, &source_display)?;
    let source = MarkdownSource {
        text: &text,
        path: &entry.doc.path,
        first_line: entry.doc.body_line,
        url: &entry.url,
    };
    let rendered = markdown::render(&source, options);
    let reading_minutes = reading_minutes(ctx, rendered.word_count);
    let page = pages::entry_page(
        ctx,
        entry,
        is_post,
        &rendered.html,
        &rendered.toc,
        rendered.word_count,
        reading_minutes,
    );
    let output = pages::render_entry_page(
        ctx,
        context,
        &page,
        template,
        &entry.output,
        &source_display,
    )?;
    emit(output)?;
    drop(page);
    let toc = ctx.recorder.as_ref().map(|_| rendered.toc.clone());
    let word_count = rendered.word_count;
    let (digest, facts) = digest_of(
        rendered,
        reading_minutes,
        keep_html,
        source_display,
        &entry.url,
    );
    let digest = Arc::new(digest);
    if let (Some(recorder), Some(toc)) = (&ctx.recorder, toc) {
        let key = pages::entry_page_key(
            ctx,
            entry,
            is_post,
            markdown_key,
            &toc,
            word_count,
            template,
        );
        recorder.page(&entry.output, key);
        let memo = memo::EntryMemo {
            digest: digest.clone(),
            toc,
            heading_ids: facts.heading_ids.clone(),
            links: facts.links.clone(),
            word_count,
        };
        recorder.entry(markdown_key, memo);
    }
    Ok((digest, facts))
}

/// Minutes to read `word_count` words at the configured speed, at least one.
pub(crate) fn reading_minutes(ctx: &RenderContext<'_>, word_count: usize) -> usize {
    word_count.div_ceil(ctx.config.reading_speed).max(1)
}

/// What the previous build remembered of this entry, when neither its Markdown nor its page
/// changed and its file is still in place (so it need not be rendered or written).
fn keep_unchanged(
    ctx: &RenderContext<'_>,
    entry: &crate::model::Entry,
    is_post: bool,
    markdown_key: cache::Key,
    keep_html: bool,
    template: &str,
) -> Option<memo::EntryMemo> {
    let (recall, recorder) = (ctx.memo?, ctx.recorder.as_ref()?);
    let remembered = recall.previous.entry(markdown_key)?;
    if keep_html && remembered.digest.feed_html.is_none() {
        return None;
    }
    let key = || {
        let (toc, words) = (&remembered.toc, remembered.word_count);
        pages::entry_page_key(ctx, entry, is_post, markdown_key, toc, words, template)
    };
    if !ctx.keep(&entry.output, key) {
        return None;
    }
    recorder.reused(markdown_key);
    Some(remembered.clone())
}

fn digest_of(
    rendered: RenderedMarkdown,
    reading_minutes: usize,
    keep_html: bool,
    source: PathBuf,
    url: &str,
) -> (Digest, PageFacts) {
    let has_more = rendered.excerpt_is_partial;
    let summary = rendered.summary.unwrap_or(rendered.excerpt);
    let digest = Digest {
        summary,
        has_more,
        word_count: rendered.word_count,
        reading_minutes,
        search_text: truncate_chars(&rendered.plain_text, SEARCH_TEXT_CHARS),
        feed_html: keep_html.then_some(rendered.html),
    };
    let facts = PageFacts {
        source,
        url: url.to_string(),
        heading_ids: rendered.heading_ids,
        links: rendered.links,
    };
    (digest, facts)
}

/// How much of each post's text goes into the search index.
const SEARCH_TEXT_CHARS: usize = 300;

fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => text[..i].to_string(),
        None => text.to_string(),
    }
}

/// A warning per relative link or image that names nothing published.
fn link_warnings(facts: &PageFacts) -> impl Iterator<Item = Diagnostic> + '_ {
    facts
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::Unresolved)
        .map(|l| {
            let what = if l.is_image {
                "missing image"
            } else {
                "broken link"
            };
            Diagnostic::new(&facts.source, format!("{what}: {}", l.target)).at_line(l.line)
        })
}

/// A broken template fails every page that uses it; report it once with a count.
fn dedup_template_errors(errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen: HashMap<(PathBuf, String), usize> = HashMap::new();
    let mut unique: Vec<Diagnostic> = Vec::new();
    for error in errors {
        let key_message = error
            .message
            .split(" (while rendering ")
            .next()
            .unwrap_or(&error.message)
            .to_string();
        let key = (error.path.clone(), key_message);
        match seen.get(&key) {
            Some(&i) => {
                if !unique[i].message.ends_with("others)") {
                    unique[i].message.push_str(" (and others)");
                }
            }
            None => {
                seen.insert(key, unique.len());
                unique.push(error);
            }
        }
    }
    unique
}

/// `atom.xml` and `rss.xml`.
fn feed_files(ctx: &RenderContext<'_>, digests: &[Arc<Digest>]) -> Vec<Output> {
    let (site, config) = (ctx.site, ctx.config);
    vec![
        Output::bytes(
            "atom.xml".into(),
            feeds::atom(site, digests, config).into_bytes(),
        ),
        Output::bytes(
            "rss.xml".into(),
            feeds::rss(site, digests, config).into_bytes(),
        ),
    ]
}

/// `sitemap.xml`.
fn sitemap_file(ctx: &RenderContext<'_>, listing_urls: &[String]) -> Output {
    let xml = feeds::sitemap(ctx.site, listing_urls, ctx.config);
    Output::bytes("sitemap.xml".into(), xml.into_bytes())
}

/// The URLs of the generated pages that the sitemap lists (all but search and 404).
fn listing_urls(ctx: &RenderContext<'_>, jobs: &[pages::Job]) -> Vec<String> {
    jobs.iter()
        .filter(|j| !matches!(j, pages::Job::NotFound | pages::Job::Search))
        .map(|j| ctx.config.rooted(&pages::job_path(ctx.site, j)))
        .collect()
}

/// `search-index.json`; kept as it is when its entries are (10,000 posts make 10 MB of JSON).
fn search_index_file(ctx: &RenderContext<'_>, digests: &[Arc<Digest>]) -> Output {
    const PATH: &str = "search-index.json";
    let entries = feeds::search_entries(ctx.site, digests);
    if ctx.keep(PATH, || cache::hash_key(&entries)) {
        return Output::kept(PATH.into());
    }
    Output::bytes(PATH.into(), feeds::search_index(&entries).into_bytes())
}

/// Feeds, sitemap, robots.txt, search index, highlight CSS, static files, assets, `.nojekyll`
/// and `CNAME`.
fn site_files(
    ctx: &RenderContext<'_>,
    digests: &[Arc<Digest>],
    listing_urls: &[String],
) -> Vec<Output> {
    let (site, config) = (ctx.site, ctx.config);
    let mut outputs = feed_files(ctx, digests);
    outputs.extend([
        sitemap_file(ctx, listing_urls),
        Output::bytes("robots.txt".into(), feeds::robots(config).into_bytes()),
        Output::bytes(
            HIGHLIGHT_CSS.trim_start_matches('/').into(),
            ctx.highlighter.css().into_bytes(),
        ),
        Output::bytes(".nojekyll".into(), Vec::new()),
    ]);
    if config.search {
        outputs.push(search_index_file(ctx, digests));
    }
    if let Some(cname) = &config.cname {
        outputs.push(Output::bytes(
            "CNAME".into(),
            format!("{cname}\n").into_bytes(),
        ));
    }
    for (path, file) in theme::static_files(&ctx.static_dir) {
        let body = match file {
            StaticFile::Embedded(bytes) => Body::Embedded(bytes),
            StaticFile::Site(path) => Body::Copy(path),
        };
        outputs.push(Output { path, body });
    }
    for asset in &site.assets {
        outputs.push(Output {
            path: asset.output.clone(),
            body: Body::Copy(asset.source.clone()),
        });
    }
    outputs
}
