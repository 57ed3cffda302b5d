//! Character classes for Chinese, Japanese and Korean text, and counting words.

/// Han ideographs, kana and hangul: the characters that are words of their own.
pub fn is_cjk_letter(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF      // CJK Unified Ideographs Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x20000..=0x2FA1F  // Extensions B–F, compatibility supplement
        | 0x3040..=0x309F    // Hiragana
        | 0x30A0..=0x30FF    // Katakana
        | 0x31F0..=0x31FF    // Katakana phonetic extensions
        | 0x1100..=0x11FF    // Hangul Jamo
        | 0x3130..=0x318F    // Hangul compatibility Jamo
        | 0xAC00..=0xD7AF    // Hangul syllables
    )
}

/// CJK punctuation and full-width forms: `。，、：；！？「」『』（）《》【】` and friends.
pub fn is_cjk_punctuation(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F      // CJK Symbols and Punctuation
        | 0xFF00..=0xFFEF    // Halfwidth and Fullwidth Forms
        | 0xFE30..=0xFE4F    // CJK Compatibility Forms
        | 0xFE10..=0xFE1F    // Vertical forms
    )
}

/// Any character of CJK text, letter or punctuation.
pub fn is_cjk(c: char) -> bool {
    is_cjk_letter(c) || is_cjk_punctuation(c)
}

/// Punctuation shared by CJK and Western text (`“”‘’…—·`): CJK only next to CJK.
pub fn is_shared_punctuation(c: char) -> bool {
    matches!(
        c,
        '\u{2018}'..='\u{201F}' | '\u{2026}' | '\u{2014}' | '\u{2015}' | '\u{00B7}'
    )
}

/// Counts words the way Chinese readers count length: each CJK letter is one word, each run of
/// other letters or digits (an English word, a number) is one word. Punctuation counts nothing.
pub fn count_words(text: &str) -> usize {
    let mut count = 0;
    let mut in_word = false;
    for c in text.chars() {
        if is_cjk_letter(c) {
            count += 1;
            in_word = false;
        } else if c.is_alphanumeric() || (in_word && (c == '\'' || c == '_')) {
            if !in_word {
                count += 1;
                in_word = true;
            }
        } else {
            in_word = false;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cjk_characters_and_latin_words() {
        assert_eq!(count_words("你好 world 123"), 4);
        assert_eq!(count_words("什么是 ChatGPT？"), 4);
        assert_eq!(count_words("こんにちは、世界"), 7);
        assert_eq!(count_words("안녕하세요"), 5);
        assert_eq!(count_words("don't stop"), 2);
        assert_eq!(count_words("，。！？"), 0);
    }

    #[test]
    fn classes() {
        assert!(is_cjk_letter('中') && is_cjk_letter('カ') && is_cjk_letter('한'));
        assert!(is_cjk_punctuation('。') && is_cjk_punctuation('：') && is_cjk_punctuation('「'));
        assert!(!is_cjk('a') && !is_cjk(':'));
        assert!(is_shared_punctuation('“') && is_shared_punctuation('…'));
    }
}
