//! One `callnudge serve` process against two on one PostgreSQL database (issue #18), a bench
//! command: `CALLNUDGE_BENCH_DATABASE_URL=postgres://… cargo bench --bench multi_serve`.
//!
//! Each run starts the real binary (one or two processes, a fresh database each time), then
//! 64 clients send signed Slack `/note` commands as fast as answers come back, spread over the
//! processes, for `CALLNUDGE_LOAD_SECS` seconds (10 by default). Reported: acknowledged notes
//! per second and p50/p99 latency; then every acknowledged note must be in the database. On
//! one machine the processes share its cores with PostgreSQL and the load generator, so the
//! ratio says how far one box scales, not how far two boxes would.

#[path = "support/bench_db.rs"]
mod bench_db;
#[path = "../tests/support/fake_slack.rs"]
mod fake_slack;

use callnudge::http::verify::sign;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SECRET: &str = "bench-signing-secret";
const CLIENTS: usize = 64;

/// A `serve` child, its URL, and its admin folder (removed after it).
struct Serve {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn serve(db: &str, api: &str) -> Serve {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_callnudge"))
        .args(["serve", "--data-dir"])
        .arg(dir.path())
        .env("CALLNUDGE_DATABASE_URL", db)
        .env("CALLNUDGE_HTTP_ADDR", format!("127.0.0.1:{port}"))
        .env("SLACK_SIGNING_SECRET", SECRET)
        .env("SLACK_BOT_TOKEN", "xoxb-bench")
        .env("SLACK_API_URL", api)
        .env_remove("DISCORD_TOKEN")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !http
        .get(format!("{url}/healthz"))
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
    {
        assert!(Instant::now() < deadline, "serve never came up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Serve {
        child,
        url,
        _dir: dir,
    }
}

/// Notes per second acknowledged, p50 and p99 (ms), with `processes` serve processes.
async fn run(server: &str, api: &str, processes: usize, secs: u64) -> (f64, f64, f64) {
    let db = bench_db::BenchDb::new(server);
    let mut serves = Vec::new();
    for _ in 0..processes {
        serves.push(serve(&db.url, api).await);
    }
    let urls: Arc<Vec<String>> = Arc::new(serves.iter().map(|s| s.url.clone()).collect());
    let http = reqwest::Client::new();
    let end = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (urls, http) = (urls.clone(), http.clone());
            tokio::spawn(async move {
                let mut times = Vec::new();
                let mut i = 0;
                while Instant::now() < end {
                    let url = &urls[(c + i) % urls.len()];
                    let body = serde_urlencoded::to_string([
                        ("team_id", "TBENCH"),
                        ("channel_id", "C1"),
                        ("user_id", &format!("U{c}")),
                        ("command", "/note"),
                        ("text", &format!("note {c}-{i}: sent the quote they asked for, will follow up friday")),
                    ])
                    .unwrap();
                    let ts = chrono::Utc::now().timestamp().to_string();
                    let t = Instant::now();
                    let r = http
                        .post(format!("{url}/slack/commands"))
                        .header("content-type", "application/x-www-form-urlencoded")
                        .header("x-slack-request-timestamp", &ts)
                        .header("x-slack-signature", sign(SECRET.as_bytes(), &ts, body.as_bytes()))
                        .body(body)
                        .send()
                        .await
                        .unwrap();
                    assert!(r.status().is_success(), "{}", r.status());
                    times.push(t.elapsed());
                    i += 1;
                }
                times
            })
        })
        .collect();
    let mut times = Vec::new();
    for c in clients {
        times.extend(c.await.unwrap());
    }
    let took = started.elapsed().as_secs_f64();
    times.sort();
    let ms = |q: f64| times[((times.len() - 1) as f64 * q) as usize].as_secs_f64() * 1000.0;
    // Every acknowledged note is in the database.
    let store = callnudge::store::PgStore::open(&db.url).unwrap();
    let stored = std::thread::scope(|s| {
        s.spawn(|| {
            callnudge::store::Store::notes(&store, "slack-TBENCH", None)
                .unwrap()
                .len()
        })
        .join()
        .unwrap()
    });
    assert_eq!(stored, times.len(), "every acknowledged note is stored");
    drop(serves);
    (times.len() as f64 / took, ms(0.5), ms(0.99))
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let Ok(server) = std::env::var("CALLNUDGE_BENCH_DATABASE_URL") else {
        println!("skipped: set CALLNUDGE_BENCH_DATABASE_URL=postgres://… (a server where the bench may create databases)");
        return;
    };
    let secs = std::env::var("CALLNUDGE_LOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let fake = fake_slack::FakeSlack::start().await;
        println!("Slack /note, {CLIENTS} clients in a closed loop, {secs} s per run, one PostgreSQL database:");
        let mut one = 0.0;
        for processes in [1, 2] {
            let (rate, p50, p99) = run(&server, &fake.api, processes, secs).await;
            if processes == 1 {
                one = rate;
            }
            println!(
                "  {processes} serve process{}: {rate:>6.0} notes/s acknowledged ({:.2}× one), p50 {p50:.1} ms, p99 {p99:.1} ms; every note stored",
                if processes == 1 { "  " } else { "es" },
                rate / one
            );
        }
    });
}
