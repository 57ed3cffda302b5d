//! Write: the output sinks. Only this module (and `load`) touches the disk.
//!
//! [`DiskSink`] builds the site into a staging folder beside the output folder and swaps it in
//! only when the whole build succeeded, so a failed build leaves the previous `public/` exactly
//! as it was. A file whose bytes did not change is hard-linked from the previous output instead
//! of rewritten, so a build that changes nothing leaves every file's time as it was.
//! [`MemorySink`] keeps the site in memory for `serve` and `check`.

use std::collections::HashMap;
use std::fs;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Diagnostic, Error, Result};
use crate::render::{Body, Output};

/// The file that marks a folder as made by yan; yan only ever replaces folders that have it.
pub const MARKER: &str = ".yan-output";

/// Checks that `output` is a folder yan may replace: not the site, not one of its sources, not
/// an ancestor of them, and either missing, empty, or made by yan.
pub fn check_output_folder(output: &Path, site_root: &Path) -> Result<()> {
    let refuse = |reason: &str| {
        Err(Error::UnsafeOutput {
            path: output.to_path_buf(),
            reason: reason.to_string(),
        })
    };
    let output_abs = absolute(output);
    let root_abs = absolute(site_root);
    if root_abs.starts_with(&output_abs) {
        return refuse("it is the site folder or contains it");
    }
    for source in ["content", "templates", "static", "config.yaml", ".git"] {
        if output_abs.starts_with(root_abs.join(source)) {
            return refuse(&format!("it is inside the site's {source}"));
        }
    }
    match fs::read_dir(output) {
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(output, e)),
        Ok(mut entries) => {
            if entries.next().is_none() || output.join(MARKER).is_file() {
                Ok(())
            } else {
                refuse(
                    "it is not empty and yan did not create it (no .yan-output file); choose another folder or empty it",
                )
            }
        }
    }
}

/// `path` made absolute and lexically normalized (no `.` or `..`), without touching the disk
/// beyond the current directory.
fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut normal = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    fs::canonicalize(&normal).unwrap_or(normal)
}

/// Joins an output path (from render) onto a folder, refusing anything that could climb out.
pub fn contained(base: &Path, relative: &str) -> Option<PathBuf> {
    let mut path = base.to_path_buf();
    for segment in relative.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            s if s.contains('\\') || s.contains(':') && cfg!(windows) => return None,
            s => path.push(s),
        }
    }
    (path != base).then_some(path)
}

/// Writes a build into a staging folder, then swaps it into place.
pub struct DiskSink {
    output: PathBuf,
    staging: PathBuf,
    written: Mutex<usize>,
}

impl DiskSink {
    /// Prepares a fresh staging folder beside `output` (which must have passed
    /// [`check_output_folder`]).
    pub fn create(output: &Path) -> Result<DiskSink> {
        let name = output
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let parent = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let staging = parent.join(format!(".{name}.yan-staging"));
        remove_ours(&staging)?;
        fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
        fs::write(staging.join(MARKER), b"").map_err(|e| Error::io(&staging, e))?;
        Ok(DiskSink {
            output: output.to_path_buf(),
            staging,
            written: Mutex::new(0),
        })
    }

    /// Places one file in the staging folder.
    pub fn put(&self, output: Output) -> Result<(), Diagnostic> {
        let target = contained(&self.staging, &output.path).ok_or_else(|| {
            Diagnostic::new(&output.path, "refusing to write outside the output folder")
        })?;
        let previous = contained(&self.output, &output.path);
        let io = |e: std::io::Error| Diagnostic::new(&target, e.to_string());
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(io)?;
        }
        let changed = match &output.body {
            Body::Bytes(bytes) => place(&target, previous.as_deref(), bytes),
            Body::Embedded(bytes) => place(&target, previous.as_deref(), bytes),
            Body::Copy(source) => {
                let bytes = fs::read(source).map_err(|e| Diagnostic::new(source, e.to_string()))?;
                place(&target, previous.as_deref(), &bytes)
            }
        }
        .map_err(io)?;
        if changed {
            *self.written.lock().expect("counter lock") += 1;
        }
        Ok(())
    }

    /// Number of files whose bytes changed (or are new) in this build.
    pub fn changed_files(&self) -> usize {
        *self.written.lock().expect("counter lock")
    }

    /// Swaps the staging folder into place and removes the previous output.
    pub fn commit(self) -> Result<()> {
        let parent = self.staging.parent().expect("staging has a parent");
        let name = self
            .output
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let old = parent.join(format!(".{name}.yan-old"));
        remove_ours(&old)?;
        let had_output = self.output.exists();
        if had_output {
            fs::rename(&self.output, &old).map_err(|e| Error::io(&self.output, e))?;
        }
        if let Err(e) = fs::rename(&self.staging, &self.output) {
            if had_output {
                let _ = fs::rename(&old, &self.output);
            }
            return Err(Error::io(&self.output, e));
        }
        remove_ours(&old)
    }

    /// Throws the staging folder away; the previous output stays as it was.
    pub fn abandon(self) -> Result<()> {
        remove_ours(&self.staging)
    }
}

/// Writes `bytes` to `target`, or hard-links the previous output's file when it already holds
/// exactly these bytes. Returns whether the bytes changed.
fn place(target: &Path, previous: Option<&Path>, bytes: &[u8]) -> std::io::Result<bool> {
    if let Some(previous) = previous
        && fs::metadata(previous).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && fs::read(previous).is_ok_and(|old| old == bytes)
        && fs::hard_link(previous, target).is_ok()
    {
        return Ok(false);
    }
    fs::write(target, bytes)?;
    Ok(true)
}

/// Removes a folder only if yan made it (it has the marker); a missing folder is fine.
fn remove_ours(dir: &Path) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.join(MARKER).is_file() {
        return Err(Error::UnsafeOutput {
            path: dir.to_path_buf(),
            reason: "yan would need to replace it, but did not create it (no .yan-output file)"
                .into(),
        });
    }
    fs::remove_dir_all(dir).map_err(|e| Error::io(dir, e))
}

/// Keeps a built site in memory: output path → bytes. Used by `serve` and `check`.
#[derive(Debug, Default)]
pub struct MemorySink {
    files: Mutex<HashMap<String, Vec<u8>>>,
}

impl MemorySink {
    /// An empty sink.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores one file.
    pub fn put(&self, output: Output) -> Result<(), Diagnostic> {
        let bytes = match output.body {
            Body::Bytes(bytes) => bytes,
            Body::Embedded(bytes) => bytes.to_vec(),
            Body::Copy(source) => {
                fs::read(&source).map_err(|e| Diagnostic::new(&source, e.to_string()))?
            }
        };
        self.files
            .lock()
            .expect("sink lock")
            .insert(output.path, bytes);
        Ok(())
    }

    /// Everything stored, by output path.
    pub fn into_files(self) -> HashMap<String, Vec<u8>> {
        self.files.into_inner().expect("sink lock")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contained_refuses_to_climb() {
        let base = Path::new("/site/public");
        assert_eq!(contained(base, "a/b.html"), Some(base.join("a/b.html")));
        assert_eq!(contained(base, "../x"), None);
        assert_eq!(contained(base, "a/../../x"), None);
        assert_eq!(contained(base, ""), None);
    }

    #[test]
    fn refuses_site_root_and_sources_and_foreign_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("content/posts")).unwrap();
        fs::create_dir_all(root.join("mine")).unwrap();
        fs::write(root.join("mine/keep.txt"), "x").unwrap();
        assert!(check_output_folder(root, root).is_err());
        assert!(check_output_folder(&root.join("content"), root).is_err());
        assert!(check_output_folder(&root.join("content/posts/out"), root).is_err());
        assert!(check_output_folder(&root.join("mine"), root).is_err());
        assert!(check_output_folder(&root.join("public"), root).is_ok());
        assert!(check_output_folder(&root.join(".."), root).is_err());
    }
}
