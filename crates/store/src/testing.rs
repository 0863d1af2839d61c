//! Test support (feature `testing`): a private PostgreSQL schema per test.
//!
//! The server is `INTERLOG_TEST_POSTGRES_URL` (default
//! `postgres://postgres:postgres@127.0.0.1:5432/test`). Each [`PgSchema`] is a fresh schema that the
//! store's connections reach through `search_path`; [`PgSchema::drop`] removes it, and
//! schemas left behind by crashed runs are removed after an hour.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{Connection, Executor, PgConnection};

use crate::now_ms;
use crate::postgres::ScratchSchema;

const PREFIX: &str = "it_";

/// The PostgreSQL server tests use.
pub fn postgres_url() -> String {
    std::env::var("INTERLOG_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:5432/test".into())
}

/// A schema of its own for one test.
pub struct PgSchema {
    scratch: ScratchSchema,
    /// A database URL whose connections work inside the schema.
    pub url: String,
}

impl PgSchema {
    pub async fn create() -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "{PREFIX}{}_{}_{}",
            now_ms(),
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let base = postgres_url();
        let mut conn = PgConnection::connect(&base)
            .await
            .expect("PostgreSQL for tests (INTERLOG_TEST_POSTGRES_URL)");
        drop_stale_schemas(&mut conn).await;
        let scratch = ScratchSchema::create(&base, &name)
            .await
            .expect("create test schema");
        Self {
            url: scratch.url.clone(),
            scratch,
        }
    }

    pub async fn drop(self) {
        self.scratch.drop().await.expect("drop test schema");
    }
}

async fn drop_stale_schemas(conn: &mut PgConnection) {
    let an_hour_ago = now_ms() - 3_600_000;
    let names: Vec<(String,)> =
        sqlx::query_as("SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'it\\_%'")
            .fetch_all(&mut *conn)
            .await
            .unwrap_or_default();
    for (name,) in names {
        let created: Option<i64> = name
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('_').next()?.parse().ok());
        if created.is_some_and(|ms| ms < an_hour_ago) {
            let _ = conn
                .execute(format!("DROP SCHEMA IF EXISTS {name} CASCADE").as_str())
                .await;
        }
    }
}

/// Forgets the newest applied migration of the database at `url` (`sqlite://PATH` or a
/// PostgreSQL URL), as if its schema were one version behind this build: for readiness
/// tests.
pub async fn forget_newest_migration(url: &str) {
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url)
        .await
        .expect("connect to the test database");
    conn.execute(
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)",
    )
    .await
    .expect("forget the newest migration");
}
