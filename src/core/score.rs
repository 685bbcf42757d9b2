//! The peer score: 0–100, higher is more peer-like.
//!
//! With `P` the summed weights of the peer findings and `R` those of the reactive ones:
//!
//! ```text
//! score = round(50 + 50 · (P − R) / (P + R + 4))
//! ```
//!
//! - A note with no findings scores 50, always (neutral, stable).
//! - Monotonic: ∂/∂R = −50·(2P + 4)/(P + R + 4)² < 0 and ∂/∂P = 50·(2R + 4)/(P + R + 4)² > 0, so a
//!   reactive finding never raises the score and a peer finding never lowers it (rounding keeps
//!   that, as it is monotonic too).
//! - Bounded: |P − R| < P + R + 4, so the value stays strictly between 0 and 100 before rounding.
//! - The constant 4 damps single findings: one reactive warning of weight 3 gives 29, not 0.

use super::analyze::Finding;
use super::category::Polarity;

/// The neutral score of a note with no findings.
pub const NEUTRAL: u8 = 50;

/// Damping constant of the formula.
const DAMPING: f64 = 4.0;

/// The peer score of a set of findings (see the module docs for the formula).
pub fn peer_score(findings: &[Finding]) -> u8 {
    let (mut peer, mut reactive) = (0.0_f64, 0.0_f64);
    for f in findings {
        match f.polarity {
            Polarity::Peer => peer += f64::from(f.weight),
            Polarity::Reactive => reactive += f64::from(f.weight),
        }
    }
    score_from_weights(peer, reactive)
}

/// The formula on summed weights.
pub fn score_from_weights(peer: f64, reactive: f64) -> u8 {
    let raw = 50.0 + 50.0 * (peer - reactive) / (peer + reactive + DAMPING);
    raw.round().clamp(0.0, 100.0) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutral_without_findings() {
        assert_eq!(peer_score(&[]), NEUTRAL);
        assert_eq!(score_from_weights(0.0, 0.0), 50);
    }

    #[test]
    fn documented_examples() {
        assert_eq!(score_from_weights(0.0, 3.0), 29);
        assert_eq!(score_from_weights(3.0, 0.0), 71);
        assert_eq!(score_from_weights(3.0, 3.0), 50);
        assert!(score_from_weights(0.0, 1000.0) <= 1);
        assert!(score_from_weights(1000.0, 0.0) >= 99);
    }
}
