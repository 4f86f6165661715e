//! A flaky network in front of a target (the relay of `common::latency`, without delay): some
//! requests dropped after the client has sent them and before any answer (a Python development
//! server under load), or connections closed once idle between requests (a server dropping
//! keep-alive connections).

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use super::latency::relay;

/// Start the proxy to `upstream` (`host:port`) on `rt`; returns its URL and the count of
/// requests dropped. Every `every`-th request (each chunk a client writes, counted over all
/// connections) closes its connection without an answer.
pub fn proxy(rt: &tokio::runtime::Runtime, upstream: String, every: usize) -> (String, Arc<AtomicUsize>) {
    relay(rt, upstream, Duration::ZERO, Some(every), None)
}

/// Start a proxy to `upstream` on `rt` that closes each connection once it has been idle for
/// `idle` between requests (as servers drop keep-alive connections); returns its URL and the
/// count of connections it closed so.
pub fn idle_closing(rt: &tokio::runtime::Runtime, upstream: String, idle: Duration) -> (String, Arc<AtomicUsize>) {
    relay(rt, upstream, Duration::ZERO, None, Some(idle))
}
