//! `pushdeck`: the console server, the TPNS sandbox, migrations and user management.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    pushdeck::cli::run(pushdeck::cli::Cli::parse()).await
}
