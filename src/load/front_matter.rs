//! Hexo-style YAML front matter: split it from the body, then check it field by field.
//!
//! Hexo accepts more than strict YAML typing would: `tags` as one string or a list, numbers as
//! tag names, `categories` as a hierarchy or a list of hierarchies, `update` for `updated`,
//! `published: false` for a draft. Every field problem is reported with its line, and all of a
//! file's problems are reported together.

use std::path::Path;
use std::time::SystemTime;

use jiff::ZonedDateTime as Zoned;
use jiff::civil::{Date, DateTime};
use serde_yaml::{Mapping, Value};

use crate::config::{Config, yaml_diagnostic};
use crate::error::Diagnostic;

/// The checked front matter of one Markdown file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    /// The title (required).
    pub title: String,
    /// Publication time in the site's time zone.
    pub date: Option<Zoned>,
    /// Last update time (`updated`, or Hexo's `update`).
    pub updated: Option<Zoned>,
    /// Tag names, in the author's order, without duplicates.
    pub tags: Vec<String>,
    /// Category paths, each from the top category to the leaf.
    pub categories: Categories,
    /// Left out of builds unless `--drafts` (also Hexo's `published: false`).
    pub draft: bool,
    /// URL slug, overriding the file stem.
    pub slug: Option<String>,
    /// Full URL path, overriding the permalink pattern.
    pub permalink: Option<String>,
    /// One-sentence description for meta tags and feeds.
    pub description: Option<String>,
    /// Cover image.
    pub cover: Option<String>,
    /// Show the table of contents (default true).
    pub toc: bool,
    /// Pin weight on the index: 0 is not pinned, larger is higher (`top`/`sticky`).
    pub top: i64,
    /// Every other key, for templates (`page.extra`).
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Category paths: `[A, B]` is one path A > B; `[[A, B], [C]]` is two paths.
pub type Categories = Vec<Vec<String>>;

/// The keys yan reads itself; everything else goes to `extra`.
const KNOWN_KEYS: &[&str] = &[
    "title",
    "date",
    "updated",
    "update",
    "tags",
    "categories",
    "draft",
    "published",
    "slug",
    "permalink",
    "description",
    "cover",
    "toc",
    "top",
    "sticky",
    "layout",
];

/// The result of parsing one file's front matter.
pub(super) struct Parsed {
    pub front: FrontMatter,
    pub body_offset: usize,
    pub body_line: usize,
    pub warning: Option<Diagnostic>,
}

/// Where the YAML and the body are in a file.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML text between the fences.
    pub yaml: &'a str,
    /// 1-based line of the file on which the YAML starts.
    pub yaml_line: usize,
    /// Byte offset of the body.
    pub body_offset: usize,
    /// 1-based line on which the body starts.
    pub body_line: usize,
}

/// Splits `---\nyaml\n---\nbody`; Hexo's form without the opening fence (`title: x\n---\n`) is
/// accepted too. `None` when the file has no front matter.
pub fn split_front_matter(text: &str) -> Option<Split<'_>> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let first_line_end = rest.find('\n').unwrap_or(rest.len());
    let opened = rest[..first_line_end].trim_end() == "---";
    let yaml_start = if opened {
        start + first_line_end + 1
    } else {
        start
    };
    if yaml_start > text.len() {
        return None;
    }
    let (yaml_end, body_offset) = find_closing_fence(text, yaml_start)?;
    let yaml = &text[yaml_start..yaml_end];
    if !opened && !looks_like_yaml_mapping(yaml) {
        return None;
    }
    let yaml_line = if opened { 2 } else { 1 };
    let body_line = 1 + text[..body_offset].matches('\n').count();
    Some(Split {
        yaml,
        yaml_line,
        body_offset,
        body_line,
    })
}

/// The closing `---` (or `...`) line after `from`: the YAML end and the body start.
fn find_closing_fence(text: &str, from: usize) -> Option<(usize, usize)> {
    let mut line_start = from;
    while line_start <= text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let line = text[line_start..line_end].trim_end();
        if line == "---" || line == "..." {
            return Some((line_start, (line_end + 1).min(text.len())));
        }
        if line_end == text.len() {
            return None;
        }
        line_start = line_end + 1;
    }
    None
}

/// Hexo's fence-less front matter must at least start with a `key:` line.
fn looks_like_yaml_mapping(yaml: &str) -> bool {
    let first = yaml.lines().next().unwrap_or("");
    first
        .split_once(':')
        .is_some_and(|(key, _)| !key.is_empty() && !key.contains(' ') && !key.starts_with('#'))
}

/// Parses and checks a file's front matter; `shown` names it in messages, `relative` is its path
/// under `content/` (for the date in a file name).
pub(super) fn parse(
    text: &str,
    shown: &Path,
    relative: &Path,
    modified: impl FnOnce() -> Option<SystemTime>,
    is_post: bool,
    config: &Config,
) -> Result<Parsed, Vec<Diagnostic>> {
    let split = split_front_matter(text).ok_or_else(|| {
        vec![
            Diagnostic::new(
                shown,
                "no front matter: start the file with a `---` line, `title: …`, and a closing `---`",
            )
            .at(1, 1),
        ]
    })?;
    let value: Value = serde_yaml::from_str(split.yaml)
        .map_err(|e| vec![yaml_diagnostic(shown, &e, split.yaml_line - 1)])?;
    let map = match value {
        Value::Mapping(map) => map,
        Value::Null => Mapping::new(),
        _ => {
            return Err(vec![
                Diagnostic::new(shown, "front matter must be a mapping of keys to values")
                    .at_line(split.yaml_line),
            ]);
        }
    };
    let mut fields = Fields {
        map: &map,
        yaml: split.yaml,
        yaml_line: split.yaml_line,
        shown,
        errors: Vec::new(),
    };
    let mut front = fields.front_matter(config);
    let mut warning = None;
    if is_post && front.date.is_none() && fields.errors.is_empty() {
        let (date, why) = fallback_date(relative, modified, config);
        front.date = date;
        warning = Some(Diagnostic::new(shown, why));
    }
    if fields.errors.is_empty() {
        Ok(Parsed {
            front,
            body_offset: split.body_offset,
            body_line: split.body_line,
            warning,
        })
    } else {
        Err(fields.errors)
    }
}

/// Reads typed fields out of the YAML mapping, collecting every problem with its line.
struct Fields<'a> {
    map: &'a Mapping,
    yaml: &'a str,
    yaml_line: usize,
    shown: &'a Path,
    errors: Vec<Diagnostic>,
}

impl Fields<'_> {
    fn front_matter(&mut self, config: &Config) -> FrontMatter {
        let title = self.string("title").unwrap_or_default();
        if title.trim().is_empty() {
            let line = self.line_of("title").unwrap_or(self.yaml_line);
            self.error(line, "missing `title`: every post and page needs one");
        }
        FrontMatter {
            title,
            date: self.date("date", config),
            updated: self
                .date("updated", config)
                .or_else(|| self.date("update", config)),
            tags: self.tags(),
            categories: self.categories(),
            draft: self.bool("draft").unwrap_or(false) || self.bool("published") == Some(false),
            slug: self.string("slug").filter(|s| !s.trim().is_empty()),
            permalink: self.string("permalink").filter(|s| !s.trim().is_empty()),
            description: self.string("description"),
            cover: self.string("cover"),
            toc: self.bool("toc").unwrap_or(true),
            top: self.top(),
            extra: self.extra(),
        }
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// 1-based file line of a top-level `key:`; serde_yaml's values carry no positions.
    fn line_of(&self, key: &str) -> Option<usize> {
        self.yaml
            .lines()
            .position(|line| {
                line.strip_prefix(key)
                    .is_some_and(|rest| rest.trim_start().starts_with(':'))
            })
            .map(|i| self.yaml_line + i)
    }

    fn error(&mut self, line: usize, message: impl Into<String>) {
        self.errors
            .push(Diagnostic::new(self.shown, message).at_line(line));
    }

    fn field_error(&mut self, key: &str, message: String) {
        let line = self.line_of(key).unwrap_or(self.yaml_line);
        self.error(line, message);
    }

    fn string(&mut self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => {
                self.field_error(key, format!("`{key}` must be text"));
                None
            }
        }
    }

    fn bool(&mut self, key: &str) -> Option<bool> {
        match self.get(key)? {
            Value::Bool(b) => Some(*b),
            _ => {
                self.field_error(key, format!("`{key}` must be true or false"));
                None
            }
        }
    }

    fn date(&mut self, key: &str, config: &Config) -> Option<Zoned> {
        let text = self.string(key)?;
        match parse_date(&text, &config.tz) {
            Ok(date) => Some(date),
            Err(why) => {
                self.field_error(
                    key,
                    format!(
                        "`{key}: {text}` is not a date ({why}); write `2023-11-11 17:33:32`, `2023-11-11` or `2023-11-11T17:33:32+08:00`"
                    ),
                );
                None
            }
        }
    }

    fn tags(&mut self) -> Vec<String> {
        let mut tags: Vec<String> = Vec::new();
        match self.get("tags") {
            None => {}
            Some(Value::Sequence(items)) => {
                for item in items {
                    match scalar_text(item) {
                        Some(tag) => tags.push(tag),
                        None => {
                            self.field_error("tags", "every tag must be text".to_string());
                            break;
                        }
                    }
                }
            }
            Some(value) => match scalar_text(value) {
                Some(tag) => tags.push(tag),
                None => self.field_error("tags", "`tags` must be text or a list".to_string()),
            },
        }
        dedup_names(tags)
    }

    /// Hexo: plain names form one path; each nested list is a path of its own.
    fn categories(&mut self) -> Categories {
        let mut paths = Vec::new();
        let mut main_path = Vec::new();
        let items = match self.get("categories") {
            None => return paths,
            Some(Value::Sequence(items)) => items.clone(),
            Some(value) => vec![value.clone()],
        };
        for item in &items {
            if let Value::Sequence(path) = item {
                match path.iter().map(scalar_text).collect::<Option<Vec<_>>>() {
                    Some(path) => paths.push(dedup_names(path)),
                    None => self.field_error(
                        "categories",
                        "a category path must be a list of names".to_string(),
                    ),
                }
            } else if let Some(name) = scalar_text(item) {
                main_path.push(name);
            } else {
                self.field_error("categories", "a category must be text".to_string());
            }
        }
        if !main_path.is_empty() {
            paths.insert(0, dedup_names(main_path));
        }
        paths.retain(|p| !p.is_empty());
        paths.dedup();
        paths
    }

    fn top(&mut self) -> i64 {
        let key = if self.get("top").is_some() {
            "top"
        } else {
            "sticky"
        };
        match self.get(key) {
            None => 0,
            Some(Value::Bool(b)) => i64::from(*b),
            Some(Value::Number(n)) if n.is_i64() => n.as_i64().unwrap_or(0),
            Some(_) => {
                self.field_error(key, format!("`{key}` must be true, false or a number"));
                0
            }
        }
    }

    fn extra(&self) -> serde_json::Map<String, serde_json::Value> {
        self.map
            .iter()
            .filter_map(|(k, v)| {
                let key = k.as_str()?;
                if KNOWN_KEYS.contains(&key) {
                    return None;
                }
                let value = serde_json::to_value(v).ok()?;
                Some((key.to_string(), value))
            })
            .collect()
    }
}

/// A YAML scalar as a trimmed name; numbers and booleans become their text (Hexo's `tags: 2023`).
fn scalar_text(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    Some(text.trim().to_string())
}

/// Drops empty and repeated names, keeping the first occurrence's order.
fn dedup_names(names: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    names
        .into_iter()
        .filter(|n| !n.is_empty() && seen.insert(n.clone()))
        .collect()
}

/// Parses Hexo's date forms: `2023-11-11 17:33:32`, `2023-11-11 17:33`, `2023-11-11`,
/// `2023/11/11 17:33:32`, and RFC 3339 with an offset. A date without an offset is in `tz`.
pub fn parse_date(text: &str, tz: &jiff::tz::TimeZone) -> Result<Zoned, String> {
    let text = text.trim().replace('/', "-");
    if let Ok(timestamp) = text.parse::<jiff::Timestamp>() {
        return Ok(timestamp.to_zoned_datetime(tz.clone()));
    }
    let civil = text
        .parse::<DateTime>()
        .or_else(|_| {
            text.parse::<Date>()
                .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
        })
        .map_err(|e| e.to_string())?;
    civil
        .to_zoned_datetime(tz.clone())
        .map_err(|e| e.to_string())
}

/// A post without `date`: the date in its file name, else its modification time, with a warning
/// that says why relying on the latter is fragile.
fn fallback_date(
    relative: &Path,
    modified: impl FnOnce() -> Option<SystemTime>,
    config: &Config,
) -> (Option<Zoned>, String) {
    let stem = relative.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    if let Some(date) = stem.get(..10).and_then(|d| d.parse::<Date>().ok()) {
        let zoned = date
            .to_datetime(jiff::civil::Time::midnight())
            .to_zoned_datetime(config.tz.clone())
            .ok();
        return (zoned, format!("no `date`: using {date} from the file name"));
    }
    let zoned = modified()
        .and_then(|m| jiff::Timestamp::try_from(m).ok())
        .map(|t| t.to_zoned_datetime(config.tz.clone()));
    (
        zoned,
        "no `date`: using the file's modification time, which a fresh clone (as in CI) resets, so the post would move on every deploy; add `date: YYYY-MM-DD HH:MM:SS`".to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn config() -> Config {
        Config::parse("", Path::new("config.yaml")).unwrap()
    }

    fn front(yaml: &str) -> Result<FrontMatter, Vec<Diagnostic>> {
        let text = format!("---\n{yaml}---\nbody\n");
        parse(
            &text,
            Path::new("a.md"),
            Path::new("posts/a.md"),
            || None,
            true,
            &config(),
        )
        .map(|p| p.front)
    }

    #[test]
    fn splits_fenced_and_fenceless_front_matter() {
        let split = split_front_matter("---\ntitle: a\n---\n# body\n").unwrap();
        assert_eq!(split.yaml, "title: a\n");
        assert_eq!(split.body_line, 4);
        let split = split_front_matter("title: a\ndate: 2023-11-11\n---\nbody").unwrap();
        assert_eq!(split.yaml, "title: a\ndate: 2023-11-11\n");
        assert_eq!(split.yaml_line, 1);
        assert!(split_front_matter("# 只是正文\n\n没有 front matter\n").is_none());
        assert!(split_front_matter("---\ntitle: 没有结束\n").is_none());
    }

    #[test]
    fn hexo_dates_are_in_the_site_time_zone() {
        let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
        let d = parse_date("2023-11-11 17:33:32", &tz).unwrap();
        assert_eq!(d.timestamp().to_string(), "2023-11-11T09:33:32Z");
        let d = parse_date("2023-11-11", &tz).unwrap();
        assert_eq!(d.timestamp().to_string(), "2023-11-10T16:00:00Z");
        let d = parse_date("2024-02-01T10:00:00+09:00", &tz).unwrap();
        assert_eq!(d.timestamp().to_string(), "2024-02-01T01:00:00Z");
        let d = parse_date("2023/11/11 17:33", &tz).unwrap();
        assert_eq!(d.timestamp().to_string(), "2023-11-11T09:33:00Z");
        assert!(parse_date("昨天", &tz).is_err());
    }

    #[test]
    fn tags_as_string_or_list_and_update_alias() {
        let f = front("title: 标题\ntags: chatgpt plus充值\nupdate: 2023-11-12\n").unwrap();
        assert_eq!(f.tags, vec!["chatgpt plus充值"]);
        assert!(f.updated.is_some());
        let f = front("title: t\ntags: [Rust, 2023, Rust]\n").unwrap();
        assert_eq!(f.tags, vec!["Rust", "2023"]);
    }

    #[test]
    fn categories_follow_hexo_hierarchy_rules() {
        let f = front("title: t\ncategories: [编程语言, Rust]\n").unwrap();
        assert_eq!(f.categories, vec![vec!["编程语言", "Rust"]]);
        let f = front("title: t\ncategories: [[编程语言, Rust], [工具]]\n").unwrap();
        assert_eq!(f.categories, vec![vec!["编程语言", "Rust"], vec!["工具"]]);
        let f = front("title: t\ncategories: 随笔\n").unwrap();
        assert_eq!(f.categories, vec![vec!["随笔"]]);
    }

    #[test]
    fn drafts_pins_and_extra_keys() {
        let f = front("title: t\npublished: false\ntop: true\nmood: 开心\n").unwrap();
        assert!(f.draft);
        assert_eq!(f.top, 1);
        assert_eq!(f.extra["mood"], "开心");
    }

    #[test]
    fn every_bad_field_is_reported_with_its_line() {
        let errors = front("title: t\ndate: 不是日期\ntop: [1]\n").unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].line, Some(3));
        assert!(errors[0].message.contains("is not a date"));
        assert_eq!(errors[1].line, Some(4));
    }

    #[test]
    fn broken_yaml_reports_the_file_line() {
        let errors = front("title: t\ntags: [a, b\n").unwrap_err();
        assert_eq!(errors[0].path, PathBuf::from("a.md"));
        assert!(errors[0].line.unwrap() >= 3, "{errors:?}");
    }

    #[test]
    fn date_from_file_name_when_missing() {
        let text = "---\ntitle: t\n---\n";
        let parsed = parse(
            text,
            Path::new("x"),
            Path::new("posts/2023-11-11-hello.md"),
            || None,
            true,
            &config(),
        )
        .ok()
        .unwrap();
        assert_eq!(parsed.front.date.unwrap().date().to_string(), "2023-11-11");
        assert!(parsed.warning.unwrap().message.contains("file name"));
    }
}
