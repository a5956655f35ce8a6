//! Top-level definitions: constants (with overrides), `data`, `alias`, `ability`, `service` and
//! `func`.

use std::sync::Arc;

use aqua_syntax::ast::{self, ExprKind, Item, Literal};
use smol_str::SmolStr;

use crate::env::{Def, FrameKind};
use crate::error::{ReturnProblem, TypeError};
use crate::infer::Checker;
use crate::infer::resolve;
use crate::tast::{self, Binding, ConstId, FuncId, ServiceDefId};
use crate::types::{
    AbilityType, ArrowType, LiteralType, MAX_TYPE_DEPTH, ScalarType, ServiceType, StructType, Type,
    is_subtype,
};

impl Checker<'_> {
    /// Checks one top-level definition and adds it to the module scope.
    pub(crate) fn check_item(&mut self, item: &Item) {
        let name = match item {
            Item::Const(def) => self.check_const(def),
            Item::Alias(def) => {
                let ty = resolve::resolve_type(self, &def.ty);
                let ty = self.bounded(ty, &def.name);
                self.define_top(&def.name, Def::Type(ty), None);
                &def.name
            }
            Item::Data(def) => self.check_data(def),
            Item::Ability(def) => self.check_ability(def),
            Item::Service(def) => self.check_service(def),
            Item::Func(def) => self.check_func(def),
            Item::Error(_) => return,
        };
        self.later.remove(&name.name);
    }

    fn check_const<'a>(&mut self, def: &'a ast::ConstDef) -> &'a ast::Ident {
        let name = &def.name.name;
        let upper = name.starts_with(|c: char| c.is_ascii_uppercase())
            && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if !upper {
            self.error(TypeError::ConstName { span: def.name.span, name: name.clone() });
        }
        let (mut value, mut ty) = match &def.value.kind {
            ExprKind::Literal(literal) => {
                if let Some(error) = not_in_air(literal, def.value.span) {
                    self.error(error);
                }
                (literal.clone(), literal_type(literal))
            }
            ExprKind::Var(name) => match self.scope.lookup(&name.name).map(|e| e.def) {
                Some(Def::Const(id)) => match self.program.constants.get(id.0 as usize) {
                    Some(c) => (c.value.clone(), c.ty.clone()),
                    None => (Literal::Bool(false), Type::Error),
                },
                Some(_) => {
                    self.error(TypeError::ConstNotLiteral { span: def.value.span });
                    (Literal::Bool(false), Type::Error)
                }
                None => {
                    self.unknown_name(name, crate::error::NameKind::Value);
                    (Literal::Bool(false), Type::Error)
                }
            },
            ExprKind::Error => (Literal::Bool(false), Type::Error),
            _ => {
                self.error(TypeError::ConstNotLiteral { span: def.value.span });
                (Literal::Bool(false), Type::Error)
            }
        };
        if let Some(index) = self.overrides.iter().position(|o| o.name == def.name.name) {
            if let Some(used) = self.overrides_used.get_mut(index) {
                *used = true;
            }
            let new = self.overrides[index].value.clone();
            // An override's number goes into the AIR as the constant's value would.
            if let Some(error) = not_in_air(&new, def.name.span) {
                self.error(error);
            }
            let new_ty = literal_type(&new);
            if !def.overridable || !is_subtype(&ty, &new_ty) && !is_subtype(&new_ty, &ty) {
                self.error(TypeError::OverrideMismatch {
                    span: def.name.span,
                    name: def.name.name.clone(),
                    expected: ty.clone(),
                    found: new_ty.clone(),
                    fixed: !def.overridable,
                });
            } else {
                value = new;
                ty = new_ty;
            }
        }
        let id = ConstId(self.program.constants.len() as u32);
        self.program.constants.push(tast::Const {
            id,
            name: def.name.name.clone(),
            module: self.module,
            value,
            ty,
            span: def.span,
        });
        self.define_top(&def.name, Def::Const(id), None);
        &def.name
    }

    fn check_data<'a>(&mut self, def: &'a ast::DataDef) -> &'a ast::Ident {
        let mut fields: Vec<(SmolStr, Type)> = Vec::with_capacity(def.fields.len());
        for field in &def.fields {
            let ty = resolve::data_type(self, &field.ty, "struct field");
            if fields.iter().any(|(n, _)| *n == field.name.name) {
                self.error(TypeError::DuplicateField {
                    span: field.name.span,
                    field: field.name.name.clone(),
                });
                continue;
            }
            fields.push((field.name.name.clone(), ty));
        }
        let ty = Arc::new(StructType { name: def.name.name.clone(), fields });
        let ty = self.bounded(Type::Struct(ty), &def.name);
        if let Type::Struct(defined) = &ty {
            self.program.structs.push(defined.clone());
        }
        self.define_top(&def.name, Def::Type(ty), None);
        &def.name
    }

    fn check_ability<'a>(&mut self, def: &'a ast::AbilityDef) -> &'a ast::Ident {
        let mut fields: Vec<(SmolStr, Type)> = Vec::with_capacity(def.members.len());
        for member in &def.members {
            // Streams and stream maps are members too (Aqua 0.14.11): an ability built from a
            // stream refers to that stream, so writes through the member land in it.
            let ty = resolve::resolve_type(self, &member.ty);
            if fields.iter().any(|(n, _)| *n == member.name.name) {
                self.error(TypeError::DuplicateField {
                    span: member.name.span,
                    field: member.name.name.clone(),
                });
                continue;
            }
            fields.push((member.name.name.clone(), ty));
        }
        let ty = Arc::new(AbilityType { name: def.name.name.clone(), fields });
        let ty = self.bounded(Type::Ability(ty), &def.name);
        self.define_top(&def.name, Def::Type(ty), None);
        &def.name
    }

    fn check_service<'a>(&mut self, def: &'a ast::ServiceDef) -> &'a ast::Ident {
        let mut methods: Vec<(SmolStr, Arc<ArrowType>)> = Vec::with_capacity(def.methods.len());
        for method in &def.methods {
            let arrow = match resolve::resolve_type(self, &method.ty) {
                Type::Arrow(arrow) => arrow,
                Type::Error => Arc::new(ArrowType::default()),
                other => {
                    self.error(TypeError::BadTypeHere {
                        span: method.ty.span,
                        ty: other,
                        place: "service method",
                    });
                    Arc::new(ArrowType::default())
                }
            };
            // Two results `string, T` are the key-value shape that `m <- Srv.f()` writes into
            // a stream map (Aqua 0.14.11); anything else longer than one result is rejected.
            let pair = matches!(arrow.results.as_slice(), [Type::Scalar(ScalarType::String), _]);
            if arrow.results.len() > 1 && !pair {
                self.error(TypeError::ServiceMultipleResults {
                    span: method.span,
                    method: method.name.name.clone(),
                });
            }
            if methods.iter().any(|(n, _)| *n == method.name.name) {
                self.error(TypeError::DuplicateField {
                    span: method.name.span,
                    field: method.name.name.clone(),
                });
                continue;
            }
            methods.push((method.name.name.clone(), arrow));
        }
        let default_id = def.default_id.as_ref().map(|id| {
            self.locals.restart();
            self.locals.push(FrameKind::Block);
            let expr = self.infer_expr(id);
            self.expect(&expr, &Type::STRING, None);
            self.locals.restart();
            Arc::new(expr)
        });
        let id = ServiceDefId(self.program.services.len() as u32);
        let ty = Arc::new(ServiceType { name: def.name.name.clone(), methods });
        self.program.services.push(tast::Service {
            id,
            name: def.name.name.clone(),
            module: self.module,
            file: self.file,
            ty,
            default_id,
            span: def.span,
        });
        self.define_top(&def.name, Def::Service(id), None);
        &def.name
    }

    fn check_func<'a>(&mut self, def: &'a ast::FuncDef) -> &'a ast::Ident {
        self.locals.restart();
        self.locals.push(FrameKind::Block);
        let signature = &def.signature;
        let abilities = self.bind_abilities(signature);
        let params = self.bind_params(&signature.params);
        let results: Vec<Type> =
            signature.results.iter().map(|ty| resolve::resolve_type(self, ty)).collect();
        let ty = Arc::new(ArrowType {
            abilities: abilities.iter().map(|b| (b.name.clone(), b.ty.clone())).collect(),
            params: params.iter().map(|b| (Some(b.name.clone()), b.ty.clone())).collect(),
            results,
        });
        let body = self.check_body(&def.body, &ty.results, signature.span);
        self.pop_frame();
        let id = FuncId(self.program.functions.len() as u32);
        self.program.functions.push(tast::Func {
            id,
            name: def.name.name.clone(),
            module: self.module,
            file: self.file,
            abilities: abilities.into(),
            params: params.into(),
            ty,
            body,
            locals: self.locals.count(),
            span: def.span,
        });
        self.define_top(&def.name, Def::Func(id), None);
        &def.name
    }

    fn bind_abilities(&mut self, signature: &ast::Signature) -> Vec<Binding> {
        signature
            .abilities
            .iter()
            .map(|name| {
                let (local_name, ty) = resolve::resolve_ability(self, name);
                let local = self.locals.define(local_name.clone(), ty.clone(), name.span, false);
                Binding { local, name: local_name, ty, span: name.span }
            })
            .collect()
    }

    /// Resolves parameters and defines them in the innermost scope.
    pub(crate) fn bind_params(&mut self, params: &[ast::Param]) -> Vec<Binding> {
        params
            .iter()
            .map(|param| {
                let ty = resolve::resolve_type(self, &param.ty);
                self.check_fresh(&param.name);
                let local =
                    self.locals.define(param.name.name.clone(), ty.clone(), param.name.span, false);
                Binding { local, name: param.name.name.clone(), ty, span: param.name.span }
            })
            .collect()
    }

    /// Checks a function or closure body against its declared results.
    pub(crate) fn check_body(
        &mut self,
        body: &ast::Block,
        results: &[Type],
        signature: aqua_syntax::Span,
    ) -> tast::Block {
        let saved = std::mem::replace(&mut self.returns, results.to_vec());
        let block = self.check_stmts(body);
        let first_return =
            block.stmts.iter().position(|s| matches!(s.kind, tast::StmtKind::Return(_)));
        if let Some(after) = first_return.and_then(|index| block.stmts.get(index + 1)) {
            self.error(TypeError::Return {
                span: after.span,
                problem: ReturnProblem::NotLast,
                expected: results.len(),
                found: 0,
                declared: None,
            });
        }
        let returned = first_return.is_some();
        let failed =
            matches!(body.stmts.last().map(|s| &s.kind), Some(ast::StmtKind::Error) | None);
        if !results.is_empty() && !returned && !failed {
            self.error(TypeError::Return {
                span: aqua_syntax::Span::point(body.span.end),
                problem: ReturnProblem::Missing,
                expected: results.len(),
                found: 0,
                declared: Some(signature),
            });
        }
        self.returns = saved;
        block
    }
}

/// A number literal that AIR cannot carry, so that a script holding it would not parse anywhere:
/// a float whose AIR form (see [`air_syntax::float_text`]) is longer than AquaVM reads (T042),
/// an integer outside `i64` (T043).
pub(crate) fn not_in_air(literal: &Literal, span: aqua_syntax::Span) -> Option<TypeError> {
    let text = match literal {
        Literal::Int(text) if text.parse::<i64>().is_err() => {
            return Some(TypeError::IntegerTooLarge { span, text: text.as_str().into() });
        }
        Literal::Float(text) => text,
        _ => return None,
    };
    let value = text.parse().ok()?;
    (!air_syntax::float_fits(value)).then(|| TypeError::FloatTooLong {
        span,
        text: text.as_str().into(),
        air: air_syntax::float_text(value),
    })
}

/// The type of a literal.
pub(crate) fn literal_type(literal: &Literal) -> Type {
    match literal {
        Literal::Bool(_) => Type::BOOL,
        Literal::String(_) => Type::STRING,
        Literal::Int(text) if text.starts_with('-') => Type::Literal(LiteralType::Signed),
        Literal::Int(_) => Type::Literal(LiteralType::Unsigned),
        Literal::Float(_) => Type::Literal(LiteralType::Float),
    }
}

impl Checker<'_> {
    /// The type defined as `name`, or the error type when it nests deeper than
    /// [`MAX_TYPE_DEPTH`], so that no later pass recurses that deep. The first such type is
    /// reported (T040); a chain of thousands would otherwise report one every few hundred links.
    fn bounded(&mut self, ty: Type, name: &ast::Ident) -> Type {
        if self.type_depth(&ty) <= MAX_TYPE_DEPTH {
            return ty;
        }
        let reported =
            self.errors.iter().any(|error| matches!(error.value, TypeError::TypeTooDeep { .. }));
        if !reported {
            self.error(TypeError::TypeTooDeep {
                span: name.span,
                name: name.name.clone(),
                limit: MAX_TYPE_DEPTH,
            });
        }
        Type::Error
    }

    /// The nesting depth of a type. Defined data, ability and service types are measured once
    /// and remembered, so measuring a chain of definitions costs one step per definition and
    /// recurses no deeper than one written type (which the parser bounds).
    fn type_depth(&mut self, ty: &Type) -> usize {
        match ty {
            Type::Array(inner)
            | Type::Option(inner)
            | Type::Stream(inner)
            | Type::StreamMap(inner) => 1 + self.type_depth(inner),
            Type::Struct(def) => {
                let key = Arc::as_ptr(def) as usize;
                self.remembered_depth(key, ty, |this| {
                    this.deepest(def.fields.iter().map(|(_, ty)| ty))
                })
            }
            Type::Ability(def) => {
                let key = Arc::as_ptr(def) as usize;
                self.remembered_depth(key, ty, |this| {
                    this.deepest(def.fields.iter().map(|(_, ty)| ty))
                })
            }
            Type::Service(def) => {
                let key = Arc::as_ptr(def) as usize;
                self.remembered_depth(key, ty, |this| {
                    let arrows: Vec<Type> =
                        def.methods.iter().map(|(_, arrow)| Type::Arrow(arrow.clone())).collect();
                    this.deepest(arrows.iter())
                })
            }
            Type::Arrow(arrow) => {
                let abilities = arrow.abilities.iter().map(|(_, ty)| ty);
                let params = arrow.params.iter().map(|(_, ty)| ty);
                let types: Vec<&Type> = abilities.chain(params).chain(&arrow.results).collect();
                self.deepest(types.into_iter())
            }
            Type::Scalar(_) | Type::Literal(_) | Type::Top | Type::Bottom | Type::Error => 0,
        }
    }

    /// One more than the deepest of `types`.
    fn deepest<'t>(&mut self, types: impl Iterator<Item = &'t Type>) -> usize {
        1 + types.map(|ty| self.type_depth(ty)).max().unwrap_or(0)
    }

    /// The remembered depth of the shared definition at address `key`, measured the first time.
    /// The entry keeps `ty` alive, so its address is never reused for another definition.
    fn remembered_depth(
        &mut self,
        key: usize,
        ty: &Type,
        measure: impl FnOnce(&mut Self) -> usize,
    ) -> usize {
        if let Some((depth, _)) = self.type_depths.get(&key) {
            return *depth;
        }
        let depth = measure(self);
        self.type_depths.insert(key, (depth, ty.clone()));
        depth
    }
}
