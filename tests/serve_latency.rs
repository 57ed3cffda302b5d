//! How long an edit to one post takes to be served, on a big site. Not run by default:
//!
//! ```text
//! python3 bench/gen_corpus.py --n 1000 --out /tmp/c1000      # or shared/bench/
//! printf 'title: Bench\nurl: https://example.com\n' > /tmp/c1000/generic/config.yaml
//! YAN_SERVE_BENCH_SITE=/tmp/c1000/generic YAN_SERVE_BENCH_POST=post-00500 \
//!   cargo test --release --test serve_latency -- --ignored --nocapture
//! ```
//!
//! Set `YAN_SERVE_BENCH_MAX_MS=100` to fail when the median is slower than that, and
//! `YAN_SERVE_BENCH_EDIT=title` to edit the post's title (its front matter) rather than append
//! to its text.
//! It measures from the moment the edited file is written until an HTTP request for the post
//! returns the new text: file-watch delivery, debounce, rebuild and the swap, all included.
//! The post file is restored at the end.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use yan::serve::{Notice, ServeOptions};

fn get(addr: SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut body = Vec::new();
    stream.read_to_end(&mut body).unwrap();
    String::from_utf8_lossy(&body).into_owned()
}

#[test]
#[ignore = "needs a generated corpus; see the module docs"]
fn one_edit_on_a_big_site_is_served_fast() {
    let Ok(root) = std::env::var("YAN_SERVE_BENCH_SITE") else {
        eprintln!("set YAN_SERVE_BENCH_SITE to a site folder");
        return;
    };
    let post = std::env::var("YAN_SERVE_BENCH_POST").unwrap_or("post-00500".into());
    let file = std::path::Path::new(&root).join(format!("content/posts/{post}.md"));
    let original = std::fs::read_to_string(&file).unwrap();
    let edit_title = std::env::var("YAN_SERVE_BENCH_EDIT").is_ok_and(|e| e == "title");

    let started = Instant::now();
    let (_, report, _) = yan::build_in_memory(&yan::BuildOptions::new(&root)).unwrap();
    let full = started.elapsed();
    eprintln!(
        "full in-memory build, no cache: {full:.1?} ({} files)",
        report.files
    );

    let builds = Arc::new(Mutex::new(Vec::new()));
    let log = builds.clone();
    let mut options = ServeOptions::new(yan::BuildOptions::new(&root));
    options.port = 0;
    let server = yan::serve::start(options, move |notice| {
        if let Notice::Built { millis, cache, .. } = notice {
            log.lock()
                .unwrap()
                .push((*millis, cache.hits, cache.misses));
        }
    })
    .unwrap();
    let addr = server.addr();
    let url = format!("/posts/{post}/");
    let mut latencies = Vec::new();
    for round in 0..15 {
        let marker = format!("latency-marker-{round}");
        let edited = match edit_title {
            true => original.replacen("title: ", &format!("title: {marker} "), 1),
            false => format!("{original}\n{marker}\n"),
        };
        std::fs::write(&file, edited).unwrap();
        let written = Instant::now();
        while !get(addr, &url).contains(&marker) {
            assert!(
                written.elapsed() < Duration::from_secs(10),
                "edit never served"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        latencies.push(written.elapsed());
        std::thread::sleep(Duration::from_millis(100));
    }
    std::fs::write(&file, &original).unwrap();
    server.shutdown();

    let builds = builds.lock().unwrap();
    for (millis, hits, misses) in builds.iter() {
        eprintln!("rebuild {millis:6.1} ms: {misses} rendered, {hits} reused");
    }
    latencies.sort();
    let median = latencies[latencies.len() / 2];
    let max = latencies[latencies.len() - 1];
    eprintln!(
        "save -> served: median {median:.1?}, max {max:.1?} over {} edits",
        latencies.len()
    );
    if let Some(max_ms) = std::env::var("YAN_SERVE_BENCH_MAX_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        assert!(median < Duration::from_millis(max_ms), "median {median:?}");
    }
}
