//! Source maps of compiled functions outside the compiler: the JSON file `aqua compile` writes
//! beside each script (`docs/source-maps.md`), and the lookups `aqua run` makes to turn what
//! the peers report (a call's place in the AIR text, an error object's instruction) into Aqua
//! code.

use std::collections::HashMap;

use air_codegen::source_map::{Origin, preorder};
use air_codegen::{CompiledFunction, SourceMap};
use air_syntax::ast::{Instruction, Program, Span as AirSpan};
use codespan_reporting::files::Files;
use serde_json::{Map, Value as Json, json};

/// The version of the map file format.
const FORMAT_VERSION: u32 = 1;

/// A compiled script as the peers run it (its pretty text, parsed back so that every span is a
/// position in that text), with the origin of each of its instructions.
#[derive(Debug, Clone)]
pub struct LocatedScript {
    /// The text parsed back.
    pub program: Program,
    /// The origin of every instruction, by its span in the text.
    origins: HashMap<AirSpan, Origin>,
    /// The compiler's map (names).
    map: SourceMap,
}

impl LocatedScript {
    /// Prints `function`'s script and pairs its instructions with their origins.
    pub fn new(function: &CompiledFunction) -> Result<LocatedScript, String> {
        let text = air_syntax::print_pretty(&function.air);
        let program = air_syntax::parse_and_validate(&text)
            .map_err(|error| format!("the compiled script does not parse back: {error}"))?;
        let located =
            function.source_map.locate(&program).ok_or("the source map does not fit its script")?;
        Ok(LocatedScript {
            program,
            origins: located.into_iter().collect(),
            map: function.source_map.clone(),
        })
    }

    /// The script as compiled, without positions: nothing maps back to Aqua. For a script
    /// whose printed text does not parse back (an internal compiler error), so that it still
    /// runs as it did before source maps.
    pub fn unmapped(function: &CompiledFunction) -> LocatedScript {
        LocatedScript {
            program: function.air.clone(),
            origins: HashMap::new(),
            map: SourceMap::default(),
        }
    }

    /// The origin of the instruction at `span` of the text.
    pub fn origin(&self, span: AirSpan) -> Option<Origin> {
        self.origins.get(&span).copied()
    }

    /// The origin of the instruction an error object names by its text (AquaVM's
    /// `instruction` field, e.g. `call %init_peer_id% ("srv" "f") [x] r`). The first instruction
    /// of that text wins: inlining can repeat an instruction word for word.
    pub fn origin_of_text(&self, instruction: &str) -> Option<Origin> {
        let wanted = air_syntax::parse(&format!("({})", instruction.trim())).ok()?.body;
        let wanted = Program { body: wanted }.without_spans().body;
        preorder(&self.program.body)
            .into_iter()
            .filter(|candidate| same_form(candidate, &wanted))
            .find(|candidate| {
                let leaf = Program { body: (*candidate).clone() }.without_spans().body;
                leaf == wanted
            })
            .and_then(|found| self.origin(found.span()))
    }

    /// The Aqua name a generated variable stands for.
    pub fn aqua_name(&self, air_name: &str) -> Option<&str> {
        self.map.aqua_name(air_name)
    }
}

/// Whether two instructions are of the same form, and leaves (only leaves are named by text).
fn same_form(candidate: &Instruction, wanted: &Instruction) -> bool {
    use Instruction as I;
    matches!(
        (candidate, wanted),
        (I::Call(_), I::Call(_))
            | (I::Canon(_), I::Canon(_))
            | (I::Ap(_), I::Ap(_))
            | (I::ApMap(_), I::ApMap(_))
            | (I::Fail(_), I::Fail(_))
            | (I::Next(_), I::Next(_))
    )
}

/// The map file of one function: see `docs/source-maps.md`. `air` is the file name of the
/// script it describes, `files` the loaded Aqua files.
pub fn map_file(located: &LocatedScript, air: &str, files: &aqua_syntax::SourceMap) -> Json {
    let mut sources: Vec<usize> = Vec::new();
    let mut source_index = |file: usize| match sources.iter().position(|&f| f == file) {
        Some(index) => index,
        None => {
            sources.push(file);
            sources.len() - 1
        }
    };
    let position = |file: usize, offset: u32| {
        files
            .location(file, offset as usize)
            .map(|l| (l.line_number, l.column_number))
            .unwrap_or((0, 0))
    };
    let mut instructions = Vec::new();
    for instruction in preorder(&located.program.body) {
        let span = instruction.span();
        let Some(origin) = located.origin(span) else { continue };
        let (line, column) = position(origin.file, origin.span.start);
        instructions.push(json!({
            "air": [span.start, span.end],
            "instruction": kind(instruction),
            "source": source_index(origin.file),
            "span": [origin.span.start, origin.span.end],
            "line": line,
            "column": column,
            "construct": origin.construct.name(),
        }));
    }
    let mut names = Map::new();
    for (air_name, origin) in &located.map.names {
        let (line, column) = position(origin.file, origin.span.start);
        names.insert(
            air_name.clone(),
            json!({
                "name": origin.name,
                "source": source_index(origin.file),
                "span": [origin.span.start, origin.span.end],
                "line": line,
                "column": column,
            }),
        );
    }
    let sources: Vec<Json> = sources
        .iter()
        .map(|&file| Json::String(files.name(file).unwrap_or_default().to_owned()))
        .collect();
    json!({
        "version": FORMAT_VERSION,
        "air": air,
        "sources": sources,
        "instructions": instructions,
        "names": names,
    })
}

/// The instruction's keyword, with `hop` for the no-op `new` that moves the particle.
fn kind(instruction: &Instruction) -> &'static str {
    match instruction {
        Instruction::New(new) if is_hop(&new.body) => "hop",
        other => other.keyword(),
    }
}

/// `(canon peer $-hop- #-hopc-)`: the body of a hop.
fn is_hop(body: &Instruction) -> bool {
    matches!(body, Instruction::Canon(canon) if air_codegen::is_hop(canon))
}
