//! Chinese, Japanese and Korean text: the fixes CommonMark needs for it.
//!
//! - A soft line break between two CJK characters is nothing, not a space: authors wrap long
//!   Chinese lines in their editors, and a space in the middle of a sentence is a typo.
//! - `**强调：**后面` is emphasis. CommonMark's flanking rules treat the `：` before the closing
//!   `**` as punctuation that must be followed by space or punctuation, which Chinese never
//!   writes. The relaxation here follows markdown-it-cjk-friendly: a delimiter run next to
//!   punctuation still flanks when the character on its other side is CJK. pulldown-cmark has
//!   merged an opt-in for this (PR #1059) that no release carries yet; when one does, delete
//!   [`cjk_emphasis`] and turn the option on.
//! - Optionally (`typography.autospace`), a space between CJK and Latin letters or digits.

use std::collections::BTreeMap;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::text::{is_cjk, is_cjk_letter, is_shared_punctuation};

/// Removes soft breaks that sit between two CJK characters.
pub fn join_soft_breaks(events: &mut Vec<Event<'_>>) {
    let mut i = 0;
    while i < events.len() {
        if matches!(events[i], Event::SoftBreak)
            && let (Some(before), Some(after)) = (char_before(events, i), char_after(events, i))
            && joins(before, after)
        {
            events.remove(i);
            continue;
        }
        i += 1;
    }
}

/// Whether a line break between these two characters is invisible in CJK typesetting.
fn joins(before: char, after: char) -> bool {
    (is_cjk(before) && (is_cjk(after) || is_shared_punctuation(after)))
        || (is_shared_punctuation(before) && is_cjk(after))
}

/// The last character of text before event `i`, looking through inline markup.
fn char_before(events: &[Event<'_>], i: usize) -> Option<char> {
    for event in events[..i].iter().rev() {
        match event {
            Event::Text(t) | Event::Code(t) => return t.chars().next_back(),
            Event::Start(tag) if is_inline(tag) => {}
            Event::End(tag) if is_inline_end(tag) => {}
            _ => return None,
        }
    }
    None
}

/// The first character of text after event `i`, looking through inline markup.
fn char_after(events: &[Event<'_>], i: usize) -> Option<char> {
    for event in &events[i + 1..] {
        match event {
            Event::Text(t) | Event::Code(t) => return t.chars().next(),
            Event::Start(tag) if is_inline(tag) => {}
            Event::End(tag) if is_inline_end(tag) => {}
            _ => return None,
        }
    }
    None
}

fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. }
    )
}

fn is_inline_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link
    )
}

/// Inserts a space between CJK letters and Latin letters or digits inside text (never in code,
/// URLs or attributes, which are not text events).
pub fn autospace(events: &mut [Event<'_>]) {
    for event in events.iter_mut() {
        if let Event::Text(text) = event
            && let Some(spaced) = spaced(text)
        {
            *text = CowStr::from(spaced);
        }
    }
}

fn spaced(text: &str) -> Option<String> {
    let needs = |a: char, b: char| {
        (is_cjk_letter(a) && b.is_ascii_alphanumeric())
            || (a.is_ascii_alphanumeric() && is_cjk_letter(b))
    };
    let chars: Vec<char> = text.chars().collect();
    if !chars.windows(2).any(|w| needs(w[0], w[1])) {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 && needs(chars[i - 1], c) {
            out.push(' ');
        }
        out.push(c);
    }
    Some(out)
}

/// A run of literal `*` left in the text by pulldown-cmark.
#[derive(Debug, Clone)]
struct Run {
    event: usize,
    /// Byte offset of the run in the event's text.
    offset: usize,
    /// Characters not yet used as delimiters.
    left: usize,
    length: usize,
    can_open: bool,
    can_close: bool,
    depth: usize,
}

/// Where a text event is split and which tag goes there.
type Cuts<'a> = BTreeMap<usize, Vec<(usize, usize, Event<'a>)>>;

/// Pairs the `*` runs that CommonMark left literal because of CJK punctuation, and turns them
/// into `<em>`/`<strong>`. `events` carry their source ranges; `source` is the Markdown.
pub fn cjk_emphasis<'a>(
    events: Vec<(Event<'a>, Range<usize>)>,
    source: &str,
) -> Vec<(Event<'a>, Range<usize>)> {
    let events = join_literal_text(events, source);
    let mut runs = find_runs(&events, source);
    if runs.iter().filter(|r| r.can_open || r.can_close).count() < 2 {
        return events;
    }
    let depths = depths(&events);
    let mut cuts: Cuts<'a> = BTreeMap::new();
    for closer in 0..runs.len() {
        while runs[closer].can_close && runs[closer].left > 0 {
            let Some(opener) = find_opener(&runs, closer, &depths) else {
                break;
            };
            let n = if runs[opener].left >= 2 && runs[closer].left >= 2 {
                2
            } else {
                1
            };
            let (start, end) = if n == 2 {
                (Event::Start(Tag::Strong), Event::End(TagEnd::Strong))
            } else {
                (Event::Start(Tag::Emphasis), Event::End(TagEnd::Emphasis))
            };
            let o = &mut runs[opener];
            o.left -= n;
            let at = o.offset + o.left;
            cuts.entry(o.event).or_default().push((at, n, start));
            let c = &mut runs[closer];
            let at = c.offset + (c.length - c.left);
            c.left -= n;
            cuts.entry(c.event).or_default().push((at, n, end));
            for between in &mut runs[opener + 1..closer] {
                between.can_open = false;
            }
        }
    }
    apply_cuts(events, cuts)
}

/// Joins text events that are adjacent in the source and show it literally: pulldown-cmark
/// hands unmatched `**` over as two one-star events, and a run must be seen whole to flank
/// correctly. Escapes (`\*`) do not show their source literally, so they stay apart.
fn join_literal_text<'a>(
    events: Vec<(Event<'a>, Range<usize>)>,
    source: &str,
) -> Vec<(Event<'a>, Range<usize>)> {
    let literal = |event: &Event<'_>, range: &Range<usize>| matches!(event, Event::Text(text) if source.get(range.clone()) == Some(text.as_ref()));
    let mut joined: Vec<(Event<'a>, Range<usize>)> = Vec::with_capacity(events.len());
    for (event, range) in events {
        if let Some((last, last_range)) = joined.last_mut()
            && last_range.end == range.start
            && literal(last, last_range)
            && literal(&event, &range)
        {
            last_range.end = range.end;
            *last = Event::Text(CowStr::from(source[last_range.clone()].to_string()));
            continue;
        }
        joined.push((event, range));
    }
    joined
}

/// Every run of `*` in text events that show their source literally (so `\*` is never a run).
fn find_runs(events: &[(Event<'_>, Range<usize>)], source: &str) -> Vec<Run> {
    let depths = depths(events);
    let mut runs = Vec::new();
    for (index, (event, range)) in events.iter().enumerate() {
        let Event::Text(text) = event else { continue };
        if source.get(range.clone()) != Some(text.as_ref()) {
            continue;
        }
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] != b'*' {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && bytes[i] == b'*' {
                i += 1;
            }
            if is_escaped(source, range.start + start) {
                continue;
            }
            let before = source[..range.start + start].chars().next_back();
            let after = source[range.start + i..].chars().next();
            let (can_open, can_close) = flanking(before, after);
            runs.push(Run {
                event: index,
                offset: start,
                left: i - start,
                length: i - start,
                can_open,
                can_close,
                depth: depths[index],
            });
        }
    }
    runs
}

/// Whether the character at `at` follows an odd number of backslashes (`\*` is a literal star).
fn is_escaped(source: &str, at: usize) -> bool {
    let backslashes = source.as_bytes()[..at]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count();
    backslashes % 2 == 1
}

/// CommonMark's left/right flanking for `*`, relaxed so CJK next to punctuation still flanks.
fn flanking(before: Option<char>, after: Option<char>) -> (bool, bool) {
    let space = |c: Option<char>| c.is_none_or(char::is_whitespace);
    let punct = |c: Option<char>| c.is_some_and(|c| c.is_ascii_punctuation() || is_punctuation(c));
    let cjk = |c: Option<char>| c.is_some_and(is_cjk);
    let left = !space(after) && (!punct(after) || space(before) || punct(before) || cjk(before));
    let right = !space(before) && (!punct(before) || space(after) || punct(after) || cjk(after));
    (left, right)
}

/// Unicode punctuation (general categories P*), approximated by what is not a letter, digit,
/// mark, space or symbol that text uses.
fn is_punctuation(c: char) -> bool {
    !c.is_alphanumeric()
        && !c.is_whitespace()
        && !c.is_control()
        && (c as u32) > 0x7f
        && !is_cjk_letter(c)
}

fn find_opener(runs: &[Run], closer: usize, depths: &[usize]) -> Option<usize> {
    let c = &runs[closer];
    (0..closer).rev().find(|&o| {
        let r = &runs[o];
        r.can_open
            && r.left > 0
            && r.depth == c.depth
            && depths[r.event..=c.event].iter().all(|&d| d >= c.depth)
            && !breaks_rule_of_three(r, c)
    })
}

/// CommonMark's "multiple of 3" rule for runs that can both open and close.
fn breaks_rule_of_three(opener: &Run, closer: &Run) -> bool {
    (opener.can_close || closer.can_open)
        && (opener.length + closer.length).is_multiple_of(3)
        && !(opener.length.is_multiple_of(3) && closer.length.is_multiple_of(3))
}

/// Nesting depth of each event (how many tags are open at it).
fn depths(events: &[(Event<'_>, Range<usize>)]) -> Vec<usize> {
    let mut depth = 0usize;
    events
        .iter()
        .map(|(event, _)| match event {
            Event::Start(_) => {
                depth += 1;
                depth - 1
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                depth
            }
            _ => depth,
        })
        .collect()
}

/// Splits the cut text events and inserts the emphasis tags.
fn apply_cuts<'a>(
    events: Vec<(Event<'a>, Range<usize>)>,
    mut cuts: Cuts<'a>,
) -> Vec<(Event<'a>, Range<usize>)> {
    let mut out = Vec::with_capacity(events.len() + cuts.len() * 4);
    for (index, (event, range)) in events.into_iter().enumerate() {
        let (Some(mut event_cuts), Event::Text(text)) = (cuts.remove(&index), &event) else {
            out.push((event, range));
            continue;
        };
        event_cuts.sort_by_key(|(at, _, _)| *at);
        let mut position = 0;
        for (at, n, tag) in event_cuts {
            if at > position {
                out.push((
                    Event::Text(text[position..at].to_string().into()),
                    range.clone(),
                ));
            }
            out.push((tag, range.clone()));
            position = at + n;
        }
        if position < text.len() {
            out.push((
                Event::Text(text[position..].to_string().into()),
                range.clone(),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flanking_relaxes_only_next_to_cjk() {
        // `：**后`: right-flanking because the other side is CJK.
        assert_eq!(flanking(Some('：'), Some('后')), (true, true));
        // `文**「`: left-flanking because the other side is CJK.
        assert!(flanking(Some('文'), Some('「')).0);
        // English keeps CommonMark: `a**"b` is not left-flanking.
        assert!(!flanking(Some('a'), Some('"')).0);
        assert_eq!(flanking(Some(' '), Some(' ')), (false, false));
    }

    #[test]
    fn autospace_inserts_between_cjk_and_latin() {
        assert_eq!(
            spaced("使用Rust编写CLI工具").unwrap(),
            "使用 Rust 编写 CLI 工具"
        );
        assert_eq!(spaced("已经有空格 Rust 了"), None);
        assert_eq!(spaced("共3个"), Some("共 3 个".to_string()));
    }
}
