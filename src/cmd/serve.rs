//! `yan serve`: the site in memory over HTTP, rebuilt on every save, until Ctrl-C.

use std::path::{Path, PathBuf};

use yan::serve::{Notice, ServeOptions, site::Change};

use crate::cli::ServeArgs;

/// Serves the site until Ctrl-C, printing one line per rebuild.
pub fn run(root: &Path, config: Option<PathBuf>, args: ServeArgs) -> anyhow::Result<()> {
    let mut build = yan::BuildOptions::new(root);
    build.config_file = config;
    build.drafts = args.drafts;
    let options = ServeOptions {
        build,
        bind: args.bind,
        port: args.port,
        watch: true,
    };
    let handle = yan::serve::start(options, print_notice)?;
    if args.port != 0 && handle.addr().port() != args.port {
        eprintln!(
            "port {} is taken; using {} instead",
            args.port,
            handle.addr().port()
        );
    }
    println!(
        "serving {} at {} (Ctrl-C to stop)",
        root.display(),
        handle.url()
    );
    println!("watching config.yaml, content/, templates/ and static/");
    if args.open {
        open_browser(&handle.url());
    }
    handle.wait_for_ctrl_c()?;
    println!("stopping");
    handle.shutdown();
    Ok(())
}

/// One line per build; a failed build prints every problem.
fn print_notice(notice: &Notice) {
    match notice {
        Notice::Built {
            millis,
            change,
            cache,
            warnings,
            changed,
        } => {
            super::print_warnings(warnings);
            let what = match change {
                Change::Nothing => "nothing changed".to_string(),
                Change::StylesOnly(n) => format!("{n} stylesheet(s) changed"),
                Change::Files(n) => format!("{n} file(s) changed"),
            };
            let cause = match changed.first() {
                Some(path) if changed.len() == 1 => format!("{}: ", path.display()),
                Some(_) => format!("{} sources: ", changed.len()),
                None => String::new(),
            };
            println!(
                "{cause}built in {millis:.0} ms, {what} ({} rendered, {} reused)",
                cache.misses, cache.hits
            );
        }
        Notice::Failed { millis, error } => {
            eprintln!(
                "error: the site did not build ({millis:.0} ms); still serving the last good build:"
            );
            eprintln!("{error}");
        }
    }
}

/// Opens `url` in the default browser; failure is not an error.
fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(program)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}
