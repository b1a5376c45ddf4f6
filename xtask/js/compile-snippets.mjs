// Compiles the README's framework snippets (written by xtask's
// `readme_framework_snippets_compile` test into DIR): react.jsx with
// esbuild (bundled with the repository's React, then type-checked by tsc
// against the package's index.d.ts and react.d.ts), component.vue with
// @vue/compiler-sfc (the custom elements declared with isCustomElement, as
// the README's Vite config does), component.svelte with svelte/compiler.
// Prints one line per snippet; exits 1 with the compiler's words when one
// fails, or when the element would not be rendered as a custom element
// with its event listened to.
//
// usage: node xtask/js/compile-snippets.mjs DIR
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = path.resolve(process.argv[2] ?? '');
const failures = [];

/** Runs `check`, recording its failure under `name`. */
async function snippet(name, check) {
  try {
    await check(fs.readFileSync(path.join(dir, name), 'utf8'));
    console.log(`ok  ${name}`);
  } catch (error) {
    failures.push(`${name}: ${error.message ?? error}`);
  }
}

/** The package as a bundler app sees it: its package.json and types (no build needed). */
function installTypes() {
  const pkg = path.join(dir, 'node_modules', 'checkout-widget');
  fs.mkdirSync(pkg, { recursive: true });
  fs.copyFileSync(path.join(root, 'js', 'checkout-widget.d.ts'), path.join(pkg, 'index.d.ts'));
  fs.copyFileSync(path.join(root, 'js', 'npm', 'react.d.ts'), path.join(pkg, 'react.d.ts'));
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({
    name: 'checkout-widget',
    type: 'module',
    exports: { '.': { types: './index.d.ts', import: './index.js' }, './react': { types: './react.d.ts' } },
  }));
  fs.writeFileSync(path.join(pkg, 'index.js'), 'export function configure() {}\n');
  // React's types from the repository, where tsc looks for them.
  fs.symlinkSync(path.join(root, 'node_modules', '@types'), path.join(dir, 'node_modules', '@types'));
  fs.symlinkSync(path.join(root, 'node_modules', 'react'), path.join(dir, 'node_modules', 'react'));
}

await snippet('react.jsx', async (source) => {
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    stdin: { contents: source, loader: 'jsx', resolveDir: dir, sourcefile: 'react.jsx' },
    bundle: true,
    write: false,
    format: 'esm',
    jsx: 'automatic',
    external: ['checkout-widget'],
    nodePaths: [path.join(root, 'node_modules')],
    logLevel: 'silent',
  });
  const js = out.outputFiles[0].text;
  // React 19 creates the element by its tag name.
  if (!js.includes('"checkout-widget"')) throw new Error('no <checkout-widget> in the output');
  if (!js.includes('"checkout-success"')) throw new Error('does not listen for checkout-success');
  // Type-check the snippet against the package's types, as a TypeScript
  // project importing it would (react.d.ts types the element's attributes).
  installTypes();
  const tsx = path.join(dir, 'react-check.tsx');
  fs.writeFileSync(tsx, `import type {} from 'checkout-widget/react';\n${source}`);
  const { execFileSync } = await import('node:child_process');
  try {
    execFileSync(process.execPath, [
      path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
      '--noEmit', '--jsx', 'react-jsx', '--module', 'esnext',
      '--moduleResolution', 'bundler', '--target', 'es2022', '--lib', 'es2022,dom', '--types', 'react', tsx,
    ], { cwd: dir, stdio: 'pipe' });
  } catch (error) {
    throw new Error(`tsc: ${error.stdout}${error.stderr}`);
  }
});

await snippet('component.vue', async (source) => {
  const { parse, compileScript } = await import('@vue/compiler-sfc');
  // Both steps take it, as @vitejs/plugin-vue passes it: the parse decides
  // element or component.
  const isCustomElement = (tag) => tag.startsWith('checkout-');
  const { descriptor, errors } = parse(source, {
    filename: 'component.vue',
    templateParseOptions: { isCustomElement },
  });
  if (errors.length) throw new Error(errors.map((e) => e.message).join('; '));
  const compiled = compileScript(descriptor, {
    id: 'snippet',
    inlineTemplate: true,
    templateOptions: { compilerOptions: { isCustomElement } },
  });
  // Without isCustomElement Vue would look for a component named so.
  if (compiled.content.includes('resolveComponent')) throw new Error('Vue resolves a component: not a custom element');
  if (!compiled.content.includes('"checkout-widget"')) throw new Error('no <checkout-widget> in the output');
  if (!/onCheckoutSuccess/.test(compiled.content)) throw new Error('does not listen for checkout-success');
});

await snippet('component.svelte', async (source) => {
  const { compile } = await import('svelte/compiler');
  const { js, warnings } = compile(source, { filename: 'component.svelte', generate: 'client' });
  if (warnings.length) throw new Error(warnings.map((w) => w.message).join('; '));
  if (!js.code.includes('<checkout-widget')) throw new Error('no <checkout-widget> in the output');
  if (!/\$\.event\(['"]checkout-success['"]/.test(js.code)) throw new Error('does not listen for checkout-success');
});

if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
