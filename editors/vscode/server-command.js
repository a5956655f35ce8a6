// The command line that starts the language server, built from the extension's settings. Kept
// apart from extension.js (which needs VS Code) so that a test can start `aqua lsp` with exactly
// this command line.
"use strict";

/**
 * @param {{ path?: string, extraArgs?: string[] }} settings `aqua.server.*` settings.
 * @returns {{ command: string, args: string[] }}
 */
function serverCommand(settings) {
  const path = settings && typeof settings.path === "string" && settings.path.trim() !== ""
    ? settings.path.trim()
    : "aqua";
  const extra = settings && Array.isArray(settings.extraArgs)
    ? settings.extraArgs.filter((arg) => typeof arg === "string")
    : [];
  return { command: path, args: [...extra, "lsp"] };
}

module.exports = { serverCommand };
