//! A hand-written recursive-descent parser for the language of `grammar.lalrpop`, for speed: the
//! LALRPOP parser's table-driven loop, its symbol stack and its unit reductions cost more than
//! half of parsing. It reads the same layout tokens, builds the same tree with the same spans
//! (through the same `assemble` and `climb` helpers) and reports no errors: on anything it does
//! not take, and on any error of the layout pass or of a helper, it gives up with `None`, and
//! `parser.rs` runs the LALRPOP parser, which recovers and reports. A test over every `.aqua`
//! file of the repository and their mutations holds the two parsers to the same trees.
//!
//! Positions follow LALRPOP's: a node starts where its first token starts and ends where the
//! last token it consumed ends, layout tokens included (a block statement ends after the
//! `Dedent` of its block). Recursion is bounded by [`MAX_DEPTH`]; deeper input is left to
//! LALRPOP, whose stack lives on the heap.

mod expr;
mod items;
mod stmts;
mod types;

use crate::ahead::Tokens;
use crate::ast::{Ident, Module, QualifiedName, SmolStr};
use crate::error::SyntaxError;
use crate::layout::{Layout, Spanned, Token};
use crate::span::Span;
use crate::token::RawToken;

/// The deepest nesting of blocks, brackets, `!` and type prefixes taken before giving up.
const MAX_DEPTH: u32 = 64;

/// The size of the ring of tokens read ahead (a power of two): statements look three ahead.
const AHEAD: usize = 4;

/// A module read by the fast parser.
pub(crate) struct Parsed {
    /// The tree.
    pub module: Module,
    /// The checks after parsing that may find something. The nesting limits of `depth.rs`
    /// apply only if some logical line is long enough to hold an expression or type nested past
    /// them (every level takes a byte, and neither spans two logical lines); misplaced returns
    /// only if some return statement is not a statement of a function's or closure's body.
    pub checks: crate::Checks,
}

/// Lines up to this long hold no expression or type nested past the limits of `depth.rs`.
const SHORT_LINE: u32 = {
    let (expr, ty) = (crate::depth::MAX_EXPR_DEPTH, crate::depth::MAX_TYPE_DEPTH);
    (if expr < ty { expr } else { ty }) as u32
};

/// Parses a module without syntax errors; `None` if the source has any (or nests too deeply),
/// and the caller then asks LALRPOP.
pub(crate) fn parse(src: &str) -> Option<Parsed> {
    with_descent(src, |mut descent| {
        let module = descent.module(crate::layout::to_u32(src.len()))?;
        let clean = descent.clean();
        let returns = descent.returns != descent.body_returns;
        let checks = crate::Checks { depth: descent.long_lines, returns };
        clean.then_some(Parsed { module, checks })
    })
}

/// Runs `parse` with a parser at the start of `src`; a large source is lexed on another thread,
/// ahead of the parser, when there is a core for it.
fn with_descent<R>(src: &str, parse: impl FnOnce(Descent<'_>) -> R) -> R {
    // Asked only for large sources: it reads the process's CPU limits.
    let parallel = || std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    if src.len() < LEX_AHEAD_FROM || !parallel() {
        return parse(Descent::new(src));
    }
    std::thread::scope(|scope| {
        parse(Descent::reading(Tokens::Ahead(crate::ahead::spawn(scope, src))))
    })
}

/// Sources this long are lexed on another thread, ahead of the parser. Below, the thread would
/// save little: parsing 256 KiB takes about 5 ms.
const LEX_AHEAD_FROM: usize = 256 * 1024;

/// Parses a module part by part, as [`crate::parse_parts`] describes: `visit` gets the module
/// (header and header lines) and then each definition as soon as it is read, with the checks after
/// parsing done on it; false as soon as something would be reported, or the fast parser gives up.
pub(crate) fn parse_parts(src: &str, visit: &mut dyn FnMut(crate::Part)) -> bool {
    with_descent(src, |descent| parts_of(descent, src, visit))
}

/// [`parse_parts`] with `descent` at the start of `src`.
fn parts_of(mut descent: Descent<'_>, src: &str, visit: &mut dyn FnMut(crate::Part)) -> bool {
    let Some(module) = descent.header_part(crate::layout::to_u32(src.len())) else {
        return false;
    };
    let mut errors = Vec::new();
    crate::shape::check_header(&module, src, &mut errors);
    if !errors.is_empty() {
        return false;
    }
    visit(crate::Part::Module(module));
    while descent.peek().is_some() {
        let Some(mut item) = descent.item() else { return false };
        // The flags only ever turn on, and they are on by the end of the definition that needs
        // the check: a definition read while they were off has nothing to report.
        if descent.long_lines {
            crate::depth::limit_item(&mut item, &mut errors);
        }
        if descent.returns != descent.body_returns {
            crate::shape::check_item(&item, &mut errors);
        }
        if !errors.is_empty() || !descent.errors.is_empty() {
            return false;
        }
        visit(crate::Part::Item(item));
    }
    descent.clean()
}

/// The header and the header lines of a module, without its definitions (`items` is empty);
/// `None` if they have a syntax error or a form the fast parser does not take.
pub(crate) fn parse_header(src: &str) -> Option<Module> {
    let mut descent = Descent::new(src);
    let module = descent.header_part(crate::layout::to_u32(src.len()))?;
    descent.clean().then_some(module)
}

impl<'s> Descent<'s> {
    /// A parser at the start of `src`.
    fn new(src: &'s str) -> Descent<'s> {
        Descent::reading(Tokens::Here(Layout::new(src)))
    }

    /// A parser at the start of `tokens`.
    fn reading(tokens: Tokens<'s>) -> Descent<'s> {
        Descent {
            tokens,
            ahead: [(0, Token::Newline, 0); AHEAD],
            head: 0,
            buffered: 0,
            ended: false,
            prev_end: 0,
            depth: 0,
            stmts: Vec::new(),
            line_start: 0,
            long_lines: false,
            returns: 0,
            body_returns: 0,
            errors: Vec::new(),
        }
    }

    /// Whether neither the parser nor the layout has reported an error so far.
    fn clean(&mut self) -> bool {
        self.errors.is_empty() && self.tokens.take_errors().is_empty()
    }
}

/// The parser's state: the layout tokens and a few read ahead.
struct Descent<'s> {
    tokens: Tokens<'s>,
    /// Tokens read ahead of the current position: a ring of `buffered` tokens from `head`.
    ahead: [Spanned<'s>; AHEAD],
    head: usize,
    buffered: usize,
    /// The layout pass has no more tokens (or failed).
    ended: bool,
    /// Where the last consumed token ends: LALRPOP's `@R`.
    prev_end: u32,
    /// How many bounded constructs are open.
    depth: u32,
    /// Where the current logical line starts, at the latest (the end of the last layout token).
    line_start: u32,
    /// A logical line is longer than [`SHORT_LINE`].
    long_lines: bool,
    /// How many return statements were read, and how many of them are statements of a body.
    returns: usize,
    body_returns: usize,
    /// The statements of the open blocks, innermost last.
    stmts: Vec<crate::ast::Stmt>,
    /// Errors reported by the shared helpers; any of them makes the parse fail.
    errors: Vec<SyntaxError>,
}

impl<'s> Descent<'s> {
    /// Reads ahead until `k + 1` tokens are buffered (`k < AHEAD`); false at the end of the
    /// input.
    fn fill(&mut self, k: usize) -> bool {
        while self.buffered <= k {
            if self.ended {
                return false;
            }
            match self.tokens.next_token() {
                Some(token) => {
                    self.ahead[(self.head + self.buffered) % AHEAD] = token;
                    self.buffered += 1;
                }
                None => self.ended = true,
            }
        }
        true
    }

    /// The token `k` places ahead (`k < AHEAD`), if any.
    #[inline]
    fn nth(&mut self, k: usize) -> Option<Token<'s>> {
        if self.buffered > k || self.fill(k) {
            Some(self.ahead[(self.head + k) % AHEAD].1)
        } else {
            None
        }
    }

    #[inline]
    fn peek(&mut self) -> Option<Token<'s>> {
        self.nth(0)
    }

    /// The next raw token, `None` for a layout token or the end of the input.
    fn peek_raw(&mut self) -> Option<RawToken<'s>> {
        match self.peek()? {
            Token::Raw(raw) => Some(raw),
            _ => None,
        }
    }

    fn at(&mut self, raw: RawToken<'_>) -> bool {
        self.peek_raw() == Some(raw)
    }

    /// Where the next token starts: LALRPOP's `@L` (the end of the input is after the last
    /// token).
    fn start(&mut self) -> u32 {
        if self.buffered > 0 || self.fill(0) { self.ahead[self.head].0 } else { self.prev_end }
    }

    #[inline]
    fn bump(&mut self) -> Option<Spanned<'s>> {
        if self.buffered == 0 && !self.fill(0) {
            return None;
        }
        let token = self.ahead[self.head];
        self.head = (self.head + 1) % AHEAD;
        self.buffered -= 1;
        self.prev_end = token.2;
        match token.1 {
            Token::Raw(_) => {
                self.long_lines |= token.2.saturating_sub(self.line_start) > SHORT_LINE
            }
            _ => self.line_start = token.2,
        }
        Some(token)
    }

    /// Takes the next token if it is `raw` (a token without data).
    fn eat(&mut self, raw: RawToken<'_>) -> bool {
        let found = self.at(raw);
        if found {
            self.bump();
        }
        found
    }

    /// Takes the next token, which must be `expected`; its span.
    fn expect(&mut self, expected: Token<'_>) -> Option<Span> {
        match self.bump()? {
            (start, token, end) if token == expected => Some(Span::new(start, end)),
            _ => None,
        }
    }

    fn expect_raw(&mut self, raw: RawToken<'_>) -> Option<Span> {
        self.expect(Token::Raw(raw))
    }

    fn newline(&mut self) -> Option<()> {
        self.expect(Token::Newline).map(|_| ())
    }

    /// Opens a bounded construct; `None` past [`MAX_DEPTH`].
    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// A name where names go (the grammar's `Ident`).
    fn ident(&mut self) -> Option<Ident> {
        match self.bump()? {
            (start, Token::Raw(raw), end) => ident_text(raw)
                .map(|name| Ident { name: SmolStr::new(name), span: Span::new(start, end) }),
            _ => None,
        }
    }

    /// A name after a `.`, in member lists and as a parameter name (the grammar's `FieldName`).
    fn field_name(&mut self) -> Option<Ident> {
        match self.bump()? {
            (start, Token::Raw(raw), end) => field_text(raw)
                .map(|name| Ident { name: SmolStr::new(name), span: Span::new(start, end) }),
            _ => None,
        }
    }

    /// `A.b.c`.
    fn qualified_name(&mut self) -> Option<QualifiedName> {
        let start = self.start();
        let mut parts = vec![self.ident()?];
        while self.eat(RawToken::Dot) {
            parts.push(self.field_name()?);
        }
        Some(QualifiedName { parts, span: Span::new(start, self.prev_end) })
    }

    /// `item ("," item)*`, without a trailing comma (the grammar's `Comma1`).
    fn comma1<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let first = item(self)?;
        if !self.at(RawToken::Comma) {
            return Some(vec![first]);
        }
        let mut items = Vec::with_capacity(4);
        items.push(first);
        while self.eat(RawToken::Comma) {
            items.push(item(self)?);
        }
        items.shrink_to_fit();
        Some(items)
    }
}

/// Whether the token is a name where names go: a name, or a keyword that is a name there (the
/// grammar's `Ident` and `SoftKeyword`).
fn ident_text(raw: RawToken<'_>) -> Option<&str> {
    use RawToken as T;
    Some(match raw {
        T::Lower(name) | T::Upper(name) | T::Scalar(name) => name,
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
        T::Via => "via",
        T::Rec => "rec",
        _ => return None,
    })
}

/// The text of a token that is a name after a `.` (the grammar's `FieldName`).
fn field_text(raw: RawToken<'_>) -> Option<&str> {
    use RawToken as T;
    ident_text(raw).or(match raw {
        T::Func => Some("func"),
        T::On => Some("on"),
        T::For => Some("for"),
        T::Par => Some("par"),
        T::Try => Some("try"),
        T::ParSeq => Some("parseq"),
        T::Co => Some("co"),
        T::Join => Some("join"),
        T::If => Some("if"),
        T::Else => Some("else"),
        T::Otherwise => Some("otherwise"),
        T::Catch => Some("catch"),
        _ => None,
    })
}

/// Whether a token is a name where names go.
fn is_ident(token: Option<Token<'_>>) -> bool {
    matches!(token, Some(Token::Raw(raw)) if ident_text(raw).is_some())
}

/// Whether a token is a name after a `.`.
fn is_field_name(token: Option<Token<'_>>) -> bool {
    matches!(token, Some(Token::Raw(raw)) if field_text(raw).is_some())
}
