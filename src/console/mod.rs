//! The console adapter: every flow of the bot from a terminal, with no chat service.

pub mod admin;
pub mod analyze;
pub mod calibrate;
pub mod demo;
pub mod rules;
pub mod session;
pub mod team;
pub mod terminal;
pub mod transfer;
