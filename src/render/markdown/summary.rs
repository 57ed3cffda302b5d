//! Summaries: the part above `<!-- more -->`, or an automatic excerpt cut at a sentence end.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// Index of the `<!-- more -->` marker among `events`, if the author wrote one.
pub fn find_more(events: &[Event<'_>]) -> Option<usize> {
    events.iter().position(|e| match e {
        Event::Html(html) | Event::InlineHtml(html) => is_more(html),
        _ => false,
    })
}

fn is_more(html: &str) -> bool {
    let inner = html.trim();
    inner
        .strip_prefix("<!--")
        .and_then(|s| s.strip_suffix("-->"))
        .is_some_and(|s| s.trim() == "more")
}

/// Summary events made fit for a listing page, where many posts share one page: `#anchor`
/// links point at the post, and heading ids, heading anchors and footnote references (whose
/// targets are not on the listing) are left out.
pub fn for_listing<'a>(events: Vec<Event<'a>>, url: &str) -> Vec<Event<'a>> {
    events
        .into_iter()
        .filter_map(|event| match event {
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) => Some(Event::Start(Tag::Heading {
                level,
                id: None,
                classes,
                attrs,
            })),
            Event::InlineHtml(html) if html.starts_with(super::headings::ANCHOR_START) => None,
            Event::FootnoteReference(_) => None,
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if dest_url.starts_with('#') => {
                let dest_url = CowStr::from(format!("{url}{dest_url}"));
                Some(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }))
            }
            other => Some(other),
        })
        .collect()
}

/// `events[..end]` with every tag still open at `end` closed, so the HTML is well-formed.
pub fn closed_prefix<'a>(events: &[Event<'a>], end: usize) -> Vec<Event<'a>> {
    let mut prefix: Vec<Event<'a>> = events[..end].to_vec();
    let mut open: Vec<TagEnd> = Vec::new();
    for event in &prefix {
        match event {
            Event::Start(tag) => open.push(tag.to_end()),
            Event::End(_) => {
                open.pop();
            }
            _ => {}
        }
    }
    prefix.extend(open.into_iter().rev().map(Event::End));
    prefix
}

/// The leading paragraphs, lists and quotes of a document, about `length` characters of text:
/// whole blocks while they fit, then the block that crosses the limit cut at its last sentence
/// end (`。！？.!?`) before the limit, tags closed. Headings, code and tables are skipped.
/// Returns the events and whether anything was left out.
pub fn excerpt<'a>(events: &[Event<'a>], length: usize) -> (Vec<Event<'a>>, bool) {
    let mut out: Vec<Event<'a>> = Vec::new();
    let mut taken = 0;
    let mut skipped = false;
    let mut i = 0;
    while i < events.len() {
        let end = block_end(events, i);
        let block = &events[i..end];
        if !is_prose(block) {
            skipped = true;
            i = end;
            continue;
        }
        let size = text_len(block);
        if taken + size <= length {
            out.extend_from_slice(block);
            taken += size;
            i = end;
            continue;
        }
        if let Some(cut) = cut_block(block, length - taken) {
            out.extend(cut);
        } else if out.is_empty() {
            out.extend_from_slice(block);
        }
        return (out, true);
    }
    (out, skipped)
}

/// The index just past the block starting at `start`.
fn block_end(events: &[Event<'_>], start: usize) -> usize {
    if !matches!(events[start], Event::Start(_)) {
        return start + 1;
    }
    let mut depth = 0;
    for (offset, event) in events[start..].iter().enumerate() {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return start + offset + 1;
                }
            }
            _ => {}
        }
    }
    events.len()
}

fn is_prose(block: &[Event<'_>]) -> bool {
    matches!(
        block.first(),
        Some(Event::Start(
            Tag::Paragraph | Tag::List(_) | Tag::BlockQuote(_)
        ))
    )
}

fn text_len(events: &[Event<'_>]) -> usize {
    events
        .iter()
        .map(|e| match e {
            Event::Text(t) | Event::Code(t) => t.chars().count(),
            _ => 0,
        })
        .sum()
}

/// The block cut at the last sentence end within `budget` characters, tags closed; `None`
/// when no sentence ends that early.
fn cut_block<'a>(block: &[Event<'a>], budget: usize) -> Option<Vec<Event<'a>>> {
    let mut seen = 0;
    let mut best: Option<(usize, usize)> = None;
    for (index, event) in block.iter().enumerate() {
        let Event::Text(text) = event else {
            if let Event::Code(code) = event {
                seen += code.chars().count();
            }
            continue;
        };
        for (byte, c) in text.char_indices() {
            seen += 1;
            if seen > budget {
                break;
            }
            if matches!(c, '。' | '！' | '？' | '.' | '!' | '?') {
                best = Some((index, byte + c.len_utf8()));
            }
        }
        if seen > budget {
            break;
        }
    }
    let (index, byte) = best?;
    let Event::Text(text) = &block[index] else {
        unreachable!("best is a text event")
    };
    let mut events = block[..index].to_vec();
    events.push(Event::Text(CowStr::from(text[..byte].to_string())));
    Some(closed_prefix(&events, events.len()))
}
