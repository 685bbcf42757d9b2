//! callnudge: a chat bot that reads sales reps' call notes, flags reactive "run and fetch"
//! language, and privately nudges the rep toward acting as a peer.
//!
//! Layout (see ARCHITECTURE.md for the codemap and invariants):
//! - [`core`]: the pure functional core — analysis, score, nudges. No I/O, no clock, no async.
//! - [`prompts`]: loading the rules and wording (`prompts/`), embedded or from a directory.
//! - [`console`]: the command-line adapter.

pub mod console;
pub mod core;
pub mod digest_task;
pub mod prompts;
pub mod service;
pub mod store;
