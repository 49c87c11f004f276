//! The command line: `serve` (the default), `sandbox`, `migrate`, `user` and `token`.

use app::i18n::{T, Words};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use std::io::Read;

use domain::Action;

use crate::config::Config;
use crate::error::StartupError;
use crate::tokens::{TokenError, TokenService};
use crate::users::{Changer, Password, UserError, UserService, valid_role};

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
    /// Manage users' API tokens (`Authorization: Bearer …` on /api/v1/).
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a token for a user; it is printed once and never again.
    Add {
        /// The user the token acts as (with their role).
        #[arg(long)]
        user: String,
        /// A name to tell the token apart by, e.g. deploy-bot.
        #[arg(long)]
        name: String,
        /// The actions it may carry out, of those the user may (terminate,recall,override,cancel;
        /// default: all of the user's; `none`: read only).
        #[arg(long, value_delimiter = ',')]
        permissions: Option<Vec<String>>,
        /// Days until it stops working (default: until revoked).
        #[arg(long)]
        expires_in_days: Option<u32>,
    },
    /// List a user's tokens (never the tokens themselves).
    List {
        #[arg(long)]
        user: String,
    },
    /// Revoke a user's token: it stops working on the next request.
    Revoke {
        #[arg(long)]
        user: String,
        #[arg(long)]
        name: String,
    },
}

impl TokenCommand {
    /// Carries the command out through the token service (validated and audited as on the
    /// Account page); returns what to print.
    pub async fn run(
        self,
        tokens: &TokenService,
        w: Words,
        utc_offset_minutes: i32,
    ) -> Result<String, StartupError> {
        let by = Changer::command_line();
        let refused = |e: TokenError| StartupError::Other(e.in_words(w));
        Ok(match self {
            TokenCommand::Add {
                user,
                name,
                permissions: p,
                expires_in_days,
            } => {
                let actions = match p {
                    Some(list) if list.iter().any(|s| s.trim() == "none") => Vec::new(),
                    p => permissions(w, p)?,
                };
                let made = tokens
                    .add(&by, &user, &name, &actions, expires_in_days)
                    .await
                    .map_err(refused)?;
                w.f(
                    T::CliTokenAdded,
                    &[
                        ("name", &made.token.name),
                        ("user", &user),
                        (
                            "actions",
                            &crate::users::permission_list(&made.token.permissions),
                        ),
                        ("token", &made.secret),
                    ],
                )
            }
            TokenCommand::List { user } => {
                let now = tpns::clock::SharedClock::system().now();
                let list = tokens.list(&user).await.map_err(refused)?;
                if list.is_empty() {
                    return Ok(w.f(T::CliNoTokens, &[("user", &user)]));
                }
                let offset = utc_offset_minutes;
                let when = |t: Option<i64>| {
                    t.map_or("-".to_string(), |t| {
                        domain::time::format_datetime(t, offset)
                    })
                };
                let mut out = String::new();
                for t in list {
                    let state = if t.revoked_at.is_some() {
                        w.t(T::TokenRevoked)
                    } else if !t.is_live(now) {
                        w.t(T::TokenExpired)
                    } else {
                        w.t(T::TokenLive)
                    };
                    out.push_str(&format!(
                        "{:<24} {}…  {:<9} {:<34} {} {}  {} {}\n",
                        t.name,
                        t.prefix,
                        state,
                        crate::users::permission_list(&t.permissions),
                        w.t(T::TokenExpires),
                        when(t.expires_at),
                        w.t(T::TokenLastUsed),
                        when(t.last_used_at),
                    ));
                }
                out.trim_end().to_string()
            }
            TokenCommand::Revoke { user, name } => {
                tokens.revoke(&by, &user, &name).await.map_err(refused)?;
                w.f(T::CliTokenRevoked, &[("name", &name), ("user", &user)])
            }
        })
    }
}

/// Options of `pushdeck sandbox`; each overrides the [sandbox] section of the configuration
/// (`PUSHDECK__SANDBOX__…`).
#[derive(Debug, Args, Default)]
#[command(
    after_help = "The sandbox serves three demo apps: demo-android (\"Demo Shop\", Android, \
AccessID 1500000101, recall available), demo-ios (\"Demo Shop\", iOS, AccessID 1600000102) and \
demo-news (\"Demo News\", Android, AccessID 1500000103, recall unavailable as on TPNS today). \
Their sandbox-only SecretKeys are published in server/sandbox/src/apps.rs. Point a console app at \
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
    /// How strictly the sandbox answers: `friendly` (every field, the default), `sparse` (records
    /// without `createTime` and the optional fields, as older TPNS pages show them) or `quirky`
    /// (the spelling and type variants TPNS's documents disagree on, channels and statuses
    /// Pushdeck does not know). See server/docs/tpns.md §10.
    #[arg(long, value_name = "PROFILE", value_parser = parse_profile)]
    pub profile: Option<sandbox::Profile>,
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
    /// List the users, their roles and permissions.
    List,
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
    /// Enable a disabled user again, with the role and permissions they had.
    Enable {
        #[arg(long)]
        username: String,
    },
    /// Set a new password, read from standard input or generated and printed once; the user's
    /// sessions end.
    ResetPassword {
        #[arg(long)]
        username: String,
        #[arg(long)]
        generate_password: bool,
    },
}

impl UserCommand {
    /// Carries the command out through the user service (validated and audited as on the Admin
    /// page); returns what to print.
    pub async fn run(self, users: &UserService, w: Words) -> Result<String, StartupError> {
        let by = Changer::command_line();
        let refused = |e| refused(w, e);
        let permissions = |p| permissions(w, p);
        let done = match self {
            UserCommand::List => {
                let mut out = String::new();
                for u in users.list().await.map_err(refused)? {
                    out.push_str(&format!(
                        "{:<24} {:<8} {:<34} {}\n",
                        u.username,
                        u.role.as_str(),
                        crate::users::permission_list(&u.permissions),
                        if u.disabled {
                            w.t(T::CliDisabledMark)
                        } else {
                            ""
                        }
                    ));
                }
                return Ok(out.trim_end().to_string());
            }
            UserCommand::Add {
                username,
                role,
                permissions: p,
                generate_password,
            } => {
                let role = valid_role(&role).map_err(refused)?;
                let perms = permissions(p)?;
                let password = password(generate_password)?;
                let (u, generated) = users
                    .add(&by, &username, role, &perms, password)
                    .await
                    .map_err(refused)?;
                let (name, role) = (u.username.as_str(), w.role(role));
                match generated {
                    Some(p) => w.f(
                        T::CliAddedPassword,
                        &[("name", name), ("role", role), ("password", &p)],
                    ),
                    None => w.f(T::CliAdded, &[("name", name), ("role", role)]),
                }
            }
            UserCommand::SetRole {
                username,
                role,
                permissions: p,
            } => {
                let role = valid_role(&role).map_err(refused)?;
                users
                    .set_role(&by, &username, role, &permissions(p)?)
                    .await
                    .map_err(refused)?;
                w.f(
                    T::CliRoleNow,
                    &[("name", &username), ("role", role.as_str())],
                )
            }
            UserCommand::Disable { username } => {
                users.disable(&by, &username).await.map_err(refused)?;
                w.f(T::CliDisabled, &[("name", &username)])
            }
            UserCommand::Enable { username } => {
                users.enable(&by, &username).await.map_err(refused)?;
                w.f(T::CliEnabled, &[("name", &username)])
            }
            UserCommand::ResetPassword {
                username,
                generate_password,
            } => {
                let password = password(generate_password)?;
                match users
                    .reset_password(&by, &username, password)
                    .await
                    .map_err(refused)?
                {
                    Some(p) => w.f(
                        T::CliNewPasswordShown,
                        &[("name", &username), ("password", &p)],
                    ),
                    None => w.f(T::CliNewPassword, &[("name", &username)]),
                }
            }
        };
        Ok(done)
    }
}

fn refused(w: Words, e: UserError) -> StartupError {
    match e {
        UserError::Store(e) => StartupError::Store(e),
        UserError::Invalid { message, .. } => StartupError::Other(
            app::i18n::known_sentence(message)
                .map_or(message, |k| w.t(k))
                .to_string(),
        ),
        UserError::NotFound(name) => StartupError::Other(w.f(T::CliNoSuchUser, &[("name", &name)])),
        UserError::Exists(name) => StartupError::Other(w.f(T::SrvUserExists, &[("name", &name)])),
        other => StartupError::Other(other.to_string()),
    }
}

/// The language of the command line's messages: `PUSHDECK_LANG`, else the terminal's locale
/// (`LC_ALL`, `LC_MESSAGES`, `LANG`: `zh_CN.UTF-8` is Chinese), else English.
pub fn cli_locale(var: impl Fn(&str) -> Option<String>) -> domain::Locale {
    ["PUSHDECK_LANG", "LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| var(k).filter(|v| !v.is_empty()))
        .next()
        .and_then(|v| domain::Locale::from_code(&v))
        .unwrap_or_default()
}

fn permissions(w: Words, p: Option<Vec<String>>) -> Result<Vec<Action>, StartupError> {
    match p {
        None => Ok(Action::ALL.to_vec()),
        Some(list) => list
            .iter()
            .map(|s| {
                Action::from_slug(s.trim()).ok_or_else(|| {
                    StartupError::Other(w.f(T::CliUnknownPermission, &[("name", s.trim())]))
                })
            })
            .collect(),
    }
}

/// The password to set: generated, or read from standard input (empty: generated).
fn password(generate: bool) -> Result<Password, StartupError> {
    if generate {
        return Ok(Password::Generate);
    }
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s).map_err(|e| {
        StartupError::Other(format!("cannot read the password from standard input: {e}"))
    })?;
    Ok(Password::from_input(Some(
        s.trim_end_matches(['\n', '\r']).to_string(),
    )))
}

/// `pushdeck user …`: connects, migrates, runs the command through the user service.
async fn user_command(config: Config, cmd: UserCommand) -> Result<(), StartupError> {
    let store = crate::startup::open_store(&config).await?;
    let users = UserService::new(store.clone(), tpns::clock::SharedClock::system());
    let w = Words::new(cli_locale(|k| std::env::var(k).ok()));
    let result = cmd.run(&users, w).await;
    store.close().await;
    // A command's own output to the operator at the terminal, not a log line.
    println!("{}", result?);
    Ok(())
}

/// `pushdeck token …`: connects, migrates, runs the command through the token service.
async fn token_command(config: Config, cmd: TokenCommand) -> Result<(), StartupError> {
    let store = crate::startup::open_store(&config).await?;
    let tokens = TokenService::new(store.clone(), tpns::clock::SharedClock::system());
    let w = Words::new(cli_locale(|k| std::env::var(k).ok()));
    let result = cmd.run(&tokens, w, config.utc_offset_minutes()).await;
    store.close().await;
    println!("{}", result?);
    Ok(())
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
        Command::Sandbox(args) => run_sandbox(&config, args).await,
        Command::Migrate => crate::startup::migrate_only(config).await,
        Command::User(cmd) => user_command(config, cmd).await,
        Command::Token(cmd) => token_command(config, cmd).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

/// The address `pushdeck sandbox` uses when none is configured: a fixed port, so that a console
/// started separately can be pointed at it.
const STANDALONE_LISTEN: ([u8; 4], u16) = ([127, 0, 0, 1], 3100);

impl SandboxArgs {
    /// The `[sandbox]` settings with these options applied.
    pub fn apply(&self, mut s: sandbox::SandboxSettings) -> sandbox::SandboxSettings {
        s.listen = match self.listen {
            Some(addr) => addr,
            None if s.listen.port() == 0 => STANDALONE_LISTEN.into(),
            None => s.listen,
        };
        s.speedup = self.speedup.unwrap_or(s.speedup);
        s.seed = self.seed.or(s.seed);
        s.profile = self.profile.unwrap_or(s.profile);
        s.background_every_secs = self.background_every.unwrap_or(s.background_every_secs);
        s.history_days = self.history_days.unwrap_or(s.history_days);
        s.history_per_day = self.history_per_day.unwrap_or(s.history_per_day);
        s.stats_calls_per_hour = self.stats_calls_per_hour.unwrap_or(s.stats_calls_per_hour);
        s.pushes_per_second = self.pushes_per_second.unwrap_or(s.pushes_per_second);
        s.admin_api |= self.admin_api;
        s
    }
}

fn parse_profile(s: &str) -> Result<sandbox::Profile, String> {
    sandbox::Profile::from_slug(s).ok_or_else(|| {
        let all: Vec<&str> = sandbox::Profile::ALL.iter().map(|p| p.slug()).collect();
        format!("one of {}", all.join(", "))
    })
}

/// `pushdeck sandbox`: the sandbox alone, with the demo apps, until Ctrl-C or SIGTERM.
async fn run_sandbox(config: &Config, args: SandboxArgs) -> Result<(), StartupError> {
    if args.speedup.is_some_and(|s| !(s.is_finite() && s > 0.0)) {
        return Err(StartupError::Sandbox(
            "--speedup must be a positive number".into(),
        ));
    }
    if args
        .background_every
        .is_some_and(|s| !(s.is_finite() && s >= 0.0))
    {
        return Err(StartupError::Sandbox(
            "--background-every must be 0 or a positive number".into(),
        ));
    }
    // The configuration itself was checked when it was loaded.
    let settings = args.apply(config.sandbox.clone());
    sandbox::run(
        &settings,
        config.utc_offset_minutes(),
        crate::startup::shutdown_signal(),
    )
    .await
    .map_err(|e| StartupError::Sandbox(e.to_string()))
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    // One line on standard error, whatever the logging setup: this is what an operator reads
    // when the service will not start.
    let line = e.to_string().replace('\n', " ");
    eprintln!("error: {line}");
    ExitCode::FAILURE
}

#[cfg(test)]
mod locale_tests {
    use super::cli_locale;
    use domain::Locale;

    #[test]
    fn the_command_line_speaks_the_terminals_language() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(cli_locale(env(&[("LANG", "zh_CN.UTF-8")])), Locale::Zh);
        assert_eq!(cli_locale(env(&[("LANG", "C.UTF-8")])), Locale::En);
        assert_eq!(cli_locale(env(&[])), Locale::En);
        assert_eq!(
            cli_locale(env(&[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "en_US.UTF-8")])),
            Locale::En
        );
        assert_eq!(
            cli_locale(env(&[("LANG", "en_US.UTF-8"), ("PUSHDECK_LANG", "zh")])),
            Locale::Zh
        );
        assert_eq!(
            cli_locale(env(&[("LC_ALL", ""), ("LANG", "zh_TW")])),
            Locale::Zh
        );
    }
}
