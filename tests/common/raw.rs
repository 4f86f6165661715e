//! A raw HTTP/1.1 server on 127.0.0.1 that answers each request as told — including ways no
//! honest server answers (silence, dripping, truncation, reset) — for testing what the harness
//! does with them. Its connections end when the test process does.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// How to answer one request.
pub enum Reply {
    /// These bytes, then keep the connection for the next request.
    Bytes(Vec<u8>),
    /// These bytes, one at a time, `every` apart.
    Drip(Vec<u8>, Duration),
    /// Nothing, ever (the connection is held open).
    Silence,
    /// Close the connection at once (a reset, from the client's side).
    Close,
}

/// A full HTTP response.
pub fn http(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}

/// Serve on a free port; `reply(n)` answers the n-th request (from 0). Returns the URL and the
/// count of requests read so far.
pub fn serve(reply: impl Fn(usize) -> Reply + Send + Sync + 'static) -> (String, Arc<AtomicUsize>) {
    serve_lines(move |n, _| reply(n))
}

/// [`serve`], where `reply(n, line)` also sees the request line (`GET /_conformance/v1 HTTP/1.1`).
pub fn serve_lines(reply: impl Fn(usize, &str) -> Reply + Send + Sync + 'static) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let reply = Arc::new(reply);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let (seen, reply) = (seen.clone(), reply.clone());
            std::thread::spawn(move || {
                let mut reader = BufReader::new(s.try_clone().unwrap());
                let mut length = 0;
                let mut first = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    if first.is_empty() {
                        first = line.trim_end().to_string();
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    if line != "\r\n" {
                        continue;
                    }
                    let mut body = vec![0; length];
                    let _ = reader.read_exact(&mut body);
                    length = 0;
                    let request_line = std::mem::take(&mut first);
                    match reply(seen.fetch_add(1, Ordering::SeqCst), &request_line) {
                        Reply::Bytes(b) => {
                            if s.write_all(&b).is_err() {
                                return;
                            }
                        }
                        Reply::Drip(b, every) => {
                            for byte in b {
                                if s.write_all(&[byte]).is_err() {
                                    return;
                                }
                                std::thread::sleep(every);
                            }
                        }
                        Reply::Silence => {
                            std::thread::sleep(Duration::from_secs(120));
                            return;
                        }
                        Reply::Close => return,
                    }
                }
            });
        }
    });
    (url, count)
}
