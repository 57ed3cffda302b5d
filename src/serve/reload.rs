//! Live reload: the script `serve` injects into every HTML response, and the Server-Sent Events
//! stream it listens to. Nothing here is ever part of `yan build` output.
//!
//! Events: `reload` (reload the page), `css` (swap the stylesheets in place), `error` (show the
//! build error in an overlay; its data is the diagnostics, one `path:line:col: message` a line),
//! `ok` (the build is good again: remove the overlay).

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use tokio::sync::{broadcast, watch};

use super::http::AppState;

/// The path of the event stream.
pub const EVENTS_PATH: &str = "/__yan/events";

/// What the browser is told after a rebuild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reload {
    /// Reload the page.
    Page,
    /// Only stylesheets changed: swap them.
    Css,
    /// The build failed: show this text.
    Error(String),
    /// The build is good again: hide the error.
    Ok,
}

impl Reload {
    fn event(&self) -> Event {
        match self {
            Reload::Page => Event::default().event("reload").data("reload"),
            Reload::Css => Event::default().event("css").data("css"),
            Reload::Error(text) => Event::default().event("error").data(text.replace('\r', "")),
            Reload::Ok => Event::default().event("ok").data("ok"),
        }
    }
}

/// The script, kept small and dependency-free. The overlay text is set with `textContent`, so
/// the diagnostics are never parsed as HTML.
const SCRIPT: &str = r#"<script>(()=>{
const es=new EventSource("/__yan/events");let box=null;
es.addEventListener("reload",()=>location.reload());
es.addEventListener("css",()=>{for(const l of document.querySelectorAll('link[rel~="stylesheet"]')){const u=new URL(l.href);u.searchParams.set("yan",Date.now());l.href=u.href;}});
es.addEventListener("error",e=>{if(!box){box=document.createElement("pre");box.id="yan-error";box.style.cssText="position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;margin:0;padding:1em;z-index:2147483647;background:#2b0d0d;color:#ffd7d7;font:14px/1.5 monospace;white-space:pre-wrap;border-top:3px solid #e5484d";document.body.appendChild(box);}box.textContent="yan: the site did not build\n\n"+e.data;});
es.addEventListener("ok",()=>{if(box){box.remove();box=null;}});
})();</script>"#;

/// `html` with the live-reload script inserted before its last `</body>` (or at the end).
pub fn inject(html: &[u8]) -> Vec<u8> {
    let at = rfind_ascii_case_insensitive(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + SCRIPT.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(SCRIPT.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn rfind_ascii_case_insensitive(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    (0..=haystack.len().checked_sub(needle.len())?)
        .rev()
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// The event stream: the current error first (if the site is broken), then every rebuild's
/// event, until the server shuts down.
pub async fn events(
    State(app): State<Arc<AppState>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let first = app.site.error().map(Reload::Error);
    let receiver = app.reloads.subscribe();
    let stream = futures_util::stream::unfold(
        (first, receiver, app.shutdown.clone()),
        |(first, mut receiver, mut shutdown)| async move {
            if let Some(first) = first {
                return Some((Ok(first.event()), (None, receiver, shutdown)));
            }
            let reload = next(&mut receiver, &mut shutdown).await?;
            Some((Ok(reload.event()), (None, receiver, shutdown)))
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// The next event, or `None` once the server shuts down.
async fn next(
    receiver: &mut broadcast::Receiver<Reload>,
    shutdown: &mut watch::Receiver<bool>,
) -> Option<Reload> {
    loop {
        if *shutdown.borrow() {
            return None;
        }
        tokio::select! {
            received = receiver.recv() => match received {
                Ok(reload) => return Some(reload),
                // Missed events: the page is stale, reload it.
                Err(broadcast::error::RecvError::Lagged(_)) => return Some(Reload::Page),
                Err(broadcast::error::RecvError::Closed) => return None,
            },
            changed = shutdown.changed() => if changed.is_err() { return None },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_the_last_closing_body() {
        let html = inject(b"<html><body><p>x</p></BODY></html>");
        let text = String::from_utf8(html).unwrap();
        assert!(text.contains("</script></BODY></html>"), "{text}");
        assert!(text.starts_with("<html><body><p>x</p><script>"));
    }

    #[test]
    fn appends_when_there_is_no_body() {
        let text = String::from_utf8(inject(b"<p>x</p>")).unwrap();
        assert!(text.starts_with("<p>x</p><script>") && text.ends_with("</script>"));
    }
}
