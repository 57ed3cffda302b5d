//! `yan build` end to end: fixture sites built into temp dirs, assertions on what is written.

mod common;

use common::{Fixture, decode, files_under, links_in, snapshot};

const CONFIG: &str = "title: 测试博客\nurl: https://example.com\nper_page: 2\n";

/// A small Chinese blog: posts in two categories (one nested), tags with spaces, a page.
fn sample() -> Fixture {
    let site = Fixture::new(CONFIG);
    site.post(
        "rust-intro.md",
        "title: Rust 入门：所有权\ndate: 2023-11-11 17:33:32\nupdated: 2023-11-12 08:00:00\ntags: [Rust, chatgpt plus充值]\ncategories: [编程语言, Rust]",
        "开篇。\n\n<!-- more -->\n\n## 什么是所有权？\n\n正文。\n\n![图](./images/own.png)\n",
    )
    .post(
        "python-basics.md",
        "title: Python 基础\ndate: 2024-01-05\ntags: Python\ncategories: 编程语言",
        "Python 正文。\n",
    )
    .post(
        "tools.md",
        "title: 开发工具\ndate: 2024-02-01T10:00:00+08:00\nupdate: 2024-02-02 10:00:00\ntags: [工具, Rust]\ncategories: [[开发工具], [编程语言, Rust]]",
        "工具正文。\n",
    )
    .post(
        "draft.md",
        "title: 草稿\ndate: 2024-03-01 10:00:00\ndraft: true",
        "未完成。\n",
    )
    .write_bytes("content/posts/images/own.png", b"\x89PNG\r\n")
    .write("content/about.md", "---\ntitle: 关于\n---\n关于本站。\n")
    .write("static/CNAME.txt", "keep me\n");
    site
}

#[test]
fn writes_every_kind_of_page() {
    let site = sample();
    let report = site.build();
    assert_eq!((report.posts, report.pages), (3, 1));
    for file in [
        "index.html",
        "page/2/index.html",
        "posts/rust-intro/index.html",
        "posts/python-basics/index.html",
        "about/index.html",
        "tags/index.html",
        "tags/rust/index.html",
        "tags/chatgpt-plus充值/index.html",
        "tags/工具/index.html",
        "categories/index.html",
        "categories/编程语言/index.html",
        "categories/编程语言/rust/index.html",
        "categories/开发工具/index.html",
        "archives/index.html",
        "archives/2024/index.html",
        "archives/2024/02/index.html",
        "archives/2023/11/index.html",
        "atom.xml",
        "rss.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        ".nojekyll",
        "search-index.json",
        "css/highlight.css",
        "css/style.css",
        "CNAME.txt",
        "posts/images/own.png",
    ] {
        assert!(
            site.has(file),
            "missing {file}; have {:?}",
            files_under(&site.public())
        );
    }
    assert!(!site.has("posts/draft/index.html"), "drafts are left out");
    assert!(!site.has("page/3/index.html"));
}

#[test]
fn drafts_are_built_with_the_drafts_option() {
    let site = sample();
    let mut options = site.options();
    options.drafts = true;
    yan::build(&options).unwrap();
    assert!(site.has("posts/draft/index.html"));
}

#[test]
fn index_is_newest_first_and_paginated() {
    let site = sample();
    site.build();
    let first = site.read("index.html");
    let tools = first.find("开发工具").expect("newest post on page 1");
    let python = first.find("Python 基础").expect("second post on page 1");
    assert!(tools < python);
    assert!(
        !first.contains("Rust 入门：所有权"),
        "third post is on page 2"
    );
    assert!(site.read("page/2/index.html").contains("Rust 入门：所有权"));
}

#[test]
fn pinned_posts_come_first_on_the_index() {
    let site = sample();
    site.post(
        "old.md",
        "title: 置顶旧文\ndate: 2020-01-01 00:00:00\ntop: true",
        "旧。\n",
    );
    site.build();
    let index = site.read("index.html");
    let pinned = index.find("置顶旧文").expect("pinned post on page 1");
    assert!(pinned < index.find("开发工具").unwrap());
}

#[test]
fn categories_nest_and_count_posts_below() {
    let site = sample();
    site.build();
    let top = site.read("categories/编程语言/index.html")
        + &site.read("categories/编程语言/page/2/index.html");
    for title in ["Rust 入门：所有权", "Python 基础", "开发工具"] {
        assert!(top.contains(title), "{title} in 编程语言");
    }
    let rust = site.read("categories/编程语言/rust/index.html");
    assert!(rust.contains("Rust 入门：所有权") && rust.contains("开发工具"));
    assert!(!rust.contains("Python 基础"));
    let tree = site.read("categories/index.html");
    assert!(
        tree.contains("/categories/%E7%BC%96%E7%A8%8B%E8%AF%AD%E8%A8%80/rust/"),
        "{tree}"
    );
}

#[test]
fn post_page_carries_meta_and_neighbours() {
    let site = sample();
    site.build();
    let post = site.read("posts/python-basics/index.html");
    assert!(
        post.contains("<title>Python 基础 · 测试博客</title>"),
        "{post}"
    );
    assert!(post.contains("2024-01-05"));
    assert!(
        post.contains("href=\"/posts/rust-intro/\""),
        "prev (older) link"
    );
    assert!(post.contains("href=\"/posts/tools/\""), "next (newer) link");
    assert!(post.contains("/tags/python/"));
}

#[test]
fn feeds_sitemap_and_robots_use_absolute_urls() {
    let site = sample();
    site.build();
    let atom = site.read("atom.xml");
    assert!(atom.starts_with("<?xml"));
    assert!(atom.contains("<link href=\"https://example.com/posts/tools/\"/>"));
    assert!(atom.contains("<published>2024-02-01T10:00:00+08:00</published>"));
    assert!(atom.contains("<updated>2024-02-02T10:00:00+08:00</updated>"));
    assert_eq!(atom.matches("<entry>").count(), 3);
    let rss = site.read("rss.xml");
    assert!(
        rss.contains("<pubDate>Thu, 01 Feb 2024 10:00:00 +0800</pubDate>"),
        "{rss}"
    );
    let sitemap = site.read("sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://example.com/tags/chatgpt-plus%E5%85%85%E5%80%BC/</loc>")
    );
    assert!(sitemap.contains("<loc>https://example.com/about/</loc>"));
    assert!(
        site.read("robots.txt")
            .contains("Sitemap: https://example.com/sitemap.xml")
    );
    let index: serde_json::Value = serde_json::from_str(&site.read("search-index.json")).unwrap();
    assert_eq!(index.as_array().unwrap().len(), 3);
    assert_eq!(index[0]["title"], "开发工具");
}

#[test]
fn front_matter_values_are_escaped() {
    let site = Fixture::new(CONFIG);
    site.post(
        "x.md",
        "title: \"<script>alert(1)</script> & 标题\"\ndate: 2024-01-01\ntags: [\"<b>tag</b>\"]",
        "正文\n",
    );
    site.build();
    let post = site.read("posts/x/index.html");
    assert!(!post.contains("<script>alert(1)"), "title must be escaped");
    assert!(
        post.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; 标题"),
        "{post}"
    );
    assert!(!post.contains("<b>tag</b>"));
    let atom = site.read("atom.xml");
    assert!(atom.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; 标题</title>"));
}

#[test]
fn every_internal_link_resolves() {
    let site = sample();
    site.build();
    let public = site.public();
    let mut checked = 0;
    for file in files_under(&public).iter().filter(|f| f.ends_with(".html")) {
        let html = site.read(file);
        for link in links_in(&html) {
            if link.starts_with("http") || link.starts_with("mailto:") || link.starts_with("data:")
            {
                continue;
            }
            let (path, fragment) = link.split_once('#').unwrap_or((&link, ""));
            let target = if path.is_empty() {
                file.clone()
            } else {
                assert!(path.starts_with('/'), "{file}: relative link {link}");
                let decoded = decode(path);
                let trimmed = decoded.trim_start_matches('/');
                if decoded.ends_with('/') {
                    format!("{trimmed}index.html")
                } else {
                    trimmed.to_string()
                }
            };
            assert!(
                public.join(&target).is_file(),
                "{file}: {link} -> {target} does not exist"
            );
            if !fragment.is_empty() {
                let page = site.read(&target);
                let id = decode(fragment);
                assert!(
                    page.contains(&format!("id=\"{id}\"")),
                    "{file}: #{id} not in {target}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} links checked");
}

#[test]
fn sub_path_sites_prefix_every_link() {
    let site = sample();
    site.write(
        "config.yaml",
        "title: t\nurl: https://user.github.io/repo\n",
    );
    site.build();
    let index = site.read("index.html");
    for link in links_in(&index)
        .iter()
        .filter(|l| !l.starts_with("http") && !l.starts_with('#'))
    {
        assert!(link.starts_with("/repo/"), "{link}");
    }
    assert!(
        site.read("atom.xml")
            .contains("https://user.github.io/repo/posts/tools/")
    );
}

#[test]
fn a_second_build_changes_no_file() {
    let site = sample();
    let first = site.build();
    assert_eq!(
        first.changed,
        first.files + 1 /* the .yan-output marker is not counted */ - 1
    );
    let page = site.public().join("posts/tools/index.html");
    let before = std::fs::metadata(&page).unwrap().modified().unwrap();
    let second = site.build();
    assert_eq!(second.changed, 0, "nothing changed, nothing rewritten");
    assert_eq!(
        std::fs::metadata(&page).unwrap().modified().unwrap(),
        before
    );
    site.post(
        "tools.md",
        "title: 开发工具（改）\ndate: 2024-02-01T10:00:00+08:00",
        "新正文\n",
    );
    let third = site.build();
    assert!(
        third.changed > 0 && third.changed < third.files,
        "{} of {}",
        third.changed,
        third.files
    );
}

#[test]
fn stale_files_disappear() {
    let site = sample();
    site.build();
    assert!(site.has("posts/python-basics/index.html"));
    std::fs::remove_file(site.root().join("content/posts/python-basics.md")).unwrap();
    site.build();
    assert!(!site.has("posts/python-basics/index.html"));
    assert!(!site.has("tags/python/index.html"));
}

fn assert_unchanged_after_failure(site: &Fixture, expected_errors: &[&str]) -> String {
    let before = snapshot(&site.public());
    let error = yan::build(&site.options())
        .expect_err("build must fail")
        .to_string();
    for expected in expected_errors {
        assert!(
            error.contains(expected),
            "missing `{expected}` in:\n{error}"
        );
    }
    assert_eq!(
        snapshot(&site.public()),
        before,
        "public/ must be left as it was"
    );
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("yan-staging") || n.contains("yan-old"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    error
}

#[test]
fn every_broken_file_is_reported_and_public_is_kept() {
    let site = sample();
    site.build();
    site.write(
        "content/posts/bad-yaml.md",
        "---\ntitle: 坏\ntags: [a, b\n---\n正文\n",
    )
    .write(
        "content/posts/bad-date.md",
        "---\ntitle: 日期\ndate: 昨天下午\n---\n正文\n",
    )
    .write("content/posts/no-front.md", "# 没有 front matter\n\n正文\n")
    .write_bytes(
        "content/posts/gbk.md",
        b"---\ntitle: x\n---\n\xc4\xe3\xba\xc3\n",
    );
    let error = assert_unchanged_after_failure(
        &site,
        &[
            "content/posts/bad-yaml.md:4:1: did not find expected ',' or ']'",
            "content/posts/bad-date.md:3: `date: 昨天下午` is not a date",
            "content/posts/no-front.md:1:1: no front matter",
            "content/posts/gbk.md:4:1: file is not valid UTF-8",
            "4 errors found",
        ],
    );
    assert_eq!(
        error.lines().filter(|l| l.starts_with("content/")).count(),
        4,
        "{error}"
    );
}

#[test]
fn a_template_error_names_the_template_and_keeps_public() {
    let site = sample();
    site.build();
    site.write(
        "templates/post.html",
        "<p>{{ page.title }}</p>\n<p>{{ page.no_such_field }}</p>\n",
    );
    assert_unchanged_after_failure(&site, &["templates/post.html", "no_such_field"]);
    site.write("templates/post.html", "{% if %}");
    assert_unchanged_after_failure(&site, &["templates/post.html"]);
}

#[test]
fn two_sources_with_one_url_name_both_files() {
    let site = sample();
    site.build();
    site.post(
        "copy.md",
        "title: 副本\ndate: 2024-01-01\nslug: Rust-Intro",
        "x\n",
    );
    assert_unchanged_after_failure(
        &site,
        &[
            "content/posts/rust-intro.md",
            "content/posts/copy.md",
            "/posts/rust-intro/index.html",
        ],
    );
}

#[test]
fn unknown_config_keys_suggest_the_right_one() {
    let site = sample();
    site.write("config.yaml", "title: t\nper_pag: 3\n");
    let error = yan::build(&site.options()).unwrap_err().to_string();
    assert!(
        error.contains("config.yaml: unknown config key `per_pag` (did you mean `per_page`?)"),
        "{error}"
    );
}

#[test]
fn hostile_slugs_tags_and_categories_stay_inside_public() {
    let site = Fixture::new(CONFIG);
    site.post(
        "evil.md",
        "title: evil\ndate: 2024-01-01\nslug: ../../x\ntags: ['..', '../../etc', 'a/../../b']\ncategories: [['..', '.'], ['/abs']]",
        "x\n",
    )
    .post("evil2.md", "title: e2\ndate: 2024-01-02\npermalink: ../../../escape/", "x\n")
    .post("evil3.md", "title: e3\ndate: 2024-01-03\nslug: '..'", "x\n");
    site.build();
    let outside: Vec<_> = files_under(site.root())
        .into_iter()
        .filter(|f| {
            !["public/", "content/", ".yan-cache/"]
                .iter()
                .any(|p| f.starts_with(p))
                && f != "config.yaml"
        })
        .collect();
    assert!(outside.is_empty(), "written outside public/: {outside:?}");
    assert!(!site.root().parent().unwrap().join("x").exists());
    assert!(!site.root().parent().unwrap().join("escape").exists());
    assert!(site.has("posts/x/index.html"));
    assert!(site.has("escape/index.html"));
}

#[test]
fn refuses_output_folders_it_must_not_replace() {
    let site = sample();
    for output in [
        site.root().to_path_buf(),
        site.root().join("content"),
        site.root().join("content/posts"),
    ] {
        let mut options = site.options();
        options.output = Some(output.clone());
        let error = yan::build(&options).expect_err("must refuse").to_string();
        assert!(error.contains("refusing"), "{}: {error}", output.display());
    }
    site.write("mine/notes.txt", "重要笔记");
    let mut options = site.options();
    options.output = Some(site.root().join("mine"));
    let error = yan::build(&options)
        .expect_err("must refuse a foreign folder")
        .to_string();
    assert!(error.contains("did not create it"), "{error}");
    assert_eq!(
        std::fs::read_to_string(site.root().join("mine/notes.txt")).unwrap(),
        "重要笔记"
    );
    assert!(site.root().join("content/posts/rust-intro.md").is_file());
}

#[test]
fn the_cli_exits_1_and_prints_every_error() {
    let site = sample();
    site.write(
        "content/posts/bad-date.md",
        "---\ntitle: 日期\ndate: 不是日期\n---\n正文\n",
    )
    .write("content/posts/no-front.md", "没有\n");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_yan"))
        .args(["build", "--root"])
        .arg(site.root())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("content/posts/bad-date.md:3: `date: 不是日期` is not a date"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/posts/no-front.md:1:1: no front matter"),
        "{stderr}"
    );
    assert!(!site.public().exists());
    let usage = std::process::Command::new(env!("CARGO_BIN_EXE_yan"))
        .args(["build", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn the_cli_prints_a_summary() {
    let site = sample();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_yan"))
        .args(["build", "--timings", "--root"])
        .arg(site.root())
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("built 3 posts, 1 pages, 4 tags, 3 categories: "),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("render"));
}

#[test]
fn a_missing_image_is_a_warning_not_an_error() {
    let site = sample();
    site.post(
        "img.md",
        "title: 图\ndate: 2024-01-01",
        "![没有](./images/none.png)\n",
    );
    let report = site.build();
    assert!(
        report.warnings.iter().any(|w| w
            .to_string()
            .contains("content/posts/img.md:5: missing image: ./images/none.png")),
        "{:?}",
        report.warnings
    );
}

#[test]
fn highlighted_code_is_cached_and_a_corrupt_cache_is_ignored() {
    let site = sample();
    site.post(
        "code.md",
        "title: 代码\ndate: 2024-01-01",
        "```rust\nfn main() { println!(\"你好\"); }\n```\n",
    );
    site.build();
    let page = site.read("posts/code/index.html");
    assert!(
        page.contains("<span class=\"storage type function rust\">fn</span>"),
        "{page}"
    );
    let cache = site.root().join(".yan-cache/code-blocks.bin");
    let stored = std::fs::read(&cache).expect("cache written");
    let salt = yan::render::markdown::Highlighter::cache_salt(&Default::default());
    let cached = yan::render::code_cache::CodeCache::from_bytes(&stored, &salt);
    assert_eq!(cached.loaded(), 1, "the highlighted block is stored");
    let mut corrupt = stored.clone();
    let middle = corrupt.len() / 2;
    corrupt[middle] ^= 0xff;
    std::fs::write(&cache, &corrupt).unwrap();
    site.post(
        "code.md",
        "title: 代码\ndate: 2024-01-01",
        "```rust\nfn main() { println!(\"你好\"); }\n```\n\n新的一段。\n",
    );
    site.build();
    let rebuilt = site.read("posts/code/index.html");
    assert!(rebuilt.contains("<span class=\"storage type function rust\">fn</span>"));
    assert_eq!(
        std::fs::read(&cache).unwrap(),
        stored,
        "the cache was rebuilt, not trusted"
    );
}

#[test]
fn post_page_shows_toc_word_count_and_reading_time() {
    let site = Fixture::new("title: t\nreading_speed: 10\n");
    site.post(
        "toc.md",
        "title: 目录\ndate: 2024-01-01",
        "## 什么是 ChatGPT？\n\n一二三四五六七八九十一二三四五六七八九十一。\n\n### 细节\n\n#### 更细\n",
    )
    .post("no-toc.md", "title: 无目录\ndate: 2024-01-02\ntoc: false", "## 标题\n\n正文。\n");
    site.build();
    let page = site.read("posts/toc/index.html");
    assert!(page.contains("<aside class=\"toc\""), "{page}");
    assert!(page.contains("href=\"#什么是-chatgpt\">什么是 ChatGPT？</a>"));
    assert!(page.contains("href=\"#细节\">细节</a>") && page.contains("href=\"#更细\">更细</a>"));
    // 什么是 ChatGPT = 4, then 21 + 2 + 2 characters; 10 a minute.
    assert!(page.contains("29 字 · 约 3 分钟"), "{page}");
    assert!(
        !site
            .read("posts/no-toc/index.html")
            .contains("<aside class=\"toc\"")
    );
}

#[test]
fn rebuilds_render_exactly_what_changed() {
    let site = sample();
    site.build();
    // An edited post shows its new text; its neighbours and listings follow its new title.
    site.post(
        "python-basics.md",
        "title: Python 进阶\ndate: 2024-01-05\ntags: Python\ncategories: 编程语言",
        "全新的正文。\n",
    );
    let report = site.build();
    assert!(report.changed > 0 && report.changed < report.files);
    assert!(
        site.read("posts/python-basics/index.html")
            .contains("全新的正文。")
    );
    assert!(
        site.read("posts/tools/index.html").contains("Python 进阶"),
        "neighbour link follows"
    );
    assert!(site.read("index.html").contains("Python 进阶"));
    // A page removed from the output by hand comes back even though nothing changed.
    std::fs::remove_file(site.public().join("posts/tools/index.html")).unwrap();
    site.build();
    assert!(site.read("posts/tools/index.html").contains("工具正文"));
    // A template change re-renders every page that uses it.
    site.write(
        "templates/post.html",
        "<p>新模板 {{ page.title }}</p>\n{{ page.content | safe }}",
    );
    site.build();
    assert!(
        site.read("posts/rust-intro/index.html")
            .starts_with("<p>新模板 Rust 入门：所有权</p>")
    );
    // A changed date format reaches every page that shows a date.
    site.write(
        "config.yaml",
        &format!("{CONFIG}date_format: \"%Y 年 %m 月 %d 日\"\n"),
    );
    site.build();
    assert!(site.read("index.html").contains("2024 年 02 月 01 日"));
}

/// Asserts that `public/` holds exactly what a build without any memo or cache makes.
fn assert_same_as_cold_build(site: &Fixture, step: &str) {
    let (_, _, cold) = yan::build_in_memory(&site.options()).unwrap();
    let mut expected: Vec<String> = cold.keys().cloned().collect();
    expected.sort();
    let written: Vec<String> = files_under(&site.public())
        .into_iter()
        .filter(|f| f != ".yan-output")
        .collect();
    assert_eq!(written, expected, "{step}: the same files");
    for (path, bytes) in &cold {
        let on_disk = std::fs::read(site.public().join(path)).unwrap();
        assert!(
            on_disk == *bytes,
            "{step}: {path} differs from a cold build:\n{}",
            String::from_utf8_lossy(&on_disk)
        );
    }
}

#[test]
fn every_warm_build_equals_a_cold_build() {
    let site = sample();
    site.build();
    // Each step replaces text in one file, then builds with the memo of the step before.
    let steps = [
        (
            "a summary above the cut",
            "content/posts/rust-intro.md",
            "开篇。",
            "新的开篇：摘要变了。",
        ),
        (
            "text below the cut",
            "content/posts/rust-intro.md",
            "正文。\n",
            "正文，多了几个字。\n",
        ),
        (
            "a new tag",
            "content/posts/python-basics.md",
            "tags: Python",
            "tags: [Python, 新标签]",
        ),
        (
            "a page",
            "content/about.md",
            "关于本站。",
            "关于本站：改过。",
        ),
        (
            "the search index off",
            "config.yaml",
            "per_page: 2\n",
            "per_page: 2\nsearch: false\n",
        ),
    ];
    for (step, file, from, to) in steps {
        let text = std::fs::read_to_string(site.root().join(file)).unwrap();
        assert!(text.contains(from), "{step}: {file} has {from}");
        site.write(file, &text.replace(from, to));
        site.build();
        assert_same_as_cold_build(&site, step);
    }
    let index = site.read("page/2/index.html");
    assert!(
        index.contains("新的开篇：摘要变了。"),
        "the index shows the new summary"
    );
}
