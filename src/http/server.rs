//! The HTTP server loop under the routes, with [`Limits`]: a cap on open connections, request
//! headers within a time (idle keep-alive connections closed), a whole request within a time
//! (else 408), and a graceful shutdown that stops waiting at a deadline.
//! axum's own `serve` has none of these limits: a thousand idle connections or one client
//! holding half a request could starve or stall the bot.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// The server's limits.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Open connections at most; more wait in the listen queue (keep it under the open-file
    /// limit, usually 1,024).
    pub max_connections: usize,
    /// A request's headers must arrive within this once they have begun.
    pub headers_within: Duration,
    /// A connection that neither sends nor receives a byte for this long is closed (a client
    /// that connects and says nothing, an idle keep-alive). At least `request_within`, so
    /// that a slow answer is not cut.
    pub idle_within: Duration,
    /// A whole request (body read, answer made) must finish within this; else 408.
    pub request_within: Duration,
    /// How long a shutdown waits for open connections.
    pub shutdown_within: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_connections: 512,
            headers_within: Duration::from_secs(10),
            idle_within: Duration::from_secs(30),
            request_within: Duration::from_secs(30),
            shutdown_within: super::DRAIN_WITHIN,
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then waits for open connections at
/// most `limits.shutdown_within`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send,
    limits: Limits,
) {
    let within = limits.request_within;
    let app = app.layer(middleware::from_fn(move |request: Request, next: Next| {
        within_time(within, request, next)
    }));
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break, // never closed
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, do not spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(app.clone());
        // HTTP/1 only: Slack and Mattermost speak it, and guessing the version would wait for
        // a first byte with no timeout.
        let mut builder = auto::Builder::new(TokioExecutor::new()).http1_only();
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.headers_within);
        let connection = builder
            .serve_connection_with_upgrades(
                TokioIo::new(Idle::new(stream, limits.idle_within)),
                service,
            )
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended");
            }
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.shutdown_within) => {
            tracing::warn!(within = ?limits.shutdown_within, "connections still open at the shutdown deadline: closed");
        }
    }
}

/// A stream that fails its reads once nothing has moved either way for `within`.
struct Idle<S> {
    inner: S,
    within: Duration,
    deadline: std::pin::Pin<Box<tokio::time::Sleep>>,
}

impl<S> Idle<S> {
    fn new(inner: S, within: Duration) -> Idle<S> {
        let deadline = Box::pin(tokio::time::sleep(within));
        Idle {
            inner,
            within,
            deadline,
        }
    }

    fn moved(&mut self) {
        let next = tokio::time::Instant::now() + self.within;
        self.deadline.as_mut().reset(next);
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Idle<S> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        match std::pin::Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(r) => {
                this.moved();
                Poll::Ready(r)
            }
            Poll::Pending if this.deadline.as_mut().poll(cx).is_ready() => Poll::Ready(Err(
                std::io::Error::new(std::io::ErrorKind::TimedOut, "idle connection"),
            )),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Idle<S> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = &mut *self;
        let r = std::pin::Pin::new(&mut this.inner).poll_write(cx, buf);
        if r.is_ready() {
            this.moved();
        }
        r
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Answers 408 when a request (its body included) takes longer than `within`.
async fn within_time(within: Duration, request: Request, next: Next) -> Response {
    match tokio::time::timeout(within, next.run(request)).await {
        Ok(response) => response,
        Err(_) => (StatusCode::REQUEST_TIMEOUT, "the request took too long\n").into_response(),
    }
}

#[cfg(test)]
mod tests {
    //! The limits, on loopback with a real client socket and short times.
    use super::*;
    use axum::routing::post;
    use std::time::Instant;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    const SHORT: Limits = Limits {
        max_connections: 4,
        headers_within: Duration::from_millis(300),
        idle_within: Duration::from_millis(600),
        request_within: Duration::from_millis(500),
        shutdown_within: Duration::from_millis(500),
    };

    async fn start() -> (
        std::net::SocketAddr,
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<()>,
    ) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Router::new().route("/echo", post(|body: String| async move { body }));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve(
            listener,
            app,
            async {
                let _ = stopped.await;
            },
            SHORT,
        ));
        (addr, stop, server)
    }

    /// Reads until the server closes the connection (or 5 s pass: then the test fails).
    async fn read_to_close(s: &mut TcpStream) -> String {
        let mut out = Vec::new();
        tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out))
            .await
            .expect("the server closed the connection")
            .unwrap();
        String::from_utf8_lossy(&out).into_owned()
    }

    #[tokio::test]
    async fn an_idle_connection_is_closed_and_a_half_sent_body_gets_408() {
        let (addr, _stop, _server) = start().await;
        let t = Instant::now();
        let mut idle = TcpStream::connect(addr).await.unwrap();
        read_to_close(&mut idle).await;
        assert!(t.elapsed() < Duration::from_secs(3));
        let mut half = TcpStream::connect(addr).await.unwrap();
        half.write_all(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
            .await
            .unwrap();
        let answer = read_to_close(&mut half).await;
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    }

    #[tokio::test]
    async fn shutdown_stops_waiting_for_a_half_sent_request() {
        let (addr, stop, server) = start().await;
        let mut half = TcpStream::connect(addr).await.unwrap();
        half.write_all(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab")
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        let t = Instant::now();
        stop.send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(5), server)
            .await
            .expect("serve returned")
            .unwrap();
        assert!(t.elapsed() < Duration::from_secs(2));
    }

    #[tokio::test]
    async fn connections_past_the_cap_wait_for_a_free_slot() {
        let (addr, _stop, _server) = start().await;
        // Fill every slot with a connection that sends nothing.
        let mut held = Vec::new();
        for _ in 0..SHORT.max_connections {
            held.push(TcpStream::connect(addr).await.unwrap());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        let t = Instant::now();
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(
            b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi",
        )
        .await
        .unwrap();
        let answer = read_to_close(&mut s).await;
        assert!(
            answer.starts_with("HTTP/1.1 200") && answer.ends_with("hi"),
            "{answer}"
        );
        // Answered once the idle ones were closed (their header time), not before.
        assert!(
            t.elapsed() >= Duration::from_millis(200),
            "{:?}",
            t.elapsed()
        );
    }
}
