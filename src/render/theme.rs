//! The theme: the default templates and static files embedded in the binary, overridden file
//! by file by the site's own `templates/` and `static/`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::config::Config;
use crate::error::Diagnostic;

/// The default theme's templates, embedded at compile time.
static DEFAULT_TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");
/// The default theme's static files, embedded at compile time.
static DEFAULT_STATIC: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/static");

/// Where a template's text came from, for error messages.
#[derive(Debug, Clone)]
enum Origin {
    Embedded,
    Site(PathBuf),
}

/// The compiled templates, ready to render from any thread.
pub struct Theme {
    tera: tera::Tera,
    origins: HashMap<String, Origin>,
    fingerprint: u128,
}

impl Theme {
    /// Compiles the embedded templates with the site's `templates/` (if any) laid over them.
    /// `display_root` is what paths in messages are relative to.
    pub fn load(
        site_templates: &Path,
        display_root: &Path,
        config: &Config,
    ) -> Result<Theme, Vec<Diagnostic>> {
        let mut sources: HashMap<String, (String, Origin)> = HashMap::new();
        for file in embedded_files(&DEFAULT_TEMPLATES) {
            let text = String::from_utf8_lossy(file.contents()).into_owned();
            let name = template_name(file.path());
            sources.insert(name, (text, Origin::Embedded));
        }
        let mut errors = Vec::new();
        for (name, path) in site_files(site_templates) {
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    sources.insert(name, (text, Origin::Site(path)));
                }
                Err(e) => errors.push(Diagnostic::new(
                    crate::load::display(display_root, &path),
                    e.to_string(),
                )),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let origins: HashMap<String, Origin> = sources
            .iter()
            .map(|(name, (_, origin))| (name.clone(), origin.clone()))
            .collect();
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        tera.set_escape_fn(escape_html);
        tera.register_function(
            "url",
            UrlFunction {
                root: config.root.clone(),
            },
        );
        let templates = sources.iter().map(|(n, (t, _))| (n.as_str(), t.as_str()));
        let mut theme = Theme {
            tera: tera::Tera::default(),
            origins,
            fingerprint: fingerprint(&sources),
        };
        tera.add_raw_templates(templates.collect::<Vec<_>>())
            .map_err(|e| vec![theme.diagnostic(&e, None, display_root)])?;
        theme.tera = tera;
        Ok(theme)
    }

    /// A hash of every template's name and text: pages rendered with another theme differ.
    pub fn fingerprint(&self) -> u128 {
        self.fingerprint
    }

    /// Renders template `name` with `context` into HTML bytes; errors name the template and, where given, the
    /// source file the page comes from.
    pub fn render(
        &self,
        name: &str,
        context: &tera::Context,
        page_source: Option<&Path>,
        display_root: &Path,
    ) -> Result<Vec<u8>, Diagnostic> {
        // `render_to` skips the UTF-8 re-validation that `render` does for its `String`: the
        // output is built from `str`s, and on a big site that check alone was a tenth of render.
        let mut html = Vec::with_capacity(32 * 1024);
        self.tera
            .render_to(name, context, &mut html)
            .map_err(|e| self.diagnostic(&e, page_source, display_root))?;
        Ok(html)
    }

    /// A Tera error as a diagnostic on the template file it came from.
    fn diagnostic(&self, error: &tera::Error, page: Option<&Path>, root: &Path) -> Diagnostic {
        let chain = error_chain(error);
        let (template, line) = template_and_line(&chain);
        let path = match template.as_deref().and_then(|t| self.origins.get(t)) {
            Some(Origin::Site(path)) => crate::load::display(root, path),
            Some(Origin::Embedded) => PathBuf::from(format!(
                "templates/{} (default theme)",
                template.as_deref().unwrap_or("?")
            )),
            None => PathBuf::from("templates"),
        };
        let mut message = chain.join(": ");
        if let Some(page) = page {
            message.push_str(&format!(" (while rendering {})", page.display()));
        }
        let diagnostic = Diagnostic::new(path, message);
        match line {
            Some((l, c)) => diagnostic.at(l, c),
            None => diagnostic,
        }
    }
}

fn fingerprint(sources: &HashMap<String, (String, Origin)>) -> u128 {
    let mut names: Vec<&String> = sources.keys().collect();
    names.sort();
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for name in names {
        for part in [name.as_bytes(), sources[name].0.as_bytes()] {
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
    }
    hasher.digest128()
}

/// Every message in an error's source chain, outermost first, without repeats.
fn error_chain(error: &tera::Error) -> Vec<String> {
    let mut chain: Vec<String> = Vec::new();
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        let text = e.to_string().trim().to_string();
        if !text.is_empty() && !chain.contains(&text) {
            chain.push(text);
        }
        current = e.source();
    }
    chain
}

/// The template named in Tera's messages (`'post.html'`) and a `--> L:C` position if the
/// parser gave one.
fn template_and_line(chain: &[String]) -> (Option<String>, Option<(usize, usize)>) {
    let mut template = None;
    let mut position = None;
    for message in chain {
        if template.is_none()
            && let Some(start) = message.find('\'')
            && let Some(len) = message[start + 1..].find('\'')
        {
            template = Some(message[start + 1..start + 1 + len].to_string());
        }
        if position.is_none()
            && let Some(at) = message.find("--> ")
        {
            let rest = &message[at + 4..];
            let mut numbers = rest
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty());
            if let (Some(l), Some(c)) = (numbers.next(), numbers.next()) {
                position = l.parse().ok().zip(c.parse().ok());
            }
        }
    }
    (template, position)
}

/// The Tera function `url(path="/css/a.css")`: a site path with the root prefix, so the one
/// way to link inside the site works from a sub-path too.
struct UrlFunction {
    root: String,
}

impl tera::Function for UrlFunction {
    fn call(&self, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
        let path = args.get("path").and_then(|v| v.as_str()).ok_or_else(|| {
            tera::Error::msg("url() needs a `path` argument, e.g. url(path=\"/about/\")")
        })?;
        if path.contains("://") || path.starts_with("//") {
            return Ok(tera::Value::String(path.to_string()));
        }
        let rooted = format!("{}{}", self.root, path.trim_start_matches('/'));
        Ok(tera::Value::String(escape_html(
            &crate::config::encode_path(&rooted),
        )))
    }

    /// The result is percent-encoded and HTML-escaped above; escaping it again would double
    /// the `&amp;`s of a query string.
    fn is_safe(&self) -> bool {
        true
    }
}

/// Escapes text for HTML and XML content and quoted attributes: the five characters that
/// matter, and control characters (other than tab and line breaks) dropped, as XML 1.0 forbids
/// them. This is also Tera's autoescape: Tera's own also escapes `/`, which turns every URL
/// into `&#x2F;posts&#x2F;…` for no safety gain.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The name a template file registers under (its path below `templates/`), and the output
/// path of a static file (its path below `static/`): `/`-separated.
pub(crate) fn template_name(relative: &Path) -> String {
    relative
        .iter()
        .map(|s| s.to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn embedded_files<'a>(dir: &'a Dir<'a>) -> Vec<&'a include_dir::File<'a>> {
    let mut files: Vec<_> = dir.files().collect();
    for sub in dir.dirs() {
        files.extend(embedded_files(sub));
    }
    files
}

/// The site's own files under `dir`: name relative to `dir`, full path.
fn site_files(dir: &Path) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(dir).expect("under dir");
            (template_name(relative), e.path().to_path_buf())
        })
        .collect()
}

/// A static file to publish: embedded bytes, or a file of the site's to copy.
#[derive(Debug, Clone)]
pub enum StaticFile {
    /// A default-theme file.
    Embedded(&'static [u8]),
    /// A site file.
    Site(PathBuf),
}

/// The static files to publish: the default theme's, with the site's `static/` laid over them.
/// Keys are output paths relative to the output folder.
pub fn static_files(site_static: &Path) -> Vec<(String, StaticFile)> {
    let mut files: HashMap<String, StaticFile> = embedded_files(&DEFAULT_STATIC)
        .into_iter()
        .map(|f| (template_name(f.path()), StaticFile::Embedded(f.contents())))
        .collect();
    for (name, path) in site_files(site_static) {
        files.insert(name, StaticFile::Site(path));
    }
    let mut files: Vec<_> = files.into_iter().collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}
