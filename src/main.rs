//! The `styre` command line: parses arguments, runs the pipeline, prints through [`Shell`] and
//! decides the exit code (0 success, 1 problems in the site, 2 usage or environment errors).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use styre::LoadOptions;
use styre::PublishError;
use styre::Shell;

/// mimalloc instead of the system allocator: a build allocates and frees a great deal in many
/// small pieces on every thread (page values, template contexts, search terms), where glibc's
/// malloc took a fifth of all CPU time (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A static site generator for public governance portals.
#[derive(Debug, Parser)]
#[command(name = "styre", version, about, long_about = None)]
struct Cli {
    /// The site's folder (the one holding config.toml).
    #[arg(short, long, global = true, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into the output folder (replaced atomically).
    Build {
        /// Where to write the site [default: <root>/public].
        #[arg(short, long, value_name = "DIR")]
        output_dir: Option<PathBuf>,
        /// Use this base URL instead of the one in config.toml.
        #[arg(short = 'u', long, value_name = "URL", value_parser = parse_base_url)]
        base_url: Option<String>,
        /// Include pages and sections marked `draft = true`.
        #[arg(long)]
        drafts: bool,
        /// Replace the output folder even if styre did not write it.
        #[arg(long)]
        force: bool,
    },
    /// Do everything a build does and report every problem, without writing anything.
    Check {
        /// Include pages and sections marked `draft = true`.
        #[arg(long)]
        drafts: bool,
        /// Also print which pages are translated, outdated or shown as fallbacks, per language.
        #[arg(long)]
        translations: bool,
        /// How --translations prints its matrix.
        #[arg(long, value_enum, default_value_t = MatrixFormat::Table, requires = "translations")]
        format: MatrixFormat,
    },
    /// Serve the site on 127.0.0.1 with live reload, rebuilding on every change.
    Serve {
        /// Address to bind to.
        #[arg(short, long, default_value = "127.0.0.1", value_name = "ADDR")]
        interface: std::net::IpAddr,
        /// Port to listen on (0 picks a free one).
        #[arg(short, long, default_value_t = 1111)]
        port: u16,
        /// Include pages and sections marked `draft = true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Write a new piece of content that builds and passes check as written.
    New {
        #[command(subcommand)]
        what: New,
    },
    /// Create a new site in DIR that builds as it is.
    Init {
        /// Folder to create (must not exist, or be empty).
        dir: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum MatrixFormat {
    Table,
    Json,
}

#[derive(Debug, Subcommand)]
enum New {
    /// The next meeting of a body: next number, standing cases, open follow-ups carried over.
    Meeting {
        /// The body's id (its `[body] id`, e.g. `produktstyret`).
        #[arg(long, value_name = "ID")]
        body: String,
        /// The meeting's date [default: the next date in the body's meeting plan].
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
        date: Option<styre::Date>,
    },
}

/// `--base-url` follows the rule of `base_url` in config.toml (docs/configuration.md).
fn parse_base_url(s: &str) -> Result<String, String> {
    match styre::base_url_problem(s.trim_end_matches('/')) {
        None => Ok(s.to_string()),
        Some(problem) => Err(format!(
            "{problem} (the base URL is an absolute http(s) URL with a host, such as https://example.no, or a path starting with `/`)"
        )),
    }
}

fn parse_day(s: &str) -> Result<styre::Date, String> {
    let d = styre::Date::parse(s)?;
    if d.time.is_some() {
        return Err("give the day only, as YYYY-MM-DD".into());
    }
    Ok(d)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let shell = Shell::new();
    match cli.command {
        Command::Build {
            output_dir,
            base_url,
            drafts,
            force,
        } => build(&cli.root, output_dir, base_url, drafts, force, &shell),
        Command::Check {
            drafts,
            translations,
            format,
        } => check(&cli.root, drafts, translations, format, &shell),
        Command::Serve {
            interface,
            port,
            drafts,
        } => serve(cli.root, interface, port, drafts, shell),
        Command::New {
            what: New::Meeting { body, date },
        } => new_meeting(&cli.root, &body, date, &shell),
        Command::Init { dir } => init(&dir, &shell),
    }
}

/// `styre build`: renders the site into a staging folder that replaces `output_dir` on success.
fn build(
    root: &std::path::Path,
    output_dir: Option<PathBuf>,
    base_url: Option<String>,
    drafts: bool,
    force: bool,
    shell: &Shell,
) -> ExitCode {
    let target = output_dir.unwrap_or_else(|| root.join("public"));
    if let Err(e) = styre::check_target(&target, root, force) {
        shell.status(&format!("error: {e}"));
        return ExitCode::from(2);
    }
    // One build at a time per output folder: a second one waits for the first.
    let lock = match styre::OutputLock::try_acquire(&target) {
        Ok(Some(lock)) => Ok(lock),
        Ok(None) => {
            shell.status(&format!(
                "waiting for another build of {} to finish…",
                target.display()
            ));
            styre::OutputLock::acquire(&target)
        }
        Err(e) => Err(e),
    };
    // Pages are written into a staging folder beside the target as they are rendered;
    // it replaces the target only if the whole build succeeds.
    let staging = match lock.and_then(styre::Staging::begin) {
        Ok(staging) => staging,
        Err(e) => {
            shell.status(&format!("error: {e}"));
            return ExitCode::from(2);
        }
    };
    let build = styre::build_site_into(root, &LoadOptions { drafts, base_url }, &|path, bytes| {
        staging.write(path, bytes)
    });
    shell.diagnostics(&build.diagnostics, &build.sources);
    let Some(site) = build.ok() else {
        staging.abandon();
        shell.status(&format!(
            "build failed; {} left as it was",
            target.display()
        ));
        return ExitCode::from(1);
    };
    staging.write_output(site);
    match staging.finish() {
        Ok(()) => {
            shell.status(&summary("Built", &build, Some(&target)));
            end_without_freeing(build);
            ExitCode::SUCCESS
        }
        Err(e @ PublishError::Refused(_)) | Err(e @ PublishError::Io(_)) => {
            shell.status(&format!("error: {e}"));
            ExitCode::from(2)
        }
    }
}

/// `styre check`: a build that writes nothing, and with `--translations` the matrix.
fn check(
    root: &std::path::Path,
    drafts: bool,
    translations: bool,
    format: MatrixFormat,
    shell: &Shell,
) -> ExitCode {
    let (build, site) = styre::check_site(
        root,
        &LoadOptions {
            drafts,
            base_url: None,
        },
    );
    shell.diagnostics(&build.diagnostics, &build.sources);
    if translations && let Some(site) = &site {
        let matrix = styre::matrix(site);
        let text = match format {
            MatrixFormat::Table => styre::matrix_table(&matrix),
            MatrixFormat::Json => styre::matrix_json(&matrix),
        };
        shell.out(text.trim_end());
    }
    if build.diagnostics.has_errors() {
        ExitCode::from(1)
    } else {
        shell.status(&summary("Checked", &build, None));
        end_without_freeing((build, site));
        ExitCode::SUCCESS
    }
}

/// `styre serve`: serves the site, rebuilding it on every change.
fn serve(
    root: PathBuf,
    interface: std::net::IpAddr,
    port: u16,
    drafts: bool,
    shell: Shell,
) -> ExitCode {
    let options = styre::ServeOptions {
        root,
        interface,
        port,
        drafts,
    };
    match styre::serve(options, shell) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            shell.status(&format!("error: {e}"));
            ExitCode::from(2)
        }
    }
}

/// `styre init`: creates a new site in `dir`.
fn init(dir: &std::path::Path, shell: &Shell) -> ExitCode {
    match styre::init(dir) {
        Ok(()) => {
            shell.status(&format!(
                "Created a new site in {0}. Next: styre build --root {0}   (or: styre serve --root {0})",
                dir.display()
            ));
            ExitCode::SUCCESS
        }
        Err(e) => {
            shell.status(&format!("error: {e}"));
            ExitCode::from(2)
        }
    }
}

fn summary(verb: &str, build: &styre::Build, target: Option<&std::path::Path>) -> String {
    let s = build.stats;
    let plural = styre::counted;
    // (A check makes no files, and skips the search index's.)
    let files = match target {
        Some(_) => format!(" ({} files)", s.files),
        None => String::new(),
    };
    let mut line = format!(
        "{verb} {}, {} in {} {}{files} in {} ms",
        plural(s.pages, "page"),
        plural(s.sections, "section"),
        s.languages,
        if s.languages == 1 {
            "language"
        } else {
            "languages"
        },
        build.elapsed.as_millis()
    );
    let warnings = build.diagnostics.warning_count();
    if warnings > 0 {
        line.push_str(&format!(", {}", styre::count_line(0, warnings)));
    }
    if let Some(t) = target {
        line.push_str(&format!(" → {}", t.display()));
    }
    line
}

fn new_meeting(
    root: &std::path::Path,
    body: &str,
    date: Option<styre::Date>,
    shell: &Shell,
) -> ExitCode {
    let mut diagnostics = styre::Diagnostics::new();
    let site = match styre::resolve_site(root, &LoadOptions::default(), &mut diagnostics) {
        styre::Resolved::Site(site) => site,
        styre::Resolved::Failed(sources) => {
            diagnostics.sort();
            shell.diagnostics(&diagnostics, &sources);
            return ExitCode::from(1);
        }
    };
    if diagnostics.has_errors() {
        diagnostics.sort();
        shell.diagnostics(&diagnostics, &site.sources);
        shell.status("fix these problems first: the new meeting is planned from the site as it is");
        return ExitCode::from(1);
    }
    let planned = match styre::new_meeting(&site, body, date) {
        Ok(p) => p,
        Err(e) => {
            shell.status(&format!("error: {e}"));
            return ExitCode::from(2);
        }
    };
    let path = root.join(&planned.file);
    let written = styre::create_new(&path, &planned.text);
    match written {
        Ok(()) => {
            shell.status(&format!(
                "Wrote meeting {} of {body} on {} to {} ({} follow-up{} carried over). Add its cases, then: styre check",
                planned.number,
                planned.date.ymd(),
                planned.file.display(),
                planned.carried,
                if planned.carried == 1 { "" } else { "s" },
            ));
            ExitCode::SUCCESS
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            shell.status(&format!(
                "error: {} exists already; move it away or give another date with --date",
                planned.file.display()
            ));
            ExitCode::from(2)
        }
        Err(e) => {
            shell.status(&format!(
                "error: could not write {}: {e}",
                planned.file.display()
            ));
            ExitCode::from(2)
        }
    }
}

/// The command is done and the process ends: the operating system takes its memory back at
/// once, where freeing a big site's output allocation by allocation takes a noticeable part
/// of a second.
fn end_without_freeing<T>(value: T) {
    std::mem::forget(value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
