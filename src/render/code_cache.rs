//! A content-addressed cache of highlighted code blocks, kept between builds in `.yan-cache/`.
//!
//! Highlighting is by far the most expensive step of a build; a block whose language, text and
//! highlighting settings are unchanged is highlighted once, ever. Blocks are kept deflated:
//! syntect's class spans are long and repetitive (10,000 posts' blocks are 100 MB of HTML and
//! a tenth of that compressed), and a build must not hold them all in memory. The cache is plain bytes in
//! and out (`load` reads the file, `write` saves it): this module never touches the disk. A
//! cache written by another yan version or with other settings, or one that fails its checksum,
//! is ignored and rebuilt, never trusted.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

/// File name of the cache inside the site's cache folder.
pub const FILE_NAME: &str = "code-blocks.bin";

const MAGIC: &[u8; 8] = b"YANCODE1";

/// A block's key: a hash of the settings, language and code.
type Key = [u8; 16];

/// Highlighted blocks from earlier builds, plus those highlighted in this one.
#[derive(Debug, Default)]
pub struct CodeCache {
    salt: [u8; 32],
    known: HashMap<Key, Box<[u8]>>,
    fresh: Mutex<HashMap<Key, Box<[u8]>>>,
    used: Mutex<HashSet<Key>>,
}

impl CodeCache {
    /// An empty cache for these settings (`salt` names everything the output depends on besides
    /// the block itself: yan's version, line numbers…).
    pub fn new(salt: &str) -> Self {
        CodeCache {
            salt: *blake3::hash(salt.as_bytes()).as_bytes(),
            ..Default::default()
        }
    }

    /// The cache stored in `bytes` if it is whole and was written for the same `salt`; an empty
    /// cache otherwise.
    pub fn from_bytes(bytes: &[u8], salt: &str) -> Self {
        let mut cache = CodeCache::new(salt);
        if let Some(known) = parse(bytes, &cache.salt) {
            cache.known = known;
        }
        cache
    }

    /// Number of blocks loaded from an earlier build.
    pub fn loaded(&self) -> usize {
        self.known.len()
    }

    /// Number of blocks highlighted in this build (not found in the cache).
    pub fn highlighted(&self) -> usize {
        self.fresh.lock().expect("cache lock").len()
    }

    /// The highlighted HTML of a block: from the cache, or made by `highlight` and remembered.
    pub fn get_or_insert_with(
        &self,
        lang: &str,
        code: &str,
        highlight: impl FnOnce() -> String,
    ) -> String {
        let key = self.key(lang, code);
        if let Some(html) = self.known.get(&key).and_then(|d| inflate(d)) {
            self.used.lock().expect("cache lock").insert(key);
            return html;
        }
        let fresh = self
            .fresh
            .lock()
            .expect("cache lock")
            .get(&key)
            .and_then(|d| inflate(d));
        if let Some(html) = fresh {
            return html;
        }
        let html = highlight();
        let deflated = deflate(&html);
        self.fresh.lock().expect("cache lock").insert(key, deflated);
        html
    }

    fn key(&self, lang: &str, code: &str) -> Key {
        let mut hasher = blake3::Hasher::new();
        hasher.update(&self.salt);
        hasher.update(lang.as_bytes());
        hasher.update(&[0]);
        hasher.update(code.as_bytes());
        let mut key = [0; 16];
        key.copy_from_slice(&hasher.finalize().as_bytes()[..16]);
        key
    }

    /// Whether the stored cache should be rewritten: this build highlighted something new, or
    /// (when it rendered every document, so `complete`) left stored blocks unused.
    pub fn is_dirty(&self, complete: bool) -> bool {
        self.highlighted() > 0
            || (complete && self.used.lock().expect("cache lock").len() != self.known.len())
    }

    /// The blocks to store. When this build rendered every document (`complete`), blocks it
    /// did not use are dropped; otherwise the unrendered documents may still need them.
    pub fn to_bytes(&self, complete: bool) -> Vec<u8> {
        let used = self.used.lock().expect("cache lock");
        let fresh = self.fresh.lock().expect("cache lock");
        let kept = self
            .known
            .iter()
            .filter(|(k, _)| !complete || used.contains(*k));
        let entries: Vec<(&Key, &Box<[u8]>)> = kept.chain(fresh.iter()).collect();
        let mut bytes =
            Vec::with_capacity(64 + entries.iter().map(|(_, v)| v.len() + 20).sum::<usize>());
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&self.salt);
        bytes.extend_from_slice(&(entries.len() as u32).to_le_bytes());
        for (key, html) in entries {
            bytes.extend_from_slice(key);
            bytes.extend_from_slice(&(html.len() as u32).to_le_bytes());
            bytes.extend_from_slice(html);
        }
        let checksum = blake3::hash(&bytes);
        bytes.extend_from_slice(checksum.as_bytes());
        bytes
    }
}

/// The entries of a stored cache, or `None` when it is truncated, corrupt or for other settings.
fn parse(bytes: &[u8], salt: &[u8; 32]) -> Option<HashMap<Key, Box<[u8]>>> {
    let body_len = bytes.len().checked_sub(32)?;
    let (body, checksum) = bytes.split_at(body_len);
    if blake3::hash(body).as_bytes() != checksum {
        return None;
    }
    let mut reader = Reader(body);
    if reader.take(8)? != MAGIC || reader.take(32)? != salt {
        return None;
    }
    let count = u32::from_le_bytes(reader.take(4)?.try_into().ok()?) as usize;
    let mut entries = HashMap::with_capacity(count.min(1 << 20));
    for _ in 0..count {
        let key: Key = reader.take(16)?.try_into().ok()?;
        let len = u32::from_le_bytes(reader.take(4)?.try_into().ok()?) as usize;
        entries.insert(key, reader.take(len)?.into());
    }
    reader.0.is_empty().then_some(entries)
}

/// Deflates a block's HTML at the fastest level: the point is memory, not the last byte.
fn deflate(html: &str) -> Box<[u8]> {
    miniz_oxide::deflate::compress_to_vec(html.as_bytes(), 1).into_boxed_slice()
}

/// The HTML of a deflated block; `None` when it does not inflate to UTF-8 (then the block is
/// highlighted again).
fn inflate(deflated: &[u8]) -> Option<String> {
    let bytes = miniz_oxide::inflate::decompress_to_vec(deflated).ok()?;
    String::from_utf8(bytes).ok()
}

/// Reads fixed-size pieces off the front of a byte slice.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_counts_hits() {
        let cache = CodeCache::new("v1");
        let mut calls = 0;
        let html = cache.get_or_insert_with("rust", "fn main() {}", || {
            calls += 1;
            "<span>fn</span>".to_string()
        });
        assert_eq!(html, "<span>fn</span>");
        let again = CodeCache::from_bytes(&cache.to_bytes(true), "v1");
        assert_eq!(again.loaded(), 1);
        let html = again.get_or_insert_with("rust", "fn main() {}", || unreachable!("cached"));
        assert_eq!(html, "<span>fn</span>");
        assert_eq!(calls, 1);
        assert!(!again.is_dirty(true));
    }

    #[test]
    fn blocks_are_stored_deflated() {
        let cache = CodeCache::new("v1");
        let html = "<span class=\"source rust\">fn</span>".repeat(50);
        cache.get_or_insert_with("rust", "fn", || html.clone());
        let bytes = cache.to_bytes(true);
        assert!(
            bytes.len() < html.len() / 4,
            "{} bytes for {}",
            bytes.len(),
            html.len()
        );
        let again = CodeCache::from_bytes(&bytes, "v1");
        assert_eq!(
            again.get_or_insert_with("rust", "fn", || unreachable!()),
            html
        );
    }

    #[test]
    fn other_settings_or_corruption_start_empty() {
        let cache = CodeCache::new("v1");
        cache.get_or_insert_with("py", "print(1)", || "x".to_string());
        let bytes = cache.to_bytes(true);
        assert_eq!(CodeCache::from_bytes(&bytes, "v2").loaded(), 0);
        let mut corrupt = bytes.clone();
        corrupt[50] ^= 1;
        assert_eq!(CodeCache::from_bytes(&corrupt, "v1").loaded(), 0);
        assert_eq!(
            CodeCache::from_bytes(&bytes[..bytes.len() - 3], "v1").loaded(),
            0
        );
        assert_eq!(CodeCache::from_bytes(b"", "v1").loaded(), 0);
    }

    #[test]
    fn unused_blocks_are_dropped_when_saved() {
        let cache = CodeCache::new("v1");
        cache.get_or_insert_with("a", "1", || "one".to_string());
        cache.get_or_insert_with("a", "2", || "two".to_string());
        let next = CodeCache::from_bytes(&cache.to_bytes(true), "v1");
        next.get_or_insert_with("a", "1", || unreachable!());
        assert!(next.is_dirty(true), "block 2 went unused");
        assert!(
            !next.is_dirty(false),
            "unrendered documents may still use block 2"
        );
        assert_eq!(
            CodeCache::from_bytes(&next.to_bytes(true), "v1").loaded(),
            1
        );
        assert_eq!(
            CodeCache::from_bytes(&next.to_bytes(false), "v1").loaded(),
            2
        );
    }
}
