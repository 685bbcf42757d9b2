//! callnudge: a chat bot that reads sales reps' call notes, flags reactive "run and fetch"
//! language, and privately nudges the rep toward acting as a peer.
//!
//! Layout (see ARCHITECTURE.md for the codemap and invariants):
//! - [`core`]: the pure functional core — analysis, score, nudges, trends, digests, schedule.
//!   No I/O, no clock, no async.
//! - [`prompts`]: loading the rules and wording (`prompts/`), embedded or from a directory.
//! - [`store`]: the storage trait and its sled implementation.
//! - [`service`]: the use cases every adapter calls; [`digest_task`]: the digest step.
//! - [`chat`]: the flows every chat adapter shares (notes channel, dispute press, digest step).
//! - [`console`]: the command-line adapter; [`discord`]: serenity + poise; [`http`]: Slack and
//!   Mattermost over HTTP (axum); [`serve`]: runs the chat adapters together.
//! - [`control`]: admin commands reaching a running `serve` through its socket.
//! - [`clock`], [`metrics`], [`chart`], [`logging`], [`secret`]: small shared pieces.

#![forbid(unsafe_code)]

pub mod chart;
pub mod chat;
pub mod clock;
pub mod console;
pub mod control;
pub mod core;
pub mod digest_task;
pub mod discord;
pub mod http;
pub mod logging;
pub mod metrics;
pub mod prompts;
pub mod rule_cache;
pub mod secret;
pub mod serve;
pub mod service;
pub mod store;
