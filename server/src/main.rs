//! `pushdeck`: the console server, the TPNS sandbox, migrations and user management.

use clap::Parser;

/// mimalloc rather than the system allocator: rendering a page makes and drops many small
/// strings, which glibc's allocator made a fifth of the Task List's time (`BENCHMARKS.md`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    pushdeck::cli::run(pushdeck::cli::Cli::parse()).await
}
