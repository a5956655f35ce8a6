//! The JavaScript module of `--target js` and its `.d.ts`: the same API as the TypeScript
//! module, untyped in the `.js` and fully typed (with js-client's types imported) in the `.d.ts`.

use crate::declarations::{self, TYPE_IMPORTS, header};
use crate::model::ClientModule;
use crate::script::{json_literal, template_literal};
use crate::typescript::RUNTIME_IMPORTS;

/// The `.js` file of a module compiled from `source`.
pub fn module(client: &ClientModule, source: &str) -> String {
    let mut text = header(source, "js");
    text.push_str(RUNTIME_IMPORTS);
    text.push_str("\n// Services\n");
    for service in &client.services {
        text.push_str(&format!(
            "\nexport function register{}(...args) {{\n    registerService$$(args, {});\n}}\n",
            service.name,
            json_literal(&service.def)
        ));
    }
    text.push_str("\n// Functions\n");
    for function in &client.functions {
        let name = &function.name;
        let call = format!("callFunction$$(args, {}, {name}_script)", json_literal(&function.def));
        let body =
            if function.result == "void" { format!("{call}.then(() => undefined)") } else { call };
        text.push_str(&format!(
            "\nexport const {name}_script = {};\n\nexport function {name}(...args) {{\n    return {body};\n}}\n",
            template_literal(&function.script)
        ));
    }
    text
}

/// The `.d.ts` file that types the `.js` module.
pub fn declarations(client: &ClientModule, source: &str) -> String {
    let mut text = header(source, "js");
    text.push_str(TYPE_IMPORTS);
    text.push_str("\n// Services\n");
    for service in &client.services {
        text.push('\n');
        text.push_str(&declarations::service(service, true));
    }
    text.push_str("\n// Functions\n");
    for function in &client.functions {
        text.push_str(&format!("\nexport declare const {}_script: string;\n", function.name));
        text.push_str(&declarations::function(function, true));
    }
    text
}
