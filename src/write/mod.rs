//! Write: the output sinks. Only this module (and `load`) touches the disk.
//!
//! [`DiskSink`] writes a build's new and changed files into a staging folder beside the output
//! folder and moves them in only when the whole build succeeded, so a failed build leaves the
//! previous `public/` exactly as it was. Files whose bytes did not change are never written, so
//! a build that changes nothing touches nothing and file times stay stable for rsync and Pages.
//! [`MemorySink`] keeps the site in memory for `serve` and `check`.

use std::collections::HashMap;
use std::fs;
use std::io::{self, ErrorKind, Write};
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

/// `path` made absolute and lexically normalized (no `.` or `..`), and resolved through
/// symlinks where it exists.
pub fn absolute(path: &Path) -> PathBuf {
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

/// Collects a build's changed files in a staging folder and moves them into the output folder
/// only when the whole build succeeded.
///
/// Files whose bytes are already in the output are not written at all: on a slow disk, writing
/// and deleting thousands of unchanged files is what a rebuild would otherwise spend its time on.
pub struct DiskSink {
    output: PathBuf,
    staging: PathBuf,
    /// Every output path of this build (to remove stale files) and whether it changed.
    produced: Mutex<HashMap<String, bool>>,
}

impl DiskSink {
    /// Prepares a fresh staging folder beside `output` (which must have passed
    /// [`check_output_folder`]).
    pub fn create(output: &Path) -> Result<DiskSink> {
        let staging = sibling(output, "yan-staging");
        remove_ours(&staging)?;
        fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
        fs::write(staging.join(MARKER), b"").map_err(|e| Error::io(&staging, e))?;
        Ok(DiskSink {
            output: output.to_path_buf(),
            staging,
            produced: Mutex::new(HashMap::new()),
        })
    }

    /// Stages one file, unless the output already holds exactly these bytes.
    pub fn put(&self, output: Output) -> Result<(), Diagnostic> {
        let refuse =
            || Diagnostic::new(&output.path, "refusing to write outside the output folder");
        let target = contained(&self.staging, &output.path).ok_or_else(refuse)?;
        let current = contained(&self.output, &output.path).ok_or_else(refuse)?;
        if matches!(output.body, Body::Keep) {
            // Render keeps a file only once the caller's `present` saw it there.
            self.produced
                .lock()
                .expect("sink lock")
                .insert(output.path, false);
            return Ok(());
        }
        let copied;
        let bytes: &[u8] = match &output.body {
            Body::Keep => unreachable!("handled above"),
            Body::Bytes(bytes) => bytes,
            Body::Embedded(bytes) => bytes,
            Body::Copy(source) => {
                copied = fs::read(source).map_err(|e| Diagnostic::new(source, e.to_string()))?;
                &copied
            }
        };
        let changed = !holds(&current, bytes);
        if changed {
            let io = |e: std::io::Error| Diagnostic::new(&target, e.to_string());
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent).map_err(io)?;
            }
            fs::write(&target, bytes).map_err(io)?;
        }
        self.produced
            .lock()
            .expect("sink lock")
            .insert(output.path, changed);
        Ok(())
    }

    /// Number of files whose bytes changed (or are new) in this build.
    pub fn changed_files(&self) -> usize {
        let produced = self.produced.lock().expect("sink lock");
        produced.values().filter(|&&changed| changed).count()
    }

    /// Moves the staged files into the output folder and removes files the build no longer
    /// produces: those of `previous` (the outputs the last build reported) when known, else
    /// whatever the output folder holds beyond this build's files. A first build simply renames
    /// the staging folder into place. Returns this build's output paths, sorted.
    pub fn commit(self, previous: Option<&[String]>) -> Result<Vec<String>> {
        let produced = self.produced.into_inner().expect("sink lock");
        let mut outputs: Vec<String> = produced.keys().cloned().collect();
        outputs.sort();
        if !self.output.exists() {
            fs::rename(&self.staging, &self.output).map_err(|e| Error::io(&self.output, e))?;
            return Ok(outputs);
        }
        for (path, _) in produced.iter().filter(|(_, changed)| **changed) {
            let from = self.staging.join(path);
            let to = self.output.join(path);
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            if to.is_dir() {
                fs::remove_dir_all(&to).map_err(|e| Error::io(&to, e))?;
            }
            fs::rename(&from, &to).map_err(|e| Error::io(&to, e))?;
        }
        match previous {
            Some(previous) => remove_gone(&self.output, previous, &produced)?,
            None => remove_stale(&self.output, &produced)?,
        }
        fs::write(self.output.join(MARKER), b"").map_err(|e| Error::io(&self.output, e))?;
        remove_ours(&self.staging)?;
        Ok(outputs)
    }

    /// Throws the staging folder away; the output stays as it was.
    pub fn abandon(self) -> Result<()> {
        remove_ours(&self.staging)
    }
}

/// `.<name>.<suffix>` beside `dir`.
fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(format!(".{name}.{suffix}"))
}

/// Whether the file at `path` holds exactly `bytes` (a size check first, so most changed
/// files are never read).
fn holds(path: &Path, bytes: &[u8]) -> bool {
    fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && fs::read(path).is_ok_and(|old| old == bytes)
}

/// Removes the files of `previous` that this build did not produce, and their folders once
/// empty: no walk over thousands of unchanged files.
fn remove_gone(output: &Path, previous: &[String], produced: &HashMap<String, bool>) -> Result<()> {
    for path in previous.iter().filter(|p| !produced.contains_key(*p)) {
        let Some(file) = contained(output, path) else {
            continue;
        };
        match fs::remove_file(&file) {
            Ok(()) => remove_empty_parents(output, &file),
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&file, e)),
        }
    }
    Ok(())
}

fn remove_empty_parents(output: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir.filter(|d| *d != output) {
        // Stops at the first folder that still has files, which is what we want.
        if fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Removes every file under `output` that this build did not produce (except the marker),
/// then the folders left empty.
fn remove_stale(output: &Path, produced: &HashMap<String, bool>) -> Result<()> {
    let mut stale_dirs = Vec::new();
    for entry in walkdir::WalkDir::new(output)
        .min_depth(1)
        .contents_first(true)
    {
        let entry = entry.map_err(|e| Error::io(output, e.into()))?;
        let relative = entry.path().strip_prefix(output).expect("under output");
        let key = relative.to_string_lossy().replace('\\', "/");
        if entry.file_type().is_dir() {
            stale_dirs.push(entry.path().to_path_buf());
        } else if key != MARKER && !produced.contains_key(&key) {
            fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        }
    }
    for dir in stale_dirs {
        // Only empty folders go; a failure means it still has files, which is what we want.
        let _ = fs::remove_dir(&dir);
    }
    Ok(())
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

/// Writes `bytes` to `dir/name` through a temporary file and a rename, so a reader never sees
/// half a file (used for the build cache).
pub fn save_atomically(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    save_atomically_with(dir, name, |out| out.write_all(bytes))
}

/// [`save_atomically`], with the bytes written by `write` (so they need not be in memory).
pub fn save_atomically_with(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut io::BufWriter<fs::File>) -> io::Result<()>,
) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let temporary = dir.join(format!(".{name}.tmp"));
    let target = dir.join(name);
    let written = fs::File::create(&temporary).and_then(|file| {
        let mut out = io::BufWriter::new(file);
        write(&mut out)?;
        // No fsync: a cache cut short by a crash fails its checksum and is rebuilt.
        out.into_inner()
            .map(drop)
            .map_err(io::IntoInnerError::into_error)
    });
    written.map_err(|e| Error::io(&temporary, e))?;
    fs::rename(&temporary, &target).map_err(|e| Error::io(&target, e))
}

/// The error for a page render asked to keep but that has no earlier file to keep (a bug).
pub fn kept_without_previous(path: &str) -> Diagnostic {
    Diagnostic::new(
        path,
        "internal error: asked to keep a file that no earlier build wrote",
    )
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
            Body::Keep => return Err(kept_without_previous(&output.path)),
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
