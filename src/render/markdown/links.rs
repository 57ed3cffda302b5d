//! Relative links and images, resolved against the source file and rewritten to site URLs.
//!
//! An author writes `![图](./images/a.png)` or `[上一篇](../rust-install.md)` so the post reads
//! right in their editor and on GitHub; the published page lives at another URL, so the target
//! is resolved to the file under `content/` and replaced by where that file is published.

use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{CowStr, Event, Tag};

use super::{LineIndex, Link, LinkKind};

/// Rewrites every link and image destination in place; returns them all, classified.
pub fn rewrite(
    events: &mut [(Event<'_>, std::ops::Range<usize>)],
    source: &Path,
    resolve: &(dyn Fn(&Path) -> Option<String> + Sync),
    lines: &LineIndex,
) -> Vec<Link> {
    let mut links = Vec::new();
    for (event, range) in events.iter_mut() {
        let (dest, is_image) = match event {
            Event::Start(Tag::Link { dest_url, .. }) => (dest_url, false),
            Event::Start(Tag::Image { dest_url, .. }) => (dest_url, true),
            _ => continue,
        };
        let target = dest.to_string();
        let (kind, href) = classify(&target, source, resolve);
        if href != target {
            *dest = CowStr::from(href.clone());
        }
        links.push(Link {
            is_image,
            target,
            href,
            kind,
            line: lines.line_of(range.start),
        });
    }
    links
}

/// What `target` points at and the href to write.
fn classify(
    target: &str,
    source: &Path,
    resolve: &(dyn Fn(&Path) -> Option<String> + Sync),
) -> (LinkKind, String) {
    if target.starts_with('#') {
        return (LinkKind::Anchor, target.to_string());
    }
    if target.starts_with('/') || target.starts_with("//") {
        return (LinkKind::Absolute, target.to_string());
    }
    if has_scheme(target) || target.is_empty() {
        return (LinkKind::External, target.to_string());
    }
    let (path_part, suffix) = split_suffix(target);
    let decoded = percent_encoding::percent_decode_str(path_part).decode_utf8_lossy();
    let base = source.parent().unwrap_or(Path::new(""));
    match normalize(&base.join(decoded.as_ref())).and_then(|p| resolve(&p)) {
        Some(url) => (LinkKind::Resolved, format!("{url}{suffix}")),
        None => (LinkKind::Unresolved, target.to_string()),
    }
}

/// `mailto:`, `https:`, `data:`… — a scheme is letters (and `+.-`) before the first `:`, and
/// comes before any `/`.
fn has_scheme(target: &str) -> bool {
    match target.find(':') {
        Some(colon) => {
            let scheme = &target[..colon];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        }
        None => false,
    }
}

/// Splits `a/b.md?x#y` into `a/b.md` and `?x#y`.
fn split_suffix(target: &str) -> (&str, &str) {
    let cut = target.find(['?', '#']).unwrap_or(target.len());
    target.split_at(cut)
}

/// Resolves `.` and `..` lexically; `None` when the path climbs above `content/`.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => normal.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                if !normal.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(normal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolver(path: &Path) -> Option<String> {
        match path.to_str()? {
            "posts/images/图 1.png" => Some("/posts/images/%E5%9B%BE-1.png".into()),
            "posts/other.md" => Some("/posts/other/".into()),
            "about.md" => Some("/about/".into()),
            _ => None,
        }
    }

    fn check(target: &str) -> (LinkKind, String) {
        classify(target, Path::new("posts/this.md"), &resolver)
    }

    #[test]
    fn relative_targets_resolve_against_the_source() {
        assert_eq!(
            check("./other.md"),
            (LinkKind::Resolved, "/posts/other/".into())
        );
        assert_eq!(
            check("other.md#第二节"),
            (LinkKind::Resolved, "/posts/other/#第二节".into())
        );
        assert_eq!(check("../about.md"), (LinkKind::Resolved, "/about/".into()));
        assert_eq!(
            check("images/%E5%9B%BE%201.png"),
            (LinkKind::Resolved, "/posts/images/%E5%9B%BE-1.png".into())
        );
        assert_eq!(check("./images/图 1.png").0, LinkKind::Resolved);
    }

    #[test]
    fn other_targets_are_left_alone() {
        assert_eq!(check("https://example.com").0, LinkKind::External);
        assert_eq!(check("mailto:a@b.c").0, LinkKind::External);
        assert_eq!(check("#标题").0, LinkKind::Anchor);
        assert_eq!(check("/about/").0, LinkKind::Absolute);
        assert_eq!(
            check("../../../etc/passwd"),
            (LinkKind::Unresolved, "../../../etc/passwd".into())
        );
        assert_eq!(check("missing.png").0, LinkKind::Unresolved);
    }
}
