//! The console adapter: every flow of the bot from a terminal, with no chat service.

pub mod analyze;
