//! A PostgreSQL database made for one bench run on the server `CALLNUDGE_BENCH_DATABASE_URL`
//! names, dropped after it (shared by the store and multi_serve benches).

use std::sync::atomic::{AtomicU32, Ordering};

pub struct BenchDb {
    server: String,
    name: String,
    /// The database's URL.
    pub url: String,
}

impl BenchDb {
    pub fn new(server: &str) -> BenchDb {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let name = format!("callnudge_bench_{}_{n}", std::process::id());
        admin(server, &format!("CREATE DATABASE {name}"));
        let (base, query) = server.split_once('?').unwrap_or((server, ""));
        let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
        let url = match query {
            "" => format!("{base}/{name}"),
            q => format!("{base}/{name}?{q}"),
        };
        BenchDb {
            server: server.to_string(),
            name,
            url,
        }
    }
}

impl Drop for BenchDb {
    fn drop(&mut self) {
        admin(
            &self.server,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
    }
}

/// One statement on the server, on a thread and runtime of its own.
fn admin(server: &str, sql: &str) {
    let (server, sql) = (server.to_string(), sql.to_string());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let (client, conn) = tokio_postgres::connect(&server, tokio_postgres::NoTls)
                .await
                .unwrap();
            let conn = tokio::spawn(conn);
            client.batch_execute(&sql).await.unwrap();
            drop(client);
            let _ = conn.await;
        })
    })
    .join()
    .unwrap();
}
