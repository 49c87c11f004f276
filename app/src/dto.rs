//! Data shapes that cross between the server and the browser.

use serde::{Deserialize, Serialize};

use crate::domain::Platform;

/// A TPNS app the console serves, as the browser may see it: never its SecretKey.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppInfo {
    /// The console's short id of the app, used in URLs (`?app=`).
    pub id: String,
    pub name: String,
    pub platform: Platform,
    /// `Guangzhou`, `Shanghai`, `Hong Kong`, `Singapore` or `Sandbox`/`Custom`.
    pub access_point: String,
    /// `Signature` or `Basic`.
    pub auth_scheme: String,
    pub recall_available: bool,
}
