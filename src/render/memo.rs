//! What a `yan build` remembers for the next one, so a build where little changed does little.
//!
//! For every post and page, keyed by the hash of its Markdown's inputs, the memo keeps what the
//! rest of the site needs from it (summary, word count, toc, links): an unchanged post is not
//! parsed again. For every output file it keeps the key its page was rendered from: a page
//! whose key is unchanged, and whose file is still in the output folder, is neither rendered
//! nor written. The memo is bytes in and out (bincode with a checksum): `lib.rs` reads and
//! saves it under `.yan-cache/`. A memo of another yan version or another output folder, or
//! one whose checksum or parse fails, is ignored.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::cache::Key;
use super::markdown::{Link, TocEntry};
use super::views::Digest;

/// File name of the memo inside the site's cache folder.
pub const FILE_NAME: &str = "build-memo.bin";

/// What a post's Markdown produced, minus its HTML body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EntryMemo {
    /// Summary, counts, search text (and the body for feed posts); shared with the build's
    /// list of digests rather than copied.
    pub digest: std::sync::Arc<Digest>,
    /// The table of contents.
    pub toc: Vec<TocEntry>,
    /// Every heading id.
    pub heading_ids: Vec<String>,
    /// Every link and image.
    pub links: Vec<Link>,
    /// Word count.
    pub word_count: usize,
}

/// A build's memo.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Memo {
    version: String,
    output: String,
    entries: HashMap<Key, EntryMemo>,
    pages: HashMap<String, Key>,
    /// Every file the build wrote into the output folder.
    outputs: Vec<String>,
    /// Entries to take over from the previous memo (see [`Memo::adopt`]).
    #[serde(skip)]
    reused: Vec<Key>,
}

impl Memo {
    /// The memo stored in `bytes` if it is whole (its checksum matches) and was written by this
    /// yan version for this output folder.
    pub fn from_bytes(bytes: &[u8], output: &str) -> Option<Memo> {
        let body_len = bytes.len().checked_sub(32)?;
        let (body, checksum) = bytes.split_at(body_len);
        if blake3::hash(body).as_bytes() != checksum {
            return None;
        }
        let memo: Memo = bincode::deserialize(body).ok()?;
        (memo.version == env!("CARGO_PKG_VERSION") && memo.output == output).then_some(memo)
    }

    /// Writes the memo of a build into `output`, as [`Memo::from_bytes`] reads it, straight
    /// into `out` (at 10,000 posts the memo is 20 MB; it is not held in memory as bytes too).
    pub fn write_to(&mut self, output: &str, out: &mut impl std::io::Write) -> std::io::Result<()> {
        self.output = output.to_string();
        let mut checked = Checksummed {
            out,
            hasher: blake3::Hasher::new(),
        };
        bincode::serialize_into(&mut checked, self).map_err(std::io::Error::other)?;
        let checksum = checked.hasher.finalize();
        checked.out.write_all(checksum.as_bytes())
    }

    /// What the post with this Markdown key produced last time.
    pub fn entry(&self, key: Key) -> Option<&EntryMemo> {
        self.entries.get(&key)
    }

    /// Every file the build that wrote this memo put in the output folder (`None` for an
    /// empty memo, which knows nothing).
    pub fn outputs(&self) -> Option<&[String]> {
        (!self.version.is_empty()).then_some(self.outputs.as_slice())
    }

    /// Moves the entries this build reused out of the previous build's memo into this one.
    pub fn adopt(&mut self, previous: &mut Memo) {
        for key in std::mem::take(&mut self.reused) {
            if let Some(entry) = previous.entries.remove(&key) {
                self.entries.insert(key, entry);
            }
        }
    }

    /// Records every file this build put in the output folder.
    pub fn set_outputs(&mut self, outputs: Vec<String>) {
        self.outputs = outputs;
    }

    /// Forgets the key of the file at `output`, which was rendered again outside a full
    /// build: the next build renders it again rather than trust a key it no longer matches.
    pub fn forget(&mut self, output: &str) {
        self.pages.remove(output);
    }

    /// The key the file at `output` was rendered from last time.
    pub fn page(&self, output: &str) -> Option<Key> {
        self.pages.get(output).copied()
    }
}

/// Passes bytes on to `out`, hashing them on the way.
struct Checksummed<'w, W> {
    out: &'w mut W,
    hasher: blake3::Hasher,
}

impl<W: std::io::Write> std::io::Write for Checksummed<'_, W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let written = self.out.write(bytes)?;
        self.hasher.update(&bytes[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// The previous build's memo, and a way to ask whether an output file is still in place.
#[derive(Clone, Copy)]
pub struct Recall<'a> {
    /// The previous memo.
    pub previous: &'a Memo,
    /// Whether the output folder still has this file (path relative to it).
    pub present: &'a (dyn Fn(&str) -> bool + Sync),
}

impl Recall<'_> {
    /// Whether the page at `output` was last rendered from `key` and is still on disk.
    pub fn unchanged(&self, output: &str, key: Key) -> bool {
        self.previous.page(output) == Some(key) && (self.present)(output)
    }
}

/// Collects this build's memo as pages are rendered, from any thread.
#[derive(Debug, Default)]
pub struct Recorder {
    entries: Mutex<HashMap<Key, EntryMemo>>,
    pages: Mutex<HashMap<String, Key>>,
    reused: Mutex<Vec<Key>>,
}

impl Recorder {
    /// Remembers what a post's Markdown produced.
    pub fn entry(&self, key: Key, memo: EntryMemo) {
        self.entries.lock().expect("memo lock").insert(key, memo);
    }

    /// Notes a post or page taken from the previous memo instead of rendered; its entry moves
    /// over to the new memo in [`Memo::adopt`] (not copied: a memo can be tens of MB).
    pub fn reused(&self, key: Key) {
        self.reused.lock().expect("memo lock").push(key);
    }

    /// How many posts and pages were taken from the previous memo.
    pub fn reused_count(&self) -> usize {
        self.reused.lock().expect("memo lock").len()
    }

    /// Remembers the key a page was rendered from.
    pub fn page(&self, output: &str, key: Key) {
        self.pages
            .lock()
            .expect("memo lock")
            .insert(output.to_string(), key);
    }

    /// The finished memo, taken out of the recorder.
    pub fn take(&self) -> Memo {
        Memo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            output: String::new(),
            entries: std::mem::take(&mut *self.entries.lock().expect("memo lock")),
            pages: std::mem::take(&mut *self.pages.lock().expect("memo lock")),
            outputs: Vec::new(),
            reused: std::mem::take(&mut *self.reused.lock().expect("memo lock")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes_of(mut memo: Memo, output: &str) -> Vec<u8> {
        let mut bytes = Vec::new();
        memo.write_to(output, &mut bytes).unwrap();
        bytes
    }

    fn memo_with_a_page() -> Memo {
        let recorder = Recorder::default();
        recorder.page("posts/a/index.html", 7);
        recorder.entry(
            9,
            EntryMemo {
                digest: std::sync::Arc::new(Digest::default()),
                toc: Vec::new(),
                heading_ids: vec!["标题".into()],
                links: Vec::new(),
                word_count: 3,
            },
        );
        recorder.take()
    }

    #[test]
    fn round_trips_for_the_same_output_folder_only() {
        let bytes = bytes_of(memo_with_a_page(), "/site/public");
        let memo = Memo::from_bytes(&bytes, "/site/public").expect("same folder");
        assert_eq!(memo.page("posts/a/index.html"), Some(7));
        assert_eq!(memo.entry(9).unwrap().heading_ids, ["标题"]);
        assert!(Memo::from_bytes(&bytes, "/elsewhere").is_none());
    }

    #[test]
    fn a_corrupt_memo_is_ignored() {
        let bytes = bytes_of(memo_with_a_page(), "/p");
        assert!(Memo::from_bytes(&bytes[..bytes.len() / 2], "/p").is_none());
        assert!(Memo::from_bytes(b"not a memo", "/p").is_none());
        let mut flipped = bytes.clone();
        flipped[10] ^= 1;
        assert!(
            Memo::from_bytes(&flipped, "/p").is_none(),
            "a flipped bit is caught"
        );
    }
}
