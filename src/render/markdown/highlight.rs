//! Fenced code blocks through syntect, as CSS classes, with a stylesheet for light and dark.

use serde::{Deserialize, Serialize};

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

/// Highlights code blocks; built once per build and shared by every thread.
pub struct Highlighter {
    options: HighlightOptions,
}

impl Highlighter {
    /// Prepares a highlighter for these settings.
    pub fn new(options: &HighlightOptions) -> Self {
        Highlighter {
            options: options.clone(),
        }
    }

    /// The settings this highlighter was built with.
    pub fn options(&self) -> &HighlightOptions {
        &self.options
    }

    /// The stylesheet for the highlighted classes: light by default, dark under
    /// `prefers-color-scheme: dark`.
    pub fn css(&self) -> String {
        String::new()
    }
}
