//! A memo of rendered Markdown and rendered pages, kept between builds by `serve`, so that a
//! rebuild after one edit re-renders only the pages whose inputs changed.
//!
//! Keys are hashes of everything a result depends on: for Markdown, the document's path, text
//! and first line plus the site's URL map and config; for a page, its template name, output
//! path, the shared context (`config`, `site`) and the page's own variables. Templates are not
//! part of any key: whoever changes them must [`RenderCache::clear`] the cache.
//! `yan build` renders without a cache.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Mutex;

use serde::Serialize;
use serde_json::Value;
use xxhash_rust::xxh3::Xxh3;

use super::RenderContext;
use super::markdown::{self, MarkdownOptions, MarkdownSource, RenderedMarkdown};
use crate::error::Diagnostic;

/// A cache attached to a render.
#[derive(Clone, Copy)]
pub struct Cached<'a> {
    cache: &'a RenderCache,
}

/// The keys of what every page and document of a build shares.
#[derive(Debug, Clone, Copy, Default)]
pub struct SharedKeys {
    /// The shared template context (`config`, `site`, …), the templates and yan's version.
    pub base: Key,
    /// What every document's Markdown depends on: the config, the URL map and yan's version.
    pub environment: Key,
}

impl SharedKeys {
    /// The keys of a render context's shared inputs.
    pub fn of(ctx: &RenderContext<'_>) -> Self {
        let version = env!("CARGO_PKG_VERSION");
        let mut hasher = KeyHasher::new();
        hasher.str(version);
        hasher.0.update(&ctx.theme.fingerprint().to_le_bytes());
        for (key, value) in ctx
            .base
            .clone()
            .into_json()
            .as_object()
            .into_iter()
            .flatten()
        {
            hasher.str(key);
            hasher.value(value);
        }
        let base = hasher.finish_key();
        let mut hasher = KeyHasher::new();
        hasher.str(version);
        hash_json(&mut hasher, ctx.config);
        let mut urls: Vec<_> = super::url_map(ctx.site, ctx.config).into_iter().collect();
        urls.sort();
        urls.hash(&mut hasher);
        SharedKeys {
            base,
            environment: hasher.finish_key(),
        }
    }
}

impl<'a> RenderContext<'a> {
    /// This context, reusing and filling `cache`.
    pub fn with_cache(mut self, cache: &'a RenderCache) -> Self {
        self.cache = Some(Cached { cache });
        self
    }

    /// The key of one document's Markdown.
    pub fn markdown_key(&self, source: &MarkdownSource<'_>) -> Key {
        markdown_key(
            self.keys.environment,
            source.path,
            source.text,
            source.first_line,
        )
    }

    /// Renders one document's Markdown, or takes it from the cache.
    pub fn render_markdown(
        &self,
        source: &MarkdownSource<'_>,
        options: &MarkdownOptions<'_>,
    ) -> RenderedMarkdown {
        let render = || markdown::render(source, options);
        match &self.cache {
            None => render(),
            Some(c) => {
                let key = self.markdown_key(source);
                c.cache.markdown(key, render)
            }
        }
    }

    /// Renders `template` with `context` (the shared variables plus this page's, in a context
    /// reused from page to page), or takes the page from the cache. `output` is the page's
    /// output path; `source` names the page's source file in error messages.
    pub fn render_template(
        &self,
        template: &str,
        output: &str,
        context: &tera::Context,
        source: Option<&Path>,
    ) -> Result<Vec<u8>, Diagnostic> {
        let render = || {
            self.theme
                .render(template, context, source, self.display_root)
        };
        match &self.cache {
            None => render(),
            Some(c) => {
                let key = page_key(self.keys.base, template, output, context);
                c.cache.page(key, render)
            }
        }
    }
}

/// Rendered Markdown and pages from earlier builds, by the hash of their inputs.
#[derive(Debug, Default)]
pub struct RenderCache {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    markdown: HashMap<Key, (u64, RenderedMarkdown)>,
    pages: HashMap<Key, (u64, Vec<u8>)>,
    generation: u64,
    hits: usize,
    misses: usize,
}

/// How a build used the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Markdown documents and pages taken from the cache.
    pub hits: usize,
    /// Markdown documents and pages rendered.
    pub misses: usize,
}

impl RenderCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets everything (after a template change).
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.markdown.clear();
        inner.pages.clear();
    }

    /// Ends a build: drops every entry the build did not use, and returns its hit counts.
    pub fn finish_build(&self) -> CacheStats {
        let mut inner = self.lock();
        let generation = inner.generation;
        inner.markdown.retain(|_, (g, _)| *g == generation);
        inner.pages.retain(|_, (g, _)| *g == generation);
        inner.generation += 1;
        let stats = CacheStats {
            hits: inner.hits,
            misses: inner.misses,
        };
        (inner.hits, inner.misses) = (0, 0);
        stats
    }

    /// The Markdown rendered for `key`, or `render` it and keep it.
    pub fn markdown(
        &self,
        key: Key,
        render: impl FnOnce() -> RenderedMarkdown,
    ) -> RenderedMarkdown {
        if let Some(hit) = self.touch(|inner| inner.markdown.get_mut(&key)) {
            return hit;
        }
        let rendered = render();
        let mut inner = self.lock();
        let generation = inner.generation;
        inner.misses += 1;
        inner.markdown.insert(key, (generation, rendered.clone()));
        rendered
    }

    /// The page rendered for `key`, or `render` it and keep it.
    pub fn page<E>(
        &self,
        key: Key,
        render: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Vec<u8>, E> {
        if let Some(hit) = self.touch(|inner| inner.pages.get_mut(&key)) {
            return Ok(hit);
        }
        let html = render()?;
        let mut inner = self.lock();
        let generation = inner.generation;
        inner.misses += 1;
        inner.pages.insert(key, (generation, html.clone()));
        Ok(html)
    }

    /// Marks an entry as used by this build and returns a copy of it.
    fn touch<T: Clone>(&self, find: impl FnOnce(&mut Inner) -> Option<&mut (u64, T)>) -> Option<T> {
        let mut inner = self.lock();
        let generation = inner.generation;
        let found = find(&mut inner).map(|(g, value)| {
            *g = generation;
            value.clone()
        });
        if found.is_some() {
            inner.hits += 1;
        }
        found
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().expect("render cache lock")
    }
}

/// A cache key: a 128-bit XXH3 hash of everything the result depends on.
pub type Key = u128;

/// Builds a [`Key`]; fast on the long HTML strings a page context holds.
pub struct KeyHasher(Xxh3);

impl KeyHasher {
    fn new() -> Self {
        KeyHasher(Xxh3::new())
    }

    fn finish_key(&self) -> Key {
        self.0.digest128()
    }

    /// Feeds a JSON value: every string's bytes as they are, with type tags and lengths so
    /// that different values never feed the same bytes.
    fn value(&mut self, value: &Value) {
        match value {
            Value::Null => self.0.update(&[0]),
            Value::Bool(b) => self.0.update(&[1, *b as u8]),
            Value::Number(n) => {
                self.0.update(&[2]);
                self.str(&n.to_string());
            }
            Value::String(s) => {
                self.0.update(&[3]);
                self.str(s);
            }
            Value::Array(items) => {
                self.0.update(&[4]);
                self.0.update(&(items.len() as u64).to_le_bytes());
                items.iter().for_each(|item| self.value(item));
            }
            Value::Object(map) => {
                self.0.update(&[5]);
                self.0.update(&(map.len() as u64).to_le_bytes());
                for (key, item) in map {
                    self.str(key);
                    self.value(item);
                }
            }
        }
    }

    fn str(&mut self, s: &str) {
        self.0.update(&(s.len() as u64).to_le_bytes());
        self.0.update(s.as_bytes());
    }
}

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        self.0.digest()
    }
}

/// Feeds a serializable value, through its JSON form.
pub fn hash_json(hasher: &mut impl Hasher, value: &impl Serialize) {
    struct Feed<'h, H>(&'h mut H);
    impl<H: Hasher> std::io::Write for Feed<'_, H> {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    // A value that fails to serialize hashes what was written so far; Tera fails on it anyway.
    let _ = serde_json::to_writer(Feed(hasher), value);
}

/// The key of one document's Markdown, given the key of everything shared (`environment`).
pub fn markdown_key(environment: Key, path: &Path, text: &str, first_line: usize) -> Key {
    let mut hasher = KeyHasher::new();
    (environment, path, first_line).hash(&mut hasher);
    hasher.str(text);
    hasher.finish_key()
}

/// The key of one page: its template, output path, the shared context's key and its own
/// variables.
pub fn page_key(base: Key, template: &str, output: &str, context: &tera::Context) -> Key {
    let mut hasher = KeyHasher::new();
    hasher.0.update(&base.to_le_bytes());
    hasher.str(template);
    hasher.str(output);
    for key in super::pages::PAGE_KEYS {
        hasher.str(key);
        hasher.value(context.get(key).unwrap_or(&Value::Null));
    }
    hasher.finish_key()
}

/// The key of a page built from serializable views, hashed as their JSON is written, without
/// building a context: `parts` are this page's own variables by name.
pub fn view_key(base: Key, template: &str, output: &str, parts: &[(&str, &dyn ErasedView)]) -> Key {
    let mut hasher = KeyHasher::new();
    hasher.0.update(&base.to_le_bytes());
    hasher.str(template);
    hasher.str(output);
    for (name, view) in parts {
        hasher.str(name);
        view.feed(&mut hasher);
    }
    hasher.finish_key()
}

/// A view that can be fed to a [`KeyHasher`] as JSON (serde's `Serialize` is not object safe).
pub trait ErasedView {
    /// Writes the view's JSON into the hasher.
    fn feed(&self, hasher: &mut KeyHasher);
}

impl<T: Serialize> ErasedView for T {
    fn feed(&self, hasher: &mut KeyHasher) {
        serde_json::to_writer(HashWriter(hasher), self).expect("views serialize");
    }
}

/// Lets serde_json write straight into a hasher.
struct HashWriter<'a>(&'a mut KeyHasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_a_build_used_and_drops_the_rest() {
        let cache = RenderCache::new();
        let page = |key, text: &str| {
            cache
                .page::<()>(key, || Ok(text.as_bytes().to_vec()))
                .unwrap()
        };
        assert_eq!(page(1, "a"), b"a");
        assert_eq!(page(2, "b"), b"b");
        assert_eq!(cache.finish_build(), CacheStats { hits: 0, misses: 2 });
        assert_eq!(page(1, "changed"), b"a");
        assert_eq!(cache.finish_build(), CacheStats { hits: 1, misses: 0 });
        assert_eq!(page(2, "new"), b"new", "unused entry was dropped");
    }

    #[test]
    fn keys_follow_every_input() {
        let key = |env, text| markdown_key(env, Path::new("posts/a.md"), text, 3);
        assert_eq!(key(1, "x"), key(1, "x"));
        assert_ne!(key(1, "x"), key(2, "x"));
        assert_ne!(key(1, "x"), key(1, "y"));
        let mut t = tera::Context::new();
        t.insert("page", "t");
        assert_ne!(
            page_key(1, "post.html", "a", &t),
            page_key(1, "post.html", "b", &t)
        );
        let pair = |a: &str, b: &str| {
            let mut context = tera::Context::new();
            context.insert("page", &serde_json::json!([a, b]));
            context
        };
        assert_ne!(
            page_key(1, "p", "o", &pair("ab", "c")),
            page_key(1, "p", "o", &pair("a", "bc"))
        );
    }
}
