//! One file per command: arguments in, library calls, a report out. Only here is `anyhow` used.

pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod serve;

use crate::cli::{Cli, Command, SiteArgs};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Build(args) => build::run(&cli.root, cli.config, args),
        Command::Init(args) => init::run(&cli.root, args),
        Command::New(args) => new::run(&cli.root, cli.config, args),
        Command::Check(args) => check::run(&cli.root, cli.config, args),
        Command::Serve(args) => serve::run(&cli.root, cli.config, args),
    }
}

/// Library build options from the shared command-line options.
pub fn build_options(
    root: &std::path::Path,
    config: Option<std::path::PathBuf>,
    site: &SiteArgs,
) -> yan::BuildOptions {
    yan::BuildOptions {
        root: root.to_path_buf(),
        config_file: config,
        output: None,
        drafts: site.drafts,
        base_url: site.base_url.clone(),
    }
}

/// Prints warnings to stderr, one per line.
pub fn print_warnings(warnings: &[yan::Diagnostic]) {
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
}
