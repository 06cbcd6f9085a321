//! The one place that prints. Library code returns values and diagnostics; the CLI and the
//! dev server hand them to a [`Shell`], which writes to the terminal (colour only on a
//! terminal) and never panics on a closed pipe.

use std::io::{IsTerminal, Write};

use crate::diagnostics::{Diagnostics, SourceMap};

/// Terminal output for one run.
#[derive(Debug, Clone, Copy)]
pub struct Shell {
    color: bool,
}

impl Default for Shell {
    fn default() -> Self {
        Self::new()
    }
}

impl Shell {
    pub fn new() -> Self {
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        Self { color }
    }

    /// A status line on stderr (progress, summaries).
    pub fn status(&self, message: &str) {
        let _ = writeln!(std::io::stderr().lock(), "{message}");
    }

    /// A result on stdout (what a command was asked to print).
    pub fn out(&self, message: &str) {
        let _ = writeln!(std::io::stdout().lock(), "{message}");
    }

    /// Every diagnostic of a run, then a count line.
    pub fn diagnostics(&self, diags: &Diagnostics, sources: &SourceMap) {
        if diags.is_empty() {
            return;
        }
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(diags.render(sources, self.color).as_bytes());
        let (e, w) = (diags.error_count(), diags.warning_count());
        let _ = writeln!(err, "{}", count_line(e, w));
    }
}

/// "2 errors, 1 warning".
pub fn count_line(errors: usize, warnings: usize) -> String {
    match (errors, warnings) {
        (0, w) => counted(w, "warning"),
        (e, 0) => counted(e, "error"),
        (e, w) => format!("{}, {}", counted(e, "error"), counted(w, "warning")),
    }
}

/// "1 page", "2 pages": a count and an English noun that takes an -s.
pub fn counted(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
