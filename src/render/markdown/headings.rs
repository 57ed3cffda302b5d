//! Heading ids, anchor links and the table of contents.
//!
//! Ids keep Chinese: `## 什么是 ChatGPT？` gets `什么是-chatgpt`, because a reader of a
//! Chinese blog shares links to Chinese headings. An explicit `{#id}` wins; duplicates are
//! numbered `-1`, `-2`, and never collide with explicit ids.

use std::collections::HashSet;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::TocEntry;

/// The id a heading's text gets: letters and digits of any script kept, ASCII lower-cased,
/// whitespace and `-` runs become one `-`, everything else dropped; never empty.
pub fn heading_id(text: &str) -> String {
    let mut id = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' {
            id.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-') && !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-');
    if id.is_empty() {
        "section".to_string()
    } else {
        id.to_string()
    }
}

/// How every heading's anchor link begins, so summaries can leave them out.
pub const ANCHOR_START: &str = " <a class=\"heading-anchor\" href=\"#";

/// Gives every heading a unique id and an anchor link; returns the ids and the h2–h4 tree.
pub fn assign_ids(events: &mut Vec<Event<'_>>) -> (Vec<String>, Vec<TocEntry>) {
    let mut used: HashSet<String> = explicit_ids(events);
    let mut ids = Vec::new();
    let mut flat: Vec<(u8, String, String)> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let Event::Start(Tag::Heading { level, id, .. }) = &events[i] else {
            i += 1;
            continue;
        };
        let (level, explicit) = (*level, id.clone());
        let end = find_end(events, i);
        let title = plain_text(&events[i + 1..end]);
        let id = match explicit {
            Some(id) => id.to_string(),
            None => unique(heading_id(&title), &mut used),
        };
        if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
            *slot = Some(CowStr::from(id.clone()));
        }
        let anchor = format!(
            "{ANCHOR_START}{}\" aria-hidden=\"true\">#</a>",
            escape_attribute(&id)
        );
        events.insert(end, Event::InlineHtml(anchor.into()));
        let depth = level as u8;
        if (2..=4).contains(&depth) {
            flat.push((depth, id.clone(), title));
        }
        ids.push(id);
        i = end + 2;
    }
    (ids, nest(flat))
}

fn explicit_ids(events: &[Event<'_>]) -> HashSet<String> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            _ => None,
        })
        .collect()
}

fn find_end(events: &[Event<'_>], start: usize) -> usize {
    events[start..]
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
        .map_or(events.len(), |offset| start + offset)
}

/// `base`, or `base-1`, `base-2`… whichever is free first.
fn unique(base: String, used: &mut HashSet<String>) -> String {
    let mut id = base.clone();
    let mut n = 1;
    while used.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    used.insert(id.clone());
    id
}

/// The text of inline events, without markup.
pub fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

/// Nests a flat list of (level, id, title) so deeper headings sit under the nearest shallower
/// one; a skipped level (h4 right after h2) nests directly.
fn nest(flat: Vec<(u8, String, String)>) -> Vec<TocEntry> {
    let mut roots: Vec<TocEntry> = Vec::new();
    for (level, id, title) in flat {
        let entry = TocEntry {
            level,
            id,
            title,
            children: Vec::new(),
        };
        insert(&mut roots, entry);
    }
    roots
}

fn insert(siblings: &mut Vec<TocEntry>, entry: TocEntry) {
    match siblings.last_mut() {
        Some(last) if last.level < entry.level => insert(&mut last.children, entry),
        _ => siblings.push(entry),
    }
}

fn escape_attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_href(&mut out, text).expect("writing to a String");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_keep_chinese_and_drop_punctuation() {
        assert_eq!(heading_id("什么是 ChatGPT？"), "什么是-chatgpt");
        assert_eq!(heading_id("Rust 的「所有权」规则！"), "rust-的所有权规则");
        assert_eq!(heading_id("  Hello,   World!  "), "hello-world");
        assert_eq!(heading_id("？！"), "section");
        assert_eq!(heading_id("Ｆｕｌｌ　ｗｉｄｔｈ"), "ｆｕｌｌ-ｗｉｄｔｈ");
    }
}
