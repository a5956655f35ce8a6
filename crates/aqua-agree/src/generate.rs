//! The generator: a seed gives one well-typed program. Every name in scope is tracked with its
//! type, so each expression is built from what exists; blocks that scope their names (`if`, `try`,
//! `for`, closures) forget them afterwards, `on` keeps them (as Aqua does).

use serde_json::json;

use crate::program::{Given, Param, Program, Stmt, print_block};
use crate::rng::Rng;

/// The declarations every program has: a struct, the mocked services (see
/// [`crate::case::mocks`]) and an ability.
pub const PRELUDE: &[&str] = &[
    "data Rec:\n  name: string\n  n: u32\n  tags: []string",
    "service Op(\"op\"):\n  noop()",
    "service Svc(\"svc\"):\n  text(s: string) -> string\n  num(s: string) -> u32\n  \
     flag(s: string) -> bool\n  list(s: string) -> []string\n  rec(s: string) -> Rec\n  \
     fail(s: string) -> string\n  flaky(s: string) -> string\n  sink(s: string)",
    "ability Ab:\n  f(s: string) -> string\n  k: string",
];

/// Which constructs the generator may use (all by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Features {
    /// `on … via …` blocks.
    pub topology: bool,
    /// `par`, `co` and `join`.
    pub parallel: bool,
    /// `for` in its forms.
    pub loops: bool,
    /// Streams, their writes and gates.
    pub streams: bool,
    /// `if`/`else`, `try`/`catch`/`otherwise`.
    pub branches: bool,
    /// Failing service calls.
    pub errors: bool,
    /// Closures, abilities, helper functions and callbacks.
    pub arrows: bool,
    /// `Svc "svc2"`, `Svc "svc"` and `Svc v` (with `v = "svc2"`): service ids resolved in a
    /// block. Off by default: its choices come from a second random stream, so turning it on
    /// adds these lines to the programs of the other features' seeds.
    pub service_ids: bool,
    /// Helper functions that return a stream (`-> *string`) or two values (`-> string, u32`)
    /// besides `-> string`. Off by default: its draws would change the other seeds' programs.
    pub helper_results: bool,
    /// `!`, `&&` and `||` in conditions, `*`, `/` and `%` in numbers. Off by default: its draws
    /// would change the other seeds' programs.
    pub operators: bool,
    /// Reads and builds of collections beyond names and fields: `xs[0]`, `[a, b][1]`,
    /// `r.tags[0]`, `r.tags.length`, an option's `.length`, an option passed as an array, a
    /// two-field `copy`, and `==` between records and between arrays. Off by default: its draws
    /// would change the other seeds' programs.
    pub collections: bool,
}

impl Features {
    /// Every construct, those off by default too.
    pub fn all() -> Features {
        Features {
            service_ids: true,
            helper_results: true,
            operators: true,
            collections: true,
            ..Features::default()
        }
    }
}

impl Default for Features {
    fn default() -> Features {
        Features {
            topology: true,
            parallel: true,
            loops: true,
            streams: true,
            branches: true,
            errors: true,
            arrows: true,
            service_ids: false,
            helper_results: false,
            operators: false,
            collections: false,
        }
    }
}

/// What a helper function returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Returns {
    /// `-> string`.
    Str,
    /// `-> *string`: a stream the helper declares and writes.
    Stream,
    /// `-> string, u32`.
    StrAndNum,
}

/// A helper function the program declares.
#[derive(Debug, Clone)]
struct Helper {
    name: String,
    takes_arrow: bool,
    returns: Returns,
}

/// The value types the generator uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Str,
    U32,
    Bool,
    StrArr,
    OptStr,
    Rec,
    /// `*string`.
    Stream,
    /// `string -> string`.
    Arrow,
    /// The ability `Ab`.
    Ability,
    /// The error of a `catch`.
    Error,
}

impl Ty {
    fn aqua(self) -> &'static str {
        match self {
            Ty::Str => "string",
            Ty::U32 => "u32",
            Ty::Bool => "bool",
            Ty::StrArr => "[]string",
            Ty::OptStr => "?string",
            Ty::Rec => "Rec",
            Ty::Stream => "*string",
            Ty::Arrow => "string -> string",
            Ty::Ability => "Ab",
            Ty::Error => "Error",
        }
    }
}

#[derive(Debug, Clone)]
struct Var {
    name: String,
    ty: Ty,
    /// Bound in a `par` branch: used only at the client's own level (see [`Generator::away`]).
    from_par: bool,
}

/// Generates the program of `seed`.
pub fn generate(seed: u64, features: Features) -> Program {
    let mut generator = Generator {
        rng: Rng::new(seed),
        ids_rng: Rng::new(seed ^ SERVICE_IDS_STREAM),
        features,
        vars: Vec::new(),
        peers: vec!["p1", "p2", "p3", "INIT_PEER_ID", "HOST_PEER_ID"],
        helpers: Vec::new(),
        names: 0,
        depth: 0,
        away: 0,
        in_main: false,
        in_collection: false,
    };
    generator.program()
}

/// Mixed into the seed of the second random stream (see [`Features::service_ids`]).
const SERVICE_IDS_STREAM: u64 = 0x5e41_1d5e_41d5_0001;

struct Generator {
    rng: Rng,
    /// The draws of the service-id statements alone.
    ids_rng: Rng,
    features: Features,
    vars: Vec<Var>,
    /// Peer expressions usable in `on` here.
    peers: Vec<&'static str>,
    /// Helper functions declared so far.
    helpers: Vec<Helper>,
    names: usize,
    depth: usize,
    /// How many `on` blocks (or parallel branches) enclose the code being generated. A value made
    /// in a `par` branch is read only where this is 0: elsewhere whether it arrives depends on
    /// each compiler's hops (docs/differences.md), not on the program.
    away: usize,
    /// Generating `main` (where `ps`, the peers p1 and p2, is in scope).
    in_main: bool,
    /// Generating the parts of a collection expression: no collection expression nests in
    /// another, so expressions stay small.
    in_collection: bool,
}

impl Generator {
    fn program(&mut self) -> Program {
        let mut decls: Vec<String> = PRELUDE.iter().map(|d| (*d).to_owned()).collect();
        if self.features.arrows {
            for index in 0..self.rng.below(3) {
                decls.push(self.helper(index));
            }
        }
        let with_callback = self.features.arrows && self.rng.chance(50);
        let params = standard_params(with_callback);
        self.bind("x", Ty::Str);
        self.bind("xs", Ty::StrArr);
        if with_callback {
            self.bind("cb", Ty::Arrow);
        }
        self.in_main = true;
        let mut body = Vec::new();
        if self.features.streams {
            for _ in 0..=self.rng.below(2) {
                let name = self.fresh("s");
                body.push(Stmt::Line(format!("{name}: *string")));
                self.bind(&name, Ty::Stream);
            }
        }
        let count = 2 + self.rng.below(6);
        body.extend(self.block(count));
        let returns = self.returns();
        Program { decls, params, body, returns, verbatim: None }
    }

    /// A helper function `hN(a: string, p: string[, g: string -> string]) -> string` (or, with
    /// [`Features::helper_results`], `-> *string` or `-> string, u32`).
    fn helper(&mut self, index: usize) -> String {
        let saved_peers = std::mem::replace(&mut self.peers, vec!["p", "INIT_PEER_ID"]);
        let takes_arrow = self.rng.chance(40);
        self.bind("a", Ty::Str);
        let mut params = String::from("a: string, p: string");
        if takes_arrow {
            self.bind("g", Ty::Arrow);
            params.push_str(", g: string -> string");
        }
        let returns = if self.features.helper_results {
            *self.rng.pick(&[Returns::Str, Returns::Stream, Returns::StrAndNum])
        } else {
            Returns::Str
        };
        self.depth = 1;
        let mut body = Vec::new();
        let stream = (returns == Returns::Stream).then(|| self.fresh("r"));
        if let Some(stream) = &stream {
            body.push(Stmt::Line(format!("{stream}: *string")));
            self.bind(stream, Ty::Stream);
        }
        let count = 1 + self.rng.below(3);
        body.extend(self.block(count));
        let (result, result_type) = match &stream {
            Some(stream) => {
                let value = self.str_expr();
                body.push(Stmt::Line(format!("{stream} <<- {value}")));
                (stream.clone(), "*string")
            }
            None if returns == Returns::StrAndNum => {
                let (text, number) = (self.str_expr(), self.u32_expr());
                (format!("{text}, {number}"), "string, u32")
            }
            None => (self.str_expr(), "string"),
        };
        body.push(Stmt::Line(format!("<- {result}")));
        self.vars.clear();
        self.depth = 0;
        self.peers = saved_peers;
        let name = format!("h{index}");
        self.helpers.push(Helper { name: name.clone(), takes_arrow, returns });
        let mut text = format!("func {name}({params}) -> {result_type}:\n");
        print_block(&body, 1, &mut text);
        text
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.names += 1;
        format!("{prefix}{}", self.names)
    }

    /// A fresh name with `prefix`, bound to `ty`.
    fn bind_fresh(&mut self, prefix: &str, ty: Ty) -> String {
        let name = self.fresh(prefix);
        self.bind(&name, ty);
        name
    }

    fn bind(&mut self, name: &str, ty: Ty) {
        self.vars.push(Var { name: name.to_owned(), ty, from_par: false });
    }

    fn of_type(&self, ty: Ty) -> Vec<String> {
        let usable = |v: &&Var| v.ty == ty && (self.away == 0 || !v.from_par);
        self.vars.iter().filter(usable).map(|v| v.name.clone()).collect()
    }

    fn any_of(&mut self, ty: Ty) -> Option<String> {
        let names = self.of_type(ty);
        (!names.is_empty()).then(|| self.rng.pick(&names).clone())
    }

    /// `count` statements; names they bind stay in scope.
    fn block(&mut self, count: usize) -> Vec<Stmt> {
        let mut out = Vec::new();
        for _ in 0..count {
            out.extend(self.statement());
        }
        out
    }

    /// A block whose names are forgotten after it.
    fn scoped(&mut self, count: usize) -> Vec<Stmt> {
        let mark = self.vars.len();
        self.depth += 1;
        let body = self.block(count);
        self.depth -= 1;
        self.vars.truncate(mark);
        body
    }

    /// A block that keeps its names (`on`).
    fn nested(&mut self, count: usize) -> Vec<Stmt> {
        self.depth += 1;
        let body = self.block(count);
        self.depth -= 1;
        body
    }

    fn statement(&mut self) -> Vec<Stmt> {
        let deep = self.depth >= 3;
        let f = self.features;
        if f.service_ids && self.ids_rng.chance(12) {
            return self.service_id();
        }
        loop {
            let choice = self.rng.below(22);
            let stmts = match choice {
                0..=4 => self.call(),
                5 => self.assign(),
                6 if f.streams => self.stream_write(),
                7 | 8 if f.topology && !deep => self.on_block(),
                9 if f.parallel && !deep => self.par(),
                10 if f.branches && !deep => self.if_else(),
                11 if f.branches && !deep => self.try_catch(),
                12 if f.loops && !deep => self.for_loop(),
                13 if f.arrows && !deep => self.closure(),
                14 if f.arrows => self.ability(),
                15 if f.arrows => self.helper_call(),
                16 if f.arrows => self.arrow_call(),
                17 if f.parallel => self.join(),
                18 if f.errors => self.failing_call(),
                19 if f.loops && !deep => self.peer_loop(),
                20 if f.loops && f.streams && !deep => self.rec_loop(),
                21 if f.streams => self.gate(),
                _ => None,
            };
            if let Some(stmts) = stmts {
                return stmts;
            }
        }
    }

    /// `Svc "svc2"`, `Svc "svc"`, or `Svc v` after `v = "svc2"` (drawn from `ids_rng`).
    fn service_id(&mut self) -> Vec<Stmt> {
        match self.ids_rng.below(3) {
            0 => vec![Stmt::Line("Svc \"svc2\"".to_owned())],
            1 => vec![Stmt::Line("Svc \"svc\"".to_owned())],
            _ => {
                let name = self.fresh("sid");
                self.bind(&name, Ty::Str);
                vec![Stmt::Line(format!("{name} = \"svc2\"")), Stmt::Line(format!("Svc {name}"))]
            }
        }
    }

    fn call(&mut self) -> Option<Vec<Stmt>> {
        let arg = self.str_expr();
        let (function, ty) = *self.rng.pick(&[
            ("text", Some(Ty::Str)),
            ("text", Some(Ty::Str)),
            ("num", Some(Ty::U32)),
            ("flag", Some(Ty::Bool)),
            ("list", Some(Ty::StrArr)),
            ("rec", Some(Ty::Rec)),
            ("sink", None),
        ]);
        let Some(ty) = ty else {
            return Some(vec![Stmt::Line(format!("Svc.{function}({arg})"))]);
        };
        let name = self.fresh("v");
        self.bind(&name, ty);
        Some(vec![Stmt::Line(format!("{name} <- Svc.{function}({arg})"))])
    }

    fn failing_call(&mut self) -> Option<Vec<Stmt>> {
        let arg = self.str_expr();
        let function = if self.rng.chance(50) { "fail" } else { "flaky" };
        let name = self.fresh("v");
        self.bind(&name, Ty::Str);
        Some(vec![Stmt::Line(format!("{name} <- Svc.{function}({arg})"))])
    }

    fn assign(&mut self) -> Option<Vec<Stmt>> {
        let ty = *self.rng.pick(&[Ty::Str, Ty::U32, Ty::Bool, Ty::StrArr, Ty::OptStr, Ty::Rec]);
        let value = self.expr(ty);
        let name = self.fresh("v");
        self.bind(&name, ty);
        Some(vec![Stmt::Line(format!("{name} = {value}"))])
    }

    fn stream_write(&mut self) -> Option<Vec<Stmt>> {
        let stream = self.any_of(Ty::Stream)?;
        if self.rng.chance(40) {
            let arg = self.str_expr();
            return Some(vec![Stmt::Line(format!("{stream} <- Svc.text({arg})"))]);
        }
        let value = self.str_expr();
        Some(vec![Stmt::Line(format!("{stream} <<- {value}"))])
    }

    fn peer(&mut self) -> &'static str {
        let index = self.rng.below(self.peers.len());
        self.peers[index]
    }

    fn on_head(&mut self) -> String {
        let peer = self.peer();
        if self.in_main && self.rng.chance(10) {
            format!("on {peer} via ps")
        } else if self.rng.chance(30) {
            let via = self.peer();
            format!("on {peer} via {via}")
        } else {
            format!("on {peer}")
        }
    }

    fn on_block(&mut self) -> Option<Vec<Stmt>> {
        let head = self.on_head();
        let count = 1 + self.rng.below(3);
        self.away += 1;
        let body = self.nested(count);
        self.away -= 1;
        Some(vec![Stmt::Block { head, body }])
    }

    fn par(&mut self) -> Option<Vec<Stmt>> {
        if self.rng.chance(25) {
            let head = format!("co {}", self.on_head());
            let count = 1 + self.rng.below(2);
            self.away += 1;
            let body = self.scoped(count);
            self.away -= 1;
            return Some(vec![Stmt::Block { head, body }]);
        }
        let mut out = Vec::new();
        for index in 0..2 + self.rng.below(2) {
            let on = self.on_head();
            let head = if index == 0 { on } else { format!("par {on}") };
            let count = 1 + self.rng.below(2);
            let mark = self.vars.len();
            self.away += 1;
            let body = self.nested(count);
            self.away -= 1;
            for var in &mut self.vars[mark..] {
                var.from_par = true;
            }
            out.push(Stmt::Block { head, body });
        }
        Some(out)
    }

    fn join(&mut self) -> Option<Vec<Stmt>> {
        if self.features.streams && self.rng.chance(30) {
            let stream = self.any_of(Ty::Stream)?;
            return Some(vec![Stmt::Line(format!("join {stream}[0]"))]);
        }
        let candidates: Vec<String> = self
            .vars
            .iter()
            .filter(|v| matches!(v.ty, Ty::Str | Ty::U32 | Ty::Bool) && v.name.starts_with('v'))
            .filter(|v| self.away == 0 || !v.from_par)
            .map(|v| v.name.clone())
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let name = self.rng.pick(&candidates).clone();
        Some(vec![Stmt::Line(format!("join {name}"))])
    }

    fn if_else(&mut self) -> Option<Vec<Stmt>> {
        let condition = self.bool_expr();
        let count = 1 + self.rng.below(2);
        let body = self.scoped(count);
        let mut out = vec![Stmt::Block { head: format!("if {condition}"), body }];
        if self.rng.chance(50) {
            let count = 1 + self.rng.below(2);
            let mut body = self.scoped(count);
            // Both branches start with a call: when a branch emits no AIR (bindings only, closure
            // or ability values), the reference compiler runs the wrong one (docs/differences.md).
            body.insert(0, Stmt::Line("Svc.sink(\"else\")".into()));
            out.push(Stmt::Block { head: "else".into(), body });
            if let Some(Stmt::Block { body, .. }) = out.first_mut() {
                body.insert(0, Stmt::Line("Svc.sink(\"then\")".into()));
            }
        }
        Some(out)
    }

    fn try_catch(&mut self) -> Option<Vec<Stmt>> {
        let mut out = Vec::new();
        let count = 1 + self.rng.below(2);
        let mark = self.vars.len();
        self.depth += 1;
        let mut body = self.block(count);
        if self.features.errors && self.rng.chance(60) {
            body.extend(self.failing_call().unwrap_or_default());
        }
        self.depth -= 1;
        self.vars.truncate(mark);
        out.push(Stmt::Block { head: "try".into(), body });
        match self.rng.below(3) {
            0 => {
                let name = self.fresh("e");
                self.bind(&name, Ty::Error);
                let count = 1 + self.rng.below(2);
                let body = self.scoped(count);
                self.vars.truncate(mark);
                out.push(Stmt::Block { head: format!("catch {name}"), body });
            }
            1 => {
                let count = 1 + self.rng.below(2);
                let body = self.scoped(count);
                out.push(Stmt::Block { head: "otherwise".into(), body });
            }
            _ => {}
        }
        Some(out)
    }

    fn for_loop(&mut self) -> Option<Vec<Stmt>> {
        let mut sources = self.of_type(Ty::StrArr);
        sources.extend(self.of_type(Ty::Stream));
        sources.extend(self.of_type(Ty::OptStr));
        if sources.is_empty() {
            return None;
        }
        let source = self.rng.pick(&sources).clone();
        let form = *self.rng.pick(&["", " par", " try"]);
        let item = self.fresh("y");
        let mark = self.vars.len();
        self.bind(&item, Ty::Str);
        self.depth += 1;
        self.away += usize::from(form == " par");
        let count = 1 + self.rng.below(2);
        let mut body = self.block(count);
        self.away -= usize::from(form == " par");
        if form == " try" && self.features.errors && self.rng.chance(50) {
            body.insert(0, Stmt::Line(format!("Svc.flaky({item})")));
        }
        if form == " par" && self.rng.chance(60) {
            let head = format!("on {}", self.peer());
            let inner = std::mem::take(&mut body);
            body.push(Stmt::Block { head, body: inner });
        }
        self.depth -= 1;
        self.vars.truncate(mark);
        Some(vec![Stmt::Block { head: format!("for {item} <- {source}{form}"), body }])
    }

    /// `parseq y <- ps on y:` or `for y <- ps par:` with an `on y` body: work on each peer.
    fn peer_loop(&mut self) -> Option<Vec<Stmt>> {
        if !self.in_main {
            return None;
        }
        let item = self.fresh("y");
        let mark = self.vars.len();
        self.bind(&item, Ty::Str);
        self.depth += 1;
        self.away += 1;
        let count = 1 + self.rng.below(2);
        let body = self.block(count);
        self.away -= 1;
        self.depth -= 1;
        self.vars.truncate(mark);
        Some(vec![if self.rng.chance(50) {
            Stmt::Block { head: format!("parseq {item} <- ps on {item}"), body }
        } else {
            let inner = Stmt::Block { head: format!("on {item}"), body };
            Stmt::Block { head: format!("for {item} <- ps par"), body: vec![inner] }
        }])
    }

    /// `for y <- s rec:` over a stream, whose body writes to no stream (it would feed itself).
    fn rec_loop(&mut self) -> Option<Vec<Stmt>> {
        let stream = self.any_of(Ty::Stream)?;
        let item = self.fresh("y");
        let mark = self.vars.len();
        self.bind(&item, Ty::Str);
        // No stream writes in the body, not even through a closure, ability or helper: the loop
        // would feed itself for ever.
        let saved = self.features;
        self.features.streams = false;
        self.features.arrows = false;
        self.depth += 1;
        self.away += 1;
        let count = 1 + self.rng.below(2);
        // A call first: for a `rec` body that emits nothing the reference compiler writes a
        // script AquaVM rejects (docs/differences.md).
        let mut body = vec![Stmt::Line(format!("Svc.sink({item})"))];
        body.extend(self.block(count));
        self.away -= 1;
        self.depth -= 1;
        self.features = saved;
        self.vars.truncate(mark);
        Some(vec![Stmt::Block { head: format!("for {item} <- {stream} rec"), body }])
    }

    /// A stream gate that opens: `n` values pushed, `join s[n - 1]`, then the last one used.
    fn gate(&mut self) -> Option<Vec<Stmt>> {
        let stream = self.fresh("g");
        let mut out = vec![Stmt::Line(format!("{stream}: *string"))];
        let count = 1 + self.rng.below(3);
        for _ in 0..count {
            let value = self.str_expr();
            out.push(Stmt::Line(format!("{stream} <<- {value}")));
        }
        out.push(Stmt::Line(format!("join {stream}[{}]", count - 1)));
        let name = self.fresh("v");
        out.push(Stmt::Line(format!("{name} <- Svc.text({stream}[{}])", count - 1)));
        self.bind(&name, Ty::Str);
        Some(out)
    }

    fn closure(&mut self) -> Option<Vec<Stmt>> {
        let name = self.fresh("c");
        let param = self.fresh("a");
        let mark = self.vars.len();
        self.bind(&param, Ty::Str);
        self.depth += 1;
        let count = 1 + self.rng.below(2);
        let mut body = self.block(count);
        let result = self.str_expr();
        body.push(Stmt::Line(format!("<- {result}")));
        self.depth -= 1;
        self.vars.truncate(mark);
        self.bind(&name, Ty::Arrow);
        let detached = if self.rng.chance(30) { "func " } else { "" };
        let head = format!("{name} = {detached}({param}: string) -> string");
        // The closure is called at once: a block made only of closure definitions emits no AIR,
        // and the reference compiler then runs the wrong branch of an `if` around it
        // (docs/differences.md).
        let mut out = vec![Stmt::Block { head, body }];
        out.extend(self.arrow_call_of(name).unwrap_or_default());
        Some(out)
    }

    fn ability(&mut self) -> Option<Vec<Stmt>> {
        let arrow = self.any_of(Ty::Arrow)?;
        // A plain name or a literal: the reference drops the index of a field given as `xs[i]`
        // or `o!` (docs/differences.md).
        let key = match self.any_of(Ty::Str) {
            Some(name) if self.rng.chance(80) => name,
            _ => format!("\"t{}\"", self.rng.below(10)),
        };
        let name = format!("Ab{}", self.fresh(""));
        self.bind(&name, Ty::Ability);
        Some(vec![Stmt::Line(format!("{name} = Ab(f = {arrow}, k = {key})"))])
    }

    fn helper_call(&mut self) -> Option<Vec<Stmt>> {
        if self.helpers.is_empty() {
            return None;
        }
        let helper = self.rng.pick(&self.helpers.clone()).clone();
        let arg = self.str_expr();
        let peer = self.peer();
        let mut args = format!("{arg}, {peer}");
        if helper.takes_arrow {
            args.push_str(&format!(", {}", self.any_of(Ty::Arrow)?));
        }
        let Helper { name: callee, returns, .. } = helper;
        let names = match returns {
            Returns::Str => self.bind_fresh("v", Ty::Str),
            Returns::Stream => self.bind_fresh("s", Ty::Stream),
            Returns::StrAndNum => {
                let (text, number) = (self.bind_fresh("v", Ty::Str), self.bind_fresh("v", Ty::U32));
                format!("{text}, {number}")
            }
        };
        Some(vec![Stmt::Line(format!("{names} <- {callee}({args})"))])
    }

    fn arrow_call(&mut self) -> Option<Vec<Stmt>> {
        let mut callees = self.of_type(Ty::Arrow);
        callees.extend(self.of_type(Ty::Ability).into_iter().map(|ab| format!("{ab}.f")));
        if callees.is_empty() {
            return None;
        }
        let callee = self.rng.pick(&callees).clone();
        self.arrow_call_of(callee)
    }

    fn arrow_call_of(&mut self, callee: String) -> Option<Vec<Stmt>> {
        let arg = self.str_expr();
        let name = self.fresh("v");
        self.bind(&name, Ty::Str);
        Some(vec![Stmt::Line(format!("{name} <- {callee}({arg})"))])
    }

    fn returns(&mut self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for _ in 0..self.rng.below(4) {
            let ty = *self.rng.pick(&[
                Ty::Str,
                Ty::Str,
                Ty::U32,
                Ty::Bool,
                Ty::StrArr,
                Ty::OptStr,
                Ty::Rec,
            ]);
            let value = if self.features.streams && ty == Ty::StrArr && self.rng.chance(50) {
                self.any_of(Ty::Stream).unwrap_or_else(|| self.expr(ty))
            } else {
                self.expr(ty)
            };
            out.push((value, ty.aqua().to_owned()));
        }
        out
    }

    fn expr(&mut self, ty: Ty) -> String {
        match ty {
            Ty::Str => self.str_expr(),
            Ty::U32 => self.u32_expr(),
            Ty::Bool => self.bool_expr(),
            Ty::StrArr => self.arr_expr(),
            Ty::OptStr => self.opt_expr(),
            Ty::Rec => self.rec_expr(),
            _ => self.str_expr(),
        }
    }

    fn str_expr(&mut self) -> String {
        let mut options: Vec<String> = self.of_type(Ty::Str);
        options.extend(self.of_type(Ty::Rec).into_iter().map(|r| format!("{r}.name")));
        options.extend(self.of_type(Ty::Ability).into_iter().map(|a| format!("{a}.k")));
        options.extend(self.of_type(Ty::Error).into_iter().map(|e| format!("{e}.message")));
        if self.features.errors && self.rng.chance(4) {
            // Errors raised on purpose: an option that may be nil, an index past the end.
            let mut failing: Vec<String> =
                self.of_type(Ty::OptStr).into_iter().map(|o| format!("{o}!")).collect();
            failing.extend(self.of_type(Ty::StrArr).into_iter().map(|a| format!("{a}[5]")));
            if !failing.is_empty() {
                return self.rng.pick(&failing).clone();
            }
        }
        if self.features.collections && !self.in_collection && self.rng.chance(25) {
            self.in_collection = true;
            let expr = self.collection_str_expr();
            self.in_collection = false;
            return expr;
        }
        if options.is_empty() || self.rng.chance(20) {
            return format!("\"t{}\"", self.rng.below(10));
        }
        self.rng.pick(&options).clone()
    }

    /// A string read out of a collection by an index that exists: every array the generator
    /// makes has an element, and a literal of two has a second.
    fn collection_str_expr(&mut self) -> String {
        let mut arrays: Vec<String> = self.of_type(Ty::StrArr);
        arrays.extend(self.of_type(Ty::Rec).into_iter().map(|r| format!("{r}.tags")));
        match self.rng.below(3) {
            0 if !arrays.is_empty() => format!("{}[0]", self.rng.pick(&arrays)),
            1 => {
                let (a, b) = (self.str_expr(), self.str_expr());
                format!("[{a}, {b}][1]")
            }
            _ => {
                let (a, b) = (self.rec_expr(), self.rec_expr());
                let index = self.rng.below(2);
                format!("[{a}, {b}][{index}].name")
            }
        }
    }

    fn u32_expr(&mut self) -> String {
        let mut options: Vec<String> = self.of_type(Ty::U32);
        options.extend(self.of_type(Ty::Rec).into_iter().map(|r| format!("{r}.n")));
        options.extend(self.of_type(Ty::StrArr).into_iter().map(|a| format!("{a}.length")));
        if self.features.collections {
            options.extend(self.of_type(Ty::Rec).into_iter().map(|r| format!("{r}.tags.length")));
            options.extend(self.of_type(Ty::OptStr).into_iter().map(|o| format!("{o}.length")));
        }
        if options.is_empty() || self.rng.chance(25) {
            return self.rng.below(10).to_string();
        }
        let base = self.rng.pick(&options).clone();
        if self.features.operators && self.rng.chance(30) {
            let op = *self.rng.pick(&["*", "/", "%"]);
            return format!("{base} {op} {}", 1 + self.rng.below(3));
        }
        if self.rng.chance(25) { format!("{base} + {}", self.rng.below(5)) } else { base }
    }

    /// A condition: with [`Features::operators`], sometimes `!`, `&&` or `||` of simpler ones.
    fn bool_expr(&mut self) -> String {
        if !self.features.operators || !self.rng.chance(40) {
            return self.simple_bool_expr();
        }
        let (a, b) = (self.simple_bool_expr(), self.simple_bool_expr());
        match self.rng.below(4) {
            0 => format!("!({a})"),
            1 => format!("({a}) && ({b})"),
            2 => format!("({a}) || ({b})"),
            _ => format!("!(({a}) || ({b}))"),
        }
    }

    /// A comparison, a boolean name or a literal.
    fn simple_bool_expr(&mut self) -> String {
        match self.rng.below(4) {
            0 => {
                let (a, b) = (self.str_expr(), self.str_expr());
                let op = if self.rng.chance(50) { "==" } else { "!=" };
                format!("{a} {op} {b}")
            }
            1 => {
                let (a, b) = (self.u32_expr(), self.u32_expr());
                let op = *self.rng.pick(&[">", "<", ">=", "<=", "=="]);
                format!("{a} {op} {b}")
            }
            2 => self.any_of(Ty::Bool).unwrap_or_else(|| "true".into()),
            _ if self.features.collections && self.rng.chance(40) => {
                let op = if self.rng.chance(50) { "==" } else { "!=" };
                if self.rng.chance(50) {
                    let (a, b) = (self.rec_expr(), self.rec_expr());
                    format!("{a} {op} {b}")
                } else {
                    let (a, b) = (self.arr_expr(), self.arr_expr());
                    format!("{a} {op} {b}")
                }
            }
            _ => (if self.rng.chance(50) { "true" } else { "false" }).into(),
        }
    }

    fn arr_expr(&mut self) -> String {
        let mut options: Vec<String> = self.of_type(Ty::StrArr);
        options.extend(self.of_type(Ty::Rec).into_iter().map(|r| format!("{r}.tags")));
        if self.features.collections {
            // An option is an array of at most one element.
            options.extend(self.of_type(Ty::OptStr));
        }
        if options.is_empty() || self.rng.chance(30) {
            // Never `[]`: an empty array literal cannot be assigned (both compilers reject it).
            let items: Vec<String> = (0..=self.rng.below(2)).map(|_| self.str_expr()).collect();
            return format!("[{}]", items.join(", "));
        }
        self.rng.pick(&options).clone()
    }

    fn opt_expr(&mut self) -> String {
        match self.rng.below(3) {
            0 => "nil".into(),
            1 => format!("?[{}]", self.str_expr()),
            _ => self.any_of(Ty::OptStr).unwrap_or_else(|| "nil".into()),
        }
    }

    fn rec_expr(&mut self) -> String {
        if let Some(rec) = self.any_of(Ty::Rec)
            && self.rng.chance(50)
        {
            if self.rng.chance(50) {
                return rec;
            }
            if self.features.collections && self.rng.chance(50) {
                let (n, tags) = (self.u32_expr(), self.arr_expr());
                return format!("{rec}.copy(n = {n}, tags = {tags})");
            }
            let name = self.str_expr();
            return format!("{rec}.copy(name = {name})");
        }
        let (name, n, tags) = (self.str_expr(), self.u32_expr(), self.arr_expr());
        format!("Rec(name = {name}, n = {n}, tags = {tags})")
    }
}

/// The parameters of every `main`: `p1`, `p2`, `p3` (peer ids), `x: string`, `xs: []string`,
/// `ps: []string` (the ids of p1 and p2), and
/// with `with_callback` a callback `cb: string -> string`.
pub fn standard_params(with_callback: bool) -> Vec<Param> {
    let mut params = vec![
        peer_param("p1"),
        peer_param("p2"),
        peer_param("p3"),
        Param { name: "x".into(), ty: "string".into(), given: Given::Data(json!("input")) },
        Param {
            name: "xs".into(),
            ty: "[]string".into(),
            given: Given::Data(json!(["a", "b", "c"])),
        },
        Param {
            name: "ps".into(),
            ty: "[]string".into(),
            given: Given::Data(json!(["$peer:p1", "$peer:p2"])),
        },
    ];
    if with_callback {
        params.push(Param {
            name: "cb".into(),
            ty: "string -> string".into(),
            given: Given::Callback(json!("cb({arg0})")),
        });
    }
    params
}

/// A hand-written module as a program: its `main` takes [`standard_params`] (with the callback
/// when the text declares `cb:`).
pub fn verbatim(source: &str) -> Program {
    Program {
        decls: Vec::new(),
        params: standard_params(source.contains("cb: string -> string")),
        body: Vec::new(),
        returns: Vec::new(),
        verbatim: Some(source.to_owned()),
    }
}

fn peer_param(name: &str) -> Param {
    Param {
        name: name.into(),
        ty: "string".into(),
        given: Given::Data(json!(format!("$peer:{name}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Programs with service ids use each form and our checker accepts them; without the
    /// feature, no program resolves a service id.
    #[test]
    fn service_id_lines_come_only_with_their_feature_and_check() {
        let with = Features { service_ids: true, ..Features::default() };
        let sources: Vec<String> = (0..60).map(|seed| generate(seed, with).source()).collect();
        for form in ["Svc \"svc2\"", "Svc \"svc\"", "Svc sid"] {
            assert!(sources.iter().any(|s| s.contains(form)), "no program has {form}");
        }
        for source in &sources {
            assert!(crate::ours::accepts(source), "our checker rejects:\n{source}");
        }
        let without = (0..60).map(|seed| generate(seed, Features::default()).source());
        assert!(without.into_iter().all(|s| !s.contains("Svc \"") && !s.contains("Svc sid")));
    }

    /// Helpers that return a stream or two values come with their feature, in both forms and
    /// with calls of them, and our checker accepts the programs; without it, every helper
    /// returns one string.
    #[test]
    fn helper_results_come_only_with_their_feature_and_check() {
        let with = Features { helper_results: true, ..Features::default() };
        let sources: Vec<String> = (0..80).map(|seed| generate(seed, with).source()).collect();
        for form in ["-> *string:", "-> string, u32:", ", v"] {
            assert!(sources.iter().any(|s| s.contains(form)), "no program has {form}");
        }
        let calls_a_stream_helper = |source: &&String| {
            source.lines().any(|line| line.trim_start().starts_with('s') && line.contains("<- h"))
        };
        assert!(sources.iter().any(|s| calls_a_stream_helper(&s)), "no call binds a stream");
        for source in &sources {
            assert!(crate::ours::accepts(source), "our checker rejects:\n{source}");
        }
        let helper_results = |source: String| {
            let heads =
                source.lines().filter(|line| line.starts_with("func h")).collect::<Vec<_>>();
            heads.iter().any(|head| !head.ends_with("-> string:"))
        };
        let without = (0..80).map(|seed| generate(seed, Features::default()).source());
        assert!(!without.into_iter().any(helper_results));
    }

    /// Collection reads and builds come with their feature, each form, and our checker accepts
    /// the programs; without it, none is drawn.
    #[test]
    fn collections_come_only_with_their_feature_and_check() {
        let forms = ["xs[0]", "][1]", ".tags.length", "copy(n = ", "].name"];
        let with = Features { collections: true, ..Features::default() };
        let sources: Vec<String> = (0..80).map(|seed| generate(seed, with).source()).collect();
        for form in forms {
            assert!(sources.iter().any(|s| s.contains(form)), "no program has {form}");
        }
        for source in &sources {
            assert!(crate::ours::accepts(source), "our checker rejects:\n{source}");
        }
        let without: Vec<String> =
            (0..80).map(|seed| generate(seed, Features::default()).source()).collect();
        for form in forms {
            assert!(without.iter().all(|s| !s.contains(form)), "{form} without the feature");
        }
    }

    /// Operators come with their feature, each of them, and our checker accepts the programs;
    /// without it, none is drawn.
    #[test]
    fn operators_come_only_with_their_feature_and_check() {
        let with = Features { operators: true, ..Features::default() };
        let sources: Vec<String> = (0..80).map(|seed| generate(seed, with).source()).collect();
        for form in ["!(", ") && (", ") || (", " * ", " / ", " % "] {
            assert!(sources.iter().any(|s| s.contains(form)), "no program has {form}");
        }
        for source in &sources {
            assert!(crate::ours::accepts(source), "our checker rejects:\n{source}");
        }
        let without: Vec<String> =
            (0..80).map(|seed| generate(seed, Features::default()).source()).collect();
        for form in ["!(", ") && (", ") || (", " * ", " / ", " % "] {
            assert!(without.iter().all(|s| !s.contains(form)), "{form} without the feature");
        }
    }
}
