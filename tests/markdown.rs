//! Markdown → HTML, table-driven: every transform yan makes to the event stream, with Chinese,
//! Japanese and Korean text, plus the CommonMark spec's emphasis examples as a regression guard.

use std::path::{Path, PathBuf};

use yan::render::markdown::{
    HighlightOptions, Highlighter, LinkKind, MarkdownOptions, MarkdownSource, RenderedMarkdown,
    render,
};

fn resolve(path: &Path) -> Option<String> {
    match path.to_str()? {
        "posts/images/a.png" => Some("/posts/images/a.png".into()),
        "posts/images/图片.png" => Some("/posts/images/%E5%9B%BE%E7%89%87.png".into()),
        "posts/other.md" => Some("/posts/other/".into()),
        "about.md" => Some("/about/".into()),
        _ => None,
    }
}

fn render_with(markdown: &str, autospace: bool, excerpt_length: usize) -> RenderedMarkdown {
    let highlighter = Highlighter::new(&HighlightOptions::default());
    let options = MarkdownOptions {
        highlighter: &highlighter,
        resolve: &resolve,
        autospace,
        excerpt_length,
    };
    let source = MarkdownSource {
        text: markdown,
        path: Path::new("posts/this.md"),
        first_line: 5,
        url: "/posts/this/",
    };
    render(&source, &options)
}

fn html(markdown: &str) -> String {
    render_with(markdown, false, 200).html
}

/// (name, markdown, expected HTML exactly)
const EXACT: &[(&str, &str, &str)] = &[
    // Soft line breaks.
    (
        "cjk soft break joins",
        "第一行中文\n第二行中文",
        "<p>第一行中文第二行中文</p>\n",
    ),
    (
        "latin soft break stays",
        "first line\nsecond line",
        "<p>first line\nsecond line</p>\n",
    ),
    (
        "cjk to latin stays",
        "中文\nEnglish",
        "<p>中文\nEnglish</p>\n",
    ),
    (
        "latin to cjk stays",
        "English\n中文",
        "<p>English\n中文</p>\n",
    ),
    (
        "full-width punctuation joins",
        "这是第一句，\n这是第二句。",
        "<p>这是第一句，这是第二句。</p>\n",
    ),
    (
        "break before punctuation joins",
        "第一句\n。",
        "<p>第一句。</p>\n",
    ),
    (
        "quote marks join next to cjk",
        "他说\n“你好”",
        "<p>他说“你好”</p>\n",
    ),
    (
        "japanese joins",
        "これは日本語の\n文章です。",
        "<p>これは日本語の文章です。</p>\n",
    ),
    (
        "korean joins",
        "한국어\n문장입니다",
        "<p>한국어문장입니다</p>\n",
    ),
    (
        "across emphasis",
        "这是**强调**\n后面的文字",
        "<p>这是<strong>强调</strong>后面的文字</p>\n",
    ),
    (
        "across code span",
        "运行 `cargo`\n命令",
        "<p>运行 <code>cargo</code>\n命令</p>\n",
    ),
    (
        "across link",
        "见[链接](https://a.b)\n说明",
        "<p>见<a href=\"https://a.b\">链接</a>说明</p>\n",
    ),
    (
        "hard break untouched",
        "第一行  \n第二行",
        "<p>第一行<br />\n第二行</p>\n",
    ),
    (
        "backslash break untouched",
        "第一行\\\n第二行",
        "<p>第一行<br />\n第二行</p>\n",
    ),
    // Emphasis next to CJK punctuation.
    (
        "strong before colon",
        "**强调：**后面的文字",
        "<p><strong>强调：</strong>后面的文字</p>\n",
    ),
    (
        "strong around brackets",
        "前文**「引号内强调」**后文",
        "<p>前文<strong>「引号内强调」</strong>后文</p>\n",
    ),
    (
        "em before full stop",
        "这是*斜体。*结尾",
        "<p>这是<em>斜体。</em>结尾</p>\n",
    ),
    (
        "nested em in strong",
        "**外层*内层。*外层：**后文",
        "<p><strong>外层<em>内层。</em>外层：</strong>后文</p>\n",
    ),
    (
        "strong with link inside",
        "请看**[文档](https://a.b)：**说明",
        "<p>请看<strong><a href=\"https://a.b\">文档</a>：</strong>说明</p>\n",
    ),
    (
        "strong with code inside",
        "**注意 `unwrap()`：**会 panic",
        "<p><strong>注意 <code>unwrap()</code>：</strong>会 panic</p>\n",
    ),
    (
        "ordinary cjk emphasis",
        "这是**重点**内容",
        "<p>这是<strong>重点</strong>内容</p>\n",
    ),
    (
        "escaped stars stay literal",
        "\\*不是强调：\\*后文",
        "<p>*不是强调：*后文</p>\n",
    ),
    (
        "lone star stays",
        "a * b 和 c * d",
        "<p>a * b 和 c * d</p>\n",
    ),
    (
        "english keeps commonmark",
        "a**\"foo\"**b",
        "<p>a**\"foo\"**b</p>\n",
    ),
    (
        "emphasis in table cell",
        "| 列 |\n| --- |\n| **是：**否 |",
        "<table><thead><tr><th>列</th></tr></thead><tbody>\n<tr><td><strong>是：</strong>否</td></tr>\n</tbody></table>\n",
    ),
    (
        "no pairing across paragraphs",
        "**一：\n\n二：**三",
        "<p>**一：</p>\n<p>二：**三</p>\n",
    ),
    // Headings.
    (
        "chinese heading id",
        "## 什么是 ChatGPT？",
        "<h2 id=\"什么是-chatgpt\">什么是 ChatGPT？ <a class=\"heading-anchor\" href=\"#%E4%BB%80%E4%B9%88%E6%98%AF-chatgpt\" aria-hidden=\"true\">#</a></h2>\n",
    ),
    (
        "custom id wins",
        "## 安装 {#install}",
        "<h2 id=\"install\">安装 <a class=\"heading-anchor\" href=\"#install\" aria-hidden=\"true\">#</a></h2>\n",
    ),
];

#[test]
fn exact_cases() {
    let mut failures = Vec::new();
    for (name, markdown, expected) in EXACT {
        let actual = html(markdown);
        if actual != *expected {
            failures.push(format!("{name}:\n  markdown: {markdown:?}\n  expected: {expected:?}\n  actual:   {actual:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn heading_ids_are_unique_and_keep_chinese() {
    let out = render_with(
        "# 标题\n\n## 安装\n\n## 安装\n\n## 安装 {#安装-1}\n\n## 「所有权」规则！\n\n## Ｒｕｓｔ　全角\n\n## ？？\n",
        false,
        200,
    );
    assert_eq!(
        out.heading_ids,
        [
            "标题",
            "安装",
            "安装-2",
            "安装-1",
            "所有权规则",
            "ｒｕｓｔ-全角",
            "section"
        ]
    );
}

#[test]
fn toc_nests_h2_to_h4() {
    let out = render_with(
        "## 一\n\n### 一点一\n\n#### 深\n\n## 二\n\n#### 跳级\n\n##### 太深\n",
        false,
        200,
    );
    let shape: Vec<(String, Vec<String>)> = out
        .toc
        .iter()
        .map(|e| {
            (
                e.title.clone(),
                e.children.iter().map(|c| c.title.clone()).collect(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            ("一".to_string(), vec!["一点一".to_string()]),
            ("二".to_string(), vec!["跳级".to_string()])
        ]
    );
    assert_eq!(out.toc[0].children[0].children[0].title, "深");
    assert_eq!(out.toc[0].children[0].children[0].level, 4);
    assert!(
        out.heading_ids.contains(&"太深".to_string()),
        "h5 has an id but no TOC entry"
    );
}

#[test]
fn toc_titles_are_plain_text() {
    let out = render_with("## 使用 `cargo` 和 **Rust**\n", false, 200);
    assert_eq!(out.toc[0].title, "使用 cargo 和 Rust");
    assert_eq!(out.toc[0].id, "使用-cargo-和-rust");
}

#[test]
fn links_and_images_are_rewritten() {
    let out = render_with(
        "![图](./images/a.png)\n[下一篇](./other.md#第二节)\n[关于](../about.md)\n![中文名](images/%E5%9B%BE%E7%89%87.png)\n[外链](https://example.com)\n[锚点](#安装)\n[坏](./missing.md)\n![越界](../../../etc/passwd)\n",
        false,
        200,
    );
    assert!(
        out.html
            .contains("<img src=\"/posts/images/a.png\" alt=\"图\" />"),
        "{}",
        out.html
    );
    assert!(
        out.html
            .contains("href=\"/posts/other/#%E7%AC%AC%E4%BA%8C%E8%8A%82\""),
        "{}",
        out.html
    );
    assert!(out.html.contains("href=\"/about/\""));
    assert!(
        out.html
            .contains("src=\"/posts/images/%E5%9B%BE%E7%89%87.png\"")
    );
    assert!(
        out.html.contains("href=\"./missing.md\""),
        "unresolved links stay as written"
    );
    let kinds: Vec<(LinkKind, usize)> =
        out.links.iter().map(|l| (l.kind.clone(), l.line)).collect();
    assert_eq!(
        kinds,
        [
            (LinkKind::Resolved, 5),
            (LinkKind::Resolved, 6),
            (LinkKind::Resolved, 7),
            (LinkKind::Resolved, 8),
            (LinkKind::External, 9),
            (LinkKind::Anchor, 10),
            (LinkKind::Unresolved, 11),
            (LinkKind::Unresolved, 12),
        ]
    );
    assert!(out.links[7].is_image);
}

#[test]
fn code_is_highlighted_by_language() {
    let out = render_with(
        "```rust\nfn main() { println!(\"你好\"); }\n```\n\n```python {linenos}\ndef f(): pass\n```\n\n```go\nfunc main() {}\n```\n\n```bash\necho hi\n```\n\n```js\nconst a = 1;\n```\n\n```no-such-lang\n<b>&</b>\n```\n\n    indented < code\n",
        false,
        200,
    );
    assert!(out.html.contains("<pre class=\"code\" data-lang=\"rust\"><code class=\"language-rust\"><span class=\"source rust\">"), "{}", out.html);
    for lang in ["python", "go", "bash", "js"] {
        assert!(
            out.html.contains(&format!(
                "data-lang=\"{lang}\"><code class=\"language-{lang}\"><span class="
            )),
            "{lang}"
        );
    }
    assert!(
        out.html
            .contains("<code class=\"language-no-such-lang\">&lt;b&gt;&amp;&lt;/b&gt;\n</code>")
    );
    assert!(
        out.html
            .contains("<pre class=\"code\"><code>indented &lt; code\n</code></pre>")
    );
}

#[test]
fn more_marker_gives_the_exact_summary() {
    let out = render_with(
        "第一段。\n\n**第二段**\n\n<!-- more -->\n\n第三段。\n",
        false,
        200,
    );
    assert_eq!(
        out.summary.as_deref(),
        Some("<p>第一段。</p>\n<p><strong>第二段</strong></p>\n")
    );
    assert!(out.html.contains("第三段"));
    let out = render_with("前面<!--more-->后面\n", false, 200);
    assert_eq!(
        out.summary.as_deref(),
        Some("<p>前面</p>\n"),
        "inline marker, tags closed"
    );
}

#[test]
fn excerpt_cuts_at_a_sentence_end_and_closes_tags() {
    let long = "第一句话在这里。**第二句话也很长，很长很长。**第三句话永远不会出现在摘要里面，因为太长了。";
    let out = render_with(&format!("## 标题\n\n{long}\n\n第二段。\n"), false, 22);
    assert_eq!(out.summary, None);
    assert_eq!(
        out.excerpt,
        "<p>第一句话在这里。<strong>第二句话也很长，很长很长。</strong></p>\n"
    );
    assert!(out.excerpt_is_partial);
    let short = render_with("很短的文章。\n", false, 200);
    assert_eq!(short.excerpt, "<p>很短的文章。</p>\n");
    assert!(!short.excerpt_is_partial);
}

#[test]
fn word_count_counts_cjk_characters_and_latin_words() {
    let out = render_with(
        "# 你好 world 123\n\n这是 Rust 代码：\n\n```rust\nfn main() {}\n```\n\n`inline` 代码\n",
        false,
        200,
    );
    // 你 好 world 123 | 这 是 Rust 代 码 | inline 代 码 — the fenced block is not counted.
    assert_eq!(out.word_count, 12);
    assert!(!out.plain_text.contains("fn main"));
}

#[test]
fn autospace_only_in_text() {
    let on = render_with(
        "使用Rust编写`CLI工具`，见[链接](https://a.b/中文Rust)",
        true,
        200,
    )
    .html;
    assert_eq!(
        on,
        "<p>使用 Rust 编写<code>CLI工具</code>，见<a href=\"https://a.b/%E4%B8%AD%E6%96%87Rust\">链接</a></p>\n"
    );
    let off = render_with("使用Rust编写", false, 200).html;
    assert_eq!(off, "<p>使用Rust编写</p>\n");
}

/// The CommonMark spec's "Emphasis and strong emphasis" examples (350–480), read from the
/// pulldown-cmark sources cargo downloaded: yan's passes must leave every one exactly as
/// pulldown-cmark renders it.
#[test]
fn commonmark_emphasis_examples_are_unchanged() {
    let spec = std::fs::read_to_string(pulldown_spec_tests()).expect("pulldown-cmark spec tests");
    let mut checked = 0;
    for (number, markdown) in spec_examples(&spec).filter(|(n, _)| (350..=480).contains(n)) {
        let mut expected = String::new();
        pulldown_cmark::html::push_html(
            &mut expected,
            pulldown_cmark::Parser::new_ext(
                &markdown,
                pulldown_cmark::Options::ENABLE_TABLES
                    | pulldown_cmark::Options::ENABLE_FOOTNOTES
                    | pulldown_cmark::Options::ENABLE_STRIKETHROUGH
                    | pulldown_cmark::Options::ENABLE_TASKLISTS
                    | pulldown_cmark::Options::ENABLE_HEADING_ATTRIBUTES,
            ),
        );
        assert_eq!(
            html(&markdown),
            expected,
            "spec example {number}: {markdown:?}"
        );
        checked += 1;
    }
    assert!(checked >= 120, "only {checked} examples found");
}

fn pulldown_spec_tests() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cargo"));
    let registry = home.join("registry/src");
    for index in std::fs::read_dir(&registry).expect("cargo registry sources") {
        let candidate = index
            .unwrap()
            .path()
            .join("pulldown-cmark-0.13.6/tests/suite/spec.rs");
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!(
        "pulldown-cmark 0.13.6 sources not found under {}",
        registry.display()
    );
}

/// (example number, markdown) from pulldown-cmark's generated spec tests.
fn spec_examples(source: &str) -> impl Iterator<Item = (usize, String)> + '_ {
    source.split("fn spec_test_").skip(1).filter_map(|chunk| {
        let number = chunk[..chunk.find('(')?].parse().ok()?;
        let start = chunk.find("let original = r##\"")? + "let original = r##\"".len();
        let end = start + chunk[start..].find("\"##;")?;
        Some((number, chunk[start..end].to_string()))
    })
}

#[test]
fn summaries_point_anchors_at_the_post_and_drop_ids() {
    let out = render_with(
        "## 开始\n\n见[下文](#细节)[^1]。\n\n<!-- more -->\n\n## 细节\n\n[^1]: 脚注\n",
        false,
        200,
    );
    let summary = out.summary.unwrap();
    assert_eq!(
        summary,
        "<h2>开始</h2>\n<p>见<a href=\"/posts/this/#%E7%BB%86%E8%8A%82\">下文</a>。</p>\n"
    );
    assert!(
        out.html.contains("<h2 id=\"开始\">"),
        "the post itself keeps its ids"
    );
}
