//! The `{data}` / `{error}` envelope every answer comes in, from the
//! merchant's server route and from the hosted page's API alike: one reader
//! for both clients. An error wins beside any data, whatever the status; its
//! words are found by the protocol's rule ([`ErrorBody::human_message`]) and
//! its code falls back to one for the status, so a proxy's HTML error page
//! still reads as a clear [`BillingError`].

use super::json::{object, opt_text, Json};
use crate::error::BillingError;
use crate::server_route::fallback_code;
use checkout_protocol::ErrorBody;

/// Reads a parsed answer (`None`: the body was not JSON): its `error`
/// whatever the status, else `data` decoded by `decode` on a 2xx.
pub(crate) fn read<J: Json, T>(
    status: u16,
    json: Option<J>,
    decode: impl FnOnce(&J) -> Option<T>,
) -> Result<T, BillingError> {
    let ok = (200..300).contains(&status);
    let Some(json) = json else {
        return Err(if ok {
            BillingError::InvalidResponse
        } else {
            BillingError::Http { status }
        });
    };
    if let Some(error) = json.get("error") {
        let body = error_body(&error).unwrap_or_default();
        let message = body
            .human_message()
            .map(str::to_owned)
            .or_else(|| error.text())
            .unwrap_or_else(|| BillingError::Http { status }.message());
        let code = body
            .code
            .filter(|c| !c.trim().is_empty())
            .unwrap_or_else(|| fallback_code(status).to_owned());
        return Err(BillingError::Api {
            status,
            code,
            message,
        });
    }
    if !ok {
        return Err(BillingError::Http { status });
    }
    json.get("data")
        .as_ref()
        .and_then(decode)
        .ok_or(BillingError::InvalidResponse)
}

/// The protocol's [`ErrorBody`] (its rule finds the human message); `None`
/// for a non-object or a mistyped member, as serde would refuse it.
fn error_body<J: Json>(error: &J) -> Option<ErrorBody> {
    object(error)?;
    // `json` as a sentence, or the first sentence the protocol's rule looks
    // for in it (`message`, `error`, `detail`): the rule then finds the same
    // words in a `Value::String`, with no map to build.
    let json = error.get("json").and_then(|j| {
        j.text()
            .or_else(|| {
                ["message", "error", "detail"]
                    .iter()
                    .find_map(|k| j.get(k)?.text())
            })
            .map(serde_json::Value::String)
    });
    Some(ErrorBody {
        code: opt_text(error, "code")?,
        message: opt_text(error, "message")?,
        json,
    })
}
