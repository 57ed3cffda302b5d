//! `yan init` and `yan new`: the files a new site and a new post start from.
//!
//! Neither ever overwrites a file: a blog's posts are the one thing yan must never lose.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::slugify;

/// Where `yan init`'s workflow installs yan from.
pub const REPOSITORY: &str = "https://github.com/yan-ssg/yan";

/// The files of a new site: path in the site → contents.
fn site_files(now: &str) -> Vec<(&'static str, String)> {
    vec![
        ("config.yaml", include_str!("files/config.yaml").to_string()),
        (
            "content/posts/hello-yan.md",
            include_str!("files/hello.md").replace("{{date}}", now),
        ),
        (
            "content/about.md",
            include_str!("files/about.md").to_string(),
        ),
        (".gitignore", include_str!("files/gitignore").to_string()),
        (
            ".github/workflows/pages.yml",
            include_str!("files/pages.yml").replace("{{repository}}", REPOSITORY),
        ),
    ]
}

/// What `init` did.
#[derive(Debug, Default)]
pub struct InitReport {
    /// Files written.
    pub created: Vec<PathBuf>,
    /// Files that existed and were left alone.
    pub kept: Vec<PathBuf>,
}

/// Creates a ready site in `dir`. Refuses a folder with files in it unless `force`; even then,
/// never overwrites a file.
pub fn init(dir: &Path, force: bool) -> Result<InitReport> {
    if !force && has_entries(dir)? {
        return Err(Error::Refused {
            path: dir.to_path_buf(),
            reason: "the folder is not empty; use --force to add the missing files (existing files are never overwritten)".into(),
        });
    }
    let now = now_in(&jiff::tz::TimeZone::get("Asia/Shanghai").unwrap_or(jiff::tz::TimeZone::UTC));
    let mut report = InitReport::default();
    for (relative, text) in site_files(&now) {
        let path = dir.join(relative);
        if write_new(&path, &text)? {
            report.created.push(path);
        } else {
            report.kept.push(path);
        }
    }
    Ok(report)
}

fn has_entries(dir: &Path) -> Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_some()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::io(dir, e)),
    }
}

/// Writes `text` to a path that must not exist yet; `false` when it already does.
fn write_new(path: &Path, text: &str) -> Result<bool> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path);
    match file {
        Ok(mut file) => {
            std::io::Write::write_all(&mut file, text.as_bytes())
                .map_err(|e| Error::io(path, e))?;
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// What `yan new` is asked to write.
#[derive(Debug, Clone, Default)]
pub struct NewPost {
    /// The title.
    pub title: String,
    /// The slug (file name); derived from the title when `None`.
    pub slug: Option<String>,
    /// Mark it `draft: true`.
    pub draft: bool,
    /// Categories, as one path (Hexo's `[A, B]` is A › B).
    pub categories: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
}

/// Writes `content/posts/<slug>.md` for `post`, dated now in the site's time zone. Never
/// overwrites: an existing file is an error naming it.
pub fn new_post(root: &Path, config: &Config, post: &NewPost) -> Result<PathBuf> {
    let slug = match &post.slug {
        Some(slug) => slugify(slug),
        None => slug_from_title(&post.title),
    };
    let path = root.join("content/posts").join(format!("{slug}.md"));
    let text = front_matter(post, &now_in(&config.tz));
    if write_new(&path, &text)? {
        Ok(path)
    } else {
        Err(Error::Refused {
            path,
            reason: "a post with this slug already exists; choose another with --slug".into(),
        })
    }
}

/// `YYYY-MM-DD HH:MM:SS` now in `tz`, as Hexo writes dates.
fn now_in(tz: &jiff::tz::TimeZone) -> String {
    jiff::Timestamp::now()
        .to_zoned_datetime(tz.clone())
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string()
}

fn front_matter(post: &NewPost, now: &str) -> String {
    let mut text = format!("---\ntitle: {}\ndate: {now}\n", yaml_string(&post.title));
    text.push_str(&yaml_list("tags", &post.tags));
    text.push_str(&yaml_list("categories", &post.categories));
    if post.draft {
        text.push_str("draft: true\n");
    }
    text.push_str("---\n\n<!-- more -->\n");
    text
}

/// A YAML scalar that reads back as exactly `value` (quoted and escaped when needed).
fn yaml_string(value: &str) -> String {
    serde_yaml::to_string(value)
        .map(|s| s.trim_end().to_string())
        .unwrap_or_else(|_| format!("{value:?}"))
}

fn yaml_list(key: &str, items: &[String]) -> String {
    if items.is_empty() {
        return format!("{key}: []\n");
    }
    let mut text = format!("{key}:\n");
    for item in items {
        text.push_str(&format!("  - {}\n", yaml_string(item)));
    }
    text
}

/// An ASCII slug from a title: Chinese in pinyin, ASCII words lower-cased, joined by `-`:
/// `Rust 入门：所有权` → `rust-ru-men-suo-you-quan`.
pub fn slug_from_title(title: &str) -> String {
    use pinyin::ToPinyin;
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, words: &mut Vec<String>| {
        if !word.is_empty() {
            words.push(std::mem::take(word));
        }
    };
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else if let Some(pinyin) = c.to_pinyin() {
            flush(&mut word, &mut words);
            words.push(pinyin.plain().to_string());
        } else {
            flush(&mut word, &mut words);
        }
    }
    flush(&mut word, &mut words);
    let slug = words.join("-");
    if slug.is_empty() {
        format!("post-{}", jiff::Timestamp::now().strftime("%Y%m%d-%H%M%S"))
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_chinese_titles_are_pinyin() {
        assert_eq!(slug_from_title("第一篇文章"), "di-yi-pian-wen-zhang");
        assert_eq!(
            slug_from_title("Rust 入门：所有权"),
            "rust-ru-men-suo-you-quan"
        );
        assert_eq!(slug_from_title("C++ 与 Go 1.22"), "c-yu-go-1-22");
        assert!(slug_from_title("！？").starts_with("post-"));
    }

    #[test]
    fn front_matter_quotes_what_yaml_would_misread() {
        let post = NewPost {
            title: "标题: 带冒号 # 和井号".into(),
            tags: vec!["yes".into()],
            ..Default::default()
        };
        let text = front_matter(&post, "2024-01-01 00:00:00");
        let yaml = text
            .trim_start_matches("---\n")
            .split("---")
            .next()
            .unwrap();
        let value: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
        assert_eq!(value["title"], "标题: 带冒号 # 和井号");
        assert_eq!(value["tags"][0], "yes");
        assert_eq!(value["categories"], serde_yaml::Value::Sequence(vec![]));
    }
}
