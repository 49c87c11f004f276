//! The TPNS sandbox.

use crate::cli::SandboxArgs;
use crate::config::Config;

/// `pushdeck sandbox`.
pub async fn run_standalone(
    _config: Config,
    _args: SandboxArgs,
) -> Result<(), crate::startup::StartupError> {
    Err(crate::startup::StartupError::Sandbox(
        "not built yet".into(),
    ))
}
