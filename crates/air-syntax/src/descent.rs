//! A hand-written recursive-descent parser for the AIR grammar of `grammar.lalrpop`, for speed:
//! AquaVM parses the script on every invocation, so the VM does too. It accepts exactly the
//! grammar's language and builds the same tree with the same spans; it reports no errors: on
//! anything it does not accept (a lexer error included) it gives up with `None`, and `parser.rs`
//! runs the LALRPOP parser, which produces the error. A property test holds the two parsers to
//! the same trees and the same errors.
//!
//! Recursion is bounded: the lexer stops at [`MAX_NESTING`](crate::lexer::MAX_NESTING) levels of
//! parentheses, and each level is one call of [`Descent::instr`], which grows the stack on the
//! heap when little is left.

use crate::ast::*;
use crate::lexer::{Keyword, LensText, Lexer, Token};

/// Parses a valid script; `None` if the script is not valid (the caller then asks LALRPOP why).
pub(crate) fn parse(lexer: Lexer<'_>) -> Option<Instruction> {
    let mut descent = Descent { lexer, depth: 0 };
    let body = descent.instr()?;
    // The whole input must be consumed: only trivia may follow.
    if descent.lexer.skip_trivia().is_some() {
        return None;
    }
    Some(body)
}

/// A token with its span.
type Spanned<'s> = (Token<'s>, Span);

/// The parser's state. Every choice the grammar makes is decided by the next token's first
/// byte, so the parser never holds a token back: it asks the lexer for brackets, parentheses
/// and keywords by byte or word ([`Lexer::eat`], [`Lexer::at`], [`Lexer::word`]), and for a
/// classified token only where a value or a name stands.
struct Descent<'s> {
    lexer: Lexer<'s>,
    /// How many instructions are open.
    depth: u32,
}

impl<'s> Descent<'s> {
    /// The next token, classified; a lexer error ends the parse (`None`).
    fn next(&mut self) -> Option<Spanned<'s>> {
        match self.lexer.next()? {
            Ok((start, token, end)) => Some((token, Span::new(start, end))),
            Err(_) => None,
        }
    }

    /// Takes the bracket or parenthesis `byte` if it comes next, returning its span.
    fn expect(&mut self, byte: u8) -> Option<Span> {
        let start = self.lexer.eat(byte)?;
        Some(Span::new(start, start + 1))
    }

    /// `( body )`, on a stack grown on the heap when needed (a level takes about 12 KiB of stack
    /// in a debug build, under 1 KiB in a release build, and a script may nest 1024 levels).
    fn instr(&mut self) -> Option<Instruction> {
        // Checking the stack costs more than a level's parse: check every 16 levels, with a red
        // zone that holds 16 levels of debug frames (about 190 KiB of 256).
        self.depth += 1;
        let body = if self.depth.is_multiple_of(16) {
            stacker::maybe_grow(256 * 1024, 2 * 1024 * 1024, || self.instr_here())
        } else {
            self.instr_here()
        };
        self.depth -= 1;
        body
    }

    fn instr_here(&mut self) -> Option<Instruction> {
        let open = self.expect(b'(')?;
        let keyword = crate::lexer::keyword(self.lexer.word()?)?;
        let body = self.body(keyword)?;
        let close = self.expect(b')')?;
        Some(body.with_span(Span::new(open.start, close.end)))
    }

    fn body(&mut self, keyword: Keyword) -> Option<Instruction> {
        let dummy = Span::DUMMY;
        Some(match keyword {
            Keyword::Call => {
                let peer = self.peer_id()?;
                self.expect(b'(')?;
                let service = self.str_value()?;
                let function = self.str_value()?;
                self.expect(b')')?;
                self.expect(b'[')?;
                let mut args = Vec::new();
                while self.expect(b']').is_none() {
                    args.push(self.value()?);
                }
                let output = if self.lexer.at(b')') {
                    None
                } else {
                    match self.next()? {
                        (Token::Scalar(name), span) => {
                            Some(CallOutput::Scalar(Name::new(name, span)))
                        }
                        (Token::Stream(name), span) => {
                            Some(CallOutput::Stream(Name::new(name, span)))
                        }
                        _ => return None,
                    }
                };
                Instruction::Call(Box::new(Call {
                    peer,
                    service,
                    function,
                    args,
                    output,
                    span: dummy,
                }))
            }
            Keyword::Canon => {
                let peer = self.peer_id()?;
                let form = match self.next()? {
                    (Token::Stream(stream), span) => {
                        let stream = Name::new(stream, span);
                        match self.next()? {
                            (Token::Canon(canon), span) => {
                                CanonForm::Stream { stream, canon: Name::new(canon, span) }
                            }
                            _ => return None,
                        }
                    }
                    (Token::StreamMap(map), span) => {
                        let map = Name::new(map, span);
                        match self.next()? {
                            (Token::CanonMap(canon), span) => {
                                CanonForm::Map { map, canon: Name::new(canon, span) }
                            }
                            (Token::Scalar(scalar), span) => {
                                CanonForm::MapToScalar { map, scalar: Name::new(scalar, span) }
                            }
                            _ => return None,
                        }
                    }
                    _ => return None,
                };
                Instruction::Canon(Box::new(Canon { peer, form, span: dummy }))
            }
            Keyword::Ap => {
                if self.expect(b'(').is_some() {
                    let key = self.value()?;
                    let value = self.ap_argument()?;
                    self.expect(b')')?;
                    let map = match self.next()? {
                        (Token::StreamMap(map), span) => Name::new(map, span),
                        _ => return None,
                    };
                    Instruction::ApMap(Box::new(ApMap { key, value, map, span: dummy }))
                } else {
                    let argument = self.ap_argument()?;
                    let result = match self.next()? {
                        (Token::Scalar(name), span) => ApResult::Scalar(Name::new(name, span)),
                        (Token::Stream(name), span) => ApResult::Stream(Name::new(name, span)),
                        _ => return None,
                    };
                    Instruction::Ap(Box::new(Ap { argument, result, span: dummy }))
                }
            }
            Keyword::Seq | Keyword::Par | Keyword::Xor => {
                let left = self.instr()?;
                let right = self.instr()?;
                let pair = Box::new(Pair { left, right, span: dummy });
                match keyword {
                    Keyword::Seq => Instruction::Seq(pair),
                    Keyword::Par => Instruction::Par(pair),
                    _ => Instruction::Xor(pair),
                }
            }
            Keyword::Null => Instruction::Null(dummy),
            Keyword::Never => Instruction::Never(dummy),
            Keyword::New => {
                let (kind, name) = match self.next()? {
                    (Token::Scalar(name), span) => (VariableKind::Scalar, Name::new(name, span)),
                    (Token::Stream(name), span) => (VariableKind::Stream, Name::new(name, span)),
                    (Token::StreamMap(name), span) => {
                        (VariableKind::StreamMap, Name::new(name, span))
                    }
                    (Token::Canon(name), span) => {
                        (VariableKind::CanonStream, Name::new(name, span))
                    }
                    (Token::CanonMap(name), span) => {
                        (VariableKind::CanonStreamMap, Name::new(name, span))
                    }
                    _ => return None,
                };
                let body = self.instr()?;
                Instruction::New(Box::new(New {
                    variable: Variable { kind, name },
                    body,
                    span: dummy,
                }))
            }
            Keyword::Fail => {
                let kind = match self.next()? {
                    (Token::Scalar(name), span) => FailKind::Value(scalar(name, None, span)),
                    (Token::ScalarLens((name, lens)), span) => {
                        FailKind::Value(scalar(name, Some(lens.lens()), span))
                    }
                    (Token::CanonLens((name, lens)), span) => {
                        FailKind::Value(canon(name, Some(lens.lens()), span))
                    }
                    (Token::Int(code), code_span) => match self.next()? {
                        (Token::Str(message), _) => {
                            FailKind::Literal { code, message: message.to_owned(), code_span }
                        }
                        _ => return None,
                    },
                    (Token::LastError(_), _) => FailKind::LastError,
                    (Token::Error(_), _) => FailKind::Error,
                    _ => return None,
                };
                Instruction::Fail(Box::new(Fail { kind, span: dummy }))
            }
            Keyword::Fold => {
                let iterable = match self.next()? {
                    (Token::Scalar(name), span) => FoldIterable::Value(scalar(name, None, span)),
                    (Token::ScalarLens((name, lens)), span) => {
                        FoldIterable::Value(scalar(name, Some(lens.lens()), span))
                    }
                    (Token::Canon(name), span) => FoldIterable::Value(canon(name, None, span)),
                    (Token::CanonMap(name), span) => {
                        FoldIterable::Value(canon_map(name, None, span))
                    }
                    (Token::CanonMapLens((name, lens)), span) => {
                        FoldIterable::Value(canon_map(name, Some(lens.lens()), span))
                    }
                    (Token::LBracket, open) => {
                        let close = self.expect(b']')?;
                        let span = Span::new(open.start, close.end);
                        FoldIterable::Value(Value::new(ValueKind::EmptyArray, span))
                    }
                    (Token::Stream(name), span) => FoldIterable::Stream(Name::new(name, span)),
                    (Token::StreamMap(name), span) => {
                        FoldIterable::StreamMap(Name::new(name, span))
                    }
                    _ => return None,
                };
                let iterator = self.scalar_name()?;
                let body = self.instr()?;
                let last = if self.lexer.at(b'(') { Some(self.instr()?) } else { None };
                Instruction::Fold(Box::new(Fold { iterable, iterator, body, last, span: dummy }))
            }
            Keyword::Next => {
                let iterator = self.scalar_name()?;
                Instruction::Next(Box::new(Next { iterator, span: dummy }))
            }
            Keyword::Match | Keyword::Mismatch => {
                let left = self.value()?;
                let right = self.value()?;
                let body = self.instr()?;
                let node = Box::new(Match { left, right, body, span: dummy });
                if keyword == Keyword::Match {
                    Instruction::Match(node)
                } else {
                    Instruction::Mismatch(node)
                }
            }
        })
    }

    fn scalar_name(&mut self) -> Option<Name> {
        match self.next()? {
            (Token::Scalar(name), span) => Some(Name::new(name, span)),
            _ => None,
        }
    }

    /// `%init_peer_id%` or a [`Descent::str_value`].
    fn peer_id(&mut self) -> Option<Value> {
        let token = self.next()?;
        match token {
            (Token::InitPeerId, span) => Some(Value::new(ValueKind::InitPeerId, span)),
            token => str_value(token),
        }
    }

    fn str_value(&mut self) -> Option<Value> {
        let token = self.next()?;
        str_value(token)
    }

    /// Any value except a canon map without a lens.
    fn ap_argument(&mut self) -> Option<Value> {
        let token = self.next()?;
        self.ap_argument_from(token)
    }

    fn ap_argument_from(&mut self, (token, span): Spanned<'s>) -> Option<Value> {
        let kind = match token {
            Token::InitPeerId => ValueKind::InitPeerId,
            Token::LastError(lens) => ValueKind::LastError(lens.map(LensText::lens)),
            Token::Error(lens) => ValueKind::Error(lens.map(LensText::lens)),
            Token::Timestamp => ValueKind::Timestamp,
            Token::Ttl => ValueKind::Ttl,
            Token::Str(text) => ValueKind::Str(text.to_owned()),
            Token::Int(value) => ValueKind::Int(value),
            Token::Float(value) => ValueKind::Float(value),
            Token::Bool(value) => ValueKind::Bool(value),
            Token::LBracket => {
                let close = self.expect(b']')?;
                return Some(Value::new(ValueKind::EmptyArray, Span::new(span.start, close.end)));
            }
            Token::Scalar(name) => return Some(scalar(name, None, span)),
            Token::ScalarLens((name, lens)) => return Some(scalar(name, Some(lens.lens()), span)),
            Token::Canon(name) => return Some(canon(name, None, span)),
            Token::CanonLens((name, lens)) => return Some(canon(name, Some(lens.lens()), span)),
            Token::CanonMapLens((name, lens)) => {
                return Some(canon_map(name, Some(lens.lens()), span));
            }
            _ => return None,
        };
        Some(Value::new(kind, span))
    }

    /// Any value.
    fn value(&mut self) -> Option<Value> {
        match self.next()? {
            (Token::CanonMap(name), span) => Some(canon_map(name, None, span)),
            token => self.ap_argument_from(token),
        }
    }
}

/// A literal, a scalar (lensed or not), or a lensed canon or canon map.
fn str_value((token, span): Spanned<'_>) -> Option<Value> {
    match token {
        Token::Str(text) => Some(Value::new(ValueKind::Str(text.to_owned()), span)),
        Token::Scalar(name) => Some(scalar(name, None, span)),
        Token::ScalarLens((name, lens)) => Some(scalar(name, Some(lens.lens()), span)),
        Token::CanonLens((name, lens)) => Some(canon(name, Some(lens.lens()), span)),
        Token::CanonMapLens((name, lens)) => Some(canon_map(name, Some(lens.lens()), span)),
        _ => None,
    }
}

fn scalar(name: &str, lens: Option<Lens>, span: Span) -> Value {
    Value::new(ValueKind::Scalar { name: name.to_owned(), lens }, span)
}

fn canon(name: &str, lens: Option<Lens>, span: Span) -> Value {
    Value::new(ValueKind::CanonStream { name: name.to_owned(), lens }, span)
}

fn canon_map(name: &str, lens: Option<Lens>, span: Span) -> Value {
    Value::new(ValueKind::CanonStreamMap { name: name.to_owned(), lens }, span)
}
