//! The command line, declared with clap's derive API; doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// yan (砚): a fast static-site generator for Chinese tech-tutorial blogs.
#[derive(Debug, Parser)]
#[command(name = "yan", version, about)]
pub struct Cli {
    /// The site folder (holds config.yaml, content/, templates/, static/).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// The config file [default: <root>/config.yaml].
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into public/.
    Build(BuildArgs),
    /// Create a new site: config.yaml, a welcome post, an about page, .gitignore and the
    /// GitHub Pages workflow.
    Init(InitArgs),
    /// Write a new post under content/posts/ with its front matter filled in.
    New(NewArgs),
    /// Build the site in memory and report every broken link, missing image and anchor.
    Check(CheckArgs),
    /// Serve the site locally, rebuilding and reloading the browser on every save.
    Serve(ServeArgs),
}

/// `yan init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create the site in [default: --root, i.e. the current folder].
    pub dir: Option<PathBuf>,
    /// Add the missing files to a folder that is not empty (existing files are never
    /// overwritten).
    #[arg(long)]
    pub force: bool,
}

/// `yan new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The post's title, e.g. "第一篇文章".
    pub title: String,
    /// The file name and URL slug [default: the title in pinyin].
    #[arg(long)]
    pub slug: Option<String>,
    /// Mark the post as a draft.
    #[arg(long)]
    pub draft: bool,
    /// A category; repeat for a nested path (`--category 编程语言 --category Rust`).
    #[arg(long = "category", value_name = "NAME")]
    pub categories: Vec<String>,
    /// A tag; repeat for more.
    #[arg(long = "tag", value_name = "NAME")]
    pub tags: Vec<String>,
}

/// `yan check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Shared site options.
    #[command(flatten)]
    pub site: SiteArgs,
    /// Also check http(s) links on the web.
    #[arg(long)]
    pub external: bool,
}

/// Options shared by the commands that build the site.
#[derive(Debug, Clone, Args)]
pub struct SiteArgs {
    /// Include posts marked `draft: true` or `published: false`.
    #[arg(long)]
    pub drafts: bool,
    /// Use this base URL instead of config.yaml's `url` (e.g. https://user.github.io/repo).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

/// `yan build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Shared site options.
    #[command(flatten)]
    pub site: SiteArgs,
    /// The output folder [default: <root>/public].
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Print the time of each phase (config, load, templates, model, memo, render, write).
    #[arg(long)]
    pub timings: bool,
}

/// `yan serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port to listen on; if it is taken, the next free one is used.
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on. Only this machine can connect to the default; use 0.0.0.0
    /// to let other machines on your network in.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: std::net::IpAddr,
    /// Include posts marked `draft: true` or `published: false`.
    #[arg(long)]
    pub drafts: bool,
    /// Open the site in the browser.
    #[arg(long)]
    pub open: bool,
}
