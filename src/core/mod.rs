//! The pure core: no async, no I/O, no clock reads. Time and data come in as arguments; every
//! function here returns data (errors included) and cannot fail once its inputs are valid.

pub mod analyze;
pub mod category;
pub mod demotion;
pub mod digest;
pub mod explain;
pub mod fixtures;
pub mod inflect;
mod lists;
mod matcher;
pub mod nudge;
mod packed;
pub mod phrase;
mod program;
pub mod record;
pub mod rules;
pub mod schedule;
pub mod score;
pub mod settings;
pub mod snooze;
pub mod text;
pub mod token;
pub mod trend;
mod voice;
pub mod week;
pub mod wording;

pub use analyze::{analyze, Finding, Report};
pub use category::{Category, Level, Polarity};
pub use nudge::{nudge, Nudge};
pub use record::{Dispute, NoteRecord, Schedule, TeamSettings};
pub use rules::{RuleError, RuleOverride, RuleSet};
pub use week::Week;
pub use wording::{DigestWording, NudgeWording};
