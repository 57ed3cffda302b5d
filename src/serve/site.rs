//! The site in memory: building it (reusing what earlier builds parsed and rendered), and the
//! current version that the HTTP handlers read.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Instant, SystemTime};

use crate::load::LoadCache;
use crate::render::memo::{Memo, Recall};
use crate::render::{Body, Output};
use crate::{BuildOptions, Diagnostic, Error, Stopwatch};

/// Output path (UTF-8, `/`-separated, e.g. `tags/中文/index.html`) → bytes.
pub type Files = HashMap<String, Arc<[u8]>>;

/// What the server currently serves.
#[derive(Default)]
pub struct Current {
    /// The last good build.
    pub files: Arc<Files>,
    /// The error of the latest build, when it failed (the files are then the last good ones).
    pub error: Option<String>,
}

/// The shared, swappable current site.
#[derive(Default)]
pub struct SiteState {
    current: RwLock<Current>,
}

impl SiteState {
    /// The files being served.
    pub fn files(&self) -> Arc<Files> {
        self.current.read().expect("site lock").files.clone()
    }

    /// The error of the latest build, if it failed.
    pub fn error(&self) -> Option<String> {
        self.current.read().expect("site lock").error.clone()
    }

    /// Serves `files` from now on and clears the error; returns what changed.
    pub fn swap(&self, files: Arc<Files>) -> Change {
        let mut current = self.current.write().expect("site lock");
        let change = Change::between(&current.files, &files);
        current.files = files;
        current.error = None;
        change
    }

    /// Records a failed build; the previous files stay.
    pub fn fail(&self, error: String) {
        self.current.write().expect("site lock").error = Some(error);
    }
}

/// How a build's output differs from the one before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Not a byte changed.
    Nothing,
    /// Only stylesheets changed: the browser can swap them without reloading.
    StylesOnly(usize),
    /// Pages (or other files) changed; the number of changed files.
    Files(usize),
}

impl Change {
    fn between(old: &Files, new: &Files) -> Change {
        let changed: Vec<&String> = new
            .iter()
            .filter(|(path, bytes)| old.get(*path) != Some(*bytes))
            .map(|(path, _)| path)
            .chain(old.keys().filter(|path| !new.contains_key(*path)))
            .collect();
        if changed.is_empty() {
            Change::Nothing
        } else if changed.iter().all(|p| p.ends_with(".css")) {
            Change::StylesOnly(changed.len())
        } else {
            Change::Files(changed.len())
        }
    }
}

/// A finished build.
pub struct Built {
    /// Every output file.
    pub files: Arc<Files>,
    /// Warnings of the build.
    pub warnings: Vec<Diagnostic>,
    /// How many pages were rendered and how many kept from the previous build.
    pub cache: CacheStats,
    /// How long it took, in milliseconds.
    pub millis: f64,
}

/// Pages a rebuild kept from the build before, and pages it rendered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Pages kept as the previous build made them.
    pub hits: usize,
    /// Pages rendered.
    pub misses: usize,
}

/// A copied file's modification time, size and bytes.
type Copied = (SystemTime, u64, Arc<[u8]>);

/// Builds the site into memory again and again, keeping parsed documents, the last build's
/// files and memo (so unchanged pages are not rendered again), and copied files between builds.
pub struct Builder {
    options: BuildOptions,
    load: LoadCache,
    memo: Mutex<Memo>,
    previous: Mutex<Arc<Files>>,
    copies: Mutex<HashMap<PathBuf, Copied>>,
}

impl Builder {
    /// A builder for the site of `options`, with empty caches.
    pub fn new(options: BuildOptions) -> Self {
        Builder {
            options,
            load: LoadCache::new(),
            memo: Mutex::default(),
            previous: Mutex::default(),
            copies: Mutex::default(),
        }
    }

    /// Forgets the parsed documents, which depend on the config (dates are read in its time
    /// zone) in a way their file stamps cannot show. Rendered pages need nothing: their keys
    /// cover the config and the templates.
    pub fn config_changed(&self) {
        self.load.clear();
    }

    /// Builds the whole site into memory.
    pub fn build(&self) -> Result<Built, Error> {
        let start = Instant::now();
        let mut clock = Stopwatch::default();
        let prepared = crate::prepare_cached(&self.options, &mut clock, Some(&self.load))?;
        let previous = self.previous.lock().expect("previous lock").clone();
        let mut memo = std::mem::take(&mut *self.memo.lock().expect("memo lock"));
        let files = Mutex::new(Files::new());
        let stats = Mutex::new(CacheStats::default());
        let emit = |output: Output| {
            let (path, bytes, kept) = self.bytes_of(output, &previous)?;
            if path.ends_with(".html") {
                let mut stats = stats.lock().expect("stats lock");
                *(if kept {
                    &mut stats.hits
                } else {
                    &mut stats.misses
                }) += 1;
            }
            files.lock().expect("files lock").insert(path, bytes);
            Ok(())
        };
        let present = |path: &str| previous.contains_key(path);
        let recall = Recall {
            previous: &memo,
            present: &present,
        };
        let rendered = clock.time("render", || {
            crate::render_with(&prepared, &self.options, &emit, Some(recall))
        });
        let mut report = match rendered {
            Ok(report) => report,
            Err(errors) => {
                *self.memo.lock().expect("memo lock") = memo;
                return Err(Error::Site(crate::Diagnostics(errors)));
            }
        };
        if let Some(mut next) = report.memo.take() {
            next.adopt(&mut memo);
            *self.memo.lock().expect("memo lock") = next;
        }
        // The builder keeps what it serves, shared: the next rebuild keeps unchanged pages from it.
        let files = Arc::new(files.into_inner().expect("files lock"));
        *self.previous.lock().expect("previous lock") = files.clone();
        let cache = stats.into_inner().expect("stats lock");
        let mut warnings = prepared.warnings;
        warnings.extend(report.warnings);
        Ok(Built {
            files,
            warnings,
            cache,
            millis: start.elapsed().as_secs_f64() * 1000.0,
        })
    }

    /// An output's bytes, and whether they were kept from the previous build; copied files
    /// are read again only when their time or size changed.
    fn bytes_of(
        &self,
        output: Output,
        previous: &Files,
    ) -> Result<(String, Arc<[u8]>, bool), Diagnostic> {
        let bytes: Arc<[u8]> = match output.body {
            Body::Bytes(bytes) => bytes.into(),
            Body::Embedded(bytes) => bytes.into(),
            Body::Copy(source) => self.copy(&source)?,
            Body::Keep => {
                let kept = previous.get(&output.path).cloned();
                let kept = kept.ok_or_else(|| crate::write::kept_without_previous(&output.path))?;
                return Ok((output.path, kept, true));
            }
        };
        Ok((output.path, bytes, false))
    }

    fn copy(&self, source: &Path) -> Result<Arc<[u8]>, Diagnostic> {
        let error = |e: std::io::Error| Diagnostic::new(source, e.to_string());
        let meta = std::fs::metadata(source).map_err(error)?;
        let stamp = (meta.modified().map_err(error)?, meta.len());
        if let Some((m, l, bytes)) = self.copies.lock().expect("copy lock").get(source)
            && (*m, *l) == stamp
        {
            return Ok(bytes.clone());
        }
        let bytes: Arc<[u8]> = std::fs::read(source).map_err(error)?.into();
        let entry = (stamp.0, stamp.1, bytes.clone());
        self.copies
            .lock()
            .expect("copy lock")
            .insert(source.to_path_buf(), entry);
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &str)]) -> Files {
        entries
            .iter()
            .map(|(p, b)| (p.to_string(), Arc::from(b.as_bytes())))
            .collect()
    }

    #[test]
    fn classifies_changes() {
        let old = files(&[("index.html", "a"), ("css/style.css", "x")]);
        assert_eq!(Change::between(&old, &old.clone()), Change::Nothing);
        let css = files(&[("index.html", "a"), ("css/style.css", "y")]);
        assert_eq!(Change::between(&old, &css), Change::StylesOnly(1));
        let page = files(&[("index.html", "b"), ("css/style.css", "x")]);
        assert_eq!(Change::between(&old, &page), Change::Files(1));
        let removed = files(&[("css/style.css", "x")]);
        assert_eq!(Change::between(&old, &removed), Change::Files(1));
    }
}
