//! Statements through the connection's statement cache. A request runs a
//! handful of fixed statements; parsing each anew (`execute`, `query_row`)
//! led the server's own CPU in a profile of the checkout flow, so every
//! store query goes through here or `prepare_cached` instead.

use rusqlite::{Connection, Params, Row};

/// How many prepared statements the connection keeps (rusqlite's default is
/// 16; the store has about 110, so none of them is evicted).
pub(super) const CAPACITY: usize = 128;

/// `execute` and `query_row` with the statement prepared once and reused.
pub(super) trait CachedStatements {
    /// [`Connection::execute`] through the statement cache.
    fn execute_cached<P: Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize>;

    /// [`Connection::query_row`] through the statement cache.
    fn query_row_cached<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> rusqlite::Result<T>;
}

impl CachedStatements for Connection {
    fn execute_cached<P: Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    fn query_row_cached<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    {
        self.prepare_cached(sql)?.query_row(params, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::StatementStatus;

    #[test]
    fn statements_are_reused_see_each_others_writes_and_survive_errors() {
        let conn = Connection::open_in_memory().unwrap();
        conn.set_prepared_statement_cache_capacity(CAPACITY);
        conn.execute_batch("CREATE TABLE t (n INTEGER)").unwrap();
        for n in 1..=3 {
            assert_eq!(
                conn.execute_cached("INSERT INTO t (n) VALUES (?1)", [n])
                    .unwrap(),
                1
            );
            let sum: i64 = conn
                .query_row_cached("SELECT sum(n) FROM t", [], |r| r.get(0))
                .unwrap();
            assert_eq!(sum, n * (n + 1) / 2);
        }
        // One prepared statement ran all three times: it came from the cache.
        let runs = conn
            .prepare_cached("SELECT sum(n) FROM t")
            .unwrap()
            .get_status(StatementStatus::Run);
        assert_eq!(runs, 3);
        // A failing statement leaves the cache usable.
        assert!(conn
            .execute_cached("INSERT INTO missing VALUES (1)", [])
            .is_err());
        assert!(conn
            .query_row_cached("SELECT n FROM t WHERE n = ?1", [9], |r| r.get::<_, i64>(0))
            .is_err());
        assert_eq!(
            conn.execute_cached("INSERT INTO t (n) VALUES (?1)", [4])
                .unwrap(),
            1
        );
    }
}
