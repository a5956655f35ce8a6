//! The Aqua syntax tree. Every node carries the byte span of the source it came from.
//!
//! The tree mirrors the source: it resolves no names and knows no types. Blocks that attach to the
//! previous statement in the source (`else`, `catch`, `otherwise`, `par`) are already attached here.

use serde::Serialize;
pub use smol_str::SmolStr;

use crate::span::Span;

/// A parsed `.aqua` file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Module {
    /// The `aqua Name declares …` line, if the file has one.
    pub header: Option<ModuleHeader>,
    /// `import`, `use` and `export` lines, in source order.
    pub header_items: Vec<HeaderItem>,
    /// Top-level definitions, in source order.
    pub items: Vec<Item>,
    /// The whole file.
    pub span: Span,
}

/// An identifier with its span: `name`, `Class` or `NAME`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ident {
    /// The identifier as written (stored inline when short).
    pub name: SmolStr,
    /// Where it was written.
    pub span: Span,
}

/// A dotted name such as `Lib.Math` or `M.Srv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QualifiedName {
    /// The segments, at least one.
    pub parts: Vec<Ident>,
    /// The whole name.
    pub span: Span,
}

/// A string literal: its text without quotes (Aqua strings have no escapes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StringLit {
    /// The characters between the quotes.
    pub value: String,
    /// The literal, quotes included.
    pub span: Span,
}

/// `aqua Name [declares …]`, or the obsolete `module Name …`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModuleHeader {
    /// Which keyword started the header.
    pub keyword: HeaderKeyword,
    /// The module name.
    pub name: QualifiedName,
    /// The `declares` list, if present.
    pub declares: Option<Declares>,
    /// The whole header line.
    pub span: Span,
}

/// The keyword of a module header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum HeaderKeyword {
    /// `aqua`
    Aqua,
    /// `module` (removed in Aqua 0.14; reported as an error)
    Module,
}

/// What a module declares to its importers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Declares {
    /// `declares *`
    All(Span),
    /// `declares a, B, C.D`
    Names(Vec<QualifiedName>),
}

/// One `import`, `use` or `export` line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum HeaderItem {
    /// `import "path"`: every declared name of the target.
    Import {
        /// The imported file.
        path: StringLit,
        /// The whole line.
        span: Span,
    },
    /// `import a, B as C from "path"`
    ImportFrom {
        /// The names taken, with optional renames.
        names: Vec<ImportName>,
        /// The imported file.
        path: StringLit,
        /// The whole line.
        span: Span,
    },
    /// `use "path" [as M]`: everything declared, under a namespace.
    Use {
        /// The used file.
        path: StringLit,
        /// The namespace, when renamed.
        alias: Option<QualifiedName>,
        /// The whole line.
        span: Span,
    },
    /// `use a, B from "path" [as M]`
    UseFrom {
        /// The names taken, with optional renames.
        names: Vec<ImportName>,
        /// The used file.
        path: StringLit,
        /// The namespace, when named.
        alias: Option<QualifiedName>,
        /// The whole line.
        span: Span,
    },
    /// `export f, g as h, Srv`
    Export {
        /// The exported names, with optional renames.
        names: Vec<ImportName>,
        /// The whole line.
        span: Span,
    },
}

/// `name [as other]` in an import, use or export list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportName {
    /// The name in the source module.
    pub name: QualifiedName,
    /// The name it gets here.
    pub alias: Option<QualifiedName>,
    /// The whole item.
    pub span: Span,
}

/// A top-level definition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Item {
    /// `const NAME = value` or `const NAME ?= value`
    Const(ConstDef),
    /// `alias Name: Type`
    Alias(AliasDef),
    /// `data Name:` with fields
    Data(DataDef),
    /// `service Name("id"):` with methods
    Service(ServiceDef),
    /// `ability Name:` with members
    Ability(AbilityDef),
    /// `func name(...) -> ...:` with a body
    Func(FuncDef),
    /// A definition that failed to parse; the error was reported.
    Error(Span),
}

/// `const NAME = value` / `const NAME ?= value`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConstDef {
    /// The constant's name.
    pub name: Ident,
    /// `?=`: the value is a default that the compiler options may override.
    pub overridable: bool,
    /// The value (the type checker requires a literal or another constant).
    pub value: Expr,
    /// The whole line.
    pub span: Span,
}

/// `alias Name: Type`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AliasDef {
    /// The new name.
    pub name: Ident,
    /// The aliased type.
    pub ty: TypeExpr,
    /// The whole line.
    pub span: Span,
}

/// `data Name:` followed by `field: Type` lines.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataDef {
    /// The struct's name.
    pub name: Ident,
    /// Its fields, in order.
    pub fields: Vec<Field>,
    /// The whole definition.
    pub span: Span,
}

/// A `name: Type` member of a `data`, `service` or `ability` definition.
///
/// Service methods and ability arrows written as `f(a: A) -> R` are stored with an arrow type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// The member name.
    pub name: Ident,
    /// Its type.
    pub ty: TypeExpr,
    /// The whole member line.
    pub span: Span,
}

/// `service Name[(default id)]:` followed by methods.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceDef {
    /// The service's name.
    pub name: Ident,
    /// The default service id, if given.
    pub default_id: Option<Expr>,
    /// Its methods; each type is an arrow type.
    pub methods: Vec<Field>,
    /// The whole definition.
    pub span: Span,
}

/// `ability Name:` followed by data fields, arrows and nested abilities.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AbilityDef {
    /// The ability's name.
    pub name: Ident,
    /// Its members.
    pub members: Vec<Field>,
    /// The whole definition.
    pub span: Span,
}

/// `func name{Ab}(a: T) -> R:` followed by a body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FuncDef {
    /// The function's name.
    pub name: Ident,
    /// Abilities, parameters and result types.
    pub signature: Signature,
    /// The body.
    pub body: Block,
    /// The whole definition.
    pub span: Span,
}

/// `{Ab1, Ab2}(a: T, b: U) -> R1, R2` of a function or closure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Signature {
    /// Abilities in braces.
    pub abilities: Vec<QualifiedName>,
    /// Named parameters.
    pub params: Vec<Param>,
    /// Result types (empty for no result or `-> ()`).
    pub results: Vec<TypeExpr>,
    /// From the `{` or `(` to the last result type.
    pub span: Span,
}

/// A named parameter `name: Type`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Param {
    /// The parameter name.
    pub name: Ident,
    /// Its type.
    pub ty: TypeExpr,
    /// `name: Type`.
    pub span: Span,
}

/// A type as written in the source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypeExpr {
    /// The kind of type.
    pub kind: TypeKind,
    /// Where it was written.
    pub span: Span,
}

/// The shapes a written type takes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum TypeKind {
    /// A scalar: `u8`…`u64`, `i8`…`i64`, `f32`, `f64`, `bool`, `string`.
    Scalar(ScalarType),
    /// A named type, possibly qualified: `User`, `Lib.Pair`.
    Named(QualifiedName),
    /// `[]T`
    Array(Box<TypeExpr>),
    /// `?T`
    Option(Box<TypeExpr>),
    /// `*T`
    Stream(Box<TypeExpr>),
    /// `%T`
    StreamMap(Box<TypeExpr>),
    /// `⊤`
    Top,
    /// `⊥`
    Bottom,
    /// `{Ab} A, b: B -> C, D` or `-> ()`.
    Arrow(ArrowType),
}

/// The scalar types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[allow(missing_docs)]
pub enum ScalarType {
    U8,
    U16,
    U32,
    U64,
    I8,
    I16,
    I32,
    I64,
    F32,
    F64,
    Bool,
    String,
}

impl ScalarType {
    /// Parses a scalar type name such as `u32`.
    pub fn from_name(name: &str) -> Option<ScalarType> {
        Some(match name {
            "u8" => ScalarType::U8,
            "u16" => ScalarType::U16,
            "u32" => ScalarType::U32,
            "u64" => ScalarType::U64,
            "i8" => ScalarType::I8,
            "i16" => ScalarType::I16,
            "i32" => ScalarType::I32,
            "i64" => ScalarType::I64,
            "f32" => ScalarType::F32,
            "f64" => ScalarType::F64,
            "bool" => ScalarType::Bool,
            "string" => ScalarType::String,
            _ => return None,
        })
    }

    /// The name as written in Aqua.
    pub fn name(self) -> &'static str {
        match self {
            ScalarType::U8 => "u8",
            ScalarType::U16 => "u16",
            ScalarType::U32 => "u32",
            ScalarType::U64 => "u64",
            ScalarType::I8 => "i8",
            ScalarType::I16 => "i16",
            ScalarType::I32 => "i32",
            ScalarType::I64 => "i64",
            ScalarType::F32 => "f32",
            ScalarType::F64 => "f64",
            ScalarType::Bool => "bool",
            ScalarType::String => "string",
        }
    }
}

/// An arrow type: abilities, arguments (optionally named) and results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArrowType {
    /// Abilities in braces: `{Logger}`.
    pub abilities: Vec<QualifiedName>,
    /// The arguments; service methods written `f(a: A)` name them.
    pub args: Vec<ArrowArg>,
    /// The results; empty for `-> ()` or no `->`.
    pub results: Vec<TypeExpr>,
}

/// One argument of an arrow type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArrowArg {
    /// The argument's name, when written.
    pub name: Option<Ident>,
    /// Its type.
    pub ty: TypeExpr,
}

/// An indented block of statements.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Block {
    /// The statements, at least one unless the block failed to parse.
    pub stmts: Vec<Stmt>,
    /// From the first to the last statement.
    pub span: Span,
}

/// A statement with its span.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stmt {
    /// What the statement does.
    pub kind: StmtKind,
    /// The whole statement, including attached blocks.
    pub span: Span,
}

/// The statements of a function body.
///
/// Large parts of the less common forms are boxed so that every statement stays small: a
/// function body is a vector of statements, each as large as the largest form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum StmtKind {
    /// `a, b <- f(x)` or a bare call `f(x)`; `results` is empty for a bare call.
    Call {
        /// Names bound (or streams pushed to) by the results.
        results: Vec<Ident>,
        /// The call expression.
        call: Expr,
    },
    /// `x = value`
    Assign {
        /// The bound name.
        name: Ident,
        /// The value.
        value: Expr,
    },
    /// `<- a, b`: the function's results.
    Return(Vec<Expr>),
    /// `Srv "id"`: sets the service id for the rest of the block.
    ServiceId {
        /// The service (or namespaced service).
        service: QualifiedName,
        /// The id value.
        id: Expr,
    },
    /// `s <<- v` or, for stream maps, `m <<- k, v`.
    Push {
        /// The stream or stream map.
        target: Ident,
        /// The key, for maps.
        key: Option<Box<Expr>>,
        /// The pushed value.
        value: Expr,
    },
    /// `s: *T` (or `m: %T`): declares a stream or stream map.
    DeclareStream {
        /// The declared name.
        name: Ident,
        /// Its type.
        ty: Box<TypeExpr>,
    },
    /// `c = (a: T) -> R:` or, detached, `c = func (a: T) -> R:`.
    Closure {
        /// The closure's name.
        name: Ident,
        /// `func`: the closure runs where it is called, not where it was defined.
        detached: bool,
        /// Parameters and results.
        signature: Box<Signature>,
        /// The body.
        body: Block,
    },
    /// `on peer via r1 via r2:`
    On {
        /// The peer.
        peer: Box<Expr>,
        /// The relays, in order.
        via: Vec<Expr>,
        /// The body.
        body: Block,
    },
    /// `for x <- xs [par|try|rec]:` or `for k, v <- map:`
    For {
        /// The iteration variable(s).
        pattern: ForPattern,
        /// The iterated collection.
        iterable: Box<Expr>,
        /// `par`, `try` or `rec`, if given.
        mode: Option<ForMode>,
        /// The body.
        body: Block,
    },
    /// `parseq x <- xs on peer via r:`
    ParSeq {
        /// The iteration variable(s).
        pattern: ForPattern,
        /// The iterated collection.
        iterable: Box<Expr>,
        /// The peer each iteration runs on.
        peer: Box<Expr>,
        /// The relays, in order.
        via: Vec<Expr>,
        /// The body.
        body: Block,
    },
    /// `if cond:` with an optional `else:`.
    If {
        /// The condition.
        cond: Box<Expr>,
        /// The `if` block.
        then_block: Block,
        /// The `else` block.
        else_block: Option<Block>,
    },
    /// `try:` with an optional `catch e:` and an optional `otherwise:`.
    Try {
        /// The `try` block.
        body: Block,
        /// The `catch` clause.
        catch: Option<Box<CatchClause>>,
        /// The `otherwise` block.
        otherwise: Option<Block>,
    },
    /// Any statement followed by `otherwise:`.
    Otherwise {
        /// The statement tried first.
        attempt: Box<Stmt>,
        /// Runs if the attempt fails.
        fallback: Block,
    },
    /// A statement followed by one or more `par` statements: all branches run in parallel.
    Par(Vec<Stmt>),
    /// `co stmt`: runs the statement in the background.
    Co(Box<Stmt>),
    /// `join a, s[n]`: waits for values.
    Join(Vec<Expr>),
    /// A statement that failed to parse; the error was reported.
    Error,
}

/// The variables of a `for` or `parseq`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ForPattern {
    /// `x`
    Single(Ident),
    /// `k, v` (stream maps)
    Pair(Box<Ident>, Box<Ident>),
}

/// The modifier of a `for` loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ForMode {
    /// `par`: all iterations in parallel.
    Par,
    /// `try`: iterations one by one until one succeeds.
    Try,
    /// `rec`: iterate a stream that grows while iterating.
    Rec,
}

/// `catch e:` and its block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatchClause {
    /// The name bound to the error value.
    pub name: Ident,
    /// The block.
    pub body: Block,
    /// From `catch` to the end of the block.
    pub span: Span,
}

/// An expression with its span.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expr {
    /// The kind of expression.
    pub kind: ExprKind,
    /// Where it was written.
    pub span: Span,
}

/// The expression forms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ExprKind {
    /// A literal.
    Literal(Literal),
    /// `%init_peer_id%`
    InitPeerId,
    /// A variable, constant, ability or namespace: `x`, `Logger`, `NAME`.
    Var(Ident),
    /// `callee{Ab}(args)`: a call of a function, arrow, method, or a struct/ability construction
    /// (`User(name = n)`, `M.Pair(a = 1)`, `s.copy(f = v)`); the type checker tells them apart.
    /// The lists are boxed slices: a call is the largest expression form, and every expression
    /// is as large as the largest form.
    Call {
        /// What is called: a `Var` or a `Field` chain.
        callee: Box<Expr>,
        /// Abilities passed in braces.
        abilities: Box<[QualifiedName]>,
        /// The arguments, positional or named.
        args: Box<[Arg]>,
    },
    /// `base.name`
    Field {
        /// The value the field is read from.
        base: Box<Expr>,
        /// The field.
        name: Ident,
    },
    /// `base[index]`
    Index {
        /// The collection.
        base: Box<Expr>,
        /// The index.
        index: Box<Expr>,
    },
    /// `base!` or `base!N`
    Bang {
        /// The collection.
        base: Box<Expr>,
        /// The index after `!`, if written (a non-negative integer literal).
        index: Option<String>,
    },
    /// `[a, b]`, `?[a, b]`, `*[a, b]` and the empty forms `[]`, `?[]`, `*[]`.
    Collection {
        /// Array, option or stream.
        kind: CollectionKind,
        /// The elements.
        elems: Vec<Expr>,
    },
    /// `!x`
    Not(Box<Expr>),
    /// `lhs op rhs`
    Binary {
        /// The operator.
        op: BinaryOp,
        /// The left operand.
        lhs: Box<Expr>,
        /// The right operand.
        rhs: Box<Expr>,
    },
    /// An expression that failed to parse; the error was reported.
    Error,
}

/// A call argument: positional `v`, or named `f = v` (constructors and `copy`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Arg {
    /// The field name of a named argument.
    pub name: Option<Ident>,
    /// The value.
    pub value: Expr,
}

/// A literal value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum Literal {
    /// `true` / `false`
    Bool(bool),
    /// An integer, as written (with its sign).
    Int(String),
    /// A float, as written (with its sign).
    Float(String),
    /// A string's characters, without quotes.
    String(String),
}

/// The kind of a collection literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CollectionKind {
    /// `[..]`
    Array,
    /// `?[..]`
    Option,
    /// `*[..]`
    Stream,
}

/// The binary operators, from `**` to `||`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[allow(missing_docs)]
pub enum BinaryOp {
    Pow,
    Mul,
    Div,
    Rem,
    Add,
    Sub,
    Lt,
    LtEq,
    Gt,
    GtEq,
    Eq,
    NotEq,
    And,
    Or,
}

impl BinaryOp {
    /// How tightly the operator binds, from `||` (1) to `**` (7): higher binds tighter.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            BinaryOp::Eq | BinaryOp::NotEq => 3,
            BinaryOp::Lt | BinaryOp::LtEq | BinaryOp::Gt | BinaryOp::GtEq => 4,
            BinaryOp::Add | BinaryOp::Sub => 5,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => 6,
            BinaryOp::Pow => 7,
        }
    }

    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Pow => "**",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Lt => "<",
            BinaryOp::LtEq => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::GtEq => ">=",
            BinaryOp::Eq => "==",
            BinaryOp::NotEq => "!=",
            BinaryOp::And => "&&",
            BinaryOp::Or => "||",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Expr, Stmt};

    /// Statements and expressions are most of a tree's nodes, so their sizes are most of its
    /// memory (before boxing the large rare parts, a statement took 256 bytes).
    #[test]
    fn statements_and_expressions_stay_small() {
        assert!(std::mem::size_of::<Stmt>() <= 112, "Stmt: {}", std::mem::size_of::<Stmt>());
        assert!(std::mem::size_of::<Expr>() <= 56, "Expr: {}", std::mem::size_of::<Expr>());
    }
}
