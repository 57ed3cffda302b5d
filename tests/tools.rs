//! `yan init`, `yan new`, `yan check`, sub-path sites and the Pages workflow.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;

use common::{Fixture, decode, files_under, links_in};

fn yan(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_yan"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run yan")
}

#[test]
fn init_new_and_build_make_a_working_site() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("我的博客");
    let out = yan(&["init", site.to_str().unwrap()], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in [
        "config.yaml",
        "content/posts/hello-yan.md",
        "content/about.md",
        ".gitignore",
        ".github/workflows/pages.yml",
    ] {
        assert!(site.join(file).is_file(), "init wrote {file}");
    }
    assert!(
        std::fs::read_to_string(site.join(".gitignore"))
            .unwrap()
            .contains("/public/")
    );

    let out = yan(
        &[
            "new",
            "第一篇文章",
            "--tag",
            "Rust",
            "--tag",
            "入门",
            "--category",
            "编程",
        ],
        &site,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let post = std::fs::read_to_string(site.join("content/posts/di-yi-pian-wen-zhang.md")).unwrap();
    assert!(
        post.starts_with("---\ntitle: 第一篇文章\ndate: 20"),
        "{post}"
    );
    assert!(
        post.contains("tags:\n  - Rust\n  - 入门\n") && post.contains("categories:\n  - 编程\n")
    );
    let out = yan(&["new", "第一篇文章"], &site);
    assert_eq!(out.status.code(), Some(1), "never overwrites");
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    let out = yan(&["new", "草稿", "--slug", "my-draft", "--draft"], &site);
    assert!(out.status.success());
    assert!(
        std::fs::read_to_string(site.join("content/posts/my-draft.md"))
            .unwrap()
            .contains("draft: true")
    );

    let out = yan(&["build"], &site);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("built 2 posts, 1 pages"));
    assert!(
        site.join("public/posts/di-yi-pian-wen-zhang/index.html")
            .is_file()
    );
    assert!(site.join("public/posts/hello-yan/index.html").is_file());
    let out = yan(&["check"], &site);
    assert!(
        out.status.success(),
        "a new site has no broken link: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn init_refuses_a_folder_with_files_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.yaml"), "title: 我的\n").unwrap();
    let out = yan(&["init", "."], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
    let out = yan(&["init", ".", "--force"], dir.path());
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("config.yaml")).unwrap(),
        "title: 我的\n"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("kept"));
    assert!(dir.path().join("content/about.md").is_file());
}

#[test]
fn workflows_parse_and_name_the_three_pages_actions() {
    let dir = tempfile::tempdir().unwrap();
    yan::scaffold::init(dir.path(), false).unwrap();
    let ours = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.github/workflows/pages.yml"
    ))
    .unwrap();
    let theirs = std::fs::read_to_string(dir.path().join(".github/workflows/pages.yml")).unwrap();
    for workflow in [&ours, &theirs] {
        let yaml: serde_yaml::Value = serde_yaml::from_str(workflow).expect("valid YAML");
        let uses: Vec<String> = ["build", "deploy"]
            .iter()
            .flat_map(|job| yaml["jobs"][job]["steps"].as_sequence().unwrap().clone())
            .filter_map(|step| step["uses"].as_str().map(str::to_string))
            .collect();
        for action in [
            "actions/configure-pages@",
            "actions/upload-pages-artifact@",
            "actions/deploy-pages@",
        ] {
            assert!(
                uses.iter().any(|u| u.starts_with(action)),
                "{action} in {uses:?}"
            );
        }
        assert_eq!(yaml["permissions"]["pages"], "write");
        assert_eq!(yaml["permissions"]["id-token"], "write");
    }
    assert!(ours.contains("--locked"));
    assert!(theirs.contains("cargo install --locked --git https://github.com/"));
}

fn broken_site() -> Fixture {
    let site = Fixture::new("title: t\nurl: https://example.com\n");
    site.post(
        "a.md",
        "title: 甲\ndate: 2024-01-02",
        "## 第一节\n\n[好链接](./b.md#第二节)\n[坏链接](./nothing.md)\n![缺图](./images/none.png)\n[坏锚点](#不存在)\n[别的坏锚点](./b.md#没有这节)\n[好锚点](#第一节)\n[站内](/about/)\n[站内坏](/nowhere/)\n",
    )
    .post("b.md", "title: 乙\ndate: 2024-01-01", "## 第二节\n\n正文。\n")
    .write("content/about.md", "---\ntitle: 关于\n---\n关于。\n");
    site
}

#[test]
fn check_reports_every_kind_of_break_with_file_and_line() {
    let site = broken_site();
    let out = yan(
        &["check", "--root", site.root().to_str().unwrap()],
        site.root(),
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let expected = [
        "content/posts/a.md:8: broken link: ./nothing.md",
        "content/posts/a.md:9: missing image: ./images/none.png",
        "content/posts/a.md:10: missing anchor: #不存在",
        "content/posts/a.md:11: missing anchor: ./b.md#没有这节",
        "content/posts/a.md:14: broken link: /nowhere/",
    ];
    for line in expected {
        assert!(stdout.contains(line), "missing `{line}` in:\n{stdout}");
    }
    assert_eq!(stdout.lines().count(), expected.len(), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("5 broken link(s)"));
    // `build` keeps going: broken links are warnings there.
    let build = yan(
        &["build", "--root", site.root().to_str().unwrap()],
        site.root(),
    );
    assert!(build.status.success());
    assert!(
        String::from_utf8_lossy(&build.stderr)
            .contains("warning: content/posts/a.md:9: missing image")
    );
}

#[test]
fn check_finds_broken_template_links() {
    let site = Fixture::new("title: t\n");
    site.post("a.md", "title: 甲\ndate: 2024-01-02", "正文。\n")
        .write(
            "templates/page.html",
            "<a href=\"{{ url(path='/no-such-page/') }}\">x</a>",
        )
        .write("content/about.md", "---\ntitle: 关于\n---\n");
    let report = yan::check::check(&site.options(), false).unwrap();
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        ["public/about/index.html: broken link: /no-such-page/"]
    );
}

#[test]
fn a_clean_site_passes_check() {
    let site = Fixture::new("title: t\nurl: https://user.github.io/repo\n");
    site.post(
        "a.md",
        "title: 甲\ndate: 2024-01-02\ntags: [中文 标签]",
        "## 第一节\n\n[锚](#第一节) [乙](./b.md#第二节)\n\n<!-- more -->\n\n更多。\n",
    )
    .post("b.md", "title: 乙\ndate: 2024-01-01", "## 第二节\n")
    .write_bytes("content/posts/images/x.png", b"png");
    let report = yan::check::check(&site.options(), false).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert!(report.links > 50, "{} links", report.links);
}

#[test]
fn sub_path_sites_resolve_every_link_under_the_prefix() {
    let site = Fixture::new("title: t\nurl: https://user.github.io/repo\n");
    site.post(
        "a.md",
        "title: 甲\ndate: 2024-01-02\ntags: [中文 标签]\ncategories: [编程, Rust]",
        "![图](./images/x.png) [乙](./b.md)\n",
    )
    .post("b.md", "title: 乙\ndate: 2024-01-01", "正文。\n")
    .write_bytes("content/posts/images/x.png", b"png")
    .write("content/about.md", "---\ntitle: 关于\n---\n关于。\n");
    site.build();
    let public = site.public();
    let mut checked = 0;
    for file in files_under(&public).iter().filter(|f| f.ends_with(".html")) {
        for link in links_in(&site.read(file)) {
            if link.starts_with("http") || link.starts_with('#') {
                continue;
            }
            assert!(link.starts_with("/repo/"), "{file}: {link}");
            let path = decode(link.split('#').next().unwrap().trim_start_matches("/repo/"));
            let target = if path.is_empty() || path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path
            };
            assert!(public.join(&target).is_file(), "{file}: {link}");
            checked += 1;
        }
    }
    assert!(checked > 40);
    for feed in ["atom.xml", "rss.xml", "sitemap.xml"] {
        let xml = site.read(feed);
        assert!(
            xml.contains("https://user.github.io/repo/posts/a/"),
            "{feed}"
        );
        assert!(!xml.contains("https://user.github.io/posts/"), "{feed}");
    }
    let mut options = site.options();
    options.base_url = Some("https://mirror.example.org/blog/".into());
    yan::build(&options).unwrap();
    assert!(site.read("index.html").contains("href=\"/blog/posts/a/\""));
    assert!(
        site.read("atom.xml")
            .contains("https://mirror.example.org/blog/posts/a/")
    );
}

/// A loopback server answering `/ok` with 200 and everything else with 404.
fn local_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut buffer = [0; 2048];
            let n = stream.read(&mut buffer).unwrap_or(0);
            let request = String::from_utf8_lossy(&buffer[..n]);
            let status = if request.split_whitespace().nth(1) == Some("/ok") {
                "200 OK"
            } else {
                "404 Not Found"
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    format!("http://{address}")
}

#[test]
fn external_links_are_checked_only_when_asked() {
    let server = local_server();
    let site = Fixture::new("title: t\n");
    site.post(
        "a.md",
        "title: 甲\ndate: 2024-01-02",
        &format!("[好]({server}/ok)\n[坏]({server}/gone)\n"),
    );
    assert!(
        yan::check::check(&site.options(), false)
            .unwrap()
            .problems
            .is_empty()
    );
    let report = yan::check::check(&site.options(), true).unwrap();
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [format!(
            "content/posts/a.md:6: broken external link: {server}/gone (HTTP 404)"
        )]
    );
}
