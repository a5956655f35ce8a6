//! Shrinking: a disagreeing program is made smaller one step at a time (drop a return value, drop
//! a statement, replace a block by its body) while our checker accepts it and it still
//! disagrees; the result is a program no single step can shrink further.

use crate::program::{Program, Stmt};

/// The smallest program reached from `program` by steps after which `still_fails` holds.
pub fn shrink(program: &Program, still_fails: &mut dyn FnMut(&Program) -> bool) -> Program {
    let mut current = program.clone();
    'outer: loop {
        for candidate in candidates(&current) {
            if crate::ours::accepts(&candidate.source()) && still_fails(&candidate) {
                current = candidate;
                continue 'outer;
            }
        }
        return current;
    }
}

/// Every program one step smaller than `program`, biggest steps first.
pub fn candidates(program: &Program) -> Vec<Program> {
    let mut out = Vec::new();
    for index in 0..program.returns.len() {
        let mut smaller = program.clone();
        smaller.returns.remove(index);
        out.push(smaller);
    }
    for body in smaller_bodies(&program.body) {
        out.push(Program { body, ..program.clone() });
    }
    for index in (0..program.decls.len()).rev() {
        if program.decls[index].starts_with("func ") {
            let mut smaller = program.clone();
            smaller.decls.remove(index);
            out.push(smaller);
        }
    }
    out
}

/// Every body one step smaller than `stmts`.
fn smaller_bodies(stmts: &[Stmt]) -> Vec<Vec<Stmt>> {
    let mut out = Vec::new();
    for index in 0..stmts.len() {
        let mut without = stmts.to_vec();
        without.remove(index);
        out.push(without);
    }
    for (index, stmt) in stmts.iter().enumerate() {
        let Stmt::Block { head, body } = stmt else { continue };
        let mut spliced = stmts[..index].to_vec();
        spliced.extend(body.iter().cloned());
        spliced.extend(stmts[index + 1..].iter().cloned());
        out.push(spliced);
        for smaller in smaller_bodies(body) {
            let mut replaced = stmts.to_vec();
            replaced[index] = Stmt::Block { head: head.clone(), body: smaller };
            out.push(replaced);
        }
    }
    out
}
