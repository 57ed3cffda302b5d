//! Fenced code blocks through syntect, as CSS classes, with a stylesheet for light and dark.
//!
//! The syntax set is loaded once per process from syntect's binary dump. Each block gets its
//! own `ClassedHTMLGenerator` (it holds parse state), but nothing else is rebuilt per block.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use crate::render::code_cache::CodeCache;

/// Highlighting settings from `config.yaml` (`highlight:`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HighlightOptions {
    /// syntect theme for light mode.
    pub light: String,
    /// syntect theme for dark mode.
    pub dark: String,
    /// Number the lines of every code block.
    pub line_numbers: bool,
}

impl Default for HighlightOptions {
    fn default() -> Self {
        HighlightOptions {
            light: "InspiredGitHub".to_string(),
            dark: "base16-ocean.dark".to_string(),
            line_numbers: false,
        }
    }
}

/// The languages every build can highlight, loaded on first use.
fn syntaxes() -> &'static SyntaxSet {
    static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn themes() -> &'static ThemeSet {
    static THEMES: OnceLock<ThemeSet> = OnceLock::new();
    THEMES.get_or_init(ThemeSet::load_defaults)
}

/// The names of the themes `highlight.light` and `highlight.dark` accept.
pub fn theme_names() -> Vec<&'static str> {
    themes().themes.keys().map(String::as_str).collect()
}

/// Highlights code blocks; built once per build and shared by every thread.
pub struct Highlighter {
    options: HighlightOptions,
    cache: OnceLock<CodeCache>,
    /// Reads the cache of earlier builds, on the first block that needs highlighting (a build
    /// that highlights nothing never reads it).
    load_cache: Option<CacheLoader>,
}

/// Produces the code-block cache when it is first needed.
pub type CacheLoader = Box<dyn Fn() -> CodeCache + Send + Sync>;

impl Highlighter {
    /// Prepares a highlighter for these settings (theme names are checked with the config).
    pub fn new(options: &HighlightOptions) -> Self {
        Highlighter {
            options: options.clone(),
            cache: OnceLock::new(),
            load_cache: None,
        }
    }

    /// The same highlighter, reusing blocks highlighted by earlier builds: `load` is called
    /// once, when the first block needs highlighting.
    pub fn with_cache(mut self, load: CacheLoader) -> Self {
        self.load_cache = Some(load);
        self
    }

    /// The cache, if this build used it, to be saved after the build.
    pub fn cache(&self) -> Option<&CodeCache> {
        self.cache.get()
    }

    fn active_cache(&self) -> Option<&CodeCache> {
        let load = self.load_cache.as_ref()?;
        Some(self.cache.get_or_init(load))
    }

    /// What a block's HTML depends on besides its text: the cache key's salt.
    pub fn cache_salt(options: &HighlightOptions) -> String {
        format!(
            "yan {} syntect 5.3 line_numbers={}",
            env!("CARGO_PKG_VERSION"),
            options.line_numbers
        )
    }

    /// The settings this highlighter was built with.
    pub fn options(&self) -> &HighlightOptions {
        &self.options
    }

    /// The HTML of one code block: `<pre class="code" data-lang="…"><code class="language-…">`
    /// with syntect's classed spans, or escaped text for plain or unknown languages.
    pub fn highlight_block(&self, lang: Option<&str>, code: &str) -> String {
        let lang = lang.map(str::trim).filter(|l| !l.is_empty());
        let syntax = lang.and_then(find_syntax);
        let inner = match (syntax, syntax.and_then(|_| self.active_cache())) {
            (None, _) => escape(code),
            (Some(syntax), Some(cache)) => {
                cache.get_or_insert_with(&syntax.name, code, || classed(syntax, code))
            }
            (Some(syntax), None) => classed(syntax, code),
        };
        let inner = if self.options.line_numbers {
            number_lines(&inner)
        } else {
            inner
        };
        let mut html = String::with_capacity(inner.len() + 96);
        match lang {
            Some(lang) => {
                let lang = escape(lang);
                html.push_str(&format!(
                    "<pre class=\"code\" data-lang=\"{lang}\"><code class=\"language-{lang}\">"
                ));
            }
            None => html.push_str("<pre class=\"code\"><code>"),
        }
        html.push_str(&inner);
        html.push_str("</code></pre>\n");
        html
    }

    /// The stylesheet for the highlighted classes: the light theme, and the dark one under
    /// `prefers-color-scheme: dark`. Each is scoped to its scheme so that a class one theme
    /// colours and the other does not never leaks light colours onto a dark background.
    pub fn css(&self) -> String {
        let css_of = |name: &str| {
            let theme = themes()
                .themes
                .get(name)
                .or_else(|| themes().themes.get(&HighlightOptions::default().light))
                .expect("syntect ships its default themes");
            css_for_theme_with_class_style(theme, ClassStyle::Spaced).unwrap_or_default()
        };
        format!(
            "/* generated by yan from syntect themes: {light} (light), {dark} (dark) */\n@media (prefers-color-scheme: light) {{\n{light_css}}}\n@media (prefers-color-scheme: dark) {{\n{dark_css}}}\n",
            light = self.options.light,
            dark = self.options.dark,
            light_css = css_of(&self.options.light),
            dark_css = css_of(&self.options.dark),
        )
    }
}

/// Languages that need no highlighting: skip syntect entirely for them.
const PLAIN: &[&str] = &["text", "txt", "plain", "plaintext", "output", "log"];

/// Common fence names syntect's tokens do not cover.
const ALIASES: &[(&str, &str)] = &[
    ("js", "JavaScript"),
    ("javascript", "JavaScript"),
    ("jsx", "JavaScript"),
    ("ts", "JavaScript"),
    ("typescript", "JavaScript"),
    ("sh", "Bourne Again Shell (bash)"),
    ("shell", "Bourne Again Shell (bash)"),
    ("zsh", "Bourne Again Shell (bash)"),
    ("console", "Bourne Again Shell (bash)"),
    ("dockerfile", "Bourne Again Shell (bash)"),
    ("toml", "Makefile"),
    ("vue", "HTML"),
];

fn find_syntax(lang: &str) -> Option<&'static SyntaxReference> {
    let lower = lang.to_ascii_lowercase();
    if PLAIN.contains(&lower.as_str()) {
        return None;
    }
    let syntaxes = syntaxes();
    syntaxes.find_syntax_by_token(&lower).or_else(|| {
        ALIASES
            .iter()
            .find(|(alias, _)| *alias == lower)
            .and_then(|(_, name)| syntaxes.find_syntax_by_name(name))
    })
}

fn classed(syntax: &SyntaxReference, code: &str) -> String {
    let mut generator =
        ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes(), ClassStyle::Spaced);
    for line in LinesWithEndings::from(code) {
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            // syntect gives up on pathological input; the block is still shown, unhighlighted.
            return escape(code);
        }
    }
    generator.finalize()
}

/// Wraps each line in `<span class="line">` so CSS counters can number them.
fn number_lines(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 4);
    for line in html.split_inclusive('\n') {
        out.push_str("<span class=\"line\">");
        out.push_str(line.strip_suffix('\n').unwrap_or(line));
        out.push_str("</span>\n");
    }
    out
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    pulldown_cmark_escape::escape_html(&mut out, text).expect("writing to a String");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn highlighter() -> Highlighter {
        Highlighter::new(&HighlightOptions::default())
    }

    #[test]
    fn known_languages_get_classes() {
        let html = highlighter().highlight_block(Some("rust"), "fn main() {}\n");
        assert!(
            html.starts_with(
                "<pre class=\"code\" data-lang=\"rust\"><code class=\"language-rust\">"
            )
        );
        assert!(
            html.contains("<span class=\"storage type function rust\">fn</span>"),
            "{html}"
        );
        for lang in ["python", "go", "js", "bash", "toml", "json", "yaml", "sql"] {
            let html = highlighter().highlight_block(Some(lang), "x = 1\n");
            assert!(html.contains("<span class="), "{lang}: {html}");
        }
    }

    #[test]
    fn unknown_and_plain_languages_are_escaped() {
        let html = highlighter().highlight_block(Some("no-such-lang"), "<b>&</b>\n");
        assert!(html.contains("&lt;b&gt;&amp;&lt;/b&gt;"));
        let html = highlighter().highlight_block(None, "a < b\n");
        assert_eq!(html, "<pre class=\"code\"><code>a &lt; b\n</code></pre>\n");
    }

    #[test]
    fn css_scopes_each_theme_to_its_scheme() {
        let css = highlighter().css();
        let dark = css.find("prefers-color-scheme: dark").unwrap();
        assert!(css.find("prefers-color-scheme: light").unwrap() < dark);
        assert!(css.contains(".code {") || css.contains(".code{"), "{css}");
    }

    #[test]
    fn line_numbers_wrap_lines() {
        let options = HighlightOptions {
            line_numbers: true,
            ..Default::default()
        };
        let html = Highlighter::new(&options).highlight_block(Some("text"), "a\nb\n");
        assert!(html.contains("<span class=\"line\">a</span>\n<span class=\"line\">b</span>\n"));
    }
}
