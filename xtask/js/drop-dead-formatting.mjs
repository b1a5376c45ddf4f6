// Empties the embed's `Display`/`Debug` `fmt` functions that nothing can
// call, so wasm-opt can drop `core::fmt`'s padding code they reach (~1 KB
// raw, 0.44 KB brotli).
//
// Why they are dead: the bundle is built with panic=abort for
// wasm32-unknown-unknown, where std has no stderr, so no panic message is
// ever formatted — the module holds no `core::fmt::write`, the one caller
// of a formatting trait object. Why they stay anyway: core's panics (a
// `RefCell` "already borrowed", a failed `expect`) take their address for
// the message's arguments, so the linker puts them in the function table,
// and wasm-opt keeps every table entry. (js-sys's JSPI poll export, which
// wasm-bindgen deletes after linking, brings a `RefCell` panic of its own,
// so no change to our code can keep them out.) An emptied function traps
// if called, which cannot happen while `core::fmt::write` is absent; this
// script refuses to run when it is present.
//
// usage: node drop-dead-formatting.mjs <in.wasm> <out.wasm>
// The input must carry its name section (wasm-bindgen's output does).
import binaryen from 'binaryen';
import { readFileSync, writeFileSync } from 'node:fs';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node drop-dead-formatting.mjs <in.wasm> <out.wasm>');
  process.exit(2);
}

function fail(message) {
  console.error(`drop-dead-formatting: ${message}`);
  process.exit(1);
}

binaryen.setDebugInfo(true); // keep the names for the later passes
// The features xtask's wasm-opt runs allow (bundle.rs `wasm_opt`), plus
// multivalue for wasm-bindgen's shims; not `All`, whose newer proposals
// read some sections differently.
const F = binaryen.Features;
const features =
  F.MVP | F.BulkMemory | F.NontrappingFPToInt | F.SignExt | F.MutableGlobals | F.ReferenceTypes | F.Multivalue;
const module = binaryen.readBinary(readFileSync(input), features);

// `core[<hash>]::fmt::write` or `core::fmt::write`.
const writer = /^core(\[[0-9a-f]+\])?::fmt::write$/;
// `<T as core[<hash>]::fmt::Display>::fmt` and the same for Debug.
const formatter = /^<.+ as core(\[[0-9a-f]+\])?::fmt::(Display|Debug)>::fmt$/;

const dead = [];
let named = 0;
for (let i = 0; i < module.getNumFunctions(); i++) {
  const func = module.getFunctionByIndex(i);
  const info = binaryen.getFunctionInfo(func);
  if (info.module) continue; // an import
  if (!/^\d+$/.test(info.name)) named++;
  if (writer.test(info.name)) {
    fail(`${info.name} is in the module: its formatting can run, nothing is dropped`);
  }
  if (formatter.test(info.name)) dead.push(func);
}
if (named === 0) fail(`${input} has no function names (was its name section stripped?)`);

for (const func of dead) {
  binaryen.Function.setBody(func, module.unreachable());
}
if (!module.validate()) fail('the module does not validate after emptying');
writeFileSync(output, module.emitBinary());
console.log(`drop-dead-formatting: ${dead.length} formatting functions emptied`);
