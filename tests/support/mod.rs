//! Shared test support: the fake Discord and fake Slack servers.
#![allow(dead_code)]
pub mod fake_discord;
pub mod fake_slack;
