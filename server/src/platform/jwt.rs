//! Customers from the merchant's own sign-in: a signed JWT.
//!
//! A merchant's login already issues a token or a session cookie; when that
//! is a JWT, [`JwtCustomers`] verifies it and turns its claims into the
//! [`CustomerIdentity`] the server route bills: `sub` is the merchant's own
//! id for the customer, `email` and `name` are optional, `exp` is required.
//! Keys are an HS256 shared secret (`--customer-jwt-secret`) and/or a JWKS
//! file of RS256 / ES256 public keys (`--customer-jwks`); each key verifies
//! only its own algorithm, so `alg: none`, an algorithm no configured key
//! has, and an HS256 token "signed" with a public key are all refused. The
//! signature checks are `jsonwebtoken`'s (RustCrypto backend), never ours.
//!
//! A request without a token is anonymous; a token that is present but not
//! valid — malformed, forged, expired, for another issuer or audience — is
//! 401 `unauthorized`, never anonymous.

use crate::domain::error::ApiError;
use crate::platform::resolver::CustomerResolver;
use crate::platform::CustomerIdentity;
use async_trait::async_trait;
use checkout_protocol::ErrorCode;
use http::HeaderMap;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use std::fmt;

/// The cookie the token is read from when no other is configured.
pub const DEFAULT_CUSTOMER_COOKIE: &str = "session";

/// The shortest HS256 secret accepted, in bytes: a shorter one can be
/// guessed offline from any one token it signed.
pub const MIN_HS256_SECRET_BYTES: usize = 32;

/// Clock skew allowed on `exp` and `nbf`, in seconds: enough for servers
/// whose clocks drift apart, short enough that an expired sign-in ends.
pub const LEEWAY_SECS: u64 = 30;

/// The longest token read, in bytes; a longer one is refused unparsed.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// The longest `sub` accepted, in characters (the platform's external-id limit).
pub const MAX_SUBJECT_CHARS: usize = crate::domain::validation::MAX_ID_CHARS;

/// The longest `name` claim accepted, in characters (the platform's limit).
pub const MAX_NAME_CHARS: usize = crate::domain::validation::MAX_NAME_CHARS;

/// The message for a token that is malformed, forged or otherwise not one
/// of the merchant's (the detail goes to the log only).
pub const INVALID_TOKEN_MESSAGE: &str = "Your sign-in could not be verified. Sign in again.";

/// The message for a token whose `exp` has passed.
pub const EXPIRED_TOKEN_MESSAGE: &str = "Your sign-in has expired. Sign in again.";

/// Why a [`JwtCustomers`] could not be built from its keys.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtConfigError {
    /// The HS256 secret is shorter than [`MIN_HS256_SECRET_BYTES`].
    #[error("the HS256 secret is {len} bytes; use at least {MIN_HS256_SECRET_BYTES} random bytes (e.g. `openssl rand -hex 32`)")]
    ShortSecret {
        /// Its length in bytes.
        len: usize,
    },
    /// The JWKS document cannot be used.
    #[error("the JWKS is not usable: {0}")]
    Jwks(String),
    /// The cookie name is not a cookie name.
    #[error("`{0}` is not a cookie name (letters, digits and !#$%&'*+-.^_`|~ only)")]
    CookieName(String),
}

/// One verification key and the only algorithm it verifies.
#[derive(Clone)]
struct Key {
    algorithm: Algorithm,
    /// The JWKS `kid`; `None` for the HS256 secret.
    kid: Option<String>,
    key: DecodingKey,
}

/// A [`CustomerResolver`] that verifies the merchant's customer JWTs.
///
/// ```
/// use checkout_server::JwtCustomers;
///
/// # fn main() -> Result<(), checkout_server::JwtConfigError> {
/// let secret = "a-random-secret-of-at-least-32-bytes!!";
/// let customers = JwtCustomers::hs256(secret.as_bytes())?
///     .with_issuer("https://shop.example")
///     .with_audience("billing")
///     .with_cookie("shop_session")?;
/// // server_route(platform, Arc::new(customers)) then bills the JWT's `sub`.
/// # let _ = customers;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct JwtCustomers {
    keys: Vec<Key>,
    issuer: Option<String>,
    audience: Option<String>,
    cookie: String,
}

// Hand-written so a stray `{:?}` never shows the shared secret.
impl fmt::Debug for JwtCustomers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<String> = self
            .keys
            .iter()
            .map(|k| {
                format!(
                    "{:?}{}",
                    k.algorithm,
                    k.kid
                        .as_deref()
                        .map(|kid| format!(" kid={kid}"))
                        .unwrap_or_default()
                )
            })
            .collect();
        f.debug_struct("JwtCustomers")
            .field("keys", &keys)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("cookie", &self.cookie)
            .finish()
    }
}

/// The claims read from a verified token. `exp`, `iss` and `aud` are
/// checked by `jsonwebtoken` before these are looked at.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CustomerClaims {
    /// The merchant's own id for the customer.
    #[serde(default)]
    pub sub: Option<String>,
    /// The customer's email address.
    #[serde(default)]
    pub email: Option<String>,
    /// The customer's display name.
    #[serde(default)]
    pub name: Option<String>,
}

impl CustomerClaims {
    /// The customer these claims name: `sub` present, not blank, at most
    /// [`MAX_SUBJECT_CHARS`] characters and free of control characters;
    /// `email`, when given, a plausible address; `name`, when given, at most
    /// [`MAX_NAME_CHARS`]. A missing email or name is empty (the hosted page
    /// asks the buyer for an email at payment).
    pub fn identity(self) -> Result<CustomerIdentity, &'static str> {
        let sub = self.sub.ok_or("the token has no `sub` claim")?;
        let sub = sub.trim();
        if sub.is_empty() {
            return Err("the token's `sub` claim is blank");
        }
        if sub.chars().count() > MAX_SUBJECT_CHARS {
            return Err("the token's `sub` claim is too long");
        }
        if sub.chars().any(char::is_control) {
            return Err("the token's `sub` claim has control characters");
        }
        let email = match self.email.as_deref().map(str::trim) {
            None | Some("") => String::new(),
            Some(raw) => crate::domain::validation::email(raw)
                .ok_or("the token's `email` claim is not an email address")?,
        };
        let name = self.name.unwrap_or_default().trim().to_owned();
        if name.chars().count() > MAX_NAME_CHARS {
            return Err("the token's `name` claim is too long");
        }
        Ok(CustomerIdentity {
            external_id: sub.to_owned(),
            name,
            email,
        })
    }
}

impl JwtCustomers {
    fn empty() -> Self {
        Self {
            keys: Vec::new(),
            issuer: None,
            audience: None,
            cookie: DEFAULT_CUSTOMER_COOKIE.to_owned(),
        }
    }

    /// Verifies HS256 tokens signed with `secret` (at least
    /// [`MIN_HS256_SECRET_BYTES`] bytes).
    pub fn hs256(secret: &[u8]) -> Result<Self, JwtConfigError> {
        Self::empty().with_hs256_secret(secret)
    }

    /// Verifies RS256 and ES256 tokens with the public keys of a JWKS
    /// document (`{"keys": [...]}`), the key chosen by the token's `kid`.
    pub fn jwks(json: &str) -> Result<Self, JwtConfigError> {
        Self::empty().with_jwks(json)
    }

    /// Also verifies HS256 tokens signed with `secret`.
    pub fn with_hs256_secret(mut self, secret: &[u8]) -> Result<Self, JwtConfigError> {
        if secret.len() < MIN_HS256_SECRET_BYTES {
            return Err(JwtConfigError::ShortSecret { len: secret.len() });
        }
        self.keys.retain(|k| k.algorithm != Algorithm::HS256);
        let key = DecodingKey::from_secret(secret)
            .map_err(|e| JwtConfigError::Jwks(format!("the HS256 secret: {e}")))?;
        self.keys.push(Key {
            algorithm: Algorithm::HS256,
            kid: None,
            key,
        });
        Ok(self)
    }

    /// Also verifies with the RS256 and ES256 (P-256) public keys of a JWKS
    /// document. Keys marked for encryption (`use: enc`) and keys of other
    /// types (symmetric `oct`, other curves) are skipped; a document with no
    /// usable key, a key whose `alg` disagrees with its type, or a `kid`
    /// used twice is refused.
    pub fn with_jwks(mut self, json: &str) -> Result<Self, JwtConfigError> {
        let set: JwkSet = serde_json::from_str(json).map_err(|e| {
            JwtConfigError::Jwks(format!("not a JWKS document ({{\"keys\": [...]}}): {e}"))
        })?;
        let mut added = 0;
        for jwk in &set.keys {
            if jwk.common.public_key_use == Some(PublicKeyUse::Encryption) {
                continue;
            }
            let algorithm = match &jwk.algorithm {
                AlgorithmParameters::RSA(_) => Algorithm::RS256,
                AlgorithmParameters::EllipticCurve(ec) if ec.curve == EllipticCurve::P256 => {
                    Algorithm::ES256
                }
                // Symmetric keys never come from a public key set (that is
                // how HS256 forgeries with a public key get in), and other
                // curves and key types are not supported here.
                _ => continue,
            };
            let kid = jwk.common.key_id.clone();
            let shown = kid.as_deref().unwrap_or("(no kid)");
            let stated = jwk.common.key_algorithm;
            let matches = match stated {
                None => true,
                Some(KeyAlgorithm::RS256) => algorithm == Algorithm::RS256,
                Some(KeyAlgorithm::ES256) => algorithm == Algorithm::ES256,
                Some(_) => false,
            };
            if !matches {
                return Err(JwtConfigError::Jwks(format!(
                    "key {shown}: its `alg` is not RS256 (RSA keys) or ES256 (P-256 keys)"
                )));
            }
            if let Some(kid) = &kid {
                if self
                    .keys
                    .iter()
                    .any(|k| k.kid.as_deref() == Some(kid.as_str()))
                {
                    return Err(JwtConfigError::Jwks(format!(
                        "the kid `{kid}` is used twice"
                    )));
                }
            }
            let key = DecodingKey::from_jwk(jwk)
                .map_err(|e| JwtConfigError::Jwks(format!("key {shown}: {e}")))?;
            self.keys.push(Key {
                algorithm,
                kid,
                key,
            });
            added += 1;
        }
        if added == 0 {
            return Err(JwtConfigError::Jwks(
                "it has no RS256 (RSA) or ES256 (P-256) signing key".into(),
            ));
        }
        Ok(self)
    }

    /// Only tokens whose `iss` claim is `issuer` (then required).
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Only tokens whose `aud` claim is or contains `audience` (then required).
    pub fn with_audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// Reads the token from the cookie `name` (default `session`) when the
    /// request has no `Authorization: Bearer` token.
    pub fn with_cookie(mut self, name: &str) -> Result<Self, JwtConfigError> {
        let name = name.trim();
        if !is_cookie_name(name) {
            return Err(JwtConfigError::CookieName(name.to_owned()));
        }
        self.cookie = name.to_owned();
        Ok(self)
    }

    /// The cookie the token is read from.
    pub fn cookie(&self) -> &str {
        &self.cookie
    }

    /// The token a request carries: `Authorization: Bearer <token>` first,
    /// else the configured cookie; blank values count as absent.
    pub fn token(&self, headers: &HeaderMap) -> Option<String> {
        crate::platform::credentials::bearer(headers)
            .or_else(|| crate::platform::credentials::cookie(headers, &self.cookie))
    }

    /// The customer a token names, if it is a valid token of the merchant's;
    /// 401 `unauthorized` otherwise (the reason is logged, not sent).
    pub fn verify(&self, token: &str) -> Result<CustomerIdentity, ApiError> {
        let invalid = |reason: &dyn fmt::Display| {
            tracing::info!(%reason, "customer token refused");
            ApiError::new(ErrorCode::Unauthorized, INVALID_TOKEN_MESSAGE)
        };
        if token.len() > MAX_TOKEN_BYTES {
            return Err(invalid(&"the token is too long"));
        }
        // The header is read unverified only to pick the key: the signature
        // is then checked with that key and its one algorithm.
        let header = jsonwebtoken::decode_header(token).map_err(|e| invalid(&e))?;
        let key = self
            .key_for(header.alg, header.kid.as_deref())
            .ok_or_else(|| {
                invalid(&format_args!(
                    "no configured key verifies alg {:?} with kid {:?}",
                    header.alg, header.kid
                ))
            })?;
        let data = jsonwebtoken::decode::<CustomerClaims>(
            token,
            &key.key,
            &self.validation(key.algorithm),
        )
        .map_err(|e| match e.kind() {
            ErrorKind::ExpiredSignature => {
                tracing::info!("customer token expired");
                ApiError::new(ErrorCode::Unauthorized, EXPIRED_TOKEN_MESSAGE)
            }
            _ => invalid(&e),
        })?;
        data.claims.identity().map_err(|reason| invalid(&reason))
    }

    /// The key for a token's `alg` and `kid`: with a `kid`, the key of that
    /// id (and that algorithm); without one, the only key of that algorithm.
    fn key_for(&self, algorithm: Algorithm, kid: Option<&str>) -> Option<&Key> {
        let mut candidates = self.keys.iter().filter(|k| k.algorithm == algorithm);
        match kid {
            Some(kid) if algorithm != Algorithm::HS256 => {
                candidates.find(|k| k.kid.as_deref() == Some(kid))
            }
            _ => {
                let first = candidates.next()?;
                candidates.next().is_none().then_some(first)
            }
        }
    }

    /// What a token must satisfy besides its signature: exactly `algorithm`,
    /// `exp` present and not past ([`LEEWAY_SECS`]), `nbf` not ahead, and
    /// the issuer and audience when configured.
    fn validation(&self, algorithm: Algorithm) -> Validation {
        let mut v = Validation::new(algorithm);
        v.leeway = LEEWAY_SECS;
        v.validate_exp = true;
        v.validate_nbf = true;
        let mut required = vec!["exp", "sub"];
        if let Some(issuer) = &self.issuer {
            v.set_issuer(&[issuer]);
            required.push("iss");
        }
        match &self.audience {
            Some(audience) => {
                v.set_audience(&[audience]);
                required.push("aud");
            }
            // Without a configured audience any `aud` is accepted (the
            // library would otherwise refuse every token that has one).
            None => v.validate_aud = false,
        }
        v.set_required_spec_claims(&required);
        v
    }
}

#[async_trait]
impl CustomerResolver for JwtCustomers {
    async fn resolve(&self, headers: &HeaderMap) -> Result<Option<CustomerIdentity>, ApiError> {
        self.token(headers).map(|t| self.verify(&t)).transpose()
    }
}

/// Whether `token` has a JWT's shape: three dot-separated base64url parts,
/// the signature possibly empty (as in an `alg: none` token, which must
/// reach the verifier to be refused there).
pub fn looks_like_jwt(token: &str) -> bool {
    let parts: Vec<&str> = token.split('.').collect();
    let base64url = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'=')
    };
    parts.len() == 3
        && !parts[0].is_empty()
        && !parts[1].is_empty()
        && parts.iter().all(|p| base64url(p))
}

/// Whether `name` is a cookie name (an RFC 6265 token).
fn is_cookie_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{encode, EncodingKey, Header};
    use serde_json::{json, Value};

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn now() -> i64 {
        crate::domain::clock::now_ms() / 1000
    }

    fn sign(claims: Value) -> String {
        encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(SECRET).unwrap(),
        )
        .unwrap()
    }

    fn claims(v: Value) -> CustomerClaims {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn claims_name_the_customer() {
        let who = claims(json!({"sub": " u42 ", "email": "Ann@Shop.example", "name": " Ann "}))
            .identity()
            .unwrap();
        assert_eq!(who.external_id, "u42");
        assert_eq!(who.email, "Ann@Shop.example");
        assert_eq!(who.name, "Ann");
        let bare = claims(json!({"sub": "u1"})).identity().unwrap();
        assert_eq!((bare.name.as_str(), bare.email.as_str()), ("", ""));
        assert_eq!(
            claims(json!({"sub": "u1", "email": " "}))
                .identity()
                .unwrap()
                .email,
            ""
        );
    }

    #[test]
    fn bad_claims_are_refused() {
        for (v, why) in [
            (json!({}), "no `sub`"),
            (json!({"sub": "  "}), "blank"),
            (
                json!({"sub": "x".repeat(MAX_SUBJECT_CHARS + 1)}),
                "too long",
            ),
            (json!({"sub": "a\u{0}b"}), "control"),
            (json!({"sub": "u1", "email": "not-an-address"}), "email"),
            (
                json!({"sub": "u1", "name": "n".repeat(MAX_NAME_CHARS + 1)}),
                "name",
            ),
        ] {
            let e = claims(v.clone()).identity().unwrap_err();
            assert!(e.contains(why), "{v}: {e}");
        }
        assert!(claims(json!({"sub": "x".repeat(MAX_SUBJECT_CHARS)}))
            .identity()
            .is_ok());
        // A claim of the wrong type does not parse at all.
        assert!(serde_json::from_value::<CustomerClaims>(json!({"sub": 42})).is_err());
        assert!(
            serde_json::from_value::<CustomerClaims>(json!({"sub": "u", "email": ["a@b.c"]}))
                .is_err()
        );
    }

    #[test]
    fn a_signed_token_verifies_and_a_bad_one_is_unauthorized() {
        let c = JwtCustomers::hs256(SECRET).unwrap();
        let who = c
            .verify(&sign(json!({"sub": "u7", "exp": now() + 60})))
            .unwrap();
        assert_eq!(who.external_id, "u7");
        let unauthorized = |token: &str| c.verify(token).unwrap_err();
        for token in [
            sign(json!({"sub": "u7"})),       // no exp
            sign(json!({"exp": now() + 60})), // no sub
            sign(json!({"sub": "u7", "exp": now() + 60, "nbf": now() + 600})), // not yet
            "not-a-jwt".to_owned(),
            format!("{}x", sign(json!({"sub": "u7", "exp": now() + 60}))),
            "x".repeat(MAX_TOKEN_BYTES + 1),
        ] {
            let e = unauthorized(&token);
            assert_eq!(
                (e.code, e.message.as_str()),
                (ErrorCode::Unauthorized, INVALID_TOKEN_MESSAGE),
                "{token}"
            );
        }
        let expired = unauthorized(&sign(
            json!({"sub": "u7", "exp": now() - 2 * LEEWAY_SECS as i64}),
        ));
        assert_eq!(
            (expired.code, expired.message.as_str()),
            (ErrorCode::Unauthorized, EXPIRED_TOKEN_MESSAGE)
        );
        // Within the leeway an expiry is still accepted.
        assert!(c
            .verify(&sign(json!({"sub": "u7", "exp": now() - 5})))
            .is_ok());
    }

    #[test]
    fn issuer_and_audience_are_checked_when_configured() {
        let c = JwtCustomers::hs256(SECRET)
            .unwrap()
            .with_issuer("https://shop.example")
            .with_audience("billing");
        let exp = now() + 60;
        assert!(c
            .verify(&sign(
                json!({"sub": "u", "exp": exp, "iss": "https://shop.example", "aud": "billing"})
            ))
            .is_ok());
        assert!(c.verify(&sign(json!({"sub": "u", "exp": exp, "iss": "https://shop.example", "aud": ["x", "billing"]}))).is_ok());
        for bad in [
            json!({"sub": "u", "exp": exp, "iss": "https://evil.example", "aud": "billing"}),
            json!({"sub": "u", "exp": exp, "iss": "https://shop.example", "aud": "other"}),
            json!({"sub": "u", "exp": exp, "aud": "billing"}),
            json!({"sub": "u", "exp": exp, "iss": "https://shop.example"}),
        ] {
            assert_eq!(
                c.verify(&sign(bad.clone())).unwrap_err().code,
                ErrorCode::Unauthorized,
                "{bad}"
            );
        }
        // Unconfigured, any audience is fine.
        let open = JwtCustomers::hs256(SECRET).unwrap();
        assert!(open
            .verify(&sign(json!({"sub": "u", "exp": exp, "aud": "anything"})))
            .is_ok());
    }

    #[test]
    fn keys_are_checked_when_built() {
        assert_eq!(
            JwtCustomers::hs256(b"short").unwrap_err(),
            JwtConfigError::ShortSecret { len: 5 }
        );
        for bad in [
            "",
            "{}",
            r#"{"keys": []}"#,
            r#"{"keys": [{"kty": "oct", "k": "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0", "alg": "HS256"}]}"#,
        ] {
            assert!(
                matches!(JwtCustomers::jwks(bad), Err(JwtConfigError::Jwks(_))),
                "{bad}"
            );
        }
        assert!(JwtCustomers::hs256(SECRET)
            .unwrap()
            .with_cookie("bad name")
            .is_err());
        assert_eq!(
            JwtCustomers::hs256(SECRET)
                .unwrap()
                .with_cookie("shop_sid")
                .unwrap()
                .cookie(),
            "shop_sid"
        );
        let shown = format!("{:?}", JwtCustomers::hs256(SECRET).unwrap());
        assert!(!shown.contains("0123456789abcdef"), "{shown}");
    }

    #[test]
    fn jwt_shape() {
        assert!(looks_like_jwt(&sign(json!({"sub": "u", "exp": 1}))));
        assert!(looks_like_jwt("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1In0."));
        for not in [
            "demo-alice",
            "a.b",
            "a.b.c.d",
            ".b.c",
            "a b.c.d",
            "tok_0123",
        ] {
            assert!(!looks_like_jwt(not), "{not}");
        }
    }
}
