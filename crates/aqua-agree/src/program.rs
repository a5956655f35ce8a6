//! A generated program: declarations as text, and the exported function `main` as a tree of
//! statements, so the shrinker can drop a statement or a return value and print it again.

use serde_json::Value;

/// A generated Aqua module whose only export is `main`.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    /// `data`, `service`, `ability` and helper `func` declarations, each as its text.
    pub decls: Vec<String>,
    /// The parameters of `main`.
    pub params: Vec<Param>,
    /// The body of `main`, before its return.
    pub body: Vec<Stmt>,
    /// What `main` returns: an expression and its type, in order.
    pub returns: Vec<(String, String)>,
    /// A hand-written module used instead of the parts above (a regression case), whose `main`
    /// takes the parameters in `params`.
    pub verbatim: Option<String>,
}

/// A parameter of `main` and what the client gives for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The name.
    pub name: String,
    /// The Aqua type, as written.
    pub ty: String,
    /// What the client answers: a `getDataSrv` template for data, a `callbackSrv` template for an
    /// arrow (a callback).
    pub given: Given,
}

/// The client's answer for a parameter of `main`.
#[derive(Debug, Clone, PartialEq)]
pub enum Given {
    /// Data, as a result template of the oracle format (`"$peer:p1"` for a peer id).
    Data(Value),
    /// A callback: the template its `callbackSrv` call answers with.
    Callback(Value),
}

/// A statement of `main`'s body.
#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    /// One line.
    Line(String),
    /// A line ending in `:` and its indented body (`on`, `if`, `else`, `try`, `catch`, `for`, a
    /// closure, `par on`...).
    Block {
        /// The line, without the `:`.
        head: String,
        /// The body.
        body: Vec<Stmt>,
    },
}

impl Program {
    /// The module's source text.
    pub fn source(&self) -> String {
        if let Some(text) = &self.verbatim {
            return text.clone();
        }
        let mut out = String::from("aqua Main\n\nexport main\n");
        for decl in &self.decls {
            out.push('\n');
            out.push_str(decl.trim_end());
            out.push('\n');
        }
        let params: Vec<String> =
            self.params.iter().map(|p| format!("{}: {}", p.name, p.ty)).collect();
        let types: Vec<&str> = self.returns.iter().map(|(_, ty)| ty.as_str()).collect();
        let arrow =
            if types.is_empty() { String::new() } else { format!(" -> {}", types.join(", ")) };
        out.push_str(&format!("\nfunc main({}){arrow}:\n", params.join(", ")));
        print_block(&self.body, 1, &mut out);
        if self.returns.is_empty() {
            if self.body.is_empty() {
                out.push_str("  Op.noop()\n");
            }
        } else {
            let values: Vec<&str> = self.returns.iter().map(|(e, _)| e.as_str()).collect();
            out.push_str(&format!("  <- {}\n", values.join(", ")));
        }
        out
    }

    /// How many statements (blocks and lines, at every depth) the body holds.
    pub fn size(&self) -> usize {
        fn count(stmts: &[Stmt]) -> usize {
            stmts
                .iter()
                .map(|s| match s {
                    Stmt::Line(_) => 1,
                    Stmt::Block { body, .. } => 1 + count(body),
                })
                .sum()
        }
        count(&self.body) + self.returns.len()
    }
}

/// Prints statements at `depth` (two spaces per level).
pub fn print_block(stmts: &[Stmt], depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    for stmt in stmts {
        match stmt {
            Stmt::Line(line) => {
                out.push_str(&indent);
                out.push_str(line);
                out.push('\n');
            }
            Stmt::Block { head, body } => {
                out.push_str(&indent);
                out.push_str(head);
                out.push_str(":\n");
                if body.is_empty() {
                    out.push_str(&indent);
                    out.push_str("  Op.noop()\n");
                }
                print_block(body, depth + 1, out);
            }
        }
    }
}
