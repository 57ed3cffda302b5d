//! `yan check`: every broken internal link, missing image and dangling `#anchor` of a site.
//!
//! The site is built in memory, then checked two ways: the links each post's Markdown makes
//! (reported with the source file and line), and every `href`/`src` of every generated page
//! (the links templates make: tags, pagination, assets). Anchors are checked against the ids
//! the target page really has, Chinese ids included.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rayon::prelude::*;

use crate::error::{Diagnostic, Result};
use crate::render::PageFacts;
use crate::render::markdown::LinkKind;
use crate::{BuildOptions, build_in_memory};

/// What a check found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Every problem, sorted by file and line.
    pub problems: Vec<Diagnostic>,
    /// HTML pages checked.
    pub pages: usize,
    /// Links and images checked.
    pub links: usize,
}

/// Builds the site in memory and checks its links; `external` also fetches http(s) links.
pub fn check(options: &BuildOptions, external: bool) -> Result<CheckReport> {
    let (prepared, rendered, files) = build_in_memory(options)?;
    let site = SiteIndex::new(&files, &prepared.config.root);
    let mut report = CheckReport {
        pages: site.ids.len(),
        ..Default::default()
    };
    let mut covered: HashSet<String> = HashSet::new();
    for facts in &rendered.facts {
        report.links += facts.links.len();
        report
            .problems
            .extend(check_markdown_links(&site, facts, &mut covered));
    }
    for (output, html) in &site.pages {
        let page_url = site.url_of(output);
        for href in attribute_values(html, &["href", "src"]) {
            if covered.contains(&decoded(&href)) || is_external(&href) {
                continue;
            }
            report.links += 1;
            if let Some(problem) = site.resolve(&page_url, &href) {
                let shown = PathBuf::from("public").join(output);
                report
                    .problems
                    .push(Diagnostic::new(shown, format!("{problem}: {href}")));
            }
        }
    }
    if external {
        report.problems.extend(check_external(&rendered.facts));
    }
    report
        .problems
        .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    report.problems.dedup();
    Ok(report)
}

/// The built pages, their ids, and how URLs map to them.
struct SiteIndex<'a> {
    root: &'a str,
    files: &'a HashMap<String, Vec<u8>>,
    /// HTML pages by output path.
    pages: Vec<(&'a String, &'a str)>,
    /// Ids of each HTML page, by output path.
    ids: HashMap<&'a str, HashSet<String>>,
}

impl<'a> SiteIndex<'a> {
    fn new(files: &'a HashMap<String, Vec<u8>>, root: &'a str) -> Self {
        let mut pages: Vec<(&String, &str)> = files
            .iter()
            .filter(|(path, _)| path.ends_with(".html"))
            .filter_map(|(path, bytes)| Some((path, std::str::from_utf8(bytes).ok()?)))
            .collect();
        pages.sort();
        let ids = pages
            .iter()
            .map(|(path, html)| {
                (
                    path.as_str(),
                    attribute_values(html, &["id"]).into_iter().collect(),
                )
            })
            .collect();
        SiteIndex {
            root,
            files,
            pages,
            ids,
        }
    }

    /// The rooted URL of an output file: `posts/a/index.html` → `/root/posts/a/`.
    fn url_of(&self, output: &str) -> String {
        let path = output.strip_suffix("index.html").unwrap_or(output);
        crate::config::encode_path(&format!("{}{}", self.root, path))
    }

    /// `None` when `href` (found on the page at `page_url`) resolves, else what is wrong.
    fn resolve(&self, page_url: &str, href: &str) -> Option<&'static str> {
        let (path, fragment) = href.split_once('#').unwrap_or((href, ""));
        let path = path.split('?').next().unwrap_or(path);
        let target = if path.is_empty() {
            page_url.to_string()
        } else if path.starts_with('/') {
            path.to_string()
        } else {
            join_url(page_url, path)
        };
        let decoded = percent_encoding::percent_decode_str(&target).decode_utf8_lossy();
        let Some(inside) = decoded.strip_prefix(self.root) else {
            return Some("link outside the site");
        };
        let output = if inside.is_empty() || inside.ends_with('/') {
            format!("{inside}index.html")
        } else {
            inside.to_string()
        };
        if !self.files.contains_key(&output) {
            let redirects_to_dir = self.files.contains_key(&format!("{output}/index.html"));
            return (!redirects_to_dir).then_some(if is_image(&output) {
                "missing image"
            } else {
                "broken link"
            });
        }
        if fragment.is_empty() {
            return None;
        }
        let id = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
        let has = self
            .ids
            .get(output.as_str())
            .is_some_and(|ids| ids.contains(id.as_ref()));
        (!has).then_some("missing anchor")
    }
}

/// The problems of one post's own links, with file and line; remembers the hrefs it covered
/// (also as they appear in summaries on listing pages) so the HTML pass does not report the
/// same problem again.
fn check_markdown_links(
    site: &SiteIndex<'_>,
    facts: &PageFacts,
    covered: &mut HashSet<String>,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for link in &facts.links {
        covered.insert(decoded(&link.href));
        if link.kind == LinkKind::Anchor {
            covered.insert(decoded(&format!("{}{}", facts.url, link.href)));
        }
        let problem = match link.kind {
            LinkKind::External => None,
            LinkKind::Unresolved if link.is_image => Some("missing image"),
            LinkKind::Unresolved => Some("broken link"),
            LinkKind::Anchor | LinkKind::Resolved | LinkKind::Absolute => {
                site.resolve(&facts.url, &link.href)
            }
        };
        if let Some(problem) = problem {
            let message = format!("{problem}: {}", link.target);
            problems.push(Diagnostic::new(&facts.source, message).at_line(link.line));
        }
    }
    problems
}

/// An href percent-decoded, so the raw and the encoded spelling of one link compare equal.
fn decoded(href: &str) -> String {
    percent_encoding::percent_decode_str(href)
        .decode_utf8_lossy()
        .into_owned()
}

fn is_external(href: &str) -> bool {
    href.starts_with("//")
        || href.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && !scheme.contains('/')
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        })
}

fn is_image(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [
        ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".ico",
    ]
    .iter()
    .any(|ext| lower.ends_with(ext))
}

/// A relative URL path joined to the folder of `base` (`/a/b/` + `../c/` → `/a/c/`).
fn join_url(base: &str, relative: &str) -> String {
    let mut segments: Vec<&str> = base.split('/').collect();
    segments.pop();
    for part in relative.split('/') {
        match part {
            "." => {}
            ".." => {
                if segments.len() > 1 {
                    segments.pop();
                }
            }
            other => segments.push(other),
        }
    }
    segments.join("/")
}

/// The values of the named attributes in an HTML page (double-quoted, entities decoded).
pub fn attribute_values(html: &str, names: &[&str]) -> Vec<String> {
    let mut values = Vec::new();
    for name in names {
        let needle = format!("{name}=\"");
        let mut rest = html;
        while let Some(at) = rest.find(&needle) {
            let preceded_by_space = at > 0 && rest.as_bytes()[at - 1].is_ascii_whitespace();
            rest = &rest[at + needle.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            if preceded_by_space {
                values.push(decode_entities(&rest[..end]));
            }
            rest = &rest[end..];
        }
    }
    values
}

fn decode_entities(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// How many external links are checked at once, and how long each may take.
const EXTERNAL_CONCURRENCY: usize = 8;
const EXTERNAL_TIMEOUT: Duration = Duration::from_secs(10);

/// Fetches every distinct http(s) link (HEAD, then GET where HEAD is refused); one problem per
/// link that fails, at each place it is used.
fn check_external(facts: &[PageFacts]) -> Vec<Diagnostic> {
    let mut uses: HashMap<&str, Vec<(&Path, usize)>> = HashMap::new();
    for page in facts {
        for link in page.links.iter().filter(|l| l.kind == LinkKind::External) {
            if link.target.starts_with("http://") || link.target.starts_with("https://") {
                uses.entry(&link.target)
                    .or_default()
                    .push((&page.source, link.line));
            }
        }
    }
    let urls: Vec<&str> = uses.keys().copied().collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(EXTERNAL_CONCURRENCY)
        .build()
        .expect("a thread pool");
    let failures: Vec<(&str, String)> = pool.install(|| {
        urls.par_iter()
            .filter_map(|url| fetch_status(url).err().map(|why| (*url, why)))
            .collect()
    });
    failures
        .into_iter()
        .flat_map(|(url, why)| {
            uses[url].iter().map(move |(source, line)| {
                Diagnostic::new(source, format!("broken external link: {url} ({why})"))
                    .at_line(*line)
            })
        })
        .collect()
}

fn fetch_status(url: &str) -> std::result::Result<(), String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(EXTERNAL_TIMEOUT))
        .http_status_as_error(false)
        .build()
        .into();
    let status = match agent.head(url).call() {
        Ok(response) if response.status().as_u16() < 400 => return Ok(()),
        Ok(response) => response.status().as_u16(),
        Err(e) => return Err(e.to_string()),
    };
    if status == 405 || status == 403 || status == 501 {
        return match agent.get(url).call() {
            Ok(response) if response.status().as_u16() < 400 => Ok(()),
            Ok(response) => Err(format!("HTTP {}", response.status().as_u16())),
            Err(e) => Err(e.to_string()),
        };
    }
    Err(format!("HTTP {status}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_and_urls() {
        let html =
            r#"<a href="/a/?x=1&amp;y=2" id="标题"><img src="b.png" alt="x"></a>data-href="no""#;
        assert_eq!(
            attribute_values(html, &["href", "src"]),
            ["/a/?x=1&y=2", "b.png"]
        );
        assert_eq!(attribute_values(html, &["id"]), ["标题"]);
        assert_eq!(join_url("/r/posts/a/", "../b/"), "/r/posts/b/");
        assert_eq!(join_url("/r/posts/a/", "img.png"), "/r/posts/a/img.png");
        assert!(is_external("https://x") && is_external("mailto:a@b") && !is_external("/a:b"));
    }
}
