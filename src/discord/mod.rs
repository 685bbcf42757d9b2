//! The Discord adapter (serenity + poise): slash commands, buttons, the notes channel and the
//! weekly digest task. It only translates Discord's input into [`Service`] calls and renders
//! what they return; `Data`, `Context` and `Error` are defined here, once.
//!
//! - [`config`]: the token, proxy, guild and intent settings, validated from the environment.
//! - [`commands`]: `/note`, `/trend`, `/digest`, `/setup …`, `/forget-me`, `/rules`.
//! - [`events`]: button presses and messages in a team's notes channel.
//! - [`deliver`]: retries of what must arrive (DMs, digests) and refusals told apart.
//! - [`digest`]: the background task posting due digests to each team's channel.

pub mod commands;
pub mod config;
pub mod deliver;
pub mod digest;
pub mod events;
pub mod shards;

use shards::Shards;

pub use config::DiscordConfig;

use crate::clock::Clock;
use crate::metrics::Metrics;
use crate::service::{Service, ServiceError};
use poise::serenity_prelude as serenity;
use std::future::Future;
use std::sync::Arc;

/// What every command and event handler can reach.
pub struct Data {
    pub service: Arc<Service>,
    pub clock: Arc<dyn Clock>,
    pub metrics: Arc<Metrics>,
    /// Whether the privileged message-content intent is requested (needed for notes channels).
    pub message_content: bool,
}

/// What can fail in the Discord adapter: a use case, Discord itself, or a request the bot
/// cannot serve (said to the user as it is).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("Discord refused or failed: {0}")]
    Discord(Box<serenity::Error>),
    #[error("callnudge works inside a server; use it in your team's server")]
    NotInServer,
    #[error("the team's digest channel is not a Discord channel id")]
    NotAChannel,
    #[error("a background task of the bot failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}
pub type Context<'a> = poise::Context<'a, Data, Error>;
pub type ApplicationContext<'a> = poise::ApplicationContext<'a, Data, Error>;

impl From<serenity::Error> for Error {
    fn from(e: serenity::Error) -> Self {
        Error::Discord(Box::new(e))
    }
}

/// The team a guild is: one team per Discord server.
pub fn team_id(guild: serenity::GuildId) -> String {
    format!("discord-{guild}")
}

/// Whether a team id belongs to this adapter.
pub fn is_discord_team(team: &str) -> bool {
    team.starts_with("discord-")
}

/// Runs a service call on a blocking thread (the store flushes to disk before answering).
pub async fn blocking<T, F>(service: &Arc<Service>, f: F) -> Result<T, Error>
where
    T: Send + 'static,
    F: FnOnce(&Service) -> Result<T, ServiceError> + Send + 'static,
{
    let service = service.clone();
    Ok(tokio::task::spawn_blocking(move || f(&service)).await??)
}

/// Connects this process's shards (every guild without `CALLNUDGE_DISCORD_SHARDS`) and runs
/// them until the gateway fails.
async fn start(client: &mut serenity::Client, shards: Option<Shards>) -> serenity::Result<()> {
    match shards {
        Some(s) => {
            tracing::info!(shards = %s, "starting this process's Discord shards");
            // serenity reads the range's end as the last shard, inclusive.
            client.start_shard_range(s.first..s.last, s.total).await
        }
        None => client.start().await,
    }
}

/// Runs the bot until `shutdown` resolves or the gateway fails; then stops the shards.
pub async fn run(
    config: DiscordConfig,
    service: Arc<Service>,
    clock: Arc<dyn Clock>,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), Error> {
    let mut http = serenity::HttpBuilder::new(config.token.expose());
    if let Some(proxy) = &config.proxy {
        http = http.proxy(proxy.as_str()).ratelimiter_disabled(true);
    }
    let http = http.build();
    let mut intents = serenity::GatewayIntents::GUILDS
        | serenity::GatewayIntents::GUILD_MESSAGES
        | serenity::GatewayIntents::DIRECT_MESSAGES;
    if config.message_content {
        intents |= serenity::GatewayIntents::MESSAGE_CONTENT;
    } else {
        tracing::warn!(
            "the message-content intent is off: notes channels are not read \
             (set CALLNUDGE_DISCORD_MESSAGE_CONTENT=1 after enabling it in the developer portal)"
        );
    }
    let guild = config.guild;
    let data = Data {
        service: service.clone(),
        clock: clock.clone(),
        metrics: metrics.clone(),
        message_content: config.message_content,
    };
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands::all(),
            on_error: |e| Box::pin(commands::on_error(e)),
            event_handler: |ctx, event, framework, data| {
                Box::pin(events::handle(ctx, event, framework, data))
            },
            ..Default::default()
        })
        .setup(move |ctx, ready, framework| {
            Box::pin(async move {
                let commands = &framework.options().commands;
                match guild {
                    Some(g) => {
                        poise::builtins::register_in_guild(ctx, commands, serenity::GuildId::new(g))
                            .await?
                    }
                    None => poise::builtins::register_globally(ctx, commands).await?,
                }
                tracing::info!(bot = %ready.user.id, guilds = ready.guilds.len(), "discord ready");
                Ok(data)
            })
        })
        .build();
    let mut client = serenity::ClientBuilder::new_with_http(http, intents)
        .framework(framework)
        .await?;
    let (stop_digests, digests_stop) = tokio::sync::watch::channel(false);
    let mut digests = tokio::spawn(digest::run_loop(
        client.http.clone(),
        service.clone(),
        clock,
        metrics,
        config.digest_every,
        config.shards,
        digests_stop,
    ));
    let shards = client.shard_manager.clone();
    let result = tokio::select! {
        r = start(&mut client, config.shards) => r.map_err(Error::from),
        () = shutdown => {
            tracing::info!("shutting down the Discord gateway");
            shards.shutdown_all().await;
            Ok(())
        }
    };
    // A digest being sent is finished (within the drain time), not cut off.
    let _ = stop_digests.send(true);
    if tokio::time::timeout(crate::http::DRAIN_WITHIN, &mut digests)
        .await
        .is_err()
    {
        tracing::warn!("the digest step did not finish within the shutdown deadline");
        digests.abort();
    }
    blocking(&service, |s| s.flush()).await?;
    result
}
