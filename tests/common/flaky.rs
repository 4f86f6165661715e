//! A TCP proxy on 127.0.0.1 that closes connections the way real servers and networks do: some
//! after the client has sent a request and before any answer (a Python development server under
//! load), or once idle between requests (a server dropping keep-alive connections).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Start the proxy to `upstream` (`host:port`) on `rt`; returns its URL and the count of
/// requests dropped. Every `every`-th request (each chunk a client writes, counted over all
/// connections) closes its connection without an answer.
pub fn proxy(rt: &tokio::runtime::Runtime, upstream: String, every: usize) -> (String, Arc<AtomicUsize>) {
    relay(rt, upstream, Some(every), None)
}

/// Start a proxy to `upstream` on `rt` that closes each connection once it has been idle for
/// `idle` between requests (as servers drop keep-alive connections); returns its URL and the
/// count of connections it closed so.
pub fn idle_closing(rt: &tokio::runtime::Runtime, upstream: String, idle: Duration) -> (String, Arc<AtomicUsize>) {
    relay(rt, upstream, None, Some(idle))
}

/// The one relay behind both: every `drop_every`-th request dropped, and connections idle for
/// `idle` after their first request closed; the count of connections closed either way.
fn relay(
    rt: &tokio::runtime::Runtime,
    upstream: String,
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
                        if sw.write_all(&buf[..n]).await.is_err() {
                            return;
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
