//! What a paid session made, as its signed success redirect names it.

use super::super::{Db, DbError};
use rusqlite::{params, OptionalExtension};

impl Db {
    /// The subscription session `id` started (`subscriptions.checkout_session_id`
    /// is unique), or `None` when it started none.
    pub async fn subscription_started_by(&self, id: String) -> Result<Option<String>, DbError> {
        self.call(move |conn| {
            Ok(conn
                .query_row(
                    "SELECT id FROM subscriptions WHERE checkout_session_id = ?1",
                    params![id],
                    |row| row.get::<_, String>(0),
                )
                .optional()?)
        })
        .await
    }
}
