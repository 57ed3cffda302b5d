//! The HTML pages: one job per output page, each a pure function of the model and the digests.

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::views::*;
use super::{Output, RenderContext};
use crate::error::Diagnostic;
use crate::model::{Pager, Site, output_file, pager_path, paginate};
use crate::render::cache::{ErasedView, Key, json_key, view_key};

/// A generated (non-post) HTML page.
#[derive(Debug, Clone)]
pub enum Job {
    /// A page of the index.
    Index(Pager),
    /// `/tags/`.
    Tags,
    /// A page of one tag.
    Tag(usize, Pager),
    /// `/categories/`.
    Categories,
    /// A page of one category.
    Category(usize, Pager),
    /// `/archives/`, a year, or a month (indices into `Site::archives`).
    Archive(Option<(usize, Option<usize>)>),
    /// `/search/`.
    Search,
    /// `/404.html`.
    NotFound,
}

/// Every generated page of the site.
pub fn jobs(site: &Site, config: &crate::config::Config) -> Vec<Job> {
    let per_page = config.per_page;
    let mut jobs: Vec<Job> = paginate("/", site.posts.len(), per_page)
        .into_iter()
        .map(Job::Index)
        .collect();
    jobs.push(Job::Tags);
    for (id, tag) in site.tags.iter().enumerate() {
        jobs.extend(
            paginate(&tag.path, tag.posts.len(), per_page)
                .into_iter()
                .map(|p| Job::Tag(id, p)),
        );
    }
    jobs.push(Job::Categories);
    for (id, c) in site.categories.iter().enumerate() {
        jobs.extend(
            paginate(&c.path, c.posts.len(), per_page)
                .into_iter()
                .map(|p| Job::Category(id, p)),
        );
    }
    jobs.push(Job::Archive(None));
    for (y, year) in site.archives.iter().enumerate() {
        jobs.push(Job::Archive(Some((y, None))));
        jobs.extend((0..year.months.len()).map(|m| Job::Archive(Some((y, Some(m))))));
    }
    if config.search {
        jobs.push(Job::Search);
    }
    jobs.push(Job::NotFound);
    jobs
}

/// The URL path (without root) a job writes.
pub fn job_path(site: &Site, job: &Job) -> String {
    match job {
        Job::Index(p) | Job::Tag(_, p) | Job::Category(_, p) => p.path.clone(),
        Job::Tags => "/tags/".into(),
        Job::Categories => "/categories/".into(),
        Job::Archive(None) => "/archives/".into(),
        Job::Archive(Some((y, None))) => format!("/archives/{}/", site.archives[*y].year),
        Job::Archive(Some((y, Some(m)))) => {
            let year = &site.archives[*y];
            format!("/archives/{}/{:02}/", year.year, year.months[*m].month)
        }
        Job::Search => "/search/".into(),
        Job::NotFound => "/404.html".into(),
    }
}

/// The posts a job lists with their summaries (index, tag and category pages); empty for
/// the other pages, which show no post's body.
pub fn job_posts<'s>(site: &'s Site, job: &Job) -> &'s [usize] {
    match job {
        Job::Index(pager) => &site.index_order[pager.range.clone()],
        Job::Tag(id, pager) => &site.tags[*id].posts[pager.range.clone()],
        Job::Category(id, pager) => &site.categories[*id].posts[pager.range.clone()],
        _ => &[],
    }
}

/// Whether `job` is an archive page that lists post `id` (by title and date).
pub fn archive_shows(site: &Site, job: &Job, id: usize) -> bool {
    let Job::Archive(scope) = job else {
        return false;
    };
    let months = |y: usize| site.archives[y].months.iter();
    match *scope {
        None => true,
        Some((y, None)) => months(y).any(|m| m.posts.contains(&id)),
        Some((y, Some(m))) => site.archives[y].months[m].posts.contains(&id),
    }
}

/// The per-page variables; removed before each page so one page's never leak into the next.
const PAGE_KEYS: &[&str] = &["page", "paginator", "term", "archive"];

/// Prepares a reused context for the next page: the shared variables stay, the page's go.
/// (Cloning the shared variables for every page cost more than rendering the page.)
fn reset(context: &mut tera::Context) {
    for key in PAGE_KEYS {
        context.remove(key);
    }
}

/// Renders one generated page; `context` holds the shared variables and is reused.
/// `summary_keys` are the keys of every post's listing view (see [`summary_keys`]); they stand
/// for the posts a page lists in its key, so that key is known without building the page's
/// views.
pub fn render_job(
    ctx: &RenderContext<'_>,
    context: &mut tera::Context,
    digests: &[Arc<Digest>],
    summary_keys: &[Key],
    job: &Job,
) -> Result<Output, Diagnostic> {
    let path = job_path(ctx.site, job);
    let output = output_file(&path);
    let key = || {
        let views = listing_views(ctx, job, &path, &|id| summary_keys[id]);
        view_key(ctx.keys.base, views.template, &output, &views.parts())
    };
    if ctx.keep(&output, key) {
        return Ok(Output::kept(output));
    }
    let views = listing_views(ctx, job, &path, &|id| {
        PostSummary::new(ctx.site, digests, id)
    });
    reset(context);
    context.insert("page", &views.page);
    if let Some(paginator) = &views.paginator {
        context.insert("paginator", paginator);
    }
    if let Some(term) = &views.term {
        context.insert("term", term);
    }
    if let Some(archive) = &views.archive {
        context.insert("archive", archive);
    }
    let html = ctx
        .theme
        .render(views.template, context, None, ctx.display_root)?;
    Ok(Output::bytes(output, html))
}

/// The key of every post's view on listing pages, by post id; empty without a memo, which
/// is all they are for. Hashed once per post, not once per page that lists it.
pub fn summary_keys(ctx: &RenderContext<'_>, digests: &[Arc<Digest>]) -> Vec<Key> {
    if ctx.recorder.is_none() {
        return Vec::new();
    }
    (0..ctx.site.posts.len())
        .into_par_iter()
        .map(|id| json_key(&PostSummary::new(ctx.site, digests, id)))
        .collect()
}

/// The variables of one generated page, before they go into a template context; the
/// paginator's items are `Item`s (post summaries to render, or their keys to hash).
struct ListingViews<'a, Item> {
    template: &'static str,
    page: ListPage,
    paginator: Option<PaginatorView<Item>>,
    term: Option<TermPage<'a>>,
    archive: Option<ArchiveView<'a>>,
}

impl<Item: Serialize> ListingViews<'_, Item> {
    /// The variables by name, for the page's key.
    fn parts(&self) -> [(&str, &dyn ErasedView); 4] {
        [
            ("page", &self.page),
            ("paginator", &self.paginator),
            ("term", &self.term),
            ("archive", &self.archive),
        ]
    }
}

fn listing_views<'a, Item>(
    ctx: &RenderContext<'a>,
    job: &Job,
    path: &str,
    item: &dyn Fn(usize) -> Item,
) -> ListingViews<'a, Item> {
    let site = ctx.site;
    let config = ctx.config;
    let (mut paginator_view, mut term, mut archive) = (None, None, None);
    let (template, kind, title) = match job {
        Job::Index(pager) => {
            paginator_view = Some(paginator(ctx, job_posts(site, job), pager, "/", item));
            let title = if pager.number > 1 {
                format!("第 {} 页", pager.number)
            } else {
                String::new()
            };
            ("index.html", "index", title)
        }
        Job::Tags => ("tags.html", "tags", "标签".to_string()),
        Job::Tag(id, pager) => {
            let tag = &site.tags[*id];
            let ids = job_posts(site, job);
            paginator_view = Some(paginator(ctx, ids, pager, &tag.path, item));
            term = Some(term_page(site, *id, false));
            ("tag.html", "tag", format!("标签：{}", tag.name))
        }
        Job::Categories => ("categories.html", "categories", "分类".to_string()),
        Job::Category(id, pager) => {
            let category = &site.categories[*id];
            let ids = job_posts(site, job);
            paginator_view = Some(paginator(ctx, ids, pager, &category.path, item));
            term = Some(term_page(site, *id, true));
            (
                "category.html",
                "category",
                format!("分类：{}", category.name),
            )
        }
        Job::Archive(scope) => {
            let view = archive_view(ctx, *scope);
            let title = view.title.clone();
            archive = Some(view);
            ("archive.html", "archive", title)
        }
        Job::Search => ("search.html", "search", "搜索".to_string()),
        Job::NotFound => ("404.html", "404", "页面不存在".to_string()),
    };
    let url = config.rooted(path);
    ListingViews {
        template,
        page: ListPage {
            kind,
            title,
            permalink: config.permalink(&url),
            url,
            description: config.description.clone(),
        },
        paginator: paginator_view,
        term,
        archive,
    }
}

fn paginator<Item>(
    ctx: &RenderContext<'_>,
    ids: &[usize],
    pager: &Pager,
    base: &str,
    item: &dyn Fn(usize) -> Item,
) -> PaginatorView<Item> {
    let config = ctx.config;
    let url_of = |n: usize| config.rooted(&pager_path(base, n));
    PaginatorView {
        items: ids.iter().map(|&id| item(id)).collect(),
        current: pager.number,
        total_pages: pager.total_pages,
        total_items: pager.total_items,
        prev_url: (pager.number > 1).then(|| url_of(pager.number - 1)),
        next_url: (pager.number < pager.total_pages).then(|| url_of(pager.number + 1)),
        pages: page_window(pager.number, pager.total_pages)
            .into_iter()
            .map(|(number, gap_before)| PageLink {
                number,
                url: url_of(number),
                gap_before,
            })
            .collect(),
        base_url: url_of(1),
    }
}

/// How many page numbers to show either side of the current one.
const PAGE_WINDOW: usize = 2;

/// The page numbers a paginator shows — first, last, and the window around `current` — each
/// with whether numbers were skipped before it.
fn page_window(current: usize, total: usize) -> Vec<(usize, bool)> {
    let near = current.saturating_sub(PAGE_WINDOW).max(1)..=(current + PAGE_WINDOW).min(total);
    let mut numbers: Vec<usize> = std::iter::once(1)
        .chain(near)
        .chain(std::iter::once(total))
        .collect();
    numbers.dedup();
    let mut previous = 0;
    numbers
        .into_iter()
        .map(|n| {
            let gap = n > previous + 1;
            previous = n;
            (n, gap)
        })
        .collect()
}

fn term_page(site: &Site, id: usize, is_category: bool) -> TermPage<'_> {
    let terms = if is_category {
        &site.categories
    } else {
        &site.tags
    };
    let term = &terms[id];
    let mut path = Vec::new();
    if is_category {
        let mut current = Some(id);
        while let Some(c) = current {
            path.push(TermRef::new(&site.categories[c]));
            current = site.categories[c].parent;
        }
        path.reverse();
    }
    TermPage {
        name: &term.name,
        slug: &term.slug,
        url: &term.url,
        count: term.posts.len(),
        path,
        children: term
            .children
            .iter()
            .map(|&c| CategoryNode::new(site, c))
            .collect(),
    }
}

fn archive_view<'a>(
    ctx: &RenderContext<'a>,
    scope: Option<(usize, Option<usize>)>,
) -> ArchiveView<'a> {
    let site = ctx.site;
    let month_view = |m: &'a crate::model::MonthArchive| ArchiveMonth {
        month: m.month,
        url: &m.url,
        count: m.posts.len(),
        posts: m
            .posts
            .iter()
            .map(|&id| PostRef::new(&site.posts[id]))
            .collect(),
    };
    let year_view = |y: usize, month: Option<usize>| {
        let year = &site.archives[y];
        let months: Vec<ArchiveMonth<'a>> = match month {
            Some(m) => vec![month_view(&year.months[m])],
            None => year.months.iter().map(month_view).collect(),
        };
        ArchiveYear {
            year: year.year,
            url: &year.url,
            count: months.iter().map(|m| m.count).sum(),
            months,
        }
    };
    match scope {
        None => ArchiveView {
            title: "归档".to_string(),
            years: (0..site.archives.len())
                .map(|y| year_view(y, None))
                .collect(),
        },
        Some((y, None)) => ArchiveView {
            title: format!("{} 年", site.archives[y].year),
            years: vec![year_view(y, None)],
        },
        Some((y, Some(m))) => ArchiveView {
            title: format!(
                "{} 年 {} 月",
                site.archives[y].year, site.archives[y].months[m].month
            ),
            years: vec![year_view(y, Some(m))],
        },
    }
}

/// `page` for a post or standalone page.
pub fn entry_page<'a>(
    ctx: &RenderContext<'a>,
    entry: &'a crate::model::Entry,
    is_post: bool,
    content: &'a str,
    toc: &'a [crate::render::markdown::TocEntry],
    word_count: usize,
    reading_minutes: usize,
) -> EntryPage<'a> {
    let config = ctx.config;
    let site = ctx.site;
    let front = &entry.doc.front;
    let neighbour = |id: Option<usize>| id.map(|i| PostRef::new(&site.posts[i]));
    EntryPage {
        kind: if is_post { "post" } else { "page" },
        title: &front.title,
        url: &entry.url,
        permalink: config.permalink(&entry.url),
        description: front.description.as_deref().unwrap_or(""),
        date: &entry.dates.date,
        date_display: &entry.dates.date_display,
        updated: &entry.dates.updated,
        updated_display: &entry.dates.updated_display,
        tags: tag_refs(site, entry),
        categories: category_refs(site, entry),
        content,
        toc,
        toc_enabled: front.toc,
        word_count,
        reading_minutes,
        cover: front.cover.as_deref().unwrap_or(""),
        extra: &front.extra,
        prev: if is_post { neighbour(entry.prev) } else { None },
        next: if is_post { neighbour(entry.next) } else { None },
        pinned: front.top > 0,
    }
}

/// The key a post or page is rendered from: its Markdown's key stands for the body, so the
/// key is known without rendering the Markdown.
pub fn entry_page_key(
    ctx: &RenderContext<'_>,
    entry: &crate::model::Entry,
    is_post: bool,
    markdown_key: crate::render::cache::Key,
    toc: &[crate::render::markdown::TocEntry],
    word_count: usize,
    template: &str,
) -> crate::render::cache::Key {
    let minutes = crate::render::reading_minutes(ctx, word_count);
    let page = entry_page(ctx, entry, is_post, "", toc, word_count, minutes);
    let markdown = format!("{markdown_key:032x}");
    let parts: [(&str, &dyn ErasedView); 2] = [("page", &page), ("markdown", &markdown)];
    view_key(ctx.keys.base, template, &entry.output, &parts)
}

/// Renders a post or page template for `entry`; `context` holds the shared variables and is
/// reused.
pub fn render_entry_page(
    ctx: &RenderContext<'_>,
    context: &mut tera::Context,
    page: &impl Serialize,
    template: &str,
    output: &str,
    source: &Path,
) -> Result<Output, Diagnostic> {
    reset(context);
    context.insert("page", page);
    let html = ctx
        .theme
        .render(template, context, Some(source), ctx.display_root)?;
    Ok(Output::bytes(output.to_string(), html))
}

#[cfg(test)]
mod tests {
    use super::page_window;

    #[test]
    fn paginators_show_a_window_not_every_page() {
        let numbers = |c, t| {
            page_window(c, t)
                .into_iter()
                .map(|(n, _)| n)
                .collect::<Vec<_>>()
        };
        assert_eq!(numbers(1, 1), [1]);
        assert_eq!(numbers(1, 3), [1, 2, 3]);
        assert_eq!(numbers(50, 1000), [1, 48, 49, 50, 51, 52, 1000]);
        assert_eq!(numbers(1000, 1000), [1, 998, 999, 1000]);
        let gaps: Vec<bool> = page_window(50, 1000).into_iter().map(|(_, g)| g).collect();
        assert_eq!(gaps, [false, true, false, false, false, false, true]);
    }
}
