//! Test helpers: write a fixture site into a temp dir, build it, read what was produced.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// A site in a temporary folder.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    /// An empty site with this `config.yaml`.
    pub fn new(config: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let fixture = Fixture { dir };
        fixture.write("config.yaml", config);
        fixture
    }

    /// The site folder.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file under the site folder, creating folders.
    pub fn write(&self, relative: &str, text: &str) -> &Self {
        self.write_bytes(relative, text.as_bytes())
    }

    /// Writes raw bytes under the site folder.
    pub fn write_bytes(&self, relative: &str, bytes: &[u8]) -> &Self {
        let path = self.root().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
        self
    }

    /// Writes a post with this front matter (without fences) and body.
    pub fn post(&self, name: &str, front: &str, body: &str) -> &Self {
        self.write(
            &format!("content/posts/{name}"),
            &format!("---\n{front}\n---\n{body}"),
        )
    }

    /// Build options for this site.
    pub fn options(&self) -> yan::BuildOptions {
        yan::BuildOptions::new(self.root())
    }

    /// Builds with default options; panics with every diagnostic on failure.
    pub fn build(&self) -> yan::BuildReport {
        match yan::build(&self.options()) {
            Ok(report) => report,
            Err(e) => panic!("build failed:\n{e}"),
        }
    }

    /// The output folder.
    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    /// A file of the output as text; panics naming it when missing.
    pub fn read(&self, relative: &str) -> String {
        let path = self.public().join(relative);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Whether the output has this file.
    pub fn has(&self, relative: &str) -> bool {
        self.public().join(relative).is_file()
    }
}

/// Every file under `dir`, relative, `/`-separated, sorted.
pub fn files_under(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    files.sort();
    files
}

/// Every file under `dir` with its bytes, for before/after comparisons.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files_under(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

/// The values of every `href="…"` and `src="…"` attribute in an HTML page.
pub fn links_in(html: &str) -> Vec<String> {
    yan::check::attribute_values(html, &["href", "src"])
}

/// Percent-decodes a URL path.
pub fn decode(path: &str) -> String {
    percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .expect("utf-8 path")
        .into_owned()
}
