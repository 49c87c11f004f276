//! Where a TPNS app lives and how calls to it are authenticated (`server/docs/tpns.md` §1.1–§1.3).

use serde::Deserialize;

/// TPNS's service access points (`server/docs/tpns.md` §1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessPoint {
    Guangzhou,
    Shanghai,
    Hongkong,
    Singapore,
    /// Any other base URL (the sandbox, a proxy).
    Custom,
}

impl AccessPoint {
    pub fn base_url(self) -> Option<&'static str> {
        match self {
            AccessPoint::Guangzhou => Some("https://api.tpns.tencent.com"),
            AccessPoint::Shanghai => Some("https://api.tpns.sh.tencent.com"),
            AccessPoint::Hongkong => Some("https://api.tpns.hk.tencent.com"),
            AccessPoint::Singapore => Some("https://api.tpns.sgp.tencent.com"),
            AccessPoint::Custom => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            AccessPoint::Guangzhou => "Guangzhou",
            AccessPoint::Shanghai => "Shanghai",
            AccessPoint::Hongkong => "Hong Kong",
            AccessPoint::Singapore => "Singapore",
            AccessPoint::Custom => "Custom",
        }
    }
}

/// How requests to TPNS are authenticated (`server/docs/tpns.md` §1.2, §1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AuthScheme {
    #[default]
    Signature,
    Basic,
}

impl AuthScheme {
    pub fn label(self) -> &'static str {
        match self {
            AuthScheme::Signature => "Signature (HMAC-SHA256)",
            AuthScheme::Basic => "Basic",
        }
    }
}
