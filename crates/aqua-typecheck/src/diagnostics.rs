//! Turns type errors and warnings into codespan diagnostics: a stable code, a short title, a
//! primary label on the most specific span, secondary labels on related definitions, and notes
//! with the fix when one is obvious.

use codespan_reporting::diagnostic::{Diagnostic, Label};

use aqua_syntax::{FileId, Span};
use smol_str::SmolStr;

use crate::error::{ExportProblem, NameKind, ReturnProblem, TypeError, Warning};
use crate::types::Type;

impl TypeError {
    /// The stable code of this kind of error (listed in `docs/diagnostics.md`).
    pub fn code(&self) -> &'static str {
        match self {
            TypeError::UnknownName { .. } => "T001",
            TypeError::Mismatch { .. } => "T002",
            TypeError::Redefined { .. } => "T003",
            TypeError::ArgumentCount { .. } => "T004",
            TypeError::NotCallable { .. } => "T005",
            TypeError::UnknownMember { .. } => "T006",
            TypeError::MissingField { .. } => "T007",
            TypeError::DuplicateField { .. } => "T008",
            TypeError::ServiceIdUndefined { .. } => "T009",
            TypeError::ServiceMultipleResults { .. } => "T010",
            TypeError::Return { .. } => "T011",
            TypeError::ResultCount { .. } => "T012",
            TypeError::ArrowWithoutCall { .. } => "T013",
            TypeError::EmptyArrayAssignment { .. } => "T014",
            TypeError::NotData { .. } => "T015",
            TypeError::BadOperand { .. } => "T016",
            TypeError::NotComparable { .. } => "T017",
            TypeError::NotIndexable { .. } => "T018",
            TypeError::OptionIndex { .. } => "T019",
            TypeError::NotAStream { .. } => "T020",
            TypeError::NotIterable { .. } => "T021",
            TypeError::BadParallel { .. } => "T022",
            TypeError::ModuleNotFound { .. } => "T023",
            TypeError::ModuleUnreadable { .. } => "T041",
            TypeError::ImportCycle { .. } => "T024",
            TypeError::NotDeclared { .. } => "T025",
            TypeError::DeclaredNotDefined { .. } => "T026",
            TypeError::ConstNotLiteral { .. } => "T027",
            TypeError::UnknownOverride { .. } => "T028",
            TypeError::OverrideMismatch { .. } => "T029",
            TypeError::BadExport { .. } => "T030",
            TypeError::WrongKind { .. } => "T031",
            TypeError::AbilityCount { .. } => "T032",
            TypeError::ArgumentStyle { .. } => "T033",
            TypeError::NotAStreamType { .. } => "T034",
            TypeError::MapKey { .. } => "T035",
            TypeError::ForwardReference { .. } => "T036",
            TypeError::BadTypeHere { .. } => "T037",
            TypeError::NoValue { .. } => "T038",
            TypeError::ConstName { .. } => "T039",
            TypeError::TypeTooDeep { .. } => "T040",
            TypeError::FloatTooLong { .. } => "T042",
            TypeError::IntegerTooLarge { .. } => "T043",
        }
    }

    /// The primary span (empty for errors about the command line).
    pub fn span(&self) -> Span {
        match self {
            TypeError::UnknownOverride { .. } => Span::default(),
            TypeError::UnknownName { span, .. }
            | TypeError::Mismatch { span, .. }
            | TypeError::Redefined { span, .. }
            | TypeError::ArgumentCount { span, .. }
            | TypeError::NotCallable { span, .. }
            | TypeError::UnknownMember { span, .. }
            | TypeError::MissingField { span, .. }
            | TypeError::DuplicateField { span, .. }
            | TypeError::ServiceIdUndefined { span, .. }
            | TypeError::ServiceMultipleResults { span, .. }
            | TypeError::Return { span, .. }
            | TypeError::ResultCount { span, .. }
            | TypeError::ArrowWithoutCall { span }
            | TypeError::EmptyArrayAssignment { span }
            | TypeError::NotData { span, .. }
            | TypeError::BadOperand { span, .. }
            | TypeError::NotComparable { span, .. }
            | TypeError::NotIndexable { span, .. }
            | TypeError::OptionIndex { span }
            | TypeError::NotAStream { span, .. }
            | TypeError::NotIterable { span, .. }
            | TypeError::BadParallel { span, .. }
            | TypeError::ModuleNotFound { span, .. }
            | TypeError::ModuleUnreadable { span, .. }
            | TypeError::ImportCycle { span, .. }
            | TypeError::NotDeclared { span, .. }
            | TypeError::DeclaredNotDefined { span, .. }
            | TypeError::ConstNotLiteral { span }
            | TypeError::OverrideMismatch { span, .. }
            | TypeError::BadExport { span, .. }
            | TypeError::WrongKind { span, .. }
            | TypeError::AbilityCount { span, .. }
            | TypeError::ArgumentStyle { span, .. }
            | TypeError::NotAStreamType { span, .. }
            | TypeError::MapKey { span, .. }
            | TypeError::ForwardReference { span, .. }
            | TypeError::BadTypeHere { span, .. }
            | TypeError::ConstName { span, .. }
            | TypeError::TypeTooDeep { span, .. }
            | TypeError::FloatTooLong { span, .. }
            | TypeError::IntegerTooLarge { span, .. }
            | TypeError::NoValue { span } => *span,
        }
    }

    /// Builds the diagnostic for this error in `file`.
    pub fn to_diagnostic(&self, file: FileId) -> Diagnostic<FileId> {
        let d = Diag { file, span: self.span() };
        let diagnostic = match self {
            TypeError::UnknownName { name, kind, candidates, .. } => {
                unknown_name(d, name, *kind, candidates)
            }
            TypeError::Mismatch { expected, found, because, .. } => {
                mismatch(d, expected, found, *because)
            }
            TypeError::Redefined { name, previous, .. } => redefined(d, name, *previous),
            TypeError::ArgumentCount { expected, found, declared, .. } => {
                argument_count(d, *expected, *found, *declared)
            }
            TypeError::NotCallable { what, ty, .. } => d
                .error(format!("`{what}` is not a function"))
                .label(format!("this has type `{ty}`, which cannot be called")),
            TypeError::UnknownMember { name, ty, candidates, .. } => d
                .error(format!("no member `{name}` on type `{ty}`"))
                .label("unknown member")
                .did_you_mean(candidates),
            TypeError::MissingField { field, ty, .. } => d
                .error(format!("missing field `{field}` of type `{ty}`"))
                .label(format!("`{field}` is not given"))
                .note(format!("Add `{field} = …` to the arguments; every field is required.")),
            TypeError::DuplicateField { field, .. } => {
                d.error(format!("`{field}` is given twice")).label("second occurrence")
            }
            TypeError::ServiceIdUndefined { service, .. } => service_id(d, service),
            TypeError::ServiceMultipleResults { method, .. } => d
                .error(format!("service method `{method}` has more than one result"))
                .label("services return at most one value")
                .note("Return a `data` structure that holds the values instead."),
            TypeError::Return { problem, expected, found, declared, .. } => {
                return_problem(d, *problem, *expected, *found, *declared)
            }
            TypeError::ResultCount { results, names, .. } => d
                .error(format!("{names} names for {results} result{}", plural(*results)))
                .label(format!("this call returns {results} value{}", plural(*results))),
            TypeError::ArrowWithoutCall { .. } => d
                .error("`<-` needs a function or service call")
                .label("not a call")
                .note("Use `=` to bind a value: `x = value`."),
            TypeError::EmptyArrayAssignment { .. } => d
                .error("an empty array cannot be assigned to a variable")
                .label("its element type is unknown")
                .note("Pass `[]` directly where it is used, or use `nil`."),
            TypeError::NotData { ty, container, .. } => d
                .error(format!("a value of type `{ty}` cannot be put into {container}"))
                .label("not a data value")
                .note("Only scalars, structures, arrays and options are data."),
            TypeError::BadOperand { op, ty, accepts, .. } => d
                .error(format!("`{op}` cannot be applied to `{ty}`"))
                .label(format!("`{op}` takes {accepts}")),
            TypeError::NotComparable { lhs, rhs, .. } => d
                .error(format!("`{lhs}` and `{rhs}` cannot be compared"))
                .label("these values have no common type"),
            TypeError::NotIndexable { ty, .. } => d
                .error(format!("a value of type `{ty}` cannot be indexed"))
                .label("not an array or stream"),
            TypeError::OptionIndex { .. } => d
                .error("options cannot be indexed")
                .label("an option has at most one element")
                .note("Use `x!` to read the element of an option."),
            TypeError::NotAStream { name, ty, defined, .. } => d
                .error(format!("`{name}` is not a stream"))
                .label(format!("this has type `{ty}`"))
                .secondary(*defined, "defined here")
                .note(format!("Declare a stream first: `{name}: *T`.")),
            TypeError::NotIterable { ty, needs_stream, .. } => {
                let message = if *needs_stream {
                    format!("`for … rec` iterates streams, not `{ty}`")
                } else {
                    format!("a value of type `{ty}` cannot be iterated")
                };
                d.error(message).label("not a collection")
            }
            TypeError::BadParallel { keyword, .. } => d
                .error(format!("`{keyword}` cannot run this statement in parallel"))
                .label("only calls, `on`, `for` and `join` run in parallel"),
            TypeError::ModuleNotFound { path, searched, .. } => module_not_found(d, path, searched),
            TypeError::ModuleUnreadable { file, reason, .. } => {
                d.error(format!("cannot read module `{file}`: {reason}")).label("imported here")
            }
            TypeError::ImportCycle { cycle, .. } => d
                .error("import cycle")
                .label("this import closes the cycle")
                .note(format!("The modules import each other: {}.", cycle.join(" -> "))),
            TypeError::NotDeclared { name, module, candidates, .. } => d
                .error(format!("`{name}` is not declared by `{module}`"))
                .label("not declared")
                .did_you_mean(candidates)
                .note(format!("Add `{name}` to the `declares` list of that module.")),
            TypeError::DeclaredNotDefined { name, .. } => d
                .error(format!("`{name}` is declared but not defined in this module"))
                .label("no definition with this name"),
            TypeError::ConstNotLiteral { .. } => d
                .error("constant values must be literals or other constants")
                .label("not a literal"),
            TypeError::UnknownOverride { name, candidates, .. } => {
                let mut diagnostic = Diagnostic::error()
                    .with_message(format!("`--const {name}` overrides no constant"));
                if !candidates.is_empty() {
                    diagnostic.notes.push(did_you_mean_note(candidates));
                }
                Built { diag: d, inner: diagnostic }
            }
            TypeError::OverrideMismatch { name, expected, found, fixed, .. } => {
                if *fixed {
                    d.error(format!("`{name}` cannot be overridden"))
                        .label("defined with `=`")
                        .note(format!("Define it with `const {name} ?= …` to allow overrides."))
                } else {
                    d.error(format!("the override of `{name}` has type `{found}`"))
                        .label(format!("this constant has type `{expected}`"))
                }
            }
            TypeError::BadExport { name, reason, .. } => bad_export(d, name, *reason),
            TypeError::WrongKind { name, expected, found, .. } => d
                .error(format!("expected {}, found {found} `{name}`", a(expected)))
                .label(format!("not {}", a(expected))),
            TypeError::AbilityCount { expected, found, .. } => d
                .error(format!(
                    "expected {expected} abilit{}, found {found}",
                    if *expected == 1 { "y" } else { "ies" }
                ))
                .label("pass abilities in braces: `f{Ab}(…)`"),
            TypeError::ArgumentStyle { named_in_call, .. } => {
                if *named_in_call {
                    d.error("calls take positional arguments").label("remove the name")
                } else {
                    d.error("constructor arguments must be named").label("write `field = value`")
                }
            }
            TypeError::NotAStreamType { ty, .. } => {
                d.error(format!("`{ty}` is not a stream type")).label("expected `*T` or `%T`")
            }
            TypeError::MapKey { ty, .. } => d
                .error(format!("stream map keys are strings, not `{ty}`"))
                .label("expected `string`"),
            TypeError::ForwardReference { name, defined, .. } => d
                .error(format!("`{name}` is used before its definition"))
                .label("used here")
                .secondary(Some(*defined), "defined later here")
                .note(
                    "Aqua has no recursion or forward references: define it above its first use.",
                ),
            TypeError::BadTypeHere { ty, place, .. } => {
                d.error(format!("`{ty}` cannot be a {place}")).label("not allowed here")
            }
            TypeError::NoValue { .. } => {
                d.error("this call returns no value").label("used as a value here")
            }
            TypeError::TypeTooDeep { name, limit, .. } => d
                .error(format!("`{name}` is nested deeper than {limit} levels"))
                .label("defined here")
                .note("Each type that contains another adds a level; flatten the chain of types."),
            TypeError::FloatTooLong { text, air, .. } => d
                .error(format!("float literal `{text}` is too long for AIR"))
                .label(format!(
                    "`{air}` in AIR: {} characters, AquaVM reads at most {}",
                    air.chars().count(),
                    air_syntax::lexer::MAX_FLOAT_LENGTH
                ))
                .note(
                    "AquaVM refuses the whole script. Round the literal, or pass the value as an \
                     argument (arguments travel as JSON, without this limit).",
                ),
            TypeError::IntegerTooLarge { text, .. } => d
                .error(format!("integer literal `{text}` is out of the range of AIR's integers"))
                .label(format!("AIR integers are i64: {} to {}", i64::MIN, i64::MAX))
                .note(
                    "AquaVM refuses the whole script. Pass a larger value as an argument (arguments \
                     travel as JSON numbers).",
                ),
            TypeError::ConstName { name, .. } => d
                .error(format!("constant `{name}` must be named in upper case"))
                .label("not UPPER_CASE")
                .note(format!("Write it as `{}`.", name.to_uppercase())),
        };
        diagnostic.with_code(self.code())
    }
}

impl Warning {
    /// The stable code of this kind of warning.
    pub fn code(&self) -> &'static str {
        match self {
            Warning::UnusedResults { .. } => "T050",
            Warning::UnusedValue { .. } => "T051",
            Warning::UnusedImport { .. } => "T052",
            Warning::UnexpectedArgument { .. } => "T053",
            Warning::ArithmeticFallback { .. } => "T054",
            Warning::ImportReplaced { .. } => "T055",
        }
    }

    /// The primary span.
    pub fn span(&self) -> Span {
        match self {
            Warning::UnusedResults { span }
            | Warning::UnusedValue { span, .. }
            | Warning::UnusedImport { span, .. }
            | Warning::UnexpectedArgument { span, .. }
            | Warning::ArithmeticFallback { span, .. }
            | Warning::ImportReplaced { span, .. } => *span,
        }
    }

    /// Builds the diagnostic for this warning in `file`.
    pub fn to_diagnostic(&self, file: FileId) -> Diagnostic<FileId> {
        let d = Diag { file, span: self.span() };
        let diagnostic = match self {
            Warning::UnusedResults { .. } => d
                .warning("the call returns a value that is not used")
                .label("results dropped")
                .note("Bind it with `x <- …`, or ignore this warning."),
            Warning::UnusedValue { name, .. } => d
                .warning(format!("unused value `{name}`"))
                .label("never read")
                .note(format!("Rename it to `{name}_` if this is intended.")),
            Warning::UnusedImport { name, .. } => match name {
                Some(name) => d.warning(format!("unused import `{name}`")).label("never used"),
                None => d.warning("unused import").label("nothing from this import is used"),
            },
            Warning::UnexpectedArgument { name, ty, .. } => {
                d.warning(format!("`{ty}` has no field `{name}`")).label("this argument is ignored")
            }
            Warning::ArithmeticFallback { op, lhs, rhs, .. } => d
                .warning(format!("the result type of `{lhs} {op} {rhs}` is unknown, using `i64`"))
                .label("no integer type holds both operands"),
            Warning::ImportReplaced { name, previous, .. } => d
                .warning(format!("`{name}` is imported again with a different definition"))
                .label(format!("this import's `{name}` is used"))
                .secondary(*previous, format!("the `{name}` of this import is replaced"))
                .note(
                    "The later import wins, as in Fluence's compiler. Import the name from one \
                     file only, or `use` one module under its own name.",
                ),
        };
        diagnostic.with_code(self.code())
    }
}

/// A small builder so that each variant's rendering stays one expression.
#[derive(Clone, Copy)]
struct Diag {
    file: FileId,
    span: Span,
}

impl Diag {
    fn error(self, message: impl std::fmt::Display) -> Built {
        Built { diag: self, inner: Diagnostic::error().with_message(message) }
    }

    fn warning(self, message: impl std::fmt::Display) -> Built {
        Built { diag: self, inner: Diagnostic::warning().with_message(message) }
    }
}

struct Built {
    diag: Diag,
    inner: Diagnostic<FileId>,
}

impl Built {
    fn label(mut self, message: impl std::fmt::Display) -> Built {
        let label = Label::primary(self.diag.file, self.diag.span.range()).with_message(message);
        self.inner.labels.insert(0, label);
        self
    }

    fn secondary(mut self, span: Option<Span>, message: impl std::fmt::Display) -> Built {
        if let Some(span) = span {
            self.inner
                .labels
                .push(Label::secondary(self.diag.file, span.range()).with_message(message));
        }
        self
    }

    fn note(mut self, note: impl Into<String>) -> Built {
        self.inner.notes.push(note.into());
        self
    }

    fn did_you_mean(mut self, candidates: &[SmolStr]) -> Built {
        if !candidates.is_empty() {
            self.inner.notes.push(did_you_mean_note(candidates));
        }
        self
    }

    fn with_code(self, code: &str) -> Diagnostic<FileId> {
        self.inner.with_code(code)
    }
}

fn did_you_mean_note(candidates: &[SmolStr]) -> String {
    let names: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
    format!("help: did you mean {}?", join_or(&names))
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// `word` with its indefinite article.
fn a(word: &str) -> String {
    let vowel = word.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {word}", if vowel { "an" } else { "a" })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn unknown_name(d: Diag, name: &str, kind: NameKind, candidates: &[SmolStr]) -> Built {
    let what = match kind {
        NameKind::Value => "name",
        NameKind::Type => "type",
        NameKind::Service => "service",
        NameKind::Ability => "ability",
        NameKind::Arrow => "function",
        NameKind::Module => "module",
    };
    d.error(format!("unknown {what} `{name}`"))
        .label("not found in this scope")
        .did_you_mean(candidates)
}

fn mismatch(d: Diag, expected: &Type, found: &Type, because: Option<Span>) -> Built {
    let mut built = d
        .error(format!("type mismatch: expected `{expected}`, found `{found}`"))
        .label(format!("this has type `{found}`"))
        .secondary(because, format!("`{expected}` is expected because of this declaration"));
    match (expected, found) {
        (Type::Option(_) | Type::Array(_) | Type::Stream(_), _) => {}
        (_, Type::Option(_)) => {
            built = built.note(
                "This is an optional value where a plain one is expected. Take its element with \
                 `!`, but be aware that it waits until a value exists.",
            );
        }
        (_, Type::Stream(_) | Type::Array(_)) => {
            built = built.note("This is a collection; take one element with `[i]` or `!`.");
        }
        _ => {}
    }
    built
}

fn redefined(d: Diag, name: &str, previous: Option<Span>) -> Built {
    d.error(format!("`{name}` is already defined"))
        .label("defined again here")
        .secondary(previous, "first defined here")
        .note("Aqua has no shadowing: choose another name.")
}

fn argument_count(d: Diag, expected: usize, found: usize, declared: Option<Span>) -> Built {
    d.error(format!(
        "this call takes {expected} argument{} but {found} {} given",
        plural(expected),
        if found == 1 { "was" } else { "were" }
    ))
    .label(format!("expected {expected} argument{}", plural(expected)))
    .secondary(declared, "declared here")
}

fn service_id(d: Diag, service: &str) -> Built {
    d.error(format!("service `{service}` has no id here"))
        .label("the service id is undefined")
        .note(format!(
            "Set it first with `{service} \"id\"` in this block, or give the service a default id: \
             `service {service}(\"id\"):`."
        ))
}

fn return_problem(
    d: Diag,
    problem: ReturnProblem,
    expected: usize,
    found: usize,
    declared: Option<Span>,
) -> Built {
    match problem {
        ReturnProblem::Missing => d
            .error(format!("missing return of {expected} value{}", plural(expected)))
            .label("the body ends without `<- …`")
            .secondary(declared, "results declared here"),
        ReturnProblem::Unexpected => d
            .error("return in an arrow without results")
            .label("nothing is expected here")
            .note("Declare the result types after `->`."),
        ReturnProblem::NotLast => d
            .error("code after the return")
            .label("this never runs")
            .note("The return `<- …` must be the last line of the body."),
        ReturnProblem::Count => d
            .error(format!("expected {expected} returned value{}, found {found}", plural(expected)))
            .label(format!("returns {found} value{}", plural(found))),
    }
}

fn module_not_found(d: Diag, path: &str, searched: &[String]) -> Built {
    let places: Vec<String> = searched.iter().map(|p| format!("  {p}")).collect();
    d.error(format!("cannot find module `{path}`"))
        .label("imported here")
        .note(format!("Searched:\n{}", places.join("\n")))
        .note("Add the directory holding it with `-I DIR`.")
}

fn bad_export(d: Diag, name: &str, reason: ExportProblem) -> Built {
    match reason {
        ExportProblem::Unknown => d
            .error(format!("cannot export `{name}`: no such definition"))
            .label("not defined in this module"),
        ExportProblem::ReturnsArrow => d
            .error(format!("function `{name}` cannot be exported"))
            .label("it returns an arrow or an ability")
            .note("Only data can be returned to the host."),
        ExportProblem::TakesAbility => {
            d.error(format!("function `{name}` cannot be exported")).label("it takes abilities")
        }
        ExportProblem::Ability => d
            .error(format!("ability `{name}` cannot be exported"))
            .label("abilities exist only at compile time"),
    }
}
