//! yan (砚): a static-site generator for Chinese tech-tutorial blogs.
#![warn(missing_docs)]

pub mod error;
pub mod render;

pub use error::{Diagnostic, Diagnostics, Error, Result};
