//! Client code for Fluence's `@fluencelabs/js-client` 0.9 from compiled Aqua: the TypeScript
//! (`--target ts`) or JavaScript plus `.d.ts` (`--target js`) that the reference compiler
//! generates, with the same public API, and the type descriptors (`FunctionCallDef`,
//! `ServiceDef`) js-client needs to call functions and serve services.
//!
//! [`describe`] turns a checked program and its compiled functions into a [`ClientModule`]
//! (every type translated, so printing cannot fail); [`generate`] prints it. Unlike the
//! reference's, the TypeScript passes `tsc --strict` without `@ts-nocheck`, and the last
//! parameter of every service method and callback is js-client's `ParticleContext`.
//! This crate does no IO.

mod declarations;
pub mod descriptor;
pub mod error;
mod javascript;
pub mod model;
mod script;
pub mod ts_type;
mod typescript;

pub use error::ClientError;
pub use model::{ClientFunction, ClientModule, ClientService, describe, describe_lenient};

/// Which client code to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// One `.ts` module.
    TypeScript,
    /// A `.js` module and its `.d.ts`.
    JavaScript,
}

/// Generated files of one Aqua file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The `.ts` or `.js` module.
    pub code: String,
    /// The `.d.ts` of a JavaScript module.
    pub declarations: Option<String>,
}

/// Prints the client code of `client`; `source` names the Aqua file in the header comment.
pub fn generate(client: &ClientModule, target: Target, source: &str) -> Generated {
    match target {
        Target::TypeScript => {
            Generated { code: typescript::module(client, source), declarations: None }
        }
        Target::JavaScript => Generated {
            code: javascript::module(client, source),
            declarations: Some(javascript::declarations(client, source)),
        },
    }
}
