//! The library's error types.
//!
//! A build does not stop at the first broken file: `parse` and `model` collect a
//! [`Diagnostic`] per problem, and the build fails with all of them at once as
//! [`Error::Site`]. Everything that touches the disk names the path it touched.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in one source file, printed as `path:line:col: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file the problem is in, as the user named it (relative to the site root where possible).
    pub path: PathBuf,
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// 1-based column, where known.
    pub column: Option<usize>,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic for a whole file, without a position.
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    /// The same diagnostic pointing at a 1-based line and column.
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// The same diagnostic pointing at a 1-based line.
    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

/// Every diagnostic of a failed run, in source order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

/// Why a yan command failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path that was being read or written.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// One or more source files are broken; every one is listed.
    #[error("{0}\n{n} error{s} found; public/ was left as it was", n = .0.0.len(), s = if .0.0.len() == 1 { "" } else { "s" })]
    Site(Diagnostics),
    /// yan will not do what was asked to this path, because it could lose the user's files.
    #[error("refusing to write {}: {reason}", path.display())]
    Refused {
        /// The path concerned.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The output folder is one yan must not write into or replace.
    #[error("refusing to use {} as the output folder: {reason}", path.display())]
    UnsafeOutput {
        /// The folder that was refused.
        path: PathBuf,
        /// Why it was refused.
        reason: String,
    },
    /// `serve` could not listen on any port it tried.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address (and first port) tried.
        addr: String,
        /// The error of the last try.
        #[source]
        source: std::io::Error,
    },
    /// `serve` could not start its HTTP server or file watcher.
    #[error("cannot start the server: {what}: {source}")]
    Serve {
        /// What was being started.
        what: String,
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl Error {
    /// Wraps an I/O error with the path it happened on.
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
