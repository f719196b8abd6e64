//! The long-running side, `dossier serve`: one process that holds an
//! [`crate::engine::Engine`], keeps the index up to date as the corpus changes
//! ([`watch`]), runs the command line's searches it can vouch for (over a socket in the
//! index folder), and serves a JSON API and a web page over HTTP ([`http`]).
//!
//! Both front ends answer from the index's last commit, kept open by the one engine: the
//! watcher is the only writer, and searches never wait for an update.

#[cfg(target_os = "linux")]
pub mod connections;
#[cfg(target_os = "linux")]
pub mod http;
#[cfg(target_os = "linux")]
pub mod watch;
