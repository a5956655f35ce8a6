//! Source maps: for every instruction of a compiled script, the Aqua code it came from, and for
//! generated variable names, the Aqua names they stand for.
//!
//! Instructions are numbered in pre-order (a node before its children, left before right), the
//! order in which the printer writes them and the parser reads them back, so index `i` of
//! [`SourceMap::instructions`] is the `i`-th instruction of the printed text as well as of the
//! tree. [`SourceMap::locate`] pairs them with the spans of a parsed copy of the script, which is
//! how a run-time report (an error object's instruction, a call's place in the AIR text) finds
//! its way back to Aqua. The file format `aqua compile` writes is in `docs/source-maps.md`.
//!
//! While lowering, an instruction's own span field carries a tag (an index into the origins
//! recorded so far) instead of a text position: generated code has no AIR text yet. Tags are
//! given innermost first ([`Tagger::stamp`] only tags what is untagged), and
//! [`Tagger::finish`] reads them in pre-order and puts the dummy spans back, so the AIR tree
//! is the same as without source maps.

use std::collections::BTreeMap;

use air_syntax::ast::{Instruction, Program, Span as AirSpan};
use aqua_syntax::{FileId, Span};

/// The Aqua construct an instruction was emitted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Construct {
    /// A call of a service method, function, closure or callback.
    Call,
    /// `on PEER via …`: the hops there and back.
    On,
    /// `join`, or a stream index that waits for the stream to grow (a gate).
    Join,
    /// `if` / `else`.
    If,
    /// `for` (any mode) and `parseq`.
    For,
    /// `par` / `co`.
    Par,
    /// `try`, `catch`, `otherwise`.
    Try,
    /// A stream or stream map declaration (the `new` that scopes it).
    Stream,
    /// An assignment, push or return.
    Value,
    /// The exported function itself: the calling convention around it (arguments, response,
    /// errors) and what joins its statements (`seq` of a block).
    Function,
}

impl Construct {
    /// A short name, as the map file and messages spell it.
    pub fn name(self) -> &'static str {
        match self {
            Construct::Call => "call",
            Construct::On => "on",
            Construct::Join => "join",
            Construct::If => "if",
            Construct::For => "for",
            Construct::Par => "par",
            Construct::Try => "try",
            Construct::Stream => "stream",
            Construct::Value => "value",
            Construct::Function => "function",
        }
    }
}

/// Where an instruction came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// The file of the Aqua code.
    pub file: FileId,
    /// The Aqua code, as byte offsets into the file.
    pub span: Span,
    /// What it is.
    pub construct: Construct,
}

/// The Aqua name a generated AIR variable stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameOrigin {
    /// The name as written in Aqua.
    pub name: String,
    /// The file of its binding.
    pub file: FileId,
    /// Its binding.
    pub span: Span,
}

/// The source map of one compiled function.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceMap {
    /// The origin of every instruction, by pre-order index.
    pub instructions: Vec<Origin>,
    /// Generated variable names (without `$`, `#`, `%`) to the Aqua names they stand for.
    pub names: BTreeMap<String, NameOrigin>,
}

impl SourceMap {
    /// Pairs every instruction of `parsed` (the printed script, parsed back, so that its spans
    /// are positions in the AIR text) with its origin, in pre-order. `None` if `parsed` is not
    /// the script this map was made for (another number of instructions).
    pub fn locate(&self, parsed: &Program) -> Option<Vec<(AirSpan, Origin)>> {
        let instructions = preorder(&parsed.body);
        (instructions.len() == self.instructions.len()).then(|| {
            instructions.iter().map(|i| i.span()).zip(self.instructions.iter().copied()).collect()
        })
    }

    /// The Aqua name a generated variable stands for, if it stands for one.
    pub fn aqua_name(&self, air_name: &str) -> Option<&str> {
        self.names.get(air_name).map(|origin| origin.name.as_str())
    }
}

/// The instructions of a tree in pre-order, without recursion (scripts can be very deep).
pub fn preorder(root: &Instruction) -> Vec<&Instruction> {
    let mut order = Vec::new();
    let mut stack = vec![root];
    while let Some(instruction) = stack.pop() {
        order.push(instruction);
        // Pushed right to left, so the left child comes out first.
        let children = children(instruction);
        stack.extend(children.into_iter().rev().flatten());
    }
    order
}

fn children(instruction: &Instruction) -> [Option<&Instruction>; 2] {
    match instruction {
        Instruction::Seq(pair) | Instruction::Par(pair) | Instruction::Xor(pair) => {
            [Some(&pair.left), Some(&pair.right)]
        }
        Instruction::New(new) => [Some(&new.body), None],
        Instruction::Fold(fold) => [Some(&fold.body), fold.last.as_ref()],
        Instruction::Match(test) | Instruction::Mismatch(test) => [Some(&test.body), None],
        _ => [None, None],
    }
}

fn children_mut(instruction: &mut Instruction) -> [Option<&mut Instruction>; 2] {
    match instruction {
        Instruction::Seq(pair) | Instruction::Par(pair) | Instruction::Xor(pair) => {
            [Some(&mut pair.left), Some(&mut pair.right)]
        }
        Instruction::New(new) => [Some(&mut new.body), None],
        Instruction::Fold(fold) => [Some(&mut fold.body), fold.last.as_mut()],
        Instruction::Match(test) | Instruction::Mismatch(test) => [Some(&mut test.body), None],
        _ => [None, None],
    }
}

fn span_mut(instruction: &mut Instruction) -> &mut AirSpan {
    match instruction {
        Instruction::Call(call) => &mut call.span,
        Instruction::Canon(canon) => &mut canon.span,
        Instruction::Ap(ap) => &mut ap.span,
        Instruction::ApMap(ap) => &mut ap.span,
        Instruction::Seq(pair) | Instruction::Par(pair) | Instruction::Xor(pair) => &mut pair.span,
        Instruction::Null(span) | Instruction::Never(span) => span,
        Instruction::New(new) => &mut new.span,
        Instruction::Fail(fail) => &mut fail.span,
        Instruction::Fold(fold) => &mut fold.span,
        Instruction::Next(next) => &mut next.span,
        Instruction::Match(test) | Instruction::Mismatch(test) => &mut test.span,
    }
}

/// A tag: `start` marks it (no AIR text is 4 GiB long), `end` is the origin's index.
const TAG: u32 = u32::MAX;

/// The origins recorded while lowering one script, and the names.
#[derive(Debug, Default)]
pub(crate) struct Tagger {
    origins: Vec<Origin>,
    names: BTreeMap<String, NameOrigin>,
}

impl Tagger {
    /// Tags every untagged instruction of `instructions` (and below) with `origin`. Tagged
    /// subtrees are skipped whole: everything under a tag was tagged with it or before it, so
    /// each instruction is visited once over the whole lowering.
    pub fn stamp(&mut self, instructions: &mut [Instruction], origin: Origin) {
        let tag = AirSpan { start: TAG, end: self.origins.len() as u32 };
        let mut used = false;
        let mut stack: Vec<&mut Instruction> = instructions.iter_mut().collect();
        while let Some(instruction) = stack.pop() {
            let span = span_mut(instruction);
            if span.start == TAG {
                continue;
            }
            *span = tag;
            used = true;
            stack.extend(children_mut(instruction).into_iter().flatten());
        }
        if used {
            self.origins.push(origin);
        }
    }

    /// Tags `instruction` itself (not what is below it) with `origin`, if it is untagged.
    pub fn stamp_one(&mut self, instruction: &mut Instruction, origin: Origin) {
        let span = span_mut(instruction);
        if span.start != TAG {
            *span = AirSpan { start: TAG, end: self.origins.len() as u32 };
            self.origins.push(origin);
        }
    }

    /// The Aqua name recorded for a generated name.
    pub fn name_of(&self, air_name: &str) -> Option<&NameOrigin> {
        self.names.get(air_name)
    }

    /// Records that `derived` (a canonicalization, a gate's variables) stands for what
    /// `air_name` stands for.
    pub fn alias(&mut self, derived: &str, air_name: &str) {
        if let Some(origin) = self.names.get(air_name).cloned() {
            self.names.entry(derived.to_owned()).or_insert(origin);
        }
    }

    /// Records that the generated `air_name` stands for the Aqua `name` bound at `span`; the
    /// first binding of a generated name is the one it is known by.
    pub fn name(&mut self, air_name: &str, name: &str, file: FileId, span: Span) {
        self.names.entry(air_name.to_owned()).or_insert_with(|| NameOrigin {
            name: name.to_owned(),
            file,
            span,
        });
    }

    /// Reads the tags of a finished script in pre-order, clearing them, and gives its map.
    /// Instructions left untagged come from `fallback` (the calling convention of the function).
    pub fn finish(self, root: &mut Instruction, fallback: Origin) -> SourceMap {
        let mut instructions = Vec::new();
        let mut stack = vec![root];
        while let Some(instruction) = stack.pop() {
            let span = span_mut(instruction);
            let origin = match *span {
                AirSpan { start: TAG, end } => self.origins.get(end as usize).copied(),
                _ => None,
            };
            *span = AirSpan::DUMMY;
            instructions.push(origin.unwrap_or(fallback));
            let [left, right] = children_mut(instruction);
            stack.extend(right);
            stack.extend(left);
        }
        SourceMap { instructions, names: self.names }
    }
}
