//! The long-lived services every request and worker shares, and the state axum hands the
//! handlers.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::actions::ActionService;
use crate::apps::AppRegistry;
use crate::auth::AuthService;
use crate::config::Config;
use crate::feed::ChangeFeed;
use crate::store::Store;
use crate::sync::Syncer;
use crate::tokens::TokenService;
use crate::users::UserService;
use tpns::TpnsClient;
use tpns::clock::SharedClock;

/// The long-lived services every request and worker shares.
pub struct Services {
    pub config: Config,
    pub store: Store,
    pub apps: AppRegistry,
    pub clock: SharedClock,
    pub tpns: TpnsClient,
    pub feed: ChangeFeed,
    pub sync: Arc<Syncer>,
    pub actions: ActionService,
    pub auth: Arc<AuthService>,
    pub users: UserService,
    pub tokens: TokenService,
    pub metrics: Arc<crate::metrics::Metrics>,
    /// This process's id in leases and intents.
    pub instance: String,
}

/// Axum state: the services and the Leptos options.
#[derive(Clone)]
pub struct AppState {
    pub services: Arc<Services>,
    pub leptos: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}
