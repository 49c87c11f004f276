//! Checks a request's credentials against the sandbox's apps, as TPNS does (§1.2, §1.3): an
//! unknown AccessID is 1008035 (the app belongs to another access point), a wrong secret or
//! signature 1008003.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use secrecy::ExposeSecret;

use super::wire::ApiError;
use super::world::World;
use tpns::sign::{constant_time_eq, parse_basic};
use tpns::signature;

/// The app a request authenticates as. `now_s` is the sandbox clock, against which the
/// signature's `TimeStamp` must lie within `max_skew_s` (TPNS's v3 tolerance is UNCONFIRMED;
/// the legacy API allowed 600 s).
pub(crate) fn authenticate(
    world: &World,
    headers: &HeaderMap,
    body: &[u8],
    now_s: i64,
    max_skew_s: i64,
) -> Result<usize, ApiError> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(auth) = header(AUTHORIZATION.as_str()) {
        let (id, secret) = parse_basic(auth)
            .ok_or_else(|| ApiError::auth("the Authorization header is not Basic"))?;
        let app = world
            .app_by_access_id(&id)
            .ok_or_else(ApiError::wrong_access_point)?;
        let expected = world.apps[app].app.secret.expose_secret();
        return if constant_time_eq(&secret, expected) {
            Ok(app)
        } else {
            Err(ApiError::auth("wrong AccessID or SecretKey"))
        };
    }
    let (Some(id), Some(ts), Some(sign)) =
        (header("AccessId"), header("TimeStamp"), header("Sign"))
    else {
        return Err(ApiError::auth(
            "no Authorization header, and no AccessId, TimeStamp and Sign headers",
        ));
    };
    let app = world
        .app_by_access_id(id)
        .ok_or_else(ApiError::wrong_access_point)?;
    let ts: i64 = ts
        .parse()
        .map_err(|_| ApiError::auth("TimeStamp is not Unix seconds"))?;
    if (ts - now_s).abs() > max_skew_s {
        return Err(ApiError::auth("TimeStamp is too far from the server time"));
    }
    let expected = signature(&world.apps[app].app.secret, ts, id, body);
    if constant_time_eq(sign, &expected) {
        Ok(app)
    } else {
        Err(ApiError::auth("the signature does not match"))
    }
}
