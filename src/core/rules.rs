//! Rule specifications (data read from `prompts/rules/`) and their compilation into a [`RuleSet`].
//!
//! This is the only place regexes are built. Compilation validates everything a rules file can
//! get wrong (unknown macro, bad regex, duplicate id, polarity that contradicts the category) and
//! reports it with the file and line the spec came from. A compiled `RuleSet` cannot make
//! [`crate::core::analyze`] fail: the engine is linear in the note's length because every pattern
//! runs on `regex-automata`'s finite automata (no backtracking), and all patterns are tried in
//! one scan of a multi-pattern automaton (see [`super::matcher`]).

use super::category::{Category, Level};
use super::matcher::Matcher;
use super::phrase::{self, PhraseCompiler, PhraseLexicon};
use regex::{Regex, RegexBuilder};
use regex_automata::meta;
use regex_automata::util::syntax;
use regex_syntax::hir::Hir;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

/// Where a piece of a rules file came from, for error messages.
#[derive(Clone, Debug, PartialEq, Eq)]
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
#[derive(Clone, Debug)]
pub struct Located<T> {
    pub value: T,
    pub origin: Origin,
}

/// Whose action a rule is about, read from the `{owner}` part of a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
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
    /// `{name}` in a pattern is replaced by `(?:value)`.
    pub macros: BTreeMap<String, Located<String>>,
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
    /// Regexes over the note's text (the older form; see [`super::phrase`] for phrases).
    pub patterns: Vec<Located<String>>,
    /// Word patterns over the note's tokens.
    pub phrases: Vec<Located<String>>,
    pub exceptions: Vec<Located<String>>,
    /// Phrases that drop a match when found in its sentence.
    pub except: Vec<Located<String>>,
    /// When set, a match counts only if the `{owner}` of the pattern is this party.
    pub owner: Option<Owner>,
    /// Conditional rule: it fires only when none of these categories is found in the note.
    pub unless: Vec<Located<String>>,
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
#[derive(Clone, Debug)]
pub struct Rule {
    pub id: Arc<str>,
    pub category: Category,
    pub level: Level,
    pub weight: u8,
    pub owner: Option<Owner>,
    pub unless: Vec<Category>,
    pub negatable: bool,
    pub enabled: bool,
    pub message: Arc<str>,
    pub suggestion: Arc<str>,
    /// Shared between a rule set and its copies with overrides (a cloned `Regex` would start
    /// with cold caches).
    pub(crate) exceptions: Option<Arc<Regex>>,
}

/// The wording of one category.
#[derive(Clone, Debug)]
pub struct CategoryInfo {
    pub category: Category,
    pub label: String,
    pub explanation: String,
    pub moves: Vec<String>,
}

#[derive(Clone, Debug)]
pub(crate) struct Pattern {
    pub rule: usize,
    /// Where it is written.
    pub origin: Origin,
    /// The pattern alone, for when the matcher gives up on a chunk.
    pub regex: meta::Regex,
    /// Index of the `owner` capture group, if the pattern has one.
    pub owner_group: Option<usize>,
    /// For a pattern with an `owner` group: the same pattern without the DFAs, which only
    /// find a match's bounds; given those bounds, it goes straight to reporting groups.
    pub groups: Option<meta::Regex>,
    /// The same as `groups` for a match whose text is ASCII (see [`ascii_only`]): the same
    /// groups, from a program a fraction of the size.
    pub groups_ascii: Option<meta::Regex>,
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
#[derive(Clone, Debug)]
pub struct RuleSet {
    /// Every pattern in three automata that find all matches in a chunk. Behind an `Arc`
    /// because a team's copy with overrides must share it, caches included (a copy with cold
    /// caches would rebuild its lazy DFA states for every note).
    pub(crate) matcher: Arc<Matcher>,
    pub(crate) patterns: Arc<[Pattern]>,
    /// The only part a team's overrides change; everything else is shared between copies.
    pub(crate) rules: Vec<Rule>,
    pub(crate) by_id: Arc<HashMap<Arc<str>, usize>>,
    pub(crate) categories: Arc<BTreeMap<Category, CategoryInfo>>,
    pub(crate) words: Arc<Vocabulary>,
    /// The rules' phrases in one automaton over tokens (none when no rule has phrases).
    pub(crate) phrases: Option<Arc<PhraseSet>>,
}

/// Every phrase of the rules, compiled (see [`super::phrase`]).
#[derive(Debug)]
pub(crate) struct PhraseSet {
    pub encoder: phrase::Encoder,
    /// All phrase patterns, over the encoded note.
    pub matcher: Matcher,
    pub patterns: Vec<PhrasePattern>,
    /// Per rule: its `except` phrases as one regex over the encoded note.
    pub exceptions: Vec<Option<meta::Regex>>,
    /// Each class and the single words in it (for `callnudge rules explain`).
    pub class_forms: BTreeMap<String, std::collections::BTreeSet<String>>,
}

#[derive(Debug)]
pub(crate) struct PhrasePattern {
    pub rule: usize,
    /// The phrase as written, and where.
    pub written: Located<String>,
    /// The phrase alone, for when the matcher gives up on a chunk.
    pub regex: meta::Regex,
    /// For a phrase with `{who}`: its group index and a program that reports it.
    pub who: Option<(usize, meta::Regex)>,
}

/// The lexicon's word lists, lower-cased, as the engine looks them up.
#[derive(Debug)]
pub(crate) struct Vocabulary {
    pub rep_subjects: HashSet<String>,
    pub client_subjects: HashSet<String>,
    pub determiners: HashSet<String>,
    pub coordinators: HashSet<String>,
    pub non_subjects: HashSet<String>,
    pub nobody: HashSet<String>,
    pub negators: HashSet<String>,
}

/// The name of the capture group that `{owner}` must contain.
pub const OWNER_GROUP: &str = "owner";

/// Largest regex program, per pattern; keeps compilation and memory bounded for odd rule files.
const SIZE_LIMIT: usize = 4 << 20;

impl RuleSet {
    /// Compiles a lexicon and the rule files. Every category of the contract needs a file.
    pub fn compile(lexicon: &LexiconSpec, files: &[CategorySpec]) -> Result<RuleSet, RuleError> {
        let mut categories = BTreeMap::new();
        let mut rules = Vec::new();
        let mut patterns = Vec::new();
        let mut sources = Vec::new();
        let mut seen_ids: HashMap<String, Origin> = HashMap::new();
        let mut phrases = PhraseCompiler::new(&lexicon.phrases);
        // (rule, phrase, where it is written) for patterns; (rule, phrase) for exceptions.
        let mut phrase_rules: Vec<(usize, usize, Located<String>)> = Vec::new();
        let mut phrase_excepts: Vec<(usize, usize)> = Vec::new();

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
                rules.push(compile_rule(lexicon, category, file, spec)?);
                for p in &spec.phrases {
                    phrase_rules.push((rule_index, phrases.add(p)?, p.clone()));
                }
                for e in &spec.except {
                    phrase_excepts.push((rule_index, phrases.add(e)?));
                }
                for pattern in &spec.patterns {
                    let source = expand(lexicon, pattern)?;
                    let regex = build_pattern(&source, &pattern.origin)?;
                    let owner_group = regex
                        .group_info()
                        .to_index(regex_automata::PatternID::ZERO, OWNER_GROUP);
                    if owner_group.is_some_and(|g| g >= super::analyze::MAX_GROUPS) {
                        return Err(RuleError::new(
                            &pattern.origin,
                            "the `owner` group must be among the first 31 groups; use (?:…) for the others",
                        ));
                    }
                    if spec.owner == Some(Owner::Client) && owner_group.is_none() {
                        return Err(RuleError::new(
                            &pattern.origin,
                            "the rule has `owner = \"client\"` but this pattern has no `{owner}` part (without one, a step is the rep's)",
                        ));
                    }
                    let groups_config = || meta::Config::new().hybrid(false).dfa(false);
                    let (groups, groups_ascii) = match owner_group {
                        Some(_) => (
                            Some(build_pattern_with(
                                &source,
                                &pattern.origin,
                                groups_config(),
                            )?),
                            build_ascii_groups(&source, groups_config()),
                        ),
                        None => (None, None),
                    };
                    patterns.push(Pattern {
                        rule: rule_index,
                        origin: pattern.origin.clone(),
                        regex,
                        owner_group,
                        groups,
                        groups_ascii,
                    });
                    sources.push(source);
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
                format!("no rules file for category `{missing}`"),
            ));
        }
        let matcher = Matcher::new(&sources, syntax_config(), SIZE_LIMIT * 8).map_err(|e| {
            RuleError::new(
                &Origin {
                    file: "rules".into(),
                    line: 0,
                },
                format!("the rules together are too large to compile: {e}"),
            )
        })?;
        let phrases = if phrase_rules.is_empty() {
            None
        } else {
            Some(Arc::new(build_phrases(
                phrases,
                &phrase_rules,
                &phrase_excepts,
                &rules,
            )?))
        };
        let lower = |words: &[String]| words.iter().map(|w| w.to_lowercase()).collect();
        let by_id = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        Ok(RuleSet {
            matcher: Arc::new(matcher),
            by_id: Arc::new(by_id),
            patterns: patterns.into(),
            rules,
            categories: Arc::new(categories),
            words: Arc::new(Vocabulary {
                rep_subjects: lower(&lexicon.rep_subjects),
                client_subjects: lower(&lexicon.client_subjects),
                determiners: lower(&lexicon.determiners),
                coordinators: lower(&lexicon.coordinators),
                non_subjects: lower(&lexicon.non_subjects),
                nobody: lower(&lexicon.nobody),
                negators: lower(&lexicon.negators),
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
    lexicon: &LexiconSpec,
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
    if spec.patterns.is_empty() && spec.phrases.is_empty() {
        return Err(RuleError::new(
            &spec.origin,
            format!("rule `{}` has no phrases (or patterns)", spec.id),
        ));
    }
    let mut unless = Vec::new();
    for name in &spec.unless {
        let c = Category::from_id(&name.value).ok_or_else(|| {
            RuleError::new(
                &name.origin,
                format!("unknown category `{}` in `unless`", name.value),
            )
        })?;
        unless.push(c);
    }
    let exceptions = if spec.exceptions.is_empty() {
        None
    } else {
        let mut parts = Vec::new();
        for e in &spec.exceptions {
            let source = expand(lexicon, e)?;
            build_regex(&source, &e.origin)?;
            parts.push(format!("(?:{source})"));
        }
        Some(Arc::new(build_regex(&parts.join("|"), &spec.origin)?))
    };
    Ok(Rule {
        id: spec.id.as_str().into(),
        category,
        level: spec.level,
        weight: spec.weight,
        owner: spec.owner,
        unless,
        negatable: spec.negatable,
        enabled: true,
        message: spec.message.as_deref().unwrap_or(&file.explanation).into(),
        suggestion: spec.suggestion.as_deref().unwrap_or(&file.moves[0]).into(),
        exceptions,
    })
}

/// Compiles the collected phrases: one automaton for the patterns, a regex per pattern, and
/// each rule's exceptions.
fn build_phrases(
    compiler: PhraseCompiler<'_>,
    phrase_rules: &[(usize, usize, Located<String>)],
    phrase_excepts: &[(usize, usize)],
    rules: &[Rule],
) -> Result<PhraseSet, RuleError> {
    let compiled = compiler.finish()?;
    // Symbols have no case: matching them case-sensitively is exact and cheaper.
    let config = syntax::Config::new().case_insensitive(false);
    let build = |source: &str, origin: &Origin, meta_config: meta::Config| {
        meta::Builder::new()
            .syntax(config)
            .configure(meta_config.nfa_size_limit(Some(SIZE_LIMIT)))
            .build(source)
            .map_err(|e| {
                RuleError::new(origin, format!("phrase does not compile: {}", describe(&e)))
            })
    };
    let mut sources = Vec::with_capacity(phrase_rules.len());
    let mut patterns = Vec::with_capacity(phrase_rules.len());
    for (rule, index, written) in phrase_rules {
        let origin = &written.origin;
        let source = &compiled.sources[*index];
        let regex = build(source, origin, meta::Config::new())?;
        let group = regex
            .group_info()
            .to_index(regex_automata::PatternID::ZERO, phrase::WHO_GROUP);
        if rules[*rule].owner == Some(Owner::Client) && group.is_none() {
            return Err(RuleError::new(
                origin,
                "the rule has `owner = \"client\"` but this phrase has no `{who}` (without one, a step is the rep's)",
            ));
        }
        let who = match group {
            Some(g) => Some((
                g,
                build(source, origin, meta::Config::new().hybrid(false).dfa(false))?,
            )),
            None => None,
        };
        patterns.push(PhrasePattern {
            rule: *rule,
            written: written.clone(),
            regex,
            who,
        });
        sources.push(source.clone());
    }
    let mut exceptions: Vec<Option<meta::Regex>> = (0..rules.len()).map(|_| None).collect();
    for (rule, _) in phrase_excepts {
        if exceptions[*rule].is_some() {
            continue;
        }
        let joined: Vec<String> = phrase_excepts
            .iter()
            .filter(|(r, _)| r == rule)
            .map(|(_, i)| format!("(?:{})", compiled.sources[*i]))
            .collect();
        let origin = Origin {
            file: "rules".into(),
            line: 0,
        };
        exceptions[*rule] = Some(build(&joined.join("|"), &origin, meta::Config::new())?);
    }
    let matcher = Matcher::new(&sources, config, SIZE_LIMIT * 8).map_err(|e| {
        RuleError::new(
            &Origin {
                file: "rules".into(),
                line: 0,
            },
            format!("the phrases together are too large to compile: {e}"),
        )
    })?;
    Ok(PhraseSet {
        class_forms: compiled.class_forms,
        encoder: compiled.encoder,
        matcher,
        patterns,
        exceptions,
    })
}

fn syntax_config() -> syntax::Config {
    syntax::Config::new().case_insensitive(true)
}

/// A pattern compiled alone (the matcher compiles all of them together as well).
fn build_pattern(source: &str, origin: &Origin) -> Result<meta::Regex, RuleError> {
    build_pattern_with(source, origin, meta::Config::new())
}

/// The groups program of `source` for text known to be ASCII; `None` if it cannot be built
/// (the caller then uses the full program, which always works).
fn build_ascii_groups(source: &str, config: meta::Config) -> Option<meta::Regex> {
    let hir = regex_automata::util::syntax::parse_with(source, &syntax_config()).ok()?;
    meta::Builder::new()
        .configure(config.nfa_size_limit(Some(SIZE_LIMIT)))
        .build_from_hir(&ascii_only(&hir))
        .ok()
}

/// `hir` with every class cut down to its ASCII part. On ASCII text it matches exactly as
/// `hir` does, groups included: a class can only match a character it contains, ASCII text
/// holds no others, and nothing else (literals, look-arounds, order of alternatives,
/// greediness) changes. The program is much smaller: `\p{L}` and Unicode `\w` are thousands
/// of states, their ASCII parts a handful.
fn ascii_only(hir: &Hir) -> Hir {
    use regex_syntax::hir::{Capture, Class, ClassBytesRange, ClassUnicodeRange, HirKind};
    use regex_syntax::hir::{ClassBytes, ClassUnicode, Repetition};
    match hir.kind() {
        HirKind::Class(Class::Unicode(class)) => {
            let mut class = class.clone();
            class.intersect(&ClassUnicode::new([ClassUnicodeRange::new('\0', '\x7F')]));
            Hir::class(Class::Unicode(class))
        }
        HirKind::Class(Class::Bytes(class)) => {
            let mut class = class.clone();
            class.intersect(&ClassBytes::new([ClassBytesRange::new(0, 0x7F)]));
            Hir::class(Class::Bytes(class))
        }
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            min: r.min,
            max: r.max,
            greedy: r.greedy,
            sub: Box::new(ascii_only(&r.sub)),
        }),
        HirKind::Capture(c) => Hir::capture(Capture {
            index: c.index,
            name: c.name.clone(),
            sub: Box::new(ascii_only(&c.sub)),
        }),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(ascii_only).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(ascii_only).collect()),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Look(_) => hir.clone(),
    }
}

fn build_pattern_with(
    source: &str,
    origin: &Origin,
    config: meta::Config,
) -> Result<meta::Regex, RuleError> {
    meta::Builder::new()
        .syntax(syntax_config())
        .configure(config.nfa_size_limit(Some(SIZE_LIMIT)))
        .build(source)
        .map_err(|e| {
            RuleError::new(
                origin,
                format!("pattern does not compile: {}", describe(&e)),
            )
        })
}

/// The parser's own message (with the caret under the fault) when there is one.
fn describe(e: &regex_automata::meta::BuildError) -> String {
    match e.syntax_error() {
        Some(syntax) => syntax.to_string(),
        None => e.to_string(),
    }
}

fn build_regex(source: &str, origin: &Origin) -> Result<Regex, RuleError> {
    RegexBuilder::new(source)
        .case_insensitive(true)
        .size_limit(SIZE_LIMIT)
        .build()
        .map_err(|e| RuleError::new(origin, format!("pattern does not compile: {e}")))
}

/// Replaces `{name}` by `(?:macro)` until no macro is left; `\b` becomes an ASCII word boundary,
/// which the fast engines support on any text.
fn expand(lexicon: &LexiconSpec, pattern: &Located<String>) -> Result<String, RuleError> {
    let mut text = pattern.value.clone();
    for _ in 0..8 {
        let (next, changed) = expand_once(lexicon, &text, &pattern.origin)?;
        text = next;
        if !changed {
            return Ok(text.replace(r"\b", r"(?-u:\b)"));
        }
    }
    Err(RuleError::new(
        &pattern.origin,
        "macros nest more than 8 deep (does a macro refer to itself?)",
    ))
}

fn expand_once(
    lexicon: &LexiconSpec,
    text: &str,
    origin: &Origin,
) -> Result<(String, bool), RuleError> {
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        // `\{` is a literal brace, `\p{L}` a Unicode class, `{2,3}` a repetition: all stay.
        let before = &rest[..open];
        let escaped = before.ends_with('\\') || before.ends_with("\\p") || before.ends_with("\\P");
        let after = &rest[open + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..name_len];
        let is_macro = !escaped
            && after[name_len..].starts_with('}')
            && name.starts_with(|c: char| c.is_ascii_alphabetic());
        out.push_str(&rest[..open]);
        if is_macro {
            let value = lexicon.macros.get(name).ok_or_else(|| {
                RuleError::new(
                    origin,
                    format!(
                        "unknown macro `{{{name}}}`; the lexicon defines: {}",
                        lexicon
                            .macros
                            .keys()
                            .map(String::as_str)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
            out.push_str("(?:");
            out.push_str(&value.value);
            out.push(')');
            rest = &after[name_len + 1..];
            changed = true;
        } else {
            out.push('{');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok((out, changed))
}
