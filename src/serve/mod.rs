//! `yan serve`: build the site into memory, serve it over HTTP, rebuild on every change to its
//! sources and tell the browsers to reload.
//!
//! The site is never written to the disk: the HTTP handlers look request paths up in the
//! in-memory map of the last good build. A rebuild re-parses only the changed content files and
//! re-renders only the pages whose inputs changed (see [`crate::render::memo`]). A failed
//! rebuild keeps the last good site and shows the error in the terminal and in the browser.
//! The live-reload script is added to HTML responses here, never by `render`.

pub mod http;
pub mod reload;
pub mod site;
pub mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{broadcast, watch as signal};

use crate::{BuildOptions, Diagnostic, Error, Result};
use reload::Reload;
use site::CacheStats;
use site::{Builder, Change, SiteState};

/// How to serve a site.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site; its `base_url` is replaced by the server's own address.
    pub build: BuildOptions,
    /// The address to listen on (127.0.0.1 unless the user says otherwise).
    pub bind: IpAddr,
    /// The first port to try; the next ones are tried while it is taken. 0 lets the system pick.
    pub port: u16,
    /// Watch the sources and rebuild on change.
    pub watch: bool,
}

impl ServeOptions {
    /// Serves `build` on 127.0.0.1:1111, watching its sources.
    pub fn new(build: BuildOptions) -> Self {
        ServeOptions {
            build,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            watch: true,
        }
    }
}

/// The port `yan serve` tries first.
pub const DEFAULT_PORT: u16 = 1111;
/// How many ports after the first are tried when it is taken.
const PORT_TRIES: u16 = 20;

/// What happened in a build, for the terminal.
#[derive(Debug, Clone)]
pub enum Notice {
    /// A build succeeded and is being served.
    Built {
        /// How long it took, in milliseconds.
        millis: f64,
        /// How the output differs from the previous build.
        change: Change,
        /// Pages and documents taken from the cache or rendered.
        cache: CacheStats,
        /// Problems that did not stop it.
        warnings: Vec<Diagnostic>,
        /// The source files whose change caused it (empty for the first build).
        changed: Vec<PathBuf>,
    },
    /// A build failed; the previous site is still served.
    Failed {
        /// How long it took, in milliseconds.
        millis: f64,
        /// Every problem, one `path:line:col: message` a line.
        error: String,
    },
}

/// A running server; [`Handle::shutdown`] stops it.
pub struct Handle {
    addr: SocketAddr,
    runtime: tokio::runtime::Runtime,
    server: tokio::task::JoinHandle<()>,
    shutdown: signal::Sender<bool>,
    watcher: Option<watch::Watcher>,
}

impl Handle {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The site's URL, e.g. `http://127.0.0.1:1111/`.
    pub fn url(&self) -> String {
        format!("{}/", base_url(self.addr))
    }

    /// Blocks until the user presses Ctrl-C (or the process gets SIGINT).
    pub fn wait_for_ctrl_c(&self) -> Result<()> {
        self.runtime
            .block_on(tokio::signal::ctrl_c())
            .map_err(|e| serve_error("Ctrl-C handler", e))
    }

    /// Stops watching, ends the event streams, finishes the requests in flight and stops.
    pub fn shutdown(self) {
        drop(self.watcher);
        let _ = self.shutdown.send(true);
        let server = self.server;
        let _ = self
            .runtime
            .block_on(async { tokio::time::timeout(Duration::from_secs(5), server).await });
        self.runtime.shutdown_timeout(Duration::from_secs(1));
    }
}

/// Builds the site, starts serving it and (with `watch`) rebuilding it on change. `notice` is
/// told about every build, the first one before `start` returns. A first build that fails
/// still starts the server, which then shows the error.
pub fn start(
    options: ServeOptions,
    notice: impl Fn(&Notice) + Send + Sync + 'static,
) -> Result<Handle> {
    let listener = bind(options.bind, options.port)?;
    let addr = listener
        .local_addr()
        .map_err(|e| serve_error("listener", e))?;
    let mut build = options.build.clone();
    build.base_url = Some(base_url(addr));
    let sources = sources(&build);
    let rebuilder = Arc::new(Rebuilder {
        builder: Builder::new(build),
        sources: sources.clone(),
        site: Arc::new(SiteState::default()),
        reloads: broadcast::channel(16).0,
        notice: Box::new(notice),
    });
    rebuilder.rebuild(Vec::new());
    let (shutdown, shutdown_rx) = signal::channel(false);
    let state = Arc::new(http::AppState {
        site: rebuilder.site.clone(),
        reloads: rebuilder.reloads.clone(),
        shutdown: shutdown_rx.clone(),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("yan-serve")
        .enable_all()
        .build()
        .map_err(|e| serve_error("runtime", e))?;
    let server = runtime.block_on(async { serve(listener, state, shutdown_rx) })?;
    let server = runtime.spawn(server);
    let watcher = match options.watch {
        true => Some(watch::watch(sources, move |changed| {
            rebuilder.rebuild(changed)
        })?),
        false => None,
    };
    Ok(Handle {
        addr,
        runtime,
        server,
        shutdown,
        watcher,
    })
}

/// The server future, ending once `shutdown` turns `true` and the open requests are done.
fn serve(
    listener: TcpListener,
    state: Arc<http::AppState>,
    mut shutdown: signal::Receiver<bool>,
) -> Result<impl std::future::Future<Output = ()>> {
    listener
        .set_nonblocking(true)
        .map_err(|e| serve_error("listener", e))?;
    let listener =
        tokio::net::TcpListener::from_std(listener).map_err(|e| serve_error("listener", e))?;
    let stopped = async move {
        let _ = shutdown.wait_for(|stop| *stop).await;
    };
    let server = axum::serve(listener, http::router(state)).with_graceful_shutdown(stopped);
    Ok(async move {
        let _ = server.await;
    })
}

/// Binds `ip:port`, or the next free port when it is taken.
fn bind(ip: IpAddr, port: u16) -> Result<TcpListener> {
    let last = if port == 0 {
        0
    } else {
        port.saturating_add(PORT_TRIES)
    };
    let mut error = None;
    for port in port..=last {
        match TcpListener::bind((ip, port)) {
            Ok(listener) => return Ok(listener),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => error = Some(e),
            Err(e) => return Err(bind_error(ip, port, e)),
        }
    }
    let error = error.unwrap_or_else(|| std::io::ErrorKind::AddrInUse.into());
    Err(bind_error(ip, port, error))
}

fn bind_error(ip: IpAddr, port: u16, source: std::io::Error) -> Error {
    Error::Bind {
        addr: SocketAddr::new(ip, port).to_string(),
        source,
    }
}

fn serve_error(what: &str, e: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::Serve {
        what: what.to_string(),
        source: Box::new(e),
    }
}

/// `http://host:port` for the address served; an unspecified address (0.0.0.0) is reached
/// on this machine as 127.0.0.1.
pub fn base_url(addr: SocketAddr) -> String {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    format!("http://{addr}")
}

/// The watched sources, as canonical paths (file events name canonical paths).
fn sources(build: &BuildOptions) -> watch::Sources {
    let root = build
        .root
        .canonicalize()
        .unwrap_or_else(|_| build.root.clone());
    let config = match &build.config_file {
        Some(file) => file.canonicalize().unwrap_or_else(|_| file.clone()),
        None => root.join(crate::config::CONFIG_FILE),
    };
    watch::Sources { root, config }
}

/// Rebuilds on change and tells the browsers and the terminal.
struct Rebuilder {
    builder: Builder,
    sources: watch::Sources,
    site: Arc<SiteState>,
    reloads: broadcast::Sender<Reload>,
    notice: Box<dyn Fn(&Notice) + Send + Sync>,
}

impl Rebuilder {
    fn rebuild(&self, changed: Vec<PathBuf>) {
        let start = std::time::Instant::now();
        if changed.contains(&self.sources.config) {
            self.builder.config_changed();
        }
        let notice = match self.builder.rebuild(&changed) {
            Ok(built) => {
                let was_broken = self.site.error().is_some();
                let change = self.site.swap(built.files);
                self.tell(was_broken, change);
                Notice::Built {
                    millis: built.millis,
                    change,
                    cache: built.cache,
                    warnings: built.warnings,
                    changed,
                }
            }
            Err(error) => {
                let error = error_text(&error);
                self.site.fail(error.clone());
                let _ = self.reloads.send(Reload::Error(error.clone()));
                Notice::Failed {
                    millis: start.elapsed().as_secs_f64() * 1000.0,
                    error,
                }
            }
        };
        (self.notice)(&notice);
    }

    fn tell(&self, was_broken: bool, change: Change) {
        if was_broken {
            let _ = self.reloads.send(Reload::Ok);
        }
        let reload = match change {
            Change::Nothing => return,
            Change::StylesOnly(_) => Reload::Css,
            Change::Files(_) => Reload::Page,
        };
        let _ = self.reloads.send(reload);
    }
}

/// A failed build's problems as shown in the terminal and the overlay.
fn error_text(error: &Error) -> String {
    match error {
        Error::Site(diagnostics) => diagnostics.to_string(),
        other => {
            let mut text = other.to_string();
            let mut source = std::error::Error::source(other);
            while let Some(cause) = source {
                if !text.contains(&cause.to_string()) {
                    text.push_str(&format!(": {cause}"));
                }
                source = cause.source();
            }
            text
        }
    }
}
