//! Keys: 128-bit hashes of everything a rendered document or page depends on, so a build can
//! tell what is unchanged since the last one without rendering it (see [`super::memo`]).
//!
//! A document's key covers its path, text and first line plus the `environment` (config, the
//! site's URL map, yan's version); a page's key covers its template, output path, the `base`
//! (the shared template context, the templates themselves, yan's version) and its own variables,
//! hashed as their JSON is written.

use std::hash::{Hash, Hasher};
use std::path::Path;

use serde::Serialize;
use serde_json::Value;
use xxhash_rust::xxh3::Xxh3;

use super::RenderContext;
use crate::load::Document;

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
        let mut urls: Vec<_> = ctx.urls.iter().collect();
        urls.sort();
        urls.hash(&mut hasher);
        SharedKeys {
            base,
            environment: hasher.finish_key(),
        }
    }
}

impl RenderContext<'_> {
    /// The key of one document's Markdown.
    pub fn markdown_key(&self, doc: &Document) -> Key {
        markdown_key(
            self.keys.environment,
            &doc.path,
            doc.body_hash,
            doc.body_line,
        )
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

/// The key of one document's Markdown, given the key of everything shared (`environment`)
/// and the hash of its text.
pub fn markdown_key(environment: Key, path: &Path, text_hash: u128, first_line: usize) -> Key {
    let mut hasher = KeyHasher::new();
    (environment, path, text_hash, first_line).hash(&mut hasher);
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

/// The key of a value hashed as it is (`Hash`), for data that is written as it is, not
/// through a template.
pub fn hash_key(value: &impl Hash) -> Key {
    let mut hasher = KeyHasher::new();
    value.hash(&mut hasher);
    hasher.finish_key()
}

/// The key of one serializable value, hashed as its JSON is written.
pub fn json_key(view: &impl Serialize) -> Key {
    let mut hasher = KeyHasher::new();
    view.feed(&mut hasher);
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

    use crate::load::body_hash;

    #[test]
    fn keys_follow_every_input() {
        let key = |env, text| markdown_key(env, Path::new("posts/a.md"), body_hash(text), 3);
        assert_eq!(key(1, "x"), key(1, "x"));
        assert_ne!(key(1, "x"), key(2, "x"));
        assert_ne!(key(1, "x"), key(1, "y"));
        let view = |a: &str, b: &str| serde_json::json!([a, b]);
        let page = |output, a, b| view_key(1, "post.html", output, &[("page", &view(a, b))]);
        assert_eq!(page("o", "ab", "c"), page("o", "ab", "c"));
        assert_ne!(page("o", "ab", "c"), page("p", "ab", "c"));
        assert_ne!(page("o", "ab", "c"), page("o", "a", "bc"));
    }
}
