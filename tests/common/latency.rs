//! A TCP proxy on 127.0.0.1 between a client and a target that bends the wire as a real one
//! does: it holds every chunk a client sends for a fixed delay (what a CI machine sees of a far
//! target: real AWS, a remote emulator), and, for the tests of a flaky network
//! (`common::flaky`), drops some requests before any answer or closes idle connections.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Start the proxy to `upstream` (`host:port`) on `rt`; returns its URL. Each request (each
/// chunk the client writes) waits `delay` before it is sent on.
pub fn proxy(rt: &tokio::runtime::Runtime, upstream: String, delay: Duration) -> String {
    relay(rt, upstream, delay, None, None).0
}

/// The one relay: every chunk a client writes held for `delay`; every `drop_every`-th request
/// (counted over all connections) dropped with its connection before any answer; a connection
/// idle for `idle` after its first request closed. Returns the URL and the count of
/// connections closed either way.
pub fn relay(
    rt: &tokio::runtime::Runtime,
    upstream: String,
    delay: Duration,
    drop_every: Option<usize>,
    idle: Option<Duration>,
) -> (String, Arc<AtomicUsize>) {
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(AtomicUsize::new(0));
    let closed = Arc::new(AtomicUsize::new(0));
    let told = closed.clone();
    rt.spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let (upstream, seen, closed) = (upstream.clone(), seen.clone(), closed.clone());
            tokio::spawn(async move {
                let Ok(server) = TcpStream::connect(&upstream).await else {
                    return;
                };
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                let up = async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    let mut served = false;
                    loop {
                        // Past its first request, a connection silent for `idle` is closed.
                        let read = match idle.filter(|_| served) {
                            Some(idle) => match tokio::time::timeout(idle, cr.read(&mut buf)).await {
                                Ok(r) => r,
                                Err(_) => {
                                    closed.fetch_add(1, Ordering::Relaxed);
                                    return;
                                }
                            },
                            None => cr.read(&mut buf).await,
                        };
                        let n = match read {
                            Ok(0) | Err(_) => return,
                            Ok(n) => n,
                        };
                        let nth = seen.fetch_add(1, Ordering::Relaxed) + 1;
                        if drop_every.is_some_and(|every| nth % every == 0) {
                            // Dropped: neither side hears more of this connection.
                            closed.fetch_add(1, Ordering::Relaxed);
                            return;
                        }
                        served = true;
                        if !delay.is_zero() {
                            tokio::time::sleep(delay).await;
                        }
                        if sw.write_all(&buf[..n]).await.is_err() {
                            return;
                        }
                    }
                };
                let down = async move {
                    let _ = tokio::io::copy(&mut sr, &mut cw).await;
                    let _ = cw.shutdown().await;
                };
                tokio::pin!(up, down);
                // The client done sending: its answers still come back in full. A drop or an
                // idle close ends both halves at once.
                tokio::select! {
                    () = &mut up => {
                        if drop_every.is_none() && idle.is_none() {
                            down.await;
                        }
                    }
                    () = &mut down => {}
                }
            });
        }
    });
    (url, told)
}
