//! `config.yaml`: read raw, then checked into a [`Config`] with every default applied.
//!
//! Keys are named as Hexo names them. An unknown key is an error with a "did you mean" hint,
//! except under `extra`, which is free for templates.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Diagnostic, Error, Result};
use crate::render::markdown::HighlightOptions;

/// The file name of a site's configuration.
pub const CONFIG_FILE: &str = "config.yaml";

/// Every key `config.yaml` accepts at its top level.
const KNOWN_KEYS: &[&str] = &[
    "title",
    "subtitle",
    "description",
    "author",
    "language",
    "timezone",
    "url",
    "root",
    "permalink",
    "per_page",
    "date_format",
    "tag_map",
    "category_map",
    "highlight",
    "feed",
    "search",
    "reading_speed",
    "excerpt_length",
    "typography",
    "cname",
    "extra",
];

/// `config.yaml` as written; every field optional.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    subtitle: Option<String>,
    description: Option<String>,
    author: Option<String>,
    language: Option<String>,
    timezone: Option<String>,
    url: Option<String>,
    root: Option<String>,
    permalink: Option<String>,
    per_page: Option<usize>,
    date_format: Option<String>,
    tag_map: BTreeMap<String, String>,
    category_map: BTreeMap<String, String>,
    highlight: Option<HighlightOptions>,
    feed: Option<FeedOptions>,
    search: Option<bool>,
    reading_speed: Option<usize>,
    excerpt_length: Option<usize>,
    typography: Option<Typography>,
    cname: Option<String>,
    extra: serde_yaml::Mapping,
}

/// The checked site configuration; templates see it as `config`.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    /// Site title.
    pub title: String,
    /// Subtitle shown under the title.
    pub subtitle: String,
    /// Site description (meta description, feeds).
    pub description: String,
    /// Default author of every post.
    pub author: String,
    /// `lang` of every page, default `zh-CN`.
    pub language: String,
    /// IANA time zone for dates written without an offset, default `Asia/Shanghai`.
    pub timezone: String,
    /// The site's base URL without a trailing slash, e.g. `https://user.github.io/repo`.
    pub url: String,
    /// The path prefix every internal link carries, with slashes on both ends: `/` or `/repo/`.
    pub root: String,
    /// Post URL pattern, default `/posts/:slug/`.
    pub permalink: String,
    /// Posts per index, tag and category page.
    pub per_page: usize,
    /// strftime-style format for displayed dates, default `%Y-%m-%d`.
    pub date_format: String,
    /// Tag name → chosen slug.
    pub tag_map: BTreeMap<String, String>,
    /// Category name → chosen slug.
    pub category_map: BTreeMap<String, String>,
    /// Code highlighting themes.
    pub highlight: HighlightOptions,
    /// Atom and RSS feed settings.
    pub feed: FeedOptions,
    /// Write `search-index.json` and the search page.
    pub search: bool,
    /// Words (CJK characters) read per minute, for `reading_minutes`.
    pub reading_speed: usize,
    /// Target length in characters of automatic excerpts.
    pub excerpt_length: usize,
    /// Build-time typography fixes.
    pub typography: Typography,
    /// Custom domain written to `CNAME`, if any.
    pub cname: Option<String>,
    /// Free map for templates.
    pub extra: serde_json::Value,
    /// The time zone parsed from `timezone`.
    #[serde(skip)]
    pub tz: jiff::tz::TimeZone,
}

/// `feed:` settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FeedOptions {
    /// How many newest posts the feeds carry.
    pub limit: usize,
    /// Whether entries carry the full post or only its summary.
    pub content: FeedContent,
}

impl Default for FeedOptions {
    fn default() -> Self {
        FeedOptions {
            limit: 20,
            content: FeedContent::Full,
        }
    }
}

/// What a feed entry carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedContent {
    /// The whole post.
    Full,
    /// The summary or excerpt only.
    Summary,
}

/// `typography:` settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Typography {
    /// Insert a space between CJK and Latin text at build time.
    pub autospace: bool,
}

impl Config {
    /// Reads and checks `config.yaml`; a missing file gives the defaults.
    pub fn load(path: &Path) -> Result<Config> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(Error::io(path, e)),
        };
        Config::parse(&text, path).map_err(|d| Error::Site(crate::Diagnostics(d)))
    }

    /// Parses config text; `path` is only used in diagnostics.
    pub fn parse(text: &str, path: &Path) -> std::result::Result<Config, Vec<Diagnostic>> {
        let raw = parse_raw(text, path)?;
        check(raw).map_err(|messages| {
            messages
                .into_iter()
                .map(|m| Diagnostic::new(path, m))
                .collect()
        })
    }

    /// The same configuration served from another base URL (`--base-url`, `serve`): `url`
    /// and `root` both follow it.
    pub fn with_base_url(mut self, base_url: &str) -> Config {
        self.url = base_url.trim_end_matches('/').to_string();
        self.root = normalize_root(None, &self.url);
        self
    }

    /// The full URL of a site path that already carries `root` (e.g. `/repo/posts/a/`).
    pub fn permalink(&self, rooted_path: &str) -> String {
        let origin = origin_of(&self.url);
        format!("{origin}{rooted_path}")
    }

    /// A site path (`/css/style.css`, `/tags/中文/`) as it goes into an `href`: with the root
    /// prefix and percent-encoded (`/repo/tags/%E4%B8%AD%E6%96%87/`). Every internal link goes
    /// through here, so a site served from a sub-path works.
    pub fn rooted(&self, path: &str) -> String {
        let joined = format!("{}{}", self.root, path.trim_start_matches('/'));
        encode_path(&joined)
    }
}

/// Percent-encodes what may not stand raw in a URL path: non-ASCII (Chinese slugs), spaces,
/// quotes and the like. `%` is kept, so an already-encoded path is left as it is (slugs can
/// never contain `%`).
pub fn encode_path(path: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}')
        .add(b'\\')
        .add(b'^')
        .add(b'|');
    percent_encoding::utf8_percent_encode(path, SET).to_string()
}

/// `https://host/repo` → `https://host`.
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => &url[..after_scheme + i],
        None => url,
    }
}

fn parse_raw(text: &str, path: &Path) -> std::result::Result<RawConfig, Vec<Diagnostic>> {
    if text.trim().is_empty() {
        return Ok(RawConfig::default());
    }
    let value: serde_yaml::Value =
        serde_yaml::from_str(text).map_err(|e| vec![yaml_diagnostic(path, &e, 0)])?;
    let unknown = unknown_keys(&value, path);
    if !unknown.is_empty() {
        return Err(unknown);
    }
    serde_yaml::from_value(value).map_err(|e| vec![yaml_diagnostic(path, &e, 0)])
}

/// One diagnostic per top-level key yan does not know, with the closest known key as a hint.
fn unknown_keys(value: &serde_yaml::Value, path: &Path) -> Vec<Diagnostic> {
    let Some(map) = value.as_mapping() else {
        return vec![Diagnostic::new(
            path,
            "config.yaml must be a mapping of keys to values",
        )];
    };
    map.keys()
        .filter_map(|k| k.as_str())
        .filter(|k| !KNOWN_KEYS.contains(k))
        .map(|k| {
            let mut message = format!("unknown config key `{k}`");
            if let Some(hint) = did_you_mean(k, KNOWN_KEYS) {
                message.push_str(&format!(" (did you mean `{hint}`?)"));
            }
            message.push_str("; free-form keys belong under `extra:`");
            Diagnostic::new(path, message)
        })
        .collect()
}

/// The candidate closest to `word`, if any is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(word, c), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A serde_yaml error as a diagnostic at its line and column; `line_offset` shifts the line
/// for YAML embedded in a larger file (front matter).
pub fn yaml_diagnostic(path: &Path, error: &serde_yaml::Error, line_offset: usize) -> Diagnostic {
    let message = strip_yaml_location(&error.to_string());
    let diagnostic = Diagnostic::new(path, message);
    match error.location() {
        Some(loc) => diagnostic.at(loc.line() + line_offset, loc.column()),
        None => diagnostic,
    }
}

/// serde_yaml appends "at line L column C" to its messages; yan prints the position up front.
fn strip_yaml_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn check(raw: RawConfig) -> std::result::Result<Config, Vec<String>> {
    let mut problems = Vec::new();
    let timezone = raw.timezone.unwrap_or_else(|| "Asia/Shanghai".to_string());
    let tz = jiff::tz::TimeZone::get(&timezone).unwrap_or_else(|_| {
        problems.push(format!(
            "unknown timezone `{timezone}`; use an IANA name such as Asia/Shanghai"
        ));
        jiff::tz::TimeZone::UTC
    });
    let url = raw
        .url
        .unwrap_or_else(|| "http://localhost".to_string())
        .trim_end_matches('/')
        .to_string();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        problems.push(format!(
            "`url` must start with http:// or https://, got `{url}`"
        ));
    }
    let root = normalize_root(raw.root.as_deref(), &url);
    let per_page = raw.per_page.unwrap_or(10);
    if per_page == 0 {
        problems.push("`per_page` must be at least 1".to_string());
    }
    let permalink = raw.permalink.unwrap_or_else(|| "/posts/:slug/".to_string());
    if let Err(message) = check_permalink_pattern(&permalink) {
        problems.push(message);
    }
    let extra = serde_json::to_value(&raw.extra).unwrap_or(serde_json::Value::Null);
    let config = Config {
        title: raw.title.unwrap_or_else(|| "My Blog".to_string()),
        subtitle: raw.subtitle.unwrap_or_default(),
        description: raw.description.unwrap_or_default(),
        author: raw.author.unwrap_or_default(),
        language: raw.language.unwrap_or_else(|| "zh-CN".to_string()),
        timezone,
        url,
        root,
        permalink,
        per_page: per_page.max(1),
        date_format: raw.date_format.unwrap_or_else(|| "%Y-%m-%d".to_string()),
        tag_map: raw.tag_map,
        category_map: raw.category_map,
        highlight: raw.highlight.unwrap_or_default(),
        feed: raw.feed.unwrap_or_default(),
        search: raw.search.unwrap_or(true),
        reading_speed: raw.reading_speed.unwrap_or(400).max(1),
        excerpt_length: raw.excerpt_length.unwrap_or(200),
        typography: raw.typography.unwrap_or_default(),
        cname: raw.cname.filter(|c| !c.trim().is_empty()),
        extra,
        tz,
    };
    if problems.is_empty() {
        Ok(config)
    } else {
        Err(problems)
    }
}

/// The permalink tokens yan understands.
pub const PERMALINK_TOKENS: &[&str] = &[":year", ":month", ":day", ":slug", ":title", ":category"];

fn check_permalink_pattern(pattern: &str) -> std::result::Result<(), String> {
    if !pattern.contains(":slug") && !pattern.contains(":title") {
        return Err(format!(
            "`permalink` `{pattern}` must contain :slug or :title, or every post gets the same URL"
        ));
    }
    let mut rest = pattern;
    while let Some(i) = rest.find(':') {
        let token_end = rest[i + 1..]
            .find(|c: char| !c.is_ascii_alphabetic())
            .map_or(rest.len(), |e| i + 1 + e);
        let token = &rest[i..token_end];
        if !PERMALINK_TOKENS.contains(&token) {
            return Err(format!(
                "unknown token `{token}` in `permalink`; known tokens: {}",
                PERMALINK_TOKENS.join(" ")
            ));
        }
        rest = &rest[token_end..];
    }
    Ok(())
}

/// `root` from config, else the path part of `url`; always `/`-delimited on both ends.
fn normalize_root(root: Option<&str>, url: &str) -> String {
    let from_url = || {
        let after_scheme = url.find("://").map_or(0, |i| i + 3);
        url[after_scheme..]
            .find('/')
            .map_or("", |i| &url[after_scheme + i..])
            .to_string()
    };
    let root = root.map_or_else(from_url, str::to_string);
    let trimmed = root.trim_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else {
        format!("/{trimmed}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> std::result::Result<Config, Vec<Diagnostic>> {
        Config::parse(text, Path::new("config.yaml"))
    }

    #[test]
    fn defaults_apply_to_an_empty_file() {
        let config = parse("").unwrap();
        assert_eq!(config.language, "zh-CN");
        assert_eq!(config.timezone, "Asia/Shanghai");
        assert_eq!(config.root, "/");
        assert_eq!(config.permalink, "/posts/:slug/");
        assert_eq!(config.per_page, 10);
    }

    #[test]
    fn root_comes_from_the_url_path() {
        let config = parse("url: https://user.github.io/repo/").unwrap();
        assert_eq!(config.url, "https://user.github.io/repo");
        assert_eq!(config.root, "/repo/");
        assert_eq!(
            config.permalink(&config.rooted("/posts/a/")),
            "https://user.github.io/repo/posts/a/"
        );
    }

    #[test]
    fn unknown_key_suggests_the_closest() {
        let errors = parse("titel: x\nper_pag: 3\n").unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(
            errors[0].message.contains("did you mean `title`"),
            "{}",
            errors[0]
        );
        assert!(
            errors[1].message.contains("did you mean `per_page`"),
            "{}",
            errors[1]
        );
    }

    #[test]
    fn broken_yaml_names_the_line() {
        let errors = parse("title: a\nurl: [unclosed\n").unwrap_err();
        assert_eq!(errors[0].line, Some(3));
    }

    #[test]
    fn bad_timezone_and_permalink_are_reported_together() {
        let errors = parse("timezone: Mars/Olympus\npermalink: /:year/:foo/\n").unwrap_err();
        assert_eq!(errors.len(), 2);
    }
}
