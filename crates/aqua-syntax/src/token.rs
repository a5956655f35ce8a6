//! The raw Aqua tokens produced by the logos lexer, before the layout pass.
//!
//! The lexer knows nothing about indentation: a newline token carries the indentation string of the
//! line it starts, and `layout` turns those into `Newline` / `Indent` / `Dedent`.

use logos::Logos;

/// A raw token of Aqua source. Horizontal whitespace and `--` comments are skipped.
#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq)]
#[logos(skip r"[ \t\r\f]+")]
#[logos(skip(r"--[^\n]*", allow_greedy = true))]
pub enum RawToken<'s> {
    /// A line break (`\n`, `\r\n` or `\n\r`); the payload is the indentation of the next line.
    #[regex(r"\n\r?[ \t]*", |lex| lex.slice()[1..].trim_start_matches('\r'))]
    Newline(&'s str),

    /// `aqua`
    #[token("aqua")]
    Aqua,
    /// `module` (the old header keyword)
    #[token("module")]
    Module,
    /// `declares`
    #[token("declares")]
    Declares,
    /// `import`
    #[token("import")]
    Import,
    /// `use`
    #[token("use")]
    Use,
    /// `from`
    #[token("from")]
    From,
    /// `as`
    #[token("as")]
    As,
    /// `export`
    #[token("export")]
    Export,
    /// `const`
    #[token("const")]
    Const,
    /// `data`
    #[token("data")]
    Data,
    /// `alias`
    #[token("alias")]
    Alias,
    /// `service`
    #[token("service")]
    Service,
    /// `ability`
    #[token("ability")]
    Ability,
    /// `func`
    #[token("func")]
    Func,
    /// `on`
    #[token("on")]
    On,
    /// `via`
    #[token("via")]
    Via,
    /// `for`
    #[token("for")]
    For,
    /// `par`
    #[token("par")]
    Par,
    /// `try`
    #[token("try")]
    Try,
    /// `rec`
    #[token("rec")]
    Rec,
    /// `parseq`
    #[token("parseq")]
    ParSeq,
    /// `co`
    #[token("co")]
    Co,
    /// `join`
    #[token("join")]
    Join,
    /// `if`
    #[token("if")]
    If,
    /// `else`
    #[token("else")]
    Else,
    /// `otherwise`
    #[token("otherwise")]
    Otherwise,
    /// `catch`
    #[token("catch")]
    Catch,
    /// `true`
    #[token("true")]
    True,
    /// `false`
    #[token("false")]
    False,

    /// A scalar type name such as `u32` or `string`.
    #[regex("u8|u16|u32|u64|i8|i16|i32|i64|f32|f64|bool|string")]
    Scalar(&'s str),
    /// A lower-case identifier (`name`).
    #[regex("[a-z][A-Za-z0-9_]*")]
    Lower(&'s str),
    /// An upper-case identifier (`Class` or `NAME`).
    #[regex("[A-Z][A-Za-z0-9_]*")]
    Upper(&'s str),
    /// An integer literal without sign.
    #[regex("[0-9]+")]
    Int(&'s str),
    /// A float literal without sign.
    #[regex(r"[0-9]+\.[0-9]+")]
    Float(&'s str),
    /// A string literal, quotes included. Aqua strings have no escapes.
    #[regex(r#""[^"]*""#)]
    Str(&'s str),
    /// A string literal missing its closing quote (up to the end of the line).
    #[regex(r#""[^"\n]*"#, priority = 1)]
    UnterminatedStr(&'s str),
    /// `%init_peer_id%`
    #[token("%init_peer_id%")]
    InitPeerId,

    /// `<-`
    #[token("<-")]
    LArrow,
    /// `<<-`
    #[token("<<-")]
    Push,
    /// `->`
    #[token("->")]
    RArrow,
    /// `=`
    #[token("=")]
    Assign,
    /// `==`
    #[token("==")]
    EqEq,
    /// `!=`
    #[token("!=")]
    NotEq,
    /// `<`
    #[token("<")]
    Lt,
    /// `<=`
    #[token("<=")]
    LtEq,
    /// `>`
    #[token(">")]
    Gt,
    /// `>=`
    #[token(">=")]
    GtEq,
    /// `+`
    #[token("+")]
    Plus,
    /// `-`
    #[token("-")]
    Minus,
    /// `*`
    #[token("*")]
    Star,
    /// `/`
    #[token("/")]
    Slash,
    /// `%`
    #[token("%")]
    Percent,
    /// `**`
    #[token("**")]
    Pow,
    /// `!`
    #[token("!")]
    Bang,
    /// `&&`
    #[token("&&")]
    AndAnd,
    /// `||`
    #[token("||")]
    OrOr,
    /// `.`
    #[token(".")]
    Dot,
    /// `,`
    #[token(",")]
    Comma,
    /// `:`
    #[token(":")]
    Colon,
    /// `?`
    #[token("?")]
    Question,
    /// `(`
    #[token("(")]
    LParen,
    /// `)`
    #[token(")")]
    RParen,
    /// `[`
    #[token("[")]
    LBracket,
    /// `]`
    #[token("]")]
    RBracket,
    /// `{`
    #[token("{")]
    LBrace,
    /// `}`
    #[token("}")]
    RBrace,
    /// `[]`: the array type prefix, or the empty array literal.
    #[token("[]")]
    EmptyBrackets,
    /// `?[`: opens an option literal.
    #[token("?[")]
    OptionOpen,
    /// `*[`: opens a stream literal.
    #[token("*[")]
    StreamOpen,
    /// `?[]`: an option-of-array type prefix, or the empty option literal.
    #[token("?[]")]
    OptionEmpty,
    /// `*[]`: a stream-of-array type prefix, or the empty stream literal.
    #[token("*[]")]
    StreamEmpty,
    /// `⊤`, the top type.
    #[token("⊤")]
    Top,
    /// `⊥`, the bottom type.
    #[token("⊥")]
    Bottom,
}
