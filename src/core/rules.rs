//! Rule specifications (data read from `prompts/rules/`) and their compilation into a [`RuleSet`].
//!
//! Compilation validates everything a rules file can get wrong (unknown class, broken phrase,
//! duplicate id, polarity that contradicts the category) and reports it with the file and line
//! the spec came from. A compiled `RuleSet` cannot make [`crate::core::analyze`] fail: every
//! rule is written in phrases ([`super::phrase`]), each compiled to a program over the note's
//! tokens ([`super::program`]) that the matcher runs where the note's words allow a match
//! ([`super::matcher`]), linear in the note's length.

use super::category::{Category, Level};
use super::matcher::Matcher;
use super::packed::Packed;
use super::phrase::{self, PhraseCompiler, PhraseLexicon};
use super::program::Program;
use regex_syntax::hir::Hir;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

/// Where a piece of a rules file came from, for error messages.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Origin {
    pub file: String,
    pub line: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A text with the place it was written.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Located<T> {
    pub value: T,
    pub origin: Origin,
}

/// Whose action a rule is about, read from the `{owner}` part of a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Owner {
    /// The rep (or the rep's company): "I'll send", "we will follow up", or no subject at all.
    Rep,
    /// The client: "they will send", "Dana will pull the numbers".
    Client,
}

/// The shared vocabulary of the rule files (`prompts/rules/lexicon.toml`).
#[derive(Clone, Debug, Default)]
pub struct LexiconSpec {
    /// Subjects that mean the rep: "i", "we", "our team"…
    pub rep_subjects: Vec<String>,
    /// Client-side subjects that are not names: "they", "she", "the client"…
    pub client_subjects: Vec<String>,
    /// Words before a subject noun ("the", "their"): the noun after them decides.
    pub determiners: Vec<String>,
    /// Words joining a second step to the first ("and"): the first step's subject decides.
    pub coordinators: Vec<String>,
    /// Words that are not a subject at all ("then", "also"): the step is the rep's own to-do.
    pub non_subjects: Vec<String>,
    /// Words that stand where a subject would but name no person ("it", "this"): a step with
    /// one of them is nobody's, neither the rep's nor the client's ("It will take two weeks").
    pub nobody: Vec<String>,
    /// Words that negate what follows them in the same clause ("not", "no", "didn't").
    pub negators: Vec<String>,
    /// Words that make "no" an idiom of its own, negating nothing after it ("no charge",
    /// "no problem": "at no charge provided they sign" is a condition, not a negated one).
    pub no_idioms: Vec<String>,
    /// Words before a quote that make it the rep's own ("my reply:", "email to Dana:"): inside
    /// it the first person is the rep and "you" the client, not the other way round.
    pub rep_quote_markers: Vec<String>,
    /// Word classes and spellings for phrases.
    pub phrases: PhraseLexicon,
}

/// One rule as written in a rules file.
#[derive(Clone, Debug)]
pub struct RuleSpec {
    pub id: String,
    pub origin: Origin,
    pub level: Level,
    pub weight: u8,
    /// Word patterns over the note's tokens.
    pub phrases: Vec<Located<String>>,
    /// Phrases that drop a match when found in its sentence.
    pub except: Vec<Located<String>>,
    /// Phrases that drop a match when found anywhere in the note: what the rep did about it
    /// in another sentence ("She asked for a quote. Before pricing it I asked what it's for").
    pub except_in_note: Vec<Located<String>>,
    /// When set, a match counts only if the `{owner}` of the pattern is this party.
    pub owner: Option<Owner>,
    /// Conditional rule: it fires only when none of these categories is found in the note.
    pub unless: Vec<Located<String>>,
    /// Conditional rule: it fires only when all of these categories are found in the note
    /// ("we send the proposal by the 15th" is a mutual plan when the client owns a step too).
    pub with: Vec<Located<String>>,
    /// Whether a negation before the match suppresses it (default true).
    pub negatable: bool,
    /// Why it matters; defaults to the category's explanation.
    pub message: Option<String>,
    /// The move for the next call; defaults to the category's first move.
    pub suggestion: Option<String>,
}

/// One rules file: a category, its wording and its rules.
#[derive(Clone, Debug)]
pub struct CategorySpec {
    pub origin: Origin,
    pub category: Located<String>,
    pub polarity: Located<String>,
    pub label: String,
    pub explanation: String,
    pub moves: Vec<String>,
    pub rules: Vec<RuleSpec>,
}

/// What is wrong with a rules file, and where.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{origin}: {reason}")]
pub struct RuleError {
    pub origin: Origin,
    pub reason: String,
}

impl RuleError {
    pub fn new(origin: &Origin, reason: impl Into<String>) -> RuleError {
        RuleError {
            origin: origin.clone(),
            reason: reason.into(),
        }
    }
}

/// A compiled rule.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Rule {
    pub id: Arc<str>,
    pub category: Category,
    pub level: Level,
    pub weight: u8,
    pub owner: Option<Owner>,
    pub unless: Vec<Category>,
    pub with: Vec<Category>,
    pub negatable: bool,
    pub enabled: bool,
    pub message: Arc<str>,
    pub suggestion: Arc<str>,
}

/// The wording of one category.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct CategoryInfo {
    pub category: Category,
    pub label: String,
    pub explanation: String,
    pub moves: Vec<String>,
}

/// How a team changes a rule: switch it off, or give it another level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleOverride {
    Off,
    Level(Level),
}

impl RuleOverride {
    /// `off`, `suggestion` or `warning`, as a manager types it.
    pub fn id(self) -> &'static str {
        match self {
            RuleOverride::Off => "off",
            RuleOverride::Level(l) => l.id(),
        }
    }
}

/// Every rule, compiled, ready for [`crate::core::analyze`].
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct RuleSet {
    /// The only part a team's overrides change; everything else is shared between copies.
    pub(crate) rules: Vec<Rule>,
    pub(crate) by_id: Arc<HashMap<Arc<str>, usize>>,
    pub(crate) categories: Arc<BTreeMap<Category, CategoryInfo>>,
    pub(crate) words: Arc<Vocabulary>,
    /// The rules' phrases, compiled. Behind an `Arc` because a team's copy with overrides
    /// shares them (only `rules` differs); `None` only for rules with no phrase at all.
    pub(crate) phrases: Option<Arc<PhraseSet>>,
}

/// Every phrase of the rules, compiled (see [`super::phrase`]): a program per phrase, built
/// with the rules, so a broken or oversized phrase is reported as `file:line` when they load.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct PhraseSet {
    pub encoder: phrase::Encoder,
    /// All phrase patterns, over the encoded note.
    pub matcher: Matcher,
    pub patterns: Vec<PhrasePattern>,
    /// Per rule: its `except` phrases, by their number in the matcher.
    exceptions: Vec<Vec<u32>>,
    /// Per rule: its `except_in_note` phrases, by their number in the matcher.
    note_exceptions: Vec<Vec<u32>>,
    /// Every `except` and `except_in_note` phrase as written and where, in matcher order after
    /// the patterns (for `callnudge rules explain`; decoded only when explained).
    excepts_written: Packed<Vec<Located<String>>>,
    /// Per exception, in matcher order after the patterns: whether it opens on the first
    /// person only ("(our | my) …2 price", "(we | i) offered"), words that mean the client in
    /// the client's own pasted or quoted words.
    excepts_first_person: Vec<bool>,
    /// Each class and the single words in it, both sorted (for `callnudge rules explain`):
    /// vectors, not trees, so that the compiled-rules cache loads them without rebuilding one,
    /// and decoded only when explained.
    pub class_forms: Packed<Vec<(String, Vec<String>)>>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct PhrasePattern {
    pub rule: usize,
    /// The phrase as written, and where.
    pub written: Located<String>,
}

impl PhraseSet {
    /// Rule `rule`'s exceptions (phrase numbers in the matcher).
    pub fn exceptions(&self, rule: usize) -> &[u32] {
        self.exceptions.get(rule).map_or(&[], Vec::as_slice)
    }

    /// Rule `rule`'s `except_in_note` phrases (phrase numbers in the matcher).
    pub fn note_exceptions(&self, rule: usize) -> &[u32] {
        self.note_exceptions.get(rule).map_or(&[], Vec::as_slice)
    }

    /// Whether the exception numbered `phrase` in the matcher opens on the first person only:
    /// such an exception speaks of the rep's side only where the rep speaks.
    pub fn exception_in_first_person(&self, phrase: u32) -> bool {
        (phrase as usize)
            .checked_sub(self.patterns.len())
            .and_then(|at| self.excepts_first_person.get(at))
            .copied()
            .unwrap_or(false)
    }

    /// The exception numbered `phrase` in the matcher, as written and where.
    pub fn exception_written(&self, phrase: u32) -> Option<&Located<String>> {
        let at = (phrase as usize).checked_sub(self.patterns.len())?;
        self.excepts_written.get().get(at)
    }
}

/// Whether a phrase as written opens on the first person only: its first slot a word such as
/// "our" or "we", or a group of nothing else ("(our | my)", "(i | we | i 'm)").
fn opens_in_first_person(phrase: &str) -> bool {
    #[rustfmt::skip]
    const FIRST_PERSON: [&str; 9] = ["i", "we", "our", "my", "us", "me", "myself", "ours", "ourselves"];
    let phrase = phrase.trim_start();
    let first_slot = match phrase.strip_prefix('(') {
        Some(group) => {
            let mut depth = 0;
            let end = group
                .char_indices()
                .find(|&(_, c)| {
                    depth += i32::from(c == '(') - i32::from(c == ')');
                    depth < 0
                })
                .map_or(group.len(), |(i, _)| i);
            // An optional group ("(our | my)? price") may open on what follows it.
            if group[end..]
                .get(1..)
                .is_some_and(|rest| rest.starts_with('?'))
            {
                return false;
            }
            &group[..end]
        }
        None => phrase.split_whitespace().next().unwrap_or(""),
    };
    let mut alternatives = first_slot.split('|').map(|a| {
        a.split_whitespace()
            .next()
            .unwrap_or("")
            .trim_matches(['"', '\''])
            .to_lowercase()
    });
    !first_slot.contains('(') && alternatives.all(|a| FIRST_PERSON.contains(&a.as_str()))
}

/// Compiles one phrase's expression, or says at `origin` why it cannot be.
fn program(source: &Hir, origin: &Origin) -> Result<Program, RuleError> {
    Program::compile(source, phrase::symbol_of)
        .map_err(|e| RuleError::new(origin, format!("phrase does not compile: {e}")))
}

/// The lexicon's word lists, lower-cased, as the engine looks them up (a word or two of every
/// match: a fast hash, as the encoder's).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct Vocabulary {
    pub rep_subjects: Words,
    pub client_subjects: Words,
    pub determiners: Words,
    pub coordinators: Words,
    pub non_subjects: Words,
    pub nobody: Words,
    pub negators: Words,
    pub no_idioms: Words,
    /// First names, read as the client in any case (as `{name}` reads them): the lexicon's
    /// `names.toml`, less the words a phrase or class uses in any form, or a spelling maps.
    pub first_names: Words,
    /// Lower-case, as written (a marker may be several words).
    pub rep_quote_markers: Vec<String>,
}

/// The lexicon's client subjects, lower case, with what else names them: a noun's plural
/// ("their engineers will send", "her technicians count") and the shorthand the spelling table
/// reads as one ("proc to send the PO", "asst will book it").
fn client_subjects(lexicon: &LexiconSpec) -> Words {
    // Nouns only ("heads", "leads", "finances" are other words); but "hes" and "shes" are how
    // a text writes he's and she's ("hes gonna loop in the plant manager").
    const NO_PLURAL: [&str; 14] = [
        "they", "them", "both", "each", "everyone", "head", "lead", "super", "ops", "folks",
        "people", "staff", "crew", "finance",
    ];
    let with_plural = |w: String| {
        let many = (w.chars().all(char::is_alphabetic) && !NO_PLURAL.contains(&w.as_str()))
            .then(|| super::inflect::plural(&w));
        std::iter::once(w).chain(many)
    };
    let mut words: Words = lexicon
        .client_subjects
        .iter()
        .map(|w| w.to_lowercase())
        .flat_map(with_plural)
        .collect();
    let shorthand: Vec<String> = lexicon
        .phrases
        .spellings
        .iter()
        .filter(|(_, form)| words.contains(form.to_lowercase().as_str()))
        .map(|(variant, _)| variant.to_lowercase())
        .flat_map(with_plural)
        .collect();
    words.extend(shorthand);
    words
}

/// A set of lower-case words.
pub(crate) type Words = rustc_hash::FxHashSet<String>;

impl RuleSet {
    /// Compiles a lexicon and the rule files. Every category of the contract needs a file.
    pub fn compile(lexicon: &LexiconSpec, files: &[CategorySpec]) -> Result<RuleSet, RuleError> {
        let mut categories = BTreeMap::new();
        let mut rules = Vec::new();
        let mut seen_ids: HashMap<String, Origin> = HashMap::new();
        let mut phrases = PhraseCompiler::new(&lexicon.phrases);
        // (rule, phrase, as written and where) for patterns and for exceptions (and whether an
        // exception reads the whole note).
        let mut phrase_rules: Vec<(usize, usize, Located<String>)> = Vec::new();
        let mut phrase_excepts: Vec<Except> = Vec::new();

        for file in files {
            let category = Category::from_id(&file.category.value).ok_or_else(|| {
                RuleError::new(
                    &file.category.origin,
                    format!(
                        "unknown category `{}`; the categories are: {}",
                        file.category.value,
                        Category::ALL.map(Category::id).join(", ")
                    ),
                )
            })?;
            if file.polarity.value != category.polarity().id() {
                return Err(RuleError::new(
                    &file.polarity.origin,
                    format!(
                        "category `{}` is {}, not `{}`",
                        category,
                        category.polarity(),
                        file.polarity.value
                    ),
                ));
            }
            if categories.contains_key(&category) {
                return Err(RuleError::new(
                    &file.category.origin,
                    format!("category `{category}` is defined by two files"),
                ));
            }
            if file.moves.is_empty() {
                return Err(RuleError::new(
                    &file.origin,
                    "`moves` needs at least one move for the next call",
                ));
            }
            categories.insert(
                category,
                CategoryInfo {
                    category,
                    label: file.label.clone(),
                    explanation: file.explanation.clone(),
                    moves: file.moves.clone(),
                },
            );
            for spec in &file.rules {
                if let Some(first) = seen_ids.get(&spec.id) {
                    return Err(RuleError::new(
                        &spec.origin,
                        format!("duplicate rule id `{}` (first defined at {first})", spec.id),
                    ));
                }
                seen_ids.insert(spec.id.clone(), spec.origin.clone());
                let rule_index = rules.len();
                rules.push(compile_rule(category, file, spec)?);
                for p in &spec.phrases {
                    phrase_rules.push((rule_index, phrases.add(p)?, p.clone()));
                }
                for (e, in_note) in spec
                    .except
                    .iter()
                    .map(|e| (e, false))
                    .chain(spec.except_in_note.iter().map(|e| (e, true)))
                {
                    phrase_excepts.push(Except {
                        rule: rule_index,
                        phrase: phrases.add(e)?,
                        written: e.clone(),
                        in_note,
                    });
                }
            }
        }
        if let Some(missing) = Category::ALL.iter().find(|c| !categories.contains_key(c)) {
            let origin = files.first().map(|f| f.origin.clone()).unwrap_or(Origin {
                file: "rules".into(),
                line: 0,
            });
            return Err(RuleError::new(
                &origin,
                format!(
                    "no rules file for category `{missing}`: the folder needs a `{missing}.toml` \
                     (copy it from prompts/rules)"
                ),
            ));
        }
        let (phrases, first_names) = if phrase_rules.is_empty() {
            (None, Words::default())
        } else {
            let (set, names) = build_phrases(phrases, &phrase_rules, &phrase_excepts, &rules)?;
            (Some(Arc::new(set)), names.into_iter().collect())
        };
        let lower = |words: &[String]| words.iter().map(|w| w.to_lowercase()).collect();
        let by_id = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        Ok(RuleSet {
            by_id: Arc::new(by_id),
            rules,
            categories: Arc::new(categories),
            words: Arc::new(Vocabulary {
                rep_subjects: lower(&lexicon.rep_subjects),
                client_subjects: client_subjects(lexicon),
                determiners: lower(&lexicon.determiners),
                coordinators: lower(&lexicon.coordinators),
                non_subjects: lower(&lexicon.non_subjects),
                nobody: lower(&lexicon.nobody),
                negators: lower(&lexicon.negators),
                no_idioms: lower(&lexicon.no_idioms),
                first_names,
                rep_quote_markers: lexicon
                    .rep_quote_markers
                    .iter()
                    .map(|m| m.to_lowercase())
                    .collect(),
            }),
            phrases,
        })
    }

    /// The rules, in file order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.by_id.get(id).map(|&i| &self.rules[i])
    }

    /// The wording of a category.
    pub fn category(&self, category: Category) -> &CategoryInfo {
        // `compile` guarantees every category has a file.
        &self.categories[&category]
    }

    /// The same rules with a team's overrides applied. Unknown rule ids are ignored.
    pub fn with_overrides<'a>(
        &self,
        overrides: impl IntoIterator<Item = (&'a str, RuleOverride)>,
    ) -> RuleSet {
        let mut out = self.clone();
        for (id, change) in overrides {
            if let Some(rule) = out.by_id.get(id).map(|&i| &mut out.rules[i]) {
                match change {
                    RuleOverride::Off => rule.enabled = false,
                    RuleOverride::Level(level) => {
                        rule.enabled = true;
                        rule.level = level;
                    }
                }
            }
        }
        out
    }
}

fn compile_rule(
    category: Category,
    file: &CategorySpec,
    spec: &RuleSpec,
) -> Result<Rule, RuleError> {
    if spec.id.is_empty()
        || !spec
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(RuleError::new(
            &spec.origin,
            format!(
                "rule id `{}` must be lower-case letters, digits and dashes",
                spec.id
            ),
        ));
    }
    if !(1..=5).contains(&spec.weight) {
        return Err(RuleError::new(
            &spec.origin,
            format!("rule `{}`: weight must be 1 to 5", spec.id),
        ));
    }
    if spec.phrases.is_empty() {
        return Err(RuleError::new(
            &spec.origin,
            format!("rule `{}` has no phrases", spec.id),
        ));
    }
    let categories = |names: &[Located<String>], key: &str| {
        names
            .iter()
            .map(|name| {
                Category::from_id(&name.value).ok_or_else(|| {
                    RuleError::new(
                        &name.origin,
                        format!("unknown category `{}` in `{key}`", name.value),
                    )
                })
            })
            .collect::<Result<Vec<Category>, RuleError>>()
    };
    let unless = categories(&spec.unless, "unless")?;
    let with = categories(&spec.with, "with")?;
    Ok(Rule {
        id: spec.id.as_str().into(),
        category,
        level: spec.level,
        weight: spec.weight,
        owner: spec.owner,
        unless,
        with,
        negatable: spec.negatable,
        enabled: true,
        message: spec.message.as_deref().unwrap_or(&file.explanation).into(),
        suggestion: spec.suggestion.as_deref().unwrap_or(&file.moves[0]).into(),
    })
}

/// One exception of a rule: its phrase's number in the compiler, as written, and whether it
/// reads the whole note (`except_in_note`) or the match's sentence (`except`).
struct Except {
    rule: usize,
    phrase: usize,
    written: Located<String>,
    in_note: bool,
}

/// Compiles the collected phrases: one automaton for the patterns, a regex per pattern, and
/// each rule's exceptions; and the first names read as names.
fn build_phrases(
    compiler: PhraseCompiler<'_>,
    phrase_rules: &[(usize, usize, Located<String>)],
    phrase_excepts: &[Except],
    rules: &[Rule],
) -> Result<(PhraseSet, BTreeSet<String>), RuleError> {
    let mut compiled = compiler.finish()?;
    let has_who_of = std::mem::take(&mut compiled.has_who);
    // Each compiled phrase is used once (as a pattern or in an exception): moved, not cloned.
    let mut take = |i: usize| std::mem::replace(&mut compiled.sources[i], Hir::empty());
    let mut sources = Vec::with_capacity(phrase_rules.len());
    let mut patterns = Vec::with_capacity(phrase_rules.len());
    for (rule, index, written) in phrase_rules {
        let has_who = has_who_of[*index];
        if rules[*rule].owner == Some(Owner::Client) && !has_who {
            return Err(RuleError::new(
                &written.origin,
                "the rule has `owner = \"client\"` but this phrase has no `{who}` (without one, a step is the rep's)",
            ));
        }
        patterns.push(PhrasePattern {
            rule: *rule,
            written: written.clone(),
        });
        sources.push(take(*index));
    }
    // Exceptions follow the patterns in the matcher, one phrase each, not indexed: a rule's
    // are run only around its matches.
    let indexed = sources.len();
    let mut exceptions: Vec<Vec<u32>> = vec![Vec::new(); rules.len()];
    let mut note_exceptions: Vec<Vec<u32>> = vec![Vec::new(); rules.len()];
    let mut origins: Vec<&Origin> = patterns.iter().map(|p| &p.written.origin).collect();
    for e in phrase_excepts {
        let of_rule = if e.in_note {
            &mut note_exceptions[e.rule]
        } else {
            &mut exceptions[e.rule]
        };
        of_rule.push(sources.len() as u32);
        sources.push(take(e.phrase));
        origins.push(&e.written.origin);
    }
    let programs = sources
        .iter()
        .zip(origins)
        .map(|(source, origin)| program(source, origin))
        .collect::<Result<Vec<_>, _>>()?;
    let matcher = Matcher::new(&sources, programs, indexed, &compiled.weights);
    let set = PhraseSet {
        class_forms: Packed::new(
            compiled
                .class_forms
                .into_iter()
                .map(|(class, words)| (class, words.into_iter().collect()))
                .collect(),
        ),
        encoder: compiled.encoder,
        matcher,
        patterns,
        exceptions,
        note_exceptions,
        excepts_written: Packed::new(phrase_excepts.iter().map(|e| e.written.clone()).collect()),
        excepts_first_person: phrase_excepts
            .iter()
            .map(|e| opens_in_first_person(&e.written.value))
            .collect(),
    };
    Ok((set, compiled.first_names))
}

#[cfg(test)]
mod tests {
    use super::opens_in_first_person;

    #[test]
    fn an_exception_opens_in_the_first_person_only_with_first_person_words() {
        for phrase in [
            "(our | my) …2 price",
            "(we | i) offered",
            "our team",
            "(i 'm | we 're) …2 keen",
            "\"our\" own VP",
        ] {
            assert!(opens_in_first_person(phrase), "{phrase}");
        }
        for phrase in [
            "(our | the) price",
            "(our | my | his | her) {leader_title} wants to see",
            "their churn",
            "((our | my) team | they)",
            "(our | my)? price",
            "{rep} offered",
            "",
        ] {
            assert!(!opens_in_first_person(phrase), "{phrase}");
        }
    }
}
