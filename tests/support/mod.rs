//! Shared test support: the fake Discord and fake Slack servers, a store that fails on demand.
#![allow(dead_code)]
pub mod failing_store;
pub mod fake_discord;
pub mod fake_slack;
