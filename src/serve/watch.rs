//! Watching the site's sources: `config.yaml`, `content/`, `templates/` and `static/`.
//!
//! The folders are watched, not the files, so an editor's atomic save (write a temporary file,
//! rename it over the original) is seen as a change of the original. Events are debounced: a
//! rebuild starts once the sources have been quiet for [`QUIET`], so one save that produces a
//! burst of events causes one rebuild. Hidden files and editor backups are ignored.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode};

use crate::error::{Error, Result};

/// How long the sources must be quiet before a rebuild starts.
pub const QUIET: Duration = Duration::from_millis(10);
/// The longest a rebuild waits for quiet while events keep coming.
pub const MAX_WAIT: Duration = Duration::from_millis(500);

/// The folders under the site root that are sources.
pub const SOURCE_DIRS: [&str; 3] = ["content", "templates", "static"];

enum Message {
    Event(notify::Result<notify::Event>),
    Stop,
}

/// A running watcher; dropping it stops it.
pub struct Watcher {
    stop: Sender<Message>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.stop.send(Message::Stop);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What is watched: the site root (canonical) and its config file.
#[derive(Debug, Clone)]
pub struct Sources {
    /// The site folder.
    pub root: PathBuf,
    /// The config file.
    pub config: PathBuf,
}

impl Sources {
    /// Whether a changed path is one the site is built from.
    pub fn is_source(&self, path: &Path) -> bool {
        if path == self.config {
            return true;
        }
        let Ok(relative) = path.strip_prefix(&self.root) else {
            return false;
        };
        let mut parts = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy());
        let in_source_dir = parts.next().is_some_and(|top| SOURCE_DIRS.contains(&&*top));
        in_source_dir
            && !relative
                .components()
                .any(|c| is_editor_noise(&c.as_os_str().to_string_lossy()))
    }
}

/// Hidden files, backups and swap files that editors write beside the real one.
fn is_editor_noise(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name == "4913"
}

/// Watches `sources` and calls `on_change` with the changed source paths after each quiet
/// spell, on a thread of its own.
pub fn watch(
    sources: Sources,
    on_change: impl FnMut(Vec<PathBuf>) + Send + 'static,
) -> Result<Watcher> {
    let (sender, receiver) = mpsc::channel();
    let events = sender.clone();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = events.send(Message::Event(event));
    })
    .map_err(|e| serve_error("file watcher", e))?;
    watch_sources(&mut watcher, &sources)?;
    let thread = std::thread::Builder::new()
        .name("yan-watch".into())
        .spawn(move || debounce(watcher, &sources, &receiver, on_change))
        .map_err(|e| serve_error("file watcher thread", e))?;
    Ok(Watcher {
        stop: sender,
        thread: Some(thread),
    })
}

fn serve_error(what: &str, e: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::Serve {
        what: what.to_string(),
        source: Box::new(e),
    }
}

/// Watches the root (for the config file and new source folders) and each source folder.
fn watch_sources(watcher: &mut impl notify::Watcher, sources: &Sources) -> Result<()> {
    watcher
        .watch(&sources.root, RecursiveMode::NonRecursive)
        .map_err(|e| serve_error(&sources.root.display().to_string(), e))?;
    if let Some(parent) = sources.config.parent().filter(|p| *p != sources.root) {
        let _ = watcher.watch(parent, RecursiveMode::NonRecursive);
    }
    for dir in SOURCE_DIRS {
        let dir = sources.root.join(dir);
        if dir.is_dir() {
            watcher
                .watch(&dir, RecursiveMode::Recursive)
                .map_err(|e| serve_error(&dir.display().to_string(), e))?;
        }
    }
    Ok(())
}

/// Gathers events until quiet, then hands the changed paths over; until stopped.
fn debounce(
    mut watcher: impl notify::Watcher,
    sources: &Sources,
    receiver: &mpsc::Receiver<Message>,
    mut on_change: impl FnMut(Vec<PathBuf>),
) {
    loop {
        let mut changed = Vec::new();
        let mut deadline = None;
        loop {
            let wait = match deadline {
                None => Duration::MAX,
                Some(d) => QUIET.min(d - Instant::now().min(d)),
            };
            match receiver.recv_timeout(wait) {
                Ok(Message::Event(Ok(event))) => {
                    if relevant(&event, sources, &mut changed) {
                        deadline.get_or_insert(Instant::now() + MAX_WAIT);
                    }
                }
                Ok(Message::Event(Err(_))) => {}
                Err(RecvTimeoutError::Timeout) => break,
                Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        if changed.iter().any(|p| is_source_dir(sources, p)) {
            // A source folder appeared (or was replaced): watch it.
            let _ = watch_sources(&mut watcher, sources);
        }
        changed.sort();
        changed.dedup();
        on_change(changed);
    }
}

fn is_source_dir(sources: &Sources, path: &Path) -> bool {
    SOURCE_DIRS.iter().any(|d| path == sources.root.join(d))
}

/// Adds the event's source paths to `changed`; whether there were any.
fn relevant(event: &notify::Event, sources: &Sources, changed: &mut Vec<PathBuf>) -> bool {
    if matches!(event.kind, EventKind::Access(_)) {
        return false;
    }
    let before = changed.len();
    changed.extend(event.paths.iter().filter(|p| sources.is_source(p)).cloned());
    changed.len() > before
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_sources_from_noise() {
        let sources = Sources {
            root: PathBuf::from("/site"),
            config: PathBuf::from("/site/config.yaml"),
        };
        assert!(sources.is_source(Path::new("/site/config.yaml")));
        assert!(sources.is_source(Path::new("/site/content/posts/中文.md")));
        assert!(sources.is_source(Path::new("/site/templates/post.html")));
        assert!(sources.is_source(Path::new("/site/static")));
        assert!(!sources.is_source(Path::new("/site/public/index.html")));
        assert!(!sources.is_source(Path::new("/site/content/posts/.a.md.swp")));
        assert!(!sources.is_source(Path::new("/site/content/posts/a.md~")));
        assert!(!sources.is_source(Path::new("/site/content/.git/x")));
        assert!(!sources.is_source(Path::new("/elsewhere/content/a.md")));
    }
}
