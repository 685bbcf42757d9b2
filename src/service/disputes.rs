//! A dispute ("not reactive here"): the finding must be the rep's own, the dispute is stored,
//! then the team's recent record for the rule decides whether it is turned down
//! ([`crate::core::demotion`]).

use super::*;

/// What a dispute did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DisputeOutcome {
    /// Stored; the rule is unchanged.
    Recorded,
    /// Stored, and with it the team's disputes turned the rule down.
    Demoted(Demotion),
}

impl Service {
    /// Records a rep's "not reactive here" dispute of a finding of `rule` on one of their own
    /// notes; then, if the team keeps disputing the rule, turns it down one level for the
    /// whole team (see [`demotion`]), unless a manager has set that rule.
    pub fn dispute(
        &self,
        team: &str,
        rep: &str,
        rule: &str,
        note: u64,
        now: DateTime<Utc>,
    ) -> Result<DisputeOutcome, ServiceError> {
        check_ids(team, Some(rep))?;
        let Some(spec) = self.prompts.rules.rule(rule) else {
            return Err(ServiceError::UnknownRule(rule.to_string()));
        };
        let notes = self.store.notes(team, Some(rep))?;
        let own = notes.iter().find(|n| n.id == note);
        if !own.is_some_and(|n| n.findings.iter().any(|f| f.rule == rule)) {
            return Err(ServiceError::NoSuchFinding {
                rule: rule.to_string(),
                note,
                yours: own.is_some(),
            });
        }
        self.store.add_dispute(team, rep, rule, note, now)?;
        let settings = self.settings(team)?;
        if settings.rule_overrides.contains_key(rule) {
            return Ok(DisputeOutcome::Recorded);
        }
        let last = settings.demoted.get(rule).copied();
        let level = match last.map(|d| d.to) {
            None => Some(spec.level),
            Some(RuleOverride::Level(l)) => Some(l),
            Some(RuleOverride::Off) => None,
        };
        let since = demotion::window_start(now, last.as_ref());
        let notes = self.store.notes_since(team, since)?;
        let disputes = self.store.rule_disputes(team, rule)?;
        let tally = demotion::tally(rule, since, &notes, &disputes);
        let (Some(from), Some(to)) = (level, demotion::decide(level, tally)) else {
            return Ok(DisputeOutcome::Recorded);
        };
        let d = Demotion {
            from,
            to,
            at: now,
            tally,
        };
        // Demote only from the state this was decided on: a manager who set the rule, or a
        // demotion by another dispute meanwhile, wins.
        let mut demoted = false;
        self.store.update_team(team, &mut |s| {
            demoted = !s.rule_overrides.contains_key(rule) && s.demoted.get(rule) == last.as_ref();
            if demoted {
                s.demoted.insert(rule.to_string(), d);
            }
            demoted
        })?;
        if !demoted {
            return Ok(DisputeOutcome::Recorded);
        }
        tracing::info!(rule, to = to.id(), "rule demoted after disputes");
        Ok(DisputeOutcome::Demoted(d))
    }

    /// What a rep is told after a dispute, from `prompts/nudge.toml`.
    pub fn dispute_answer(&self, rule: &str, outcome: &DisputeOutcome) -> String {
        let w = &self.prompts.nudge;
        match outcome {
            DisputeOutcome::Recorded => fill(&w.dispute_recorded, &[("rule", rule)]),
            DisputeOutcome::Demoted(d) => fill(
                &w.dispute_demoted,
                &[
                    ("rule", rule),
                    ("disputes", &d.tally.disputes.to_string()),
                    ("hits", &d.tally.hits.to_string()),
                    ("level", d.to.id()),
                ],
            ),
        }
    }
}
