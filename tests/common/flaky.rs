//! A TCP proxy on 127.0.0.1 that drops some connections after the client has sent a request and
//! before any answer, as Python development servers do under load: what a flaky network or an
//! overloaded emulator looks like to the client.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Start the proxy to `upstream` (`host:port`) on `rt`; returns its URL and the count of
/// requests dropped. Every `every`-th request (each chunk a client writes, counted over all
/// connections) closes its connection without an answer.
pub fn proxy(rt: &tokio::runtime::Runtime, upstream: String, every: usize) -> (String, Arc<AtomicUsize>) {
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(AtomicUsize::new(0));
    let dropped = Arc::new(AtomicUsize::new(0));
    let told = dropped.clone();
    rt.spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let (upstream, seen, dropped) = (upstream.clone(), seen.clone(), dropped.clone());
            tokio::spawn(async move {
                let Ok(server) = TcpStream::connect(&upstream).await else {
                    return;
                };
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                let up = async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    loop {
                        match cr.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => {
                                if (seen.fetch_add(1, Ordering::Relaxed) + 1) % every == 0 {
                                    // Dropped: neither side hears more of this connection.
                                    dropped.fetch_add(1, Ordering::Relaxed);
                                    return;
                                }
                                if sw.write_all(&buf[..n]).await.is_err() {
                                    return;
                                }
                            }
                        }
                    }
                };
                let down = async move {
                    let _ = tokio::io::copy(&mut sr, &mut cw).await;
                };
                // Whichever side ends first ends the connection (a drop closes both halves).
                tokio::select! {
                    () = up => {}
                    () = down => {}
                }
            });
        }
    });
    (url, told)
}

/// Start a proxy to `upstream` on `rt` that closes each connection once it has been idle for
/// `idle` between requests (as servers drop keep-alive connections); returns its URL and the
/// count of connections it closed so.
pub fn idle_closing(
    rt: &tokio::runtime::Runtime,
    upstream: String,
    idle: std::time::Duration,
) -> (String, Arc<AtomicUsize>) {
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let closed = Arc::new(AtomicUsize::new(0));
    let told = closed.clone();
    rt.spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let (upstream, closed) = (upstream.clone(), closed.clone());
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
                        let read = if served {
                            match tokio::time::timeout(idle, cr.read(&mut buf)).await {
                                Ok(r) => r,
                                Err(_) => {
                                    closed.fetch_add(1, Ordering::Relaxed);
                                    return;
                                }
                            }
                        } else {
                            cr.read(&mut buf).await
                        };
                        match read {
                            Ok(0) | Err(_) => return,
                            Ok(n) => {
                                served = true;
                                if sw.write_all(&buf[..n]).await.is_err() {
                                    return;
                                }
                            }
                        }
                    }
                };
                let down = async move {
                    let _ = tokio::io::copy(&mut sr, &mut cw).await;
                };
                tokio::select! {
                    () = up => {}
                    () = down => {}
                }
            });
        }
    });
    (url, told)
}
