//! The AIR abstract syntax tree: one type per instruction and value form, each with its span.
//!
//! The tree is built by the parser and by `air-codegen`, and read by the printer, the validator
//! and `air-vm`. It holds no behaviour beyond span access and span clearing: it must not know how
//! to parse, print or run itself. Node docs show the concrete syntax they stand for.

/// A byte range `start..end` in the source text.
///
/// Spans compare by value; use [`Program::without_spans`] to compare trees ignoring them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// Offset of the first byte.
    pub start: u32,
    /// Offset one past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: u32, end: u32) -> Self {
        Self { start, end }
    }

    /// The empty span used for trees built by code rather than parsed.
    pub const DUMMY: Span = Span { start: 0, end: 0 };

    /// Whether `other` lies within `self`.
    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The byte range, for slicing the source.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One AIR script: a single root instruction.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    /// The root instruction.
    pub body: Instruction,
}

/// An AIR instruction.
#[derive(Debug, Clone, PartialEq)]
pub enum Instruction {
    /// `(call peer (service function) [args] output?)`
    Call(Box<Call>),
    /// `(canon peer $stream #canon)`, `(canon peer %map #%canon)` or `(canon peer %map scalar)`
    Canon(Box<Canon>),
    /// `(ap argument result)`
    Ap(Box<Ap>),
    /// `(ap (key value) %map)`
    ApMap(Box<ApMap>),
    /// `(seq left right)`
    Seq(Box<Pair>),
    /// `(par left right)`
    Par(Box<Pair>),
    /// `(xor left right)`
    Xor(Box<Pair>),
    /// `(null)`
    Null(Span),
    /// `(never)`
    Never(Span),
    /// `(new variable body)`
    New(Box<New>),
    /// `(fail ...)`
    Fail(Box<Fail>),
    /// `(fold iterable iterator body last?)`
    Fold(Box<Fold>),
    /// `(next iterator)`
    Next(Box<Next>),
    /// `(match left right body)`
    Match(Box<Match>),
    /// `(mismatch left right body)`
    Mismatch(Box<Match>),
}

/// `(call peer (service function) [args] output?)`
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The peer that runs the call: `%init_peer_id%`, a literal, a scalar or a lensed canon.
    pub peer: Value,
    /// The service id: a literal, a scalar or a lensed canon.
    pub service: Value,
    /// The function name: a literal, a scalar or a lensed canon.
    pub function: Value,
    /// The arguments, `[a b c]`.
    pub args: Vec<Value>,
    /// Where the result goes; `None` when the result is unused.
    pub output: Option<CallOutput>,
    /// The whole instruction.
    pub span: Span,
}

/// The output of a `call`: `x` or `$s`.
#[derive(Debug, Clone, PartialEq)]
pub enum CallOutput {
    /// `x`
    Scalar(Name),
    /// `$s`
    Stream(Name),
}

/// `(canon peer source target)`
#[derive(Debug, Clone, PartialEq)]
pub struct Canon {
    /// The peer that takes the snapshot.
    pub peer: Value,
    /// Which stream is canonicalized and where the snapshot goes.
    pub form: CanonForm,
    /// The whole instruction.
    pub span: Span,
}

/// The three source and target pairs of `canon`.
#[derive(Debug, Clone, PartialEq)]
pub enum CanonForm {
    /// `$stream #canon`
    Stream {
        /// The stream, without its `$`.
        stream: Name,
        /// The canon stream, without its `#`.
        canon: Name,
    },
    /// `%map #%canon`
    Map {
        /// The stream map, without its `%`.
        map: Name,
        /// The canon map, without its `#%`.
        canon: Name,
    },
    /// `%map scalar`: the map as one JSON object.
    MapToScalar {
        /// The stream map, without its `%`.
        map: Name,
        /// The scalar that receives the object.
        scalar: Name,
    },
}

/// `(ap argument result)`
#[derive(Debug, Clone, PartialEq)]
pub struct Ap {
    /// The value that is applied; any value except a canon map without a lens.
    pub argument: Value,
    /// Where it goes.
    pub result: ApResult,
    /// The whole instruction.
    pub span: Span,
}

/// The target of a plain `ap`: `x` or `$s`.
#[derive(Debug, Clone, PartialEq)]
pub enum ApResult {
    /// `x`
    Scalar(Name),
    /// `$s`
    Stream(Name),
}

/// `(ap (key value) %map)`
#[derive(Debug, Clone, PartialEq)]
pub struct ApMap {
    /// The key. The validator accepts literals, integers, scalars and lensed canons only.
    pub key: Value,
    /// The value inserted under the key.
    pub value: Value,
    /// The stream map, without its `%`.
    pub map: Name,
    /// The whole instruction.
    pub span: Span,
}

/// The two children of `seq`, `par` and `xor`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// The first child.
    pub left: Instruction,
    /// The second child.
    pub right: Instruction,
    /// The whole instruction.
    pub span: Span,
}

/// `(new variable body)`
#[derive(Debug, Clone, PartialEq)]
pub struct New {
    /// The variable whose scope is opened; never lensed.
    pub variable: Variable,
    /// The scope.
    pub body: Instruction,
    /// The whole instruction.
    pub span: Span,
}

/// `(fail ...)`
#[derive(Debug, Clone, PartialEq)]
pub struct Fail {
    /// What is thrown.
    pub kind: FailKind,
    /// The whole instruction.
    pub span: Span,
}

/// The forms of `fail`.
#[derive(Debug, Clone, PartialEq)]
pub enum FailKind {
    /// `(fail x)`, `(fail x.$.lens)` or `(fail #canon.$.lens)`: throws an error object.
    Value(Value),
    /// `(fail 1337 "message")`
    Literal {
        /// The error code; the validator rejects 0.
        code: i64,
        /// The message, without quotes.
        message: String,
        /// The span of the code.
        code_span: Span,
    },
    /// `(fail %last_error%)`
    LastError,
    /// `(fail :error:)`
    Error,
}

/// `(fold iterable iterator body last?)`
#[derive(Debug, Clone, PartialEq)]
pub struct Fold {
    /// What is iterated.
    pub iterable: FoldIterable,
    /// The iterator, a scalar bound to each element in turn.
    pub iterator: Name,
    /// The body, run for each element.
    pub body: Instruction,
    /// The optional last instruction, run after the last element.
    pub last: Option<Instruction>,
    /// The whole instruction.
    pub span: Span,
}

/// What a `fold` iterates.
#[derive(Debug, Clone, PartialEq)]
pub enum FoldIterable {
    /// A scalar fold: `x`, `x.$.lens`, `#canon`, `#%map`, `#%map.$.lens` or `[]`.
    Value(Value),
    /// `$stream`: a stream fold.
    Stream(Name),
    /// `%map`: a stream map fold.
    StreamMap(Name),
}

/// `(next iterator)`
#[derive(Debug, Clone, PartialEq)]
pub struct Next {
    /// The iterator of the enclosing fold.
    pub iterator: Name,
    /// The whole instruction.
    pub span: Span,
}

/// `(match left right body)` and `(mismatch left right body)`
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// The first operand.
    pub left: Value,
    /// The second operand.
    pub right: Value,
    /// Runs when the operands are equal (`match`) or different (`mismatch`).
    pub body: Instruction,
    /// The whole instruction.
    pub span: Span,
}

/// A bare variable name, without its kind tag or a lens.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name {
    /// The name, such as `-relay-` or `n-0`, without `$`, `%`, `#` or `#%`.
    pub name: String,
    /// The span of the whole word, tag included.
    pub span: Span,
}

/// A tagged variable without a lens, as `new` takes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Variable {
    /// The kind, chosen by the tag.
    pub kind: VariableKind,
    /// The name and span.
    pub name: Name,
}

/// The five kinds of variables, chosen by the tag in front of the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VariableKind {
    /// `x`
    Scalar,
    /// `$x`
    Stream,
    /// `%x`
    StreamMap,
    /// `#x` or `#$x`
    CanonStream,
    /// `#%x`
    CanonStreamMap,
}

/// A value with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// Which value.
    pub kind: ValueKind,
    /// The span of the whole value.
    pub span: Span,
}

/// The value forms.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    /// `%init_peer_id%`
    InitPeerId,
    /// `%last_error%`, optionally with a lens.
    LastError(Option<Lens>),
    /// `:error:`, optionally with a lens.
    Error(Option<Lens>),
    /// `%timestamp%`
    Timestamp,
    /// `%ttl%`
    Ttl,
    /// `"text"`: no escapes, so the text never holds `"`.
    Str(String),
    /// `42`, `-7`
    Int(i64),
    /// `1.5`; the source form is at most 11 characters.
    Float(f64),
    /// `true`, `false`
    Bool(bool),
    /// `[]`
    EmptyArray,
    /// `x`, `x.$.a.[0]`, `x.length`
    Scalar {
        /// The scalar's name.
        name: String,
        /// The optional lens.
        lens: Option<Lens>,
    },
    /// `#c`, `#$c`, `#c.length`
    CanonStream {
        /// The canon stream's name.
        name: String,
        /// The optional lens.
        lens: Option<Lens>,
    },
    /// `#%m`, `#%m.$.key`
    CanonStreamMap {
        /// The canon map's name.
        name: String,
        /// The optional lens.
        lens: Option<Lens>,
    },
}

/// A lens (lambda) after a variable.
#[derive(Debug, Clone, PartialEq)]
pub enum Lens {
    /// `.length`, the functor, only when it is the whole lens.
    Length,
    /// `.$` followed by one or more accessors, such as `.$.a.[0]`.
    Path(Vec<Accessor>),
}

/// One step of a lens path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accessor {
    /// `.field`
    Field(String),
    /// `.[3]`
    Index(u32),
    /// `.[x]`: index or field, chosen by the scalar's runtime type.
    ByScalar(String),
}

impl Instruction {
    /// The span of the whole instruction.
    pub fn span(&self) -> Span {
        match self {
            Instruction::Call(call) => call.span,
            Instruction::Canon(canon) => canon.span,
            Instruction::Ap(ap) => ap.span,
            Instruction::ApMap(ap) => ap.span,
            Instruction::Seq(pair) | Instruction::Par(pair) | Instruction::Xor(pair) => pair.span,
            Instruction::Null(span) | Instruction::Never(span) => *span,
            Instruction::New(new) => new.span,
            Instruction::Fail(fail) => fail.span,
            Instruction::Fold(fold) => fold.span,
            Instruction::Next(next) => next.span,
            Instruction::Match(match_) | Instruction::Mismatch(match_) => match_.span,
        }
    }

    /// This instruction with its own span (not its children's) replaced by `span`.
    pub fn with_span(mut self, span: Span) -> Self {
        match &mut self {
            Instruction::Call(call) => call.span = span,
            Instruction::Canon(canon) => canon.span = span,
            Instruction::Ap(ap) => ap.span = span,
            Instruction::ApMap(ap) => ap.span = span,
            Instruction::Seq(pair) | Instruction::Par(pair) | Instruction::Xor(pair) => {
                pair.span = span
            }
            Instruction::Null(own) | Instruction::Never(own) => *own = span,
            Instruction::New(new) => new.span = span,
            Instruction::Fail(fail) => fail.span = span,
            Instruction::Fold(fold) => fold.span = span,
            Instruction::Next(next) => next.span = span,
            Instruction::Match(match_) | Instruction::Mismatch(match_) => match_.span = span,
        }
        self
    }

    /// The instruction keyword, such as `"call"`.
    pub fn keyword(&self) -> &'static str {
        match self {
            Instruction::Call(_) => "call",
            Instruction::Canon(_) => "canon",
            Instruction::Ap(_) | Instruction::ApMap(_) => "ap",
            Instruction::Seq(_) => "seq",
            Instruction::Par(_) => "par",
            Instruction::Xor(_) => "xor",
            Instruction::Null(_) => "null",
            Instruction::Never(_) => "never",
            Instruction::New(_) => "new",
            Instruction::Fail(_) => "fail",
            Instruction::Fold(_) => "fold",
            Instruction::Next(_) => "next",
            Instruction::Match(_) => "match",
            Instruction::Mismatch(_) => "mismatch",
        }
    }
}

impl Name {
    /// A name with the given span.
    pub fn new(name: impl Into<String>, span: Span) -> Self {
        Self { name: name.into(), span }
    }
}

impl Value {
    /// A value with the given span.
    pub fn new(kind: ValueKind, span: Span) -> Self {
        Self { kind, span }
    }
}

impl Program {
    /// A copy of this program with every span set to [`Span::DUMMY`], for comparing trees.
    pub fn without_spans(&self) -> Program {
        let mut program = self.clone();
        program.clear_spans();
        program
    }

    /// Sets every span in the tree to [`Span::DUMMY`].
    pub fn clear_spans(&mut self) {
        self.body.clear_spans();
    }
}

impl Instruction {
    /// The instructions directly inside this one, in order.
    pub fn children(&self) -> Vec<&Instruction> {
        match self {
            Instruction::Seq(pair) | Instruction::Par(pair) | Instruction::Xor(pair) => {
                vec![&pair.left, &pair.right]
            }
            Instruction::New(new) => vec![&new.body],
            Instruction::Fold(fold) => {
                std::iter::once(&fold.body).chain(fold.last.as_ref()).collect()
            }
            Instruction::Match(match_) | Instruction::Mismatch(match_) => vec![&match_.body],
            Instruction::Call(_)
            | Instruction::Canon(_)
            | Instruction::Ap(_)
            | Instruction::ApMap(_)
            | Instruction::Null(_)
            | Instruction::Never(_)
            | Instruction::Fail(_)
            | Instruction::Next(_) => Vec::new(),
        }
    }

    /// Calls `visit` on every instruction of this subtree, this one first, depth first.
    pub fn walk_mut(&mut self, visit: &mut dyn FnMut(&mut Instruction)) {
        let mut stack = vec![self];
        while let Some(instruction) = stack.pop() {
            visit(instruction);
            match instruction {
                Instruction::Seq(pair) | Instruction::Par(pair) | Instruction::Xor(pair) => {
                    stack.push(&mut pair.right);
                    stack.push(&mut pair.left);
                }
                Instruction::New(new) => stack.push(&mut new.body),
                Instruction::Fold(fold) => {
                    stack.extend(fold.last.as_mut());
                    stack.push(&mut fold.body);
                }
                Instruction::Match(match_) | Instruction::Mismatch(match_) => {
                    stack.push(&mut match_.body)
                }
                Instruction::Call(_)
                | Instruction::Canon(_)
                | Instruction::Ap(_)
                | Instruction::ApMap(_)
                | Instruction::Null(_)
                | Instruction::Never(_)
                | Instruction::Fail(_)
                | Instruction::Next(_) => {}
            }
        }
    }

    /// Calls `visit` on every value this instruction reads (its own, not its subtree's):
    /// call peers, names and arguments, canon peers, `ap` arguments and keys, `fail` values,
    /// fold iterables and match operands.
    pub fn values_mut(&mut self, visit: &mut dyn FnMut(&mut Value)) {
        match self {
            Instruction::Call(call) => {
                visit(&mut call.peer);
                visit(&mut call.service);
                visit(&mut call.function);
                call.args.iter_mut().for_each(visit);
            }
            Instruction::Canon(canon) => visit(&mut canon.peer),
            Instruction::Ap(ap) => visit(&mut ap.argument),
            Instruction::ApMap(ap) => {
                visit(&mut ap.key);
                visit(&mut ap.value);
            }
            Instruction::Fail(fail) => {
                if let FailKind::Value(value) = &mut fail.kind {
                    visit(value);
                }
            }
            Instruction::Fold(fold) => {
                if let FoldIterable::Value(value) = &mut fold.iterable {
                    visit(value);
                }
            }
            Instruction::Match(match_) | Instruction::Mismatch(match_) => {
                visit(&mut match_.left);
                visit(&mut match_.right);
            }
            Instruction::Seq(_)
            | Instruction::Par(_)
            | Instruction::Xor(_)
            | Instruction::New(_)
            | Instruction::Null(_)
            | Instruction::Never(_)
            | Instruction::Next(_) => {}
        }
    }

    /// Sets every span in this subtree to [`Span::DUMMY`].
    pub fn clear_spans(&mut self) {
        match self {
            Instruction::Call(call) => {
                call.span = Span::DUMMY;
                call.peer.span = Span::DUMMY;
                call.service.span = Span::DUMMY;
                call.function.span = Span::DUMMY;
                call.args.iter_mut().for_each(|arg| arg.span = Span::DUMMY);
                match &mut call.output {
                    Some(CallOutput::Scalar(name) | CallOutput::Stream(name)) => {
                        name.span = Span::DUMMY;
                    }
                    None => {}
                }
            }
            Instruction::Canon(canon) => {
                canon.span = Span::DUMMY;
                canon.peer.span = Span::DUMMY;
                match &mut canon.form {
                    CanonForm::Stream { stream: source, canon: target }
                    | CanonForm::Map { map: source, canon: target }
                    | CanonForm::MapToScalar { map: source, scalar: target } => {
                        source.span = Span::DUMMY;
                        target.span = Span::DUMMY;
                    }
                }
            }
            Instruction::Ap(ap) => {
                ap.span = Span::DUMMY;
                ap.argument.span = Span::DUMMY;
                let (ApResult::Scalar(name) | ApResult::Stream(name)) = &mut ap.result;
                name.span = Span::DUMMY;
            }
            Instruction::ApMap(ap) => {
                ap.span = Span::DUMMY;
                ap.key.span = Span::DUMMY;
                ap.value.span = Span::DUMMY;
                ap.map.span = Span::DUMMY;
            }
            Instruction::Seq(pair) | Instruction::Par(pair) | Instruction::Xor(pair) => {
                pair.span = Span::DUMMY;
                pair.left.clear_spans();
                pair.right.clear_spans();
            }
            Instruction::Null(span) | Instruction::Never(span) => *span = Span::DUMMY,
            Instruction::New(new) => {
                new.span = Span::DUMMY;
                new.variable.name.span = Span::DUMMY;
                new.body.clear_spans();
            }
            Instruction::Fail(fail) => {
                fail.span = Span::DUMMY;
                match &mut fail.kind {
                    FailKind::Value(value) => value.span = Span::DUMMY,
                    FailKind::Literal { code_span, .. } => *code_span = Span::DUMMY,
                    FailKind::LastError | FailKind::Error => {}
                }
            }
            Instruction::Fold(fold) => fold.clear_spans(),
            Instruction::Next(next) => {
                next.span = Span::DUMMY;
                next.iterator.span = Span::DUMMY;
            }
            Instruction::Match(match_) | Instruction::Mismatch(match_) => {
                match_.span = Span::DUMMY;
                match_.left.span = Span::DUMMY;
                match_.right.span = Span::DUMMY;
                match_.body.clear_spans();
            }
        }
    }
}

impl Fold {
    fn clear_spans(&mut self) {
        self.span = Span::DUMMY;
        match &mut self.iterable {
            FoldIterable::Value(value) => value.span = Span::DUMMY,
            FoldIterable::Stream(name) | FoldIterable::StreamMap(name) => name.span = Span::DUMMY,
        }
        self.iterator.span = Span::DUMMY;
        self.body.clear_spans();
        if let Some(last) = &mut self.last {
            last.clear_spans();
        }
    }
}
