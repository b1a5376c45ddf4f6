// The hosted checkout bundle's entry (hosted.html): a file, not inline
// script, so /checkout/{id} runs under script-src 'self' 'wasm-unsafe-eval'.
// xtask bundles it with the wasm-bindgen glue into dist/checkout-hosted.js.
import init from './checkout-widget-hosted.js';
import { browserLanguage, catalogLanguage, catalogLoader } from './catalogs.js';

// The page's words (`?locale=`, else the browser's language) are fetched
// while the wasm downloads; the wasm waits for them before its first paint.
const loadCatalog = catalogLoader(import.meta.url);
const locale = new URLSearchParams(location.search).get('locale')?.trim();
const lang = locale ? catalogLanguage(locale) : browserLanguage();
if (lang) {
  loadCatalog(`page.${lang}.json`);
  loadCatalog(`widget.${lang}.json`);
}

await init();
