//! The long-running side: `dossier watch`, which watches the corpus, tells searches whether
//! it changed, and runs the searches it can vouch for on an [`crate::engine::Engine`] it
//! keeps open.

#[cfg(target_os = "linux")]
pub mod watch;
