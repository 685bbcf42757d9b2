//! The log filter. Our own code logs ids and counts only; the libraries below us (serenity,
//! HTTP, WebSocket, TLS, sled) may log payloads at debug or trace level, so they are capped at
//! `warn` whatever `CALLNUDGE_LOG` asks for: no note text and no token reaches the logs at any
//! level.

use tracing_subscriber::EnvFilter;

/// Crates whose verbose logs could carry message bodies or headers.
pub const CAPPED: &[&str] = &[
    "serenity",
    "poise",
    "hyper",
    "hyper_util",
    "h2",
    "reqwest",
    "tungstenite",
    "tokio_tungstenite",
    "rustls",
    "axum",
    "tower",
    "tower_http",
    "sled",
];

/// The filter for a `CALLNUDGE_LOG` value (default `warn`); an invalid value falls back to
/// `warn`.
pub fn filter(spec: Option<&str>) -> EnvFilter {
    let mut f =
        EnvFilter::try_new(spec.unwrap_or("warn")).unwrap_or_else(|_| EnvFilter::new("warn"));
    for c in CAPPED {
        if let Ok(d) = format!("{c}=warn").parse() {
            f = f.add_directive(d);
        }
    }
    f
}
