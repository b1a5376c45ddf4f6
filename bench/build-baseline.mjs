// Bundles the React baseline (react/app.jsx) for production with esbuild:
// minified, NODE_ENV=production, one ES module. Usage:
//   node bench/build-baseline.mjs OUT_DIR [ENTRY]
// writes OUT_DIR/index.html and OUT_DIR/app.js and prints their sizes. With
// ENTRY (e.g. `billing`: react/billing.jsx, the fixture of the e2e spec
// flowglad-react.spec.mjs) it writes OUT_DIR/ENTRY.js only.
import { build } from 'esbuild';
import { copyFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
const entry = process.argv[3] ?? 'app';
if (!out || !/^[a-z-]+$/.test(entry)) {
  console.error('usage: node build-baseline.mjs OUT_DIR [ENTRY]');
  process.exit(2);
}
await mkdir(out, { recursive: true });
await build({
  entryPoints: [path.join(here, 'react', `${entry}.jsx`)],
  outfile: path.join(out, `${entry}.js`),
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'none',
  logLevel: 'warning',
});
const written = [`${entry}.js`];
if (entry === 'app') {
  await copyFile(path.join(here, 'react', 'index.html'), path.join(out, 'index.html'));
  written.unshift('index.html');
}
for (const name of written) {
  const { size } = await stat(path.join(out, name));
  console.log(`    ${String(size).padStart(10)} B  ${path.join(out, name)}`);
}
