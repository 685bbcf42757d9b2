//! The public contract of the analysis: the sixteen category ids, their polarity, and rule levels.
//!
//! These ids appear in JSON output, exports and digests; renaming one is a breaking change.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Whether a finding reads like an order-taker (reactive) or like a peer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Polarity {
    Reactive,
    Peer,
}

impl Polarity {
    pub fn id(self) -> &'static str {
        match self {
            Polarity::Reactive => "reactive",
            Polarity::Peer => "peer",
        }
    }
}

impl fmt::Display for Polarity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// How loudly a rule speaks. Ordered: `Suggestion < Warning`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Suggestion,
    Warning,
}

impl Level {
    pub fn id(self) -> &'static str {
        match self {
            Level::Suggestion => "suggestion",
            Level::Warning => "warning",
        }
    }

    pub fn from_id(id: &str) -> Option<Level> {
        match id {
            "suggestion" => Some(Level::Suggestion),
            "warning" => Some(Level::Warning),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

macro_rules! categories {
    ($($variant:ident => $id:literal, $polarity:ident;)*) => {
        /// One of the sixteen categories of the design. The id (kebab-case) is the public name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Category {
            $(#[serde(rename = $id)] $variant,)*
        }

        impl Category {
            /// Every category, reactive ones first, in the design's order.
            pub const ALL: [Category; 16] = [$(Category::$variant,)*];

            /// The public id, e.g. `order-taking`.
            pub fn id(self) -> &'static str {
                match self { $(Category::$variant => $id,)* }
            }

            /// The polarity fixed by the contract.
            pub fn polarity(self) -> Polarity {
                match self { $(Category::$variant => Polarity::$polarity,)* }
            }

            /// The category with this public id.
            pub fn from_id(id: &str) -> Option<Category> {
                match id { $($id => Some(Category::$variant),)* _ => None }
            }
        }
    };
}

categories! {
    OrderTaking => "order-taking", Reactive;
    OneSidedFollowUp => "one-sided-follow-up", Reactive;
    UnearnedConcession => "unearned-concession", Reactive;
    PeoplePleasing => "people-pleasing", Reactive;
    Chasing => "chasing", Reactive;
    FeaturePitch => "feature-pitch", Reactive;
    GatekeeperOnly => "gatekeeper-only", Reactive;
    HappyEars => "happy-ears", Reactive;
    ClientCommitment => "client-commitment", Peer;
    BusinessOutcome => "business-outcome", Peer;
    Insight => "insight", Peer;
    LeaderAccess => "leader-access", Peer;
    CustomerContext => "customer-context", Peer;
    MutualPlan => "mutual-plan", Peer;
    TradedConcession => "traded-concession", Peer;
    DecisionProcess => "decision-process", Peer;
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_from_id_and_serde() {
        for c in Category::ALL {
            assert_eq!(Category::from_id(c.id()), Some(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.id()));
        }
        assert_eq!(Category::from_id("Order-Taking"), None);
    }

    #[test]
    fn eight_of_each_polarity() {
        let reactive = Category::ALL
            .iter()
            .filter(|c| c.polarity() == Polarity::Reactive)
            .count();
        assert_eq!(reactive, 8);
    }
}
