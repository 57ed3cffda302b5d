//! Load: walk `content/`, read every Markdown file and parse its front matter.
//!
//! This is one of the two stages that touch the disk (the other is `write`). Everything that
//! reads a file here names that file in its error.

mod front_matter;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use rayon::prelude::*;

use crate::config::Config;
use crate::error::{Diagnostic, Error, Result};

pub use front_matter::{Categories, FrontMatter, parse_date, split_front_matter};

/// A Markdown file with its front matter parsed, ready for the model.
///
/// The Markdown itself is not kept: only its hash, which is all that a build whose memo
/// already has the page needs. Rendering reads it again ([`read_body`]), so a build never
/// holds the text of every post at once (90 MB at 10,000 posts).
#[derive(Debug, Clone)]
pub struct Document {
    /// Path relative to `content/`, with `/` separators, e.g. `posts/rust/intro.md`.
    pub path: PathBuf,
    /// The file, to read the body from.
    pub source: PathBuf,
    /// The parsed front matter.
    pub front: FrontMatter,
    /// Hash of the Markdown after the front matter.
    pub body_hash: u128,
    /// Byte offset in the file at which the Markdown after the front matter starts.
    pub body_offset: usize,
    /// 1-based line of the file on which the body starts.
    pub body_line: usize,
    /// `true` under `content/posts/`: dated, listed, fed; otherwise a standalone page.
    pub is_post: bool,
}

/// The Markdown of `doc` after its front matter, read again from its file; `shown` names the
/// file in the error when it cannot be read or has changed since it was loaded. Render gets
/// this function from the pipeline (render itself does no I/O).
pub fn read_body(doc: &Document, shown: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(&doc.source).map_err(|e| Diagnostic::new(shown, e.to_string()))?;
    let body = simdutf8::basic::from_utf8(&bytes)
        .ok()
        .and_then(|text| text.get(doc.body_offset..))
        .filter(|body| body_hash(body) == doc.body_hash)
        .ok_or_else(|| {
            Diagnostic::new(
                shown,
                "the file changed while yan was building; build again",
            )
        })?;
    Ok(body.to_string())
}

/// The hash of a document's Markdown, as [`Document::body_hash`] holds it.
pub fn body_hash(body: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(body.as_bytes())
}

/// A non-Markdown file under `content/`, copied to the same relative path in the output.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Path relative to `content/`.
    pub path: PathBuf,
    /// Absolute (or root-joined) path to read it from.
    pub source: PathBuf,
}

/// Everything under `content/`.
#[derive(Debug, Default)]
pub struct Content {
    /// Every Markdown file, parsed, in path order.
    pub documents: Vec<Document>,
    /// Every other file.
    pub assets: Vec<Asset>,
    /// Problems that do not stop the build (a post without a date).
    pub warnings: Vec<Diagnostic>,
}

/// The folder under `content/` whose Markdown files are posts.
pub const POSTS_DIR: &str = "posts";

/// Walks `content_dir` and parses every Markdown file in parallel; returns every broken file's
/// diagnostic at once on failure. `display_root` is what paths in messages are relative to.
pub fn load_content(
    content_dir: &Path,
    display_root: &Path,
    config: &Config,
) -> Result<Content, Vec<Diagnostic>> {
    load_content_with(content_dir, display_root, config, None)
}

/// [`load_content`], re-parsing only the files whose modification time or size changed since
/// they were stored in `cache` (for `serve`). The cache must be cleared when the config changes.
pub fn load_content_with(
    content_dir: &Path,
    display_root: &Path,
    config: &Config,
    cache: Option<&LoadCache>,
) -> Result<Content, Vec<Diagnostic>> {
    let (markdown, assets) = walk(content_dir, display_root)?;
    let load = |path: &PathBuf| match cache {
        Some(cache) => load_document_cached(content_dir, display_root, path, config, cache),
        None => load_document(content_dir, display_root, path, config),
    };
    let results: Vec<_> = markdown.par_iter().map(load).collect();
    if let Some(cache) = cache {
        cache.retain(&markdown);
    }
    let mut content = Content {
        assets,
        ..Default::default()
    };
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok((document, warning)) => {
                content.documents.push(document);
                content.warnings.extend(warning);
            }
            Err(mut diagnostics) => errors.append(&mut diagnostics),
        }
    }
    if errors.is_empty() {
        Ok(content)
    } else {
        Err(errors)
    }
}

/// Loads the one Markdown file at `relative` (under `content_dir`) through `cache`, with its
/// warning: for `serve`, when that file is all that changed.
pub fn load_document_cached(
    content_dir: &Path,
    display_root: &Path,
    relative: &Path,
    config: &Config,
    cache: &LoadCache,
) -> Result<Loaded, Vec<Diagnostic>> {
    cache.load(content_dir, relative, |p| {
        load_document(content_dir, display_root, p, config)
    })
}

/// Lists Markdown files and assets under `content_dir` (relative paths, sorted), skipping
/// hidden files and folders.
fn walk(
    content_dir: &Path,
    display_root: &Path,
) -> Result<(Vec<PathBuf>, Vec<Asset>), Vec<Diagnostic>> {
    let mut markdown = Vec::new();
    let mut assets = Vec::new();
    if !content_dir.is_dir() {
        return Ok((markdown, assets));
    }
    let walker = walkdir::WalkDir::new(content_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(content_dir);
            vec![Diagnostic::new(display(display_root, path), e.to_string())]
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(content_dir)
            .expect("walkdir yields paths under its root")
            .to_path_buf();
        if is_markdown(&relative) {
            markdown.push(relative);
        } else {
            assets.push(Asset {
                source: entry.path().to_path_buf(),
                path: relative,
            });
        }
    }
    Ok((markdown, assets))
}

/// Whether a file under `content/` is a post or page (Markdown) rather than an asset.
pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e == "md" || e == "markdown")
}

/// One file's parse result and warning, as [`load_content_with`] keeps it.
pub type Loaded = (Document, Option<Diagnostic>);

/// Parsed documents kept between builds, keyed by path and checked by modification time and
/// size, so a rebuild re-parses only the files that changed.
#[derive(Debug, Default)]
pub struct LoadCache {
    documents: Mutex<HashMap<PathBuf, (SystemTime, u64, Loaded)>>,
}

impl LoadCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets every document (needed when the config, and so date parsing, changes).
    pub fn clear(&self) {
        self.documents.lock().expect("load cache lock").clear();
    }

    /// The cached document for `relative` if the file is unchanged, else `parse` it and keep it.
    fn load(
        &self,
        content_dir: &Path,
        relative: &Path,
        parse: impl FnOnce(&Path) -> Result<Loaded, Vec<Diagnostic>>,
    ) -> Result<Loaded, Vec<Diagnostic>> {
        let stamp = std::fs::metadata(content_dir.join(relative))
            .ok()
            .and_then(|m| Some((m.modified().ok()?, m.len())));
        if let Some((modified, len)) = stamp {
            let documents = self.documents.lock().expect("load cache lock");
            if let Some((m, l, loaded)) = documents.get(relative)
                && (*m, *l) == (modified, len)
            {
                return Ok(loaded.clone());
            }
        }
        let loaded = parse(relative)?;
        if let Some((modified, len)) = stamp {
            let entry = (modified, len, loaded.clone());
            let mut documents = self.documents.lock().expect("load cache lock");
            documents.insert(relative.to_path_buf(), entry);
        }
        Ok(loaded)
    }

    /// Drops the entries of files that no longer exist.
    fn retain(&self, present: &[PathBuf]) {
        let present: std::collections::HashSet<&PathBuf> = present.iter().collect();
        let mut documents = self.documents.lock().expect("load cache lock");
        documents.retain(|path, _| present.contains(path));
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

/// `path` as shown in messages: relative to the site root when it is under it.
pub fn display(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn load_document(
    content_dir: &Path,
    display_root: &Path,
    relative: &Path,
    config: &Config,
) -> Result<(Document, Option<Diagnostic>), Vec<Diagnostic>> {
    let full = content_dir.join(relative);
    let shown = display(display_root, &full);
    let bytes = std::fs::read(&full).map_err(|e| vec![Diagnostic::new(&shown, e.to_string())])?;
    // simdutf8: checking 90 MB of Chinese text with the standard library's validator was a
    // tenth of a warm build.
    let text = simdutf8::compat::from_utf8(&bytes).map_err(|e| {
        let (line, column) = line_col_of_offset(&bytes, e.valid_up_to());
        vec![Diagnostic::new(&shown, "file is not valid UTF-8; save it as UTF-8").at(line, column)]
    })?;
    // Read only for a post without a date: a stat per file is not free on 10,000 files.
    let modified = || std::fs::metadata(&full).and_then(|m| m.modified()).ok();
    let is_post = relative.starts_with(POSTS_DIR);
    let parsed = front_matter::parse(text, &shown, relative, modified, is_post, config)?;
    let document = Document {
        path: relative.to_path_buf(),
        front: parsed.front,
        body_hash: body_hash(&text[parsed.body_offset..]),
        body_offset: parsed.body_offset,
        body_line: parsed.body_line,
        is_post,
        source: full,
    };
    Ok((document, parsed.warning))
}

/// 1-based line and column of a byte offset.
fn line_col_of_offset(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    (line, offset - line_start + 1)
}

/// Reads a file, naming it in the error.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_read_again_and_a_changed_file_is_caught() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(content.join("posts")).unwrap();
        let file = content.join("posts/你好.md");
        std::fs::write(
            &file,
            "---\ntitle: 你好\ndate: 2024-01-01\n---\n正文：第一版。\n",
        )
        .unwrap();
        let config = Config::parse("", Path::new("config.yaml")).unwrap();
        let relative = Path::new("posts/你好.md");
        let (doc, _) = load_document(&content, dir.path(), relative, &config).unwrap();
        assert_eq!(doc.body_line, 5);
        let shown = Path::new("content/posts/你好.md");
        assert_eq!(read_body(&doc, shown).unwrap(), "正文：第一版。\n");

        std::fs::write(
            &file,
            "---\ntitle: 你好\ndate: 2024-01-01\n---\n正文：第二版。\n",
        )
        .unwrap();
        let error = read_body(&doc, shown).unwrap_err();
        assert_eq!(error.path, shown);
        assert!(
            error.message.contains("changed while yan was building"),
            "{error}"
        );
    }
}
