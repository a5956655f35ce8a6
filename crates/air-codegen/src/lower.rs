//! The lowering context and statement lowering: what a local stands for, scopes of streams, and
//! one function per statement form. Expressions are in [`expr`], calls and inlining in [`call`],
//! hops in [`topology`], the calling convention in [`crate::wrapper`].

mod call;
mod expr;
pub(crate) mod topology;

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use air_syntax::ast::{Accessor, FoldIterable, Instruction, Lens, Value, ValueKind, VariableKind};
use aqua_syntax::{FileId, Span};
use aqua_typecheck::tast::{Binary, BinaryOp, Expr, ForMode};
use aqua_typecheck::tast::{
    Binding, Block, ClosureDef, ExprKind, FuncId, LocalId, ParSeq, Program, ResultTarget,
    ServiceDefId, Stmt, StmtKind,
};
use aqua_typecheck::types::Type;
use smol_str::SmolStr;

use crate::Options;
use crate::build::{self, scalar};
use crate::error::{LowerError, Result};
use crate::lower::topology::Location;
use crate::names::Names;
use crate::source_map::{Construct, Origin, Tagger};
use crate::stmts::inner_stmts;

/// What a local stands for while lowering.
#[derive(Debug, Clone)]
pub(crate) enum Bound {
    /// A data value: a literal, a scalar, a canon stream, possibly with a lens.
    Value(Value),
    /// A stream, by its AIR name (without `$`).
    Stream(String),
    /// A stream map, by its AIR name (without `%`).
    Map(String),
    /// An arrow, inlined at each call.
    Arrow(Arrow),
    /// An ability value: its members.
    Ability(Rc<Vec<(SmolStr, Bound)>>),
    /// A service with its id.
    Service {
        /// Which service.
        service: ServiceDefId,
        /// Its id.
        id: Value,
    },
}

/// The arrows lowering knows how to call.
#[derive(Debug, Clone)]
pub(crate) enum Arrow {
    /// A top-level function, inlined.
    Func(FuncId),
    /// A closure, inlined with its captured locals.
    Closure(Rc<Closure>),
    /// A service method: one `call`.
    Method {
        /// The service.
        service: ServiceDefId,
        /// Its id.
        id: Value,
        /// The method.
        method: SmolStr,
    },
    /// An arrow argument of the exported function: `callbackSrv` on the init peer.
    Callback {
        /// The argument's name.
        name: SmolStr,
        /// How many results it has.
        results: usize,
    },
}

/// A closure value.
#[derive(Debug)]
pub(crate) struct Closure {
    /// Parameters.
    pub params: Vec<Binding>,
    /// The body.
    pub body: Block,
    /// The locals visible where it was defined.
    pub captured: HashMap<LocalId, Bound>,
    /// Where it was defined (`None` for `func` closures, which run where they are called).
    pub location: Option<Vec<Location>>,
    /// The file of its body.
    pub file: FileId,
}

/// The locals of one function body being inlined, and what it returned.
#[derive(Debug, Default)]
pub(crate) struct Frame {
    /// Locals by id.
    pub locals: HashMap<LocalId, Bound>,
    /// The values of `<- …`, once seen.
    pub returns: Option<Vec<Bound>>,
}

/// Inlining deeper than this asks for the program's own bound (`depth.rs`), computed once.
const SHALLOW_DEPTH: usize = 64;

/// The state of lowering one script.
pub(crate) struct Lowerer<'p> {
    /// The whole checked program.
    pub program: &'p Program,
    /// Compiler options.
    pub options: &'p Options,
    /// Fresh names.
    pub names: Names,
    /// The stack of `on` locations; the first is the init peer.
    pub locations: Vec<Location>,
    /// Whether we are in a `par` branch (hops then bring results back to the parent peer).
    pub in_par: bool,
    /// Whether the current `par` branch binds nothing, so nothing needs to come back from it.
    pub quiet: bool,
    /// The statement being lowered is the last of an `on` block entered from the init peer's
    /// location (not in a `par` branch): a callback there needs no hops after it.
    pub tail_of_on: bool,
    /// A callback ended the current `on` block at the init peer: it needs no exit hops.
    pub ended_at_top: bool,
    /// Where execution goes on after the statement being lowered, when that is not the current
    /// location: set for the last statement of an `on` block (it goes on where the block does).
    pub continuation: Option<Location>,
    /// Where the `on` of the `par` branch being lowered brings its results back to: where the
    /// `par` goes on, as the reference routes them (set by the `par` for its `on` branches).
    pub par_return: Option<Location>,
    /// Inlining depth.
    pub depth: usize,
    /// The program's bound on inlining depth, once computed.
    pub depth_bound: Option<usize>,
    /// Services called: (service name, id or `None` when dynamic).
    pub services_used: BTreeSet<(String, Option<String>)>,
    /// Streams declared since the last scope boundary, to wrap in `new`.
    pub pending: Vec<(VariableKind, String)>,
    /// The file of the code being lowered (inlining moves between files).
    pub file: FileId,
    /// The source map being built.
    pub tagger: Tagger,
    /// The `catch` bindings whose blocks are being lowered, innermost last, each with whether it
    /// was read: a read binding gets the caught error copied when its block starts.
    pub caught: Vec<(LocalId, bool)>,
}

impl<'p> Lowerer<'p> {
    /// A lowerer at the init peer.
    pub fn new(program: &'p Program, options: &'p Options) -> Self {
        let mut names = Names::new();
        for reserved in ["-relay-", "-hop-", "-hopc-"] {
            names.reserve(reserved);
        }
        Lowerer {
            program,
            options,
            names,
            locations: vec![Location::top(options)],
            in_par: false,
            quiet: false,
            tail_of_on: false,
            ended_at_top: false,
            continuation: None,
            par_return: None,
            depth: 0,
            depth_bound: None,
            services_used: BTreeSet::new(),
            pending: Vec::new(),
            file: 0,
            tagger: Tagger::default(),
            caught: Vec::new(),
        }
    }

    /// Tags what `out` holds (and was not tagged by something inside it) as coming from
    /// `span` of the current file.
    pub fn stamp(&mut self, out: &mut [Instruction], span: Span, construct: Construct) {
        self.tagger.stamp(out, Origin { file: self.file, span, construct });
    }

    /// Records the Aqua name a local's AIR variable stands for, if it is a plain variable.
    pub fn name_local(&mut self, name: &str, span: Span, bound: &Bound) {
        let air_name = match bound {
            Bound::Value(Value { kind: ValueKind::Scalar { name, lens: None }, .. })
            | Bound::Value(Value { kind: ValueKind::CanonStream { name, lens: None }, .. })
            | Bound::Stream(name)
            | Bound::Map(name) => name,
            _ => return,
        };
        self.tagger.name(air_name, name, self.file, span);
    }

    /// The location code runs at here.
    pub fn here(&self) -> Location {
        self.locations.last().cloned().unwrap_or_else(|| Location::top(self.options))
    }

    /// The peer that runs calls here.
    pub fn peer(&self) -> Value {
        self.locations.last().map_or_else(build::init_peer, |l| l.peer.clone())
    }

    /// Lowers a nested region with `in_par` and `quiet` set as given and a list of pending
    /// streams of its own, then gives the outer state back, on success and failure alike.
    /// Returns what the region produced and the streams it declared.
    fn region<T>(
        &mut self,
        in_par: bool,
        quiet: bool,
        lower: impl FnOnce(&mut Self) -> Result<T>,
    ) -> (Result<T>, Vec<(VariableKind, String)>) {
        let outer_in_par = std::mem::replace(&mut self.in_par, in_par);
        let outer_quiet = std::mem::replace(&mut self.quiet, quiet);
        let outer_pending = std::mem::take(&mut self.pending);
        let result = lower(self);
        self.in_par = outer_in_par;
        self.quiet = outer_quiet;
        let declared = std::mem::replace(&mut self.pending, outer_pending);
        (result, declared)
    }

    /// Lowers a block as a scope: streams declared in it are restricted to it.
    pub fn lower_scope(&mut self, frame: &mut Frame, block: &Block) -> Result<Instruction> {
        let (in_par, quiet) = (self.in_par, self.quiet);
        let (out, declared) = self.region(in_par, quiet, |this| {
            let mut out = Vec::new();
            this.lower_block(frame, block, &mut out).map(|()| out)
        });
        Ok(self.wrap_new(declared, build::seq_all(out?)))
    }

    /// Lowers the statements of a block into `out` (not a scope of its own).
    pub fn lower_block(
        &mut self,
        frame: &mut Frame,
        block: &Block,
        out: &mut Vec<Instruction>,
    ) -> Result<()> {
        // A block other than an `on` body goes on where it is.
        let inherited = self.continuation.take();
        let mut result = Ok(());
        for stmt in &block.stmts {
            result = self.lower_stmt(frame, stmt, out);
            if result.is_err() || frame.returns.is_some() {
                break;
            }
        }
        self.continuation = inherited;
        result
    }

    /// Lowers one statement and tags what it emitted with it.
    fn lower_stmt(
        &mut self,
        frame: &mut Frame,
        stmt: &Stmt,
        out: &mut Vec<Instruction>,
    ) -> Result<()> {
        let before = out.len();
        self.lower_stmt_kind(frame, stmt, out)?;
        let emitted = out.get_mut(before..).unwrap_or_default();
        self.stamp(emitted, stmt.span, construct_of(&stmt.kind));
        Ok(())
    }

    fn lower_stmt_kind(
        &mut self,
        frame: &mut Frame,
        stmt: &Stmt,
        out: &mut Vec<Instruction>,
    ) -> Result<()> {
        match &stmt.kind {
            StmtKind::Call { results, call } => self.lower_call_stmt(frame, results, call, out),
            StmtKind::Assign { local, name, name_span, value } => {
                let bound = self.lower_expr(frame, value, out, Some(name))?;
                self.name_local(name, *name_span, &bound);
                frame.locals.insert(*local, bound);
                Ok(())
            }
            StmtKind::Return(values) => {
                let mut bounds = Vec::with_capacity(values.len());
                for value in values {
                    let bound = self.lower_expr(frame, value, out, None)?;
                    bounds.push(self.settled(bound, out));
                }
                frame.returns = Some(bounds);
                Ok(())
            }
            StmtKind::ServiceId { .. } => Ok(()),
            StmtKind::Push { target, name, key, value } => {
                self.lower_push(frame, *target, name, key.as_deref(), value, out)
            }
            StmtKind::DeclareStream(binding) => {
                self.declare_stream(frame, binding);
                Ok(())
            }
            StmtKind::Closure(closure) => {
                let ClosureDef { binding, detached, params, body, .. } = &**closure;
                let closure = Closure {
                    params: params.to_vec(),
                    body: body.clone(),
                    captured: frame.locals.clone(),
                    location: (!detached).then(|| self.locations.clone()),
                    file: self.file,
                };
                frame.locals.insert(binding.local, Bound::Arrow(Arrow::Closure(Rc::new(closure))));
                Ok(())
            }
            StmtKind::On { peer, via, body } => {
                // The block goes on where this statement does: here, unless it ends a block.
                let after = self.continuation.take().unwrap_or_else(|| self.here());
                let location = self.location(frame, peer, via, out)?;
                // Names bound in an `on` block stay visible after it: it is not a scope.
                let from_top = self.locations.len() == 1 && !self.in_par;
                let instruction = self.lower_on(location, Some(&after), |this| {
                    let mut inner = Vec::new();
                    if body.stmts.is_empty() {
                        return Ok(build::null());
                    }
                    // The block ends with its last statement that emits anything: definitions
                    // after it emit nothing, so what that statement sends on goes on where the
                    // block does.
                    let last = last_emitting(&body.stmts);
                    for (at, stmt) in body.stmts.iter().enumerate() {
                        if at == last {
                            this.tail_of_on =
                                from_top && matches!(stmt.kind, StmtKind::Call { .. });
                            this.continuation = Some(after.clone());
                        }
                        let lowered = this.lower_stmt(frame, stmt, &mut inner);
                        this.continuation = None;
                        this.tail_of_on = false;
                        lowered?;
                        if frame.returns.is_some() {
                            break;
                        }
                    }
                    Ok(build::seq_all(inner))
                })?;
                out.extend(instruction);
                Ok(())
            }
            StmtKind::For { pattern, iterable, mode, body } => {
                self.lower_for(frame, pattern, iterable, *mode, body, out)
            }
            StmtKind::ParSeq(parseq) => {
                let ParSeq { pattern, iterable, peer, via, body } = &**parseq;
                self.lower_parseq(frame, pattern, iterable, peer, via, body, out)
            }
            StmtKind::If { cond, then_block, else_block } => {
                self.lower_if(frame, cond, then_block, else_block.as_ref(), out)
            }
            StmtKind::Try { body, catch, otherwise } => {
                let mut instruction = self.lower_scope(frame, body)?;
                if let Some((binding, block)) = catch.as_deref() {
                    instruction = build::xor(instruction, self.lower_catch(frame, binding, block)?);
                }
                if let Some(block) = otherwise {
                    instruction = build::xor(instruction, self.lower_scope(frame, block)?);
                }
                if catch.is_none() && otherwise.is_none() {
                    instruction = build::xor(instruction, build::null());
                }
                out.push(instruction);
                Ok(())
            }
            StmtKind::Otherwise { attempt, fallback } => {
                let (in_par, quiet) = (self.in_par, self.quiet);
                let (first, declared) = self.region(in_par, quiet, |this| {
                    let mut first = Vec::new();
                    this.lower_stmt(frame, attempt, &mut first).map(|()| first)
                });
                let first = self.wrap_new(declared, build::seq_all(first?));
                out.push(build::xor(first, self.lower_scope(frame, fallback)?));
                Ok(())
            }
            StmtKind::Par(branches) => {
                let after = self.continuation.take();
                let mut combined: Option<Instruction> = None;
                for branch in branches {
                    if matches!(branch.kind, StmtKind::On { .. }) {
                        self.par_return.clone_from(&after);
                    }
                    let instruction = self.lower_branch(frame, branch);
                    self.par_return = None;
                    let instruction = instruction?;
                    combined = Some(match combined {
                        None => instruction,
                        Some(left) => build::par(left, instruction),
                    });
                }
                out.extend(combined);
                Ok(())
            }
            StmtKind::Co(inner) => {
                if matches!(inner.kind, StmtKind::On { .. }) {
                    self.par_return = self.continuation.take();
                }
                let instruction = self.lower_branch(frame, inner);
                self.par_return = None;
                let instruction = instruction?;
                out.push(build::par(instruction, build::null()));
                Ok(())
            }
            StmtKind::Join(values) => {
                for value in values {
                    self.lower_join(frame, value, out)?;
                }
                Ok(())
            }
            StmtKind::Error => Err(LowerError::ErrorNode),
        }
    }

    /// A statement run as a `par` branch. Locals it binds stay visible after it (`join`).
    fn lower_branch(&mut self, frame: &mut Frame, stmt: &Stmt) -> Result<Instruction> {
        let (out, declared) = self.region(true, !produces(stmt), |this| {
            let mut out = Vec::new();
            this.lower_stmt(frame, stmt, &mut out).map(|()| out)
        });
        // Streams declared by a branch are visible after the `par`: they stay pending outside.
        self.pending.extend(declared);
        Ok(build::seq_all(out?))
    }

    fn declare_stream(&mut self, frame: &mut Frame, binding: &Binding) {
        let name = self.names.fresh(&binding.name);
        self.tagger.name(&name, &binding.name, self.file, binding.span);
        let bound = match binding.ty {
            Type::StreamMap(_) => {
                self.pending.push((VariableKind::StreamMap, name.clone()));
                Bound::Map(name)
            }
            _ => {
                self.pending.push((VariableKind::Stream, name.clone()));
                Bound::Stream(name)
            }
        };
        frame.locals.insert(binding.local, bound);
    }

    fn lower_call_stmt(
        &mut self,
        frame: &mut Frame,
        targets: &[ResultTarget],
        call: &Expr,
        out: &mut Vec<Instruction>,
    ) -> Result<()> {
        let hint = match targets.first() {
            Some(ResultTarget::Bind(binding)) => Some(binding.name.clone()),
            _ => None,
        };
        let Some(operands) = call.kind.operands() else {
            return Err(LowerError::Kind { expected: "a call", found: "another expression" });
        };
        let (callee, abilities, args) = (operands.callee(), operands.abilities(), operands.args());
        let before = out.len();
        let results = self.lower_call(frame, callee, abilities, args, out, hint.as_ref())?;
        let emitted = out.get_mut(before..).unwrap_or_default();
        self.stamp(emitted, call.span, Construct::Call);
        let mut results = results.into_iter();
        for target in targets {
            match target {
                ResultTarget::Bind(binding) => {
                    let bound = results
                        .next()
                        .ok_or(LowerError::Kind { expected: "a result", found: "no result" })?;
                    self.name_local(&binding.name, binding.span, &bound);
                    frame.locals.insert(binding.local, bound);
                }
                ResultTarget::Push { stream, name } => {
                    let bound = results
                        .next()
                        .ok_or(LowerError::Kind { expected: "a result", found: "no result" })?;
                    let value = self.value_of(bound, out)?;
                    let stream = self.stream_name(frame, *stream, name)?;
                    out.push(build::ap_stream(value, &stream));
                }
                ResultTarget::Insert { map, name } => {
                    let missing = LowerError::Kind { expected: "a key and a value", found: "less" };
                    let first = results.next().ok_or(missing.clone())?;
                    let first = self.value_of(first, out)?;
                    let (key, value) = match results.next() {
                        Some(value) => (first, self.value_of(value, out)?),
                        // A service's `(string, T)` result is one pair value.
                        None => {
                            let key = build::with_accessor(&first, Accessor::Index(0));
                            let value = build::with_accessor(&first, Accessor::Index(1));
                            (key.ok_or(missing.clone())?, value.ok_or(missing)?)
                        }
                    };
                    let map = self.stream_name(frame, *map, name)?;
                    out.push(build::ap_map(key, value, &map));
                }
            }
        }
        Ok(())
    }

    /// A `catch` block. `:error:` holds the caught error only until something else fails: a
    /// `par` branch, or an error handled inside the block (an `xor`, which clears it when it
    /// recovers). A block that has either and reads its binding starts by copying the error into
    /// a scalar, which the binding reads; any other block reads `:error:` itself.
    fn lower_catch(
        &mut self,
        frame: &mut Frame,
        binding: &Binding,
        block: &Block,
    ) -> Result<Instruction> {
        let scalar = self.names.fresh(&binding.name);
        frame.locals.insert(binding.local, Bound::Value(build::scalar(&scalar)));
        self.caught.push((binding.local, false));
        let handler = self.lower_scope(frame, block);
        let read = self.caught.pop().is_some_and(|(_, read)| read);
        let mut handler = handler?;
        if !read {
            return Ok(handler);
        }
        let mut branches = false;
        handler.walk_mut(&mut |instruction| {
            branches |= matches!(instruction, Instruction::Par(_) | Instruction::Xor(_));
        });
        if branches {
            return Ok(build::seq(build::ap(build::error_value(), &scalar), handler));
        }
        handler.walk_mut(&mut |instruction| {
            instruction.values_mut(&mut |value| {
                if let ValueKind::Scalar { name, lens } = &mut value.kind
                    && *name == scalar
                {
                    value.kind = ValueKind::Error(lens.take());
                }
            })
        });
        Ok(handler)
    }

    /// Notes that `local` is read, for [`Lowerer::lower_catch`].
    pub(crate) fn note_read(&mut self, local: LocalId) {
        if let Some(entry) = self.caught.iter_mut().rev().find(|(caught, _)| *caught == local) {
            entry.1 = true;
        }
    }

    /// The AIR name of a stream or stream map local.
    pub fn stream_name(&self, frame: &Frame, local: LocalId, name: &SmolStr) -> Result<String> {
        match frame.locals.get(&local) {
            Some(Bound::Stream(stream) | Bound::Map(stream)) => Ok(stream.clone()),
            Some(_) => Err(LowerError::Kind { expected: "a stream", found: "another value" }),
            None => Err(LowerError::Unbound(name.clone())),
        }
    }

    fn lower_push(
        &mut self,
        frame: &mut Frame,
        target: LocalId,
        name: &SmolStr,
        key: Option<&Expr>,
        value: &Expr,
        out: &mut Vec<Instruction>,
    ) -> Result<()> {
        let key = match key {
            Some(key) => {
                let bound = self.lower_expr(frame, key, out, None)?;
                Some(self.value_of(bound, out)?)
            }
            None => None,
        };
        let bound = self.lower_expr(frame, value, out, None)?;
        let value = self.value_of(bound, out)?;
        let stream = self.stream_name(frame, target, name)?;
        out.push(match key {
            Some(key) => build::ap_map(key, value, &stream),
            None => build::ap_stream(value, &stream),
        });
        Ok(())
    }

    /// The fold of a `for` or `parseq`: its iterable and the locals of its pattern.
    fn iteration(
        &mut self,
        frame: &mut Frame,
        pattern: &[Binding],
        iterable: &Expr,
        live: bool,
        out: &mut Vec<Instruction>,
    ) -> Result<(FoldIterable, String)> {
        let bound = self.lower_expr(frame, iterable, out, None)?;
        let iterable = match bound {
            Bound::Stream(stream) if live => FoldIterable::Stream(build::name(&stream)),
            Bound::Map(map) if live => FoldIterable::StreamMap(build::name(&map)),
            Bound::Map(map) => {
                let canon = self.names.fresh(&format!("{map}-canon"));
                out.push(build::canon_map(self.peer(), &map, &canon));
                FoldIterable::Value(Value::new(
                    air_syntax::ast::ValueKind::CanonStreamMap { name: canon, lens: None },
                    air_syntax::ast::Span::DUMMY,
                ))
            }
            other => FoldIterable::Value(self.value_of(other, out)?),
        };
        let base = pattern.first().map_or("it", |b| b.name.as_str());
        let iterator = self.names.fresh(base);
        match pattern {
            [one] => {
                self.tagger.name(&iterator, &one.name, self.file, one.span);
                frame.locals.insert(one.local, Bound::Value(scalar(&iterator)));
            }
            [key, value] => {
                let item = scalar(&iterator);
                let field = |f: &str| {
                    build::with_accessor(&item, air_syntax::ast::Accessor::Field(f.into()))
                };
                let (Some(k), Some(v)) = (field("key"), field("value")) else {
                    return Err(LowerError::Kind { expected: "a lens", found: "none" });
                };
                frame.locals.insert(key.local, Bound::Value(k));
                frame.locals.insert(value.local, Bound::Value(v));
            }
            _ => return Err(LowerError::Kind { expected: "one or two loop names", found: "more" }),
        }
        Ok((iterable, iterator))
    }

    fn lower_for(
        &mut self,
        frame: &mut Frame,
        pattern: &[Binding],
        iterable: &Expr,
        mode: Option<ForMode>,
        body: &Block,
        out: &mut Vec<Instruction>,
    ) -> Result<()> {
        let live = mode == Some(ForMode::Rec);
        let (iterable, iterator) = self.iteration(frame, pattern, iterable, live, out)?;
        let parallel = matches!(mode, Some(ForMode::Par | ForMode::Rec));
        let inside = self.in_par || parallel;
        // An iteration of a parallel loop is a `par` branch: one that binds nothing has nothing
        // to bring back.
        let quiet = self.quiet || parallel && !body.stmts.iter().any(produces);
        // A parallel loop goes on at once: an `on` iteration brings its results to where the
        // loop goes on, as a `par` branch does (the loop's own block may have left by then).
        let return_to = self.continuation.take().filter(|_| parallel && is_on_block(body));
        let (body, declared) = self.region(inside, quiet, |this| {
            this.par_return = return_to;
            let lowered = this.lower_scope(frame, body);
            this.par_return = None;
            lowered
        });
        // The body is a scope of its own: it leaves nothing pending.
        self.pending.extend(declared);
        let body = body?;
        let next = build::next(&iterator);
        out.push(match mode {
            None => build::fold(iterable, &iterator, build::seq(body, next), build::null()),
            Some(ForMode::Try) => {
                build::fold(iterable, &iterator, build::xor(body, next), build::null())
            }
            Some(ForMode::Par | ForMode::Rec) => build::par(
                build::fold(iterable, &iterator, build::par(body, next), build::never()),
                build::null(),
            ),
        });
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn lower_parseq(
        &mut self,
        frame: &mut Frame,
        pattern: &[Binding],
        iterable: &Expr,
        peer: &Expr,
        via: &[Expr],
        body: &Block,
        out: &mut Vec<Instruction>,
    ) -> Result<()> {
        let (iterable, iterator) = self.iteration(frame, pattern, iterable, false, out)?;
        let mut setup = Vec::new();
        let location = self.location(frame, peer, via, &mut setup)?;
        let on = self.lower_on(location, None, |this| this.lower_scope(frame, body))?;
        setup.extend(on);
        let body = build::par(build::seq_all(setup), build::next(&iterator));
        out.push(build::fold(iterable, &iterator, body, build::never()));
        Ok(())
    }

    fn lower_if(
        &mut self,
        frame: &mut Frame,
        cond: &Expr,
        then_block: &Block,
        else_block: Option<&Block>,
        out: &mut Vec<Instruction>,
    ) -> Result<()> {
        let (left, right, equal) = match &cond.kind {
            ExprKind::Binary(binary) if matches!(binary.op, BinaryOp::Eq | BinaryOp::NotEq) => {
                let Binary { op, lhs, rhs } = &**binary;
                let left = self.lower_expr(frame, lhs, out, None)?;
                let left = self.value_of(left, out)?;
                let right = self.lower_expr(frame, rhs, out, None)?;
                let right = self.value_of(right, out)?;
                (left, right, *op == BinaryOp::Eq)
            }
            _ => {
                let value = self.lower_expr(frame, cond, out, None)?;
                (self.value_of(value, out)?, build::boolean(true), true)
            }
        };
        let test = |left: Value, right: Value, body: Instruction, positive: bool| {
            if positive {
                build::match_(left, right, body)
            } else {
                build::mismatch(left, right, body)
            }
        };
        let then_part = self.lower_scope(frame, then_block)?;
        let else_part = match else_block {
            Some(block) => Some(self.lower_scope(frame, block)?),
            None => None,
        };
        // Neither branch does anything: the test is left out, as the reference leaves it out
        // (what computing the operands emitted stays). A lens in it that fails, `xs[5]` out of
        // range, then raises nothing. An `on` block counts as doing something even when its body
        // does nothing: the reference's AIR moves for it (ours does not), and so tests.
        let does_nothing = |part: &Instruction, block: &Block| {
            matches!(part, Instruction::Null(_)) && !has_on_block(block)
        };
        if does_nothing(&then_part, then_block)
            && else_part
                .as_ref()
                .zip(else_block)
                .is_none_or(|(part, block)| does_nothing(part, block))
        {
            return Ok(());
        }
        let first = test(left.clone(), right.clone(), then_part, equal);
        if self.options.no_xor {
            out.push(build::xor(first, else_part.unwrap_or_else(build::null)));
            return Ok(());
        }
        // The condition was false exactly when the opposite test succeeds; otherwise the `then`
        // branch failed and its error is thrown again.
        let error = self.names.fresh("-if-error-");
        let guard =
            build::xor(test(left, right, build::null(), !equal), build::fail_value(scalar(&error)));
        let recovery = match else_part {
            // An error of the `else` branch is thrown again from a variable too, so the client
            // gets it wrapped as the reference's AIR gives it (10006, "fail with '…'").
            Some(else_part) => {
                let else_error = self.names.fresh("-else-error-");
                let rethrow = build::seq(
                    build::ap(build::error_value(), &else_error),
                    build::fail_value(scalar(&else_error)),
                );
                let else_part = build::xor(else_part, rethrow);
                build::seq(guard, build::new(VariableKind::Scalar, &else_error, else_part))
            }
            None => guard,
        };
        let handler = build::seq(build::ap(build::error_value(), &error), recovery);
        out.push(build::new(VariableKind::Scalar, &error, build::xor(first, handler)));
        Ok(())
    }

    fn lower_join(
        &mut self,
        frame: &mut Frame,
        value: &Expr,
        out: &mut Vec<Instruction>,
    ) -> Result<()> {
        match &value.kind {
            ExprKind::Index { .. } | ExprKind::Bang { .. } => {
                self.lower_expr(frame, value, out, None)?;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// A returned field of a structure (`v.name`) copied into a scalar of its own where the
    /// function returns, as the reference's AIR copies it (it leaves indexes, `xs[0]`, as
    /// lenses): a lens left in place would let a later use read the field although the function
    /// failed after the structure was made (in a `par` branch, which swallows the failure;
    /// random seed 27108).
    fn settled(&mut self, bound: Bound, out: &mut Vec<Instruction>) -> Bound {
        let Bound::Value(value) = bound else { return bound };
        let reads_a_field = |lens: &Option<Lens>| match lens {
            Some(Lens::Path(accessors)) => {
                accessors.iter().any(|accessor| matches!(accessor, Accessor::Field(_)))
            }
            _ => false,
        };
        let source = match &value.kind {
            ValueKind::Scalar { name, lens }
            | ValueKind::CanonStream { name, lens }
            | ValueKind::CanonStreamMap { name, lens }
                if reads_a_field(lens) =>
            {
                name.clone()
            }
            _ => return Bound::Value(value),
        };
        let copy = self.names.fresh(&format!("{source}-flat"));
        out.push(build::ap(value, &copy));
        Bound::Value(scalar(&copy))
    }

    /// The data value of a bound: streams are canonicalized here.
    pub fn value_of(&mut self, bound: Bound, out: &mut Vec<Instruction>) -> Result<Value> {
        match bound {
            Bound::Value(value) => Ok(value),
            Bound::Stream(stream) => {
                let canon = self.names.fresh(&format!("{stream}-canon"));
                self.tagger.alias(&canon, &stream);
                out.push(build::canon(self.peer(), &stream, &canon));
                Ok(build::canon_value(&canon))
            }
            Bound::Map(map) => {
                let object = self.names.fresh(&format!("{map}-obj"));
                out.push(build::canon_map_scalar(self.peer(), &map, &object));
                Ok(scalar(&object))
            }
            Bound::Arrow(_) => Err(LowerError::Kind { expected: "data", found: "an arrow" }),
            Bound::Ability(_) => Err(LowerError::Kind { expected: "data", found: "an ability" }),
            Bound::Service { .. } => Err(LowerError::Kind { expected: "data", found: "a service" }),
        }
    }

    /// `body` inside `new` for each declared stream, innermost last; each `new` comes from the
    /// stream's declaration.
    pub fn wrap_new(
        &mut self,
        declared: Vec<(VariableKind, String)>,
        body: Instruction,
    ) -> Instruction {
        declared.into_iter().rev().fold(body, |body, (kind, name)| {
            let mut new = build::new(kind, &name, body);
            if let Some(declaration) = self.tagger.name_of(&name) {
                let origin = Origin {
                    file: declaration.file,
                    span: declaration.span,
                    construct: Construct::Stream,
                };
                self.tagger.stamp_one(&mut new, origin);
            }
            new
        })
    }

    /// Guards inlining depth: deeper than the program allows is recursion the checker missed.
    pub fn enter_inline(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth <= SHALLOW_DEPTH {
            return Ok(());
        }
        let program = self.program;
        let bound =
            *self.depth_bound.get_or_insert_with(|| crate::depth::inline_depth_bound(program));
        if self.depth > bound { Err(LowerError::TooDeep(bound)) } else { Ok(()) }
    }
}

/// The construct a statement is, for the source map.
fn construct_of(kind: &StmtKind) -> Construct {
    match kind {
        StmtKind::Call { .. } => Construct::Call,
        StmtKind::DeclareStream(_) => Construct::Stream,
        StmtKind::On { .. } => Construct::On,
        StmtKind::For { .. } | StmtKind::ParSeq(_) => Construct::For,
        StmtKind::If { .. } => Construct::If,
        StmtKind::Try { .. } | StmtKind::Otherwise { .. } => Construct::Try,
        StmtKind::Par(_) | StmtKind::Co(_) => Construct::Par,
        StmtKind::Join(_) => Construct::Join,
        StmtKind::Assign { .. }
        | StmtKind::Return(_)
        | StmtKind::ServiceId { .. }
        | StmtKind::Push { .. }
        | StmtKind::Closure { .. }
        | StmtKind::Error => Construct::Value,
    }
}

/// Whether a statement of `block`, at any depth outside closures, is an `on` block.
fn has_on_block(block: &Block) -> bool {
    block.stmts.iter().any(stmt_has_on_block)
}

fn stmt_has_on_block(stmt: &Stmt) -> bool {
    matches!(stmt.kind, StmtKind::On { .. } | StmtKind::ParSeq(_))
        || inner_stmts(stmt).is_some_and(|mut inner| inner.any(stmt_has_on_block))
}

/// Whether a loop body is one `on` block.
fn is_on_block(body: &Block) -> bool {
    matches!(&body.stmts[..], [stmt] if matches!(stmt.kind, StmtKind::On { .. }))
}

/// Whether a statement binds or pushes anything that code after it could read.
fn produces(stmt: &Stmt) -> bool {
    match &stmt.kind {
        StmtKind::Call { results, .. } => !results.is_empty(),
        StmtKind::Assign { .. } | StmtKind::Push { .. } | StmtKind::Return(_) => true,
        _ => inner_stmts(stmt).is_none_or(|mut inner| inner.any(produces)),
    }
}

/// The index of the last statement of `stmts` that may emit AIR: the last one that is not a
/// closure definition, a service id or a stream declaration (which only name things); the last
/// statement when all of them are such.
fn last_emitting(stmts: &[Stmt]) -> usize {
    let names_only = |stmt: &Stmt| {
        matches!(
            stmt.kind,
            StmtKind::Closure(_) | StmtKind::ServiceId { .. } | StmtKind::DeclareStream(_)
        )
    };
    stmts.iter().rposition(|stmt| !names_only(stmt)).unwrap_or(stmts.len().saturating_sub(1))
}
