//! The TypeScript module of `--target ts`: the reference compiler's public API for js-client
//! 0.9 (`f_script`, `f` overloads, `SDef`, `registerS` overloads), typed so that
//! `tsc --strict` accepts it without `@ts-nocheck`.

use crate::declarations::{self, TYPE_IMPORTS, header};
use crate::model::{ClientFunction, ClientModule, ClientService};
use crate::script::{json_literal, template_literal};

/// The whole `.ts` file of a module compiled from `source`.
pub fn module(client: &ClientModule, source: &str) -> String {
    let mut text = header(source, "ts");
    text.push_str(TYPE_IMPORTS);
    text.push_str(RUNTIME_IMPORTS);
    text.push_str("\n// Services\n");
    for service in &client.services {
        text.push('\n');
        text.push_str(&service_code(service));
    }
    text.push_str("\n// Functions\n");
    for function in &client.functions {
        text.push('\n');
        text.push_str(&function_code(function));
    }
    text
}

/// The runtime imports of js-client, shared with the JavaScript module.
pub(crate) const RUNTIME_IMPORTS: &str = "import {\n    v5_callFunction as callFunction$$,\n    \
v5_registerService as registerService$$,\n} from '@fluencelabs/js-client';\n";

fn service_code(service: &ClientService) -> String {
    let mut text = declarations::service(service, false);
    text.push_str(&format!(
        "export function register{}(...args: any): void {{\n    registerService$$(args, {});\n}}\n",
        service.name,
        json_literal(&service.def)
    ));
    text
}

fn function_code(function: &ClientFunction) -> String {
    let name = &function.name;
    let mut text =
        format!("export const {name}_script = {};\n\n", template_literal(&function.script));
    text.push_str(&declarations::function(function, false));
    let call = format!("callFunction$$(args, {}, {name}_script)", json_literal(&function.def));
    let body = if function.result == "void" {
        format!("{call}.then(() => undefined)")
    } else {
        format!("{call} as Promise<{}>", function.result)
    };
    text.push_str(&format!(
        "export function {name}(...args: any): Promise<{}> {{\n    return {body};\n}}\n",
        function.result
    ));
    text
}
