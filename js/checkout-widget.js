// checkout-widget embed entry. Importing this module loads the script-tag
// WebAssembly module next to it (checkout-widget-embed_bg.wasm), registers
// <checkout-widget>, <checkout-pricing-table> and <checkout-add-payment-method>,
// and exports the JS API (types: checkout-widget.d.ts). It is a file, not
// inline script, so it runs under
// `script-src 'self' 'wasm-unsafe-eval'; style-src 'self'`.
// `cargo xtask build` bundles it with the wasm-bindgen glue into one module.
import {
  initSync,
  configure,
  createAddPaymentMethodCheckoutSession,
  createCheckoutSession,
  mount,
  open,
} from './checkout-widget-embed.js';
import { browserLanguage, catalogLanguage, catalogLoader } from './catalogs.js';

startEarly();
initSync({ module: await compile(new URL('checkout-widget-embed_bg.wasm', import.meta.url)) });

export { configure, createAddPaymentMethodCheckoutSession, createCheckoutSession, mount, open };

// The wasm download is the longest wait before a button can show. Meanwhile:
// request the pricing model each element already on the page will need (the
// wasm takes the answer instead of asking again: `take_early` in
// src/embed/net.rs, which defines the key and the shape), and warm up the
// browser's currency formatting, whose first use loads locale data.
function startEarly() {
  // The words of each element's language (its `locale`, else the browser's):
  // fetched beside this module, whatever page embeds it.
  const loadCatalog = catalogLoader(import.meta.url);
  const languages = new Set([browserLanguage()]);
  for (const element of document.querySelectorAll('checkout-widget,checkout-pricing-table,checkout-add-payment-method')) {
    const locale = element.getAttribute('locale')?.trim();
    languages.add(locale ? catalogLanguage(locale) : browserLanguage());
  }
  for (const lang of languages) if (lang) loadCatalog(`widget.${lang}.json`);
  const early = (globalThis[Symbol.for('checkout-widget.early')] ??= new Map());
  const selector = 'checkout-widget:not([mode="add-payment-method"]),checkout-pricing-table';
  for (const element of document.querySelectorAll(selector)) {
    // Same default and trimming as the wasm (src/server_route.rs, src/embed/net.rs).
    const route = (element.getAttribute('server-route') ?? '').trim() || '/api/billing';
    const url = `${route.replace(/\/+$/, '')}/pricing-models/retrieve`;
    if (early.has(url)) continue;
    early.set(
      url,
      fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout?.(15000),
      }).then(
        async (response) => ({ status: response.status, text: await response.text() }),
        // Settled either way, so a page that never asks leaves no unhandled rejection.
        (error) => ({ status: 0, error: error?.name ?? 'NetworkError' }),
      ),
    );
  }
  try {
    new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' }).format(1);
  } catch {
    // Formatting is warmed up again on first use.
  }
}

// The wasm module, compiled while it downloads; then `initSync` instantiates
// it. Not the glue's default `init`: its fallbacks and warnings for other
// ways of loading are bytes every page would download for nothing.
async function compile(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`checkout-widget: ${url} answered HTTP ${response.status}`);
  try {
    return await WebAssembly.compileStreaming(response.clone());
  } catch {
    // Served without the application/wasm type: compile the bytes instead.
    return WebAssembly.compile(await response.arrayBuffer());
  }
}
