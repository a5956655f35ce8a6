// The VS Code client of the aqua-rs language server: starts `aqua lsp` (the path comes from the
// `aqua.server.path` setting) for `.aqua` files and restarts it when the settings change.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");
const { serverCommand } = require("./server-command");

/** @type {LanguageClient | undefined} */
let client;

function settings() {
  const config = vscode.workspace.getConfiguration("aqua.server");
  return { path: config.get("path"), extraArgs: config.get("extraArgs") };
}

async function start() {
  const { command, args } = serverCommand(settings());
  client = new LanguageClient(
    "aqua",
    "Aqua language server",
    { command, args },
    {
      documentSelector: [
        { scheme: "file", language: "aqua" },
        { scheme: "untitled", language: "aqua" },
        { scheme: "aqua-stdlib", language: "aqua" },
      ],
    },
  );
  await client.start();
}

/** Shows the embedded standard library (`aqua-stdlib:///builtin.aqua`), read-only, as the server gives it. */
const stdlibProvider = {
  async provideTextDocumentContent(uri) {
    if (!client) {
      return undefined;
    }
    const text = await client.sendRequest("aqua/stdlibSource", { uri: uri.toString() });
    return typeof text === "string" ? text : undefined;
  },
};

async function activate(context) {
  await start();
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider("aqua-stdlib", stdlibProvider),
  );
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("aqua.server")) {
        await deactivate();
        await start();
      }
    }),
  );
}

async function deactivate() {
  if (client) {
    const stopping = client;
    client = undefined;
    await stopping.stop();
  }
}

module.exports = { activate, deactivate };
