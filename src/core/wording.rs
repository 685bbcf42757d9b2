//! The bot's wording as data (`prompts/nudge.toml`, `prompts/digest.toml`) and the one tiny
//! template filler every message uses: `{name}` is replaced by its value, nothing else.

use serde::Deserialize;

/// Everything a nudge says that is not a rule's own text.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NudgeWording {
    /// First line; `{score}`.
    pub header: String,
    /// Before the reactive findings.
    pub reactive_intro: String,
    /// One reactive finding; `{text}`, `{label}`, `{message}`, `{level}`.
    pub finding: String,
    /// A second finding of a category the nudge already explained; `{text}`, `{label}`.
    pub finding_again: String,
    /// The reactive findings past the explained ones; `{findings}` (each a `more_finding`,
    /// joined by "; ").
    pub more_findings: String,
    /// One of them; `{text}`, `{label}`.
    pub more_finding: String,
    /// The move for the next call; `{move}`.
    pub next_move: String,
    /// The peer signals; `{signals}`.
    pub peer_signals: String,
    /// One peer signal; `{label}`, `{text}`.
    pub peer_signal: String,
    /// When the note has peer signals and nothing reactive.
    pub all_peer: String,
    /// When the note has no findings at all.
    pub nothing_found: String,
    /// The move when nothing reactive was found.
    pub keep_going_move: String,
    /// The label of a "not reactive here" button; `{rule}`.
    pub dispute_button: String,
    /// The answer to a "not reactive here" press; `{rule}`.
    pub dispute_recorded: String,
    /// The answer when that press made the team's disputes demote the rule; `{rule}`,
    /// `{disputes}`, `{hits}`, `{level}` (what the rule is now).
    pub dispute_demoted: String,
    /// The answer to a note while nudges are snoozed; `{until}`.
    pub snoozed: String,
    /// The answer to `snooze 2d`; `{until}`.
    pub snooze_set: String,
    /// The answer to `snooze off`, or to `snooze` when nothing is snoozed.
    pub snooze_off: String,
    /// Said where a rep posted a note when their nudge cannot reach them privately (Discord:
    /// they accept no DMs from the server); `{rep}` is their user id. Never the note or nudge.
    pub dms_closed: String,
}

/// What the chat adapters say around the nudges (`prompts/chat.toml`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatWording {
    /// `{place}`.
    pub forget_ask: String,
    /// How to confirm where there is no button.
    pub forget_ask_typed: String,
    pub forget_button: String,
    /// `{notes}`, `{place}`.
    pub forget_done: String,
    pub not_yours: String,
    pub not_manager_discord: String,
    pub not_manager_slack: String,
    /// `{channel}`.
    pub setup_digest_channel: String,
    /// `{weekday}`, `{hour}`, `{tz}`.
    pub setup_schedule: String,
    pub setup_schedule_same_tz: String,
    /// `{role}`.
    pub setup_manager_role: String,
    /// `{channel}`.
    pub setup_notes_channel: String,
    pub setup_notes_no_intent: String,
    /// `{rule}`, `{level}`.
    pub setup_rule: String,
    /// `{rule}`.
    pub setup_rule_default: String,
    /// `{weekday}`, `{hour}`, `{tz}`, `{digest_channel}`, `{notes_channel}`, `{days}`.
    pub setup_saved: String,
    pub setup_not_set: String,
}

/// What a rep's trend says (`prompts/trend.toml`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrendWording {
    /// A rep with no notes; `{rep}`.
    pub none: String,
    /// `{rep}`.
    pub title: String,
    /// `{spark}`.
    pub spark: String,
    /// One week; `{week}`, `{notes}`, `{score}`, `{change}`, `{top}` (empty, or " · " and
    /// the category shares).
    pub week: String,
    /// `{category}`, `{share}` (notes in 10 showing it).
    pub category_share: String,
}

/// Everything a digest says.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DigestWording {
    /// `{team}`, `{week}`.
    pub title: String,
    /// `{notes}`, `{reps}`, `{score}`, `{change}`.
    pub totals: String,
    pub table_header: String,
    /// `{rep}`, `{notes}`, `{score}`, `{change}`, `{spark}`, `{category}`, `{tip}`.
    pub row: String,
    /// `{rep}`, `{change}`.
    pub most_improved: String,
    /// `{reps}`.
    pub silent: String,
    pub disputes_header: String,
    /// `{rule}`, `{disputes}`, `{hits}`, `{precision}`.
    pub dispute_row: String,
    /// A rule demoted after disputes; `{rule}`, `{from}`, `{to}`, `{date}`, `{disputes}`,
    /// `{hits}`, `{reps}`.
    pub demoted_row: String,
    pub no_notes: String,
    /// Coaching line per reactive category id; `default` when a category has none.
    pub tips: std::collections::BTreeMap<String, String>,
}

/// `n` and the noun that fits it: "1 note", "3 notes".
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Where a rep reads the bot: the commands a message names are spelt as typed there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Surface {
    /// Discord and Slack slash commands.
    Chat,
    /// The interactive console.
    Console,
    /// `callnudge …` commands.
    CommandLine,
}

impl Surface {
    /// How nudges are turned back on here.
    pub fn snooze_off(self) -> &'static str {
        match self {
            Surface::Chat => "/snooze off",
            Surface::Console => ":snooze off",
            Surface::CommandLine => "callnudge snooze … off",
        }
    }

    /// `text` (from the wording files) with its commands as typed here: `{snooze_off}`.
    pub fn spell(self, text: &str) -> String {
        fill(text, &[("snooze_off", self.snooze_off())])
    }
}

/// Replaces each `{key}` by its value, and each `{key|one|many}` by `one` when the value of
/// `key` is 1, else `many` (so wording files say "1 note", "2 notes"). Unknown placeholders
/// stay as written.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| {
            // `{name}`, or `{name|one|many}`: the word for the count `name` holds.
            let mut parts = after[..close].split('|');
            let name = parts.next()?;
            let value = values.iter().find(|(k, _)| *k == name)?.1;
            match (parts.next(), parts.next(), parts.next()) {
                (None, ..) => Some((close, value)),
                (Some(one), Some(many), None) => {
                    Some((close, if value.trim() == "1" { one } else { many }))
                }
                _ => None,
            }
        }) {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Cuts `text` to at most `max` chars at a word boundary (mid-word only when one word is
/// longer than that), ending with `…` when it had to cut.
pub fn clip_words(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let keep: String = text.chars().take(max.saturating_sub(1)).collect();
    let cut = match keep.rfind(char::is_whitespace) {
        Some(at) if at > 0 => keep[..at].trim_end_matches([',', ';', ':', '-', '—']),
        _ => keep.as_str(),
    };
    format!("{}…", cut.trim_end())
}

/// Cuts `text` to at most `max` chars, ending with `…` when it had to cut.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_known_keys_only() {
        assert_eq!(
            fill("{a} and {b} {c}", &[("a", "x"), ("b", "{a}")]),
            "x and {a} {c}"
        );
    }

    #[test]
    fn clip_counts_chars() {
        assert_eq!(clip("héllo", 5), "héllo");
        assert_eq!(clip("héllo!", 5), "héll…");
    }
}
