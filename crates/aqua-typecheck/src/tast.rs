//! The typed program: what code generation consumes.
//!
//! Every expression carries its resolved type, every name is resolved (locals by [`LocalId`],
//! functions by [`FuncId`], services by [`ServiceDefId`] together with the id expression in force
//! at the call, constants by their literal value), and all modules are merged into one
//! [`Program`]. Namespaces, imports and aliases are gone. This module holds data only.

use std::sync::Arc;

pub use aqua_syntax::ast::{BinaryOp, CollectionKind, ForMode, Literal};
use aqua_syntax::{FileId, Span};
use smol_str::SmolStr;

use crate::types::{ArrowType, ServiceType, StructType, Type};

/// Index of a function in [`Program::functions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncId(pub u32);

/// Index of a service in [`Program::services`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServiceDefId(pub u32);

/// Index of a constant in [`Program::constants`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConstId(pub u32);

/// Index of a module in [`Program::modules`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleId(pub u32);

/// A local value of one function (parameters, abilities, bindings, closures), unique within the
/// top-level function that contains it, closures included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalId(pub u32);

/// A whole checked program: every loaded module, merged.
#[derive(Debug, Clone, Default)]
pub struct Program {
    /// The loaded modules; the checked file is [`Program::entry`].
    pub modules: Vec<ModuleInfo>,
    /// Every function of every module, in dependency order (callees before callers).
    pub functions: Vec<Func>,
    /// Every service definition.
    pub services: Vec<Service>,
    /// Every constant, with overrides applied.
    pub constants: Vec<Const>,
    /// Every `data` type, by name, for code generation of host types.
    pub structs: Vec<Arc<StructType>>,
    /// What the entry module exports, in source order.
    pub exports: Vec<Export>,
    /// The module that was checked.
    pub entry: Option<ModuleId>,
}

impl Program {
    /// The name of method `method` of service `service` (an [`ExprKind::Method`]'s), if both are.
    pub fn method_name(&self, service: ServiceDefId, method: u32) -> Option<&SmolStr> {
        let service = self.services.get(service.0 as usize)?;
        service.ty.methods.get(method as usize).map(|(name, _)| name)
    }
}

/// One loaded module.
#[derive(Debug, Clone)]
pub struct ModuleInfo {
    /// The name in its header (`Lib.Math`).
    pub name: SmolStr,
    /// The file it came from.
    pub file: FileId,
    /// The path used to load it (`stdlib:builtin.aqua` for the standard library).
    pub path: String,
}

/// `export f as g`: an exported name.
#[derive(Debug, Clone)]
pub struct Export {
    /// The name the host sees.
    pub name: SmolStr,
    /// What is exported.
    pub target: ExportTarget,
    /// The export item in the entry module.
    pub span: Span,
}

/// What an export names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportTarget {
    /// A function: it becomes one AIR script.
    Func(FuncId),
    /// A service: the host gets a registration helper.
    Service(ServiceDefId),
    /// A constant (no AIR effect).
    Const(ConstId),
    /// A type (no AIR effect).
    Type,
}

/// `func name{Ab}(a: T) -> R: body`
#[derive(Debug, Clone)]
pub struct Func {
    /// Its index.
    pub id: FuncId,
    /// Its name in the defining module.
    pub name: SmolStr,
    /// The defining module.
    pub module: ModuleId,
    /// The file its spans refer to.
    pub file: FileId,
    /// Abilities taken in braces, bound to locals named after their type.
    pub abilities: Box<[Binding]>,
    /// Parameters.
    pub params: Box<[Binding]>,
    /// The arrow type of the whole function; its results are the function's.
    pub ty: Arc<ArrowType>,
    /// The body.
    pub body: Block,
    /// How many locals the body uses (ids are `0..locals`).
    pub locals: u32,
    /// The whole definition.
    pub span: Span,
}

/// `service Name("id"): methods`
#[derive(Debug, Clone)]
pub struct Service {
    /// Its index.
    pub id: ServiceDefId,
    /// Its name in the defining module.
    pub name: SmolStr,
    /// The defining module.
    pub module: ModuleId,
    /// The file its spans refer to.
    pub file: FileId,
    /// Its methods.
    pub ty: Arc<ServiceType>,
    /// The default service id, if any (a string expression without locals), shared with every
    /// use of the service that it applies to.
    pub default_id: Option<Arc<Expr>>,
    /// The whole definition.
    pub span: Span,
}

/// `const NAME = value`
#[derive(Debug, Clone)]
pub struct Const {
    /// Its index.
    pub id: ConstId,
    /// Its name.
    pub name: SmolStr,
    /// The defining module.
    pub module: ModuleId,
    /// The value, after `--const` overrides.
    pub value: Literal,
    /// The literal type of the value.
    pub ty: Type,
    /// The definition.
    pub span: Span,
}

/// A local name introduced by a parameter, binding, loop, catch or closure.
#[derive(Debug, Clone)]
pub struct Binding {
    /// The local.
    pub local: LocalId,
    /// The name as written.
    pub name: SmolStr,
    /// Its type.
    pub ty: Type,
    /// Where it was introduced.
    pub span: Span,
}

/// A sequence of statements.
#[derive(Debug, Clone, Default)]
pub struct Block {
    /// The statements (a boxed slice, not a vector: blocks sit inside statements, and the
    /// capacity word would make every statement larger).
    pub stmts: Box<[Stmt]>,
    /// The block.
    pub span: Span,
}

/// A statement.
#[derive(Debug, Clone)]
pub struct Stmt {
    /// What it does.
    pub kind: StmtKind,
    /// Where it was written.
    pub span: Span,
}

/// Where one result of a call goes.
#[derive(Debug, Clone)]
pub enum ResultTarget {
    /// `x <- f()`: a new local.
    Bind(Binding),
    /// `s <- f()` for an existing stream `s`: appended.
    Push {
        /// The stream.
        stream: LocalId,
        /// Its name.
        name: SmolStr,
    },
    /// `m <- f()` for an existing stream map `m` and a `(string, T)` result.
    Insert {
        /// The map.
        map: LocalId,
        /// Its name.
        name: SmolStr,
    },
}

/// The statement forms.
///
/// Large parts of the forms other than calls are boxed so that every statement stays small: a
/// block is a vector of statements, each as large as the largest form.
#[derive(Debug, Clone)]
pub enum StmtKind {
    /// `a, s <- f(x)`, or a bare call when `results` is empty.
    Call {
        /// Where each result goes, in order (may be fewer than the call's results).
        results: Box<[ResultTarget]>,
        /// The call, an [`ExprKind::Call`].
        call: Expr,
    },
    /// `x = value`: the new local's type is the value's ([`StmtKind::assigned`] gives it as a
    /// [`Binding`]; one held whole would repeat the type and make every statement larger).
    Assign {
        /// The new local.
        local: LocalId,
        /// Its name as written.
        name: SmolStr,
        /// Where the name was written.
        name_span: Span,
        /// The value.
        value: Box<Expr>,
    },
    /// `<- a, b`
    Return(Vec<Expr>),
    /// `Srv "id"`: the id is also substituted into every later call of `Srv` in the block.
    ServiceId {
        /// The service.
        service: ServiceDefId,
        /// The id value.
        id: Expr,
    },
    /// `s <<- v` / `m <<- k, v`
    Push {
        /// The stream or map.
        target: LocalId,
        /// The target's name.
        name: SmolStr,
        /// The key, for maps.
        key: Option<Box<Expr>>,
        /// The value.
        value: Box<Expr>,
    },
    /// `s: *T`
    DeclareStream(Binding),
    /// `c = (a: T) -> R: body` (boxed, as a rare form).
    Closure(Box<ClosureDef>),
    /// `on peer via r:`
    On {
        /// The peer.
        peer: Box<Expr>,
        /// The relays, each a string or a collection of strings.
        via: Vec<Expr>,
        /// The body.
        body: Block,
    },
    /// `for x <- xs [mode]:`
    For {
        /// One local, or key and value for maps.
        pattern: Box<[Binding]>,
        /// The collection.
        iterable: Box<Expr>,
        /// `par`, `try`, `rec`.
        mode: Option<ForMode>,
        /// The body.
        body: Block,
    },
    /// `parseq x <- xs on peer via r:` (boxed, as a rare form).
    ParSeq(Box<ParSeq>),
    /// `if cond: … else: …`
    If {
        /// The `bool` condition.
        cond: Box<Expr>,
        /// The `if` block.
        then_block: Block,
        /// The `else` block.
        else_block: Option<Block>,
    },
    /// `try: … catch e: … otherwise: …`
    Try {
        /// The tried block.
        body: Block,
        /// The error binding (of the `Error` struct type) and its block.
        catch: Option<Box<(Binding, Block)>>,
        /// The `otherwise` block.
        otherwise: Option<Block>,
    },
    /// `stmt` followed by `otherwise:`.
    Otherwise {
        /// The statement tried first.
        attempt: Box<Stmt>,
        /// Runs if it fails.
        fallback: Block,
    },
    /// Statements run in parallel.
    Par(Vec<Stmt>),
    /// `co stmt`
    Co(Box<Stmt>),
    /// `join a, s[n]`
    Join(Vec<Expr>),
    /// A statement that failed to check or parse.
    Error,
}

/// `c = (a: T) -> R: body`: the operand of [`StmtKind::Closure`].
#[derive(Debug, Clone)]
pub struct ClosureDef {
    /// The closure's local (of arrow type).
    pub binding: Binding,
    /// `func (…)`: runs where it is called.
    pub detached: bool,
    /// Parameters.
    pub params: Box<[Binding]>,
    /// Result types.
    pub results: Box<[Type]>,
    /// The body.
    pub body: Block,
}

impl StmtKind {
    /// The local an [`StmtKind::Assign`] introduces, typed as its value; `None` for other forms.
    pub fn assigned(&self) -> Option<Binding> {
        match self {
            StmtKind::Assign { local, name, name_span, value } => Some(Binding {
                local: *local,
                name: name.clone(),
                ty: value.ty.clone(),
                span: *name_span,
            }),
            _ => None,
        }
    }
}

/// `parseq x <- xs on peer via r:`: the operand of [`StmtKind::ParSeq`].
#[derive(Debug, Clone)]
pub struct ParSeq {
    /// One local, or key and value for maps.
    pub pattern: Box<[Binding]>,
    /// The collection.
    pub iterable: Expr,
    /// The peer of each iteration.
    pub peer: Expr,
    /// The relays.
    pub via: Box<[Expr]>,
    /// The body.
    pub body: Block,
}

/// A typed expression.
#[derive(Debug, Clone)]
pub struct Expr {
    /// The form.
    pub kind: ExprKind,
    /// The resolved type.
    pub ty: Type,
    /// Where it was written.
    pub span: Span,
}

/// Built-in constants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuiltinConst {
    /// `INIT_PEER_ID` and `%init_peer_id%`: string.
    InitPeerId,
    /// `HOST_PEER_ID`: string.
    HostPeerId,
    /// `PARTICLE_TTL`: u32.
    ParticleTtl,
    /// `PARTICLE_TIMESTAMP`: u64.
    ParticleTimestamp,
    /// `nil`: `?⊥`.
    Nil,
    /// `LAST_ERROR`: the `Error` struct.
    LastError,
}

/// The methods of a stream map `%T`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapMethod {
    /// `m.get(k) -> []T`
    Get,
    /// `m.getStream(k) -> *T`
    GetStream,
    /// `m.keys() -> []string`
    Keys,
    /// `m.keysStream() -> *string`
    KeysStream,
    /// `m.contains(k) -> bool`
    Contains,
}

/// The expression forms.
#[derive(Debug, Clone)]
pub enum ExprKind {
    /// A literal (behind a pointer: inline, it would make every expression larger; shared by
    /// every use of the same literal in a check, as one `10` serves every function).
    Literal(Arc<Literal>),
    /// A built-in constant.
    Builtin(BuiltinConst),
    /// A user constant, inlined: its value after overrides.
    Const {
        /// Which constant.
        id: ConstId,
        /// Its value (shared, as a [`ExprKind::Literal`]'s).
        value: Arc<Literal>,
    },
    /// A local value.
    Local {
        /// Which local.
        local: LocalId,
        /// Its name (one copy of each name serves every use of it in a check: a name held
        /// inline would make every expression larger).
        name: Arc<str>,
    },
    /// A top-level function used as a value or callee.
    Func(FuncId),
    /// A service with the id in force here.
    Service {
        /// Which service.
        service: ServiceDefId,
        /// Its id value (shared: every use of `Srv` under one `Srv "id"` line, or under the
        /// default id, holds the same expression).
        id: Arc<Expr>,
    },
    /// `Srv.method` on a service named directly (`Srv`, `Ns.Srv`), the common callee: the
    /// method by its index in the service's declaration, with the id in force here. Unlike
    /// [`ExprKind::Field`], it takes no allocation of its own (a boxed member was one per call).
    Method {
        /// Which service.
        service: ServiceDefId,
        /// The method's index in [`crate::types::ServiceType::methods`].
        method: u32,
        /// The service id value (shared, as [`ExprKind::Service`]'s).
        id: Arc<Expr>,
    },
    /// `callee{abilities}(args)`: the callee is an arrow-typed expression (a function, a local
    /// arrow, a service method ([`ExprKind::Method`]), or an ability member); it is the first of
    /// the call's operands, which [`Operands`] reads. The fields are the variant's own: as one
    /// struct, they would make every expression larger.
    Call {
        /// The callee, the abilities, then the arguments.
        list: Box<[Expr]>,
        /// How many of `list` are abilities.
        abilities: u32,
    },
    /// `base.name`: a struct field, an ability member or a method of a service value other than
    /// a named service ([`ExprKind::Method`]) (the base and the
    /// name in one box: a name beside the box would make every expression larger).
    Field(Box<Member>),
    /// `xs.length`
    Length(Box<Expr>),
    /// `xs[i]`
    Index {
        /// The collection.
        base: Box<Expr>,
        /// The integer index.
        index: Box<Expr>,
    },
    /// `xs!` / `xs!N`
    Bang {
        /// The collection.
        base: Box<Expr>,
        /// `N`, 0 when absent.
        index: u32,
    },
    /// `[a, b]`, `?[a, b]`, `*[a, b]`
    Collection {
        /// Array, option or stream.
        kind: CollectionKind,
        /// The elements.
        elems: Box<[Expr]>,
    },
    /// `!x`
    Not(Box<Expr>),
    /// `a op b`
    /// (the operator and both operands in one box: two boxes took 16 bytes and one allocation
    /// more).
    Binary(Box<Binary>),
    /// `Name(f = v, …)` for a struct: one value for each field, in declaration order. The struct
    /// type is the expression's type ([`Expr::struct_type`]), which names the fields
    /// ([`Expr::named_fields`]): names held here too would repeat the type in every construction.
    MakeStruct {
        /// Field values in declaration order.
        fields: Box<[Expr]>,
    },
    /// `Name(f = v, …)` for an ability: one value for each member, in declaration order, named
    /// by the expression's type ([`Expr::named_fields`]).
    MakeAbility {
        /// Member values in declaration order.
        fields: Box<[Expr]>,
    },
    /// `s.copy(f = v)` (boxed, as a rare form).
    Copy(Box<CopyWith>),
    /// `m.get(k)` and the other stream map methods (boxed, as a rare form).
    MapCall(Box<MapCall>),
    /// An expression that failed to check; an error was reported.
    Error,
}

/// `base.name`: the operand of [`ExprKind::Field`].
#[derive(Debug, Clone)]
pub struct Member {
    /// The struct, ability or service.
    pub base: Expr,
    /// The member.
    pub name: SmolStr,
}

/// `a op b`: the operand of [`ExprKind::Binary`].
#[derive(Debug, Clone)]
pub struct Binary {
    /// The operator.
    pub op: BinaryOp,
    /// Left.
    pub lhs: Expr,
    /// Right.
    pub rhs: Expr,
}

/// `s.copy(f = v)`: the operand of [`ExprKind::Copy`].
#[derive(Debug, Clone)]
pub struct CopyWith {
    /// The copied struct.
    pub base: Expr,
    /// The replaced fields.
    pub fields: Box<[(SmolStr, Expr)]>,
}

/// `m.get(k)` and the other stream map methods: the operand of [`ExprKind::MapCall`].
#[derive(Debug, Clone)]
pub struct MapCall {
    /// The map.
    pub map: Expr,
    /// The method.
    pub method: MapMethod,
    /// The arguments.
    pub args: Box<[Expr]>,
}

/// The callee, abilities and arguments of a call ([`ExprKind::Call`]), which holds them in one
/// list: a call is the largest expression form, every expression is as large as the largest
/// form, and a callee of its own would be one more allocation per call.
#[derive(Debug, Clone, Copy)]
pub struct Operands<'a> {
    /// The callee, the abilities, then the arguments.
    list: &'a [Expr],
    /// How many of `list` are abilities.
    abilities: u32,
}

impl ExprKind {
    /// A call of `callee` with the abilities passed in braces (in the callee's order) and the
    /// arguments (in parameter order).
    pub fn call(callee: Expr, abilities: Vec<Expr>, args: Vec<Expr>) -> ExprKind {
        let count = abilities.len();
        let mut list = Vec::with_capacity(1 + count + args.len());
        list.push(callee);
        list.extend(abilities);
        list.extend(args);
        // A list longer than `u32::MAX` cannot come from a source file (spans are 32-bit).
        ExprKind::Call { list: list.into_boxed_slice(), abilities: count as u32 }
    }

    /// The operands of a call, or `None` for another form.
    pub fn operands(&self) -> Option<Operands<'_>> {
        match self {
            ExprKind::Call { list, abilities } => Some(Operands::new(list, *abilities)),
            _ => None,
        }
    }
}

impl<'a> Operands<'a> {
    /// The operands of [`ExprKind::Call`]`{ list, abilities }`.
    pub fn new(list: &'a [Expr], abilities: u32) -> Operands<'a> {
        Operands { list, abilities }
    }

    /// What is called (an error expression only if the list were empty, which [`Operands::new`]
    /// rules out).
    pub fn callee(&self) -> &'a Expr {
        self.list.first().unwrap_or(&ERROR)
    }

    /// The abilities passed in braces, in the callee's order.
    pub fn abilities(&self) -> &'a [Expr] {
        self.list.get(1..1 + self.abilities as usize).unwrap_or_default()
    }

    /// The arguments, in parameter order.
    pub fn args(&self) -> &'a [Expr] {
        self.list.get(1 + self.abilities as usize..).unwrap_or_default()
    }

    /// The abilities, then the arguments.
    pub fn all(&self) -> &'a [Expr] {
        self.list.get(1..).unwrap_or_default()
    }
}

/// What [`Operands::callee`] falls back on.
static ERROR: Expr =
    Expr { kind: ExprKind::Error, ty: Type::Error, span: Span { start: 0, end: 0 } };

impl Expr {
    /// An error expression at `span`.
    pub fn error(span: Span) -> Expr {
        Expr { kind: ExprKind::Error, ty: Type::Error, span }
    }

    /// The struct type of a [`ExprKind::MakeStruct`] (its type), or `None` for an expression of
    /// another type.
    pub fn struct_type(&self) -> Option<&Arc<StructType>> {
        match &self.ty {
            Type::Struct(ty) => Some(ty),
            _ => None,
        }
    }

    /// The fields of a [`ExprKind::MakeStruct`] or [`ExprKind::MakeAbility`], each value with the
    /// name its type declares; empty for other forms.
    pub fn named_fields(&self) -> impl Iterator<Item = (&SmolStr, &Expr)> {
        let values: &[Expr] = match &self.kind {
            ExprKind::MakeStruct { fields } | ExprKind::MakeAbility { fields } => fields,
            _ => &[],
        };
        let names: &[(SmolStr, Type)] = match &self.ty {
            Type::Struct(ty) => &ty.fields,
            Type::Ability(ty) => &ty.fields,
            _ => &[],
        };
        names.iter().map(|(name, _)| name).zip(values)
    }

    /// The value of a literal or of an inlined constant.
    pub fn literal(&self) -> Option<&Literal> {
        match &self.kind {
            ExprKind::Literal(value) | ExprKind::Const { value, .. } => Some(value),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Expr, Stmt};

    /// Statements and expressions are most of a typed program, so their sizes are most of its
    /// memory (before boxing the large rare parts, a statement took 248 bytes and an expression 80;
    /// an assignment holding its binding whole, a closure's parts inline and a `for` pattern's
    /// vector kept statements at 80;
    /// at 48 or 56 bytes a boxed expression takes a 64-byte block of the allocator, at 64 bytes 80,
    /// but most expressions sit inline in lists, where every byte counts). An expression is 24
    /// bytes of form, 16 of type and 8 of span: a form of 32 bytes (a name held inline, a call's
    /// operands as one struct) made it 56.
    #[test]
    fn statements_and_expressions_stay_small() {
        assert!(std::mem::size_of::<Stmt>() <= 72, "Stmt: {}", std::mem::size_of::<Stmt>());
        assert!(std::mem::size_of::<Expr>() <= 48, "Expr: {}", std::mem::size_of::<Expr>());
    }
}
