//! HTTP: request paths to files of the site in memory.
//!
//! Files are looked up by their output path in the in-memory map, never on the disk, so no
//! request path can reach a file outside the built site; paths with `.` or `..` segments,
//! backslashes or NUL bytes (encoded or not) are refused before the lookup all the same.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use tokio::sync::{broadcast, watch};

use super::reload::{self, EVENTS_PATH, Reload};
use super::site::{Files, SiteState};

/// What the request handlers share.
pub struct AppState {
    /// The site being served.
    pub site: Arc<SiteState>,
    /// Rebuild events for the browsers.
    pub reloads: broadcast::Sender<Reload>,
    /// Becomes `true` when the server shuts down (ends the event streams).
    pub shutdown: watch::Receiver<bool>,
}

/// The routes: the event stream, and every other path a file of the site.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(reload::events))
        .fallback(serve_file)
        .with_state(state)
}

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// The file with this output path.
    File(String),
    /// A folder asked for without its trailing slash: redirect here.
    Redirect(String),
    /// Nothing.
    NotFound,
}

/// Characters escaped in a redirect's path segment.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Resolves a raw (percent-encoded) request path against the site's files.
pub fn resolve(files: &Files, raw_path: &str) -> Resolved {
    let Ok(decoded) = percent_decode_str(raw_path).decode_utf8() else {
        return Resolved::NotFound;
    };
    if decoded.contains(['\\', '\0']) {
        return Resolved::NotFound;
    }
    let segments: Vec<&str> = decoded.split('/').filter(|s| !s.is_empty()).collect();
    if segments.iter().any(|s| *s == "." || *s == "..") {
        return Resolved::NotFound;
    }
    let key = segments.join("/");
    let index = if key.is_empty() {
        "index.html".to_string()
    } else {
        format!("{key}/index.html")
    };
    if decoded.ends_with('/') {
        return match files.contains_key(&index) {
            true => Resolved::File(index),
            false => Resolved::NotFound,
        };
    }
    if files.contains_key(&key) {
        Resolved::File(key)
    } else if files.contains_key(&index) {
        let encoded: Vec<String> = segments
            .iter()
            .map(|s| utf8_percent_encode(s, SEGMENT).to_string())
            .collect();
        Resolved::Redirect(format!("/{}/", encoded.join("/")))
    } else {
        Resolved::NotFound
    }
}

async fn serve_file(State(app): State<Arc<AppState>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut response = respond(StatusCode::METHOD_NOT_ALLOWED, "text/plain", b"".to_vec());
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let files = app.site.files();
    match resolve(&files, uri.path()) {
        Resolved::File(path) => file_response(StatusCode::OK, &path, &files[&path]),
        Resolved::Redirect(mut location) => {
            if let Some(query) = uri.query() {
                location = format!("{location}?{query}");
            }
            let mut response = respond(StatusCode::MOVED_PERMANENTLY, "text/plain", Vec::new());
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        Resolved::NotFound => match files.get("404.html") {
            Some(bytes) => file_response(StatusCode::NOT_FOUND, "404.html", bytes),
            None => file_response(StatusCode::NOT_FOUND, "404.html", NOT_FOUND),
        },
    }
}

/// Served when the site has no `404.html` (e.g. the first build failed).
const NOT_FOUND: &[u8] =
    b"<!doctype html><meta charset=utf-8><title>404</title><body><h1>404 Not Found</h1></body>";

fn file_response(status: StatusCode, path: &str, bytes: &[u8]) -> Response {
    let content_type = content_type(path);
    let body = if content_type == "text/html" {
        reload::inject(bytes)
    } else {
        bytes.to_vec()
    };
    respond(status, content_type, body)
}

fn respond(status: StatusCode, content_type: &str, body: Vec<u8>) -> Response {
    let value = if content_type.starts_with("text/")
        || content_type.ends_with("json")
        || content_type.ends_with("xml")
        || content_type == "application/javascript"
    {
        format!("{content_type}; charset=utf-8")
    } else {
        content_type.to_string()
    };
    let headers = [
        (header::CONTENT_TYPE, value),
        (header::CACHE_CONTROL, "no-store".to_string()),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
    ];
    (status, headers, Body::from(body)).into_response()
}

/// The media type of an output path, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match extension.as_deref().unwrap_or("") {
        "html" | "htm" => "text/html",
        "css" => "text/css",
        "js" | "mjs" => "application/javascript",
        "json" | "map" => "application/json",
        "xml" => "application/xml",
        "txt" | "md" | "nojekyll" => "text/plain",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "wasm" => "application/wasm",
        _ if path.ends_with("CNAME") => "text/plain",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Files {
        [
            "index.html",
            "tags/中文/index.html",
            "css/style.css",
            "posts/a/index.html",
        ]
        .iter()
        .map(|p| (p.to_string(), Arc::from(&b"x"[..])))
        .collect()
    }

    #[test]
    fn resolves_files_folders_and_chinese_paths() {
        let files = site();
        let file = |p: &str| Resolved::File(p.to_string());
        assert_eq!(resolve(&files, "/"), file("index.html"));
        assert_eq!(resolve(&files, "/css/style.css"), file("css/style.css"));
        assert_eq!(
            resolve(&files, "/tags/%E4%B8%AD%E6%96%87/"),
            file("tags/中文/index.html")
        );
        assert_eq!(
            resolve(&files, "/tags/%E4%B8%AD%E6%96%87"),
            Resolved::Redirect("/tags/%E4%B8%AD%E6%96%87/".into())
        );
        assert_eq!(resolve(&files, "/posts/b/"), Resolved::NotFound);
    }

    #[test]
    fn refuses_climbing_paths() {
        let files = site();
        for path in [
            "/../index.html",
            "/%2e%2e/index.html",
            "/posts/%2E%2E/index.html",
            "/posts%2f..%2findex.html",
            "/..%5cindex.html",
            "/./index.html",
            "/index.html%00",
            "/%ff",
        ] {
            assert_eq!(resolve(&files, path), Resolved::NotFound, "{path}");
        }
    }

    #[test]
    fn redirect_never_leaves_the_site() {
        let mut files = site();
        files.insert("evil.com/index.html".into(), Arc::from(&b"x"[..]));
        assert_eq!(
            resolve(&files, "//evil.com"),
            Resolved::Redirect("/evil.com/".into())
        );
    }

    #[test]
    fn text_types_are_known() {
        assert_eq!(content_type("a/index.html"), "text/html");
        assert_eq!(content_type("atom.xml"), "application/xml");
        assert_eq!(content_type("x.PNG"), "image/png");
    }
}
