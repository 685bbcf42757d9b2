//! Loading `prompts/`: the rules and the bot's wording, embedded at build time and replaceable
//! at run time by a directory (`--rules DIR`).
//!
//! Layout: `rules/lexicon.toml` (word classes, spellings, word lists), `rules/names.toml`
//! (first names, read as names in any case; made by `scripts/first_names.py`),
//! `rules/<category>.toml` (one file per category: wording and rules), `nudge.toml` and
//! `digest.toml` (message wording).
//! Every error names the file, the line and the reason.

use crate::core::phrase::PhraseLexicon;
use crate::core::rules::{CategorySpec, LexiconSpec, Located, Origin, Owner, RuleError, RuleSpec};
use crate::core::wording::{ChatWording, TrendWording};
use crate::core::{DigestWording, Level, NudgeWording, RuleSet};
use crate::rule_cache::Source;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

include!(concat!(env!("OUT_DIR"), "/embedded_prompts.rs"));

/// The name of the lexicon inside a rules directory.
pub const LEXICON: &str = "lexicon.toml";
/// The first names read as a name in any case, beside the lexicon (optional in a rules
/// directory: the built-in list is used when it has none).
pub const NAMES: &str = "names.toml";

/// A prompts file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    #[error(transparent)]
    Invalid(#[from] RuleError),
    #[error("{dir} holds no rule files: --rules (or CALLNUDGE_RULES) wants a folder like prompts/rules, with one <category>.toml per category (order-taking.toml, …) and optionally lexicon.toml")]
    NoRuleFiles { dir: PathBuf },
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Rules and wording, ready to use.
#[derive(Clone, Debug)]
pub struct Prompts {
    pub rules: RuleSet,
    pub nudge: NudgeWording,
    pub digest: DigestWording,
    pub trend: TrendWording,
    pub chat: ChatWording,
}

impl Prompts {
    /// The prompts built into the binary.
    pub fn embedded() -> Result<Prompts, PromptError> {
        Prompts::load(None)
    }

    /// The embedded prompts, with the rules (and lexicon, if present) taken from `rules_dir`.
    pub fn load(rules_dir: Option<&Path>) -> Result<Prompts, PromptError> {
        let rule_files: Vec<(String, String)> = match rules_dir {
            None => embedded_under("rules/"),
            Some(dir) => read_dir_files(dir)?,
        };
        if let Some(dir) = rules_dir {
            if !rule_files.iter().any(|(name, _)| !is_vocabulary(name)) {
                return Err(PromptError::NoRuleFiles {
                    dir: dir.to_path_buf(),
                });
            }
        }
        // The lexicon and the names: the folder's, else the built-in ones.
        let vocabulary = |file: &str| {
            let is = |name: &str| name.rsplit('/').next() == Some(file);
            rule_files
                .iter()
                .find(|(name, _)| is(name))
                .cloned()
                .or_else(|| {
                    embedded_under("rules/")
                        .into_iter()
                        .find(|(name, _)| is(name))
                })
        };
        let (lex_name, lex_text) = vocabulary(LEXICON)
            .ok_or_else(|| RuleError::new(&origin("rules", 0), format!("no {LEXICON} found")))?;
        let names_file = vocabulary(NAMES);
        // What the rules are compiled from: for rules from a folder, the key of the cache.
        let sources: Vec<(&str, &str)> = std::iter::once((lex_name.as_str(), lex_text.as_str()))
            .chain(names_file.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .chain(
                rule_files
                    .iter()
                    .filter(|(name, _)| !is_vocabulary(name))
                    .map(|(name, text)| (name.as_str(), text.as_str())),
            )
            .collect();
        let source = match rules_dir {
            None => Source::BuiltIn,
            Some(_) => Source::Files(&sources),
        };
        let rules = crate::rule_cache::load_or_compile(source, || {
            compile((&lex_name, &lex_text), names_file.as_ref(), &rule_files)
        })?;
        Ok(Prompts {
            rules,
            nudge: parse_embedded("nudge.toml")?,
            digest: parse_embedded("digest.toml")?,
            trend: parse_embedded("trend.toml")?,
            chat: parse_embedded("chat.toml")?,
        })
    }
}

/// Compiles the lexicon, the first names (if any) and the rule files among `files` (the
/// lexicon and names among them are skipped).
fn compile(
    (lex_name, lex_text): (&str, &str),
    names_file: Option<&(String, String)>,
    files: &[(String, String)],
) -> Result<RuleSet, RuleError> {
    let mut lexicon = parse_lexicon(lex_name, lex_text)?;
    if let Some((name, text)) = names_file {
        lexicon.phrases.first_names = parse_names(name, text)?;
    }
    let specs = files
        .iter()
        .filter(|(name, _)| !is_vocabulary(name))
        .map(|(name, text)| parse_category_file(name, text))
        .collect::<Result<Vec<_>, _>>()?;
    RuleSet::compile(&lexicon, &specs)
}

/// The built-in rules with `extra` (rules as TOML) appended to the file named `file`
/// ("chasing.toml"), compiled without the cache: for tests of how the engine treats a rule.
#[cfg(test)]
pub(crate) fn embedded_rules_with(file: &str, extra: &str) -> RuleSet {
    let mut files = embedded_under("rules/");
    let at = files
        .iter()
        .position(|(name, _)| name.ends_with(&format!("/{file}")))
        .expect("a built-in rules file");
    files[at].1.push_str(extra);
    let find = |f: &str| {
        files
            .iter()
            .find(|(name, _)| name.ends_with(&format!("/{f}")))
    };
    let (lex_name, lex_text) = find(LEXICON).expect("the built-in lexicon");
    compile((lex_name, lex_text), find(NAMES), &files).expect("the rules compile")
}

/// The fixtures of a rules folder (`fixtures/<category>.toml`: notes that must fire the
/// category, and look-alikes that must not): `dir`'s, or the built-in ones.
pub fn load_fixtures(dir: Option<&Path>) -> Result<Vec<(String, String)>, PromptError> {
    match dir {
        None => Ok(embedded_under("rules/fixtures/")),
        Some(dir) => {
            let fixtures = dir.join("fixtures");
            if fixtures.is_dir() {
                read_dir_files(&fixtures)
            } else {
                Ok(Vec::new())
            }
        }
    }
}

/// An embedded file of `prompts/` by its relative path, e.g. `demo.toml`.
pub fn embedded_file(name: &str) -> Option<&'static str> {
    EMBEDDED.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The lexicon or the names: the files of a rules folder that are no category's.
fn is_vocabulary(name: &str) -> bool {
    matches!(name.rsplit('/').next(), Some(LEXICON | NAMES))
}

fn origin(file: &str, line: usize) -> Origin {
    Origin {
        file: file.to_string(),
        line,
    }
}

/// The embedded files directly in folder `prefix` (not in its subfolders).
fn embedded_under(prefix: &str) -> Vec<(String, String)> {
    EMBEDDED
        .iter()
        .filter(|(name, _)| {
            name.strip_prefix(prefix)
                .is_some_and(|rest| !rest.contains('/'))
        })
        .map(|(name, text)| (format!("prompts/{name}"), text.to_string()))
        .collect()
}

fn read_dir_files(dir: &Path) -> Result<Vec<(String, String)>, PromptError> {
    let io = |source| PromptError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    paths.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).map_err(|source| PromptError::Io {
                path: path.clone(),
                source,
            })?;
            let name = path.display().to_string();
            let text = String::from_utf8(bytes).map_err(|e| {
                RuleError::new(
                    &origin(&name, line_of_offset(&[], e.utf8_error().valid_up_to())),
                    "the file is not valid UTF-8",
                )
            })?;
            Ok((name, text))
        })
        .collect()
}

fn line_of_offset(text: &[u8], offset: usize) -> usize {
    text[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn line_of(text: &str, offset: usize) -> usize {
    line_of_offset(text.as_bytes(), offset)
}

fn toml_error(file: &str, text: &str, e: toml::de::Error) -> RuleError {
    let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
    RuleError::new(&origin(file, line), e.message().to_string())
}

fn located(file: &str, lines: &Lines, s: &Spanned<String>) -> Located<String> {
    Located {
        value: s.get_ref().clone(),
        origin: origin(file, lines.line(s.span().start)),
    }
}

/// Where each line of a file starts, to turn many byte offsets into line numbers quickly.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Lines {
        Lines(text.match_indices('\n').map(|(i, _)| i).collect())
    }

    /// The 1-based line of byte `offset`.
    fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&n| n < offset) + 1
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLexicon {
    /// The regex pieces of rules written before phrases: refused with a pointer to phrases.
    #[serde(default)]
    macros: Option<Spanned<toml::Table>>,
    rep_subjects: Vec<String>,
    client_subjects: Vec<String>,
    determiners: Vec<String>,
    coordinators: Vec<String>,
    non_subjects: Vec<String>,
    /// Optional, so that a rules directory written before it still loads.
    #[serde(default)]
    nobody: Vec<String>,
    negators: Vec<String>,
    /// Optional, as `nobody`.
    #[serde(default)]
    no_idioms: Vec<String>,
    /// Optional, as `nobody`.
    #[serde(default)]
    rep_quote_markers: Vec<String>,
    /// Word classes for phrases: `{name}` in a phrase is any of its entries.
    #[serde(default)]
    classes: BTreeMap<String, Spanned<Vec<String>>>,
    /// Spellings and shorthand → the word they stand for ("tmrw" → "tomorrow").
    #[serde(default)]
    spellings: BTreeMap<String, String>,
}

fn parse_lexicon(file: &str, text: &str) -> Result<LexiconSpec, RuleError> {
    let lines = Lines::new(text);
    let raw: RawLexicon = toml::from_str(text).map_err(|e| toml_error(file, text, e))?;
    if let Some(macros) = &raw.macros {
        return Err(RuleError::new(
            &origin(file, lines.line(macros.span().start)),
            "`[macros]` (pieces of regexes) are no longer read: rules are phrases over the words of `[classes]` (README, \"Rules are data\")",
        ));
    }
    Ok(LexiconSpec {
        rep_subjects: raw.rep_subjects,
        client_subjects: raw.client_subjects,
        determiners: raw.determiners.clone(),
        coordinators: raw.coordinators,
        non_subjects: raw.non_subjects,
        phrases: PhraseLexicon {
            classes: raw
                .classes
                .iter()
                .map(|(k, v)| {
                    let located = Located {
                        value: v.get_ref().clone(),
                        origin: origin(file, lines.line(v.span().start)),
                    };
                    (k.clone(), located)
                })
                .collect(),
            spellings: raw.spellings,
            determiners: raw.determiners,
            first_names: Vec::new(),
        },
        nobody: raw.nobody,
        negators: raw.negators,
        no_idioms: raw.no_idioms,
        rep_quote_markers: raw.rep_quote_markers,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNames {
    first_names: Vec<String>,
}

/// `names.toml`: first names, each one word.
fn parse_names(file: &str, text: &str) -> Result<Vec<String>, RuleError> {
    let raw: RawNames = toml::from_str(text).map_err(|e| toml_error(file, text, e))?;
    if let Some(bad) = raw
        .first_names
        .iter()
        .find(|n| n.is_empty() || !n.chars().all(char::is_alphabetic))
    {
        let line = text
            .find(&format!("\"{bad}\""))
            .map_or(1, |at| line_of(text, at));
        return Err(RuleError::new(
            &origin(file, line),
            format!("{bad:?} is not a first name: one word of letters only"),
        ));
    }
    Ok(raw.first_names)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategoryFile {
    category: Spanned<String>,
    polarity: Spanned<String>,
    label: String,
    explanation: String,
    moves: Vec<String>,
    #[serde(default)]
    rule: Vec<RawRule>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    level: Level,
    weight: u8,
    /// Regexes, as rules were written before phrases: refused with a pointer to phrases.
    #[serde(default)]
    patterns: Option<Spanned<toml::Value>>,
    /// Word patterns (see `core::phrase`).
    #[serde(default)]
    phrases: Vec<Spanned<String>>,
    #[serde(default)]
    exceptions: Option<Spanned<toml::Value>>,
    /// Phrases that, anywhere in the match's sentence, drop it.
    #[serde(default)]
    except: Vec<Spanned<String>>,
    /// Phrases that, anywhere in the note, drop it.
    #[serde(default)]
    except_in_note: Vec<Spanned<String>>,
    owner: Option<Owner>,
    #[serde(default)]
    unless: Vec<Spanned<String>>,
    #[serde(default)]
    with: Vec<Spanned<String>>,
    #[serde(default = "yes")]
    negatable: bool,
    message: Option<String>,
    suggestion: Option<String>,
}

/// Parses one category file (not yet compiled).
pub fn parse_category_file(file: &str, text: &str) -> Result<CategorySpec, RuleError> {
    let lines = Lines::new(text);
    let raw: RawCategoryFile = toml::from_str(text).map_err(|e| toml_error(file, text, e))?;
    for r in &raw.rule {
        if let Some(old) = r.patterns.as_ref().or(r.exceptions.as_ref()) {
            return Err(RuleError::new(
                &origin(file, lines.line(old.span().start)),
                format!(
                    "rule `{}`: `patterns` and `exceptions` (regexes over the text) are no longer read; write them as `phrases` and `except` (README, \"Rules are data\")",
                    r.id.get_ref()
                ),
            ));
        }
    }
    let rules = raw
        .rule
        .iter()
        .map(|r| RuleSpec {
            id: r.id.get_ref().clone(),
            origin: origin(file, lines.line(r.id.span().start)),
            level: r.level,
            weight: r.weight,
            phrases: r.phrases.iter().map(|p| located(file, &lines, p)).collect(),
            except: r.except.iter().map(|p| located(file, &lines, p)).collect(),
            except_in_note: r
                .except_in_note
                .iter()
                .map(|p| located(file, &lines, p))
                .collect(),
            owner: r.owner,
            unless: r.unless.iter().map(|p| located(file, &lines, p)).collect(),
            with: r.with.iter().map(|p| located(file, &lines, p)).collect(),
            negatable: r.negatable,
            message: r.message.clone(),
            suggestion: r.suggestion.clone(),
        })
        .collect();
    Ok(CategorySpec {
        origin: origin(file, 1),
        category: located(file, &lines, &raw.category),
        polarity: located(file, &lines, &raw.polarity),
        label: raw.label,
        explanation: raw.explanation,
        moves: raw.moves,
        rules,
    })
}

fn parse_embedded<T: serde::de::DeserializeOwned>(name: &str) -> Result<T, RuleError> {
    let file = format!("prompts/{name}");
    let text = EMBEDDED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .ok_or_else(|| RuleError::new(&origin(&file, 0), "missing from the build"))?;
    toml::from_str(text).map_err(|e| toml_error(&file, text, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rules directory written before the lexicon had `nobody` still loads, without it.
    #[test]
    fn a_lexicon_without_the_nobody_list_still_loads() {
        let text = embedded_file("rules/lexicon.toml").expect("the embedded lexicon");
        let older: String = text
            .lines()
            .filter(|l| !l.starts_with("nobody ="))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            older.len() < text.len(),
            "the embedded lexicon has `nobody`"
        );
        assert!(parse_lexicon("lexicon.toml", &older)
            .unwrap()
            .nobody
            .is_empty());
        assert!(!parse_lexicon("lexicon.toml", text)
            .unwrap()
            .nobody
            .is_empty());
    }
}
