//! Lowering: a parsed phrase (a tree of slots) as a regex over the symbols that fill each
//! slot, the form the matcher runs. Each atom's class and each lexicon class is built once.

use super::{symbol_char, Node, WHO_GROUP};
use regex_syntax::hir::{Capture, ClassUnicode, ClassUnicodeRange, Hir, Repetition};
use rustc_hash::FxHashMap as HashMap;
use std::rc::Rc;

pub(super) struct Lower<'a> {
    pub(super) members: &'a [Vec<u32>],
    /// Any token but a boundary, as a class.
    pub(super) any: Hir,
    pub(super) boundary: u32,
    /// Each atom's class, built once.
    pub(super) classes: std::cell::RefCell<HashMap<usize, Hir>>,
    /// Each lexicon class lowered, by the address of its shared node.
    pub(super) lowered: std::cell::RefCell<HashMap<usize, Hir>>,
}

impl Lower<'_> {
    pub(super) fn atom(&self, atom: usize) -> Hir {
        self.classes
            .borrow_mut()
            .entry(atom)
            .or_insert_with(|| class(&self.members[atom]))
            .clone()
    }

    pub(super) fn hir(&self, node: &Node) -> Hir {
        match node {
            Node::Class(inner) => {
                let key = Rc::as_ptr(inner) as usize;
                if let Some(hir) = self.lowered.borrow().get(&key) {
                    return hir.clone();
                }
                let hir = self.hir(inner);
                self.lowered.borrow_mut().insert(key, hir.clone());
                hir
            }
            Node::Atom(a) => self.atom(*a),
            Node::Seq(nodes) => Hir::concat(nodes.iter().map(|n| self.hir(n)).collect()),
            Node::Alt(nodes) => Hir::alternation(nodes.iter().map(|n| self.hir(n)).collect()),
            Node::Optional(n) => repeat(self.hir(n), 0, 1, true),
            Node::Gap(n) => repeat(self.any.clone(), 0, *n, false),
            Node::WhoOf(inner) => Hir::capture(Capture {
                index: 1,
                name: Some(WHO_GROUP.into()),
                sub: Box::new(self.hir(inner)),
            }),
            Node::Edge { start } => {
                use regex_syntax::hir::Look;
                let look = if *start { Look::Start } else { Look::End };
                Hir::alternation(vec![Hir::look(look), class(&[self.boundary])])
            }
            Node::Who { det, word } => {
                // (determiner word?)? word: "I", "Dana", "the client", "their ops manager".
                let word = self.atom(*word);
                let det = Hir::concat(vec![self.atom(*det), repeat(word.clone(), 0, 1, true)]);
                Hir::capture(Capture {
                    index: 1,
                    name: Some(WHO_GROUP.into()),
                    sub: Box::new(Hir::concat(vec![repeat(det, 0, 1, true), word])),
                })
            }
        }
    }
}

pub(super) fn repeat(sub: Hir, min: u32, max: u32, greedy: bool) -> Hir {
    Hir::repetition(Repetition {
        min,
        max: Some(max),
        greedy,
        sub: Box::new(sub),
    })
}

/// The symbols as one character class.
pub(super) fn class(symbols: &[u32]) -> Hir {
    // Runs of consecutive symbols are one range ("any word" is a single one).
    let mut ranges: Vec<ClassUnicodeRange> = Vec::new();
    let mut sorted = symbols.to_vec();
    sorted.sort_unstable();
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j + 1 < sorted.len() && sorted[j + 1] <= sorted[j] + 1 {
            j += 1;
        }
        ranges.push(ClassUnicodeRange::new(
            symbol_char(sorted[i]),
            symbol_char(sorted[j]),
        ));
        i = j + 1;
    }
    Hir::class(regex_syntax::hir::Class::Unicode(ClassUnicode::new(ranges)))
}
