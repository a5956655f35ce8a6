//! Name environments: what a module's top level defines and imports ([`ModuleScope`]), and the
//! nested local scopes of a function body ([`Locals`]).
//!
//! This module only stores and finds names; it reports nothing and knows no syntax.

use std::sync::Arc;

use aqua_syntax::{FileId, Span};
// Names are hashed with foldhash (a per-process random seed, as std's SipHash has, so names from
// an untrusted file cannot be chosen to collide): SipHash was about 6% of the instructions of the
// check benchmark.
use foldhash::{HashMap, HashSet};
use smol_str::SmolStr;

use crate::tast::{ConstId, Expr, FuncId, LocalId, ServiceDefId};
use crate::types::Type;

/// What a top-level name stands for.
#[derive(Debug, Clone)]
pub enum Def {
    /// A constant.
    Const(ConstId),
    /// A `data`, `alias` or `ability` type.
    Type(Type),
    /// A service.
    Service(ServiceDefId),
    /// A function.
    Func(FuncId),
    /// A namespace from `use`.
    Namespace(Arc<Namespace>),
}

impl Def {
    /// What kind of definition this is, for messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Def::Const(_) => "constant",
            Def::Type(Type::Ability(_)) => "ability",
            Def::Type(_) => "type",
            Def::Service(_) => "service",
            Def::Func(_) => "function",
            Def::Namespace(_) => "module",
        }
    }
}

/// A top-level name with where it was defined.
#[derive(Debug, Clone)]
pub struct Entry {
    /// What it is.
    pub def: Def,
    /// The file of the definition.
    pub file: FileId,
    /// The definition's name.
    pub span: Span,
    /// The header line (index into the module's header items) that imported it, if imported.
    pub import: Option<usize>,
}

/// The names of a namespace brought in by `use`.
#[derive(Debug, Clone, Default)]
pub struct Namespace {
    /// Its names.
    pub names: HashMap<SmolStr, Entry>,
}

/// The top-level names visible in one module.
#[derive(Debug, Default)]
pub struct ModuleScope {
    /// Every name: local definitions and imports.
    pub names: HashMap<SmolStr, Entry>,
    /// Which header lines had a name looked up, by header item index.
    pub used_imports: Vec<bool>,
    /// Imported names that were looked up.
    pub used_names: HashSet<SmolStr>,
}

impl ModuleScope {
    /// Finds a name and marks the import that brought it as used.
    pub fn lookup(&mut self, name: &str) -> Option<Entry> {
        let entry = self.names.get(name)?;
        if let Some(line) = entry.import {
            if let Some(used) = self.used_imports.get_mut(line) {
                *used = true;
            }
            self.used_names.insert(SmolStr::new(name));
        }
        Some(entry.clone())
    }
}

/// One local name.
#[derive(Debug, Clone)]
pub struct LocalEntry {
    /// Its id.
    pub local: LocalId,
    /// Its name, shared with every other local of the same name (for the typed program).
    pub name: Arc<str>,
    /// Its type.
    pub ty: Type,
    /// Where it was defined.
    pub span: Span,
    /// Whether it was read.
    pub used: bool,
    /// Whether to warn when it is never read.
    pub warn_unused: bool,
}

/// How a frame scopes names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameKind {
    /// Names end with the block (`if`, `for`, `try`, closures, function bodies).
    Block,
    /// Names outlive the block, but service ids do not (`on`).
    On,
}

#[derive(Debug)]
struct Frame {
    kind: FrameKind,
    names: HashMap<SmolStr, LocalEntry>,
    service_ids: Vec<(ServiceDefId, Arc<Expr>)>,
}

/// The local scopes of one function body, innermost last.
#[derive(Debug, Default)]
pub struct Locals {
    frames: Vec<Frame>,
    next: u32,
    /// One copy of each name defined since the checker began, kept from function to function.
    shared_names: HashSet<Arc<str>>,
}

impl Locals {
    /// Empty scopes for a new function.
    pub fn new() -> Locals {
        Locals::default()
    }

    /// Empty scopes for the next function, sharing the names of the functions before it.
    pub fn restart(&mut self) {
        self.frames.clear();
        self.next = 0;
    }

    /// How many locals were created.
    pub fn count(&self) -> u32 {
        self.next
    }

    /// Opens a scope.
    pub fn push(&mut self, kind: FrameKind) {
        self.frames.push(Frame { kind, names: HashMap::default(), service_ids: Vec::new() });
    }

    /// Closes the innermost scope and returns the names it held that were never read (and
    /// should be reported): not those ending in `_`, the way to say a value is meant to go unused
    /// (Aqua names cannot start with `_`, as they do in other languages).
    pub fn pop(&mut self) -> Vec<(SmolStr, Span)> {
        let Some(frame) = self.frames.pop() else { return Vec::new() };
        let mut unused: Vec<(SmolStr, Span)> = frame
            .names
            .into_iter()
            .filter(|(name, entry)| !entry.used && entry.warn_unused && !name.ends_with('_'))
            .map(|(name, entry)| (name, entry.span))
            .collect();
        unused.sort_by_key(|(_, span)| *span);
        unused
    }

    /// Defines a name in the innermost frame that scopes names and returns its id.
    pub fn define(&mut self, name: SmolStr, ty: Type, span: Span, warn_unused: bool) -> LocalId {
        let local = LocalId(self.next);
        self.next += 1;
        let shared =
            crate::intern::share(&mut self.shared_names, name.as_str(), |name| Arc::from(name));
        let entry = LocalEntry { local, name: shared, ty, span, used: false, warn_unused };
        if let Some(frame) = self.frames.iter_mut().rev().find(|f| f.kind == FrameKind::Block) {
            frame.names.insert(name, entry);
        }
        local
    }

    /// Finds a name, innermost first, and marks it read.
    pub fn lookup(&mut self, name: &str) -> Option<LocalEntry> {
        for frame in self.frames.iter_mut().rev() {
            if let Some(entry) = frame.names.get_mut(name) {
                entry.used = true;
                return Some(entry.clone());
            }
        }
        None
    }

    /// Finds a name without marking it read.
    pub fn peek(&self, name: &str) -> Option<&LocalEntry> {
        self.frames.iter().rev().find_map(|frame| frame.names.get(name))
    }

    /// Every visible local name, for suggestions.
    pub fn names(&self) -> impl Iterator<Item = &SmolStr> {
        self.frames.iter().flat_map(|frame| frame.names.keys())
    }

    /// Records `Srv id` for the rest of the innermost block.
    pub fn set_service_id(&mut self, service: ServiceDefId, id: Arc<Expr>) {
        if let Some(frame) = self.frames.last_mut() {
            frame.service_ids.push((service, id));
        }
    }

    /// The id in force for a service, innermost and latest first.
    pub fn service_id(&self, service: ServiceDefId) -> Option<&Arc<Expr>> {
        self.frames
            .iter()
            .rev()
            .find_map(|frame| frame.service_ids.iter().rev().find(|(s, _)| *s == service))
            .map(|(_, id)| id)
    }
}
