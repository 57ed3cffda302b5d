//! yan (砚): a static-site generator for Chinese tech-tutorial blogs.
//!
//! The build is a pipeline of plain data: **load** (`config.yaml`, `content/`) → **model**
//! (URLs, taxonomies, archives) → **render** (Markdown, templates, feeds) → **write** (staging
//! folder, then swap). [`build`] reads as that table of contents.
#![warn(missing_docs)]

pub mod check;
pub mod config;
pub mod error;
pub mod load;
pub mod model;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod write;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use error::{Diagnostic, Diagnostics, Error, Result};

use config::Config;
use model::Site;
use render::code_cache::{self, CodeCache};
use render::markdown::Highlighter;
use render::memo::{self, Memo, Recall};
use render::theme::Theme;
use render::{Output, RenderContext, RenderReport};

/// What to build, from the command line.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder (holds `config.yaml`, `content/`, …).
    pub root: PathBuf,
    /// The config file, if not `<root>/config.yaml`.
    pub config_file: Option<PathBuf>,
    /// The output folder, if not `<root>/public`.
    pub output: Option<PathBuf>,
    /// Include drafts.
    pub drafts: bool,
    /// Override the config's `url` (and so `root`) for this build.
    pub base_url: Option<String>,
}

impl BuildOptions {
    /// Options for the site in `root` with every default.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            ..Default::default()
        }
    }

    /// The output folder.
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }

    fn config_path(&self) -> PathBuf {
        self.config_file
            .clone()
            .unwrap_or_else(|| self.root.join(config::CONFIG_FILE))
    }
}

/// What a finished build did.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// Posts built.
    pub posts: usize,
    /// Standalone pages built.
    pub pages: usize,
    /// Tags.
    pub tags: usize,
    /// Categories at every level.
    pub categories: usize,
    /// Files in the output.
    pub files: usize,
    /// Files whose bytes changed.
    pub changed: usize,
    /// Problems that did not stop the build.
    pub warnings: Vec<Diagnostic>,
    /// Time of each phase.
    pub timings: Vec<(&'static str, Duration)>,
    /// Total time.
    pub elapsed: Duration,
}

/// A loaded and modelled site: everything up to rendering.
pub struct Prepared {
    /// The checked configuration.
    pub config: Config,
    /// The model.
    pub site: Site,
    /// The compiled templates.
    pub theme: Theme,
    /// The code highlighter, with the blocks cached by earlier builds.
    pub highlighter: Highlighter,
    /// Warnings from loading.
    pub warnings: Vec<Diagnostic>,
}

/// Times each phase of a build.
#[derive(Debug, Default)]
pub struct Stopwatch {
    phases: Vec<(&'static str, Duration)>,
    started: Option<Instant>,
}

impl Stopwatch {
    /// Runs `work` as the phase named `phase`.
    pub fn time<T>(&mut self, phase: &'static str, work: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        self.started.get_or_insert(start);
        let result = work();
        self.phases.push((phase, start.elapsed()));
        result
    }

    /// Each phase timed so far, in order.
    pub fn phases(&self) -> &[(&'static str, Duration)] {
        &self.phases
    }

    /// Time since the first phase started.
    pub fn elapsed(&self) -> Duration {
        self.started.map(|s| s.elapsed()).unwrap_or_default()
    }
}

/// Builds the site into its output folder. On any error the previous output is left exactly as
/// it was, and every problem of the run is reported at once.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let mut clock = Stopwatch::default();
    let output_dir = options.output_dir();
    write::check_output_folder(&output_dir, &options.root)?;
    let prepared = prepare(options, &mut clock)?;
    let memo_key = write::absolute(&output_dir).to_string_lossy().into_owned();
    let mut previous = clock.time("memo", || load_memo(options, &memo_key));
    let sink = write::DiskSink::create(&output_dir)?;
    let present = |path: &str| write::contained(&output_dir, path).is_some_and(|p| p.is_file());
    let recall = Recall {
        previous: &previous,
        present: &present,
    };
    let emit = |o| sink.put(o);
    let rendered = clock.time("render", || {
        render_with(&prepared, options, &emit, Some(recall))
    });
    let mut render_report = match rendered {
        Ok(report) => report,
        Err(errors) => {
            sink.abandon()?;
            return Err(Error::Site(Diagnostics(errors)));
        }
    };
    let changed = sink.changed_files();
    let outputs = clock.time("write", || sink.commit(previous.outputs()))?;
    let complete = render_report.reused == 0;
    let memo = render_report.memo.take();
    let mut report = report(&prepared, render_report, changed, &clock);
    // The model is no longer needed: free it before the caches are written.
    let Prepared { highlighter, .. } = prepared;
    save_code_cache(options, &highlighter, complete)?;
    drop(highlighter);
    if let Some(mut memo) = memo {
        memo.set_outputs(outputs);
        memo.adopt(&mut previous);
        drop(previous);
        let dir = options.root.join(CACHE_DIR);
        write::save_atomically_with(&dir, memo::FILE_NAME, |out| memo.write_to(&memo_key, out))?;
    }
    report.elapsed = clock.elapsed();
    Ok(report)
}

/// Loads the configuration, content and templates and builds the model.
pub fn prepare(options: &BuildOptions, clock: &mut Stopwatch) -> Result<Prepared> {
    prepare_cached(options, clock, None)
}

/// [`prepare`], re-parsing only the content files that changed since they entered `cache`.
pub fn prepare_cached(
    options: &BuildOptions,
    clock: &mut Stopwatch,
    cache: Option<&load::LoadCache>,
) -> Result<Prepared> {
    let config = clock.time("config", || load_config(options))?;
    let content_dir = options.root.join("content");
    let content = clock.time("load", || {
        load::load_content_with(&content_dir, &options.root, &config, cache).map_err(site_error)
    })?;
    let warnings = content.warnings.clone();
    let theme = clock.time("templates", || {
        Theme::load(&options.root.join("templates"), &options.root, &config).map_err(site_error)
    });
    let site = clock.time("model", || {
        model::build_site(content, &config, options.drafts, Path::new("content"))
            .map_err(site_error)
    });
    let (theme, site) = combine_errors(theme, site)?;
    let highlighter = load_highlighter(options, &config);
    Ok(Prepared {
        config,
        site,
        theme,
        highlighter,
        warnings,
    })
}

fn site_error(diagnostics: Vec<Diagnostic>) -> Error {
    Error::Site(Diagnostics(diagnostics))
}

/// Both results, or every diagnostic of both.
fn combine_errors<A, B>(a: Result<A>, b: Result<B>) -> Result<(A, B)> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(Error::Site(mut x)), Err(Error::Site(y))) => {
            x.0.extend(y.0);
            Err(Error::Site(x))
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

/// Where a site keeps what yan caches between builds.
pub const CACHE_DIR: &str = ".yan-cache";

/// A highlighter primed with the code blocks highlighted by earlier builds (an unreadable,
/// stale or corrupt cache just starts empty).
fn load_highlighter(options: &BuildOptions, config: &Config) -> Highlighter {
    let salt = Highlighter::cache_salt(&config.highlight);
    let path = options.root.join(CACHE_DIR).join(code_cache::FILE_NAME);
    let load = move || match std::fs::read(&path) {
        Ok(bytes) => CodeCache::from_bytes(&bytes, &salt),
        Err(_) => CodeCache::new(&salt),
    };
    Highlighter::new(&config.highlight).with_cache(Box::new(load))
}

/// The memo of the previous build into this output folder, or an empty one.
fn load_memo(options: &BuildOptions, output: &str) -> Memo {
    let path = options.root.join(CACHE_DIR).join(memo::FILE_NAME);
    std::fs::read(path)
        .ok()
        .and_then(|bytes| Memo::from_bytes(&bytes, output))
        .unwrap_or_default()
}

/// Stores the code-block cache when this build changed it; `complete` when every document was
/// rendered (so unused blocks can go).
fn save_code_cache(
    options: &BuildOptions,
    highlighter: &Highlighter,
    complete: bool,
) -> Result<()> {
    match highlighter.cache() {
        Some(cache) if cache.is_dirty(complete) => {
            let dir = options.root.join(CACHE_DIR);
            write::save_atomically(&dir, code_cache::FILE_NAME, &cache.to_bytes(complete))
        }
        _ => Ok(()),
    }
}

fn load_config(options: &BuildOptions) -> Result<Config> {
    let config = Config::load(&options.config_path()).map_err(|e| match e {
        Error::Site(Diagnostics(d)) => Error::Site(Diagnostics(
            d.into_iter()
                .map(|mut d| {
                    d.path = load::display(&options.root, &d.path);
                    d
                })
                .collect(),
        )),
        other => other,
    })?;
    Ok(match &options.base_url {
        Some(url) => config.with_base_url(url),
        None => config,
    })
}

/// Renders a prepared site, handing every file to `emit`.
pub fn render_into(
    prepared: &Prepared,
    options: &BuildOptions,
    emit: &render::Emit<'_>,
) -> std::result::Result<RenderReport, Vec<Diagnostic>> {
    render_with(prepared, options, emit, None)
}

/// Renders a prepared site, skipping what `recall` shows unchanged since the previous build
/// (such pages are emitted as [`render::Body::Keep`]); the report carries the new memo.
pub fn render_with(
    prepared: &Prepared,
    options: &BuildOptions,
    emit: &render::Emit<'_>,
    recall: Option<Recall<'_>>,
) -> std::result::Result<RenderReport, Vec<Diagnostic>> {
    let ctx = render_context(prepared, options);
    let ctx = match recall {
        Some(recall) => ctx.with_memo(recall),
        None => ctx,
    };
    render::render_site(&ctx, emit)
}

/// Renders again what the documents replaced in the model by
/// [`model::Site::replace_document`] affect; `digests` are the previous render's and are
/// updated. See [`render::render_changed`].
pub fn render_changed(
    prepared: &Prepared,
    options: &BuildOptions,
    digests: &mut [std::sync::Arc<render::views::Digest>],
    changed: &[model::Replaced],
    emit: &render::Emit<'_>,
) -> std::result::Result<RenderReport, Vec<Diagnostic>> {
    let ctx = render_context(prepared, options);
    render::render_changed(&ctx, digests, changed, emit)
}

fn render_context<'a>(prepared: &'a Prepared, options: &'a BuildOptions) -> RenderContext<'a> {
    RenderContext::new(
        &prepared.site,
        &load::read_body,
        &prepared.config,
        &prepared.theme,
        &prepared.highlighter,
        Path::new("content"),
        &options.root,
    )
}

/// Builds the site in memory (for `serve` and `check`): the files by output path, and the
/// render report with every page's links and anchors.
pub fn build_in_memory(
    options: &BuildOptions,
) -> Result<(
    Prepared,
    RenderReport,
    std::collections::HashMap<String, Vec<u8>>,
)> {
    let prepared = prepare(options, &mut Stopwatch::default())?;
    let sink = write::MemorySink::new();
    let report = render_into(&prepared, options, &|o: Output| sink.put(o)).map_err(site_error)?;
    Ok((prepared, report, sink.into_files()))
}

fn report(
    prepared: &Prepared,
    rendered: RenderReport,
    changed: usize,
    clock: &Stopwatch,
) -> BuildReport {
    let site = &prepared.site;
    let mut warnings = prepared.warnings.clone();
    warnings.extend(rendered.warnings);
    BuildReport {
        posts: site.posts.len(),
        pages: site.pages.len(),
        tags: site.tags.len(),
        categories: site.categories.len(),
        files: rendered.files,
        changed,
        warnings,
        elapsed: clock.elapsed(),
        timings: clock.phases.clone(),
    }
}
