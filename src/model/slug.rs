//! Slugs and safe URL paths.
//!
//! Every path segment yan writes comes through here, so no tag, category, slug or permalink can
//! name a path outside the output folder: `/` and `\` never survive inside a segment, and `.`
//! and `..` can never be a segment.

/// A single URL segment from a name (DESIGN §5): Chinese and other letters kept, ASCII
/// lower-cased, whitespace and `/ \ ? # % " < > | :` turned into `-`, runs of `-` collapsed.
/// Leading dots are dropped (no hidden files, never `.` or `..`); a name with nothing left
/// yields `-`.
pub fn slugify(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.trim().chars() {
        let mapped = if c.is_whitespace() || is_unsafe_in_path(c) {
            '-'
        } else {
            c.to_ascii_lowercase()
        };
        if mapped == '-' && slug.ends_with('-') {
            continue;
        }
        if !c.is_control() {
            slug.push(mapped);
        }
    }
    let slug = slug.trim_start_matches(['-', '.']).trim_end_matches('-');
    if slug.is_empty() {
        "-".to_string()
    } else {
        slug.to_string()
    }
}

fn is_unsafe_in_path(c: char) -> bool {
    matches!(
        c,
        '/' | '\\' | '?' | '#' | '%' | '"' | '<' | '>' | '|' | ':' | '*' | '\''
    )
}

/// A URL path from a user-written pattern or permalink: split on `/`, each segment made safe,
/// `.`/`..`/empty segments dropped. Returns `/a/b/` (or `/a/b.html` when the last segment
/// names a file).
pub fn safe_path(path: &str) -> String {
    let ends_with_slash = path.ends_with('/') || path.is_empty();
    let segments: Vec<String> = path
        .split(['/', '\\'])
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "." && *s != "..")
        .map(safe_segment)
        .collect();
    if segments.is_empty() {
        return "/".to_string();
    }
    let joined = segments.join("/");
    let is_file = !ends_with_slash && names_a_file(segments.last().expect("not empty"));
    if is_file {
        format!("/{joined}")
    } else {
        format!("/{joined}/")
    }
}

/// A file's path relative to the output folder from its path under `content/` (`posts/images/a.png`):
/// each segment made safe, `.`/`..`/empty segments dropped, no leading or trailing `/`.
pub fn safe_file_path<'a>(segments: impl Iterator<Item = &'a str>) -> String {
    segments
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "." && *s != "..")
        .map(safe_segment)
        .collect::<Vec<_>>()
        .join("/")
}

/// A segment the author wrote on purpose (a permalink): keeps its case, makes it safe.
fn safe_segment(segment: &str) -> String {
    let cleaned: String = segment
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| {
            if is_unsafe_in_path(c) || c.is_whitespace() {
                '-'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim_start_matches('.');
    if cleaned.is_empty() {
        "-".to_string()
    } else {
        cleaned.to_string()
    }
}

fn names_a_file(segment: &str) -> bool {
    segment.ends_with(".html") || segment.ends_with(".htm") || segment.ends_with(".xml")
}

/// The output file of a URL path: `/a/b/` → `a/b/index.html`, `/a/b.html` → `a/b.html`.
pub fn output_file(url_path: &str) -> String {
    let trimmed = url_path.trim_start_matches('/');
    if trimmed.is_empty() {
        "index.html".to_string()
    } else if url_path.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_chinese_and_lower_ascii() {
        assert_eq!(slugify("Rust 入门"), "rust-入门");
        assert_eq!(slugify("chatgpt plus充值"), "chatgpt-plus充值");
        assert_eq!(slugify("C# / .NET"), "c-.net");
        assert_eq!(slugify("  多个   空格  "), "多个-空格");
    }

    #[test]
    fn slugs_never_climb() {
        for evil in [
            "..",
            ".",
            "../../x",
            "a/../../b",
            "/",
            "..\\..\\x",
            "...",
            ".hidden",
        ] {
            let slug = slugify(evil);
            assert!(
                !slug.contains('/') && !slug.contains('\\'),
                "{evil} -> {slug}"
            );
            assert!(!slug.starts_with('.'), "{evil} -> {slug}");
            assert!(!slug.is_empty());
        }
        assert_eq!(slugify("../../x"), "x");
        assert_eq!(slugify("a/../../b"), "a-..-..-b");
    }

    #[test]
    fn permalinks_are_made_safe() {
        assert_eq!(safe_path("/2023/11/hello/"), "/2023/11/hello/");
        assert_eq!(safe_path("../../etc/passwd"), "/etc/passwd/");
        assert_eq!(safe_path("a/./../b.html"), "/a/b.html");
        assert_eq!(safe_path(".."), "/");
        assert_eq!(output_file("/a/b/"), "a/b/index.html");
        assert_eq!(output_file("/a/b.html"), "a/b.html");
        assert_eq!(output_file("/"), "index.html");
        let file = safe_file_path(["posts", "..", "images", "图 1.png"].into_iter());
        assert_eq!(file, "posts/images/图-1.png");
    }
}
