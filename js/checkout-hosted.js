// The hosted checkout bundle's entry (hosted.html): a file, not inline
// script, so /checkout/{id} runs under script-src 'self' 'wasm-unsafe-eval'.
// xtask bundles it with the wasm-bindgen glue into dist/checkout-hosted.js.
import init from './checkout-widget-hosted.js';

await init();
