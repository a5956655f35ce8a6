//! The module level: header, `import`/`use`/`export` lines, definitions and signatures.

use super::Descent;
use crate::assemble;
use crate::ast::{
    AbilityDef, AliasDef, ConstDef, DataDef, Declares, Field, FuncDef, HeaderItem, HeaderKeyword,
    ImportName, Item, Module, ModuleHeader, ServiceDef, Signature, StringLit,
};
use crate::layout::Token;
use crate::span::Span;
use crate::token::RawToken as T;

impl Descent<'_> {
    /// The whole module; `len` is the length of the source.
    pub(super) fn module(&mut self, len: u32) -> Option<Module> {
        let mut module = self.header_part(len)?;
        while self.peek().is_some() {
            module.items.push(self.item()?);
        }
        Some(module)
    }

    /// The header and the header lines, with no items yet; `len` is the length of the source.
    pub(super) fn header_part(&mut self, len: u32) -> Option<Module> {
        let header = match self.peek_raw() {
            Some(T::Aqua | T::Module) => Some(self.header()?),
            _ => None,
        };
        let mut header_items = Vec::new();
        while matches!(self.peek_raw(), Some(T::Import | T::Use | T::Export)) {
            header_items.push(self.header_item()?);
        }
        Some(Module { header, header_items, items: Vec::new(), span: Span::new(0, len) })
    }

    fn header(&mut self) -> Option<ModuleHeader> {
        let (start, keyword, _) = self.bump()?;
        let keyword = match keyword {
            Token::Raw(T::Aqua) => HeaderKeyword::Aqua,
            _ => HeaderKeyword::Module,
        };
        let name = self.qualified_name()?;
        let declares = if self.eat(T::Declares) {
            Some(if self.at(T::Star) {
                let (l, _, r) = self.bump()?;
                Declares::All(Span::new(l, r))
            } else {
                Declares::Names(self.comma1(Self::qualified_name)?)
            })
        } else {
            None
        };
        let span = Span::new(start, self.prev_end);
        self.newline()?;
        Some(ModuleHeader { keyword, name, declares, span })
    }

    fn header_item(&mut self) -> Option<HeaderItem> {
        let (start, keyword, _) = self.bump()?;
        let by_path = matches!(self.peek_raw(), Some(T::Str(_)));
        let item = match keyword {
            Token::Raw(T::Import) if by_path => {
                let path = self.string_lit()?;
                HeaderItem::Import { path, span: Span::new(start, self.prev_end) }
            }
            Token::Raw(T::Import) => {
                let names = self.comma1(Self::import_name)?;
                self.expect_raw(T::From)?;
                let path = self.string_lit()?;
                HeaderItem::ImportFrom { names, path, span: Span::new(start, self.prev_end) }
            }
            Token::Raw(T::Use) if by_path => {
                let path = self.string_lit()?;
                let alias = self.alias()?;
                HeaderItem::Use { path, alias, span: Span::new(start, self.prev_end) }
            }
            Token::Raw(T::Use) => {
                let names = self.comma1(Self::import_name)?;
                self.expect_raw(T::From)?;
                let path = self.string_lit()?;
                let alias = self.alias()?;
                HeaderItem::UseFrom { names, path, alias, span: Span::new(start, self.prev_end) }
            }
            _ => {
                let names = self.comma1(Self::import_name)?;
                HeaderItem::Export { names, span: Span::new(start, self.prev_end) }
            }
        };
        self.newline()?;
        Some(item)
    }

    /// `as Name`, if there.
    fn alias(&mut self) -> Option<Option<crate::ast::QualifiedName>> {
        if self.eat(T::As) { self.qualified_name().map(Some) } else { Some(None) }
    }

    fn import_name(&mut self) -> Option<ImportName> {
        let start = self.start();
        let name = self.qualified_name()?;
        let alias = self.alias()?;
        Some(ImportName { name, alias, span: Span::new(start, self.prev_end) })
    }

    pub(super) fn string_lit(&mut self) -> Option<StringLit> {
        match self.bump()? {
            (start, Token::Raw(T::Str(text)), end) => Some(StringLit {
                value: text.get(1..text.len().saturating_sub(1))?.to_string(),
                span: Span::new(start, end),
            }),
            _ => None,
        }
    }

    pub(super) fn item(&mut self) -> Option<Item> {
        let (start, keyword, _) = self.bump()?;
        let Token::Raw(keyword) = keyword else { return None };
        let name = self.ident()?;
        Some(match keyword {
            T::Const => {
                let overridable = self.eat(T::Question);
                self.expect_raw(T::Assign)?;
                let value = self.expr()?;
                let span = Span::new(start, self.prev_end);
                self.newline()?;
                Item::Const(ConstDef { name, overridable, value, span })
            }
            T::Alias => {
                self.expect_raw(T::Colon)?;
                let ty = self.type_list()?;
                let span = Span::new(start, self.prev_end);
                self.newline()?;
                Item::Alias(AliasDef { name, ty, span })
            }
            T::Data => {
                let fields = self.members()?;
                Item::Data(DataDef { name, fields, span: Span::new(start, self.prev_end) })
            }
            T::Service => {
                let default_id = if self.eat(T::LParen) {
                    let id = self.expr()?;
                    self.expect_raw(T::RParen)?;
                    Some(id)
                } else {
                    None
                };
                let methods = self.members()?;
                let span = Span::new(start, self.prev_end);
                Item::Service(ServiceDef { name, default_id, methods, span })
            }
            T::Ability => {
                let members = self.members()?;
                Item::Ability(AbilityDef { name, members, span: Span::new(start, self.prev_end) })
            }
            T::Func => {
                let signature = self.signature()?;
                let body = self.body()?;
                let span = Span::new(start, self.prev_end);
                Item::Func(FuncDef { name, signature, body, span })
            }
            _ => return None,
        })
    }

    /// `:` and an indented block of `name: Type` or `name(args) -> R` lines.
    fn members(&mut self) -> Option<Vec<Field>> {
        self.expect_raw(T::Colon)?;
        self.newline()?;
        self.expect(Token::Indent)?;
        let mut members = Vec::new();
        loop {
            members.push(self.member()?);
            if self.peek() == Some(Token::Dedent) {
                self.bump();
                members.shrink_to_fit();
                return Some(members);
            }
        }
    }

    fn member(&mut self) -> Option<Field> {
        let start = self.start();
        let name = self.field_name()?;
        let ty = if self.eat(T::Colon) {
            self.type_list()?
        } else {
            let sig = self.signature()?;
            assemble::method_type(sig.params, sig.abilities, sig.results, sig.span)
        };
        let span = Span::new(start, self.prev_end);
        self.newline()?;
        Some(Field { name, ty, span })
    }

    /// `{Ab}(a: A, b: B) -> R` of a function, closure or method.
    pub(super) fn signature(&mut self) -> Option<Signature> {
        let start = self.start();
        let abilities = if self.at(T::LBrace) { self.abilities()? } else { Vec::new() };
        self.expect_raw(T::LParen)?;
        let params = self.params()?;
        self.expect_raw(T::RParen)?;
        let results = if self.eat(T::RArrow) { self.results()? } else { Vec::new() };
        let span = Span::new(start, self.prev_end);
        Some(Signature { abilities, params, results, span })
    }
}
