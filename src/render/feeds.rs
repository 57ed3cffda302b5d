//! Atom and RSS feeds, the sitemap, robots.txt and the search index: generated in code, not by
//! user templates, so they are always well-formed.

use std::fmt::Write;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{Config, FeedContent};
use crate::model::Site;
use crate::model::rfc3339;
use crate::render::theme::escape_html as escape;
use crate::render::views::Digest;

/// An absolute URL as it goes into XML; `rooted` is already percent-encoded.
fn absolute(config: &Config, rooted: &str) -> String {
    escape(&config.permalink(rooted))
}

/// The posts a feed carries: the newest `feed.limit`.
pub fn feed_posts(site: &Site, config: &Config) -> std::ops::Range<usize> {
    0..site.posts.len().min(config.feed.limit)
}

fn entry_body<'a>(digest: &'a Digest, config: &Config) -> &'a str {
    match (config.feed.content, &digest.feed_html) {
        (FeedContent::Full, Some(html)) => html,
        _ => &digest.summary,
    }
}

/// `atom.xml`.
pub fn atom(site: &Site, digests: &[Arc<Digest>], config: &Config) -> String {
    let mut xml = String::with_capacity(64 * 1024);
    let updated = site
        .posts
        .iter()
        .filter_map(|p| p.doc.front.updated.as_ref().or(p.date.as_ref()))
        .max_by_key(|d| d.timestamp())
        .map(rfc3339)
        .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".to_string());
    let home = absolute(config, &config.root);
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n<title>{title}</title>\n<subtitle>{subtitle}</subtitle>\n<link href=\"{feed}\" rel=\"self\"/>\n<link href=\"{home}\"/>\n<id>{home}</id>\n<updated>{updated}</updated>\n<author><name>{author}</name></author>\n<generator uri=\"https://github.com/\">yan</generator>\n",
        lang = escape(&config.language),
        title = escape(&config.title),
        subtitle = escape(&config.subtitle),
        feed = absolute(config, &config.rooted("/atom.xml")),
        author = escape(&config.author),
    );
    for id in feed_posts(site, config) {
        let post = &site.posts[id];
        let url = absolute(config, &post.url);
        let published = &post.dates.date;
        let updated = match post.dates.updated.as_str() {
            "" => published,
            updated => updated,
        };
        let _ = write!(
            xml,
            "<entry>\n<title>{title}</title>\n<link href=\"{url}\"/>\n<id>{url}</id>\n<published>{published}</published>\n<updated>{updated}</updated>\n",
            title = escape(&post.doc.front.title),
        );
        for &tag in &post.tags {
            let _ = writeln!(xml, "<category term=\"{}\"/>", escape(&site.tags[tag].name));
        }
        if let Some(description) = &post.doc.front.description {
            let _ = writeln!(xml, "<summary>{}</summary>", escape(description));
        }
        let _ = write!(
            xml,
            "<content type=\"html\">{}</content>\n</entry>\n",
            escape(entry_body(&digests[id], config))
        );
    }
    xml.push_str("</feed>\n");
    xml
}

/// `rss.xml` (RSS 2.0).
pub fn rss(site: &Site, digests: &[Arc<Digest>], config: &Config) -> String {
    let mut xml = String::with_capacity(64 * 1024);
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n<title>{title}</title>\n<link>{home}</link>\n<description>{description}</description>\n<language>{lang}</language>\n<atom:link href=\"{feed}\" rel=\"self\" type=\"application/rss+xml\"/>\n<generator>yan</generator>\n",
        title = escape(&config.title),
        home = absolute(config, &config.root),
        description = escape(&config.description),
        lang = escape(&config.language),
        feed = absolute(config, &config.rooted("/rss.xml")),
    );
    for id in feed_posts(site, config) {
        let post = &site.posts[id];
        let url = absolute(config, &post.url);
        let date = post
            .date
            .as_ref()
            .map(|d| d.strftime("%a, %d %b %Y %H:%M:%S %z").to_string())
            .unwrap_or_default();
        let _ = write!(
            xml,
            "<item>\n<title>{title}</title>\n<link>{url}</link>\n<guid isPermaLink=\"true\">{url}</guid>\n<pubDate>{date}</pubDate>\n",
            title = escape(&post.doc.front.title),
        );
        for &tag in &post.tags {
            let _ = writeln!(xml, "<category>{}</category>", escape(&site.tags[tag].name));
        }
        let _ = write!(
            xml,
            "<description>{}</description>\n</item>\n",
            escape(entry_body(&digests[id], config))
        );
    }
    xml.push_str("</channel>\n</rss>\n");
    xml
}

/// `sitemap.xml`: every post, page and listing page URL (`urls` are rooted paths).
pub fn sitemap(site: &Site, listing_urls: &[String], config: &Config) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for entry in site.posts.iter().chain(&site.pages) {
        let _ = write!(xml, "<url><loc>{}</loc>", absolute(config, &entry.url));
        if let Some(date) = entry.doc.front.updated.as_ref().or(entry.date.as_ref()) {
            let _ = write!(xml, "<lastmod>{}</lastmod>", rfc3339(date));
        }
        xml.push_str("</url>\n");
    }
    for url in listing_urls {
        let _ = writeln!(xml, "<url><loc>{}</loc></url>", absolute(config, url));
    }
    xml.push_str("</urlset>\n");
    xml
}

/// `robots.txt`: allow everything, point at the sitemap.
pub fn robots(config: &Config) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        config.permalink(&config.rooted("/sitemap.xml"))
    )
}

/// One post in `search-index.json`.
#[derive(Serialize, Hash)]
pub struct SearchEntry<'a> {
    title: &'a str,
    url: &'a str,
    date: &'a str,
    tags: Vec<&'a str>,
    categories: Vec<&'a str>,
    text: &'a str,
}

/// The entries of `search-index.json`: title, URL, date, tags, categories and the opening
/// text of each post.
pub fn search_entries<'a>(site: &'a Site, digests: &'a [Arc<Digest>]) -> Vec<SearchEntry<'a>> {
    site.posts
        .iter()
        .zip(digests)
        .map(|(post, digest)| SearchEntry {
            title: &post.doc.front.title,
            url: &post.url,
            date: &post.dates.date_display,
            tags: post
                .tags
                .iter()
                .map(|&t| site.tags[t].name.as_str())
                .collect(),
            categories: post
                .categories
                .iter()
                .flatten()
                .map(|&c| site.categories[c].name.as_str())
                .collect(),
            text: &digest.search_text,
        })
        .collect()
}

/// `search-index.json`: the entries as a JSON array, each written on its own thread (10,000
/// posts make 10 MB of JSON).
pub fn search_index(entries: &[SearchEntry<'_>]) -> String {
    let items: Vec<String> = entries
        .par_iter()
        .map(|entry| serde_json::to_string(entry).expect("search entries serialize"))
        .collect();
    let mut json = String::with_capacity(items.iter().map(|i| i.len() + 1).sum::<usize>() + 1);
    json.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(item);
    }
    json.push(']');
    json
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_index_is_one_json_array() {
        let entry = |title, text| SearchEntry {
            title,
            url: "/posts/a/",
            date: "2024-01-01",
            tags: vec!["中文", "a \"quoted\" tag"],
            categories: vec![],
            text,
        };
        let entries = [entry("你好", "正文\n第二行"), entry("Two", "")];
        let json = search_index(&entries);
        assert_eq!(json, serde_json::to_string(&entries).unwrap());
        assert_eq!(search_index(&[]), "[]");
    }
}
