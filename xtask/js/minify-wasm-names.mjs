// Shortens the names the embed's wasm module and its wasm-bindgen glue use
// for each other. wasm-bindgen names every import `__wbg_<name>_<16 hex>`;
// those hashes cannot compress and appear twice (import section and glue), a
// few KB of the embed's brotli budget. Minifiers cannot touch them: they are
// property names. This renames them consistently in both files.
//
// usage: node minify-wasm-names.mjs <mapping.json> <module.wasm> <glue.js>
// mapping.json is what `wasm-opt --minify-imports-and-exports-and-modules`
// printed for module.wasm: {"imports": [[module, name, new], …],
// "exports": [[name, new], …]}.
// The glue is rewritten in place. Any shape it does not expect is an error,
// so a wasm-bindgen upgrade that changes the glue fails the build loudly
// instead of shipping a module whose imports do not resolve.
import { readFileSync, writeFileSync } from 'node:fs';

const [mappingPath, wasmPath, gluePath] = process.argv.slice(2);
if (!mappingPath || !wasmPath || !gluePath) {
  console.error('usage: node minify-wasm-names.mjs <mapping.json> <module.wasm> <glue.js>');
  process.exit(2);
}

function fail(message) {
  console.error(`minify-wasm-names: ${message}`);
  process.exit(1);
}

const mapping = JSON.parse(readFileSync(mappingPath, 'utf8'));
let glue = readFileSync(gluePath, 'utf8');

// The one import module wasm-bindgen declares: `"./<name>_bg.js": import0,`.
const modules = new Set(mapping.imports.map(([module]) => module));
if (modules.size !== 1) fail(`expected one import module, found ${[...modules].join(', ') || 'none'}`);
const [module] = modules;
// The mapping leaves the module's new name out; the module itself has it.
const compiled = new WebAssembly.Module(readFileSync(wasmPath));
const newModules = new Set(WebAssembly.Module.imports(compiled).map((i) => i.module));
if (newModules.size !== 1) fail(`expected the minified module to import from one module, found ${newModules.size}`);
const [newModule] = newModules;
const moduleKey = `${JSON.stringify(module)}: import0,`;
if (glue.split(moduleKey).length !== 2) fail(`the glue does not name the import module once as ${moduleKey}`);

// The import object: `const import0 = {` … `    };` with one entry per
// import, each `        <name>: function(…) {` … `        },`.
const start = glue.indexOf('    const import0 = {\n');
const end = glue.indexOf('\n    };\n', start);
if (start < 0 || end < 0) fail('the glue has no `const import0 = { … };` block');
const lines = glue.slice(start, end).split('\n');
const renamed = new Map(mapping.imports.map(([, name, short]) => [name, short]));
const kept = [];
const seen = new Set();
let dropping = false;
for (const line of lines) {
  const entry = /^ {8}([A-Za-z_$][\w$]*): function\(/.exec(line);
  if (entry) {
    const short = renamed.get(entry[1]);
    // wasm-opt removed imports the code never calls: drop their functions.
    dropping = short === undefined;
    if (!dropping) {
      seen.add(entry[1]);
      kept.push(line.replace(`${entry[1]}:`, `${JSON.stringify(short)}:`));
    }
    continue;
  }
  if (!dropping) kept.push(line);
  if (dropping && line === '        },') dropping = false;
}
const missing = [...renamed.keys()].filter((name) => !seen.has(name));
if (missing.length) fail(`imports not found in the glue: ${missing.join(', ')}`);
glue = glue.slice(0, start) + kept.join('\n') + glue.slice(end);
glue = glue.replace(moduleKey, `${JSON.stringify(newModule)}: import0,`);

// Exports are read as `wasm.<name>`.
for (const [name, short] of mapping.exports) {
  glue = glue.replace(new RegExp(`\\bwasm\\.${name.replace(/\$/g, '\\$')}\\b`, 'g'), `wasm[${JSON.stringify(short)}]`);
}

writeFileSync(gluePath, glue);
console.log(`minify-wasm-names: ${renamed.size} imports, ${mapping.exports.length} exports renamed`);
