//! The file watcher of `styre serve`: it gathers each burst of file events (one save can be
//! several), then brings the session up to date and publishes the result; when edits pause,
//! it rebuilds the search indexes they made stale.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::incremental::{Session, change_kind};
use crate::ui::Shell;

use super::AppState;
use super::publish::{publish, publish_build};

/// How long the watcher waits for more events of one save before rebuilding, unless every
/// file written was closed (an editor's save can be several writes, or a write and a rename).
const QUIET: Duration = Duration::from_millis(8);
/// How long the watcher waits for a rename that may follow a closed file (`sed -i`, editors
/// that write a copy and rename it over the file).
const SAVED: Duration = Duration::from_millis(1);
/// The longest a burst of events delays a rebuild.
const BURST: Duration = Duration::from_millis(100);
/// How long edits must pause before the watcher rebuilds the search indexes they made stale.
const SEARCH_DELAY: Duration = Duration::from_millis(250);

/// The file watcher's events.
type Events = std::sync::mpsc::Receiver<notify::Result<notify::Event>>;

/// Starts watching the site, or says why it cannot (the site is still served, without reload).
pub(super) fn start_watching(
    root: &Path,
    shell: Shell,
) -> Option<(notify::RecommendedWatcher, Events)> {
    use notify::{RecursiveMode, Watcher};
    let (tx, rx) = std::sync::mpsc::channel();
    let watching = notify::recommended_watcher(tx).and_then(|mut w| {
        w.watch(root, RecursiveMode::Recursive)?;
        Ok(w)
    });
    match watching {
        Ok(watcher) => Some((watcher, rx)),
        Err(e) => {
            shell.status(&format!(
                "error: cannot watch {}: {e}; live reload is off",
                root.display()
            ));
            None
        }
    }
}

/// Watches the site; after each burst of changes, brings the session up to date and publishes
/// the result; when edits pause, rebuilds the search indexes they made stale.
pub(super) fn watch(root: &Path, rx: Events, mut session: Session, state: &AppState, shell: Shell) {
    use std::sync::mpsc::RecvTimeoutError;
    // When the site last changed (the search indexes wait for edits to pause).
    let mut last_change = std::time::Instant::now();
    loop {
        let wait = if session.search_pending() {
            SEARCH_DELAY.saturating_sub(last_change.elapsed())
        } else {
            Duration::from_secs(3600)
        };
        let first = match rx.recv_timeout(wait) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => {
                if let Some(outcome) = session.refresh_search() {
                    publish(outcome, state, shell);
                }
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let mut burst = Burst::default();
        burst.absorb(root, first);
        let deadline = std::time::Instant::now() + BURST;
        loop {
            let now = std::time::Instant::now();
            if now >= deadline {
                break;
            }
            let wait = if burst.saved() {
                SAVED
            } else {
                QUIET.min(deadline - now)
            };
            match rx.recv_timeout(wait) {
                Ok(event) => burst.absorb(root, event),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        if burst.rescan {
            // The watcher lost events (an overflow, an error): only a whole build is sure.
            last_change = std::time::Instant::now();
            publish_build(session.full(), state, shell);
        } else if !burst.paths.is_empty() {
            last_change = std::time::Instant::now();
            publish(session.changed(&burst.paths), state, shell);
        }
    }
}

/// The changes of one burst of file events.
#[derive(Default)]
struct Burst {
    /// Changed paths the site reads.
    paths: Vec<PathBuf>,
    /// Of those, the files written and not closed yet.
    open: Vec<PathBuf>,
    /// The watcher may have missed events: rebuild everything.
    rescan: bool,
}

impl Burst {
    fn absorb(&mut self, root: &Path, event: notify::Result<notify::Event>) {
        use notify::EventKind;
        use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind};
        let event = match event {
            Ok(event) if !event.need_rescan() => event,
            _ => {
                self.rescan = true;
                return;
            }
        };
        match event.kind {
            // Reading a file (which the build itself does) raises access events; only a change
            // to the tree counts, or every build would trigger the next.
            EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => {
                // Written now, closed later (a rename or a removal is complete at once).
                let writing = matches!(
                    event.kind,
                    EventKind::Create(CreateKind::File | CreateKind::Any)
                        | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any)
                );
                for p in event.paths {
                    if change_kind(root, &p).is_none() {
                        continue;
                    }
                    if writing && !self.open.contains(&p) {
                        self.open.push(p.clone());
                    }
                    if !self.paths.contains(&p) {
                        self.paths.push(p);
                    }
                }
            }
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => {
                self.open.retain(|p| !event.paths.contains(p));
            }
            _ => {}
        }
    }

    /// Every changed file was closed after writing: the save is complete.
    fn saved(&self) -> bool {
        !self.paths.is_empty() && self.open.is_empty()
    }
}
