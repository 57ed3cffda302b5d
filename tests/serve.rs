//! `yan serve` end to end: a fixture site in a temp dir, the server started in-process on a
//! free loopback port, real HTTP over raw TCP (so odd paths reach the server as written).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use yan::serve::{Handle, ServeOptions};

/// How long a change may take to show up (file watching in CI can be slow).
const PATIENCE: Duration = Duration::from_secs(10);

const CONFIG: &str = "title: 测试站\nurl: https://example.com/blog\n# secret-config-marker\n";

fn post(title: &str, tags: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: 2024-03-01 10:00:00\ntags: {tags}\n---\n\n{body}\n")
}

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("content/posts")).unwrap();
    std::fs::create_dir_all(root.join("static/css")).unwrap();
    std::fs::write(root.join("config.yaml"), CONFIG).unwrap();
    let hello = post("你好世界", "[中文, rust]", "第一段正文 original-text");
    std::fs::write(root.join("content/posts/hello.md"), hello).unwrap();
    let second = post("第二篇", "[中文]", "second post");
    std::fs::write(root.join("content/posts/second.md"), second).unwrap();
    std::fs::write(
        root.join("static/css/extra.css"),
        "body { color: black; }\n",
    )
    .unwrap();
    dir
}

fn start(root: &Path) -> Handle {
    let mut options = ServeOptions::new(yan::BuildOptions::new(root));
    options.port = 0;
    yan::serve::start(options, |_| {}).expect("server starts")
}

struct Response {
    status: u16,
    head: String,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_string())
        })
    }
}

fn get(addr: SocketAddr, path: &str) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Response {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

/// Polls `check` until it holds or [`PATIENCE`] runs out.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < PATIENCE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// An open event stream, its text collected by a thread.
struct Events(Arc<Mutex<String>>);

impl Events {
    fn open(addr: SocketAddr) -> Events {
        let mut stream = TcpStream::connect(addr).unwrap();
        let request = format!("GET /__yan/events HTTP/1.1\r\nHost: {addr}\r\n\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        let text = Arc::new(Mutex::new(String::new()));
        let sink = text.clone();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n @ 1..) = stream.read(&mut buffer) {
                let chunk = String::from_utf8_lossy(&buffer[..n]).into_owned();
                sink.lock().unwrap().push_str(&chunk);
            }
        });
        let events = Events(text);
        events.wait_for("the stream's headers", "text/event-stream");
        events
    }

    fn text(&self) -> String {
        self.0.lock().unwrap().clone()
    }

    fn wait_for(&self, what: &str, needle: &str) {
        eventually(what, || self.text().contains(needle));
    }

    fn clear(&self) {
        self.0.lock().unwrap().clear();
    }
}

#[test]
fn serves_pages_with_correct_headers() {
    let site = fixture();
    let server = start(site.path());
    let addr = server.addr();

    let index = get(addr, "/");
    assert_eq!(index.status, 200);
    assert_eq!(
        index.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(index.header("cache-control").as_deref(), Some("no-store"));
    assert!(index.body.contains("你好世界"));
    assert!(
        index.body.contains("/__yan/events"),
        "reload script injected"
    );
    assert!(
        index.body.find("/__yan/events") < index.body.rfind("</body>"),
        "script before </body>"
    );
    assert!(
        !index.body.contains("example.com/blog"),
        "base_url rewritten to the local address"
    );

    let tag = get(addr, "/tags/%E4%B8%AD%E6%96%87/");
    assert_eq!(tag.status, 200, "percent-encoded Chinese path");
    assert!(tag.body.contains("第二篇"));

    let redirect = get(addr, "/tags/%E4%B8%AD%E6%96%87");
    assert_eq!(redirect.status, 301);
    assert_eq!(
        redirect.header("location").as_deref(),
        Some("/tags/%E4%B8%AD%E6%96%87/")
    );

    let missing = get(addr, "/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("/__yan/events"),
        "the site's 404.html, with the script"
    );
    assert!(
        !missing.body.contains("<h1>404 Not Found</h1>"),
        "the site's 404 page, not the fallback"
    );

    let css = get(addr, "/css/extra.css");
    assert_eq!(
        css.header("content-type").as_deref(),
        Some("text/css; charset=utf-8")
    );
    assert!(!css.body.contains("__yan"), "nothing injected outside HTML");
    server.shutdown();
}

#[test]
fn build_output_has_no_reload_script() {
    let site = fixture();
    let out = site.path().join("public");
    yan::build(&yan::BuildOptions::new(site.path())).unwrap();
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!index.contains("__yan"));
}

#[test]
fn edits_rebuild_and_reload_and_errors_recover() {
    let site = fixture();
    let server = start(site.path());
    let addr = server.addr();
    let events = Events::open(addr);
    let hello = site.path().join("content/posts/hello.md");

    let edited = post("你好世界", "[中文, rust]", "第一段正文 edited-text");
    std::fs::write(&hello, edited).unwrap();
    eventually("the edited post", || {
        get(addr, "/posts/hello/").body.contains("edited-text")
    });
    events.wait_for("a reload event", "event: reload");

    events.clear();
    let broken = site.path().join("content/posts/broken.md");
    std::fs::write(&broken, "---\ntitle: [unclosed\n---\n\nbody\n").unwrap();
    events.wait_for("an error event", "event: error");
    let text = events.text();
    assert!(
        text.contains("content/posts/broken.md:"),
        "error names the file and line: {text}"
    );
    let still = get(addr, "/posts/hello/");
    assert_eq!(still.status, 200, "the server survives a broken post");
    assert!(
        still.body.contains("edited-text"),
        "the last good site is served"
    );

    let late = Events::open(addr);
    late.wait_for("the current error for a new page", "event: error");

    events.clear();
    std::fs::write(&broken, post("修好了", "[]", "fixed-text")).unwrap();
    events.wait_for("an ok event", "event: ok");
    events.wait_for("a reload event", "event: reload");
    assert!(get(addr, "/posts/broken/").body.contains("fixed-text"));
    server.shutdown();
}

#[test]
fn template_errors_are_reported_and_recover() {
    let site = fixture();
    let server = start(site.path());
    let events = Events::open(server.addr());
    let templates = site.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("post.html"), "<p>{{ page.title </p>\n").unwrap();
    events.wait_for("an error event", "event: error");
    assert!(
        events.text().contains("templates/post.html"),
        "{}",
        events.text()
    );
    std::fs::remove_file(templates.join("post.html")).unwrap();
    events.wait_for("an ok event", "event: ok");
    assert_eq!(get(server.addr(), "/posts/hello/").status, 200);
    server.shutdown();
}

#[test]
fn a_stylesheet_change_swaps_styles_without_reload() {
    let site = fixture();
    let server = start(site.path());
    let events = Events::open(server.addr());
    let css = site.path().join("static/css/extra.css");
    std::fs::write(&css, "body { color: red; }\n").unwrap();
    events.wait_for("a css event", "event: css");
    assert!(!events.text().contains("event: reload"));
    assert!(get(server.addr(), "/css/extra.css").body.contains("red"));
    server.shutdown();
}

#[test]
fn an_atomic_save_by_rename_is_seen() {
    let site = fixture();
    let server = start(site.path());
    let posts = site.path().join("content/posts");
    let temporary = posts.join(".hello.md.tmp");
    std::fs::write(&temporary, post("你好世界", "[中文]", "renamed-text")).unwrap();
    std::fs::rename(&temporary, posts.join("hello.md")).unwrap();
    eventually("the renamed-over post", || {
        get(server.addr(), "/posts/hello/")
            .body
            .contains("renamed-text")
    });
    server.shutdown();
}

#[test]
fn no_path_reads_outside_the_site() {
    let site = fixture();
    let outside = site.path().parent().unwrap().join("yan-serve-secret.txt");
    std::fs::write(&outside, "secret-outside-marker").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, site.path().join("static/leak.txt")).ok();
    let server = start(site.path());
    let addr = server.addr();
    let paths = [
        "/../config.yaml",
        "/config.yaml",
        "/%2e%2e/config.yaml",
        "/%2E%2E/%2E%2E/yan-serve-secret.txt",
        "/posts/..%2f..%2fconfig.yaml",
        "/..%2fyan-serve-secret.txt",
        "/..%5cconfig.yaml",
        "//etc/passwd",
        "/etc/passwd",
        "/%2fetc%2fpasswd",
        "/./config.yaml",
        "/static/leak.txt",
        "/leak.txt",
        "/content/posts/hello.md",
    ];
    for path in paths {
        let response = get(addr, path);
        assert!(
            response.status == 404 || response.status == 400,
            "{path}: {}",
            response.status
        );
        for secret in ["secret-config-marker", "secret-outside-marker", "root:"] {
            assert!(!response.body.contains(secret), "{path} leaked {secret}");
        }
    }
    let absolute = format!("http://{addr}/../../etc/passwd");
    assert!(!get(addr, &absolute).body.contains("root:"));
    server.shutdown();
    std::fs::remove_file(outside).ok();
}

#[test]
fn a_taken_port_moves_to_the_next() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let site = fixture();
    let mut options = ServeOptions::new(yan::BuildOptions::new(site.path()));
    options.port = port;
    options.watch = false;
    let server = yan::serve::start(options, |_| {}).unwrap();
    assert_ne!(server.addr().port(), port);
    assert!(
        server.addr().ip().is_loopback(),
        "binds 127.0.0.1 by default"
    );
    assert_eq!(get(server.addr(), "/").status, 200);
    server.shutdown();
}

#[test]
fn shutdown_is_prompt_with_open_event_streams() {
    let site = fixture();
    let server = start(site.path());
    let addr = server.addr();
    let _events = Events::open(addr);
    let started = Instant::now();
    server.shutdown();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(TcpStream::connect(addr).is_err(), "no longer listening");
}

#[test]
fn fifty_clients_twenty_requests_each_are_all_answered() {
    let site = fixture();
    let server = start(site.path());
    let addr = server.addr();
    let paths = [
        "/",
        "/posts/hello/",
        "/tags/%E4%B8%AD%E6%96%87/",
        "/css/extra.css",
    ];
    let clients: Vec<_> = (0..50)
        .map(|client| {
            std::thread::spawn(move || {
                (0..20)
                    .filter(|i| get(addr, paths[(client + i) % paths.len()]).status == 200)
                    .count()
            })
        })
        .collect();
    let answered: usize = clients.into_iter().map(|c| c.join().unwrap()).sum();
    assert_eq!(answered, 1000);
    server.shutdown();
}

/// A site for the rebuild tests: two index pages, tags, a nested category, a page and
/// summaries cut at `<!-- more -->`.
fn patch_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("content/posts")).unwrap();
    std::fs::write(
        root.join("config.yaml"),
        "title: 增量\nurl: https://example.com\nper_page: 2\n",
    )
    .unwrap();
    for (name, day, tags) in [
        ("一", 1, "[Rust, 中文]"),
        ("二", 2, "[Rust]"),
        ("三", 3, "[中文]"),
    ] {
        let text = format!(
            "---\ntitle: 第{name}篇\ndate: 2024-05-0{day} 09:00:00\ntags: {tags}\ncategories: [编程, Rust]\n---\n\n第{name}篇的摘要。\n\n<!-- more -->\n\n## 正文\n\n正文内容。\n"
        );
        std::fs::write(root.join(format!("content/posts/p{day}.md")), text).unwrap();
    }
    std::fs::write(
        root.join("content/about.md"),
        "---\ntitle: 关于\n---\n\n关于本站。\n",
    )
    .unwrap();
    dir
}

/// [`patch_fixture`], its canonical path (file events name canonical paths) and a builder.
fn patch_builder() -> (
    tempfile::TempDir,
    std::path::PathBuf,
    yan::serve::site::Builder,
) {
    let site = patch_fixture();
    let root = site.path().canonicalize().unwrap();
    let builder = yan::serve::site::Builder::new(yan::BuildOptions::new(&root));
    (site, root, builder)
}

/// The files a fresh full build of `root` makes.
fn full_build(root: &Path) -> std::collections::HashMap<String, Vec<u8>> {
    yan::build_in_memory(&yan::BuildOptions::new(root))
        .unwrap()
        .2
}

/// Asserts that the builder's files are exactly those of a full build.
fn assert_same_as_full_build(built: &yan::serve::site::Built, root: &Path) {
    let full = full_build(root);
    let mut paths: Vec<&String> = built.files.keys().collect();
    paths.sort();
    let mut expected: Vec<&String> = full.keys().collect();
    expected.sort();
    assert_eq!(paths, expected, "the same files");
    for (path, bytes) in &full {
        assert!(
            *built.files[path] == bytes[..],
            "{path} differs from a full build:\n{}",
            String::from_utf8_lossy(&built.files[path])
        );
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has {from}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

#[test]
fn a_body_edit_renders_only_what_shows_it_and_matches_a_full_build() {
    let (_site, root, builder) = patch_builder();
    let first = builder.build().unwrap();
    let pages = first.cache.misses;
    let p1 = root.join("content/posts/p1.md");

    // Below the cut, as many words: only the post's own page changes (listings show the
    // word count).
    edit(&p1, "正文内容。", "新的正文。");
    let built = builder.rebuild(std::slice::from_ref(&p1)).unwrap();
    assert!(built.patched);
    assert_eq!(built.cache.misses, 1, "only the post itself is rendered");
    assert!(String::from_utf8_lossy(&built.files["posts/p1/index.html"]).contains("新的正文"));
    assert_same_as_full_build(&built, &root);

    // Above the cut: the summary moves to every listing that shows p1, the feeds and search.
    edit(&p1, "第一篇的摘要。", "第一篇的新摘要：增量渲染。");
    let built = builder.rebuild(std::slice::from_ref(&p1)).unwrap();
    // The post, its index page, tags Rust and 中文, categories 编程 and 编程/Rust.
    assert!(built.patched);
    assert_eq!(
        built.cache.misses, 6,
        "the post and the five listings that show it"
    );
    assert!(built.cache.misses < pages);
    let index = String::from_utf8_lossy(&built.files["page/2/index.html"]).into_owned();
    assert!(
        index.contains("新摘要：增量渲染"),
        "the index shows the new summary"
    );
    assert!(String::from_utf8_lossy(&built.files["atom.xml"]).contains("新摘要"));
    assert!(String::from_utf8_lossy(&built.files["search-index.json"]).contains("新摘要"));
    assert_same_as_full_build(&built, &root);

    // A standalone page.
    let about = root.join("content/about.md");
    edit(&about, "关于本站。", "关于本站：一个增量的例子。");
    let built = builder.rebuild(std::slice::from_ref(&about)).unwrap();
    assert!(built.patched);
    assert_eq!(built.cache.misses, 1);
    assert_same_as_full_build(&built, &root);
}

#[test]
fn a_front_matter_edit_rebuilds_everything_it_touches() {
    let (_site, root, builder) = patch_builder();
    builder.build().unwrap();
    let p2 = root.join("content/posts/p2.md");

    edit(&p2, "title: 第二篇", "title: 第二篇（修订）");
    let built = builder.rebuild(std::slice::from_ref(&p2)).unwrap();
    let index = String::from_utf8_lossy(&built.files["index.html"]).into_owned();
    assert!(index.contains("第二篇（修订）"), "the new title is listed");
    let neighbour = String::from_utf8_lossy(&built.files["posts/p3/index.html"]).into_owned();
    assert!(
        neighbour.contains("第二篇（修订）"),
        "and shown as a neighbour"
    );
    assert_same_as_full_build(&built, &root);

    edit(&p2, "tags: [Rust]", "tags: [Rust, 新标签]");
    let built = builder.rebuild(std::slice::from_ref(&p2)).unwrap();
    assert!(built.files.contains_key("tags/新标签/index.html"));
    assert_same_as_full_build(&built, &root);
}

#[test]
fn a_page_patched_then_reverted_in_a_full_rebuild_is_not_stale() {
    let (_site, root, builder) = patch_builder();
    builder.build().unwrap();
    let p3 = root.join("content/posts/p3.md");
    let original = std::fs::read_to_string(&p3).unwrap();

    edit(&p3, "正文内容。", "临时修改了。");
    assert!(builder.rebuild(std::slice::from_ref(&p3)).unwrap().patched);

    // One batch: the edit is undone and a new file appears (a draft, which changes nothing
    // else), so the whole site is built again through the memo. p3's page is as the first
    // build made it, and the memo remembers that build: the page the patch rendered must not
    // be kept.
    std::fs::write(&p3, &original).unwrap();
    let draft = root.join("content/posts/draft.md");
    std::fs::write(
        &draft,
        "---\ntitle: 草稿\ndate: 2024-05-04\ndraft: true\n---\n未完。\n",
    )
    .unwrap();
    let built = builder.rebuild(&[draft, p3]).unwrap();
    assert!(!built.patched);
    let page = String::from_utf8_lossy(&built.files["posts/p3/index.html"]).into_owned();
    assert!(!page.contains("临时修改了"), "the reverted text is gone");
    assert_same_as_full_build(&built, &root);
}

#[test]
fn an_editors_temporary_file_does_not_force_a_full_build_but_a_deleted_post_does() {
    let (_site, root, builder) = patch_builder();
    builder.build().unwrap();
    let p1 = root.join("content/posts/p1.md");

    // `sed -i` and some editors write a temporary file beside the post and rename it over it:
    // the event names both, and the temporary one is gone by the time of the rebuild.
    edit(&p1, "正文内容。", "新的正文。");
    let temporary = root.join("content/posts/sedX1b2c3");
    let built = builder.rebuild(&[p1, temporary]).unwrap();
    assert!(built.patched);
    assert_eq!(built.cache.misses, 1, "only the edited post is rendered");
    assert_same_as_full_build(&built, &root);

    let p2 = root.join("content/posts/p2.md");
    std::fs::remove_file(&p2).unwrap();
    let built = builder.rebuild(&[p2]).unwrap();
    assert!(!built.files.contains_key("posts/p2/index.html"));
    assert_same_as_full_build(&built, &root);
}

#[test]
fn a_title_edit_renders_the_pages_that_show_the_title_and_matches_a_full_build() {
    let (_site, root, builder) = patch_builder();
    // Newer posts, so that p1 is not among the five newest that every page lists.
    for n in 4..=9 {
        let text = format!(
            "---\ntitle: 较新的第{n}篇\ndate: 2024-06-0{n} 09:00:00\ntags: [杂谈]\n---\n\n内容{n}。\n"
        );
        std::fs::write(root.join(format!("content/posts/p{n}.md")), text).unwrap();
    }
    let first = builder.build().unwrap();
    let p1 = root.join("content/posts/p1.md");

    edit(&p1, "title: 第一篇", "title: 第一篇（修订版）");
    let built = builder.rebuild(std::slice::from_ref(&p1)).unwrap();
    // p1, its newer neighbour p2, its index page, tags Rust and 中文, categories 编程 and
    // 编程/Rust, and the archives: all, 2024, 2024/05.
    assert!(built.patched);
    assert_eq!(built.cache.misses, 10, "only the pages that show the title");
    assert!(built.cache.misses < first.cache.misses / 2);
    let neighbour = String::from_utf8_lossy(&built.files["posts/p2/index.html"]).into_owned();
    assert!(
        neighbour.contains("第一篇（修订版）"),
        "the neighbour links the new title"
    );
    let archive = String::from_utf8_lossy(&built.files["archives/2024/05/index.html"]).into_owned();
    assert!(archive.contains("第一篇（修订版）"));
    assert!(
        String::from_utf8_lossy(&built.files["search-index.json"]).contains("第一篇（修订版）")
    );
    assert_same_as_full_build(&built, &root);

    edit(
        &p1,
        "date: 2024-05-01 09:00:00",
        "date: 2024-05-01 09:00:00\nupdated: 2024-07-01 10:00:00\ndescription: 新的描述\ncover: /a.png",
    );
    let built = builder.rebuild(std::slice::from_ref(&p1)).unwrap();
    assert!(String::from_utf8_lossy(&built.files["sitemap.xml"]).contains("2024-07-01"));
    assert_same_as_full_build(&built, &root);

    // The newest post's title is in `site.recent_posts`, which every page gets: everything is
    // rendered again.
    let p9 = root.join("content/posts/p9.md");
    edit(&p9, "title: 较新的第9篇", "title: 最新的一篇");
    let built = builder.rebuild(std::slice::from_ref(&p9)).unwrap();
    assert!(!built.patched);
    assert_eq!(built.cache.misses, first.cache.misses, "every page");
    assert_same_as_full_build(&built, &root);

    // A new date moves the post: the model is built again.
    edit(
        &p1,
        "date: 2024-05-01 09:00:00",
        "date: 2024-06-30 09:00:00",
    );
    let built = builder.rebuild(std::slice::from_ref(&p1)).unwrap();
    assert!(!built.patched);
    assert_same_as_full_build(&built, &root);
}

#[test]
fn a_broken_edit_is_reported_with_its_file_and_the_next_good_one_recovers() {
    let (_site, root, builder) = patch_builder();
    builder.build().unwrap();
    let p1 = root.join("content/posts/p1.md");
    let original = std::fs::read_to_string(&p1).unwrap();

    edit(&p1, "title: 第一篇", "title: [第一篇");
    let error = match builder.rebuild(std::slice::from_ref(&p1)) {
        Ok(_) => panic!("a broken front matter builds"),
        Err(error) => error.to_string(),
    };
    assert!(error.contains("content/posts/p1.md:"), "{error}");

    std::fs::write(&p1, original.replace("正文内容。", "修好了。")).unwrap();
    let built = builder.rebuild(std::slice::from_ref(&p1)).unwrap();
    assert!(String::from_utf8_lossy(&built.files["posts/p1/index.html"]).contains("修好了"));
    assert_same_as_full_build(&built, &root);
}

#[test]
fn a_stylesheet_edit_copies_that_file_and_renders_nothing() {
    let (_site, root, builder) = patch_builder();
    std::fs::create_dir_all(root.join("static/css")).unwrap();
    let css = root.join("static/css/extra.css");
    std::fs::write(&css, "body { color: black; }\n").unwrap();
    builder.build().unwrap();

    std::fs::write(&css, "body { color: #333; } /* 改 */\n").unwrap();
    let built = builder.rebuild(std::slice::from_ref(&css)).unwrap();
    assert!(built.patched);
    assert_eq!(built.cache.misses, 0, "no page is rendered");
    assert_eq!(
        &*built.files["css/extra.css"],
        "body { color: #333; } /* 改 */\n".as_bytes()
    );
    assert_same_as_full_build(&built, &root);

    // The site's own copy of a theme file replaces it the same way.
    let theme_css = root.join("static/css/style.css");
    std::fs::write(&theme_css, "/* 站点自己的样式 */\n").unwrap();
    let built = builder.rebuild(std::slice::from_ref(&theme_css)).unwrap();
    assert!(built.patched);
    assert_eq!(built.cache.misses, 0);
    assert_same_as_full_build(&built, &root);

    // A new file is a new output: a full build publishes it.
    let new = root.join("static/新.txt");
    std::fs::write(&new, "新文件\n").unwrap();
    let built = builder.rebuild(std::slice::from_ref(&new)).unwrap();
    assert!(!built.patched);
    assert!(built.files.contains_key("新.txt"));
    assert_same_as_full_build(&built, &root);

    // A deleted override brings the theme's file back.
    std::fs::remove_file(&theme_css).unwrap();
    let built = builder.rebuild(std::slice::from_ref(&theme_css)).unwrap();
    assert!(!String::from_utf8_lossy(&built.files["css/style.css"]).contains("站点自己的样式"));
    assert_same_as_full_build(&built, &root);
}
