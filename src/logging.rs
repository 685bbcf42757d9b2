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
/// `warn`. Directives that would open a capped crate's logs — its own target or a module of it
/// (`sled::tree=trace`), or a span filter that applies to every crate (`[{id}]=trace`) — are
/// dropped: a more specific directive would otherwise win over the cap.
pub fn filter(spec: Option<&str>) -> EnvFilter {
    let kept: Vec<&str> = spec
        .unwrap_or("warn")
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty() && !opens_capped(d))
        .collect();
    let kept = if kept.is_empty() {
        "warn".to_string()
    } else {
        kept.join(",")
    };
    let mut f = EnvFilter::try_new(kept).unwrap_or_else(|_| EnvFilter::new("warn"));
    for c in CAPPED {
        if let Ok(d) = format!("{c}=warn").parse() {
            f = f.add_directive(d);
        }
    }
    f
}

/// Whether a directive names a capped crate (or one of its modules), or filters by span
/// without naming a crate of ours.
fn opens_capped(directive: &str) -> bool {
    let target = directive
        .split(['[', '='])
        .next()
        .unwrap_or_default()
        .trim();
    let capped = CAPPED
        .iter()
        .any(|c| target == *c || target.starts_with(&format!("{c}::")));
    let spans_everywhere = directive.contains('[') && target.is_empty();
    // A bare level ("trace") has no target and no span: the caps below still hold for it.
    capped || spans_everywhere
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;
    use tracing_subscriber::layer::SubscriberExt;

    /// Whether `spec` lets a capped crate's trace and debug events through.
    fn opens_sled(spec: &str) -> bool {
        let subscriber = tracing_subscriber::registry().with(filter(Some(spec)));
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!("handle", id = 1);
            let _in = span.enter();
            tracing::event_enabled!(target: "sled::tree", Level::TRACE)
                || tracing::event_enabled!(target: "sled", Level::DEBUG)
                || tracing::event_enabled!(target: "hyper::proto", Level::TRACE)
        })
    }

    #[test]
    fn no_directive_opens_a_capped_crate() {
        for spec in [
            "trace",
            "trace,sled::tree=trace",
            "sled::tree=trace",
            "callnudge=trace,sled=trace,hyper::proto=trace",
            "[handle]=trace",
            "[{id}]=trace",
            "sled[handle]=trace",
        ] {
            assert!(!opens_sled(spec), "{spec} let sled or hyper through");
        }
    }

    #[test]
    fn our_own_directives_still_work() {
        let subscriber = tracing_subscriber::registry().with(filter(Some("callnudge=debug")));
        tracing::subscriber::with_default(subscriber, || {
            assert!(tracing::event_enabled!(target: "callnudge::serve", Level::DEBUG));
            assert!(!tracing::event_enabled!(target: "callnudge::serve", Level::TRACE));
        });
    }
}
