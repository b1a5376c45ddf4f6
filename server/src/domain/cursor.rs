//! The platform list's page cursor: opaque to clients (base64url of the
//! last session's creation time and id) and stable, since it names a
//! position in an order that never changes (newest first, then by id).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// The cursor naming the position right after a session created at `created_at` with `id`.
pub fn encode(created_at: i64, id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{created_at}:{id}"))
}

/// The `(created_at, id)` a cursor names; `None` if it is not one of ours.
pub fn decode(cursor: &str) -> Option<(i64, String)> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor.trim()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (at, id) = text.split_once(':')?;
    let at: i64 = at.parse().ok()?;
    (!id.is_empty() && at >= 0).then(|| (at, id.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_url_safe() {
        let c = encode(1_767_225_600_123, "cs_0123abcd");
        assert!(
            c.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "{c}"
        );
        assert_eq!(decode(&c), Some((1_767_225_600_123, "cs_0123abcd".into())));
    }

    #[test]
    fn rejects_foreign_cursors() {
        for bad in [
            "",
            "!!!",
            "bm9wZQ",
            &URL_SAFE_NO_PAD.encode("x:cs_1"),
            &URL_SAFE_NO_PAD.encode("5:"),
            &URL_SAFE_NO_PAD.encode("-5:cs_1"),
        ] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}
