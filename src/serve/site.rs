//! The site in memory: building it (reusing what earlier builds parsed and rendered), and the
//! current version that the HTTP handlers read.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Instant, SystemTime};

use crate::load::{self, LoadCache};
use crate::model::Replaced;
use crate::render::cache::json_key;
use crate::render::memo::{Memo, Recall};
use crate::render::theme::{static_files, template_name};
use crate::render::views::Digest;
use crate::render::views::SiteView;
use crate::render::{Body, Output};
use crate::{BuildOptions, Diagnostic, Error, Prepared, Stopwatch};

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
            .filter(|(path, bytes)| !old.get(*path).is_some_and(|o| same_bytes(o, bytes)))
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

/// Whether two files have the same bytes; a kept file is the same allocation, which is
/// checked first (comparing 16,000 pages byte by byte on every rebuild took tens of ms).
fn same_bytes(a: &Arc<[u8]>, b: &Arc<[u8]>) -> bool {
    Arc::ptr_eq(a, b) || a == b
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
    /// Whether the last build's model was kept and only what the change touched was rendered
    /// (or copied) again, rather than everything being built (through the memo).
    pub patched: bool,
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
///
/// An edit that leaves the model as it was (the text or title of a post, a stylesheet) does not
/// go through a full build: the last build's model is kept ([`Session`]), the edited documents
/// are put in it, and only what shows them is rendered (or copied) again.
pub struct Builder {
    options: BuildOptions,
    /// `content/` and `static/` under the canonical site folder, as file events name them.
    content_dir: PathBuf,
    static_dir: PathBuf,
    load: LoadCache,
    memo: Mutex<Memo>,
    previous: Mutex<Arc<Files>>,
    copies: Mutex<HashMap<PathBuf, Copied>>,
    session: Mutex<Option<Session>>,
}

/// The last good build's model and what its posts' Markdown yielded: enough to render again
/// what an edit to a post's body touches.
struct Session {
    prepared: Prepared,
    digests: Vec<Arc<Digest>>,
    warnings: Vec<Diagnostic>,
    /// The output paths of the static files published (the theme's and the site's).
    statics: HashSet<String>,
}

/// What a changed source asks of a patch.
enum Changed<'p> {
    /// Nothing: the file came and went.
    Nothing,
    /// A post or page, by its path under `content/`.
    Document(&'p Path),
    /// A static file to copy again, by its output path.
    Static(String),
}

impl Session {
    /// Whether the site was built from the file at `relative` under `content/`.
    fn knows(&self, relative: &Path) -> bool {
        let site = &self.prepared.site;
        site.entry_from(relative).is_some() || site.assets.iter().any(|a| a.path == relative)
    }
}

impl Builder {
    /// A builder for the site of `options`, with empty caches.
    pub fn new(options: BuildOptions) -> Self {
        let root = options.root.canonicalize().unwrap_or(options.root.clone());
        Builder {
            content_dir: root.join("content"),
            static_dir: root.join("static"),
            options,
            load: LoadCache::new(),
            memo: Mutex::default(),
            previous: Mutex::default(),
            copies: Mutex::default(),
            session: Mutex::default(),
        }
    }

    /// Builds the site again after the source files `changed` changed: only what they touch
    /// when they are posts or pages whose front matter is unchanged, else everything.
    pub fn rebuild(&self, changed: &[PathBuf]) -> Result<Built, Error> {
        match self.patch(changed) {
            Some(built) => built,
            None => self.build(),
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
        // Dropped first: a failed build leaves no model behind to patch.
        *self.session.lock().expect("session lock") = None;
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
        let mut warnings = prepared.warnings.clone();
        warnings.extend(report.warnings);
        let statics = static_files(&self.options.root.join("static"));
        *self.session.lock().expect("session lock") = Some(Session {
            prepared,
            digests: report.digests,
            warnings: warnings.clone(),
            statics: statics.into_iter().map(|(name, _)| name).collect(),
        });
        Ok(Built {
            files,
            warnings,
            cache,
            millis: start.elapsed().as_secs_f64() * 1000.0,
            patched: false,
        })
    }

    /// Renders (or copies) again only what `changed` touches, in the model of the last good
    /// build: posts and pages that stay where they were, and static files already published.
    /// `None` when a full build is needed (anything else changed, or no good build yet).
    fn patch(&self, changed: &[PathBuf]) -> Option<Result<Built, Error>> {
        let start = Instant::now();
        let mut guard = self.session.lock().expect("session lock");
        let session = guard.as_mut().filter(|_| !changed.is_empty())?;
        let (mut relative, mut statics) = (Vec::new(), Vec::new());
        for path in changed {
            match self.classify(session, path)? {
                Changed::Nothing => {}
                Changed::Document(document) => relative.push(document),
                Changed::Static(name) => statics.push(Output {
                    path: name,
                    body: Body::Copy(path.clone()),
                }),
            }
        }
        let Some((replaced, load_warnings)) = self.replace_documents(session, &relative) else {
            // The model is half updated: only a full build can be trusted now.
            *guard = None;
            return None;
        };
        let previous = self.previous.lock().expect("previous lock").clone();
        let outputs = Mutex::new(Vec::new());
        let emit = |output: Output| {
            let (path, bytes, _) = self.bytes_of(output, &previous)?;
            outputs.lock().expect("outputs lock").push((path, bytes));
            Ok(())
        };
        let rendered = crate::render_changed(
            &session.prepared,
            &self.options,
            &mut session.digests,
            &replaced,
            &emit,
        );
        let mut errors: Vec<Diagnostic> =
            statics.into_iter().filter_map(|o| emit(o).err()).collect();
        let report = match rendered {
            Ok(report) if errors.is_empty() => report,
            rendered => {
                errors.extend(rendered.err().into_iter().flatten());
                // The model moved on but the files did not: only a full build can be trusted.
                *guard = None;
                return Some(Err(Error::Site(crate::Diagnostics(errors))));
            }
        };
        let outputs = outputs.into_inner().expect("outputs lock");
        let files = self.publish(&previous, &outputs);
        let sources: Vec<&Path> = report.facts.iter().map(|f| f.source.as_path()).collect();
        session
            .warnings
            .retain(|w| !sources.contains(&w.path.as_path()));
        session.warnings.extend(load_warnings);
        session.warnings.extend(report.warnings);
        let misses = outputs.iter().filter(|(p, _)| p.ends_with(".html")).count();
        let pages = files.keys().filter(|p| p.ends_with(".html")).count();
        Some(Ok(Built {
            files,
            warnings: session.warnings.clone(),
            cache: CacheStats {
                hits: pages - misses,
                misses,
            },
            millis: start.elapsed().as_secs_f64() * 1000.0,
            patched: true,
        }))
    }

    /// The previous build's files with `outputs` in place, kept for the next rebuild. The memo
    /// forgets those pages: their keys are those of the last full build, no longer of the files.
    fn publish(&self, previous: &Files, outputs: &[(String, Arc<[u8]>)]) -> Arc<Files> {
        let mut memo = self.memo.lock().expect("memo lock");
        let mut files = previous.clone();
        for (path, bytes) in outputs {
            memo.forget(path);
            files.insert(path.clone(), bytes.clone());
        }
        let files = Arc::new(files);
        *self.previous.lock().expect("previous lock") = files.clone();
        files
    }

    /// What the change of the source at `path` asks of a patch, or `None` when only a full
    /// build will do.
    fn classify<'p>(&self, session: &Session, path: &'p Path) -> Option<Changed<'p>> {
        if let Ok(relative) = path.strip_prefix(&self.content_dir) {
            if !path.exists() && !session.knows(relative) {
                // A file that came and went: an editor's (or `sed -i`'s) temporary file, or a
                // deleted draft. The site does not change.
                return Some(Changed::Nothing);
            }
            return load::is_markdown(relative).then_some(Changed::Document(relative));
        }
        // A static file that the last build published already: only its bytes change.
        let name = template_name(path.strip_prefix(&self.static_dir).ok()?);
        (path.is_file() && session.statics.contains(&name)).then_some(Changed::Static(name))
    }

    /// Loads the files at `relative` and puts each in the session's model in place of its
    /// old version; what changed and the load warnings, or `None` when one of them cannot be
    /// loaded, is new, or moves in the model, or the `site` variable every page gets changes
    /// (then everything must be built again).
    fn replace_documents(
        &self,
        session: &mut Session,
        relative: &[&Path],
    ) -> Option<(Vec<Replaced>, Vec<Diagnostic>)> {
        let content_dir = self.options.root.join("content");
        let prepared = &mut session.prepared;
        let before = json_key(&SiteView::new(&prepared.site));
        let mut replaced = Vec::new();
        let mut warnings = Vec::new();
        for path in relative {
            let loaded = load::load_document_cached(
                &content_dir,
                &self.options.root,
                path,
                &prepared.config,
                &self.load,
            );
            let (document, warning) = loaded.ok()?;
            replaced.push(prepared.site.replace_document(document, &prepared.config)?);
            warnings.extend(warning);
        }
        let after = json_key(&SiteView::new(&prepared.site));
        (after == before).then_some((replaced, warnings))
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
