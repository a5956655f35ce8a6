//! The only module that names LALRPOP: runs the generated parser over the layout tokens and
//! converts its errors into [`SyntaxError`]s with human-readable expectations.

use lalrpop_util::{ErrorRecovery, ParseError, lalrpop_mod};

use crate::ast::Module;
use crate::error::SyntaxError;
use crate::layout::{Layout, Token};
use crate::span::Span;
use crate::token::RawToken;

lalrpop_mod!(
    #[allow(
        clippy::all,
        clippy::pedantic,
        clippy::unwrap_used,
        clippy::expect_used,
        unused_parens,
        unused_imports,
        missing_docs
    )]
    grammar
);

/// Parses a whole module, returning the tree (with error nodes where recovery happened) and
/// every problem found, in source order. Sources without syntax errors take the faster
/// hand-written parser of `descent`; LALRPOP parses the others, to recover and report.
/// The third value tells which checks after parsing may find something.
pub(crate) fn parse_module(src: &str) -> (Module, Vec<SyntaxError>, crate::Checks) {
    match crate::descent::parse(src) {
        Some(parsed) => (parsed.module, Vec::new(), parsed.checks),
        None => {
            let (module, errors) = parse_module_with_lalrpop(src);
            (module, errors, crate::Checks::ALL)
        }
    }
}

/// Parses a whole module with the LALRPOP parser.
pub fn parse_module_with_lalrpop(src: &str) -> (Module, Vec<SyntaxError>) {
    let mut layout = Layout::new(src);
    let mut errors = Vec::new();
    let mut recovered = Vec::new();
    let result = grammar::ModuleParser::new().parse(&mut errors, &mut recovered, &mut layout);
    let mut all = layout.take_errors();
    all.extend(errors.into_iter().map(|error| with_opener_line(error, src)));
    all.extend(
        recovered
            .into_iter()
            .map(|r: ErrorRecovery<u32, Token<'_>, SyntaxError>| from_lalrpop(r.error, src)),
    );
    let module = match result {
        Ok(module) => {
            let mut module = *module;
            module.span = Span::new(0, crate::layout::to_u32(src.len()));
            module
        }
        Err(error) => {
            all.push(from_lalrpop(error, src));
            let end = crate::layout::to_u32(src.len());
            Module {
                header: None,
                header_items: Vec::new(),
                items: Vec::new(),
                span: Span::new(0, end),
            }
        }
    };
    (module, all)
}

/// Grammar actions know only where a block should have started; this finds the line opening it.
fn with_opener_line(error: SyntaxError, src: &str) -> SyntaxError {
    match error {
        SyntaxError::ExpectedBlock { span, opener } if opener.start == opener.end => {
            SyntaxError::ExpectedBlock { span, opener: line_before(opener.end, src) }
        }
        other => other,
    }
}

/// Converts a LALRPOP error into ours.
fn from_lalrpop(error: ParseError<u32, Token<'_>, SyntaxError>, src: &str) -> SyntaxError {
    match error {
        ParseError::InvalidToken { location } => SyntaxError::UnexpectedToken {
            span: Span::point(location),
            found: "a character".into(),
            expected: vec![],
        },
        ParseError::UnrecognizedEof { location, expected } => SyntaxError::UnexpectedEnd {
            span: Span::point(location),
            expected: describe_expected(&expected),
        },
        ParseError::UnrecognizedToken { token: (start, token, end), expected } => {
            unrecognized(Span::new(start, end), token, &expected, src)
        }
        ParseError::ExtraToken { token: (start, token, end) } => SyntaxError::UnexpectedToken {
            span: Span::new(start, end),
            found: describe_token(token),
            expected: vec![],
        },
        ParseError::User { error } => error,
    }
}

fn unrecognized(span: Span, token: Token<'_>, expected: &[String], src: &str) -> SyntaxError {
    let wants_block = expected.iter().any(|e| e == "\"indented block\"");
    if wants_block && expected.len() == 1 {
        return SyntaxError::ExpectedBlock { span, opener: line_before(span.start, src) };
    }
    if token == Token::Indent {
        return SyntaxError::UnexpectedIndentation { span };
    }
    SyntaxError::UnexpectedToken {
        span,
        found: describe_token(token),
        expected: describe_expected(expected),
    }
}

/// The span of the last non-blank line that ends before `offset`: the line that opened a block.
fn line_before(offset: u32, src: &str) -> Span {
    let before = &src[..(offset as usize).min(src.len())];
    let trimmed = before.trim_end();
    let start = trimmed.rfind('\n').map_or(0, |i| i + 1);
    let text = &trimmed[start..];
    let lead = text.len() - text.trim_start().len();
    Span::new(crate::layout::to_u32(start + lead), crate::layout::to_u32(trimmed.len()))
}

/// Describes a token for people: `` `<-` ``, `name \`foo\``, `end of line`.
pub fn describe_token(token: Token<'_>) -> String {
    match token {
        Token::Newline => "end of line".into(),
        Token::Indent => "indentation".into(),
        Token::Dedent => "end of block".into(),
        Token::Raw(raw) => match raw {
            RawToken::Lower(name) | RawToken::Upper(name) => format!("name `{name}`"),
            RawToken::Scalar(name) => format!("type `{name}`"),
            RawToken::Int(text) | RawToken::Float(text) => format!("number `{text}`"),
            RawToken::Str(text) | RawToken::UnterminatedStr(text) => {
                format!("string {}", shorten(text))
            }
            RawToken::Newline(_) => "end of line".into(),
            other => format!("`{}`", raw_symbol(other)),
        },
    }
}

fn shorten(text: &str) -> String {
    let mut out: String = text.chars().take(24).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

/// The spelling of a fixed token.
fn raw_symbol(token: RawToken<'_>) -> &'static str {
    use RawToken as T;
    match token {
        T::Aqua => "aqua",
        T::Module => "module",
        T::Declares => "declares",
        T::Import => "import",
        T::Use => "use",
        T::From => "from",
        T::As => "as",
        T::Export => "export",
        T::Const => "const",
        T::Data => "data",
        T::Alias => "alias",
        T::Service => "service",
        T::Ability => "ability",
        T::Func => "func",
        T::On => "on",
        T::Via => "via",
        T::For => "for",
        T::Par => "par",
        T::Try => "try",
        T::Rec => "rec",
        T::ParSeq => "parseq",
        T::Co => "co",
        T::Join => "join",
        T::If => "if",
        T::Else => "else",
        T::Otherwise => "otherwise",
        T::Catch => "catch",
        T::True => "true",
        T::False => "false",
        T::InitPeerId => "%init_peer_id%",
        T::LArrow => "<-",
        T::Push => "<<-",
        T::RArrow => "->",
        T::Assign => "=",
        T::EqEq => "==",
        T::NotEq => "!=",
        T::Lt => "<",
        T::LtEq => "<=",
        T::Gt => ">",
        T::GtEq => ">=",
        T::Plus => "+",
        T::Minus => "-",
        T::Star => "*",
        T::Slash => "/",
        T::Percent => "%",
        T::Pow => "**",
        T::Bang => "!",
        T::AndAnd => "&&",
        T::OrOr => "||",
        T::Dot => ".",
        T::Comma => ",",
        T::Colon => ":",
        T::Question => "?",
        T::LParen => "(",
        T::RParen => ")",
        T::LBracket => "[",
        T::RBracket => "]",
        T::LBrace => "{",
        T::RBrace => "}",
        T::EmptyBrackets => "[]",
        T::OptionOpen => "?[",
        T::StreamOpen => "*[",
        T::OptionEmpty => "?[]",
        T::StreamEmpty => "*[]",
        T::Top => "⊤",
        T::Bottom => "⊥",
        T::Newline(_)
        | T::Scalar(_)
        | T::Lower(_)
        | T::Upper(_)
        | T::Int(_)
        | T::Float(_)
        | T::Str(_) => "token",
        T::UnterminatedStr(_) => "string",
    }
}

/// Terminals that start an expression; when most of them are possible we say "an expression".
const EXPRESSION_STARTS: &[&str] = &[
    "name",
    "Name",
    "integer",
    "float",
    "string",
    "unterminated string",
    "true",
    "false",
    "[",
    "?[",
    "*[",
    "[]",
    "?[]",
    "*[]",
    "(",
    "!",
    "-",
    "%init_peer_id%",
];
/// Terminals that start a type.
const TYPE_STARTS: &[&str] = &["scalar type", "Name", "[]", "?", "*", "%", "⊤", "⊥", "?[]", "*[]"];
/// Terminals that start a statement of its own.
const STATEMENT_STARTS: &[&str] = &["on", "for", "parseq", "if", "try", "co", "join", "<-"];
/// Terminals that start a top-level definition.
const DEFINITION_STARTS: &[&str] = &["func", "data", "service", "ability", "const", "alias"];
/// Keywords that are also names wherever a name goes (the grammar's `SoftKeyword`).
const SOFT_KEYWORDS: &[&str] = &[
    "aqua",
    "module",
    "declares",
    "import",
    "use",
    "from",
    "as",
    "export",
    "const",
    "data",
    "alias",
    "service",
    "ability",
    "via",
    "rec",
    "scalar type",
];
/// Keywords that are names only after a `.`, in member lists and as parameter names.
const HARD_KEYWORDS: &[&str] = &[
    "func",
    "on",
    "for",
    "par",
    "try",
    "parseq",
    "co",
    "join",
    "if",
    "else",
    "otherwise",
    "catch",
];
/// Terminals that continue an expression after an operand.
const OPERATORS: &[&str] =
    &["+", "-", "*", "/", "%", "**", "==", "!=", "<", "<=", ">", ">=", "&&", "||", ".", "[", "!"];

/// Turns LALRPOP's list of terminal names into at most five phrases a person reads.
pub fn describe_expected(expected: &[String]) -> Vec<String> {
    let mut names: Vec<&str> = expected.iter().map(|e| e.trim_matches('"')).collect();
    // Where a name goes, the keywords that are names too are not worth listing.
    if names.contains(&"name") {
        let field_place = names.contains(&"func") && names.contains(&"parseq");
        names.retain(|name| {
            let listed =
                SOFT_KEYWORDS.contains(name) || field_place && HARD_KEYWORDS.contains(name);
            !listed
        });
    }
    let mut phrases = Vec::new();
    let mut covered: Vec<&str> = Vec::new();
    // A group applies when its key terminal is possible (`integer` marks an expression place,
    // `⊤` a type place, `data` a definition place, `parseq` a statement place).
    let mut group = |members: &[&'static str], phrase: &str, key: &str, covered: &mut Vec<&str>| {
        if names.contains(&key) {
            phrases.push(phrase.to_string());
            covered.extend(members.iter().copied());
        }
    };
    group(DEFINITION_STARTS, "a definition", "data", &mut covered);
    group(STATEMENT_STARTS, "a statement", "parseq", &mut covered);
    group(TYPE_STARTS, "a type", "⊤", &mut covered);
    group(EXPRESSION_STARTS, "an expression", "integer", &mut covered);
    group(OPERATORS, "an operator", "**", &mut covered);
    for name in &names {
        if covered.contains(name) || phrases.len() >= 5 {
            continue;
        }
        phrases.push(describe_terminal(name));
    }
    phrases.dedup();
    phrases.truncate(5);
    phrases
}

fn describe_terminal(name: &str) -> String {
    match name {
        "end of line" | "indented block" | "end of block" | "integer" | "float" | "string" => {
            format!(
                "{} {name}",
                if name.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
            )
        }
        "name" => "a name".into(),
        "Name" => "a capitalised name".into(),
        "scalar type" => "a scalar type".into(),
        "unterminated string" => "a string".into(),
        other => format!("`{other}`"),
    }
}
