//! The pure core: no async, no I/O, no clock reads. Time and data come in as arguments; every
//! function here returns data (errors included) and cannot fail once its inputs are valid.

pub mod analyze;
pub mod category;
pub mod nudge;
pub mod rules;
pub mod score;
pub mod text;
pub mod wording;

pub use analyze::{analyze, Finding, Report};
pub use category::{Category, Level, Polarity};
pub use nudge::{nudge, Nudge};
pub use rules::{RuleError, RuleOverride, RuleSet};
pub use wording::{DigestWording, NudgeWording};
