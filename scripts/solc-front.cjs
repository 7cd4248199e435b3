#!/usr/bin/env node
// A native-compatible `solc` command over npm's `solc` (the official compiler's WebAssembly build).
//
// py-solc-x and ape-solidity run a native `solc` binary from ~/.solcx; none can be downloaded on
// machines that reach only package registries. This front answers the two calls they make:
//   solc --version                      -> "Version: <full version>" like the native binary
//   solc --standard-json [options] < in -> the standard-JSON output, and nothing else on stdout
// Imports are read from disk like native solc does: relative to --base-path, each
// --include-path, and the working directory. `make` installs this file as
// ~/.solcx/solc-v<version> with SOLC_MODULE replaced by the path of the project's npm `solc`.
// The compiler is taken from the working directory's node_modules first (ape and make compile
// from a checkout's root), so several checkouts share one front and removing one breaks none;
// SOLC_MODULE is the fallback for a call from elsewhere.
"use strict";

const fs = require("fs");
const path = require("path");

function loadSolc() {
  try {
    return require(require.resolve("solc", { paths: [process.cwd()] }));
  } catch (err) {
    if (err.code !== "MODULE_NOT_FOUND") throw err;
    return require("SOLC_MODULE");
  }
}
const solc = loadSolc();

function main(argv) {
  if (argv.includes("--version") || argv.includes("-v")) {
    process.stdout.write("solc, the solidity compiler commandline interface\n");
    process.stdout.write(`Version: ${solc.version()}\n`);
    return 0;
  }
  if (!argv.includes("--standard-json")) {
    process.stderr.write("this solc front supports only --version and --standard-json\n");
    return 1;
  }
  const roots = [];
  for (let i = 0; i < argv.length; i++) {
    if ((argv[i] === "--base-path" || argv[i] === "--include-path") && i + 1 < argv.length) {
      roots.push(argv[++i]);
    }
  }
  roots.push(process.cwd());

  function findImports(importPath) {
    const candidates = path.isAbsolute(importPath)
      ? [importPath]
      : roots.map((root) => path.resolve(root, importPath));
    for (const candidate of candidates) {
      if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, "utf8") };
    }
    return { error: `File not found: ${importPath} (searched ${candidates.join(", ")})` };
  }

  const input = fs.readFileSync(0, "utf8");
  process.stdout.write(solc.compile(input, { import: findImports }));
  return 0;
}

process.exitCode = main(process.argv.slice(2));
