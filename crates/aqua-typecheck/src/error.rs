//! Type errors and warnings: data only (spans, names, types, candidates). `diagnostics` renders
//! them; nothing here formats prose beyond a one-line `Display` for logs.

use aqua_syntax::{FileId, Span};
use smol_str::SmolStr;

use crate::types::Type;

/// A value together with the file its spans refer to.
#[derive(Debug, Clone, PartialEq)]
pub struct InFile<T> {
    /// The file.
    pub file: FileId,
    /// The value.
    pub value: T,
}

/// What kind of thing a name was expected to be, for "unknown name" errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// A value: local, constant, function.
    Value,
    /// A type.
    Type,
    /// A service.
    Service,
    /// An ability (or a service used as one).
    Ability,
    /// A function or arrow.
    Arrow,
    /// A module namespace.
    Module,
}

/// What a return statement was compared against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnProblem {
    /// Results declared, no return.
    Missing,
    /// A return in an arrow without results.
    Unexpected,
    /// Too few or too many values.
    Count,
    /// Statements after the return.
    NotLast,
}

/// An error found while checking names and types.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TypeError {
    /// T001: a name not found in scope.
    #[error("unknown name `{name}`")]
    UnknownName {
        /// Where it is used.
        span: Span,
        /// The name.
        name: SmolStr,
        /// What it had to be.
        kind: NameKind,
        /// Similar names in scope.
        candidates: Vec<SmolStr>,
    },
    /// T002: a value's type does not fit where it is used.
    #[error("type mismatch: expected `{expected}`, found `{found}`")]
    Mismatch {
        /// The value.
        span: Span,
        /// The required type.
        expected: Type,
        /// The value's type.
        found: Type,
        /// What requires the type (a parameter, a field, a declaration).
        because: Option<Span>,
    },
    /// T003: a name defined twice in one scope (there is no shadowing).
    #[error("`{name}` is already defined")]
    Redefined {
        /// The second definition.
        span: Span,
        /// The name.
        name: SmolStr,
        /// The first definition, when in the same file.
        previous: Option<Span>,
    },
    /// T004: a call with the wrong number of arguments.
    #[error("wrong number of arguments: expected {expected}, found {found}")]
    ArgumentCount {
        /// The call.
        span: Span,
        /// Parameters of the callee.
        expected: usize,
        /// Arguments given.
        found: usize,
        /// The callee's declaration, when known.
        declared: Option<Span>,
    },
    /// T005: calling something that is not an arrow.
    #[error("`{what}` is not callable")]
    NotCallable {
        /// The callee.
        span: Span,
        /// The callee as written.
        what: String,
        /// Its type.
        ty: Type,
    },
    /// T006: a field, member or method that does not exist.
    #[error("no member `{name}` on `{ty}`")]
    UnknownMember {
        /// The member name.
        span: Span,
        /// The name.
        name: SmolStr,
        /// The type it was looked up on.
        ty: Type,
        /// Similar members.
        candidates: Vec<SmolStr>,
    },
    /// T007: a constructor without a required field.
    #[error("missing field `{field}`")]
    MissingField {
        /// The constructor call.
        span: Span,
        /// The field.
        field: SmolStr,
        /// Its type.
        ty: Type,
    },
    /// T008: a field given twice in a constructor or copy.
    #[error("field `{field}` given twice")]
    DuplicateField {
        /// The second occurrence.
        span: Span,
        /// The field.
        field: SmolStr,
    },
    /// T009: a service call before any id is set for a service without a default id.
    #[error("service `{service}` has no id here")]
    ServiceIdUndefined {
        /// The call.
        span: Span,
        /// The service.
        service: SmolStr,
    },
    /// T010: a service method with more than one result.
    #[error("service method `{method}` has several results")]
    ServiceMultipleResults {
        /// The method.
        span: Span,
        /// Its name.
        method: SmolStr,
    },
    /// T011: a return statement that does not match the declared results.
    #[error("return does not match the declared results")]
    Return {
        /// The return statement, or the end of the body.
        span: Span,
        /// Which problem.
        problem: ReturnProblem,
        /// Declared results.
        expected: usize,
        /// Values returned.
        found: usize,
        /// The declared result types.
        declared: Option<Span>,
    },
    /// T012: more names on the left of `<-` than the call has results.
    #[error("too many names: the call has {results} results")]
    ResultCount {
        /// The statement.
        span: Span,
        /// Results of the call.
        results: usize,
        /// Names given.
        names: usize,
    },
    /// T013: `x <- value` where the value is not a call.
    #[error("`<-` needs a call")]
    ArrowWithoutCall {
        /// The value.
        span: Span,
    },
    /// T014: `x = []`.
    #[error("empty array assigned to a variable")]
    EmptyArrayAssignment {
        /// The literal.
        span: Span,
    },
    /// T015: a value that may not be put into a collection, stream or struct field.
    #[error("`{ty}` values cannot be put into {container}")]
    NotData {
        /// The value or type.
        span: Span,
        /// Its type.
        ty: Type,
        /// "a collection", "a stream", "a struct field".
        container: &'static str,
    },
    /// T016: an operator applied to operands of the wrong type.
    #[error("`{op}` cannot be applied to `{ty}`")]
    BadOperand {
        /// The operand.
        span: Span,
        /// The operator as written.
        op: &'static str,
        /// The operand's type.
        ty: Type,
        /// What the operator accepts, for people.
        accepts: &'static str,
    },
    /// T017: `==` between values that cannot be compared.
    #[error("`{lhs}` and `{rhs}` cannot be compared")]
    NotComparable {
        /// The comparison.
        span: Span,
        /// Left type.
        lhs: Type,
        /// Right type.
        rhs: Type,
    },
    /// T018: `[i]`, `!` or `.length` on a value that is no collection, or a bad index.
    #[error("`{ty}` cannot be indexed")]
    NotIndexable {
        /// The indexed value.
        span: Span,
        /// Its type.
        ty: Type,
    },
    /// T019: `o[i]` or `o!N` on an option.
    #[error("options can only be read with `!`")]
    OptionIndex {
        /// The index.
        span: Span,
    },
    /// T020: `<<-` or `<-` into something that is not a stream.
    #[error("`{name}` is not a stream")]
    NotAStream {
        /// The target.
        span: Span,
        /// Its name.
        name: SmolStr,
        /// Its type.
        ty: Type,
        /// Where it was defined.
        defined: Option<Span>,
    },
    /// T021: `for`, `parseq` or `via` over a value that is no collection.
    #[error("`{ty}` cannot be iterated")]
    NotIterable {
        /// The value.
        span: Span,
        /// Its type.
        ty: Type,
        /// `for … rec` requires a stream.
        needs_stream: bool,
    },
    /// T022: `par` or `co` before a statement that cannot run in parallel.
    #[error("`{keyword}` cannot prefix this statement")]
    BadParallel {
        /// The statement.
        span: Span,
        /// `par` or `co`.
        keyword: &'static str,
    },
    /// T023: an imported module that cannot be found.
    #[error("cannot find module `{path}`")]
    ModuleNotFound {
        /// The path literal.
        span: Span,
        /// The path as written.
        path: String,
        /// Every place that was tried, in order.
        searched: Vec<String>,
    },
    /// T041: an imported or checked file that is there but cannot be read (not UTF-8, no
    /// permission).
    #[error("cannot read module `{file}`: {reason}")]
    ModuleUnreadable {
        /// The path literal (an empty span for a file given to the checker).
        span: Span,
        /// The file found.
        file: String,
        /// What reading it said.
        reason: String,
    },
    /// T024: an import cycle.
    #[error("import cycle")]
    ImportCycle {
        /// The import that closes the cycle.
        span: Span,
        /// The module paths along the cycle, the first repeated at the end.
        cycle: Vec<String>,
    },
    /// T025: importing a name the target does not declare.
    #[error("`{name}` is not declared by `{module}`")]
    NotDeclared {
        /// The name in the import list.
        span: Span,
        /// The name.
        name: SmolStr,
        /// The imported module's path.
        module: String,
        /// Names it does declare that are close.
        candidates: Vec<SmolStr>,
    },
    /// T026: `declares x` for a name the module does not have.
    #[error("`{name}` is declared but not defined")]
    DeclaredNotDefined {
        /// The name in the `declares` list.
        span: Span,
        /// The name.
        name: SmolStr,
    },
    /// T027: a constant whose value is not a literal or another constant.
    #[error("constant values must be literals")]
    ConstNotLiteral {
        /// The value.
        span: Span,
    },
    /// T028: `--const` for a name no module defines.
    #[error("no constant `{name}` to override")]
    UnknownOverride {
        /// The override's name.
        name: SmolStr,
        /// Constants that exist and are close.
        candidates: Vec<SmolStr>,
    },
    /// T029: a `--const` value whose type does not fit the constant.
    #[error("override of `{name}` has the wrong type")]
    OverrideMismatch {
        /// The constant's definition.
        span: Span,
        /// The constant.
        name: SmolStr,
        /// Type of the value in the file.
        expected: Type,
        /// Type of the override.
        found: Type,
        /// The constant is not overridable (`=` instead of `?=`).
        fixed: bool,
    },
    /// T030: an export that cannot be exported.
    #[error("`{name}` cannot be exported")]
    BadExport {
        /// The export item.
        span: Span,
        /// The name.
        name: SmolStr,
        /// Why.
        reason: ExportProblem,
    },
    /// T031: the wrong kind of thing where a type, ability, service or value is required.
    #[error("`{name}` is not a {expected}")]
    WrongKind {
        /// The use.
        span: Span,
        /// The name as written.
        name: SmolStr,
        /// What was required.
        expected: &'static str,
        /// What it is.
        found: &'static str,
    },
    /// T032: a call passing the wrong abilities.
    #[error("wrong abilities: expected {expected}, found {found}")]
    AbilityCount {
        /// The call.
        span: Span,
        /// Abilities the callee takes.
        expected: usize,
        /// Abilities passed.
        found: usize,
    },
    /// T033: a named argument in a call, or a positional one in a constructor.
    #[error("misplaced argument")]
    ArgumentStyle {
        /// The argument.
        span: Span,
        /// True for a named argument given to an arrow call.
        named_in_call: bool,
    },
    /// T034: a stream declaration whose type is not a stream or map.
    #[error("`{ty}` is not a stream type")]
    NotAStreamType {
        /// The type.
        span: Span,
        /// The declared type.
        ty: Type,
    },
    /// T035: a stream map key that is not a string.
    #[error("stream map keys are strings")]
    MapKey {
        /// The key.
        span: Span,
        /// Its type.
        ty: Type,
    },
    /// T036: a function that calls itself or a function defined later.
    #[error("`{name}` is used before its definition")]
    ForwardReference {
        /// The use.
        span: Span,
        /// The name.
        name: SmolStr,
        /// The definition further down.
        defined: Span,
    },
    /// T037: a value of arrow or ability type where data is needed, e.g. a field or service
    /// argument of a service without arrow parameters.
    #[error("`{ty}` is not a valid {place} type")]
    BadTypeHere {
        /// The type as written.
        span: Span,
        /// The type.
        ty: Type,
        /// "struct field", "stream element", "array element".
        place: &'static str,
    },
    /// T042: a float literal longer, as AIR writes it, than AquaVM reads.
    #[error("float literal `{text}` is too long for AIR")]
    FloatTooLong {
        /// The literal.
        span: Span,
        /// As written.
        text: SmolStr,
        /// As AIR would write it.
        air: String,
    },
    /// T043: an integer literal outside the range of AIR's integers (`i64`).
    #[error("integer literal `{text}` is out of the range of AIR's integers")]
    IntegerTooLarge {
        /// The literal.
        span: Span,
        /// As written.
        text: SmolStr,
    },
    /// T040: a type definition nested deeper than the checker accepts (types that refer to
    /// types, chained).
    #[error("type nested deeper than {limit} levels")]
    TypeTooDeep {
        /// The definition's name.
        span: Span,
        /// The defined name.
        name: SmolStr,
        /// The deepest nesting accepted.
        limit: usize,
    },
    /// T039: a constant whose name is not `UPPER_CASE`.
    #[error("constant names must be upper case")]
    ConstName {
        /// The name.
        span: Span,
        /// The name as written.
        name: SmolStr,
    },
    /// T038: a `-> ()` arrow's result used as a value.
    #[error("the call returns nothing")]
    NoValue {
        /// The call.
        span: Span,
    },
}

/// Why an export is rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportProblem {
    /// No such name.
    Unknown,
    /// The function returns an arrow or an ability.
    ReturnsArrow,
    /// The function takes abilities.
    TakesAbility,
    /// Abilities cannot be exported.
    Ability,
}

/// A warning: the program is valid but probably not what was meant.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Warning {
    /// T050: a call whose results are all dropped.
    #[error("unused call results")]
    UnusedResults {
        /// The call.
        span: Span,
    },
    /// T051: a local that is never read.
    #[error("unused value `{name}`")]
    UnusedValue {
        /// The binding.
        span: Span,
        /// The name.
        name: SmolStr,
    },
    /// T052: an import that brings nothing used.
    #[error("unused import")]
    UnusedImport {
        /// The import line or item.
        span: Span,
        /// The imported name, for `import a from`.
        name: Option<SmolStr>,
    },
    /// T053: a constructor argument the type does not have.
    #[error("unexpected argument `{name}`")]
    UnexpectedArgument {
        /// The argument.
        span: Span,
        /// Its name.
        name: SmolStr,
        /// The constructed type.
        ty: Type,
    },
    /// T054: arithmetic whose operand types have no common type; `i64` is used.
    #[error("result type of `{lhs} {op} {rhs}` is unknown")]
    ArithmeticFallback {
        /// The operation.
        span: Span,
        /// The operator.
        op: &'static str,
        /// Left type.
        lhs: Type,
        /// Right type.
        rhs: Type,
    },
    /// T055: a later import replaces a different definition of the same name from an earlier
    /// import (the later one is used, as Fluence's compiler does).
    #[error("`{name}` imported again")]
    ImportReplaced {
        /// The later import line.
        span: Span,
        /// The name.
        name: SmolStr,
        /// The earlier import line, when it is in this file.
        previous: Option<Span>,
    },
}
