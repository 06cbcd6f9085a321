//! What a rebuild changes in what `styre serve` serves: the new output or a patch of it, or
//! the errors (the last good site kept), told to the open pages and printed in the terminal.

use crate::incremental::Outcome;
use crate::ui::Shell;

use super::{AppState, Current, Notice};

/// Publishes a full build: the new output, or the errors with the last good site kept.
pub(super) fn publish_build(build: crate::Build, state: &AppState, shell: Shell) {
    shell.diagnostics(&build.diagnostics, &build.sources);
    let mut current = lock(state);
    if build.diagnostics.has_errors() {
        let text = build.diagnostics.render(&build.sources, false);
        shell.status(if current.output.is_some() {
            "Rebuild failed; still serving the last good site."
        } else {
            "Build failed; fix the errors above and save again."
        });
        current.error = Some(text.clone());
        let _ = state.notices.send(Notice::Failed(text));
    } else {
        shell.status(&format!(
            "Rebuilt {} pages in {} ms",
            build.stats.pages,
            build.elapsed.as_millis()
        ));
        current.output = build.output;
        current.error = None;
        let _ = state.notices.send(Notice::Reload);
    }
}

pub(super) fn lock(state: &AppState) -> std::sync::RwLockWriteGuard<'_, Current> {
    match state.current.write() {
        Ok(c) => c,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// Applies the outcome of a batch of changes to what is served.
pub(super) fn publish(outcome: Outcome, state: &AppState, shell: Shell) {
    match outcome {
        Outcome::Unchanged { reload } => {
            // Copied files are read from disk on each request: reloading shows them.
            if reload {
                let _ = state.notices.send(Notice::Reload);
            }
        }
        Outcome::Rebuilt(build) => publish_build(build, state, shell),
        Outcome::Patched {
            patch,
            diagnostics,
            sources,
            what,
            elapsed,
            reload,
        } => {
            shell.diagnostics(&diagnostics, &sources);
            let (files, jobs) = (patch.files.len(), patch.jobs);
            {
                let mut current = lock(state);
                if let Some(output) = current.output.as_mut() {
                    patch.apply(output);
                }
                current.error = None;
            }
            if reload {
                let _ = state.notices.send(Notice::Reload);
            }
            shell.status(&format!(
                "Updated {what}: {jobs} outputs rendered again, {files} files replaced, in {} ms",
                elapsed.as_millis()
            ));
        }
        Outcome::Failed {
            diagnostics,
            sources,
        } => {
            shell.diagnostics(&diagnostics, &sources);
            shell.status("Rebuild failed; still serving the last good site.");
            let text = diagnostics.render(&sources, false);
            lock(state).error = Some(text.clone());
            let _ = state.notices.send(Notice::Failed(text));
        }
    }
}
