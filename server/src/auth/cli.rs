//! `pushdeck user add | set-role | disable`.

use std::io::Read;

use app::domain::Action;

use super::password::{generate_password, hash_password};
use crate::cli::UserCommand;
use crate::startup::StartupError;
use crate::store::users::Role;
use crate::store::{Store, unix_now};

fn role(s: &str) -> Result<Role, StartupError> {
    Role::parse(s).ok_or_else(|| {
        StartupError::Other(format!("unknown role `{s}`: use viewer, operator or admin"))
    })
}

fn permissions(p: Option<Vec<String>>) -> Result<Vec<Action>, StartupError> {
    match p {
        None => Ok(Action::ALL.to_vec()),
        Some(list) => list
            .iter()
            .map(|s| {
                Action::from_slug(s.trim()).ok_or_else(|| {
                    StartupError::Other(format!(
                        "unknown permission `{s}`: use terminate, recall, override, cancel"
                    ))
                })
            })
            .collect(),
    }
}

/// Runs a user subcommand against the store.
pub async fn run(store: &Store, cmd: UserCommand) -> Result<(), StartupError> {
    match cmd {
        UserCommand::Add {
            username,
            role: r,
            permissions: p,
            generate_password: generate,
        } => {
            let role = role(&r)?;
            let perms = permissions(p)?;
            let (password, generated) = if generate {
                (generate_password(), true)
            } else {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s).map_err(|e| {
                    StartupError::Other(format!(
                        "cannot read the password from standard input: {e}"
                    ))
                })?;
                let s = s.trim_end_matches(['\n', '\r']).to_string();
                if s.is_empty() {
                    (generate_password(), true)
                } else if s.chars().count() < 12 {
                    return Err(StartupError::Other(
                        "the password must have at least 12 characters".into(),
                    ));
                } else {
                    (s, false)
                }
            };
            match store
                .add_user(
                    &username,
                    &hash_password(&password),
                    role,
                    &perms,
                    unix_now(),
                )
                .await?
            {
                None => Err(StartupError::Other(format!(
                    "a user named {username} already exists"
                ))),
                Some(u) => {
                    // A command's own output to the operator at the terminal, not a log line.
                    if generated {
                        println!(
                            "added {} ({}); password: {password}",
                            u.username,
                            u.role.as_str()
                        );
                    } else {
                        println!("added {} ({})", u.username, u.role.as_str());
                    }
                    Ok(())
                }
            }
        }
        UserCommand::SetRole {
            username,
            role: r,
            permissions: p,
        } => {
            let role = role(&r)?;
            if store
                .set_role(&username, role, &permissions(p)?, unix_now())
                .await?
            {
                println!("{username} is now {}", role.as_str());
                Ok(())
            } else {
                Err(StartupError::Other(format!("no user named {username}")))
            }
        }
        UserCommand::Disable { username } => {
            if store.disable_user(&username, unix_now()).await? {
                println!("{username} is disabled; their sessions have ended");
                Ok(())
            } else {
                Err(StartupError::Other(format!("no user named {username}")))
            }
        }
    }
}
