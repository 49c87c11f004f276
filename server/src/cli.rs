//! The command line: `serve` (the default), `sandbox`, `migrate` and `user`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::Config;

/// Pushdeck: a console for the push tasks of Tencent Push Notification Service (TPNS).
///
/// Run without a subcommand it serves the console (like `pushdeck serve`). Configuration comes
/// from built-in defaults, then the TOML file given with --config, then PUSHDECK__SECTION__KEY
/// environment variables (for example PUSHDECK__DATABASE__URL=postgres://…).
#[derive(Debug, Parser)]
#[command(name = "pushdeck", version, propagate_version = true)]
pub struct Cli {
    /// A TOML configuration file (see README.md, "Configuration").
    #[arg(
        long,
        short,
        global = true,
        value_name = "FILE",
        env = "PUSHDECK_CONFIG"
    )]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the console (the default). Applies migrations first and, unless [sandbox] enabled =
    /// false, starts the TPNS sandbox alongside on a loopback port as the upstream of its demo
    /// apps.
    Serve,
    /// Run the TPNS sandbox alone: a TPNS-compatible server with simulated devices, for demos and
    /// tests. Point an app at it with access_point = "custom" and base_url = its address.
    Sandbox(SandboxArgs),
    /// Apply the database migrations and exit.
    Migrate,
    /// Manage console users.
    #[command(subcommand)]
    User(UserCommand),
}

/// Options of `pushdeck sandbox`; each overrides the [sandbox] section of the configuration
/// (`PUSHDECK__SANDBOX__…`).
#[derive(Debug, Args, Default)]
#[command(
    after_help = "The sandbox serves three demo apps: demo-android (\"Demo Shop\", Android, \
AccessID 1500000101, recall available), demo-ios (\"Demo Shop\", iOS, AccessID 1600000102) and \
demo-news (\"Demo News\", Android, AccessID 1500000103, recall unavailable as on TPNS today). \
Their sandbox-only SecretKeys are published in server/src/sandbox/apps.rs. Point a console app at \
it with access_point = \"custom\" and base_url = \"http://127.0.0.1:3100\"."
)]
pub struct SandboxArgs {
    /// Address to listen on. Keep it on loopback: the demo secrets are public. Default
    /// 127.0.0.1:3100, or [sandbox] listen when it names a fixed port.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<std::net::SocketAddr>,
    /// How many times faster than real time deliveries, arrivals and clicks play out (60 makes a
    /// 72-hour task play out in 72 minutes). Send times, offline-storage periods and rate-limit
    /// windows stay in real time. Default 60.
    #[arg(long, value_name = "FACTOR")]
    pub speedup: Option<f64>,
    /// Seed for the history, the device population and background traffic (repeatable runs).
    /// Without one, a seed is drawn and logged.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Seconds between tasks created "by the app's backend", per app (0: none). Default 45.
    #[arg(long, value_name = "SECS")]
    pub background_every: Option<f64>,
    /// Days of task history each demo app starts with. Default 7.
    #[arg(long, value_name = "DAYS")]
    pub history_days: Option<u32>,
    /// Tasks per day in that history. Default 12.
    #[arg(long, value_name = "N")]
    pub history_per_day: Option<u32>,
    /// Calls an hour allowed per statistics endpoint and app before 1008028 (TPNS: 200; 0: no
    /// limit).
    #[arg(long, value_name = "N")]
    pub stats_calls_per_hour: Option<u32>,
    /// All/tag/package pushes a second per app before 1008028 (TPNS: 1; 0: no limit).
    #[arg(long, value_name = "N")]
    pub pushes_per_second: Option<u32>,
    /// Serve the test-only admin API under /_sandbox/: fault injection per endpoint, rate-limit
    /// counters, direct task creation and per-task counters.
    #[arg(long)]
    pub admin_api: bool,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user. The password is read from standard input, or generated and printed once.
    Add {
        #[arg(long)]
        username: String,
        /// viewer, operator or admin.
        #[arg(long)]
        role: String,
        /// For operators: the actions they may take (terminate,recall,override,cancel; default all).
        #[arg(long, value_delimiter = ',')]
        permissions: Option<Vec<String>>,
        /// Generate a password and print it instead of reading one from standard input.
        #[arg(long)]
        generate_password: bool,
    },
    /// Change a user's role (and, for operators, their action permissions).
    SetRole {
        #[arg(long)]
        username: String,
        #[arg(long)]
        role: String,
        #[arg(long, value_delimiter = ',')]
        permissions: Option<Vec<String>>,
    },
    /// Disable a user: their sessions stop working at once.
    Disable {
        #[arg(long)]
        username: String,
    },
}

/// Runs the command line; returns the process exit code. A start-up failure prints one line
/// naming the problem.
pub async fn run(cli: Cli) -> ExitCode {
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    crate::telemetry::init(&config.log);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => crate::startup::serve(config).await,
        Command::Sandbox(args) => crate::sandbox::run_standalone(config, args).await,
        Command::Migrate => crate::startup::migrate_only(config).await,
        Command::User(cmd) => crate::startup::user_command(config, cmd).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    // One line on standard error, whatever the logging setup: this is what an operator reads
    // when the service will not start.
    let line = e.to_string().replace('\n', " ");
    eprintln!("error: {line}");
    ExitCode::FAILURE
}
